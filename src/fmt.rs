//! How sizes, times and file names are written for people, in every
//! message, reason and table: "47 KB", "2025年6月9日 24:00", a name with
//! its control characters made harmless; and full-width letters and digits
//! read as the ASCII they stand for.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};

/// A full-width letter or digit (as a Chinese input method types them:
/// `２０２５`, `ＡＢ`) as its ASCII form; any other character as it is.
pub fn half_width(c: char) -> char {
    match c {
        'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

/// A size as people read it.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["字节", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} 字节"),
        1 => format!("{value:.0} KB"),
        _ => format!("{value:.1} {}", UNITS[unit]),
    }
}

/// A file name, or a text carrying one, as people read it: control
/// characters (CR, LF, ESC, …) and bidirectional overrides become '�', so
/// a name cannot start a forged line in a mail, recolour a terminal or
/// reverse what a report shows. Every text made from a file name for a
/// unit or a leader goes through here.
pub fn printable(text: &str) -> String {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// A time as reports show it, with its zone: "2025年6月9日 16:00".
/// Midnight deadlines read as the end of the previous day ("6月9日 24:00").
pub fn format_time<Tz: chrono::TimeZone>(t: chrono::DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    format_local(t.naive_local(), "%Y年%-m月%-d日")
}

/// [`format_time`] without the year, for tables within one campaign year:
/// "6月9日 24:00".
pub fn format_short(t: NaiveDateTime) -> String {
    format_local(t, "%-m月%-d日")
}

fn format_local(t: NaiveDateTime, date: &str) -> String {
    if t.hour() == 0 && t.minute() == 0 && t.second() == 0 {
        let day = t.date() - chrono::Days::new(1);
        return format!("{} 24:00", day.format(date));
    }
    t.format(&format!("{date} %H:%M")).to_string()
}

/// The date a time falls on as people count deadlines: midnight belongs to
/// the day before ("6月9日 24:00" is 6月9日).
pub fn format_day(t: NaiveDateTime) -> String {
    let day = if t.hour() == 0 && t.minute() == 0 && t.second() == 0 {
        t.date() - chrono::Days::new(1)
    } else {
        t.date()
    };
    day.format("%-m月%-d日").to_string()
}

/// A deadline in a table: its day when it is the end of that day, else
/// its day and time ("7月7日", "6月20日 17:00").
pub fn format_deadline(t: NaiveDateTime) -> String {
    if t.time() == chrono::NaiveTime::MIN {
        format_day(t)
    } else {
        format_short(t)
    }
}

/// A calendar day in a table: "6月4日" (no end-of-day shift: the day an
/// arrival fell on).
pub fn format_date(d: NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

/// A day with its year, as a signature writes it: "2025年6月13日".
pub fn format_long_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The clock line of a report: "截至2025年6月13日20时". Midnight is the end
/// of the day before ("截至2025年6月9日24时", as deadlines read), and with
/// `minutes` a time off the hour names its minute ("截至…15时30分"): a
/// 归档 bundle's report states the instant its name does, while a batch's
/// says only the hour.
pub fn format_as_of(t: NaiveDateTime, minutes: bool) -> String {
    if t.time() == chrono::NaiveTime::MIN {
        let day = t.date() - chrono::Days::new(1);
        return format!("截至{}24时", format_long_date(day));
    }
    let minute = if minutes && t.minute() > 0 {
        format!("{}分", t.minute())
    } else {
        String::new()
    };
    format!("截至{}{}时{minute}", format_long_date(t.date()), t.hour())
}

/// When a photo was taken (a camera's clock, no zone): "5月15日 09:30",
/// with the year when it is not `year` ("2024年5月15日 09:30").
pub fn format_taken(t: NaiveDateTime, year: i32) -> String {
    let date = if t.year() == year {
        "%-m月%-d日 %H:%M"
    } else {
        "%Y年%-m月%-d日 %H:%M"
    };
    t.format(date).to_string()
}

/// `2025年5月6日 20:00（北京时间）`; other offsets are written out (mail).
pub fn display_time(t: DateTime<FixedOffset>) -> String {
    let zone = if t.offset().local_minus_utc() == 8 * 3600 {
        "北京时间".to_string()
    } else {
        format!("UTC{}", t.format("%:z"))
    };
    format!("{}（{zone}）", t.format("%Y年%-m月%-d日 %H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_lines() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            format_as_of(t("2025-06-13 20:00"), false),
            "截至2025年6月13日20时"
        );
        assert_eq!(
            format_as_of(t("2025-06-13 20:45"), false),
            "截至2025年6月13日20时"
        );
        assert_eq!(
            format_as_of(t("2025-06-13 20:45"), true),
            "截至2025年6月13日20时45分"
        );
        assert_eq!(
            format_as_of(t("2025-06-10 00:00"), true),
            "截至2025年6月9日24时"
        );
        assert_eq!(
            format_as_of(t("2025-01-01 00:00"), false),
            "截至2024年12月31日24时"
        );
    }

    #[test]
    fn full_width_letters_and_digits_fold_to_ascii() {
        let folded: String = "２０２５年Ａｂ．".chars().map(half_width).collect();
        assert_eq!(folded, "2025年Ab．");
    }

    #[test]
    fn sizes_as_people_read_them() {
        assert_eq!(size(12), "12 字节");
        assert_eq!(size(48_213), "47 KB");
        assert_eq!(size(2_310_000), "2.2 MB");
        assert_eq!(size(3 << 30), "3.0 GB");
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn midnight_is_the_end_of_the_day_before() {
        assert_eq!(format_short(at("2025-06-10 00:00")), "6月9日 24:00");
        assert_eq!(format_day(at("2025-06-10 00:00")), "6月9日");
        assert_eq!(format_deadline(at("2025-06-10 00:00")), "6月9日");
        assert_eq!(format_deadline(at("2025-06-20 17:00")), "6月20日 17:00");
        assert_eq!(format_date(at("2025-06-10 00:00").date()), "6月10日");
    }

    #[test]
    fn report_clock_and_camera_times() {
        assert_eq!(
            format_as_of(at("2025-06-13 20:00"), false),
            "截至2025年6月13日20时"
        );
        assert_eq!(
            format_long_date(at("2025-06-13 20:00").date()),
            "2025年6月13日"
        );
        assert_eq!(format_taken(at("2025-05-15 09:30"), 2025), "5月15日 09:30");
        assert_eq!(
            format_taken(at("2024-05-15 09:30"), 2025),
            "2024年5月15日 09:30"
        );
    }

    #[test]
    fn control_characters_in_names_are_replaced() {
        assert_eq!(printable("活动照片1.jpg"), "活动照片1.jpg");
        assert_eq!(
            printable("照片\r\n收件人：全体\u{1b}[31m.jpg"),
            "照片\u{FFFD}\u{FFFD}收件人：全体\u{FFFD}[31m.jpg"
        );
        assert_eq!(printable("gpj\u{202E}.exe"), "gpj\u{FFFD}.exe");
    }
}
