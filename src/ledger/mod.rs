//! The ledger: an embedded SQLite database in the campaign's state folder
//! that remembers every batch, every file and version with its hash, size,
//! arrival time and inspection, every assessment, and every message queued
//! and sent. It owns every table and query: the stages call its typed
//! methods, nobody else holds the connection.
//!
//! Arrival times are written once, when a batch first sees a version, and
//! never re-derived. Each stage of a batch writes in its own transaction, and
//! a batch is marked `done` only at the end, so a crash at any point leaves
//! the ledger as it was before the stage or as it should be after it.

mod archives;
mod assignments;
mod clock;
mod intake;
mod mailbox;
mod outbox;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};

use crate::inspect::Inspection;
use crate::model::State;
use crate::store::{ArrivalBasis, StoredVersion};

pub use archives::{ArchiveRow, BundleScope, MadeBy};
pub use intake::{
    FileObservation, FirstArrival, HeldEntry, IntakeRecord, IntakeSnapshot, KnownVersion,
    NewVersion, Observed, Receiving, Seen,
};
pub use mailbox::{MailFailure, MailKnown, MailOutcome, MailRow, MailThread, MailUid};
pub use outbox::{
    Attempts, DeliveryState, NewMessage, OutboxEntry, OutboxError, OutboxStatus, OutgoingRow,
    Queued, ReminderItem,
};
pub use schema::SCHEMA_VERSION;

/// The ledger's file name inside the state folder.
pub const LEDGER_FILE: &str = "ledger.sqlite";

/// A ledger operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("台账数据库 {path} 无法打开: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("台账数据库版本为{found}，本程序只支持到{supported}，请升级baosong")]
    TooNew { found: i64, supported: i64 },
    #[error("台账数据库操作失败: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("台账中的记录无法解析: {0}")]
    Json(#[from] serde_json::Error),
    #[error("无法创建状态目录 {path}: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

/// Creates the ledger file readable by its owner only, and makes an
/// existing one and its journal files so; SQLite gives the `-wal` and
/// `-shm` files it creates the database file's mode.
fn private_files(ledger: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::File::options()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(ledger)?;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = ledger.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.permissions().mode() & 0o777 != 0o600
        {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

/// An open ledger.
pub struct Ledger {
    conn: Connection,
}

/// A transaction on the ledger: every method called while it is open
/// writes inside it; dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'a>(rusqlite::Transaction<'a>);

impl Tx<'_> {
    pub fn commit(self) -> Result<()> {
        Ok(self.0.commit()?)
    }
}

/// One deliverable's assessment as the ledger keeps it.
#[derive(Debug, Clone)]
pub struct AssessmentRow<'a> {
    pub activity: &'a str,
    pub unit: &'a str,
    pub deliverable: &'a str,
    pub state: State,
    pub detail: &'a str,
    pub due: Option<DateTime<FixedOffset>>,
    pub completed: Option<DateTime<FixedOffset>>,
    pub late_workdays: Option<i64>,
    /// The activity's time as the schedule wrote it ("6月3日").
    pub activity_time: &'a str,
}

/// What a batch decided, kept with it: each item's assessment, and the unit
/// each content (by hash) was counted for.
pub struct Decided<'a> {
    pub items: &'a [AssessmentRow<'a>],
    pub owners: &'a [(&'a str, &'a str)],
}

/// What the last completed batch before this one decided: its id (0: none),
/// each (activity, deliverable)'s state and each activity's time as the
/// schedule then wrote it (none for batches of builds that did not keep it).
#[derive(Debug, Clone, Default)]
pub struct PreviousStates {
    pub batch: i64,
    pub states: BTreeMap<(String, String), State>,
    pub times: BTreeMap<String, String>,
    /// (content hash, unit) of every file the batch counted for a unit;
    /// None for a batch of an earlier build, which did not record them.
    pub owners: Option<BTreeSet<(String, String)>>,
}

/// A completed batch as `baosong status` reads it back.
#[derive(Debug, Clone)]
pub struct BatchSnapshot {
    pub id: i64,
    /// The clock it judged by.
    pub clock: DateTime<FixedOffset>,
    /// Its status document (JSON).
    pub snapshot: String,
}

/// Every version the ledger holds, and a warning for each row it could
/// not read (left out).
#[derive(Debug, Clone, Default)]
pub struct Versions {
    pub versions: Vec<StoredVersion>,
    pub unreadable: Vec<String>,
}

impl Ledger {
    /// Opens (creating and migrating as needed) the ledger in `state_dir`.
    pub fn open(state_dir: &Path) -> Result<Ledger> {
        let dir_error = |source| LedgerError::Dir {
            path: state_dir.to_path_buf(),
            source,
        };
        crate::atomic::private_dir(state_dir).map_err(dir_error)?;
        let path = state_dir.join(LEDGER_FILE);
        private_files(&path).map_err(dir_error)?;
        let conn = Connection::open(&path).map_err(|source| LedgerError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Temporary tables and sorts in memory: a run writes nothing to
        // the system's temporary folder.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;
             PRAGMA temp_store=MEMORY;",
        )?;
        schema::migrate(&conn)?;
        Ok(Ledger { conn })
    }

    /// An empty ledger in memory, gone when dropped (tests).
    pub fn in_memory() -> Result<Ledger> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("PRAGMA foreign_keys=ON;")?;
        schema::migrate(&conn)?;
        Ok(Ledger { conn })
    }

    /// Opens a transaction; see [`Tx`].
    pub fn begin(&self) -> Result<Tx<'_>> {
        Ok(Tx(self.conn.unchecked_transaction()?))
    }

    /// Ends a batch in one transaction: its assessments, whatever `queue`
    /// writes (the mail it causes), and the batch marked done with its
    /// status snapshot. A crash or an error anywhere before the commit
    /// leaves none of it.
    pub fn commit_batch<T, E: From<LedgerError>>(
        &self,
        batch: i64,
        decided: &Decided,
        queue: impl FnOnce(&Ledger) -> Result<T, E>,
        finished: DateTime<FixedOffset>,
        snapshot: &str,
    ) -> Result<T, E> {
        let tx = self.begin()?;
        self.save_assessment(batch, decided.items)?;
        let mut owner = self
            .conn
            .prepare(
                "INSERT OR IGNORE INTO attributions (batch_id, hash, unit) VALUES (?1, ?2, ?3)",
            )
            .map_err(LedgerError::from)?;
        for (hash, unit) in decided.owners {
            owner
                .execute(params![batch, hash, unit])
                .map_err(LedgerError::from)?;
        }
        self.conn
            .execute("UPDATE batches SET attributed = 1 WHERE id = ?1", [batch])
            .map_err(LedgerError::from)?;
        let queued = queue(self)?;
        self.finish_batch(batch, finished, snapshot)?;
        tx.commit()?;
        Ok(queued)
    }

    fn save_assessment(&self, batch: i64, rows: &[AssessmentRow]) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "INSERT INTO assessments (batch_id, activity, unit, deliverable, state, detail, due,
                 completed_at, late_workdays, activity_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for row in rows {
            stmt.execute(params![
                batch,
                row.activity,
                row.unit,
                row.deliverable,
                row.state.as_str(),
                row.detail,
                row.due.map(|d| d.to_rfc3339()),
                row.completed.map(|d| d.to_rfc3339()),
                row.late_workdays,
                row.activity_time,
            ])?;
        }
        Ok(())
    }

    /// What the last completed batch before `batch` decided. A state this
    /// build does not know is named in a warning and left out (that
    /// deliverable then shows no change in the digest).
    pub fn previous_states(&self, batch: i64) -> Result<PreviousStates> {
        let previous: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(id), 0) FROM batches WHERE status = 'done' AND id < ?1",
            [batch],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT activity, deliverable, state, activity_time FROM assessments WHERE batch_id = ?1",
        )?;
        let rows = stmt.query_map([previous], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut states = BTreeMap::new();
        let mut times = BTreeMap::new();
        for row in rows {
            let (activity, deliverable, state, time) = row?;
            if let Some(time) = time {
                times.insert(activity.clone(), time);
            }
            match State::parse(&state) {
                Some(st) => {
                    states.insert((activity, deliverable), st);
                }
                None => tracing::warn!(
                    "台账第{previous}批中活动{activity}“{deliverable}”的状态“{state}”无法识别，已跳过"
                ),
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT hash, unit FROM attributions WHERE batch_id = ?1")?;
        let owners: BTreeSet<(String, String)> = stmt
            .query_map([previous], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let attributed: bool = self
            .conn
            .query_row(
                "SELECT attributed FROM batches WHERE id = ?1",
                [previous],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false);
        Ok(PreviousStates {
            batch: previous,
            states,
            times,
            owners: attributed.then_some(owners),
        })
    }

    /// A private copy of the ledger in `state_dir` (an empty ledger if there
    /// is none yet), opened in `scratch`: what a dry run works on.
    pub fn snapshot(state_dir: &Path, scratch: &Path) -> Result<Ledger> {
        let real = state_dir.join(LEDGER_FILE);
        if real.exists() {
            let conn =
                Connection::open_with_flags(&real, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .map_err(|source| LedgerError::Open {
                        path: real.clone(),
                        source,
                    })?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            let copy = scratch.join(LEDGER_FILE);
            conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
        }
        Ledger::open(scratch)
    }

    /// Starts a batch at `clock`; batches left `running` by a crash are
    /// marked `aborted`. Returns the new batch id.
    pub fn begin_batch(
        &self,
        started: DateTime<FixedOffset>,
        clock: DateTime<FixedOffset>,
    ) -> Result<i64> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE batches SET status = 'aborted' WHERE status = 'running'",
            [],
        )?;
        tx.execute(
            "INSERT INTO batches (started_at, clock, status) VALUES (?1, ?2, 'running')",
            params![started.to_rfc3339(), clock.to_rfc3339()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Ends a batch that stopped before its commit: removed when nothing
    /// refers to it (so the next batch takes its number), else (intake had
    /// recorded files) marked `aborted`. A batch already done is left alone.
    pub fn abandon_batch(&self, batch: i64) -> Result<()> {
        match self.conn.execute(
            "DELETE FROM batches WHERE id = ?1 AND status = 'running'",
            [batch],
        ) {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                self.conn.execute(
                    "UPDATE batches SET status = 'aborted' WHERE id = ?1 AND status = 'running'",
                    [batch],
                )?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Marks a batch done and stores its status snapshot (JSON).
    pub fn finish_batch(
        &self,
        batch: i64,
        finished: DateTime<FixedOffset>,
        snapshot: &str,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE batches SET status = 'done', finished_at = ?2, snapshot = ?3 WHERE id = ?1",
            params![batch, finished.to_rfc3339(), snapshot],
        )?;
        Ok(())
    }

    /// The last completed batch.
    pub fn last_snapshot(&self) -> Result<Option<BatchSnapshot>> {
        let row: Option<(i64, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT id, clock, snapshot FROM batches WHERE status = 'done' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(id, clock, snapshot)| {
            Some(BatchSnapshot {
                id,
                clock: DateTime::parse_from_rfc3339(&clock).ok()?,
                snapshot: snapshot?,
            })
        }))
    }

    /// Every version of every file, oldest first, and a warning naming
    /// each version whose row cannot be read (left out: one damaged row
    /// must not stop the batch).
    pub fn all_versions(&self) -> Result<Versions> {
        let mut stmt = self.conn.prepare(
            "SELECT v.id, f.id, f.path, p.path, v.batch_id, v.hash, v.size, v.arrived_at, v.arrival_basis, v.inspection, f.gone_batch IS NOT NULL
             FROM versions v JOIN files f ON f.id = v.file_id LEFT JOIN files p ON p.id = f.parent_id
             ORDER BY v.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let path: String = r.get(2)?;
            let arrived: String = r.get(7)?;
            let basis: String = r.get(8)?;
            let inspection: String = r.get(9)?;
            let arrived_at = DateTime::parse_from_rfc3339(&arrived)
                .map_err(|e| format!("到达时间“{arrived}”无法解析（{e}）"));
            let inspection = serde_json::from_str::<Inspection>(&inspection)
                .map_err(|e| format!("检查结果无法解析（{e}）"));
            let row = match (arrived_at, inspection) {
                (Ok(arrived_at), Ok(inspection)) => Ok(StoredVersion {
                    version_id: r.get(0)?,
                    file_id: r.get(1)?,
                    path: path.clone(),
                    parent_path: r.get(3)?,
                    batch_id: r.get(4)?,
                    hash: r.get(5)?,
                    size: r.get::<_, i64>(6)? as u64,
                    arrived_at,
                    arrival_basis: ArrivalBasis::parse(&basis),
                    inspection,
                    gone: r.get(10)?,
                }),
                (Err(why), _) | (_, Err(why)) => Err(format!(
                    "{}: 台账中这一版本的记录无法读取（{why}），本批未计入；请让该单位重新报送",
                    crate::fmt::printable(&path)
                )),
            };
            Ok(row)
        })?;
        let mut all = Versions::default();
        for row in rows {
            match row? {
                Ok(v) => all.versions.push(v),
                Err(why) => {
                    tracing::warn!("{why}");
                    all.unreadable.push(why);
                }
            }
        }
        Ok(all)
    }
}
