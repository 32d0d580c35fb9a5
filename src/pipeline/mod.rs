//! The batch runner: input paths → dataset and index on disk.
//!
//! Takes PDF files and folders, finds every PDF (recursively, sorted), reads and
//! hashes each once, groups identical files, then extracts and segments the
//! distinct ones in parallel with rayon. Each document is isolated: an error or
//! even a panic becomes an [`ErrorRecord`] and the batch carries on. As each
//! document finishes, its statements go to the [`spill`](crate::spill) (disk)
//! with a small sort key in memory. When every document is done it links
//! repeat findings across the batch, reading the spill in streaming passes,
//! then writes the dataset ([`crate::dataset`]) and the index
//! ([`crate::index`]) from the spill in dataset order. Memory therefore grows
//! with the number of statements by a few dozen bytes each, not with the text.
//!
//! It does not decide how progress is shown (see [`crate::progress`]) nor print
//! anything; the summary it returns is formatted by the CLI.

mod batch;
mod cache;

use crate::dataset;
use crate::extract::{self, Limits};
use crate::model::{
    ErrorRecord, Kind, MetadataSources, Publisher, Report, ReportStatus, ReportType, Source, Stage,
    Statement, ids,
};
use crate::patterns::{Bodies, RuleSet};
use crate::progress::Reporter;
use crate::segment::{self, DocInput};
use batch::{Batch, Prepared, TRIM_EVERY, Written, link_and_write, release_free_memory};
use cache::Cache;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// What `findings run` was asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// PDF files or folders.
    pub inputs: Vec<PathBuf>,
    /// Output folder (`dataset/` and `index/` go inside).
    pub out: PathBuf,
    /// Worker threads (None = one per core).
    pub jobs: Option<usize>,
    /// Extraction limits.
    pub limits: Limits,
    /// Also write CSV tables and a Frictionless datapackage.json.
    pub csv: bool,
    /// Process only shard K of N (1-based), chosen by content hash.
    pub shard: Option<(u32, u32)>,
    /// Reuse extracted text cached in `out/cache/` by content hash, so a
    /// second run only extracts new or changed files.
    pub incremental: bool,
}

/// The numbers printed at the end of a run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// PDF files found.
    pub files: usize,
    /// Distinct reports (by content).
    pub reports: usize,
    /// Pages read.
    pub pages: u64,
    /// Statements by kind.
    pub by_kind: BTreeMap<Kind, usize>,
    /// Themes by statement count, most frequent first.
    pub top_themes: Vec<(String, usize)>,
    /// Links between repeat findings.
    pub links: usize,
    /// Repeat chains.
    pub chains: usize,
    /// Failed or partly read documents.
    pub errors: Vec<ErrorRecord>,
    /// Documents that failed outright.
    pub failed_documents: usize,
    /// Documents extracted in this run.
    pub extracted: usize,
    /// Documents whose extracted text came from the cache.
    pub from_cache: usize,
}

/// Errors that stop the whole run (not a single document).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// An input path does not exist.
    #[error("input not found: {0}")]
    InputNotFound(PathBuf),
    /// Reading a folder failed.
    #[error("cannot read folder {path}: {source}")]
    Walk {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The thread pool could not be built.
    #[error("cannot start {0} worker threads")]
    Threads(usize),
    /// Writing the dataset failed.
    #[error("writing the dataset: {0}")]
    Dataset(#[from] dataset::DatasetError),
    /// Writing the index failed.
    #[error("writing the index: {0}")]
    Index(#[from] crate::index::IndexError),
    /// The statement spill (scratch file in the output folder) failed.
    #[error("statement scratch file in the output folder: {0}")]
    Spill(std::io::Error),
}

/// One PDF found on disk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Path relative to its input root, with `/` separators.
    pub rel: String,
    /// Path to open.
    pub path: PathBuf,
}

/// Find every PDF under the inputs, sorted by relative path. Files named
/// explicitly are taken whatever their extension (a non-PDF then fails with a
/// clear error); inside folders only `*.pdf` files are taken.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>, PipelineError> {
    let mut found = Vec::new();
    for input in inputs {
        if input.is_file() {
            let rel = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.display().to_string());
            found.push(InputFile {
                rel,
                path: input.clone(),
            });
        } else if input.is_dir() {
            walk(input, input, &mut found)?;
        } else {
            return Err(PipelineError::InputNotFound(input.clone()));
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.path == b.path);
    Ok(found)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<InputFile>) -> Result<(), PipelineError> {
    let entries = std::fs::read_dir(dir).map_err(|source| PipelineError::Walk {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(root, &path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            found.push(InputFile { rel, path });
        }
    }
    Ok(())
}

/// Distinct content: one entry per sha256 with every path that holds it.
#[derive(Debug, Clone)]
struct Distinct {
    sha256: String,
    files: Vec<InputFile>,
}

/// What one document gave.
#[derive(Debug, Default)]
pub struct DocOutcome {
    /// The extracted text came from the cache.
    pub cached: bool,
    /// The report (also for failed documents, with status `failed`).
    pub report: Option<Report>,
    /// Its statements.
    pub statements: Vec<Statement>,
    /// Problems found.
    pub errors: Vec<ErrorRecord>,
}

/// Run the whole pipeline.
pub fn run(
    opts: &RunOptions,
    rules: &RuleSet,
    bodies: &Bodies,
    reporter: &dyn Reporter,
) -> Result<RunSummary, PipelineError> {
    let files = discover(&opts.inputs)?;
    let jobs = opts.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|_| PipelineError::Threads(jobs))?;
    pool.install(|| run_in_pool(opts, files, rules, bodies, reporter))
}

fn run_in_pool(
    opts: &RunOptions,
    files: Vec<InputFile>,
    rules: &RuleSet,
    bodies: &Bodies,
    reporter: &dyn Reporter,
) -> Result<RunSummary, PipelineError> {
    let file_count = files.len();
    // Hash every file first (streamed, nothing kept), so identical files are
    // processed once and listed together.
    let hashed: Vec<(InputFile, Result<String, String>)> = files
        .into_par_iter()
        .map(|f| {
            let h = hash_file(&f.path);
            (f, h)
        })
        .collect();
    let mut errors = Vec::new();
    let mut by_sha: BTreeMap<String, Vec<InputFile>> = BTreeMap::new();
    for (file, hash) in hashed {
        match hash {
            Ok(sha) => by_sha.entry(sha).or_default().push(file),
            Err(message) => errors.push(ErrorRecord {
                file: file.rel.clone(),
                sha256: None,
                stage: Stage::Read,
                category: "io".into(),
                page: None,
                message,
            }),
        }
    }
    let mut distinct: Vec<Distinct> = by_sha
        .into_iter()
        .map(|(sha256, mut files)| {
            files.sort();
            Distinct { sha256, files }
        })
        .collect();
    if let Some((k, n)) = opts.shard {
        distinct.retain(|d| shard_of(&d.sha256, n) == k);
    }
    reporter.start(distinct.len());

    let cache = opts.incremental.then(|| Cache::new(&opts.out));
    if let Some(c) = &cache
        && opts.shard.is_none()
    {
        c.prune(distinct.iter().map(|d| d.sha256.as_str()));
    }
    let batch = std::sync::Mutex::new(Batch::new(&opts.out).map_err(PipelineError::Spill)?);
    let finished = std::sync::atomic::AtomicUsize::new(0);
    distinct.par_iter().for_each(|d| {
        let outcome = process_isolated(d, || {
            process(d, rules, bodies, &opts.limits, cache.as_ref())
        });
        let pages = outcome.report.as_ref().map_or(0, |r| r.pages);
        let failed = outcome
            .report
            .as_ref()
            .is_none_or(|r| r.status == ReportStatus::Failed);
        // Encode outside the lock; the batch only appends bytes.
        let prepared: std::io::Result<Vec<Prepared>> =
            outcome.statements.iter().map(Prepared::new).collect();
        {
            let mut batch = batch.lock().unwrap_or_else(|e| e.into_inner());
            batch.add_document(outcome.cached, outcome.report, outcome.errors, prepared);
        }
        reporter.document_done(pages, failed);
        // Large documents leave freed memory in their thread's arena.
        if finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % TRIM_EVERY
            == TRIM_EVERY - 1
        {
            release_free_memory();
        }
    });
    let mut batch = batch.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = batch.spill_error.take() {
        return Err(PipelineError::Spill(e));
    }
    batch.errors.extend(errors);
    let (extracted, from_cache) = (batch.extracted, batch.from_cache);
    let written = link_and_write(batch, &opts.out, rules, opts.csv, reporter)?;
    reporter.finish();
    let mut summary = summarise(file_count, &written);
    summary.extracted = extracted;
    summary.from_cache = from_cache;
    Ok(summary)
}

/// Merge the outputs of sharded runs (`run --shard K/N`) into one: reports,
/// statements and errors are combined (a report seen in several shards once,
/// with all its paths), linking is re-run over the merged statements, and the
/// dataset and index are written to `out`.
pub fn merge(
    shard_dirs: &[PathBuf],
    out: &Path,
    rules: &RuleSet,
    csv: bool,
    reporter: &dyn Reporter,
) -> Result<RunSummary, PipelineError> {
    let mut batch = Batch::new(out).map_err(PipelineError::Spill)?;
    // The shard that first listed each report gives its statements (a
    // report in several shards has the same statements in each).
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    let mut orphans: std::collections::BTreeSet<String> = Default::default();
    for (shard, dir) in shard_dirs.iter().enumerate() {
        let dir = dir.join("dataset");
        for r in dataset::read_jsonl::<Report>(&dir.join("reports.jsonl"))? {
            match batch.report_mut(&r.id) {
                Some(existing) => {
                    existing.files.extend(r.files);
                    existing.files.sort();
                    existing.files.dedup();
                    existing.file = existing.files[0].clone();
                }
                None => {
                    owner.insert(r.id.clone(), shard);
                    batch.add_report(r);
                }
            }
        }
        let mut spill_error = None;
        dataset::for_each_jsonl(&dir.join("statements.jsonl"), |s: Statement| {
            let keep = match owner.get(&s.report_id) {
                Some(&o) => o == shard,
                None => orphans.insert(s.id.clone()),
            };
            if keep && spill_error.is_none() {
                spill_error = Prepared::new(&s).and_then(|p| batch.add_statement(p)).err();
            }
            Ok(())
        })?;
        if let Some(e) = spill_error {
            return Err(PipelineError::Spill(e));
        }
        batch.errors.extend(dataset::read_jsonl::<ErrorRecord>(
            &dir.join("errors.jsonl"),
        )?);
    }
    batch.errors.sort();
    batch.errors.dedup();
    let file_count = batch.reports.iter().map(|r| r.files.len()).sum();
    let written = link_and_write(batch, out, rules, csv, reporter)?;
    reporter.finish();
    Ok(summarise(file_count, &written))
}

/// Which shard (1-based) of `n` a document belongs to: by content hash, so the
/// split does not depend on paths or order.
pub fn shard_of(sha256: &str, n: u32) -> u32 {
    let prefix = u64::from_str_radix(&sha256[..16.min(sha256.len())], 16).unwrap_or(0);
    (prefix % u64::from(n.max(1))) as u32 + 1
}

fn summarise(files: usize, w: &Written) -> RunSummary {
    let mut top_themes: Vec<(String, usize)> = w
        .totals
        .by_theme
        .iter()
        .map(|(t, &n)| (t.clone(), n))
        .collect();
    top_themes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let failed = |r: &&Report| r.status == ReportStatus::Failed;
    RunSummary {
        files,
        reports: w.reports.len() - w.reports.iter().filter(failed).count(),
        pages: w.reports.iter().map(|r| u64::from(r.pages)).sum(),
        by_kind: w.totals.by_kind.clone(),
        top_themes,
        links: w.links,
        chains: w.chains,
        failed_documents: w.reports.iter().filter(failed).count(),
        errors: w.errors.clone(),
        extracted: 0,
        from_cache: 0,
    }
}

fn hash_file(path: &Path) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(base16ct::lower::encode_string(&hasher.finalize()))
}

/// Run `work` on one distinct document with a last-resort fence against
/// panics: a panic becomes the document's `internal` error.
fn process_isolated(d: &Distinct, work: impl FnOnce() -> DocOutcome) -> DocOutcome {
    let first = &d.files[0];
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(outcome) => outcome,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            failed(
                d,
                ErrorRecord {
                    file: first.rel.clone(),
                    sha256: Some(d.sha256.clone()),
                    stage: Stage::Extract,
                    category: "internal".into(),
                    page: None,
                    message: format!("internal error (caught panic): {what}"),
                },
            )
        }
    }
}

fn process(
    d: &Distinct,
    rules: &RuleSet,
    bodies: &Bodies,
    limits: &Limits,
    cache: Option<&Cache>,
) -> DocOutcome {
    let first = &d.files[0];
    if let Some(doc) = cache.and_then(|c| c.get(&d.sha256)) {
        let mut outcome = finish_document(d, doc, rules, bodies);
        outcome.cached = true;
        return outcome;
    }
    let meta = std::fs::metadata(&first.path);
    if let Ok(m) = &meta
        && m.len() > limits.max_file_bytes
    {
        return failed(
            d,
            error_for(
                d,
                Stage::Read,
                "limit",
                format!(
                    "file is {} bytes, over the {} byte limit",
                    m.len(),
                    limits.max_file_bytes
                ),
            ),
        );
    }
    let bytes = match std::fs::read(&first.path) {
        Ok(b) => b,
        Err(e) => {
            return failed(
                d,
                error_for(
                    d,
                    Stage::Read,
                    "io",
                    format!("cannot read {}: {e}", first.path.display()),
                ),
            );
        }
    };
    let doc = match extract::extract_bytes(&bytes, limits) {
        Ok(doc) => doc,
        Err(e) => return failed(d, error_for(d, Stage::Extract, e.category(), e.to_string())),
    };
    drop(bytes);
    if let Some(c) = cache {
        c.put(&d.sha256, &doc);
    }
    finish_document(d, doc, rules, bodies)
}

/// Segment an extracted document and record its warnings.
fn finish_document(
    d: &Distinct,
    doc: crate::model::Document,
    rules: &RuleSet,
    bodies: &Bodies,
) -> DocOutcome {
    let first = &d.files[0];
    let input = DocInput {
        sha256: d.sha256.clone(),
        file: first.rel.clone(),
        files: d.files.iter().map(|f| f.rel.clone()).collect(),
    };
    let seg = segment::segment(&doc, &input, rules, bodies);
    let mut errors = Vec::new();
    // Pages that could not be read well are recorded, so a partly read report
    // is never passed off as complete.
    for w in &doc.warnings {
        if w.category.starts_with("limit") || PARTIAL_CATEGORIES.contains(&w.category.as_str()) {
            errors.push(ErrorRecord {
                file: first.rel.clone(),
                sha256: Some(d.sha256.clone()),
                stage: Stage::Extract,
                category: w.category.clone(),
                page: w.page,
                message: w.message.clone(),
            });
        }
    }
    let mut report = seg.report;
    if !errors.is_empty() {
        report.status = if doc.pages.iter().all(|p| p.lines.is_empty()) {
            ReportStatus::Failed
        } else {
            ReportStatus::Partial
        };
    }
    DocOutcome {
        cached: false,
        report: Some(report),
        statements: seg.statements,
        errors,
    }
}

/// Warning categories (besides every `limit_*`) that make a report `partial`
/// and land in errors.jsonl.
const PARTIAL_CATEGORIES: &[&str] = &[
    "no_text_layer",
    "garbled_text",
    "timeout",
    "limit_ops",
    "limit_glyphs",
    "broken_stream",
    "page_error",
    "internal",
];

fn error_for(d: &Distinct, stage: Stage, category: &str, message: String) -> ErrorRecord {
    ErrorRecord {
        file: d.files[0].rel.clone(),
        sha256: Some(d.sha256.clone()),
        stage,
        category: category.to_string(),
        page: None,
        message,
    }
}

/// The outcome of a document that could not be read: a `failed` report (so data
/// teams see every input) and its error.
fn failed(d: &Distinct, error: ErrorRecord) -> DocOutcome {
    let first = &d.files[0];
    let title = Path::new(&first.rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| first.rel.clone());
    let report = Report {
        id: ids::report_id(&d.sha256),
        file: first.rel.clone(),
        files: d.files.iter().map(|f| f.rel.clone()).collect(),
        sha256: d.sha256.clone(),
        title,
        force: None,
        forces: vec![],
        body: None,
        body_type: None,
        bodies: vec![],
        publisher: Publisher::Other,
        published: None,
        report_type: ReportType::Other,
        pages: 0,
        producer: None,
        status: ReportStatus::Failed,
        warnings: vec![error.message.clone()],
        sources: MetadataSources {
            title: Source::FileName,
            force: Source::None,
            publisher: Source::None,
            published: Source::None,
            report_type: Source::None,
        },
    };
    DocOutcome {
        cached: false,
        report: Some(report),
        statements: vec![],
        errors: vec![error],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_everything_once() {
        let shas: Vec<String> = (0..100)
            .map(|i| ids::sha256_hex(format!("{i}").as_bytes()))
            .collect();
        let mut counts = [0usize; 3];
        for s in &shas {
            let k = shard_of(s, 3);
            assert!((1..=3).contains(&k));
            counts[(k - 1) as usize] += 1;
        }
        assert_eq!(counts.iter().sum::<usize>(), 100);
        assert!(counts.iter().all(|&c| c > 10), "{counts:?}");
    }

    #[test]
    fn discover_finds_pdfs_recursively_sorted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("b/c/z.PDF"), b"x").unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let found = discover(&[dir.path().to_path_buf()]).unwrap();
        let rels: Vec<_> = found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.pdf", "b/c/z.PDF"]);
        let missing = discover(&[dir.path().join("nope")]);
        assert!(matches!(missing, Err(PipelineError::InputNotFound(_))));
    }
}
