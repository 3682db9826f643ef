//! A model's parts in words, English for `sise models show` and Chinese for
//! the reports, side by side in one place so the two cannot say different
//! things about the same model.

use super::{AggMethod, GeomKind, Model, Normalise, Source, Stat};

/// The language of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    fn pick(self, en: String, zh: String) -> String {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

impl Source {
    /// Where the value comes from; `geometry` is what the model scores.
    pub fn words(&self, geometry: GeomKind, lang: Lang) -> String {
        match self {
            Source::Attribute { field } => lang.pick(format!("field '{field}'"), format!("属性字段 {field}")),
            Source::Age { field } => lang.pick(format!("years from field '{field}' to the assessment year"), format!("字段 {field} 至评估年份的年数")),
            Source::Formula { expr, .. } => lang.pick(format!("formula {expr}"), format!("计算式 {expr}")),
            Source::Within { layer, field: Some(f), radius_m } => {
                lang.pick(format!("sum of '{f}' of '{layer}' within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的 {f} 合计"))
            }
            Source::Within { layer, field: None, radius_m } => {
                lang.pick(format!("number of '{layer}' features within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的数量"))
            }
            Source::LengthWithin { layer, radius_m } => {
                lang.pick(format!("metres of '{layer}' within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的长度（米）"))
            }
            Source::AreaWithin { layer, radius_m } => {
                lang.pick(format!("m² of '{layer}' within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的面积（平方米）"))
            }
            Source::NearestDistance { layer, radius_m: None } => {
                lang.pick(format!("metres to the nearest '{layer}' feature"), format!("至最近 {layer} 的距离（米）"))
            }
            Source::NearestDistance { layer, radius_m: Some(r) } => lang.pick(
                format!("metres to the nearest '{layer}' feature, {r} where none is nearer"),
                format!("至最近 {layer} 的距离（米，{r} 米内没有时记为 {r}）"),
            ),
            Source::OverlapMax { layer, field } => {
                lang.pick(format!("largest '{field}' of the '{layer}' polygons touched"), format!("所在 {layer} 区域 {field} 的最高值"))
            }
            Source::RasterSample { layer } => lang.pick(format!("raster '{layer}' at the object"), format!("栅格 {layer} 在对象位置的取值")),
            Source::RasterZonal { layer, stat, radius_m } => {
                let (en_stat, zh_stat) = match stat {
                    Stat::Mean => ("mean", "平均值"),
                    Stat::Max => ("maximum", "最大值"),
                    Stat::Sum => ("sum", "合计"),
                };
                let (en_area, zh_area) = match radius_m {
                    Some(r) => (format!("{r} m around the object"), format!("周边 {r} 米")),
                    None => (format!("the {} footprint", geometry.name()), "对象范围".to_owned()),
                };
                lang.pick(format!("{en_stat} of raster '{layer}' over {en_area}"), format!("栅格 {layer} 在{zh_area}内的{zh_stat}"))
            }
        }
    }
}

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
