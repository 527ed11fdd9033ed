//! The durable outbox: messages are [`store`]d in the ledger's outbox
//! tables (see `ledger/outbox.rs` for the rows and their statuses) inside
//! the batch's transaction, then [`deliver`]ed after it, each success
//! committed on its own.

pub mod deliver;
pub mod store;

pub use crate::ledger::{DeliveryState, OutboxEntry, OutboxError, Queued};
pub use deliver::{DeliveryReport, deliver_pending};
pub use store::queue;
