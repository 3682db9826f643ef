//! `summary.csv`: per domain, object counts by level and the aggregated level,
//! for the district and each 街镇; then the comprehensive level of each.
//! UTF-8 with a BOM so that Excel shows the Chinese headers correctly.

use std::path::Path;

use polars::prelude::*;

use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::Level;

/// Build the summary table (one row per scope × domain).
pub fn table(a: &Assessment) -> PolarsResult<DataFrame> {
    let cfg = &a.loaded.config;
    let admin = &a.loaded.admin;
    let mut scope = Vec::new();
    let mut code: Vec<Option<String>> = Vec::new();
    let mut name = Vec::new();
    let mut dom_id: Vec<Option<String>> = Vec::new();
    let mut dom_name: Vec<Option<String>> = Vec::new();
    let mut counts: [Vec<Option<u32>>; 4] = Default::default();
    let mut total: Vec<Option<u32>> = Vec::new();
    let mut level: Vec<Option<i32>> = Vec::new();
    let mut level_name: Vec<Option<&str>> = Vec::new();

    let mut push = |s: &str, c: Option<String>, n: String, id: String, dn: String, cnt: Option<[u32; 4]>, l: Option<Level>| {
        scope.push(s.to_owned());
        code.push(c);
        name.push(n);
        dom_id.push(Some(id));
        dom_name.push(Some(dn));
        for (k, col) in counts.iter_mut().enumerate() {
            col.push(cnt.map(|c| c[k]));
        }
        total.push(cnt.map(|c| c.iter().sum()));
        level.push(l.map(|l| l.number()));
        level_name.push(l.map(|l| l.name_zh()));
    };

    for (d, m) in a.models().iter().enumerate() {
        let r = &a.domains[d];
        // One pass over the objects: a city has a million, in hundreds of 街镇.
        let mut per_street = vec![[0u32; 4]; admin.zones.len()];
        let mut per_district = vec![[0u32; 4]; admin.districts.as_ref().map_or(0, |ds| ds.names.len())];
        for (l, s) in r.scores.level.iter().zip(&r.object_street) {
            if let Some(s) = *s {
                per_street[s][l.index()] += 1;
                if let Some(ds) = &admin.districts {
                    per_district[ds.of_street[s]][l.index()] += 1;
                }
            }
        }
        let all = crate::level::counts(&r.scores.level).map(|n| n as u32);
        push("全区", cfg.district_code.clone(), cfg.district.clone(), m.id.clone(), m.name.clone(), Some(all), r.district.map(|z| z.level));
        if let Some(districts) = &admin.districts {
            for (k, dn) in districts.names.iter().enumerate() {
                push("区", None, dn.clone(), m.id.clone(), m.name.clone(), Some(per_district[k]), r.districts[k].map(|z| z.level));
            }
        }
        for (s, c) in per_street.into_iter().enumerate() {
            push("街镇", Some(admin.codes[s].clone()), admin.names[s].clone(), m.id.clone(), m.name.clone(), Some(c), r.admin[s].map(|z| z.level));
        }
    }
    push("全区", cfg.district_code.clone(), cfg.district.clone(), "综合".into(), "综合风险".into(), None, Some(a.district_total.level));
    for (k, dn) in admin.districts.iter().flat_map(|d| d.names.iter().enumerate()) {
        push("区", None, dn.clone(), "综合".into(), "综合风险".into(), None, Some(a.districts_total[k].level));
    }
    for s in 0..admin.zones.len() {
        push("街镇", Some(admin.codes[s].clone()), admin.names[s].clone(), "综合".into(), "综合风险".into(), None, Some(a.admin_total[s].level));
    }

    // Features left out under --keep-going, per layer and domain, so the table says what it does not cover.
    let mut rejected: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for r in &a.loaded.rejects {
        *rejected.entry((r.layer.clone(), r.domain.clone().unwrap_or_default())).or_default() += 1;
    }
    for ((layer, domain), n) in rejected {
        scope.push("拒收".into());
        code.push(None);
        name.push(layer);
        dom_id.push((!domain.is_empty()).then_some(domain));
        dom_name.push(None);
        for col in counts.iter_mut() {
            col.push(None);
        }
        total.push(Some(n));
        level.push(None);
        level_name.push(None);
    }

    let [c1, c2, c3, c4] = counts;
    DataFrame::new(vec![
        Column::new("范围".into(), scope),
        Column::new("单元代码".into(), code),
        Column::new("单元名称".into(), name),
        Column::new("领域编号".into(), dom_id),
        Column::new("领域名称".into(), dom_name),
        Column::new(Level::Major.name_zh().into(), c1),
        Column::new(Level::Significant.name_zh().into(), c2),
        Column::new(Level::General.name_zh().into(), c3),
        Column::new(Level::Low.name_zh().into(), c4),
        Column::new("对象数".into(), total),
        Column::new("等级".into(), level),
        Column::new("等级名称".into(), level_name),
    ])
}

pub fn write(path: &Path, a: &Assessment) -> Result<()> {
    let err = |e: PolarsError| Error::output(path, e);
    super::csv::write(path, &table(a).map_err(err)?)
}

/// `rejects.csv`: every feature left out under `--keep-going`, with the class and reason.
pub fn write_rejects(path: &Path, rejects: &[crate::load::Reject]) -> Result<()> {
    let err = |e: PolarsError| Error::output(path, e);
    let col = |f: &dyn Fn(&crate::load::Reject) -> String| rejects.iter().map(f).collect::<Vec<String>>();
    let df = DataFrame::new(vec![
        Column::new("图层".into(), col(&|r| r.layer.clone())),
        Column::new("文件".into(), col(&|r| r.file.display().to_string())),
        Column::new("要素编号".into(), col(&|r| r.id.clone())),
        Column::new("领域".into(), col(&|r| r.domain.clone().unwrap_or_default())),
        Column::new("类别".into(), col(&|r| format!("{:?}", r.bad))),
        Column::new("退出码".into(), rejects.iter().map(|r| r.bad.exit_code() as u32).collect::<Vec<u32>>()),
        Column::new("原因".into(), col(&|r| r.reason.clone())),
    ])
    .map_err(err)?;
    super::csv::write(path, &df)
}
