//! Opening a PDF and finding its pages (ISO 32000-1 §7.5, §7.6, §7.7.3).
//!
//! Takes the file's bytes; gives a decrypted lopdf [`Document`] (or a
//! categorized [`ExtractError`]) and the page list from our own walk of the page
//! tree: visited set against /Kids cycles, depth ≤ 64, ≤ 100,000 pages, nodes
//! without /Type accepted, /Resources, /MediaBox, /CropBox and /Rotate
//! inherited (§7.7.3.4). It does not read content streams.

use super::ExtractError;
use super::font::{as_dict, deref, dget, num, stream_bytes};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};
use std::collections::HashSet;

/// A page as found in the page tree.
pub(crate) struct PageRef<'a> {
    pub(crate) dict: &'a Dictionary,
    pub(crate) resources: Option<&'a Dictionary>,
    /// Visible box (CropBox clipped to MediaBox) as [x0, y0, x1, y1].
    pub(crate) bbox: [f64; 4],
    /// /Rotate mod 360, a multiple of 90.
    pub(crate) rotate: i64,
}

const MAX_TREE_DEPTH: usize = 64;
const MAX_PAGES: usize = 100_000;

fn has_eof(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// Loads and decrypts (empty user password) a document.
pub(crate) fn open(bytes: &[u8], max_decompressed: usize) -> Result<Document, ExtractError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotAPdf(
            "no %PDF- header in the first 1024 bytes".into(),
        ));
    }
    let opts = LoadOptions {
        max_decompressed_size: Some(max_decompressed),
        ..Default::default()
    };
    let doc = match Document::load_mem_with_options(bytes, opts) {
        Ok(d) => d,
        Err(e) => return Err(map_load_error(e, bytes)),
    };
    if doc.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    Ok(doc)
}

fn map_load_error(e: lopdf::Error, bytes: &[u8]) -> ExtractError {
    use lopdf::Error as E;
    match e {
        E::InvalidPassword | E::Decryption(_) => ExtractError::Encrypted,
        E::UnsupportedSecurityHandler(h) => {
            ExtractError::EncryptedUnsupported(String::from_utf8_lossy(&h).into_owned())
        }
        E::Parse(lopdf::ParseError::InvalidFileHeader) => {
            ExtractError::NotAPdf("invalid file header".into())
        }
        E::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }) => {
            ExtractError::Limit(format!("a stream decompresses beyond {limit} bytes"))
        }
        E::Decompress(d) => ExtractError::UnsupportedFilter(d.to_string()),
        other => {
            if !has_eof(bytes) {
                ExtractError::Truncated(format!("no %%EOF and xref could not be rebuilt ({other})"))
            } else {
                ExtractError::BrokenXref(format!(
                    "cross-reference data unreadable and not rebuilt ({other})"
                ))
            }
        }
    }
}

/// Whether the file lacks `%%EOF` near its end.
pub(crate) fn looks_truncated(bytes: &[u8]) -> bool {
    !has_eof(bytes)
}

fn rect(doc: &Document, o: Option<&Object>) -> Option<[f64; 4]> {
    let Some(Object::Array(a)) = o else {
        return None;
    };
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f64> = a.iter().filter_map(|x| num(deref(doc, x))).collect();
    if v.len() != 4 || v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    Some([
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ])
}

#[derive(Clone, Copy)]
struct Inherited<'a> {
    resources: Option<&'a Dictionary>,
    media: Option<[f64; 4]>,
    crop: Option<[f64; 4]>,
    rotate: i64,
}

/// Walks the page tree from the catalog.
pub(crate) fn pages(doc: &Document) -> Vec<PageRef<'_>> {
    let mut out = Vec::new();
    let Some(root) = doc
        .trailer
        .get(b"Root")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(as_dict)
    else {
        return out;
    };
    let Some(pages) = root.get(b"Pages").ok() else {
        return out;
    };
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let inh = Inherited {
        resources: None,
        media: None,
        crop: None,
        rotate: 0,
    };
    walk(doc, pages, inh, 0, &mut seen, &mut out);
    out
}

fn walk<'a>(
    doc: &'a Document,
    node: &'a Object,
    inh: Inherited<'a>,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<PageRef<'a>>,
) {
    if depth > MAX_TREE_DEPTH || out.len() >= MAX_PAGES {
        return;
    }
    if let Object::Reference(id) = node
        && !seen.insert(*id)
    {
        return;
    }
    let Some(d) = as_dict(deref(doc, node)) else {
        return;
    };
    let mut here = inh;
    if let Some(r) = dget(doc, d, b"Resources").and_then(as_dict) {
        here.resources = Some(r);
    }
    if let Some(m) = rect(doc, dget(doc, d, b"MediaBox")) {
        here.media = Some(m);
    }
    if let Some(c) = rect(doc, dget(doc, d, b"CropBox")) {
        here.crop = Some(c);
    }
    if let Some(r) = dget(doc, d, b"Rotate").and_then(num) {
        here.rotate = (r as i64).rem_euclid(360) / 90 * 90;
    }
    let kids = match dget(doc, d, b"Kids") {
        Some(Object::Array(k)) => Some(k),
        _ => None,
    };
    let ty = dget(doc, d, b"Type").and_then(|o| o.as_name().ok());
    let is_page = ty == Some(b"Page") || (ty != Some(b"Pages") && kids.is_none());
    if is_page {
        let media = here.media.unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let mut bbox = here.crop.unwrap_or(media);
        // Clip the CropBox to the MediaBox; ignore a crop outside it.
        let clipped = [
            bbox[0].max(media[0]),
            bbox[1].max(media[1]),
            bbox[2].min(media[2]),
            bbox[3].min(media[3]),
        ];
        if clipped[2] - clipped[0] > 1.0 && clipped[3] - clipped[1] > 1.0 {
            bbox = clipped;
        } else if bbox[2] - bbox[0] <= 1.0 || bbox[3] - bbox[1] <= 1.0 {
            bbox = media;
        }
        out.push(PageRef {
            dict: d,
            resources: here.resources,
            bbox,
            rotate: here.rotate,
        });
        return;
    }
    if let Some(kids) = kids {
        for k in kids {
            walk(doc, k, here, depth + 1, seen, out);
            if out.len() >= MAX_PAGES {
                return;
            }
        }
    }
}

/// The page's content streams, decoded and joined with newlines, within
/// `limit` bytes. Returns the bytes and the number of streams that failed.
pub(crate) fn page_content(
    doc: &Document,
    page: &Dictionary,
    limit: usize,
) -> (Vec<u8>, u32, bool) {
    let mut out = Vec::new();
    let mut broken = 0;
    let mut over = false;
    let parts: Vec<&Object> = match page.get(b"Contents").ok().map(|o| deref(doc, o)) {
        Some(Object::Array(a)) => a.iter().collect(),
        Some(o @ Object::Stream(_)) => vec![o],
        _ => Vec::new(),
    };
    for p in parts {
        let o = deref(doc, p);
        let remaining = limit.saturating_sub(out.len());
        match stream_bytes(o, remaining) {
            Some(b) => out.extend_from_slice(&b),
            None => {
                if matches!(o, Object::Stream(_)) {
                    broken += 1;
                    over = true;
                }
            }
        }
        out.push(b'\n');
    }
    (out, broken, over)
}
