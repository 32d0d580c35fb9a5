//! Extraction tests on small PDFs built in code with lopdf, plus a sweep over
//! `../shared/corpus-real` when it is present.

use super::*;
use lopdf::{Object, Stream, dictionary};
use std::time::Instant;

/// One page: content stream and the /Font resource dictionary.
struct PageSpec {
    content: Vec<u8>,
    fonts: lopdf::Dictionary,
    xobjects: Option<lopdf::Dictionary>,
}

fn helvetica(doc: &mut lopdf::Document) -> lopdf::ObjectId {
    doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    })
}

/// Builds a document from pages; `setup` may add objects first and returns
/// the fonts/xobjects per page.
fn build(f: impl FnOnce(&mut lopdf::Document) -> Vec<PageSpec>) -> Vec<u8> {
    build_doc(f, |_| {})
}

fn build_doc(
    f: impl FnOnce(&mut lopdf::Document) -> Vec<PageSpec>,
    finish: impl FnOnce(&mut lopdf::Document),
) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let specs = f(&mut doc);
    let mut kids = Vec::new();
    for spec in specs {
        let content = doc.add_object(Stream::new(dictionary! {}, spec.content));
        let mut res = dictionary! { "Font" => spec.fonts };
        if let Some(x) = spec.xobjects {
            res.set("XObject", x);
        }
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "Resources" => res,
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    finish(&mut doc);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn one_page(content: impl AsRef<[u8]>) -> Vec<u8> {
    let content = content.as_ref().to_vec();
    build(|doc| {
        let f = helvetica(doc);
        vec![PageSpec {
            content,
            fonts: dictionary! { "F1" => f },
            xobjects: None,
        }]
    })
}

fn text(bytes: &[u8]) -> String {
    let d = extract_bytes(bytes, &Limits::default()).expect("extracts");
    d.pages
        .iter()
        .map(|p| p.full_text())
        .collect::<Vec<_>>()
        .join("\u{c}")
}

#[test]
fn differences_font_maps_agl_names_and_counts_unmapped() {
    let bytes = build(|doc| {
        let f = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![1.into(), "f_i".into(), "uni00E9".into(), "g123".into(), "T.sc".into(), "u1F600".into()],
            },
        });
        vec![PageSpec {
            content: b"BT /F1 12 Tf 72 700 Td (Caf\x02 \x01x \x04 \x05 \x03) Tj ET".to_vec(),
            fonts: dictionary! { "F1" => f },
            xobjects: None,
        }]
    });
    let d = extract_bytes(&bytes, &Limits::default()).unwrap();
    let t = d.pages[0].full_text();
    assert!(t.starts_with("Café fix T 😀"), "{t:?}");
    assert!(t.contains('\u{FFFD}'));
    assert_eq!(d.pages[0].quality.unmapped, 1);
    assert_eq!(d.pages[0].quality.glyphs, 13);
}

const TYPE0_CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0005> <00660069> <0006> <D83DDE00> endbfchar
2 beginbfrange <0010> <0012> [<0041> <0042> <0043>] <0020> <0029> <0061> endbfrange
endcmap end end";

#[test]
fn type0_identity_h_with_tounicode() {
    let bytes = build(|doc| {
        let tu = doc.add_object(Stream::new(dictionary! {}, TYPE0_CMAP.to_vec()));
        let fd = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "FontName" => "Test", "Flags" => 4,
            "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()],
            "ItalicAngle" => 0, "Ascent" => 800, "Descent" => -200, "CapHeight" => 700, "StemV" => 80,
        });
        let cid = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Test",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "FontDescriptor" => fd, "DW" => 500,
            "W" => vec![5.into(), vec![Object::Integer(600), Object::Integer(700)].into()],
        });
        let f = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Test",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
        });
        vec![PageSpec {
            // "ABC" (array form), "fi" ligature, "😀" surrogates, "abc" increment form
            content: b"BT /F1 12 Tf 72 700 Td [<001000110012> -300 <0005> -300 <0006> -300 <002000210022>] TJ ET"
                .to_vec(),
            fonts: dictionary! { "F1" => f },
            xobjects: None,
        }]
    });
    let t = text(&bytes);
    assert_eq!(t, "ABC fi 😀 abc");
}

#[test]
fn one_byte_tounicode_on_simple_font_falls_back_to_encoding() {
    let bytes = build(|doc| {
        let tu = doc.add_object(Stream::new(
            dictionary! {},
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <01> <0048> <02> <0069> endbfchar".to_vec(),
        ));
        let f = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
            "Encoding" => "WinAnsiEncoding", "ToUnicode" => tu,
            "FirstChar" => 0, "Widths" => vec![Object::Integer(500); 256],
        });
        vec![PageSpec {
            content: b"BT /F1 12 Tf 72 700 Td (\x01\x02 there) Tj ET".to_vec(),
            fonts: dictionary! { "F1" => f },
            xobjects: None,
        }]
    });
    assert_eq!(text(&bytes), "Hi there");
}

#[test]
fn winansi_specials() {
    let t = text(&one_page(
        b"BT /F1 12 Tf 72 700 Td (\x93caf\xe9\x94 \x96 \x80) Tj ET",
    ));
    assert_eq!(t, "\u{201C}café\u{201D} \u{2013} €");
}

#[test]
fn tj_kerning_gaps_make_or_not_make_spaces() {
    let t = text(&one_page(
        "BT /F1 10 Tf 72 700 Td [(ab)-95(cd)] TJ 0 -12 Td [(ab)-300(cd)] TJ ET",
    ));
    assert_eq!(t, "abcd\nab cd");
}

#[test]
fn two_columns_read_column_by_column() {
    let mut c = String::from("BT /F1 10 Tf\n");
    for i in 0..6 {
        let y = 700 - i * 12;
        c.push_str(&format!("1 0 0 1 72 {y} Tm (Left column line {i}) Tj\n"));
        c.push_str(&format!("1 0 0 1 320 {y} Tm (Right column line {i}) Tj\n"));
    }
    c.push_str("ET");
    let t = text(&one_page(&c));
    let left_last = t.find("Left column line 5").unwrap();
    let right_first = t.find("Right column line 0").unwrap();
    assert!(left_last < right_first, "{t}");
    assert!(t.find("Left column line 0").unwrap() < t.find("Left column line 1").unwrap());
}

#[test]
fn hyphen_at_line_end_joins_inside_a_block() {
    let t = text(&one_page(
        "BT /F1 10 Tf 72 700 Td (We recom-) Tj 0 -12 Td (mended changes and) Tj 0 -12 Td (well-) Tj 0 -12 Td (Known) Tj ET",
    ));
    assert_eq!(t, "We recommended\nchanges and\nwell-\nKnown");
}

#[test]
fn running_header_and_footer_are_furniture() {
    let bytes = build(|doc| {
        let f = helvetica(doc);
        (1..=4)
            .map(|n| PageSpec {
                content: format!(
                    "BT /F1 9 Tf 72 770 Td (Annual inspection report 2024) Tj ET \
                     BT /F1 11 Tf 72 600 Td (Body text of page {n} differs.) Tj ET \
                     BT /F1 9 Tf 300 30 Td (Page {n} of 4) Tj ET"
                )
                .into_bytes(),
                fonts: dictionary! { "F1" => f },
                xobjects: None,
            })
            .collect()
    });
    let d = extract_bytes(&bytes, &Limits::default()).unwrap();
    assert_eq!(d.pages.len(), 4);
    for p in &d.pages {
        let furn: Vec<&str> = p
            .lines
            .iter()
            .filter(|l| l.furniture)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(furn.len(), 2, "{:?}", p.lines);
        assert!(p.body_text().starts_with("Body text of page"));
        assert!(
            p.full_text().contains("Annual inspection report 2024"),
            "furniture is kept"
        );
    }
}

#[test]
fn form_xobjects_recurse_and_self_reference_terminates() {
    let bytes = build(|doc| {
        let f = helvetica(doc);
        let inner = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F9" => f } } },
            b"BT /F9 10 Tf 72 500 Td (Inner form text) Tj ET".to_vec(),
        ));
        let selfref_id = doc.new_object_id();
        let selfref = Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Me" => selfref_id }, "Font" => dictionary! { "F9" => f } } },
            b"BT /F9 10 Tf 72 400 Td (Loop) Tj ET /Me Do".to_vec(),
        );
        doc.objects.insert(selfref_id, Object::Stream(selfref));
        let outer = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 100.into()],
                "Resources" => dictionary! { "XObject" => dictionary! { "In" => inner } } },
            b"/In Do".to_vec(),
        ));
        vec![PageSpec {
            content: b"/Out Do /Self Do".to_vec(),
            fonts: dictionary! { "F1" => f },
            xobjects: Some(dictionary! { "Out" => outer, "Self" => selfref_id }),
        }]
    });
    let start = Instant::now();
    let d = extract_bytes(&bytes, &Limits::default()).unwrap();
    assert!(start.elapsed().as_secs() < 5);
    let t = d.pages[0].full_text();
    assert!(t.contains("Inner form text"), "{t}");
    assert_eq!(
        t.matches("Loop").count(),
        1,
        "self-drawing form runs once: {t}"
    );
    let inner = d.pages[0]
        .lines
        .iter()
        .find(|l| l.text == "Inner form text")
        .unwrap();
    assert!(
        (inner.bbox[1] - 600.0).abs() < 5.0,
        "form /Matrix applied: {:?}",
        inner.bbox
    );
}

fn encrypted(user: &str) -> Vec<u8> {
    let plain = one_page("BT /F1 12 Tf 72 700 Td (Secret text) Tj ET");
    let mut doc = lopdf::Document::load_mem(&plain).unwrap();
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ],
    );
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: user,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn encryption_empty_user_password_decrypts_else_error() {
    let open = encrypted("");
    assert!(
        !open.windows(11).any(|w| w == b"Secret text"),
        "really encrypted"
    );
    assert_eq!(text(&open), "Secret text");
    let locked = encrypted("pw");
    let e = extract_bytes(&locked, &Limits::default()).unwrap_err();
    assert_eq!(e.category(), "encrypted");
    assert_eq!(e.to_string(), "encrypted: password required");
}

#[test]
fn garbage_and_truncated_files_get_categories() {
    let e = extract_bytes(b"hello, this is not a pdf at all", &Limits::default()).unwrap_err();
    assert_eq!(e.category(), "not_a_pdf");
    let full = one_page("BT /F1 12 Tf 72 700 Td (Hello) Tj ET");
    let cut = &full[..full.len() / 3];
    match extract_bytes(cut, &Limits::default()) {
        Ok(d) => assert!(d.pages.iter().all(|p| p.lines.is_empty()) || !d.warnings.is_empty()),
        Err(e) => assert!(
            ["truncated", "broken_xref", "no_pages"].contains(&e.category()),
            "{e}"
        ),
    }
    let e = extract_bytes(b"%PDF-1.4\n", &Limits::default()).unwrap_err();
    assert!(
        ["truncated", "broken_xref", "no_pages"].contains(&e.category()),
        "{e}"
    );
}

#[test]
fn flate_bomb_is_bounded() {
    use std::io::Write;
    // 200 MB of zeros compresses to ~200 KB; the content limit is lower.
    let mut enc = flate2_like::Encoder::new();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..200 {
        enc.write_all(&chunk).unwrap();
    }
    let compressed = enc.finish();
    let bytes = build(|doc| {
        let f = helvetica(doc);
        let _ = f;
        vec![PageSpec {
            content: Vec::new(),
            fonts: dictionary! {},
            xobjects: None,
        }]
    });
    // Replace the page content by the bomb.
    let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    let bomb = doc.add_object(
        Stream::new(dictionary! { "Filter" => "FlateDecode" }, compressed).with_compression(false),
    );
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Contents", bomb);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let limits = Limits {
        max_decompressed_bytes: 16 << 20,
        max_page_content_bytes: 8 << 20,
        ..Limits::default()
    };
    let start = Instant::now();
    match extract_bytes(&out, &limits) {
        Ok(d) => assert!(
            d.warnings
                .iter()
                .any(|w| w.category.starts_with("limit") || w.category == "broken_stream"),
            "{:?}",
            d.warnings
        ),
        Err(e) => assert_eq!(e.category(), "limit"),
    }
    assert!(start.elapsed().as_secs() < 10);
}

/// A tiny zlib writer (stored blocks would not be a bomb; this wraps lopdf's
/// own compressor through a Stream).
mod flate2_like {
    pub struct Encoder(Vec<u8>);
    impl Encoder {
        pub fn new() -> Self {
            Encoder(Vec::new())
        }
        pub fn finish(self) -> Vec<u8> {
            let mut s = lopdf::Stream::new(lopdf::dictionary! {}, self.0);
            s.compress().unwrap();
            s.content
        }
    }
    impl std::io::Write for Encoder {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}

#[test]
fn million_op_page_is_bounded_in_time_and_keeps_text() {
    let mut c = String::from("BT /F1 12 Tf 72 700 Td (Before) Tj ET\n");
    c.push_str(&"q Q ".repeat(1_000_000));
    c.push_str("BT /F1 12 Tf 72 600 Td (After) Tj ET");
    let bytes = one_page(&c);
    let start = Instant::now();
    let limits = Limits {
        max_ops_per_page: 500_000,
        ..Limits::default()
    };
    let d = extract_bytes(&bytes, &limits).unwrap();
    assert!(start.elapsed().as_secs() < 10);
    assert!(d.pages[0].full_text().contains("Before"));
    assert!(d.warnings.iter().any(|w| w.category == "limit_ops"));
    // Under a limit above the op count, everything is read.
    let limits = Limits {
        max_ops_per_page: 2_100_000,
        ..Limits::default()
    };
    let start = Instant::now();
    let d = extract_bytes(&bytes, &limits).unwrap();
    assert!(start.elapsed().as_secs() < 10);
    assert!(d.pages[0].full_text().contains("After"));
}

#[test]
fn page_tree_cycle_and_untyped_node() {
    let bytes = one_page("BT /F1 12 Tf 72 700 Td (Only page) Tj ET");
    let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
    let root = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    // The root lists itself as a kid too, and loses its /Type.
    let pages = doc.get_dictionary_mut(root).unwrap();
    if let Ok(Object::Array(kids)) = pages.get_mut(b"Kids") {
        kids.push(Object::Reference(root));
    }
    pages.remove(b"Type");
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let d = extract_bytes(&out, &Limits::default()).unwrap();
    assert_eq!(d.pages.len(), 1);
    assert_eq!(d.pages[0].full_text(), "Only page");
}

#[test]
fn corpus_real_extracts_or_fails_with_a_category() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-real");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("corpus-real not found at {}; skipping", dir.display());
        return;
    };
    let known = [
        "not_a_pdf",
        "truncated",
        "broken_xref",
        "encrypted",
        "unsupported_filter",
        "limit",
        "timeout",
        "no_pages",
    ];
    let mut n = 0;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "pdf") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        match extract_bytes(&bytes, &Limits::default()) {
            Ok(d) => assert!(!d.pages.is_empty(), "{}", p.display()),
            Err(e) => assert!(known.contains(&e.category()), "{}: {e}", p.display()),
        }
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn actual_text_replaces_glyphs_and_pagination_artifacts_are_furniture() {
    let t = one_page(
        "/Span <</ActualText (fi)>> BDC BT /F1 12 Tf 72 700 Td (XY) Tj ET EMC \
         BT /F1 12 Tf 86 700 Td (nd) Tj ET \
         /Artifact <</Type /Pagination>> BDC BT /F1 9 Tf 300 30 Td (Page 1) Tj ET EMC",
    );
    let d = extract_bytes(&t, &Limits::default()).unwrap();
    let lines = &d.pages[0].lines;
    assert_eq!(lines[0].text, "find");
    let foot = lines.iter().find(|l| l.text == "Page 1").unwrap();
    assert!(foot.furniture);
    assert!(!lines[0].furniture);
}

#[test]
fn fake_bold_copies_are_dropped() {
    let t = text(&one_page(
        "BT /F1 12 Tf 72 700 Td (Bold heading) Tj ET BT /F1 12 Tf 72.3 700 Td (Bold heading) Tj ET",
    ));
    assert_eq!(t, "Bold heading");
}

#[test]
fn rotated_page_reports_visible_geometry() {
    let bytes = one_page("BT /F1 12 Tf 72 700 Td (Turned page) Tj ET");
    let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    doc.get_dictionary_mut(page_id).unwrap().set("Rotate", 90);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let d = extract_bytes(&out, &Limits::default()).unwrap();
    let p = &d.pages[0];
    assert_eq!((p.width, p.height), (792.0, 612.0));
    assert_eq!(p.full_text(), "Turned page");
    let b = p.lines[0].bbox;
    assert!(
        b[0] >= 0.0 && b[2] <= 792.0 && b[1] >= 0.0 && b[3] <= 612.0,
        "{b:?}"
    );
}

#[test]
fn annotation_appearance_text_is_placed_on_its_rect() {
    let bytes = one_page("BT /F1 12 Tf 72 700 Td (Page text) Tj ET");
    let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let ap = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 100.into(), 20.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "Helv" => font } } },
        b"BT /Helv 10 Tf 2 5 Td (Filled field) Tj ET".to_vec(),
    ));
    let widget = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget",
        "Rect" => vec![72.into(), 400.into(), 172.into(), 420.into()],
        "AP" => dictionary! { "N" => ap },
    });
    let hidden = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FreeText", "F" => 2,
        "Rect" => vec![72.into(), 300.into(), 172.into(), 320.into()],
        "AP" => dictionary! { "N" => ap },
    });
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Annots", vec![widget.into(), hidden.into()]);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let d = extract_bytes(&out, &Limits::default()).unwrap();
    let lines = &d.pages[0].lines;
    let field: Vec<_> = lines.iter().filter(|l| l.text == "Filled field").collect();
    assert_eq!(field.len(), 1, "hidden annotation skipped: {lines:?}");
    assert!(
        (field[0].bbox[1] - 403.0).abs() < 4.0,
        "{:?}",
        field[0].bbox
    );
}

#[test]
fn document_deadline_gives_timeout() {
    let bytes = one_page("BT /F1 12 Tf 72 700 Td (Late) Tj ET");
    let limits = Limits {
        doc_timeout: std::time::Duration::ZERO,
        ..Limits::default()
    };
    let e = extract_bytes(&bytes, &limits).unwrap_err();
    assert_eq!(e.category(), "timeout");
    let huge = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(
        extract_bytes(&bytes, &huge).unwrap_err().category(),
        "limit"
    );
}

#[test]
fn page_range_extracts_only_those_pages() {
    let bytes = build(|doc| {
        let f = helvetica(doc);
        (1..=3)
            .map(|n| PageSpec {
                content: format!("BT /F1 12 Tf 72 700 Td (Page number {n}) Tj ET").into_bytes(),
                fonts: dictionary! { "F1" => f },
                xobjects: None,
            })
            .collect()
    });
    let d = extract_pages(&bytes, &Limits::default(), Some((2, 3))).unwrap();
    assert_eq!(
        d.pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(d.pages[0].full_text(), "Page number 2");
}

#[test]
fn scattered_glyph_page_lays_out_in_bounded_time() {
    // 60,000 single glyphs on a pseudo-random grid: no quadratic layout.
    let mut c = String::from("BT /F1 4 Tf\n");
    let mut x: u64 = 12345;
    for _ in 0..60_000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let px = (x >> 33) % 600;
        let py = (x >> 13) % 780;
        c.push_str(&format!("1 0 0 1 {px} {py} Tm (x) Tj\n"));
    }
    c.push_str("ET");
    let bytes = one_page(&c);
    let start = Instant::now();
    let d = extract_bytes(&bytes, &Limits::default()).unwrap();
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    assert_eq!(d.pages[0].quality.glyphs, 60_000);
}
