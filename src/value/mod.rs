//! Values as people type them into attribute tables and spreadsheets, read
//! one way everywhere: numbers, and text that is matched against a model's
//! categories, control grades and veto strings.
//!
//! A number is accepted only when its meaning is unambiguous: surrounding
//! spaces, thousands separators in groups of three ("1,200", "1，200"),
//! full-width digits and signs ("１２"), and a trailing unit that the model
//! declares ("500米" for an indicator in metres). Everything else — "NaN",
//! "inf", "约500", "不详", "1,2" (a decimal comma?) — is refused with the
//! reason, never read as a guess. Each rewrite is counted, so a run can say
//! how much of its input needed one.
//!
//! Matching text is folded the same way for every comparison: trimmed and
//! full-width forms made half-width, nothing else (no case folding: "a" and
//! "A" stay different grades).

pub mod coordinate;
pub mod year;
pub use coordinate::{coordinate, NotACoordinate};
pub use year::{year, NotAYear};

use std::collections::BTreeMap;

pub use crate::msg::{NotANumber, Rewrite};

impl Rewrite {
    pub const ALL: [Rewrite; 4] = [Rewrite::Spaces, Rewrite::FullWidth, Rewrite::ThousandsSeparator, Rewrite::Unit];
}

/// How often each rewrite was needed, e.g. per field of a layer.
pub type RewriteCounts = BTreeMap<Rewrite, usize>;

/// Spellings of one unit; a value may carry any spelling of its declared unit.
const UNIT_SPELLINGS: &[&[&str]] = &[
    &["m", "米", "公尺"],
    &["km", "公里", "千米"],
    &["mm", "毫米"],
    &["cm", "厘米"],
    &["m²", "m2", "㎡", "平方米"],
    &["km²", "km2", "平方公里", "平方千米"],
    &["m³", "m3", "立方米", "方"],
    &["t", "吨"],
    &["kg", "千克", "公斤"],
    &["%", "％"],
    &["h", "小时"],
    &["MPa", "兆帕"],
];

/// Every spelling of `unit` (itself when it has no other).
fn spellings(unit: &str) -> Vec<String> {
    let folded = fold(unit);
    UNIT_SPELLINGS
        .iter()
        .find(|group| group.iter().any(|s| fold(s) == folded))
        .map(|group| group.iter().map(|s| fold(s)).collect())
        .unwrap_or_else(|| vec![folded])
}

/// Text folded for matching: trimmed, full-width ASCII forms and the
/// ideographic space made half-width. Nothing else changes.
///
/// ```
/// use sise::value::fold;
/// assert_eq!(fold("　Ｃ级 "), "C级");
/// assert_ne!(fold("a"), fold("A")); // no case folding: grades stay apart
/// ```
pub fn fold(s: &str) -> String {
    s.trim().chars().map(half_width).collect::<String>().trim().to_owned()
}

/// The half-width form of a full-width ASCII character (U+FF01–U+FF5E) or the ideographic space.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Read `text` as a number. `units` are the units the model declares for
/// the value (any spelling of them is accepted as a suffix). `Ok(None)` is
/// an empty value (blank or only spaces): missing, which the model's
/// `missing` rule decides. Returns the rewrites the value needed, each once.
///
/// ```
/// use sise::value::number;
/// let read = |t: &str, units: &[&str]| number(t, units).map(|(v, _)| v);
/// assert_eq!(read("1,200", &[]), Ok(Some(1200.0)));
/// assert_eq!(read("１２", &[]), Ok(Some(12.0)));
/// assert_eq!(read("500米", &["m"]), Ok(Some(500.0))); // a unit the model declares, in any spelling
/// assert_eq!(read("  ", &[]), Ok(None)); // missing: the model's `missing` rule decides
/// assert!(read("约500", &[]).is_err()); // never a guess
/// assert!(read("1,2", &[]).is_err()); // a decimal comma?
/// assert!(read("500米", &[]).is_err()); // a unit the model does not declare
/// ```
pub fn number(text: &str, units: &[&str]) -> Result<(Option<f64>, Vec<Rewrite>), NotANumber> {
    let mut rewrites = Vec::new();
    let v = read_number(text, units, &mut rewrites)?;
    rewrites.sort();
    rewrites.dedup();
    Ok((v, rewrites))
}

fn read_number(text: &str, units: &[&str], rewrites: &mut Vec<Rewrite>) -> Result<Option<f64>, NotANumber> {
    let mut s: String = text.chars().map(half_width).collect();
    // (The ideographic space is folded too, but counts as a space below.)
    if text.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c)) {
        rewrites.push(Rewrite::FullWidth);
    }
    // The typographic minus (U+2212) is a minus sign too.
    if s.contains('\u{2212}') {
        s = s.replace('\u{2212}', "-");
        rewrites.push(Rewrite::FullWidth);
    }
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.len() != s.len() {
        rewrites.push(Rewrite::Spaces);
    }
    let mut body = trimmed.to_owned();

    // A trailing unit: whatever follows the number must be a spelling of a declared unit.
    let split = body.find(|c: char| !(c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ',' | ' ' | 'e' | 'E'))).unwrap_or(body.len());
    let (num_part, suffix) = body.split_at(split);
    if !suffix.is_empty() {
        let suffix = suffix.trim().to_owned();
        if looks_approximate(trimmed) {
            return Err(NotANumber::Approximate);
        }
        if is_non_finite_word(trimmed) {
            return Err(NotANumber::NotFinite);
        }
        // Only a number followed by something that looks like a unit can be a unit.
        let digits_before = num_part.chars().any(|c| c.is_ascii_digit());
        let declared: Vec<String> = units.iter().flat_map(|u| spellings(u)).collect();
        if !digits_before || suffix.chars().any(|c| c.is_ascii_digit()) && !declared.contains(&suffix) {
            return Err(NotANumber::Text);
        }
        if !declared.contains(&suffix) {
            return Err(NotANumber::Unit { found: suffix, declared: units.iter().map(|u| u.to_string()).collect() });
        }
        rewrites.push(Rewrite::Unit);
        body = num_part.trim_end().to_owned();
    }
    if body.contains(' ') {
        // "1 200": spaces as thousands separators.
        let joined: String = body.split(' ').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(",");
        if !is_grouped(&joined) {
            return Err(NotANumber::Text);
        }
        rewrites.push(Rewrite::Spaces);
        body = joined;
    }
    if body.contains(',') {
        if !is_grouped(&body) {
            return Err(NotANumber::AmbiguousComma);
        }
        rewrites.push(Rewrite::ThousandsSeparator);
        body = body.replace(',', "");
    }
    if !is_plain_number(&body) {
        return Err(NotANumber::Text);
    }
    match body.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(NotANumber::NotFinite),
        Err(_) => Err(NotANumber::Text),
    }
}

fn is_non_finite_word(s: &str) -> bool {
    let w = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    ["nan", "inf", "infinity"].contains(&w.as_str())
}

/// Words and signs that turn a number into an estimate or a bound.
fn looks_approximate(s: &str) -> bool {
    ["约", "大约", "左右", "上下", "以上", "以下", "不足", "超过", "余", "多", "~", "≈", "<", ">", "≤", "≥", "?", "？"].iter().any(|w| s.contains(w))
}

/// Digits in groups of three after the first (1–3 digits), optional sign and decimals: "1,234.5".
fn is_grouped(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// An optionally signed decimal with an optional exponent, and nothing else
/// (Rust's parser alone would also take "NaN", "inf" and "infinity").
fn is_plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && exp.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str, units: &[&str]) -> Result<Option<f64>, NotANumber> {
        number(s, units).map(|(v, _)| v)
    }

    fn rewrites(s: &str, units: &[&str]) -> Vec<Rewrite> {
        number(s, units).unwrap().1
    }

    #[test]
    fn unambiguous_forms_are_read() {
        assert_eq!(read("12", &[]), Ok(Some(12.0)));
        assert_eq!(read(" 12.5 ", &[]), Ok(Some(12.5)));
        assert_eq!(read("-3", &[]), Ok(Some(-3.0)));
        assert_eq!(read("1,200", &[]), Ok(Some(1200.0)));
        assert_eq!(read("1，200", &[]), Ok(Some(1200.0)));
        assert_eq!(read("1,234,567.25", &[]), Ok(Some(1234567.25)));
        assert_eq!(read("１", &[]), Ok(Some(1.0)));
        assert_eq!(read("－１２．５", &[]), Ok(Some(-12.5)));
        assert_eq!(read("\u{2212}4", &[]), Ok(Some(-4.0)));
        assert_eq!(read("500米", &["m"]), Ok(Some(500.0)));
        assert_eq!(read("500 m", &["m"]), Ok(Some(500.0)));
        assert_eq!(read("2.5吨", &["t"]), Ok(Some(2.5)));
        assert_eq!(read("1,000 人", &["人"]), Ok(Some(1000.0)));
        assert_eq!(read("1.5E+03", &[]), Ok(Some(1500.0)));
        assert_eq!(read("1 200", &[]), Ok(Some(1200.0)));
        assert_eq!(read("", &[]), Ok(None));
        assert_eq!(read(" \u{3000} ", &[]), Ok(None));
    }

    #[test]
    fn each_rewrite_is_counted() {
        assert_eq!(rewrites("12", &[]), vec![]);
        assert_eq!(rewrites(" 12", &[]), vec![Rewrite::Spaces]);
        assert_eq!(rewrites("１２", &[]), vec![Rewrite::FullWidth]);
        assert_eq!(rewrites("1,200", &[]), vec![Rewrite::ThousandsSeparator]);
        assert_eq!(rewrites("1，200", &[]), vec![Rewrite::FullWidth, Rewrite::ThousandsSeparator]);
        assert_eq!(rewrites("500米", &["m"]), vec![Rewrite::Unit]);
    }

    #[test]
    fn ambiguous_and_non_numbers_are_refused() {
        assert_eq!(read("NaN", &[]), Err(NotANumber::NotFinite));
        assert_eq!(read("nan", &[]), Err(NotANumber::NotFinite));
        assert_eq!(read("inf", &[]), Err(NotANumber::NotFinite));
        assert_eq!(read("-Infinity", &[]), Err(NotANumber::NotFinite));
        assert_eq!(read("1e999", &[]), Err(NotANumber::NotFinite));
        assert_eq!(read("约500", &["m"]), Err(NotANumber::Approximate));
        assert_eq!(read("约1", &[]), Err(NotANumber::Approximate));
        assert_eq!(read("500左右", &[]), Err(NotANumber::Approximate));
        assert_eq!(read("不详", &[]), Err(NotANumber::Text));
        assert_eq!(read("many", &[]), Err(NotANumber::Text));
        assert_eq!(read("1,2", &[]), Err(NotANumber::AmbiguousComma));
        assert_eq!(read("12,34", &[]), Err(NotANumber::AmbiguousComma));
        assert_eq!(read("1,2345", &[]), Err(NotANumber::AmbiguousComma));
        assert_eq!(read("0x10", &[]), Err(NotANumber::Text));
        assert_eq!(read("1.2.3", &[]), Err(NotANumber::Text));
        assert_eq!(read(".", &[]), Err(NotANumber::Text));
        assert_eq!(read("-", &[]), Err(NotANumber::Text));
        assert!(matches!(read("500公里", &["m"]), Err(NotANumber::Unit { .. })));
        assert!(matches!(read("500米", &[]), Err(NotANumber::Unit { .. })));
        assert_eq!(read("12 34", &[]), Err(NotANumber::Text));
    }

    #[test]
    fn folding_trims_and_narrows_only() {
        assert_eq!(fold(" D "), "D");
        assert_eq!(fold("Ｄ"), "D");
        assert_eq!(fold("\u{3000}是\u{3000}"), "是");
        assert_eq!(fold("a"), "a");
        assert_eq!(fold("有限空间作业"), "有限空间作业");
    }
}
