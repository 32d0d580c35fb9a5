//! Simple-font encodings and glyph names (ISO 32000-1 §9.6.6, Annex D; Adobe
//! Glyph List specification 2.0).
//!
//! Takes encoding names, /Differences glyph names and embedded Type1 programs;
//! gives per-code Unicode text. Holds the Standard, WinAnsi, MacRoman,
//! MacExpert, Symbol and ZapfDingbats tables (Standard/Expert from
//! `skrifa::raw::ps`, Symbol and ZapfDingbats from the core-14 AFM files),
//! glyph name → Unicode by the AGL rules (`skrifa::raw::ps::agl`), the
//! built-in encoding of a Type1 font program (`dup <code> /<name> put`), and
//! core-14 AFM widths with poppler's font-name aliases. It does not look into
//! TrueType or CFF programs and never reads `g123`-style names as codes.

use skrifa::raw::ps::{PredefinedEncoding, agl};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A named base encoding (Table 114 and Annex D).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseEncoding {
    /// StandardEncoding.
    Standard,
    /// WinAnsiEncoding.
    WinAnsi,
    /// MacRomanEncoding.
    MacRoman,
    /// MacExpertEncoding.
    MacExpert,
    /// The Symbol font's built-in encoding.
    Symbol,
    /// The ZapfDingbats font's built-in encoding.
    ZapfDingbats,
}

impl BaseEncoding {
    /// The encoding for a /Encoding or /BaseEncoding name.
    pub(crate) fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"MacExpertEncoding" => Some(BaseEncoding::MacExpert),
            _ => None,
        }
    }

    /// Unicode text of each code (empty = undefined).
    pub(crate) fn table(self) -> &'static [String; 256] {
        static TABLES: OnceLock<Vec<[String; 256]>> = OnceLock::new();
        let all = TABLES.get_or_init(|| {
            vec![
                by_names(|c| Some(PredefinedEncoding::Standard.name(c).to_string())),
                by_chars(cp1252),
                by_chars(macroman),
                by_names(|c| Some(PredefinedEncoding::Expert.name(c).to_string())),
                by_names(|c| afm(Core14::Symbol).code_names.get(&c).cloned()),
                by_names(|c| afm(Core14::ZapfDingbats).code_names.get(&c).cloned()),
            ]
        });
        &all[self as usize]
    }
}

fn by_names(f: impl Fn(u8) -> Option<String>) -> [String; 256] {
    std::array::from_fn(|c| {
        f(c as u8)
            .filter(|n| !n.is_empty() && n != ".notdef")
            .and_then(|n| glyph_name_to_unicode(&n))
            .unwrap_or_default()
    })
}

fn by_chars(f: impl Fn(u8) -> Option<char>) -> [String; 256] {
    std::array::from_fn(|c| f(c as u8).map(String::from).unwrap_or_default())
}

const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

fn cp1252(c: u8) -> Option<char> {
    match c {
        0..=0x1f | 0x7f => None,
        0x80..=0x9f => match CP1252_HIGH[(c - 0x80) as usize] {
            0 => Some('\u{2022}'), // Annex D note: undefined codes show as bullets
            u => char::from_u32(u as u32),
        },
        0xad => Some('-'), // WinAnsi 0xAD is "hyphen"
        _ => char::from_u32(c as u32),
    }
}

const MACROMAN_HIGH: [u16; 128] = [
    196, 197, 199, 201, 209, 214, 220, 225, 224, 226, 228, 227, 229, 231, 233, 232, 234, 235, 237,
    236, 238, 239, 241, 243, 242, 244, 246, 245, 250, 249, 251, 252, 8224, 176, 162, 163, 167,
    8226, 182, 223, 174, 169, 8482, 180, 168, 8800, 198, 216, 8734, 177, 8804, 8805, 165, 181,
    8706, 8721, 8719, 960, 8747, 170, 186, 937, 230, 248, 191, 161, 172, 8730, 402, 8776, 8710,
    171, 187, 8230, 32, 192, 195, 213, 338, 339, 8211, 8212, 8220, 8221, 8216, 8217, 247, 9674,
    255, 376, 8260, 164, 8249, 8250, 64257, 64258, 8225, 183, 8218, 8222, 8240, 194, 202, 193, 203,
    200, 205, 206, 207, 204, 211, 212, 0, 210, 218, 219, 217, 305, 710, 732, 175, 728, 729, 730,
    184, 733, 731, 711,
];

fn macroman(c: u8) -> Option<char> {
    match c {
        0..=0x1f | 0x7f => None,
        0x80..=0xff => match MACROMAN_HIGH[(c - 0x80) as usize] {
            0 => None,
            u => char::from_u32(u as u32),
        },
        _ => char::from_u32(c as u32),
    }
}

const PDFDOC_HIGH: [u16; 33] = [
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212, 0x2030,
    0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141, 0x0152, 0x0160,
    0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD, 0x20AC,
];

/// Decodes a text string (§7.9.2.2): UTF-16BE with BOM, UTF-8 with BOM, else
/// PDFDocEncoding. Lenient: lone surrogates become U+FFFD.
pub(crate) fn decode_text_string(bytes: &[u8]) -> String {
    if bytes.len() >= 2 && bytes[0] == 0xfe && bytes[1] == 0xff {
        return super::cmap::utf16be_to_string(&bytes[2..]);
    }
    if bytes.len() >= 3 && bytes[..3] == [0xef, 0xbb, 0xbf] {
        return String::from_utf8_lossy(&bytes[3..]).into_owned();
    }
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0xa0 => {
                char::from_u32(PDFDOC_HIGH[(b - 0x80) as usize] as u32).unwrap_or('\u{FFFD}')
            }
            _ => b as char,
        })
        .collect()
}

/// Glyph name → Unicode by the AGL rules: cut at the first `.`, split on
/// `_`, map each part (glyph list, `uniXXXX…`, `uXXXX[XX]`), join. `None` when
/// any part maps to nothing (so `g123` and `cid45` stay unmapped).
pub(crate) fn glyph_name_to_unicode(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    let mut out = String::new();
    for part in base.split('_') {
        let before = out.len();
        out.extend(agl::name_to_chars(part));
        if out.len() == before {
            return extra_name(base);
        }
    }
    Some(out)
}

/// A few names common in TeX and old fonts that the AGL lacks.
fn extra_name(name: &str) -> Option<String> {
    let s = match name {
        "suppress" => "",
        "visiblespace" => "\u{2423}",
        "dotlessj" => "\u{0237}",
        "ff" => "ff",
        "ffi" => "ffi",
        "ffl" => "ffl",
        "nbspace" | "nonbreakingspace" => " ",
        "sfthyphen" | "softhyphen" => "-",
        "Omegaclosed" => "\u{03A9}",
        "angbracketleft" => "\u{27E8}",
        "angbracketright" => "\u{27E9}",
        _ => return None,
    };
    Some(s.to_string())
}

/// Parses the built-in encoding of a Type1 font program (the clear-text
/// part): `/Encoding StandardEncoding def` or `dup <code> /<name> put` lines.
/// Returns per-code glyph names.
pub(crate) fn type1_builtin_encoding(program: &[u8]) -> Option<Vec<(u8, String)>> {
    let clear_end = find(program, b"eexec").unwrap_or(program.len());
    let clear = &program[..clear_end];
    let enc_at = find(clear, b"/Encoding")?;
    let rest = &clear[enc_at + 9..];
    let head = &rest[..rest.len().min(64)];
    if find(head, b"StandardEncoding").is_some() {
        return Some(
            (0..=255u8)
                .map(|c| (c, PredefinedEncoding::Standard.name(c).to_string()))
                .filter(|(_, n)| !n.is_empty() && n != ".notdef")
                .collect(),
        );
    }
    let mut lx = super::lexer::Lexer::new(rest);
    let mut operands = Vec::new();
    let mut out = Vec::new();
    let mut ops = 0usize;
    while let Some(op) = lx.next_op(&mut operands) {
        ops += 1;
        if ops > 20_000 {
            break;
        }
        match op {
            b"put" => {
                if let [
                    ..,
                    super::lexer::Operand::Num(c),
                    super::lexer::Operand::Name(n),
                ] = operands.as_slice()
                    && (0.0..=255.0).contains(c)
                {
                    out.push((*c as u8, String::from_utf8_lossy(n).into_owned()));
                }
            }
            b"def" | b"readonly" if !out.is_empty() => break,
            _ => {}
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// The built-in encoding of a bare CFF program (FontFile3 /Type1C): code →
/// glyph id (encoding) → string id (charset) → glyph name.
pub(crate) fn cff_builtin_encoding(program: &[u8]) -> Option<Vec<(u8, String)>> {
    use skrifa::raw::ps::cff::CffFontRef;
    let font = CffFontRef::new(program, 0, None).ok()?;
    if font.is_cid() {
        return None;
    }
    let enc = font.encoding()?;
    let mut out = Vec::new();
    for code in 0..=255u8 {
        let Some(gid) = enc.map(code) else { continue };
        if gid.to_u32() == 0 {
            continue;
        }
        let Some(sid) = enc.charset().string_id(gid) else {
            continue;
        };
        let Some(name) = font.string(sid) else {
            continue;
        };
        let name = String::from_utf8_lossy(name).into_owned();
        if name != ".notdef" {
            out.push((code, name));
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The fourteen standard fonts (§9.6.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Core14 {
    Courier,
    CourierBold,
    CourierOblique,
    CourierBoldOblique,
    Helvetica,
    HelveticaBold,
    HelveticaOblique,
    HelveticaBoldOblique,
    TimesRoman,
    TimesBold,
    TimesItalic,
    TimesBoldItalic,
    Symbol,
    ZapfDingbats,
}

/// Metrics of one core-14 font.
pub(crate) struct Afm {
    /// Built-in encoding: code → glyph name.
    pub(crate) code_names: HashMap<u8, String>,
    /// Width (1/1000 em) by built-in code.
    pub(crate) code_widths: HashMap<u8, f64>,
    /// Width by Unicode text of the glyph name.
    pub(crate) text_widths: HashMap<String, f64>,
}

fn parse_afm(src: &str) -> Afm {
    let mut afm = Afm {
        code_names: HashMap::new(),
        code_widths: HashMap::new(),
        text_widths: HashMap::new(),
    };
    for line in src.lines() {
        if !line.starts_with("C ") {
            continue;
        }
        let mut code: i64 = -1;
        let mut wx = 0.0;
        let mut name = "";
        for field in line.split(';') {
            let mut it = field.split_whitespace();
            match (it.next(), it.next()) {
                (Some("C"), Some(v)) => code = v.parse().unwrap_or(-1),
                (Some("WX"), Some(v)) => wx = v.parse().unwrap_or(0.0),
                (Some("N"), Some(v)) => name = v,
                _ => {}
            }
        }
        if (0..=255).contains(&code) {
            afm.code_names.insert(code as u8, name.to_string());
            afm.code_widths.insert(code as u8, wx);
        }
        if let Some(t) = glyph_name_to_unicode(name) {
            afm.text_widths.entry(t).or_insert(wx);
        }
    }
    afm
}

/// Metrics of a core-14 font (parsed once).
pub(crate) fn afm(font: Core14) -> &'static Afm {
    use pdf_core_14_font_afms as a;
    static CACHE: OnceLock<HashMap<Core14, Afm>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        [
            (Core14::Courier, a::COURIER),
            (Core14::CourierBold, a::COURIER_BOLD),
            (Core14::CourierOblique, a::COURIER_OBLIQUE),
            (Core14::CourierBoldOblique, a::COURIER_BOLD_OBLIQUE),
            (Core14::Helvetica, a::HELVETICA),
            (Core14::HelveticaBold, a::HELVETICA_BOLD),
            (Core14::HelveticaOblique, a::HELVETICA_OBLIQUE),
            (Core14::HelveticaBoldOblique, a::HELVETICA_BOLD_OBLIQUE),
            (Core14::TimesRoman, a::TIMES_ROMAN),
            (Core14::TimesBold, a::TIMES_BOLD),
            (Core14::TimesItalic, a::TIMES_ITALIC),
            (Core14::TimesBoldItalic, a::TIMES_BOLD_ITALIC),
            (Core14::Symbol, a::SYMBOL),
            (Core14::ZapfDingbats, a::ZAPF_DINGBATS),
        ]
        .into_iter()
        .map(|(k, src)| (k, parse_afm(src)))
        .collect()
    });
    &all[&font]
}

/// Maps a /BaseFont to a core-14 font the way viewers substitute (poppler's
/// stdFontMap): subset prefix dropped, Arial → Helvetica, TimesNewRoman →
/// Times, CourierNew → Courier, style from the name.
pub(crate) fn core14_for(base_font: &str) -> Option<Core14> {
    let name = strip_subset(base_font);
    let lower: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let bold = lower.contains("bold") || lower.contains("black") || lower.contains("heavy");
    let italic = lower.contains("italic") || lower.contains("oblique");
    if lower.starts_with("symbol") {
        return Some(Core14::Symbol);
    }
    if lower.starts_with("zapfdingbats") || lower.starts_with("dingbats") {
        return Some(Core14::ZapfDingbats);
    }
    let family = if lower.starts_with("helvetica") || lower.starts_with("arial") {
        0
    } else if lower.starts_with("times") {
        1
    } else if lower.starts_with("courier") {
        2
    } else {
        return None;
    };
    use Core14::*;
    let table = [
        [
            Helvetica,
            HelveticaBold,
            HelveticaOblique,
            HelveticaBoldOblique,
        ],
        [TimesRoman, TimesBold, TimesItalic, TimesBoldItalic],
        [Courier, CourierBold, CourierOblique, CourierBoldOblique],
    ];
    Some(table[family][(bold as usize) + 2 * (italic as usize)])
}

/// Drops a six-letter subset tag (`ABCDEF+Name`).
pub(crate) fn strip_subset(name: &str) -> &str {
    match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agl_rules() {
        assert_eq!(glyph_name_to_unicode("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode("uni00E9").as_deref(), Some("é"));
        assert_eq!(glyph_name_to_unicode("T.sc").as_deref(), Some("T"));
        assert_eq!(glyph_name_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_name_to_unicode("g123"), None);
        assert_eq!(glyph_name_to_unicode(".notdef"), None);
        assert_eq!(
            glyph_name_to_unicode("quoteright").as_deref(),
            Some("\u{2019}")
        );
    }

    #[test]
    fn base_tables() {
        assert_eq!(BaseEncoding::WinAnsi.table()[0x93], "\u{201C}");
        assert_eq!(BaseEncoding::Standard.table()[0x27], "\u{2019}");
        assert_eq!(BaseEncoding::MacRoman.table()[0x8E], "é");
        assert_eq!(BaseEncoding::Symbol.table()[0x61], "α");
        assert_eq!(BaseEncoding::Symbol.table()[0xB7], "\u{2022}");
        assert_eq!(BaseEncoding::ZapfDingbats.table()[0x6C], "\u{25CF}");
    }

    #[test]
    fn type1_encoding_and_aliases() {
        let prog = b"%!PS-AdobeFont-1.0\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 12 /fi put\ndup 65 /A put\nreadonly def\ncurrentfile eexec\x80\x81";
        let enc = type1_builtin_encoding(prog).unwrap();
        assert!(enc.contains(&(12, "fi".to_string())));
        assert!(enc.contains(&(65, "A".to_string())));
        assert_eq!(
            core14_for("ABCDEF+Arial,BoldItalic"),
            Some(Core14::HelveticaBoldOblique)
        );
        assert_eq!(core14_for("TimesNewRomanPSMT"), Some(Core14::TimesRoman));
        assert_eq!(afm(Core14::Helvetica).text_widths.get("A"), Some(&667.0));
    }
}
