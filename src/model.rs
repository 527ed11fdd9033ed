//! Plain data shared by several stages: the states a deliverable can be in.
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
