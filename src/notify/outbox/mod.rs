//! The durable outbox: messages are [`store`]d in the ledger's outbox
//! tables (see `ledger/outbox.rs` for the rows and their statuses) inside
//! the batch's transaction, then [`deliver`]ed after it, each success
//! committed on its own.

pub mod deliver;
pub mod store;

pub use crate::ledger::{DeliveryState, OutboxEntry, OutboxError, OutboxStatus, Queued};
pub use deliver::{DeliveryReport, deliver_pending};
pub use store::queue;

use chrono::FixedOffset;

use crate::report::{MessageLine, printable};

/// The outbox as the board lists it, times in `tz`.
pub fn board_lines(outbox: &[OutboxEntry], tz: FixedOffset) -> Vec<MessageLine> {
    outbox
        .iter()
        .map(|m| MessageLine {
            unit: m.unit.clone(),
            kind: m.kind.label().to_string(),
            subject: printable(&m.subject),
            recipients: printable(&m.recipients.join("，")),
            status: m.status.label().to_string(),
            trouble: m.status.needs_office() || m.retrying(),
            queued: Some(m.created_at.with_timezone(&tz)),
            sent: m.sent_at.map(|t| t.with_timezone(&tz)),
            error: m.last_error.as_deref().map(printable),
        })
        .collect()
}
