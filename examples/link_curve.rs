//! Prints the precision/recall curve of repeat linking against a truth file, for
//! a range of same-body thresholds, re-linking the statements of a run.
//!
//! cargo run --release --example link_curve -- [DATASET_DIR] [TRUTH_JSON]
//! (defaults: output/dataset and corpus/truth.json)

use findings::dataset;
use findings::evaluate::{Truth, evaluate};
use findings::link::{LinkConfig, link};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "output/dataset".into()));
    let truth_path = PathBuf::from(args.next().unwrap_or_else(|| "corpus/truth.json".into()));
    let mut data = dataset::read(&dir)?;
    let truth: Truth = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let default = LinkConfig::default();
    println!("threshold  precision  recall  links  decoys_linked");
    for step in 0..=10 {
        let threshold = 0.20 + 0.05 * step as f32;
        let cfg = LinkConfig {
            threshold,
            ..LinkConfig::default()
        };
        let linked = link(&data.reports, &data.statements, &cfg);
        for s in &mut data.statements {
            s.chain_id = linked.chain_of.get(&s.id).cloned();
        }
        let ev = evaluate(&truth, &data.reports, &data.statements, &linked.links);
        let mark = if (threshold - default.threshold).abs() < 1e-3 {
            "  <- default"
        } else {
            ""
        };
        println!(
            "{threshold:9.2}  {:9.3}  {:6.3}  {:5}  {:13}{mark}",
            ev.link_precision(),
            ev.link_recall(),
            linked.links.len(),
            ev.decoys_linked.len()
        );
    }
    Ok(())
}
