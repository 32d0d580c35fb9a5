//! `findings merge SHARD_DIR... --out DIR`: combine sharded runs into one
//! dataset and index, re-linking over all statements.

use super::{Outcome, UsageError, bar::Bar, default_out};
use crate::extract::Limits;
use crate::patterns::RuleSet;
use crate::pipeline::{self, RunOptions};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `findings merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of `findings run --shard K/N`.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Where the merged dataset and index go.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Rule folder used by the shards' runs (for the manifest's rules hash).
    #[arg(long)]
    patterns: Option<PathBuf>,
    /// Also write CSV tables.
    #[arg(long)]
    csv: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Run `findings merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<Outcome> {
    for dir in &args.shards {
        if !dir.join("dataset").join("reports.jsonl").is_file() {
            return Err(UsageError(format!(
                "{} is not the output folder of a run (no dataset/reports.jsonl)",
                dir.display()
            ))
            .into());
        }
    }
    let rules = RuleSet::load(args.patterns.as_deref())?;
    let out = args.out.unwrap_or_else(default_out);
    let started = Instant::now();
    let bar = Bar::new(args.quiet);
    let summary = pipeline::merge(&args.shards, &out, &rules, args.csv, &bar)?;
    let opts = RunOptions {
        inputs: args.shards.clone(),
        out,
        jobs: None,
        limits: Limits::default(),
        csv: args.csv,
        shard: None,
        incremental: false,
    };
    super::run_cmd::print_summary(&summary, &opts, started.elapsed());
    Ok(
        if summary.failed_documents > 0 || !summary.errors.is_empty() {
            Outcome::SomeFailed
        } else {
            Outcome::Success
        },
    )
}
