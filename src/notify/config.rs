//! The campaign.toml sections the notify stage is handed: `[mail]`,
//! `[reminders]` and `[report_mail]`, defined and parsed with the rest of
//! the campaign file in [`crate::campaign::mail_config`].

pub use crate::campaign::mail_config::{
    DeliveryLimits, MailAddress, NotifyConfig, OfficeHours, ReminderPolicy, ReportMailPolicy,
    Security, SmtpConfig, WeekdayName,
};
