//! The ledger's outbox: two tables, written by the notify stage through the
//! methods here and nowhere else.
//!
//! - `notify_outbox`: one row per message, `event_key` UNIQUE, holding the
//!   rendered bytes, the envelope, the status (`queued` → `sent` when a
//!   server took it, `written` when only an .eml file was written; `failed`
//!   when refused for good or out of attempts; `uncertain` when it may have
//!   been delivered and waits for the office; `dropped` by the office or by
//!   expiry), attempts, unconfirmed attempts, the last error, timestamps.
//! - `notify_reminder_item`: which unit/activity/deliverable/stage each
//!   reminder covered, so the reminder policy can count past reminders.
//!
//! A row this build cannot read (an unknown kind, recipients that are not a
//! JSON list, a date that does not parse) is named in a warning and left
//! out of listings; delivery fails it instead of sending it with guesses.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use crate::model::MailKind;

use super::{Ledger, Result};

mod types;

pub use types::*;

/// The outbox table as this build writes it.
const OUTBOX_TABLE: &str = "CREATE TABLE notify_outbox (
    id            INTEGER PRIMARY KEY,
    event_key     TEXT NOT NULL UNIQUE,
    message_id    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    unit          TEXT,
    subject       TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    recipients    TEXT NOT NULL,            -- JSON array (To + Cc)
    message       BLOB NOT NULL,            -- RFC 5322 bytes
    status        TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'sent', 'failed', 'uncertain', 'dropped', 'written')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    unconfirmed   INTEGER NOT NULL DEFAULT 0, -- attempts that may have delivered it
    last_error    TEXT,
    created_at    TEXT NOT NULL,            -- batch clock, RFC 3339
    expires_at    INTEGER,                  -- unix seconds; queued past it → dropped
    sent_at       TEXT,                     -- wall clock, RFC 3339
    delivered_via TEXT,
    reported      INTEGER NOT NULL DEFAULT 0, -- failure/expiry shown in a digest
    resend_of     INTEGER REFERENCES notify_outbox (id) -- `outbox resend`: the message it repeats
)";

/// The columns an outbox written before `uncertain` existed has.
const FIRST_COLUMNS: &str = "id, event_key, message_id, kind, unit, subject, envelope_from, \
    recipients, message, status, attempts, last_error, created_at, expires_at, sent_at, \
    delivered_via, reported";

/// Migration 3: the outbox tables. Before they were a migration, earlier
/// builds created them on first use in one of three shapes (without
/// `uncertain`, without `resend_of`, current); this brings any of them, or
/// none, to the current one. Runs inside the migration's transaction with
/// foreign keys off (see [`super::schema::migrate`]).
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let table: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notify_outbox'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    match table {
        None => conn.execute_batch(OUTBOX_TABLE)?,
        // SQLite cannot change a CHECK constraint in place: new table,
        // copy, swap, as its documentation prescribes.
        Some(sql) if !sql.contains("'uncertain'") => conn.execute_batch(&format!(
            "{new};
            INSERT INTO notify_outbox_new ({FIRST_COLUMNS}) SELECT {FIRST_COLUMNS} FROM notify_outbox;
            DROP TABLE notify_outbox;
            ALTER TABLE notify_outbox_new RENAME TO notify_outbox;",
            new = OUTBOX_TABLE.replacen("notify_outbox", "notify_outbox_new", 1)
        ))?,
        Some(_) => {
            let has_resend_of: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_table_info('notify_outbox') WHERE name = 'resend_of')",
                [],
                |r| r.get(0),
            )?;
            if !has_resend_of {
                conn.execute_batch(
                    "ALTER TABLE notify_outbox ADD COLUMN resend_of INTEGER REFERENCES notify_outbox (id)",
                )?;
            }
        }
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS notify_outbox_status ON notify_outbox (status, id);
        CREATE TABLE IF NOT EXISTS notify_reminder_item (
            event_key   TEXT NOT NULL REFERENCES notify_outbox (event_key),
            unit        TEXT NOT NULL,
            activity_id TEXT NOT NULL,
            deliverable TEXT NOT NULL,
            stage       TEXT NOT NULL,              -- e.g. before@2025-05-12, after1@2025-05-12
            PRIMARY KEY (event_key, activity_id, deliverable)
        );
        CREATE INDEX IF NOT EXISTS notify_reminder_item_unit
            ON notify_reminder_item (unit, activity_id, deliverable);",
    )
}

/// Every column of the outbox as migration 3 left it.
const ALL_COLUMNS: &str = "id, event_key, message_id, kind, unit, subject, envelope_from, \
    recipients, message, status, attempts, unconfirmed, last_error, created_at, expires_at, \
    sent_at, delivered_via, reported, resend_of";

/// What `delivered_via` began with, before the `written` status, for a
/// message only written to an .eml file.
const OLD_WRITTEN_PREFIX: &str = "写入文件 ";

/// Migration 7: messages only written to .eml files get their own status,
/// `written` (已写入（未发送）), instead of `sent`. Rows written before, by
/// any earlier build, are recognised by where they went: a path marked
/// [`OLD_WRITTEN_PREFIX`], or (before that mark) an `.eml` file's path.
pub(super) fn migrate_written(conn: &Connection) -> rusqlite::Result<()> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notify_outbox'",
        [],
        |r| r.get(0),
    )?;
    if !sql.contains("'written'") {
        conn.execute_batch(&format!(
            "{new};
            INSERT INTO notify_outbox_new ({ALL_COLUMNS}) SELECT {ALL_COLUMNS} FROM notify_outbox;
            DROP TABLE notify_outbox;
            ALTER TABLE notify_outbox_new RENAME TO notify_outbox;
            CREATE INDEX IF NOT EXISTS notify_outbox_status ON notify_outbox (status, id);",
            new = OUTBOX_TABLE.replacen("notify_outbox", "notify_outbox_new", 1)
        ))?;
    }
    conn.execute(
        "UPDATE notify_outbox SET status = 'written',
             delivered_via = CASE WHEN substr(delivered_via, 1, length(?1)) = ?1
                 THEN substr(delivered_via, length(?1) + 1) ELSE delivered_via END
         WHERE status = 'sent'
           AND (substr(delivered_via, 1, length(?1)) = ?1 OR lower(delivered_via) LIKE '%.eml')",
        [OLD_WRITTEN_PREFIX],
    )?;
    Ok(())
}

/// A column that does not hold what this build writes there.
fn corrupt(id: i64, what: String) -> String {
    format!("发件箱记录 #{id} 已损坏（{what}），已跳过；可用 baosong outbox drop {id} 撤销")
}

fn kind_of(id: i64, kind: &str) -> std::result::Result<MailKind, String> {
    MailKind::parse(kind).ok_or_else(|| corrupt(id, format!("邮件类型“{kind}”无法识别")))
}

fn recipients_of(id: i64, json: &str) -> std::result::Result<Vec<String>, String> {
    serde_json::from_str(json).map_err(|e| corrupt(id, format!("收件人列表无法解析：{e}")))
}

fn status_of(id: i64, status: &str) -> std::result::Result<OutboxStatus, String> {
    OutboxStatus::parse(status).ok_or_else(|| corrupt(id, format!("状态“{status}”无法识别")))
}

fn time_of(id: i64, text: &str) -> std::result::Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| corrupt(id, format!("时间“{text}”无法解析：{e}")))
}

impl Ledger {
    /// Queues a rendered message, inside whatever transaction is open. A
    /// second call with the same event key changes nothing.
    pub fn queue_message(&self, msg: &NewMessage) -> Result<Queued> {
        if let Some(id) = self.event_id(msg.event_key)? {
            return Ok(Queued::AlreadyQueued(id));
        }
        self.conn.execute(
            "INSERT INTO notify_outbox (event_key, message_id, kind, unit, subject, envelope_from,
                 recipients, message, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                msg.event_key,
                msg.message_id,
                msg.kind.as_str(),
                msg.unit,
                msg.subject,
                msg.envelope_from,
                serde_json::to_string(msg.recipients).expect("strings serialize"),
                msg.bytes,
                msg.created_at.to_rfc3339(),
                msg.expires_at.map(|t| t.timestamp()),
            ],
        )?;
        Ok(Queued::New(self.conn.last_insert_rowid()))
    }

    /// The outbox id of an event, if it was ever queued.
    pub fn event_id(&self, event_key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM notify_outbox WHERE event_key = ?1",
                [event_key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records which obligations a queued reminder covers (`stage` such as
    /// `before@2025-05-12`). Idempotent.
    pub fn record_reminder_items(
        &self,
        event_key: &str,
        unit: &str,
        items: &[ReminderItem],
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "INSERT OR IGNORE INTO notify_reminder_item (event_key, unit, activity_id, deliverable, stage)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for item in items {
            stmt.execute(params![
                event_key,
                unit,
                item.activity_id,
                item.deliverable,
                item.stage
            ])?;
        }
        Ok(())
    }

    /// Past reminders of a unit that still count (queued, sent or given up;
    /// not dropped), one item per covered obligation.
    pub fn reminder_items(&self, unit: &str) -> Result<Vec<ReminderItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.activity_id, i.deliverable, i.stage
             FROM notify_reminder_item i JOIN notify_outbox o ON o.event_key = i.event_key
             WHERE i.unit = ?1 AND o.status <> 'dropped'",
        )?;
        Ok(stmt
            .query_map([unit], |r| {
                Ok(ReminderItem {
                    activity_id: r.get(0)?,
                    deliverable: r.get(1)?,
                    stage: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Drops queued messages whose time has passed (reminders: the next
    /// batch re-decides with fresh data). Returns them.
    pub fn expire_messages(&self, clock: DateTime<FixedOffset>) -> Result<Vec<OutboxEntry>> {
        let expired = self.entries(
            "WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?1",
            &[&clock.timestamp()],
        )?;
        self.conn.execute(
            "UPDATE notify_outbox SET status = 'dropped', last_error = CASE WHEN unconfirmed > 0
                 THEN '已过期：发出后未得到服务器确认，可能已送达；下一批重新判断'
                 ELSE '已过期：当日未能发出，下一批重新判断' END
             WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?1",
            [clock.timestamp()],
        )?;
        Ok(expired)
    }

    /// Failed, expired and maybe-delivered messages not yet shown in a
    /// digest; marks them shown. Call it inside the transaction that queues
    /// the digest.
    pub fn take_unreported_problems(&self) -> Result<Vec<OutboxEntry>> {
        const PROBLEM: &str = "status IN ('failed', 'uncertain', 'dropped') AND reported = 0";
        let problems = self.entries(&format!("WHERE {PROBLEM}"), &[])?;
        self.conn.execute(
            &format!("UPDATE notify_outbox SET reported = 1 WHERE {PROBLEM}"),
            [],
        )?;
        Ok(problems)
    }

    /// Messages still queued after trouble (tried and not delivered, or not
    /// tried because the server was unavailable), oldest first.
    pub fn retrying(&self) -> Result<Vec<OutboxEntry>> {
        self.entries("WHERE status = 'queued' AND last_error IS NOT NULL", &[])
    }

    /// Whether a report mail was queued on the batch clock's day `day`
    /// (leaders get one a day at most).
    pub fn report_queued_on(&self, day: NaiveDate) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM notify_outbox
                 WHERE kind = 'report' AND resend_of IS NULL AND substr(created_at, 1, 10) = ?1)",
            [day.format("%Y-%m-%d").to_string()],
            |r| r.get(0),
        )?)
    }

    /// The outbox's [`DeliveryState`] now.
    pub fn delivery_state(&self) -> Result<DeliveryState> {
        Ok(DeliveryState {
            failed: self.entries("WHERE status = 'failed'", &[])?,
            uncertain: self.entries("WHERE status = 'uncertain'", &[])?,
            retrying: self.retrying()?,
            waiting: self.conn.query_row(
                "SELECT count(*) FROM notify_outbox WHERE status = 'queued' AND last_error IS NULL",
                [],
                |r| r.get::<_, i64>(0),
            )? as usize,
        })
    }

    /// What was queued at `clock` (this batch), by kind: "回执 3 封".
    pub fn queued_summary(&self, clock: DateTime<FixedOffset>) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, count(*) FROM notify_outbox WHERE created_at = ?1 GROUP BY kind ORDER BY kind",
        )?;
        Ok(stmt
            .query_map([clock.to_rfc3339()], |r| {
                let kind: String = r.get(0)?;
                let n: i64 = r.get(1)?;
                let label = MailKind::parse(&kind).map_or("邮件", MailKind::label);
                Ok(format!("{label} {n} 封"))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Queued, failed and maybe-delivered messages, or with `all` every
    /// message, oldest first.
    pub fn outbox_list(&self, all: bool) -> Result<Vec<OutboxEntry>> {
        let filter = if all {
            ""
        } else {
            "WHERE status IN ('queued', 'failed', 'uncertain')"
        };
        self.entries(filter, &[])
    }

    /// The queued messages, in the order to send them: digest and report
    /// first, then oldest first.
    pub fn due_messages(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM notify_outbox WHERE status = 'queued'
             ORDER BY CASE kind WHEN 'digest' THEN 0 WHEN 'report' THEN 1 ELSE 2 END, id",
        )?;
        Ok(stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A queued message as a transport needs it, or why its row cannot be
    /// read (then it is not sent: see [`Ledger::fail_message`]).
    pub fn outgoing(&self, id: i64) -> Result<std::result::Result<OutgoingRow, String>> {
        let (kind, unit, created, message_id, envelope_from, recipients, bytes): (
            String,
            Option<String>,
            String,
            String,
            String,
            String,
            Vec<u8>,
        ) = self.conn.query_row(
            "SELECT kind, unit, created_at, message_id, envelope_from, recipients, message
             FROM notify_outbox WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )?;
        Ok((|| -> std::result::Result<OutgoingRow, String> {
            Ok(OutgoingRow {
                kind: kind_of(id, &kind)?,
                unit,
                created_at: time_of(id, &created)?,
                message_id,
                envelope_from,
                recipients: recipients_of(id, &recipients)?,
                bytes,
            })
        })())
    }

    /// The stored RFC 5322 bytes of a message, as they were (or will be)
    /// sent.
    pub fn message_bytes(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT message FROM notify_outbox WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Marks a message delivered at `at` (committed at once: the server
    /// accepted it, or its file is written): `status` is
    /// [`OutboxStatus::Sent`] or [`OutboxStatus::Written`].
    pub fn mark_delivered(
        &self,
        id: i64,
        status: OutboxStatus,
        via: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<OutboxEntry>> {
        debug_assert!(matches!(status, OutboxStatus::Sent | OutboxStatus::Written));
        self.conn.execute(
            "UPDATE notify_outbox SET status = ?4, sent_at = ?2, delivered_via = ?3,
                 attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, at.to_rfc3339(), via, status.as_str()],
        )?;
        self.entries("WHERE id = ?1", &[&id])
    }

    /// The attempts at a message after one more (`maybe_delivered`: that
    /// attempt may have delivered it).
    pub fn next_attempt(&self, id: i64, maybe_delivered: bool) -> Result<Attempts> {
        Ok(self.conn.query_row(
            "SELECT attempts + 1, unconfirmed + ?2 FROM notify_outbox WHERE id = ?1",
            params![id, u32::from(maybe_delivered)],
            |r| {
                Ok(Attempts {
                    attempts: r.get(0)?,
                    unconfirmed: r.get(1)?,
                })
            },
        )?)
    }

    /// Records an attempt that did not certainly deliver a message, with
    /// the status it leads to (queued, failed or uncertain).
    pub fn note_attempt(
        &self,
        id: i64,
        attempts: Attempts,
        status: OutboxStatus,
        error: &str,
    ) -> Result<Vec<OutboxEntry>> {
        self.conn.execute(
            "UPDATE notify_outbox SET attempts = ?2, unconfirmed = ?3, status = ?4, last_error = ?5
             WHERE id = ?1",
            params![
                id,
                attempts.attempts,
                attempts.unconfirmed,
                status.as_str(),
                error
            ],
        )?;
        self.entries("WHERE id = ?1", &[&id])
    }

    /// Fails a message whose row cannot be read, with the reason.
    pub fn fail_message(&self, id: i64, why: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE notify_outbox SET status = 'failed', last_error = ?2 WHERE id = ?1",
            params![id, why],
        )?;
        Ok(())
    }

    /// Notes why a message was not tried, without charging an attempt.
    pub fn note_untried(&self, id: i64, note: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE notify_outbox SET last_error = ?2 WHERE id = ?1",
            params![id, note],
        )?;
        Ok(())
    }

    /// Queues a failed, maybe-delivered, dropped or queued message again,
    /// with fresh attempts and no expiry.
    pub fn outbox_retry(&self, id: i64) -> Result<(), OutboxError> {
        use OutboxStatus::*;
        self.require_status(id, &[Queued, Failed, Uncertain, Dropped], "重发")?;
        self.conn.execute(
            "UPDATE notify_outbox SET status = 'queued', attempts = 0, unconfirmed = 0,
                 last_error = NULL, expires_at = NULL, reported = 0
             WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Withdraws a queued, failed or maybe-delivered message.
    pub fn outbox_drop(&self, id: i64) -> Result<(), OutboxError> {
        use OutboxStatus::*;
        self.require_status(id, &[Queued, Failed, Uncertain], "撤销")?;
        self.conn.execute(
            "UPDATE notify_outbox SET status = 'dropped', last_error = '已由办公室撤销', reported = 1
             WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Queues a new message repeating a sent (or maybe-delivered) one,
    /// linked by `resend_of`; `restamp` turns the stored bytes, Message-ID
    /// and the new event key into a new Message-ID and bytes. The original
    /// row is left as it was. Returns the new id.
    pub fn outbox_resend(
        &self,
        id: i64,
        now: DateTime<FixedOffset>,
        restamp: impl FnOnce(&[u8], &str, &str) -> (String, Vec<u8>),
    ) -> Result<i64, OutboxError> {
        let status = self.status(id)?;
        if !matches!(
            status,
            OutboxStatus::Sent | OutboxStatus::Uncertain | OutboxStatus::Written
        ) {
            return Err(OutboxError::NotSent { id, status });
        }
        let (event_key, message_id, bytes): (String, String, Vec<u8>) = self.conn.query_row(
            "SELECT event_key, message_id, message FROM notify_outbox WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let tx = self.conn.unchecked_transaction()?;
        let earlier: i64 = tx.query_row(
            "SELECT count(*) FROM notify_outbox WHERE resend_of = ?1",
            [id],
            |r| r.get(0),
        )?;
        let key = format!("{event_key}#resend{}", earlier + 1);
        let (new_id, new_bytes) = restamp(&bytes, &message_id, &key);
        tx.execute(
            "INSERT INTO notify_outbox (event_key, message_id, kind, unit, subject, envelope_from,
                 recipients, message, created_at, resend_of)
             SELECT ?2, ?3, kind, unit, subject, envelope_from, recipients, ?4, ?5, id
             FROM notify_outbox WHERE id = ?1",
            params![id, key, new_id, new_bytes, now.to_rfc3339()],
        )?;
        let new = tx.last_insert_rowid();
        tx.commit()?;
        Ok(new)
    }

    /// The status of message `id`; a value this build does not know is
    /// taken as failed (the office can retry or drop it).
    fn status(&self, id: i64) -> Result<OutboxStatus, OutboxError> {
        let status: String = self
            .conn
            .query_row(
                "SELECT status FROM notify_outbox WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(OutboxError::NotFound(id))?;
        Ok(OutboxStatus::parse(&status).unwrap_or(OutboxStatus::Failed))
    }

    fn require_status(
        &self,
        id: i64,
        allowed: &[OutboxStatus],
        action: &'static str,
    ) -> Result<(), OutboxError> {
        let status = self.status(id)?;
        if allowed.contains(&status) {
            Ok(())
        } else {
            Err(OutboxError::Status { id, status, action })
        }
    }

    /// The rows matching `filter`, oldest first; a row that cannot be read
    /// is named in a warning and left out.
    fn entries(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<OutboxEntry>> {
        let sql = format!(
            "SELECT id, kind, unit, subject, recipients, status, attempts, last_error, created_at,
                 sent_at, resend_of
             FROM notify_outbox {filter} ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(args, |r| {
            let id: i64 = r.get(0)?;
            let kind: String = r.get(1)?;
            let recipients: String = r.get(4)?;
            Ok((|| -> std::result::Result<OutboxEntry, String> {
                let column = |e: rusqlite::Error| corrupt(id, e.to_string());
                let status: String = r.get(5).map_err(column)?;
                let created: String = r.get(8).map_err(column)?;
                let sent: Option<String> = r.get(9).map_err(column)?;
                Ok(OutboxEntry {
                    id,
                    kind: kind_of(id, &kind)?,
                    unit: r.get(2).map_err(column)?,
                    subject: r.get(3).map_err(column)?,
                    recipients: recipients_of(id, &recipients)?,
                    status: status_of(id, &status)?,
                    attempts: r.get(6).map_err(column)?,
                    last_error: r.get(7).map_err(column)?,
                    created_at: time_of(id, &created)?,
                    sent_at: sent.as_deref().map(|t| time_of(id, t)).transpose()?,
                    resend_of: r.get(10).map_err(column)?,
                })
            })())
        })?;
        let mut out = Vec::new();
        for row in rows {
            match row? {
                Ok(entry) => out.push(entry),
                Err(why) => tracing::warn!("{why}"),
            }
        }
        Ok(out)
    }
}
