//! Search over the corpus index: known statements are found by phrase and by
//! every filter, and contrary filters leave them out.

use super::common::{corpus_evaluation, corpus_run};
use findings::model::{Kind, ReportType, Statement};
use findings::search::{DateBound, SearchRequest, search};

/// Labeled recommendations and areas for improvement as the run found them.
fn known() -> Vec<&'static Statement> {
    let run = corpus_run();
    let ev = corpus_evaluation();
    let ids: Vec<&String> = ev.matched.values().collect();
    run.data
        .statements
        .iter()
        .filter(|s| ids.contains(&&s.id))
        .filter(|s| matches!(s.kind, Kind::Recommendation | Kind::AreaForImprovement))
        .filter(|s| !s.themes.is_empty())
        .collect()
}

fn ids_for(req: &SearchRequest) -> Vec<String> {
    let run = corpus_run();
    let results = search(&run.out.join("index"), req).expect("search runs");
    results.hits.into_iter().map(|h| h.statement_id).collect()
}

/// Four adjacent plain words from the middle of the statement, as a phrase.
fn phrase_of(s: &Statement) -> String {
    let words: Vec<&str> = s.text.split_whitespace().collect();
    let plain = |w: &&str| w.chars().all(|c| c.is_alphabetic());
    let start = (0..words.len().saturating_sub(3))
        .map(|i| (i + words.len() / 3) % words.len().saturating_sub(3).max(1))
        .find(|&i| words[i..i + 4].iter().all(plain))
        .expect("four plain adjacent words");
    format!("\"{}\"", words[start..start + 4].join(" "))
}

#[test]
fn phrases_find_known_statements() {
    let known = known();
    assert!(known.len() >= 20, "{} known statements", known.len());
    for s in known.iter().take(20) {
        let req = SearchRequest {
            query: phrase_of(s),
            limit: 50,
            ..SearchRequest::default()
        };
        assert!(
            ids_for(&req).contains(&s.id),
            "{} not found by {}",
            s.id,
            req.query
        );
    }
}

#[test]
fn every_filter_keeps_a_matching_statement_and_drops_a_contrary_one() {
    let run = corpus_run();
    for s in known().iter().take(10) {
        let report = run
            .data
            .reports
            .iter()
            .find(|r| r.id == s.report_id)
            .unwrap();
        let year = &report.published.as_deref().unwrap()[..4];
        let base = SearchRequest {
            query: phrase_of(s),
            limit: 50,
            ..SearchRequest::default()
        };
        let other_kind = if s.kind == Kind::Recommendation {
            Kind::AreaForImprovement
        } else {
            Kind::Recommendation
        };
        let other_type = if report.report_type == ReportType::Thematic {
            ReportType::Custody
        } else {
            ReportType::Thematic
        };
        let cases: Vec<(&str, SearchRequest, SearchRequest)> = vec![
            (
                "kind",
                SearchRequest {
                    kinds: vec![s.kind],
                    ..base.clone()
                },
                SearchRequest {
                    kinds: vec![other_kind],
                    ..base.clone()
                },
            ),
            (
                "theme",
                SearchRequest {
                    themes: vec![s.themes[0].clone()],
                    ..base.clone()
                },
                SearchRequest {
                    themes: vec!["fire_response".into()],
                    ..base.clone()
                },
            ),
            (
                "type",
                SearchRequest {
                    report_types: vec![report.report_type],
                    ..base.clone()
                },
                SearchRequest {
                    report_types: vec![other_type],
                    ..base.clone()
                },
            ),
            (
                "from/to",
                SearchRequest {
                    from: Some(DateBound::parse(year).unwrap()),
                    to: Some(DateBound::parse(year).unwrap()),
                    ..base.clone()
                },
                SearchRequest {
                    to: Some(DateBound::parse("2013").unwrap()),
                    ..base.clone()
                },
            ),
        ];
        let mut cases = cases;
        if let Some(force) = &report.force {
            cases.push((
                "force",
                SearchRequest {
                    forces: vec![force.clone()],
                    ..base.clone()
                },
                SearchRequest {
                    forces: vec!["Surrey Police".into()],
                    ..base.clone()
                },
            ));
        }
        for (name, keep, drop) in cases {
            assert!(
                ids_for(&keep).contains(&s.id),
                "{name} filter lost {}",
                s.id
            );
            assert!(
                !ids_for(&drop).contains(&s.id),
                "contrary {name} filter kept {}",
                s.id
            );
        }
    }
}

#[test]
fn empty_query_with_a_filter_lists_by_date_with_facets() {
    let run = corpus_run();
    let req = SearchRequest {
        kinds: vec![Kind::Recommendation],
        limit: 1000,
        ..SearchRequest::default()
    };
    let results = search(&run.out.join("index"), &req).unwrap();
    let expected = run
        .data
        .statements
        .iter()
        .filter(|s| s.kind == Kind::Recommendation)
        .count();
    assert_eq!(results.total, expected);
    let dates: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.published.as_deref().unwrap_or(""))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let kinds_total: u64 = results.facets.kinds.iter().map(|(_, n)| n).sum();
    assert_eq!(kinds_total as usize, expected);
}
