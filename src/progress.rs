//! Progress reporting behind a small trait.
