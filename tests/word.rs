//! Word reports: every HTML report of the demo (2024 and 2025) also as .docx,
//! read back with python-docx (Debian's python3-docx): headings and their
//! levels, tables whose rows equal the GeoPackage, the maps, the TOC field,
//! no template markup; converted by LibreOffice; a bureau's reference .docx
//! changes styles and margins.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// What python-docx reads in a .docx, as JSON: headings (style, numbered, text),
/// tables (rows of cell texts), inline images, fields, the first section's
/// margins and the Normal style's fonts.
const READ: &str = r#"
import json, sys, docx
from docx.oxml.ns import qn
out = {}
for path in sys.argv[1:]:
    d = docx.Document(path)
    body = d.element.body
    heads = [(p.style.name, p._p.pPr is not None and p._p.pPr.numPr is not None, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in d.tables]
    xml = body.xml
    s = d.sections[0]
    normal = d.styles["Normal"].element.rPr
    fonts = normal.rFonts if normal is not None else None
    out[path] = {
        "headings": heads,
        "tables": tables,
        "images": len(d.inline_shapes),
        "toc": 'TOC \\o "1-3"' in xml,
        "seq": xml.count("SEQ 表") + xml.count("SEQ 图"),
        "repeat": xml.count("<w:tblHeader/>"),
        "text": "\n".join(p.text for p in d.paragraphs) + "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells),
        "margins": [s.left_margin.twips, s.right_margin.twips, s.top_margin.twips],
        "normal_east_asia": fonts.get(qn("w:eastAsia")) if fonts is not None else None,
        "normal_ascii": fonts.get(qn("w:ascii")) if fonts is not None else None,
    }
print(json.dumps(out, ensure_ascii=False))
"#;

fn read_docx(files: &[std::path::PathBuf]) -> serde_json::Value {
    let o = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(READ)
        .args(files)
        .output()
        .expect("/usr/bin/python3 with python-docx (scripts/setup.sh test installs python3-docx)");
    assert!(o.status.success(), "python-docx: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Objects per level ("1" … "4") of a domain's GeoPackage layer.
fn level_counts(gpkg: &Path, layer: &str) -> [usize; 4] {
    let mut n = [0; 4];
    for r in read_layer(gpkg, layer) {
        let l: usize = r["level"].as_deref().unwrap().parse().unwrap();
        n[l - 1] += 1;
    }
    n
}

fn headings(doc: &serde_json::Value) -> Vec<(String, bool, String)> {
    doc["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap().to_owned(), h[1].as_bool().unwrap(), h[2].as_str().unwrap().to_owned()))
        .collect()
}

/// The table whose first row starts with `first` cells.
fn table<'a>(doc: &'a serde_json::Value, first: &[&str]) -> &'a Vec<serde_json::Value> {
    doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_array().unwrap())
        .find(|t| t[0].as_array().unwrap().iter().zip(first).all(|(c, f)| c.as_str() == Some(*f)))
        .unwrap_or_else(|| panic!("no table headed {first:?}"))
}

#[test]
fn every_demo_report_is_a_word_document_that_says_what_the_geopackage_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("out");
    for config in ["layers/demo/assessment.toml", "layers/demo-2025/assessment.toml"] {
        let o = sise(&["run", repo().join(config).to_str().unwrap(), "--out", root.to_str().unwrap(), "--quiet"]);
        assert!(o.status.success(), "{config}: {}", stderr(&o));
    }
    for year in ["2024", "2025"] {
        let out = root.join("2024-2026").join(year);
        let gpkg = out.join("sise.gpkg");
        let reports = out.join("reports");
        let mut html: Vec<_> =
            std::fs::read_dir(&reports).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "html")).collect();
        html.sort();
        assert!(html.len() >= 18, "{year}: {} HTML reports", html.len());
        let docx: Vec<_> = html.iter().map(|h| h.with_extension("docx")).collect();
        for d in &docx {
            assert!(d.exists(), "{} not written", d.display());
        }
        let read = read_docx(&docx);
        let mut per_domain: BTreeMap<String, [usize; 4]> = BTreeMap::new();
        for d in &docx {
            let doc = &read[d.to_str().unwrap()];
            let name = d.file_stem().unwrap().to_str().unwrap();
            let text = doc["text"].as_str().unwrap();
            assert!(!text.contains("{{") && !text.contains("{%") && !text.contains("}}"), "{name}: template markup left");
            assert!(doc["toc"].as_bool().unwrap(), "{name}: no TOC field");
            assert!(doc["repeat"].as_u64().unwrap() >= 1, "{name}: no header row repeated across pages");
            let heads = headings(doc);
            // The HTML's h2 are Word's Heading 1, numbered by Word (一、), never by literal text.
            assert!(heads.iter().all(|(_, _, t)| !t.starts_with("一、") && !t.starts_with("（一）")), "{name}: {heads:?}");
            if !name.starts_with('D') {
                continue;
            }
            let h1: Vec<&str> = heads.iter().filter(|h| h.0 == "Heading 1").map(|h| h.2.as_str()).collect();
            assert_eq!(h1, ["评估范围与数据来源", "评估方法与模型参数", "评估结果", "重点风险清单", "管控措施建议", "与上一年度比较"], "{name}");
            assert!(heads.iter().filter(|h| h.0 == "Heading 1").all(|h| h.1), "{name}: heading 1 without numbering");
            assert!(heads.iter().any(|h| h.0 == "Heading 2" && h.2 == "各街镇风险等级" && h.1), "{name}: {heads:?}");
            assert!(doc["images"].as_u64().unwrap() >= 1, "{name}: no map");
            assert!(doc["seq"].as_u64().unwrap() >= 4, "{name}: captions not numbered");
            // The level table's counts are the GeoPackage layer's.
            let counts = table(doc, &["风险等级", "对象数", "占比"]);
            let got: Vec<usize> = counts[1..].iter().map(|r| r[1].as_str().unwrap().parse().unwrap()).collect();
            let want = level_counts(&gpkg, name);
            assert_eq!(got, want, "{year} {name}: report counts vs GeoPackage");
            per_domain.insert(name[..3].to_owned(), want);
        }
        // The comprehensive report: every domain's counts, the 街镇, the appendix.
        let doc = &read[reports.join("comprehensive.docx").to_str().unwrap()];
        let rows = table(doc, &["领域", "重大风险", "较大风险", "一般风险", "低风险"]);
        assert_eq!(rows.len() - 1, per_domain.len());
        for r in &rows[1..] {
            let id = &r[0].as_str().unwrap()[..3];
            let got: Vec<usize> = (1..=4).map(|k| r[k].as_str().unwrap().split('（').next().unwrap().parse().unwrap()).collect();
            assert_eq!(got, per_domain[id], "{year} comprehensive {id}");
        }
        let red_orange: usize = per_domain.values().map(|c| c[0] + c[1]).sum();
        let appendix = table(doc, &["序号", "风险点名称", "对象编号", "所属领域"]);
        assert_eq!(appendix.len() - 1, red_orange, "{year}: the appendix lists every red and orange object");
        let heads = headings(doc);
        assert!(heads.iter().any(|h| h.2.starts_with("附录") && !h.1), "{year}: the appendix is an unnumbered heading: {heads:?}");
        let h1: Vec<&str> = heads.iter().filter(|h| h.0 == "Heading 1" && h.1).map(|h| h.2.as_str()).collect();
        assert_eq!(h1, ["评估概况", "各领域评估结果", "综合风险分布", "重大风险点", "管控措施建议", "年度动态变化"]);
        let streets = read_layer(&gpkg, "streets");
        for s in &streets {
            let n = s["street_name"].clone().unwrap_or_default();
            if !n.is_empty() {
                assert!(heads.iter().any(|h| h.0 == "Heading 2" && h.2.starts_with(&n)), "{year}: no section for {n}");
            }
        }
        let text = doc["text"].as_str().unwrap();
        assert!(text.contains("区域概况") && text.contains("km²") && text.contains("万人"), "{year}: district profile");
        if year == "2025" {
            assert!(text.contains("与2024年相比"), "the 2025 report compares with 2024");
        }
    }
}

#[test]
fn libreoffice_converts_the_word_reports_to_pdf() {
    let out = shared_run("layers/demo/assessment.toml");
    let tmp = tempfile::tempdir().unwrap();
    let profile = format!("-env:UserInstallation=file://{}", tmp.path().join("lo").display());
    let o = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(tmp.path())
        .arg(out.join("reports/comprehensive.docx"))
        .arg(out.join("reports/D01_hazardous_chemicals.docx"))
        .output()
        .expect("soffice (scripts/setup.sh test installs libreoffice-writer)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["comprehensive", "D01_hazardous_chemicals"] {
        let pdf = tmp.path().join(format!("{name}.pdf"));
        let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        // Word numbering, the cover and page numbers as LibreOffice lays them out.
        assert!(text.contains("目") && text.contains("一、") && text.contains("评估区域"), "{name}: {}", &text[..text.len().min(2000)]);
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.contains("第2页"), "{name}: no page numbers");
        assert!(flat.contains("表1") && flat.contains("图1"), "{name}: captions");
    }
}

/// A bureau's template made with python-docx: 楷体 / Arial body text and
/// `side`-twip left and right margins (top 1700).
fn make_reference(path: &Path, side: u32) {
    let make = r#"
import sys, docx
from docx.shared import Twips
from docx.oxml.ns import qn
d = docx.Document()
s = d.styles["Normal"]
s.font.name = "Arial"
s.element.rPr.rFonts.set(qn("w:eastAsia"), "楷体")
side = int(sys.argv[2])
for sec in d.sections:
    sec.left_margin = Twips(side); sec.right_margin = Twips(side); sec.top_margin = Twips(1700)
d.save(sys.argv[1])
"#;
    let o = std::process::Command::new("/usr/bin/python3").arg("-c").arg(make).arg(path).arg(side.to_string()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_reference_docx_supplies_styles_and_margins() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("bureau.docx");
    make_reference(&reference, 2000);
    let mut config = demo_config();
    let mut report = toml::Table::new();
    report.insert("reference_docx".into(), reference.to_string_lossy().into_owned().into());
    report.insert("assessor".into(), "某某安全评估有限公司".into());
    config.insert("report".into(), report.into());
    let cfg = tmp.path().join("assessment.toml");
    std::fs::write(&cfg, toml::to_string(&config).unwrap()).unwrap();
    let root = tmp.path().join("out");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let styled = year_dir(&root).join("reports/D01_hazardous_chemicals.docx");
    let plain = shared_run("layers/demo/assessment.toml").join("reports/D01_hazardous_chemicals.docx");
    let read = read_docx(&[styled.clone(), plain.clone()]);
    let (styled, plain) = (&read[styled.to_str().unwrap()], &read[plain.to_str().unwrap()]);
    assert_eq!(styled["margins"], serde_json::json!([2000, 2000, 1700]));
    assert_eq!(styled["normal_east_asia"], "楷体");
    assert_eq!(styled["normal_ascii"], "Arial");
    assert_eq!(plain["normal_east_asia"], "宋体", "sise's own Normal style");
    assert_ne!(plain["margins"], styled["margins"]);
    // The same report either way: its headings, and the assessor on the cover.
    assert_eq!(styled["headings"], plain["headings"]);
    assert!(styled["text"].as_str().unwrap().contains("某某安全评估有限公司"));
}

/// The handmade fixture with `[report] reference_docx = "bureau.docx"`.
fn fixture_with_reference() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = copy_fixture("handmade");
    let cfg = dir.join("assessment.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}\n[report]\nreference_docx = \"bureau.docx\"\n")).unwrap();
    (tmp, cfg)
}

#[test]
fn a_reference_that_is_not_a_word_document_stops_validate_and_run_before_scoring() {
    let (_tmp, cfg) = fixture_with_reference();
    std::fs::write(cfg.with_file_name("bureau.docx"), "saved as plain text by mistake").unwrap();
    let needles = ["bureau.docx", "reference .docx", "not a Word document"];
    // validate scores nothing to a report, yet tells it: the reference is read with the config.
    let o = sise(&["validate", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    for n in needles {
        assert!(stderr(&o).contains(n), "'{n}' not in: {}", stderr(&o));
    }
    assert_refused(&cfg, &[], 3, &needles);
}

#[test]
fn a_changed_reference_docx_is_a_changed_input() {
    let (tmp, cfg) = fixture_with_reference();
    let reference = cfg.with_file_name("bureau.docx");
    make_reference(&reference, 2000);
    let root = tmp.path().join("out");
    let run = || sise(&["run", cfg.to_str().unwrap(), "--out", root.to_str().unwrap(), "--if-changed"]);
    let said = |o: &std::process::Output| format!("{}{}", stderr(o), String::from_utf8_lossy(&o.stdout));
    let report = year_dir(&root).join("reports/comprehensive.docx");
    let margins = || read_docx(std::slice::from_ref(&report))[report.to_str().unwrap()]["margins"].clone();
    assert!(run().status.success());
    assert_eq!(margins(), serde_json::json!([2000, 2000, 1700]));
    let o = run();
    assert!(said(&o).contains("unchanged"), "an unchanged rerun is skipped: {}", said(&o));
    // The bureau sends a new template: the next scheduled run writes the reports with it.
    make_reference(&reference, 2400);
    let o = run();
    assert!(o.status.success() && !said(&o).contains("unchanged"), "{}", said(&o));
    assert_eq!(margins(), serde_json::json!([2400, 2400, 1700]));
    let manifest = std::fs::read_to_string(year_dir(&root).join("manifest.json")).unwrap();
    assert!(manifest.contains("bureau.docx"), "the manifest records the reference among the inputs");
}
