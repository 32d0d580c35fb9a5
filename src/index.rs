//! The tantivy index over statements.
