//! Layer styles: QGIS QML (categorized on a level column, with Chinese
//! labels and field aliases) and OGC SLD for other clients. The same QML
//! body goes into the GeoPackage `layer_styles` table, the `.qml` sidecar
//! files and the QGIS project, so every entry point shows the same map.

use std::fmt::Write as _;

use super::OutLayer;
use crate::level::{Level, Palette};
use crate::model::GeomKind;

/// The QGIS version the styles are written for (Debian 12's); later versions read them too.
pub const QGIS_VERSION: &str = "3.22.16-Białowieża";

/// The CJK font named in labels; QGIS falls back to another CJK font if it is missing.
pub const LABEL_FONT: &str = "Noto Sans CJK SC";

/// What a style draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// Four colours by the level code in `attr`.
    Levels { attr: String },
    /// 街镇 boundaries: no fill, dark outline, names as labels.
    Boundaries,
    /// Year-over-year change by the code in `attr` (see [`CHANGES`]).
    Changes { attr: String },
}

/// Change classes of `sise compare`: code, label, colour.
pub const CHANGES: [(i64, &str, (u8, u8, u8)); 5] = [
    (1, "风险上升", (192, 0, 0)),
    (2, "风险下降", (46, 139, 87)),
    (3, "等级不变", (170, 170, 170)),
    (4, "新增对象", (123, 63, 160)),
    (5, "撤销对象", (60, 60, 60)),
];

use super::xml::escape as xml_escape;
use crate::schema;

fn rgba(palette: &Palette, l: Level) -> String {
    let (r, g, b) = palette.rgb(l);
    format!("{r},{g},{b},255")
}

/// One symbol of a geometry kind in a colour; lines get wider as risk rises.
fn symbol(kind: GeomKind, name: &str, colour: &str, level: Option<Level>) -> String {
    match kind {
        GeomKind::Point => format!(
            r#"<symbol type="marker" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0"><prop k="name" v="circle"/><prop k="color" v="{colour}"/><prop k="outline_color" v="255,255,255,255"/><prop k="outline_style" v="solid"/><prop k="outline_width" v="0.2"/><prop k="outline_width_unit" v="MM"/><prop k="size" v="{}"/><prop k="size_unit" v="MM"/></layer></symbol>"#,
            match level {
                Some(Level::Major) => 3.2,
                Some(Level::Significant) => 2.8,
                _ => 2.4,
            }
        ),
        GeomKind::Line => format!(
            r#"<symbol type="line" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="{colour}"/><prop k="line_style" v="solid"/><prop k="line_width" v="{}"/><prop k="line_width_unit" v="MM"/><prop k="capstyle" v="round"/><prop k="joinstyle" v="round"/></layer></symbol>"#,
            match level {
                Some(Level::Major) => 1.4,
                Some(Level::Significant) => 1.0,
                Some(Level::General) => 0.7,
                _ => 0.45,
            }
        ),
        GeomKind::Polygon => format!(
            r#"<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="{colour}"/><prop k="style" v="solid"/><prop k="outline_color" v="255,255,255,160"/><prop k="outline_style" v="solid"/><prop k="outline_width" v="0.1"/><prop k="outline_width_unit" v="MM"/></layer></symbol>"#
        ),
    }
}

/// A categorized renderer: (value, label, colour, level for sizing) per class.
fn categorized(layer: &OutLayer, attr: &str, classes: &[(i64, &str, String, Option<Level>)]) -> String {
    let mut cats = String::new();
    let mut syms = String::new();
    for (i, (value, label, colour, level)) in classes.iter().enumerate() {
        let _ = write!(cats, r#"<category value="{value}" label="{label}" symbol="{i}" render="true"/>"#);
        syms.push_str(&symbol(layer.kind, &i.to_string(), colour, *level));
    }
    format!(
        r#"<renderer-v2 type="categorizedSymbol" attr="{attr}" symbollevels="0" enableorderby="0" forceraster="0"><categories>{cats}</categories><symbols>{syms}</symbols></renderer-v2>"#
    )
}

fn renderer(layer: &OutLayer, look: &Look, palette: &Palette) -> String {
    match look {
        Look::Levels { attr } => {
            let classes: Vec<_> = Level::ALL.iter().map(|l| (l.number() as i64, l.name_zh(), rgba(palette, *l), Some(*l))).collect();
            categorized(layer, attr, &classes)
        }
        Look::Changes { attr } => {
            let classes: Vec<_> = CHANGES.iter().map(|(v, label, (r, g, b))| (*v, *label, format!("{r},{g},{b},255"), None)).collect();
            categorized(layer, attr, &classes)
        }
        Look::Boundaries => r#"<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols><symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="255,255,255,0"/><prop k="style" v="no"/><prop k="outline_color" v="60,60,60,255"/><prop k="outline_style" v="solid"/><prop k="outline_width" v="0.5"/><prop k="outline_width_unit" v="MM"/></layer></symbol></symbols></renderer-v2>"#.to_owned(),
    }
}

/// Labels of `field` in a CJK font with a white halo, placed inside polygons.
fn labeling(field: &str) -> String {
    format!(
        r#"<labeling type="simple"><settings calloutType="simple"><text-style fieldName="{field}" isExpression="0" fontFamily="{LABEL_FONT}" fontSize="10" fontSizeUnit="Point" fontWeight="75" fontItalic="0" textColor="40,40,40,255" textOpacity="1" namedStyle="Bold" blendMode="0" multilineHeight="1" allowHtml="0" capitalization="0"><text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/></text-style><text-format wrapChar="" multilineAlign="1" plussign="0" decimals="3" formatNumbers="0" reverseDirectionSymbol="0" addDirectionSymbol="0"/><placement placement="1" centroidInside="1" centroidWhole="0" fitInPolygonOnly="0" priority="5" offsetType="0" dist="0"/><rendering obstacle="1" obstacleType="1" drawLabels="1" displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" limitNumLabels="0" maxNumLabels="2000" scaleVisibility="0" fontMinPixelSize="3" fontMaxPixelSize="10000"/></settings></labeling>"#
    )
}

fn aliases(layer: &OutLayer) -> String {
    let mut s = String::from("<aliases>");
    for (i, c) in layer.columns.iter().enumerate() {
        if let Some(a) = &c.alias {
            let _ = write!(s, r#"<alias field="{}" index="{i}" name="{}"/>"#, xml_escape(&c.name), xml_escape(a));
        }
    }
    s.push_str("</aliases>");
    s
}

/// The label field of a look: 街镇 names on boundaries and on the 街镇 layer.
fn label_field(layer: &OutLayer, look: &Look) -> Option<&'static str> {
    let has_names = layer.columns.iter().any(|c| c.name == schema::STREET_NAME);
    (has_names && (*look == Look::Boundaries || layer.name == schema::STREETS_LAYER)).then_some(schema::STREET_NAME)
}

/// The inside of a `<qgis>` style element or a project `<maplayer>`: renderer, labels, aliases,
/// and a scored layer's map tip and display expression.
pub fn qml_body(layer: &OutLayer, look: &Look, palette: &Palette) -> String {
    let mut s = renderer(layer, look, palette);
    if let Some(f) = label_field(layer, look) {
        s.push_str(&labeling(f));
    }
    s.push_str(&aliases(layer));
    if let Some(tip) = &layer.tip {
        let _ = write!(s, "<previewExpression>{}</previewExpression><mapTip>{}</mapTip>", xml_escape(&tip.display), xml_escape(&tip.html));
    }
    s
}

pub fn labels_enabled(layer: &OutLayer, look: &Look) -> bool {
    label_field(layer, look).is_some()
}

/// A complete QML style document.
pub fn qml(layer: &OutLayer, look: &Look, palette: &Palette) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"AllStyleCategories\" labelsEnabled=\"{}\">{}</qgis>\n",
        u8::from(labels_enabled(layer, look)),
        qml_body(layer, look, palette)
    )
}

/// An OGC SLD 1.1 document with one rule per level.
pub fn sld(layer: &OutLayer, attr: &str, palette: &Palette) -> String {
    let mut rules = String::new();
    for l in Level::ALL {
        let colour = palette.colour(l);
        let symbolizer = match layer.kind {
            GeomKind::Point => format!(
                r#"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">{colour}</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#ffffff</se:SvgParameter><se:SvgParameter name="stroke-width">0.7</se:SvgParameter></se:Stroke></se:Mark><se:Size>9</se:Size></se:Graphic></se:PointSymbolizer>"#
            ),
            GeomKind::Line => format!(
                r#"<se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">{colour}</se:SvgParameter><se:SvgParameter name="stroke-width">{}</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>"#,
                5 - l.number()
            ),
            GeomKind::Polygon => format!(
                r#"<se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">{colour}</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#ffffff</se:SvgParameter><se:SvgParameter name="stroke-opacity">0.6</se:SvgParameter><se:SvgParameter name="stroke-width">0.4</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>"#
            ),
        };
        let _ = write!(
            rules,
            r#"<se:Rule><se:Name>{name}</se:Name><se:Description><se:Title>{name}</se:Title></se:Description><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{attr}</ogc:PropertyName><ogc:Literal>{n}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>{symbolizer}</se:Rule>"#,
            name = l.name_zh(),
            n = l.number()
        );
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"><NamedLayer><se:Name>{}</se:Name><UserStyle><se:Name>四色风险</se:Name><se:FeatureTypeStyle>{rules}</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>
"#,
        xml_escape(&layer.name)
    )
}
