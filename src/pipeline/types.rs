//! What a batch is asked to do, what it did, and what stopped it.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::intake;
use crate::ledger::LedgerError;
use crate::notify::{self, outbox};
use crate::render::{self, Outputs};
use crate::status::StatusDocument;
use crate::timings::Timings;

/// What stopped a batch.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The campaign's folders are not as campaign.toml says (exit 3).
    #[error("{0}")]
    Campaign(#[source] crate::campaign::CampaignError),
    #[error("另一个批处理正在运行（锁文件 {0}）；请等它结束后再试")]
    Locked(PathBuf),
    #[error("无法创建锁文件 {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Intake(#[from] intake::IntakeError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error(transparent)]
    Notify(#[from] notify::NotifyError),
    #[error("邮件发送配置错误: {0}")]
    Transport(#[from] crate::campaign::smtp::SmtpConfigError),
    #[error("邮件模板错误: {0}")]
    Templates(#[from] notify::templates::TemplateError),
    #[error(transparent)]
    Clock(#[from] super::clock::ClockError),
}

/// The points after which a test may crash the batch (`--fail-after`): the
/// process aborts there, as a power cut would, without unwinding or
/// rolling anything back by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CrashPoint {
    Intake,
    Render,
    Queue,
}

impl std::fmt::Display for CrashPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CrashPoint::Intake => "intake",
            CrashPoint::Render => "render",
            CrashPoint::Queue => "queue",
        })
    }
}

/// How to run a batch.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The evaluation clock; default: campaign.toml's `clock`, else now.
    pub now: Option<DateTime<FixedOffset>>,
    pub dry_run: bool,
    /// Queue mail but do not deliver it.
    pub no_send: bool,
    /// Override the settle window (seconds).
    pub settle: Option<u64>,
    /// Stop right after a stage (for crash tests).
    pub fail_after: Option<CrashPoint>,
    /// Show progress bars (when stderr is a terminal).
    pub progress: bool,
    /// Render the report even when it is the same as the last one.
    pub rebuild_report: bool,
}

/// What a batch did.
#[derive(Debug)]
pub struct Outcome {
    pub batch: i64,
    pub status: StatusDocument,
    pub outputs: Option<Outputs>,
    /// Messages queued in this batch (or that would be, in a dry run).
    pub queued: usize,
    pub delivery: Option<outbox::DeliveryReport>,
    /// Wall time per stage, and the photos decoded.
    pub timings: Timings,
    /// Blobs inspected in this batch (0 when nothing changed).
    pub inspected: usize,
    /// The report the batch built.
    pub report: crate::report::Report,
    /// The 归档 bundles this batch made or made again (see
    /// [`crate::archive::after_batch`]).
    pub archived: Vec<crate::archive::Bundle>,
    /// The portal drafts there are (see [`crate::portal`]).
    pub drafts: usize,
}
