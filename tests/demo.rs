//! The bundled demo district: the generator is deterministic and the
//! committed layers are its output; `sise run` on it gives every feature a level.

use crate::common::*;

#[test]
fn generator_is_deterministic_and_matches_the_committed_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let streets = repo().join("layers/demo/putuo_streets.geojson");
    for run in ["a", "b"] {
        let o = sise(&["demo-data", "--streets", streets.to_str().unwrap(), "--out", tmp.path().join(run).to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // Text formats compare byte for byte (Shapefile and GeoPackage headers carry dates).
    for f in ["chemical_enterprises.csv", "residential.geojson", "pumping_stations.geojson"] {
        let a = std::fs::read(tmp.path().join("a").join(f)).unwrap();
        assert_eq!(a, std::fs::read(tmp.path().join("b").join(f)).unwrap(), "{f} differs between runs");
        assert_eq!(a, std::fs::read(repo().join("layers/demo").join(f)).unwrap(), "{f}: layers/demo is stale; rerun `sise demo-data`");
    }
    let raster = |p: std::path::PathBuf| {
        let ds = gdal::Dataset::open(p).unwrap();
        ds.rasterband(1).unwrap().read_band_as::<f32>().unwrap().data().to_vec()
    };
    assert_eq!(raster(tmp.path().join("a/inundation_50y.tif")), raster(repo().join("layers/demo/inundation_50y.tif")));
}

#[test]
fn demo_run_writes_every_layer_with_levels() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let cfg = repo().join("layers/demo/assessment.toml");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    // ogrinfo (GDAL's own tool) lists the layers.
    let info = std::process::Command::new("ogrinfo").args(["-ro", "-q"]).arg(out.join("sise.gpkg")).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    for layer in ["D01_hazardous_chemicals", "D02_urban_gas", "D16_flood_typhoon", "grid", "streets"] {
        assert!(info.contains(layer), "{layer} missing from ogrinfo:\n{info}");
    }
    let gpkg = out.join("sise.gpkg");
    for (layer, n) in [("D01_hazardous_chemicals", 48), ("D02_urban_gas", 670), ("D16_flood_typhoon", 700), ("streets", 10)] {
        let rows = read_layer(&gpkg, layer);
        assert_eq!(rows.len(), n, "{layer}");
        let mut seen = std::collections::BTreeSet::new();
        for r in &rows {
            let l = r["level"].as_deref().unwrap_or_else(|| panic!("{layer}: feature without level"));
            assert!(["1", "2", "3", "4"].contains(&l), "{layer}: level {l}");
            seen.insert(l.to_owned());
        }
        if layer != "streets" {
            assert!(seen.len() >= 3, "{layer}: levels seen {seen:?}");
        }
    }
    let grid = read_layer(&gpkg, "grid");
    assert!(grid.len() > 800, "Putuo is ~56 km², ~900 cells of 250 m; got {}", grid.len());
    assert!(grid.iter().all(|r| matches!(r["level"].as_deref(), Some("1" | "2" | "3" | "4"))));
    // Every 街镇 of 普陀区 appears with a comprehensive level.
    let streets = read_layer(&gpkg, "streets");
    assert!(streets.iter().any(|r| r["street_name"].as_deref() == Some("桃浦镇")));
}
