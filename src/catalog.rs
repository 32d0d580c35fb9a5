//! The dataset of a run held in memory, looked up by id, with repeat chains
//! read as timelines.
//!
//! Takes a [`Dataset`] (as [`crate::dataset::read`] gives it) and gives
//! statements, reports, chains and links by id, a [`Timeline`] per chain
//! ("first found 2016 … found again 2019 … 2025: not met") and an
//! [`Overview`] (statements per theme per year, forces with the longest open
//! chains). `findings show` prints these; `findings serve` sends them as JSON.
//!
//! It does not read files, search text or change the data: lookups are over
//! what the run wrote.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::dataset::Dataset;
use crate::model::{Chain, Kind, Link, LinkStatus, Report, Statement};

/// Longest excerpt of a statement in a timeline step, in characters.
const EXCERPT_CHARS: usize = 160;
/// Forces listed in the overview's open chains.
const OPEN_CHAIN_FORCES: usize = 12;

/// A dataset indexed by id. Built once, then read-only.
#[derive(Debug, Default)]
pub struct Catalog {
    data: Dataset,
    statements: HashMap<String, usize>,
    reports: HashMap<String, usize>,
    chains: HashMap<String, usize>,
    /// Link positions by statement id, both ends.
    links: HashMap<String, Vec<usize>>,
}

/// Where a step sits in its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRole {
    /// The earliest statement of the chain.
    FirstFound,
    /// A later statement repeating an earlier one.
    FoundAgain,
}

impl StepRole {
    /// Words for people: "first found", "found again".
    pub fn words(self) -> &'static str {
        match self {
            StepRole::FirstFound => "first found",
            StepRole::FoundAgain => "found again",
        }
    }
}

/// One statement of a chain, in publication order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Statement id.
    pub statement_id: String,
    /// First or later.
    pub role: StepRole,
    /// Status of the earlier finding as this statement's report states it.
    pub status: Option<LinkStatus>,
    /// Statement kind.
    pub kind: Kind,
    /// Report id.
    pub report_id: String,
    /// Report title (empty when the report is missing from the dataset).
    pub report_title: String,
    /// Publication date as the report gives it.
    pub published: Option<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// First page.
    pub page: u32,
    /// The report's force (or inspected body).
    pub force: Option<String>,
    /// The start of the statement, `…` where cut.
    pub excerpt: String,
}

/// A chain read as a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// Chain id.
    pub chain_id: String,
    /// Distinct reports.
    pub reports: usize,
    /// Forces or bodies involved.
    pub forces: Vec<String>,
    /// Themes of the chain's statements.
    pub themes: Vec<String>,
    /// Publication date of the earliest report.
    pub first_seen: Option<String>,
    /// Publication date of the latest report.
    pub last_seen: Option<String>,
    /// Latest status stated along the chain.
    pub latest_status: Option<LinkStatus>,
    /// The statements, oldest first (ids missing from the dataset are left out).
    pub steps: Vec<Step>,
}

/// Statements per theme per year, and forces with the longest open chains.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overview {
    /// Every publication year with statements, ascending.
    pub years: Vec<i32>,
    /// One row per theme, most statements first.
    pub themes: Vec<ThemeYears>,
    /// Per force, its longest chain not stated as met, longest first.
    pub open_chains: Vec<OpenChain>,
}

/// Statements of one theme by year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeYears {
    /// Theme id.
    pub theme: String,
    /// All statements with this theme (dated or not).
    pub total: u64,
    /// Counts aligned with [`Overview::years`].
    pub counts: Vec<u64>,
}

/// A force's longest open chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenChain {
    /// Force or body.
    pub force: String,
    /// Chain id.
    pub chain_id: String,
    /// Reports along the chain.
    pub reports: usize,
    /// First publication date.
    pub first_seen: Option<String>,
    /// Last publication date.
    pub last_seen: Option<String>,
    /// Latest status (never `met`).
    pub latest_status: Option<LinkStatus>,
    /// Themes.
    pub themes: Vec<String>,
    /// Earliest statement, to open the chain from.
    pub first_statement: String,
}

impl Catalog {
    /// Indexes `data` by id.
    pub fn new(data: Dataset) -> Catalog {
        fn positions<T>(rows: &[T], id: impl Fn(&T) -> &str) -> HashMap<String, usize> {
            rows.iter()
                .enumerate()
                .map(|(i, r)| (id(r).to_string(), i))
                .collect()
        }
        let statements = positions(&data.statements, |s| &s.id);
        let reports = positions(&data.reports, |r| &r.id);
        let chains = positions(&data.chains, |c| &c.id);
        let mut links: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, l) in data.links.iter().enumerate() {
            links.entry(l.from.clone()).or_default().push(i);
            if l.to != l.from {
                links.entry(l.to.clone()).or_default().push(i);
            }
        }
        Catalog {
            data,
            statements,
            reports,
            chains,
            links,
        }
    }

    /// The whole dataset.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// A statement by id.
    pub fn statement(&self, id: &str) -> Option<&Statement> {
        self.statements.get(id).map(|&i| &self.data.statements[i])
    }

    /// A report by id.
    pub fn report(&self, id: &str) -> Option<&Report> {
        self.reports.get(id).map(|&i| &self.data.reports[i])
    }

    /// A chain by id.
    pub fn chain(&self, id: &str) -> Option<&Chain> {
        self.chains.get(id).map(|&i| &self.data.chains[i])
    }

    /// The chain a statement belongs to.
    pub fn chain_of(&self, statement: &Statement) -> Option<&Chain> {
        statement.chain_id.as_deref().and_then(|c| self.chain(c))
    }

    /// Links from or to a statement, in dataset order.
    pub fn links_of(&self, statement_id: &str) -> impl Iterator<Item = &Link> {
        self.links
            .get(statement_id)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.links[i])
    }

    /// Status the statement's report states about the earlier finding it repeats.
    pub fn stated_status(&self, statement_id: &str) -> Option<LinkStatus> {
        self.links_of(statement_id)
            .filter(|l| l.from == statement_id)
            .find_map(|l| l.status)
    }

    /// A chain as a timeline, oldest first.
    pub fn timeline(&self, chain: &Chain) -> Timeline {
        let steps = chain
            .statements
            .iter()
            .filter_map(|id| self.statement(id))
            .enumerate()
            .map(|(i, s)| {
                let report = self.report(&s.report_id);
                let published = report.and_then(|r| r.published.clone());
                Step {
                    statement_id: s.id.clone(),
                    role: if i == 0 {
                        StepRole::FirstFound
                    } else {
                        StepRole::FoundAgain
                    },
                    status: self.stated_status(&s.id),
                    kind: s.kind,
                    report_id: s.report_id.clone(),
                    report_title: report.map(|r| r.title.clone()).unwrap_or_default(),
                    year: published.as_deref().and_then(year_of),
                    published,
                    page: s.page,
                    force: report.and_then(display_force),
                    excerpt: excerpt(&s.text, EXCERPT_CHARS),
                }
            })
            .collect();
        Timeline {
            chain_id: chain.id.clone(),
            reports: chain.reports.len(),
            forces: chain.forces.clone(),
            themes: chain.themes.clone(),
            first_seen: chain.first_seen.clone(),
            last_seen: chain.last_seen.clone(),
            latest_status: chain.latest_status,
            steps,
        }
    }

    /// Statements per theme per year and the forces with the longest open
    /// chains (a chain is open unless its latest status is `met`).
    pub fn overview(&self) -> Overview {
        let mut per_theme: BTreeMap<&str, (u64, BTreeMap<i32, u64>)> = BTreeMap::new();
        let mut years: Vec<i32> = Vec::new();
        for s in &self.data.statements {
            let year = self
                .report(&s.report_id)
                .and_then(|r| r.published.as_deref())
                .and_then(year_of);
            years.extend(year);
            for t in &s.themes {
                let (total, by_year) = per_theme.entry(t).or_default();
                *total += 1;
                if let Some(y) = year {
                    *by_year.entry(y).or_default() += 1;
                }
            }
        }
        years.sort_unstable();
        years.dedup();
        let mut themes: Vec<ThemeYears> = per_theme
            .into_iter()
            .map(|(theme, (total, by_year))| ThemeYears {
                theme: theme.to_string(),
                total,
                counts: years
                    .iter()
                    .map(|y| by_year.get(y).copied().unwrap_or(0))
                    .collect(),
            })
            .collect();
        themes.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.theme.cmp(&b.theme)));

        // Per force, the open chain with most reports, then the longest span,
        // then a stated "not met" before "partially met" before no status,
        // then the smallest id (so the choice is deterministic).
        let mut best: BTreeMap<&str, &Chain> = BTreeMap::new();
        let stated = |c: &Chain| match c.latest_status {
            Some(LinkStatus::NotMet) => 2,
            Some(LinkStatus::PartiallyMet) => 1,
            _ => 0,
        };
        let key = |c: &Chain| {
            (
                c.reports.len(),
                span_years(c),
                stated(c),
                std::cmp::Reverse(c.id.clone()),
            )
        };
        for c in &self.data.chains {
            if c.latest_status == Some(LinkStatus::Met) || c.statements.len() < 2 {
                continue;
            }
            for f in &c.forces {
                let slot = best.entry(f).or_insert(c);
                if key(c) > key(slot) {
                    *slot = c;
                }
            }
        }
        let mut open_chains: Vec<OpenChain> = best
            .into_iter()
            .map(|(force, c)| OpenChain {
                force: force.to_string(),
                chain_id: c.id.clone(),
                reports: c.reports.len(),
                first_seen: c.first_seen.clone(),
                last_seen: c.last_seen.clone(),
                latest_status: c.latest_status,
                themes: c.themes.clone(),
                first_statement: c.statements.first().cloned().unwrap_or_default(),
            })
            .collect();
        open_chains.sort_by(|a, b| {
            (b.reports, span(b))
                .cmp(&(a.reports, span(a)))
                .then_with(|| a.force.cmp(&b.force))
        });
        open_chains.truncate(OPEN_CHAIN_FORCES);
        Overview {
            years,
            themes,
            open_chains,
        }
    }
}

/// The force a report is about, or its inspected body, for display.
pub fn display_force(report: &Report) -> Option<String> {
    report
        .force
        .clone()
        .or_else(|| report.body.clone())
        .or_else(|| (!report.forces.is_empty()).then(|| report.forces.join(", ")))
}

/// The year of a `YYYY…` date.
pub fn year_of(date: &str) -> Option<i32> {
    date.get(..4)?.parse().ok()
}

/// The first `max` characters of `text`, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn span_years(c: &Chain) -> i32 {
    let y = |d: &Option<String>| d.as_deref().and_then(year_of);
    match (y(&c.first_seen), y(&c.last_seen)) {
        (Some(a), Some(b)) => b - a,
        _ => 0,
    }
}

fn span(c: &OpenChain) -> i32 {
    let y = |d: &Option<String>| d.as_deref().and_then(year_of);
    match (y(&c.first_seen), y(&c.last_seen)) {
        (Some(a), Some(b)) => b - a,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkMethod, Publisher, ReportType};

    fn report(id: &str, force: &str, published: &str) -> Report {
        let r: Report = serde_json::from_value(serde_json::json!({
            "id": id, "file": format!("{id}.pdf"), "files": [], "sha256": "00",
            "title": format!("{force} {published}"), "force": force,
            "forces": [force], "body": force, "body_type": null, "bodies": [],
            "publisher": "hmicfrs", "published": published, "report_type": "peel",
            "pages": 1, "producer": null, "status": "ok", "warnings": [],
            "sources": {"title": "cover", "force": "cover", "publisher": "cover",
                        "published": "cover", "report_type": "cover"}
        }))
        .unwrap();
        assert_eq!(
            (r.publisher, r.report_type),
            (Publisher::Hmicfrs, ReportType::Peel)
        );
        r
    }

    fn statement(id: &str, report: &str, themes: &[&str], chain: Option<&str>) -> Statement {
        let mut s = Statement::new(
            id,
            report,
            Kind::Recommendation,
            "The force should improve how it assesses risk to missing children.".repeat(4),
        );
        s.themes = themes.iter().map(|t| t.to_string()).collect();
        s.chain_id = chain.map(str::to_string);
        s
    }

    fn link(from: &str, to: &str, status: Option<LinkStatus>) -> Link {
        Link {
            from: from.into(),
            to: to.into(),
            score: 0.7,
            method: LinkMethod::ExplicitReference,
            status,
            cross_force: false,
            terms: vec![],
        }
    }

    fn chain(id: &str, statements: &[&str], reports: &[&str], force: &str) -> Chain {
        Chain {
            id: id.into(),
            statements: statements.iter().map(|s| s.to_string()).collect(),
            reports: reports.iter().map(|s| s.to_string()).collect(),
            forces: vec![force.into()],
            themes: vec!["missing_children".into()],
            first_seen: Some("2016-03".into()),
            last_seen: Some("2022-05".into()),
            latest_status: Some(LinkStatus::NotMet),
        }
    }

    fn catalog() -> Catalog {
        let mut met = chain("c-2", &["s-4", "s-5"], &["r-3", "r-4"], "Kent Police");
        met.latest_status = Some(LinkStatus::Met);
        Catalog::new(Dataset {
            reports: vec![
                report("r-1", "Kent Police", "2016-03"),
                report("r-2", "Kent Police", "2019-07-01"),
                report("r-5", "Kent Police", "2022-05"),
                report("r-3", "Surrey Police", "2019"),
                report("r-4", "Surrey Police", "2021"),
            ],
            statements: vec![
                statement("s-1", "r-1", &["missing_children"], Some("c-1")),
                statement("s-2", "r-2", &["missing_children", "custody"], Some("c-1")),
                statement("s-3", "r-5", &["custody"], Some("c-1")),
                statement("s-4", "r-3", &["custody"], Some("c-2")),
                statement("s-5", "r-4", &[], Some("c-2")),
            ],
            links: vec![
                link("s-2", "s-1", None),
                link("s-3", "s-2", Some(LinkStatus::NotMet)),
                link("s-5", "s-4", Some(LinkStatus::Met)),
            ],
            chains: vec![
                chain(
                    "c-1",
                    &["s-1", "s-2", "s-3"],
                    &["r-1", "r-2", "r-5"],
                    "Kent Police",
                ),
                met,
            ],
            errors: vec![],
        })
    }

    #[test]
    fn timeline_reads_oldest_first_with_stated_status() {
        let cat = catalog();
        let t = cat.timeline(cat.chain("c-1").unwrap());
        let steps: Vec<(&str, StepRole, Option<LinkStatus>, Option<i32>)> = t
            .steps
            .iter()
            .map(|s| (s.statement_id.as_str(), s.role, s.status, s.year))
            .collect();
        assert_eq!(
            steps,
            vec![
                ("s-1", StepRole::FirstFound, None, Some(2016)),
                ("s-2", StepRole::FoundAgain, None, Some(2019)),
                (
                    "s-3",
                    StepRole::FoundAgain,
                    Some(LinkStatus::NotMet),
                    Some(2022)
                ),
            ]
        );
        assert_eq!(t.reports, 3);
        assert_eq!(t.steps[1].report_title, "Kent Police 2019-07-01");
        assert_eq!(t.steps[0].force.as_deref(), Some("Kent Police"));
        assert!(t.steps[0].excerpt.ends_with('…'));
        assert_eq!(t.steps[0].excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(StepRole::FoundAgain.words(), "found again");
    }

    #[test]
    fn lookups_by_id_and_links_at_both_ends() {
        let cat = catalog();
        assert_eq!(cat.statement("s-2").unwrap().report_id, "r-2");
        assert!(cat.statement("s-9").is_none());
        assert_eq!(cat.report("r-3").unwrap().title, "Surrey Police 2019");
        assert_eq!(
            cat.chain_of(cat.statement("s-4").unwrap()).unwrap().id,
            "c-2"
        );
        let ends: Vec<(&str, &str)> = cat
            .links_of("s-2")
            .map(|l| (l.from.as_str(), l.to.as_str()))
            .collect();
        assert_eq!(ends, vec![("s-2", "s-1"), ("s-3", "s-2")]);
        assert_eq!(cat.stated_status("s-3"), Some(LinkStatus::NotMet));
        assert_eq!(cat.stated_status("s-1"), None);
    }

    #[test]
    fn overview_counts_themes_by_year_and_skips_met_chains() {
        let o = catalog().overview();
        assert_eq!(o.years, vec![2016, 2019, 2021, 2022]);
        let row = |t: &str| o.themes.iter().find(|r| r.theme == t).unwrap();
        assert_eq!(row("custody").counts, vec![0, 2, 0, 1]);
        assert_eq!(row("custody").total, 3);
        assert_eq!(row("missing_children").counts, vec![1, 1, 0, 0]);
        assert_eq!(o.themes[0].theme, "custody", "most statements first");
        assert_eq!(o.open_chains.len(), 1, "the met chain is closed");
        assert_eq!(o.open_chains[0].force, "Kent Police");
        assert_eq!(o.open_chains[0].chain_id, "c-1");
        assert_eq!(o.open_chains[0].first_statement, "s-1");
    }

    #[test]
    fn overview_prefers_a_stated_not_met_chain_among_equals() {
        let mut data = catalog().data().clone();
        let mut quiet = data.chains[0].clone();
        quiet.id = "c-0".into();
        quiet.latest_status = None;
        data.chains.push(quiet);
        let o = Catalog::new(data).overview();
        assert_eq!(o.open_chains[0].chain_id, "c-1", "not met beats no status");
    }

    #[test]
    fn excerpts_cut_on_characters() {
        assert_eq!(excerpt("ééé", 2), "éé…");
        assert_eq!(excerpt("ab", 2), "ab");
        assert_eq!(year_of("2019-06"), Some(2019));
        assert_eq!(year_of("19"), None);
    }
}
