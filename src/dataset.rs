//! The JSON Lines dataset: writes and reads `output/dataset/`.
//!
//! Takes the batch's reports, statements, links, chains and errors and writes
//! one JSON object per line, UTF-8, each file sorted by stable keys, so the same
//! inputs give byte-identical files whatever the thread count. `manifest.json`
//! records the tool and schema versions, the rules' hash, the inputs and counts;
//! its `created` field is the only one that changes between identical runs
//! (it is `SOURCE_DATE_EPOCH` when that is set).
//! With `csv`, also writes `reports.csv`, `statements.csv` and a Frictionless
//! `datapackage.json`. The field documentation lives on the types in
//! [`crate::model`] and in `schema/`.
//!
//! It does not compute anything about the data beyond counts.

use crate::model::{Chain, ErrorRecord, Kind, Link, Report, SCHEMA_VERSION, Statement};
use crate::patterns::RuleSet;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Everything a run produced.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Reports, including failed ones.
    pub reports: Vec<Report>,
    /// Statements.
    pub statements: Vec<Statement>,
    /// Links.
    pub links: Vec<crate::model::Link>,
    /// Chains.
    pub chains: Vec<Chain>,
    /// Errors.
    pub errors: Vec<ErrorRecord>,
}

/// Dataset I/O errors, with the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line could not be parsed.
    #[error("{path}:{line}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The cause.
        source: serde_json::Error,
    },
    /// CSV writing failed.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DatasetError + '_ {
    move |source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Put every table in its canonical order.
pub fn sort(data: &mut Dataset) {
    data.reports
        .sort_by(|a, b| a.file.cmp(&b.file).then(a.id.cmp(&b.id)));
    let order: BTreeMap<String, usize> = data
        .reports
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    data.statements.sort_by(|a, b| {
        let ra = order.get(&a.report_id).copied().unwrap_or(usize::MAX);
        let rb = order.get(&b.report_id).copied().unwrap_or(usize::MAX);
        ra.cmp(&rb)
            .then(a.page.cmp(&b.page))
            .then(a.char_start.cmp(&b.char_start))
            .then(a.id.cmp(&b.id))
    });
    data.links
        .sort_by(|a, b| a.from.cmp(&b.from).then(a.to.cmp(&b.to)));
    data.chains.sort_by(|a, b| a.id.cmp(&b.id));
    data.errors.sort();
}

/// Write a whole dataset held in memory into `dir` (created if needed). The
/// rows are written in the order given: call [`sort`] first for the
/// canonical, deterministic order.
pub fn write(dir: &Path, data: &Dataset, rules: &RuleSet, csv: bool) -> Result<(), DatasetError> {
    let mut w = DatasetWriter::create(dir, csv)?;
    for s in &data.statements {
        w.statement(s)?;
    }
    w.finish(
        &data.reports,
        data.links.iter().cloned(),
        &data.chains,
        &data.errors,
        rules,
    )?;
    Ok(())
}

/// Writes a dataset whose statements arrive one at a time (in their final
/// order), so a batch's statements are never all in memory; the other tables
/// are small and come at the end.
pub struct DatasetWriter {
    dir: PathBuf,
    statements: BufWriter<File>,
    csv: Option<csv::Writer<File>>,
    totals: StatementTotals,
}

/// Counts over the statements written.
#[derive(Debug, Clone, Default)]
pub struct StatementTotals {
    /// Statements.
    pub statements: usize,
    /// Statements by kind.
    pub by_kind: BTreeMap<Kind, usize>,
    /// Statements by theme.
    pub by_theme: BTreeMap<String, usize>,
    /// Statements by report id and kind.
    pub by_report: BTreeMap<String, BTreeMap<Kind, usize>>,
}

fn csv_err(path: &Path) -> impl FnOnce(csv::Error) -> DatasetError + '_ {
    move |source| DatasetError::Csv {
        path: path.to_path_buf(),
        source,
    }
}

impl DatasetWriter {
    /// Start writing into `dir` (created if needed); with `csv`, also the CSV
    /// tables and `datapackage.json`.
    pub fn create(dir: &Path, csv: bool) -> Result<DatasetWriter, DatasetError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.join("statements.jsonl");
        let statements = BufWriter::new(File::create(&path).map_err(io_err(&path))?);
        let csv = if csv {
            let path = dir.join("statements.csv");
            let mut w = csv::Writer::from_path(&path).map_err(csv_err(&path))?;
            w.write_record(STATEMENT_COLUMNS.iter().map(|c| c.0))
                .map_err(csv_err(&path))?;
            Some(w)
        } else {
            None
        };
        Ok(DatasetWriter {
            dir: dir.to_path_buf(),
            statements,
            csv,
            totals: StatementTotals::default(),
        })
    }

    /// Write the next statement.
    pub fn statement(&mut self, s: &Statement) -> Result<(), DatasetError> {
        let path = self.dir.join("statements.jsonl");
        serde_json::to_writer(&mut self.statements, s).map_err(|e| DatasetError::Io {
            path: path.clone(),
            source: e.into(),
        })?;
        self.statements.write_all(b"\n").map_err(io_err(&path))?;
        if let Some(w) = &mut self.csv {
            let path = self.dir.join("statements.csv");
            w.write_record(statement_row(s).iter().map(|c| c.as_bytes()))
                .map_err(csv_err(&path))?;
        }
        let t = &mut self.totals;
        t.statements += 1;
        *t.by_kind.entry(s.kind).or_insert(0) += 1;
        for theme in &s.themes {
            match t.by_theme.get_mut(theme) {
                Some(n) => *n += 1,
                None => {
                    t.by_theme.insert(theme.clone(), 1);
                }
            }
        }
        match t.by_report.get_mut(&s.report_id) {
            Some(m) => *m.entry(s.kind).or_insert(0) += 1,
            None => {
                t.by_report
                    .insert(s.report_id.clone(), BTreeMap::from([(s.kind, 1)]));
            }
        }
        Ok(())
    }

    /// Write the other tables and the manifest; returns the statement counts.
    pub fn finish(
        mut self,
        reports: &[Report],
        links: impl Iterator<Item = Link>,
        chains: &[Chain],
        errors: &[ErrorRecord],
        rules: &RuleSet,
    ) -> Result<StatementTotals, DatasetError> {
        let path = self.dir.join("statements.jsonl");
        self.statements.flush().map_err(io_err(&path))?;
        if let Some(mut w) = self.csv.take() {
            let path = self.dir.join("statements.csv");
            w.flush().map_err(io_err(&path))?;
            write_csv(&self.dir, reports)?;
        }
        let dir = &self.dir;
        write_jsonl(&dir.join("reports.jsonl"), reports)?;
        let links = write_jsonl(&dir.join("links.jsonl"), links)?;
        write_jsonl(&dir.join("chains.jsonl"), chains)?;
        write_jsonl(&dir.join("errors.jsonl"), errors)?;
        let manifest = manifest(reports, &self.totals, links, chains, errors, rules);
        let path = dir.join("manifest.json");
        let mut text = serde_json::to_string_pretty(&manifest).expect("manifest serialises");
        text.push('\n');
        std::fs::write(&path, text).map_err(io_err(&path))?;
        Ok(self.totals)
    }
}

/// Write rows as JSON Lines; returns how many.
fn write_jsonl<I>(path: &Path, rows: I) -> Result<usize, DatasetError>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    let file = File::create(path).map_err(io_err(path))?;
    let mut w = BufWriter::new(file);
    let mut count = 0;
    for row in rows {
        count += 1;
        serde_json::to_writer(&mut w, &row).map_err(|e| DatasetError::Io {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
        w.write_all(b"\n").map_err(io_err(path))?;
    }
    w.flush().map_err(io_err(path))?;
    Ok(count)
}

/// Call `f` with each row of one JSON Lines file of the dataset, one line in
/// memory at a time.
pub fn for_each_jsonl<T: DeserializeOwned>(
    path: &Path,
    mut f: impl FnMut(T) -> Result<(), DatasetError>,
) -> Result<(), DatasetError> {
    let file = File::open(path).map_err(io_err(path))?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(path))?;
        if line.trim().is_empty() {
            continue;
        }
        let row = serde_json::from_str(&line).map_err(|source| DatasetError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            source,
        })?;
        f(row)?;
    }
    Ok(())
}

/// Read one JSON Lines file of the dataset.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, DatasetError> {
    let mut rows = Vec::new();
    for_each_jsonl(path, |row| {
        rows.push(row);
        Ok(())
    })?;
    Ok(rows)
}

/// Read a whole dataset folder back.
pub fn read(dir: &Path) -> Result<Dataset, DatasetError> {
    Ok(Dataset {
        reports: read_jsonl(&dir.join("reports.jsonl"))?,
        statements: read_jsonl(&dir.join("statements.jsonl"))?,
        links: read_jsonl::<Link>(&dir.join("links.jsonl"))?,
        chains: read_jsonl(&dir.join("chains.jsonl"))?,
        errors: read_jsonl(&dir.join("errors.jsonl"))?,
    })
}

/// `manifest.json`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// `inspection-findings` version.
    pub tool_version: String,
    /// Dataset schema version.
    pub schema_version: String,
    /// sha256 over the rule files used.
    pub rules_hash: String,
    /// When the dataset was made (RFC 3339, UTC); the only field that differs
    /// between runs over the same inputs.
    pub created: String,
    /// Every input file.
    pub inputs: Vec<ManifestInput>,
    /// Totals.
    pub totals: ManifestTotals,
}

/// One input file in the manifest.
#[derive(Debug, Serialize)]
pub struct ManifestInput {
    /// Path relative to the input root.
    pub file: String,
    /// sha256.
    pub sha256: String,
    /// Report id.
    pub report_id: String,
    /// ok, partial or failed.
    pub status: crate::model::ReportStatus,
    /// Pages.
    pub pages: u32,
    /// Statements by kind.
    pub statements: BTreeMap<Kind, usize>,
}

/// Totals in the manifest.
#[derive(Debug, Serialize)]
pub struct ManifestTotals {
    /// Reports.
    pub reports: usize,
    /// Statements.
    pub statements: usize,
    /// Statements by kind.
    pub by_kind: BTreeMap<Kind, usize>,
    /// Links.
    pub links: usize,
    /// Chains.
    pub chains: usize,
    /// Error records.
    pub errors: usize,
}

fn manifest(
    reports: &[Report],
    totals: &StatementTotals,
    links: usize,
    chains: &[Chain],
    errors: &[ErrorRecord],
    rules: &RuleSet,
) -> Manifest {
    let mut inputs = Vec::new();
    for r in reports {
        for f in &r.files {
            inputs.push(ManifestInput {
                file: f.clone(),
                sha256: r.sha256.clone(),
                report_id: r.id.clone(),
                status: r.status,
                pages: r.pages,
                statements: totals.by_report.get(&r.id).cloned().unwrap_or_default(),
            });
        }
    }
    inputs.sort_by(|a, b| a.file.cmp(&b.file));
    Manifest {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: SCHEMA_VERSION.to_string(),
        rules_hash: rules.hash(),
        created: now_rfc3339(),
        inputs,
        totals: ManifestTotals {
            reports: reports.len(),
            statements: totals.statements,
            by_kind: totals.by_kind.clone(),
            links,
            chains: chains.len(),
            errors: errors.len(),
        },
    }
}

/// Current UTC time as RFC 3339, from the system clock, without a date crate.
/// The run's time: `SOURCE_DATE_EPOCH` (seconds since 1970, the
/// reproducible-builds convention) when set and valid, so that identical runs
/// can give byte-identical manifests; else the clock.
fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    rfc3339(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// `reports.csv` and `datapackage.json` (`statements.csv` is written row by
/// row by [`DatasetWriter`]).
fn write_csv(dir: &Path, reports: &[Report]) -> Result<(), DatasetError> {
    let path = dir.join("reports.csv");
    let mut w = csv::Writer::from_path(&path).map_err(csv_err(&path))?;
    w.write_record(REPORT_COLUMNS.iter().map(|c| c.0))
        .map_err(csv_err(&path))?;
    for r in reports {
        w.write_record([
            r.id.as_str(),
            r.file.as_str(),
            r.sha256.as_str(),
            r.title.as_str(),
            r.force.as_deref().unwrap_or(""),
            &r.forces.join(";"),
            r.body.as_deref().unwrap_or(""),
            r.body_type.map(|b| b.as_str()).unwrap_or(""),
            &r.bodies.join(";"),
            r.publisher.as_str(),
            r.published.as_deref().unwrap_or(""),
            r.report_type.as_str(),
            &r.pages.to_string(),
            r.producer.as_deref().unwrap_or(""),
            status_str(r.status),
        ])
        .map_err(csv_err(&path))?;
    }
    w.flush().map_err(io_err(&path))?;

    let package = serde_json::json!({
        "profile": "tabular-data-package",
        "name": "inspection-findings",
        "title": "Statements from police inspection reports",
        "resources": [
            resource("reports", "reports.csv", REPORT_COLUMNS, "id"),
            resource("statements", "statements.csv", STATEMENT_COLUMNS, "id"),
        ],
    });
    let path = dir.join("datapackage.json");
    let mut text = serde_json::to_string_pretty(&package).expect("package serialises");
    text.push('\n');
    std::fs::write(&path, text).map_err(io_err(&path))
}

/// One row of `statements.csv`.
fn statement_row(s: &Statement) -> [std::borrow::Cow<'_, str>; 14] {
    use std::borrow::Cow::{Borrowed, Owned};
    fn opt(o: &Option<String>) -> &str {
        o.as_deref().unwrap_or("")
    }
    [
        Borrowed(s.id.as_str()),
        Borrowed(s.report_id.as_str()),
        Borrowed(s.kind.as_str()),
        Owned(s.themes.join(";")),
        Borrowed(s.text.as_str()),
        Owned(s.page.to_string()),
        Owned(s.page_end.to_string()),
        Borrowed(opt(&s.section)),
        Borrowed(opt(&s.number)),
        Borrowed(opt(&s.area)),
        Borrowed(s.grade.map(|g| g.as_str()).unwrap_or("")),
        Borrowed(opt(&s.deadline)),
        Borrowed(opt(&s.addressee)),
        Borrowed(opt(&s.chain_id)),
    ]
}

fn status_str(s: crate::model::ReportStatus) -> &'static str {
    match s {
        crate::model::ReportStatus::Ok => "ok",
        crate::model::ReportStatus::Partial => "partial",
        crate::model::ReportStatus::Failed => "failed",
    }
}

/// (column, Frictionless type, description)
type Column = (&'static str, &'static str, &'static str);

const REPORT_COLUMNS: &[Column] = &[
    ("id", "string", "Stable report id (r- + sha256 prefix)"),
    ("file", "string", "Path relative to the input root"),
    ("sha256", "string", "sha256 of the PDF"),
    ("title", "string", "Report title"),
    (
        "force",
        "string",
        "Canonical force or service, empty for multi-force reports",
    ),
    (
        "forces",
        "string",
        "Every force named as inspected, joined with ;",
    ),
    (
        "body",
        "string",
        "The inspected body (force, local authority, ...), empty when there are several",
    ),
    (
        "body_type",
        "string",
        "police_force, fire_and_rescue_service, local_authority, prison, national_body or other",
    ),
    ("bodies", "string", "Every inspected body, joined with ;"),
    (
        "publisher",
        "string",
        "Who wrote it: hmicfrs, hmic, ofsted, joint, ...",
    ),
    (
        "published",
        "string",
        "Publication date YYYY-MM or YYYY-MM-DD",
    ),
    (
        "report_type",
        "string",
        "peel, child_protection, thematic, ...",
    ),
    ("pages", "integer", "Page count"),
    ("producer", "string", "PDF producer"),
    ("status", "string", "ok, partial or failed"),
];

const STATEMENT_COLUMNS: &[Column] = &[
    ("id", "string", "Stable statement id"),
    ("report_id", "string", "Report id (reports.id)"),
    (
        "kind",
        "string",
        "recommendation, cause_of_concern, area_for_improvement, innovative_practice, graded_judgement or finding",
    ),
    ("themes", "string", "Theme ids joined with ;"),
    ("text", "string", "Statement text"),
    ("page", "integer", "First page"),
    ("page_end", "integer", "Last page"),
    ("section", "string", "Section path, headings joined with >"),
    ("number", "string", "Recommendation number"),
    ("area", "string", "Area of a graded judgement"),
    ("grade", "string", "Grade of a graded judgement, normalised"),
    ("deadline", "string", "Deadline, ISO date"),
    ("addressee", "string", "Who must act"),
    ("chain_id", "string", "Repeat chain id"),
];

fn resource(name: &str, path: &str, columns: &[Column], key: &str) -> serde_json::Value {
    let fields: Vec<_> = columns
        .iter()
        .map(|(n, t, d)| serde_json::json!({"name": n, "type": t, "description": d}))
        .collect();
    let mut schema = serde_json::json!({ "fields": fields, "primaryKey": key });
    if name == "statements" {
        schema["foreignKeys"] = serde_json::json!([{
            "fields": "report_id",
            "reference": {"resource": "reports", "fields": "id"}
        }]);
    }
    serde_json::json!({
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn rfc3339_shape() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
        assert_eq!(&t[4..5], "-");
        assert_eq!(&t[10..11], "T");
    }

    #[test]
    fn jsonl_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.jsonl");
        let rows = vec![ErrorRecord {
            file: "a.pdf".into(),
            sha256: None,
            stage: crate::model::Stage::Extract,
            category: "truncated".into(),
            page: None,
            message: "truncated".into(),
        }];
        write_jsonl(&path, &rows).unwrap();
        let back: Vec<ErrorRecord> = read_jsonl(&path).unwrap();
        assert_eq!(back, rows);
        std::fs::write(&path, "{not json}\n").unwrap();
        let err = read_jsonl::<ErrorRecord>(&path).unwrap_err();
        assert!(err.to_string().contains(":1:"), "{err}");
    }
}
