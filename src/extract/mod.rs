//! Extraction: PDF bytes → [`Document`] (pages of positioned text lines in
//! reading order), using lopdf for objects, streams and decryption and our own
//! content-stream interpreter for text.
//!
//! Takes the bytes of one PDF and [`Limits`]; gives a [`Document`] with
//! warnings, or an [`ExtractError`] whose [`ExtractError::category`] is a stable
//! id for `errors.jsonl`. Stages: [`load`] (open, decrypt, page tree) →
//! [`lexer`] (never-failing tokenizer) → [`interpreter`] (text state, fonts via
//! [`font`], [`encoding`], [`cmap`]) → [`layout`] (words, lines, blocks,
//! reading order) → running header/footer detection across pages (here).
//! It never panics to the caller (a `catch_unwind` fence per document and per
//! page) and never hangs (operator and deadline checks). It does not segment
//! or interpret the text, run OCR, or protect against stack overflow and OOM
//! aborts, which need a worker process.

mod cmap;
mod encoding;
mod font;
mod interpreter;
mod layout;
mod lexer;
mod load;

#[cfg(test)]
mod tests;

use crate::model::{DocInfo, Document, ExtractWarning, Page, PageQuality, TextLine};
use interpreter::{FontCache, Interp, Matrix, RunLimits, mul};
use rayon::prelude::*;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// Bounds that keep hostile files from exhausting time or memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input file accepted.
    pub max_file_bytes: u64,
    /// Largest decompressed stream.
    pub max_decompressed_bytes: usize,
    /// Content-stream operators per page (the rest of the page is skipped).
    pub max_ops_per_page: usize,
    /// Wall-clock budget for one document.
    pub doc_timeout: Duration,
    /// Wall-clock budget for one page.
    pub page_timeout: Duration,
    /// Glyphs kept per page.
    pub max_glyphs_per_page: usize,
    /// Decoded content bytes per page.
    pub max_page_content_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_decompressed_bytes: 64 << 20,
            max_ops_per_page: 1_000_000,
            doc_timeout: Duration::from_secs(120),
            page_timeout: Duration::from_secs(5),
            max_glyphs_per_page: 500_000,
            max_page_content_bytes: 32 << 20,
        }
    }
}

/// Why a document could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The bytes are not a PDF.
    #[error("not a PDF: {0}")]
    NotAPdf(String),
    /// The file ends early.
    #[error("truncated: {0}")]
    Truncated(String),
    /// Cross-reference data unreadable.
    #[error("broken xref: {0}")]
    BrokenXref(String),
    /// A user password is needed.
    #[error("encrypted: password required")]
    Encrypted,
    /// An encryption scheme lopdf does not support.
    #[error("encrypted: unsupported security handler {0}")]
    EncryptedUnsupported(String),
    /// A stream filter that cannot be decoded where it is essential.
    #[error("unsupported filter: {0}")]
    UnsupportedFilter(String),
    /// A size limit was exceeded.
    #[error("limit: {0}")]
    Limit(String),
    /// The document deadline passed before any page was extracted.
    #[error("timeout: no page extracted within {0:?}")]
    Timeout(Duration),
    /// The page tree holds no pages.
    #[error("no pages: {0}")]
    NoPages(String),
    /// A caught panic (a bug in extraction).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ExtractError {
    /// Stable category id.
    pub fn category(&self) -> &'static str {
        match self {
            ExtractError::NotAPdf(_) => "not_a_pdf",
            ExtractError::Truncated(_) => "truncated",
            ExtractError::BrokenXref(_) => "broken_xref",
            ExtractError::Encrypted | ExtractError::EncryptedUnsupported(_) => "encrypted",
            ExtractError::UnsupportedFilter(_) => "unsupported_filter",
            ExtractError::Limit(_) => "limit",
            ExtractError::Timeout(_) => "timeout",
            ExtractError::NoPages(_) => "no_pages",
            ExtractError::Internal(_) => "internal",
        }
    }
}

/// Extract every page of a PDF held in memory.
pub fn extract_bytes(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    extract_pages(bytes, limits, None)
}

/// Extract the pages `first..=last` (1-based, clamped) or all pages.
pub fn extract_pages(
    bytes: &[u8],
    limits: &Limits,
    pages: Option<(u32, u32)>,
) -> Result<Document, ExtractError> {
    match catch_unwind(AssertUnwindSafe(|| extract_inner(bytes, limits, pages))) {
        Ok(r) => r,
        Err(p) => Err(ExtractError::Internal(panic_message(&p))),
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = p.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".into()
    }
}

fn warn(doc: &mut Document, page: Option<u32>, category: &str, message: impl Into<String>) {
    doc.warnings.push(ExtractWarning {
        page,
        category: category.into(),
        message: message.into(),
    });
}

fn extract_inner(
    bytes: &[u8],
    limits: &Limits,
    range: Option<(u32, u32)>,
) -> Result<Document, ExtractError> {
    let start = Instant::now();
    let deadline = start + limits.doc_timeout;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ExtractError::Limit(format!(
            "file of {} bytes exceeds the {}-byte limit",
            bytes.len(),
            limits.max_file_bytes
        )));
    }
    let pdf = load::open(bytes, limits.max_decompressed_bytes)?;
    let mut out = Document {
        info: doc_info(&pdf),
        ..Default::default()
    };
    if pdf.xref_recovery.is_some() {
        warn(
            &mut out,
            None,
            "xref_recovered",
            "cross-reference data was repaired or rebuilt",
        );
    }
    let pages = load::pages(&pdf);
    if pages.is_empty() {
        if load::looks_truncated(bytes) {
            return Err(ExtractError::Truncated(
                "no %%EOF and xref could not be rebuilt".into(),
            ));
        }
        return Err(ExtractError::NoPages("the page tree has no pages".into()));
    }
    let (first, last) = match range {
        Some((a, b)) => (a.max(1), b.min(pages.len() as u32)),
        None => (1, pages.len() as u32),
    };
    // Pages are read in parallel runs of consecutive pages (each run with
    // its own font cache), so a long report keeps every core busy; results
    // are put back in page order, so the output does not depend on threads.
    let wanted: Vec<(u32, &load::PageRef<'_>)> = pages
        .iter()
        .enumerate()
        .map(|(i, pr)| (i as u32 + 1, pr))
        .filter(|(number, _)| (first..=last).contains(number))
        .collect();
    let runs: Vec<Vec<PageOutcome>> = wanted
        .par_chunks(PAGES_PER_RUN)
        .map(|run| {
            let mut cache = FontCache::default();
            run.iter()
                .map(|&(number, pr)| {
                    if Instant::now() > deadline {
                        return PageOutcome::PastDeadline;
                    }
                    let page_deadline = deadline.min(Instant::now() + limits.page_timeout);
                    match catch_unwind(AssertUnwindSafe(|| {
                        extract_page(&pdf, pr, limits, page_deadline, &mut cache)
                    })) {
                        Ok((mut page, warnings)) => {
                            page.number = number;
                            PageOutcome::Read(page, warnings)
                        }
                        Err(p) => {
                            // The font cache may hold a half-built entry; start afresh.
                            cache = FontCache::default();
                            PageOutcome::Panicked(number, panic_message(&p))
                        }
                    }
                })
                .collect()
        })
        .collect();
    for (outcome, &(number, _)) in runs.into_iter().flatten().zip(&wanted) {
        match outcome {
            PageOutcome::PastDeadline => {
                warn(
                    &mut out,
                    Some(number),
                    "timeout",
                    format!(
                        "document deadline of {:?} passed; later pages skipped",
                        limits.doc_timeout
                    ),
                );
                break;
            }
            PageOutcome::Read(page, warnings) => {
                for (cat, msg) in warnings {
                    warn(&mut out, Some(number), cat, msg);
                }
                out.pages.push(page);
            }
            PageOutcome::Panicked(number, message) => {
                warn(&mut out, Some(number), "internal", message);
                out.pages.push(Page {
                    number,
                    width: 0.0,
                    height: 0.0,
                    lines: Vec::new(),
                    quality: PageQuality::default(),
                });
            }
        }
    }
    if out.pages.is_empty() {
        return Err(ExtractError::Timeout(limits.doc_timeout));
    }
    mark_running_furniture(&mut out.pages);
    Ok(out)
}

fn doc_info(pdf: &lopdf::Document) -> DocInfo {
    let info = pdf
        .trailer
        .get(b"Info")
        .ok()
        .map(|o| font::deref(pdf, o))
        .and_then(font::as_dict);
    let get = |k: &[u8]| -> Option<String> {
        let d = info?;
        match font::dget(pdf, d, k)? {
            lopdf::Object::String(s, _) => {
                let t = encoding::decode_text_string(s).trim().to_string();
                if t.is_empty() { None } else { Some(t) }
            }
            _ => None,
        }
    };
    DocInfo {
        title: get(b"Title"),
        author: get(b"Author"),
        subject: get(b"Subject"),
        producer: get(b"Producer"),
        creator: get(b"Creator"),
        creation_date: get(b"CreationDate"),
    }
}

type PageWarnings = Vec<(&'static str, String)>;

/// Consecutive pages read by one task with one font cache: long enough that
/// fonts shared by neighbouring pages are parsed once per run, short enough
/// that a long report is spread over every core.
const PAGES_PER_RUN: usize = 8;

/// What reading one page gave.
enum PageOutcome {
    Read(Page, PageWarnings),
    Panicked(u32, String),
    /// The document's deadline had passed before the page was started.
    PastDeadline,
}

fn extract_page(
    pdf: &lopdf::Document,
    pr: &load::PageRef<'_>,
    limits: &Limits,
    deadline: Instant,
    cache: &mut FontCache,
) -> (Page, PageWarnings) {
    let mut w: PageWarnings = Vec::new();
    let [x0, y0, x1, y1] = pr.bbox;
    let (bw, bh) = (x1 - x0, y1 - y0);
    // Initial CTM: CropBox origin to (0,0), then /Rotate (clockwise display).
    let shift: Matrix = [1.0, 0.0, 0.0, 1.0, -x0, -y0];
    let (rot, width, height): (Matrix, f64, f64) = match pr.rotate {
        90 => ([0.0, -1.0, 1.0, 0.0, 0.0, bw], bh, bw),
        180 => ([-1.0, 0.0, 0.0, -1.0, bw, bh], bw, bh),
        270 => ([0.0, 1.0, -1.0, 0.0, bh, 0.0], bh, bw),
        _ => (interpreter::IDENTITY, bw, bh),
    };
    let ctm = mul(&shift, &rot);
    let (content, broken, over) = load::page_content(pdf, pr.dict, limits.max_page_content_bytes);
    if broken > 0 {
        w.push((
            if over {
                "limit_stream"
            } else {
                "broken_stream"
            },
            format!("{broken} content stream(s) could not be decoded within limits"),
        ));
    }
    let rl = RunLimits {
        max_ops: limits.max_ops_per_page,
        max_glyphs: limits.max_glyphs_per_page,
        deadline,
        max_stream: limits.max_page_content_bytes,
    };
    let mut interp = Interp::new(pdf, cache, &rl, ctm);
    interp.run_page(&content, pr.resources);
    run_annotations(pdf, pr.dict, &mut interp);
    let pg = interp.finish();
    if pg.hit_op_limit {
        w.push((
            "limit_ops",
            format!(
                "more than {} operators; rest of page skipped",
                limits.max_ops_per_page
            ),
        ));
    }
    if pg.hit_glyph_limit {
        w.push((
            "limit_glyphs",
            format!(
                "more than {} glyphs; rest dropped",
                limits.max_glyphs_per_page
            ),
        ));
    }
    if pg.timed_out {
        w.push((
            "timeout",
            "page deadline passed; rest of page skipped".into(),
        ));
    }
    if pg.broken_streams > 0 {
        w.push((
            "broken_stream",
            format!("{} form stream(s) could not be decoded", pg.broken_streams),
        ));
    }
    if pg.recoveries > 0 {
        w.push((
            "content_recovered",
            format!(
                "{} unreadable content-stream token(s) skipped",
                pg.recoveries
            ),
        ));
    }
    let quality = PageQuality {
        glyphs: pg.glyph_count,
        unmapped: pg.unmapped,
        images: pg.images,
    };
    if quality.glyphs == 0 && quality.images > 0 {
        w.push(("no_text_layer", "no text layer (needs OCR)".into()));
    }
    if quality.unmapped_share() > 0.10 {
        w.push((
            "garbled_text",
            format!(
                "{} of {} glyphs have no Unicode mapping",
                quality.unmapped, quality.glyphs
            ),
        ));
    }
    let lines = layout::layout(&pg, width as f32, height as f32);
    (
        Page {
            number: 0,
            width: width as f32,
            height: height as f32,
            lines,
            quality,
        },
        w,
    )
}

/// Runs the normal appearances of the page's annotations, as pdftotext and
/// mutool print them (§12.5.5): skips Popup, Link and Hidden/NoView ones.
fn run_annotations<'a>(
    pdf: &'a lopdf::Document,
    page: &'a lopdf::Dictionary,
    interp: &mut Interp<'a>,
) {
    let Some(lopdf::Object::Array(annots)) = font::dget(pdf, page, b"Annots") else {
        return;
    };
    for a in annots.iter().take(1000) {
        let Some(ad) = font::as_dict(font::deref(pdf, a)) else {
            continue;
        };
        let sub = font::dget(pdf, ad, b"Subtype").and_then(|o| o.as_name().ok());
        if matches!(sub, Some(b"Popup" | b"Link")) {
            continue;
        }
        let flags = font::dget(pdf, ad, b"F").and_then(font::num).unwrap_or(0.0) as i64;
        if flags & (2 | 32) != 0 {
            continue;
        }
        let Some(lopdf::Object::Array(r)) = font::dget(pdf, ad, b"Rect") else {
            continue;
        };
        let v: Vec<f64> = r
            .iter()
            .filter_map(|o| font::num(font::deref(pdf, o)))
            .collect();
        if v.len() != 4 {
            continue;
        }
        let Some(ap) = font::dget(pdf, ad, b"AP").and_then(font::as_dict) else {
            continue;
        };
        let Some(n_raw) = ap.get(b"N").ok() else {
            continue;
        };
        let (mut id, mut n) = (
            match n_raw {
                lopdf::Object::Reference(r) => Some(*r),
                _ => None,
            },
            font::deref(pdf, n_raw),
        );
        if let lopdf::Object::Dictionary(states) = n {
            // Appearance states: pick /AS.
            let Some(state) = font::dget(pdf, ad, b"AS").and_then(|o| o.as_name().ok()) else {
                continue;
            };
            let Some(s) = states.get(state).ok() else {
                continue;
            };
            id = match s {
                lopdf::Object::Reference(r) => Some(*r),
                _ => None,
            };
            n = font::deref(pdf, s);
        }
        interp.run_appearance(n, id, [v[0], v[1], v[2], v[3]]);
    }
}

/// Normalised key of a header/footer candidate: lowercase, digits and roman
/// numerals → `#`, spaces collapsed.
fn furniture_key(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let lw = word.to_lowercase();
        let roman = !lw.is_empty() && lw.len() <= 6 && lw.chars().all(|c| "ivxlc".contains(c));
        if !out.is_empty() {
            out.push(' ');
        }
        if roman {
            out.push('#');
            continue;
        }
        let mut last_hash = false;
        for c in lw.chars() {
            if c.is_ascii_digit() {
                if !last_hash {
                    out.push('#');
                }
                last_hash = true;
            } else {
                out.push(c);
                last_hash = false;
            }
        }
    }
    out
}

/// Marks running headers, footers and page numbers (PDF-TEXT.md §3): lines
/// in the top or bottom 10 % whose normalised text recurs on ≥ 50 % of the
/// pages within ±5 pages (and on ≥ 3 pages). Bare page numbers count alone.
fn mark_running_furniture(pages: &mut [Page]) {
    let n = pages.len();
    if n < 3 {
        return;
    }
    // (page index, line index, zone, key)
    let mut keys: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
    for (pi, p) in pages.iter().enumerate() {
        let h = p.height.max(1.0);
        for (li, l) in p.lines.iter().enumerate() {
            let zone = if l.bbox[1] >= 0.9 * h {
                'T'
            } else if l.bbox[3] <= 0.1 * h {
                'B'
            } else {
                continue;
            };
            let k = furniture_key(&l.text);
            if k.is_empty() {
                continue;
            }
            keys[pi].push((li, format!("{zone}{k}")));
        }
    }
    let mut pages_with: HashMap<&str, Vec<usize>> = HashMap::new();
    for (pi, ks) in keys.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for (_, k) in ks {
            if seen.insert(k.as_str()) {
                pages_with.entry(k.as_str()).or_default().push(pi);
            }
        }
    }
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (pi, ks) in keys.iter().enumerate() {
        for (li, k) in ks {
            let list = &pages_with[k.as_str()];
            if list.len() < 3 {
                continue;
            }
            let lo = pi.saturating_sub(5);
            let hi = (pi + 5).min(n - 1);
            let window = hi - lo + 1;
            let count = list.iter().filter(|&&q| q >= lo && q <= hi).count();
            let bare_number = k[1..]
                .chars()
                .all(|c| c == '#' || c == ' ' || c == '-' || c == '.');
            if count * 2 >= window || (bare_number && count >= 3) {
                marks.push((pi, *li));
            }
        }
    }
    for (pi, li) in marks {
        pages[pi].lines[li].furniture = true;
    }
    // A furniture line sharing a block with body text gets its own block id.
    for p in pages.iter_mut() {
        let max_block = p.lines.iter().map(|l| l.block).max().unwrap_or(0);
        let mut next = max_block + 1;
        let lines: &mut Vec<TextLine> = &mut p.lines;
        for i in 0..lines.len() {
            if !lines[i].furniture {
                continue;
            }
            let b = lines[i].block;
            let shared = lines.iter().any(|o| o.block == b && !o.furniture);
            if shared {
                lines[i].block = next;
                next += 1;
            }
        }
    }
}
