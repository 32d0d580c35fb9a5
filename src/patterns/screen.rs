//! The screen: which of a group's patterns match somewhere in a text, from
//! one pass of a lazy DFA over it.
//!
//! Takes the parsed patterns of one scope and group of families and gives a
//! [`Screen`] that, for a text, lists the patterns that match in it. Every
//! pattern is one pattern of a single multi-pattern lazy DFA, searched in
//! overlapping mode, which reports each pattern that has a match anywhere:
//! one pass of a few nanoseconds a byte, however many patterns. A pattern
//! with a sentence window (`child ... [^.]{0,100} ... custody`, see
//! `matcher`) goes in as its parts, because the window would multiply the
//! DFA's states; it is listed when every part matches somewhere, and its own
//! matcher then checks the window. Nothing is lost: a part of a match is a
//! match of the part, and a test compares scans with every rule run alone.
//!
//! It does not find spans, apply negatives or decide which rule wins: the
//! rules' own regexes run on the listed patterns, in [`super::RuleSet`].
//!
//! The lazy DFA builds its states as texts need them, so the first texts a
//! thread screens pay for most of them (about a tenth of a second for the
//! theme rules over a report's worth of statements); the states are kept in
//! a per-thread cache of at most [`CACHE_CAPACITY`] bytes and reused by every
//! later text. Should a text need far more states than the cache holds, the
//! DFA gives up on it and every pattern is listed: slower, never wrong.

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, DFA, OverlappingState};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::Hir;

use super::matcher;

/// Most bytes of DFA states one thread keeps for one screen (the theme rules
/// use about 10 MB over the real inspection reports).
pub(crate) const CACHE_CAPACITY: usize = 64 << 20;

/// Most bytes of the compiled NFA of one screen.
const NFA_SIZE_LIMIT: usize = 64 << 20;

/// What one thread needs to screen a text.
#[derive(Debug)]
struct Scratch {
    cache: Cache,
    /// The DFA patterns found in the text, in the order found.
    found: Vec<usize>,
    /// For each DFA pattern, the `pass` that last found it.
    seen: Vec<u32>,
    /// Counts the texts screened (0 is never a pass).
    pass: u32,
}

type MakeScratch = Box<dyn Fn() -> Scratch + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// The screen of one scope and group of families.
pub(crate) struct Screen {
    /// One DFA pattern per part (None when no pattern could be screened).
    dfa: Option<Arc<DFA>>,
    /// For each DFA pattern, the screened pattern it is a part of; the parts
    /// of a pattern are adjacent.
    owner: Vec<usize>,
    /// For each pattern, how many parts must match (0 for the patterns in
    /// `always`).
    parts: Vec<usize>,
    /// Patterns the lazy DFA cannot run (a Unicode word boundary): listed
    /// for every text.
    always: Vec<usize>,
    /// Per-thread caches and pattern sets.
    scratch: Pool<Scratch, MakeScratch>,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("patterns", &self.parts.len())
            .field("dfa_patterns", &self.owner.len())
            .field("always", &self.always)
            .finish()
    }
}

impl Clone for Screen {
    fn clone(&self) -> Screen {
        Screen {
            dfa: self.dfa.clone(),
            owner: self.owner.clone(),
            parts: self.parts.clone(),
            always: self.always.clone(),
            scratch: scratch_pool(self.dfa.clone()),
        }
    }
}

fn dfa_config() -> regex_automata::hybrid::dfa::Config {
    DFA::config()
        .match_kind(MatchKind::All)
        .cache_capacity(CACHE_CAPACITY)
        // As regex's own engines do: give up on a text that keeps clearing
        // the cache while making little progress.
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10))
}

fn build(hirs: &[&Hir]) -> Result<DFA, String> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .which_captures(WhichCaptures::None)
                .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
        )
        .build_many_from_hir(hirs)
        .map_err(|e| e.to_string())?;
    DFA::builder()
        .configure(dfa_config())
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

fn scratch_pool(dfa: Option<Arc<DFA>>) -> Pool<Scratch, MakeScratch> {
    let make: MakeScratch = Box::new(move || match &dfa {
        Some(dfa) => Scratch {
            cache: dfa.create_cache(),
            found: Vec::new(),
            seen: vec![0; dfa.pattern_len()],
            pass: 0,
        },
        None => Scratch {
            cache: Cache::new(&DFA::always_match().expect("a trivial DFA builds")),
            found: Vec::new(),
            seen: Vec::new(),
            pass: 0,
        },
    });
    Pool::new(make)
}

impl Screen {
    /// Build from parsed patterns (case-insensitive, as
    /// [`matcher::parse`] gives them), indexed in the order given.
    pub(crate) fn new(patterns: &[Hir]) -> Result<Screen, String> {
        let mut dfa_parts: Vec<Hir> = Vec::new();
        let mut owner = Vec::new();
        let mut parts = vec![0; patterns.len()];
        let mut always = Vec::new();
        for (i, hir) in patterns.iter().enumerate() {
            let these = matcher::parts(hir);
            // A part the lazy DFA rejects (only a Unicode word boundary, which
            // rule preparation rewrites to ASCII unless a pattern asks for
            // it) would fail the whole build: such a pattern is run always.
            if these.iter().any(|p| build(&[p]).is_err()) {
                always.push(i);
                continue;
            }
            parts[i] = these.len();
            owner.extend(std::iter::repeat_n(i, these.len()));
            dfa_parts.extend(these);
        }
        let dfa = if dfa_parts.is_empty() {
            None
        } else {
            Some(Arc::new(build(&dfa_parts.iter().collect::<Vec<_>>())?))
        };
        Ok(Screen {
            scratch: scratch_pool(dfa.clone()),
            dfa,
            owner,
            parts,
            always,
        })
    }

    /// The patterns that may match `text`, ascending, into `out`: every
    /// pattern that matches, and split patterns whose parts all match
    /// somewhere.
    pub(crate) fn candidates(&self, text: &str, out: &mut Vec<usize>) {
        out.clear();
        let Some(dfa) = &self.dfa else {
            out.extend_from_slice(&self.always);
            return;
        };
        let mut scratch = self.scratch.get();
        let Scratch {
            cache,
            found,
            seen,
            pass,
        } = &mut *scratch;
        if !find_all(dfa, cache, text, found, seen, pass) {
            // The DFA gave up on this text: try every pattern.
            out.extend(0..self.parts.len());
            return;
        }
        found.sort_unstable();
        // Count the parts found of each pattern (they are adjacent).
        let mut run: Option<(usize, usize)> = None;
        for &part in found.iter() {
            let pattern = self.owner[part];
            run = match run {
                Some((p, n)) if p == pattern => Some((p, n + 1)),
                Some((p, n)) => {
                    if n == self.parts[p] {
                        out.push(p);
                    }
                    Some((pattern, 1))
                }
                None => Some((pattern, 1)),
            };
        }
        if let Some((p, n)) = run
            && n == self.parts[p]
        {
            out.push(p);
        }
        if !self.always.is_empty() {
            out.extend_from_slice(&self.always);
            out.sort_unstable();
        }
    }
}

/// Every DFA pattern with a match in `text`, once each, into `found`; false
/// when the DFA gave up.
fn find_all(
    dfa: &DFA,
    cache: &mut Cache,
    text: &str,
    found: &mut Vec<usize>,
    seen: &mut [u32],
    pass: &mut u32,
) -> bool {
    found.clear();
    *pass = pass.wrapping_add(1);
    if *pass == 0 {
        seen.fill(0);
        *pass = 1;
    }
    let input = Input::new(text);
    let mut state = OverlappingState::start();
    loop {
        if dfa
            .try_search_overlapping_fwd(cache, &input, &mut state)
            .is_err()
        {
            return false;
        }
        let Some(m) = state.get_match() else {
            return true;
        };
        let p = m.pattern().as_usize();
        if seen[p] != *pass {
            seen[p] = *pass;
            found.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::rule::prepare;

    fn screen(patterns: &[&str]) -> Screen {
        let hirs: Vec<Hir> = patterns
            .iter()
            .map(|p| matcher::parse(&prepare(p)).unwrap())
            .collect();
        Screen::new(&hirs).unwrap()
    }

    fn run(s: &Screen, text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        s.candidates(text, &mut out);
        out
    }

    #[test]
    fn lists_the_patterns_that_match_anywhere() {
        let s = screen(&[
            r"\brisk\s+assess",
            r"\w+\s+supervision",
            r"\bof\b",
            r"\bcustody\b[^.]{0,100}\bchild",
        ]);
        assert_eq!(run(&s, "Weak SUPERVISION of staff"), [1, 2]);
        assert_eq!(run(&s, "a RISK  assessment"), [0]);
        assert_eq!(run(&s, ""), Vec::<usize>::new());
        // A split pattern needs every part somewhere (the window itself is
        // checked by its matcher).
        assert_eq!(run(&s, "custody suites"), Vec::<usize>::new());
        assert_eq!(run(&s, "Children in custody"), [3]);
        assert_eq!(run(&s, "Custody. Much later: children"), [3]);
        // Unicode case folding: the long s is an `s`.
        assert_eq!(run(&s, "ri\u{17F}k assessment"), [0]);
    }

    #[test]
    fn a_unicode_word_boundary_is_run_always() {
        let hirs = vec![
            matcher::parse(&prepare(r"\bcustody\b")).unwrap(),
            matcher::parse(r"(?u:\b)caf\u{e9}(?u:\b)").unwrap(),
        ];
        let s = Screen::new(&hirs).unwrap();
        assert_eq!(s.always, [1]);
        assert_eq!(run(&s, "custody"), [0, 1]);
        assert_eq!(run(&s, "nothing"), [1]);
    }

    #[test]
    fn clones_and_threads_share_nothing_but_the_dfa() {
        let s = screen(&[r"\bcustody\b", r"\bchild"]);
        let c = s.clone();
        std::thread::scope(|scope| {
            scope.spawn(|| assert_eq!(run(&c, "children in custody"), [0, 1]));
            scope.spawn(|| assert_eq!(run(&s, "custody"), [0]));
        });
    }
}
