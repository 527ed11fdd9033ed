//! The ledger's record of messages taken from the IMAP mailbox: which
//! (folder, UIDVALIDITY, UID) became which file, so a message is fetched
//! once and counted once, whatever the server renumbers or files twice.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

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
pub struct MailRow<'a> {
    pub folder: &'a str,
    pub uidvalidity: u32,
    pub uid: u32,
    pub message_id: Option<&'a str>,
    /// Its subject, decoded (the subject of a receipt answering it).
    pub subject: Option<&'a str>,
    pub hash: Option<&'a str>,
    pub size: u64,
    pub internal_date: Option<String>,
    /// The file it became (taken or refused ones).
    pub path: Option<&'a str>,
    pub outcome: MailOutcome,
}

impl Ledger {
    /// The highest UID recorded for `folder` under `uidvalidity` (0: none).
    pub fn last_mail_uid(&self, folder: &str, uidvalidity: u32) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(uid), 0) FROM mail_messages WHERE folder = ?1 AND uidvalidity = ?2",
            params![folder, uidvalidity],
            |r| r.get(0),
        )?)
    }

    /// The file a message with this Message-ID or content hash became, if
    /// one was taken.
    pub fn mail_taken(
        &self,
        message_id: Option<&str>,
        hash: Option<&str>,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT path FROM mail_messages WHERE outcome IN ('taken', 'too_large')
                 AND ((?1 IS NOT NULL AND message_id = ?1) OR (?2 IS NOT NULL AND hash = ?2))
                 ORDER BY id LIMIT 1",
                params![message_id, hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records what became of a message.
    pub fn record_mail(&self, batch: i64, row: &MailRow) -> Result<()> {
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
                row.internal_date,
                row.path,
                row.outcome.as_str(),
                batch
            ],
        )?;
        Ok(())
    }

    /// The ids of the files messages became: they stay, whatever the inbox
    /// folder holds (the mailbox is not rescanned).
    pub fn mail_file_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT f.id FROM files f JOIN mail_messages m ON m.path = f.path WHERE f.parent_id IS NULL",
        )?;
        Ok(stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

impl Ledger {
    /// Every file taken from the mailbox with the Message-ID and subject of
    /// the e-mail it came in (the first one, if taken twice): what a
    /// receipt for that file answers.
    pub fn mail_threads(&self) -> Result<HashMap<String, (String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT path, message_id, COALESCE(subject, '') FROM mail_messages
             WHERE outcome = 'taken' AND message_id IS NOT NULL AND path IS NOT NULL
             ORDER BY id DESC",
        )?;
        // Oldest last, so it is the one kept.
        Ok(stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?)
    }
}
