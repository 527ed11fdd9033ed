//! The rows of one sheet below its header: activities, units with a duty
//! and contacts, each row's problems named with its sheet, row and cell.

use std::collections::BTreeMap;

use super::cells::{Cell, cell_name};
use super::columns::{Columns, Role, role_of};
use super::text::{
    list_subject, list_units, looks_like_email, looks_like_note, non_empty, split_addresses,
    split_units,
};
use super::{Contact, ContactRow, Grid, ListedUnit, RowProblem, Schedule, ScheduleRow};
use crate::campaign::timetext;

/// One sheet being read, below its header.
pub(super) struct Sheet<'a> {
    pub(super) name: &'a str,
    pub(super) grid: &'a Grid,
    pub(super) header: u32,
    pub(super) cols: &'a Columns,
}

/// One row being read.
pub(super) struct Row<'a> {
    pub(super) sheet: &'a str,
    pub(super) at: u32,
    pub(super) cells: &'a BTreeMap<u32, Cell>,
}

impl Row<'_> {
    pub(super) fn cell(&self, col: Option<u32>) -> Option<&Cell> {
        col.and_then(|c| self.cells.get(&c))
    }

    pub(super) fn text(&self, col: Option<u32>) -> String {
        self.cell(col).map(|c| c.text.clone()).unwrap_or_default()
    }

    pub(super) fn problem(&self, col: Option<u32>, reason: String) -> RowProblem {
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
    pub(super) fn note(&self, unit_col: u32) -> Option<String> {
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
    pub(super) fn contacts(&self, cols: &Columns, problems: &mut Vec<RowProblem>) -> Vec<Contact> {
        let name = non_empty(self.text(cols.contact));
        // A single 联系方式 column holds phones and addresses alike.
        let phone_cell = self.text(cols.phone);
        let (mailed, phones): (Vec<String>, Vec<String>) = split_addresses(&phone_cell)
            .into_iter()
            .partition(|p| p.contains('@'));
        let phone = if mailed.is_empty() {
            non_empty(phone_cell)
        } else {
            non_empty(phones.join(" "))
        };
        let mut emails = Vec::new();
        let email_cells = self
            .cell(cols.email)
            .map(|c| (cols.email, c.raw.clone()))
            .into_iter()
            .chain((!mailed.is_empty()).then(|| (cols.phone, mailed.join(" "))));
        for (col, raw) in email_cells {
            for addr in split_addresses(&raw) {
                if looks_like_email(&addr) {
                    emails.push(addr);
                } else {
                    problems.push(self.problem(
                        col,
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
    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.grid
            .range(self.header + 1..)
            .filter(|(_, cells)| !cells.is_empty())
            .map(|(&at, cells)| Row {
                sheet: self.name,
                at,
                cells,
            })
    }

    pub(super) fn unit_col(&self) -> u32 {
        self.cols.unit.expect("find_header requires a unit column")
    }

    /// A row that repeats the header (its heading printed again further
    /// down, or a sub-header row not taken as one): never an entry.
    pub(super) fn skip_header_again(&self, row: &Row, out: &mut Schedule) -> bool {
        let unit = row.text(Some(self.unit_col()));
        let headings = row
            .cells
            .values()
            .filter(|c| role_of(&c.text).is_some())
            .count();
        if role_of(&unit) == Some(Role::Unit) || headings >= 2 {
            out.problems
                .push(row.problem(None, format!("重复的表头行（{}），不是单位，已跳过", unit)));
            return true;
        }
        false
    }

    pub(super) fn skip_note(&self, row: &Row, what: &str, out: &mut Schedule) -> bool {
        if self.skip_header_again(row, out) {
            return true;
        }
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

    pub(super) fn activities(&self, year: i32, out: &mut Schedule) {
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
                Some(date) => Ok(timetext::from_date(date)),
                None => timetext::read(&time_cell.text, year),
            };
            // One warning per cell that names no date (or only a tentative
            // one), saying how to fix it.
            match &time {
                Err(why) => out.problems.push(row.problem(
                    Some(time_col),
                    format!(
                        "{}：{}的截止时间（按活动时间计算的）暂无法计算，不会向其催报；请在安排表中写明日期（如“9月15日”“9月”“第三季度”），或在campaign.toml中为该项材料写 deadline = {{ at = \"{year}-09-30T17:00\" }}",
                        why.describe(&time_cell.text),
                        unit_cell.text
                    ),
                )),
                Ok(t) if t.tentative => out.problems.push(row.problem(
                    Some(time_col),
                    format!(
                        "开展时间“{}”尚未最终确定，暂按{}至{}计算{}的截止时间；日期确定后请在安排表中更新",
                        t.text,
                        t.start.format("%-m月%-d日"),
                        t.end.format("%-m月%-d日"),
                        unit_cell.text
                    ),
                )),
                Ok(_) => {}
            }
            let contacts = row.contacts(cols, &mut out.problems);
            // A date cell reads as the office sees it (5月15日), not as stored.
            let time_text = match (&time, time_cell.date) {
                (Ok(t), Some(_)) => t.text.clone(),
                _ => time_cell.text,
            };
            out.rows.push(ScheduleRow {
                seq: non_empty(row.text(cols.seq)).unwrap_or_else(|| position.to_string()),
                units: split_units(&unit_cell.raw),
                unit_text: unit_cell.raw,
                theme: row.text(cols.theme),
                undetermined: time.as_ref().err().copied(),
                time: time.ok(),
                time_text,
                place: non_empty(row.text(cols.place)),
                contacts,
                sheet: self.name.to_string(),
                row: row.at + 1,
            });
        }
    }

    pub(super) fn units(&self, title: Option<&str>, out: &mut Schedule) {
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

    pub(super) fn contacts(&self, out: &mut Schedule) {
        for row in self.rows() {
            if self.skip_header_again(&row, out) {
                continue;
            }
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
