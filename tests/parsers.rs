//! Property tests: the run-config and model parsers return errors on any
//! text, never panic — also on text that is nearly right.

use std::path::Path;

use proptest::prelude::*;
use sise::config::RunConfig;
use sise::model::Model;

const MODEL: &str = include_str!("fixtures/handmade/sites_model.toml");
const CONFIG: &str = include_str!("fixtures/handmade/assessment.toml");

/// Nearly-right text: a real file with a slice replaced by random characters.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    (0..base.len(), 0usize..40, "\\PC{0,30}").prop_map(move |(at, len, insert)| {
        let at = (0..=at).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
        let end = (at + len..=base.len()).find(|i| base.is_char_boundary(*i)).unwrap_or(base.len());
        format!("{}{insert}{}", &base[..at], &base[end..])
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn model_parser_never_panics(text in "\\PC{0,400}") {
        let _ = Model::from_str(Path::new("random.toml"), &text);
    }

    #[test]
    fn model_parser_never_panics_on_near_misses(text in mutated(MODEL)) {
        let _ = Model::from_str(Path::new("mutated.toml"), &text);
    }

    #[test]
    fn config_parser_never_panics(text in "\\PC{0,400}") {
        let _ = RunConfig::from_str(Path::new("random.toml"), &text);
    }

    #[test]
    fn config_parser_never_panics_on_near_misses(text in mutated(CONFIG)) {
        let _ = RunConfig::from_str(Path::new("/tmp/mutated/assessment.toml"), &text);
    }
}
