//! Dates written as text in Chinese schedules: `2025年5月15日`, `5月15日`,
//! `2025.5.15`, `2025-05-15`, `2025/5/15`, ranges like `5月15日-16日` or
//! `2025年5月15日至5月17日`, with times or weekdays after them. A date
//! without a year takes `default_year` (the year most dates of the same
//! workbook state), or is skipped when there is none.

use chrono::{Datelike, NaiveDate};

/// A number in the text and the character right after it.
#[derive(Debug, Clone, Copy)]
struct Num {
    value: u32,
    digits: usize,
    next: Option<char>,
}

/// Every date stated in `text`, in order.
pub fn parse_dates(text: &str, default_year: Option<i32>) -> Vec<NaiveDate> {
    let nums = numbers(text);
    let mut out: Vec<NaiveDate> = Vec::new();
    let mut i = 0;
    while i < nums.len() {
        let n = nums[i];
        let sep = |c: Option<char>| matches!(c, Some('年' | '.' | '-' | '/' | '．'));
        // Y M D with a year of four digits.
        if n.digits == 4 && sep(n.next) && i + 2 < nums.len() {
            let (m, d) = (nums[i + 1], nums[i + 2]);
            if let Some(date) = ymd(n.value as i32, m.value, d.value) {
                out.push(date);
                i += 3;
                continue;
            }
        }
        // M月D日 with the year from an earlier date or the default.
        if n.next == Some('月') && i + 1 < nums.len() && n.digits <= 2 {
            let year = out.last().map(|d| d.year()).or(default_year);
            if let Some(date) = year.and_then(|y| ymd(y, n.value, nums[i + 1].value)) {
                out.push(date);
                i += 2;
                continue;
            }
        }
        // A bare day after a date, closing a range: "5月15日-16日".
        if n.next == Some('日')
            && n.digits <= 2
            && let Some(last) = out.last().copied()
            && let Some(date) = last.with_day(n.value).filter(|d| *d > last)
        {
            out.push(date);
        }
        i += 1;
    }
    out
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1990..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn numbers(text: &str) -> Vec<Num> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(first) = digit(c) else { continue };
        let mut value = first;
        let mut digits = 1;
        while let Some(d) = chars.peek().and_then(|&c| digit(c)) {
            value = value.saturating_mul(10).saturating_add(d);
            digits += 1;
            chars.next();
        }
        out.push(Num {
            value,
            digits,
            next: chars.peek().copied(),
        });
    }
    out
}

/// ASCII and full-width digits.
fn digit(c: char) -> Option<u32> {
    crate::fmt::half_width(c).to_digit(10)
}

/// An Excel serial day number (1900 system) as a date, for numbers in date
/// columns that lack a date format (30000..=73000 ≈ 1982..2099).
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(30_000.0..=73_000.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn chinese_and_dotted_dates() {
        assert_eq!(parse_dates("2025年5月15日", None), vec![d(2025, 5, 15)]);
        assert_eq!(
            parse_dates("2025.5.15 上午9:00", None),
            vec![d(2025, 5, 15)]
        );
        assert_eq!(parse_dates("2025-05-15", None), vec![d(2025, 5, 15)]);
        assert_eq!(
            parse_dates("２０２５年５月１５日", None),
            vec![d(2025, 5, 15)]
        );
        assert_eq!(
            parse_dates("5月15日(周四)", Some(2025)),
            vec![d(2025, 5, 15)]
        );
        assert_eq!(parse_dates("5月15日", None), vec![]);
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_dates("5月15日-16日", Some(2025)),
            vec![d(2025, 5, 15), d(2025, 5, 16)]
        );
        assert_eq!(
            parse_dates("2025年5月15日至5月17日", None),
            vec![d(2025, 5, 15), d(2025, 5, 17)]
        );
    }

    #[test]
    fn not_dates() {
        assert!(parse_dates("0571-88886666", None).is_empty());
        assert!(parse_dates("共12人", Some(2025)).is_empty());
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(45792.0), Some(d(2025, 5, 15)));
        assert_eq!(from_excel_serial(12.0), None);
    }
}
