//! The four real Ofsted children's services reports in `../shared/corpus-real`
//! against hand labels (`tests/data/ofsted-real-labels.json`): every graded
//! judgement and every improvement-list item is found on its page with the
//! right kind (and grade), and nothing else in these reports is given one of
//! those kinds. Skipped, with a notice, when the real PDFs are absent.

use super::common::{corpus_real, root};
use findings::extract::{Limits, extract_bytes};
use findings::model::{Kind, Publisher, Statement};
use findings::patterns::{Bodies, RuleSet};
use findings::segment::{DocInput, Segmented, segment};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Labels {
    reports: Vec<LabeledReport>,
}

#[derive(Debug, Deserialize)]
struct LabeledReport {
    file: String,
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
struct Item {
    page: u32,
    kind: String,
    prefix: String,
    #[serde(default)]
    grade: Option<String>,
    #[serde(default)]
    area: Option<String>,
}

/// Letters and digits only, lower case, curly quotes folded.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn labels() -> Labels {
    let path = root().join("tests/data/ofsted-real-labels.json");
    let text = std::fs::read_to_string(&path).expect("labels file");
    serde_json::from_str(&text).expect("labels parse")
}

fn run(dir: &std::path::Path, file: &str, rules: &RuleSet, bodies: &Bodies) -> Segmented {
    let bytes = std::fs::read(dir.join(file)).expect("real Ofsted PDF");
    let doc = extract_bytes(&bytes, &Limits::default()).expect("extracts");
    let input = DocInput {
        sha256: findings::model::ids::sha256_hex(&bytes),
        file: file.to_string(),
        files: vec![file.to_string()],
    };
    segment(&doc, &input, rules, bodies)
}

/// The statement of `item`: on its page, its text containing the prefix.
fn matches(s: &Statement, item: &Item) -> bool {
    s.page == item.page && norm(&s.text).contains(&norm(&item.prefix))
}

fn special(k: Kind) -> bool {
    matches!(
        k,
        Kind::Recommendation
            | Kind::AreaForImprovement
            | Kind::CauseOfConcern
            | Kind::GradedJudgement
    )
}

#[test]
fn ofsted_judgements_and_improvement_lists_are_found() {
    let Some(dir) = corpus_real() else { return };
    let rules = RuleSet::builtin().unwrap();
    let bodies = Bodies::builtin();
    let labels = labels();
    let (mut labeled, mut found, mut predicted, mut stray) = (0, 0, 0, 0);
    let mut problems: Vec<String> = Vec::new();
    for r in &labels.reports {
        let seg = run(&dir, &r.file, &rules, &bodies);
        assert_eq!(seg.report.publisher, Publisher::Ofsted, "{}", r.file);
        assert_eq!(
            seg.report.body_type,
            Some(findings::model::BodyType::LocalAuthority),
            "{}",
            r.file
        );
        assert_eq!(seg.report.force, None, "{}", r.file);
        for item in &r.items {
            labeled += 1;
            let hit = seg.statements.iter().find(|s| {
                matches(s, item)
                    && s.kind.as_str() == item.kind
                    && item
                        .grade
                        .as_deref()
                        .is_none_or(|g| s.grade.map(|x| x.as_str()) == Some(g))
                    && item
                        .area
                        .as_deref()
                        .is_none_or(|a| s.area.as_deref().is_some_and(|x| norm(x) == norm(a)))
            });
            match hit {
                Some(_) => found += 1,
                None => {
                    let got: Vec<String> = seg
                        .statements
                        .iter()
                        .filter(|s| matches(s, item))
                        .map(|s| format!("{} {:?} {:?}", s.kind, s.grade, s.area))
                        .collect();
                    problems.push(format!(
                        "{} p{}: {:?} {} — got {got:?}",
                        r.file, item.page, item.kind, item.prefix
                    ));
                }
            }
        }
        // Nothing unlabeled gets a judgement, recommendation or improvement kind.
        for s in seg.statements.iter().filter(|s| special(s.kind)) {
            predicted += 1;
            if !r
                .items
                .iter()
                .any(|i| matches(s, i) && i.kind == s.kind.as_str())
            {
                stray += 1;
                problems.push(format!(
                    "{} p{}: unlabeled {}: {}",
                    r.file,
                    s.page,
                    s.kind,
                    s.text.chars().take(80).collect::<String>()
                ));
            }
        }
    }
    eprintln!(
        "Ofsted real reports: {found}/{labeled} labeled items found with the right kind; {stray} of {predicted} predicted judgements/recommendations/improvements unlabeled"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
