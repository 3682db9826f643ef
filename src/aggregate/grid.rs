//! The assessment grid: square cells aligned to the working CRS origin, so
//! the same cell has the same id in every run, year and tile.

use geo_types::{Geometry, MultiPolygon, Rect};

use super::Zones;

pub struct Grid {
    pub cells: Zones,
    /// "col_row" of each cell: col = floor(x / size), row = floor(y / size).
    pub ids: Vec<String>,
    /// The 街镇 (index into the 街镇 zones) holding most of each cell.
    pub street: Vec<Option<usize>>,
    pub size: f64,
}

/// Cells of `size` metres covering every 街镇; cells that touch none are left out.
pub fn build(streets: &Zones, size: f64) -> Grid {
    let bounds = streets.bounds();
    let mut polygons = Vec::new();
    let mut ids = Vec::new();
    let mut street = Vec::new();
    if let Some(b) = bounds {
        let (c0, c1) = ((b.min().x / size).floor() as i64, (b.max().x / size).floor() as i64);
        let (r0, r1) = ((b.min().y / size).floor() as i64, (b.max().y / size).floor() as i64);
        for row in r0..=r1 {
            for col in c0..=c1 {
                let (x, y) = (col as f64 * size, row as f64 * size);
                let cell = MultiPolygon(vec![Rect::new((x, y), (x + size, y + size)).to_polygon()]);
                // The 街镇 with the largest share of the cell owns it; cells outside every 街镇 are dropped.
                if let Some(z) = streets.main_zone(&Geometry::MultiPolygon(cell.clone())) {
                    polygons.push(cell);
                    ids.push(format!("{col}_{row}"));
                    street.push(Some(z));
                }
            }
        }
    }
    Grid { cells: Zones::new(polygons), ids, street, size }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn cells_are_aligned_to_the_origin_and_cover_the_units() {
        // A 600 × 300 m unit starting off-grid at (1100, 2050).
        let unit = MultiPolygon(vec![polygon![(x: 1100.0, y: 2050.0), (x: 1700.0, y: 2050.0), (x: 1700.0, y: 2350.0), (x: 1100.0, y: 2350.0)]]);
        let g = build(&Zones::new(vec![unit]), 250.0);
        // Columns 4..=6 (1000–1750 m), rows 8..=9 (2000–2500 m).
        assert_eq!(g.ids.len(), 6);
        assert_eq!(g.ids[0], "4_8");
        assert_eq!(g.ids[5], "6_9");
        assert!(g.street.iter().all(|s| *s == Some(0)));
    }
}
