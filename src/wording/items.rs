//! An item's state in words, at the lengths its readers need: the cell of
//! a table ([`cell_text`]), the detail a unit reads with its deadline
//! ([`detail`]), the few words a leader reads after the deliverable's name
//! ([`reason`]), an activity's remark ([`activity_reason`]).

use chrono::{DateTime, FixedOffset};

use crate::assess::{ActivityAssessment, Assessment, FileAssessment, ItemAssessment};
use crate::campaign::{Campaign, Deliverable, Exemption};
use crate::fmt::{format_time, printable};
use crate::inspect::{Category, FileKind, Verdict};
use crate::model::State;

/// 已取消 for a cancelled activity, 免报 otherwise.
pub fn exemption_label(e: &Exemption) -> &'static str {
    if e.activity.is_some() {
        "已取消"
    } else {
        "免报"
    }
}

/// An activity's deadline while its time is not fixed (待定).
pub const UNDATED: &str = "截止时间未定";

/// An optional deliverable's item, in every table: what came is handed in.
const OPTIONAL_HANDED_IN: &str = "已报送（可选）";

/// A table's cell for a deliverable the activity does not owe.
pub const NOT_OWED: &str = "不适用";

/// A table's cell for an optional deliverable nothing came for.
pub const OPTIONAL_NOT_SENT: &str = "未报送（可选）";

/// Whether `item` is of an optional deliverable (so handed in: an optional
/// deliverable has an item only once something came).
fn optional(campaign: &Campaign, item: &ItemAssessment) -> bool {
    campaign.deliverables[item.deliverable].optional() && item.state == State::OnTime
}

/// The measure word of a deliverable's files: 张 for photos, else 份.
pub fn measure(d: &Deliverable) -> &'static str {
    if d.accept.contains(&Category::Photo) {
        "张"
    } else {
        "份"
    }
}

/// How far an incomplete item is from its minimum: "2张，需3张".
fn shortfall(d: &Deliverable, item: &ItemAssessment) -> String {
    let unit = measure(d);
    format!("{}{unit}，需{}{unit}", item.counted, item.needed)
}

/// The rejected file that makes an item invalid: the last of its files
/// that was rejected.
fn rejected_file<'a>(a: &'a Assessment, item: &ItemAssessment) -> Option<&'a FileAssessment> {
    rejected_index(a, item).map(|i| &a.files[i])
}

/// [`rejected_file`]'s index in the assessment's files.
fn rejected_index(a: &Assessment, item: &ItemAssessment) -> Option<usize> {
    item.files
        .iter()
        .copied()
        .rfind(|&i| a.files[i].inspection.verdict == Verdict::Reject)
}

/// What an item's state means here, in one line with its times, as the
/// unit and the status read it: "逾期2个工作日报送（截止2025年6月9日 24:00）",
/// "活动照片2张，需3张", "总结.docx：扩展名为.docx，实际为…".
pub fn detail(campaign: &Campaign, a: &Assessment, item: &ItemAssessment) -> String {
    let d = &campaign.deliverables[item.deliverable];
    let tz = a.clock.timezone();
    let time = |t: Option<DateTime<FixedOffset>>| {
        t.map(|t| format_time(t.with_timezone(&tz)))
            .unwrap_or_default()
    };
    let (due, done) = (time(item.due), time(item.completed));
    match item.state {
        State::Exempt => match item.exemption.map(|e| &campaign.exemptions[e]) {
            Some(e) => format!("{}：{}", exemption_label(e), e.reason),
            None => State::Exempt.label().to_string(),
        },
        State::Late => match item.late_workdays.unwrap_or(0) {
            0 => format!("逾期报送（截止{due}，{done}送达）"),
            n => format!("逾期{n}个工作日报送（截止{due}）"),
        },
        State::OnTime if optional(campaign, item) => format!("{OPTIONAL_HANDED_IN}（{done}送达）"),
        State::OnTime => format!("已按时报送（{done}送达）"),
        State::Incomplete => format!("{}{}", d.name, shortfall(d, item)),
        State::Invalid => match rejected_file(a, item) {
            Some(f) => {
                let reason = f.inspection.reason.as_deref().unwrap_or("文件无法使用");
                format!("{}：{}", f.name(), printable(reason))
            }
            None => State::Invalid.label().to_string(),
        },
        State::Overdue => format!("逾期未报（截止{due}）"),
        State::Pending if item.due.is_some() => format!("待报送，截止{due}"),
        State::Pending => format!("待报送（{UNDATED}）"),
    }
}

/// What is missing, as a unit's receipt and reminder say it before the
/// deadline: the detail of an incomplete or invalid item, else 尚未报送.
pub fn owed_text(campaign: &Campaign, a: &Assessment, item: &ItemAssessment) -> String {
    match item.state {
        State::Incomplete | State::Invalid => detail(campaign, a, item),
        _ => "尚未报送".to_string(),
    }
}

/// What is missing, as a receipt says it after listing the batch's files
/// (`listed`: their indices in the assessment, in the receipt's order): an
/// invalid item whose refused file is listed there points to it instead of
/// saying its reason a second time.
pub fn owed_after_listing(
    campaign: &Campaign,
    a: &Assessment,
    item: &ItemAssessment,
    listed: &[usize],
) -> String {
    let refused = match item.state {
        State::Invalid => rejected_index(a, item),
        _ => None,
    };
    match refused.and_then(|i| listed.iter().position(|&l| l == i)) {
        Some(n) => format!("所报文件不合格，原因见上文第{}个文件", n + 1),
        None => owed_text(campaign, a, item),
    }
}

/// How many of a count of activities are joint entries, after the count:
/// "（其中联合开展1项）", or nothing.
pub fn of_them_joint(joint: usize) -> String {
    match joint {
        0 => String::new(),
        n => format!("（其中联合开展{n}项）"),
    }
}

/// The unit cell of a joint entry's row: "市医疗保障局、市财政局（联合）".
pub fn joint_units(units: &[String]) -> String {
    format!("{}（联合）", units.join("、"))
}

/// The unit cell of one unit's row of a joint entry whose units stand
/// differently: "县乡村振兴局（与县农业农村局联合）".
pub fn joint_partner(unit: &str, all: &[String]) -> String {
    let others: Vec<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|u| *u != unit)
        .collect();
    format!("{unit}（与{}联合）", others.join("、"))
}

/// An activity's time in the batch after the office changed it: the new
/// time, and the one it replaced ("8月，由6月调整"; headings put it in
/// brackets).
pub fn retimed(new: &str, old: &str) -> String {
    format!("{new}，由{old}调整")
}

/// The short state of an item, for the status and the messages: how late,
/// what is missing; 免报 / 已取消 for an exempt item.
pub fn state_text(campaign: &Campaign, a: &Assessment, item: &ItemAssessment) -> String {
    if let Some(e) = item.exemption {
        return exemption_label(&campaign.exemptions[e]).to_string();
    }
    if optional(campaign, item) {
        return OPTIONAL_HANDED_IN.to_string();
    }
    match (item.state, item.late_workdays) {
        (State::Late, Some(0)) => "逾期报送（当日）".to_string(),
        (State::Late, Some(n)) => format!("逾期{n}个工作日报送"),
        (State::Overdue, Some(n)) if n > 0 => format!("逾期未报（{n}个工作日）"),
        (State::Incomplete | State::Invalid, _) => {
            format!("{}：{}", item.state.label(), detail(campaign, a, item))
        }
        (state, _) => state.label().to_string(),
    }
}

/// [`state_text`], and （联合报送） for a joint entry's item.
pub fn cell_text(campaign: &Campaign, a: &Assessment, item: &ItemAssessment) -> String {
    joint(item, state_text(campaign, a, item))
}

/// The state's name as a table's cell heads it: 按时报送, 免报, 已取消, with
/// （联合报送） for a joint entry's item.
pub fn cell_title(campaign: &Campaign, item: &ItemAssessment) -> String {
    match item.exemption {
        Some(e) => exemption_label(&campaign.exemptions[e]).to_string(),
        None if optional(campaign, item) => joint(item, OPTIONAL_HANDED_IN.to_string()),
        None => joint(item, item.state.label().to_string()),
    }
}

/// `text`, with （联合报送） for a joint entry's item that is not exempt.
fn joint(item: &ItemAssessment, text: String) -> String {
    if item.joint_with.is_empty() || item.state == State::Exempt {
        text
    } else {
        format!("{text}（联合报送）")
    }
}

/// What one item lacks or did wrong, in a few words after the
/// deliverable's name ("2张，需3张", "为.doc格式（应为.docx）"); None when it
/// is in order or not yet due.
pub fn reason(campaign: &Campaign, a: &Assessment, item: &ItemAssessment) -> Option<String> {
    let late = item.late_workdays.filter(|n| *n > 0);
    match item.state {
        State::OnTime | State::Pending | State::Exempt => None,
        State::Late => Some(match late {
            Some(n) => format!("逾期{n}个工作日报送"),
            None => "逾期报送".to_string(),
        }),
        State::Overdue => Some(match late {
            Some(n) => format!("未报送，已逾期{n}个工作日"),
            None => "未报送，已过报送时限".to_string(),
        }),
        State::Incomplete => Some(shortfall(&campaign.deliverables[item.deliverable], item)),
        State::Invalid => {
            Some(rejected_file(a, item).map_or_else(|| "不符合要求".to_string(), rejected_reason))
        }
    }
}

/// Why a rejected file cannot be used, in a few words: its real format when
/// that is the problem, else the first clause of the inspection's reason.
pub fn rejected_reason(f: &FileAssessment) -> String {
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
pub fn activity_reason(
    campaign: &Campaign,
    a: &Assessment,
    st: &ActivityAssessment,
) -> Option<String> {
    let mut groups: Vec<(Vec<&str>, String)> = Vec::new();
    for item in &st.items {
        let name = campaign.deliverables[item.deliverable].name.as_str();
        let Some(reason) = reason(campaign, a, item) else {
            continue;
        };
        match groups.iter_mut().find(|(_, r)| *r == reason) {
            Some((names, _)) => names.push(name),
            None => groups.push((vec![name], reason)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario;
    use crate::campaign::testing::at;

    /// Item `i` of activity `ai`.
    fn item(a: &Assessment, ai: usize, i: usize) -> &ItemAssessment {
        &a.activities
            .iter()
            .find(|s| s.activity == ai)
            .unwrap()
            .items[i]
    }

    #[test]
    fn the_detail_of_every_state() {
        let (c, a) = scenario();
        let detail = |ai, i| detail(&c, &a, item(&a, ai, i));
        assert_eq!(detail(0, 0), "已按时报送（2025年5月20日 10:00送达）");
        assert_eq!(detail(0, 1), "逾期2个工作日报送（截止2025年5月22日 24:00）");
        assert_eq!(detail(0, 2), "逾期未报（截止2025年5月22日 24:00）");
        assert_eq!(detail(1, 0), "待报送，截止2025年6月17日 24:00");
        assert_eq!(detail(1, 1), "活动照片1张，需3张");
        assert_eq!(
            detail(2, 0),
            "总结.doc：文件为Word 97-2003格式（.doc），请另存为.docx后重新报送"
        );
        assert_eq!(detail(2, 1), "免报：以航拍视频代替");
        assert_eq!(detail(3, 0), "待报送（截止时间未定）");
        // Late on the deadline's own day.
        let mut same_day = item(&a, 0, 1).clone();
        same_day.late_workdays = Some(0);
        same_day.completed = Some(at("2025-05-23T09:00"));
        assert_eq!(
            super::detail(&c, &a, &same_day),
            "逾期报送（截止2025年5月22日 24:00，2025年5月23日 09:00送达）"
        );
    }

    #[test]
    fn the_short_texts_of_every_state() {
        let (c, a) = scenario();
        let text = |ai, i| state_text(&c, &a, item(&a, ai, i));
        assert_eq!(text(0, 0), "按时报送");
        assert_eq!(text(0, 1), "逾期2个工作日报送");
        assert_eq!(text(0, 2), "逾期未报（15个工作日）");
        assert_eq!(text(1, 0), "待报送");
        assert_eq!(text(1, 1), "材料不全：活动照片1张，需3张");
        assert!(text(2, 0).starts_with("材料不合格：总结.doc："));
        assert_eq!(text(2, 1), "免报");
        let mut same_day = item(&a, 0, 1).clone();
        same_day.late_workdays = Some(0);
        assert_eq!(state_text(&c, &a, &same_day), "逾期报送（当日）");

        let owed = |ai, i| owed_text(&c, &a, item(&a, ai, i));
        assert_eq!(owed(0, 2), "尚未报送");
        assert_eq!(owed(1, 1), "活动照片1张，需3张");
    }

    #[test]
    fn a_joint_entry_says_so_an_exempt_one_does_not_and_a_cancelled_one_is_named() {
        let (mut c, a) = scenario();
        let mut joint = item(&a, 0, 0).clone();
        joint.joint_with = vec![3];
        assert_eq!(cell_text(&c, &a, &joint), "按时报送（联合报送）");
        assert_eq!(cell_title(&c, &joint), "按时报送（联合报送）");
        let mut exempt = item(&a, 2, 1).clone();
        exempt.joint_with = vec![3];
        assert_eq!(cell_text(&c, &a, &exempt), "免报");
        assert_eq!(cell_title(&c, &exempt), "免报");
        c.exemptions[0].activity = Some(2);
        assert_eq!(cell_title(&c, &exempt), "已取消");
        assert_eq!(detail(&c, &a, &exempt), "已取消：以航拍视频代替");
    }

    #[test]
    fn a_leaders_few_words_and_an_activitys_remark() {
        let (c, a) = scenario();
        let reason = |ai, i| reason(&c, &a, item(&a, ai, i));
        assert_eq!(reason(0, 0), None);
        assert_eq!(reason(0, 1).unwrap(), "逾期2个工作日报送");
        assert_eq!(reason(0, 2).unwrap(), "未报送，已逾期15个工作日");
        assert_eq!(reason(1, 0), None);
        assert_eq!(reason(1, 1).unwrap(), "1张，需3张");
        assert_eq!(reason(2, 0).unwrap(), "为.doc格式（应为.docx）");
        assert_eq!(reason(2, 1), None);

        let st = a.activities.iter().find(|s| s.activity == 0).unwrap();
        assert_eq!(
            activity_reason(&c, &a, st).unwrap(),
            "活动照片逾期2个工作日报送；访谈稿件未报送，已逾期15个工作日"
        );
        // Items with the same reason share it.
        let mut both = st.clone();
        both.items[0] = both.items[2].clone();
        both.items[0].deliverable = 0;
        assert_eq!(
            activity_reason(&c, &a, &both).unwrap(),
            "活动总结、访谈稿件均未报送，已逾期15个工作日；活动照片逾期2个工作日报送"
        );
        let done = a.activities.iter().find(|s| s.activity == 1).unwrap();
        assert_eq!(activity_reason(&c, &a, done).unwrap(), "活动照片1张，需3张");
    }

    #[test]
    fn a_rejected_file_in_a_few_words() {
        let (_, a) = scenario();
        let mut f = a
            .files
            .iter()
            .find(|f| f.path == "县林业局/总结.doc")
            .unwrap()
            .clone();
        let said = |f: &FileAssessment| rejected_reason(f);
        assert_eq!(said(&f), "为.doc格式（应为.docx）");
        for (kind, text) in [
            (FileKind::Wps, "为.wps格式（应为.docx）"),
            (FileKind::Et, "为旧版表格格式（应为.xlsx）"),
            (FileKind::EncryptedOffice, "文件已加密，无法打开"),
            (FileKind::Empty, "为空文件"),
        ] {
            f.inspection.kind = kind;
            assert_eq!(said(&f), text);
        }
        f.inspection.kind = FileKind::Docx;
        f.inspection.reason = Some("文档仍含模板占位文字；请填写后重新报送".into());
        assert_eq!(said(&f), "不合格（文档仍含模板占位文字）");
    }
}
