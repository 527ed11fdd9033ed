//! The official working-day calendar: State Council holidays and make-up
//! workdays (调休上班), compiled into the binary from `data/cn-workdays.csv`,
//! plus an optional campaign-level file in the same format for years the
//! built-in data does not cover yet.
//!
//! A date is a working day iff it is listed as `workday`, or it is
//! Monday–Friday and not listed as `holiday`. Asking about a year that no
//! data covers is not answered with a silent weekday guess: the answer is
//! still the weekday rule, but it comes flagged as [`Coverage::Guessed`] so
//! callers can warn.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use thiserror::Error;

/// The calendar shipped with baosong (2023–2026 at the time of writing).
const BUILTIN: &str = include_str!("../../data/cn-workdays.csv");

/// A problem reading a calendar file.
#[derive(Debug, Error)]
pub enum CalendarError {
    #[error("无法读取日历文件 {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "日历文件 {path} 第{line}行格式错误: {reason}（应为 date,kind,name，如 2027-01-01,holiday,元旦）"
    )]
    Line {
        path: String,
        line: usize,
        reason: String,
    },
}

/// Whether an answer rests on official data or on the plain weekday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    Official,
    /// The year is not in any calendar data: Monday–Friday was assumed.
    Guessed,
}

/// The kind of a listed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayKind {
    Holiday,
    Workday,
}

/// Holidays and make-up workdays for the covered years.
#[derive(Debug, Clone)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, (DayKind, String)>,
    years: BTreeSet<i32>,
}

impl Calendar {
    /// The built-in calendar.
    pub fn builtin() -> Calendar {
        let mut cal = Calendar {
            days: BTreeMap::new(),
            years: BTreeSet::new(),
        };
        cal.add_csv(BUILTIN, "data/cn-workdays.csv")
            .expect("the built-in calendar is valid (checked by tests)");
        cal
    }

    /// The built-in calendar plus an override file (same CSV format). Rows of
    /// the file win over built-in rows for the same date; every year that
    /// appears in the file counts as covered.
    pub fn with_override(path: &Path) -> Result<Calendar, CalendarError> {
        let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut cal = Calendar::builtin();
        cal.add_csv(&text, &path.display().to_string())?;
        Ok(cal)
    }

    fn add_csv(&mut self, text: &str, path: &str) -> Result<(), CalendarError> {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || (i == 0 && line.starts_with("date")) {
                continue;
            }
            let err = |reason: &str| CalendarError::Line {
                path: path.to_string(),
                line: i + 1,
                reason: reason.to_string(),
            };
            let mut parts = line.splitn(3, ',');
            let date = parts.next().unwrap_or_default().trim();
            let kind = parts.next().unwrap_or_default().trim();
            let name = parts.next().unwrap_or_default().trim();
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| err(&format!("日期“{date}”无法识别")))?;
            let kind = match kind {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::Workday,
                other => return Err(err(&format!("类型“{other}”应为 holiday 或 workday"))),
            };
            self.years.insert(date.year());
            self.days.insert(date, (kind, name.to_string()));
        }
        Ok(())
    }

    /// The years the data covers.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `year` is covered by official data.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Whether `date` is a working day, and on what basis.
    pub fn is_workday(&self, date: NaiveDate) -> (bool, Coverage) {
        let coverage = if self.covers(date.year()) {
            Coverage::Official
        } else {
            Coverage::Guessed
        };
        let workday = match self.days.get(&date) {
            Some((DayKind::Workday, _)) => true,
            Some((DayKind::Holiday, _)) => false,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        };
        (workday, coverage)
    }

    /// The holiday's name if `date` is an official holiday.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        match self.days.get(&date) {
            Some((DayKind::Holiday, name)) => Some(name),
            _ => None,
        }
    }

    /// The `n`-th working day after `date` (`date` itself not counted).
    /// `n = 0` gives `date` itself.
    pub fn add_workdays(&self, date: NaiveDate, n: u32) -> (NaiveDate, Coverage) {
        self.step_workdays(date, n, |d| d + Days::new(1))
    }

    /// The `n`-th working day before `date` (`date` itself not counted):
    /// "提前5个工作日" before an activity on `date`. `n = 0` gives `date`.
    pub fn sub_workdays(&self, date: NaiveDate, n: u32) -> (NaiveDate, Coverage) {
        self.step_workdays(date, n, |d| d - Days::new(1))
    }

    fn step_workdays(
        &self,
        date: NaiveDate,
        n: u32,
        step: impl Fn(NaiveDate) -> NaiveDate,
    ) -> (NaiveDate, Coverage) {
        let mut coverage = Coverage::Official;
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = step(day);
            let (work, cov) = self.is_workday(day);
            if cov == Coverage::Guessed {
                coverage = Coverage::Guessed;
            }
            if work {
                left -= 1;
            }
        }
        (day, coverage)
    }

    /// Working days strictly after `from` up to and including `to`
    /// (0 when `to <= from`). "Late by N working days" uses this with the
    /// deadline's date and the arrival's date.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> (i64, Coverage) {
        let mut coverage = Coverage::Official;
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day + Days::new(1);
            let (work, cov) = self.is_workday(day);
            if cov == Coverage::Guessed {
                coverage = Coverage::Guessed;
            }
            if work {
                count += 1;
            }
        }
        (count, coverage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_matches_the_published_yearly_totals() {
        let cal = Calendar::builtin();
        for (year, expected) in [(2023, 249), (2024, 251), (2025, 248), (2026, 248)] {
            let (n, cov) = cal.workdays_between(d(year - 1, 12, 31), d(year, 12, 31));
            assert_eq!((n, cov), (expected, Coverage::Official), "{year}");
        }
    }

    #[test]
    fn may_day_2025_and_its_make_up_sunday() {
        let cal = Calendar::builtin();
        // Sunday 27 April 2025 is a make-up workday.
        assert_eq!(cal.is_workday(d(2025, 4, 27)), (true, Coverage::Official));
        for day in 1..=5 {
            assert!(!cal.is_workday(d(2025, 5, day)).0, "5月{day}日");
            assert_eq!(cal.holiday_name(d(2025, 5, day)), Some("劳动节"));
        }
        // Activity on Friday 25 April: Sun 27, Mon 28, Tue 29, Wed 30, then Tue 6 May.
        assert_eq!(cal.add_workdays(d(2025, 4, 25), 5).0, d(2025, 5, 6));
        // Activity on Wednesday 30 April: 6, 7, 8, 9 May, Sat 10 is a weekend, Mon 12.
        assert_eq!(cal.add_workdays(d(2025, 4, 30), 5).0, d(2025, 5, 12));
    }

    #[test]
    fn working_days_counted_backwards_over_holidays_and_make_up_days() {
        let cal = Calendar::builtin();
        // Before Monday 12 May 2025: 9, 8, 7, 6 May, then over 劳动节
        // (1–5 May) to Wednesday 30 April.
        assert_eq!(cal.sub_workdays(d(2025, 5, 12), 5).0, d(2025, 4, 30));
        // Before Wednesday 30 April: 29, 28, Sunday 27 (调休上班), 25, 24.
        assert_eq!(cal.sub_workdays(d(2025, 4, 30), 5).0, d(2025, 4, 24));
        // 2024: before Monday 14 October, Saturday 12 October is a make-up
        // day; 国庆 1–7 October is skipped: 12, 11, 10, 9, 8 October.
        assert_eq!(cal.sub_workdays(d(2024, 10, 14), 5).0, d(2024, 10, 8));
        assert_eq!(cal.sub_workdays(d(2024, 10, 14), 6).0, d(2024, 9, 30));
        assert_eq!(cal.sub_workdays(d(2024, 10, 14), 0).0, d(2024, 10, 14));
    }

    #[test]
    fn uncovered_years_are_flagged_not_guessed_silently() {
        let cal = Calendar::builtin();
        assert!(!cal.covers(2027));
        assert_eq!(cal.is_workday(d(2027, 1, 4)), (true, Coverage::Guessed));
        assert_eq!(cal.add_workdays(d(2026, 12, 30), 3).1, Coverage::Guessed);
    }

    #[test]
    fn override_file_adds_a_year_and_reports_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2027.csv");
        std::fs::write(&path, "date,kind,name\n2027-01-01,holiday,元旦\n").unwrap();
        let cal = Calendar::with_override(&path).unwrap();
        assert!(cal.covers(2027));
        assert_eq!(cal.is_workday(d(2027, 1, 1)), (false, Coverage::Official));

        std::fs::write(&path, "date,kind,name\n2027-13-01,holiday,元旦\n").unwrap();
        let err = Calendar::with_override(&path).unwrap_err().to_string();
        assert!(err.contains("第2行"), "{err}");
    }
}
