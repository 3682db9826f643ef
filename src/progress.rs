//! Progress bars on a terminal, nothing in batch mode (cron, CI, pipes),
//! or (`--progress lines`) one line per step for a program that reads sise's
//! stderr, such as the QGIS plugin: `sise-progress: loading layers 3/12`.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

/// How progress is shown (`--progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Bars when stderr is a terminal, else nothing.
    Auto,
    /// "sise-progress: STAGE N/TOTAL" lines on stderr.
    Lines,
}

/// What starts every progress line.
pub const LINE_PREFIX: &str = "sise-progress: ";

pub struct Progress {
    visible: bool,
    lines: bool,
}

/// indicatif's output as lines: each new state of a bar once, no cursor moves.
#[derive(Debug, Default)]
struct Lines {
    last: Mutex<String>,
}

impl Lines {
    fn emit(&self, s: &str) -> std::io::Result<()> {
        let s = s.trim();
        let mut last = self.last.lock().expect("not poisoned");
        if !s.is_empty() && *last != s {
            eprintln!("{LINE_PREFIX}{s}");
            *last = s.to_owned();
        }
        Ok(())
    }
}

impl TermLike for Lines {
    fn width(&self) -> u16 {
        200
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.emit(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.emit(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Progress {
    /// Bars are drawn only when stderr is a terminal and the user did not ask
    /// for quiet; lines whenever asked for.
    pub fn new(quiet: bool, mode: Mode) -> Progress {
        Progress { visible: !quiet && std::io::stderr().is_terminal(), lines: mode == Mode::Lines }
    }

    pub fn bar(&self, what: &str, len: u64) -> ProgressBar {
        if self.lines {
            let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::term_like(Box::new(Lines::default())));
            bar.set_style(ProgressStyle::with_template("{msg} {pos}/{len}").expect("static template"));
            bar.set_message(what.to_owned());
            bar.tick();
            return bar;
        }
        if !self.visible {
            return ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        }
        let bar = ProgressBar::new(len);
        bar.set_style(ProgressStyle::with_template("{spinner} {msg:<18} [{bar:30}] {pos}/{len} {elapsed}").expect("static template").progress_chars("=> "));
        bar.set_message(what.to_owned());
        bar
    }

    /// A spinner for a stage without countable steps; `finish_and_clear` it when done.
    pub fn spinner(&self, what: &str) -> ProgressBar {
        if self.lines {
            eprintln!("{LINE_PREFIX}{what}");
            return ProgressBar::hidden();
        }
        if !self.visible {
            return ProgressBar::hidden();
        }
        let s = ProgressBar::new_spinner();
        s.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("static template"));
        s.set_message(what.to_owned());
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    }
}
