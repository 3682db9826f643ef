//! Coordinates as people type them into CSVs and spreadsheets: decimal
//! numbers read as every number is ([`super::number`]: spaces, full-width
//! digits), and, for longitude/latitude, degrees–minutes–seconds as survey
//! sheets and GPS exports write them: "121°20′49.09″E", "121°20'49.09\"",
//! "121度20分49.09秒", "东经121°20′49″", "N31°15.5′" (decimal minutes),
//! "121.3470°E". A hemisphere letter W or S (西经, 南纬) makes the value
//! negative. Minutes and seconds of 60 or more, and forms that could mean
//! two things ("121 20 49", "121.20.49"), are refused with the reason.

use crate::msg::DmsPart;
pub use crate::msg::NotACoordinate;

/// Read `text` as a coordinate; `geographic`: the layer's CRS is in
/// degrees, where degrees–minutes–seconds may be written. `Ok(None)` is an empty value.
///
/// ```
/// use sise::value::coordinate;
/// assert_eq!(coordinate("121.5", true), Ok(Some(121.5)));
/// let dms = coordinate("121°30′36″", true).unwrap().unwrap();
/// assert!((dms - 121.51).abs() < 1e-9);
/// assert!(coordinate("121°30′36″", false).is_err()); // degrees in a CRS of metres
/// assert!(coordinate("31°60′00″", true).is_err()); // 60 minutes: a typo
/// ```
pub fn coordinate(text: &str, geographic: bool) -> Result<Option<f64>, NotACoordinate> {
    if let Ok((v, _)) = super::number(text, &[]) {
        return Ok(v);
    }
    let v = dms(&super::fold(text))?;
    if !geographic {
        return Err(NotACoordinate::DmsInProjected);
    }
    Ok(Some(v))
}

/// Hemisphere words and letters, and the sign each gives.
const HEMISPHERES: [(&str, f64); 12] = [
    ("东经", 1.0),
    ("西经", -1.0),
    ("北纬", 1.0),
    ("南纬", -1.0),
    ("东", 1.0),
    ("西", -1.0),
    ("北", 1.0),
    ("南", -1.0),
    ("E", 1.0),
    ("W", -1.0),
    ("N", 1.0),
    ("S", -1.0),
];

/// Degrees–minutes–seconds (each part optional after the degrees, the last
/// may have decimals) with a hemisphere before or after, folded text.
fn dms(s: &str) -> Result<f64, NotACoordinate> {
    let mut body = s.trim().to_owned();
    let mut sign = 1.0;
    for (word, s) in HEMISPHERES {
        let upper = body.to_uppercase();
        if upper.starts_with(word) {
            body = body[word.len()..].trim().to_owned();
            sign = s;
            break;
        }
        if upper.ends_with(word) {
            body = body[..body.len() - word.len()].trim().to_owned();
            sign = s;
            break;
        }
    }
    if let Some(rest) = body.strip_prefix('-') {
        sign = -sign;
        body = rest.trim().to_owned();
    }
    // Each part is a number followed by its mark; only the marks say which part it is.
    let mut parts: [Option<f64>; 3] = [None; 3];
    let mut last = None;
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (num, tail) = rest.split_at(end);
        let value: f64 = num.parse().map_err(|_| NotACoordinate::Text)?;
        let tail = tail.trim_start();
        let (slot, len) = mark(tail).ok_or(NotACoordinate::Text)?;
        // Parts come in order, each once, and only the last may have decimals.
        if last.is_some_and(|l| slot <= l) || last.is_some_and(|l: usize| parts[l].is_some_and(|v| v.fract() != 0.0)) {
            return Err(NotACoordinate::Text);
        }
        parts[slot] = Some(value);
        last = Some(slot);
        rest = tail[len..].trim_start();
    }
    let degrees = parts[0].ok_or(NotACoordinate::Text)?;
    let minutes = parts[1].unwrap_or(0.0);
    let seconds = parts[2].unwrap_or(0.0);
    if minutes >= 60.0 {
        return Err(NotACoordinate::Sixty { part: DmsPart::Minutes, value: minutes });
    }
    if seconds >= 60.0 {
        return Err(NotACoordinate::Sixty { part: DmsPart::Seconds, value: seconds });
    }
    Ok(sign * (degrees + minutes / 60.0 + seconds / 3600.0))
}

/// The part a mark at the start of `s` ends (0 degrees, 1 minutes, 2 seconds) and its length in bytes.
fn mark(s: &str) -> Option<(usize, usize)> {
    const MARKS: [(&str, usize); 11] = [("°", 0), ("º", 0), ("度", 0), ("''", 2), ("′′", 2), ("′", 1), ("'", 1), ("’", 1), ("分", 1), ("″", 2), ("\"", 2)];
    const MORE: [(&str, usize); 3] = [("”", 2), ("秒", 2), ("˚", 0)];
    MARKS.iter().chain(MORE.iter()).find(|(m, _)| s.starts_with(m)).map(|(m, slot)| (*slot, m.len()))
}

#[cfg(test)]
mod tests {
    use super::{coordinate, DmsPart, NotACoordinate};

    fn read(s: &str) -> f64 {
        coordinate(s, true).unwrap_or_else(|e| panic!("{s}: {e}")).unwrap()
    }

    #[test]
    fn degrees_minutes_seconds_as_written() {
        let want = 121.0 + 20.0 / 60.0 + 49.09 / 3600.0;
        for s in ["121°20′49.09″E", "121°20'49.09\"", "121度20分49.09秒", "东经121°20′49.09″", "E 121° 20′ 49.09″", "121°20′49.09″", "121º20’49.09”"]
        {
            assert!((read(s) - want).abs() < 1e-9, "{s}");
        }
        assert!((read("N31°15.5′") - (31.0 + 15.5 / 60.0)).abs() < 1e-9);
        assert!((read("121.3470°E") - 121.347).abs() < 1e-9);
        assert!((read("74°0′21″W") + (74.0 + 21.0 / 3600.0)).abs() < 1e-9);
        assert!((read("南纬33°52′") + (33.0 + 52.0 / 60.0)).abs() < 1e-9);
    }

    #[test]
    fn numbers_as_every_number_is_read() {
        assert_eq!(read("１２１．３４６９６９"), 121.346969);
        assert_eq!(read(" 121.346969 "), 121.346969);
        assert_eq!(coordinate("", true), Ok(None));
        assert_eq!(coordinate("629059", false), Ok(Some(629059.0)));
    }

    #[test]
    fn refused_with_the_reason() {
        assert_eq!(coordinate("121°75′", true), Err(NotACoordinate::Sixty { part: DmsPart::Minutes, value: 75.0 }));
        assert_eq!(coordinate("121°20′61″", true), Err(NotACoordinate::Sixty { part: DmsPart::Seconds, value: 61.0 }));
        for s in ["121 20 49", "121.20.49", "不详", "121°20.5′30″", "20′121°", "121°°"] {
            assert_eq!(coordinate(s, true), Err(NotACoordinate::Text), "{s}");
        }
        assert_eq!(coordinate("121°20′49″E", false), Err(NotACoordinate::DmsInProjected));
    }
}
