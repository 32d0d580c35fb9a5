//! Fonts (ISO 32000-1 §9.5–9.10): a font dictionary → how to split a string
//! into codes, each code's Unicode text and its advance width.
//!
//! Takes a font dictionary from lopdf; gives a [`Font`]. Per code it tries
//! /ToUnicode first and falls back to the encoding (§9.10.2), with a sanity
//! override when ToUnicode yields controls, U+FFFD or private-use characters
//! that the encoding can name. Simple fonts (Type1, MMType1, TrueType, Type3)
//! use /Encoding = /BaseEncoding + /Differences, else the Type1 program's
//! built-in encoding, else Standard (Symbol and ZapfDingbats their own);
//! Type0 fonts use Identity-H/V or an embedded CMap for code → CID. Widths come
//! from /Widths, /W and /DW, else the core-14 AFM metrics. It does not parse
//! TrueType or CFF programs and does not render glyphs.

use super::cmap::CMap;
use super::encoding::{self, BaseEncoding};
use lopdf::{Dictionary, Document, Object};
use std::cell::RefCell;
use std::collections::HashMap;

/// Largest font-related stream decoded (ToUnicode, CMap, font program).
const MAX_FONT_STREAM: usize = 8 << 20;
/// Largest ToUnicode CMap accepted.
const MAX_TOUNICODE: usize = 1 << 20;

/// Dereferences an object, Null on failure.
pub(crate) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    static NULL: Object = Object::Null;
    match doc.dereference(o) {
        Ok((_, o)) => o,
        Err(_) => &NULL,
    }
}

/// A dictionary entry, dereferenced.
pub(crate) fn dget<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key)
        .ok()
        .map(|o| deref(doc, o))
        .filter(|o| !matches!(o, Object::Null))
}

/// A number (integer or real).
pub(crate) fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

/// A dictionary, or the dictionary of a stream.
pub(crate) fn as_dict(o: &Object) -> Option<&Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Decoded stream bytes within `limit`; on a decode failure other than the
/// limit, the raw bytes (the tokenizer survives garbage). `None` if over limit.
pub(crate) fn stream_bytes(o: &Object, limit: usize) -> Option<Vec<u8>> {
    let Object::Stream(s) = o else { return None };
    match s.get_plain_content_with_limit(limit) {
        Ok(v) => Some(v),
        Err(lopdf::Error::Decompress(_)) => None,
        Err(_) if s.content.len() <= limit => Some(s.content.clone()),
        Err(_) => None,
    }
}

/// How a font splits strings into codes.
#[derive(Debug)]
enum Codes {
    One,
    Two,
    CMap(Box<CMap>),
}

/// Font kind, for width and size rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Simple,
    Type3,
    Type0,
}

/// A loaded font.
#[derive(Debug)]
pub(crate) struct Font {
    pub(crate) kind: Kind,
    /// /BaseFont without subset tag.
    pub(crate) name: String,
    pub(crate) bold: bool,
    pub(crate) italic: bool,
    /// Vertical writing (Identity-V or WMode 1).
    pub(crate) vertical: bool,
    codes: Codes,
    to_unicode: Option<CMap>,
    /// Simple fonts: text of each code from the encoding (empty = none).
    enc_text: Vec<String>,
    /// Simple fonts: width of each code in text space units per unit size.
    widths: Vec<f64>,
    /// Type0: (first CID, last CID, width/1000).
    cid_widths: Vec<(u32, u32, f64)>,
    dw: f64,
    /// Type3: |FontMatrix d| × 1000, so sizes come out in points.
    pub(crate) size_scale: f64,
    /// Symbol/Wingdings-like font: map PUA F0xx back through the encoding.
    symbolic_name: bool,
    /// Type0 with a Uni…-UCS2 CMap: codes are already Unicode (§9.7.5.2).
    ucs2: bool,
    cache: RefCell<HashMap<u32, (String, bool)>>,
}

impl Font {
    /// A stand-in when a font is missing: Helvetica with StandardEncoding.
    pub(crate) fn fallback() -> Font {
        let mut f = Font::empty(Kind::Simple, "Helvetica".into());
        f.enc_text = BaseEncoding::Standard.table().to_vec();
        f.widths = core14_widths(encoding::Core14::Helvetica, &f.enc_text);
        f
    }

    fn empty(kind: Kind, name: String) -> Font {
        Font {
            kind,
            name,
            bold: false,
            italic: false,
            vertical: false,
            codes: Codes::One,
            to_unicode: None,
            enc_text: Vec::new(),
            widths: Vec::new(),
            cid_widths: Vec::new(),
            dw: 1.0,
            size_scale: 1.0,
            symbolic_name: false,
            ucs2: false,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// Loads a font dictionary. Never fails: what is missing gets defaults.
    pub(crate) fn load(doc: &Document, d: &Dictionary) -> Font {
        let subtype = dget(doc, d, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"Type1");
        let base = dget(doc, d, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .map(|n| encoding::strip_subset(&String::from_utf8_lossy(n)).to_string())
            .unwrap_or_default();
        let mut font = match subtype {
            b"Type0" => load_type0(doc, d, base),
            b"Type3" => load_simple(doc, d, base, Kind::Type3),
            _ => load_simple(doc, d, base, Kind::Simple),
        };
        if let Some(tu) = dget(doc, d, b"ToUnicode")
            && let Some(bytes) = stream_bytes(tu, MAX_TOUNICODE)
        {
            let cm = CMap::parse(&bytes);
            if !cm.is_empty() {
                font.to_unicode = Some(cm);
            }
        }
        let lname = font.name.to_ascii_lowercase();
        font.symbolic_name =
            lname.contains("symbol") || lname.contains("wingding") || lname.contains("webding");
        font.bold |= lname.contains("bold")
            || lname.contains("black")
            || lname.contains("heavy")
            || lname.contains("semibold")
            || lname.contains("demi");
        font.italic |= lname.contains("italic") || lname.contains("oblique");
        font
    }

    /// Splits off the next code: (code, byte length ≥ 1).
    pub(crate) fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        match &self.codes {
            Codes::One => (bytes[0] as u32, 1),
            Codes::Two => {
                if bytes.len() >= 2 {
                    (((bytes[0] as u32) << 8) | bytes[1] as u32, 2)
                } else {
                    (bytes[0] as u32, 1)
                }
            }
            Codes::CMap(cm) => {
                let n = cm.code_len(bytes).unwrap_or(1).min(bytes.len()).max(1);
                (bytes[..n].iter().fold(0u32, |a, &b| (a << 8) | b as u32), n)
            }
        }
    }

    /// Whether a code of this length is a single-byte code (for Tw, §9.3.3).
    pub(crate) fn is_single_byte(&self) -> bool {
        matches!(self.codes, Codes::One)
    }

    fn cid(&self, code: u32) -> u32 {
        match &self.codes {
            Codes::CMap(cm) => cm.cid(code).unwrap_or(code),
            _ => code,
        }
    }

    /// Width (w0) of a code in text space units per unit of font size.
    pub(crate) fn width(&self, code: u32) -> f64 {
        match self.kind {
            Kind::Type0 => {
                let cid = self.cid(code);
                let i = self.cid_widths.partition_point(|r| r.0 <= cid);
                if i > 0 {
                    let (lo, hi, w) = self.cid_widths[i - 1];
                    if cid >= lo && cid <= hi {
                        return w;
                    }
                }
                self.dw
            }
            _ => self.widths.get(code as usize).copied().unwrap_or(0.0),
        }
    }

    /// Text of a code and whether it mapped (false: U+FFFD or nothing).
    pub(crate) fn text(&self, code: u32) -> (String, bool) {
        if let Some(hit) = self.cache.borrow().get(&code) {
            return hit.clone();
        }
        let r = self.compute_text(code);
        let mut c = self.cache.borrow_mut();
        if c.len() < 70_000 {
            c.insert(code, r.clone());
        }
        r
    }

    fn compute_text(&self, code: u32) -> (String, bool) {
        let from_enc = self
            .enc_text
            .get(code as usize)
            .filter(|s| !s.is_empty())
            .cloned();
        if let Some(tu) = &self.to_unicode
            && let Some(t) = tu.lookup(code)
        {
            let suspicious = t.is_empty()
                || t.chars().all(|c| {
                    (c as u32) < 0x20 || c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c)
                });
            if !suspicious {
                return (t, true);
            }
            if let Some(e) = from_enc.as_ref().filter(|e| is_ordinary(e)) {
                return (e.clone(), true);
            }
            if let Some(m) = self.pua_back(&t) {
                return (m, true);
            }
            if t.is_empty() {
                return (String::new(), true);
            }
            return (t, true);
        }
        match from_enc {
            Some(e) => {
                if let Some(m) = self.pua_back(&e) {
                    return (m, true);
                }
                (e, true)
            }
            None => {
                if self.ucs2
                    && let Some(c) = char::from_u32(code).filter(|c| !c.is_control())
                {
                    (c.to_string(), true)
                } else if self.kind == Kind::Type0 {
                    ("\u{FFFD}".into(), false)
                } else if code == 0x20 && self.enc_text.is_empty() {
                    (" ".into(), true)
                } else {
                    ("\u{FFFD}".into(), false)
                }
            }
        }
    }

    /// Symbol/Wingdings private-use codes (U+F020–F0FF) back to text.
    fn pua_back(&self, t: &str) -> Option<String> {
        let mut it = t.chars();
        let c = it.next()?;
        if it.next().is_some() || !('\u{F020}'..='\u{F0FF}').contains(&c) {
            return None;
        }
        let code = (c as u32 - 0xF000) as u8;
        let lname = self.name.to_ascii_lowercase();
        if lname.contains("symbol") {
            let s = &BaseEncoding::Symbol.table()[code as usize];
            if !s.is_empty() {
                return Some(s.clone());
            }
        }
        if self.symbolic_name
            && matches!(
                code,
                0x6C | 0x6E | 0xA7 | 0xA8 | 0x9F | 0xB7 | 0x77 | 0xFB | 0x71
            )
        {
            return Some("\u{2022}".into());
        }
        None
    }
}

fn is_ordinary(s: &str) -> bool {
    s.chars()
        .all(|c| !c.is_control() && c != '\u{FFFD}' && !('\u{E000}'..='\u{F8FF}').contains(&c))
}

fn descriptor_style(doc: &Document, fd: Option<&Dictionary>, font: &mut Font) {
    let Some(fd) = fd else { return };
    let flags = dget(doc, fd, b"Flags").and_then(num).unwrap_or(0.0) as i64;
    if flags & (1 << 18) != 0 {
        font.bold = true;
    }
    if flags & (1 << 6) != 0 {
        font.italic = true;
    }
    if dget(doc, fd, b"FontWeight").and_then(num).unwrap_or(0.0) >= 600.0 {
        font.bold = true;
    }
    if dget(doc, fd, b"ItalicAngle")
        .and_then(num)
        .unwrap_or(0.0)
        .abs()
        > 1.0
    {
        font.italic = true;
    }
}

fn core14_widths(f: encoding::Core14, enc_text: &[String]) -> Vec<f64> {
    let afm = encoding::afm(f);
    let by_code = matches!(f, encoding::Core14::Symbol | encoding::Core14::ZapfDingbats);
    (0..256u32)
        .map(|c| {
            let w = if by_code {
                afm.code_widths.get(&(c as u8)).copied()
            } else {
                enc_text
                    .get(c as usize)
                    .and_then(|t| afm.text_widths.get(t))
                    .copied()
            };
            w.unwrap_or(if by_code { 0.0 } else { 278.0 }) / 1000.0
        })
        .collect()
}

fn load_simple(doc: &Document, d: &Dictionary, name: String, kind: Kind) -> Font {
    let mut font = Font::empty(kind, name);
    let fd = dget(doc, d, b"FontDescriptor").and_then(as_dict);
    descriptor_style(doc, fd, &mut font);
    let core = encoding::core14_for(&font.name);
    let flags = fd
        .and_then(|fd| dget(doc, fd, b"Flags"))
        .and_then(num)
        .unwrap_or(0.0) as i64;
    let symbolic = flags & 4 != 0;

    // Base encoding: named, else built-in (font program or core-14), else Standard.
    let builtin = || -> Vec<String> {
        if let Some(fd) = fd {
            for key in [&b"FontFile"[..], b"FontFile3"] {
                if let Some(ff) = dget(doc, fd, key)
                    && let Some(prog) = stream_bytes(ff, MAX_FONT_STREAM)
                    && let Some(enc) = if key == b"FontFile" {
                        encoding::type1_builtin_encoding(&prog)
                    } else {
                        encoding::cff_builtin_encoding(&prog)
                    }
                {
                    let mut t = vec![String::new(); 256];
                    for (c, n) in enc {
                        t[c as usize] = encoding::glyph_name_to_unicode(&n).unwrap_or_default();
                    }
                    return t;
                }
            }
        }
        match core {
            Some(encoding::Core14::Symbol) => BaseEncoding::Symbol.table().to_vec(),
            Some(encoding::Core14::ZapfDingbats) => BaseEncoding::ZapfDingbats.table().to_vec(),
            _ => BaseEncoding::Standard.table().to_vec(),
        }
    };
    let enc_obj = dget(doc, d, b"Encoding");
    let mut table: Vec<String> = match enc_obj {
        Some(Object::Name(n)) => match BaseEncoding::from_name(n) {
            Some(b) => b.table().to_vec(),
            None => builtin(),
        },
        Some(o @ (Object::Dictionary(_) | Object::Stream(_))) => {
            let ed = as_dict(o).expect("dict");
            match dget(doc, ed, b"BaseEncoding")
                .and_then(|b| b.as_name().ok())
                .and_then(BaseEncoding::from_name)
            {
                Some(b) => b.table().to_vec(),
                None if kind == Kind::Type3 => vec![String::new(); 256],
                None if symbolic || core.is_none() => builtin(),
                None => BaseEncoding::Standard.table().to_vec(),
            }
        }
        _ => {
            if kind == Kind::Type3 {
                vec![String::new(); 256]
            } else if dget(doc, d, b"Subtype").and_then(|o| o.as_name().ok()) == Some(b"TrueType")
                && !symbolic
            {
                BaseEncoding::WinAnsi.table().to_vec()
            } else {
                builtin()
            }
        }
    };
    // /Differences (§9.6.6.1).
    if let Some(ed) = enc_obj.and_then(as_dict)
        && let Some(Object::Array(diffs)) = dget(doc, ed, b"Differences")
    {
        let mut code: i64 = 0;
        for item in diffs {
            match deref(doc, item) {
                Object::Integer(i) => code = *i,
                Object::Real(r) => code = *r as i64,
                Object::Name(n) => {
                    if (0..256).contains(&code) {
                        let name = String::from_utf8_lossy(n);
                        table[code as usize] =
                            encoding::glyph_name_to_unicode(&name).unwrap_or_default();
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }

    // Widths (§9.6.2.1, §9.6.5 for Type3).
    let mut scale = 0.001;
    if kind == Kind::Type3
        && let Some(Object::Array(m)) = dget(doc, d, b"FontMatrix")
    {
        let m: Vec<f64> = m
            .iter()
            .map(|o| num(deref(doc, o)).unwrap_or(0.0))
            .collect();
        if m.len() == 6 {
            scale = m[0];
            let s = m[3].abs().max(m[1].abs()) * 1000.0;
            if s > 1e-6 && s.is_finite() {
                font.size_scale = s;
            }
        }
    }
    let missing = fd
        .and_then(|fd| dget(doc, fd, b"MissingWidth"))
        .and_then(num)
        .unwrap_or(0.0)
        * scale;
    let first = dget(doc, d, b"FirstChar").and_then(num).unwrap_or(0.0) as i64;
    let mut widths = match core {
        Some(c) if kind == Kind::Simple => core14_widths(c, &table),
        _ => vec![
            if missing > 0.0 {
                missing
            } else {
                0.5 * 1000.0 * scale
            };
            256
        ],
    };
    if let Some(Object::Array(ws)) = dget(doc, d, b"Widths") {
        for w in widths.iter_mut() {
            *w = missing;
        }
        for (i, w) in ws.iter().enumerate() {
            let code = first + i as i64;
            if (0..256).contains(&code) {
                widths[code as usize] = num(deref(doc, w)).unwrap_or(0.0) * scale;
            }
        }
    }
    font.enc_text = table;
    font.widths = widths;
    font
}

fn load_type0(doc: &Document, d: &Dictionary, name: String) -> Font {
    let mut font = Font::empty(Kind::Type0, name);
    font.codes = Codes::Two;
    match dget(doc, d, b"Encoding") {
        Some(Object::Name(n)) => {
            font.vertical = n.ends_with(b"-V");
            font.ucs2 = n.starts_with(b"Uni")
                && (n.windows(4).any(|w| w == b"UCS2") || n.windows(5).any(|w| w == b"UTF16"));
            // Predefined CMaps other than Identity: 2-byte codes is the common
            // case; ToUnicode does the mapping.
        }
        Some(o @ Object::Stream(_)) => {
            if let Some(bytes) = stream_bytes(o, MAX_FONT_STREAM) {
                let cm = CMap::parse(&bytes);
                if cm.has_codespace() {
                    font.codes = Codes::CMap(Box::new(cm));
                }
            }
            if let Some(dd) = as_dict(o)
                && dget(doc, dd, b"WMode").and_then(num) == Some(1.0)
            {
                font.vertical = true;
            }
        }
        _ => {}
    }
    let desc = match dget(doc, d, b"DescendantFonts") {
        Some(Object::Array(a)) => a.first().map(|o| deref(doc, o)).and_then(as_dict),
        Some(o) => as_dict(o),
        None => None,
    };
    if let Some(cd) = desc {
        let fd = dget(doc, cd, b"FontDescriptor").and_then(as_dict);
        descriptor_style(doc, fd, &mut font);
        if font.name.is_empty()
            && let Some(n) = dget(doc, cd, b"BaseFont").and_then(|o| o.as_name().ok())
        {
            font.name = encoding::strip_subset(&String::from_utf8_lossy(n)).to_string();
        }
        font.dw = dget(doc, cd, b"DW").and_then(num).unwrap_or(1000.0) / 1000.0;
        if let Some(Object::Array(w)) = dget(doc, cd, b"W") {
            let mut i = 0;
            let mut out = Vec::new();
            while i < w.len() && out.len() < 200_000 {
                let a = num(deref(doc, &w[i]));
                match (a, w.get(i + 1).map(|o| deref(doc, o))) {
                    (Some(c), Some(Object::Array(ws))) => {
                        for (k, wv) in ws.iter().enumerate().take(65_536) {
                            let cid = c as u32 + k as u32;
                            out.push((cid, cid, num(deref(doc, wv)).unwrap_or(0.0) / 1000.0));
                        }
                        i += 2;
                    }
                    (Some(c1), Some(o2)) => {
                        let c2 = num(o2).unwrap_or(c1);
                        let wv = w
                            .get(i + 2)
                            .and_then(|o| num(deref(doc, o)))
                            .unwrap_or(1000.0);
                        if c2 >= c1 {
                            out.push((c1 as u32, c2 as u32, wv / 1000.0));
                        }
                        i += 3;
                    }
                    _ => i += 1,
                }
            }
            out.sort_by_key(|r| r.0);
            font.cid_widths = out;
        }
    }
    font
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn differences_over_winansi() {
        let doc = Document::with_version("1.5");
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![1.into(), "f_i".into(), "uni00E9".into(), "g123".into(), "T.sc".into(), "u1F600".into()],
            },
        };
        let f = Font::load(&doc, &d);
        assert_eq!(f.text(1).0, "fi");
        assert_eq!(f.text(2).0, "é");
        assert_eq!(f.text(3), ("\u{FFFD}".to_string(), false));
        assert_eq!(f.text(4).0, "T");
        assert_eq!(f.text(5).0, "😀");
        assert_eq!(f.text(0x41).0, "A");
        assert!((f.width(0x41) - 0.667).abs() < 1e-9, "AFM width by glyph");
    }
}
