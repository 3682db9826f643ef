//! A bureau's reference .docx (like pandoc's reference-doc): its styles,
//! page size, margins and default header/footer replace sise's own in every
//! Word report. Styles are matched by name ("heading 1", "Normal",
//! "caption", …), since a Chinese Word may save them under other ids; a
//! style sise uses that the reference lacks is added from sise's own.
//!
//! Also the two touches docx-rs cannot make itself: header rows repeated on
//! every page (`w:tblHeader`) and fields refreshed when Word opens the file.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use docx_rs::{BuildXML, Footer, Header, HeightRule, PageMargin, TableRow, XMLDocx};
use quick_xml::events::Event;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct PageSetup {
    pub width: i32,
    pub height: i32,
    pub margins: PageMargin,
}

pub struct Reference {
    styles: Vec<u8>,
    /// Style name, lower case → id.
    ids: HashMap<String, String>,
    pub page: Option<PageSetup>,
    header: Option<Vec<u8>>,
    footer: Option<Vec<u8>>,
}

impl Reference {
    pub fn read(file: &Path) -> Result<Reference> {
        use crate::msg::{ConfigMistake, OutputTrouble, ReferenceDocxWhy};
        let err = |why: ReferenceDocxWhy| Error::Config { file: file.to_owned(), message: ConfigMistake::ReferenceDocx { why: Box::new(why) }.into() };
        let f = std::fs::File::open(file).map_err(|e| err(ReferenceDocxWhy::CannotOpen { detail: e.to_string() }))?;
        let mut zip = zip::ZipArchive::new(f).map_err(|e| err(ReferenceDocxWhy::NotDocx { detail: e.to_string() }))?;
        let mut part = |name: &str| -> Option<Vec<u8>> {
            let mut e = zip.by_name(name).ok()?;
            let mut buf = Vec::new();
            e.read_to_end(&mut buf).ok()?;
            Some(buf)
        };
        let styles = part("word/styles.xml").ok_or_else(|| err(ReferenceDocxWhy::Part(OutputTrouble::DocxPart { part: "word/styles.xml" })))?;
        let document = part("word/document.xml").ok_or_else(|| err(ReferenceDocxWhy::Part(OutputTrouble::DocxPart { part: "word/document.xml" })))?;
        let rels = part("word/_rels/document.xml.rels").unwrap_or_default();
        let ids = style_ids(&styles);
        let section = last_section(&document);
        let target = |kind: &str| -> Option<String> {
            let id = section.refs.get(kind)?;
            relationship_target(&rels, id)
        };
        // A header or footer is taken only when it stands alone (no picture or link
        // of its own, which would need its relationships copied too).
        let standalone =
            |xml: Vec<u8>| (!String::from_utf8_lossy(&xml).contains("r:id=\"") && !String::from_utf8_lossy(&xml).contains("r:embed")).then_some(xml);
        let header = target("header").and_then(|t| part(&format!("word/{t}"))).and_then(standalone);
        let footer = target("footer").and_then(|t| part(&format!("word/{t}"))).and_then(standalone);
        Ok(Reference { styles, ids, page: section.page, header, footer })
    }

    /// The reference's id for a style sise names `name`, if it has one.
    pub fn style_id(&self, name: &str) -> Option<&str> {
        self.ids.get(&name.to_lowercase()).map(String::as_str)
    }
}

/// Marks a row as a header row; `finish` turns the mark into `w:tblHeader`.
/// (docx-rs writes `w:cantSplit` and `w:trHeight`, not `w:tblHeader`; a row
/// height of 1 twip with rule "auto" means nothing to Word, so it serves as the
/// mark, and `finish` replaces it.)
pub fn mark_header_row(row: TableRow) -> TableRow {
    row.row_height(1.0).height_rule(HeightRule::Auto)
}

const NORMAL: &str = r#"<w:style w:type="paragraph" w:styleId="Normal">"#;

/// docx-rs writes a Normal style of its own beside sise's: keep sise's (the
/// last), and make it the default, which paragraphs without a style take.
fn one_normal(styles: &str) -> String {
    let mut s = styles.to_owned();
    while s.matches(NORMAL).count() > 1 {
        let start = s.find(NORMAL).expect("counted");
        let end = s[start..].find("</w:style>").map_or(s.len(), |k| start + k + "</w:style>".len());
        s.replace_range(start..end, "");
    }
    s.replace(NORMAL, r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#)
}

const HEADER_MARK: &str = r#"<w:trHeight w:val="1" w:hRule="auto" />"#;

/// The last touches to a built document: header rows, fields refreshed on
/// opening, and the reference's styles, header and footer.
pub fn finish(xml: &mut XMLDocx, reference: Option<&Reference>, own_header: &Header, own_footer: &Footer) {
    let doc = String::from_utf8_lossy(&xml.document).replace(HEADER_MARK, "<w:tblHeader />");
    xml.document = doc.into_bytes();
    // Word asks to refresh the TOC, SEQ and page fields when it opens the file.
    let settings = String::from_utf8_lossy(&xml.settings);
    let settings = match settings.find("<w:compat") {
        Some(k) => format!("{}<w:updateFields w:val=\"true\" />{}", &settings[..k], &settings[k..]),
        None => settings.replacen("</w:settings>", "<w:updateFields w:val=\"true\" /></w:settings>", 1),
    };
    xml.settings = settings.into_bytes();
    xml.styles = one_normal(&String::from_utf8_lossy(&xml.styles)).into_bytes();
    let Some(r) = reference else { return };
    // The reference's styles, with sise's for names it lacks.
    let own = style_blocks(&xml.styles);
    let mut styles = String::from_utf8_lossy(&r.styles).into_owned();
    let missing: String = own.into_iter().filter(|(name, _)| !r.ids.contains_key(name)).map(|(_, xml)| xml).collect();
    if let Some(k) = styles.rfind("</w:styles>") {
        styles.insert_str(k, &missing);
    }
    xml.styles = styles.into_bytes();
    let (own_header, own_footer) = (own_header.build(), own_footer.build());
    if let Some(h) = &r.header {
        xml.headers.iter_mut().filter(|x| **x == own_header).for_each(|x| *x = h.clone());
    }
    if let Some(f) = &r.footer {
        xml.footers.iter_mut().filter(|x| **x == own_footer).for_each(|x| *x = f.clone());
    }
}

/// Each `<w:style>` element of a styles part, by its name in lower case.
fn style_blocks(styles: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(styles);
    let mut out = Vec::new();
    let mut rest = &text[..];
    while let Some(start) = rest.find("<w:style ") {
        let Some(len) = rest[start..].find("</w:style>") else { break };
        let block = &rest[start..start + len + "</w:style>".len()];
        if let Some(name) = style_ids(format!("<w:styles>{block}</w:styles>").as_bytes()).into_keys().next() {
            out.push((name, block.to_owned()));
        }
        rest = &rest[start + len..];
    }
    out
}

/// Style name (lower case) → id in a styles part.
fn style_ids(styles: &[u8]) -> HashMap<String, String> {
    let mut reader = quick_xml::Reader::from_reader(styles);
    let mut ids = HashMap::new();
    let mut current: Option<String> = None;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().into_inner() {
                "w:style" => current = attr(&e, "w:styleId"),
                "w:name" => {
                    if let (Some(id), Some(name)) = (current.clone(), attr(&e, "w:val")) {
                        ids.entry(name.to_lowercase()).or_insert(id);
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.name().into_inner() == "w:style" => current = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    ids
}

fn attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.into_inner() == key).map(|a| a.value.to_string())
}

#[derive(Default)]
struct Section {
    page: Option<PageSetup>,
    /// "header"/"footer" (the default ones) → relationship id.
    refs: HashMap<String, String>,
}

/// The body's last section properties: page size, margins, default header/footer.
fn last_section(document: &[u8]) -> Section {
    let mut reader = quick_xml::Reader::from_reader(document);
    let mut buf = Vec::new();
    let mut s = Section::default();
    let (mut size, mut margins) = (None, None);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let n = |k: &str| attr(&e, k).and_then(|v| v.parse::<i32>().ok());
                match e.name().into_inner() {
                    "w:sectPr" => {
                        s.refs.clear();
                        (size, margins) = (None, None);
                    }
                    "w:pgSz" => size = n("w:w").zip(n("w:h")),
                    "w:pgMar" => {
                        margins = Some(PageMargin {
                            top: n("w:top").unwrap_or(1440),
                            left: n("w:left").unwrap_or(1800),
                            bottom: n("w:bottom").unwrap_or(1440),
                            right: n("w:right").unwrap_or(1800),
                            header: n("w:header").unwrap_or(851),
                            footer: n("w:footer").unwrap_or(992),
                            gutter: n("w:gutter").unwrap_or(0),
                        })
                    }
                    kind @ ("w:headerReference" | "w:footerReference") if attr(&e, "w:type").as_deref().unwrap_or("default") == "default" => {
                        if let Some(id) = attr(&e, "r:id") {
                            s.refs.insert(if kind == "w:headerReference" { "header" } else { "footer" }.into(), id);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    if let (Some((width, height)), Some(margins)) = (size, margins) {
        s.page = Some(PageSetup { width, height, margins });
    }
    s
}

fn relationship_target(rels: &[u8], id: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(rels);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().into_inner() == "Relationship" && attr(&e, "Id").as_deref() == Some(id) => {
                return attr(&e, "Target");
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
}
