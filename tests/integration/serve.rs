//! `findings serve` over the corpus run: every endpoint answers with typed
//! JSON, known statements and chains come back, errors are JSON with their
//! status codes, limits hold, and no path reaches a file.

use super::common::corpus_run;
use findings::model::{Chain, Kind, LinkStatus};
use findings::serve::{self, AppState};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The server over the corpus run, started once for the test binary (its
/// thread ends with the process).
pub fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let run = corpus_run();
        let state = AppState::open(&run.out.join("index"), &run.out.join("dataset"))
            .expect("the corpus run opens");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        std::thread::spawn(move || {
            serve::serve(listener, Arc::new(state), std::future::pending::<()>())
                .expect("server runs")
        });
        addr
    })
}

/// A response read off the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// A plain HTTP/1.1 request over a socket (the path is sent as given, so
/// traversal attempts reach the server unnormalised).
pub fn request(method: &str, path: &str) -> Reply {
    request_to("127.0.0.1", method, path)
}

/// [`request`] with a chosen `Host` header.
pub fn request_to(host: &str, method: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(server()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = unchunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16)
            .expect("chunk size");
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

pub fn get(path: &str) -> Reply {
    request("GET", path)
}

/// The body is `{"error": {"status": N, "message": "…"}}` with N the status.
fn assert_json_error(r: &Reply, status: u16, message_part: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        r.headers
    );
    let v = r.json();
    assert_eq!(v["error"]["status"], status);
    let msg = v["error"]["message"].as_str().expect("message");
    assert!(msg.contains(message_part), "{msg:?} lacks {message_part:?}");
}

/// The Devon and Cornwall chain: a 2018 crime data integrity recommendation
/// found again in 2022 and stated as not met.
pub fn devon_chain() -> &'static Chain {
    corpus_run()
        .data
        .chains
        .iter()
        .find(|c| {
            c.forces.iter().any(|f| f == "Devon and Cornwall Police")
                && c.first_seen
                    .as_deref()
                    .is_some_and(|d| d.starts_with("2018"))
                && c.last_seen
                    .as_deref()
                    .is_some_and(|d| d.starts_with("2022"))
                && c.latest_status == Some(LinkStatus::NotMet)
        })
        .expect("the Devon and Cornwall 2018 → 2022 chain")
}

#[test]
fn page_and_assets_are_served_with_safe_headers() {
    let r = get("/");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let csp = r.header("content-security-policy").expect("CSP");
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    let html = r.text();
    for needle in [
        "<label for=\"q\">",
        "role=\"search\"",
        "src=\"/app.js\"",
        "href=\"/style.css\"",
        "name=\"viewport\"",
    ] {
        assert!(html.contains(needle), "page lacks {needle}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resources"
    );
    let js = get("/app.js");
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.text().contains("/api/search"));
    let css = get("/style.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.text().contains("@media (max-width"));
}

#[test]
fn search_finds_the_devon_recommendation_with_highlights_and_facets() {
    let chain = devon_chain();
    let first = &chain.statements[0];
    let r =
        get("/api/search?q=crime+recording&force=Devon+and+Cornwall+Police&kind=recommendation");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let hits = v["hits"].as_array().unwrap();
    let hit = hits
        .iter()
        .find(|h| h["statement_id"] == first.as_str())
        .unwrap_or_else(|| panic!("{first} not among {v}"));
    assert_eq!(hit["force"], "Devon and Cornwall Police");
    assert_eq!(hit["kind"], "recommendation");
    assert!(hit["published"].as_str().unwrap().starts_with("2018"));
    assert!(
        hit["title"]
            .as_str()
            .unwrap()
            .contains("Crime data integrity")
    );
    assert!(hit["page"].as_u64().unwrap() >= 1);
    assert!(
        hit["snippet_html"].as_str().unwrap().contains("<b>"),
        "{hit}"
    );
    assert_eq!(v["query"], "crime recording");
    assert_eq!(v["limit"], 20);
    // Facets: a filtered one is counted without its own filter, so the other
    // kinds still show with what ticking them would add.
    let total = v["total"].as_u64().unwrap();
    let kinds = v["facets"]["kinds"].as_array().unwrap();
    assert!(kinds.len() > 1, "{kinds:?}");
    let recs = kinds
        .iter()
        .find(|k| k[0] == "recommendation")
        .expect("recommendation facet");
    assert_eq!(recs[1].as_u64().unwrap(), total);
    let forces = v["facets"]["forces"].as_array().unwrap();
    assert!(forces.iter().any(|f| f[0] == "Devon and Cornwall Police"));
    assert!(!v["facets"]["years"].as_array().unwrap().is_empty());
    assert!(!v["facets"]["themes"].as_array().unwrap().is_empty());
}

#[test]
fn filters_narrow_and_empty_query_lists_everything() {
    let run = corpus_run();
    let all = get("/api/search?limit=0").json();
    assert_eq!(all["total"], run.data.statements.len());
    assert_eq!(all["hits"].as_array().unwrap().len(), 0);
    let recs = run
        .data
        .statements
        .iter()
        .filter(|s| s.kind == Kind::Recommendation)
        .count();
    let v = get("/api/search?kind=recommendation&limit=5").json();
    assert_eq!(v["total"], recs);
    assert_eq!(v["hits"].as_array().unwrap().len(), 5);
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["published"].as_str().unwrap_or(""))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Two values of one filter are ORed; a year narrows to that year.
    let two = get("/api/search?kind=recommendation&kind=cause_of_concern&limit=0").json();
    assert!(two["total"].as_u64().unwrap() > recs as u64);
    let y = get("/api/search?kind=recommendation&year=2018&limit=100").json();
    assert!(y["total"].as_u64().unwrap() > 0);
    assert!(
        y["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["published"].as_str().unwrap().starts_with("2018"))
    );
    // Paging moves on.
    let p1 = get("/api/search?kind=recommendation&limit=3").json();
    let p2 = get("/api/search?kind=recommendation&limit=3&offset=3").json();
    assert_eq!(p2["offset"], 3);
    assert_ne!(p1["hits"][0]["statement_id"], p2["hits"][0]["statement_id"]);
    // /api/facets: the same counts, no hits.
    let f = get("/api/facets?kind=recommendation").json();
    assert_eq!(f["total"], recs);
    assert_eq!(f["statements"], run.data.statements.len());
    assert!(f.get("hits").is_none());
    let kinds_total: u64 = get("/api/facets").json()["facets"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[1].as_u64().unwrap())
        .sum();
    assert_eq!(kinds_total as usize, run.data.statements.len());
    // An inspected body (issue 10): only statements of reports on that body.
    let council = "Lancashire County Council";
    let council_reports: Vec<&str> = run
        .data
        .reports
        .iter()
        .filter(|r| r.bodies.iter().any(|b| b == council))
        .map(|r| r.id.as_str())
        .collect();
    let expected = run
        .data
        .statements
        .iter()
        .filter(|s| council_reports.contains(&s.report_id.as_str()))
        .count();
    assert!(expected > 0);
    let b = get("/api/search?body=Lancashire%20County%20Council&limit=100").json();
    assert_eq!(b["total"], expected);
    assert!(
        b["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| council_reports.contains(&h["report_id"].as_str().unwrap()))
    );
    assert!(
        b["facets"]["bodies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x[0] == council)
    );
}

#[test]
fn statement_and_chain_read_as_a_timeline() {
    let chain = devon_chain();
    let first = &chain.statements[0];
    let last = chain.statements.last().unwrap();
    let v = get(&format!("/api/statement/{first}")).json();
    assert_eq!(v["statement"]["id"], first.as_str());
    assert_eq!(v["force"], "Devon and Cornwall Police");
    assert!(v["report"]["title"].as_str().unwrap().contains("2018"));
    assert!(
        v["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["direction"] == "later")
    );
    let t = &v["chain"];
    assert_eq!(t["chain_id"], chain.id.as_str());
    let steps = t["steps"].as_array().unwrap();
    assert_eq!(steps.len(), chain.statements.len());
    assert_eq!(steps[0]["role"], "first_found");
    assert_eq!(steps[0]["year"], 2018);
    let end = steps.last().unwrap();
    assert_eq!(end["role"], "found_again");
    assert_eq!(end["year"], 2022);
    assert_eq!(end["status"], "not_met");
    assert_eq!(t["latest_status"], "not_met");
    assert_eq!(chain.latest_status, Some(LinkStatus::NotMet));

    // The chain by its id and by any of its statements' ids.
    let by_id = get(&format!("/api/chain/{}", chain.id)).json();
    let by_statement = get(&format!("/api/chain/{last}")).json();
    assert_eq!(&by_id, t);
    assert_eq!(by_statement, by_id);
}

#[test]
fn overview_counts_themes_per_year_and_lists_open_chains() {
    let run = corpus_run();
    let v = get("/api/overview").json();
    let years: Vec<i64> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]) && !years.is_empty());
    let themes = v["themes"].as_array().unwrap();
    let tagged = |theme: &str| {
        run.data
            .statements
            .iter()
            .filter(|s| s.themes.iter().any(|t| t == theme))
            .count()
    };
    for row in themes {
        let theme = row["theme"].as_str().unwrap();
        assert_eq!(row["total"], tagged(theme), "{theme}");
        assert_eq!(row["counts"].as_array().unwrap().len(), years.len());
    }
    let open = v["open_chains"].as_array().unwrap();
    assert!(
        open.iter()
            .any(|c| c["force"] == "Devon and Cornwall Police"),
        "{open:?}"
    );
    assert!(open.iter().all(|c| c["latest_status"] != "met"));
}

#[test]
fn downloads_are_csv_or_json_attachments_of_the_results() {
    let r = get("/api/search?kind=recommendation&format=csv&download=1&limit=5000");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"findings-results.csv\"")
    );
    let recs = corpus_run()
        .data
        .statements
        .iter()
        .filter(|s| s.kind == Kind::Recommendation)
        .count();
    let mut reader = csv::Reader::from_reader(r.body.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "statement_id");
    assert_eq!(&headers[13], "text");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.len(),
        recs.min(1000),
        "a download is not capped at 100"
    );
    assert!(rows.iter().all(|row| &row[1] == "recommendation"));

    let j = get("/api/search?kind=recommendation&format=json&download=1&limit=2");
    assert_eq!(
        j.header("content-disposition"),
        Some("attachment; filename=\"findings-results.json\"")
    );
    assert_eq!(j.json()["hits"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_requests_are_json_errors_with_status_codes() {
    // A query tantivy cannot parse.
    assert_json_error(&get("/api/search?q=title:"), 400, "query");
    assert_json_error(&get("/api/search?q=%22unclosed"), 400, "query");
    // Over the length limit: 400, and the limit is named.
    let long = "a+".repeat(300);
    assert_json_error(&get(&format!("/api/search?q={long}")), 400, "at most 500");
    assert_json_error(&get("/api/search?kind=nonsense"), 400, "unknown kind");
    assert_json_error(
        &get("/api/search?from=2020&to=2019"),
        400,
        "date range is empty",
    );
    assert_json_error(&get("/api/search?limit=-1"), 400, "whole number");
    assert_json_error(&get("/api/search?offset=99999999"), 400, "too large");
    assert_json_error(&get("/api/search?colour=red"), 400, "unknown parameter");
    // Unknown ids.
    assert_json_error(
        &get("/api/statement/s-0000000000000000"),
        404,
        "no statement",
    );
    assert_json_error(&get("/api/chain/c-0000000000000000"), 404, "no chain");
    let lone = corpus_run()
        .data
        .statements
        .iter()
        .find(|s| s.chain_id.is_none())
        .unwrap();
    assert_json_error(
        &get(&format!("/api/chain/{}", lone.id)),
        404,
        "not part of a repeat chain",
    );
    assert_json_error(&get("/api/nothing"), 404, "no such");
    // Another host name resolving here (DNS rebinding) is refused.
    assert_json_error(
        &request_to("evil.example:8080", "GET", "/api/overview"),
        421,
        "answers only to localhost",
    );
    assert_eq!(
        request_to(
            &format!("localhost:{}", server().port()),
            "GET",
            "/api/overview"
        )
        .status,
        200
    );
    // Read-only.
    assert_json_error(&request("POST", "/api/search"), 405, "read-only");
    assert_json_error(&request("DELETE", "/api/statement/x"), 405, "read-only");
}

#[test]
fn limits_are_capped() {
    let v = get("/api/search?limit=100000").json();
    assert_eq!(v["limit"], 100);
    assert!(v["hits"].as_array().unwrap().len() <= 100);
    assert!(v["total"].as_u64().unwrap() > 100, "the corpus has more");
    assert_eq!(v["hits"].as_array().unwrap().len(), 100);
}

#[test]
fn no_path_reaches_a_file() {
    for path in [
        "/../../../../etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/app.js/../../Cargo.toml",
        "/api/statement/..%2f..%2fCargo.toml",
        "/api/chain/..%2F..%2F..%2Fetc%2Fpasswd",
        "/style.css%00.txt",
        "/Cargo.toml",
        "/src/serve/page.html",
        "//etc/passwd",
    ] {
        let r = get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
        let body = r.text();
        assert!(
            !body.contains("root:") && !body.contains("[package]"),
            "{path} leaked a file"
        );
        assert!(r.json()["error"]["status"] == 404, "{path}");
    }
}
