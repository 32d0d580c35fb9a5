//! Integration tests, one binary with modules by area (as ripgrep does).
//!
//! The corpus run is shared: [`common::corpus_run`] runs the pipeline once on
//! `corpus/` into a temporary folder and every test reads from it.

mod integration {
    pub mod bad_pdfs;
    pub mod browser;
    pub mod cli;
    pub mod common;
    pub mod corpus_truth;
    pub mod determinism;
    pub mod incremental;
    pub mod mutation;
    pub mod ofsted_real;
    pub mod real_pdfs;
    pub mod schema;
    pub mod search_corpus;
    pub mod serve;
}
