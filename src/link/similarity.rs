//! TF-IDF vectors, cosine, and sub-quadratic candidate generation.
//!
//! Vectors are sparse, sorted by term id and L2-normalised; weights are
//! `(1 + ln tf) · idf` with the smoothed `idf = 1 + ln((N + 1) / (df + 1))`
//! over every statement of the batch.
//!
//! Candidates come from inverted indexes over each statement's most salient
//! terms (highest weight): one per body (same-body candidates) and one over
//! the whole batch (cross-force candidates). Postings hold statements in
//! canonical (publication) order, so "earlier than the query's report" is a
//! prefix; a query reads at most the `window` most recent entries of that
//! prefix. Work is therefore bounded by `N · terms · window`, linear in N,
//! whatever the frequency of a term; very common terms only contribute recent
//! neighbours, which matches how repeats occur (the next inspection or two).
//! Partial dot products are accumulated in a dense per-thread array; the best
//! few candidates are then scored exactly.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiplicative (Fibonacci) hasher for the `u32` term ids used as keys:
/// much cheaper than SipHash, and no untrusted keys are involved.
#[derive(Default)]
pub struct TermHasher(u64);

impl Hasher for TermHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (i as u64 ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// `HashMap` keyed by term id.
pub type TermMap<V> = HashMap<u32, V, BuildHasherDefault<TermHasher>>;

/// Sparse vector: `(term id, weight)` sorted by term id, L2-normalised.
pub type SparseVec = Vec<(u32, f32)>;

/// Build the weighted, normalised vector of a statement's terms.
pub fn tfidf(terms: &[u32], idf: &[f32]) -> SparseVec {
    let mut t = terms.to_vec();
    t.sort_unstable();
    let mut v: SparseVec = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let mut j = i;
        while j < t.len() && t[j] == t[i] {
            j += 1;
        }
        let tf = (j - i) as f32;
        v.push((t[i], (1.0 + tf.ln()) * idf[t[i] as usize]));
        i = j;
    }
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for e in &mut v {
            e.1 /= norm;
        }
    }
    v
}

/// Add one statement's terms to the document frequencies (each distinct
/// term once; `terms` may hold repeats).
pub fn count_df(df: &mut [u32], terms: &[u32]) {
    let mut t = terms.to_vec();
    t.sort_unstable();
    t.dedup();
    for x in t {
        df[x as usize] += 1;
    }
}

/// Smoothed IDF per term from the document frequencies over `n` statements.
pub fn idf(df: &[u32], n: usize) -> Vec<f32> {
    let n = n as f32;
    df.iter()
        .map(|&d| 1.0 + ((n + 1.0) / (d as f32 + 1.0)).ln())
        .collect()
}

/// Cosine of two normalised sparse vectors (merge in term order).
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Shared terms with their contribution `wa · wb`, best first, ties by term id.
pub fn shared(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 * b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    out
}

/// Cosine of a normalised vector against a query scattered into a dense
/// array indexed by term id (branch-free; the query is scattered once and
/// scored against many candidates).
pub fn cosine_dense(dense_query: &[f32], b: &[(u32, f32)]) -> f32 {
    b.iter().map(|&(t, w)| dense_query[t as usize] * w).sum()
}

/// Jaccard overlap of two sorted, deduplicated lists.
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f32 / (a.len() + b.len() - inter) as f32
}

/// The `k` heaviest entries of a vector (ties by term id).
pub fn top_terms(v: &[(u32, f32)], k: usize) -> Vec<(u32, f32)> {
    let mut t = v.to_vec();
    t.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    t.truncate(k);
    t
}

/// A posting: statement index (canonical order), the term's weight there, and
/// the statement's body (`u32::MAX` when unknown), kept inline so filtering by
/// body costs no random memory access.
pub type Posting = (u32, f32, u32);

/// Inverted index over the salient terms of eligible statements.
#[derive(Default)]
pub struct Postings {
    map: TermMap<Vec<Posting>>,
}

impl Postings {
    /// Add statement `idx` (must be added in increasing order).
    pub fn add(&mut self, idx: u32, body: u32, terms: &[(u32, f32)]) {
        for &(t, w) in terms {
            self.map.entry(t).or_default().push((idx, w, body));
        }
    }

    /// Add statement `idx` (in increasing order) for queries that read at
    /// most `window` postings per term, all before `idx`: older postings are
    /// dropped, so each list holds at most 1.5 × `window` entries.
    pub fn add_recent(&mut self, idx: u32, body: u32, terms: &[(u32, f32)], window: usize) {
        let keep = window.max(1);
        for &(t, w) in terms {
            let list = self.map.entry(t).or_default();
            list.push((idx, w, body));
            if list.len() > keep + keep / 2 {
                list.drain(..list.len() - keep);
            }
        }
    }

    /// The at most `window` most recent postings of `term` before `limit`.
    pub fn recent(&self, term: u32, limit: u32, window: usize) -> &[Posting] {
        match self.map.get(&term) {
            None => &[],
            Some(p) => {
                let end = p.partition_point(|e| e.0 < limit);
                &p[end.saturating_sub(window)..end]
            }
        }
    }
}

/// Per-thread accumulator of partial dot products.
pub struct Accumulator {
    acc: Vec<f32>,
    touched: Vec<u32>,
}

impl Accumulator {
    /// For `n` statements.
    pub fn new(n: usize) -> Self {
        Accumulator {
            acc: vec![0.0; n],
            touched: Vec::new(),
        }
    }

    /// Number of statements it has room for.
    pub fn len(&self) -> usize {
        self.acc.len()
    }

    /// True when it has room for none.
    pub fn is_empty(&self) -> bool {
        self.acc.is_empty()
    }

    /// Add `w` to statement `idx`.
    #[inline]
    pub fn add(&mut self, idx: u32, w: f32) {
        let a = &mut self.acc[idx as usize];
        if *a == 0.0 {
            self.touched.push(idx);
        }
        *a += w;
    }

    /// Take the `k` best accumulated statements (ties by index), in index
    /// order, and reset the accumulator.
    pub fn drain_top(&mut self, k: usize) -> Vec<u32> {
        let mut c: Vec<(u32, f32)> = self
            .touched
            .iter()
            .map(|&i| (i, self.acc[i as usize]))
            .collect();
        for &i in &self.touched {
            self.acc[i as usize] = 0.0;
        }
        self.touched.clear();
        if c.len() > k {
            c.select_nth_unstable_by(k - 1, |x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            c.truncate(k);
        }
        c.sort_unstable_by_key(|x| x.0);
        c.into_iter().map(|x| x.0).collect()
    }

    /// The statements touched since the last drain.
    pub fn touched(&self) -> &[u32] {
        &self.touched
    }

    /// Current partial score of `idx`.
    pub fn get(&self, idx: u32) -> f32 {
        self.acc[idx as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_normalised_vectors() {
        let idf = vec![1.0; 4];
        let a = tfidf(&[0, 1, 1, 2], &idf);
        let b = tfidf(&[0, 1, 1, 2], &idf);
        assert!((cosine(&a, &b) - 1.0).abs() < 1e-5);
        let c = tfidf(&[3], &idf);
        assert_eq!(cosine(&a, &c), 0.0);
        assert_eq!(shared(&a, &b)[0].0, 1);
    }

    #[test]
    fn accumulator_keeps_best_and_resets() {
        let mut acc = Accumulator::new(5);
        acc.add(1, 0.2);
        acc.add(3, 0.5);
        acc.add(1, 0.4);
        acc.add(4, 0.1);
        assert_eq!(acc.drain_top(2), vec![1, 3]);
        assert!(acc.touched().is_empty());
        assert_eq!(acc.get(1), 0.0);
    }

    #[test]
    fn recent_postings_respect_limit_and_window() {
        let mut p = Postings::default();
        for i in 0..10 {
            p.add(i, 0, &[(7, 1.0)]);
        }
        let r = p.recent(7, 6, 3);
        assert_eq!(r.iter().map(|e| e.0).collect::<Vec<_>>(), vec![3, 4, 5]);
        assert!(p.recent(8, 6, 3).is_empty());
    }
}
