//! Spreadsheets (xlsx, xls, ods; calamine) read as typed tables: the
//! header row is found (not assumed to be the first), merged cells are
//! filled with their value, multi-line cells joined, and dates kept as
//! dates — Excel serials, ODS ISO dates and text dates (see
//! [`crate::datetext`]).
//! `activity_dates` is the earliest and latest date in the date columns.
//!
//! Bounds: xlsx/ods packages are verified first ([`super::ooxml`]); the
//! cells are read within [`Limits`] by [`super::grid`].
//!
//! A workbook without data is accepted with a note, not refused: whether
//! an empty schedule satisfies a deliverable is the assess stage's call
//! (it sees no rows and no `activity_dates`).

use super::{Content, FileKind, Found, Limits, Outcome, Refused, Sheet, Workbook, grid, ooxml};
use crate::datetext::{from_excel_serial, scan};
use calamine::Data;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::{BTreeMap, HashMap};

/// One cell's typed value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Number(f64),
    Date(NaiveDateTime),
    Time(NaiveTime),
}

/// A sheet as sparse rows: row → (column → value).
type Grid = grid::Grid<Value>;

/// Header cells that name a date column.
const DATE_HEADERS: [&str; 4] = ["日期", "时间", "date", "Date"];
/// Words typical of a schedule's header row.
const HEADER_WORDS: [&str; 14] = [
    "序号",
    "单位",
    "部门",
    "主题",
    "名称",
    "内容",
    "日期",
    "时间",
    "地点",
    "联系人",
    "电话",
    "备注",
    "人数",
    "负责人",
];

pub fn inspect(kind: FileKind, bytes: &[u8], limits: &Limits) -> Outcome {
    let mut warnings = Vec::new();
    if kind != FileKind::Xls {
        let required = if kind == FileKind::Ods {
            "content.xml"
        } else {
            "[Content_Types].xml"
        };
        let mut pkg = ooxml::open(bytes, limits, required)
            .map_err(|e| Refused::new(format!("表格文件无法读取：{e}")))?;
        warnings.append(&mut pkg.warnings);
        if let Ok(Some(wb)) = pkg.read("xl/workbook.xml", limits)
            && memchr::memmem::find(&wb, b"purl.oclc.org/ooxml").is_some()
        {
            warnings.push(
                "文件为Strict Open XML格式，部分软件无法打开，建议另存为普通.xlsx".to_string(),
            );
        }
    }
    let sheets =
        grid::read(kind, bytes, limits, from_data).map_err(|e| Refused::new(e.reason(kind)))?;
    let workbook = build_workbook(sheets);
    let mut found = Found::new(Content::None);
    found.warnings = warnings;
    let rows: usize = workbook.sheets.iter().map(|s| s.rows.len()).sum();
    found.notes.push(match workbook.activity_dates {
        _ if workbook.sheets.is_empty() => "表格中没有数据".to_string(),
        Some((a, b)) => format!(
            "共{}个工作表、{rows}行数据，活动日期{a}至{b}",
            workbook.sheets.len()
        ),
        None => format!("共{}个工作表、{rows}行数据", workbook.sheets.len()),
    });
    found.content = Content::Spreadsheet(workbook);
    Ok(found)
}

fn from_data(d: &Data) -> Option<Value> {
    match d {
        Data::Int(i) => Some(Value::Number(*i as f64)),
        Data::Float(f) => Some(Value::Number(*f)),
        Data::String(s) => text_value(s),
        Data::Bool(b) => Some(Value::Text(if *b { "是" } else { "否" }.into())),
        Data::DateTime(dt) => Some(excel_datetime(dt)),
        Data::DateTimeIso(s) => Some(iso_value(s)),
        Data::DurationIso(s) => text_value(s),
        Data::Error(_) | Data::Empty => None,
    }
}

/// Text with its lines trimmed and joined by a space; blank → no value.
fn text_value(s: &str) -> Option<Value> {
    let joined = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(Value::Text(joined))
}

fn excel_datetime(dt: &calamine::ExcelDateTime) -> Value {
    let serial = dt.as_f64();
    match dt.as_datetime() {
        Some(d) if dt.is_datetime() && serial >= 1.0 => Value::Date(d),
        Some(d) if dt.is_datetime() => Value::Time(d.time()),
        _ => Value::Number(serial),
    }
}

fn iso_value(s: &str) -> Value {
    if let Ok(d) = s.parse::<NaiveDateTime>() {
        return Value::Date(d);
    }
    if let Ok(d) = s.parse::<NaiveDate>() {
        return Value::Date(d.and_time(NaiveTime::MIN));
    }
    if let Ok(t) = s.parse::<NaiveTime>() {
        return Value::Time(t);
    }
    Value::Text(s.to_string())
}

/// Finds headers, date columns and activity dates across all sheets.
fn build_workbook(sheets: Vec<(String, Grid)>) -> Workbook {
    let default_year = common_year(sheets.iter().map(|(_, g)| g));
    let mut all_dates: Vec<NaiveDate> = Vec::new();
    let mut out = Vec::new();
    for (name, grid) in sheets {
        if grid.is_empty() {
            continue;
        }
        let rows: Vec<&BTreeMap<u32, Value>> = grid.values().collect();
        let header_at = find_header(&rows);
        let width = rows
            .iter()
            .filter_map(|r| r.keys().next_back())
            .max()
            .map_or(0, |c| *c as usize + 1);
        let dense = |r: &BTreeMap<u32, Value>| -> Vec<Option<Value>> {
            (0..width as u32).map(|c| r.get(&c).cloned()).collect()
        };
        let header: Vec<String> = dense(rows[header_at])
            .iter()
            .map(|v| v.as_ref().map(display).unwrap_or_default())
            .collect();
        let data: Vec<Vec<Option<Value>>> =
            rows[header_at + 1..].iter().map(|r| dense(r)).collect();
        let date_columns: Vec<usize> = (0..width)
            .filter(|&c| is_date_column(&header[c], data.iter().map(|r| &r[c]), default_year))
            .collect();
        for &c in &date_columns {
            let by_header = DATE_HEADERS.iter().any(|h| header[c].contains(h));
            for v in data.iter().filter_map(|r| r[c].as_ref()) {
                all_dates.extend(dates_in(v, default_year, by_header));
            }
        }
        out.push(Sheet {
            name,
            header,
            rows: data
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| v.as_ref().map(display).unwrap_or_default())
                        .collect()
                })
                .collect(),
            date_columns,
        });
    }
    let activity_dates = all_dates
        .iter()
        .min()
        .copied()
        .zip(all_dates.iter().max().copied());
    Workbook {
        sheets: out,
        activity_dates,
    }
}

/// The year most full dates in the workbook state.
fn common_year<'a>(grids: impl Iterator<Item = &'a Grid>) -> Option<i32> {
    let mut years: HashMap<i32, usize> = HashMap::new();
    for v in grids.flat_map(|g| g.values()).flat_map(|r| r.values()) {
        let found = match v {
            Value::Date(d) => vec![d.date()],
            Value::Text(t) => scan::dates(t, None),
            _ => Vec::new(),
        };
        for d in found {
            use chrono::Datelike;
            *years.entry(d.year()).or_default() += 1;
        }
    }
    years
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// The header row among the first 30: most short text cells, header words
/// weighing extra; at least two cells.
fn find_header(rows: &[&BTreeMap<u32, Value>]) -> usize {
    let score = |r: &BTreeMap<u32, Value>| -> usize {
        if r.len() < 2 {
            return 0;
        }
        r.values()
            .map(|v| match v {
                Value::Text(t) if t.chars().count() <= 20 => {
                    1 + 3 * usize::from(HEADER_WORDS.iter().any(|w| t.contains(w)))
                }
                _ => 0,
            })
            .sum()
    };
    let mut best = (0, 0);
    for (i, r) in rows.iter().take(30).enumerate() {
        let s = score(r);
        if s > best.1 {
            best = (i, s);
        }
    }
    best.0
}

/// A date column: named like one, or with most of its values dates.
fn is_date_column<'a>(
    header: &str,
    values: impl Iterator<Item = &'a Option<Value>>,
    year: Option<i32>,
) -> bool {
    let by_header = DATE_HEADERS.iter().any(|h| header.contains(h));
    let (mut total, mut dated) = (0, 0);
    for v in values.flatten() {
        total += 1;
        if !dates_in(v, year, by_header).is_empty() {
            dated += 1;
        }
    }
    dated > 0 && (by_header || dated * 5 >= total * 3)
}

/// The dates one cell states; plain numbers count as Excel serials only
/// in a column whose header names a date.
fn dates_in(v: &Value, year: Option<i32>, serials: bool) -> Vec<NaiveDate> {
    match v {
        Value::Date(d) => vec![d.date()],
        Value::Text(t) => scan::dates(t, year),
        Value::Number(n) if serials => from_excel_serial(*n).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => format!("{n}"),
        Value::Date(d) if d.time() == NaiveTime::MIN => d.format("%Y-%m-%d").to_string(),
        Value::Date(d) => d.format("%Y-%m-%d %H:%M").to_string(),
        Value::Time(t) => t.format("%H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        grid::from_rows(rows, text_value)
    }

    #[test]
    fn header_found_below_title_and_text_dates_read() {
        let g = grid(&[
            &["2025年政务公开日活动安排表"],
            &["序号", "单位", "开展时间", "地点"],
            &["1", "县教育局", "2025年5月15日", "县一中"],
            &["2", "县卫健委", "5月20日上午", "县医院\n门诊楼"],
        ]);
        let wb = build_workbook(vec![("活动安排".into(), g)]);
        let s = &wb.sheets[0];
        assert_eq!(s.header, vec!["序号", "单位", "开展时间", "地点"]);
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[1][3], "县医院 门诊楼");
        assert_eq!(s.date_columns, vec![2]);
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(wb.activity_dates, Some((d(5, 15), d(5, 20))));
    }

    #[test]
    fn numbers_display_plainly() {
        assert_eq!(display(&Value::Number(13800001111.0)), "13800001111");
        assert_eq!(display(&Value::Number(1.5)), "1.5");
    }
}
