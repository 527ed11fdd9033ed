//! One batch, end to end: `baosong run`. Each step is one call into its
//! stage; the ledger is written at five points: the batch's start, intake's
//! one transaction, each 归档 bundle recorded, the end's transaction, and
//! each message delivered.
//!
//! ```text
//! folders checked → lock (+ sweep state/tmp) → begin batch
//!      → ledger.intake_snapshot → intake::run (pure of the ledger)
//!      → ledger.record_intake (one transaction: arrival times are facts)
//!      → assess → report::build
//!      → render::write_all (atomic files; the board with the outbox so far)
//!      → 归档 bundles (recorded) + portal drafts (a failure is a notice)
//!      → notify::plan (pure) → status
//!      → ledger.commit_batch: assessments + queued mail + status + batch done
//!      → deliver queued mail (each message commits on its own)
//!      → the board again, with the outbox as delivery left it
//! ```
//!
//! Every step's findings for the office join one [`Notices`] (the
//! campaign's, the assessment's, the ledger's, intake's, the by-products'),
//! which the report, the digest and the status each print once; a board
//! that could not be drawn again after delivery is told on the terminal
//! only, the batch being done.
//!
//! A crash before the last transaction leaves the files recorded (their
//! arrival times are facts) and the 归档 bundles made (each is made once),
//! and nothing else: the next batch assesses again and queues what this
//! one would have. A crash after it loses nothing either: queued mail is
//! delivered by the next batch. A batch that fails (an error, not a crash)
//! before its last transaction is abandoned in the ledger rather than left
//! running ([`steps::Begun`]), and the folders of `[paths]` are checked
//! before anything begins. `--dry-run` runs the same code on a copy of the
//! ledger in a scratch folder under `state/tmp/`, removed at its end, and
//! writes no other file.

use std::time::Instant;

use chrono::Utc;

use crate::assess;
use crate::campaign::Campaign;
use crate::ledger::LedgerError;
use crate::notice::{Notice, Notices};
use crate::notify;
use crate::render;
use crate::report;
use crate::status;
use crate::timings::{self, Timings};
use crate::wording::notices::{assessment_notices, campaign_notices, intake_notices, redated};

mod clock;
mod steps;
mod types;

pub use crate::status::{ActivityEntry, DeliverableEntry, StatusDocument, UnitEntry};
pub use clock::ClockError;
use steps::*;
pub use steps::{BatchLock, render_options};
pub use types::{CrashPoint, Options, Outcome, RunError};

/// Runs one batch.
pub fn run(campaign: &Campaign, opts: &Options) -> Result<Outcome, RunError> {
    campaign
        .check_folders(!opts.dry_run)
        .map_err(RunError::Campaign)?;
    let store = store(campaign, opts)?;
    let opened = open_ledger(campaign, opts, &store)?;
    let ledger = &opened.ledger;
    let notifier = notifier(campaign)?;
    let render_options = render_options(campaign)?;
    let real_now = Utc::now();
    if opts.now.is_none() && campaign.fixed_clock().is_none() {
        clock::check(campaign, ledger.last_batch_on_system_clock()?, real_now)?;
    }
    let clock = clock(campaign, opts, real_now);
    let started = real_now.with_timezone(&campaign.tz).fixed_offset();
    let mut times = Timings::default();

    let begun = Begun::new(ledger, started, clock)?;
    let batch = begun.id;
    let intake_started = Instant::now();
    let intake_opts = intake_options(campaign, opts, clock, real_now);
    let intake = intake(ledger, &store, batch, &intake_opts, opts.progress)?;
    let intake_time = intake_started.elapsed();
    times.add(
        timings::INTAKE,
        intake_time.saturating_sub(intake.inspect_time),
    );
    times.add(timings::INSPECT, intake.inspect_time);
    times.photos = intake.photos_decoded;
    crash_point(opts, CrashPoint::Intake);

    let mut notices: Notices = campaign_notices(campaign).into_iter().collect();
    let previous = ledger.previous_states(batch)?;
    let assigned = ledger.assignments()?;
    let (versions, assessment, report, files) = times.time(timings::ASSESS, || {
        let crate::ledger::Versions {
            versions,
            unreadable,
        } = ledger.all_versions()?;
        let assessment = assess::assess(campaign, &versions, &assigned, clock);
        notices.extend(assessment_notices(campaign, &assessment));
        notices.extend(redated(campaign, &assessment, &previous.times));
        notices.extend(unreadable.into_iter().map(Notice::warning));
        notices.extend(notify::plan::unreachable(campaign, &assessment));
        notices.extend(intake_notices(&intake));
        let seen = report::build::Batch {
            receiving: &intake.receiving,
            ignored: intake.ignored.len(),
            notices: &notices,
            cutoff: false,
            previous_times: Some(&previous.times),
        };
        let report = report::build::build(campaign, &assessment, &store, &seen);
        let files = report::build::sent_files(campaign, &assessment, &store, &versions);
        Ok::<_, RunError>((versions, assessment, report, files))
    })?;
    let messages = notify::outbox::board_lines(&ledger.outbox_list(true)?, clock.timezone());
    let board = render::html::Extras {
        generated: started,
        files: &files,
        messages: &messages,
    };
    let outputs = match opts.dry_run {
        true => None,
        false => Some(render::write_all(
            &report,
            &board,
            &render_options,
            &campaign.output_dir().join(&campaign.file.campaign.id),
            &clock.format("%Y%m%d-%H%M").to_string(),
            opts.rebuild_report,
        )?),
    };
    let (archived, drafts) = match &outputs {
        Some(o) => {
            times.extend(&o.timings);
            let sources = Sources {
                campaign,
                ledger,
                store: &store,
                render_options: &render_options,
            };
            by_products(
                &sources,
                crate::archive::Received {
                    versions: &versions,
                    assigned: &assigned,
                },
                &assessment,
                o,
                &mut notices,
                &mut times,
            )
        }
        None => (Vec::new(), 0),
    };
    drop(versions);
    crash_point(opts, CrashPoint::Render);

    let queueing = Instant::now();
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
            notices: &notices,
        },
    );
    let mut status = status::build(campaign, &assessment, &intake, batch, &notices);
    let details = item_details(campaign, &assessment);
    let queued = ledger.commit_batch(
        batch,
        &crate::ledger::Decided {
            items: &assessment_rows(campaign, &assessment, &details),
            owners: &owners(campaign, &assessment),
        },
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
    let delivery = deliver(campaign, opts, ledger, clock)?;
    status.delivery = ledger.delivery_state()?;
    if let Some(o) = &outputs {
        let failed = republish_board(ledger, &report, board, o, &render_options)?;
        status.warnings.extend(failed.map(|n| n.to_string()));
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
