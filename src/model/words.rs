//! A model's parts in words, English for `sise models show` and Chinese for
//! the reports, side by side in one place so the two cannot say different
//! things about the same model (a source's words are with the source, in
//! `source.rs`).

use super::{AggMethod, Model, Normalise};
use crate::msg::Lang;

impl Normalise {
    /// How a value becomes a score.
    pub fn words(&self, lang: Lang) -> String {
        let list = |pairs: Vec<(String, f64)>, en_sep: &str, zh_sep: &str, en_arrow: &str, zh_arrow: &str| {
            let en: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}{en_arrow}{v}")).collect();
            let zh: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}{zh_arrow}{v}")).collect();
            (en.join(en_sep), zh.join(zh_sep))
        };
        match self {
            Normalise::Linear { from, to } => lang.pick(format!("linear: {from} → 0, {to} → 100"), format!("线性赋分：{from} 为 0 分，{to} 为 100 分")),
            Normalise::MinMax => lang.pick(
                "min–max over every object of the study area (a tiled run computes it in sise merge, never per tile): smallest → 0, largest → 100".into(),
                "极差标准化：全区最小值 0 分，最大值 100 分".into(),
            ),
            Normalise::Steps(s) => {
                let (en, zh) = list(s.iter().map(|(x, v)| (format!("≥{x}"), *v)).collect(), ", ", "，", " → ", " 得 ");
                lang.pick(format!("steps: {en}"), format!("分段赋分：{zh}"))
            }
            Normalise::Categories(c) => {
                let (en, zh) = list(c.iter().map(|(k, v)| (k.clone(), *v)).collect(), ", ", "，", " → ", " 得 ");
                lang.pick(format!("categories: {en}"), format!("分类赋分：{zh}"))
            }
            Normalise::Identity => lang.pick("the value itself".into(), "取原值".into()),
        }
    }
}

/// How a zone (grid cell, 街镇) takes the domain's level.
pub fn aggregation_words(a: AggMethod, m: &Model, lang: Lang) -> String {
    let weight_by = m.aggregate.weight_by.as_deref().unwrap_or("?");
    match a {
        AggMethod::Max => lang.pick("worst object (highest score, most severe level)".into(), "最高风险对象（就高原则）".into()),
        AggMethod::Mean => lang.pick("mean score weighted by count, length or area inside the unit".into(), "按数量、长度或面积加权的平均风险值".into()),
        AggMethod::WeightedMean => lang.pick(format!("mean score weighted by length or area × '{weight_by}'"), format!("按 {weight_by} 加权的平均风险值")),
        AggMethod::Density => match &m.aggregate.density {
            // The bands through the thresholds' own words, so ≥ and ＞ are as graded.
            Some((layer, t)) => {
                lang.pick(format!("objects per km of '{layer}' ({})", t.describe(false)), format!("每公里 {layer} 的对象数（{}）", t.describe(true)))
            }
            None => lang.pick("density".into(), "密度".into()),
        },
    }
}
