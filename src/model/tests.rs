//! The model language, parsed and checked: unit tests.

use super::*;
use crate::level::Level;

pub(crate) const BASE: &str = r#"
id = "D99"
key = "test"
name = "测试"
model_version = "1"
geometry = "point"
method = "weighted_index"

[inputs]
objects = "sites"
exposure = ["people"]

[[indicator]]
key = "a"
name = "A"
source = "attribute"
field = "a"
linear = [0, 10]
weight = 0.6

[[indicator]]
key = "b"
name = "B"
source = "count_within"
layer = "people"
radius_m = 500
steps = [[0, 0], [5, 50], [10, 100]]
weight = 0.4

[[veto]]
when = "a >= 9"
level = 1
reason = "测试"

[levels]
red = 75
orange = 55
yellow = 35

[aggregate]
grid = "max"
streets = "mean"
"#;

fn parse(text: &str) -> Result<Model> {
    Model::from_str(Path::new("D99.toml"), text)
}

fn message(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn parses_a_complete_model() {
    let m = parse(BASE).unwrap();
    assert_eq!(m.indicators.len(), 2);
    assert_eq!(m.indicators[1].source, Source::Within { layer: "people".into(), field: None, radius_m: 500.0 });
    assert_eq!(m.indicators[0].line, 13);
    assert_eq!(m.context_layers(), vec!["people"]);
    assert_eq!(m.vetoes[0].level, Level::Major);
    assert_eq!(m.weights(), Some(&[0.6, 0.4][..]));
}

#[test]
fn weights_must_sum_to_one() {
    let e = message(&BASE.replace("weight = 0.4", "weight = 0.3"));
    assert!(e.contains("sum to 0.9000") && e.contains("D99.toml"), "{e}");
}

#[test]
fn unknown_method_lists_the_valid_ones() {
    let e = message(&BASE.replace("\"weighted_index\"", "\"fuzzy\""));
    assert!(e.contains("weighted_index") && e.contains("risk_matrix") && e.contains("line 7"), "{e}");
}

#[test]
fn indicator_errors_name_line_and_key() {
    let e = message(&BASE.replace("radius_m = 500\n", ""));
    assert!(e.contains("line 21: indicator 'b'") && e.contains("radius_m"), "{e}");
    let e = message(&BASE.replace("layer = \"people\"\n", "layer = \"crowd\"\n"));
    assert!(e.contains("indicator 'b' reads layer 'crowd'") && e.contains("[inputs]"), "{e}");
}

#[test]
fn ahp_weights_replace_explicit_ones() {
    let text = BASE.replace("weight = 0.6\n", "").replace("weight = 0.4\n", "") + "\n[ahp]\norder = [\"a\", \"b\"]\nmatrix = [[1, 3], [\"1/3\", 1]]\n";
    let m = parse(&text).unwrap();
    let w = m.weights().unwrap();
    assert!((w[0] - 0.75).abs() < 1e-9 && (w[1] - 0.25).abs() < 1e-9, "{w:?}");
}

#[test]
fn ahp_inconsistency_is_rejected_with_the_ratio() {
    let text = BASE.replace("weight = 0.6\n", "").replace("weight = 0.4\n", "")
        + "[[indicator]]\nkey = \"c\"\nname = \"C\"\nsource = \"attribute\"\nfield = \"c\"\nlinear = [0, 1]\n"
        + "\n[ahp]\norder = [\"a\", \"b\", \"c\"]\nmatrix = [[1, 5, \"1/5\"], [\"1/5\", 1, 5], [5, \"1/5\", 1]]\n";
    let e = message(&text);
    assert!(e.contains("[ahp]") && e.contains("consistency ratio CR =") && e.contains("below 0.1"), "{e}");
}

#[test]
fn risk_matrix_checks_table_shape_and_classes() {
    let matrix = |table: &str| {
        BASE.replace("weighted_index", "risk_matrix")
            .replace("linear = [0, 10]\nweight = 0.6", "steps = [[0, 1], [3, 2], [6, 3]]")
            .replace("steps = [[0, 0], [5, 50], [10, 100]]\nweight = 0.4", "steps = [[0, 1], [5, 2], [10, 3]]")
            + &format!("\n[risk_matrix]\nlikelihood = \"a\"\nseverity = \"b\"\n{table}\n")
    };
    let m = parse(&matrix("table = [[4, 4, 3], [4, 3, 2], [3, 2, 1]]")).unwrap();
    assert!(matches!(m.method, Method::RiskMatrix { classes: (3, 3), .. }));
    let e = message(&matrix("table = [[4, 4, 3], [4, 3], [3, 2, 1]]"));
    assert!(e.contains("[risk_matrix]") && e.contains("rectangle") && e.contains("[3, 2, 3]"), "{e}");
    let e = message(&matrix("table = [[4, 4], [4, 3]]"));
    assert!(e.contains("must score whole classes 1–2"), "{e}");
}

#[test]
fn overlapping_thresholds_are_rejected() {
    let e = message(&BASE.replace("orange = 55", "orange = 80"));
    assert!(e.contains("[levels]") && e.contains("red > orange > yellow") && e.contains("line"), "{e}");
}

#[test]
fn steps_score_the_last_breakpoint_reached() {
    let n = Normalise::Steps(vec![(0.0, 0.0), (5.0, 50.0), (10.0, 100.0)]);
    assert_eq!(n.score(-1.0, (0.0, 0.0)), 0.0);
    assert_eq!(n.score(4.99, (0.0, 0.0)), 0.0);
    assert_eq!(n.score(5.0, (0.0, 0.0)), 50.0);
    assert_eq!(n.score(1e9, (0.0, 0.0)), 100.0);
    let l = Normalise::Linear { from: 2000.0, to: 0.0 };
    assert_eq!(l.score(500.0, (0.0, 0.0)), 75.0);
    assert_eq!(l.score(5000.0, (0.0, 0.0)), 0.0);
    assert_eq!(Normalise::MinMax.score(15.0, (10.0, 30.0)), 25.0);
}

#[test]
fn missing_rules_are_read_and_checked_against_the_source() {
    let m = parse(&BASE.replace("linear = [0, 10]\n", "linear = [0, 10]\nmissing = \"worst\"\n")).unwrap();
    assert_eq!(m.indicators[0].missing, Missing::Worst);
    assert_eq!(m.indicators[0].worst_value(), Some(RawValue::Number(10.0)));
    assert_eq!(parse(BASE).unwrap().indicators[0].missing, Missing::Error, "the default is error");
    let m = parse(&BASE.replace("linear = [0, 10]\n", "linear = [0, 10]\nmissing = 3.5\n")).unwrap();
    assert_eq!(m.indicators[0].missing_value(), Some(RawValue::Number(3.5)));
    let e = message(&BASE.replace("linear = [0, 10]\n", "linear = [0, 10]\nmissing = \"skip\"\n"));
    assert!(e.contains("missing = \"skip\"") && e.contains("\"worst\""), "{e}");
    // A count has nothing that can be missing.
    let e = message(&BASE.replace("radius_m = 500\n", "radius_m = 500\nmissing = \"zero\"\n"));
    assert!(e.contains("`missing` does not apply to source = \"count_within\""), "{e}");
    let e = message(&BASE.replace("linear = [0, 10]\n", "minmax = true\nmissing = \"worst\"\n"));
    assert!(e.contains("needs a declared `range`"), "{e}");
    let cats = BASE
        .replace("linear = [0, 10]\n", "categories = { \"Ｈｉｇｈ \" = 100, low = 10 }\nmissing = \"worst\"\n")
        .replace("when = \"a >= 9\"", "when = \"a == \\\"high\\\"\"");
    let m = parse(&cats).unwrap();
    // Keys are folded like the values they match; the worst category is the highest-scoring one.
    assert_eq!(m.indicators[0].worst_value(), Some(RawValue::Text("High".into())));
    let e = message(&cats.replace("missing = \"worst\"", "missing = \"zero\""));
    assert!(e.contains("categorical indicator has no number"), "{e}");
    let e = message(&BASE.replace("[levels]", "[control]\nfield = \"g\"\nfactors = { A = 1.0 }\nmissing = \"zero\"\n\n[levels]"));
    assert!(e.contains("[control] missing = \"zero\""), "{e}");
    let e = message(&BASE.replace("[levels]", "[control]\nfield = \"g\"\nfactors = { A = 1.0, \"Ａ\" = 2.0 }\n\n[levels]"));
    assert!(e.contains("two keys read as 'A'"), "{e}");
}

#[test]
fn veto_conditions_are_typed_against_indicators() {
    let e = message(&BASE.replace("when = \"a >= 9\"", "when = \"a == \\\"9\\\"\""));
    assert!(e.contains("compares the numeric indicator 'a' with text"), "{e}");
    let m = parse(&BASE.replace("reason = \"测试\"", "reason = \"测试\"\nmissing = \"worst\"")).unwrap();
    assert_eq!(m.vetoes[0].missing, Missing::Worst);
}

#[test]
fn formulas_resolve_their_variables() {
    let text = BASE.replace(
        "[[veto]]",
        "[[indicator]]\nkey = \"ratio\"\nname = \"R\"\nsource = \"formula\"\nexpr = \"a / storage_t * length_m\"\nlinear = [0, 1]\n\n[[veto]]",
    );
    let m = parse(&text).unwrap();
    let Source::Formula { vars, .. } = &m.indicators[2].source else { panic!() };
    assert!(vars.contains(&Var::Indicator(0)) && vars.contains(&Var::Field("storage_t".into())) && vars.contains(&Var::LengthM), "{vars:?}");
}

#[test]
fn max_within_reads_a_field_of_nearby_features_with_its_own_missing_words() {
    let max = BASE.replace("source = \"count_within\"\n", "source = \"max_within\"\nfield = \"grade\"\n");
    let m = parse(&max).unwrap();
    let s = &m.indicators[1].source;
    assert_eq!(*s, Source::MaxWithin { layer: "people".into(), field: "grade".into(), radius_m: 500.0 });
    assert_eq!((s.layer(), s.reach_m(), s.object_fields().len()), (Some("people"), 500.0, 0));
    assert_eq!(s.reads(false), vec![FieldRead::Context { layer: "people", field: "grade" }]);
    assert_eq!(s.words(GeomKind::Point, crate::msg::Lang::Zh), "500 米范围内 people 的 grade 最高值（无则记 0）");
    // A field of each nearby feature: "zero", a number or "reject", never "worst".
    use crate::msg::Choice;
    assert_eq!(m.indicators[1].missing_choices(), vec![Choice::Reject, Choice::Zero, Choice::Number]);
    let e = message(&max.replace("radius_m = 500\n", "radius_m = 500\nmissing = \"worst\"\n"));
    assert!(e.contains("\"worst\" has no meaning there"), "{e}");
    assert!(parse(&max.replace("radius_m = 500\n", "radius_m = 500\nmissing = \"zero\"\n")).is_ok());
    assert!(message(&max.replace("field = \"grade\"\n", "")).contains("source = \"max_within\" needs `field`"));
    assert!(message(&max.replace("radius_m = 500\n", "")).contains("needs `radius_m`"));
    assert!(message(&max.replace("radius_m = 500\n", "radius_m = 500\nstat = \"max\"\n")).contains("`stat` does not apply to source = \"max_within\""));
}

#[test]
fn missing_words_offered_are_those_the_check_accepts() {
    // An attribute scored by min–max has no worst value without a range:
    // messages must not suggest "worst" where the model check refuses it.
    let minmax = BASE.replace("linear = [0, 10]\n", "minmax = true\n");
    let m = parse(&minmax).unwrap();
    use crate::msg::Choice;
    let choices = m.indicators[0].missing_choices();
    assert_eq!(choices, vec![Choice::Reject, Choice::Zero, Choice::Number]);
    let ranged = parse(&minmax.replace("minmax = true\n", "minmax = true\nrange = [0, 10]\n")).unwrap();
    assert!(ranged.indicators[0].missing_choices().contains(&Choice::Worst));
}

#[test]
fn aggregate_admin_is_the_older_name_of_streets() {
    let older = parse(&BASE.replace("streets = \"mean\"", "admin = \"mean\"")).unwrap();
    assert_eq!(older.aggregate.streets, parse(BASE).unwrap().aggregate.streets);
    let both = parse(&BASE.replace("streets = \"mean\"", "streets = \"mean\"\nadmin = \"max\"")).unwrap_err().to_string();
    assert!(both.contains("streets"), "{both}");
}

#[test]
fn every_source_name_has_its_arm() {
    // `indicators()` refuses a name outside NAMES before `Source::parse`
    // sees it; this holds the list and the match arms to each other.
    for name in source::NAMES {
        let text = format!("key = \"k\"\nname = \"k\"\nsource = \"{name}\"\nfield = \"f\"\nlayer = \"l\"\nradius_m = 100\nexpr = \"1\"\nstat = \"max\"\n");
        let raw: raw::RawIndicator = toml::from_str(&text).unwrap();
        if let Err(e) = source::Source::parse(&raw, &[]) {
            assert_ne!(e, source::unknown(name), "'{name}' is in NAMES but has no arm in Source::parse");
        }
    }
}
