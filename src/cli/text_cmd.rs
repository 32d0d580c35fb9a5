//! `findings text FILE.pdf [--pages A-B]`: the extracted text, pages separated
//! by a form feed as pdftotext prints them. This is how extraction is checked.

use super::{Outcome, UsageError};
use crate::extract::{self, Limits};
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `findings text`.
#[derive(Debug, Args)]
pub struct TextArgs {
    /// The PDF to read.
    file: PathBuf,
    /// Only these pages, as `A-B`, `A-` or `N` (1-based).
    #[arg(long, value_parser = parse_pages)]
    pages: Option<(u32, u32)>,
    /// Leave out running heads, footers and page numbers.
    #[arg(long)]
    no_furniture: bool,
}

fn parse_pages(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{s}' is not a page range (use A-B, A- or N)");
    let (a, b) = match s.split_once('-') {
        Some((a, "")) => (a.trim().parse().map_err(|_| bad())?, u32::MAX),
        Some((a, b)) => (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        ),
        None => {
            let n = s.trim().parse().map_err(|_| bad())?;
            (n, n)
        }
    };
    if a == 0 || b < a {
        return Err(bad());
    }
    Ok((a, b))
}

/// Run `findings text`.
pub fn run(args: TextArgs) -> anyhow::Result<Outcome> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", args.file.display())))?;
    let doc = extract::extract_bytes(&bytes, &Limits::default())
        .with_context(|| format!("{}: extraction failed", args.file.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (from, to) = args.pages.unwrap_or((1, u32::MAX));
    for page in doc
        .pages
        .iter()
        .filter(|p| p.number >= from && p.number <= to)
    {
        let text = if args.no_furniture {
            page.body_text()
        } else {
            page.full_text()
        };
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n\x0c")?;
    }
    out.flush()?;
    for w in &doc.warnings {
        match w.page {
            Some(p) => eprintln!("findings: warning: page {p}: {}: {}", w.category, w.message),
            None => eprintln!("findings: warning: {}: {}", w.category, w.message),
        }
    }
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::parse_pages;

    #[test]
    fn page_ranges() {
        assert_eq!(parse_pages("2-5"), Ok((2, 5)));
        assert_eq!(parse_pages("3"), Ok((3, 3)));
        assert_eq!(parse_pages("4-"), Ok((4, u32::MAX)));
        assert!(parse_pages("0-2").is_err());
        assert!(parse_pages("5-2").is_err());
        assert!(parse_pages("x").is_err());
    }
}
