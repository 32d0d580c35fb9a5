//! `findings search`: words, phrases and filters over the index of a run.

use super::{Outcome, UsageError, default_out, invalid_value};
use crate::model::{Kind, Publisher, ReportType};
use crate::patterns::{Bodies, RuleSet};
use crate::search::{self, DateBound, SearchRequest, SearchResults};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `findings search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query in tantivy syntax: words (all must match), "a phrase", a OR b, -word, field:term.
    /// An empty query with filters lists matching statements by date.
    query: String,
    /// Only statements of this kind (repeatable).
    #[arg(long)]
    kind: Vec<String>,
    /// Only statements with this theme (repeatable).
    #[arg(long)]
    theme: Vec<String>,
    /// Only reports on this force (canonical name or alias such as GMP; repeatable).
    #[arg(long)]
    force: Vec<String>,
    /// Only reports on this inspected body: a force, a local authority ("Kingston
    /// upon Hull", "Lancashire County Council"), a fire and rescue service
    /// (canonical name or alias; repeatable).
    #[arg(long)]
    body: Vec<String>,
    /// Only reports by this publisher: hmicfrs, hmic, ofsted, joint, hmi_prisons,
    /// cqc, independent_review, other (repeatable).
    #[arg(long)]
    publisher: Vec<String>,
    /// Only reports of this type (repeatable).
    #[arg(long = "type")]
    report_type: Vec<String>,
    /// Published in or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Published in or before (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// Results to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Results to skip.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Print JSON for scripts.
    #[arg(long)]
    json: bool,
    /// Index folder (default: output/index).
    #[arg(long)]
    index: Option<PathBuf>,
}

/// Run `findings search`.
pub fn run(args: SearchArgs) -> anyhow::Result<Outcome> {
    let rules = RuleSet::load(None)?;
    let bodies = Bodies::builtin();
    let mut kinds = Vec::new();
    for k in &args.kind {
        kinds.push(
            Kind::parse(k)
                .ok_or_else(|| invalid_value("kind", k, Kind::ALL.iter().map(|k| k.as_str())))?,
        );
    }
    let theme_ids = rules.theme_ids();
    for t in &args.theme {
        if !theme_ids.iter().any(|id| id == t) {
            return Err(invalid_value("theme", t, theme_ids.iter().map(String::as_str)).into());
        }
    }
    let mut forces = Vec::new();
    for f in &args.force {
        match bodies.resolve(f) {
            Some(body) => forces.push(body.canonical.to_string()),
            None => {
                let hint = bodies
                    .suggest(f)
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                return Err(UsageError(format!(
                    "unknown force '{f}'{hint}; use a canonical name such as 'Greater Manchester Police' or an alias such as 'GMP'"
                ))
                .into());
            }
        }
    }
    let mut body_names = Vec::new();
    for b in &args.body {
        match bodies.resolve(b) {
            Some(body) => body_names.push(body.canonical.to_string()),
            None => {
                let hint = bodies
                    .suggest(b)
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                return Err(UsageError(format!(
                    "unknown body '{b}'{hint}; use a canonical name such as 'Lancashire County Council' or 'Greater Manchester Police', or an alias such as 'GMP'"
                ))
                .into());
            }
        }
    }
    let mut publishers = Vec::new();
    for p in &args.publisher {
        publishers.push(search::parse_publisher(p).ok_or_else(|| {
            invalid_value("publisher", p, Publisher::ALL.iter().map(|p| p.as_str()))
        })?);
    }
    let mut report_types = Vec::new();
    for t in &args.report_type {
        report_types.push(ReportType::parse(t).ok_or_else(|| {
            invalid_value("report type", t, ReportType::ALL.iter().map(|t| t.as_str()))
        })?);
    }
    let bound = |s: &Option<String>| -> anyhow::Result<Option<DateBound>> {
        s.as_deref()
            .map(|v| DateBound::parse(v).map_err(|e| UsageError(e.to_string()).into()))
            .transpose()
    };
    let req = SearchRequest {
        query: args.query.clone(),
        kinds,
        themes: args.theme.clone(),
        forces,
        bodies: body_names,
        report_types,
        publishers,
        from: bound(&args.from)?,
        to: bound(&args.to)?,
        limit: args.limit,
        offset: args.offset,
    };
    let index_dir = args.index.unwrap_or_else(|| default_out().join("index"));
    if !index_dir.exists() {
        return Err(UsageError(format!(
            "no index at {}: run `findings run` first or pass --index",
            index_dir.display()
        ))
        .into());
    }
    let results = search::search(&index_dir, &req)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
    } else {
        print_results(&mut out, &results, &req)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn print_results(
    out: &mut impl Write,
    r: &SearchResults,
    req: &SearchRequest,
) -> std::io::Result<()> {
    writeln!(out, "{} matching statements", r.total)?;
    for (i, hit) in r.hits.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "{}. [{}] {} — {} ({}), page {}",
            req.offset + i + 1,
            hit.kind,
            hit.title,
            hit.force.as_deref().unwrap_or("several forces"),
            hit.published.as_deref().unwrap_or("undated"),
            hit.page
        )?;
        writeln!(out, "   {}", hit.snippet_text)?;
        if !hit.themes.is_empty() {
            writeln!(out, "   themes: {}", hit.themes.join(", "))?;
        }
        writeln!(out, "   id: {}", hit.statement_id)?;
    }
    let facet_line = |name: &str, values: &[(String, u64)]| -> String {
        let parts: Vec<String> = values
            .iter()
            .take(8)
            .map(|(v, n)| format!("{v} ({n})"))
            .collect();
        format!("{name}: {}", parts.join(", "))
    };
    if r.total > 0 {
        writeln!(out)?;
        writeln!(out, "{}", facet_line("by kind", &r.facets.kinds))?;
        writeln!(out, "{}", facet_line("by theme", &r.facets.themes))?;
        writeln!(out, "{}", facet_line("by force", &r.facets.forces))?;
        writeln!(out, "{}", facet_line("by body", &r.facets.bodies))?;
        writeln!(out, "{}", facet_line("by publisher", &r.facets.publishers))?;
        writeln!(out, "{}", facet_line("by year", &r.facets.years))?;
    }
    Ok(())
}
