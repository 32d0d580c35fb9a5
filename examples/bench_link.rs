//! Benchmark of the linking stage on a synthetic batch.
//!
//! ```text
//! cargo run --release --example bench_link -- 200000
//! ```
//!
//! Generates N statements over ~2,000 reports (40 bodies, 12 years): 15–60
//! words each, drawn from a ~5,000-word vocabulary with Zipf-like frequencies
//! (function and genre words at the top, pseudo-words with inflection families
//! below), a topic vocabulary per theme, genre openers and domain phrases with
//! synonymous variants. About 2% are *planted repeats*: paraphrases of an
//! earlier statement of the same body in a later report (words dropped,
//! inflections changed, phrases swapped for synonyms, new words added, order
//! rotated). Prints one line of `key=value` figures: time of `link` only,
//! links, chains, recall of the planted repeats, a precision proxy, and peak
//! RSS (VmHWM; monotonic per process, so run one N per process) and a digest
//! of the whole output.
//!
//! Optional: a second argument overrides `LinkConfig::threshold`;
//! `BENCH_WINDOW` and `BENCH_CANDIDATES` override `posting_window` and
//! `candidates_per_query`; `BENCH_HIST=1` prints score histograms of planted
//! vs other links; `BENCH_REVERSE=1` reverses the input order (the digest
//! must not change).

use findings::link::{LinkConfig, link};
use findings::model::{
    Kind, LinkMethod, MetadataSources, Publisher, Report, ReportStatus, ReportType, Source,
    Statement,
};
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

/// splitmix64: small, deterministic, good enough for synthetic data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Zipf sampler over ranks 0..n (s = 1).
struct Zipf(Vec<f64>);
impl Zipf {
    fn new(n: usize) -> Self {
        let mut c = Vec::with_capacity(n);
        let mut acc = 0.0;
        for r in 0..n {
            acc += 1.0 / (r as f64 + 1.0);
            c.push(acc);
        }
        Zipf(c)
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * self.0[self.0.len() - 1];
        self.0.partition_point(|&x| x < u).min(self.0.len() - 1)
    }
}

const FUNCTION: &[&str] = &[
    "the", "of", "and", "to", "in", "that", "is", "for", "not", "are", "it", "with", "on", "as",
    "be", "this", "by", "all", "its", "have", "has", "at", "from", "or", "some", "was", "were",
    "which", "their", "been", "they", "an", "more", "but", "when", "also", "these", "there",
    "would", "about", "into", "than", "other", "them", "only", "any", "how", "so", "do", "does",
];
const GENRE: &[&str] = &[
    "force",
    "should",
    "we",
    "found",
    "police",
    "officers",
    "staff",
    "ensure",
    "improve",
    "constabulary",
    "inspection",
    "report",
    "needs",
    "effective",
    "always",
    "consistently",
    "crime",
    "victims",
    "work",
    "process",
    "make",
    "sure",
    "continue",
    "better",
    "understand",
    "review",
    "data",
    "cases",
    "risk",
    "people",
    "public",
    "team",
    "teams",
    "support",
    "level",
    "good",
    "time",
    "many",
    "still",
    "need",
    "leaders",
    "senior",
    "plan",
    "approach",
    "areas",
    "some",
    "number",
    "local",
    "national",
    "service",
];
const OPENERS: &[&str] = &[
    "The force should",
    "We found that",
    "The force needs to improve how",
    "The constabulary should ensure that",
    "We are concerned that",
    "In some cases",
    "The force should make sure that",
    "Inspectors found that",
];
/// Domain phrases: each group holds interchangeable variants.
const PHRASE_GROUPS: &[&[&str]] = &[
    &["supervisors", "supervisory oversight", "sergeants"],
    &["share information", "data sharing", "information sharing"],
    &[
        "children's social care",
        "social services",
        "social workers",
    ],
    &[
        "missing children",
        "children who go missing",
        "children missing from home",
    ],
    &["domestic abuse", "domestic violence"],
    &["risk assessments", "assessing risk", "assessment of risk"],
    &["investigation plans", "investigative plans"],
    &["quality assurance", "quality assure"],
];
const SYL: &[&str] = &[
    "ba", "ca", "de", "fo", "gu", "ha", "ji", "ka", "lo", "mu", "na", "pe", "qui", "ra", "si",
    "tu", "ve", "wa", "xo", "ya", "zu", "bri", "cro", "dra", "fle", "gri", "pla", "sto", "tre",
    "vor", "mon", "tal", "ren", "sal", "mir", "dun", "kel", "por",
];
const SUFFIX: &[&str] = &["", "s", "ing", "ed"];
const KINDS: &[(Kind, u32)] = &[
    (Kind::Finding, 50),
    (Kind::AreaForImprovement, 20),
    (Kind::Recommendation, 12),
    (Kind::CauseOfConcern, 5),
    (Kind::InnovativePractice, 6),
    (Kind::GradedJudgement, 7),
];
const N_REPORTS: usize = 2000;
const N_BODIES: usize = 40;
const N_TOPICS: usize = 21;
const VOCAB: usize = 5000;

struct Gen {
    rng: Rng,
    vocab: Vec<String>,
    /// Word index → (root id) for pseudo-words, to swap inflections.
    family: Vec<Option<usize>>,
    roots: Vec<Vec<usize>>,
    zipf: Zipf,
    topics: Vec<Vec<usize>>,
    topic_zipf: Zipf,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        let mut rng = Rng(seed);
        let mut vocab: Vec<String> = Vec::new();
        let mut family = Vec::new();
        for w in FUNCTION.iter().chain(GENRE) {
            vocab.push(w.to_string());
            family.push(None);
        }
        let mut seen: HashSet<String> = vocab.iter().cloned().collect();
        let mut pseudo: Vec<(String, usize)> = Vec::new();
        let mut roots: Vec<Vec<usize>> = Vec::new();
        while vocab.len() + pseudo.len() < VOCAB {
            let k = 2 + rng.below(2);
            let root: String = (0..k).map(|_| SYL[rng.below(SYL.len())]).collect();
            if !seen.insert(root.clone()) {
                continue;
            }
            let rid = roots.len();
            roots.push(Vec::new());
            for s in SUFFIX.iter().take(1 + rng.below(SUFFIX.len())) {
                pseudo.push((format!("{root}{s}"), rid));
            }
        }
        // Shuffle the pseudo-words so inflection families spread over ranks.
        for i in (1..pseudo.len()).rev() {
            let j = rng.below(i + 1);
            pseudo.swap(i, j);
        }
        for (w, rid) in pseudo.into_iter().take(VOCAB - vocab.len()) {
            roots[rid].push(vocab.len());
            vocab.push(w);
            family.push(Some(rid));
        }
        let first_pseudo = FUNCTION.len() + GENRE.len();
        let topics = (0..N_TOPICS)
            .map(|_| {
                (0..400)
                    .map(|_| first_pseudo + 100 + rng.below(VOCAB - first_pseudo - 100))
                    .collect()
            })
            .collect();
        Gen {
            rng,
            zipf: Zipf::new(vocab.len()),
            vocab,
            family,
            roots,
            topics,
            topic_zipf: Zipf::new(400),
        }
    }

    /// A statement: topic, word list (indices or phrase markers) as text tokens.
    fn statement(&mut self, topic: usize) -> Vec<String> {
        let len = 15 + self.rng.below(46);
        let mut out: Vec<String> = Vec::new();
        if self.rng.chance(0.5) {
            out.extend(
                OPENERS[self.rng.below(OPENERS.len())]
                    .split(' ')
                    .map(String::from),
            );
        }
        if self.rng.chance(0.35) {
            let g = PHRASE_GROUPS[(topic + self.rng.below(2)) % PHRASE_GROUPS.len()];
            out.push(format!("#{}", g[self.rng.below(g.len())]));
        }
        while out.len() < len {
            let w = if self.rng.chance(0.30) {
                self.topics[topic][self.topic_zipf.sample(&mut self.rng)]
            } else {
                self.zipf.sample(&mut self.rng)
            };
            out.push(self.vocab[w].clone());
        }
        out
    }

    /// Paraphrase of a token list (see the module docs).
    fn paraphrase(&mut self, toks: &[String], topic: usize) -> Vec<String> {
        let idx: BTreeMap<&str, usize> = self
            .vocab
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i))
            .collect();
        let mut out: Vec<String> = Vec::new();
        out.extend(
            OPENERS[self.rng.below(OPENERS.len())]
                .split(' ')
                .map(String::from),
        );
        let skip_opener = OPENERS
            .iter()
            .map(|o| o.split(' ').count())
            .find(|&c| {
                toks.len() >= c
                    && OPENERS
                        .iter()
                        .any(|o| o.split(' ').eq(toks[..c].iter().map(|s| s.as_str())))
            })
            .unwrap_or(0);
        for t in &toks[skip_opener..] {
            if let Some(p) = t.strip_prefix('#') {
                let g = PHRASE_GROUPS.iter().find(|g| g.contains(&p)).unwrap();
                out.push(format!("#{}", g[self.rng.below(g.len())]));
                continue;
            }
            let r = self.rng.below(100);
            if r < 50 {
                out.push(t.clone());
            } else if r < 65 {
                // another inflection of the same root, if any
                match idx.get(t.as_str()).and_then(|&i| self.family[i]) {
                    Some(rid) => {
                        let f = &self.roots[rid];
                        out.push(self.vocab[f[self.rng.below(f.len())]].clone());
                    }
                    None => out.push(t.clone()),
                }
            } // else dropped
        }
        // rotate at a word boundary, add new words
        let body_start = out.len().min(3);
        let k = body_start + self.rng.below(out.len() - body_start + 1);
        out[body_start..].rotate_left(k - body_start);
        for _ in 0..4 + self.rng.below(9) {
            let w = if self.rng.chance(0.3) {
                self.topics[topic][self.topic_zipf.sample(&mut self.rng)]
            } else {
                self.zipf.sample(&mut self.rng)
            };
            let at = self.rng.below(out.len() + 1);
            out.insert(at, self.vocab[w].clone());
        }
        out
    }
}

fn render(toks: &[String]) -> String {
    let mut s: String = toks
        .iter()
        .map(|t| t.trim_start_matches('#'))
        .collect::<Vec<_>>()
        .join(" ");
    s.push('.');
    s
}

fn report(id: String, body: String, published: String) -> Report {
    Report {
        id: id.clone(),
        file: format!("{id}.pdf"),
        files: vec![format!("{id}.pdf")],
        sha256: String::new(),
        title: id,
        force: Some(body.clone()),
        forces: vec![body.clone()],
        body: Some(body),
        body_type: None,
        bodies: vec![],
        publisher: Publisher::Hmicfrs,
        published: Some(published),
        report_type: ReportType::Peel,
        pages: 40,
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

fn statement(
    id: String,
    report_id: &str,
    kind: Kind,
    themes: Vec<String>,
    text: String,
) -> Statement {
    Statement {
        themes,
        ..Statement::new(id, report_id, kind, text)
    }
}

/// User + system CPU seconds of this process so far (/proc/self/stat).
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            // fields 14 and 15 of stat; index 11 and 12 after the command name
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A memory figure of /proc/self/status (kB there) in MiB.
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let t0 = Instant::now();
    let mut g = Gen::new(0x5eed_1234);

    // Reports: (body, date) for ~2,000 reports.
    let mut reports = Vec::with_capacity(N_REPORTS);
    let mut rmeta: Vec<(usize, (u32, u32))> = Vec::new();
    for r in 0..N_REPORTS {
        let body = g.rng.below(N_BODIES);
        let year = 2013 + g.rng.below(12) as u32;
        let month = 1 + g.rng.below(12) as u32;
        reports.push(report(
            format!("r-{:012x}", g.rng.next() >> 16 ^ r as u64),
            format!("Body {body:02} Police"),
            format!("{year}-{month:02}"),
        ));
        rmeta.push((body, (year, month)));
    }
    let mut by_body: Vec<Vec<usize>> = vec![Vec::new(); N_BODIES];
    for (r, m) in rmeta.iter().enumerate() {
        by_body[m.0].push(r);
    }
    let kind_total: u32 = KINDS.iter().map(|k| k.1).sum();
    let planted_target = n / 50;
    let mut statements: Vec<Statement> = Vec::with_capacity(n);
    let mut toks_of: Vec<(Vec<String>, usize)> = Vec::with_capacity(n);
    let mut family: Vec<usize> = Vec::with_capacity(n);
    let mut rep_of: Vec<usize> = Vec::with_capacity(n);
    let mut planted: Vec<(usize, usize)> = Vec::new();
    while statements.len() < n {
        let i = statements.len();
        let plant = i > n / 10 && planted.len() < planted_target && g.rng.chance(0.03);
        if plant {
            // paraphrase an earlier shortcoming statement into a later report of its body
            let o = g.rng.below(i);
            let ok_kind = !matches!(
                statements[o].kind,
                Kind::GradedJudgement | Kind::InnovativePractice
            );
            let (body, date) = rmeta[rep_of[o]];
            let later: Vec<usize> = by_body[body]
                .iter()
                .copied()
                .filter(|&r| rmeta[r].1 > date)
                .collect();
            let later: Vec<usize> = if later.is_empty() {
                vec![]
            } else {
                vec![later[g.rng.below(later.len())]]
            };
            if ok_kind && let Some(&r) = later.first() {
                let (otoks, topic) = toks_of[o].clone();
                let toks = g.paraphrase(&otoks, topic);
                let rid = reports[r].id.clone();
                statements.push(statement(
                    format!("s-{i:08}"),
                    &rid,
                    statements[o].kind,
                    statements[o].themes.clone(),
                    render(&toks),
                ));
                toks_of.push((toks, topic));
                family.push(family[o]);
                rep_of.push(r);
                planted.push((i, o));
                continue;
            }
        }
        let r = g.rng.below(N_REPORTS);
        let topic = g.rng.below(N_TOPICS);
        let toks = g.statement(topic);
        let mut pick = g.rng.below(kind_total as usize) as u32;
        let kind = KINDS
            .iter()
            .find(|k| {
                if pick < k.1 {
                    true
                } else {
                    pick -= k.1;
                    false
                }
            })
            .unwrap()
            .0;
        let mut themes = vec![format!("theme{topic:02}")];
        if g.rng.chance(0.2) {
            themes.push(format!("theme{:02}", g.rng.below(N_TOPICS)));
            themes.sort();
            themes.dedup();
        }
        let rid = reports[r].id.clone();
        statements.push(statement(
            format!("s-{i:08}"),
            &rid,
            kind,
            themes,
            render(&toks),
        ));
        toks_of.push((toks, topic));
        family.push(i);
        rep_of.push(r);
    }
    drop(toks_of);
    let gen_secs = t0.elapsed().as_secs_f64();
    let words: usize = statements.iter().map(|s| s.text.split(' ').count()).sum();

    if std::env::var_os("BENCH_REVERSE").is_some() {
        // Same batch in another input order: the digest must not change.
        statements.reverse();
        reports.reverse();
    }
    let rss_before = status_mb("VmRSS:");
    let c1 = cpu_secs();
    let t1 = Instant::now();
    let mut cfg = LinkConfig::default();
    if let Some(t) = std::env::args().nth(2).and_then(|a| a.parse().ok()) {
        cfg.threshold = t;
    }
    if let Some(c) = std::env::var("BENCH_CANDIDATES")
        .ok()
        .and_then(|c| c.parse().ok())
    {
        cfg.candidates_per_query = c;
    }
    if let Some(w) = std::env::var("BENCH_WINDOW")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        cfg.posting_window = w;
    }
    let out = link(&reports, &statements, &cfg);
    let link_secs = t1.elapsed().as_secs_f64();
    let link_cpu = cpu_secs() - c1;

    // Statement ids are `s-<generation index>`, whatever the input order.
    let pos = |id: &str| -> usize { id[2..].parse().expect("generated id") };
    let sid = |i: usize| format!("s-{i:08}");
    let link_set: HashSet<(usize, usize)> = out
        .links
        .iter()
        .map(|l| (pos(&l.from), pos(&l.to)))
        .collect();
    let found = planted.iter().filter(|p| link_set.contains(p)).count();
    let chained = planted
        .iter()
        .filter(|&&(a, b)| {
            let (ca, cb) = (out.chain_of.get(&sid(a)), out.chain_of.get(&sid(b)));
            ca.is_some() && ca == cb
        })
        .count();
    let sim: Vec<_> = out
        .links
        .iter()
        .filter(|l| l.method == LinkMethod::Similarity)
        .collect();
    let same_body = sim.iter().filter(|l| !l.cross_force).count();
    let true_links = sim
        .iter()
        .filter(|l| family[pos(&l.from)] == family[pos(&l.to)])
        .count();
    if std::env::var_os("BENCH_HIST").is_some() {
        // score histogram of planted vs other same-body similarity links
        let mut h = [[0usize; 10]; 2];
        for l in sim.iter().filter(|l| !l.cross_force) {
            let t = family[pos(&l.from)] == family[pos(&l.to)];
            h[t as usize][((l.score * 10.0) as usize).min(9)] += 1;
        }
        eprintln!("score decile: other {:?}", h[0]);
        eprintln!("score decile: true  {:?}", h[1]);
    }
    // Digest of the whole output, to compare runs (e.g. RAYON_NUM_THREADS=1 vs 2).
    let digest = xxhash_rust::xxh3::xxh3_64(
        serde_json::to_string(&(&out.links, &out.chains, &out.chain_of))
            .expect("serialise")
            .as_bytes(),
    );
    let max_chain = out
        .chains
        .iter()
        .map(|c| c.statements.len())
        .max()
        .unwrap_or(0);
    let recall = found as f64 / planted.len().max(1) as f64;
    println!(
        "n={n} reports={} words_per_statement={:.1} gen_secs={gen_secs:.2} link_secs={link_secs:.3} link_cpu_secs={link_cpu:.2} links={} same_body_links={same_body} cross_force_links={} chains={} max_chain_len={max_chain} planted={} recall={recall:.3} chain_recall={:.3} precision_proxy={:.3} threads={} rss_before_link_mb={rss_before:.0} peak_rss_mb={:.0} digest={digest:016x}",
        reports.len(),
        words as f64 / n as f64,
        out.links.len(),
        sim.len() - same_body,
        out.chains.len(),
        planted.len(),
        chained as f64 / planted.len().max(1) as f64,
        true_links as f64 / sim.len().max(1) as f64,
        rayon::current_num_threads(),
        peak_rss_mb(),
    );
}
