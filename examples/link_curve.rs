//! Prints the precision/recall curves of repeat linking against a truth file:
//! one over the same-body threshold, one over the threshold for findings that
//! report progress, re-linking the statements of a run each time. Then, for
//! each follow-up the default settings miss, the links it would get at a low
//! threshold (what stands between it and its issue).
//!
//! cargo run --release --example link_curve -- [DATASET_DIR] [TRUTH_JSON]
//! (defaults: output/dataset and corpus/truth.json)

use findings::dataset::{self, Dataset};
use findings::evaluate::{Evaluation, Truth, evaluate};
use findings::link::{LinkConfig, Linked, link};
use std::path::PathBuf;

/// A curve: its name, the settings for a value, and the default value.
type Curve = (&'static str, fn(f32) -> LinkConfig, f32);

fn run(data: &mut Dataset, truth: &Truth, cfg: &LinkConfig) -> (Linked, Evaluation) {
    let linked = link(&data.reports, &data.statements, cfg);
    for s in &mut data.statements {
        s.chain_id = linked.chain_of.get(&s.id).cloned();
    }
    let ev = evaluate(truth, &data.reports, &data.statements, &linked.links);
    (linked, ev)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "output/dataset".into()));
    let truth_path = PathBuf::from(args.next().unwrap_or_else(|| "corpus/truth.json".into()));
    let mut data = dataset::read(&dir)?;
    let truth: Truth = serde_json::from_str(&std::fs::read_to_string(&truth_path)?)?;
    let default = LinkConfig::default();
    let curves: [Curve; 2] = [
        (
            "threshold",
            |t| LinkConfig {
                threshold: t,
                ..LinkConfig::default()
            },
            default.threshold,
        ),
        (
            "progress_threshold",
            |t| LinkConfig {
                progress_threshold: t,
                ..LinkConfig::default()
            },
            default.progress_threshold,
        ),
    ];
    for (name, make, chosen) in curves {
        println!("{name:>18}  precision  recall  links  decoys_linked");
        for step in 0..=10 {
            let t = 0.25 + 0.05 * step as f32;
            let (linked, ev) = run(&mut data, &truth, &make(t));
            let mark = if (t - chosen).abs() < 1e-3 {
                "  <- default"
            } else {
                ""
            };
            println!(
                "{t:18.2}  {:9.3}  {:6.3}  {:5}  {:13}{mark}",
                ev.link_precision(),
                ev.link_recall(),
                linked.links.len(),
                ev.decoys_linked.len()
            );
        }
        println!();
    }
    let (_, ev) = run(&mut data, &truth, &default);
    let low = LinkConfig {
        threshold: 0.1,
        progress_threshold: 0.1,
        explicit_threshold: 0.1,
        ..LinkConfig::default()
    };
    let (loose, _) = run(&mut data, &truth, &low);
    let label_of: std::collections::BTreeMap<&str, &str> = ev
        .matched
        .iter()
        .map(|(l, s)| (s.as_str(), l.as_str()))
        .collect();
    println!("missed by the defaults; their links at threshold 0.1:");
    for m in &ev.followups_missed {
        let label = m.split(' ').next().unwrap_or(m);
        println!("  {m}");
        let Some(sid) = ev.matched.get(label) else {
            println!("    (no statement matches the label)");
            continue;
        };
        for l in loose.links.iter().filter(|l| &l.from == sid) {
            let to = label_of
                .get(l.to.as_str())
                .copied()
                .unwrap_or("(unlabeled)");
            println!("    {:.3} {:?} → {to} {:?}", l.score, l.method, l.terms);
        }
    }
    Ok(())
}
