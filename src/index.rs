//! The tantivy index over statements.
//!
//! One tantivy document per [`Statement`], carrying the fields of its
//! [`Report`] that people filter on. [`IndexBuilder`] writes a fresh index in one
//! commit; [`crate::search`] queries it.
//!
//! # Schema
//!
//! | field | type | use |
//! | --- | --- | --- |
//! | `text` | text, `en_stem`, positions, stored | the statement; default search field |
//! | `title` | text, `en_stem`, positions, stored | report title; default search field (lower boost) |
//! | `statement_id`, `report_id` | raw string, stored | exact look-up (`statement_id:s-…`) |
//! | `kind`, `theme`, `force`, `body`, `type`, `publisher` | `keyword` (whole value, lower-cased), stored | filters and `field:value` queries (`theme:risk_assessment`, `force:"greater manchester police"`, `body:"lancashire county council"`) |
//! | `facets` | facet | `/kind/…`, `/theme/…`, `/force/…`, `/body/…`, `/type/…`, `/publisher/…`, `/year/…`, counted by search |
//! | `published` | date, indexed, fast | date range filter and newest-first listing |
//! | `published_text` | stored | the date as the report states it (`YYYY-MM` or `YYYY-MM-DD`) |
//! | `year` | u64, indexed, fast, stored | `year:2019` |
//! | `page`, `page_end` | u64, stored | |
//! | `section`, `number`, `force_name` | stored | display |
//! | `sid_key` | u64, fast | statement id as a number, the deterministic tie-break |
//!
//! Analyzers are not stored in the index: [`register_analyzers`] must be called on
//! every opened [`Index`] (the search module does).

use std::fs;
use std::path::{Path, PathBuf};

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption,
    STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument};

use crate::model::{Report, Statement};

/// Name of the English stemming analyzer used by `text` and `title`.
pub const EN_STEM: &str = "en_stem";
/// Name of the whole-value, lower-cased analyzer used by the filter fields.
pub const KEYWORD: &str = "keyword";

/// Smallest writer memory we accept per indexing thread (tantivy's floor is 15 MB).
const MIN_MEMORY_PER_THREAD: usize = 16_000_000;

/// Errors while building or opening an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Filesystem problem.
    #[error("index folder {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The target folder has files but is not a tantivy index: we refuse to empty it.
    #[error(
        "{0} is not empty and does not hold a findings index; refusing to delete it (choose an empty or new folder)"
    )]
    NotAnIndex(PathBuf),
    /// The folder holds no index.
    #[error("no index in {0} (build one first)")]
    Missing(PathBuf),
    /// The index was written with a different schema.
    #[error("index schema mismatch: field `{0}` missing (rebuild the index)")]
    Schema(String),
    /// tantivy failed.
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// The fields of the schema, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub text: Field,
    pub title: Field,
    pub statement_id: Field,
    pub report_id: Field,
    pub kind: Field,
    pub theme: Field,
    pub force: Field,
    pub body: Field,
    pub report_type: Field,
    pub publisher: Field,
    pub facets: Field,
    pub published: Field,
    pub published_text: Field,
    pub year: Field,
    pub page: Field,
    pub page_end: Field,
    pub section: Field,
    pub number: Field,
    pub force_name: Field,
    pub sid_key: Field,
}

/// Field names, shared with the search module.
pub(crate) mod names {
    pub const TEXT: &str = "text";
    pub const TITLE: &str = "title";
    pub const STATEMENT_ID: &str = "statement_id";
    pub const REPORT_ID: &str = "report_id";
    pub const KIND: &str = "kind";
    pub const THEME: &str = "theme";
    pub const FORCE: &str = "force";
    pub const BODY: &str = "body";
    pub const TYPE: &str = "type";
    pub const PUBLISHER: &str = "publisher";
    pub const FACETS: &str = "facets";
    pub const PUBLISHED: &str = "published";
    pub const PUBLISHED_TEXT: &str = "published_text";
    pub const YEAR: &str = "year";
    pub const PAGE: &str = "page";
    pub const PAGE_END: &str = "page_end";
    pub const SECTION: &str = "section";
    pub const NUMBER: &str = "number";
    pub const FORCE_NAME: &str = "force_name";
    pub const SID_KEY: &str = "sid_key";
}

/// Facet roots in the `facets` field.
pub(crate) mod roots {
    pub const KIND: &str = "kind";
    pub const THEME: &str = "theme";
    pub const FORCE: &str = "force";
    pub const BODY: &str = "body";
    pub const TYPE: &str = "type";
    pub const PUBLISHER: &str = "publisher";
    pub const YEAR: &str = "year";
}

/// The index schema.
pub fn schema() -> Schema {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(EN_STEM)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        )
        .set_stored();
    b.add_text_field(names::TEXT, stemmed.clone());
    b.add_text_field(names::TITLE, stemmed);
    b.add_text_field(names::STATEMENT_ID, STRING | STORED);
    b.add_text_field(names::REPORT_ID, STRING | STORED);
    b.add_text_field(names::KIND, keyword.clone());
    b.add_text_field(names::THEME, keyword.clone());
    b.add_text_field(names::FORCE, keyword.clone());
    b.add_text_field(names::BODY, keyword.clone());
    b.add_text_field(names::TYPE, keyword.clone());
    b.add_text_field(names::PUBLISHER, keyword);
    b.add_facet_field(names::FACETS, FacetOptions::default());
    b.add_date_field(
        names::PUBLISHED,
        DateOptions::from(INDEXED)
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    b.add_text_field(names::PUBLISHED_TEXT, STORED);
    b.add_u64_field(names::YEAR, INDEXED | FAST | STORED);
    b.add_u64_field(names::PAGE, STORED);
    b.add_u64_field(names::PAGE_END, STORED);
    b.add_text_field(names::SECTION, STORED);
    b.add_text_field(names::NUMBER, STORED);
    b.add_text_field(names::FORCE_NAME, STORED);
    b.add_u64_field(names::SID_KEY, FAST);
    b.build()
}

impl Fields {
    pub(crate) fn from_schema(schema: &Schema) -> Result<Fields, IndexError> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| IndexError::Schema(name.to_string()))
        };
        Ok(Fields {
            text: f(names::TEXT)?,
            title: f(names::TITLE)?,
            statement_id: f(names::STATEMENT_ID)?,
            report_id: f(names::REPORT_ID)?,
            kind: f(names::KIND)?,
            theme: f(names::THEME)?,
            force: f(names::FORCE)?,
            body: f(names::BODY)?,
            report_type: f(names::TYPE)?,
            publisher: f(names::PUBLISHER)?,
            facets: f(names::FACETS)?,
            published: f(names::PUBLISHED)?,
            published_text: f(names::PUBLISHED_TEXT)?,
            year: f(names::YEAR)?,
            page: f(names::PAGE)?,
            page_end: f(names::PAGE_END)?,
            section: f(names::SECTION)?,
            number: f(names::NUMBER)?,
            force_name: f(names::FORCE_NAME)?,
            sid_key: f(names::SID_KEY)?,
        })
    }
}

/// The English analyzer: words split on non-alphanumerics, very long tokens
/// dropped, lower-cased, accents folded, Snowball English stems. No stop-word
/// removal, so phrases such as "use of force" match exactly.
pub fn en_stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The keyword analyzer: the whole value as one lower-cased token.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzers the schema names; needed on every opened index.
pub fn register_analyzers(index: &Index) {
    let tm = index.tokenizers();
    tm.register(EN_STEM, en_stem_analyzer());
    tm.register(KEYWORD, keyword_analyzer());
}

/// Normalises a filter value the way the keyword analyzer does.
pub(crate) fn keyword(value: &str) -> String {
    value.to_lowercase()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Number of days in a month.
pub(crate) fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// Midnight UTC of a date as a tantivy date.
pub(crate) fn date_value(y: i32, m: u32, d: u32) -> DateTime {
    DateTime::from_timestamp_secs(days_from_civil(y, m, d) * 86_400)
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into (year, month, day), checking
/// ranges. The message says what was wrong.
pub(crate) fn parse_ymd(s: &str) -> Result<(i32, Option<u32>, Option<u32>), String> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, what: &str| -> Result<u32, String> {
        if p.len() != len || !p.bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!("{what} must be {len} digits"));
        }
        p.parse::<u32>().map_err(|e| format!("{what}: {e}"))
    };
    if parts.is_empty() || parts.len() > 3 {
        return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
    }
    let year = num(parts[0], 4, "year")? as i32;
    let month = match parts.get(1) {
        Some(p) => {
            let m = num(p, 2, "month")?;
            if !(1..=12).contains(&m) {
                return Err(format!("month {m:02} is not between 01 and 12"));
            }
            Some(m)
        }
        None => None,
    };
    let day = match (parts.get(2), month) {
        (Some(p), Some(m)) => {
            let d = num(p, 2, "day")?;
            let max = days_in_month(year, m);
            if d == 0 || d > max {
                return Err(format!(
                    "day {d:02} is not between 01 and {max} for {year}-{m:02}"
                ));
            }
            Some(d)
        }
        _ => None,
    };
    Ok((year, month, day))
}

/// Sort key of a statement id: `s-` + 16 hex digits read as a number keeps the
/// ids' string order; any other id falls back to a hash (still deterministic).
pub(crate) fn sid_key(id: &str) -> u64 {
    if let Some(hex) = id.strip_prefix("s-")
        && hex.len() == 16
        && hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        && let Ok(v) = u64::from_str_radix(hex, 16)
    {
        return v;
    }
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// Forces a statement is filed under: the report's `forces`, else its `force`,
/// else its inspected `body`.
pub(crate) fn report_forces(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = report.forces.iter().map(String::as_str).collect();
    if out.is_empty()
        && let Some(f) = report.force.as_deref().or(report.body.as_deref())
    {
        out.push(f);
    }
    out.retain(|f| !f.trim().is_empty());
    out.sort_unstable();
    out.dedup();
    out
}

/// Inspected bodies a statement is filed under: the report's `bodies`, else
/// its `body`, else the forces it is filed under.
pub(crate) fn report_bodies(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = report.bodies.iter().map(String::as_str).collect();
    if out.is_empty() {
        out = match report.body.as_deref() {
            Some(b) => vec![b],
            None => report_forces(report),
        };
    }
    out.retain(|b| !b.trim().is_empty());
    out.sort_unstable();
    out.dedup();
    out
}

/// Writes a fresh index of statements.
pub struct IndexBuilder {
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    docs: u64,
}

impl IndexBuilder {
    /// Creates an empty index in `dir`, replacing any index already there.
    /// `dir` must be missing, empty or an index folder: anything else is left
    /// alone and is an error. `writer_memory_bytes` is the indexing memory
    /// budget shared by the indexing threads (at least 16 MB per thread is used).
    pub fn create(dir: &Path, writer_memory_bytes: usize) -> Result<Self, IndexError> {
        let io = |source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        };
        if dir.exists() {
            let non_empty = fs::read_dir(dir).map_err(io)?.next().is_some();
            if non_empty {
                if !dir.join("meta.json").is_file() {
                    return Err(IndexError::NotAnIndex(dir.to_path_buf()));
                }
                fs::remove_dir_all(dir).map_err(io)?;
            }
        }
        fs::create_dir_all(dir).map_err(io)?;
        let index = Index::create_in_dir(dir, schema())?;
        register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let threads = threads.min((writer_memory_bytes / MIN_MEMORY_PER_THREAD).max(1));
        let memory = writer_memory_bytes.max(threads * MIN_MEMORY_PER_THREAD);
        let writer = index.writer_with_num_threads(threads, memory)?;
        Ok(IndexBuilder {
            writer,
            fields,
            docs: 0,
        })
    }

    /// Adds one statement of `report`.
    pub fn add(&mut self, report: &Report, statement: &Statement) -> Result<(), IndexError> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.text, &statement.text);
        doc.add_text(f.title, &report.title);
        doc.add_text(f.statement_id, &statement.id);
        doc.add_text(f.report_id, &statement.report_id);
        doc.add_u64(f.sid_key, sid_key(&statement.id));

        let kind = statement.kind.as_str();
        doc.add_text(f.kind, kind);
        doc.add_facet(f.facets, Facet::from_path([roots::KIND, kind]));

        let mut themes: Vec<&str> = statement.themes.iter().map(String::as_str).collect();
        themes.sort_unstable();
        themes.dedup();
        for theme in themes {
            doc.add_text(f.theme, theme);
            doc.add_facet(f.facets, Facet::from_path([roots::THEME, theme]));
        }

        for force in report_forces(report) {
            doc.add_text(f.force, force);
            doc.add_facet(f.facets, Facet::from_path([roots::FORCE, force]));
        }
        for body in report_bodies(report) {
            doc.add_text(f.body, body);
            doc.add_facet(f.facets, Facet::from_path([roots::BODY, body]));
        }
        if let Some(name) = report
            .force
            .as_deref()
            .or(report.body.as_deref())
            .or(report.forces.first().map(String::as_str))
        {
            doc.add_text(f.force_name, name);
        }

        let rtype = report.report_type.as_str();
        doc.add_text(f.report_type, rtype);
        doc.add_facet(f.facets, Facet::from_path([roots::TYPE, rtype]));
        let publisher = report.publisher.as_str();
        doc.add_text(f.publisher, publisher);
        doc.add_facet(f.facets, Facet::from_path([roots::PUBLISHER, publisher]));

        if let Some(published) = report.published.as_deref() {
            doc.add_text(f.published_text, published);
            if let Ok((y, m, d)) = parse_ymd(published) {
                doc.add_date(f.published, date_value(y, m.unwrap_or(1), d.unwrap_or(1)));
                if y >= 0 {
                    doc.add_u64(f.year, y as u64);
                    doc.add_facet(f.facets, Facet::from_path([roots::YEAR, &y.to_string()]));
                }
            }
        }

        doc.add_u64(f.page, u64::from(statement.page));
        doc.add_u64(f.page_end, u64::from(statement.page_end));
        if let Some(section) = &statement.section {
            doc.add_text(f.section, section);
        }
        if let Some(number) = &statement.number {
            doc.add_text(f.number, number);
        }
        self.writer.add_document(doc)?;
        self.docs += 1;
        Ok(())
    }

    /// Statements added so far.
    pub fn len(&self) -> u64 {
        self.docs
    }

    /// True when nothing was added yet.
    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// Commits (once), waits for merges and returns the number of statements.
    pub fn finish(mut self) -> Result<u64, IndexError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(self.docs)
    }
}
