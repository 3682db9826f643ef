//! Errors a user can act on, and the exit code each class maps to.
//!
//! Every message names the file, and where it applies the layer, feature and
//! field, so an operator reading a cron log can fix the input without a debugger.

use std::path::PathBuf;

/// Exit codes of `sise`, documented in `--help` and the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// An unexpected internal failure (a bug): please report it.
    pub const INTERNAL: u8 = 1;
    /// Command-line usage error (clap's own code).
    pub const USAGE: u8 = 2;
    /// The run configuration or a model file is malformed or inconsistent.
    pub const CONFIG: u8 = 3;
    /// An input layer is missing, unreadable or does not fit what a model needs.
    pub const INPUT: u8 = 4;
    /// Outputs could not be written.
    pub const OUTPUT: u8 = 5;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("run config {}: {message}", file.display())]
    Config { file: PathBuf, message: String },

    #[error("model {}: {message}", file.display())]
    Model { file: PathBuf, message: String },

    #[error("input {}{}: {message}", file.display(), layer.as_ref().map(|l| format!(" layer '{l}'")).unwrap_or_default())]
    Input { file: PathBuf, layer: Option<String>, message: String },

    #[error("output {}: {message}", path.display())]
    Output { path: PathBuf, message: String },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config { .. } | Error::Model { .. } => exit::CONFIG,
            Error::Input { .. } => exit::INPUT,
            Error::Output { .. } => exit::OUTPUT,
        }
    }

    pub fn input(file: impl Into<PathBuf>, layer: Option<&str>, message: impl Into<String>) -> Error {
        Error::Input { file: file.into(), layer: layer.map(str::to_owned), message: message.into() }
    }

    pub fn output(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Error {
        Error::Output { path: path.into(), message: message.to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
