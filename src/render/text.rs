//! How the report's dates, and the notes built around them, are written in
//! every drawing — the PDF's data, the DOCX, the XLSX and the status board:
//! one function per kind of value, each through [`crate::fmt`], so a date
//! reads the same wherever it is shown. (A photo's time, a camera's clock
//! with no zone, is [`crate::fmt::format_taken`] itself.)

use crate::fmt;
use crate::report::{CellNote, Extension, Report, Situation, Time};

/// The report's clock: "截至2025年6月13日20时".
pub fn as_of(report: &Report) -> String {
    fmt::format_as_of(report.as_of.naive_local(), report.cutoff)
}

/// A time in full, with its year: "2025年6月9日 24:00".
pub fn long(t: Time) -> String {
    fmt::format_time(t)
}

/// A time in a table within one campaign: "6月9日 24:00".
pub fn short(t: Time) -> String {
    fmt::format_short(t.naive_local())
}

/// A deadline in a table: "7月7日" (the end of that day), "6月20日 17:00".
pub fn deadline(t: Time) -> String {
    fmt::format_deadline(t.naive_local())
}

/// The window the first page looks ahead: "6月14日至6月20日".
pub fn window(s: &Situation) -> String {
    let (from, to) = s.upcoming_window;
    format!("{}至{}", fmt::format_date(from), fmt::format_date(to))
}

/// The line under a status cell: "6月4日送达", "6月13日送达，逾期4个工作日",
/// "7月7日截止", or its words.
pub fn note(n: &CellNote) -> String {
    match n {
        CellNote::Arrived { on, late_workdays } => {
            let day = fmt::format_date(on.date_naive());
            match late_workdays {
                Some(days) => format!("{day}送达，逾期{days}个工作日"),
                None => format!("{day}送达"),
            }
        }
        CellNote::Due(t) => format!("{}截止", deadline(*t)),
        CellNote::Words(words) => words.clone(),
    }
}

/// An extension: "延期至6月20日 17:00（经批准延期报送）", "延期3个工作日".
pub fn extension(e: &Extension) -> String {
    let until = match (e.until, e.extra_workdays) {
        (Some(t), _) => format!("延期至{}", short(t)),
        (None, Some(n)) => format!("延期{n}个工作日"),
        (None, None) => "已延期".to_string(),
    };
    match &e.reason {
        Some(r) => format!("{until}（{r}）"),
        None => until,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(s: &str) -> Time {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn notes_under_a_cell() {
        let on = at("2025-06-13T10:12:00+08:00");
        assert_eq!(
            note(&CellNote::Arrived {
                on,
                late_workdays: Some(4)
            }),
            "6月13日送达，逾期4个工作日"
        );
        assert_eq!(
            note(&CellNote::Arrived {
                on,
                late_workdays: None
            }),
            "6月13日送达"
        );
        // A midnight deadline is the day before's end.
        assert_eq!(
            note(&CellNote::Due(at("2025-07-08T00:00:00+08:00"))),
            "7月7日截止"
        );
        assert_eq!(
            note(&CellNote::Due(at("2025-06-20T17:00:00+08:00"))),
            "6月20日 17:00截止"
        );
    }

    #[test]
    fn extensions() {
        let e = Extension {
            until: Some(at("2025-06-20T17:00:00+08:00")),
            extra_workdays: None,
            reason: Some("经批准延期报送".into()),
        };
        assert_eq!(extension(&e), "延期至6月20日 17:00（经批准延期报送）");
        let e = Extension {
            until: None,
            extra_workdays: Some(3),
            reason: None,
        };
        assert_eq!(extension(&e), "延期3个工作日");
    }
}
