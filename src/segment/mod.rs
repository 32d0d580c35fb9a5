//! Segmentation: [`crate::model::Document`] → report metadata and statements.
