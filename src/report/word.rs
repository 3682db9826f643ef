//! A report page written as a Word document (.docx) with `docx-rs`: a
//! cover page, a table of contents field, headings numbered the way Chinese
//! reports number them (一、（一）1.) by Word's own multi-level numbering,
//! tables as Word tables (level cells in the four colours, header rows
//! repeated on every page), maps as images with numbered captions (图1,
//! 表1 by SEQ fields, so Word renumbers them when an assessor inserts one),
//! page numbers, and fonts named as Chinese documents name them (黑体, 宋体,
//! 仿宋, as East-Asian font attributes). A bureau's reference .docx, when the
//! run config names one, supplies the styles, page and header/footer
//! (`reference.rs`).

use std::collections::HashMap;
use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, Docx, FieldCharType, Footer, Header, IndentLevel, InstrText, Level, LevelJc, LevelSuffixType, LevelText, LineSpacing,
    NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType,
    Table as WTable, TableCell, TableRow, VAlignType, WidthType,
};

use super::page::{Block, Cell, Page, Span, Table};
use super::reference::Reference;

/// What the cover page says besides the title.
pub struct Cover {
    pub district: String,
    pub year: i32,
    pub cycle: String,
    /// 评估单位; a blank line to fill in when the run config names none.
    pub assessor: Option<String>,
    /// 报告日期, as 2024年12月1日.
    pub date: String,
}

/// A4 in twentieths of a point, with the margins of Word's Chinese default.
const PAGE_W: i32 = 11906;
const PAGE_H: i32 = 16838;
// 28 mm inside, 26 mm outside, as GB/T 9704 sets official documents' type area.
const MARGINS: PageMargin = PageMargin { top: 1440, left: 1588, bottom: 1440, right: 1474, header: 851, footer: 992, gutter: 0 };
/// One twip in EMU, the unit of image sizes.
const EMU_PER_TWIP: i64 = 635;
/// The multi-level list the headings use, and the bullets.
// docx-rs writes a default numbering with id 1 of its own; ours start past it.
const HEADINGS: usize = 10;
const BULLETS: usize = 11;

/// The styles sise's documents use, by the names Word knows them by (a
/// Chinese Word shows 标题 1 for "heading 1" and may save it under another
/// id, so a reference document's styles are found by name).
struct StyleSpec {
    id: &'static str,
    name: &'static str,
    font: &'static str,
    /// Half-points.
    size: usize,
    bold: bool,
    paragraph: bool,
}

const STYLES: &[StyleSpec] = &[
    StyleSpec { id: "Normal", name: "Normal", font: "宋体", size: 24, bold: false, paragraph: true },
    StyleSpec { id: "Title", name: "Title", font: "黑体", size: 44, bold: true, paragraph: true },
    StyleSpec { id: "Subtitle", name: "Subtitle", font: "仿宋", size: 32, bold: false, paragraph: true },
    StyleSpec { id: "Heading1", name: "heading 1", font: "黑体", size: 32, bold: false, paragraph: true },
    StyleSpec { id: "Heading2", name: "heading 2", font: "黑体", size: 28, bold: false, paragraph: true },
    StyleSpec { id: "Heading3", name: "heading 3", font: "仿宋", size: 24, bold: true, paragraph: true },
    StyleSpec { id: "BodyText", name: "Body Text", font: "仿宋", size: 24, bold: false, paragraph: true },
    StyleSpec { id: "Caption", name: "caption", font: "黑体", size: 21, bold: false, paragraph: true },
    StyleSpec { id: "TableText", name: "Table Text", font: "宋体", size: 21, bold: false, paragraph: true },
    StyleSpec { id: "Note", name: "Note", font: "宋体", size: 18, bold: false, paragraph: true },
    StyleSpec { id: "TOCHeading", name: "TOC Heading", font: "黑体", size: 32, bold: false, paragraph: true },
    StyleSpec { id: "TOC1", name: "toc 1", font: "宋体", size: 24, bold: false, paragraph: true },
    StyleSpec { id: "TOC2", name: "toc 2", font: "宋体", size: 24, bold: false, paragraph: true },
    StyleSpec { id: "TOC3", name: "toc 3", font: "宋体", size: 24, bold: false, paragraph: true },
    StyleSpec { id: "Header", name: "header", font: "宋体", size: 18, bold: false, paragraph: true },
    StyleSpec { id: "Footer", name: "footer", font: "宋体", size: 18, bold: false, paragraph: true },
];

/// sise's definition of one of its styles.
fn style(spec: &StyleSpec) -> Style {
    let fonts = RunFonts::new().east_asia(spec.font).ascii("Times New Roman").hi_ansi("Times New Roman");
    let mut s = Style::new(spec.id, if spec.paragraph { StyleType::Paragraph } else { StyleType::Character })
        .name(spec.name)
        .fonts(fonts)
        .size(spec.size)
        .q_format(true);
    if spec.id != "Normal" {
        s = s.based_on("Normal").next(if spec.id.starts_with("Heading") { "BodyText" } else { "Normal" });
    }
    if spec.bold {
        s = s.bold();
    }
    let spacing = |before: u32, after: u32| LineSpacing::new().before(before).after(after);
    match spec.id {
        "Title" => s.align(AlignmentType::Center).line_spacing(spacing(0, 240)),
        "Subtitle" => s.align(AlignmentType::Center).line_spacing(spacing(0, 120)),
        "Heading1" => s.outline_lvl(0).line_spacing(spacing(240, 120)),
        "Heading2" => s.outline_lvl(1).line_spacing(spacing(120, 60)),
        "Heading3" => s.outline_lvl(2).line_spacing(spacing(60, 0)),
        // 1.5 lines, the first line indented by two characters.
        "BodyText" => s.line_spacing(LineSpacing::new().line(360)).first_line_chars(200),
        "Caption" => s.align(AlignmentType::Center).line_spacing(spacing(60, 120)),
        "TableText" => s.line_spacing(LineSpacing::new().line(240)),
        "Note" => s.color("555555"),
        "TOCHeading" => s.align(AlignmentType::Center).line_spacing(spacing(0, 240)),
        "TOC2" => s.indent(Some(420), None, None, None),
        "TOC3" => s.indent(Some(840), None, None, None),
        "Header" | "Footer" => s.align(AlignmentType::Center),
        _ => s,
    }
}

/// Style ids as this document's styles have them: sise's own, or the reference document's for the same name.
struct Ids(HashMap<&'static str, String>);

impl Ids {
    fn get<'a>(&'a self, id: &'a str) -> &'a str {
        self.0.get(id).map(String::as_str).unwrap_or(id)
    }
}

/// The .docx bytes of `page`.
pub fn write(page: &Page, cover: &Cover, reference: Option<&Reference>) -> std::io::Result<Vec<u8>> {
    let ids = Ids(STYLES.iter().map(|s| (s.id, reference.and_then(|r| r.style_id(s.name)).unwrap_or(s.id).to_owned())).collect());
    let setup = reference.and_then(|r| r.page.clone());
    let (page_w, margins) = setup.as_ref().map_or((PAGE_W, MARGINS), |p| (p.width, p.margins.clone()));
    let text_width = page_w - margins.left - margins.right;

    let mut doc = Docx::new()
        .page_size(setup.as_ref().map_or(PAGE_W, |p| p.width) as u32, setup.as_ref().map_or(PAGE_H, |p| p.height) as u32)
        .page_margin(margins)
        .add_abstract_numbering(heading_numbering(&ids))
        .add_numbering(Numbering::new(HEADINGS, HEADINGS))
        .add_abstract_numbering(bullets())
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .header(header(page, &ids))
        .footer(footer(&ids))
        // The cover has no header or page number.
        .first_header(Header::new())
        .first_footer(Footer::new())
        .title_pg();
    for spec in STYLES {
        doc = doc.add_style(style(spec));
    }

    doc = cover_page(doc, page, cover, &ids);
    doc = contents(doc, page, &ids);
    let mut body = Body { ids: &ids, text_width, figures: 0, tables: 0, first_heading: true };
    for block in &page.blocks {
        doc = body.add(doc, block);
    }

    let mut xml = doc.build();
    super::reference::finish(&mut xml, reference, &header(page, &ids), &footer(&ids));
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

/// The body of a report as it is written: the numbering of its figures and
/// tables so far, and whether the first heading (which opens a page) is to come.
struct Body<'a> {
    ids: &'a Ids,
    text_width: i32,
    figures: usize,
    tables: usize,
    first_heading: bool,
}

impl Body<'_> {
    /// `block` added to `doc`.
    fn add(&mut self, mut doc: Docx, block: &Block) -> Docx {
        match block {
            Block::Heading { level, text, numbered } => {
                let level = (*level).clamp(1, 3);
                let mut p = Paragraph::new().style(self.ids.get(["Heading1", "Heading2", "Heading3"][level - 1]));
                if *numbered {
                    p = p.numbering(NumberingId::new(HEADINGS), IndentLevel::new(level - 1));
                }
                let mut p = p.outline_lvl(level - 1).keep_next(true).add_run(Run::new().add_text(text));
                if self.first_heading {
                    p = p.page_break_before(true);
                    self.first_heading = false;
                }
                doc = doc.add_paragraph(p);
            }
            Block::Paragraph { spans, note } => {
                let p = Paragraph::new().style(self.ids.get(if *note { "Note" } else { "BodyText" }));
                doc = doc.add_paragraph(runs(p, spans));
            }
            Block::List(items) => {
                for item in items {
                    let p = Paragraph::new().style(self.ids.get("BodyText")).numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
                    doc = doc.add_paragraph(runs(p, item));
                }
            }
            Block::Table(t) => {
                if let Some(c) = &t.caption {
                    self.tables += 1;
                    doc = doc.add_paragraph(caption("表", self.tables, c, self.ids).keep_next(true));
                }
                doc = doc.add_table(table(t, self.text_width, self.ids));
                // Word joins two tables that touch; a paragraph keeps them apart.
                doc = doc.add_paragraph(Paragraph::new().style(self.ids.get("Note")));
            }
            Block::Figure { png, caption: text } => {
                self.figures += 1;
                doc = doc.add_paragraph(figure(png, self.text_width, PAGE_H / 2));
                doc = doc.add_paragraph(caption("图", self.figures, text, self.ids));
            }
            Block::Sign(lines) => {
                doc = doc.add_paragraph(Paragraph::new().style(self.ids.get("BodyText")));
                for l in lines {
                    let p =
                        Paragraph::new().style(self.ids.get("BodyText")).indent(Some(self.text_width / 2), Some(SpecialIndentType::FirstLine(0)), None, None);
                    doc = doc.add_paragraph(p.line_spacing(LineSpacing::new().before(240)).add_run(Run::new().add_text(l)));
                }
            }
        }
        doc
    }
}

fn cover_page(mut doc: Docx, page: &Page, cover: &Cover, ids: &Ids) -> Docx {
    let blank = || Paragraph::new().style(ids.get("Subtitle"));
    for _ in 0..6 {
        doc = doc.add_paragraph(blank());
    }
    doc = doc.add_paragraph(Paragraph::new().style(ids.get("Title")).add_run(Run::new().add_text(&page.title)));
    if !page.subtitle.is_empty() {
        doc = doc.add_paragraph(Paragraph::new().style(ids.get("Subtitle")).add_run(Run::new().add_text(&page.subtitle)));
    }
    for _ in 0..6 {
        doc = doc.add_paragraph(blank());
    }
    let lines = [
        ("评估区域", cover.district.clone()),
        ("评估年度", format!("{}年", cover.year)),
        ("评估周期", cover.cycle.clone()),
        ("评估单位", cover.assessor.clone().unwrap_or_else(|| "　".repeat(12))),
        ("报告日期", cover.date.clone()),
    ];
    for (k, v) in lines {
        let p = Paragraph::new().style(ids.get("Subtitle")).add_run(Run::new().add_text(format!("{k}：")));
        doc = doc.add_paragraph(p.add_run(Run::new().add_text(v).underline("single")));
    }
    doc
}

/// 目录: a TOC field over the three heading levels. Its entries are filled
/// in as Word would (without page numbers), so a viewer that does not update
/// fields still shows the outline; Word refreshes it on opening
/// (`updateFields` in settings, `reference::finish`).
fn contents(mut doc: Docx, page: &Page, ids: &Ids) -> Docx {
    doc = doc.add_paragraph(Paragraph::new().style(ids.get("TOCHeading")).page_break_before(true).add_run(Run::new().add_text("目　　录")));
    let mut counters = [0usize; 3];
    let mut entries = Vec::new();
    for b in &page.blocks {
        if let Block::Heading { level, text, numbered } = b {
            let l = (*level).clamp(1, 3) - 1;
            if !numbered {
                entries.push((l, text.clone()));
                continue;
            }
            counters[l] += 1;
            counters[l + 1..].iter_mut().for_each(|c| *c = 0);
            entries.push((l, format!("{}{text}", number_text(l, counters[l]))));
        }
    }
    let begin = Run::new()
        .add_field_char(FieldCharType::Begin, true)
        .add_instr_text(InstrText::Unsupported(r#" TOC \o "1-3" \h \z \u "#.into()))
        .add_field_char(FieldCharType::Separate, false);
    let end = Run::new().add_field_char(FieldCharType::End, false);
    if entries.is_empty() {
        return doc.add_paragraph(Paragraph::new().add_run(begin).add_run(end));
    }
    let last = entries.len() - 1;
    for (k, (l, text)) in entries.into_iter().enumerate() {
        let mut p = Paragraph::new().style(ids.get(["TOC1", "TOC2", "TOC3"][l]));
        if k == 0 {
            p = p.add_run(begin.clone());
        }
        p = p.add_run(Run::new().add_text(text));
        if k == last {
            p = p.add_run(end.clone());
        }
        doc = doc.add_paragraph(p);
    }
    doc
}

/// The heading number as Word's numbering shows it: 一、 （一） 1.
pub fn number_text(level: usize, n: usize) -> String {
    match level {
        0 => format!("{}、", chinese_number(n)),
        1 => format!("（{}）", chinese_number(n)),
        _ => format!("{n}."),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (Word's chineseCounting up to 99).
fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!("{}十{}", D[n / 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
        _ => n.to_string(),
    }
}

fn heading_numbering(ids: &Ids) -> AbstractNumbering {
    let level = |l: usize, format: &str, text: &str, style: &str| {
        Level::new(l, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left"))
            .suffix(LevelSuffixType::Nothing)
            .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
            .paragraph_style(ids.get(style))
    };
    AbstractNumbering::new(HEADINGS)
        .add_level(level(0, "chineseCounting", "%1、", "Heading1"))
        .add_level(level(1, "chineseCounting", "（%2）", "Heading2"))
        .add_level(level(2, "decimal", "%3.", "Heading3"))
}

fn bullets() -> AbstractNumbering {
    AbstractNumbering::new(BULLETS).add_level(
        Level::new(0, Start::new(1), NumberFormat::new("bullet"), LevelText::new("●"), LevelJc::new("left"))
            .indent(Some(420), Some(SpecialIndentType::Hanging(420)), None, None)
            .size(16),
    )
}

fn header(page: &Page, ids: &Ids) -> Header {
    Header::new().add_paragraph(Paragraph::new().style(ids.get("Header")).add_run(Run::new().add_text(&page.title)))
}

/// 第 N 页 共 M 页, as fields Word keeps current.
fn footer(ids: &Ids) -> Footer {
    let field = |code: &str| {
        Run::new()
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(InstrText::Unsupported(format!(" {code} ")))
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false)
    };
    let p = Paragraph::new()
        .style(ids.get("Footer"))
        .add_run(Run::new().add_text("第 "))
        .add_run(field("PAGE"))
        .add_run(Run::new().add_text(" 页 共 "))
        .add_run(field("NUMPAGES"))
        .add_run(Run::new().add_text(" 页"));
    Footer::new().add_paragraph(p)
}

/// 图1 … / 表1 …: the number is a SEQ field, as Word's Insert Caption makes it.
fn caption(label: &str, n: usize, text: &str, ids: &Ids) -> Paragraph {
    Paragraph::new()
        .style(ids.get("Caption"))
        .add_run(Run::new().add_text(label))
        .add_run(
            Run::new()
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::Unsupported(format!(" SEQ {label} \\* ARABIC ")))
                .add_field_char(FieldCharType::Separate, false)
                .add_text(n.to_string())
                .add_field_char(FieldCharType::End, false),
        )
        .add_run(Run::new().add_text(format!("　{text}")))
}

/// A map as an inline image the width of the text (or less, to fit `max_height` twips).
fn figure(png: &[u8], text_width: i32, max_height: i32) -> Paragraph {
    let (w, h) = png_size(png).unwrap_or((1600, 1200));
    let mut width = text_width as i64;
    let mut height = width * h as i64 / w.max(1) as i64;
    if height > max_height as i64 {
        width = width * max_height as i64 / height;
        height = max_height as i64;
    }
    let pic = Pic::new_with_dimensions(png.to_vec(), w, h).size((width * EMU_PER_TWIP) as u32, (height * EMU_PER_TWIP) as u32);
    Paragraph::new().align(AlignmentType::Center).keep_next(true).add_run(Run::new().add_image(pic))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&png[16..20]), be(&png[20..24])))
}

fn runs(mut p: Paragraph, spans: &[Span]) -> Paragraph {
    for s in spans {
        let mut r = Run::new().add_text(&s.text);
        if s.bold {
            r = r.bold();
        }
        if let Some(fill) = &s.fill {
            // A level named in running text, on its colour as in the HTML.
            r = r.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(fill)).color(ink(fill)).bold();
        }
        p = p.add_run(r);
    }
    p
}

/// Text colour that reads on a fill: white on red, orange and blue, black on yellow.
fn ink(fill: &str) -> &'static str {
    let c = |i: usize| u32::from_str_radix(fill.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255) as f64;
    if 0.299 * c(0) + 0.587 * c(2) + 0.114 * c(4) < 150.0 {
        "FFFFFF"
    } else {
        "000000"
    }
}

/// Column widths from what the columns hold. Each column first gets what its
/// unbreakable content needs (a figure, a level name, a Latin word), then the
/// rest of the text width is shared out by how much more its longest cell wants.
fn grid(t: &Table, text_width: i32) -> Vec<usize> {
    // Twips of TableText (10.5 pt: a CJK character 210 wide, a figure about
    // half that), with a little slack for the font a PC substitutes, plus
    // the cell's padding (108 each side).
    let glyph = |c: char| match c {
        c if !c.is_ascii() => 210,
        '%' | 'W' | 'M' | 'm' | '@' => 180,
        '.' | ',' | ':' | ';' | 'i' | 'l' | 'I' | 'j' | '(' | ')' | ' ' => 60,
        _ => 110,
    };
    let twips = |s: &str| s.chars().map(glyph).sum::<usize>() * 108 / 100 + 230;
    let columns = t.rows.iter().map(Vec::len).max().unwrap_or(1);
    let (mut least, mut want) = (vec![twips("二字"); columns], vec![twips("二字"); columns]);
    for row in &t.rows {
        for (k, cell) in row.iter().enumerate() {
            let text = cell.text();
            // CJK text breaks between any two characters; figures, level names and Latin words do not.
            let whole = if cell.numeric || cell.level {
                twips(&text)
            } else {
                let word = text.split(|c: char| c.is_whitespace() || !c.is_ascii()).map(twips).max().unwrap_or(0);
                word.clamp(twips("二字"), twips("一二三四五六七八九十"))
            };
            if !cell.header {
                least[k] = least[k].max(whole);
            }
            // Past 30 characters a cell wraps whatever its width.
            want[k] = want[k].max(twips(&text.chars().take(30).collect::<String>()));
        }
    }
    let total = text_width.max(1) as usize;
    let floor: usize = least.iter().sum();
    if floor >= total {
        return least.iter().map(|n| n * total / floor).collect();
    }
    let more: Vec<usize> = want.iter().zip(&least).map(|(w, l)| w.saturating_sub(*l)).collect();
    let extra: usize = more.iter().sum();
    let spare = total - floor;
    if extra == 0 {
        return least.iter().map(|n| n + spare / columns).collect();
    }
    // The spare is shared in proportion to what each column still wants.
    least.iter().zip(&more).map(|(l, m)| l + m * spare / extra).collect()
}

fn table(t: &Table, text_width: i32, ids: &Ids) -> WTable {
    let widths = grid(t, text_width);
    let rows = t
        .rows
        .iter()
        .map(|row| {
            let cells = row.iter().enumerate().map(|(k, c)| cell(c, widths.get(k).copied().unwrap_or(0), ids)).collect();
            let r = TableRow::new(cells).cant_split();
            if Table::is_header(row) {
                super::reference::mark_header_row(r)
            } else {
                r
            }
        })
        .collect();
    WTable::new(rows).set_grid(widths).width(text_width as usize, WidthType::Dxa)
}

fn cell(c: &Cell, width: usize, ids: &Ids) -> TableCell {
    let align = if c.level {
        AlignmentType::Center
    } else if c.numeric {
        AlignmentType::Right
    } else {
        AlignmentType::Left
    };
    let mut p = Paragraph::new().style(ids.get("TableText")).align(align);
    for s in &c.spans {
        let mut r = Run::new().add_text(&s.text);
        if s.bold || c.header || c.level {
            r = r.bold();
        }
        if let Some(fill) = c.fill.as_deref().or(s.fill.as_deref()) {
            r = r.color(ink(fill));
        }
        p = p.add_run(r);
    }
    let fill = c.fill.clone().or_else(|| c.header.then(|| "D9E1F2".to_owned()));
    let mut tc = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
    if let Some(fill) = fill {
        tc = tc.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(fill));
    }
    tc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_chinese_reports_do() {
        assert_eq!(number_text(0, 1), "一、");
        assert_eq!(number_text(0, 10), "十、");
        assert_eq!(number_text(0, 12), "十二、");
        assert_eq!(number_text(1, 21), "（二十一）");
        assert_eq!(number_text(2, 3), "3.");
    }

    #[test]
    fn ink_reads_on_the_four_colours() {
        assert_eq!(ink("C00000"), "FFFFFF");
        assert_eq!(ink("FF9900"), "000000");
        assert_eq!(ink("FFFF00"), "000000");
        assert_eq!(ink("0070C0"), "FFFFFF");
    }
}
