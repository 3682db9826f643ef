//! Helpers shared by the integration tests: running the real binary and
//! reading its GeoPackage back through GDAL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gdal::vector::LayerAccess;
use gdal::Dataset;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the `sise` binary with arguments; returns its output.
pub fn sise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sise")).args(args).env("SISE_LOG", "warn").output().expect("run sise")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copy a fixture folder into a fresh temporary folder, so a test can edit it.
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join(name);
    std::fs::create_dir_all(&dest).unwrap();
    for e in std::fs::read_dir(repo().join("tests/fixtures").join(name)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
    }
    (tmp, dest)
}

/// One value of a GeoPackage feature, read as text (numbers formatted by GDAL).
pub type Row = BTreeMap<String, Option<String>>;

/// Every feature of a layer: field name → value as text.
pub fn read_layer(gpkg: &Path, layer: &str) -> Vec<Row> {
    let ds = Dataset::open(gpkg).unwrap();
    let mut l = ds.layer_by_name(layer).unwrap_or_else(|_| panic!("layer {layer} in {}", gpkg.display()));
    let names: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
    l.features().map(|f| names.iter().enumerate().map(|(i, n)| (n.clone(), f.field_as_string(i).unwrap())).collect()).collect()
}

/// `field` of the row whose `key` field is `id`.
pub fn value(rows: &[Row], key: &str, id: &str, field: &str) -> Option<String> {
    rows.iter()
        .find(|r| r[key].as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no row with {key} = {id}"))
        .get(field)
        .unwrap_or_else(|| panic!("no field {field}"))
        .clone()
}

pub fn num(rows: &[Row], key: &str, id: &str, field: &str) -> f64 {
    value(rows, key, id, field).unwrap_or_else(|| panic!("{id}.{field} is null")).parse().unwrap()
}

/// The layer names of a GeoPackage, through GDAL.
pub fn read_gpkg_layer_names(gpkg: &Path) -> Vec<String> {
    Dataset::open(gpkg).unwrap().layers().map(|l| l.name()).collect()
}

/// The year folder of the fixtures' runs under an output root (cycle 2024-2026, year 2024).
pub fn year_dir(root: impl AsRef<Path>) -> PathBuf {
    root.as_ref().join("2024-2026").join("2024")
}

/// The output root to pass as `--out` for a year folder made by [`year_dir`].
pub fn root_of(year: &Path) -> &str {
    year.parent().and_then(Path::parent).and_then(Path::to_str).expect("a year folder under a root")
}

/// Run `sise run` on a config of the repository into a fresh temporary root;
/// returns the root's guard and the year folder (cycle 2024-2026, year 2024).
pub fn run_config(config: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", repo().join(config).to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "sise run {config} failed: {}", stderr(&o));
    (tmp, out)
}

/// `sise run` on `config` into a fresh root must exit with `code`, say every
/// needle, and leave nothing behind: not a single file under the root.
pub fn assert_refused(config: &Path, extra: &[&str], code: i32, needles: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    let mut args = vec!["run", config.to_str().unwrap(), "--out", root_of(&out)];
    args.extend_from_slice(extra);
    let o = sise(&args);
    let e = stderr(&o);
    let name = config.display();
    assert_eq!(o.status.code(), Some(code), "{name}: {e}");
    for n in needles {
        assert!(e.contains(n), "{name}: '{n}' not in: {e}");
    }
    assert!(!out.exists(), "{name}: an output folder was created");
    let mut stack = vec![tmp.path().to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            assert!(p.is_dir(), "{name}: file left behind: {}", p.display());
            stack.push(p);
        }
    }
}

/// The outputs of a repository config run once per test process and shared
/// by every test that only reads them: a demo run takes seconds, and most
/// tests look at the same outputs. Tests that change or write into outputs
/// use [`run_config`] instead.
pub fn shared_run(config: &str) -> PathBuf {
    use std::sync::{Mutex, OnceLock};
    static RUNS: OnceLock<Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();
    let mut runs = RUNS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(out) = runs.get(config) {
        return out.clone();
    }
    // One folder per test process; those of finished processes are removed.
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("shared-runs");
    if let Ok(entries) = std::fs::read_dir(&base) {
        for e in entries.flatten() {
            let pid = e.file_name().to_string_lossy().into_owned();
            if !Path::new("/proc").join(&pid).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let root = base.join(std::process::id().to_string()).join(config.replace('/', "_"));
    let _ = std::fs::remove_dir_all(&root);
    let out = year_dir(root.join("out"));
    let o = sise(&["run", repo().join(config).to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "sise run {config} failed: {}", stderr(&o));
    runs.insert(config.to_owned(), out.clone());
    out
}

/// The demo's run config as a TOML table that works from any folder: every
/// layer path, the review's adjustments and the models folder made absolute, for tests that change a
/// layer or a setting and write the config elsewhere.
pub fn demo_config() -> toml::Table {
    demo_config_of("layers/demo")
}

/// [`demo_config`] of another demo year's folder (e.g. `layers/demo-2025`).
pub fn demo_config_of(folder: &str) -> toml::Table {
    let demo = repo().join(folder);
    let mut config: toml::Table = std::fs::read_to_string(demo.join("assessment.toml")).unwrap().parse().unwrap();
    for (_, l) in config["layers"].as_table_mut().unwrap().iter_mut() {
        let p = demo.join(l["path"].as_str().unwrap()).to_string_lossy().into_owned();
        l.as_table_mut().unwrap().insert("path".into(), p.into());
    }
    if let Some(toml::Value::Table(review)) = config.get_mut("review") {
        let p = demo.join(review["adjustments"].as_str().unwrap()).to_string_lossy().into_owned();
        review.insert("adjustments".into(), p.into());
    }
    config.insert("domains".into(), toml::Value::Array(vec![repo().join("assessment-models").to_string_lossy().into_owned().into()]));
    config
}

/// SHA-256 of a file in hex, computed here rather than by sise's own
/// function, so a manifest test checks sise against an independent hash.
pub fn sha256(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}
