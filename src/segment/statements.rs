//! Paragraphs → statements with kinds.
//!
//! Walks the paragraphs of a [`Layout`] keeping the heading stack. A heading
//! that a `kind.*.heading` rule recognises ("Areas for improvement", "Cause of
//! concern", "Our judgements", ...) gives its kind to the items below it; a
//! single-item heading ("Recommendation 3") gives its kind and number to the
//! next paragraph; lead-ins ending in a colon ("Within three months, the force
//! should:") pass their deadline and addressee to the list below. Outside such
//! sections, `kind.*.text` rules decide, and other substantive paragraphs are
//! findings. Themes, grades and back-references come from the rules too.

use super::metadata::parse_date;
use super::structure::{Layout, Para};
use crate::model::{Grade, Kind, Report, Statement, Tag, ids};
use crate::patterns::RuleSet;
use regex::Regex;
use std::sync::LazyLock;

static ITEM_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(recommendation|area for improvement|cause of concern|area of concern)\s+(\d{1,3}(?:\.\d{1,2})?)\s*[:.]?\s*(.*)$")
        .expect("item heading")
});
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:by|no later than|before)\s+((?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{4})")
        .expect("deadline")
});
static ADDRESSEE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:^|,\s*|(?-u:\b)that\s+|(?-u:\b)recommends?\s+that\s+)",
        r"(?P<a>(?:all\s+)?chief (?:constables|officers)|(?:all\s+)?forces",
        r"|the (?:force|constabulary|service|local authority)",
        r"|(?:local\s+)?police and crime commissioners|pccs",
        r"|the national police chiefs'? council(?:'s)?(?: lead for [^,]+?| lead)?",
        r"|the college of policing|the home office|the national crime agency",
        r"|(?:[A-Z][a-z]+(?:\s+(?:and|of|upon)\s+|\s+)){0,4}(?:Police|Constabulary|Police Service))",
        r"\s+(?:should|must|needs? to|is to)(?-u:\b)"
    ))
    .expect("addressee")
});

/// Whitespace-separated words in `text` (as `split_whitespace().count()`,
/// without decoding characters when the text is ASCII).
fn words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut count = 0;
    let mut in_word = false;
    for b in text.bytes() {
        let space = b.is_ascii_whitespace() || b == 0x0b;
        count += usize::from(!space && !in_word);
        in_word = !space;
    }
    count
}

fn ends_sentence(text: &str) -> bool {
    super::structure::ends_with_terminal(text, &['.', '!', '?'])
}

/// Lead-in context passed from "Within three months, the force should:" to its list.
#[derive(Debug, Clone, Default)]
struct LeadIn {
    kind: Option<(Kind, String)>,
    deadline: Option<String>,
    addressee: Option<String>,
}

#[derive(Debug, Clone)]
struct Heading {
    level: u8,
    text: String,
    kind: Option<(Kind, String)>,
}

/// Build the statements of one report.
pub fn statements(layout: &Layout, report: &Report, rules: &RuleSet) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    let mut stack: Vec<Heading> = Vec::new();
    let mut pending: Option<(Kind, String, String)> = None; // kind, rule, number
    let mut lead: Option<LeadIn> = None;
    let mut cause_in_section: Option<String> = None;
    let mut lead_items = 0usize;
    let mut last_item_open = false;

    // A table row's deadline cell, applied to the statement the row gives.
    let mut row_deadline: Option<(usize, String)> = None;
    // The heading just before, with its page and start offset, while no text
    // has followed it.
    let mut last_heading: Option<(String, u32, usize)> = None;
    for para in &layout.paras {
        if para.heading.is_none() {
            last_heading = None;
        }
        if let Some((index, d)) = row_deadline.take()
            && let Some(s) = out.get_mut(index)
        {
            s.deadline.get_or_insert(d);
        }
        if let Some(level) = para.heading {
            lead = None;
            if let Some(c) = ITEM_HEADING.captures(&para.text) {
                let heading_word = format!("{}s", &c[1]);
                let kind = rules.kind_for_heading(&heading_word);
                if let Some((kind, rule)) = kind {
                    let rest = c[3].trim();
                    if words(rest) >= 6 {
                        // "Recommendation 3: Chief constables should ..." as one line.
                        let mut p = para.clone();
                        p.text = rest.to_string();
                        p.heading = None;
                        push(
                            &mut out,
                            &p,
                            kind,
                            &rule,
                            Some(c[2].to_string()),
                            None,
                            &stack,
                            report,
                            rules,
                        );
                    } else {
                        pending = Some((kind, rule, c[2].to_string()));
                    }
                    continue;
                }
            }
            while stack.last().is_some_and(|h| h.level >= level) {
                stack.pop();
            }
            let kind = rules.kind_for_heading(&para.text);
            // A judgement set as a heading ("The Local Safeguarding Children
            // Board is good") is a statement too. So is a heading that states
            // a grade for an area: "The experiences and progress of care
            // leavers: good", or a heading that is only a grade right under
            // the area's own heading ("Leadership, management and
            // governance" / "Requires improvement"). Either opens a judged
            // area and ends any recommendations or improvement list above.
            let judged = heading_judgement(&para.text, rules);
            let graded_area = if kind.is_none() && judged.is_none() {
                graded_area_heading(
                    &para.text,
                    last_heading
                        .as_ref()
                        .filter(|(_, page, _)| *page == para.page)
                        .map(|(text, _, _)| text.as_str()),
                    rules,
                )
            } else {
                None
            };
            if kind.is_none() && (judged.is_some() || graded_area.is_some()) {
                stack.retain(|h| h.kind.is_none());
            }
            if kind.is_none()
                && let Some((grade, grade_rule, kind_rule)) = judged
                && let Some(s) = push(
                    &mut out,
                    para,
                    Kind::GradedJudgement,
                    &kind_rule,
                    None,
                    None,
                    &stack,
                    report,
                    rules,
                )
            {
                set_grade(
                    s,
                    grade,
                    judgement_area(&para.text, grade),
                    Some(grade_rule),
                );
            }
            if let Some((grade, grade_rule, area)) = graded_area {
                let mut p = para.clone();
                if !para.text.contains(':')
                    && let Some((_, _, start)) = &last_heading
                {
                    // The statement spans the area heading and the grade.
                    p.text = format!("{area} {}", para.text);
                    p.char_start = *start;
                }
                if let Some(s) = push(
                    &mut out,
                    &p,
                    Kind::GradedJudgement,
                    &grade_rule,
                    None,
                    None,
                    &stack,
                    report,
                    rules,
                ) {
                    set_grade(s, grade, Some(area), None);
                }
            }
            last_heading = Some((para.text.clone(), para.page, para.char_start));
            if kind
                .as_ref()
                .is_some_and(|(k, _)| *k == Kind::CauseOfConcern)
            {
                cause_in_section = None;
            }
            stack.push(Heading {
                level,
                text: para.text.clone(),
                kind,
            });
            continue;
        }

        if let Some((kind, rule, number)) = pending.take() {
            push(
                &mut out,
                para,
                kind,
                &rule,
                Some(number),
                None,
                &stack,
                report,
                rules,
            );
            continue;
        }

        let section_kind = stack.iter().rev().find_map(|h| h.kind.clone());
        let text_kind = rules.kind_for_text(&para.text);
        // List items: a marker, or (after a lead-in, where bullets drawn as
        // graphics leave no marker) a lower-case start or a previous item that
        // ended with a semicolon.
        let is_item = para.marker.is_some()
            || lead.is_some()
                && (para.text.starts_with(|c: char| c.is_lowercase())
                    || last_item_open
                    || lead_items == 0);

        // A lead-in ends with a colon and introduces a list.
        if (para.text.trim_end().ends_with(':') || LEAD_IN_SENTENCE.is_match(&para.text))
            && words(&para.text) <= 40
        {
            lead_items = 0;
            last_item_open = false;
            lead = Some(LeadIn {
                kind: text_kind.as_ref().map(|(k, r, _)| (*k, r.clone())),
                deadline: deadline(&para.text),
                addressee: addressee(&para.text),
            });
            // A numbered item of a recommendations or improvement list that
            // opens sub-items ("7. Improve the quality of services to care
            // leavers by ensuring that:") is an item itself.
            let number = para
                .marker
                .clone()
                .filter(|m| m.chars().all(|c| c.is_ascii_digit()));
            if let (
                Some(number),
                Some((kind @ (Kind::Recommendation | Kind::AreaForImprovement), rule)),
            ) = (number, section_kind.clone())
                && text_kind.is_none()
                && words(&para.text) >= 4
            {
                push(
                    &mut out,
                    para,
                    kind,
                    &rule,
                    Some(number),
                    None,
                    &stack,
                    report,
                    rules,
                );
            }
            continue;
        }
        if !is_item {
            lead = None;
        } else if lead.is_some() {
            lead_items += 1;
            let end = para.text.trim_end();
            last_item_open = end.ends_with(';')
                || end.ends_with(',')
                || end.ends_with(" and")
                || end.ends_with(" or");
        }

        // A table row whose last cell is only a grade ("Overall effectiveness |
        // Requires improvement to be good") is a graded judgement wherever
        // the table is.
        if para.table_row
            && let Some((grade, grade_rule, area)) = table_judgement(&para.text, rules)
        {
            let rule = section_kind
                .as_ref()
                .filter(|(k, _)| *k == Kind::GradedJudgement)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| grade_rule.clone());
            if let Some(s) = push(
                &mut out,
                para,
                Kind::GradedJudgement,
                &rule,
                None,
                None,
                &stack,
                report,
                rules,
            ) {
                set_grade(s, grade, Some(area), Some(grade_rule));
            }
            continue;
        }

        // Graded judgements: short lines with a grade, in a judgements section
        // or anywhere when the line is a plain "Area: grade" pair.
        if let Some((grade, grade_rule)) = rules.grade(&para.text) {
            let short = words(&para.text) <= 30;
            let in_judgements = matches!(section_kind, Some((Kind::GradedJudgement, _))) && short;
            let is_text_judgement =
                matches!(text_kind, Some((Kind::GradedJudgement, _, _))) && short;
            if in_judgements || is_text_judgement {
                let rule = section_kind
                    .as_ref()
                    .filter(|(k, _)| *k == Kind::GradedJudgement)
                    .map(|(_, r)| r.clone())
                    .or_else(|| text_kind.as_ref().map(|(_, r, _)| r.clone()))
                    .unwrap_or_default();
                if let Some(s) = push(
                    &mut out,
                    para,
                    Kind::GradedJudgement,
                    &rule,
                    None,
                    None,
                    &stack,
                    report,
                    rules,
                ) {
                    set_grade(
                        s,
                        grade,
                        judgement_area(&para.text, grade),
                        Some(grade_rule),
                    );
                }
                continue;
            }
        }

        // A table row: a number cell becomes the number, a date cell the
        // deadline; the other cells are the text.
        let split;
        let para = if para.table_row {
            let (row, deadline) = split_row(para);
            if let Some(d) = deadline {
                row_deadline = Some((out.len(), d));
            }
            split = row;
            &split
        } else {
            para
        };

        if let Some(l) = lead.as_ref().filter(|_| is_item) {
            let kind = l.kind.clone().or_else(|| {
                section_kind
                    .clone()
                    .filter(|(k, _)| *k != Kind::GradedJudgement)
            });
            if let Some((mut kind, rule)) = kind {
                if kind == Kind::CauseOfConcern {
                    kind = Kind::Recommendation;
                }
                let parent = (kind == Kind::Recommendation)
                    .then(|| cause_in_section.clone())
                    .flatten();
                let number = para
                    .marker
                    .clone()
                    .filter(|m| m.chars().all(|c| c.is_ascii_digit()));
                let (deadline, addressee) = (l.deadline.clone(), l.addressee.clone());
                if let Some(s) = push(
                    &mut out, para, kind, &rule, number, parent, &stack, report, rules,
                ) {
                    s.deadline = s.deadline.take().or(deadline);
                    s.addressee = s.addressee.take().or(addressee);
                }
                continue;
            }
        }

        match section_kind {
            Some((Kind::CauseOfConcern, rule)) => {
                if cause_in_section.is_none() && !is_item && words(&para.text) >= 5 {
                    let id = push(
                        &mut out,
                        para,
                        Kind::CauseOfConcern,
                        &rule,
                        None,
                        None,
                        &stack,
                        report,
                        rules,
                    )
                    .map(|s| s.id.clone());
                    cause_in_section = id;
                    continue;
                }
                if let Some((k, r, _)) = text_kind
                    .clone()
                    .filter(|(k, _, _)| *k == Kind::Recommendation)
                {
                    let parent = cause_in_section.clone();
                    push(&mut out, para, k, &r, None, parent, &stack, report, rules);
                    continue;
                }
            }
            Some((kind @ (Kind::Recommendation | Kind::AreaForImprovement), rule)) => {
                // Items directly under "Areas for improvement" or "What needs
                // to improve" are often bare noun phrases (Ofsted's style).
                let bare_item = kind == Kind::AreaForImprovement
                    && words(&para.text) <= 35
                    && NOUN_PHRASE_ITEM.is_match(&para.text);
                let actionable = text_kind.is_some()
                    || looks_actionable(&para.text)
                    || para.marker.is_some()
                    || bare_item;
                if actionable && words(&para.text) >= 4 {
                    let number = para
                        .marker
                        .clone()
                        .filter(|m| m.chars().all(|c| c.is_ascii_digit()));
                    push(
                        &mut out, para, kind, &rule, number, None, &stack, report, rules,
                    );
                    continue;
                }
            }
            Some((Kind::InnovativePractice, rule)) if words(&para.text) >= 8 => {
                push(
                    &mut out,
                    para,
                    Kind::InnovativePractice,
                    &rule,
                    None,
                    None,
                    &stack,
                    report,
                    rules,
                );
                continue;
            }
            _ => {}
        }

        if let Some((kind, rule, _)) = text_kind
            .filter(|(k, _, _)| *k != Kind::GradedJudgement)
            .filter(|_| words(&para.text) >= 5 && !REPORTING_VOICE.is_match(&para.text))
        {
            let parent = (kind == Kind::Recommendation)
                .then(|| cause_in_section.clone())
                .flatten();
            push(
                &mut out, para, kind, &rule, None, parent, &stack, report, rules,
            );
            continue;
        }
        if words(&para.text) >= 10 && ends_sentence(&para.text) {
            push(
                &mut out,
                para,
                Kind::Finding,
                "",
                None,
                None,
                &stack,
                report,
                rules,
            );
        }
    }
    if let Some((index, d)) = row_deadline
        && let Some(s) = out.get_mut(index)
    {
        s.deadline.get_or_insert(d);
    }
    out
}

/// Split a table row into its text cells, taking a leading number cell as the
/// marker and a trailing date cell ("By 31 March 2019") as the deadline.
fn split_row(para: &Para) -> (Para, Option<String>) {
    let mut cells: Vec<&str> = para.text.split('\t').map(str::trim).collect();
    let mut row = para.clone();
    let numeric = |c: &str| {
        let c = c.trim_end_matches('.');
        !c.is_empty() && c.len() <= 3 && c.chars().all(|ch| ch.is_ascii_digit())
    };
    if cells.len() > 1 && numeric(cells[0]) {
        row.marker = Some(cells.remove(0).trim_end_matches('.').to_string());
    }
    let mut deadline = None;
    if cells.len() > 1
        && let Some(last) = cells.last()
        && words(last) <= 6
        && let Some(d) = parse_date(last)
    {
        deadline = Some(d);
        cells.pop();
    }
    row.text = cells.join(" ");
    (row, deadline)
}

/// The inspectorate speaking about its own next steps ("We will revisit ..."),
/// which is never a recommendation to the inspected body.
static REPORTING_VOICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:we|hmic|hmicfrs|ofsted|the inspectorate|inspectors)\s+(?:will|intend|plan)(?-u:\b)",
    )
    .expect("reporting voice")
});

/// A sentence that announces a list ("... should take the following steps.").
static LEAD_IN_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:the following|as follows)(?:\s+\w+){0,3}\s*[.:]$").expect("lead-in")
});

/// Ofsted-style improvement items are noun phrases, not sentences: "The
/// timeliness and quality of ...", "How well ...".
static NOUN_PHRASE_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:the\s+(?:quality|timeliness|consistency|availability|identification|use|effectiveness",
        r"|impact|range|sufficiency|stability|capacity|oversight|response|recording|analysis)(?-u:\b)",
        r"|how\s+(?:well|effectively|quickly|consistently)(?-u:\b)|(?:the\s+)?\w+\s+and\s+\w+\s+of(?-u:\b))"
    ))
    .expect("noun phrase item")
});

fn looks_actionable(text: &str) -> bool {
    static ACTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(should|must|needs? to|ought to|is to|are to)(?-u:\b)")
            .expect("action")
    });
    ACTION.is_match(text)
}

fn deadline(text: &str) -> Option<String> {
    DEADLINE.captures(text).and_then(|c| parse_date(&c[1]))
}

fn addressee(text: &str) -> Option<String> {
    ADDRESSEE.captures(text).map(|c| {
        let a = c["a"].trim();
        let lower = a.to_lowercase();
        let generic = lower.starts_with("the ")
            || lower.starts_with("all ")
            || lower.starts_with("chief ")
            || lower.contains("commissioners")
            || lower == "forces";
        if generic { lower } else { a.to_string() }
    })
}

/// A judgement table row: the last cell is only a grade, the others (a
/// leading "2.1" section number aside) name the area.
fn table_judgement(text: &str, rules: &RuleSet) -> Option<(Grade, String, String)> {
    let cells: Vec<&str> = text
        .split('\t')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let (last, rest) = cells.split_last()?;
    if rest.is_empty() {
        return None;
    }
    let (grade, rule) = rules.whole_grade(last)?;
    let area = rest.join(" ");
    let area = LEADING_NUMBER.replace(&area, "").trim().to_string();
    let ok = words(&area) <= 25
        && area.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && rules.whole_grade(&area).is_none();
    ok.then_some((grade, rule, area))
}

static LEADING_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+").expect("leading number"));

/// A heading that is a judgement sentence with a grade: the grade, the grade
/// rule and the kind rule.
fn heading_judgement(text: &str, rules: &RuleSet) -> Option<(Grade, String, String)> {
    if words(text) > 30 {
        return None;
    }
    let (kind, kind_rule, _) = rules.kind_for_text(text)?;
    if kind != Kind::GradedJudgement {
        return None;
    }
    let (grade, grade_rule) = rules.grade(text)?;
    Some((grade, grade_rule, kind_rule))
}

/// "The experiences and progress of care leavers: good", or a heading that
/// is only a grade right under a heading on the same page naming the area:
/// the grade, its rule and the area.
fn graded_area_heading(
    text: &str,
    previous: Option<&str>,
    rules: &RuleSet,
) -> Option<(Grade, String, String)> {
    let (area, tail) = match text.rsplit_once(':') {
        Some((area, tail)) => (area.trim().to_string(), tail),
        None => (previous?.trim().to_string(), text),
    };
    let (grade, rule) = rules.whole_grade(tail)?;
    let ok = words(&area) <= 25 && area.chars().filter(|c| c.is_alphabetic()).count() >= 4;
    ok.then_some((grade, rule, area))
}

/// The area of an "Investigating crime: Requires improvement" line: the text
/// with the grade words and separators removed.
fn judgement_area(text: &str, grade: Grade) -> Option<String> {
    let words = match grade {
        Grade::Outstanding => "outstanding",
        Grade::Good => "good",
        Grade::Adequate => "adequate",
        Grade::RequiresImprovement => "requires improvement",
        Grade::Inadequate => "inadequate",
    };
    let lower = text.to_lowercase();
    let at = lower.rfind(words)?;
    let area = text[..at]
        .trim()
        .trim_end_matches([':', '-', '–', '|', '\t'])
        .trim()
        .trim_end_matches(" is")
        .trim_end_matches(" was")
        .trim();
    (!area.is_empty()).then(|| area.to_string())
}

/// Give a graded judgement its grade and area, and record the rule that read
/// the grade when it is not the statement's kind rule.
fn set_grade(s: &mut Statement, grade: Grade, area: Option<String>, grade_rule: Option<String>) {
    s.grade = Some(grade);
    s.area = area;
    if let Some(rule) = grade_rule {
        s.rules.push(rule);
        s.rules.sort();
        s.rules.dedup();
    }
}

#[allow(clippy::too_many_arguments)]
fn push<'a>(
    out: &'a mut Vec<Statement>,
    para: &Para,
    kind: Kind,
    kind_rule: &str,
    number: Option<String>,
    parent: Option<String>,
    stack: &[Heading],
    report: &Report,
    rules: &RuleSet,
) -> Option<&'a mut Statement> {
    let text = para.text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    let mut tags: Vec<Tag> = rules.themes(&text);
    if !kind_rule.is_empty() {
        tags.push(Tag {
            target: kind.as_str().to_string(),
            rule: kind_rule.to_string(),
            span: [0, 0],
        });
    }
    tags.sort();
    let mut themes: Vec<String> = tags
        .iter()
        .filter(|t| Kind::parse(&t.target).is_none())
        .map(|t| t.target.clone())
        .collect();
    themes.sort();
    themes.dedup();
    let mut rule_ids: Vec<String> = tags.iter().map(|t| t.rule.clone()).collect();
    rule_ids.sort();
    rule_ids.dedup();
    let section = (!stack.is_empty()).then(|| {
        stack
            .iter()
            .map(|h| h.text.as_str())
            .collect::<Vec<_>>()
            .join(" > ")
    });
    let back_reference = rules.back_reference(&text);
    let is_action = matches!(
        kind,
        Kind::Recommendation | Kind::AreaForImprovement | Kind::CauseOfConcern
    );
    let statement = Statement {
        id: ids::statement_id(&report.sha256, para.page, out.len(), &text),
        report_id: report.id.clone(),
        kind,
        themes,
        page: para.page,
        page_end: para.page_end,
        section,
        number,
        area: None,
        grade: None,
        deadline: if is_action { deadline(&text) } else { None },
        addressee: if is_action { addressee(&text) } else { None },
        parent,
        rules: rule_ids,
        tags,
        back_reference,
        char_start: para.char_start,
        char_end: para.char_end,
        chain_id: None,
        text,
    };
    out.push(statement);
    out.last_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_counts_like_split_whitespace() {
        for t in [
            "",
            " ",
            "one",
            " two  words ",
            "tab\tand\nnew\x0bline\x0c",
            "caf\u{e9} \u{2003}x",
        ] {
            assert_eq!(words(t), t.split_whitespace().count(), "{t:?}");
        }
    }

    #[test]
    fn deadline_and_addressee_are_read() {
        assert_eq!(
            deadline("By 31 October 2023, chief constables should review").as_deref(),
            Some("2023-10-31")
        );
        assert_eq!(deadline("Within three months, the force should:"), None);
        assert_eq!(
            addressee("By 31 October 2023, chief constables should review").as_deref(),
            Some("chief constables")
        );
        assert_eq!(
            addressee("Within three months, Greater Manchester Police should:").as_deref(),
            Some("Greater Manchester Police")
        );
        assert_eq!(
            addressee("HMIC recommends that the force should immediately").as_deref(),
            Some("the force")
        );
    }

    #[test]
    fn judgement_table_rows_need_a_cell_that_is_only_a_grade() {
        let rules = RuleSet::builtin().unwrap();
        let row = table_judgement("2.1 Adoption performance\tGood", &rules).unwrap();
        assert_eq!(
            (row.0, row.2.as_str()),
            (Grade::Good, "Adoption performance")
        );
        let row = table_judgement(
            "Overall effectiveness\tRequires improvement to be good",
            &rules,
        )
        .unwrap();
        assert_eq!(row.0, Grade::RequiresImprovement);
        assert!(table_judgement("Judgement\tGrade", &rules).is_none());
        assert!(table_judgement("Good\tGood", &rules).is_none());
        assert!(table_judgement("Staff\tGood relationships with schools", &rules).is_none());
        assert!(table_judgement("Outstanding", &rules).is_none());
    }

    #[test]
    fn graded_area_headings() {
        let rules = RuleSet::builtin().unwrap();
        let prev = "Leadership, management and governance";
        let (g, _, area) = graded_area_heading("Requires improvement", Some(prev), &rules).unwrap();
        assert_eq!(
            (g, area.as_str()),
            (
                Grade::RequiresImprovement,
                "Leadership, management and governance"
            )
        );
        let (g, _, area) = graded_area_heading(
            "The experiences and progress of care leavers: good",
            None,
            &rules,
        )
        .unwrap();
        assert_eq!(
            (g, area.as_str()),
            (Grade::Good, "The experiences and progress of care leavers")
        );
        assert!(graded_area_heading("Good leadership", None, &rules).is_none());
        assert!(graded_area_heading("Requires improvement", None, &rules).is_none());
    }

    #[test]
    fn judgement_area_strips_grade() {
        assert_eq!(
            judgement_area(
                "Investigating crime: Requires improvement",
                Grade::RequiresImprovement
            )
            .as_deref(),
            Some("Investigating crime")
        );
        assert_eq!(
            judgement_area("Responding to the public\tInadequate", Grade::Inadequate).as_deref(),
            Some("Responding to the public")
        );
    }
}
