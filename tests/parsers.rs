//! Property tests: the run-config and model parsers never panic, on any text
//! and on text that is nearly right; what they accept keeps the language's
//! invariants, and what they refuse is refused naming the file.

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
        match Model::from_str(Path::new("mutated.toml"), &text) {
            // Accepted: a model scoring can rely on.
            Ok(m) => {
                prop_assert!(!m.indicators.is_empty());
                prop_assert!(m.thresholds.check().is_ok());
                if let Some(w) = m.weights() {
                    prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-6, "weights {w:?}");
                    prop_assert!(w.iter().all(|x| x.is_finite() && *x >= 0.0));
                }
                for ind in &m.indicators {
                    prop_assert!(ind.source.layer().is_none_or(|l| m.inputs.role_of(l).is_some()), "indicator {} reads an undeclared layer", ind.key);
                }
            }
            // Refused: the message names the file.
            Err(e) => prop_assert!(e.to_string().contains("mutated.toml"), "{e}"),
        }
    }

    /// Folding is idempotent and only narrows: applying it twice changes
    /// nothing, and ASCII text without spaces at its ends is left alone.
    #[test]
    fn text_folding_is_idempotent(text in "\\PC{0,30}") {
        let once = sise::value::fold(&text);
        prop_assert_eq!(sise::value::fold(&once), once.clone());
        if text.is_ascii() && text.trim() == text {
            prop_assert_eq!(once, text);
        }
    }

    /// A number written with separators, full-width digits, spaces or its
    /// unit reads back as the same number.
    #[test]
    fn numbers_round_trip_through_their_written_forms(n in 0u64..10_000_000_000, frac in 0u32..100, style in 0usize..4) {
        let plain = format!("{n}.{frac:02}");
        let value: f64 = plain.parse().unwrap();
        let digits: Vec<char> = n.to_string().chars().collect();
        let mut grouped = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(*c);
        }
        let written = match style {
            0 => format!("{grouped}.{frac:02}"),
            1 => plain.chars().map(|c| if c.is_ascii_digit() || c == '.' { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect(),
            2 => format!("  {plain}\u{3000}"),
            _ => format!("{grouped}.{frac:02}吨"),
        };
        let (read, _) = sise::value::number(&written, &["t"]).unwrap();
        prop_assert_eq!(read, Some(value), "{}", written);
    }

    #[test]
    fn config_parser_never_panics(text in "\\PC{0,400}") {
        let _ = RunConfig::from_str(Path::new("random.toml"), &text);
    }

    #[test]
    fn config_parser_never_panics_on_near_misses(text in mutated(CONFIG)) {
        match RunConfig::from_str(Path::new("/tmp/mutated/assessment.toml"), &text) {
            // Accepted: every path is absolute and the 街镇 layer is one of the layers.
            Ok(c) => {
                prop_assert!(c.layers.values().all(|l| l.path.is_absolute()));
                prop_assert!(c.layers.contains_key(&c.streets.layer));
                prop_assert!(c.grid_cell_m > 0.0 && !c.domains.is_empty());
            }
            Err(e) => prop_assert!(e.to_string().contains("assessment.toml"), "{e}"),
        }
    }
}
