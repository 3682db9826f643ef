//! `summary.csv`: per domain, object counts by level and the aggregated level,
//! for the district and each 街镇; then the comprehensive level of each.
//! UTF-8 with a BOM so that Excel shows the Chinese headers correctly.

use std::path::Path;

use polars::prelude::*;

use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::Level;

/// The table's columns, filled a row at a time.
#[derive(Default)]
struct Rows {
    scope: Vec<String>,
    code: Vec<Option<String>>,
    name: Vec<String>,
    dom_id: Vec<Option<String>>,
    dom_name: Vec<Option<String>>,
    counts: [Vec<Option<u32>>; 4],
    total: Vec<Option<u32>>,
    level: Vec<Option<i32>>,
    level_name: Vec<Option<&'static str>>,
}

/// One row: a zone (scope, code, name) and a domain (id, name), with its objects per level and its level.
struct Row<'a> {
    scope: &'a str,
    code: Option<String>,
    name: String,
    domain: Option<String>,
    domain_name: Option<String>,
    counts: Option<[u32; 4]>,
    total: Option<u32>,
    level: Option<Level>,
}

impl Rows {
    fn push(&mut self, r: Row) {
        self.scope.push(r.scope.to_owned());
        self.code.push(r.code);
        self.name.push(r.name);
        self.dom_id.push(r.domain);
        self.dom_name.push(r.domain_name);
        for (k, col) in self.counts.iter_mut().enumerate() {
            col.push(r.counts.map(|c| c[k]));
        }
        self.total.push(r.total.or(r.counts.map(|c| c.iter().sum())));
        self.level.push(r.level.map(|l| l.number()));
        self.level_name.push(r.level.map(|l| l.name_zh()));
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        let [c1, c2, c3, c4] = self.counts;
        DataFrame::new(vec![
            Column::new("范围".into(), self.scope),
            Column::new("单元代码".into(), self.code),
            Column::new("单元名称".into(), self.name),
            Column::new("领域编号".into(), self.dom_id),
            Column::new("领域名称".into(), self.dom_name),
            Column::new(Level::Major.name_zh().into(), c1),
            Column::new(Level::Significant.name_zh().into(), c2),
            Column::new(Level::General.name_zh().into(), c3),
            Column::new(Level::Low.name_zh().into(), c4),
            Column::new("对象数".into(), self.total),
            Column::new("等级".into(), self.level),
            Column::new("等级名称".into(), self.level_name),
        ])
    }
}

/// Build the summary table (one row per scope × domain).
pub fn table(a: &Assessment) -> PolarsResult<DataFrame> {
    let mut rows = Rows::default();
    for d in 0..a.models().len() {
        domain_rows(a, d, &mut rows);
    }
    comprehensive_rows(a, &mut rows);
    // Features left out under --keep-going, per layer and domain, so the table says what it does not cover.
    let mut rejected: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for r in &a.loaded.rejects {
        *rejected.entry((r.layer.clone(), r.domain.clone().unwrap_or_default())).or_default() += 1;
    }
    for ((layer, domain), n) in rejected {
        let domain = (!domain.is_empty()).then_some(domain);
        rows.push(Row { scope: "拒收", code: None, name: layer, domain, domain_name: None, counts: None, total: Some(n), level: None });
    }
    rows.frame()
}

/// Domain `d`'s rows: the district, each 区 of a city run, each 街镇.
fn domain_rows(a: &Assessment, d: usize, rows: &mut Rows) {
    let (cfg, streets) = (&a.loaded.config, &a.loaded.streets);
    let (m, r) = (&a.models()[d], &a.domains[d]);
    // One pass over the objects: a city has a million, in hundreds of 街镇.
    let mut per_street = vec![[0u32; 4]; streets.zones.len()];
    let mut per_district = vec![[0u32; 4]; streets.districts.as_ref().map_or(0, |ds| ds.names.len())];
    for (l, s) in r.scores.level.iter().zip(&r.object_street) {
        if let Some(s) = *s {
            per_street[s][l.index()] += 1;
            if let Some(ds) = &streets.districts {
                per_district[ds.of_street[s]][l.index()] += 1;
            }
        }
    }
    let row = |scope, code, name, counts, level| Row {
        scope,
        code,
        name,
        domain: Some(m.id.clone()),
        domain_name: Some(m.name.clone()),
        counts: Some(counts),
        total: None,
        level,
    };
    let all = crate::level::counts(&r.scores.level).map(|n| n as u32);
    rows.push(row("全区", cfg.district_code.clone(), cfg.district.clone(), all, r.district.map(|z| z.level)));
    for (k, dn) in streets.districts.iter().flat_map(|ds| ds.names.iter().enumerate()) {
        rows.push(row("区", None, dn.clone(), per_district[k], r.districts[k].map(|z| z.level)));
    }
    for (s, c) in per_street.into_iter().enumerate() {
        rows.push(row("街镇", Some(streets.codes[s].clone()), streets.names[s].clone(), c, r.streets[s].map(|z| z.level)));
    }
}

/// The comprehensive level's rows: the district, each 区, each 街镇.
fn comprehensive_rows(a: &Assessment, rows: &mut Rows) {
    let (cfg, streets) = (&a.loaded.config, &a.loaded.streets);
    let row = |scope, code, name, level| Row {
        scope,
        code,
        name,
        domain: Some("综合".into()),
        domain_name: Some("综合风险".into()),
        counts: None,
        total: None,
        level: Some(level),
    };
    rows.push(row("全区", cfg.district_code.clone(), cfg.district.clone(), a.district_total.level));
    for (k, dn) in streets.districts.iter().flat_map(|d| d.names.iter().enumerate()) {
        rows.push(row("区", None, dn.clone(), a.districts_total[k].level));
    }
    for s in 0..streets.zones.len() {
        rows.push(row("街镇", Some(streets.codes[s].clone()), streets.names[s].clone(), a.streets_total[s].level));
    }
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
