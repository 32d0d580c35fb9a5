//! Layout analysis: positioned glyphs → words → lines → blocks in reading
//! order (the pdftotext model, see PDF-TEXT.md §3).
//!
//! Takes one page's [`PageGlyphs`] and its visible size; gives
//! [`TextLine`]s in reading order with block ids. Steps: drop off-page glyphs
//! and fake-bold duplicates (same text within 0.1 s along and 0.2 s across);
//! chain glyphs into runs in content order and runs into lines by baseline
//! (within 0.5 s, superscripts kept in line); split words at space glyphs and
//! gaps > 0.1 s (wider for letter-spaced lines, capped at 0.4 s); group lines
//! into blocks (pitch ≤ 1.7 s, similar size, overlapping x); order blocks by
//! Breuel's two rules with a topological sort; join hyphenated line ends inside
//! a block; expand ligatures U+FB00–FB06 and drop soft hyphens. Rotated text is
//! laid out per direction, the dominant direction first. It does not detect
//! running headers across pages (that is `mod.rs`) and does not rebuild tables.

use super::interpreter::PageGlyphs;
use crate::model::TextLine;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy)]
struct G {
    idx: usize,
    x0: f32,
    x1: f32,
    base: f32,
    size: f32,
    space: bool,
}

#[derive(Debug)]
struct Line {
    glyphs: Vec<G>,
    x0: f32,
    x1: f32,
    base: f32,
    size: f32,
    furniture: bool,
    style: u16,
    text: String,
}

impl Line {
    fn top(&self) -> f32 {
        self.base + 0.8 * self.size
    }
    fn bottom(&self) -> f32 {
        self.base - 0.25 * self.size
    }
}

#[derive(Debug)]
struct Block {
    lines: Vec<usize>,
    x0: f32,
    x1: f32,
    top: f32,
    bottom: f32,
}

fn to_frame(rot: u8, x: f32, y: f32) -> (f32, f32) {
    match rot {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

fn from_frame(rot: u8, x: f32, y: f32) -> (f32, f32) {
    match rot {
        1 => (-y, x),
        2 => (-x, -y),
        3 => (y, -x),
        _ => (x, y),
    }
}

/// Lays out one page.
pub(crate) fn layout(pg: &PageGlyphs, width: f32, height: f32) -> Vec<TextLine> {
    let mut by_rot: [Vec<G>; 4] = Default::default();
    let margin = 2.0;
    for (idx, g) in pg.glyphs.iter().enumerate() {
        if g.ox < -margin || g.oy < -margin || g.ox > width + margin || g.oy > height + margin {
            continue;
        }
        if g.size.is_nan() || g.size <= 0.05 {
            continue;
        }
        let (ax, ay) = to_frame(g.rot, g.ox, g.oy);
        let (bx, _) = to_frame(g.rot, g.ex, g.ey);
        let (x0, x1) = if bx >= ax { (ax, bx) } else { (ax, ax) };
        by_rot[g.rot as usize].push(G {
            idx,
            x0,
            x1,
            base: ay,
            size: g.size,
            space: g.space,
        });
    }
    let mut order: Vec<usize> = (0..4).filter(|&r| !by_rot[r].is_empty()).collect();
    order.sort_by_key(|&r| std::cmp::Reverse(by_rot[r].len()));
    let mut out = Vec::new();
    let mut block_base = 0u32;
    for r in order {
        let glyphs = dedupe(pg, std::mem::take(&mut by_rot[r]));
        let lines = build_lines(pg, glyphs);
        let (lines, blocks) = build_blocks(lines);
        let ordered = order_blocks(&lines, &blocks);
        let n = emit(pg, r as u8, &lines, &blocks, &ordered, block_base, &mut out);
        block_base += n;
    }
    out
}

/// Text and a 2-pt grid cell of a glyph origin.
type SeenKey<'a> = (&'a str, i32, i32);

/// Whether `g` continues the run ending in `last` (same baseline, moving
/// forward by less than a column gap).
fn continues(last: &G, g: &G) -> bool {
    let s = last.size.max(g.size);
    let gap = g.x0 - last.x1;
    (g.base - last.base).abs() <= 0.5 * s && gap >= -0.5 * s && gap <= 1.5 * s
}

/// Drops overprinted copies (fake bold, shadows): a run of glyphs is dropped
/// when every glyph in it repeats an earlier kept glyph with the same text
/// within 0.1 s along and 0.2 s across. Partial overlaps (text re-drawn in
/// clipped strips) keep both copies, as pdftotext does.
fn dedupe(pg: &PageGlyphs, glyphs: Vec<G>) -> Vec<G> {
    let mut seen: HashMap<SeenKey, Vec<(f32, f32, f32)>> = HashMap::new();
    let mut out = Vec::with_capacity(glyphs.len());
    let mut i = 0;
    while i < glyphs.len() {
        let mut j = i + 1;
        while j < glyphs.len() && continues(&glyphs[j - 1], &glyphs[j]) {
            j += 1;
        }
        let run = &glyphs[i..j];
        let key = |g: &G| {
            (
                pg.glyph_text(&pg.glyphs[g.idx]),
                (g.x0 / 2.0).floor() as i32,
                (g.base / 2.0).floor() as i32,
            )
        };
        let all_dup = run.iter().filter(|g| !g.space).count() > 0
            && run.iter().filter(|g| !g.space).all(|g| {
                let (t, cx, cy) = key(g);
                (-1..=1).any(|dx| {
                    (-1..=1).any(|dy| {
                        seen.get(&(t, cx + dx, cy + dy)).is_some_and(|v| {
                            v.iter().any(|&(x, y, s)| {
                                (x - g.x0).abs() < 0.1 * s && (y - g.base).abs() < 0.2 * s
                            })
                        })
                    })
                })
            });
        if !all_dup {
            for g in run {
                if !g.space {
                    seen.entry(key(g)).or_default().push((g.x0, g.base, g.size));
                }
                out.push(*g);
            }
        }
        i = j;
    }
    out
}

/// Glyphs (content order) → lines.
fn build_lines(pg: &PageGlyphs, glyphs: Vec<G>) -> Vec<Line> {
    // Runs: consecutive glyphs on one baseline moving forward.
    let mut runs: Vec<Vec<G>> = Vec::new();
    for g in glyphs {
        if let Some(run) = runs.last_mut()
            && continues(run.last().expect("non-empty run"), &g)
        {
            run.push(g);
            continue;
        }
        runs.push(vec![g]);
    }
    // Runs → lines by baseline and horizontal adjacency.
    let mut runs: Vec<(f32, f32, f32, f32, Vec<G>)> = runs
        .into_iter()
        .filter(|r| r.iter().any(|g| !g.space))
        .map(|r| {
            let x0 = r.iter().map(|g| g.x0).fold(f32::MAX, f32::min);
            let x1 = r.iter().map(|g| g.x1).fold(f32::MIN, f32::max);
            let main = r
                .iter()
                .filter(|g| !g.space)
                .fold(r[0], |a, g| if g.size > a.size { *g } else { a });
            (x0, x1, main.base, main.size, r)
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut lines: Vec<Line> = Vec::new();
    // Runs come left to right; a line ending further left than any join
    // reach leaves the active set, keeping this near-linear on dense pages.
    let max_size = runs.iter().map(|r| r.3).fold(0.0f32, f32::max);
    let mut active: Vec<usize> = Vec::new();
    for (x0, x1, base, size, r) in runs {
        active.retain(|&i| lines[i].x1 >= x0 - 1.5 * max_size);
        let mut best: Option<(usize, f32)> = None;
        for &i in &active {
            let l = &lines[i];
            let s = l.size.max(size);
            let db = (l.base - base).abs();
            if db > 0.5 * s {
                continue;
            }
            // The gap allowed is measured in the smaller size: a heading of
            // the next column beside the last line of a paragraph of body
            // text is ~1.7 body ems away, within 1.5 heading ems.
            let gap = x0 - l.x1;
            if gap < -0.5 * s || gap > 1.5 * l.size.min(size) {
                continue;
            }
            let score = db + gap.abs() * 0.01;
            if best.is_none_or(|(_, b)| score < b) {
                best = Some((i, score));
            }
        }
        match best {
            Some((i, _)) => {
                let l = &mut lines[i];
                l.x1 = l.x1.max(x1);
                if size > l.size * 1.05 {
                    l.base = base;
                    l.size = size;
                }
                l.glyphs.extend(r);
            }
            None => {
                active.push(lines.len());
                lines.push(Line {
                    glyphs: r,
                    x0,
                    x1,
                    base,
                    size,
                    furniture: false,
                    style: 0,
                    text: String::new(),
                })
            }
        }
    }
    for l in &mut lines {
        l.glyphs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    let mut lines = split_at_gutters(lines);
    for l in &mut lines {
        words(pg, l);
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

/// Splits lines at column gutters: a gap of ≥ 0.8 s that two other lines
/// nearby (within 20 s vertically) also have at an overlapping x position,
/// or one other line when the gap is at least 1 s. Narrow LaTeX
/// gutters (about 1 em) are below the run-joining threshold, so lines of two
/// columns first merge and are cut apart here.
fn split_at_gutters(lines: Vec<Line>) -> Vec<Line> {
    // (line, glyph index after the gap, gap start, gap end)
    let mut gaps: Vec<(usize, usize, f32, f32)> = Vec::new();
    for (li, l) in lines.iter().enumerate() {
        let mut prev: Option<&G> = None;
        for (gi, g) in l.glyphs.iter().enumerate() {
            if g.space {
                continue;
            }
            if let Some(p) = prev
                && g.x0 - p.x1 >= 0.8 * l.size
            {
                gaps.push((li, gi, p.x1, g.x0));
            }
            prev = Some(g);
        }
    }
    // Too many candidate gaps (scattered glyphs): skip, the pairwise check
    // would be quadratic.
    if gaps.is_empty() || gaps.len() > 20_000 {
        return lines;
    }
    let mut cuts: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    for &(li, gi, a, b) in &gaps {
        let l = &lines[li];
        let mut others = std::collections::HashSet::new();
        for &(lj, _, a2, b2) in &gaps {
            if lj == li || (lines[lj].base - l.base).abs() > 20.0 * l.size {
                continue;
            }
            if b.min(b2) - a.max(a2) >= 0.25 * l.size {
                others.insert(lj);
            }
        }
        // Three lines agreeing make a gutter; two do when the gap is at
        // least an em wide (a two-row table: cell text, then a date cell).
        if others.len() >= 2 || !others.is_empty() && b - a >= l.size {
            cuts[li].push(gi);
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for (li, l) in lines.into_iter().enumerate() {
        if cuts[li].is_empty() {
            out.push(l);
            continue;
        }
        let mut bounds = cuts[li].clone();
        bounds.sort_unstable();
        bounds.dedup();
        let mut start = 0;
        bounds.push(l.glyphs.len());
        for end in bounds {
            let part: Vec<G> = l.glyphs[start..end].to_vec();
            start = end;
            let Some(first) = part.iter().find(|g| !g.space).copied() else {
                continue;
            };
            let x0 = part
                .iter()
                .filter(|g| !g.space)
                .map(|g| g.x0)
                .fold(f32::MAX, f32::min);
            let x1 = part
                .iter()
                .filter(|g| !g.space)
                .map(|g| g.x1)
                .fold(f32::MIN, f32::max);
            let main = part
                .iter()
                .filter(|g| !g.space)
                .fold(first, |a, g| if g.size > a.size { *g } else { a });
            out.push(Line {
                glyphs: part,
                x0,
                x1,
                base: main.base,
                size: main.size,
                furniture: false,
                style: 0,
                text: String::new(),
            });
        }
    }
    out
}

/// Builds a line's text, inserting spaces at word breaks.
fn words(pg: &PageGlyphs, l: &mut Line) {
    // Letter-spaced lines: threshold from the smallest gap (pdftotext).
    let mut min_gap = f32::MAX;
    let mut prev: Option<&G> = None;
    for g in l.glyphs.iter().filter(|g| !g.space) {
        if let Some(p) = prev {
            let gap = (g.x0 - p.x1) / l.size;
            if gap > -0.05 {
                min_gap = min_gap.min(gap);
            }
        }
        prev = Some(g);
    }
    let letter_spaced = min_gap != f32::MAX && min_gap > 0.1;
    let wide = if letter_spaced {
        (1.3 * min_gap).min(0.4)
    } else {
        0.1
    };
    let mut text = String::new();
    let mut prev_x1: Option<f32> = None;
    let mut pending_space = false;
    let mut prev_size = l.size;
    let mut prev_base = l.base;
    let mut furn = 0usize;
    let mut styles: HashMap<u16, usize> = HashMap::new();
    let mut count = 0usize;
    for g in &l.glyphs {
        let pgl = &pg.glyphs[g.idx];
        if g.space {
            pending_space = true;
            continue;
        }
        if let Some(px) = prev_x1 {
            let gap = g.x0 - px;
            // At a size change (sub- and superscripts) measure against the
            // smaller size, as pdftotext's per-word sizes do.
            // At a size and baseline change (sub- and superscripts) any real
            // gap separates words, as in pdftotext (TeX's \scriptspace).
            let shifted = (g.size - prev_size).abs() > 0.15 * g.size.max(prev_size)
                && (g.base - prev_base).abs() > 0.1 * g.size.max(prev_size);
            let thr = if shifted {
                0.02 * g.size.max(prev_size)
            } else {
                wide.max(0.1) * g.size.max(l.size * 0.3)
            };
            // In letter-spaced lines space glyphs are only gaps, as in
            // pdftotext ("A G E N D A" set with spaces reads "AGENDA").
            let space_breaks = pending_space && !letter_spaced;
            if (space_breaks || gap > thr || gap < -0.6 * g.size) && !text.ends_with(' ') {
                text.push(' ');
            }
        }
        pending_space = false;
        push_clean(&mut text, pg.glyph_text(pgl));
        prev_x1 = Some(g.x1.max(g.x0));
        prev_size = g.size;
        prev_base = g.base;
        count += 1;
        if pgl.furniture {
            furn += 1;
        }
        *styles.entry(pgl.style).or_default() += 1;
    }
    l.text = text.trim().to_string();
    l.furniture = count > 0 && furn * 2 > count;
    l.style = styles
        .into_iter()
        .max_by_key(|&(s, c)| (c, std::cmp::Reverse(s)))
        .map(|(s, _)| s)
        .unwrap_or(0);
}

/// Appends glyph text: ligatures expanded, soft hyphens and controls dropped,
/// no-break and other spaces as plain spaces.
fn push_clean(out: &mut String, t: &str) {
    for c in t.chars() {
        match c {
            '\u{FB00}'..='\u{FB06}' => out.extend(c.to_string().nfkc()),
            '\u{AD}' => {}
            '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{3000}' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ')
                }
            }
            '\u{200B}'..='\u{200D}' | '\u{FEFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

fn build_blocks(mut lines: Vec<Line>) -> (Vec<Line>, Vec<Block>) {
    lines.sort_by(|a, b| b.base.total_cmp(&a.base).then(a.x0.total_cmp(&b.x0)));
    let mut blocks: Vec<Block> = Vec::new();
    let max_size = lines.iter().map(|l| l.size).fold(0.0f32, f32::max);
    // Lines come top to bottom; blocks whose last line is out of reach drop
    // out of the active set.
    let mut active: Vec<usize> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        active.retain(|&bi| {
            let last = &lines[*blocks[bi].lines.last().expect("block has lines")];
            last.base - l.base <= 1.5 * max_size
        });
        let mut best: Option<(usize, f32)> = None;
        for &bi in &active {
            let b = &blocks[bi];
            let last = &lines[*b.lines.last().expect("block has lines")];
            let pitch = last.base - l.base;
            let s = last.size.max(l.size);
            if pitch <= 0.2 * s || pitch > 1.5 * s {
                continue;
            }
            let ratio = last.size / l.size;
            if !(0.85..=1.18).contains(&ratio) || last.furniture != l.furniture {
                continue;
            }
            let overlap = l.x1.min(last.x1) - l.x0.max(last.x0);
            if overlap <= 0.0 {
                continue;
            }
            if best.is_none_or(|(_, p)| pitch < p) {
                best = Some((bi, pitch));
            }
        }
        match best {
            Some((bi, _)) => {
                let b = &mut blocks[bi];
                b.lines.push(i);
                b.x0 = b.x0.min(l.x0);
                b.x1 = b.x1.max(l.x1);
                b.bottom = b.bottom.min(l.bottom());
            }
            None => {
                active.push(blocks.len());
                blocks.push(Block {
                    lines: vec![i],
                    x0: l.x0,
                    x1: l.x1,
                    top: l.top(),
                    bottom: l.bottom(),
                })
            }
        }
    }
    (lines, blocks)
}

/// Breuel's ordering: A before B if their x-ranges overlap and A is above, or
/// A is left of B and no block between them vertically spans both.
fn order_blocks(_lines: &[Line], blocks: &[Block]) -> Vec<usize> {
    let n = blocks.len();
    let mut idx: Vec<usize> = (0..n).collect();
    let key = |b: &Block| (-b.top, b.x0);
    idx.sort_by(|&a, &b| {
        let (ka, kb) = (key(&blocks[a]), key(&blocks[b]));
        ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    if n <= 1 || n > 400 {
        return idx;
    }
    let overlap = |a: &Block, b: &Block| a.x1.min(b.x1) - a.x0.max(b.x0) > 0.0;
    let cy = |b: &Block| (b.top + b.bottom) / 2.0;
    // A narrow block (labels, line numbers) entirely below a block on its
    // right does not pull ahead of it: such pages read row by row.
    let text_width = blocks.iter().map(|b| b.x1).fold(f32::MIN, f32::max)
        - blocks.iter().map(|b| b.x0).fold(f32::MAX, f32::min);
    let mut before = vec![vec![false; n]; n];
    let mut indeg = vec![0usize; n];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                continue;
            }
            let (ba, bb) = (&blocks[a], &blocks[b]);
            let edge = if overlap(ba, bb) {
                cy(ba) > cy(bb)
            } else if ba.x1 <= bb.x0 + 1.0
                && !(ba.top < bb.bottom && ba.x1 - ba.x0 < 0.25 * text_width)
            {
                let (lo, hi) = if cy(ba) < cy(bb) {
                    (cy(ba), cy(bb))
                } else {
                    (cy(bb), cy(ba))
                };
                !(0..n).any(|c| {
                    c != a && c != b && {
                        let bc = &blocks[c];
                        let y = cy(bc);
                        y > lo && y < hi && overlap(bc, ba) && overlap(bc, bb)
                    }
                })
            } else {
                false
            };
            if edge {
                before[a][b] = true;
                indeg[b] += 1;
            }
        }
    }
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        // First ready block in (top, left) order; if a cycle leaves none
        // ready, take the first remaining.
        let pick = idx
            .iter()
            .copied()
            .find(|&i| !done[i] && indeg[i] == 0)
            .or_else(|| idx.iter().copied().find(|&i| !done[i]))
            .expect("a block remains");
        done[pick] = true;
        out.push(pick);
        for b in 0..n {
            if before[pick][b] && indeg[b] > 0 {
                indeg[b] -= 1;
            }
        }
    }
    out
}

fn emit(
    pg: &PageGlyphs,
    rot: u8,
    lines: &[Line],
    blocks: &[Block],
    ordered: &[usize],
    block_base: u32,
    out: &mut Vec<TextLine>,
) -> u32 {
    let mut n = 0u32;
    for &bi in ordered {
        let b = &blocks[bi];
        let mut texts: Vec<String> = b.lines.iter().map(|&i| lines[i].text.clone()).collect();
        // De-hyphenation: "recom-" + "mended" → "recommended".
        for k in 0..texts.len().saturating_sub(1) {
            let ends = {
                let t = &texts[k];
                let mut rc = t.chars().rev();
                matches!(rc.next(), Some('-' | '\u{2010}'))
                    && rc.next().is_some_and(|c| c.is_alphabetic())
            };
            let next_lower = texts[k + 1]
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase());
            if ends && next_lower {
                let next = std::mem::take(&mut texts[k + 1]);
                let (word, rest) = match next.split_once(' ') {
                    Some((w, r)) => (w.to_string(), r.to_string()),
                    None => (next.clone(), String::new()),
                };
                let t = &mut texts[k];
                t.pop();
                t.push_str(&word);
                texts[k + 1] = rest;
            }
        }
        let block_id = block_base + n;
        let mut any = false;
        for (k, &li) in b.lines.iter().enumerate() {
            if texts[k].is_empty() {
                continue;
            }
            let l = &lines[li];
            let (ax, ay) = from_frame(rot, l.x0, l.bottom());
            let (bx, by) = from_frame(rot, l.x1, l.top());
            let (bold, italic) = pg
                .styles
                .get(l.style as usize)
                .copied()
                .unwrap_or((false, false));
            out.push(TextLine {
                text: std::mem::take(&mut texts[k]),
                bbox: [ax.min(bx), ay.min(by), ax.max(bx), ay.max(by)],
                font_size: (l.size * 100.0).round() / 100.0,
                bold,
                italic,
                block: block_id,
                furniture: l.furniture,
            });
            any = true;
        }
        if any {
            n += 1;
        }
    }
    n
}
