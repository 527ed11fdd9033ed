//! The durable outbox: messages are [`store`]d in the ledger's outbox
//! tables (see `ledger/outbox.rs` for the rows and their statuses) inside
//! the batch's transaction, then [`deliver`]ed after it, each success
//! committed on its own.

pub mod deliver;
pub mod store;

pub use crate::ledger::{DeliveryState, OutboxEntry, OutboxError, Queued};
pub use deliver::{DeliveryReport, deliver_pending};
pub use store::queue;

use chrono::{DateTime, FixedOffset};

use crate::report::{MessageLine, printable};

/// The outbox as the board lists it, times in `tz`.
pub fn board_lines(outbox: &[OutboxEntry], tz: FixedOffset) -> Vec<MessageLine> {
    let time = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&tz))
    };
    outbox
        .iter()
        .map(|m| MessageLine {
            unit: m.unit.clone(),
            kind: m.kind.label().to_string(),
            subject: printable(&m.subject),
            recipients: printable(&m.recipients.join("，")),
            status: m.status_label().to_string(),
            trouble: matches!(m.status.as_str(), "failed" | "uncertain")
                || (m.status == "queued" && m.last_error.is_some()),
            queued: time(&m.created_at),
            sent: m.sent_at.as_deref().and_then(time),
            error: m.last_error.as_deref().map(printable),
        })
        .collect()
}
