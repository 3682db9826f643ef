//! 街镇 names on the map page, placed where they collide with nothing
//! already there (the frame's marks, other names), each inside its own 街镇.

use std::fmt::Write as _;

use geo::{InteriorPoint, Intersects};

use super::{esc, View, FRAME};
use crate::assess::Assessment;

/// A label's box on the page: left, top, right, bottom.
pub(super) type LabelBox = (f64, f64, f64, f64);

pub(super) fn overlaps(a: &LabelBox, b: &LabelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// The box a name takes, centred on (x, y): CJK characters are one em wide, others about half.
pub(super) fn label_box(text: &str, (x, y): (f64, f64), size: f64) -> LabelBox {
    let width = text.chars().map(|ch| if ch.is_ascii() { 0.55 } else { 1.0 }).sum::<f64>() * size + 6.0;
    let height = size * 1.3;
    (x - width / 2.0, y - height / 2.0, x + width / 2.0, y + height / 2.0)
}

/// A name to place: text, anchor (page pixels), font sizes to try in order.
pub(super) struct Label<'a> {
    text: &'a str,
    at: (f64, f64),
    sizes: &'a [f64],
}

/// Place names without collisions, in the given order (most important
/// first): each at its anchor or moved nearby while `own(i, x, y)` says the
/// spot is still over its own unit, at the first of its sizes that fits; a name that
/// fits nowhere is left out (its unit is too small to name at this scale, as
/// on any printed map). Nothing covers `keep_clear`. Returns (label, x, y, size).
pub(super) fn place_labels(labels: &[Label], keep_clear: &[LabelBox], own: impl Fn(usize, f64, f64) -> bool) -> Vec<(usize, f64, f64, f64)> {
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

/// The names of the 街镇: at city extent the 区 first, then the 街镇 where
/// they still fit; each level largest unit first; clear of the north arrow and scale bar.
pub(super) fn labels(s: &mut String, a: &Assessment, view: &View) {
    let streets = &a.loaded.streets;
    let (fx, fy, fw, fh) = FRAME;
    let keep_clear = [(fx + fw - 90.0, fy, fx + fw, fy + 110.0), (fx, fy + fh - 80.0, fx + 420.0, fy + fh)];
    let by_area = |zones: &'_ crate::aggregate::Zones, names: &'_ [String]| {
        let mut v: Vec<(usize, f64)> = (0..names.len()).map(|i| (i, geo::Area::unsigned_area(&zones.polygons[i]))).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().map(|(i, _)| i).collect::<Vec<_>>()
    };
    // (outline, name, sizes to try)
    let mut units: Vec<(&geo_types::MultiPolygon<f64>, &str, &[f64])> = Vec::new();
    if let Some(d) = &streets.districts {
        units.extend(by_area(&d.zones, &d.names).into_iter().map(|i| (&d.zones.polygons[i], d.names[i].as_str(), &[24.0, 19.0][..])));
    }
    let street_sizes: &[f64] = if streets.districts.is_some() { &[15.0] } else { &[19.0, 15.0] };
    units.extend(by_area(&streets.zones, &streets.names).into_iter().map(|i| (&streets.zones.polygons[i], streets.names[i].as_str(), street_sizes)));
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
