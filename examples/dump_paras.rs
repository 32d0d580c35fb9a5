//! Prints the paragraphs segmentation sees in one PDF: page, heading level,
//! list marker, table-row flag, font size and text (first 140 characters).
//! For debugging layout and kind decisions.
//!
//! cargo run --release --example dump_paras -- FILE.pdf [FIRST_PAGE-LAST_PAGE]

use findings::segment::structure;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: dump_paras FILE.pdf [FIRST-LAST]"))?;
    let (first, last) = match args.next() {
        Some(r) => {
            let (a, b) = r.split_once('-').unwrap_or((&r, &r));
            (a.parse::<u32>()?, b.parse::<u32>()?)
        }
        None => (1, u32::MAX),
    };
    let bytes = std::fs::read(&path)?;
    let doc = findings::extract::extract_bytes(&bytes, &Default::default())?;
    let layout = structure::analyse(&doc);
    println!("body size {}", layout.body_size);
    for p in layout
        .paras
        .iter()
        .filter(|p| p.page >= first && p.page <= last)
    {
        let text: String = p.text.chars().take(140).collect();
        println!(
            "p{:<3} {:<3} {:<4} {}{} {:4.1} {}",
            p.page,
            p.heading.map(|h| format!("H{h}")).unwrap_or_default(),
            p.marker.as_deref().unwrap_or(""),
            if p.table_row { "T" } else { " " },
            if p.bold { "B" } else { " " },
            p.font_size,
            text.replace('\t', " | ")
        );
    }
    Ok(())
}
