//! The extraction cache of incremental runs: extracted documents by content
//! hash under `out/cache/extract-<version>-<N>/`, so a second run only
//! extracts new or changed PDFs.
//!
//! Best effort: an entry that cannot be read or written only costs time.

use std::path::{Path, PathBuf};

/// Bump whenever extraction gives different output for the same PDF, so that
/// incremental runs do not reuse text extracted the old way.
const EXTRACT_CACHE_VERSION: u32 = 3;

/// Extracted documents cached by content hash under `out/cache/extract-*/`.
pub(super) struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of this build: its folder is named after the tool version and
    /// [`EXTRACT_CACHE_VERSION`], so text extracted by another version is
    /// never reused (older folders are simply ignored).
    pub(super) fn new(out: &Path) -> Cache {
        Cache {
            dir: out.join("cache").join(format!(
                "extract-{}-{EXTRACT_CACHE_VERSION}",
                env!("CARGO_PKG_VERSION")
            )),
        }
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.json"))
    }

    pub(super) fn get(&self, sha256: &str) -> Option<crate::model::Document> {
        let bytes = std::fs::read(self.path(sha256)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Best effort: a cache that cannot be written only costs time next run.
    pub(super) fn put(&self, sha256: &str, doc: &crate::model::Document) {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let tmp = self.dir.join(format!("{sha256}.json.tmp"));
        if let Ok(bytes) = serde_json::to_vec(doc)
            && std::fs::write(&tmp, bytes).is_ok()
        {
            let _ = std::fs::rename(&tmp, self.path(sha256));
        }
    }

    /// Remove entries for files no longer in the batch.
    pub(super) fn prune<'a>(&self, keep: impl Iterator<Item = &'a str>) {
        let keep: std::collections::BTreeSet<String> = keep.map(|s| format!("{s}.json")).collect();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !keep.contains(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
