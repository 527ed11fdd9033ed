//! Building the [`Report`] from an assessment: the numbers, lists and
//! page-one prose leadership reads, every sentence about an item or a file
//! in the words of [`crate::wording`]. Renderers only draw it.

mod files;
mod situation;
mod table;
mod tasks;
mod units;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime};

use super::*;
use crate::assess::{ActivityAssessment, Assessment, FileAssessment};
use crate::campaign::config::Per;
use crate::campaign::{Activity, Campaign};
use crate::notice::Notices;
use crate::store::{Store, StoredVersion};
use crate::wording;
use std::collections::BTreeMap;

use situation::{overview, situation};
use table::{entry_rows, status_note, status_row};
use units::{activity_section, summary_deliverables};

pub use files::sent_files;
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
/// report shows: what intake left for later and the batch's notices so far.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    pub receiving: &'a [String],
    pub ignored: usize,
    pub notices: &'a Notices,
    /// The report of a cut-off (a 归档 bundle's): its clock line names the
    /// minute, as the bundle's name does.
    pub cutoff: bool,
    /// Each activity's time as the previous batch's schedule wrote it (by
    /// activity id): an activity the office re-dated since shows both.
    pub previous_times: Option<&'a BTreeMap<String, String>>,
}

impl Default for Batch<'_> {
    /// Nothing beside the assessment: nothing left for later, no notices,
    /// not a cut-off.
    fn default() -> Self {
        static NONE: Notices = Notices::new();
        Batch {
            receiving: &[],
            ignored: 0,
            notices: &NONE,
            cutoff: false,
            previous_times: None,
        }
    }
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
        .entries(campaign)
        .into_iter()
        .flat_map(|views| {
            let alike = ActivityAssessment::alike(&views);
            entry_rows(
                views
                    .into_iter()
                    .map(|st| status_row(campaign, a, st, &clock))
                    .collect(),
                alike,
            )
        })
        .collect();

    let summaries = summary_deliverables(campaign);
    let mut units: Vec<UnitSection> = Vec::new();
    // (first activity, units, row) of the entries with no material yet.
    let mut awaiting: Vec<(usize, Vec<String>, AwaitingRow)> = Vec::new();
    // The time, and the one it replaced when the office re-dated it.
    let time_of = |act: &Activity| match batch.previous_times.and_then(|t| act.earlier_time(t)) {
        Some(old) => wording::retimed(&act.time_text, old),
        None => act.time_text.clone(),
    };
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let unit_name = &campaign.roster.units[act.unit].name;
        // A joint entry's material owed once for all its units is each
        // unit's; what a unit owes on its own is only its own.
        let joint_material = |f: &FileAssessment| {
            f.deliverable
                .is_some_and(|d| campaign.deliverables[d].per == Per::Activity)
        };
        let files: Vec<&FileAssessment> = a
            .files
            .iter()
            .filter(|f| {
                f.activity.is_some_and(|ai| {
                    ai == st.activity || (act.joint.contains(&ai) && joint_material(f))
                })
            })
            .collect();
        let mut section = activity_section(campaign, a, store, st, &files, &summaries, &clock);
        section.time = time_of(act);
        if !section.has_material() {
            // A joint entry waits once, with all its units.
            if let Some((_, names, row)) = awaiting
                .iter_mut()
                .find(|(first, _, _)| act.joint.contains(first))
            {
                names.push(unit_name.clone());
                row.unit = wording::joint_units(names);
                row.state = row.state.max(st.overall);
                continue;
            }
            awaiting.push((
                st.activity,
                vec![unit_name.clone()],
                AwaitingRow {
                    seq: act.seq.clone(),
                    unit: unit_name.clone(),
                    theme: act.theme.clone(),
                    time: time_of(act),
                    state: st.overall,
                    due: st
                        .items
                        .iter()
                        .filter_map(|i| i.due)
                        .min()
                        .map(|d| clock.at(d)),
                },
            ));
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
    Report {
        title: campaign.file.campaign.title.clone(),
        office: campaign.file.campaign.office.clone(),
        situation: situation(campaign, a, &overview, &clock, batch.cutoff),
        as_of: clock.at(a.clock),
        cutoff: batch.cutoff,
        deliverables,
        overview,
        status_note: status_note(campaign, a),
        rows,
        units,
        awaiting: awaiting.into_iter().map(|(_, _, row)| row).collect(),
        office_tasks: OfficeTasks {
            unassigned: lists.unassigned,
            ambiguous: lists.ambiguous,
            unclassified: lists.unclassified,
            invalid: lists.invalid,
            receiving: batch.receiving.iter().map(|p| printable(p)).collect(),
            ignored: batch.ignored,
            questions: batch.notices.iter().map(ToString::to_string).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario;
    use crate::notice::{Notice, Place};

    /// The scenario's report, with one question and one warning.
    fn report() -> Report {
        let (c, a) = scenario();
        let dir = tempfile::tempdir().unwrap();
        let notices: Notices = [
            Notice::warning("归档包未能生成：磁盘已满"),
            Notice::question("没有单位名称，已跳过").at(Place::cell("附件2", 25, None)),
        ]
        .into_iter()
        .collect();
        // The office moved 法治宣传进社区 from 8 to 15 May since the last
        // batch; 禁毒宣传 kept its day.
        let times: BTreeMap<String, String> = [("a0", "5月8日"), ("a1", "6月10日")]
            .into_iter()
            .map(|(a, t)| (a.to_string(), t.to_string()))
            .collect();
        let batch = Batch {
            receiving: &["县林业局/大视频.mp4".to_string()],
            ignored: 2,
            notices: &notices,
            cutoff: false,
            previous_times: Some(&times),
        };
        build(&c, &a, &Store::new(dir.path()), &batch)
    }

    #[test]
    fn the_first_paragraph_accounts_for_every_activity_cancelled_ones_too() {
        use crate::campaign::Exemption;
        use crate::campaign::testing::{SCENARIO_CLOCK, at, scenario as campaign_scenario};
        let (mut c, versions) = campaign_scenario();
        c.exemptions.push(Exemption {
            unit: c.activities[0].unit,
            activity: Some(0),
            deliverable: None,
            reason: "活动取消".into(),
        });
        let a = crate::assess::assess(&c, &versions, &[], at(SCENARIO_CLOCK));
        let dir = tempfile::tempdir().unwrap();
        let r = build(&c, &a, &Store::new(dir.path()), &Batch::default());
        let p = &r.situation.paragraph;
        assert!(p.contains("另有1项免报或已取消。"), "{p}");
    }

    #[test]
    fn a_joint_entry_is_counted_once_and_one_row_when_its_units_stand_alike() {
        use crate::campaign::testing::{SCENARIO_CLOCK, at, scenario as campaign_scenario};
        let (mut c, versions) = campaign_scenario();
        // 县林业局 and 州民政局 hold 森林防火宣传 together: one schedule row.
        c.activities[4].seq = c.activities[2].seq.clone();
        c.activities[4].theme = c.activities[2].theme.clone();
        c.activities[4].time = c.activities[2].time.clone();
        c.activities[2].joint = vec![4];
        c.activities[4].joint = vec![2];
        let a = crate::assess::assess(&c, &versions, &[], at(SCENARIO_CLOCK));
        let dir = tempfile::tempdir().unwrap();
        let r = build(&c, &a, &Store::new(dir.path()), &Batch::default());
        assert_eq!((r.overview.activities, r.overview.joint), (4, 1));
        // Counted once, in its worst unit's state, in every count.
        let total = |counts: &[StateCount]| counts.iter().map(|c| c.count).sum::<usize>();
        assert_eq!(total(&r.overview.by_state), 4);
        let months: usize = r.overview.by_month.iter().map(|m| total(&m.counts)).sum();
        assert_eq!(months, 4);
        assert!(
            r.situation
                .paragraph
                .contains("4个单位共安排活动4项（其中联合开展1项）"),
            "{}",
            r.situation.paragraph
        );
        // Its units stand differently (a deliverable each owes on its own):
        // a row each, naming the partner, so neither hides the other.
        let units: Vec<&str> = r.rows.iter().map(|row| row.unit.as_str()).collect();
        assert!(units.contains(&"县林业局（与州民政局联合）"), "{units:?}");
        assert!(units.contains(&"州民政局（与县林业局联合）"), "{units:?}");
        // Standing alike, they are one row naming both.
        let forestry = r.rows.iter().find(|row| row.units == ["县林业局"]).unwrap();
        let mut partner = forestry.clone();
        partner.units = vec!["州民政局".into()];
        let merged = table::entry_rows(vec![forestry.clone(), partner], true);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].unit, "县林业局、州民政局（联合）");
        assert_eq!(merged[0].units, ["县林业局", "州民政局"]);
    }

    #[test]
    fn a_re_dated_activity_shows_the_time_it_replaced() {
        let r = report();
        let times: Vec<(&str, &str)> = r
            .units
            .iter()
            .flat_map(|u| &u.activities)
            .map(|s| (s.seq.as_str(), s.time.as_str()))
            .chain(r.awaiting.iter().map(|w| (w.seq.as_str(), w.time.as_str())))
            .filter(|(seq, _)| ["1", "2"].contains(seq))
            .collect();
        assert!(times.contains(&("1", "5月15日，由5月8日调整")), "{times:?}");
        assert!(times.contains(&("2", "6月10日")), "{times:?}");
    }

    #[test]
    fn every_cell_of_the_table_in_the_words_of_wording() {
        let r = report();
        let cells = |row: usize| -> Vec<(Option<State>, String)> {
            r.rows[row]
                .cells
                .iter()
                .map(|c| (c.state, c.text.clone()))
                .collect()
        };
        let cell = |s: State| (Some(s), s.label().to_string());
        assert_eq!(
            cells(0),
            [cell(State::OnTime), cell(State::Late), cell(State::Overdue)]
        );
        assert_eq!(r.rows[0].cells[1].late_workdays, Some(2));
        assert_eq!(
            cells(1),
            [
                cell(State::Pending),
                cell(State::Incomplete),
                cell(State::Pending)
            ]
        );
        assert_eq!(
            cells(2),
            [
                cell(State::Invalid),
                (Some(State::Exempt), "免报".into()),
                (None, "不适用".into())
            ]
        );
        assert_eq!(r.rows[2].overall, State::Invalid);
        assert!(r.status_note.contains("灰蓝色为按通知免报"));
    }

    #[test]
    fn the_first_page_names_who_must_act_worst_first() {
        let r = report();
        let acting: Vec<(&str, State, &str)> = r
            .situation
            .needs_action
            .iter()
            .map(|i| (i.unit.as_str(), i.state, i.reason.as_str()))
            .collect();
        assert_eq!(
            acting,
            [
                (
                    "县公安局",
                    State::Overdue,
                    "活动照片逾期2个工作日报送；访谈稿件未报送，已逾期15个工作日"
                ),
                (
                    "州民政局",
                    State::Overdue,
                    "活动照片未报送，已逾期14个工作日"
                ),
                (
                    "县林业局",
                    State::Invalid,
                    "活动总结为.doc格式（应为.docx）"
                ),
                ("县公安局", State::Incomplete, "活动照片1张，需3张"),
            ]
        );
        let p = &r.situation.paragraph;
        assert!(p.contains("4个单位共安排活动5项"), "{p}");
        assert!(
            p.contains("未按要求报送4项，其中逾期未报2项（县公安局、州民政局）"),
            "{p}"
        );
        assert!(
            p.contains("尚未到报送时限1项，其中1项开展时间未定、截止时间待明确"),
            "{p}"
        );
        // The undated activity has a column of its own: the month chart
        // adds up to every activity.
        let o = &r.overview;
        let months: Vec<&str> = o.by_month.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months, ["5月", "6月", "时间未定"]);
        let charted: usize = o
            .by_month
            .iter()
            .flat_map(|m| &m.counts)
            .map(|c| c.count)
            .sum();
        assert_eq!(charted, o.activities);
    }

    #[test]
    fn the_material_notes_every_flag_of_the_files_shown() {
        let r = report();
        let police = r.units.iter().find(|u| u.unit == "县公安局").unwrap();
        let notes = &police.activities[0].notes;
        for note in [
            "4.jpg：与1.jpg内容相同，只计一次",
            "5.jpg：与2.jpg几乎相同（连拍或重复），不计入张数",
            "6.jpg：疑似截图，不计入张数",
            "7.jpg：照片分辨率过低（320×240），不计入张数",
            "宣传片.mp4：不属于任何报送材料（视频）",
        ] {
            assert!(notes.iter().any(|n| n == note), "{note} not in {notes:?}");
        }
        assert_eq!(
            police.activities[0].remark.as_deref(),
            Some("活动照片逾期2个工作日报送；访谈稿件未报送，已逾期15个工作日")
        );
        let welfare = r.units.iter().find(|u| u.unit == "州民政局").unwrap();
        assert_eq!(
            welfare.activities[0].notes,
            ["总结.docx：文中标题写的是“县民政局”，与报送单位“州民政局”不一致，请核实"]
        );
        let awaiting: Vec<&str> = r.awaiting.iter().map(|w| w.seq.as_str()).collect();
        assert_eq!(awaiting, ["2", "3", "4"]);
    }

    #[test]
    fn the_office_gets_each_file_and_each_notice_once() {
        let r = report();
        let t = &r.office_tasks;
        let lines = |l: &[FileLine]| -> Vec<String> {
            l.iter()
                .map(|f| format!("{}：{}", f.path, f.reason))
                .collect()
        };
        assert_eq!(
            lines(&t.unassigned),
            ["照片.jpg：未能识别所属单位（确认后登记：baosong assign \"照片.jpg\" 单位名称）"]
        );
        assert_eq!(t.ambiguous.len(), 1);
        assert!(
            t.ambiguous[0]
                .reason
                .starts_with("“民政局”可能指县民政局、州民政局")
        );
        assert_eq!(
            lines(&t.unclassified),
            [
                "县公安局/发言材料.docx：无法判断属于活动总结或访谈稿件中的哪一项，请在文件名中注明；按报送时间归入“禁毒宣传”",
                "县公安局/宣传片.mp4：不属于任何报送材料（视频）；按报送时间归入“法治宣传进社区”"
            ]
        );
        assert_eq!(t.invalid.len(), 1);
        assert_eq!(
            t.questions,
            [
                "工作表“附件2”第25行：没有单位名称，已跳过",
                "归档包未能生成：磁盘已满"
            ]
        );
        assert_eq!((t.receiving.len(), t.ignored), (1, 2));
    }
}
