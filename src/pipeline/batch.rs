//! A batch as its documents finish, and the stage that links and writes it.
//!
//! Takes each document's report, errors and statements as it finishes: the
//! statements go to the [`spill`](crate::spill) with a 24-byte key that puts
//! them in dataset order, the rest stays in memory (one small record per
//! document). Then links the spilled statements and writes the dataset and
//! the index from the spill, in order. Memory freed by extraction is handed
//! back to the OS as documents finish and before linking.
//!
//! It does not extract, segment or decide what a failure is: see the parent
//! module.

use super::PipelineError;
use crate::dataset::{DatasetWriter, StatementTotals};
use crate::index::IndexBuilder;
use crate::link::{self, LinkConfig};
use crate::model::{ErrorRecord, Report, Statement};
use crate::patterns::RuleSet;
use crate::progress::Reporter;
use crate::spill::SpillWriter;
use std::collections::BTreeMap;
use std::path::Path;

/// A statement encoded for the spill, with its dataset-order key.
pub(super) struct Prepared {
    report_id: String,
    page: u32,
    char_start: u32,
    id: u64,
    bytes: Vec<u8>,
}

impl Prepared {
    pub(super) fn new(s: &Statement) -> std::io::Result<Prepared> {
        Ok(Prepared {
            report_id: s.report_id.clone(),
            page: s.page,
            char_start: u32::try_from(s.char_start).unwrap_or(u32::MAX),
            id: id_key(&s.id),
            bytes: SpillWriter::encode(s)?,
        })
    }
}

/// A statement id as a number that sorts like the id: `s-` + 16 hex digits
/// (every id the pipeline makes); any other id by a hash of it.
fn id_key(id: &str) -> u64 {
    id.strip_prefix("s-")
        .filter(|h| h.len() == 16 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or_else(|| xxhash_rust::xxh3::xxh3_64(id.as_bytes()))
}

/// Where a spilled statement goes in `statements.jsonl`: its report (arrival
/// index, then rank in report order), page, offset in the page, id.
#[derive(Debug, Clone, Copy)]
struct StatementKey {
    report: u32,
    page: u32,
    char_start: u32,
    id: u64,
    position: u32,
}

/// A batch as its documents finish: reports and errors in memory (one small
/// record per document), statements in the [`spill`](crate::spill) with the
/// keys that put them in dataset order. Nothing here grows with the text of
/// the batch.
pub(super) struct Batch {
    pub(super) reports: Vec<Report>,
    report_index: BTreeMap<String, u32>,
    pub(super) errors: Vec<ErrorRecord>,
    spill: SpillWriter,
    keys: Vec<StatementKey>,
    pub(super) spill_error: Option<std::io::Error>,
    pub(super) extracted: usize,
    pub(super) from_cache: usize,
}

impl Batch {
    pub(super) fn new(out: &Path) -> std::io::Result<Batch> {
        Ok(Batch {
            reports: Vec::new(),
            report_index: BTreeMap::new(),
            errors: Vec::new(),
            spill: SpillWriter::create(out)?,
            keys: Vec::new(),
            spill_error: None,
            extracted: 0,
            from_cache: 0,
        })
    }

    pub(super) fn add_report(&mut self, r: Report) {
        self.report_index
            .insert(r.id.clone(), self.reports.len() as u32);
        self.reports.push(r);
    }

    pub(super) fn report_mut(&mut self, id: &str) -> Option<&mut Report> {
        let &i = self.report_index.get(id)?;
        self.reports.get_mut(i as usize)
    }

    pub(super) fn add_statement(&mut self, p: Prepared) -> std::io::Result<()> {
        let position = self.spill.push_encoded(&p.bytes)?;
        self.keys.push(StatementKey {
            report: self
                .report_index
                .get(&p.report_id)
                .copied()
                .unwrap_or(u32::MAX),
            page: p.page,
            char_start: p.char_start,
            id: p.id,
            position: u32::try_from(position).map_err(|_| {
                std::io::Error::other("more than 4 billion statements in one batch")
            })?,
        });
        Ok(())
    }

    /// Take one document's outcome; the first spill error is kept and ends
    /// the run after the documents in flight.
    pub(super) fn add_document(
        &mut self,
        cached: bool,
        report: Option<Report>,
        errors: Vec<ErrorRecord>,
        statements: std::io::Result<Vec<Prepared>>,
    ) {
        if cached {
            self.from_cache += 1;
        } else {
            self.extracted += 1;
        }
        self.errors.extend(errors);
        if let Some(r) = report {
            self.add_report(r);
        }
        if self.spill_error.is_some() {
            return;
        }
        let added =
            statements.and_then(|ps| ps.into_iter().try_for_each(|p| self.add_statement(p)));
        if let Err(e) = added {
            self.spill_error = Some(e);
        }
    }
}

/// Documents between two [`release_free_memory`] calls while extracting.
pub(super) const TRIM_EVERY: usize = 32;

/// Give heap memory that is free but still held by the allocator back to the
/// OS. glibc keeps what extraction freed in each thread's arena; linking and
/// writing allocate differently, so without this the batch's peak is the sum
/// of the phases rather than the largest of them.
pub(super) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes
    // no pointers from us and is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What [`link_and_write`] wrote, for the summary.
pub(super) struct Written {
    pub(super) reports: Vec<Report>,
    pub(super) totals: StatementTotals,
    pub(super) links: usize,
    pub(super) chains: usize,
    pub(super) errors: Vec<ErrorRecord>,
}

/// Indexing memory budget of the tantivy writer: a fixed amount whatever the
/// batch size (segments are flushed when it fills).
const INDEX_WRITER_MEMORY: usize = 16 << 20;

/// Link the statements of a batch, then write the dataset and the index,
/// streaming the statements from the spill in dataset order.
pub(super) fn link_and_write(
    batch: Batch,
    out: &Path,
    rules: &RuleSet,
    csv: bool,
    reporter: &dyn Reporter,
) -> Result<Written, PipelineError> {
    let Batch {
        reports,
        mut errors,
        spill,
        mut keys,
        ..
    } = batch;
    let spill = spill.seal().map_err(PipelineError::Spill)?;
    release_free_memory();
    reporter.phase("linking");
    let linked = link::link_from(
        &reports,
        &spill,
        &LinkConfig::default(),
        link::Scratch::Disk(out),
    )
    .map_err(|e| match e {
        link::LinkError::Source(e) | link::LinkError::Scratch(e) => PipelineError::Spill(e),
    })?;

    reporter.phase("writing");
    // Dataset order: reports by (file, id); statements by report, page,
    // offset, id.
    let mut by_file: Vec<usize> = (0..reports.len()).collect();
    by_file.sort_by(|&a, &b| {
        (&reports[a].file, &reports[a].id).cmp(&(&reports[b].file, &reports[b].id))
    });
    let mut rank = vec![u32::MAX; reports.len()];
    for (k, &i) in by_file.iter().enumerate() {
        rank[i] = k as u32;
    }
    let mut slots: Vec<Option<Report>> = reports.into_iter().map(Some).collect();
    let reports: Vec<Report> = by_file.iter().filter_map(|&i| slots[i].take()).collect();
    for k in &mut keys {
        k.report = rank.get(k.report as usize).copied().unwrap_or(u32::MAX);
    }
    keys.sort_unstable_by_key(|k| (k.report, k.page, k.char_start, k.id, k.position));
    errors.sort();

    let mut dataset = DatasetWriter::create(&out.join("dataset"), csv)?;
    for k in &keys {
        let mut s = spill
            .get(k.position as usize)
            .map_err(PipelineError::Spill)?;
        s.chain_id = linked.chain_at(k.position as usize).map(str::to_string);
        dataset.statement(&s)?;
    }
    let totals = dataset.finish(&reports, linked.links(), linked.chains(), &errors, rules)?;
    if let Some(e) = linked.error() {
        return Err(PipelineError::Spill(e));
    }
    let (links, chains) = (linked.link_count(), linked.chains().len());
    // The index is written after linking's results are gone, so the two
    // never take memory at the same time.
    drop(linked);
    let mut index = IndexBuilder::create(&out.join("index"), INDEX_WRITER_MEMORY)?;
    for k in &keys {
        if let Some(r) = reports.get(k.report as usize) {
            let s = spill
                .get(k.position as usize)
                .map_err(PipelineError::Spill)?;
            index.add(r, &s)?;
        }
    }
    index.finish()?;
    Ok(Written {
        reports,
        totals,
        links,
        chains,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keys_sort_like_pipeline_ids() {
        let ids = [
            "s-0000000000000000",
            "s-00000000000000ff",
            "s-0a00000000000000",
            "s-ffffffffffffffff",
        ];
        let keys: Vec<u64> = ids.iter().map(|i| id_key(i)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        // Other ids still get a stable key.
        assert_eq!(id_key("a1"), id_key("a1"));
        assert_ne!(id_key("a1"), id_key("a2"));
        assert_ne!(id_key("s-XYZ"), id_key("s-xyz"));
    }
}
