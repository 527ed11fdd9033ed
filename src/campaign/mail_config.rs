//! The campaign.toml sections about mail: `[mail]` ([`NotifyConfig`], with
//! `[mail.smtp]` = [`SmtpConfig`], checked into a usable connection by
//! [`super::smtp`]), `[reminders]` ([`ReminderPolicy`]) and `[report_mail]`
//! ([`ReportMailPolicy`]). The notify stage is handed them.
//!
//! Every address is parsed while the file is read, so a malformed one is a
//! campaign error with the TOML position, never a failure at send time.
//! Passwords are never in campaign.toml: there is no `password` key (unknown
//! keys are refused); `password_env` or `password_file` point outside it.
//!
//! ```toml
//! [mail]
//! from = "gongkai@luxi.example.gov.cn"     # 发件地址
//! from_name = "泸溪县行政审批服务局"          # 发件人名称
//! reply_to = "gongkai@luxi.example.gov.cn"  # 回复地址（默认同 from）
//! office = ["gongkai@luxi.example.gov.cn"]  # 办公室：收工作摘要，逾期升级时抄送
//! leaders = ["leader@luxi.example.gov.cn"]  # 领导：收报送情况，二次升级时抄送
//! rate_per_minute = 30                       # 每分钟最多发送几封
//! max_per_batch = 200                        # 每批最多发送几封，其余留待下批
//! max_attempts = 5                           # 每封最多尝试几次（每批一次；服务器无法连接时不计）
//!
//! [mail.smtp]                                # 不写此节：邮件存为 .eml 文件
//! host = "smtp.example.gov.cn"
//! port = 465                                 # 默认 tls 465 / starttls 587 / plain 25
//! security = "tls"                           # tls | starttls | plain
//! user = "gongkai@luxi.example.gov.cn"
//! password_env = "BAOSONG_SMTP_PASSWORD"     # 或 password_file = "/etc/baosong/smtp.pass"
//! ca_cert = "/etc/baosong/ca.pem"            # 内网自建 CA 的根证书（可选）
//! timeout_secs = 30                         # 连接和每次应答的超时（秒）；整封邮件发出后等待确认为其4倍
//!
//! [reminders]
//! days_before = 2             # 截止前第 2 个工作日提醒（0 = 不提醒）
//! on_due_day = true           # 截止当日（截止时刻前）提醒
//! every_after = 2             # 逾期后第 1 个工作日起，每 2 个工作日催报（0 = 不催）
//! escalate_after = 3          # 逾期满 3 个工作日：抄送办公室（0 = 不升级）
//! escalate_leader_after = 5   # 逾期满 5 个工作日：再抄送领导（0 = 不升级）
//! max_per_deliverable = 4     # 每个单位每项材料最多催报 4 次
//! office_hours = "08:30-17:30" # 白天运行时只在办公时间催报；夜间批处理请不写
//! allow_non_workdays = false  # 节假日、周末不催报
//!
//! [report_mail]
//! weekdays = ["周一"]          # 每周几发报送情况
//! on_deadline_days = true      # 每个截止日发
//! when_all_complete = true     # 全部单位报齐时发一次
//! attach_docx = false          # 除 PDF 外再附 DOCX
//! attach_max_mb = 20           # 附件合计超过 20 MB 时不附，邮件中写明报告所在文件夹
//! ```

use std::path::PathBuf;

use chrono::{NaiveTime, Weekday};
use lettre::message::Mailbox;
use serde::{Deserialize, Deserializer};
use thiserror::Error;

/// A malformed e-mail address (roster row, `[mail]` key).
#[derive(Debug, Clone, Error, PartialEq)]
#[error("邮箱地址“{value}”无效：{reason}")]
pub struct AddressError {
    pub value: String,
    pub reason: String,
}

/// Parses `addr@example.gov.cn` or `名称 <addr@example.gov.cn>`. Line breaks
/// and other control characters are refused outright, so a roster cell can
/// never smuggle a header in. Call it at campaign load for every roster
/// contact and report the row on error.
pub fn parse_mailbox(value: &str) -> Result<Mailbox, AddressError> {
    let err = |reason: &str| AddressError {
        value: value.escape_debug().to_string(),
        reason: reason.to_string(),
    };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(err("为空"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(err("含有换行或控制字符"));
    }
    trimmed
        .parse::<Mailbox>()
        .map_err(|e| err(&format!("格式不正确（{e}）")))
}

/// An e-mail address checked when campaign.toml is read.
#[derive(Debug, Clone, PartialEq)]
pub struct MailAddress(pub Mailbox);

impl<'de> Deserialize<'de> for MailAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_mailbox(&s)
            .map(MailAddress)
            .map_err(serde::de::Error::custom)
    }
}

/// `[mail]`: who sends, who the office and leadership are, how fast.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Sender address (may be `名称 <addr>`).
    pub from: MailAddress,
    /// Sender display name; overrides a name given in `from`.
    #[serde(default)]
    pub from_name: Option<String>,
    /// Where replies go; defaults to `from`.
    #[serde(default)]
    pub reply_to: Option<MailAddress>,
    /// The organising office: receives the digest, is cc'd on escalation.
    #[serde(default)]
    pub office: Vec<MailAddress>,
    /// Leadership: receives the report mail, is cc'd on second escalation.
    #[serde(default)]
    pub leaders: Vec<MailAddress>,
    /// The SMTP server; absent → every message is written as an .eml file.
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// Messages per minute at most (≥ 1).
    #[serde(default = "default_rate")]
    pub rate_per_minute: u32,
    /// Messages per batch at most; the rest stay queued for the next batch.
    #[serde(default = "default_max_per_batch")]
    pub max_per_batch: u32,
    /// Delivery attempts (one per batch) before a message is given up; a
    /// batch that cannot reach the server charges none.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
}

fn default_rate() -> u32 {
    30
}
fn default_max_per_batch() -> u32 {
    200
}
fn default_max_attempts() -> u32 {
    5
}

/// `[mail.smtp]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults by `security`: tls 465, starttls 587, plain 25.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// Login name; when set, a password must come from `password_env` or
    /// `password_file`.
    #[serde(default)]
    pub user: Option<String>,
    /// Name of the environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// A file holding the password (first line), outside the campaign folder.
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// An extra trusted root certificate (PEM), e.g. the office's private CA.
    #[serde(default)]
    pub ca_cert: Option<PathBuf>,
    /// Connect and reply timeout in seconds; the confirmation of a whole
    /// message may take four times as long.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_timeout() -> u64 {
    30
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); required, not optional.
    #[default]
    Starttls,
    /// Implicit TLS from the first byte (port 465).
    Tls,
    /// No encryption; only accepted for a loopback host (tests, local relay).
    Plain,
}

impl SmtpConfig {
    /// The port, defaulted by the security mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::Plain => 25,
        })
    }
}

impl NotifyConfig {
    /// The sender mailbox with `from_name` applied.
    pub fn from_mailbox(&self) -> Mailbox {
        let mb = &self.from.0;
        Mailbox::new(
            self.from_name.clone().or_else(|| mb.name.clone()),
            mb.email.clone(),
        )
    }

    /// The Reply-To mailbox (the office), defaulting to the sender.
    pub fn reply_to_mailbox(&self) -> Mailbox {
        self.reply_to
            .as_ref()
            .map(|a| a.0.clone())
            .unwrap_or_else(|| self.from_mailbox())
    }

    /// The limits [`crate::notify::outbox::deliver_pending`] applies.
    pub fn limits(&self) -> DeliveryLimits {
        DeliveryLimits {
            rate_per_minute: self.rate_per_minute.max(1),
            max_per_batch: self.max_per_batch,
            max_attempts: self.max_attempts.max(1),
        }
    }
}

/// Bounds on one delivery run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryLimits {
    pub rate_per_minute: u32,
    pub max_per_batch: u32,
    pub max_attempts: u32,
}

/// `[reminders]`: when units are chased. All day counts are working days of
/// the official calendar. See [`crate::notify::policy::plan_reminders`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReminderPolicy {
    /// Remind from the N-th working day before the deadline (0 = off).
    pub days_before: u32,
    /// Remind on the deadline day while the deadline has not passed.
    pub on_due_day: bool,
    /// After the deadline: on the 1st working day overdue, then every M
    /// working days (0 = never after the deadline).
    pub every_after: u32,
    /// Overdue by at least K working days → cc the office (0 = never).
    pub escalate_after: u32,
    /// Overdue by at least L working days → cc leadership too (0 = never).
    pub escalate_leader_after: u32,
    /// At most this many reminders per unit and deliverable.
    pub max_per_deliverable: u32,
    /// Only remind between these times, e.g. "08:30-17:30". For a batch that
    /// runs by day; leave unset for a nightly batch.
    pub office_hours: Option<OfficeHours>,
    /// Also remind on weekends and holidays.
    pub allow_non_workdays: bool,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        ReminderPolicy {
            days_before: 2,
            on_due_day: true,
            every_after: 2,
            escalate_after: 3,
            escalate_leader_after: 5,
            max_per_deliverable: 4,
            office_hours: None,
            allow_non_workdays: false,
        }
    }
}

/// A daily time window such as `08:30-17:30` (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl OfficeHours {
    /// Whether `t` lies in the window.
    pub fn contains(&self, t: NaiveTime) -> bool {
        self.start <= t && t < self.end
    }
}

impl std::str::FromStr for OfficeHours {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("办公时间“{s}”格式应为 08:30-17:30");
        let (a, b) = s.split_once(['-', '–', '~', '～']).ok_or_else(bad)?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
        let (start, end) = (t(a)?, t(b)?);
        if start >= end {
            return Err(bad());
        }
        Ok(OfficeHours { start, end })
    }
}

impl<'de> Deserialize<'de> for OfficeHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// `[report_mail]`: when leadership gets the compiled report.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportMailPolicy {
    /// Days of the week, written 周一…周日 (also 星期一, Mon).
    pub weekdays: Vec<WeekdayName>,
    /// On every day that is some deliverable's deadline.
    pub on_deadline_days: bool,
    /// Once, when every unit is complete.
    pub when_all_complete: bool,
    /// Attach the DOCX as well as the PDF.
    pub attach_docx: bool,
    /// Largest total size of the attachments, in MB; a larger report is not
    /// attached and the mail names its folder instead.
    pub attach_max_mb: u64,
}

impl Default for ReportMailPolicy {
    fn default() -> Self {
        ReportMailPolicy {
            weekdays: vec![WeekdayName(Weekday::Mon)],
            on_deadline_days: true,
            when_all_complete: true,
            attach_docx: false,
            attach_max_mb: 20,
        }
    }
}

/// A weekday written in Chinese (周一, 星期一) or English (Mon, Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdayName(pub Weekday);

impl std::str::FromStr for WeekdayName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let cn = t
            .strip_prefix("星期")
            .or_else(|| t.strip_prefix('周'))
            .and_then(|d| {
                "一二三四五六日"
                    .chars()
                    .position(|c| d == c.to_string())
                    .or((d == "天").then_some(6))
            });
        let day = match cn {
            Some(i) => Weekday::try_from(i as u8).ok(),
            None => t.parse::<Weekday>().ok(),
        };
        day.map(WeekdayName)
            .ok_or_else(|| format!("“{s}”不是星期几（应写 周一 … 周日）"))
    }
}

impl<'de> Deserialize<'de> for WeekdayName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Campaign {
        mail: NotifyConfig,
        #[serde(default)]
        reminders: ReminderPolicy,
        #[serde(default)]
        report_mail: ReportMailPolicy,
    }

    #[test]
    fn documented_example_parses() {
        let doc = include_str!("mail_config.rs");
        let toml_text: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!").trim_start().to_string() + "\n")
            .collect();
        let c: Campaign = toml::from_str(&toml_text).unwrap();
        assert_eq!(
            c.mail.from_mailbox().name.as_deref(),
            Some("泸溪县行政审批服务局")
        );
        let smtp = c.mail.smtp.unwrap();
        assert_eq!((smtp.security, smtp.port()), (Security::Tls, 465));
        assert_eq!(
            c.reminders.office_hours.unwrap().start.to_string(),
            "08:30:00"
        );
        assert_eq!(c.report_mail.weekdays, vec![WeekdayName(Weekday::Mon)]);
    }

    #[test]
    fn bad_address_password_key_and_weekday_are_clear_errors() {
        let err = toml::from_str::<Campaign>("[mail]\nfrom = \"office(at)example\"\n")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("邮箱地址“office(at)example”无效"), "{err}");
        let err = toml::from_str::<Campaign>(
            "[mail]\nfrom = \"a@b.example\"\n[mail.smtp]\nhost = \"h\"\npassword = \"x\"\n",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("unknown field `password`"), "{err}");
        let err = toml::from_str::<Campaign>(
            "[mail]\nfrom = \"a@b.example\"\n[report_mail]\nweekdays = [\"周八\"]\n",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("不是星期几"), "{err}");
        assert_eq!("星期日".parse::<WeekdayName>().unwrap().0, Weekday::Sun);
        assert_eq!("Fri".parse::<WeekdayName>().unwrap().0, Weekday::Fri);
        assert!("17:30-08:30".parse::<OfficeHours>().is_err());
    }
}
