//! How much segmentation and rule tagging add to extraction, measured in one
//! run over the same files: prints extraction time, segmentation+tagging time
//! and their ratio (issue 4's floor: tagging adds less than 10%).
//!
//! cargo run --release --example bench_tagging -- DIR [ROUNDS]

use findings::extract::{Limits, extract_bytes};
use findings::patterns::{Bodies, RuleSet};
use findings::segment::{DocInput, segment};
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "corpus".into());
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);
    let rules = RuleSet::load(None)?;
    let bodies = Bodies::builtin();
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    let inputs: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let (mut extract_time, mut tag_time, mut layout_time) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut pages, mut statements) = (0usize, 0usize);
    // Round 0 warms the lazily built regex automata (a one-off cost per thread,
    // about 0.1-0.2 s) and is reported apart; later rounds are steady state.
    let (mut cold_extract, mut cold_tag) = (Duration::ZERO, Duration::ZERO);
    for round in 0..=rounds {
        if round == 1 {
            (cold_extract, cold_tag) = (extract_time, tag_time);
            (extract_time, tag_time, layout_time) =
                (Duration::ZERO, Duration::ZERO, Duration::ZERO);
            (pages, statements) = (0, 0);
        }
        for (path, bytes) in files.iter().zip(&inputs) {
            let t = Instant::now();
            let Ok(doc) = extract_bytes(bytes, &Limits::default()) else {
                continue;
            };
            extract_time += t.elapsed();
            let input = DocInput {
                sha256: findings::model::ids::sha256_hex(bytes),
                file: path.display().to_string(),
                files: vec![path.display().to_string()],
            };
            let t = Instant::now();
            let _ = findings::segment::structure::analyse(&doc);
            layout_time += t.elapsed();
            let t = Instant::now();
            let seg = segment(&doc, &input, &rules, &bodies);
            tag_time += t.elapsed();
            pages += doc.pages.len();
            statements += seg.statements.len();
        }
    }
    println!(
        "first (cold) round: extraction {:.3} s, segmentation+tagging {:.3} s ({:.1}%)",
        cold_extract.as_secs_f64(),
        cold_tag.as_secs_f64(),
        100.0 * cold_tag.as_secs_f64() / cold_extract.as_secs_f64()
    );
    println!(
        "{} files x {rounds} warm rounds: {pages} pages, {statements} statements",
        files.len()
    );
    println!("extraction:           {:8.3} s", extract_time.as_secs_f64());
    println!("segmentation+tagging: {:8.3} s", tag_time.as_secs_f64());
    println!("  of which layout:    {:8.3} s", layout_time.as_secs_f64());
    println!(
        "ratio: tagging adds {:.1}% to extraction",
        100.0 * tag_time.as_secs_f64() / extract_time.as_secs_f64()
    );
    Ok(())
}
