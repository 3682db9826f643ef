//! The data-quality report (`sise validate --report`): before scoring, what
//! each department delivered — per domain and per 街镇, objects registered,
//! each field's fill rate, values outside the model's categories and ranges,
//! duplicate and suspected duplicate registrations, objects outside the
//! district, coordinates that look GCJ-02/BD-09 though declared WGS84, and
//! the share of objects complete enough to assess against the work plans'
//! 80 %. Read tolerantly (every problem listed, none stops it), so it can
//! go back to the departments whose data are incomplete. `xlsx.rs` writes
//! the workbook; `report` renders the HTML.

mod offset;
pub mod xlsx;

use std::collections::BTreeMap;

use geo::Centroid;
use serde::Serialize;

use crate::assess::Streets;
use crate::config::RunConfig;
use crate::error::Bad;
use crate::load::{self, Layer, Strictness};
use crate::model::{FieldKind, Model, ObjectField};
use crate::objects::VectorLayer;
use crate::schema;

/// The work plans' target: the share of registered objects that must be assessable.
pub const TARGET: u32 = 80;

/// Objects with the same name this close (m) are suspected double registrations.
const DOUBLE_M: f64 = 50.0;

#[derive(Debug, Serialize)]
pub struct Quality {
    pub district: String,
    pub year: i32,
    pub config: String,
    pub domains: Vec<DomainQuality>,
}

/// One domain's objects layer.
#[derive(Debug, Default, Serialize)]
pub struct DomainQuality {
    pub id: String,
    pub name: String,
    pub layer: String,
    pub file: String,
    /// The layer could not be read at all: why.
    pub unreadable: Option<String>,
    /// Features delivered (including those that could not be used).
    pub registered: usize,
    /// Objects with every required field filled, every value valid, inside the district, unique.
    pub complete: usize,
    pub complete_pct: f64,
    pub meets_target: bool,
    pub duplicates: usize,
    pub suspected_doubles: usize,
    pub bad_geometry: usize,
    pub outside: usize,
    /// Coordinates that look offset though declared plain WGS84, in words.
    pub offset_suspect: Option<String>,
    pub fields: Vec<FieldQuality>,
    pub streets: Vec<StreetQuality>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
pub struct FieldQuality {
    pub key: String,
    pub name: String,
    pub required: bool,
    /// The layer has no such column.
    pub absent: bool,
    pub filled: usize,
    pub fill_pct: f64,
    /// Values that are not one of the categories, not a number, or out of range.
    pub invalid: usize,
    pub examples: String,
}

#[derive(Debug, Serialize)]
pub struct StreetQuality {
    pub name: String,
    pub registered: usize,
    pub complete: usize,
    pub complete_pct: f64,
    /// The fields most often empty or invalid there.
    pub weakest: String,
}

/// One object's problems, as a line to send back.
#[derive(Debug, Serialize)]
pub struct Problem {
    pub id: String,
    pub name: String,
    /// The spreadsheet row, when the layer is a sheet.
    pub row: Option<i64>,
    pub street: String,
    pub text: String,
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (n as f64 * 1000.0 / of as f64).round() / 10.0
    }
}

/// The report over every domain of a run config.
pub fn check(config: &RunConfig, models: &[Model], streets: &Streets) -> Quality {
    let domains = models.iter().map(|m| domain(config, m, streets)).collect();
    Quality { district: config.district.clone(), year: config.year, config: config.file.display().to_string(), domains }
}

fn domain(config: &RunConfig, m: &Model, streets: &Streets) -> DomainQuality {
    let file = config.layers.get(m.objects()).map(|l| l.path.display().to_string()).unwrap_or_default();
    let mut q = DomainQuality { id: m.id.clone(), name: m.name.clone(), layer: m.objects().to_owned(), file, ..DomainQuality::default() };
    let how = Strictness { keep_going: true, make_valid: config.repair_invalid_geometry };
    let (v, rejects) = match load::load_layer(config, m.objects(), how, None) {
        Ok((Layer::Vector(v), r)) => (v, r),
        Ok((Layer::Raster(_), _)) => {
            q.unreadable = Some("是栅格图层，评估对象须为矢量图层".into());
            return q;
        }
        Err(e) => {
            q.unreadable = Some(e.to_string());
            return q;
        }
    };
    q.registered = v.len() + rejects.len();
    for r in &rejects {
        match r.bad {
            Bad::DuplicateId => q.duplicates += 1,
            _ => q.bad_geometry += 1,
        }
        q.problems.push(Problem {
            id: r.id.clone(),
            name: String::new(),
            row: None,
            street: String::new(),
            text: r.bad.words(crate::msg::Lang::Zh).to_owned(),
        });
    }
    let centroids: Vec<Option<geo_types::Point<f64>>> = v.geoms.iter().map(|g| g.centroid()).collect();
    // The 街镇 of each object, as a run places it (within outside_tolerance_m of the boundary counts).
    let tolerance = config.outside_tolerance_m;
    let locate = |c: geo_types::Point<f64>| streets.zones.locate_near(c, tolerance);
    let street: Vec<Option<usize>> = centroids.iter().map(|c| c.and_then(locate)).collect();
    let names = v.descriptive(schema::NAME).unwrap_or_else(|| vec![None; v.len()]);
    let mut issues: Vec<Vec<String>> = vec![Vec::new(); v.len()];
    let clip = config.layers.get(m.objects()).is_some_and(|l| l.clip_to_district);
    for (i, s) in street.iter().enumerate() {
        if s.is_none() {
            q.outside += 1;
            // A city-wide register (clip_to_district) is expected to reach past the district.
            if !clip {
                let far = centroids[i].and_then(|c| streets.zones.nearest(c)).map_or(String::new(), |(d, _)| format!(" {d:.0} 米"));
                issues[i].push(format!("位于区外{far}"));
            }
        }
    }
    if clip {
        q.registered -= q.outside;
    }
    if let Some(cfg) = config.layers.get(m.objects()) {
        let declared = v.texts(schema::DECLARED_STREET).ok();
        q.offset_suspect = offset::suspect(m.objects(), cfg, &config.working_crs, &centroids, declared.as_deref(), streets, &locate);
    }
    q.suspected_doubles = doubles(&names, &centroids, &v.ids, &mut issues);
    let fields = m.object_fields();
    let mut incomplete = vec![false; v.len()];
    for f in &fields {
        q.fields.push(field(&v, m, f, config.year, &mut issues, &mut incomplete));
    }
    let row = |i: usize| (v.origin != crate::objects::Origin::Features).then(|| v.fids[i]);
    for (i, list) in issues.iter().enumerate() {
        if !list.is_empty() {
            let street = street[i].map(|s| streets.names[s].clone()).unwrap_or_default();
            q.problems.push(Problem { id: v.ids[i].clone(), name: names[i].clone().unwrap_or_default(), row: row(i), street, text: list.join("；") });
        }
    }
    let complete: Vec<bool> = (0..v.len()).map(|i| street[i].is_some() && !incomplete[i]).collect();
    q.complete = complete.iter().filter(|c| **c).count();
    q.complete_pct = pct(q.complete, q.registered);
    q.meets_target = q.complete_pct >= f64::from(TARGET);
    q.streets = per_street(streets, &street, &complete, &issues);
    q
}

/// One field: filled, valid; each object's problems with it.
fn field(v: &VectorLayer, m: &Model, f: &ObjectField, year: i32, issues: &mut [Vec<String>], incomplete: &mut [bool]) -> FieldQuality {
    let label = if f.name == f.key { f.key.clone() } else { format!("{}（{}）", f.name, f.key) };
    let Ok(texts) = v.texts(&f.key) else {
        if f.required {
            incomplete.iter_mut().for_each(|c| *c = true);
        }
        return FieldQuality {
            key: f.key.clone(),
            name: f.name.clone(),
            required: f.required,
            absent: true,
            filled: 0,
            fill_pct: 0.0,
            invalid: 0,
            examples: "缺少该列".into(),
        };
    };
    let units = m.units_of(None, &f.key);
    let mut filled = 0;
    let mut invalid = 0;
    let mut examples = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let Some(t) = t.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            if f.required {
                incomplete[i] = true;
                issues[i].push(format!("{label}未填"));
            }
            continue;
        };
        filled += 1;
        if let Some(why) = invalid_value(t, &f.kind, &units, year) {
            invalid += 1;
            incomplete[i] = true;
            issues[i].push(format!("{label}“{t}”{why}"));
            if examples.len() < 3 {
                examples.push(format!("{}：“{t}”", v.ids[i]));
            }
        }
    }
    FieldQuality {
        key: f.key.clone(),
        name: f.name.clone(),
        required: f.required,
        absent: false,
        filled,
        fill_pct: pct(filled, v.len()),
        invalid,
        examples: examples.join("；"),
    }
}

/// Why a filled value cannot be scored, if it cannot.
fn invalid_value(t: &str, kind: &FieldKind, units: &[&str], year: i32) -> Option<String> {
    match kind {
        FieldKind::Choice(values) => {
            let folded = crate::value::fold(t);
            (!values.iter().any(|v| crate::value::fold(v) == folded)).then(|| "不在可选值中".to_owned())
        }
        FieldKind::Number(range) => match crate::value::number(t, units) {
            Err(_) => Some("不是数值".into()),
            Ok((Some(x), _)) => range.filter(|(lo, hi)| x < *lo || x > *hi).map(|(lo, hi)| format!("超出范围 {lo}～{hi}")),
            Ok((None, _)) => None,
        },
        // The report speaks Chinese whatever the CLI language: name the accepted span only.
        FieldKind::Year => crate::value::year(t, year).err().map(|_| format!("不是 {}～{year} 的年份", crate::value::year::EARLIEST)),
        FieldKind::Text => None,
    }
}

/// Objects with the same name within `DOUBLE_M` of each other: counted once per pair.
fn doubles(names: &[Option<String>], centroids: &[Option<geo_types::Point<f64>>], ids: &[String], issues: &mut [Vec<String>]) -> usize {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(n) = n {
            by_name.entry(crate::value::fold(n)).or_default().push(i);
        }
    }
    let mut n = 0;
    for group in by_name.values().filter(|g| g.len() > 1) {
        for (a, &i) in group.iter().enumerate() {
            for &j in &group[a + 1..] {
                if let (Some(p), Some(q)) = (centroids[i], centroids[j]) {
                    let d = ((p.x() - q.x()).powi(2) + (p.y() - q.y()).powi(2)).sqrt();
                    if d <= DOUBLE_M {
                        n += 1;
                        issues[j].push(format!("疑似重复登记：与 {} 同名且相距 {d:.0} 米", ids[i]));
                    }
                }
            }
        }
    }
    n
}

/// Per 街镇: objects located there, complete ones, and the fields most often wrong.
fn per_street(streets: &Streets, street: &[Option<usize>], complete: &[bool], issues: &[Vec<String>]) -> Vec<StreetQuality> {
    // Each 街镇's objects, in one pass over them.
    let mut of_street: Vec<Vec<usize>> = vec![Vec::new(); streets.names.len()];
    for (i, s) in street.iter().enumerate() {
        if let Some(s) = s {
            of_street[*s].push(i);
        }
    }
    of_street
        .into_iter()
        .enumerate()
        .map(|(s, here)| {
            let done = here.iter().filter(|&&i| complete[i]).count();
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for &i in &here {
                for t in &issues[i] {
                    // The field's label is everything before its value or 未填.
                    let key = t.split(['“', '未']).next().unwrap_or(t).to_owned();
                    *counts.entry(key).or_default() += 1;
                }
            }
            let mut worst: Vec<(String, usize)> = counts.into_iter().collect();
            worst.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let weakest = worst.iter().take(3).map(|(k, n)| format!("{k} {n} 处")).collect::<Vec<_>>().join("；");
            StreetQuality { name: streets.names[s].clone(), registered: here.len(), complete: done, complete_pct: pct(done, here.len()), weakest }
        })
        .collect()
}
