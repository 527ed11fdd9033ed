//! Deadline rules and their arithmetic: a fixed time for everyone
//! (建昌: 5月23日16时前) or N working days after the unit's activity
//! (泸溪: 活动结束后5个工作日内), plus per-unit extensions.
//!
//! "16时前" means before 16:00 local time: a file that arrives at 16:00:00
//! is late. A deadline written "24:00" ends with the day. Times are in the
//! campaign's time zone.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::calendar::{Calendar, Coverage};

/// A time of day a deadline falls at; `EndOfDay` is 24:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueTime {
    At(NaiveTime),
    EndOfDay,
}

/// When a deliverable is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineRule {
    Fixed(DateTime<Tz>),
    AfterActivity { workdays: u32, time: DueTime },
}

/// A deadline as computed for one activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The first instant that is too late.
    pub at: DateTime<Tz>,
    /// Whether the working-day count rested on official calendar data.
    pub coverage: Coverage,
}

/// The last day on which something was still on time: the deadline's own
/// day, or the day before for a deadline at 00:00 (a "24:00" deadline).
/// Working days late or overdue are counted from this day.
pub fn last_day<Tz: TimeZone>(due: &DateTime<Tz>) -> NaiveDate {
    (due.naive_local() - chrono::Duration::nanoseconds(1)).date()
}

/// Parses "16:00", "17:30" or "24:00".
pub fn parse_due_time(text: &str) -> Option<DueTime> {
    let t = text.trim();
    if t == "24:00" {
        return Some(DueTime::EndOfDay);
    }
    NaiveTime::parse_from_str(t, "%H:%M").ok().map(DueTime::At)
}

/// Parses a local date-time "2025-05-23T16:00" (or with a space, or a bare
/// date meaning the end of that day) in `tz`.
pub fn parse_local(text: &str, tz: Tz) -> Option<DateTime<Tz>> {
    local(tz, parse_naive(text)?)
}

/// A local date-time as [`parse_local`] reads it, before a zone is known
/// (the command line's `--now`, read before the campaign).
pub fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .map(|d| end_of(d, DueTime::EndOfDay))
        })
}

/// The instant a naive local time names (the earlier one in a DST fold).
pub fn local(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Tz>> {
    tz.from_local_datetime(&naive).earliest()
}

fn end_of(date: NaiveDate, time: DueTime) -> NaiveDateTime {
    match time {
        DueTime::At(t) => date.and_time(t),
        DueTime::EndOfDay => (date + Days::new(1)).and_time(NaiveTime::MIN),
    }
}

impl DeadlineRule {
    /// The deadline for an activity that ended on `activity_end` (needed for
    /// the after-activity rule; None when the schedule gave no usable time).
    pub fn due(&self, activity_end: Option<NaiveDate>, calendar: &Calendar, tz: Tz) -> Option<Due> {
        match self {
            DeadlineRule::Fixed(at) => Some(Due {
                at: *at,
                coverage: Coverage::Official,
            }),
            DeadlineRule::AfterActivity { workdays, time } => {
                let (day, coverage) = calendar.add_workdays(activity_end?, *workdays);
                Some(Due {
                    at: local(tz, end_of(day, *time))?,
                    coverage,
                })
            }
        }
    }
}

/// A deadline moved by an extension: a new time, or extra working days
/// counted from the old deadline's date.
pub fn extend(due: &Due, until: Option<DateTime<Tz>>, extra: Option<u32>, cal: &Calendar) -> Due {
    if let Some(at) = until {
        return Due {
            at,
            coverage: due.coverage,
        };
    }
    let Some(extra) = extra else {
        return due.clone();
    };
    let tz = due.at.timezone();
    let naive = due.at.naive_local();
    // A deadline at 00:00 ends the previous day: count from that day.
    let (date, time) = if naive.time() == NaiveTime::MIN {
        (naive.date() - Days::new(1), DueTime::EndOfDay)
    } else {
        (naive.date(), DueTime::At(naive.time()))
    };
    let (day, coverage) = cal.add_workdays(date, extra);
    let coverage = if coverage == Coverage::Guessed {
        coverage
    } else {
        due.coverage
    };
    Due {
        at: local(tz, end_of(day, time)).unwrap_or(due.at),
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn five_working_days_after_an_activity_across_may_day() {
        let cal = Calendar::builtin();
        let rule = DeadlineRule::AfterActivity {
            workdays: 5,
            time: DueTime::EndOfDay,
        };
        // Activity Tuesday 29 April 2025: 30 Apr, then 6, 7, 8, 9 May.
        let due = rule
            .due(NaiveDate::from_ymd_opt(2025, 4, 29), &cal, TZ)
            .unwrap();
        assert_eq!(due.at, parse_local("2025-05-10T00:00", TZ).unwrap());
        assert_eq!(due.coverage, Coverage::Official);
        // A month-only "5月" ends on Saturday 31 May; 端午 holiday 31 May–2 June.
        let due = rule
            .due(NaiveDate::from_ymd_opt(2025, 5, 31), &cal, TZ)
            .unwrap();
        assert_eq!(due.at, parse_local("2025-06-10T00:00", TZ).unwrap());
    }

    #[test]
    fn fixed_deadlines_and_their_times() {
        let at = parse_local("2025-05-23T16:00", TZ).unwrap();
        assert_eq!(at.to_rfc3339(), "2025-05-23T16:00:00+08:00");
        assert_eq!(parse_due_time("24:00"), Some(DueTime::EndOfDay));
        assert_eq!(parse_due_time("25:00"), None);
        assert_eq!(
            parse_local("2025-05-23", TZ).unwrap().to_rfc3339(),
            "2025-05-24T00:00:00+08:00"
        );
    }

    #[test]
    fn extensions_move_the_deadline() {
        let cal = Calendar::builtin();
        let due = Due {
            at: parse_local("2025-06-10T00:00", TZ).unwrap(),
            coverage: Coverage::Official,
        };
        // Three more working days after Monday 9 June: 10, 11, 12 June.
        let ext = extend(&due, None, Some(3), &cal);
        assert_eq!(ext.at, parse_local("2025-06-13T00:00", TZ).unwrap());
        let until = parse_local("2025-06-20T17:00", TZ);
        assert_eq!(extend(&due, until, None, &cal).at, until.unwrap());
    }
}
