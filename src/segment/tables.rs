//! Table rows rebuilt from line geometry.
//!
//! Extraction gives a table column by column (as pdftotext does): each column
//! is a block of lines in reading order. Statements in tables (a judgement
//! "Investigating crime | Inadequate", a recommendation "1 | Put in place ... |
//! By 31 March 2019") need the row. This module finds, on one page, runs of
//! lines that sit side by side on shared baselines with aligned column starts,
//! where at least one column is narrow (two-column body text has only wide
//! columns), and replaces those lines with one line per row, cells separated by
//! a tab. Lines below a row that stay inside one column (a wrapped cell) join
//! that cell. Everything else is passed through in its original order.

use crate::model::{Page, TextLine};

/// A line in reading order with its character span in the page's body text.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The line (a rebuilt row has cells separated by `\t`).
    pub line: TextLine,
    /// Start offset (chars) in the page body text.
    pub start: usize,
    /// End offset.
    pub end: usize,
    /// This is a rebuilt table row.
    pub row: bool,
}

/// Lines on a page beyond which table search is skipped (cost is quadratic).
const MAX_LINES: usize = 1500;

fn height(l: &TextLine) -> f32 {
    (l.bbox[3] - l.bbox[1]).max(l.font_size * 0.7).max(1.0)
}

/// The text columns of a page: x-ranges covered by wide lines (at least 30% of
/// the page width) sharing a left edge, at least three of them. A table sits
/// inside one column, so cells in different columns are never one row; this
/// keeps a table inside the left column of a two-column page apart from the
/// body text of the right column.
fn text_columns(lines: &[Placed], page_width: f32) -> Vec<(f32, f32)> {
    let mut columns: Vec<(f32, f32, usize)> = Vec::new();
    for p in lines {
        let b = p.line.bbox;
        if b[2] - b[0] < 0.3 * page_width {
            continue;
        }
        match columns.iter_mut().find(|c| (c.0 - b[0]).abs() < 4.0) {
            Some(c) => {
                c.1 = c.1.max(b[2]);
                c.2 += 1;
            }
            None => columns.push((b[0], b[2], 1)),
        }
    }
    columns
        .into_iter()
        .filter(|c| c.2 >= 3)
        .map(|c| (c.0, c.1))
        .collect()
}

fn column_of(line: &TextLine, columns: &[(f32, f32)]) -> Option<usize> {
    columns
        .iter()
        .position(|c| line.bbox[0] >= c.0 - 4.0 && line.bbox[2] <= c.1 + 4.0)
}

/// Two lines sit side by side as cells of one row; `ca`, `cb` are their text
/// columns ([`column_of`]).
fn side_by_side(a: &TextLine, ca: Option<usize>, b: &TextLine, cb: Option<usize>) -> bool {
    if ca != cb {
        return false;
    }
    let top = a.bbox[3].min(b.bbox[3]);
    let bottom = a.bbox[1].max(b.bbox[1]);
    let overlap = top - bottom;
    let size = a.font_size.min(b.font_size).max(1.0);
    let gap = if a.bbox[0] <= b.bbox[0] {
        b.bbox[0] - a.bbox[2]
    } else {
        a.bbox[0] - b.bbox[2]
    };
    // 0.3, not 0.5: a one-line cell set vertically centred beside a two-line
    // cell (Ofsted's grade beside a wrapped area) overlaps each line by a
    // third to a half; lines of consecutive rows never overlap.
    // A gap of 0.7 em: an area cell may run to within 9 pt of the grade
    // column (Ofsted's "Key judgement | Judgement grade" tables).
    overlap >= 0.3 * height(a).min(height(b)) && gap >= 0.7 * size
}

/// Rebuild the table rows of a page. `lines` are the page's non-furniture
/// lines in reading order with their offsets.
pub fn rebuild(page: &Page, lines: Vec<Placed>) -> Vec<Placed> {
    let n = lines.len();
    if !(4..=MAX_LINES).contains(&n) {
        return lines;
    }
    let columns = text_columns(&lines, page.width);
    let column: Vec<Option<usize>> = lines.iter().map(|p| column_of(&p.line, &columns)).collect();
    // Rows: connected groups of lines that sit side by side. Lines are swept
    // bottom-up, and each is compared only with the lines whose bottom lies
    // below its top (no other can overlap it vertically). Components are
    // rooted at their smallest index, whatever the order of unions.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut by_bottom: Vec<usize> = (0..n).collect();
    by_bottom.sort_by(|&a, &b| {
        lines[a].line.bbox[1]
            .total_cmp(&lines[b].line.bbox[1])
            .then(a.cmp(&b))
    });
    for (k, &i) in by_bottom.iter().enumerate() {
        let li = &lines[i].line;
        for &j in &by_bottom[k + 1..] {
            let lj = &lines[j].line;
            if lj.bbox[1] >= li.bbox[3] {
                break;
            }
            if side_by_side(li, column[i], lj, column[j]) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    // Multi-cell rows, top to bottom, cells left to right.
    let mut rows: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() >= 2).collect();
    for r in &mut rows {
        r.sort_by(|&a, &b| lines[a].line.bbox[0].total_cmp(&lines[b].line.bbox[0]));
    }
    rows.sort_by(|a, b| top(&lines, b).total_cmp(&top(&lines, a)));

    // Group consecutive rows with aligned column starts into tables.
    let mut tables: Vec<Vec<Vec<usize>>> = Vec::new();
    for row in rows {
        let starts: Vec<f32> = row.iter().map(|&i| lines[i].line.bbox[0]).collect();
        let joins = tables.last().and_then(|t| t.last()).is_some_and(|prev| {
            let prev_starts: Vec<f32> = prev.iter().map(|&i| lines[i].line.bbox[0]).collect();
            let shared = starts
                .iter()
                .filter(|x| prev_starts.iter().any(|p| (*p - **x).abs() < 4.0))
                .count();
            let gap = bottom(&lines, prev) - top(&lines, &row);
            // The last columns aligned count for two: a judgement table's
            // area cells are indented by level ("2.1 Adoption performance")
            // while the grade column stays put.
            let last_shared = match (row.last(), prev.last()) {
                (Some(&a), Some(&b)) => (lines[a].line.bbox[0] - lines[b].line.bbox[0]).abs() < 4.0,
                _ => false,
            };
            (shared >= 2 || shared >= 1 && last_shared) && gap < 8.0 * height(&lines[row[0]].line)
        });
        if joins {
            if let Some(t) = tables.last_mut() {
                t.push(row);
            }
        } else {
            tables.push(vec![row]);
        }
    }
    let narrow = page.width * 0.3;
    tables.retain(|t| {
        if t.len() < 2 {
            return false;
        }
        // Some column must be narrow in every row: two-column body text fails.
        let starts = column_starts(&lines, t);
        starts.iter().any(|&c| {
            t.iter().all(|row| {
                row.iter()
                    .filter(|&&i| (lines[i].line.bbox[0] - c).abs() < 4.0)
                    .all(|&i| lines[i].line.bbox[2] - lines[i].line.bbox[0] < narrow)
            })
        })
    });
    if tables.is_empty() {
        return lines;
    }

    let mut used = vec![false; n];
    // (index of the first line it replaces, the row)
    let mut emitted: Vec<(usize, Placed)> = Vec::new();
    // Every table's own lines first, so a wrapped-cell search below one table
    // never takes the rows of the next.
    for row in tables.iter().flatten() {
        for &i in row {
            used[i] = true;
        }
    }
    // Lines by top, highest first (ties in page order): the lines between
    // two rows are a run of it. A line without a top is never below a row.
    let mut by_top: Vec<usize> = (0..n)
        .filter(|&i| !lines[i].line.bbox[3].is_nan())
        .collect();
    by_top.sort_by(|&a, &b| lines[b].line.bbox[3].total_cmp(&lines[a].line.bbox[3]));
    for table in &tables {
        let starts = column_starts(&lines, table);
        let left = table
            .iter()
            .flatten()
            .map(|&i| lines[i].line.bbox[0])
            .fold(f32::MAX, f32::min)
            - 2.0;
        let right = table
            .iter()
            .flatten()
            .map(|&i| lines[i].line.bbox[2])
            .fold(f32::MIN, f32::max)
            + 2.0;
        for (k, row) in table.iter().enumerate() {
            let row_top = top(&lines, row);
            let next_top = table.get(k + 1).map(|r| top(&lines, r));
            let mut cells: Vec<(f32, Vec<usize>)> = starts.iter().map(|&c| (c, vec![])).collect();
            for &i in row {
                push_cell(&mut cells, &lines[i].line, i);
            }
            // Wrapped cell lines: below the row, above the next, inside the table.
            let mut last_bottom = bottom(&lines, row);
            let from = by_top.partition_point(|&i| lines[i].line.bbox[3] > row_top + 1.0);
            let to = match next_top {
                Some(t) => by_top.partition_point(|&i| lines[i].line.bbox[3] > t + 1.0),
                None => by_top.len(),
            };
            let below: Vec<usize> = by_top[from..to.max(from)]
                .iter()
                .copied()
                .filter(|&i| {
                    let l = &lines[i].line;
                    !used[i]
                        && l.bbox[3] <= row_top + 1.0
                        && next_top.is_none_or(|t| l.bbox[3] > t + 1.0)
                        && l.bbox[0] >= left
                        && l.bbox[2] <= right
                })
                .collect();
            for i in below {
                let l = &lines[i].line;
                // After the last row, stop at the first clear vertical break.
                if next_top.is_none() && last_bottom - l.bbox[3] > 1.2 * height(l) {
                    break;
                }
                last_bottom = last_bottom.min(l.bbox[1]);
                used[i] = true;
                push_cell(&mut cells, l, i);
            }
            let members: Vec<usize> = cells.iter().flat_map(|c| c.1.iter().copied()).collect();
            let first = *members.iter().min().unwrap_or(&row[0]);
            let text = cells
                .iter()
                .filter(|c| !c.1.is_empty())
                .map(|c| {
                    let mut idx = c.1.clone();
                    idx.sort_by(|&a, &b| lines[b].line.bbox[3].total_cmp(&lines[a].line.bbox[3]));
                    let mut s = String::new();
                    for i in idx {
                        super::structure::append_text(&mut s, lines[i].line.text.trim());
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join("\t");
            let start = members.iter().map(|&i| lines[i].start).min().unwrap_or(0);
            let end = members.iter().map(|&i| lines[i].end).max().unwrap_or(start);
            let mut line = lines[row[0]].line.clone();
            line.text = text;
            line.bold = false;
            line.block = u32::MAX - emitted.len() as u32;
            line.bbox = [left, bottom(&lines, row), right, row_top];
            emitted.push((
                first,
                Placed {
                    line,
                    start,
                    end,
                    row: true,
                },
            ));
        }
    }
    emitted.sort_by_key(|(first, _)| *first);
    let mut out = Vec::with_capacity(n);
    let mut rows = emitted.into_iter().peekable();
    for (i, placed) in lines.into_iter().enumerate() {
        while rows.peek().is_some_and(|(first, _)| *first <= i) {
            if let Some((_, r)) = rows.next() {
                out.push(r);
            }
        }
        if !used[i] {
            out.push(placed);
        }
    }
    out.extend(rows.map(|(_, r)| r));
    out
}

fn top(lines: &[Placed], row: &[usize]) -> f32 {
    row.iter()
        .map(|&i| lines[i].line.bbox[3])
        .fold(f32::MIN, f32::max)
}

fn bottom(lines: &[Placed], row: &[usize]) -> f32 {
    row.iter()
        .map(|&i| lines[i].line.bbox[1])
        .fold(f32::MAX, f32::min)
}

/// Column start positions of a table, left to right.
fn column_starts(lines: &[Placed], table: &[Vec<usize>]) -> Vec<f32> {
    let mut starts: Vec<f32> = Vec::new();
    for &i in table.iter().flatten() {
        let x = lines[i].line.bbox[0];
        if !starts.iter().any(|s| (s - x).abs() < 4.0) {
            starts.push(x);
        }
    }
    starts.sort_by(f32::total_cmp);
    starts
}

/// Put a line into the column whose start is nearest at or left of it.
fn push_cell(cells: &mut [(f32, Vec<usize>)], line: &TextLine, index: usize) {
    let x = line.bbox[0];
    let pos = cells.iter().rposition(|c| c.0 <= x + 4.0).unwrap_or(0);
    cells[pos].1.push(index);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PageQuality;

    fn line(text: &str, x0: f32, y: f32, x1: f32, block: u32) -> TextLine {
        TextLine {
            text: text.into(),
            bbox: [x0, y, x1, y + 10.0],
            font_size: 10.0,
            bold: false,
            italic: false,
            block,
            furniture: false,
        }
    }

    fn placed(lines: Vec<TextLine>) -> Vec<Placed> {
        let mut pos = 0;
        lines
            .into_iter()
            .map(|line| {
                let start = pos;
                pos += line.text.chars().count() + 1;
                Placed {
                    end: start + line.text.chars().count(),
                    line,
                    start,
                    row: false,
                }
            })
            .collect()
    }

    fn page() -> Page {
        Page {
            number: 2,
            width: 595.0,
            height: 842.0,
            lines: vec![],
            quality: PageQuality::default(),
        }
    }

    #[test]
    fn column_by_column_table_becomes_rows() {
        // Extraction order: intro, left column, right column.
        let lines = placed(vec![
            line(
                "We make graded judgements as follows:",
                72.0,
                700.0,
                400.0,
                0,
            ),
            line("Investigating crime", 72.0, 680.0, 170.0, 1),
            line("Recording data about", 72.0, 664.0, 180.0, 1),
            line("crime", 72.0, 652.0, 100.0, 1),
            line("Inadequate", 300.0, 680.0, 350.0, 2),
            line("Good", 300.0, 664.0, 325.0, 2),
        ]);
        let out = rebuild(&page(), lines);
        let texts: Vec<&str> = out.iter().map(|p| p.line.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "We make graded judgements as follows:",
                "Investigating crime\tInadequate",
                "Recording data about crime\tGood"
            ]
        );
        assert!(out[1].row && !out[0].row);
    }

    #[test]
    fn indented_rows_and_a_centred_grade_stay_in_one_table() {
        // Ofsted's first-page judgement table: sub-areas indented, a grade
        // cell centred beside a two-line area, lines 12 apart and 10 high.
        let lines = placed(vec![
            line("1. Children who need help", 72.0, 700.0, 250.0, 0),
            line("2. Children looked after and", 72.0, 676.0, 260.0, 1),
            line("achieving permanence", 90.0, 664.0, 200.0, 1),
            line("2.1 Adoption performance", 120.0, 640.0, 260.0, 2),
            line("3. Leadership and governance", 72.0, 616.0, 270.0, 3),
            line("Good", 390.0, 700.0, 420.0, 4),
            line("Requires improvement", 390.0, 670.0, 500.0, 5),
            line("Good", 390.0, 640.0, 420.0, 6),
            line("Outstanding", 390.0, 616.0, 450.0, 7),
        ]);
        let out = rebuild(&page(), lines);
        let texts: Vec<&str> = out.iter().map(|p| p.line.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "1. Children who need help\tGood",
                "2. Children looked after and\tachieving permanence\tRequires improvement",
                "2.1 Adoption performance\tGood",
                "3. Leadership and governance\tOutstanding"
            ]
        );
    }

    #[test]
    fn table_inside_one_column_keeps_the_other_column_apart() {
        let lines = placed(vec![
            line("Investigating crime", 72.0, 680.0, 170.0, 1),
            line("Managing offenders", 72.0, 664.0, 165.0, 1),
            line("Good", 200.0, 680.0, 225.0, 2),
            line("Inadequate", 200.0, 664.0, 250.0, 2),
            line(
                "Body text starts above the table and",
                305.0,
                700.0,
                523.0,
                3,
            ),
            line(
                "continues beside it on the right of",
                305.0,
                680.0,
                523.0,
                3,
            ),
            line("the page, down past its last row.", 305.0, 664.0, 523.0, 3),
            line(
                "Left column text below the table too.",
                72.0,
                640.0,
                290.0,
                4,
            ),
            line(
                "It is wide, as body text in a column is.",
                72.0,
                628.0,
                290.0,
                4,
            ),
            line(
                "A third wide line makes it a column.",
                72.0,
                616.0,
                290.0,
                4,
            ),
        ]);
        let out = rebuild(&page(), lines);
        let texts: Vec<&str> = out.iter().map(|p| p.line.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Investigating crime\tGood",
                "Managing offenders\tInadequate",
                "Body text starts above the table and",
                "continues beside it on the right of",
                "the page, down past its last row.",
                "Left column text below the table too.",
                "It is wide, as body text in a column is.",
                "A third wide line makes it a column."
            ]
        );
    }

    #[test]
    fn two_column_body_text_is_left_alone() {
        let lines = placed(vec![
            line(
                "The force has made progress in how it",
                72.0,
                700.0,
                290.0,
                0,
            ),
            line(
                "records crime, but we found problems.",
                72.0,
                688.0,
                290.0,
                0,
            ),
            line(
                "Supervisors did not review the plans",
                305.0,
                700.0,
                523.0,
                1,
            ),
            line(
                "of most investigations that we saw.",
                305.0,
                688.0,
                523.0,
                1,
            ),
        ]);
        let out = rebuild(&page(), lines.clone());
        assert!(out.iter().all(|p| !p.row));
        assert_eq!(out.len(), lines.len());
    }
}
