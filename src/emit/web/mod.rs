//! `web/`: the 风险管控"一张图" — an offline web map of the run that opens by
//! double-click (file://, no network, no WebGL). The page, its script and
//! style come from `web/` in the repository (embedded at build time) with
//! the vendored Leaflet (`web/vendor/`, fetched by `web/vendor/fetch.sh`);
//! `data.js` holds the run's overview (街镇, grid, the domains) and
//! `domains/D01.js`… each domain's objects, in WGS84 with the same facts as
//! the GeoPackage, assigned to globals so that no fetch (refused on file://)
//! is needed.

use std::borrow::Cow;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, InteriorPoint};
use geo_types::Geometry;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::drivers;
use super::round2;

use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::Level;
use crate::objects::Descriptive;
use crate::score::Values;

mod coords;

use coords::{feature, micro, Cell, Feature, Lonlat, Packed};

/// The page's files: path under `web/`, contents.
const FILES: [(&str, &str); 5] = [
    ("index.html", include_str!("../../../web/index.html")),
    ("app.js", include_str!("../../../web/app.js")),
    ("style.css", include_str!("../../../web/style.css")),
    ("vendor/leaflet-1.9.4/leaflet.js", include_str!("../../../web/vendor/leaflet-1.9.4/leaflet.js")),
    ("vendor/leaflet-1.9.4/leaflet.css", include_str!("../../../web/vendor/leaflet-1.9.4/leaflet.css")),
];
const LICENCE: (&str, &str) = ("vendor/leaflet-1.9.4/LICENSE", include_str!("../../../web/vendor/leaflet-1.9.4/LICENSE"));

/// Write `dir/web/`; returns the files relative to `dir`.
pub fn write(dir: &Path, a: &Assessment) -> Result<Vec<PathBuf>> {
    let web = dir.join("web");
    let mut written = Vec::new();
    let mut put = |rel: &str, text: &str| -> Result<()> {
        let path = web.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::output(&path, e))?;
        written.push(PathBuf::from("web").join(rel));
        Ok(())
    };
    for (rel, text) in FILES.iter().chain([&LICENCE]) {
        put(rel, text)?;
    }
    // Transforms are made per thread (PROJ's are not shared between threads).
    let lonlat = || Lonlat::new(a).map_err(|e| e.to_string());
    let tiles: Vec<Option<Tiles>> =
        (0..a.models().len()).into_par_iter().map_init(lonlat, |ll, d| tile_objects(a, d, made_lonlat(ll)?)).collect::<Result<_>>()?;
    // Each domain's objects load when its layer is first switched on (a
    // script tag: file:// allows it, fetch it does not), so a city's page
    // opens on the overview alone. A large domain comes in tiles.
    let files = object_files(a, &web, &tiles)?;
    // Each domain's names, read in place once, for the overview's lists and the objects' files.
    let names: Vec<Option<Descriptive>> = (0..a.models().len()).map(|d| a.objects(d).descriptive_column(crate::schema::NAME)).collect();
    // The overview beside the objects' files, which are written side by
    // side: a core done with its other outputs takes some.
    let data = web.join("data.js");
    let (overview_written, objects) = rayon::join(
        || -> Result<()> {
            let ll = lonlat().map_err(|e| Error::output("web", e))?;
            let mut w = std::io::BufWriter::new(std::fs::File::create(&data).map_err(|e| Error::output(&data, e))?);
            writeln!(w, "window.SISE_DATA = {};", overview(a, &ll, &tiles, &names)?).map_err(|e| Error::output(&data, e))?;
            write_grid(&mut w, a, &ll, &data)?;
            w.into_inner().map_err(|e| Error::output(&data, e.into_error()))?;
            Ok(())
        },
        || -> Result<Vec<PathBuf>> {
            files
                .par_iter()
                .map_init(lonlat, |ll, f| {
                    let ll = made_lonlat(ll)?;
                    let geoms = &a.objects(f.d).geoms;
                    // A point of a tiled domain is where its tile was found: transformed once.
                    let shape = |i: usize| match (&geoms[i], f.tiles) {
                        (Geometry::Point(_), Some(t)) => Ok(Some((1, Packed::Line(micro(t.centres[i]).to_vec())))),
                        (g, _) => ll.packed(g),
                    };
                    write_objects(&web.join(&f.rel), a, f.d, &f.members, names[f.d].as_ref(), &f.head, &shape)?;
                    Ok(PathBuf::from("web").join(&f.rel))
                })
                .collect()
        },
    );
    overview_written?;
    written.push(PathBuf::from("web/data.js"));
    written.extend(objects?);
    Ok(written)
}

/// The files of each domain's objects: one per domain, or one per tile of
/// a large domain (its folder made).
fn object_files<'t>(a: &Assessment, web: &Path, tiles: &'t [Option<Tiles>]) -> Result<Vec<ObjectFile<'t>>> {
    std::fs::create_dir_all(web.join("domains")).map_err(|e| Error::output(web.join("domains"), e))?;
    let mut files: Vec<ObjectFile> = Vec::new();
    for (d, t) in tiles.iter().enumerate() {
        let id = &a.models()[d].id;
        match t {
            None => files.push(ObjectFile {
                d,
                rel: format!("domains/{id}.js"),
                head: format!("window.SISE_DOMAIN({}, ", Value::from(id.clone())),
                members: Cow::Owned((0..a.objects(d).len()).collect()),
                tiles: None,
            }),
            Some(t) => {
                std::fs::create_dir_all(web.join("domains").join(id)).map_err(|e| Error::output(web.join("domains").join(id), e))?;
                files.extend(t.tiles.iter().map(|((x, y), members)| ObjectFile {
                    d,
                    rel: format!("domains/{id}/{x}_{y}.js"),
                    head: format!("window.SISE_TILE({}, \"{x}_{y}\", ", Value::from(id.clone())),
                    members: Cow::Borrowed(members),
                    tiles: Some(t),
                }));
            }
        }
    }
    Ok(files)
}

/// A thread's transform, or why it could not be made.
fn made_lonlat(ll: &std::result::Result<Lonlat, String>) -> Result<&Lonlat> {
    ll.as_ref().map_err(|e| Error::output("web", e))
}

/// One file of a domain's objects: all of them, or one tile's.
struct ObjectFile<'t> {
    d: usize,
    /// Path under `web/`.
    rel: String,
    /// The call the file's columns are the argument of.
    head: String,
    members: Cow<'t, [usize]>,
    tiles: Option<&'t Tiles>,
}

/// An object whose level changed since the previous year (or that is new or
/// removed), for the page's change layer.
pub struct Changed<'a> {
    pub domain: &'a str,
    pub id: &'a str,
    pub before: Option<Level>,
    pub after: Option<Level>,
    /// The change code of `style::CHANGES` (1 up, 2 down, 4 new, 5 removed).
    pub code: i64,
    pub geometry: &'a Geometry<f64>,
}

/// What changed since the previous year of the cycle, as the change layer shows it.
pub struct Since<'a> {
    /// The previous year.
    pub from: &'a str,
    pub changed: Vec<Changed<'a>>,
    /// Each 街镇's comprehensive level in `from`, by code (null where it had none).
    pub streets: Map<String, Value>,
}

/// `web/changes.js`: the change layer since the previous year — each
/// changed object as a point (its interior point) with both years' levels,
/// and each 街镇's comprehensive level then — or null in a cycle's first year.
pub fn write_changes(dir: &Path, a: &Assessment, since: Option<Since>) -> Result<PathBuf> {
    let rel = PathBuf::from("web/changes.js");
    let path = dir.join(&rel);
    let Some(since) = since else {
        std::fs::write(&path, "window.SISE_CHANGES = null;\n").map_err(|e| Error::output(&path, e))?;
        return Ok(rel);
    };
    let ll = Lonlat::new(a)?;
    let level = |l: Option<Level>| l.map_or(Value::Null, |l| Value::from(l.number()));
    let mut features = Vec::new();
    for c in since.changed {
        let Some(p) = c.geometry.interior_point() else { continue };
        let props = json!({"domain": c.domain, "id": c.id, "change": c.code, "before": level(c.before), "after": level(c.after)});
        features.push(feature(ll.geometry(&Geometry::Point(p))?, props));
    }
    let classes: Vec<Value> = super::style::CHANGES
        .iter()
        .map(|(code, label, (r, g, b))| json!({"code": code, "label": label, "colour": format!("#{r:02x}{g:02x}{b:02x}")}))
        .collect();
    let data = json!({
        "from": since.from, "to": a.loaded.config.year.to_string(), "classes": classes,
        "objects": {"type": "FeatureCollection", "features": features}, "streets": since.streets,
    });
    std::fs::write(&path, format!("window.SISE_CHANGES = {data};\n")).map_err(|e| Error::output(&path, e))?;
    Ok(rel)
}

/// `ROOT/<cycle>/years.js`: the years of the cycle whose web map exists, for
/// each page's year switch (a page written earlier learns of later years).
/// It lies beside the year folders, not in one, so it is written once a
/// year's folder is in place: to a temporary file, renamed into place.
pub fn write_years(cycle_dir: &Path) -> Result<()> {
    let mut years: Vec<String> = std::fs::read_dir(cycle_dir)
        .map_err(|e| Error::output(cycle_dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.len() == 4 && n.chars().all(|c| c.is_ascii_digit()) && cycle_dir.join(n).join("web/index.html").exists())
        .collect();
    years.sort();
    let path = cycle_dir.join("years.js");
    // Runs of other years of the cycle may write it at the same time: each its own temporary file.
    let tmp = cycle_dir.join(format!(".years.js.{}.tmp", std::process::id()));
    std::fs::write(&tmp, format!("window.SISE_YEARS = {};\n", Value::from(years))).map_err(|e| Error::output(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::output(&path, e))
}

/// Domains with more objects than this are written in tiles, which the page
/// loads for the view when zoomed in (showing the domain's grid levels when
/// zoomed out): a city's domain holds hundreds of thousands of objects, too
/// many to load and draw at once and still pan smoothly.
const TILED_ABOVE: usize = 20_000;
/// The web-map (slippy) zoom of the tiles, about 2.4 km at Shanghai.
const TILE_ZOOM: u32 = 14;

/// A tiled domain's objects by tile (x, y at [`TILE_ZOOM`]), in FID order
/// within each, and each object's box centre as drawn (for a point: the
/// point, so it is transformed once).
struct Tiles {
    tiles: std::collections::BTreeMap<(u32, u32), Vec<usize>>,
    centres: Vec<(f64, f64)>,
}

/// A domain's objects by the tile holding their box's centre, or `None`
/// when the domain is small enough for one file.
fn tile_objects(a: &Assessment, d: usize, ll: &Lonlat) -> Result<Option<Tiles>> {
    let objects = a.objects(d);
    if objects.len() <= TILED_ABOVE {
        return Ok(None);
    }
    let mut tiles = Tiles { tiles: Default::default(), centres: Vec::with_capacity(objects.len()) };
    // By the centre of its box (cheap, and an object only needs one tile).
    for (i, g) in objects.geoms.iter().enumerate() {
        let Some(r) = g.bounding_rect() else {
            tiles.centres.push((f64::NAN, f64::NAN));
            continue;
        };
        let (lon, lat) = ll.lonlat(&r.center())?;
        tiles.centres.push((lon, lat));
        tiles.tiles.entry(tile_of(lon, lat)).or_default().push(i);
    }
    Ok(Some(tiles))
}

/// The slippy-map tile at [`TILE_ZOOM`] holding a point, as the page computes it.
fn tile_of(lon: f64, lat: f64) -> (u32, u32) {
    let n = f64::from(1u32 << TILE_ZOOM);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

/// One file of a domain's objects (`members`, by index), as the argument of
/// `head` (a call, closed by `);`). Written in columns that the page turns
/// back into GeoJSON features (`unpack` in app.js): a third of the size of
/// GeoJSON, whose keys, nesting and full coordinates repeat for every object
/// (a city's tiles: 283 MB as GeoJSON). Coordinates are integers in
/// millionths of a degree (the 6 decimals drawn): each line's or ring's
/// first point from the file's origin `o`, each next point from the one
/// before. `names`: the domain's name column, read once for all its files;
/// `shape(i)`: object `i`'s geometry as drawn, packed from (0, 0) (WKB type, coordinates).
fn write_objects(
    path: &Path,
    a: &Assessment,
    d: usize,
    members: &[usize],
    names: Option<&Descriptive>,
    head: &str,
    shape: &dyn Fn(usize) -> Result<Option<(u8, Packed)>>,
) -> Result<()> {
    use std::io::Write;
    let err = |e: std::io::Error| Error::output(path, e);
    let objects = a.objects(d);
    let s = &a.domains[d].scores;
    let shapes: Vec<Option<(u8, Packed)>> = members.iter().map(|&i| shape(i)).collect::<Result<_>>()?;
    let origin = shapes.iter().flatten().find_map(|(_, p)| p.first()).unwrap_or([0, 0]);
    let (kind, geom): (Vec<u8>, Vec<Option<Packed>>) = shapes
        .into_iter()
        .map(|g| match g {
            Some((kind, mut p)) => {
                p.shift(origin);
                (kind, Some(p))
            }
            None => (0, None),
        })
        .unzip();
    // Each 街镇 named once per file; objects refer to it by its place in `streets`.
    let mut streets: Vec<&str> = Vec::new();
    let mut street_at = std::collections::HashMap::new();
    let street: Vec<Option<usize>> = members
        .iter()
        .map(|&i| {
            a.domains[d].object_street[i].map(|z| {
                *street_at.entry(z).or_insert_with(|| {
                    streets.push(a.loaded.streets.names[z].as_str());
                    streets.len() - 1
                })
            })
        })
        .collect();
    let round = |x: &[f64]| -> Vec<f64> { members.iter().map(|&i| round2(x[i])).collect() };
    let columns = ObjectColumns {
        o: origin,
        id: members.iter().map(|&i| objects.ids[i].as_str()).collect(),
        name: members.iter().map(|&i| names.and_then(|n| n.text(i))).collect(),
        street,
        streets,
        level: members.iter().map(|&i| s.level[i].number()).collect(),
        score: round(&s.score),
        inherent: round(&s.inherent),
        control: round(&s.control_factor),
        veto: members.iter().map(|&i| s.veto[i].as_deref()).collect(),
        review: members.iter().enumerate().filter_map(|(k, i)| a.domains[d].review.get(i).map(|r| (k, r.describe()))).collect(),
        stability: a.domains[d].sensitivity.as_ref().map(|x| members.iter().map(|&i| (x.stability[i] * 1000.0).round() / 10.0).collect()),
        critical: a.domains[d].sensitivity.as_ref().map(|x| members.iter().map(|&i| u8::from(x.is_critical(i))).collect()),
        scores: s.scores.iter().map(|x| round(x)).collect(),
        values: s
            .values
            .iter()
            .map(|v| match v {
                Values::Numbers(x) => members.iter().map(|&i| Cell::Number(round2(x[i]))).collect(),
                Values::Texts(t) => members.iter().map(|&i| Cell::Text(&t[i])).collect(),
            })
            .collect(),
        kind,
        geom,
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).map_err(err)?);
    w.write_all(head.as_bytes()).map_err(err)?;
    serde_json::to_writer(&mut w, &columns).map_err(|e| Error::output(path, e))?;
    w.write_all(b");\n").map_err(err)?;
    w.flush().map_err(err)
}

/// A file of objects, column by column (see [`write_objects`]).
#[derive(Serialize)]
struct ObjectColumns<'a> {
    o: [i64; 2],
    id: Vec<&'a str>,
    name: Vec<Option<&'a str>>,
    street: Vec<Option<usize>>,
    streets: Vec<&'a str>,
    level: Vec<i32>,
    score: Vec<f64>,
    inherent: Vec<f64>,
    control: Vec<f64>,
    veto: Vec<Option<&'a str>>,
    /// The expert review's adjustments, by place in this file: sparse, as few objects have one.
    review: std::collections::BTreeMap<usize, String>,
    /// With a sensitivity analysis: 等级稳定度 in percent (one decimal) and 临界 (1) per object.
    #[serde(skip_serializing_if = "Option::is_none")]
    stability: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critical: Option<Vec<u8>>,
    /// By indicator, then object.
    scores: Vec<Vec<f64>>,
    values: Vec<Vec<Cell<'a>>>,
    /// WKB geometry type (1 point … 6 multipolygon), 0 for none.
    kind: Vec<u8>,
    geom: Vec<Option<Packed>>,
}

/// `window.SISE_DATA.grid`, the grid cells as GeoJSON, written cell by cell:
/// a city's 100,000 cells as one JSON tree would take more memory than the
/// rest of the run's outputs.
fn write_grid(w: &mut impl std::io::Write, a: &Assessment, ll: &Lonlat, path: &Path) -> Result<()> {
    let models = a.models();
    let err = |e: std::io::Error| Error::output(path, e);
    let drivers = drivers::Drivers::new(a);
    write!(w, "window.SISE_DATA.grid = {{\"type\": \"FeatureCollection\", \"size\": {}, \"features\": [", Value::from(a.grid.size)).map_err(err)?;
    for (k, poly) in a.grid.cells.polygons.iter().enumerate() {
        let domains: Map<String, Value> =
            models.iter().enumerate().filter_map(|(d, m)| a.domains[d].grid[k].map(|z| (m.id.clone(), Value::from(z.level.number())))).collect();
        let t = &a.grid_total[k];
        let street = a.grid.street[k].map(|s| a.loaded.streets.names[s].clone());
        let z = drivers::Zone::Cell(k);
        let props = json!({
            "id": a.grid.ids[k], "street": street, "score": round2(t.score), "level": t.level.number(), "domains": domains,
            "leading": a.grid_total[k].leading.map(|d| &models[d].id), "drivers": drivers.objects_text(z),
        });
        if k > 0 {
            w.write_all(b",").map_err(err)?;
        }
        let f = Feature { geometry: ll.shape(&Geometry::MultiPolygon(poly.clone()))?, properties: props, kind: "Feature" };
        serde_json::to_writer(&mut *w, &f).map_err(|e| Error::output(path, e))?;
    }
    w.write_all(b"]};\n").map_err(err)
}

/// A red or orange object as the page lists it: (level, domain, score, row).
type Severe = (Level, usize, f64, usize);

/// An object of the page's lists, with where it is, so that the page can go there and load its tile.
fn listed(a: &Assessment, ll: &Lonlat, names: &[Option<Descriptive>], &(l, d, score, i): &Severe) -> Result<Value> {
    let o = a.objects(d);
    let name = names[d].as_ref().and_then(|n| n.get(i));
    let street = a.domains[d].object_street[i].map(|z| a.loaded.streets.names[z].clone());
    let at = o.geoms[i].interior_point().map(|p| ll.coord(&p.0)).transpose()?;
    Ok(json!({"domain": a.models()[d].id, "id": o.ids[i], "name": name, "level": l.number(), "score": round2(score), "street": street, "at": at}))
}

/// Each domain as the overview describes it: indicators, measures, counts per level, tiles.
fn domain_entries(a: &Assessment, ll: &Lonlat, tiles: &[Option<Tiles>], names: &[Option<Descriptive>]) -> Result<Vec<Value>> {
    a.models()
        .iter()
        .enumerate()
        .map(|(d, m)| {
            let indicators: Vec<Value> = m.indicators.iter().map(|ind| json!({"key": ind.key, "name": ind.name, "unit": ind.unit})).collect();
            let levels: Vec<usize> = Level::ALL.iter().map(|l| a.domains[d].scores.level.iter().filter(|x| *x == l).count()).collect();
            let tiles: Option<Vec<String>> = tiles[d].as_ref().map(|t| t.tiles.keys().map(|(x, y)| format!("{x}_{y}")).collect());
            // A tiled domain's red and orange objects (the worst 2,000) with
            // their places: the page's search reaches them without its tiles.
            let listed: Option<Vec<Value>> = match tiles {
                Some(_) => {
                    let s = &a.domains[d].scores;
                    let mut worst: Vec<(Level, usize, f64, usize)> =
                        (0..s.level.len()).filter(|&i| s.level[i] <= Level::Significant).map(|i| (s.level[i], d, s.score[i], i)).collect();
                    worst.sort_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.3.cmp(&y.3)));
                    Some(worst.iter().take(2000).map(|e| listed(a, ll, names, e)).collect::<Result<_>>()?)
                }
                None => None,
            };
            Ok(json!({
                "id": m.id, "key": m.key, "name": m.name, "group": m.group, "geometry": m.geometry.name(),
                "indicators": indicators, "measures": m.measures, "counts": levels, "tiles": tiles, "tileZoom": TILE_ZOOM, "listed": listed,
            }))
        })
        .collect()
}

/// The run's overview as the page reads it: palette, 街镇, grid, and the
/// domains without their objects (with their counts per level).
fn overview(a: &Assessment, ll: &Lonlat, tiles: &[Option<Tiles>], names: &[Option<Descriptive>]) -> Result<Value> {
    let cfg = &a.loaded.config;
    let streets = &a.loaded.streets;
    let models = a.models();
    let level_of = |l: Option<Level>| l.map(|l| Value::from(l.number()));
    let drivers = drivers::Drivers::new(a);

    // Each 街镇's red and orange objects (the worst 50, and how many), so its
    // panel lists them without loading every domain.
    let mut severe: Vec<Vec<Severe>> = vec![Vec::new(); streets.zones.len()];
    for (d, r) in a.domains.iter().enumerate() {
        for (i, l) in r.scores.level.iter().enumerate() {
            if let (true, Some(z)) = (*l <= Level::Significant, r.object_street[i]) {
                severe[z].push((*l, d, r.scores.score[i], i));
            }
        }
    }
    // The district's red and orange objects for the page's 风险清单 (the worst 2,000, and how many).
    let mut district: Vec<Severe> = severe.iter().flatten().copied().collect();
    district.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(y.2.total_cmp(&x.2)).then(x.3.cmp(&y.3)));
    let entry = |e: &Severe| listed(a, ll, names, e);
    let register: Vec<Value> = district.iter().take(2000).map(entry).collect::<Result<_>>()?;
    let mut street_features = Vec::new();
    for (s, poly) in streets.zones.polygons.iter().enumerate() {
        let list = &mut severe[s];
        list.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(y.2.total_cmp(&x.2)).then(x.3.cmp(&y.3)));
        let worst: Vec<Value> = list.iter().take(50).map(entry).collect::<Result<_>>()?;
        let domains: Map<String, Value> =
            models.iter().enumerate().map(|(d, m)| (m.id.clone(), level_of(a.domains[d].streets[s].map(|z| z.level)).unwrap_or(Value::Null))).collect();
        let label = poly.interior_point().map(|p| ll.coord(&p.0)).transpose()?;
        let t = &a.streets_total[s];
        let z = drivers::Zone::Street(s);
        let driven: Vec<Value> =
            drivers.objects(z).iter().map(|o| json!({"domain": models[o.domain].id, "id": o.id, "name": o.name, "level": o.level.number()})).collect();
        let props = json!({
            "code": streets.codes[s], "name": streets.names[s], "score": round2(t.score), "level": t.level.number(), "domains": domains, "label": label,
            "severe": worst, "severe_count": list.len(), "leading": drivers.leading(z), "drivers": driven, "basis": drivers.basis(z),
        });
        street_features.push(feature(ll.geometry(&Geometry::MultiPolygon(poly.clone()))?, props));
    }
    let domains = domain_entries(a, ll, tiles, names)?;
    let palette: Map<String, Value> = Level::ALL.iter().map(|l| (l.number().to_string(), Value::from(cfg.colours.colour(*l)))).collect();
    let names: Map<String, Value> = Level::ALL.iter().map(|l| (l.number().to_string(), Value::from(l.name_zh()))).collect();
    Ok(json!({
        "district": cfg.district, "year": cfg.year, "cycle": cfg.cycle, "version": env!("CARGO_PKG_VERSION"),
        "palette": palette, "levelNames": names,
        "streets": {"type": "FeatureCollection", "features": street_features},
        "domains": domains,
        "register": register, "register_count": district.len(),
        "basemap": cfg.web.basemap.as_ref().map(|url| json!({"url": url, "attribution": cfg.web.basemap_attribution, "datum": cfg.web.basemap_datum})),
    }))
}
