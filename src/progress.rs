//! Progress bars on a terminal, nothing in batch mode (cron, CI, pipes).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    visible: bool,
}

impl Progress {
    /// Bars are drawn only when stderr is a terminal and the user did not ask for quiet.
    pub fn new(quiet: bool) -> Progress {
        Progress { visible: !quiet && std::io::stderr().is_terminal() }
    }

    pub fn bar(&self, what: &str, len: u64) -> ProgressBar {
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
