//! A batch mixing good files with broken and hostile ones: every good file is
//! processed, every bad one is reported with a category, nothing crashes or hangs.

use super::common::run_into;
use findings::dataset;
use findings::model::{ErrorRecord, Report, ReportStatus};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Document, Object, Stream, dictionary};
use std::io::Write;
use std::path::Path;

/// A one-page PDF whose page content is `content` (compressed when `compress`).
pub fn one_page_pdf(content: Vec<u8>, compress: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = dictionary! { "Font" => dictionary! { "F1" => font_id } };
    let stream = if compress {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&content).unwrap();
        Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            enc.finish().unwrap(),
        )
    } else {
        Stream::new(dictionary! {}, content)
    };
    let content_id = doc.add_object(stream);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn text_page(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 72 760 Td 14 TL\n");
    for l in lines {
        content.push_str(&format!("({l}) Tj T*\n"));
    }
    content.push_str("ET\n");
    content.into_bytes()
}

/// A flate stream that inflates to `size` zero bytes, built without holding them.
fn zero_bomb(size: usize) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        enc.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    enc.finish().unwrap()
}

fn bomb_pdf() -> Vec<u8> {
    // Build a normal page, then swap its content stream for the bomb.
    let mut doc = Document::load_mem(&one_page_pdf(text_page(&["x"]), false)).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    let content_id = doc
        .get_object(page_id)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Contents")
        .unwrap()
        .as_reference()
        .unwrap();
    doc.objects.insert(
        content_id,
        Object::Stream(Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            zero_bomb(400 << 20),
        )),
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn broken_files_are_reported_and_good_ones_processed() {
    let input = tempfile::tempdir().unwrap();
    let dir = input.path();
    let good_text = [
        "Inspectors found that supervisors did not review investigation plans often enough.",
        "We found that officers did not always complete risk assessments for missing children.",
    ];
    let good = one_page_pdf(text_page(&good_text), true);
    write(dir, "good-1.pdf", &good);
    write(
        dir,
        "good-2.pdf",
        &one_page_pdf(text_page(&good_text[1..]), false),
    );
    write(dir, "same-as-good-1.pdf", &good);
    write(dir, "truncated.pdf", &good[..good.len() / 3]);
    write(
        dir,
        "garbage.pdf",
        &b"this is not a PDF at all, just words\n".repeat(200),
    );
    write(dir, "empty.pdf", b"");
    write(dir, "bomb.pdf", &bomb_pdf());
    // Two million operators on one page.
    write(
        dir,
        "endless.pdf",
        &one_page_pdf(b"q 1 0 0 1 0 0 cm Q\n".repeat(2_000_000), true),
    );
    let mut bad = vec![
        "truncated.pdf",
        "garbage.pdf",
        "empty.pdf",
        "bomb.pdf",
        "endless.pdf",
    ];
    let qpdf = std::process::Command::new("qpdf")
        .args(["--encrypt", "secret", "owner", "256", "--"])
        .arg(dir.join("good-2.pdf"))
        .arg(dir.join("locked.pdf"))
        .status();
    match qpdf {
        Ok(s) if s.success() => bad.push("locked.pdf"),
        _ => eprintln!("notice: qpdf unavailable; skipping the password-protected case"),
    }

    let out = tempfile::tempdir().unwrap();
    run_into(&[dir.to_path_buf()], out.path(), 2);
    let ds = out.path().join("dataset");
    let reports: Vec<Report> = dataset::read_jsonl(&ds.join("reports.jsonl")).unwrap();
    let errors: Vec<ErrorRecord> = dataset::read_jsonl(&ds.join("errors.jsonl")).unwrap();

    let good_report = reports
        .iter()
        .find(|r| r.file == "good-1.pdf")
        .expect("good file has a report");
    assert_eq!(good_report.status, ReportStatus::Ok);
    assert_eq!(good_report.files, ["good-1.pdf", "same-as-good-1.pdf"]);
    assert!(
        reports
            .iter()
            .any(|r| r.file == "good-2.pdf" && r.status == ReportStatus::Ok)
    );

    for name in &bad {
        let err = errors
            .iter()
            .find(|e| e.file == *name)
            .unwrap_or_else(|| panic!("{name} has no error record: {errors:#?}"));
        assert!(!err.category.is_empty() && !err.message.is_empty());
        let report = reports
            .iter()
            .find(|r| r.file == *name)
            .expect("bad file listed");
        assert_ne!(report.status, ReportStatus::Ok, "{name}");
    }
    let category = |name: &str| {
        errors
            .iter()
            .find(|e| e.file == name)
            .unwrap()
            .category
            .clone()
    };
    assert_eq!(category("garbage.pdf"), "not_a_pdf");
    assert_eq!(category("empty.pdf"), "not_a_pdf");
    if bad.contains(&"locked.pdf") {
        assert_eq!(category("locked.pdf"), "encrypted");
    }
}
