//! The outbox's values: where a message stands, what queueing did, a row
//! as listings show it and as a transport needs it, and the office's
//! requests that cannot be done.

use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::model::MailKind;

/// An outbox request the office made that cannot be done, or a database
/// failure.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("发件箱数据库错误: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error("发件箱中没有编号为 {0} 的邮件")]
    NotFound(i64),
    #[error("邮件 #{id} 状态为“{status}”，不能{action}")]
    Status {
        id: i64,
        status: OutboxStatus,
        action: &'static str,
    },
    #[error(
        "邮件 #{id} 状态为“{status}”，还没有发出，不能另发一封；请用 baosong outbox retry {id} 让它重新排队"
    )]
    NotSent { id: i64, status: OutboxStatus },
    #[error("无法输出: {0}")]
    Io(#[from] std::io::Error),
}

/// Where a message stands in the outbox (the `status` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    /// Waiting to be sent (or retried).
    Queued,
    Sent,
    /// Refused for good, or out of attempts.
    Failed,
    /// May have been delivered: held for the office.
    Uncertain,
    /// Written to an .eml file (no `[mail.smtp]`): no server has it; the
    /// office sends the file itself.
    Written,
    /// Withdrawn by the office, or expired.
    Dropped,
}

impl OutboxStatus {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Uncertain => "uncertain",
            OutboxStatus::Dropped => "dropped",
            OutboxStatus::Written => "written",
        }
    }

    /// The status a column value names.
    pub fn parse(text: &str) -> Option<OutboxStatus> {
        [
            OutboxStatus::Queued,
            OutboxStatus::Sent,
            OutboxStatus::Failed,
            OutboxStatus::Uncertain,
            OutboxStatus::Dropped,
            OutboxStatus::Written,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The status in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "待发送",
            OutboxStatus::Sent => "已发送",
            OutboxStatus::Failed => "发送失败",
            OutboxStatus::Uncertain => "待确认（可能已送达）",
            OutboxStatus::Dropped => "已撤销",
            OutboxStatus::Written => "已写入（未发送）",
        }
    }

    /// Given up or maybe delivered: the office must look.
    pub fn needs_office(self) -> bool {
        matches!(self, OutboxStatus::Failed | OutboxStatus::Uncertain)
    }
}

impl fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What queueing a message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// A new row with this id.
    New(i64),
    /// The event was queued before (this batch or an earlier one); nothing
    /// changed.
    AlreadyQueued(i64),
}

/// A rendered message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub event_key: &'a str,
    pub message_id: &'a str,
    pub kind: MailKind,
    pub unit: Option<&'a str>,
    /// One line.
    pub subject: &'a str,
    pub envelope_from: &'a str,
    pub recipients: &'a [String],
    pub bytes: &'a [u8],
    /// The batch clock.
    pub created_at: DateTime<FixedOffset>,
    pub expires_at: Option<DateTime<FixedOffset>>,
}

/// One outbox row without its bytes, for listings and reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: MailKind,
    pub unit: Option<String>,
    pub subject: String,
    pub recipients: Vec<String>,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The clock of the batch that queued it.
    pub created_at: DateTime<FixedOffset>,
    /// When the server accepted it (the wall clock).
    pub sent_at: Option<DateTime<FixedOffset>>,
    /// For a message made by `outbox resend`: the id of the one it repeats.
    #[serde(default)]
    pub resend_of: Option<i64>,
}

impl OutboxEntry {
    /// Still queued after a try that did not deliver it.
    pub fn retrying(&self) -> bool {
        self.status == OutboxStatus::Queued && self.last_error.is_some()
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
            self.status.label(),
            self.recipients.join(", "),
            self.created_at.to_rfc3339(),
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

/// A queued row with what a transport needs.
#[derive(Debug, Clone)]
pub struct OutgoingRow {
    pub kind: MailKind,
    pub unit: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub bytes: Vec<u8>,
}

/// Attempts at a message so far: all of them, and those that may have
/// delivered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    pub attempts: u32,
    pub unconfirmed: u32,
}

/// One obligation a reminder covered: the activity, the deliverable and
/// the stage (`before@2025-05-12`, `after1@2025-05-12` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderItem {
    pub activity_id: String,
    pub deliverable: String,
    pub stage: String,
}
