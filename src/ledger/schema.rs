//! The ledger's schema and its migrations, applied in order and recorded in
//! SQLite's `user_version`. A migration is never edited once released: add
//! a new one.

use rusqlite::Connection;

use super::{LedgerError, Result};

/// One step of the schema.
enum Migration {
    Sql(&'static str),
    /// A step that must look at what is there first.
    Code(fn(&Connection) -> rusqlite::Result<()>),
}

/// Migrations, in order; `MIGRATIONS[i]` takes the schema to version i+1.
const MIGRATIONS: &[Migration] = &[
    // 1: batches, files and versions, files being copied, assessments.
    Migration::Sql(
        "CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        clock TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'aborted')),
        snapshot TEXT
    );
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        parent_id INTEGER REFERENCES files(id),
        first_batch INTEGER NOT NULL REFERENCES batches(id),
        gone_batch INTEGER REFERENCES batches(id)
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id),
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime TEXT NOT NULL,
        ctime TEXT NOT NULL,
        arrived_at TEXT NOT NULL,
        arrival_basis TEXT NOT NULL,
        kind TEXT NOT NULL,
        verdict TEXT NOT NULL,
        reason TEXT,
        inspection TEXT NOT NULL
    );
    CREATE INDEX versions_by_file ON versions (file_id, id);
    CREATE TABLE receiving (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime TEXT NOT NULL,
        first_seen TEXT NOT NULL
    );
    CREATE TABLE assessments (
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        activity TEXT NOT NULL,
        unit TEXT NOT NULL,
        deliverable TEXT NOT NULL,
        state TEXT NOT NULL,
        detail TEXT NOT NULL,
        due TEXT,
        completed_at TEXT,
        late_workdays INTEGER,
        PRIMARY KEY (batch_id, activity, deliverable)
    );",
    ),
    // 2: messages taken from the IMAP mailbox, so each is taken once: by
    // (folder, UIDVALIDITY, UID), and across a UIDVALIDITY change or a
    // second folder by Message-ID and content hash.
    Migration::Sql(
        "CREATE TABLE mail_messages (
        id INTEGER PRIMARY KEY,
        folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        message_id TEXT,
        subject TEXT,
        hash TEXT,
        size INTEGER NOT NULL,
        internal_date TEXT,
        path TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'duplicate', 'too_large')),
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        UNIQUE (folder, uidvalidity, uid)
    );
    CREATE INDEX mail_by_message_id ON mail_messages (message_id);
    CREATE INDEX mail_by_hash ON mail_messages (hash);",
    ),
    // 3: the outbox and the reminders it covered (created on first use by
    // earlier builds, so this step adopts whatever shape it finds).
    Migration::Code(super::outbox::migrate),
    // 4: the 归档 bundles made, one per cut-off: the one after a deadline
    // is made once.
    Migration::Sql(
        "CREATE TABLE archives (
        cutoff TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        made_by TEXT NOT NULL CHECK (made_by IN ('deadline', 'command')),
        made_at TEXT NOT NULL
    );",
    ),
    // 5: messages of the mailbox not fetched whole (cut short, or gone
    // from the server mid-fetch): tried again by later batches, and the
    // office told once they have failed too often.
    Migration::Sql(
        "CREATE TABLE mail_failures (
        folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        message_id TEXT,
        sender TEXT NOT NULL,
        subject TEXT NOT NULL,
        failures INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        given_up INTEGER NOT NULL DEFAULT 0,
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        PRIMARY KEY (folder, uidvalidity, uid)
    );",
    ),
    // 6: bundles keyed by cut-off and scope (a deadline's files, or every
    // version), with the hash of their inputs, so a bundle is made again
    // when the office registers a file to a unit later.
    Migration::Sql(super::archives::MIGRATE_SCOPE),
    // 7: a message only written to an .eml file is `written`, not `sent`.
    Migration::Code(super::outbox::migrate_written),
    // 8: each assessed item with its activity's time as the schedule wrote
    // it, so the next batch can say the office re-dated it.
    Migration::Code(add_activity_time),
    // 9: which unit each content was counted for by each batch, so a file
    // registered to a unit later (renamed, an alias added) is acknowledged;
    // `attributed` tells a batch that counted none from one of an earlier
    // build.
    Migration::Code(add_attributions),
    // 10: the office's assignments of files to units (`baosong assign`).
    Migration::Sql(super::assignments::CREATE),
];

/// Whether `table` has `column`: a ledger whose version was set back over
/// newer tables (as tests of old shapes do) keeps the columns it has.
fn has_column(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        [table, column],
        |r| r.get(0),
    )
}

/// Migration 8.
fn add_activity_time(conn: &Connection) -> rusqlite::Result<()> {
    if !has_column(conn, "assessments", "activity_time")? {
        conn.execute_batch("ALTER TABLE assessments ADD COLUMN activity_time TEXT")?;
    }
    Ok(())
}

/// Migration 9.
fn add_attributions(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS attributions (
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            hash TEXT NOT NULL,
            unit TEXT NOT NULL,
            PRIMARY KEY (batch_id, hash, unit)
        );",
    )?;
    if !has_column(conn, "batches", "attributed")? {
        conn.execute_batch("ALTER TABLE batches ADD COLUMN attributed INTEGER NOT NULL DEFAULT 0")?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`], one transaction per step.
pub fn migrate(conn: &Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(LedgerError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // A step may rebuild a table others refer to; SQLite's documented way
    // is with foreign keys off (a no-op inside a transaction).
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let steps = (|| {
        for (i, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = conn.unchecked_transaction()?;
            match step {
                Migration::Sql(sql) => tx.execute_batch(sql)?,
                Migration::Code(f) => f(&tx)?,
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok::<_, rusqlite::Error>(())
    })();
    if foreign_keys {
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
    }
    Ok(steps?)
}
