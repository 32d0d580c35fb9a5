//! CMaps (ISO 32000-1 §9.7.5, §9.10.3): ToUnicode maps (code → text) and
//! embedded encoding CMaps (code → CID), parsed from their PostScript-like text.
//!
//! Takes the decoded CMap stream; gives a [`CMap`] holding codespace ranges,
//! single mappings and ranges kept unexpanded (a `<0000> <FFFF>` range is one
//! entry). Acts on `begincodespacerange`, `beginbfchar`, `beginbfrange`
//! (increment and array forms), `begincidchar` and `begincidrange`; `usecmap`
//! is recorded but not resolved. It does not know
//! predefined CMaps other than Identity, and it ignores everything else
//! (WMode, CIDSystemInfo, notdef ranges). Entry counts are capped so that a
//! hostile map cannot exhaust memory.

use super::lexer::{Lexer, Operand};
use std::collections::HashMap;

/// Most single mappings kept from one CMap.
const MAX_ENTRIES: usize = 100_000;
/// Widest range kept (codes per bfrange/cidrange).
const MAX_RANGE: u32 = 65_536;

/// Where a range's codes go.
#[derive(Debug, Clone)]
enum RangeTarget {
    /// UTF-16 text whose last unit increments along the range.
    Increment(Vec<u16>),
    /// One text per code.
    Array(Vec<String>),
    /// First CID (cidrange).
    Cid(u32),
}

#[derive(Debug, Clone)]
struct Range {
    lo: u32,
    hi: u32,
    target: RangeTarget,
}

/// A parsed CMap.
#[derive(Debug, Clone, Default)]
pub(crate) struct CMap {
    /// (byte length, low, high) codespace ranges, in file order.
    codespace: Vec<(u8, u32, u32)>,
    chars: HashMap<u32, String>,
    cids: HashMap<u32, u32>,
    ranges: Vec<Range>,
    /// Name given by `usecmap`, for the caller to merge.
    pub(crate) usecmap: Option<Vec<u8>>,
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |a, &b| (a << 8) | b as u32)
}

/// UTF-16BE bytes → String, joining surrogate pairs, lone surrogates dropped
/// as U+FFFD. Odd trailing bytes are read as a last 8-bit unit.
pub(crate) fn utf16be_to_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                c[0] as u16
            }
        })
        .collect();
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                c[0] as u16
            }
        })
        .collect()
}

impl CMap {
    /// Parses CMap text. Never fails; what it cannot read it skips.
    pub(crate) fn parse(data: &[u8]) -> CMap {
        let mut cm = CMap::default();
        let mut lx = Lexer::with_max_operands(data, 4 * MAX_ENTRIES);
        let mut operands = Vec::new();
        let mut entries = 0usize;
        // The section operators take their data as operands accumulated since
        // the matching begin* keyword; our lexer hands back keywords as
        // operators, so collect between begin and end.
        let mut section: Option<&[u8]> = None;
        let mut acc: Vec<Operand> = Vec::new();
        while let Some(op) = lx.next_op(&mut operands) {
            match op {
                b"begincodespacerange"
                | b"beginbfchar"
                | b"beginbfrange"
                | b"begincidchar"
                | b"begincidrange" => {
                    section = Some(op);
                    acc.clear();
                }
                b"endcodespacerange" | b"endbfchar" | b"endbfrange" | b"endcidchar"
                | b"endcidrange" => {
                    acc.append(&mut operands);
                    match section {
                        Some(b"begincodespacerange") => cm.add_codespace(&acc),
                        Some(b"beginbfchar") => cm.add_bfchar(&acc, &mut entries),
                        Some(b"beginbfrange") => cm.add_bfrange(&acc, &mut entries),
                        Some(b"begincidchar") => cm.add_cidchar(&acc, &mut entries),
                        Some(b"begincidrange") => cm.add_cidrange(&acc, &mut entries),
                        _ => {}
                    }
                    section = None;
                    acc.clear();
                }
                b"usecmap" => {
                    if let Some(Operand::Name(n)) = operands.last() {
                        cm.usecmap = Some(n.clone());
                    }
                }
                _ => {
                    if section.is_some() {
                        acc.append(&mut operands);
                    }
                }
            }
            if acc.len() > 4 * MAX_ENTRIES {
                acc.clear();
            }
        }
        cm.finish();
        cm
    }

    fn add_codespace(&mut self, ops: &[Operand]) {
        for pair in ops.chunks(2) {
            if let [Operand::Str(lo), Operand::Str(hi)] = pair
                && !lo.is_empty()
                && lo.len() <= 4
                && self.codespace.len() < 256
            {
                self.codespace.push((lo.len() as u8, be(lo), be(hi)));
            }
        }
    }

    fn add_bfchar(&mut self, ops: &[Operand], entries: &mut usize) {
        for pair in ops.chunks(2) {
            if *entries >= MAX_ENTRIES {
                return;
            }
            if let [Operand::Str(src), dst] = pair {
                let text = match dst {
                    Operand::Str(d) => utf16be_to_string(d),
                    Operand::Name(n) => {
                        super::encoding::glyph_name_to_unicode(&String::from_utf8_lossy(n))
                            .unwrap_or_default()
                    }
                    _ => continue,
                };
                self.chars.insert(be(src), text);
                *entries += 1;
            }
        }
    }

    fn add_bfrange(&mut self, ops: &[Operand], entries: &mut usize) {
        for triple in ops.chunks(3) {
            if *entries >= MAX_ENTRIES {
                return;
            }
            let [Operand::Str(lo), Operand::Str(hi), dst] = triple else {
                continue;
            };
            let (lo_v, hi_v) = (be(lo), be(hi));
            if hi_v < lo_v || hi_v - lo_v >= MAX_RANGE {
                continue;
            }
            let target = match dst {
                Operand::Str(d) => RangeTarget::Increment(units(d)),
                Operand::Array(items) => RangeTarget::Array(
                    items
                        .iter()
                        .map(|i| match i {
                            Operand::Str(s) => utf16be_to_string(s),
                            _ => String::new(),
                        })
                        .collect(),
                ),
                _ => continue,
            };
            self.ranges.push(Range {
                lo: lo_v,
                hi: hi_v,
                target,
            });
            *entries += 1;
        }
    }

    fn add_cidchar(&mut self, ops: &[Operand], entries: &mut usize) {
        for pair in ops.chunks(2) {
            if *entries >= MAX_ENTRIES {
                return;
            }
            if let [Operand::Str(src), Operand::Num(cid)] = pair {
                self.cids.insert(be(src), *cid as u32);
                *entries += 1;
            }
        }
    }

    fn add_cidrange(&mut self, ops: &[Operand], entries: &mut usize) {
        for triple in ops.chunks(3) {
            if *entries >= MAX_ENTRIES {
                return;
            }
            if let [Operand::Str(lo), Operand::Str(hi), Operand::Num(cid)] = triple {
                let (lo_v, hi_v) = (be(lo), be(hi));
                if hi_v < lo_v || hi_v - lo_v >= MAX_RANGE {
                    continue;
                }
                self.ranges.push(Range {
                    lo: lo_v,
                    hi: hi_v,
                    target: RangeTarget::Cid(*cid as u32),
                });
                *entries += 1;
            }
        }
    }

    /// Sorts ranges for binary search; call once after parsing and merging.
    pub(crate) fn finish(&mut self) {
        self.ranges.sort_by_key(|r| r.lo);
    }

    /// Whether the map has any code → text or code → CID entry.
    pub(crate) fn is_empty(&self) -> bool {
        self.chars.is_empty() && self.ranges.is_empty() && self.cids.is_empty()
    }

    /// Whether codespace ranges were declared.
    pub(crate) fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// Length in bytes of the code at the start of `bytes` (§9.7.6.2): the first
    /// codespace range whose n-byte prefix matches byte-wise; else `None`
    /// (the caller consumes one byte as unmapped).
    pub(crate) fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        for &(len, lo, hi) in &self.codespace {
            let n = len as usize;
            if bytes.len() < n {
                continue;
            }
            // Byte-wise comparison: each byte within the range's byte bounds.
            let ok = (0..n).all(|i| {
                let shift = 8 * (n - 1 - i);
                let b = bytes[i] as u32;
                b >= (lo >> shift) & 0xff && b <= (hi >> shift) & 0xff
            });
            if ok {
                return Some(n);
            }
        }
        None
    }

    /// Text for a code, if mapped.
    pub(crate) fn lookup(&self, code: u32) -> Option<String> {
        if let Some(s) = self.chars.get(&code) {
            return Some(s.clone());
        }
        let end = self.ranges.partition_point(|r| r.lo <= code);
        for r in self.ranges[..end].iter().rev().take(16) {
            if code < r.lo || code > r.hi {
                continue;
            }
            let off = code - r.lo;
            match &r.target {
                RangeTarget::Increment(u) => {
                    let mut u = u.clone();
                    if let Some(last) = u.last_mut() {
                        *last = last.wrapping_add(off as u16);
                    } else {
                        return None;
                    }
                    return Some(
                        char::decode_utf16(u.iter().copied())
                            .map(|r| r.unwrap_or('\u{FFFD}'))
                            .collect(),
                    );
                }
                RangeTarget::Array(items) => return items.get(off as usize).cloned(),
                RangeTarget::Cid(_) => continue,
            }
        }
        None
    }

    /// CID for a code (encoding CMaps).
    pub(crate) fn cid(&self, code: u32) -> Option<u32> {
        if let Some(c) = self.cids.get(&code) {
            return Some(*c);
        }
        let end = self.ranges.partition_point(|r| r.lo <= code);
        self.ranges[..end]
            .iter()
            .rev()
            .take(16)
            .find_map(|r| match r.target {
                RangeTarget::Cid(first) if code >= r.lo && code <= r.hi => {
                    Some(first + (code - r.lo))
                }
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0005> <00660069> <0006> <D83DDE00> endbfchar
2 beginbfrange <0010> <0012> [<0041> <0042> <00430043>] <0020> <0022> <0061> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_bfrange_forms_and_surrogates() {
        let cm = CMap::parse(MAP);
        assert_eq!(cm.lookup(5).as_deref(), Some("fi"));
        assert_eq!(cm.lookup(6).as_deref(), Some("😀"));
        assert_eq!(cm.lookup(0x10).as_deref(), Some("A"));
        assert_eq!(cm.lookup(0x12).as_deref(), Some("CC"));
        assert_eq!(cm.lookup(0x21).as_deref(), Some("b"));
        assert_eq!(cm.lookup(0x30), None);
        assert_eq!(cm.code_len(&[0, 5]), Some(2));
    }

    #[test]
    fn huge_range_is_not_expanded() {
        let cm = CMap::parse(b"1 beginbfrange <00000000> <0000FFFF> <0041> endbfrange");
        assert_eq!(cm.lookup(0xFFFF).map(|s| s.chars().count()), Some(1));
        let big = CMap::parse(b"1 beginbfrange <00000000> <0FFFFFFF> <0041> endbfrange");
        assert!(big.is_empty(), "ranges beyond the cap are dropped");
    }

    #[test]
    fn mixed_codespace_splits_bytewise() {
        let cm = CMap::parse(b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange");
        assert_eq!(cm.code_len(&[0x41, 0x81]), Some(1));
        assert_eq!(cm.code_len(&[0x81, 0x40]), Some(2));
        assert_eq!(cm.code_len(&[0xA0]), None);
    }
}
