//! When batches ran, for the check of the system clock
//! (`src/pipeline/clock.rs`).

use chrono::{DateTime, FixedOffset};
use rusqlite::OptionalExtension;

use super::{Ledger, Result};

impl Ledger {
    /// When the last batch that judged by the system clock (its clock is
    /// its start: no `--now`, no configured `clock`) started.
    pub fn last_batch_on_system_clock(&self) -> Result<Option<DateTime<FixedOffset>>> {
        let started: Option<String> = self
            .conn
            .query_row(
                "SELECT started_at FROM batches WHERE clock = started_at ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(started.and_then(|s| DateTime::parse_from_rfc3339(&s).ok()))
    }
}
