//! Plain data shared by several stages: the states a deliverable can be in,
//! what a message is for, and how an entry inside a container is named.
//!
//! The order of the variants is the order of badness: an activity's overall
//! state is the worst (greatest) of its deliverables' states, so an exempt
//! deliverable never hides another one's state.

use serde::{Deserialize, Serialize};

/// Where one unit stands on one deliverable of one activity, at the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not owed: the office exempted the unit (免报) or cancelled the
    /// activity (已取消) in `[[exemptions]]`; never chased.
    Exempt,
    /// Complete and arrived before the deadline.
    OnTime,
    /// Complete, but the last needed file arrived after the deadline.
    Late,
    /// Nothing (or not enough) yet, and the deadline has not passed.
    Pending,
    /// Something arrived but not enough (e.g. 2 of 3 photos), deadline passed.
    Incomplete,
    /// Only rejected files arrived.
    Invalid,
    /// Nothing usable arrived and the deadline has passed.
    Overdue,
}

impl State {
    /// The label printed in tables; readable in black-and-white print.
    pub fn label(self) -> &'static str {
        match self {
            State::Exempt => "免报",
            State::OnTime => "按时报送",
            State::Late => "逾期报送",
            State::Pending => "待报送",
            State::Incomplete => "材料不全",
            State::Invalid => "材料不合格",
            State::Overdue => "逾期未报",
        }
    }

    /// The stable name the ledger stores (`on_time`, `overdue`, …): the
    /// same text the JSON status uses, so ledgers written either way read.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Exempt => "exempt",
            State::OnTime => "on_time",
            State::Late => "late",
            State::Pending => "pending",
            State::Incomplete => "incomplete",
            State::Invalid => "invalid",
            State::Overdue => "overdue",
        }
    }

    /// The inverse of [`State::as_str`].
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether the unit still owes something for this deliverable.
    pub fn is_open(self) -> bool {
        !matches!(self, State::OnTime | State::Late | State::Exempt)
    }

    /// All states in the order reports list them.
    pub const ALL: [State; 7] = [
        State::OnTime,
        State::Late,
        State::Pending,
        State::Incomplete,
        State::Invalid,
        State::Overdue,
        State::Exempt,
    ];
}

/// The office's decision that a content (by its hash) is a unit's file,
/// and optionally for which deliverable: `baosong assign`. It holds
/// whatever path the content later has, so nothing in the inbox needs to
/// be moved or renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub hash: String,
    /// The unit's name as the roster writes it.
    pub unit: String,
    /// The deliverable's id, when the office named one.
    pub deliverable: Option<String>,
    /// The path the office named (for `assign --undo` and the listing).
    pub path: String,
}

/// Between a container's path and an entry inside it, in every path the
/// ledger records (`报送/县民政局.zip!/活动照片/1.jpg`).
pub const ENTRY_SEP: &str = "!/";

/// What a message is for; also its column value in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// 回执: what arrived from a unit in one batch and the verdict on it.
    Receipt,
    /// 催报: what a unit still owes.
    Reminder,
    /// 报送情况: the compiled report to leadership.
    Report,
    /// 工作摘要: the office's digest after each batch.
    Digest,
}

impl MailKind {
    /// The outbox column value and the file-name part of an .eml.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Receipt => "receipt",
            MailKind::Reminder => "reminder",
            MailKind::Report => "report",
            MailKind::Digest => "digest",
        }
    }

    /// The Chinese name shown to the office (`baosong outbox`).
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Receipt => "回执",
            MailKind::Reminder => "催报",
            MailKind::Report => "报送情况",
            MailKind::Digest => "工作摘要",
        }
    }

    /// The inverse of [`MailKind::as_str`].
    pub fn parse(s: &str) -> Option<MailKind> {
        [
            MailKind::Receipt,
            MailKind::Reminder,
            MailKind::Report,
            MailKind::Digest,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ledger's text for a state is what serde writes, so assessments
    /// stored before [`State::as_str`] existed read back unchanged.
    #[test]
    fn stored_text_matches_the_json_names_and_round_trips() {
        for st in State::ALL {
            assert_eq!(serde_json::to_value(st).unwrap(), st.as_str());
            assert_eq!(State::parse(st.as_str()), Some(st));
        }
        assert_eq!(State::parse("done"), None);
    }
}
