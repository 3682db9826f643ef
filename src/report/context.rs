//! What the report templates see, typed: each template variable is a field
//! here, so a renamed field is a compile error and a template typo a
//! rendering error (strict undefined), never a blank cell.

use serde::Serialize;

use crate::assess::Assessment;
use crate::cycle::{Change, Comparison};
use crate::level::Level;
use crate::model::words::aggregation_words;
use crate::model::{Method, Model};
use crate::msg::Lang;

/// Recommended control measures per level (GB/T 42768-2023 分级管控).
pub(super) const MEASURES: [&str; 4] = [
    "列为区级重点管控对象，立即制定专项整治方案，落实“一企一策”，挂牌督办；整改完成前采取停产停业、限制使用等措施，每月复核。",
    "列为街镇重点管控对象，限期整改，落实企业主体责任和行业监管责任，加强日常巡查和监测预警，每季度复核。",
    "纳入行业部门日常监管，督促单位完善风险管控措施和应急预案，每半年复核。",
    "保持常态化管理，落实单位自查自纠，每年复核。",
];

/// A level as templates colour it: its name, number (CSS class) and colour.
#[derive(Serialize)]
pub struct LevelCell {
    pub name: &'static str,
    pub number: i32,
    pub colour: String,
}

pub(super) fn cell(l: Level, a: &Assessment) -> LevelCell {
    LevelCell { name: l.name_zh(), number: l.number(), colour: a.loaded.config.colours.colour(l).to_owned() }
}

/// The 专项评估报告 of one domain (`reports/domain.html.j2`).
#[derive(Serialize)]
pub struct DomainReport {
    pub district: String,
    pub cycle: String,
    pub year: i32,
    pub sise_version: &'static str,
    pub domain: ModelText,
    pub sources: Vec<SourceRow>,
    pub counts: Vec<CountRow>,
    pub total: usize,
    /// What the figures leave out (objects outside the district, rejects).
    pub data_notes: Vec<String>,
    pub top: Vec<TopRow>,
    pub streets: Vec<StreetRow>,
    pub measures: Vec<MeasureRow>,
    pub comparison: Option<DomainComparison>,
    /// The expert review's adjustments of the domain's objects.
    pub review: Vec<ReviewRow>,
    /// The sensitivity analysis, when the run has one.
    pub sensitivity: Option<SensitivityText>,
}

/// A domain's sensitivity analysis (敏感性分析) as the report states it.
#[derive(Serialize)]
pub struct SensitivityText {
    /// The settings in words: draws, seed and how far each parameter was moved.
    pub settings: String,
    pub critical_share: String,
    pub critical: usize,
    /// Objects whose level held in every draw.
    pub stable: usize,
    /// Per computed level: objects, of them 临界, and their mean stability.
    pub levels: Vec<SensitivityLevelRow>,
    /// The most moving parameters (the tornado chart's bars).
    pub params: Vec<ParamRow>,
    /// Parameters the table leaves out (all are in tables/sensitivity).
    pub more_params: usize,
    /// The red and orange objects that are 临界, least stable first.
    pub critical_objects: Vec<CriticalRow>,
}

#[derive(Serialize)]
pub struct SensitivityLevelRow {
    #[serde(flatten)]
    pub cell: LevelCell,
    pub objects: usize,
    pub critical: usize,
    pub mean: String,
}

#[derive(Serialize)]
pub struct ParamRow {
    pub label: String,
    pub range: String,
    pub low: usize,
    pub high: usize,
    pub moved: usize,
}

#[derive(Serialize)]
pub struct CriticalRow {
    /// The computed level.
    pub level: LevelCell,
    pub id: String,
    /// The object's name, or its id.
    pub object: String,
    pub street: String,
    pub score: String,
    pub stability: String,
}

/// An object whose level the expert review (专家研判) changed.
#[derive(Serialize)]
pub struct ReviewRow {
    pub domain: String,
    pub id: String,
    pub name: String,
    pub street: String,
    pub computed: LevelCell,
    pub level: LevelCell,
    pub reason: String,
    pub expert: String,
    pub date: String,
}

/// The model as the report states it.
#[derive(Serialize)]
pub struct ModelText {
    pub id: String,
    pub name: String,
    pub model_version: String,
    pub model_file: Option<String>,
    pub description: Option<String>,
    pub method: String,
    pub matrix: Option<MatrixTable>,
    pub indicators: Vec<IndicatorRow>,
    /// Whether any indicator states an uncertainty (the table's 不确定度 column).
    pub uncertain: bool,
    pub control: String,
    pub vetoes: Vec<VetoRow>,
    pub levels: String,
    pub aggregate: String,
}

#[derive(Serialize)]
pub struct IndicatorRow {
    pub name: String,
    pub unit: Option<String>,
    pub source: String,
    pub normalise: String,
    pub missing: String,
    pub weight: String,
    /// The stated uncertainty of a numeric input ("±20%"), or "—".
    pub uncertainty: String,
}

/// A risk matrix's level table, rows = likelihood classes.
#[derive(Serialize)]
pub struct MatrixTable {
    pub likelihood: String,
    pub severity: String,
    pub columns: Vec<usize>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Serialize)]
pub struct MatrixRow {
    pub class: usize,
    pub cells: Vec<LevelCell>,
}

#[derive(Serialize)]
pub struct VetoRow {
    pub when: String,
    pub level: &'static str,
    pub reason: String,
}

#[derive(Serialize)]
pub struct SourceRow {
    pub layer: String,
    pub role: &'static str,
    pub file: Option<String>,
    pub features: String,
    pub date: String,
}

#[derive(Serialize)]
pub struct CountRow {
    #[serde(flatten)]
    pub level: LevelCell,
    pub count: usize,
    pub share: String,
}

/// A red or orange object.
#[derive(Serialize)]
pub struct TopRow {
    #[serde(flatten)]
    pub cell: LevelCell,
    pub level: &'static str,
    pub id: String,
    /// The object's name (`name` field), or its id when it has none.
    pub name: String,
    pub street: String,
    pub score: String,
    pub veto: String,
    /// 等级稳定度 in percent, with a sensitivity analysis.
    pub stability: Option<String>,
}

/// A 街镇's level in the domain (none where it has no object).
#[derive(Serialize)]
pub struct StreetRow {
    pub name: String,
    pub level: Option<&'static str>,
    pub number: Option<i32>,
    pub colour: Option<String>,
    pub objects: usize,
}

#[derive(Serialize)]
pub struct MeasureRow {
    #[serde(flatten)]
    pub level: LevelCell,
    pub text: String,
}

#[derive(Serialize)]
pub struct DomainComparison {
    pub from: String,
    pub up: usize,
    pub down: usize,
    pub new: usize,
    pub removed: usize,
    pub columns: Vec<&'static str>,
    pub rows: Vec<TransitionRow>,
}

#[derive(Serialize)]
pub struct TransitionRow {
    pub from: &'static str,
    pub to: [usize; 4],
}

/// The measures per level: the model's own (`[measures]`), or the general ones.
pub(super) fn measures(a: &Assessment, model: Option<&Model>) -> Vec<MeasureRow> {
    Level::ALL
        .iter()
        .zip(MEASURES)
        .map(|(l, general)| MeasureRow { level: cell(*l, a), text: model.and_then(|m| m.measure(*l)).unwrap_or(general).to_owned() })
        .collect()
}

pub fn domain(a: &Assessment, d: usize, comparison: Option<&Comparison>) -> DomainReport {
    let cfg = &a.loaded.config;
    let m = &a.models()[d];
    DomainReport {
        district: cfg.district.clone(),
        cycle: cfg.cycle.clone(),
        year: cfg.year,
        sise_version: env!("CARGO_PKG_VERSION"),
        domain: model_text(a, m),
        sources: sources(a, m),
        counts: level_counts(a, d),
        total: a.domains[d].scores.level.len(),
        data_notes: data_notes(a, m),
        top: top_risks(a, d),
        streets: street_levels(a, d),
        measures: measures(a, Some(m)),
        comparison: comparison.and_then(|c| domain_comparison(c, m)),
        review: review_rows(a, d),
        sensitivity: sensitivity_text(a, d),
    }
}

/// A share as the reports print it: "87.5%".
pub(super) fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The settings of the sensitivity analysis in words, for the reports.
pub(super) fn sensitivity_settings(c: &crate::config::SensitivityConfig) -> String {
    let pct = |x: f64| format!("{}%", (x * 100.0).round());
    format!(
        "蒙特卡洛抽样 {} 次（随机种子 {}），每次同时扰动全部参数：指标权重 ±{}（重新归一化）、AHP 判断值 ±{} 级（Saaty 1–9 标度）、等级阈值 ±{}、管控系数强度 ±{}、数值型指标按模型所注不确定度；等级稳定度低于 {} 的对象标为“临界”",
        c.draws,
        c.seed,
        pct(c.weights),
        c.ahp_steps,
        pct(c.thresholds),
        pct(c.control),
        pct(c.critical)
    )
}

/// Domain `d`'s sensitivity analysis in the report's words, when the run has one.
fn sensitivity_text(a: &Assessment, d: usize) -> Option<SensitivityText> {
    let (r, objects) = (&a.domains[d], a.objects(d));
    let s = r.sensitivity.as_ref()?;
    let cfg = a.loaded.config.sensitivity.as_ref()?;
    let n = s.stability.len();
    let levels = Level::ALL
        .iter()
        .map(|&l| {
            let rows: Vec<usize> = (0..n).filter(|&i| r.computed_level(i) == l).collect();
            let mean = if rows.is_empty() { "—".into() } else { percent(rows.iter().map(|&i| s.stability[i]).sum::<f64>() / rows.len() as f64) };
            SensitivityLevelRow { cell: cell(l, a), objects: rows.len(), critical: rows.iter().filter(|&&i| s.is_critical(i)).count(), mean }
        })
        .collect();
    let shown = crate::emit::tornado::BARS;
    let params = s
        .effects
        .iter()
        .take(shown)
        .map(|e| ParamRow { label: e.param.label.clone(), range: e.param.range.clone(), low: e.low, high: e.high, moved: e.moved() })
        .collect();
    let names = objects.descriptive_column(crate::schema::NAME);
    let mut critical: Vec<usize> = (0..n).filter(|&i| s.is_critical(i) && r.computed_level(i) <= Level::Significant).collect();
    critical.sort_by(|&x, &y| r.computed_level(x).cmp(&r.computed_level(y)).then(s.stability[x].total_cmp(&s.stability[y])).then(x.cmp(&y)));
    let critical_objects = critical
        .into_iter()
        .take(30)
        .map(|i| CriticalRow {
            level: cell(r.computed_level(i), a),
            id: objects.ids[i].clone(),
            object: names.as_ref().and_then(|x| x.text(i)).unwrap_or(&objects.ids[i]).to_owned(),
            street: r.object_street[i].map(|z| a.loaded.streets.names[z].clone()).unwrap_or_default(),
            score: format!("{:.2}", r.scores.score[i]),
            stability: percent(s.stability[i]),
        })
        .collect();
    let count = s.critical_count();
    Some(SensitivityText {
        settings: sensitivity_settings(cfg),
        critical_share: percent(if n == 0 { 0.0 } else { count as f64 / n as f64 }),
        critical: count,
        stable: s.stability.iter().filter(|x| **x >= 1.0).count(),
        levels,
        params,
        more_params: s.effects.len().saturating_sub(shown),
        critical_objects,
    })
}

/// Domain `d`'s adjusted objects, by id.
pub(super) fn review_rows(a: &Assessment, d: usize) -> Vec<ReviewRow> {
    let (m, r, objects) = (&a.models()[d], &a.domains[d], a.objects(d));
    let names = objects.descriptive_column(crate::schema::NAME);
    let mut rows: Vec<ReviewRow> = r
        .review
        .iter()
        .map(|(&i, adj)| ReviewRow {
            domain: format!("{} {}", m.id, m.name),
            id: objects.ids[i].clone(),
            name: names.as_ref().and_then(|n| n.text(i)).unwrap_or(&objects.ids[i]).to_owned(),
            street: r.object_street[i].map(|s| a.loaded.streets.names[s].clone()).unwrap_or_default(),
            computed: cell(adj.computed, a),
            level: cell(adj.level, a),
            reason: adj.reason.clone(),
            expert: adj.expert.clone(),
            date: adj.date.clone(),
        })
        .collect();
    rows.sort_by(|x, y| x.id.cmp(&y.id));
    rows
}

/// The model as the report states it: method, matrix, indicators, control, vetoes, bands, aggregation.
fn model_text(a: &Assessment, m: &Model) -> ModelText {
    let weights = m.weights();
    let indicators = m
        .indicators
        .iter()
        .enumerate()
        .map(|(k, i)| IndicatorRow {
            name: i.name.clone(),
            unit: i.unit.clone(),
            source: i.source.words(m.geometry, Lang::Zh),
            normalise: i.normalise.words(Lang::Zh),
            missing: if i.source.can_be_missing() { i.missing.words(Lang::Zh) } else { "—".into() },
            weight: weights.map(|w| format!("{:.3}", w[k])).unwrap_or_else(|| "—".into()),
            uncertainty: if i.uncertainty > 0.0 { format!("±{}%", (i.uncertainty * 100.0).round()) } else { "—".into() },
        })
        .collect();
    let method = match &m.method {
        Method::WeightedIndex { ahp: Some(a), .. } => format!("加权指数法，指标权重由层次分析法（AHP）确定，一致性比率 CR = {:.3}", a.cr),
        Method::WeightedIndex { .. } => "加权指数法（各指标得分 0–100 加权求和）".into(),
        Method::RiskMatrix { classes, .. } => format!("风险矩阵法（可能性 {} 级 × 严重性 {} 级）", classes.0, classes.1),
        Method::Lec { .. } => "作业条件危险性分析法（LEC，D = L × E × C）".into(),
    };
    // The level table of a risk matrix, printed as the assessors know it.
    let matrix = match &m.method {
        Method::RiskMatrix { likelihood, severity, table: Some(t), .. } => Some(MatrixTable {
            likelihood: m.indicators[*likelihood].name.clone(),
            severity: m.indicators[*severity].name.clone(),
            columns: (1..=t[0].len()).collect(),
            rows: t.iter().enumerate().map(|(i, row)| MatrixRow { class: i + 1, cells: row.iter().map(|l| cell(*l, a)).collect() }).collect(),
        }),
        _ => None,
    };
    let control = match &m.control {
        Some(c) => match &c.factors {
            Some(f) => format!("按字段 {} 取管控系数：{}", c.field, f.iter().map(|(k, v)| format!("{k} × {v}")).collect::<Vec<_>>().join("，")),
            None => format!("按字段 {} 的管控系数直接调整", c.field),
        },
        None => "无（现实风险 = 固有风险）".into(),
    };
    ModelText {
        id: m.id.clone(),
        name: m.name.clone(),
        model_version: m.model_version.clone(),
        model_file: m.file.file_name().map(|f| f.to_string_lossy().into_owned()),
        description: m.description.clone(),
        method,
        matrix,
        indicators,
        uncertain: m.indicators.iter().any(|i| i.uncertainty > 0.0),
        control,
        vetoes: m
            .vetoes
            .iter()
            .map(|v| VetoRow {
                when: v.when.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" 且 "),
                level: v.level.name_zh(),
                reason: v.reason.clone(),
            })
            .collect(),
        levels: m.thresholds.describe(true),
        aggregate: format!("网格取{}；街镇取{}", aggregation_words(m.aggregate.grid, m, Lang::Zh), aggregation_words(m.aggregate.streets, m, Lang::Zh)),
    }
}

/// The layers the domain read: role, file, features, file date.
fn sources(a: &Assessment, m: &Model) -> Vec<SourceRow> {
    let cfg = &a.loaded.config;
    std::iter::once(m.objects())
        .chain(m.context_layers())
        .map(|name| {
            let l = &cfg.layers[name];
            let date =
                std::fs::metadata(&l.path).and_then(|md| md.modified()).ok().map(|t| chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d").to_string());
            let role = if name == m.objects() {
                "评估对象"
            } else {
                m.inputs
                    .role_of(name)
                    .map(|r| match r {
                        "exposure" => "承灾体",
                        "hazard" => "致灾因子",
                        _ => "应急能力",
                    })
                    .unwrap_or("")
            };
            SourceRow {
                layer: name.to_owned(),
                role,
                file: l.path.file_name().map(|f| f.to_string_lossy().into_owned()),
                features: a.loaded.feature_counts.get(name).map(|n| n.to_string()).unwrap_or_else(|| "栅格".into()),
                date: date.unwrap_or_default(),
            }
        })
        .collect()
}

/// The 30 worst red and orange objects.
fn top_risks(a: &Assessment, d: usize) -> Vec<TopRow> {
    let r = &a.domains[d];
    let objects = a.objects(d);
    let names = objects.descriptive(crate::schema::NAME);
    let mut top: Vec<(usize, f64)> =
        r.scores.level.iter().enumerate().filter(|(_, l)| **l <= Level::Significant).map(|(i, _)| (i, r.scores.score[i])).collect();
    top.sort_by(|x, y| r.scores.level[x.0].cmp(&r.scores.level[y.0]).then(y.1.total_cmp(&x.1)));
    top.iter()
        .take(30)
        .map(|(i, s)| {
            let level = r.scores.level[*i];
            TopRow {
                cell: cell(level, a),
                level: level.name_zh(),
                id: objects.ids[*i].clone(),
                name: names.as_ref().and_then(|n| n[*i].clone()).unwrap_or_else(|| objects.ids[*i].clone()),
                street: r.object_street[*i].map(|s| a.loaded.streets.names[s].clone()).unwrap_or_default(),
                score: format!("{s:.2}"),
                veto: r.scores.veto[*i].clone().unwrap_or_default(),
                stability: r.sensitivity.as_ref().map(|x| percent(x.stability[*i])),
            }
        })
        .collect()
}

/// Each 街镇's level in the domain.
fn street_levels(a: &Assessment, d: usize) -> Vec<StreetRow> {
    let cfg = &a.loaded.config;
    let r = &a.domains[d];
    a.loaded
        .streets
        .names
        .iter()
        .enumerate()
        .map(|(s, name)| match r.streets[s] {
            Some(z) => StreetRow {
                name: name.clone(),
                level: Some(z.level.name_zh()),
                number: Some(z.level.number()),
                colour: Some(cfg.colours.colour(z.level).to_owned()),
                objects: z.objects,
            },
            None => StreetRow { name: name.clone(), level: None, number: None, colour: None, objects: 0 },
        })
        .collect()
}

/// Objects per level, with shares.
fn level_counts(a: &Assessment, d: usize) -> Vec<CountRow> {
    let levels = &a.domains[d].scores.level;
    let (counts, total) = (crate::level::counts(levels), levels.len());
    Level::ALL
        .iter()
        .map(|l| {
            let n = counts[l.index()];
            let share = if total > 0 { format!("{:.1}", n as f64 * 100.0 / total as f64) } else { "0".into() };
            CountRow { level: cell(*l, a), count: n, share }
        })
        .collect()
}

pub(super) fn changes(dc: &crate::cycle::DomainChange) -> [usize; 4] {
    let n = |ch: Change| dc.objects.iter().filter(|o| o.change == ch).count();
    [n(Change::Up), n(Change::Down), n(Change::New), n(Change::Removed)]
}

/// Last year's comparison for the domain, when there is one.
fn domain_comparison(c: &Comparison, m: &Model) -> Option<DomainComparison> {
    c.domains.iter().find(|x| x.id == m.id).map(|dc| {
        let [up, down, new, removed] = changes(dc);
        DomainComparison {
            from: c.from.clone(),
            up,
            down,
            new,
            removed,
            columns: Level::ALL.iter().map(|l| l.name_zh()).collect(),
            rows: Level::ALL.iter().enumerate().map(|(f, l)| TransitionRow { from: l.name_zh(), to: dc.transitions[f] }).collect(),
        }
    })
}

/// What the domain's figures leave out: objects outside the district and rejected ones.
fn data_notes(a: &Assessment, m: &Model) -> Vec<String> {
    let mut notes = Vec::new();
    let clipped = a.loaded.clipped.iter().filter(|c| c.layer == m.objects()).count();
    if clipped > 0 {
        notes.push(format!("数据图层 {} 中有 {clipped} 个对象位于{}范围以外，未纳入本区评估（clip_to_district）。", m.objects(), a.loaded.config.district));
    }
    let rejected = a.loaded.rejects.iter().filter(|r| r.layer == m.objects() && r.domain.as_deref().is_none_or(|d| d == m.id)).count();
    if rejected > 0 {
        notes.push(format!("另有 {rejected} 个对象因数据缺失或有误未纳入评估，明细见 rejects.csv。"));
    }
    notes
}
