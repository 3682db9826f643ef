//! Command-line interface: every command and option, documented once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod dispatch;
pub use dispatch::main;

/// Output options shared by `run` and `merge`, which write the same outputs.
#[derive(Debug, Args)]
pub struct Outputs {
    /// Skip writing, exiting 0, when the config, models, inputs and sise
    /// version are those recorded in the existing outputs' manifest.json.
    #[arg(long)]
    pub if_changed: bool,
    /// Also print every report to PDF with headless Chromium (apt-get install chromium).
    #[arg(long)]
    pub pdf: bool,
    /// Leave out the web map (web/index.html, the offline 风险管控一张图).
    #[arg(long)]
    pub no_web: bool,
}

/// sise (四色): four-colour urban safety risk assessment.
///
/// Loads a district's hazard-census and sector layers (anything GDAL reads),
/// scores each risk domain with its model file from assessment-models/,
/// aggregates to grid cells and 街镇, and writes a four-colour GeoPackage,
/// summary tables and a manifest.
#[derive(Debug, Parser)]
#[command(name = "sise", version, about, long_about, after_long_help = crate::error::exit::help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Log only errors; no progress bars. Bars are also hidden when stderr is not a terminal.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// More of sise's log on stderr (-v: debug, -vv: trace). Libraries log
    /// warnings only; the SISE_LOG variable takes a full filter (e.g. SISE_LOG=debug).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Language of messages (errors, warnings, rejects.csv reasons, validate
    /// output): English or Chinese. Default: Chinese under a zh_* locale
    /// (LC_ALL, LC_MESSAGES or LANG), English otherwise.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<crate::msg::Lang>,

    /// Progress on stderr: bars when it is a terminal (auto), or a line
    /// "sise-progress: STAGE N/TOTAL" per step for a program reading it (lines).
    #[arg(long, global = true, value_enum, default_value_t = crate::progress::Mode::Auto)]
    pub progress: crate::progress::Mode,
    /// Log format on stderr: human-readable text, or one JSON object per line for schedulers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an assessment: load, score, aggregate, write outputs.
    ///
    /// Outputs go to OUT/<cycle>/<year>/ (cycle and year from the run
    /// config): sise.gpkg, sise.qgs, styles/, maps/, tables/, summary.csv and
    /// manifest.json. They are written to a temporary folder beside that
    /// folder and moved into place only when the whole run succeeded; a failed
    /// run leaves the previous outputs untouched.
    ///
    /// With --plan, runs one work unit of a tiled run instead: reads only the
    /// features its objects and their indicators reach, computes the indicator
    /// values of the objects it owns and writes them to OUT/<unit>/ for `sise merge`.
    ///
    /// Example: sise run layers/demo/assessment.toml --out out   (→ out/2024-2026/2024/)
    ///          sise run layers/demo/assessment.toml --plan plan.json --unit 3 --out shared/units   (→ shared/units/3/)
    #[command(after_long_help = crate::error::exit::help())]
    Run {
        /// The run configuration (assessment.toml).
        config: PathBuf,
        /// Output root; this run's folder OUT/<cycle>/<year>/ is replaced as a whole on success.
        /// With --plan: the units folder, of which OUT/<unit>/ is replaced.
        #[arg(long, short)]
        out: PathBuf,
        /// Run one work unit of this plan (from `sise plan`).
        #[arg(long)]
        plan: Option<PathBuf>,
        /// The unit to run; default: JOB_COMPLETION_INDEX (Kubernetes Indexed
        /// Job) or SLURM_ARRAY_TASK_ID (Slurm job array).
        #[arg(long, requires = "plan")]
        unit: Option<usize>,
        /// Worker threads for scoring (default: all cores). Results are identical for any count.
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// Score what can be scored: leave bad features out and list each, with its
        /// reason, in rejects.csv (counts in summary.csv). The default is strict:
        /// the first bad feature stops the run with its exit code. Scored objects
        /// outside the district stop the run either way (see clip_to_district).
        #[arg(long)]
        keep_going: bool,
        #[command(flatten)]
        outputs: Outputs,
    },
    /// Run an assessment with its sensitivity analysis (敏感性分析): how many
    /// objects' levels each model parameter moves, and each object's 等级稳定度.
    ///
    /// The same run as `sise run`, with the run config's [sensitivity] section
    /// (or its defaults: 200 draws, weights ±20 %, AHP judgements ±1 Saaty
    /// step, thresholds ±5 %, control strength ±25 %, numeric inputs by each
    /// indicator's `uncertainty`). Adds to the outputs: stability and 临界 in
    /// the GeoPackage and the 风险清单, tables/sensitivity (per domain and
    /// parameter), tables/sensitivity_streets (per 街镇), a tornado chart per
    /// domain (maps/tornado_<domain>.png) and a 敏感性分析 section in the
    /// reports. The same seed gives identical tables.
    ///
    /// Example: sise sensitivity layers/demo/assessment.toml --out out --draws 500 --seed 7
    #[command(after_long_help = crate::error::exit::help())]
    Sensitivity {
        /// The run configuration (assessment.toml).
        config: PathBuf,
        /// Output root, as for `sise run`.
        #[arg(long, short)]
        out: PathBuf,
        /// Monte Carlo draws (default: [sensitivity] draws, else 200).
        #[arg(long)]
        draws: Option<usize>,
        /// The sampler's seed (default: [sensitivity] seed, else 20241).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores). Results are identical for any count.
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// As for `sise run`.
        #[arg(long)]
        keep_going: bool,
        #[command(flatten)]
        outputs: Outputs,
    },
    /// Check a run configuration: open every layer and model, check fields,
    /// CRS, geometry types and encodings, and read and score every value as a
    /// run would, writing nothing.
    ///
    /// Exits 0 when the run would succeed, otherwise with the exit code the
    /// run would give, explaining what is wrong. Lists the features that
    /// `missing = "reject"` rules leave out and the values read after a
    /// rewrite ("1,200", "１２", "500米").
    ///
    /// Example: sise validate layers/demo/assessment.toml
    #[command(after_long_help = crate::error::exit::help())]
    Validate {
        /// The run configuration (assessment.toml).
        config: PathBuf,
        /// First write the data-quality report into this folder (数据质量报告
        /// .html and .xlsx: per domain and 街镇, objects registered, each
        /// field's fill rate, invalid values, duplicates, objects outside the
        /// district, coordinates that look GCJ-02/BD-09 though declared WGS84,
        /// the share assessable against the 80 % target, and every object to
        /// correct). The exit code is still the validation's.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Write collection templates for the census the models need.
    ///
    /// For every layer the models score: a sheet of 采集模板.xlsx (point
    /// layers: Chinese headers from the models, drop-downs with exactly the
    /// models' categories, number and year ranges, required columns in red,
    /// a 填表说明 sheet with an example row), an empty typed layer of
    /// 采集模板.gpkg whose default style is a QGIS attribute form,
    /// 专家研判调整表.xlsx for the review meeting's adjustments ([review]), and
    /// layers.toml, the [layers.*] entries that read the filled files back.
    /// With a run config, sheets list its 街镇 and use each layer's datum.
    ///
    /// Example: sise template layers/demo/assessment.toml --out templates
    Template {
        /// A run configuration: its models, district, year, 街镇 and layer datums.
        #[arg(conflicts_with = "models")]
        config: Option<PathBuf>,
        /// A folder of model files, without a run config.
        #[arg(long)]
        models: Option<PathBuf>,
        /// The template folder to write (replaced as a whole).
        #[arg(long, short)]
        out: PathBuf,
        /// The coordinates the forms ask for (default: each layer's datum in
        /// the run config, else WGS84).
        #[arg(long, value_enum)]
        datum: Option<crate::template::Datum>,
    },
    /// Compare two years of one cycle: level transitions, objects up or
    /// down a level, new and removed objects, 街镇 changes.
    ///
    /// Writes transitions.csv, changes.csv, streets.csv, review.csv (the
    /// expert review's adjustments kept, revised, added, dropped, or whose
    /// object is gone) and changes.gpkg (layers styled 风险上升/下降/不变/新增/撤销 for QGIS) into --out, by
    /// default OUT/<cycle>/compare-<year-a>-<year-b>/ beside the years.
    ///
    /// Example: sise compare out/2024-2026/2024 out/2024-2026/2025
    Compare {
        /// The earlier year's output folder.
        from: PathBuf,
        /// The later year's output folder.
        to: PathBuf,
        /// Where to write the comparison.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Publish one year's outputs into a PostGIS database: every domain's
    /// scored objects, grid cells, 街镇, the 区 levels, the 风险清单 and the
    /// other tables, keyed by (cycle, year), with views across years.
    ///
    /// One transaction per year: publishing a year again replaces it, a
    /// failure leaves every year as it was, and unchanged outputs are a no-op.
    /// The connection goes through libpq: a service (PG:service=risk), the
    /// PG* environment variables, ~/.pgpass or PGPASSFILE, as psql finds it;
    /// the password is never logged.
    ///
    /// Example: sise publish out/2024-2026/2025 --to PG:service=risk
    Publish {
        /// The year's output folder (OUT/<cycle>/<year>).
        dir: PathBuf,
        /// The database: PG:service=NAME, PG:host=… dbname=…, a postgresql:// URI, or PG: for libpq's defaults.
        #[arg(long)]
        to: String,
        /// The schema to publish into (made when missing).
        #[arg(long, default_value = crate::publish::DEFAULT_SCHEMA)]
        schema: String,
    },
    /// List or explain the model files.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Write the synthetic demo sector layers for 普陀区 (deterministic: the
    /// same seed gives the same files).
    ///
    /// Needs the real boundaries (streets GeoJSON) as input; writes CSV,
    /// GeoJSON, Shapefile, GeoPackage and GeoTIFF layers into --out.
    ///
    /// Example: sise demo-data --streets layers/demo/putuo_streets.geojson
    ///          --metro layers/demo/shanghai_metro_stations.geojson --out layers/demo
    DemoData {
        /// 街镇 polygons (GeoJSON, WGS84) that the objects are placed in.
        #[arg(long)]
        streets: PathBuf,
        /// Real metro stations (GeoJSON) to take the district's stations from.
        #[arg(long)]
        metro: PathBuf,
        /// Folder to write the layers into.
        #[arg(long, short)]
        out: PathBuf,
        /// Random seed.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// Also write the next year's changed layers (the dynamic update) into this folder.
        #[arg(long)]
        next_year: Option<PathBuf>,
    },
    /// Cut the district into work units for a cluster engine (Slurm job
    /// array, Kubernetes Indexed Job): numbered tiles aligned to the grid,
    /// each with a halo as wide as the farthest any model looks plus one grid
    /// cell. Writes the plan as JSON and prints its units.
    ///
    /// Example: sise plan layers/demo/assessment.toml --tiles 3x3 --out plan.json
    Plan {
        /// The run configuration (assessment.toml).
        config: PathBuf,
        /// Tile size (5km, 800m, 5000) or columns x rows over the district (2x2).
        #[arg(long, value_parser = str::parse::<crate::tile::Tiling>)]
        tiles: crate::tile::Tiling,
        /// Halo width in metres; refused when smaller than the models need.
        #[arg(long)]
        halo: Option<f64>,
        /// Where to write the plan (JSON).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Merge the work units of a plan into the outputs of a whole run:
    /// concatenates the units' objects, scores them over the whole study area
    /// (min–max normalisation, levels, vetoes), aggregates grid cells, 街镇
    /// and the district from the merged objects, and writes the same
    /// OUT/<cycle>/<year>/ as `sise run`, with every unit in manifest.json.
    ///
    /// Refuses to merge while a unit is missing or ran with another plan.
    ///
    /// Example: sise merge plan.json shared/units --out out
    #[command(after_long_help = crate::error::exit::help())]
    Merge {
        /// The plan the units ran with.
        plan: PathBuf,
        /// The units folder (OUT of the unit runs).
        units: PathBuf,
        /// Output root, as for `sise run`.
        #[arg(long, short)]
        out: PathBuf,
        /// The run configuration, when not at the path recorded in the plan
        /// (it must be the same file: the plan checks its fingerprint).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        #[command(flatten)]
        outputs: Outputs,
    },
    /// Convert a run's vector inputs once into spatially indexed FlatGeobuf
    /// files (working CRS, packed R-tree, FIDs kept in `sise_fid`; rasters stay where they are) and write
    /// OUT/assessment.toml, the same run over them. Work units of a tiled run
    /// then read only their rectangle instead of scanning every feature.
    ///
    /// Example: sise prepare-inputs city/assessment.toml --out city-prepared
    PrepareInputs {
        /// The run configuration whose inputs to convert.
        config: PathBuf,
        /// The folder to write (replaced as a whole).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Write a synthetic city-scale district for benchmarks: at --scale 1
    /// about 1,200 km², ~1 million features, ~20,000 km of pipes and roads,
    /// a 10 m inundation raster; sizes proportional to --scale. Also writes
    /// an assessment.toml running --models over it.
    ///
    /// Example: sise bench-data --scale 0.1 --out /tmp/city-0.1
    BenchData {
        /// Size relative to a 1,200 km² district, in (0, 2].
        #[arg(long, value_parser = parse_scale)]
        scale: f64,
        /// Folder to write the layers and assessment.toml into.
        #[arg(long, short)]
        out: PathBuf,
        /// The model files the generated config runs.
        #[arg(long, default_value = "assessment-models")]
        models: PathBuf,
        /// Random seed.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// Use this polygon file (any OGR format) as the 街镇 in place of the
        /// generated lattice, e.g. real, complex boundaries such as
        /// ../shared/data/shanghai_districts.geojson; the sector layers are
        /// generated as usual and must lie inside it. (`--admin` is its older name.)
        #[arg(long, alias = "admin")]
        streets: Option<PathBuf>,
        /// The --streets file's name field.
        #[arg(long, alias = "admin-name-field", default_value = "name", requires = "streets")]
        streets_name_field: String,
        /// The --streets file's code (id) field.
        #[arg(long, alias = "admin-code-field", default_value = "code", requires = "streets")]
        streets_code_field: String,
        /// The --streets file's field naming each unit's 区 (for 街镇 of several districts).
        #[arg(long, alias = "admin-district-field", requires = "streets")]
        streets_district_field: Option<String>,
    },
}

fn parse_scale(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 2.0 => Ok(v),
        _ => Err(format!("'{s}' is not a number in (0, 2]")),
    }
}

/// Where `sise models` finds model files.
#[derive(Debug, clap::Args)]
pub struct ModelSource {
    /// The models of this run configuration (its `domains`).
    #[arg(long, conflicts_with = "dir")]
    pub config: Option<PathBuf>,
    /// A folder of model files (*.toml).
    #[arg(long, default_value = "assessment-models")]
    pub dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// One line per model: id, name, method, indicators, version, file.
    ///
    /// Example: sise models list --dir assessment-models
    List {
        #[command(flatten)]
        source: ModelSource,
    },
    /// A model in words: inputs, indicators, weights, method, control,
    /// thresholds, veto rules and aggregation.
    ///
    /// Example: sise models show D02
    Show {
        /// Domain id (D02) or key (urban_gas).
        id: String,
        #[command(flatten)]
        source: ModelSource,
    },
}
