//! An activity's time as the schedule states it: the text as written and
//! the date range it is read as ([`crate::datetext::range`]), or, when it
//! names no date, why ([`Undetermined`]): then no deadline counted from the
//! activity exists until the office writes one, and the office is asked.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::datetext::range::{self, NoRange};

/// When an activity takes place, as written and as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityTime {
    /// The text as the schedule wrote it (or the date, formatted, for date cells).
    pub text: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Only a month (or months: a quarter, a half or a whole year) was
    /// given, not a day.
    pub month_only: bool,
    /// The office marked the time as not final ("9月（待定）").
    #[serde(default)]
    pub tentative: bool,
}

/// Why an activity has no dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undetermined {
    /// The time cell is empty.
    Blank,
    /// The office wrote that the time is not fixed yet ("待定", "另行通知").
    Pending,
    /// The time cell holds something that is not a date.
    Unreadable,
    /// A list of units with a duty (no time column at all).
    NotScheduled,
}

impl Undetermined {
    /// What the schedule says, in Chinese: "开展时间“待定”尚未确定".
    pub fn describe(self, text: &str) -> String {
        match self {
            Undetermined::Blank => "开展时间为空".to_string(),
            Undetermined::Pending => format!("开展时间“{text}”尚未确定"),
            Undetermined::Unreadable => format!("开展时间“{text}”无法识别"),
            Undetermined::NotScheduled => "名单中没有开展时间".to_string(),
        }
    }
}

/// Reads a schedule time; `year` is used when the text names none.
pub fn read(text: &str, year: i32) -> Result<ActivityTime, Undetermined> {
    match range::parse(text, year) {
        Ok(r) => Ok(ActivityTime {
            text: text.trim().to_string(),
            start: r.start,
            end: r.end,
            month_only: r.month_only,
            tentative: r.tentative,
        }),
        Err(NoRange::Blank) => Err(Undetermined::Blank),
        Err(NoRange::Pending) => Err(Undetermined::Pending),
        Err(NoRange::Unreadable) => Err(Undetermined::Unreadable),
    }
}

/// An activity on a single known date (a real date cell).
pub fn from_date(date: NaiveDate) -> ActivityTime {
    ActivityTime {
        text: format!("{}月{}日", date.month(), date.day()),
        start: date,
        end: date,
        month_only: false,
        tentative: false,
    }
}
