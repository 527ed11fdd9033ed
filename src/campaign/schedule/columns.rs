//! The header row: which heading names which column (单位, 时间, 联系人 …),
//! where in a sheet the header is, and the title written above it.

use std::collections::BTreeMap;

use super::Grid;
use super::cells::Cell;

/// The roles a column can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
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
    pub(super) fn label(self) -> &'static str {
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
pub(super) fn role_of(header: &str) -> Option<Role> {
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
pub(super) struct Columns {
    pub(super) seq: Option<u32>,
    pub(super) unit: Option<u32>,
    pub(super) theme: Option<u32>,
    pub(super) time: Option<u32>,
    pub(super) place: Option<u32>,
    pub(super) contact: Option<u32>,
    pub(super) phone: Option<u32>,
    pub(super) email: Option<u32>,
    /// (header text, role) of every recognised cell, for `init`.
    pub(super) found: Vec<String>,
}

impl Columns {
    pub(super) fn from_row(cells: &BTreeMap<u32, Cell>) -> Columns {
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

    pub(super) fn has_contacts(&self) -> bool {
        self.contact.is_some() || self.phone.is_some() || self.email.is_some()
    }
}

/// Finds the header row among a sheet's first 30 rows: the first naming a
/// unit column along with at least one other heading (序号, 时间, 联系人…),
/// or a lone short unit heading ("单位名称").
pub(super) fn find_header(grid: &Grid) -> Option<(u32, Columns)> {
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
pub(super) fn title_above(grid: &Grid, header: u32) -> Option<String> {
    grid.range(..header)
        .flat_map(|(_, cells)| cells.values())
        .map(|c| c.text.trim().to_string())
        .filter(|t| !is_attachment_label(t))
        .max_by_key(|t| t.chars().count())
}

pub(super) fn is_attachment_label(t: &str) -> bool {
    t.strip_prefix("附件").is_some_and(|rest| {
        rest.chars()
            .all(|c| c.is_ascii_digit() || "：:".contains(c))
    })
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
}
