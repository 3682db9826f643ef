//! The vulnerability of a zone's protection system (防控体系脆弱性) from its
//! emergency capacity (应急能力), for the `capacity` regional method: each
//! factor turns the distance from where people live to the nearest facility
//! (fire station, shelter) into a multiplier, and a zone's vulnerability is
//! Σ weight × factor averaged over its residents (population-weighted). A
//! zone where nobody lives is judged from its centre.

use geo::Centroid;
use geo_types::{Geometry, Point};
use rayon::prelude::*;

use crate::config::CapacityFactor;
use crate::score::spatial::SpatialIndex;

use super::Zones;

/// The facilities of each factor, and where people live with how many.
pub struct Capacity<'a> {
    pub factors: Vec<(&'a CapacityFactor, &'a [Geometry<f64>])>,
    /// Residents' places (their centroids are used) and their population.
    pub people: (&'a [Geometry<f64>], &'a [f64]),
}

impl Capacity<'_> {
    /// Σ weight × factor of the distance to each factor's nearest facility, at one place.
    fn at(&self, indexes: &[SpatialIndex], p: Point<f64>) -> f64 {
        let g = Geometry::Point(p);
        self.factors.iter().zip(indexes).map(|((f, _), index)| f.weight * f.factor(index.nearest_distance(&g, f64::INFINITY).unwrap_or(f64::INFINITY))).sum()
    }

    /// Per residents' place, its centroid and its vulnerability (the same for every zone set).
    pub fn of_people(&self) -> Vec<Option<(Point<f64>, f64)>> {
        let indexes: Vec<SpatialIndex> = self.factors.iter().map(|(_, g)| SpatialIndex::new(g)).collect();
        self.people.0.par_iter().map(|g| g.centroid().map(|c| (c, self.at(&indexes, c)))).collect()
    }

    /// Each zone's vulnerability: its residents' mean, weighted by population;
    /// from the zone's centre where nobody lives.
    pub fn vulnerability(&self, people: &[Option<(Point<f64>, f64)>], zones: &Zones) -> Vec<f64> {
        let (mut pop, mut sum) = (vec![0.0; zones.len()], vec![0.0; zones.len()]);
        for (place, n) in people.iter().zip(self.people.1) {
            if let Some((c, v)) = place {
                if let Some(z) = zones.locate(*c) {
                    pop[z] += n;
                    sum[z] += n * v;
                }
            }
        }
        let indexes: Vec<SpatialIndex> = self.factors.iter().map(|(_, g)| SpatialIndex::new(g)).collect();
        (0..zones.len())
            .map(|z| match pop[z] > 0.0 {
                true => sum[z] / pop[z],
                false => zones.polygons[z].centroid().map_or(1.0, |c| self.at(&indexes, c)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn residents_weigh_the_distance_to_the_nearest_facility() {
        let fire =
            CapacityFactor {
                key: "fire".into(), name: "消防站".into(), layer: "f".into(), steps: vec![(0.0, 0.9), (1500.0, 1.0), (3000.0, 1.3)], weight: 0.6
            };
        let shelter =
            CapacityFactor { key: "shelter".into(), name: "避难场所".into(), layer: "s".into(), steps: vec![(0.0, 0.9), (500.0, 1.2)], weight: 0.4 };
        let stations = vec![Geometry::Point(Point::new(0.0, 0.0))];
        let shelters = vec![Geometry::Point(Point::new(0.0, 100.0))];
        // Two 4 km squares side by side; residents at 1 km (100 people) and 3.5 km (300 people) from the station in the first, nobody in the second.
        let square = |x0: f64| {
            geo_types::MultiPolygon(vec![polygon![(x: x0, y: -2000.0), (x: x0 + 4000.0, y: -2000.0), (x: x0 + 4000.0, y: 2000.0), (x: x0, y: 2000.0)]])
        };
        let zones = Zones::new(vec![square(0.0), square(4000.0)]);
        let homes = vec![Geometry::Point(Point::new(1000.0, 0.0)), Geometry::Point(Point::new(3500.0, 100.0))];
        let people = [100.0, 300.0];
        let c = Capacity { factors: vec![(&fire, &stations), (&shelter, &shelters)], people: (&homes, &people) };
        let v = c.vulnerability(&c.of_people(), &zones);
        // At 1 km: fire 0.9, shelter (1005 m) 1.2 → 0.6·0.9 + 0.4·1.2 = 1.02.
        // At 3.5 km: fire 1.3, shelter 1.2 → 0.78 + 0.48 = 1.26. Weighted: (100·1.02 + 300·1.26) / 400 = 1.2.
        assert!((v[0] - 1.2).abs() < 1e-12, "{v:?}");
        // The empty square is judged from its centre (6 km away): 1.26.
        assert!((v[1] - 1.26).abs() < 1e-12, "{v:?}");
    }
}
