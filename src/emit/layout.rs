//! Print layouts for `sise.qgs`: one per map sise draws (the comprehensive
//! grid and each domain's objects), laid out as `maps/*.png` are — title and
//! subtitle, a map frame with the 街镇 boundaries, a legend of the four levels
//! with counts, scale bar, north arrow, and the source and CRS line — on an
//! A4 landscape page. An analyst edits, re-frames and exports them in QGIS
//! (Project ▸ Layouts); the XML is what QGIS 3.22 writes, less its defaults.

use std::fmt::Write as _;

use geo_types::Rect;

use super::style::LABEL_FONT;
use super::xml::escape as esc;

/// A project layer a layout shows: its id in the project, title and source.
pub struct MapLayer {
    pub id: String,
    pub title: String,
    pub source: String,
}

/// One layout: its name in QGIS's layout manager, the page title, and the
/// four-colour layer it maps (drawn under the 街镇 boundaries, and in the legend).
pub struct Page {
    pub name: String,
    pub title: String,
    pub layer: MapLayer,
    /// The legend's four entries, red first, with the year's counts ("重大风险 12 处").
    pub legend: [String; 4],
}

/// What every page of a run shares.
pub struct Common {
    /// "评估周期 2024-2026 · 2024年度 · 四色风险图".
    pub subtitle: String,
    /// The bottom lines: data source; CRS and sise's version.
    pub footer: String,
    pub boundaries: MapLayer,
    /// What the map frames show: the study area.
    pub bounds: Option<Rect<f64>>,
}

/// Page size and the boxes on it, in millimetres: x, y, width, height.
const PAGE: (f64, f64) = (297.0, 210.0);
const TITLE: (f64, f64, f64, f64) = (10.0, 7.0, 277.0, 12.0);
const SUBTITLE: (f64, f64, f64, f64) = (10.0, 19.0, 277.0, 7.0);
const MAP: (f64, f64, f64, f64) = (10.0, 29.0, 205.0, 166.0);
const LEGEND: (f64, f64, f64, f64) = (222.0, 29.0, 65.0, 60.0);
const NORTH: (f64, f64, f64, f64) = (264.0, 118.0, 14.0, 20.0);
const SCALE: (f64, f64, f64, f64) = (222.0, 150.0, 65.0, 14.0);
const FOOTER: (f64, f64, f64, f64) = (10.0, 196.5, 277.0, 10.0);

/// QGIS's layout item types.
const ITEM_PAGE: u32 = 65638;
const ITEM_MAP: u32 = 65639;
const ITEM_PICTURE: u32 = 65640;
const ITEM_LABEL: u32 = 65641;
const ITEM_LEGEND: u32 = 65642;
const ITEM_SCALEBAR: u32 = 65646;

/// Qt alignment flags, as QGIS stores a label's.
const ALIGN_LEFT: u32 = 0x1;
const ALIGN_HCENTER: u32 = 0x4;
const ALIGN_VCENTER: u32 = 0x80;

/// A stable uuid per layout and item: the same inputs write the same project.
fn uuid(page: usize, item: usize) -> String {
    format!("{{5153e000-0000-4000-8000-{:012x}}}", page * 16 + item)
}

/// A Qt font description: family, point size, weight (50 normal, 75 bold).
fn font(size: u32, bold: bool) -> String {
    format!("{LABEL_FONT},{size},-1,5,{},0,0,0,0,0", if bold { 75 } else { 50 })
}

/// The attributes and children every layout item has.
fn item(kind: u32, id: &str, uuid: &str, (x, y, w, h): (f64, f64, f64, f64), z: u32, attrs: &str, children: &str) -> String {
    format!(
        r#"<LayoutItem type="{kind}" id="{id}" uuid="{uuid}" templateUuid="{uuid}" position="{x},{y},mm" positionOnPage="{x},{y},mm" size="{w},{h},mm" zValue="{z}" visibility="1" referencePoint="0" itemRotation="0" opacity="1" blendMode="0" excludeFromExports="0" positionLock="false" groupUuid="" outlineWidthM="0.3,mm" frameJoinStyle="miter" {attrs}><FrameColor red="0" green="0" blue="0" alpha="255"/><BackgroundColor red="255" green="255" blue="255" alpha="255"/>{children}</LayoutItem>"#
    )
}

/// How a label's text looks: point size, bold, grey level, Qt horizontal alignment.
struct Look(u32, bool, u8, u32);

const TITLE_LOOK: Look = Look(20, true, 32, ALIGN_HCENTER);
const SUBTITLE_LOOK: Look = Look(11, false, 85, ALIGN_HCENTER);
const FOOTER_LOOK: Look = Look(8, false, 85, ALIGN_LEFT);

fn label(id: &str, uuid: &str, rect: (f64, f64, f64, f64), z: u32, text: &str, Look(size, bold, grey, halign): Look) -> String {
    item(
        ITEM_LABEL,
        id,
        uuid,
        rect,
        z,
        &format!(
            r#"labelText="{}" htmlState="0" halign="{halign}" valign="{ALIGN_VCENTER}" marginX="0" marginY="0" frame="false" background="false""#,
            esc(text)
        ),
        &format!(
            r#"<LabelFont description="{}" style="{}"/><FontColor red="{grey}" green="{grey}" blue="{grey}" alpha="255"/>"#,
            font(size, bold),
            if bold { "Bold" } else { "Regular" }
        ),
    )
}

/// `bounds` grown by 3 % and widened or heightened to the map frame's shape,
/// so QGIS draws it unstretched.
fn extent(bounds: Rect<f64>) -> (f64, f64, f64, f64) {
    let (cx, cy) = (bounds.center().x, bounds.center().y);
    let (mut w, mut h) = (bounds.width().max(1.0) * 1.06, bounds.height().max(1.0) * 1.06);
    let aspect = MAP.2 / MAP.3;
    if w / h > aspect {
        h = w / aspect;
    } else {
        w = h * aspect;
    }
    (cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)
}

fn map_layer_xml(l: &MapLayer) -> String {
    format!(r#"<Layer source="{}" provider="ogr" name="{}">{}</Layer>"#, esc(&l.source), esc(&l.title), esc(&l.id))
}

fn one(k: usize, page: &Page, common: &Common) -> String {
    let map_uuid = uuid(k, 1);
    let mut items = String::new();
    let (x0, y0, x1, y1) = extent(common.bounds.unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0))));
    items.push_str(&item(
        ITEM_MAP,
        "地图",
        &map_uuid,
        MAP,
        1,
        r#"keepLayerSet="true" followPreset="false" followPresetName="" drawCanvasItems="true" mapRotation="0" labelMargin="0,mm" mapFlags="0" isTemporal="0" frame="true" background="true""#,
        &format!(
            r#"<Extent xmin="{x0}" ymin="{y0}" xmax="{x1}" ymax="{y1}"/><LayerSet>{}{}</LayerSet>"#,
            map_layer_xml(&common.boundaries),
            map_layer_xml(&page.layer)
        ),
    ));
    items.push_str(&label("标题", &uuid(k, 2), TITLE, 2, &page.title, TITLE_LOOK));
    items.push_str(&label("副标题", &uuid(k, 3), SUBTITLE, 3, &common.subtitle, SUBTITLE_LOOK));
    items.push_str(&label("数据来源", &uuid(k, 4), FOOTER, 4, &common.footer, FOOTER_LOOK));
    let styles: String = [
        ("title", 14, true, "marginBottom=\"3\""),
        ("group", 11, false, "marginTop=\"2\""),
        ("subgroup", 11, false, "marginTop=\"2\""),
        ("symbol", 10, false, "marginTop=\"2\""),
        ("symbolLabel", 10, false, "marginTop=\"2\" marginLeft=\"2\""),
    ]
    .iter()
    .map(|(name, size, bold, margin)| {
        format!(r#"<style name="{name}" alignment="1" indent="0" {margin}><styleFont description="{}" style=""/></style>"#, font(*size, *bold))
    })
    .collect();
    items.push_str(&item(
        ITEM_LEGEND,
        "图例",
        &uuid(k, 5),
        LEGEND,
        5,
        &format!(r##"title="图例" map_uuid="{map_uuid}" resizeToContents="1" symbolWidth="7" symbolHeight="4" columnCount="1" boxSpace="2" columnSpace="2" lineSpacing="1" titleAlignment="1" symbolAlignment="1" splitLayer="0" equalColumnWidth="0" legendFilterByAtlas="0" fontColor="#000000" frame="true" background="true""##),
        &format!(
            r#"<styles>{styles}</styles><layer-tree-group><customproperties/><layer-tree-layer id="{}" name="{}" source="{}" providerKey="ogr" checked="Qt::Checked" expanded="1"><customproperties><Option type="Map">{labels}</Option></customproperties></layer-tree-layer></layer-tree-group>"#,
            esc(&page.layer.id),
            esc(&page.layer.title),
            esc(&page.layer.source),
            // The symbols' labels with counts, as QGIS stores a legend's own text for a class.
            labels = page.legend.iter().enumerate().map(|(i, l)| format!(r#"<Option type="QString" name="legend/label-{i}" value="{}"/>"#, esc(l))).collect::<String>()
        ),
    ));
    items.push_str(&item(
        ITEM_PICTURE,
        "指北针",
        &uuid(k, 6),
        NORTH,
        6,
        &format!(r#"file=":/images/north_arrows/layout_default_north_arrow.svg" mode="0" mapUuid="{map_uuid}" northMode="0" northOffset="0" resizeMode="0" anchorPoint="0" pictureRotation="0" pictureWidth="{}" pictureHeight="{}" svgFillColor="255,255,255,255" svgBorderColor="0,0,0,255" svgBorderWidth="0.2" frame="false" background="false""#, NORTH.2, NORTH.3),
        "",
    ));
    items.push_str(&item(
        ITEM_SCALEBAR,
        "比例尺",
        &uuid(k, 7),
        SCALE,
        7,
        &format!(r#"style="Single Box" mapUuid="{map_uuid}" unitType="meters" unitLabel="米" numMapUnitsPerScaleBarUnit="1" segmentSizeMode="1" minBarWidth="30" maxBarWidth="55" numUnitsPerSegment="1000" numSegments="2" numSegmentsLeft="0" numSubdivisions="1" subdivisionsHeight="1.5" height="2.5" labelBarSpace="2" boxContentSpace="1" alignment="0" lineJoinStyle="miter" lineCapStyle="square" outlineWidth="0.3" frame="false" background="false""#),
        &format!(r#"<text-style fontFamily="{LABEL_FONT}" fontSize="9" fontSizeUnit="Point" fontWeight="50" namedStyle="Regular" textColor="0,0,0,255" textOpacity="1"/>"#),
    ));
    let page_item = item(ITEM_PAGE, "", &uuid(k, 0), (0.0, 0.0, PAGE.0, PAGE.1), 0, r#"frame="false" background="true""#, "");
    format!(
        r#"<Layout name="{}" units="mm" printResolution="300" worldFileMap="{map_uuid}"><Snapper tolerance="5" snapToGrid="0" snapToGuides="1" snapToItems="1"/><Grid resUnits="mm" resolution="10" offsetX="0" offsetY="0" offsetUnits="mm"/><PageCollection>{page_item}<GuideCollection visible="1"/></PageCollection>{items}<customproperties/><Atlas enabled="0" hideCoverage="0" filenamePattern="'output_'||@atlas_featurenumber" coverageLayer="" sortFeatures="0" filterFeatures="0"/></Layout>"#,
        esc(&page.name)
    )
}

/// The project's `<Layouts>` element.
pub fn layouts(pages: &[Page], common: &Common) -> String {
    let mut s = String::from("<Layouts>");
    for (k, page) in pages.iter().enumerate() {
        let _ = write!(s, "{}", one(k, page, common));
    }
    s.push_str("</Layouts>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extent_takes_the_frames_shape_around_the_area() {
        let (x0, y0, x1, y1) = extent(Rect::new((0.0, 0.0), (1000.0, 100.0)));
        assert!(((x1 - x0) / (y1 - y0) - MAP.2 / MAP.3).abs() < 1e-9);
        assert!(x0 < 0.0 && x1 > 1000.0 && y0 < 0.0 && y1 > 100.0);
        assert!((x0 + x1 - 1000.0).abs() < 1e-9, "centred");
    }
}
