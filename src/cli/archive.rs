//! `baosong archive [--at deadline|TIME] [--final]`: the 归档 bundle of a
//! chosen moment, made under the campaign's lock (a batch may be writing
//! the ledger and the store). The bundle itself is [`crate::archive`]'s.

use std::io::Write;

use chrono::{DateTime, FixedOffset, Timelike};

use crate::archive::{self, ArchiveError, Bundle, BundleScope, MadeBy, Plan};
use crate::assess;
use crate::campaign::Campaign;
use crate::ledger::Ledger;
use crate::report::format_time;
use crate::store::Store;

/// The moment `baosong archive` bundles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// Everything up to the campaign's clock (campaign.toml's `clock`,
    /// else now).
    Now,
    /// The files of the latest deadline passed at the clock.
    LastDeadline,
    /// Everything up to a time in the campaign's zone, as `--now` takes it.
    Time(String),
    /// `--final`: the campaign's closing bundle, now (or at its close, if
    /// that has passed).
    Final,
}

/// Why `baosong archive` made nothing.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("--at “{0}” 无法识别，应为 deadline 或时刻（如 2025-06-13T20:00 或 2025-06-13 20:00）")]
    BadTime(String),
    #[error("{0}还没有已过的截止时间{1}，没有可归档的材料；可用 --at 指定截止时间之后的时刻")]
    NoDeadline(String, String),
    #[error("台账中还没有收到任何文件，请先运行 baosong run")]
    Empty,
    #[error("{0}没有可归档的文件")]
    Nothing(String),
    #[error("{0}")]
    Run(#[from] crate::pipeline::RunError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

impl CommandError {
    /// Whether it is about the moment asked for (exit 8), not a failure.
    pub fn is_the_moment(&self) -> bool {
        matches!(
            self,
            CommandError::BadTime(_)
                | CommandError::NoDeadline(..)
                | CommandError::Empty
                | CommandError::Nothing(_)
        )
    }
}

/// `baosong archive [--at deadline|TIME] [--final]` as the office types
/// it: makes the bundle and says where it is.
pub fn run(
    campaign: &Campaign,
    at: Option<&str>,
    final_: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let at = match at {
        _ if final_ => At::Final,
        None => At::Now,
        Some("deadline") => At::LastDeadline,
        Some(t) => At::Time(t.to_string()),
    };
    let b = command(campaign, &at)?;
    writeln!(
        out,
        "已生成归档（截至{}）：{}\n  共{}个文件版本；清单 manifest.csv 的 SHA-256：{}（另存于 {}）",
        crate::fmt::format_time(b.cutoff),
        b.zip.display(),
        b.versions,
        b.manifest_sha256,
        b.checksum.display()
    )?;
    if b.not_kept > 0 {
        writeln!(
            out,
            "注意：{}个文件超过存档大小上限，未保存原件，清单中已注明",
            b.not_kept
        )?;
    }
    Ok(())
}

/// `baosong archive …`: takes the campaign's lock (a batch may be
/// writing the ledger and the store) and writes the bundle.
pub fn command(campaign: &Campaign, at: &At) -> Result<Bundle, CommandError> {
    let state_dir = campaign.state_dir();
    let _lock = crate::pipeline::BatchLock::acquire(&state_dir)?;
    let ledger = Ledger::open(&state_dir).map_err(ArchiveError::from)?;
    let store = Store::new(&state_dir);
    // To the minute: the bundle's name says no more.
    let clock = to_minute(
        campaign
            .fixed_clock()
            .unwrap_or_else(|| chrono::Utc::now().with_timezone(&campaign.tz))
            .fixed_offset(),
    );
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
    let assigned = ledger.assignments().map_err(ArchiveError::from)?;
    let a = assess::assess(campaign, &versions, &assigned, clock);
    drop(versions);
    let deadlines = archive::all_deadlines(&a);
    let first = deadlines.first().copied();
    let until = |t: DateTime<FixedOffset>| format!("截至{}", format_time(t));
    let no_deadline = |t: DateTime<FixedOffset>| {
        let first = first.map_or(String::new(), |f| {
            format!("（最早的截止时间为{}）", format_time(f))
        });
        CommandError::NoDeadline(until(t), first)
    };
    let all = BundleScope::All;
    let (plan, made_by) = match at {
        At::Now => (
            Plan {
                cutoff: clock,
                scope: all,
            },
            MadeBy::Command,
        ),
        At::Time(text) => {
            let cutoff = crate::campaign::deadline::parse_local(text, campaign.tz)
                .ok_or_else(|| CommandError::BadTime(text.clone()))?
                .fixed_offset();
            (
                Plan {
                    cutoff: to_minute(cutoff),
                    scope: all,
                },
                MadeBy::Command,
            )
        }
        At::LastDeadline => {
            let cutoff = deadlines
                .iter()
                .rev()
                .find(|&&d| d <= clock)
                .copied()
                .ok_or_else(|| no_deadline(clock))?;
            let scope = BundleScope::Deadline;
            (Plan { cutoff, scope }, MadeBy::Command)
        }
        At::Final => {
            let close = archive::close(campaign, &a).filter(|&c| c <= clock);
            let cutoff = close.unwrap_or(clock);
            (Plan { cutoff, scope: all }, MadeBy::Final)
        }
    };
    if *at != At::Final && first.is_some_and(|f| plan.cutoff < f) {
        return Err(no_deadline(plan.cutoff));
    }
    drop(a);
    let options = crate::pipeline::render_options(campaign)?;
    archive::make(campaign, &ledger, &store, &options, plan, made_by, clock)?
        .ok_or_else(|| CommandError::Nothing(until(plan.cutoff)))
}

fn to_minute(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}
