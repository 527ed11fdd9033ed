//! One batch, end to end: `baosong run`. Each step is one call into its
//! stage; the ledger is written at two points only, intake's and the end's.
//!
//! ```text
//! lock → begin batch → intake::run (commit) → assess → report::build
//!      → render::write_all (atomic files) → notify::plan (pure)
//!      → ledger.commit_batch: assessments + queued mail + batch done
//!      → deliver queued mail (each message commits on its own)
//! ```
//!
//! A crash before the last transaction leaves the files recorded (their
//! arrival times are facts) and nothing else: the next batch assesses again
//! and queues what this one would have. A crash after it loses nothing
//! either: queued mail is delivered by the next batch. `--dry-run` runs the
//! same code inside one transaction that is rolled back and writes no file.

use std::fs::File;
use std::io::IsTerminal;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::assess::{self, Assessment};
use crate::campaign::Campaign;
use crate::intake::{self, store::Store};
use crate::ledger::{AssessmentRow, Ledger, LedgerError};
use crate::notify::{self, Notifier, outbox};
use crate::render::{self, FontSet, Outputs};
use crate::report;
use crate::status;
use crate::timings::{self, Timings};

pub use crate::status::{ActivityStatusJson, ItemJson, Status, UnitStatus};

/// What stopped a batch.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
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
    Transport(#[from] notify::transport::TransportError),
    #[error("邮件模板错误: {0}")]
    Templates(#[from] notify::templates::TemplateError),
}

/// Stages after which a test may crash the batch (`--fail-after`): the
/// process aborts there, as a power cut would, without unwinding or
/// rolling anything back by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    Intake,
    Render,
    Queue,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Intake => "intake",
            Stage::Render => "render",
            Stage::Queue => "queue",
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
    pub fail_after: Option<Stage>,
    /// Show progress bars (when stderr is a terminal).
    pub progress: bool,
    /// Render the report even when it is the same as the last one.
    pub rebuild_report: bool,
}

/// What a batch did.
#[derive(Debug)]
pub struct Outcome {
    pub batch: i64,
    pub status: Status,
    pub outputs: Option<Outputs>,
    /// Messages queued in this batch (or that would be, in a dry run).
    pub queued: usize,
    pub delivery: Option<outbox::DeliveryReport>,
    /// Wall time per stage, and the photos decoded.
    pub timings: Timings,
    /// Blobs inspected in this batch (0 when nothing changed).
    pub inspected: usize,
}

/// The lock that keeps two batches of one campaign apart.
pub struct BatchLock {
    _file: File,
}

impl BatchLock {
    /// Takes the campaign's lock or says another batch holds it.
    pub fn acquire(state_dir: &std::path::Path) -> Result<BatchLock, RunError> {
        crate::atomic::private_dir(state_dir).map_err(|source| RunError::Lock {
            path: state_dir.to_path_buf(),
            source,
        })?;
        let path = state_dir.join("baosong.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|source| RunError::Lock {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(BatchLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Locked(path)),
            Err(std::fs::TryLockError::Error(source)) => Err(RunError::Lock { path, source }),
        }
    }
}

fn progress_bar(show: bool) -> ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed_precise}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// How the campaign wants its report rendered: its typography and faces
/// (`[report]`, `[report.fonts]`, else the 公文 fonts installed here, else
/// the shipped ones).
fn render_options(campaign: &Campaign) -> Result<render::Options, RunError> {
    let report = &campaign.file.report;
    let legacy = report
        .font
        .as_deref()
        .map(|p| (p, report.font_index.unwrap_or(0)));
    let fonts = FontSet::find(&report.fonts, legacy, &campaign.root)?;
    Ok(render::Options {
        typography: report.typography,
        ..render::Options::new(fonts)
    })
}

/// Runs one batch.
pub fn run(campaign: &Campaign, opts: &Options) -> Result<Outcome, RunError> {
    let state_dir = campaign.state_dir();
    // A dry run works on a snapshot of the ledger in a temporary folder and
    // writes nothing under the campaign: no lock, no store, no report.
    let scratch = match opts.dry_run {
        true => Some(tempfile::tempdir().map_err(temp_error)?),
        false => None,
    };
    let _lock = match &scratch {
        None => Some(BatchLock::acquire(&state_dir)?),
        Some(_) => None,
    };
    let ledger = match &scratch {
        None => Ledger::open(&state_dir)?,
        Some(tmp) => Ledger::snapshot(&state_dir, tmp.path())?,
    };
    let notifier = notifier(campaign)?;
    let render_options = render_options(campaign)?;
    let real_now = Utc::now();
    let clock = opts
        .now
        .or_else(|| campaign.fixed_clock().map(|c| c.fixed_offset()))
        .unwrap_or_else(|| real_now.with_timezone(&campaign.tz).fixed_offset());
    let started = real_now.with_timezone(&campaign.tz).fixed_offset();
    let store = store(campaign, opts)?;
    let mut times = Timings::default();

    let batch = ledger.begin_batch(started, clock)?;
    let intake_started = Instant::now();
    let intake = intake(campaign, opts, &ledger, &store, batch, clock, real_now)?;
    let intake_time = intake_started.elapsed();
    times.add(
        timings::INTAKE,
        intake_time.saturating_sub(intake.inspect_time),
    );
    times.add(timings::INSPECT, intake.inspect_time);
    times.photos = intake.photos_decoded;
    crash_point(opts, Stage::Intake);

    let (assessment, report, status) = times.time(timings::ASSESS, || {
        let (versions, unreadable) = ledger.all_versions()?;
        let assessment = assess::assess(campaign, &versions, clock);
        let report = report::build::build(campaign, &assessment, &store, started);
        let unreachable = notify::plan::unreachable(campaign, &assessment);
        let status = status::build(
            campaign,
            &assessment,
            &intake,
            batch,
            &unreadable,
            unreachable,
        );
        Ok::<_, RunError>((assessment, report, status))
    })?;
    let outputs = match opts.dry_run {
        true => None,
        false => Some(render::write_all(
            &report,
            &render_options,
            &campaign.output_dir().join(&campaign.file.campaign.id),
            &clock.format("%Y%m%d-%H%M").to_string(),
            opts.rebuild_report,
        )?),
    };
    if let Some(o) = &outputs {
        times.extend(&o.timings);
    }
    crash_point(opts, Stage::Render);

    let queueing = Instant::now();
    let previous = ledger.previous_states(batch)?;
    let threads = ledger.mail_threads()?;
    let inputs = notify::plan::plan(
        campaign,
        &assessment,
        &report,
        &notify::plan::Batch {
            id: batch,
            intake: &intake,
            outputs: outputs.as_ref(),
            previous: &previous,
            threads: &threads,
        },
    );
    let queued = ledger.commit_batch(
        batch,
        &assessment_rows(campaign, &assessment),
        |ledger| {
            let queued = match &notifier {
                Some(n) => n.queue(ledger, &inputs, clock)?,
                None => 0,
            };
            crash_point(opts, Stage::Queue);
            Ok::<_, RunError>(queued)
        },
        Utc::now().with_timezone(&campaign.tz).fixed_offset(),
        &serde_json::to_string(&status).map_err(LedgerError::Json)?,
    )?;
    times.add(timings::NOTIFY, queueing.elapsed());

    let delivering = Instant::now();
    let delivery = deliver(campaign, opts, &ledger, clock)?;
    let mut status = status;
    status.delivery = ledger.delivery_state()?;
    times.add(timings::NOTIFY, delivering.elapsed());
    Ok(Outcome {
        batch,
        status,
        outputs,
        queued,
        delivery,
        timings: times,
        inspected: intake.inspected,
    })
}

fn temp_error(source: std::io::Error) -> RunError {
    RunError::Lock {
        path: std::env::temp_dir(),
        source,
    }
}

/// The store of submitted files: read-only in a dry run; otherwise first
/// rid of the temporary files of a batch that died between writing and
/// renaming (the lock says no other batch is writing them).
fn store(campaign: &Campaign, opts: &Options) -> Result<Store, RunError> {
    let state_dir = campaign.state_dir();
    if opts.dry_run {
        return Store::new(&state_dir).read_only().map_err(temp_error);
    }
    let out = campaign.output_dir().join(&campaign.file.campaign.id);
    let left = crate::atomic::remove_leftovers(&state_dir) + crate::atomic::remove_leftovers(&out);
    if left > 0 {
        tracing::info!("删除上次批处理中断时留下的临时文件{left}个");
    }
    Ok(Store::new(&state_dir))
}

/// Intake, committed on its own: arrival times are facts.
fn intake(
    campaign: &Campaign,
    opts: &Options,
    ledger: &Ledger,
    store: &Store,
    batch: i64,
    clock: DateTime<FixedOffset>,
    real_now: DateTime<Utc>,
) -> Result<intake::Report, RunError> {
    let tx = ledger.begin()?;
    let file = &campaign.file;
    let intake_opts = intake::Options {
        settle: Duration::from_secs(opts.settle.unwrap_or(file.intake.settle_seconds)),
        real_now,
        clock,
        limits: file.limits.clone(),
        mailbox: file
            .intake
            .imap
            .clone()
            .map(|config| intake::mailbox::Account {
                config,
                base: campaign.root.clone(),
            }),
    };
    let progress = progress_bar(opts.progress);
    let report = intake::run(
        &campaign.inbox(),
        ledger,
        store,
        batch,
        &intake_opts,
        &progress,
    )?;
    tx.commit()?;
    Ok(report)
}

/// The assessment as the ledger keeps it.
fn assessment_rows<'a>(campaign: &'a Campaign, a: &'a Assessment) -> Vec<AssessmentRow<'a>> {
    a.activities
        .iter()
        .flat_map(|st| {
            let act = &campaign.activities[st.activity];
            st.items.iter().map(move |item| AssessmentRow {
                activity: &act.id,
                unit: &campaign.roster.units[act.unit].name,
                deliverable: &campaign.deliverables[item.deliverable].id,
                state: item.state,
                detail: &item.detail,
                due: item.due,
                completed: item.completed,
                late_workdays: item.late_workdays,
            })
        })
        .collect()
}

/// Delivers the queued mail, unless this is a dry run, `--no-send`, or the
/// campaign has no `[mail]`.
fn deliver(
    campaign: &Campaign,
    opts: &Options,
    ledger: &Ledger,
    clock: DateTime<FixedOffset>,
) -> Result<Option<outbox::DeliveryReport>, RunError> {
    let Some(cfg) = campaign
        .file
        .mail
        .as_ref()
        .filter(|_| !opts.dry_run && !opts.no_send)
    else {
        return Ok(None);
    };
    let outbox_dir = campaign
        .output_dir()
        .join(&campaign.file.campaign.id)
        .join("outbox");
    let mut transport = notify::transport::from_config(cfg, &outbox_dir, Some(&campaign.root))?;
    Ok(Some(outbox::deliver_pending(
        ledger,
        transport.as_mut(),
        &cfg.limits(),
        clock,
    )?))
}

fn notifier(campaign: &Campaign) -> Result<Option<Notifier>, RunError> {
    let Some(cfg) = &campaign.file.mail else {
        return Ok(None);
    };
    let templates = notify::templates::Templates::load(&campaign.templates_dir())?;
    let f = &campaign.file;
    let mut n = Notifier::new(
        cfg,
        &f.campaign.id,
        &f.campaign.title,
        &f.campaign.office,
        templates,
        campaign.calendar.clone(),
    );
    n.reminders = f.reminders.clone();
    n.report_mail = f.report_mail.clone();
    n.office_phone = f.office.phone.clone().unwrap_or_default();
    n.office_contact = f.office.contact.clone().unwrap_or_default();
    Ok(Some(n))
}

/// Aborts the process after `stage` when a crash test asks for it.
fn crash_point(opts: &Options, stage: Stage) {
    if opts.fail_after == Some(stage) {
        eprintln!("（测试）模拟崩溃：在“{stage}”之后中止");
        std::process::abort();
    }
}
