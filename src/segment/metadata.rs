//! Report metadata: title, inspected bodies, publisher, publication date and
//! report type, each with the source it came from (cover text, PDF Info
//! dictionary, file name). Wording cues (types, publishers) come from the rule
//! files; body names from the bodies registry. Does not read statements.

use super::DocInput;
use super::structure::Layout;
use crate::model::{
    BodyType, Document, MetadataSources, Publisher, Report, ReportStatus, ReportType, Source, ids,
};
use crate::patterns::{Bodies, RuleSet};
use regex::Regex;
use std::sync::LazyLock;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

static DATE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})(?:st|nd|rd|th)?\s+(january|february|march|april|may|june|july|august|september|october|november|december)\s+((?:19|20)\d{2})(?-u:\b)")
        .expect("date regex")
});
static DATE_MY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(january|february|march|april|may|june|july|august|september|october|november|december)\s+((?:19|20)\d{2})(?-u:\b)")
        .expect("month regex")
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)published(?:\s+on)?\s*:?\s*(.{0,40})").expect("published regex")
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})(?:[^0-9]|$)").expect("year regex"));

/// Parse the first date in `text`: `YYYY-MM-DD` from "3 February 2015",
/// `YYYY-MM` from "February 2015".
pub fn parse_date(text: &str) -> Option<String> {
    if let Some(c) = DATE_DMY.captures(text) {
        let day: u32 = c[1].parse().ok()?;
        let month = month_number(&c[2])?;
        if (1..=31).contains(&day) {
            return Some(format!("{}-{month:02}-{day:02}", &c[3]));
        }
    }
    let c = DATE_MY.captures(text)?;
    Some(format!("{}-{:02}", &c[2], month_number(&c[1])?))
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == lower)
        .map(|i| i as u32 + 1)
}

/// `D:YYYYMM...` from the Info dictionary → `YYYY-MM`.
fn info_date(raw: &str) -> Option<String> {
    let digits: String = raw
        .trim_start_matches("D:")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() >= 6 {
        let month: u32 = digits[4..6].parse().ok()?;
        if (1..=12).contains(&month) {
            return Some(format!("{}-{month:02}", &digits[..4]));
        }
    }
    None
}

/// The publication date and where it came from.
fn published(doc: &Document, layout: &Layout, input: &DocInput) -> (Option<String>, Source) {
    // A "Published ..." line on the cover is the strongest cue.
    for c in PUBLISHED.captures_iter(&layout.cover_text) {
        if let Some(d) = parse_date(&c[1]) {
            return (Some(d), Source::Cover);
        }
    }
    if let Some(d) = parse_date(&layout.cover_text) {
        return (Some(d), Source::Cover);
    }
    if let Some(d) = doc.info.creation_date.as_deref().and_then(info_date) {
        return (Some(d), Source::PdfInfo);
    }
    if let Some(c) = YEAR.captures(&input.file) {
        return (Some(c[1].to_string()), Source::FileName);
    }
    (None, Source::None)
}

/// The title: the cover's largest lines, else the Info /Title, else the file name.
fn title(doc: &Document, layout: &Layout, input: &DocInput) -> (String, Source) {
    let largest = layout
        .cover_lines
        .iter()
        .map(|l| l.1)
        .fold(0.0f32, f32::max);
    if largest > layout.body_size * 1.2 {
        let mut parts = Vec::new();
        let mut started = false;
        for (text, size, _) in &layout.cover_lines {
            if (size - largest).abs() < 0.6 {
                parts.push(text.trim());
                started = true;
            } else if started {
                break;
            }
        }
        let t = parts.join(" ");
        if t.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
            return (t, Source::Cover);
        }
    }
    if let Some(t) = doc.info.title.as_deref().map(str::trim)
        && t.chars().filter(|c| c.is_alphabetic()).count() >= 4
    {
        return (t.to_string(), Source::PdfInfo);
    }
    let stem = std::path::Path::new(&input.file)
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
        .unwrap_or_default();
    (stem, Source::FileName)
}

/// Build the report metadata.
pub fn report(
    doc: &Document,
    layout: &Layout,
    input: &DocInput,
    rules: &RuleSet,
    bodies: &Bodies,
) -> Report {
    let (title, title_source) = title(doc, layout, input);
    let (published, published_source) = published(doc, layout, input);
    let year = published
        .as_deref()
        .and_then(|p| p.get(..4))
        .and_then(|y| y.parse::<i32>().ok());
    let cover = format!("{title}\n{}", layout.cover_text);

    let (publisher, publisher_source) = match rules.publisher(&cover, year) {
        Some((p, _)) => (p, Source::Cover),
        None => (Publisher::Other, Source::None),
    };
    let (report_type, type_source) = match rules.report_type(&cover) {
        Some((t, _)) => (t, Source::Cover),
        None => match rules.report_type(&input.file.replace(['-', '_'], " ")) {
            Some((t, _)) => (t, Source::FileName),
            None => (ReportType::Other, Source::None),
        },
    };

    // Bodies: those named in the title first, then on the cover.
    let mut found: Vec<(String, BodyType)> = Vec::new();
    let mut force_source = Source::None;
    for (text, source) in [(&title, title_source), (&layout.cover_text, Source::Cover)] {
        for m in bodies.find_all(text) {
            if !found.iter().any(|(n, _)| *n == m.canonical) {
                found.push((m.canonical.to_string(), m.body_type));
                if force_source == Source::None {
                    force_source = source;
                }
            }
        }
    }
    let forces: Vec<String> = found
        .iter()
        .filter(|(_, t)| matches!(t, BodyType::PoliceForce | BodyType::NationalBody))
        .map(|(n, _)| n.clone())
        .collect();
    let single = found.len() == 1 && report_type != ReportType::Thematic;
    let (body, body_type) = if single {
        (Some(found[0].0.clone()), Some(found[0].1))
    } else {
        (None, None)
    };
    let force = if single && forces.len() == 1 {
        Some(forces[0].clone())
    } else {
        None
    };

    let mut warnings: Vec<String> = doc
        .warnings
        .iter()
        .map(|w| match w.page {
            Some(p) => format!("{} (page {p}): {}", w.category, w.message),
            None => format!("{}: {}", w.category, w.message),
        })
        .collect();
    warnings.sort();
    warnings.dedup();

    Report {
        id: ids::report_id(&input.sha256),
        file: input.file.clone(),
        files: input.files.clone(),
        sha256: input.sha256.clone(),
        title,
        force,
        forces,
        body,
        body_type,
        bodies: found.into_iter().map(|(n, _)| n).collect(),
        publisher,
        published,
        report_type,
        pages: doc.pages.len() as u32,
        producer: doc.info.producer.clone(),
        status: ReportStatus::Ok,
        warnings,
        sources: MetadataSources {
            title: title_source,
            force: force_source,
            publisher: publisher_source,
            published: published_source,
            report_type: type_source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_in_report_forms() {
        assert_eq!(
            parse_date("Published 3 February 2015").as_deref(),
            Some("2015-02-03")
        );
        assert_eq!(
            parse_date("Published: 21st October 2022").as_deref(),
            Some("2022-10-21")
        );
        assert_eq!(parse_date("April 2023").as_deref(), Some("2023-04"));
        assert_eq!(parse_date("no date here 2019"), None);
        assert_eq!(info_date("D:20160314120000Z").as_deref(), Some("2016-03"));
        assert_eq!(info_date("garbage"), None);
    }
}
