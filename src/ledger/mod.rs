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
mod clock;
mod mailbox;
mod outbox;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};

use crate::inspect::Inspection;
use crate::model::State;
use crate::store::StoredVersion;

pub use archives::{ArchiveRow, BundleScope, MadeBy};
pub use mailbox::{MailOutcome, MailRow};
pub use outbox::{DeliveryState, NewMessage, OutboxEntry, OutboxError, OutgoingRow, Queued};
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
}

/// What the last completed batch before this one decided: its id (0: none)
/// and each (activity, deliverable)'s state.
#[derive(Debug, Clone, Default)]
pub struct PreviousStates {
    pub batch: i64,
    pub states: BTreeMap<(String, String), State>,
}

/// What was observed of a file the last time, to skip re-hashing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub size: u64,
    pub mtime: String,
    pub ctime: String,
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
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
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
        assessments: &[AssessmentRow],
        queue: impl FnOnce(&Ledger) -> Result<T, E>,
        finished: DateTime<FixedOffset>,
        snapshot: &str,
    ) -> Result<T, E> {
        let tx = self.begin()?;
        self.save_assessment(batch, assessments)?;
        let queued = queue(self)?;
        self.finish_batch(batch, finished, snapshot)?;
        tx.commit()?;
        Ok(queued)
    }

    fn save_assessment(&self, batch: i64, rows: &[AssessmentRow]) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "INSERT INTO assessments (batch_id, activity, unit, deliverable, state, detail, due, completed_at, late_workdays)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
        let mut stmt = self
            .conn
            .prepare("SELECT activity, deliverable, state FROM assessments WHERE batch_id = ?1")?;
        let rows = stmt.query_map([previous], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut states = BTreeMap::new();
        for row in rows {
            let (activity, deliverable, state) = row?;
            match State::parse(&state) {
                Some(st) => {
                    states.insert((activity, deliverable), st);
                }
                None => tracing::warn!(
                    "台账第{previous}批中活动{activity}“{deliverable}”的状态“{state}”无法识别，已跳过"
                ),
            }
        }
        Ok(PreviousStates {
            batch: previous,
            states,
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

    /// The clock of the last completed batch before `batch`.
    pub fn previous_clock(&self, batch: i64) -> Result<Option<DateTime<FixedOffset>>> {
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

    /// The last completed batch: id, clock and snapshot.
    pub fn last_snapshot(&self) -> Result<Option<(i64, String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, clock, snapshot FROM batches WHERE status = 'done' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// The file id for a path, creating the row if new.
    pub fn file_id(&self, path: &str, parent: Option<i64>, batch: i64) -> Result<i64> {
        if let Some(id) = self
            .conn
            .query_row("SELECT id FROM files WHERE path = ?1", [path], |r| r.get(0))
            .optional()?
        {
            self.conn
                .execute("UPDATE files SET gone_batch = NULL WHERE id = ?1", [id])?;
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO files (path, parent_id, first_batch) VALUES (?1, ?2, ?3)",
            params![path, parent, batch],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The file a version belongs to.
    pub fn file_id_of_version(&self, version: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT file_id FROM versions WHERE id = ?1",
            [version],
            |r| r.get(0),
        )?)
    }

    /// The latest version of a file: (version id, hash, observed stat).
    pub fn latest_version(&self, path: &str) -> Result<Option<(i64, String, Observed)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT v.id, v.hash, v.size, v.mtime, v.ctime FROM versions v JOIN files f ON f.id = v.file_id
                 WHERE f.path = ?1 ORDER BY v.id DESC LIMIT 1",
                [path],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        Observed {
                            size: r.get::<_, i64>(2)? as u64,
                            mtime: r.get(3)?,
                            ctime: r.get(4)?,
                        },
                    ))
                },
            )
            .optional()?)
    }

    /// Updates the stat of a version whose content did not change.
    pub fn touch_version(&self, version: i64, seen: &Observed) -> Result<()> {
        self.conn.execute(
            "UPDATE versions SET mtime = ?2, ctime = ?3 WHERE id = ?1",
            params![version, seen.mtime, seen.ctime],
        )?;
        Ok(())
    }

    /// Records a new version.
    #[allow(clippy::too_many_arguments)]
    pub fn add_version(
        &self,
        file_id: i64,
        batch: i64,
        hash: &str,
        size: u64,
        seen: &Observed,
        arrived: DateTime<FixedOffset>,
        basis: &str,
        inspection: &Inspection,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO versions (file_id, batch_id, hash, size, mtime, ctime, arrived_at, arrival_basis, kind, verdict, reason, inspection)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                file_id,
                batch,
                hash,
                size as i64,
                seen.mtime,
                seen.ctime,
                arrived.to_rfc3339(),
                basis,
                serde_json::to_value(inspection.kind)?.as_str().unwrap_or_default(),
                serde_json::to_value(inspection.verdict)?.as_str().unwrap_or_default(),
                inspection.reason,
                serde_json::to_string(inspection)?,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks top-level files not seen by this batch as gone, with every
    /// entry inside them. `seen` holds the ids of the files seen.
    pub fn mark_gone(&self, batch: i64, seen: &[i64]) -> Result<usize> {
        self.conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS seen_ids (id INTEGER PRIMARY KEY); DELETE FROM seen_ids;")?;
        {
            let mut ins = self
                .conn
                .prepare("INSERT OR IGNORE INTO seen_ids (id) VALUES (?1)")?;
            for id in seen {
                ins.execute([id])?;
            }
        }
        let n = self.conn.execute(
            "UPDATE files SET gone_batch = ?1 WHERE parent_id IS NULL AND gone_batch IS NULL AND id NOT IN (SELECT id FROM seen_ids)",
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

    /// Marks the entries of a container that its new version no longer
    /// holds as gone (`keep`: the entries it holds, at any depth).
    pub fn mark_entries_gone(
        &self,
        batch: i64,
        container: &str,
        keep: &std::collections::HashSet<String>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, path FROM files WHERE gone_batch IS NULL AND substr(path, 1, length(?1) + 2) = ?1 || '!/'",
        )?;
        let rows: Vec<(i64, String)> = stmt
            .query_map([container], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, path) in rows {
            if !keep.contains(&path) {
                self.conn.execute(
                    "UPDATE files SET gone_batch = ?1 WHERE id = ?2",
                    params![batch, id],
                )?;
            }
        }
        Ok(())
    }

    /// Every version of every file, oldest first, and a warning naming
    /// each version whose row cannot be read (left out: one damaged row
    /// must not stop the batch).
    pub fn all_versions(&self) -> Result<(Vec<StoredVersion>, Vec<String>)> {
        let mut stmt = self.conn.prepare(
            "SELECT v.id, f.id, f.path, p.path, v.batch_id, v.hash, v.size, v.arrived_at, v.arrival_basis, v.inspection, f.gone_batch IS NOT NULL
             FROM versions v JOIN files f ON f.id = v.file_id LEFT JOIN files p ON p.id = f.parent_id
             ORDER BY v.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let path: String = r.get(2)?;
            let arrived: String = r.get(7)?;
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
                    arrival_basis: r.get(8)?,
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
        let mut versions = Vec::new();
        let mut unreadable = Vec::new();
        for row in rows {
            match row? {
                Ok(v) => versions.push(v),
                Err(why) => {
                    tracing::warn!("{why}");
                    unreadable.push(why);
                }
            }
        }
        Ok((versions, unreadable))
    }

    /// Files seen still being copied: path → (size, mtime) of the last look.
    pub fn receiving(&self, path: &str) -> Result<Option<(u64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT size, mtime FROM receiving WHERE path = ?1",
                [path],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()?)
    }

    /// Remembers (or forgets, with `None`) a file still being copied.
    pub fn set_receiving(
        &self,
        path: &str,
        state: Option<(u64, &str)>,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        match state {
            Some((size, mtime)) => self.conn.execute(
                "INSERT INTO receiving (path, size, mtime, first_seen) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime",
                params![path, size as i64, mtime, now.to_rfc3339()],
            )?,
            None => self
                .conn
                .execute("DELETE FROM receiving WHERE path = ?1", [path])?,
        };
        Ok(())
    }
}
