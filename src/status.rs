//! What a batch leaves for the command line and for scripts: the status
//! of every unit and deliverable, the files the office must look at, the
//! batch's notices (questions, then warnings), and (read from the outbox
//! when shown) the mail that did not go out. `status --json` prints it; the
//! ledger keeps each batch's as its snapshot.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::assess::{ActivityAssessment, Assessment, ItemAssessment};
use crate::campaign::Campaign;
use crate::fmt::{format_time, printable};
use crate::intake;
use crate::ledger::DeliveryState;
use crate::model::State;
use crate::notice::{Kind, Notices};
use crate::report::FileLine;
use crate::report::build::file_lists;
use crate::wording;

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
    /// Files no name in the roster matched.
    pub unassigned: Vec<FileLine>,
    /// Files whose name could mean several units.
    #[serde(default)]
    pub ambiguous: Vec<FileLine>,
    pub unclassified: Vec<FileLine>,
    pub invalid: Vec<FileLine>,
    /// Files still being copied, left for the next batch.
    pub receiving: Vec<String>,
    /// Hidden, temporary and lock files skipped.
    pub ignored: usize,
    /// The batch's questions for the office ([`Kind::Question`]).
    pub questions: Vec<String>,
    /// The batch's warnings ([`Kind::Warning`]).
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
    /// The other units of a joint entry (one schedule row naming several
    /// units); empty for an activity of one unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joint_with: Vec<String>,
    /// A joint entry whose units stand alike on every deliverable, shown
    /// as one row ([`ActivityAssessment::alike`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub joint_alike: bool,
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

/// Builds the status from an assessment and the batch's notices.
pub fn build(
    campaign: &Campaign,
    a: &Assessment,
    intake: &intake::IntakeSummary,
    batch: i64,
    notices: &Notices,
) -> StatusDocument {
    let mut units: Vec<UnitEntry> = Vec::new();
    // A joint entry counts once, in its worst unit's state.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for views in a.entries(campaign) {
        if let Some(worst) = views.iter().map(|st| st.overall).max() {
            *counts.entry(worst.label().to_string()).or_default() += 1;
        }
    }
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let name = &campaign.roster.units[act.unit].name;
        let views: Vec<&ActivityAssessment> = a
            .activities
            .iter()
            .filter(|v| v.activity == st.activity || act.joint.contains(&v.activity))
            .collect();
        let entry = ActivityEntry {
            seq: act.seq.clone(),
            theme: act.theme.clone(),
            time: act.time_text.clone(),
            state: st.overall,
            label: st.overall.label().to_string(),
            joint_with: act
                .joint
                .iter()
                .map(|&j| {
                    campaign.roster.units[campaign.activities[j].unit]
                        .name
                        .clone()
                })
                .collect(),
            joint_alike: !act.joint.is_empty() && ActivityAssessment::alike(&views),
            deliverables: st
                .items
                .iter()
                .map(|i| deliverable_entry(campaign, a, i))
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
    let lists = file_lists(campaign, a);
    StatusDocument {
        campaign: campaign.file.campaign.id.clone(),
        title: campaign.file.campaign.title.clone(),
        batch,
        clock: a.clock.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        time_zone: campaign.file.campaign.timezone.clone(),
        units,
        counts,
        unassigned: lists.unassigned,
        ambiguous: lists.ambiguous,
        unclassified: lists.unclassified,
        invalid: lists.invalid,
        receiving: intake.receiving.iter().map(|p| printable(p)).collect(),
        ignored: intake.ignored.len(),
        questions: notices.lines(Kind::Question),
        warnings: notices.lines(Kind::Warning),
        delivery: DeliveryState::default(),
    }
}

/// One item in the status, in the words of [`wording`].
fn deliverable_entry(campaign: &Campaign, a: &Assessment, i: &ItemAssessment) -> DeliverableEntry {
    let tz = a.clock.timezone();
    let fmt = |t: DateTime<FixedOffset>| format_time(t.with_timezone(&tz));
    let d = &campaign.deliverables[i.deliverable];
    DeliverableEntry {
        id: d.id.clone(),
        name: d.name.clone(),
        state: i.state,
        label: wording::cell_text(campaign, a, i),
        detail: wording::detail(campaign, a, i),
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario;
    use crate::notice::{Notice, Place};

    fn status() -> StatusDocument {
        let (c, a) = scenario();
        let notices: Notices = [
            Notice::warning("专栏稿未能生成：磁盘已满"),
            Notice::question("没有单位名称，已跳过").at(Place::cell("附件2", 25, None)),
        ]
        .into_iter()
        .collect();
        let intake = intake::IntakeSummary {
            receiving: vec!["县林业局/大视频.mp4".into()],
            ..Default::default()
        };
        build(&c, &a, &intake, 2, &notices)
    }

    #[test]
    fn every_state_with_its_label_and_detail() {
        let s = status();
        let police = &s.units[0];
        assert_eq!(police.unit, "县公安局");
        let items: Vec<(State, &str, &str)> = police.activities[0]
            .deliverables
            .iter()
            .chain(&police.activities[1].deliverables)
            .map(|d| (d.state, d.label.as_str(), d.detail.as_str()))
            .collect();
        assert_eq!(
            items,
            [
                (
                    State::OnTime,
                    "按时报送",
                    "已按时报送（2025年5月20日 10:00送达）"
                ),
                (
                    State::Late,
                    "逾期2个工作日报送",
                    "逾期2个工作日报送（截止2025年5月22日 24:00）"
                ),
                (
                    State::Overdue,
                    "逾期未报（15个工作日）",
                    "逾期未报（截止2025年5月22日 24:00）"
                ),
                (State::Pending, "待报送", "待报送，截止2025年6月17日 24:00"),
                (
                    State::Incomplete,
                    "材料不全：活动照片1张，需3张",
                    "活动照片1张，需3张"
                ),
                (State::Pending, "待报送", "待报送，截止2025年6月17日 24:00"),
            ]
        );
        let forestry = &s.units[1].activities[0].deliverables;
        assert_eq!(forestry[0].state, State::Invalid);
        assert!(forestry[0].label.starts_with("材料不合格：总结.doc："));
        assert_eq!(
            (forestry[1].label.as_str(), forestry[1].detail.as_str()),
            ("免报", "免报：以航拍视频代替")
        );
        assert_eq!(police.activities[0].deliverables[1].late_workdays, Some(2));
        assert_eq!(police.activities[0].deliverables[1].files.len(), 3 + 5);
        assert_eq!(s.counts["逾期未报"], 2);
        assert_eq!(s.counts.values().sum::<usize>(), 5);
    }

    #[test]
    fn the_files_and_notices_for_the_office_each_once() {
        let s = status();
        assert_eq!(s.unassigned.len(), 1);
        assert_eq!(s.ambiguous.len(), 1);
        assert_eq!(s.unclassified.len(), 2);
        assert_eq!(s.invalid.len(), 1);
        assert_eq!(s.questions, ["工作表“附件2”第25行：没有单位名称，已跳过"]);
        assert_eq!(s.warnings, ["专栏稿未能生成：磁盘已满"]);
        assert_eq!(s.receiving, ["县林业局/大视频.mp4"]);
        assert_eq!(s.clock, "2025-06-13T20:00:00+08:00");
    }
}
