//! Runs the stages over a batch.
