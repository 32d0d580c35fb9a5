//! Extraction: PDF bytes → [`Document`] (pages of positioned text lines in
//! reading order), using lopdf for objects, streams and decryption and our own
//! content-stream interpreter for text. Does not segment or interpret the text.
//!
//! CONTRACT (filled in by the extraction work):
//! - `extract_bytes(bytes, &Limits) -> Result<Document, ExtractError>`
//! - `ExtractError::category()` gives a stable snake_case id for errors.jsonl.

use crate::model::Document;
use std::time::Duration;

/// Bounds that keep hostile files from exhausting time or memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input file accepted.
    pub max_file_bytes: u64,
    /// Largest decompressed stream.
    pub max_decompressed_bytes: usize,
    /// Content-stream operators per page.
    pub max_ops_per_page: usize,
    /// Wall-clock budget for one document.
    pub doc_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_decompressed_bytes: 64 << 20,
            max_ops_per_page: 1_000_000,
            doc_timeout: Duration::from_secs(120),
        }
    }
}

/// Why a document could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// Placeholder until the interpreter lands.
    #[error("not a PDF: {0}")]
    NotAPdf(String),
}

impl ExtractError {
    /// Stable category id.
    pub fn category(&self) -> &'static str {
        match self {
            ExtractError::NotAPdf(_) => "not_a_pdf",
        }
    }
}

/// Extract every page of a PDF held in memory.
pub fn extract_bytes(_bytes: &[u8], _limits: &Limits) -> Result<Document, ExtractError> {
    Err(ExtractError::NotAPdf("extraction not built yet".into()))
}
