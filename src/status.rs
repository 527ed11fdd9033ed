//! What a batch leaves for the command line and for scripts: the status
//! of every unit and deliverable, the files the office must look at, the
//! warnings, and (read from the outbox when shown) the mail that did not
//! go out. `status --json` prints it; the ledger keeps each batch's as its
//! snapshot.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::assess::Assessment;
use crate::campaign::Campaign;
use crate::fmt::{format_time, printable};
use crate::intake;
use crate::ledger::DeliveryState;
use crate::model::State;
use crate::report::FileLine;
use crate::report::build::{cell_text, file_lines};

/// The machine-readable state of a campaign after a batch (`status --json`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StatusDocument {
    pub campaign: String,
    pub title: String,
    pub batch: i64,
    /// The evaluation clock, RFC 3339.
    pub clock: String,
    pub time_zone: String,
    pub units: Vec<UnitEntry>,
    /// Activities counted by overall state.
    pub counts: BTreeMap<String, usize>,
    pub unassigned: Vec<FileLine>,
    pub unclassified: Vec<FileLine>,
    pub invalid: Vec<FileLine>,
    /// Files still being copied, left for the next batch.
    pub receiving: Vec<String>,
    /// Hidden, temporary and lock files skipped.
    pub ignored: usize,
    pub questions: Vec<String>,
    pub warnings: Vec<String>,
    /// Mail that failed, may have been delivered or is still being retried,
    /// read from the outbox when the status is shown.
    #[serde(default)]
    pub delivery: DeliveryState,
}

/// One unit in the status.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct UnitEntry {
    pub unit: String,
    pub activities: Vec<ActivityEntry>,
}

/// One activity in the status.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ActivityEntry {
    pub seq: String,
    pub theme: String,
    pub time: String,
    pub state: State,
    pub label: String,
    pub deliverables: Vec<DeliverableEntry>,
}

/// One deliverable in the status.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DeliverableEntry {
    pub id: String,
    pub name: String,
    pub state: State,
    pub label: String,
    pub detail: String,
    pub due: Option<String>,
    /// The deadline, RFC 3339, for sorting.
    #[serde(default)]
    pub due_at: Option<String>,
    pub completed: Option<String>,
    pub late_workdays: Option<i64>,
    pub counted: usize,
    pub needed: usize,
    pub files: Vec<String>,
}

/// Builds the status from an assessment.
///
/// `unreadable`: ledger rows left out of this batch, named; `unreachable`:
/// the units no reminder can reach ([`crate::notify::plan::unreachable`]).
pub fn build(
    campaign: &Campaign,
    a: &Assessment,
    intake: &intake::IntakeSummary,
    batch: i64,
    unreadable: &[String],
    unreachable: Option<String>,
) -> StatusDocument {
    let tz = a.clock.timezone();
    let fmt = |t: DateTime<FixedOffset>| format_time(t.with_timezone(&tz));
    let mut units: Vec<UnitEntry> = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let name = &campaign.roster.units[act.unit].name;
        *counts.entry(st.overall.label().to_string()).or_default() += 1;
        let entry = ActivityEntry {
            seq: act.seq.clone(),
            theme: act.theme.clone(),
            time: act.time_text.clone(),
            state: st.overall,
            label: st.overall.label().to_string(),
            deliverables: st
                .items
                .iter()
                .map(|i| DeliverableEntry {
                    id: campaign.deliverables[i.deliverable].id.clone(),
                    name: campaign.deliverables[i.deliverable].name.clone(),
                    state: i.state,
                    label: cell_text(i),
                    detail: i.detail.clone(),
                    due: i.due.map(fmt),
                    due_at: i.due.map(|t| t.to_rfc3339()),
                    completed: i.completed.map(fmt),
                    late_workdays: i.late_workdays,
                    counted: i.counted,
                    needed: i.needed,
                    files: i
                        .files
                        .iter()
                        .map(|&f| printable(&a.files[f].path))
                        .collect(),
                })
                .collect(),
        };
        match units.iter_mut().find(|u| &u.unit == name) {
            Some(u) => u.activities.push(entry),
            None => units.push(UnitEntry {
                unit: name.clone(),
                activities: vec![entry],
            }),
        }
    }
    let mut warnings = a.warnings.clone();
    warnings.extend(unreadable.iter().cloned());
    warnings.extend(unreachable);
    warnings.extend(intake.mailbox.faults.iter().cloned());
    for (path, why) in &intake.unreadable {
        warnings.push(printable(&format!("{path}: 无法读取（{why}）")));
    }
    for link in &intake.outside_links {
        warnings.push(format!("{}: 链接指向收件箱以外，未读取", printable(link)));
    }
    for name in &intake.lossy_names {
        warnings.push(format!(
            "{}: 文件名含无法识别的字符（非UTF-8），请改名后重新报送",
            printable(name)
        ));
    }
    for line in intake.special_files() {
        warnings.push(format!("{line}: 不是普通文件，已跳过"));
    }
    let (unassigned, unclassified, invalid) = file_lines(campaign, a);
    StatusDocument {
        campaign: campaign.file.campaign.id.clone(),
        title: campaign.file.campaign.title.clone(),
        batch,
        clock: a.clock.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        time_zone: campaign.file.campaign.timezone.clone(),
        units,
        counts,
        unassigned,
        unclassified,
        invalid,
        receiving: intake.receiving.iter().map(|p| printable(p)).collect(),
        ignored: intake.ignored.len(),
        questions: a.questions.clone(),
        warnings,
        delivery: DeliveryState::default(),
    }
}
