//! Runs every rule's own examples: each `match` example must fire the rule and
//! each `no_match` example must not. Reports failures with file, id and example.
//!
//! Examples go through [`RuleSet::scan`], the path used on real text, so a
//! failure here is a failure in use. Deprecated rules (never applied) are run
//! alone.

use std::fmt;

use super::{RuleSet, RuleStatus};

/// One example that did not behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    /// File of the rule.
    pub file: String,
    /// Rule id.
    pub rule: String,
    /// The example text.
    pub example: String,
    /// True for a `match` example that did not fire; false for a `no_match`
    /// example that fired.
    pub expected_match: bool,
    /// For a wrongly firing example: the matched text.
    pub matched: Option<String>,
}

/// The result of [`RuleSet::check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Rules checked.
    pub rules: usize,
    /// Examples run.
    pub examples: usize,
    /// Examples that did not behave.
    pub failures: Vec<CheckFailure>,
}

impl CheckReport {
    /// Whether every example behaved.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for x in &self.failures {
            if x.expected_match {
                writeln!(
                    f,
                    "{}: {}: match example did not fire: {:?}",
                    x.file, x.rule, x.example
                )?;
            } else {
                writeln!(
                    f,
                    "{}: {}: no_match example fired on {:?}: {:?}",
                    x.file,
                    x.rule,
                    x.matched.as_deref().unwrap_or(""),
                    x.example
                )?;
            }
        }
        write!(
            f,
            "{} rules, {} examples, {} failure{}",
            self.rules,
            self.examples,
            self.failures.len(),
            if self.failures.len() == 1 { "" } else { "s" }
        )
    }
}

impl RuleSet {
    /// Run every example of every rule.
    pub fn check(&self) -> CheckReport {
        let mut report = CheckReport {
            rules: self.rules().len(),
            ..CheckReport::default()
        };
        for (i, r) in self.rules().iter().enumerate() {
            let fires = |text: &str| -> Option<[usize; 2]> {
                if r.status == RuleStatus::Deprecated {
                    r.find(text).map(|(s, _)| s)
                } else {
                    self.scan(r.scope, text)
                        .into_iter()
                        .find(|m| m.index == i)
                        .map(|m| m.span)
                }
            };
            for (examples, expected_match) in
                [(&r.examples.matches, true), (&r.examples.no_match, false)]
            {
                for ex in examples {
                    report.examples += 1;
                    let got = fires(ex);
                    if got.is_some() != expected_match {
                        report.failures.push(CheckFailure {
                            file: r.file.clone(),
                            rule: r.id.clone(),
                            example: ex.clone(),
                            expected_match,
                            matched: got.map(|[s, e]| ex[s..e].to_string()),
                        });
                    }
                }
            }
        }
        report
    }
}
