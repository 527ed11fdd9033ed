//! Stage 2, intake: scan the inbox (never modifying it), copy each new or
//! changed file into the content-addressed store, unpack archives and saved
//! e-mails, inspect every file (in parallel; [`walk`]: memory bounded by the
//! limits, whatever the size of a file), and say what is new with its
//! arrival time; entries of containers at every depth arrive with their
//! outermost container.
//!
//! Intake reads what the ledger knows once ([`IntakeSnapshot`]) and
//! returns what it observed as a value ([`IntakeRecord`]), which the batch
//! writes with one ledger call in one transaction: its decisions depend on
//! the snapshot and the inbox only.
//!
//! Messages in the office's mailbox (`[intake.imap]`, [`mailbox`]) are
//! taken into the store and read by the same walker as a saved e-mail;
//! each arrived when the server received it (INTERNALDATE).
//!
//! A file still being copied (changed within the settle window, or changed
//! since the last look) is left for the next batch and reported as
//! receiving, unless its bytes are content the ledger holds already (a file
//! moved or copied inside the inbox keeps its times but changes its ctime).
//! An unchanged file (same size, mtime and ctime as last time) is neither
//! read nor hashed again. Content the ledger holds already, under whatever
//! path, keeps its first arrival: moving, renaming or re-copying files and
//! folders inside the inbox is not a resubmission.

pub mod arrival;
pub mod mailbox;
pub mod scan;
pub mod walk;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::inspect::{Input, Limits};
use crate::ledger::{
    FileObservation, HeldEntry, IntakeRecord, IntakeSnapshot, NewVersion, Observed, Receiving, Seen,
};
use crate::model::ENTRY_SEP;
use crate::store::{self, ArrivalBasis, Store};
use scan::ScannedFile;
use walk::{Counters, Node, Walker};

/// Something that stopped the intake as a whole (a single bad file never does).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("无法读取收件箱 {path}: {source}")]
    Inbox {
        path: String,
        source: std::io::Error,
    },
    #[error("无法写入状态目录中的文件库: {0}")]
    Store(std::io::Error),
}

/// How intake behaves in this batch.
#[derive(Debug, Clone)]
pub struct Options {
    /// The inbox folder.
    pub inbox: std::path::PathBuf,
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

/// What intake did, for the summary, the status and the digest.
#[derive(Debug, Clone, Default)]
pub struct IntakeSummary {
    /// Paths with a new version in this batch (entries inside containers included).
    pub new_versions: Vec<String>,
    /// Paths whose content arrived before under another path (moved,
    /// renamed or copied inside the inbox): recorded with their first
    /// arrival, not new.
    pub moved: Vec<String>,
    pub unchanged: usize,
    /// Files still being copied, left for the next batch.
    pub receiving: Vec<String>,
    /// Hidden, temporary and lock files and hidden folders skipped, with
    /// what they are.
    pub ignored: Vec<(String, &'static str)>,
    pub outside_links: Vec<String>,
    /// Files that could not be read at all, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// Files whose names were not valid UTF-8.
    pub lossy_names: Vec<String>,
    /// Named pipes, sockets and devices skipped, with what they are.
    pub special: Vec<(String, &'static str)>,
    /// Top-level files no longer in the inbox since this batch (set when
    /// the record is written).
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

/// Ignored files named one by one in the digest; more are counted.
const IGNORED_NAMED: usize = 20;

impl IntakeSummary {
    /// The special files skipped (named pipes, sockets, devices), as
    /// "path（kind）".
    pub fn special_files(&self) -> Vec<String> {
        self.special
            .iter()
            .map(|(path, kind)| format!("{}（{kind}）", crate::fmt::printable(path)))
            .collect()
    }

    /// Everything the scan passed over, for the digest: the special files,
    /// then the hidden, temporary and lock files (the first
    /// [`IGNORED_NAMED`], then how many more), as "path（kind）".
    pub fn skipped(&self) -> Vec<String> {
        let mut lines = self.special_files();
        lines.extend(
            self.ignored
                .iter()
                .take(IGNORED_NAMED)
                .map(|(path, kind)| format!("{}（{kind}，未处理）", crate::fmt::printable(path))),
        );
        let more = self.ignored.len().saturating_sub(IGNORED_NAMED);
        if more > 0 {
            lines.push(format!("……另有{more}个隐藏文件、临时文件或锁文件"));
        }
        lines
    }
}

/// What one intake gives the batch: the summary, and the record to write.
#[derive(Debug, Default)]
pub struct Intake {
    pub summary: IntakeSummary,
    pub record: IntakeRecord,
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

/// When a version arrived, why, and the batch that first received it when
/// an earlier one did.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    at: DateTime<FixedOffset>,
    basis: ArrivalBasis,
    first_batch: Option<i64>,
}

/// A container whose entries are being listed: where it is, the stat its
/// entries' new versions are recorded with, and when it arrived.
#[derive(Debug, Clone, Copy)]
struct Holder<'a> {
    path: &'a str,
    observed: Observed,
    arrived: DateTime<FixedOffset>,
}

/// What intake knows while it turns nodes into observations.
struct Context<'a> {
    known: &'a IntakeSnapshot,
    summary: &'a mut IntakeSummary,
}

impl Context<'_> {
    /// The arrival of `hash`: its first one when the ledger holds it
    /// already, else `fresh`.
    fn arrival(&self, hash: &str, fresh: Arrival) -> Arrival {
        match self.known.contents.get(hash) {
            Some(first) => Arrival {
                at: first.at,
                basis: ArrivalBasis::Known,
                first_batch: Some(first.batch),
            },
            None => fresh,
        }
    }

    /// A new version of `path` from `node`, counted as new or moved.
    fn version(
        &mut self,
        path: &str,
        node: &Node,
        observed: Observed,
        arrival: Arrival,
    ) -> NewVersion {
        match arrival.first_batch {
            Some(_) => self.summary.moved.push(path.to_string()),
            None => self.summary.new_versions.push(path.to_string()),
        }
        NewVersion {
            hash: node.hash.clone(),
            size: node.size,
            observed,
            arrived: arrival.at,
            basis: arrival.basis,
            first_batch: arrival.first_batch,
            inspection: node.inspection.clone(),
        }
    }

    /// The entries `node` holds at every depth, parents first, each with
    /// a new version where its content changed, arriving with the
    /// outermost container unless received before.
    fn entries(&mut self, holder: Holder, node: &Node, out: &mut Vec<HeldEntry>) {
        let Holder {
            path,
            observed,
            arrived,
        } = holder;
        for (entry, child) in &node.children {
            let child_path = format!("{path}{ENTRY_SEP}{entry}");
            let changed = self
                .known
                .latest
                .get(&child_path)
                .is_none_or(|l| l.hash != child.hash);
            let fresh = Arrival {
                at: arrived,
                basis: ArrivalBasis::Container,
                first_batch: None,
            };
            let version = changed.then(|| {
                let arrival = self.arrival(&child.hash, fresh);
                self.version(&child_path, child, observed, arrival)
            });
            out.push(HeldEntry {
                path: child_path.clone(),
                parent: path.to_string(),
                version,
            });
            let inner = Holder {
                path: &child_path,
                ..holder
            };
            self.entries(inner, child, out);
        }
    }

    /// A new version of a top-level file and the entries it holds.
    fn new_file(&mut self, path: &str, node: &Node, observed: Observed, fresh: Arrival) -> Seen {
        let arrival = self.arrival(&node.hash, fresh);
        let version = self.version(path, node, observed, arrival);
        let mut entries = Vec::new();
        let holder = Holder {
            path,
            observed,
            arrived: arrival.at,
        };
        self.entries(holder, node, &mut entries);
        Seen::New {
            version: Box::new(version),
            entries,
        }
    }
}

/// Runs intake given what the ledger knew at the start of the batch
/// (`known`); writes nothing to the ledger.
pub fn run(
    known: &IntakeSnapshot,
    store: &Store,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<Intake, IntakeError> {
    let found = scan::scan(&opts.inbox).map_err(|source| IntakeError::Inbox {
        path: opts.inbox.display().to_string(),
        source,
    })?;
    let mut summary = IntakeSummary {
        ignored: found.ignored.clone(),
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
    let mut record = IntakeRecord::default();
    let engine = engine_id(&opts.limits);
    let sizes: HashSet<u64> = known.contents.values().map(|c| c.size).collect();
    let mut to_read = Vec::new();
    for f in &found.files {
        let observed = observed(f);
        let was_receiving = known.receiving.get(&f.rel);
        let last_change = f.mtime.max(f.ctime);
        let settling = (opts.real_now - last_change)
            .to_std()
            .map(|age| age < opts.settle)
            .unwrap_or(true);
        let moved_since = was_receiving.is_some_and(|r| r.size != f.size || r.mtime != f.mtime);
        if (settling || moved_since) && !holds_known_content(f, known, &sizes) {
            summary.receiving.push(f.rel.clone());
            let r = Receiving {
                size: f.size,
                mtime: f.mtime,
            };
            record.files.push(observation(f, Seen::Receiving(r)));
            continue;
        }
        let latest = known.latest.get(&f.rel);
        if latest.is_some_and(|l| l.observed == observed) {
            summary.unchanged += 1;
            record.files.push(observation(f, Seen::Unchanged));
            continue;
        }
        to_read.push(f);
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
        .map(|f| {
            let result = walker.file(&f.rel, &f.abs);
            progress.inc(1);
            result
        })
        .collect();
    crate::whole_file::release_kept_buffers();
    summary.inspect_time = started.elapsed();

    let mut cx = Context {
        known,
        summary: &mut summary,
    };
    for (f, result) in to_read.into_iter().zip(processed) {
        let seen = match result {
            Ok(node) => read(&mut cx, f, &node, opts),
            Err(e) => {
                cx.summary
                    .unreadable
                    .push((f.rel.clone(), unread_reason(&e)));
                Seen::Unreadable
            }
        };
        record.files.push(observation(f, seen));
    }
    if let Some(account) = &opts.mailbox {
        take_mail(&mut cx, &walker, account, opts, &mut record)?;
    }
    summary.inspected = counters.inspected.into_inner();
    summary.photos_decoded = counters.photos.into_inner();
    progress.finish_and_clear();
    Ok(Intake { summary, record })
}

fn observed(f: &ScannedFile) -> Observed {
    Observed {
        size: f.size,
        mtime: f.mtime,
        ctime: f.ctime,
    }
}

fn observation(f: &ScannedFile, seen: Seen) -> FileObservation {
    FileObservation {
        path: f.rel.clone(),
        seen,
    }
}

/// Why a file could not be read this batch, for the office.
fn unread_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            format!("状态目录磁盘已满，文件未能保存，下一批重试；请清理磁盘空间（{e}）")
        }
        _ => e.to_string(),
    }
}

/// Whether a file that looks as if it were still being copied holds
/// content the ledger has already (a file moved or copied inside the inbox
/// keeps its size and bytes): then it is complete, whatever its ctime.
/// Only files of a size some recorded content has are read to know.
fn holds_known_content(f: &ScannedFile, known: &IntakeSnapshot, sizes: &HashSet<u64>) -> bool {
    sizes.contains(&f.size)
        && store::hash_file(&f.abs).is_ok_and(|hash| known.contents.contains_key(&hash))
}

/// What a file read from the inbox is: the same content under a new stat,
/// or a new version arriving as [`arrival::arrival`] says (or at its first
/// arrival, when the content was received before).
fn read(cx: &mut Context, f: &ScannedFile, node: &Node, opts: &Options) -> Seen {
    let observed = observed(f);
    let latest = cx.known.latest.get(&f.rel);
    if let Some(l) = latest
        && l.hash == node.hash
    {
        // Same content, new stat (touched or copied over with itself).
        cx.summary.unchanged += 1;
        let mut entries = Vec::new();
        let holder = Holder {
            path: &f.rel,
            observed,
            arrived: l.arrived,
        };
        cx.entries(holder, node, &mut entries);
        return Seen::Restat { observed, entries };
    }
    let seen = arrival::Seen {
        birth: f.birth,
        ctime: f.ctime,
        changed: latest.is_some(),
        was_receiving: cx.known.receiving.contains_key(&f.rel),
    };
    let received = node.email.as_ref().and_then(|e| e.received);
    let (at, basis) = arrival::arrival(seen, received, opts.clock, cx.known.previous_clock);
    let fresh = Arrival {
        at,
        basis,
        first_batch: None,
    };
    cx.new_file(&f.rel, node, observed, fresh)
}

/// Takes the new messages of the mailbox, reads each as a saved e-mail
/// file arriving when the server received it, and adds them to `record`.
fn take_mail(
    cx: &mut Context,
    walker: &Walker,
    account: &mailbox::Account,
    opts: &Options,
    record: &mut IntakeRecord,
) -> Result<(), IntakeError> {
    let (taken, mail) = mailbox::take(
        account,
        &cx.known.mail,
        walker.store,
        opts.limits.max_file_bytes,
    )?;
    for m in mail.messages {
        let node = match &m.blob {
            Some(blob) => walker
                .read_whole(&m.path, Input::File(blob, m.size), m.hash.clone())
                .map_err(IntakeError::Store)?,
            None => walk::message_too_large(&m.path, m.hash.clone(), m.size, walker.limits),
        };
        let received = node.email.as_ref().and_then(|e| e.received);
        let clock = opts.clock;
        let (at, basis) = match (m.internal_date, received) {
            (Some(t), _) if t <= clock => (t, ArrivalBasis::Internaldate),
            (None, Some(t)) if t <= clock => (t, ArrivalBasis::Email),
            _ => (clock, ArrivalBasis::Clock),
        };
        let stamp = at.with_timezone(&Utc);
        let observed = Observed {
            size: m.size,
            mtime: stamp,
            ctime: stamp,
        };
        let fresh = Arrival {
            at,
            basis,
            first_batch: None,
        };
        let seen = cx.new_file(&m.path, &node, observed, fresh);
        let mut row = m.row;
        row.subject = node.email.and_then(|e| e.subject);
        record.files.push(FileObservation { path: m.path, seen });
        record.mail.push(row);
    }
    record.mail.extend(mail.duplicates);
    record.mail_failures = mail.failures;
    record.mail_resolved = mail.resolved;
    cx.summary.mailbox = taken;
    Ok(())
}
