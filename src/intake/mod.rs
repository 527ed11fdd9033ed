//! Stage 2, intake: scan the inbox (never modifying it), copy each new or
//! changed file into the content-addressed store, unpack archives and saved
//! e-mails, inspect every file (in parallel; [`walk`]: memory bounded by the
//! limits, whatever the size of a file), and record each new version with
//! its arrival time in the ledger; entries of containers at every depth
//! arrive with their outermost container.
//!
//! Messages in the office's mailbox (`[intake.imap]`, [`mailbox`]) are
//! taken into the store and read by the same walker as a saved e-mail;
//! each arrived when the server received it (INTERNALDATE).
//!
//! A file still being copied (changed within the settle window, or changed
//! since the last look) is left for the next batch and reported as
//! receiving. An unchanged file (same size, mtime and ctime as last time) is
//! neither read nor hashed again.

pub mod arrival;
pub mod mailbox;
pub mod scan;
pub mod walk;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::inspect::Limits;
use crate::ledger::{Ledger, LedgerError, Observed};
use crate::model::ENTRY_SEP;
use crate::store::{self, Store};
use walk::{Counters, Node, Walker};

/// Something that stopped the intake as a whole (a single bad file never does).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("无法读取收件箱 {path}: {source}")]
    Inbox {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("无法写入状态目录中的文件库: {0}")]
    Store(std::io::Error),
}

/// How intake behaves in this batch.
#[derive(Debug, Clone)]
pub struct Options {
    pub settle: Duration,
    /// The wall-clock time now (settling compares file times with it, even
    /// when the evaluation clock is set in the past).
    pub real_now: DateTime<Utc>,
    /// The evaluation clock.
    pub clock: DateTime<FixedOffset>,
    pub limits: Limits,
    /// The office's mailbox, when `[intake.imap]` is set.
    pub mailbox: Option<mailbox::Account>,
}

/// What intake did.
#[derive(Debug, Clone, Default)]
pub struct IntakeSummary {
    /// Paths with a new version in this batch (entries inside containers included).
    pub new_versions: Vec<String>,
    pub unchanged: usize,
    /// Files still being copied, left for the next batch.
    pub receiving: Vec<String>,
    pub ignored: usize,
    pub outside_links: Vec<String>,
    /// Files that could not be read at all, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// Files whose names were not valid UTF-8.
    pub lossy_names: Vec<String>,
    /// Named pipes, sockets and devices skipped, with what they are.
    pub special: Vec<(String, &'static str)>,
    pub gone: usize,
    /// Blobs inspected in this batch (cache misses; entries of containers
    /// included). A re-run with nothing changed inspects none.
    pub inspected: usize,
    /// Photos decoded in this batch (each gives a print-size JPEG).
    pub photos_decoded: usize,
    /// Wall time of the parallel read-and-inspect step.
    pub inspect_time: Duration,
    /// What reading the mailbox did (nothing without `[intake.imap]`).
    pub mailbox: mailbox::Taken,
}

impl IntakeSummary {
    /// The special files skipped, as "path（kind）".
    pub fn skipped(&self) -> Vec<String> {
        self.special
            .iter()
            .map(|(path, kind)| format!("{}（{kind}）", crate::fmt::printable(path)))
            .collect()
    }
}

/// The inspect engine's identity: cached inspections made under other
/// limits or by another version are not reused.
pub fn engine_id(limits: &Limits) -> String {
    let json = serde_json::to_string(limits).unwrap_or_default();
    format!(
        "{}-{}",
        env!("CARGO_PKG_VERSION"),
        &store::hash_bytes(json.as_bytes())[..12]
    )
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Runs intake for batch `batch`; writes go through `ledger` (the caller
/// decides the transaction).
pub fn run(
    inbox: &std::path::Path,
    ledger: &Ledger,
    store: &Store,
    batch: i64,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<IntakeSummary, IntakeError> {
    let found = scan::scan(inbox).map_err(|source| IntakeError::Inbox {
        path: inbox.display().to_string(),
        source,
    })?;
    let mut report = IntakeSummary {
        ignored: found.ignored,
        outside_links: found.outside_links.clone(),
        unreadable: found.unreadable.clone(),
        special: found.special.clone(),
        lossy_names: found
            .files
            .iter()
            .filter(|f| f.lossy_name)
            .map(|f| f.rel.clone())
            .collect(),
        ..IntakeSummary::default()
    };
    let previous = ledger.previous_clock(batch)?;
    let engine = engine_id(&opts.limits);
    let mut seen_ids = Vec::new();
    let mut to_read = Vec::new();
    for f in &found.files {
        let observed = Observed {
            size: f.size,
            mtime: rfc3339(f.mtime),
            ctime: rfc3339(f.ctime),
        };
        let last_change = f.mtime.max(f.ctime);
        let settling = (opts.real_now - last_change)
            .to_std()
            .map(|age| age < opts.settle)
            .unwrap_or(true);
        let was_receiving = ledger.receiving(&f.rel)?;
        let moved_since = was_receiving
            .as_ref()
            .is_some_and(|(size, mtime)| *size != f.size || *mtime != observed.mtime);
        if settling || moved_since {
            ledger.set_receiving(&f.rel, Some((f.size, &observed.mtime)), opts.clock)?;
            report.receiving.push(f.rel.clone());
            if let Some((id, _, _)) = ledger.latest_version(&f.rel)? {
                // Keep the previous version counted while the new one arrives.
                seen_ids.push(ledger.file_id_of_version(id)?);
            }
            continue;
        }
        let latest = ledger.latest_version(&f.rel)?;
        if let Some((vid, _, obs)) = &latest
            && *obs == observed
        {
            seen_ids.push(ledger.file_id_of_version(*vid)?);
            report.unchanged += 1;
            if was_receiving.is_some() {
                ledger.set_receiving(&f.rel, None, opts.clock)?;
            }
            continue;
        }
        to_read.push((f, observed, latest, was_receiving.is_some()));
    }

    progress.set_length(to_read.len() as u64);
    progress.set_message("读取并检查文件");
    let counters = Counters::default();
    let walker = Walker {
        store,
        engine: &engine,
        limits: &opts.limits,
        counters: &counters,
    };
    let started = Instant::now();
    let processed: Vec<_> = to_read
        .par_iter()
        .map(|(f, _, _, _)| {
            let result = walker.file(&f.rel, &f.abs);
            progress.inc(1);
            result
        })
        .collect();
    crate::whole_file::release_kept_buffers();
    report.inspect_time = started.elapsed();

    for ((f, observed, latest, was_receiving), result) in to_read.iter().zip(processed) {
        let node = match result {
            Ok(n) => n,
            Err(e) => {
                report.unreadable.push((f.rel.clone(), e.to_string()));
                continue;
            }
        };
        if *was_receiving {
            ledger.set_receiving(&f.rel, None, opts.clock)?;
        }
        if let Some((vid, hash, _)) = latest
            && *hash == node.hash
        {
            // Same content, new stat (touched or copied over with itself).
            ledger.touch_version(*vid, observed)?;
            let file_id = ledger.file_id(&f.rel, None, batch)?;
            seen_ids.push(file_id);
            sync_entries(
                ledger,
                batch,
                &f.rel,
                file_id,
                &node,
                observed,
                None,
                &mut report,
            )?;
            report.unchanged += 1;
            continue;
        }
        let seen = arrival::Seen {
            birth: f.birth,
            ctime: f.ctime,
            changed: latest.is_some(),
            was_receiving: *was_receiving,
        };
        let received = node.email.as_ref().and_then(|e| e.received);
        let (arrived, basis) = arrival::arrival(seen, received, opts.clock, previous);
        let file_id = ledger.file_id(&f.rel, None, batch)?;
        seen_ids.push(file_id);
        record(
            ledger,
            batch,
            &f.rel,
            file_id,
            &node,
            observed,
            arrived,
            basis,
            &mut report,
        )?;
    }
    if let Some(account) = &opts.mailbox {
        let taken = mailbox::take(
            account,
            ledger,
            store,
            batch,
            opts.limits.max_file_bytes,
            &mut |m| take_message(&walker, ledger, batch, m, opts.clock, &mut report),
        )?;
        report.mailbox = taken;
    }
    report.inspected = counters.inspected.into_inner();
    report.photos_decoded = counters.photos.into_inner();
    // The mailbox is not rescanned: what was taken from it stays.
    seen_ids.extend(ledger.mail_file_ids()?);
    report.gone = ledger.mark_gone(batch, &seen_ids)?;
    progress.finish_and_clear();
    Ok(report)
}

/// Reads a message taken from the mailbox as a saved e-mail file and
/// records it, arriving when the server received it; gives its subject.
fn take_message(
    walker: &Walker,
    ledger: &Ledger,
    batch: i64,
    m: &mailbox::Message,
    clock: DateTime<FixedOffset>,
    report: &mut IntakeSummary,
) -> Result<Option<String>, IntakeError> {
    let node = match &m.blob {
        Some(blob) => walker.file(&m.path, blob).map_err(IntakeError::Store)?,
        None => Node {
            hash: m.hash.clone(),
            size: m.size,
            inspection: crate::inspect::too_large(
                &m.path,
                crate::inspect::FileKind::Eml,
                m.size,
                walker.limits.max_file_bytes,
            ),
            email: None,
            children: Vec::new(),
        },
    };
    let (arrived, basis) = match (
        m.internal_date,
        node.email.as_ref().and_then(|e| e.received),
    ) {
        (Some(t), _) if t <= clock => (t, arrival::Basis::Internaldate),
        (None, Some(t)) if t <= clock => (t, arrival::Basis::Email),
        _ => (clock, arrival::Basis::Clock),
    };
    let stamp = rfc3339(arrived.with_timezone(&Utc));
    let observed = Observed {
        size: m.size,
        mtime: stamp.clone(),
        ctime: stamp,
    };
    let file_id = ledger.file_id(&m.path, None, batch)?;
    record(
        ledger, batch, &m.path, file_id, &node, &observed, arrived, basis, report,
    )?;
    Ok(node.email.and_then(|e| e.subject))
}

/// Records a new version of a file and, for containers, the entries it
/// holds at every depth; entries it no longer holds are retired.
#[allow(clippy::too_many_arguments)]
fn record(
    ledger: &Ledger,
    batch: i64,
    path: &str,
    file_id: i64,
    node: &Node,
    observed: &Observed,
    arrived: DateTime<FixedOffset>,
    basis: arrival::Basis,
    report: &mut IntakeSummary,
) -> Result<(), IntakeError> {
    ledger.add_version(
        file_id,
        batch,
        &node.hash,
        node.size,
        observed,
        arrived,
        basis.as_str(),
        &node.inspection,
    )?;
    report.new_versions.push(path.to_string());
    sync_entries(
        ledger,
        batch,
        path,
        file_id,
        node,
        observed,
        Some(arrived),
        report,
    )
}

/// Brings the entries of a container (at every depth) in line with `node`:
/// each entry it holds exists and is not gone, a changed one gets a new
/// version arriving with the outermost container (when `arrived` is given),
/// and entries it no longer holds are marked gone.
#[allow(clippy::too_many_arguments)]
fn sync_entries(
    ledger: &Ledger,
    batch: i64,
    path: &str,
    file_id: i64,
    node: &Node,
    observed: &Observed,
    arrived: Option<DateTime<FixedOffset>>,
    report: &mut IntakeSummary,
) -> Result<(), IntakeError> {
    let mut keep = HashSet::new();
    record_entries(
        ledger, batch, path, file_id, node, observed, arrived, &mut keep, report,
    )?;
    ledger.mark_entries_gone(batch, path, &keep)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn record_entries(
    ledger: &Ledger,
    batch: i64,
    path: &str,
    file_id: i64,
    node: &Node,
    observed: &Observed,
    arrived: Option<DateTime<FixedOffset>>,
    keep: &mut HashSet<String>,
    report: &mut IntakeSummary,
) -> Result<(), IntakeError> {
    for (entry, child) in &node.children {
        let child_path = format!("{path}{ENTRY_SEP}{entry}");
        let child_id = ledger.file_id(&child_path, Some(file_id), batch)?;
        let changed = ledger
            .latest_version(&child_path)?
            .is_none_or(|(_, hash, _)| hash != child.hash);
        if changed && let Some(arrived) = arrived {
            ledger.add_version(
                child_id,
                batch,
                &child.hash,
                child.size,
                observed,
                arrived,
                arrival::Basis::Container.as_str(),
                &child.inspection,
            )?;
            report.new_versions.push(child_path.clone());
        }
        record_entries(
            ledger,
            batch,
            &child_path,
            child_id,
            child,
            observed,
            arrived,
            keep,
            report,
        )?;
        keep.insert(child_path);
    }
    Ok(())
}
