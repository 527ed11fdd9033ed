//! The office's own schedule spreadsheet (活动安排表): 序号 / 单位 / 活动主题 /
//! 开展时间, optionally 地点 / 联系人 / 联系电话 / 邮箱, or contacts on a
//! second sheet. Read with calamine (xlsx, xls, ods).
//!
//! Real files are messy, so the reader finds the header row wherever it is,
//! fills merged cells, joins lines broken inside a cell, accepts a unit named
//! twice with two themes, and understands the usual ways of writing times
//! (see [`super::timetext`]). Every row it cannot understand is reported with
//! its sheet, row number and reason; none silently disappears.

use std::path::Path;

use calamine::{Data, Dimensions, Range, Reader, Sheets, open_workbook_auto};
use serde::{Deserialize, Serialize};

use super::timetext::{self, ActivityTime};

/// One activity row of the schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRow {
    /// 序号 as written (or the row's position when there is no 序号 column).
    pub seq: String,
    /// The unit names in the 单位 cell (usually one; a cell may name two).
    pub units: Vec<String>,
    pub theme: String,
    /// None when the time could not be understood (reported as a problem).
    pub time: Option<ActivityTime>,
    /// The 开展时间 cell as written.
    pub time_text: String,
    pub place: Option<String>,
    pub contact: Option<Contact>,
    pub sheet: String,
    /// 1-based row number as Excel shows it.
    pub row: u32,
}

/// Who to write to at a unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A row that could not be (fully) understood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowProblem {
    pub sheet: String,
    pub row: u32,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "工作表“{}”第{}行: {}", self.sheet, self.row, self.reason)
    }
}

/// The schedule as read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub rows: Vec<ScheduleRow>,
    /// Contacts from a contacts sheet: (unit name, contact).
    pub contacts: Vec<(String, Contact)>,
    pub problems: Vec<RowProblem>,
}

/// Why the schedule could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("无法打开活动安排表 {path}: {message}")]
    Open { path: String, message: String },
    #[error("活动安排表 {path} 中找不到表头（需要“单位”和“开展时间”或“时间”列）")]
    NoHeader { path: String },
}

/// The roles a column can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Seq,
    Unit,
    Theme,
    Time,
    Place,
    Contact,
    Phone,
    Email,
}

/// Recognises a header cell. Order matters: the first rule that matches wins.
fn role_of(header: &str) -> Option<Role> {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    let rules: [(&[&str], Role); 8] = [
        (&["序号", "编号"], Role::Seq),
        (
            &["邮箱", "电子邮件", "email", "Email", "E-mail"],
            Role::Email,
        ),
        (&["电话", "手机", "联系方式"], Role::Phone),
        (&["联系人", "联络员"], Role::Contact),
        (&["地点"], Role::Place),
        (&["主题", "活动内容", "活动名称"], Role::Theme),
        (&["时间", "日期"], Role::Time),
        (&["单位", "部门"], Role::Unit),
    ];
    rules
        .iter()
        .find(|(words, _)| words.iter().any(|w| h.contains(w)))
        .map(|(_, role)| *role)
}

/// Column positions of a recognised header.
#[derive(Debug, Default)]
struct Columns {
    seq: Option<usize>,
    unit: Option<usize>,
    theme: Option<usize>,
    time: Option<usize>,
    place: Option<usize>,
    contact: Option<usize>,
    phone: Option<usize>,
    email: Option<usize>,
}

impl Columns {
    fn from_row(cells: &[String]) -> Columns {
        let mut c = Columns::default();
        for (i, cell) in cells.iter().enumerate() {
            let slot = match role_of(cell) {
                Some(Role::Seq) => &mut c.seq,
                Some(Role::Unit) => &mut c.unit,
                Some(Role::Theme) => &mut c.theme,
                Some(Role::Time) => &mut c.time,
                Some(Role::Place) => &mut c.place,
                Some(Role::Contact) => &mut c.contact,
                Some(Role::Phone) => &mut c.phone,
                Some(Role::Email) => &mut c.email,
                None => continue,
            };
            slot.get_or_insert(i);
        }
        c
    }
}

/// Reads the schedule. `year` is the campaign year for times without one.
pub fn read(path: &Path, year: i32) -> Result<Schedule, ScheduleError> {
    let display = path.display().to_string();
    let open_err = |message: String| ScheduleError::Open {
        path: display.clone(),
        message,
    };
    let mut book = open_workbook_auto(path).map_err(|e| open_err(e.to_string()))?;
    let mut schedule = Schedule::default();
    let mut found_activities = false;
    for name in book.sheet_names() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                schedule.problems.push(RowProblem {
                    sheet: name.clone(),
                    row: 0,
                    reason: format!("工作表无法读取: {e}"),
                });
                continue;
            }
        };
        let merges = merge_regions(&mut book, &name);
        let grid = to_grid(&range, &merges);
        let origin_row = range.start().map(|(r, _)| r).unwrap_or(0);
        let Some((header_at, cols)) = find_header(&grid) else {
            continue;
        };
        let row_no = |i: usize| origin_row + i as u32 + 1;
        if cols.time.is_some() && !found_activities {
            found_activities = true;
            read_activities(&grid, header_at, &cols, &name, year, &row_no, &mut schedule);
        } else if cols.contact.is_some() || cols.email.is_some() || cols.phone.is_some() {
            read_contacts(&grid, header_at, &cols, &name, &row_no, &mut schedule);
        }
    }
    if !found_activities {
        return Err(ScheduleError::NoHeader { path: display });
    }
    Ok(schedule)
}

fn read_activities(
    grid: &[Vec<Cell>],
    header_at: usize,
    cols: &Columns,
    sheet: &str,
    year: i32,
    row_no: &dyn Fn(usize) -> u32,
    out: &mut Schedule,
) {
    let unit_col = cols.unit.expect("find_header requires a unit column");
    let time_col = cols.time.expect("activities require a time column");
    for (i, row) in grid.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        let text = |col: Option<usize>| {
            col.and_then(|c| row.get(c))
                .map(|c| c.text.clone())
                .unwrap_or_default()
        };
        let problem = |reason: String| RowProblem {
            sheet: sheet.to_string(),
            row: row_no(i),
            reason,
        };
        let unit_text = text(Some(unit_col));
        let theme = text(cols.theme);
        // A note merged across the table (主办单位：…) fills every column
        // with the same text: it is not an activity.
        let filled: Vec<&str> = row
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect();
        let banner = filled.len() > 1 && filled.iter().all(|t| *t == filled[0]);
        if unit_text.is_empty() || banner {
            let mut shown = filled.clone();
            shown.dedup();
            out.problems.push(problem(format!(
                "没有单位名称，不是活动行，已跳过（内容：{}）",
                shown.join(" / ")
            )));
            continue;
        }
        let time_cell = row.get(time_col).cloned().unwrap_or_default();
        let time = match time_cell.date {
            Some(date) => Some(timetext::from_date(date)),
            None => timetext::parse(&time_cell.text, year),
        };
        if time.is_none() {
            let why = if time_cell.text.is_empty() {
                "开展时间为空".to_string()
            } else {
                format!("开展时间“{}”无法识别", time_cell.text)
            };
            out.problems.push(problem(format!(
                "{why}，{unit_text}的截止时间无法按活动时间计算"
            )));
        }
        let contact = Contact {
            name: non_empty(text(cols.contact)),
            phone: non_empty(text(cols.phone)),
            email: non_empty(text(cols.email)),
        };
        out.rows.push(ScheduleRow {
            seq: non_empty(text(cols.seq)).unwrap_or_else(|| (out.rows.len() + 1).to_string()),
            units: split_units(&unit_text),
            theme,
            time,
            time_text: time_cell.text,
            place: non_empty(text(cols.place)),
            contact: (contact != Contact::default()).then_some(contact),
            sheet: sheet.to_string(),
            row: row_no(i),
        });
    }
}

fn read_contacts(
    grid: &[Vec<Cell>],
    header_at: usize,
    cols: &Columns,
    sheet: &str,
    row_no: &dyn Fn(usize) -> u32,
    out: &mut Schedule,
) {
    let unit_col = cols.unit.expect("find_header requires a unit column");
    for (i, row) in grid.iter().enumerate().skip(header_at + 1) {
        let get = |col: Option<usize>| {
            col.and_then(|c| row.get(c))
                .and_then(|c| non_empty(c.text.clone()))
        };
        let Some(unit) = get(Some(unit_col)) else {
            if row.iter().any(|c| !c.text.is_empty()) {
                out.problems.push(RowProblem {
                    sheet: sheet.to_string(),
                    row: row_no(i),
                    reason: "联系人行没有单位名称，已跳过".to_string(),
                });
            }
            continue;
        };
        out.contacts.push((
            unit,
            Contact {
                name: get(cols.contact),
                phone: get(cols.phone),
                email: get(cols.email),
            },
        ));
    }
}

/// A cell as display text, plus its date when it is a real date cell.
#[derive(Debug, Clone, Default)]
struct Cell {
    text: String,
    date: Option<chrono::NaiveDate>,
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn merge_regions<RS: std::io::Read + std::io::Seek>(
    book: &mut Sheets<RS>,
    sheet: &str,
) -> Vec<Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        // calamine exposes no merge regions for ods/xlsb: their merged cells
        // stay empty below the first row and such rows are reported.
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    }
}

/// The sheet as a grid of cells (relative to the range's start), with
/// merged regions filled from their top-left cell.
fn to_grid(range: &Range<Data>, merges: &[Dimensions]) -> Vec<Vec<Cell>> {
    let mut grid: Vec<Vec<Cell>> = range
        .rows()
        .map(|row| row.iter().map(cell_of).collect())
        .collect();
    let Some((r0, c0)) = range.start() else {
        return grid;
    };
    for m in merges {
        let (sr, sc) = (m.start.0.saturating_sub(r0), m.start.1.saturating_sub(c0));
        let Some(top_left) = grid
            .get(sr as usize)
            .and_then(|r| r.get(sc as usize))
            .cloned()
        else {
            continue;
        };
        for r in sr..=m.end.0.saturating_sub(r0) {
            for c in sc..=m.end.1.saturating_sub(c0) {
                if let Some(cell) = grid
                    .get_mut(r as usize)
                    .and_then(|row| row.get_mut(c as usize))
                {
                    *cell = top_left.clone();
                }
            }
        }
    }
    grid
}

fn cell_of(data: &Data) -> Cell {
    use calamine::DataType;
    match data {
        Data::DateTime(_) | Data::DateTimeIso(_) => {
            let date = data.as_date();
            Cell {
                text: date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| data.to_string()),
                date,
            }
        }
        Data::Float(f) if f.fract() == 0.0 => Cell {
            text: format!("{f:.0}"),
            date: None,
        },
        Data::Empty | Data::Error(_) => Cell::default(),
        other => Cell {
            text: join_lines(&other.to_string()),
            date: None,
        },
    }
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

/// Finds the header row among the first rows: the first row naming a unit
/// column and a time or contact column.
fn find_header(grid: &[Vec<Cell>]) -> Option<(usize, Columns)> {
    grid.iter().take(30).enumerate().find_map(|(i, row)| {
        let texts: Vec<String> = row.iter().map(|c| c.text.clone()).collect();
        let cols = Columns::from_row(&texts);
        let useful = cols.time.is_some()
            || cols.contact.is_some()
            || cols.email.is_some()
            || cols.phone.is_some();
        (cols.unit.is_some() && useful).then_some((i, cols))
    })
}

/// Words an organisation's name ends with; used to split a cell that names
/// several units ("县农业农村局 县乡村振兴局").
const ORG_SUFFIXES: [&str; 24] = [
    "局", "府", "院", "会", "队", "中心", "办", "委", "所", "站", "部", "处", "室", "团", "社",
    "行", "司", "馆", "校", "台", "镇", "乡", "街道", "公司",
];

/// Splits a 单位 cell into unit names when it clearly names several.
pub fn split_units(cell: &str) -> Vec<String> {
    let parts: Vec<&str> = cell
        .split(|c: char| c.is_whitespace() || c == '、' || c == '，' || c == ',')
        .filter(|p| !p.is_empty())
        .collect();
    // "生态环境局 建昌分局" is one unit: a branch continues the name before it.
    let branch = parts.iter().skip(1).any(|p| p.ends_with("分局"));
    let all_orgs = parts.len() > 1
        && !branch
        && parts
            .iter()
            .all(|p| p.chars().count() >= 3 && ORG_SUFFIXES.iter().any(|s| p.ends_with(s)));
    if all_orgs {
        parts.into_iter().map(str::to_string).collect()
    } else {
        vec![cell.split_whitespace().collect::<String>()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_words() {
        assert_eq!(role_of("序号"), Some(Role::Seq));
        assert_eq!(role_of("单位名称"), Some(Role::Unit));
        assert_eq!(role_of("活动主题"), Some(Role::Theme));
        assert_eq!(role_of("访谈主题"), Some(Role::Theme));
        assert_eq!(role_of("开展\n时间"), Some(Role::Time));
        assert_eq!(role_of("联系电话"), Some(Role::Phone));
        assert_eq!(role_of("联系人"), Some(Role::Contact));
        assert_eq!(role_of("电子邮箱"), Some(Role::Email));
    }

    #[test]
    fn cells_naming_two_units_are_split_others_kept() {
        assert_eq!(
            split_units("县农业农村局 县乡村振兴局"),
            vec!["县农业农村局", "县乡村振兴局"]
        );
        assert_eq!(
            split_units("生态环境局 建昌分局"),
            vec!["生态环境局建昌分局"]
        );
        assert_eq!(split_units("县公安局"), vec!["县公安局"]);
    }

    #[test]
    fn broken_lines_join_like_text() {
        assert_eq!(join_lines("推动绩效管理提质\n增效"), "推动绩效管理提质增效");
        assert_eq!(join_lines("Open\nDay"), "Open Day");
    }
}
