//! Every message about input data, as facts; `en/mod.rs` and `zh/mod.rs` put
//! each in words, one arm per message, in the same order.

use super::mistakes::{AggregateMistake, MethodMistake, MissingMisfit, RuleMistake};
use super::{Cause, Choice, CrsGuess, Field, Gap, Holds, Reader, Rewrite, SizeBasis, Wants};

/// Every message about input data.
#[derive(Debug, Clone)]
pub enum Msg {
    FileNotFound,
    /// A text file (config, model) that exists but cannot be read.
    CannotRead {
        detail: String,
    },
    CannotOpen {
        detail: String,
    },
    NoSuchLayer {
        have: Vec<String>,
    },
    ManyLayers {
        have: Vec<String>,
    },
    NoCrs {
        guess: CrsGuess,
    },
    UnknownCrs {
        crs: String,
        detail: String,
    },
    IdFieldMissing {
        id: String,
        have: Vec<String>,
    },
    IdEmpty {
        field: String,
    },
    DuplicateId {
        /// How messages name the feature that has the id first.
        first: String,
    },
    NoGeometry,
    InvalidPolygon,
    MixedKinds {
        this: super::Holds,
        earlier: super::Holds,
    },
    NotLonLat {
        x: f64,
        y: f64,
    },
    NotUtf8Field {
        field: String,
        layer: String,
    },
    MappedColumnMissing {
        model: String,
        column: String,
        have: Vec<String>,
    },
    MappedNameTaken {
        model: String,
        column: String,
    },
    /// `guess`: a row below which two columns hold coordinates (row, x, y).
    NoHeaderRow {
        sheet: Option<String>,
        wanted: Option<(String, String)>,
        searched: usize,
        guess: Option<(u32, String, String)>,
    },
    HeaderRowEmpty {
        sheet: Option<String>,
        row: u32,
    },
    HeaderTwice {
        sheet: Option<String>,
        row: u32,
        name: String,
        first: String,
        second: String,
    },
    NoCoordinateColumns {
        sheet: Option<String>,
        row: u32,
        have: Vec<String>,
    },
    /// A coordinate cell sise cannot read.
    CoordinateNotRead {
        value: String,
        column: String,
        /// Why (`value::NotACoordinate`, as said in the message language).
        why: String,
    },
    FieldMissing {
        field: Field,
        have: Vec<String>,
    },
    // A feature's value. `or_keep_going`: whether to say that --keep-going
    // would leave the feature out (not in the rejects of a run that does).
    NotANumber {
        field: Field,
        text: String,
        why: String,
        or_keep_going: bool,
    },
    NotAYear {
        field: Field,
        text: String,
        why: String,
        or_keep_going: bool,
    },
    NotFinite {
        field: Field,
        value: f64,
        or_keep_going: bool,
    },
    FieldEmpty {
        field: Field,
        or_keep_going: bool,
    },
    /// An empty value no `missing` rule resolves: what reads it, the words it may use, the model file.
    EmptyNoRule {
        gap: Gap,
        reader: Reader,
        options: Vec<Choice>,
        model: String,
    },
    /// An empty value a `missing = "reject"` rule leaves out (a rejects.csv reason).
    EmptyRejected {
        field: Field,
        reader: Reader,
        model: String,
    },
    /// A category, or control grade, the model's table does not list.
    UnknownCategory {
        field: Field,
        reader: Reader,
        value: String,
        model: String,
        have: Vec<String>,
    },
    /// A value outside the range the model declares for an indicator.
    OutOfRange {
        indicator: String,
        value: f64,
        lo: f64,
        hi: f64,
        model: String,
    },
    /// A scored object outside the district: how far, the nearest 街镇, how many of the layer, and why.
    /// Every object of a layer clipped by `clip_to_district`.
    AllOutside {
        n: usize,
        cause: Cause,
        layer: String,
    },
    Outside {
        metres: f64,
        street: String,
        tolerance: f64,
        n: usize,
        cause: Cause,
        layer: String,
    },
    /// A context feature far beyond the district's box.
    FarContext {
        km: f64,
        margin: f64,
        layer: String,
    },
    /// Text that is not UTF-8 and names no encoding: what (the .dbf, the text), the encoding it decodes as.
    NotUtf8 {
        dbf: bool,
        decodes_as: Option<&'static str>,
        /// The config section that names the file's encoding: "[layers.*]" or "[review]".
        section: &'static str,
    },
    UnknownEncoding {
        label: String,
    },
    BadBytes {
        encoding: String,
        section: &'static str,
    },
    EncodingNotApplicable {
        label: String,
    },
    /// `sise validate`: a domain that scores.
    DomainValid {
        id: String,
        name: String,
        version: String,
        objects: usize,
        layer: String,
        indicators: usize,
    },
    /// `sise validate`: a field read after rewrites ("1,200", "１２"): how many of each kind.
    Rewritten {
        layer: String,
        field: Field,
        rewrites: Vec<(Rewrite, usize)>,
    },
    /// `sise validate`: an object a `missing = "reject"` rule leaves out.
    Rejected {
        domain: String,
        layer: String,
        id: String,
        reason: String,
    },
    /// `sise validate`: the whole config.
    ConfigValid {
        layers: usize,
        streets: usize,
    },
    /// `sise validate --report`: one domain's line.
    QualityLine {
        id: String,
        name: String,
        registered: usize,
        complete: usize,
        pct: f64,
        short: bool,
    },
    QualityWritten {
        path: String,
    },
    /// Run config: a value that is not what the key takes.
    BadSetting {
        key: String,
        value: String,
        wants: Wants,
    },
    /// A name that should be a `[layers.*]` entry of the run config.
    NotALayer {
        key: String,
        name: String,
        config: String,
        have: Vec<String>,
    },
    /// The layer a model scores holds another geometry kind.
    WrongGeometry {
        model: String,
        file: String,
        needs: super::Holds,
        has: super::Holds,
    },
    /// A veto names a field the objects do not have.
    VetoFieldMissing {
        line: usize,
        condition: String,
        name: String,
        layer: String,
    },
    /// An indicator's layer is of the wrong kind ("points", "a raster" …).
    LayerKind {
        line: usize,
        indicator: String,
        layer: String,
        has: Holds,
        needs: Holds,
    },
    /// A hand-filled table (the expert review's) whose first rows name none of its columns.
    NoTableHeader {
        wanted: Vec<String>,
        searched: usize,
    },
    /// The expert review (专家研判): a column the adjustments need is not in the file.
    ReviewColumnMissing {
        column: String,
        have: Vec<String>,
    },
    /// An adjustment row leaves a needed cell empty.
    ReviewEmpty {
        column: String,
    },
    ReviewUnknownDomain {
        domain: String,
        have: Vec<String>,
    },
    ReviewUnknownObject {
        domain: String,
        id: String,
        layer: String,
    },
    ReviewBadLevel {
        value: String,
    },
    ReviewBadDate {
        value: String,
    },
    ReviewTwice {
        domain: String,
        id: String,
        first: String,
    },
    /// A layer whose `offset` needs longitude/latitude, in a projected CRS.
    OffsetNeedsLonLat {
        offset: &'static str,
    },
    /// A feature without its `id_field` value (`fid`: its OGR feature id).
    NoFeatureId {
        fid: u64,
        field: String,
    },
    /// A formula whose value is not a number (a division by zero).
    FormulaNotFinite {
        indicator: String,
        expr: String,
        value: f64,
    },
    /// A `[control]` field read as the factor itself, not positive.
    BadControlFactor {
        field: String,
        value: f64,
    },
    /// A risk-matrix indicator whose score is not one of its classes.
    NotAClass {
        indicator: String,
        value: f64,
        max: usize,
    },
    /// A 街镇 feature that is not a polygon.
    StreetNotPolygon {
        id: String,
    },
    /// Two model files with one domain id.
    DomainTwice {
        id: String,
        first: String,
        second: String,
    },
    /// A raster GDAL opened but cannot read.
    RasterUnreadable {
        what: super::RasterPart,
        detail: String,
    },
    /// A geometry GDAL cannot read, or repair (`repair`).
    UnreadableGeometry {
        repair: bool,
        detail: String,
    },
    /// A field polars cannot read as `wanted` ("numbers", "text").
    FieldUnreadable {
        field: Field,
        detail: String,
    },
    /// A model file's source that lacks a key it needs (`radius_m`, `field`, …).
    SourceNeeds {
        source: String,
        key: &'static str,
    },
    RadiusNotPositive {
        value: f64,
    },
    UnknownSource {
        name: String,
        names: Vec<String>,
    },
    /// A key written on an indicator whose source does not read it.
    KeyNotForSource {
        key: &'static str,
        source: String,
    },
    /// A `missing` word that does not fit the indicator's source.
    MissingNotFor {
        why: MissingMisfit,
    },
    ZonalNeedsRadius,
    Rule(RuleMistake),
    Method(MethodMistake),
    /// `line`: the `[aggregate]` section's.
    Aggregate {
        line: usize,
        mistake: AggregateMistake,
    },
    /// A layer the run config does not have (`[layers.NAME]`).
    NoLayerEntry {
        name: String,
    },
    WorkingCrsUnknown {
        crs: String,
        detail: String,
    },
    WorkingCrsNotMetres {
        crs: String,
    },
    RasterNoCrs,
    RasterRotated,
    LayerEmpty,
    /// Every feature was left out or unreadable.
    NoUsableFeatures,
    FidFieldOnTable,
    AttributeTable {
        detail: String,
    },
    /// GDAL could not hold what sise decoded of a file in memory.
    InMemory {
        what: super::InMemoryPart,
        detail: String,
    },
    /// What begins the line that reports the error a command ended with.
    ErrorLabel,
    /// Some features were left out while loading (a warning).
    LoadRejects,
    /// `n` more rows with the same problem.
    More(usize),
    /// The file system of an output folder filled up (ENOSPC, or a quota: EDQUOT).
    DiskFull {
        /// The file being written when it did.
        file: Option<std::path::PathBuf>,
        free_mb: Option<f64>,
        needs_mb: f64,
        basis: SizeBasis,
    },
    /// A table file the CSV reader refuses (at `line` when it knows).
    NotCsv {
        line: Option<u64>,
        detail: String,
    },
    /// A CRS GDAL found but cannot write out as WKT.
    CrsUnreadable {
        detail: String,
    },
    /// Every object of a domain was rejected (`--keep-going`).
    NoFeatureLeft {
        domain: String,
    },
    GeometryCollection,
}
