//! A rendered report page read back as blocks (headings, paragraphs, tables,
//! figures, lists), so that the Word writer follows the HTML template's
//! wording and order: the templates in `reports/` stay the one source of a
//! report's text, whichever format it is handed over in.
//!
//! Only what sise's templates use is understood: h1 (title), div.subtitle,
//! h2–h4, p (p.note), table/caption/tr/th/td (td.num, a level cell's
//! `background`), figure/img/figcaption, ul/li, strong, span with a
//! `background`, div.sign. Other elements pass their text through.

use base64::Engine as _;
use html5gum::{Token, Tokenizer};

#[derive(Debug, Default)]
pub struct Page {
    pub title: String,
    pub subtitle: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug)]
pub enum Block {
    /// `level` 1 is an h2 (一、), 2 an h3 (（一）), 3 an h4 (1.); an
    /// `.appendix` heading (附录) is not numbered.
    Heading {
        level: usize,
        text: String,
        numbered: bool,
    },
    Paragraph {
        spans: Vec<Span>,
        note: bool,
    },
    Table(Table),
    Figure {
        png: Vec<u8>,
        caption: String,
    },
    List(Vec<Vec<Span>>),
    /// The signature lines at the end (评估单位（盖章）： …).
    Sign(Vec<String>),
}

/// A run of text with one look.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    /// A level's colour behind the text, as `RRGGBB`.
    pub fill: Option<String>,
}

#[derive(Debug, Default)]
pub struct Table {
    pub caption: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Default)]
pub struct Cell {
    pub spans: Vec<Span>,
    /// A `th`: a header row is one made of these only.
    pub header: bool,
    /// Background as `RRGGBB` (the four level colours).
    pub fill: Option<String>,
    /// `td.num`: right-aligned figures.
    pub numeric: bool,
    /// `.level`: a level name, centred and bold.
    pub level: bool,
}

impl Cell {
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

impl Table {
    /// Rows made only of `th` cells: the ones Word repeats on every page.
    pub fn is_header(row: &[Cell]) -> bool {
        !row.is_empty() && row.iter().all(|c| c.header)
    }
}

/// Where the text being read goes when its element ends.
#[derive(Debug, PartialEq)]
enum Capture {
    Title,
    Subtitle,
    Heading { level: usize, numbered: bool },
    Paragraph { note: bool },
    Caption,
    Cell,
    FigCaption,
    Item,
    Sign,
}

#[derive(Default)]
struct Reader {
    page: Page,
    /// Inside head, style, script or title: nothing to show.
    hidden: usize,
    capture: Option<Capture>,
    spans: Vec<Span>,
    bold: usize,
    /// Backgrounds of the open spans, innermost last.
    fills: Vec<Option<String>>,
    table: Option<Table>,
    cell: Option<Cell>,
    figure: Option<(Vec<u8>, String)>,
    list: Option<Vec<Vec<Span>>>,
    sign: Option<Vec<String>>,
}

/// Read a page sise rendered. Never fails: markup it does not know passes its text through.
pub fn read(html: &str) -> Page {
    let mut r = Reader::default();
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(t) => {
                let name = String::from_utf8_lossy(&t.name).to_ascii_lowercase();
                let attr = |k: &str| t.attributes.get(k.as_bytes()).map(|v| String::from_utf8_lossy(&v.value).into_owned());
                let class = attr("class").unwrap_or_default();
                let classes: Vec<&str> = class.split_whitespace().collect();
                r.start(&name, &classes, attr("style").as_deref().and_then(background), attr("src"), attr("alt"));
                if t.self_closing {
                    r.end(&name);
                }
            }
            Token::EndTag(t) => r.end(&String::from_utf8_lossy(&t.name).to_ascii_lowercase()),
            Token::String(s) if r.hidden == 0 => r.text(&String::from_utf8_lossy(&s.value)),
            _ => {}
        }
    }
    r.flush_loose();
    r.page
}

impl Reader {
    fn start(&mut self, name: &str, classes: &[&str], fill: Option<String>, src: Option<String>, alt: Option<String>) {
        if matches!(name, "head" | "style" | "script" | "title") {
            self.hidden += 1;
            return;
        }
        let begin = |r: &mut Reader, c: Capture| {
            r.flush_loose();
            r.capture = Some(c);
        };
        match name {
            "h1" => begin(self, Capture::Title),
            "h2" | "h3" | "h4" => {
                let level = name[1..].parse::<usize>().unwrap_or(2) - 1;
                begin(self, Capture::Heading { level, numbered: !classes.contains(&"appendix") })
            }
            "div" if classes.contains(&"subtitle") => begin(self, Capture::Subtitle),
            "div" if classes.contains(&"sign") => {
                self.flush_loose();
                self.sign = Some(Vec::new());
            }
            "span" if self.sign.is_some() => self.capture = Some(Capture::Sign),
            "p" if self.cell.is_none() && self.list.is_none() => begin(self, Capture::Paragraph { note: classes.contains(&"note") }),
            "table" => {
                self.flush_loose();
                self.table = Some(Table::default());
            }
            "caption" => self.capture = Some(Capture::Caption),
            "tr" => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            "th" | "td" => {
                self.spans.clear();
                self.capture = Some(Capture::Cell);
                self.cell = Some(Cell { header: name == "th", fill, numeric: classes.contains(&"num"), level: classes.contains(&"level"), ..Cell::default() });
            }
            "figure" => {
                self.flush_loose();
                self.figure = Some((Vec::new(), String::new()));
            }
            "img" => {
                let png = src.as_deref().and_then(data_uri_png).unwrap_or_default();
                match &mut self.figure {
                    Some(f) => {
                        f.0 = png;
                        f.1 = alt.unwrap_or_default();
                    }
                    // An image outside a figure: captioned by its alt text.
                    None if !png.is_empty() => {
                        self.flush_loose();
                        self.page.blocks.push(Block::Figure { png, caption: alt.unwrap_or_default() });
                    }
                    None => {}
                }
            }
            "figcaption" => self.capture = Some(Capture::FigCaption),
            "ul" | "ol" => {
                self.flush_loose();
                self.list = Some(Vec::new());
            }
            "li" => {
                self.spans.clear();
                self.capture = Some(Capture::Item);
            }
            "strong" | "b" => self.bold += 1,
            "span" => self.fills.push(fill),
            "br" => self.text("\n"),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if matches!(name, "head" | "style" | "script" | "title") {
            self.hidden = self.hidden.saturating_sub(1);
            return;
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "p" | "caption" | "figcaption" => self.finish_capture(),
            "div" => {
                if self.capture == Some(Capture::Subtitle) {
                    self.finish_capture();
                } else if let Some(s) = self.sign.take() {
                    self.page.blocks.push(Block::Sign(s));
                }
            }
            "span" if self.capture == Some(Capture::Sign) => self.finish_capture(),
            "span" => {
                self.fills.pop();
            }
            "th" | "td" => {
                if let Some(mut cell) = self.cell.take() {
                    cell.spans = tidy(std::mem::take(&mut self.spans));
                    if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                        row.push(cell);
                    }
                }
                self.capture = None;
            }
            "table" => {
                if let Some(mut t) = self.table.take() {
                    t.rows.retain(|r| !r.is_empty());
                    self.page.blocks.push(Block::Table(t));
                }
            }
            "figure" => {
                if let Some((png, caption)) = self.figure.take() {
                    if !png.is_empty() {
                        self.page.blocks.push(Block::Figure { png, caption });
                    }
                }
            }
            "li" => self.finish_capture(),
            "ul" | "ol" => {
                if let Some(items) = self.list.take() {
                    self.page.blocks.push(Block::List(items));
                }
            }
            "strong" | "b" => self.bold = self.bold.saturating_sub(1),
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        if self.hidden > 0 || (self.table.is_some() && self.cell.is_none() && self.capture.is_none()) {
            return; // whitespace between table tags
        }
        let fill = self.fills.iter().rev().find_map(|f| f.clone());
        let bold = self.bold > 0;
        match self.spans.last_mut() {
            Some(last) if last.bold == bold && last.fill == fill => last.text.push_str(s),
            _ => self.spans.push(Span { text: s.to_owned(), bold, fill }),
        }
    }

    /// The text read so far goes where the element that held it says.
    fn finish_capture(&mut self) {
        let spans = tidy(std::mem::take(&mut self.spans));
        let plain: String = spans.iter().map(|s| s.text.as_str()).collect();
        match self.capture.take() {
            Some(Capture::Title) => self.page.title = plain,
            Some(Capture::Subtitle) => self.page.subtitle = plain,
            Some(Capture::Heading { level, numbered }) => self.page.blocks.push(Block::Heading { level, text: plain, numbered }),
            Some(Capture::Paragraph { note }) if !spans.is_empty() => self.page.blocks.push(Block::Paragraph { spans, note }),
            Some(Capture::Caption) => {
                if let Some(t) = &mut self.table {
                    t.caption = Some(plain);
                }
            }
            Some(Capture::FigCaption) => {
                if let Some(f) = &mut self.figure {
                    f.1 = plain;
                }
            }
            Some(Capture::Item) => {
                if let Some(l) = &mut self.list {
                    l.push(spans);
                }
            }
            Some(Capture::Sign) => {
                if let Some(s) = &mut self.sign {
                    s.push(plain);
                }
            }
            Some(Capture::Cell) => self.spans = spans,
            _ => {}
        }
    }

    /// Text outside any element sise knows becomes a paragraph of its own.
    fn flush_loose(&mut self) {
        if self.capture.is_none() && self.cell.is_none() {
            let spans = tidy(std::mem::take(&mut self.spans));
            if !spans.is_empty() && self.sign.is_none() {
                self.page.blocks.push(Block::Paragraph { spans, note: false });
            }
        }
    }
}

/// Whitespace as a browser shows it: runs of spaces and line breaks become
/// one space, none at the ends; spans left empty are dropped.
fn tidy(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut space_before = true;
    for s in spans {
        let mut text = String::new();
        for ch in s.text.chars() {
            if ch.is_whitespace() {
                if !space_before {
                    text.push(' ');
                }
                space_before = true;
            } else {
                text.push(ch);
                space_before = false;
            }
        }
        if !text.is_empty() {
            out.push(Span { text, ..s });
        }
    }
    if let Some(last) = out.last_mut() {
        let trimmed = last.text.trim_end().len();
        last.text.truncate(trimmed);
        if last.text.is_empty() {
            out.pop();
        }
    }
    out
}

/// `background:#c00000` (or `background-color`) in a style attribute, as `C00000`.
fn background(style: &str) -> Option<String> {
    style.split(';').find_map(|decl| {
        let (k, v) = decl.split_once(':')?;
        let hex = v.trim().strip_prefix('#')?;
        let ok = matches!(k.trim(), "background" | "background-color") && hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        ok.then(|| hex.to_ascii_uppercase())
    })
}

fn data_uri_png(src: &str) -> Option<Vec<u8>> {
    let b64 = src.strip_prefix("data:image/png;base64,")?;
    base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sise_markup() {
        let html = r#"<html><head><title>x</title><style>h2{}</style></head><body>
<h1>甲区2024年综合评估报告</h1><div class="subtitle">评估周期 2024-2026</div>
<h2>评估概况</h2><p>共 <strong>12</strong> 个 &amp; 对象。</p>
<table><caption>各等级对象数</caption><tr><th>等级</th><th>数</th></tr>
<tr><td class="level l1" style="background:#c00000">重大风险</td><td class="num">3</td></tr></table>
<figure><img class="map" src="data:image/png;base64,iVBORw0KGgo=" alt="图"><figcaption>综合风险图</figcaption></figure>
<ul class="drivers"><li><strong>甲街道</strong>（较大）：A。</li></ul>
<div class="sign"><span>评估单位（盖章）：</span><span>日期：</span></div></body></html>"#;
        let p = read(html);
        assert_eq!(p.title, "甲区2024年综合评估报告");
        assert_eq!(p.subtitle, "评估周期 2024-2026");
        assert!(matches!(&p.blocks[0], Block::Heading { level: 1, text, numbered: true } if text == "评估概况"));
        let Block::Paragraph { spans, .. } = &p.blocks[1] else { panic!("{:?}", p.blocks[1]) };
        assert_eq!(spans.len(), 3);
        assert!(spans[1].bold && spans[1].text == "12");
        assert_eq!(spans[2].text, " 个 & 对象。");
        let Block::Table(t) = &p.blocks[2] else { panic!() };
        assert_eq!(t.caption.as_deref(), Some("各等级对象数"));
        assert!(Table::is_header(&t.rows[0]) && !Table::is_header(&t.rows[1]));
        assert_eq!(t.rows[1][0].fill.as_deref(), Some("C00000"));
        assert!(t.rows[1][0].level && t.rows[1][1].numeric && t.rows[1][1].text() == "3");
        assert!(matches!(&p.blocks[3], Block::Figure { png, caption } if png.starts_with(b"\x89PNG") && caption == "综合风险图"));
        let Block::List(items) = &p.blocks[4] else { panic!() };
        assert_eq!(items[0][0].text, "甲街道");
        assert!(matches!(&p.blocks[5], Block::Sign(s) if s == &["评估单位（盖章）：", "日期："]));
        assert_eq!(p.blocks.len(), 6);
    }
}
