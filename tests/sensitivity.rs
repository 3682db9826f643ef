//! The sensitivity analysis (敏感性分析): reproducible from its seed on any
//! thread count, its one-at-a-time counts equal to counts made by hand from
//! the GeoPackage's scores, its recomputation equal to the run's own scoring
//! when nothing is perturbed, and bad settings refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gdal::vector::LayerAccess;

use crate::common::*;

/// Rows of a CSV table sise wrote, read through GDAL's CSV driver, by column name.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let ds = gdal::Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut layer = ds.layer(0).unwrap();
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    layer.features().map(|f| names.iter().enumerate().map(|(i, n)| (n.clone(), f.field_as_string(i).unwrap().unwrap_or_default())).collect()).collect()
}

/// The demo config (without the review, whose ids are not the point here) written to `dir`, with `extra` TOML appended.
fn demo_in(dir: &Path, extra: &str, models: Option<&Path>) -> PathBuf {
    let mut config = demo_config();
    config.remove("review");
    if let Some(m) = models {
        config.insert("domains".into(), toml::Value::Array(vec![m.to_string_lossy().into_owned().into()]));
    }
    let path = dir.join("assessment.toml");
    std::fs::write(&path, toml::to_string(&config).unwrap() + extra).unwrap();
    path
}

fn sensitivity(config: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["sensitivity", config.to_str().unwrap(), "--out", root_of(out)];
    args.extend_from_slice(extra);
    let o = sise(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The count of the row of `sensitivity.csv` for `domain` and `param`, in `column`.
fn effect(rows: &[BTreeMap<String, String>], domain: &str, param: &str, column: &str) -> usize {
    let r = rows.iter().find(|r| r["领域编号"] == domain && r["参数"] == param).unwrap_or_else(|| panic!("no {domain} {param}"));
    r[column].parse().unwrap()
}

#[test]
fn same_seed_same_tables_and_threshold_counts_agree_with_the_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let config = demo_in(tmp.path(), "", None);
    let (a, b, c) = (year_dir(tmp.path().join("a")), year_dir(tmp.path().join("b")), year_dir(tmp.path().join("c")));
    sensitivity(&config, &a, &[]);
    sensitivity(&config, &b, &["-j", "1"]);
    sensitivity(&config, &c, &["--seed", "7"]);

    // Same seed, one thread or all: identical tables and 风险清单.
    for t in ["sensitivity.csv", "sensitivity_streets.csv", "risk_register.csv"] {
        assert_eq!(sha256(&a.join("tables").join(t)), sha256(&b.join("tables").join(t)), "{t} differs between thread counts");
    }
    // Another seed: the one-at-a-time table is the same (it draws nothing), the stabilities are not.
    assert_eq!(sha256(&a.join("tables/sensitivity.csv")), sha256(&c.join("tables/sensitivity.csv")));
    let (ra, rc) = (csv_rows(&a.join("tables/risk_register.csv")), csv_rows(&c.join("tables/risk_register.csv")));
    assert!(ra.iter().zip(&rc).any(|(x, y)| x["等级稳定度(%)"] != y["等级稳定度(%)"]), "seed 7 drew the same stabilities as 20241");

    // By hand, from the GeoPackage: D02 grades 现实风险 by red ≥ 80, orange ≥ 60, yellow ≥ 40,
    // and the default ±5 % moves each threshold alone to 0.95× and 1.05×.
    let d02 = read_layer(&a.join("sise.gpkg"), "D02_urban_gas");
    let rows: Vec<(f64, i64, bool)> = d02
        .iter()
        .map(|r| (r["score"].as_ref().unwrap().parse().unwrap(), r["computed_level"].as_ref().unwrap().parse().unwrap(), r["veto_reason"].is_some()))
        .collect();
    let count = |f: &dyn Fn(f64, i64, bool) -> bool| rows.iter().filter(|(s, l, v)| f(*s, *l, *v)).count();
    // Yellow at 38: blue objects scoring 38–40 turn yellow; at 42, yellow ones scoring 40–42 turn blue
    // (a veto forces at least orange, so no yellow object owes its level to one).
    let yellow_low = count(&|s, l, _| l == 4 && (38.0..40.0).contains(&s));
    let yellow_high = count(&|s, l, _| l == 3 && (40.0..42.0).contains(&s));
    // Red at 76: orange objects scoring 76–80 turn red; at 84, red ones scoring 80–84 turn orange unless a veto keeps them red.
    let red_low = count(&|s, l, _| l == 2 && (76.0..80.0).contains(&s));
    let red_high = count(&|s, l, veto| l == 1 && (80.0..84.0).contains(&s) && !veto);
    let table = csv_rows(&a.join("tables/sensitivity.csv"));
    assert_eq!(effect(&table, "D02", "阈值：一般风险", "下限时等级改变对象数"), yellow_low);
    assert_eq!(effect(&table, "D02", "阈值：一般风险", "上限时等级改变对象数"), yellow_high);
    assert_eq!(effect(&table, "D02", "阈值：重大风险", "下限时等级改变对象数"), red_low);
    assert_eq!(effect(&table, "D02", "阈值：重大风险", "上限时等级改变对象数"), red_high);
    assert!(yellow_low + yellow_high > 10 && red_low + red_high > 3, "the demo has objects near D02's thresholds");

    // Stability and 临界 in the GeoPackage, agreeing with the 风险清单 and the 0.8 cut.
    let critical = d02.iter().filter(|r| r["critical"].as_deref() == Some("是")).count();
    for r in &d02 {
        let s: f64 = r["stability"].as_ref().unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&s));
        assert_eq!(r["critical"].as_deref(), Some(if s < 0.8 { "是" } else { "否" }));
    }
    let pipe = ra.iter().find(|r| r["所属领域"].starts_with("D02")).unwrap();
    let stab = num(&d02, "id", &pipe["对象编号"], "stability");
    assert_eq!(pipe["等级稳定度(%)"].parse::<f64>().unwrap(), (stab * 1000.0).round() / 10.0);
    assert!(critical > 0 && critical < d02.len(), "some but not all pipes are 临界: {critical}");

    // The manifest, the 街镇 table, the tornado charts and the report sections.
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(a.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["sensitivity"]["settings"]["draws"], 200);
    assert_eq!(m["sensitivity"]["critical"]["D02"].as_u64(), Some(critical as u64));
    let streets = csv_rows(&a.join("tables/sensitivity_streets.csv"));
    assert_eq!(streets.len(), 10);
    let objects: usize = streets.iter().map(|r| r["评估对象数"].parse::<usize>().unwrap()).sum();
    assert_eq!(objects, ra.len(), "every scored object lies in one 街镇");
    assert!(streets.iter().all(|r| !r["最敏感参数"].is_empty()), "each 街镇 names its most moving parameter");
    for d in ["D01", "D02", "D06", "D17"] {
        let png = a.join(format!("maps/tornado_{d}.png"));
        assert!(std::fs::metadata(&png).is_ok_and(|m| m.len() > 10_000), "{}", png.display());
    }
    let report = std::fs::read_to_string(a.join("reports/D02_urban_gas.html")).unwrap();
    assert!(report.contains("<h3>敏感性分析</h3>") && report.contains(&format!("{critical} 个（")), "D02 report states its 临界 count");
    let comprehensive = std::fs::read_to_string(a.join("reports/comprehensive.html")).unwrap();
    assert!(comprehensive.contains("<h3>敏感性分析</h3>") && comprehensive.contains("蒙特卡洛抽样 200 次"));
}

#[test]
fn nothing_perturbed_keeps_every_level() {
    // The models without their input uncertainties and every range 0: each
    // draw must reproduce the run's own levels exactly, in all 17 domains
    // (weighted index, AHP, risk matrix, LEC, control, vetoes).
    let tmp = tempfile::tempdir().unwrap();
    let models = tmp.path().join("models");
    std::fs::create_dir(&models).unwrap();
    for e in std::fs::read_dir(repo().join("assessment-models")).unwrap() {
        let p = e.unwrap().path();
        let text: String = std::fs::read_to_string(&p).unwrap().lines().filter(|l| !l.starts_with("uncertainty")).map(|l| format!("{l}\n")).collect();
        std::fs::write(models.join(p.file_name().unwrap()), text).unwrap();
    }
    let config = demo_in(tmp.path(), "\n[sensitivity]\ndraws = 20\nweights = 0\nahp_steps = 0\nthresholds = 0\ncontrol = 0\n", Some(&models));
    let out = year_dir(tmp.path().join("out"));
    // `sise run` carries the analysis when the config has [sensitivity].
    let o = sise(&["run", config.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let register = csv_rows(&out.join("tables/risk_register.csv"));
    assert!(register.len() > 3000);
    assert!(register.iter().all(|r| r["等级稳定度(%)"] == "100.0" && r["临界"] == "否"), "a level moved with nothing perturbed");
    assert!(csv_rows(&out.join("tables/sensitivity.csv")).is_empty(), "no parameter has a range");
}

#[test]
fn bad_settings_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let config = demo_in(tmp.path(), "\n[sensitivity]\nweights = 1.5\n", None);
    assert_refused(&config, &[], 3, &["sensitivity.weights = 1.5", "0.2 = ±20 %"]);
    let config = demo_in(tmp.path(), "\n[sensitivity]\ndraw = 100\n", None);
    assert_refused(&config, &[], 3, &["unknown field `draw`"]);

    let plain = demo_in(tmp.path(), "", None);
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["sensitivity", plain.to_str().unwrap(), "--out", root_of(&out), "--draws", "0"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("sensitivity.draws = 0") && !out.exists());

    // An uncertainty is a share below 1, on a numeric indicator.
    let models = tmp.path().join("models");
    std::fs::create_dir(&models).unwrap();
    let d02 = std::fs::read_to_string(repo().join("assessment-models/D02_urban_gas.toml")).unwrap();
    std::fs::write(models.join("D02.toml"), d02.replace("uncertainty = 0.2", "uncertainty = 20")).unwrap();
    let config = demo_in(tmp.path(), "", Some(&models));
    assert_refused(&config, &[], 4, &["D02.toml", "population_200m", "uncertainty = 20"]);
}
