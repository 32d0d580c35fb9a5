//! Mutation test: corpus PDFs truncated, with flipped bytes, without their
//! xref keyword, and with a corrupted stream. Every mutant must extract or fail
//! with a categorized error, with no panic and within the time limits.

use super::common::{corpus_real, root};
use findings::extract::{Limits, extract_bytes};
use std::path::PathBuf;
use std::time::Duration;

/// A small deterministic generator (no rand dependency; same mutants every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutants(bytes: &[u8], rng: &mut Lcg) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for cut in [bytes.len() / 5, bytes.len() / 2, bytes.len() * 9 / 10] {
        out.push(("truncated", bytes[..cut].to_vec()));
    }
    let mut flipped = bytes.to_vec();
    for _ in 0..64 {
        let at = rng.below(flipped.len());
        flipped[at] ^= 1 << rng.below(8);
    }
    out.push(("flipped", flipped));
    let text_xref = b"xref";
    let mut no_xref = bytes.to_vec();
    for i in 0..no_xref.len().saturating_sub(4) {
        if &no_xref[i..i + 4] == text_xref {
            no_xref[i..i + 4].copy_from_slice(b"XXXX");
        }
    }
    out.push(("no_xref", no_xref));
    if let Some(pos) = bytes.windows(6).position(|w| w == b"stream") {
        let mut broken = bytes.to_vec();
        let start = pos + 8;
        let end = (start + 200).min(broken.len());
        for b in &mut broken[start..end] {
            *b = (rng.next() & 0xff) as u8;
        }
        out.push(("corrupt_stream", broken));
    }
    out
}

fn pdfs(dir: &std::path::Path, max: usize) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.truncate(max);
    files
}

#[test]
fn mutated_pdfs_never_panic_or_hang() {
    let limits = Limits {
        doc_timeout: Duration::from_secs(10),
        ..Limits::default()
    };
    let mut files = pdfs(&root().join("corpus"), 40);
    if let Some(real) = corpus_real() {
        // Small real files keep the test bounded in time.
        files.extend(
            pdfs(&real, 64)
                .into_iter()
                .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 800_000))
                .take(12),
        );
    }
    assert!(!files.is_empty());
    let mut rng = Lcg(0x5eed);
    let (mut ok, mut failed) = (0, 0);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for (what, mutant) in mutants(&bytes, &mut rng) {
            let result = std::panic::catch_unwind(|| extract_bytes(&mutant, &limits));
            match result {
                Ok(Ok(_)) => ok += 1,
                Ok(Err(e)) => {
                    assert!(!e.category().is_empty() && !e.to_string().is_empty());
                    failed += 1;
                }
                Err(_) => panic!("{} ({what}) panicked", file.display()),
            }
        }
    }
    eprintln!("mutants: {ok} extracted (some partly), {failed} failed with a category");
    assert!(ok + failed >= files.len() * 5);
}
