//! Prints the text of a PDF as extraction sees it: each page's
//! `full_text()`, pages separated by form feeds. A stand-in for
//! `findings text FILE` used by `scripts/extract-fidelity`.
//!
//! Usage: `cargo run --release --example extract_text -- FILE.pdf [FILE.pdf ...]`
//! With several files, each file's text is written to `OUTDIR/NAME.txt` when
//! `--out OUTDIR` is given (one process for a whole corpus).

use findings::extract::{Limits, extract_bytes};
use std::io::Write;
use std::process::ExitCode;

fn text_of(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let doc = extract_bytes(&bytes, &Limits::default())
        .map_err(|e| format!("{path}: [{}] {e}", e.category()))?;
    for w in &doc.warnings {
        eprintln!(
            "{path}: warning [{}] page {:?}: {}",
            w.category, w.page, w.message
        );
    }
    if std::env::var_os("EXTRACT_DEBUG").is_some() {
        for p in &doc.pages {
            for l in &p.lines {
                eprintln!(
                    "p{} b{} {:?} s{} f{} {}",
                    p.number, l.block, l.bbox, l.font_size, l.furniture as u8, l.text
                );
            }
        }
    }
    let pages: Vec<String> = doc.pages.iter().map(|p| p.full_text()).collect();
    Ok(pages.join("\n\u{c}"))
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut out_dir = None;
    if let Some(i) = args.iter().position(|a| a == "--out") {
        if i + 1 < args.len() {
            out_dir = Some(args.remove(i + 1));
        }
        args.remove(i);
    }
    let mut failed = false;
    for path in &args {
        match text_of(path) {
            Ok(text) => {
                if let Some(dir) = &out_dir {
                    let name = std::path::Path::new(path)
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let _ = std::fs::write(format!("{dir}/{name}.txt"), text.as_bytes());
                } else {
                    let mut so = std::io::stdout().lock();
                    if so
                        .write_all(text.as_bytes())
                        .and_then(|_| so.write_all(b"\n"))
                        .is_err()
                    {
                        return ExitCode::SUCCESS;
                    }
                }
            }
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
