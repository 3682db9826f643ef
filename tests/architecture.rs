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

/// `src/` and every `.rs` file under it, sorted.
fn src_files() -> (std::path::PathBuf, Vec<std::path::PathBuf>) {
    let src = repo().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    (src, files)
}

#[test]
fn modules_depend_only_on_modules_below_them() {
    let order = order();
    let rank: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, m)| (m.as_str(), i)).collect();
    let (src, files) = src_files();
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
    let (src, files) = src_files();
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

/// The sibling files of a folder module that `text` names: `super::x` and
/// `crate::<folder>::x` paths, where `x` is a sibling or an item the
/// folder's `mod.rs` re-exports from one (`pub use x::{A, B}`).
fn sibling_uses(text: &str, folder: &str, siblings: &[String], reexports: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let prefixes = ["super::".to_owned(), format!("crate::{folder}::")];
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for prefix in &prefixes {
            for (at, _) in code.match_indices(prefix.as_str()) {
                let rest = &code[at + prefix.len()..];
                let names: Vec<String> = match rest.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or("").split(',').map(|i| i.trim().split("::").next().unwrap_or("").to_owned()).collect(),
                    None => vec![rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()],
                };
                for n in names {
                    let sibling = if siblings.contains(&n) { Some(n) } else { reexports.get(&n).cloned() };
                    out.extend(sibling);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A circle in `graph`, as the path that closes it.
fn circle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(n: &str, graph: &BTreeMap<String, Vec<String>>, path: &mut Vec<String>, done: &mut Vec<String>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut c = path[at..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.iter().any(|d| d == n) {
            return None;
        }
        path.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.push(n.to_owned());
        None
    }
    let mut done = Vec::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn files_inside_a_module_import_each_other_one_way() {
    let src = repo().join("src");
    let mut folders: Vec<_> = std::fs::read_dir(&src).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("mod.rs").exists()).collect();
    folders.sort();
    let mut circles = Vec::new();
    for dir in &folders {
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "rs")).collect();
        files.sort();
        let name = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
        // mod.rs is the parent and may use its children; tests.rs reads everything.
        let siblings: Vec<String> = files.iter().map(|p| name(p)).filter(|n| n != "mod" && n != "tests").collect();
        let mod_rs = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
        let mut reexports = BTreeMap::new();
        for line in mod_rs.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
            let (from, items) = line.split_once("::").unwrap_or((line, ""));
            let items = items.trim_end_matches(';').trim_start_matches('{').trim_end_matches('}');
            for item in items.split(',').map(|i| i.trim().rsplit("::").next().unwrap_or("").to_owned()).filter(|i| !i.is_empty()) {
                reexports.insert(item, from.to_owned());
            }
        }
        let graph: BTreeMap<String, Vec<String>> = siblings
            .iter()
            .map(|s| {
                let text = std::fs::read_to_string(dir.join(format!("{s}.rs"))).unwrap();
                (s.clone(), sibling_uses(&text, &folder, &siblings, &reexports).into_iter().filter(|u| u != s).collect())
            })
            .collect();
        if let Some(c) = circle(&graph) {
            circles.push(format!("src/{folder}/: {}", c.join(" → ")));
        }
    }
    assert!(circles.is_empty(), "files of a module that import each other in a circle:\n{}", circles.join("\n"));
}

#[test]
fn the_circle_checker_finds_circles_through_reexports() {
    let siblings = vec!["raw".to_owned(), "source".to_owned()];
    let reexports = BTreeMap::from([("Source".to_owned(), "source".to_owned())]);
    assert_eq!(
        sibling_uses("use super::{raw::Doc, Source};\nlet x = crate::model::raw::y(); // super::other", "model", &siblings, &reexports),
        vec!["raw", "source"]
    );
    let graph = BTreeMap::from([("a".to_owned(), vec!["b".to_owned()]), ("b".to_owned(), vec!["a".to_owned()]), ("c".to_owned(), vec![])]);
    assert_eq!(circle(&graph), Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()]));
    assert_eq!(circle(&BTreeMap::from([("a".to_owned(), vec!["b".to_owned()]), ("b".to_owned(), vec![])])), None);
}

/// Functions of `text` longer than `max` lines: (name, first line, lines),
/// a function running from its `fn` line to the `}` at the same indent.
fn long_functions(text: &str, max: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let decl = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "].iter().find_map(|p| trimmed.strip_prefix(p));
        let Some(rest) = decl else { continue };
        if line.trim_end().ends_with(';') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let close = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| l.trim_end() == close) {
            let n = end + 2;
            if n > max {
                out.push((name, i + 1, n));
            }
        }
    }
    out
}

/// The message catalogue's words, one arm per message, are the one place
/// a long function is the clearer one (ARCHITECTURE.md says why).
const LONG_BY_DESIGN: [&str; 2] = ["src/msg/en/", "src/msg/zh/"];

#[test]
fn no_file_over_600_lines_and_no_function_over_80() {
    let (src, files) = src_files();
    let mut long = Vec::new();
    for f in &files {
        let rel = format!("src/{}", f.strip_prefix(&src).unwrap().display());
        let text = std::fs::read_to_string(f).unwrap();
        let n = text.lines().count();
        if n > 600 {
            long.push(format!("{rel}: {n} lines"));
        }
        if !LONG_BY_DESIGN.iter().any(|folder| rel.starts_with(folder)) {
            long.extend(long_functions(&text, 80).into_iter().map(|(name, line, n)| format!("{rel}:{line}: fn {name} has {n} lines")));
        }
    }
    assert!(long.is_empty(), "ARCHITECTURE.md's limits (files ≤ 600 lines, functions ≤ 80):\n{}", long.join("\n"));
}

#[test]
fn the_length_checker_measures_a_function_to_its_closing_brace() {
    let text = format!("fn short() {{\n}}\n\n    pub fn long(x: u8) {{\n{}    }}\nfn declared();\n", "        x;\n".repeat(80));
    assert_eq!(long_functions(&text, 80), vec![("long".to_owned(), 4, 82)]);
    assert!(long_functions(&text, 82).is_empty());
}
