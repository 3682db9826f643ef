//! Sensitivity (敏感性分析): how much of each domain's levels rests on the
//! model's parameters, so the review meeting knows which colours to look at.
//!
//! Two analyses over the same recomputation, both starting from phase one's
//! indicator values (nothing is loaded or measured again; only what depends
//! on the parameters — normalisation, the method, control, levels, vetoes —
//! is recomputed):
//!
//! - **Monte Carlo**: `draws` settings, each perturbing every parameter at
//!   once (weights × U(1 ± r) renormalised, AHP judgements by up to ± k
//!   Saaty steps, thresholds × U(1 ± t), the control adjustment's strength ×
//!   U(1 ± c), each numeric input × U(1 ± u) per object by its indicator's
//!   stated `uncertainty`). An object's 等级稳定度 is the share of draws that
//!   keep its computed level; below `critical` it is 临界.
//! - **One at a time** (the tornado): each parameter alone at its low and its
//!   high end, the others nominal; the objects whose level moves are counted.
//!
//! Draws are seeded by the run's seed, the domain id and the draw number, so
//! the same seed gives the same tables whatever the thread count.

use std::borrow::Cow;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::config::SensitivityConfig;
use crate::error::{Error, Result};
use crate::level::{Level, Thresholds};
use crate::model::{ahp, Literal, Method, Model, Normalise};
use crate::objects::{RowChecks, VectorLayer};
use crate::score::{self, DomainScores, Values};

/// What one parameter is and how far it was moved.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name in the reports, e.g. "权重：储存量".
    pub label: String,
    /// The nominal value and the two ends tried, e.g. "0.250（0.204 – 0.294）".
    pub range: String,
    /// 权重, 判断, 阈值, 管控 or 输入.
    pub group: &'static str,
}

/// One parameter's effect alone.
#[derive(Debug, Clone)]
pub struct Effect {
    pub param: Param,
    /// Objects whose level moves at the low end, and at the high end.
    pub low: usize,
    pub high: usize,
    /// The objects moved at either end (rows of the domain's objects).
    pub moved: Vec<usize>,
}

impl Effect {
    /// Objects moved at either end.
    pub fn moved(&self) -> usize {
        self.moved.len()
    }
}

/// One domain's sensitivity.
#[derive(Debug, Clone)]
pub struct DomainSensitivity {
    /// Per object: the share of draws that keep its computed level.
    pub stability: Vec<f64>,
    /// Per parameter, the most moving first (ties in model order).
    pub effects: Vec<Effect>,
    /// Below this stability an object is 临界.
    pub critical: f64,
}

impl DomainSensitivity {
    pub fn is_critical(&self, i: usize) -> bool {
        self.stability[i] < self.critical
    }

    /// Objects that are 临界.
    pub fn critical_count(&self) -> usize {
        (0..self.stability.len()).filter(|&i| self.is_critical(i)).count()
    }
}

/// Saaty's 1–9 scale as the ladder a judgement steps along: 1/9 … 1/2, 1, 2 … 9.
fn saaty_ladder() -> Vec<f64> {
    (1..=9).rev().map(|k| 1.0 / k as f64).chain((2..=9).map(|k| k as f64)).collect()
}

/// The judgement `a` moved by `steps` along the ladder (clamped at its ends).
fn saaty_step(a: f64, steps: i64) -> f64 {
    let ladder = saaty_ladder();
    let at = (0..ladder.len()).min_by(|&x, &y| (ladder[x].ln() - a.ln()).abs().total_cmp(&(ladder[y].ln() - a.ln()).abs())).expect("a non-empty ladder");
    ladder[(at as i64 + steps).clamp(0, ladder.len() as i64 - 1) as usize]
}

/// A draw `u` of U(−1, 1) as a whole number of steps from −k to +k, each equally likely.
fn steps_of(u: f64, k: f64) -> i64 {
    (u * (k + 0.5)).round().clamp(-k, k) as i64
}

/// A judgement as written: "3", "1/3".
fn judgement_text(a: f64) -> String {
    if a >= 1.0 {
        format!("{}", a.round())
    } else {
        format!("1/{}", (1.0 / a).round())
    }
}

/// The inputs of one recomputation.
#[derive(Clone)]
enum Inputs {
    Nominal,
    /// One indicator's values all × a factor (one at a time).
    Scaled(usize, f64),
    /// Every uncertain indicator's values × U(1 ± u), each object on its own.
    Drawn,
}

/// One setting of the parameters.
#[derive(Clone)]
struct Setting {
    /// A weighted index's weights (model order), when not the model's.
    weights: Option<Vec<f64>>,
    thresholds: Thresholds,
    /// The control adjustment's strength: a factor f becomes 1 + (f − 1) × strength.
    strength: f64,
    inputs: Inputs,
}

/// A domain's nominal results and what draws keep fixed.
struct Base<'a> {
    model: &'a Model,
    objects: &'a VectorLayer,
    scores: &'a DomainScores,
    /// Indicators with numeric values and a stated uncertainty.
    uncertain: Vec<usize>,
    /// Per veto rule: whether the conditions not on an uncertain indicator hold.
    veto_fixed: Vec<Vec<bool>>,
    cfg: &'a SensitivityConfig,
}

impl<'a> Base<'a> {
    fn new(model: &'a Model, objects: &'a VectorLayer, scores: &'a DomainScores, cfg: &'a SensitivityConfig) -> Result<Base<'a>> {
        let uncertain: Vec<usize> = model
            .indicators
            .iter()
            .enumerate()
            .filter(|(k, ind)| ind.uncertainty > 0.0 && matches!(scores.values[*k], Values::Numbers(_)) && !matches!(ind.normalise, Normalise::Categories(_)))
            .map(|(k, _)| k)
            .collect();
        let veto_fixed = model
            .vetoes
            .iter()
            .map(|rule| score::veto_holds(model, rule, objects, &scores.values, |k| uncertain.contains(&k), &RowChecks::Stop))
            .collect::<Result<_>>()?;
        Ok(Base { model, objects, scores, uncertain, veto_fixed, cfg })
    }

    fn nominal(&self) -> Setting {
        Setting { weights: None, thresholds: self.model.thresholds, strength: 1.0, inputs: Inputs::Nominal }
    }

    /// Whether the method grades by thresholds (a risk matrix with a level table does not).
    fn uses_thresholds(&self) -> bool {
        !matches!(&self.model.method, Method::RiskMatrix { table: Some(_), .. })
    }

    /// The levels under `s`; `rng` draws the inputs of `Inputs::Drawn`.
    fn levels(&self, s: &Setting, rng: &mut ChaCha8Rng) -> Result<Vec<Level>> {
        let (model, values) = (self.model, &self.scores.values);
        let numbers = |k: usize| score::numbers_of(&values[k]);
        let perturbed: Vec<(usize, Values)> = match s.inputs {
            Inputs::Nominal => Vec::new(),
            Inputs::Scaled(k, f) => vec![(k, Values::Numbers(numbers(k).iter().map(|x| x * f).collect()))],
            Inputs::Drawn => self
                .uncertain
                .iter()
                .map(|&k| {
                    let u = model.indicators[k].uncertainty;
                    (k, Values::Numbers(numbers(k).iter().map(|x| x * (1.0 + u * (2.0 * rng.gen::<f64>() - 1.0))).collect()))
                })
                .collect(),
        };
        let mut rescored: Vec<(usize, Vec<f64>)> = Vec::with_capacity(perturbed.len());
        for (k, v) in &perturbed {
            rescored.push((*k, score::normalise(&model.indicators[*k], v, self.objects, model, &RowChecks::Stop)?));
        }
        let refs: Vec<&[f64]> = (0..model.indicators.len())
            .map(|k| rescored.iter().find(|(j, _)| *j == k).map_or(self.scores.scores[k].as_slice(), |(_, v)| v.as_slice()))
            .collect();
        let control: Cow<[f64]> = if s.strength == 1.0 {
            Cow::Borrowed(&self.scores.control_factor)
        } else {
            Cow::Owned(self.scores.control_factor.iter().map(|f| 1.0 + (f - 1.0) * s.strength).collect())
        };
        let local;
        let method = match &s.weights {
            Some(w) => {
                local = Method::WeightedIndex { weights: w.clone(), ahp: None };
                &local
            }
            None => &model.method,
        };
        let (_, _, mut level) = score::combine(model, method, &s.thresholds, &refs, &control, self.objects, &RowChecks::Stop)?;
        for (rule, fixed) in model.vetoes.iter().zip(&self.veto_fixed) {
            let mut holds = fixed.clone();
            for cond in &rule.when {
                let Some(k) = self.uncertain.iter().copied().find(|&k| model.indicators[k].key == cond.name) else { continue };
                debug_assert!(matches!(cond.value, Literal::Number(_)));
                let v = perturbed.iter().find(|(j, _)| *j == k).map_or(numbers(k), |(_, v)| score::numbers_of(v));
                holds.iter_mut().zip(v).for_each(|(h, x)| *h &= cond.holds_number(*x));
            }
            for (l, h) in level.iter_mut().zip(holds) {
                if h {
                    *l = l.worst(rule.level);
                }
            }
        }
        Ok(level)
    }

    /// The model's weights, or the AHP weights from `matrix`.
    fn ahp_weights(&self, a: &ahp::Ahp, matrix: &[Vec<f64>]) -> Result<Vec<f64>> {
        let derived = ahp::derive(matrix)
            .map_err(|m| Error::Model { file: self.model.file.clone(), message: crate::msg::ModelMistake::SensitivityAhp { detail: m }.into() })?;
        let mut w = vec![0.0; self.model.indicators.len()];
        for (k, &i) in a.order.iter().enumerate() {
            w[i] = derived.weights[k];
        }
        Ok(w)
    }

    /// Weights × factors, renormalised to sum 1.
    fn scaled_weights(weights: &[f64], factor: impl Fn(usize) -> f64) -> Vec<f64> {
        let w: Vec<f64> = weights.iter().enumerate().map(|(k, w)| w * factor(k)).collect();
        let total: f64 = w.iter().sum();
        w.into_iter().map(|x| x / total).collect()
    }

    /// Thresholds × factors, kept in order (red ≥ orange ≥ yellow).
    fn scaled_thresholds(&self, factor: impl Fn(usize) -> f64) -> Thresholds {
        let t = &self.model.thresholds;
        let mut v = [t.red * factor(0), t.orange * factor(1), t.yellow * factor(2)];
        v.sort_by(|a, b| b.total_cmp(a));
        Thresholds { red: v[0], orange: v[1], yellow: v[2], compare: t.compare }
    }

    /// One Monte Carlo draw's setting; the rng then draws its inputs.
    fn draw(&self, rng: &mut ChaCha8Rng) -> Result<Setting> {
        let c = self.cfg;
        let mut s = self.nominal();
        // U(−1, 1), and a factor U(1 − r, 1 + r).
        let mut centred = || 2.0 * rng.gen::<f64>() - 1.0;
        s.weights = match &self.model.method {
            Method::WeightedIndex { ahp: Some(a), .. } if c.ahp_steps > 0 => {
                let mut m = a.matrix.clone();
                let n = m.len();
                let steps = c.ahp_steps as f64;
                for (i, j) in (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))) {
                    let step = steps_of(centred(), steps);
                    m[i][j] = saaty_step(m[i][j], step);
                    m[j][i] = 1.0 / m[i][j];
                }
                Some(self.ahp_weights(a, &m)?)
            }
            Method::WeightedIndex { weights, ahp: None } if c.weights > 0.0 => {
                let f: Vec<f64> = weights.iter().map(|_| 1.0 + c.weights * centred()).collect();
                Some(Self::scaled_weights(weights, |k| f[k]))
            }
            _ => None,
        };
        if self.uses_thresholds() {
            let f = [(); 3].map(|_| 1.0 + c.thresholds * centred());
            s.thresholds = self.scaled_thresholds(|k| f[k]);
        }
        if self.model.control.is_some() {
            s.strength = 1.0 + c.control * centred();
        }
        s.inputs = Inputs::Drawn;
        Ok(s)
    }

    /// Every parameter with its low and high setting.
    fn params(&self) -> Result<Vec<(Param, Setting, Setting)>> {
        let (c, model) = (self.cfg, self.model);
        let name = |k: usize| model.indicators[k].name.clone();
        let mut out = Vec::new();
        let with = |f: &dyn Fn(&mut Setting)| {
            let mut s = self.nominal();
            f(&mut s);
            s
        };
        match &model.method {
            Method::WeightedIndex { ahp: Some(a), .. } if c.ahp_steps > 0 => {
                let n = a.matrix.len();
                let steps = c.ahp_steps as i64;
                for i in 0..n {
                    for j in i + 1..n {
                        let (lo, hi) = (saaty_step(a.matrix[i][j], -steps), saaty_step(a.matrix[i][j], steps));
                        let setting = |v: f64| -> Result<Setting> {
                            let mut m = a.matrix.clone();
                            m[i][j] = v;
                            m[j][i] = 1.0 / v;
                            let w = self.ahp_weights(a, &m)?;
                            Ok(with(&|s| s.weights = Some(w.clone())))
                        };
                        let param = Param {
                            label: format!("判断：{} 比 {}", name(a.order[i]), name(a.order[j])),
                            range: format!("{}（{} – {}）", judgement_text(a.matrix[i][j]), judgement_text(lo), judgement_text(hi)),
                            group: "判断",
                        };
                        out.push((param, setting(lo)?, setting(hi)?));
                    }
                }
            }
            Method::WeightedIndex { weights, ahp: None } if c.weights > 0.0 => {
                for (k, &w) in weights.iter().enumerate().filter(|(_, w)| **w > 0.0) {
                    let at = |f: f64| Self::scaled_weights(weights, |j| if j == k { f } else { 1.0 });
                    let (lo, hi) = (at(1.0 - c.weights), at(1.0 + c.weights));
                    let param = Param { label: format!("权重：{}", name(k)), range: format!("{w:.3}（{:.3} – {:.3}）", lo[k], hi[k]), group: "权重" };
                    out.push((param, with(&|s| s.weights = Some(lo.clone())), with(&|s| s.weights = Some(hi.clone()))));
                }
            }
            _ => {}
        }
        if self.uses_thresholds() && c.thresholds > 0.0 {
            let t = &model.thresholds;
            for (k, (lvl, v)) in [(Level::Major, t.red), (Level::Significant, t.orange), (Level::General, t.yellow)].into_iter().enumerate() {
                let at = |f: f64| self.scaled_thresholds(|j| if j == k { f } else { 1.0 });
                let param = Param {
                    label: format!("阈值：{}", lvl.name_zh()),
                    range: format!("{}（{} – {}）", trim(v), trim(v * (1.0 - c.thresholds)), trim(v * (1.0 + c.thresholds))),
                    group: "阈值",
                };
                let (lo, hi) = (at(1.0 - c.thresholds), at(1.0 + c.thresholds));
                out.push((param, with(&|s| s.thresholds = lo), with(&|s| s.thresholds = hi)));
            }
        }
        if model.control.is_some() && c.control > 0.0 {
            let param =
                Param { label: "管控系数强度".into(), range: format!("1（{} – {}）", trim(1.0 - c.control), trim(1.0 + c.control)), group: "管控" };
            out.push((param, with(&|s| s.strength = 1.0 - c.control), with(&|s| s.strength = 1.0 + c.control)));
        }
        for &k in &self.uncertain {
            let u = model.indicators[k].uncertainty;
            let param =
                Param { label: format!("输入：{}", name(k)), range: format!("×1（×{} – ×{}）", trim(1.0 - u), trim(1.0 + u)), group: "输入" };
            out.push((param, with(&|s| s.inputs = Inputs::Scaled(k, 1.0 - u)), with(&|s| s.inputs = Inputs::Scaled(k, 1.0 + u))));
        }
        Ok(out)
    }
}

/// A number without trailing zeros: 75, 71.25, 0.8.
fn trim(v: f64) -> String {
    let s = format!("{:.4}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A stable 32-bit hash of a domain id (FNV-1a), so a domain's draws do not depend on its place in the run.
fn stream_of(id: &str) -> u64 {
    let h = id.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193));
    (h as u64) << 32
}

/// The sensitivity of one domain's computed levels (`scores.level` before any expert review).
pub fn domain(model: &Model, objects: &VectorLayer, scores: &DomainScores, cfg: &SensitivityConfig) -> Result<DomainSensitivity> {
    let base = Base::new(model, objects, scores, cfg)?;
    let n = objects.len();
    let nominal = &scores.level;
    // Draw numbers (at most 100,000) stay below bit 32, where the domain's bits start.
    let rng_for = |draw: u64| {
        let mut r = ChaCha8Rng::seed_from_u64(cfg.seed);
        r.set_stream(stream_of(&model.id) | draw);
        r
    };
    // Monte Carlo: per object, the draws keeping its level (integer sums: order-free).
    let kept = (0..cfg.draws as u64)
        .into_par_iter()
        .map(|d| {
            let mut rng = rng_for(d);
            let s = base.draw(&mut rng)?;
            let level = base.levels(&s, &mut rng)?;
            Ok(level.iter().zip(nominal).map(|(a, b)| u32::from(a == b)).collect::<Vec<u32>>())
        })
        .try_reduce(
            || vec![0u32; n],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                Ok(a)
            },
        )?;
    let stability = kept.iter().map(|&k| k as f64 / cfg.draws as f64).collect();

    // One at a time: the objects each parameter's ends move.
    let params = base.params()?;
    let mut effects: Vec<Effect> = params
        .into_par_iter()
        .map(|(param, lo, hi)| {
            // One-at-a-time settings draw nothing (their inputs are nominal or scaled); the rng is unused.
            let mut rng = rng_for(u64::MAX);
            let (a, b) = (base.levels(&lo, &mut rng)?, base.levels(&hi, &mut rng)?);
            let moved_lo: Vec<bool> = a.iter().zip(nominal).map(|(x, y)| x != y).collect();
            let moved_hi: Vec<bool> = b.iter().zip(nominal).map(|(x, y)| x != y).collect();
            let moved = (0..n).filter(|&i| moved_lo[i] || moved_hi[i]).collect();
            let count = |v: &[bool]| v.iter().filter(|x| **x).count();
            Ok(Effect { low: count(&moved_lo), high: count(&moved_hi), moved, param })
        })
        .collect::<Result<_>>()?;
    // The most moving first; a stable sort keeps model order among ties.
    effects.sort_by_key(|e| std::cmp::Reverse(e.moved()));
    debug_assert!(base.levels(&base.nominal(), &mut rng_for(0)).is_ok_and(|l| &l == nominal), "the nominal setting reproduces the levels");
    Ok(DomainSensitivity { stability, effects, critical: cfg.critical })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saaty_steps_walk_the_ladder() {
        assert_eq!(saaty_step(3.0, 1), 4.0);
        assert_eq!(saaty_step(3.0, -1), 2.0);
        assert_eq!(saaty_step(1.0, -1), 0.5);
        assert_eq!(saaty_step(0.5, 1), 1.0);
        assert!((saaty_step(1.0 / 3.0, -1) - 0.25).abs() < 1e-12);
        assert_eq!(saaty_step(9.0, 1), 9.0);
        assert_eq!(judgement_text(1.0 / 3.0), "1/3");
        assert_eq!(trim(71.25), "71.25");
        assert_eq!(trim(75.0), "75");
    }

    #[test]
    fn judgement_steps_are_centred_and_equally_likely() {
        // u over (−1, 1) on a fine grid: −1, 0 and +1 step a third of the time each.
        let n = 30_000;
        let mut seen = [0usize; 3];
        for i in 0..n {
            let u = -1.0 + (i as f64 + 0.5) * 2.0 / n as f64;
            seen[(steps_of(u, 1.0) + 1) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c.abs_diff(n / 3) <= 1), "{seen:?}");
        assert_eq!((steps_of(-0.999, 2.0), steps_of(0.0, 2.0), steps_of(0.999, 2.0)), (-2, 0, 2));
    }
}
