//! Tornado charts (龙卷风图) of the sensitivity analysis: per domain, the
//! parameters that move most levels, each as two bars from a centre line —
//! objects moved at the parameter's low end to the left, at its high end to
//! the right — the most moving at the top.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use resvg::tiny_skia;

use super::map::Fonts;
use super::xml::escape as esc;
use crate::assess::Assessment;
use crate::error::{Error, Result};

/// Bars drawn; the table lists every parameter.
pub const BARS: usize = 12;
const WIDTH: f64 = 1400.0;
const LABEL_W: f64 = 520.0;
const ROW_H: f64 = 44.0;
const TOP: f64 = 150.0;
const LOW: &str = "#4a7ab7";
const HIGH: &str = "#d9822b";

/// The chart's file, relative to the run folder.
pub fn file_of(domain: &str) -> PathBuf {
    PathBuf::from("maps").join(format!("tornado_{domain}.png"))
}

/// The SVG document of domain `d`'s chart, and its height.
fn document(a: &Assessment, d: usize, font: &str) -> Option<(String, f64)> {
    let m = &a.models()[d];
    let s = a.domains[d].sensitivity.as_ref()?;
    let cfg = a.loaded.config.sensitivity.as_ref()?;
    let n = s.stability.len();
    let effects: Vec<_> = s.effects.iter().take(BARS).collect();
    let height = TOP + ROW_H * effects.len().max(1) as f64 + 90.0;
    let centre = LABEL_W + (WIDTH - LABEL_W - 40.0) / 2.0;
    let half = (WIDTH - LABEL_W - 40.0) / 2.0 - 60.0;
    let mut b = String::new();
    let _ = write!(b, r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##);
    let _ = write!(
        b,
        r##"<text x="{}" y="48" font-size="30" font-weight="bold" text-anchor="middle" fill="#202020">{} {} 敏感性分析（龙卷风图）</text>"##,
        WIDTH / 2.0,
        esc(&m.id),
        esc(&m.name)
    );
    let _ = write!(
        b,
        r##"<text x="{}" y="84" font-size="18" text-anchor="middle" fill="#555555">每个参数单独取下限、上限（其余取基准值）时风险等级改变的对象数；共 {n} 个对象，{} 次随机抽样（种子 {}），临界 {} 个</text>"##,
        WIDTH / 2.0,
        cfg.draws,
        cfg.seed,
        s.critical_count()
    );
    let empty = if effects.is_empty() {
        Some("本模型没有可扰动的参数（等级由等级表给出，无权重、阈值、管控调整或注明不确定度的数值指标）")
    } else if effects.iter().all(|e| e.moved() == 0) {
        Some("在所取范围内没有参数改变任何对象的等级")
    } else {
        None
    };
    if let Some(text) = empty {
        let _ = write!(b, r##"<text x="{}" y="{}" font-size="20" text-anchor="middle" fill="#555555">{text}</text>"##, WIDTH / 2.0, TOP + 26.0);
    } else {
        let _ = write!(
            b,
            r##"<rect x="{}" y="104" width="18" height="18" fill="{LOW}"/><text x="{}" y="119" font-size="18">下限</text>"##,
            centre - 120.0,
            centre - 96.0
        );
        let _ = write!(
            b,
            r##"<rect x="{}" y="104" width="18" height="18" fill="{HIGH}"/><text x="{}" y="119" font-size="18">上限</text>"##,
            centre + 40.0,
            centre + 64.0
        );
    }
    bars(&mut b, &effects, centre, half);
    let bottom = TOP + ROW_H * effects.len().max(1) as f64;
    if !effects.is_empty() {
        let _ = write!(b, r##"<path d="M{centre},{} V{}" stroke="#202020" stroke-width="1.5"/>"##, TOP - 4.0, bottom + 4.0);
    }
    let more = s.effects.len().saturating_sub(BARS);
    let note = if more > 0 { format!("另有 {more} 个参数影响更小，见 tables/sensitivity") } else { "全部参数见 tables/sensitivity".into() };
    let _ = write!(
        b,
        r##"<text x="40" y="{}" font-size="15" fill="#555555">{}；模型 {} 版本 {}；sise {}</text>"##,
        bottom + 50.0,
        esc(&note),
        esc(&m.file.file_name().unwrap_or_default().to_string_lossy()),
        esc(&m.model_version),
        env!("CARGO_PKG_VERSION")
    );
    let doc =
        format!(r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="{font}">{b}</svg>"##);
    Some((doc, height))
}

/// One bar per parameter, its label and range at the left: objects moved at
/// its low end to the left of `centre`, at its high end to the right, the
/// longest `half` wide.
fn bars(b: &mut String, effects: &[&crate::sensitivity::Effect], centre: f64, half: f64) {
    let max = effects.iter().map(|e| e.low.max(e.high)).max().unwrap_or(0).max(1) as f64;
    for (k, e) in effects.iter().enumerate() {
        let y = TOP + ROW_H * k as f64;
        let _ = write!(
            b,
            r##"<text x="{}" y="{}" font-size="18" text-anchor="end" fill="#202020">{}</text><text x="{}" y="{}" font-size="14" text-anchor="end" fill="#666666">{}</text>"##,
            LABEL_W - 12.0,
            y + 18.0,
            esc(&e.param.label),
            LABEL_W - 12.0,
            y + 36.0,
            esc(&e.param.range)
        );
        let (wl, wh) = (half * e.low as f64 / max, half * e.high as f64 / max);
        let _ = write!(b, r##"<rect x="{:.1}" y="{}" width="{wl:.1}" height="{}" fill="{LOW}"/>"##, centre - wl, y + 6.0, ROW_H - 12.0);
        let _ = write!(b, r##"<rect x="{centre}" y="{}" width="{wh:.1}" height="{}" fill="{HIGH}"/>"##, y + 6.0, ROW_H - 12.0);
        let _ = write!(b, r##"<text x="{:.1}" y="{}" font-size="16" text-anchor="end">{}</text>"##, centre - wl - 6.0, y + 28.0, e.low);
        let _ = write!(b, r##"<text x="{:.1}" y="{}" font-size="16">{}</text>"##, centre + wh + 6.0, y + 28.0, e.high);
    }
}

/// Write a tornado chart per domain with a sensitivity analysis; returns the files relative to `dir`.
pub fn write(dir: &Path, a: &Assessment, fonts: &Fonts) -> Result<Vec<PathBuf>> {
    // Charts render side by side: text shaping in a CJK font is most of their time.
    let files: Vec<Option<PathBuf>> = (0..a.models().len())
        .into_par_iter()
        .map(|d| {
            let Some((doc, height)) = document(a, d, &fonts.family) else { return Ok(None) };
            let rel = file_of(&a.models()[d].id);
            let path = dir.join(&rel);
            let mut pixmap =
                tiny_skia::Pixmap::new(WIDTH as u32, height.ceil() as u32).ok_or_else(|| Error::output(&path, crate::msg::OutputTrouble::ChartSize))?;
            fonts.draw_document(&doc, &mut pixmap)?;
            pixmap.save_png(&path).map_err(|e| Error::output(&path, e))?;
            Ok(Some(rel))
        })
        .collect::<Result<_>>()?;
    Ok(files.into_iter().flatten().collect())
}
