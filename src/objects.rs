//! A layer's features as sise holds them once loaded: ids, FIDs, geometries
//! in the working CRS and attributes in a polars DataFrame ([`VectorLayer`]),
//! and the one typed reading of a field (numbers with their rewrites, years,
//! folded keys, texts, descriptive names), each refusal naming the features
//! and going to a [`RowChecks`]: stop at the first bad rows, or (with
//! --keep-going) reject them and go on. `load` makes them; score, aggregate
//! and emit read them.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use geo_types::Geometry;
use polars::prelude::*;

use crate::error::{Bad, Error, Result};
use crate::model::GeomKind;
use crate::msg::{located, At, Field, Msg};
use crate::value::{NotANumber, RewriteCounts};

/// A field read as numbers.
#[derive(Debug, Clone)]
pub struct Numbers {
    pub values: Vec<Option<f64>>,
    /// How many values needed each rewrite (spaces, full-width, separators, unit).
    pub rewrites: RewriteCounts,
}

/// A standard descriptive field of a layer (`VectorLayer::descriptive_column`).
pub struct Descriptive(StringChunked);

impl Descriptive {
    /// Row `i`'s value, trimmed; empty as `None`.
    pub fn get(&self, i: usize) -> Option<String> {
        self.text(i).map(str::to_owned)
    }

    /// [`get`](Self::get) without a copy.
    pub fn text(&self, i: usize) -> Option<&str> {
        self.0.get(i).map(str::trim).filter(|t| !t.is_empty())
    }
}

/// Where a layer's objects are in the file its user made: OGR features, or
/// rows of a table (`fids` are then its Excel rows, or a CSV's lines).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Origin {
    #[default]
    Features,
    /// Rows of sheet `sheet` of a workbook, or (`None`) lines of a CSV.
    Rows { sheet: Option<String> },
}

impl Origin {
    /// The sheet of a workbook the objects are rows of.
    pub fn sheet(&self) -> Option<&str> {
        match self {
            Origin::Rows { sheet } => sheet.as_deref(),
            Origin::Features => None,
        }
    }
}

/// A vector layer in the working CRS. Row `i` of `attrs` belongs to `geoms[i]` and `ids[i]`.
#[derive(Debug, Clone)]
pub struct VectorLayer {
    /// The layer's name in the run config.
    pub name: String,
    pub file: PathBuf,
    /// Where the objects are in the file its user made.
    pub origin: Origin,
    pub kind: GeomKind,
    pub ids: Vec<String>,
    /// The features' OGR FIDs: a tiled run restores the whole run's row order by them.
    pub fids: Vec<i64>,
    pub geoms: Vec<Geometry<f64>>,
    pub attrs: DataFrame,
    /// Chinese names of fields, from the models that read the layer (for messages).
    pub labels: BTreeMap<String, String>,
}

impl VectorLayer {
    pub fn err(&self, bad: Bad, msg: String) -> Error {
        Error::input(bad, &self.file, Some(&self.name), msg)
    }

    /// A copy with only the rows where `keep` is true.
    pub fn filter(&self, keep: &[bool]) -> VectorLayer {
        let pick = |v: &[String]| v.iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x.clone()).collect();
        let mask = BooleanChunked::from_slice("keep".into(), keep);
        VectorLayer {
            name: self.name.clone(),
            file: self.file.clone(),
            origin: self.origin.clone(),
            kind: self.kind,
            ids: pick(&self.ids),
            fids: self.fids.iter().zip(keep).filter(|(_, k)| **k).map(|(f, _)| *f).collect(),
            geoms: self.geoms.iter().zip(keep).filter(|(_, k)| **k).map(|(g, _)| g.clone()).collect(),
            attrs: self.attrs.filter(&mask).expect("mask has one entry per row"),
            labels: self.labels.clone(),
        }
    }

    /// The rows sorted by FID.
    pub fn in_fid_order(self) -> VectorLayer {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| self.fids[i]);
        let idx = IdxCa::from_vec("order".into(), order.iter().map(|&i| i as IdxSize).collect());
        VectorLayer {
            attrs: self.attrs.take(&idx).expect("indices are in range"),
            ids: order.iter().map(|&i| self.ids[i].clone()).collect(),
            fids: order.iter().map(|&i| self.fids[i]).collect(),
            geoms: order.iter().map(|&i| self.geoms[i].clone()).collect(),
            ..self
        }
    }

    /// An error naming the first of `rows` and how many more there are.
    pub fn rows_err(&self, bad: Bad, rows: &[usize], describe: impl Fn(usize) -> String) -> Error {
        self.err(bad, self.rows_message(rows, describe))
    }

    /// What is wrong with `rows`, said of the first, with how many more there are.
    fn rows_message(&self, rows: &[usize], describe: impl Fn(usize) -> String) -> String {
        let more = if rows.len() > 1 { Msg::More(rows.len() - 1).to_string() } else { String::new() };
        format!("{}{more}", located(self.feature(rows[0]), describe(rows[0])))
    }

    /// How a message names row `i`: its id, and for a spreadsheet its sheet and Excel row.
    pub fn feature(&self, i: usize) -> String {
        match &self.origin {
            Origin::Rows { sheet } => At::Row { sheet: sheet.clone(), row: self.fids[i], id: self.ids[i].clone() }.to_string(),
            Origin::Features => At::Id(self.ids[i].clone()).to_string(),
        }
    }

    pub fn len(&self) -> usize {
        self.geoms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.geoms.is_empty()
    }

    pub fn has_field(&self, field: &str) -> bool {
        self.attrs.column(field).is_ok()
    }

    fn column(&self, field: &str) -> Result<&Column> {
        self.attrs.column(field).map_err(|_| {
            self.err(
                Bad::Field,
                Msg::FieldMissing { field: self.field(field), have: self.attrs.get_column_names().iter().map(|s| s.to_string()).collect() }.into(),
            )
        })
    }

    /// A field as messages name it: with its Chinese name from `labels`.
    pub fn field(&self, key: &str) -> Field {
        Field::new(key, self.labels.get(key).map(String::as_str))
    }

    /// A field as numbers, read as `value::number` reads them (`units`: the
    /// units the model declares for it), with how often each rewrite was
    /// needed. Empty values are `None`; text that is not unambiguously a
    /// number, NaN and infinities fail `checks` (and read as `None` when
    /// they reject the rows).
    pub fn read_numbers(&self, field: &str, units: &[&str], checks: &RowChecks) -> Result<Numbers> {
        let col = self.column(field)?;
        let mut rewrites = RewriteCounts::new();
        if col.dtype() == &DataType::String {
            let s = col.str().map_err(|e| self.err(Bad::Type, e.to_string()))?;
            let read: Vec<std::result::Result<Option<f64>, (String, NotANumber)>> = s
                .into_iter()
                .map(|v| match v {
                    None => Ok(None),
                    Some(t) => match crate::value::number(t, units) {
                        Ok((x, done)) => {
                            for r in done {
                                *rewrites.entry(r).or_default() += 1;
                            }
                            Ok(x)
                        }
                        Err(why) => Err((t.to_owned(), why)),
                    },
                })
                .collect();
            let bad: Vec<usize> = read.iter().enumerate().filter(|(_, r)| r.is_err()).map(|(i, _)| i).collect();
            checks.check(self, Bad::Type, bad, |i| {
                let (text, why) = read[i].as_ref().expect_err("a bad row");
                Msg::NotANumber { field: self.field(field), text: text.clone(), why: why.to_string(), or_keep_going: checks.stops() }.into()
            })?;
            // From a borrow: collected in place, the numbers would keep the parse results' slots.
            return Ok(Numbers { values: read.iter().map(|r| r.as_ref().ok().copied().flatten()).collect(), rewrites });
        }
        let cast =
            col.cast(&DataType::Float64).map_err(|e| self.err(Bad::Type, Msg::FieldUnreadable { field: self.field(field), detail: e.to_string() }.into()))?;
        let mut values: Vec<Option<f64>> = cast.f64().map_err(|e| self.err(Bad::Type, e.to_string()))?.into_iter().collect();
        // A numeric column may still hold NaN or infinities (CSV, DBF): not values.
        let bad: Vec<usize> = values.iter().enumerate().filter(|(_, v)| v.is_some_and(|x| !x.is_finite())).map(|(i, _)| i).collect();
        checks.check(self, Bad::Type, bad.clone(), |i| {
            Msg::NotFinite { field: self.field(field), value: values[i].expect("a bad row"), or_keep_going: checks.stops() }.into()
        })?;
        bad.into_iter().for_each(|i| values[i] = None);
        Ok(Numbers { values, rewrites })
    }

    /// A year field, each value as the year it means (`value::year`: "2014.05"
    /// and "2014年5月" are 2014), none later than `latest`. Out-of-range years
    /// fail `checks` as range errors, other text as type errors (and read as
    /// `None` when they reject the rows).
    pub fn years(&self, field: &str, latest: i32, checks: &RowChecks) -> Result<Vec<Option<i32>>> {
        let texts = self.texts(field)?;
        let read: Vec<_> = texts.iter().map(|t| t.as_deref().map_or(Ok(None), |t| crate::value::year(t, latest))).collect();
        // The class is that of the rows no earlier check has rejected.
        let bad = checks.fresh(self, read.iter().enumerate().filter(|(_, r)| r.is_err()).map(|(i, _)| i).collect());
        let class = if bad.iter().all(|&i| matches!(read[i], Err(crate::value::NotAYear::OutOfRange { .. }))) { Bad::Range } else { Bad::Type };
        checks.check(self, class, bad, |i| {
            let why = read[i].as_ref().expect_err("a bad row").to_string();
            Msg::NotAYear { field: self.field(field), text: texts[i].clone().unwrap_or_default(), why, or_keep_going: checks.stops() }.into()
        })?;
        Ok(read.into_iter().map(|r| r.ok().flatten()).collect())
    }

    /// [`VectorLayer::read_numbers`] without the rewrite counts.
    pub fn numbers(&self, field: &str, units: &[&str], checks: &RowChecks) -> Result<Vec<Option<f64>>> {
        Ok(self.read_numbers(field, units, checks)?.values)
    }

    /// A field as text folded for matching categories, control grades and
    /// veto strings (`value::fold`); empty text is `None`.
    pub fn keys(&self, field: &str) -> Result<Vec<Option<String>>> {
        Ok(self.texts(field)?.into_iter().map(|v| v.map(|t| crate::value::fold(&t)).filter(|t| !t.is_empty())).collect())
    }

    /// A field as text (numbers are formatted), for categorical indicators and labels.
    pub fn texts(&self, field: &str) -> Result<Vec<Option<String>>> {
        let col = self.column(field)?;
        let cast =
            col.cast(&DataType::String).map_err(|e| self.err(Bad::Type, Msg::FieldUnreadable { field: self.field(field), detail: e.to_string() }.into()))?;
        Ok(cast.str().map_err(|e| self.err(Bad::Type, e.to_string()))?.into_iter().map(|v| v.map(str::to_owned)).collect())
    }

    /// A standard descriptive field (`schema::DESCRIPTIVE`: name, address,
    /// responsible unit) trimmed, empty as `None`; `None` when the layer has no such field.
    pub fn descriptive(&self, key: &str) -> Option<Vec<Option<String>>> {
        let d = self.descriptive_column(key)?;
        Some((0..self.len()).map(|i| d.get(i)).collect())
    }

    /// [`descriptive`](Self::descriptive) read in place, a value at a time:
    /// no copy of a city's names beside the layer.
    pub fn descriptive_column(&self, key: &str) -> Option<Descriptive> {
        let col = self.column(key).ok()?.cast(&DataType::String).ok()?;
        Some(Descriptive(col.str().ok()?.rechunk()))
    }

    /// Require a value in every row: the rows without one fail `checks`
    /// (and stand in as `T::default()` when they reject the rows).
    pub fn require<T: Default>(&self, field: &str, values: Vec<Option<T>>, checks: &RowChecks) -> Result<Vec<T>> {
        let empty: Vec<usize> = values.iter().enumerate().filter(|(_, v)| v.is_none()).map(|(i, _)| i).collect();
        checks.check(self, Bad::Field, empty, |_| Msg::FieldEmpty { field: self.field(field), or_keep_going: checks.stops() }.into())?;
        // Extended, not collected in place (which keeps `Option<T>`'s larger slots).
        let mut required = Vec::with_capacity(values.len());
        required.extend(values.into_iter().map(Option::unwrap_or_default));
        Ok(required)
    }
}

/// What becomes of the rows a check finds bad. Without --keep-going
/// ([`RowChecks::Stop`]) the first check that finds any stops the run with
/// an error naming them. With it ([`RowChecks::reject`]) they are rejected
/// by id and the check goes on with a stand-in for each (an empty value, a
/// zero), so one pass over a domain finds every bad row: a row is rejected
/// once, by the first check that finds it, and later checks pass over it.
#[derive(Debug)]
pub enum RowChecks {
    Stop,
    Reject(Mutex<Rejected>),
}

/// The rows rejected so far.
#[derive(Debug, Default)]
pub struct Rejected {
    /// Per layer, the ids of its rejected rows.
    ids: BTreeMap<String, HashSet<String>>,
    /// What each check rejected, in the order found, until taken.
    found: Vec<RowReject>,
}

/// The rows of one layer that one check rejected.
#[derive(Debug)]
pub struct RowReject {
    pub layer: String,
    pub file: PathBuf,
    pub ids: Vec<String>,
    pub bad: Bad,
    /// The check's message: said of the first row, with how many more there are.
    pub message: String,
}

impl RowChecks {
    pub fn reject() -> RowChecks {
        RowChecks::Reject(Mutex::default())
    }

    /// Rows `rows` of `layer` fail a check of class `bad`; `describe` says
    /// why of one row. `Stop` makes this an error; `Reject` rejects the rows
    /// no earlier check has rejected, and returns to the check.
    pub fn check(&self, layer: &VectorLayer, bad: Bad, rows: Vec<usize>, describe: impl Fn(usize) -> String) -> Result<()> {
        match self {
            _ if rows.is_empty() => Ok(()),
            RowChecks::Stop => Err(layer.rows_err(bad, &rows, describe)),
            RowChecks::Reject(rejected) => {
                let rows = self.fresh(layer, rows);
                if rows.is_empty() {
                    return Ok(());
                }
                let ids: Vec<String> = rows.iter().map(|&i| layer.ids[i].clone()).collect();
                let message = layer.rows_message(&rows, describe);
                let mut r = rejected.lock().expect("no check panics holding the lock");
                r.ids.entry(layer.name.clone()).or_default().extend(ids.iter().cloned());
                r.found.push(RowReject { layer: layer.name.clone(), file: layer.file.clone(), ids, bad, message });
                Ok(())
            }
        }
    }

    /// Whether the first bad rows stop the run (so a message may say what --keep-going would do).
    pub fn stops(&self) -> bool {
        matches!(self, RowChecks::Stop)
    }

    /// Those of `rows` of `layer` that no check has rejected yet.
    pub fn fresh(&self, layer: &VectorLayer, rows: Vec<usize>) -> Vec<usize> {
        let RowChecks::Reject(rejected) = self else { return rows };
        let r = rejected.lock().expect("no check panics holding the lock");
        match r.ids.get(&layer.name) {
            Some(out) => rows.into_iter().filter(|&i| !out.contains(&layer.ids[i])).collect(),
            None => rows,
        }
    }

    /// The rows rejected since the last call, check by check (none with `Stop`).
    pub fn take(&self) -> Vec<RowReject> {
        match self {
            RowChecks::Stop => Vec::new(),
            RowChecks::Reject(rejected) => std::mem::take(&mut rejected.lock().expect("no check panics holding the lock").found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(values: &[&str]) -> VectorLayer {
        let n = values.len();
        VectorLayer {
            name: "sites".into(),
            file: "sites.geojson".into(),
            origin: Origin::Features,
            kind: GeomKind::Point,
            ids: (1..=n).map(|i| format!("S{i}")).collect(),
            fids: (1..=n as i64).collect(),
            geoms: vec![Geometry::Point(geo_types::Point::new(0.0, 0.0)); n],
            attrs: DataFrame::new(vec![Column::new("v".into(), values)]).unwrap(),
            labels: BTreeMap::new(),
        }
    }

    #[test]
    fn stop_refuses_the_first_bad_rows_and_reject_goes_on_with_an_empty_value() {
        let l = layer(&["1", "x", "3", "y"]);
        let err = l.read_numbers("v", &[], &RowChecks::Stop).unwrap_err().to_string();
        assert!(err.contains("'S2'") && err.contains("'x'") && err.contains("--keep-going"), "{err}");
        let checks = RowChecks::reject();
        assert_eq!(l.numbers("v", &[], &checks).unwrap(), vec![Some(1.0), None, Some(3.0), None]);
        let found = checks.take();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].ids.clone(), found[0].bad), (vec!["S2".to_owned(), "S4".to_owned()], Bad::Type));
        assert!(found[0].message.contains("'S2'") && !found[0].message.contains("--keep-going"), "{}", found[0].message);
        assert!(checks.take().is_empty(), "taken once");
    }

    #[test]
    fn a_row_is_rejected_once_by_its_first_problem_and_later_counts_leave_it_out() {
        let l = layer(&["1", "x", "3", "4"]);
        let checks = RowChecks::reject();
        // The first check takes S2; a second one that finds S2 and S4 takes S4 alone.
        let numbers = l.numbers("v", &[], &checks).unwrap();
        assert_eq!(numbers[1], None);
        checks.check(&l, Bad::Range, vec![1, 3], |i| format!("row {i} is out")).unwrap();
        let found = checks.take();
        assert_eq!(found.iter().map(|f| f.ids.clone()).collect::<Vec<_>>(), vec![vec!["S2".to_owned()], vec!["S4".to_owned()]]);
        assert!(found[1].message.contains("row 3 is out") && !found[1].message.contains("more"), "{}", found[1].message);
        // Nothing new: a check that finds only taken rows is passed.
        checks.check(&l, Bad::Range, vec![1, 3], |_| unreachable!("no fresh row to describe")).unwrap();
        assert!(checks.take().is_empty());
    }
}
