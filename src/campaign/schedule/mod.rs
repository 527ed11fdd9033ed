//! The office's own schedule workbook (活动安排表), every sheet of it. Read
//! after the file has passed the same guarded, bounded reading as any
//! submitted file ([`crate::inspect`]), by the same grid reader
//! ([`crate::inspect::grid`]).
//!
//! Each sheet is one of:
//! - a list of **activities**: a unit column and a time column (泸溪: 序号 /
//!   单位 / 活动主题 / 开展时间; 建昌 附件1: 时间 / 单位名称 / 访谈主题);
//! - a list of **units with a duty**: a unit column, no time column (建昌
//!   附件2: 序号 / 单位名称); the duty is the row's theme column or the
//!   sheet's title;
//! - **contacts**: a unit column and 联系人 / 电话 / 邮箱 columns, no time.
//!
//! Real files are messy, so the reader finds the header row wherever it is,
//! takes the title from the rows above it, fills merged cells, joins lines
//! broken inside a cell, splits contact cells holding several addresses and
//! understands the usual ways of writing times (see [`crate::datetext::range`]).
//! Every row or cell it cannot understand is reported with its sheet, the
//! row number Excel shows and the cell (`E7`); none silently disappears,
//! and none stops the batch.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::timetext::{ActivityTime, Undetermined};
use crate::inspect::{self, Content, Limits, Verdict};

mod cells;
mod columns;
mod rows;
mod text;

use cells::{Cell, cell_of};
pub use cells::{cell_name, join_lines};
use columns::{find_header, subtitles_above, title_above};
use rows::Sheet;
pub use text::{list_subject, looks_like_email, split_addresses, split_units, unit_parts};

/// One activity row of the schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRow {
    /// 序号 as written (or the row's position when there is no 序号 column).
    pub seq: String,
    /// The unit names in the 单位 cell (usually one; a joint row names two).
    pub units: Vec<String>,
    /// The 单位 cell as written (lines kept), for telling a joint entry
    /// from one name broken over two lines once every unit is known.
    pub unit_text: String,
    pub theme: String,
    /// None when the time names no date; `undetermined` says why (and the
    /// row's problem says how to fix it).
    pub time: Option<ActivityTime>,
    /// Why `time` is None.
    pub undetermined: Option<Undetermined>,
    /// The 开展时间 cell as written.
    pub time_text: String,
    pub place: Option<String>,
    /// Contacts from the row's own contact columns, one per address.
    pub contacts: Vec<Contact>,
    pub sheet: String,
    /// 1-based row number as Excel shows it.
    pub row: u32,
}

/// A unit named on a list of units with a duty (建昌 附件2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedUnit {
    pub seq: String,
    pub name: String,
    /// What the unit does: the row's theme column, else the sheet's title.
    pub duty: Option<String>,
    pub contacts: Vec<Contact>,
    pub sheet: String,
    pub row: u32,
}

/// A row of a contacts sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    pub unit: String,
    /// One per address (or one without an address).
    pub contacts: Vec<Contact>,
    pub sheet: String,
    pub row: u32,
}

/// Who to write to at a unit: one address (a cell with several gives
/// several contacts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A row (or cell) that could not be (fully) understood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowProblem {
    pub sheet: String,
    /// 1-based, as Excel shows it; 0 for the sheet as a whole.
    pub row: u32,
    /// The cell, as Excel names it ("E7").
    pub cell: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "工作表“{}”", self.sheet)?;
        if self.row > 0 {
            write!(f, "第{}行", self.row)?;
        }
        if let Some(c) = &self.cell {
            write!(f, "（{c}单元格）")?;
        }
        write!(f, "：{}", self.reason)
    }
}

/// What a sheet was understood as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "why")]
pub enum SheetKind {
    Activities,
    Units,
    Contacts,
    /// Not used, and why.
    Skipped(String),
}

/// One sheet as `init` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetReport {
    pub name: String,
    /// The title rows above the header (附件 labels left out).
    pub title: Option<String>,
    pub kind: SheetKind,
    /// The header row (1-based) when one was found: its first row.
    pub header_row: Option<u32>,
    /// The header's last row when it is written on two (a group heading
    /// over its sub-headings).
    #[serde(default)]
    pub header_last_row: Option<u32>,
    /// Lines between the title and the header that are neither
    /// ("填报单位：…", "日期：…").
    #[serde(default)]
    pub subtitles: Vec<String>,
    /// Each recognised header cell and what it is taken for ("单位名称 → 单位").
    pub columns: Vec<String>,
    /// Rows taken (activities, units or contacts).
    pub entries: usize,
}

impl SheetReport {
    /// The name a group of this sheet's units goes by: the sheet's name,
    /// unless that is a default like "Sheet1", then its title.
    pub fn group_name(&self) -> String {
        let default = ["sheet", "工作表", "表"].iter().any(|p| {
            self.name
                .to_lowercase()
                .strip_prefix(p)
                .is_some_and(|rest| rest.trim().chars().all(|c| c.is_ascii_digit()))
        });
        match (&self.title, default) {
            (Some(t), true) => t.clone(),
            _ => self.name.clone(),
        }
    }
}

/// Where the year of the schedule's dates was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatedYear {
    pub year: i32,
    /// "工作表“附件1”的日期", "标题“2023年…”".
    pub source: String,
}

/// The schedule as read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Every sheet, in workbook order, with what was made of it.
    pub sheets: Vec<SheetReport>,
    /// Activity rows of every activity sheet.
    pub rows: Vec<ScheduleRow>,
    /// Units of every list of units.
    pub listed: Vec<ListedUnit>,
    /// Rows of contacts sheets.
    pub contacts: Vec<ContactRow>,
    pub problems: Vec<RowProblem>,
    /// The year times written without one were read in.
    pub year: i32,
    /// The year the workbook itself states (date cells, "2023年" in a title
    /// or a time), if any.
    pub stated_year: Option<StatedYear>,
}

impl Schedule {
    /// The first title of a sheet that lists units (for `init`).
    pub fn title(&self) -> Option<&str> {
        self.sheets
            .iter()
            .filter(|s| matches!(s.kind, SheetKind::Activities | SheetKind::Units))
            .find_map(|s| s.title.as_deref())
    }

    /// Every unit name in schedule order (activity rows, then unit lists;
    /// each name once).
    pub fn unit_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let names = self
            .rows
            .iter()
            .flat_map(|r| r.units.iter().map(String::as_str))
            .chain(self.listed.iter().map(|l| l.name.as_str()));
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

/// Why the schedule could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("无法打开活动安排表 {path}: {message}")]
    Open { path: String, message: String },
    #[error("活动安排表 {path} 中找不到列出单位的工作表（需要“单位”或“单位名称”列的表头）{detail}")]
    NoHeader { path: String, detail: String },
}

/// A sheet as sparse rows, 0-based as calamine counts: row → column → cell.
type Grid = inspect::grid::Grid<Cell>;

/// Reads the schedule. `year` is the campaign's year for times written
/// without one; `None` (for `init`) takes the year the workbook states,
/// else the current year.
pub fn read(path: &Path, year: Option<i32>, limits: &Limits) -> Result<Schedule, ScheduleError> {
    let display = path.display().to_string();
    let open_err = |message: String| ScheduleError::Open {
        path: display.clone(),
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| open_err(e.to_string()))?
        .len();
    if size > limits.max_file_bytes {
        return Err(open_err(format!(
            "文件大小{size}字节，超过上限{}字节",
            limits.max_file_bytes
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| open_err(e.to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The guarded reader goes first: sizes, package structure, the BIFF
    // pre-scan and calamine itself, all inside catch_unwind.
    let checked = inspect::inspect(&name, &bytes, limits).inspection;
    if checked.verdict == Verdict::Reject || !matches!(checked.content, Content::Spreadsheet(_)) {
        return Err(open_err(checked.reason.unwrap_or_else(|| {
            format!("文件实际是{}，不是表格", checked.kind.label())
        })));
    }
    let sheets = inspect::grid::read(checked.kind, &bytes, limits, cell_of)
        .map_err(|e| open_err(e.reason(checked.kind)))?;
    let stated_year = stated_year(&sheets);
    let year = year
        .or(stated_year.as_ref().map(|s| s.year))
        .unwrap_or_else(|| chrono::Local::now().year());
    let mut schedule = Schedule {
        year,
        stated_year,
        ..Schedule::default()
    };
    for (name, grid) in &sheets {
        read_sheet(name, grid, year, &mut schedule);
    }
    if schedule.rows.is_empty() && schedule.listed.is_empty() {
        let detail = schedule
            .sheets
            .iter()
            .map(|s| match &s.kind {
                SheetKind::Skipped(why) => format!("“{}”：{why}", s.name),
                SheetKind::Contacts => format!("“{}”：联系人表", s.name),
                _ => format!("“{}”：没有可用的行", s.name),
            })
            .collect::<Vec<_>>()
            .join("；");
        return Err(ScheduleError::NoHeader {
            path: display,
            detail: if detail.is_empty() {
                String::new()
            } else {
                format!("（{detail}）")
            },
        });
    }
    Ok(schedule)
}

/// The year the workbook states: in real date cells, in its time columns
/// ("2023年5月15日", "2023.5.15") and in the titles above its tables
/// ("2023年…安排表"); the most common one. Years in other text (a theme
/// naming "2025年招生方案") say nothing of the schedule's own dates.
fn stated_year(sheets: &[(String, Grid)]) -> Option<StatedYear> {
    let mut years: BTreeMap<i32, (usize, String)> = BTreeMap::new();
    let mut count = |year: i32, source: String| {
        years.entry(year).or_insert((0, source)).0 += 1;
    };
    for (name, grid) in sheets {
        let header = find_header(grid);
        for (&r, cells) in grid {
            for (&c, cell) in cells {
                if let Some(d) = cell.date {
                    count(d.year(), format!("工作表“{name}”中的日期"));
                    continue;
                }
                let (title, time) = match &header {
                    Some(h) => (r < h.first, r > h.last && h.cols.time == Some(c)),
                    None => (false, false),
                };
                if let Some(y) = year_in_text(&cell.text).filter(|_| title || time) {
                    let shown: String = cell.text.chars().take(20).collect();
                    count(y, format!("工作表“{name}”中的“{shown}”"));
                }
            }
        }
    }
    years
        .into_iter()
        .max_by_key(|(y, (n, _))| (*n, *y))
        .map(|(year, (_, source))| StatedYear { year, source })
}

/// A year written in text: four digits 2000–2099 followed by 年, or a date
/// written 2023.5.15 / 2023-05-15 / 2023/5/15.
fn year_in_text(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len().saturating_sub(5)).find_map(|i| {
        let w = &chars[i..i + 6];
        let alone = i == 0 || !chars[i - 1].is_ascii_digit();
        let dated = w[4] == '年' || (matches!(w[4], '.' | '-' | '/') && w[5].is_ascii_digit());
        if !alone || !dated || !w[..4].iter().all(char::is_ascii_digit) {
            return None;
        }
        let year: i32 = w[..4].iter().collect::<String>().parse().ok()?;
        (2000..2100).contains(&year).then_some(year)
    })
}

fn read_sheet(name: &str, grid: &Grid, year: i32, out: &mut Schedule) {
    let mut report = SheetReport {
        name: name.to_string(),
        title: None,
        kind: SheetKind::Skipped("空工作表".into()),
        header_row: None,
        header_last_row: None,
        subtitles: Vec::new(),
        columns: Vec::new(),
        entries: 0,
    };
    if grid.is_empty() {
        out.sheets.push(report);
        return;
    }
    let Some(header) = find_header(grid) else {
        report.kind =
            SheetKind::Skipped("前30行中找不到表头（需要“单位”或“单位名称”列），未读取".into());
        out.sheets.push(report);
        return;
    };
    let cols = header.cols;
    report.header_row = Some(header.first + 1);
    report.header_last_row = (header.last > header.first).then_some(header.last + 1);
    report.title = title_above(grid, header.first);
    report.subtitles = subtitles_above(grid, header.first);
    report.columns = cols.found.clone();
    let sheet = Sheet {
        name,
        grid,
        header: header.last,
        cols: &cols,
    };
    let before = (out.rows.len(), out.listed.len(), out.contacts.len());
    report.kind = if cols.time.is_some() {
        sheet.activities(year, out);
        SheetKind::Activities
    } else if cols.has_contacts() && cols.theme.is_none() {
        sheet.contacts(out);
        SheetKind::Contacts
    } else {
        sheet.units(report.title.as_deref(), out);
        SheetKind::Units
    };
    report.entries = (out.rows.len() - before.0)
        + (out.listed.len() - before.1)
        + (out.contacts.len() - before.2);
    out.sheets.push(report);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_written_in_text() {
        assert_eq!(year_in_text("2023年建昌县“5·15政务公开日”"), Some(2023));
        assert_eq!(year_in_text("2025.5.15"), Some(2025));
        assert_eq!(year_in_text("5月15日"), None);
        assert_eq!(year_in_text("电话13904291234"), None);
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        inspect::grid::from_rows(rows, |t| {
            Some(Cell {
                raw: t.to_string(),
                text: join_lines(t),
                date: None,
            })
        })
    }

    #[test]
    fn sheets_without_a_unit_heading_are_skipped_and_said_so() {
        let mut out = Schedule::default();
        let notes = grid(&[&["填表说明"], &["1. 请各单位于5月10日前报送"]]);
        read_sheet("说明", &notes, 2025, &mut out);
        read_sheet("Sheet3", &Grid::new(), 2025, &mut out);
        // A title merged across the row is not a header, whatever it says.
        let list = grid(&[
            &["现场宣传活动参加部门", "现场宣传活动参加部门"],
            &["单位名称", ""],
            &["县教育局", ""],
        ]);
        read_sheet("名单", &list, 2025, &mut out);
        let kinds: Vec<&SheetKind> = out.sheets.iter().map(|s| &s.kind).collect();
        assert!(matches!(kinds[0], SheetKind::Skipped(why) if why.contains("找不到表头")));
        assert_eq!(kinds[1], &SheetKind::Skipped("空工作表".into()));
        assert_eq!(kinds[2], &SheetKind::Units);
        assert_eq!(out.sheets[2].header_row, Some(2));
        assert_eq!(out.listed[0].name, "县教育局");
        assert_eq!(out.listed[0].duty.as_deref(), Some("现场宣传活动"));
    }

    #[test]
    fn a_two_row_header_under_a_title_and_a_subtitle() {
        // As calamine fills merged cells: the title and the subtitle merged
        // across, 序号…开展时间 merged down two rows, 联系方式 across three.
        let mut out = Schedule::default();
        let sheet = grid(&[
            &["2025年某某市政务公开日活动安排表"; 7],
            &["填报单位：某某市政务公开办　日期：2025年4月28日"; 7],
            &[
                "序号",
                "责任单位",
                "活动主题",
                "开展时间",
                "联系方式",
                "联系方式",
                "联系方式",
            ],
            &[
                "序号",
                "责任单位",
                "活动主题",
                "开展时间",
                "联系人",
                "联系电话",
                "邮箱",
            ],
            &[
                "1",
                "市教育局",
                "校园开放日",
                "5月20日",
                "王芳",
                "0731-1234567",
                "jyj@example.gov.cn",
            ],
            &[
                "序号",
                "责任单位",
                "活动主题",
                "开展时间",
                "联系人",
                "联系电话",
                "邮箱",
            ],
            &[
                "2",
                "市公安局",
                "平安宣传",
                "5月21日",
                "李明",
                "0731-7654321",
                "gaj@example.gov.cn",
            ],
        ]);
        read_sheet("Sheet1", &sheet, 2025, &mut out);
        let s = &out.sheets[0];
        assert_eq!(s.kind, SheetKind::Activities);
        assert_eq!(s.title.as_deref(), Some("2025年某某市政务公开日活动安排表"));
        assert_eq!((s.header_row, s.header_last_row), (Some(3), Some(4)));
        assert_eq!(
            s.subtitles,
            ["填报单位：某某市政务公开办　日期：2025年4月28日"]
        );
        assert!(
            s.columns.contains(&"联系方式/邮箱 → 邮箱".to_string()),
            "{:?}",
            s.columns
        );
        let units: Vec<&str> = out.rows.iter().map(|r| r.units[0].as_str()).collect();
        assert_eq!(
            units,
            ["市教育局", "市公安局"],
            "the repeated header is no unit"
        );
        let emails: Vec<&str> = out
            .rows
            .iter()
            .flat_map(|r| r.contacts.iter().filter_map(|c| c.email.as_deref()))
            .collect();
        assert_eq!(emails, ["jyj@example.gov.cn", "gaj@example.gov.cn"]);
        assert!(
            out.problems
                .iter()
                .any(|p| p.row == 6 && p.reason.contains("表头"))
        );
    }

    #[test]
    fn group_names_come_from_the_sheet_or_its_title() {
        let mut s = SheetReport {
            name: "附件2".into(),
            title: Some("现场宣传活动参加部门".into()),
            kind: SheetKind::Units,
            header_row: Some(3),
            header_last_row: None,
            subtitles: vec![],
            columns: vec![],
            entries: 21,
        };
        assert_eq!(s.group_name(), "附件2");
        s.name = "Sheet2".into();
        assert_eq!(s.group_name(), "现场宣传活动参加部门");
    }
}
