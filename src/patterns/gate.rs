//! The literal gate: which of a scope's patterns may match a text, from one
//! Aho-Corasick pass over it.
//!
//! Takes the prepared patterns of one scope and group of families and gives a
//! [`Gate`] that, for a text, lists the patterns worth running. For each pattern it
//! derives (with regex-syntax) up to [`MAX_SETS`] *required sets*: finite sets
//! of literals such that every match contains one literal of each set. A
//! concatenation requires what each of its parts requires, so
//! `\bcustody\b[^.]{0,100}\bchildren?\b` needs both "custody" and "child";
//! an alternation requires one of its branches' literals. A text that lacks
//! any of a pattern's sets cannot match, so the pattern's regex is not run.
//! Patterns without a usable set (a bare `\w+`) are always run. When every
//! match begins with a literal of a set (its prefix set), the gate also says
//! where those literals occur, and the pattern is tried only there. Nothing
//! is lost: the gate only skips patterns, and starts, that cannot match, and
//! a test compares gated scans with every rule run alone.
//!
//! It does not find spans or decide which rule wins: the rules' own regexes
//! do, in [`super::RuleSet::scan`].
//!
//! Matching is case-insensitive. The gate's literals are ASCII and matched
//! ASCII-case-insensitively (both sides lower-cased), so two non-ASCII letters
//! that Unicode case folding equates with ASCII ones (the long s `ſ` and the
//! Kelvin sign `K`) would slip past it: a text holding either is not gated.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Hir, HirKind};

/// Shortest literal worth gating on: shorter ones ("of") are in nearly every
/// text, so the pattern is run anyway.
const MIN_LITERAL: usize = 3;

/// Most required sets kept per pattern (the best, by shortest literal).
const MAX_SETS: usize = 2;

/// Shortest literal of a second set: a second set of common short words
/// ("from", "use") rarely rules a pattern out but costs a match in every text.
const MIN_SECOND_LITERAL: usize = 5;

/// Non-ASCII characters that case-insensitive matching equates with ASCII
/// letters (`ſ` with `s`, the Kelvin sign with `k`).
const ASCII_FOLD_ALIASES: [char; 2] = ['\u{17F}', '\u{212A}'];

/// A finite set of ASCII, lowercase literals.
type LiteralSet = Vec<Vec<u8>>;

/// The literal gate of one scope and group of families.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    /// Patterns no literal gates: run on every text.
    always: Vec<usize>,
    /// One automaton over every gating literal (None when there are none).
    literals: Option<AhoCorasick>,
    /// For each literal of the automaton: (pattern, bit of the required set)
    /// for every set it belongs to, by pattern.
    gated: Vec<Vec<(usize, u8)>>,
    /// For each pattern, the bits of all its required sets.
    full: Vec<u8>,
    /// For each pattern, the bit of its prefix set (0 when it has none).
    prefix: Vec<u8>,
}

/// What one pass of a gate's automaton found in a text; reused by every
/// question asked of the same text, and as scratch space between texts.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    /// The text holds a character that folds to an ASCII letter: no gating.
    all: bool,
    /// Every occurrence: (literal, start), sorted.
    occurrences: Vec<(usize, usize)>,
    /// Distinct literals found, with their run in `occurrences`.
    found: Vec<(usize, std::ops::Range<usize>)>,
    /// Scratch: (pattern, set bit, index in `found`) of the found literals.
    hits: Vec<(usize, u8, usize)>,
    /// Scratch: the text in ASCII lower case.
    lower: String,
}

/// The patterns that may match a text, from [`Gate::candidates`].
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    /// Pattern index, ascending, and where its matches may start: a range of
    /// `starts`, or None to search everywhere.
    pub(crate) list: Vec<(usize, Option<std::ops::Range<usize>>)>,
    /// Start offsets, ascending within each range.
    pub(crate) starts: Vec<usize>,
}

impl Gate {
    /// Build from prepared patterns (as [`super::rule::prepare`] gives them),
    /// indexed in the order given.
    pub(crate) fn new(prepared: &[String]) -> Result<Gate, String> {
        let mut always = Vec::new();
        let mut literal_ids: std::collections::HashMap<Vec<u8>, usize> =
            std::collections::HashMap::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut gated: Vec<Vec<(usize, u8)>> = Vec::new();
        let mut full = Vec::with_capacity(prepared.len());
        let mut prefix = Vec::with_capacity(prepared.len());
        for (i, p) in prepared.iter().enumerate() {
            let req = required(p);
            if req.sets.is_empty() {
                always.push(i);
            }
            full.push(((1u16 << req.sets.len()) - 1) as u8);
            prefix.push(req.prefix.map_or(0, |k| 1u8 << k));
            for (k, set) in req.sets.into_iter().enumerate() {
                let bit = 1u8 << k;
                for lit in set {
                    let id = *literal_ids.entry(lit.clone()).or_insert_with(|| {
                        literals.push(lit);
                        gated.push(Vec::new());
                        gated.len() - 1
                    });
                    gated[id].push((i, bit));
                }
            }
        }
        let automaton = if literals.is_empty() {
            None
        } else {
            Some(
                // Literals and probed text are lower-cased: a case-sensitive
                // automaton is half the size of an ASCII-case-insensitive one.
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .map_err(|e| format!("cannot build the literal gate: {e}"))?,
            )
        };
        Ok(Gate {
            always,
            literals: automaton,
            gated,
            full,
            prefix,
        })
    }

    /// Number of patterns no literal gates.
    #[cfg(test)]
    pub(crate) fn ungated(&self) -> usize {
        self.always.len()
    }

    /// One pass over `text`: which literals it holds, and where.
    pub(crate) fn probe(&self, text: &str, probe: &mut Probe) {
        probe.occurrences.clear();
        probe.found.clear();
        // Both fold aliases are non-ASCII, and most texts are ASCII.
        probe.all = !text.is_ascii() && text.contains(ASCII_FOLD_ALIASES);
        let Some(ac) = self.literals.as_ref().filter(|_| !probe.all) else {
            return;
        };
        probe.lower.clear();
        probe.lower.push_str(text);
        probe.lower.make_ascii_lowercase();
        probe.occurrences.extend(
            ac.find_overlapping_iter(probe.lower.as_str())
                .map(|m| (m.pattern().as_usize(), m.start())),
        );
        probe.occurrences.sort_unstable();
        let mut at = 0;
        for run in probe.occurrences.chunk_by(|a, b| a.0 == b.0) {
            probe.found.push((run[0].0, at..at + run.len()));
            at += run.len();
        }
    }

    /// The patterns in `range` that may match the text `probe` was made from.
    pub(crate) fn candidates(
        &self,
        probe: &mut Probe,
        range: std::ops::Range<usize>,
        out: &mut Candidates,
    ) {
        out.list.clear();
        out.starts.clear();
        if probe.all {
            out.list.extend(range.map(|p| (p, None)));
            return;
        }
        let hits = &mut probe.hits;
        hits.clear();
        for (f, (id, _)) in probe.found.iter().enumerate() {
            let gated = &self.gated[*id];
            let lo = gated.partition_point(|&(p, _)| p < range.start);
            let hi = gated.partition_point(|&(p, _)| p < range.end);
            hits.extend(gated[lo..hi].iter().map(|&(p, bit)| (p, bit, f)));
        }
        hits.sort_unstable();
        let lo = self.always.partition_point(|&p| p < range.start);
        let hi = self.always.partition_point(|&p| p < range.end);
        out.list
            .extend(self.always[lo..hi].iter().map(|&p| (p, None)));
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let pattern = group[0].0;
            let bits = group.iter().fold(0u8, |acc, &(_, bit, _)| acc | bit);
            if bits != self.full[pattern] {
                continue;
            }
            let prefix = self.prefix[pattern];
            if prefix == 0 {
                out.list.push((pattern, None));
                continue;
            }
            let first = out.starts.len();
            for &(_, bit, f) in group {
                if bit == prefix {
                    let run = probe.found[f].1.clone();
                    out.starts
                        .extend(probe.occurrences[run].iter().map(|&(_, start)| start));
                }
            }
            out.starts[first..].sort_unstable();
            let mut unique = first;
            for k in first..out.starts.len() {
                if k == first || out.starts[k] != out.starts[unique - 1] {
                    out.starts[unique] = out.starts[k];
                    unique += 1;
                }
            }
            out.starts.truncate(unique);
            out.list.push((pattern, Some(first..unique)));
        }
        out.list.sort_unstable_by_key(|&(p, _)| p);
    }
}

/// What the gate knows of one pattern.
#[derive(Debug, Default)]
pub(crate) struct Required {
    /// Sets of literals (ASCII, lowercase), every match containing one
    /// literal of each: up to [`MAX_SETS`], plus the prefix set when it is
    /// not among them. Empty when there is none.
    pub(crate) sets: Vec<LiteralSet>,
    /// The index in `sets` of the set every match begins with.
    pub(crate) prefix: Option<usize>,
}

/// The required sets of a prepared pattern.
pub(crate) fn required(prepared: &str) -> Required {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(prepared) else {
        return Required::default();
    };
    let mut sets = required_sets(&hir);
    let prefix = affix(&hir, false).map(|p| match sets.iter().position(|s| *s == p) {
        Some(i) => i,
        None => {
            sets.push(p);
            sets.len() - 1
        }
    });
    Required { sets, prefix }
}

/// Up to [`MAX_SETS`] required sets of `hir`, the best first.
fn required_sets(hir: &Hir) -> Vec<LiteralSet> {
    let mut sets = conjunction(hir);
    sets.sort_by_key(|s| std::cmp::Reverse(quality(s)));
    // A set is implied by another when each literal of the other contains one
    // of its literals ("children" holds "child"): keep only the stronger.
    let mut kept: Vec<LiteralSet> = Vec::new();
    for set in sets {
        if !kept.iter().any(|strong| implies(strong, &set)) {
            kept.push(set);
        }
    }
    let mut sets = kept;
    let mut rest = sets.split_off(sets.len().min(1));
    rest.retain(|s| shortest(s) >= MIN_SECOND_LITERAL);
    sets.extend(rest);
    sets.truncate(MAX_SETS);
    sets
}

/// Every required set found in `hir`: for a concatenation, its parts' sets
/// and the best set of the whole (which may span parts: "risk assess").
fn conjunction(hir: &Hir) -> Vec<LiteralSet> {
    match hir.kind() {
        HirKind::Capture(c) => conjunction(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => conjunction(&r.sub),
        HirKind::Concat(parts) => {
            let mut sets: Vec<LiteralSet> = best_set(hir).into_iter().collect();
            for part in parts {
                sets.extend(conjunction(part));
            }
            sets
        }
        _ => best_set(hir).into_iter().collect(),
    }
}

/// Whether a text holding a literal of `strong` always holds one of `weak`.
fn implies(strong: &LiteralSet, weak: &LiteralSet) -> bool {
    strong.iter().all(|s| weak.iter().any(|w| contains(s, w)))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn quality(set: &LiteralSet) -> (usize, std::cmp::Reverse<usize>) {
    (shortest(set), std::cmp::Reverse(set.len()))
}

/// The best required set of `hir`: the literals its matches begin or end
/// with, or, inside a concatenation, those some part of every match begins
/// with (an inner literal: `^\W*Recommendations?` is gated by
/// "recommendation").
fn best_set(hir: &Hir) -> Option<LiteralSet> {
    let mut best = better(affix(hir, false), affix(hir, true));
    match hir.kind() {
        HirKind::Capture(c) => best = better(best, best_set(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => best = better(best, best_set(&r.sub)),
        HirKind::Alternation(alts) => {
            // Every match matches one branch: the union of the branches' sets.
            let mut union = Vec::new();
            for alt in alts {
                union.extend(best_set(alt)?);
            }
            union.sort();
            union.dedup();
            best = better(best, Some(union));
        }
        HirKind::Concat(parts) => {
            for i in 0..parts.len() {
                let tail = Hir::concat(parts[i..].to_vec());
                best = better(best, affix(&tail, false));
                best = better(best, best_set(&parts[i]));
            }
        }
        _ => {}
    }
    best
}

/// The usable prefix (or suffix) literal set of `hir`.
fn affix(hir: &Hir, suffix: bool) -> Option<LiteralSet> {
    let kind = if suffix {
        ExtractKind::Suffix
    } else {
        ExtractKind::Prefix
    };
    usable(&Extractor::new().kind(kind).extract(hir), suffix)
}

/// The better of two sets: the longer shortest literal, then fewer literals.
fn better(a: Option<LiteralSet>, b: Option<LiteralSet>) -> Option<LiteralSet> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if quality(&b) > quality(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn shortest(lits: &[Vec<u8>]) -> usize {
    lits.iter().map(Vec::len).min().unwrap_or(0)
}

/// A finite literal set cut to its ASCII part (the start of a prefix, the end
/// of a suffix: still a prefix or suffix of every match), lowercased and
/// deduplicated; None when infinite or when a literal is too short to gate.
fn usable(seq: &Seq, suffix: bool) -> Option<LiteralSet> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for lit in seq.literals()? {
        let bytes = lit.as_bytes();
        let ascii: Vec<u8> = if suffix {
            let keep = bytes.iter().rev().take_while(|b| b.is_ascii()).count();
            bytes[bytes.len() - keep..].to_vec()
        } else {
            bytes.iter().take_while(|b| b.is_ascii()).copied().collect()
        };
        if ascii.len() < MIN_LITERAL {
            return None;
        }
        out.push(ascii.to_ascii_lowercase());
    }
    if out.is_empty() {
        return None;
    }
    out.sort();
    out.dedup();
    // A literal that begins (for a suffix set, ends) with another is
    // redundant: the shorter is always found, at the same start.
    let all = out.clone();
    out.retain(|l| {
        !all.iter().any(|m| {
            m != l
                && if suffix {
                    l.ends_with(m)
                } else {
                    l.starts_with(m)
                }
        })
    });
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::rule::prepare;

    /// The required sets of a rule pattern, as strings.
    fn sets(p: &str) -> Vec<Vec<String>> {
        required(&prepare(p))
            .sets
            .into_iter()
            .map(|set| {
                set.into_iter()
                    .map(|l| String::from_utf8(l).unwrap())
                    .collect()
            })
            .collect()
    }

    fn set(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn every_match_contains_a_literal_of_each_set() {
        assert_eq!(
            sets(r"\b(?:risk|threat)\s+assess"),
            [set(&["assess"]), set(&["risk", "threat"])]
        );
        // A leading class run has no prefix; a later part gates instead.
        assert_eq!(sets(r"\w+\s+supervisors?\b"), [set(&["supervisor"])]);
        // Too short everywhere: always run.
        assert!(sets(r"\bof\b.*\bto\b").is_empty());
        // Inner literals of an anchored pattern.
        assert_eq!(
            sets(r"^\W*Recommendations?\s+\d+"),
            [set(&["recommendation"])]
        );
        // Both ends of a sentence-window pattern are required.
        assert_eq!(
            sets(r"\b(?:custody|cells)\b[^.]{0,100}\b(?:children|child)\b"),
            [set(&["child"]), set(&["cells", "custody"])]
        );
        // Case-sensitive parts are lowercased (a superset is safe).
        assert_eq!(sets(r"(?-i:DASH)\b"), [set(&["dash"])]);
        // A dash in the pattern: the Unicode variants are cut at their first
        // non-ASCII byte.
        assert!(
            sets(r"\bchild-centred")
                .iter()
                .any(|s| s == &set(&["centred"]))
        );
        // The prefix set is kept (for anchored searches) even when weaker.
        let r = required(&prepare(r"\bthe\s+force\s+should\b"));
        let prefix = r.prefix.map(|i| r.sets[i].clone());
        assert_eq!(prefix, Some(vec![b"the".to_vec()]));
        // A prefix literal that begins with another is dropped for it; one
        // that merely contains another is not.
        assert_eq!(sets(r"\b(?:child|children)\b"), [set(&["child"])]);
        let r = required(&prepare(r"(?:abc|xabcx)d"));
        let prefix = r.prefix.map(|i| r.sets[i].clone());
        assert_eq!(prefix, Some(vec![b"abcd".to_vec(), b"xabcxd".to_vec()]));
    }

    #[test]
    fn candidates_skip_only_patterns_that_cannot_match() {
        let pats: Vec<String> = [
            r"\brisk\s+assess",
            r"\w+\s+supervision",
            r"\bof\b",
            r"\bcustody\b[^.]*\bchild",
        ]
        .iter()
        .map(|p| prepare(p))
        .collect();
        let gate = Gate::new(&pats).unwrap();
        assert_eq!(gate.ungated(), 1);
        let (mut probe, mut out) = (Probe::default(), Candidates::default());
        let mut run = |text: &str, range: std::ops::Range<usize>| {
            gate.probe(text, &mut probe);
            gate.candidates(&mut probe, range, &mut out);
            out.list.iter().map(|c| c.0).collect::<Vec<_>>()
        };
        assert_eq!(run("Weak SUPERVISION of staff", 0..4), [1, 2]);
        assert_eq!(run("a RISK assessment, a risk assessor", 0..4), [0, 2]);
        assert_eq!(run("a RISK assessment, a risk assessor", 1..4), [2]);
        // One of two required literals is not enough.
        assert_eq!(run("custody suites", 0..4), [2]);
        assert_eq!(run("Children in custody", 0..4), [2, 3]);
        assert_eq!(run("Children in custody", 0..3), [2]);
        // The long s folds to `s`: the gate steps aside.
        assert_eq!(run("ri\u{17F}k", 0..4), [0, 1, 2, 3]);
        // Where matches may start: every occurrence of a prefix literal.
        gate.probe("Risk: a risk assessment of custody", &mut probe);
        gate.candidates(&mut probe, 0..4, &mut out);
        let (pattern, starts) = out.list[0].clone();
        assert_eq!(pattern, 0);
        assert_eq!(&out.starts[starts.unwrap()], &[0, 8]);
    }

    #[test]
    fn only_the_long_s_and_the_kelvin_sign_fold_to_ascii_letters() {
        let any_ascii_letter = regex::RegexBuilder::new("^[a-z]$")
            .case_insensitive(true)
            .build()
            .unwrap();
        let aliases: Vec<char> = (0x80u32..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| any_ascii_letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(aliases, ASCII_FOLD_ALIASES.to_vec());
    }
}
