//! The collection workbook: a 填表说明 sheet first (how to fill, every
//! column explained, an example row per sheet), one sheet per point layer
//! (a title row, the header row, drop-downs and ranges on 1000 rows), and a
//! hidden 选项 sheet holding the drop-down lists (Excel limits a list typed
//! into a validation to 255 characters; a range has no such limit).

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, XlsxError,
};

use super::{Form, FormColumn, Setting};
use crate::model::FieldKind;

/// Rows offered for filling, below the header.
const ROWS: u32 = 1000;
/// The header's row (0-based; Excel row 2): `header_row = 2` in `layers.toml`.
const HEADER: u32 = 1;
const OPTIONS: &str = "选项";

pub fn write(path: &std::path::Path, points: &[&Form], all: &[Form], setting: &Setting) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    instructions(wb.add_worksheet(), points, all, setting)?;
    // The drop-down lists, one column each, in the order the sheets use them.
    let mut lists: Vec<Vec<String>> = Vec::new();
    for f in points {
        form_sheet(wb.add_worksheet(), f, setting, &mut lists)?;
    }
    options_sheet(&mut wb, &lists)?;
    wb.save(path)
}

/// The hidden 选项 sheet: each drop-down list a column, as [`list`] refers to it.
pub(super) fn options_sheet(wb: &mut Workbook, lists: &[Vec<String>]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(OPTIONS)?;
    for (c, list) in lists.iter().enumerate() {
        for (r, v) in list.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v)?;
        }
    }
    ws.set_hidden(true);
    Ok(())
}

/// A drop-down of the `at`-th list of the 选项 sheet, `n` values long, refusing
/// other values with `message`.
pub(super) fn list(at: usize, n: usize, message: &str) -> Result<DataValidation, XlsxError> {
    let col = crate::load::sheet::letter(at);
    Ok(DataValidation::new()
        .allow_list_formula(Formula::new(format!("='{OPTIONS}'!${col}$1:${col}${n}")))
        .set_error_title("不在可选值中")?
        .set_error_message(message)?
        .set_error_style(DataValidationErrorStyle::Stop))
}

pub(super) fn title_format() -> Format {
    Format::new().set_bold().set_font_size(14)
}

pub(super) fn header_format(required: bool) -> Format {
    let f = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xD9E1F2)).set_text_wrap().set_align(FormatAlign::Center);
    if required {
        f.set_font_color(Color::RGB(0xC00000))
    } else {
        f
    }
}

/// What a column accepts, in words.
fn accepts(c: &FormColumn) -> String {
    match &c.kind {
        FieldKind::Choice(v) => format!("从下拉列表选择：{}", v.join(" / ")),
        FieldKind::Number(Some((lo, hi))) => format!("数值，{lo}～{hi}"),
        FieldKind::Number(None) => "数值".into(),
        FieldKind::Year => "四位年份，如 2008".into(),
        FieldKind::Text => "文字".into(),
    }
}

/// One layer's sheet: title, header (required columns in red, a note on
/// each), validations, coordinates last.
fn form_sheet(ws: &mut rust_xlsxwriter::Worksheet, f: &Form, setting: &Setting, lists: &mut Vec<Vec<String>>) -> Result<(), XlsxError> {
    ws.set_name(&f.title)?;
    let n = f.columns.len() as u16 + 2;
    let year = setting.year.map(|y| format!("（{y}年）")).unwrap_or_default();
    ws.merge_range(0, 0, 0, n - 1, &format!("{}{}风险普查采集表{year}　坐标：{}", setting.district, f.title, f.datum.name_zh()), &title_format())?;
    ws.set_row_height(HEADER, 32)?;
    for (i, c) in f.columns.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(HEADER, col, &c.header, &header_format(c.required))?;
        let required = if c.required { "必填" } else { "选填" };
        ws.insert_note(HEADER, col, &Note::new(format!("{required}。{}。{}", accepts(c), c.note)).set_author("sise"))?;
        ws.set_column_width(col, (c.header.chars().count() as f64 * 2.2).clamp(10.0, 30.0))?;
        if let Some(v) = validation(c, setting, lists)? {
            ws.add_data_validation(HEADER + 1, col, HEADER + ROWS, col, &v)?;
        }
    }
    // Longitude and latitude, on the form's datum.
    for (k, (name, lo, hi)) in [("经度", 73.0, 136.0), ("纬度", 3.0, 54.0)].into_iter().enumerate() {
        let col = f.columns.len() as u16 + k as u16;
        ws.write_string_with_format(HEADER, col, name, &header_format(true))?;
        ws.insert_note(
            HEADER,
            col,
            &Note::new(format!("必填。{}，十进制度，如 {:.6}", f.datum.name_zh(), [f.example_lonlat.0, f.example_lonlat.1][k])).set_author("sise"),
        )?;
        ws.set_column_width(col, 14)?;
        let v = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(lo, hi))
            .set_error_title("坐标超出范围")?
            .set_error_message(format!("{name}应为十进制度数（{lo}～{hi}）"))?;
        ws.add_data_validation(HEADER + 1, col, HEADER + ROWS, col, &v)?;
    }
    ws.set_freeze_panes(HEADER + 1, 0)?;
    Ok(())
}

/// The validation of a column: a list from the 选项 sheet, a number range, a year.
fn validation(c: &FormColumn, setting: &Setting, lists: &mut Vec<Vec<String>>) -> Result<Option<DataValidation>, XlsxError> {
    let v = match &c.kind {
        FieldKind::Choice(values) => {
            let at = match lists.iter().position(|l| l == values) {
                Some(i) => i,
                None => {
                    lists.push(values.clone());
                    lists.len() - 1
                }
            };
            return list(at, values.len(), &format!("请从下拉列表选择：{}", truncate(&values.join(" / "), 200))).map(Some);
        }
        FieldKind::Number(Some((lo, hi))) => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(*lo, *hi))
            .set_error_title("数值超出范围")?
            .set_error_message(format!("{}应在 {lo}～{hi} 之间", c.name))?,
        FieldKind::Number(None) => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-1e12, 1e12))
            .set_error_title("应为数值")?
            .set_error_message(format!("{}应为数值（不带单位和文字）", c.name))?,
        FieldKind::Year => {
            let to = setting.year.unwrap_or(2100);
            DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(1900, to))
                .set_error_title("年份不正确")?
                .set_error_message(format!("{}应为 1900～{to} 的四位年份", c.name))?
        }
        FieldKind::Text => return Ok(None),
    };
    Ok(Some(v.set_error_style(DataValidationErrorStyle::Stop)))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// The 填表说明 sheet: general rules, then per sheet every column and an example row.
fn instructions(ws: &mut rust_xlsxwriter::Worksheet, points: &[&Form], all: &[Form], setting: &Setting) -> Result<(), XlsxError> {
    ws.set_name("填表说明")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.write_string_with_format(0, 0, format!("{}风险普查数据采集模板 — 填表说明", setting.district), &title_format())?;
    let others: Vec<&str> = all.iter().filter(|f| !points.iter().any(|p| p.layer == f.layer)).map(|f| f.title.as_str()).collect();
    let mut rules = vec![
        "1. 每类对象一个工作表；第1行为标题，第2行为表头，请勿修改表头文字。从第3行起每行填写一个对象，空行不计。".to_owned(),
        "2. 红色表头为必填项；鼠标移到表头可看到填写要求。有下拉列表的列请从列表中选择。".to_owned(),
        "3. 数值只填数字，单位见表头，不填“约”“左右”“不详”；没有的填 0，不知道的留空并在报送时说明。".to_owned(),
        "4. 经度、纬度填十进制度数（如 121.395678），坐标系见各表标题；请在地图上拾取对象的位置。".to_owned(),
        "5. 编号在同一表内唯一，逐年评估时同一对象保持同一编号。".to_owned(),
    ];
    if !others.is_empty() {
        rules.push(format!("6. 线、面对象（{}）请在 采集模板.gpkg 中用 QGIS 绘制并填写属性表单。", others.join("、")));
    }
    for (i, r) in rules.iter().enumerate() {
        ws.write_string(2 + i as u32, 0, r)?;
    }
    let mut row = 3 + rules.len() as u32;
    for f in points {
        row += 1;
        ws.write_string_with_format(row, 0, format!("工作表“{}”（图层 {}）", f.title, f.layer), &bold)?;
        row += 1;
        for (c, h) in ["表头", "字段", "必填", "填写要求", "用途", "示例"].iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *h, &header_format(false))?;
        }
        for c in &f.columns {
            row += 1;
            let cells = [c.header.as_str(), c.key.as_str(), if c.required { "是" } else { "否" }, &accepts(c), &c.note, &c.example];
            for (k, v) in cells.iter().enumerate() {
                ws.write_string_with_format(row, k as u16, *v, &wrap)?;
            }
        }
        row += 2;
        ws.write_string_with_format(row, 0, "示例行（填写时请勿复制到数据表中的标题行上方）：", &bold)?;
        row += 1;
        let headers = f.columns.iter().map(|c| c.header.as_str()).chain(["经度", "纬度"]);
        for (k, h) in headers.enumerate() {
            ws.write_string_with_format(row, k as u16, h, &header_format(false))?;
        }
        row += 1;
        let examples = f.columns.iter().map(|c| c.example.clone()).chain([format!("{:.6}", f.example_lonlat.0), format!("{:.6}", f.example_lonlat.1)]);
        for (k, v) in examples.enumerate() {
            ws.write_string(row, k as u16, v)?;
        }
        row += 1;
    }
    for (c, w) in [18.0, 18.0, 6.0, 40.0, 48.0, 18.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_column_width(6, 14)?;
    ws.set_column_width(7, 14)?;
    Ok(())
}
