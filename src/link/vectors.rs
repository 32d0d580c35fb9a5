//! Where linking keeps the statements' term vectors: in memory, or in a
//! scratch file read back on demand.
//!
//! Vectors are the bulk of what linking knows about a statement (a few
//! hundred bytes each). The pipeline keeps them on disk so that linking
//! memory does not grow with the text of the batch: queries read the
//! vectors of their few candidates with positioned reads, which the page
//! cache serves. Tests and the in-memory [`link`](super::link) keep them in
//! memory. Vectors are put once, by canonical index, from any thread, then
//! read from any thread.
//!
//! A failed write or read does not stop the queries in flight: the vector
//! reads as empty and the first error is kept for [`VectorStore::error`],
//! which linking checks before it returns.

use super::lock;
use super::similarity::SparseVec;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

/// Term vectors by canonical index.
pub(crate) enum VectorStore {
    /// All in memory.
    Memory {
        filling: Mutex<Vec<SparseVec>>,
        sealed: Vec<SparseVec>,
    },
    /// In an anonymous scratch file: offset and length (in entries) of each.
    Disk {
        writer: Mutex<Option<(BufWriter<File>, u64)>>,
        at: Mutex<Vec<(u64, u32)>>,
        file: Option<File>,
        sealed: Vec<(u64, u32)>,
        error: Mutex<Option<io::Error>>,
    },
}

/// Bytes per vector entry on disk: term id and weight, little-endian.
const ENTRY: usize = 8;

impl VectorStore {
    /// In memory, room for `n` vectors.
    pub fn memory(n: usize) -> VectorStore {
        VectorStore::Memory {
            filling: Mutex::new(vec![Vec::new(); n]),
            sealed: Vec::new(),
        }
    }

    /// In a scratch file in `dir`, room for `n` vectors.
    pub fn disk(dir: &Path, n: usize) -> io::Result<VectorStore> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        Ok(VectorStore::Disk {
            writer: Mutex::new(Some((BufWriter::with_capacity(1 << 20, file), 0))),
            at: Mutex::new(vec![(0, 0); n]),
            file: None,
            sealed: Vec::new(),
            error: Mutex::new(None),
        })
    }

    /// Store vector `i`.
    pub fn put(&self, i: u32, v: SparseVec) {
        match self {
            VectorStore::Memory { filling, .. } => {
                if let Some(slot) = lock(filling).get_mut(i as usize) {
                    *slot = v;
                }
            }
            VectorStore::Disk {
                writer, at, error, ..
            } => {
                let mut bytes = Vec::with_capacity(v.len() * ENTRY);
                for (t, w) in &v {
                    bytes.extend_from_slice(&t.to_le_bytes());
                    bytes.extend_from_slice(&w.to_le_bytes());
                }
                let offset = {
                    let mut guard = lock(writer);
                    let Some((out, end)) = guard.as_mut() else {
                        return;
                    };
                    if let Err(e) = out.write_all(&bytes) {
                        lock(error).get_or_insert(e);
                        return;
                    }
                    let offset = *end;
                    *end += bytes.len() as u64;
                    offset
                };
                if let Some(slot) = lock(at).get_mut(i as usize) {
                    *slot = (offset, v.len() as u32);
                }
            }
        }
    }

    /// Finish putting; vectors become readable.
    pub fn seal(&mut self) {
        match self {
            VectorStore::Memory { filling, sealed } => {
                *sealed = std::mem::take(&mut *lock(filling));
            }
            VectorStore::Disk {
                writer,
                at,
                file,
                sealed,
                error,
            } => {
                if let Some((out, _)) = lock(writer).take() {
                    match out.into_inner() {
                        Ok(f) => *file = Some(f),
                        Err(e) => {
                            lock(error).get_or_insert(e.into_error());
                        }
                    }
                }
                *sealed = std::mem::take(&mut *lock(at));
            }
        }
    }

    /// Vector `i` into `out` (cleared first).
    pub fn get(&self, i: u32, out: &mut SparseVec) {
        out.clear();
        match self {
            VectorStore::Memory { sealed, .. } => {
                if let Some(v) = sealed.get(i as usize) {
                    out.extend_from_slice(v);
                }
            }
            VectorStore::Disk {
                file,
                sealed,
                error,
                ..
            } => {
                let (Some(file), Some(&(offset, len))) = (file, sealed.get(i as usize)) else {
                    return;
                };
                let mut bytes = vec![0u8; len as usize * ENTRY];
                if let Err(e) = crate::spill::read_exact_at(file, &mut bytes, offset) {
                    lock(error).get_or_insert(e);
                    return;
                }
                out.extend(bytes.chunks_exact(ENTRY).map(|c| {
                    (
                        u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                        f32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                    )
                }));
            }
        }
    }

    /// Vector `i` as a new vector.
    pub fn vector(&self, i: u32) -> SparseVec {
        let mut v = SparseVec::new();
        self.get(i, &mut v);
        v
    }

    /// The first write or read error, if any.
    pub fn error(&self) -> Option<io::Error> {
        match self {
            VectorStore::Memory { .. } => None,
            VectorStore::Disk { error, .. } => lock(error).take(),
        }
    }
}
