//! The message catalogue: everything sise says to its users when it
//! refuses, warns or hints, in English and in Chinese, in one place. The
//! language is chosen once at start-up (`--lang`, else a Chinese locale in
//! LC_ALL, LC_MESSAGES or LANG) and every message renders in it; English is
//! the default.
//!
//! Code builds a message from the facts (file, feature, field, value) and
//! never words it itself: [`Msg`] for input data (`catalogue.rs`), the
//! mistakes of model files, the run config and a tiled run's plan
//! (`mistakes.rs`), what stops outputs and publishing and the warnings
//! (`output.rs`), and why a value cannot be read (`values.rs`). `en/` and
//! `zh/` word each, one arm per message; `parts.rs` holds what messages
//! share (a field, a feature or row, a place in a model file, what an error
//! is about). Texts in a fixed language (the reports' Chinese, `sise models
//! show`'s English) choose their words with [`Lang::pick`]; progress logs
//! at info level stay in English for operators.

use std::fmt;

mod catalogue;
mod en;
mod mistakes;
mod output;
mod parts;
mod values;
mod zh;

pub use catalogue::Msg;
pub use mistakes::{AggregateMistake, ConfigMistake, MatrixAxis, MethodMistake, MissingMisfit, ModelMistake, PlanMistake, RuleMistake};
pub use output::{DbName, Done, OutputTrouble, PublishTrouble, ReferenceDocxWhy, Warning};
use parts::*;
pub use parts::{
    toml_key, toml_str, About, At, Cause, Choice, CrsGuess, Field, Gap, Holds, InMemoryPart, Place, RasterPart, Reader, Rewrite, SizeBasis, ValueKind, Wants,
};
use std::sync::OnceLock;
pub use values::{CrsError, DmsPart, NotACoordinate, NotANumber, NotAYear};

/// The language of what sise says: its messages (`--lang`, else the
/// locale), and texts in a fixed language (reports in Chinese, `sise models
/// show` in English) through [`Lang::pick`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The words of this language.
    pub fn pick(self, en: String, zh: String) -> String {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Set the language for the rest of the process (the first call wins).
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

pub fn lang() -> Lang {
    *LANG.get().unwrap_or(&Lang::En)
}

/// `--lang` when given, else Chinese under a zh_* locale (as POSIX orders
/// LC_ALL, LC_MESSAGES, LANG), else English.
pub fn detect(flag: Option<Lang>) -> Lang {
    flag.unwrap_or_else(|| {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty())).unwrap_or_default();
        if locale.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    })
}

/// `what: message`, with the colon of the language.
pub fn located(what: impl fmt::Display, message: impl fmt::Display) -> String {
    lang().pick(format!("{what}: {message}"), format!("{what}：{message}"))
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match lang() {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        })
    }
}

/// A message type beside [`Msg`], worded by `en()` and `zh()` in `en/` and `zh/`.
macro_rules! worded {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&match lang() {
                    Lang::En => self.en(),
                    Lang::Zh => self.zh(),
                })
            }
        }

        impl From<$t> for String {
            fn from(m: $t) -> String {
                m.to_string()
            }
        }
    )*};
}

worded!(ModelMistake, ConfigMistake, OutputTrouble, PlanMistake, PublishTrouble, Warning, Done, NotANumber, NotAYear, NotACoordinate, CrsError);

impl From<Msg> for String {
    fn from(m: Msg) -> String {
        m.to_string()
    }
}
