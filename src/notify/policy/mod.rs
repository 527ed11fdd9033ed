//! What to send, decided by pure functions from plain inputs. Nothing here
//! touches the ledger, the clock or the network: the caller passes the batch
//! clock, the [`Calendar`], and (for reminders) the unit's past reminders
//! read from the outbox.
//!
//! Mapping the assessment onto the inputs:
//!
//! - [`ReceiptInput`]: per unit, per batch in which new or changed files of
//!   the unit arrived: the unit's contacts, the batch id, each new file
//!   ([`ReceivedFile`]: name, size, arrival time as displayed, the verdict),
//!   each of the unit's items in the report's words ([`ItemState`]) and
//!   what is still missing ([`MissingItem`]). → one receipt, event key
//!   `receipt:{unit}:{batch_id}`.
//! - [`ReminderInput`]: per unit, every (activity, deliverable) obligation
//!   with its [`State`] and deadline. → at most one reminder per unit per
//!   day, event key `reminder:{unit}:{YYYY-MM-DD}`, listing every open
//!   obligation in a reminder stage; the obligations that triggered it are
//!   recorded with their stage (`before@D`, `due@D`, `after{k}@D` for deadline
//!   date D), so a stage fires once and [`ReminderPolicy::max_per_deliverable`]
//!   can be counted.
//! - [`ReportInput`]: the overview numbers, the deadline dates, whether every
//!   unit is complete, and the compiled files. → event key `report:{date}`,
//!   or `report:complete` once when everything is in.
//! - [`DigestInput`]: what changed in the batch, unassigned files and
//!   ambiguous names. → event key `digest:{batch_id}`.
//!
//! Reminder stages for a deadline on date D (working days, official
//! calendar): *before* from the `days_before`-th working day before D until
//! the day before D; *due* on D while the deadline has not passed; *after k*
//! from the `1 + k·every_after`-th working day after D. A stage that could
//! not fire on its first day (holiday, outside office hours, server down and
//! expired) fires on the next eligible day of its window.
//!
//! [`Calendar`]: crate::campaign::calendar::Calendar
//! [`State`]: crate::model::State
//! [`ReminderPolicy::max_per_deliverable`]: crate::campaign::mail_config::ReminderPolicy::max_per_deliverable

mod digest;
mod receipt;
mod reminder;
mod report_mail;

pub use digest::*;
pub use receipt::*;
pub use reminder::*;
pub use report_mail::*;

use chrono::{DateTime, FixedOffset};
use lettre::message::Mailbox;
use serde::Serialize;

use super::message::{Attachment, Kind};

/// Fields every template sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letterhead {
    /// The campaign's title, e.g. 2025年泸溪县"政务公开主题日"活动.
    pub campaign: String,
    /// The organising office, e.g. 泸溪县行政审批服务局.
    pub office: String,
    /// The office's contact person, signing every message ("" if none).
    pub office_contact: String,
    /// The office's phone for questions, e.g. 0743-4262xxx ("" if none).
    pub office_phone: String,
    /// When the batch ran, e.g. 2025年5月6日 20:00（北京时间）.
    pub generated_at: String,
}

impl Letterhead {
    fn sample() -> Letterhead {
        Letterhead {
            campaign: "2025年泸溪县“政务公开主题日”活动".into(),
            office: "泸溪县行政审批服务局".into(),
            office_contact: "彭新月".into(),
            office_phone: "0743-0000000".into(),
            generated_at: "2025年5月6日 20:00（北京时间）".into(),
        }
    }
}

/// A message decided on, before rendering: who, why, and the template's
/// context.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<C> {
    pub kind: Kind,
    pub event_key: String,
    pub unit: Option<String>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub context: C,
    pub attachments: Vec<Attachment>,
    pub expires_at: Option<DateTime<FixedOffset>>,
}
