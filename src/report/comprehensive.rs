//! The 综合评估报告's context (`reports/comprehensive.html.j2` and its Word
//! twin): every domain's levels and counts, the 街镇 and 区 levels with what
//! drove them, measures, the comparison with last year, the expert review,
//! the sensitivity analysis, and the findings written from the numbers.

use serde::Serialize;

use super::context::{changes, measures, percent, review_rows, sensitivity_settings, MeasureRow, ReviewRow};
use crate::assess::Assessment;
use crate::cycle::Comparison;
use crate::emit::drivers::{describe_method, Drivers, Zone};
use crate::level::Level;

/// The 综合评估报告 (`reports/comprehensive.html.j2`).
#[derive(Serialize)]
pub struct ComprehensiveReport {
    pub district: String,
    pub cycle: String,
    pub year: i32,
    pub sise_version: &'static str,
    pub domains: Vec<DomainRow>,
    pub streets: Vec<StreetTotalRow>,
    /// A city run's 区 (empty for a one-district run).
    pub districts: Vec<DistrictRow>,
    pub measures: Vec<MeasureRow>,
    pub comparison: Option<Vec<ChangeRow>>,
    pub comparison_from: Option<String>,
    /// How each zone kind's comprehensive level is reached (网格, 街镇, 区/全区).
    pub methods: Vec<MethodRow>,
    /// The district's (全区) comprehensive level and what drove it.
    pub total: ZoneDriverRow,
    /// The expert review's adjustments, all domains, and the file they came from.
    pub review: Vec<ReviewRow>,
    pub review_file: Option<String>,
    /// Last year's adjustments against this year's, in words ("保留 2 项、…"), when last year had or this year has any.
    pub review_continuity: Option<String>,
    /// The sensitivity analysis's settings, and per domain its 临界 objects and most moving parameter.
    pub sensitivity_settings: Option<String>,
    pub sensitivity: Vec<DomainSensitivityRow>,
    /// Profile, per-domain and per-街镇 sections, top risks, 责任单位, appendix.
    #[serde(flatten)]
    pub findings: super::findings::Findings,
}

/// One domain's line of the comprehensive report's 敏感性分析.
#[derive(Serialize)]
pub struct DomainSensitivityRow {
    pub id: String,
    pub name: String,
    pub objects: usize,
    pub critical: usize,
    pub critical_share: String,
    /// Red and orange objects (computed) that are 临界.
    pub critical_major: usize,
    pub top: String,
    pub top_moved: usize,
}

/// One zone kind's method in words.
#[derive(Serialize)]
pub struct MethodRow {
    pub kind: &'static str,
    pub text: String,
}

/// A zone's comprehensive level and what drove it.
#[derive(Serialize)]
pub struct ZoneDriverRow {
    pub level: &'static str,
    pub number: i32,
    pub colour: String,
    pub leading: String,
    pub drivers: String,
    pub basis: String,
}

/// A domain's district-level result and its objects per level.
#[derive(Serialize)]
pub struct DomainRow {
    pub id: String,
    pub name: String,
    pub level: &'static str,
    pub number: i32,
    pub colour: String,
    pub counts: [usize; 4],
    /// Shares of the domain's objects per level, in percent to one decimal.
    pub shares: Vec<String>,
}

/// A 街镇's comprehensive level, what drove it, and the domains red in it.
#[derive(Serialize)]
pub struct StreetTotalRow {
    pub name: String,
    #[serde(flatten)]
    pub total: ZoneDriverRow,
    pub red_domains: String,
}

/// A 区's comprehensive level, its 街镇 by level and the domains that make it red.
#[derive(Serialize)]
pub struct DistrictRow {
    pub name: String,
    pub level: &'static str,
    pub number: i32,
    pub colour: String,
    /// Its 街镇 per comprehensive level, 重大 first.
    pub streets: [usize; 4],
    pub red_domains: String,
}

#[derive(Serialize)]
pub struct ChangeRow {
    pub id: String,
    pub name: String,
    pub up: usize,
    pub down: usize,
    pub new: usize,
    pub removed: usize,
}

/// Each level's share of the counts, in percent to one decimal.
fn shares(counts: &[usize; 4]) -> Vec<String> {
    let total: usize = counts.iter().sum();
    counts.iter().map(|n| if total > 0 { format!("{:.1}", *n as f64 * 100.0 / total as f64) } else { "0".into() }).collect()
}

/// The domains whose result in a zone (`pick` from each domain's results) is red, or "—".
fn red_domains(a: &Assessment, pick: impl Fn(&crate::assess::DomainResult) -> Option<crate::aggregate::ZoneResult>) -> String {
    let red: Vec<&str> =
        a.models().iter().zip(&a.domains).filter(|(_, d)| pick(d).is_some_and(|z| z.level == Level::Major)).map(|(m, _)| m.name.as_str()).collect();
    if red.is_empty() {
        "—".to_owned()
    } else {
        red.join("、")
    }
}

/// A zone's level and drivers, as the reports show them.
fn zone_row(a: &Assessment, drivers: &Drivers, z: Zone) -> ZoneDriverRow {
    let l = drivers.total(z).0.level;
    ZoneDriverRow {
        level: l.name_zh(),
        number: l.number(),
        colour: a.loaded.config.colours.colour(l).to_owned(),
        leading: drivers.leading(z).unwrap_or_else(|| "—".into()),
        drivers: drivers.objects_text(z).unwrap_or_else(|| "—".into()),
        basis: drivers.basis(z),
    }
}

/// What became of the expert review's adjustments since last year, counted: "保留 2 项、新增 1 项".
fn review_continuity(c: &Comparison) -> Option<String> {
    use crate::cycle::ReviewStatus as S;
    let all: Vec<S> = c.domains.iter().flat_map(|d| d.reviews.iter().map(|r| r.status)).collect();
    let parts: Vec<String> = [S::Kept, S::Revised, S::Added, S::Dropped, S::Gone]
        .into_iter()
        .filter_map(|s| {
            let n = all.iter().filter(|x| **x == s).count();
            (n > 0).then(|| format!("{} {n} 项", s.label()))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("、"))
}

pub fn context(a: &Assessment, comparison: Option<&Comparison>) -> ComprehensiveReport {
    let comparison_in = comparison;
    let cfg = &a.loaded.config;
    let drivers = Drivers::new(a);
    let c = &cfg.comprehensive;
    let methods = [("网格", &c.grid), ("街镇", &c.streets), (if cfg.streets.district_field.is_some() { "区及全区" } else { "全区" }, &c.district)]
        .into_iter()
        .map(|(kind, how)| MethodRow { kind, text: describe_method(how, &c.capacity) })
        .collect();
    let domains = a
        .models()
        .iter()
        .enumerate()
        .map(|(d, m)| {
            let level = a.domains[d].district.map(|z| z.level).unwrap_or(Level::Low);
            DomainRow {
                id: m.id.clone(),
                name: m.name.clone(),
                level: level.name_zh(),
                number: level.number(),
                colour: cfg.colours.colour(level).to_owned(),
                counts: crate::level::counts(&a.domains[d].scores.level),
                shares: shares(&crate::level::counts(&a.domains[d].scores.level)),
            }
        })
        .collect();
    let streets = a
        .loaded
        .streets
        .names
        .iter()
        .enumerate()
        .map(|(s, name)| StreetTotalRow { name: name.clone(), total: zone_row(a, &drivers, Zone::Street(s)), red_domains: red_domains(a, |d| d.streets[s]) })
        .collect();
    let districts = a.loaded.streets.districts.iter().flat_map(|d| {
        d.names.iter().enumerate().map(|(k, name)| {
            let l = a.districts_total[k].level;
            DistrictRow {
                name: name.clone(),
                level: l.name_zh(),
                number: l.number(),
                colour: cfg.colours.colour(l).to_owned(),
                streets: crate::level::counts(d.of_street.iter().zip(&a.streets_total).filter(|(s, _)| **s == k).map(|(_, t)| &t.level)),
                red_domains: red_domains(a, |dr| dr.districts[k]),
            }
        })
    });
    let districts = districts.collect();
    let comparison = comparison.map(|c| {
        c.domains
            .iter()
            .map(|dc| {
                let [up, down, new, removed] = changes(dc);
                ChangeRow { id: dc.id.clone(), name: dc.name.clone(), up, down, new, removed }
            })
            .collect::<Vec<_>>()
    });
    ComprehensiveReport {
        district: cfg.district.clone(),
        cycle: cfg.cycle.clone(),
        year: cfg.year,
        sise_version: env!("CARGO_PKG_VERSION"),
        domains,
        streets,
        districts,
        measures: measures(a, None),
        comparison_from: comparison.as_ref().map(|_| (cfg.year - 1).to_string()),
        comparison,
        methods,
        total: zone_row(a, &drivers, Zone::District),
        review: (0..a.models().len()).flat_map(|d| review_rows(a, d)).collect(),
        review_file: cfg.review.as_ref().and_then(|r| r.adjustments.file_name()).map(|f| f.to_string_lossy().into_owned()),
        review_continuity: comparison_in.and_then(review_continuity),
        sensitivity_settings: cfg.sensitivity.as_ref().map(sensitivity_settings),
        sensitivity: (0..a.models().len()).filter_map(|d| domain_sensitivity_row(a, d)).collect(),
        findings: super::findings::findings(a, comparison_in),
    }
}

/// Domain `d`'s line in the comprehensive report's 敏感性分析.
fn domain_sensitivity_row(a: &Assessment, d: usize) -> Option<DomainSensitivityRow> {
    let (m, r) = (&a.models()[d], &a.domains[d]);
    let s = r.sensitivity.as_ref()?;
    let n = s.stability.len();
    let top = s.effects.first().filter(|e| e.moved() > 0);
    Some(DomainSensitivityRow {
        id: m.id.clone(),
        name: m.name.clone(),
        objects: n,
        critical: s.critical_count(),
        critical_share: percent(if n == 0 { 0.0 } else { s.critical_count() as f64 / n as f64 }),
        critical_major: (0..n).filter(|&i| s.is_critical(i) && r.computed_level(i) <= Level::Significant).count(),
        top: top.map_or_else(|| "—".into(), |e| e.param.label.clone()),
        top_moved: top.map_or(0, |e| e.moved()),
    })
}
