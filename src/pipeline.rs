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
//! same code on a copy of the ledger in a temporary folder and writes no file.

use std::time::Instant;

use chrono::Utc;

use crate::archive;
use crate::assess;
use crate::campaign::Campaign;
use crate::ledger::{Ledger, LedgerError};
use crate::notify;
use crate::portal;
use crate::render;
use crate::report;
use crate::status;
use crate::timings::{self, Timings};

mod steps;
mod types;

pub use crate::status::{ActivityEntry, DeliverableEntry, StatusDocument, UnitEntry};
use steps::*;
pub use steps::{BatchLock, render_options};
pub use types::{CrashPoint, Options, Outcome, RunError};

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
    crash_point(opts, CrashPoint::Intake);

    let (assessment, report, mut status) = times.time(timings::ASSESS, || {
        let (versions, unreadable) = ledger.all_versions()?;
        let assessment = assess::assess(campaign, &versions, clock);
        let unreachable = notify::plan::unreachable(campaign, &assessment);
        let status = status::build(
            campaign,
            &assessment,
            &intake,
            batch,
            &unreadable,
            unreachable,
        );
        let seen = report::build::Batch {
            versions: &versions,
            messages: &notify::outbox::board_lines(&ledger.outbox_list(true)?, clock.timezone()),
            receiving: &status.receiving,
            ignored: status.ignored,
            warnings: &status.warnings,
        };
        let report = report::build::build(campaign, &assessment, &store, started, &seen);
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
    let (mut archived, mut drafts) = (Vec::new(), 0);
    if let Some(o) = &outputs {
        times.extend(&o.timings);
        // The 归档 bundle and the portal drafts are by-products: a failure
        // is reported with the batch's warnings and the mail still goes.
        match archive::after_deadlines(campaign, &ledger, &store, &render_options, &assessment) {
            Ok(made) => archived = made.into_iter().map(|b| b.zip).collect(),
            Err(e) => status.warnings.push(format!("归档包未能生成：{e}")),
        }
        match portal::write_drafts(campaign, &store, &assessment) {
            Ok(made) => drafts = made.len(),
            Err(e) => status.warnings.push(format!("专栏稿未能生成：{e}")),
        }
    }
    crash_point(opts, CrashPoint::Render);

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
            crash_point(opts, CrashPoint::Queue);
            Ok::<_, RunError>(queued)
        },
        Utc::now().with_timezone(&campaign.tz).fixed_offset(),
        &serde_json::to_string(&status).map_err(LedgerError::Json)?,
    )?;
    times.add(timings::NOTIFY, queueing.elapsed());

    let delivering = Instant::now();
    let delivery = deliver(campaign, opts, &ledger, clock)?;
    status.delivery = ledger.delivery_state()?;
    let mut report = report;
    if let Some(o) = &outputs {
        // The board lists the mail this batch queued, and how it went, too.
        // The batch is done and the board of its report stands: a failure
        // here only leaves that board's older list of mail.
        report.messages = notify::outbox::board_lines(&ledger.outbox_list(true)?, clock.timezone());
        if let Err(e) = render::html::publish(&report, &o.dir) {
            tracing::warn!("状态板的邮件列表未能更新：{e}");
        }
    }
    times.add(timings::NOTIFY, delivering.elapsed());
    Ok(Outcome {
        batch,
        status,
        outputs,
        queued,
        delivery,
        timings: times,
        inspected: intake.inspected,
        report,
        archived,
        drafts,
    })
}
