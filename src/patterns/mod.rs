//! Rules as data: loads `patterns/*.toml`, validates, compiles and applies them.
//!
//! Takes rule files (embedded built-ins plus an optional user folder) and gives
//! a [`RuleSet`] that answers "which rules fire on this text" cheaply: per
//! [`Scope`] and group of target families, a literal gate (one Aho-Corasick
//! pass, see `gate`) finds the patterns that may match, then only those
//! patterns' own regexes run to confirm and find the span. Each question the
//! segmenter asks (themes, kind of a heading or sentence, grade,
//! back-reference, report type, publisher) runs only its own family's rules:
//! a paragraph asked for its kind does not pay for the theme rules.
//! [`RuleSet::scan`] runs them all. The registry of inspected bodies (forces,
//! fire services, local authorities) is in [`bodies`].
//!
//! It does not split text into statements or decide which scope a piece of text
//! is: that is the segmenter's job.
//!
//! # Rule files
//!
//! One rule per `[[rule]]` table (`patterns/*.toml`, or a user folder passed to
//! [`RuleSet::load`], whose rules add to the built-ins or replace them by id):
//!
//! ```toml
//! [[rule]]
//! id = "theme.risk_assessment.named"   # family.target.detail; stable, never reused
//! name = "risk-assessment"              # kebab-case name of what it finds
//! target = "theme:risk_assessment"      # theme:|kind:|grade:|status:|publisher:|report_type:<id>, or backref
//! scope = "text"                        # text | heading | cover
//! description = "Risk assessment named."
//! patterns = ['\brisk\s+assessments?\b'] # case-insensitive; any may match; (?<year>...) in backrefs
//! negative = ['\bfire\s+risk\b']        # optional: any match vetoes the rule
//! weight = 1.0                          # themes: given when the summed weight >= 1.0
//! priority = 0                          # kinds, grades, statuses, types, publishers: highest wins
//! status = "stable"                     # stable | preview | deprecated (+ replaced_by)
//! [rule.examples]
//! match = ["Officers completed a risk assessment."]
//! no_match = ["Officers attended promptly."]
//! ```
//!
//! In patterns, `\b` is an ASCII word boundary, `\w` is ASCII, and a literal
//! hyphen also matches Unicode dashes and a line-broken word ("group- based").
//! A sentence window between two parts (`child\b[^.]{0,100}\bcustody`) is
//! matched by running the parts apart and counting the window (see
//! `matcher`); a rule's negatives run as one regex.
//! [`RuleSet::check`] runs every example.

pub mod bodies;
pub mod check;
mod gate;
mod matcher;
pub mod rule;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::model::{BackReference, Grade, Kind, Publisher, ReportType, Tag};
use gate::{Candidates, Gate, Probe};
use rule::Starts;

pub use bodies::{Bodies, Body, BodyMatch};
pub use check::{CheckFailure, CheckReport};
pub use rule::{Examples, Family, RawRule, Rule, RuleStatus, Scope, Target};

/// Every theme id, in display order. A rule's `theme:<id>` target must be one
/// of these.
pub const THEME_IDS: &[&str] = &[
    "child_sexual_exploitation",
    "child_protection",
    "missing_children",
    "child_criminal_exploitation",
    "online_child_abuse",
    "domestic_abuse",
    "violence_against_women_and_girls",
    "stalking_harassment",
    "risk_assessment",
    "supervision",
    "training",
    "information_sharing",
    "victim_support",
    "early_intervention",
    "children_as_offenders",
    "specialist_units",
    "crime_recording",
    "investigation_quality",
    "leadership_culture",
    "call_handling",
    "custody",
    "vetting_professional_standards",
    "neighbourhood_policing",
    "offender_management",
    "workforce_wellbeing",
    "use_of_resources",
    "stop_search_use_of_force",
    "fire_prevention_protection",
    "fire_response",
];

/// The built-in rule files, embedded so the binary works from any directory.
/// A test asserts that every `patterns/*.toml` (other than `bodies.toml`, which
/// [`bodies`] embeds) is listed here.
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    ("themes.toml", include_str!("../../patterns/themes.toml")),
    ("kinds.toml", include_str!("../../patterns/kinds.toml")),
    ("grades.toml", include_str!("../../patterns/grades.toml")),
    (
        "backrefs.toml",
        include_str!("../../patterns/backrefs.toml"),
    ),
    (
        "report_types.toml",
        include_str!("../../patterns/report_types.toml"),
    ),
    (
        "publishers.toml",
        include_str!("../../patterns/publishers.toml"),
    ),
];

/// Summed theme weight at which a theme is given.
pub const THEME_THRESHOLD: f32 = 1.0;

/// A problem with a rule file; always names the file, and the rule when there
/// is one.
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    /// The file or folder could not be read.
    #[error("{file}: {source}")]
    Io {
        /// File or folder.
        file: String,
        /// The io error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or not in the rule-file shape.
    #[error("{file}: line {line}: {message}")]
    Toml {
        /// File.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// What the parser said.
        message: String,
    },
    /// A pattern or negative does not compile.
    #[error("{file}: rule {rule}: bad regex `{pattern}`: {message}")]
    Regex {
        /// File.
        file: String,
        /// Rule id.
        rule: String,
        /// The pattern.
        pattern: String,
        /// The regex error.
        message: String,
    },
    /// Two rules of one file share an id.
    #[error("{file}: rule {rule}: duplicate id (ids are unique and never reused)")]
    DuplicateId {
        /// File.
        file: String,
        /// Rule id.
        rule: String,
    },
    /// The target names an unknown family, theme, kind, grade, ...
    #[error("{file}: rule {rule}: {message}")]
    UnknownTarget {
        /// File.
        file: String,
        /// Rule id.
        rule: String,
        /// What is unknown.
        message: String,
    },
    /// The rule lacks a `match` or a `no_match` example.
    #[error("{file}: rule {rule}: needs at least one `match` and one `no_match` example")]
    MissingExamples {
        /// File.
        file: String,
        /// Rule id.
        rule: String,
    },
    /// Anything else wrong with one rule (id form, name, scope, weight, ...).
    #[error("{file}: rule {rule}: {message}")]
    Invalid {
        /// File.
        file: String,
        /// Rule id.
        rule: String,
        /// What is wrong.
        message: String,
    },
}

/// One rule firing on a text.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMatch<'a> {
    /// The rule's id.
    pub rule: &'a str,
    /// What it means.
    pub target: &'a Target,
    /// Byte offsets of the (earliest) match.
    pub span: [usize; 2],
    /// The `year` capture group, when the pattern has one and it matched.
    pub year: Option<i32>,
    /// The rule's weight.
    pub weight: f32,
    /// The rule's priority.
    pub priority: i32,
    /// Index of the rule in [`RuleSet::rules`].
    pub index: usize,
}

/// Families probed together. Every paragraph is asked its kind and grade, and
/// only statements their themes, back-reference and status: the paragraph
/// questions get a small gate of their own, and one pass serves each group.
const GROUPS: [&[Family]; 2] = [
    &[Family::Kind, Family::Grade],
    &[
        Family::Theme,
        Family::Status,
        Family::BackRef,
        Family::Publisher,
        Family::ReportType,
    ],
];

fn group_of(family: Family) -> usize {
    GROUPS
        .iter()
        .position(|g| g.contains(&family))
        .expect("every family is in a group")
}

/// The compiled matcher of one scope and group of families.
#[derive(Debug, Clone)]
struct GroupSet {
    /// Which patterns may match a text.
    gate: Gate,
    /// For each pattern of the gate: (rule index, pattern index within the
    /// rule), grouped by family, then in rule order.
    owners: Vec<(usize, usize)>,
    /// The patterns of each family (indexed by `Family as usize`; empty for
    /// families of other groups).
    families: [std::ops::Range<usize>; Family::ALL.len()],
}

/// The last text probed on this thread, per group: the segmenter asks several
/// questions of one text in a row (kind and grade of a paragraph; themes,
/// back-reference and status of a statement), and one pass serves them all.
#[derive(Default)]
struct LastProbe {
    /// [`RuleSet::id`] and scope of the probe.
    key: Option<(u64, Scope)>,
    text: String,
    probe: Probe,
    candidates: Candidates,
}

thread_local! {
    static RULE_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    static LAST_PROBE: RefCell<[LastProbe; GROUPS.len()]> = RefCell::default();
}

/// The time the calling thread has spent answering rule questions (every
/// question goes through one scan), since it started: the tagging part of
/// segmentation, for `examples/bench_tagging.rs`. Two clock reads a question.
pub fn rule_time() -> Duration {
    RULE_TIME.with(Cell::get)
}

/// Distinguishes rule sets (and their clones) in [`LAST_PROBE`].
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The loaded, compiled rules.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Indexed by `scope.index() * GROUPS.len() + group`.
    sets: Vec<GroupSet>,
    hash: String,
    id: u64,
}

impl RuleSet {
    /// The built-in rules only.
    pub fn builtin() -> Result<RuleSet, PatternError> {
        RuleSet::load(None)
    }

    /// The built-in rules plus the `*.toml` files of `extra` (sorted by name;
    /// `bodies.toml` there is skipped). A user rule with the id of a built-in
    /// replaces it; other user rules are added.
    pub fn load(extra: Option<&Path>) -> Result<RuleSet, PatternError> {
        let mut sources: Vec<(String, String)> = BUILTIN_RULE_FILES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let builtin_count = sources.len();
        if let Some(dir) = extra {
            sources.extend(read_folder(dir)?);
        }
        let mut rules: Vec<Rule> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, (file, text)) in sources.iter().enumerate() {
            let parsed = parse_file(file, text)?;
            for rule in parsed {
                match by_id.get(&rule.id) {
                    Some(&at) if i >= builtin_count && rules[at].file != *file => {
                        // A user rule overriding an earlier one (built-in or
                        // from another user file).
                        rules[at] = rule;
                    }
                    Some(_) => {
                        return Err(PatternError::DuplicateId {
                            file: file.clone(),
                            rule: rule.id,
                        });
                    }
                    None => {
                        by_id.insert(rule.id.clone(), rules.len());
                        rules.push(rule);
                    }
                }
            }
        }
        // Hash file names (not the user folder's path) and texts, so the same
        // rules give the same hash wherever they live.
        let mut h = Sha256::new();
        for (file, text) in &sources {
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.clone());
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        let hash = base16ct::lower::encode_string(&h.finalize());
        RuleSet::from_rules(rules, hash)
    }

    /// Build from already-validated rules (used by `load` and by tests).
    pub fn from_rules(rules: Vec<Rule>, hash: String) -> Result<RuleSet, PatternError> {
        let mut sets = Vec::new();
        for scope in Scope::ALL {
            for group in GROUPS {
                let mut patterns = Vec::new();
                let mut owners = Vec::new();
                let mut families: [std::ops::Range<usize>; Family::ALL.len()] = Default::default();
                for &family in group {
                    let start = owners.len();
                    for (ri, r) in rules.iter().enumerate() {
                        if r.scope != scope
                            || r.target.family_kind() != family
                            || r.status == RuleStatus::Deprecated
                        {
                            continue;
                        }
                        for (pi, p) in r.patterns.iter().enumerate() {
                            patterns.push(rule::prepare(p));
                            owners.push((ri, pi));
                        }
                    }
                    families[family as usize] = start..owners.len();
                }
                let gate = Gate::new(&patterns).map_err(|message| PatternError::Invalid {
                    file: "(all)".into(),
                    rule: format!("(scope {scope})"),
                    message,
                })?;
                sets.push(GroupSet {
                    gate,
                    owners,
                    families,
                });
            }
        }
        Ok(RuleSet {
            rules,
            sets,
            hash,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Every rule, built-ins first in file order, then user additions.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The canonical theme ids.
    pub fn theme_ids(&self) -> Vec<String> {
        THEME_IDS.iter().map(|t| t.to_string()).collect()
    }

    /// The statement kinds.
    pub fn kinds(&self) -> &'static [Kind] {
        &Kind::ALL
    }

    /// sha256 (hex) of the rule files' names and texts, in load order: changes
    /// whenever any rule changes. For the run manifest.
    pub fn hash(&self) -> String {
        self.hash.clone()
    }

    /// Every non-deprecated rule of `scope` that fires on `text`, ordered by
    /// match start, then rule order.
    pub fn scan(&self, scope: Scope, text: &str) -> Vec<RuleMatch<'_>> {
        self.scan_families(scope, &Family::ALL, text, false)
    }

    /// As [`RuleSet::scan`], for the rules of the given target families only.
    /// With `given_themes`, theme rules are tried only when their theme's
    /// candidate rules could together reach [`THEME_THRESHOLD`] (the others
    /// could not give a tag).
    fn scan_families(
        &self,
        scope: Scope,
        families: &[Family],
        text: &str,
        given_themes: bool,
    ) -> Vec<RuleMatch<'_>> {
        let started = Instant::now();
        let mut hits: Vec<(usize, [usize; 2], Option<i32>)> = Vec::new();
        LAST_PROBE.with(|cell| {
            let probes = &mut *cell.borrow_mut();
            for &family in families {
                let group = group_of(family);
                let set = &self.sets[scope.index() * GROUPS.len() + group];
                let range = set.families[family as usize].clone();
                if range.is_empty() {
                    continue;
                }
                let last = &mut probes[group];
                let key = Some((self.id, scope));
                if last.key != key || last.text != text {
                    set.gate.probe(text, &mut last.probe);
                    last.key = key;
                    last.text.clear();
                    last.text.push_str(text);
                }
                set.gate
                    .candidates(&mut last.probe, range, &mut last.candidates);
                // A family's patterns are in rule order, so a rule's
                // candidate patterns are adjacent.
                let Candidates { list, starts } = &last.candidates;
                let runs = || {
                    list.chunk_by(|a, b| set.owners[a.0].0 == set.owners[b.0].0)
                        .map(|run| (set.owners[run[0].0].0, run))
                };
                let reachable = (given_themes && family == Family::Theme)
                    .then(|| theme_sums(runs().map(|(ri, _)| &self.rules[ri])));
                for (ri, run) in runs() {
                    if let (Some(sums), Target::Theme(t)) = (&reachable, &self.rules[ri].target)
                        && !reaches(sums, t)
                    {
                        continue;
                    }
                    let pis = run.iter().map(|(i, at)| {
                        let where_ = match at {
                            Some(r) => Starts::At(&starts[r.clone()]),
                            None => Starts::Anywhere,
                        };
                        (set.owners[*i].1, where_)
                    });
                    if let Some((span, year)) = self.rules[ri].find_among(text, pis) {
                        hits.push((ri, span, year));
                    }
                }
            }
        });
        RULE_TIME.with(|t| t.set(t.get() + started.elapsed()));
        hits.sort_by_key(|&(ri, span, _)| (span[0], ri));
        hits.into_iter()
            .map(|(ri, span, year)| {
                let r = &self.rules[ri];
                RuleMatch {
                    rule: &r.id,
                    target: &r.target,
                    span,
                    year,
                    weight: r.weight,
                    priority: r.priority,
                    index: ri,
                }
            })
            .collect()
    }

    /// Theme tags of a statement text: a theme is given when the summed weight
    /// of its firing rules reaches [`THEME_THRESHOLD`]; then every firing rule
    /// of that theme gives one tag. Sorted.
    pub fn themes(&self, text: &str) -> Vec<Tag> {
        let matches = self.scan_families(Scope::Text, &[Family::Theme], text, true);
        let sums = theme_sums(matches.iter().map(|m| &self.rules[m.index]));
        let mut tags: Vec<Tag> = matches
            .iter()
            .filter_map(|m| match m.target {
                Target::Theme(t) if reaches(&sums, t) => Some(Tag {
                    target: t.clone(),
                    rule: m.rule.to_string(),
                    span: m.span,
                }),
                _ => None,
            })
            .collect();
        tags.sort();
        tags
    }

    /// The theme ids given to `text` (sorted, unique).
    pub fn theme_names(&self, text: &str) -> Vec<String> {
        let mut v: Vec<String> = self.themes(text).into_iter().map(|t| t.target).collect();
        v.dedup();
        v
    }

    /// The kind a section heading announces.
    pub fn kind_for_heading(&self, heading: &str) -> Option<(Kind, String)> {
        self.best(Scope::Heading, Family::Kind, heading, |t| match t {
            Target::Kind(k) => Some(*k),
            _ => None,
        })
        .map(|(k, m)| (k, m.rule.to_string()))
    }

    /// The kind a statement's own wording signals, with the matched span.
    pub fn kind_for_text(&self, text: &str) -> Option<(Kind, String, [usize; 2])> {
        self.best(Scope::Text, Family::Kind, text, |t| match t {
            Target::Kind(k) => Some(*k),
            _ => None,
        })
        .map(|(k, m)| (k, m.rule.to_string(), m.span))
    }

    /// The grade stated in `text`. The most specific rule wins (by priority:
    /// "requires improvement to be good" is requires_improvement, not good;
    /// "Good use of resources Requires improvement" is requires_improvement),
    /// then the earliest, then the longest match.
    pub fn grade(&self, text: &str) -> Option<(Grade, String)> {
        self.best(Scope::Text, Family::Grade, text, |t| match t {
            Target::Grade(g) => Some(*g),
            _ => None,
        })
        .map(|(g, m)| (g, m.rule.to_string()))
    }

    /// The grade when `text` is nothing but a grade ("Good", "Requires
    /// improvement to be good", "outstanding."), as in a judgement table's
    /// grade cell: the winning grade rule's match covers every letter.
    pub fn whole_grade(&self, text: &str) -> Option<(Grade, String)> {
        let (g, m) = self.best(Scope::Text, Family::Grade, text, |t| match t {
            Target::Grade(g) => Some(*g),
            _ => None,
        })?;
        let outside = text[..m.span[0]]
            .chars()
            .chain(text[m.span[1]..].chars())
            .any(char::is_alphanumeric);
        (!outside).then(|| (g, m.rule.to_string()))
    }

    /// An explicit reference back to an earlier report or inspection, with the
    /// year (when stated) and the status (when stated). A strong status alone
    /// ("this recommendation has not been met") also counts as a
    /// back-reference; a weak one ("some progress") needs a backref rule.
    pub fn back_reference(&self, text: &str) -> Option<BackReference> {
        let matches =
            self.scan_families(Scope::Text, &[Family::BackRef, Family::Status], text, false);
        let backref = pick(
            matches
                .iter()
                .filter(|m| matches!(m.target, Target::BackRef))
                .map(|m| ((), m)),
        );
        // Weak status cues (weight < 1, "some progress") count only beside an
        // explicit back-reference.
        let status = pick(matches.iter().filter_map(|m| match m.target {
            Target::Status(s) if backref.is_some() || m.weight >= THEME_THRESHOLD => Some((*s, m)),
            _ => None,
        }));
        let year = matches
            .iter()
            .filter(|m| matches!(m.target, Target::BackRef))
            .find_map(|m| m.year);
        let rule = match (&backref, &status) {
            (Some((_, b)), _) => b.rule,
            (None, Some((_, s))) => s.rule,
            (None, None) => return None,
        };
        Some(BackReference {
            year,
            status: status.map(|(s, _)| s),
            rule: rule.to_string(),
        })
    }

    /// The report type the cover text signals.
    pub fn report_type(&self, cover: &str) -> Option<(ReportType, String)> {
        self.best(Scope::Cover, Family::ReportType, cover, |t| match t {
            Target::ReportType(r) => Some(*r),
            _ => None,
        })
        .map(|(r, m)| (r, m.rule.to_string()))
    }

    /// The publisher the cover text names. HMIC became HMICFRS in July 2017: a
    /// cover that names HMIC in a document from 2018 on is HMICFRS's.
    pub fn publisher(&self, cover: &str, year: Option<i32>) -> Option<(Publisher, String)> {
        let (p, m) = self.best(Scope::Cover, Family::Publisher, cover, |t| match t {
            Target::Publisher(p) => Some(*p),
            _ => None,
        })?;
        let p = match (p, year) {
            (Publisher::Hmic, Some(y)) if y >= 2018 => Publisher::Hmicfrs,
            (p, _) => p,
        };
        Some((p, m.rule.to_string()))
    }

    /// The winning match of the rules whose target `select` accepts: highest
    /// priority, then earliest start, then longest span, then rule order.
    fn best<T>(
        &self,
        scope: Scope,
        family: Family,
        text: &str,
        select: impl Fn(&Target) -> Option<T>,
    ) -> Option<(T, RuleMatch<'_>)> {
        let matches = self.scan_families(scope, &[family], text, false);
        pick(
            matches
                .into_iter()
                .filter_map(|m| select(m.target).map(|t| (t, m))),
        )
    }
}

/// The summed weight of each theme over `rules` (theme rules; others are
/// skipped). Few themes fire on one text: a short list beats a map.
fn theme_sums<'a>(rules: impl Iterator<Item = &'a Rule>) -> Vec<(&'a str, f32)> {
    let mut sums: Vec<(&str, f32)> = Vec::new();
    for r in rules {
        if let Target::Theme(t) = &r.target {
            match sums.iter_mut().find(|(id, _)| *id == t.as_str()) {
                Some((_, w)) => *w += r.weight,
                None => sums.push((t.as_str(), r.weight)),
            }
        }
    }
    sums
}

/// Whether `theme`'s summed weight reaches [`THEME_THRESHOLD`].
fn reaches(sums: &[(&str, f32)], theme: &str) -> bool {
    sums.iter()
        .any(|(id, w)| *id == theme && *w >= THEME_THRESHOLD - 1e-4)
}

/// Highest priority, then earliest start, then longest span, then rule order.
fn pick<'a, T, M: std::borrow::Borrow<RuleMatch<'a>>>(
    it: impl Iterator<Item = (T, M)>,
) -> Option<(T, M)> {
    it.min_by(|(_, a), (_, b)| {
        let (a, b) = (a.borrow(), b.borrow());
        b.priority
            .cmp(&a.priority)
            .then(a.span[0].cmp(&b.span[0]))
            .then((b.span[1] - b.span[0]).cmp(&(a.span[1] - a.span[0])))
            .then(a.index.cmp(&b.index))
    })
}

fn read_folder(dir: &Path) -> Result<Vec<(String, String)>, PatternError> {
    let io = |e| PatternError::Io {
        file: dir.display().to_string(),
        source: e,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && p.file_name().is_some_and(|n| n != "bodies.toml")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| PatternError::Io {
                file: p.display().to_string(),
                source: e,
            })?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

/// Parse one rule file: validates every rule and rejects duplicate ids.
pub fn parse_file(file: &str, text: &str) -> Result<Vec<Rule>, PatternError> {
    let raw: rule::RawFile = toml::from_str(text).map_err(|e| PatternError::Toml {
        file: file.to_string(),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0),
        message: e.message().to_string(),
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(raw.rule.len());
    for r in raw.rule {
        if !seen.insert(r.id.clone()) {
            return Err(PatternError::DuplicateId {
                file: file.to_string(),
                rule: r.id,
            });
        }
        out.push(Rule::from_raw(r, file)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
