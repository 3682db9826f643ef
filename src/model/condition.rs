//! Veto conditions: `NAME OP VALUE`, where NAME is an indicator key or a
//! field of the scored objects, e.g. `major_hidden_danger_unrectified > 0` or
//! `control_grade == "D"`.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    Ge,
    Le,
    Eq,
    Ne,
    Gt,
    Lt,
}

impl Op {
    /// Longer operators first, so ">=" is not read as ">".
    const TOKENS: [(&'static str, Op); 6] = [(">=", Op::Ge), ("<=", Op::Le), ("==", Op::Eq), ("!=", Op::Ne), (">", Op::Gt), ("<", Op::Lt)];

    fn token(self) -> &'static str {
        Op::TOKENS.iter().find(|(_, o)| *o == self).map(|(t, _)| *t).unwrap_or("?")
    }

    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Ge => ord != Less,
            Op::Le => ord != Greater,
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Gt => ord == Greater,
            Op::Lt => ord == Less,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub name: String,
    pub op: Op,
    pub value: Literal,
}

impl Condition {
    pub fn parse(s: &str) -> Result<Condition, String> {
        let usage = || String::from(crate::msg::ModelMistake::ConditionUnreadable { condition: s.into() });
        let (pos, tok, op) =
            Op::TOKENS.iter().filter_map(|(t, o)| s.find(t).map(|p| (p, *t, *o))).min_by_key(|(p, t, _)| (*p, std::cmp::Reverse(t.len()))).ok_or_else(usage)?;
        let name = s[..pos].trim();
        let rhs = s[pos + tok.len()..].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(usage());
        }
        let value = if let Some(t) = rhs.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            if !matches!(op, Op::Eq | Op::Ne) {
                return Err(crate::msg::ModelMistake::ConditionTextOp { condition: s.into() }.into());
            }
            Literal::Text(crate::value::fold(t))
        } else {
            Literal::Number(rhs.parse().map_err(|_| usage())?)
        };
        Ok(Condition { name: name.to_owned(), op, value })
    }

    /// Whether the condition holds for a number. Conditions are typed: a
    /// text literal never meets a number (the model check refuses that pairing).
    pub fn holds_number(&self, v: f64) -> bool {
        match &self.value {
            Literal::Number(n) => v.partial_cmp(n).is_some_and(|o| self.op.holds(o)),
            Literal::Text(_) => false,
        }
    }

    /// Whether the condition holds for a text, folded as the literal is
    /// (trimmed, half-width: see `value::fold`). Text is only ever compared
    /// with == or != (checked when parsing).
    pub fn holds_text(&self, v: &str) -> bool {
        match (&self.value, self.op) {
            (Literal::Text(t), Op::Eq) => crate::value::fold(v) == *t,
            (Literal::Text(t), Op::Ne) => crate::value::fold(v) != *t,
            _ => false,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Literal::Number(n) => write!(f, "{} {} {}", self.name, self.op.token(), n),
            Literal::Text(t) => write!(f, "{} {} \"{}\"", self.name, self.op.token(), t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_text() {
        let c = Condition::parse("hidden_dangers >= 1").unwrap();
        assert_eq!(c, Condition { name: "hidden_dangers".into(), op: Op::Ge, value: Literal::Number(1.0) });
        assert!(c.holds_number(1.0) && c.holds_number(3.0) && !c.holds_number(0.0));
        let t = Condition::parse("grade == \"D\"").unwrap();
        assert!(t.holds_text("D") && !t.holds_text("C"));
        // One folding for every comparison: spaces and full-width forms.
        assert!(t.holds_text("D ") && t.holds_text("Ｄ") && t.holds_text("\u{3000}D"));
        assert!(!t.holds_text("d"), "no case folding");
        let n = Condition::parse("grade != \"D\"").unwrap();
        assert!(n.holds_text("C") && !n.holds_text("D") && !n.holds_text(" D"));
        assert!(Condition::parse("depth > 0.5").unwrap().holds_number(0.8));
        assert!(!Condition::parse("depth > 0.5").unwrap().holds_text("0.8"), "typed: text never meets a number literal");
    }

    #[test]
    fn rejects_malformed_conditions() {
        assert!(Condition::parse("depth").is_err());
        assert!(Condition::parse("> 3").is_err());
        assert!(Condition::parse("grade > \"C\"").is_err());
        assert!(Condition::parse("a b > 1").is_err());
    }
}
