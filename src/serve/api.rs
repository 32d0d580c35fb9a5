//! The JSON API of `findings serve`.
//!
//! Takes query strings and path ids, gives typed JSON (or CSV) responses.
//! Every endpoint is `GET` and read-only:
//!
//! | endpoint | gives |
//! | --- | --- |
//! | `/api/search?q=…&theme=…` | a page of hits with snippets, the total and facet counts |
//! | `/api/facets?…` | the same counts without hits |
//! | `/api/statement/{id}` | a statement, its report, its links and its chain as a timeline |
//! | `/api/chain/{id}` | a chain (by chain id, or by the id of one of its statements) as a timeline |
//! | `/api/overview` | statements per theme per year; forces with the longest open chains |
//!
//! Search parameters: `q` (tantivy syntax, at most [`MAX_QUERY_CHARS`]
//! characters), `kind`, `theme`, `force`, `body`, `type`, `publisher` (each repeatable,
//! values ORed), `year` or `from`/`to` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
//! `limit` (default [`DEFAULT_LIMIT`], capped at [`MAX_LIMIT`], or at
//! [`MAX_EXPORT`] with `download`), `offset` (at most [`MAX_OFFSET`]),
//! `format` (`json` or `csv`) and `download` (send as an attachment).
//!
//! Facet counts are over every matching statement; the counts of a filtered
//! facet are taken without that filter (values of one filter are ORed), so
//! they say what ticking one more value would add.
//!
//! Errors are JSON, `{"error": {"status": 400, "message": "…"}}`, with the
//! same status on the response: 400 for a bad query or parameter, 404 for an
//! unknown id or path, 405 for a method other than GET, 421 for a `Host` that
//! is not this machine (on loopback), 500 when the index fails.
//!
//! It does not search or look anything up itself: [`crate::search`] and
//! [`crate::catalog`] do.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use crate::catalog::{Overview, Timeline, display_force};
use crate::model::{Kind, Link, LinkMethod, LinkStatus, Report, ReportType, Statement};
use crate::search::{
    DateBound, Facets, Hit, SearchError, SearchRequest, SearchResults, Searcher, parse_publisher,
};

/// Longest query string, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Longest filter value, in characters.
pub const MAX_VALUE_CHARS: usize = 200;
/// Most parameters in one request.
pub const MAX_PARAMS: usize = 64;
/// Hits per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 20;
/// Most hits per page.
pub const MAX_LIMIT: usize = 100;
/// Most rows in a download.
pub const MAX_EXPORT: usize = 1000;
/// Largest `offset`.
pub const MAX_OFFSET: usize = 10_000;
/// Longest id accepted in a path.
const MAX_ID_CHARS: usize = 64;

/// An error sent as JSON with its status code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// A request whose `Host` does not name this machine (see [`super::router`]).
    pub(super) fn misdirected() -> ApiError {
        ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to localhost, 127.0.0.1 or [::1]",
        )
    }
}

/// The body of every error response.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Debug, Serialize)]
struct ErrorDetail<'a> {
    status: u16,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                message: &self.message,
            },
        };
        (self.status, no_store(), Json(body)).into_response()
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        match e {
            SearchError::Query(_) | SearchError::Date(_) | SearchError::Request(_) => {
                ApiError::bad_request(e.to_string())
            }
            SearchError::Index(_) | SearchError::Tantivy(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
            }
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError::bad_request(format!("query string: {}", e.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> ApiError {
        ApiError::bad_request(format!("path: {}", e.body_text()))
    }
}

fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ]
}

fn json<T: Serialize>(value: T) -> Response {
    (no_store(), Json(value)).into_response()
}

/// Response format of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// A search as the query string gives it, checked.
#[derive(Debug, Clone, PartialEq)]
struct SearchParams {
    request: SearchRequest,
    format: Format,
    download: bool,
}

const PARAM_NAMES: &str =
    "q, kind, theme, force, body, type, publisher, year, from, to, limit, offset, format, download";

impl SearchParams {
    /// Reads `pairs` (in query-string order; repeated names add values).
    fn parse(pairs: &[(String, String)]) -> Result<SearchParams, ApiError> {
        if pairs.len() > MAX_PARAMS {
            return Err(ApiError::bad_request(format!(
                "too many parameters ({}; at most {MAX_PARAMS})",
                pairs.len()
            )));
        }
        let mut req = SearchRequest {
            limit: DEFAULT_LIMIT,
            ..SearchRequest::default()
        };
        let mut limit: Option<usize> = None;
        let mut year: Option<DateBound> = None;
        let mut format = Format::Json;
        let mut download = false;
        for (name, value) in pairs {
            if name == "q" {
                let chars = value.chars().count();
                if chars > MAX_QUERY_CHARS {
                    return Err(ApiError::bad_request(format!(
                        "query is {chars} characters long; at most {MAX_QUERY_CHARS} are allowed"
                    )));
                }
                req.query = value.clone();
                continue;
            }
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(ApiError::bad_request(format!(
                    "value of '{name}' is longer than {MAX_VALUE_CHARS} characters"
                )));
            }
            let value = value.trim();
            match name.as_str() {
                "kind" => {
                    req.kinds.push(Kind::parse(value).ok_or_else(|| {
                        invalid("kind", value, Kind::ALL.iter().map(|k| k.as_str()))
                    })?)
                }
                "type" => req
                    .report_types
                    .push(ReportType::parse(value).ok_or_else(|| {
                        invalid("type", value, ReportType::ALL.iter().map(|t| t.as_str()))
                    })?),
                "publisher" => req.publishers.push(parse_publisher(value).ok_or_else(|| {
                    invalid(
                        "publisher",
                        value,
                        crate::model::Publisher::ALL.iter().map(|p| p.as_str()),
                    )
                })?),
                "theme" if !value.is_empty() => req.themes.push(value.to_string()),
                "force" if !value.is_empty() => req.forces.push(value.to_string()),
                "body" if !value.is_empty() => req.bodies.push(value.to_string()),
                "theme" | "force" | "body" => {}
                "from" => req.from = date(name, value)?,
                "to" => req.to = date(name, value)?,
                "year" => year = date(name, value)?,
                "limit" => limit = Some(number(name, value)?),
                "offset" => req.offset = number(name, value)?,
                "format" => {
                    format = match value {
                        "json" | "" => Format::Json,
                        "csv" => Format::Csv,
                        _ => {
                            return Err(invalid("format", value, ["json", "csv"]));
                        }
                    }
                }
                "download" => download = !matches!(value, "0" | "false"),
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "unknown parameter '{name}'; known: {PARAM_NAMES}"
                    )));
                }
            }
        }
        if let Some(y) = year {
            if req.from.is_some() || req.to.is_some() {
                return Err(ApiError::bad_request(
                    "give either 'year' or 'from'/'to', not both",
                ));
            }
            req.from = Some(y);
            req.to = Some(y);
        }
        if req.offset > MAX_OFFSET {
            return Err(ApiError::bad_request(format!(
                "offset {} is too large (at most {MAX_OFFSET})",
                req.offset
            )));
        }
        let cap = if download { MAX_EXPORT } else { MAX_LIMIT };
        req.limit = limit.unwrap_or(DEFAULT_LIMIT).min(cap);
        Ok(SearchParams {
            request: req,
            format,
            download,
        })
    }
}

fn invalid<'a>(what: &str, value: &str, valid: impl IntoIterator<Item = &'a str>) -> ApiError {
    let valid: Vec<&str> = valid.into_iter().collect();
    ApiError::bad_request(format!(
        "unknown {what} '{value}'; valid values: {}",
        valid.join(", ")
    ))
}

fn date(name: &str, value: &str) -> Result<Option<DateBound>, ApiError> {
    if value.is_empty() {
        return Ok(None);
    }
    DateBound::parse(value)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
}

fn number(name: &str, value: &str) -> Result<usize, ApiError> {
    value.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "{name} must be a whole number, not '{}'",
            value.chars().take(20).collect::<String>()
        ))
    })
}

/// Runs a search on the blocking pool.
async fn run_search(state: Arc<AppState>, req: SearchRequest) -> Result<SearchResults, ApiError> {
    tokio::task::spawn_blocking(move || search_with_own_facets(&state.searcher, &req))
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("search task: {e}"),
            )
        })?
        .map_err(ApiError::from)
}

/// Searches, then recounts each filtered facet without its own filter: values
/// of one filter are ORed, so the counts of a ticked facet should say what
/// ticking another value would add, not only the values already ticked.
fn search_with_own_facets(
    searcher: &Searcher,
    req: &SearchRequest,
) -> Result<SearchResults, SearchError> {
    let mut results = searcher.search(req)?;
    let without = |unset: &dyn Fn(&mut SearchRequest)| -> Result<Facets, SearchError> {
        let mut r = req.clone();
        unset(&mut r);
        r.limit = 0;
        r.offset = 0;
        Ok(searcher.search(&r)?.facets)
    };
    let f = &mut results.facets;
    if !req.themes.is_empty() {
        f.themes = without(&|r| r.themes.clear())?.themes;
    }
    if !req.kinds.is_empty() {
        f.kinds = without(&|r| r.kinds.clear())?.kinds;
    }
    if !req.forces.is_empty() {
        f.forces = without(&|r| r.forces.clear())?.forces;
    }
    if !req.bodies.is_empty() {
        f.bodies = without(&|r| r.bodies.clear())?.bodies;
    }
    if !req.publishers.is_empty() {
        f.publishers = without(&|r| r.publishers.clear())?.publishers;
    }
    if !req.report_types.is_empty() {
        f.report_types = without(&|r| r.report_types.clear())?.report_types;
    }
    if req.from.is_some() || req.to.is_some() {
        f.years = without(&|r| {
            r.from = None;
            r.to = None;
        })?
        .years;
    }
    Ok(results)
}

/// `/api/search` as JSON.
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Matching statements, all pages.
    pub total: usize,
    /// Hits skipped.
    pub offset: usize,
    /// Hits asked for, after the cap.
    pub limit: usize,
    /// This page.
    pub hits: Vec<Hit>,
    /// Counts over every matching statement.
    pub facets: Facets,
}

/// `GET /api/search`.
pub async fn search(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let params = SearchParams::parse(&pairs)?;
    let req = params.request.clone();
    let results = run_search(state, params.request).await?;
    let response = match params.format {
        Format::Json => {
            let body = SearchResponse {
                query: req.query,
                total: results.total,
                offset: req.offset,
                limit: req.limit,
                hits: results.hits,
                facets: results.facets,
            };
            let mut r = json(body);
            if params.download {
                attach(&mut r, "findings-results.json");
            }
            r
        }
        Format::Csv => {
            let body = to_csv(&results.hits).map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("csv: {e}"))
            })?;
            let mut r = (
                no_store(),
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                )],
                body,
            )
                .into_response();
            attach(&mut r, "findings-results.csv");
            r
        }
    };
    Ok(response)
}

fn attach(response: &mut Response, file_name: &'static str) {
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
}

/// Columns of the CSV download.
const CSV_COLUMNS: [&str; 14] = [
    "statement_id",
    "kind",
    "themes",
    "force",
    "bodies",
    "published",
    "title",
    "page",
    "page_end",
    "section",
    "number",
    "report_id",
    "publisher",
    "text",
];

fn to_csv(hits: &[Hit]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    for h in hits {
        w.write_record([
            h.statement_id.as_str(),
            h.kind.as_str(),
            &h.themes.join(";"),
            h.force.as_deref().unwrap_or(""),
            &h.bodies.join(";"),
            h.published.as_deref().unwrap_or(""),
            &h.title,
            &h.page.to_string(),
            &h.page_end.to_string(),
            h.section.as_deref().unwrap_or(""),
            h.number.as_deref().unwrap_or(""),
            &h.report_id,
            h.publisher.map(|p| p.as_str()).unwrap_or(""),
            &h.text,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `/api/facets`.
#[derive(Debug, Serialize)]
pub struct FacetsResponse {
    /// Statements in the index.
    pub statements: u64,
    /// Statements matching the parameters.
    pub total: usize,
    /// Their counts.
    pub facets: Facets,
}

/// `GET /api/facets`: the search parameters, counts only.
pub async fn facets(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let mut req = SearchParams::parse(&pairs)?.request;
    req.limit = 0;
    req.offset = 0;
    let statements = state.num_statements();
    let results = run_search(state, req).await?;
    Ok(json(FacetsResponse {
        statements,
        total: results.total,
        facets: results.facets,
    }))
}

/// A link seen from one of its statements.
#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    /// `earlier` when the other statement is the one repeated, `later` when it
    /// repeats this one.
    pub direction: &'static str,
    /// The other statement.
    pub statement_id: &'a str,
    /// Its report's title.
    pub title: Option<&'a str>,
    /// Its report's date.
    pub published: Option<&'a str>,
    /// Link score.
    pub score: f32,
    /// How the link was found.
    pub method: LinkMethod,
    /// Status the later report states.
    pub status: Option<LinkStatus>,
    /// Shared stems.
    pub terms: &'a [String],
}

/// `/api/statement/{id}`.
#[derive(Debug, Serialize)]
pub struct StatementResponse<'a> {
    /// The statement as in the dataset.
    pub statement: &'a Statement,
    /// Its report.
    pub report: Option<&'a Report>,
    /// Force or inspected body, for display.
    pub force: Option<String>,
    /// Its links, both directions.
    pub links: Vec<LinkView<'a>>,
    /// Its chain, when it is part of one.
    pub chain: Option<Timeline>,
}

fn checked_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) = id?;
    if id.chars().count() > MAX_ID_CHARS {
        return Err(ApiError::not_found("no such id"));
    }
    Ok(id)
}

/// `GET /api/statement/{id}`.
pub async fn statement(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = checked_id(id)?;
    let cat = &state.catalog;
    let s = cat
        .statement(&id)
        .ok_or_else(|| ApiError::not_found(format!("no statement with id '{id}'")))?;
    let report = cat.report(&s.report_id);
    let links = cat
        .links_of(&s.id)
        .map(|l: &Link| {
            let (direction, other) = if l.from == s.id {
                ("earlier", l.to.as_str())
            } else {
                ("later", l.from.as_str())
            };
            let other_report = cat.statement(other).and_then(|o| cat.report(&o.report_id));
            LinkView {
                direction,
                statement_id: other,
                title: other_report.map(|r| r.title.as_str()),
                published: other_report.and_then(|r| r.published.as_deref()),
                score: l.score,
                method: l.method,
                status: l.status,
                terms: &l.terms,
            }
        })
        .collect();
    Ok(json(StatementResponse {
        statement: s,
        report,
        force: report.and_then(display_force),
        links,
        chain: cat.chain_of(s).map(|c| cat.timeline(c)),
    }))
}

/// `GET /api/chain/{id}`: by chain id (`c-…`) or by a statement's id (`s-…`).
pub async fn chain(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = checked_id(id)?;
    let cat = &state.catalog;
    let chain = match cat.chain(&id) {
        Some(c) => c,
        None => {
            let s = cat
                .statement(&id)
                .ok_or_else(|| ApiError::not_found(format!("no chain or statement '{id}'")))?;
            cat.chain_of(s).ok_or_else(|| {
                ApiError::not_found(format!("statement '{id}' is not part of a repeat chain"))
            })?
        }
    };
    Ok(json(cat.timeline(chain)))
}

/// `GET /api/overview` (computed once when the server starts).
pub async fn overview(State(state): State<Arc<AppState>>) -> Response {
    let overview: &Overview = &state.overview;
    json(overview)
}

/// Any path not routed.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such page or endpoint")
}

/// A route hit with a method other than GET.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this server is read-only: use GET",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn parse(q: &[(&str, &str)]) -> Result<SearchParams, ApiError> {
        SearchParams::parse(&pairs(q))
    }

    #[test]
    fn repeated_filters_add_values_and_year_sets_both_bounds() {
        let p = parse(&[
            ("q", "risk"),
            ("theme", "custody"),
            ("theme", "missing_children"),
            ("kind", "recommendation"),
            ("force", "Kent Police"),
            ("publisher", "hmicfrs"),
            ("type", "peel"),
            ("year", "2019"),
            ("offset", "20"),
        ])
        .unwrap();
        let r = &p.request;
        assert_eq!(r.query, "risk");
        assert_eq!(r.themes, vec!["custody", "missing_children"]);
        assert_eq!(r.kinds, vec![Kind::Recommendation]);
        assert_eq!(r.forces, vec!["Kent Police"]);
        assert_eq!(r.report_types, vec![ReportType::Peel]);
        assert_eq!(r.from, r.to);
        assert_eq!(r.from.unwrap().to_string(), "2019");
        assert_eq!((r.limit, r.offset), (DEFAULT_LIMIT, 20));
        assert_eq!((p.format, p.download), (Format::Json, false));
    }

    #[test]
    fn limits_are_capped_and_bad_values_explained() {
        assert_eq!(
            parse(&[("limit", "5000")]).unwrap().request.limit,
            MAX_LIMIT
        );
        let p = parse(&[("limit", "5000"), ("format", "csv"), ("download", "1")]).unwrap();
        assert_eq!(
            (p.request.limit, p.format, p.download),
            (MAX_EXPORT, Format::Csv, true)
        );
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("q", long.as_str())], "at most 500"),
            (
                vec![("kind", "recomendation")],
                "valid values: recommendation",
            ),
            (vec![("limit", "ten")], "whole number"),
            (vec![("offset", "10001")], "too large"),
            (vec![("from", "2019-13")], "from: invalid date"),
            (vec![("year", "2019"), ("to", "2020")], "either 'year'"),
            (vec![("thme", "custody")], "unknown parameter 'thme'"),
            (vec![("format", "xml")], "unknown format"),
        ];
        for (q, want) in cases {
            let e = parse(&q).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(e.message.contains(want), "{q:?}: {}", e.message);
        }
        let many: Vec<(&str, &str)> = (0..=MAX_PARAMS).map(|_| ("theme", "x")).collect();
        assert!(parse(&many).unwrap_err().message.contains("too many"));
    }

    #[test]
    fn csv_quotes_fields_and_joins_themes() {
        let hit = Hit {
            statement_id: "s-1".into(),
            report_id: "r-1".into(),
            title: "Kent, 2019".into(),
            force: Some("Kent Police".into()),
            forces: vec![],
            bodies: vec!["Kent Police".into()],
            published: Some("2019-06".into()),
            page: 3,
            page_end: 4,
            kind: Kind::Recommendation,
            themes: vec!["custody".into(), "supervision".into()],
            report_type: None,
            publisher: None,
            section: None,
            number: Some("2".into()),
            score: 1.0,
            text: "He said \"no\".".into(),
            snippet_html: String::new(),
            snippet_text: String::new(),
        };
        let csv = to_csv(&[hit]).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "s-1,recommendation,custody;supervision,Kent Police,Kent Police,2019-06,\"Kent, 2019\",3,4,,2,r-1,,\"He said \"\"no\"\".\""
        );
    }
}
