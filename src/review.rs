//! The expert review (专家研判): adjustments of computed levels that the
//! review meeting decides, read from a CSV or workbook the assessors fill
//! (`sise template` writes it with drop-downs), checked row by row, and
//! applied after scoring and before aggregation. Zones, tables and maps use
//! the final level; every output keeps the computed one beside it, with the
//! reason, the expert and the date.

use std::collections::{BTreeMap, HashMap};

use crate::config::ReviewConfig;
use crate::error::{Bad, Error, Result};
use crate::level::Level;
use crate::load::table;
use crate::model::Model;
use crate::msg::Msg;
use crate::objects::VectorLayer;

/// The adjustments' columns: the header `sise template` writes, and the
/// English one also accepted.
pub const DOMAIN: (&str, &str) = ("领域", "domain");
pub const ID: (&str, &str) = ("对象编号", "id");
pub const LEVEL: (&str, &str) = ("调整后等级", "level");
pub const REASON: (&str, &str) = ("调整理由", "reason");
pub const EXPERT: (&str, &str) = ("研判专家", "expert");
pub const DATE: (&str, &str) = ("研判日期", "date");
pub const COLUMNS: [(&str, &str); 6] = [DOMAIN, ID, LEVEL, REASON, EXPERT, DATE];

/// One row of the adjustments file, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index of the domain in model order.
    pub domain: usize,
    pub id: String,
    pub level: Level,
    pub reason: String,
    pub expert: String,
    /// As ISO 8601 (2025-03-12), whatever form the cell had.
    pub date: String,
    /// Where the row is, for messages ("line 4", "sheet '专家研判' row 4").
    pub at: String,
}

/// An object's adjustment as applied: the level it had before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub computed: Level,
    pub level: Level,
    pub reason: String,
    pub expert: String,
    pub date: String,
}

impl Adjustment {
    /// "计算等级 较大风险 → 专家调整 重大风险：理由（专家，日期）", as the web panel and reports say it.
    pub fn describe(&self) -> String {
        format!("计算等级 {} → 专家调整 {}：{}（{}，{}）", self.computed.name_zh(), self.level.name_zh(), self.reason, self.expert, self.date)
    }
}

/// The adjustments of a run, or none without `[review]`.
pub fn read(cfg: Option<&ReviewConfig>, models: &[Model]) -> Result<Vec<Entry>> {
    let Some(cfg) = cfg else { return Ok(Vec::new()) };
    let expected: Vec<&str> = COLUMNS.iter().flat_map(|(zh, en)| [*zh, *en]).collect();
    let t = table::read(&cfg.adjustments, cfg.sheet.as_deref(), cfg.encoding.as_deref(), &expected)?;
    let col = |(zh, en): (&str, &str)| {
        t.column(zh).or_else(|| t.column(en)).ok_or_else(|| t.err(Bad::Field, None, Msg::ReviewColumnMissing { column: zh.into(), have: t.columns.clone() }))
    };
    let cols: Vec<usize> = COLUMNS.iter().map(|c| col(*c)).collect::<Result<_>>()?;
    let mut entries: Vec<Entry> = Vec::new();
    let mut first: HashMap<(usize, String), String> = HashMap::new();
    for row in &t.rows {
        let cell = |k: usize| -> Result<&str> {
            row.cells[cols[k]].as_deref().ok_or_else(|| t.err(Bad::Field, Some(row), Msg::ReviewEmpty { column: COLUMNS[k].0.into() }))
        };
        let (domain, id, level, reason, expert, date) = (cell(0)?, cell(1)?, cell(2)?, cell(3)?, cell(4)?, cell(5)?);
        let d = domain_of(domain, models).ok_or_else(|| {
            t.err(
                Bad::Unknown,
                Some(row),
                Msg::ReviewUnknownDomain { domain: domain.into(), have: models.iter().map(|m| format!("{} {}", m.id, m.name)).collect() },
            )
        })?;
        let level = level_of(level).ok_or_else(|| t.err(Bad::Range, Some(row), Msg::ReviewBadLevel { value: level.into() }))?;
        let date = date_of(date).ok_or_else(|| t.err(Bad::Type, Some(row), Msg::ReviewBadDate { value: date.into() }))?;
        let at = t.at(row).to_string();
        if let Some(earlier) = first.insert((d, id.to_owned()), at.clone()) {
            return Err(t.err(Bad::DuplicateId, Some(row), Msg::ReviewTwice { domain: models[d].id.clone(), id: id.into(), first: earlier }));
        }
        entries.push(Entry { domain: d, id: id.to_owned(), level, reason: reason.to_owned(), expert: expert.to_owned(), date, at });
    }
    tracing::info!(file = %cfg.adjustments.display(), adjustments = entries.len(), "expert review read");
    Ok(entries)
}

/// Apply domain `d`'s adjustments to its levels; returns them by object row.
/// An id the domain's scored objects lack (mistyped, or left out by
/// `--keep-going`) is refused: a review silently lost is worse than a stop.
pub fn apply(
    entries: &[Entry],
    d: usize,
    model: &Model,
    objects: &VectorLayer,
    levels: &mut [Level],
    file: &std::path::Path,
) -> Result<BTreeMap<usize, Adjustment>> {
    let mine: Vec<&Entry> = entries.iter().filter(|e| e.domain == d).collect();
    if mine.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: HashMap<&str, usize> = objects.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut applied = BTreeMap::new();
    for e in mine {
        let Some(&i) = rows.get(e.id.as_str()) else {
            let msg = Msg::ReviewUnknownObject { domain: model.id.clone(), id: e.id.clone(), layer: model.objects().to_owned() };
            return Err(Error::input(Bad::Unknown, file, None, crate::msg::located(&e.at, msg)));
        };
        applied.insert(i, Adjustment { computed: levels[i], level: e.level, reason: e.reason.clone(), expert: e.expert.clone(), date: e.date.clone() });
        levels[i] = e.level;
    }
    Ok(applied)
}

/// A domain as a row names it: its id ("D01", any case), its name, or both ("D01 危险化学品").
fn domain_of(text: &str, models: &[Model]) -> Option<usize> {
    let t = crate::value::fold(text);
    let first = t.split_whitespace().next().unwrap_or_default();
    models.iter().position(|m| m.id.eq_ignore_ascii_case(first) || crate::value::fold(&m.name) == t)
}

/// A level as people write it: 1–4, 重大/较大/一般/低 (with or without 风险), a colour.
pub fn level_of(text: &str) -> Option<Level> {
    let t = crate::value::fold(text).to_lowercase();
    if let Ok(n) = t.parse::<f64>() {
        return (n.fract() == 0.0).then(|| Level::from_number(n as i64)).flatten();
    }
    let t = t.trim_end_matches("风险").trim_end_matches('色');
    Some(match t {
        "重大" | "红" | "red" | "一级" => Level::Major,
        "较大" | "橙" | "orange" | "二级" => Level::Significant,
        "一般" | "黄" | "yellow" | "三级" => Level::General,
        "低" | "蓝" | "blue" | "四级" => Level::Low,
        _ => return None,
    })
}

/// A date as cells hold it: 2025-03-12, 2025/3/12, 2025.3.12, 2025年3月12日,
/// with or without a time, or an Excel serial day number.
pub fn date_of(text: &str) -> Option<String> {
    let t = crate::value::fold(text);
    let day = t.split_whitespace().next().unwrap_or_default();
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(day, f) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    // Excel's day 1 is 1900-01-01, counting the 29 February 1900 it believes in.
    let serial: f64 = t.parse().ok()?;
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (serial.fract() == 0.0 && (20_000.0..80_000.0).contains(&serial))
        .then(|| base + chrono::Duration::days(serial as i64))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_as_people_write_them() {
        for (t, l) in [
            ("1", Level::Major),
            ("2.0", Level::Significant),
            ("重大风险", Level::Major),
            ("较大", Level::Significant),
            ("黄色", Level::General),
            ("低风险", Level::Low),
            ("Blue", Level::Low),
            ("４", Level::Low),
        ] {
            assert_eq!(level_of(t), Some(l), "{t}");
        }
        for t in ["0", "5", "1.5", "高", ""] {
            assert_eq!(level_of(t), None, "{t}");
        }
    }

    #[test]
    fn dates_as_cells_hold_them() {
        for t in ["2025-03-12", "2025/3/12", "2025.03.12", "2025年3月12日", "2025-03-12 00:00:00", "45728"] {
            assert_eq!(date_of(t).as_deref(), Some("2025-03-12"), "{t}");
        }
        for t in ["2025-13-01", "next week", "12"] {
            assert_eq!(date_of(t), None, "{t}");
        }
    }
}
