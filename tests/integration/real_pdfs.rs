//! Every real PDF in `../shared/corpus-real` goes through the whole pipeline:
//! each is read or fails with a categorized error, and documents that are not
//! inspection reports do not flood the output with false recommendations.

use super::common::{corpus_real, run_into};
use findings::dataset;
use findings::model::{ErrorRecord, Kind, Report, ReportStatus, Statement};

#[test]
fn real_pdfs_are_read_or_fail_with_a_category() {
    let Some(dir) = corpus_real() else { return };
    let out = tempfile::tempdir().unwrap();
    let summary = run_into(std::slice::from_ref(&dir), out.path(), 2);
    let ds = out.path().join("dataset");
    let reports: Vec<Report> = dataset::read_jsonl(&ds.join("reports.jsonl")).unwrap();
    let errors: Vec<ErrorRecord> = dataset::read_jsonl(&ds.join("errors.jsonl")).unwrap();
    let statements: Vec<Statement> = dataset::read_jsonl(&ds.join("statements.jsonl")).unwrap();
    let pdfs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        })
        .count();
    assert_eq!(summary.files, pdfs);
    assert_eq!(reports.len(), pdfs, "every file is listed");
    for r in &reports {
        if r.status != ReportStatus::Ok {
            assert!(
                errors
                    .iter()
                    .any(|e| e.file == r.file && !e.category.is_empty()),
                "{} is {:?} without an error record",
                r.file,
                r.status
            );
        }
    }
    // Most real files read fully.
    let ok = reports
        .iter()
        .filter(|r| r.status == ReportStatus::Ok)
        .count();
    assert!(ok * 10 >= pdfs * 8, "only {ok} of {pdfs} read fully");
    // Non-inspection documents: few recommendations per page.
    let pages: u64 = reports.iter().map(|r| u64::from(r.pages)).sum();
    let recs = statements
        .iter()
        .filter(|s| matches!(s.kind, Kind::Recommendation | Kind::CauseOfConcern))
        .count() as u64;
    eprintln!("real PDFs: {pdfs} files, {pages} pages, {recs} recommendations/causes of concern");
    assert!(
        recs * 20 <= pages,
        "{recs} recommendations over {pages} pages"
    );
}
