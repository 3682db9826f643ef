//! The QGIS plugin (qgis/sise_qgis) in the real QGIS (Debian 12's 3.22):
//! packaged by scripts/qgis-plugin.sh, installed from its zip into a fresh
//! profile as "Install from ZIP" does, enabled and run through qgis_process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// Debian's `qgis_process` wrapper passes `--noversioncheck` (from
/// /etc/default/qgis), which qgis_process refuses: call the program itself.
fn qgis_process() -> &'static str {
    if Path::new("/usr/bin/qgis_process.bin").exists() {
        "/usr/bin/qgis_process.bin"
    } else {
        "qgis_process"
    }
}

/// A fresh QGIS profile with the plugin unpacked from its zip.
fn profile() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("sise_qgis.zip");
    let o = Command::new("bash").arg(repo().join("scripts/qgis-plugin.sh")).arg(&zip).output().unwrap();
    assert!(o.status.success(), "packaging the plugin: {}", stderr(&o));
    let config = tmp.path().join("qgis");
    let plugins = config.join("profiles/default/python/plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    let o = Command::new("python3").args(["-m", "zipfile", "-e"]).arg(&zip).arg(&plugins).output().unwrap();
    assert!(o.status.success(), "unzipping the plugin: {}", stderr(&o));
    assert!(plugins.join("sise_qgis/metadata.txt").exists());
    std::fs::create_dir_all(tmp.path().join("xdg")).unwrap();
    (tmp, config)
}

fn qgis(tmp: &Path, config: &Path, args: &[&str]) -> Output {
    Command::new(qgis_process())
        .args(args)
        .env("QGIS_CUSTOM_CONFIG_PATH", config)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", tmp.join("xdg"))
        .env("SISE_BIN", env!("CARGO_BIN_EXE_sise"))
        .env("SISE_LOG", "info")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("qgis_process (run scripts/setup.sh test to install QGIS)")
}

/// The output time of both runs, so the workbooks' creation times agree too.
const EPOCH: &str = "1733450000";

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

#[test]
fn the_plugin_runs_sise_under_qgis_process() {
    let (tmp, config) = profile();
    let o = qgis(tmp.path(), &config, &["plugins", "enable", "sise_qgis"]);
    assert!(o.status.success(), "enabling: {}", text(&o));

    let o = qgis(tmp.path(), &config, &["list"]);
    let list = text(&o);
    for alg in ["sise:run", "sise:validate", "sise:sensitivity", "sise:template", "sise:compare", "sise:publish"] {
        assert!(list.contains(alg), "{alg} not listed:\n{list}");
    }

    // The run algorithm on the demo: the same tables as `sise run`, byte for byte.
    let out = tmp.path().join("out");
    let demo = repo().join("layers/demo/assessment.toml");
    let o = qgis(tmp.path(), &config, &["run", "sise:run", "--", &format!("CONFIG={}", demo.display()), &format!("OUT={}", out.display())]);
    let log = text(&o);
    assert!(o.status.success(), "sise:run failed:\n{log}");
    assert!(log.contains("assessment written to"), "sise's log is not in the feedback:\n{log}");
    let year = year_dir(&out);
    assert!(log.contains(&format!("OUTPUT_DIR:\t{}", year.display())), "the year folder is not the result:\n{log}");
    let reference_root = tmp.path().join("reference");
    let o = Command::new(env!("CARGO_BIN_EXE_sise"))
        .args(["run", demo.to_str().unwrap(), "--out", reference_root.to_str().unwrap(), "--quiet"])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(o.status.success(), "sise run: {}", stderr(&o));
    let reference = year_dir(&reference_root);
    let mut files: Vec<PathBuf> = std::fs::read_dir(reference.join("tables")).unwrap().map(|e| e.unwrap().path()).collect();
    files.push(reference.join("summary.csv"));
    files.sort();
    assert!(files.len() > 10, "{files:?}");
    for f in &files {
        let rel = f.strip_prefix(&reference).unwrap();
        assert_eq!(sha256(f), sha256(&year.join(rel)), "{} differs from sise run's", rel.display());
    }

    // A failing config: non-zero, and sise's own message in the feedback.
    let bad = repo().join("tests/bad-input/cases/missing_field/assessment.toml");
    let o = qgis(tmp.path(), &config, &["run", "sise:run", "--", &format!("CONFIG={}", bad.display()), &format!("OUT={}", tmp.path().join("bad").display())]);
    let log = text(&o);
    assert!(!o.status.success(), "a bad config succeeded:\n{log}");
    assert!(log.contains("missing field 'grade'") && log.contains("退出码 12"), "sise's message is not in the feedback:\n{log}");
}

/// As the desktop runs it (Processing's runAndLoadResults, which the
/// algorithm dialog uses): the year's 19 layers are loaded under their Chinese
/// titles with sise's four-colour style and map tip; cancelling stops sise
/// and the algorithm fails without outputs.
#[test]
fn the_plugin_loads_styled_layers_and_cancel_stops_sise() {
    let (tmp, config) = profile();
    let plugins = config.join("profiles/default/python/plugins");
    let out = tmp.path().join("out");
    let o = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/qgis/check_plugin_load.py"))
        .arg(&plugins)
        .arg(repo().join("layers/demo/assessment.toml"))
        .arg(&out)
        .env("QGIS_CUSTOM_CONFIG_PATH", &config)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", tmp.path().join("xdg"))
        .env("SISE_BIN", env!("CARGO_BIN_EXE_sise"))
        .output()
        .expect("/usr/bin/python3 with QGIS");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "plugin load check failed:\n{stdout}\n{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
    assert_eq!(report["loaded"].as_array().unwrap().len(), 19, "{report}");
    assert!(report["cancelled"].as_str().unwrap().contains("cancelled"), "{report}");
}
