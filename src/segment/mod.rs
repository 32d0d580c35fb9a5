//! Segmentation: an extracted [`Document`] → its [`Report`] metadata and its
//! [`Statement`]s, each with a kind, themes, pages, section path and offsets.
//!
//! Steps: [`structure`] turns positioned lines into headings and paragraphs
//! (furniture, cover and contents pages left out; paragraphs joined across
//! columns and pages); [`metadata`] reads title, force, publisher, date and type
//! from the cover, the PDF Info dictionary and the file name; [`statements`]
//! gives each paragraph its kind from the section it sits in and the rules, and
//! fills number, grade, deadline and addressee.
//!
//! Every decision that depends on wording comes from the rules in `patterns/`
//! ([`RuleSet`]); this module holds layout logic only. It does not link across
//! reports.

pub mod metadata;
pub mod statements;
pub mod structure;
pub mod tables;

use crate::model::{Document, Report, Statement};
use crate::patterns::{Bodies, RuleSet};

/// Identity of the document being segmented.
#[derive(Debug, Clone)]
pub struct DocInput {
    /// sha256 of the file.
    pub sha256: String,
    /// Path relative to the input root (first of `files`).
    pub file: String,
    /// Every path with this content.
    pub files: Vec<String>,
}

/// What segmentation gives for one document.
#[derive(Debug, Clone)]
pub struct Segmented {
    /// Report metadata.
    pub report: Report,
    /// Statements in reading order.
    pub statements: Vec<Statement>,
}

/// Segment one document.
pub fn segment(doc: &Document, input: &DocInput, rules: &RuleSet, bodies: &Bodies) -> Segmented {
    let layout = structure::analyse(doc);
    let report = metadata::report(doc, &layout, input, rules, bodies);
    let statements = statements::statements(&layout, &report, rules);
    Segmented { report, statements }
}
