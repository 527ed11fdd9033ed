//! When a file arrived. Not its modification time: copies keep the
//! sender's mtime. A version's arrival is fixed by the first batch that sees
//! it and stored in the ledger, never re-derived.
//!
//! The rule, for a batch evaluated at clock T whose previous completed
//! batch ran at clock P:
//! - a saved e-mail (and every attachment in it) arrived when the
//!   receiving server got it (its Received header), but no later than the
//!   file appeared in the inbox and no later than T;
//! - any other file arrived when it appeared in the inbox: its birth time
//!   where the file system records one (first version of a path), else its
//!   change time (ctime; a changed file's new version), clamped into
//!   (P, T]: a file first seen by this batch arrived after the previous
//!   batch and no later than T. The lower clamp is skipped for a file the
//!   previous batch already saw while it was still being copied;
//! - an entry inside an archive arrived with the archive;
//! - content the ledger holds already, under whatever path (a file or
//!   folder moved, renamed or copied inside the inbox), keeps its first
//!   arrival: only new content is a new arrival ([`known`]).
//!
//! With `--now` set in the past (a back-fill), files the file system dates
//! later than T arrive at T, so a test can play a campaign night by night.

use chrono::{DateTime, FixedOffset, Utc};

use crate::store::ArrivalBasis as Basis;

/// What the batch knows when it first sees a version.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub birth: Option<DateTime<Utc>>,
    pub ctime: DateTime<Utc>,
    /// The path had an earlier version (so birth says nothing of this one).
    pub changed: bool,
    /// The previous batch saw the file while it was still being copied.
    pub was_receiving: bool,
}

/// The arrival of a file (not inside a container).
pub fn arrival(
    seen: Seen,
    email_received: Option<DateTime<FixedOffset>>,
    clock: DateTime<FixedOffset>,
    previous: Option<DateTime<FixedOffset>>,
) -> (DateTime<FixedOffset>, Basis) {
    let tz = clock.timezone();
    let (fs_time, fs_basis) = match (seen.birth, seen.changed) {
        (Some(b), false) if b <= seen.ctime => (b, Basis::Birth),
        _ => (seen.ctime, Basis::Ctime),
    };
    let fs_time = fs_time.with_timezone(&tz);
    if let Some(received) = email_received {
        let t = received.min(fs_time);
        return if t > clock {
            (clock, Basis::Clock)
        } else {
            (t, Basis::Email)
        };
    }
    if fs_time > clock {
        return (clock, Basis::Clock);
    }
    match previous {
        Some(p) if fs_time <= p && !seen.was_receiving => (p, Basis::PreviousBatch),
        _ => (fs_time, fs_basis),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn seen(ctime: &str) -> Seen {
        Seen {
            birth: None,
            ctime: t(ctime).with_timezone(&Utc),
            changed: false,
            was_receiving: false,
        }
    }

    #[test]
    fn the_clamp_into_previous_batch_and_clock() {
        let clock = t("2025-06-13T20:00:00+08:00");
        let prev_batch = t("2025-06-12T20:00:00+08:00");
        let prev = Some(prev_batch);
        // Between the batches: taken as is.
        let (a, b) = arrival(seen("2025-06-13T09:00:00+08:00"), None, clock, prev);
        assert_eq!((a, b), (t("2025-06-13T09:00:00+08:00"), Basis::Ctime));
        // Later than the clock (a back-fill): the clock.
        let (a, b) = arrival(seen("2026-11-23T09:00:00+08:00"), None, clock, prev);
        assert_eq!((a, b), (clock, Basis::Clock));
        // Before the previous batch, which did not see it.
        let (a, b) = arrival(seen("2025-06-01T09:00:00+08:00"), None, clock, prev);
        assert_eq!((a, b), (prev_batch, Basis::PreviousBatch));
        // ... unless that batch saw it being copied.
        let mut s = seen("2025-06-12T19:59:00+08:00");
        s.was_receiving = true;
        assert_eq!(arrival(s, None, clock, prev).1, Basis::Ctime);
    }

    #[test]
    fn e_mails_arrive_when_the_server_got_them() {
        let clock = t("2025-06-13T20:00:00+08:00");
        let prev_batch = t("2025-06-12T20:00:00+08:00");
        let prev = Some(prev_batch);
        let received = Some(t("2025-06-05T10:12:00+08:00"));
        let (a, b) = arrival(seen("2026-11-23T09:00:00+08:00"), received, clock, prev);
        assert_eq!((a, b), (t("2025-06-05T10:12:00+08:00"), Basis::Email));
    }
}
