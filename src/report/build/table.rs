//! The status table: one row per activity, one cell per deliverable, and
//! the few words that say what an item lacks or did wrong.

use super::*;
use crate::assess::{ActivityAssessment, ItemAssessment};
use crate::campaign::Deliverable;
use crate::inspect::{Category, FileKind, Verdict};

/// The short text of a status cell, for the status and the messages: the
/// state, how late, what is missing; 免报 / 已取消 for an exempt item;
/// （联合报送） for a joint entry's.
pub fn cell_text(item: &ItemAssessment) -> String {
    let text = state_text(item);
    if item.joint_with.is_empty() || item.state == State::Exempt {
        text
    } else {
        format!("{text}（联合报送）")
    }
}

pub(super) fn state_text(item: &ItemAssessment) -> String {
    if let Some((label, _)) = &item.exemption {
        return label.clone();
    }
    match (item.state, item.late_workdays) {
        (State::Late, Some(0)) => "逾期报送（当日）".to_string(),
        (State::Late, Some(n)) => format!("逾期{n}个工作日报送"),
        (State::Overdue, Some(n)) if n > 0 => format!("逾期未报（{n}个工作日）"),
        (State::Incomplete, _) | (State::Invalid, _) => {
            format!("{}：{}", item.state.label(), item.detail)
        }
        (state, _) => state.label().to_string(),
    }
}

/// The note under the status table, naming the 免报 colour only when the
/// campaign has exempt items.
pub(super) fn status_note(a: &Assessment) -> String {
    let exempt = a
        .activities
        .iter()
        .flat_map(|st| &st.items)
        .any(|i| i.state == State::Exempt);
    format!(
        "注：单元格底色表示状态，红色为逾期未报，橙色为逾期报送，黄色为材料不全或不合格，绿色为按时报送，白色为尚未到报送时限{}；黑白打印时以格内文字为准。“不适用”表示该单位无需报送此项材料。",
        if exempt {
            "，灰蓝色为按通知免报或活动已取消"
        } else {
            ""
        }
    )
}

pub(super) fn status_row(
    campaign: &Campaign,
    a: &Assessment,
    st: &ActivityAssessment,
    clock: &Clock,
) -> StatusRow {
    let act = &campaign.activities[st.activity];
    let cells = campaign
        .deliverables
        .iter()
        .enumerate()
        .map(
            |(di, d)| match st.items.iter().find(|i| i.deliverable == di) {
                None => StatusCell {
                    state: None,
                    text: "不适用".to_string(),
                    when: None,
                    due: None,
                    arrived: None,
                    late_workdays: None,
                    extension: None,
                },
                Some(item) => StatusCell {
                    extension: campaign.extension(d, act.unit).map(|e| Extension {
                        until: e.until.map(|t| clock.at(t.fixed_offset())),
                        extra_workdays: e.extra_workdays,
                        reason: e.reason.clone(),
                    }),
                    state: Some(item.state),
                    text: match &item.exemption {
                        Some((label, _)) => label.clone(),
                        None if !item.joint_with.is_empty() => {
                            format!("{}（联合报送）", item.state.label())
                        }
                        None => item.state.label().to_string(),
                    },
                    when: cell_line(a, d, item, clock),
                    due: item.due.map(|t| clock.at(t)),
                    arrived: item.completed.map(|t| clock.at(t)),
                    late_workdays: item.late_workdays.filter(|_| item.state == State::Late),
                },
            },
        )
        .collect();
    StatusRow {
        seq: act.seq.clone(),
        unit: campaign.roster.units[act.unit].name.clone(),
        theme: act.theme.clone(),
        time: act.time_text.clone(),
        cells,
        overall: st.overall,
    }
}

/// The line under a cell's state: when it arrived, how late, what is wrong
/// or when it is due.
pub(super) fn cell_line(
    a: &Assessment,
    d: &Deliverable,
    item: &ItemAssessment,
    clock: &Clock,
) -> Option<CellNote> {
    let arrived = |late_workdays| {
        item.completed.map(|t| CellNote::Arrived {
            on: clock.at(t),
            late_workdays,
        })
    };
    match item.state {
        State::OnTime => arrived(None),
        State::Late => arrived(item.late_workdays.filter(|n| *n > 0))
            .or_else(|| Some(CellNote::Words(item_reason(a, d, item).unwrap_or_default()))),
        State::Overdue => item
            .late_workdays
            .filter(|n| *n > 0)
            .map(|n| CellNote::Words(format!("已逾期{n}个工作日"))),
        State::Incomplete | State::Invalid => item_reason(a, d, item).map(CellNote::Words),
        State::Pending => item.due.map(|t| CellNote::Due(clock.at(t))),
        State::Exempt => item
            .exemption
            .as_ref()
            .map(|(_, reason)| CellNote::Words(reason.clone())),
    }
}

/// What one item lacks or did wrong, in a few words after the
/// deliverable's name ("2张，需3张", "为.doc格式"); None when it is in order
/// or not yet due.
pub(super) fn item_reason(
    a: &Assessment,
    d: &Deliverable,
    item: &ItemAssessment,
) -> Option<String> {
    match item.state {
        State::OnTime | State::Pending | State::Exempt => None,
        State::Late => Some(match item.late_workdays {
            Some(n) if n > 0 => format!("逾期{n}个工作日报送"),
            _ => "逾期报送".to_string(),
        }),
        State::Overdue => Some(match item.late_workdays {
            Some(n) if n > 0 => format!("未报送，已逾期{n}个工作日"),
            _ => "未报送，已过报送时限".to_string(),
        }),
        State::Incomplete => {
            let unit = measure(d);
            Some(format!("{}{unit}，需{}{unit}", item.counted, item.needed))
        }
        State::Invalid => Some(
            item.files
                .iter()
                .map(|&i| &a.files[i])
                .rfind(|f| f.inspection.verdict == Verdict::Reject)
                .map_or_else(|| "不符合要求".to_string(), rejected_reason),
        ),
    }
}

/// The measure word of a deliverable's files: 张 for photos, else 份.
pub(super) fn measure(d: &Deliverable) -> &'static str {
    if d.accept.contains(&Category::Photo) {
        "张"
    } else {
        "份"
    }
}

/// Why a rejected file cannot be used, in a few words: its real format when
/// that is the problem, else the first clause of the inspection's reason.
pub(super) fn rejected_reason(f: &FileAssessment) -> String {
    match f.inspection.kind {
        FileKind::Doc => "为.doc格式（应为.docx）".to_string(),
        FileKind::Wps => "为.wps格式（应为.docx）".to_string(),
        FileKind::Xls | FileKind::Et => "为旧版表格格式（应为.xlsx）".to_string(),
        FileKind::EncryptedOffice => "文件已加密，无法打开".to_string(),
        FileKind::Empty => "为空文件".to_string(),
        _ => {
            let reason = f.inspection.reason.as_deref().unwrap_or("不符合要求");
            let first = reason.split(['；', '。']).next().unwrap_or(reason);
            format!("不合格（{first}）")
        }
    }
}

/// The items of an activity that are not in order, as one line:
/// "活动总结为.doc格式（应为.docx）；活动照片逾期4个工作日报送". Items with the
/// same reason share it: "活动总结、活动照片均未报送，已逾期4个工作日".
pub(super) fn activity_reason(
    campaign: &Campaign,
    a: &Assessment,
    st: &ActivityAssessment,
) -> Option<String> {
    let mut groups: Vec<(Vec<&str>, String)> = Vec::new();
    for item in &st.items {
        let d = &campaign.deliverables[item.deliverable];
        let Some(reason) = item_reason(a, d, item) else {
            continue;
        };
        match groups.iter_mut().find(|(_, r)| *r == reason) {
            Some((names, _)) => names.push(&d.name),
            None => groups.push((vec![&d.name], reason)),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(names, reason)| {
            let both = if names.len() > 1 { "均" } else { "" };
            format!("{}{both}{reason}", names.join("、"))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("；"))
}
