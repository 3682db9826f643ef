//! Hazard-census layers: the inundation raster and geohazard zones.

use super::*;

/// 50-year rainstorm inundation depth (m), as the hazard census delivers it:
/// a GeoTIFF in the working CRS (20 m cells for the demo, `Density::raster_m`),
/// with low-lying bowls of water.
pub(super) fn inundation(d: &mut Demo, out: &Path) -> Result<()> {
    let res = d.density.raster_m;
    let b = d.bounds;
    let (x0, y1) = ((b.min().x / res).floor() * res - 500.0, (b.max().y / res).ceil() * res + 500.0);
    let w = ((b.max().x - x0 + 500.0) / res).ceil() as usize;
    let h = ((y1 - b.min().y + 500.0) / res).ceil() as usize;
    // Bowls: centre, depth at the centre (m), radius (m). Older areas have more of them.
    let mut bowls = Vec::new();
    for _ in 0..d.facilities(22) {
        let c = d.point_in_street(None);
        let depth = if d.is_old(c) { d.rng.gen_range(0.3..1.2) } else { d.rng.gen_range(0.1..0.7) };
        bowls.push((c, depth, d.rng.gen_range(150.0..550.0)));
    }
    // Each bowl only reaches 6 σ (beyond, it adds < 1e-7 m): sum bowl by bowl over its window.
    let mut sum = vec![0f64; w * h];
    for (c, a, s) in &bowls {
        let reach = 6.0 * s;
        let cols = (((c.x() - reach - x0) / res).floor().max(0.0) as usize)..(((c.x() + reach - x0) / res).ceil().max(0.0) as usize).min(w);
        let rows = (((y1 - c.y() - reach) / res).floor().max(0.0) as usize)..(((y1 - c.y() + reach) / res).ceil().max(0.0) as usize).min(h);
        for row in rows {
            let y = y1 - (row as f64 + 0.5) * res;
            for col in cols.clone() {
                let x = x0 + (col as f64 + 0.5) * res;
                sum[row * w + col] += a * (-((x - c.x()).powi(2) + (y - c.y()).powi(2)) / (2.0 * s * s)).exp();
            }
        }
    }
    let data: Vec<f32> = sum.into_iter().map(|v| (((v - 0.05).max(0.0) * 100.0).round() / 100.0) as f32).collect();
    let path = fresh(&out.join("inundation_50y.tif"))?.to_owned();
    let err = |e: gdal::errors::GdalError| Error::output(&path, e);
    let driver = DriverManager::get_driver_by_name("GTiff").map_err(err)?;
    let mut opts = RasterCreationOptions::new();
    for o in ["COMPRESS=DEFLATE", "PREDICTOR=3", "TILED=YES"] {
        opts.add_string(o).map_err(err)?;
    }
    let mut ds = driver.create_with_band_type_with_options::<f32, _>(&path, w, h, 1, &opts).map_err(err)?;
    ds.set_geo_transform(&[x0, res, 0.0, y1, 0.0, -res]).map_err(err)?;
    ds.set_spatial_ref(&SpatialRef::from_definition(WORKING_CRS).map_err(err)?).map_err(err)?;
    {
        let mut band = ds.rasterband(1).map_err(err)?;
        band.set_no_data_value(Some(-9999.0)).map_err(err)?;
        band.write((0, 0), (w, h), &mut Buffer::new((w, h), data)).map_err(err)?;
    }
    ds.close().map_err(err)
}

/// 地质灾害与林地火险 (D17): census hazard zones — subsidence, buried fault
/// influence belts, and green-land fire risk patches.
pub(super) fn geohazard_zones(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(30) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[("地面沉降", 0.45), ("隐伏断层影响带", 0.2), ("林地火险区", 0.35)]);
        let (w, h) = match kind {
            "隐伏断层影响带" => (d.rng.gen_range(1500.0..3500.0), d.rng.gen_range(150.0..300.0)),
            "林地火险区" => (d.rng.gen_range(150.0..600.0), d.rng.gen_range(120.0..400.0)),
            _ => (d.rng.gen_range(400.0..1400.0), d.rng.gen_range(300.0..1000.0f64)),
        };
        geoms.push(rect_at(p, w, h, d.rng.gen_range(-0.8..0.8)));
        let (level, rank) = *d.pick(&[(("高", 4), 0.15), (("较高", 3), 0.25), (("中", 2), 0.35), (("低", 1), 0.25)]);
        rows.push(vec![("id", Val::T(format!("GH{:02}", i + 1))), ("kind", t(kind)), ("hazard_level", t(level)), ("hazard_rank", Val::I(rank))]);
    }
    write_gpkg_layer(out, "geohazard_zones", GeomKind::Polygon, geoms, rows)
}
