//! The batch's findings as [`Notice`]s: the assessment's questions, the
//! campaign's schedule problems and name questions, what intake could not
//! read, the units no reminder can reach, the activities the office
//! re-dated. Each with where it is and, when the batch knows it, the fix.

use crate::assess::{Assessment, Question};
use crate::campaign::Campaign;
use crate::fmt::printable;
use crate::intake::IntakeSummary;
use crate::notice::{Notice, Place};

/// The assessment's questions, in the order found. An activity whose time
/// the schedule reader could not read is asked about once, by the reader
/// ([`campaign_notices`]), not again for its deadlines.
pub fn assessment_notices(campaign: &Campaign, a: &Assessment) -> Vec<Notice> {
    let asked = |ai: usize| {
        let act = &campaign.activities[ai];
        campaign
            .schedule_problems
            .iter()
            .any(|p| p.sheet == act.sheet && p.row == act.row)
    };
    a.questions
        .iter()
        .filter(|q| !matches!(q, Question::NoDeadline { activity, .. } if asked(*activity)))
        .map(|q| question(campaign, q))
        .collect()
}

/// One question of the assessment.
pub fn question(campaign: &Campaign, q: &Question) -> Notice {
    match q {
        Question::NoDeadline {
            activity,
            deliverables,
        } => {
            let act = &campaign.activities[*activity];
            let names: Vec<&str> = deliverables
                .iter()
                .map(|&d| campaign.deliverables[d].name.as_str())
                .collect();
            Notice::question(format!(
                "{}“{}”的开展时间“{}”无法识别，{}的截止时间无法计算",
                campaign.roster.units[act.unit].name,
                act.theme,
                act.time_text,
                names.join("、")
            ))
            .at(Place::cell(&act.sheet, act.row, None))
            .fix("请在活动安排表中写明开展日期")
        }
        Question::CalendarMissing { year } => Notice::warning(format!(
            "{year}年的官方节假日安排不在日历数据中，该年的截止时间暂按周一至周五推算"
        ))
        .fix("请在campaign.toml的 paths.calendar 中补充该年日历"),
    }
}

/// The campaign's own: schedule rows and cells not (fully) understood, at
/// their sheet, row and cell; names across sheets that may mean one unit.
pub fn campaign_notices(campaign: &Campaign) -> Vec<Notice> {
    let rows = campaign.schedule_problems.iter().map(|p| {
        Notice::question(p.reason.clone()).at(Place::cell(&p.sheet, p.row, p.cell.clone()))
    });
    let names = campaign
        .name_questions
        .iter()
        .map(|q| Notice::question(q.clone()));
    rows.chain(names).collect()
}

/// What intake could not do: the mailbox's faults, files it could not
/// read, links out of the inbox, names that are not UTF-8, entries that
/// are not files.
pub fn intake_notices(intake: &IntakeSummary) -> Vec<Notice> {
    let faults = intake
        .mailbox
        .faults
        .iter()
        .map(|f| Notice::warning(f.clone()));
    let unreadable = intake.unreadable.iter().map(|(path, why)| {
        Notice::warning(format!("无法读取（{}）", printable(why))).at(Place::file(path))
    });
    let links = intake
        .outside_links
        .iter()
        .map(|l| Notice::warning("链接指向收件箱以外，未读取").at(Place::file(l)));
    let lossy = intake.lossy_names.iter().map(|name| {
        Notice::warning("文件名含非UTF-8字符，无法识别")
            .at(Place::file(name))
            .fix("请改名后重新报送")
    });
    let special = intake
        .special
        .iter()
        .map(|(path, kind)| skipped(path, kind));
    faults
        .chain(unreadable)
        .chain(links)
        .chain(lossy)
        .chain(special)
        .collect()
}

/// Each activity whose time the office changed in the schedule since the
/// last batch (`before`: activity id → time as the schedule then wrote
/// it), said once: the batch after the change. Its deadlines already count
/// from the new time, and files received are judged against them.
pub fn redated(
    campaign: &Campaign,
    a: &Assessment,
    before: &std::collections::BTreeMap<String, String>,
) -> Vec<Notice> {
    a.activities
        .iter()
        .filter_map(|st| {
            let act = &campaign.activities[st.activity];
            let old = act.earlier_time(before)?;
            // Deliverables due at the same time share it.
            let mut by_due: Vec<(String, Vec<&str>)> = Vec::new();
            for item in &st.items {
                let Some(due) = item.due else { continue };
                let shown = crate::fmt::format_time(due.with_timezone(&a.clock.timezone()));
                let name = campaign.deliverables[item.deliverable].name.as_str();
                match by_due.iter_mut().find(|(t, _)| *t == shown) {
                    Some((_, names)) => names.push(name),
                    None => by_due.push((shown, vec![name])),
                }
            }
            let dues: Vec<String> = by_due
                .iter()
                .map(|(t, names)| format!("{}{t}", names.join("、")))
                .collect();
            let moved = if dues.is_empty() {
                String::new()
            } else {
                format!("，截止时间相应调整为：{}", dues.join("，"))
            };
            Some(
                Notice::warning(format!(
                    "{}“{}”的活动时间由{}调整为{}{moved}",
                    campaign.roster.units[act.unit].name,
                    act.theme,
                    printable(old),
                    printable(&act.time_text),
                ))
                .at(Place::cell(&act.sheet, act.row, None)),
            )
        })
        .collect()
}

/// An inbox entry that is not a file (a named pipe, a socket, a device),
/// skipped.
pub fn skipped(path: &str, kind: &str) -> Notice {
    Notice::warning(format!("{kind}，不是普通文件，已跳过")).at(Place::file(path))
}

/// The units that still owe something but have no address a reminder can
/// go to, in one notice naming them all.
pub fn unreachable(campaign: &Campaign, units: &[usize]) -> Notice {
    let names: Vec<&str> = units
        .iter()
        .map(|&u| campaign.roster.units[u].name.as_str())
        .collect();
    Notice::warning(format!("无法发送催报：{}没有有效邮箱", names.join("、")))
        .fix("请在活动安排表的联系人表或campaign.toml的[[units]]中补充，或另行通知")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario;
    use crate::campaign::schedule::RowProblem;

    #[test]
    fn the_assessments_questions_say_where_and_what_to_do() {
        let (c, a) = scenario();
        let said: Vec<String> = assessment_notices(&c, &a)
            .iter()
            .map(Notice::to_string)
            .collect();
        assert_eq!(
            said,
            [
                "工作表“活动安排”第6行：县民政局“养老服务宣传”的开展时间“待定”无法识别，活动总结、活动照片的截止时间无法计算（请在活动安排表中写明开展日期）"
            ]
        );
        // Asked once: by the schedule reader, when it could not read the row.
        let mut c = c;
        c.schedule_problems.push(RowProblem {
            sheet: "活动安排".into(),
            row: 6,
            cell: Some("D6".into()),
            reason: "开展时间“待定”无法识别".into(),
        });
        assert!(assessment_notices(&c, &a).is_empty());
        assert_eq!(
            question(&c, &Question::CalendarMissing { year: 2031 }).to_string(),
            "2031年的官方节假日安排不在日历数据中，该年的截止时间暂按周一至周五推算（请在campaign.toml的 paths.calendar 中补充该年日历）"
        );
    }

    #[test]
    fn the_campaigns_and_intakes_findings() {
        let (mut c, _) = scenario();
        c.schedule_problems.push(RowProblem {
            sheet: "联系人".into(),
            row: 15,
            cell: Some("E15".into()),
            reason: "邮箱格式不正确，已忽略该地址".into(),
        });
        c.name_questions
            .push("“民政局”与“县民政局”是否为同一单位？".into());
        let said: Vec<String> = campaign_notices(&c).iter().map(Notice::to_string).collect();
        assert_eq!(
            said,
            [
                "工作表“联系人”第15行（E15单元格）：邮箱格式不正确，已忽略该地址",
                "“民政局”与“县民政局”是否为同一单位？"
            ]
        );

        let mut intake = IntakeSummary::default();
        intake.mailbox.faults.push("邮箱服务器拒绝登录".into());
        intake
            .unreadable
            .push(("县林业局/坏.zip".into(), "权限不足".into()));
        intake.outside_links.push("县林业局/链接".into());
        intake.lossy_names.push("县林业局/\u{fffd}.docx".into());
        intake.special.push(("县林业局/管道".into(), "命名管道"));
        let said: Vec<String> = intake_notices(&intake)
            .iter()
            .map(Notice::to_string)
            .collect();
        assert_eq!(
            said,
            [
                "邮箱服务器拒绝登录",
                "县林业局/坏.zip：无法读取（权限不足）",
                "县林业局/链接：链接指向收件箱以外，未读取",
                "县林业局/\u{fffd}.docx：文件名含非UTF-8字符，无法识别（请改名后重新报送）",
                "县林业局/管道：命名管道，不是普通文件，已跳过"
            ]
        );
        assert_eq!(
            unreachable(&c, &[1, 3]).to_string(),
            "无法发送催报：县林业局、州民政局没有有效邮箱（请在活动安排表的联系人表或campaign.toml的[[units]]中补充，或另行通知）"
        );
    }
}
