//! Reading the times offices write in schedules: "5月", "6-8月", "5月15日",
//! "5月15日至19日", "2025年5月15日", "2025.5.15", "5月上旬".
//!
//! The result is a date range. A month-only time ends on the month's last
//! day (so "5月" is 1–31 May); the deadline rules count from the end.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

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

/// One side of a range: what was stated of year, month and day.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    /// 上旬 / 中旬 / 下旬: (first day, last day or 0 for month end).
    part: Option<(u32, u32)>,
}

/// Parses a schedule time; `year` is used when the text names none.
pub fn parse(text: &str, year: i32) -> Option<ActivityTime> {
    let norm = normalize(text);
    if norm.is_empty() {
        return None;
    }
    let (left, right) = split_range(&norm);
    let mut l = parse_partial(left)?;
    let r = match right {
        Some(r) => Some(parse_partial(r)?),
        None => None,
    };
    // "6-8月": a bare number before a month-only right side is a month.
    if let Some(r) = r
        && l.month.is_none()
        && r.month.is_some()
        && r.day.is_none()
    {
        l.month = l.day.take();
    }
    let l_year = l.year.unwrap_or(year);
    let l_month = l.month?;
    let start_day = l.day.or(l.part.map(|p| p.0)).unwrap_or(1);
    let start = NaiveDate::from_ymd_opt(l_year, l_month, start_day)?;
    let (end, month_only) = match r {
        None => match (l.day, l.part) {
            (Some(_), _) => (start, false),
            (None, Some((_, last))) => (day_or_month_end(l_year, l_month, last)?, false),
            (None, None) => (month_end(l_year, l_month)?, true),
        },
        Some(r) => {
            let r_year = r.year.unwrap_or(l_year);
            let r_month = r.month.unwrap_or(l_month);
            match (l.day, r.day) {
                (_, Some(d)) => (NaiveDate::from_ymd_opt(r_year, r_month, d)?, false),
                (None, None) => (month_end(r_year, r_month)?, true),
                (Some(_), None) => (month_end(r_year, r_month)?, false),
            }
        }
    };
    if end < start {
        return None;
    }
    Some(ActivityTime {
        text: text.trim().to_string(),
        start,
        end,
        month_only,
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

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

fn day_or_month_end(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if day == 0 {
        month_end(year, month)
    } else {
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

/// Full-width digits to ASCII, range words to '-', spaces dropped.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = match c {
            '０'..='９' => crate::fmt::half_width(c),
            '至' | '到' | '~' | '～' | '—' | '–' | '－' => '-',
            '．' | '。' | '/' => '.',
            '號' | '号' => '日',
            c if c.is_whitespace() => continue,
            c => c,
        };
        out.push(c);
    }
    out.trim_end_matches(['前', '间']).to_string()
}

/// Splits "A-B" into its sides; an ISO date "2025-05-15" is not a range.
fn split_range(s: &str) -> (&str, Option<&str>) {
    let dashes: Vec<usize> = s.match_indices('-').map(|(i, _)| i).collect();
    let iso_like = dashes.len() == 2 && s.chars().all(|c| c.is_ascii_digit() || c == '-');
    if iso_like || dashes.is_empty() {
        return (s, None);
    }
    let i = dashes[0];
    (&s[..i], Some(&s[i + 1..]))
}

fn parse_partial(s: &str) -> Option<Partial> {
    let mut p = Partial::default();
    // Dotted or dashed numeric dates: 2025.5.15, 5.15, 2025-05-15.
    if s.chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        let nums: Vec<u32> = s
            .split(['.', '-'])
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        match nums.as_slice() {
            [y, m, d] if *y > 1900 => {
                p.year = Some(*y as i32);
                p.month = Some(*m);
                p.day = Some(*d);
            }
            [m, d] if (1..=12).contains(m) => {
                p.month = Some(*m);
                p.day = Some(*d);
            }
            [d] => p.day = Some(*d),
            _ => return None,
        }
        return Some(p);
    }
    let mut num = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: Option<u32> = if num.is_empty() {
            None
        } else {
            num.parse().ok()
        };
        num.clear();
        match (c, n) {
            ('年', Some(y)) => p.year = Some(y as i32),
            ('月', Some(m)) if (1..=12).contains(&m) => p.month = Some(m),
            ('日', Some(d)) if (1..=31).contains(&d) => p.day = Some(d),
            ('上' | '中' | '下', None) if rest.starts_with('旬') => {
                p.part = Some(match c {
                    '上' => (1, 10),
                    '中' => (11, 20),
                    _ => (21, 0),
                });
                rest = &rest['旬'.len_utf8()..];
            }
            ('份', None) | ('底', None) | ('初', None) | ('内', None) => {}
            _ => return None,
        }
    }
    if !num.is_empty() {
        // A trailing bare number: a day ("5月15") or a month in "6-8".
        let n: u32 = num.parse().ok()?;
        if (p.month.is_some() && p.day.is_none()) || (p.month.is_none() && (1..=31).contains(&n)) {
            p.day = Some(n);
        } else {
            return None;
        }
    }
    if p.month.is_none() && p.day.is_none() && p.year.is_none() {
        return None;
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn range(text: &str) -> Option<(NaiveDate, NaiveDate, bool)> {
        parse(text, 2025).map(|t| (t.start, t.end, t.month_only))
    }

    #[test]
    fn the_shapes_offices_write() {
        assert_eq!(range("5月"), Some((d(5, 1), d(5, 31), true)));
        assert_eq!(range("6-8月"), Some((d(6, 1), d(8, 31), true)));
        assert_eq!(range("5月15日"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("5月15日至19日"), Some((d(5, 15), d(5, 19), false)));
        assert_eq!(range("5月15日-5月19日"), Some((d(5, 15), d(5, 19), false)));
        assert_eq!(range("5月28日至6月3日"), Some((d(5, 28), d(6, 3), false)));
        assert_eq!(range("2025年5月15日"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("2025.5.15"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("2025-05-15"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("５月１５日"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("5月上旬"), Some((d(5, 1), d(5, 10), false)));
        assert_eq!(range("5月下旬"), Some((d(5, 21), d(5, 31), false)));
        assert_eq!(range(" 12月 "), Some((d(12, 1), d(12, 31), true)));
    }

    #[test]
    fn what_is_not_a_time() {
        for bad in [
            "",
            "待定",
            "全年",
            "13月",
            "5月32日",
            "5月20日至5月1日",
            "另行通知",
        ] {
            assert_eq!(range(bad), None, "{bad}");
        }
    }
}
