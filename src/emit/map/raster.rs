//! The features of a map drawn by tiny-skia into a raster of the frame:
//! dense points as pixel squares, grid cells edge to edge, lines wider as risk
//! rises; and the pixel helpers the pages share.

use std::borrow::Cow;

use geo::BoundingRect;
use geo_types::{Coord, Geometry, Polygon};
use resvg::tiny_skia;

use super::{MapSpec, View, FRAME};
use crate::level::{Level, Palette};

/// How point-like features are drawn: outlined circles where the frame can
/// show them apart (a district), else as what a pixel can show (a city).
#[derive(Clone, Copy)]
pub(super) enum Dots {
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
pub(super) fn rgb(hex: &str) -> tiny_skia::Color {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    tiny_skia::Color::from_rgba8((v >> 16) as u8, (v >> 8) as u8, v as u8, 255)
}

/// Fill whole pixels (left, top, right, bottom; clipped to the image) with an
/// opaque colour: tiny-skia's `fill_rect` of a pixel-aligned rectangle
/// without anti-aliasing, written straight into the buffer, as a city map
/// fills hundreds of thousands of them.
pub(super) fn fill_pixels(pixmap: &mut tiny_skia::Pixmap, (x0, y0, x1, y1): (i32, i32, i32, i32), colour: tiny_skia::Color) {
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
pub(super) fn composite(dst: &mut tiny_skia::Pixmap, src: &tiny_skia::Pixmap, (x, y): (usize, usize)) {
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

pub(super) fn paint(colour: tiny_skia::Color, anti_alias: bool) -> tiny_skia::Paint<'static> {
    let mut p = tiny_skia::Paint { anti_alias, ..Default::default() };
    p.set_color(colour);
    p
}

/// A map frame's features drawn into a raster of the frame's size, so a
/// map's file stays one frame whatever the object count, and drawing is
/// a pixel operation per object instead of SVG text parsed back (at scale 1,
/// the 18 maps went from 28 s and SVGs up to 28 MB to 4–7 s and 0.5 MB).
pub(super) struct Canvas {
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
pub(super) fn features(spec: &MapSpec, palette: &Palette, view: &View) -> Option<tiny_skia::Pixmap> {
    let mut canvas = Canvas::new(spec)?;
    let mut order: Vec<&(Cow<Geometry<f64>>, Level)> = spec.features.iter().collect();
    order.sort_by_key(|(_, l)| std::cmp::Reverse(*l));
    let colours: Vec<tiny_skia::Color> = Level::ALL.iter().map(|l| rgb(palette.colour(*l))).collect();
    for (g, l) in order {
        canvas.draw(view, g, colours[l.index()], *l);
    }
    Some(canvas.pixmap)
}
