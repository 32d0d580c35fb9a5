//! Layout → structure: headings and paragraphs in reading order.
//!
//! Takes the positioned lines of a [`Document`] and gives [`Layout`]: the body
//! font size, the cover text, the contents pages, and a flat list of
//! [`Para`]graphs (headings with a level, list items, ordinary paragraphs) with
//! their pages and character offsets into each page's body text. Furniture
//! (running heads, footers, page numbers) is left out. Paragraphs broken by a
//! column or page break are joined. Knows nothing of statement kinds.

use super::tables::{self, Placed};
use crate::model::{Document, Page, TextLine};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// One heading, list item or paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    /// Text, lines joined with spaces (hyphenated breaks joined), marker removed.
    pub text: String,
    /// Heading level (1 = largest) when this is a heading.
    pub heading: Option<u8>,
    /// The list marker or number that opened it ("3", "a", "•"), if a list item.
    pub marker: Option<String>,
    /// First page (1-based).
    pub page: u32,
    /// Last page.
    pub page_end: u32,
    /// Offset (chars) into the first page's body text.
    pub char_start: usize,
    /// End offset (chars) into the last page's body text.
    pub char_end: usize,
    /// Font size of its first line.
    pub font_size: f32,
    /// Its first line is bold.
    pub bold: bool,
    /// It came from a table row (cells joined); set by [`analyse`] when a line
    /// holds tab-separated cells.
    pub table_row: bool,
}

/// The structure of a document.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Most common font size of body lines (by characters).
    pub body_size: f32,
    /// Text of the cover page (page 1), furniture excluded, lines joined by `\n`.
    pub cover_text: String,
    /// The cover's lines with their font sizes (for the title).
    pub cover_lines: Vec<(String, f32, bool)>,
    /// Pages that are contents pages.
    pub contents_pages: BTreeSet<u32>,
    /// Paragraphs and headings after the cover and contents.
    pub paras: Vec<Para>,
    /// Body text of every page (index = page number - 1).
    pub page_texts: Vec<String>,
}

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?P<bullet>[•●▪■◼◾◦‣∙·○\u{F0A7}\u{F0B7}\u{2022}\u{2013}\u{2014}\u{2212}*-])\s+|(?P<num>\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)])\s+)",
    )
    .expect("list marker regex")
});

/// A paragraph that is only a list number ("1.", "12."): word processors put
/// the number of a hanging-indent list item in a block of its own.
static MARKER_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(?(\d{1,3})[.)]$").expect("marker-only regex"));

static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+\S").expect("numbered heading")
});

static FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}\s*[A-Z(]").expect("footnote"));

/// Back matter whose paragraphs define terms rather than report findings.
static BACK_MATTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:annex\s+[a-z0-9]+\s*[-–:]?\s*)?(?:glossary|about the data|about us|methodology|references|abbreviations|acknowledgements)(?-u:\b)")
        .expect("back matter")
});

/// Drop the paragraphs of glossary-like sections (up to the next heading of
/// the same or a higher level).
fn drop_back_matter(paras: Vec<Para>) -> Vec<Para> {
    let mut out = Vec::with_capacity(paras.len());
    let mut skipping: Option<u8> = None;
    for p in paras {
        if let Some(level) = p.heading {
            if skipping.is_some_and(|s| level <= s) {
                skipping = None;
            }
            if BACK_MATTER.is_match(&p.text) {
                skipping = Some(level);
            }
        }
        if skipping.is_none() {
            out.push(p);
        }
    }
    out
}

/// Non-furniture lines from which a first page is read as body as well as cover
/// (synthetic and HMICFRS covers have under ten).
const COVER_WITH_BODY_LINES: usize = 15;

/// Characters of the first page's body text before its first non-title line:
/// the title lines, left out of the paragraphs, still count in the offsets.
fn first_page_shift(page: &Page, without_title: &Page) -> usize {
    let full = page.body_text();
    let rest = without_title.body_text();
    if rest.is_empty() {
        return 0;
    }
    full.find(&rest)
        .map(|byte| full[..byte].chars().count())
        .unwrap_or(0)
}

/// A paragraph that is only a list number gives that number to the paragraph
/// after it, when that one is plain text on the same page.
fn attach_markers(paras: Vec<Para>) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::with_capacity(paras.len());
    let mut pending: Option<Para> = None;
    for mut p in paras {
        if let Some(m) = pending.take() {
            let plain = p.heading.is_none() && p.marker.is_none() && !p.table_row;
            if plain && p.page == m.page {
                let number = MARKER_ONLY
                    .captures(m.text.trim())
                    .map(|c| c[1].to_string());
                p.marker = number;
                p.char_start = m.char_start;
                out.push(p);
                continue;
            }
            out.push(m);
        }
        if p.heading.is_none() && !p.table_row && MARKER_ONLY.is_match(p.text.trim()) {
            pending = Some(p);
            continue;
        }
        out.push(p);
    }
    out.extend(pending);
    out
}

/// "The experiences and progress of children in care:" in bold followed by
/// a one-to-four-word heading of the same size ("outstanding") is one heading.
fn join_label_headings(paras: Vec<Para>) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::with_capacity(paras.len());
    for p in paras {
        if let Some(prev) = out.last_mut() {
            let label = prev.heading.is_none()
                && prev.marker.is_none()
                && prev.bold
                && !prev.table_row
                && prev.text.trim_end().ends_with(':')
                && prev.text.split_whitespace().count() <= 20;
            let short_heading = p.heading.is_some()
                && p.page == prev.page
                && p.text.split_whitespace().count() <= 4
                && (p.font_size - prev.font_size).abs() < 0.6;
            if label && short_heading {
                append_text(&mut prev.text, &p.text);
                prev.heading = p.heading;
                prev.char_end = p.char_end;
                continue;
            }
        }
        out.push(p);
    }
    out
}

static ENDS_WITH_PAGE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\.{2,}|\s)\s*\d{1,3}$").expect("toc line"));

/// Analyse a document's layout.
pub fn analyse(doc: &Document) -> Layout {
    let body_size = body_font_size(&doc.pages);
    let page_texts: Vec<String> = doc.pages.iter().map(Page::body_text).collect();
    let mut layout = Layout {
        body_size,
        page_texts,
        ..Layout::default()
    };
    if let Some(cover) = doc.pages.first() {
        let lines: Vec<&TextLine> = cover.lines.iter().filter(|l| !l.furniture).collect();
        layout.cover_text = lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        layout.cover_lines = lines
            .iter()
            .map(|l| (l.text.clone(), l.font_size, l.bold))
            .collect();
    }
    for page in doc.pages.iter().take(5) {
        if is_contents_page(page) {
            layout.contents_pages.insert(page.number);
        }
    }
    let heading_sizes = heading_size_ranks(doc, body_size, &layout.contents_pages);
    let footnote_size = body_size * 0.88;
    let mut paras: Vec<Para> = Vec::new();
    // A first page that holds more than a cover (Ofsted puts the judgement
    // table and the summary under the title) is read too, its title lines
    // left out.
    if let Some(first) = doc.pages.first()
        && first.lines.iter().filter(|l| !l.furniture).count() >= COVER_WITH_BODY_LINES
    {
        let mut body = first.clone();
        for line in &mut body.lines {
            if line.font_size >= body_size * 1.6 {
                line.furniture = true;
            }
        }
        page_paras(&body, body_size, &heading_sizes, &mut paras);
        // Offsets index the real page's body text, which keeps the title.
        let shift = first_page_shift(first, &body);
        for p in &mut paras {
            p.char_start += shift;
            p.char_end += shift;
        }
    }
    for page in doc.pages.iter().skip(1) {
        if layout.contents_pages.contains(&page.number) {
            continue;
        }
        page_paras(page, body_size, &heading_sizes, &mut paras);
    }
    let paras = attach_markers(paras);
    let mut paras = join_label_headings(paras);
    // Footnotes (small type opening with their number) are not statements.
    paras.retain(|p| p.table_row || !(p.font_size < footnote_size && FOOTNOTE.is_match(&p.text)));
    layout.paras = drop_back_matter(join_continuations(paras, body_size));
    layout
}

/// Most common font size over body lines, weighted by characters.
fn body_font_size(pages: &[Page]) -> f32 {
    let mut counts: std::collections::BTreeMap<i32, usize> = Default::default();
    for line in pages.iter().flat_map(|p| &p.lines).filter(|l| !l.furniture) {
        *counts
            .entry((line.font_size * 2.0).round() as i32)
            .or_insert(0) += line.text.len();
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k as f32 / 2.0)
        .unwrap_or(10.0)
}

fn is_contents_page(page: &Page) -> bool {
    let lines: Vec<&TextLine> = page.lines.iter().filter(|l| !l.furniture).collect();
    if lines.is_empty() {
        return false;
    }
    let titled = lines
        .iter()
        .take(4)
        .any(|l| l.text.trim().eq_ignore_ascii_case("contents"));
    let numbered = lines
        .iter()
        .filter(|l| ENDS_WITH_PAGE_NUMBER.is_match(l.text.trim()))
        .count();
    titled && numbered * 3 >= lines.len() || numbered * 10 >= lines.len() * 6 && lines.len() >= 6
}

/// Whether `text` can match [`LIST_MARKER`], from its first bytes: a bullet,
/// `(`, a digit, or a letter (a run of up to four of i, v, x) followed by `.`
/// or `)`. Most lines start with a word and are settled here, without the
/// capturing regex.
fn may_start_with_marker(text: &str) -> bool {
    let b = text.as_bytes();
    match b.first() {
        None => false,
        Some(b'(' | b'0'..=b'9' | b'*' | b'-') => true,
        Some(b'a'..=b'z') => {
            let roman = b
                .iter()
                .take_while(|x| matches!(x, b'i' | b'v' | b'x'))
                .count();
            let letters = roman.max(1);
            letters <= 4 && matches!(b.get(letters), Some(b'.' | b')'))
        }
        Some(c) => !c.is_ascii(),
    }
}

fn is_heading_line(line: &TextLine, body_size: f32) -> bool {
    let large = line.font_size >= body_size * 1.15;
    // Most lines are body text: settle them before any regex runs.
    if !large && !line.bold {
        return false;
    }
    let text = line.text.trim();
    if text.is_empty() || LIST_MARKER.is_match(text) && !NUMBERED_HEADING.is_match(text) {
        return false;
    }
    let words = text.split_whitespace().count();
    let ends_sentence = text.ends_with('.') || text.ends_with(':') || text.ends_with(',');
    if large && words <= 20 {
        return !ends_sentence || words <= 4;
    }
    line.bold && words <= 12 && !ends_sentence && text.chars().any(char::is_alphabetic)
}

/// Distinct heading sizes (rounded to half points), largest first.
fn heading_size_ranks(doc: &Document, body_size: f32, skip: &BTreeSet<u32>) -> Vec<i32> {
    let mut sizes: BTreeSet<i32> = BTreeSet::new();
    for page in doc
        .pages
        .iter()
        .skip(1)
        .filter(|p| !skip.contains(&p.number))
    {
        for line in page.lines.iter().filter(|l| !l.furniture) {
            if is_heading_line(line, body_size) {
                sizes.insert((line.font_size * 2.0).round() as i32);
            }
        }
    }
    sizes.into_iter().rev().collect()
}

fn heading_level(line: &TextLine, ranks: &[i32]) -> u8 {
    let key = (line.font_size * 2.0).round() as i32;
    let rank = ranks.iter().position(|&s| s == key).unwrap_or(ranks.len());
    let depth = NUMBERED_HEADING
        .captures(line.text.trim())
        .map(|c| c[1].matches('.').count())
        .unwrap_or(0);
    (rank + 1 + depth).min(9) as u8
}

/// Char offset of every non-furniture line in the page's body text, built the
/// same way as [`Page::body_text`].
fn line_offsets(page: &Page) -> Vec<Option<usize>> {
    let mut offsets = vec![None; page.lines.len()];
    let mut pos = 0usize;
    let mut last_block = None;
    for (i, line) in page.lines.iter().enumerate() {
        if line.furniture {
            continue;
        }
        if let Some(b) = last_block {
            pos += if b != line.block { 2 } else { 1 };
        }
        offsets[i] = Some(pos);
        pos += line.text.chars().count();
        last_block = Some(line.block);
    }
    offsets
}

fn page_paras(page: &Page, body_size: f32, ranks: &[i32], out: &mut Vec<Para>) {
    let offsets = line_offsets(page);
    let placed: Vec<Placed> = page
        .lines
        .iter()
        .zip(&offsets)
        .filter_map(|(line, off)| {
            off.map(|start| Placed {
                line: line.clone(),
                start,
                end: start + line.text.chars().count(),
                row: false,
            })
        })
        .collect();
    let mut current: Option<Para> = None;
    let mut last_block = None;
    for placed in tables::rebuild(page, placed) {
        let line = &placed.line;
        let start = placed.start;
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let end = placed.end;
        let heading = !placed.row && is_heading_line(line, body_size);
        let marker = if placed.row || !may_start_with_marker(text) {
            None
        } else {
            LIST_MARKER.captures(text)
        };
        let new_block = last_block != Some(line.block);
        last_block = Some(line.block);
        if let Some(p) = current.as_mut() {
            let same_heading = heading
                && p.heading.is_some()
                && !new_block
                && (p.font_size - line.font_size).abs() < 0.6;
            let continues = !heading && p.heading.is_none() && marker.is_none() && !new_block;
            if same_heading || continues {
                append_text(&mut p.text, text);
                p.char_end = end;
                continue;
            }
        }
        if let Some(p) = current.take() {
            out.push(p);
        }
        let (body, marker_text) = match (&marker, heading) {
            (Some(c), false) => {
                let m = c.get(0).map_or(0, |m| m.end());
                let label = c
                    .name("num")
                    .or_else(|| c.name("bullet"))
                    .map(|m| {
                        m.as_str()
                            .trim_matches(|ch| ch == '(' || ch == ')' || ch == '.')
                            .to_string()
                    })
                    .unwrap_or_default();
                (text[m..].trim().to_string(), Some(label))
            }
            _ => (text.to_string(), None),
        };
        current = Some(Para {
            text: body,
            heading: heading.then(|| heading_level(line, ranks)),
            marker: marker_text,
            page: page.number,
            page_end: page.number,
            char_start: start,
            char_end: end,
            font_size: line.font_size,
            bold: line.bold,
            table_row: line.text.contains('\t'),
        });
    }
    if let Some(p) = current {
        out.push(p);
    }
}

/// Append a line to paragraph text, joining a hyphenated break.
pub(super) fn append_text(text: &mut String, line: &str) {
    let joins_hyphen = text.ends_with('-')
        && text.chars().rev().nth(1).is_some_and(|c| c.is_alphabetic())
        && line.chars().next().is_some_and(|c| c.is_lowercase());
    if joins_hyphen {
        text.pop();
    } else if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(line);
}

/// The text ends with one of `terminals`, closing quotes and brackets aside.
pub(super) fn ends_with_terminal(text: &str, terminals: &[char]) -> bool {
    text.trim_end_matches(['"', '\'', ')', '”', '’', ']'])
        .ends_with(terminals)
}

/// Ends a sentence or a clause: a paragraph ending so is not cut by a break.
fn ends_sentence(text: &str) -> bool {
    ends_with_terminal(text, &['.', '!', '?', ':', ';'])
}

/// Opens with a plain count and a lower-case word ("11 of the 20 cases"), not
/// a section number ("2.1 Adoption performance").
fn starts_with_count(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let count = words.next().unwrap_or("");
    !count.is_empty()
        && count.chars().all(|c| c.is_ascii_digit() || c == ',')
        && words
            .next()
            .is_some_and(|w| w.starts_with(|c: char| c.is_lowercase()))
}

/// Join paragraphs that a column or page break cut in two: the first does not
/// end a sentence and the next starts in lower case. A footnote or a caption
/// in a smaller font may sit between the two parts; it is stepped over.
fn join_continuations(paras: Vec<Para>, body_size: f32) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::with_capacity(paras.len());
    for p in paras {
        let first = p.text.chars().next();
        let starts_lower = first.is_some_and(|c| c.is_lowercase() || c == '(');
        // "... has not improved. In" + "11 of the 20 cases ...": a figure
        // continues a paragraph cut after a word, in the same font.
        let starts_figure = !p.table_row
            && starts_with_count(&p.text)
            && out.last().is_some_and(|q| {
                q.heading.is_none()
                    && !q.table_row
                    && q.text.ends_with(|c: char| c.is_alphabetic())
                    && (q.font_size - p.font_size).abs() < 0.6
            });
        if (starts_lower || starts_figure) && p.heading.is_none() && p.marker.is_none() {
            let small = |q: &Para| q.font_size < body_size * 0.9 && q.heading.is_none();
            let target = out
                .iter()
                .rev()
                .take(3)
                .position(|q| !small(q))
                .map(|back| out.len() - 1 - back)
                .filter(|&i| {
                    let q = &out[i];
                    q.heading.is_none() && !ends_sentence(&q.text) && !small(q)
                });
            if let Some(i) = target {
                let prev = &mut out[i];
                append_text(&mut prev.text, &p.text);
                prev.page_end = p.page_end;
                prev.char_end = p.char_end;
                continue;
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_precheck_never_hides_a_marker() {
        // Every string of up to five characters over an alphabet that covers
        // each branch of the marker regex.
        let alphabet = [
            '(', ')', '.', '1', 'a', 'i', 'v', 'x', 'b', ' ', '•', 'A', '-', '*',
        ];
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..5 {
            let mut longer = Vec::new();
            for t in &texts {
                for c in alphabet {
                    let mut u = t.clone();
                    u.push(c);
                    if LIST_MARKER.is_match(&u) {
                        assert!(may_start_with_marker(&u), "{u:?}");
                    }
                    checked += 1;
                    longer.push(u);
                }
            }
            texts = longer;
        }
        assert!(checked > 500_000);
        assert!(!may_start_with_marker("Item one"));
        assert!(!may_start_with_marker("and so on"));
    }
    use crate::model::PageQuality;

    fn line(text: &str, size: f32, bold: bool, block: u32) -> TextLine {
        TextLine {
            text: text.into(),
            bbox: [0.0; 4],
            font_size: size,
            bold,
            italic: false,
            block,
            furniture: false,
        }
    }

    fn page(number: u32, lines: Vec<TextLine>) -> Page {
        Page {
            number,
            width: 595.0,
            height: 842.0,
            lines,
            quality: PageQuality::default(),
        }
    }

    #[test]
    fn headings_lists_and_continuations() {
        let doc = Document {
            pages: vec![
                page(1, vec![line("Cover title", 24.0, true, 0)]),
                page(
                    2,
                    vec![
                        line("Areas for improvement", 14.0, true, 0),
                        line("• The force should improve the super-", 10.0, false, 1),
                        line("vision of investigations.", 10.0, false, 1),
                        line("We found that officers did not always", 10.0, false, 2),
                    ],
                ),
                page(
                    3,
                    vec![
                        line("record the risks they saw.", 10.0, false, 0),
                        line("Next part", 10.0, true, 1),
                    ],
                ),
            ],
            ..Document::default()
        };
        let layout = analyse(&doc);
        assert_eq!(layout.body_size, 10.0);
        assert_eq!(layout.cover_text, "Cover title");
        let texts: Vec<&str> = layout.paras.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Areas for improvement",
                "The force should improve the supervision of investigations.",
                "We found that officers did not always record the risks they saw.",
                "Next part"
            ]
        );
        assert_eq!(layout.paras[0].heading, Some(1));
        assert_eq!(layout.paras[1].marker.as_deref(), Some("•"));
        assert_eq!((layout.paras[2].page, layout.paras[2].page_end), (2, 3));
        assert!(layout.paras[3].heading.is_some());
        // Offsets index the body text of the page.
        let p = &layout.paras[1];
        let page_text: Vec<char> = layout.page_texts[1].chars().collect();
        let slice: String = page_text[p.char_start..p.char_end].iter().collect();
        assert!(slice.starts_with("• The force"), "{slice}");
    }

    #[test]
    fn list_numbers_in_their_own_block_and_split_label_headings() {
        let mut lines = vec![line("Cover title", 24.0, true, 0)];
        lines.extend((1..20).map(|i| line(&format!("Cover line {i}"), 10.0, false, i)));
        let doc = Document {
            pages: vec![
                page(1, lines),
                page(
                    2,
                    vec![
                        line("Recommendations", 14.0, true, 0),
                        line("1.", 10.0, false, 1),
                        line("Ensure that plans are specific.", 10.0, false, 2),
                        line("184. Report on the work of partners.", 10.0, false, 3),
                        line("The experiences of care leavers:", 10.0, true, 4),
                        line("good", 10.0, true, 5),
                        line(
                            "Care leavers are supported well by advisers.",
                            10.0,
                            false,
                            6,
                        ),
                    ],
                ),
            ],
            ..Document::default()
        };
        let layout = analyse(&doc);
        // A first page with a body is read too, its title left out.
        assert_eq!(layout.paras[0].text, "Cover line 1");
        assert_eq!(layout.paras[0].page, 1);
        let rest: Vec<(&str, Option<&str>, bool)> = layout
            .paras
            .iter()
            .filter(|p| p.page == 2)
            .map(|p| (p.text.as_str(), p.marker.as_deref(), p.heading.is_some()))
            .collect();
        assert_eq!(
            rest,
            [
                ("Recommendations", None, true),
                ("Ensure that plans are specific.", Some("1"), false),
                ("Report on the work of partners.", Some("184"), false),
                ("The experiences of care leavers: good", None, true),
                ("Care leavers are supported well by advisers.", None, false),
            ]
        );
        // A short cover is not read.
        let short = Document {
            pages: vec![
                page(
                    1,
                    vec![
                        line("Cover title", 24.0, true, 0),
                        line("Published 2019", 10.0, false, 1),
                    ],
                ),
                page(2, vec![line("Body text that ends here.", 10.0, false, 0)]),
            ],
            ..Document::default()
        };
        assert!(analyse(&short).paras.iter().all(|p| p.page == 2));
    }

    #[test]
    fn contents_page_is_skipped() {
        let toc = page(
            2,
            vec![
                line("Contents", 14.0, true, 0),
                line("Introduction 3", 10.0, false, 1),
                line("Our findings 5", 10.0, false, 1),
                line("Recommendations 9", 10.0, false, 1),
            ],
        );
        assert!(is_contents_page(&toc));
        let body = page(
            3,
            vec![line(
                "We found many things in 2019 and more.",
                10.0,
                false,
                0,
            )],
        );
        assert!(!is_contents_page(&body));
    }
}
