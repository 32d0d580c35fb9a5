//! How one rule pattern is matched: a compiled [`Pattern`] that finds the
//! leftmost match of a text, or the end of a match at a given start.
//!
//! Takes a prepared pattern (see `rule::prepare`) and gives a [`Pattern`].
//! Most patterns are one regex. A pattern with a sentence window, a part such
//! as `[^.]{0,100}` between two others (`child ... [^.]{0,100} ... custody`),
//! is split there: a lazy DFA for the whole pattern needs a state for every
//! position in the window times every partial word after it, and with dozens
//! of such patterns the DFA caches were rebuilt on nearly every text (6 to 11
//! microseconds an anchored search in a warm run, against 0.3 to 2 for the
//! parts). The parts run as regexes of their own, and the window between them
//! is counted here.
//!
//! The split keeps the regex meaning, with one difference at the edges: the
//! part before a window takes its own preferred (leftmost-first) match, and
//! the window is counted from its end, where the whole regex could back off
//! inside that part (give `\s+` fewer spaces) to reach a little further. A
//! greedy window takes the farthest start of the part after it, a lazy one
//! (`{0,100}?`) the nearest, as the regex would. The whole regex is kept for
//! capture groups (`year`).
//!
//! It does not decide which patterns to try or where (the literal gate does)
//! nor which rule wins (the rule set does).

use regex_automata::meta::{self, Regex};
use regex_automata::{Anchored, Input, PatternID};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind};

/// Shortest window (its most characters) worth splitting a pattern at: short
/// gaps (`\s{0,3}`) do not blow up the DFA.
const MIN_WINDOW: u32 = 8;

/// A compiled rule pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// The whole pattern as one regex, for capture groups.
    whole: Regex,
    /// How its matches are found.
    matcher: Matcher,
    /// The index of the `year` capture group, if the pattern has one.
    year: Option<usize>,
}

/// One regex, or two parts with a counted window between them.
#[derive(Debug, Clone)]
enum Matcher {
    Regex(Regex),
    Window(Box<Window>),
}

/// `head gap tail`, where `gap` is a bounded repetition of a character class.
#[derive(Debug, Clone)]
struct Window {
    head: Regex,
    gap: Gap,
    tail: Matcher,
    /// The bytes a match of the tail may begin with.
    tail_starts: FirstBytes,
}

/// A set of bytes.
#[derive(Debug, Clone)]
struct FirstBytes([u64; 4]);

impl FirstBytes {
    /// The bytes a match of `hir` may begin with: all of them when that is
    /// not known (or it may match the empty string).
    fn of(hir: &Hir) -> FirstBytes {
        let mut set = FirstBytes([0; 4]);
        let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
        match seq.literals() {
            Some(lits) if !lits.is_empty() && lits.iter().all(|l| !l.is_empty()) => {
                for l in lits {
                    let b = l.as_bytes()[0];
                    set.0[usize::from(b >> 6)] |= 1 << (b & 63);
                }
            }
            _ => set.0 = [u64::MAX; 4],
        }
        set
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// The window: between `min` and `max` characters of `class`.
#[derive(Debug, Clone)]
struct Gap {
    class: ClassUnicode,
    min: u32,
    max: u32,
    greedy: bool,
}

fn config() -> meta::Config {
    meta::Config::new()
        .nfa_size_limit(Some(4 << 20))
        // Patterns that stay whole with a wide repetition still want room.
        .hybrid_cache_capacity(32 << 20)
}

/// Parse a prepared pattern as every rule pattern is parsed
/// (case-insensitive); the error is the parser's message.
pub(crate) fn parse(prepared: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(prepared)
        .map_err(|e| e.to_string())
}

fn build(hirs: &[&Hir]) -> Result<Regex, String> {
    meta::Builder::new()
        .configure(config())
        .build_many_from_hir(hirs)
        .map_err(|e| e.to_string())
}

/// One regex that matches where any of the parsed patterns does (for
/// negatives: one pass instead of one per pattern).
pub(crate) fn any_of(hirs: &[Hir]) -> Result<Regex, String> {
    build(&hirs.iter().collect::<Vec<_>>())
}

impl Pattern {
    /// Compile a prepared pattern (case-insensitive); the error is the regex
    /// syntax error's text.
    pub(crate) fn new(prepared: &str) -> Result<Pattern, String> {
        let hir = parse(prepared)?;
        let whole = build(&[&hir])?;
        let matcher = match Matcher::split(&hir)? {
            Some(window) => Matcher::Window(Box::new(window)),
            None => Matcher::Regex(whole.clone()),
        };
        let year = whole.group_info().to_index(PatternID::ZERO, "year");
        Ok(Pattern {
            whole,
            matcher,
            year,
        })
    }

    /// Whether the pattern matches anywhere in `text`.
    #[cfg(test)]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match &self.matcher {
            Matcher::Regex(re) => re.is_match(text),
            Matcher::Window(_) => self.find(text).is_some(),
        }
    }

    /// Whether the pattern was split at a window.
    #[cfg(test)]
    pub(crate) fn is_split(&self) -> bool {
        matches!(self.matcher, Matcher::Window(_))
    }

    /// The leftmost match by the whole regex (the reference for splits).
    #[cfg(test)]
    pub(crate) fn find_whole(&self, text: &str) -> Option<(usize, usize)> {
        self.whole.find(text).map(|m| (m.start(), m.end()))
    }

    /// The leftmost match: (start, end).
    pub(crate) fn find(&self, text: &str) -> Option<(usize, usize)> {
        self.matcher.find_from(text, 0)
    }

    /// The end of the match that starts at `start`, if one does.
    pub(crate) fn end_at(&self, text: &str, start: usize) -> Option<usize> {
        self.matcher.end_at(text, start)
    }

    /// The text of the `year` capture group in the match that starts at
    /// `start`, by the whole regex; `None` when the pattern has no such group
    /// or it did not take part.
    pub(crate) fn year_at<'t>(&self, text: &'t str, start: usize) -> Option<&'t str> {
        let group = self.year?;
        let mut caps = self.whole.create_captures();
        self.whole.search_captures(
            &Input::new(text).range(start..).anchored(Anchored::Yes),
            &mut caps,
        );
        caps.get_group(group)
            .and_then(|span| text.get(span.range()))
    }
}

impl Matcher {
    /// Split `hir` at its first top-level window, if it has one with
    /// something on both sides.
    fn split(hir: &Hir) -> Result<Option<Window>, String> {
        let HirKind::Concat(parts) = hir.kind() else {
            return Ok(None);
        };
        let Some((at, gap)) = parts
            .iter()
            .enumerate()
            .skip(1)
            .take(parts.len().saturating_sub(2))
            .find_map(|(i, part)| Gap::of(part).map(|g| (i, g)))
        else {
            return Ok(None);
        };
        let head = build(&[&Hir::concat(parts[..at].to_vec())])?;
        let tail_hir = Hir::concat(parts[at + 1..].to_vec());
        let tail = match Matcher::split(&tail_hir)? {
            Some(window) => Matcher::Window(Box::new(window)),
            None => Matcher::Regex(build(&[&tail_hir])?),
        };
        Ok(Some(Window {
            head,
            gap,
            tail,
            tail_starts: FirstBytes::of(&tail_hir),
        }))
    }

    /// The leftmost match starting at or after `from`: (start, end).
    fn find_from(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        if from > text.len() {
            return None;
        }
        match self {
            Matcher::Regex(re) => re
                .find(Input::new(text).range(from..))
                .map(|m| (m.start(), m.end())),
            Matcher::Window(w) => {
                let mut from = from;
                while from <= text.len() {
                    let head = w.head.find(Input::new(text).range(from..))?;
                    if let Some(end) = w.end_at(text, head.start()) {
                        return Some((head.start(), end));
                    }
                    from = next_char(text, head.start());
                }
                None
            }
        }
    }

    /// The end of the match starting at `start`.
    fn end_at(&self, text: &str, start: usize) -> Option<usize> {
        if start > text.len() {
            return None;
        }
        match self {
            Matcher::Regex(re) => end_of(re, text, start),
            Matcher::Window(w) => w.end_at(text, start),
        }
    }
}

impl Window {
    fn end_at(&self, text: &str, start: usize) -> Option<usize> {
        let head_end = end_of(&self.head, text, start)?;
        let (near, far) = self.gap.reach(text, head_end)?;
        // Every offset from `near` to `far` is a character boundary where
        // the window could end; the tail is tried where its first byte can
        // begin a match: the farthest first (greedy), or the nearest (lazy).
        let may_start = |&at: &usize| {
            text.as_bytes()
                .get(at)
                .is_none_or(|&b| self.tail_starts.contains(b))
        };
        let try_at = |at: usize| self.tail.end_at(text, at);
        let inner = text[near..far].char_indices().map(|(i, _)| near + i);
        if self.gap.greedy {
            std::iter::once(far)
                .chain(inner.rev().filter(|&at| at != far))
                .filter(may_start)
                .find_map(try_at)
        } else {
            inner
                .chain(std::iter::once(far))
                .filter(may_start)
                .find_map(try_at)
        }
    }
}

impl Gap {
    /// `hir` as a window: a bounded repetition of a Unicode class whose most
    /// is [`MIN_WINDOW`] characters or more.
    fn of(hir: &Hir) -> Option<Gap> {
        let HirKind::Repetition(rep) = hir.kind() else {
            return None;
        };
        let max = rep.max.filter(|&m| m >= MIN_WINDOW)?;
        let HirKind::Class(Class::Unicode(class)) = rep.sub.kind() else {
            return None;
        };
        Some(Gap {
            class: class.clone(),
            min: rep.min,
            max,
            greedy: rep.greedy,
        })
    }

    fn contains(&self, c: char) -> bool {
        self.class
            .ranges()
            .binary_search_by(|r| {
                if r.end() < c {
                    std::cmp::Ordering::Less
                } else if r.start() > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// From `at`, the byte offsets after `min` characters of the class and
    /// after as many as the window takes (up to `max`); `None` when fewer
    /// than `min` follow.
    fn reach(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        let mut near = (self.min == 0).then_some(at);
        let mut pos = at;
        let mut count = 0;
        for c in text.get(at..)?.chars() {
            if count == self.max || !self.contains(c) {
                break;
            }
            pos += c.len_utf8();
            count += 1;
            if count == self.min {
                near = Some(pos);
            }
        }
        near.map(|near| (near, pos))
    }
}

/// The end of `re`'s match that starts at `start`: an anchored search that
/// asks only for the end.
fn end_of(re: &Regex, text: &str, start: usize) -> Option<usize> {
    re.search_half(&Input::new(text).range(start..).anchored(Anchored::Yes))
        .map(|half| half.offset())
}

/// The offset of the character after the one at `at` (one past the end at
/// the end).
fn next_char(text: &str, at: usize) -> usize {
    (at + 1..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::rule::prepare;

    fn pattern(p: &str) -> Pattern {
        Pattern::new(&prepare(p)).unwrap()
    }

    fn is_window(p: &Pattern) -> bool {
        p.is_split()
    }

    #[test]
    fn windows_split_and_short_gaps_do_not() {
        assert!(is_window(&pattern(r"\bchild\b[^.]{0,100}\bcustody\b")));
        assert!(is_window(&pattern(r"a[^.]{2,20}?b[^.]{0,40}c")));
        assert!(!is_window(&pattern(r"a\s{0,3}b")));
        assert!(!is_window(&pattern(r"[^.]{0,100}b")));
        assert!(!is_window(&pattern(r"a[^.]{0,100}")));
        assert!(!is_window(&pattern(r"(?:a[^.]{0,100}b|c)")));
    }

    /// The split pattern and the whole regex agree on every start of a set
    /// of texts built around the window's edges.
    #[test]
    fn split_patterns_agree_with_the_whole_regex() {
        let cases: [(&str, &[&str]); 5] = [
            (
                r"\bchild(?:ren)?\b[^.]{0,12}\bcustody\b",
                &["child", "children", "custody", "."],
            ),
            (
                r"\bchild(?:ren)?\b[^.]{0,12}?\bcustody\b",
                &["child", "children", "custody", "."],
            ),
            (r"\bab\b[^.]{3,10}?\bcd\b", &["ab", "cd", "abcd", "."]),
            (
                r"\bab\b[^.]{0,10}(?:cd|c)\b[^.]{0,9}\bef\b",
                &["ab", "cd", "c", "ef"],
            ),
            (r"x[^\n]{0,10}y", &["x", "y", "xy", "."]),
        ];
        let fillers = [
            "",
            " ",
            "zzzzzzzz ",
            "zzzzzzzzzz ",
            "zzzzzzzzzzzz ",
            "zz. ",
            "\u{2019}\u{e9} ",
            "\nq ",
        ];
        for (p, words) in cases {
            let mut texts = Vec::new();
            for a in words {
                for f in fillers {
                    for b in words {
                        for g in fillers {
                            for c in words {
                                texts.push(format!("{a} {f}{b} {g}{c}"));
                            }
                        }
                    }
                }
            }
            let split = pattern(p);
            assert!(is_window(&split), "{p}");
            for text in &texts {
                let whole = split
                    .whole
                    .find(text.as_str())
                    .map(|m| (m.start(), m.end()));
                assert_eq!(split.find(text), whole, "{p} on {text:?}");
                for (start, _) in text.char_indices() {
                    let whole = split
                        .whole
                        .search_half(
                            &Input::new(text.as_str())
                                .range(start..)
                                .anchored(Anchored::Yes),
                        )
                        .map(|h| h.offset());
                    assert_eq!(
                        split.end_at(text, start),
                        whole,
                        "{p} on {text:?} at {start}"
                    );
                }
                assert_eq!(split.is_match(text), split.whole.is_match(text.as_str()));
            }
        }
    }

    #[test]
    fn year_group_comes_from_the_whole_regex() {
        let p = pattern(r"\bin\s+(?<year>\d{4})\b[^.]{0,40}\brecommended\b");
        let text = "As we said in 2019 we recommended a change.";
        let (start, end) = p.find(text).unwrap();
        assert_eq!(&text[start..end], "in 2019 we recommended");
        assert_eq!(p.year_at(text, start), Some("2019"));
        let p = pattern(r"\bin\s+(?<when>\d{4})\b[^.]{0,40}\brecommended\b");
        assert_eq!(p.year_at(text, start), None);
    }
}
