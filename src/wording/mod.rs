//! Every sentence about an assessment, made in one place from its typed
//! values, so the receipts, the reminders, the report, the board, the
//! digest and the terminal say the same thing in the same words.
//!
//! - [`items`]: an item's state in words: the cell of a table, the detail
//!   a unit reads, the few words a leader reads, an activity's remark;
//! - [`files`]: a file's [`Flag`](crate::assess::Flag)s, why it has no
//!   unit, how its unit knows it;
//! - [`notices`]: the assessment's questions and the batch's other
//!   findings as [`Notice`](crate::notice::Notice)s, with where and the fix.
//!
//! The report's own page-one prose (the situation paragraph, the legend)
//! is composed by [`crate::report::build`] from these words and counts.

pub mod files;
pub mod items;
pub mod notices;

pub use files::{
    ASSIGN_HINT, as_the_unit_knows_it, assign_command, flag, flags, shell_path, verdict,
    why_no_unit,
};
pub use items::{
    NOT_OWED, OPTIONAL_NOT_SENT, UNDATED, activity_reason, cell_text, cell_title, detail,
    exemption_label, joint_partner, joint_units, measure, of_them_joint, owed_after_listing,
    owed_text, reason, rejected_reason, retimed, state_text,
};
