//! Stage 1, campaign: what the office asked for. The campaign file, the
//! office's schedule spreadsheet, the unit roster with aliases (and
//! [`identify`], which finds a file's unit by them), the deliverables and
//! their deadline rules, and the working-day calendar.

pub mod calendar;
pub mod config;
pub mod deadline;
pub mod identify;
pub mod init;
mod load;
pub mod mail_config;
pub mod place;
pub mod roster;
pub mod schedule;
pub mod smtp;
pub mod suggest;
pub mod template;
#[cfg(test)]
pub mod testing;
pub mod timetext;
pub mod unitname;

use std::path::PathBuf;

pub use load::{Activity, CAMPAIGN_FILE, Campaign, Deliverable, Exemption, Extension, Group};

/// A campaign that cannot be used as written.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error(
        "找不到活动配置 {}。请在活动文件夹中运行，或用 -C 指定活动文件夹（如 baosong run -C /srv/baosong/活动名）；\
         新活动请先用 baosong init --schedule 活动安排表.xlsx 生成 campaign.toml",
        .path.display()
    )]
    Missing { path: PathBuf },
    #[error("无法读取 {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}{}: {message}", .path.display(), .line.map(|l| format!(" 第{l}行")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        /// The line of campaign.toml the mistake is on, when known.
        line: Option<usize>,
        message: String,
    },
    #[error(transparent)]
    Calendar(#[from] calendar::CalendarError),
}
