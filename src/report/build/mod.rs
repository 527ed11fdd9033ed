//! Building the [`Report`] from an assessment: the one place where states
//! become the words and numbers leadership reads. Renderers only draw it.

mod files;
mod situation;
mod table;
mod tasks;
mod units;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime};

use super::*;
use crate::assess::{Assessment, FileAssessment};
use crate::campaign::Campaign;
use crate::store::{Store, StoredVersion};

use situation::{overview, situation};
use table::{status_note, status_row};
use units::{activity_section, summary_deliverables};

pub use files::sent_files;
pub use situation::attention;
pub use table::cell_text;
pub use tasks::file_lines;

/// How far ahead the first page looks for deadlines.
pub const UPCOMING_DAYS: u32 = 7;

/// The zone label shown next to times: 北京时间 for China, else the offset.
pub fn zone_label(campaign: &Campaign) -> String {
    if campaign.file.campaign.timezone == "Asia/Shanghai" {
        "北京时间".to_string()
    } else {
        campaign.file.campaign.timezone.clone()
    }
}

/// The times of a batch in its zone (the assessment's clock's).
struct Clock {
    tz: FixedOffset,
}

impl Clock {
    fn of(a: &Assessment) -> Clock {
        Clock {
            tz: a.clock.timezone(),
        }
    }
    /// `t` in the batch's zone, as the report holds it.
    fn at(&self, t: DateTime<FixedOffset>) -> Time {
        t.with_timezone(&self.tz)
    }
    fn local(&self, t: DateTime<FixedOffset>) -> NaiveDateTime {
        self.at(t).naive_local()
    }
    fn short(&self, t: DateTime<FixedOffset>) -> String {
        format_short(self.local(t))
    }
}

/// What a batch knows beside the assessment that the office's part of the
/// report shows: what intake left for later and the batch's warnings (the
/// assessment's and intake's).
#[derive(Debug, Clone, Copy, Default)]
pub struct Batch<'a> {
    pub receiving: &'a [String],
    pub ignored: usize,
    pub warnings: &'a [String],
}

/// Builds the report of a batch with the assessment's clock.
pub fn build(campaign: &Campaign, a: &Assessment, store: &Store, batch: &Batch) -> Report {
    let clock = Clock::of(a);
    let deliverables: Vec<DeliverableHead> = campaign
        .deliverables
        .iter()
        .map(|d| DeliverableHead {
            id: d.id.clone(),
            name: d.name.clone(),
        })
        .collect();
    let overview = overview(campaign, a);
    let rows = a
        .activities
        .iter()
        .map(|st| status_row(campaign, a, st, &clock))
        .collect();

    let summaries = summary_deliverables(campaign);
    let mut units: Vec<UnitSection> = Vec::new();
    let mut awaiting = Vec::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let unit_name = &campaign.roster.units[act.unit].name;
        let files: Vec<&FileAssessment> = a
            .files
            .iter()
            .filter(|f| f.activity == Some(st.activity))
            .collect();
        let section = activity_section(campaign, a, store, st, &files, &summaries, &clock);
        if !section.has_material() {
            awaiting.push(AwaitingRow {
                seq: act.seq.clone(),
                unit: unit_name.clone(),
                theme: act.theme.clone(),
                time: act.time_text.clone(),
                state: st.overall,
                due: st
                    .items
                    .iter()
                    .filter_map(|i| i.due)
                    .min()
                    .map(|d| clock.at(d)),
            });
            continue;
        }
        match units.iter_mut().find(|u| &u.unit == unit_name) {
            Some(u) => u.activities.push(section),
            None => units.push(UnitSection {
                unit: unit_name.clone(),
                activities: vec![section],
            }),
        }
    }

    let (unassigned, unclassified, invalid) = file_lines(campaign, a);
    let ambiguous = a
        .files
        .iter()
        .filter(|f| f.unassigned() && !f.candidates.is_empty())
        .map(|f| FileLine {
            path: printable(&f.path),
            unit: None,
            reason: format!(
                "可能是{}，请确认后改名或在campaign.toml的[[units]]中补充别名",
                f.candidates
                    .iter()
                    .map(|&u| campaign.roster.units[u].name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        })
        .collect();
    Report {
        title: campaign.file.campaign.title.clone(),
        office: campaign.file.campaign.office.clone(),
        situation: situation(campaign, a, &overview, &clock),
        as_of: clock.at(a.clock),
        deliverables,
        overview,
        status_note: status_note(a),
        rows,
        units,
        awaiting,
        office_tasks: OfficeTasks {
            unassigned,
            ambiguous,
            unclassified,
            invalid,
            receiving: batch.receiving.iter().map(|p| printable(p)).collect(),
            ignored: batch.ignored,
            questions: a.questions.iter().chain(batch.warnings).cloned().collect(),
        },
    }
}
