//! What intake reads from the ledger and what it writes there, each in one
//! call: [`Ledger::intake_snapshot`] before the inbox is read (what the
//! ledger knows of every file, content and mailbox message), and
//! [`Ledger::record_intake`] after it, which writes everything intake
//! observed in one transaction. Intake itself never touches the ledger in
//! between, so its decisions are a function of the snapshot and the inbox.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};

use super::mailbox::{MailFailure, MailKnown, MailRow, MailUid};
use super::{Ledger, Result};
use crate::inspect::Inspection;
use crate::store::ArrivalBasis;

/// What was observed of a file's stat, to skip re-hashing an unchanged one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub size: u64,
    pub mtime: DateTime<Utc>,
    pub ctime: DateTime<Utc>,
}

/// A file seen still being copied: its size and mtime at that look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receiving {
    pub size: u64,
    pub mtime: DateTime<Utc>,
}

/// The latest version recorded for a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownVersion {
    pub hash: String,
    pub observed: Observed,
    pub arrived: DateTime<FixedOffset>,
}

/// When a content (a blob hash) first arrived, under whatever path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstArrival {
    pub at: DateTime<FixedOffset>,
    /// The batch that first recorded it.
    pub batch: i64,
    pub size: u64,
}

/// What the ledger knows that intake needs, read once per batch.
#[derive(Debug, Clone, Default)]
pub struct IntakeSnapshot {
    /// The clock of the last completed batch before this one.
    pub previous_clock: Option<DateTime<FixedOffset>>,
    /// The latest version of every file (entries of containers included),
    /// by path.
    pub latest: HashMap<String, KnownVersion>,
    /// Files earlier batches saw still being copied, by path.
    pub receiving: HashMap<String, Receiving>,
    /// Every content recorded, by hash.
    pub contents: HashMap<String, FirstArrival>,
    /// What the mailbox reader must know.
    pub mail: MailKnown,
}

/// A version to record.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub hash: String,
    pub size: u64,
    pub observed: Observed,
    pub arrived: DateTime<FixedOffset>,
    pub basis: ArrivalBasis,
    /// The batch that first received this content, when an earlier one
    /// did (a file moved inside the inbox); else this batch.
    pub first_batch: Option<i64>,
    pub inspection: Inspection,
}

/// An entry held by a container (at any depth), and its new version if it
/// changed.
#[derive(Debug, Clone)]
pub struct HeldEntry {
    pub path: String,
    /// The container it sits in directly.
    pub parent: String,
    pub version: Option<NewVersion>,
}

/// What intake found of one file at the top of the inbox (or one message
/// taken from the mailbox).
#[derive(Debug, Clone)]
pub enum Seen {
    /// As the last batch left it.
    Unchanged,
    /// Still being copied: looked at again next batch; its earlier
    /// version, if any, stays counted meanwhile.
    Receiving(Receiving),
    /// Could not be read this batch; its earlier version stays counted.
    Unreadable,
    /// The same content under a new stat (touched, or copied over with
    /// itself), holding these entries.
    Restat {
        observed: Observed,
        entries: Vec<HeldEntry>,
    },
    /// A new version, holding these entries (parents before children).
    New {
        version: Box<NewVersion>,
        entries: Vec<HeldEntry>,
    },
}

/// One top-level file and what was seen of it.
#[derive(Debug, Clone)]
pub struct FileObservation {
    pub path: String,
    pub seen: Seen,
}

/// Everything intake observed in one batch, written by
/// [`Ledger::record_intake`]. Top-level files of the inbox not among
/// `files` are gone (files taken from the mailbox stay).
#[derive(Debug, Clone, Default)]
pub struct IntakeRecord {
    pub files: Vec<FileObservation>,
    /// Messages taken from the mailbox, duplicates and refusals.
    pub mail: Vec<MailRow>,
    /// Messages that could not be fetched whole this batch (their count
    /// so far).
    pub mail_failures: Vec<MailFailure>,
    /// Messages that failed before and were taken since, or are no
    /// longer worth trying.
    pub mail_resolved: Vec<MailUid>,
}

/// How the ledger stores a file time: RFC 3339 in UTC with nanoseconds.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn utc(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Ledger {
    /// What intake needs to know, read once at the start of batch `batch`.
    pub fn intake_snapshot(&self, batch: i64) -> Result<IntakeSnapshot> {
        let mut snapshot = IntakeSnapshot {
            previous_clock: self.previous_clock(batch)?,
            mail: self.mail_known()?,
            ..IntakeSnapshot::default()
        };
        // Every version, oldest first: the last one of a path is its
        // latest, the earliest arrival of a hash its first.
        let mut stmt = self.conn.prepare(
            "SELECT f.path, v.hash, v.size, v.mtime, v.ctime, v.arrived_at, v.batch_id
             FROM versions v JOIN files f ON f.id = v.file_id ORDER BY v.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
        for row in rows {
            let (path, hash, size, mtime, ctime, arrived, batch) = row?;
            // A row that does not parse only costs a re-read: all_versions
            // names it.
            let Ok(arrived) = DateTime::parse_from_rfc3339(&arrived) else {
                continue;
            };
            let size = size as u64;
            let first = FirstArrival {
                at: arrived,
                batch,
                size,
            };
            snapshot
                .contents
                .entry(hash.clone())
                .and_modify(|f| {
                    if arrived < f.at {
                        *f = first;
                    }
                })
                .or_insert(first);
            let observed = Observed {
                size,
                mtime: utc(&mtime).unwrap_or_default(),
                ctime: utc(&ctime).unwrap_or_default(),
            };
            snapshot.latest.insert(
                path,
                KnownVersion {
                    hash,
                    observed,
                    arrived,
                },
            );
        }
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, mtime FROM receiving")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (path, size, mtime) = row?;
            let mtime = utc(&mtime).unwrap_or_default();
            let size = size as u64;
            snapshot.receiving.insert(path, Receiving { size, mtime });
        }
        Ok(snapshot)
    }

    /// Writes what intake observed in batch `batch`, in one transaction:
    /// new versions with their entries, stats, files still being copied,
    /// files gone, and what was taken from the mailbox. Returns how many
    /// top-level files are newly gone.
    pub fn record_intake(&self, batch: i64, record: &IntakeRecord) -> Result<usize> {
        let tx = self.begin()?;
        let mut keep_receiving = HashSet::new();
        let mut present = Vec::new();
        for file in &record.files {
            // A file still arriving, unreadable or unchanged keeps the row
            // it has (none when it was never recorded).
            let id = match &file.seen {
                Seen::Restat { .. } | Seen::New { .. } => {
                    Some(self.file_row(&file.path, None, batch)?)
                }
                _ => self.existing_row(&file.path, None)?,
            };
            present.extend(id);
            match &file.seen {
                Seen::Unchanged => {}
                Seen::Receiving(r) => {
                    self.set_receiving(&file.path, r, batch)?;
                    keep_receiving.insert(file.path.as_str());
                }
                Seen::Unreadable => {
                    keep_receiving.insert(file.path.as_str());
                }
                Seen::Restat { observed, entries } => {
                    if let Some(id) = id {
                        self.restat(id, observed)?;
                    }
                    self.hold_entries(batch, &file.path, entries)?;
                }
                Seen::New { version, entries } => {
                    if let Some(id) = id {
                        self.add_version(id, batch, version)?;
                    }
                    self.hold_entries(batch, &file.path, entries)?;
                }
            }
        }
        self.forget_receiving(&keep_receiving)?;
        let gone = self.mark_gone(batch, &present)?;
        for row in &record.mail {
            self.record_mail(batch, row)?;
        }
        for failure in &record.mail_failures {
            self.record_mail_failure(batch, failure)?;
        }
        for uid in &record.mail_resolved {
            self.forget_mail_failure(uid)?;
        }
        tx.commit()?;
        Ok(gone)
    }

    /// The id of a path's file row, made if new.
    fn file_row(&self, path: &str, parent: Option<i64>, batch: i64) -> Result<i64> {
        if let Some(id) = self.existing_row(path, parent)? {
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO files (path, parent_id, first_batch) VALUES (?1, ?2, ?3)",
            params![path, parent, batch],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The id of a path's file row, if it has one; a file seen again is no
    /// longer gone, nor (for a top-level file) the entries that went with
    /// it.
    fn existing_row(&self, path: &str, parent: Option<i64>) -> Result<Option<i64>> {
        let found: Option<(i64, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT id, gone_batch FROM files WHERE path = ?1",
                [path],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, gone)) = found else {
            return Ok(None);
        };
        if let Some(gone) = gone {
            self.conn
                .execute("UPDATE files SET gone_batch = NULL WHERE id = ?1", [id])?;
            if parent.is_none() {
                self.conn.execute(
                    "UPDATE files SET gone_batch = NULL WHERE gone_batch = ?2
                     AND substr(path, 1, length(?1) + 2) = ?1 || '!/'",
                    params![path, gone],
                )?;
            }
        }
        Ok(Some(id))
    }

    fn add_version(&self, file: i64, batch: i64, v: &NewVersion) -> Result<()> {
        let inspection = &v.inspection;
        self.conn.execute(
            "INSERT INTO versions (file_id, batch_id, hash, size, mtime, ctime, arrived_at, arrival_basis, kind, verdict, reason, inspection)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                file,
                v.first_batch.unwrap_or(batch),
                v.hash,
                v.size as i64,
                stamp(v.observed.mtime),
                stamp(v.observed.ctime),
                v.arrived.to_rfc3339(),
                v.basis.as_str(),
                serde_json::to_value(inspection.kind)?.as_str().unwrap_or_default(),
                serde_json::to_value(inspection.verdict)?.as_str().unwrap_or_default(),
                inspection.reason,
                serde_json::to_string(inspection)?,
            ],
        )?;
        Ok(())
    }

    /// Updates the stat of a file's latest version (its content did not
    /// change).
    fn restat(&self, file: i64, seen: &Observed) -> Result<()> {
        self.conn.execute(
            "UPDATE versions SET mtime = ?2, ctime = ?3
             WHERE id = (SELECT MAX(id) FROM versions WHERE file_id = ?1)",
            params![file, stamp(seen.mtime), stamp(seen.ctime)],
        )?;
        Ok(())
    }

    /// Brings the entries of `container` in line with what it holds now:
    /// each one held exists and is not gone, with its new version if it
    /// changed; the others are gone.
    fn hold_entries(&self, batch: i64, container: &str, held: &[HeldEntry]) -> Result<()> {
        let mut ids: HashMap<&str, i64> = HashMap::new();
        ids.insert(container, self.file_row(container, None, batch)?);
        for entry in held {
            let parent = ids.get(entry.parent.as_str()).copied();
            let id = self.file_row(&entry.path, parent, batch)?;
            ids.insert(&entry.path, id);
            if let Some(version) = &entry.version {
                self.add_version(id, batch, version)?;
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, path FROM files WHERE gone_batch IS NULL AND substr(path, 1, length(?1) + 2) = ?1 || '!/'",
        )?;
        let rows: Vec<(i64, String)> = stmt
            .query_map([container], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, path) in rows {
            if !ids.contains_key(path.as_str()) {
                self.conn.execute(
                    "UPDATE files SET gone_batch = ?1 WHERE id = ?2",
                    params![batch, id],
                )?;
            }
        }
        Ok(())
    }

    /// Remembers a file still being copied (when it was first seen so
    /// stays as it was).
    fn set_receiving(&self, path: &str, r: &Receiving, batch: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO receiving (path, size, mtime, first_seen)
             VALUES (?1, ?2, ?3, (SELECT clock FROM batches WHERE id = ?4))
             ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime",
            params![path, r.size as i64, stamp(r.mtime), batch],
        )?;
        Ok(())
    }

    /// Forgets every file being copied but those in `keep`.
    fn forget_receiving(&self, keep: &HashSet<&str>) -> Result<()> {
        let mut stmt = self.conn.prepare("SELECT path FROM receiving")?;
        let paths: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for path in paths.iter().filter(|p| !keep.contains(p.as_str())) {
            self.conn
                .execute("DELETE FROM receiving WHERE path = ?1", [path])?;
        }
        Ok(())
    }

    /// Marks the top-level files not `present` (ids) as gone, with every
    /// entry inside them; files taken from the mailbox stay (it is not
    /// rescanned). Returns how many top-level files went.
    fn mark_gone(&self, batch: i64, present: &[i64]) -> Result<usize> {
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS present_ids (id INTEGER PRIMARY KEY); DELETE FROM present_ids;",
        )?;
        {
            let mut ins = self
                .conn
                .prepare("INSERT OR IGNORE INTO present_ids (id) VALUES (?1)")?;
            for id in present {
                ins.execute([id])?;
            }
        }
        let n = self.conn.execute(
            "UPDATE files SET gone_batch = ?1 WHERE parent_id IS NULL AND gone_batch IS NULL
             AND id NOT IN (SELECT id FROM present_ids)
             AND path NOT IN (SELECT path FROM mail_messages WHERE path IS NOT NULL)",
            [batch],
        )?;
        self.conn.execute(
            "UPDATE files SET gone_batch = ?1 WHERE gone_batch IS NULL AND EXISTS (
                SELECT 1 FROM files c WHERE c.gone_batch = ?1 AND c.parent_id IS NULL
                AND substr(files.path, 1, length(c.path) + 2) = c.path || '!/')",
            [batch],
        )?;
        Ok(n)
    }

    /// The clock of the last completed batch before `batch`.
    fn previous_clock(&self, batch: i64) -> Result<Option<DateTime<FixedOffset>>> {
        let clock: Option<String> = self
            .conn
            .query_row(
                "SELECT clock FROM batches WHERE status = 'done' AND id < ?1 ORDER BY id DESC LIMIT 1",
                [batch],
                |r| r.get(0),
            )
            .optional()?;
        Ok(clock.and_then(|c| DateTime::parse_from_rfc3339(&c).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::{Content, FileKind, Verdict};

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn version(hash: &str, arrived: &str) -> NewVersion {
        let t = at(arrived).with_timezone(&Utc);
        NewVersion {
            hash: hash.into(),
            size: 3,
            observed: Observed {
                size: 3,
                mtime: t,
                ctime: t,
            },
            arrived: at(arrived),
            basis: ArrivalBasis::Ctime,
            first_batch: None,
            inspection: Inspection {
                kind: FileKind::Jpeg,
                verdict: Verdict::Ok,
                reason: None,
                notes: Vec::new(),
                content: Content::None,
            },
        }
    }

    fn new(path: &str, v: NewVersion, entries: Vec<HeldEntry>) -> FileObservation {
        FileObservation {
            path: path.into(),
            seen: Seen::New {
                version: Box::new(v),
                entries,
            },
        }
    }

    #[test]
    fn one_call_records_a_batch_and_the_snapshot_reads_it_back() {
        let ledger = Ledger::in_memory().unwrap();
        let clock = at("2025-06-05T20:00:00+08:00");
        let b1 = ledger.begin_batch(clock, clock).unwrap();
        let zip = version("z1", "2025-06-05T10:00:00+08:00");
        let entry = HeldEntry {
            path: "a.zip!/1.jpg".into(),
            parent: "a.zip".into(),
            version: Some(version("e1", "2025-06-05T10:00:00+08:00")),
        };
        let record = IntakeRecord {
            files: vec![
                new("a.zip", zip, vec![entry]),
                new("b.jpg", version("b1", "2025-06-05T11:00:00+08:00"), vec![]),
                FileObservation {
                    path: "c.jpg".into(),
                    seen: Seen::Receiving(Receiving {
                        size: 1,
                        mtime: clock.with_timezone(&Utc),
                    }),
                },
            ],
            ..IntakeRecord::default()
        };
        assert_eq!(ledger.record_intake(b1, &record).unwrap(), 0);
        ledger.finish_batch(b1, clock, "{}").unwrap();

        let b2 = ledger.begin_batch(clock, clock).unwrap();
        let s = ledger.intake_snapshot(b2).unwrap();
        assert_eq!(s.previous_clock, Some(clock));
        assert_eq!(s.latest["a.zip!/1.jpg"].hash, "e1");
        assert_eq!(s.latest["b.jpg"].observed.size, 3);
        assert_eq!(s.contents["b1"].batch, b1);
        assert_eq!(s.receiving["c.jpg"].size, 1);

        // Only the zip is still there, unchanged: b.jpg is gone, the
        // receiving row of c.jpg forgotten.
        let record = IntakeRecord {
            files: vec![FileObservation {
                path: "a.zip".into(),
                seen: Seen::Unchanged,
            }],
            ..IntakeRecord::default()
        };
        assert_eq!(ledger.record_intake(b2, &record).unwrap(), 1);
        let s = ledger.intake_snapshot(b2).unwrap();
        assert!(s.receiving.is_empty());
        let versions = ledger.all_versions().unwrap().versions;
        let gone: Vec<(&str, bool)> = versions.iter().map(|v| (v.path.as_str(), v.gone)).collect();
        assert_eq!(
            gone,
            vec![("a.zip", false), ("a.zip!/1.jpg", false), ("b.jpg", true)]
        );

        // b.jpg back under another name: recorded with its first arrival
        // and batch, as intake says.
        let mut moved = version("b1", "2025-06-05T11:00:00+08:00");
        moved.basis = ArrivalBasis::Known;
        moved.first_batch = Some(b1);
        let record = IntakeRecord {
            files: vec![
                FileObservation {
                    path: "a.zip".into(),
                    seen: Seen::Unchanged,
                },
                new("已处理/b.jpg", moved, vec![]),
            ],
            ..IntakeRecord::default()
        };
        ledger.record_intake(b2, &record).unwrap();
        let v = ledger.all_versions().unwrap().versions;
        let moved = v.iter().find(|v| v.path == "已处理/b.jpg").unwrap();
        assert_eq!(moved.batch_id, b1);
        assert_eq!(moved.arrival_basis, Some(ArrivalBasis::Known));
    }
}
