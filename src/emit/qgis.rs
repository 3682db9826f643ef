//! `sise.qgs`: a QGIS project beside the GeoPackage (relative paths) that
//! opens on the comprehensive map: groups 综合风险 (visible), one group per
//! domain (hidden), and 底图 with the 街镇 boundaries and names drawn on top;
//! and a print layout per map ([`layout`]).

use std::fmt::Write as _;

use super::layout;
use super::style::{self, Look, QGIS_VERSION};
use super::{domain_level_column, OutLayer};
use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::{Level, Palette};
use crate::model::GeomKind;
use crate::schema;

/// One layer entry of the project: a view of a GeoPackage layer with a style.
struct Entry<'a> {
    id: String,
    title: String,
    layer: &'a OutLayer<'a>,
    look: Look,
    checked: bool,
}

struct Group<'a> {
    name: String,
    checked: bool,
    entries: Vec<Entry<'a>>,
}

use super::xml::escape as esc;

/// Layer ids in the project. QGIS 3.22 keeps an id only when it is longer
/// than 10 characters (shorter ones are replaced by a generated id, and the
/// layer tree's node is left without its layer), so every id here is longer.
const BOUNDARIES: &str = "street_boundaries";

/// A domain layer's id, made long enough for QGIS to keep (a model id may be short).
fn layer_id(id: String) -> String {
    if id.len() > 10 {
        id
    } else {
        format!("{id}_layer")
    }
}

fn checked(b: bool) -> &'static str {
    if b {
        "Qt::Checked"
    } else {
        "Qt::Unchecked"
    }
}

fn wkb_type(l: &OutLayer) -> (&'static str, &'static str) {
    match l.kind {
        GeomKind::Point if l.geoms.iter().all(|g| matches!(g, geo_types::Geometry::Point(_))) => ("Point", "Point"),
        GeomKind::Point => ("Point", "MultiPoint"),
        GeomKind::Line => ("Line", "MultiLineString"),
        GeomKind::Polygon => ("Polygon", "MultiPolygon"),
    }
}

/// The project's layer tree; `layers` are the written GeoPackage layers (domains, grid, streets).
fn groups<'a>(a: &'a Assessment, layers: &'a [OutLayer]) -> Vec<Group<'a>> {
    let find = |name: &str| layers.iter().find(|l| l.name == name).expect("grid and streets are always written");
    let (grid, streets) = (find(schema::GRID_LAYER), find(schema::STREETS_LAYER));
    let mut groups = vec![Group {
        name: "综合风险".into(),
        checked: true,
        entries: vec![
            Entry {
                id: "comprehensive_grid".into(),
                title: "综合风险网格".into(),
                layer: grid,
                look: Look::Levels { attr: schema::LEVEL.into() },
                checked: true,
            },
            Entry {
                id: "comprehensive_streets".into(),
                title: "街镇综合风险".into(),
                layer: streets,
                look: Look::Levels { attr: schema::LEVEL.into() },
                checked: false,
            },
        ],
    }];
    for m in a.models() {
        let col = domain_level_column(&m.id);
        let objects = find(&m.layer_name());
        let id = m.id.to_lowercase();
        groups.push(Group {
            name: format!("{} {}", m.id, m.name),
            checked: false,
            entries: vec![
                Entry {
                    id: layer_id(format!("{id}_objects")),
                    title: format!("{}风险对象", m.name),
                    layer: objects,
                    look: Look::Levels { attr: schema::LEVEL.into() },
                    checked: true,
                },
                Entry {
                    id: layer_id(format!("{id}_grid_cells")),
                    title: format!("{}网格", m.name),
                    layer: grid,
                    look: Look::Levels { attr: col.clone() },
                    checked: true,
                },
                Entry {
                    id: layer_id(format!("{id}_streets")),
                    title: format!("{}街镇", m.name),
                    layer: streets,
                    look: Look::Levels { attr: col.clone() },
                    checked: false,
                },
            ],
        });
    }
    groups.push(Group {
        name: "底图".into(),
        checked: true,
        entries: vec![Entry { id: BOUNDARIES.into(), title: "街镇边界".into(), layer: streets, look: Look::Boundaries, checked: true }],
    });
    groups
}

/// The project's `<spatialrefsys>`, and the CRS as a page names it ("CGCS2000 / … (EPSG:4549)").
fn srs_xml(crs: &str) -> Result<(String, String)> {
    let srs = gdal::spatial_ref::SpatialRef::from_definition(crs)
        .map_err(|e| Error::output("sise.qgs", crate::msg::OutputTrouble::Crs { crs: crs.into(), detail: e.to_string() }))?;
    let wkt = srs.to_wkt().unwrap_or_default();
    let proj4 = srs.to_proj4().unwrap_or_default();
    let authid = srs.authority().unwrap_or_else(|_| crs.to_owned());
    let name = srs.name().unwrap_or_default();
    let xml = format!(
        "<spatialrefsys nativeFormat=\"Wkt\"><wkt>{}</wkt><proj4>{}</proj4><authid>{}</authid><description>{}</description></spatialrefsys>",
        esc(&wkt),
        esc(&proj4),
        esc(&authid),
        esc(&name)
    );
    Ok((xml, format!("{name}（{authid}）")))
}

/// A print layout per map sise draws: the comprehensive grid and each domain's objects.
fn layouts(a: &Assessment, groups: &[Group], gpkg: &str, crs: &str) -> String {
    let cfg = &a.loaded.config;
    let layer = |id: &str| {
        let e = groups.iter().flat_map(|g| &g.entries).find(|e| e.id == id).expect("the project has this layer");
        layout::MapLayer { id: e.id.clone(), title: e.title.clone(), source: format!("./{gpkg}|layername={}", e.layer.name) }
    };
    let legend = |levels: &mut dyn Iterator<Item = Level>, unit: &str| {
        let mut counts = [0; 4];
        levels.for_each(|l| counts[l.index()] += 1);
        Level::ALL.map(|l| super::map::legend_label(l, counts[l.index()], unit))
    };
    let mut pages = vec![layout::Page {
        name: "综合风险图".into(),
        title: super::map::comprehensive_title(cfg),
        layer: layer("comprehensive_grid"),
        legend: legend(&mut a.grid_total.iter().map(|t| t.level), super::map::CELL_UNIT),
    }];
    for (d, m) in a.models().iter().enumerate() {
        let id = layer_id(format!("{}_objects", m.id.to_lowercase()));
        pages.push(layout::Page {
            name: format!("{} {}风险分布图", m.id, m.name),
            title: super::map::domain_title(cfg, m),
            layer: layer(&id),
            legend: legend(&mut a.domains[d].scores.level.iter().copied(), super::map::object_unit(m.geometry)),
        });
    }
    let common = layout::Common {
        subtitle: format!("评估周期 {} · {}年度 · 四色风险图", cfg.cycle, cfg.year),
        footer: format!("数据来源：{}\n坐标系：{crs}；制图：sise {}", super::map::source(cfg), env!("CARGO_PKG_VERSION")),
        boundaries: layer(BOUNDARIES),
        bounds: a.loaded.streets.zones.bounds(),
    };
    layout::layouts(&pages, &common)
}

/// The project XML. `gpkg` is the GeoPackage's file name, relative to the project.
pub fn project(a: &Assessment, layers: &[OutLayer], gpkg: &str, palette: &Palette) -> Result<String> {
    let cfg = &a.loaded.config;
    let (srs, crs_name) = srs_xml(&cfg.working_crs)?;
    let groups = groups(a, layers);
    let extent = a.grid.cells.bounds();
    let extent_xml = extent
        .map(|e| format!("<extent><xmin>{}</xmin><ymin>{}</ymin><xmax>{}</xmax><ymax>{}</ymax></extent>", e.min().x, e.min().y, e.max().x, e.max().y))
        .unwrap_or_default();

    let mut tree = String::new();
    let mut maplayers = String::new();
    let mut order = vec![BOUNDARIES.to_owned()];
    for g in &groups {
        let _ = write!(
            tree,
            r#"<layer-tree-group name="{}" checked="{}" expanded="{}"><customproperties/>"#,
            esc(&g.name),
            checked(g.checked),
            u8::from(g.checked)
        );
        for e in &g.entries {
            let source = format!("./{gpkg}|layername={}", e.layer.name);
            let _ = write!(
                tree,
                r#"<layer-tree-layer id="{}" name="{}" source="{}" providerKey="ogr" checked="{}" expanded="0"><customproperties/></layer-tree-layer>"#,
                e.id,
                esc(&e.title),
                esc(&source),
                checked(e.checked)
            );
            if e.id != BOUNDARIES {
                order.push(e.id.clone());
            }
            let (geometry, wkb) = wkb_type(e.layer);
            let _ = write!(
                maplayers,
                r#"<maplayer type="vector" geometry="{geometry}" wkbType="{wkb}" labelsEnabled="{}" autoRefreshEnabled="0" refreshOnNotifyEnabled="0" styleCategories="AllStyleCategories" hasScaleBasedVisibilityFlag="0" simplifyDrawingHints="1" simplifyAlgorithm="0" simplifyDrawingTol="1" simplifyLocal="1" simplifyMaxScale="1" readOnly="0"><id>{}</id><datasource>{}</datasource><layername>{}</layername><abstract>{}</abstract><srs>{srs}</srs><provider encoding="UTF-8">ogr</provider>{}</maplayer>"#,
                u8::from(style::labels_enabled(e.layer, &e.look)),
                e.id,
                esc(&source),
                esc(&e.title),
                esc(&e.layer.description),
                style::qml_body(e.layer, &e.look, palette)
            );
        }
        tree.push_str("</layer-tree-group>");
    }
    let custom_order: String = order.iter().map(|id| format!("<item>{id}</item>")).collect();
    let title = format!("{} {}年城市安全风险评估（{}）", cfg.district, cfg.year, cfg.cycle);
    Ok(format!(
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="{title}" version="{QGIS_VERSION}">
<homePath path=""/>
<title>{title}</title>
<projectCrs>{srs}</projectCrs>
<layer-tree-group><customproperties/>{tree}<custom-order enabled="1">{custom_order}</custom-order></layer-tree-group>
<mapcanvas annotationsVisible="1" name="theMapCanvas"><units>meters</units>{extent_xml}<rotation>0</rotation><destinationsrs>{srs}</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>
<projectlayers>{maplayers}</projectlayers>
{layouts}
<properties><Paths><Absolute type="bool">false</Absolute></Paths><SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys></properties>
</qgis>
"#,
        title = esc(&title),
        layouts = layouts(a, &groups, gpkg, &crs_name)
    ))
}
