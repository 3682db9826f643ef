//! The 风险清单 as a bureau files it: every scored object of every domain in
//! one list — name, domain, 街镇, address, CGCS2000 longitude/latitude, the
//! indicators that drove its score, the accident types it can lead to, its
//! inherent and realistic risk, level, the model's control measures for that
//! level and the responsible unit. Written by `tables` as CSV, Parquet and a
//! sheet of the workbook.

use geo::InteriorPoint;
use polars::prelude::*;

use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::Level;
use crate::load::crs::Transform;
use crate::model::{Method, Model};
use crate::schema;
use crate::score::{DomainScores, Values};

/// The geographic CRS of the list's coordinates (CGCS2000).
const LONLAT_CRS: &str = "EPSG:4490";

/// At most this many indicators are named as 主要风险因素 of an object.
const DRIVERS: usize = 3;

/// One row of the list.
struct Row {
    level: Level,
    domain: usize,
    score: f64,
    inherent: f64,
    id: String,
    name: Option<String>,
    street: Option<String>,
    address: Option<String>,
    unit: Option<String>,
    lonlat: (f64, f64),
    drivers: String,
}

/// The list, worst first: by level, then domain, then realistic score, then id.
pub fn register(a: &Assessment) -> Result<DataFrame> {
    let to_lonlat = Transform::new(&a.prepared.config.working_crs, LONLAT_CRS).map_err(|e| Error::output("风险清单", e))?;
    let mut rows: Vec<Row> = Vec::new();
    for (d, m) in a.models().iter().enumerate() {
        let r = &a.domains[d];
        let objects = a.objects(d);
        let text = |key: &str| objects.descriptive(key).unwrap_or_else(|| vec![None; objects.len()]);
        let (names, addresses, units) = (text(schema::NAME), text(schema::ADDRESS), text(schema::RESPONSIBLE_UNIT));
        for i in 0..objects.len() {
            let p = objects.geoms[i].interior_point().ok_or_else(|| Error::output("风险清单", format!("object {} has an empty geometry", objects.ids[i])))?;
            let (lon, lat) = to_lonlat.point(p.x(), p.y()).map_err(|e| Error::output("风险清单", e))?;
            rows.push(Row {
                level: r.scores.level[i],
                domain: d,
                score: r.scores.score[i],
                inherent: r.scores.inherent[i],
                id: objects.ids[i].clone(),
                name: names[i].clone(),
                street: r.object_street[i].map(|s| a.prepared.admin.names[s].clone()),
                address: addresses[i].clone(),
                unit: units[i].clone(),
                lonlat: ((lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6),
                drivers: drivers(m, &r.scores, i),
            });
        }
    }
    // Scores of different domains are on different scales (index, R, D): order by level, then domain.
    rows.sort_by(|x, y| x.level.cmp(&y.level).then(x.domain.cmp(&y.domain)).then(y.score.total_cmp(&x.score)).then(x.id.cmp(&y.id)));
    let models = a.models();
    let text = |f: &dyn Fn(&Row) -> Option<String>| rows.iter().map(f).collect::<Vec<Option<String>>>();
    let num = |f: &dyn Fn(&Row) -> f64| rows.iter().map(|r| (f(r) * 100.0).round() / 100.0).collect::<Vec<f64>>();
    DataFrame::new(vec![
        Column::new("序号".into(), (1..=rows.len() as u32).collect::<Vec<_>>()),
        Column::new("风险点名称".into(), text(&|r| Some(r.name.clone().unwrap_or_else(|| r.id.clone())))),
        Column::new("对象编号".into(), text(&|r| Some(r.id.clone()))),
        Column::new("所属领域".into(), text(&|r| Some(format!("{} {}", models[r.domain].id, models[r.domain].name)))),
        Column::new("所在街镇".into(), text(&|r| r.street.clone())),
        Column::new("地址".into(), text(&|r| r.address.clone())),
        Column::new("经度(CGCS2000)".into(), rows.iter().map(|r| r.lonlat.0).collect::<Vec<_>>()),
        Column::new("纬度(CGCS2000)".into(), rows.iter().map(|r| r.lonlat.1).collect::<Vec<_>>()),
        Column::new("主要风险因素".into(), text(&|r| Some(r.drivers.clone()))),
        Column::new("可能导致的事故类型".into(), text(&|r| Some(models[r.domain].accidents.join("、")))),
        Column::new("固有风险值".into(), num(&|r| r.inherent)),
        Column::new("现实风险值".into(), num(&|r| r.score)),
        Column::new("风险等级".into(), rows.iter().map(|r| r.level.name_zh()).collect::<Vec<_>>()),
        Column::new("管控措施".into(), text(&|r| models[r.domain].measure(r.level).map(str::to_owned))),
        Column::new("责任单位".into(), text(&|r| r.unit.clone())),
    ])
    .map_err(|e| Error::output("风险清单", e))
}

/// The indicators behind an object's score, in words: for a weighted index
/// the largest contributions (weight × score), for a risk matrix and LEC the
/// method's factors; a veto reason first.
fn drivers(m: &Model, s: &DomainScores, i: usize) -> String {
    let picked: Vec<usize> = match &m.method {
        Method::WeightedIndex { weights, .. } => {
            let mut k: Vec<usize> = (0..m.indicators.len()).filter(|&k| weights[k] * s.scores[k][i] > 0.0).collect();
            k.sort_by(|&x, &y| (weights[y] * s.scores[y][i]).total_cmp(&(weights[x] * s.scores[x][i])).then(x.cmp(&y)));
            k.truncate(DRIVERS);
            k
        }
        Method::RiskMatrix { likelihood, severity, .. } => vec![*likelihood, *severity],
        Method::Lec { l, e, c } => vec![*l, *e, *c],
    };
    let mut parts: Vec<String> = s.veto[i].iter().map(|v| format!("一票否决：{v}")).collect();
    for k in picked {
        let ind = &m.indicators[k];
        let value = match &s.values[k] {
            Values::Numbers(x) => format!("{}{}", (x[i] * 100.0).round() / 100.0, ind.unit.as_deref().unwrap_or("")),
            Values::Texts(t) => t[i].clone(),
        };
        parts.push(format!("{}：{value}（得分 {}）", ind.name, (s.scores[k][i] * 100.0).round() / 100.0));
    }
    parts.join("；")
}
