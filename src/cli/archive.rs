//! `baosong archive [--at deadline|TIME]`: the 归档 bundle of a chosen
//! moment, made under the campaign's lock (a batch may be writing the ledger
//! and the store). The bundle itself is [`crate::archive`]'s.

use crate::archive::{self, ArchiveError, Bundle, MadeBy, passed_deadlines};
use crate::assess;
use crate::campaign::Campaign;
use crate::ledger::Ledger;
use crate::store::Store;

/// The moment `baosong archive --at` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The campaign's clock (campaign.toml's `clock`, else now).
    Now,
    /// The latest deadline passed at the clock.
    LastDeadline,
    /// A time in the campaign's zone, as `--now` takes it.
    Time(String),
}

/// Why `baosong archive` made nothing.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("--at “{0}” 无法识别，应为 deadline 或时刻（如 2025-06-13T20:00 或 2025-06-13 20:00）")]
    BadTime(String),
    #[error("截至{0}还没有已过的截止时间，没有可归档的时刻；可用 --at 指定时刻")]
    NoDeadline(String),
    #[error("台账中还没有收到任何文件，请先运行 baosong run")]
    Empty,
    #[error(transparent)]
    Run(#[from] crate::pipeline::RunError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// `baosong archive [--at …]`: takes the campaign's lock (a batch may be
/// writing the ledger and the store) and writes the bundle.
pub fn command(campaign: &Campaign, at: &At) -> Result<Bundle, CommandError> {
    let state_dir = campaign.state_dir();
    let _lock = crate::pipeline::BatchLock::acquire(&state_dir)?;
    let ledger = Ledger::open(&state_dir).map_err(ArchiveError::from)?;
    let store = Store::new(&state_dir);
    let clock = campaign
        .fixed_clock()
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&campaign.tz))
        .fixed_offset();
    let crate::ledger::Versions {
        versions,
        unreadable,
    } = ledger.all_versions().map_err(ArchiveError::from)?;
    for w in &unreadable {
        tracing::warn!("{w}");
    }
    if versions.is_empty() {
        return Err(CommandError::Empty);
    }
    let cutoff = match at {
        At::Now => clock,
        At::Time(text) => crate::campaign::deadline::parse_local(text, campaign.tz)
            .ok_or_else(|| CommandError::BadTime(text.clone()))?
            .fixed_offset(),
        At::LastDeadline => passed_deadlines(&assess::assess(campaign, &versions, clock))
            .pop()
            .ok_or_else(|| {
                CommandError::NoDeadline(crate::report::format_time(
                    clock.with_timezone(&campaign.tz),
                ))
            })?,
    };
    let options = crate::pipeline::render_options(campaign)?;
    Ok(archive::make(
        campaign,
        &ledger,
        &store,
        &options,
        cutoff,
        MadeBy::Command,
        clock,
    )?)
}
