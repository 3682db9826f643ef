//! CSV as assessors open it: UTF-8 with a BOM (so Excel shows the Chinese),
//! and text cells that cannot run as formulas. Every CSV sise writes goes
//! through [`write`].

use std::borrow::Cow;
use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

/// A text cell made inert for spreadsheets (OWASP's CSV-injection rule): a
/// cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// prefixed with `'`, so Excel and LibreOffice show it as text instead of
/// running it as a formula. Numbers are written as numbers and stay as they are.
pub fn inert(s: &str) -> Cow<'_, str> {
    if live(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether a spreadsheet could run the cell as a formula.
fn live(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Write `df` to `path` as CSV with a BOM, every text cell made [`inert`]
/// (a column is copied only when one of its cells needs it).
pub fn write(path: &Path, df: &DataFrame) -> Result<()> {
    let err = |e: PolarsError| Error::output(path, e);
    let columns: Vec<Column> = df
        .get_columns()
        .iter()
        .map(|c| match c.str() {
            Ok(s) if s.into_iter().flatten().any(live) => {
                Column::new(c.name().clone(), s.into_iter().map(|v| v.map(|t| inert(t).into_owned())).collect::<Vec<Option<String>>>())
            }
            _ => c.clone(),
        })
        .collect();
    let mut df = DataFrame::new(columns).map_err(err)?;
    let file = std::fs::File::create(path).map_err(|e| Error::output(path, e))?;
    CsvWriter::new(file).include_bom(true).finish(&mut df).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_other_cells_stay() {
        assert_eq!(inert("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(inert("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(inert("+1"), "'+1");
        assert_eq!(inert("-2+3"), "'-2+3");
        assert_eq!(inert("\tx"), "'\tx");
        assert_eq!(inert("桃浦镇"), "桃浦镇");
        assert_eq!(inert("a=b"), "a=b");
    }
}
