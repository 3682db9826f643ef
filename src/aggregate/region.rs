//! Regional (区域) risk: a zone's comprehensive (综合) level from the objects
//! of every domain in it, by the method `[comprehensive]` names for its kind
//! (grid cell, 街镇, 区), and what drove it (主导领域 and its worst objects).
//! The formulas are in README "Regional risk"; each method reads only the
//! per-domain tallies of [`ZoneResult`], so a rerun with other parameters
//! (sensitivity) does not place objects in zones again.

use crate::config::{Count, CountRule, LevelValues, Regional, Scale};
use crate::level::{Level, Thresholds};
use crate::model::Model;

use super::ZoneResult;

/// A zone's comprehensive result.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    /// 综合风险值: the level's value (重大 4 … 低 1) for `worst` and `count`,
    /// the weighted level value for `weighted`, risk per km² for `exposure`,
    /// and that × the vulnerability for `capacity`.
    pub score: f64,
    pub level: Level,
    /// 主导领域 (model index): the domain that decided the level; none in a zone without objects.
    pub leading: Option<usize>,
    /// The leading domain's share of the zone's exposure-weighted risk (0–1).
    pub share: f64,
    /// Objects of every domain per level, 重大 first.
    pub counts: [u32; 4],
    /// Domains with an object at each level or worse, 重大 first.
    pub domains_reaching: [u32; 4],
    /// The vulnerability factor of the protection system (`capacity` only).
    pub vulnerability: Option<f64>,
    /// The exposure-weighted risk per km² before the vulnerability (exposure methods).
    pub inherent: Option<f64>,
    /// The score as a multiple of the district's risk per km² (`scale = "district_mean"`).
    pub ratio: Option<f64>,
}

impl Total {
    /// A zone with no object of any domain: low risk, nothing drove it.
    fn empty(vulnerability: Option<f64>) -> Total {
        Total { score: 0.0, level: Level::Low, leading: None, share: 0.0, counts: [0; 4], domains_reaching: [0; 4], vulnerability, inherent: None, ratio: None }
    }

    /// Objects at `l` or worse.
    pub fn reaching(&self, l: Level) -> u32 {
        self.counts[..=l.index()].iter().sum()
    }
}

/// What the methods know of a zone besides its domains' results.
#[derive(Debug, Clone, Copy)]
pub struct ZoneFacts {
    pub area_km2: f64,
    /// The protection system's factor (`capacity`; from `capacity::vulnerability`).
    pub vulnerability: Option<f64>,
    /// The whole district's exposure-weighted risk per km² ([`density`] of
    /// its results; × its vulnerability under `capacity`), for `scale = "district_mean"`.
    pub district_density: f64,
}

/// Exposure-weighted risk per km² of a zone's domain results: Σ value(level) × exposure × share / area.
pub fn density(domains: &[Option<ZoneResult>], values: &LevelValues, area_km2: f64) -> f64 {
    let sum: f64 = domains.iter().flatten().map(|r| weighted(r, values)).sum();
    if area_km2 > 0.0 {
        sum / area_km2
    } else {
        0.0
    }
}

fn weighted(r: &ZoneResult, values: &LevelValues) -> f64 {
    Level::ALL.iter().map(|l| values.of(*l) * r.exposure[l.index()]).sum()
}

/// One zone's comprehensive result from its domain results (in model order).
pub fn combine(domains: &[Option<ZoneResult>], models: &[Model], how: &Regional, facts: ZoneFacts) -> Total {
    let ZoneFacts { area_km2, vulnerability, district_density } = facts;
    let present: Vec<(usize, &ZoneResult)> = domains.iter().enumerate().filter_map(|(d, r)| r.as_ref().map(|r| (d, r))).collect();
    if present.is_empty() {
        return Total::empty(vulnerability.filter(|_| matches!(how, Regional::Capacity { .. })));
    }
    let mut counts = [0u32; 4];
    let mut domains_reaching = [0u32; 4];
    for (_, r) in &present {
        for (k, c) in r.counts.iter().enumerate() {
            counts[k] += c;
        }
        for (k, n) in domains_reaching.iter_mut().enumerate() {
            *n += u32::from(r.counts[..=k].iter().any(|c| *c > 0));
        }
    }
    // The domain with the most severe objects: most red, then orange, … (then model order).
    let by_counts = || present.iter().max_by(|a, b| a.1.counts.cmp(&b.1.counts).then(b.0.cmp(&a.0))).map(|(d, _)| *d);
    let base = Total { counts, domains_reaching, ..Total::empty(None) };
    match how {
        Regional::Worst => {
            let level = present.iter().map(|(_, r)| r.level).reduce(Level::worst).expect("some domain is present");
            // Of the domains at that level, the one with most objects at it (then more severe ones).
            let leading = present.iter().filter(|(_, r)| r.level == level).max_by(|a, b| a.1.counts.cmp(&b.1.counts).then(b.0.cmp(&a.0))).map(|(d, _)| *d);
            Total { score: level.value(), level, leading, ..base }
        }
        Regional::Weighted { weights, thresholds } => {
            let weight = |d: usize| weights.get(&models[d].id).copied().unwrap_or(0.0);
            let (w, ws) = present.iter().fold((0.0, 0.0), |(w, ws), (d, r)| (w + weight(*d), ws + weight(*d) * r.level.value()));
            let score = if w > 0.0 { ws / w } else { 0.0 };
            let leading = present.iter().max_by(|a, b| (weight(a.0) * a.1.level.value()).total_cmp(&(weight(b.0) * b.1.level.value())).then(b.0.cmp(&a.0)));
            Total { score, level: thresholds.level(score), leading: leading.map(|(d, _)| *d), ..base }
        }
        Regional::Count { red, orange, yellow } => {
            let reaches = |rule: &CountRule| {
                rule.counts().iter().any(|(what, need)| {
                    need.is_some_and(|n| match what {
                        Count::Objects(l) => base.reaching(*l) >= n,
                        Count::Domains(l) => domains_reaching[l.index()] >= n,
                    })
                })
            };
            let level = [(red, Level::Major), (orange, Level::Significant), (yellow, Level::General)]
                .into_iter()
                .find(|(rule, _)| reaches(rule))
                .map_or(Level::Low, |(_, l)| l);
            Total { score: level.value(), level, leading: by_counts(), ..base }
        }
        Regional::Exposure { thresholds, values, scale } => {
            let grade = Grade { thresholds, values, scale: *scale, district_density };
            Total { vulnerability: None, ..exposure(&present, grade, area_km2, 1.0, base) }
        }
        Regional::Capacity { thresholds, values, scale } => {
            let v = vulnerability.expect("capacity zones have their vulnerability");
            let grade = Grade { thresholds, values, scale: *scale, district_density };
            Total { vulnerability: Some(v), ..exposure(&present, grade, area_km2, v, base) }
        }
    }
}

/// How the exposure methods grade.
struct Grade<'a> {
    thresholds: &'a Thresholds,
    values: &'a LevelValues,
    scale: Scale,
    district_density: f64,
}

/// R = Σ value(level) × exposure × share / area (per km²), × `factor`,
/// graded by the thresholds (on R, or on R over the district's density).
fn exposure(present: &[(usize, &ZoneResult)], grade: Grade, area_km2: f64, factor: f64, base: Total) -> Total {
    let per_domain: Vec<(usize, f64)> = present.iter().map(|(d, r)| (*d, weighted(r, grade.values))).collect();
    let sum: f64 = per_domain.iter().map(|p| p.1).sum();
    let inherent = if area_km2 > 0.0 { sum / area_km2 } else { 0.0 };
    let score = inherent * factor;
    let ratio = match grade.scale {
        Scale::PerKm2 => None,
        Scale::DistrictMean if grade.district_density > 0.0 => Some(score / grade.district_density),
        Scale::DistrictMean => Some(0.0),
    };
    let graded = ratio.unwrap_or(score);
    let leading = per_domain.iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))).expect("some domain is present");
    Total {
        score,
        level: grade.thresholds.level(graded),
        leading: Some(leading.0),
        share: if sum > 0.0 { leading.1 / sum } else { 0.0 },
        inherent: Some(inherent),
        ratio,
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Top;

    fn models() -> Vec<Model> {
        ["D01", "D02", "D03"]
            .iter()
            .map(|id| {
                let mut m = Model::from_str(std::path::Path::new("t.toml"), &crate::model::tests::BASE.replace("D99", id)).unwrap();
                m.id = (*id).to_owned();
                m
            })
            .collect()
    }

    fn facts(area_km2: f64, vulnerability: Option<f64>) -> ZoneFacts {
        ZoneFacts { area_km2, vulnerability, district_density: 0.0 }
    }

    /// A domain's tally: counts per level and exposure × share per level.
    fn r(level: Level, counts: [u32; 4], exposure: [f64; 4]) -> Option<ZoneResult> {
        let objects = counts.iter().sum::<u32>() as usize;
        Some(ZoneResult { score: 0.0, level, amount: objects as f64, objects, counts, exposure, top: Top::default() })
    }

    /// A 街镇 of 4 km² with three domains, worked by hand:
    /// D01: 1 red object (exposure 2.0, twice the domain's mean) and 3 blue (1.0 each);
    /// D02: 2 orange (0.5 each, a pipeline half inside), 1 yellow (1.0);
    /// D03: none here.
    fn zone() -> Vec<Option<ZoneResult>> {
        vec![r(Level::Major, [1, 0, 0, 3], [2.0, 0.0, 0.0, 3.0]), r(Level::Significant, [0, 2, 1, 0], [0.0, 1.0, 1.0, 0.0]), None]
    }

    #[test]
    fn worst_takes_the_most_severe_domain() {
        let t = combine(&zone(), &models(), &Regional::Worst, facts(4.0, None));
        assert_eq!((t.score, t.level, t.leading), (4.0, Level::Major, Some(0)));
        assert_eq!(t.counts, [1, 2, 1, 3]);
        // Domains with an object at 重大 or worse: 1; 较大 or worse: 2; …
        assert_eq!(t.domains_reaching, [1, 2, 2, 2]);
        assert_eq!(combine(&[None, None, None], &models(), &Regional::Worst, facts(4.0, None)).level, Level::Low);
    }

    #[test]
    fn count_needs_enough_red_objects_or_domains() {
        let rule = |red: CountRule, orange: CountRule, yellow: CountRule| Regional::Count { red, orange, yellow };
        let objects = |red, orange, yellow| CountRule { red_objects: red, orange_objects: orange, yellow_objects: yellow, ..CountRule::default() };
        // 重大 with ≥ 2 red objects or red in ≥ 2 domains: one red object of one domain is not enough;
        // 较大 with ≥ 1 red object: reached.
        let mut red = objects(Some(2), None, None);
        red.red_domains = Some(2);
        let how = rule(red, objects(Some(1), Some(4), None), objects(None, Some(1), Some(5)));
        let t = combine(&zone(), &models(), &how, facts(4.0, None));
        assert_eq!((t.level, t.score, t.leading), (Level::Significant, 3.0, Some(0)));
        // Without the red object: 2 orange objects < 4, so 较大 is not reached; 一般 by ≥ 1 orange.
        let mut z = zone();
        z[0] = r(Level::Low, [0, 0, 0, 3], [0.0, 0.0, 0.0, 3.0]);
        let t = combine(&z, &models(), &how, facts(4.0, None));
        assert_eq!((t.level, t.leading), (Level::General, Some(1)));
        // "orange_objects" counts red ones too: 1 red + 2 orange = 3 ≥ 3 → 较大.
        let how = rule(objects(Some(5), None, None), objects(None, Some(3), None), objects(None, None, Some(1)));
        assert_eq!(combine(&zone(), &models(), &how, facts(4.0, None)).level, Level::Significant);
    }

    #[test]
    fn exposure_weighs_levels_by_what_they_threaten_per_km2() {
        let values = LevelValues::default(); // 22.5 / 13 / 6.5 / 2
        let how = Regional::Exposure { thresholds: Thresholds::new(12.0, 6.0, 3.0), values, scale: Scale::PerKm2 };
        let t = combine(&zone(), &models(), &how, facts(4.0, None));
        // D01: 22.5 × 2.0 + 2 × 3.0 = 51; D02: 13 × 1.0 + 6.5 × 1.0 = 19.5; R = 70.5 / 4 km² = 17.625 → 重大 (≥ 12).
        assert!((t.score - 17.625).abs() < 1e-12, "{}", t.score);
        assert_eq!((t.level, t.leading), (Level::Major, Some(0)));
        assert!((t.share - 51.0 / 70.5).abs() < 1e-12);
        // The same objects over 8 km²: 8.8125 → 较大.
        assert_eq!(combine(&zone(), &models(), &how, facts(8.0, None)).level, Level::Significant);
        assert!((density(&zone(), &values, 4.0) - 17.625).abs() < 1e-12);
        // Against a district of 10 per km², as multiples 2 / 1.25 / 0.75: 17.625 / 10 = 1.76 → 较大.
        let how = Regional::Exposure { thresholds: Thresholds::new(2.0, 1.25, 0.75), values, scale: Scale::DistrictMean };
        let t = combine(&zone(), &models(), &how, ZoneFacts { area_km2: 4.0, vulnerability: None, district_density: 10.0 });
        assert_eq!((t.level, t.score, t.ratio), (Level::Significant, 17.625, Some(1.7625)));
    }

    #[test]
    fn capacity_multiplies_inherent_risk_by_vulnerability() {
        let how = Regional::Capacity { thresholds: Thresholds::new(20.0, 10.0, 5.0), values: LevelValues::default(), scale: Scale::PerKm2 };
        // Inherent 17.625 (above); far from fire stations and shelters: × 1.2 = 21.15 → 重大.
        let far = combine(&zone(), &models(), &how, facts(4.0, Some(1.2)));
        assert!((far.score - 21.15).abs() < 1e-9 && far.level == Level::Major, "{far:?}");
        assert_eq!(far.inherent, Some(17.625));
        // Well covered: × 0.9 = 15.8625 → 较大.
        let near = combine(&zone(), &models(), &how, facts(4.0, Some(0.9)));
        assert_eq!((near.level, near.vulnerability), (Level::Significant, Some(0.9)));
    }

    #[test]
    fn weighted_leads_with_the_heaviest_domain() {
        let how = Regional::Weighted {
            weights: [("D01".to_owned(), 0.25), ("D02".to_owned(), 0.75), ("D03".to_owned(), 1.0)].into(),
            thresholds: Thresholds::new(3.5, 2.5, 1.5),
        };
        // (0.25 × 4 + 0.75 × 3) / 1.0 = 3.25 → 较大; D02 weighs 2.25 against D01's 1.
        let t = combine(&zone(), &models(), &how, facts(4.0, None));
        assert_eq!((t.score, t.level, t.leading), (3.25, Level::Significant, Some(1)));
    }
}
