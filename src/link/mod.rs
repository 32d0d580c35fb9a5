//! Linking: statements of all reports → repeat links and chains.
//!
//! Takes the [`Report`]s and [`Statement`]s of a whole batch (a slice, or any
//! [`StatementSource`] such as the pipeline's spill file) and returns
//! [`Link`]s (a later statement → an earlier statement in another report that
//! describes the same shortcoming) and [`Chain`]s (connected components over
//! same-body links, read as timelines). It does not change the statements;
//! the caller sets `Statement::chain_id` from [`Linked::chain_of`] or
//! [`LinkResult::chain_at`]. Texts are read in streaming passes and never
//! held; term vectors live in memory or in a scratch file ([`Scratch`]).
//!
//! How:
//! 1. every statement is put in canonical order: report publication date,
//!    report id, statement id (statements of undated or unknown reports last;
//!    they are never linked, since their order is unknown);
//! 2. text → terms ([`text`]: stems, synonyms, phrases, stop and genre words);
//! 3. terms → TF-IDF vectors over the whole batch ([`similarity`]);
//! 4. candidates from per-body and global inverted indexes over salient terms,
//!    bounded per query (sub-quadratic; reports are queried in canonical
//!    order, so postings older than the window are dropped), then exact scoring:
//!    `cosine + theme_bonus · jaccard(themes) + same_body_bonus` (clamped to 1,
//!    rounded to 4 decimals);
//! 5. explicit back-references (`backref`);
//! 6. chains (`chain`).
//!
//! Output is deterministic: every tie is broken by ids, never by input order or
//! thread scheduling, and all maps are ordered.

mod backref;
mod chain;
pub mod similarity;
pub mod text;
mod vectors;

use crate::model::{Chain, Kind, Link, LinkMethod, LinkStatus, Report, Statement};
use rayon::prelude::*;
use similarity::{Accumulator, Postings, SparseVec};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use vectors::VectorStore;

/// Tuning of linking. See [`LinkConfig::default`] for the chosen values.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkConfig {
    /// Minimum score of a same-body similarity link.
    pub threshold: f32,
    /// Minimum score of a cross-force similarity link (bodies differ or either
    /// is unknown).
    pub cross_force_threshold: f32,
    /// Minimum score of a same-body similarity link from a later statement
    /// that does not itself describe a shortcoming (a finding that reports
    /// progress): such a finding shares the topic's words with the earlier
    /// failure whether or not it is about the same one, so it needs more.
    pub progress_threshold: f32,
    /// Minimum score of an explicit back-reference link (body and year agree
    /// already, so weaker textual evidence is enough).
    pub explicit_threshold: f32,
    /// At most this many links per statement: an explicit link first, then
    /// same-body links, then cross-force links, each best first.
    pub max_candidates: usize,
    /// Statements with fewer content terms are not linked by similarity.
    pub min_content_words: usize,
    /// Added to the cosine, times the Jaccard overlap of the themes.
    pub theme_bonus: f32,
    /// Added to the cosine when both statements are about the same body.
    pub same_body_bonus: f32,
    /// Salient terms per query used for same-body candidates.
    pub query_terms: usize,
    /// Salient terms per query used for cross-force candidates.
    pub cross_query_terms: usize,
    /// At most this many (most recent earlier) postings read per query term.
    pub posting_window: usize,
    /// Candidates per query (per group: same body, cross-force) scored exactly.
    pub candidates_per_query: usize,
}

impl Default for LinkConfig {
    /// Thresholds, chosen on `corpus/` with `examples/link_curve` (which
    /// prints both curves below) and checked on real inspection prose:
    ///
    /// * `threshold = 0.35` (same body; the score includes the 0.05 body
    ///   bonus). On the corpus (22 reports, 74 follow-ups), measured against
    ///   its labelled issues: 0.30 → P 0.90 / R 0.93; 0.35 → P 0.93 / R 0.93;
    ///   0.40 → P 0.95 / R 0.91; 0.45 → P 0.97 / R 0.70 (paraphrased
    ///   follow-ups score 0.35–0.45, so recall falls off a cliff above 0.40).
    ///   `examples/link_calibrate` over four real Ofsted children's-services
    ///   reports (`../shared/corpus-real/ref`, read as one body over time):
    ///   sentences sharing only a theme score 0.30–0.45, the same issue in
    ///   other words ≥ 0.5.
    /// * `progress_threshold = 0.35`: a later finding that does not itself
    ///   describe a shortcoming (it reports progress) shares the topic's
    ///   words with every earlier failure on that topic, so it may need more.
    ///   On the corpus: 0.35 → P 0.925 / R 0.946; 0.40–0.50 → P 0.934 /
    ///   R 0.932, losing two true Ofsted follow-ups ("early help is now well
    ///   coordinated", "quality assurance is now effective", 0.35–0.36) for
    ///   one wrong link. Kept apart so it can be raised for precision.
    /// * `cross_force_threshold = 0.70`: across bodies the genre's templated
    ///   sentences ("The largest minority ethnic groups …", "Children living
    ///   in this area …") score 0.6–0.9, so only near-repeats are linked.
    /// * `explicit_threshold = 0.20` (includes the 0.05 body bonus, which an
    ///   explicit link always has): the body and year already agree, so this
    ///   only has to pick the referred-to statement within a report, and the
    ///   back-referencing sentence is often short ("In 2017 we recommended …;
    ///   this has not been met"); it still needs a couple of shared salient
    ///   terms, so a reference to something segmentation did not capture
    ///   does not land on an unrelated statement.
    /// * `theme_bonus = 0.10`, `same_body_bonus = 0.05`: tie-breakers, never
    ///   enough to link on their own.
    /// * `max_candidates = 3`; `min_content_words = 6`.
    /// * candidate generation: 12 query terms (8 cross-force), window of 256
    ///   most recent earlier postings per term, 24 candidates per group
    ///   scored exactly: at most ~5,000 posting reads per statement.
    fn default() -> Self {
        LinkConfig {
            threshold: 0.35,
            progress_threshold: 0.35,
            cross_force_threshold: 0.70,
            explicit_threshold: 0.20,
            max_candidates: 3,
            min_content_words: 6,
            theme_bonus: 0.10,
            same_body_bonus: 0.05,
            query_terms: 12,
            cross_query_terms: 8,
            posting_window: 256,
            candidates_per_query: 24,
        }
    }
}

/// What linking gives back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linked {
    /// Links, sorted by (from, to).
    pub links: Vec<Link>,
    /// Chains, sorted by id.
    pub chains: Vec<Chain>,
    /// Statement id → chain id, for statements in a chain.
    pub chain_of: BTreeMap<String, String>,
}

/// Publication date as (year, month, day); day 0 when only `YYYY-MM` is known.
pub(crate) type DateKey = (i32, u8, u8);

/// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<DateKey> {
    let mut parts = s.trim().split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    let d: u8 = match parts.next() {
        Some(p) => p.get(..2).unwrap_or(p).parse().ok()?,
        None => 0,
    };
    Some((y, m, d))
}

/// A report as linking sees it; the table is sorted by (date, id), undated last.
pub(crate) struct ReportInfo {
    pub id: String,
    pub date: Option<DateKey>,
    pub published: Option<String>,
    /// Body id (index into the sorted body keys).
    pub body: Option<u32>,
    pub body_name: Option<String>,
    /// Range of its statements in canonical order.
    pub block: (usize, usize),
}

/// A statement as linking sees it: compact, without its text (the text is
/// only read, in streaming passes, to build the vocabulary and the vector)
/// and without its vector (in the [`VectorStore`], by the same index).
pub(crate) struct Item {
    pub kind: Kind,
    /// The statement's back-reference: stated year and status.
    pub back_ref: Option<(Option<i32>, Option<LinkStatus>)>,
    pub report: Option<usize>,
    pub date: Option<DateKey>,
    /// Its set of themes: an index in the batch's [`ThemeSets`].
    pub themes: u32,
    /// Describes a shortcoming (see [`is_shortcoming`]).
    pub shortcoming: bool,
    /// Can be the earlier end of a similarity link: a shortcoming of a dated
    /// report, long enough to compare.
    pub target: bool,
    /// Can be the later end of a similarity link: any recommendation, area
    /// for improvement, cause of concern or finding (a later finding may say
    /// the shortcoming is still there or that it has been put right), long
    /// enough, of a dated report.
    pub source: bool,
}

/// Where linking reads a batch's statements from: a slice in memory, or a
/// run's spill file on disk. Linking visits them in three streaming passes
/// (identity and kind; document frequencies; vectors) and keeps only compact
/// per-statement data, never the texts.
pub trait StatementSource: Sync {
    /// Why reading failed.
    type Error: Send;
    /// Number of statements.
    fn len(&self) -> usize;
    /// True when there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Call `f(position, statement)` for each statement in `range`, in order.
    fn visit(
        &self,
        range: std::ops::Range<usize>,
        f: &mut dyn FnMut(usize, &Statement),
    ) -> Result<(), Self::Error>;
}

impl StatementSource for [Statement] {
    type Error = std::convert::Infallible;
    fn len(&self) -> usize {
        <[Statement]>::len(self)
    }
    fn visit(
        &self,
        range: std::ops::Range<usize>,
        f: &mut dyn FnMut(usize, &Statement),
    ) -> Result<(), Self::Error> {
        for i in range {
            f(i, &self[i]);
        }
        Ok(())
    }
}

/// Statements per unit of parallel work in the streaming passes.
const PASS_CHUNK: usize = 2048;

/// Run `f` over every statement of `src` in parallel chunks, each chunk
/// with its own state from `init`; `finish` turns each chunk's state into
/// what is kept (it may also fold it into a shared total, so that chunk
/// states do not pile up); the results come back in source order.
fn pass<S, A, B, I, F, G>(src: &S, init: I, f: F, finish: G) -> Result<Vec<B>, S::Error>
where
    S: StatementSource + ?Sized,
    B: Send,
    I: Fn() -> A + Sync,
    F: Fn(&mut A, usize, &Statement) + Sync,
    G: Fn(A) -> B + Sync,
{
    let n = src.len();
    let starts: Vec<usize> = (0..n).step_by(PASS_CHUNK).collect();
    starts
        .par_iter()
        .map(|&start| {
            let mut state = init();
            src.visit(start..(start + PASS_CHUNK).min(n), &mut |i, s| {
                f(&mut state, i, s)
            })?;
            Ok(finish(state))
        })
        .collect()
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Statement ids in one buffer, by index.
#[derive(Default)]
pub(crate) struct IdTable {
    text: String,
    ends: Vec<usize>,
}

impl IdTable {
    fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    fn append(&mut self, other: &IdTable) {
        for i in 0..other.ends.len() {
            self.push(other.get(i as u32));
        }
    }

    /// The id at `i`.
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// The distinct theme sets of a batch's statements (each sorted theme ids,
/// indexes in the batch's sorted theme names); items refer to them by index.
#[derive(Default)]
pub(crate) struct ThemeSets {
    pub sets: Vec<Box<[u32]>>,
    index: BTreeMap<Box<[u32]>, u32>,
}

impl ThemeSets {
    fn intern(&mut self, set: Vec<u32>) -> u32 {
        let set: Box<[u32]> = set.into();
        if let Some(&i) = self.index.get(&set) {
            return i;
        }
        let i = self.sets.len() as u32;
        self.sets.push(set.clone());
        self.index.insert(set, i);
        i
    }
}

/// A link under construction (indices in canonical order).
#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub from: u32,
    pub to: u32,
    pub score: f32,
    pub method: LinkMethod,
    pub status: Option<LinkStatus>,
    pub cross: bool,
}

fn body_of(r: &Report) -> Option<String> {
    let b = r.body.clone().or_else(|| r.force.clone()).or_else(|| {
        if r.forces.len() == 1 {
            Some(r.forces[0].clone())
        } else {
            None
        }
    })?;
    let b = b.trim().to_string();
    (!b.is_empty()).then_some(b)
}

fn body_key(b: &str) -> String {
    b.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Statements that describe a shortcoming, the only ones a similarity link
/// may point back to (a chain starts with a failure): recommendations, areas
/// for improvement and causes of concern by their kind; findings only when
/// their wording says something is lacking ("not", "too few", "delays",
/// "inconsistent" ...). A finding that reports good practice is not the start
/// of a repeat.
fn is_shortcoming(st: &Statement) -> bool {
    match st.kind {
        Kind::AreaForImprovement | Kind::Recommendation | Kind::CauseOfConcern => true,
        Kind::Finding => SHORTCOMING_CUE.is_match(&problem_solving_blanked(&st.text)),
        Kind::InnovativePractice | Kind::GradedJudgement => false,
    }
}

/// Statements that may follow up an earlier shortcoming: the shortcoming
/// kinds and every finding, whatever its tone ("supervision has not
/// improved" and "the tool was completed in every case" both report on the
/// same earlier recommendation). Graded judgements and innovative practice
/// are not follow-ups.
fn is_follow_up(kind: Kind) -> bool {
    !matches!(kind, Kind::InnovativePractice | Kind::GradedJudgement)
}

/// "problem-solving" names a policing method, not a problem.
fn problem_solving_blanked(text: &str) -> std::borrow::Cow<'_, str> {
    static METHOD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\bproblem[- ]solv\w*").expect("problem-solving")
    });
    METHOD.replace_all(text, "")
}

static SHORTCOMING_CUE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(concat!(
        r"(?i)\b(?:not|no|never|nor|cannot|too|poor(?:ly)?|weak(?:ness|nesses)?|inconsistent(?:ly)?",
        r"|lack(?:s|ed|ing)?|fail(?:s|ed|ing|ure)?|delays?|delayed|backlogs?|insufficient|inadequate",
        r"|unmanageable|gaps?|missed|slow|varied|vary|varies|limited|little|few|fewer|only|still",
        r"|unclear|incompatible|unrecorded|overdue|rarely|seldom|unable|problems?|concerns?",
        r"|should|must|needs? to)\b|n't\b"
    ))
    .expect("shortcoming cue")
});

fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

/// Score of a pair and whether it is cross-force.
pub(crate) fn score(
    (a, av): (&Item, &[(u32, f32)]),
    (b, bv): (&Item, &[(u32, f32)]),
    reports: &[ReportInfo],
    themes: &ThemeSets,
    cfg: &LinkConfig,
) -> (f32, bool) {
    finish_score(similarity::cosine(av, bv), a, b, reports, themes, cfg)
}

/// Score from the cosine: add the theme and body bonuses, clamp, round.
pub(crate) fn finish_score(
    cos: f32,
    a: &Item,
    b: &Item,
    reports: &[ReportInfo],
    themes: &ThemeSets,
    cfg: &LinkConfig,
) -> (f32, bool) {
    let ba = a.report.and_then(|r| reports[r].body);
    let bb = b.report.and_then(|r| reports[r].body);
    let same = ba.is_some() && ba == bb;
    let (ta, tb) = (
        &themes.sets[a.themes as usize],
        &themes.sets[b.themes as usize],
    );
    let mut s = cos + cfg.theme_bonus * similarity::jaccard(ta, tb);
    if same {
        s += cfg.same_body_bonus;
    }
    (round4(s.clamp(0.0, 1.0)), !same)
}

/// Link the statements of a batch held in memory. See the module docs.
pub fn link(reports: &[Report], statements: &[Statement], cfg: &LinkConfig) -> Linked {
    match link_from(reports, statements, cfg, Scratch::Memory) {
        Ok(result) => result.into_linked(),
        Err(LinkError::Source(never)) => match never {},
        Err(LinkError::Scratch(e)) => unreachable!("vectors in memory do no I/O: {e}"),
    }
}

/// What the first pass keeps of a statement.
struct Meta {
    /// Index in the sorted reports, `u32::MAX` when unknown.
    report: u32,
    kind: Kind,
    back_ref: Option<(Option<i32>, Option<LinkStatus>)>,
    shortcoming: bool,
    /// Theme set (per chunk in the pass, then in the batch's [`ThemeSets`]).
    themes: u32,
}

/// Where linking keeps the statements' term vectors.
#[derive(Debug, Clone, Copy)]
pub enum Scratch<'a> {
    /// In memory.
    Memory,
    /// In an anonymous scratch file in this folder, so that linking memory
    /// does not grow with the text of the batch.
    Disk(&'a Path),
}

/// Why linking failed.
#[derive(Debug, thiserror::Error)]
pub enum LinkError<E> {
    /// Reading the statements failed.
    #[error("reading statements: {0}")]
    Source(E),
    /// The vectors' scratch file failed.
    #[error("linking scratch file: {0}")]
    Scratch(std::io::Error),
}

/// Link the statements of a batch read from `src` (in any order: linking puts
/// them in canonical order itself). Reading errors stop linking.
pub fn link_from<S: StatementSource + ?Sized>(
    reports: &[Report],
    src: &S,
    cfg: &LinkConfig,
    scratch: Scratch<'_>,
) -> Result<LinkResult, LinkError<S::Error>> {
    // --- reports: sorted by (date, id), undated last; bodies by key.
    let mut rep_order: Vec<&Report> = reports.iter().collect();
    rep_order.sort_by(|a, b| {
        let (da, db) = (
            a.published.as_deref().and_then(parse_date),
            b.published.as_deref().and_then(parse_date),
        );
        (da.is_none(), da, &a.id).cmp(&(db.is_none(), db, &b.id))
    });
    rep_order.dedup_by(|a, b| a.id == b.id);
    let body_keys: BTreeSet<String> = rep_order
        .iter()
        .filter_map(|r| body_of(r).map(|b| body_key(&b)))
        .collect();
    let body_keys: Vec<String> = body_keys.into_iter().collect();
    let mut rinfo: Vec<ReportInfo> = rep_order
        .iter()
        .map(|r| {
            let name = body_of(r);
            ReportInfo {
                id: r.id.clone(),
                date: r.published.as_deref().and_then(parse_date),
                published: r.published.clone(),
                body: name
                    .as_deref()
                    .map(|b| body_keys.binary_search(&body_key(b)).unwrap_or(0) as u32),
                body_name: name,
                block: (0, 0),
            }
        })
        .collect();
    let rindex: BTreeMap<&str, usize> = rep_order
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();

    // --- pass 1: identity, kind, cue and themes of each statement; the
    // vocabulary. Ids go into one buffer; theme sets are interned per chunk.
    #[derive(Default)]
    struct Pass1 {
        metas: Vec<Meta>,
        ids: IdTable,
        words: HashSet<String>,
        theme_sets: Vec<Vec<String>>,
        theme_index: HashMap<Vec<String>, u32>,
    }
    let all_words: std::sync::Mutex<HashSet<String>> = Default::default();
    let chunks: Vec<Pass1> = pass(
        src,
        Pass1::default,
        |p, _, s| {
            text::add_words(&mut p.words, &s.text);
            let mut names: Vec<String> = s.themes.clone();
            names.sort_unstable();
            names.dedup();
            let themes = match p.theme_index.get(&names) {
                Some(&t) => t,
                None => {
                    let t = p.theme_sets.len() as u32;
                    p.theme_sets.push(names.clone());
                    p.theme_index.insert(names, t);
                    t
                }
            };
            p.ids.push(&s.id);
            p.metas.push(Meta {
                report: rindex
                    .get(s.report_id.as_str())
                    .map_or(u32::MAX, |&r| r as u32),
                kind: s.kind,
                back_ref: s.back_reference.as_ref().map(|b| (b.year, b.status)),
                shortcoming: is_shortcoming(s),
                themes,
            });
        },
        |mut p| {
            let words = std::mem::take(&mut p.words);
            let mut all = lock(&all_words);
            let taken = std::mem::take(&mut *all);
            *all = text::merge_words(taken, words);
            p
        },
    )
    .map_err(LinkError::Source)?;
    let theme_names: Vec<String> = chunks
        .iter()
        .flat_map(|c| c.theme_sets.iter().flatten())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .cloned()
        .collect();
    let mut theme_sets = ThemeSets::default();
    let mut metas: Vec<Meta> = Vec::with_capacity(src.len());
    let mut source_ids = IdTable::default();
    for c in chunks {
        let global: Vec<u32> = c
            .theme_sets
            .iter()
            .map(|names| {
                let ids = names
                    .iter()
                    .filter_map(|x| theme_names.binary_search(x).ok())
                    .map(|x| x as u32)
                    .collect();
                theme_sets.intern(ids)
            })
            .collect();
        metas.extend(c.metas.into_iter().map(|mut m| {
            m.themes = global[m.themes as usize];
            m
        }));
        source_ids.append(&c.ids);
    }
    let words = all_words.into_inner().unwrap_or_else(|e| e.into_inner());
    let lex = text::Lexicon::from_words(words);

    // --- canonical order: report (date, id), then statement id.
    let n = metas.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by(|&a, &b| {
        (metas[a as usize].report, source_ids.get(a))
            .cmp(&(metas[b as usize].report, source_ids.get(b)))
    });
    let mut canon_of = vec![0u32; n];
    for (c, &p) in order.iter().enumerate() {
        canon_of[p as usize] = c as u32;
    }
    let mut ids = IdTable::default();
    for (i, &p) in order.iter().enumerate() {
        ids.push(source_ids.get(p));
        let r = metas[p as usize].report;
        if r != u32::MAX {
            let blk = &mut rinfo[r as usize].block;
            if blk.1 == 0 {
                blk.0 = i;
            }
            blk.1 = i + 1;
        }
    }
    drop(source_ids);

    // --- pass 2: document frequencies.
    let n_terms = lex.terms.len();
    let total = std::sync::Mutex::new(vec![0u32; n_terms]);
    pass(
        src,
        || vec![0u32; n_terms],
        |df, _, s| similarity::count_df(df, &lex.analyze(&s.text)),
        |df| {
            for (d, x) in lock(&total).iter_mut().zip(df) {
                *d += x;
            }
        },
    )
    .map_err(LinkError::Source)?;
    let df = total.into_inner().unwrap_or_else(|e| e.into_inner());
    let idf = similarity::idf(&df, n);
    drop(df);

    // --- pass 3: vectors into the store, by canonical index.
    let mut store = match scratch {
        Scratch::Memory => VectorStore::memory(n),
        Scratch::Disk(dir) => VectorStore::disk(dir, n).map_err(LinkError::Scratch)?,
    };
    let mut content_terms = vec![0u32; n];
    let counted: Vec<Vec<(u32, u32)>> = pass(
        src,
        Vec::new,
        |out, pos, s| {
            let terms = lex.analyze(&s.text);
            store.put(canon_of[pos], similarity::tfidf(&terms, &idf));
            out.push((canon_of[pos], terms.len() as u32));
        },
        |out| out,
    )
    .map_err(LinkError::Source)?;
    store.seal();
    for (c, count) in counted.into_iter().flatten() {
        content_terms[c as usize] = count;
    }
    let items: Vec<Item> = order
        .iter()
        .zip(&content_terms)
        .map(|(&p, &n_content)| {
            let m = &metas[p as usize];
            let report = (m.report != u32::MAX).then_some(m.report as usize);
            let date = report.and_then(|r| rinfo[r].date);
            let comparable = n_content as usize >= cfg.min_content_words && date.is_some();
            Item {
                kind: m.kind,
                back_ref: m.back_ref,
                report,
                date,
                themes: m.themes,
                shortcoming: m.shortcoming,
                target: m.shortcoming && comparable,
                source: is_follow_up(m.kind) && comparable,
            }
        })
        .collect();
    drop((metas, canon_of, content_terms));
    // Source position of each canonical index.
    let positions = order;
    let body_at = |i: usize| items[i].report.and_then(|r| rinfo[r].body);

    // --- similarity links. Reports are taken in canonical order: the
    // statements of one report query postings that hold only earlier
    // reports' targets, then its own targets are added. A query reads at most
    // the `posting_window` most recent postings of a term, so older ones are
    // dropped as the batch goes on: postings stay bounded by the vocabulary,
    // not the batch.
    let mut body_post: Vec<Postings> = (0..body_keys.len()).map(|_| Postings::default()).collect();
    let mut global = Postings::default();
    let mut sim: Vec<Cand> = Vec::new();
    for r in rinfo.iter().filter(|r| r.date.is_some()) {
        let (start, end) = r.block;
        let ctx = Query {
            items: &items,
            rinfo: &rinfo,
            themes: &theme_sets,
            body_post: &body_post,
            global: &global,
            store: &store,
            cfg,
        };
        let found: Vec<Vec<Cand>> = (start..end)
            .into_par_iter()
            .map(|i| {
                QUERY_SCRATCH.with_borrow_mut(|scratch| {
                    scratch.size(n, lex.terms.len());
                    ctx.run(i, start as u32, scratch)
                })
            })
            .collect();
        sim.extend(found.into_iter().flatten());
        for (i, it) in items.iter().enumerate().take(end).skip(start) {
            if it.target {
                let vec = store.vector(i as u32);
                let body = body_at(i);
                if let Some(b) = body {
                    body_post[b as usize].add_recent(i as u32, 0, &vec, cfg.posting_window);
                }
                global.add_recent(i as u32, body.unwrap_or(u32::MAX), &vec, cfg.posting_window);
            }
        }
    }
    drop((body_post, global));

    // --- explicit back-references.
    let mut body_reports: Vec<Vec<usize>> = vec![Vec::new(); body_keys.len()];
    for (r, ri) in rinfo.iter().enumerate() {
        if let (Some(b), Some(_)) = (ri.body, ri.date) {
            body_reports[b as usize].push(r);
        }
    }
    let explicit: Vec<Cand> = (0..n)
        .into_par_iter()
        .filter_map(|i| {
            backref::explicit_link(i, &items, &store, (&rinfo, &theme_sets), &body_reports, cfg)
        })
        .collect();

    // --- merge: explicit first, then similarity to other reports (both
    // lists are in `from` order).
    let mut cands: Vec<Cand> = Vec::with_capacity(sim.len() + explicit.len());
    let mut explicit = explicit.into_iter().peekable();
    let mut sim = sim.into_iter().peekable();
    while let Some(from) = match (explicit.peek(), sim.peek()) {
        (Some(e), Some(c)) => Some(e.from.min(c.from)),
        (Some(e), None) => Some(e.from),
        (None, Some(c)) => Some(c.from),
        (None, None) => None,
    } {
        let mut own: Vec<Cand> = Vec::new();
        while let Some(c) = sim.next_if(|c| c.from == from) {
            own.push(c);
        }
        if let Some(e) = explicit.next_if(|e| e.from == from) {
            let er = items[e.to as usize].report;
            own.retain(|c| items[c.to as usize].report != er);
            own.truncate(cfg.max_candidates.saturating_sub(1));
            cands.push(e);
        }
        cands.extend(own);
    }

    let (chains, chain_of_item) =
        chain::build(&items, &ids, &rinfo, (&theme_sets, &theme_names), &cands);
    let mut chain_at = vec![u32::MAX; n];
    for (i, &c) in chain_of_item.iter().enumerate() {
        chain_at[positions[i] as usize] = c;
    }
    drop((chain_of_item, positions));
    cands.sort_by(|a, b| (ids.get(a.from), ids.get(a.to)).cmp(&(ids.get(b.from), ids.get(b.to))));
    drop(items);
    if let Some(e) = store.error() {
        return Err(LinkError::Scratch(e));
    }
    Ok(LinkResult {
        ids,
        store,
        lex,
        cands,
        chains,
        chain_at,
    })
}

/// Per-thread scratch of the similarity queries: partial scores per
/// statement, a dense copy of the query vector, and vector buffers.
#[derive(Default)]
struct QueryScratch {
    acc: Option<Accumulator>,
    dense: Vec<f32>,
    own: SparseVec,
    other: SparseVec,
}

impl QueryScratch {
    /// Make room for `n` statements and `terms` terms.
    fn size(&mut self, n: usize, terms: usize) {
        if self.acc.as_ref().is_none_or(|a| a.len() < n) {
            self.acc = Some(Accumulator::new(n));
        }
        if self.dense.len() < terms {
            self.dense = vec![0.0; terms];
        }
    }
}

thread_local! {
    static QUERY_SCRATCH: std::cell::RefCell<QueryScratch> = Default::default();
}

/// What the similarity queries of one report read: postings of the
/// statements of earlier reports only.
struct Query<'a> {
    items: &'a [Item],
    rinfo: &'a [ReportInfo],
    themes: &'a ThemeSets,
    body_post: &'a [Postings],
    global: &'a Postings,
    store: &'a VectorStore,
    cfg: &'a LinkConfig,
}

impl Query<'_> {
    /// The similarity candidates of statement `i` against the postings of
    /// statements before `limit`: the best per earlier report, at most
    /// `max_candidates`, same-body first.
    fn run(&self, i: usize, limit: u32, scratch: &mut QueryScratch) -> Vec<Cand> {
        let (items, rinfo, cfg) = (self.items, self.rinfo, self.cfg);
        let it = &items[i];
        if !it.source {
            return Vec::new();
        }
        let QueryScratch {
            acc,
            dense,
            own,
            other,
        } = scratch;
        let Some(acc) = acc.as_mut() else {
            return Vec::new();
        };
        self.store.get(i as u32, own);
        let body = it.report.and_then(|r| rinfo[r].body);
        let mut cands: Vec<u32> = Vec::new();
        if let Some(b) = body {
            for (t, w) in similarity::top_terms(own, cfg.query_terms) {
                for &(j, wd, _) in self.body_post[b as usize].recent(t, limit, cfg.posting_window) {
                    acc.add(j, w * wd);
                }
            }
            cands.extend(acc.drain_top(cfg.candidates_per_query));
        }
        for (t, w) in similarity::top_terms(own, cfg.cross_query_terms) {
            for &(j, wd, bj) in self.global.recent(t, limit, cfg.posting_window) {
                if body.is_none() || bj == u32::MAX || Some(bj) != body {
                    acc.add(j, w * wd);
                }
            }
        }
        cands.extend(acc.drain_top(cfg.candidates_per_query));
        for &(t, w) in own.iter() {
            dense[t as usize] = w;
        }
        let mut out: Vec<Cand> = cands
            .into_iter()
            .filter_map(|j| {
                let jt = &items[j as usize];
                self.store.get(j, other);
                let cos = similarity::cosine_dense(dense, other);
                let (s, cross) = finish_score(cos, it, jt, rinfo, self.themes, cfg);
                let th = if cross {
                    cfg.cross_force_threshold
                } else if it.shortcoming {
                    cfg.threshold
                } else {
                    cfg.progress_threshold
                };
                (s >= th).then_some(Cand {
                    from: i as u32,
                    to: j,
                    score: s,
                    method: LinkMethod::Similarity,
                    status: None,
                    cross,
                })
            })
            .collect();
        for &(t, _) in own.iter() {
            dense[t as usize] = 0.0;
        }
        best_per_report(&mut out, items);
        out.truncate(cfg.max_candidates);
        out
    }
}

/// What linking found, held compactly: links are made one at a time when
/// read ([`LinkResult::links`]), and the chain of each statement is looked up
/// by its position in the [`StatementSource`].
pub struct LinkResult {
    ids: IdTable,
    store: VectorStore,
    lex: text::Lexicon,
    /// Sorted by (from id, to id).
    cands: Vec<Cand>,
    chains: Vec<Chain>,
    /// Chain index by source position, `u32::MAX` when in none.
    chain_at: Vec<u32>,
}

impl LinkResult {
    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.cands.len()
    }

    /// The links, sorted by (from, to). A vector that cannot be read back
    /// gives a link without `terms` and is reported by [`LinkResult::error`].
    pub fn links(&self) -> impl Iterator<Item = Link> + '_ {
        self.cands.iter().map(|c| {
            let (av, bv) = (self.store.vector(c.from), self.store.vector(c.to));
            Link {
                from: self.ids.get(c.from).to_string(),
                to: self.ids.get(c.to).to_string(),
                score: c.score,
                method: c.method,
                status: c.status,
                cross_force: c.cross,
                terms: similarity::shared(&av, &bv)
                    .into_iter()
                    .take(5)
                    .map(|(t, _)| self.lex.term(t).to_string())
                    .collect(),
            }
        })
    }

    /// The first error reading the vectors' scratch file since linking.
    pub fn error(&self) -> Option<std::io::Error> {
        self.store.error()
    }

    /// The chains, sorted by id.
    pub fn chains(&self) -> &[Chain] {
        &self.chains
    }

    /// The chain id of the statement at `position` in the source, if any.
    pub fn chain_at(&self, position: usize) -> Option<&str> {
        let c = *self.chain_at.get(position)?;
        self.chains.get(c as usize).map(|c| c.id.as_str())
    }

    /// Everything as owned values, chains looked up by statement id.
    pub fn into_linked(self) -> Linked {
        let links = self.links().collect();
        let mut chain_of = BTreeMap::new();
        for chain in &self.chains {
            for s in &chain.statements {
                chain_of.insert(s.clone(), chain.id.clone());
            }
        }
        Linked {
            links,
            chains: self.chains,
            chain_of,
        }
    }
}

/// Keep only the best link per target report, then order: same-body links
/// first, each group best first (ties by index). Same-body links go first so
/// that templated wording repeated across forces (which scores high) cannot
/// crowd a force's own history out of the `max_candidates` budget.
fn best_per_report(c: &mut Vec<Cand>, items: &[Item]) {
    c.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.to.cmp(&b.to)));
    let mut seen = BTreeSet::new();
    c.retain(|x| seen.insert(items[x.to as usize].report));
    c.sort_by(|a, b| {
        (a.cross, b.score, a.to)
            .partial_cmp(&(b.cross, a.score, b.to))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

#[cfg(test)]
mod tests;
