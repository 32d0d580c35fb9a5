//! The run's statement spill: statements written to a scratch file as each
//! document finishes, read back by position.
//!
//! Takes [`Statement`]s one document at a time ([`SpillWriter::push`]) and,
//! once sealed, gives them back by position ([`Spill::get`]) or as a
//! streaming [`StatementSource`] for linking. In memory it keeps only an
//! offset and a length per statement, so a batch's statements cost disk
//! space, not memory. The scratch file is created in the output folder and
//! unlinked at once (the OS frees it when the spill is dropped, also after a
//! crash).
//!
//! It does not order anything: positions are arrival order, which depends on
//! thread scheduling, so callers sort by keys taken from the content.

use crate::link::StatementSource;
use crate::model::Statement;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::Path;

/// Appends statements to the scratch file.
pub struct SpillWriter {
    out: BufWriter<File>,
    end: u64,
    entries: Vec<(u64, u32)>,
}

/// Sealed spill: statements readable by position, from any thread.
pub struct Spill {
    file: File,
    entries: Vec<(u64, u32)>,
}

impl SpillWriter {
    /// A new, empty spill in `dir` (created if needed).
    pub fn create(dir: &Path) -> io::Result<SpillWriter> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            end: 0,
            entries: Vec::new(),
        })
    }

    /// Encode a statement for [`SpillWriter::push_encoded`]; callers may do
    /// this outside any lock.
    pub fn encode(statement: &Statement) -> io::Result<Vec<u8>> {
        Ok(serde_json::to_vec(statement)?)
    }

    /// Append one encoded statement; returns its position.
    pub fn push_encoded(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "statement over 4 GiB"))?;
        self.out.write_all(bytes)?;
        self.entries.push((self.end, len));
        self.end += u64::from(len);
        Ok(self.entries.len() - 1)
    }

    /// Append one statement; returns its position.
    pub fn push(&mut self, statement: &Statement) -> io::Result<usize> {
        self.push_encoded(&Self::encode(statement)?)
    }

    /// Statements written so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Flush and make the statements readable.
    pub fn seal(self) -> io::Result<Spill> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(Spill {
            file,
            entries: self.entries,
        })
    }
}

impl Spill {
    /// Number of statements.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The statement at `position`.
    pub fn get(&self, position: usize) -> io::Result<Statement> {
        let mut buf = Vec::new();
        self.read_into(position, &mut buf)?;
        Ok(serde_json::from_slice(&buf)?)
    }

    fn read_into(&self, position: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let &(offset, len) = self.entries.get(position).ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, "no statement at this position")
        })?;
        buf.clear();
        buf.resize(len as usize, 0);
        read_exact_at(&self.file, buf, offset)
    }
}

impl StatementSource for Spill {
    type Error = io::Error;

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn visit(&self, range: Range<usize>, f: &mut dyn FnMut(usize, &Statement)) -> io::Result<()> {
        let mut buf = Vec::new();
        for i in range {
            self.read_into(i, &mut buf)?;
            let statement: Statement = serde_json::from_slice(&buf)?;
            f(i, &statement);
        }
        Ok(())
    }
}

/// Read exactly `buf.len()` bytes at `offset` without moving a cursor, so
/// threads can share the file.
#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Read exactly `buf.len()` bytes at `offset` without moving a cursor, so
/// threads can share the file.
#[cfg(windows)]
pub(crate) fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn statements_come_back_by_position_and_as_a_source() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SpillWriter::create(dir.path()).unwrap();
        let texts = [
            "Supervision is weak.",
            "",
            "Ünïcode – dashes and \"quotes\".",
        ];
        for (i, t) in texts.iter().enumerate() {
            let s = Statement::new(format!("s-{i}"), "r-1", Kind::Finding, *t);
            assert_eq!(w.push(&s).unwrap(), i);
        }
        assert_eq!(w.len(), 3);
        let spill = w.seal().unwrap();
        assert_eq!(spill.get(2).unwrap().text, texts[2]);
        assert_eq!(spill.get(0).unwrap().id, "s-0");
        assert!(spill.get(3).is_err());
        let mut seen = Vec::new();
        spill
            .visit(1..3, &mut |i, s| seen.push((i, s.text.clone())))
            .unwrap();
        assert_eq!(seen, [(1, String::new()), (2, texts[2].to_string())]);
        // Nothing is left in the folder: the scratch file is anonymous.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
