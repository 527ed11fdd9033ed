//! One schedule time read as a date range: "5月", "6-8月", "5月15日",
//! "5月15日至19日", "2025年5月15日", "2025.5.15", "5月上旬", "5月底前",
//! "5月下旬至6月上旬", "第三季度" / "三季度" / "Q3", "上半年", "年内", "年底",
//! "9月（待定）", "5月15日（周四）上午".
//!
//! A vague time spans all it may mean: "5月" is 1–31 May, "第三季度" 1 July –
//! 30 September, "年内" the whole year, "5月底" 21–31 May (月初 1–10, 月中
//! 11–20, like 上/中/下旬), and a trailing 前 ("5月底前", "年底前") starts the
//! span at the beginning of the month or the year. Deadlines count from the
//! span's end ("after") or its start ("before").
//!
//! A time that names no date is not a range but a reason
//! ([`NoRange`]): blank, not fixed yet ("待定", "另行通知"), or unreadable.

use chrono::NaiveDate;

use super::{Token, month_end, tokens};

/// What a schedule time says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Only a month (or months: a quarter, a half or a whole year) was
    /// given, not a day.
    pub month_only: bool,
    /// The office marked the time as not final ("9月（待定）", "暂定").
    pub tentative: bool,
}

/// Why a schedule time is not a date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRange {
    /// Nothing written.
    Blank,
    /// The office wrote that the time is not fixed yet: 待定, 另行通知, 择期…
    Pending,
    /// Something that is not a date.
    Unreadable,
}

/// Words saying a time is not fixed yet.
const PENDING: [&str; 15] = [
    "待定",
    "另行",
    "另定",
    "未定",
    "再定",
    "待通知",
    "待安排",
    "待确定",
    "暂定",
    "择期",
    "适时",
    "视情",
    "根据",
    "按照",
    "tbd",
];

/// Words around a time that say nothing of the dates.
const FILLERS: [&str; 11] = [
    "开展", "举行", "举办", "进行", "期间", "时间", "前后", "左右", "之间", "以内", "通知",
];

/// One side of a range: what was stated of year, month and day.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    /// 上旬 / 中旬 / 下旬, 月初 / 月中 / 月底: (first day, last day or 0 for
    /// the month's end).
    part: Option<(u32, u32)>,
    /// Months stated without a month: a quarter, a half, the whole year.
    months: Option<(u32, u32)>,
    /// The months were a quarter (so a bare number before "至三季度" is one).
    quarter: bool,
    /// The span `months` was narrowed from by 初 / 底 / 末 ("年底" is
    /// December of the year): where "年底前" starts.
    outer: Option<(u32, u32)>,
}

/// Reads a schedule time; `year` is used when the text names none.
pub fn parse(text: &str, year: i32) -> Result<DateRange, NoRange> {
    let mut plain = without_remarks(text).to_lowercase();
    let pending = PENDING.iter().any(|w| text.to_lowercase().contains(w));
    for word in PENDING.iter().chain(&FILLERS) {
        plain = plain.replace(word, "");
    }
    let mut all = without_time_of_day(&tokens(&plain));
    let before = all.last() == Some(&Token::Mark('前'));
    if before {
        all.pop();
    }
    let why = if pending {
        NoRange::Pending
    } else if text.trim().is_empty() {
        NoRange::Blank
    } else {
        NoRange::Unreadable
    };
    let mut range = read(&all, year, before).ok_or(why)?;
    range.tentative = pending;
    Ok(range)
}

/// The text without bracketed remarks ("（周四）", "(待定)", "【暂定】").
fn without_remarks(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' | '〔' | '［' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' | '］' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The tokens without times of day and weekdays ("上午", "9:00", "9时30分",
/// "周四", "星期四"), which say nothing of the dates.
fn without_time_of_day(all: &[Token]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mark = |i: usize| match all.get(i) {
        Some(Token::Mark(c)) => Some(*c),
        _ => None,
    };
    while i < all.len() {
        let pair = (mark(i), mark(i + 1));
        match (all[i], pair) {
            // 上午 下午 中午 晚上 早上 全天 傍晚 夜间
            (
                Token::Mark(_),
                (Some('上' | '下' | '中'), Some('午'))
                | (Some('晚' | '早'), Some('上'))
                | (Some('全' | '白'), Some('天'))
                | (Some('傍'), Some('晚'))
                | (Some('夜'), Some('间')),
            ) => i += 2,
            // 周四, 星期四, 礼拜四
            (Token::Mark('周'), _) if weekday(all.get(i + 1)) => i += 2,
            (Token::Mark('星' | '礼'), (_, Some('期' | '拜'))) if weekday(all.get(i + 2)) => {
                i += 3
            }
            // 9:00, 9时, 9点30分, 9时半
            (Token::Num { .. }, (_, Some(':' | '时' | '点'))) => {
                i += 2;
                if matches!(all.get(i), Some(Token::Num { .. })) {
                    i += 1;
                }
                if matches!(mark(i), Some('分' | '半')) {
                    i += 1;
                }
            }
            (t, _) => {
                out.push(t);
                i += 1;
            }
        }
    }
    // A range of times ("9:00-11:00") leaves a dash with nothing on a side.
    let mut cleaned: Vec<Token> = Vec::new();
    for t in out {
        let dash = t == Token::Mark('-');
        if dash && matches!(cleaned.last(), None | Some(Token::Mark('-'))) {
            continue;
        }
        cleaned.push(t);
    }
    if cleaned.last() == Some(&Token::Mark('-')) {
        cleaned.pop();
    }
    cleaned
}

fn weekday(t: Option<&Token>) -> bool {
    match t {
        Some(Token::Mark(c)) => "一二三四五六日天".contains(*c),
        Some(Token::Num { value, .. }) => (1..=7).contains(value),
        None => false,
    }
}

/// The range the (cleaned) tokens state.
fn read(all: &[Token], year: i32, before: bool) -> Option<DateRange> {
    let all = iso_dates_spelled_out(all);
    let (left, right) = split(&all);
    let mut l = partial(left)?;
    let r = match right {
        Some(r) => Some(partial(r)?),
        None => None,
    };
    if let Some(r) = r
        && l.month.is_none()
        && l.months.is_none()
    {
        // "6-8月": a bare number before a month is a month; "二至三季度":
        // before a quarter, a quarter.
        if r.quarter {
            l.months = l.day.take().and_then(quarter);
            l.quarter = l.months.is_some();
        } else if r.month.is_some() && r.day.is_none() {
            l.month = l.day.take();
        }
    }
    let l_year = l.year.unwrap_or(year);
    let start = first_day(&l, l_year, before)?;
    let (end, month_only) = match r {
        None => last_day(&l, l_year, None)?,
        Some(r) => last_day(&r, r.year.unwrap_or(l_year), l.month)?,
    };
    (end >= start).then_some(DateRange {
        start,
        end,
        month_only,
        tentative: false,
    })
}

/// The first day a side states: its day, else the start of its part of the
/// month, else the month's or months' first day. With `before` ("5月底前"),
/// the month's or months' first day.
fn first_day(p: &Partial, year: i32, before: bool) -> Option<NaiveDate> {
    if let Some((first, _)) = p.months {
        let first = match p.outer {
            Some((outer, _)) if before => outer,
            _ => first,
        };
        return NaiveDate::from_ymd_opt(year, first, 1);
    }
    let month = p.month?;
    let day = match (p.day, p.part) {
        (Some(d), _) => d,
        (None, Some((first, _))) if !before => first,
        _ => 1,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The last day a side states, and whether only months were stated.
/// `month` is the other side's month for a side without one ("至19日").
fn last_day(p: &Partial, year: i32, month: Option<u32>) -> Option<(NaiveDate, bool)> {
    if let Some((_, last)) = p.months {
        return Some((month_end(year, last)?, true));
    }
    let month = p.month.or(month)?;
    Some(match (p.day, p.part) {
        (Some(d), _) => (NaiveDate::from_ymd_opt(year, month, d)?, false),
        (None, Some((_, 0))) => (month_end(year, month)?, false),
        (None, Some((_, last))) => (NaiveDate::from_ymd_opt(year, month, last)?, false),
        (None, None) => (month_end(year, month)?, true),
    })
}

/// "2025-05-15" as "2025年5月15日", so that every dash left is a range word.
fn iso_dates_spelled_out(all: &[Token]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if let [
            y @ Token::Num { digits: 4, .. },
            Token::Mark('-'),
            m @ Token::Num { digits: 1 | 2, .. },
            Token::Mark('-'),
            d @ Token::Num { digits: 1 | 2, .. },
            ..,
        ] = &all[i..]
        {
            out.extend([
                *y,
                Token::Mark('年'),
                *m,
                Token::Mark('月'),
                *d,
                Token::Mark('日'),
            ]);
            i += 5;
            continue;
        }
        out.push(all[i]);
        i += 1;
    }
    out
}

/// Splits "A-B" (or "A、B", "A-…-B") into its first and last parts.
fn split(all: &[Token]) -> (&[Token], Option<&[Token]>) {
    let dash = |t: &Token| matches!(t, Token::Mark('-' | '、' | '和' | '及'));
    match (all.iter().position(dash), all.iter().rposition(dash)) {
        (Some(first), Some(last)) => (&all[..first], Some(&all[last + 1..])),
        _ => (all, None),
    }
}

/// The months of quarter `q`.
fn quarter(q: u32) -> Option<(u32, u32)> {
    (1..=4).contains(&q).then(|| (3 * q - 2, 3 * q))
}

/// One side of a range.
fn partial(side: &[Token]) -> Option<Partial> {
    if side
        .iter()
        .all(|t| matches!(t, Token::Num { .. } | Token::Mark('.')))
    {
        return numeric(side);
    }
    let mut p = Partial::default();
    let mut number: Option<u32> = None;
    let mut rest = side.iter().peekable();
    let next_is = |rest: &mut std::iter::Peekable<std::slice::Iter<Token>>, c: char| {
        rest.next_if(|t| **t == Token::Mark(c)).is_some()
    };
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
            ('季', Some(q)) => {
                next_is(&mut rest, '度');
                p.months = Some(quarter(q)?);
                p.quarter = true;
            }
            ('Q' | 'q', None) => match rest.next() {
                Some(Token::Num { value, .. }) => {
                    p.months = Some(quarter(*value)?);
                    p.quarter = true;
                }
                _ => return None,
            },
            ('上' | '中' | '下', None) if next_is(&mut rest, '旬') => {
                p.part = Some(match c {
                    '上' => (1, 10),
                    '中' => (11, 20),
                    _ => (21, 0),
                });
            }
            ('上' | '下', None) if next_is(&mut rest, '半') => {
                if !next_is(&mut rest, '年') {
                    return None;
                }
                p.months = Some(if c == '上' { (1, 6) } else { (7, 12) });
            }
            // 全年, 本年度, 年内, 年度
            ('全' | '本', None) if next_is(&mut rest, '年') => {
                next_is(&mut rest, '度');
                p.months = Some((1, 12));
            }
            ('年', None) if p.month.is_none() => {
                if next_is(&mut rest, '内') || next_is(&mut rest, '度') {
                    p.months = Some((1, 12));
                } else if next_is(&mut rest, '底') || next_is(&mut rest, '末') {
                    p.months = Some((12, 12));
                    p.outer = Some((1, 12));
                } else if next_is(&mut rest, '初') {
                    p.months = Some((1, 1));
                    p.outer = Some((1, 12));
                } else {
                    return None;
                }
            }
            // 长期, 常态化, 常年: all year.
            ('长', None) if next_is(&mut rest, '期') => p.months = Some((1, 12)),
            ('常', None) if next_is(&mut rest, '年') => p.months = Some((1, 12)),
            ('常', None) if next_is(&mut rest, '态') => {
                next_is(&mut rest, '化');
                p.months = Some((1, 12));
            }
            // 内 after a year: "2025年内".
            ('内' | '度', None) if p.year.is_some() && p.month.is_none() && p.months.is_none() => {
                p.months = Some((1, 12));
            }
            // 月初 / 月中 / 月底 / 月末 after a month; 季度末 after a quarter.
            ('初' | '中' | '底' | '末', None) if p.month.is_some() && p.day.is_none() => {
                p.part = Some(match c {
                    '初' => (1, 10),
                    '中' => (11, 20),
                    _ => (21, 0),
                });
            }
            ('初' | '底' | '末', None) if p.months.is_some() => {
                let (first, last) = p.months?;
                p.outer = p.months;
                p.months = Some(if c == '初' {
                    (first, first)
                } else {
                    (last, last)
                });
            }
            ('第' | '份', None) => {}
            ('内', None) if p.month.is_some() => {}
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
    if p.month.is_none() && p.day.is_none() && p.year.is_none() && p.months.is_none() {
        return None;
    }
    if p.year.is_some() && p.month.is_none() && p.months.is_none() && p.day.is_none() {
        p.months = Some((1, 12)); // "2025年": the whole year
    }
    Some(p)
}

/// Dotted numeric dates: 2025.5.15, 5.15 (numbers with one separator
/// between each two).
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
        ..Partial::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn range(text: &str) -> Option<(NaiveDate, NaiveDate, bool)> {
        parse(text, 2025)
            .ok()
            .map(|r| (r.start, r.end, r.month_only))
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
        assert_eq!(range("5月底前"), Some((d(5, 1), d(5, 31), false)));
        assert_eq!(range(" 12月 "), Some((d(12, 1), d(12, 31), true)));
    }

    #[test]
    fn quarters_halves_and_the_year() {
        for q3 in [
            "第三季度",
            "三季度",
            "Q3",
            "q3",
            "第3季度",
            "2025年第三季度",
            "Ｑ３",
        ] {
            assert_eq!(range(q3), Some((d(7, 1), d(9, 30), true)), "{q3}");
        }
        assert_eq!(range("第一季度"), Some((d(1, 1), d(3, 31), true)));
        assert_eq!(range("四季度"), Some((d(10, 1), d(12, 31), true)));
        assert_eq!(range("二至三季度"), Some((d(4, 1), d(9, 30), true)));
        assert_eq!(range("第二、三季度"), Some((d(4, 1), d(9, 30), true)));
        assert_eq!(range("三季度末"), Some((d(9, 1), d(9, 30), true)));
        assert_eq!(range("上半年"), Some((d(1, 1), d(6, 30), true)));
        assert_eq!(range("下半年"), Some((d(7, 1), d(12, 31), true)));
        for whole in [
            "年内",
            "全年",
            "2025年内",
            "2025年",
            "本年度",
            "长期",
            "常态化开展",
        ] {
            assert_eq!(range(whole), Some((d(1, 1), d(12, 31), true)), "{whole}");
        }
        assert_eq!(range("年底"), Some((d(12, 1), d(12, 31), true)));
        assert_eq!(range("年底前"), Some((d(1, 1), d(12, 31), true)));
        assert_eq!(range("第五季度"), None);
    }

    #[test]
    fn parts_of_months_and_ranges_across_months() {
        assert_eq!(range("6月初"), Some((d(6, 1), d(6, 10), false)));
        assert_eq!(range("6月中"), Some((d(6, 11), d(6, 20), false)));
        assert_eq!(range("6月底"), Some((d(6, 21), d(6, 30), false)));
        assert_eq!(range("2月末"), Some((d(2, 21), d(2, 28), false)));
        assert_eq!(range("6月中旬前"), Some((d(6, 1), d(6, 20), false)));
        assert_eq!(range("5月下旬至6月上旬"), Some((d(5, 21), d(6, 10), false)));
        assert_eq!(range("9月-10月"), Some((d(9, 1), d(10, 31), true)));
        assert_eq!(range("5月、6月"), Some((d(5, 1), d(6, 30), true)));
        assert_eq!(
            range("2025-05-15至2025-05-20"),
            Some((d(5, 15), d(5, 20), false))
        );
        assert_eq!(
            parse("2024年12月至2025年1月", 2025)
                .ok()
                .map(|r| (r.start, r.end)),
            Some((NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(), d(1, 31)))
        );
        assert_eq!(range("九月"), Some((d(9, 1), d(9, 30), true)));
        assert_eq!(range("十月二十日"), Some((d(10, 20), d(10, 20), false)));
    }

    #[test]
    fn weekdays_times_of_day_and_remarks_are_not_dates() {
        assert_eq!(range("5月15日（周四）"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(
            range("5月15日 星期四 上午"),
            Some((d(5, 15), d(5, 15), false))
        );
        assert_eq!(
            range("5月15日9:00-11:30"),
            Some((d(5, 15), d(5, 15), false))
        );
        assert_eq!(range("5月15日下午3时"), Some((d(5, 15), d(5, 15), false)));
        assert_eq!(range("5月15日-16日全天"), Some((d(5, 15), d(5, 16), false)));
        let tentative = parse("9月（待定）", 2025).unwrap();
        assert_eq!((tentative.start, tentative.end), (d(9, 1), d(9, 30)));
        assert!(tentative.tentative);
        assert!(parse("6月暂定", 2025).unwrap().tentative);
        assert!(!parse("6月", 2025).unwrap().tentative);
    }

    #[test]
    fn what_is_not_a_time_and_why() {
        for (text, why) in [
            ("", NoRange::Blank),
            ("  ", NoRange::Blank),
            ("待定", NoRange::Pending),
            ("时间待定", NoRange::Pending),
            ("另行通知", NoRange::Pending),
            ("（另行通知）", NoRange::Pending),
            ("择期开展", NoRange::Pending),
            ("根据上级安排", NoRange::Pending),
            ("TBD", NoRange::Pending),
            ("13月", NoRange::Unreadable),
            ("5月32日", NoRange::Unreadable),
            ("5月20日至5月1日", NoRange::Unreadable),
            ("2025.5.", NoRange::Unreadable),
            ("5 15日", NoRange::Unreadable),
            ("五一前后", NoRange::Unreadable),
            ("县政府大院", NoRange::Unreadable),
        ] {
            assert_eq!(parse(text, 2025), Err(why), "{text:?}");
        }
    }
}
