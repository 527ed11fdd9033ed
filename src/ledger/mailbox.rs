//! The ledger's record of messages taken from the IMAP mailbox: which
//! (folder, UIDVALIDITY, UID) became which file, so a message is fetched
//! once and counted once, whatever the server renumbers or files twice;
//! and which messages could not be fetched whole yet, with how often.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use rusqlite::params;

use super::{Ledger, Result};

/// What became of a message in the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOutcome {
    /// Taken as a submitted file.
    Taken,
    /// The same message (Message-ID or content) was taken before.
    Duplicate,
    /// Over the size limit: refused without being downloaded.
    TooLarge,
}

impl MailOutcome {
    fn as_str(self) -> &'static str {
        match self {
            MailOutcome::Taken => "taken",
            MailOutcome::Duplicate => "duplicate",
            MailOutcome::TooLarge => "too_large",
        }
    }
}

/// One message as recorded.
#[derive(Debug, Clone)]
pub struct MailRow {
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
    pub message_id: Option<String>,
    /// Its subject, decoded (the subject of a receipt answering it).
    pub subject: Option<String>,
    pub hash: Option<String>,
    pub size: u64,
    pub internal_date: Option<DateTime<FixedOffset>>,
    /// The file it became (taken or refused ones).
    pub path: Option<String>,
    pub outcome: MailOutcome,
}

/// Where a message sits on the server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailUid {
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
}

/// A message that could not be fetched whole (cut short, or gone from
/// the server before it was): tried again by later batches until it is
/// taken or has failed [`MailFailure::failures`] times too many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFailure {
    pub uid: MailUid,
    pub message_id: Option<String>,
    /// As the envelope gave it: "name <address>".
    pub sender: String,
    pub subject: String,
    /// Batches that tried and failed, this one included.
    pub failures: u32,
    /// What went wrong the last time, in Chinese.
    pub last_error: String,
    /// No longer tried; the office has been told.
    pub given_up: bool,
}

/// The e-mail a file taken from the mailbox came in: what a receipt for it
/// answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailThread {
    pub message_id: String,
    pub subject: String,
}

/// What the mailbox reader needs to know of earlier batches.
#[derive(Debug, Clone, Default)]
pub struct MailKnown {
    /// The highest UID recorded per (folder, UIDVALIDITY).
    last_uids: HashMap<(String, u32), u32>,
    /// Message-IDs of messages taken (or refused for their size).
    pub message_ids: HashSet<String>,
    /// Content hashes of messages taken.
    pub hashes: HashSet<String>,
    /// Messages not fetched whole yet, and those given up.
    pub failures: Vec<MailFailure>,
}

impl MailKnown {
    /// The highest UID recorded for `folder` under `uidvalidity` (0: none).
    pub fn last_uid(&self, folder: &str, uidvalidity: u32) -> u32 {
        self.last_uids
            .get(&(folder.to_string(), uidvalidity))
            .copied()
            .unwrap_or(0)
    }
}

impl Ledger {
    /// What the ledger knows of the mailbox.
    pub(super) fn mail_known(&self) -> Result<MailKnown> {
        let mut known = MailKnown::default();
        let mut stmt = self.conn.prepare(
            "SELECT folder, uidvalidity, MAX(uid) FROM mail_messages GROUP BY folder, uidvalidity",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (folder, validity, uid): (String, u32, u32) = row?;
            known.last_uids.insert((folder, validity), uid);
        }
        let mut stmt = self.conn.prepare(
            "SELECT message_id, hash FROM mail_messages WHERE outcome IN ('taken', 'too_large')",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })?;
        for row in rows {
            let (message_id, hash) = row?;
            known.message_ids.extend(message_id);
            known.hashes.extend(hash);
        }
        let mut stmt = self.conn.prepare(
            "SELECT folder, uidvalidity, uid, message_id, sender, subject, failures, last_error, given_up
             FROM mail_failures ORDER BY folder, uidvalidity, uid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MailFailure {
                uid: MailUid {
                    folder: r.get(0)?,
                    uidvalidity: r.get(1)?,
                    uid: r.get(2)?,
                },
                message_id: r.get(3)?,
                sender: r.get(4)?,
                subject: r.get(5)?,
                failures: r.get(6)?,
                last_error: r.get(7)?,
                given_up: r.get(8)?,
            })
        })?;
        known.failures = rows.collect::<rusqlite::Result<_>>()?;
        Ok(known)
    }

    /// Records what became of a message.
    pub(super) fn record_mail(&self, batch: i64, row: &MailRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO mail_messages (folder, uidvalidity, uid, message_id, subject, hash, size, internal_date, path, outcome, batch_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                row.folder,
                row.uidvalidity,
                row.uid,
                row.message_id,
                row.subject,
                row.hash,
                row.size as i64,
                row.internal_date.map(|t| t.to_rfc3339()),
                row.path,
                row.outcome.as_str(),
                batch
            ],
        )?;
        Ok(())
    }

    /// Records (or counts once more) a message not fetched whole.
    pub(super) fn record_mail_failure(&self, batch: i64, f: &MailFailure) -> Result<()> {
        self.conn.execute(
            "INSERT INTO mail_failures (folder, uidvalidity, uid, message_id, sender, subject, failures, last_error, given_up, batch_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (folder, uidvalidity, uid) DO UPDATE SET failures = excluded.failures,
                 last_error = excluded.last_error, given_up = excluded.given_up, batch_id = excluded.batch_id",
            params![
                f.uid.folder,
                f.uid.uidvalidity,
                f.uid.uid,
                f.message_id,
                f.sender,
                f.subject,
                f.failures,
                f.last_error,
                f.given_up,
                batch
            ],
        )?;
        Ok(())
    }

    /// Forgets a message's failures (it was taken since).
    pub(super) fn forget_mail_failure(&self, uid: &MailUid) -> Result<()> {
        self.conn.execute(
            "DELETE FROM mail_failures WHERE folder = ?1 AND uidvalidity = ?2 AND uid = ?3",
            params![uid.folder, uid.uidvalidity, uid.uid],
        )?;
        Ok(())
    }

    /// Every file taken from the mailbox with the e-mail it came in (the
    /// first one, if taken twice): what a receipt for that file answers.
    pub fn mail_threads(&self) -> Result<HashMap<String, MailThread>> {
        let mut stmt = self.conn.prepare(
            "SELECT path, message_id, COALESCE(subject, '') FROM mail_messages
             WHERE outcome = 'taken' AND message_id IS NOT NULL AND path IS NOT NULL
             ORDER BY id DESC",
        )?;
        // Oldest last, so it is the one kept.
        Ok(stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    MailThread {
                        message_id: r.get(1)?,
                        subject: r.get(2)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }
}
