//! The command line: clap definitions, dispatch, exit codes and error printing.
//!
//! Each subcommand lives in its own file and returns an [`Outcome`]; this module
//! turns errors into one `findings: ...` line per cause and the outcome into the
//! process exit code. Library stages never print; only this layer does.

mod bar;
mod merge_cmd;
mod patterns_cmd;
mod run_cmd;
mod search_cmd;
mod serve_cmd;
mod show_cmd;
mod text_cmd;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked.
    Success,
    /// The batch finished but some documents failed.
    SomeFailed,
}

/// A usage or configuration error (exit code 2), as opposed to a runtime one.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Turn police-inspection report PDFs into searchable, countable statements and
/// show where a shortcoming was found before.
///
/// With no subcommand, runs the whole pipeline on `corpus/` into `output/`.
#[derive(Debug, Parser)]
#[command(name = "findings", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  findings run corpus/ --out output/\n  findings search \"risk assessment\" --theme missing_children\n  findings show s-0123456789abcdef\n  findings serve --port 8080\n  findings text report.pdf --pages 1-3\n  findings patterns check"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole pipeline: extract, segment, tag, link, write dataset and index.
    #[command(
        after_help = "Example:\n  findings run corpus/ more-reports/ --out output/ --jobs 2 --csv"
    )]
    Run(run_cmd::RunArgs),
    /// Print the extracted text of a PDF, pages separated by form feeds.
    #[command(after_help = "Example:\n  findings text corpus/gmp-peel-2016.pdf --pages 2-3")]
    Text(text_cmd::TextArgs),
    /// Search the statements of a run.
    #[command(
        after_help = "Examples:\n  findings search \"information sharing\" --force GMP --from 2018\n  findings search '\"return home interviews\"' --kind area_for_improvement --json\n  findings search \"\" --theme children_as_offenders"
    )]
    Search(search_cmd::SearchArgs),
    /// Show one statement with its report, tags and repeat chain.
    #[command(after_help = "Example:\n  findings show s-0123456789abcdef")]
    Show(show_cmd::ShowArgs),
    /// Serve a local web page and JSON API to search a run and follow repeat chains.
    #[command(
        after_help = "Examples:\n  findings serve                      # output/ at http://127.0.0.1:8080/\n  findings serve --out shards/merged --port 9000"
    )]
    Serve(serve_cmd::ServeArgs),
    /// Merge the outputs of sharded runs (`run --shard K/N`) and re-link.
    #[command(
        after_help = "Example:\n  findings run reports/ --shard 1/2 --out shard-1\n  findings run reports/ --shard 2/2 --out shard-2\n  findings merge shard-1 shard-2 --out output"
    )]
    Merge(merge_cmd::MergeArgs),
    /// Check or list the rules in patterns/.
    #[command(subcommand)]
    Patterns(patterns_cmd::PatternsCommand),
}

/// Parse the command line, run, and give the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    let result = match cli.command {
        None => run_cmd::run(run_cmd::RunArgs::default()),
        Some(Command::Run(args)) => run_cmd::run(args),
        Some(Command::Text(args)) => text_cmd::run(args),
        Some(Command::Search(args)) => search_cmd::run(args),
        Some(Command::Show(args)) => show_cmd::run(args),
        Some(Command::Serve(args)) => serve_cmd::run(args),
        Some(Command::Merge(args)) => merge_cmd::run(args),
        Some(Command::Patterns(cmd)) => patterns_cmd::run(cmd),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "findings: {err}");
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "  cause: {cause}");
            }
            if err.downcast_ref::<UsageError>().is_some()
                || err
                    .downcast_ref::<crate::patterns::PatternError>()
                    .is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The output folder shared by run, search and show.
fn default_out() -> PathBuf {
    PathBuf::from("output")
}

/// "did you mean" for a wrong value among `valid`.
fn did_you_mean<'a>(wrong: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong = wrong.to_lowercase();
    valid
        .into_iter()
        .map(|v| (strsim::jaro_winkler(&wrong, &v.to_lowercase()), v))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v)
}

/// A usage error for a value not among `valid`, listing them with a suggestion.
fn invalid_value<'a>(
    what: &str,
    wrong: &str,
    valid: impl IntoIterator<Item = &'a str> + Clone,
) -> UsageError {
    let list: Vec<&str> = valid.clone().into_iter().collect();
    let hint = did_you_mean(wrong, valid)
        .map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default();
    UsageError(format!(
        "unknown {what} '{wrong}'{hint}; valid values: {}",
        list.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn suggestions_find_near_misses() {
        let valid = ["risk_assessment", "supervision", "training"];
        assert_eq!(
            did_you_mean("risk_asessment", valid),
            Some("risk_assessment")
        );
        assert_eq!(did_you_mean("zzz", valid), None);
        let err = invalid_value("theme", "supervison", valid);
        assert!(err.0.contains("did you mean 'supervision'"), "{}", err.0);
        assert!(err.0.contains("training"));
    }
}
