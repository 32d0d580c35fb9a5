//! Shared helpers: the project paths and one pipeline run over `corpus/`.

use findings::dataset::{self, Dataset};
use findings::evaluate::Truth;
use findings::extract::Limits;
use findings::patterns::{Bodies, RuleSet};
use findings::pipeline::{self, RunOptions, RunSummary};
use findings::progress::Silent;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus-real`, when present (it is not in a user's clone).
pub fn corpus_real() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus-real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: ../shared/corpus-real is absent; skipping tests on real PDFs");
        None
    }
}

/// Run the pipeline into `out`.
pub fn run_into(inputs: &[PathBuf], out: &Path, jobs: usize) -> RunSummary {
    let rules = RuleSet::load(None).expect("built-in rules load");
    let bodies = Bodies::builtin();
    let opts = RunOptions {
        inputs: inputs.to_vec(),
        out: out.to_path_buf(),
        jobs: Some(jobs),
        limits: Limits::default(),
        csv: true,
        shard: None,
        incremental: false,
    };
    pipeline::run(&opts, &rules, &bodies, &Silent).expect("pipeline runs")
}

/// The shared corpus run: (output folder, summary, dataset).
pub struct CorpusRun {
    /// Temporary output folder (kept for the whole test binary).
    pub out: PathBuf,
    /// The summary.
    pub summary: RunSummary,
    /// The dataset read back from disk.
    pub data: Dataset,
}

pub fn corpus_run() -> &'static CorpusRun {
    static RUN: OnceLock<CorpusRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("findings-corpus-")
            .tempdir()
            .expect("tempdir")
            .keep();
        let summary = run_into(&[root().join("corpus")], &dir, 2);
        let data = dataset::read(&dir.join("dataset")).expect("dataset reads back");
        CorpusRun {
            out: dir,
            summary,
            data,
        }
    })
}

/// `corpus/truth.json`.
pub fn truth() -> Truth {
    let text = std::fs::read_to_string(root().join("corpus/truth.json")).expect("truth.json");
    serde_json::from_str(&text).expect("truth.json parses")
}

/// The corpus run measured against `corpus/truth.json`, computed once for all
/// tests (and printed once, for the log).
pub fn corpus_evaluation() -> &'static findings::evaluate::Evaluation {
    static EVALUATION: OnceLock<findings::evaluate::Evaluation> = OnceLock::new();
    EVALUATION.get_or_init(|| {
        let run = corpus_run();
        let ev = findings::evaluate::evaluate(
            &truth(),
            &run.data.reports,
            &run.data.statements,
            &run.data.links,
        );
        eprintln!("{}", ev.render());
        ev
    })
}
