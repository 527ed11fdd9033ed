//! One schedule time read as a date range: "5月", "6-8月", "5月15日",
//! "5月15日至19日", "2025年5月15日", "2025.5.15", "5月上旬", "5月底前".
//! A month-only time ends on the month's last day (so "5月" is 1–31 May):
//! the deadline rules count from the end.

use chrono::NaiveDate;

use super::{Token, month_end, tokens};

/// What a schedule time says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
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

/// Reads a schedule time; `year` is used when the text names none.
pub fn parse(text: &str, year: i32) -> Option<DateRange> {
    let mut all = tokens(text);
    while matches!(all.last(), Some(Token::Mark('前' | '间'))) {
        all.pop();
    }
    if all.is_empty() {
        return None;
    }
    let (left, right) = split(&all);
    let mut l = partial(left)?;
    let r = match right {
        Some(r) => Some(partial(r)?),
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
            (None, Some((_, 0))) => (month_end(l_year, l_month)?, false),
            (None, Some((_, last))) => (NaiveDate::from_ymd_opt(l_year, l_month, last)?, false),
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
    (end >= start).then_some(DateRange {
        start,
        end,
        month_only,
    })
}

/// Splits "A-B" at its first dash; an ISO date "2025-05-15" is not a range.
fn split(all: &[Token]) -> (&[Token], Option<&[Token]>) {
    let dash = |t: &Token| *t == Token::Mark('-');
    let iso_like = all.iter().filter(|t| dash(t)).count() == 2
        && all
            .iter()
            .all(|t| dash(t) || matches!(t, Token::Num { .. }));
    match all.iter().position(dash) {
        Some(i) if !iso_like => (&all[..i], Some(&all[i + 1..])),
        _ => (all, None),
    }
}

/// One side of a range.
fn partial(side: &[Token]) -> Option<Partial> {
    if side
        .iter()
        .all(|t| matches!(t, Token::Num { .. } | Token::Mark('.' | '-')))
    {
        return numeric(side);
    }
    let mut p = Partial::default();
    let mut number: Option<u32> = None;
    let mut rest = side.iter();
    while let Some(t) = rest.next() {
        let c = match *t {
            Token::Num { value, .. } => {
                if number.replace(value).is_some() {
                    return None; // two numbers with nothing between
                }
                continue;
            }
            Token::Mark(c) => c,
        };
        match (c, number.take()) {
            ('年', Some(y)) => p.year = Some(i32::try_from(y).ok()?),
            ('月', Some(m)) if (1..=12).contains(&m) => p.month = Some(m),
            ('日', Some(d)) if (1..=31).contains(&d) => p.day = Some(d),
            ('上' | '中' | '下', None) if rest.as_slice().first() == Some(&Token::Mark('旬')) =>
            {
                p.part = Some(match c {
                    '上' => (1, 10),
                    '中' => (11, 20),
                    _ => (21, 0),
                });
                rest.next();
            }
            ('份' | '底' | '初' | '内', None) => {}
            _ => return None,
        }
    }
    if let Some(n) = number {
        // A trailing bare number: a day ("5月15") or a month in "6-8".
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

/// Dotted or dashed numeric dates: 2025.5.15, 5.15, 2025-05-15 (numbers
/// with one separator between each two).
fn numeric(side: &[Token]) -> Option<Partial> {
    if side.len().is_multiple_of(2) {
        return None; // empty, or ends on a separator
    }
    let mut nums = Vec::new();
    for (i, t) in side.iter().enumerate() {
        match (i % 2, t) {
            (0, Token::Num { value, .. }) => nums.push(*value),
            (1, Token::Mark(_)) => {}
            _ => return None,
        }
    }
    let (year, month, day) = match nums[..] {
        [y, m, d] if y > 1900 => (Some(y as i32), Some(m), Some(d)),
        [m, d] if (1..=12).contains(&m) => (None, Some(m), Some(d)),
        [d] => (None, None, Some(d)),
        _ => return None,
    };
    Some(Partial {
        year,
        month,
        day,
        part: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn range(text: &str) -> Option<(NaiveDate, NaiveDate, bool)> {
        parse(text, 2025).map(|r| (r.start, r.end, r.month_only))
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
        assert_eq!(range("2025/5/15"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("５月１５日"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("5月15号"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("5月上旬"), Some((d(5, 1), d(5, 10), false)));
        assert_eq!(range("5月下旬"), Some((d(5, 21), d(5, 31), false)));
        assert_eq!(range("5月底前"), Some((d(5, 1), d(5, 31), true)));
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
            "2025.5.",
            "5 15日",
        ] {
            assert_eq!(range(bad), None, "{bad}");
        }
    }
}
