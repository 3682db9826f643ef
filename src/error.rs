//! Errors a user can act on, and the exit code each class maps to.
//!
//! Every message names the file, and where it applies the layer, feature and
//! field, so an operator reading a cron log can fix the input without a
//! debugger. Each class of bad input has its own exit code, so a scheduler
//! can tell "the supplier sent a broken file" from "a model is wrong".

use std::path::PathBuf;

/// Exit codes of `sise`: the one table behind `--help`, checked against the
/// README and the operations guide by a test.
pub mod exit {
    pub const OK: u8 = 0;
    /// An unexpected internal failure (a bug): please report it.
    pub const INTERNAL: u8 = 1;
    /// Command-line usage error (clap's own code).
    pub const USAGE: u8 = 2;
    /// The run configuration is malformed or inconsistent.
    pub const CONFIG: u8 = 3;
    /// A model file is malformed or inconsistent.
    pub const MODEL: u8 = 4;
    /// Outputs could not be written.
    pub const OUTPUT: u8 = 5;
    /// Another run is writing the same output folder.
    pub const LOCKED: u8 = 6;
    /// The machine lacks something sise needs (a CJK font for maps, Chromium for PDF).
    pub const ENVIRONMENT: u8 = 7;
    /// The database refused or lost a publish (nothing of it was kept).
    pub const DATABASE: u8 = 8;

    /// Every exit code with its meaning, in order.
    pub fn table() -> Vec<(u8, &'static str)> {
        let mut t = vec![
            (OK, "success (also: skipped by --if-changed)"),
            (INTERNAL, "internal error (a bug: please report it with the log)"),
            (USAGE, "command-line usage error"),
            (CONFIG, "malformed or inconsistent run config"),
            (MODEL, "malformed or inconsistent model file"),
            (OUTPUT, "outputs could not be written"),
            (LOCKED, "another run is writing the same output folder"),
            (ENVIRONMENT, "something sise needs is not installed (a CJK font, Chromium for --pdf)"),
            (DATABASE, "the database refused or lost a publish; the years already there are as they were"),
        ];
        t.extend(super::Bad::ALL.iter().map(|b| (b.exit_code(), b.words(crate::msg::Lang::En))));
        t
    }

    /// The table as `--help` prints it.
    pub fn help() -> String {
        let rows: Vec<String> = table().iter().map(|(code, what)| format!("  {code:<2} {what}")).collect();
        format!("Exit codes:\n{}", rows.join("\n"))
    }
}

/// Classes of bad input data, each with its own exit code (10–21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bad {
    /// 10: a file is missing or unreadable.
    File,
    /// 11: a layer is not in its file.
    Layer,
    /// 12: a field is missing, or a feature has no value where one is needed.
    Field,
    /// 13: a value is of the wrong type (text where a number is needed).
    Type,
    /// 14: a value is outside what the model declares (range, categories, control grades).
    Range,
    /// 15: a layer has no features.
    Empty,
    /// 16: a null, empty or invalid geometry.
    Geometry,
    /// 17: a geometry type the model or layer does not accept.
    GeometryType,
    /// 18: no CRS, or one PROJ does not know.
    Crs,
    /// 19: coordinates outside the district or the CRS's area of use
    /// (swapped lon/lat, wrong CRS or offset).
    Outside,
    /// 20: the same id twice in a layer (or two adjustments of one object).
    DuplicateId,
    /// 21: a domain or object id that the run does not have (an expert
    /// review's adjustment of a mistyped or vanished object).
    Unknown,
}

impl Bad {
    pub const ALL: [Bad; 12] = [
        Bad::File,
        Bad::Layer,
        Bad::Field,
        Bad::Type,
        Bad::Range,
        Bad::Empty,
        Bad::Geometry,
        Bad::GeometryType,
        Bad::Crs,
        Bad::Outside,
        Bad::DuplicateId,
        Bad::Unknown,
    ];

    pub fn exit_code(self) -> u8 {
        10 + Bad::ALL.iter().position(|b| *b == self).expect("listed") as u8
    }

    /// What the class means: in English for `--help`, the README and
    /// rejects tables, in Chinese for lists sent back to data providers.
    pub fn words(self, lang: crate::msg::Lang) -> &'static str {
        let (en, zh) = match self {
            Bad::File => ("missing or unreadable file", "文件缺失或无法读取"),
            Bad::Layer => ("layer not found in its file", "文件中没有该图层"),
            Bad::Field => ("missing field or empty value", "缺少字段或编号为空"),
            Bad::Type => (
                "value of the wrong type (not a number, NaN, an estimate), or text in an undeclared encoding",
                "数值格式错误（非数字、估计值或编码不明的文字）",
            ),
            Bad::Range => ("value outside what the model declares", "取值超出模型规定的范围或类别"),
            Bad::Empty => ("empty layer", "图层没有要素"),
            Bad::Geometry => ("null, empty or invalid geometry", "坐标或几何缺失、无效"),
            Bad::GeometryType => ("geometry type not accepted", "几何类型不符"),
            Bad::Crs => ("no CRS or unknown CRS", "坐标系缺失或无法识别"),
            Bad::Outside => ("coordinates outside the district or the CRS's area of use", "坐标超出经纬度范围或位于区外"),
            Bad::DuplicateId => ("duplicate id", "编号重复"),
            Bad::Unknown => ("unknown domain or object id", "领域或对象编号不存在"),
        };
        match lang {
            crate::msg::Lang::En => en,
            crate::msg::Lang::Zh => zh,
        }
    }
}

#[derive(Debug)]
pub enum Error {
    Config {
        file: PathBuf,
        message: String,
    },
    Model {
        file: PathBuf,
        message: String,
    },
    Input {
        bad: Bad,
        file: PathBuf,
        layer: Option<String>,
        message: String,
    },
    Output {
        path: PathBuf,
        message: String,
    },
    Locked {
        path: PathBuf,
        message: String,
    },
    /// A database connection or statement failed (`sise publish`); `target` has no password.
    Database {
        target: String,
        message: String,
    },
    /// Not the input's fault nor the output folder's: the machine lacks a tool or font.
    Environment {
        what: String,
        message: String,
    },
}

/// The frame of each kind of error (what it is about), in the message language.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::msg::{located, About};
        let text = match self {
            Error::Config { file, message } => located(About::Config(file), message),
            Error::Model { file, message } => located(About::Model(file), message),
            Error::Input { file, layer, message, .. } => located(About::Input { file, layer: layer.as_deref() }, message),
            Error::Output { path, message } | Error::Locked { path, message } => located(About::Output(path), message),
            Error::Environment { what, message } => located(what, message),
            Error::Database { target, message } => located(About::Database(target), message),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Error {}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config { .. } => exit::CONFIG,
            Error::Model { .. } => exit::MODEL,
            Error::Input { bad, .. } => bad.exit_code(),
            Error::Output { .. } => exit::OUTPUT,
            Error::Locked { .. } => exit::LOCKED,
            Error::Environment { .. } => exit::ENVIRONMENT,
            Error::Database { .. } => exit::DATABASE,
        }
    }

    pub fn input(bad: Bad, file: impl Into<PathBuf>, layer: Option<&str>, message: impl Into<String>) -> Error {
        Error::Input { bad, file: file.into(), layer: layer.map(str::to_owned), message: message.into() }
    }

    pub fn output(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Error {
        Error::Output { path: path.into(), message: message.to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_input_class_has_its_own_code() {
        let codes: Vec<u8> = Bad::ALL.iter().map(|b| b.exit_code()).collect();
        assert_eq!(codes, (10..=21).collect::<Vec<u8>>());
    }
}
