//! Every file of the corpus dataset validates against its JSON Schema in `schema/`.

use super::common::{corpus_run, root};

fn validator(name: &str) -> jsonschema::Validator {
    let path = root().join("schema").join(format!("{name}.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn corpus_dataset_validates_against_the_schemas() {
    let run = corpus_run();
    let dir = run.out.join("dataset");
    for name in ["reports", "statements", "links", "chains", "errors"] {
        let v = validator(name);
        let text = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
        let mut rows = 0;
        for (i, line) in text.lines().enumerate() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}.jsonl line {}: {errors:?}", i + 1);
            rows += 1;
        }
        if name != "errors" {
            assert!(rows > 0, "{name}.jsonl is empty");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let errors: Vec<String> = validator("manifest")
        .iter_errors(&manifest)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "manifest.json: {errors:?}");
}

#[test]
fn schemas_reject_a_broken_row() {
    let v = validator("statements");
    let bad = serde_json::json!({"id": "nope", "kind": "opinion"});
    assert!(v.iter_errors(&bad).count() >= 2);
}
