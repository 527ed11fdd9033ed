//! The lists of `campaign.toml`: `[[units]]`, `[[deliverables]]` with
//! their `units` and `deadline` forms, `[[extensions]]` and
//! `[[exemptions]]`.

use std::path::PathBuf;

use serde::Deserialize;

use crate::campaign::deadline::ActivityDay;

/// `[[units]]`: aliases and contacts of a unit named in the schedule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    /// The name as the schedule writes it (the canonical name).
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Vec<String>,
}

/// `[[deliverables]]`: one thing each unit must hand in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverableEntry {
    /// Short ASCII id ("summary", "photos").
    pub id: String,
    /// 活动总结, 活动照片, …
    pub name: String,
    /// File families accepted: document, spreadsheet, photo, video, pdf.
    pub accept: Vec<crate::inspect::Category>,
    /// Words in the file or folder name or the document title that tell this
    /// deliverable's files apart from another's of the same family.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// How many usable files are needed; 0 makes the deliverable optional
    /// (accepted and listed when it comes, never owed).
    #[serde(default = "one")]
    pub min_count: usize,
    /// The office's own template of this deliverable, a file in
    /// `templates/`: a submission whose text is still mostly the
    /// template's is not counted.
    #[serde(default)]
    pub template: Option<PathBuf>,
    /// Which units owe it: "all" (default), a list of unit names, or
    /// `{ group = "附件2" }` / `{ group = ["附件1", "附件2"] }` (a union).
    #[serde(default)]
    pub units: UnitsSpec,
    /// Owed once per activity (default) or once per unit, whatever number
    /// of activities it has (建昌's 活动总结).
    #[serde(default)]
    pub per: Per,
    pub deadline: DeadlineEntry,
}

/// How often a deliverable is owed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// For each of the unit's activities (a joint activity owes it once,
    /// for all its units).
    #[default]
    Activity,
    /// Once by each unit.
    Unit,
}

fn one() -> usize {
    1
}

/// Which units a deliverable applies to.
#[derive(Debug, Clone, Default)]
pub enum UnitsSpec {
    #[default]
    All,
    /// "all"
    Keyword(String),
    List(Vec<String>),
    /// The union of these groups.
    Groups(Vec<String>),
}

pub const UNITS_FORMS: &str = "units 应写作 \"all\"（全部单位）、单位名列表如 [\"县公安局\", \"县民政局\"]、\
     { group = \"附件2\" } 或 { group = [\"附件1\", \"附件2\"] }（几个分组的并集）";

impl<'de> Deserialize<'de> for UnitsSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Keyword(String),
            List(Vec<String>),
            Group { group: OneOrMany },
        }
        match Raw::deserialize(d) {
            Ok(Raw::Keyword(k)) => Ok(UnitsSpec::Keyword(k)),
            Ok(Raw::List(l)) => Ok(UnitsSpec::List(l)),
            Ok(Raw::Group { group }) => Ok(UnitsSpec::Groups(match group {
                OneOrMany::One(g) => vec![g],
                OneOrMany::Many(gs) => gs,
            })),
            Err(_) => Err(serde::de::Error::custom(UNITS_FORMS)),
        }
    }
}

/// When a deliverable is due, as campaign.toml writes it.
#[derive(Debug, Clone)]
pub enum DeadlineEntry {
    /// A fixed time for everyone: `{ at = "2025-05-23T16:00" }` (16时前).
    Fixed { at: String },
    /// A day counted from the unit's activity, at `time` ("24:00" when not
    /// written): `{ workdays_before_activity = 5 }`,
    /// `{ workdays_after_activity = 5, time = "24:00" }`,
    /// `{ days_before_activity = 3 }`, `{ days_after_activity = 7 }`,
    /// `{ on_activity_day = true, time = "09:00" }`.
    Activity { day: ActivityDay, time: String },
}

/// Every way of writing a deadline, for error messages.
pub const DEADLINE_FORMS: &str = "deadline 应写作以下之一：\
     { at = \"2025-06-20T16:00\" }（统一截止时间，16时前）；\
     { workdays_before_activity = 5, time = \"24:00\" }（活动开始前第5个工作日24时前）；\
     { workdays_after_activity = 5, time = \"24:00\" }（活动结束后第5个工作日24时前）；\
     { days_before_activity = 3 }（活动开始前3天）；\
     { days_after_activity = 7 }（活动结束后7天）；\
     { on_activity_day = true, time = \"09:00\" }（活动当天9时前）。\
     time 可省略（默认 \"24:00\"），at 不与 time 同写";

impl<'de> Deserialize<'de> for DeadlineEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            at: Option<String>,
            workdays_before_activity: Option<u32>,
            workdays_after_activity: Option<u32>,
            days_before_activity: Option<u32>,
            days_after_activity: Option<u32>,
            on_activity_day: Option<bool>,
            time: Option<String>,
        }
        let bad = || serde::de::Error::custom(DEADLINE_FORMS);
        let raw = Raw::deserialize(d).map_err(|_| bad())?;
        // Each key written, as the day it names (None: on_activity_day = false).
        let written: [Option<Option<ActivityDay>>; 5] = [
            raw.workdays_before_activity
                .map(|n| Some(ActivityDay::WorkdaysBefore(n))),
            raw.days_before_activity
                .map(|n| Some(ActivityDay::DaysBefore(n))),
            raw.on_activity_day
                .map(|on| on.then_some(ActivityDay::FirstDay)),
            raw.days_after_activity
                .map(|n| Some(ActivityDay::DaysAfter(n))),
            raw.workdays_after_activity
                .map(|n| Some(ActivityDay::WorkdaysAfter(n))),
        ];
        let mut written = written.into_iter().flatten();
        let day = written.next();
        if written.next().is_some() {
            return Err(bad());
        }
        match (raw.at, day) {
            (Some(at), None) if raw.time.is_none() => Ok(DeadlineEntry::Fixed { at }),
            (None, Some(Some(day))) => Ok(DeadlineEntry::Activity {
                day,
                time: raw.time.unwrap_or_else(end_of_day),
            }),
            // Two forms at once, `at` with `time`, nothing, or
            // `on_activity_day = false`.
            _ => Err(bad()),
        }
    }
}

fn end_of_day() -> String {
    "24:00".to_string()
}

/// `[[extensions]]`: more time for one unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionEntry {
    pub unit: String,
    /// Only this deliverable (all when absent).
    #[serde(default)]
    pub deliverable: Option<String>,
    /// A new deadline ("2025-06-20T17:00") …
    #[serde(default)]
    pub until: Option<String>,
    /// … or this many extra working days.
    #[serde(default)]
    pub extra_workdays: Option<u32>,
    /// Why (shown in the report).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `[[exemptions]]`: a unit that does not owe something (免报), or an
/// activity that was cancelled or merged into another (已取消).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExemptionEntry {
    pub unit: String,
    /// Only this activity (its 序号 or theme): it is cancelled.
    #[serde(default)]
    pub activity: Option<String>,
    /// Only this deliverable (its id).
    #[serde(default)]
    pub deliverable: Option<String>,
    /// Why (shown in the report and the status).
    pub reason: String,
}
