//! Building the [`Report`] from an assessment: the one place where states
//! become the words and numbers leadership reads. Renderers only draw it.

mod files;
mod situation;
mod table;
mod tasks;
mod units;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Timelike};

use super::*;
use crate::assess::{Assessment, FileAssessment};
use crate::campaign::Campaign;
use crate::notice::Notices;
use crate::store::{Store, StoredVersion};

use files::sent_files;
use situation::{overview, situation};
use table::{status_note, status_row};
use units::{activity_section, summary_deliverables};

pub use situation::attention;
pub use tasks::{FileLists, file_lists};

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

/// The times of a batch in its zone.
struct Clock {
    tz: FixedOffset,
}

impl Clock {
    fn local(&self, t: DateTime<FixedOffset>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }
    fn long(&self, t: DateTime<FixedOffset>) -> String {
        format_time(t.with_timezone(&self.tz))
    }
    fn short(&self, t: DateTime<FixedOffset>) -> String {
        format_short(self.local(t))
    }
    /// A deadline in a table: its day, and its time unless it is the end
    /// of the day ("7月7日", "6月20日 17:00").
    fn deadline(&self, t: DateTime<FixedOffset>) -> String {
        let local = self.local(t);
        if local.time() == chrono::NaiveTime::MIN {
            format_day(local)
        } else {
            format_short(local)
        }
    }
    /// A day as tables show it: "6月4日".
    fn day(&self, t: DateTime<FixedOffset>) -> String {
        self.local(t).format("%-m月%-d日").to_string()
    }
}

/// What a batch knows beside the assessment that the status board shows:
/// every version recorded, the outbox (as `notify` lists it), what intake
/// left for later and the batch's notices so far.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    pub versions: &'a [StoredVersion],
    pub messages: &'a [MessageLine],
    pub receiving: &'a [String],
    pub ignored: usize,
    pub notices: &'a Notices,
}

impl Default for Batch<'_> {
    /// Nothing beside the assessment: no versions, mail or notices.
    fn default() -> Self {
        static NONE: Notices = Notices::new();
        Batch {
            versions: &[],
            messages: &[],
            receiving: &[],
            ignored: 0,
            notices: &NONE,
        }
    }
}

/// Builds the report of a batch run at `generated` with the assessment's clock.
pub fn build(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    generated: DateTime<FixedOffset>,
    batch: &Batch,
) -> Report {
    let clock = Clock {
        tz: a.clock.timezone(),
    };
    let zone = zone_label(campaign);
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
                    .map(|d| clock.deadline(d)),
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

    let lists = file_lists(campaign, a);
    let local = clock.local(a.clock);
    let as_of = format!(
        "截至{}年{}月{}日{}时",
        local.year(),
        local.month(),
        local.day(),
        local.hour()
    );
    Report {
        title: campaign.file.campaign.title.clone(),
        office: campaign.file.campaign.office.clone(),
        generated_at: format!("{}（{zone}）", clock.long(generated)),
        situation: situation(campaign, a, &overview, &as_of, &clock),
        as_of,
        date: local.format("%Y年%-m月%-d日").to_string(),
        deliverables,
        overview,
        status_note: status_note(a),
        rows,
        units,
        awaiting,
        office_tasks: OfficeTasks {
            unassigned: lists.unassigned,
            ambiguous: lists.ambiguous,
            unclassified: lists.unclassified,
            invalid: lists.invalid,
            receiving: batch.receiving.iter().map(|p| printable(p)).collect(),
            ignored: batch.ignored,
            questions: batch.notices.iter().map(ToString::to_string).collect(),
        },
        files: sent_files(campaign, a, store, batch.versions, &clock),
        messages: batch.messages.to_vec(),
    }
}
