//! The indicatif progress bar behind the library's [`Reporter`] trait.
//! Hidden with `--quiet` or when stderr is not a terminal.

use crate::progress::Reporter;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Shows documents done/total, pages, pages per second, ETA and failures.
pub struct Bar {
    bar: ProgressBar,
    pages: AtomicU64,
    failed: AtomicU64,
    started: Instant,
}

impl Bar {
    /// A bar drawn on stderr, or hidden when `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if quiet || !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents  {msg}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Bar {
            bar,
            pages: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            started: Instant::now(),
        }
    }
}

impl Reporter for Bar {
    fn start(&self, documents: usize) {
        self.bar.set_length(documents as u64);
    }

    fn document_done(&self, pages: u32, failed: bool) {
        let total = self.pages.fetch_add(u64::from(pages), Ordering::Relaxed) + u64::from(pages);
        let failures =
            self.failed.fetch_add(u64::from(failed), Ordering::Relaxed) + u64::from(failed);
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!(
            "{total} pages, {:.0} pages/s, {failures} failed",
            total as f64 / secs
        ));
        self.bar.inc(1);
    }

    fn phase(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
