//! Incremental runs reuse cached extraction and end identical to a full
//! rebuild; sharded runs merged equal a single run.

use super::common::root;
use findings::extract::Limits;
use findings::patterns::{Bodies, RuleSet};
use findings::pipeline::{self, RunOptions, RunSummary};
use findings::progress::Silent;
use std::path::{Path, PathBuf};

fn run(input: &Path, out: &Path, incremental: bool, shard: Option<(u32, u32)>) -> RunSummary {
    let opts = RunOptions {
        inputs: vec![input.to_path_buf()],
        out: out.to_path_buf(),
        jobs: Some(2),
        limits: Limits::default(),
        csv: false,
        shard,
        incremental,
    };
    pipeline::run(
        &opts,
        &RuleSet::load(None).unwrap(),
        &Bodies::builtin(),
        &Silent,
    )
    .unwrap()
}

fn copy_corpus(to: &Path) -> Vec<PathBuf> {
    let mut copied = Vec::new();
    for e in std::fs::read_dir(root().join("corpus")).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "pdf") {
            let dest = to.join(p.file_name().unwrap());
            std::fs::copy(&p, &dest).unwrap();
            copied.push(dest);
        }
    }
    copied.sort();
    copied
}

fn assert_same_dataset(a: &Path, b: &Path) {
    for name in [
        "reports.jsonl",
        "statements.jsonl",
        "links.jsonl",
        "chains.jsonl",
        "errors.jsonl",
    ] {
        let x = std::fs::read_to_string(a.join("dataset").join(name)).unwrap();
        let y = std::fs::read_to_string(b.join("dataset").join(name)).unwrap();
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn a_second_run_extracts_only_the_changed_file_and_matches_a_rebuild() {
    let input = tempfile::tempdir().unwrap();
    let files = copy_corpus(input.path());
    let out = tempfile::tempdir().unwrap();
    let first = run(input.path(), out.path(), true, None);
    assert_eq!(first.extracted, files.len());
    assert_eq!(first.from_cache, 0);

    let again = run(input.path(), out.path(), true, None);
    assert_eq!((again.extracted, again.from_cache), (0, files.len()));

    // Change one file (bytes after %%EOF keep it a valid PDF) and remove another.
    let mut bytes = std::fs::read(&files[0]).unwrap();
    bytes.extend_from_slice(b"\n% touched\n");
    std::fs::write(&files[0], bytes).unwrap();
    std::fs::remove_file(&files[1]).unwrap();
    let third = run(input.path(), out.path(), true, None);
    assert_eq!(third.extracted, 1, "only the changed file is extracted");
    assert_eq!(third.from_cache, files.len() - 2);

    let rebuilt = tempfile::tempdir().unwrap();
    run(input.path(), rebuilt.path(), false, None);
    assert_same_dataset(out.path(), rebuilt.path());
}

#[test]
fn sharded_then_merged_equals_a_single_run() {
    let corpus = root().join("corpus");
    let single = tempfile::tempdir().unwrap();
    run(&corpus, single.path(), false, None);
    let s1 = tempfile::tempdir().unwrap();
    let s2 = tempfile::tempdir().unwrap();
    let a = run(&corpus, s1.path(), false, Some((1, 2)));
    let b = run(&corpus, s2.path(), false, Some((2, 2)));
    assert!(a.reports > 0 && b.reports > 0, "both shards get work");
    let merged = tempfile::tempdir().unwrap();
    pipeline::merge(
        &[s1.path().to_path_buf(), s2.path().to_path_buf()],
        merged.path(),
        &RuleSet::load(None).unwrap(),
        false,
        &Silent,
    )
    .unwrap();
    assert_same_dataset(single.path(), merged.path());
}
