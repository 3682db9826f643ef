//! sise's own GeoJSON reader (`load::geojson`) against GDAL's: every GeoJSON
//! file of the demo and the test cases, and files written here with what
//! GDAL reads its own way, give the same layer (ids, FIDs, geometries,
//! attribute names, types and values), the same rejects or the same error
//! through both.

use std::path::{Path, PathBuf};

use gdal::GdalOpenFlags;
use sise::config::LayerConfig;
use sise::load::{vector, Strictness};

const CRS: &str = "EPSG:4549";

/// The layer through GDAL only.
fn through_gdal(cfg: &LayerConfig, how: Strictness) -> sise::error::Result<(vector::VectorLayer, Vec<sise::load::Reject>)> {
    vector::read_opened(vector::open(cfg, GdalOpenFlags::GDAL_OF_VECTOR)?, "layer", cfg, CRS, how, None)
}

/// Both readers' results, compared; true when sise's reader took the file.
fn same_through_both(path: &Path, id_field: Option<&str>, how: Strictness) -> bool {
    let cfg = LayerConfig { path: path.to_owned(), id_field: id_field.map(str::to_owned), ..Default::default() };
    let ours = vector::read_geojson("layer", &cfg, CRS, how, None);
    let taken = matches!(ours, Ok(Some(_)) | Err(_));
    let ours = ours.transpose().unwrap_or_else(|| through_gdal(&cfg, how));
    let gdal = through_gdal(&cfg, how);
    let what = format!("{} (id_field {id_field:?}, {how:?})", path.display());
    match (ours, gdal) {
        (Ok((a, ra)), Ok((b, rb))) => {
            assert_eq!(a.kind, b.kind, "{what}: kind");
            assert_eq!(a.ids, b.ids, "{what}: ids");
            assert_eq!(a.fids, b.fids, "{what}: FIDs");
            assert_eq!(a.geoms, b.geoms, "{what}: geometries");
            assert_eq!(a.attrs.schema(), b.attrs.schema(), "{what}: attribute names and types");
            assert!(a.attrs.equals_missing(&b.attrs), "{what}: attribute values\n{:?}\n{:?}", a.attrs, b.attrs);
            assert_eq!(ra, rb, "{what}: rejects");
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}: errors"),
        (a, b) => panic!("{what}: sise {:?} but GDAL {:?}", a.map(|l| l.0.len()).map_err(|e| e.to_string()), b.map(|l| l.0.len()).map_err(|e| e.to_string())),
    }
    taken
}

fn geojson_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            geojson_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "geojson") {
            out.push(p);
        }
    }
}

const MODES: [Strictness; 3] = [
    Strictness { keep_going: false, make_valid: false },
    Strictness { keep_going: true, make_valid: false },
    Strictness { keep_going: true, make_valid: true },
];

#[test]
fn every_geojson_of_the_demo_and_the_test_cases_reads_as_gdal_reads_it() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in ["layers", "tests/fixtures", "tests/dirty-input/cases", "tests/bad-input/cases"] {
        geojson_files(&repo.join(d), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "{} files", files.len());
    let mut taken = 0;
    for f in &files {
        for how in MODES {
            for id in [None, Some("id")] {
                taken += same_through_both(f, id, how) as usize;
            }
        }
    }
    // The plain files (most of them) went through sise's reader.
    assert!(taken > files.len() * 6 / 2, "sise's reader took {taken} of {} reads", files.len() * 6);
}

/// A FeatureCollection of `features` (each `properties`, `geometry`).
fn collection(features: &[(&str, &str)]) -> String {
    let fs: Vec<String> = features.iter().map(|(p, g)| format!(r#"{{"type":"Feature","properties":{p},"geometry":{g}}}"#)).collect();
    format!(r#"{{"type":"FeatureCollection","name":"t","features":[{}]}}"#, fs.join(",\n"))
}

const P: &str = r#"{"type":"Point","coordinates":[121.4,31.2]}"#;
const Q: &str = r#"{"type":"Point","coordinates":[121.45,31.25]}"#;

#[test]
fn what_gdal_reads_its_own_way_gives_the_same_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let square = r#"{"type":"Polygon","coordinates":[[[121.4,31.2],[121.41,31.2],[121.41,31.21],[121.4,31.21],[121.4,31.2]]]}"#;
    let bowtie = r#"{"type":"Polygon","coordinates":[[[121.4,31.2],[121.41,31.21],[121.41,31.2],[121.4,31.21],[121.4,31.2]]]}"#;
    let line = r#"{"type":"LineString","coordinates":[[121.4,31.2],[121.41,31.21]]}"#;
    let multi = r#"{"type":"MultiPoint","coordinates":[[121.4,31.2],[121.41,31.21]]}"#;
    let cases: Vec<(&str, String, bool)> = vec![
        // Plain: sise reads these.
        ("types", collection(&[(r#"{"id":"A","n":1,"r":2,"e":1e3,"s":null}"#, P), (r#"{"id":"B","n":2,"r":2.5,"e":7,"s":null}"#, Q)]), true),
        ("sparse", collection(&[(r#"{"id":"A","a":1}"#, P), (r#"{"id":"B","a":null,"b":"x"}"#, Q), (r#"null"#, P)]), true),
        ("escapes", collection(&[(r#"{"id":"A","name":"\u793a\u8303 \"quoted\" \\ tab\t"}"#, P), (r#"{"id":"B","name":"12号楼"}"#, Q)]), true),
        ("polygons", collection(&[(r#"{"id":"A"}"#, square), (r#"{"id":"B"}"#, bowtie)]), true),
        ("lines", collection(&[(r#"{"id":"A"}"#, line), (r#"{"id":"B"}"#, line)]), true),
        ("mixed_kinds", collection(&[(r#"{"id":"A"}"#, P), (r#"{"id":"B"}"#, line)]), true),
        ("multipoint", collection(&[(r#"{"id":"A"}"#, multi), (r#"{"id":"B"}"#, P)]), true),
        ("null_geometry", collection(&[(r#"{"id":"A"}"#, "null"), (r#"{"id":"B"}"#, P)]), true),
        ("duplicate_id", collection(&[(r#"{"id":"A"}"#, P), (r#"{"id":"A"}"#, Q)]), true),
        ("blank_id", collection(&[(r#"{"id":" "}"#, P), (r#"{"id":"B"}"#, Q)]), true),
        ("integer_code", collection(&[(r#"{"code":7,"name":"x"}"#, P), (r#"{"code":8,"name":"y"}"#, Q)]), true),
        ("not_lonlat", collection(&[(r#"{"id":"A"}"#, r#"{"type":"Point","coordinates":[500,31]}"#)]), true),
        ("replacement_char", collection(&[(r#"{"id":"A","name":"bad \ufffd"}"#, P)]), true),
        // GDAL reads these its own way: they go to GDAL.
        ("date", collection(&[(r#"{"id":"A","d":"2024-01-05"}"#, P), (r#"{"id":"B","d":"2024/02/05"}"#, Q)]), false),
        ("time", collection(&[(r#"{"id":"A","d":"12:30:00"}"#, P)]), false),
        ("integer_id", collection(&[(r#"{"id":5}"#, P), (r#"{"id":5}"#, Q), (r#"{}"#, Q)]), false),
        ("inserted_field", collection(&[(r#"{"id":"A","b":1}"#, P), (r#"{"id":"B","a":2,"b":1}"#, Q)]), false),
        ("text_and_numbers", collection(&[(r#"{"id":"A","v":1}"#, P), (r#"{"id":"B","v":"1.5"}"#, Q)]), false),
        ("boolean", collection(&[(r#"{"id":"A","v":true}"#, P)]), false),
        ("list", collection(&[(r#"{"id":"A","v":[1,2]}"#, P)]), false),
        ("three_d", collection(&[(r#"{"id":"A"}"#, r#"{"type":"Point","coordinates":[121.4,31.2,5]}"#)]), false),
        ("open_ring", collection(&[(r#"{"id":"A"}"#, r#"{"type":"Polygon","coordinates":[[[121.4,31.2],[121.41,31.2],[121.41,31.21]]]}"#)]), false),
        ("collection", collection(&[(r#"{"id":"A"}"#, r#"{"type":"GeometryCollection","geometries":[]}"#)]), false),
        ("negative_zero", collection(&[(r#"{"id":"A","z":-0}"#, P)]), false),
        ("nan", collection(&[(r#"{"id":"A","v":NaN}"#, P)]), false),
        ("empty", collection(&[]), false),
        ("feature_id", r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","properties":{"id":"A"},"geometry":null}]}"#.to_owned(), false),
        ("single_feature", r#"{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Point","coordinates":[121.4,31.2]}}"#.to_owned(), false),
        ("truncated", collection(&[(r#"{"id":"A"}"#, P)])[..60].to_owned(), false),
    ];
    for (name, text, plain) in &cases {
        let path = tmp.path().join(format!("{name}.geojson"));
        std::fs::write(&path, text).unwrap();
        let mut taken = false;
        for how in MODES {
            for id in [None, Some("id")] {
                taken |= same_through_both(&path, id, how);
            }
        }
        assert_eq!(taken, *plain, "{name}: taken by sise's reader");
    }
    // A byte-order mark, and a CRS member (projected coordinates: no transform).
    let bom = tmp.path().join("bom.geojson");
    std::fs::write(&bom, format!("\u{feff}{}", cases[0].1)).unwrap();
    assert!(same_through_both(&bom, Some("id"), MODES[0]));
    let projected = tmp.path().join("projected.geojson");
    let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":[{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Point","coordinates":[610000.5,3450000.25]}}]}"#;
    std::fs::write(&projected, text).unwrap();
    assert!(same_through_both(&projected, Some("id"), MODES[0]));
}

#[test]
fn a_gbk_geojson_with_its_encoding_named_reads_as_through_gdal() {
    let tmp = tempfile::tempdir().unwrap();
    let text = collection(&[(r#"{"id":"A","name":"示范小区"}"#, P)]);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = tmp.path().join("gbk.geojson");
    std::fs::write(&path, &gbk).unwrap();
    let cfg = LayerConfig { path: path.clone(), id_field: Some("id".into()), encoding: Some("GBK".into()), ..Default::default() };
    let (ours, _) = vector::read_geojson("layer", &cfg, CRS, MODES[0], None).unwrap().expect("taken by sise's reader");
    let (gdal, _) = through_gdal(&cfg, MODES[0]).unwrap();
    assert_eq!(ours.attrs.column("name").unwrap().str().unwrap().get(0), Some("示范小区"));
    assert!(ours.attrs.equals_missing(&gdal.attrs));
    assert_eq!(ours.geoms, gdal.geoms);
    // Without the encoding named, both refuse it with the same message.
    let plain = LayerConfig { encoding: None, ..cfg };
    let (a, b) = (vector::read_geojson("layer", &plain, CRS, MODES[0], None).err().unwrap(), through_gdal(&plain, MODES[0]).err().unwrap());
    assert_eq!(a.to_string(), b.to_string());
    assert!(a.to_string().contains("GBK"), "{a}");
}

#[test]
fn a_property_a_feature_lacks_is_a_gap_not_zero() {
    let tmp = tempfile::tempdir().unwrap();
    // The date field sends this file through GDAL, the other through sise's reader.
    for (name, date) in [("gdal", r#","d":"2024-01-05""#), ("sise", "")] {
        let text = collection(&[(&format!(r#"{{"id":"A","population":5,"name":"x"{date}}}"#), P), (r#"{"id":"B"}"#, Q)]);
        let path = tmp.path().join(format!("{name}.geojson"));
        std::fs::write(&path, text).unwrap();
        let cfg = LayerConfig { path, id_field: Some("id".into()), ..Default::default() };
        assert_eq!(vector::read_geojson("layer", &cfg, CRS, MODES[0], None).unwrap().is_some(), name == "sise");
        let (layer, _) = vector::read("layer", &cfg, CRS, MODES[0], None).unwrap();
        let population = layer.attrs.column("population").unwrap().i64().unwrap();
        assert_eq!((population.get(0), population.get(1)), (Some(5), None), "{name}");
        assert_eq!(layer.attrs.column("name").unwrap().str().unwrap().get(1), None, "{name}");
    }
}

/// A `fid_field` (the original FIDs `sise prepare-inputs` keeps) numbers the
/// features and orders the rows, and is not an attribute; sise's reader
/// leaves such a file to GDAL, which honours it.
#[test]
fn a_fid_field_numbers_and_orders_the_features() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.geojson");
    let feature = |id: &str, orig: i64, x: f64| {
        format!(r#"{{"type":"Feature","properties":{{"id":"{id}","orig":{orig},"v":1.5}},"geometry":{{"type":"Point","coordinates":[{x},31.2]}}}}"#)
    };
    let features = [feature("a", 40, 121.41), feature("b", 10, 121.42), feature("c", 30, 121.43), feature("d", 20, 121.44)];
    std::fs::write(&path, format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))).unwrap();
    let cfg = LayerConfig { path: path.clone(), id_field: Some("id".into()), fid_field: Some("orig".into()), ..Default::default() };
    assert!(vector::read_geojson("layer", &cfg, CRS, MODES[0], None).unwrap().is_none(), "left to GDAL");
    let (v, _) = through_gdal(&cfg, MODES[0]).unwrap();
    assert_eq!(v.fids, vec![10, 20, 30, 40]);
    assert_eq!(v.ids, vec!["b", "d", "c", "a"]);
    assert!(v.attrs.column("orig").is_err() && v.attrs.column("v").is_ok(), "{:?}", v.attrs.get_column_names());

    let missing = LayerConfig { fid_field: Some("nope".into()), ..cfg };
    let e = through_gdal(&missing, MODES[0]).err().unwrap();
    assert_eq!(e.exit_code(), 12);
    assert!(e.to_string().contains("nope"), "{e}");
}
