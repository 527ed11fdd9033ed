//! Every date stated in free text, in order: `2025年5月15日`, `2025.5.15`,
//! `2025-05-15`, `5月15日(周四)` and ranges like `5月15日-16日` or
//! `2025年5月15日至5月17日`, among times, weekdays and names. A date without
//! a year takes the year of the date before it, else `default_year` (the
//! year most dates of the same workbook state), or is skipped.

use chrono::{Datelike, NaiveDate};

use super::{Token, tokens, ymd};

/// A number in the text and the mark right after it.
#[derive(Debug, Clone, Copy)]
struct Num {
    value: u32,
    digits: usize,
    next: Option<char>,
}

/// Every date stated in `text`, in order.
pub fn dates(text: &str, default_year: Option<i32>) -> Vec<NaiveDate> {
    let nums = numbers(&tokens(text));
    let mut out: Vec<NaiveDate> = Vec::new();
    let mut i = 0;
    while i < nums.len() {
        let n = nums[i];
        // Y M D with a year of four digits.
        if n.digits == 4 && matches!(n.next, Some('年' | '.' | '-')) && i + 2 < nums.len() {
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

/// The numbers of the text, each with the mark that follows it.
fn numbers(tokens: &[Token]) -> Vec<Num> {
    tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match *t {
            Token::Num { value, digits } => Some(Num {
                value,
                digits,
                next: match tokens.get(i + 1) {
                    Some(Token::Mark(c)) => Some(*c),
                    _ => None,
                },
            }),
            Token::Mark(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn chinese_and_dotted_dates() {
        assert_eq!(dates("2025年5月15日", None), vec![d(2025, 5, 15)]);
        assert_eq!(dates("2025.5.15 上午9:00", None), vec![d(2025, 5, 15)]);
        assert_eq!(dates("2025-05-15", None), vec![d(2025, 5, 15)]);
        assert_eq!(dates("2025/5/15", None), vec![d(2025, 5, 15)]);
        assert_eq!(dates("２０２５年５月１５日", None), vec![d(2025, 5, 15)]);
        assert_eq!(dates("5月15日(周四)", Some(2025)), vec![d(2025, 5, 15)]);
        assert_eq!(dates("5月15日", None), vec![]);
    }

    #[test]
    fn ranges() {
        assert_eq!(
            dates("5月15日-16日", Some(2025)),
            vec![d(2025, 5, 15), d(2025, 5, 16)]
        );
        assert_eq!(
            dates("5月15号至16号", Some(2025)),
            vec![d(2025, 5, 15), d(2025, 5, 16)]
        );
        assert_eq!(
            dates("2025年5月15日至5月17日", None),
            vec![d(2025, 5, 15), d(2025, 5, 17)]
        );
    }

    #[test]
    fn not_dates() {
        assert!(dates("0571-88886666", None).is_empty());
        assert!(dates("共12人", Some(2025)).is_empty());
    }
}
