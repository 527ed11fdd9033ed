//! XLSX renderer (rust_xlsxwriter): 报送情况统计表.
//!
//! One sheet 汇总 with every activity on one row (for each deliverable its
//! state, arrival time and working days late), then one sheet per
//! deliverable with a separate 状态 column. The per-deliverable sheets
//! answer the office's daily question ("who still owes photos?") with a
//! single filter, which one sheet per state could not do for activities
//! that are complete on one deliverable and missing on another.
//!
//! 序号 and working days are numbers, times are date cells in a Chinese
//! format holding the true instant, so sorting and filtering (到达时间 >
//! 截止时间) tell the truth: a deadline of "6月9日 24:00" is the cell
//! 2025-06-10 00:00, and the column beside it says "2025年6月9日 24:00" as
//! the notice does. State cells carry the state's colour as well as its
//! name. Every sheet has an autofilter over its header, a frozen header
//! row, and prints landscape on A4, one page wide, the header row repeated
//! on every page.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Timelike};
use std::collections::HashSet;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::{Options, RenderError, Sink, style, text};
use crate::model::State;
use crate::report::{Report, StatusCell, StatusRow, Time};

/// Sheet name of the overall table.
const SUMMARY_SHEET: &str = "汇总";
/// Characters Excel forbids in sheet names.
const SHEET_NAME_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];
/// Excel's paper size number for A4.
const A4: u8 = 9;

/// One column: header, width and the value for a row.
type Column<'a> = (String, f64, Box<dyn Fn(&StatusRow) -> Value + 'a>);

/// What a cell holds.
enum Value {
    Text(String),
    /// A state's name on its colour.
    State(Option<State>, String),
    Number(f64),
    /// A date cell: the instant as the campaign's clock reads it.
    Time(Time),
    Empty,
}

/// Renders the status spreadsheet.
pub fn xlsx(report: &Report, _options: &Options, out: &mut dyn Sink) -> Result<(), RenderError> {
    let mut workbook = Workbook::new();
    // Dated by the report, not by the clock it was written at, so the same
    // report gives the same bytes (the 归档 bundle is reproducible).
    let day = report.as_of.date_naive().and_time(NaiveTime::MIN);
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&excel_time(day)?));
    let mut summary: Vec<Column> = vec![column("总体状态", 11.0, |r| {
        Value::State(Some(r.overall), r.overall.label().into())
    })];
    for (i, d) in report.deliverables.iter().enumerate() {
        summary.push(column(&d.name, 20.0, move |r| match r.cells.get(i) {
            Some(c) => Value::State(c.state, cell_text(c)),
            None => Value::Empty,
        }));
        summary.push(column(&format!("{}到达时间", d.name), 19.0, move |r| {
            time(cell(r, i).and_then(|c| c.arrived))
        }));
        summary.push(column(
            &format!("{}逾期工作日", d.name),
            10.0,
            move |r| late(cell(r, i)),
        ));
    }
    sheet(workbook.add_worksheet(), SUMMARY_SHEET, report, summary)?;

    let names = sheet_names(report.deliverables.iter().map(|d| d.name.as_str()));
    for (i, name) in names.iter().enumerate() {
        let columns: Vec<Column> = vec![
            column("状态", 11.0, move |r| {
                let cell = cell(r, i);
                let text = cell.map_or(crate::wording::NOT_OWED, |c| c.text.as_str());
                Value::State(cell.and_then(|c| c.state), text.to_owned())
            }),
            column("情况说明", 22.0, move |r| {
                r.cells
                    .get(i)
                    .and_then(|c| c.when.as_ref())
                    .map_or(Value::Empty, |n| Value::Text(text::note(n)))
            }),
            column("截止时间", 19.0, move |r| {
                time(cell(r, i).and_then(|c| c.due))
            }),
            column("截止时间（按通知）", 19.0, move |r| {
                cell(r, i)
                    .and_then(|c| c.due)
                    .map_or(Value::Empty, |t| Value::Text(text::long(t)))
            }),
            column("到达时间", 19.0, move |r| {
                time(cell(r, i).and_then(|c| c.arrived))
            }),
            column("逾期工作日", 10.0, move |r| late(cell(r, i))),
        ];
        sheet(workbook.add_worksheet(), name, report, columns)?;
    }
    out.write_all(&workbook.save_to_buffer()?)?;
    Ok(())
}

fn column<'a>(header: &str, width: f64, value: impl Fn(&StatusRow) -> Value + 'a) -> Column<'a> {
    (header.to_owned(), width, Box::new(value))
}

/// A deliverable's cell of a row, when the deliverable applies.
fn cell(row: &StatusRow, i: usize) -> Option<&StatusCell> {
    row.cells.get(i).filter(|c| c.state.is_some())
}

/// A status cell as one line: "逾期报送（逾期4个工作日，6月13日送达）".
fn cell_text(c: &StatusCell) -> String {
    match &c.when {
        Some(when) => format!("{}（{}）", c.text, text::note(when)),
        None => c.text.clone(),
    }
}

fn time(t: Option<Time>) -> Value {
    t.map_or(Value::Empty, Value::Time)
}

fn late(cell: Option<&StatusCell>) -> Value {
    cell.and_then(|c| c.late_workdays)
        .map_or(Value::Empty, |d| Value::Number(d as f64))
}

/// The deliverables' sheet names, valid in Excel whatever the office wrote: at most 31
/// characters (counted as Excel counts them, in UTF-16 units), none of `[]:*?/\\` or control
/// characters, no apostrophe at either end, and unique without regard to case (among
/// themselves and with 汇总). A name changed to fit, or already taken, gets the deliverable's
/// number, then further numbers until it is free.
fn sheet_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used = HashSet::from([SUMMARY_SHEET.to_lowercase()]);
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let mut units = 0;
            let clean: String = name
                .chars()
                .map(|c| {
                    if SHEET_NAME_FORBIDDEN.contains(&c) || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .take_while(|c| {
                    units += c.len_utf16();
                    units <= 26
                })
                .collect();
            let clean = clean.trim().trim_matches('\'').trim();
            let base = if clean.is_empty() { "材料" } else { clean };
            let chosen =
                if !clean.is_empty() && clean == name && !used.contains(&clean.to_lowercase()) {
                    clean.to_owned()
                } else {
                    (i + 1..)
                        .map(|n| format!("{base}{n}"))
                        .find(|c| !used.contains(&c.to_lowercase()))
                        .expect("numbers never run out")
                };
            used.insert(chosen.to_lowercase());
            chosen
        })
        .collect()
}

fn excel_time(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    // The calendar's years fit Excel's (1900–9999); others are refused by it.
    ExcelDateTime::from_ymd(
        t.year().clamp(1900, 9999) as u16,
        t.month() as u8,
        t.day() as u8,
    )?
    .and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// The formats of a sheet's cells.
struct Formats {
    header: Format,
    text: Format,
    centered: Format,
    time: Format,
}

impl Formats {
    fn new() -> Formats {
        let text = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            header: text
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(rgb(style::HEADER_FILL)),
            centered: text.clone().set_align(FormatAlign::Center),
            time: text
                .clone()
                .set_num_format("yyyy\"年\"m\"月\"d\"日\" hh:mm"),
            text,
        }
    }

    fn state(&self, state: Option<State>) -> Format {
        match state {
            Some(s) => self
                .text
                .clone()
                .set_background_color(rgb(style::look(s).tint)),
            None => self.text.clone(),
        }
    }
}

fn rgb(hex: &str) -> Color {
    Color::RGB(u32::from_str_radix(hex, 16).unwrap_or(0xFFFFFF))
}

fn sheet(
    ws: &mut Worksheet,
    name: &str,
    report: &Report,
    columns: Vec<Column>,
) -> Result<(), XlsxError> {
    let f = Formats::new();
    ws.set_name(name)?;
    let lead: [Column; 4] = [
        column("序号", 6.0, |r| match r.seq.trim().parse::<f64>() {
            Ok(n) => Value::Number(n),
            Err(_) => Value::Text(r.seq.clone()),
        }),
        column("单位", 22.0, |r| Value::Text(r.unit.clone())),
        column("活动主题", 28.0, |r| Value::Text(r.theme.clone())),
        column("开展时间", 12.0, |r| Value::Text(r.time.clone())),
    ];
    let all: Vec<Column> = lead.into_iter().chain(columns).collect();
    for (c, (title, width, _)) in all.iter().enumerate() {
        let c = c as u16;
        ws.set_column_width(c, *width)?;
        ws.write_string_with_format(0, c, title, &f.header)?;
    }
    for (r, row) in report.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (_, _, value)) in all.iter().enumerate() {
            let c = c as u16;
            match value(row) {
                Value::Text(t) => ws.write_string_with_format(r, c, t, &f.text)?,
                Value::State(state, t) => ws.write_string_with_format(r, c, t, &f.state(state))?,
                Value::Number(n) => ws.write_number_with_format(r, c, n, &f.centered)?,
                Value::Time(t) => {
                    ws.write_datetime_with_format(r, c, excel_time(t.naive_local())?, &f.time)?
                }
                Value::Empty => ws.write_blank(r, c, &f.text)?,
            };
        }
    }
    ws.autofilter(0, 0, report.rows.len() as u32, all.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape()
        .set_paper_size(A4)
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_header(format!("&C{}", report.title.replace('&', "&&")))
        .set_footer("&C第 &P 页，共 &N 页");
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique_whatever_the_office_wrote() {
        let long = "关于开展政务公开主题日活动情况报告及相关图文视频资料的报送要求说明";
        let names = sheet_names([
            "活动方案",
            "活动方案",
            "ACTIVITY",
            "activity",
            "汇总",
            long,
            "照片[含:视频]*?/\\",
            "'引号'",
            "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
            "",
            "活动方案2",
        ]);
        assert_eq!(names[0], "活动方案");
        assert_eq!(names[1], "活动方案2");
        assert_eq!(names[4], "汇总5");
        assert_eq!(names[9], "材料10");
        assert_eq!(names[10], "活动方案211");
        let mut seen = HashSet::from([SUMMARY_SHEET.to_lowercase()]);
        for name in &names {
            assert!(name.encode_utf16().count() <= 31, "{name}");
            assert!(!name.is_empty());
            assert!(!name.contains(SHEET_NAME_FORBIDDEN), "{name}");
            assert!(!name.starts_with('\'') && !name.ends_with('\''), "{name}");
            assert!(seen.insert(name.to_lowercase()), "{name} twice");
        }
        // Each name is accepted by the writer itself.
        let mut book = Workbook::new();
        for name in &names {
            book.add_worksheet().set_name(name).expect(name);
        }
    }
}
