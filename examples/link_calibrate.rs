//! Calibration aid: treats each text file given as one report of the *same*
//! body (dated by the first 4-digit year in its name, in argument order),
//! splits it into sentences, links with no threshold and prints the score
//! histogram of each sentence's best link and samples per score band, to judge
//! by eye where "same shortcoming" starts.
//!
//! ```text
//! cargo run --release --example link_calibrate -- a-2015.txt b-2016.txt ...
//! ```

use findings::link::{LinkConfig, link};
use findings::model::{
    Kind, MetadataSources, Publisher, Report, ReportStatus, ReportType, Source, Statement,
};
use std::collections::BTreeMap;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut reports = Vec::new();
    let mut statements = Vec::new();
    for (k, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).expect("read");
        let year = 2000 + k; // argument order is publication order
        let rid = format!("r-{k:02}");
        reports.push(Report {
            id: rid.clone(),
            file: f.clone(),
            files: vec![f.clone()],
            sha256: String::new(),
            title: f.clone(),
            force: Some("Same Body".into()),
            forces: vec![],
            body: None,
            body_type: None,
            bodies: vec![],
            publisher: Publisher::Other,
            published: Some(format!("{year}-01")),
            report_type: ReportType::Other,
            pages: 1,
            producer: None,
            status: ReportStatus::Ok,
            warnings: vec![],
            sources: MetadataSources {
                title: Source::None,
                force: Source::None,
                publisher: Source::None,
                published: Source::None,
                report_type: Source::None,
            },
        });
        let flat = text
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, sent) in flat.split(['\n']).flat_map(|p| p.split(". ")).enumerate() {
            if sent.split_whitespace().count() < 8 {
                continue;
            }
            statements.push(Statement::new(
                format!("s-{k:02}-{i:05}"),
                rid.clone(),
                Kind::Finding,
                sent.to_string(),
            ));
        }
    }
    let cfg = LinkConfig {
        threshold: 0.0,
        cross_force_threshold: 2.0,
        max_candidates: 1,
        ..LinkConfig::default()
    };
    let out = link(&reports, &statements, &cfg);
    let text: BTreeMap<&str, &str> = statements
        .iter()
        .map(|s| (s.id.as_str(), s.text.as_str()))
        .collect();
    let mut hist = [0usize; 20];
    let mut bands: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for l in &out.links {
        let b = ((l.score * 20.0) as usize).min(19);
        hist[b] += 1;
        let e = bands.entry(b).or_default();
        if e.len() < 4 && (l.from.len() + l.to.len()) % 3 == 0 || e.len() < 2 {
            e.push(format!(
                "  {:.3} {:?}\n    A: {}\n    B: {}",
                l.score,
                l.terms,
                text[l.from.as_str()],
                text[l.to.as_str()]
            ));
        }
    }
    println!("statements={} links={}", statements.len(), out.links.len());
    for (b, c) in hist.iter().enumerate() {
        println!("{:.2}-{:.2}: {c}", b as f32 / 20.0, (b + 1) as f32 / 20.0);
    }
    for (b, v) in bands.iter().filter(|(b, _)| **b >= 5) {
        println!("== band {:.2}", *b as f32 / 20.0);
        for s in v {
            println!("{s}");
        }
    }
}
