//! How much rule tagging, and segmentation as a whole, add to extraction,
//! measured in one run over the same files on one thread: per round, the time
//! to extract every file and to segment it (layout analysis, statements,
//! metadata and every rule question), and within segmentation the time spent
//! answering rule questions (kinds, grades, themes, back-references: the
//! tagging); prints their ratios to extraction, median over warm rounds
//! (issue 4's floor: tagging adds less than 10% to extraction).
//!
//! cargo run --release --example bench_tagging -- DIR [ROUNDS] [PREFIX]
//!
//! PREFIX keeps only the files whose names start with it (`ofsted-` measures
//! the inspection reports of `../shared/corpus-real` alone).

use findings::extract::{Limits, extract_bytes};
use findings::patterns::{Bodies, RuleSet, rule_time};
use findings::segment::{DocInput, segment};
use std::time::{Duration, Instant};

/// One round's totals.
#[derive(Default, Clone, Copy)]
struct Round {
    extract: Duration,
    segment: Duration,
    rules: Duration,
    pages: usize,
    statements: usize,
}

impl Round {
    fn share(&self, part: Duration) -> f64 {
        100.0 * part.as_secs_f64() / self.extract.as_secs_f64()
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "corpus".into());
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let prefix = args.next().unwrap_or_default();
    let rules = RuleSet::load(None)?;
    let bodies = Bodies::builtin();
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect();
    anyhow::ensure!(!files.is_empty(), "no PDF in {dir} starts with `{prefix}`");
    files.sort();
    let inputs: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    // One thread: extraction would otherwise read pages in parallel while
    // segmentation runs on one core, flattering neither.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let run_round = || {
        let mut r = Round::default();
        for (path, bytes) in files.iter().zip(&inputs) {
            let t = Instant::now();
            let Ok(doc) = extract_bytes(bytes, &Limits::default()) else {
                continue;
            };
            r.extract += t.elapsed();
            let input = DocInput {
                sha256: findings::model::ids::sha256_hex(bytes),
                file: path.display().to_string(),
                files: vec![path.display().to_string()],
            };
            let (t, in_rules) = (Instant::now(), rule_time());
            let seg = segment(&doc, &input, &rules, &bodies);
            r.segment += t.elapsed();
            r.rules += rule_time() - in_rules;
            r.pages += doc.pages.len();
            r.statements += seg.statements.len();
        }
        r
    };
    // Round 0 is cold: each rule regex builds its lazy automaton on first use
    // (once per thread), so it is reported apart.
    let all: Vec<Round> = pool.install(|| (0..=rounds).map(|_| run_round()).collect());
    let (cold, warm) = all.split_first().expect("round 0");
    println!(
        "{} files, {} pages, {} statements per round; 1 thread",
        files.len(),
        cold.pages,
        cold.statements
    );
    println!(
        "cold round: extraction {:.3} s, segmentation {:.3} s ({:.1}%), of which rule tagging {:.3} s ({:.1}%)",
        cold.extract.as_secs_f64(),
        cold.segment.as_secs_f64(),
        cold.share(cold.segment),
        cold.rules.as_secs_f64(),
        cold.share(cold.rules),
    );
    if warm.is_empty() {
        return Ok(());
    }
    let per = |d: Duration| d.as_secs_f64() / warm.len() as f64;
    println!(
        "warm rounds ({}): extraction {:.3} s, segmentation {:.3} s, rule tagging {:.3} s per round",
        warm.len(),
        per(warm.iter().map(|r| r.extract).sum()),
        per(warm.iter().map(|r| r.segment).sum()),
        per(warm.iter().map(|r| r.rules).sum()),
    );
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        format!("{lo:.1}-{hi:.1}")
    };
    let ratio = |what: &str, part: fn(&Round) -> Duration| {
        let v: Vec<f64> = warm.iter().map(|r| r.share(part(r))).collect();
        println!(
            "ratio: {what} {:.1}% to extraction (median of warm rounds; range {})",
            median(v.clone()),
            range(&v)
        );
    };
    ratio("rule tagging adds", |r| r.rules);
    ratio("the rest of segmentation adds", |r| {
        r.segment.saturating_sub(r.rules)
    });
    ratio("segmentation with tagging adds", |r| r.segment);
    Ok(())
}
