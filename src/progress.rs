//! Progress reporting behind a small trait, so the library never draws.
//!
//! The pipeline calls a [`Reporter`] as documents start and finish; the binary
//! decides how to show it (an indicatif bar on a terminal, nothing otherwise).
//! This module holds the trait and a silent implementation only.

/// Receives progress events from the pipeline. Implementations must be cheap
/// and thread-safe: events arrive from worker threads.
pub trait Reporter: Sync {
    /// The batch is about to start with this many documents.
    fn start(&self, _documents: usize) {}
    /// One document finished: its page count and whether it failed.
    fn document_done(&self, _pages: u32, _failed: bool) {}
    /// A named phase after extraction began (linking, writing the index ...).
    fn phase(&self, _name: &str) {}
    /// Everything is done.
    fn finish(&self) {}
}

/// A reporter that shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Reporter for Silent {}
