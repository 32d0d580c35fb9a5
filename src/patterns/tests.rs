//! Registry meta-tests over the built-in rules, plus behaviour of the
//! convenience questions.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;
use crate::model::{Grade, Kind, LinkStatus, Publisher, ReportType};

/// The built-in rules, loaded once for all tests.
fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
}

#[test]
fn every_example_behaves() {
    let report = rules().check();
    assert!(report.is_ok(), "\n{report}");
    assert!(report.examples > 2 * report.rules);
}

#[test]
fn every_rule_file_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    let listed: HashSet<&str> = BUILTIN_RULE_FILES.iter().map(|(n, _)| *n).collect();
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".toml") && name != "bodies.toml" {
            assert!(
                listed.contains(name.as_str()),
                "{name} is not in BUILTIN_RULE_FILES"
            );
        }
    }
    assert!(dir.join("bodies.toml").exists());
}

#[test]
fn registry_invariants() {
    let rs = rules();
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for r in rs.rules() {
        assert!(ids.insert(r.id.clone()), "duplicate id {}", r.id);
        assert!(
            names.insert(r.name.clone()),
            "duplicate name {} ({})",
            r.name,
            r.id
        );
        assert!(rule::is_kebab(&r.name), "{}: name {}", r.id, r.name);
        // family.target.detail, and the family/target agree with the target.
        let parts: Vec<&str> = r.id.split('.').collect();
        assert!(parts.len() >= 3, "{}", r.id);
        match &r.target {
            Target::BackRef => assert_eq!(parts[0], "backref", "{}", r.id),
            t => {
                assert_eq!(parts[0], t.family(), "{}", r.id);
                assert_eq!(parts[1], t.id(), "{}", r.id);
            }
        }
        assert!(!r.description.trim().is_empty(), "{}", r.id);
        assert!(!r.examples.matches.is_empty(), "{}", r.id);
        assert!(!r.examples.no_match.is_empty(), "{}", r.id);
        assert!(!r.name.contains("disallow") && !r.name.contains("banned"));
        if r.status == RuleStatus::Deprecated {
            assert!(
                r.replaced_by.is_some(),
                "{} deprecated without replaced_by",
                r.id
            );
        }
        // The `year` group is only used by back-reference rules.
        for p in &r.patterns {
            if p.contains("?<year>") {
                assert_eq!(r.target, Target::BackRef, "{}", r.id);
            }
        }
    }
}

#[test]
fn every_theme_and_kind_has_rules() {
    let rs = rules();
    for t in THEME_IDS {
        assert!(
            rs.rules()
                .iter()
                .any(|r| r.target == Target::Theme(t.to_string()) && r.weight >= 1.0),
            "theme {t} has no full-weight rule"
        );
    }
    for k in Kind::ALL {
        if k == Kind::Finding {
            continue;
        }
        for scope in [Scope::Heading, Scope::Text] {
            assert!(
                rs.rules()
                    .iter()
                    .any(|r| r.target == Target::Kind(k) && r.scope == scope),
                "kind {k} has no {scope} rule"
            );
        }
    }
    for t in ReportType::ALL {
        if t == ReportType::Other {
            continue;
        }
        assert!(
            rs.rules().iter().any(|r| r.target == Target::ReportType(t)),
            "{t:?}"
        );
    }
    for p in Publisher::ALL {
        if p == Publisher::Other {
            continue;
        }
        assert!(
            rs.rules().iter().any(|r| r.target == Target::Publisher(p)),
            "{p:?}"
        );
    }
}

/// Every rule example, every labelled statement of the corpus, and a text
/// with the two characters that fold to ASCII letters.
fn sample_texts(rs: &RuleSet) -> Vec<String> {
    let mut texts: Vec<String> = rs
        .rules()
        .iter()
        .flat_map(|r| {
            r.examples
                .matches
                .iter()
                .chain(&r.examples.no_match)
                .cloned()
        })
        .collect();
    let truth = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/truth.json");
    if let Ok(text) = std::fs::read_to_string(truth) {
        let truth: serde_json::Value = serde_json::from_str(&text).unwrap();
        for s in truth["statements"].as_array().unwrap() {
            texts.push(s["text"].as_str().unwrap().to_string());
        }
    }
    texts.push(
        "The Kelvin \u{212A} and the long \u{17F}: ri\u{17F}k a\u{17F}\u{17F}e\u{17F}\u{17F}ment"
            .into(),
    );
    texts
}

#[test]
fn split_window_patterns_match_as_their_whole_regex() {
    // Patterns split at a sentence window must find what the whole regex
    // finds, on every sample text and at every start.
    let rs = rules();
    let texts = sample_texts(rs);
    let mut split = 0;
    for rule in rs.rules() {
        for (pattern, source) in rule.regexes.iter().zip(&rule.patterns) {
            if !pattern.is_split() {
                continue;
            }
            split += 1;
            for text in &texts {
                assert_eq!(
                    pattern.find(text),
                    pattern.find_whole(text),
                    "{} `{source}` on {text:?}",
                    rule.id
                );
            }
        }
    }
    assert!(split >= 20, "only {split} patterns split");
}

#[test]
fn scan_agrees_with_single_rules() {
    // The gated path must find exactly the rules (and spans) that fire alone:
    // on every rule example, on every labelled statement of the corpus, and
    // on texts with characters that fold to ASCII letters.
    let rs = rules();
    let texts = sample_texts(rs);
    let mut fired = 0;
    for text in &texts {
        for scope in Scope::ALL {
            let mut gated: Vec<(&str, [usize; 2])> = rs
                .scan(scope, text)
                .iter()
                .map(|m| (m.rule, m.span))
                .collect();
            let mut alone: Vec<(&str, [usize; 2])> = rs
                .rules()
                .iter()
                .filter(|x| x.scope == scope && x.status != RuleStatus::Deprecated)
                .filter_map(|x| x.find(text).map(|(span, _)| (x.id.as_str(), span)))
                .collect();
            gated.sort();
            alone.sort();
            assert_eq!(gated, alone, "scope {scope}, text {text:?}");
            fired += gated.len();
        }
    }
    assert!(
        fired > texts.len(),
        "{fired} firings over {} texts",
        texts.len()
    );
}

#[test]
fn theme_tags_are_the_threshold_over_every_firing_rule() {
    // `themes` skips confirming the rules of a theme that cannot reach the
    // threshold; it must give what summing every firing rule gives.
    let rs = rules();
    let texts = sample_texts(rs);
    let mut tagged = 0;
    for text in &texts {
        let all: Vec<RuleMatch<'_>> = rs
            .scan(Scope::Text, text)
            .into_iter()
            .filter(|m| matches!(m.target, Target::Theme(_)))
            .collect();
        let mut sums: HashMap<String, f32> = HashMap::new();
        for m in &all {
            *sums.entry(m.target.id().to_string()).or_default() += m.weight;
        }
        let mut expected: Vec<Tag> = all
            .iter()
            .filter(|m| sums[m.target.id()] >= THEME_THRESHOLD - 1e-4)
            .map(|m| Tag {
                target: m.target.id().to_string(),
                rule: m.rule.to_string(),
                span: m.span,
            })
            .collect();
        expected.sort();
        assert_eq!(rs.themes(text), expected, "{text:?}");
        tagged += usize::from(!expected.is_empty());
    }
    assert!(tagged > 100, "{tagged} tagged texts");
}

#[test]
fn themes_need_enough_weight() {
    let rs = rules();
    let t = rs.themes("The custody suite was clean.");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].target, "custody");
    assert_eq!(t[0].rule, "theme.custody.named");
    let text = "The custody suite was clean.";
    assert_eq!(&text[t[0].span[0]..t[0].span[1]], "custody");
    // One weak cue is not enough; two are.
    assert!(rs.theme_names("Officers spoke to the children.").is_empty());
    assert_eq!(
        rs.theme_names("Officers spoke to the children about safeguarding."),
        ["child_protection"]
    );
    // Sorted, one tag per rule.
    let tags = rs.themes("Registered sex offenders and domestic abuse victims");
    let mut sorted = tags.clone();
    sorted.sort();
    assert_eq!(tags, sorted);
}

#[test]
fn theme_precision_on_ordinary_sentences() {
    let rs = rules();
    for s in [
        "Officers attended the scene promptly.",
        "The report was published in March.",
        "We visited the force in May 2022.",
    ] {
        assert!(rs.themes(s).is_empty(), "{s}: {:?}", rs.themes(s));
    }
    assert_eq!(
        rs.theme_names("The force failed to record an estimated 80,100 crimes."),
        ["crime_recording"]
    );
    assert_eq!(
        rs.theme_names("Children who go missing from care are at risk of criminal exploitation and county lines."),
        ["child_criminal_exploitation", "missing_children"]
    );
}

#[test]
fn kinds() {
    let rs = rules();
    let h = |s: &str| rs.kind_for_heading(s).map(|(k, _)| k);
    assert_eq!(h("Areas for improvement"), Some(Kind::AreaForImprovement));
    assert_eq!(h("Area for improvements"), Some(Kind::AreaForImprovement));
    assert_eq!(
        h("Causes of concern and recommendations"),
        Some(Kind::CauseOfConcern)
    );
    assert_eq!(h("Summary of recommendations"), Some(Kind::Recommendation));
    assert_eq!(h("Recommendations"), Some(Kind::Recommendation));
    assert_eq!(h("Promising practice"), Some(Kind::InnovativePractice));
    assert_eq!(h("Area of concern"), Some(Kind::AreaForImprovement));
    assert_eq!(h("Summary of causes of concern and recommendations"), None);
    assert_eq!(h("Our judgements"), Some(Kind::GradedJudgement));
    assert_eq!(h("What needs to improve"), Some(Kind::AreaForImprovement));
    assert_eq!(h("Investigating crime"), None);
    let t = |s: &str| rs.kind_for_text(s).map(|(k, _, _)| k);
    assert_eq!(t("Recommendation 4"), Some(Kind::Recommendation));
    assert_eq!(
        t("Within six months, the force should improve its supervision."),
        Some(Kind::Recommendation)
    );
    assert_eq!(
        t("The force should improve its supervision."),
        Some(Kind::AreaForImprovement)
    );
    assert_eq!(
        t("We have identified a cause of concern about crime recording."),
        Some(Kind::CauseOfConcern)
    );
    assert_eq!(t("Officers attended promptly."), None);
    let (_, rule, span) = rs
        .kind_for_text("HMIC recommends that the force should")
        .unwrap();
    assert_eq!(rule, "kind.recommendation.text");
    assert_eq!(span, [0, 15]);
}

#[test]
fn grades() {
    let rs = rules();
    let g = |s: &str| rs.grade(s).map(|(g, _)| g);
    assert_eq!(
        g("Requires improvement to be good"),
        Some(Grade::RequiresImprovement)
    );
    assert_eq!(
        g("Children who need help and protection Requires improvement to be good"),
        Some(Grade::RequiresImprovement)
    );
    assert_eq!(g("Good"), Some(Grade::Good));
    assert_eq!(g("Outstanding"), Some(Grade::Outstanding));
    assert_eq!(g("Adequate"), Some(Grade::Adequate));
    assert_eq!(g("Inadequate"), Some(Grade::Inadequate));
    assert_eq!(
        g("Investigating crime: inadequate"),
        Some(Grade::Inadequate)
    );
    assert_eq!(g("Responding to the public"), None);
}

#[test]
fn back_references() {
    let rs = rules();
    let b = rs
        .back_reference("In our 2019 report, we recommended that the force improve.")
        .unwrap();
    assert_eq!(b.year, Some(2019));
    assert_eq!(b.status, None);
    assert_eq!(b.rule, "backref.report.year_stated");
    let b = rs
        .back_reference("Since our inspection in 2014, this recommendation has been partially met.")
        .unwrap();
    assert_eq!(b.year, Some(2014));
    assert_eq!(b.status, Some(LinkStatus::PartiallyMet));
    let b = rs
        .back_reference(
            "In 2017, we identified two areas for improvement. These have not been met.",
        )
        .unwrap();
    assert_eq!((b.year, b.status), (Some(2017), Some(LinkStatus::NotMet)));
    let b = rs
        .back_reference("There are no longer such concerns.")
        .unwrap();
    assert_eq!((b.year, b.status), (None, Some(LinkStatus::Met)));
    assert_eq!(b.rule, "status.met.phrase");
    assert!(rs.back_reference("Officers attended promptly.").is_none());
    assert!(
        rs.back_reference("The force has made some progress in reducing crime.")
            .is_none()
    );
    let b = rs
        .back_reference("Since our last inspection, the force has made some progress.")
        .unwrap();
    assert_eq!((b.year, b.status), (None, Some(LinkStatus::PartiallyMet)));
    let b = rs
        .back_reference(
            "This recommendation has not been met, although some progress has been made.",
        )
        .unwrap();
    assert_eq!(b.status, Some(LinkStatus::NotMet));
}

#[test]
fn report_types_and_publishers() {
    let rs = rules();
    let rt = |s: &str| rs.report_type(s).map(|(t, _)| t);
    assert_eq!(
        rt("Derbyshire – National child protection re-inspection"),
        Some(ReportType::Revisit)
    );
    assert_eq!(
        rt("Greater Manchester – National child protection inspection"),
        Some(ReportType::ChildProtection)
    );
    assert_eq!(
        rt(
            "PEEL 2021/22 An inspection of Greater Manchester Police\nHM Inspectorate of Constabulary and Fire & Rescue Services"
        ),
        Some(ReportType::Peel)
    );
    assert_eq!(
        rt("Fire and Rescue Service inspections 2018/19 Shropshire Fire and Rescue Service"),
        Some(ReportType::FireAndRescue)
    );
    assert_eq!(
        rt("Kent Police – National child\nprotection inspection: postinspection review"),
        Some(ReportType::Revisit)
    );
    assert_eq!(
        rt(
            "Still looking: an inspection of the police response to children who go missing\nPolice forces: Thames Valley Police, Kent Police"
        ),
        Some(ReportType::Thematic)
    );
    // Ofsted's children's services inspections are `other`.
    assert_eq!(
        rt(
            "Lancashire County Council\nInspection of services for children in need of help and protection"
        ),
        None
    );
    let p = |s: &str, y| rs.publisher(s, y).map(|(p, _)| p);
    assert_eq!(p("© HMIC 2015", Some(2015)), Some(Publisher::Hmic));
    assert_eq!(p("© HMIC 2018", Some(2018)), Some(Publisher::Hmicfrs));
    assert_eq!(p("© HMICFRS 2022", None), Some(Publisher::Hmicfrs));
    assert_eq!(
        p("It is Ofsted’s expectation that", Some(2015)),
        Some(Publisher::Ofsted)
    );
    assert_eq!(p("Nothing here", None), None);
}

#[test]
fn user_rules_add_and_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        r#"
[[rule]]
id = "theme.custody.named"
name = "police-custody"
target = "theme:custody"
scope = "text"
description = "Overridden: only cells."
patterns = ['\bcells\b']
[rule.examples]
match = ["The cells were dirty."]
no_match = ["The custody suite was clean."]

[[rule]]
id = "theme.training.user_cue"
name = "user-training-cue"
target = "theme:training"
scope = "text"
description = "A user cue."
patterns = ['\bcourse\b']
[rule.examples]
match = ["A course for officers."]
no_match = ["Of course not."]
negative = []
"#,
    )
    .unwrap();
    // `negative` after [rule.examples] belongs to the examples table: rejected.
    let err = RuleSet::load(Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("mine.toml"), "{err}");

    std::fs::write(
        dir.path().join("mine.toml"),
        r#"
[[rule]]
id = "theme.custody.named"
name = "police-custody"
target = "theme:custody"
scope = "text"
description = "Overridden: only cells."
patterns = ['\bcells\b']
[rule.examples]
match = ["The cells were dirty."]
no_match = ["The custody suite was clean."]
"#,
    )
    .unwrap();
    let base = rules();
    let rs = RuleSet::load(Some(dir.path())).unwrap();
    assert_eq!(rs.rules().len(), base.rules().len());
    assert_ne!(rs.hash(), base.hash());
    assert_eq!(rs.theme_names("The cells were dirty."), ["custody"]);
    assert!(rs.theme_names("The custody suite was clean.").is_empty());
    assert!(rs.check().is_ok(), "{}", rs.check());
}

#[test]
fn errors_name_file_rule_and_problem() {
    let bad = |body: &str| parse_file("x.toml", body).unwrap_err().to_string();
    let rule = |extra: &str, pat: &str, target: &str| {
        format!(
            "[[rule]]\nid = \"theme.custody.x\"\nname = \"x-y\"\ntarget = \"{target}\"\nscope = \"text\"\ndescription = \"d\"\npatterns = ['{pat}']\n{extra}[rule.examples]\nmatch = [\"a\"]\nno_match = [\"b\"]\n"
        )
    };
    let e = bad(&rule("", "(unclosed", "theme:custody"));
    assert!(
        e.contains("x.toml") && e.contains("theme.custody.x") && e.contains("bad regex"),
        "{e}"
    );
    let e = bad(&rule("", "a", "theme:nonsense"));
    assert!(e.contains("unknown theme"), "{e}");
    let e = bad(&rule("", "a", "kind:nonsense"));
    assert!(e.contains("unknown kind"), "{e}");
    let two = format!(
        "{}\n{}",
        rule("", "a", "theme:custody"),
        rule("", "b", "theme:custody")
    );
    let e = bad(&two);
    assert!(e.contains("duplicate id"), "{e}");
    let e = bad(
        "[[rule]]\nid = \"theme.custody.x\"\nname = \"x\"\ntarget = \"theme:custody\"\nscope = \"text\"\ndescription = \"d\"\npatterns = ['a']\n",
    );
    assert!(e.contains("needs at least one"), "{e}");
    let e = bad("[[rule]]\nid = 3\n");
    assert!(e.contains("x.toml: line 2"), "{e}");
}

#[test]
fn hash_is_stable() {
    assert_eq!(rules().hash(), rules().hash());
    // A user folder's location does not change the hash; its contents do.
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let rule = "[[rule]]\nid = \"theme.custody.extra\"\nname = \"cells-extra\"\ntarget = \"theme:custody\"\nscope = \"text\"\ndescription = \"d\"\npatterns = ['\\bcells\\b']\n[rule.examples]\nmatch = [\"cells\"]\nno_match = [\"custody\"]\n";
    std::fs::write(a.path().join("x.toml"), rule).unwrap();
    std::fs::write(b.path().join("x.toml"), rule).unwrap();
    let ha = RuleSet::load(Some(a.path())).unwrap().hash();
    assert_eq!(ha, RuleSet::load(Some(b.path())).unwrap().hash());
    assert_ne!(ha, rules().hash());
    assert_eq!(rules().hash().len(), 64);
}

/// Manual check of cover questions over a folder of text files:
/// `FINDINGS_COVERS=dir`.
#[test]
#[ignore]
fn covers() {
    let Ok(dir) = std::env::var("FINDINGS_COVERS") else {
        return;
    };
    let rs = rules();
    let bodies = Bodies::builtin();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let cover: String = text.chars().take(1500).collect();
        let b: Vec<String> = bodies
            .find_all(&cover)
            .iter()
            .map(|m| format!("{}<{}>", m.canonical, &cover[m.span[0]..m.span[1]]))
            .collect();
        let all: Vec<String> = bodies
            .find_all(&text)
            .iter()
            .map(|m| format!("{}<{}>", m.canonical, &text[m.span[0]..m.span[1]]))
            .collect();
        println!(
            "{}\n  type {:?} publisher {:?}\n  cover bodies {:?}\n  all bodies {:?}",
            p.display(),
            rs.report_type(&cover),
            rs.publisher(&cover, None),
            b,
            &all[..all.len().min(12)]
        );
    }
}

#[test]
fn rule_set_and_bodies_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
    assert_send_sync::<Bodies>();
    // The per-thread memo must not leak answers between rule sets or scopes.
    let a = rules();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.toml"),
        "[[rule]]\nid = \"theme.custody.named\"\nname = \"cells-only\"\ntarget = \"theme:custody\"\nscope = \"text\"\ndescription = \"d\"\npatterns = ['\\bcells\\b']\n[rule.examples]\nmatch = [\"cells\"]\nno_match = [\"custody\"]\n",
    )
    .unwrap();
    let b = RuleSet::load(Some(dir.path())).unwrap();
    let text = "The custody suite was clean.";
    assert_eq!(a.theme_names(text), ["custody"]);
    assert!(b.theme_names(text).is_empty());
    assert_eq!(a.theme_names(text), ["custody"]);
    assert!(a.scan(Scope::Heading, text).is_empty());
    assert!(!a.scan(Scope::Text, text).is_empty());
    std::thread::scope(|s| {
        s.spawn(|| assert_eq!(a.theme_names(text), ["custody"]));
    });
}

/// Evaluate against a labelled corpus: `FINDINGS_TRUTH=corpus/truth.json`.
/// Prints theme micro-F1 with per-theme counts and each miss, grade and
/// back-reference agreement.
#[test]
#[ignore]
fn truth_eval() {
    let Ok(path) = std::env::var("FINDINGS_TRUTH") else {
        return;
    };
    let rs = rules();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut per: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let verbose = std::env::var("FINDINGS_VERBOSE").is_ok();
    for s in truth["statements"].as_array().unwrap() {
        let text = s["text"].as_str().unwrap();
        let want: HashSet<String> = s["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        let got: HashSet<String> = rs.theme_names(text).into_iter().collect();
        for t in want.union(&got) {
            let e = per.entry(t.clone()).or_default();
            match (want.contains(t), got.contains(t)) {
                (true, true) => e[0] += 1,
                (false, true) => e[1] += 1,
                _ => e[2] += 1,
            }
        }
        if verbose && want != got {
            let tags: Vec<String> = rs
                .themes(text)
                .iter()
                .map(|t| format!("{}<{}>", t.target, &text[t.span[0]..t.span[1]]))
                .collect();
            let mut extra: Vec<_> = got.difference(&want).collect();
            let mut missing: Vec<_> = want.difference(&got).collect();
            extra.sort();
            missing.sort();
            println!(
                "{} {text}\n   FP {extra:?} FN {missing:?} {tags:?}",
                s["id"]
            );
        }
        // Grades.
        if let Some(g) = s["grade"].as_str() {
            let ours = rs.grade(text).map(|(g, _)| g.as_str());
            if ours != Some(g) {
                println!("GRADE {} want {g} got {ours:?}: {text}", s["id"]);
            }
        }
        // Kinds from text alone (headings give the rest).
        let kind = s["kind"].as_str().unwrap();
        if let Some((k, r, _)) = rs.kind_for_text(text)
            && k.as_str() != kind
        {
            println!("KIND {} want {kind} got {k} by {r}: {text}", s["id"]);
        }
    }
    // Back-references: the later statement of each explicit repeat.
    let by_id: HashMap<&str, &serde_json::Value> = truth["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s))
        .collect();
    let (mut ok, mut n) = (0, 0);
    for r in truth["repeats"].as_array().unwrap() {
        let later = by_id[r["later"].as_str().unwrap()];
        let text = later["text"].as_str().unwrap();
        let b = rs.back_reference(text);
        let want_status = r["status"].as_str();
        let got_status = b.as_ref().and_then(|b| b.status).map(|s| s.as_str());
        if r["explicit"].as_bool() == Some(true) {
            n += 1;
            if b.is_some() && got_status == want_status {
                ok += 1;
            } else {
                println!(
                    "BACKREF {} want {want_status:?} got {b:?}: {text}",
                    r["later"]
                );
            }
        } else if b.is_some() {
            println!("BACKREF (implicit) {} got {b:?}: {text}", r["later"]);
        }
    }
    println!("explicit back-references right: {ok}/{n}");
    let (mut tp, mut fp, mut fnn) = (0, 0, 0);
    for (t, [a, b, c]) in &per {
        println!("{t:<36} tp {a:>3} fp {b:>3} fn {c:>3}");
        tp += a;
        fp += b;
        fnn += c;
    }
    let p = tp as f64 / (tp + fp) as f64;
    let r = tp as f64 / (tp + fnn) as f64;
    println!(
        "theme micro P {p:.3} R {r:.3} F1 {:.3}",
        2.0 * p * r / (p + r)
    );
}

/// Manual: kind of each heading in a file (`FINDINGS_HEADINGS=file`).
#[test]
#[ignore]
fn headings() {
    let Ok(path) = std::env::var("FINDINGS_HEADINGS") else {
        return;
    };
    let rs = rules();
    for h in std::fs::read_to_string(path).unwrap().lines() {
        println!(
            "{:<28} {h}",
            format!("{:?}", rs.kind_for_heading(h).map(|(k, _)| k))
        );
    }
}

/// Theme micro-F1 on the project's labelled corpus (`corpus/truth.json`), when
/// it is there: the rules are tuned to it, and this keeps them from drifting.
#[test]
fn themes_on_labelled_corpus() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/truth.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let truth: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rs = rules();
    let (mut tp, mut fp, mut fnn) = (0usize, 0usize, 0usize);
    for s in truth["statements"].as_array().unwrap() {
        let want: HashSet<&str> = s["themes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        let got = rs.theme_names(s["text"].as_str().unwrap());
        let got: HashSet<&str> = got.iter().map(String::as_str).collect();
        tp += got.intersection(&want).count();
        fp += got.difference(&want).count();
        fnn += want.difference(&got).count();
    }
    let f1 = 2.0 * tp as f64 / (2 * tp + fp + fnn) as f64;
    assert!(
        f1 >= 0.85,
        "theme micro-F1 {f1:.3} (tp {tp}, fp {fp}, fn {fnn})"
    );
}

/// Manual: cold and warm tagging time over the labelled statements
/// (`FINDINGS_TRUTH=corpus/truth.json`).
#[test]
#[ignore]
fn truth_timing() {
    let Ok(path) = std::env::var("FINDINGS_TRUTH") else {
        return;
    };
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let texts: Vec<&str> = truth["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let t = std::time::Instant::now();
    let rs = rules();
    eprintln!("load {:?}", t.elapsed());
    for round in 0..3 {
        let t = std::time::Instant::now();
        for x in &texts {
            let _ = rs.themes(x);
            let _ = rs.kind_for_text(x);
            let _ = rs.grade(x);
            let _ = rs.back_reference(x);
        }
        eprintln!(
            "round {round}: {} statements, {bytes} bytes, {:?}",
            texts.len(),
            t.elapsed()
        );
    }
}
