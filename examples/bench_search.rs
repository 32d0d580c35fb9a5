//! Search benchmark: builds an index of synthetic statements and times queries.
//!
//! ```text
//! cargo run --release --example bench_search -- [STATEMENTS] [--memory-mb N] [--queries N] [--dir PATH] [--keep] [--reuse]
//! ```
//!
//! Statements are 15–60 words drawn from a Zipf-distributed vocabulary of
//! 20,000 words (function words and inspection vocabulary at the top, common
//! phrases such as "domestic abuse" spliced in), 0–3 themes each, 200 per
//! report over 45 forces and 2013–2025. Prints indexing throughput, then p50,
//! p90, p99 and max latency of each query type through a kept-open
//! [`Searcher`] (every query also computes facets and renders 20 hits with
//! snippets). The index lives in a temporary folder that is removed at the end
//! unless `--keep` is given; `--reuse --dir PATH` queries a kept index again
//! without rebuilding it (same STATEMENTS, so the queries match the corpus).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use findings::index::IndexBuilder;
use findings::model::{
    Kind, MetadataSources, Publisher, Report, ReportStatus, ReportType, Source, Statement,
};
use findings::search::{DateBound, SearchRequest, Searcher};

const VOCABULARY: usize = 20_000;
const PER_REPORT: usize = 200;

const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "that", "is", "for", "be", "it", "with", "was", "as",
    "on", "are", "not", "by", "this", "at", "from", "we", "have", "or", "an", "its", "has", "were",
    "should", "which", "all", "their", "but", "they", "been", "more", "there", "when", "some",
    "how",
];

const GENRE_WORDS: &[&str] = &[
    "force",
    "police",
    "officers",
    "staff",
    "victims",
    "risk",
    "crime",
    "investigation",
    "supervision",
    "supervisors",
    "public",
    "vulnerable",
    "people",
    "children",
    "custody",
    "domestic",
    "abuse",
    "recommendation",
    "improvement",
    "concern",
    "inspection",
    "chief",
    "constable",
    "leaders",
    "training",
    "assessment",
    "safeguarding",
    "missing",
    "exploitation",
    "detainees",
    "records",
    "recorded",
    "recording",
    "data",
    "review",
    "reviews",
    "quality",
    "effective",
    "effectiveness",
    "efficiency",
    "legitimacy",
    "neighbourhood",
    "policing",
    "response",
    "calls",
    "demand",
    "resources",
    "workforce",
    "wellbeing",
    "integrity",
    "corruption",
    "counter",
    "vetting",
    "stop",
    "search",
    "use",
    "powers",
    "mental",
    "health",
    "partners",
    "partnership",
    "local",
    "authority",
    "authorities",
    "multi",
    "agency",
    "referrals",
    "strategy",
    "plans",
    "planning",
    "performance",
    "management",
    "managers",
    "sergeants",
    "inspectors",
    "detectives",
    "case",
    "cases",
    "files",
    "evidence",
    "suspects",
    "arrest",
    "arrests",
    "bail",
    "charge",
    "outcomes",
    "prosecution",
    "courts",
    "witnesses",
    "sexual",
    "violence",
    "harassment",
    "stalking",
    "hate",
    "serious",
    "organised",
    "gangs",
    "county",
    "lines",
    "drugs",
    "firearms",
    "roads",
    "fire",
    "rescue",
    "service",
    "services",
    "control",
    "room",
    "contact",
    "handling",
    "grading",
    "attendance",
    "deployment",
    "intelligence",
    "analysis",
    "understanding",
    "culture",
    "ethics",
    "equality",
    "diversity",
    "complaints",
    "misconduct",
    "professional",
    "standards",
    "leadership",
    "governance",
    "accountability",
    "scrutiny",
    "commissioner",
    "budget",
    "savings",
    "technology",
    "systems",
    "digital",
    "forensic",
    "devices",
    "backlog",
    "delays",
    "timeliness",
    "compliance",
    "national",
    "guidance",
    "college",
    "practice",
    "consistent",
    "inconsistent",
    "adequate",
    "inadequate",
    "good",
    "outstanding",
    "requires",
    "improve",
    "improving",
    "ensure",
    "make",
    "sure",
    "months",
    "within",
    "progress",
    "insufficient",
    "achieved",
    "partially",
];

const PHRASES: &[&str] = &[
    "domestic abuse",
    "risk assessment",
    "use of force",
    "stop and search",
    "missing children",
    "mental health",
    "child sexual exploitation",
    "crime data integrity",
    "organised crime groups",
    "body worn video",
    "chief constable",
    "violence against women and girls",
];

const THEMES: &[&str] = &[
    "domestic_abuse",
    "risk_assessment",
    "supervision",
    "child_protection",
    "custody",
    "use_of_force",
    "stop_and_search",
    "mental_health",
    "missing_persons",
    "crime_recording",
    "victim_care",
    "investigation_quality",
    "vetting",
    "counter_corruption",
    "workforce",
    "wellbeing",
    "call_handling",
    "neighbourhood_policing",
    "serious_organised_crime",
    "exploitation",
    "equality",
    "leadership",
    "digital_forensics",
    "partnership",
    "vawg",
];

const FORCES: &[&str] = &[
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon and Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Dyfed-Powys Police",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Hampshire Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Wales Police",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "South Wales Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
    "British Transport Police",
    "Police Service of Northern Ireland",
];

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
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Cumulative Zipf distribution over `n` ranks with exponent `s`.
fn zipf_cdf(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (1..=n)
        .map(|r| {
            acc += 1.0 / (r as f64).powf(s);
            acc
        })
        .collect();
    for c in &mut cdf {
        *c /= acc;
    }
    cdf
}

fn sample(cdf: &[f64], rng: &mut Rng) -> usize {
    let u = rng.unit();
    cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
}

/// Function words, inspection words, then made-up words from syllables.
fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = FUNCTION_WORDS
        .iter()
        .chain(GENRE_WORDS)
        .map(|w| w.to_string())
        .collect();
    let onsets = [
        "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cr",
        "st", "tr", "pl",
    ];
    let vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];
    let codas = ["", "n", "r", "s", "t", "nd", "st", "ck"];
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    let mut rng = Rng(7);
    while words.len() < VOCABULARY {
        let syllables = 2 + rng.below(3);
        let mut w = String::new();
        for _ in 0..syllables {
            w.push_str(onsets[rng.below(onsets.len())]);
            w.push_str(vowels[rng.below(vowels.len())]);
            w.push_str(codas[rng.below(codas.len())]);
        }
        w.push_str(["ing", "tion", "ment", "ed", "s", "ity", "al", ""][rng.below(8)]);
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}

fn make_report(n: usize, rng: &mut Rng) -> Report {
    let force = FORCES[rng.below(FORCES.len())].to_string();
    let year = 2013 + rng.below(13);
    let published = format!("{year}-{:02}", 1 + rng.below(12));
    let report_type = [
        ReportType::Peel,
        ReportType::Peel,
        ReportType::Peel,
        ReportType::Custody,
        ReportType::ChildProtection,
        ReportType::Thematic,
        ReportType::Joint,
        ReportType::Revisit,
    ][rng.below(8)];
    let publisher = if year < 2017 {
        Publisher::Hmic
    } else {
        Publisher::Hmicfrs
    };
    let id = format!("r-{:012x}", n);
    Report {
        id: id.clone(),
        file: format!("{id}.pdf"),
        files: vec![format!("{id}.pdf")],
        sha256: format!("{:064x}", n),
        title: format!("{} inspection of {force} {year}", report_type.as_str()),
        force: Some(force.clone()),
        forces: vec![force.clone()],
        body: Some(force.clone()),
        body_type: None,
        bodies: vec![force],
        publisher,
        published: Some(published),
        report_type,
        pages: 60,
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

struct Gen {
    words: Vec<String>,
    word_cdf: Vec<f64>,
    theme_cdf: Vec<f64>,
    /// Per theme, the ranks of its topic words (statements on a theme use them).
    topics: Vec<Vec<usize>>,
}

/// Each theme gets 40 topic words among the content words (ranks 40..2040).
fn topics() -> Vec<Vec<usize>> {
    let mut rng = Rng(99);
    THEMES
        .iter()
        .map(|_| (0..40).map(|_| 40 + rng.below(2_000)).collect())
        .collect()
}

impl Gen {
    fn statement(&self, report: &Report, i: usize, rng: &mut Rng) -> Statement {
        let n_themes = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3][rng.below(10)];
        let mut theme_ids: Vec<usize> = (0..n_themes)
            .map(|_| sample(&self.theme_cdf, rng))
            .collect();
        theme_ids.sort_unstable();
        theme_ids.dedup();
        let len = 15 + rng.below(46);
        let mut text = String::with_capacity(len * 8);
        let mut n = 0;
        while n < len {
            if !text.is_empty() {
                text.push(' ');
            }
            if rng.below(40) == 0 {
                let p = PHRASES[rng.below(PHRASES.len())];
                text.push_str(p);
                n += p.split(' ').count();
            } else if !theme_ids.is_empty() && rng.below(4) == 0 {
                // A quarter of the words of a statement on a theme are its topic words.
                let topic = &self.topics[theme_ids[rng.below(theme_ids.len())]];
                text.push_str(&self.words[topic[rng.below(topic.len())]]);
                n += 1;
            } else {
                text.push_str(&self.words[sample(&self.word_cdf, rng)]);
                n += 1;
            }
            if n < len && rng.below(14) == 0 {
                text.push(',');
            }
        }
        text.push('.');
        let r = rng.unit();
        let kind = if r < 0.70 {
            Kind::Finding
        } else if r < 0.82 {
            Kind::AreaForImprovement
        } else if r < 0.92 {
            Kind::Recommendation
        } else if r < 0.96 {
            Kind::CauseOfConcern
        } else if r < 0.98 {
            Kind::InnovativePractice
        } else {
            Kind::GradedJudgement
        };
        let themes: Vec<String> = theme_ids.iter().map(|&t| THEMES[t].to_string()).collect();
        Statement {
            themes,
            page: 1 + (i / 4) as u32,
            page_end: 1 + (i / 4) as u32,
            section: Some("Findings > Protecting vulnerable people".into()),
            ..Statement::new(
                format!("s-{:016x}", rng.next()),
                report.id.clone(),
                kind,
                text,
            )
        }
    }
}

struct Args {
    statements: usize,
    memory_mb: usize,
    queries: usize,
    dir: Option<PathBuf>,
    keep: bool,
    reuse: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        statements: 1_000_000,
        memory_mb: 256,
        queries: 1_000,
        dir: None,
        keep: false,
        reuse: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .unwrap_or_else(|| panic!("{name} needs a value"))
                .replace('_', "")
        };
        match a.as_str() {
            "--memory-mb" => args.memory_mb = value("--memory-mb").parse().expect("--memory-mb"),
            "--queries" => args.queries = value("--queries").parse().expect("--queries"),
            "--dir" => args.dir = Some(PathBuf::from(value("--dir"))),
            "--keep" => args.keep = true,
            "--reuse" => {
                args.reuse = true;
                args.keep = true;
            }
            "-h" | "--help" => {
                println!(
                    "bench_search [STATEMENTS=1000000] [--memory-mb 256] [--queries 1000] [--dir PATH] [--keep] [--reuse]"
                );
                std::process::exit(0);
            }
            n => {
                args.statements = n
                    .replace('_', "")
                    .parse()
                    .expect("STATEMENTS must be a number")
            }
        }
    }
    args
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let args = parse_args();
    let tmp = std::env::temp_dir().join(format!("bench-search-{}", std::process::id()));
    let dir = args.dir.clone().unwrap_or(tmp);
    println!(
        "bench_search: {} statements, writer memory {} MB, {} cores, index in {}",
        args.statements,
        args.memory_mb,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        dir.display()
    );

    // Generate everything first so that indexing throughput is not generation.
    let t = Instant::now();
    let words = vocabulary();
    let generator = Gen {
        word_cdf: zipf_cdf(words.len(), 1.0),
        words,
        theme_cdf: zipf_cdf(THEMES.len(), 0.8),
        topics: topics(),
    };
    let mut rng = Rng(42);
    let n_reports = args.statements.div_ceil(PER_REPORT);
    let mut corpus: Vec<(Report, Vec<Statement>)> = Vec::with_capacity(n_reports);
    let mut made = 0;
    let mut total_words = 0usize;
    for r in 0..n_reports {
        let report = make_report(r, &mut rng);
        let count = PER_REPORT.min(args.statements - made);
        let statements: Vec<Statement> = (0..count)
            .map(|i| generator.statement(&report, i, &mut rng))
            .collect();
        total_words += statements
            .iter()
            .map(|s| s.text.split(' ').count())
            .sum::<usize>();
        made += count;
        corpus.push((report, statements));
    }
    println!(
        "generated {} statements ({} reports, {:.1} words on average) in {:.1} s",
        made,
        corpus.len(),
        total_words as f64 / made.max(1) as f64,
        t.elapsed().as_secs_f64()
    );

    // Index (or reuse one a run with the same arguments and --keep left).
    if args.reuse && dir.join("meta.json").is_file() {
        println!("reusing the index in {}", dir.display());
    } else {
        build(&dir, args.memory_mb, &corpus);
    }

    // Queries.
    queries(&dir, &args, &generator, &corpus);

    if args.keep {
        println!("kept the index in {}", dir.display());
    } else if let Err(e) = std::fs::remove_dir_all(&dir) {
        eprintln!("could not remove {}: {e}", dir.display());
    }
}

fn build(dir: &std::path::Path, memory_mb: usize, corpus: &[(Report, Vec<Statement>)]) {
    let t = Instant::now();
    let mut builder = IndexBuilder::create(dir, memory_mb * 1_000_000).expect("create index");
    for (report, statements) in corpus {
        for s in statements {
            builder.add(report, s).expect("add");
        }
    }
    let added = t.elapsed();
    let docs = builder.finish().expect("finish");
    let total = t.elapsed();
    let segments = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "store"))
                .count()
        })
        .unwrap_or(0);
    println!(
        "indexed {docs} statements in {:.1} s ({:.0} statements/s; add {:.1} s, commit+merge {:.1} s), {} segments, {:.0} MB on disk",
        total.as_secs_f64(),
        docs as f64 / total.as_secs_f64(),
        added.as_secs_f64(),
        (total - added).as_secs_f64(),
        segments,
        dir_size(dir) as f64 / 1e6
    );
}

fn queries(
    dir: &std::path::Path,
    args: &Args,
    generator: &Gen,
    corpus: &[(Report, Vec<Statement>)],
) {
    let searcher = Searcher::open(dir).expect("open");
    let mut qrng = Rng(1234);
    // Content words: ranks 40..2040 (past the function words), uniformly.
    let content = |rng: &mut Rng| generator.words[40 + rng.below(2_000)].clone();
    // A theme and two of its topic words: what someone researching it would type.
    let on_theme = |rng: &mut Rng| {
        let t = rng.below(THEMES.len());
        let topic = &generator.topics[t];
        let a = &generator.words[topic[rng.below(topic.len())]];
        let b = &generator.words[topic[rng.below(topic.len())]];
        (THEMES[t].to_string(), format!("{a} {b}"))
    };
    let theme = |rng: &mut Rng| THEMES[rng.below(THEMES.len())].to_string();
    let sample_statement = |rng: &mut Rng| {
        let (_, ss) = &corpus[rng.below(corpus.len())];
        ss[rng.below(ss.len())].text.clone()
    };

    type MakeQuery<'a> = Box<dyn Fn(&mut Rng) -> SearchRequest + 'a>;
    let kinds: Vec<(&str, usize, MakeQuery)> = vec![
        (
            "two terms + theme filter",
            args.queries,
            Box::new(|rng: &mut Rng| {
                let (theme, words) = on_theme(rng);
                SearchRequest {
                    themes: vec![theme],
                    ..SearchRequest::new(words)
                }
            }),
        ),
        (
            "two terms + theme filter, page 5 (offset 80)",
            args.queries / 3,
            Box::new(|rng: &mut Rng| {
                let (theme, words) = on_theme(rng);
                SearchRequest {
                    themes: vec![theme],
                    offset: 80,
                    ..SearchRequest::new(words)
                }
            }),
        ),
        (
            "two terms (topic words, no filter)",
            args.queries / 3,
            Box::new(|rng: &mut Rng| SearchRequest::new(on_theme(rng).1)),
        ),
        (
            "two terms (independent content words)",
            args.queries / 3,
            Box::new(|rng: &mut Rng| {
                SearchRequest::new(format!("{} {}", content(rng), content(rng)))
            }),
        ),
        (
            "one term",
            args.queries / 3,
            Box::new(|rng: &mut Rng| SearchRequest::new(content(rng))),
        ),
        (
            "one frequent genre term",
            args.queries / 10,
            Box::new(|rng: &mut Rng| SearchRequest::new(GENRE_WORDS[rng.below(20)])),
        ),
        (
            "phrase (genre)",
            args.queries / 3,
            Box::new(|rng: &mut Rng| {
                SearchRequest::new(format!("\"{}\"", PHRASES[rng.below(PHRASES.len())]))
            }),
        ),
        (
            "phrase (from a statement)",
            args.queries / 3,
            Box::new(|rng: &mut Rng| {
                let text = sample_statement(rng);
                let words: Vec<&str> = text.split(' ').collect();
                let i = rng.below(words.len() - 2);
                let phrase = words[i..i + 3].join(" ").replace([',', '.'], "");
                SearchRequest::new(format!("\"{phrase}\""))
            }),
        ),
        (
            "three terms + kind, force, date filters",
            args.queries / 3,
            Box::new(|rng: &mut Rng| SearchRequest {
                kinds: vec![Kind::Recommendation, Kind::AreaForImprovement],
                forces: vec![FORCES[rng.below(FORCES.len())].to_string()],
                from: Some(DateBound::parse("2016").unwrap()),
                to: Some(DateBound::parse("2022-06").unwrap()),
                ..SearchRequest::new(format!(
                    "{} {}",
                    on_theme(rng).1,
                    GENRE_WORDS[rng.below(60)]
                ))
            }),
        ),
        (
            "empty query + theme (newest first)",
            args.queries / 3,
            Box::new(|rng: &mut Rng| SearchRequest {
                themes: vec![theme(rng)],
                ..SearchRequest::default()
            }),
        ),
        (
            "empty query, no filter (all, newest first)",
            args.queries / 20,
            Box::new(|_rng: &mut Rng| SearchRequest::default()),
        ),
    ];

    let loadavg = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before queries: {}", loadavg().trim());
    // Warm up caches.
    for _ in 0..50 {
        let req = (kinds[0].2)(&mut qrng);
        searcher.search(&req).expect("warm-up");
    }

    println!();
    println!(
        "{:<44} {:>6} {:>9} {:>9} {:>9} {:>9} {:>11}",
        "query type (20 hits + facets)", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean total"
    );
    for (name, n, make) in &kinds {
        let mut times = Vec::with_capacity(*n);
        let mut totals = 0usize;
        for _ in 0..*n {
            let req = make(&mut qrng);
            let t = Instant::now();
            let res = searcher.search(&req).expect("search");
            times.push(t.elapsed());
            totals += res.total;
            std::hint::black_box(&res);
        }
        times.sort();
        println!(
            "{:<44} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>11.0}",
            name,
            n,
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.90)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            totals as f64 / (*n).max(1) as f64
        );
    }

    // One-shot search (opens the index per call, as the CLI does).
    let mut times = Vec::new();
    for _ in 0..50 {
        let req = (kinds[0].2)(&mut qrng);
        let t = Instant::now();
        findings::search::search(dir, &req).expect("search");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{:<44} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
        "one-shot search() two terms + theme",
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.90)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap())
    );

    println!("load average after queries: {}", loadavg().trim());
}
