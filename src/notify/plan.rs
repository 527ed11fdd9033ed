//! From a batch's results to what the notify stage is asked to send: the
//! assessment, the report, the files written, the previous batch's states
//! and the intake's findings become one receipt and one reminder input per
//! unit, the report mail's input and the digest's. Pure: the outbox history
//! the policies also need is read when the inputs are queued
//! ([`crate::notify::Notifier::queue`]).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset};

use crate::assess::Assessment;
use crate::campaign::Campaign;
use crate::campaign::deadline::last_day;
use crate::fmt::{format_time, printable};
use crate::inspect::Verdict;
use crate::intake;
use crate::ledger::PreviousStates;
use crate::model::ENTRY_SEP;
use crate::notice::{Notice, Notices};
use crate::render::Outputs;
use crate::report::Report;
use crate::wording::{self, notices::skipped};

use super::message::Thread;
use super::policy::{
    AmbiguousName, DigestInput, MissingItem, Obligation, ReceiptInput, ReceivedFile, ReminderInput,
    ReportFile, ReportInput, StateChange, UnassignedFile,
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
    pub threads: &'a HashMap<String, (String, String)>,
    /// Everything the batch asks or warns the office of, for the digest.
    pub notices: &'a Notices,
}

/// Builds the inputs of every message this batch may cause.
pub fn plan(campaign: &Campaign, a: &Assessment, report: &Report, batch: &Batch) -> Inputs {
    let clock = a.clock;
    let tz = clock.timezone();
    let zone = crate::report::build::zone_label(campaign);
    let shown =
        |t: DateTime<FixedOffset>| format!("{}（{zone}）", format_time(t.with_timezone(&tz)));
    let mut units = Vec::new();
    for (ui, unit) in campaign.roster.units.iter().enumerate() {
        // Addressed by the unit's name, as the office would write it.
        let contacts: Vec<_> = unit
            .emails()
            .filter_map(|e| parse_mailbox(e).ok())
            .map(|mut m| {
                m.name.get_or_insert_with(|| unit.name.clone());
                m
            })
            .collect();
        let mut obligations = Vec::new();
        let mut missing = Vec::new();
        for st in a.activities.iter().filter(|s| s.unit == ui) {
            let act = &campaign.activities[st.activity];
            for item in &st.items {
                let d = &campaign.deliverables[item.deliverable];
                let due_display = item.due.map(shown).unwrap_or_else(|| "（未能计算）".into());
                // What is missing, in a unit's message; the deadline and
                // how late are said after it, once.
                let short = wording::owed_text(campaign, a, item);
                if item.state.is_open() {
                    let passed = item.due.filter(|&due| clock >= due);
                    missing.push(MissingItem {
                        deliverable: format!("{}（{}）", d.name, act.theme),
                        detail: short.clone(),
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
                if let Some(due) = item.due {
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
        let mut sent: Vec<_> = a
            .files
            .iter()
            // A photo pasted into a Word file is part of that file, not a
            // file the unit sent.
            .filter(|f| f.unit == Some(ui) && f.batch_id > batch.previous.batch && !f.embedded)
            .collect();
        // The receipt answers the latest e-mail the files came in.
        let thread = {
            let mut latest: Vec<_> = sent.clone();
            latest.sort_by_key(|f| std::cmp::Reverse(f.arrived));
            latest.iter().find_map(|f| {
                let top = f.path.split(ENTRY_SEP).next().unwrap_or(&f.path);
                batch.threads.get(top).map(|(message_id, subject)| Thread {
                    message_id: message_id.clone(),
                    subject: subject.clone(),
                })
            })
        };
        let files: Vec<ReceivedFile> = sent
            .drain(..)
            .map(|f| ReceivedFile {
                name: wording::as_the_unit_knows_it(f, &tz),
                size: f.size,
                arrived: shown(f.arrived),
                verdict_label: f.inspection.verdict.label().to_string(),
                accepted: f.inspection.verdict != Verdict::Reject,
                reason: f.inspection.reason.as_deref().map(printable).or_else(|| {
                    let flags = wording::flags(campaign, a, f);
                    (!flags.is_empty()).then(|| flags.join("；"))
                }),
                instead: None,
            })
            .collect();
        units.push((
            ReceiptInput {
                unit: unit.name.clone(),
                contacts: contacts.clone(),
                batch_id: batch.id.to_string(),
                files,
                still_missing: missing,
                thread,
            },
            ReminderInput {
                unit: unit.name.clone(),
                contacts,
                obligations,
            },
        ));
    }
    Inputs {
        units,
        report: batch.outputs.map(|out| report_input(a, report, out)),
        digest: digest_input(campaign, a, batch),
    }
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
        as_of: report.as_of.clone(),
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
                    deliverable: format!("{}（{}）", d.name, act.theme),
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
