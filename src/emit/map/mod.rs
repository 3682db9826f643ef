//! Four-colour map images for reports: the comprehensive map and one per
//! domain, each an SVG page (text by resvg with a CJK font found on the
//! machine) around a raster of the features drawn by tiny-skia, written as
//! SVG (raster embedded) and PNG, so the images come from the run itself and
//! need no QGIS. Layout: title, map frame with 区/街镇 boundaries and names
//! placed without collisions, legend with counts, north arrow, scale bar and
//! a data source line.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use geo_types::{Coord, Geometry, LineString, Polygon, Rect};
use rayon::prelude::*;
use resvg::{tiny_skia, usvg};

use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::{Level, Palette};
use crate::model::GeomKind;

mod labels;
mod raster;

use labels::labels;
use raster::{composite, features};

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
            what: crate::msg::OutputTrouble::MapImages.into(),
            message: crate::msg::OutputTrouble::NoCjkFont { looked: CJK_FONTS.iter().map(|f| f.to_string()).collect() }.into(),
        })?;
        Ok(Fonts { db: Arc::new(db), family: family.to_string() })
    }

    /// Render an SVG body (page-sized) onto `pixmap`.
    fn draw(&self, body: &str, pixmap: &mut tiny_skia::Pixmap) -> Result<()> {
        self.draw_document(&document(body, &self.family), pixmap)
    }

    /// Render a whole SVG document onto `pixmap` (charts of their own size).
    pub fn draw_document(&self, doc: &str, pixmap: &mut tiny_skia::Pixmap) -> Result<()> {
        let opt = usvg::Options { fontdb: self.db.clone(), font_family: self.family.clone(), ..Default::default() };
        let tree =
            usvg::Tree::from_str(doc, &opt).map_err(|e| Error::output("maps", crate::msg::OutputTrouble::Map { raster: false, detail: e.to_string() }))?;
        resvg::render(&tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
        Ok(())
    }
}

/// One map to draw.
pub struct MapSpec<'a> {
    /// File name without extension.
    pub name: String,
    pub title: String,
    pub kind: GeomKind,
    /// Features and their levels, drawn low risk first so red lies on top.
    /// Objects are borrowed from the assessment, grid cells made for the map.
    pub features: Vec<(Cow<'a, Geometry<f64>>, Level)>,
    /// What a legend count counts ("个网格", "个对象", "段"…).
    pub unit: String,
    /// The features are grid cells (drawn as cells at any extent).
    pub cells: bool,
}

impl MapSpec<'_> {
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

    /// Pixel → world: the inverse of [`View::px`].
    fn world(&self, x: f64, y: f64) -> Coord<f64> {
        Coord { x: self.x0 + (x - self.ox) / self.scale, y: self.y1 - (y - self.oy) / self.scale }
    }

    fn trace(&self, pb: &mut tiny_skia::PathBuilder, ring: &LineString<f64>, close: bool) {
        for (i, c) in ring.coords().enumerate() {
            let (x, y) = self.px(*c);
            if i == 0 {
                pb.move_to(x as f32, y as f32)
            } else {
                pb.line_to(x as f32, y as f32)
            }
        }
        if close {
            pb.close();
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

/// A scale bar length (m) that is a round number and 120–300 px long.
fn scale_length(scale: f64) -> f64 {
    [200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0].into_iter().find(|m| m * scale >= 120.0).unwrap_or(50000.0)
}

/// What every map of a run shares, as two SVG layers drawn below and above
/// the features' raster: the frame's background and the district (under);
/// boundaries, names, frame border, north arrow, scale bar and source lines
/// (over). Names are placed once per run, and the PNGs render these layers
/// once for all maps (at city extent, text shaping was most of a map's time).
struct Backdrop {
    under: String,
    over: String,
}

/// An SVG document of the page's size around `body`.
fn document(body: &str, font: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{font}">{body}</svg>
"##
    )
}

impl Backdrop {
    fn new(a: &Assessment, view: &View, source: &str) -> Backdrop {
        let (fx, fy, fw, fh) = FRAME;
        let cfg = &a.loaded.config;
        let mut district = String::new();
        for p in a.loaded.streets.zones.polygons.iter().flat_map(|m| m.iter()) {
            view.polygon(&mut district, p);
        }
        let under = format!(
            r##"<rect width="100%" height="100%" fill="#ffffff"/><clipPath id="frame"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}"/></clipPath><g clip-path="url(#frame)"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="#f4f6f8"/><path d="{district}" fill="#ffffff" fill-rule="evenodd"/></g>"##
        );

        // With 区 above the 街镇, 街镇 lines are thin and the 区 lines carry the map.
        let districts = a.loaded.streets.districts.as_ref();
        let (street_colour, street_width) = street_line(districts.is_some());
        let mut s = String::new();
        let _ = write!(
            s,
            // The PNG renders this layer as its own document: it defines its own clip.
            r##"<clipPath id="frame-over"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}"/></clipPath><g clip-path="url(#frame-over)"><path d="{district}" fill="none" stroke="{street_colour}" stroke-width="{street_width}" stroke-linejoin="round"/>"##
        );
        if let Some(d) = districts {
            let mut outlines = String::new();
            d.zones.polygons.iter().flat_map(|m| m.iter()).for_each(|p| view.polygon(&mut outlines, p));
            let _ = write!(s, r##"<path d="{outlines}" fill="none" stroke="#1a1a1a" stroke-width="2.6" stroke-linejoin="round"/>"##);
        }
        labels(&mut s, a, view);
        s.push_str("</g>");
        let _ = write!(s, r##"<rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="none" stroke="#444444" stroke-width="1.5"/>"##);
        north_arrow(&mut s);
        scale_bar(&mut s, view);
        let _ = write!(s, r##"<text x="{fx}" y="{}" font-size="15" fill="#555555">{}</text>"##, HEIGHT - 40.0, esc(&format!("数据来源：{source}")));
        let _ = write!(
            s,
            r##"<text x="{fx}" y="{}" font-size="15" fill="#555555">坐标系 {}；网格 {} 米；制图 sise {}</text>"##,
            HEIGHT - 16.0,
            esc(&cfg.working_crs),
            cfg.grid_cell_m,
            env!("CARGO_PKG_VERSION")
        );
        Backdrop { under, over: s }
    }

    /// Both layers as page-sized rasters.
    fn render(&self, fonts: &Fonts) -> Result<Rendered> {
        let mut under = blank_page()?;
        fonts.draw(&self.under, &mut under)?;
        let mut over = blank_page()?;
        fonts.draw(&self.over, &mut over)?;
        Ok(Rendered { under, over })
    }
}

/// A [`Backdrop`] rendered: the under layer opaque, the over layer transparent around its lines and text.
struct Rendered {
    under: tiny_skia::Pixmap,
    over: tiny_skia::Pixmap,
}

/// The 街镇 boundary's colour and width: thin grey under 区 boundaries, else dark.
fn street_line(districts: bool) -> (&'static str, f64) {
    if districts {
        ("#777777", 0.8)
    } else {
        ("#333333", 1.6)
    }
}

fn blank_page() -> Result<tiny_skia::Pixmap> {
    tiny_skia::Pixmap::new(WIDTH as u32, HEIGHT as u32).ok_or_else(|| Error::output("maps", crate::msg::OutputTrouble::MapImage))
}

/// One map's own text, outside the frame: title, subtitle and legend.
fn marginalia(a: &Assessment, spec: &MapSpec, palette: &Palette) -> String {
    let cfg = &a.loaded.config;
    let mut s = String::new();
    let _ =
        write!(s, r##"<text x="{}" y="58" font-size="36" font-weight="bold" text-anchor="middle" fill="#202020">{}</text>"##, WIDTH / 2.0, esc(&spec.title));
    let _ = write!(
        s,
        r##"<text x="{}" y="92" font-size="20" text-anchor="middle" fill="#555555">评估周期 {} · {}年度 · 四色风险图</text>"##,
        WIDTH / 2.0,
        esc(&cfg.cycle),
        cfg.year
    );
    legend(&mut s, spec, palette, a.loaded.streets.districts.is_some());
    s
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
fn legend(s: &mut String, spec: &MapSpec, palette: &Palette, districts: bool) {
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
            r##"{swatch}<text id="legend-{}" x="{}" y="{}" font-size="20">{}</text>"##,
            l.number(),
            lx + 46.0,
            y + 19.0,
            esc(&legend_label(*l, counts[i], &spec.unit))
        );
    }
    let mut lines = vec![("街镇界", street_line(districts))];
    if districts {
        lines.insert(0, ("区界", ("#1a1a1a", 2.6)));
    }
    for (k, (name, (colour, width))) in lines.into_iter().enumerate() {
        let y = ly + 60.0 + (4 + k) as f64 * 46.0;
        let _ = write!(
            *s,
            r##"<path d="M{lx},{} h36" stroke="{colour}" stroke-width="{width}"/><text x="{}" y="{}" font-size="20">{name}</text>"##,
            y + 12.0,
            lx + 46.0,
            y + 19.0
        );
    }
}

/// Render a map to PNG: the shared under layer, the features' raster in the frame, the shared over layer, the map's own text.
fn png(backdrop: &Rendered, features: Option<&tiny_skia::Pixmap>, own: &str, fonts: &Fonts, path: &Path) -> Result<()> {
    let mut pixmap = backdrop.under.clone();
    if let Some(f) = features {
        composite(&mut pixmap, f, (FRAME.0 as usize, FRAME.1 as usize));
    }
    composite(&mut pixmap, &backdrop.over, (0, 0));
    fonts.draw(own, &mut pixmap)?;
    pixmap.save_png(path).map_err(|e| Error::output(path, e))
}

/// The SVG file: the whole page as one document, the features' raster embedded as a PNG in the frame.
fn svg(backdrop: &Backdrop, features: Option<&tiny_skia::Pixmap>, own: &str, font: &str, path: &Path) -> Result<String> {
    let (fx, fy, fw, fh) = FRAME;
    let image = match features {
        Some(f) => {
            let bytes = f.encode_png().map_err(|e| Error::output(path, crate::msg::OutputTrouble::Map { raster: true, detail: e.to_string() }))?;
            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
            format!(r##"<image x="{fx}" y="{fy}" width="{fw}" height="{fh}" xlink:href="data:image/png;base64,{data}"/>"##)
        }
        None => String::new(),
    };
    Ok(document(&format!("{}{image}{}{own}", backdrop.under, backdrop.over), font))
}

/// The comprehensive map's title (its image and its QGIS print layout).
pub fn comprehensive_title(cfg: &crate::config::RunConfig) -> String {
    format!("{}{}年城市安全综合风险图", cfg.district, cfg.year)
}

/// A domain map's title.
pub fn domain_title(cfg: &crate::config::RunConfig, m: &crate::model::Model) -> String {
    format!("{}{}年{}风险分布图", cfg.district, cfg.year, m.name)
}

/// What a map's source line names: the run config's `map_source`, else the input files.
pub fn source(cfg: &crate::config::RunConfig) -> String {
    cfg.map_source
        .clone()
        .unwrap_or_else(|| cfg.layers.values().filter_map(|l| l.path.file_name()).map(|f| f.to_string_lossy().into_owned()).collect::<Vec<_>>().join("、"))
}

/// What a domain map's legend counts its objects in.
pub fn object_unit(kind: GeomKind) -> &'static str {
    match kind {
        GeomKind::Line => "段",
        _ => "处",
    }
}

/// What the comprehensive map's legend counts.
pub const CELL_UNIT: &str = "个网格";

/// A legend entry as the maps write it: "重大风险 12 处".
pub fn legend_label(level: Level, count: usize, unit: &str) -> String {
    format!("{} {count} {unit}", level.name_zh())
}

/// The maps of a run: the comprehensive grid and each domain's objects.
pub fn specs(a: &Assessment) -> Vec<MapSpec<'_>> {
    let cfg = &a.loaded.config;
    let mut v = vec![MapSpec {
        name: "comprehensive".into(),
        title: comprehensive_title(cfg),
        kind: GeomKind::Polygon,
        features: a.grid.cells.polygons.iter().map(|c| Cow::Owned(Geometry::MultiPolygon(c.clone()))).zip(a.grid_total.iter().map(|t| t.level)).collect(),
        unit: CELL_UNIT.into(),
        cells: true,
    }];
    for (d, m) in a.models().iter().enumerate() {
        let objects = a.objects(d);
        v.push(MapSpec {
            name: m.layer_name(),
            title: domain_title(cfg, m),
            kind: m.geometry,
            features: objects.geoms.iter().map(Cow::Borrowed).zip(a.domains[d].scores.level.iter().copied()).collect(),
            unit: object_unit(m.geometry).into(),
            cells: false,
        });
    }
    v
}

/// Write `maps/NAME.svg` and `maps/NAME.png` for every map; returns the files, relative to `dir`.
pub fn write_maps(dir: &Path, a: &Assessment) -> Result<Vec<PathBuf>> {
    let fonts = Fonts::find()?;
    let maps = dir.join("maps");
    std::fs::create_dir(&maps).map_err(|e| Error::output(&maps, e))?;
    let cfg = &a.loaded.config;
    let source = source(cfg);
    let specs = specs(a);
    let bounds = a.loaded.streets.zones.bounds().unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0)));
    let view = View::fit(bounds);
    let backdrop = Backdrop::new(a, &view, &source);
    let rendered = backdrop.render(&fonts)?;
    let files: Vec<Vec<PathBuf>> = specs
        .par_iter()
        .map(|spec| {
            let own = marginalia(a, spec, &cfg.colours);
            let raster = features(spec, &cfg.colours, &view);
            let svg_rel = PathBuf::from("maps").join(format!("{}.svg", spec.name));
            let png_rel = PathBuf::from("maps").join(format!("{}.png", spec.name));
            let doc = svg(&backdrop, raster.as_ref(), &own, &fonts.family, &dir.join(&svg_rel))?;
            std::fs::write(dir.join(&svg_rel), &doc).map_err(|e| Error::output(dir.join(&svg_rel), e))?;
            png(&rendered, raster.as_ref(), &own, &fonts, &dir.join(&png_rel))?;
            Ok(vec![svg_rel, png_rel])
        })
        .collect::<Result<_>>()?;
    let mut files: Vec<PathBuf> = files.into_iter().flatten().collect();
    files.extend(super::timed("tornado charts", || super::tornado::write(dir, a, &fonts))?);
    Ok(files)
}
