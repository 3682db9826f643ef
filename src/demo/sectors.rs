//! Point and footprint layers of the scored sectors: enterprises, sites,
//! equipment, venues, buildings and underground spaces.

use super::*;

/// 危险化学品 enterprises and filling stations, as a CSV of GCJ-02 coordinates
/// (the form web-map POI exports come in).
pub(super) fn chemical_enterprises(d: &mut Demo, out: &Path) -> Result<()> {
    let mut csv = String::from("id,name,kind,hazard_class,major_hazard_grade,max_storage_t,control_grade,major_hidden_danger_unrectified,lon,lat\n");
    for i in 0..d.facilities(48) {
        // After 桃浦's plants moved out (桃浦智创城), most 普陀 sites are filling stations and stores.
        let kind = *d.pick(&[("加油站", 0.5), ("加气站", 0.06), ("危化品经营(带储存)", 0.2), ("危化品生产", 0.1), ("工业气体充装", 0.14)]);
        // Stations line the roads of every 街镇; 桃浦, once Shanghai's chemical zone, and 长征 keep the rest.
        let street = match kind {
            "加油站" | "加气站" => None,
            _ => *d.pick(&[(Some("桃浦镇"), 0.5), (Some("长征镇"), 0.3), (None, 0.2)]),
        };
        let p = d.point_in_street(street);
        let hazard = match kind {
            "加油站" => "易燃液体",
            "加气站" => "易燃气体",
            // 液化石油气储配站; 液氧、液氮; 液氨、氯气钢瓶.
            "工业气体充装" => *d.pick(&[("易燃气体", 0.4), ("氧化性物质", 0.45), ("毒性物质", 0.15)]),
            _ => *d.pick(&[("易燃液体", 0.4), ("易燃气体", 0.15), ("毒性物质", 0.1), ("腐蚀性物质", 0.2), ("氧化性物质", 0.1), ("爆炸品", 0.05)]),
        };
        let storage: f64 = match kind {
            // 3–4 buried 30 m³ tanks (GB 50156: ≤ 150 m³ of petrol at a 一级站), 0.73 t/m³.
            "加油站" => d.rng.gen_range(40.0..110.0),
            // CNG cascades hold a few tonnes; one 60 m³ LNG tank ≈ 26 t.
            "加气站" => d.rng.gen_range(3.0..30.0),
            // Stores and plants in a built-up district hold tonnes to a few hundred tonnes.
            _ => d.rng.gen_range(2f64.ln()..200f64.ln()).exp(),
        };
        let grade = major_hazard_grade(hazard, storage);
        // D is the grade of a site told to stop and rectify, so it is rare and often comes with an open 重大事故隐患.
        let control = *d.pick(&[("A", 0.3), ("B", 0.45), ("C", 0.2), ("D", 0.05)]);
        let danger = u8::from(d.rng.gen_bool(if control == "D" { 0.3 } else { 0.03 }));
        let (lon, lat) = d.wgs84(p)?;
        let (glon, glat) = wgs84_to_gcj02(lon, lat);
        let street_short = d.street_of(p).unwrap_or("普陀").trim_end_matches("街道").trim_end_matches('镇').to_owned();
        let name = match kind {
            "加油站" | "加气站" => format!("{street_short}{kind}{:02}", i + 1),
            _ => format!("上海{street_short}{}有限公司{:02}", if kind == "危化品生产" { "化工" } else { "化学品" }, i + 1),
        };
        writeln!(csv, "HC{:03},{name},{kind},{hazard},{grade},{storage:.1},{control},{danger},{glon:.6},{glat:.6}", i + 1).expect("writing to a String");
    }
    std::fs::write(out.join("chemical_enterprises.csv"), csv).map_err(|e| Error::output(out, e))
}

/// The critical quantity Q (t) and correction factor β of GB 18218-2018 for
/// a class, taken for its usual substance in an urban district (表1 names
/// it; β from 表3/表4). Corrosives are no 重大危险源 category at all.
fn critical_quantity(hazard: &str) -> Option<(f64, f64)> {
    match hazard {
        "易燃液体" => Some((200.0, 1.0)),   // 汽油
        "易燃气体" => Some((50.0, 1.5)),    // 液化石油气, 天然气
        "毒性物质" => Some((10.0, 2.0)),    // 氨
        "氧化性物质" => Some((200.0, 1.0)), // 液氧
        "爆炸品" => Some((50.0, 2.0)),      // 1.4 项 (烟花爆竹批发仓库)
        _ => None,
    }
}

/// 重大危险源 grade as GB 18218-2018 gives it: a source once q/Q ≥ 1, graded
/// by R = α·β·q/Q (R ≥ 100 一级, ≥ 50 二级, ≥ 10 三级, else 四级), with
/// α = 2.0 because every site in 普陀 has 100+ people within 500 m.
fn major_hazard_grade(hazard: &str, storage_t: f64) -> &'static str {
    let Some((q_critical, beta)) = critical_quantity(hazard) else { return "无" };
    let ratio = storage_t / q_critical;
    let r = 2.0 * beta * ratio;
    match () {
        _ if ratio < 1.0 => "无",
        _ if r >= 100.0 => "一级",
        _ if r >= 50.0 => "二级",
        _ if r >= 10.0 => "三级",
        _ => "四级",
    }
}

/// 厂房仓库 (D03): factories and warehouses with fire-load class and compliance.
pub(super) fn factories(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.census(160) {
        let street = *d.pick(&[(Some("桃浦镇"), 0.35), (Some("长征镇"), 0.25), (Some("真如镇街道"), 0.1), (None, 0.3)]);
        let p = d.point_in_street(street);
        let class = *d.pick(&[("甲", 0.05), ("乙", 0.12), ("丙", 0.45), ("丁", 0.25), ("戊", 0.13)]);
        let kind = *d.pick(&[("厂房", 0.55), ("仓库", 0.35), ("物流仓储", 0.1)]);
        let area = (d.rng.gen::<f64>().powf(2.0) * 24000.0 + 400.0).round();
        let staff = (area / d.rng.gen_range(60.0..250.0)).round() as i64;
        rows.push(vec![
            ("id", Val::T(format!("FW{:04}", i + 1))),
            ("name", Val::T(format!("{}{kind}{:03}", short_name(d, p), i + 1))),
            ("kind", t(kind)),
            ("fire_class", t(class)),
            ("floor_area_m2", Val::R(area)),
            ("staff", Val::I(staff)),
            ("sprinkler", t(if area > 5000.0 || d.rng.gen_bool(0.3) { "是" } else { "否" })),
            ("escape_ok", t(if d.rng.gen_bool(0.85) { "是" } else { "否" })),
            ("three_in_one", Val::I(i64::from(d.rng.gen_bool(0.04)))),
            ("safety_grade", grade(d)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "factories", &pts, rows)
}

/// 工贸企业 (D04): dust explosion, confined spaces, metal smelting; an Excel
/// sheet as a 街镇 census returns it: a title row above Chinese headers,
/// names and addresses, coordinates picked on Baidu maps (BD-09).
pub(super) fn industrial_enterprises(d: &mut Demo, out: &Path) -> Result<()> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for i in 0..d.census(90) {
        let street = *d.pick(&[(Some("桃浦镇"), 0.4), (Some("长征镇"), 0.25), (None, 0.35)]);
        let p = d.point_in_street(street);
        // A central district's 工贸 census: confined spaces (sewage pits, tanks, cold stores) are the
        // commonest key hazard; dust-explosion and smelting shops are the few left after relocation.
        let hazard = *d.pick(&[("一般工贸", 0.35), ("有限空间作业", 0.35), ("木粉尘涉爆", 0.1), ("金属冶炼", 0.1), ("铝镁粉尘涉爆", 0.1)]);
        let freq = *d.pick(&[("连续", 0.15), ("每日", 0.5), ("每周", 0.25), ("每月", 0.1)]);
        // Dangers found are due within a deadline, so at census time most firms have none open
        // and a long tail has several (those under 挂牌督办).
        let dangers = *d.pick(&[(0, 0.65), (1, 0.17), (2, 0.08), (3, 0.05), (5, 0.03), (8, 0.02)]);
        let workers = d.rng.gen_range(3..120);
        // Working a confined space without a permit is a 重大事故隐患 (2023 判定标准); after the
        // city's campaigns it is the exception found at about one firm in twenty.
        let permit = if hazard == "有限空间作业" && d.rng.gen_bool(0.05) { "无" } else { "有" };
        let (lon, lat) = d.wgs84(p)?;
        let (gx, gy) = wgs84_to_gcj02(lon, lat);
        let (bx, by) = crate::load::crs::gcj02_to_bd09(gx, gy);
        let street = d.street_of(p).unwrap_or("普陀区").to_owned();
        rows.push(vec![
            Cell::Text(format!("IT{:03}", i + 1)),
            Cell::Text(format!("上海{}工贸有限公司{:02}", short_name(d, p), i + 1)),
            Cell::Text(format!("上海市普陀区{street}园区路{}号", (i * 37) % 900 + 1)),
            Cell::Text(format!("{street}安全办")),
            Cell::Text(hazard.into()),
            Cell::Text(freq.into()),
            Cell::Number(dangers as f64),
            Cell::Number(workers as f64),
            Cell::Text(permit.into()),
            Cell::Number((bx * 1e6).round() / 1e6),
            Cell::Number((by * 1e6).round() / 1e6),
        ]);
    }
    let headers = [
        "企业编号",
        "单位名称",
        "详细地址",
        "属地监管单位",
        "主要风险类型",
        "作业频次",
        "未整改隐患数（项）",
        "接触危害作业人数（人）",
        "有限空间作业审批",
        "经度",
        "纬度",
    ];
    let title = ["普陀区工贸企业安全风险摸排表（2024年）", "坐标：百度地图拾取（BD-09）；数据为演示合成"];
    write_sheet(&out.join(INDUSTRIAL_XLSX), "工贸企业", &title, &headers, &rows)
}

/// The file name of the demo's filled census sheet.
pub const INDUSTRIAL_XLSX: &str = "工贸企业摸排表.xlsx";

/// 建设工地 (D05): construction site footprints.
pub(super) fn construction_sites(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(40) {
        let p = d.point_in_street(None);
        let (w, h) = (d.rng.gen_range(60.0..260.0), d.rng.gen_range(50.0..200.0));
        geoms.push(rect_at(p, w, h, d.rng.gen_range(-0.3..0.3)));
        let kind = *d.pick(&[("住宅", 0.4), ("商业办公", 0.25), ("市政道路", 0.15), ("轨道交通", 0.1), ("学校医院", 0.1)]);
        // What a project of each kind builds in Shanghai's soft ground: basement levels set the pit
        // depth (≈ 4–5 m a level), tall halls and atria need high formwork (≥ 8 m or ≥ 18 m span).
        let (pit_m, cranes, formwork, invest_wan) = match kind {
            "住宅" => (5.0f64..11.0, 1..5, 0.1, 20000.0f64..150000.0),
            "商业办公" => (8.0..18.0, 1..4, 0.5, 30000.0..200000.0),
            "市政道路" => (0.0..6.0, 0..1, 0.05, 3000.0..60000.0),
            "轨道交通" => (16.0..25.0, 0..2, 0.3, 50000.0..200000.0),
            _ => (4.0..10.0, 1..3, 0.4, 10000.0..80000.0),
        };
        rows.push(vec![
            ("id", Val::T(format!("CS{:03}", i + 1))),
            ("name", Val::T(format!("{}{kind}项目{:02}", short_name(d, p), i + 1))),
            ("kind", t(kind)),
            ("investment_wan", Val::R(d.rng.gen_range(invest_wan).round())),
            ("excavation_m", Val::R(d.rng.gen_range(pit_m).round())),
            ("tower_cranes", Val::I(d.rng.gen_range(cranes))),
            ("high_formwork", t(if d.rng.gen_bool(formwork) { "是" } else { "否" })),
            ("safety_grade", grade(d)),
        ]);
    }
    write_gpkg_layer(out, "construction_sites", GeomKind::Polygon, geoms, rows)
}

/// 特种设备 (D08): elevators, boilers, pressure vessels, cranes, rides; CSV in WGS84.
pub(super) fn special_equipment(d: &mut Demo, out: &Path) -> Result<()> {
    let mut csv = String::from("id,equipment_type,install_year,inspection_overdue,place_crowd,x,y\n");
    for i in 0..d.census(400) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[("电梯", 0.7), ("锅炉", 0.06), ("压力容器", 0.12), ("起重机械", 0.1), ("大型游乐设施", 0.02)]);
        let year = d.rng.gen_range(1990..2024);
        let overdue = u8::from(d.rng.gen_bool(if year < 2005 { 0.15 } else { 0.05 }));
        let crowd = *d.pick(&[("高", 0.25), ("中", 0.45), ("低", 0.3)]);
        let (lon, lat) = d.wgs84(p)?;
        writeln!(csv, "SE{:04},{kind},{year},{overdue},{crowd},{lon:.7},{lat:.7}", i + 1).expect("writing to a String");
    }
    std::fs::write(out.join("special_equipment.csv"), csv).map_err(|e| Error::output(out, e))
}

/// 充换电设施 (D09): e-bike and EV charging and battery swap sites.
pub(super) fn charging_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.census(150) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[("电动自行车集中充电", 0.55), ("新能源汽车充电站", 0.35), ("换电站", 0.1)]);
        let chargers = match kind {
            "电动自行车集中充电" => d.rng.gen_range(10..120),
            "新能源汽车充电站" => d.rng.gen_range(4..40),
            _ => d.rng.gen_range(1..6),
        };
        rows.push(vec![
            ("id", Val::T(format!("EV{:03}", i + 1))),
            ("kind", t(kind)),
            ("chargers", Val::I(chargers)),
            ("indoor", t(if d.rng.gen_bool(0.25) { "是" } else { "否" })),
            ("fire_records", Val::I(*d.pick(&[(0, 0.85), (1, 0.12), (2, 0.03)]))),
            ("management", grade(d)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "charging_stations", &pts, rows)
}

/// 人员密集场所 (D12): malls, complexes, venues, training centres.
pub(super) fn venues(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(120) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[
            ("大型商场", 0.2),
            ("城市综合体", 0.12),
            ("体育场馆", 0.08),
            ("文化旅游场所", 0.15),
            ("冰雪运动场所", 0.03),
            ("校外培训机构", 0.27),
            ("宾馆酒店", 0.15),
        ]);
        let area = match kind {
            "城市综合体" => d.rng.gen_range(60000.0..200000.0),
            "大型商场" | "体育场馆" => d.rng.gen_range(10000.0..60000.0),
            "校外培训机构" => d.rng.gen_range(300.0..3000.0),
            _ => d.rng.gen_range(2000.0..20000.0f64),
        }
        .round();
        // Floor area per person at the busiest hour. Shops: GB 50016-2014 §5.5.21 designs for
        // 0.43–0.60 people/m² of sales floor (about half the gross area), and real peaks are a
        // third to a half of design, so 8–15 m² gross a person; hotels fill by rooms, classes and
        // stands by seats.
        let m2_per_person = match kind {
            "大型商场" | "城市综合体" => 8.0..15.0,
            "宾馆酒店" => 20.0..40.0,
            "体育场馆" | "校外培训机构" => 3.0..6.0,
            "冰雪运动场所" => 10.0..20.0,
            _ => 5.0..15.0f64,
        };
        let peak = (area / d.rng.gen_range(m2_per_person)).round() as i64;
        rows.push(vec![
            ("id", Val::T(format!("VN{:03}", i + 1))),
            ("name", Val::T(format!("{}{kind}{:02}", short_name(d, p), i + 1))),
            ("kind", t(kind)),
            ("floor_area_m2", Val::R(area)),
            ("peak_occupancy", Val::I(peak)),
            ("exits", Val::I(((area / 2500.0).ceil() as i64 + d.rng.gen_range(-1..3)).max(1))),
            ("events_per_year", Val::I(*d.pick(&[(0, 0.5), (4, 0.25), (12, 0.15), (50, 0.1)]))),
            ("management", grade(d)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "venues", &pts, rows)
}

/// 高层建筑 (D13): footprints of buildings over 24 m.
pub(super) fn buildings(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.census(350) {
        let p = d.point_in_street(None);
        let old = d.is_old(p);
        let height = if d.rng.gen_bool(0.06) { d.rng.gen_range(100.0..230.0) } else { d.rng.gen_range(27.0..99.0f64) }.round();
        let year = if old { d.rng.gen_range(1985..2012) } else { d.rng.gen_range(1995..2023) };
        geoms.push(rect_at(p, d.rng.gen_range(20.0..60.0), d.rng.gen_range(15.0..35.0), d.rng.gen_range(-0.4..0.4)));
        let facilities = if year < 2000 {
            *d.pick(&[("完好", 0.5), ("部分缺陷", 0.35), ("严重缺陷", 0.15)])
        } else {
            *d.pick(&[("完好", 0.8), ("部分缺陷", 0.17), ("严重缺陷", 0.03)])
        };
        rows.push(vec![
            ("id", Val::T(format!("HB{:04}", i + 1))),
            ("use", t(d.pick::<&str>(&[("住宅", 0.6), ("公共建筑", 0.25), ("综合", 0.15)]))),
            ("height_m", Val::R(height)),
            ("floors", Val::I((height / 3.1) as i64)),
            ("built_year", Val::I(year)),
            ("fire_facilities", t(facilities)),
        ]);
    }
    write_gpkg_layer(out, "buildings", GeomKind::Polygon, geoms, rows)
}

/// 地下空间 (D14): underground malls, car parks, civil-defence works.
pub(super) fn underground_spaces(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(80) {
        let p = d.point_in_street(None);
        geoms.push(rect_at(p, d.rng.gen_range(40.0..180.0), d.rng.gen_range(30.0..120.0), d.rng.gen_range(-0.3..0.3)));
        rows.push(vec![
            ("id", Val::T(format!("UG{:03}", i + 1))),
            ("use", t(d.pick::<&str>(&[("地下商业", 0.2), ("地下停车", 0.55), ("人防工程", 0.15), ("轨交配套", 0.1)]))),
            ("levels", Val::I(*d.pick(&[(1, 0.55), (2, 0.35), (3, 0.1)]))),
            ("ventilation", t(d.pick::<&str>(&[("良好", 0.6), ("一般", 0.3), ("差", 0.1)]))),
        ]);
    }
    write_gpkg_layer(out, "underground_spaces", GeomKind::Polygon, geoms, rows)
}
