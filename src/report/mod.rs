//! Reports: one 专项评估报告 per domain and a 综合评估报告, rendered from
//! the templates in `reports/` (an assessor edits the wording there; sise
//! fills in the numbers, model parameters, maps and tables) as
//! self-contained HTML, and printed to PDF by headless Chromium on request.
//! What templates see is typed in `context.rs`. The same rendered pages are
//! written as Word documents (`page.rs` reads them back, `word.rs` writes
//! .docx), so the wording lives in the templates only.

mod comprehensive;
mod context;
mod findings;
mod page;
mod reference;
mod word;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use minijinja::Environment;

use crate::assess::Assessment;
use crate::config::{RunConfig, REPORT_TEMPLATES};
use crate::cycle::Comparison;
use crate::error::{Error, Result};

/// The templates shipped with sise; a run config may point `report_templates` at edited copies.
const DOMAIN: &str = include_str!("../../reports/domain.html.j2");
const COMPREHENSIVE: &str = include_str!("../../reports/comprehensive.html.j2");
const CSS: &str = include_str!("../../reports/style.css");
const QUALITY: &str = include_str!("../../reports/quality.html.j2");

/// A report template: where it comes from (for messages) and its text.
struct Template {
    path: PathBuf,
    text: String,
}

/// What the domain and comprehensive reports are made from besides the
/// assessment: the templates and stylesheet (built in, or the edited copies in
/// the run config's `report_templates` folder) and the bureau's reference
/// .docx. Loaded and checked before scoring, so that a template mistake or an
/// unreadable reference stops a run before its hours of work, not after.
pub struct Sources {
    domain: Template,
    comprehensive: Template,
    css: String,
    reference: Option<reference::Reference>,
}

impl Sources {
    pub fn load(config: &RunConfig) -> Result<Sources> {
        let builtin = [DOMAIN, COMPREHENSIVE, CSS];
        let read = |k: usize| -> Result<Template> {
            match &config.report_templates {
                None => Ok(Template { path: PathBuf::from(format!("(built into sise) reports/{}", REPORT_TEMPLATES[k])), text: builtin[k].to_owned() }),
                Some(d) => {
                    let path = d.join(REPORT_TEMPLATES[k]);
                    let text = std::fs::read_to_string(&path).map_err(|e| Error::Config {
                        file: path.clone(),
                        message: crate::msg::ConfigMistake::ReportTemplate { detail: e.to_string() }.into(),
                    })?;
                    Ok(Template { path, text })
                }
            }
        };
        let sources = Sources {
            domain: read(0)?,
            comprehensive: read(1)?,
            css: read(2)?.text,
            reference: config.report.reference_docx.as_deref().map(reference::Reference::read).transpose()?,
        };
        sources.environment()?;
        Ok(sources)
    }

    /// The engine with both templates added (parsing them: a syntax error is told here).
    fn environment(&self) -> Result<Environment<'_>> {
        let mut env = environment();
        env.add_template("domain", &self.domain.text).map_err(self.domain.error())?;
        env.add_template("comprehensive", &self.comprehensive.text).map_err(self.comprehensive.error())?;
        Ok(env)
    }
}

impl Template {
    /// A template mistake, told with the template's file.
    fn error(&self) -> impl Fn(minijinja::Error) -> Error + '_ {
        move |e| Error::Config { file: self.path.clone(), message: crate::msg::ConfigMistake::ReportTemplate { detail: format!("{e:#}") }.into() }
    }
}

/// The template engine as every report uses it.
fn environment<'a>() -> Environment<'a> {
    let mut env = Environment::new();
    // Every template is HTML: text from the inputs (街镇 names, ids, veto
    // reasons) is escaped wherever it appears, whatever a template is named.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    // A name the context does not have is a template mistake, not an empty cell.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env
}

/// The data-quality report (`sise validate --report`) as one HTML page, from
/// `quality.html.j2` in the run config's `report_templates` folder when it
/// has one, else the built-in template.
pub fn quality(q: &crate::quality::Quality, templates: Option<&Path>) -> Result<String> {
    let edited = templates.map(|d| d.join("quality.html.j2")).filter(|p| p.exists());
    let (path, text) = match &edited {
        Some(p) => (
            p.clone(),
            std::fs::read_to_string(p)
                .map_err(|e| Error::Config { file: p.clone(), message: crate::msg::ConfigMistake::ReportTemplate { detail: e.to_string() }.into() })?,
        ),
        None => (PathBuf::from("(built into sise) reports/quality.html.j2"), QUALITY.to_owned()),
    };
    let css = match templates.map(|d| d.join("style.css")).filter(|p| p.exists()) {
        Some(p) => std::fs::read_to_string(&p)
            .map_err(|e| Error::Config { file: p.clone(), message: crate::msg::ConfigMistake::ReportTemplate { detail: e.to_string() }.into() })?,
        None => CSS.to_owned(),
    };
    let terr =
        |e: minijinja::Error| Error::Config { file: path.clone(), message: crate::msg::ConfigMistake::ReportTemplate { detail: format!("{e:#}") }.into() };
    let mut env = environment();
    env.add_template("quality", &text).map_err(terr)?;
    let ctx = minijinja::context! {
        css => minijinja::Value::from_safe_string(css),
        target => crate::quality::TARGET,
        sise_version => env!("CARGO_PKG_VERSION"),
        ..minijinja::Value::from_serialize(q)
    };
    env.get_template("quality").map_err(terr)?.render(ctx).map_err(terr)
}

fn png_data_uri(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::output(path, e))?;
    Ok(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// Write `reports/<domain layer>.html` and `.docx`, `reports/comprehensive.html` and `.docx` (and PDFs when `pdf`); returns files relative to `dir`.
pub fn write(dir: &Path, a: &Assessment, sources: &Sources, comparison: Option<&Comparison>, pdf: bool) -> Result<Vec<PathBuf>> {
    let env = sources.environment()?;
    let out = dir.join("reports");
    std::fs::create_dir(&out).map_err(|e| Error::output(&out, e))?;
    let maps = dir.join("maps");
    // Only sise's own stylesheet and map images go in unescaped; no attribute text is ever marked safe.
    let render = |template: &str, ctx: minijinja::Value, map: &Path, tornado: Option<&Path>| -> Result<String> {
        let tornado = tornado.filter(|t| t.exists()).map(png_data_uri).transpose()?;
        let ctx = minijinja::context! {
            css => minijinja::Value::from_safe_string(sources.css.clone()),
            map_png => minijinja::Value::from_safe_string(png_data_uri(map)?),
            tornado_png => tornado.map(minijinja::Value::from_safe_string),
            ..ctx
        };
        let source = if template == "domain" { &sources.domain } else { &sources.comprehensive };
        env.get_template(template).map_err(source.error())?.render(ctx).map_err(source.error())
    };
    let mut pages: Vec<(String, String)> = Vec::new();
    for d in 0..a.models().len() {
        let layer = a.models()[d].layer_name();
        let ctx = minijinja::Value::from_serialize(context::domain(a, d, comparison));
        let tornado = dir.join(crate::emit::tornado::file_of(&a.models()[d].id));
        pages.push((layer.clone(), render("domain", ctx, &maps.join(format!("{layer}.png")), Some(&tornado))?));
    }
    let ctx = minijinja::Value::from_serialize(comprehensive::context(a, comparison));
    pages.push(("comprehensive".into(), render("comprehensive", ctx, &maps.join("comprehensive.png"), None)?));
    let config = &a.loaded.config;
    let cover = word::Cover {
        district: config.district.clone(),
        year: config.year,
        cycle: config.cycle.clone(),
        assessor: config.report.assessor.clone(),
        date: match &config.report.date {
            Some(d) => d.clone(),
            None => crate::stamp::output_time()?.format("%Y年%-m月%-d日").to_string(),
        },
    };
    let mut written = Vec::new();
    for (name, html) in &pages {
        let path = out.join(format!("{name}.html"));
        std::fs::write(&path, html).map_err(|e| Error::output(&path, e))?;
        written.push(PathBuf::from("reports").join(format!("{name}.html")));
        let docx = out.join(format!("{name}.docx"));
        let bytes = word::write(&page::read(html), &cover, sources.reference.as_ref()).map_err(|e| Error::output(&docx, e))?;
        std::fs::write(&docx, bytes).map_err(|e| Error::output(&docx, e))?;
        written.push(PathBuf::from("reports").join(format!("{name}.docx")));
        if pdf {
            print_pdf(&path, &out.join(format!("{name}.pdf")))?;
            written.push(PathBuf::from("reports").join(format!("{name}.pdf")));
        }
    }
    Ok(written)
}

/// Print an HTML file to PDF with headless Chromium (Debian's `chromium`), which embeds the CJK fonts.
fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .ok_or_else(|| Error::Environment { what: crate::msg::OutputTrouble::PdfReports.into(), message: crate::msg::OutputTrouble::NoChromium.into() })?;
    let profile = browser_profile(pdf)?;
    let status = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.canonicalize().map_err(|e| Error::output(html, e))?.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| Error::output(pdf, crate::msg::OutputTrouble::BrowserStart { browser: browser.to_string(), detail: e.to_string() }))?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status.success() || !pdf.exists() {
        return Err(Error::output(pdf, crate::msg::OutputTrouble::BrowserFailed { browser: browser.to_string(), status: status.to_string() }));
    }
    Ok(())
}

/// A fresh browser profile folder beside the output (Chromium insists on one).
fn browser_profile(near: &Path) -> Result<PathBuf> {
    let p = near.with_extension(format!("profile-{}", std::process::id()));
    std::fs::create_dir_all(&p).map_err(|e| Error::output(&p, e))?;
    Ok(p)
}
