//! Measures a dataset against a labeled truth file (`corpus/truth.json`).
//!
//! Takes the statements and reports of a run and the labels, and gives kind
//! precision/recall with a confusion matrix, theme micro-F1 with per-theme
//! figures, metadata agreement per report and repeat-pair precision/recall.
//! A predicted statement matches a labeled one of the same report when their
//! normalised word multisets overlap by at least 80% of the longer one.
//! It reads no files itself and changes nothing.

use crate::model::{Kind, Link, Report, Statement};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The truth file.
#[derive(Debug, Clone, Deserialize)]
pub struct Truth {
    /// Labeled reports.
    pub reports: Vec<TruthReport>,
    /// Labeled statements.
    pub statements: Vec<TruthStatement>,
    /// Labeled repeat pairs.
    #[serde(default)]
    pub repeats: Vec<TruthRepeat>,
    /// Pairs that must not be linked as same-force repeats.
    #[serde(default)]
    pub decoys: Vec<TruthDecoy>,
    /// Issues: the statements about one shortcoming of one body across its
    /// reports. Every repeat pair lies inside one issue.
    #[serde(default)]
    pub issues: Vec<TruthIssue>,
}

/// One shortcoming of one body, followed across reports.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthIssue {
    /// Stable label, e.g. `gmp-supervision`.
    pub id: String,
    /// Statement label ids.
    pub members: Vec<String>,
}

/// A labeled report.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthReport {
    /// File name in corpus/.
    pub file: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Canonical force, or null.
    pub force: Option<String>,
    /// Publication YYYY-MM.
    pub published: String,
    /// Report type id.
    pub report_type: String,
    /// Publisher id.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Canonical inspected body, or null for reports on several bodies.
    #[serde(default)]
    pub body: Option<String>,
    /// Body type id of `body`.
    #[serde(default)]
    pub body_type: Option<String>,
    /// Every inspected body (compared as a set when given).
    #[serde(default)]
    pub bodies: Option<Vec<String>>,
    /// Pages.
    #[serde(default)]
    pub pages: u32,
}

/// A labeled statement.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthStatement {
    /// Label id (`report/kind-n`).
    pub id: String,
    /// File name of its report.
    pub report: String,
    /// Kind id.
    pub kind: String,
    /// Theme ids.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Page.
    #[serde(default)]
    pub page: u32,
    /// Exact text.
    pub text: String,
}

/// A labeled repeat pair.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthRepeat {
    /// Earlier statement label id.
    pub earlier: String,
    /// Later statement label id.
    pub later: String,
    /// The later refers back explicitly.
    #[serde(default)]
    pub explicit: bool,
    /// Stated status.
    #[serde(default)]
    pub status: Option<String>,
}

/// A decoy pair.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthDecoy {
    /// One statement label id.
    pub a: String,
    /// The other.
    pub b: String,
}

/// Lowercased words with punctuation trimmed and ligatures/quotes folded.
pub fn norm_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '—' || c == '–' || c == '/')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '’' || *c == '-')
                .collect::<String>()
                .replace('’', "'")
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Share of the longer word multiset found in the other.
pub fn overlap(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
    for w in a {
        *counts.entry(w).or_insert(0) += 1;
    }
    let mut common = 0;
    for w in b {
        if let Some(c) = counts.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    common as f64 / a.len().max(b.len()) as f64
}

/// Repeat-link counts for one group of pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounts {
    /// Labeled repeats found linked.
    pub found: usize,
    /// Labeled repeats.
    pub total: usize,
    /// Links between labeled statements that are not labeled repeats.
    pub wrong: usize,
    /// Links between labeled statements.
    pub judged: usize,
}

impl LinkCounts {
    /// Recall.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.total)
    }
    /// Precision.
    pub fn precision(&self) -> f64 {
        ratio(self.judged - self.wrong, self.judged)
    }
}

/// The figures.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// (labeled kind, predicted kind or "missed") → count.
    pub confusion: BTreeMap<(String, String), usize>,
    /// Labeled statements.
    pub labeled: usize,
    /// Labeled statements matched with the right kind.
    pub kind_correct: usize,
    /// Predicted non-finding statements.
    pub predicted_special: usize,
    /// Predicted non-finding statements matching a labeled statement of that kind.
    pub predicted_special_correct: usize,
    /// Theme true positives, false positives, false negatives per theme.
    pub themes: BTreeMap<String, [usize; 3]>,
    /// Reports whose force, date and type all agree, and the mismatches.
    pub metadata_ok: usize,
    /// Mismatch descriptions.
    pub metadata_errors: Vec<String>,
    /// Issue members with an earlier member in an earlier report: the
    /// statements that should be linked back.
    pub followups_total: usize,
    /// Of those, linked to an earlier member of their issue (directly or
    /// through their chain).
    pub followups_found: usize,
    /// Follow-ups not found, as `label id (issue)`.
    pub followups_missed: Vec<String>,
    /// Same-body links judged wrong, as `from label → to label`.
    pub wrong_links: Vec<String>,
    /// Explicit labeled repeats that state a status.
    pub status_total: usize,
    /// Of those, whose link from the later statement carries that status.
    pub status_right: usize,
    /// Repeat pairs found linked (same chain or a direct link).
    pub repeats_found: usize,
    /// Repeat pairs labeled (with both statements matched).
    pub repeats_total: usize,
    /// Same-body links between matched labeled statements that are not in one issue.
    pub links_wrong: usize,
    /// Same-body links between matched labeled statements.
    pub links_judged: usize,
    /// Decoys linked as same-force repeats.
    pub decoys_linked: Vec<String>,
    /// Link figures by the publisher of the later report (follow-ups:
    /// found, total; same-body links between labeled statements: wrong,
    /// judged).
    pub by_publisher: BTreeMap<String, LinkCounts>,
    /// Label id → predicted statement id.
    pub matched: BTreeMap<String, String>,
}

impl Evaluation {
    /// Kind recall over all labeled statements.
    pub fn kind_recall(&self) -> f64 {
        ratio(self.kind_correct, self.labeled)
    }
    /// Kind precision over predicted non-finding statements and matched findings.
    pub fn kind_precision(&self) -> f64 {
        ratio(self.predicted_special_correct, self.predicted_special)
    }
    /// Theme micro-F1.
    pub fn theme_f1(&self) -> f64 {
        let (tp, fp, fn_) = self.themes.values().fold((0, 0, 0), |acc, v| {
            (acc.0 + v[0], acc.1 + v[1], acc.2 + v[2])
        });
        let p = ratio(tp, tp + fp);
        let r = ratio(tp, tp + fn_);
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Repeat recall: share of follow-ups linked back to their issue.
    pub fn link_recall(&self) -> f64 {
        ratio(self.followups_found, self.followups_total)
    }
    /// Recall over the labeled repeat pairs only (a direct link between the
    /// two, or one chain holding both).
    pub fn pair_recall(&self) -> f64 {
        ratio(self.repeats_found, self.repeats_total)
    }
    /// Repeat precision: share of same-body links between labeled statements
    /// whose two ends are in one issue.
    pub fn link_precision(&self) -> f64 {
        ratio(self.links_judged - self.links_wrong, self.links_judged)
    }

    /// A readable report: confusion matrix, per-theme table, metadata, links.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "kind confusion (labeled → predicted):");
        for ((l, p), n) in &self.confusion {
            let _ = writeln!(s, "  {l:<22} → {p:<22} {n}");
        }
        let _ = writeln!(
            s,
            "kind recall {:.3} ({}/{}), precision {:.3} ({}/{})",
            self.kind_recall(),
            self.kind_correct,
            self.labeled,
            self.kind_precision(),
            self.predicted_special_correct,
            self.predicted_special
        );
        let _ = writeln!(s, "themes (tp fp fn):");
        for (t, v) in &self.themes {
            let _ = writeln!(s, "  {t:<34} {:>3} {:>3} {:>3}", v[0], v[1], v[2]);
        }
        let _ = writeln!(s, "theme micro-F1 {:.3}", self.theme_f1());
        let _ = writeln!(s, "metadata: {} reports agree", self.metadata_ok);
        for e in &self.metadata_errors {
            let _ = writeln!(s, "  {e}");
        }
        let _ = writeln!(
            s,
            "repeats: recall {:.3} ({}/{} follow-ups linked to their issue), precision {:.3} ({} wrong of {} same-body links between labeled statements)",
            self.link_recall(),
            self.followups_found,
            self.followups_total,
            self.link_precision(),
            self.links_wrong,
            self.links_judged,
        );
        let _ = writeln!(
            s,
            "  labeled pairs linked: {}/{} ({:.3}); explicit status right: {}/{}; decoys linked same-force: {}",
            self.repeats_found,
            self.repeats_total,
            self.pair_recall(),
            self.status_right,
            self.status_total,
            self.decoys_linked.len()
        );
        for m in &self.followups_missed {
            let _ = writeln!(s, "  missed: {m}");
        }
        for w in &self.wrong_links {
            let _ = writeln!(s, "  wrong link: {w}");
        }
        for d in &self.decoys_linked {
            let _ = writeln!(s, "  decoy linked: {d}");
        }
        let _ = writeln!(s, "repeats by publisher of the later report:");
        for (p, c) in &self.by_publisher {
            let _ = writeln!(
                s,
                "  {p:<20} recall {:.3} ({}/{}), precision {:.3} ({} wrong of {})",
                c.recall(),
                c.found,
                c.total,
                c.precision(),
                c.wrong,
                c.judged
            );
        }
        s
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Compare a run with the truth.
pub fn evaluate(
    truth: &Truth,
    reports: &[Report],
    statements: &[Statement],
    links: &[Link],
) -> Evaluation {
    let mut ev = Evaluation::default();
    let by_file: BTreeMap<&str, &Report> = reports
        .iter()
        .flat_map(|r| r.files.iter().map(move |f| (file_name(f), r)))
        .collect();

    for t in &truth.reports {
        let Some(r) = by_file.get(t.file.as_str()) else {
            ev.metadata_errors.push(format!("{}: no report", t.file));
            continue;
        };
        let mut wrong = Vec::new();
        if r.force != t.force {
            wrong.push(format!("force {:?} != {:?}", r.force, t.force));
        }
        if !r
            .published
            .as_deref()
            .unwrap_or("")
            .starts_with(&t.published)
        {
            wrong.push(format!("published {:?} != {}", r.published, t.published));
        }
        if let Some(p) = &t.publisher
            && r.publisher.as_str() != p
        {
            wrong.push(format!("publisher {} != {p}", r.publisher.as_str()));
        }
        if t.bodies.is_some() {
            if r.body != t.body {
                wrong.push(format!("body {:?} != {:?}", r.body, t.body));
            }
            let ours = r.body_type.map(|b| b.as_str());
            if ours != t.body_type.as_deref() {
                wrong.push(format!("body_type {ours:?} != {:?}", t.body_type));
            }
            let a: BTreeSet<&str> = r.bodies.iter().map(String::as_str).collect();
            let b: BTreeSet<&str> = t.bodies.iter().flatten().map(String::as_str).collect();
            if a != b {
                wrong.push(format!("bodies {a:?} != {b:?}"));
            }
        }
        if r.report_type.as_str() != t.report_type {
            wrong.push(format!(
                "type {} != {}",
                r.report_type.as_str(),
                t.report_type
            ));
        }
        if wrong.is_empty() {
            ev.metadata_ok += 1;
        } else {
            ev.metadata_errors
                .push(format!("{}: {}", t.file, wrong.join("; ")));
        }
    }

    // Predicted statements per report, with words.
    let mut predicted: BTreeMap<&str, Vec<(&Statement, Vec<String>)>> = BTreeMap::new();
    for s in statements {
        predicted
            .entry(s.report_id.as_str())
            .or_default()
            .push((s, norm_words(&s.text)));
    }
    let mut claimed: BTreeSet<&str> = BTreeSet::new();
    let mut special_correct: BTreeSet<&str> = BTreeSet::new();
    let mut special_matched_other: BTreeSet<&str> = BTreeSet::new();
    for label in &truth.statements {
        ev.labeled += 1;
        let words = norm_words(&label.text);
        let candidates = by_file
            .get(label.report.as_str())
            .and_then(|r| predicted.get(r.id.as_str()));
        let best = candidates.and_then(|c| {
            c.iter()
                .map(|(s, w)| (overlap(&words, w), *s))
                .filter(|(o, _)| *o >= 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.id.cmp(&a.1.id)))
        });
        let predicted_kind = best.map(|(_, s)| s.kind.as_str()).unwrap_or("missed");
        *ev.confusion
            .entry((label.kind.clone(), predicted_kind.to_string()))
            .or_insert(0) += 1;
        let Some((_, s)) = best else {
            for t in &label.themes {
                ev.themes.entry(t.clone()).or_default()[2] += 1;
            }
            continue;
        };
        claimed.insert(s.id.as_str());
        ev.matched.insert(label.id.clone(), s.id.clone());
        if s.kind.as_str() == label.kind {
            ev.kind_correct += 1;
            special_correct.insert(s.id.as_str());
        } else {
            special_matched_other.insert(s.id.as_str());
        }
        let truth_themes: BTreeSet<&str> = label.themes.iter().map(String::as_str).collect();
        let ours: BTreeSet<&str> = s.themes.iter().map(String::as_str).collect();
        for t in truth_themes.union(&ours) {
            let e = ev.themes.entry(t.to_string()).or_default();
            match (truth_themes.contains(t), ours.contains(t)) {
                (true, true) => e[0] += 1,
                (false, true) => e[1] += 1,
                (true, false) => e[2] += 1,
                _ => {}
            }
        }
    }
    // Precision: every predicted statement of a labeled-exhaustively kind (all
    // but findings) counts; a predicted finding counts when it matched a label.
    let labeled_reports: BTreeSet<&str> = truth
        .reports
        .iter()
        .filter_map(|t| by_file.get(t.file.as_str()).map(|r| r.id.as_str()))
        .collect();
    for s in statements
        .iter()
        .filter(|s| labeled_reports.contains(s.report_id.as_str()))
    {
        let counts = s.kind != Kind::Finding || claimed.contains(s.id.as_str());
        if counts {
            ev.predicted_special += 1;
            if special_correct.contains(s.id.as_str()) {
                ev.predicted_special_correct += 1;
            }
        }
    }
    let _ = special_matched_other;

    // Links.
    let chain_of: BTreeMap<&str, &str> = statements
        .iter()
        .filter_map(|s| s.chain_id.as_deref().map(|c| (s.id.as_str(), c)))
        .collect();
    let linked = |a: &str, b: &str| -> bool {
        links
            .iter()
            .any(|l| (l.from == a && l.to == b) || (l.from == b && l.to == a))
            || chain_of.get(a).is_some_and(|c| chain_of.get(b) == Some(c))
    };
    // Publisher of each labeled statement's report (truth), and of each
    // predicted statement's report (ours).
    let label_publisher: BTreeMap<&str, &str> = {
        let by_report: BTreeMap<&str, &str> = truth
            .reports
            .iter()
            .map(|t| (t.file.as_str(), t.publisher.as_deref().unwrap_or("other")))
            .collect();
        truth
            .statements
            .iter()
            .map(|l| {
                let p = by_report.get(l.report.as_str()).copied().unwrap_or("other");
                (l.id.as_str(), p)
            })
            .collect()
    };
    let report_publisher: BTreeMap<&str, &str> = reports
        .iter()
        .map(|r| (r.id.as_str(), r.publisher.as_str()))
        .collect();
    let statement_publisher: BTreeMap<&str, &str> = statements
        .iter()
        .map(|s| {
            let p = report_publisher
                .get(s.report_id.as_str())
                .copied()
                .unwrap_or("other");
            (s.id.as_str(), p)
        })
        .collect();
    for r in &truth.repeats {
        ev.repeats_total += 1;
        let (Some(a), Some(b)) = (ev.matched.get(&r.earlier), ev.matched.get(&r.later)) else {
            continue;
        };
        if linked(a, b) {
            ev.repeats_found += 1;
        }
    }
    // Issue of each label: from `issues`, or, for a truth file without them,
    // the connected components of the repeat pairs.
    let group = issue_groups(truth);
    let label_of: BTreeMap<&str, &str> = ev
        .matched
        .iter()
        .map(|(l, s)| (s.as_str(), l.as_str()))
        .collect();
    let published: BTreeMap<&str, &str> = truth
        .reports
        .iter()
        .map(|r| (r.file.as_str(), r.published.as_str()))
        .collect();
    let label_report: BTreeMap<&str, &str> = truth
        .statements
        .iter()
        .map(|s| (s.id.as_str(), s.report.as_str()))
        .collect();
    let date_of = |label: &str| {
        label_report
            .get(label)
            .and_then(|r| published.get(r))
            .copied()
            .unwrap_or("")
    };
    let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (label, g) in &group {
        members.entry(g.as_str()).or_default().push(label.as_str());
    }
    for (g, labels) in &members {
        for &m in labels {
            let earlier: Vec<&str> = labels
                .iter()
                .copied()
                .filter(|&o| date_of(o) < date_of(m))
                .collect();
            if earlier.is_empty() {
                continue;
            }
            ev.followups_total += 1;
            let publisher = label_publisher.get(m).copied().unwrap_or("other");
            let counts = ev.by_publisher.entry(publisher.to_string()).or_default();
            counts.total += 1;
            let found = ev.matched.get(m).is_some_and(|sm| {
                earlier.iter().any(|o| {
                    ev.matched.get(*o).is_some_and(|so| {
                        links.iter().any(|l| l.from == *sm && l.to == *so)
                            || chain_of
                                .get(sm.as_str())
                                .is_some_and(|c| chain_of.get(so.as_str()) == Some(c))
                    })
                })
            });
            if found {
                ev.followups_found += 1;
                counts.found += 1;
            } else {
                ev.followups_missed.push(format!("{m} ({g})"));
            }
        }
    }
    for r in truth.repeats.iter().filter(|r| r.explicit) {
        let Some(want) = r.status.as_deref() else {
            continue;
        };
        ev.status_total += 1;
        let Some(later) = ev.matched.get(&r.later) else {
            continue;
        };
        if links
            .iter()
            .any(|l| l.from == *later && l.status.map(|s| s.as_str()) == Some(want))
        {
            ev.status_right += 1;
        }
    }
    for l in links.iter().filter(|l| !l.cross_force) {
        let (Some(a), Some(b)) = (label_of.get(l.from.as_str()), label_of.get(l.to.as_str()))
        else {
            continue;
        };
        ev.links_judged += 1;
        let publisher = statement_publisher
            .get(l.from.as_str())
            .copied()
            .unwrap_or("other");
        let counts = ev.by_publisher.entry(publisher.to_string()).or_default();
        counts.judged += 1;
        if !group.contains_key(*a) || group.get(*a) != group.get(*b) {
            ev.links_wrong += 1;
            counts.wrong += 1;
            ev.wrong_links.push(format!("{a} → {b}"));
        }
    }
    for d in &truth.decoys {
        let (Some(a), Some(b)) = (ev.matched.get(&d.a), ev.matched.get(&d.b)) else {
            continue;
        };
        let same_force_link = links.iter().any(|l| {
            !l.cross_force && ((l.from == *a && l.to == *b) || (l.from == *b && l.to == *a))
        });
        if same_force_link {
            ev.decoys_linked.push(format!("{} ~ {}", d.a, d.b));
        }
    }
    ev
}

/// Label id → issue id: the members of `truth.issues`, then the repeat pairs
/// (a pair with an unlabelled end joins the other end's issue; a pair of two
/// unlabelled statements starts a group named by its earlier label).
fn issue_groups(truth: &Truth) -> BTreeMap<String, String> {
    let mut group: BTreeMap<String, String> = BTreeMap::new();
    for i in &truth.issues {
        for m in &i.members {
            group.insert(m.clone(), i.id.clone());
        }
    }
    for r in &truth.repeats {
        let ga = group.get(&r.earlier).cloned();
        let gb = group.get(&r.later).cloned();
        match (ga, gb) {
            (Some(x), Some(y)) if x != y => {
                for v in group.values_mut() {
                    if *v == y {
                        *v = x.clone();
                    }
                }
            }
            (Some(x), None) => {
                group.insert(r.later.clone(), x);
            }
            (None, Some(y)) => {
                group.insert(r.earlier.clone(), y);
            }
            (None, None) => {
                group.insert(r.earlier.clone(), r.earlier.clone());
                group.insert(r.later.clone(), r.earlier.clone());
            }
            _ => {}
        }
    }
    group
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_uses_the_longer_side() {
        let a = norm_words("The force should improve supervision.");
        let b = norm_words("the force should improve supervision of investigations");
        assert!((overlap(&a, &b) - 5.0 / 7.0).abs() < 1e-9);
        assert_eq!(overlap(&a, &a), 1.0);
        assert_eq!(overlap(&a, &[]), 0.0);
    }

    #[test]
    fn words_fold_quotes_and_case() {
        assert_eq!(
            norm_words("Children’s “care”, ok."),
            ["children's", "care", "ok"]
        );
    }
}
