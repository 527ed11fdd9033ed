//! Queueing: a message rendered to its RFC 5322 bytes at the batch clock
//! and kept in the ledger's outbox, inside the caller's transaction, so a
//! message exists iff the event that caused it was committed; a second
//! [`queue`] of the same event key is a no-op.

use chrono::{DateTime, FixedOffset};

use crate::ledger::{Ledger, NewMessage, Queued};
use crate::notify::NotifyError;
use crate::notify::message::{Message, Sender, one_line};

/// Queues `msg`, rendered and dated at the batch clock. A second call with
/// the same event key changes nothing.
pub fn queue(
    ledger: &Ledger,
    sender: &Sender,
    msg: &Message,
    clock: DateTime<FixedOffset>,
) -> Result<Queued, NotifyError> {
    if let Some(id) = ledger.event_id(&msg.event_key)? {
        return Ok(Queued::AlreadyQueued(id));
    }
    let rendered = sender.render(msg, clock)?;
    Ok(ledger.queue_message(&NewMessage {
        event_key: &msg.event_key,
        message_id: &rendered.message_id,
        kind: msg.kind,
        unit: msg.unit.as_deref(),
        subject: &one_line(&msg.subject),
        envelope_from: &rendered.envelope_from,
        recipients: &rendered.recipients,
        bytes: &rendered.bytes,
        created_at: clock,
        expires_at: msg.expires_at,
    })?)
}
