//! The literal gate: which of a scope's patterns may match a text, from one
//! Aho-Corasick pass over it.
//!
//! Takes the prepared patterns of one scope and family and gives a [`Gate`]
//! that, for a text, lists the patterns worth running. For each pattern it
//! derives (with regex-syntax) up to [`MAX_SETS`] *required sets*: finite sets
//! of literals such that every match contains one literal of each set. A
//! concatenation requires what each of its parts requires, so
//! `\bcustody\b[^.]{0,100}\bchildren?\b` needs both "custody" and "child";
//! an alternation requires one of its branches' literals. A text that lacks
//! any of a pattern's sets cannot match, so the pattern's regex is not run.
//! Patterns without a usable set (a bare `\w+`) are always run. Nothing is
//! lost: the gate only skips patterns that cannot match, and a test compares
//! gated scans with every rule run alone.
//!
//! It does not find spans or decide which rule wins: the rules' own regexes
//! do, in [`super::RuleSet::scan`].
//!
//! Matching is case-insensitive. The gate's literals are ASCII and matched
//! ASCII-case-insensitively, so two non-ASCII letters that Unicode case
//! folding equates with ASCII ones (the long s `ſ` and the Kelvin sign `K`)
//! would slip past it: a text holding either is not gated.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Hir, HirKind};

/// Shortest literal worth gating on: shorter ones ("of") are in nearly every
/// text, so the pattern is run anyway.
const MIN_LITERAL: usize = 3;

/// Most required sets kept per pattern (the best, by shortest literal).
const MAX_SETS: usize = 2;

/// Non-ASCII characters that case-insensitive matching equates with ASCII
/// letters (`ſ` with `s`, the Kelvin sign with `k`).
const ASCII_FOLD_ALIASES: [char; 2] = ['\u{17F}', '\u{212A}'];

/// A finite set of ASCII, lowercase literals.
type LiteralSet = Vec<Vec<u8>>;

/// The literal gate of one scope.
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
}

/// What one pass of a gate's automaton found in a text; reused by every
/// question asked of the same text, and as scratch space between texts.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    /// The text holds a character that folds to an ASCII letter: no gating.
    all: bool,
    /// Distinct literals found, in order of first occurrence.
    found: Vec<usize>,
    /// Per literal, the pass that last found it (dedupes `found`).
    stamp: Vec<u32>,
    pass: u32,
    /// Scratch: (pattern, set bit) pairs of the found literals.
    hits: Vec<(usize, u8)>,
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
        for (i, p) in prepared.iter().enumerate() {
            let sets = required_sets(p);
            if sets.is_empty() {
                always.push(i);
            }
            full.push(((1u16 << sets.len()) - 1) as u8);
            for (k, set) in sets.into_iter().enumerate() {
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
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
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
        })
    }

    /// Number of patterns no literal gates.
    #[cfg(test)]
    pub(crate) fn ungated(&self) -> usize {
        self.always.len()
    }

    /// One pass over `text`: which literals it holds.
    pub(crate) fn probe(&self, text: &str, probe: &mut Probe) {
        probe.found.clear();
        // Both fold aliases are non-ASCII, and most texts are ASCII.
        probe.all = !text.is_ascii() && text.contains(ASCII_FOLD_ALIASES);
        if probe.all {
            return;
        }
        let Some(ac) = &self.literals else {
            return;
        };
        if probe.stamp.len() != self.gated.len() || probe.pass == u32::MAX {
            probe.stamp = vec![0; self.gated.len()];
            probe.pass = 0;
        }
        probe.pass += 1;
        for m in ac.find_overlapping_iter(text) {
            let id = m.pattern().as_usize();
            if probe.stamp[id] != probe.pass {
                probe.stamp[id] = probe.pass;
                probe.found.push(id);
            }
        }
    }

    /// Indexes, ascending, of the patterns in `range` that may match the text
    /// `probe` was made from, into `out`.
    pub(crate) fn candidates(
        &self,
        probe: &mut Probe,
        range: std::ops::Range<usize>,
        out: &mut Vec<usize>,
    ) {
        out.clear();
        if probe.all {
            out.extend(range);
            return;
        }
        let hits = &mut probe.hits;
        hits.clear();
        for &id in &probe.found {
            let gated = &self.gated[id];
            let lo = gated.partition_point(|&(p, _)| p < range.start);
            let hi = gated.partition_point(|&(p, _)| p < range.end);
            hits.extend_from_slice(&gated[lo..hi]);
        }
        hits.sort_unstable();
        let lo = self.always.partition_point(|&p| p < range.start);
        let hi = self.always.partition_point(|&p| p < range.end);
        out.extend_from_slice(&self.always[lo..hi]);
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let pattern = group[0].0;
            let bits = group.iter().fold(0u8, |acc, &(_, bit)| acc | bit);
            if bits == self.full[pattern] {
                out.push(pattern);
            }
        }
        out.sort_unstable();
    }
}

/// Up to [`MAX_SETS`] sets of literals (ASCII, lowercase), every match of
/// `prepared` containing one literal of each; empty when there is none.
pub(crate) fn required_sets(prepared: &str) -> Vec<LiteralSet> {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(prepared) else {
        return Vec::new();
    };
    let mut sets = conjunction(&hir);
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
            let mut sets: Vec<LiteralSet> = required(hir).into_iter().collect();
            for part in parts {
                sets.extend(conjunction(part));
            }
            sets
        }
        _ => required(hir).into_iter().collect(),
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
fn required(hir: &Hir) -> Option<LiteralSet> {
    let mut best = better(affix(hir, false), affix(hir, true));
    match hir.kind() {
        HirKind::Capture(c) => best = better(best, required(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => best = better(best, required(&r.sub)),
        HirKind::Alternation(alts) => {
            // Every match matches one branch: the union of the branches' sets.
            let mut union = Vec::new();
            for alt in alts {
                union.extend(required(alt)?);
            }
            union.sort();
            union.dedup();
            best = better(best, Some(union));
        }
        HirKind::Concat(parts) => {
            for i in 0..parts.len() {
                let tail = Hir::concat(parts[i..].to_vec());
                best = better(best, affix(&tail, false));
                best = better(best, required(&parts[i]));
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
    // A literal holding another is redundant: the shorter is always found.
    let all = out.clone();
    out.retain(|l| !all.iter().any(|m| m != l && contains(l, m)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::rule::prepare;

    /// The required sets of a rule pattern, as strings.
    fn sets(p: &str) -> Vec<Vec<String>> {
        required_sets(&prepare(p))
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
        let (mut probe, mut out) = (Probe::default(), Vec::new());
        let mut run = |text: &str, range: std::ops::Range<usize>| {
            gate.probe(text, &mut probe);
            gate.candidates(&mut probe, range, &mut out);
            out.clone()
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
