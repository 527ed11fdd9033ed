//! The status table: one row per activity, one cell per deliverable, each
//! cell in the words of [`crate::wording`].

use super::*;
use crate::assess::{ActivityAssessment, ItemAssessment};
use crate::wording;

/// The note under the status table, naming the 免报 colour only when the
/// campaign has exempt items, and optional deliverables when it has any.
pub(super) fn status_note(campaign: &Campaign, a: &Assessment) -> String {
    let exempt = a
        .activities
        .iter()
        .flat_map(|st| &st.items)
        .any(|i| i.state == State::Exempt);
    format!(
        "注：单元格底色表示状态，红色为逾期未报，橙色为逾期报送，黄色为材料不全或不合格，绿色为按时报送，白色为尚未到报送时限{}；黑白打印时以格内文字为准。“{}”表示该单位无需报送此项材料{}。",
        if exempt {
            "，灰蓝色为按通知免报或活动已取消"
        } else {
            ""
        },
        wording::NOT_OWED,
        optional_note(campaign),
    )
}

/// What the note says of optional deliverables: "，“未报送（可选）”表示
/// 活动视频为可选材料，不报不催".
fn optional_note(campaign: &Campaign) -> String {
    let optional: Vec<&str> = campaign
        .deliverables
        .iter()
        .filter(|d| d.optional())
        .map(|d| d.name.as_str())
        .collect();
    if optional.is_empty() {
        return String::new();
    }
    format!(
        "，“{}”表示{}为可选材料，不报不催",
        wording::OPTIONAL_NOT_SENT,
        optional.join("、")
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
                    // An optional deliverable the activity may yet send.
                    text: if d.optional() && d.per == Per::Activity && d.reaches(act) {
                        campaign
                            .exemption(d, st.activity)
                            .map_or(wording::OPTIONAL_NOT_SENT, |e| {
                                wording::exemption_label(&campaign.exemptions[e])
                            })
                    } else {
                        wording::NOT_OWED
                    }
                    .to_string(),
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
                    text: wording::cell_title(campaign, item),
                    when: cell_line(campaign, a, item, clock),
                    due: item.due.map(|t| clock.at(t)),
                    arrived: item.completed.map(|t| clock.at(t)),
                    late_workdays: item.late_workdays.filter(|_| item.state == State::Late),
                },
            },
        )
        .collect();
    let unit = campaign.roster.units[act.unit].name.clone();
    StatusRow {
        seq: act.seq.clone(),
        units: vec![unit.clone()],
        unit,
        theme: act.theme.clone(),
        time: act.time_text.clone(),
        cells,
        overall: st.overall,
    }
}

/// The rows of a schedule entry from its units' rows: a joint entry whose
/// units stand `alike` ([`ActivityAssessment::alike`]) is one row naming
/// them all; one whose units differ keeps a row per unit, each naming its
/// partners, so no unit's state hides another's.
pub(super) fn entry_rows(mut rows: Vec<StatusRow>, alike: bool) -> Vec<StatusRow> {
    if rows.len() < 2 {
        return rows;
    }
    let names: Vec<String> = rows.iter().flat_map(|r| r.units.clone()).collect();
    if alike {
        rows.truncate(1);
        rows[0].unit = wording::joint_units(&names);
        rows[0].units = names;
    } else {
        for row in &mut rows {
            row.unit = wording::joint_partner(&row.unit, &names);
        }
    }
    rows
}

/// The line under a cell's state: when it arrived, how late, what is wrong
/// or when it is due.
pub(super) fn cell_line(
    campaign: &Campaign,
    a: &Assessment,
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
        State::Late => arrived(item.late_workdays.filter(|n| *n > 0)).or_else(|| {
            Some(CellNote::Words(
                wording::reason(campaign, a, item).unwrap_or_default(),
            ))
        }),
        State::Overdue => item
            .late_workdays
            .filter(|n| *n > 0)
            .map(|n| CellNote::Words(format!("已逾期{n}个工作日"))),
        State::Incomplete | State::Invalid => {
            wording::reason(campaign, a, item).map(CellNote::Words)
        }
        State::Pending => item.due.map(|t| CellNote::Due(clock.at(t))),
        State::Exempt => item
            .exemption
            .map(|e| CellNote::Words(campaign.exemptions[e].reason.clone())),
    }
}
