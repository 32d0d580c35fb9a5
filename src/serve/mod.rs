//! `findings serve`: a read-only web page and JSON API over one run's output.
//!
//! Takes the index folder and dataset folder of a run and a bound TCP
//! listener; gives one HTML page (with its script and style sheet, embedded in
//! the binary) and the JSON API documented in [`api`]. The server runs on a
//! current-thread tokio runtime; searches run on its blocking pool so a slow
//! query does not stall other requests.
//!
//! It does not write anything, serve files from disk (every route is fixed, so
//! there is nothing to traverse), reload a rebuilt index, or pick the address:
//! the CLI binds loopback unless told otherwise.

pub mod api;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::catalog::{Catalog, Overview};
use crate::dataset::{self, DatasetError};
use crate::search::{SearchError, Searcher};

/// The page, its script and its style sheet.
const PAGE_HTML: &str = include_str!("page.html");
const APP_JS: &str = include_str!("app.js");
const STYLE_CSS: &str = include_str!("style.css");

/// The page may load only what this server sends.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Errors while opening a run for serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The index could not be opened.
    #[error("cannot open the index in {path}: {source}")]
    Index {
        /// The index folder.
        path: PathBuf,
        /// The cause.
        source: SearchError,
    },
    /// The dataset could not be read.
    #[error("cannot read the dataset in {path}: {source}")]
    Dataset {
        /// The dataset folder.
        path: PathBuf,
        /// The cause.
        source: DatasetError,
    },
    /// The runtime or the listener failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What the server reads: one run's index and dataset, opened once.
#[derive(Debug)]
pub struct AppState {
    searcher: Searcher,
    catalog: Catalog,
    overview: Overview,
}

impl AppState {
    /// Opens the index in `index_dir` and reads the dataset in `dataset_dir`.
    pub fn open(index_dir: &Path, dataset_dir: &Path) -> Result<AppState, ServeError> {
        let searcher = Searcher::open(index_dir).map_err(|source| ServeError::Index {
            path: index_dir.to_path_buf(),
            source,
        })?;
        let data = dataset::read(dataset_dir).map_err(|source| ServeError::Dataset {
            path: dataset_dir.to_path_buf(),
            source,
        })?;
        let catalog = Catalog::new(data);
        let overview = catalog.overview();
        Ok(AppState {
            searcher,
            catalog,
            overview,
        })
    }

    /// Statements in the index.
    pub fn num_statements(&self) -> u64 {
        self.searcher.num_statements()
    }
}

/// The routes: the page, its assets and the API. Anything else is a JSON 404.
/// With `loopback_hosts`, requests must name this machine in `Host`
/// (`localhost`, `127.0.0.1`, `[::1]`): a web page elsewhere that rebinds its
/// own name to 127.0.0.1 is refused.
pub fn router(state: Arc<AppState>, loopback_hosts: bool) -> Router {
    let routes = Router::new()
        .route("/", get(page))
        .route("/app.js", get(app_js))
        .route("/style.css", get(style_css))
        .route("/api/search", get(api::search))
        .route("/api/facets", get(api::facets))
        .route("/api/statement/{id}", get(api::statement))
        .route("/api/chain/{id}", get(api::chain))
        .route("/api/overview", get(api::overview))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state);
    if loopback_hosts {
        routes.layer(middleware::from_fn(require_loopback_host))
    } else {
        routes
    }
}

async fn require_loopback_host(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    if host.is_some_and(is_loopback_host) {
        next.run(request).await
    } else {
        api::ApiError::misdirected().into_response()
    }
}

/// `localhost`, `127.x.y.z` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Serves on `listener` until `shutdown` completes, on a current-thread
/// runtime in this thread. In-flight requests finish before it returns. On a
/// loopback address only requests naming this machine in `Host` are answered.
pub fn serve(
    listener: std::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    listener.set_nonblocking(true)?;
    let loopback = listener.local_addr()?.ip().is_loopback();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router(state, loopback))
            .with_graceful_shutdown(shutdown)
            .await
    })?;
    Ok(())
}

/// A future that completes on Ctrl-C (or never, if the signal cannot be hooked).
pub async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    let mut response = asset("text/html; charset=utf-8", PAGE_HTML);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_hosts_are_this_machine_only() {
        for ok in [
            "localhost",
            "localhost:8080",
            "LOCALHOST:1",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:80",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "10.0.0.1:8080",
            "[::2]:80",
            "",
            "127.0.0.1.evil.example:80",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
