//! `findings patterns check|list`: validate the rule files and run their
//! examples; list kinds, themes and rules.

use super::{Outcome, UsageError};
use crate::model::Kind;
use crate::patterns::RuleSet;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

/// `findings patterns ...`
#[derive(Debug, Subcommand)]
pub enum PatternsCommand {
    /// Validate every rule file and run every rule's examples.
    #[command(after_help = "Example:\n  findings patterns check --patterns my-rules/")]
    Check {
        /// Folder of extra rule files.
        #[arg(long)]
        patterns: Option<PathBuf>,
    },
    /// List kinds, themes and the rules that tag them.
    #[command(after_help = "Example:\n  findings patterns list")]
    List {
        /// Folder of extra rule files.
        #[arg(long)]
        patterns: Option<PathBuf>,
    },
}

/// Run `findings patterns ...`.
pub fn run(cmd: PatternsCommand) -> anyhow::Result<Outcome> {
    match cmd {
        PatternsCommand::Check { patterns } => {
            let rules = RuleSet::load(patterns.as_deref())?;
            let report = rules.check();
            if report.failures.is_empty() {
                println!("{} rules, all examples behave", rules.rules().len());
                Ok(Outcome::Success)
            } else {
                Err(UsageError(format!("rule examples failed:\n{report}")).into())
            }
        }
        PatternsCommand::List { patterns } => {
            let rules = RuleSet::load(patterns.as_deref())?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            writeln!(out, "kinds:")?;
            for k in Kind::ALL {
                writeln!(out, "  {k}")?;
            }
            writeln!(out, "themes:")?;
            for t in rules.theme_ids() {
                writeln!(out, "  {t}")?;
            }
            writeln!(out, "rules:")?;
            for r in rules.rules() {
                writeln!(
                    out,
                    "  {:<48} {:<36} {}",
                    r.id,
                    r.target_str(),
                    r.description
                )?;
            }
            out.flush()?;
            Ok(Outcome::Success)
        }
    }
}
