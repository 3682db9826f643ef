//! The 风险清单 as a bureau files it: every scored object of every domain in
//! one list — name, domain, 街镇, address, CGCS2000 longitude/latitude, the
//! indicators that drove its score, the accident types it can lead to, its
//! inherent and realistic risk, level, the model's control measures for that
//! level and the responsible unit. Written by `tables` as CSV, Parquet and a
//! sheet of the workbook.

use std::fmt::Write as _;

use geo::InteriorPoint;
use polars::prelude::*;
use rayon::prelude::*;

use super::{push_round2, round2};
use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::Level;
use crate::load::crs::Transform;
use crate::model::{Method, Model};
use crate::objects::Descriptive;
use crate::schema;
use crate::score::{DomainScores, Values};

/// The geographic CRS of the list's coordinates (CGCS2000).
const LONLAT_CRS: &str = "EPSG:4490";

/// At most this many indicators are named as 主要风险因素 of an object.
const DRIVERS: usize = 3;

/// The list, worst first: by level, then domain, then realistic score, then
/// id. Its rows are built a chunk at a time ([`Register::rows`]) and
/// written as they come: a city's list has a million rows (~700 MB as one
/// table), and only the workbook's first rows are needed at once.
pub struct Register<'a> {
    a: &'a Assessment,
    /// (domain, object) of each row, in list order.
    order: Vec<(usize, usize)>,
    /// Each row's interior point as CGCS2000 longitude/latitude (6 decimals).
    lonlat: Vec<(f64, f64)>,
    /// The standard descriptive fields of each domain's objects, read in place.
    names: Vec<Option<Descriptive>>,
    addresses: Vec<Option<Descriptive>>,
    units: Vec<Option<Descriptive>>,
    /// Each domain's accident types, joined.
    accidents: Vec<String>,
    /// Each domain's "ID name", as the list names it.
    domains: Vec<String>,
}

impl<'a> Register<'a> {
    pub fn new(a: &'a Assessment) -> Result<Register<'a>> {
        let err = |e: String| Error::output("风险清单", e);
        let models = a.models();
        let order = worst_first(a, Level::Low);
        let text = |key: &str| -> Vec<Option<Descriptive>> { (0..models.len()).map(|d| a.objects(d).descriptive_column(key)).collect() };
        // A million interior points and PROJ calls: side by side, each
        // thread with its own transform (PROJ objects stay on their thread).
        let crs = (&a.loaded.config.working_crs, LONLAT_CRS);
        let lonlat: Vec<(f64, f64)> = order
            .par_iter()
            .map_init(
                || Transform::new(crs.0, crs.1),
                |to_lonlat, &(d, i)| {
                    let to_lonlat = to_lonlat.as_ref().map_err(|e| err(e.clone().into()))?;
                    let o = a.objects(d);
                    let p = o.geoms[i].interior_point().ok_or_else(|| err(crate::msg::OutputTrouble::EmptyGeometry { id: o.ids[i].clone() }.into()))?;
                    let (lon, lat) = to_lonlat.point(p.x(), p.y()).map_err(|e| err(e.into()))?;
                    Ok(super::round6((lon, lat)))
                },
            )
            .collect::<Result<_>>()?;
        Ok(Register {
            a,
            order,
            lonlat,
            names: text(schema::NAME),
            addresses: text(schema::ADDRESS),
            units: text(schema::RESPONSIBLE_UNIT),
            accidents: models.iter().map(|m| m.accidents.join("、")).collect(),
            domains: models.iter().map(|m| format!("{} {}", m.id, m.name)).collect(),
        })
    }

    /// The number of rows: every scored object of every domain.
    pub fn height(&self) -> usize {
        self.order.len()
    }

    /// Rows `range` of the list, built column by column; text is copied
    /// once, into the frame.
    pub fn rows<'s>(&'s self, range: std::ops::Range<usize>) -> Result<DataFrame> {
        let (a, models) = (self.a, self.a.models());
        let order = &self.order[range.clone()];
        let lonlat = &self.lonlat[range.clone()];
        let col = |f: &dyn Fn(usize, usize) -> Option<&'s str>| order.iter().map(|&(d, i)| f(d, i)).collect::<Vec<Option<&str>>>();
        let num = |f: &dyn Fn(usize, usize) -> f64| order.iter().map(|&(d, i)| round2(f(d, i))).collect::<Vec<f64>>();
        let text = |field: &'s [Option<Descriptive>], d: usize, i: usize| field[d].as_ref().and_then(|f| f.text(i));
        let id = |d: usize, i: usize| a.objects(d).ids[i].as_str();
        DataFrame::new(vec![
            Column::new("序号".into(), (range.start as u32 + 1..=range.end as u32).collect::<Vec<_>>()),
            Column::new("风险点名称".into(), col(&|d, i| Some(text(&self.names, d, i).unwrap_or_else(|| id(d, i))))),
            Column::new("对象编号".into(), col(&|d, i| Some(id(d, i)))),
            Column::new("所属领域".into(), col(&|d, _| Some(self.domains[d].as_str()))),
            Column::new("所在街镇".into(), col(&|d, i| a.domains[d].object_street[i].map(|s| a.loaded.streets.names[s].as_str()))),
            Column::new("地址".into(), col(&|d, i| text(&self.addresses, d, i))),
            Column::new("经度(CGCS2000)".into(), lonlat.iter().map(|p| p.0).collect::<Vec<_>>()),
            Column::new("纬度(CGCS2000)".into(), lonlat.iter().map(|p| p.1).collect::<Vec<_>>()),
            {
                // Written into one buffer and copied into the column: no String per row.
                let mut risks = StringChunkedBuilder::new("主要风险因素".into(), order.len());
                let mut buf = String::new();
                for &(d, i) in order {
                    buf.clear();
                    drivers(&models[d], &a.domains[d].scores, i, &mut buf);
                    risks.append_value(&buf);
                }
                risks.finish().into_column()
            },
            Column::new("可能导致的事故类型".into(), col(&|d, _| Some(self.accidents[d].as_str()))),
            Column::new("固有风险值".into(), num(&|d, i| a.domains[d].scores.inherent[i])),
            Column::new("现实风险值".into(), num(&|d, i| a.domains[d].scores.score[i])),
            Column::new("风险等级".into(), order.iter().map(|&(d, i)| a.domains[d].scores.level[i].name_zh()).collect::<Vec<_>>()),
            Column::new("计算等级".into(), order.iter().map(|&(d, i)| a.domains[d].computed_level(i).name_zh()).collect::<Vec<_>>()),
            Column::new("专家研判".into(), order.iter().map(|&(d, i)| a.domains[d].review.get(&i).map(|r| r.describe())).collect::<Vec<_>>()),
            Column::new("管控措施".into(), col(&|d, i| models[d].measure(a.domains[d].scores.level[i]))),
            Column::new("责任单位".into(), col(&|d, i| text(&self.units, d, i))),
        ])
        .and_then(|mut df| {
            // With a sensitivity analysis: how firmly each computed level holds.
            if a.domains.iter().any(|r| r.sensitivity.is_some()) {
                let sens = |d: usize| a.domains[d].sensitivity.as_ref();
                let pct = order.iter().map(|&(d, i)| sens(d).map(|s| (s.stability[i] * 1000.0).round() / 10.0)).collect::<Vec<_>>();
                let critical = order.iter().map(|&(d, i)| sens(d).map(|s| if s.is_critical(i) { "是" } else { "否" })).collect::<Vec<_>>();
                df.with_column(Column::new("等级稳定度(%)".into(), pct))?;
                df.with_column(Column::new("临界".into(), critical))?;
            }
            Ok(df)
        })
        .map_err(|e| Error::output("风险清单", e.to_string()))
    }
}

/// The objects (domain, object) at `down_to` or worse, in the list's order.
/// Scores of different domains are on different scales (index, R, D): by
/// level, then domain, then score (worst first), then id. The keys are laid
/// out once, so that sorting a city's million rows compares values, not lookups.
pub(crate) fn worst_first(a: &Assessment, down_to: Level) -> Vec<(usize, usize)> {
    let mut keys: Vec<(Level, usize, f64, &str, usize)> = (0..a.models().len())
        .flat_map(|d| {
            let s = &a.domains[d].scores;
            let ids = &a.objects(d).ids;
            (0..ids.len()).filter(move |&i| s.level[i] <= down_to).map(move |i| (s.level[i], d, s.score[i], ids[i].as_str(), i))
        })
        .collect();
    keys.par_sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(y.2.total_cmp(&x.2)).then(x.3.cmp(y.3)).then(x.4.cmp(&y.4)));
    keys.iter().map(|k| (k.1, k.4)).collect()
}

/// The indicators behind an object's score, in words, written to `out` (which the caller empties): for
/// a weighted index the largest contributions (weight × score), for a risk
/// matrix and LEC the method's factors; a veto reason first; parts joined by "；".
pub(crate) fn drivers(m: &Model, s: &DomainScores, i: usize, out: &mut String) {
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
    if let Some(v) = &s.veto[i] {
        let _ = write!(out, "一票否决：{v}");
    }
    for k in picked {
        if !out.is_empty() {
            out.push('；');
        }
        let ind = &m.indicators[k];
        out.push_str(&ind.name);
        out.push('：');
        match &s.values[k] {
            Values::Numbers(x) => {
                push_round2(out, x[i]);
                out.push_str(ind.unit.as_deref().unwrap_or(""));
            }
            Values::Texts(t) => out.push_str(&t[i]),
        }
        out.push_str("（得分 ");
        push_round2(out, s.scores[k][i]);
        out.push('）');
    }
}
