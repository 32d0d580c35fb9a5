//! The one data model every stage shares.
//!
//! Extraction gives [`Document`] (pages of positioned [`TextLine`]s); segmentation
//! turns that into a [`Report`] and its [`Statement`]s; linking adds [`Link`]s and
//! [`Chain`]s; the dataset writer serialises these types as they are, so the serde
//! derives here *are* the JSON dataset format (see `schema/` and the README).
//!
//! Nothing in this module does I/O or holds policy; it is types and small helpers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the dataset format written to `manifest.json`. Bump on any
/// incompatible change to the serialised types below.
pub const SCHEMA_VERSION: &str = "1.0.0";

// ---------------------------------------------------------------------------
// Extraction output
// ---------------------------------------------------------------------------

/// One line of text on a page, in reading order, with what later stages need to
/// find headings (size, weight) and furniture (running heads, footers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextLine {
    /// The line's text, words separated by single spaces, ligatures expanded.
    pub text: String,
    /// Left, bottom, right, top in PDF user space after CropBox and /Rotate
    /// (origin bottom-left of the visible page, y up).
    pub bbox: [f32; 4],
    /// Dominant font size of the line in points (after the text matrix and CTM).
    pub font_size: f32,
    /// The dominant font looks bold (name or FontDescriptor weight/flags).
    pub bold: bool,
    /// The dominant font looks italic.
    pub italic: bool,
    /// Index of the layout block (paragraph/cell) this line belongs to on its page;
    /// lines of one block are contiguous in reading order.
    pub block: u32,
    /// Running header, footer or page number (tagged /Artifact or detected as
    /// repeating across pages). Kept for `findings text`, left out of statements.
    pub furniture: bool,
}

/// Per-page extraction quality, so garbled pages are flagged, never passed off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuality {
    /// Glyphs shown on the page.
    pub glyphs: u32,
    /// Glyphs that mapped to no character or to U+FFFD.
    pub unmapped: u32,
    /// Images drawn on the page (a page with images and no glyphs needs OCR).
    pub images: u32,
}

impl PageQuality {
    /// Share of glyphs that did not map to text, 0.0 when the page has none.
    pub fn unmapped_share(&self) -> f32 {
        if self.glyphs == 0 {
            0.0
        } else {
            self.unmapped as f32 / self.glyphs as f32
        }
    }
}

/// One extracted page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number in the file.
    pub number: u32,
    /// Visible width and height in points (after /Rotate).
    pub width: f32,
    /// See `width`.
    pub height: f32,
    /// Lines in reading order.
    pub lines: Vec<TextLine>,
    /// Quality counters.
    pub quality: PageQuality,
}

impl Page {
    /// Text of the page as `findings text` prints it: every line (furniture
    /// included), blocks separated by a blank line.
    pub fn full_text(&self) -> String {
        join_lines(self.lines.iter())
    }

    /// Text of the page without furniture; statement character offsets index
    /// into this string.
    pub fn body_text(&self) -> String {
        join_lines(self.lines.iter().filter(|l| !l.furniture))
    }
}

fn join_lines<'a>(lines: impl Iterator<Item = &'a TextLine> + Clone) -> String {
    let mut out = String::with_capacity(lines.clone().map(|l| l.text.len() + 2).sum());
    let mut last_block: Option<u32> = None;
    for line in lines {
        if let Some(b) = last_block {
            out.push('\n');
            if b != line.block {
                out.push('\n');
            }
        }
        out.push_str(&line.text);
        last_block = Some(line.block);
    }
    out
}

/// The PDF Info dictionary fields we use for metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocInfo {
    /// /Title.
    pub title: Option<String>,
    /// /Author.
    pub author: Option<String>,
    /// /Subject.
    pub subject: Option<String>,
    /// /Producer.
    pub producer: Option<String>,
    /// /Creator.
    pub creator: Option<String>,
    /// /CreationDate as written (`D:YYYYMMDD...`).
    pub creation_date: Option<String>,
}

/// What extraction gives for one PDF.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Pages in file order.
    pub pages: Vec<Page>,
    /// Info dictionary.
    pub info: DocInfo,
    /// Problems that did not stop extraction (recovered xref, unmapped glyphs,
    /// pages with no text layer, limits hit).
    pub warnings: Vec<ExtractWarning>,
}

/// A problem that did not stop extraction of a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExtractWarning {
    /// 1-based page, when the problem is on one page.
    pub page: Option<u32>,
    /// Category id: `no_text_layer`, `garbled_text`, `xref_recovered`,
    /// `limit_ops`, `limit_glyphs`, `timeout`, `unmapped_glyphs`, `broken_stream`, ...
    pub category: String,
    /// Human-readable detail.
    pub message: String,
}

// ---------------------------------------------------------------------------
// Reports and statements
// ---------------------------------------------------------------------------

/// Where a metadata field's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Text of the cover (first) pages.
    Cover,
    /// The PDF Info dictionary.
    PdfInfo,
    /// The file name.
    FileName,
    /// Body text beyond the cover.
    Body,
    /// Not found.
    None,
}

/// Kind of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportType {
    /// PEEL force assessment.
    Peel,
    /// Child sexual exploitation inspection.
    ChildSexualExploitation,
    /// National child protection inspection.
    ChildProtection,
    /// Police custody inspection.
    Custody,
    /// National thematic inspection.
    Thematic,
    /// Joint inspection (JTAI and similar).
    Joint,
    /// Fire and rescue service inspection.
    FireAndRescue,
    /// Revisit, re-inspection or post-inspection review.
    Revisit,
    /// Anything else.
    Other,
}

impl ReportType {
    /// Every type, in display order.
    pub const ALL: [ReportType; 9] = [
        ReportType::Peel,
        ReportType::ChildSexualExploitation,
        ReportType::ChildProtection,
        ReportType::Custody,
        ReportType::Thematic,
        ReportType::Joint,
        ReportType::FireAndRescue,
        ReportType::Revisit,
        ReportType::Other,
    ];

    /// The snake_case id used in the dataset and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportType::Peel => "peel",
            ReportType::ChildSexualExploitation => "child_sexual_exploitation",
            ReportType::ChildProtection => "child_protection",
            ReportType::Custody => "custody",
            ReportType::Thematic => "thematic",
            ReportType::Joint => "joint",
            ReportType::FireAndRescue => "fire_and_rescue",
            ReportType::Revisit => "revisit",
            ReportType::Other => "other",
        }
    }

    /// Parse the snake_case id.
    pub fn parse(s: &str) -> Option<ReportType> {
        ReportType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Who wrote the document (press reports often mix them up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publisher {
    /// HM Inspectorate of Constabulary and Fire & Rescue Services (from 2017).
    Hmicfrs,
    /// HM Inspectorate of Constabulary (before July 2017).
    Hmic,
    /// Ofsted, alone or leading a joint inspection.
    Ofsted,
    /// A joint inspection by several inspectorates.
    Joint,
    /// HM Inspectorate of Prisons.
    HmiPrisons,
    /// Care Quality Commission.
    Cqc,
    /// An independent review.
    IndependentReview,
    /// Someone else, or unknown.
    Other,
}

impl Publisher {
    /// Every publisher, in display order.
    pub const ALL: [Publisher; 8] = [
        Publisher::Hmicfrs,
        Publisher::Hmic,
        Publisher::Ofsted,
        Publisher::Joint,
        Publisher::HmiPrisons,
        Publisher::Cqc,
        Publisher::IndependentReview,
        Publisher::Other,
    ];

    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            Publisher::Hmicfrs => "hmicfrs",
            Publisher::Hmic => "hmic",
            Publisher::Ofsted => "ofsted",
            Publisher::Joint => "joint",
            Publisher::HmiPrisons => "hmi_prisons",
            Publisher::Cqc => "cqc",
            Publisher::IndependentReview => "independent_review",
            Publisher::Other => "other",
        }
    }
}

/// What sort of organisation was inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyType {
    /// A police force.
    PoliceForce,
    /// A fire and rescue service.
    FireAndRescueService,
    /// A local authority.
    LocalAuthority,
    /// A prison or custody suite.
    Prison,
    /// A national body (NCA, College of Policing, ...).
    NationalBody,
    /// Anything else.
    Other,
}

impl BodyType {
    /// Every body type, in display order.
    pub const ALL: [BodyType; 6] = [
        BodyType::PoliceForce,
        BodyType::FireAndRescueService,
        BodyType::LocalAuthority,
        BodyType::Prison,
        BodyType::NationalBody,
        BodyType::Other,
    ];

    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyType::PoliceForce => "police_force",
            BodyType::FireAndRescueService => "fire_and_rescue_service",
            BodyType::LocalAuthority => "local_authority",
            BodyType::Prison => "prison",
            BodyType::NationalBody => "national_body",
            BodyType::Other => "other",
        }
    }

    /// Parse the snake_case id.
    pub fn parse(s: &str) -> Option<BodyType> {
        BodyType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A metadata value with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value (None when not found).
    pub value: Option<T>,
    /// Where it came from.
    pub source: Source,
}

impl<T> Sourced<T> {
    /// A value found in `source`.
    pub fn found(value: T, source: Source) -> Self {
        Sourced {
            value: Some(value),
            source,
        }
    }
    /// Nothing found.
    pub fn none() -> Self {
        Sourced {
            value: None,
            source: Source::None,
        }
    }
}

/// Processing status of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Read completely.
    Ok,
    /// Read, but some pages or objects could not be (see warnings and errors).
    Partial,
    /// Not read.
    Failed,
}

/// One report (one distinct PDF by content hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Stable id: `r-` + the first 12 hex digits of the file's sha256.
    pub id: String,
    /// Path relative to the input root (the first, in sorted order, when the same
    /// file appears under several paths).
    pub file: String,
    /// Every path with this content, sorted.
    pub files: Vec<String>,
    /// sha256 of the file, hex.
    pub sha256: String,
    /// Title (cover text, else PDF Info, else file name).
    pub title: String,
    /// Canonical force or service name for single-force reports.
    pub force: Option<String>,
    /// Every force named as inspected (several for national/thematic reports).
    pub forces: Vec<String>,
    /// The inspected body (force, service, local authority, ...).
    pub body: Option<String>,
    /// Type of `body`.
    pub body_type: Option<BodyType>,
    /// Every inspected body.
    pub bodies: Vec<String>,
    /// Who wrote it.
    pub publisher: Publisher,
    /// Publication date, `YYYY-MM` or `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Report type.
    pub report_type: ReportType,
    /// Page count.
    pub pages: u32,
    /// /Producer of the PDF.
    pub producer: Option<String>,
    /// Processing status.
    pub status: ReportStatus,
    /// Non-fatal problems.
    pub warnings: Vec<String>,
    /// Where each metadata field came from.
    pub sources: MetadataSources,
}

/// The source of each metadata field of a [`Report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataSources {
    /// Source of `title`.
    pub title: Source,
    /// Source of `force`/`forces`.
    pub force: Source,
    /// Source of `publisher`.
    pub publisher: Source,
    /// Source of `published`.
    pub published: Source,
    /// Source of `report_type`.
    pub report_type: Source,
}

/// Kind of statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A recommendation (usually numbered, time-bound, with an addressee).
    Recommendation,
    /// A cause of concern.
    CauseOfConcern,
    /// An area for improvement.
    AreaForImprovement,
    /// Innovative or promising practice.
    InnovativePractice,
    /// A graded judgement (area and grade).
    GradedJudgement,
    /// Any other substantive paragraph.
    Finding,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 6] = [
        Kind::Recommendation,
        Kind::CauseOfConcern,
        Kind::AreaForImprovement,
        Kind::InnovativePractice,
        Kind::GradedJudgement,
        Kind::Finding,
    ];

    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Recommendation => "recommendation",
            Kind::CauseOfConcern => "cause_of_concern",
            Kind::AreaForImprovement => "area_for_improvement",
            Kind::InnovativePractice => "innovative_practice",
            Kind::GradedJudgement => "graded_judgement",
            Kind::Finding => "finding",
        }
    }

    /// Parse the snake_case id.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A graded judgement's grade, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Outstanding.
    Outstanding,
    /// Good.
    Good,
    /// Adequate (PEEL 2021 on).
    Adequate,
    /// Requires improvement (Ofsted: "requires improvement to be good").
    RequiresImprovement,
    /// Inadequate.
    Inadequate,
}

impl Grade {
    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Outstanding => "outstanding",
            Grade::Good => "good",
            Grade::Adequate => "adequate",
            Grade::RequiresImprovement => "requires_improvement",
            Grade::Inadequate => "inadequate",
        }
    }
}

/// Why a statement carries a theme or kind: the rule and the text it matched.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    /// What was tagged: a theme id or a kind id.
    pub target: String,
    /// The rule's stable id.
    pub rule: String,
    /// Byte offsets of the match in the statement's text.
    pub span: [usize; 2],
}

/// Status of an earlier recommendation as a later report states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// Not met / not addressed / insufficient progress.
    NotMet,
    /// Partially met / some progress.
    PartiallyMet,
    /// Met / achieved / closed.
    Met,
}

impl LinkStatus {
    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::NotMet => "not_met",
            LinkStatus::PartiallyMet => "partially_met",
            LinkStatus::Met => "met",
        }
    }
}

/// A statement that points back to an earlier report ("in our 2019 report we
/// recommended ..."), as found by segmentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackReference {
    /// The year of the earlier report, when stated.
    pub year: Option<i32>,
    /// The status stated, if any.
    pub status: Option<LinkStatus>,
    /// The rule that found it.
    pub rule: String,
}

/// One statement of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Stable id: `s-` + 16 hex digits of a hash of report sha256, page and text.
    pub id: String,
    /// The report's id.
    pub report_id: String,
    /// Kind.
    pub kind: Kind,
    /// Theme ids, sorted.
    pub themes: Vec<String>,
    /// The statement's text, whitespace-normalised.
    pub text: String,
    /// First page (1-based).
    pub page: u32,
    /// Last page.
    pub page_end: u32,
    /// Section path, headings joined by " > ".
    pub section: Option<String>,
    /// Recommendation number ("3", "2.1") or null.
    pub number: Option<String>,
    /// For graded judgements: the area judged.
    pub area: Option<String>,
    /// For graded judgements: the grade.
    pub grade: Option<Grade>,
    /// Deadline date in ISO form (YYYY-MM-DD) or null.
    pub deadline: Option<String>,
    /// Who must act ("chief constables", "the force"), or null.
    pub addressee: Option<String>,
    /// For a recommendation under a cause of concern: the cause's id.
    pub parent: Option<String>,
    /// Ids of the rules that tagged it (kind and themes), sorted, unique.
    pub rules: Vec<String>,
    /// Each tag with the rule and the matched span.
    pub tags: Vec<Tag>,
    /// Explicit back-reference found in the text.
    pub back_reference: Option<BackReference>,
    /// Character offsets (Unicode scalar values) into the first page's body text.
    pub char_start: usize,
    /// End offset (on `page_end`'s body text when the statement spans pages).
    pub char_end: usize,
    /// The repeat chain it belongs to, if any (filled by linking).
    pub chain_id: Option<String>,
}

impl Statement {
    /// A statement of `kind` with this id, report and text, on page 1, every
    /// other field empty. For tests, benchmarks and tools that build
    /// statements by hand; segmentation fills every field itself.
    pub fn new(
        id: impl Into<String>,
        report_id: impl Into<String>,
        kind: Kind,
        text: impl Into<String>,
    ) -> Statement {
        let text = text.into();
        Statement {
            id: id.into(),
            report_id: report_id.into(),
            kind,
            themes: vec![],
            page: 1,
            page_end: 1,
            section: None,
            number: None,
            area: None,
            grade: None,
            deadline: None,
            addressee: None,
            parent: None,
            rules: vec![],
            tags: vec![],
            back_reference: None,
            char_start: 0,
            char_end: text.chars().count(),
            chain_id: None,
            text,
        }
    }
}

// ---------------------------------------------------------------------------
// Linking
// ---------------------------------------------------------------------------

/// How a link was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMethod {
    /// Text similarity.
    Similarity,
    /// The later statement refers back to the earlier report explicitly.
    ExplicitReference,
}

/// A later statement that repeats an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The later statement.
    pub from: String,
    /// The earlier statement.
    pub to: String,
    /// Score in [0, 1].
    pub score: f32,
    /// How it was found.
    pub method: LinkMethod,
    /// Status where the later report states one.
    pub status: Option<LinkStatus>,
    /// The two reports are about different bodies.
    pub cross_force: bool,
    /// Salient shared terms (stems), the why of the link.
    pub terms: Vec<String>,
}

/// Connected statements read as a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    /// Stable id: `c-` + 16 hex digits of a hash of the earliest statement id.
    pub id: String,
    /// Statement ids in publication order (ties by id).
    pub statements: Vec<String>,
    /// Report ids in publication order, unique.
    pub reports: Vec<String>,
    /// Forces or bodies involved, sorted.
    pub forces: Vec<String>,
    /// Union of the statements' themes, sorted.
    pub themes: Vec<String>,
    /// Publication date of the earliest report.
    pub first_seen: Option<String>,
    /// Publication date of the latest report.
    pub last_seen: Option<String>,
    /// Latest status stated along the chain.
    pub latest_status: Option<LinkStatus>,
}

// ---------------------------------------------------------------------------
// Errors in the dataset
// ---------------------------------------------------------------------------

/// Pipeline stage, for error records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading the file from disk.
    Read,
    /// PDF parsing and text extraction.
    Extract,
    /// Segmentation and tagging.
    Segment,
    /// Anything after (index, linking).
    Write,
}

/// One failed or partly read document, as written to `errors.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// Path relative to the input root.
    pub file: String,
    /// sha256 of the file when it could be read.
    pub sha256: Option<String>,
    /// Stage that failed.
    pub stage: Stage,
    /// Category id (`encrypted`, `truncated`, `not_a_pdf`, `no_text_layer`, ...).
    pub category: String,
    /// 1-based page, when the problem is on one page.
    pub page: Option<u32>,
    /// Human-readable message.
    pub message: String,
}

/// Hex digest helpers used for stable ids.
pub mod ids {
    use sha2::{Digest, Sha256};

    /// sha256 of bytes, lowercase hex.
    pub fn sha256_hex(bytes: &[u8]) -> String {
        let digest = Sha256::digest(bytes);
        base16ct::lower::encode_string(&digest)
    }

    /// Report id from the file's sha256 hex.
    pub fn report_id(sha256: &str) -> String {
        format!("r-{}", &sha256[..12.min(sha256.len())])
    }

    /// Statement id from the report's sha256, first page, ordinal within the
    /// report and text: stable across runs and machines.
    pub fn statement_id(sha256: &str, page: u32, ordinal: usize, text: &str) -> String {
        let mut h = Sha256::new();
        h.update(sha256.as_bytes());
        h.update(page.to_le_bytes());
        h.update((ordinal as u64).to_le_bytes());
        h.update(text.as_bytes());
        let hex = base16ct::lower::encode_string(&h.finalize());
        format!("s-{}", &hex[..16])
    }

    /// Chain id from the id of its earliest statement.
    pub fn chain_id(first_statement: &str) -> String {
        let hex = sha256_hex(first_statement.as_bytes());
        format!("c-{}", &hex[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, block: u32, furniture: bool) -> TextLine {
        TextLine {
            text: text.into(),
            bbox: [0.0; 4],
            font_size: 10.0,
            bold: false,
            italic: false,
            block,
            furniture,
        }
    }

    #[test]
    fn page_text_separates_blocks_and_drops_furniture_from_body() {
        let page = Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            lines: vec![
                line("Header", 0, true),
                line("First line", 1, false),
                line("second line", 1, false),
                line("Next block", 2, false),
            ],
            quality: PageQuality::default(),
        };
        assert_eq!(
            page.full_text(),
            "Header\n\nFirst line\nsecond line\n\nNext block"
        );
        assert_eq!(page.body_text(), "First line\nsecond line\n\nNext block");
    }

    #[test]
    fn ids_are_stable_and_prefixed() {
        let sha = ids::sha256_hex(b"abc");
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ids::report_id(&sha), "r-ba7816bf8f01");
        let a = ids::statement_id(&sha, 3, 7, "text");
        assert_eq!(a, ids::statement_id(&sha, 3, 7, "text"));
        assert_ne!(a, ids::statement_id(&sha, 3, 8, "text"));
        assert!(a.starts_with("s-") && a.len() == 18);
    }

    #[test]
    fn enums_round_trip_their_ids() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for t in ReportType::ALL {
            assert_eq!(ReportType::parse(t.as_str()), Some(t));
        }
        for b in BodyType::ALL {
            assert_eq!(BodyType::parse(b.as_str()), Some(b));
            let json = serde_json::to_string(&b).unwrap();
            assert_eq!(json, format!("\"{}\"", b.as_str()));
        }
        let json = serde_json::to_string(&Kind::CauseOfConcern).unwrap();
        assert_eq!(json, "\"cause_of_concern\"");
    }
}
