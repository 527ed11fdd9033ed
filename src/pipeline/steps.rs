//! The parts of a batch that are not a stage's own call: the lock, the
//! options each stage is handed, the commits, the assessment as the
//! ledger keeps it, the by-products, delivery.

use std::fs::File;
use std::io::IsTerminal;
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::archive;
use crate::assess::Assessment;
use crate::campaign::Campaign;
use crate::intake;
use crate::ledger::{AssessmentRow, Ledger};
use crate::notice::{Notice, Notices};
use crate::notify::{self, Notifier, outbox};
use crate::portal;
use crate::render::html::Extras;
use crate::render::{self, FontSet, Outputs};
use crate::report::Report;
use crate::store::{Scratch, Store};
use crate::timings::{self, Timings};
use crate::wording;

use super::{CrashPoint, Options, RunError};

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

/// A batch begun in the ledger. Dropped before it commits (an error, a
/// panic), it is abandoned instead of left `running`, so the next batch
/// does not count it; after the commit, dropping it changes nothing.
pub(super) struct Begun<'a> {
    ledger: &'a Ledger,
    pub id: i64,
}

impl<'a> Begun<'a> {
    pub fn new(
        ledger: &'a Ledger,
        started: DateTime<FixedOffset>,
        clock: DateTime<FixedOffset>,
    ) -> Result<Begun<'a>, RunError> {
        let id = ledger.begin_batch(started, clock)?;
        Ok(Begun { ledger, id })
    }
}

impl Drop for Begun<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.ledger.abandon_batch(self.id) {
            tracing::warn!("第{}批未完成，也无法在台账中结束它: {e}", self.id);
        }
    }
}

/// The ledger a batch works on: the campaign's, under its lock; in a dry
/// run a snapshot in a scratch folder under `state/tmp/`, with no lock
/// and nothing else written under the campaign. Fields drop in order: the
/// ledger closes first.
pub(super) struct OpenLedger {
    pub ledger: Ledger,
    _lock: Option<BatchLock>,
    _scratch: Option<Scratch>,
}

pub(super) fn open_ledger(
    campaign: &Campaign,
    opts: &Options,
    store: &Store,
) -> Result<OpenLedger, RunError> {
    let state_dir = campaign.state_dir();
    if opts.dry_run {
        let scratch = store.scratch().map_err(|e| scratch_error(campaign, e))?;
        return Ok(OpenLedger {
            ledger: Ledger::snapshot(&state_dir, scratch.path())?,
            _lock: None,
            _scratch: Some(scratch),
        });
    }
    let lock = BatchLock::acquire(&state_dir)?;
    // Under the lock, no other batch writes there: what runs that died
    // left is removed.
    let out = campaign.output_dir().join(&campaign.file.campaign.id);
    let left = store.sweep() + crate::atomic::remove_leftovers(&out);
    if left > 0 {
        tracing::info!("删除上次批处理中断时留下的临时文件{left}个");
    }
    Ok(OpenLedger {
        ledger: Ledger::open(&state_dir)?,
        _lock: Some(lock),
        _scratch: None,
    })
}

/// The time the batch judges by: `--now`, else campaign.toml's `clock`,
/// else now in the campaign's zone.
pub(super) fn clock(
    campaign: &Campaign,
    opts: &Options,
    real_now: DateTime<Utc>,
) -> DateTime<FixedOffset> {
    opts.now
        .or_else(|| campaign.fixed_clock().map(|c| c.fixed_offset()))
        .unwrap_or_else(|| real_now.with_timezone(&campaign.tz).fixed_offset())
}

pub(super) fn progress_bar(show: bool) -> ProgressBar {
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
pub fn render_options(campaign: &Campaign) -> Result<render::Options, RunError> {
    let report = &campaign.file.report;
    let legacy = report
        .font
        .as_deref()
        .map(|p| (p, report.font_index.unwrap_or(0)));
    let fonts = FontSet::find(&report.fonts, legacy, &campaign.root)?;
    Ok(render::Options {
        typography: report.typography,
        board: render::html::Templates::load(&campaign.templates_dir().join("board"))?,
        ..render::Options::new(fonts)
    })
}

fn scratch_error(campaign: &Campaign, source: std::io::Error) -> RunError {
    RunError::Lock {
        path: campaign.state_dir().join("tmp"),
        source,
    }
}

/// The store of submitted files: read-only in a dry run (what it unpacks
/// goes to a scratch folder under `state/tmp/`).
pub(super) fn store(campaign: &Campaign, opts: &Options) -> Result<Store, RunError> {
    let store = Store::new(&campaign.state_dir());
    match opts.dry_run {
        true => store.read_only().map_err(|e| scratch_error(campaign, e)),
        false => Ok(store),
    }
}

/// How intake runs in this batch: the inbox, campaign.toml's `[intake]`
/// and `[limits]`, the clocks.
pub(super) fn intake_options(
    campaign: &Campaign,
    opts: &Options,
    clock: DateTime<FixedOffset>,
    real_now: DateTime<Utc>,
) -> intake::Options {
    let file = &campaign.file;
    intake::Options {
        inbox: campaign.inbox(),
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
    }
}

/// Intake: what the ledger knows read once, the inbox and the mailbox read
/// against it, and what was observed written in one call, committed on
/// its own: arrival times are facts.
pub(super) fn intake(
    ledger: &Ledger,
    store: &Store,
    batch: i64,
    intake_opts: &intake::Options,
    progress: bool,
) -> Result<intake::IntakeSummary, RunError> {
    let progress = progress_bar(progress);
    let known = ledger.intake_snapshot(batch)?;
    let intake::Intake {
        mut summary,
        record,
    } = intake::run(&known, store, intake_opts, &progress)?;
    drop(known);
    summary.gone = ledger.record_intake(batch, &record)?;
    Ok(summary)
}

/// Each item's detail, in the order of [`assessment_rows`].
pub(super) fn item_details(campaign: &Campaign, a: &Assessment) -> Vec<String> {
    a.activities
        .iter()
        .flat_map(|st| &st.items)
        .map(|item| wording::detail(campaign, a, item))
        .collect()
}

/// The assessment as the ledger keeps it, each item with its detail from
/// [`item_details`].
pub(super) fn assessment_rows<'a>(
    campaign: &'a Campaign,
    a: &'a Assessment,
    details: &'a [String],
) -> Vec<AssessmentRow<'a>> {
    a.activities
        .iter()
        .flat_map(|st| {
            let act = &campaign.activities[st.activity];
            st.items.iter().map(move |item| (act, item))
        })
        .zip(details)
        .map(|((act, item), detail)| AssessmentRow {
            activity: &act.id,
            unit: &campaign.roster.units[act.unit].name,
            deliverable: &campaign.deliverables[item.deliverable].id,
            state: item.state,
            detail,
            due: item.due,
            completed: item.completed,
            late_workdays: item.late_workdays,
            activity_time: &act.time_text,
        })
        .collect()
}

/// The unit each file of the inbox was counted for, by content, for the
/// ledger: the next batch acknowledges a file registered to a unit since.
pub(super) fn owners<'a>(campaign: &'a Campaign, a: &'a Assessment) -> Vec<(&'a str, &'a str)> {
    a.files
        .iter()
        .filter(|f| !f.gone && !f.embedded)
        .filter_map(|f| {
            Some((
                f.hash.as_str(),
                campaign.roster.units[f.unit?].name.as_str(),
            ))
        })
        .collect()
}

/// What the batch's by-products are made from beside its results: the
/// campaign, where it keeps things and how it renders.
pub(super) struct Sources<'a> {
    pub campaign: &'a Campaign,
    pub ledger: &'a Ledger,
    pub store: &'a Store,
    pub render_options: &'a render::Options,
}

/// The 归档 bundles due (see [`archive::after_batch`]) and the portal
/// drafts. They are by-products: a failure joins the batch's notices and
/// the mail still goes. Returns the bundles made and how many drafts there
/// are.
pub(super) fn by_products(
    sources: &Sources,
    received: archive::Received,
    assessment: &Assessment,
    outputs: &Outputs,
    notices: &mut Notices,
    times: &mut Timings,
) -> (Vec<archive::Bundle>, usize) {
    let Sources {
        campaign,
        ledger,
        store,
        render_options,
    } = *sources;
    let archived = times
        .time(timings::ARCHIVE, || {
            archive::after_batch(
                campaign,
                ledger,
                store,
                render_options,
                received,
                assessment,
                Some(outputs),
            )
        })
        .unwrap_or_else(|e| {
            notices.push(Notice::warning(format!("归档包未能生成：{e}")));
            Vec::new()
        });
    let drafts = times
        .time(timings::PORTAL, || {
            portal::write_drafts(campaign, store, assessment)
        })
        .map(|made| made.len())
        .unwrap_or_else(|e| {
            notices.push(Notice::warning(format!("专栏稿未能生成：{e}")));
            0
        });
    (archived, drafts)
}

/// Publishes the board again with the mail this batch queued, and how it
/// went, in place of `board`'s outbox. The batch is done and the board of
/// its report stands: a failure here only leaves that board's older list
/// of mail, and is returned as a warning for the terminal.
pub(super) fn republish_board(
    ledger: &Ledger,
    report: &Report,
    board: Extras,
    outputs: &Outputs,
    options: &render::Options,
) -> Result<Option<Notice>, RunError> {
    let tz = board.generated.timezone();
    let extras = Extras {
        messages: &outbox::board_lines(&ledger.outbox_list(true)?, tz),
        ..board
    };
    Ok(
        render::html::publish(report, &extras, &options.board, &outputs.dir)
            .err()
            .map(|e| Notice::warning(format!("状态板的邮件列表未能更新：{e}"))),
    )
}

/// Delivers the queued mail, unless this is a dry run, `--no-send`, or the
/// campaign has no `[mail]`.
pub(super) fn deliver(
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

pub(super) fn notifier(campaign: &Campaign) -> Result<Option<Notifier>, RunError> {
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
pub(super) fn crash_point(opts: &Options, stage: CrashPoint) {
    if opts.fail_after == Some(stage) {
        eprintln!("（测试）模拟崩溃：在“{stage}”之后中止");
        std::process::abort();
    }
}
