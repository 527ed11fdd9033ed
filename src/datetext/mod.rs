//! Dates as Chinese offices write them: `2025年5月15日`, `5月15日`,
//! `2025.5.15`, `2025-05-15`, `2025/5/15`, `5月15日至19日`, `6-8月`,
//! `5月上旬`, `第三季度`, `二〇二五年九月`, with full-width digits,
//! Chinese numerals, `号` for `日` and any of 至/到/~/～/—/－ between the
//! ends of a range.
//!
//! One tokenizer reads all of them ([`tokens`]); two readers stand on it:
//! - [`scan::dates`]: every date stated in free text, e.g. the cells of an
//!   inspected schedule, where dates sit among times, weekdays and names;
//! - [`range::parse`]: one cell of the campaign's schedule read as the
//!   activity's date range, month-only and 上旬/中旬/下旬 times included.

pub mod range;
pub mod scan;

use chrono::NaiveDate;

/// A piece of date text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// A run of digits (ASCII or full-width); `value` saturates.
    Num { value: u32, digits: usize },
    /// Any other character, normalised: range words to `-`, `．` `。` `/`
    /// to `.`, `号` to `日`, `：` to `:`. Whitespace ends a number and is
    /// dropped.
    Mark(char),
}

/// The text as tokens.
pub fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().map(crate::fmt::half_width).collect();
    let mut out = Vec::new();
    let mut number: Option<(u32, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(d) = c.to_digit(10) {
            let (value, digits) = number.unwrap_or((0, 0));
            number = Some((value.saturating_mul(10).saturating_add(d), digits + 1));
            i += 1;
            continue;
        }
        if let Some((value, digits)) = number.take() {
            out.push(Token::Num { value, digits });
        }
        if let Some((value, digits, len)) = chinese_date_number(&chars[i..]) {
            out.push(Token::Num { value, digits });
            i += len;
            continue;
        }
        i += 1;
        if c.is_whitespace() {
            continue;
        }
        out.push(Token::Mark(match c {
            '至' | '到' | '~' | '～' | '—' | '–' | '－' => '-',
            '．' | '。' | '/' => '.',
            '號' | '号' => '日',
            '：' => ':',
            c => c,
        }));
    }
    if let Some((value, digits)) = number {
        out.push(Token::Num { value, digits });
    }
    out
}

/// Chinese numerals (〇一二…十) in the run at the start of `chars`.
const CHINESE_DIGITS: &str = "〇零一二两三四五六七八九";

/// A number written in Chinese numerals at the start of `chars` when it is
/// part of a date: right before 年 / 月 / 日 / 号 / 季 (`二〇二五年`, `九月`,
/// `二十日`, `三季度`), or before a range word and another such number
/// (`二至三季度`, `二、三季度`). Other Chinese numerals (`一是`, `三个`) stay
/// text. Returns the value, its decimal digits and the characters read.
fn chinese_date_number(chars: &[char]) -> Option<(u32, usize, usize)> {
    let len = chars
        .iter()
        .take_while(|c| CHINESE_DIGITS.contains(**c) || **c == '十')
        .count();
    if len == 0 {
        return None;
    }
    let run = &chars[..len];
    let value = if let Some(ten) = run.iter().position(|&c| c == '十') {
        let digit = |cs: &[char], default: u32| match cs {
            [] => Some(default),
            [c] => chinese_digit(*c),
            _ => None,
        };
        digit(&run[..ten], 1)? * 10 + digit(&run[ten + 1..], 0)?
    } else {
        run.iter()
            .try_fold(0u32, |v, &c| Some(v.saturating_mul(10) + chinese_digit(c)?))?
    };
    let digits = if run.contains(&'十') { 2 } else { len };
    let next = chars.get(len).copied();
    let dated = |c: Option<char>| matches!(c, Some('年' | '月' | '日' | '号' | '號' | '季'));
    let ranged = matches!(
        next,
        Some('至' | '到' | '-' | '~' | '～' | '—' | '–' | '－' | '、')
    ) && chinese_date_number(&chars[len + 1..]).is_some();
    (dated(next) || ranged).then_some((value, digits, len))
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A date from year, month and day, for years an office would write.
fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1990..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The last day of a month.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
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
    use super::Token::{Mark, Num};
    use super::*;

    #[test]
    fn tokens_fold_widths_and_range_words() {
        assert_eq!(
            tokens("２０２５年5月15号 至 16号"),
            vec![
                Num {
                    value: 2025,
                    digits: 4
                },
                Mark('年'),
                Num {
                    value: 5,
                    digits: 1
                },
                Mark('月'),
                Num {
                    value: 15,
                    digits: 2
                },
                Mark('日'),
                Mark('-'),
                Num {
                    value: 16,
                    digits: 2
                },
                Mark('日'),
            ]
        );
        // Whitespace ends a number: "2025 5" is two numbers, not 20255.
        assert_eq!(
            tokens("2025 5"),
            vec![
                Num {
                    value: 2025,
                    digits: 4
                },
                Num {
                    value: 5,
                    digits: 1
                }
            ]
        );
        assert_eq!(tokens("2025/5"), tokens("2025．5"));
    }

    #[test]
    fn chinese_numerals_in_dates_are_numbers() {
        assert_eq!(tokens("二〇二五年九月二十日"), tokens("2025年9月20日"));
        assert_eq!(tokens("十月三十一日"), tokens("10月31日"));
        assert_eq!(tokens("十一月"), tokens("11月"));
        assert_eq!(tokens("第三季度"), tokens("第3季度"));
        assert_eq!(tokens("二至三季度"), tokens("2至3季度"));
        assert_eq!(tokens("二、三季度"), tokens("2、3季度"));
        // Elsewhere they stay text.
        assert_eq!(tokens("一是"), vec![Mark('一'), Mark('是')]);
        assert_eq!(tokens("三个"), vec![Mark('三'), Mark('个')]);
    }

    #[test]
    fn excel_serials() {
        let d = NaiveDate::from_ymd_opt(2025, 5, 15);
        assert_eq!(from_excel_serial(45792.0), d);
        assert_eq!(from_excel_serial(12.0), None);
    }
}
