//! The pipeline measured against `corpus/truth.json` (issue 2 and 4 floors).

use super::common::{corpus_evaluation, corpus_run, truth};
use findings::model::{Kind, LinkMethod, ReportStatus};

fn evaluation() -> &'static findings::evaluate::Evaluation {
    corpus_evaluation()
}

#[test]
fn every_corpus_report_is_read() {
    let run = corpus_run();
    let t = truth();
    assert_eq!(run.summary.failed_documents, 0, "{:?}", run.summary.errors);
    for tr in &t.reports {
        let r = run
            .data
            .reports
            .iter()
            .find(|r| r.file == tr.file)
            .unwrap_or_else(|| panic!("no report for {}", tr.file));
        assert_eq!(r.status, ReportStatus::Ok, "{}: {:?}", tr.file, r.warnings);
        if tr.pages > 0 {
            assert_eq!(r.pages, tr.pages, "{}", tr.file);
        }
    }
}

#[test]
fn metadata_matches_truth_for_every_report() {
    let ev = evaluation();
    assert!(
        ev.metadata_errors.is_empty(),
        "{}",
        ev.metadata_errors.join("\n")
    );
}

#[test]
fn kinds_meet_precision_and_recall_floors() {
    let ev = evaluation();
    assert!(
        ev.kind_recall() >= 0.95,
        "kind recall {:.3}",
        ev.kind_recall()
    );
    assert!(
        ev.kind_precision() >= 0.95,
        "kind precision {:.3}",
        ev.kind_precision()
    );
}

#[test]
fn counts_by_kind_are_close_to_the_labels() {
    let run = corpus_run();
    let t = truth();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Finding) {
        let labeled = t
            .statements
            .iter()
            .filter(|s| s.kind == kind.as_str())
            .count();
        let found = run.summary.by_kind.get(&kind).copied().unwrap_or(0);
        let tolerance = (labeled as f64 * 0.1).ceil() as usize + 1;
        assert!(
            found.abs_diff(labeled) <= tolerance,
            "{kind}: found {found}, labeled {labeled}"
        );
    }
    let labeled_findings = t.statements.iter().filter(|s| s.kind == "finding").count();
    assert!(
        run.summary
            .by_kind
            .get(&Kind::Finding)
            .copied()
            .unwrap_or(0)
            >= labeled_findings
    );
}

#[test]
fn themes_meet_f1_floor() {
    let ev = evaluation();
    assert!(ev.theme_f1() >= 0.85, "theme micro-F1 {:.3}", ev.theme_f1());
}

/// Issue 5's acceptance: recall and precision of repeat linking >= 0.9 on
/// the corpus, measured against its issues (see `corpus/src/links.yaml`), no
/// decoy linked as a same-body repeat, and every explicit back-reference
/// with a stated status linked with that status.
#[test]
fn repeat_links_meet_issue_floors_and_spare_decoys() {
    let ev = evaluation();
    assert!(
        ev.followups_total >= 40,
        "{} follow-ups",
        ev.followups_total
    );
    assert!(
        ev.link_recall() >= 0.9,
        "link recall {:.3}; missed: {:?}",
        ev.link_recall(),
        ev.followups_missed
    );
    assert!(
        ev.link_precision() >= 0.9,
        "link precision {:.3}; wrong: {:?}",
        ev.link_precision(),
        ev.wrong_links
    );
    assert!(ev.decoys_linked.is_empty(), "{:?}", ev.decoys_linked);
    assert_eq!(ev.status_right, ev.status_total, "explicit statuses");
}

#[test]
fn a_known_repeat_chain_is_found_with_dates() {
    let run = corpus_run();
    let t = truth();
    let ev = evaluation();
    let explicit = t
        .repeats
        .iter()
        .find(|r| r.explicit)
        .expect("truth has an explicit repeat");
    let later = &ev.matched[&explicit.later];
    let s = run.data.statements.iter().find(|s| &s.id == later).unwrap();
    let chain_id = s.chain_id.as_ref().expect("later statement is in a chain");
    let chain = run.data.chains.iter().find(|c| &c.id == chain_id).unwrap();
    assert!(chain.reports.len() >= 2);
    assert!(chain.first_seen < chain.last_seen, "{chain:?}");
    let earlier = &ev.matched[&explicit.earlier];
    assert!(chain.statements.contains(earlier));
}

/// Other inspectorates (issue 10): on our Ofsted-style chains (Lancashire
/// County Council 2018 → 2022 → 2025) link precision and recall reach 0.9;
/// the joint chains (HMI Prisons with HMICFRS on custody, the JTAI) hold
/// floors just under their measured level (recall 0.67, precision 0.71).
#[test]
fn other_inspectorates_repeat_chains_are_linked() {
    let ev = evaluation();
    let ofsted = ev.by_publisher.get("ofsted").copied().unwrap_or_default();
    assert!(ofsted.total >= 10, "{ofsted:?}");
    assert!(ofsted.recall() >= 0.9, "Ofsted link recall {ofsted:?}");
    assert!(
        ofsted.precision() >= 0.9,
        "Ofsted link precision {ofsted:?}"
    );
    let joint = ev.by_publisher.get("joint").copied().unwrap_or_default();
    assert!(joint.total >= 8, "{joint:?}");
    assert!(joint.recall() >= 0.6, "joint link recall {joint:?}");
    assert!(joint.precision() >= 0.6, "joint link precision {joint:?}");
}

/// An explicit back-reference in another inspectorate's wording ("not all
/// shortfalls identified during the last inspection have been addressed",
/// "the local authority has failed to deliver the improvements needed", "the
/// recommendation we made in 2017 ... has been met") links with the stated
/// status.
#[test]
fn other_inspectorates_back_references_carry_their_status() {
    let run = corpus_run();
    let t = truth();
    let ev = evaluation();
    let publisher_of = |label: &str| -> Option<&str> {
        let file = format!("{}.pdf", label.split('/').next()?);
        t.reports
            .iter()
            .find(|r| r.file == file)
            .and_then(|r| r.publisher.as_deref())
    };
    let mut checked = 0;
    for r in t
        .repeats
        .iter()
        .filter(|r| r.explicit && r.status.is_some())
    {
        if !matches!(publisher_of(&r.later), Some("ofsted" | "joint")) {
            continue;
        }
        let later = &ev.matched[&r.later];
        let stated = run
            .data
            .links
            .iter()
            .filter(|l| &l.from == later && l.method == LinkMethod::ExplicitReference)
            .filter_map(|l| l.status.map(|s| s.as_str()))
            .collect::<Vec<_>>();
        assert!(
            stated.contains(&r.status.as_deref().unwrap_or_default()),
            "{} → {}: stated {:?}, links {stated:?}",
            r.earlier,
            r.later,
            r.status
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} explicit statuses checked");
}
