//! Tests building small PDFs in code.
