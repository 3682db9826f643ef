//! What stops a run from writing or publishing its outputs, and what it
//! warns about and goes on, as facts; `en/` and `zh/` word them.

/// What stops a run from writing (or reading back) its outputs: the file
/// system, the output writers, a tool or font the machine lacks.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputTrouble {
    NoFolderName,
    CannotCreate {
        detail: String,
    },
    /// Another live run holds the lock file `lock`.
    Locked {
        pid: u32,
        lock: std::path::PathBuf,
    },
    CannotLock {
        detail: String,
    },
    LockTaken,
    MoveAside {
        detail: String,
    },
    MoveIntoPlace {
        detail: String,
    },
    RemoveOld {
        detail: String,
    },
    NoDriver {
        driver: String,
        detail: String,
    },
    Reopen {
        detail: String,
    },
    Close {
        detail: String,
    },
    /// Writing one layer of a vector file failed (`detail`: why).
    Layer {
        name: String,
        detail: String,
    },
    Styles {
        detail: String,
    },
    Crs {
        crs: String,
        detail: String,
    },
    EncodeGeometry {
        detail: String,
    },
    EmptyGeometry {
        id: String,
    },
    MapImage,
    ChartSize,
    FidFieldTaken {
        layer: String,
        field: &'static str,
    },
    NotOutputFolder {
        detail: String,
    },
    UnreadableManifest {
        detail: String,
    },
    CannotHash {
        detail: String,
    },
    UnitUnreadable {
        detail: String,
    },
    UnitColumns {
        detail: String,
    },
    NoUnitOutput,
    UnitOutputs {
        detail: String,
    },
    ScoredTwice {
        fid: i64,
    },
    /// A reference .docx without the part `part`.
    DocxPart {
        part: &'static str,
    },
    BrowserStart {
        browser: String,
        detail: String,
    },
    BrowserFailed {
        browser: String,
        status: String,
    },
    /// What needs a font or tool the machine lacks: the map images, the PDF reports.
    MapImages,
    PdfReports,
    NoCjkFont {
        looked: Vec<String>,
    },
    NoChromium,
    NotATime {
        value: String,
    },
    NotAWorkbookDate {
        detail: String,
    },
    GdalDate {
        detail: String,
    },
    /// Writing rows `from` to `to` (1-based) failed.
    Rows {
        from: usize,
        to: usize,
        detail: String,
    },
    /// Writing one row failed.
    Row {
        row: usize,
        detail: String,
    },
    /// Writing one field of a row failed.
    RowField {
        row: usize,
        field: String,
        detail: String,
    },
    /// Writing the geometry of a row failed.
    RowGeometry {
        row: usize,
        detail: String,
    },
    SpatialIndex {
        detail: String,
    },
    Commit {
        detail: String,
    },
    /// A map could not be drawn: its SVG (`raster` false) or its raster layer.
    Map {
        raster: bool,
        detail: String,
    },
}

/// A name sise creates in the database, as a message names its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbName {
    Schema,
    Table,
    Layer,
    /// A layer's field.
    Field,
    /// A summary table's column.
    Column,
    GeometryColumn,
}

/// What stops `sise publish` from putting an output folder into PostGIS.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishTrouble {
    /// A name PostgreSQL would cut.
    NameTooLong {
        what: DbName,
        name: String,
    },
    NotInManifest,
    ChangedAfterRun,
    NoPostgis,
    /// A column whose type differs from the table an earlier year made.
    ColumnType {
        name: String,
        sql_type: String,
        was: String,
        table: String,
    },
    KeyName {
        name: String,
    },
    CopyStopped,
    CannotConnect {
        why: String,
    },
    CannotOpenGpkg {
        detail: String,
    },
    CannotReadGpkg {
        detail: String,
    },
    NoEpsg,
    /// Feature `fid`'s field holds a value its declared type does not.
    FieldHolds {
        fid: i64,
        field: String,
        declared: String,
        holds: super::ValueKind,
    },
    NotUtf8 {
        fid: i64,
        field: String,
    },
    NotGpkgGeometry {
        fid: i64,
    },
    GeometryNotBlob {
        fid: i64,
    },
    /// Feature `fid`'s geometry is shorter than a WKB header.
    ShortGeometry {
        fid: i64,
    },
    CannotReadTable {
        detail: String,
    },
    SummaryColumns {
        found: Vec<String>,
        expected: Vec<String>,
    },
    NotACount {
        line: usize,
        column: String,
        value: String,
    },
}

/// Why the reference .docx does not serve.
#[derive(Debug, Clone, PartialEq)]
pub enum ReferenceDocxWhy {
    CannotOpen {
        detail: String,
    },
    NotDocx {
        detail: String,
    },
    /// It lacks a part (`word/styles.xml` …).
    Part(OutputTrouble),
}

/// What a run warns about and goes on.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    Repaired,
    LeftoverRemoved {
        path: std::path::PathBuf,
    },
    Restoring {
        path: std::path::PathBuf,
    },
    StaleLock {
        path: std::path::PathBuf,
    },
    /// The plan could not load the objects to measure each unit's reach.
    UnitsFindReach {
        detail: String,
    },
    StylesNotStored {
        detail: String,
    },
}

/// What a command reports when it is done, and the two ends no command
/// plans: a thread pool that cannot start, a bug.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    AlreadyPublished {
        cycle: String,
        year: String,
        target: String,
        schema: String,
    },
    Published {
        cycle: String,
        year: String,
        tables: usize,
        rows: usize,
        schema: String,
    },
    Unchanged {
        out: std::path::PathBuf,
    },
    Prepared {
        layers: usize,
        features: usize,
        config: std::path::PathBuf,
    },
    /// A plan of `units` tiles of `tile_m`, with the halo and what reaches farthest.
    PlanWritten {
        units: usize,
        tile_m: [f64; 2],
        halo_m: f64,
        reach_of: String,
        reach_m: f64,
        out: std::path::PathBuf,
    },
    NoThreads {
        n: usize,
        detail: String,
    },
    Bug {
        info: String,
    },
}
