//! # inspection-findings
//!
//! Turns batches of police-inspection report PDFs into evidence people can search
//! and count. The pipeline, one module per stage, all sharing [`model`]:
//!
//! 1. [`extract`]: PDF bytes → [`model::Document`] (pages of positioned lines),
//!    with our own content-stream interpreter on lopdf's object model.
//! 2. [`segment`]: document → [`model::Report`] metadata and [`model::Statement`]s,
//!    kinds and themes tagged by the rules of [`patterns`] (data in `patterns/`).
//! 3. [`link`]: statements of all reports → [`model::Link`]s between repeat
//!    findings and [`model::Chain`]s read as timelines.
//! 4. [`dataset`] and [`index`]: JSON Lines dataset and a tantivy index;
//!    [`search`] queries it.
//! 5. [`catalog`] holds a dataset in memory by id and reads chains as
//!    timelines; [`serve`] puts search and catalog behind a local web page and
//!    JSON API.
//!
//! [`pipeline`] runs the stages over a batch in parallel, isolating failures;
//! statements wait for linking on disk in the [`spill`], not in memory.

#![warn(missing_docs)]

pub mod catalog;
pub mod cli;
pub mod dataset;
pub mod evaluate;
pub mod extract;
pub mod index;
pub mod link;
pub mod model;
pub mod patterns;
pub mod pipeline;
pub mod progress;
pub mod search;
pub mod segment;
pub mod serve;
pub mod spill;
