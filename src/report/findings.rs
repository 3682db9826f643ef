//! The substance of the 综合评估报告 beyond its summary tables, written from
//! the run's numbers: the district profile (area, 街镇, residents, coverage
//! against the 80 % target), a results paragraph per domain, a section per
//! 街镇, the district's top risk points with their reasons, the red and
//! orange objects per 责任单位, and the 风险清单's red and orange rows.

use geo::Area;
use serde::Serialize;

use super::context::{cell, LevelCell};
use crate::assess::Assessment;
use crate::cycle::Comparison;
use crate::emit::drivers::{Drivers, Zone};
use crate::emit::register::{drivers, worst_first};
use crate::level::Level;
use crate::schema;

/// At most this many rows in the appendix: a city's red and orange objects
/// run to hundreds of thousands; the 风险清单 files hold them all.
const APPENDIX_ROWS: usize = 2000;
/// Top risk points of the district, and red/orange objects shown per 街镇.
const TOP_POINTS: usize = 20;
const STREET_ROWS: usize = 10;
/// The worst objects a domain's paragraph names.
const DOMAIN_WORST: usize = 3;

#[derive(Serialize)]
pub struct Findings {
    pub profile: Profile,
    pub domain_sections: Vec<DomainSection>,
    pub street_sections: Vec<StreetSection>,
    pub top_points: Vec<RiskRow>,
    /// Red and orange objects per 责任单位, most red first.
    pub units: Vec<UnitRow>,
    /// Red and orange objects without a 责任单位 in the data.
    pub units_missing: usize,
    pub appendix: Vec<RiskRow>,
    /// Red and orange objects past `APPENDIX_ROWS`, left to the 风险清单 files.
    pub appendix_more: usize,
}

#[derive(Serialize)]
pub struct Profile {
    pub area_km2: String,
    pub streets: usize,
    /// Residents of the population layer, in 万人, where the run reads one.
    pub population: Option<String>,
    pub objects: usize,
    pub coverage: Vec<CoverageRow>,
    /// Domains below the 80 % target, as "D05 建设施工（62.5%）", or none.
    pub short: Option<String>,
    pub target: u32,
}

#[derive(Serialize)]
pub struct CoverageRow {
    pub id: String,
    pub name: String,
    pub registered: usize,
    pub assessed: usize,
    pub share: String,
    pub met: bool,
}

#[derive(Serialize)]
pub struct DomainSection {
    pub id: String,
    pub name: String,
    pub level: LevelCell,
    pub text: String,
}

#[derive(Serialize)]
pub struct StreetSection {
    pub name: String,
    pub level: LevelCell,
    pub text: String,
    pub risks: Vec<RiskRow>,
    /// Its red and orange objects past those listed.
    pub more: usize,
}

/// One red or orange object, as the report lists it.
#[derive(Serialize)]
pub struct RiskRow {
    pub no: usize,
    pub name: String,
    pub id: String,
    pub domain: String,
    pub street: String,
    pub level: LevelCell,
    /// 主要风险因素: a veto's reason first, then the indicators that drove the score.
    pub reasons: String,
    pub measure: String,
    pub unit: String,
}

#[derive(Serialize)]
pub struct UnitRow {
    pub unit: String,
    pub red: usize,
    pub orange: usize,
    pub domains: String,
    pub objects: String,
}

struct Rows<'a> {
    a: &'a Assessment,
    names: Vec<Option<crate::objects::Descriptive>>,
    units: Vec<Option<crate::objects::Descriptive>>,
}

impl Rows<'_> {
    fn new(a: &Assessment) -> Rows<'_> {
        let col = |key: &str| (0..a.models().len()).map(|d| a.objects(d).descriptive_column(key)).collect();
        Rows { a, names: col(schema::NAME), units: col(schema::RESPONSIBLE_UNIT) }
    }

    fn name(&self, d: usize, i: usize) -> String {
        self.names[d].as_ref().and_then(|n| n.text(i)).unwrap_or(&self.a.objects(d).ids[i]).to_owned()
    }

    fn unit(&self, d: usize, i: usize) -> Option<&str> {
        self.units[d].as_ref().and_then(|u| u.text(i)).map(str::trim).filter(|u| !u.is_empty())
    }

    fn street(&self, d: usize, i: usize) -> String {
        self.a.domains[d].object_street[i].map(|s| self.a.loaded.streets.names[s].clone()).unwrap_or_default()
    }

    fn row(&self, no: usize, (d, i): (usize, usize)) -> RiskRow {
        let (a, m) = (self.a, &self.a.models()[d]);
        let level = a.domains[d].scores.level[i];
        let mut reasons = String::new();
        drivers(m, &a.domains[d].scores, i, &mut reasons);
        RiskRow {
            no,
            name: self.name(d, i),
            id: a.objects(d).ids[i].clone(),
            domain: format!("{} {}", m.id, m.name),
            street: self.street(d, i),
            level: cell(level, a),
            reasons,
            measure: m.measure(level).unwrap_or(super::context::MEASURES[level.index()]).to_owned(),
            unit: self.unit(d, i).unwrap_or("—").to_owned(),
        }
    }
}

pub fn findings(a: &Assessment, comparison: Option<&Comparison>) -> Findings {
    let rows = Rows::new(a);
    // The red and orange objects, in the 风险清单's order.
    let major = worst_first(a, Level::Significant);
    let mut by_street = vec![Vec::new(); a.loaded.streets.names.len()];
    for &(d, i) in &major {
        if let Some(s) = a.domains[d].object_street[i] {
            by_street[s].push((d, i));
        }
    }
    let drivers = Drivers::new(a);
    let appendix: Vec<RiskRow> = major.iter().take(APPENDIX_ROWS).enumerate().map(|(k, o)| rows.row(k + 1, *o)).collect();
    Findings {
        profile: profile(a),
        domain_sections: (0..a.models().len()).map(|d| domain_section(a, &rows, d, comparison)).collect(),
        street_sections: by_street.iter().enumerate().map(|(s, here)| street_section(a, &rows, &drivers, here, s)).collect(),
        top_points: top_points(a, &major).into_iter().enumerate().map(|(k, o)| rows.row(k + 1, o)).collect(),
        units: units(a, &rows, &major),
        units_missing: major.iter().filter(|(d, i)| rows.unit(*d, *i).is_none()).count(),
        appendix_more: major.len().saturating_sub(appendix.len()),
        appendix,
    }
}

fn profile(a: &Assessment) -> Profile {
    let streets = &a.loaded.streets;
    let area: f64 = streets.zones.polygons.iter().map(|p| p.unsigned_area()).sum::<f64>() / 1e6;
    let coverage: Vec<CoverageRow> = a
        .models()
        .iter()
        .enumerate()
        .map(|(d, m)| {
            let (registered, assessed) = (a.registered(d), a.objects(d).len());
            let share = if registered > 0 { assessed as f64 * 100.0 / registered as f64 } else { 0.0 };
            CoverageRow {
                id: m.id.clone(),
                name: m.name.clone(),
                registered,
                assessed,
                share: format!("{share:.1}%"),
                met: share >= f64::from(crate::quality::TARGET),
            }
        })
        .collect();
    let short: Vec<String> = coverage.iter().filter(|c| !c.met).map(|c| format!("{} {}（{}）", c.id, c.name, c.share)).collect();
    Profile {
        area_km2: format!("{area:.2}"),
        streets: streets.names.len(),
        population: a.street_population.as_ref().map(|p| format!("{:.2}", p.iter().sum::<f64>() / 1e4)),
        objects: coverage.iter().map(|c| c.assessed).sum(),
        short: (!short.is_empty()).then(|| short.join("、")),
        coverage,
        target: crate::quality::TARGET,
    }
}

/// "重大风险 8 个（16.7%）、较大风险 …" for per-level counts.
fn counts_text(counts: &[usize; 4]) -> String {
    let total: usize = counts.iter().sum::<usize>().max(1);
    Level::ALL
        .iter()
        .map(|l| format!("{} {} 个（{:.1}%）", l.name_zh(), counts[l.index()], counts[l.index()] as f64 * 100.0 / total as f64))
        .collect::<Vec<_>>()
        .join("、")
}

fn domain_section(a: &Assessment, rows: &Rows, d: usize, comparison: Option<&Comparison>) -> DomainSection {
    let (m, r) = (&a.models()[d], &a.domains[d]);
    let level = r.district.map(|z| z.level).unwrap_or(Level::Low);
    let n = r.scores.level.len();
    let counts = crate::level::counts(&r.scores.level);
    let mut text = format!(
        "本次共评估{}对象 {n} 个（登记 {} 个），其中{}；全区{}领域风险等级为{}。",
        m.name,
        a.registered(d),
        counts_text(&counts),
        m.name,
        level.name_zh()
    );
    let vetoed = (0..n).filter(|&i| r.scores.veto[i].is_some() && r.scores.level[i] == Level::Major).count();
    if vetoed > 0 {
        text += &format!("重大风险对象中 {vetoed} 个由一票否决规则认定。");
    }
    let mut worst: Vec<usize> = (0..n).filter(|&i| r.scores.level[i] <= Level::Significant).collect();
    worst.sort_by(|&x, &y| r.scores.level[x].cmp(&r.scores.level[y]).then(r.scores.score[y].total_cmp(&r.scores.score[x])));
    if !worst.is_empty() {
        let named: Vec<String> = worst
            .iter()
            .take(DOMAIN_WORST)
            .map(|&i| {
                let mut why = String::new();
                drivers(m, &r.scores, i, &mut why);
                format!("{}（{}，{}；{}）", rows.name(d, i), rows.street(d, i), r.scores.level[i].name_zh(), why)
            })
            .collect();
        text += &format!("风险最高的对象为{}。", named.join("，"));
    }
    if let Some(dc) = comparison.and_then(|c| c.domains.iter().find(|x| x.id == m.id).map(|dc| (c, dc))) {
        let [up, down, new, removed] = super::context::changes(dc.1);
        text += &format!("与{}年相比，风险等级上升 {up} 个、下降 {down} 个，新增对象 {new} 个、撤销 {removed} 个。", dc.0.from);
    }
    if !r.review.is_empty() {
        text += &format!("经专家研判调整等级 {} 个。", r.review.len());
    }
    DomainSection { id: m.id.clone(), name: m.name.clone(), level: cell(level, a), text }
}

/// 街镇 `s`'s section; `here` are its red and orange objects, worst first.
fn street_section(a: &Assessment, rows: &Rows, drivers: &Drivers, here: &[(usize, usize)], s: usize) -> StreetSection {
    let total = &a.streets_total[s];
    let red = here.iter().filter(|&&(d, i)| a.domains[d].scores.level[i] == Level::Major).count();
    let area = a.loaded.streets.zones.polygons[s].unsigned_area() / 1e6;
    let mut text =
        format!("{}综合风险等级为{}，定级依据：{}。辖区面积 {area:.2} km²", a.loaded.streets.names[s], total.level.name_zh(), drivers.basis(Zone::Street(s)));
    if let Some(p) = &a.street_population {
        text += &format!("，常住人口约 {:.2} 万人", p[s] / 1e4);
    }
    let objects: usize = a.domains.iter().filter_map(|r| r.streets[s].map(|z| z.objects)).sum();
    text += &format!("，评估对象 {objects} 个，其中重大风险 {red} 个、较大风险 {} 个。", here.len() - red);
    if let Some(l) = drivers.leading(Zone::Street(s)) {
        text += &format!("主导领域为{l}，主要风险对象：{}。", drivers.objects_text(Zone::Street(s)).unwrap_or_else(|| "—".into()));
    }
    StreetSection {
        name: a.loaded.streets.names[s].clone(),
        level: cell(total.level, a),
        text,
        risks: here.iter().take(STREET_ROWS).enumerate().map(|(k, o)| rows.row(k + 1, *o)).collect(),
        more: here.len().saturating_sub(STREET_ROWS),
    }
}

/// The district's top risk points: red objects first, each domain's worst
/// before any domain's second (scores of different domains are on different
/// scales, so a list by score alone would be one domain's).
fn top_points(a: &Assessment, major: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut rank = std::collections::HashMap::new();
    let mut keyed: Vec<(Level, usize, usize, (usize, usize))> = major
        .iter()
        .enumerate()
        .map(|(k, &(d, i))| {
            let level = a.domains[d].scores.level[i];
            let r = rank.entry((level, d)).or_insert(0usize);
            *r += 1;
            (level, *r, k, (d, i))
        })
        .collect();
    keyed.sort_by_key(|&(level, r, k, _)| (level, r, k));
    keyed.into_iter().take(TOP_POINTS).map(|(.., o)| o).collect()
}

/// Red and orange objects grouped by the 责任单位 the data names.
fn units(a: &Assessment, rows: &Rows, major: &[(usize, usize)]) -> Vec<UnitRow> {
    // Per unit: red, orange, the domains and the first objects named.
    type Tally = (usize, usize, Vec<String>, Vec<String>);
    let mut by: std::collections::BTreeMap<&str, Tally> = Default::default();
    for &(d, i) in major {
        let Some(u) = rows.unit(d, i) else { continue };
        let e = by.entry(u).or_default();
        if a.domains[d].scores.level[i] == Level::Major {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
        let domain = a.models()[d].name.clone();
        if !e.2.contains(&domain) {
            e.2.push(domain);
        }
        if e.3.len() < 3 {
            e.3.push(rows.name(d, i));
        }
    }
    let mut v: Vec<UnitRow> = by
        .into_iter()
        .map(|(u, (red, orange, domains, objects))| UnitRow { unit: u.to_owned(), red, orange, domains: domains.join("、"), objects: objects.join("、") })
        .collect();
    v.sort_by(|x, y| y.red.cmp(&x.red).then(y.orange.cmp(&x.orange)).then(x.unit.cmp(&y.unit)));
    v
}
