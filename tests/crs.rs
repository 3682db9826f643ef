//! Reprojection against PROJ's own command-line answer, and GCJ-02 removal
//! through the real loading path (a CSV layer read by GDAL).

use std::process::Command;

use sise::config::{LayerConfig, Offset};
use sise::load::crs::{wgs84_to_gcj02, Transform};
use sise::load::vector;

/// PROJ's `cs2cs` for one point, in EPSG axis order (lat lon → northing easting for these CRSs).
fn cs2cs(from: &str, to: &str, a: f64, b: f64) -> (f64, f64) {
    let mut child = Command::new("cs2cs")
        .args(["-f", "%.6f", from, to])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cs2cs from proj-bin is installed");
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{a} {b}").unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let v: Vec<f64> = out.split_whitespace().take(2).map(|s| s.parse().unwrap()).collect();
    (v[0], v[1])
}

#[test]
fn wgs84_to_cgcs2000_gk_matches_proj_cs2cs() {
    let t = Transform::new("EPSG:4326", "EPSG:4549").unwrap();
    let (x, y) = t.point(121.47, 31.23).unwrap();
    // EPSG:4549 is northing-first; cs2cs keeps the authority order.
    let (north, east) = cs2cs("EPSG:4326", "EPSG:4549", 31.23, 121.47);
    assert!((x - east).abs() < 0.01 && (y - north).abs() < 0.01, "sise ({x}, {y}) vs cs2cs ({east}, {north})");
    // And it is the right place: ~141 km east of the 120°E central meridian (false easting 500 km).
    assert!((x - 640_000.0).abs() < 2_000.0 && (y - 3_457_000.0).abs() < 2_000.0, "({x}, {y})");
}

#[test]
fn gcj02_csv_layer_lands_within_a_metre_of_the_true_position() {
    let tmp = tempfile::tempdir().unwrap();
    let truth = [(121.47, 31.23), (121.40, 31.25), (121.38, 31.28), (121.80, 31.10), (121.25, 31.00)];
    let mut csv = String::from("id,lon,lat\n");
    for (i, (lon, lat)) in truth.iter().enumerate() {
        let (glon, glat) = wgs84_to_gcj02(*lon, *lat);
        csv.push_str(&format!("P{i},{glon:.9},{glat:.9}\n"));
    }
    let path = tmp.path().join("pois.csv");
    std::fs::write(&path, csv).unwrap();
    let cfg = LayerConfig {
        path,
        layer: None,
        crs: Some("EPSG:4326".into()),
        offset: Offset::Gcj02,
        id_field: Some("id".into()),
        x_field: Some("lon".into()),
        y_field: Some("lat".into()),
        ..Default::default()
    };
    let (layer, _) = vector::read("pois", &cfg, "EPSG:4549", sise::load::Strictness::default(), None).unwrap();
    let t = Transform::new("EPSG:4326", "EPSG:4549").unwrap();
    for (i, (lon, lat)) in truth.iter().enumerate() {
        let (ex, ey) = t.point(*lon, *lat).unwrap();
        let geo_types::Geometry::Point(p) = &layer.geoms[i] else { panic!("point expected") };
        let err = (p.x() - ex).hypot(p.y() - ey);
        assert!(err < 1.0, "P{i}: {err} m off");
        // Without the offset removal it would be hundreds of metres off.
        let (gx, gy) = t.point(wgs84_to_gcj02(*lon, *lat).0, wgs84_to_gcj02(*lon, *lat).1).unwrap();
        assert!((gx - ex).hypot(gy - ey) > 100.0);
    }
}
