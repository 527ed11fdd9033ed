//! XLSX renderer (rust_xlsxwriter): 报送情况统计表.
//!
//! Layout decision: one sheet 汇总 with every activity on one row (for each
//! deliverable its state text, arrival time and working days late), then one
//! sheet per deliverable with a separate 状态 column. The per-deliverable
//! sheets answer the office's daily question ("who still owes photos?") with
//! a single filter, which one sheet per state could not do for activities
//! that are complete on one deliverable and missing on another. Every sheet
//! has an autofilter over its header and a frozen header row.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::CompileError;
use crate::report::{Report, StatusCell, StatusRow};

/// Sheet name of the overall table.
const SUMMARY_SHEET: &str = "汇总";
/// Columns every sheet starts with, and their widths.
const LEAD: [(&str, f64); 4] = [
    ("序号", 6.0),
    ("单位", 22.0),
    ("活动主题", 24.0),
    ("开展时间", 14.0),
];
/// Characters Excel forbids in sheet names.
const SHEET_NAME_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

/// One column: header, width and the value for a row.
type Column<'a> = (String, f64, Box<dyn Fn(&StatusRow) -> Value + 'a>);

enum Value {
    Text(String),
    Number(f64),
    Empty,
}

/// Renders the status spreadsheet.
pub fn render(report: &Report) -> Result<Vec<u8>, CompileError> {
    let mut workbook = Workbook::new();
    let mut summary: Vec<Column> = vec![column("总体状态", 12.0, |r| {
        Value::Text(r.overall.label().into())
    })];
    for (i, d) in report.deliverables.iter().enumerate() {
        summary.push(column(&d.name, 18.0, move |r| {
            text(r.cells.get(i).map(|c| c.text.clone()))
        }));
        summary.push(column(&format!("{}到达时间", d.name), 16.0, move |r| {
            text(cell(r, i).and_then(|c| c.arrived.clone()))
        }));
        summary.push(column(
            &format!("{}逾期工作日", d.name),
            10.0,
            move |r| late(cell(r, i)),
        ));
    }
    sheet(workbook.add_worksheet(), SUMMARY_SHEET, report, summary)?;

    for (i, d) in report.deliverables.iter().enumerate() {
        let columns: Vec<Column> = vec![
            column("状态", 12.0, move |r| {
                text(Some(
                    cell(r, i)
                        .and_then(|c| c.state)
                        .map_or("不适用", |s| s.label())
                        .to_owned(),
                ))
            }),
            column("情况说明", 22.0, move |r| {
                text(r.cells.get(i).map(|c| c.text.clone()))
            }),
            column("截止时间", 16.0, move |r| {
                text(cell(r, i).and_then(|c| c.due.clone()))
            }),
            column("到达时间", 16.0, move |r| {
                text(cell(r, i).and_then(|c| c.arrived.clone()))
            }),
            column("逾期工作日", 10.0, move |r| late(cell(r, i))),
        ];
        sheet(
            workbook.add_worksheet(),
            &sheet_name(&d.name, i),
            report,
            columns,
        )?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn column<'a>(header: &str, width: f64, value: impl Fn(&StatusRow) -> Value + 'a) -> Column<'a> {
    (header.to_owned(), width, Box::new(value))
}

/// A deliverable's cell of a row, when the deliverable applies.
fn cell(row: &StatusRow, i: usize) -> Option<&StatusCell> {
    row.cells.get(i).filter(|c| c.state.is_some())
}

fn text(value: Option<String>) -> Value {
    value.map_or(Value::Empty, Value::Text)
}

fn late(cell: Option<&StatusCell>) -> Value {
    cell.and_then(|c| c.late_workdays)
        .map_or(Value::Empty, |d| Value::Number(d as f64))
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`, unique
/// (the deliverable's position is added when cleaning made it collide).
fn sheet_name(name: &str, i: usize) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if SHEET_NAME_FORBIDDEN.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .take(28)
        .collect();
    if clean.is_empty() || clean == SUMMARY_SHEET || clean != name {
        format!("{}{}", clean, i + 1)
    } else {
        clean
    }
}

fn sheet(
    ws: &mut Worksheet,
    name: &str,
    report: &Report,
    columns: Vec<Column>,
) -> Result<(), XlsxError> {
    let border = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let header = border
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xE6E6E6));
    ws.set_name(name)?;
    let lead: Vec<Column> = LEAD
        .iter()
        .enumerate()
        .map(|(k, (h, w))| {
            column(h, *w, move |r: &StatusRow| {
                Value::Text([&r.seq, &r.unit, &r.theme, &r.time][k].clone())
            })
        })
        .collect();
    let all: Vec<Column> = lead.into_iter().chain(columns).collect();
    for (c, (title, width, _)) in all.iter().enumerate() {
        let c = c as u16;
        ws.set_column_width(c, *width)?;
        ws.write_string_with_format(0, c, title, &header)?;
    }
    for (r, row) in report.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (_, _, value)) in all.iter().enumerate() {
            let c = c as u16;
            match value(row) {
                Value::Text(t) => ws.write_string_with_format(r, c, t, &border)?,
                Value::Number(n) => ws.write_number_with_format(r, c, n, &border)?,
                Value::Empty => ws.write_blank(r, c, &border)?,
            };
        }
    }
    ws.autofilter(0, 0, report.rows.len() as u32, all.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
