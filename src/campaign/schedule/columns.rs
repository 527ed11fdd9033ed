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
    /// The columns of a header written on one row (`lower` None) or on two:
    /// a group heading merged across over its sub-headings ("联系方式" over
    /// 联系人 / 联系电话 / 邮箱), where a column's sub-heading names it and a
    /// heading merged down both rows ("单位") names its own.
    pub(super) fn from_rows(
        upper: &BTreeMap<u32, Cell>,
        lower: Option<&BTreeMap<u32, Cell>>,
    ) -> Columns {
        let mut c = Columns::default();
        let columns: std::collections::BTreeSet<u32> = upper
            .keys()
            .chain(lower.into_iter().flat_map(|l| l.keys()))
            .copied()
            .collect();
        for i in columns {
            let upper = upper.get(&i);
            let below = lower.and_then(|l| l.get(&i));
            // The sub-heading first, then the heading above it.
            let Some((cell, role)) = [below, upper]
                .into_iter()
                .flatten()
                .find_map(|cell| Some((cell, role_of(&cell.text)?)))
            else {
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
                let text = match (upper, below) {
                    (Some(u), Some(b)) if u.text != b.text && std::ptr::eq(cell, b) => {
                        format!("{}/{}", u.text, b.text)
                    }
                    _ => cell.text.clone(),
                };
                c.found.push(format!("{text} → {}", role.label()));
            }
        }
        c
    }

    pub(super) fn has_contacts(&self) -> bool {
        self.contact.is_some() || self.phone.is_some() || self.email.is_some()
    }
}

/// Where a sheet's header is: its first row and its last (the same row, or
/// the row of sub-headings under it), and the columns it names.
#[derive(Debug)]
pub(super) struct Header {
    pub(super) first: u32,
    pub(super) last: u32,
    pub(super) cols: Columns,
}

/// Finds the header row among a sheet's first 30 rows: the first naming a
/// unit column along with at least one other heading (序号, 时间, 联系人…),
/// or a lone short unit heading ("单位名称"); with the row under it when
/// that row holds sub-headings ([`sub_headings`]).
pub(super) fn find_header(grid: &Grid) -> Option<Header> {
    grid.iter().take(30).find_map(|(&r, cells)| {
        let cols = Columns::from_rows(cells, None);
        cols.unit?;
        let mut distinct: Vec<&str> = cells.values().map(|c| c.text.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let ok = (distinct.len() >= 2 && cols.found.len() >= 2)
            || (distinct.len() == 1 && distinct[0].chars().count() <= 6);
        if !ok {
            return None;
        }
        Some(
            match grid
                .get(&(r + 1))
                .filter(|below| sub_headings(cells, below))
            {
                Some(below) => Header {
                    first: r,
                    last: r + 1,
                    cols: Columns::from_rows(cells, Some(below)),
                },
                None => Header {
                    first: r,
                    last: r,
                    cols,
                },
            },
        )
    })
}

/// Whether `below` is the second row of a two-row header over `upper`:
/// every cell in it is a heading or a heading merged down from `upper`,
/// and one at least is a sub-heading under a heading merged across
/// (the same text over several columns: "联系方式").
fn sub_headings(upper: &BTreeMap<u32, Cell>, below: &BTreeMap<u32, Cell>) -> bool {
    let merged_across = |col: u32| {
        upper.get(&col).is_some_and(|u| {
            [col.checked_sub(1), Some(col + 1)]
                .into_iter()
                .flatten()
                .any(|n| upper.get(&n).is_some_and(|v| v.text == u.text))
        })
    };
    let mut sub = false;
    for (&col, cell) in below {
        let same = upper.get(&col).is_some_and(|u| u.text == cell.text);
        if same {
            continue;
        }
        if role_of(&cell.text).is_none() {
            return false;
        }
        sub |= merged_across(col) || upper.get(&col).is_none();
    }
    sub
}

/// Labels of the lines under a title that are not the title: who filled
/// the form, when, who to ask ("填报单位：某某市政务公开办", "日期：2025年4月").
const SUBTITLE_LABELS: &[&str] = &[
    "填报单位",
    "填表单位",
    "报送单位",
    "制表单位",
    "编制单位",
    "主办单位",
    "承办单位",
    "牵头单位",
    "单位",
    "填报日期",
    "制表日期",
    "填表日期",
    "日期",
    "时间",
    "填报人",
    "制表人",
    "填表人",
    "审核人",
    "联系人",
    "联系电话",
    "电话",
];

/// A subtitle line: "填报单位：…", "日期：…", "单位（盖章）：…".
pub(super) fn is_subtitle(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    SUBTITLE_LABELS.iter().any(|l| {
        t.strip_prefix(l).is_some_and(|rest| {
            let rest = rest
                .trim_start_matches("（盖章）")
                .trim_start_matches("(盖章)");
            rest.starts_with(['：', ':'])
        })
    })
}

/// The title written above the header (rows before `first`): the topmost
/// line merged across the table, else the longest; 附件 labels and
/// subtitle lines ("填报单位：…", "日期：…") are neither.
pub(super) fn title_above(grid: &Grid, first: u32) -> Option<String> {
    let lines: Vec<(String, bool)> = grid
        .range(..first)
        .filter_map(|(_, cells)| {
            let mut texts: Vec<&str> = cells.values().map(|c| c.text.trim()).collect();
            let merged = texts.len() > 1 && texts.iter().all(|t| *t == texts[0]);
            texts.dedup();
            let text = texts
                .into_iter()
                .filter(|t| !t.is_empty() && !is_attachment_label(t) && !is_subtitle(t))
                .max_by_key(|t| t.chars().count())?;
            Some((text.to_string(), merged))
        })
        .collect();
    lines
        .iter()
        .find(|(_, merged)| *merged)
        .or_else(|| lines.iter().max_by_key(|(t, _)| t.chars().count()))
        .map(|(t, _)| t.clone())
}

/// Subtitle lines above the header, as written (for `init` to say what it
/// did not take for the title).
pub(super) fn subtitles_above(grid: &Grid, first: u32) -> Vec<String> {
    let mut out: Vec<String> = grid
        .range(..first)
        .flat_map(|(_, cells)| cells.values())
        .map(|c| c.text.trim().to_string())
        .filter(|t| is_subtitle(t))
        .collect();
    out.dedup();
    out
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
