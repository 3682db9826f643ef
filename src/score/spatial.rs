//! Spatial relations between scored objects and another layer, over an
//! R-tree of feature envelopes. All distances are in working-CRS metres.

use geo::{BoundingRect, Distance, Euclidean};
use geo_types::{Geometry, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree over bounding boxes, by index: the one spatial index of sise,
/// behind radius and nearest searches here and zone lookups in `aggregate`.
pub struct EnvelopeIndex {
    tree: RTree<Entry>,
}

impl EnvelopeIndex {
    /// Index the boxes; an item without one (an empty geometry) is never found.
    pub fn new(boxes: impl IntoIterator<Item = Option<Rect<f64>>>) -> EnvelopeIndex {
        let entries: Vec<Entry> = boxes
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| r.map(|r| GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i)))
            .collect();
        EnvelopeIndex { tree: RTree::bulk_load(entries) }
    }

    /// Items whose box meets `r` grown by `grow`, in index order (the tree's
    /// traversal order is not part of its contract; sums must be reproducible).
    pub fn meeting(&self, r: Rect<f64>, grow: f64) -> Vec<usize> {
        let mut hits: Vec<usize> = self.tree.locate_in_envelope_intersecting(&aabb(r, grow)).map(|e| e.data).collect();
        hits.sort_unstable();
        hits
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The diagonal of all boxes together (at least 1).
    fn extent(&self) -> f64 {
        let env = self.tree.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        ((hi[0] - lo[0]).hypot(hi[1] - lo[1])).max(1.0)
    }
}

/// An index over one layer's geometries, answering "what is near this object".
pub struct SpatialIndex<'a> {
    geoms: &'a [Geometry<f64>],
    index: EnvelopeIndex,
    /// Diagonal of the whole layer's extent plus slack: no nearest search needs to go further.
    reach: f64,
}

fn rect(g: &Geometry<f64>) -> Option<Rect<f64>> {
    g.bounding_rect()
}

fn aabb(r: Rect<f64>, by: f64) -> AABB<[f64; 2]> {
    let r = grow(r, by);
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

/// `r` grown by `by` on every side.
pub fn grow(r: Rect<f64>, by: f64) -> Rect<f64> {
    Rect::new((r.min().x - by, r.min().y - by), (r.max().x + by, r.max().y + by))
}

impl<'a> SpatialIndex<'a> {
    pub fn new(geoms: &'a [Geometry<f64>]) -> SpatialIndex<'a> {
        let index = EnvelopeIndex::new(geoms.iter().map(rect));
        let reach = index.extent();
        SpatialIndex { geoms, index, reach }
    }

    /// Indices of the features within `radius` metres of `g` (distance between
    /// the geometries, so a line counts what lies along its whole length).
    pub fn within(&self, g: &Geometry<f64>, radius: f64) -> Vec<usize> {
        let Some(r) = rect(g) else { return Vec::new() };
        self.index.meeting(r, radius).into_iter().filter(|&i| Euclidean.distance(g, &self.geoms[i]) <= radius).collect()
    }

    /// Metres from `g` to the nearest feature, or `limit` when none is nearer
    /// (the search goes no farther); `None` for an empty layer.
    pub fn nearest_distance(&self, g: &Geometry<f64>, limit: f64) -> Option<f64> {
        let r = rect(g)?;
        if self.index.is_empty() {
            return None;
        }
        // Grow a search box until it holds a feature within its own margin: any
        // feature nearer than the margin must intersect the box, so the minimum
        // found then is the true minimum.
        let mut margin = 100.0f64.min(limit);
        loop {
            let best = self.index.meeting(r, margin).into_iter().map(|i| Euclidean.distance(g, &self.geoms[i])).fold(f64::INFINITY, f64::min);
            if best <= margin {
                return Some(best);
            }
            if margin >= limit {
                return Some(limit);
            }
            if margin > self.reach * 4.0 + 1e7 {
                return Some(best).filter(|b| b.is_finite());
            }
            margin = (margin * 4.0).min(limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, point};

    #[test]
    fn within_and_nearest_use_true_distances() {
        let geoms: Vec<Geometry<f64>> = vec![
            point!(x: 0.0, y: 0.0).into(),
            point!(x: 300.0, y: 400.0).into(), // 500 m from the origin
            point!(x: 5000.0, y: 0.0).into(),
        ];
        let idx = SpatialIndex::new(&geoms);
        let origin: Geometry<f64> = point!(x: 0.0, y: 0.0).into();
        assert_eq!(idx.within(&origin, 499.0), vec![0]);
        assert_eq!(idx.within(&origin, 500.0), vec![0, 1]);
        let far: Geometry<f64> = point!(x: 4000.0, y: 0.0).into();
        assert_eq!(idx.nearest_distance(&far, f64::INFINITY), Some(1000.0));
        // A search limited to 600 m stops there; one of 1000 m finds the point on its edge.
        assert_eq!(idx.nearest_distance(&far, 600.0), Some(600.0));
        assert_eq!(idx.nearest_distance(&far, 1000.0), Some(1000.0));
        // A line passing 100 m from the third point.
        let line: Geometry<f64> = line_string![(x: 4900.0, y: -1000.0), (x: 4900.0, y: 1000.0)].into();
        assert_eq!(idx.within(&line, 100.0), vec![2]);
        assert!((idx.nearest_distance(&line, f64::INFINITY).unwrap() - 100.0).abs() < 1e-9);
    }
}
