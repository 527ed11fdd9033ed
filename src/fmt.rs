//! How sizes, times and file names are written for people, in every
//! message, reason and table: "47 KB", "2025年6月9日 24:00", a name with
//! its control characters made harmless; and full-width letters and digits
//! read as the ASCII they stand for.

use chrono::{DateTime, FixedOffset, NaiveDateTime};

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
    use chrono::Timelike;
    if t.hour() == 0 && t.minute() == 0 && t.second() == 0 {
        let day = t.date() - chrono::Days::new(1);
        return format!("{} 24:00", day.format(date));
    }
    t.format(&format!("{date} %H:%M")).to_string()
}

/// The date a time falls on as people count deadlines: midnight belongs to
/// the day before ("6月9日 24:00" is 6月9日).
pub fn format_day(t: NaiveDateTime) -> String {
    use chrono::Timelike;
    let day = if t.hour() == 0 && t.minute() == 0 && t.second() == 0 {
        t.date() - chrono::Days::new(1)
    } else {
        t.date()
    };
    day.format("%-m月%-d日").to_string()
}

/// The clock line of a report: "截至2025年6月13日20时". Midnight is the end
/// of the day before ("截至2025年6月9日24时", as deadlines read), and with
/// `minutes` a time off the hour names its minute ("截至…15时30分"): a
/// 归档 bundle's report states the instant its name does, while a batch's
/// says only the hour, so its report is the same all that hour.
pub fn as_of(t: NaiveDateTime, minutes: bool) -> String {
    use chrono::{Datelike, Timelike};
    if t.time() == chrono::NaiveTime::MIN {
        let day = t.date() - chrono::Days::new(1);
        return format!("截至{}年{}月{}日24时", day.year(), day.month(), day.day());
    }
    let minute = if minutes && t.minute() > 0 {
        format!("{}分", t.minute())
    } else {
        String::new()
    };
    format!(
        "截至{}年{}月{}日{}时{minute}",
        t.year(),
        t.month(),
        t.day(),
        t.hour()
    )
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
        assert_eq!(as_of(t("2025-06-13 20:00"), false), "截至2025年6月13日20时");
        assert_eq!(as_of(t("2025-06-13 20:45"), false), "截至2025年6月13日20时");
        assert_eq!(as_of(t("2025-06-13 20:45"), true), "截至2025年6月13日20时45分");
        assert_eq!(as_of(t("2025-06-10 00:00"), true), "截至2025年6月9日24时");
        assert_eq!(as_of(t("2025-01-01 00:00"), false), "截至2024年12月31日24时");
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
