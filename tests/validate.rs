//! `sise validate` and `sise run` on broken inputs: a non-zero exit code and
//! a message naming the file, layer and field.

use crate::common::*;

fn validate(dir: &std::path::Path) -> std::process::Output {
    sise(&["validate", dir.join("assessment.toml").to_str().unwrap()])
}

fn edit(path: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn the_fixture_is_valid() {
    let (_tmp, dir) = copy_fixture("handmade");
    let o = validate(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("T01 测试场所"), "{out}");
}

#[test]
fn missing_file_names_the_file() {
    let (_tmp, dir) = copy_fixture("handmade");
    std::fs::remove_file(dir.join("people.geojson")).unwrap();
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(10));
    let e = stderr(&o);
    assert!(e.contains("people.geojson") && e.contains("file not found"), "{e}");
}

#[test]
fn missing_field_names_file_layer_and_field() {
    let (_tmp, dir) = copy_fixture("handmade");
    edit(&dir.join("sites_model.toml"), "field = \"cls\"", "field = \"klass\"");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(12));
    let e = stderr(&o);
    assert!(e.contains("sites.geojson") && e.contains("layer 'sites'") && e.contains("missing field 'klass'"), "{e}");
    assert!(e.contains("cls"), "lists the fields that exist: {e}");
}

#[test]
fn wrong_geometry_type_names_the_layer_and_model() {
    let (_tmp, dir) = copy_fixture("handmade");
    edit(&dir.join("pipes_model.toml"), "objects = \"pipes\"", "objects = \"people\"");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(17));
    let e = stderr(&o);
    assert!(e.contains("people.geojson") && e.contains("layer 'people'") && e.contains("wrong geometry type"), "{e}");
    assert!(e.contains("pipes_model.toml") && e.contains("scores lines"), "{e}");
}

#[test]
fn wrongly_typed_field_names_the_feature() {
    let (_tmp, dir) = copy_fixture("handmade");
    edit(&dir.join("people.geojson"), "\"population\": 500", "\"population\": \"many\"");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(13));
    let e = stderr(&o);
    assert!(e.contains("people.geojson") && e.contains("'P3'") && e.contains("population") && e.contains("many"), "{e}");
}

#[test]
fn layer_without_crs_asks_for_one() {
    let (_tmp, dir) = copy_fixture("handmade");
    edit(&dir.join("assessment.toml"), "path = \"people.geojson\"\ncrs = \"EPSG:4549\"\n", "path = \"people.geojson\"\n");
    // GeoJSON without a crs member is WGS84 by definition: these metre coordinates then fail to project sensibly.
    std::fs::write(dir.join("people.csv"), "id,population,x,y\nP1,10,500100,3450300\n").unwrap();
    edit(&dir.join("assessment.toml"), "path = \"people.geojson\"\n", "path = \"people.csv\"\nx_field = \"x\"\ny_field = \"y\"\n");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(18));
    let e = stderr(&o);
    assert!(e.contains("people.csv") && e.contains("declares no CRS") && e.contains("crs = "), "{e}");
}

#[test]
fn malformed_model_reports_file_and_line() {
    let (_tmp, dir) = copy_fixture("handmade");
    edit(&dir.join("sites_model.toml"), "weight = 0.5\n\n[[indicator]]", "weight = 0.4\n\n[[indicator]]");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(4));
    let e = stderr(&o);
    assert!(e.contains("sites_model.toml") && e.contains("weights must sum to 1"), "{e}");

    let (_tmp2, dir) = copy_fixture("handmade");
    edit(&dir.join("depth_model.toml"), "source = \"raster_sample\"", "source = \"raster\"");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(4));
    let e = stderr(&o);
    assert!(e.contains("depth_model.toml") && e.contains("line 17") && e.contains("raster_sample"), "{e}");
}

#[test]
fn no_output_folder_is_created_on_bad_input() {
    let (tmp, dir) = copy_fixture("handmade");
    edit(&dir.join("sites_model.toml"), "field = \"grade\"", "field = \"management\"");
    let out = year_dir(tmp.path().join("never"));
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert_eq!(o.status.code(), Some(12), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing field 'management'"));
    assert!(!out.exists());
}

#[test]
fn comprehensive_weights_must_name_exactly_the_runs_domains() {
    let (_tmp, dir) = copy_fixture("handmade");
    let cfg = dir.join("assessment.toml");
    let weighted = "[comprehensive]\nmethod = \"weighted\"\nweights = { T01 = 0.5, T02 = 0.3, T30 = 0.2 }\nthresholds = { red = 3.5, orange = 2.5, yellow = 1.5 }\n\n[streets]";
    edit(&cfg, "[streets]", weighted);
    // A typo ("T30" for "T03") would have weighed T03 0 without a word.
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("names 'T30', which is not a domain of this run (T01, T02, T03)"), "{}", stderr(&o));
    edit(&cfg, "T30 = 0.2", "T03 = 0.2");
    let o = validate(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    edit(&cfg, ", T03 = 0.2", "");
    let o = validate(&dir);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("no weight for T03"), "{}", stderr(&o));
}

/// One exit-code table (`error::exit::table`): `--help` prints it, and the
/// README and the operations guide list every code in it.
#[test]
fn every_exit_code_is_documented_where_operators_look() {
    let help = String::from_utf8_lossy(&sise(&["run", "--help"]).stdout).into_owned();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let ops = std::fs::read_to_string(repo().join("docs/operations.md")).unwrap();
    for (code, what) in sise::error::exit::table() {
        assert!(help.contains(&format!("  {code:<2} {what}")), "--help lacks exit code {code}");
        assert!(ops.contains(&format!("| {code} |")), "docs/operations.md lacks exit code {code}");
        let in_readme = readme.contains(&format!("| {code} |")) || (10..=21).contains(&code) && readme.contains(&format!(" {code} "));
        assert!(in_readme, "README lacks exit code {code}");
    }
}

/// A typo in an edited report template stops the run naming that template
/// file (exit 3), instead of rendering a blank cell.
#[test]
fn a_report_template_typo_names_the_template_file() {
    let (_tmp, dir) = copy_fixture("handmade");
    let templates = dir.join("templates");
    std::fs::create_dir(&templates).unwrap();
    for f in ["domain.html.j2", "comprehensive.html.j2", "style.css"] {
        std::fs::copy(repo().join("reports").join(f), templates.join(f)).unwrap();
    }
    edit(&templates.join("domain.html.j2"), "{{ district }}", "{{ distrct }}");
    edit(&dir.join("assessment.toml"), "grid_cell_m = 250\n", "grid_cell_m = 250\nreport_templates = \"templates\"\n");
    let out = dir.join("out");
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("templates/domain.html.j2") && e.contains("distrct"), "{e}");
    assert!(!out.join("2024-2026/2024").exists(), "nothing half-written");
}
