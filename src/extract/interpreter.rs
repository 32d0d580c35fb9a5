//! Content-stream interpreter (ISO 32000-1 §8.4, §9.2–9.4, §8.10, §14.6):
//! operators → positioned glyphs.
//!
//! Takes a page's content bytes and resources; gives [`Glyph`]s in content
//! order, in visible-page coordinates (CropBox origin, /Rotate applied by the
//! caller's initial CTM), with the quality counters. Tracks the graphics and
//! text state (q/Q, cm, BT/ET, Tf Tm Td TD T* TL Tc Tw Tz Ts Tr, Tj TJ ' "),
//! runs Form XObjects recursively with their own resources (depth 12, no
//! re-entry, 10,000 `Do` per page), honours /ActualText (outer span wins) and
//! marks /Artifact /Pagination text as furniture. It counts images and skips
//! them; it never runs Type3 CharProcs, and it does not group glyphs (that is
//! `layout`).

use super::font::{Font, as_dict, deref, dget, num, stream_bytes};
use super::lexer::{Lexer, Operand};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

/// A row-vector affine matrix `[a b c d e f]`.
pub(crate) type Matrix = [f64; 6];

/// The identity matrix.
pub(crate) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b`.
pub(crate) fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

fn vec_len(m: &Matrix, x: f64, y: f64) -> f64 {
    let (a, b) = (x * m[0] + y * m[2], x * m[1] + y * m[3]);
    (a * a + b * b).sqrt()
}

fn form_matrix(doc: &Document, d: &Dictionary) -> Matrix {
    match dget(doc, d, b"Matrix") {
        Some(Object::Array(a)) if a.len() == 6 => {
            let mut m = IDENTITY;
            for (i, v) in a.iter().enumerate() {
                m[i] = num(deref(doc, v)).unwrap_or(m[i]);
            }
            m
        }
        _ => IDENTITY,
    }
}

/// One shown glyph.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    /// Byte range of its text in [`PageGlyphs::text`].
    pub(crate) start: u32,
    pub(crate) len: u32,
    /// Origin (x, y) in visible page space.
    pub(crate) ox: f32,
    pub(crate) oy: f32,
    /// Origin plus the advance w0·Tfs·Th, without Tc/Tw.
    pub(crate) ex: f32,
    pub(crate) ey: f32,
    /// Font size in page space.
    pub(crate) size: f32,
    /// 0: left to right, 1: bottom to top, 2: right to left, 3: top to bottom.
    pub(crate) rot: u8,
    /// Index into [`PageGlyphs::styles`].
    pub(crate) style: u16,
    /// Inside /Artifact /Pagination.
    pub(crate) furniture: bool,
    /// A space character: a word break, not text.
    pub(crate) space: bool,
}

/// What the interpreter gives for one page.
#[derive(Debug, Default)]
pub(crate) struct PageGlyphs {
    pub(crate) glyphs: Vec<Glyph>,
    pub(crate) text: String,
    /// (bold, italic) per style index.
    pub(crate) styles: Vec<(bool, bool)>,
    pub(crate) glyph_count: u32,
    pub(crate) unmapped: u32,
    pub(crate) images: u32,
    pub(crate) ops: usize,
    pub(crate) recoveries: usize,
    pub(crate) hit_op_limit: bool,
    pub(crate) hit_glyph_limit: bool,
    pub(crate) timed_out: bool,
    pub(crate) broken_streams: u32,
}

impl PageGlyphs {
    /// Text of a glyph.
    pub(crate) fn glyph_text(&self, g: &Glyph) -> &str {
        &self.text[g.start as usize..(g.start + g.len) as usize]
    }
}

/// Key for the per-document font cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FontKey {
    Ref(ObjectId),
    Ptr(usize),
}

/// Fonts loaded so far in a document, shared across pages.
#[derive(Default)]
pub(crate) struct FontCache {
    fonts: HashMap<FontKey, Rc<Font>>,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    tfs: f64,
    ts: f64,
    font: Option<Rc<Font>>,
    style: u16,
}

struct Marked {
    actual: Option<(String, usize)>,
    furniture: bool,
}

/// Interpreter limits.
pub(crate) struct RunLimits {
    pub(crate) max_ops: usize,
    pub(crate) max_glyphs: usize,
    pub(crate) deadline: Instant,
    pub(crate) max_stream: usize,
}

const MAX_XOBJECT_DEPTH: usize = 12;
const MAX_DO: usize = 10_000;
const MAX_Q_DEPTH: usize = 256;
const MAX_MARKED_DEPTH: usize = 256;

/// Runs one page's content.
pub(crate) struct Interp<'a> {
    doc: &'a Document,
    cache: &'a mut FontCache,
    limits: &'a RunLimits,
    out: PageGlyphs,
    gs: GState,
    stack: Vec<GState>,
    dropped_q: usize,
    tm: Matrix,
    tlm: Matrix,
    marked: Vec<Marked>,
    xobjects: Vec<ObjectId>,
    do_count: usize,
    style_ids: HashMap<(bool, bool), u16>,
    stopped: bool,
}

impl<'a> Interp<'a> {
    /// An interpreter with the initial CTM (CropBox and /Rotate folded in).
    pub(crate) fn new(
        doc: &'a Document,
        cache: &'a mut FontCache,
        limits: &'a RunLimits,
        ctm: Matrix,
    ) -> Self {
        Interp {
            doc,
            cache,
            limits,
            out: PageGlyphs::default(),
            gs: GState {
                ctm,
                tc: 0.0,
                tw: 0.0,
                th: 1.0,
                tl: 0.0,
                tfs: 0.0,
                ts: 0.0,
                font: None,
                style: 0,
            },
            stack: Vec::new(),
            dropped_q: 0,
            tm: IDENTITY,
            tlm: IDENTITY,
            marked: Vec::new(),
            xobjects: Vec::new(),
            do_count: 0,
            style_ids: HashMap::new(),
            stopped: false,
        }
    }

    /// Runs a content stream with its resources and returns the glyphs.
    pub(crate) fn run_page(&mut self, content: &[u8], res: Option<&'a Dictionary>) {
        self.run(content, res);
        // Close ActualText spans left open.
        while !self.marked.is_empty() {
            self.end_marked();
        }
    }

    fn run(&mut self, content: &[u8], res: Option<&'a Dictionary>) {
        let mut lx = Lexer::new(content);
        let mut ops: Vec<Operand> = Vec::with_capacity(8);
        while let Some(op) = lx.next_op(&mut ops) {
            if self.stopped {
                break;
            }
            self.out.ops += 1;
            if self.out.ops > self.limits.max_ops {
                self.out.hit_op_limit = true;
                self.stopped = true;
                break;
            }
            if self.out.ops.is_multiple_of(4096) && Instant::now() > self.limits.deadline {
                self.out.timed_out = true;
                self.stopped = true;
                break;
            }
            self.op(op, &ops, res);
        }
        self.out.recoveries += lx.recoveries;
    }

    fn nums<const N: usize>(ops: &[Operand]) -> Option<[f64; N]> {
        if ops.len() < N {
            return None;
        }
        let base = ops.len() - N;
        let mut out = [0.0; N];
        for (i, o) in ops[base..].iter().enumerate() {
            out[i] = o.num()?;
            if !out[i].is_finite() {
                return None;
            }
        }
        Some(out)
    }

    fn op(&mut self, op: &[u8], ops: &[Operand], res: Option<&'a Dictionary>) {
        match op {
            b"q" => {
                if self.stack.len() < MAX_Q_DEPTH {
                    self.stack.push(self.gs.clone());
                } else {
                    self.dropped_q += 1;
                }
            }
            b"Q" => {
                if self.dropped_q > 0 {
                    self.dropped_q -= 1;
                } else if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" => {
                if let Some(m) = Self::nums::<6>(ops) {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"ET" => {}
            b"Tc" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.tc = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.tw = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.th = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.tl = v;
                }
            }
            b"Ts" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.ts = v;
                }
            }
            b"Tf" => {
                if let Some([size]) = Self::nums::<1>(ops) {
                    self.gs.tfs = size;
                }
                if let Some(Operand::Name(n)) =
                    ops.iter().rev().find(|o| matches!(o, Operand::Name(_)))
                {
                    let f = self.font(res, n);
                    let key = (f.bold, f.italic);
                    let next = self.style_ids.len() as u16;
                    let id = *self.style_ids.entry(key).or_insert_with(|| {
                        self.out.styles.push(key);
                        next
                    });
                    self.gs.style = id;
                    self.gs.font = Some(f);
                }
            }
            b"Td" => {
                if let Some([tx, ty]) = Self::nums::<2>(ops) {
                    self.td(tx, ty);
                }
            }
            b"TD" => {
                if let Some([tx, ty]) = Self::nums::<2>(ops) {
                    self.gs.tl = -ty;
                    self.td(tx, ty);
                }
            }
            b"Tm" => {
                if let Some(m) = Self::nums::<6>(ops) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.td(0.0, -self.gs.tl),
            b"Tj" => {
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s);
                }
            }
            b"'" => {
                self.td(0.0, -self.gs.tl);
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s);
                }
            }
            b"\"" => {
                if ops.len() >= 3 {
                    if let Some(w) = ops[ops.len() - 3].num() {
                        self.gs.tw = w;
                    }
                    if let Some(c) = ops[ops.len() - 2].num() {
                        self.gs.tc = c;
                    }
                }
                self.td(0.0, -self.gs.tl);
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = ops.last() {
                    for it in items {
                        match it {
                            Operand::Str(s) => self.show(s),
                            Operand::Num(j) if j.is_finite() => {
                                let f = self.gs.font.as_ref().is_some_and(|f| f.vertical);
                                let d = -j / 1000.0 * self.gs.tfs;
                                if f {
                                    self.advance(0.0, d);
                                } else {
                                    self.advance(d * self.gs.th, 0.0);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            b"Do" => {
                if let Some(Operand::Name(n)) = ops.last() {
                    self.do_xobject(res, n);
                }
            }
            b"BI" => self.out.images += 1,
            b"BMC" => self.begin_marked(ops.last(), None, res),
            b"BDC" => {
                let tag = ops.len().checked_sub(2).map(|i| &ops[i]);
                self.begin_marked(tag, ops.last(), res)
            }
            b"EMC" => self.end_marked(),
            _ => {}
        }
    }

    fn td(&mut self, tx: f64, ty: f64) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn advance(&mut self, tx: f64, ty: f64) {
        self.tm[4] += tx * self.tm[0] + ty * self.tm[2];
        self.tm[5] += tx * self.tm[1] + ty * self.tm[3];
    }

    fn font(&mut self, res: Option<&'a Dictionary>, name: &[u8]) -> Rc<Font> {
        let doc = self.doc;
        let entry = res
            .and_then(|r| dget(doc, r, b"Font"))
            .and_then(as_dict)
            .and_then(|fd| fd.get(name).ok());
        let Some(entry) = entry else {
            return Rc::new(Font::fallback());
        };
        let key = match entry {
            Object::Reference(id) => FontKey::Ref(*id),
            other => FontKey::Ptr(other as *const Object as usize),
        };
        if let Some(f) = self.cache.fonts.get(&key) {
            return f.clone();
        }
        let font = match as_dict(deref(doc, entry)) {
            Some(d) => Font::load(doc, d),
            None => Font::fallback(),
        };
        let f = Rc::new(font);
        self.cache.fonts.insert(key, f.clone());
        f
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            // No Tf yet: viewers use a default font; so do we.
            let f = Rc::new(Font::fallback());
            self.gs.font = Some(f);
            return self.show(bytes);
        };
        let gs = &self.gs;
        let (tfs, th, tc, tw, ts, style) = (gs.tfs, gs.th, gs.tc, gs.tw, gs.ts, gs.style);
        let single = font.is_single_byte();
        let furniture = self.marked.iter().any(|m| m.furniture);
        let in_actual = self.marked.iter().any(|m| m.actual.is_some());
        let mut i = 0;
        while i < bytes.len() {
            let (code, n) = font.next_code(&bytes[i..]);
            i += n;
            let w0 = font.width(code);
            let m = mul(&self.tm, &self.gs.ctm);
            let (ox, oy) = apply(&m, 0.0, ts);
            let (ex, ey) = if font.vertical {
                apply(&m, 0.0, ts - w0.abs().max(1.0) * tfs)
            } else {
                apply(&m, w0 * tfs * th, ts)
            };
            let size = vec_len(&m, 0.0, tfs) * font.size_scale;
            let (dx, dy) = {
                let s = if tfs * th < 0.0 { -1.0 } else { 1.0 };
                (m[0] * s, m[1] * s)
            };
            let rot = if font.vertical {
                3
            } else if dx.abs() >= dy.abs() {
                if dx >= 0.0 { 0 } else { 2 }
            } else if dy > 0.0 {
                1
            } else {
                3
            };
            let (text, mapped) = font.text(code);
            self.out.glyph_count += 1;
            if !mapped {
                self.out.unmapped += 1;
            }
            let is_space = !text.is_empty() && text.chars().all(|c| c == ' ' || c == '\u{a0}');
            if self.out.glyphs.len() < self.limits.max_glyphs {
                if (!text.is_empty() || in_actual)
                    && size.is_finite()
                    && ox.is_finite()
                    && oy.is_finite()
                {
                    let start = self.out.text.len() as u32;
                    self.out.text.push_str(&text);
                    self.out.glyphs.push(Glyph {
                        start,
                        len: text.len() as u32,
                        ox: ox as f32,
                        oy: oy as f32,
                        ex: ex as f32,
                        ey: ey as f32,
                        size: size as f32,
                        rot,
                        style,
                        furniture,
                        space: is_space,
                    });
                }
            } else {
                self.out.hit_glyph_limit = true;
            }
            // Advance (§9.4.4).
            let word = if single && n == 1 && code == 32 {
                tw
            } else {
                0.0
            };
            if font.vertical {
                self.advance(0.0, -(w0.abs().max(1.0) * tfs) + tc + word);
            } else {
                self.advance((w0 * tfs + tc + word) * th, 0.0);
            }
        }
    }

    fn do_xobject(&mut self, res: Option<&'a Dictionary>, name: &[u8]) {
        let doc = self.doc;
        let Some(entry) = res
            .and_then(|r| dget(doc, r, b"XObject"))
            .and_then(as_dict)
            .and_then(|x| x.get(name).ok())
        else {
            return;
        };
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let obj = deref(doc, entry);
        let Object::Stream(stream) = obj else { return };
        let subtype = dget(doc, &stream.dict, b"Subtype").and_then(|o| o.as_name().ok());
        match subtype {
            Some(b"Image") => self.out.images += 1,
            Some(b"Form") | None => {
                self.do_count += 1;
                if self.do_count > MAX_DO || self.xobjects.len() >= MAX_XOBJECT_DEPTH {
                    return;
                }
                if let Some(id) = id
                    && self.xobjects.contains(&id)
                {
                    return;
                }
                self.run_form(obj, id, res);
            }
            _ => {}
        }
    }

    /// Runs a Form XObject stream (§8.10.1): push state, CTM = /Matrix × CTM,
    /// its /Resources (else the caller's), pop.
    fn run_form(&mut self, obj: &'a Object, id: Option<ObjectId>, res: Option<&'a Dictionary>) {
        let doc = self.doc;
        let Object::Stream(stream) = obj else { return };
        let Some(bytes) = stream_bytes(obj, self.limits.max_stream) else {
            self.out.broken_streams += 1;
            return;
        };
        let matrix = form_matrix(doc, &stream.dict);
        let form_res = dget(doc, &stream.dict, b"Resources")
            .and_then(as_dict)
            .or(res);
        let saved = self.gs.clone();
        let saved_stack = self.stack.len();
        let saved_tm = (self.tm, self.tlm);
        self.gs.ctm = mul(&matrix, &self.gs.ctm);
        self.xobjects.push(id.unwrap_or((0, 0)));
        self.run(&bytes, form_res);
        self.xobjects.pop();
        self.stack.truncate(saved_stack);
        self.gs = saved;
        (self.tm, self.tlm) = saved_tm;
    }

    /// Runs an annotation's normal appearance (§12.5.5): the form's BBox,
    /// transformed by its /Matrix, is mapped onto the annotation's /Rect.
    pub(crate) fn run_appearance(&mut self, obj: &'a Object, id: Option<ObjectId>, rect: [f64; 4]) {
        let Object::Stream(stream) = obj else { return };
        let doc = self.doc;
        let m = form_matrix(doc, &stream.dict);
        let bbox = match dget(doc, &stream.dict, b"BBox") {
            Some(Object::Array(a)) if a.len() == 4 => {
                let v: Vec<f64> = a
                    .iter()
                    .map(|o| num(deref(doc, o)).unwrap_or(0.0))
                    .collect();
                [v[0], v[1], v[2], v[3]]
            }
            _ => return,
        };
        let pts = [
            apply(&m, bbox[0], bbox[1]),
            apply(&m, bbox[2], bbox[1]),
            apply(&m, bbox[0], bbox[3]),
            apply(&m, bbox[2], bbox[3]),
        ];
        let x0 = pts.iter().map(|p| p.0).fold(f64::MAX, f64::min);
        let x1 = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max);
        let y0 = pts.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        let y1 = pts.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        if x1 - x0 < 1e-6 || y1 - y0 < 1e-6 {
            return;
        }
        let (rx0, ry0, rx1, ry1) = (
            rect[0].min(rect[2]),
            rect[1].min(rect[3]),
            rect[0].max(rect[2]),
            rect[1].max(rect[3]),
        );
        let sx = (rx1 - rx0) / (x1 - x0);
        let sy = (ry1 - ry0) / (y1 - y0);
        let a: Matrix = [sx, 0.0, 0.0, sy, rx0 - x0 * sx, ry0 - y0 * sy];
        let saved = self.gs.clone();
        self.gs.ctm = mul(&a, &self.gs.ctm);
        self.tm = IDENTITY;
        self.tlm = IDENTITY;
        self.run_form(obj, id, None);
        self.gs = saved;
    }

    /// Closes open marked-content spans and returns the glyphs.
    pub(crate) fn finish(mut self) -> PageGlyphs {
        while !self.marked.is_empty() {
            self.end_marked();
        }
        self.out
    }

    fn begin_marked(
        &mut self,
        tag: Option<&Operand>,
        props: Option<&Operand>,
        res: Option<&'a Dictionary>,
    ) {
        if self.marked.len() >= MAX_MARKED_DEPTH {
            self.marked.push(Marked {
                actual: None,
                furniture: false,
            });
            return;
        }
        let is_artifact = matches!(tag, Some(Operand::Name(n)) if n == b"Artifact");
        let mut furniture = false;
        let mut actual = None;
        // Properties: inline dict or a name in /Properties.
        let mut inline: Option<&Operand> = None;
        let mut named: Option<&Dictionary> = None;
        match props {
            Some(d @ Operand::Dict(_)) => inline = Some(d),
            Some(Operand::Name(n)) => {
                named = res
                    .and_then(|r| dget(self.doc, r, b"Properties"))
                    .and_then(as_dict)
                    .and_then(|p| dget(self.doc, p, n))
                    .and_then(as_dict);
            }
            _ => {}
        }
        if is_artifact {
            let ty: Option<Vec<u8>> = match (inline, named) {
                (Some(d), _) => match d.dict_get(b"Type") {
                    Some(Operand::Name(n)) => Some(n.clone()),
                    _ => None,
                },
                (None, Some(d)) => dget(self.doc, d, b"Type")
                    .and_then(|o| o.as_name().ok())
                    .map(|n| n.to_vec()),
                _ => None,
            };
            furniture = ty.as_deref() == Some(b"Pagination");
        }
        let at: Option<Vec<u8>> = match (inline, named) {
            (Some(d), _) => match d.dict_get(b"ActualText") {
                Some(Operand::Str(s)) => Some(s.clone()),
                _ => None,
            },
            (None, Some(d)) => match dget(self.doc, d, b"ActualText") {
                Some(Object::String(s, _)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        if let Some(s) = at
            && !self.marked.iter().any(|m| m.actual.is_some())
        {
            actual = Some((
                super::encoding::decode_text_string(&s),
                self.out.glyphs.len(),
            ));
        }
        self.marked.push(Marked { actual, furniture });
    }

    fn end_marked(&mut self) {
        let Some(m) = self.marked.pop() else { return };
        let Some((text, start)) = m.actual else {
            return;
        };
        if start >= self.out.glyphs.len() {
            return;
        }
        // Replace the span's glyphs by one glyph carrying the ActualText.
        let first = self.out.glyphs[start].clone();
        let last = self.out.glyphs[self.out.glyphs.len() - 1].clone();
        self.out.glyphs.truncate(start);
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.is_empty() {
            return;
        }
        let st = self.out.text.len() as u32;
        self.out.text.push_str(&text);
        self.out.glyphs.push(Glyph {
            start: st,
            len: text.len() as u32,
            ex: last.ex,
            ey: last.ey,
            space: text.chars().all(|c| c == ' '),
            ..first
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_product_is_row_vector() {
        let t = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let s = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        // Translate then scale: (0,0) → (10,20) → (20,40).
        assert_eq!(apply(&mul(&t, &s), 0.0, 0.0), (20.0, 40.0));
    }
}
