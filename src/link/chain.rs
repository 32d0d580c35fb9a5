//! Chains: connected components over same-body links, read as timelines.
//!
//! Cross-force links are kept as links but never merge chains: a chain is the
//! history of one shortcoming at one body.

use super::{Cand, IdTable, Item, ReportInfo, ThemeSets};
use crate::model::{Chain, LinkStatus};
use std::collections::BTreeMap;

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[parent[x as usize] as usize];
        parent[x as usize] = p;
        x = p;
    }
    x
}

/// Build chains from the links among `items` (indices are canonical order).
pub(crate) fn build(
    items: &[Item],
    ids: &IdTable,
    reports: &[ReportInfo],
    (theme_sets, theme_names): (&ThemeSets, &[String]),
    links: &[Cand],
) -> (Vec<Chain>, Vec<u32>) {
    let n = items.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for l in links.iter().filter(|l| !l.cross) {
        let (a, b) = (find(&mut parent, l.from), find(&mut parent, l.to));
        if a != b {
            // Smaller index as root keeps the structure input-order independent.
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            parent[hi as usize] = lo;
        }
    }
    let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for l in links.iter().filter(|l| !l.cross) {
        for x in [l.from, l.to] {
            let r = find(&mut parent, x);
            groups.entry(r).or_default().push(x);
        }
    }
    let mut group_links: BTreeMap<u32, Vec<&Cand>> = BTreeMap::new();
    for l in links.iter().filter(|l| !l.cross) {
        let r = find(&mut parent, l.from);
        group_links.entry(r).or_default().push(l);
    }

    let mut chains: Vec<(Chain, Vec<u32>)> = Vec::new();
    for (root, mut members) in groups {
        members.sort_unstable();
        members.dedup();
        // Publication order, ties by statement id.
        members.sort_by(|&a, &b| {
            let (ia, ib) = (&items[a as usize], &items[b as usize]);
            ia.date
                .cmp(&ib.date)
                .then_with(|| ids.get(a).cmp(ids.get(b)))
        });
        let mut report_ids: Vec<String> = Vec::new();
        for &m in &members {
            let Some(r) = items[m as usize].report else {
                continue;
            };
            let rid = &reports[r].id;
            if !report_ids.contains(rid) {
                report_ids.push(rid.clone());
            }
        }
        if members.len() < 2 || report_ids.len() < 2 {
            continue;
        }
        let mut forces: Vec<String> = members
            .iter()
            .filter_map(|&m| {
                items[m as usize]
                    .report
                    .and_then(|r| reports[r].body_name.clone())
            })
            .collect();
        forces.sort();
        forces.dedup();
        let mut themes: Vec<String> = members
            .iter()
            .flat_map(|&m| theme_sets.sets[items[m as usize].themes as usize].iter())
            .map(|&t| theme_names[t as usize].clone())
            .collect();
        themes.sort();
        themes.dedup();
        let published = |m: u32| {
            items[m as usize]
                .report
                .and_then(|r| reports[r].published.clone())
        };
        let latest_status: Option<LinkStatus> = group_links
            .get(&root)
            .into_iter()
            .flatten()
            .filter(|l| l.status.is_some())
            .max_by(|a, b| {
                let (fa, fb) = (&items[a.from as usize], &items[b.from as usize]);
                fa.date
                    .cmp(&fb.date)
                    .then_with(|| ids.get(a.from).cmp(ids.get(b.from)))
                    .then_with(|| ids.get(a.to).cmp(ids.get(b.to)))
            })
            .and_then(|l| l.status);
        let first = members[0];
        let id = crate::model::ids::chain_id(ids.get(first));
        let chain = Chain {
            id,
            statements: members.iter().map(|&m| ids.get(m).to_string()).collect(),
            reports: report_ids,
            forces,
            themes,
            first_seen: published(first),
            last_seen: published(*members.last().unwrap_or(&first)),
            latest_status,
        };
        chains.push((chain, members));
    }
    chains.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    // Chain index of each item, u32::MAX when in none.
    let mut chain_of = vec![u32::MAX; n];
    for (c, (_, members)) in chains.iter().enumerate() {
        for &m in members {
            chain_of[m as usize] = c as u32;
        }
    }
    (chains.into_iter().map(|c| c.0).collect(), chain_of)
}
