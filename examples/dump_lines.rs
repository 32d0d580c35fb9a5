fn main() {
    let a: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&a[1]).unwrap();
    let doc = findings::extract::extract_bytes(&bytes, &Default::default()).unwrap();
    let page: u32 = a[2].parse().unwrap();
    for l in &doc.pages[page as usize - 1].lines {
        println!(
            "b{:<4} [{:6.1} {:6.1} {:6.1} {:6.1}] {:4.1}{}{} {}",
            l.block,
            l.bbox[0],
            l.bbox[1],
            l.bbox[2],
            l.bbox[3],
            l.font_size,
            if l.bold { "B" } else { " " },
            if l.furniture { "F" } else { " " },
            l.text
        );
    }
}
