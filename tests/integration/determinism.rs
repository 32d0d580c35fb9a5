//! The same inputs give byte-identical dataset files whatever the thread count.

use super::common::{root, run_into};

#[test]
fn jobs_1_and_jobs_2_give_identical_datasets() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    run_into(std::slice::from_ref(&corpus), a.path(), 1);
    run_into(std::slice::from_ref(&corpus), b.path(), 2);
    for name in [
        "reports.jsonl",
        "statements.jsonl",
        "links.jsonl",
        "chains.jsonl",
        "errors.jsonl",
        "reports.csv",
        "statements.csv",
        "datapackage.json",
    ] {
        let x = std::fs::read(a.path().join("dataset").join(name)).unwrap();
        let y = std::fs::read(b.path().join("dataset").join(name)).unwrap();
        assert!(x == y, "{name} differs between --jobs 1 and --jobs 2");
    }
    let strip = |p: &std::path::Path| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(p.join("dataset/manifest.json")).unwrap(),
        )
        .unwrap();
        v.as_object_mut().unwrap().remove("created");
        v
    };
    assert_eq!(strip(a.path()), strip(b.path()));
    let statements = std::fs::read_to_string(a.path().join("dataset/statements.jsonl")).unwrap();
    assert!(
        statements.lines().count() > 100,
        "the corpus gives statements"
    );
}
