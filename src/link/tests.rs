use super::*;
use crate::model::{BackReference, MetadataSources, Publisher, ReportStatus, ReportType, Source};

pub(super) fn report(id: &str, force: &str, published: &str) -> Report {
    Report {
        id: id.into(),
        file: format!("{id}.pdf"),
        files: vec![format!("{id}.pdf")],
        sha256: String::new(),
        title: id.into(),
        force: (!force.is_empty()).then(|| force.to_string()),
        forces: if force.is_empty() {
            vec![]
        } else {
            vec![force.to_string()]
        },
        body: None,
        body_type: None,
        bodies: vec![],
        publisher: Publisher::Hmicfrs,
        published: Some(published.into()),
        report_type: ReportType::Peel,
        pages: 1,
        producer: None,
        status: ReportStatus::Ok,
        warnings: vec![],
        sources: MetadataSources {
            title: Source::Cover,
            force: Source::Cover,
            publisher: Source::Cover,
            published: Source::Cover,
            report_type: Source::Cover,
        },
    }
}

pub(super) fn stmt(id: &str, report: &str, kind: Kind, themes: &[&str], text: &str) -> Statement {
    Statement {
        themes: themes.iter().map(|t| t.to_string()).collect(),
        ..Statement::new(id, report, kind, text)
    }
}

/// Background statements so IDF behaves as in a real batch.
fn filler(reports: &mut Vec<Report>, statements: &mut Vec<Statement>) {
    let texts = [
        "The force should improve how it records crimes reported by victims of rape so that crime data integrity is better.",
        "Officers do not always complete a risk assessment for victims of domestic abuse at the first attendance.",
        "The force needs to improve its vetting processes so that all staff are vetted to the right level before starting work.",
        "Stop and search records show that officers do not always record the grounds for the search clearly.",
        "The force should make sure that it has enough trained detectives to investigate complex crime.",
        "Neighbourhood teams are often taken away from problem-solving work to cover response shifts.",
        "The force should improve the wellbeing support it provides to its staff who handle traumatic cases.",
        "Victims are not always given updates on their cases in line with the Victims' Code.",
        "The force does not have enough capacity in its digital forensic unit, causing long delays to examine devices.",
        "Registered sex offenders are not always visited by officers within the timescales set by national guidance.",
    ];
    for (y, f) in [
        (2014, "Kent Police"),
        (2015, "Essex Police"),
        (2017, "Surrey Police"),
    ] {
        let rid = format!("r-fill-{y}");
        reports.push(report(&rid, f, &format!("{y}-05")));
        for (k, t) in texts.iter().enumerate() {
            statements.push(stmt(
                &format!("s-fill-{y}-{k}"),
                &rid,
                Kind::Finding,
                &[],
                t,
            ));
        }
    }
}

fn paraphrase_batch() -> (Vec<Report>, Vec<Statement>) {
    let mut reports = vec![
        report("r-a2016", "Northshire Police", "2016-03"),
        report("r-a2019", "Northshire Police", "2019-06"),
        report("r-b2015", "Southshire Constabulary", "2015-09"),
    ];
    let mut statements = vec![
        stmt(
            "s-a16-sup",
            "r-a2016",
            Kind::AreaForImprovement,
            &["supervision"],
            "Supervisors do not consistently review investigation plans, so some investigations lack direction.",
        ),
        stmt(
            "s-a16-call",
            "r-a2016",
            Kind::Finding,
            &["call_handling"],
            "Call handlers do not always use the structured triage process, so 999 callers wait too long for an answer.",
        ),
        stmt(
            "s-a19-sup",
            "r-a2019",
            Kind::Finding,
            &["supervision"],
            "Supervisory oversight of investigations remains inconsistent; we found cases with no investigation plan reviewed by a sergeant.",
        ),
        stmt(
            "s-a19-call",
            "r-a2019",
            Kind::AreaForImprovement,
            &["call_handling"],
            "The force should improve how quickly it answers emergency and non-emergency calls, as too many 101 calls are abandoned.",
        ),
        stmt(
            "s-b15-sup",
            "r-b2015",
            Kind::AreaForImprovement,
            &["supervision"],
            "Supervisors do not review investigation plans consistently and investigations lack direction.",
        ),
    ];
    filler(&mut reports, &mut statements);
    (reports, statements)
}

fn find<'a>(l: &'a Linked, from: &str, to: &str) -> Option<&'a Link> {
    l.links.iter().find(|x| x.from == from && x.to == to)
}

#[test]
fn paraphrase_is_linked_same_force_and_decoys_are_not() {
    let (reports, statements) = paraphrase_batch();
    let out = link(&reports, &statements, &LinkConfig::default());
    let l = find(&out, "s-a19-sup", "s-a16-sup").expect("paraphrase linked");
    assert_eq!(l.method, LinkMethod::Similarity);
    assert!(!l.cross_force);
    assert!(l.score >= LinkConfig::default().threshold && l.score <= 1.0);
    assert!(l.terms.contains(&"supervis".to_string()), "{:?}", l.terms);
    assert!(
        l.terms.contains(&"investigation_plan".to_string()),
        "{:?}",
        l.terms
    );
    // The other force's statement on the same theme: at most cross-force.
    for l in out
        .links
        .iter()
        .filter(|l| l.to == "s-b15-sup" || l.from == "s-b15-sup")
    {
        assert!(l.cross_force, "{l:?}");
    }
    // Another issue of the same force is not linked to supervision.
    assert!(find(&out, "s-a19-call", "s-a16-sup").is_none());
    assert!(find(&out, "s-a19-sup", "s-a16-call").is_none());
    // One chain for the supervision statements, without the other force.
    let c = &out.chains[out
        .chains
        .iter()
        .position(|c| c.statements.contains(&"s-a19-sup".to_string()))
        .expect("chain")];
    assert_eq!(c.statements, ["s-a16-sup", "s-a19-sup"]);
    assert_eq!(c.reports, ["r-a2016", "r-a2019"]);
    assert_eq!(c.forces, ["Northshire Police"]);
    assert_eq!(c.first_seen.as_deref(), Some("2016-03"));
    assert_eq!(c.last_seen.as_deref(), Some("2019-06"));
    assert_eq!(c.id, crate::model::ids::chain_id("s-a16-sup"));
    assert_eq!(out.chain_of["s-a19-sup"], c.id);
    assert!(!out.chain_of.contains_key("s-b15-sup"));
}

#[test]
fn explicit_back_reference_links_to_the_stated_year_with_status() {
    let mut reports = vec![
        report("r-x2015", "Westshire Police", "2015-04"),
        report("r-x2017", "Westshire Police", "2017-10"),
        report("r-x2019", "Westshire Police", "2019-11"),
    ];
    let mut statements = vec![
        stmt(
            "s-x15",
            "r-x2015",
            Kind::Recommendation,
            &["domestic_abuse"],
            "The force should ensure that all domestic abuse risk assessments are reviewed by a supervisor within 24 hours.",
        ),
        stmt(
            "s-x17",
            "r-x2017",
            Kind::Recommendation,
            &["domestic_abuse"],
            "Within six months the force should make sure domestic abuse risk assessments are reviewed by supervisors.",
        ),
        stmt(
            "s-x17b",
            "r-x2017",
            Kind::AreaForImprovement,
            &["vetting"],
            "The force should improve its vetting of new recruits.",
        ),
    ];
    let mut s = stmt(
        "s-x19",
        "r-x2019",
        Kind::Finding,
        &[],
        "In 2017 we recommended that supervisors check risk assessments for domestic abuse promptly. This has not been met.",
    );
    s.back_reference = Some(BackReference {
        year: Some(2017),
        status: Some(LinkStatus::NotMet),
        rule: "backref.year".into(),
    });
    statements.push(s);
    filler(&mut reports, &mut statements);
    let out = link(&reports, &statements, &LinkConfig::default());
    let l = find(&out, "s-x19", "s-x17").expect("explicit link");
    assert_eq!(l.method, LinkMethod::ExplicitReference);
    assert_eq!(l.status, Some(LinkStatus::NotMet));
    assert!(!l.cross_force);
    // Only one link to the 2017 report, the explicit one.
    assert_eq!(
        out.links
            .iter()
            .filter(|l| l.from == "s-x19" && (l.to == "s-x17" || l.to == "s-x17b"))
            .count(),
        1
    );
    let cid = &out.chain_of["s-x19"];
    let c = out.chains.iter().find(|c| &c.id == cid).unwrap();
    assert_eq!(c.latest_status, Some(LinkStatus::NotMet));
    assert!(c.statements.contains(&"s-x17".to_string()));
}

#[test]
fn never_links_to_a_later_report_or_both_ways_on_ties() {
    let mut reports = vec![
        report("r-t1", "Eastshire Police", "2018-01"),
        report("r-t2", "Eastshire Police", "2018-01"),
        report("r-t3", "Eastshire Police", "2020-01"),
    ];
    let text = "Supervisors do not consistently review investigation plans, so some investigations lack direction and victims wait.";
    let mut statements = vec![
        stmt("s-t1", "r-t1", Kind::Finding, &[], text),
        stmt("s-t2", "r-t2", Kind::Finding, &[], text),
        stmt("s-t3", "r-t3", Kind::Finding, &[], text),
    ];
    filler(&mut reports, &mut statements);
    let out = link(&reports, &statements, &LinkConfig::default());
    let date = |sid: &str| {
        let s = statements.iter().find(|s| s.id == sid).unwrap();
        let r = reports.iter().find(|r| r.id == s.report_id).unwrap();
        (r.published.clone().unwrap(), r.id.clone())
    };
    for l in &out.links {
        assert!(date(&l.to) < date(&l.from), "{l:?}");
    }
    assert!(find(&out, "s-t2", "s-t1").is_some());
    assert!(find(&out, "s-t1", "s-t2").is_none());
    assert!(find(&out, "s-t3", "s-t1").is_some() && find(&out, "s-t3", "s-t2").is_some());
    assert_eq!(out.chains.len(), 1);
    assert_eq!(out.chains[0].statements, ["s-t1", "s-t2", "s-t3"]);
}

#[test]
fn short_statements_and_graded_judgements_are_not_linked_by_similarity() {
    let reports = vec![
        report("r-g1", "Eastshire Police", "2018-01"),
        report("r-g2", "Eastshire Police", "2020-01"),
    ];
    let statements = vec![
        stmt("s-g1", "r-g1", Kind::Finding, &[], "Supervision is poor."),
        stmt("s-g2", "r-g2", Kind::Finding, &[], "Supervision is poor."),
        stmt(
            "s-g3",
            "r-g1",
            Kind::GradedJudgement,
            &[],
            "The force requires improvement at investigating crime and protecting vulnerable people from harm.",
        ),
        stmt(
            "s-g4",
            "r-g2",
            Kind::GradedJudgement,
            &[],
            "The force requires improvement at investigating crime and protecting vulnerable people from harm.",
        ),
    ];
    let out = link(&reports, &statements, &LinkConfig::default());
    assert!(out.links.is_empty(), "{:?}", out.links);
    assert!(out.chains.is_empty());
}

#[test]
fn deterministic_across_runs_input_order_and_threads() {
    let (mut reports, mut statements) = paraphrase_batch();
    let cfg = LinkConfig::default();
    let a = link(&reports, &statements, &cfg);
    let b = link(&reports, &statements, &cfg);
    assert_eq!(a, b);
    assert!(!a.links.is_empty());
    // Shuffle (deterministic permutation) and reverse.
    statements.reverse();
    reports.reverse();
    let n = statements.len();
    for i in 0..n {
        statements.swap(i, (i * 7 + 3) % n);
    }
    let c = link(&reports, &statements, &cfg);
    assert_eq!(a, c);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let d = pool.install(|| link(&reports, &statements, &cfg));
    assert_eq!(a, d);
}

#[test]
fn dates_parse_with_and_without_day() {
    assert_eq!(parse_date("2019-05"), Some((2019, 5, 0)));
    assert_eq!(parse_date("2019-05-17"), Some((2019, 5, 17)));
    assert!(parse_date("2019-05") < parse_date("2019-05-01"));
    assert_eq!(parse_date("May 2019"), None);
}

#[test]
fn back_reference_without_year_targets_the_latest_earlier_report() {
    let mut reports = vec![
        report("r-y2015", "Westshire Police", "2015-04"),
        report("r-y2018", "Westshire Police", "2018-02"),
        report("r-y2021", "Westshire Police", "2021-11"),
        report("r-z2020", "Other Police", "2020-01"),
    ];
    let rec = "The force should ensure that all domestic abuse risk assessments are reviewed by a supervisor within 24 hours.";
    let mut statements = vec![
        stmt("s-y15", "r-y2015", Kind::Recommendation, &[], rec),
        stmt("s-y18", "r-y2018", Kind::Recommendation, &[], rec),
        stmt("s-z20", "r-z2020", Kind::Recommendation, &[], rec),
    ];
    let mut s = stmt(
        "s-y21",
        "r-y2021",
        Kind::Finding,
        &[],
        "At our last inspection we said supervisors must review domestic abuse risk assessments; the force has made some progress.",
    );
    s.back_reference = Some(BackReference {
        year: None,
        status: Some(LinkStatus::PartiallyMet),
        rule: "backref.last".into(),
    });
    statements.push(s);
    filler(&mut reports, &mut statements);
    let out = link(&reports, &statements, &LinkConfig::default());
    let l = find(&out, "s-y21", "s-y18").expect("explicit link to latest earlier report");
    assert_eq!(l.method, LinkMethod::ExplicitReference);
    assert_eq!(l.status, Some(LinkStatus::PartiallyMet));
    let from: Vec<&Link> = out.links.iter().filter(|l| l.from == "s-y21").collect();
    assert!(from.len() <= LinkConfig::default().max_candidates);
    assert_eq!(from[0].to, "s-y18");
    // The chain's latest status comes from the explicit link.
    let c = out
        .chains
        .iter()
        .find(|c| c.statements.contains(&"s-y21".to_string()))
        .unwrap();
    assert_eq!(c.latest_status, Some(LinkStatus::PartiallyMet));
    assert!(!c.forces.contains(&"Other Police".to_string()));
}

#[test]
fn explicit_year_falls_back_to_the_following_year_and_same_body_links_come_first() {
    // Same text in many other forces' reports must not crowd out the force's own link.
    let text = "Officers do not complete a risk assessment for every victim of stalking and harassment at first contact.";
    let mut reports = vec![report("r-own2016", "Northshire Police", "2016-02")];
    let mut statements = vec![stmt(
        "s-own16",
        "r-own2016",
        Kind::AreaForImprovement,
        &[],
        "Risk assessments are not completed for every victim of stalking or harassment when officers first attend.",
    )];
    for k in 0..6 {
        let rid = format!("r-oth{k}");
        reports.push(report(&rid, &format!("Other {k} Police"), "2017-03"));
        statements.push(stmt(
            &format!("s-oth{k}"),
            &rid,
            Kind::AreaForImprovement,
            &[],
            text,
        ));
    }
    reports.push(report("r-own2019", "Northshire Police", "2019-02"));
    let mut s = stmt(
        "s-own19",
        "r-own2019",
        Kind::AreaForImprovement,
        &[],
        "In our 2015 inspection we found officers do not complete a risk assessment for every victim of stalking and harassment at first contact.",
    );
    s.back_reference = Some(BackReference {
        year: Some(2015),
        status: Some(LinkStatus::NotMet),
        rule: "r".into(),
    });
    statements.push(s);
    filler(&mut reports, &mut statements);
    let out = link(&reports, &statements, &LinkConfig::default());
    let from: Vec<&Link> = out.links.iter().filter(|l| l.from == "s-own19").collect();
    assert!(from.len() <= 3, "{from:?}");
    let own = find(&out, "s-own19", "s-own16").expect("own history kept");
    // 2015 stated, report published 2016: explicit via the year-after fallback.
    assert_eq!(own.method, LinkMethod::ExplicitReference);
    assert_eq!(own.status, Some(LinkStatus::NotMet));
    assert!(
        from.iter()
            .filter(|l| l.to != "s-own16")
            .all(|l| l.cross_force)
    );
    // Without the back-reference the same-body link still comes first.
    let mut statements2 = statements.clone();
    statements2
        .iter_mut()
        .find(|s| s.id == "s-own19")
        .unwrap()
        .back_reference = None;
    let out2 = link(&reports, &statements2, &LinkConfig::default());
    let own2 = find(&out2, "s-own19", "s-own16").expect("same-body link kept");
    assert_eq!(own2.method, LinkMethod::Similarity);
    assert!(!own2.cross_force);
}

#[test]
fn synonym_paraphrases_are_linked() {
    let mut reports = vec![
        report("r-p2015", "Midshire Police", "2015-06"),
        report("r-p2019", "Midshire Police", "2019-06"),
    ];
    let pairs = [
        (
            "The force should improve how it shares information about vulnerable children with children's social care, so that referrals are not delayed.",
            "Data sharing with social services remains poor, and referrals about vulnerable children are often late.",
        ),
        (
            "Officers do not always treat missing children as being at risk of sexual exploitation, and the information from return interviews is not used.",
            "When children who go missing return home, officers rarely consider whether they are at risk of being sexually exploited.",
        ),
        (
            "Supervisors do not consistently review investigation plans, so some investigations lack direction.",
            "Supervisory oversight of investigations remains inconsistent; we found cases with no investigation plan reviewed by a sergeant.",
        ),
    ];
    let mut statements = Vec::new();
    for (k, (a, b)) in pairs.iter().enumerate() {
        statements.push(stmt(
            &format!("s-p15-{k}"),
            "r-p2015",
            Kind::AreaForImprovement,
            &[],
            a,
        ));
        statements.push(stmt(
            &format!("s-p19-{k}"),
            "r-p2019",
            Kind::Finding,
            &[],
            b,
        ));
    }
    filler(&mut reports, &mut statements);
    let out = link(&reports, &statements, &LinkConfig::default());
    for k in 0..pairs.len() {
        let from = format!("s-p19-{k}");
        let l = find(&out, &from, &format!("s-p15-{k}"));
        assert!(
            l.is_some(),
            "pair {k}: {:?}",
            out.links
                .iter()
                .filter(|l| l.from == from)
                .collect::<Vec<_>>()
        );
        // and not to the other pairs' statements
        for j in (0..pairs.len()).filter(|&j| j != k) {
            assert!(
                find(&out, &from, &format!("s-p15-{j}")).is_none(),
                "pair {k} → {j}"
            );
        }
    }
}

#[test]
fn back_reference_to_an_unrelated_report_makes_no_link() {
    let mut reports = vec![
        report("r-u2017", "Westshire Police", "2017-10"),
        report("r-u2019", "Westshire Police", "2019-11"),
    ];
    let mut statements = vec![stmt(
        "s-u17",
        "r-u2017",
        Kind::AreaForImprovement,
        &[],
        "The force should improve its vetting of new recruits and keep vetting records up to date.",
    )];
    let mut s = stmt(
        "s-u19",
        "r-u2019",
        Kind::Finding,
        &[],
        "In 2017 we recommended that supervisors check risk assessments for domestic abuse promptly. This has not been met.",
    );
    s.back_reference = Some(BackReference {
        year: Some(2017),
        status: Some(LinkStatus::NotMet),
        rule: "backref.year".into(),
    });
    statements.push(s);
    filler(&mut reports, &mut statements);
    let out = link(&reports, &statements, &LinkConfig::default());
    assert!(
        out.links.iter().all(|l| l.from != "s-u19"),
        "{:?}",
        out.links
    );
}

#[test]
fn vectors_on_disk_and_statements_from_a_spill_give_the_same_links() {
    let (reports, statements) = paraphrase_batch();
    let cfg = LinkConfig::default();
    let in_memory = link(&reports, &statements, &cfg);
    assert!(!in_memory.links.is_empty() && !in_memory.chains.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let mut writer = crate::spill::SpillWriter::create(dir.path()).unwrap();
    // Arrival order differs from the slice's: linking must not care.
    for s in statements.iter().rev() {
        writer.push(s).unwrap();
    }
    let spill = writer.seal().unwrap();
    let result = link_from(&reports, &spill, &cfg, Scratch::Disk(dir.path())).unwrap();
    assert!(result.error().is_none());
    let n = spill.len();
    for (position, s) in statements.iter().rev().enumerate() {
        assert_eq!(
            result.chain_at(position),
            in_memory.chain_of.get(&s.id).map(String::as_str),
            "chain of {}",
            s.id
        );
    }
    assert_eq!(result.chain_at(n), None);
    assert_eq!(result.link_count(), in_memory.links.len());
    assert_eq!(result.into_linked(), in_memory);
    // Both scratch files are anonymous: nothing is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
