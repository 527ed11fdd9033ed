//! The report model: one plain value that every renderer (PDF, DOCX, XLSX)
//! draws from. Built once per batch from the assessment and the inspected
//! content; renderers never re-read the inbox or re-decide a state.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::inspect::{Block, Sheet};
use crate::model::State;

pub mod build;

/// A file name, or a text carrying one, as people read it: control
/// characters (CR, LF, ESC, …) and bidirectional overrides become '�', so
/// a name cannot start a forged line in a mail, recolour a terminal or
/// reverse what a report shows. Every text made from a file name for a
/// unit or a leader goes through here.
pub fn printable(text: &str) -> String {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// Everything leadership sees, in the order they see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Campaign title, e.g. 2025年泸溪县"政务公开主题日"活动.
    pub title: String,
    /// The organising office, e.g. 泸溪县行政审批服务局.
    pub office: String,
    /// When the batch ran, already formatted: "2025年6月13日 20:00 (北京时间)".
    pub generated_at: String,
    /// The clock line of the cover: "截至2025年6月13日20时".
    pub as_of: String,
    /// The deliverables, in campaign order; status cells follow this order.
    pub deliverables: Vec<DeliverableHead>,
    pub overview: Overview,
    /// 报送情况一览表, one row per scheduled activity, in schedule order.
    pub rows: Vec<StatusRow>,
    /// One section per unit, in schedule order of first appearance.
    pub units: Vec<UnitSection>,
    pub appendix: Appendix,
}

impl Report {
    /// Every photo of the report, unit by unit, activity by activity: the
    /// order the PDF and DOCX show them in.
    pub fn photos(&self) -> impl Iterator<Item = &PhotoItem> {
        self.units
            .iter()
            .flat_map(|u| &u.activities)
            .flat_map(|a| &a.photos)
    }
}

/// A deliverable's column heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverableHead {
    pub id: String,
    /// 活动总结, 活动照片, …
    pub name: String,
}

/// The numbers at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Overview {
    pub units: usize,
    pub activities: usize,
    /// Activities counted by their overall state (an activity's overall state
    /// is the worst state among its deliverables).
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

/// One bar group of the chart: a month and its state counts.
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
    pub unit: String,
    pub theme: String,
    /// 开展时间 as the schedule states it ("5月", "5月15日至19日").
    pub time: String,
    /// One cell per deliverable, in [`Report::deliverables`] order.
    pub cells: Vec<StatusCell>,
    /// The worst state among the cells.
    pub overall: State,
}

/// One deliverable's state for one activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusCell {
    /// None when the deliverable does not apply to this unit.
    pub state: Option<State>,
    /// Short text for the cell: "按时报送", "逾期2个工作日", "照片2张，需至少3张", "不适用".
    pub text: String,
    /// Deadline, formatted ("6月9日 24:00").
    pub due: Option<String>,
    /// Arrival of the file that completed it, formatted.
    pub arrived: Option<String>,
    /// Working days late, when late.
    pub late_workdays: Option<i64>,
}

/// Everything one unit handed in, activity by activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSection {
    pub unit: String,
    pub activities: Vec<ActivitySection>,
}

/// One activity of a unit with the content it submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivitySection {
    pub theme: String,
    pub time: String,
    pub place: Option<String>,
    pub overall: State,
    /// The summary document's title and blocks (headings, paragraphs, tables).
    pub summary: Option<Summary>,
    /// The unit's own activity schedule, if it sent one.
    pub schedule: Option<Sheet>,
    pub photos: Vec<PhotoItem>,
    /// Videos by file name, size and duration ("宣传片.mp4, 35.2 MB, 1分12秒").
    pub videos: Vec<String>,
    /// Short remarks: flagged photos, a summary naming another unit, …
    pub notes: Vec<String>,
}

/// A summary as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub file_name: String,
    pub title: Option<String>,
    pub blocks: Vec<Block>,
}

/// One photo of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoItem {
    /// A print-size JPEG, upright (orientation applied), in the state store.
    pub jpeg: PathBuf,
    pub width: u32,
    pub height: u32,
    /// "现场照片1.jpg · 2025-05-15 09:30".
    pub caption: String,
}

/// What needs a human, at the back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Appendix {
    /// Files no unit could be found for.
    pub unassigned: Vec<FileLine>,
    /// Files of a unit that fit no deliverable.
    pub unclassified: Vec<FileLine>,
    /// Rejected files and why.
    pub invalid: Vec<FileLine>,
    /// Ambiguous names and other questions for the office.
    pub questions: Vec<String>,
}

/// A file and what is to be said about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileLine {
    /// Path inside the inbox ("县林业局/活动总结.docx", "报送.zip!/照片1.jpg").
    pub path: String,
    pub unit: Option<String>,
    pub reason: String,
}

/// A time as reports show it, with its zone: "2025年6月9日 16:00".
/// Midnight deadlines read as the end of the previous day ("6月9日 24:00").
pub fn format_time<Tz: chrono::TimeZone>(t: chrono::DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    use chrono::Timelike;
    let naive = t.naive_local();
    if naive.hour() == 0 && naive.minute() == 0 && naive.second() == 0 {
        let day = naive.date() - chrono::Days::new(1);
        return format!("{} 24:00", day.format("%Y年%-m月%-d日"));
    }
    naive.format("%Y年%-m月%-d日 %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_names_are_replaced() {
        assert_eq!(printable("活动照片1.jpg"), "活动照片1.jpg");
        assert_eq!(
            printable("照片\r\n收件人：全体\u{1b}[31m.jpg"),
            "照片\u{FFFD}\u{FFFD}收件人：全体\u{FFFD}[31m.jpg"
        );
        assert_eq!(printable("gpj\u{202E}.exe"), "gpj\u{FFFD}.exe");
    }
}
