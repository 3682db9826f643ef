//! Objects that explain themselves in QGIS: each scored layer's style carries
//! a map tip (HTML with QGIS expressions, shown on hover or by the Identify
//! tool) and a display expression (the name QGIS lists a feature by). They
//! give the facts of the web map's panel, in Chinese: name, level, realistic
//! and inherent score, control factor, veto reason, expert review, the
//! indicators with values and scores, and the measures for the level.

use std::fmt::Write as _;

use super::xml::escape as html;
use super::OutLayer;
use crate::level::Level;
use crate::model::Model;
use crate::schema;

/// A layer's map tip and display expression.
#[derive(Debug, Clone)]
pub struct Tip {
    pub display: String,
    pub html: String,
}

/// A field in an expression.
fn field(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A string literal in an expression, made safe for the `[% … %]` it sits in.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''").replace("%]", "%\u{200b}]"))
}

/// Text from the data as HTML text: `<` and `&` shown, not obeyed.
fn text(expr: &str) -> String {
    format!("replace(replace(replace({expr}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')")
}

/// A number to two decimals, `—` where there is none.
fn number(name: &str) -> String {
    format!("coalesce(to_string(round({}, 2)), '—')", field(name))
}

fn row(head: &str, value_expr: &str) -> String {
    format!("<tr><th align=\"left\">{}</th><td>[% {value_expr} %]</td></tr>", html(head))
}

/// A level code's Chinese name, for the per-domain levels of a zone.
fn level_name(code_field: &str) -> String {
    // QGIS knows only the searched CASE (CASE WHEN cond THEN …).
    let mut s = String::from("CASE");
    for l in Level::ALL {
        let _ = write!(s, " WHEN {} = {} THEN {}", field(code_field), l.number(), literal(l.name_zh()));
    }
    s.push_str(" ELSE '—' END");
    s
}

fn has(layer: &OutLayer, name: &str) -> bool {
    layer.columns.iter().any(|c| c.name == name)
}

/// The object's name, or its id when the layer has no names.
fn title(layer: &OutLayer) -> String {
    if has(layer, schema::NAME) {
        format!("coalesce({}, {})", field(schema::NAME), field(schema::ID))
    } else {
        field(schema::ID)
    }
}

/// A domain's scored objects.
pub fn domain(layer: &OutLayer, m: &Model) -> Tip {
    let mut s = format!("<h3>[% {} %]</h3><table>", text(&title(layer)));
    s.push_str(&row("编号", &text(&field(schema::ID))));
    let _ = write!(s, "<tr><th align=\"left\">领域</th><td>{} {}</td></tr>", html(&m.id), html(&m.name));
    if has(layer, schema::STREET_NAME) {
        s.push_str(&row("所在街镇", &format!("coalesce({}, '—')", text(&field(schema::STREET_NAME)))));
    }
    let _ = write!(
        s,
        "<tr><th align=\"left\">风险等级</th><td><b style=\"color:[% {} %]\">[% {} %]</b></td></tr>",
        field(schema::COLOUR),
        field(schema::LEVEL_NAME)
    );
    s.push_str(&row("现实风险值", &number(schema::SCORE)));
    s.push_str(&row("固有风险值", &number(schema::INHERENT)));
    s.push_str(&row("管控系数", &number(schema::CONTROL_FACTOR)));
    s.push_str(&row("一票否决原因", &format!("coalesce({}, '无')", text(&field(schema::VETO_REASON)))));
    let review = format!(
        "if({} IS NULL, '', '<tr><th align=\"left\">专家研判</th><td>' || {} || '（计算等级：' || {} || '；' || coalesce({}, '') || ' ' || coalesce({}, '') || '）</td></tr>')",
        field(schema::REVIEW_REASON),
        text(&field(schema::REVIEW_REASON)),
        level_name(schema::COMPUTED_LEVEL),
        text(&field(schema::REVIEW_EXPERT)),
        text(&field(schema::REVIEW_DATE))
    );
    let _ = write!(s, "[% {review} %]");
    if has(layer, schema::STABILITY) {
        let _ = write!(
            s,
            "<tr><th align=\"left\">等级稳定度</th><td>[% round({}, 0) %]%[% if({} = '是', '（临界：建议专家复核）', '') %]</td></tr>",
            field(schema::STABILITY),
            field(schema::CRITICAL)
        );
    }
    s.push_str("</table><table><tr><th>指标</th><th>取值</th><th>得分</th></tr>");
    for ind in &m.indicators {
        let unit = ind.unit.as_deref().map(|u| format!("（{u}）")).unwrap_or_default();
        let numeric = layer.columns.iter().find(|c| c.name == ind.key).is_some_and(|c| !matches!(c.values, super::Values::Text(_)));
        let value = if numeric { number(&ind.key) } else { format!("coalesce({}, '—')", text(&field(&ind.key))) };
        let _ = write!(s, "<tr><td>{}{}</td><td>[% {value} %]</td><td>[% {} %]</td></tr>", html(&ind.name), html(&unit), number(&format!("{}_score", ind.key)));
    }
    s.push_str("</table>");
    if let Some(measures) = &m.measures {
        let mut case = String::from("CASE");
        for (l, text) in Level::ALL.iter().zip(measures) {
            let _ = write!(case, " WHEN {} = {} THEN {}", field(schema::LEVEL), l.number(), literal(&html(text)));
        }
        case.push_str(" ELSE '' END");
        let _ = write!(s, "<p><b>管控措施：</b>[% {case} %]</p>");
    }
    Tip { display: format!("{} || '（' || {} || '）'", title(layer), field(schema::LEVEL_NAME)), html: s }
}

/// A zone layer (grid cells or 街镇): the comprehensive level, what drove
/// it, and each domain's level.
pub fn zone(layer: &OutLayer, models: &[Model]) -> Tip {
    let name = if has(layer, schema::CELL_ID) {
        format!("'网格 ' || {} || coalesce('（' || {} || '）', '')", field(schema::CELL_ID), field(schema::STREET_NAME))
    } else {
        field(schema::STREET_NAME)
    };
    let mut s = format!("<h3>[% {} %]</h3><table>", text(&name));
    let _ = write!(
        s,
        "<tr><th align=\"left\">综合风险等级</th><td><b style=\"color:[% {} %]\">[% {} %]</b></td></tr>",
        field(schema::COLOUR),
        field(schema::LEVEL_NAME)
    );
    s.push_str(&row("综合风险值", &number(schema::SCORE)));
    s.push_str(&row("主导领域", &format!("coalesce({}, '—')", text(&field(schema::LEADING)))));
    s.push_str(&row("主要风险对象", &format!("coalesce({}, '—')", text(&field(schema::DRIVERS)))));
    s.push_str(&row("定级依据", &format!("coalesce({}, '—')", text(&field(schema::BASIS)))));
    s.push_str(&row("重大风险对象数", &field(schema::RED_OBJECTS)));
    s.push_str(&row("较大风险对象数", &field(schema::ORANGE_OBJECTS)));
    s.push_str("</table><table><tr><th>领域</th><th>风险等级</th></tr>");
    for m in models {
        let _ = write!(s, "<tr><td>{} {}</td><td>[% {} %]</td></tr>", html(&m.id), html(&m.name), level_name(&schema::domain_level_column(&m.id)));
    }
    s.push_str("</table>");
    Tip { display: format!("{name} || '（' || {} || '）'", field(schema::LEVEL_NAME)), html: s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_fields_are_quoted_for_qgis() {
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("it's 50%]"), "'it''s 50%\u{200b}]'");
        assert!(level_name("d01_level").contains("WHEN \"d01_level\" = 1 THEN '重大风险'"));
    }
}
