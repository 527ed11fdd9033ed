//! Deadline rules and their arithmetic: a fixed time for everyone
//! (建昌: 5月23日16时前), or a day counted from the unit's activity: N
//! working days after it (泸溪: 活动结束后5个工作日内), N working days before
//! it (活动开展前提前5个工作日报备方案), N calendar days before or after it, or
//! the activity's own day; plus per-unit extensions.
//!
//! Days before an activity count back from its first day, days after it
//! count on from its last day; an activity the schedule gives only vaguely
//! (a month, 第三季度, 下旬) spans the whole of it, so "after" counts from
//! the end of that span and "before" from its start. Working days follow
//! the official calendar ([`Calendar`]): 调休 Saturdays and Sundays are
//! working days, holidays are not.
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
    /// One time for everyone: `{ at = "2025-05-23T16:00" }`.
    Fixed(DateTime<Tz>),
    /// A time on a day counted from the activity.
    Activity { day: ActivityDay, time: DueTime },
}

/// The day a deadline counted from the activity falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityDay {
    /// The N-th working day before the activity's first day.
    WorkdaysBefore(u32),
    /// N calendar days before the activity's first day.
    DaysBefore(u32),
    /// The activity's first day.
    FirstDay,
    /// N calendar days after the activity's last day.
    DaysAfter(u32),
    /// The N-th working day after the activity's last day.
    WorkdaysAfter(u32),
}

/// The days an activity takes, as a deadline counts from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityDays {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl ActivityDay {
    /// The day, and whether the working-day count rested on official data.
    fn of(self, days: ActivityDays, calendar: &Calendar) -> Option<(NaiveDate, Coverage)> {
        let official = |d: Option<NaiveDate>| d.map(|d| (d, Coverage::Official));
        match self {
            ActivityDay::WorkdaysBefore(n) => Some(calendar.sub_workdays(days.first, n)),
            ActivityDay::DaysBefore(n) => {
                official(days.first.checked_sub_days(Days::new(n.into())))
            }
            ActivityDay::FirstDay => official(Some(days.first)),
            ActivityDay::DaysAfter(n) => official(days.last.checked_add_days(Days::new(n.into()))),
            ActivityDay::WorkdaysAfter(n) => Some(calendar.add_workdays(days.last, n)),
        }
    }
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
    /// Whether the deadline falls before the activity begins (a plan, a
    /// notice of the activity): once the activity has begun, what was owed
    /// for it is late for good and no longer worth chasing.
    pub fn precedes_activity(&self) -> bool {
        matches!(
            self,
            DeadlineRule::Activity {
                day: ActivityDay::WorkdaysBefore(_)
                    | ActivityDay::DaysBefore(_)
                    | ActivityDay::FirstDay,
                ..
            }
        )
    }

    /// The deadline for an activity on `days` (needed by the rules counted
    /// from the activity; None when the schedule gave no usable time).
    pub fn due(&self, days: Option<ActivityDays>, calendar: &Calendar, tz: Tz) -> Option<Due> {
        match self {
            DeadlineRule::Fixed(at) => Some(Due {
                at: *at,
                coverage: Coverage::Official,
            }),
            DeadlineRule::Activity { day, time } => {
                let (day, coverage) = day.of(days?, calendar)?;
                Some(Due {
                    at: local(tz, end_of(day, *time))?,
                    coverage,
                })
            }
        }
    }

    /// Whether the deadline depends on the activity's days.
    pub fn counts_from_activity(&self) -> bool {
        matches!(self, DeadlineRule::Activity { .. })
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

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn on(first: NaiveDate, last: NaiveDate) -> Option<ActivityDays> {
        Some(ActivityDays { first, last })
    }

    fn rule(day: ActivityDay, time: &str) -> DeadlineRule {
        DeadlineRule::Activity {
            day,
            time: parse_due_time(time).unwrap(),
        }
    }

    fn due_at(rule: &DeadlineRule, days: Option<ActivityDays>) -> String {
        let due = rule.due(days, &Calendar::builtin(), TZ).unwrap();
        assert_eq!(due.coverage, Coverage::Official);
        due.at.format("%Y-%m-%dT%H:%M").to_string()
    }

    #[test]
    fn five_working_days_after_an_activity_across_may_day() {
        let rule = rule(ActivityDay::WorkdaysAfter(5), "24:00");
        // Activity Tuesday 29 April 2025: 30 Apr, then 6, 7, 8, 9 May.
        let day = d(2025, 4, 29);
        assert_eq!(due_at(&rule, on(day, day)), "2025-05-10T00:00");
        // A month-only "5月" ends on Saturday 31 May; 端午 holiday 31 May–2 June.
        assert_eq!(
            due_at(&rule, on(d(2025, 5, 1), d(2025, 5, 31))),
            "2025-06-10T00:00"
        );
    }

    #[test]
    fn working_days_before_an_activity_on_the_2025_calendar() {
        let before = rule(ActivityDay::WorkdaysBefore(5), "24:00");
        // Activity Thursday 15 May 2025: 14, 13, 12, 9, 8 May → 8 May 24:00.
        let day = d(2025, 5, 15);
        assert_eq!(due_at(&before, on(day, day)), "2025-05-09T00:00");
        // Activity Monday 12 May: 9, 8, 7, 6 May, then 劳动节 1–5 May is
        // skipped → Wednesday 30 April.
        let day = d(2025, 5, 12);
        assert_eq!(due_at(&before, on(day, day)), "2025-05-01T00:00");
        // Activity Thursday 9 October: 国庆中秋 1–8 October, and Sunday 28
        // September is a make-up working day: 30, 29, 28 (Sun), 26, 25.
        let day = d(2025, 10, 9);
        assert_eq!(due_at(&before, on(day, day)), "2025-09-26T00:00");
        // Counted from the first day of a range, at 17:00.
        let at_five = rule(ActivityDay::WorkdaysBefore(3), "17:00");
        assert_eq!(
            due_at(&at_five, on(d(2025, 6, 16), d(2025, 6, 20))),
            "2025-06-11T17:00"
        );
    }

    #[test]
    fn working_days_before_and_after_on_the_2024_calendar() {
        let before = rule(ActivityDay::WorkdaysBefore(5), "24:00");
        // Activity Monday 14 October 2024: Saturday 12 October is a make-up
        // day: 12, 11, 10, 9, 8 October → 8 October.
        let day = d(2024, 10, 14);
        assert_eq!(due_at(&before, on(day, day)), "2024-10-09T00:00");
        // Activity Wednesday 18 September 2024 (after 中秋 15–17): Saturday
        // 14 September is a make-up day: 14, 13, 12, 11, 10 September.
        let day = d(2024, 9, 18);
        assert_eq!(due_at(&before, on(day, day)), "2024-09-11T00:00");
        // Five working days after Friday 27 September 2024: Sunday 29
        // September is a make-up day, 国庆 1–7 October is not: 29, 30
        // September, 8, 9, 10 October.
        let after = rule(ActivityDay::WorkdaysAfter(5), "24:00");
        let day = d(2024, 9, 27);
        assert_eq!(due_at(&after, on(day, day)), "2024-10-11T00:00");
        // 春节 2024: after Thursday 8 February, Sunday 4 February is before
        // it; 10–17 February off, Sunday 18 February works: 9, 18, 19, 20, 21.
        let day = d(2024, 2, 8);
        assert_eq!(due_at(&after, on(day, day)), "2024-02-22T00:00");
    }

    #[test]
    fn a_vague_time_counts_from_its_span() {
        // "第三季度" 2025 is 1 July – 30 September: after it, 国庆中秋 1–8
        // October is off and Saturday 11 October works: 9, 10, 11, 13, 14.
        let after = rule(ActivityDay::WorkdaysAfter(5), "24:00");
        let q3 = on(d(2025, 7, 1), d(2025, 9, 30));
        assert_eq!(due_at(&after, q3), "2025-10-15T00:00");
        // Before it, from its first day: 30, 27, 26, 25, 24 June.
        let before = rule(ActivityDay::WorkdaysBefore(5), "24:00");
        assert_eq!(due_at(&before, q3), "2025-06-25T00:00");
    }

    #[test]
    fn calendar_days_and_the_activity_day() {
        let day = d(2025, 5, 31); // Saturday, 端午
        let days = on(d(2025, 5, 29), day);
        assert_eq!(
            due_at(&rule(ActivityDay::DaysBefore(3), "24:00"), days),
            "2025-05-27T00:00"
        );
        assert_eq!(
            due_at(&rule(ActivityDay::DaysAfter(7), "16:00"), days),
            "2025-06-07T16:00"
        );
        assert_eq!(
            due_at(&rule(ActivityDay::FirstDay, "09:00"), days),
            "2025-05-29T09:00"
        );
        // Without dates, an activity-relative rule has no deadline.
        let none = rule(ActivityDay::FirstDay, "09:00").due(None, &Calendar::builtin(), TZ);
        assert_eq!(none, None);
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
