//! The three-year cycle: `sise compare A B` between two years' outputs
//! (`OUT/<cycle>/<year>/`). Objects are matched by id per domain; the result
//! is a level-transition matrix (from × to), the objects that went up or down
//! a level, new and removed objects, and per-街镇 changes — as tables and as
//! GeoPackage change layers styled for QGIS.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo_types::Geometry;
use polars::prelude::*;

use crate::config::{LayerConfig, Offset};
use crate::emit::style::{self, Look};
use crate::emit::vector::{write_gpkg, StyleRow};
use crate::emit::{Column as OutColumn, OutLayer};
use crate::error::{Error, Result};
use crate::level::Level;
use crate::load::{vector, Strictness};
use crate::model::GeomKind;
use crate::objects::{RowChecks, VectorLayer};
use crate::schema;

/// How an object changed between the two years (codes as in [`style::CHANGES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Up = 1,
    Down = 2,
    Same = 3,
    New = 4,
    Removed = 5,
}

impl Change {
    pub fn label(self) -> &'static str {
        style::CHANGES[self as usize - 1].1
    }
}

/// One year's outputs: its manifest and GeoPackage.
struct Year {
    dir: PathBuf,
    label: String,
    crs: String,
    /// Domain id → (name, layer name).
    domains: BTreeMap<String, (String, String)>,
}

impl Year {
    fn open(dir: &Path) -> Result<Year> {
        let m = crate::emit::manifest::Manifest::read(dir)?;
        Ok(Year {
            dir: dir.to_owned(),
            label: m.config.year.to_string(),
            crs: m.config.working_crs,
            domains: m.models.into_iter().map(|x| (x.id, (x.name, x.layer))).collect(),
        })
    }

    fn layer(&self, name: &str, id_field: &str) -> Result<VectorLayer> {
        let cfg = LayerConfig {
            path: self.dir.join("sise.gpkg"),
            layer: Some(name.to_owned()),
            crs: None,
            offset: Offset::None,
            id_field: Some(id_field.to_owned()),
            ..Default::default()
        };
        Ok(vector::read(name, &cfg, &self.crs, Strictness::default(), None)?.0)
    }
}

fn levels(l: &VectorLayer) -> Result<Vec<Option<Level>>> {
    level_column(l, schema::LEVEL)
}

fn level_column(l: &VectorLayer, field: &str) -> Result<Vec<Option<Level>>> {
    Ok(l.numbers(field, &[], &RowChecks::Stop)?.into_iter().map(|v| v.and_then(|v| Level::from_number(v as i64))).collect())
}

/// A year's adjusted objects by id; none from outputs written before the
/// expert review existed (no `review_reason` column).
fn reviews(l: &VectorLayer, levels: &[Option<Level>]) -> Result<BTreeMap<String, Reviewed>> {
    if !l.has_field(schema::REVIEW_REASON) {
        return Ok(BTreeMap::new());
    }
    let (reason, expert, date) = (l.texts(schema::REVIEW_REASON)?, l.texts(schema::REVIEW_EXPERT)?, l.texts(schema::REVIEW_DATE)?);
    let computed = level_column(l, schema::COMPUTED_LEVEL)?;
    Ok((0..l.len())
        .filter_map(|i| {
            let reason = reason[i].clone()?;
            let r = Reviewed {
                computed: computed[i],
                level: levels[i],
                reason,
                expert: expert[i].clone().unwrap_or_default(),
                date: date[i].clone().unwrap_or_default(),
            };
            Some((l.ids[i].clone(), r))
        })
        .collect())
}

/// Last year's adjustments (`a`) against this year's (`b`); `present`: the ids assessed this year.
fn review_changes(a: BTreeMap<String, Reviewed>, mut b: BTreeMap<String, Reviewed>, present: &std::collections::HashSet<&str>) -> Vec<ReviewChange> {
    let mut out = Vec::new();
    for (id, before) in a {
        let (status, after) = match b.remove(&id) {
            Some(after) if after.level == before.level => (ReviewStatus::Kept, Some(after)),
            Some(after) => (ReviewStatus::Revised, Some(after)),
            None if present.contains(id.as_str()) => (ReviewStatus::Dropped, None),
            None => (ReviewStatus::Gone, None),
        };
        out.push(ReviewChange { id, status, before: Some(before), after });
    }
    out.extend(b.into_iter().map(|(id, after)| ReviewChange { id, status: ReviewStatus::Added, before: None, after: Some(after) }));
    out.sort_by(|x, y| x.status.cmp(&y.status).then(x.id.cmp(&y.id)));
    out
}

/// One domain's comparison.
pub struct DomainChange {
    pub id: String,
    pub name: String,
    /// transitions[from - 1][to - 1]: objects present in both years.
    pub transitions: [[usize; 4]; 4],
    pub objects: Vec<ObjectChange>,
    /// The expert review's adjustments of either year, matched by id.
    pub reviews: Vec<ReviewChange>,
}

/// An object's expert review as one year recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewed {
    pub computed: Option<Level>,
    pub level: Option<Level>,
    pub reason: String,
    pub expert: String,
    pub date: String,
}

/// What became of an adjustment between the two years (专家研判延续情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReviewStatus {
    /// Adjusted in both years to the same level.
    Kept,
    /// Adjusted in both years, to another level.
    Revised,
    /// Adjusted this year only.
    Added,
    /// Adjusted last year; the object is still assessed, without it.
    Dropped,
    /// Adjusted last year; the object is no longer assessed.
    Gone,
}

impl ReviewStatus {
    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Kept => "保留",
            ReviewStatus::Revised => "调整等级变更",
            ReviewStatus::Added => "新增",
            ReviewStatus::Dropped => "撤销",
            ReviewStatus::Gone => "对象已不存在",
        }
    }
}

pub struct ReviewChange {
    pub id: String,
    pub status: ReviewStatus,
    pub before: Option<Reviewed>,
    pub after: Option<Reviewed>,
}

/// One object matched across two years by its id.
pub struct ObjectChange {
    pub id: String,
    pub before: Option<Level>,
    pub after: Option<Level>,
    pub change: Change,
    pub geometry: Geometry<f64>,
}

/// One 街镇's level in one domain (or "综合") in both years.
pub struct StreetChange {
    pub code: String,
    pub name: String,
    /// A domain id, or "综合" for the comprehensive level.
    pub domain: String,
    pub before: Option<Level>,
    pub after: Option<Level>,
}

fn classify(a: Option<Level>, b: Option<Level>) -> Change {
    match (a, b) {
        (None, _) => Change::New,
        (_, None) => Change::Removed,
        (Some(a), Some(b)) if b < a => Change::Up,
        (Some(a), Some(b)) if b > a => Change::Down,
        _ => Change::Same,
    }
}

fn compare_domain(a: &Year, b: &Year, id: &str, name: &str, layer: &str) -> Result<DomainChange> {
    let (la, lb) = (a.layer(layer, schema::ID)?, b.layer(layer, schema::ID)?);
    let (va, vb) = (levels(&la)?, levels(&lb)?);
    let before: BTreeMap<&str, (Option<Level>, usize)> = la.ids.iter().enumerate().map(|(i, id)| (id.as_str(), (va[i], i))).collect();
    let mut transitions = [[0usize; 4]; 4];
    let mut objects = Vec::new();
    for (i, oid) in lb.ids.iter().enumerate() {
        let was = before.get(oid.as_str()).and_then(|(l, _)| *l);
        if let (Some(x), Some(y)) = (was, vb[i]) {
            transitions[x.index()][y.index()] += 1;
        }
        let change = if before.contains_key(oid.as_str()) { classify(was, vb[i]) } else { Change::New };
        objects.push(ObjectChange { id: oid.clone(), before: was, after: vb[i], change, geometry: lb.geoms[i].clone() });
    }
    let after: std::collections::HashSet<&str> = lb.ids.iter().map(String::as_str).collect();
    for (oid, (l, i)) in &before {
        if !after.contains(oid) {
            objects.push(ObjectChange { id: oid.to_string(), before: *l, after: None, change: Change::Removed, geometry: la.geoms[*i].clone() });
        }
    }
    objects.sort_by(|x, y| x.change.cmp(&y.change).then(x.id.cmp(&y.id)));
    let reviews = review_changes(reviews(&la, &va)?, reviews(&lb, &vb)?, &after);
    Ok(DomainChange { id: id.to_owned(), name: name.to_owned(), transitions, objects, reviews })
}

pub struct Comparison {
    pub from: String,
    pub to: String,
    pub domains: Vec<DomainChange>,
    pub streets: Vec<StreetChange>,
}

pub fn compare(dir_a: &Path, dir_b: &Path) -> Result<Comparison> {
    let (a, b) = (Year::open(dir_a)?, Year::open(dir_b)?);
    let mut domains = Vec::new();
    for (id, (name, layer)) in &b.domains {
        if a.domains.contains_key(id) {
            domains.push(compare_domain(&a, &b, id, name, layer)?);
        }
    }
    let (sa, sb) = (a.layer(schema::STREETS_LAYER, schema::STREET_CODE)?, b.layer(schema::STREETS_LAYER, schema::STREET_CODE)?);
    let names = sb.texts(schema::STREET_NAME)?;
    let mut streets = Vec::new();
    let mut columns: Vec<(String, String)> = domains.iter().map(|d| (d.id.clone(), schema::domain_level_column(&d.id))).collect();
    columns.push(("综合".into(), schema::LEVEL.into()));
    for (key, col) in &columns {
        let before: BTreeMap<String, Option<Level>> =
            sa.ids.iter().cloned().zip(sa.numbers(col, &[], &RowChecks::Stop)?.into_iter().map(|v| v.and_then(|v| Level::from_number(v as i64)))).collect();
        for (i, (code, after)) in sb.ids.iter().zip(sb.numbers(col, &[], &RowChecks::Stop)?).enumerate() {
            let after = after.and_then(|v| Level::from_number(v as i64));
            streets.push(StreetChange {
                code: code.clone(),
                name: names[i].clone().unwrap_or_default(),
                domain: key.clone(),
                before: before.get(code).copied().flatten(),
                after,
            });
        }
    }
    Ok(Comparison { from: a.label, to: b.label, domains, streets })
}

impl Comparison {
    /// What changed, as the web map's change layer shows it (`emit::web::write_changes`).
    pub fn web_changes(&self) -> crate::emit::web::Since<'_> {
        let changed = self.domains.iter().flat_map(|d| {
            d.objects.iter().filter(|o| o.change != Change::Same).map(|o| crate::emit::web::Changed {
                domain: &d.id,
                id: &o.id,
                before: o.before,
                after: o.after,
                code: o.change as i64,
                geometry: &o.geometry,
            })
        });
        let streets = self
            .streets
            .iter()
            .filter(|s| s.domain == "综合")
            .map(|s| (s.code.clone(), s.before.map_or(serde_json::Value::Null, |l| l.number().into())))
            .collect();
        crate::emit::web::Since { from: &self.from, changed: changed.collect(), streets }
    }
}

fn name_of(l: Option<Level>) -> Option<&'static str> {
    l.map(Level::name_zh)
}

fn write_csv(path: &Path, df: DataFrame) -> Result<()> {
    crate::emit::csv::write(path, &df)
}

/// Write the comparison into `out`: transitions.csv, changes.csv, streets.csv, review.csv and changes.gpkg.
pub fn write(c: &Comparison, out: &Path, crs: &str) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    transitions_csv(c, out)?;
    changes_csv(c, out)?;
    streets_csv(c, out)?;
    review_csv(c, out)?;
    change_layers(c, out, crs)?;
    Ok(["transitions.csv", "changes.csv", "streets.csv", "review.csv", "changes.gpkg"].iter().map(PathBuf::from).collect())
}

/// review.csv: the expert review's adjustments of both years — kept, revised,
/// added, dropped, or left behind by an object no longer assessed.
fn review_csv(c: &Comparison, out: &Path) -> Result<()> {
    let rows: Vec<(&DomainChange, &ReviewChange)> = c.domains.iter().flat_map(|d| d.reviews.iter().map(move |r| (d, r))).collect();
    fn rows_of<'r, T>(rows: &[(&'r DomainChange, &'r ReviewChange)], f: impl Fn(&(&'r DomainChange, &'r ReviewChange)) -> T) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    let text = |pick: fn(&ReviewChange) -> Option<&Reviewed>, f: fn(&Reviewed) -> &str| rows_of(&rows, |(_, r)| pick(r).map(f).map(str::to_owned));
    let lvl = |pick: fn(&ReviewChange) -> Option<&Reviewed>, f: fn(&Reviewed) -> Option<Level>| rows_of(&rows, |(_, r)| name_of(pick(r).and_then(f)));
    let before: fn(&ReviewChange) -> Option<&Reviewed> = |r| r.before.as_ref();
    let after: fn(&ReviewChange) -> Option<&Reviewed> = |r| r.after.as_ref();
    let (from, to) = (&c.from, &c.to);
    let p = out.join("review.csv");
    write_csv(
        &p,
        DataFrame::new(vec![
            Column::new("领域编号".into(), rows_of(&rows, |(d, _)| d.id.clone())),
            Column::new("对象编号".into(), rows_of(&rows, |(_, r)| r.id.clone())),
            Column::new("延续情况".into(), rows_of(&rows, |(_, r)| r.status.label())),
            Column::new(format!("计算等级({from}年)").into(), lvl(before, |x| x.computed)),
            Column::new(format!("调整后等级({from}年)").into(), lvl(before, |x| x.level)),
            Column::new(format!("调整理由({from}年)").into(), text(before, |x| &x.reason)),
            Column::new(format!("研判专家({from}年)").into(), text(before, |x| &x.expert)),
            Column::new(format!("研判日期({from}年)").into(), text(before, |x| &x.date)),
            Column::new(format!("计算等级({to}年)").into(), lvl(after, |x| x.computed)),
            Column::new(format!("调整后等级({to}年)").into(), lvl(after, |x| x.level)),
            Column::new(format!("调整理由({to}年)").into(), text(after, |x| &x.reason)),
            Column::new(format!("研判专家({to}年)").into(), text(after, |x| &x.expert)),
            Column::new(format!("研判日期({to}年)").into(), text(after, |x| &x.date)),
        ])
        .map_err(err(&p))?,
    )
}

fn err(p: &Path) -> impl Fn(PolarsError) -> Error + '_ {
    move |e| Error::output(p, e)
}

/// transitions.csv: the transition matrix, one block of four rows per domain.
fn transitions_csv(c: &Comparison, out: &Path) -> Result<()> {
    let (mut dom, mut from) = (Vec::new(), Vec::new());
    let mut to: [Vec<u32>; 4] = Default::default();
    let (mut new, mut removed) = (Vec::new(), Vec::new());
    for d in &c.domains {
        for (f, row) in d.transitions.iter().enumerate() {
            dom.push(format!("{} {}", d.id, d.name));
            from.push(Level::ALL[f].name_zh());
            for t in 0..4 {
                to[t].push(row[t] as u32);
            }
            new.push(d.objects.iter().filter(|o| o.change == Change::New && o.after == Some(Level::ALL[f])).count() as u32);
            removed.push(d.objects.iter().filter(|o| o.change == Change::Removed && o.before == Some(Level::ALL[f])).count() as u32);
        }
    }
    let mut cols = vec![Column::new("领域".into(), dom), Column::new(format!("原等级({}年)", c.from).into(), from)];
    for (t, l) in Level::ALL.iter().enumerate() {
        cols.push(Column::new(format!("现{}({}年)", l.name_zh(), c.to).into(), to[t].clone()));
    }
    cols.push(Column::new(format!("{}年新增(按现等级)", c.to).into(), new));
    cols.push(Column::new("撤销(按原等级)".into(), removed));
    let p = out.join("transitions.csv");
    write_csv(&p, DataFrame::new(cols).map_err(err(&p))?)?;
    Ok(())
}

/// changes.csv: every object that changed, and how.
fn changes_csv(c: &Comparison, out: &Path) -> Result<()> {
    let rows: Vec<(&DomainChange, &ObjectChange)> =
        c.domains.iter().flat_map(|d| d.objects.iter().filter(|o| o.change != Change::Same).map(move |o| (d, o))).collect();
    let p = out.join("changes.csv");
    write_csv(
        &p,
        DataFrame::new(vec![
            Column::new("领域编号".into(), rows.iter().map(|(d, _)| d.id.clone()).collect::<Vec<_>>()),
            Column::new("对象编号".into(), rows.iter().map(|(_, o)| o.id.clone()).collect::<Vec<_>>()),
            Column::new(format!("原等级({}年)", c.from).into(), rows.iter().map(|(_, o)| name_of(o.before)).collect::<Vec<_>>()),
            Column::new(format!("现等级({}年)", c.to).into(), rows.iter().map(|(_, o)| name_of(o.after)).collect::<Vec<_>>()),
            Column::new("变化".into(), rows.iter().map(|(_, o)| o.change.label()).collect::<Vec<_>>()),
        ])
        .map_err(err(&p))?,
    )?;
    Ok(())
}

/// streets.csv: each 街镇's level per domain in both years.
fn streets_csv(c: &Comparison, out: &Path) -> Result<()> {
    let p = out.join("streets.csv");
    write_csv(
        &p,
        DataFrame::new(vec![
            Column::new("街镇代码".into(), c.streets.iter().map(|s| s.code.clone()).collect::<Vec<_>>()),
            Column::new("街镇名称".into(), c.streets.iter().map(|s| s.name.clone()).collect::<Vec<_>>()),
            Column::new("领域".into(), c.streets.iter().map(|s| s.domain.clone()).collect::<Vec<_>>()),
            Column::new(format!("原等级({}年)", c.from).into(), c.streets.iter().map(|s| name_of(s.before)).collect::<Vec<_>>()),
            Column::new(format!("现等级({}年)", c.to).into(), c.streets.iter().map(|s| name_of(s.after)).collect::<Vec<_>>()),
            Column::new(
                "变化".into(),
                c.streets.iter().map(|s| if s.before == s.after { Change::Same } else { classify(s.before, s.after) }.label()).collect::<Vec<_>>(),
            ),
        ])
        .map_err(err(&p))?,
    )?;
    Ok(())
}

/// changes.gpkg: change layers for QGIS, styled up / down / unchanged / new / removed.
fn change_layers(c: &Comparison, out: &Path, crs: &str) -> Result<()> {
    // Change layers for QGIS, styled up / down / unchanged / new / removed.
    let layers: Vec<OutLayer> = c
        .domains
        .iter()
        .filter(|d| !d.objects.is_empty())
        .map(|d| {
            let kind = GeomKind::of(&d.objects[0].geometry).unwrap_or(GeomKind::Point);
            OutLayer {
                name: format!("{}_changes", d.id),
                title: format!("{} {}风险变化 {}→{}", d.id, d.name, c.from, c.to),
                description: format!("{}年至{}年{}风险等级变化（sise compare）", c.from, c.to, d.name),
                kind,
                geoms: d.objects.iter().map(|o| o.geometry.clone()).collect(),
                columns: vec![
                    OutColumn::text("id", d.objects.iter().map(|o| Some(o.id.clone())).collect()).alias("编号"),
                    OutColumn::int("level_from", d.objects.iter().map(|o| o.before.map(|l| l.number() as i64)).collect())
                        .alias(format!("原等级({}年)", c.from)),
                    OutColumn::int("level_to", d.objects.iter().map(|o| o.after.map(|l| l.number() as i64)).collect()).alias(format!("现等级({}年)", c.to)),
                    OutColumn::int("change", d.objects.iter().map(|o| Some(o.change as i64)).collect()).alias("变化代码"),
                    OutColumn::text("change_name", d.objects.iter().map(|o| Some(o.change.label().to_owned())).collect()).alias("变化"),
                ],
                tip: None,
            }
        })
        .collect();
    let look = Look::Changes { attr: "change".into() };
    let palette = crate::level::Palette::default();
    let styles: Vec<StyleRow> = layers
        .iter()
        .map(|l| StyleRow {
            layer: l.name.clone(),
            name: "风险变化".into(),
            qml: style::qml(l, &look, &palette),
            sld: String::new(),
            description: l.title.clone(),
        })
        .collect();
    let gpkg = out.join("changes.gpkg");
    if gpkg.exists() {
        std::fs::remove_file(&gpkg).map_err(|e| Error::output(&gpkg, e))?;
    }
    write_gpkg(&gpkg, crs, &layers, &styles)?;
    Ok(())
}

/// The working CRS recorded in an output folder's manifest.
pub fn crs_of(dir: &Path) -> Result<String> {
    Ok(Year::open(dir)?.crs)
}
