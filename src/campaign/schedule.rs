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
//! understands the usual ways of writing times (see [`super::timetext`]).
//! Every row or cell it cannot understand is reported with its sheet, the
//! row number Excel shows and the cell (`E7`); none silently disappears,
//! and none stops the batch.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::Data;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::timetext::{self, ActivityTime};
use crate::inspect::{self, Content, Limits, Verdict};

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
    /// None when the time could not be understood (reported as a problem).
    pub time: Option<ActivityTime>,
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
    /// The header row (1-based) when one was found.
    pub header_row: Option<u32>,
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

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Seq => "序号",
            Role::Unit => "单位",
            Role::Theme => "主题",
            Role::Time => "时间",
            Role::Place => "地点",
            Role::Contact => "联系人",
            Role::Phone => "电话",
            Role::Email => "邮箱",
        }
    }
}

/// Recognises a header cell. Order matters: the first rule that matches wins.
fn role_of(header: &str) -> Option<Role> {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    if h.chars().count() > 12 {
        return None; // a title or a note, not a column heading
    }
    let rules: [(&[&str], Role); 8] = [
        (&["序号", "编号"], Role::Seq),
        (
            &["邮箱", "电子邮件", "email", "Email", "E-mail", "邮件"],
            Role::Email,
        ),
        (&["电话", "手机", "联系方式"], Role::Phone),
        (&["联系人", "联络员"], Role::Contact),
        (&["地点"], Role::Place),
        (
            &["主题", "活动内容", "活动名称", "任务", "职责"],
            Role::Theme,
        ),
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
    seq: Option<u32>,
    unit: Option<u32>,
    theme: Option<u32>,
    time: Option<u32>,
    place: Option<u32>,
    contact: Option<u32>,
    phone: Option<u32>,
    email: Option<u32>,
    /// (header text, role) of every recognised cell, for `init`.
    found: Vec<String>,
}

impl Columns {
    fn from_row(cells: &BTreeMap<u32, Cell>) -> Columns {
        let mut c = Columns::default();
        for (&i, cell) in cells {
            let Some(role) = role_of(&cell.text) else {
                continue;
            };
            let slot = match role {
                Role::Seq => &mut c.seq,
                Role::Unit => &mut c.unit,
                Role::Theme => &mut c.theme,
                Role::Time => &mut c.time,
                Role::Place => &mut c.place,
                Role::Contact => &mut c.contact,
                Role::Phone => &mut c.phone,
                Role::Email => &mut c.email,
            };
            if slot.is_none() {
                *slot = Some(i);
                c.found.push(format!("{} → {}", cell.text, role.label()));
            }
        }
        c
    }

    fn has_contacts(&self) -> bool {
        self.contact.is_some() || self.phone.is_some() || self.email.is_some()
    }
}

/// A cell: its text with lines kept (`raw`) and joined (`text`), and its
/// date when it is a real date cell.
#[derive(Debug, Clone, Default)]
struct Cell {
    raw: String,
    text: String,
    date: Option<NaiveDate>,
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

fn cell_of(data: &Data) -> Option<Cell> {
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
                    Some((h, cols)) => (r < *h, r > *h && cols.time == Some(c)),
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

/// Finds the header row among a sheet's first 30 rows: the first naming a
/// unit column along with at least one other heading (序号, 时间, 联系人…),
/// or a lone short unit heading ("单位名称").
fn find_header(grid: &Grid) -> Option<(u32, Columns)> {
    grid.iter().take(30).find_map(|(&r, cells)| {
        let cols = Columns::from_row(cells);
        cols.unit?;
        let mut distinct: Vec<&str> = cells.values().map(|c| c.text.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let ok = (distinct.len() >= 2 && cols.found.len() >= 2)
            || (distinct.len() == 1 && distinct[0].chars().count() <= 6);
        ok.then_some((r, cols))
    })
}

/// The title written above the header: the longest text there, leaving
/// out 附件 labels ("附件1", "附件2：").
fn title_above(grid: &Grid, header: u32) -> Option<String> {
    grid.range(..header)
        .flat_map(|(_, cells)| cells.values())
        .map(|c| c.text.trim().to_string())
        .filter(|t| !is_attachment_label(t))
        .max_by_key(|t| t.chars().count())
}

fn is_attachment_label(t: &str) -> bool {
    t.strip_prefix("附件").is_some_and(|rest| {
        rest.chars()
            .all(|c| c.is_ascii_digit() || "：:".contains(c))
    })
}

fn read_sheet(name: &str, grid: &Grid, year: i32, out: &mut Schedule) {
    let mut report = SheetReport {
        name: name.to_string(),
        title: None,
        kind: SheetKind::Skipped("空工作表".into()),
        header_row: None,
        columns: Vec::new(),
        entries: 0,
    };
    if grid.is_empty() {
        out.sheets.push(report);
        return;
    }
    let Some((header, cols)) = find_header(grid) else {
        report.kind =
            SheetKind::Skipped("前30行中找不到表头（需要“单位”或“单位名称”列），未读取".into());
        out.sheets.push(report);
        return;
    };
    report.header_row = Some(header + 1);
    report.title = title_above(grid, header);
    report.columns = cols.found.clone();
    let sheet = Sheet {
        name,
        grid,
        header,
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

/// One sheet being read, below its header.
struct Sheet<'a> {
    name: &'a str,
    grid: &'a Grid,
    header: u32,
    cols: &'a Columns,
}

/// One row being read.
struct Row<'a> {
    sheet: &'a str,
    at: u32,
    cells: &'a BTreeMap<u32, Cell>,
}

impl Row<'_> {
    fn cell(&self, col: Option<u32>) -> Option<&Cell> {
        col.and_then(|c| self.cells.get(&c))
    }

    fn text(&self, col: Option<u32>) -> String {
        self.cell(col).map(|c| c.text.clone()).unwrap_or_default()
    }

    fn problem(&self, col: Option<u32>, reason: String) -> RowProblem {
        RowProblem {
            sheet: self.sheet.to_string(),
            row: self.at + 1,
            cell: col.map(|c| cell_name(self.at, c)),
            reason,
        }
    }

    /// A note merged across the table (主办单位：…) fills every column
    /// with the same text; a long sentence in the unit column is a note
    /// too. Returns the text to show when the row is such a note.
    fn note(&self, unit_col: u32) -> Option<String> {
        let mut filled: Vec<&str> = self.cells.values().map(|c| c.text.as_str()).collect();
        let banner = filled.len() > 1 && filled.iter().all(|t| *t == filled[0]);
        let unit = self.text(Some(unit_col));
        if banner || unit.is_empty() || looks_like_note(&unit) {
            filled.dedup();
            return Some(filled.join(" / "));
        }
        None
    }

    /// The row's contacts: one per address in the e-mail cell (several
    /// separated by ；;，,、, spaces or new lines), each checked; a bad one
    /// is reported and left out.
    fn contacts(&self, cols: &Columns, problems: &mut Vec<RowProblem>) -> Vec<Contact> {
        let name = non_empty(self.text(cols.contact));
        let phone = non_empty(self.text(cols.phone));
        let mut emails = Vec::new();
        if let Some(cell) = self.cell(cols.email) {
            for addr in split_addresses(&cell.raw) {
                if looks_like_email(&addr) {
                    emails.push(addr);
                } else {
                    problems.push(self.problem(
                        cols.email,
                        format!(
                            "邮箱“{}”格式不正确，已忽略该地址（单位仍在名单中；请更正安排表或在campaign.toml的[[units]]中写明邮箱）",
                            addr.escape_debug()
                        ),
                    ));
                }
            }
        }
        if emails.is_empty() {
            return if name.is_some() || phone.is_some() {
                vec![Contact {
                    name,
                    phone,
                    email: None,
                }]
            } else {
                Vec::new()
            };
        }
        emails
            .into_iter()
            .map(|e| Contact {
                name: name.clone(),
                phone: phone.clone(),
                email: Some(e),
            })
            .collect()
    }
}

impl Sheet<'_> {
    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.grid
            .range(self.header + 1..)
            .filter(|(_, cells)| !cells.is_empty())
            .map(|(&at, cells)| Row {
                sheet: self.name,
                at,
                cells,
            })
    }

    fn unit_col(&self) -> u32 {
        self.cols.unit.expect("find_header requires a unit column")
    }

    fn skip_note(&self, row: &Row, what: &str, out: &mut Schedule) -> bool {
        match row.note(self.unit_col()) {
            Some(text) => {
                out.problems.push(row.problem(
                    None,
                    format!("没有单位名称，不是{what}，已跳过（内容：{text}）"),
                ));
                true
            }
            None => false,
        }
    }

    fn activities(&self, year: i32, out: &mut Schedule) {
        let cols = self.cols;
        let time_col = cols.time.expect("an activity sheet has a time column");
        let mut position = 0;
        for row in self.rows() {
            if self.skip_note(&row, "活动行", out) {
                continue;
            }
            position += 1;
            let unit_cell = row.cell(Some(self.unit_col())).cloned().unwrap_or_default();
            let time_cell = row.cell(Some(time_col)).cloned().unwrap_or_default();
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
                out.problems.push(row.problem(
                    Some(time_col),
                    format!("{why}，{}的截止时间无法按活动时间计算", unit_cell.text),
                ));
            }
            let contacts = row.contacts(cols, &mut out.problems);
            // A date cell reads as the office sees it (5月15日), not as stored.
            let time_text = match (&time, time_cell.date) {
                (Some(t), Some(_)) => t.text.clone(),
                _ => time_cell.text,
            };
            out.rows.push(ScheduleRow {
                seq: non_empty(row.text(cols.seq)).unwrap_or_else(|| position.to_string()),
                units: split_units(&unit_cell.raw),
                unit_text: unit_cell.raw,
                theme: row.text(cols.theme),
                time,
                time_text,
                place: non_empty(row.text(cols.place)),
                contacts,
                sheet: self.name.to_string(),
                row: row.at + 1,
            });
        }
    }

    fn units(&self, title: Option<&str>, out: &mut Schedule) {
        let cols = self.cols;
        let mut position = 0;
        for row in self.rows() {
            if self.skip_note(&row, "单位行", out) {
                continue;
            }
            position += 1;
            let unit_cell = row.cell(Some(self.unit_col())).cloned().unwrap_or_default();
            let duty = non_empty(row.text(cols.theme)).or_else(|| title.map(list_subject));
            let contacts = row.contacts(cols, &mut out.problems);
            let seq = non_empty(row.text(cols.seq)).unwrap_or_else(|| position.to_string());
            // A list cell naming several units lists each of them.
            for name in list_units(&unit_cell.raw) {
                out.listed.push(ListedUnit {
                    seq: seq.clone(),
                    name,
                    duty: duty.clone(),
                    contacts: contacts.clone(),
                    sheet: self.name.to_string(),
                    row: row.at + 1,
                });
            }
        }
    }

    fn contacts(&self, out: &mut Schedule) {
        for row in self.rows() {
            let unit = row.text(Some(self.unit_col()));
            if unit.is_empty() {
                out.problems.push(row.problem(
                    Some(self.unit_col()),
                    "联系人行没有单位名称，已跳过".to_string(),
                ));
                continue;
            }
            let contacts = row.contacts(self.cols, &mut out.problems);
            out.contacts.push(ContactRow {
                unit: split_units(&unit).concat(),
                contacts,
                sheet: self.name.to_string(),
                row: row.at + 1,
            });
        }
    }
}

/// What a list's title lists units for: "现场宣传活动参加部门" → "现场宣传活动",
/// "泸溪县政务公开主题日活动安排表" → "泸溪县政务公开主题日活动".
pub fn list_subject(title: &str) -> String {
    let t = title.trim();
    for suffix in [
        "参加部门",
        "参加单位",
        "单位名单",
        "名单",
        "一览表",
        "计划表",
    ] {
        if let Some(rest) = t.strip_suffix(suffix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    if let Some(rest) = t.strip_suffix("安排表")
        && !rest.is_empty()
    {
        return if rest.ends_with("活动") {
            rest.to_string()
        } else {
            format!("{rest}活动")
        };
    }
    t.to_string()
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A sentence or a remark where a unit name should be.
fn looks_like_note(text: &str) -> bool {
    text.chars().count() > 30
        || text.starts_with(['（', '('])
        || text.contains(['。', '；', ';', '！', '？', '：', ':'])
}

/// Splits a contact cell into addresses: separated by ；;，,、, spaces or
/// new lines; full-width letters and ＠ folded, stray brackets dropped.
pub fn split_addresses(cell: &str) -> Vec<String> {
    let folded: String = cell
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    folded
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '、' | '，' | '；'))
        .map(|a| {
            a.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | '"' | '\''))
                .trim_start_matches("mailto:")
                .to_string()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// A plain check (something@domain.tld, one @, no spaces or control
/// characters); the notify stage parses addresses fully before sending.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && s.chars()
            .all(|c| c.is_ascii_graphic() && !"<>(),;:\"[]\\".contains(c))
}

/// Words an organisation's name ends with; used to split a cell that names
/// several units ("县农业农村局 县乡村振兴局").
const ORG_SUFFIXES: [&str; 24] = [
    "局", "府", "院", "会", "队", "中心", "办", "委", "所", "站", "部", "处", "室", "团", "社",
    "行", "司", "馆", "校", "台", "镇", "乡", "街道", "公司",
];

/// The parts of a 单位 cell, separated by spaces, new lines, 、 or commas.
pub fn unit_parts(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '；' | ';'))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits a 单位 cell into unit names when it clearly names several: every
/// part looks like an organisation's name and none continues the one
/// before ("生态环境局\n建昌分局" is one unit). The campaign decides
/// again once every unit of the workbook is known.
pub fn split_units(cell: &str) -> Vec<String> {
    let parts = unit_parts(cell);
    let branch = parts.iter().skip(1).any(|p| p.ends_with("分局"));
    let all_orgs = parts.len() > 1
        && !branch
        && parts
            .iter()
            .all(|p| p.chars().count() >= 3 && ORG_SUFFIXES.iter().any(|s| p.ends_with(s)));
    if all_orgs {
        parts
    } else {
        vec![parts.concat()]
    }
}

/// The units of a cell on a list of units: like [`split_units`], but a
/// cell listing many (县发改局、县教育局、…) lists each.
fn list_units(cell: &str) -> Vec<String> {
    let by_sep: Vec<String> = cell
        .split(['、', '，', ',', '；', ';'])
        .map(|p| p.split_whitespace().collect::<String>())
        .map(|p| p.trim_end_matches(['。', '.']).to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if by_sep.len() > 1 {
        by_sep
    } else {
        split_units(cell)
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
        // A title is not a heading, whatever words it holds.
        assert_eq!(
            role_of("“重要工作部门谈，行政决策大家看”活动参加部门"),
            None
        );
    }

    #[test]
    fn cells_naming_two_units_are_split_others_kept() {
        assert_eq!(
            split_units("县农业农村局 县乡村振兴局"),
            vec!["县农业农村局", "县乡村振兴局"]
        );
        assert_eq!(
            split_units("县农业农村局\n县乡村振兴局"),
            vec!["县农业农村局", "县乡村振兴局"]
        );
        assert_eq!(
            split_units("生态环境局\n建昌分局"),
            vec!["生态环境局建昌分局"]
        );
        assert_eq!(split_units("县公安局"), vec!["县公安局"]);
        assert_eq!(
            list_units("县发改局、县教育局、葫芦岛市生态环境局建昌分局。"),
            vec!["县发改局", "县教育局", "葫芦岛市生态环境局建昌分局"]
        );
    }

    #[test]
    fn broken_lines_join_like_text() {
        assert_eq!(join_lines("推动绩效管理提质\n增效"), "推动绩效管理提质增效");
        assert_eq!(join_lines("Open\nDay"), "Open Day");
    }

    #[test]
    fn contact_cells_hold_several_addresses_in_every_notation() {
        assert_eq!(
            split_addresses(" a@x.gov.cn；b@y.cn, c@z.cn、d@w.cn\ne@v.cn  f@u.cn ＧＨ＠ｔ.ｃｎ"),
            vec![
                "a@x.gov.cn",
                "b@y.cn",
                "c@z.cn",
                "d@w.cn",
                "e@v.cn",
                "f@u.cn",
                "GH@t.cn"
            ]
        );
        assert!(looks_like_email("jc7710089@163.com"));
        assert!(!looks_like_email("rsj@@jc.example.gov.cn"));
        assert!(!looks_like_email("rsj.example.gov.cn"));
        assert!(!looks_like_email("rsj@example"));
        assert!(!looks_like_email("rsj@example..cn"));
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 4), "E7");
        assert_eq!(cell_name(9, 26), "AA10");
    }

    #[test]
    fn years_written_in_text() {
        assert_eq!(year_in_text("2023年建昌县“5·15政务公开日”"), Some(2023));
        assert_eq!(year_in_text("2025.5.15"), Some(2025));
        assert_eq!(year_in_text("5月15日"), None);
        assert_eq!(year_in_text("电话13904291234"), None);
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter()
            .enumerate()
            .map(|(r, cells)| {
                let row = cells
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(c, t)| {
                        let cell = Cell {
                            raw: t.to_string(),
                            text: join_lines(t),
                            date: None,
                        };
                        (c as u32, cell)
                    })
                    .collect();
                (r as u32, row)
            })
            .collect()
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
    fn group_names_come_from_the_sheet_or_its_title() {
        let mut s = SheetReport {
            name: "附件2".into(),
            title: Some("现场宣传活动参加部门".into()),
            kind: SheetKind::Units,
            header_row: Some(3),
            columns: vec![],
            entries: 21,
        };
        assert_eq!(s.group_name(), "附件2");
        s.name = "Sheet2".into();
        assert_eq!(s.group_name(), "现场宣传活动参加部门");
    }
}
