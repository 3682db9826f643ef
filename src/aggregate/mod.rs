//! Aggregate: object results → grid cells and 街镇, per domain, then the
//! comprehensive (综合) level per cell and per 街镇.
//!
//! Grid cells and 街镇 are both [`Zones`]: polygons that objects fall into.
//! A point belongs to the zone that contains it; a line is split at zone
//! boundaries and each zone gets the metres inside it; a polygon each zone
//! gets the square metres of overlap. One mechanism serves both unit kinds.

mod boundary;
pub mod capacity;
pub mod grid;
pub mod region;

pub use region::{combine, density, Total, ZoneFacts};

use geo::{Area, BooleanOps, BoundingRect, Centroid, Contains, CoordsIter, Distance, Euclidean, Length};
use geo_types::{Coord, Geometry, MultiLineString, MultiPolygon, Point, Rect};

use boundary::{Boundary, Relation};

use crate::level::{Level, Thresholds};
use crate::model::AggMethod;
use crate::score::spatial::EnvelopeIndex;
use crate::score::DomainScores;

/// A set of polygons with an index over their envelopes and each one's
/// boundary prepared ([`Boundary`]): objects wholly inside a zone are counted
/// whole, only those crossing its edge are clipped.
pub struct Zones {
    pub polygons: Vec<MultiPolygon<f64>>,
    index: EnvelopeIndex,
    boundaries: Vec<Boundary>,
    /// Objects in no zone but at most this far from one belong to the nearest (see [`Zones::snapping`]).
    snap_m: f64,
}

impl Zones {
    pub fn new(polygons: Vec<MultiPolygon<f64>>) -> Zones {
        let index = EnvelopeIndex::new(polygons.iter().map(|p| p.bounding_rect()));
        let boundaries = polygons.iter().map(Boundary::new).collect();
        Zones { polygons, index, boundaries, snap_m: 0.0 }
    }

    /// These zones with objects up to `metres` outside every zone placed in
    /// the nearest: the rule by which a run accepts objects just across the
    /// district boundary (`outside_tolerance_m`), so that the 街镇 rows add up
    /// to the district.
    pub fn snapping(mut self, metres: f64) -> Zones {
        self.snap_m = metres;
        self
    }

    /// Zones an object with box `r` and vertex `at` may lie in, with where it
    /// lies against each, in index order (for reproducible sums).
    fn relations(&self, r: Rect<f64>, at: Coord<f64>) -> Vec<(usize, Relation)> {
        let hits = self.index.meeting(r, 0.0).into_iter().map(|z| (z, self.boundaries[z].relation(r, at)));
        hits.filter(|(_, rel)| *rel != Relation::Outside).collect()
    }

    pub fn len(&self) -> usize {
        self.polygons.len()
    }

    /// The bounding box of all zones.
    pub fn bounds(&self) -> Option<geo_types::Rect<f64>> {
        self.polygons.iter().filter_map(|p| p.bounding_rect()).reduce(crate::model::union)
    }

    /// The zone containing a point (the first by index on a shared boundary).
    pub fn locate(&self, p: Point<f64>) -> Option<usize> {
        let r = geo_types::Rect::new(p.0, p.0);
        self.index.meeting(r, 0.0).into_iter().find(|&i| self.boundaries[i].holds(p.0))
    }

    /// Whether a point lies in a zone or at most `tolerance` from one.
    pub fn near(&self, p: Point<f64>, tolerance: f64) -> bool {
        self.locate_near(p, tolerance).is_some()
    }

    /// The zone holding `p`, else the nearest within `tolerance` of it (ties: the lower index).
    pub fn locate_near(&self, p: Point<f64>, tolerance: f64) -> Option<usize> {
        self.locate(p).or_else(|| {
            let r = geo_types::Rect::new(p.0, p.0);
            // p is in no zone: its distance to a zone is to the zone's boundary.
            let near = self.index.meeting(r, tolerance).into_iter().filter_map(|i| Some((self.boundaries[i].distance_within(p, tolerance)?, i)));
            near.min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))).map(|(_, i)| i)
        })
    }

    /// The distance from a point to the nearest zone (0 inside one) and that zone.
    pub fn nearest(&self, p: Point<f64>) -> Option<(f64, usize)> {
        self.polygons.iter().enumerate().map(|(i, z)| (Euclidean.distance(z, &p), i)).min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// How much of `g` lies in each zone: (zone, 1 per point | metres | square
    /// metres). An object in no zone but within the snapping distance of one
    /// lies wholly in the nearest.
    pub fn pieces(&self, g: &Geometry<f64>) -> Vec<(usize, f64)> {
        let pieces = self.exact_pieces(g);
        if !pieces.is_empty() || self.snap_m <= 0.0 {
            return pieces;
        }
        let Some(z) = g.centroid().and_then(|c| self.locate_near(c, self.snap_m)) else { return pieces };
        let whole = match g {
            Geometry::Point(_) => 1.0,
            Geometry::MultiPoint(mp) => mp.0.len() as f64,
            Geometry::LineString(l) => Euclidean.length(l),
            Geometry::MultiLineString(l) => l.iter().map(|l| Euclidean.length(l)).sum(),
            g => g.unsigned_area(),
        };
        vec![(z, whole)]
    }

    fn exact_pieces(&self, g: &Geometry<f64>) -> Vec<(usize, f64)> {
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
        let (Some(r), Some(at)) = (mls.bounding_rect(), mls.coords_iter().next()) else { return Vec::new() };
        let whole = || mls.iter().map(|l| Euclidean.length(l)).sum::<f64>();
        self.relations(r, at)
            .into_iter()
            .filter_map(|(z, rel)| {
                let len = match rel {
                    Relation::Inside => whole(),
                    _ if self.boundaries[z].holds_clear(mls) => whole(),
                    _ => {
                        // Clipped against the zone cut to the line's box; no clipping when inside after all.
                        let zone = boundary::cut(&self.polygons[z], r);
                        if zone.contains(mls) {
                            whole()
                        } else {
                            zone.clip(mls, false).iter().map(|l| Euclidean.length(l)).sum()
                        }
                    }
                };
                (len > 0.0).then_some((z, len))
            })
            .collect()
    }

    fn area_pieces(&self, mp: &MultiPolygon<f64>) -> Vec<(usize, f64)> {
        let (Some(r), Some(at)) = (mp.bounding_rect(), mp.coords_iter().next()) else { return Vec::new() };
        self.relations(r, at)
            .into_iter()
            .filter_map(|(z, rel)| {
                let a = match rel {
                    Relation::Inside => mp.unsigned_area(),
                    _ => boundary::cut(&self.polygons[z], r).intersection(mp).unsigned_area(),
                };
                (a > 0.0).then_some((z, a))
            })
            .collect()
    }
}

/// The outline of zones (the district of its 街镇, a 区 of its own): unions
/// taken pairwise, a balanced tree of them. Not `geo::unary_union`, which on
/// the demo's 10 街镇 (55.8 km²) returned one polygon of 41.6 km², leaving a
/// quarter of the district's objects out of its totals.
pub fn outline<'a>(zones: impl Iterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let mut level: Vec<MultiPolygon<f64>> = zones.cloned().collect();
    while level.len() > 1 {
        level = level.chunks(2).map(|pair| if pair.len() == 2 { pair[0].union(&pair[1]) } else { pair[0].clone() }).collect();
    }
    level.pop().unwrap_or_else(|| MultiPolygon(Vec::new()))
}

/// How many of a zone's worst objects a zone result keeps (its drivers).
pub const TOP: usize = 3;

/// One domain's result in one zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneResult {
    pub score: f64,
    pub level: Level,
    /// What the domain has in the zone: objects (points), metres (lines) or m² (polygons).
    pub amount: f64,
    /// Objects touching the zone.
    pub objects: usize,
    /// Objects touching the zone per level, 重大 first (`Level::index`).
    pub counts: [u32; 4],
    /// Per level, Σ exposure × share of the zone's objects at that level:
    /// the sums the exposure methods of `region` weigh. An object's exposure
    /// is its `weight_by` value over the domain's mean (1 without one); its
    /// share is the part of it in the zone (1 for a point, the fraction of
    /// its metres or square metres).
    pub exposure: [f64; 4],
    /// The zone's worst objects (rows of the domain's objects): most severe
    /// level first, then the larger exposure × share, then the lower row.
    pub top: Top,
}

/// Up to [`TOP`] object rows, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Top {
    rows: [u32; TOP],
    len: u8,
}

impl Top {
    pub fn rows(&self) -> &[u32] {
        &self.rows[..self.len as usize]
    }
}

/// The worst objects of a zone while it is tallied: (level, exposure ×
/// share, row), kept sorted worst first.
#[derive(Clone, Copy, Default)]
struct Worst {
    kept: [(u8, f64, u32); TOP],
    len: usize,
}

impl Worst {
    fn offer(&mut self, level: Level, e: f64, row: u32) {
        // Worse: a more severe level (a lower number), then more exposure;
        // rows arrive in order, so among equals the earlier row stays first.
        let key = (level as u8, e, row);
        let before = |a: &(u8, f64, u32), b: &(u8, f64, u32)| a.0 < b.0 || (a.0 == b.0 && a.1 > b.1);
        let at = self.kept[..self.len].iter().position(|k| before(&key, k)).unwrap_or(self.len);
        if at >= TOP {
            return;
        }
        let end = self.len.min(TOP - 1);
        self.kept.copy_within(at..end, at + 1);
        self.kept[at] = key;
        self.len = (self.len + 1).min(TOP);
    }

    fn top(&self) -> Top {
        let mut rows = [0; TOP];
        for (r, k) in rows.iter_mut().zip(&self.kept[..self.len]) {
            *r = k.2;
        }
        Top { rows, len: self.len as u8 }
    }
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

/// One zone's running totals while a domain's objects are placed in it:
/// Σ amount, Σ weight·score and Σ weight (weight = amount, × the object's
/// weight for weighted_mean), max score, worst level, object count, and the
/// tallies the regional methods read.
#[derive(Clone, Copy)]
struct Acc {
    amount: f64,
    w: f64,
    ws: f64,
    max: f64,
    worst: Level,
    n: usize,
    counts: [u32; 4],
    exposure: [f64; 4],
    worst_rows: Worst,
}

impl Acc {
    fn empty() -> Acc {
        Acc { amount: 0.0, w: 0.0, ws: 0.0, max: f64::MIN, worst: Level::Low, n: 0, counts: [0; 4], exposure: [0.0; 4], worst_rows: Worst::default() }
    }

    /// Object `i` (of `level`, with `score`) with `amount` of itself in the
    /// zone, weighing `weight` in the mean and `exposure` in the tallies.
    fn add(&mut self, i: usize, amount: f64, weight: f64, score: f64, level: Level, exposure: f64) {
        self.amount += amount;
        self.w += weight;
        self.ws += weight * score;
        self.max = self.max.max(score);
        self.worst = self.worst.worst(level);
        self.n += 1;
        self.counts[level.index()] += 1;
        self.exposure[level.index()] += exposure;
        self.worst_rows.offer(level, exposure, i as u32);
    }

    /// The zone's result by `method`; `None` for `density` in a zone without the line layer.
    fn result(self, method: AggMethod, thresholds: &Thresholds, density: Option<(f64, &Thresholds)>) -> Option<ZoneResult> {
        let tally = |score: f64, level: Level| ZoneResult {
            score,
            level,
            amount: self.amount,
            objects: self.n,
            counts: self.counts,
            exposure: self.exposure,
            top: self.worst_rows.top(),
        };
        Some(match method {
            AggMethod::Max => tally(self.max, self.worst),
            AggMethod::Mean | AggMethod::WeightedMean => {
                let s = if self.w > 0.0 { self.ws / self.w } else { 0.0 };
                tally(s, thresholds.level(s))
            }
            AggMethod::Density => {
                let (metres, bands) = density.expect("density aggregation needs its line lengths");
                if metres <= 0.0 {
                    return None;
                }
                let per_km = self.n as f64 / (metres / 1000.0);
                tally(per_km, bands.level(per_km))
            }
        })
    }
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
    let mean_weight = if scores.weight.is_empty() { 1.0 } else { scores.weight.iter().sum::<f64>() / scores.weight.len() as f64 };
    let relative = |i: usize| if mean_weight > 0.0 { scores.weight[i] / mean_weight } else { 1.0 };
    let mut acc: Vec<Option<Acc>> = vec![None; zones.len()];
    for (i, g) in geoms.iter().enumerate() {
        let pieces = zones.pieces(g);
        let whole: f64 = pieces.iter().map(|p| p.1).sum();
        for (z, w) in pieces {
            let weight = if method == AggMethod::WeightedMean { w * scores.weight[i] } else { w };
            acc[z].get_or_insert_with(Acc::empty).add(i, w, weight, scores.score[i], scores.level[i], relative(i) * w / whole);
        }
    }
    acc.into_iter().enumerate().map(|(z, a)| a?.result(method, thresholds, density.map(|(m, b)| (m[z], b)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;
    use geo_types::{line_string, point, polygon};

    fn square(x0: f64, y0: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![(x: x0, y: y0), (x: x0 + s, y: y0), (x: x0 + s, y: y0 + s), (x: x0, y: y0 + s)]])
    }

    #[test]
    fn an_outline_covers_its_zones() {
        // Four squares in a 2 × 2 block and one apart: 5 × 100² m², as the zones cover.
        let zones = [square(0.0, 0.0, 100.0), square(100.0, 0.0, 100.0), square(0.0, 100.0, 100.0), square(100.0, 100.0, 100.0), square(500.0, 0.0, 100.0)];
        let o = outline(zones.iter());
        assert!((o.unsigned_area() - 50_000.0).abs() < 1e-6, "{}", o.unsigned_area());
        assert_eq!(o.0.len(), 2);
        assert!(outline(std::iter::empty()).0.is_empty());
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

    /// A comb of 40 teeth with a hole in its spine: ~170 edges, concave everywhere.
    fn comb() -> MultiPolygon<f64> {
        let mut ring = vec![(0.0, 0.0), (2000.0, 0.0), (2000.0, 500.0)];
        for t in (0..40).rev() {
            let x = t as f64 * 50.0;
            ring.extend([(x + 40.0, 500.0), (x + 40.0, 1000.0), (x + 10.0, 1000.0), (x + 10.0, 500.0)]);
        }
        ring.push((0.0, 500.0));
        let hole = vec![(300.0, 100.0), (300.0, 400.0), (900.0, 400.0), (900.0, 100.0)];
        let close = |mut v: Vec<(f64, f64)>| {
            v.push(v[0]);
            geo_types::LineString::from(v)
        };
        MultiPolygon(vec![geo_types::Polygon::new(close(ring), vec![close(hole)])])
    }

    #[test]
    fn a_complex_zone_gives_what_clipping_the_whole_zone_gives() {
        let zone = comb();
        let zones = Zones::new(vec![zone.clone()]);
        let mut seed = 7u64;
        let mut next = |span: f64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 * span
        };
        let boundary = boundary::Boundary::new(&zone);
        let (mut crossing, mut clear) = (0, 0);
        for _ in 0..300 {
            let (x, y, w, h) = (next(2100.0) - 50.0, next(1100.0) - 50.0, 5.0 + next(300.0), 5.0 + next(300.0));
            let line: Geometry<f64> = line_string![(x: x, y: y), (x: x + w, y: y + h / 3.0), (x: x + w / 2.0, y: y + h)].into();
            let square = geo_types::Rect::new((x, y), (x + w, y + h)).to_polygon();
            let lines = match &line {
                Geometry::LineString(ls) => MultiLineString(vec![ls.clone()]),
                _ => unreachable!(),
            };
            let direct_len: f64 = zone.clip(&lines, false).iter().map(|l| Euclidean.length(l)).sum();
            // Clear of the boundary and inside means what `contains` means.
            if boundary.holds_clear(&lines) {
                assert!(zone.contains(&lines), "line at {x},{y} held clear but not contained");
                clear += 1;
            }
            // BooleanOps snap to a grid scaled to the inputs' extent, so clipping
            // against the whole zone is itself off by up to ~1e-5 m² here.
            let direct_area = zone.intersection(&square).unsigned_area();
            let got = |g: &Geometry<f64>| zones.pieces(g).first().map_or(0.0, |p| p.1);
            assert!((got(&line) - direct_len).abs() < 1e-6 * direct_len.max(1.0), "line at {x},{y}: {} vs {direct_len}", got(&line));
            assert!(
                (got(&square.clone().into()) - direct_area).abs() < 1e-4 + 1e-6 * direct_area,
                "square at {x},{y} {w}x{h}: {} vs {direct_area}",
                got(&square.clone().into())
            );
            let p = point!(x: x, y: y);
            assert_eq!(zones.locate(p).is_some(), zone.intersects(&p), "point {x},{y}");
            crossing += usize::from(direct_area > 0.0 && direct_area < square.unsigned_area() - 1e-6);
        }
        // Points on the boundary count as inside, as before.
        assert_eq!(zones.locate(point!(x: 2000.0, y: 200.0)), Some(0));
        assert_eq!(zones.locate(point!(x: 300.0, y: 250.0)), Some(0));
        assert_eq!(zones.locate(point!(x: 301.0, y: 250.0)), None);
        assert!(crossing > 100, "only {crossing} squares crossed the boundary");
        assert!(clear > 10, "only {clear} lines held clear");
        // A line along an edge, inside the zone: touching is not clear.
        assert!(!boundary.holds_clear(&MultiLineString(vec![line_string![(x: 0.0, y: 100.0), (x: 0.0, y: 200.0)]])));
    }

    /// The banded point-in-zone test and the near-edges distance answer as
    /// geo does over the whole zone: inside, on an edge or vertex, in the
    /// hole, outside; and how far outside.
    #[test]
    fn a_complex_zone_places_points_as_geo_does() {
        use geo::{Contains, Distance, Euclidean};
        let zone = comb(); // 165 edges: banded
        let b = boundary::Boundary::new(&zone);
        let mut points: Vec<Point<f64>> = Vec::new();
        // A lattice through the teeth, the gaps, the hole and around, on edges and vertices too.
        for i in -4..=84 {
            for j in -4..=44 {
                points.push(Point::new(i as f64 * 25.0, j as f64 * 25.0));
            }
        }
        points.extend([Point::new(10.0, 750.0), Point::new(40.0, 1000.0), Point::new(300.0, 250.0), Point::new(2000.0, 0.0), Point::new(25.0, 500.0)]);
        let (mut inside, mut on, mut near) = (0, 0, 0);
        for p in points {
            let held = zone.intersects(&p);
            assert_eq!(b.holds(p.0), held, "{p:?}");
            inside += usize::from(zone.contains(&p));
            on += usize::from(held && !zone.contains(&p));
            if !held {
                let d = Euclidean.distance(&zone, &p);
                let got = b.distance_within(p, 60.0);
                assert_eq!(got, (d <= 60.0).then_some(d), "{p:?}");
                near += usize::from(got.is_some());
            }
        }
        assert!(inside > 500 && on > 50 && near > 100, "inside {inside}, on {on}, near {near}");
    }

    #[test]
    fn a_zone_cut_to_a_box_keeps_its_area_without_spikes() {
        use geo::Winding;
        // A U whose arms the box cuts: the cut runs along the box's lower
        // edge between the arms and back, a spike of no area.
        let u = MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 30.0), (x: 20.0, y: 30.0),
            (x: 20.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0),
        ]]);
        let r = geo_types::Rect::new((-5.0, 20.0), (35.0, 40.0));
        let cut = boundary::cut(&u, r);
        // The cut box is grown by its margin (1.6 m here): the arms from y = 18.4.
        assert!((cut.unsigned_area() - 2.0 * 10.0 * 11.6).abs() < 1e-9, "{}", cut.unsigned_area());
        for ring in cut.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())) {
            assert!(ring.winding_order().is_some(), "{ring:?}");
            let pts = &ring.0[..ring.0.len() - 1];
            for i in 0..pts.len() {
                let (a, b, c) = (pts[(i + pts.len() - 1) % pts.len()], pts[i], pts[(i + 1) % pts.len()]);
                assert_ne!((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x), 0.0, "{b:?} in line with its neighbours in {ring:?}");
            }
        }
        // A zone only touching the box's margin along an edge leaves nothing.
        let beside = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 18.4), (x: 0.0, y: 18.4)]]);
        assert!(boundary::cut(&beside, r).0.is_empty());
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
    fn zones_tally_levels_exposure_shares_and_worst_objects() {
        let zones = Zones::new(vec![square(0.0, 0.0, 100.0), square(100.0, 0.0, 100.0)]);
        let geoms: Vec<Geometry<f64>> = vec![
            point!(x: 10.0, y: 10.0).into(),                              // blue, weight 1
            line_string![(x: 50.0, y: 50.0), (x: 150.0, y: 50.0)].into(), // red, weight 4: half in each zone
            point!(x: 20.0, y: 20.0).into(),                              // blue, weight 3
            point!(x: 30.0, y: 30.0).into(),                              // yellow, weight 0
        ];
        let n = geoms.len();
        let scores = DomainScores {
            values: vec![],
            scores: vec![],
            inherent: vec![0.0; n],
            control_factor: vec![1.0; n],
            score: vec![10.0, 90.0, 10.0, 40.0],
            level: vec![Level::Low, Level::Major, Level::Low, Level::General],
            veto: vec![None; n],
            weight: vec![1.0, 4.0, 3.0, 0.0],
            rewrites: Default::default(),
        };
        let r = aggregate(&geoms, &scores, AggMethod::Max, &Thresholds::new(75.0, 55.0, 35.0), &zones, None);
        let (a, b) = (r[0].unwrap(), r[1].unwrap());
        // Mean weight 2: relative exposures 0.5, 2, 1.5, 0; the line has half of itself in each zone.
        assert_eq!(a.counts, [1, 0, 1, 2]);
        assert_eq!(a.exposure, [1.0, 0.0, 0.0, 2.0]);
        assert_eq!(b.counts, [1, 0, 0, 0]);
        assert_eq!(b.exposure, [1.0, 0.0, 0.0, 0.0]);
        // Worst first: the red line, the yellow point, then of the blue ones the more exposed (row 2).
        assert_eq!(a.top.rows(), &[1, 3, 2]);
        assert_eq!(b.top.rows(), &[1]);
    }
}
