//! The four risk levels (四色) that every score ends in.

use serde::Serialize;

/// A risk level. `1` is the most severe, as in the work plans (一级 = 重大).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[repr(u8)]
pub enum Level {
    /// 重大风险, red.
    Major = 1,
    /// 较大风险, orange.
    Significant = 2,
    /// 一般风险, yellow.
    General = 3,
    /// 低风险, blue.
    Low = 4,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Major, Level::Significant, Level::General, Level::Low];

    pub fn from_number(n: i64) -> Option<Level> {
        match n {
            1 => Some(Level::Major),
            2 => Some(Level::Significant),
            3 => Some(Level::General),
            4 => Some(Level::Low),
            _ => None,
        }
    }

    pub fn number(self) -> i32 {
        self as i32
    }

    /// The level as a value that grows with the risk: 重大 4, 较大 3, 一般 2,
    /// 低 1. The comprehensive 综合风险值 is on this scale, because domains
    /// score on different ones (an index to 100, LEC's D in the thousands).
    pub fn value(self) -> f64 {
        (5 - self.number()) as f64
    }

    /// Position in [`Level::ALL`] (and in [`counts`]): 重大 0 … 低 3.
    pub fn index(self) -> usize {
        self as usize - 1
    }

    /// The name assessors use in reports and map legends.
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Major => "重大风险",
            Level::Significant => "较大风险",
            Level::General => "一般风险",
            Level::Low => "低风险",
        }
    }

    /// Default map colour (红、橙、黄、蓝).
    pub fn colour(self) -> &'static str {
        match self {
            Level::Major => "#E60000",
            Level::Significant => "#FF8C00",
            Level::General => "#FFD700",
            Level::Low => "#1E90FF",
        }
    }

    /// The worse (more severe) of two levels.
    pub fn worst(self, other: Level) -> Level {
        self.min(other)
    }
}

/// Map colours of the four levels, as "#RRGGBB"; the run config may override the defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Palette {
    pub red: String,
    pub orange: String,
    pub yellow: String,
    pub blue: String,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            red: Level::Major.colour().into(),
            orange: Level::Significant.colour().into(),
            yellow: Level::General.colour().into(),
            blue: Level::Low.colour().into(),
        }
    }
}

impl Palette {
    pub fn colour(&self, level: Level) -> &str {
        match level {
            Level::Major => &self.red,
            Level::Significant => &self.orange,
            Level::General => &self.yellow,
            Level::Low => &self.blue,
        }
    }

    /// (r, g, b) of a level's colour.
    pub fn rgb(&self, level: Level) -> (u8, u8, u8) {
        parse_hex(self.colour(level)).expect("checked when the config was read")
    }

    pub fn check(&self) -> Result<(), String> {
        for (name, c) in [("red", &self.red), ("orange", &self.orange), ("yellow", &self.yellow), ("blue", &self.blue)] {
            parse_hex(c).ok_or_else(|| crate::msg::ConfigMistake::Colour { name, value: c.clone() })?;
        }
        Ok(())
    }
}

fn parse_hex(c: &str) -> Option<(u8, u8, u8)> {
    let h = c.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// How many of each level, most severe first (indexed by [`Level::index`]):
/// the one count behind tables, legends, reports and the summary.
pub fn counts<'a>(levels: impl IntoIterator<Item = &'a Level>) -> [usize; 4] {
    let mut c = [0; 4];
    for l in levels {
        c[l.index()] += 1;
    }
    c
}

/// Whether a score equal to a threshold reaches it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize)]
pub enum Compare {
    /// score ≥ threshold (the default).
    #[default]
    #[serde(rename = ">=")]
    AtLeast,
    /// score > threshold, as LEC's "D > 320 is 重大".
    #[serde(rename = ">")]
    Above,
}

/// Score thresholds for levels 1–3; anything below `yellow` is level 4.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub red: f64,
    pub orange: f64,
    pub yellow: f64,
    #[serde(default)]
    pub compare: Compare,
}

impl Thresholds {
    /// Thresholds where a score equal to a threshold reaches it.
    pub fn new(red: f64, orange: f64, yellow: f64) -> Thresholds {
        Thresholds { red, orange, yellow, compare: Compare::AtLeast }
    }

    pub fn level(&self, score: f64) -> Level {
        let reaches = |t: f64| match self.compare {
            Compare::AtLeast => score >= t,
            Compare::Above => score > t,
        };
        if reaches(self.red) {
            Level::Major
        } else if reaches(self.orange) {
            Level::Significant
        } else if reaches(self.yellow) {
            Level::General
        } else {
            Level::Low
        }
    }

    /// The bands in words, for `sise models show` (English) and the reports
    /// (Chinese): one text, so neither can misstate how a score equal to a
    /// threshold is graded.
    pub fn describe(&self, chinese: bool) -> String {
        let op = match (self.compare, chinese) {
            (Compare::AtLeast, _) => "≥",
            (Compare::Above, true) => "＞",
            (Compare::Above, false) => ">",
        };
        let band = |l: Level, t: f64| format!("{} {op} {t}", l.name_zh());
        let bands = [band(Level::Major, self.red), band(Level::Significant, self.orange), band(Level::General, self.yellow)];
        if chinese {
            format!("{}，其余为{}", bands.join("，"), Level::Low.name_zh())
        } else {
            format!("{}, otherwise {}", bands.join(", "), Level::Low.name_zh())
        }
    }

    /// Thresholds must strictly decrease from red to yellow, or a band would be empty.
    pub fn check(&self) -> Result<(), String> {
        if self.red > self.orange && self.orange > self.yellow {
            Ok(())
        } else {
            Err(crate::msg::ModelMistake::Thresholds { red: self.red, orange: self.orange, yellow: self.yellow }.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive_at_the_lower_bound() {
        let t = Thresholds::new(75.0, 55.0, 35.0);
        assert_eq!(t.level(75.0), Level::Major);
        assert_eq!(t.level(74.99), Level::Significant);
        assert_eq!(t.level(55.0), Level::Significant);
        assert_eq!(t.level(35.0), Level::General);
        assert_eq!(t.level(34.9), Level::Low);
        assert!(t.check().is_ok());
        assert!(Thresholds::new(50.0, 55.0, 35.0).check().is_err());
    }

    #[test]
    fn lec_boundaries_20_70_160_320() {
        // LEC grades D > 320 重大, 160 < D ≤ 320 较大, 70 < D ≤ 160 一般, D ≤ 70 低
        // (the classic fifth grade, D ≤ 20 稍有危险, falls into 低风险).
        let t = Thresholds { red: 320.0, orange: 160.0, yellow: 70.0, compare: Compare::Above };
        assert_eq!(t.level(321.0), Level::Major);
        assert_eq!(t.level(320.0), Level::Significant);
        assert_eq!(t.level(161.0), Level::Significant);
        assert_eq!(t.level(160.0), Level::General);
        assert_eq!(t.level(71.0), Level::General);
        assert_eq!(t.level(70.0), Level::Low);
        assert_eq!(t.level(20.0), Level::Low);
        assert_eq!(t.level(19.0), Level::Low);
    }

    #[test]
    fn worst_is_the_more_severe() {
        assert_eq!(Level::Low.worst(Level::Significant), Level::Significant);
        assert_eq!(Level::Major.worst(Level::General), Level::Major);
    }

    #[test]
    fn bands_are_described_as_they_are_graded() {
        let mut t = Thresholds::new(75.0, 55.0, 35.0);
        assert_eq!(t.describe(true), "重大风险 ≥ 75，较大风险 ≥ 55，一般风险 ≥ 35，其余为低风险");
        t.compare = Compare::Above;
        assert_eq!(t.describe(true), "重大风险 ＞ 75，较大风险 ＞ 55，一般风险 ＞ 35，其余为低风险");
        assert_eq!(t.describe(false), "重大风险 > 75, 较大风险 > 55, 一般风险 > 35, otherwise 低风险");
    }
}
