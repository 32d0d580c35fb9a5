//! Queries over the tantivy index.
//!
//! [`search`] opens the index for one query; [`Searcher`] keeps it open for many
//! (a server). A [`SearchRequest`] is a query string in tantivy's syntax plus
//! filters:
//!
//! - words are ANDed (`domestic abuse` needs both), `OR` widens, `-word`
//!   excludes, `"..."` is a phrase, `field:value` targets a field (`theme:`,
//!   `kind:`, `force:"greater manchester police"`, `type:`, `publisher:`,
//!   `year:2019`, `title:`, `report_id:`, `statement_id:`);
//! - words are stemmed (Snowball English): `supervising` finds `supervision`;
//! - filters are ANDed across types and ORed within one type (two themes: either);
//! - an empty query lists the matching statements newest first.
//!
//! Ranked hits are ordered by score, ties by statement id; facet counts are
//! over every matching statement, not just the page.

use std::fmt;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, QueryParserError,
    RangeQuery, TermSetQuery,
};
use tantivy::schema::{Facet, Field, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{
    DateTime, DocAddress, Index, IndexReader, Order, ReloadPolicy, TantivyDocument, Term,
};

use crate::index::{
    self, Fields, IndexError, date_value, days_in_month, keyword, names, parse_ymd, roots,
};
use crate::model::{Kind, Publisher, ReportType};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;
/// Boost of `text` over `title` for query words.
const TEXT_BOOST: f32 = 2.0;

/// Errors of a search.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query string does not parse; the message is tantivy's.
    #[error("query: {0}")]
    Query(String),
    /// A date bound is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error(transparent)]
    Date(#[from] DateBoundError),
    /// The request is inconsistent (e.g. `from` after `to`).
    #[error("{0}")]
    Request(String),
    /// The index could not be opened.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// tantivy failed while searching.
    #[error("search: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// A date bound that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid date {input:?}: {reason} (expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019, 2019-06, 2019-06-30)"
)]
pub struct DateBoundError {
    /// What was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A year, month or day used as a bound of the publication date. As `from` it
/// means its first day, as `to` its last day (both included): `from 2019 to
/// 2019` is the whole of 2019.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateBound {
    /// Year.
    pub year: i32,
    /// Month 1-12, when given.
    pub month: Option<u32>,
    /// Day of month, when given (only with a month).
    pub day: Option<u32>,
}

impl DateBound {
    /// Parses `2019`, `2019-06` or `2019-06-30`.
    pub fn parse(s: &str) -> Result<DateBound, DateBoundError> {
        let (year, month, day) = parse_ymd(s).map_err(|reason| DateBoundError {
            input: s.to_string(),
            reason,
        })?;
        Ok(DateBound { year, month, day })
    }

    /// First day covered, as (year, month, day).
    pub fn first_day(&self) -> (i32, u32, u32) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// Last day covered, as (year, month, day).
    pub fn last_day(&self) -> (i32, u32, u32) {
        let m = self.month.unwrap_or(12);
        let d = self.day.unwrap_or_else(|| days_in_month(self.year, m));
        (self.year, m, d)
    }
}

impl FromStr for DateBound {
    type Err = DateBoundError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateBound::parse(s)
    }
}

impl TryFrom<String> for DateBound {
    type Error = DateBoundError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DateBound::parse(&s)
    }
}

impl From<DateBound> for String {
    fn from(d: DateBound) -> String {
        d.to_string()
    }
}

impl fmt::Display for DateBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// What to look for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// Query in tantivy syntax; empty lists everything matching the filters.
    pub query: String,
    /// Statement kinds (any of).
    pub kinds: Vec<Kind>,
    /// Theme ids (any of).
    pub themes: Vec<String>,
    /// Force names (any of; case-insensitive, whole name).
    pub forces: Vec<String>,
    /// Inspected body names (any of; case-insensitive, whole name): forces,
    /// local authorities, fire and rescue services, ...
    pub bodies: Vec<String>,
    /// Report types (any of).
    pub report_types: Vec<ReportType>,
    /// Publishers (any of).
    pub publishers: Vec<Publisher>,
    /// Published on or after the first day of this bound.
    pub from: Option<DateBound>,
    /// Published on or before the last day of this bound.
    pub to: Option<DateBound>,
    /// Hits to return (0: counts and facets only).
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            kinds: Vec::new(),
            themes: Vec::new(),
            forces: Vec::new(),
            bodies: Vec::new(),
            report_types: Vec::new(),
            publishers: Vec::new(),
            from: None,
            to: None,
            limit: 20,
            offset: 0,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with no filters and the default page (20 hits).
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }
}

/// One matching statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Statement id.
    pub statement_id: String,
    /// Report id.
    pub report_id: String,
    /// Report title.
    pub title: String,
    /// The report's force (or inspected body), for display.
    pub force: Option<String>,
    /// Every force the statement is filed under.
    pub forces: Vec<String>,
    /// Every inspected body the statement is filed under.
    #[serde(default)]
    pub bodies: Vec<String>,
    /// Publication date as the report gives it.
    pub published: Option<String>,
    /// First page.
    pub page: u32,
    /// Last page.
    pub page_end: u32,
    /// Kind.
    pub kind: Kind,
    /// Theme ids.
    pub themes: Vec<String>,
    /// Report type.
    pub report_type: Option<ReportType>,
    /// Publisher.
    pub publisher: Option<Publisher>,
    /// Section path.
    pub section: Option<String>,
    /// Recommendation number.
    pub number: Option<String>,
    /// Relevance score (0 when listing by date).
    pub score: f32,
    /// The full statement text.
    pub text: String,
    /// Best passage, HTML-escaped, matched words in `<b>…</b>`, `…` where cut.
    pub snippet_html: String,
    /// Best passage, plain, matched words in `**…**`, `…` where cut.
    pub snippet_text: String,
}

/// Value counts over all matching statements, each list sorted by count
/// (descending) then value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Theme ids.
    pub themes: Vec<(String, u64)>,
    /// Kind ids.
    pub kinds: Vec<(String, u64)>,
    /// Force names.
    pub forces: Vec<(String, u64)>,
    /// Inspected body names.
    #[serde(default)]
    pub bodies: Vec<(String, u64)>,
    /// Publication years.
    pub years: Vec<(String, u64)>,
    /// Report type ids.
    pub report_types: Vec<(String, u64)>,
    /// Publisher ids.
    pub publishers: Vec<(String, u64)>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Statements matching (all pages).
    pub total: usize,
    /// This page of hits.
    pub hits: Vec<Hit>,
    /// Counts over all matching statements.
    pub facets: Facets,
}

/// The values present in an index, sorted, for listing valid filter values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexValues {
    /// Statements in the index.
    pub statements: u64,
    /// Kinds present.
    pub kinds: Vec<Kind>,
    /// Theme ids present.
    pub themes: Vec<String>,
    /// Force names present (as written in the reports).
    pub forces: Vec<String>,
    /// Inspected body names present.
    #[serde(default)]
    pub bodies: Vec<String>,
    /// Report types present.
    pub report_types: Vec<ReportType>,
    /// Publishers present.
    pub publishers: Vec<Publisher>,
    /// Publication years present.
    pub years: Vec<u64>,
}

/// Searches the index in `index_dir` once (opens it, searches, closes it).
pub fn search(index_dir: &Path, req: &SearchRequest) -> Result<SearchResults, SearchError> {
    Searcher::open(index_dir)?.search(req)
}

/// Lists the filter values present in the index in `index_dir`.
pub fn index_values(index_dir: &Path) -> Result<IndexValues, SearchError> {
    Searcher::open(index_dir)?.values()
}

/// Parses a publisher id (`hmicfrs`, `hmi_prisons`, ...).
pub fn parse_publisher(s: &str) -> Option<Publisher> {
    Publisher::ALL.into_iter().find(|p| p.as_str() == s)
}

/// An open index for repeated searches (cheap to share across threads).
pub struct Searcher {
    reader: IndexReader,
    parser: QueryParser,
    fields: Fields,
    dir: PathBuf,
    /// Facets of the whole index and the searcher generation they are of.
    all_facets: Mutex<Option<(u64, Facets)>>,
}

impl fmt::Debug for Searcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Searcher").field("dir", &self.dir).finish()
    }
}

impl Searcher {
    /// Opens the index in `dir`.
    pub fn open(dir: &Path) -> Result<Searcher, SearchError> {
        if !dir.join("meta.json").is_file() {
            return Err(IndexError::Missing(dir.to_path_buf()).into());
        }
        let index = Index::open_in_dir(dir).map_err(IndexError::from)?;
        index::register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mut parser = QueryParser::for_index(&index, vec![fields.text, fields.title]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(fields.text, TEXT_BOOST);
        Ok(Searcher {
            reader,
            parser,
            fields,
            dir: dir.to_path_buf(),
            all_facets: Mutex::new(None),
        })
    }

    /// Picks up a rebuilt index (after a new commit in the same folder).
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload()?;
        Ok(())
    }

    /// Statements in the index.
    pub fn num_statements(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let f = &self.fields;
        let user_query = if req.query.trim().is_empty() {
            None
        } else {
            Some(self.parse(&req.query)?)
        };
        let filters = self.filters(req)?;
        let filters_empty = filters.is_empty();
        let query: Box<dyn Query> = match (&user_query, filters.is_empty()) {
            (None, true) => Box::new(AllQuery),
            (Some(q), true) => q.box_clone(),
            (q, false) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                if let Some(q) = q {
                    clauses.push((Occur::Must, q.box_clone()));
                }
                for filter in filters {
                    clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
                }
                Box::new(BooleanQuery::new(clauses))
            }
        };

        let everything = user_query.is_none() && filters_empty;
        let searcher = self.reader.searcher();
        let page = req.limit.max(1);
        let top = TopDocs::with_limit(page).and_offset(req.offset);
        let facet_collector = facet_collector();

        // Hits as (score, address), already in final order.
        let (total, ranked, facets): (usize, Vec<(f32, DocAddress)>, Facets) =
            if user_query.is_some() {
                let by_score = top.order_by((
                    SortBySimilarityScore,
                    (
                        SortByStaticFastValue::<u64>::for_field(names::SID_KEY),
                        Order::Asc,
                    ),
                ));
                let (total, docs, counts) =
                    searcher.search(&query, &(Count, by_score, facet_collector))?;
                let docs = docs.into_iter().map(|((s, _), a)| (s, a)).collect();
                (total, docs, facets_from(&counts))
            } else {
                let by_date = top.order_by((
                    (
                        SortByStaticFastValue::<DateTime>::for_field(names::PUBLISHED),
                        Order::Desc,
                    ),
                    (
                        SortByStaticFastValue::<u64>::for_field(names::SID_KEY),
                        Order::Asc,
                    ),
                ));
                let (total, docs, facets) = if everything {
                    // The whole index: facets of all statements are cached.
                    let (total, docs) = searcher.search(&query, &(Count, by_date))?;
                    (total, docs, self.all_facets(&searcher)?)
                } else {
                    let (total, docs, counts) =
                        searcher.search(&query, &(Count, by_date, facet_collector))?;
                    (total, docs, facets_from(&counts))
                };
                let docs = docs.into_iter().map(|(_, a)| (0.0, a)).collect();
                (total, docs, facets)
            };

        let snippets = match &user_query {
            Some(q) if req.limit > 0 && !ranked.is_empty() => {
                let mut g = SnippetGenerator::create(&searcher, q.as_ref(), f.text)?;
                g.set_max_num_chars(SNIPPET_CHARS);
                Some(g)
            }
            _ => None,
        };
        let mut hits = Vec::with_capacity(ranked.len());
        if req.limit > 0 {
            for (score, addr) in ranked {
                let doc: TantivyDocument = searcher.doc(addr)?;
                hits.push(self.hit(&doc, score, snippets.as_ref()));
            }
        }

        Ok(SearchResults {
            total,
            hits,
            facets,
        })
    }

    /// Facet counts of the whole index, computed once per index generation.
    fn all_facets(&self, searcher: &tantivy::Searcher) -> Result<Facets, SearchError> {
        let generation = searcher.generation().generation_id();
        let mut cache = self
            .all_facets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((cached_generation, facets)) = cache.as_ref()
            && *cached_generation == generation
        {
            return Ok(facets.clone());
        }
        let counts = searcher.search(&AllQuery, &facet_collector())?;
        let facets = facets_from(&counts);
        *cache = Some((generation, facets.clone()));
        Ok(facets)
    }

    /// Parses a query string; a query of exclusions only (`-custody`) means
    /// everything but those.
    fn parse(&self, query: &str) -> Result<Box<dyn Query>, SearchError> {
        match self.parser.parse_query(query) {
            Ok(q) => Ok(q),
            Err(QueryParserError::AllButQueryForbidden) => self
                .parser
                .parse_query(&format!("* {query}"))
                .map_err(|e| SearchError::Query(e.to_string())),
            Err(e) => Err(SearchError::Query(e.to_string())),
        }
    }

    /// Lists the filter values present in the index.
    pub fn values(&self) -> Result<IndexValues, SearchError> {
        let searcher = self.reader.searcher();
        let mut kinds = Vec::new();
        let mut themes = Vec::new();
        let mut forces = Vec::new();
        let mut bodies = Vec::new();
        let mut report_types = Vec::new();
        let mut publishers = Vec::new();
        let mut years = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.facets)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(|e| SearchError::Tantivy(e.into()))?;
            while stream.advance() {
                let Ok(encoded) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let mut parts = encoded.split('\u{0}');
                let (Some(root), Some(value), None) = (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                match root {
                    roots::KIND => kinds.extend(Kind::parse(value)),
                    roots::THEME => themes.push(value.to_string()),
                    roots::FORCE => forces.push(value.to_string()),
                    roots::BODY => bodies.push(value.to_string()),
                    roots::TYPE => report_types.extend(ReportType::parse(value)),
                    roots::PUBLISHER => publishers.extend(parse_publisher(value)),
                    roots::YEAR => years.extend(value.parse::<u64>().ok()),
                    _ => {}
                }
            }
        }
        fn tidy<T: Ord>(mut v: Vec<T>) -> Vec<T> {
            v.sort_unstable();
            v.dedup();
            v
        }
        Ok(IndexValues {
            statements: searcher.num_docs(),
            kinds: tidy(kinds),
            themes: tidy(themes),
            forces: tidy(forces),
            bodies: tidy(bodies),
            report_types: tidy(report_types),
            publishers: tidy(publishers),
            years: tidy(years),
        })
    }

    /// The filter queries of a request, one per filter type used.
    fn filters(&self, req: &SearchRequest) -> Result<Vec<Box<dyn Query>>, SearchError> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let mut any_of = |field: Field, values: Vec<String>| {
            if !values.is_empty() {
                let terms = values
                    .iter()
                    .map(|v| Term::from_field_text(field, &keyword(v)));
                out.push(Box::new(TermSetQuery::new(terms)));
            }
        };
        any_of(
            f.kind,
            req.kinds.iter().map(|k| k.as_str().to_string()).collect(),
        );
        any_of(f.theme, req.themes.clone());
        any_of(f.force, req.forces.clone());
        any_of(f.body, req.bodies.clone());
        any_of(
            f.report_type,
            req.report_types
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
        );
        any_of(
            f.publisher,
            req.publishers
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        );
        if let (Some(from), Some(to)) = (req.from, req.to)
            && from.first_day() > to.last_day()
        {
            return Err(SearchError::Request(format!(
                "the date range is empty: from {from} is after to {to}"
            )));
        }
        if req.from.is_some() || req.to.is_some() {
            let term = |(y, m, d): (i32, u32, u32)| {
                Term::from_field_date(f.published, date_value(y, m, d))
            };
            let lower = req
                .from
                .map_or(Bound::Unbounded, |b| Bound::Included(term(b.first_day())));
            let upper = req
                .to
                .map_or(Bound::Unbounded, |b| Bound::Included(term(b.last_day())));
            out.push(Box::new(RangeQuery::new(lower, upper)));
        }
        Ok(out)
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, snippets: Option<&SnippetGenerator>) -> Hit {
        let f = &self.fields;
        let text_of = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let all_of = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect()
        };
        let u64_of =
            |field: Field| -> u64 { doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0) };
        let text = text_of(f.text).unwrap_or_default();
        let snippet = snippets.map(|g| g.snippet(&text));
        let (snippet_html, snippet_text) = render_snippet(&text, snippet.as_ref());
        let kind = text_of(f.kind)
            .and_then(|k| Kind::parse(&k))
            .unwrap_or(Kind::Finding);
        Hit {
            statement_id: text_of(f.statement_id).unwrap_or_default(),
            report_id: text_of(f.report_id).unwrap_or_default(),
            title: text_of(f.title).unwrap_or_default(),
            force: text_of(f.force_name),
            forces: all_of(f.force),
            bodies: all_of(f.body),
            published: text_of(f.published_text),
            page: u64_of(f.page) as u32,
            page_end: u64_of(f.page_end) as u32,
            kind,
            themes: all_of(f.theme),
            report_type: text_of(f.report_type).and_then(|t| ReportType::parse(&t)),
            publisher: text_of(f.publisher).and_then(|p| parse_publisher(&p)),
            section: text_of(f.section),
            number: text_of(f.number),
            score,
            text,
            snippet_html,
            snippet_text,
        }
    }
}

/// A collector of the counts under every facet root.
fn facet_collector() -> FacetCollector {
    let mut collector = FacetCollector::for_field(names::FACETS);
    for root in [
        roots::KIND,
        roots::THEME,
        roots::FORCE,
        roots::BODY,
        roots::YEAR,
        roots::TYPE,
        roots::PUBLISHER,
    ] {
        collector.add_facet(Facet::from_path([root]));
    }
    collector
}

/// Counts under each facet root, sorted by count desc then value.
fn facets_from(counts: &FacetCounts) -> Facets {
    let list = |root: &str| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = counts
            .get(Facet::from_path([root]))
            .filter_map(|(facet, n)| {
                facet
                    .to_path()
                    .get(1)
                    .map(|value| ((*value).to_string(), n))
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    Facets {
        themes: list(roots::THEME),
        kinds: list(roots::KIND),
        forces: list(roots::FORCE),
        bodies: list(roots::BODY),
        years: list(roots::YEAR),
        report_types: list(roots::TYPE),
        publishers: list(roots::PUBLISHER),
    }
}

/// HTML and plain renderings of a snippet; without highlighted words, the
/// start of the text.
fn render_snippet(text: &str, snippet: Option<&Snippet>) -> (String, String) {
    if let Some(s) = snippet
        && !s.highlighted().is_empty()
    {
        // Text cut off before or after the fragment: an ellipsis, unless it is
        // only punctuation or space (then it is shown as is).
        let range = s.fragment_range();
        let cut = |part: &str| -> (String, String) {
            if part.chars().any(char::is_alphanumeric) {
                ("…".into(), "…".into())
            } else {
                (escape_html(part.trim()), part.trim().to_string())
            }
        };
        let (before_html, before) = cut(&text[..range.start]);
        let (after_html, after) = cut(&text[range.end..]);
        let fragment = s.fragment();
        let mut plain = String::with_capacity(fragment.len() + 16);
        let mut at = 0;
        for r in merge_ranges(s.highlighted()) {
            plain.push_str(&fragment[at..r.start]);
            plain.push_str("**");
            plain.push_str(&fragment[r.clone()]);
            plain.push_str("**");
            at = r.end;
        }
        plain.push_str(&fragment[at..]);
        return (
            format!("{before_html}{}{after_html}", s.to_html()),
            format!("{before}{plain}{after}"),
        );
    }
    let head = truncate_words(text, SNIPPET_CHARS);
    let after = if head.len() < text.len() { "…" } else { "" };
    (
        format!("{}{after}", escape_html(head)),
        format!("{head}{after}"),
    )
}

fn merge_ranges(ranges: &[std::ops::Range<usize>]) -> Vec<std::ops::Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// At most `max` characters of `text`, cut at a word boundary when possible.
fn truncate_words(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        None => text,
        Some((cut, _)) => {
            let head = &text[..cut];
            match head.rfind(char::is_whitespace) {
                Some(space) if space > cut / 2 => head[..space].trim_end(),
                _ => head,
            }
        }
    }
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexBuilder;
    use crate::model::{MetadataSources, Report, ReportStatus, Source, Statement};

    fn report(id: &str, force: &str, published: &str, rtype: ReportType, title: &str) -> Report {
        Report {
            id: id.into(),
            file: format!("{id}.pdf"),
            files: vec![format!("{id}.pdf")],
            sha256: "0".repeat(64),
            title: title.into(),
            force: Some(force.into()),
            forces: vec![force.into()],
            body: Some(force.into()),
            body_type: None,
            bodies: vec![force.into()],
            publisher: if published < "2017-07" {
                Publisher::Hmic
            } else {
                Publisher::Hmicfrs
            },
            published: Some(published.into()),
            report_type: rtype,
            pages: 40,
            producer: None,
            status: ReportStatus::Ok,
            warnings: vec![],
            sources: MetadataSources {
                title: Source::Cover,
                force: Source::Cover,
                publisher: Source::Cover,
                published: Source::Cover,
                report_type: Source::Cover,
            },
        }
    }

    fn statement(n: u32, report: &Report, kind: Kind, themes: &[&str], text: &str) -> Statement {
        Statement {
            themes: themes.iter().map(|t| t.to_string()).collect(),
            page: n,
            page_end: n,
            section: Some("Findings > Protecting vulnerable people".into()),
            ..Statement::new(format!("s-{n:016x}"), report.id.clone(), kind, text)
        }
    }

    #[test]
    fn body_and_publisher_filter_across_inspectorates() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("index");
        let police = report(
            "r-000000000001",
            "Lancashire Constabulary",
            "2020-02",
            ReportType::ChildProtection,
            "Lancashire Constabulary – National child protection inspection",
        );
        let mut council = report(
            "r-000000000002",
            "Lancashire County Council",
            "2022-03",
            ReportType::Other,
            "Lancashire County Council: Inspection of local authority children's services",
        );
        council.force = None;
        council.forces.clear();
        council.body_type = Some(crate::model::BodyType::LocalAuthority);
        council.publisher = Publisher::Ofsted;
        let mut joint = report(
            "r-000000000003",
            "Lancashire Constabulary",
            "2024-02",
            ReportType::Joint,
            "Joint targeted area inspection in Lancashire",
        );
        joint.force = None;
        joint.body = None;
        joint.bodies = vec![
            "Lancashire County Council".into(),
            "Lancashire Constabulary".into(),
        ];
        joint.publisher = Publisher::Joint;
        let text = "Return home interviews are late.";
        let mut b = IndexBuilder::create(&dir, 20_000_000).unwrap();
        for (n, r) in [(1, &police), (2, &council), (3, &joint)] {
            b.add(
                r,
                &statement(n, r, Kind::Finding, &["missing_children"], text),
            )
            .unwrap();
        }
        b.finish().unwrap();
        let s = Searcher::open(&dir).unwrap();
        let pages = |req: SearchRequest| -> Vec<u32> {
            let mut v: Vec<u32> = s
                .search(&req)
                .unwrap()
                .hits
                .iter()
                .map(|h| h.page)
                .collect();
            v.sort_unstable();
            v
        };
        let base = || SearchRequest::new("return");
        let by_body = |b: &str| SearchRequest {
            bodies: vec![b.into()],
            ..base()
        };
        assert_eq!(pages(by_body("lancashire county council")), vec![2, 3]);
        assert_eq!(pages(by_body("Lancashire Constabulary")), vec![1, 3]);
        assert_eq!(pages(by_body("Kent Police")), Vec::<u32>::new());
        let ofsted = SearchRequest {
            publishers: vec![Publisher::Ofsted, Publisher::Joint],
            ..by_body("Lancashire County Council")
        };
        assert_eq!(pages(ofsted), vec![2, 3]);
        let r = s.search(&base()).unwrap();
        assert_eq!(
            r.facets.bodies,
            vec![
                ("Lancashire Constabulary".to_string(), 2),
                ("Lancashire County Council".to_string(), 2)
            ]
        );
        let hit = r.hits.iter().find(|h| h.page == 3).unwrap();
        assert_eq!(hit.bodies.len(), 2);
        assert_eq!(
            s.values().unwrap().bodies,
            vec![
                "Lancashire Constabulary".to_string(),
                "Lancashire County Council".to_string()
            ]
        );
        // Field queries work on the body keyword too.
        let q = SearchRequest::new("body:\"lancashire county council\"");
        assert_eq!(pages(q), vec![2, 3]);
    }

    /// Eight statements over three reports.
    fn fixture() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("index");
        let gmp = report(
            "r-000000000001",
            "Greater Manchester Police",
            "2019-06",
            ReportType::Peel,
            "PEEL: Police effectiveness 2019 Greater Manchester Police",
        );
        let kent = report(
            "r-000000000002",
            "Kent Police",
            "2016-03-15",
            ReportType::ChildProtection,
            "National child protection inspection: Kent Police",
        );
        let met = report(
            "r-000000000003",
            "Metropolitan Police Service",
            "2021-11",
            ReportType::Custody,
            "Report on an inspection visit to police custody suites",
        );
        let rows = vec![
            (
                &gmp,
                statement(
                    1,
                    &gmp,
                    Kind::Recommendation,
                    &["risk_assessment", "supervision"],
                    "The force should make sure that supervisors review risk assessments for domestic abuse cases.",
                ),
            ),
            (
                &gmp,
                statement(
                    2,
                    &gmp,
                    Kind::CauseOfConcern,
                    &["domestic_abuse"],
                    "The force does not always respond to domestic abuse incidents in time.",
                ),
            ),
            (
                &gmp,
                statement(
                    3,
                    &gmp,
                    Kind::AreaForImprovement,
                    &["supervision"],
                    "Supervision of investigations is inconsistent & <weak> in places.",
                ),
            ),
            (
                &kent,
                statement(
                    4,
                    &kent,
                    Kind::Finding,
                    &["child_protection"],
                    "Officers were supervising missing children cases with little oversight.",
                ),
            ),
            (
                &kent,
                statement(
                    5,
                    &kent,
                    Kind::Recommendation,
                    &["child_protection", "risk_assessment"],
                    "The force should improve the assessment of risk to children who go missing.",
                ),
            ),
            (
                &met,
                statement(
                    6,
                    &met,
                    Kind::Finding,
                    &["custody", "use_of_force"],
                    "Staff recorded every use of force in custody, and force was used on detainees rarely.",
                ),
            ),
            (
                &met,
                statement(
                    7,
                    &met,
                    Kind::Recommendation,
                    &["custody"],
                    "Detainees should be offered a phone call; force staff should record the use of restraint.",
                ),
            ),
            (
                &met,
                statement(
                    8,
                    &met,
                    Kind::Finding,
                    &[],
                    "Risk domestic abuse abuse risk words repeated to test ranking of the domestic abuse risk.",
                ),
            ),
        ];
        let mut b = IndexBuilder::create(&dir, 50_000_000).unwrap();
        for (r, s) in &rows {
            b.add(r, s).unwrap();
        }
        assert_eq!(b.finish().unwrap(), 8);
        (tmp, dir)
    }

    fn ids(r: &SearchResults) -> Vec<u32> {
        let mut v: Vec<u32> = r
            .hits
            .iter()
            .map(|h| u32::from_str_radix(&h.statement_id[2..], 16).unwrap())
            .collect();
        v.sort_unstable();
        v
    }

    fn run(s: &Searcher, req: SearchRequest) -> SearchResults {
        let r = s.search(&req).unwrap();
        assert_eq!(r.total, r.hits.len(), "fixture pages hold every hit");
        r
    }

    fn q(s: &Searcher, query: &str) -> Vec<u32> {
        ids(&run(s, SearchRequest::new(query)))
    }

    #[test]
    fn stemming_matches_word_forms() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        // supervising / supervision / supervised share the Snowball stem
        // "supervis"; "supervisors" stems to "supervisor" (a Porter limit).
        assert_eq!(q(&s, "supervising"), vec![3, 4]);
        assert_eq!(q(&s, "Supervised"), vec![3, 4]);
        assert_eq!(q(&s, "SUPERVISOR"), vec![1]);
        assert_eq!(q(&s, "assessed"), vec![1, 5]);
    }

    #[test]
    fn words_are_anded_or_widens_and_minus_excludes() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        assert_eq!(q(&s, "domestic abuse"), vec![1, 2, 8]);
        assert_eq!(q(&s, "domestic supervisors"), vec![1]);
        assert_eq!(q(&s, "supervision OR detainees"), vec![3, 4, 6, 7]);
        assert_eq!(q(&s, "domestic -supervisors"), vec![2, 8]);
        assert_eq!(q(&s, "missing -children"), Vec::<u32>::new());
    }

    #[test]
    fn phrases_need_adjacent_words() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        // "use of force" in 6 and 7? 7 says "use of restraint": only 6.
        assert_eq!(q(&s, "\"use of force\""), vec![6]);
        assert_eq!(q(&s, "\"abuse incidents\""), vec![2]);
        // Both words present but not adjacent.
        assert_eq!(q(&s, "\"domestic risk\""), Vec::<u32>::new());
        assert_eq!(q(&s, "domestic risk"), vec![1, 8]);
        // A hyphenated word is a phrase of its parts.
        assert_eq!(q(&s, "risk-assessments"), vec![1]);
        assert_eq!(q(&s, "\"assessment of risk\""), vec![5]);
    }

    #[test]
    fn field_queries_use_keyword_and_title_fields() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        assert_eq!(q(&s, "theme:custody"), vec![6, 7]);
        assert_eq!(q(&s, "kind:recommendation force"), vec![1, 5, 7]);
        assert_eq!(q(&s, "force:\"Kent Police\""), vec![4, 5]);
        assert_eq!(q(&s, "title:effectiveness"), vec![1, 2, 3]);
        assert_eq!(q(&s, "year:2016"), vec![4, 5]);
        assert_eq!(q(&s, "statement_id:s-0000000000000002"), vec![2]);
    }

    #[test]
    fn bad_query_is_a_query_error() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        for bad in ["nosuchfield:x", "year:abc", "(unclosed"] {
            match s.search(&SearchRequest::new(bad)) {
                Err(SearchError::Query(msg)) => assert!(!msg.is_empty()),
                other => panic!("{bad}: expected a query error, got {other:?}"),
            }
        }
    }

    #[test]
    fn each_filter_narrows() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        let base = || SearchRequest::new("force");
        assert_eq!(ids(&run(&s, base())), vec![1, 2, 5, 6, 7]);
        let r = run(
            &s,
            SearchRequest {
                kinds: vec![Kind::Recommendation],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![1, 5, 7]);
        let r = run(
            &s,
            SearchRequest {
                kinds: vec![Kind::Recommendation, Kind::CauseOfConcern],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![1, 2, 5, 7], "OR within a type");
        let r = run(
            &s,
            SearchRequest {
                themes: vec!["risk_assessment".into()],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![1, 5]);
        let r = run(
            &s,
            SearchRequest {
                themes: vec!["risk_assessment".into()],
                kinds: vec![Kind::Recommendation],
                forces: vec!["kent police".into()],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![5], "AND across types, force case-insensitive");
        let r = run(
            &s,
            SearchRequest {
                forces: vec!["Greater Manchester Police".into(), "Kent Police".into()],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![1, 2, 5]);
        let r = run(
            &s,
            SearchRequest {
                report_types: vec![ReportType::Custody],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![6, 7]);
        let r = run(
            &s,
            SearchRequest {
                publishers: vec![Publisher::Hmic],
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![5]);
        let date = |s: &str| Some(DateBound::parse(s).unwrap());
        let r = run(
            &s,
            SearchRequest {
                from: date("2019"),
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![1, 2, 6, 7]);
        let r = run(
            &s,
            SearchRequest {
                to: date("2019-05"),
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![5]);
        let r = run(
            &s,
            SearchRequest {
                from: date("2019-06-01"),
                to: date("2019-06"),
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![1, 2], "a month bound covers the month");
        let r = run(
            &s,
            SearchRequest {
                from: date("2016-03-15"),
                to: date("2016-03-15"),
                ..base()
            },
        );
        assert_eq!(ids(&r), vec![5], "a day bound covers that day");
        let r = run(
            &s,
            SearchRequest {
                from: date("2016-03-16"),
                to: date("2019-05-31"),
                ..base()
            },
        );
        assert_eq!(ids(&r), Vec::<u32>::new());
        let err = s
            .search(&SearchRequest {
                from: date("2020"),
                to: date("2019"),
                ..base()
            })
            .unwrap_err();
        assert!(matches!(err, SearchError::Request(_)), "{err}");
    }

    #[test]
    fn facets_count_all_matches_not_just_the_page() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        let r = s
            .search(&SearchRequest {
                limit: 1,
                ..SearchRequest::new("force")
            })
            .unwrap();
        assert_eq!(r.total, 5);
        assert_eq!(r.hits.len(), 1);
        assert_eq!(
            r.facets.kinds,
            vec![
                ("recommendation".into(), 3),
                ("cause_of_concern".into(), 1),
                ("finding".into(), 1)
            ]
        );
        assert_eq!(
            r.facets.themes,
            vec![
                ("custody".into(), 2),
                ("risk_assessment".into(), 2),
                ("child_protection".into(), 1),
                ("domestic_abuse".into(), 1),
                ("supervision".into(), 1),
                ("use_of_force".into(), 1),
            ]
        );
        assert_eq!(
            r.facets.forces,
            vec![
                ("Greater Manchester Police".into(), 2),
                ("Metropolitan Police Service".into(), 2),
                ("Kent Police".into(), 1),
            ]
        );
        assert_eq!(
            r.facets.years,
            vec![("2019".into(), 2), ("2021".into(), 2), ("2016".into(), 1)]
        );
        assert_eq!(
            r.facets.publishers,
            vec![("hmicfrs".into(), 4), ("hmic".into(), 1)]
        );
        // limit 0: counts only.
        let r = s
            .search(&SearchRequest {
                limit: 0,
                ..SearchRequest::new("force")
            })
            .unwrap();
        assert_eq!((r.total, r.hits.len(), r.facets.kinds.len()), (5, 0, 3));
    }

    #[test]
    fn empty_query_lists_newest_first_then_by_id() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        let r = s.search(&SearchRequest::default()).unwrap();
        assert_eq!(r.total, 8);
        let order: Vec<&str> = r.hits.iter().map(|h| &h.statement_id[14..]).collect();
        assert_eq!(
            order,
            vec![
                "0006", "0007", "0008", "0001", "0002", "0003", "0004", "0005"
            ]
        );
        assert!(r.hits.iter().all(|h| h.score == 0.0));
        let r = s
            .search(&SearchRequest {
                themes: vec!["supervision".into()],
                ..SearchRequest::default()
            })
            .unwrap();
        let order: Vec<&str> = r.hits.iter().map(|h| &h.statement_id[14..]).collect();
        assert_eq!(order, vec!["0001", "0003"]);
        // Paging continues the same order.
        let r = s
            .search(&SearchRequest {
                offset: 2,
                limit: 3,
                ..SearchRequest::default()
            })
            .unwrap();
        let order: Vec<&str> = r.hits.iter().map(|h| &h.statement_id[14..]).collect();
        assert_eq!(order, vec!["0008", "0001", "0002"]);
    }

    #[test]
    fn ranking_is_by_score_then_id_and_repeatable() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        let r = s
            .search(&SearchRequest::new("domestic abuse risk"))
            .unwrap();
        assert_eq!(
            r.hits[0].statement_id, "s-0000000000000008",
            "most repeated words first"
        );
        for w in r.hits.windows(2) {
            assert!(
                w[0].score > w[1].score
                    || (w[0].score == w[1].score && w[0].statement_id < w[1].statement_id)
            );
        }
        // Equal scores (same term frequency and length) tie-break by id.
        let r = s.search(&SearchRequest::new("theme:custody")).unwrap();
        let order: Vec<&str> = r.hits.iter().map(|h| h.statement_id.as_str()).collect();
        assert_eq!(order, vec!["s-0000000000000006", "s-0000000000000007"]);
        let again = s
            .search(&SearchRequest::new("domestic abuse risk"))
            .unwrap();
        let first = s
            .search(&SearchRequest::new("domestic abuse risk"))
            .unwrap();
        assert_eq!(again, first);
        assert_eq!(
            search(&dir, &SearchRequest::new("domestic abuse risk")).unwrap(),
            first
        );
    }

    #[test]
    fn hits_carry_metadata_and_highlighted_snippets() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        let r = s.search(&SearchRequest::new("supervision")).unwrap();
        let h = r
            .hits
            .iter()
            .find(|h| h.statement_id.ends_with("0003"))
            .unwrap();
        assert_eq!(
            h.snippet_text,
            "**Supervision** of investigations is inconsistent & <weak> in places."
        );
        assert_eq!(
            h.snippet_html,
            "<b>Supervision</b> of investigations is inconsistent &amp; &lt;weak&gt; in places."
        );
        assert_eq!(h.kind, Kind::AreaForImprovement);
        assert_eq!(h.report_id, "r-000000000001");
        assert_eq!(h.force.as_deref(), Some("Greater Manchester Police"));
        assert_eq!(h.forces, vec!["Greater Manchester Police".to_string()]);
        assert_eq!(h.published.as_deref(), Some("2019-06"));
        assert_eq!(h.report_type, Some(ReportType::Peel));
        assert_eq!(h.publisher, Some(Publisher::Hmicfrs));
        assert_eq!(h.page, 3);
        assert_eq!(h.themes, vec!["supervision".to_string()]);
        assert_eq!(
            h.section.as_deref(),
            Some("Findings > Protecting vulnerable people")
        );
        assert!(h.score > 0.0);
        // A stemmed match highlights the word as written.
        let r = s.search(&SearchRequest::new("supervise")).unwrap();
        let h = r
            .hits
            .iter()
            .find(|h| h.statement_id.ends_with("0004"))
            .unwrap();
        assert!(
            h.snippet_text.contains("**supervising**"),
            "{}",
            h.snippet_text
        );
        // A title-only match falls back to the start of the text.
        let r = s
            .search(&SearchRequest::new("title:effectiveness"))
            .unwrap();
        assert!(
            r.hits
                .iter()
                .all(|h| !h.snippet_text.contains("**") && !h.snippet_text.is_empty())
        );
    }

    #[test]
    fn ties_break_by_statement_id_not_insertion_order() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ix");
        let r = report(
            "r-000000000001",
            "Kent Police",
            "2020-01",
            ReportType::Peel,
            "T",
        );
        let mut b = IndexBuilder::create(&dir, 20_000_000).unwrap();
        for n in [5u32, 3, 9, 1, 7] {
            b.add(
                &r,
                &statement(n, &r, Kind::Finding, &[], "identical words here"),
            )
            .unwrap();
        }
        b.finish().unwrap();
        let s = Searcher::open(&dir).unwrap();
        let order = |req: SearchRequest| -> Vec<u32> {
            s.search(&req)
                .unwrap()
                .hits
                .iter()
                .map(|h| u32::from_str_radix(&h.statement_id[2..], 16).unwrap())
                .collect()
        };
        assert_eq!(order(SearchRequest::new("identical")), vec![1, 3, 5, 7, 9]);
        assert_eq!(order(SearchRequest::default()), vec![1, 3, 5, 7, 9]);
        let page = SearchRequest {
            offset: 2,
            limit: 2,
            ..SearchRequest::new("words")
        };
        assert_eq!(order(page), vec![5, 7]);
    }

    #[test]
    fn only_negative_query_matches_the_rest() {
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        assert_eq!(q(&s, "-force"), vec![3, 4, 8]);
    }

    #[test]
    fn searcher_is_shareable_and_caches_whole_index_facets() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Searcher>();
        let (_t, dir) = fixture();
        let s = Searcher::open(&dir).unwrap();
        let all = s.search(&SearchRequest::default()).unwrap();
        let again = s.search(&SearchRequest::default()).unwrap();
        let star = s.search(&SearchRequest::new("*")).unwrap();
        assert_eq!(star.total, 8);
        assert_eq!(all.facets, star.facets);
        assert_eq!(again.facets, star.facets);
        assert_eq!(all.facets.kinds[0], ("finding".to_string(), 3));
    }

    #[test]
    fn empty_index_and_undated_reports() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ix");
        assert_eq!(
            IndexBuilder::create(&dir, 20_000_000)
                .unwrap()
                .finish()
                .unwrap(),
            0
        );
        let s = Searcher::open(&dir).unwrap();
        let r = s.search(&SearchRequest::new("force")).unwrap();
        assert_eq!((r.total, r.hits.len()), (0, 0));
        assert_eq!(s.search(&SearchRequest::default()).unwrap().total, 0);
        assert_eq!(s.values().unwrap(), IndexValues::default());

        let mut undated = report(
            "r-000000000001",
            "Kent Police",
            "2020",
            ReportType::Peel,
            "T",
        );
        undated.published = None;
        undated.forces.clear();
        undated.force = None;
        let dated = report(
            "r-000000000002",
            "Kent Police",
            "2015-01",
            ReportType::Peel,
            "T",
        );
        let mut b = IndexBuilder::create(&dir, 20_000_000).unwrap();
        b.add(
            &undated,
            &statement(1, &undated, Kind::Finding, &[], "words"),
        )
        .unwrap();
        b.add(&dated, &statement(2, &dated, Kind::Finding, &[], "words"))
            .unwrap();
        b.finish().unwrap();
        let s = Searcher::open(&dir).unwrap();
        let r = s.search(&SearchRequest::default()).unwrap();
        let order: Vec<&str> = r.hits.iter().map(|h| &h.statement_id[14..]).collect();
        assert_eq!(order, vec!["0002", "0001"], "undated last");
        assert_eq!(r.hits[1].published, None);
        // No forces and no force: filed under the inspected body.
        assert_eq!(r.hits[1].forces, vec!["Kent Police".to_string()]);
        let r = s
            .search(&SearchRequest {
                from: Some(DateBound::parse("2000").unwrap()),
                ..SearchRequest::default()
            })
            .unwrap();
        assert_eq!(r.total, 1, "a date filter leaves undated reports out");
    }

    #[test]
    fn date_bounds_parse_or_explain() {
        assert_eq!(
            DateBound::parse("2019").unwrap(),
            DateBound {
                year: 2019,
                month: None,
                day: None
            }
        );
        let d = DateBound::parse("2020-02").unwrap();
        assert_eq!((d.first_day(), d.last_day()), ((2020, 2, 1), (2020, 2, 29)));
        assert_eq!(
            DateBound::parse("2019-06-30").unwrap().to_string(),
            "2019-06-30"
        );
        for bad in [
            "19",
            "2019-6",
            "2019-13",
            "2019-02-29",
            "2019/06",
            "",
            "2019-06-30-1",
        ] {
            let e = DateBound::parse(bad).unwrap_err();
            assert!(
                e.to_string()
                    .contains("expected YYYY, YYYY-MM or YYYY-MM-DD"),
                "{e}"
            );
        }
        let json = serde_json::to_string(&DateBound::parse("2019-06").unwrap()).unwrap();
        assert_eq!(json, "\"2019-06\"");
    }

    #[test]
    fn index_values_lists_what_is_present() {
        let (_t, dir) = fixture();
        let v = index_values(&dir).unwrap();
        assert_eq!(v.statements, 8);
        assert_eq!(
            v.kinds,
            vec![
                Kind::Recommendation,
                Kind::CauseOfConcern,
                Kind::AreaForImprovement,
                Kind::Finding
            ]
        );
        assert_eq!(
            v.forces,
            vec![
                "Greater Manchester Police",
                "Kent Police",
                "Metropolitan Police Service"
            ]
        );
        assert_eq!(
            v.themes,
            vec![
                "child_protection",
                "custody",
                "domestic_abuse",
                "risk_assessment",
                "supervision",
                "use_of_force"
            ]
        );
        assert_eq!(
            v.report_types,
            vec![
                ReportType::Peel,
                ReportType::ChildProtection,
                ReportType::Custody
            ]
        );
        assert_eq!(v.publishers, vec![Publisher::Hmicfrs, Publisher::Hmic]);
        assert_eq!(v.years, vec![2016, 2019, 2021]);
    }

    #[test]
    fn builder_replaces_an_index_but_not_other_folders() {
        let (tmp, dir) = fixture();
        let mut b = IndexBuilder::create(&dir, 20_000_000).unwrap();
        let r = report(
            "r-000000000009",
            "Kent Police",
            "2020",
            ReportType::Other,
            "T",
        );
        b.add(&r, &statement(9, &r, Kind::Finding, &[], "only one"))
            .unwrap();
        assert_eq!(b.finish().unwrap(), 1);
        assert_eq!(Searcher::open(&dir).unwrap().num_statements(), 1);

        let other = tmp.path().join("docs");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("keep.txt"), "x").unwrap();
        assert!(matches!(
            IndexBuilder::create(&other, 20_000_000),
            Err(IndexError::NotAnIndex(_))
        ));
        assert!(other.join("keep.txt").exists());
        assert!(matches!(
            Searcher::open(&tmp.path().join("nothing")),
            Err(SearchError::Index(IndexError::Missing(_)))
        ));
    }
}
