//! Years as ledgers write them. An install year may arrive as "2014",
//! "2014年", "2014.05" (year.month, read as a decimal it would be 2014.05),
//! "2014年5月", "2014-05", "2014/5/1" or a spreadsheet date cell; each means
//! the year 2014. Whatever else is refused with the reason, never read as a
//! number of years.

pub use crate::msg::NotAYear;

/// The first year sise accepts: older "install years" are typos.
pub const EARLIEST: i32 = 1850;

/// Read `text` as a year no later than `latest`. `Ok(None)` is an empty value.
///
/// ```
/// use sise::value::year;
/// assert_eq!(year("2015", 2024), Ok(Some(2015)));
/// assert_eq!(year("２０１５年", 2024), Ok(Some(2015)));
/// assert_eq!(year("", 2024), Ok(None));
/// assert!(year("2031", 2024).is_err()); // after the assessment year: a typo
/// ```
pub fn year(text: &str, latest: i32) -> Result<Option<i32>, NotAYear> {
    let s = super::fold(text);
    if s.is_empty() {
        return Ok(None);
    }
    // "2,013": a year column given a thousands format.
    let grouped = s.len() == 5 && s.as_bytes()[1] == b',' && s.bytes().enumerate().all(|(i, b)| i == 1 || b.is_ascii_digit());
    let y = if grouped { parse(&s.replace(',', ""))? } else { parse(&s)? };
    if !(EARLIEST..=latest).contains(&y) {
        return Err(NotAYear::OutOfRange { year: y, earliest: EARLIEST, latest });
    }
    Ok(Some(y))
}

/// The year of a folded, non-empty text.
fn parse(s: &str) -> Result<i32, NotAYear> {
    // Digit groups and what separates them: "2014年5月1日" → [2014, 5, 1] with "年", "月", "日".
    let mut groups: Vec<&str> = Vec::new();
    let mut seps: Vec<&str> = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(NotAYear::Text);
        }
        groups.push(&rest[..digits]);
        rest = &rest[digits..];
        let sep = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        seps.push(rest[..sep].trim());
        rest = &rest[sep..];
    }
    let first = groups[0];
    // A number a spreadsheet gave for a date cell it did not format.
    if groups.len() == 1 && first.len() == 5 && seps[0].is_empty() {
        let serial: i64 = first.parse().map_err(|_| NotAYear::Text)?;
        return Err(NotAYear::ExcelSerial { serial, date: excel_date(serial) });
    }
    if first.len() != 4 {
        return Err(NotAYear::Text);
    }
    let year: i32 = first.parse().map_err(|_| NotAYear::Text)?;
    let ends_ok = |sep: &str, allowed: &[&str]| allowed.contains(&sep);
    match groups.len() {
        1 if ends_ok(seps[0], &["", "年"]) => Ok(year),
        // "2014.0" is a whole year from a numeric column; "2014.05", "2014-05", "2014/5", "2014年5月".
        2 if ends_ok(seps[0], &[".", "-", "/", "年"]) && ends_ok(seps[1], &["", "月"]) => {
            let month: u32 = groups[1].parse().map_err(|_| NotAYear::Text)?;
            match (seps[0], month) {
                (".", 0) if groups[1].chars().all(|c| c == '0') => Ok(year),
                (_, 1..=12) if groups[1].len() <= 2 => Ok(year),
                (_, m) => Err(NotAYear::BadMonth { month: m }),
            }
        }
        // "2014-05-01", "2014/5/1", "2014年5月1日", "2014.5.1".
        3 if (ends_ok(seps[0], &["-", "/", "."]) && seps[1] == seps[0] && ends_ok(seps[2], &[""]))
            || (seps[0] == "年" && seps[1] == "月" && ends_ok(seps[2], &["", "日"])) =>
        {
            let month: u32 = groups[1].parse().map_err(|_| NotAYear::Text)?;
            let day: u32 = groups[2].parse().map_err(|_| NotAYear::Text)?;
            match (month, day) {
                (1..=12, 1..=31) => Ok(year),
                (1..=12, _) => Err(NotAYear::Text),
                (m, _) => Err(NotAYear::BadMonth { month: m }),
            }
        }
        _ => Err(NotAYear::Text),
    }
}

/// The calendar date of an Excel (1900 system) date serial.
fn excel_date(serial: i64) -> String {
    // Days from 1970-01-01 (Excel's day 0 is 1899-12-30, 25569 days earlier), then the civil date.
    let z = serial - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_forms_mean_their_year() {
        for t in [
            "2014",
            "2014年",
            "2014.05",
            "2014.5",
            "2014.0",
            "2014-05",
            "2014/5",
            "2014年5月",
            "2014-05-01",
            "2014/5/1",
            "2014年5月1日",
            "２０１４．０５",
            " 2014 ",
            "2,014",
            "2，014",
        ] {
            assert_eq!(year(t, 2024), Ok(Some(2014)), "{t}");
        }
        assert_eq!(year("", 2024), Ok(None));
        assert_eq!(year("  ", 2024), Ok(None));
    }

    #[test]
    fn other_forms_are_refused_with_the_reason() {
        assert_eq!(year("2014.13", 2024), Err(NotAYear::BadMonth { month: 13 }));
        assert_eq!(year("2014-00", 2024), Err(NotAYear::BadMonth { month: 0 }));
        assert_eq!(year("2204", 2024), Err(NotAYear::OutOfRange { year: 2204, earliest: EARLIEST, latest: 2024 }));
        assert_eq!(year("2025", 2024), Err(NotAYear::OutOfRange { year: 2025, earliest: EARLIEST, latest: 2024 }));
        assert_eq!(year("1014", 2024), Err(NotAYear::OutOfRange { year: 1014, earliest: EARLIEST, latest: 2024 }));
        assert_eq!(year("41760", 2024), Err(NotAYear::ExcelSerial { serial: 41760, date: "2014-05-01".into() }));
        for t in ["14", "不详", "2014年前后", "约2014", "2014-05/01", "2014.05.01.1", "2014-5-40"] {
            assert!(year(t, 2024).is_err(), "{t}");
        }
    }
}
