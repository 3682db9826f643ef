//! The model language end to end: the malformed-model corpus, adding a
//! domain by dropping in a model file, and `sise models`.

use crate::common::*;

/// Run `sise validate` on the hand-made layers with `models` as the only domains.
fn validate_with(dir: &std::path::Path, domains: &str) -> std::process::Output {
    let cfg = std::fs::read_to_string(dir.join("assessment.toml")).unwrap();
    let start = cfg.find("domains = [").unwrap();
    let end = start + cfg[start..].find(']').unwrap() + 1;
    let cfg = format!("{}domains = [{domains}]{}", &cfg[..start], &cfg[end..]);
    std::fs::write(dir.join("assessment.toml"), cfg).unwrap();
    sise(&["validate", dir.join("assessment.toml").to_str().unwrap()])
}

#[test]
fn every_malformed_model_gives_its_error() {
    let corpus = repo().join("tests/fixtures/bad-models");
    let mut files: Vec<_> = std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 15, "corpus has {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let expect = text.lines().next().unwrap().strip_prefix("# expect: ").unwrap();
        let code: i32 = text.lines().nth(1).unwrap().strip_prefix("# exit: ").unwrap().parse().unwrap();
        let (_tmp, dir) = copy_fixture("handmade");
        std::fs::copy(&file, dir.join("bad.toml")).unwrap();
        let o = validate_with(&dir, "\"bad.toml\"");
        let e = stderr(&o);
        let name = file.file_name().unwrap().to_string_lossy();
        assert_eq!(o.status.code(), Some(code), "{name}: {e}");
        assert!(e.contains(expect), "{name}: expected '{expect}' in: {e}");
        // The message names the file (the model, or for data errors the layer's file).
        assert!(e.contains("bad.toml") || e.contains(".geojson"), "{name}: {e}");
        // Model-file errors point at a line, except whole-file ones.
        if code == 4 && !name.starts_with("weights_sum") {
            assert!(e.contains("line "), "{name}: no line number in: {e}");
        }
    }
}

/// A drop-in 18th domain: people exposed to the sites (a count and the
/// worst hidden-danger count nearby).
const D18_PEOPLE: &str = r#"
id = "D18"
key = "people_exposure"
name = "人口暴露"
model_version = "test"
geometry = "point"
method = "weighted_index"

[inputs]
objects = "people"
hazard = ["sites"]

[[indicator]]
key = "sites_500m"
name = "500米内场所数"
source = "count_within"
layer = "sites"
radius_m = 500
steps = [[0, 0], [1, 50], [2, 100]]
weight = 1.0

# The worst hidden-danger count among the sites within 500 m (0 where none):
# recorded for the register, not weighed.
[[indicator]]
key = "worst_flag"
name = "500米内场所最多隐患数"
source = "max_within"
layer = "sites"
field = "flag"
radius_m = 500
weight = 0.0

[levels]
red = 75
orange = 50
yellow = 25

[aggregate]
grid = "max"
streets = "max"
"#;

#[test]
fn an_18th_domain_is_a_new_model_file() {
    let (_tmp, dir) = copy_fixture("handmade");
    let models = dir.join("models");
    std::fs::create_dir(&models).unwrap();
    for f in ["sites_model.toml", "pipes_model.toml", "depth_model.toml"] {
        std::fs::rename(dir.join(f), models.join(f)).unwrap();
    }
    let out = year_dir(dir.join("out"));
    let run = |dir: &std::path::Path| {
        let o = validate_with(dir, "\"models\"");
        assert!(o.status.success(), "{}", stderr(&o));
        let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run(&dir);
    let layers =
        String::from_utf8_lossy(&std::process::Command::new("ogrinfo").arg("-ro").arg("-q").arg(out.join("sise.gpkg")).output().unwrap().stdout).into_owned();
    assert!(layers.contains("T01_sites") && layers.contains("T02_pipes") && !layers.contains("D18_people"), "{layers}");

    // A new domain: people exposed to the sites, as a drop-in file. No Rust involved.
    std::fs::write(models.join("D18_people.toml"), D18_PEOPLE).unwrap();
    run(&dir);
    let rows = read_layer(&out.join("sise.gpkg"), "D18_people_exposure");
    // P1 (500100, 3450300): S1 200 m, S2 583 m → 1 site → 50 → orange.
    // P2 (500600, 3450900): S2 300 m, S1 922 m → 1 → orange. P3: S3 50 m, S4 427 m → 2 → red.
    assert_eq!(num(&rows, "id", "P1", "sites_500m"), 1.0);
    assert_eq!(num(&rows, "id", "P1", "level"), 2.0);
    assert_eq!(num(&rows, "id", "P3", "sites_500m"), 2.0);
    assert_eq!(num(&rows, "id", "P3", "level"), 1.0);
    // max_within: P1 sees S1 (flag 0) only; P3 sees S3 (flag 1, 50 m) and S4
    // (0); P4 sees S4 (0, 100 m) and S3 at exactly 500 m (flag 1: the radius is inclusive).
    assert_eq!(num(&rows, "id", "P1", "worst_flag"), 0.0);
    assert_eq!(num(&rows, "id", "P3", "worst_flag"), 1.0);
    assert_eq!(num(&rows, "id", "P4", "worst_flag"), 1.0);
    let grid = read_layer(&out.join("sise.gpkg"), "grid");
    assert!(grid[0].contains_key("d18_level"));
}

#[test]
fn models_list_and_show_explain_the_models() {
    let dir = repo().join("assessment-models");
    let o = sise(&["models", "list", "--dir", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = String::from_utf8_lossy(&o.stdout);
    assert_eq!(list.lines().count(), 17, "{list}");
    for id in ["D01", "D04", "D06", "D11", "D17"] {
        assert!(list.contains(id), "{id} missing: {list}");
    }
    assert!(list.contains("lec") && list.contains("risk_matrix") && list.contains("weighted_index"));

    let o = sise(&["models", "show", "D02", "--dir", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let show = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "D02 城镇燃气",
        "layer 'gas_pipelines'",
        "pipe_age",
        "weight 0.250",
        "years from field 'install_year'",
        "Levels: 重大风险 ≥ 80",
        "存在未修复的燃气泄漏点",
        "length or area",
    ] {
        assert!(show.contains(needle), "'{needle}' missing:\n{show}");
    }
    let o = sise(&["models", "show", "D05", "--dir", dir.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("weights derived by AHP"));
    let o = sise(&["models", "show", "D99", "--dir", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("no model with id or key 'D99'"));
}

#[test]
fn density_aggregation_counts_objects_per_km_of_a_line_layer() {
    let (_tmp, dir) = copy_fixture("handmade");
    std::fs::write(
        dir.join("density_model.toml"),
        r#"
id = "T04"
key = "sites_per_km"
name = "沿管线场所密度"
model_version = "test"
geometry = "point"
method = "weighted_index"

[inputs]
objects = "sites"
hazard = ["pipes"]

[[indicator]]
key = "cls"
name = "类别"
source = "attribute"
field = "cls"
categories = { high = 100, low = 20 }
weight = 1.0

[levels]
red = 70
orange = 50
yellow = 30

[aggregate]
grid = "density"
streets = "density"
density_of = "pipes"
density_levels = { red = 3, orange = 2, yellow = 1 }
"#,
    )
    .unwrap();
    let o = validate_with(&dir, "\"density_model.toml\"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = year_dir(dir.join("out"));
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let grid = read_layer(&out.join("sise.gpkg"), "grid");
    // Cell 2000_13800 holds S1 and 300 m of pipe (L1 100 m + L2 200 m): 1 / 0.3 km = 3.33 per km → red.
    assert!((num(&grid, "cell_id", "2000_13800", "t04_score") - 3.3333).abs() < 1e-3);
    assert_eq!(num(&grid, "cell_id", "2000_13800", "t04_level"), 1.0);
    // S2's cell has no pipe: no density there.
    assert_eq!(value(&grid, "cell_id", "2002_13802", "t04_level"), None);
    // 街镇 甲 holds S1 and S2 and the same 300 m: 2 / 0.3 = 6.67 per km.
    let streets = read_layer(&out.join("sise.gpkg"), "streets");
    assert!((num(&streets, "street_name", "甲街道", "t04_score") - 6.6667).abs() < 1e-3);
}

/// Every shipped model fills the 风险清单 (accident types, a measure per
/// level) and names every field it reads in Chinese, so templates and
/// messages never show a bare key.
#[test]
fn shipped_models_fill_the_register_and_name_their_fields() {
    let mut files: Vec<_> = std::fs::read_dir(repo().join("assessment-models")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 17);
    for f in files {
        let m = sise::model::Model::from_file(&f).unwrap();
        assert!(!m.accidents.is_empty(), "{}: no accidents", m.id);
        let measures = m.measures.as_ref().unwrap_or_else(|| panic!("{}: no [measures]", m.id));
        assert!(measures.iter().all(|t| t.chars().count() >= 4), "{}: {measures:?}", m.id);
        assert_ne!(measures[0], measures[3], "{}: red and blue measures must differ", m.id);
        for field in m.object_fields() {
            assert_ne!(field.name, field.key, "{}: field '{}' has no Chinese name; add it to [fields]", m.id, field.key);
            if let sise::model::FieldKind::Choice(v) = &field.kind {
                assert!(!v.is_empty(), "{}: {}", m.id, field.key);
            }
        }
    }
}
