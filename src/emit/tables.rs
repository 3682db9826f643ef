//! `tables/`: the tables assessors hand over, each as CSV (UTF-8 with BOM, so
//! Excel reads the Chinese), Parquet, and a sheet of one `评估汇总表.xlsx`
//! workbook with Chinese headers and level cells in the four colours.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};

use super::drivers::{Drivers, Zone};
use super::round2;
use crate::assess::Assessment;
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::level::{self, Level};
use crate::score::Values;

/// One table: file stem, sheet name and data.
pub struct Table {
    pub name: &'static str,
    pub sheet: &'static str,
    /// The table's rows; for the 风险清单, only its first ones (what the
    /// workbook holds): the rest is built a chunk at a time as it is written.
    pub df: DataFrame,
    /// How many rows the table has.
    pub rows: usize,
}

impl Table {
    fn new(name: &'static str, sheet: &'static str, df: DataFrame) -> Table {
        Table { name, sheet, rows: df.height(), df }
    }
}

fn level_name(l: Option<Level>) -> Option<&'static str> {
    l.map(Level::name_zh)
}

fn share(n: u32, total: u32) -> Option<f64> {
    (total > 0).then(|| (n as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// Domain × level counts and shares.
fn domain_levels(a: &Assessment) -> PolarsResult<DataFrame> {
    let models = a.models();
    let mut counts: [Vec<u32>; 4] = Default::default();
    let mut totals = Vec::new();
    for d in &a.domains {
        let c = level::counts(&d.scores.level).map(|n| n as u32);
        for k in 0..4 {
            counts[k].push(c[k]);
        }
        totals.push(c.iter().sum::<u32>());
    }
    let mut cols = vec![
        Column::new("领域编号".into(), models.iter().map(|m| m.id.clone()).collect::<Vec<_>>()),
        Column::new("领域名称".into(), models.iter().map(|m| m.name.clone()).collect::<Vec<_>>()),
    ];
    for (k, l) in Level::ALL.iter().enumerate() {
        cols.push(Column::new(l.name_zh().into(), counts[k].clone()));
    }
    cols.push(Column::new("对象数".into(), totals.clone()));
    for (k, l) in Level::ALL.iter().enumerate() {
        let shares: Vec<Option<f64>> = counts[k].iter().zip(&totals).map(|(n, t)| share(*n, *t)).collect();
        cols.push(Column::new(format!("{}占比(%)", l.name_zh()).into(), shares));
    }
    DataFrame::new(cols)
}

/// 街镇 × domain level matrix, with the comprehensive level last.
fn street_domain_levels(a: &Assessment) -> PolarsResult<DataFrame> {
    let streets = &a.loaded.streets;
    let mut cols = vec![Column::new("街镇代码".into(), streets.codes.clone()), Column::new("街镇名称".into(), streets.names.clone())];
    for (d, m) in a.models().iter().enumerate() {
        let v: Vec<Option<&str>> = a.domains[d].streets.iter().map(|z| level_name(z.map(|z| z.level))).collect();
        cols.push(Column::new(format!("{} {}", m.id, m.name).into(), v));
    }
    cols.push(Column::new("综合风险".into(), a.streets_total.iter().map(|t| t.level.name_zh()).collect::<Vec<_>>()));
    DataFrame::new(cols)
}

/// The comprehensive level of each 街镇, with its grid cells by level.
fn street_comprehensive(a: &Assessment) -> PolarsResult<DataFrame> {
    let streets = &a.loaded.streets;
    let n = streets.zones.len();
    let cells: Vec<[usize; 4]> =
        (0..n).map(|s| level::counts(a.grid.street.iter().zip(&a.grid_total).filter(|(street, _)| **street == Some(s)).map(|(_, t)| &t.level))).collect();
    let mut cols = vec![
        Column::new("街镇代码".into(), streets.codes.clone()),
        Column::new("街镇名称".into(), streets.names.clone()),
        Column::new("综合风险值".into(), a.streets_total.iter().map(|t| round2(t.score)).collect::<Vec<_>>()),
        Column::new("综合风险等级".into(), a.streets_total.iter().map(|t| t.level.name_zh()).collect::<Vec<_>>()),
    ];
    cols.extend(driver_columns(a, (0..n).map(Zone::Street)));
    for (k, l) in Level::ALL.iter().enumerate() {
        cols.push(Column::new(format!("{}网格数", l.name_zh()).into(), cells.iter().map(|c| c[k] as u32).collect::<Vec<_>>()));
    }
    DataFrame::new(cols)
}

/// 主导领域, 主要风险对象, 定级依据 and the red and orange objects of each zone.
fn driver_columns(a: &Assessment, zones: impl Iterator<Item = Zone>) -> Vec<Column> {
    let d = Drivers::new(a);
    let zones: Vec<Zone> = zones.collect();
    let count = |l: Level| zones.iter().map(|z| d.total(*z).0.counts[l.index()]).collect::<Vec<_>>();
    vec![
        Column::new("主导领域".into(), zones.iter().map(|z| d.leading(*z)).collect::<Vec<_>>()),
        Column::new("主要风险对象".into(), zones.iter().map(|z| d.objects_text(*z)).collect::<Vec<_>>()),
        Column::new("定级依据".into(), zones.iter().map(|z| d.basis(*z)).collect::<Vec<_>>()),
        Column::new("重大风险对象数".into(), count(Level::Major)),
        Column::new("较大风险对象数".into(), count(Level::Significant)),
    ]
}

/// Per 区 of a city run: each domain's level, the comprehensive level, and
/// its 街镇 and grid cells by comprehensive level (the per-district totals).
fn district_levels(a: &Assessment, districts: &crate::assess::Districts) -> PolarsResult<DataFrame> {
    let n = districts.names.len();
    let of_street = |s: &Option<usize>| s.map(|s| districts.of_street[s]);
    let streets: Vec<[usize; 4]> =
        (0..n).map(|k| level::counts(districts.of_street.iter().zip(&a.streets_total).filter(|(d, _)| **d == k).map(|(_, t)| &t.level))).collect();
    let cells: Vec<[usize; 4]> =
        (0..n).map(|k| level::counts(a.grid.street.iter().zip(&a.grid_total).filter(|(s, _)| of_street(s) == Some(k)).map(|(_, t)| &t.level))).collect();
    let mut cols = vec![
        Column::new("区".into(), districts.names.clone()),
        Column::new("街镇数".into(), streets.iter().map(|c| c.iter().sum::<usize>() as u32).collect::<Vec<_>>()),
    ];
    for (d, m) in a.models().iter().enumerate() {
        let v: Vec<Option<&str>> = a.domains[d].districts.iter().map(|z| level_name(z.map(|z| z.level))).collect();
        cols.push(Column::new(format!("{} {}", m.id, m.name).into(), v));
    }
    cols.push(Column::new("综合风险值".into(), a.districts_total.iter().map(|t| round2(t.score)).collect::<Vec<_>>()));
    cols.push(Column::new("综合风险等级".into(), a.districts_total.iter().map(|t| t.level.name_zh()).collect::<Vec<_>>()));
    cols.extend(driver_columns(a, (0..n).map(Zone::Qu)));
    for (k, l) in Level::ALL.iter().enumerate() {
        cols.push(Column::new(format!("{}街镇数", l.name_zh()).into(), streets.iter().map(|c| c[k] as u32).collect::<Vec<_>>()));
    }
    for (k, l) in Level::ALL.iter().enumerate() {
        cols.push(Column::new(format!("{}网格数", l.name_zh()).into(), cells.iter().map(|c| c[k] as u32).collect::<Vec<_>>()));
    }
    DataFrame::new(cols)
}

/// One row of the major-risk list, borrowing its text from the assessment.
struct MajorRisk<'a> {
    level: Level,
    score: f64,
    domain: usize,
    id: &'a str,
    name: &'a str,
    street: &'a str,
    veto: Option<&'a str>,
    computed: Level,
    review: Option<String>,
    indicators: String,
}

/// The red and orange objects, worst first, with the indicators and veto reason behind each.
fn major_risks(a: &Assessment) -> PolarsResult<DataFrame> {
    let models = a.models();
    let names: Vec<Option<crate::objects::Descriptive>> = (0..models.len()).map(|d| a.objects(d).descriptive_column(crate::schema::NAME)).collect();
    let mut rows: Vec<MajorRisk> = Vec::new();
    for (d, m) in models.iter().enumerate() {
        let r = &a.domains[d];
        let objects = a.objects(d);
        for (i, l) in r.scores.level.iter().enumerate() {
            if *l > Level::Significant {
                continue;
            }
            // "name=value；name=value", in one buffer.
            let mut indicators = String::new();
            for (k, (ind, v)) in m.indicators.iter().zip(&r.scores.values).enumerate() {
                if k > 0 {
                    indicators.push('；');
                }
                indicators.push_str(&ind.name);
                indicators.push('=');
                match v {
                    Values::Numbers(x) => super::push_round2(&mut indicators, x[i]),
                    Values::Texts(t) => indicators.push_str(&t[i]),
                }
            }
            let id = objects.ids[i].as_str();
            rows.push(MajorRisk {
                level: *l,
                score: r.scores.score[i],
                domain: d,
                id,
                name: names[d].as_ref().and_then(|n| n.text(i)).unwrap_or(id),
                street: r.object_street[i].map_or("", |s| a.loaded.streets.names[s].as_str()),
                veto: r.scores.veto[i].as_deref(),
                computed: r.computed_level(i),
                review: r.review.get(&i).map(|a| a.describe()),
                indicators,
            });
        }
    }
    // Scores of different domains are on different scales (index, R, D): order by level, then domain, then score.
    // A stable order (ties keep the domains' order).
    rows.sort_by(|x, y| x.level.cmp(&y.level).then(models[x.domain].id.cmp(&models[y.domain].id)).then(y.score.total_cmp(&x.score)).then(x.id.cmp(y.id)));
    // Columns copy the rows' text once, into the frame.
    fn text<'r>(rows: &'r [MajorRisk], f: impl Fn(&'r MajorRisk) -> &'r str) -> Vec<&'r str> {
        rows.iter().map(f).collect()
    }
    DataFrame::new(vec![
        Column::new("领域编号".into(), text(&rows, |r| &models[r.domain].id)),
        Column::new("领域名称".into(), text(&rows, |r| &models[r.domain].name)),
        Column::new("风险点名称".into(), text(&rows, |r| r.name)),
        Column::new("对象编号".into(), text(&rows, |r| r.id)),
        Column::new("所在街镇".into(), text(&rows, |r| r.street)),
        Column::new("现实风险值".into(), rows.iter().map(|r| round2(r.score)).collect::<Vec<_>>()),
        Column::new("风险等级".into(), rows.iter().map(|r| r.level.name_zh()).collect::<Vec<_>>()),
        Column::new("一票否决原因".into(), rows.iter().map(|r| r.veto).collect::<Vec<_>>()),
        Column::new("计算等级".into(), rows.iter().map(|r| r.computed.name_zh()).collect::<Vec<_>>()),
        Column::new("专家研判".into(), rows.iter().map(|r| r.review.as_deref()).collect::<Vec<_>>()),
        Column::new("指标值".into(), text(&rows, |r| &r.indicators)),
    ])
}

/// The expert review's adjustments as applied (专家研判记录): what the models
/// computed, what the review decided, why, by whom and when; by domain, then id.
fn expert_review(a: &Assessment) -> PolarsResult<DataFrame> {
    let models = a.models();
    let mut rows: Vec<(usize, usize)> = (0..models.len()).flat_map(|d| a.domains[d].review.keys().map(move |&i| (d, i))).collect();
    rows.sort_by(|x, y| models[x.0].id.cmp(&models[y.0].id).then(a.objects(x.0).ids[x.1].cmp(&a.objects(y.0).ids[y.1])));
    let adj = |&(d, i): &(usize, usize)| &a.domains[d].review[&i];
    let names: Vec<Option<crate::objects::Descriptive>> = (0..models.len()).map(|d| a.objects(d).descriptive_column(crate::schema::NAME)).collect();
    fn text<'r>(rows: &[(usize, usize)], f: impl Fn(&(usize, usize)) -> &'r str) -> Vec<&'r str> {
        rows.iter().map(f).collect()
    }
    DataFrame::new(vec![
        Column::new("领域编号".into(), text(&rows, |&(d, _)| &models[d].id)),
        Column::new("领域名称".into(), text(&rows, |&(d, _)| &models[d].name)),
        Column::new("对象编号".into(), text(&rows, |&(d, i)| &a.objects(d).ids[i])),
        Column::new("风险点名称".into(), text(&rows, |&(d, i)| names[d].as_ref().and_then(|n| n.text(i)).unwrap_or(&a.objects(d).ids[i]))),
        Column::new("所在街镇".into(), text(&rows, |&(d, i)| a.domains[d].object_street[i].map_or("", |s| a.loaded.streets.names[s].as_str()))),
        Column::new("现实风险值".into(), rows.iter().map(|&(d, i)| round2(a.domains[d].scores.score[i])).collect::<Vec<_>>()),
        Column::new("计算等级".into(), rows.iter().map(|r| adj(r).computed.name_zh()).collect::<Vec<_>>()),
        Column::new("调整后等级".into(), rows.iter().map(|r| adj(r).level.name_zh()).collect::<Vec<_>>()),
        Column::new("调整理由".into(), text(&rows, |r| &adj(r).reason)),
        Column::new("研判专家".into(), text(&rows, |r| &adj(r).expert)),
        Column::new("研判日期".into(), text(&rows, |r| &adj(r).date)),
    ])
}

/// The sensitivity analysis per domain and parameter (敏感性分析): what each
/// parameter alone moves at its low and high end, the most moving first.
fn sensitivity(a: &Assessment) -> PolarsResult<DataFrame> {
    let models = a.models();
    let rows: Vec<(usize, usize)> =
        (0..models.len()).flat_map(|d| a.domains[d].sensitivity.iter().flat_map(move |s| (0..s.effects.len()).map(move |k| (d, k)))).collect();
    let effect = |&(d, k): &(usize, usize)| &a.domains[d].sensitivity.as_ref().expect("rows of domains with one").effects[k];
    let count = |f: fn(&crate::sensitivity::Effect) -> usize| rows.iter().map(|r| f(effect(r)) as u32).collect::<Vec<_>>();
    DataFrame::new(vec![
        Column::new("领域编号".into(), rows.iter().map(|&(d, _)| models[d].id.as_str()).collect::<Vec<_>>()),
        Column::new("领域名称".into(), rows.iter().map(|&(d, _)| models[d].name.as_str()).collect::<Vec<_>>()),
        Column::new("排序".into(), rows.iter().map(|&(_, k)| k as u32 + 1).collect::<Vec<_>>()),
        Column::new("参数类型".into(), rows.iter().map(|r| effect(r).param.group).collect::<Vec<_>>()),
        Column::new("参数".into(), rows.iter().map(|r| effect(r).param.label.as_str()).collect::<Vec<_>>()),
        Column::new("基准值（下限 – 上限）".into(), rows.iter().map(|r| effect(r).param.range.as_str()).collect::<Vec<_>>()),
        Column::new("下限时等级改变对象数".into(), count(|e| e.low)),
        Column::new("上限时等级改变对象数".into(), count(|e| e.high)),
        Column::new("等级改变对象数".into(), count(|e| e.moved())),
        Column::new(
            "占领域对象(%)".into(),
            rows.iter().map(|r| share(effect(r).moved() as u32, a.objects(r.0).len() as u32).unwrap_or(0.0)).collect::<Vec<_>>(),
        ),
    ])
}

/// The sensitivity analysis per 街镇: its objects' stability, and the one
/// parameter (of any domain) that moves most of its objects' levels.
fn sensitivity_streets(a: &Assessment) -> PolarsResult<DataFrame> {
    let streets = &a.loaded.streets;
    let models = a.models();
    let n = streets.names.len();
    let (mut objects, mut critical, mut sum) = (vec![0u32; n], vec![0u32; n], vec![0f64; n]);
    // Per 街镇, the most moving (domain, effect) and its count; ties go to the first in domain and effect order.
    let mut top: Vec<Option<(usize, usize, u32)>> = vec![None; n];
    for (d, r) in a.domains.iter().enumerate() {
        let Some(s) = &r.sensitivity else { continue };
        for (i, street) in r.object_street.iter().enumerate() {
            let Some(z) = *street else { continue };
            objects[z] += 1;
            sum[z] += s.stability[i];
            critical[z] += u32::from(s.is_critical(i));
        }
        for (k, e) in s.effects.iter().enumerate() {
            let mut moved = vec![0u32; n];
            for z in e.moved.iter().filter_map(|&i| r.object_street[i]) {
                moved[z] += 1;
            }
            for z in 0..n {
                if moved[z] > 0 && top[z].is_none_or(|(_, _, c)| moved[z] > c) {
                    top[z] = Some((d, k, moved[z]));
                }
            }
        }
    }
    let param = |z: usize| {
        top[z]
            .map(|(d, k, _)| format!("{} {} · {}", models[d].id, models[d].name, a.domains[d].sensitivity.as_ref().expect("top of one").effects[k].param.label))
    };
    DataFrame::new(vec![
        Column::new("街镇代码".into(), streets.codes.clone()),
        Column::new("街镇名称".into(), streets.names.clone()),
        Column::new("评估对象数".into(), objects.clone()),
        Column::new("临界对象数".into(), critical),
        Column::new("平均等级稳定度(%)".into(), (0..n).map(|z| (objects[z] > 0).then(|| round2(sum[z] / objects[z] as f64 * 100.0))).collect::<Vec<_>>()),
        Column::new("最敏感参数".into(), (0..n).map(param).collect::<Vec<_>>()),
        Column::new("该参数改变等级对象数".into(), (0..n).map(|z| top[z].map_or(0, |t| t.2)).collect::<Vec<_>>()),
    ])
}

/// Objects assessed vs registered per domain, against the 80 % target.
fn coverage(a: &Assessment) -> PolarsResult<DataFrame> {
    let models = a.models();
    let assessed: Vec<u32> = (0..models.len()).map(|d| a.objects(d).len() as u32).collect();
    let registered: Vec<u32> = (0..models.len()).map(|d| a.registered(d) as u32).collect();
    let pct: Vec<f64> = assessed.iter().zip(&registered).map(|(a, r)| share(*a, *r).unwrap_or(0.0)).collect();
    DataFrame::new(vec![
        Column::new("领域编号".into(), models.iter().map(|m| m.id.clone()).collect::<Vec<_>>()),
        Column::new("领域名称".into(), models.iter().map(|m| m.name.clone()).collect::<Vec<_>>()),
        Column::new("登记对象数".into(), registered),
        Column::new("已评估对象数".into(), assessed),
        Column::new("评估覆盖率(%)".into(), pct.clone()),
        Column::new("达到80%目标".into(), pct.iter().map(|p| if *p >= f64::from(crate::quality::TARGET) { "是" } else { "否" }).collect::<Vec<_>>()),
    ])
}

/// The tables but the 风险清单, built whole: they have a row per domain, 街镇 or red and orange object.
pub fn tables(a: &Assessment) -> Result<Vec<Table>> {
    let err = |e: PolarsError| Error::output("tables", e);
    let mut tables = vec![Table::new("domain_levels", "领域风险等级统计", domain_levels(a).map_err(err)?)];
    if let Some(districts) = &a.loaded.streets.districts {
        tables.push(Table::new("district_levels", "各区风险汇总", district_levels(a, districts).map_err(err)?));
    }
    tables.extend(vec![
        Table::new("street_domain_levels", "街镇分领域风险等级", street_domain_levels(a).map_err(err)?),
        Table::new("street_comprehensive", "街镇综合风险", street_comprehensive(a).map_err(err)?),
        Table::new("major_risks", "重大及较大风险清单", major_risks(a).map_err(err)?),
        Table::new("expert_review", "专家研判记录", expert_review(a).map_err(err)?),
        Table::new("coverage", "评估覆盖率", coverage(a).map_err(err)?),
    ]);
    if a.domains.iter().any(|r| r.sensitivity.is_some()) {
        tables.push(Table::new("sensitivity", "敏感性分析", sensitivity(a).map_err(err)?));
        tables.push(Table::new("sensitivity_streets", "街镇敏感性", sensitivity_streets(a).map_err(err)?));
    }
    Ok(tables)
}

/// Tables up to this many rows get cell borders in the workbook.
const BORDERED_ROWS: usize = 10_000;

/// The workbook's file name.
pub const WORKBOOK: &str = "评估汇总表.xlsx";

/// Rows of the 风险清单 built and written at a time (~15 MB).
const REGISTER_CHUNK: usize = 25_000;

/// Write `dir/tables/NAME.csv` and `.parquet` for every table and the workbook; returns the files relative to `dir`.
pub fn write(dir: &Path, a: &Assessment) -> Result<Vec<PathBuf>> {
    let out = dir.join("tables");
    std::fs::create_dir(&out).map_err(|e| Error::output(&out, e))?;
    let (mut tables, register) = super::timed("tables built", || -> Result<_> { Ok((tables(a)?, super::register::Register::new(a)?)) })?;
    // The workbook holds the first `[tables] workbook_rows` rows of the 风险清单.
    let head = register.height().min(a.loaded.config.tables.workbook_rows);
    tables.push(Table { name: "risk_register", sheet: "风险清单", df: register.rows(0..head)?, rows: register.height() });
    // The workbook (one writer, row by row) and the CSV/Parquet files are independent: side by side.
    let xlsx = out.join(WORKBOOK);
    let properties = crate::stamp::workbook_properties()?;
    let (files, book) = rayon::join(
        || -> Result<Vec<PathBuf>> {
            let mut written = Vec::new();
            for t in &tables {
                let (csv, pq) = (out.join(format!("{}.csv", t.name)), out.join(format!("{}.parquet", t.name)));
                let pq_err = |e: PolarsError| Error::output(&pq, e);
                let mut csv_out = super::csv::Writer::create(&csv, t.df.schema())?;
                let f = std::fs::File::create(&pq).map_err(|e| Error::output(&pq, e))?;
                // zstd level 1: the 风险清单's Parquet 4 % larger than at
                // polars' default level, its compression a third faster.
                let mut pq_out = ParquetWriter::new(f)
                    .with_compression(ParquetCompression::Zstd(Some(ZstdLevel::try_new(1).expect("a zstd level"))))
                    .set_parallel(false)
                    .batched(t.df.schema())
                    .map_err(pq_err)?;
                // The rows at hand, then (the 风险清单) the rest a chunk at a
                // time, each chunk built while the one before is written.
                let next = |start: usize| -> Result<Option<DataFrame>> {
                    (start < t.rows).then(|| register.rows(start..(start + REGISTER_CHUNK).min(t.rows))).transpose()
                };
                let mut chunk = Cow::Borrowed(&t.df);
                let mut start = 0;
                loop {
                    start += chunk.height();
                    let (written, following) = rayon::join(
                        || -> Result<()> {
                            if chunk.height() == 0 {
                                return Ok(()); // an empty table: the header only
                            }
                            csv_out.write(&chunk)?;
                            pq_out.write_batch(&chunk).map_err(pq_err)
                        },
                        || next(start),
                    );
                    written?;
                    match following? {
                        Some(df) => chunk = Cow::Owned(df),
                        None => break,
                    }
                }
                csv_out.finish()?;
                pq_out.finish().map_err(pq_err)?;
                written.push(PathBuf::from("tables").join(format!("{}.csv", t.name)));
                written.push(PathBuf::from("tables").join(format!("{}.parquet", t.name)));
            }
            Ok(written)
        },
        || super::timed("workbook", || workbook(&tables, &a.loaded.config, &properties, &xlsx)).map_err(|e| Error::output(&xlsx, e)),
    );
    let mut written = files?;
    book?;
    written.push(PathBuf::from("tables").join(WORKBOOK));
    Ok(written)
}

/// Column widths: long texts wide, the rest narrow.
fn width(header: &str) -> f64 {
    match header {
        "指标值" | "管控措施" => 80.0,
        "专家研判" | "调整理由" => 48.0,
        "主要风险因素" => 60.0,
        "风险点名称" | "地址" | "可能导致的事故类型" | "责任单位" => 28.0,
        _ => 14.0,
    }
}

/// A column's cells, read in step with the other columns' as the rows are
/// written: a city's 风险清单 is never copied cell by cell beside its frame.
enum Cells<'a> {
    Text(Box<dyn Iterator<Item = Option<&'a str>> + 'a>),
    Number(Box<dyn Iterator<Item = Option<f64>> + 'a>),
}

/// Each column's cells; numbers come from `numbers` (the column cast to f64, where it is not text).
fn cells<'a>(col: &'a Column, number: Option<&'a Column>) -> std::result::Result<Cells<'a>, rust_xlsxwriter::XlsxError> {
    let bad = |e: PolarsError| rust_xlsxwriter::XlsxError::ParameterError(e.to_string());
    Ok(match number {
        None => Cells::Text(Box::new(col.str().map_err(bad)?.into_iter())),
        Some(n) => Cells::Number(Box::new(n.f64().map_err(bad)?.into_iter())),
    })
}

/// Write the workbook a row at a time in constant-memory sheets: a city's
/// 风险清单 has about a million rows.
fn workbook(
    tables: &[Table],
    config: &RunConfig,
    properties: &rust_xlsxwriter::DocProperties,
    path: &Path,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let palette = &config.colours;
    let mut wb = Workbook::new();
    wb.set_properties(properties);
    // A city's 风险清单 sheet is ~800 MB of XML: level 3 (of 9) compresses
    // it in 7 s instead of 11 s, for a file 15 % larger.
    wb.set_zip_compression_level(3);
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2)).set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let level_fmt: Vec<(&str, Format)> = Level::ALL
        .iter()
        .map(|&l| {
            let (r, g, b) = palette.rgb(l);
            let fill = (r as u32) << 16 | (g as u32) << 8 | b as u32;
            // White text on the dark fills, black on yellow.
            let text = if l == Level::General { 0x000000 } else { 0xFFFFFF };
            (l.name_zh(), Format::new().set_background_color(Color::RGB(fill)).set_font_color(Color::RGB(text)).set_bold().set_border(FormatBorder::Thin))
        })
        .collect();
    for t in tables {
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(t.sheet)?;
        let bad = |e: PolarsError| rust_xlsxwriter::XlsxError::ParameterError(e.to_string());
        let numbers: Vec<Option<Column>> =
            t.df.get_columns()
                .iter()
                .map(|c| (c.dtype() != &DataType::String).then(|| c.cast(&DataType::Float64)).transpose())
                .collect::<PolarsResult<_>>()
                .map_err(bad)?;
        let mut columns: Vec<Cells> = t.df.get_columns().iter().zip(&numbers).map(|(c, n)| cells(c, n.as_ref())).collect::<std::result::Result<_, _>>()?;
        for (c, col) in t.df.get_columns().iter().enumerate() {
            ws.set_column_width(c as u16, width(col.name().as_str()))?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (c, col) in t.df.get_columns().iter().enumerate() {
            ws.write_string_with_format(0, c as u16, col.name().as_str(), &header)?;
        }
        let rows = t.rows;
        // A table longer than `[tables] workbook_rows` (at most Excel's
        // rows) keeps its first, worst rows, with a note pointing to its CSV
        // and Parquet, which hold every row.
        let fits = t.df.height().min(config.tables.workbook_rows);
        // Cell borders cost a format lookup per cell: only on tables a person reads through.
        let bordered = rows <= BORDERED_ROWS;
        for r in 0..fits {
            let row = r as u32 + 1;
            for (c, col) in columns.iter_mut().enumerate() {
                let c = c as u16;
                match col {
                    Cells::Text(v) => match v.next().flatten() {
                        None if bordered => ws.write_string_with_format(row, c, "", &cell)?,
                        None => ws,
                        Some(text) => match level_fmt.iter().find(|(name, _)| *name == text) {
                            Some((_, f)) => ws.write_string_with_format(row, c, text, f)?,
                            None if bordered => ws.write_string_with_format(row, c, text, &cell)?,
                            None => ws.write_string(row, c, text)?,
                        },
                    },
                    Cells::Number(v) => match v.next().flatten() {
                        Some(x) if bordered => ws.write_number_with_format(row, c, x, &cell)?,
                        Some(x) => ws.write_number(row, c, x)?,
                        None if bordered => ws.write_string_with_format(row, c, "", &cell)?,
                        None => ws,
                    },
                };
            }
        }
        if fits < rows {
            ws.write_string(fits as u32 + 1, 0, format!("（共 {rows} 行，本表列出风险最高的前 {fits} 行；完整内容见 tables/{}.csv 或 .parquet）", t.name))?;
            tracing::info!(table = t.name, rows, "the workbook sheet holds the first {fits} rows ([tables] workbook_rows); the CSV and Parquet hold all");
        }
    }
    wb.save(path)
}
