//! What to send, decided by pure functions from plain inputs. Nothing here
//! touches the ledger, the clock or the network: the caller passes the batch
//! clock, the [`Calendar`], and (for reminders) the unit's past reminders
//! read from the outbox.
//!
//! Mapping the assessment onto the inputs:
//!
//! - [`ReceiptInput`]: per unit, per batch in which new or changed files of
//!   the unit arrived: the unit's contacts, the batch id, each new file
//!   ([`ReceivedFile`]: name, size, arrival time as displayed, the verdict)
//!   and what is still missing ([`MissingItem`]). → one receipt, event key
//!   `receipt:{unit}:{batch_id}`.
//! - [`ReminderInput`]: per unit, every (activity, deliverable) obligation
//!   with its [`State`] and deadline. → at most one reminder per unit per
//!   day, event key `reminder:{unit}:{YYYY-MM-DD}`, listing every open
//!   obligation in a reminder stage; the obligations that triggered it are
//!   recorded with their stage (`before@D`, `due@D`, `after{k}@D` for deadline
//!   date D), so a stage fires once and [`ReminderPolicy::max_per_deliverable`]
//!   can be counted.
//! - [`ReportInput`]: the overview numbers, the deadline dates, whether every
//!   unit is complete, and the compiled files. → event key `report:{date}`,
//!   or `report:complete` once when everything is in.
//! - [`DigestInput`]: what changed in the batch, unassigned files and
//!   ambiguous names. → event key `digest:{batch_id}`.
//!
//! Reminder stages for a deadline on date D (working days, official
//! calendar): *before* from the `days_before`-th working day before D until
//! the day before D; *due* on D while the deadline has not passed; *after k*
//! from the `1 + k·every_after`-th working day after D. A stage that could
//! not fire on its first day (holiday, outside office hours, server down and
//! expired) fires on the next eligible day of its window.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone};
use lettre::message::Mailbox;
use serde::Serialize;

use super::config::{ReminderPolicy, ReportMailPolicy};
use super::message::{Attachment, Content, Kind};
use crate::campaign::calendar::Calendar;
use crate::model::State;

/// Fields every template sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letterhead {
    /// The campaign's title, e.g. 2025年泸溪县"政务公开主题日"活动.
    pub campaign: String,
    /// The organising office, e.g. 泸溪县行政审批服务局.
    pub office: String,
    /// The office's contact person, signing every message ("" if none).
    pub office_contact: String,
    /// The office's phone for questions, e.g. 0743-4262xxx ("" if none).
    pub office_phone: String,
    /// When the batch ran, e.g. 2025年5月6日 20:00（北京时间）.
    pub generated_at: String,
}

impl Letterhead {
    fn sample() -> Letterhead {
        Letterhead {
            campaign: "2025年泸溪县“政务公开主题日”活动".into(),
            office: "泸溪县行政审批服务局".into(),
            office_contact: "彭新月".into(),
            office_phone: "0743-0000000".into(),
            generated_at: "2025年5月6日 20:00（北京时间）".into(),
        }
    }
}

/// A message decided on, before rendering: who, why, and the template's
/// context.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<C> {
    pub kind: Kind,
    pub event_key: String,
    pub unit: Option<String>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub context: C,
    pub attachments: Vec<Attachment>,
    pub expires_at: Option<DateTime<FixedOffset>>,
}

// ---------------------------------------------------------------- receipts

/// One unit's files in one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptInput {
    pub unit: String,
    pub contacts: Vec<Mailbox>,
    /// The batch's id, e.g. `20250520-2000`.
    pub batch_id: String,
    /// The new or changed files of this batch; no files → no receipt.
    pub files: Vec<ReceivedFile>,
    /// What the unit still owes after this batch.
    pub still_missing: Vec<MissingItem>,
    /// The e-mail the files came in, which the receipt answers.
    pub thread: Option<super::message::Thread>,
}

/// A received file and the verdict on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedFile {
    pub name: String,
    /// Bytes; shown as `size_display` in templates.
    pub size: u64,
    /// Arrival time as displayed, e.g. 2025年5月20日 09:14（北京时间）.
    pub arrived: String,
    /// 合格 / 不合格 / 无法识别 …
    pub verdict_label: String,
    pub accepted: bool,
    /// Why it was rejected, in plain Chinese.
    pub reason: Option<String>,
    /// What to send instead, e.g. "请提交 Word 或 PDF 格式的活动总结".
    pub instead: Option<String>,
}

/// Something still owed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingItem {
    /// 活动总结, 活动照片 …
    pub deliverable: String,
    /// e.g. "照片2张，需至少3张".
    pub detail: String,
    /// The deadline as displayed, e.g. 2025年5月12日16时前（北京时间）.
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
    pub rejected_count: usize,
    pub still_missing: Vec<MissingItem>,
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
            rejected_count: input.files.len() - accepted_count,
            still_missing: input.still_missing.clone(),
        },
        attachments: vec![],
        expires_at: None,
    })
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
                    reason: None,
                    instead: None,
                },
                ReceivedFile {
                    name: "活动照片.heic".into(),
                    size: 2_310_000,
                    arrived: "2025年5月20日 09:15（北京时间）".into(),
                    verdict_label: "不合格".into(),
                    accepted: false,
                    reason: Some("照片格式无法打开".into()),
                    instead: Some("请提交 JPG 格式的照片".into()),
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
        plan_receipt(&input, &Letterhead::sample())
            .expect("sample has files and contacts")
            .context
    }
}

fn sample_mailbox() -> Mailbox {
    Mailbox::new(None, "lianluo@example.gov.cn".parse().expect("valid"))
}

// --------------------------------------------------------------- reminders

/// One unit's obligations at the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderInput {
    pub unit: String,
    pub contacts: Vec<Mailbox>,
    pub obligations: Vec<Obligation>,
}

/// One deliverable of one activity of the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    /// Stable id of the activity (schedule row), e.g. `12`.
    pub activity_id: String,
    /// The activity as shown, e.g. 政务公开进社区.
    pub activity: String,
    pub deliverable: String,
    pub state: State,
    pub due: DateTime<FixedOffset>,
    /// The due time as shown, e.g. 2025年5月12日16时前（北京时间）.
    pub due_display: String,
    /// What is missing, e.g. "尚未报送" or "照片2张，需至少3张".
    pub detail: String,
}

/// Who is cc'd when a unit is overdue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Escalation {
    pub office: Vec<Mailbox>,
    pub leaders: Vec<Mailbox>,
}

impl Escalation {
    /// The escalation without `sender`, who needs no copy of its own mail.
    pub fn without(&self, sender: &Mailbox) -> Escalation {
        let others = |list: &[Mailbox]| {
            list.iter()
                .filter(|m| m.email != sender.email)
                .cloned()
                .collect()
        };
        Escalation {
            office: others(&self.office),
            leaders: others(&self.leaders),
        }
    }
}

/// The reminder stage an obligation is in at the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Before,
    DueDay,
    /// The k-th reminder after the deadline (from 0).
    After(u32),
}

impl Stage {
    fn key(self, due_date: NaiveDate) -> String {
        match self {
            Stage::Before => format!("before@{due_date}"),
            Stage::DueDay => format!("due@{due_date}"),
            Stage::After(k) => format!("after{k}@{due_date}"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Stage::Before => "即将截止",
            Stage::DueDay => "今日截止",
            Stage::After(_) => "已逾期",
        }
    }
}

/// Why no reminder goes to a unit today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReminder {
    /// Every obligation is OnTime or Late.
    Complete,
    NotWorkday,
    OutsideOfficeHours,
    NoContacts,
    /// No open obligation is in a stage that has not been reminded yet (or
    /// all are at the cap).
    NothingDue,
}

impl NoReminder {
    /// The reason in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            NoReminder::Complete => "已报齐",
            NoReminder::NotWorkday => "非工作日",
            NoReminder::OutsideOfficeHours => "非办公时间",
            NoReminder::NoContacts => "无联系邮箱",
            NoReminder::NothingDue => "今日无需催报",
        }
    }
}

/// A reminder decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderPlan {
    pub planned: Planned<ReminderContext>,
    /// `(activity_id, deliverable, stage key)` of the obligations that
    /// triggered it; recorded in the outbox with the message.
    pub triggers: Vec<(String, String, String)>,
}

/// The reminder template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub unit: String,
    pub items: Vec<ReminderItem>,
    /// Some item is past its deadline.
    pub any_overdue: bool,
    /// The office is cc'd.
    pub escalated: bool,
    /// Leadership is cc'd.
    pub escalated_to_leaders: bool,
}

/// One open obligation in a reminder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderItem {
    pub activity: String,
    pub deliverable: String,
    pub state_label: String,
    pub due: String,
    pub detail: String,
    /// 即将截止 / 今日截止 / 已逾期.
    pub stage_label: String,
    /// Working days past the deadline (0 when not overdue).
    pub overdue_days: i64,
}

/// The stage of an obligation due at `due`, at `now`, with the working days
/// overdue; `None` outside every window. (Years the official calendar does
/// not cover count Monday–Friday; the assessment already warns about them.)
fn stage_of(
    policy: &ReminderPolicy,
    cal: &Calendar,
    now: DateTime<FixedOffset>,
    due: DateTime<FixedOffset>,
) -> Option<(Stage, i64)> {
    let today = now.date_naive();
    let due_date = crate::campaign::deadline::last_day(&due.with_timezone(now.offset()));
    let count = |from, to| cal.workdays_between(from, to).0;
    if now < due {
        if today == due_date {
            return policy.on_due_day.then_some((Stage::DueDay, 0));
        }
        let left = count(today, due_date);
        return (policy.days_before > 0 && left <= i64::from(policy.days_before))
            .then_some((Stage::Before, 0));
    }
    let overdue = count(due_date, today);
    if policy.every_after == 0 || overdue < 1 {
        return None;
    }
    let k = (overdue - 1) / i64::from(policy.every_after);
    Some((Stage::After(k as u32), overdue))
}

/// Decides the unit's reminder for the day of `now`. `history` is what
/// [`crate::notify::outbox::reminder_items`] returns for the unit.
pub fn plan_reminders(
    policy: &ReminderPolicy,
    cal: &Calendar,
    now: DateTime<FixedOffset>,
    input: &ReminderInput,
    history: &[(String, String, String)],
    escalation: &Escalation,
    letterhead: &Letterhead,
) -> Result<ReminderPlan, NoReminder> {
    let open: Vec<&Obligation> = input
        .obligations
        .iter()
        .filter(|o| o.state.is_open())
        .collect();
    if open.is_empty() {
        return Err(NoReminder::Complete);
    }
    let today = now.date_naive();
    if !cal.is_workday(today).0 && !policy.allow_non_workdays {
        return Err(NoReminder::NotWorkday);
    }
    if let Some(hours) = policy.office_hours
        && !hours.contains(now.time())
    {
        return Err(NoReminder::OutsideOfficeHours);
    }
    if input.contacts.is_empty() {
        return Err(NoReminder::NoContacts);
    }
    let reminded: BTreeSet<(&str, &str, &str)> = history
        .iter()
        .map(|(a, d, s)| (a.as_str(), d.as_str(), s.as_str()))
        .collect();
    let count_for = |a: &str, d: &str| {
        history
            .iter()
            .filter(|(ha, hd, _)| ha == a && hd == d)
            .count()
    };

    let mut items = Vec::new();
    let mut triggers = Vec::new();
    let mut max_overdue = 0;
    for o in open {
        let Some((stage, overdue)) = stage_of(policy, cal, now, o.due) else {
            continue;
        };
        let count = count_for(&o.activity_id, &o.deliverable);
        if count >= policy.max_per_deliverable as usize {
            continue;
        }
        let key = stage.key(crate::campaign::deadline::last_day(
            &o.due.with_timezone(now.offset()),
        ));
        if !reminded.contains(&(o.activity_id.as_str(), o.deliverable.as_str(), key.as_str())) {
            triggers.push((o.activity_id.clone(), o.deliverable.clone(), key));
        }
        max_overdue = max_overdue.max(overdue);
        items.push(ReminderItem {
            activity: o.activity.clone(),
            deliverable: o.deliverable.clone(),
            state_label: o.state.label().to_string(),
            due: o.due_display.clone(),
            detail: o.detail.clone(),
            stage_label: stage.label().to_string(),
            overdue_days: overdue,
        });
    }
    if triggers.is_empty() {
        return Err(NoReminder::NothingDue);
    }
    let reached = |days: u32| days > 0 && max_overdue >= i64::from(days);
    let not_addressed = |c: &&Mailbox| !input.contacts.iter().any(|t| t.email == c.email);
    let mut cc: Vec<Mailbox> = Vec::new();
    if reached(policy.escalate_after) {
        cc.extend(escalation.office.iter().filter(not_addressed).cloned());
    }
    // The message says it was copied only to whom it was.
    let escalated = !cc.is_empty();
    let mut escalated_to_leaders = false;
    if reached(policy.escalate_leader_after) {
        let leaders: Vec<Mailbox> = escalation
            .leaders
            .iter()
            .filter(not_addressed)
            .cloned()
            .collect();
        escalated_to_leaders = !leaders.is_empty();
        cc.extend(leaders);
    }
    cc.dedup_by(|a, b| a.email == b.email);
    let midnight = today
        .checked_add_days(Days::new(1))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| now.offset().from_local_datetime(&d).single());
    Ok(ReminderPlan {
        planned: Planned {
            kind: Kind::Reminder,
            event_key: format!("reminder:{}:{today}", input.unit),
            unit: Some(input.unit.clone()),
            to: input.contacts.clone(),
            cc,
            context: ReminderContext {
                letterhead: letterhead.clone(),
                unit: input.unit.clone(),
                any_overdue: max_overdue > 0,
                items,
                escalated,
                escalated_to_leaders,
            },
            attachments: vec![],
            expires_at: midnight,
        },
        triggers,
    })
}

impl ReminderContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> ReminderContext {
        ReminderContext {
            letterhead: Letterhead::sample(),
            unit: "县民政局".into(),
            items: vec![ReminderItem {
                activity: "政务公开进社区".into(),
                deliverable: "活动总结".into(),
                state_label: State::Overdue.label().into(),
                due: "2025年5月12日16时前（北京时间）".into(),
                detail: "尚未报送".into(),
                stage_label: Stage::After(0).label().into(),
                overdue_days: 3,
            }],
            any_overdue: true,
            escalated: true,
            escalated_to_leaders: true,
        }
    }
}

// ------------------------------------------------------------- report mail

/// The compiled report and its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    /// Overview numbers as label/count pairs in report order, e.g.
    /// ("按时报送", 12), ("逾期未报", 3).
    pub counts: Vec<(String, usize)>,
    pub units: usize,
    pub activities: usize,
    /// The clock line, e.g. 截至2025年6月13日20时.
    pub as_of: String,
    /// Dates on which some deliverable is due.
    pub deadline_dates: Vec<NaiveDate>,
    /// Every unit has completed everything.
    pub all_complete: bool,
    pub pdf: ReportFile,
    pub docx: Option<ReportFile>,
    /// The statistics workbook: attached when it fits under the limit
    /// with the rest.
    pub xlsx: Option<ReportFile>,
}

/// A compiled report file and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFile {
    pub path: PathBuf,
    pub bytes: u64,
}

/// The report template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub as_of: String,
    pub units: usize,
    pub activities: usize,
    pub counts: Vec<CountView>,
    /// 每周例行 / 截止日 / 全部报齐.
    pub occasion: String,
    pub all_complete: bool,
    pub attachments: Vec<String>,
    /// Set when the files were too large to attach: where to find them.
    pub not_attached: Option<NotAttached>,
}

/// The report files that were left out of the mail, and where they are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotAttached {
    /// Their size, in MB, one decimal.
    pub size_mb: String,
    /// The configured limit, in MB.
    pub limit_mb: u64,
    /// The folder holding them.
    pub folder: String,
}

/// A label and a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountView {
    pub label: String,
    pub count: usize,
}

/// Which report mails the outbox already holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportsQueued {
    /// `report:complete` (all units complete) was queued.
    pub complete: bool,
    /// A report mail was queued on the batch clock's day.
    pub today: bool,
}

/// The report mail due today, if any: at most one a day, so a day that
/// already had one (the weekly one, or the one when all became complete)
/// gets no other; a "complete" mail then goes out the next day.
pub fn plan_report_mail(
    policy: &ReportMailPolicy,
    now: DateTime<FixedOffset>,
    input: &ReportInput,
    leaders: &[Mailbox],
    queued: ReportsQueued,
    letterhead: &Letterhead,
) -> Option<Planned<ReportContext>> {
    if leaders.is_empty() || queued.today {
        return None;
    }
    let today = now.date_naive();
    let (event_key, occasion) =
        if policy.when_all_complete && input.all_complete && !queued.complete {
            ("report:complete".to_string(), "全部报齐")
        } else if policy.on_deadline_days && input.deadline_dates.contains(&today) {
            (format!("report:{today}"), "截止日")
        } else if policy.weekdays.iter().any(|w| w.0 == today.weekday()) {
            (format!("report:{today}"), "每周例行")
        } else {
            return None;
        };
    let mut files = vec![&input.pdf];
    if policy.attach_docx {
        files.extend(&input.docx);
    }
    // Mail servers refuse large messages (and base64 adds a third): a
    // province-sized report stays on the office's disk and the mail says where.
    let total: u64 = files.iter().map(|f| f.bytes).sum();
    let not_attached = (total > policy.attach_max_mb * 1024 * 1024).then(|| NotAttached {
        size_mb: format!("{:.1}", total as f64 / (1024.0 * 1024.0)),
        limit_mb: policy.attach_max_mb,
        folder: input
            .pdf
            .path
            .parent()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
    });
    if not_attached.is_some() {
        files.clear();
    } else if let Some(x) = &input.xlsx
        && total + x.bytes <= policy.attach_max_mb * 1024 * 1024
    {
        files.push(x);
    }
    let attachments: Vec<Attachment> = files
        .into_iter()
        .map(|f| &f.path)
        .map(|p| Attachment {
            file_name: dated_name(p, &input.as_of),
            content_type: match p.extension().and_then(|e| e.to_str()) {
                Some("pdf") => "application/pdf",
                Some("docx") => {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
                Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _ => "application/octet-stream",
            }
            .to_string(),
            content: Content::Path(p.clone()),
        })
        .collect();
    Some(Planned {
        kind: Kind::Report,
        event_key,
        unit: None,
        to: leaders.to_vec(),
        cc: vec![],
        context: ReportContext {
            letterhead: letterhead.clone(),
            as_of: input.as_of.clone(),
            units: input.units,
            activities: input.activities,
            counts: input
                .counts
                .iter()
                .map(|(label, count)| CountView {
                    label: label.clone(),
                    count: *count,
                })
                .collect(),
            occasion: occasion.to_string(),
            all_complete: input.all_complete,
            attachments: attachments.iter().map(|a| a.file_name.clone()).collect(),
            not_attached,
        },
        attachments,
        expires_at: None,
    })
}

/// A report file's name in the mail, with the time it reflects, so that a
/// leader's downloads folder tells the weeks apart:
/// "报送情况汇总（截至2025年6月13日20时）.pdf".
fn dated_name(path: &std::path::Path, as_of: &str) -> String {
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "报送情况".into());
    match path.extension() {
        Some(ext) => format!("{stem}（{as_of}）.{}", ext.to_string_lossy()),
        None => format!("{stem}（{as_of}）"),
    }
}

impl ReportContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> ReportContext {
        ReportContext {
            letterhead: Letterhead::sample(),
            as_of: "截至2025年6月13日20时".into(),
            units: 34,
            activities: 36,
            counts: State::ALL
                .iter()
                .map(|s| CountView {
                    label: s.label().into(),
                    count: 6,
                })
                .collect(),
            occasion: "每周例行".into(),
            all_complete: false,
            attachments: vec!["报送情况.pdf".into()],
            not_attached: Some(NotAttached {
                size_mb: "130.8".into(),
                limit_mb: 20,
                folder: "out/luxi-2025/20250613-2000".into(),
            }),
        }
    }
}

// ------------------------------------------------------------------ digest

/// What the office should know after a batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DigestInput {
    pub batch_id: String,
    /// Files that arrived in this batch.
    pub new_files: usize,
    pub changes: Vec<StateChange>,
    pub unassigned: Vec<UnassignedFile>,
    pub ambiguous: Vec<AmbiguousName>,
    /// Anything else worth a human look (calendar coverage, units without
    /// contacts, …).
    pub notes: Vec<String>,
    /// Inbox entries that are not files (named pipes, sockets, devices),
    /// skipped, as "path（kind）".
    pub skipped: Vec<String>,
}

/// A deliverable whose state changed in this batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateChange {
    pub unit: String,
    pub deliverable: String,
    pub from: String,
    pub to: String,
}

/// A file no unit could be assigned to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnassignedFile {
    pub path: String,
    pub reason: String,
}

/// A name that matched several units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmbiguousName {
    pub name: String,
    pub candidates: Vec<String>,
}

/// The digest template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub batch_id: String,
    pub new_files: usize,
    pub changes: Vec<StateChange>,
    pub unassigned: Vec<UnassignedFile>,
    pub ambiguous: Vec<AmbiguousName>,
    pub notes: Vec<String>,
    pub skipped: Vec<String>,
    /// Messages queued by this batch, e.g. "回执 3 封".
    pub queued: Vec<String>,
    /// Messages that failed, expired or may have been delivered (held for
    /// the office) since the last digest.
    pub delivery_problems: Vec<String>,
    /// Messages still being retried, with why they have not gone out.
    pub retrying: Vec<String>,
}

/// The office digest of a batch; `None` without office addresses.
pub fn plan_digest(
    input: &DigestInput,
    office: &[Mailbox],
    queued: Vec<String>,
    delivery_problems: Vec<String>,
    retrying: Vec<String>,
    letterhead: &Letterhead,
) -> Option<Planned<DigestContext>> {
    if office.is_empty() {
        return None;
    }
    Some(Planned {
        kind: Kind::Digest,
        event_key: format!("digest:{}", input.batch_id),
        unit: None,
        to: office.to_vec(),
        cc: vec![],
        context: DigestContext {
            letterhead: letterhead.clone(),
            batch_id: input.batch_id.clone(),
            new_files: input.new_files,
            changes: input.changes.clone(),
            unassigned: input.unassigned.clone(),
            ambiguous: input.ambiguous.clone(),
            notes: input.notes.clone(),
            skipped: input.skipped.clone(),
            queued,
            delivery_problems,
            retrying,
        },
        attachments: vec![],
        expires_at: None,
    })
}

impl DigestContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> DigestContext {
        DigestContext {
            letterhead: Letterhead::sample(),
            batch_id: "20250520-2000".into(),
            new_files: 7,
            changes: vec![StateChange {
                unit: "县民政局".into(),
                deliverable: "活动总结".into(),
                from: State::Pending.label().into(),
                to: State::OnTime.label().into(),
            }],
            unassigned: vec![UnassignedFile {
                path: "inbox/未命名/照片1.jpg".into(),
                reason: "文件夹和文件名中没有单位名称".into(),
            }],
            ambiguous: vec![AmbiguousName {
                name: "民政".into(),
                candidates: vec!["县民政局".into(), "州民政局泸溪分局".into()],
            }],
            notes: vec!["县气象局无联系邮箱，回执未发送".into()],
            skipped: vec!["县林业局/管道（命名管道）".into()],
            queued: vec!["回执 3 封".into()],
            delivery_problems: vec!["#12 催报 县公安局：550 no such user".into()],
            retrying: vec!["#13 回执 县民政局 待发送 尝试1次 —— 451 try again later".into()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::config::{OfficeHours, WeekdayName};
    use chrono::Weekday;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn mb(s: &str) -> Mailbox {
        s.parse().unwrap()
    }

    fn obligation(activity: &str, deliverable: &str, state: State, due: &str) -> Obligation {
        Obligation {
            activity_id: activity.into(),
            activity: format!("活动{activity}"),
            deliverable: deliverable.into(),
            state,
            due: at(due),
            due_display: due.into(),
            detail: "尚未报送".into(),
        }
    }

    fn unit(obligations: Vec<Obligation>) -> ReminderInput {
        ReminderInput {
            unit: "县民政局".into(),
            contacts: vec![mb("lianluo@minzheng.example.gov.cn")],
            obligations,
        }
    }

    fn escalation() -> Escalation {
        Escalation {
            office: vec![mb("office@luxi.example.gov.cn")],
            leaders: vec![mb("leader@luxi.example.gov.cn")],
        }
    }

    fn plan(
        policy: &ReminderPolicy,
        now: &str,
        input: &ReminderInput,
        history: &[(String, String, String)],
    ) -> Result<ReminderPlan, NoReminder> {
        plan_reminders(
            policy,
            &Calendar::builtin(),
            at(now),
            input,
            history,
            &escalation(),
            &Letterhead::sample(),
        )
    }

    /// Activity on Friday 25 April 2025, due 5 working days later: Tuesday
    /// 6 May 16:00 (Sunday 27 April is a make-up workday, 1–5 May are the
    /// May Day holiday). The unit never hands in; the batch runs at 20:00
    /// every night.
    #[test]
    fn nightly_schedule_across_the_2025_may_day_holiday() {
        let policy = ReminderPolicy::default();
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Pending,
            "2025-05-06T16:00:00+08:00",
        )]);
        let mut history = Vec::new();
        let mut sent = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(2025, 4, 25).unwrap();
        while day <= NaiveDate::from_ymd_opt(2025, 5, 20).unwrap() {
            let now = format!("{day}T20:00:00+08:00");
            match plan(&policy, &now, &input, &history) {
                Ok(p) => {
                    assert_eq!(p.planned.event_key, format!("reminder:县民政局:{day}"));
                    assert_eq!(
                        p.planned.expires_at,
                        Some(at(&format!("{}T00:00:00+08:00", day.succ_opt().unwrap())))
                    );
                    let cc: Vec<String> =
                        p.planned.cc.iter().map(|m| m.email.to_string()).collect();
                    sent.push((day.format("%m-%d").to_string(), p.triggers[0].2.clone(), cc));
                    history.extend(p.triggers);
                }
                Err(why) => {
                    if matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
                        && day != NaiveDate::from_ymd_opt(2025, 4, 27).unwrap()
                        || (1..=5).contains(&day.day()) && day.month() == 5
                    {
                        assert_eq!(why, NoReminder::NotWorkday, "{day}");
                    } else {
                        assert_eq!(why, NoReminder::NothingDue, "{day}");
                    }
                }
            }
            day = day.succ_opt().unwrap();
        }
        let office = "office@luxi.example.gov.cn".to_string();
        let leader = "leader@luxi.example.gov.cn".to_string();
        assert_eq!(
            sent,
            vec![
                // 2 working days before 6 May: 30 April and 6 May remain.
                ("04-29".into(), "before@2025-05-06".into(), vec![]),
                // 6 May 20:00 is after the 16:00 deadline: no due-day mail.
                ("05-07".into(), "after0@2025-05-06".into(), vec![]),
                (
                    "05-09".into(),
                    "after1@2025-05-06".into(),
                    vec![office.clone()]
                ),
                (
                    "05-13".into(),
                    "after2@2025-05-06".into(),
                    vec![office, leader]
                ),
                // max_per_deliverable = 4: no after3 on 15 May.
            ]
        );
    }

    #[test]
    fn cap_stops_reminders_per_deliverable() {
        let policy = ReminderPolicy {
            max_per_deliverable: 2,
            ..ReminderPolicy::default()
        };
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Overdue,
            "2025-05-06T16:00:00+08:00",
        )]);
        let history = vec![
            ("7".into(), "活动总结".into(), "before@2025-05-06".into()),
            ("7".into(), "活动总结".into(), "after0@2025-05-06".into()),
        ];
        assert_eq!(
            plan(&policy, "2025-05-09T20:00:00+08:00", &input, &history).unwrap_err(),
            NoReminder::NothingDue
        );
    }

    #[test]
    fn office_hours_and_due_day_for_a_daytime_batch() {
        let policy = ReminderPolicy {
            office_hours: Some("08:30-17:30".parse::<OfficeHours>().unwrap()),
            ..ReminderPolicy::default()
        };
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Pending,
            "2025-05-06T16:00:00+08:00",
        )]);
        assert_eq!(
            plan(&policy, "2025-05-06T07:00:00+08:00", &input, &[]).unwrap_err(),
            NoReminder::OutsideOfficeHours
        );
        let p = plan(&policy, "2025-05-06T10:00:00+08:00", &input, &[]).unwrap();
        assert_eq!(p.triggers[0].2, "due@2025-05-06");
        assert_eq!(p.planned.context.items[0].stage_label, "今日截止");
        assert!(!p.planned.context.any_overdue);
    }

    #[test]
    fn holidays_only_when_allowed() {
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Pending,
            "2025-05-06T16:00:00+08:00",
        )]);
        let policy = ReminderPolicy::default();
        assert_eq!(
            plan(&policy, "2025-05-02T20:00:00+08:00", &input, &[]).unwrap_err(),
            NoReminder::NotWorkday
        );
        let policy = ReminderPolicy {
            allow_non_workdays: true,
            ..policy
        };
        let p = plan(&policy, "2025-05-02T20:00:00+08:00", &input, &[]).unwrap();
        assert_eq!(p.triggers[0].2, "before@2025-05-06");
    }

    #[test]
    fn completed_units_and_items_are_never_chased_and_open_items_share_one_mail() {
        let policy = ReminderPolicy::default();
        let done = unit(vec![
            obligation("7", "活动总结", State::OnTime, "2025-05-06T16:00:00+08:00"),
            obligation("7", "活动照片", State::Late, "2025-05-06T16:00:00+08:00"),
        ]);
        assert_eq!(
            plan(&policy, "2025-05-09T20:00:00+08:00", &done, &[]).unwrap_err(),
            NoReminder::Complete
        );
        let mixed = unit(vec![
            obligation("7", "活动总结", State::OnTime, "2025-05-06T16:00:00+08:00"),
            obligation(
                "7",
                "活动照片",
                State::Incomplete,
                "2025-05-06T16:00:00+08:00",
            ),
            obligation("9", "访谈稿件", State::Pending, "2025-05-12T16:00:00+08:00"),
            obligation(
                "11",
                "活动总结",
                State::Pending,
                "2025-06-30T16:00:00+08:00",
            ),
        ]);
        let p = plan(&policy, "2025-05-08T20:00:00+08:00", &mixed, &[]).unwrap();
        let items: Vec<_> = p
            .planned
            .context
            .items
            .iter()
            .map(|i| {
                (
                    i.deliverable.as_str(),
                    i.stage_label.as_str(),
                    i.overdue_days,
                )
            })
            .collect();
        // 活动总结 is done; the June deadline is outside every window.
        assert_eq!(
            items,
            vec![("活动照片", "已逾期", 2), ("访谈稿件", "即将截止", 0)]
        );
        assert_eq!(p.triggers.len(), 2);
        let mut no_contacts = mixed.clone();
        no_contacts.contacts.clear();
        assert_eq!(
            plan(&policy, "2025-05-08T20:00:00+08:00", &no_contacts, &[]).unwrap_err(),
            NoReminder::NoContacts
        );
    }

    fn report_input(all_complete: bool) -> ReportInput {
        ReportInput {
            counts: vec![("按时报送".into(), 3)],
            units: 3,
            activities: 3,
            as_of: "截至2025年5月12日20时".into(),
            deadline_dates: vec![NaiveDate::from_ymd_opt(2025, 5, 14).unwrap()],
            all_complete,
            pdf: ReportFile {
                path: "out/报送情况.pdf".into(),
                bytes: 3 << 20,
            },
            docx: Some(ReportFile {
                path: "out/报送情况.docx".into(),
                bytes: 3 << 20,
            }),
            xlsx: Some(ReportFile {
                path: "out/报送情况统计表.xlsx".into(),
                bytes: 40 << 10,
            }),
        }
    }

    #[test]
    fn a_report_too_large_to_mail_is_named_not_attached() {
        let policy = ReportMailPolicy {
            attach_docx: true,
            attach_max_mb: 5,
            ..ReportMailPolicy::default()
        };
        let plan = |input: &ReportInput| {
            plan_report_mail(
                &policy,
                at("2025-05-12T20:00:00+08:00"),
                input,
                &[mb("leader@luxi.example.gov.cn")],
                ReportsQueued::default(),
                &Letterhead::sample(),
            )
            .unwrap()
        };
        // 3 MB + 3 MB: over 5 MB together.
        let p = plan(&report_input(false));
        assert!(p.attachments.is_empty());
        let left = p.context.not_attached.unwrap();
        assert_eq!(
            (left.size_mb.as_str(), left.folder.as_str()),
            ("6.0", "out")
        );
        // The PDF alone fits, and the small workbook with it.
        let mut input = report_input(false);
        input.docx = None;
        let p = plan(&input);
        assert_eq!(p.attachments.len(), 2);
        assert!(p.context.not_attached.is_none());
        // A workbook that would cross the limit stays home; the PDF goes.
        input.xlsx.as_mut().unwrap().bytes = 3 << 20;
        let p = plan(&input);
        assert_eq!(p.attachments.len(), 1);
    }

    #[test]
    fn report_mail_schedule() {
        let policy = ReportMailPolicy {
            weekdays: vec![WeekdayName(Weekday::Mon)],
            attach_docx: true,
            ..ReportMailPolicy::default()
        };
        let leaders = [mb("leader@luxi.example.gov.cn")];
        let lh = Letterhead::sample();
        let key_after = |now: &str, complete: bool, queued: ReportsQueued| {
            plan_report_mail(
                &policy,
                at(now),
                &report_input(complete),
                &leaders,
                queued,
                &lh,
            )
            .map(|p| (p.event_key, p.context.occasion))
        };
        let key = |now: &str, complete: bool, complete_queued: bool| {
            let queued = ReportsQueued {
                complete: complete_queued,
                today: false,
            };
            key_after(now, complete, queued)
        };
        // Monday 12 May: weekly.
        let p = plan_report_mail(
            &policy,
            at("2025-05-12T20:00:00+08:00"),
            &report_input(false),
            &leaders,
            ReportsQueued::default(),
            &lh,
        )
        .unwrap();
        assert_eq!(p.event_key, "report:2025-05-12");
        assert_eq!(p.attachments.len(), 3);
        // Named with the moment they reflect, so weeks are told apart.
        assert_eq!(
            p.context.attachments,
            vec![
                "报送情况（截至2025年5月12日20时）.pdf",
                "报送情况（截至2025年5月12日20时）.docx",
                "报送情况统计表（截至2025年5月12日20时）.xlsx"
            ]
        );
        // Tuesday: nothing; Wednesday 14 May: a deadline day.
        assert_eq!(key("2025-05-13T20:00:00+08:00", false, false), None);
        assert_eq!(
            key("2025-05-14T20:00:00+08:00", false, false),
            Some(("report:2025-05-14".into(), "截止日".into()))
        );
        // All complete: once.
        assert_eq!(
            key("2025-05-15T20:00:00+08:00", true, false),
            Some(("report:complete".into(), "全部报齐".into()))
        );
        assert_eq!(key("2025-05-16T20:00:00+08:00", true, true), None);
        // One a day: a Monday re-run after "complete" went out that day sends
        // no weekly one, and a day whose weekly one went out gets no
        // "complete" mail until the next day.
        let today = ReportsQueued {
            complete: true,
            today: true,
        };
        assert_eq!(key_after("2025-05-19T21:00:00+08:00", true, today), None);
        let weekly_only = ReportsQueued {
            complete: false,
            today: true,
        };
        assert_eq!(
            key_after("2025-05-19T21:00:00+08:00", true, weekly_only),
            None
        );
        assert_eq!(
            key("2025-05-20T20:00:00+08:00", true, false),
            Some(("report:complete".into(), "全部报齐".into()))
        );
        assert_eq!(
            plan_report_mail(
                &policy,
                at("2025-05-12T20:00:00+08:00"),
                &report_input(false),
                &[],
                ReportsQueued::default(),
                &lh
            ),
            None
        );
    }

    #[test]
    fn one_receipt_per_unit_and_batch() {
        let mut input = ReceiptInput {
            unit: "县民政局".into(),
            contacts: vec![mb("a@minzheng.example.gov.cn")],
            batch_id: "20250520-2000".into(),
            files: vec![],
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
        assert_eq!((p.context.accepted_count, p.context.rejected_count), (1, 1));
    }
}
