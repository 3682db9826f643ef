//! A full disk, made real: a small tmpfs in a private mount namespace
//! (`unshare`, so nothing outlives the test), sise writing onto it.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Run `script` (bash) in its own mount namespace with `$MNT` a tmpfs of
/// 64 MB and `$SISE` the binary; as root, or as a user mapped to root.
fn in_tmpfs(dir: &Path, script: &str) -> std::process::Output {
    let mnt = dir.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout == b"0\n");
    let flags = if root { "-m" } else { "-rm" };
    let full = format!("set -u\nmount -t tmpfs -o size=64m tmpfs \"$MNT\"\n{script}");
    let o = Command::new("unshare")
        .args([flags, "bash", "-c", &full])
        .env("MNT", &mnt)
        .env("SISE", env!("CARGO_BIN_EXE_sise"))
        .env("SISE_LOG", "warn")
        .current_dir(repo())
        .output()
        .expect("unshare (util-linux) runs");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("mount: "), "cannot mount a tmpfs here: {}", stderr(&o));
    o
}

/// Rerunning a year on a disk with room for one copy of its outputs, not
/// two: exit 5, a message that says the disk is full, where, what was being
/// written and how much the run writes; the previous outputs byte-identical
/// and no staging folder left.
#[test]
fn a_full_disk_is_named_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = in_tmpfs(
        d,
        r#"
cfg=tests/fixtures/handmade/assessment.toml
"$SISE" run "$cfg" --out "$MNT/out" --quiet || exit 90
used=$(df -k --output=used "$MNT" | tail -1)
# Room for the outputs and a third more: the staged copy cannot fit.
mount -o remount,size=$((used + used / 3))k "$MNT"
(cd "$MNT/out" && find . -type f | sort | xargs sha256sum) > "$TMP/before"
find "$MNT/out/2024-2026/2024" -type f -printf '%s\n' | awk '{s += $1} END {print s}' > "$TMP/size"
"$SISE" run "$cfg" --out "$MNT/out" --quiet 2> "$TMP/err"
echo $? > "$TMP/code"
(cd "$MNT/out" && find . -type f | sort | xargs sha256sum) > "$TMP/after"
ls -a "$MNT/out/2024-2026" > "$TMP/left"
"#
        .replace("$TMP", &d.to_string_lossy())
        .as_str(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(read("code").trim(), "5");
    let err = read("err");
    assert!(err.contains("mnt/out/2024-2026/2024: disk full (or over quota) while writing its "), "{err}");
    assert!(err.contains("MB free there; this run writes ≈ ") && err.contains("MB (the size of the outputs it replaces)"), "{err}");
    assert!(err.lines().count() == 1 && err.len() < 600, "one short line, not GDAL's SQL: {err}");
    // The estimate is the size of the year's files, to the 0.1 MB it is given in.
    let mb: f64 = err.split("writes ≈ ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let size: f64 = read("size").trim().parse().unwrap();
    assert!((mb - size / 1e6).abs() <= 0.05 && mb > 0.5, "{mb} MB said, {size} bytes written");
    assert_eq!(read("before"), read("after"), "the previous outputs changed");
    assert!(!read("left").contains(".sise-"), "staging or lock left behind: {}", read("left"));
}

/// A first run onto a disk too small for it: the estimate is a lower bound,
/// said as one, and the output root holds no year folder.
#[test]
fn a_first_run_onto_a_small_disk_says_it_needs_more() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = in_tmpfs(
        d,
        r#"
mount -o remount,size=1m "$MNT"
"$SISE" run tests/fixtures/handmade/assessment.toml --out "$MNT/out" --quiet 2> "$TMP/err"
echo $? > "$TMP/code"
ls -a "$MNT/out/2024-2026" > "$TMP/left"
"#
        .replace("$TMP", &d.to_string_lossy())
        .as_str(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(read("code").trim(), "5", "{}", read("err"));
    let err = read("err");
    assert!(err.contains("disk full (or over quota)") && err.contains("this run writes more than the "), "{err}");
    let left = read("left");
    assert!(!left.contains("2024") && !left.contains(".sise-"), "{left}");
}
