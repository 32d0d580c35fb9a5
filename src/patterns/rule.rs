//! One rule: its TOML form ([`RawRule`]), its parsed target and scope, and its
//! compiled regexes ([`Rule`]).
//!
//! This module only parses and validates single rules; putting rules together
//! (ids unique per file, overrides, the per-scope literal gate) is in the parent
//! module.

use std::fmt;

use regex_automata::meta::Regex;
use serde::Deserialize;

use crate::model::{Grade, Kind, LinkStatus, Publisher, ReportType};

use super::matcher::{Pattern, any_of, parse};
use super::{PatternError, THEME_IDS};

/// Where a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// The text of a statement.
    Text,
    /// A section heading.
    Heading,
    /// The text of the cover page(s).
    Cover,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Scope::Text, Scope::Heading, Scope::Cover];

    /// The id used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Text => "text",
            Scope::Heading => "heading",
            Scope::Cover => "cover",
        }
    }

    /// Parse the id used in rule files.
    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family of a [`Target`]: what kind of question its rules answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `theme:<id>`.
    Theme,
    /// `kind:<id>`.
    Kind,
    /// `grade:<id>`.
    Grade,
    /// `status:<id>`.
    Status,
    /// `backref`.
    BackRef,
    /// `publisher:<id>`.
    Publisher,
    /// `report_type:<id>`.
    ReportType,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 7] = [
        Family::Theme,
        Family::Kind,
        Family::Grade,
        Family::Status,
        Family::BackRef,
        Family::Publisher,
        Family::ReportType,
    ];
}

/// What a rule's match means.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A theme id (one of [`THEME_IDS`]).
    Theme(String),
    /// A statement kind.
    Kind(Kind),
    /// A grade.
    Grade(Grade),
    /// The status of an earlier recommendation.
    Status(LinkStatus),
    /// A reference back to an earlier report or inspection.
    BackRef,
    /// Who published the document.
    Publisher(Publisher),
    /// The type of report.
    ReportType(ReportType),
}

impl Target {
    /// Parse `theme:<id>`, `kind:<id>`, `grade:<id>`, `status:<id>`, `backref`,
    /// `publisher:<id>` or `report_type:<id>`; the error says what was wrong.
    pub fn parse(s: &str) -> Result<Target, String> {
        if s == "backref" {
            return Ok(Target::BackRef);
        }
        let Some((family, id)) = s.split_once(':') else {
            return Err(format!(
                "target `{s}` is not `family:id` (families: theme, kind, grade, status, publisher, report_type) or `backref`"
            ));
        };
        let unknown = |what: &str| format!("unknown {what} `{id}` in target `{s}`");
        match family {
            "theme" => {
                if THEME_IDS.contains(&id) {
                    Ok(Target::Theme(id.to_string()))
                } else {
                    Err(unknown("theme"))
                }
            }
            "kind" => Kind::parse(id)
                .map(Target::Kind)
                .ok_or_else(|| unknown("kind")),
            "grade" => parse_grade(id)
                .map(Target::Grade)
                .ok_or_else(|| unknown("grade")),
            "status" => parse_status(id)
                .map(Target::Status)
                .ok_or_else(|| unknown("status")),
            "publisher" => parse_publisher(id)
                .map(Target::Publisher)
                .ok_or_else(|| unknown("publisher")),
            "report_type" => ReportType::parse(id)
                .map(Target::ReportType)
                .ok_or_else(|| unknown("report type")),
            _ => Err(format!("unknown target family `{family}` in `{s}`")),
        }
    }

    /// The family.
    pub fn family_kind(&self) -> Family {
        match self {
            Target::Theme(_) => Family::Theme,
            Target::Kind(_) => Family::Kind,
            Target::Grade(_) => Family::Grade,
            Target::Status(_) => Family::Status,
            Target::BackRef => Family::BackRef,
            Target::Publisher(_) => Family::Publisher,
            Target::ReportType(_) => Family::ReportType,
        }
    }

    /// The family part (`theme`, `kind`, ..., `backref`).
    pub fn family(&self) -> &'static str {
        match self {
            Target::Theme(_) => "theme",
            Target::Kind(_) => "kind",
            Target::Grade(_) => "grade",
            Target::Status(_) => "status",
            Target::BackRef => "backref",
            Target::Publisher(_) => "publisher",
            Target::ReportType(_) => "report_type",
        }
    }

    /// The id part (the theme id, kind id, ...; `backref` for back-references).
    pub fn id(&self) -> &str {
        match self {
            Target::Theme(t) => t,
            Target::Kind(k) => k.as_str(),
            Target::Grade(g) => g.as_str(),
            Target::Status(s) => s.as_str(),
            Target::BackRef => "backref",
            Target::Publisher(p) => p.as_str(),
            Target::ReportType(r) => r.as_str(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::BackRef => f.write_str("backref"),
            other => write!(f, "{}:{}", other.family(), other.id()),
        }
    }
}

/// Parse a grade id (`outstanding`, `good`, `adequate`, `requires_improvement`,
/// `inadequate`).
pub fn parse_grade(s: &str) -> Option<Grade> {
    [
        Grade::Outstanding,
        Grade::Good,
        Grade::Adequate,
        Grade::RequiresImprovement,
        Grade::Inadequate,
    ]
    .into_iter()
    .find(|g| g.as_str() == s)
}

/// Parse a status id (`not_met`, `partially_met`, `met`).
pub fn parse_status(s: &str) -> Option<LinkStatus> {
    [
        LinkStatus::NotMet,
        LinkStatus::PartiallyMet,
        LinkStatus::Met,
    ]
    .into_iter()
    .find(|x| x.as_str() == s)
}

/// Parse a publisher id (`hmicfrs`, `hmic`, `ofsted`, ...).
pub fn parse_publisher(s: &str) -> Option<Publisher> {
    Publisher::ALL.into_iter().find(|p| p.as_str() == s)
}

/// Life-cycle status of a rule (as in ruff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// Applied.
    Stable,
    /// Applied, but new: its precision is still being judged.
    Preview,
    /// Kept so its id is not reused; never applied (see `replaced_by`).
    Deprecated,
}

impl RuleStatus {
    /// The id used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Stable => "stable",
            RuleStatus::Preview => "preview",
            RuleStatus::Deprecated => "deprecated",
        }
    }
}

/// A rule's own examples: `match` lines must fire it, `no_match` lines must not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Text the rule must fire on.
    #[serde(rename = "match", default)]
    pub matches: Vec<String>,
    /// Text the rule must not fire on.
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// A rule as written in a TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Stable dotted id.
    pub id: String,
    /// Kebab-case name of the thing found.
    pub name: String,
    /// Target, e.g. `theme:custody`.
    pub target: String,
    /// `text`, `heading` or `cover`.
    pub scope: String,
    /// What it finds.
    #[serde(default)]
    pub description: String,
    /// Why the cue means the target (optional).
    #[serde(default)]
    pub why: Option<String>,
    /// Case-insensitive regexes; any may match.
    pub patterns: Vec<String>,
    /// Regexes that stop the rule from firing.
    #[serde(default)]
    pub negative: Vec<String>,
    /// Weight (themes).
    #[serde(default = "one")]
    pub weight: f32,
    /// Higher wins when several rules of a family fire (kinds, grades, report
    /// types, publishers, statuses).
    #[serde(default)]
    pub priority: i32,
    /// Life-cycle status.
    #[serde(default = "stable")]
    pub status: RuleStatus,
    /// For deprecated rules: the id that replaces it.
    #[serde(default)]
    pub replaced_by: Option<String>,
    /// Known false positives or negatives, written down.
    #[serde(default)]
    pub known_misses: Vec<String>,
    /// Examples.
    #[serde(default)]
    pub examples: Examples,
}

fn one() -> f32 {
    1.0
}

fn stable() -> RuleStatus {
    RuleStatus::Stable
}

/// A rule file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

/// A validated, compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable dotted id (`family.target.detail`).
    pub id: String,
    /// Kebab-case name.
    pub name: String,
    /// What a match means.
    pub target: Target,
    /// Where it looks.
    pub scope: Scope,
    /// What it finds.
    pub description: String,
    /// Why (optional).
    pub why: Option<String>,
    /// Source regexes.
    pub patterns: Vec<String>,
    /// Source negative regexes.
    pub negative: Vec<String>,
    /// Weight.
    pub weight: f32,
    /// Priority among rules of the same family.
    pub priority: i32,
    /// Life-cycle status.
    pub status: RuleStatus,
    /// Replacement id of a deprecated rule.
    pub replaced_by: Option<String>,
    /// Known misses.
    pub known_misses: Vec<String>,
    /// Examples.
    pub examples: Examples,
    /// The file it came from (`themes.toml`, or a user path).
    pub file: String,
    pub(crate) regexes: Vec<Pattern>,
    /// All negatives as one regex (none when there are none).
    pub(crate) veto: Option<Regex>,
}

/// Where to try a pattern: everywhere, or only at given starts (the
/// positions of the literals every match begins with, ascending).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Starts<'a> {
    /// Search the whole text.
    Anywhere,
    /// Try an anchored match at each of these byte offsets.
    At(&'a [usize]),
}

/// Compile one pattern the way every rule pattern is compiled (case-insensitive;
/// use `(?-i:...)` inside a pattern for a case-sensitive part), as a
/// [`Pattern`]: regexes on regex-automata's meta engine, which allows anchored
/// searches at the positions the literal gate found.
pub(crate) fn compile(pattern: &str) -> Result<Pattern, String> {
    Pattern::new(&prepare(pattern))
}

/// Rewrite a rule pattern for matching:
/// - `\b` becomes an ASCII word boundary: the lazy DFA cannot run Unicode word
///   boundaries on non-ASCII text (curly quotes are everywhere in reports) and
///   would fall back to a much slower engine;
/// - `\w` and `\W` are ASCII (English rules; far smaller automata);
/// - a literal hyphen outside a character class also matches the Unicode
///   hyphens and dashes PDFs produce, and a space after it (a word broken at a
///   line end: "group- based").
pub(crate) fn prepare(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if !in_class => out.push_str("(?-u:\\b)"),
                // ASCII word characters: rules are English, and the Unicode
                // class makes the automata (and their warm-up) much larger.
                Some('w') if in_class => out.push_str("0-9A-Za-z_"),
                Some('w') => out.push_str("[0-9A-Za-z_]"),
                Some('W') if !in_class => out.push_str("[^0-9A-Za-z_]"),
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
                None => out.push(c),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` or `^]` right after the opening bracket is literal.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                // Group flags such as `(?-i:` keep their hyphen.
                out.push(c);
                for f in chars.by_ref() {
                    out.push(f);
                    if f == ':' || f == ')' || f == '>' {
                        break;
                    }
                }
            }
            '-' if !in_class => out.push_str("(?:[-\\u{2010}-\\u{2014}] ?)"),
            c => out.push(c),
        }
    }
    out
}

fn is_dotted_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

pub(crate) fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Rule {
    /// Validate and compile a raw rule read from `file`.
    pub fn from_raw(raw: RawRule, file: &str) -> Result<Rule, PatternError> {
        let invalid = |message: String| PatternError::Invalid {
            file: file.to_string(),
            rule: raw.id.clone(),
            message,
        };
        if !is_dotted_id(&raw.id) {
            return Err(invalid(format!(
                "id `{}` is not dotted lowercase `family.target.detail`",
                raw.id
            )));
        }
        if !is_kebab(&raw.name) {
            return Err(invalid(format!("name `{}` is not kebab-case", raw.name)));
        }
        let target = Target::parse(&raw.target).map_err(|message| PatternError::UnknownTarget {
            file: file.to_string(),
            rule: raw.id.clone(),
            message,
        })?;
        let scope = Scope::parse(&raw.scope).ok_or_else(|| {
            invalid(format!(
                "scope `{}` is not one of text, heading, cover",
                raw.scope
            ))
        })?;
        if raw.description.trim().is_empty() {
            return Err(invalid("description is empty".into()));
        }
        if raw.patterns.is_empty() {
            return Err(invalid("no patterns".into()));
        }
        if !(raw.weight.is_finite() && raw.weight > 0.0) {
            return Err(invalid(format!("weight {} is not > 0", raw.weight)));
        }
        if raw.examples.matches.is_empty() || raw.examples.no_match.is_empty() {
            return Err(PatternError::MissingExamples {
                file: file.to_string(),
                rule: raw.id.clone(),
            });
        }
        let build = |p: &String| {
            compile(p).map_err(|e| PatternError::Regex {
                file: file.to_string(),
                rule: raw.id.clone(),
                pattern: p.clone(),
                message: e,
            })
        };
        let regexes = raw.patterns.iter().map(build).collect::<Result<_, _>>()?;
        // Each negative parsed alone, so that a bad one is named.
        let negatives = raw
            .negative
            .iter()
            .map(|n| {
                parse(&prepare(n)).map_err(|message| PatternError::Regex {
                    file: file.to_string(),
                    rule: raw.id.clone(),
                    pattern: n.clone(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let veto = if negatives.is_empty() {
            None
        } else {
            Some(any_of(&negatives).map_err(|message| PatternError::Regex {
                file: file.to_string(),
                rule: raw.id.clone(),
                pattern: raw.negative.join(" | "),
                message,
            })?)
        };
        Ok(Rule {
            id: raw.id,
            name: raw.name,
            target,
            scope,
            description: raw.description,
            why: raw.why,
            patterns: raw.patterns,
            negative: raw.negative,
            weight: raw.weight,
            priority: raw.priority,
            status: raw.status,
            replaced_by: raw.replaced_by,
            known_misses: raw.known_misses,
            examples: raw.examples,
            file: file.to_string(),
            regexes,
            veto,
        })
    }

    /// The target as written in rule files (`theme:custody`, `backref`).
    pub fn target_str(&self) -> String {
        self.target.to_string()
    }

    /// Whether a negative pattern matches `text`.
    pub fn is_vetoed(&self, text: &str) -> bool {
        self.veto.as_ref().is_some_and(|v| v.is_match(text))
    }

    /// Apply this rule alone (no literal gate): the earliest match of any pattern,
    /// unless a negative matches. Used by `check` and as the reference for
    /// `RuleSet::scan`.
    pub fn find(&self, text: &str) -> Option<([usize; 2], Option<i32>)> {
        self.find_among(text, (0..self.regexes.len()).map(|i| (i, Starts::Anywhere)))
    }

    /// As [`Rule::find`], trying only the patterns with the given indexes,
    /// each where the literal gate says a match may start.
    pub(crate) fn find_among<'a>(
        &self,
        text: &str,
        which: impl Iterator<Item = (usize, Starts<'a>)>,
    ) -> Option<([usize; 2], Option<i32>)> {
        let mut best: Option<(usize, usize, usize)> = None; // start, end, pattern
        fn consider(
            best: &mut Option<(usize, usize, usize)>,
            (start, end): (usize, usize),
            i: usize,
        ) {
            let better = match *best {
                None => true,
                Some((s, e, _)) => start < s || (start == s && end > e),
            };
            if better {
                *best = Some((start, end, i));
            }
        }
        // Anchored patterns last, so that an earlier match found elsewhere
        // lets them skip every start after it.
        let mut anchored: Vec<(usize, &[usize])> = Vec::new();
        for (i, starts) in which {
            match starts {
                Starts::Anywhere => {
                    if let Some(m) = self.regexes[i].find(text) {
                        consider(&mut best, m, i);
                    }
                }
                Starts::At(at) => anchored.push((i, at)),
            }
        }
        anchored.sort_by_key(|&(i, at)| (at.first().copied(), i));
        for (i, at) in anchored {
            // No match starts before the first literal; the first start with
            // an anchored match is the leftmost match, and leftmost-first
            // gives it the same end as an unanchored search. A start after
            // the best so far cannot win.
            let pattern = &self.regexes[i];
            let found = at
                .iter()
                .take_while(|&&s| best.is_none_or(|(b, _, _)| s <= b))
                .find_map(|&s| pattern.end_at(text, s).map(|end| (s, end)));
            if let Some(m) = found {
                consider(&mut best, m, i);
            }
        }
        let (start, end, i) = best?;
        if self.is_vetoed(text) {
            return None;
        }
        let year = self.regexes[i]
            .year_at(text, start)
            .and_then(|y| y.parse::<i32>().ok());
        Some(([start, end], year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_print() {
        for s in [
            "theme:custody",
            "kind:area_for_improvement",
            "grade:requires_improvement",
            "status:partially_met",
            "backref",
            "publisher:hmicfrs",
            "report_type:peel",
        ] {
            assert_eq!(Target::parse(s).unwrap().to_string(), s);
        }
        assert!(Target::parse("theme:nope").is_err());
        assert!(Target::parse("colour:red").is_err());
        assert!(Target::parse("custody").is_err());
    }

    #[test]
    fn prepare_rewrites_boundaries_and_hyphens() {
        assert_eq!(prepare(r"\bab\b"), r"(?-u:\b)ab(?-u:\b)");
        assert_eq!(prepare(r"[-\s]x"), r"[-\s]x");
        assert_eq!(prepare(r"[\w-]+\w"), r"[0-9A-Za-z_-]+[0-9A-Za-z_]");
        assert_eq!(prepare(r"(?-i:CSE)"), r"(?-i:CSE)");
        let re = compile(r"\bgroup-based\b").unwrap();
        for t in [
            "group-based",
            "group\u{2011}based",
            "group- based",
            "GROUP-BASED",
        ] {
            assert!(re.is_match(t), "{t}");
        }
        assert!(!re.is_match("groupbased"));
        let re = compile(r"(?<year>\d{4})").unwrap();
        assert!(re.is_match("2019"));
    }

    #[test]
    fn ids_and_names() {
        assert!(is_dotted_id("theme.custody.suite"));
        assert!(!is_dotted_id("theme.custody"));
        assert!(!is_dotted_id("Theme.custody.x"));
        assert!(is_kebab("custody-suite"));
        assert!(!is_kebab("custody_suite"));
    }
}
