//! Four-colour map images for reports: the comprehensive map and one per
//! domain, each an SVG document rendered to PNG by resvg with a CJK font
//! found on the machine, so the images come from the run itself and need no
//! QGIS. Layout: title, map frame with 街镇 boundaries and names, legend
//! with counts, north arrow, scale bar and a data source line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use geo::{BoundingRect, InteriorPoint};
use geo_types::{Coord, Geometry, LineString, Polygon, Rect};
use rayon::prelude::*;
use resvg::{tiny_skia, usvg};

use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::{Level, Palette};
use crate::model::GeomKind;

const WIDTH: f64 = 1600.0;
const HEIGHT: f64 = 1200.0;
/// The map frame: left, top, width, height in pixels.
const FRAME: (f64, f64, f64, f64) = (40.0, 110.0, 1160.0, 1010.0);

/// CJK fonts looked for, in order of preference (Debian: fonts-noto-cjk, fonts-wqy-*).
const CJK_FONTS: [&str; 7] =
    ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback"];

/// The system fonts and the CJK family to write map text in.
pub struct Fonts {
    db: Arc<usvg::fontdb::Database>,
    pub family: String,
}

impl Fonts {
    /// Load the system fonts; an error saying what to install when none can write Chinese.
    pub fn find() -> Result<Fonts> {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        let family = CJK_FONTS.iter().find(|want| db.faces().any(|f| f.families.iter().any(|(name, _)| name == *want))).ok_or_else(|| Error::Environment {
            what: "map images".into(),
            message: format!(
                "no CJK font found to write the map text in Chinese (looked for {}); install one, e.g. apt-get install fonts-noto-cjk",
                CJK_FONTS.join(", ")
            ),
        })?;
        Ok(Fonts { db: Arc::new(db), family: family.to_string() })
    }
}

/// One map to draw.
pub struct MapSpec {
    /// File name without extension.
    pub name: String,
    pub title: String,
    pub kind: GeomKind,
    /// Features and their levels, drawn low risk first so red lies on top.
    pub features: Vec<(Geometry<f64>, Level)>,
    /// What a legend count counts ("个网格", "个对象", "段"…).
    pub unit: String,
}

impl MapSpec {
    /// Features per level, as shown in the legend.
    pub fn counts(&self) -> [usize; 4] {
        crate::level::counts(self.features.iter().map(|(_, l)| l))
    }
}

/// World (working CRS metres) → pixel transform fitting `bounds` in the frame.
struct View {
    scale: f64,
    x0: f64,
    y1: f64,
    ox: f64,
    oy: f64,
}

impl View {
    fn fit(b: Rect<f64>) -> View {
        let (fx, fy, fw, fh) = FRAME;
        let pad = 0.04;
        let (w, h) = (b.width() * (1.0 + 2.0 * pad), b.height() * (1.0 + 2.0 * pad));
        let scale = (fw / w).min(fh / h);
        let (x0, y1) = (b.min().x - b.width() * pad, b.max().y + b.height() * pad);
        // Centre the map in the frame.
        let (ox, oy) = (fx + (fw - w * scale) / 2.0, fy + (fh - h * scale) / 2.0);
        View { scale, x0, y1, ox, oy }
    }

    fn px(&self, c: Coord<f64>) -> (f64, f64) {
        (self.ox + (c.x - self.x0) * self.scale, self.oy + (self.y1 - c.y) * self.scale)
    }

    fn path(&self, d: &mut String, ring: &LineString<f64>, close: bool) {
        for (i, c) in ring.coords().enumerate() {
            let (x, y) = self.px(*c);
            let _ = write!(d, "{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" });
        }
        if close {
            d.push('Z');
        }
    }

    fn polygon(&self, d: &mut String, p: &Polygon<f64>) {
        self.path(d, p.exterior(), true);
        for r in p.interiors() {
            self.path(d, r, true);
        }
    }
}

use super::xml::escape as esc;

fn feature_svg(out: &mut String, view: &View, g: &Geometry<f64>, colour: &str, level: Level) {
    // Footprints smaller than a few pixels (buildings at district scale) would
    // vanish: draw them as a dot at their centre, as a cartographer would.
    if let (Geometry::Polygon(_) | Geometry::MultiPolygon(_), Some(b)) = (g, g.bounding_rect()) {
        if b.width().max(b.height()) * view.scale < 8.0 {
            if let Some(c) = g.interior_point() {
                feature_svg(out, view, &Geometry::Point(c), colour, level);
                return;
            }
        }
    }
    let mut d = String::new();
    match g {
        Geometry::Point(p) => {
            let (x, y) = view.px(p.0);
            let r = if level <= Level::Significant { 6.0 } else { 4.5 };
            let _ = write!(out, r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>"##);
            return;
        }
        Geometry::MultiPoint(mp) => {
            for p in mp {
                feature_svg(out, view, &Geometry::Point(*p), colour, level);
            }
            return;
        }
        Geometry::LineString(l) => view.path(&mut d, l, false),
        Geometry::MultiLineString(m) => m.iter().for_each(|l| view.path(&mut d, l, false)),
        Geometry::Polygon(p) => view.polygon(&mut d, p),
        Geometry::MultiPolygon(m) => m.iter().for_each(|p| view.polygon(&mut d, p)),
        _ => return,
    }
    if matches!(g, Geometry::LineString(_) | Geometry::MultiLineString(_)) {
        let w = match level {
            Level::Major => 4.5,
            Level::Significant => 3.5,
            Level::General => 2.5,
            Level::Low => 1.8,
        };
        let _ = write!(out, r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="{w}" stroke-linecap="round" stroke-linejoin="round"/>"##);
    } else {
        let _ = write!(out, r##"<path d="{d}" fill="{colour}" fill-rule="evenodd" stroke="#ffffff" stroke-opacity="0.5" stroke-width="0.4"/>"##);
    }
}

/// A scale bar length (m) that is a round number and 120–300 px long.
fn scale_length(scale: f64) -> f64 {
    [200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0].into_iter().find(|m| m * scale >= 120.0).unwrap_or(50000.0)
}

/// The map as an SVG document.
pub fn svg(a: &Assessment, spec: &MapSpec, palette: &Palette, font: &str, source: &str) -> String {
    let admin = &a.prepared.admin;
    let bounds = admin.zones.bounds().unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0)));
    let view = View::fit(bounds);
    let (fx, _, _, _) = FRAME;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{font}"><rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let cfg = &a.prepared.config;
    let _ =
        write!(s, r##"<text x="{}" y="58" font-size="36" font-weight="bold" text-anchor="middle" fill="#202020">{}</text>"##, WIDTH / 2.0, esc(&spec.title));
    let _ = write!(
        s,
        r##"<text x="{}" y="92" font-size="20" text-anchor="middle" fill="#555555">评估周期 {} · {}年度 · 四色风险图</text>"##,
        WIDTH / 2.0,
        esc(&cfg.cycle),
        cfg.year
    );
    frame(&mut s, a, spec, palette, &view);
    north_arrow(&mut s);
    scale_bar(&mut s, &view);
    legend(&mut s, spec, palette);
    // Source line.
    let _ = write!(s, r##"<text x="{fx}" y="{}" font-size="15" fill="#555555">{}</text>"##, HEIGHT - 40.0, esc(&format!("数据来源：{source}")));
    let _ = write!(
        s,
        r##"<text x="{fx}" y="{}" font-size="15" fill="#555555">坐标系 {}；网格 {} 米；制图 sise {}</text>"##,
        HEIGHT - 16.0,
        esc(&cfg.working_crs),
        cfg.grid_cell_m,
        env!("CARGO_PKG_VERSION")
    );
    s.push_str("</svg>\n");
    s
}

/// The map frame: district background, features (low risk first, so red
/// lies on top), 街镇 boundaries and names.
fn frame(s: &mut String, a: &Assessment, spec: &MapSpec, palette: &Palette, view: &View) {
    let admin = &a.prepared.admin;
    let (fx, fy, fw, fh) = FRAME;
    let _ = write!(
        *s,
        r##"<clipPath id="frame"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}"/></clipPath><g clip-path="url(#frame)"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="#f4f6f8"/>"##
    );
    let mut district = String::new();
    for p in admin.zones.polygons.iter().flat_map(|m| m.iter()) {
        view.polygon(&mut district, p);
    }
    let _ = write!(*s, r##"<path d="{district}" fill="#ffffff" fill-rule="evenodd"/>"##);
    let mut order: Vec<&(Geometry<f64>, Level)> = spec.features.iter().collect();
    order.sort_by_key(|(_, l)| std::cmp::Reverse(*l));
    for (g, l) in order {
        feature_svg(s, view, g, palette.colour(*l), *l);
    }
    let _ = write!(*s, r##"<path d="{district}" fill="none" stroke="#333333" stroke-width="1.6" stroke-linejoin="round"/>"##);
    for (p, name) in admin.zones.polygons.iter().zip(&admin.names) {
        if let Some(c) = p.interior_point() {
            let (x, y) = view.px(c.0);
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="19" font-weight="bold" text-anchor="middle" dominant-baseline="middle" fill="#222222" stroke="#ffffff" stroke-width="4" stroke-opacity="0.85" paint-order="stroke">{}</text>"##,
                esc(name)
            );
        }
    }
    s.push_str("</g>");
    let _ = write!(*s, r##"<rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="none" stroke="#444444" stroke-width="1.5"/>"##);
}

/// North arrow, top right inside the frame.
fn north_arrow(s: &mut String) {
    let (fx, fy, fw, _) = FRAME;
    let (nx, ny) = (fx + fw - 60.0, fy + 30.0);
    let _ = write!(
        *s,
        r##"<g><path d="M{nx},{ny} L{},{} L{nx},{} L{},{} Z" fill="#222222"/><text x="{nx}" y="{}" font-size="20" font-weight="bold" text-anchor="middle">北</text></g>"##,
        nx + 16.0,
        ny + 48.0,
        ny + 38.0,
        nx - 16.0,
        ny + 48.0,
        ny + 72.0
    );
}

/// Scale bar, bottom left inside the frame.
fn scale_bar(s: &mut String, view: &View) {
    let (fx, _, _, fh) = FRAME;
    let fy = FRAME.1;
    let metres = scale_length(view.scale);
    let len = metres * view.scale;
    let (sx, sy) = (fx + 30.0, fy + fh - 40.0);
    let label = if metres >= 1000.0 { format!("{} 公里", metres / 1000.0) } else { format!("{metres} 米") };
    let _ = write!(
        *s,
        r##"<rect x="{}" y="{}" width="{}" height="46" fill="#ffffff" fill-opacity="0.8"/><rect x="{sx}" y="{sy}" width="{}" height="8" fill="#222222"/><rect x="{}" y="{sy}" width="{}" height="8" fill="#ffffff" stroke="#222222" stroke-width="1"/><text x="{sx}" y="{}" font-size="16">0</text><text x="{}" y="{}" font-size="16" text-anchor="middle">{label}</text>"##,
        sx - 10.0,
        sy - 26.0,
        len + 70.0,
        len / 2.0,
        sx + len / 2.0,
        len / 2.0,
        sy - 6.0,
        sx + len,
        sy - 6.0
    );
}

/// Legend with counts, right of the frame.
fn legend(s: &mut String, spec: &MapSpec, palette: &Palette) {
    let (fx, fy, fw, _) = FRAME;
    let (lx, ly) = (fx + fw + 30.0, fy + 10.0);
    let _ = write!(*s, r##"<text x="{lx}" y="{}" font-size="24" font-weight="bold">图例</text>"##, ly + 24.0);
    let counts = spec.counts();
    for (i, l) in Level::ALL.iter().enumerate() {
        let y = ly + 60.0 + i as f64 * 46.0;
        let colour = palette.colour(*l);
        let swatch = match spec.kind {
            GeomKind::Point => format!(r##"<circle cx="{}" cy="{}" r="9" fill="{colour}"/>"##, lx + 16.0, y + 12.0),
            GeomKind::Line => format!(r##"<rect x="{lx}" y="{}" width="34" height="6" fill="{colour}"/>"##, y + 9.0),
            GeomKind::Polygon => format!(r##"<rect x="{lx}" y="{y}" width="34" height="24" fill="{colour}"/>"##),
        };
        let _ = write!(
            s,
            r##"{swatch}<text id="legend-{}" x="{}" y="{}" font-size="20">{} {} {}</text>"##,
            l.number(),
            lx + 46.0,
            y + 19.0,
            l.name_zh(),
            counts[i],
            esc(&spec.unit)
        );
    }
    let _ = write!(
        *s,
        r##"<path d="M{lx},{} h36" stroke="#333333" stroke-width="1.6"/><text x="{}" y="{}" font-size="20">街镇界</text>"##,
        ly + 60.0 + 4.0 * 46.0 + 12.0,
        lx + 46.0,
        ly + 60.0 + 4.0 * 46.0 + 19.0
    );
}

/// Render an SVG document to PNG.
fn png(svg: &str, fonts: &Fonts, path: &Path) -> Result<()> {
    let opt = usvg::Options { fontdb: fonts.db.clone(), font_family: fonts.family.clone(), ..Default::default() };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| Error::output(path, format!("map SVG: {e}")))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH as u32, HEIGHT as u32).ok_or_else(|| Error::output(path, "cannot allocate the image"))?;
    resvg::render(&tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
    pixmap.save_png(path).map_err(|e| Error::output(path, e))
}

/// The maps of a run: the comprehensive grid and each domain's objects.
pub fn specs(a: &Assessment) -> Vec<MapSpec> {
    let cfg = &a.prepared.config;
    let mut v = vec![MapSpec {
        name: "comprehensive".into(),
        title: format!("{}{}年城市安全综合风险图", cfg.district, cfg.year),
        kind: GeomKind::Polygon,
        features: a.grid.cells.polygons.iter().cloned().map(Geometry::MultiPolygon).zip(a.grid_total.iter().map(|t| t.1)).collect(),
        unit: "个网格".into(),
    }];
    for (d, m) in a.models().iter().enumerate() {
        let objects = a.objects(d);
        v.push(MapSpec {
            name: m.layer_name(),
            title: format!("{}{}年{}风险分布图", cfg.district, cfg.year, m.name),
            kind: m.geometry,
            features: objects.geoms.iter().cloned().zip(a.domains[d].scores.level.iter().copied()).collect(),
            unit: match m.geometry {
                GeomKind::Line => "段".into(),
                _ => "处".into(),
            },
        });
    }
    v
}

/// Write `maps/NAME.svg` and `maps/NAME.png` for every map; returns the files, relative to `dir`.
pub fn write_maps(dir: &Path, a: &Assessment) -> Result<Vec<PathBuf>> {
    let fonts = Fonts::find()?;
    let maps = dir.join("maps");
    std::fs::create_dir(&maps).map_err(|e| Error::output(&maps, e))?;
    let cfg = &a.prepared.config;
    let source = cfg
        .map_source
        .clone()
        .unwrap_or_else(|| cfg.layers.values().filter_map(|l| l.path.file_name()).map(|f| f.to_string_lossy().into_owned()).collect::<Vec<_>>().join("、"));
    let specs = specs(a);
    let files: Vec<Vec<PathBuf>> = specs
        .par_iter()
        .map(|spec| {
            let doc = svg(a, spec, &cfg.colours, &fonts.family, &source);
            let svg_rel = PathBuf::from("maps").join(format!("{}.svg", spec.name));
            let png_rel = PathBuf::from("maps").join(format!("{}.png", spec.name));
            std::fs::write(dir.join(&svg_rel), &doc).map_err(|e| Error::output(dir.join(&svg_rel), e))?;
            png(&doc, &fonts, &dir.join(&png_rel))?;
            Ok(vec![svg_rel, png_rel])
        })
        .collect::<Result<_>>()?;
    Ok(files.into_iter().flatten().collect())
}
