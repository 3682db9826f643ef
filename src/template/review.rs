//! The expert review's form (专家研判调整表.xlsx): the sheet the review
//! meeting fills and `[review] adjustments` reads back — its first sheet,
//! a title row over the header `review::read` looks for, drop-downs for the
//! domains (as "D01 危险化学品") and the four levels, a date check on 研判日期,
//! and a 填写说明 sheet after it.

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format, Note, Workbook, XlsxError};

use super::xlsx::{header_format, list, options_sheet, title_format};
use super::Setting;
use crate::level::Level;
use crate::model::Model;
use crate::review::COLUMNS;

/// The file name in the template folder.
pub const WORKBOOK: &str = "专家研判调整表.xlsx";
/// Its data sheet, as `[review] sheet` may name it.
pub const SHEET: &str = "专家研判";
/// Rows offered below the header.
const ROWS: u32 = 500;
const HEADER: u32 = 1;

/// What each column takes, in the order of `review::COLUMNS`.
const NOTES: [&str; 6] = [
    "必填。从下拉列表选择领域（编号 名称）。",
    "必填。与成果 sise.gpkg 各领域图层、风险清单中的“对象编号”一致。",
    "必填。从下拉列表选择：重大风险 / 较大风险 / 一般风险 / 低风险。",
    "必填。调整依据：现场核查情况、整改情况、模型未反映的因素等。",
    "必填。研判专家姓名（及单位、职称）。",
    "必填。日期，如 2025-11-20。",
];

pub fn write(path: &std::path::Path, models: &[Model], setting: &Setting) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let domains: Vec<String> = models.iter().map(|m| format!("{} {}", m.id, m.name)).collect();
    let levels: Vec<String> = Level::ALL.iter().map(|l| l.name_zh().to_owned()).collect();

    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let year = setting.year.map(|y| format!("{y}年")).unwrap_or_default();
    ws.merge_range(0, 0, 0, COLUMNS.len() as u16 - 1, &format!("{}{year}安全风险评估专家研判调整表", setting.district), &title_format())?;
    ws.set_row_height(HEADER, 24)?;
    for (c, ((zh, _), note)) in COLUMNS.iter().zip(NOTES).enumerate() {
        let c = c as u16;
        ws.write_string_with_format(HEADER, c, *zh, &header_format(true))?;
        ws.insert_note(HEADER, c, &Note::new(note).set_author("sise"))?;
        ws.set_column_width(c, [22.0, 14.0, 12.0, 60.0, 24.0, 12.0][c as usize])?;
    }
    ws.add_data_validation(HEADER + 1, 0, HEADER + ROWS, 0, &list(0, domains.len(), "请从下拉列表选择领域")?)?;
    ws.add_data_validation(HEADER + 1, 2, HEADER + ROWS, 2, &list(1, levels.len(), "请从下拉列表选择风险等级")?)?;
    let (from, to) = (ExcelDateTime::from_ymd(2000, 1, 1)?, ExcelDateTime::from_ymd(2100, 12, 31)?);
    let date = DataValidation::new()
        .allow_date(DataValidationRule::Between(from, to))
        .set_error_title("日期不正确")?
        .set_error_message("研判日期应为日期，如 2025-11-20")?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(HEADER + 1, 5, HEADER + ROWS, 5, &date)?;
    ws.set_column_format(5, &Format::new().set_num_format("yyyy-mm-dd"))?;
    ws.set_freeze_panes(HEADER + 1, 0)?;

    let ws = wb.add_worksheet();
    ws.set_name("填写说明")?;
    ws.write_string_with_format(0, 0, "专家研判调整表 — 填写说明", &title_format())?;
    let rules = [
        "1. 评审会上专家认为某对象的计算等级不符合实际时，在“专家研判”工作表中每行登记一个对象的调整；第1行为标题，第2行为表头，请勿修改表头。",
        "2. 六列均为必填：领域、对象编号、调整后等级、调整理由、研判专家、研判日期。同一领域的同一对象只能登记一行。",
        "3. 对象编号须与成果 sise.gpkg 各领域图层或风险清单中的“对象编号”一致；编号不存在时，评估将停止并指出所在行。",
        "4. 在评估配置 assessment.toml 中加入：[review] adjustments = \"专家研判调整表.xlsx\"，重新运行 sise run。",
        "5. 调整在计分之后、汇总之前生效：各领域统计、街镇和网格综合等级均采用调整后等级；计算等级、理由、专家和日期保留在成果数据、风险清单和报告中。",
        "6. 逐年评估时，上年的调整不会自动沿用：请复核后重新登记；sise compare 列出保留、新增、撤销和对象已不存在的调整。",
    ];
    for (i, r) in rules.iter().enumerate() {
        ws.write_string(2 + i as u32, 0, *r)?;
    }
    ws.set_column_width(0, 120)?;

    options_sheet(&mut wb, &[domains, levels])?;
    wb.save(path)
}
