//! The progress bar of the long commands (sweeps, Monte Carlo paths): on stderr, and only when
//! stderr is a terminal, so scripts and pipes never see it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `total` steps, or nothing when stderr is not a terminal.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar counting `total` `unit` ("paths", "scenarios"), with the time left.
    pub fn new(total: u64, unit: &str) -> Progress {
        Progress(std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(&format!(
                    "{{bar:40}} {{pos}}/{{len}} {unit}, {{eta}} left"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        }))
    }

    /// One more step done.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// `done` steps done.
    pub fn set(&self, done: u64) {
        if let Some(b) = &self.0 {
            b.set_position(done);
        }
    }

    /// Removes the bar.
    pub fn finish(self) {
        if let Some(b) = self.0 {
            b.finish_and_clear();
        }
    }
}
