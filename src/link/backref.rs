//! Explicit back-references: "in our 2017 inspection we recommended …".
//!
//! Segmentation fills [`BackReference`](crate::model::BackReference) from its
//! rule files; here we find *what* is referred to. The target is a report of
//! the same body published earlier (or the same day, ordered by report id) in
//! the stated year (else the year after: inspections are often published the
//! following year), or, with no year, the latest earlier report of that body.
//! Within it the best statement by the ordinary score wins if it reaches the
//! (lower) `explicit_threshold`: body and year already agree, so weaker
//! textual evidence is enough. The stated status is copied onto the link.

use super::{Cand, Item, LinkConfig, ReportInfo, ThemeSets, VectorStore, score};
use crate::model::{Kind, LinkMethod};

/// Added to the score of recommendations, areas for improvement and causes of
/// concern when choosing the target of a back-reference (not to the link's score).
const ACTIONABLE_PREFERENCE: f32 = 0.15;

fn actionable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Recommendation | Kind::AreaForImprovement | Kind::CauseOfConcern
    )
}

/// The explicit link of statement `i`, if it has a back-reference and a
/// matching earlier statement.
pub(crate) fn explicit_link(
    i: usize,
    items: &[Item],
    store: &VectorStore,
    (reports, themes): (&[ReportInfo], &ThemeSets),
    body_reports: &[Vec<usize>],
    cfg: &LinkConfig,
) -> Option<Cand> {
    let it = &items[i];
    let (year, _) = it.back_ref?;
    let own = it.report?;
    let body = reports[own].body?;
    reports[own].date?;
    // Reports of the body strictly before the own report in (date, id) order;
    // `body_reports` is sorted in that order and reports are indexed in it.
    let earlier: Vec<usize> = body_reports[body as usize]
        .iter()
        .copied()
        .filter(|&r| r < own)
        .collect();
    let in_year = |y: i32| -> Vec<usize> {
        earlier
            .iter()
            .copied()
            .filter(|&r| reports[r].date.map(|d| d.0) == Some(y))
            .collect()
    };
    // Candidate reports in groups, tried in order until one gives a target.
    let groups: Vec<Vec<usize>> = match year {
        // "Our 2017 inspection" is often published the year after: fall back
        // to reports published in year + 1 when none was published in year.
        Some(y) => {
            let t = in_year(y);
            vec![if t.is_empty() { in_year(y + 1) } else { t }]
        }
        // "The last inspection" is the latest earlier report of the body;
        // when nothing in it matches, an older one (a body inspected by
        // several inspectorates: the last custody inspection is not the
        // last child protection one), newest first.
        None => earlier.iter().rev().map(|&r| vec![r]).collect(),
    };
    groups
        .into_iter()
        .find_map(|targets| best_in(i, &targets, items, store, (reports, themes), cfg))
}

/// The best target of statement `i`'s back-reference among the statements of
/// `targets`.
fn best_in(
    i: usize,
    targets: &[usize],
    items: &[Item],
    store: &VectorStore,
    (reports, themes): (&[ReportInfo], &ThemeSets),
    cfg: &LinkConfig,
) -> Option<Cand> {
    let it = &items[i];
    let own = store.vector(i as u32);
    let mut other = Vec::new();
    let (_, status) = it.back_ref?;
    let mut best: Option<(f32, f32, usize)> = None; // rank, score, statement
    for &r in targets {
        let (s, e) = reports[r].block;
        for (j, jt) in items.iter().enumerate().take(e).skip(s) {
            if matches!(jt.kind, Kind::GradedJudgement | Kind::InnovativePractice) {
                continue;
            }
            store.get(j as u32, &mut other);
            let (sc, _) = score((it, &own), (jt, &other), reports, themes, cfg);
            // What a later report says it "recommended" or "identified" is
            // usually one of the earlier report's recommendations, areas for
            // improvement or causes of concern: prefer those when choosing.
            let rank = sc
                + if actionable(jt.kind) {
                    ACTIONABLE_PREFERENCE
                } else {
                    0.0
                };
            if sc >= cfg.explicit_threshold && best.is_none_or(|(br, _, _)| rank > br) {
                best = Some((rank, sc, j));
            }
        }
    }
    best.map(|(_, sc, j)| Cand {
        from: i as u32,
        to: j as u32,
        score: sc,
        method: LinkMethod::ExplicitReference,
        status,
        cross: false,
    })
}
