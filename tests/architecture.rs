//! The one-way dependency order of ARCHITECTURE.md, checked: every
//! `crate::…` path in a module of `src/` names only modules earlier in the
//! order, and every module is placed in it. A circle or an upward import
//! fails here, naming the file and line.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::repo;

/// The order as ARCHITECTURE.md states it: the line starting "Dependency order:".
fn order() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let line = text.lines().find(|l| l.starts_with("Dependency order:")).expect("ARCHITECTURE.md states the dependency order");
    line["Dependency order:".len()..].split('→').map(|m| m.trim().trim_matches('`').to_owned()).filter(|m| !m.is_empty()).collect()
}

/// Top-level modules named by `crate::` paths in `text`, with their line numbers.
fn uses(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::B, c}`: the first name of each item.
                let inner = group.split('}').next().unwrap_or("");
                out.extend(inner.split(',').map(|i| i.trim().split("::").next().unwrap_or("").to_owned()).filter(|m| !m.is_empty()).map(|m| (n + 1, m)));
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push((n + 1, name));
            }
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_depend_only_on_modules_below_them() {
    let order = order();
    let rank: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, m)| (m.as_str(), i)).collect();
    let src = repo().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut upward = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let module = rel.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(&mine) = rank.get(module.as_str()) else {
            panic!("src/{} is module '{module}', which the dependency order in ARCHITECTURE.md does not place", rel.display());
        };
        for (line, used) in uses(&std::fs::read_to_string(f).unwrap()) {
            match rank.get(used.as_str()) {
                Some(&theirs) if theirs < mine || used == module => {}
                Some(_) => upward.push(format!("src/{}:{line}: {module} uses {used}, which comes after it", rel.display())),
                None => upward.push(format!("src/{}:{line}: {module} uses '{used}', which the order does not place", rel.display())),
            }
        }
    }
    assert!(upward.is_empty(), "imports against the dependency order of ARCHITECTURE.md:\n{}", upward.join("\n"));
    assert!(order.len() >= 15, "the order lists {} modules: {order:?}", order.len());
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let found: Vec<String> =
        uses("use crate::{error::Error, model};\nlet x = crate::run::go(); // crate::tile in a comment").into_iter().map(|(_, m)| m).collect();
    assert_eq!(found, vec!["error", "model", "run"]);
}

/// The modules that may call GDAL or PROJ themselves: reading inputs,
/// writing outputs, and the demo generator (which writes input files).
const GEO_STACK_MODULES: [&str; 3] = ["load", "emit", "demo"];

/// Lines of `text` (comments left out) that name the `gdal`, `gdal_sys` or `proj` crates.
fn geo_stack_uses(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let named = ["gdal::", "gdal_sys::", "proj::"]
            .iter()
            .any(|krate| code.match_indices(krate).any(|(at, _)| at == 0 || !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')));
        if named {
            out.push(n + 1);
        }
    }
    out
}

#[test]
fn gdal_and_proj_stay_in_load_and_emit() {
    let src = repo().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut outside = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let module = rel.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_owned();
        if GEO_STACK_MODULES.contains(&module.as_str()) {
            continue;
        }
        for line in geo_stack_uses(&std::fs::read_to_string(f).unwrap()) {
            outside.push(format!("src/{}:{line}", rel.display()));
        }
    }
    assert!(outside.is_empty(), "GDAL or PROJ called outside {GEO_STACK_MODULES:?} (ARCHITECTURE.md's invariant):\n{}", outside.join("\n"));
}

#[test]
fn the_geo_stack_checker_sees_paths_not_lookalikes() {
    assert_eq!(geo_stack_uses("use gdal::Dataset;\nlet p = proj::Proj::new();\nmy_gdal::x(); crate::load::proj_of(); // gdal::in_comment"), vec![1, 2]);
}
