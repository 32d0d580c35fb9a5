use findings::segment::tables::{rebuild, Placed};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&a[1]).unwrap();
    let doc = findings::extract::extract_bytes(&bytes, &Default::default()).unwrap();
    let page = &doc.pages[a[2].parse::<usize>().unwrap() - 1];
    let placed: Vec<Placed> = page.lines.iter().filter(|l| !l.furniture).map(|l| Placed { line: l.clone(), start: 0, end: 0, row: false }).collect();
    for p in rebuild(page, placed).iter().take(6) { println!("{:?} {:?} {}", p.row, p.line.bbox, p.line.text); }
}
