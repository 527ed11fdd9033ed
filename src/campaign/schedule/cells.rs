//! A schedule cell as the reader sees it: calamine's value turned into
//! text (lines kept and joined) and a date, and the name Excel shows for it.

use calamine::Data;
use chrono::NaiveDate;

/// A cell: its text with lines kept (`raw`) and joined (`text`), and its
/// date when it is a real date cell.
#[derive(Debug, Clone, Default)]
pub(super) struct Cell {
    pub(super) raw: String,
    pub(super) text: String,
    pub(super) date: Option<NaiveDate>,
}

pub(super) fn cell_of(data: &Data) -> Option<Cell> {
    use calamine::DataType;
    let cell = match data {
        Data::DateTime(_) | Data::DateTimeIso(_) => {
            let date = data.as_date();
            let text = date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| data.to_string());
            Cell {
                raw: text.clone(),
                text,
                date,
            }
        }
        // Phone numbers and 序号 typed as numbers.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            let text = format!("{f:.0}");
            Cell {
                raw: text.clone(),
                text,
                date: None,
            }
        }
        Data::Empty | Data::Error(_) => return None,
        other => {
            let raw: String = other
                .to_string()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            Cell {
                text: join_lines(&raw),
                raw,
                date: None,
            }
        }
    };
    (!cell.text.is_empty()).then_some(cell)
}

/// Joins lines broken inside a cell: CJK text continues without a space
/// ("提质\n增效" → "提质增效"), other text with one.
pub fn join_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let needs_space = match (out.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric(),
            _ => false,
        };
        if needs_space {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The Excel name of a cell ("E7") from 0-based row and column.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_lines_join_like_text() {
        assert_eq!(join_lines("推动绩效管理提质\n增效"), "推动绩效管理提质增效");
        assert_eq!(join_lines("Open\nDay"), "Open Day");
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 4), "E7");
        assert_eq!(cell_name(9, 26), "AA10");
    }
}
