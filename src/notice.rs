//! The one channel for what the office should look at besides the states:
//! a [`Notice`] says what was found, where (a file, or a sheet, row and
//! cell of the office's schedule) and, when there is one, the fix. Every
//! step of a batch (the campaign's schedule and names, intake, assess, the
//! batch's own steps) adds its notices to one [`Notices`], which keeps each
//! notice once; every consumer (the terminal, `status --json`, the digest,
//! the board's office page, the report) prints that list once, questions
//! first. `tracing` is for developers' logs, never for the office.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fmt::printable;

/// Whether the office must decide something or only know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The office must decide: a row not understood, names that may mean
    /// one unit, an activity time that cannot be read.
    Question,
    /// Something could not be read, done or reached: a file, the mailbox,
    /// a unit without an address, a by-product of the batch.
    Warning,
}

/// Where a notice points: a file of the inbox, or a place in the office's
/// schedule (sheet, row, cell). Empty for the campaign as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// A path in the inbox ("县林业局/总结.docx").
    pub file: Option<String>,
    pub sheet: Option<String>,
    /// 1-based, as Excel shows it; 0 for none.
    pub row: u32,
    /// As Excel names it ("E7").
    pub cell: Option<String>,
}

impl Place {
    /// A file of the inbox.
    pub fn file(path: impl Into<String>) -> Place {
        Place {
            file: Some(path.into()),
            ..Place::default()
        }
    }

    /// A sheet of the schedule, a row of it (0: the sheet as a whole) and
    /// maybe a cell.
    pub fn cell(sheet: impl Into<String>, row: u32, cell: Option<String>) -> Place {
        Place {
            sheet: Some(sheet.into()),
            row,
            cell,
            ..Place::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.file.is_none() && self.sheet.is_none()
    }
}

impl fmt::Display for Place {
    /// "县林业局/总结.docx", "工作表“附件2”第25行（E25单元格）".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            f.write_str(&printable(file))?;
        }
        if let Some(sheet) = &self.sheet {
            write!(f, "工作表“{sheet}”")?;
            if self.row > 0 {
                write!(f, "第{}行", self.row)?;
            }
            if let Some(c) = &self.cell {
                write!(f, "（{c}单元格）")?;
            }
        }
        Ok(())
    }
}

/// One thing the office should look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: Kind,
    pub place: Place,
    /// What was found, in Chinese, without the place.
    pub what: String,
    /// What to do about it, when the batch knows.
    pub fix: Option<String>,
}

impl Notice {
    /// A question for the office.
    pub fn question(what: impl Into<String>) -> Notice {
        Notice {
            kind: Kind::Question,
            place: Place::default(),
            what: what.into(),
            fix: None,
        }
    }

    /// A warning for the office.
    pub fn warning(what: impl Into<String>) -> Notice {
        Notice {
            kind: Kind::Warning,
            ..Notice::question(what)
        }
    }

    /// The same notice, pointing at `place`.
    pub fn at(self, place: Place) -> Notice {
        Notice { place, ..self }
    }

    /// The same notice, with the fix.
    pub fn fix(self, fix: impl Into<String>) -> Notice {
        Notice {
            fix: Some(fix.into()),
            ..self
        }
    }
}

impl fmt::Display for Notice {
    /// "{place}：{what}（{fix}）", each part only when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.place.is_empty() {
            write!(f, "{}：", self.place)?;
        }
        f.write_str(&self.what)?;
        if let Some(fix) = &self.fix {
            write!(f, "（{fix}）")?;
        }
        Ok(())
    }
}

/// A batch's notices, each once, in the order the steps found them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notices {
    list: Vec<Notice>,
}

impl Notices {
    /// No notices.
    pub const fn new() -> Notices {
        Notices { list: Vec::new() }
    }

    /// Adds a notice unless the batch has it already.
    pub fn push(&mut self, notice: Notice) {
        if !self.list.contains(&notice) {
            self.list.push(notice);
        }
    }

    /// The notices of one kind, in the order they were found.
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &Notice> {
        self.list.iter().filter(move |n| n.kind == kind)
    }

    /// Every notice, questions first: the order every consumer prints.
    pub fn iter(&self) -> impl Iterator<Item = &Notice> {
        self.of(Kind::Question).chain(self.of(Kind::Warning))
    }

    /// The notices of one kind as lines.
    pub fn lines(&self, kind: Kind) -> Vec<String> {
        self.of(kind).map(Notice::to_string).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl Extend<Notice> for Notices {
    fn extend<I: IntoIterator<Item = Notice>>(&mut self, notices: I) {
        for n in notices {
            self.push(n);
        }
    }
}

impl FromIterator<Notice> for Notices {
    fn from_iter<I: IntoIterator<Item = Notice>>(notices: I) -> Notices {
        let mut out = Notices::default();
        out.extend(notices);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_reads_place_what_fix() {
        let n = Notice::warning("文件名含无法识别的字符")
            .at(Place::file("县林业局/总结.docx"))
            .fix("请改名后重新报送");
        assert_eq!(
            n.to_string(),
            "县林业局/总结.docx：文件名含无法识别的字符（请改名后重新报送）"
        );
        let row = Notice::question("没有单位名称，已跳过").at(Place::cell("附件2", 25, None));
        assert_eq!(row.to_string(), "工作表“附件2”第25行：没有单位名称，已跳过");
        let cell =
            Notice::question("邮箱格式不正确").at(Place::cell("联系人", 15, Some("E15".into())));
        assert_eq!(
            cell.to_string(),
            "工作表“联系人”第15行（E15单元格）：邮箱格式不正确"
        );
        assert_eq!(Notice::warning("日历缺2026年").to_string(), "日历缺2026年");
    }

    #[test]
    fn each_notice_once_and_questions_first() {
        let mut all = Notices::default();
        all.push(Notice::warning("甲"));
        all.push(Notice::question("乙"));
        all.push(Notice::warning("甲"));
        all.extend([Notice::question("乙"), Notice::question("丙")]);
        let shown: Vec<String> = all.iter().map(Notice::to_string).collect();
        assert_eq!(shown, ["乙", "丙", "甲"]);
        assert_eq!(all.lines(Kind::Warning), ["甲"]);
        assert!(!all.is_empty() && Notices::default().is_empty());
    }
}
