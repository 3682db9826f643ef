//! Reports: one 专项评估报告 per domain and a 综合评估报告, rendered from
//! the templates in `reports/` (an assessor edits the wording there; sise
//! fills in the numbers, model parameters, maps and tables) as
//! self-contained HTML, and printed to PDF by headless Chromium on request.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use minijinja::Environment;
use serde_json::{json, Value};

use crate::assess::Assessment;
use crate::cycle::{Change, Comparison};
use crate::error::{Error, Result};
use crate::level::Level;
use crate::model::words::{aggregation_words, Lang};
use crate::model::{Method, Model};

/// The templates shipped with sise; a run config may point `report_templates` at edited copies.
const DOMAIN: &str = include_str!("../reports/domain.html.j2");
const COMPREHENSIVE: &str = include_str!("../reports/comprehensive.html.j2");
const CSS: &str = include_str!("../reports/style.css");

/// Recommended control measures per level (GB/T 42768-2023 分级管控).
const MEASURES: [&str; 4] = [
    "列为区级重点管控对象，立即制定专项整治方案，落实“一企一策”，挂牌督办；整改完成前采取停产停业、限制使用等措施，每月复核。",
    "列为街镇重点管控对象，限期整改，落实企业主体责任和行业监管责任，加强日常巡查和监测预警，每季度复核。",
    "纳入行业部门日常监管，督促单位完善风险管控措施和应急预案，每半年复核。",
    "保持常态化管理，落实单位自查自纠，每年复核。",
];

/// A report template: where it comes from (for messages) and its text.
struct Template {
    path: PathBuf,
    text: String,
}

/// The domain and comprehensive templates and the stylesheet: the built-in
/// ones, or the edited copies in the run config's `report_templates` folder.
fn templates(dir: Option<&Path>) -> Result<[Template; 3]> {
    let names = ["domain.html.j2", "comprehensive.html.j2", "style.css"];
    let builtin = [DOMAIN, COMPREHENSIVE, CSS];
    let read = |k: usize| -> Result<Template> {
        match dir {
            None => Ok(Template { path: PathBuf::from(format!("(built into sise) reports/{}", names[k])), text: builtin[k].to_owned() }),
            Some(d) => {
                let path = d.join(names[k]);
                let text = std::fs::read_to_string(&path).map_err(|e| Error::Config { file: path.clone(), message: format!("report template: {e}") })?;
                Ok(Template { path, text })
            }
        }
    };
    Ok([read(0)?, read(1)?, read(2)?])
}

fn png_data_uri(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::output(path, e))?;
    Ok(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn level_value(l: Level, a: &Assessment) -> Value {
    json!({ "name": l.name_zh(), "number": l.number(), "colour": a.prepared.config.colours.colour(l) })
}

fn measures(a: &Assessment) -> Vec<Value> {
    Level::ALL
        .iter()
        .zip(MEASURES)
        .map(|(l, text)| {
            let mut v = level_value(*l, a);
            v["text"] = json!(text);
            v
        })
        .collect()
}

fn domain_context(a: &Assessment, d: usize, maps: &Path, comparison: Option<&Comparison>) -> Result<Value> {
    let cfg = &a.prepared.config;
    let m = &a.models()[d];
    Ok(json!({
        "district": cfg.district, "cycle": cfg.cycle, "year": cfg.year, "sise_version": env!("CARGO_PKG_VERSION"),
        "domain": model_context(a, m),
        "sources": sources(a, m), "counts": level_counts(a, d), "total": a.domains[d].scores.level.len(), "data_notes": data_notes(a, m),
        "map_png": png_data_uri(&maps.join(format!("{}.png", m.layer_name())))?,
        "top": top_risks(a, d), "streets": street_levels(a, d), "measures": measures(a),
        "comparison": comparison.and_then(|c| domain_comparison(c, m)),
    }))
}

/// The model as the report states it: method, matrix, indicators, control, vetoes, bands, aggregation.
fn model_context(a: &Assessment, m: &Model) -> Value {
    let weights = m.weights();
    let indicators: Vec<Value> = m
        .indicators
        .iter()
        .enumerate()
        .map(|(k, i)| {
            json!({
                "name": i.name, "unit": i.unit, "source": i.source.words(m.geometry, Lang::Zh), "normalise": i.normalise.words(Lang::Zh),
                "missing": if i.source.can_be_missing() { i.missing.describe_zh() } else { "—".into() },
                "weight": weights.map(|w| format!("{:.3}", w[k])).unwrap_or_else(|| "—".into()),
            })
        })
        .collect();
    let method = match &m.method {
        Method::WeightedIndex { ahp: Some(a), .. } => format!("加权指数法，指标权重由层次分析法（AHP）确定，一致性比率 CR = {:.3}", a.cr),
        Method::WeightedIndex { .. } => "加权指数法（各指标得分 0–100 加权求和）".into(),
        Method::RiskMatrix { classes, .. } => format!("风险矩阵法（可能性 {} 级 × 严重性 {} 级）", classes.0, classes.1),
        Method::Lec { .. } => "作业条件危险性分析法（LEC，D = L × E × C）".into(),
    };
    // The level table of a risk matrix, printed as the assessors know it.
    let matrix = match &m.method {
        Method::RiskMatrix { likelihood, severity, table: Some(t), .. } => Some(json!({
            "likelihood": m.indicators[*likelihood].name,
            "severity": m.indicators[*severity].name,
            "columns": (1..=t[0].len()).collect::<Vec<_>>(),
            "rows": t.iter().enumerate().map(|(i, row)| json!({
                "class": i + 1,
                "cells": row.iter().map(|l| level_value(*l, a)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })),
        _ => None,
    };
    let control = match &m.control {
        Some(c) => match &c.factors {
            Some(f) => format!("按字段 {} 取管控系数：{}", c.field, f.iter().map(|(k, v)| format!("{k} × {v}")).collect::<Vec<_>>().join("，")),
            None => format!("按字段 {} 的管控系数直接调整", c.field),
        },
        None => "无（现实风险 = 固有风险）".into(),
    };
    let levels = m.thresholds.describe(true);
    json!({
            "id": m.id, "name": m.name, "model_version": m.model_version, "model_file": m.file.file_name().map(|f| f.to_string_lossy().into_owned()),
            "description": m.description, "method": method, "matrix": matrix, "indicators": indicators, "control": control,
            "vetoes": m.vetoes.iter().map(|v| json!({ "when": v.when.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" 且 "), "level": v.level.name_zh(), "reason": v.reason })).collect::<Vec<_>>(),
            "levels": levels, "aggregate": format!("网格取{}；街镇取{}", aggregation_words(m.aggregate.grid, m, Lang::Zh), aggregation_words(m.aggregate.admin, m, Lang::Zh)),
    })
}

/// The layers the domain read: role, file, features, file date.
fn sources(a: &Assessment, m: &Model) -> Vec<Value> {
    let cfg = &a.prepared.config;
    std::iter::once(m.objects())
        .chain(m.context_layers())
        .map(|name| {
            let l = &cfg.layers[name];
            let features = a.prepared.feature_counts.get(name).map(|n| n.to_string()).unwrap_or_else(|| "栅格".into());
            let date = std::fs::metadata(&l.path)
                .and_then(|md| md.modified())
                .ok()
                .map(|t| chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d").to_string());
            let role = if name == m.objects() { "评估对象" } else { m.inputs.role_of(name).map(|r| match r { "exposure" => "承灾体", "hazard" => "致灾因子", _ => "应急能力" }).unwrap_or("") };
            json!({ "layer": name, "role": role, "file": l.path.file_name().map(|f| f.to_string_lossy().into_owned()), "features": features, "date": date.unwrap_or_default() })
        })
        .collect()
}

/// The 30 worst red and orange objects.
fn top_risks(a: &Assessment, d: usize) -> Vec<Value> {
    let r = &a.domains[d];
    let objects = a.objects(d);
    let mut top: Vec<(usize, f64)> =
        r.scores.level.iter().enumerate().filter(|(_, l)| **l <= Level::Significant).map(|(i, _)| (i, r.scores.score[i])).collect();
    top.sort_by(|x, y| r.scores.level[x.0].cmp(&r.scores.level[y.0]).then(y.1.total_cmp(&x.1)));
    top.iter()
        .take(30)
        .map(|(i, s)| {
            let mut v = level_value(r.scores.level[*i], a);
            v["level"] = v["name"].clone();
            v["id"] = json!(objects.ids[*i]);
            v["street"] = json!(r.object_street[*i].map(|s| a.prepared.admin.names[s].clone()).unwrap_or_default());
            v["score"] = json!(format!("{:.2}", s));
            v["veto"] = json!(r.scores.veto[*i].clone().unwrap_or_default());
            v
        })
        .collect()
}

/// Each 街镇's level in the domain.
fn street_levels(a: &Assessment, d: usize) -> Vec<Value> {
    let cfg = &a.prepared.config;
    let r = &a.domains[d];
    a.prepared
        .admin
        .names
        .iter()
        .enumerate()
        .map(|(s, name)| match r.admin[s] {
            Some(z) => {
                json!({ "name": name, "level": z.level.name_zh(), "number": z.level.number(), "colour": cfg.colours.colour(z.level), "objects": z.objects })
            }
            None => json!({ "name": name, "level": null, "objects": 0 }),
        })
        .collect()
}

/// Objects per level, with shares.
fn level_counts(a: &Assessment, d: usize) -> Vec<Value> {
    let levels = &a.domains[d].scores.level;
    let (counts, total) = (crate::level::counts(levels), levels.len());
    Level::ALL
        .iter()
        .map(|l| {
            let mut v = level_value(*l, a);
            let n = counts[l.index()];
            v["count"] = json!(n);
            v["share"] = json!(if total > 0 { format!("{:.1}", n as f64 * 100.0 / total as f64) } else { "0".into() });
            v
        })
        .collect()
}

/// Last year's comparison for the domain, when there is one.
fn domain_comparison(c: &Comparison, m: &Model) -> Option<Value> {
    c.domains.iter().find(|x| x.id == m.id).map(|dc| {
        let n = |ch: Change| dc.objects.iter().filter(|o| o.change == ch).count();
        json!({
            "from": c.from, "up": n(Change::Up), "down": n(Change::Down), "new": n(Change::New), "removed": n(Change::Removed),
            "columns": Level::ALL.iter().map(|l| l.name_zh()).collect::<Vec<_>>(),
            "rows": Level::ALL.iter().enumerate().map(|(f, l)| json!({ "from": l.name_zh(), "to": dc.transitions[f] })).collect::<Vec<_>>(),
        })
    })
}

/// What the domain's figures leave out: objects outside the district and rejected ones.
fn data_notes(a: &Assessment, m: &Model) -> Vec<String> {
    let mut notes = Vec::new();
    let clipped = a.prepared.clipped.iter().filter(|c| c.layer == m.objects()).count();
    if clipped > 0 {
        notes.push(format!("数据图层 {} 中有 {clipped} 个对象位于{}范围以外，未纳入本区评估（clip_to_district）。", m.objects(), a.prepared.config.district));
    }
    let rejected = a.prepared.rejects.iter().filter(|r| r.layer == m.objects() && r.domain.as_deref().is_none_or(|d| d == m.id)).count();
    if rejected > 0 {
        notes.push(format!("另有 {rejected} 个对象因数据缺失或有误未纳入评估，明细见 rejects.csv。"));
    }
    notes
}

fn comprehensive_context(a: &Assessment, maps: &Path, comparison: Option<&Comparison>) -> Result<Value> {
    let cfg = &a.prepared.config;
    let domains: Vec<Value> = a
        .models()
        .iter()
        .enumerate()
        .map(|(d, m)| {
            let c = crate::level::counts(&a.domains[d].scores.level);
            let level = a.domains[d].district.map(|z| z.level).unwrap_or(Level::Low);
            let mut v = level_value(level, a);
            v["level"] = v["name"].clone();
            v["id"] = json!(m.id);
            v["name"] = json!(m.name);
            v["counts"] = json!(c);
            v
        })
        .collect();
    let streets: Vec<Value> = a
        .prepared
        .admin
        .names
        .iter()
        .enumerate()
        .map(|(s, name)| {
            let l = a.admin_total[s].1;
            let mut v = level_value(l, a);
            v["level"] = v["name"].clone();
            v["name"] = json!(name);
            let red: Vec<&str> = a
                .models()
                .iter()
                .enumerate()
                .filter(|(d, _)| a.domains[*d].admin[s].is_some_and(|z| z.level == Level::Major))
                .map(|(_, m)| m.name.as_str())
                .collect();
            v["red_domains"] = json!(if red.is_empty() { "—".to_owned() } else { red.join("、") });
            v
        })
        .collect();
    let comparison = comparison.map(|c| {
        c.domains
            .iter()
            .map(|dc| {
                let n = |ch: Change| dc.objects.iter().filter(|o| o.change == ch).count();
                json!({ "id": dc.id, "name": dc.name, "up": n(Change::Up), "down": n(Change::Down), "new": n(Change::New), "removed": n(Change::Removed) })
            })
            .collect::<Vec<_>>()
    });
    Ok(json!({
        "district": cfg.district, "cycle": cfg.cycle, "year": cfg.year, "sise_version": env!("CARGO_PKG_VERSION"),
        "domains": domains, "streets": streets, "map_png": png_data_uri(&maps.join("comprehensive.png"))?,
        "measures": measures(a), "comparison": comparison, "comparison_from": comparison.as_ref().map(|_| (cfg.year - 1).to_string()),
    }))
}

/// Write `reports/<domain layer>.html`, `reports/comprehensive.html` (and PDFs when `pdf`); returns files relative to `dir`.
pub fn write(dir: &Path, a: &Assessment, comparison: Option<&Comparison>, pdf: bool) -> Result<Vec<PathBuf>> {
    let [domain_t, comp_t, css] = templates(a.prepared.config.report_templates.as_deref())?;
    let css = css.text;
    let mut env = Environment::new();
    // Every template is HTML: text from the inputs (街镇 names, ids, veto
    // reasons) is escaped wherever it appears, whatever a template is named.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    // A name the context does not have is a template mistake, not an empty cell.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let terr = |t: &Template| {
        let file = t.path.clone();
        move |e: minijinja::Error| Error::Config { file: file.clone(), message: format!("report template: {e:#}") }
    };
    env.add_template("domain", &domain_t.text).map_err(terr(&domain_t))?;
    env.add_template("comprehensive", &comp_t.text).map_err(terr(&comp_t))?;
    let out = dir.join("reports");
    std::fs::create_dir(&out).map_err(|e| Error::output(&out, e))?;
    let maps = dir.join("maps");
    // Only sise's own stylesheet and map images go in unescaped; no attribute text is ever marked safe.
    let render = |template: &str, ctx: Value| -> Result<String> {
        let map_png = ctx["map_png"].as_str().unwrap_or_default().to_owned();
        let ctx = minijinja::context! {
            css => minijinja::Value::from_safe_string(css.clone()),
            map_png => minijinja::Value::from_safe_string(map_png),
            ..minijinja::Value::from_serialize(&ctx)
        };
        let source = if template == "domain" { &domain_t } else { &comp_t };
        env.get_template(template).map_err(terr(source))?.render(ctx).map_err(terr(source))
    };
    let mut pages: Vec<(String, String)> = Vec::new();
    for d in 0..a.models().len() {
        pages.push((a.models()[d].layer_name(), render("domain", domain_context(a, d, &maps, comparison)?)?));
    }
    pages.push(("comprehensive".into(), render("comprehensive", comprehensive_context(a, &maps, comparison)?)?));
    let mut written = Vec::new();
    for (name, html) in &pages {
        let path = out.join(format!("{name}.html"));
        std::fs::write(&path, html).map_err(|e| Error::output(&path, e))?;
        written.push(PathBuf::from("reports").join(format!("{name}.html")));
        if pdf {
            print_pdf(&path, &out.join(format!("{name}.pdf")))?;
            written.push(PathBuf::from("reports").join(format!("{name}.pdf")));
        }
    }
    Ok(written)
}

/// Print an HTML file to PDF with headless Chromium (Debian's `chromium`), which embeds the CJK fonts.
fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .ok_or_else(|| Error::Environment {
            what: "PDF reports".into(),
            message: "they need headless Chromium; install it (apt-get install chromium) or run without --pdf".into(),
        })?;
    let profile = browser_profile(pdf)?;
    let status = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.canonicalize().map_err(|e| Error::output(html, e))?.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| Error::output(pdf, format!("cannot start {browser}: {e}")))?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status.success() || !pdf.exists() {
        return Err(Error::output(pdf, format!("{browser} could not print the report ({status})")));
    }
    Ok(())
}

/// A fresh browser profile folder beside the output (Chromium insists on one).
fn browser_profile(near: &Path) -> Result<PathBuf> {
    let p = near.with_extension(format!("profile-{}", std::process::id()));
    std::fs::create_dir_all(&p).map_err(|e| Error::output(&p, e))?;
    Ok(p)
}
