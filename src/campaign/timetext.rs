//! An activity's time as the schedule states it: the text as written and
//! the date range it is read as ([`crate::datetext::range`]).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::datetext::range;

/// When an activity takes place, as written and as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityTime {
    /// The text as the schedule wrote it (or the date, formatted, for date cells).
    pub text: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Only a month (or months) was given, not a day.
    pub month_only: bool,
}

/// Reads a schedule time; `year` is used when the text names none.
pub fn parse(text: &str, year: i32) -> Option<ActivityTime> {
    let r = range::parse(text, year)?;
    Some(ActivityTime {
        text: text.trim().to_string(),
        start: r.start,
        end: r.end,
        month_only: r.month_only,
    })
}

/// An activity on a single known date (a real date cell).
pub fn from_date(date: NaiveDate) -> ActivityTime {
    ActivityTime {
        text: format!("{}月{}日", date.month(), date.day()),
        start: date,
        end: date,
        month_only: false,
    }
}
