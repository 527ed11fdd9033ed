//! What the server says of a message before it is fetched: its UID, size,
//! date, Message-ID, and the envelope's sender and subject decoded.

use async_imap::types::Fetch;
use chrono::{DateTime, FixedOffset};

use crate::ledger::{MailOutcome, MailRow, MailUid};

/// What the server says of a message before it is fetched.
pub(super) struct Meta {
    pub uid: MailUid,
    pub size: u64,
    pub internal_date: Option<DateTime<FixedOffset>>,
    pub message_id: Option<String>,
    /// "name <address>" and the subject, from the envelope, decoded.
    pub sender: String,
    pub subject: String,
}

impl Meta {
    pub fn of(f: &Fetch, folder: &str, uidvalidity: u32) -> Option<Meta> {
        let envelope = f.envelope();
        let message_id = envelope
            .and_then(|e| e.message_id.as_ref())
            .map(|id| String::from_utf8_lossy(id).trim().to_string())
            .filter(|id| !id.is_empty());
        let (sender, subject) = envelope.map(decoded_envelope).unwrap_or_default();
        Some(Meta {
            uid: MailUid {
                folder: folder.to_string(),
                uidvalidity,
                uid: f.uid?,
            },
            size: u64::from(f.size.unwrap_or(0)),
            internal_date: f.internal_date(),
            message_id,
            sender,
            subject,
        })
    }

    pub fn row(&self, outcome: MailOutcome) -> MailRow {
        MailRow {
            folder: self.uid.folder.clone(),
            uidvalidity: self.uid.uidvalidity,
            uid: self.uid.uid,
            message_id: self.message_id.clone(),
            subject: None,
            hash: None,
            size: self.size,
            internal_date: self.internal_date,
            path: None,
            outcome,
        }
    }
}

/// The envelope's sender and subject as the office reads them (RFC 2047
/// words decoded, as a header would be).
fn decoded_envelope(e: &async_imap::imap_proto::types::Envelope) -> (String, String) {
    let text = |b: &Option<std::borrow::Cow<[u8]>>| {
        b.as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let from = e.from.as_ref().and_then(|a| a.first());
    let address = from
        .map(|a| format!("{}@{}", text(&a.mailbox), text(&a.host)))
        .unwrap_or_default();
    let name = from.map(|a| text(&a.name)).unwrap_or_default();
    let header = format!(
        "From: {name} <{address}>\r\nSubject: {}\r\n\r\n",
        text(&e.subject)
    );
    let parsed = mail_parser::MessageParser::default().parse_headers(header.as_bytes());
    let subject = parsed
        .as_ref()
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_default();
    let name = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|f| f.first())
        .and_then(|a| a.name().map(str::to_string))
        .unwrap_or_default();
    let sender = match name.is_empty() {
        true => address,
        false => format!("{name} <{address}>"),
    };
    (sender, subject)
}
