//! `findings show ID`: one statement with its report, tags (and the rules that
//! matched) and its repeat chain as a timeline.

use super::{Outcome, UsageError, default_out};
use crate::catalog::{Catalog, Timeline, excerpt};
use crate::dataset;
use crate::model::Link;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `findings show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Statement id (s-...), as printed by search.
    id: String,
    /// Output folder of the run (default: output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Run `findings show`.
pub fn run(args: ShowArgs) -> anyhow::Result<Outcome> {
    let dir = args.out.unwrap_or_else(default_out).join("dataset");
    if !dir.exists() {
        return Err(UsageError(format!(
            "no dataset at {}: run `findings run` first or pass --out",
            dir.display()
        ))
        .into());
    }
    let catalog = Catalog::new(dataset::read(&dir)?);
    let Some(s) = catalog.statement(&args.id) else {
        return Err(UsageError(format!(
            "no statement with id '{}' in {}",
            args.id,
            dir.display()
        ))
        .into());
    };
    let report = catalog.report(&s.report_id);
    let chain = catalog.chain_of(s);
    let links: Vec<&Link> = catalog.links_of(&s.id).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let value = serde_json::json!({
            "statement": s,
            "report": report,
            "chain": chain,
            "links": links,
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(Outcome::Success);
    }
    writeln!(out, "{} [{}]", s.id, s.kind)?;
    if let Some(r) = report {
        writeln!(out, "report:   {}", r.title)?;
        writeln!(
            out,
            "force:    {}",
            r.force.clone().unwrap_or_else(|| if r.forces.is_empty() {
                "(none named)".into()
            } else {
                r.forces.join(", ")
            })
        )?;
        writeln!(
            out,
            "date:     {}",
            r.published.as_deref().unwrap_or("unknown")
        )?;
        writeln!(out, "file:     {}", r.file)?;
    }
    let pages = if s.page_end != s.page {
        format!("{}-{}", s.page, s.page_end)
    } else {
        s.page.to_string()
    };
    writeln!(out, "page:     {pages}")?;
    if let Some(sec) = &s.section {
        writeln!(out, "section:  {sec}")?;
    }
    if let Some(n) = &s.number {
        writeln!(out, "number:   {n}")?;
    }
    if let Some(g) = s.grade {
        writeln!(
            out,
            "grade:    {} ({})",
            g.as_str(),
            s.area.as_deref().unwrap_or("area not stated")
        )?;
    }
    if let Some(d) = &s.deadline {
        writeln!(out, "deadline: {d}")?;
    }
    if let Some(a) = &s.addressee {
        writeln!(out, "to:       {a}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", s.text)?;
    writeln!(out)?;
    writeln!(out, "tags:")?;
    for t in &s.tags {
        let matched = s.text.get(t.span[0]..t.span[1]).unwrap_or("");
        if matched.is_empty() {
            writeln!(out, "  {:<30} rule {}", t.target, t.rule)?;
        } else {
            writeln!(
                out,
                "  {:<30} rule {} matched \"{matched}\"",
                t.target, t.rule
            )?;
        }
    }
    if let Some(b) = &s.back_reference {
        writeln!(
            out,
            "refers back to: {} report{}",
            b.year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "an earlier".into()),
            b.status
                .map(|st| format!(", status {}", st.as_str()))
                .unwrap_or_default()
        )?;
    }
    match chain {
        Some(chain) => print_timeline(&mut out, &catalog.timeline(chain), &s.id)?,
        None => writeln!(out, "\nnot part of a repeat chain")?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn print_timeline(out: &mut impl Write, t: &Timeline, current: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "\nrepeat chain {} ({} statements in {} reports, first seen {}, last seen {}{})",
        t.chain_id,
        t.steps.len(),
        t.reports,
        t.first_seen.as_deref().unwrap_or("?"),
        t.last_seen.as_deref().unwrap_or("?"),
        t.latest_status
            .map(|s| format!(", latest status {}", s.as_str()))
            .unwrap_or_default()
    )?;
    for step in &t.steps {
        let status = step
            .status
            .map(|st| format!(": {}", st.as_str()))
            .unwrap_or_default();
        let mark = if step.statement_id == current {
            "→"
        } else {
            " "
        };
        writeln!(
            out,
            "{mark} {}  {}{status}  [{}] {} (p. {})",
            step.published.as_deref().unwrap_or("?"),
            step.role.words(),
            step.kind,
            if step.report_title.is_empty() {
                "?"
            } else {
                &step.report_title
            },
            step.page
        )?;
        writeln!(out, "      {}", excerpt(&step.excerpt, 110))?;
        writeln!(out, "      {}", step.statement_id)?;
    }
    Ok(())
}
