//! Why a value cannot be read (a number, a year, a coordinate) or a point
//! transformed, as facts; `en/` and `zh/` word them.

/// The forms a year is written in, as messages suggest them.
pub(super) const YEAR_FORMS: &str = "2014, 2014.05, 2014年5月, 2014-05-01";
/// The forms a coordinate is written in.
pub(super) const COORDINATE_FORMS: &str = "121.347, 121°20′49.09″E";

/// Why a text is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotANumber {
    /// "NaN", "inf", "-Infinity": not a measured value.
    NotFinite,
    /// An estimate or a hedge ("约500", "500左右", "<5"): no single value.
    Approximate,
    /// A comma that is not a thousands separator ("1,2", "12,34").
    AmbiguousComma,
    /// A trailing unit the model does not declare for this value.
    Unit { found: String, declared: Vec<String> },
    /// Anything else ("不详", "many", "12abc").
    Text,
}

/// Why a text is not a year.
#[derive(Debug, Clone, PartialEq)]
pub enum NotAYear {
    /// A whole number in the range of Excel's date serials (days since 1899-12-30).
    ExcelSerial { serial: i64, date: String },
    /// A year before `earliest` (the first year sise accepts) or after the assessment year.
    OutOfRange { year: i32, earliest: i32, latest: i32 },
    /// A month no calendar has ("2014.13", "2014-00").
    BadMonth { month: u32 },
    /// Anything else ("不详", "2014年前后", "14").
    Text,
}

/// The minutes or the seconds of degrees–minutes–seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmsPart {
    Minutes,
    Seconds,
}

/// Why a text is not a coordinate.
#[derive(Debug, Clone, PartialEq)]
pub enum NotACoordinate {
    /// Degrees–minutes–seconds in a layer whose CRS is in metres.
    DmsInProjected,
    /// Minutes or seconds of 60 or more ("121°75′").
    Sixty { part: DmsPart, value: f64 },
    /// Neither a number nor degrees–minutes–seconds.
    Text,
}

/// Why a transform failed, for the message of whoever knows the file.
#[derive(Debug, Clone, PartialEq)]
pub enum CrsError {
    /// PROJ does not know a CRS, or cannot go from one to the other.
    NoTransform { from: String, to: String, detail: String },
    /// PROJ could not transform a point.
    Point { x: f64, y: f64, detail: String },
    /// The point has no position in the target CRS (outside its area of use).
    NoPosition { x: f64, y: f64 },
}
