//! From a batch's results to what the notify stage is asked to send: the
//! assessment, the report, the files written, the previous batch's states
//! and the intake's findings become one receipt and one reminder input per
//! unit, the report mail's input and the digest's. Pure: the outbox history
//! the policies also need is read when the inputs are queued
//! ([`crate::notify::Notifier::queue`]).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset};

use crate::assess::{Assessment, FileAssessment, ItemAssessment};
use crate::campaign::Campaign;
use crate::campaign::deadline::last_day;
use crate::campaign::identify::{Identity, MailContext, identify};
use crate::fmt::{format_as_of, format_time, printable};
use crate::inspect::Verdict;
use crate::intake;
use crate::ledger::PreviousStates;
use crate::model::{ENTRY_SEP, State};
use crate::notice::{Notice, Notices};
use crate::render::Outputs;
use crate::report::Report;
use crate::wording::{self, notices::skipped};

use super::message::Thread;
use super::policy::{
    AmbiguousName, DigestInput, ItemState, MissingItem, Obligation, ReceiptInput, ReceivedFile,
    ReminderInput, ReportFile, ReportInput, StateChange, UnassignedFile,
};
use crate::campaign::mail_config::parse_mailbox;

/// Everything one batch asks the notify stage to send, in the order it is
/// queued.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Per unit, in roster order: its receipt, then its reminder.
    pub units: Vec<(ReceiptInput, ReminderInput)>,
    /// The report mail (none in a dry run: no report was written).
    pub report: Option<ReportInput>,
    /// The office digest, queued last.
    pub digest: DigestInput,
}

/// What the batch found that the notify stage needs besides the
/// assessment and the report.
pub struct Batch<'a> {
    pub id: i64,
    pub intake: &'a intake::IntakeSummary,
    /// The report's files, when they were written.
    pub outputs: Option<&'a Outputs>,
    pub previous: &'a PreviousStates,
    /// File taken from the mailbox → (Message-ID, subject) of its e-mail.
    pub threads: &'a HashMap<String, crate::ledger::MailThread>,
    /// Everything the batch asks or warns the office of, for the digest.
    pub notices: &'a Notices,
}

/// Builds the inputs of every message this batch may cause.
pub fn plan(campaign: &Campaign, a: &Assessment, report: &Report, batch: &Batch) -> Inputs {
    // Units a file of no unit may be from, and units whose file is still
    // being copied in (接收中): not chased until the office decides whose
    // it is, or until it has arrived.
    let receiving = batch.intake.receiving.iter().filter_map(|path| {
        match identify(&campaign.roster, path, &MailContext::default()) {
            Identity::Unit { unit, .. } => Some(unit),
            _ => None,
        }
    });
    let maybe_sent: BTreeSet<usize> = a
        .files
        .iter()
        .filter(|f| f.unassigned() && !f.gone)
        .flat_map(FileAssessment::maybe_from)
        .chain(receiving)
        .collect();
    let units = (0..campaign.roster.units.len())
        .map(|ui| {
            let unit = &campaign.roster.units[ui];
            // Addressed by the unit's name, as the office would write it.
            let contacts: Vec<_> = unit
                .emails()
                .filter_map(|e| parse_mailbox(e).ok())
                .map(|mut m| {
                    m.name.get_or_insert_with(|| unit.name.clone());
                    m
                })
                .collect();
            let new_files = new_files_of(campaign, a, batch, ui);
            let (still_missing, obligations) = owed_by(campaign, a, ui, &new_files);
            let (files, thread) = received(campaign, a, batch, &new_files);
            let receipt = ReceiptInput {
                unit: unit.name.clone(),
                contacts: contacts.clone(),
                batch_id: batch.id.to_string(),
                files,
                items: states_of(campaign, a, ui),
                still_missing,
                thread,
            };
            let reminder = ReminderInput {
                unit: unit.name.clone(),
                contacts,
                obligations,
                maybe_sent: maybe_sent.contains(&ui),
            };
            (receipt, reminder)
        })
        .collect();
    Inputs {
        units,
        report: batch.outputs.map(|out| report_input(a, report, out)),
        digest: digest_input(campaign, a, batch),
    }
}

/// A time as a unit's message gives it: "2025年6月9日 24:00（北京时间）".
fn shown(campaign: &Campaign, t: DateTime<FixedOffset>, tz: &FixedOffset) -> String {
    let zone = crate::report::build::zone_label(campaign);
    format!("{}（{zone}）", format_time(t.with_timezone(tz)))
}

/// An item as a unit's messages name it: "活动总结（禁毒宣传）".
fn item_name(campaign: &Campaign, activity: usize, item: &ItemAssessment) -> String {
    let d = &campaign.deliverables[item.deliverable];
    format!("{}（{}）", d.name, campaign.activities[activity].theme)
}

/// Every item of unit `ui` in the report's words, for its receipt. An
/// open item is named by its state alone: what it lacks is said once, where
/// the receipt lists what is still owed (and a rejected file's reason where
/// it lists the file).
fn states_of(campaign: &Campaign, a: &Assessment, ui: usize) -> Vec<ItemState> {
    a.activities
        .iter()
        .filter(|s| s.unit == ui)
        .flat_map(|st| {
            st.items.iter().map(|item| ItemState {
                deliverable: item_name(campaign, st.activity, item),
                state: if item.state.is_open() && item.exemption.is_none() {
                    wording::cell_title(campaign, item)
                } else {
                    wording::cell_text(campaign, a, item)
                },
                late: item.state == State::Late,
            })
        })
        .collect()
}

/// What unit `ui` still owes, for its receipt, and every item of it with a
/// deadline, for its reminder: all but what was due before an activity
/// that has begun (a plan is not chased once the activity took place; the
/// receipt and the report still say it is missing). What is missing is
/// said in the unit's words; the deadline and how late are said after it,
/// once. `listed` are the files the receipt lists first: a refused one is
/// pointed to there.
fn owed_by(
    campaign: &Campaign,
    a: &Assessment,
    ui: usize,
    listed: &[usize],
) -> (Vec<MissingItem>, Vec<Obligation>) {
    let clock = a.clock;
    let tz = clock.timezone();
    let mut missing = Vec::new();
    let mut obligations = Vec::new();
    for st in a.activities.iter().filter(|s| s.unit == ui) {
        let act = &campaign.activities[st.activity];
        for item in &st.items {
            let d = &campaign.deliverables[item.deliverable];
            let due_display = item
                .due
                .map(|t| shown(campaign, t, &tz))
                .unwrap_or_default();
            let short = wording::owed_text(campaign, a, item);
            if item.state.is_open() {
                let passed = item.due.filter(|&due| clock >= due);
                missing.push(MissingItem {
                    deliverable: item_name(campaign, st.activity, item),
                    detail: wording::owed_after_listing(campaign, a, item, listed),
                    due: due_display.clone(),
                    overdue: passed.is_some(),
                    overdue_days: passed.map_or(0, |due| {
                        campaign
                            .calendar
                            .workdays_between(last_day(&due), clock.date_naive())
                            .0
                    }),
                });
            }
            // Owed before the activity, and the activity (for a per-unit
            // deliverable, the unit's first) has begun: not chased.
            let begun = || {
                campaign
                    .activity_days(d, act, None)
                    .is_some_and(|days| clock.date_naive() >= days.first)
            };
            if let Some(due) = item.due
                && !(d.rule.precedes_activity() && begun())
            {
                obligations.push(Obligation {
                    activity_id: act.id.clone(),
                    activity: act.theme.clone(),
                    deliverable: d.name.clone(),
                    state: item.state,
                    due,
                    due_display,
                    detail: short,
                });
            }
        }
    }
    (missing, obligations)
}

/// The indices of unit `ui`'s files new to it in this batch, as its
/// receipt lists them: arrived since the last batch, or received before
/// and counted for the unit only now (renamed by the office, an alias
/// added). A photo pasted into a Word file is part of that file, not a
/// file the unit sent.
fn new_files_of(campaign: &Campaign, a: &Assessment, batch: &Batch, ui: usize) -> Vec<usize> {
    let unit = &campaign.roster.units[ui].name;
    let registered_now = |f: &FileAssessment| {
        !f.gone
            && batch
                .previous
                .owners
                .as_ref()
                .is_some_and(|o| !o.contains(&(f.hash.clone(), unit.clone())))
    };
    (0..a.files.len())
        .filter(|&i| {
            let f = &a.files[i];
            f.unit == Some(ui)
                && !f.embedded
                && (f.batch_id > batch.previous.batch || registered_now(f))
        })
        .collect()
}

/// The files `new` (see [`new_files_of`]) as the unit knows them, and the
/// e-mail thread the receipt answers: the latest one they came in.
fn received(
    campaign: &Campaign,
    a: &Assessment,
    batch: &Batch,
    new: &[usize],
) -> (Vec<ReceivedFile>, Option<Thread>) {
    let tz = a.clock.timezone();
    let sent: Vec<&FileAssessment> = new.iter().map(|&i| &a.files[i]).collect();
    let thread = sent
        .iter()
        .filter_map(|f| {
            let top = f.path.split(ENTRY_SEP).next().unwrap_or(&f.path);
            batch.threads.get(top).map(|thread| (f.arrived, thread))
        })
        // The latest; of several as late, the first.
        .min_by_key(|(arrived, _)| std::cmp::Reverse(*arrived))
        .map(|(_, t)| Thread {
            message_id: t.message_id.clone(),
            subject: t.subject.clone(),
        });
    let files = sent
        .into_iter()
        .map(|f| ReceivedFile {
            name: wording::as_the_unit_knows_it(f, &tz),
            size: f.size,
            arrived: shown(campaign, f.arrived, &tz),
            verdict_label: wording::verdict(f),
            accepted: f.inspection.verdict != Verdict::Reject,
            set_aside: f.set_aside(),
            reason: why(campaign, a, f),
            instead: None,
            registered_late: f.batch_id <= batch.previous.batch,
        })
        .collect();
    (files, thread)
}

/// Everything said of a file, for its receipt: the inspection's reason,
/// then each flag (why it was set aside, where it was placed), in one line.
fn why(campaign: &Campaign, a: &Assessment, f: &FileAssessment) -> Option<String> {
    let said: Vec<String> = f
        .inspection
        .reason
        .as_deref()
        .map(printable)
        .into_iter()
        .chain(wording::flags(campaign, a, f))
        .collect();
    (!said.is_empty()).then(|| said.join("；"))
}

fn report_input(a: &Assessment, report: &Report, out: &Outputs) -> ReportInput {
    let deadline_dates: BTreeSet<_> = a
        .activities
        .iter()
        .flat_map(|s| s.items.iter().filter_map(|i| i.due))
        .map(|d| last_day(&d))
        .collect();
    let file = |path: &std::path::Path| ReportFile {
        path: path.to_owned(),
        bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
    };
    ReportInput {
        counts: report
            .overview
            .by_state
            .iter()
            .map(|c| (c.label.clone(), c.count))
            .collect(),
        units: report.overview.units,
        activities: report.overview.activities,
        as_of: format_as_of(report.as_of.naive_local(), report.cutoff),
        deadline_dates: deadline_dates.into_iter().collect(),
        all_complete: a.activities.iter().all(|s| !s.overall.is_open()),
        pdf: file(&out.pdf),
        docx: Some(file(&out.docx)),
        xlsx: Some(file(&out.xlsx)),
    }
}

fn digest_input(campaign: &Campaign, a: &Assessment, batch: &Batch) -> DigestInput {
    let mut changes = Vec::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        for item in &st.items {
            let d = &campaign.deliverables[item.deliverable];
            if let Some(&before) = batch.previous.states.get(&(act.id.clone(), d.id.clone()))
                && before != item.state
            {
                changes.push(StateChange {
                    unit: campaign.roster.units[act.unit].name.clone(),
                    deliverable: item_name(campaign, st.activity, item),
                    from: before,
                    to: item.state,
                });
            }
        }
    }
    // The digest lists the entries that are not files in a section of
    // their own, so not among its notes too.
    let own: Vec<Notice> = batch
        .intake
        .special
        .iter()
        .map(|(path, kind)| skipped(path, kind))
        .collect();
    let no_unit = |ambiguous: bool| {
        a.files
            .iter()
            .filter(move |f| f.unassigned() && f.candidates().is_empty() != ambiguous)
    };
    DigestInput {
        batch_id: batch.id.to_string(),
        new_files: batch.intake.new_versions.len(),
        changes,
        unassigned: no_unit(false)
            .map(|f| UnassignedFile {
                path: printable(&f.path),
                reason: wording::why_no_unit(campaign, f).unwrap_or_default(),
            })
            .collect(),
        ambiguous: no_unit(true)
            .map(|f| AmbiguousName {
                name: printable(&f.path),
                candidates: f
                    .candidates()
                    .iter()
                    .map(|&u| campaign.roster.units[u].name.clone())
                    .collect(),
            })
            .collect(),
        notes: batch
            .notices
            .iter()
            .filter(|n| !own.contains(n))
            .map(ToString::to_string)
            .collect(),
        skipped: batch.intake.skipped(),
    }
}

/// Units that still owe something but have no address a reminder can go
/// to: the office must chase them itself, so it is told every night, in one
/// notice naming them all.
pub fn unreachable(campaign: &Campaign, a: &Assessment) -> Option<Notice> {
    campaign.file.mail.as_ref()?; // without [mail] no one is written to
    let units: Vec<usize> = campaign
        .roster
        .units
        .iter()
        .enumerate()
        .filter(|(ui, unit)| {
            let owes = a
                .activities
                .iter()
                .filter(|s| s.unit == *ui)
                .any(|s| s.items.iter().any(|i| i.state.is_open()));
            owes && !unit.emails().any(|e| parse_mailbox(e).is_ok())
        })
        .map(|(ui, _)| ui)
        .collect();
    (!units.is_empty()).then(|| wording::notices::unreachable(campaign, &units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario;
    use crate::model::State;
    use crate::notice::Notice;
    use crate::store::Store;

    /// The scenario's inputs, after a batch 1 in which everything was
    /// pending, with a pipe in the inbox and one warning.
    fn inputs() -> (Campaign, Assessment, Inputs) {
        let (c, a) = scenario();
        planned(c, a)
    }

    /// What is planned for the campaign `c` assessed as `a`, after the
    /// batch [`inputs`] describes.
    fn planned(c: Campaign, a: Assessment) -> (Campaign, Assessment, Inputs) {
        let dir = tempfile::tempdir().unwrap();
        let report =
            crate::report::build::build(&c, &a, &Store::new(dir.path()), &Default::default());
        let mut intake = intake::IntakeSummary::default();
        intake.special.push(("县林业局/管道".into(), "命名管道"));
        let mut previous = PreviousStates::default();
        for act in &c.activities {
            for d in &c.deliverables {
                previous
                    .states
                    .insert((act.id.clone(), d.id.clone()), State::Pending);
            }
        }
        let notices: Notices = [
            skipped("县林业局/管道", "命名管道"),
            Notice::warning("专栏稿未能生成：磁盘已满"),
        ]
        .into_iter()
        .chain(unreachable(&c, &a))
        .collect();
        let inputs = plan(
            &c,
            &a,
            &report,
            &Batch {
                id: 2,
                intake: &intake,
                outputs: None,
                previous: &previous,
                threads: &HashMap::new(),
                notices: &notices,
            },
        );
        (c, a, inputs)
    }

    #[test]
    fn a_receipt_names_each_file_as_the_unit_knows_it_with_why_it_does_not_count() {
        let (_, _, inputs) = inputs();
        assert_eq!(inputs.units.len(), 4);
        let (receipt, _) = &inputs.units[0];
        assert_eq!(receipt.unit, "县公安局");
        let reason = |name: &str| {
            receipt
                .files
                .iter()
                .find(|f| f.name == format!("收件箱中的《{name}》"))
                .unwrap()
                .reason
                .clone()
        };
        assert_eq!(reason("县公安局/法治宣传照片/1.jpg"), None);
        assert_eq!(
            reason("县公安局/法治宣传照片/4.jpg").unwrap(),
            "与1.jpg内容相同，只计一次"
        );
        assert_eq!(
            reason("县公安局/发言材料.docx").unwrap(),
            "无法判断属于活动总结或访谈稿件中的哪一项，请在文件名中注明；按报送时间归入“禁毒宣传”"
        );
        let (forestry, _) = &inputs.units[1];
        assert!(!forestry.files[0].accepted);
        assert!(
            forestry.files[0]
                .reason
                .as_deref()
                .unwrap()
                .contains(".doc")
        );
    }

    #[test]
    fn what_is_still_missing_and_what_is_owed_in_each_state() {
        let (_, _, inputs) = inputs();
        let (receipt, reminder) = &inputs.units[0];
        let missing: Vec<(&str, &str, bool, i64)> = receipt
            .still_missing
            .iter()
            .map(|m| {
                (
                    m.deliverable.as_str(),
                    m.detail.as_str(),
                    m.overdue,
                    m.overdue_days,
                )
            })
            .collect();
        assert_eq!(
            missing,
            [
                ("访谈稿件（法治宣传进社区）", "尚未报送", true, 15),
                ("活动总结（禁毒宣传）", "尚未报送", false, 0),
                ("活动照片（禁毒宣传）", "活动照片1张，需3张", false, 0),
                ("访谈稿件（禁毒宣传）", "尚未报送", false, 0),
            ]
        );
        let states: Vec<State> = reminder.obligations.iter().map(|o| o.state).collect();
        use State::*;
        assert_eq!(
            states,
            [OnTime, Late, Overdue, Pending, Incomplete, Pending]
        );
        // 县民政局's activity has no deadline: owed, but nothing to remind of.
        let (welfare, reminder) = &inputs.units[2];
        assert_eq!(welfare.still_missing[0].due, "");
        assert!(reminder.obligations.is_empty());
        // The exempt item is neither missing nor owed.
        let (forestry, reminder) = &inputs.units[1];
        assert_eq!(forestry.still_missing.len(), 1);
        assert_eq!(reminder.obligations.len(), 2);
    }

    /// 访谈稿件 due five working days before each activity: on 5 June
    /// 县公安局's May activity took place long ago, so its missing
    /// interview is not chased (still missing on the receipt); the one for
    /// 10 June, already overdue, is.
    #[test]
    fn what_was_due_before_an_activity_that_has_begun_is_not_chased() {
        use crate::campaign::deadline::{ActivityDay, DeadlineRule, DueTime};
        use crate::campaign::testing::{self, at};
        let (mut c, versions) = testing::scenario();
        let interview = c.deliverables.iter_mut().find(|d| d.id == "interview");
        interview.unwrap().rule = DeadlineRule::Activity {
            day: ActivityDay::WorkdaysBefore(5),
            time: DueTime::EndOfDay,
        };
        let a = crate::assess::assess(&c, &versions, &[], at("2025-06-05T20:00"));
        let (_, _, inputs) = planned(c, a);
        let (receipt, reminder) = &inputs.units[0];
        assert_eq!(receipt.unit, "县公安局");
        let chased: Vec<(&str, &str, State)> = reminder
            .obligations
            .iter()
            .filter(|o| o.deliverable == "访谈稿件")
            .map(|o| (o.activity.as_str(), o.deliverable.as_str(), o.state))
            .collect();
        assert_eq!(chased, [("禁毒宣传", "访谈稿件", State::Overdue)]);
        let missing: Vec<&str> = receipt
            .still_missing
            .iter()
            .map(|m| m.deliverable.as_str())
            .filter(|d| d.starts_with("访谈稿件"))
            .collect();
        assert_eq!(
            missing,
            ["访谈稿件（法治宣传进社区）", "访谈稿件（禁毒宣传）"]
        );
    }

    /// A 访谈稿件 owed once per unit, five working days before the unit's
    /// first activity; the schedule lists 县公安局's June activity first
    /// (it carries the item) and its May one second. On 5 June the May
    /// activity has taken place: not chased, still missing.
    #[test]
    fn what_is_owed_once_before_a_units_first_activity_is_not_chased_once_it_began() {
        use crate::campaign::deadline::{ActivityDay, DeadlineRule, DueTime};
        use crate::campaign::testing::{self, at};
        let (mut c, versions) = testing::scenario();
        let may = c.activities[0].time.take();
        c.activities[0].time = c.activities[1].time.replace(may.unwrap());
        let interview = c.deliverables.iter_mut().find(|d| d.id == "interview");
        let interview = interview.unwrap();
        interview.per = crate::campaign::config::Per::Unit;
        interview.rule = DeadlineRule::Activity {
            day: ActivityDay::WorkdaysBefore(5),
            time: DueTime::EndOfDay,
        };
        let a = crate::assess::assess(&c, &versions, &[], at("2025-06-05T20:00"));
        let (_, _, inputs) = planned(c, a);
        let (receipt, reminder) = &inputs.units[0];
        assert_eq!(receipt.unit, "县公安局");
        assert!(
            reminder
                .obligations
                .iter()
                .all(|o| o.deliverable != "访谈稿件")
        );
        let missing = receipt.still_missing.iter();
        assert_eq!(
            missing
                .filter(|m| m.deliverable.starts_with("访谈稿件"))
                .count(),
            1
        );
    }

    #[test]
    fn the_digest_lists_changes_files_and_each_notice_once() {
        let (_, _, inputs) = inputs();
        let d = &inputs.digest;
        let changed: Vec<(&str, State, State)> = d
            .changes
            .iter()
            .map(|c| (c.deliverable.as_str(), c.from, c.to))
            .collect();
        assert_eq!(
            changed[0],
            ("活动总结（法治宣传进社区）", State::Pending, State::OnTime)
        );
        assert_eq!(changed.len(), 8, "{changed:?}");
        assert_eq!(d.unassigned.len(), 1);
        assert_eq!(
            d.unassigned[0].reason,
            "未能识别所属单位（确认后登记：baosong assign \"照片.jpg\" 单位名称）"
        );
        assert_eq!(d.ambiguous[0].candidates, ["县民政局", "州民政局"]);
        assert_eq!(d.skipped, ["县林业局/管道（命名管道）"]);
        assert_eq!(
            d.notes,
            [
                "专栏稿未能生成：磁盘已满",
                "无法发送催报：县林业局、州民政局没有有效邮箱（请在活动安排表的联系人表或campaign.toml的[[units]]中补充，或另行通知）"
            ]
        );
    }

    #[test]
    fn no_unit_is_unreachable_without_mail() {
        let (mut c, a, _) = inputs();
        assert!(unreachable(&c, &a).is_some());
        c.file.mail = None;
        assert_eq!(unreachable(&c, &a), None);
    }
}
