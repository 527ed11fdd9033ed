//! `campaign.toml`: the campaign file the office writes once.
//!
//! Every key is documented in the demo `campaign.toml` at the repository
//! root and in the README. Unknown keys are errors, so a typo never silently
//! turns a rule off.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::deadline::ActivityDay;
use crate::inspect::Limits;

/// The whole campaign file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignFile {
    pub campaign: CampaignSection,
    #[serde(default)]
    pub office: OfficeSection,
    #[serde(default)]
    pub paths: PathsSection,
    #[serde(default)]
    pub intake: IntakeSection,
    /// Aliases and contacts for units named in the schedule.
    #[serde(default)]
    pub units: Vec<UnitEntry>,
    /// Named groups of units, for deliverables that apply to some units only.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    pub deliverables: Vec<DeliverableEntry>,
    #[serde(default)]
    pub extensions: Vec<ExtensionEntry>,
    /// Units exempted (免报) and activities cancelled (已取消).
    #[serde(default)]
    pub exemptions: Vec<ExemptionEntry>,
    #[serde(default)]
    pub limits: Limits,
    /// `[mail]`: sender, office and leadership addresses, SMTP. Without it
    /// no mail is prepared at all.
    #[serde(default)]
    pub mail: Option<super::mail_config::NotifyConfig>,
    /// `[reminders]`: when units are reminded and escalated.
    #[serde(default)]
    pub reminders: super::mail_config::ReminderPolicy,
    /// `[report_mail]`: when leadership gets the report.
    #[serde(default)]
    pub report_mail: super::mail_config::ReportMailPolicy,
    #[serde(default)]
    pub report: ReportSection,
    /// `[archive]`: when the 归档 bundles are made.
    #[serde(default)]
    pub archive: ArchiveSection,
    /// `[system_clock]`: how far from the campaign's dates the machine's
    /// clock may be before a batch refuses to believe it.
    #[serde(default)]
    pub system_clock: SystemClockSection,
}

/// `[campaign]`: what the campaign is called and whose it is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSection {
    /// Short ASCII id used in folder names and Message-IDs.
    pub id: String,
    /// 2025年泸溪县"政务公开主题日"活动
    pub title: String,
    /// The organising office, e.g. 泸溪县行政审批服务局.
    pub office: String,
    /// IANA time zone of the office; every time is shown in it.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// The year schedule times like "5月15日" belong to.
    pub year: i32,
    /// A fixed evaluation clock ("2025-06-13T20:00"), for back-fills and
    /// demos. Leave unset in production: the clock is then the real time.
    #[serde(default)]
    pub clock: Option<String>,
}

fn default_timezone() -> String {
    "Asia/Shanghai".to_string()
}

/// `[office]`: who to contact at the organising office.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeSection {
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `[paths]`: where things are, relative to the campaign folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PathsSection {
    pub inbox: PathBuf,
    pub templates: PathBuf,
    pub output: PathBuf,
    pub state: PathBuf,
    /// The office's schedule spreadsheet (xlsx, xls or ods).
    pub schedule: PathBuf,
    /// Extra calendar rows (same format as data/cn-workdays.csv) for years
    /// the built-in calendar does not cover yet.
    pub calendar: Option<PathBuf>,
}

impl Default for PathsSection {
    fn default() -> Self {
        PathsSection {
            inbox: "inbox".into(),
            templates: "templates".into(),
            output: "out".into(),
            state: "state".into(),
            schedule: "活动安排表.xlsx".into(),
            calendar: None,
        }
    }
}

/// `[intake]`: how the inbox is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntakeSection {
    /// A file changed less than this many seconds ago is still being copied:
    /// it is left for the next batch and shown as 接收中.
    pub settle_seconds: u64,
    /// `[intake.imap]`: the unified mailbox (统一收信邮箱) read over IMAP.
    pub imap: Option<ImapSection>,
}

impl Default for IntakeSection {
    fn default() -> Self {
        IntakeSection {
            settle_seconds: 60,
            imap: None,
        }
    }
}

/// `[intake.imap]`: the mailbox units send their materials to. Read only:
/// nothing in it is ever flagged, moved or deleted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapSection {
    pub host: String,
    /// Default: 993 for `tls`, 143 otherwise.
    pub port: Option<u16>,
    #[serde(default)]
    pub security: ImapSecurity,
    pub user: String,
    /// The environment variable holding the password (授权码).
    pub password_env: Option<String>,
    /// A file holding the password (授权码), relative to campaign.toml.
    pub password_file: Option<PathBuf>,
    /// Folders read, as the mail program shows them (Chinese names allowed).
    #[serde(default = "inbox_only")]
    pub folders: Vec<String>,
    /// An extra CA certificate (PEM) the server's certificate may chain to.
    pub ca_file: Option<PathBuf>,
    /// Mail the server received before this day is ignored.
    pub since: Option<chrono::NaiveDate>,
}

fn inbox_only() -> Vec<String> {
    vec!["INBOX".to_string()]
}

/// How the IMAP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapSecurity {
    /// TLS from the first byte (IMAPS, port 993).
    #[default]
    Tls,
    /// Plain connection upgraded by STARTTLS (port 143).
    Starttls,
    /// No encryption: only to this computer (127.0.0.1).
    Plain,
}

impl ImapSection {
    /// The port connected to.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            ImapSecurity::Tls => 993,
            _ => 143,
        })
    }

    /// The office's mistake in this section, if any, as (key, message).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let loopback = matches!(self.host.as_str(), "127.0.0.1" | "::1" | "localhost");
        if self.security == ImapSecurity::Plain && !loopback {
            return Some((
                "security",
                format!(
                    "[intake.imap] security = \"plain\" 只能用于本机（127.0.0.1），不能用于 {}：密码会明文传输，请改为 \"tls\" 或 \"starttls\"",
                    self.host
                ),
            ));
        }
        if self.password_env.is_some() == self.password_file.is_some() {
            return Some((
                "password",
                "[intake.imap] 需要 password_env（存放授权码的环境变量名）或 password_file（存放授权码的文件）二者之一；授权码不要写在 campaign.toml 里".to_string(),
            ));
        }
        if self.folders.is_empty() {
            return Some((
                "folders",
                "[intake.imap] folders 不能为空（通常为 [\"INBOX\"]）".to_string(),
            ));
        }
        None
    }
}

/// `[report]`: how the report looks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// Another font file (.ttf/.otf/.ttc) for the report, e.g. 仿宋.
    #[serde(default)]
    pub font: Option<PathBuf>,
    /// Face index inside a .ttc collection.
    #[serde(default)]
    pub font_index: Option<u32>,
    /// `[report.fonts]`: the 公文 faces, each a family name installed on
    /// the machine or a font file.
    #[serde(default)]
    pub fonts: ReportFonts,
    /// `公文` (the default) or `紧凑`.
    #[serde(default)]
    pub typography: Typography,
}

/// `[report.fonts]`: which installed family or font file plays each part of
/// a 公文; one left out is looked for by its usual names, else the open
/// font baosong ships is used.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFonts {
    /// The title (方正小标宋简体).
    pub title: Option<String>,
    /// Body text (仿宋_GB2312, 仿宋).
    pub body: Option<String>,
    /// 一、 headings (黑体).
    pub heading: Option<String>,
    /// （一） headings (楷体_GB2312, 楷体).
    pub subheading: Option<String>,
}

/// How the report is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Typography {
    /// After GB/T 9704-2012: 2号 title, 3号 body on A4 with 37/35/28/26 mm margins.
    #[default]
    #[serde(rename = "公文")]
    Gongwen,
    /// Smaller type and margins: fewer pages.
    #[serde(rename = "紧凑")]
    Compact,
}

/// `[archive]`: the 归档 bundles a batch makes by itself: one after each
/// fixed deadline (`at`) holding that deadline's files, and one at the
/// campaign's close holding every version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveSection {
    /// Days after the campaign's last deadline when it closes and the
    /// closing bundle is made (late files still count until then).
    #[serde(default = "default_grace_days")]
    pub grace_days: u32,
    /// Also one bundle after each deadline counted from an activity
    /// (`workdays_after_activity`), each holding only that deadline's
    /// files; by default such a campaign has only its closing bundle.
    #[serde(default)]
    pub relative_deadlines: bool,
}

impl Default for ArchiveSection {
    fn default() -> Self {
        ArchiveSection {
            grace_days: default_grace_days(),
            relative_deadlines: false,
        }
    }
}

fn default_grace_days() -> u32 {
    10
}

/// `[system_clock]`: without `--now` or `clock`, a batch judges by the
/// machine's clock; one far outside the campaign's dates is taken for a
/// wrong clock and stops the batch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemClockSection {
    /// Days before the first activity (or the first deadline, if earlier)
    /// the batch may already run.
    #[serde(default = "default_lead_days")]
    pub lead_days: u32,
    /// Days after the last deadline the batch may still run.
    #[serde(default = "default_margin_days")]
    pub margin_days: u32,
}

impl Default for SystemClockSection {
    fn default() -> Self {
        SystemClockSection {
            lead_days: default_lead_days(),
            margin_days: default_margin_days(),
        }
    }
}

fn default_lead_days() -> u32 {
    120
}

fn default_margin_days() -> u32 {
    365
}

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

impl CampaignFile {
    /// Parses campaign.toml text; `path` is only used in messages, which
    /// name the line and say in Chinese what is wrong there.
    pub fn parse(text: &str, path: &Path) -> Result<CampaignFile, super::CampaignError> {
        toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| s.start.min(text.len()));
            let line = at.map(|a| text[..a].matches('\n').count() + 1);
            let written = line
                .and_then(|l| text.lines().nth(l - 1))
                .map(str::trim)
                .filter(|l| !l.is_empty());
            let explained = explain(e.message());
            super::CampaignError::Invalid {
                path: path.to_path_buf(),
                line,
                message: match written {
                    Some(w) => format!("“{w}”：{explained}"),
                    None => explained,
                },
            }
        })
    }
}

/// serde's and toml's English messages in Chinese, with what to write
/// instead; our own (already Chinese) messages pass through.
fn explain(message: &str) -> String {
    let message = message.trim();
    let names = |list: &str| {
        list.replace('`', "")
            .replace(", ", "、")
            .replace(" or ", "、")
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let hint = if key.starts_with("pass") {
            "密码不写在 campaign.toml 中：请用 password_env = \"环境变量名\" 或 password_file = \"/etc/baosong/smtp.pass\""
                .to_string()
        } else {
            match expected
                .trim_start_matches(", ")
                .strip_prefix("expected one of ")
                .or_else(|| expected.trim_start_matches(", ").strip_prefix("expected "))
            {
                Some(list) => format!("此处可写的键：{}", names(list)),
                None => "此处不能写键".to_string(),
            }
        };
        return format!("不认识的键 {key}（拼写有误？）；{hint}");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("缺少必填的键 {key}，请补上（写法见 README 和演示 campaign.toml）");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let list = expected
            .trim_start_matches(", ")
            .trim_start_matches("expected one of ")
            .trim_start_matches("expected ");
        return format!("“{value}”不是可选的值，应为 {} 之一", names(list));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!(
            "值的类型不对：写的是{}，应为{}",
            type_name(found),
            type_name(expected)
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!("值{}不合适，应为{}", type_name(found), type_name(expected));
    }
    if message.starts_with("duplicate key") {
        return "同一个键写了两次，请删去一处".to_string();
    }
    if message.is_ascii() {
        return format!("TOML 格式错误（{message}）；请检查引号、等号和方括号");
    }
    message.to_string()
}

/// A serde type description ("string \"three\"", "a string", "usize") in
/// Chinese, keeping the value written.
fn type_name(what: &str) -> String {
    let what = what.trim();
    let what = what
        .strip_prefix("a ")
        .or_else(|| what.strip_prefix("an "))
        .unwrap_or(what);
    let (kind, value) = what.split_once(' ').unwrap_or((what, ""));
    let label = match kind {
        "string" | "str" | "character" | "char" => "文字（加英文引号）",
        "integer" | "usize" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" => "整数",
        "floating" => "小数",
        "boolean" | "bool" => "true 或 false",
        "sequence" => "列表 [ … ]",
        "map" => "表 { … }",
        _ => return what.to_string(),
    };
    match value.trim_start_matches("point").trim() {
        "" => label.to_string(),
        v => format!("{label} {v}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(text: &str) -> Result<DeadlineEntry, toml::de::Error> {
        #[derive(Deserialize)]
        struct One {
            #[allow(dead_code)]
            deadline: DeadlineEntry,
        }
        toml::from_str::<One>(&format!("deadline = {text}")).map(|o| o.deadline)
    }

    #[test]
    fn every_deadline_form_the_demo_documents_reads() {
        let demo = include_str!("../../campaign.toml");
        let forms: Vec<&str> = demo
            .lines()
            .filter_map(|l| l.strip_prefix("#   { "))
            .map(|l| &l[..l.find('}').unwrap() + 1])
            .collect();
        assert_eq!(forms.len(), 6, "{forms:?}");
        for form in forms {
            let text = format!("{{ {form}");
            assert!(deadline(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn a_bad_deadline_lists_every_form() {
        for bad in [
            "{ workdays_after_activity = 5, at = \"2025-05-23T16:00\" }",
            "{ at = \"2025-05-23T16:00\", time = \"16:00\" }",
            "{ on_activity_day = false }",
            "{ workday_before_activity = 5 }",
            "{ }",
            "\"5个工作日\"",
        ] {
            let message = deadline(bad).unwrap_err().to_string();
            for key in [
                "at",
                "workdays_before_activity",
                "workdays_after_activity",
                "days_before_activity",
                "days_after_activity",
                "on_activity_day",
            ] {
                assert!(message.contains(key), "{bad}: {message}");
            }
        }
        assert!(matches!(
            deadline("{ workdays_before_activity = 5 }").unwrap(),
            DeadlineEntry::Activity { day: ActivityDay::WorkdaysBefore(5), time } if time == "24:00"
        ));
    }
}
