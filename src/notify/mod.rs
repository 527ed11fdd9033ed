//! Stage 7, notify: receipts (回执), reminders (催报), the report mail
//! (报送情况) and the office digest (工作摘要), delivered exactly once
//! through a durable outbox.
pub mod config;
pub mod message;
pub mod outbox;
pub mod transport;
pub mod policy;
pub mod templates;
