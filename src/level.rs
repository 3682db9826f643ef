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

/// Score thresholds for levels 1–3; anything below `yellow` is level 4.
/// A score equal to a threshold belongs to the more severe level.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub red: f64,
    pub orange: f64,
    pub yellow: f64,
}

impl Thresholds {
    pub fn level(&self, score: f64) -> Level {
        if score >= self.red {
            Level::Major
        } else if score >= self.orange {
            Level::Significant
        } else if score >= self.yellow {
            Level::General
        } else {
            Level::Low
        }
    }

    /// Thresholds must strictly decrease from red to yellow, or a band would be empty.
    pub fn check(&self) -> Result<(), String> {
        if self.red > self.orange && self.orange > self.yellow {
            Ok(())
        } else {
            Err(format!(
                "thresholds must satisfy red > orange > yellow, got red = {}, orange = {}, yellow = {}",
                self.red, self.orange, self.yellow
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive_at_the_lower_bound() {
        let t = Thresholds { red: 75.0, orange: 55.0, yellow: 35.0 };
        assert_eq!(t.level(75.0), Level::Major);
        assert_eq!(t.level(74.99), Level::Significant);
        assert_eq!(t.level(55.0), Level::Significant);
        assert_eq!(t.level(35.0), Level::General);
        assert_eq!(t.level(34.9), Level::Low);
        assert!(t.check().is_ok());
        assert!(Thresholds { red: 50.0, orange: 55.0, yellow: 35.0 }.check().is_err());
    }

    #[test]
    fn worst_is_the_more_severe() {
        assert_eq!(Level::Low.worst(Level::Significant), Level::Significant);
        assert_eq!(Level::Major.worst(Level::General), Level::Major);
    }
}
