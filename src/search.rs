//! Queries over the tantivy index.
