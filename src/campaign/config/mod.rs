//! `campaign.toml`: the campaign file the office writes once.
//!
//! Every key is documented in the demo `campaign.toml` at the repository
//! root and in the README. Unknown keys are errors, so a typo never silently
//! turns a rule off.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::inspect::Limits;

mod entries;

pub use entries::*;

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
    use crate::campaign::deadline::ActivityDay;

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
        let demo = include_str!("../../../campaign.toml");
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
