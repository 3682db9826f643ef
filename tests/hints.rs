//! Hints that show config text work when pasted as written.

use crate::common::*;

/// The `fields = { … }` hint of a veto on a Chinese-named field is valid
/// TOML: pasted into the layer's entry with the real column for "…", the run
/// succeeds and the veto fires.
#[test]
fn a_fields_hint_pasted_as_written_works() {
    let (tmp, dir) = copy_fixture("handmade");
    let model = std::fs::read_to_string(dir.join("sites_model.toml")).unwrap().replace("when = \"flag > 0\"", "when = \"整改情况 > 0\"");
    std::fs::write(dir.join("sites_model.toml"), model).unwrap();
    let cfg = dir.join("assessment.toml");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().join("a").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let e = stderr(&o);
    let start = e.find("fields = {").expect("a fields hint");
    let hint = &e[start..start + e[start..].find('}').unwrap() + 1];
    assert_eq!(hint, "fields = { \"整改情况\" = \"…\" }");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("[layers.sites]", &format!("[layers.sites]\n{}", hint.replace('…', "flag")));
    std::fs::write(&cfg, text).unwrap();
    let out = year_dir(tmp.path().join("b"));
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(value(&read_layer(&out.join("sise.gpkg"), "T01_sites"), "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
}

/// A Shapefile in metres without its .prj: the CRS hint comes from the
/// coordinates (EPSG:4549 for CGCS2000 GK metres in the district), and the
/// run succeeds once it is pasted.
#[test]
fn a_crs_hint_follows_from_the_coordinates() {
    let (tmp, dir) = copy_fixture("handmade");
    let o = std::process::Command::new("ogr2ogr").args(["-f", "ESRI Shapefile"]).arg(dir.join("people.shp")).arg(dir.join("people.geojson")).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(dir.join("people.prj")).ok();
    let cfg = dir.join("assessment.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("path = \"people.geojson\"\ncrs = \"EPSG:4549\"", "path = \"people.shp\"");
    std::fs::write(&cfg, &text).unwrap();
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().join("a").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(18), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("people.shp") && e.contains("are metres"), "{e}");
    let start = e.find("add crs = ").expect("a crs hint") + "add ".len();
    let hint = &e[start..start + e[start..].find(" to its").unwrap()];
    assert_eq!(hint, "crs = \"EPSG:4549\"");
    std::fs::write(&cfg, text.replace("path = \"people.shp\"", &format!("path = \"people.shp\"\n{hint}"))).unwrap();
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().join("b").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A CSV whose header names no coordinate columns sise knows: the hint
/// names the header row and the two columns under it that hold
/// coordinates, and the run succeeds once its settings are pasted.
#[test]
fn a_header_hint_names_the_row_and_the_coordinate_columns() {
    let case = repo().join("tests/dirty-input/cases/csv_no_header");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(case.join("sites.csv"), tmp.path().join("sites.csv")).unwrap();
    // The case's paths to the fixture, made absolute for the copy.
    let fixture = repo().join("tests/fixtures/handmade/");
    let text = std::fs::read_to_string(case.join("assessment.toml")).unwrap().replace("../../../fixtures/handmade/", &fixture.to_string_lossy());
    let cfg = tmp.path().join("assessment.toml");
    std::fs::write(&cfg, text).unwrap();
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().join("a").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(12), "{}", stderr(&o));
    let e = stderr(&o);
    let start = e.find("add header_row").expect("a header hint") + "add ".len();
    let hint = &e[start..start + e[start..].find(" to the layer's entry").unwrap()];
    assert_eq!(hint, "header_row = 2, x_field = \"东经\" and y_field = \"北纬\"");
    let settings = hint.replace(", ", "\n").replace(" and ", "\n");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("path = \"sites.csv\"", &format!("path = \"sites.csv\"\n{settings}"));
    std::fs::write(&cfg, text).unwrap();
    let out = year_dir(tmp.path().join("b"));
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(value(&read_layer(&out.join("sise.gpkg"), "T01_sites"), "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
}
