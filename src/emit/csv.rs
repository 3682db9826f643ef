//! CSV as assessors open it: UTF-8 with a BOM (so Excel shows the Chinese),
//! and text cells that cannot run as formulas. Every CSV sise writes goes
//! through [`write`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use polars::io::csv::write::BatchedWriter;
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

/// Write `df` to `path` as CSV with a BOM, every text cell made [`inert`].
pub fn write(path: &Path, df: &DataFrame) -> Result<()> {
    let mut w = Writer::create(path, df.schema())?;
    w.write(df)?;
    w.finish()
}

/// A CSV written a batch of rows at a time (a city's 风险清单 is built in
/// chunks): a BOM and the header, then every batch with its text cells made
/// [`inert`]. The file is the one [`write`] makes of all the rows at once.
pub struct Writer {
    path: PathBuf,
    csv: BatchedWriter<std::fs::File>,
}

impl Writer {
    pub fn create(path: &Path, schema: &Schema) -> Result<Writer> {
        let file = std::fs::File::create(path).map_err(|e| Error::output(path, e))?;
        // One thread: emit already writes its parts side by side, and a
        // writer waiting on polars' pool would let its thread take another
        // whole part meanwhile, leaving the 风险清单 (the longest part) idle.
        let csv = CsvWriter::new(file).include_bom(true).n_threads(1).batched(schema).map_err(|e| Error::output(path, e))?;
        Ok(Writer { path: path.to_owned(), csv })
    }

    pub fn write(&mut self, df: &DataFrame) -> Result<()> {
        let err = |e: PolarsError| Error::output(&self.path, e);
        // A column is copied only when one of its cells needs it.
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
        self.csv.write_batch(&DataFrame::new(columns).map_err(err)?).map_err(err)
    }

    pub fn finish(mut self) -> Result<()> {
        self.csv.finish().map_err(|e| Error::output(&self.path, e))
    }
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
