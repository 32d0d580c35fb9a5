//! Content-stream tokenizer (ISO 32000-1 §7.2, §7.3, §7.8.2): bytes → operators
//! with their operands, one at a time.
//!
//! Takes the decoded bytes of a content stream (page, form or Type3 glyph) and
//! gives `(operator, operands)` pairs. It never fails: bytes that cannot start a
//! token are skipped and counted in [`Lexer::recoveries`], unclosed strings,
//! arrays and dictionaries end at the end of input, and inline images
//! (`BI … ID … EI`, §8.9.7) are skipped whole and reported as the operator `BI`.
//! It does not interpret operators and does not resolve indirect objects
//! (content streams have none).

/// One operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// Integer or real number.
    Num(f64),
    /// A name, `#xx` escapes decoded, without the slash.
    Name(Vec<u8>),
    /// A literal or hexadecimal string, escapes decoded.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Operand>),
    /// An inline dictionary (BDC properties, inline image parameters).
    Dict(Vec<(Vec<u8>, Operand)>),
    /// true/false.
    Bool(bool),
    /// null.
    Null,
}

impl Operand {
    /// The number, if this is one.
    pub(crate) fn num(&self) -> Option<f64> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// Looks a key up in an inline dictionary.
    pub(crate) fn dict_get(&self, key: &[u8]) -> Option<&Operand> {
        match self {
            Operand::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Longest string kept; bytes beyond are dropped (the brief's 1 MiB cap).
const MAX_STRING: usize = 1 << 20;
/// Deepest array/dictionary nesting parsed; deeper content is skipped flat.
const MAX_NESTING: usize = 32;
/// Operands kept on the stack; older ones are dropped.
const MAX_OPERANDS: usize = 64;
/// Elements kept in one array or dictionary.
const MAX_ELEMENTS: usize = 1 << 20;

/// A never-failing content-stream tokenizer.
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    /// Bytes or tokens skipped because they could not be parsed.
    pub(crate) recoveries: usize,
    max_operands: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

enum Token<'a> {
    Operand(Operand),
    Keyword(&'a [u8]),
    ArrayEnd,
    DictEnd,
    Eof,
}

impl<'a> Lexer<'a> {
    /// A tokenizer over `data`.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Lexer {
            data,
            pos: 0,
            recoveries: 0,
            max_operands: MAX_OPERANDS,
        }
    }

    /// A tokenizer that keeps up to `n` operands per operator (CMaps and font
    /// programs put hundreds of operands before one keyword).
    pub(crate) fn with_max_operands(data: &'a [u8], n: usize) -> Self {
        Lexer {
            max_operands: n,
            ..Lexer::new(data)
        }
    }

    /// Reads operands up to the next operator; fills `operands` (cleared first)
    /// and returns the operator, or `None` at the end of the input.
    pub(crate) fn next_op(&mut self, operands: &mut Vec<Operand>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            match self.token(0) {
                Token::Eof => return None,
                Token::Operand(o) => {
                    if operands.len() >= self.max_operands {
                        self.recoveries += 1;
                        if self.max_operands > MAX_OPERANDS {
                            continue;
                        }
                        operands.remove(0);
                    }
                    operands.push(o);
                }
                Token::Keyword(k) => {
                    match k {
                        b"true" => operands.push(Operand::Bool(true)),
                        b"false" => operands.push(Operand::Bool(false)),
                        b"null" => operands.push(Operand::Null),
                        b"BI" => {
                            self.skip_inline_image();
                            return Some(b"BI");
                        }
                        _ => return Some(k),
                    }
                    if operands.len() > self.max_operands {
                        operands.remove(0);
                    }
                }
                Token::ArrayEnd | Token::DictEnd => self.recoveries += 1,
            }
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < self.data.len() && !matches!(self.data[self.pos], b'\r' | b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn token(&mut self, depth: usize) -> Token<'a> {
        loop {
            self.skip_ws();
            let Some(&b) = self.data.get(self.pos) else {
                return Token::Eof;
            };
            match b {
                b'/' => {
                    self.pos += 1;
                    return Token::Operand(Operand::Name(self.name()));
                }
                b'(' => {
                    self.pos += 1;
                    return Token::Operand(Operand::Str(self.literal()));
                }
                b'<' => {
                    if self.data.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        return Token::Operand(self.dict(depth));
                    }
                    self.pos += 1;
                    return Token::Operand(Operand::Str(self.hex()));
                }
                b'>' => {
                    if self.data.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        return Token::DictEnd;
                    }
                    self.pos += 1;
                    self.recoveries += 1;
                }
                b'[' => {
                    self.pos += 1;
                    return Token::Operand(self.array(depth));
                }
                b']' => {
                    self.pos += 1;
                    return Token::ArrayEnd;
                }
                b'{' | b'}' | b')' => {
                    self.pos += 1;
                    self.recoveries += 1;
                }
                b'+' | b'-' | b'.' | b'0'..=b'9' => {
                    if let Some(n) = self.number() {
                        return Token::Operand(Operand::Num(n));
                    }
                    self.recoveries += 1;
                }
                _ => {
                    let start = self.pos;
                    while self.pos < self.data.len() && is_regular(self.data[self.pos]) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        self.pos += 1;
                        self.recoveries += 1;
                        continue;
                    }
                    return Token::Keyword(&self.data[start..self.pos]);
                }
            }
        }
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        let mut end = self.pos;
        while end < self.data.len() && matches!(self.data[end], b'+' | b'-' | b'.' | b'0'..=b'9') {
            end += 1;
        }
        // Consume any trailing regular bytes too (e.g. "1.5e2" is not valid PDF);
        // they make the token a bad number, which is skipped.
        let mut tail = end;
        while tail < self.data.len() && is_regular(self.data[tail]) {
            tail += 1;
        }
        self.pos = tail;
        if tail != end {
            return None;
        }
        let tok = &self.data[start..end];
        // PDF numbers: optional sign(s), digits, one period. Be lenient about
        // doubled signs ("--5") and stray signs inside ("5-3" reads 5).
        let mut neg = false;
        let mut i = 0;
        while i < tok.len() && matches!(tok[i], b'+' | b'-') {
            if tok[i] == b'-' {
                neg = !neg;
            }
            i += 1;
        }
        let mut int: f64 = 0.0;
        let mut frac: f64 = 0.0;
        let mut scale = 1.0;
        let mut seen_dot = false;
        let mut digits = 0;
        while i < tok.len() {
            match tok[i] {
                b'0'..=b'9' => {
                    let d = (tok[i] - b'0') as f64;
                    if seen_dot {
                        scale /= 10.0;
                        frac += d * scale;
                    } else {
                        int = int * 10.0 + d;
                    }
                    digits += 1;
                }
                b'.' if !seen_dot => seen_dot = true,
                _ => break,
            }
            i += 1;
        }
        if digits == 0 {
            return if tok.iter().all(|&b| b == b'.' || b == b'-' || b == b'+') && !tok.is_empty() {
                Some(0.0)
            } else {
                None
            };
        }
        let v = int + frac;
        let v = if v.is_finite() { v } else { 0.0 };
        Some(if neg { -v } else { v })
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while self.pos < self.data.len() && is_regular(self.data[self.pos]) {
            let b = self.data[self.pos];
            if b == b'#'
                && let (Some(h), Some(l)) = (
                    self.data.get(self.pos + 1).and_then(|&c| hex_val(c)),
                    self.data.get(self.pos + 2).and_then(|&c| hex_val(c)),
                )
            {
                out.push(h * 16 + l);
                self.pos += 3;
                continue;
            }
            out.push(b);
            self.pos += 1;
        }
        out
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        let d = self.data;
        while self.pos < d.len() {
            let b = d[self.pos];
            self.pos += 1;
            let push = |out: &mut Vec<u8>, c: u8| {
                if out.len() < MAX_STRING {
                    out.push(c)
                }
            };
            match b {
                b'(' => {
                    depth += 1;
                    push(&mut out, b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                    push(&mut out, b);
                }
                b'\\' => {
                    let Some(&e) = d.get(self.pos) else { break };
                    self.pos += 1;
                    match e {
                        b'n' => push(&mut out, b'\n'),
                        b'r' => push(&mut out, b'\r'),
                        b't' => push(&mut out, b'\t'),
                        b'b' => push(&mut out, 8),
                        b'f' => push(&mut out, 12),
                        b'\r' => {
                            if d.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v: u32 = (e - b'0') as u32;
                            for _ in 0..2 {
                                match d.get(self.pos) {
                                    Some(&c @ b'0'..=b'7') => {
                                        v = v * 8 + (c - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            push(&mut out, (v & 0xff) as u8);
                        }
                        other => push(&mut out, other),
                    }
                }
                _ => push(&mut out, b),
            }
        }
        self.recoveries += 1;
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            self.pos += 1;
            if b == b'>' {
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                return out;
            }
            if let Some(v) = hex_val(b) {
                match hi.take() {
                    Some(h) => {
                        if out.len() < MAX_STRING {
                            out.push((h << 4) | v)
                        }
                    }
                    None => hi = Some(v),
                }
            } else if !is_white(b) {
                self.recoveries += 1;
            }
        }
        self.recoveries += 1;
        out
    }

    fn array(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        loop {
            if depth >= MAX_NESTING {
                // Too deep: skip to the matching bracket without building.
                self.skip_nested(b'[', b']');
                self.recoveries += 1;
                return Operand::Array(items);
            }
            match self.token(depth + 1) {
                Token::ArrayEnd | Token::Eof => return Operand::Array(items),
                Token::Operand(o) => {
                    if items.len() < MAX_ELEMENTS {
                        items.push(o)
                    }
                }
                Token::Keyword(b"true") => items.push(Operand::Bool(true)),
                Token::Keyword(b"false") => items.push(Operand::Bool(false)),
                Token::Keyword(b"null") => items.push(Operand::Null),
                Token::Keyword(_) | Token::DictEnd => {
                    // An operator inside an array: the array was never closed.
                    self.recoveries += 1;
                }
            }
        }
    }

    fn skip_nested(&mut self, open: u8, close: u8) {
        let mut level = 1usize;
        while self.pos < self.data.len() && level > 0 {
            let b = self.data[self.pos];
            self.pos += 1;
            if b == open {
                level += 1;
            } else if b == close {
                level -= 1;
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Operand {
        let mut entries = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        loop {
            if depth >= MAX_NESTING {
                self.recoveries += 1;
                while self.pos + 1 < self.data.len() && &self.data[self.pos..self.pos + 2] != b">>"
                {
                    self.pos += 1;
                }
                self.pos = (self.pos + 2).min(self.data.len());
                return Operand::Dict(entries);
            }
            let tok = self.token(depth + 1);
            let value = match tok {
                Token::DictEnd | Token::Eof => return Operand::Dict(entries),
                Token::Operand(o) => o,
                Token::Keyword(b"true") => Operand::Bool(true),
                Token::Keyword(b"false") => Operand::Bool(false),
                Token::Keyword(b"null") => Operand::Null,
                Token::Keyword(b"ID") => {
                    // Inline image data starts: the caller handles it.
                    self.pos -= 2;
                    return Operand::Dict(entries);
                }
                Token::Keyword(_) | Token::ArrayEnd => {
                    self.recoveries += 1;
                    continue;
                }
            };
            match key.take() {
                None => match value {
                    Operand::Name(n) => key = Some(n),
                    _ => self.recoveries += 1,
                },
                Some(k) => {
                    if entries.len() < MAX_ELEMENTS {
                        entries.push((k, value))
                    }
                }
            }
        }
    }

    /// After `BI`: skip the parameters, `ID`, the data and `EI`.
    fn skip_inline_image(&mut self) {
        // Parameters up to the ID keyword.
        loop {
            match self.token(1) {
                Token::Eof => return,
                Token::Keyword(b"ID") => break,
                Token::Keyword(b"EI") => return,
                _ => {}
            }
        }
        // One white-space byte follows ID; then data up to "EI" that is preceded
        // by white space and followed by white space or the end.
        if self.pos < self.data.len() && is_white(self.data[self.pos]) {
            self.pos += 1;
        }
        let d = self.data;
        let mut i = self.pos;
        while i + 1 < d.len() {
            if d[i] == b'E'
                && d[i + 1] == b'I'
                && (i == 0 || is_white(d[i - 1]))
                && d.get(i + 2).is_none_or(|&c| is_white(c) || is_delim(c))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = d.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(data: &[u8]) -> Vec<(String, Vec<Operand>)> {
        let mut lx = Lexer::new(data);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lx.next_op(&mut operands) {
            out.push((String::from_utf8_lossy(op).into_owned(), operands.clone()));
        }
        out
    }

    #[test]
    fn survives_bad_numbers_and_unclosed_strings() {
        let v = ops(b"BT [(a)-1.5e2(b)] TJ (unclosed");
        assert_eq!(v[0].0, "BT");
        assert_eq!(v[1].0, "TJ");
        let Operand::Array(items) = &v[1].1[0] else {
            panic!("array expected")
        };
        assert_eq!(items.len(), 2, "bad number skipped, both strings kept");
    }

    #[test]
    fn decodes_strings_names_and_skips_inline_images() {
        let v = ops(
            b"/F#201 12 Tf (a\\(b\\)\\101\\\n) Tj <48 65 6> Tj BI /W 1 /H 1 ID \x00EI\xff EI Q",
        );
        assert_eq!(v[0].1[0], Operand::Name(b"F 1".to_vec()));
        assert_eq!(v[1].1[0], Operand::Str(b"a(b)A".to_vec()));
        assert_eq!(v[2].1[0], Operand::Str(vec![0x48, 0x65, 0x60]));
        assert_eq!(v[3].0, "BI");
        assert_eq!(v[4].0, "Q");
    }

    #[test]
    fn inline_dict_for_bdc() {
        let v = ops(b"/Span <</ActualText (fi) /MCID 3>> BDC EMC");
        assert_eq!(v[0].0, "BDC");
        assert_eq!(
            v[0].1[1].dict_get(b"ActualText"),
            Some(&Operand::Str(b"fi".to_vec()))
        );
        assert_eq!(v[1].0, "EMC");
    }
}
