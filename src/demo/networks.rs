//! Line networks: gas pipelines, roads with their accidents, waterways with
//! wharves, water mains, all on generated street grids.

use super::*;

/// A street-grid network: lines every ~`spacing` m each way, gently wavy,
/// clipped to the district and cut into segments of `vertices` × 150 m.
/// Returns each segment with the index of the line it belongs to.
pub(super) fn network(d: &mut Demo, spacing: f64, vertices: usize) -> Vec<(LineString<f64>, usize)> {
    let b = d.bounds;
    let mut roads: Vec<LineString<f64>> = Vec::new();
    for horizontal in [true, false] {
        let (lo, hi) = if horizontal { (b.min().y, b.max().y) } else { (b.min().x, b.max().x) };
        let (along_lo, along_hi) = if horizontal { (b.min().x, b.max().x) } else { (b.min().y, b.max().y) };
        let mut pos = lo + d.rng.gen_range(100.0..400.0);
        while pos < hi {
            let mut coords = Vec::new();
            let mut t = along_lo;
            while t <= along_hi + 150.0 {
                let off = pos + d.rng.gen_range(-25.0..25.0);
                coords.push(if horizontal { Coord { x: t, y: off } } else { Coord { x: off, y: t } });
                t += 150.0;
            }
            roads.push(LineString(coords));
            pos += spacing + d.rng.gen_range(-spacing * 0.27..spacing * 0.27);
        }
    }
    let mut segments = Vec::new();
    for (r, road) in roads.iter().enumerate() {
        let inside = d.district.clip(&MultiLineString(vec![road.clone()]), false);
        for part in inside.iter() {
            for chunk in part.0.windows(vertices + 1).step_by(vertices) {
                segments.push((LineString(chunk.to_vec()), r));
            }
        }
    }
    segments
}

/// 燃气管线: a street-grid network of pipe segments (~300 m each). GeoPackage, working CRS.
pub(super) fn pipelines(d: &mut Demo, out: &Path) -> Result<()> {
    let (mut geoms, mut ids, mut pressure, mut material, mut year, mut diameter, mut grade, mut leak) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (seg, r) in network(d, 550.0 / d.density.networks, 2) {
        let mid = Point(seg.0[1]);
        let old = d.is_old(mid);
        let p = if r % 4 == 0 { *d.pick(&[("中压", 0.85), ("次高压", 0.15)]) } else { *d.pick(&[("低压", 0.9), ("中压", 0.1)]) };
        let y: i64 = if old { d.rng.gen_range(1970..2012) } else { d.rng.gen_range(1985..2024) };
        let m = if y < 1995 { *d.pick(&[("铸铁", 0.55), ("钢", 0.45)]) } else { *d.pick(&[("PE", 0.7), ("钢", 0.3)]) };
        let dia = if p == "低压" { d.rng.gen_range(100..250) } else { d.rng.gen_range(200..500) };
        let g = *d.pick(&[("A", 0.3), ("B", 0.45), ("C", 0.2), ("D", 0.05)]);
        ids.push(format!("GP{:05}", ids.len() + 1));
        pressure.push(p.to_owned());
        material.push(m.to_owned());
        year.push(Some(y));
        diameter.push(Some(dia));
        grade.push(g.to_owned());
        leak.push(Some(i64::from(d.rng.gen_bool(0.03))));
        geoms.push(Geometry::LineString(seg));
    }
    let layer = OutLayer::plain(
        "pipelines",
        GeomKind::Line,
        geoms,
        vec![
            Column::text("id", text(ids)),
            Column::text("pressure", text(pressure)),
            Column::text("material", text(material)),
            Column::int("install_year", year),
            Column::int("diameter_mm", diameter),
            Column::text("maintenance_grade", text(grade)),
            Column::int("leak_unrepaired", leak),
        ],
    );
    crate::emit::vector::write_gpkg(fresh(&out.join("gas_pipelines.gpkg"))?, WORKING_CRS, &[layer], &[])
}

/// 道路 (D06) and the traffic accidents along them.
pub(super) fn roads_and_accidents(d: &mut Demo, out: &Path) -> Result<()> {
    let segments = network(d, 700.0 / d.density.networks, 4);
    let mut geoms = vec![];
    let mut rows = vec![];
    let mut aadt = vec![];
    for (i, (seg, r)) in segments.iter().enumerate() {
        let class = match r % 6 {
            0 => "快速路",
            1 | 4 => "主干路",
            2 => "次干路",
            _ => "支路",
        };
        let volume: i64 = match class {
            "快速路" => d.rng.gen_range(60000..110000),
            "主干路" => d.rng.gen_range(25000..60000),
            "次干路" => d.rng.gen_range(8000..25000),
            _ => d.rng.gen_range(1000..8000),
        };
        aadt.push(volume as f64);
        rows.push(vec![
            ("id", Val::T(format!("RD{:04}", i + 1))),
            ("road_class", t(class)),
            ("aadt", Val::I(volume)),
            ("dg_route", t(if class != "支路" && d.rng.gen_bool(0.12) { "是" } else { "否" })),
        ]);
        geoms.push(Geometry::LineString(seg.clone()));
    }
    // Accidents fall on roads roughly in proportion to traffic.
    let cumulative: Vec<f64> = aadt
        .iter()
        .scan(0.0, |sum, a| {
            *sum += a;
            Some(*sum)
        })
        .collect();
    let total = cumulative.last().copied().unwrap_or(0.0);
    let mut pts = vec![];
    let mut acc_rows = vec![];
    for i in 0..d.census(260) {
        let r = d.rng.gen::<f64>() * total;
        let k = cumulative.partition_point(|c| *c <= r);
        let (seg, _) = &segments[k.min(segments.len() - 1)];
        let a = seg.0[0];
        let b = seg.0[seg.0.len() - 1];
        let f = d.rng.gen::<f64>();
        pts.push(Point::new(a.x + (b.x - a.x) * f + d.rng.gen_range(-10.0..10.0), a.y + (b.y - a.y) * f + d.rng.gen_range(-10.0..10.0)));
        acc_rows.push(vec![
            ("id", Val::T(format!("AC{:04}", i + 1))),
            ("year", Val::I(d.rng.gen_range(2021..2024))),
            ("severity", t(d.pick::<&str>(&[("财产损失", 0.7), ("受伤", 0.26), ("死亡", 0.04)]))),
        ]);
    }
    write_gpkg_layer(out, "roads", GeomKind::Line, geoms, rows)?;
    write_points_geojson(d, out, "traffic_accidents", &pts, acc_rows)
}

/// 水上交通 (D07): navigable waterways cut into ~600 m reaches, and wharves.
pub(super) fn waterways(d: &mut Demo, out: &Path) -> Result<()> {
    let b = d.bounds;
    let mut courses: Vec<(&str, LineString<f64>)> = Vec::new();
    // 苏州河 meanders west–east through the south of the district; 桃浦河 and 真如港 are smaller.
    for (name, y0, amp) in [("苏州河", b.min().y + (b.max().y - b.min().y) * 0.22, 420.0), ("桃浦河", b.min().y + (b.max().y - b.min().y) * 0.78, 180.0)]
    {
        let phase = d.rng.gen_range(0.0..6.0);
        let coords = (0..=((b.max().x - b.min().x) / 150.0) as usize)
            .map(|k| {
                let x = b.min().x + k as f64 * 150.0;
                Coord { x, y: y0 + amp * ((x - b.min().x) / 1800.0 + phase).sin() }
            })
            .collect();
        courses.push((name, LineString(coords)));
    }
    let x0 = b.min().x + (b.max().x - b.min().x) * 0.45;
    let coords = (0..=((b.max().y - b.min().y) / 150.0) as usize)
        .map(|k| {
            let y = b.min().y + k as f64 * 150.0;
            Coord { x: x0 + 150.0 * (y / 900.0).sin(), y }
        })
        .collect();
    courses.push(("真如港", LineString(coords)));

    let mut geoms = vec![];
    let mut rows = vec![];
    for (name, course) in &courses {
        let inside = d.district.clip(&MultiLineString(vec![course.clone()]), false);
        for part in inside.iter() {
            for chunk in part.0.windows(5).step_by(4) {
                let main = *name == "苏州河";
                rows.push(vec![
                    ("id", Val::T(format!("WW{:03}", rows.len() + 1))),
                    ("name", t(name)),
                    ("vessel_traffic", Val::I(if main { d.rng.gen_range(40..220) } else { d.rng.gen_range(0..30) })),
                    ("passenger_ferry", t(if main && d.rng.gen_bool(0.3) { "是" } else { "否" })),
                    ("dg_berths", Val::I(if main { *d.pick(&[(0, 0.7), (1, 0.2), (2, 0.1)]) } else { 0 })),
                ]);
                geoms.push(Geometry::LineString(LineString(chunk.to_vec())));
            }
        }
    }
    // Wharves along the reaches.
    let mut pts = vec![];
    let mut wrows = vec![];
    for i in 0..d.facilities(16) {
        let k = d.rng.gen_range(0..geoms.len());
        let Geometry::LineString(l) = &geoms[k] else { unreachable!() };
        let c = l.0[l.0.len() / 2];
        pts.push(Point::new(c.x + d.rng.gen_range(-20.0..20.0), c.y + d.rng.gen_range(-20.0..20.0)));
        wrows
            .push(vec![("id", Val::T(format!("WF{:02}", i + 1))), ("kind", t(d.pick::<&str>(&[("货运码头", 0.6), ("客运码头", 0.25), ("危险品码头", 0.15)])))]);
    }
    write_gpkg_layer(out, "waterways", GeomKind::Line, geoms, rows)?;
    write_points_geojson(d, out, "wharves", &pts, wrows)
}

/// 供水管网 (D10): water mains on their own street grid.
pub(super) fn water_mains(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for (seg, r) in network(d, 650.0 / d.density.networks, 3) {
        let old = d.is_old(Point(seg.0[1]));
        let year: i64 = if old { d.rng.gen_range(1960..2010) } else { d.rng.gen_range(1980..2024) };
        let material =
            if year < 1990 { *d.pick(&[("灰口铸铁", 0.6), ("钢", 0.4)]) } else { *d.pick(&[("球墨铸铁", 0.6), ("PE", 0.25), ("钢", 0.15)]) };
        rows.push(vec![
            ("id", Val::T(format!("WM{:04}", rows.len() + 1))),
            ("material", t(material)),
            ("install_year", Val::I(year)),
            ("diameter_mm", Val::I(if r % 3 == 0 { d.rng.gen_range(500..1400) } else { d.rng.gen_range(100..500) })),
        ]);
        geoms.push(Geometry::LineString(seg));
    }
    write_gpkg_layer(out, "water_mains", GeomKind::Line, geoms, rows)
}
