//! Layers that domains read around their objects: people and sensitive sites
//! (exposure), fire and pumping stations (capacity), metro stations.

use super::*;

/// 居住小区: the exposure layer (population) used by several domains. GeoJSON, WGS84.
pub(super) fn residential(d: &mut Demo, out: &Path) -> Result<()> {
    let n = d.census(700);
    let (mut pts, mut ids, mut names, mut pop, mut basement, mut drainage, mut built) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let p = d.point_in_street(None);
        let old = d.is_old(p);
        // Older 新村 blocks are dense six-storey walk-ups; newer compounds are high-rise.
        let year: i64 = if old { d.rng.gen_range(1955..2000) } else { d.rng.gen_range(1985..2021) };
        // About 1.27 million people in all, close to 普陀区's census population.
        let people = ((d.rng.gen::<f64>().powf(1.6) * 3800.0 + 350.0) / d.people_per_feature()).round().max(1.0) as i64;
        pts.push(p);
        ids.push(format!("RC{:04}", i + 1));
        names.push(format!("{}小区{}号", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道"), i + 1));
        pop.push(Some(people));
        basement.push(if year > 1995 && d.rng.gen_bool(0.6) { "是" } else { "否" }.to_owned());
        // Design return period of the local drainage (年一遇): older networks were built to 1-year.
        let rp = if old { *d.pick(&[(1, 0.6), (3, 0.35), (5, 0.05)]) } else { *d.pick(&[(1, 0.15), (3, 0.6), (5, 0.25)]) };
        drainage.push(Some(rp as i64));
        built.push(Some(year));
    }
    let layer = OutLayer::plain(
        "residential",
        GeomKind::Point,
        d.wgs84_points(&pts)?,
        vec![
            Column::text("id", text(ids)),
            Column::text("name", text(names)),
            Column::int("population", pop),
            Column::text("has_basement", text(basement)),
            Column::int("drainage_rp", drainage),
            Column::int("built_year", built),
        ],
    );
    write_ogr(fresh(&out.join("residential.geojson"))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

/// Schools, kindergartens, hospitals and elderly homes (一老一小 and medical). Shapefile, WGS84.
pub(super) fn sensitive_sites(d: &mut Demo, out: &Path) -> Result<()> {
    let kinds = [("中小学", 60), ("幼儿园", 50), ("医院", 15), ("养老机构", 35)];
    let (mut pts, mut ids, mut names, mut ks, mut occ) = (vec![], vec![], vec![], vec![], vec![]);
    for (kind, count) in kinds {
        for _ in 0..d.facilities(count) {
            let p = d.point_in_street(None);
            let occupants = match kind {
                "中小学" => d.rng.gen_range(400..2200),
                "幼儿园" => d.rng.gen_range(80..450),
                "医院" => d.rng.gen_range(150..2500),
                _ => d.rng.gen_range(30..400),
            };
            ids.push(format!("SS{:04}", ids.len() + 1));
            names.push(format!("{}{}", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道"), kind));
            ks.push(kind.to_owned());
            occ.push(Some(occupants));
            pts.push(p);
        }
    }
    let layer = OutLayer::plain(
        "sensitive_sites",
        GeomKind::Point,
        d.wgs84_points(&pts)?,
        vec![Column::text("id", text(ids)), Column::text("name", text(names)), Column::text("kind", text(ks)), Column::int("occupants", occ)],
    );
    let path = out.join("sensitive_sites.shp");
    for ext in ["shx", "dbf", "prj", "cpg"] {
        fresh(&path.with_extension(ext))?;
    }
    write_ogr(fresh(&path)?, "ESRI Shapefile", &["ENCODING=UTF-8"], "EPSG:4326", &[layer])
}

/// 排水泵站: drainage pumping stations. GeoJSON, WGS84.
pub(super) fn pumping_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let (mut pts, mut ids, mut names, mut cap) = (vec![], vec![], vec![], vec![]);
    for i in 0..d.facilities(28) {
        let p = d.point_in_street(None);
        ids.push(format!("PS{:03}", i + 1));
        names.push(format!("{}雨水泵站", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道")));
        cap.push(Some((d.rng.gen_range(1.0..12.0f64) * 10.0).round() / 10.0));
        pts.push(p);
    }
    let layer = OutLayer::plain(
        "pumping_stations",
        GeomKind::Point,
        d.wgs84_points(&pts)?,
        vec![Column::text("id", text(ids)), Column::text("name", text(names)), Column::real("capacity_m3s", cap)],
    );
    write_ogr(fresh(&out.join("pumping_stations.geojson"))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

/// 消防救援站 (capacity layer for fire-related domains).
pub(super) fn fire_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(9) {
        let p = d.point_in_street(None);
        let kind = if i < 6 { "消防救援站" } else { "小型消防站" };
        rows.push(vec![("id", Val::T(format!("FS{:02}", i + 1))), ("name", Val::T(format!("{}{kind}", short_name(d, p)))), ("kind", t(kind))]);
        pts.push(p);
    }
    write_points_geojson(d, out, "fire_stations", &pts, rows)
}

/// 应急避难场所 (census capacity layer: the comprehensive `capacity` method's
/// shelters). Putuo's designated shelters are parks, school grounds and
/// squares: a few 固定避难场所 (≥ 1 ha, thousands of people) and many
/// 紧急避难场所; capacity at GB 51143-2015's ≈ 1.5 m² of usable area a person.
pub(super) fn shelters(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(24) {
        let p = d.point_in_street(None);
        let (kind, area) =
            if i < 5 { ("固定避难场所", d.rng.gen_range(15_000.0..60_000.0f64)) } else { ("紧急避难场所", d.rng.gen_range(2_000.0..9_000.0f64)) };
        let area = (area / 100.0).round() * 100.0;
        rows.push(vec![
            ("id", Val::T(format!("SH{:02}", i + 1))),
            ("name", Val::T(format!("{}{kind}", short_name(d, p)))),
            ("kind", t(kind)),
            ("area_m2", Val::R(area)),
            ("capacity", Val::I((area / 1.5).round() as i64)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "shelters", &pts, rows)
}

/// 轨道交通站点 (D11): the real metro stations in and near the district
/// (shared/data, MIT), with synthetic passenger flow and depth.
pub(super) fn metro_stations(d: &mut Demo, metro: &Path, out: &Path) -> Result<()> {
    let cfg = LayerConfig { path: metro.to_owned(), ..Default::default() };
    let (stations, _) = vector::read("metro", &cfg, WORKING_CRS, Strictness::default(), None)?;
    let names = stations.texts("name_zh")?;
    let lines = stations.texts("lines")?;
    let counts = stations.numbers("line_count", &[], &crate::objects::RowChecks::Stop)?;
    let near = d.district.buffer(300.0);
    let mut pts = vec![];
    let mut rows = vec![];
    for (i, g) in stations.geoms.iter().enumerate() {
        let Geometry::Point(p) = g else { continue };
        if !near.contains(p) {
            continue;
        }
        let n_lines = counts[i].unwrap_or(1.0) as i64;
        rows.push(vec![
            ("id", Val::T(format!("MS{:03}", rows.len() + 1))),
            ("name", Val::T(names[i].clone().unwrap_or_default())),
            ("lines", Val::T(lines[i].clone().unwrap_or_default())),
            ("line_count", Val::I(n_lines)),
            ("daily_flow", Val::I(d.rng.gen_range(15000..45000) * n_lines + if n_lines > 1 { d.rng.gen_range(20000..60000) } else { 0 })),
            ("depth_m", Val::R((d.rng.gen_range(12.0..32.0f64) * 10.0).round() / 10.0)),
        ]);
        pts.push(*p);
    }
    write_points_geojson(d, out, "metro_stations", &pts, rows)
}
