//! A domain's scoring in its two phases, as types: [`Valued`] (phase one,
//! each indicator's raw value: all that reads other layers, and all a work
//! unit computes) → [`Scored`] (phase two over every object of the study
//! area: scores, computed levels, vetoes) → [`Reviewed`] (sensitivity of the
//! computed levels, then the expert review's final levels). Each owns the
//! objects it scored, so no later step asks which layer they came from.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::Loaded;
use crate::error::{Bad, Error, Result};
use crate::load::Reject;
use crate::model::Model;
use crate::objects::{RowChecks, VectorLayer};
use crate::review;
use crate::score::{self, DomainScores};
use crate::sensitivity::DomainSensitivity;
use crate::unit::Unit;

/// Phase one of a domain: each indicator's raw value for the objects scored.
pub struct Valued {
    /// The loaded layer, or a copy without the objects left out.
    pub objects: Arc<VectorLayer>,
    /// Per indicator (model order), one value per object.
    pub values: Vec<score::Values>,
}

/// Phase two of a domain: scores and computed levels.
pub struct Scored {
    pub objects: Arc<VectorLayer>,
    pub scores: DomainScores,
}

/// A domain's final levels: the computed ones' sensitivity, then the expert
/// review applied (`scores.level` holds the final levels).
pub struct Reviewed {
    pub objects: Arc<VectorLayer>,
    pub scores: DomainScores,
    /// The expert review's adjustments, by object row, with the computed level.
    pub review: BTreeMap<usize, review::Adjustment>,
    /// With `[sensitivity]`.
    pub sensitivity: Option<DomainSensitivity>,
}

impl Valued {
    /// Phase two over these objects (a merge's: every unit's objects at
    /// once). Its row checks stop: each unit has already rejected, with
    /// --keep-going, every row of its own that they would reject.
    pub fn score(self, m: &Model) -> Result<Scored> {
        let scores = score::finish(m, &self.objects, self.values, &RowChecks::Stop)?;
        Ok(Scored { objects: self.objects, scores })
    }
}

impl Scored {
    /// The sensitivity of the computed levels (when the run asks for it),
    /// then domain `d`'s expert review applied: zones count the final levels.
    pub fn review(mut self, loaded: &Loaded, d: usize, sensitivity: Option<DomainSensitivity>) -> Result<Reviewed> {
        let review = review_domain(loaded, d, &self.objects, &mut self.scores.level)?;
        Ok(Reviewed { objects: self.objects, scores: self.scores, review, sensitivity })
    }
}

impl Loaded {
    /// Both phases of domain `d`, over all its objects.
    pub fn score(&self, d: usize, rejects: &mut Vec<Reject>) -> Result<Scored> {
        let (scores, objects) = self.with_rejects(d, None, rejects, score::score_objects)?;
        Ok(Scored { objects, scores })
    }

    /// Phase one of the objects `unit` owns, against everything the unit
    /// loaded. Phase two's row checks run too (`score::checked_values`), so
    /// --keep-going rejects here the rows it would reject in a whole run.
    pub fn value(&self, d: usize, unit: &Unit, rejects: &mut Vec<Reject>) -> Result<Valued> {
        let (values, objects) = self.with_rejects(d, Some(unit), rejects, score::checked_values)?;
        Ok(Valued { objects, values })
    }

    /// Score domain `d` with `score` (both phases, or phase one checked).
    /// With `owner` (a work unit), only the objects it owns are scored.
    /// Returns the result and the objects scored.
    ///
    /// With `--keep-going`, the row checks reject bad rows instead of
    /// stopping: the numbers read of context layers first (so no object's
    /// value counts a rejected feature), then one pass over the objects
    /// finds every bad one, each by its first problem. If it found any, the
    /// domain is scored again without them, so that study-area statistics
    /// (min–max) leave them out. A row whose problem shows only once others
    /// are gone (an object its rejected neighbours were context for) is
    /// found by that pass, and the domain scored once more.
    fn with_rejects<T>(
        &self,
        d: usize,
        owner: Option<&Unit>,
        rejects: &mut Vec<Reject>,
        score: impl Fn(&Model, &VectorLayer, &score::Context) -> Result<T>,
    ) -> Result<(T, Arc<VectorLayer>)> {
        let m = &self.models[d];
        let checks = if self.how.keep_going { RowChecks::reject() } else { RowChecks::Stop };
        let mut overrides = left_out(m, self, rejects, owner, &checks)?;
        if self.how.keep_going {
            score::check_context(m, &self.context(&overrides, &checks))?;
            self.take_rejects(m, &checks, owner, &mut overrides, rejects)?;
        }
        loop {
            let (result, mine) = {
                let ctx = self.context(&overrides, &checks);
                let all = ctx.vector(m.objects()).expect("checked when loaded");
                let mine = owner.map(|u| {
                    let mut keep = vec![false; all.len()];
                    u.owned_rows(all).into_iter().for_each(|i| keep[i] = true);
                    all.filter(&keep)
                });
                (score(m, mine.as_ref().unwrap_or(all), &ctx)?, mine)
            };
            if self.take_rejects(m, &checks, owner, &mut overrides, rejects)? {
                continue;
            }
            let objects = match (mine, overrides.remove(m.objects())) {
                (Some(mine), _) => Arc::new(mine),
                (None, Some(filtered)) => Arc::new(filtered),
                (None, None) => self.layers.shared(m.objects()).expect("checked when loaded"),
            };
            return Ok((result, objects));
        }
    }

    fn context<'a>(&'a self, overrides: &'a BTreeMap<String, VectorLayer>, checks: &'a RowChecks) -> score::Context<'a> {
        score::Context { layers: &self.layers, overrides, checks, year: self.config.year, working_crs: &self.config.working_crs }
    }

    /// The rows `checks` rejected since last asked, listed as domain `m`'s
    /// rejects and left out of their layers (copies in `overrides`).
    /// Returns whether there were any.
    fn take_rejects(
        &self,
        m: &Model,
        checks: &RowChecks,
        owner: Option<&Unit>,
        overrides: &mut BTreeMap<String, VectorLayer>,
        rejects: &mut Vec<Reject>,
    ) -> Result<bool> {
        let found = checks.take();
        for r in &found {
            tracing::warn!(domain = %m.id, layer = %r.layer, rejected = r.ids.len(), "{}", r.message);
            rejects.extend(r.ids.iter().map(|id| Reject {
                layer: r.layer.clone(),
                file: r.file.clone(),
                id: id.clone(),
                bad: r.bad,
                reason: r.message.clone(),
                domain: Some(m.id.clone()),
            }));
            let current = overrides.get(&r.layer).or_else(|| self.layers.vector(&r.layer)).expect("a rejecting layer is loaded");
            let out: HashSet<&str> = r.ids.iter().map(String::as_str).collect();
            let keep: Vec<bool> = current.ids.iter().map(|id| !out.contains(id.as_str())).collect();
            let filtered = current.filter(&keep);
            if filtered.is_empty() && owner.is_none() && r.layer == m.objects() {
                return Err(Error::input(Bad::Empty, &filtered.file, Some(&r.layer), crate::msg::Msg::NoFeatureLeft { domain: m.id.clone() }));
            }
            overrides.insert(r.layer.clone(), filtered);
        }
        Ok(!found.is_empty())
    }
}

/// Domain `d`'s adjustments applied to its final `levels` (none without `[review]`).
pub fn review_domain(p: &Loaded, d: usize, objects: &VectorLayer, levels: &mut [crate::level::Level]) -> Result<BTreeMap<usize, review::Adjustment>> {
    match &p.config.review {
        Some(r) => review::apply(&p.review, d, &p.models[d], objects, levels, &r.adjustments),
        None => Ok(BTreeMap::new()),
    }
}

/// The layers of one domain without what the run never scores: objects
/// outside the district (`clip_to_district`) and rows that a `missing =
/// "reject"` rule leaves out (listed as rejects; never a stop). A work unit
/// lists only the objects it owns.
fn left_out(m: &Model, p: &Loaded, rejects: &mut Vec<Reject>, owner: Option<&Unit>, checks: &RowChecks) -> Result<BTreeMap<String, VectorLayer>> {
    let mut overrides: BTreeMap<String, VectorLayer> = BTreeMap::new();
    // Objects outside the district (`clip_to_district`) are not scored.
    let outside: HashSet<&str> = p.clipped.iter().filter(|c| c.layer == m.objects()).map(|c| c.id.as_str()).collect();
    if !outside.is_empty() {
        let all = p.layers.vector(m.objects()).expect("checked when loaded");
        let keep: Vec<bool> = all.ids.iter().map(|id| !outside.contains(id.as_str())).collect();
        overrides.insert(m.objects().to_owned(), all.filter(&keep));
    }
    // Rows that a `missing = "reject"` rule leaves out: listed, never a stop.
    {
        let ctx = p.context(&overrides, checks);
        let all = ctx.vector(m.objects()).expect("checked when loaded");
        let owned: Option<HashSet<usize>> = owner.map(|u| u.owned_rows(all).into_iter().collect());
        let mut keep: BTreeMap<String, Vec<bool>> = BTreeMap::new();
        for r in score::read::missing_rejects(m, all, &ctx)? {
            let layer = ctx.vector(&r.layer).expect("the layer is loaded");
            let mask = keep.entry(r.layer.clone()).or_insert_with(|| vec![true; layer.len()]);
            // A work unit lists only its own objects; their owners list the others.
            let rows: Vec<usize> = r.rows.into_iter().filter(|i| r.layer != m.objects() || owned.as_ref().is_none_or(|o| o.contains(i))).collect();
            for &i in &rows {
                mask[i] = false;
                rejects.push(Reject {
                    layer: r.layer.clone(),
                    file: layer.file.clone(),
                    id: layer.ids[i].clone(),
                    bad: Bad::Field,
                    reason: r.reason.clone(),
                    domain: Some(m.id.clone()),
                });
            }
            if !rows.is_empty() {
                tracing::warn!(domain = %m.id, layer = %r.layer, rejected = rows.len(), "{}", r.reason);
            }
        }
        let filtered: Vec<(String, VectorLayer)> = keep
            .into_iter()
            .map(|(name, mask)| {
                let layer = ctx.vector(&name).expect("the layer is loaded").filter(&mask);
                (name, layer)
            })
            .collect();
        overrides.extend(filtered);
    }
    Ok(overrides)
}
