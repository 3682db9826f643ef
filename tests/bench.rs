//! The benchmark path at scale 0.01 (bench/run.sh runs 0.1 and 1): the
//! city generator is deterministic and makes a district of the intended
//! size, and `sise run` scores all 17 domains on it.

use crate::common::*;
use gdal::vector::LayerAccess;
use gdal::Dataset;
use std::path::Path;

fn feature_count(path: &Path) -> u64 {
    let ds = Dataset::open(path).unwrap();
    ds.layers().map(|l| l.feature_count()).sum()
}

/// Kilometres of line in a GeoPackage layer file, through GDAL's own geometry code.
fn km(path: &Path) -> f64 {
    let ds = Dataset::open(path).unwrap();
    let mut layer = ds.layer(0).unwrap();
    layer.features().map(|f| f.geometry().unwrap().length()).sum::<f64>() / 1000.0
}

#[test]
fn city_district_at_scale_0_01_is_generated_and_scored() {
    let tmp = tempfile::tempdir().unwrap();
    let models = repo().join("assessment-models");
    for run in ["a", "b"] {
        let out = tmp.path().join(run);
        let o = sise(&["bench-data", "--scale", "0.01", "--models", models.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let a = tmp.path().join("a");
    for f in ["residential.geojson", "special_equipment.csv", "chemical_enterprises.csv", "streets.geojson", "assessment.toml"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(tmp.path().join("b").join(f)).unwrap(), "{f} differs between runs");
    }

    // Scale 1 is ~1 million features, ~20,000 km of pipes and roads over 1,200 km²; 0.01 is a hundredth.
    let vectors: u64 = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("geojson" | "gpkg" | "csv" | "shp")))
        .filter(|p| !p.ends_with("streets.geojson") && !p.ends_with("metro_lines.geojson"))
        .map(|p| feature_count(&p))
        .sum();
    assert!((8_000..12_000).contains(&vectors), "{vectors} features");
    let network: f64 = ["gas_pipelines.gpkg", "roads.gpkg", "water_mains.gpkg"].iter().map(|f| km(&a.join(f))).sum();
    assert!((160.0..240.0).contains(&network), "{network} km of pipes and roads");
    assert_eq!(feature_count(&a.join("streets.geojson")), 4);
    let raster = Dataset::open(a.join("inundation_50y.tif")).unwrap();
    let gt = raster.geo_transform().unwrap();
    assert_eq!((gt[1], gt[5]), (10.0, -10.0), "inundation raster at 10 m");
    // The district is 12 km², the raster covers it with a 500 m margin.
    let (w, h) = raster.raster_size();
    assert!((w * h) as f64 * 100.0 > 12e6 && ((w * h) as f64) * 100.0 < 30e6, "{w} × {h} cells");

    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", a.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let objects = manifest["counts"]["objects"].as_object().unwrap();
    assert_eq!(objects.len(), 17);
    assert!(objects.values().all(|n| n.as_u64().unwrap() > 0), "{objects:?}");
    assert_eq!(objects["D16"], 3207, "residential blocks scored by D16");
    // Population per block shrinks with density, so flood risk still spreads over the levels.
    let d16 = read_layer(&out.join("sise.gpkg"), "D16_flood_typhoon");
    let levels: std::collections::BTreeSet<_> = d16.iter().map(|r| r["level"].clone().unwrap()).collect();
    assert!(levels.len() >= 3, "D16 levels {levels:?}");
}
