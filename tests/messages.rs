//! Messages an assessor can act on, in both languages: the same refusals
//! in English (the default, and under a non-Chinese locale) and in Chinese
//! (`--lang zh`, or a zh_CN locale), naming the file, the feature or sheet
//! row and the field with its Chinese name; rejects.csv reasons and
//! `validate` output follow the language.

use std::path::PathBuf;

use crate::common::*;

fn case(corpus: &str, name: &str) -> PathBuf {
    repo().join("tests").join(corpus).join("cases").join(name).join("assessment.toml")
}

/// `sise run` on a case with extra arguments and environment: exit code and stderr.
fn run(config: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sise"));
    cmd.arg("run").arg(config).arg("--out").arg(tmp.path()).args(args).env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    (o.status.code(), stderr(&o))
}

/// A case: corpus, name, exit code, English needles, Chinese needles.
type Case = (&'static str, &'static str, i32, &'static [&'static str], &'static [&'static str]);

const SAMPLE: &[Case] = &[
    ("bad-input", "missing_file", 10, &["file not found"], &["错误：", "文件不存在"]),
    ("bad-input", "duplicate_id", 20, &["duplicate id"], &["编号重复"]),
    ("bad-input", "no_crs", 18, &["declares no CRS"], &["未声明坐标系", "EPSG:4549"]),
    (
        "dirty-input",
        "number_unknown",
        13,
        &["field 'population' should be a number, found '不详'", "not a number"],
        &["字段“population”应为数值，实为“不详”", "不是数值"],
    ),
    (
        "dirty-input",
        "empty_category",
        12,
        &["field 'cls' (类别) (indicator 'cls') is empty", "missing = \"reject\" or \"worst\""],
        &["字段“类别”（cls）（指标“cls”）为空", "说明空值的含义"],
    ),
    ("dirty-input", "unknown_grade", 14, &["(the control grade) is 'C'"], &["（管控等级）为“C”", "不是模型文件"]),
    ("dirty-input", "gbk_csv", 13, &["not UTF-8", "decodes as GBK"], &["不是 UTF-8 编码", "按 GBK 可以正确解码"]),
    (
        "dirty-input",
        "outside_gcj02",
        19,
        &["outside the district", "GCJ-02-offset", "offset = \"gcj02\""],
        &["位于区外", "GCJ-02 偏移坐标", "offset = \"gcj02\""],
    ),
    (
        "dirty-input",
        "sheet_bad_coordinate",
        13,
        &["sheet '测试单位' row 8 (id 'S3')", "75 minutes is 60 or more"],
        &["工作表“测试单位”第 8 行（编号 S3）", "分为 75，不小于 60"],
    ),
    ("dirty-input", "sheet_no_header", 12, &["no header row found"], &["找不到表头", "header_row"]),
];

#[test]
fn a_sample_of_refusals_in_english_and_chinese() {
    for (corpus, name, code, en, zh) in SAMPLE {
        let cfg = case(corpus, name);
        let (c, e) = run(&cfg, &[], &[]);
        assert_eq!(c, Some(*code), "{name} (en): {e}");
        assert!(e.contains("sise: error: "), "{name}: {e}");
        for n in *en {
            assert!(e.contains(n), "{name} (en): '{n}' not in {e}");
        }
        let (c, z) = run(&cfg, &["--lang", "zh"], &[]);
        assert_eq!(c, Some(*code), "{name} (zh): {z}");
        for n in *zh {
            assert!(z.contains(n), "{name} (zh): '{n}' not in {z}");
        }
        assert!(!z.contains(" is empty") && !z.contains("should be a number"), "{name}: English left in {z}");
    }
}

#[test]
fn a_chinese_locale_chooses_chinese_and_the_flag_wins() {
    let cfg = case("dirty-input", "number_unknown");
    let (_, z) = run(&cfg, &[], &[("LANG", "zh_CN.UTF-8")]);
    assert!(z.contains("应为数值"), "{z}");
    let (_, e) = run(&cfg, &["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(e.contains("should be a number"), "{e}");
}

/// A field the model names in Chinese is named by key and name.
#[test]
fn fields_are_named_with_their_chinese_names() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = repo().join("layers/demo");
    let csv = std::fs::read_to_string(demo.join("chemical_enterprises.csv")).unwrap().replacen(",三级,", ",三级（暂定）,", 1);
    std::fs::write(tmp.path().join("chem.csv"), csv).unwrap();
    let mut config = demo_config();
    config["layers"]["chemical_enterprises"].as_table_mut().unwrap().insert("path".into(), tmp.path().join("chem.csv").to_string_lossy().into_owned().into());
    let cfg = tmp.path().join("assessment.toml");
    std::fs::write(&cfg, toml::to_string(&config).unwrap()).unwrap();
    let (c, e) = run(&cfg, &[], &[]);
    assert_eq!(c, Some(14), "{e}");
    assert!(e.contains("field 'major_hazard_grade' (重大危险源等级) (indicator 'major_hazard_grade') is '三级(暂定)'"), "{e}");
    let (_, z) = run(&cfg, &["--lang", "zh"], &[]);
    assert!(z.contains("字段“重大危险源等级”（major_hazard_grade）（指标“major_hazard_grade”）为“三级(暂定)”"), "{z}");
}

/// rejects.csv reasons and `sise validate` speak the chosen language.
#[test]
fn rejects_and_validate_follow_the_language() {
    let cfg = case("dirty-input", "empty_population_reject");
    let tmp = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sise")).args(["--lang", "zh", "run"]).arg(&cfg).arg("--out").arg(tmp.path()).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(year_dir(tmp.path()).join("rejects.csv")).unwrap();
    assert!(rejects.contains("字段“population”为空") && rejects.contains("missing = \"\"reject\"\""), "{rejects}");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sise")).args(["validate", "--lang", "zh"]).arg(&cfg).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("通过  T01 测试场所") && out.contains("不参评") && out.contains("运行配置有效"), "{out}");
}

#[test]
fn an_offset_on_a_projected_layer_is_refused_in_both_languages() {
    let (_tmp, dir) = copy_fixture("handmade");
    let config = dir.join("assessment.toml");
    // The sites' section, the first with these lines.
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "crs = \"EPSG:4549\"\nid_field = \"id\"",
        "crs = \"EPSG:4549\"\nid_field = \"id\"\noffset = \"gcj02\"",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let (code, en) = run(&config, &[], &[]);
    assert_eq!(code, Some(18), "{en}");
    assert!(en.contains("sites.geojson") && en.contains("offset = \"gcj02\"") && en.contains("projected (metres)"), "{en}");
    let (code, zh) = run(&config, &["--lang", "zh"], &[]);
    assert_eq!(code, Some(18), "{zh}");
    assert!(zh.contains("sites.geojson") && zh.contains("投影坐标（米）") && zh.contains("EPSG:4326"), "{zh}");
}

/// `sise --lang zh validate` on the handmade case with `from` replaced by
/// `to` in one of its files: exit 4 for a model file's mistake (3 for the
/// run config's), naming the file, and what it printed.
fn validate_zh_with(name: &str, from: &str, to: &str) -> String {
    let (_tmp, dir) = copy_fixture("handmade");
    let file = dir.join(name);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{name} has no '{from}'");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    let o = sise(&["--lang", "zh", "validate", dir.join("assessment.toml").to_str().unwrap()]);
    let e = stderr(&o);
    let code = if name == "assessment.toml" { 3 } else { 4 };
    assert_eq!(o.status.code(), Some(code), "{e}");
    assert!(e.contains(name), "{e}");
    e
}

#[test]
fn model_file_mistakes_are_explained_in_chinese_too() {
    let e = validate_zh_with("depth_model.toml", "source = \"raster_sample\"", "source = \"raster\"");
    assert!(e.contains("未知的 source \"raster\"") && e.contains("raster_sample"), "{e}");
    let e = validate_zh_with("sites_model.toml", "reason = \"测试否决\"", "reason = \" \"");
    assert!(e.contains("[[veto]]：reason 为空"), "{e}");
    // Framed by line and indicator in Chinese too, not "line 27: indicator …".
    let e = validate_zh_with("sites_model.toml", "linear = [0, 2000]", "linear = [2000, 2000]");
    assert!(e.contains("第 2") && e.contains("行：指标“") && e.contains("linear = [2000, 2000] 的两个值应不同"), "{e}");
    let e = validate_zh_with("sites_model.toml", "categories = { high = 100, low = 20 }", "categories = { high = 100, \"ｈｉｇｈ\" = 20 }");
    assert!(e.contains("categories：有两个键都读作“high”"), "{e}");
    let e = validate_zh_with(
        "assessment.toml",
        "[streets]",
        "[colours]\nred = \"red\"\norange = \"#FF7F00\"\nyellow = \"#FFFF00\"\nblue = \"#0070FF\"\n\n[streets]",
    );
    assert!(e.contains("运行配置") && e.contains("colours.red = \"red\" 不是形如 \"#E60000\" 的颜色"), "{e}");
}

#[test]
fn plans_outputs_and_commands_are_refused_in_chinese_too() {
    let (_tmp, dir) = copy_fixture("handmade");
    let config = dir.join("assessment.toml");
    let out = dir.join("units");
    let plan = dir.join("no-plan.json");
    let o = sise(&["--lang", "zh", "run", config.to_str().unwrap(), "--plan", plan.to_str().unwrap(), "--unit", "0", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let e = stderr(&o);
    assert!(e.contains("错误：") && e.contains("no-plan.json") && e.contains("无法读取分块方案") && e.contains("sise plan"), "{e}");

    let o = sise(&["--lang", "zh", "models", "show", "D99", "--config", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let e = stderr(&o);
    assert!(e.contains("没有 id 或 key 为“D99”的模型"), "{e}");
    let o = sise(&["models", "show", "D99", "--config", config.to_str().unwrap()]);
    assert!(stderr(&o).contains("no model with id or key 'D99'"), "{}", stderr(&o));

    // A lock held by a live process (this test's): the run is refused, in Chinese.
    let dest = dir.join("out");
    std::fs::create_dir_all(dest.join("2024-2026")).unwrap();
    std::fs::write(dest.join("2024-2026/.2024.sise-lock"), format!("{}\n", std::process::id())).unwrap();
    let o = sise(&["--lang", "zh", "run", config.to_str().unwrap(), "--out", dest.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(6));
    let e = stderr(&o);
    assert!(e.contains("输出") && e.contains(&format!("另一个 sise 运行（进程 {}）正在写入该目录", std::process::id())), "{e}");
}
