//! The report model: one plain value that every renderer (PDF, DOCX, XLSX)
//! draws from. Built once per batch from the assessment and the inspected
//! content; renderers never re-read the inbox or re-decide a state.
//!
//! Everything in it but [`Report::office_tasks`] is for leadership, in the
//! order they read it: the situation in a paragraph, who must act and what
//! falls due soon ([`Situation`]), the counts ([`Overview`]), every
//! activity's row ([`StatusRow`]), the material of the units that sent some
//! ([`UnitSection`]) and the activities still without any ([`AwaitingRow`]).
//! The same words serve other views (the report mail, a status board).
//!
//! Dates and times are values ([`Time`], in the campaign's zone, and
//! [`NaiveDate`]); the renderers write them, each through the same
//! functions of [`crate::fmt`]. What only the status board lists (every
//! file sent, [`SentFile`]; the outbox, [`MessageLine`]) is handed to it
//! beside the report.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use crate::fmt::{format_short, format_time, printable};
use crate::inspect::{Block, Sheet};
use crate::model::State;

pub mod build;

/// An instant as the report holds it: a date-time in the campaign's zone.
pub type Time = DateTime<FixedOffset>;

/// Everything leadership sees, in the order they see it, and the office's
/// own to-do list beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Campaign title, e.g. 2025年泸溪县"政务公开主题日"活动.
    pub title: String,
    /// The organising office, e.g. 泸溪县行政审批服务局.
    pub office: String,
    /// The clock the batch judged by ("截至2025年6月13日20时").
    pub as_of: Time,
    /// The report of a cut-off (a 归档 bundle's): its clock line names the
    /// minute, as the bundle's name does; a batch's names the hour.
    #[serde(default)]
    pub cutoff: bool,
    /// The deliverables, in campaign order; status cells follow this order.
    pub deliverables: Vec<DeliverableHead>,
    /// Page 1: the situation in words.
    pub situation: Situation,
    pub overview: Overview,
    /// 报送情况一览表, one row per scheduled activity, in schedule order.
    pub rows: Vec<StatusRow>,
    /// The note under the status table: what its colours and words mean.
    pub status_note: String,
    /// The units that sent material, in schedule order of first appearance,
    /// each with only its activities that have material.
    pub units: Vec<UnitSection>,
    /// Activities for which nothing usable arrived yet, in schedule order.
    pub awaiting: Vec<AwaitingRow>,
    /// What the office itself must look at (files of no unit, rejected
    /// files, questions). Not part of the leaders' documents: the office
    /// digest and the status board show it.
    pub office_tasks: OfficeTasks,
}

impl Report {
    /// Every picture of the report, unit by unit, activity by activity,
    /// each activity's photos before its videos' posters: the order the
    /// PDF and DOCX show them in.
    pub fn photos(&self) -> impl Iterator<Item = &PhotoItem> {
        self.units
            .iter()
            .flat_map(|u| &u.activities)
            .flat_map(ActivitySection::pictures)
    }
}

/// A deliverable's column heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverableHead {
    pub id: String,
    /// 活动总结, 活动照片, …
    pub name: String,
}

/// The first page: where things stand, in office prose and two lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Situation {
    /// One paragraph: as of when, how many activities, how many complete
    /// (on time / late), how many need action and which units, how many
    /// not yet due.
    pub paragraph: String,
    /// Every activity that is overdue, invalid, incomplete or late, worst
    /// first, each with a one-line reason.
    pub needs_action: Vec<ActionItem>,
    /// The days [`Situation::upcoming`] looks ahead.
    pub upcoming_days: u32,
    /// The window of [`Situation::upcoming`] ("6月14日至6月20日"): its first
    /// and last day.
    pub upcoming_window: (NaiveDate, NaiveDate),
    /// What is still owed and falls due within the window, soonest first.
    pub upcoming: Vec<UpcomingItem>,
}

/// A unit that must act (or acted late), and why, in one line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub unit: String,
    pub theme: String,
    /// The activity's overall state.
    pub state: State,
    /// "活动照片2张，需3张", "活动总结为.doc格式", "活动总结未报送，已逾期4个工作日".
    pub reason: String,
}

/// Something still owed that falls due soon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpcomingItem {
    /// "6月20日 17:00".
    pub due: Time,
    pub unit: String,
    pub theme: String,
    /// "活动总结、活动照片".
    pub owed: String,
}

/// The numbers at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Overview {
    pub units: usize,
    /// Activities as the schedule lists them: a joint entry (two units'
    /// row) once.
    pub activities: usize,
    /// How many of them are joint entries.
    #[serde(default)]
    pub joint: usize,
    /// Activities counted by their overall state (an activity's overall state
    /// is the worst state among its deliverables), in [`State::ALL`] order.
    pub by_state: Vec<StateCount>,
    /// The same counts per month of the activity (for the chart), in month order.
    pub by_month: Vec<MonthCounts>,
}

/// How many activities are in one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateCount {
    pub state: State,
    pub label: String,
    pub count: usize,
}

/// One bar of the chart: a month and its state counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthCounts {
    /// "5月", "6月", … (a 6-8月 activity counts in its last month).
    pub month: String,
    pub counts: Vec<StateCount>,
}

/// One row of the status table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusRow {
    /// 序号 from the office schedule.
    pub seq: String,
    /// The unit as the table shows it: "市医疗保障局、市财政局（联合）" for a
    /// joint entry.
    pub unit: String,
    /// The row's units (two or more for a joint entry).
    #[serde(default)]
    pub units: Vec<String>,
    pub theme: String,
    /// 开展时间 as the schedule states it ("5月", "5月15日至19日").
    pub time: String,
    /// One cell per deliverable, in [`Report::deliverables`] order; a joint
    /// entry's cell is its worst unit's.
    pub cells: Vec<StatusCell>,
    /// The worst state among the cells.
    pub overall: State,
}

/// One deliverable's state for one activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusCell {
    /// None when the deliverable does not apply to this unit.
    pub state: Option<State>,
    /// Short text for the cell: "按时报送", "逾期2个工作日报送", "照片2张，需3张", "不适用".
    pub text: String,
    /// The line under it: "6月4日送达", "7月7日截止", "已逾期4个工作日".
    pub when: Option<CellNote>,
    /// The deadline ("2025年6月9日 24:00" is 6月10日 00:00).
    pub due: Option<Time>,
    /// Arrival of the file that completed it.
    pub arrived: Option<Time>,
    /// Working days late, when late.
    pub late_workdays: Option<i64>,
    /// An extension the office granted.
    #[serde(default)]
    pub extension: Option<Extension>,
}

/// The line under a status cell's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CellNote {
    /// The day it arrived, and how many working days late when it was:
    /// "6月4日送达", "6月13日送达，逾期4个工作日".
    Arrived {
        on: Time,
        late_workdays: Option<i64>,
    },
    /// When it falls due: "7月7日截止".
    Due(Time),
    /// What is wrong, in words that hold no date: "已逾期4个工作日",
    /// "2张，需3张".
    Words(String),
}

/// An extension the office granted one unit:
/// "延期至6月20日 17:00（经批准延期报送）", "延期3个工作日".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    /// The new deadline, when the office set one …
    pub until: Option<Time>,
    /// … or the working days it added.
    pub extra_workdays: Option<u32>,
    pub reason: Option<String>,
}

/// The material of one unit, activity by activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSection {
    pub unit: String,
    pub activities: Vec<ActivitySection>,
}

/// One activity of a unit with the material it sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivitySection {
    pub seq: String,
    pub theme: String,
    pub time: String,
    pub place: Option<String>,
    pub overall: State,
    /// What is still wrong or late, in one line (as in
    /// [`Situation::needs_action`]); None when all is in order.
    pub remark: Option<String>,
    /// The summary document's title and blocks (headings, paragraphs, tables).
    pub summary: Option<Summary>,
    /// The unit's own activity schedule, if it sent one.
    pub schedule: Option<Sheet>,
    pub photos: Vec<PhotoItem>,
    pub videos: Vec<VideoItem>,
    /// Remarks for leadership: a photo not counted and why, a resubmission.
    pub notes: Vec<String>,
}

impl ActivitySection {
    /// The activity's pictures in the order they are laid out: its photos,
    /// then its videos' posters.
    pub fn pictures(&self) -> impl Iterator<Item = &PhotoItem> {
        self.photos
            .iter()
            .chain(self.videos.iter().filter_map(|v| v.poster.as_ref()))
    }
}

/// How much of a unit's summary the report's unit pages show, in
/// characters (CJK characters one each): about eight lines of the PDF, so
/// a campaign's report grows with its units, not with what each writes.
pub const SUMMARY_EXCERPT_CHARS: usize = 200;

/// A summary as the report shows it: its content only (letterhead,
/// addressee, signature and date lines left out, the title once), at most
/// [`SUMMARY_EXCERPT_CHARS`] characters of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub file_name: String,
    pub title: Option<String>,
    /// What the unit pages show: the whole content, or its excerpt.
    pub blocks: Vec<Block>,
    /// When [`Summary::blocks`] is an excerpt: the whole content, which
    /// the DOCX prints in its appendix.
    #[serde(default)]
    pub full: Option<FullText>,
}

/// A summary's whole content, when the unit pages show an excerpt of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FullText {
    /// Its length in characters, as the excerpt's note says it.
    pub chars: usize,
    pub blocks: Vec<Block>,
}

/// One photo of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoItem {
    /// A print-size JPEG, upright (orientation applied), in the state store.
    pub jpeg: PathBuf,
    pub width: u32,
    pub height: u32,
    /// What the unit calls it: the file name, or "《活动总结.docx》内插图2"
    /// for a photo pasted into a Word summary.
    pub name: String,
    /// When it was taken, by the camera's clock (EXIF): "5月15日 09:30".
    pub taken: Option<NaiveDateTime>,
    /// The original file in the state store, when it was kept there.
    pub original: Option<PathBuf>,
}

/// One video: what it is and, for H.264, the picture it opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoItem {
    /// File name, size and duration: "宣传片.mp4（35.2 MB，1分12秒）".
    pub label: String,
    /// As a player shows it (rotation applied): "1920×1080".
    pub resolution: Option<String>,
    /// As a clerk knows it: "H.264", "H.265/HEVC".
    pub codec: Option<String>,
    /// The first key frame, upright, as a print-size JPEG in the state
    /// store (named by [`VideoItem::label`]); laid out like a photo.
    pub poster: Option<PhotoItem>,
    /// Why there is no poster: "H.265/HEVC编码，部分办公电脑可能无法播放，未生成预览画面".
    pub note: Option<String>,
}

impl VideoItem {
    /// A poster's caption: the video's label, then what the picture is
    /// ("视频首帧画面（1920×1080，H.264）"); `templates/report.typ` words it
    /// the same way.
    pub fn poster_caption(&self) -> String {
        let facts: Vec<&str> = [&self.resolution, &self.codec]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if facts.is_empty() {
            format!("{}\n视频首帧画面", self.label)
        } else {
            format!("{}\n视频首帧画面（{}）", self.label, facts.join("，"))
        }
    }

    /// A video without a poster, in one line: its label, size on screen
    /// and why there is no picture.
    pub fn line(&self) -> String {
        let mut line = self.label.clone();
        if let Some(r) = &self.resolution {
            line.push_str(&format!("，{r}"));
        }
        line.push('。');
        if let Some(note) = &self.note {
            line.push_str(&format!("{note}。"));
        }
        line
    }
}

/// An activity for which nothing usable has arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwaitingRow {
    pub seq: String,
    pub unit: String,
    pub theme: String,
    pub time: String,
    /// Pending or overdue.
    pub state: State,
    /// The earliest deadline of what is owed: "7月7日".
    pub due: Option<Time>,
}

/// What needs the office, not leadership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OfficeTasks {
    /// Files no name in the roster matched (those whose name could mean
    /// several units are in [`OfficeTasks::ambiguous`] only).
    pub unassigned: Vec<FileLine>,
    /// Files whose name could mean more than one unit; the reason names them.
    #[serde(default)]
    pub ambiguous: Vec<FileLine>,
    /// Files still being copied, left for the next batch.
    #[serde(default)]
    pub receiving: Vec<String>,
    /// Hidden, temporary and lock files skipped.
    #[serde(default)]
    pub ignored: usize,
    /// Files of a unit that fit no deliverable.
    pub unclassified: Vec<FileLine>,
    /// Rejected files and why.
    pub invalid: Vec<FileLine>,
    /// Ambiguous names and other questions for the office.
    pub questions: Vec<String>,
}

/// A file a unit sent (a file inside an e-mail or a zip, not the
/// container), as the status board's unit page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentFile {
    pub unit: String,
    /// The path as people read it ("报送.zip › 照片/1.jpg").
    pub path: String,
    /// "活动总结（5月 法治宣传）", or None when it fits no deliverable.
    pub counts_for: Option<String>,
    /// The verdict of the latest version: "合格", "不合格", …, or "未计入".
    pub verdict: String,
    /// Whether it counts toward its deliverable.
    pub counted: bool,
    /// Why it was rejected or not counted, or what to know about it.
    pub reason: Option<String>,
    /// Its versions, oldest first; the last one is the one assessed.
    pub versions: Vec<FileVersion>,
    /// The latest version's original in the state store, when kept there.
    pub original: Option<PathBuf>,
}

/// One version of a file: when and how it came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileVersion {
    /// "6月5日 10:12".
    pub arrived: Time,
    /// "邮件（发件人：张三 <a@b.cn>，主题：活动总结）", "压缩包《材料.zip》",
    /// "收件箱文件夹“县林业局”".
    pub how: String,
    /// "1.2 MB".
    pub size: String,
}

/// One message of the outbox (receipts, reminders, the report mail, the
/// digest) as the status board lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageLine {
    /// The unit it went to; None for the report mail and the digest.
    pub unit: Option<String>,
    /// 回执, 催报, 报送情况, 工作摘要.
    pub kind: String,
    pub subject: String,
    pub recipients: String,
    /// 已发送, 待发送, 发送失败, …
    pub status: String,
    /// Failed or maybe not delivered: the office must look.
    pub trouble: bool,
    /// When it was queued: "6月13日 20:00" (None when the outbox's record
    /// of it cannot be read).
    pub queued: Option<Time>,
    /// When a server accepted it: "2025年6月13日 20:01".
    pub sent: Option<Time>,
    pub error: Option<String>,
}

/// A file and what is to be said about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileLine {
    /// Path inside the inbox ("县林业局/活动总结.docx", "报送.zip!/照片1.jpg").
    pub path: String,
    pub unit: Option<String>,
    pub reason: String,
    /// For a file of no unit: the units it may be from, best first (the
    /// reason says why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maybe_from: Vec<String>,
}
