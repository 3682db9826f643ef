//! The data-quality report as a workbook: 领域汇总, 字段填报, 街镇填报 and
//! 问题清单 (one line per object to correct, with its spreadsheet row).

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::Quality;

/// A cell value of a report table.
enum Cell {
    Text(String),
    Number(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::Number(x)
    }
}
impl From<usize> for Cell {
    fn from(x: usize) -> Cell {
        Cell::Number(x as f64)
    }
}

fn yes(b: bool) -> Cell {
    Cell::Text(if b { "是" } else { "否" }.into())
}

/// One sheet: a header row (names and widths), then rows; a row whose
/// `flag` column says 否 (short of the target) is shaded.
fn sheet(ws: &mut Worksheet, name: &str, header: &[(&str, f64)], rows: Vec<Vec<Cell>>, flag: Option<usize>) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let head = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2)).set_border(FormatBorder::Thin).set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    // Rows that fall short of the target stand out.
    let short = cell.clone().set_background_color(Color::RGB(0xFCE4D6));
    for (c, (h, w)) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let flagged = flag.is_some_and(|k| matches!(&row[k], Cell::Text(t) if t == "否"));
        let f = if flagged { &short } else { &cell };
        for (c, v) in row.iter().enumerate() {
            match v {
                Cell::Text(t) => ws.write_string_with_format(r as u32 + 1, c as u16, t, f)?,
                Cell::Number(x) => ws.write_number_with_format(r as u32 + 1, c as u16, *x, f)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub fn write(path: &std::path::Path, q: &Quality, properties: &rust_xlsxwriter::DocProperties) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(properties);
    summary(wb.add_worksheet(), q)?;
    fields(wb.add_worksheet(), q)?;
    streets(wb.add_worksheet(), q)?;
    problems(wb.add_worksheet(), q)?;
    wb.save(path)
}

/// 领域汇总: one row per domain, shaded when short of the target.
fn summary(ws: &mut Worksheet, q: &Quality) -> Result<(), XlsxError> {
    let rows = q
        .domains
        .iter()
        .map(|d| {
            vec![
                format!("{} {}", d.id, d.name).into(),
                d.layer.as_str().into(),
                d.registered.into(),
                d.complete.into(),
                d.complete_pct.into(),
                yes(d.meets_target),
                d.duplicates.into(),
                d.suspected_doubles.into(),
                d.bad_geometry.into(),
                d.outside.into(),
                d.offset_suspect.clone().unwrap_or_default().into(),
                d.unreadable.clone().unwrap_or_default().into(),
            ]
        })
        .collect();
    sheet(
        ws,
        "领域汇总",
        &[
            ("领域", 16.0),
            ("图层", 20.0),
            ("登记对象数", 10.0),
            ("可评估对象数", 10.0),
            ("可评估率(%)", 10.0),
            ("达到80%", 8.0),
            ("编号重复", 8.0),
            ("疑似重复登记", 8.0),
            ("坐标/几何问题", 8.0),
            ("区外对象", 8.0),
            ("坐标系疑问", 50.0),
            ("无法读取", 30.0),
        ],
        rows,
        Some(5),
    )
}

/// 字段填报: fill rate and invalid values per field.
fn fields(ws: &mut Worksheet, q: &Quality) -> Result<(), XlsxError> {
    let mut fields = Vec::new();
    for d in &q.domains {
        for f in &d.fields {
            fields.push(vec![
                format!("{} {}", d.id, d.name).into(),
                f.name.as_str().into(),
                f.key.as_str().into(),
                yes(f.required),
                if f.absent { "缺少该列".into() } else { f.filled.into() },
                f.fill_pct.into(),
                f.invalid.into(),
                f.examples.as_str().into(),
            ]);
        }
    }
    sheet(
        ws,
        "字段填报",
        &[("领域", 16.0), ("字段", 24.0), ("字段名", 20.0), ("必填", 6.0), ("已填", 8.0), ("填报率(%)", 10.0), ("无效值", 8.0), ("无效值示例", 50.0)],
        fields,
        None,
    )
}

/// 街镇填报: registered and complete objects per 街镇 and domain.
fn streets(ws: &mut Worksheet, q: &Quality) -> Result<(), XlsxError> {
    let mut streets = Vec::new();
    for d in &q.domains {
        for s in d.streets.iter().filter(|s| s.registered > 0) {
            streets.push(vec![
                format!("{} {}", d.id, d.name).into(),
                s.name.as_str().into(),
                s.registered.into(),
                s.complete.into(),
                s.complete_pct.into(),
                s.weakest.as_str().into(),
            ]);
        }
    }
    sheet(ws, "街镇填报", &[("领域", 16.0), ("街镇", 14.0), ("对象数", 8.0), ("可评估", 8.0), ("可评估率(%)", 10.0), ("主要问题", 60.0)], streets, None)
}

/// 问题清单: one line per object to correct, with its spreadsheet row.
fn problems(ws: &mut Worksheet, q: &Quality) -> Result<(), XlsxError> {
    let mut problems = Vec::new();
    for d in &q.domains {
        for p in &d.problems {
            problems.push(vec![
                format!("{} {}", d.id, d.name).into(),
                d.layer.as_str().into(),
                p.id.as_str().into(),
                p.name.as_str().into(),
                p.row.map_or(Cell::Text(String::new()), |r| Cell::Number(r as f64)),
                p.street.as_str().into(),
                p.text.as_str().into(),
            ]);
        }
    }
    sheet(
        ws,
        "问题清单",
        &[("领域", 16.0), ("图层", 18.0), ("编号", 12.0), ("名称", 24.0), ("表格行号", 8.0), ("所在街镇", 12.0), ("问题", 70.0)],
        problems,
        None,
    )
}
