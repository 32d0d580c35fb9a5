//! `findings run`: the whole pipeline over PDF files and folders, then a summary.

use super::{Outcome, UsageError, bar::Bar, default_out};
use crate::extract::Limits;
use crate::model::Kind;
use crate::patterns::{Bodies, RuleSet};
use crate::pipeline::{self, RunOptions, RunSummary};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Arguments of `findings run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// PDF files or folders (searched recursively). Default: corpus/
    inputs: Vec<PathBuf>,
    /// Output folder: dataset/ and index/ are written inside.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Folder of extra rule files (*.toml) that add to or override the built-in rules by id.
    #[arg(long)]
    patterns: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Also write reports.csv, statements.csv and datapackage.json.
    #[arg(long)]
    csv: bool,
    /// Seconds allowed per document before its extraction is stopped and recorded.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Process only shard K of N (K/N, 1-based), chosen by content hash.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Re-extract every file instead of reusing text cached in OUT/cache/.
    #[arg(long)]
    full: bool,
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{s}' is not a shard (use K/N with 1 <= K <= N)");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u32 = k.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Run `findings run`.
pub fn run(args: RunArgs) -> anyhow::Result<Outcome> {
    let rules = RuleSet::load(args.patterns.as_deref())?;
    let bodies = Bodies::builtin();
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("corpus")]
    } else {
        args.inputs
    };
    for input in &inputs {
        if !input.exists() {
            return Err(UsageError(format!("input not found: {}", input.display())).into());
        }
    }
    let opts = RunOptions {
        inputs,
        out: args.out.unwrap_or_else(default_out),
        jobs: args.jobs.map(usize::from),
        limits: Limits {
            doc_timeout: Duration::from_secs(args.timeout.max(1)),
            ..Limits::default()
        },
        csv: args.csv,
        shard: args.shard,
        incremental: !args.full,
    };
    let bar = Bar::new(args.quiet);
    let started = Instant::now();
    let summary = pipeline::run(&opts, &rules, &bodies, &bar)
        .with_context(|| format!("run into {}", opts.out.display()))?;
    print_summary(&summary, &opts, started.elapsed());
    Ok(
        if summary.failed_documents > 0 || !summary.errors.is_empty() {
            Outcome::SomeFailed
        } else {
            Outcome::Success
        },
    )
}

/// Print the end-of-run summary (also used by `merge`).
pub(super) fn print_summary(s: &RunSummary, opts: &RunOptions, took: Duration) {
    println!(
        "{} PDF files, {} reports, {} pages in {:.1}s ({} extracted, {} from cache)",
        s.files,
        s.reports,
        s.pages,
        took.as_secs_f64(),
        s.extracted,
        s.from_cache
    );
    let total: usize = s.by_kind.values().sum();
    println!("statements: {total}");
    for kind in Kind::ALL {
        println!(
            "  {:<22}{}",
            kind.as_str(),
            s.by_kind.get(&kind).copied().unwrap_or(0)
        );
    }
    if !s.top_themes.is_empty() {
        println!("top themes:");
        for (theme, n) in s.top_themes.iter().take(8) {
            println!("  {theme:<34}{n}");
        }
    }
    println!("repeat links: {}, chains: {}", s.links, s.chains);
    println!(
        "failures: {} documents failed, {} problems recorded",
        s.failed_documents,
        s.errors.len()
    );
    for e in s.errors.iter().take(20) {
        let page = e.page.map(|p| format!(" page {p}")).unwrap_or_default();
        println!("  {}{page}: {}: {}", e.file, e.category, e.message);
    }
    if s.errors.len() > 20 {
        println!("  ... {} more in errors.jsonl", s.errors.len() - 20);
    }
    println!("output: {}", opts.out.display());
}

#[cfg(test)]
mod tests {
    use super::parse_shard;

    #[test]
    fn shards_parse() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("1").is_err());
    }
}
