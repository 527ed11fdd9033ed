//! One batch, end to end: `baosong run`.
//!
//! ```text
//! lock → begin batch → intake (commit) → assess → render (atomic files)
//!      → one transaction: assessments + queued mail + batch done
//!      → deliver queued mail (each message commits on its own)
//! ```
//!
//! A crash before the last transaction leaves the files recorded (their
//! arrival times are facts) and nothing else: the next batch assesses again
//! and queues what this one would have. A crash after it loses nothing
//! either: queued mail is delivered by the next batch. `--dry-run` runs the
//! same code inside one transaction that is rolled back and writes no file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::IsTerminal;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::assess::{self, Assessment};
use crate::campaign::Campaign;
use crate::inspect::Verdict;
use crate::intake::{self, store::Store};
use crate::ledger::{Ledger, LedgerError};
use crate::model::State;
use crate::notify::{self, Notifier, outbox};
use crate::render::{self, FontSet, Outputs};
use crate::report::{self, FileLine, printable};
use crate::timings::{self, Timings};

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
    #[error(transparent)]
    Outbox(#[from] outbox::OutboxError),
    #[error("邮件发送配置错误: {0}")]
    Transport(#[from] notify::transport::TransportError),
    #[error("邮件模板错误: {0}")]
    Templates(#[from] notify::templates::TemplateError),
    #[error("数据库操作失败: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error(transparent)]
    Portal(#[from] crate::portal::PortalError),
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

/// The machine-readable state of a campaign after a batch (`status --json`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Status {
    pub campaign: String,
    pub title: String,
    pub batch: i64,
    /// The evaluation clock, RFC 3339.
    pub clock: String,
    pub time_zone: String,
    pub units: Vec<UnitStatus>,
    /// Activities counted by overall state.
    pub counts: BTreeMap<String, usize>,
    pub unassigned: Vec<FileLine>,
    pub unclassified: Vec<FileLine>,
    pub invalid: Vec<FileLine>,
    /// Files still being copied, left for the next batch.
    pub receiving: Vec<String>,
    /// Hidden, temporary and lock files skipped.
    pub ignored: usize,
    pub questions: Vec<String>,
    pub warnings: Vec<String>,
    /// Mail that failed, may have been delivered or is still being retried,
    /// read from the outbox when the status is shown.
    #[serde(default)]
    pub delivery: outbox::DeliveryState,
}

/// One unit in the status.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct UnitStatus {
    pub unit: String,
    pub activities: Vec<ActivityStatusJson>,
}

/// One activity in the status.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ActivityStatusJson {
    pub seq: String,
    pub theme: String,
    pub time: String,
    pub state: State,
    pub label: String,
    pub deliverables: Vec<ItemJson>,
}

/// One deliverable in the status.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ItemJson {
    pub id: String,
    pub name: String,
    pub state: State,
    pub label: String,
    pub detail: String,
    pub due: Option<String>,
    /// The deadline, RFC 3339, for sorting.
    #[serde(default)]
    pub due_at: Option<String>,
    pub completed: Option<String>,
    pub late_workdays: Option<i64>,
    pub counted: usize,
    pub needed: usize,
    pub files: Vec<String>,
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
pub fn render_options(campaign: &Campaign) -> Result<render::Options, RunError> {
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
    let scratch = if opts.dry_run {
        Some(tempfile::tempdir().map_err(|source| RunError::Lock {
            path: std::env::temp_dir(),
            source,
        })?)
    } else {
        None
    };
    let _lock = match &scratch {
        None => Some(BatchLock::acquire(&state_dir)?),
        Some(_) => None,
    };
    let ledger = match &scratch {
        None => Ledger::open(&state_dir)?,
        Some(tmp) => Ledger::snapshot(&state_dir, tmp.path())?,
    };
    outbox::ensure_schema(&ledger.conn)?;
    let notifier = notifier(campaign)?;
    let render_options = render_options(campaign)?;

    let tz = campaign.tz;
    let real_now = Utc::now();
    let clock = opts
        .now
        .or_else(|| campaign.fixed_clock().map(|c| c.fixed_offset()))
        .unwrap_or_else(|| real_now.with_timezone(&tz).fixed_offset());
    let started = real_now.with_timezone(&tz).fixed_offset();
    let store = if opts.dry_run {
        Store::new(&state_dir)
            .read_only()
            .map_err(|source| RunError::Lock {
                path: std::env::temp_dir(),
                source,
            })?
    } else {
        // Temporary files of a batch that died between writing and
        // renaming; the lock says no other batch is writing them.
        let out = campaign.output_dir().join(&campaign.file.campaign.id);
        let left =
            crate::atomic::remove_leftovers(&state_dir) + crate::atomic::remove_leftovers(&out);
        if left > 0 {
            tracing::info!("删除上次批处理中断时留下的临时文件{left}个");
        }
        Store::new(&state_dir)
    };
    let mut outcome = batch(
        campaign,
        opts,
        &ledger,
        &store,
        &notifier,
        &render_options,
        clock,
        started,
        real_now,
    )?;
    let delivering = Instant::now();
    if !opts.dry_run
        && !opts.no_send
        && let Some(cfg) = &campaign.file.mail
    {
        let outbox_dir = campaign
            .output_dir()
            .join(&campaign.file.campaign.id)
            .join("outbox");
        let mut transport = notify::transport::from_config(cfg, &outbox_dir, Some(&campaign.root))?;
        outcome.delivery = Some(outbox::deliver_pending(
            &ledger.conn,
            transport.as_mut(),
            &cfg.limits(),
            clock,
        )?);
    }
    outcome.status.delivery = outbox::delivery_state(&ledger.conn)?;
    outcome.timings.add(timings::NOTIFY, delivering.elapsed());
    Ok(outcome)
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

#[allow(clippy::too_many_arguments)]
fn batch(
    campaign: &Campaign,
    opts: &Options,
    ledger: &Ledger,
    store: &Store,
    notifier: &Option<Notifier>,
    render_options: &render::Options,
    clock: DateTime<FixedOffset>,
    started: DateTime<FixedOffset>,
    real_now: DateTime<Utc>,
) -> Result<Outcome, RunError> {
    let batch = ledger.begin_batch(started, clock)?;
    let previous_done = last_done_before(ledger, batch)?;

    // Intake, committed on its own: arrival times are facts.
    let mut times = Timings::default();
    let intake_started = Instant::now();
    let progress = progress_bar(opts.progress);
    let sp = ledger.conn.unchecked_transaction()?;
    let intake_opts = intake::Options {
        settle: Duration::from_secs(opts.settle.unwrap_or(campaign.file.intake.settle_seconds)),
        real_now,
        clock,
        limits: campaign.file.limits.clone(),
        mailbox: campaign
            .file
            .intake
            .imap
            .clone()
            .map(|config| intake::mailbox::Account {
                config,
                base: campaign.root.clone(),
            }),
    };
    let intake = intake::run(
        &campaign.inbox(),
        ledger,
        store,
        batch,
        &intake_opts,
        &progress,
    )?;
    sp.commit()?;
    times.add(
        timings::INTAKE,
        intake_started.elapsed().saturating_sub(intake.inspect_time),
    );
    times.add(timings::INSPECT, intake.inspect_time);
    times.photos = intake.photos_decoded;
    crash_point(opts, Stage::Intake);

    let (assessment, report, status) = times.time(timings::ASSESS, || {
        let versions = ledger.all_versions()?;
        let assessment = assess::assess(campaign, &versions, clock);
        let report = report::build::build(campaign, &assessment, store, started);
        let status = status(campaign, &assessment, &intake, batch);
        Ok::<_, RunError>((assessment, report, status))
    })?;

    let outputs = if opts.dry_run {
        None
    } else {
        let stamp = clock.format("%Y%m%d-%H%M").to_string();
        let root = campaign.output_dir().join(&campaign.file.campaign.id);
        Some(render::write_all(
            &report,
            render_options,
            &root,
            &stamp,
            opts.rebuild_report,
        )?)
    };
    if let Some(o) = &outputs {
        times.extend(&o.timings);
        crate::archive::after_deadlines(campaign, ledger, store, render_options, &assessment)?;
        crate::portal::write_drafts(campaign, store, &assessment)?;
    }
    let queueing = Instant::now();
    crash_point(opts, Stage::Render);

    let tx = ledger.conn.unchecked_transaction()?;
    save_assessment(&tx, batch, campaign, &assessment)?;
    let queued = match notifier {
        Some(n) => queue_mail(
            &tx,
            n,
            campaign,
            &assessment,
            &report,
            outputs.as_ref(),
            batch,
            previous_done,
            &intake,
        )?,
        None => 0,
    };
    crash_point(opts, Stage::Queue);
    let snapshot = serde_json::to_string(&status).map_err(LedgerError::Json)?;
    ledger.finish_batch(
        batch,
        Utc::now().with_timezone(&campaign.tz).fixed_offset(),
        &snapshot,
    )?;
    tx.commit()?;
    times.add(timings::NOTIFY, queueing.elapsed());
    Ok(Outcome {
        batch,
        status,
        outputs,
        queued,
        delivery: None,
        timings: times,
        inspected: intake.inspected,
    })
}

fn report_file(path: &std::path::Path) -> notify::policy::ReportFile {
    notify::policy::ReportFile {
        path: path.to_owned(),
        bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
    }
}

/// Aborts the process after `stage` when a crash test asks for it.
fn crash_point(opts: &Options, stage: Stage) {
    if opts.fail_after == Some(stage) {
        eprintln!("（测试）模拟崩溃：在“{stage}”之后中止");
        std::process::abort();
    }
}

fn last_done_before(ledger: &Ledger, batch: i64) -> Result<i64, RunError> {
    Ok(ledger.conn.query_row(
        "SELECT COALESCE(MAX(id), 0) FROM batches WHERE status = 'done' AND id < ?1",
        [batch],
        |r| r.get(0),
    )?)
}

fn save_assessment(
    tx: &rusqlite::Transaction<'_>,
    batch: i64,
    campaign: &Campaign,
    a: &Assessment,
) -> Result<(), RunError> {
    let mut stmt = tx.prepare(
        "INSERT INTO assessments (batch_id, activity, unit, deliverable, state, detail, due, completed_at, late_workdays)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        for item in &st.items {
            stmt.execute(rusqlite::params![
                batch,
                act.id,
                campaign.roster.units[act.unit].name,
                campaign.deliverables[item.deliverable].id,
                serde_json::to_value(item.state)
                    .map_err(LedgerError::Json)?
                    .as_str(),
                item.detail,
                item.due.map(|d| d.to_rfc3339()),
                item.completed.map(|d| d.to_rfc3339()),
                item.late_workdays,
            ])?;
        }
    }
    Ok(())
}

/// Builds the status from an assessment.
pub fn status(campaign: &Campaign, a: &Assessment, intake: &intake::Report, batch: i64) -> Status {
    let tz = a.clock.timezone();
    let fmt = |t: DateTime<FixedOffset>| report::format_time(t.with_timezone(&tz));
    let mut units: Vec<UnitStatus> = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let name = &campaign.roster.units[act.unit].name;
        *counts.entry(st.overall.label().to_string()).or_default() += 1;
        let entry = ActivityStatusJson {
            seq: act.seq.clone(),
            theme: act.theme.clone(),
            time: act.time_text.clone(),
            state: st.overall,
            label: st.overall.label().to_string(),
            deliverables: st
                .items
                .iter()
                .map(|i| ItemJson {
                    id: campaign.deliverables[i.deliverable].id.clone(),
                    name: campaign.deliverables[i.deliverable].name.clone(),
                    state: i.state,
                    label: report::build::cell_text(i),
                    detail: i.detail.clone(),
                    due: i.due.map(fmt),
                    due_at: i.due.map(|t| t.to_rfc3339()),
                    completed: i.completed.map(fmt),
                    late_workdays: i.late_workdays,
                    counted: i.counted,
                    needed: i.needed,
                    files: i
                        .files
                        .iter()
                        .map(|&f| printable(&a.files[f].path))
                        .collect(),
                })
                .collect(),
        };
        match units.iter_mut().find(|u| &u.unit == name) {
            Some(u) => u.activities.push(entry),
            None => units.push(UnitStatus {
                unit: name.clone(),
                activities: vec![entry],
            }),
        }
    }
    let mut warnings = a.warnings.clone();
    warnings.extend(unreachable(campaign, a));
    warnings.extend(intake.mailbox.faults.iter().cloned());
    for (path, why) in &intake.unreadable {
        warnings.push(printable(&format!("{path}: 无法读取（{why}）")));
    }
    for link in &intake.outside_links {
        warnings.push(format!("{}: 链接指向收件箱以外，未读取", printable(link)));
    }
    for name in &intake.lossy_names {
        warnings.push(format!(
            "{}: 文件名含无法识别的字符（非UTF-8），请改名后重新报送",
            printable(name)
        ));
    }
    for line in skipped(intake) {
        warnings.push(format!("{line}: 不是普通文件，已跳过"));
    }
    let (unassigned, unclassified, invalid) = report::build::file_lines(campaign, a);
    Status {
        campaign: campaign.file.campaign.id.clone(),
        title: campaign.file.campaign.title.clone(),
        batch,
        clock: a.clock.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        time_zone: campaign.file.campaign.timezone.clone(),
        units,
        counts,
        unassigned,
        unclassified,
        invalid,
        receiving: intake.receiving.iter().map(|p| printable(p)).collect(),
        ignored: intake.ignored,
        questions: a.questions.clone(),
        warnings,
        delivery: outbox::DeliveryState::default(),
    }
}

/// The special files intake skipped, as "path（kind）".
fn skipped(intake: &intake::Report) -> Vec<String> {
    intake
        .special
        .iter()
        .map(|(path, kind)| format!("{}（{kind}）", printable(path)))
        .collect()
}

/// Units that still owe something but have no address a reminder can go
/// to: the office must chase them itself, so it is told every night, in one
/// line naming them all.
fn unreachable(campaign: &Campaign, a: &Assessment) -> Option<String> {
    campaign.file.mail.as_ref()?; // without [mail] no one is written to
    let names: Vec<&str> = campaign
        .roster
        .units
        .iter()
        .enumerate()
        .filter(|(ui, unit)| {
            let owes = a
                .activities
                .iter()
                .filter(|s| s.unit == *ui)
                .any(|s| s.items.iter().any(|i| i.state.is_open()));
            owes && !unit
                .emails()
                .any(|e| notify::message::parse_mailbox(e).is_ok())
        })
        .map(|(_, unit)| unit.name.as_str())
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "无法发送催报：{}没有有效邮箱（请在活动安排表的联系人表或campaign.toml的[[units]]中补充，或另行通知）",
            names.join("、")
        )
    })
}

/// Queues receipts, reminders, the report mail and the digest.
#[allow(clippy::too_many_arguments)]
fn queue_mail(
    tx: &rusqlite::Transaction<'_>,
    n: &Notifier,
    campaign: &Campaign,
    a: &Assessment,
    report: &report::Report,
    outputs: Option<&Outputs>,
    batch: i64,
    previous_done: i64,
    intake: &intake::Report,
) -> Result<usize, RunError> {
    use notify::policy::*;
    let clock = a.clock;
    let tz = clock.timezone();
    let zone = report::build::zone_label(campaign);
    let shown = |t: DateTime<FixedOffset>| {
        format!("{}（{zone}）", report::format_time(t.with_timezone(&tz)))
    };
    let mut queued = 0;
    let mut count = |q: Option<outbox::Queued>| {
        if matches!(q, Some(outbox::Queued::New(_))) {
            queued += 1;
        }
    };
    for (ui, unit) in campaign.roster.units.iter().enumerate() {
        // Addressed by the unit's name, as the office would write it.
        let contacts: Vec<_> = unit
            .emails()
            .filter_map(|e| notify::message::parse_mailbox(e).ok())
            .map(|mut m| {
                m.name.get_or_insert_with(|| unit.name.clone());
                m
            })
            .collect();
        let mut obligations = Vec::new();
        let mut missing = Vec::new();
        for st in a.activities.iter().filter(|s| s.unit == ui) {
            let act = &campaign.activities[st.activity];
            for item in &st.items {
                let d = &campaign.deliverables[item.deliverable];
                let due_display = item.due.map(shown).unwrap_or_else(|| "（未能计算）".into());
                // What is missing, in a unit's message; the deadline and
                // how late are said after it, once.
                let short = match item.state {
                    State::Incomplete | State::Invalid => item.detail.clone(),
                    _ => "尚未报送".to_string(),
                };
                if item.state.is_open() {
                    let passed = item.due.filter(|&due| clock >= due);
                    missing.push(MissingItem {
                        deliverable: format!("{}（{}）", d.name, act.theme),
                        detail: short.clone(),
                        due: due_display.clone(),
                        overdue: passed.is_some(),
                        overdue_days: passed.map_or(0, |due| {
                            campaign
                                .calendar
                                .workdays_between(
                                    crate::campaign::deadline::last_day(&due),
                                    clock.date_naive(),
                                )
                                .0
                        }),
                    });
                }
                if let Some(due) = item.due {
                    obligations.push(Obligation {
                        activity_id: act.id.clone(),
                        activity: act.theme.clone(),
                        deliverable: d.name.clone(),
                        state: item.state,
                        due,
                        due_display,
                        detail: short,
                    });
                }
            }
        }
        let sent: Vec<_> = a
            .files
            .iter()
            // A photo pasted into a Word file is part of that file, not a
            // file the unit sent.
            .filter(|f| f.unit == Some(ui) && f.batch_id > previous_done && !f.embedded)
            .collect();
        let thread = crate::ledger::mail_thread(tx, sent.iter().map(|f| (f.arrived, &*f.path)))?
            .map(|(message_id, subject)| notify::message::Thread {
                message_id,
                subject,
            });
        let new_files: Vec<ReceivedFile> = sent
            .iter()
            .map(|f| ReceivedFile {
                name: f.as_the_unit_knows_it(&tz),
                size: f.size,
                arrived: shown(f.arrived),
                verdict_label: f.inspection.verdict.label().to_string(),
                accepted: f.inspection.verdict != Verdict::Reject,
                reason: f
                    .inspection
                    .reason
                    .clone()
                    .or_else(|| (!f.flags.is_empty()).then(|| f.flags.join("；")))
                    .map(|r| printable(&r)),
                instead: None,
            })
            .collect();
        count(n.queue_receipt(
            tx,
            &ReceiptInput {
                unit: unit.name.clone(),
                contacts: contacts.clone(),
                batch_id: batch.to_string(),
                files: new_files,
                still_missing: missing,
                thread,
            },
            clock,
        )?);
        count(
            n.queue_reminder(
                tx,
                &ReminderInput {
                    unit: unit.name.clone(),
                    contacts,
                    obligations,
                },
                clock,
            )?
            .ok(),
        );
    }
    if let Some(out) = outputs {
        let deadline_dates: BTreeSet<_> = a
            .activities
            .iter()
            .flat_map(|s| s.items.iter().filter_map(|i| i.due))
            .map(|d| crate::campaign::deadline::last_day(&d))
            .collect();
        count(
            n.queue_report_mail(
                tx,
                &ReportInput {
                    counts: report
                        .overview
                        .by_state
                        .iter()
                        .map(|c| (c.label.clone(), c.count))
                        .collect(),
                    units: report.overview.units,
                    activities: report.overview.activities,
                    as_of: report.as_of.clone(),
                    deadline_dates: deadline_dates.into_iter().collect(),
                    all_complete: a.activities.iter().all(|s| !s.overall.is_open()),
                    pdf: report_file(&out.pdf),
                    docx: Some(report_file(&out.docx)),
                    xlsx: Some(report_file(&out.xlsx)),
                },
                clock,
            )?,
        );
    }
    let previous: BTreeMap<(String, String), String> = {
        let mut stmt =
            tx.prepare("SELECT activity, deliverable, state FROM assessments WHERE batch_id = ?1")?;
        stmt.query_map([previous_done], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut changes = Vec::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        for item in &st.items {
            let d = &campaign.deliverables[item.deliverable];
            let now = serde_json::to_value(item.state)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            if let Some(before) = previous.get(&(act.id.clone(), d.id.clone()))
                && *before != now
            {
                let label = |s: &str| {
                    serde_json::from_value::<State>(serde_json::Value::String(s.into()))
                        .map(|s| s.label().to_string())
                        .unwrap_or_else(|_| s.to_string())
                };
                changes.push(StateChange {
                    unit: campaign.roster.units[act.unit].name.clone(),
                    deliverable: format!("{}（{}）", d.name, act.theme),
                    from: label(before),
                    to: item.state.label().to_string(),
                });
            }
        }
    }
    count(
        n.queue_digest(
            tx,
            &DigestInput {
                batch_id: batch.to_string(),
                new_files: intake.new_versions.len(),
                changes,
                unassigned: a
                    .files
                    .iter()
                    .filter(|f| f.unassigned() && f.candidates.is_empty())
                    .map(|f| UnassignedFile {
                        path: printable(&f.path),
                        reason: f.unit_note.clone(),
                    })
                    .collect(),
                ambiguous: a
                    .files
                    .iter()
                    .filter(|f| f.unassigned() && !f.candidates.is_empty())
                    .map(|f| AmbiguousName {
                        name: printable(&f.path),
                        candidates: f
                            .candidates
                            .iter()
                            .map(|&u| campaign.roster.units[u].name.clone())
                            .collect(),
                    })
                    .collect(),
                notes: a
                    .warnings
                    .iter()
                    .cloned()
                    .chain(unreachable(campaign, a))
                    .chain(intake.mailbox.faults.iter().cloned())
                    .chain(a.questions.iter().cloned())
                    .collect(),
                skipped: skipped(intake),
            },
            clock,
        )?,
    );
    Ok(queued)
}
