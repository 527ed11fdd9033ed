//! Receipts (回执): one per unit and batch in which its files arrived,
//! saying what arrived, the verdict on each (and why a usable file did not
//! count), where each of the unit's items stands in the report's words,
//! and what is still missing. A unit that is also due a reminder that night
//! gets one receipt that chases too ([`with_reminder`]), never two messages.

use lettre::message::Mailbox;
use serde::Serialize;

use super::{Letterhead, Planned, ReminderContext};
use crate::notify::message::Kind;

/// One unit's files in one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptInput {
    pub unit: String,
    pub contacts: Vec<Mailbox>,
    /// The batch's id, e.g. `20250520-2000`.
    pub batch_id: String,
    /// The new or changed files of this batch; no files → no receipt.
    pub files: Vec<ReceivedFile>,
    /// Every item of the unit after this batch, in schedule order.
    pub items: Vec<ItemState>,
    /// What the unit still owes after this batch.
    pub still_missing: Vec<MissingItem>,
    /// The e-mail the files came in, which the receipt answers.
    pub thread: Option<crate::notify::message::Thread>,
}

/// A received file and the verdict on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedFile {
    pub name: String,
    /// Bytes; shown as `size_display` in templates.
    pub size: u64,
    /// Arrival time as displayed, e.g. 2025年5月20日 09:14（北京时间）.
    pub arrived: String,
    /// 合格 / 不合格 / 合格，但不计入 …
    pub verdict_label: String,
    pub accepted: bool,
    /// Usable, but set aside (a duplicate, a screenshot …): not counted.
    pub set_aside: bool,
    /// Why it was rejected or set aside, in plain Chinese.
    pub reason: Option<String>,
    /// What to send instead, e.g. "请提交 Word 或 PDF 格式的活动总结".
    pub instead: Option<String>,
    /// Received in an earlier batch, counted for the unit only now (the
    /// office renamed it or added an alias): acknowledged late.
    pub registered_late: bool,
}

/// One of the unit's items and where it stands, as the report says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemState {
    /// 活动总结（禁毒宣传）.
    pub deliverable: String,
    /// The report's words: 按时报送, 逾期2个工作日报送, 材料不全：…
    pub state: String,
    /// Received after its deadline: the receipt of a unit that owes
    /// nothing more says so instead of thanking it for a complete set.
    pub late: bool,
}

/// Something still owed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingItem {
    /// 活动总结, 活动照片 …
    pub deliverable: String,
    /// e.g. "照片2张，需至少3张".
    pub detail: String,
    /// The deadline as displayed, e.g. 2025年5月12日16时前（北京时间）;
    /// empty while the activity's time is not fixed (待定).
    pub due: String,
    /// Whether the deadline has passed: the message asks for the file as
    /// soon as possible instead of naming a date already gone.
    pub overdue: bool,
    /// Working days past the deadline (0 on the deadline's own day).
    pub overdue_days: i64,
}

/// The receipt template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceiptContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub unit: String,
    pub batch_id: String,
    pub files: Vec<ReceivedFileView>,
    pub accepted_count: usize,
    /// Of the accepted files, those set aside (not counted).
    pub set_aside_count: usize,
    pub rejected_count: usize,
    pub items: Vec<ItemState>,
    /// The items received late, named when nothing is missing.
    pub late: Vec<ItemState>,
    pub still_missing: Vec<MissingItem>,
    /// The reminder this receipt also carries, if one was due the same
    /// night.
    pub chase: Option<Chase>,
}

/// A reminder folded into a receipt: what the message adds when it also
/// chases. The receipt's list of what is still owed already gives every
/// open item with its deadline and how late it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chase {
    /// Some item is past its deadline.
    pub any_overdue: bool,
    /// The office is cc'd.
    pub escalated: bool,
    /// Leadership is cc'd.
    pub escalated_to_leaders: bool,
}

/// A received file as templates see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedFileView {
    #[serde(flatten)]
    pub file: ReceivedFile,
    /// e.g. 1.2 MB.
    pub size_display: String,
}

/// One receipt for the unit's files of this batch; `None` without files or
/// contacts (the digest lists units without contacts).
pub fn plan_receipt(
    input: &ReceiptInput,
    letterhead: &Letterhead,
) -> Option<Planned<ReceiptContext>> {
    if input.files.is_empty() || input.contacts.is_empty() {
        return None;
    }
    let accepted_count = input.files.iter().filter(|f| f.accepted).count();
    Some(Planned {
        kind: Kind::Receipt,
        event_key: format!("receipt:{}:{}", input.unit, input.batch_id),
        unit: Some(input.unit.clone()),
        to: input.contacts.clone(),
        cc: vec![],
        context: ReceiptContext {
            letterhead: letterhead.clone(),
            unit: input.unit.clone(),
            batch_id: input.batch_id.clone(),
            files: input
                .files
                .iter()
                .map(|f| ReceivedFileView {
                    file: f.clone(),
                    size_display: crate::fmt::size(f.size),
                })
                .collect(),
            accepted_count,
            set_aside_count: input.files.iter().filter(|f| f.set_aside).count(),
            rejected_count: input.files.len() - accepted_count,
            items: input.items.clone(),
            late: input.items.iter().filter(|i| i.late).cloned().collect(),
            still_missing: input.still_missing.clone(),
            chase: None,
        },
        attachments: vec![],
        expires_at: None,
    })
}

/// One message for a unit that sent files and is due a reminder the same
/// night: the receipt, copied to whom the reminder would have been, saying
/// it chases. It keeps the receipt's lifetime (it is not dropped at
/// midnight as a reminder is): what it acknowledges stays true.
pub fn with_reminder(
    mut receipt: Planned<ReceiptContext>,
    reminder: Planned<ReminderContext>,
) -> Planned<ReceiptContext> {
    let r = reminder.context;
    receipt.cc = reminder.cc;
    receipt.context.chase = Some(Chase {
        any_overdue: r.any_overdue,
        escalated: r.escalated,
        escalated_to_leaders: r.escalated_to_leaders,
    });
    receipt
}

impl ReceiptContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> ReceiptContext {
        let input = ReceiptInput {
            unit: "县民政局".into(),
            contacts: vec![sample_mailbox()],
            batch_id: "20250520-2000".into(),
            files: vec![
                ReceivedFile {
                    name: "县民政局活动总结.docx".into(),
                    size: 48_213,
                    arrived: "2025年5月20日 09:14（北京时间）".into(),
                    verdict_label: "合格".into(),
                    accepted: true,
                    set_aside: false,
                    reason: None,
                    instead: None,
                    registered_late: false,
                },
                ReceivedFile {
                    name: "活动照片2.jpg".into(),
                    size: 1_210_000,
                    arrived: "2025年5月20日 09:15（北京时间）".into(),
                    verdict_label: "合格，但不计入".into(),
                    accepted: true,
                    set_aside: true,
                    reason: Some("与活动照片1.jpg内容相同，只计一次".into()),
                    instead: None,
                    registered_late: true,
                },
                ReceivedFile {
                    name: "活动照片.heic".into(),
                    size: 2_310_000,
                    arrived: "2025年5月20日 09:15（北京时间）".into(),
                    verdict_label: "不合格".into(),
                    accepted: false,
                    set_aside: false,
                    reason: Some("照片格式无法打开".into()),
                    instead: Some("请提交 JPG 格式的照片".into()),
                    registered_late: false,
                },
            ],
            items: vec![
                ItemState {
                    deliverable: "活动总结（敬老月宣传）".into(),
                    state: "逾期2个工作日报送".into(),
                    late: true,
                },
                ItemState {
                    deliverable: "活动照片（敬老月宣传）".into(),
                    state: "逾期未报（2个工作日）".into(),
                    late: false,
                },
            ],
            still_missing: vec![MissingItem {
                deliverable: "活动照片".into(),
                detail: "照片0张，需至少3张".into(),
                due: "2025年5月23日16时前（北京时间）".into(),
                overdue: true,
                overdue_days: 2,
            }],
            thread: None,
        };
        let mut context = plan_receipt(&input, &Letterhead::sample())
            .expect("sample has files and contacts")
            .context;
        context.chase = Some(Chase {
            any_overdue: true,
            escalated: true,
            escalated_to_leaders: true,
        });
        context
    }
}

fn sample_mailbox() -> Mailbox {
    Mailbox::new(None, "lianluo@example.gov.cn".parse().expect("valid"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::mb;

    #[test]
    fn one_receipt_per_unit_and_batch() {
        let mut input = ReceiptInput {
            unit: "县民政局".into(),
            contacts: vec![mb("a@minzheng.example.gov.cn")],
            batch_id: "20250520-2000".into(),
            files: vec![],
            items: vec![],
            still_missing: vec![],
            thread: None,
        };
        assert!(plan_receipt(&input, &Letterhead::sample()).is_none());
        input.files = ReceiptContext::sample()
            .files
            .into_iter()
            .map(|f| f.file)
            .collect();
        let p = plan_receipt(&input, &Letterhead::sample()).unwrap();
        assert_eq!(p.event_key, "receipt:县民政局:20250520-2000");
        let c = &p.context;
        assert_eq!(
            (c.accepted_count, c.set_aside_count, c.rejected_count),
            (2, 1, 1)
        );
    }
}
