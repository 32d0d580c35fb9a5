//! Prints how a run's dataset compares with a truth file: the kind confusion
//! matrix, per-theme figures, metadata agreement and repeat-link precision/recall.
//!
//! cargo run --release --example evaluate -- [DATASET_DIR] [TRUTH_JSON]
//! (defaults: output/dataset and corpus/truth.json)

use findings::dataset;
use findings::evaluate::{Truth, evaluate};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "output/dataset".into()));
    let truth_path = PathBuf::from(args.next().unwrap_or_else(|| "corpus/truth.json".into()));
    let data = dataset::read(&dir)?;
    let truth: Truth = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let ev = evaluate(&truth, &data.reports, &data.statements, &data.links);
    print!("{}", ev.render());
    Ok(())
}
