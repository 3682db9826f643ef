//! `[comprehensive]`: how a zone's (grid cell, 街镇, 区) comprehensive (综合)
//! level is reached from the objects of every domain in it. One method per
//! zone kind; `aggregate::region` computes them, README "Regional risk"
//! gives each formula and the practice it follows.
//!
//! ```toml
//! [comprehensive]
//! method = "worst"                  # every kind not given below (就高)
//! [comprehensive.streets]           # 街镇 (older configs: [comprehensive.admin])
//! method = "count"
//! red = { red_objects = 3, red_domains = 2 }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::level::{Level, Thresholds};
use crate::msg::{located, ConfigMistake};

/// One zone kind's method.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Regional {
    /// 就高: the most severe domain level wins; 综合风险值 is that level's
    /// value (重大 4 … 低 1, `Level::value`).
    Worst,
    /// Weighted mean of the domain levels as values (重大 4 … 低 1) over the
    /// domains present, graded by `thresholds` on that 1–4 scale.
    Weighted { weights: BTreeMap<String, f64>, thresholds: Thresholds },
    /// A level is reached when any of its counts is: e.g. 重大 with ≥ 3 red
    /// objects or red objects of ≥ 2 domains; else 较大 by its rule, …
    Count { red: CountRule, orange: CountRule, yellow: CountRule },
    /// Exposure-weighted risk per km²: Σ value(level) × exposure × share / area.
    Exposure {
        thresholds: Thresholds,
        #[serde(default)]
        values: LevelValues,
        #[serde(default)]
        scale: Scale,
    },
    /// Inherent regional risk (as `exposure`) × the vulnerability of the
    /// protection system (`[[comprehensive.capacity]]`, 应急能力).
    Capacity {
        thresholds: Thresholds,
        #[serde(default)]
        values: LevelValues,
        #[serde(default)]
        scale: Scale,
    },
}

/// What the thresholds of the exposure methods are measured in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Risk per km², as it is.
    #[default]
    PerKm2,
    /// Multiples of the whole district's risk per km² (its mean density):
    /// risk zoning (区划) as the census grades regions, relative to the area assessed.
    DistrictMean,
}

impl Regional {
    /// The method's name as written in the config.
    pub fn name(&self) -> &'static str {
        match self {
            Regional::Worst => "worst",
            Regional::Weighted { .. } => "weighted",
            Regional::Count { .. } => "count",
            Regional::Exposure { .. } => "exposure",
            Regional::Capacity { .. } => "capacity",
        }
    }

    /// The method's name in reports.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Regional::Worst => "就高法（最高等级决定）",
            Regional::Weighted { .. } => "领域加权法",
            Regional::Count { .. } => "风险点计数法",
            Regional::Exposure { .. } => "暴露加权风险密度法",
            Regional::Capacity { .. } => "固有风险×防控脆弱性法",
        }
    }

    fn check(&self, at: &str) -> Result<(), String> {
        match self {
            Regional::Worst => Ok(()),
            Regional::Weighted { thresholds, weights } => {
                thresholds.check().map_err(|m| located(at, m))?;
                if weights.values().any(|w| !(w.is_finite() && *w >= 0.0)) {
                    return Err(located(at, ConfigMistake::RegionalWeights));
                }
                Ok(())
            }
            Regional::Count { red, orange, yellow } => {
                for (name, rule) in [("red", red), ("orange", orange), ("yellow", yellow)] {
                    if rule.is_empty() {
                        return Err(located(at, ConfigMistake::CountEmpty { name }));
                    }
                    if rule.counts().iter().any(|(_, n)| *n == Some(0)) {
                        return Err(located(at, ConfigMistake::CountZero { name }));
                    }
                }
                Ok(())
            }
            Regional::Exposure { thresholds, values, .. } | Regional::Capacity { thresholds, values, .. } => {
                thresholds.check().map_err(|m| located(at, m))?;
                values.check().map_err(|m| located(at, m))
            }
        }
    }
}

/// Counts of a zone's objects that reach a level (an object counts toward
/// every level it reaches: a red object is also "orange or worse").
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountRule {
    pub red_objects: Option<u32>,
    pub orange_objects: Option<u32>,
    pub yellow_objects: Option<u32>,
    pub red_domains: Option<u32>,
    pub orange_domains: Option<u32>,
}

impl CountRule {
    /// (what is counted, the count needed), in a fixed order.
    pub fn counts(&self) -> [(Count, Option<u32>); 5] {
        [
            (Count::Objects(Level::Major), self.red_objects),
            (Count::Objects(Level::Significant), self.orange_objects),
            (Count::Objects(Level::General), self.yellow_objects),
            (Count::Domains(Level::Major), self.red_domains),
            (Count::Domains(Level::Significant), self.orange_domains),
        ]
    }

    fn is_empty(&self) -> bool {
        self.counts().iter().all(|(_, n)| n.is_none())
    }
}

/// What a count rule counts: objects, or domains with an object, at a level or worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Objects(Level),
    Domains(Level),
}

/// An object's risk value by its level, for the exposure methods. Domains
/// score on scales of their own (an index to 100, LEC's D, a matrix class),
/// so an object enters with its level placed on one common scale. The
/// default is the centre of each level's band on GB/T 42768-2023's 5 × 5
/// matrix (R = L × S: 低 1–3, 一般 4–9, 较大 10–16, 重大 20–25).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelValues {
    pub red: f64,
    pub orange: f64,
    pub yellow: f64,
    pub blue: f64,
}

impl Default for LevelValues {
    fn default() -> LevelValues {
        LevelValues { red: 22.5, orange: 13.0, yellow: 6.5, blue: 2.0 }
    }
}

impl LevelValues {
    pub fn of(&self, l: Level) -> f64 {
        match l {
            Level::Major => self.red,
            Level::Significant => self.orange,
            Level::General => self.yellow,
            Level::Low => self.blue,
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.red > self.orange && self.orange > self.yellow && self.yellow > self.blue && self.blue >= 0.0 {
            Ok(())
        } else {
            Err(ConfigMistake::ValuesOrder { red: self.red, orange: self.orange, yellow: self.yellow, blue: self.blue }.into())
        }
    }
}

/// One emergency-capacity (应急能力) factor of `capacity`: the distance from
/// where people live to the nearest facility of a layer, turned into a
/// vulnerability factor by steps (near: < 1, far: > 1).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityFactor {
    pub key: String,
    /// The Chinese name in tables and reports, e.g. "消防站响应距离".
    pub name: String,
    /// A `[layers.*]` entry (point facilities: fire stations, shelters).
    pub layer: String,
    /// [metres from, factor]: the factor of a distance is that of the last step at or below it.
    pub steps: Vec<(f64, f64)>,
    pub weight: f64,
}

impl CapacityFactor {
    pub fn factor(&self, metres: f64) -> f64 {
        self.steps.iter().take_while(|(from, _)| *from <= metres).last().map_or(self.steps[0].1, |s| s.1)
    }
}

/// Where people live, weighting the capacity factors over a zone.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationLayer {
    pub layer: String,
    pub field: String,
}

/// `[comprehensive]`, resolved: one method per zone kind, and the capacity
/// factors the `capacity` method reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comprehensive {
    pub grid: Regional,
    /// The 街镇.
    pub streets: Regional,
    /// The district (全区) and, in a city run, each 区.
    pub district: Regional,
    pub capacity: Vec<CapacityFactor>,
    pub population: Option<PopulationLayer>,
}

impl Default for Comprehensive {
    fn default() -> Comprehensive {
        Comprehensive { grid: Regional::Worst, streets: Regional::Worst, district: Regional::Worst, capacity: Vec::new(), population: None }
    }
}

impl Comprehensive {
    /// The three kinds' methods, named as in the config.
    pub fn kinds(&self) -> [(&'static str, &Regional); 3] {
        [("grid", &self.grid), ("streets", &self.streets), ("district", &self.district)]
    }

    pub fn uses_capacity(&self) -> bool {
        self.kinds().iter().any(|(_, r)| matches!(r, Regional::Capacity { .. }))
    }

    /// The layers the methods read beyond the domains' own.
    pub fn layers(&self) -> Vec<&str> {
        if !self.uses_capacity() {
            return Vec::new();
        }
        let mut v: Vec<&str> = self.capacity.iter().map(|c| c.layer.as_str()).collect();
        v.extend(self.population.as_ref().map(|p| p.layer.as_str()));
        v
    }

    /// Parse `[comprehensive]`: its own keys (method and parameters) are the
    /// method of every kind not given as `[comprehensive.grid]`, `.streets`
    /// (`.admin` in older configs) or `.district`.
    pub fn from_table(mut t: toml::Table) -> Result<Comprehensive, String> {
        let mut take = |key: &str| t.remove(key);
        let (streets, older) = (take("streets"), take("admin"));
        if streets.is_some() && older.is_some() {
            return Err(ConfigMistake::TwoNames { new: "[comprehensive.streets]", old: "[comprehensive.admin]" }.into());
        }
        let kinds = [("grid", take("grid")), ("streets", streets.or(older)), ("district", take("district"))];
        let capacity: Vec<CapacityFactor> = match take("capacity") {
            Some(v) => v.try_into().map_err(|e: toml::de::Error| located("[[comprehensive.capacity]]", e.message()))?,
            None => Vec::new(),
        };
        let population: Option<PopulationLayer> = match take("population") {
            Some(v) => Some(v.try_into().map_err(|e: toml::de::Error| located("comprehensive.population", e.message()))?),
            None => None,
        };
        let parse = |v: toml::Value, at: &str| -> Result<Regional, String> {
            let r: Regional = v.try_into().map_err(|e: toml::de::Error| located(at, e.message()))?;
            r.check(at)?;
            Ok(r)
        };
        let default = if t.is_empty() { Regional::Worst } else { parse(toml::Value::Table(t), "[comprehensive]")? };
        let mut resolved = [default.clone(), default.clone(), default];
        for (slot, (kind, v)) in resolved.iter_mut().zip(kinds) {
            if let Some(v) = v {
                *slot = parse(v, &format!("[comprehensive.{kind}]"))?;
            }
        }
        let [grid, streets, district] = resolved;
        let c = Comprehensive { grid, streets, district, capacity, population };
        c.check_capacity()?;
        Ok(c)
    }

    fn check_capacity(&self) -> Result<(), String> {
        if !self.uses_capacity() {
            return Ok(());
        }
        if self.capacity.is_empty() {
            return Err(ConfigMistake::CapacityNoFactors.into());
        }
        if self.population.is_none() {
            return Err(ConfigMistake::CapacityNoPopulation.into());
        }
        for c in &self.capacity {
            let at = format!("[[comprehensive.capacity]] '{}'", c.key);
            if c.steps.is_empty() || c.steps.windows(2).any(|w| w[1].0 <= w[0].0) || c.steps[0].0 != 0.0 {
                return Err(located(&at, ConfigMistake::CapacitySteps));
            }
            if c.steps.iter().any(|s| !(s.1.is_finite() && s.1 > 0.0)) || !(c.weight.is_finite() && c.weight > 0.0) {
                return Err(located(&at, ConfigMistake::CapacityNotPositive));
            }
        }
        let total: f64 = self.capacity.iter().map(|c| c.weight).sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(ConfigMistake::CapacityWeights { total }.into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Comprehensive, String> {
        let t: toml::Table = toml::from_str(text).unwrap();
        Comprehensive::from_table(t)
    }

    #[test]
    fn the_top_level_method_is_the_default_of_every_kind() {
        assert_eq!(parse("").unwrap(), Comprehensive::default());
        let c = parse("method = \"worst\"\n[streets]\nmethod = \"count\"\nred = { red_objects = 3, red_domains = 2 }\norange = { red_objects = 1 }\nyellow = { orange_objects = 1 }\n").unwrap();
        assert_eq!(c.grid, Regional::Worst);
        assert_eq!(c.district, Regional::Worst);
        let Regional::Count { red, .. } = &c.streets else { panic!("{:?}", c.streets) };
        assert_eq!((red.red_objects, red.red_domains, red.orange_objects), (Some(3), Some(2), None));
    }

    #[test]
    fn admin_is_the_older_name_of_streets() {
        let count = "method = \"count\"\nred = { red_objects = 3 }\norange = { red_objects = 1 }\nyellow = { orange_objects = 1 }\n";
        let new = parse(&format!("[streets]\n{count}")).unwrap();
        assert_eq!(parse(&format!("[admin]\n{count}")).unwrap(), new);
        assert!(matches!(new.streets, Regional::Count { .. }) && new.grid == Regional::Worst);
        let both = parse(&format!("[streets]\n{count}[admin]\n{count}")).unwrap_err();
        assert!(both.contains("[comprehensive.streets] and [comprehensive.admin] are one section"), "{both}");
    }

    #[test]
    fn old_weighted_configs_still_parse() {
        let c = parse("method = \"weighted\"\nweights = { D01 = 1.0 }\nthresholds = { red = 3.5, orange = 2.5, yellow = 1.5 }\n").unwrap();
        assert!(matches!(c.streets, Regional::Weighted { .. }) && c.grid == c.streets && c.district == c.streets);
    }

    #[test]
    fn mistakes_are_named() {
        let e = parse("method = \"count\"\nred = {}\norange = { red_objects = 1 }\nyellow = { orange_objects = 1 }\n").unwrap_err();
        assert!(e.contains("red = { } names no count"), "{e}");
        let e = parse("[grid]\nmethod = \"exposure\"\nthresholds = { red = 1, orange = 2, yellow = 3 }\n").unwrap_err();
        assert!(e.starts_with("[comprehensive.grid]") && e.contains("red > orange > yellow"), "{e}");
        let e = parse("[grid]\nmethod = \"nearest\"\n").unwrap_err();
        assert!(e.contains("nearest") && e.contains("exposure"), "{e}");
        let e = parse("[streets]\nmethod = \"capacity\"\nthresholds = { red = 30, orange = 15, yellow = 5 }\n").unwrap_err();
        assert!(e.contains("[[comprehensive.capacity]]"), "{e}");
        let cap = "population = { layer = \"residential\", field = \"population\" }\n[[capacity]]\nkey = \"fire\"\nname = \"消防站\"\nlayer = \"fire_stations\"\nsteps = [[0, 0.9], [1500, 1.0]]\nweight = 0.5\n[admin]\nmethod = \"capacity\"\nthresholds = { red = 30, orange = 15, yellow = 5 }\n";
        assert!(parse(cap).unwrap_err().contains("add up to 0.5"));
        let c = parse(&cap.replace("weight = 0.5", "weight = 1")).unwrap();
        assert_eq!(c.layers(), vec!["fire_stations", "residential"]);
        assert_eq!((c.capacity[0].factor(0.0), c.capacity[0].factor(1499.0), c.capacity[0].factor(1500.0), c.capacity[0].factor(9e9)), (0.9, 0.9, 1.0, 1.0));
    }
}
