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
use geo::{BoundingRect, InteriorPoint, Intersects};
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

    /// Render an SVG body (page-sized) onto `pixmap`.
    fn draw(&self, body: &str, pixmap: &mut tiny_skia::Pixmap) -> Result<()> {
        self.draw_document(&document(body, &self.family), pixmap)
    }

    /// Render a whole SVG document onto `pixmap` (charts of their own size).
    pub fn draw_document(&self, doc: &str, pixmap: &mut tiny_skia::Pixmap) -> Result<()> {
        let opt = usvg::Options { fontdb: self.db.clone(), font_family: self.family.clone(), ..Default::default() };
        let tree = usvg::Tree::from_str(doc, &opt).map_err(|e| Error::output("maps", format!("SVG: {e}")))?;
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

/// How point-like features are drawn: outlined circles where the frame can
/// show them apart (a district), else as what a pixel can show (a city).
#[derive(Clone, Copy)]
enum Dots {
    /// Outlined circles of 6 px (red/orange) or 4.5 px.
    Circles,
    /// Squares of this side (px), no outline: a dense layer reads as a density of colour.
    Squares(f32),
}

impl Dots {
    fn for_count(n: usize) -> Dots {
        // Average spacing of n dots spread over the frame.
        let spacing = (FRAME.2 * FRAME.3 / n.max(1) as f64).sqrt();
        if spacing >= 12.0 {
            Dots::Circles
        } else {
            Dots::Squares((spacing * 0.7).clamp(2.0, 6.0) as f32)
        }
    }
}

/// "#RRGGBB" → a colour (palette colours are checked to have this form at load).
fn rgb(hex: &str) -> tiny_skia::Color {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    tiny_skia::Color::from_rgba8((v >> 16) as u8, (v >> 8) as u8, v as u8, 255)
}

/// Fill whole pixels (left, top, right, bottom; clipped to the image) with an
/// opaque colour: tiny-skia's `fill_rect` of a pixel-aligned rectangle
/// without anti-aliasing, written straight into the buffer, as a city map
/// fills hundreds of thousands of them.
fn fill_pixels(pixmap: &mut tiny_skia::Pixmap, (x0, y0, x1, y1): (i32, i32, i32, i32), colour: tiny_skia::Color) {
    let (w, h) = (pixmap.width() as i32, pixmap.height() as i32);
    let (x0, x1, y0, y1) = (x0.clamp(0, w), x1.clamp(0, w), y0.clamp(0, h), y1.clamp(0, h));
    let c = colour.premultiply().to_color_u8();
    let pixels = pixmap.pixels_mut();
    for y in y0..y1 {
        pixels[(y * w + x0) as usize..(y * w + x1) as usize].fill(c);
    }
}

/// Lay `src` over `dst` with its top-left corner at (x, y), inside `dst`
/// (premultiplied source-over, as tiny-skia's `draw_pixmap` without
/// scaling, but skipping the transparent pixels most of a layer is).
fn composite(dst: &mut tiny_skia::Pixmap, src: &tiny_skia::Pixmap, (x, y): (usize, usize)) {
    let (dw, sw) = (dst.width() as usize, src.width() as usize);
    let d = dst.pixels_mut();
    for (row, line) in src.pixels().chunks_exact(sw).enumerate() {
        let start = (y + row) * dw + x;
        for (o, p) in d[start..start + sw].iter_mut().zip(line) {
            match p.alpha() {
                0 => {}
                255 => *o = *p,
                a => {
                    let keep = u16::from(255 - a);
                    let over = |s: u8, d: u8| s + ((u16::from(d) * keep + 127) / 255) as u8;
                    let blended = tiny_skia::PremultipliedColorU8::from_rgba(
                        over(p.red(), o.red()),
                        over(p.green(), o.green()),
                        over(p.blue(), o.blue()),
                        over(a, o.alpha()),
                    );
                    *o = blended.expect("source-over keeps colour within alpha");
                }
            }
        }
    }
}

fn paint(colour: tiny_skia::Color, anti_alias: bool) -> tiny_skia::Paint<'static> {
    let mut p = tiny_skia::Paint { anti_alias, ..Default::default() };
    p.set_color(colour);
    p
}

/// A map frame's features drawn into a raster of the frame's size, so a
/// map's file stays one frame whatever the object count, and drawing is
/// a pixel operation per object instead of SVG text parsed back (at scale 1,
/// the 18 maps went from 28 s and SVGs up to 28 MB to 4–7 s and 0.5 MB).
struct Canvas {
    pixmap: tiny_skia::Pixmap,
    /// Page → frame pixels.
    to_frame: tiny_skia::Transform,
    dots: Dots,
    /// Grid cells: filled edge to edge without anti-aliasing, so that
    /// neighbouring cells leave no seams, at any extent.
    cells: bool,
}

impl Canvas {
    fn new(spec: &MapSpec) -> Option<Canvas> {
        let (fx, fy, fw, fh) = FRAME;
        Some(Canvas {
            pixmap: tiny_skia::Pixmap::new(fw as u32, fh as u32)?,
            to_frame: tiny_skia::Transform::from_translate(-fx as f32, -fy as f32),
            dots: Dots::for_count(spec.features.len()),
            cells: spec.cells,
        })
    }

    fn dot(&mut self, view: &View, c: Coord<f64>, colour: tiny_skia::Color, level: Level) {
        let (x, y) = view.px(c);
        let (x, y) = (x as f32, y as f32);
        match self.dots {
            Dots::Circles => {
                let r = if level <= Level::Significant { 6.0 } else { 4.5 };
                if let Some(circle) = tiny_skia::PathBuilder::from_circle(x, y, r) {
                    self.pixmap.fill_path(&circle, &paint(colour, true), tiny_skia::FillRule::Winding, self.to_frame, None);
                    let stroke = tiny_skia::Stroke { width: 1.0, ..Default::default() };
                    self.pixmap.stroke_path(&circle, &paint(tiny_skia::Color::WHITE, true), &stroke, self.to_frame, None);
                }
            }
            Dots::Squares(side) => {
                let (left, top, side) =
                    ((x - side / 2.0).round() as i32 - FRAME.0 as i32, (y - side / 2.0).round() as i32 - FRAME.1 as i32, side.round() as i32);
                fill_pixels(&mut self.pixmap, (left, top, left + side, top + side), colour);
            }
        }
    }

    fn draw(&mut self, view: &View, g: &Geometry<f64>, colour: tiny_skia::Color, level: Level) {
        let Some(b) = g.bounding_rect() else { return };
        let size = b.width().max(b.height()) * view.scale;
        match g {
            Geometry::Point(p) => self.dot(view, p.0, colour, level),
            Geometry::MultiPoint(mp) => mp.iter().for_each(|p| self.dot(view, p.0, colour, level)),
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) if self.cells => {
                let (x0, y0) = view.px(Coord { x: b.min().x, y: b.max().y });
                let (x1, y1) = view.px(Coord { x: b.max().x, y: b.min().y });
                let snap = |v: f64| v.round() as f32;
                if let Some(r) = tiny_skia::Rect::from_ltrb(snap(x0), snap(y0), snap(x1).max(snap(x0) + 1.0), snap(y1).max(snap(y0) + 1.0)) {
                    let (fx, fy) = (FRAME.0 as f32, FRAME.1 as f32);
                    fill_pixels(&mut self.pixmap, ((r.left() - fx) as i32, (r.top() - fy) as i32, (r.right() - fx) as i32, (r.bottom() - fy) as i32), colour);
                    // Cells large enough to be seen one by one keep a faint outline.
                    if size >= 8.0 {
                        let path = tiny_skia::PathBuilder::from_rect(r);
                        let white = tiny_skia::Color::from_rgba8(255, 255, 255, 128);
                        self.pixmap.stroke_path(&path, &paint(white, true), &tiny_skia::Stroke { width: 0.4, ..Default::default() }, self.to_frame, None);
                    }
                }
            }
            // Footprints smaller than a few pixels (buildings at district scale)
            // would vanish: a dot at their centre, as a cartographer would draw them.
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) if size < 8.0 => {
                // Under 8 px, any point of the footprint is the same pixel or two: its box's centre.
                self.dot(view, b.center(), colour, level)
            }
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) => {
                let mut pb = tiny_skia::PathBuilder::new();
                let polygons: Vec<&Polygon<f64>> = match g {
                    Geometry::Polygon(p) => vec![p],
                    Geometry::MultiPolygon(m) => m.iter().collect(),
                    _ => vec![],
                };
                for p in polygons {
                    std::iter::once(p.exterior()).chain(p.interiors()).for_each(|r| view.trace(&mut pb, r, true));
                }
                if let Some(path) = pb.finish() {
                    self.pixmap.fill_path(&path, &paint(colour, true), tiny_skia::FillRule::EvenOdd, self.to_frame, None);
                    let white = tiny_skia::Color::from_rgba8(255, 255, 255, 128);
                    self.pixmap.stroke_path(&path, &paint(white, true), &tiny_skia::Stroke { width: 0.4, ..Default::default() }, self.to_frame, None);
                }
            }
            Geometry::LineString(_) | Geometry::MultiLineString(_) => {
                let mut pb = tiny_skia::PathBuilder::new();
                match g {
                    Geometry::LineString(l) => view.trace(&mut pb, l, false),
                    Geometry::MultiLineString(m) => m.iter().for_each(|l| view.trace(&mut pb, l, false)),
                    _ => {}
                }
                let width = match level {
                    Level::Major => 4.5,
                    Level::Significant => 3.5,
                    Level::General => 2.5,
                    Level::Low => 1.8,
                };
                let stroke = tiny_skia::Stroke { width, line_cap: tiny_skia::LineCap::Round, line_join: tiny_skia::LineJoin::Round, ..Default::default() };
                if let Some(path) = pb.finish() {
                    self.pixmap.stroke_path(&path, &paint(colour, true), &stroke, self.to_frame, None);
                }
            }
            _ => {}
        }
    }
}

/// The features of a map, low risk first so red lies on top, as a frame-sized raster.
fn features(spec: &MapSpec, palette: &Palette, view: &View) -> Option<tiny_skia::Pixmap> {
    let mut canvas = Canvas::new(spec)?;
    let mut order: Vec<&(Cow<Geometry<f64>>, Level)> = spec.features.iter().collect();
    order.sort_by_key(|(_, l)| std::cmp::Reverse(*l));
    let colours: Vec<tiny_skia::Color> = Level::ALL.iter().map(|l| rgb(palette.colour(*l))).collect();
    for (g, l) in order {
        canvas.draw(view, g, colours[l.index()], *l);
    }
    Some(canvas.pixmap)
}

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
        let cfg = &a.prepared.config;
        let mut district = String::new();
        for p in a.prepared.admin.zones.polygons.iter().flat_map(|m| m.iter()) {
            view.polygon(&mut district, p);
        }
        let under = format!(
            r##"<rect width="100%" height="100%" fill="#ffffff"/><clipPath id="frame"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}"/></clipPath><g clip-path="url(#frame)"><rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="#f4f6f8"/><path d="{district}" fill="#ffffff" fill-rule="evenodd"/></g>"##
        );

        // With 区 above the 街镇, 街镇 lines are thin and the 区 lines carry the map.
        let districts = a.prepared.admin.districts.as_ref();
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
    tiny_skia::Pixmap::new(WIDTH as u32, HEIGHT as u32).ok_or_else(|| Error::output("maps", "cannot allocate a map image"))
}

/// One map's own text, outside the frame: title, subtitle and legend.
fn marginalia(a: &Assessment, spec: &MapSpec, palette: &Palette) -> String {
    let cfg = &a.prepared.config;
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
    legend(&mut s, spec, palette, a.prepared.admin.districts.is_some());
    s
}

/// A label's box on the page: left, top, right, bottom.
type LabelBox = (f64, f64, f64, f64);

fn overlaps(a: &LabelBox, b: &LabelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// The box a name takes, centred on (x, y): CJK characters are one em wide, others about half.
fn label_box(text: &str, (x, y): (f64, f64), size: f64) -> LabelBox {
    let width = text.chars().map(|ch| if ch.is_ascii() { 0.55 } else { 1.0 }).sum::<f64>() * size + 6.0;
    let height = size * 1.3;
    (x - width / 2.0, y - height / 2.0, x + width / 2.0, y + height / 2.0)
}

/// A name to place: text, anchor (page pixels), font sizes to try in order.
struct Label<'a> {
    text: &'a str,
    at: (f64, f64),
    sizes: &'a [f64],
}

/// Place names without collisions, in the given order (most important
/// first): each at its anchor or moved nearby while `own(i, x, y)` says the
/// spot is still over its own unit, at the first of its sizes that fits; a name that
/// fits nowhere is left out (its unit is too small to name at this scale, as
/// on any printed map). Nothing covers `keep_clear`. Returns (label, x, y, size).
fn place_labels(labels: &[Label], keep_clear: &[LabelBox], own: impl Fn(usize, f64, f64) -> bool) -> Vec<(usize, f64, f64, f64)> {
    let (fx, fy, fw, fh) = FRAME;
    let mut taken: Vec<LabelBox> = keep_clear.to_vec();
    let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        // The first size at which the name fits somewhere, nearest spots first.
        let spot = label.sizes.iter().find_map(|&size| {
            let b = label_box(label.text, (0.0, 0.0), size);
            let (width, height) = (b.2 - b.0, b.3 - b.1);
            let mut spots: Vec<(f64, f64)> =
                [-0.7, -0.35, 0.0, 0.35, 0.7].iter().flat_map(|dx| [-1.2, -0.6, 0.0, 0.6, 1.2].iter().map(move |dy| (dx * width, dy * height))).collect();
            spots.sort_by(|a, b| a.0.hypot(a.1).total_cmp(&b.0.hypot(b.1)));
            spots.into_iter().map(|(dx, dy)| (label.at.0 + dx, label.at.1 + dy, size)).find(|&(x, y, size)| {
                let b = label_box(label.text, (x, y), size);
                b.0 >= fx && b.2 <= fx + fw && b.1 >= fy && b.3 <= fy + fh && !taken.iter().any(|t| overlaps(t, &b)) && own(i, x, y)
            })
        });
        if let Some((x, y, size)) = spot {
            taken.push(label_box(label.text, (x, y), size));
            placed.push((i, x, y, size));
        }
    }
    placed
}

/// The admin units' names: at city extent the 区 first, then the 街镇 where
/// they still fit; each level largest unit first; clear of the north arrow and scale bar.
fn labels(s: &mut String, a: &Assessment, view: &View) {
    let admin = &a.prepared.admin;
    let (fx, fy, fw, fh) = FRAME;
    let keep_clear = [(fx + fw - 90.0, fy, fx + fw, fy + 110.0), (fx, fy + fh - 80.0, fx + 420.0, fy + fh)];
    let by_area = |zones: &'_ crate::aggregate::Zones, names: &'_ [String]| {
        let mut v: Vec<(usize, f64)> = (0..names.len()).map(|i| (i, geo::Area::unsigned_area(&zones.polygons[i]))).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().map(|(i, _)| i).collect::<Vec<_>>()
    };
    // (outline, name, sizes to try)
    let mut units: Vec<(&geo_types::MultiPolygon<f64>, &str, &[f64])> = Vec::new();
    if let Some(d) = &admin.districts {
        units.extend(by_area(&d.zones, &d.names).into_iter().map(|i| (&d.zones.polygons[i], d.names[i].as_str(), &[24.0, 19.0][..])));
    }
    let street_sizes: &[f64] = if admin.districts.is_some() { &[15.0] } else { &[19.0, 15.0] };
    units.extend(by_area(&admin.zones, &admin.names).into_iter().map(|i| (&admin.zones.polygons[i], admin.names[i].as_str(), street_sizes)));
    let units: Vec<_> = units.into_iter().filter_map(|(p, name, sizes)| Some((p, name, sizes, p.interior_point()?))).collect();
    let labels: Vec<Label> = units.iter().map(|(_, name, sizes, c)| Label { text: name, at: view.px(c.0), sizes }).collect();
    // A moved name stays over its own unit, never over a neighbour.
    let own = |k: usize, x: f64, y: f64| units[k].0.intersects(&geo_types::Point(view.world(x, y)));
    for (k, x, y, size) in place_labels(&labels, &keep_clear, own) {
        let _ = write!(
            s,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="{size}" font-weight="bold" text-anchor="middle" dominant-baseline="middle" fill="#222222" stroke="#ffffff" stroke-width="4" stroke-opacity="0.85" paint-order="stroke">{}</text>"##,
            esc(labels[k].text)
        );
    }
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
            let bytes = f.encode_png().map_err(|e| Error::output(path, format!("map raster: {e}")))?;
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
    let cfg = &a.prepared.config;
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
    let cfg = &a.prepared.config;
    let source = source(cfg);
    let specs = specs(a);
    let bounds = a.prepared.admin.zones.bounds().unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_labels_never_overlap_and_stay_clear_of_the_north_arrow() {
        // 60 names crowded into a 300 px square, the corner one under the north arrow.
        let (fx, fy, fw, _) = FRAME;
        let names: Vec<String> = (0..60).map(|i| format!("第{i}街道")).collect();
        let mut labels: Vec<Label> =
            (0..60).map(|i| Label { text: &names[i], at: (300.0 + (i % 8) as f64 * 40.0, 300.0 + (i / 8) as f64 * 40.0), sizes: &[19.0, 15.0] }).collect();
        labels.push(Label { text: "北边", at: (fx + fw - 60.0, fy + 50.0), sizes: &[19.0] });
        let keep_clear = [(fx + fw - 90.0, fy, fx + fw, fy + 110.0)];
        let placed = place_labels(&labels, &keep_clear, |_, _, _| true);
        let boxes: Vec<LabelBox> = placed.iter().map(|&(k, x, y, size)| label_box(labels[k].text, (x, y), size)).collect();
        for (a, ba) in boxes.iter().enumerate() {
            assert!(!overlaps(ba, &keep_clear[0]), "label {a} on the north arrow");
            for bb in &boxes[a + 1..] {
                assert!(!overlaps(ba, bb), "{ba:?} and {bb:?} overlap");
            }
        }
        // Thinned, not emptied: the first name keeps its full size.
        assert!(placed.len() >= 15 && placed.len() < 60, "{} placed", placed.len());
        assert!(placed.iter().any(|p| p.0 == 0 && p.3 == 19.0));
        // Placing only where `own` allows: nothing is placed when no spot is its own.
        assert!(place_labels(&labels, &[], |_, _, _| false).is_empty());
    }
}
