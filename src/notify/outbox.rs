//! The durable outbox, two tables in the ledger.
//!
//! - `notify_outbox`: one row per message, `event_key` UNIQUE, holding the
//!   rendered bytes, the envelope, the status (`queued` → `sent`; `failed`
//!   when refused for good or out of attempts; `uncertain` when it may have
//!   been delivered and waits for the office; `dropped` by the office or by
//!   expiry), attempts, unconfirmed attempts, the last error, timestamps.
//! - `notify_reminder_item`: which unit/activity/deliverable/stage each
//!   reminder covered, so the reminder policy can count past reminders.
//!
//! Exactly-once, as far as SMTP allows: [`queue`] runs inside the caller's
//! transaction, so a message exists iff the event that caused it was
//! committed; a second [`queue`] of the same event key is a no-op.
//! [`deliver_pending`] commits each `sent` mark on its own right after the
//! server accepted the message, so a crash can only cause a duplicate in
//! the window between acceptance and that commit, and the duplicate carries
//! the same Message-ID. A connection lost after the whole message was sent
//! leaves it "maybe delivered": it is tried once more at most, then held as
//! `uncertain` for the office, so no message reaches a server more than
//! twice. Call it outside any open transaction.

use std::fmt;
use std::io::Write;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use thiserror::Error;

use super::config::DeliveryLimits;
use super::message::{Kind, Message, MessageError, Sender};
use super::transport::{Outgoing, SendError, Transport};

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
                  CHECK (status IN ('queued', 'sent', 'failed', 'uncertain', 'dropped')),
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

/// Creates the outbox tables if needed, or brings an older outbox up to
/// date. Idempotent; call it outside any transaction.
pub fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    let table: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notify_outbox'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    match table {
        None => conn.execute_batch(OUTBOX_TABLE)?,
        Some(sql) if !sql.contains("'uncertain'") => upgrade(conn)?,
        Some(_) => {}
    }
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

/// Rebuilds an outbox from before the `uncertain` status (SQLite cannot
/// change a CHECK constraint in place): new table, copy, swap, in one
/// transaction, as SQLite's documentation prescribes for such changes.
fn upgrade(conn: &Connection) -> rusqlite::Result<()> {
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    // The reminder items refer to the outbox; they must not be checked
    // while the table they refer to is being swapped.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let swapped = (|| {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(&format!(
            "{new};
            INSERT INTO notify_outbox_new ({FIRST_COLUMNS}) SELECT {FIRST_COLUMNS} FROM notify_outbox;
            DROP TABLE notify_outbox;
            ALTER TABLE notify_outbox_new RENAME TO notify_outbox;",
            new = OUTBOX_TABLE.replacen("notify_outbox", "notify_outbox_new", 1)
        ))?;
        tx.commit()
    })();
    if foreign_keys {
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
    }
    swapped
}

/// An outbox failure.
#[derive(Debug, Error)]
pub enum OutboxError {
    #[error("发件箱数据库错误: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error("发件箱中没有编号为 {0} 的邮件")]
    NotFound(i64),
    #[error("邮件 #{id} 状态为“{status}”，不能{action}")]
    Status {
        id: i64,
        status: String,
        action: &'static str,
    },
    #[error(
        "邮件 #{id} 状态为“{status}”，还没有发出，不能另发一封；请用 baosong outbox retry {id} 让它重新排队"
    )]
    NotSent { id: i64, status: String },
    #[error("无法输出: {0}")]
    Io(#[from] std::io::Error),
}

/// What [`queue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// A new row with this id.
    New(i64),
    /// The event was queued before (this batch or an earlier one); nothing
    /// changed.
    AlreadyQueued(i64),
}

/// Queues `msg` inside the caller's transaction, rendered and dated at the
/// batch clock. A second call with the same event key changes nothing.
pub fn queue(
    tx: &Transaction<'_>,
    sender: &Sender,
    msg: &Message,
    clock: DateTime<FixedOffset>,
) -> Result<Queued, OutboxError> {
    if let Some(id) = event_id(tx, &msg.event_key)? {
        return Ok(Queued::AlreadyQueued(id));
    }
    let rendered = sender.render(msg, clock)?;
    tx.execute(
        "INSERT INTO notify_outbox (event_key, message_id, kind, unit, subject, envelope_from,
             recipients, message, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            msg.event_key,
            rendered.message_id,
            msg.kind.as_str(),
            msg.unit,
            super::message::one_line(&msg.subject),
            rendered.envelope_from,
            serde_json::to_string(&rendered.recipients).expect("strings serialize"),
            rendered.bytes,
            clock.to_rfc3339(),
            msg.expires_at.map(|t| t.timestamp()),
        ],
    )?;
    Ok(Queued::New(tx.last_insert_rowid()))
}

/// The outbox id of an event, if it was ever queued.
pub fn event_id(conn: &Connection, event_key: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM notify_outbox WHERE event_key = ?1",
        [event_key],
        |r| r.get(0),
    )
    .optional()
}

/// Records which obligations a queued reminder covers (`stage` such as
/// `before@2025-05-12`). Idempotent.
pub fn record_reminder_items(
    tx: &Transaction<'_>,
    event_key: &str,
    unit: &str,
    items: &[(String, String, String)],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare(
        "INSERT OR IGNORE INTO notify_reminder_item (event_key, unit, activity_id, deliverable, stage)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (activity, deliverable, stage) in items {
        stmt.execute(params![event_key, unit, activity, deliverable, stage])?;
    }
    Ok(())
}

/// Past reminders of a unit that still count (queued, sent or given up;
/// not dropped): `(activity_id, deliverable, stage)` per covered obligation.
pub fn reminder_items(
    conn: &Connection,
    unit: &str,
) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT i.activity_id, i.deliverable, i.stage
         FROM notify_reminder_item i JOIN notify_outbox o ON o.event_key = i.event_key
         WHERE i.unit = ?1 AND o.status <> 'dropped'",
    )?;
    stmt.query_map([unit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}

/// Drops queued messages whose time has passed (reminders: the next batch
/// re-decides with fresh data). Returns them.
pub fn expire(
    conn: &Connection,
    clock: DateTime<FixedOffset>,
) -> Result<Vec<OutboxEntry>, OutboxError> {
    let expired = entries(
        conn,
        "WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?1",
        &[&clock.timestamp()],
    )?;
    conn.execute(
        "UPDATE notify_outbox SET status = 'dropped', last_error = CASE WHEN unconfirmed > 0
             THEN '已过期：发出后未得到服务器确认，可能已送达；下一批重新判断'
             ELSE '已过期：当日未能发出，下一批重新判断' END
         WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?1",
        [clock.timestamp()],
    )?;
    Ok(expired)
}

/// Failed, expired and maybe-delivered messages not yet shown in a digest;
/// marks them shown. Call it inside the transaction that queues the digest.
pub fn take_unreported_problems(tx: &Transaction<'_>) -> Result<Vec<OutboxEntry>, OutboxError> {
    const PROBLEM: &str = "status IN ('failed', 'uncertain', 'dropped') AND reported = 0";
    let problems = entries(tx, &format!("WHERE {PROBLEM}"), &[])?;
    tx.execute(
        &format!("UPDATE notify_outbox SET reported = 1 WHERE {PROBLEM}"),
        [],
    )?;
    Ok(problems)
}

/// Messages still queued after trouble (tried and not delivered, or not
/// tried because the server was unavailable), oldest first.
pub fn retrying(conn: &Connection) -> Result<Vec<OutboxEntry>, OutboxError> {
    Ok(entries(
        conn,
        "WHERE status = 'queued' AND last_error IS NOT NULL",
        &[],
    )?)
}

/// Whether a report mail was queued on the batch clock's day `day`
/// (leaders get one a day at most).
pub fn report_queued_on(conn: &Connection, day: chrono::NaiveDate) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM notify_outbox
             WHERE kind = 'report' AND resend_of IS NULL AND substr(created_at, 1, 10) = ?1)",
        [day.format("%Y-%m-%d").to_string()],
        |r| r.get(0),
    )
}

/// What the outbox holds that the office should know about: the `delivery`
/// section of `status --json`, and what makes `run` exit with the mail
/// exit code.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DeliveryState {
    /// Given up: refused for good, or out of attempts.
    pub failed: Vec<OutboxEntry>,
    /// Maybe delivered (the connection was lost after the whole message was
    /// sent, twice): held until the office retries or drops it.
    pub uncertain: Vec<OutboxEntry>,
    /// Still queued after trouble; the next batch tries again.
    pub retrying: Vec<OutboxEntry>,
    /// Queued and not tried yet (`--no-send`, the per-batch cap).
    pub waiting: usize,
}

impl DeliveryState {
    /// Messages that wait for the office: failed or maybe delivered.
    pub fn needs_office(&self) -> bool {
        !self.failed.is_empty() || !self.uncertain.is_empty()
    }
}

/// The outbox's [`DeliveryState`] now.
pub fn delivery_state(conn: &Connection) -> Result<DeliveryState, OutboxError> {
    Ok(DeliveryState {
        failed: entries(conn, "WHERE status = 'failed'", &[])?,
        uncertain: entries(conn, "WHERE status = 'uncertain'", &[])?,
        retrying: retrying(conn)?,
        waiting: conn.query_row(
            "SELECT count(*) FROM notify_outbox WHERE status = 'queued' AND last_error IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as usize,
    })
}

/// What was queued at `clock` (this batch), by kind: "回执 3 封".
pub fn queued_summary(
    conn: &Connection,
    clock: DateTime<FixedOffset>,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT kind, count(*) FROM notify_outbox WHERE created_at = ?1 GROUP BY kind ORDER BY kind",
    )?;
    stmt.query_map([clock.to_rfc3339()], |r| {
        let kind: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        let label = Kind::parse(&kind).map_or("邮件", Kind::label);
        Ok(format!("{label} {n} 封"))
    })?
    .collect()
}

/// One outbox row without its bytes, for listings and reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: Kind,
    pub unit: Option<String>,
    pub subject: String,
    pub recipients: Vec<String>,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    /// For a message made by `outbox resend`: the id of the one it repeats.
    #[serde(default)]
    pub resend_of: Option<i64>,
}

impl OutboxEntry {
    /// The status in Chinese.
    pub fn status_label(&self) -> &'static str {
        status_label(&self.status)
    }
}

impl fmt::Display for OutboxEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} {} {} {}（{}）{} 尝试{}次 {}",
            self.id,
            self.kind.label(),
            self.unit.as_deref().unwrap_or("-"),
            self.status_label(),
            self.recipients.join(", "),
            self.created_at,
            self.attempts,
            self.subject
        )?;
        if let Some(original) = self.resend_of {
            write!(f, "（#{original} 的重发）")?;
        }
        if let Some(e) = &self.last_error {
            write!(f, " —— {e}")?;
        }
        Ok(())
    }
}

fn entries(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<OutboxEntry>> {
    let sql = format!(
        "SELECT id, kind, unit, subject, recipients, status, attempts, last_error, created_at, sent_at,
             resend_of
         FROM notify_outbox {filter} ORDER BY id"
    );
    let mut stmt = conn.prepare(&sql)?;
    stmt.query_map(args, |r| {
        let kind: String = r.get(1)?;
        let recipients: String = r.get(4)?;
        Ok(OutboxEntry {
            id: r.get(0)?,
            kind: Kind::parse(&kind).unwrap_or(Kind::Digest),
            unit: r.get(2)?,
            subject: r.get(3)?,
            recipients: serde_json::from_str(&recipients).unwrap_or_default(),
            status: r.get(5)?,
            attempts: r.get(6)?,
            last_error: r.get(7)?,
            created_at: r.get(8)?,
            sent_at: r.get(9)?,
            resend_of: r.get(10)?,
        })
    })?
    .collect()
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryReport {
    /// The transport's description.
    pub transport: String,
    /// Whether messages left the machine (SMTP) or were written as .eml
    /// files, which the summary must not call sent.
    pub leaves_machine: bool,
    pub sent: Vec<OutboxEntry>,
    /// Tried and not delivered this time, still queued for the next batch.
    pub retrying: Vec<OutboxEntry>,
    /// Given up (permanent refusal or last attempt): reported to the office.
    pub failed: Vec<OutboxEntry>,
    /// Maybe delivered, now held for the office to decide.
    pub uncertain: Vec<OutboxEntry>,
    /// Expired before they could be sent.
    pub expired: Vec<OutboxEntry>,
    /// Not tried because the server was unavailable (no attempt charged).
    pub untried: usize,
    /// Still queued because the per-batch cap was reached.
    pub held_over: usize,
    /// Why delivery stopped, when the server was unavailable.
    pub unavailable: Option<String>,
}

impl DeliveryReport {
    /// Whether some mail due in this run did not certainly go out.
    pub fn trouble(&self) -> bool {
        !self.retrying.is_empty()
            || !self.failed.is_empty()
            || !self.uncertain.is_empty()
            || self.unavailable.is_some()
    }
}

impl fmt::Display for DeliveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verb, what) = if self.leaves_machine {
            ("发送", "")
        } else {
            ("写入", " .eml")
        };
        write!(
            f,
            "{verb}（{}）：已{verb} {} 封{what}，待重试 {} 封，失败 {} 封，",
            self.transport,
            self.sent.len(),
            self.retrying.len() + self.untried,
            self.failed.len(),
        )?;
        if !self.uncertain.is_empty() {
            write!(f, "待确认 {} 封，", self.uncertain.len())?;
        }
        write!(
            f,
            "过期 {} 封，超出本批上限留待下批 {} 封",
            self.expired.len(),
            self.held_over
        )?;
        if let Some(why) = &self.unavailable {
            write!(
                f,
                "\n  无法发送：{why}（{} 封未尝试，留待下一批，不计尝试次数）",
                self.untried
            )?;
        }
        for e in self
            .retrying
            .iter()
            .chain(&self.failed)
            .chain(&self.uncertain)
        {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// A server that times out on this many messages in a row is treated as
/// unavailable for the rest of the batch, so a stalled server costs the
/// night minutes, not one timeout per queued message.
const TIMEOUTS_IN_A_ROW: usize = 3;

/// Attempts that may have delivered a message before it is held for the
/// office: the first, and one retry.
const MAX_UNCONFIRMED: u32 = 2;

/// Delivers queued messages: expired ones are dropped first; then at most
/// `max_per_batch` (digest and report first, then oldest first), paced to
/// `rate_per_minute`. Each success is committed on its own at once.
///
/// A refusal concerns its message only: a permanent one (5xx) fails it at
/// once, a temporary one (4xx) or a connection lost during it costs one
/// attempt and the next batch retries, and the batch goes on with the next
/// message; after `max_attempts` a message is `failed`. A connection lost
/// after the whole message was sent may have delivered it: it is retried
/// once more at most, then held as `uncertain`. Only a server that cannot
/// be reached or refuses the login stops the batch, and then the messages
/// not tried keep their attempts (the reason is noted on them).
pub fn deliver_pending(
    conn: &Connection,
    transport: &mut dyn Transport,
    limits: &DeliveryLimits,
    clock: DateTime<FixedOffset>,
) -> Result<DeliveryReport, OutboxError> {
    let mut report = DeliveryReport {
        transport: transport.describe(),
        leaves_machine: transport.paced(),
        expired: expire(conn, clock)?,
        ..DeliveryReport::default()
    };
    let due: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM notify_outbox WHERE status = 'queued'
             ORDER BY CASE kind WHEN 'digest' THEN 0 WHEN 'report' THEN 1 ELSE 2 END, id",
        )?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let cap = limits.max_per_batch as usize;
    report.held_over = due.len().saturating_sub(cap);
    let due = &due[..due.len().min(cap)];
    if due.is_empty() {
        return Ok(report);
    }
    if let Err(e) = transport.check() {
        note_untried(conn, due, &e.to_string(), &mut report)?;
        return Ok(report);
    }
    let interval = if transport.paced() {
        Duration::from_secs(60) / limits.rate_per_minute.max(1)
    } else {
        Duration::ZERO
    };
    let mut last_send: Option<Instant> = None;
    let mut timeouts = 0;
    for (i, &id) in due.iter().enumerate() {
        if let Some(last) = last_send {
            std::thread::sleep(interval.saturating_sub(last.elapsed()));
        }
        last_send = Some(Instant::now());
        let row = load(conn, id)?;
        let outgoing = Outgoing {
            kind: row.kind,
            unit: row.unit.as_deref(),
            created_at: row.created_at,
            message_id: &row.message_id,
            envelope_from: &row.envelope_from,
            recipients: &row.recipients,
            bytes: &row.bytes,
        };
        match transport.send(&outgoing) {
            Ok(via) => {
                conn.execute(
                    "UPDATE notify_outbox SET status = 'sent', sent_at = ?2, delivered_via = ?3,
                         attempts = attempts + 1, last_error = NULL WHERE id = ?1",
                    params![id, chrono::Local::now().fixed_offset().to_rfc3339(), via],
                )?;
                report.sent.extend(entries(conn, "WHERE id = ?1", &[&id])?);
                timeouts = 0;
            }
            Err(SendError::Unavailable(why)) => {
                note_untried(conn, &due[i..], &why, &mut report)?;
                break;
            }
            Err(e) => {
                let timed_out = matches!(
                    e,
                    SendError::Broken {
                        timed_out: true,
                        ..
                    }
                );
                note_attempt(conn, id, &e, limits, &mut report)?;
                timeouts = if timed_out { timeouts + 1 } else { 0 };
                if timeouts == TIMEOUTS_IN_A_ROW {
                    let why =
                        format!("服务器连续{TIMEOUTS_IN_A_ROW}封邮件超时未响应，本批停止发送");
                    note_untried(conn, &due[i + 1..], &why, &mut report)?;
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// Records one attempt at `id` that did not certainly deliver it, and
/// decides what happens next: retry, `failed`, or `uncertain`.
fn note_attempt(
    conn: &Connection,
    id: i64,
    error: &SendError,
    limits: &DeliveryLimits,
    report: &mut DeliveryReport,
) -> Result<(), OutboxError> {
    let (permanent, maybe_delivered) = match error {
        SendError::Rejected { permanent, .. } => (*permanent, false),
        SendError::Broken {
            maybe_delivered, ..
        } => (false, *maybe_delivered),
        SendError::Unavailable(_) => (false, false),
    };
    let (attempts, unconfirmed): (u32, u32) = conn.query_row(
        "SELECT attempts + 1, unconfirmed + ?2 FROM notify_outbox WHERE id = ?1",
        params![id, u32::from(maybe_delivered)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let give_up = permanent || attempts >= limits.max_attempts || unconfirmed >= MAX_UNCONFIRMED;
    // A message that may have arrived is never called failed: the office
    // decides whether to send it again.
    let status = match (give_up, unconfirmed > 0) {
        (false, _) => "queued",
        (true, true) => "uncertain",
        (true, false) => "failed",
    };
    conn.execute(
        "UPDATE notify_outbox SET attempts = ?2, unconfirmed = ?3, status = ?4, last_error = ?5
         WHERE id = ?1",
        params![id, attempts, unconfirmed, status, error.to_string()],
    )?;
    for entry in entries(conn, "WHERE id = ?1", &[&id])? {
        match status {
            "failed" => report.failed.push(entry),
            "uncertain" => report.uncertain.push(entry),
            _ => report.retrying.push(entry),
        }
    }
    Ok(())
}

/// Notes on messages not tried why (the server was unavailable), without
/// charging them an attempt.
fn note_untried(
    conn: &Connection,
    ids: &[i64],
    why: &str,
    report: &mut DeliveryReport,
) -> Result<(), OutboxError> {
    let note = format!("未能发送：{why}");
    for &id in ids {
        conn.execute(
            "UPDATE notify_outbox SET last_error = ?2 WHERE id = ?1",
            params![id, note],
        )?;
    }
    report.untried += ids.len();
    report.unavailable = Some(why.to_string());
    Ok(())
}

/// A queued row with what a transport needs.
struct Row {
    kind: Kind,
    unit: Option<String>,
    created_at: DateTime<FixedOffset>,
    message_id: String,
    envelope_from: String,
    recipients: Vec<String>,
    bytes: Vec<u8>,
}

fn load(conn: &Connection, id: i64) -> rusqlite::Result<Row> {
    conn.query_row(
        "SELECT kind, unit, created_at, message_id, envelope_from, recipients, message
         FROM notify_outbox WHERE id = ?1",
        [id],
        |r| {
            let kind: String = r.get(0)?;
            let created: String = r.get(2)?;
            let recipients: String = r.get(5)?;
            Ok(Row {
                kind: Kind::parse(&kind).unwrap_or(Kind::Digest),
                unit: r.get(1)?,
                created_at: DateTime::parse_from_rfc3339(&created).unwrap_or_default(),
                message_id: r.get(3)?,
                envelope_from: r.get(4)?,
                recipients: serde_json::from_str(&recipients).unwrap_or_default(),
                bytes: r.get(6)?,
            })
        },
    )
}

/// The `baosong outbox` subcommand's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAction {
    /// Queued, failed and maybe-delivered messages; with `all`, every
    /// message.
    List { all: bool },
    /// Queue a failed, maybe-delivered, dropped or queued message again
    /// with fresh attempts (and no expiry: the office has decided).
    Retry { id: i64 },
    /// Withdraw a queued, failed or maybe-delivered message.
    Drop { id: i64 },
    /// Queue a new copy of a sent (or maybe-delivered) message, with a new
    /// Message-ID, dated `now`: see [`resend`].
    Resend { id: i64, now: DateTime<FixedOffset> },
}

/// Runs an `outbox` action and prints its result in Chinese.
pub fn outbox_command(
    conn: &Connection,
    action: OutboxAction,
    out: &mut dyn Write,
) -> Result<(), OutboxError> {
    match action {
        OutboxAction::List { all } => {
            let entries = list(conn, all)?;
            if entries.is_empty() {
                let what = if all {
                    ""
                } else {
                    "待发送、失败或待确认的"
                };
                writeln!(out, "发件箱中没有{what}邮件。")?;
            }
            let uncertain = entries.iter().any(|e| e.status == "uncertain");
            for e in entries {
                writeln!(out, "{e}")?;
            }
            if uncertain {
                writeln!(
                    out,
                    "“待确认”的邮件发出后连接中断，可能已经送达：请向收件人核实，\
                     未收到的用 baosong outbox retry 编号 重发，已收到的用 baosong outbox drop 编号 结束。"
                )?;
            }
        }
        OutboxAction::Retry { id } => {
            retry(conn, id)?;
            writeln!(out, "邮件 #{id} 已重新排队，下一批发送。")?;
        }
        OutboxAction::Drop { id } => {
            drop_message(conn, id)?;
            writeln!(out, "#{id} 已撤销，不再发送。")?;
        }
        OutboxAction::Resend { id, now } => {
            let new = resend(conn, id, now)?;
            writeln!(
                out,
                "已为 #{id} 另发一封：#{new}（新的邮件编号 Message-ID，内容与原邮件相同），下一批发送；\
                 原邮件 #{id} 的记录不变。"
            )?;
        }
    }
    Ok(())
}

/// Queued, failed and maybe-delivered messages, or with `all` every
/// message, oldest first.
pub fn list(conn: &Connection, all: bool) -> Result<Vec<OutboxEntry>, OutboxError> {
    let filter = if all {
        ""
    } else {
        "WHERE status IN ('queued', 'failed', 'uncertain')"
    };
    Ok(entries(conn, filter, &[])?)
}

/// Queues a failed, maybe-delivered, dropped or queued message again, with
/// fresh attempts and no expiry.
pub fn retry(conn: &Connection, id: i64) -> Result<(), OutboxError> {
    require_status(
        conn,
        id,
        &["queued", "failed", "uncertain", "dropped"],
        "重发",
    )?;
    conn.execute(
        "UPDATE notify_outbox SET status = 'queued', attempts = 0, unconfirmed = 0,
             last_error = NULL, expires_at = NULL, reported = 0
         WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// A new message repeating a sent (or maybe-delivered) one, for a
/// recipient who says it never arrived: the stored bytes with a new
/// Message-ID and Date and a `References` to the original
/// ([`super::message::restamped`]), queued like any other message, linked
/// by `resend_of`. The original row is left as it was. Each call is a new
/// request from the office and makes one new message; once sent, it is
/// never sent again. Returns the new id.
pub fn resend(conn: &Connection, id: i64, now: DateTime<FixedOffset>) -> Result<i64, OutboxError> {
    let (status, event_key, message_id, bytes): (String, String, String, Vec<u8>) = conn
        .query_row(
            "SELECT status, event_key, message_id, message FROM notify_outbox WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or(OutboxError::NotFound(id))?;
    if !matches!(status.as_str(), "sent" | "uncertain") {
        return Err(OutboxError::NotSent {
            id,
            status: status_label(&status).to_string(),
        });
    }
    let tx = conn.unchecked_transaction()?;
    let earlier: i64 = tx.query_row(
        "SELECT count(*) FROM notify_outbox WHERE resend_of = ?1",
        [id],
        |r| r.get(0),
    )?;
    let key = format!("{event_key}#resend{}", earlier + 1);
    let (new_id, new_bytes) = super::message::restamped(&bytes, &message_id, &key, now);
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

/// Withdraws a queued, failed or maybe-delivered message.
pub fn drop_message(conn: &Connection, id: i64) -> Result<(), OutboxError> {
    require_status(conn, id, &["queued", "failed", "uncertain"], "撤销")?;
    conn.execute(
        "UPDATE notify_outbox SET status = 'dropped', last_error = '已由办公室撤销', reported = 1
         WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

fn require_status(
    conn: &Connection,
    id: i64,
    allowed: &[&str],
    action: &'static str,
) -> Result<(), OutboxError> {
    let status: String = conn
        .query_row(
            "SELECT status FROM notify_outbox WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(OutboxError::NotFound(id))?;
    if allowed.contains(&status.as_str()) {
        Ok(())
    } else {
        Err(OutboxError::Status {
            id,
            status: status_label(&status).to_string(),
            action,
        })
    }
}

/// A status column value in Chinese.
fn status_label(status: &str) -> &'static str {
    match status {
        "queued" => "待发送",
        "sent" => "已发送",
        "failed" => "发送失败",
        "uncertain" => "待确认（可能已送达）",
        _ => "已撤销",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::message::parse_mailbox;

    /// A transport that answers from a script.
    struct Fake {
        check: Result<(), SendError>,
        answers: Vec<Result<String, SendError>>,
        sent: Vec<String>,
    }

    impl Transport for Fake {
        fn describe(&self) -> String {
            "测试".into()
        }
        fn check(&mut self) -> Result<(), SendError> {
            self.check.clone()
        }
        fn send(&mut self, mail: &Outgoing<'_>) -> Result<String, SendError> {
            let answer = if self.answers.is_empty() {
                Ok("ok".to_string())
            } else {
                self.answers.remove(0)
            };
            if answer.is_ok() {
                self.sent.push(mail.message_id.to_string());
            }
            answer
        }
    }

    fn fake(check: Result<(), SendError>, answers: Vec<Result<String, SendError>>) -> Fake {
        Fake {
            check,
            answers,
            sent: vec![],
        }
    }

    fn clock(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn sender() -> Sender {
        Sender {
            from: parse_mailbox("办公室 <office@luxi.example.gov.cn>").unwrap(),
            reply_to: parse_mailbox("office@luxi.example.gov.cn").unwrap(),
            campaign_id: "t".into(),
        }
    }

    fn msg(kind: Kind, key: &str) -> Message {
        Message {
            kind,
            event_key: key.into(),
            unit: Some("县民政局".into()),
            to: vec![parse_mailbox("a@minzheng.example.gov.cn").unwrap()],
            cc: vec![],
            subject: format!("主题 {key}"),
            text_body: "正文".into(),
            html_body: None,
            attachments: vec![],
            expires_at: None,
            in_reply_to: None,
        }
    }

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        ensure_schema(&conn).unwrap();
        ensure_schema(&conn).unwrap();
        conn
    }

    fn queue_all(conn: &mut Connection, msgs: &[Message]) -> Vec<Queued> {
        let tx = conn.transaction().unwrap();
        let out = msgs
            .iter()
            .map(|m| queue(&tx, &sender(), m, clock("2025-05-06T20:00:00+08:00")).unwrap())
            .collect();
        tx.commit().unwrap();
        out
    }

    const LIMITS: DeliveryLimits = DeliveryLimits {
        rate_per_minute: 60_000,
        max_per_batch: 100,
        max_attempts: 3,
    };

    fn now() -> DateTime<FixedOffset> {
        clock("2025-05-06T20:10:00+08:00")
    }

    #[test]
    fn same_event_is_queued_once_even_across_runs() {
        let mut conn = db();
        let first = queue_all(&mut conn, &[msg(Kind::Receipt, "receipt:a:1")]);
        let again = queue_all(&mut conn, &[msg(Kind::Receipt, "receipt:a:1")]);
        let Queued::New(id) = first[0] else { panic!() };
        assert_eq!(again, vec![Queued::AlreadyQueued(id)]);
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 1);
        // After sending, a re-run still does not queue it again.
        assert_eq!(
            queue_all(&mut conn, &[msg(Kind::Receipt, "receipt:a:1")]),
            vec![Queued::AlreadyQueued(id)]
        );
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert!(r.sent.is_empty());
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn a_rolled_back_event_queues_nothing() {
        let mut conn = db();
        {
            let tx = conn.transaction().unwrap();
            queue(&tx, &sender(), &msg(Kind::Receipt, "k"), now()).unwrap();
            // dropped without commit: the batch crashed
        }
        assert!(list(&conn, true).unwrap().is_empty());
    }

    fn broken(maybe_delivered: bool, timed_out: bool) -> SendError {
        SendError::Broken {
            maybe_delivered,
            timed_out,
            reason: "服务器断开了连接".into(),
        }
    }

    #[test]
    fn an_unavailable_server_charges_no_attempt() {
        let mut conn = db();
        queue_all(
            &mut conn,
            &[msg(Kind::Receipt, "a"), msg(Kind::Reminder, "b")],
        );
        let down = || fake(Err(SendError::Unavailable("连接被拒绝".into())), vec![]);
        for night in 1..=LIMITS.max_attempts + 2 {
            let r = deliver_pending(&conn, &mut down(), &LIMITS, now()).unwrap();
            assert_eq!((r.untried, r.retrying.len()), (2, 0), "night {night}");
            assert!(r.unavailable.as_deref().unwrap().contains("连接被拒绝"));
            assert!(r.trouble());
        }
        let pending = list(&conn, false).unwrap();
        assert!(
            pending
                .iter()
                .all(|e| e.status == "queued" && e.attempts == 0)
        );
        assert_eq!(
            pending[0].last_error.as_deref(),
            Some("未能发送：连接被拒绝")
        );
        assert_eq!(delivery_state(&conn).unwrap().retrying.len(), 2);
        let mut up = fake(Ok(()), vec![]);
        let r = deliver_pending(&conn, &mut up, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 2);
        assert!(!r.trouble());
        assert_eq!(delivery_state(&conn).unwrap(), DeliveryState::default());
    }

    #[test]
    fn refusals_mid_batch_concern_their_message_only() {
        let mut conn = db();
        let keys = ["a", "b", "c", "d", "e", "f"];
        let msgs: Vec<Message> = keys.iter().map(|k| msg(Kind::Receipt, k)).collect();
        queue_all(&mut conn, &msgs);
        let mut t = fake(
            Ok(()),
            vec![
                Ok("x".into()),
                Err(SendError::Rejected {
                    permanent: true,
                    reason: "550 no such user".into(),
                }),
                Err(SendError::Rejected {
                    permanent: false,
                    reason: "451 try later".into(),
                }),
                Err(broken(false, false)),
                Err(SendError::Unavailable("登录失败".into())),
            ],
        );
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 1);
        assert_eq!(r.failed.len(), 1, "550 fails at once");
        assert_eq!(r.failed[0].last_error.as_deref(), Some("550 no such user"));
        assert_eq!(r.retrying.len(), 2, "451 and the dropped connection retry");
        assert_eq!(r.untried, 2, "the server went away: e and f not tried");
        assert!(
            r.to_string()
                .contains("已发送 1 封，待重试 4 封，失败 1 封"),
            "{r}"
        );
        let attempts: Vec<u32> = list(&conn, true)
            .unwrap()
            .iter()
            .map(|e| e.attempts)
            .collect();
        assert_eq!(attempts, vec![1, 1, 1, 1, 0, 0]);
        // The failure is in the next digest once; the retries in every one
        // until they go out.
        let tx = conn.transaction().unwrap();
        assert_eq!(take_unreported_problems(&tx).unwrap().len(), 1);
        assert!(take_unreported_problems(&tx).unwrap().is_empty());
        assert_eq!(retrying(&tx).unwrap().len(), 4);
        tx.commit().unwrap();
        // The next night: the four go out, the failed one is not tried.
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 4);
        let state = delivery_state(&conn).unwrap();
        assert_eq!((state.failed.len(), state.retrying.len()), (1, 0));
        assert!(state.needs_office());
        // The office fixes the address and retries it by hand.
        retry(&conn, 2).unwrap();
        assert_eq!(
            deliver_pending(&conn, &mut t, &LIMITS, now())
                .unwrap()
                .sent
                .len(),
            1
        );
        assert!(matches!(retry(&conn, 2), Err(OutboxError::Status { .. })));
        assert!(!delivery_state(&conn).unwrap().needs_office());
    }

    #[test]
    fn transient_refusals_fail_after_max_attempts() {
        let mut conn = db();
        queue_all(&mut conn, &[msg(Kind::Receipt, "a")]);
        let deferred = || {
            fake(
                Ok(()),
                vec![Err(SendError::Rejected {
                    permanent: false,
                    reason: "451 4.3.0 try later".into(),
                })],
            )
        };
        for _ in 1..LIMITS.max_attempts {
            let r = deliver_pending(&conn, &mut deferred(), &LIMITS, now()).unwrap();
            assert_eq!(r.retrying.len(), 1);
        }
        let r = deliver_pending(&conn, &mut deferred(), &LIMITS, now()).unwrap();
        assert_eq!(r.failed.len(), 1);
        assert_eq!(r.failed[0].attempts, LIMITS.max_attempts);
        assert_eq!(
            r.failed[0].last_error.as_deref(),
            Some("451 4.3.0 try later")
        );
    }

    #[test]
    fn maybe_delivered_is_tried_once_more_then_held_for_the_office() {
        let mut conn = db();
        queue_all(
            &mut conn,
            &[msg(Kind::Receipt, "a"), msg(Kind::Receipt, "b")],
        );
        // Night 1: both went out, the connection dropped before the answer.
        let mut t = fake(
            Ok(()),
            vec![Err(broken(true, false)), Err(broken(true, true))],
        );
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.retrying.len(), 2);
        // Night 2: a is confirmed, b drops again and is held.
        let mut t = fake(Ok(()), vec![Ok("x".into()), Err(broken(true, false))]);
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!((r.sent.len(), r.uncertain.len()), (1, 1));
        assert!(r.to_string().contains("待确认 1 封"), "{r}");
        assert_eq!(r.uncertain[0].status_label(), "待确认（可能已送达）");
        // Night 3: nothing is sent again.
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert!(t.sent.is_empty() && !r.trouble());
        let state = delivery_state(&conn).unwrap();
        assert_eq!(state.uncertain.len(), 1);
        let mut out = Vec::new();
        outbox_command(&conn, OutboxAction::List { all: false }, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("#2 回执 县民政局 待确认（可能已送达）"),
            "{text}"
        );
        assert!(text.contains("outbox retry"), "{text}");
        // The recipient says it never arrived: the office sends it again.
        outbox_command(&conn, OutboxAction::Retry { id: 2 }, &mut Vec::new()).unwrap();
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 1);
    }

    #[test]
    fn maybe_delivered_out_of_attempts_is_held_not_failed() {
        let mut conn = db();
        queue_all(&mut conn, &[msg(Kind::Receipt, "a")]);
        let limits = DeliveryLimits {
            max_attempts: 2,
            ..LIMITS
        };
        let deferred = Err(SendError::Rejected {
            permanent: false,
            reason: "451".into(),
        });
        let mut t = fake(Ok(()), vec![Err(broken(true, false)), deferred]);
        deliver_pending(&conn, &mut t, &limits, now()).unwrap();
        let r = deliver_pending(&conn, &mut t, &limits, now()).unwrap();
        assert_eq!((r.failed.len(), r.uncertain.len()), (0, 1));
        // The office was told: it is in the next digest, and can drop it.
        let tx = conn.transaction().unwrap();
        assert_eq!(take_unreported_problems(&tx).unwrap().len(), 1);
        tx.commit().unwrap();
        drop_message(&conn, 1).unwrap();
        assert_eq!(delivery_state(&conn).unwrap(), DeliveryState::default());
    }

    #[test]
    fn a_server_that_keeps_timing_out_stops_the_batch() {
        let mut conn = db();
        let msgs: Vec<Message> = (0..5)
            .map(|i| msg(Kind::Receipt, &format!("r{i}")))
            .collect();
        queue_all(&mut conn, &msgs);
        let mut t = fake(
            Ok(()),
            vec![
                Err(broken(false, true)),
                Err(broken(false, true)),
                Err(broken(false, true)),
            ],
        );
        let r = deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!((r.retrying.len(), r.untried), (3, 2));
        assert!(r.unavailable.unwrap().contains("连续3封邮件超时"));
    }

    #[test]
    fn an_outbox_from_before_uncertain_is_upgraded_in_place() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
            CREATE TABLE notify_outbox (
            id INTEGER PRIMARY KEY, event_key TEXT NOT NULL UNIQUE, message_id TEXT NOT NULL,
            kind TEXT NOT NULL, unit TEXT, subject TEXT NOT NULL, envelope_from TEXT NOT NULL,
            recipients TEXT NOT NULL, message BLOB NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'sent', 'failed', 'dropped')),
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at TEXT NOT NULL,
            expires_at INTEGER, sent_at TEXT, delivered_via TEXT,
            reported INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE notify_reminder_item (
            event_key TEXT NOT NULL REFERENCES notify_outbox (event_key),
            unit TEXT NOT NULL, activity_id TEXT NOT NULL, deliverable TEXT NOT NULL,
            stage TEXT NOT NULL, PRIMARY KEY (event_key, activity_id, deliverable));",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        queue(&tx, &sender(), &msg(Kind::Reminder, "r1"), now()).unwrap();
        let items = [(
            "7".to_string(),
            "活动总结".to_string(),
            "after1@2025-05-06".to_string(),
        )];
        record_reminder_items(&tx, "r1", "县民政局", &items).unwrap();
        tx.commit().unwrap();
        ensure_schema(&conn).unwrap();
        ensure_schema(&conn).unwrap();
        let mut t = fake(
            Ok(()),
            vec![Err(broken(true, false)), Err(broken(true, false))],
        );
        deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        deliver_pending(&conn, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(list(&conn, true).unwrap()[0].status, "uncertain");
        assert_eq!(reminder_items(&conn, "县民政局").unwrap().len(), 1);
        let fk: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk);
        let dangling: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(dangling, 0);
    }

    #[test]
    fn cap_holds_the_rest_over_and_digest_goes_first() {
        let mut conn = db();
        let mut msgs: Vec<Message> = (0..5)
            .map(|i| msg(Kind::Reminder, &format!("r{i}")))
            .collect();
        msgs.push(msg(Kind::Digest, "digest:1"));
        queue_all(&mut conn, &msgs);
        let limits = DeliveryLimits {
            max_per_batch: 2,
            ..LIMITS
        };
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&conn, &mut t, &limits, now()).unwrap();
        assert_eq!(r.sent.len(), 2);
        assert_eq!(r.sent[0].kind, Kind::Digest);
        assert_eq!(r.held_over, 4);
        assert_eq!(list(&conn, false).unwrap().len(), 4);
    }

    #[test]
    fn rate_limit_paces_sends() {
        let mut conn = db();
        queue_all(
            &mut conn,
            &[
                msg(Kind::Receipt, "a"),
                msg(Kind::Receipt, "b"),
                msg(Kind::Receipt, "c"),
            ],
        );
        let limits = DeliveryLimits {
            rate_per_minute: 600,
            ..LIMITS
        }; // 100 ms apart
        let start = Instant::now();
        deliver_pending(&conn, &mut fake(Ok(()), vec![]), &limits, now()).unwrap();
        assert!(
            start.elapsed() >= Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn expired_reminders_are_dropped_not_sent() {
        let mut conn = db();
        let mut m = msg(Kind::Reminder, "reminder:县民政局:2025-05-06");
        m.expires_at = Some(clock("2025-05-07T00:00:00+08:00"));
        queue_all(&mut conn, &[m]);
        let mut t = fake(Ok(()), vec![]);
        let r =
            deliver_pending(&conn, &mut t, &LIMITS, clock("2025-05-07T20:00:00+08:00")).unwrap();
        assert_eq!((r.sent.len(), r.expired.len()), (0, 1));
        assert_eq!(list(&conn, true).unwrap()[0].status, "dropped");
    }

    #[test]
    fn outbox_command_lists_retries_and_drops() {
        let mut conn = db();
        queue_all(
            &mut conn,
            &[msg(Kind::Receipt, "a"), msg(Kind::Reminder, "b")],
        );
        let mut out = Vec::new();
        outbox_command(&conn, OutboxAction::Drop { id: 2 }, &mut out).unwrap();
        outbox_command(&conn, OutboxAction::List { all: false }, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("#2 已撤销"), "{text}");
        assert!(text.contains("#1 回执 县民政局 待发送"), "{text}");
        assert!(!text.contains("#2 催报"), "{text}");
        let err =
            outbox_command(&conn, OutboxAction::Retry { id: 9 }, &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "发件箱中没有编号为 9 的邮件");
    }
}
