//! The dirty-input corpus (tests/dirty-input/cases, built by build.py):
//! inputs as they arrive from outside the project. Every value sise scores
//! is one it understood: accepted forms score exactly like their clean
//! twins, refused ones stop with the class, the file, the feature, the field
//! and the fix, and leave nothing behind; text from the inputs stays text.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

fn case_dir(name: &str) -> PathBuf {
    repo().join("tests/dirty-input/cases").join(name)
}

fn config(name: &str) -> String {
    case_dir(name).join("assessment.toml").to_string_lossy().into_owned()
}

/// `sise run` on a case into a fresh root; returns the root's guard, the year folder and the process output.
fn run_case(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    let cfg = config(name);
    let mut args = vec!["run", cfg.as_str(), "--out", root_of(&out)];
    args.extend_from_slice(extra);
    let o = sise(&args);
    (tmp, out, o)
}

/// Refused: the exit code, every needle in the message, and no file written.
fn refused(name: &str, extra: &[&str], code: i32, needles: &[&str]) {
    assert_refused(&case_dir(name).join("assessment.toml"), extra, code, needles);
}

macro_rules! refused {
    ($($name:ident => $code:expr, [$($needle:expr),*];)*) => {$(
        #[test]
        fn $name() {
            refused(stringify!($name), &[], $code, &[$($needle),*]);
        }
    )*};
}

refused! {
    veto_approximate => 13, ["veto_approximate/sites.geojson", "'S3'", "field 'flag'", "'约1'", "approximate", "correct it in the file"];
    number_nan => 13, ["number_nan/people.geojson", "'P3'", "field 'population'", "'NaN'", "not a finite number"];
    number_inf => 13, ["number_inf/people.geojson", "'P3'", "field 'population'", "'inf'", "not a finite number"];
    number_unknown => 13, ["number_unknown/people.geojson", "'P3'", "field 'population'", "'不详'", "not a number"];
    number_wrong_unit => 13, ["'P1'", "field 'population'", "'1000户'", "unit '户' is not the model's unit (人)"];
    number_decimal_comma => 13, ["'P1'", "'1,5'", "decimal comma"];
    number_nan_csv => 13, ["number_nan_csv/people.csv", "'P3'", "field 'population'", "NaN"];
    empty_population => 12, ["empty_population/people.geojson", "'P3'", "field 'population'", "is empty", "missing = \"reject\", \"zero\" or a number on indicator 'pop_250m'", "sites_model.toml"];
    empty_flag => 12, ["empty_flag/sites.geojson", "'S3'", "field 'flag' of veto condition 'flag > 0'", "is empty", "on the [[veto]] at line 36"];
    empty_category => 12, ["empty_category/sites.geojson", "'S4'", "field 'cls'", "missing = \"reject\" or \"worst\""];
    gbk_streets => 13, ["gbk_streets/streets.dbf", "not UTF-8", "no .cpg", "decodes as GBK", "encoding = \"GBK\""];
    gbk_sites => 13, ["gbk_sites/sites.dbf", "not UTF-8", "encoding = \"GBK\""];
    gbk_csv => 13, ["gbk_csv/people.csv", "not UTF-8", "encoding = \"GBK\""];
    outside_objects => 19, ["outside_objects/sites.geojson", "'S4'", "2000 m outside the district", "nearest 街镇 乙镇", "simply outside", "clip_to_district = true"];
    outside_gcj02 => 19, ["outside_gcj02/sites.csv", "4 objects of the layer are outside", "GCJ-02", "offset = \"gcj02\""];
    outside_swapped => 19, ["outside_swapped/sites.csv", "x and y look swapped"];
    sheet_bad_coordinate => 13, ["sheet_bad_coordinate/sites.xlsx", "sheet '测试单位' row 8 (id 'S3')", "'121°75′18″'", "'经度'", "75 minutes is 60 or more"];
    csv_bad_dms => 13, ["csv_bad_dms/sites.csv", "line 4 (id 'S3')", "coordinate '121°20′75″E' in column '经度'", "75 seconds is 60 or more", "correct the typo"];
    csv_multiline_bad_flag => 13, ["csv_multiline_bad_flag/sites.csv", "line 6 (id 'S3')", "'约1'", "approximate"];
    csv_no_header => 12, ["csv_no_header/sites.csv", "no header row found", "'东经' and '北纬' under row 2 hold coordinates", "header_row = 2, x_field = \"东经\" and y_field = \"北纬\""];
    sheet_unmapped_column => 12, ["sites.xlsx", "fields maps 'cls' to the column '单位类别'", "its columns are: 编号, 单位名称, 类别"];
    sheet_empty_category => 12, ["sheet '测试单位' row 8 (id 'S3')", "field 'cls'", "is empty"];
    sheet_no_header => 12, ["sheet_no_header/sites.xlsx", "no header row found in sheet '测试单位'", "header_row = 4, x_field = \"X坐标\" and y_field = \"纬度\""];
    year_typo => 14, ["year_typo/pipes.geojson", "'L2'", "field 'install_year'", "'2204'", "outside 1850–2024"];
    year_month_13 => 13, ["year_month_13/pipes.geojson", "'L2'", "'2014.13'", "month 13 does not exist", "2014.05"];
    year_excel_serial => 13, ["'L2'", "'41760'", "date serial (41760 is 2014-05-01)", "format the column as a date"];
    unknown_grade => 14, ["unknown_grade/sites.geojson", "'S2'", "field 'grade' (the control grade) is 'C'", "(A, B)"];
    unknown_category => 14, ["unknown_category/sites.geojson", "'S4'", "'medium'", "(high, low)"];
}

/// Objects outside the district are never the district's: --keep-going does not make them rejects.
#[test]
fn outside_objects_stop_the_run_even_with_keep_going() {
    refused("outside_objects_keep_going", &["--keep-going"], 19, &["'S4'", "clip_to_district = true"]);
}

/// A value that stops a plain run (checked as the layers load), --keep-going
/// rejects instead: for the domain that reads it, with the plain run's message
/// less its hint to use --keep-going.
#[test]
fn keep_going_rejects_the_feature_whose_value_a_plain_run_refuses() {
    for (name, layer, id, class) in [
        ("number_nan", "people", "P3", "T01,Type,13"),
        ("number_wrong_unit", "people", "P1", "T01,Type,13"),
        ("year_typo", "pipes", "L2", "T02,Range,14"),
        ("year_excel_serial", "pipes", "L2", "T02,Type,13"),
    ] {
        let (_t, out, o) = run_case(name, &["--keep-going"]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
        let lines: Vec<&str> = rejects.lines().skip(1).collect();
        assert_eq!(lines.len(), 1, "{name}: {rejects}");
        assert!(lines[0].starts_with(&format!("{layer},")) && lines[0].contains(&format!(",{id},{class},")), "{name}: {rejects}");
        let reason = lines[0].split_once(&format!(",{class},")).unwrap().1.trim_matches('"');
        let (_t, _, plain) = run_case(name, &[]);
        assert!(stderr(&plain).contains(reason), "{name}: the plain run says\n{}\nthe reject\n{reason}", stderr(&plain));
        // Only the stop suggests --keep-going; the reject list of a run that used it does not.
        assert!(stderr(&plain).contains("or run with --keep-going to leave the feature out") && !reason.contains("--keep-going"), "{name}: {reason}");
    }
}

/// A dirty case and its clean twin score alike: every field of every domain
/// layer, and the tables (unless the dirty one lists rejects the clean one
/// lacks, which the summary then counts).
fn scores_like_clean(name: &str) -> PathBuf {
    let (t1, dirty, o) = run_case(name, &[]);
    assert!(o.status.success(), "{name}: {}", stderr(&o));
    let (_t2, clean, o) = run_case(&format!("{name}.clean"), &[]);
    assert!(o.status.success(), "{name}.clean: {}", stderr(&o));
    for layer in ["T01_sites", "T02_pipes", "T03_depth", "grid", "streets"] {
        assert_eq!(
            read_layer(&dirty.join("sise.gpkg"), layer),
            read_layer(&clean.join("sise.gpkg"), layer),
            "{name}: layer {layer} differs from the clean input's"
        );
    }
    let mut files = vec!["tables/domain_levels.csv", "tables/street_domain_levels.csv", "tables/major_risks.csv"];
    if !dirty.join("rejects.csv").exists() {
        files.extend(["summary.csv", "tables/coverage.csv"]);
    }
    for f in files {
        assert_eq!(std::fs::read(dirty.join(f)).unwrap(), std::fs::read(clean.join(f)).unwrap(), "{name}: {f} differs from the clean input's");
    }
    // Keep the dirty outputs for further checks.
    let keep = t1.keep().join("out/2024-2026/2024");
    assert_eq!(keep, dirty);
    dirty
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn cleanup(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.ancestors().nth(3).unwrap());
}

/// "1984.05" is May 1984: the pipe is 40 years old in 2024, not 39.95.
#[test]
fn years_written_as_year_month_or_dates_are_their_year() {
    for case in ["years_as_written", "years_as_dates"] {
        let out = scores_like_clean(case);
        let pipes = read_layer(&out.join("sise.gpkg"), "T02_pipes");
        assert_eq!((num(&pipes, "id", "L1", "age"), num(&pipes, "id", "L2", "age")), (40.0, 10.0), "{case}");
        cleanup(&out);
    }
}

#[test]
fn a_full_width_veto_flag_fires() {
    let out = scores_like_clean("veto_full_width");
    let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
    assert_eq!(value(&rows, "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
    assert_eq!(num(&rows, "id", "S3", "level"), 1.0);
    assert_eq!(manifest(&out)["counts"]["rewritten_values"]["sites"]["flag"]["full_width"], 1);
    cleanup(&out);
}

#[test]
fn a_veto_flag_with_thousands_separators_fires() {
    let out = scores_like_clean("veto_thousands");
    assert_eq!(value(&read_layer(&out.join("sise.gpkg"), "T01_sites"), "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
    assert_eq!(manifest(&out)["counts"]["rewritten_values"]["sites"]["flag"]["thousands_separator"], 1);
    cleanup(&out);
}

#[test]
fn separators_full_width_digits_and_spaces_are_read_and_counted() {
    let out = scores_like_clean("numbers_rewritten");
    let counts = &manifest(&out)["counts"]["rewritten_values"]["people"]["population"];
    // "1,000", "3，000" (full-width comma), "５００", " 4000 ".
    assert_eq!((counts["thousands_separator"].as_u64(), counts["full_width"].as_u64(), counts["spaces"].as_u64()), (Some(2), Some(2), Some(1)), "{counts}");
    cleanup(&out);
}

#[test]
fn a_declared_unit_is_read() {
    let out = scores_like_clean("numbers_with_unit");
    assert_eq!(manifest(&out)["counts"]["rewritten_values"]["people"]["population"]["unit"], 2);
    cleanup(&out);
}

#[test]
fn control_grades_and_veto_strings_match_alike() {
    // "D " passes the control table and the `grade == "D"` veto alike; "Ａ" is A.
    let out = scores_like_clean("control_grade_spaces");
    let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
    assert_eq!(value(&rows, "id", "S1", "veto_reason").as_deref(), Some("D级单位"));
    assert_eq!(num(&rows, "id", "S2", "control_factor"), 0.5);
    cleanup(&out);
}

#[test]
fn missing_zero_counts_as_zero() {
    let out = scores_like_clean("empty_population_zero");
    cleanup(&out);
}

#[test]
fn missing_reject_lists_the_feature_and_goes_on_without_keep_going() {
    let out = scores_like_clean("empty_population_reject");
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    assert!(rejects.lines().any(|l| l.starts_with("people,") && l.contains(",P3,T01,Field,12,") && l.contains("missing = \"\"reject\"\"")), "{rejects}");
    assert_eq!(manifest(&out)["counts"]["rejects"]["people"], 1);
    cleanup(&out);
}

#[test]
fn missing_worst_fires_the_veto_and_takes_the_largest_factor() {
    let out = scores_like_clean("empty_flag_worst");
    assert_eq!(value(&read_layer(&out.join("sise.gpkg"), "T01_sites"), "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
    cleanup(&out);
    let out = scores_like_clean("empty_grade_worst");
    assert_eq!(num(&read_layer(&out.join("sise.gpkg"), "T01_sites"), "id", "S2", "control_factor"), 1.0);
    cleanup(&out);
}

#[test]
fn a_gbk_shapefile_with_its_encoding_gives_the_names_unchanged() {
    let out = scores_like_clean("gbk_streets_declared");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.contains(",甲街道,") && summary.contains(",乙镇,"), "{summary}");
    let report = std::fs::read_to_string(out.join("reports/T01_sites.html")).unwrap();
    assert!(report.contains("甲街道") && !report.contains('\u{FFFD}'));
    cleanup(&out);
}

#[test]
fn a_gbk_csv_with_its_encoding_is_read() {
    let out = scores_like_clean("gbk_csv_declared");
    cleanup(&out);
}

/// A GBK CSV with Chinese headers and GCJ-02 coordinates, full-width
/// digits, a padded grade and a blank the model counts as 0: the same levels
/// as the clean twin, and the hand-worked levels of the fixture
/// (tests/handmade.rs), so the offset was removed where the sites really are.
#[test]
fn a_chinese_gbk_web_map_delivery_scores_as_the_fixture() {
    let out = scores_like_clean("chinese_gbk_gcj02");
    let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
    for (id, score, level) in [("S1", 75.0, 1.0), ("S2", 25.0, 4.0), ("S3", 22.5, 1.0), ("S4", 60.0, 2.0)] {
        assert_eq!((num(&rows, "id", id, "score"), num(&rows, "id", id, "level")), (score, level), "{id}");
    }
    assert_eq!(value(&rows, "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
    assert_eq!(num(&rows, "id", "S1", "pop_250m"), 1000.0, "P1 lies 200 m from S1 only where GCJ-02 was removed");
    cleanup(&out);
}

/// A census sheet (title rows, blank rows, Chinese headers mapped by
/// `fields`, GCJ-02, a full-width digit) scores exactly as the same data in a
/// plain CSV, and its names reach the domain layer.
#[test]
fn a_census_spreadsheet_scores_as_the_same_data_in_a_csv() {
    let out = scores_like_clean("sheet_gcj02_mapped");
    let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
    assert_eq!(rows.len(), 4, "blank rows are not objects");
    assert_eq!(value(&rows, "id", "S3", "name").as_deref(), Some("丙加油站"));
    assert_eq!(value(&rows, "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
    cleanup(&out);
}

/// Read by sise itself (not GDAL's header guessing): a header on row 1, a
/// header over two rows with merged cells (found, or declared), cells typed
/// as numbers; each scores like the same data as a clean CSV.
#[test]
fn workbooks_as_exported_and_as_filled_read_like_clean_csv() {
    for case in ["sheet_header_row_1", "sheet_two_row_header", "sheet_two_row_header_declared", "sheet_typed_cells"] {
        let out = scores_like_clean(case);
        let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
        assert_eq!(rows.len(), 4, "{case}");
        assert_eq!(value(&rows, "id", "S3", "name").as_deref(), Some("丙加油站"), "{case}");
        assert_eq!(value(&rows, "id", "S3", "veto_reason").as_deref(), Some("测试否决"), "{case}");
        cleanup(&out);
    }
}

/// CSVs as assessors type them — a title line above the header, a header
/// named by `header_row` with its own coordinate names, coordinates in
/// degrees–minutes–seconds or full-width digits — read by sise's table
/// reader like the same data as a clean CSV.
#[test]
fn csvs_as_typed_read_like_clean_csv() {
    for case in ["csv_title_row", "csv_header_row", "csv_dms", "csv_full_width", "csv_bom_crlf", "csv_semicolon", "csv_multiline_cell"] {
        let out = scores_like_clean(case);
        let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
        assert_eq!(rows.len(), 4, "{case}");
        assert_eq!(value(&rows, "id", "S3", "name").as_deref(), Some("丙加油站"), "{case}");
        assert_eq!(value(&rows, "id", "S3", "veto_reason").as_deref(), Some("测试否决"), "{case}");
        cleanup(&out);
    }
}

/// A CSV holding its geometry as WKT text (no coordinate columns) is read
/// by GDAL's CSV driver, as before, and scores like the same points as GeoJSON.
#[test]
fn a_wkt_csv_reads_as_its_geometries() {
    let out = scores_like_clean("csv_wkt");
    cleanup(&out);
}

#[test]
fn clip_to_district_leaves_outside_objects_out_and_counts_them() {
    let out = scores_like_clean("outside_objects_clipped");
    // S4 is outside; T01 and T03 both score the layer, and it is counted once.
    assert_eq!(manifest(&out)["counts"]["outside_district_left_out"]["sites"], 1);
    cleanup(&out);
}

/// For every case of both corpora that `sise run` refuses, `sise validate`
/// refuses it with the same exit code; what run accepts, validate accepts.
#[test]
fn validate_refuses_what_run_refuses_with_the_same_class() {
    let mut cases: Vec<PathBuf> = Vec::new();
    for corpus in ["tests/dirty-input/cases", "tests/bad-input/cases"] {
        for e in std::fs::read_dir(repo().join(corpus)).unwrap() {
            cases.push(e.unwrap().path());
        }
    }
    cases.sort();
    let mut refused = 0;
    for dir in cases {
        let cfg = dir.join("assessment.toml");
        let tmp = tempfile::tempdir().unwrap();
        let run = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().to_str().unwrap()]);
        let validate = sise(&["validate", cfg.to_str().unwrap()]);
        assert_eq!(validate.status.code(), run.status.code(), "{}: run says {}; validate says {}", dir.display(), stderr(&run), stderr(&validate));
        refused += usize::from(!run.status.success());
    }
    assert!(refused >= 30, "only {refused} refused cases: the corpora are not being read");
}

/// Markup and formulas in 街镇 names, ids and the district name: every
/// HTML/SVG/XML output parses with no element or attribute from the data,
/// and CSV/XLSX cells read back as inert text (tests/injection/check.py).
#[test]
fn text_from_the_inputs_stays_text_in_every_output() {
    let (_tmp, out, o) = run_case("injection", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let check = std::process::Command::new("/usr/bin/python3")
        .arg(repo().join("tests/injection/check.py"))
        .arg(&out)
        .output()
        .expect("/usr/bin/python3 with openpyxl (scripts/setup.sh installs it)");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{report}{}", String::from_utf8_lossy(&check.stderr));
    assert!(report.contains("ok checked"), "{report}");
    // The GeoPackage keeps the names exactly as given.
    let streets = read_layer(&out.join("sise.gpkg"), "streets");
    assert!(streets.iter().any(|r| r.values().any(|v| v.as_deref() == Some("<img src=x onerror=alert(1)>甲街道"))), "{streets:?}");
}

/// A number written as people write it: 0 plain, 1 full-width digits, 2
/// thousands separators (ASCII or full-width comma), 3 spaces around, 4 the
/// declared unit after it (where `unit` is given).
fn rewritten(n: u32, style: usize, unit: Option<&str>) -> String {
    let plain = n.to_string();
    let grouped = |sep: char| {
        let digits: Vec<char> = plain.chars().collect();
        let mut s = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                s.push(sep);
            }
            s.push(*c);
        }
        s
    };
    match (style, unit) {
        (1, _) => plain.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect(),
        (2, _) => grouped(if n.is_multiple_of(2) { ',' } else { '，' }),
        (3, _) => format!(" {plain}\u{3000}"),
        (4, Some(u)) => format!("{}{u}", grouped(',')),
        _ => plain,
    }
}

/// The hand-made fixture with the given numbers, each written by `write`.
fn fixture_with(pops: &[u32], flags: &[u32], years: &[u32], write: &dyn Fn(usize, u32, Option<&str>) -> serde_json::Value) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = copy_fixture("handmade");
    let model = std::fs::read_to_string(dir.join("sites_model.toml")).unwrap().replace("name = \"250米内人口\"\n", "name = \"250米内人口\"\nunit = \"人\"\n");
    std::fs::write(dir.join("sites_model.toml"), model).unwrap();
    let mut k = 0;
    let mut edit = |file: &str, field: &str, values: &[u32], unit: Option<&str>| {
        let path = dir.join(file);
        let mut fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for (f, v) in fc["features"].as_array_mut().unwrap().iter_mut().zip(values) {
            f["properties"][field] = write(k, *v, unit);
            k += 1;
        }
        std::fs::write(&path, serde_json::to_string(&fc).unwrap()).unwrap();
    };
    edit("people.geojson", "population", pops, Some("人"));
    edit("sites.geojson", "flag", flags, None);
    edit("pipes.geojson", "install_year", years, None);
    (tmp, dir)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6))]

    /// For random clean inputs, rewriting every number into an accepted
    /// variant (full-width, separators, spaces, units) gives byte-identical tables.
    #[test]
    fn rewritten_numbers_give_byte_identical_tables(
        pops in proptest::collection::vec(0u32..6000, 4),
        flags in proptest::collection::vec(0u32..3, 4),
        years in proptest::collection::vec(1950u32..2024, 2),
        styles in proptest::collection::vec(0usize..5, 10),
    ) {
        let (_c, clean) = fixture_with(&pops, &flags, &years, &|_, v, _| serde_json::json!(v));
        let (_d, dirty) = fixture_with(&pops, &flags, &years, &|k, v, unit| serde_json::json!(rewritten(v, styles[k], unit)));
        let run = |dir: &Path| {
            let out = year_dir(dir.join("out"));
            let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
            assert!(o.status.success(), "{}", stderr(&o));
            out
        };
        let (a, b) = (run(&clean), run(&dirty));
        for f in ["summary.csv", "tables/domain_levels.csv", "tables/street_domain_levels.csv", "tables/street_comprehensive.csv", "tables/major_risks.csv", "tables/coverage.csv"] {
            proptest::prop_assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{} differs", f);
        }
        proptest::prop_assert_eq!(read_layer(&a.join("sise.gpkg"), "T01_sites"), read_layer(&b.join("sise.gpkg"), "T01_sites"));
    }
}

#[test]
fn the_number_variants_are_what_they_claim() {
    assert_eq!(rewritten(1234, 1, None), "１２３４");
    assert_eq!(rewritten(1234, 2, None), "1,234");
    assert_eq!(rewritten(1235, 2, None), "1，235");
    assert_eq!(rewritten(1234567, 4, Some("人")), "1,234,567人");
    assert_eq!(rewritten(12, 3, None), " 12\u{3000}");
    assert_eq!(rewritten(12, 4, None), "12");
}
