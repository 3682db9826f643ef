//! A zone's boundary prepared once, so that real 街镇 boundaries (thousands
//! of vertices per 街镇) cost about what simple ones do: an object whose box
//! meets no boundary edge is wholly inside or wholly outside (one indexed
//! point-in-polygon test), and only objects that cross an edge are clipped,
//! against the zone cut down to the object's box.

use geo::kernels::RobustKernel;
use geo::{BoundingRect, Distance, Euclidean, Intersects, Kernel, Orientation};
use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon, Rect};
use rstar::primitives::Line as Edge;
use rstar::{RTree, AABB};

use crate::score::spatial::grow;

/// Below this many edges a plain list is faster than a tree (grid cells have 4).
const INDEX_ABOVE: usize = 32;

enum Edges {
    Few(Vec<Edge<[f64; 2]>>),
    /// Also by horizontal band of the box, for point-in-zone tests: a
    /// point's band holds every edge its rightward ray can cross, where an
    /// R-tree query along that ray visits a long strip of nodes (a real
    /// 街镇 has thousands of edges, a city a million points to place).
    Indexed(RTree<Edge<[f64; 2]>>, Bands),
}

/// Where an object's box lies against a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Outside,
    Inside,
    /// The box meets a boundary edge: the object may lie on both sides.
    Crossing,
}

pub struct Boundary {
    bbox: Option<Rect<f64>>,
    edges: Edges,
}

/// Edges (as `[from, to]`) filed under each band of `height` from `y0` that
/// their y-range meets.
struct Bands {
    y0: f64,
    height: f64,
    edges: Vec<Vec<[Coord<f64>; 2]>>,
}

impl Bands {
    fn new(bbox: Option<Rect<f64>>, edges: &[Edge<[f64; 2]>]) -> Bands {
        let (y0, span) = bbox.map_or((0.0, 0.0), |b| (b.min().y, b.height()));
        // About 4 edges a band on an even boundary; at least one band.
        let n = (edges.len() / 4).clamp(1, 4096);
        let height = if span > 0.0 { span / n as f64 } else { 1.0 };
        let mut bands = Bands { y0, height, edges: vec![Vec::new(); n] };
        for e in edges {
            let (a, b) = (to_coord(e.from), to_coord(e.to));
            for k in bands.band(a.y.min(b.y))..=bands.band(a.y.max(b.y)) {
                bands.edges[k].push([a, b]);
            }
        }
        bands
    }

    /// The band holding height `y` (the nearest one off the box).
    fn band(&self, y: f64) -> usize {
        let k = ((y - self.y0) / self.height).floor();
        (k.max(0.0) as usize).min(self.edges.len() - 1)
    }
}

fn aabb(r: Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

fn boxes_meet(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
}

impl Boundary {
    pub fn new(zone: &MultiPolygon<f64>) -> Boundary {
        let rings = zone.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        let edges: Vec<Edge<[f64; 2]>> = rings.flat_map(|r| r.lines()).map(|l| Edge::new([l.start.x, l.start.y], [l.end.x, l.end.y])).collect();
        let bbox = zone.bounding_rect();
        let edges = if edges.len() > INDEX_ABOVE { Edges::Indexed(RTree::bulk_load(edges.clone()), Bands::new(bbox, &edges)) } else { Edges::Few(edges) };
        Boundary { bbox, edges }
    }

    /// Every edge whose box meets `r`, until `f` says stop (returns true).
    fn any_edge(&self, r: Rect<f64>, f: impl FnMut(&Edge<[f64; 2]>) -> bool) -> bool {
        match &self.edges {
            Edges::Few(edges) => edges.iter().filter(|e| boxes_meet(edge_rect(e), r)).any(f),
            Edges::Indexed(tree, _) => tree.locate_in_envelope_intersecting(&aabb(r)).any(f),
        }
    }

    /// Whether `p` lies in the zone or on its boundary (crossing number over
    /// the edges of its band, with exact orientation tests).
    pub fn holds(&self, p: Coord<f64>) -> bool {
        let Some(bbox) = self.bbox else { return false };
        if !boxes_meet(bbox, Rect::new(p, p)) {
            return false;
        }
        // The edges whose y-range holds p's: all of a few, or p's band.
        match &self.edges {
            Edges::Few(edges) => in_or_on(edges.iter().map(|e| [to_coord(e.from), to_coord(e.to)]), p),
            Edges::Indexed(_, bands) => in_or_on(bands.edges[bands.band(p.y)].iter().copied(), p),
        }
    }

    /// The distance from `p` to the boundary if it is at most `limit`: from
    /// a point outside the zone, the distance to the zone. Only the edges
    /// near `p` are measured, where the zone's distance measures them all.
    pub fn distance_within(&self, p: Point<f64>, limit: f64) -> Option<f64> {
        let near = grow(Rect::new(p.0, p.0), limit);
        let mut best: Option<f64> = None;
        self.any_edge(near, |e| {
            let d = Euclidean.distance(&to_line(e), &p);
            best = Some(best.map_or(d, |b: f64| b.min(d)));
            false
        });
        best.filter(|d| *d <= limit)
    }

    /// Whether the lines lie in the zone without meeting its boundary
    /// anywhere, not even touching: then the zone contains them whole. One
    /// indexed test per segment, where `contains` builds a relate graph per
    /// line (most lines whose box crosses a real 街镇 boundary stay clear of
    /// it). `false` says nothing either way.
    pub fn holds_clear(&self, lines: &MultiLineString<f64>) -> bool {
        let touches = lines.iter().flat_map(|l| l.lines()).any(|seg| {
            let r = Rect::new(seg.start, seg.end);
            self.any_edge(r, |e| to_line(e).intersects(&seg))
        });
        !touches && lines.iter().all(|l| l.0.first().is_some_and(|&c| self.holds(c)))
    }

    /// Where an object with box `r` and a vertex `at` lies against the zone.
    pub fn relation(&self, r: Rect<f64>, at: Coord<f64>) -> Relation {
        match self.bbox {
            Some(bbox) if boxes_meet(bbox, r) => {}
            _ => return Relation::Outside,
        }
        if self.any_edge(r, |_| true) {
            Relation::Crossing
        } else if self.holds(at) {
            Relation::Inside
        } else {
            Relation::Outside
        }
    }
}

/// Whether `p` is on one of `edges` or inside them (crossing number of its
/// rightward ray, with exact orientation tests). `edges` holds at least
/// every edge whose y-range holds `p.y`.
fn in_or_on(edges: impl Iterator<Item = [Coord<f64>; 2]>, p: Coord<f64>) -> bool {
    let mut inside = false;
    for [a, b] in edges {
        if boxes_meet(Rect::new(a, b), Rect::new(p, p)) && geo_types::Line::new(a, b).intersects(&Point(p)) {
            return true; // on the boundary
        }
        if (a.y > p.y) != (b.y > p.y) {
            let turn = RobustKernel::orient2d(a, b, p);
            // p left of an upward edge, or right of a downward one: the edge
            // crosses the ray to its right (an edge to its left turns the
            // other way and counts for nothing).
            if (b.y > a.y && turn == Orientation::CounterClockwise) || (b.y < a.y && turn == Orientation::Clockwise) {
                inside = !inside;
            }
        }
    }
    inside
}

fn to_coord(c: [f64; 2]) -> Coord<f64> {
    Coord { x: c[0], y: c[1] }
}

fn to_line(e: &Edge<[f64; 2]>) -> geo_types::Line<f64> {
    geo_types::Line::new(to_coord(e.from), to_coord(e.to))
}

fn edge_rect(e: &Edge<[f64; 2]>) -> Rect<f64> {
    Rect::new(to_coord(e.from), to_coord(e.to))
}

/// The part of `zone` inside `r` grown by a margin (Sutherland–Hodgman, ring by
/// ring). A concave zone may leave zero-width bridges along the grown box's
/// sides; the margin keeps them away from any object inside `r`, so an
/// intersection or clip with such an object equals one with the whole zone.
pub fn cut(zone: &MultiPolygon<f64>, r: Rect<f64>) -> MultiPolygon<f64> {
    let margin = 1.0 + 0.01 * (r.width() + r.height());
    let r = grow(r, margin);
    let polygons = zone.iter().filter_map(|p| {
        let exterior = cut_ring(p.exterior(), r)?;
        Some(Polygon::new(exterior, p.interiors().iter().filter_map(|h| cut_ring(h, r)).collect()))
    });
    MultiPolygon(polygons.collect())
}

/// One ring cut to `r`, without points in line with their neighbours; `None`
/// when less than a triangle is left.
fn cut_ring(ring: &LineString<f64>, r: Rect<f64>) -> Option<LineString<f64>> {
    let mut pts: Vec<Coord<f64>> = ring.0.clone();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // Keep the side of each of the box's four lines that holds the box: (x or y, bound, keep above).
    for (axis_x, bound, above) in [(true, r.min().x, true), (true, r.max().x, false), (false, r.min().y, true), (false, r.max().y, false)] {
        let keeps = |c: &Coord<f64>| {
            let v = if axis_x { c.x } else { c.y };
            if above {
                v >= bound
            } else {
                v <= bound
            }
        };
        let crossing = |a: Coord<f64>, b: Coord<f64>| {
            let (va, vb) = if axis_x { (a.x, b.x) } else { (a.y, b.y) };
            let t = (bound - va) / (vb - va);
            if axis_x {
                Coord { x: bound, y: a.y + t * (b.y - a.y) }
            } else {
                Coord { x: a.x + t * (b.x - a.x), y: bound }
            }
        };
        let input = std::mem::take(&mut pts);
        for (i, &cur) in input.iter().enumerate() {
            let prev = input[(i + input.len() - 1) % input.len()];
            match (keeps(&prev), keeps(&cur)) {
                (true, true) => pts.push(cur),
                (true, false) => pts.push(crossing(prev, cur)),
                (false, true) => {
                    pts.push(crossing(prev, cur));
                    pts.push(cur);
                }
                (false, false) => {}
            }
        }
    }
    // The cut leaves points in line with their neighbours, and spikes that
    // run along the box's edge and back; geo finds no winding order at such
    // a point, and its relate then answers at random. They hold no area: drop them.
    loop {
        pts.dedup();
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        let n = pts.len();
        if n < 3 {
            return None;
        }
        let straight = |i: usize| {
            let (a, b, c) = (pts[(i + n - 1) % n], pts[i], pts[(i + 1) % n]);
            (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) == 0.0
        };
        let keep: Vec<bool> = (0..n).map(|i| !straight(i)).collect();
        if keep.iter().all(|&k| k) {
            break;
        }
        pts = pts.iter().zip(&keep).filter(|(_, &k)| k).map(|(p, _)| *p).collect();
    }
    pts.push(pts[0]);
    Some(LineString(pts))
}
