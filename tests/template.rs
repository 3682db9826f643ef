//! `sise template`: the forms made from the models, filled the way a
//! bureau's census comes back, score exactly as the demo's own layers; the
//! template GeoPackage opens in the real QGIS with the models' forms.

use std::path::Path;

use crate::common::*;

/// Fill a template sheet from rows of (field key → value): the script finds
/// each header through the 填表说明 table (表头 ↔ 字段), as a person would,
/// writes numbers as numbers and leaves a blank row in the middle.
const FILL: &str = r#"
import csv, json, sys, openpyxl
book, out, jobs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
wb = openpyxl.load_workbook(book)
guide = wb["填表说明"]
header_of = {}
sheet = None
for row in guide.iter_rows(values_only=True):
    if row[0] and str(row[0]).startswith("工作表“"):
        sheet = row[0].split("“")[1].split("”")[0]
    elif sheet and row[1] and row[0] != "表头":
        header_of[(sheet, row[1])] = row[0]
for sheet, rows in jobs.items():
    ws = wb[sheet]
    cols = {c.value: c.column for c in ws[2] if c.value}
    r = 3
    for i, values in enumerate(rows):
        if i == 2:
            r += 1  # a blank row between objects
        for key, v in values.items():
            head = key if key in ("经度", "纬度") else header_of[(sheet, key)]
            try:
                v = float(v) if key not in ("id", "name") and v.replace(".", "", 1).isdigit() else v
            except AttributeError:
                pass
            ws.cell(row=r, column=cols[head], value=v)
        r += 1
wb.save(out)
"#;

fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines.map(|l| header.iter().map(|h| h.to_string()).zip(l.split(',').map(str::to_owned)).collect()).collect()
}

#[test]
fn filled_templates_score_as_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = tmp.path().join("templates");
    let demo = repo().join("layers/demo");
    let o = sise(&["template", demo.join("assessment.toml").to_str().unwrap(), "--out", tpl.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["采集模板.xlsx", "采集模板.gpkg", "layers.toml"] {
        assert!(tpl.join(f).exists(), "{f}");
    }

    // Two domains' objects from the demo layers: D01 in GCJ-02 (the demo's
    // datum for the layer, so the template's), D08 in WGS84.
    let chem: Vec<serde_json::Value> = csv_rows(&demo.join("chemical_enterprises.csv"))
        .into_iter()
        .map(|r| {
            let mut v = serde_json::Map::new();
            for k in ["id", "name", "hazard_class", "major_hazard_grade", "control_grade", "major_hidden_danger_unrectified"] {
                v.insert(k.into(), r[k].clone().into());
            }
            v.insert("经度".into(), r["lon"].clone().into());
            v.insert("纬度".into(), r["lat"].clone().into());
            v.into()
        })
        .collect();
    let equipment: Vec<serde_json::Value> = csv_rows(&demo.join("special_equipment.csv"))
        .into_iter()
        .map(|r| {
            serde_json::json!({"id": r["id"], "equipment_type": r["equipment_type"], "install_year": r["install_year"],
                               "inspection_overdue": r["inspection_overdue"], "经度": r["x"], "纬度": r["y"]})
        })
        .collect();
    let filled = tmp.path().join("filled.xlsx");
    let jobs = serde_json::json!({"危险化学品": chem, "特种设备": equipment});
    let o =
        std::process::Command::new("/usr/bin/python3").args(["-c", FILL]).arg(tpl.join("采集模板.xlsx")).arg(&filled).arg(jobs.to_string()).output().unwrap();
    assert!(o.status.success(), "fill: {}", stderr(&o));

    // The demo config with those two layers read from the filled workbook by layers.toml's entries.
    let mut config = demo_config();
    let snippet: toml::Table = std::fs::read_to_string(tpl.join("layers.toml")).unwrap().parse().unwrap();
    let layers = config["layers"].as_table_mut().unwrap();
    for name in ["chemical_enterprises", "special_equipment"] {
        let mut entry = snippet["layers"][name].as_table().unwrap().clone();
        assert_eq!(entry["header_row"].as_integer(), Some(2));
        entry.insert("path".into(), filled.to_string_lossy().into_owned().into());
        layers.insert(name.into(), entry.into());
    }
    assert_eq!(snippet["layers"]["chemical_enterprises"]["offset"].as_str(), Some("gcj02"), "the demo layer's datum");
    let cfg = tmp.path().join("assessment.toml");
    std::fs::write(&cfg, toml::to_string(&config).unwrap()).unwrap();
    let out = tmp.path().join("out");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    // The same objects, scores and levels as the demo's own run.
    let demo_out = shared_run("layers/demo/assessment.toml");
    for layer in ["D01_hazardous_chemicals", "D08_special_equipment"] {
        let mine = read_layer(&out.join("2024-2026/2024/sise.gpkg"), layer);
        let theirs = read_layer(&demo_out.join("sise.gpkg"), layer);
        assert_eq!(mine.len(), theirs.len(), "{layer}");
        assert!(mine.len() > 40, "{layer}: {}", mine.len());
        for r in &theirs {
            let id = r["id"].as_deref().unwrap();
            for field in ["score", "level", "veto_reason", "street_code"] {
                assert_eq!(value(&mine, "id", id, field), r[field].clone(), "{layer} {id} {field}");
            }
        }
    }
}

#[test]
fn the_template_geopackage_has_the_models_forms_in_qgis() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = tmp.path().join("templates");
    let o = sise(&["template", "--models", repo().join("assessment-models").to_str().unwrap(), "--out", tpl.to_str().unwrap(), "--datum", "gcj02"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let runtime = tmp.path().join("xdg");
    std::fs::create_dir(&runtime).unwrap();
    let o = std::process::Command::new("/usr/bin/python3")
        .arg(repo().join("tests/qgis/check_forms.py"))
        .arg(tpl.join("采集模板.gpkg"))
        .args(["chemical_enterprises", "gas_pipelines", "residential"])
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("/usr/bin/python3 (run scripts/setup.sh to install QGIS)");
    assert!(o.status.success(), "QGIS: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let chem = &v["chemical_enterprises"]["fields"];
    assert_eq!(chem["hazard_class"]["widget"], "ValueMap");
    assert_eq!(chem["hazard_class"]["values"], serde_json::json!(["爆炸品", "毒性物质", "易燃气体", "易燃液体", "氧化性物质", "腐蚀性物质"]));
    assert_eq!(chem["major_hazard_grade"]["values"], serde_json::json!(["一级", "二级", "三级", "四级", "无"]));
    assert_eq!(chem["control_grade"]["values"], serde_json::json!(["A", "B", "C", "D"]));
    assert_eq!(chem["hazard_class"]["alias"], "主要危险化学品类别");
    assert_eq!(chem["major_hidden_danger_unrectified"]["alias"], "未整改重大事故隐患数");
    assert_eq!(chem["hazard_class"]["notnull"], true);
    assert_eq!((chem["id"]["notnull"].as_bool(), chem["id"]["unique"].as_bool()), (Some(true), Some(true)));
    assert_eq!(chem["address"]["notnull"], false);
    let pipes = &v["gas_pipelines"]["fields"];
    assert_eq!(v["gas_pipelines"]["geometry"], 1, "a line layer");
    assert_eq!(pipes["install_year"]["widget"], "Range");
    assert_eq!(pipes["pressure"]["values"], serde_json::json!(["次高压", "中压", "低压"]));
    let homes = &v["residential"]["fields"];
    assert_eq!(
        (homes["population"]["widget"].as_str(), homes["population"]["min"].as_f64(), homes["population"]["max"].as_f64()),
        (Some("Range"), Some(0.0), Some(50000.0))
    );
    // Without a run config, every point sheet asks for the datum given.
    let snippet = std::fs::read_to_string(tpl.join("layers.toml")).unwrap();
    assert_eq!(snippet.matches("offset = \"gcj02\"").count(), snippet.matches("header_row = 2").count());
}
