//! What drove a zone's comprehensive level, in words: 主导领域, its worst
//! objects in the zone, and 定级依据 (the method's numbers against its rule).
//! One wording for the GeoPackage, the 街镇 table, the reports and the web map.

use crate::aggregate::{Total, ZoneResult};
use crate::assess::Assessment;
use crate::config::{Count, CountRule, Regional, Scale};
use crate::level::Level;
use crate::objects::Descriptive;

/// A zone of one kind: which of each domain's zone results it reads.
#[derive(Debug, Clone, Copy)]
pub enum Zone {
    Cell(usize),
    Street(usize),
    District,
    /// A 区 of a city run.
    Qu(usize),
}

/// One object that drove a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver<'a> {
    pub domain: usize,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub level: Level,
}

pub struct Drivers<'a> {
    a: &'a Assessment,
    names: Vec<Option<Descriptive>>,
}

impl<'a> Drivers<'a> {
    pub fn new(a: &'a Assessment) -> Drivers<'a> {
        Drivers { a, names: (0..a.models().len()).map(|d| a.objects(d).descriptive_column(crate::schema::NAME)).collect() }
    }

    /// The zone's comprehensive result and the method of its kind.
    pub fn total(&self, z: Zone) -> (&'a Total, &'a Regional) {
        let (a, c) = (self.a, &self.a.loaded.config.comprehensive);
        match z {
            Zone::Cell(k) => (&a.grid_total[k], &c.grid),
            Zone::Street(s) => (&a.streets_total[s], &c.streets),
            Zone::District => (&a.district_total, &c.district),
            Zone::Qu(k) => (&a.districts_total[k], &c.district),
        }
    }

    fn result(&self, d: usize, z: Zone) -> Option<&'a ZoneResult> {
        let r = &self.a.domains[d];
        match z {
            Zone::Cell(k) => r.grid[k].as_ref(),
            Zone::Street(s) => r.streets[s].as_ref(),
            Zone::District => r.district.as_ref(),
            Zone::Qu(k) => r.districts.get(k).and_then(Option::as_ref),
        }
    }

    /// 主导领域, as "D01 危险化学品".
    pub fn leading(&self, z: Zone) -> Option<String> {
        let d = self.total(z).0.leading?;
        let m = &self.a.models()[d];
        Some(format!("{} {}", m.id, m.name))
    }

    /// The leading domain's worst objects in the zone, worst first.
    pub fn objects(&self, z: Zone) -> Vec<Driver<'_>> {
        let Some(d) = self.total(z).0.leading else { return Vec::new() };
        let Some(r) = self.result(d, z) else { return Vec::new() };
        let (objects, scores) = (self.a.objects(d), &self.a.domains[d].scores);
        // Blue objects drive nothing where worse ones stand beside them.
        let rows = r.top.rows();
        let shown = rows.iter().filter(|&&row| scores.level[row as usize] != Level::Low).count().max(1);
        rows[..shown.min(rows.len())]
            .iter()
            .map(|&row| {
                let row = row as usize;
                let name = self.names[d].as_ref().and_then(|n| n.text(row));
                Driver { domain: d, id: &objects.ids[row], name, level: scores.level[row] }
            })
            .collect()
    }

    /// The worst objects as one text: "甲化工（重大风险）；乙仓库（较大风险）".
    pub fn objects_text(&self, z: Zone) -> Option<String> {
        let v = self.objects(z);
        (!v.is_empty()).then(|| v.iter().map(|o| format!("{}（{}）", o.name.unwrap_or(o.id), o.level.name_zh())).collect::<Vec<_>>().join("；"))
    }

    /// 定级依据: the method's numbers for the zone against the rule that set its level.
    pub fn basis(&self, z: Zone) -> String {
        let (t, how) = self.total(z);
        let leading = self.leading(z).unwrap_or_default();
        if t.leading.is_none() {
            return "无评估对象".into();
        }
        match how {
            Regional::Worst => format!("就高：{leading}为{}", t.level.name_zh()),
            Regional::Weighted { thresholds, .. } => format!("领域等级加权值 {:.2}（{}）", t.score, thresholds.describe(true)),
            Regional::Count { red, orange, yellow } => {
                let tally = format!(
                    "重大风险对象{}个（{}个领域），较大及以上{}个，一般及以上{}个",
                    t.counts[0],
                    t.domains_reaching[0],
                    t.reaching(Level::Significant),
                    t.reaching(Level::General)
                );
                let rule = match t.level {
                    Level::Major => red,
                    Level::Significant => orange,
                    Level::General => yellow,
                    Level::Low => return format!("{tally}；未达一般风险条件（{}）", describe_rule(yellow)),
                };
                format!("{tally}；{}条件：{}", t.level.name_zh(), describe_rule(rule))
            }
            Regional::Exposure { thresholds, scale, .. } => {
                format!("暴露加权风险密度 {:.2}/km²{}，{}；{leading}占{:.0}%", t.score, ratio(t), band(thresholds, *scale, t.level), t.share * 100.0)
            }
            Regional::Capacity { thresholds, scale, .. } => format!(
                "固有风险密度 {:.2}/km² × 防控脆弱性 {:.2} = {:.2}{}，{}；{leading}占{:.0}%",
                t.inherent.unwrap_or(0.0),
                t.vulnerability.unwrap_or(1.0),
                t.score,
                ratio(t),
                band(thresholds, *scale, t.level),
                t.share * 100.0
            ),
        }
    }
}

/// "，为全区平均的 1.52 倍" where the thresholds are multiples of the district's density.
fn ratio(t: &Total) -> String {
    t.ratio.map(|r| format!("，为全区平均的 {r:.2} 倍")).unwrap_or_default()
}

/// The band a zone's value fell in: "较大风险（1–2 倍）", "重大风险（≥ 30）".
fn band(thresholds: &crate::level::Thresholds, scale: Scale, level: Level) -> String {
    let unit = if scale == Scale::DistrictMean { " 倍" } else { "" };
    let (lower, upper) = match level {
        Level::Major => (Some(thresholds.red), None),
        Level::Significant => (Some(thresholds.orange), Some(thresholds.red)),
        Level::General => (Some(thresholds.yellow), Some(thresholds.orange)),
        Level::Low => (None, Some(thresholds.yellow)),
    };
    let range = match (lower, upper) {
        (Some(l), Some(u)) => format!("{l}–{u}{unit}"),
        (Some(l), None) if thresholds.compare == crate::level::Compare::Above => format!("> {l}{unit}"),
        (Some(l), None) => format!("≥ {l}{unit}"),
        (None, Some(u)) => format!("< {u}{unit}"),
        (None, None) => String::new(),
    };
    format!("属{}（{range}）", level.name_zh())
}

/// The thresholds in words, as multiples of the district's density where they are.
fn bands(thresholds: &crate::level::Thresholds, scale: Scale) -> String {
    match scale {
        Scale::PerKm2 => format!("每平方公里{}", thresholds.describe(true)),
        Scale::DistrictMean => format!("以全区平均风险密度为 1，{}", thresholds.describe(true)),
    }
}

/// A count rule in words: "重大风险对象≥3个，或有重大风险对象的领域≥2个".
pub fn describe_rule(rule: &CountRule) -> String {
    let short = |l: Level| match l {
        Level::Major => "重大",
        Level::Significant => "较大及以上",
        Level::General => "一般及以上",
        Level::Low => "低",
    };
    let parts: Vec<String> = rule
        .counts()
        .iter()
        .filter_map(|(what, n)| {
            n.map(|n| match what {
                Count::Objects(l) => format!("{}风险对象≥{n}个", short(*l)),
                Count::Domains(l) => format!("有{}风险对象的领域≥{n}个", short(*l)),
            })
        })
        .collect();
    parts.join("，或")
}

/// A method in words, with its formula and the practice it follows (the reports' 评估方法).
pub fn describe_method(how: &Regional, capacity: &[crate::config::CapacityFactor]) -> String {
    match how {
        Regional::Worst => "就高法：区域内任一领域的最高风险等级即为区域综合风险等级（一个重大风险对象即可使区域为重大风险）。".into(),
        Regional::Weighted { thresholds, .. } => {
            format!("领域加权法：各领域在区域内的等级赋值（重大4、较大3、一般2、低1）按领域权重加权平均，{}。", thresholds.describe(true))
        }
        Regional::Count { red, orange, yellow } => format!(
            "风险点计数法（点、线、面风险对象按数量定级）：重大风险——{}；较大风险——{}；一般风险——{}；其余为低风险。",
            describe_rule(red),
            describe_rule(orange),
            describe_rule(yellow)
        ),
        Regional::Exposure { thresholds, values, scale } => format!(
            "暴露加权风险密度法：R = Σ（对象等级风险值 × 暴露度 × 区内占比）÷ 区域面积（每平方公里）。等级风险值取 GB/T 42768-2023 5×5 风险矩阵各等级区间中值（重大 {}、较大 {}、一般 {}、低 {}），暴露度为对象所威胁的人口或规模与本领域平均值之比，区内占比为线、面对象位于区域内的长度或面积比例；{}。",
            values.red, values.orange, values.yellow, values.blue, bands(thresholds, *scale)
        ),
        Regional::Capacity { thresholds, values, scale } => {
            let factors: Vec<String> = capacity.iter().map(|c| format!("{}（权重 {}）", c.name, c.weight)).collect();
            format!(
                "固有风险×防控脆弱性法：区域风险 R = 固有风险密度 H × 防控体系脆弱性 V。H 按暴露加权风险密度计算（等级风险值 重大 {}、较大 {}、一般 {}、低 {}）；V = Σ 权重 × 应急能力因子，因子由常住人口至最近应急资源的距离确定，按人口加权：{}；{}。",
                values.red, values.orange, values.yellow, values.blue,
                factors.join("、"),
                bands(thresholds, *scale)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_as_an_assessor_states_them() {
        let rule = CountRule { red_objects: Some(3), red_domains: Some(2), ..CountRule::default() };
        assert_eq!(describe_rule(&rule), "重大风险对象≥3个，或有重大风险对象的领域≥2个");
        let rule = CountRule { orange_objects: Some(4), ..CountRule::default() };
        assert_eq!(describe_rule(&rule), "较大及以上风险对象≥4个");
    }
}
