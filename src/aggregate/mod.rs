//! Aggregate: object results → grid cells and 街镇, per domain, then the
//! comprehensive (综合) level per cell and per 街镇.
//!
//! Grid cells and 街镇 are both [`Zones`]: polygons that objects fall into.
//! A point belongs to the zone that contains it; a line is split at zone
//! boundaries and each zone gets the metres inside it; a polygon each zone
//! gets the square metres of overlap. One mechanism serves both unit kinds.

pub mod grid;

use geo::{Area, BooleanOps, BoundingRect, Contains, Distance, Euclidean, Intersects, Length};
use geo_types::{Geometry, MultiLineString, MultiPolygon, Point};

use crate::config::Comprehensive;
use crate::level::{Level, Thresholds};
use crate::model::{AggMethod, Model};
use crate::score::spatial::EnvelopeIndex;
use crate::score::DomainScores;

/// A set of polygons with an index over their envelopes.
pub struct Zones {
    pub polygons: Vec<MultiPolygon<f64>>,
    index: EnvelopeIndex,
}

impl Zones {
    pub fn new(polygons: Vec<MultiPolygon<f64>>) -> Zones {
        let index = EnvelopeIndex::new(polygons.iter().map(|p| p.bounding_rect()));
        Zones { polygons, index }
    }

    pub fn len(&self) -> usize {
        self.polygons.len()
    }

    /// The bounding box of all zones.
    pub fn bounds(&self) -> Option<geo_types::Rect<f64>> {
        self.polygons
            .iter()
            .filter_map(|p| p.bounding_rect())
            .reduce(|a, b| geo_types::Rect::new((a.min().x.min(b.min().x), a.min().y.min(b.min().y)), (a.max().x.max(b.max().x), a.max().y.max(b.max().y))))
    }

    /// Zones whose envelope meets `g`'s, in index order (for reproducible results).
    fn candidates(&self, g: &Geometry<f64>) -> Vec<usize> {
        g.bounding_rect().map(|r| self.index.meeting(r, 0.0)).unwrap_or_default()
    }

    /// The zone containing a point (the first by index on a shared boundary).
    pub fn locate(&self, p: Point<f64>) -> Option<usize> {
        self.candidates(&p.into()).into_iter().find(|&i| self.polygons[i].intersects(&p))
    }

    /// Whether a point lies in a zone or at most `tolerance` from one.
    pub fn near(&self, p: Point<f64>, tolerance: f64) -> bool {
        self.locate_near(p, tolerance).is_some()
    }

    /// The zone holding `p`, else the nearest within `tolerance` of it (ties: the lower index).
    pub fn locate_near(&self, p: Point<f64>, tolerance: f64) -> Option<usize> {
        self.locate(p).or_else(|| {
            let r = geo_types::Rect::new(p.0, p.0);
            let near = self.index.meeting(r, tolerance).into_iter().map(|i| (Euclidean.distance(&self.polygons[i], &p), i));
            near.filter(|(d, _)| *d <= tolerance).min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))).map(|(_, i)| i)
        })
    }

    /// The distance from a point to the nearest zone (0 inside one) and that zone.
    pub fn nearest(&self, p: Point<f64>) -> Option<(f64, usize)> {
        self.polygons.iter().enumerate().map(|(i, z)| (Euclidean.distance(z, &p), i)).min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// How much of `g` lies in each zone: (zone, 1 per point | metres | square metres).
    pub fn pieces(&self, g: &Geometry<f64>) -> Vec<(usize, f64)> {
        match g {
            Geometry::Point(p) => self.locate(*p).map(|z| vec![(z, 1.0)]).unwrap_or_default(),
            Geometry::MultiPoint(mp) => {
                let mut v: Vec<(usize, f64)> = Vec::new();
                for p in mp {
                    if let Some(z) = self.locate(*p) {
                        match v.iter_mut().find(|(zz, _)| *zz == z) {
                            Some((_, w)) => *w += 1.0,
                            None => v.push((z, 1.0)),
                        }
                    }
                }
                v
            }
            Geometry::LineString(ls) => self.line_pieces(&MultiLineString(vec![ls.clone()])),
            Geometry::MultiLineString(mls) => self.line_pieces(mls),
            Geometry::Polygon(p) => self.area_pieces(&MultiPolygon(vec![p.clone()])),
            Geometry::MultiPolygon(mp) => self.area_pieces(mp),
            _ => Vec::new(),
        }
    }

    /// The zone holding the largest piece of `g` (ties go to the lower index, for reproducibility).
    pub fn main_zone(&self, g: &Geometry<f64>) -> Option<usize> {
        self.pieces(g)
            .into_iter()
            .fold(None, |best: Option<(usize, f64)>, (z, w)| match best {
                Some((_, bw)) if bw >= w => best,
                _ => Some((z, w)),
            })
            .map(|(z, _)| z)
    }

    fn line_pieces(&self, mls: &MultiLineString<f64>) -> Vec<(usize, f64)> {
        self.candidates(&mls.clone().into())
            .into_iter()
            .filter_map(|z| {
                let zone = &self.polygons[z];
                // Whole line inside: no clipping needed (the common case for short segments).
                let len = if zone.contains(mls) {
                    mls.iter().map(|l| Euclidean.length(l)).sum()
                } else {
                    zone.clip(mls, false).iter().map(|l| Euclidean.length(l)).sum()
                };
                (len > 0.0).then_some((z, len))
            })
            .collect()
    }

    fn area_pieces(&self, mp: &MultiPolygon<f64>) -> Vec<(usize, f64)> {
        self.candidates(&mp.clone().into())
            .into_iter()
            .filter_map(|z| {
                let a = self.polygons[z].intersection(mp).unsigned_area();
                (a > 0.0).then_some((z, a))
            })
            .collect()
    }
}

/// One domain's result in one zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneResult {
    pub score: f64,
    pub level: Level,
    /// What the domain has in the zone: objects (points), metres (lines) or m² (polygons).
    pub amount: f64,
    /// Objects touching the zone.
    pub objects: usize,
}

/// Metres of a line layer inside each zone (the denominator of `density`).
pub fn line_metres(lines: &[Geometry<f64>], zones: &Zones) -> Vec<f64> {
    let mut m = vec![0.0; zones.len()];
    for g in lines {
        for (z, len) in zones.pieces(g) {
            m[z] += len;
        }
    }
    m
}

/// Aggregate one domain's objects to zones. `None` for zones with no object
/// of the domain. `density` is, for `AggMethod::Density`, the metres of the
/// reference line layer per zone and the bands on objects per km.
pub fn aggregate(
    geoms: &[Geometry<f64>],
    scores: &DomainScores,
    method: AggMethod,
    thresholds: &Thresholds,
    zones: &Zones,
    density: Option<(&[f64], &Thresholds)>,
) -> Vec<Option<ZoneResult>> {
    // Per zone: Σ amount, Σ weight·score and Σ weight (weight = amount, × the
    // object's weight for weighted_mean), max score, worst level, object count.
    #[derive(Clone, Copy)]
    struct Acc {
        amount: f64,
        w: f64,
        ws: f64,
        max: f64,
        worst: Level,
        n: usize,
    }
    let mut acc: Vec<Option<Acc>> = vec![None; zones.len()];
    for (i, g) in geoms.iter().enumerate() {
        for (z, w) in zones.pieces(g) {
            let a = acc[z].get_or_insert(Acc { amount: 0.0, w: 0.0, ws: 0.0, max: f64::MIN, worst: Level::Low, n: 0 });
            let weight = if method == AggMethod::WeightedMean { w * scores.weight[i] } else { w };
            a.amount += w;
            a.w += weight;
            a.ws += weight * scores.score[i];
            a.max = a.max.max(scores.score[i]);
            a.worst = a.worst.worst(scores.level[i]);
            a.n += 1;
        }
    }
    acc.into_iter()
        .enumerate()
        .map(|(z, a)| {
            let a = a?;
            Some(match method {
                AggMethod::Max => ZoneResult { score: a.max, level: a.worst, amount: a.amount, objects: a.n },
                AggMethod::Mean | AggMethod::WeightedMean => {
                    let s = if a.w > 0.0 { a.ws / a.w } else { 0.0 };
                    ZoneResult { score: s, level: thresholds.level(s), amount: a.amount, objects: a.n }
                }
                AggMethod::Density => {
                    let (metres, bands) = density.expect("density aggregation needs its line lengths");
                    if metres[z] <= 0.0 {
                        return None;
                    }
                    let per_km = a.n as f64 / (metres[z] / 1000.0);
                    ZoneResult { score: per_km, level: bands.level(per_km), amount: a.amount, objects: a.n }
                }
            })
        })
        .collect()
}

/// The comprehensive level of one zone from its domain results (in model order).
/// A zone with no object of any domain is low risk.
pub fn comprehensive(domains: &[Option<ZoneResult>], models: &[Model], how: &Comprehensive) -> (f64, Level) {
    match how {
        Comprehensive::Worst => domains.iter().flatten().fold((0.0, Level::Low), |(s, l), r| (s.max(r.score), l.worst(r.level))),
        Comprehensive::Weighted { weights, thresholds } => {
            let (mut w, mut ws) = (0.0, 0.0);
            for (r, m) in domains.iter().zip(models) {
                if let Some(r) = r {
                    let wd = weights.get(&m.id).copied().unwrap_or(0.0);
                    w += wd;
                    ws += wd * (5 - r.level.number()) as f64;
                }
            }
            let s = if w > 0.0 { ws / w } else { 0.0 };
            (s, thresholds.level(s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, point, polygon};

    fn square(x0: f64, y0: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![(x: x0, y: y0), (x: x0 + s, y: y0), (x: x0 + s, y: y0 + s), (x: x0, y: y0 + s)]])
    }

    #[test]
    fn lines_are_split_by_length_and_points_located() {
        let zones = Zones::new(vec![square(0.0, 0.0, 100.0), square(100.0, 0.0, 100.0)]);
        let line: Geometry<f64> = line_string![(x: 50.0, y: 50.0), (x: 180.0, y: 50.0)].into();
        let pieces = zones.pieces(&line);
        assert_eq!(pieces.len(), 2);
        assert!((pieces[0].1 - 50.0).abs() < 1e-9 && (pieces[1].1 - 80.0).abs() < 1e-9, "{pieces:?}");
        assert_eq!(zones.pieces(&point!(x: 150.0, y: 10.0).into()), vec![(1, 1.0)]);
        assert!(zones.pieces(&point!(x: 500.0, y: 10.0).into()).is_empty());
    }

    #[test]
    fn mean_is_length_weighted_and_max_takes_the_worst() {
        let zones = Zones::new(vec![square(0.0, 0.0, 100.0)]);
        let geoms: Vec<Geometry<f64>> = vec![
            line_string![(x: 0.0, y: 10.0), (x: 30.0, y: 10.0)].into(), // 30 m, score 80
            line_string![(x: 0.0, y: 20.0), (x: 90.0, y: 20.0)].into(), // 90 m, score 40
        ];
        let scores = DomainScores {
            values: vec![],
            scores: vec![],
            inherent: vec![80.0, 40.0],
            control_factor: vec![1.0, 1.0],
            score: vec![80.0, 40.0],
            level: vec![Level::Major, Level::General],
            veto: vec![None, None],
            weight: vec![1.0, 3.0],
            rewrites: Default::default(),
        };
        let t = Thresholds::new(75.0, 55.0, 35.0);
        let mean = aggregate(&geoms, &scores, AggMethod::Mean, &t, &zones, None)[0].unwrap();
        // (30·80 + 90·40) / 120 = 50 → yellow.
        assert!((mean.score - 50.0).abs() < 1e-9);
        assert_eq!(mean.level, Level::General);
        assert!((mean.amount - 120.0).abs() < 1e-9);
        // Exposure-weighted: weights 30·1 and 90·3 → (30·80 + 270·40) / 300 = 44 → yellow.
        let weighted = aggregate(&geoms, &scores, AggMethod::WeightedMean, &t, &zones, None)[0].unwrap();
        assert!((weighted.score - 44.0).abs() < 1e-9 && (weighted.amount - 120.0).abs() < 1e-9, "{weighted:?}");
        let max = aggregate(&geoms, &scores, AggMethod::Max, &t, &zones, None)[0].unwrap();
        assert_eq!((max.score, max.level, max.objects), (80.0, Level::Major, 2));
        // Density: 2 objects per 0.25 km of reference line = 8 per km → red on bands 6/4/2.
        let bands = Thresholds::new(6.0, 4.0, 2.0);
        let d = aggregate(&geoms, &scores, AggMethod::Density, &t, &zones, Some((&[250.0], &bands)))[0].unwrap();
        assert_eq!((d.score, d.level), (8.0, Level::Major));
        // No reference line in the zone: no density.
        assert!(aggregate(&geoms, &scores, AggMethod::Density, &t, &zones, Some((&[0.0], &bands)))[0].is_none());
    }

    #[test]
    fn comprehensive_worst_and_weighted() {
        let m = |id: &str| {
            let mut model = crate::model::Model::from_str(std::path::Path::new("t.toml"), &crate::model::tests::BASE.replace("D99", id)).unwrap();
            model.id = id.to_owned();
            model
        };
        let models = vec![m("D01"), m("D02")];
        let r = |score: f64, level: Level| Some(ZoneResult { score, level, amount: 1.0, objects: 1 });
        let zone = vec![r(80.0, Level::Major), r(20.0, Level::Low)];
        assert_eq!(comprehensive(&zone, &models, &Comprehensive::Worst), (80.0, Level::Major));
        assert_eq!(comprehensive(&[None, None], &models, &Comprehensive::Worst), (0.0, Level::Low));
        let weighted =
            Comprehensive::Weighted { weights: [("D01".to_owned(), 0.25), ("D02".to_owned(), 0.75)].into(), thresholds: Thresholds::new(3.5, 2.5, 1.5) };
        // Level values 重大 4, 低 1: (0.25·4 + 0.75·1) / 1.0 = 1.75 → yellow.
        assert_eq!(comprehensive(&zone, &models, &weighted), (1.75, Level::General));
        // Only D01 present: its weight alone normalises → 4 → red.
        assert_eq!(comprehensive(&[zone[0], None], &models, &weighted), (4.0, Level::Major));
    }
}
