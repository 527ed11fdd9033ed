//! The 归档 bundles: what was received up to a moment, in one zip the
//! office hands to its 档案 — the original files from the store, in a
//! folder per unit and deliverable; the report as of that moment (PDF,
//! DOCX, XLSX) under `报告/`; and `manifest.csv` listing every version with
//! its arrival time, verdict, reason and SHA-256. Beside the zip, a
//! `.sha256` file holds the manifest's own SHA-256 in `sha256sum` form.
//!
//! Which bundles a batch makes, so that together they never hold much more
//! than the inbox: after each fixed deadline (`at`), one holding only the
//! files of what was due then ([`BundleScope::Deadline`],
//! `归档-<截止时间>-到期材料.zip`); at the campaign's close (its last deadline
//! plus `[archive] grace_days`, or `baosong archive --final`), one holding
//! every version ([`BundleScope::All`], `归档-<时刻>-全部材料.zip`).
//! Deadlines counted from activities get bundles of their own only with
//! `[archive] relative_deadlines = true`. Each bundle is made once; a later
//! batch makes it again only when what it would hold changed (the office
//! registered a file to a unit later): the hash of its manifest's rows,
//! each file named by its store hash, is kept in the ledger.
//!
//! The same moment gives the same bytes (see [`zipfile`]); a version that
//! arrived after the cut-off is not in it. The bundle's name and its
//! report's clock line state the same instant.

mod manifest;
mod originals;
mod zipfile;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset, Timelike};

use crate::assess::{self, Assessment};
use crate::campaign::Campaign;
use crate::campaign::deadline::DeadlineRule;
use crate::ledger::{ArchiveRow, Ledger, LedgerError};
use crate::model::Assignment;
use crate::render;
use crate::store::Store;
use crate::store::StoredVersion;
use originals::{Listed, originals};

pub use crate::ledger::{BundleScope, MadeBy};

/// A bundle that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error("无法写入归档文件 {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// A bundle to make: the moment and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub cutoff: DateTime<FixedOffset>,
    pub scope: BundleScope,
}

/// A bundle written.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub cutoff: DateTime<FixedOffset>,
    pub scope: BundleScope,
    pub zip: PathBuf,
    /// `<zip>.sha256`: the manifest's SHA-256, as `sha256sum` writes it.
    pub checksum: PathBuf,
    pub manifest_sha256: String,
    /// Versions listed in the manifest.
    pub versions: usize,
    /// Versions whose original is not in the store (too large to keep).
    pub not_kept: usize,
    /// Made again: what it holds changed since it was first made.
    pub remade: bool,
}

/// The folder bundles are written to: `out/<id>/archive/`.
pub fn dir(campaign: &Campaign) -> PathBuf {
    campaign
        .output_dir()
        .join(&campaign.file.campaign.id)
        .join("archive")
}

/// The cut-off as a file name reads it: `20250609-2400` for a deadline at
/// the end of 9 June, `20250613-2000` otherwise.
pub fn stamp(cutoff: DateTime<FixedOffset>) -> String {
    if cutoff.hour() == 0 && cutoff.minute() == 0 && cutoff.second() == 0 {
        format!("{}-2400", (cutoff - Duration::days(1)).format("%Y%m%d"))
    } else {
        cutoff.format("%Y%m%d-%H%M").to_string()
    }
}

/// The zip's file name for a bundle.
pub fn file_name(plan: Plan) -> String {
    let what = match plan.scope {
        BundleScope::Deadline => "到期材料",
        BundleScope::All => "全部材料",
    };
    format!("归档-{}-{what}.zip", stamp(plan.cutoff))
}

/// Whether a deadline of this rule gets bundles of its own: fixed ones
/// always, those counted from activities when the office asks.
fn own_bundles(campaign: &Campaign, rule: &DeadlineRule) -> bool {
    matches!(rule, DeadlineRule::Fixed(_)) || campaign.file.archive.relative_deadlines
}

/// Every deadline of the assessment, earliest first.
pub fn all_deadlines(a: &Assessment) -> Vec<DateTime<FixedOffset>> {
    let dues: BTreeSet<DateTime<FixedOffset>> = a
        .activities
        .iter()
        .flat_map(|s| s.items.iter().filter_map(|i| i.due))
        .collect();
    dues.into_iter().collect()
}

/// The deadlines passed at the assessment's clock that get a bundle of
/// their own, earliest first.
pub fn bundled_deadlines(campaign: &Campaign, a: &Assessment) -> Vec<DateTime<FixedOffset>> {
    let dues: BTreeSet<DateTime<FixedOffset>> = a
        .activities
        .iter()
        .flat_map(|s| s.items.iter())
        .filter(|i| own_bundles(campaign, &campaign.deliverables[i.deliverable].rule))
        .filter_map(|i| i.due)
        .filter(|&due| due <= a.clock)
        .collect();
    dues.into_iter().collect()
}

/// The campaign's close: its last deadline plus `[archive] grace_days`.
pub fn close(campaign: &Campaign, a: &Assessment) -> Option<DateTime<FixedOffset>> {
    let last = all_deadlines(a).pop()?;
    Some(last + Duration::days(i64::from(campaign.file.archive.grace_days)))
}

/// What a batch does after its report: makes the bundle of each deadline
/// passed that has none ([`bundled_deadlines`]), the closing bundle once
/// the campaign has closed, and again any bundle a batch (or `--final`)
/// made whose contents changed. `own` is the batch's rendered report: a
/// bundle whose cut-off is the batch's clock takes it instead of laying out
/// another.
pub fn after_batch(
    campaign: &Campaign,
    ledger: &Ledger,
    store: &Store,
    render_options: &render::Options,
    received: Received,
    a: &Assessment,
    own: Option<&render::Outputs>,
) -> Result<Vec<Bundle>> {
    let recorded = ledger.archives()?;
    // Every bundle kept up to date: those made before (but not the ones of
    // earlier builds, nor those of everything up to a moment the office
    // chose) and those due now; deadlines' bundles first, since the
    // closing one refers to them.
    let mut upkeep: Vec<(Plan, MadeBy, Option<String>)> = recorded
        .iter()
        .filter(|r| r.inputs.is_some())
        .filter(|r| r.made_by != MadeBy::Command || r.scope == BundleScope::Deadline)
        .map(|r| (plan_of(r), r.made_by, r.inputs.clone()))
        .collect();
    let known = |plan: Plan| recorded.iter().any(|r| plan_of(r) == plan);
    for cutoff in bundled_deadlines(campaign, a) {
        let plan = Plan {
            cutoff,
            scope: BundleScope::Deadline,
        };
        if !known(plan) {
            upkeep.push((plan, MadeBy::Deadline, None));
        }
    }
    if !recorded.iter().any(|r| r.made_by.closes())
        && let Some(cutoff) = close(campaign, a).filter(|&c| c <= a.clock)
    {
        let plan = Plan {
            cutoff,
            scope: BundleScope::All,
        };
        upkeep.push((plan, MadeBy::Close, None));
    }
    upkeep.sort_by_key(|(plan, _, _)| (plan.scope, plan.cutoff));

    let own = own.map(|o| (a.clock, o));
    let mut held = Held::default();
    let mut made = Vec::new();
    for (plan, by, before) in upkeep {
        let refer = by.closes().then_some(&held);
        let prepared = prepare(campaign, store, received, plan, refer);
        if plan.scope == BundleScope::Deadline {
            held.add(plan, &prepared.placed, ledger_file(&recorded, plan));
        }
        let changed = before.as_ref() != Some(&prepared.inputs);
        if !changed || (before.is_none() && prepared.rows.is_empty()) {
            continue;
        }
        let mut bundle = write(campaign, ledger, render_options, prepared, by, a.clock, own)?;
        bundle.remade = before.is_some();
        made.push(bundle);
    }
    Ok(made)
}

/// The plan a recorded bundle was made to.
fn plan_of(r: &ArchiveRow) -> Plan {
    Plan {
        cutoff: r.cutoff,
        scope: r.scope,
    }
}

/// The file name a recorded bundle has (the one it would have if new).
fn ledger_file(recorded: &[ArchiveRow], plan: Plan) -> String {
    recorded
        .iter()
        .find(|r| plan_of(r) == plan)
        .map_or_else(|| file_name(plan), |r| r.file.clone())
}

/// The versions the deadlines' bundles hold, each with its place there
/// ("归档-…-到期材料.zip › 县公安局/活动总结/活动总结.docx"), for the
/// closing bundle to list without holding them again.
#[derive(Debug, Default)]
struct Held {
    /// Version id → (cut-off of the bundle, place).
    places: HashMap<i64, (DateTime<FixedOffset>, String)>,
}

impl Held {
    fn add(&mut self, plan: Plan, placed: &[(i64, String)], zip: String) {
        for (version, place) in placed {
            self.places
                .entry(*version)
                .or_insert_with(|| (plan.cutoff, format!("{zip} › {place}")));
        }
    }

    /// Where a version is held by a deadline's bundle made by `cutoff`.
    fn place(&self, version: i64, cutoff: DateTime<FixedOffset>) -> Option<&str> {
        self.places
            .get(&version)
            .filter(|(at, _)| *at <= cutoff)
            .map(|(_, place)| place.as_str())
    }
}

/// Writes the bundle of `plan` and records it, made by `made_by` at `now`;
/// `None` when it would hold no file (nothing received by then, or
/// nothing of what was due then).
pub fn make(
    campaign: &Campaign,
    ledger: &Ledger,
    store: &Store,
    render_options: &render::Options,
    plan: Plan,
    made_by: MadeBy,
    now: DateTime<FixedOffset>,
) -> Result<Option<Bundle>> {
    let crate::ledger::Versions {
        versions,
        unreadable,
    } = ledger.all_versions()?;
    for w in &unreadable {
        tracing::warn!("{w}");
    }
    let assigned = ledger.assignments()?;
    let received = Received {
        versions: &versions,
        assigned: &assigned,
    };
    let made_by = ledger
        .archive_at(plan.cutoff, plan.scope)?
        .map_or(made_by, |r| r.made_by);
    let mut held = Held::default();
    if made_by.closes() {
        let recorded = ledger.archives()?;
        for r in recorded.iter().filter(|r| r.scope == BundleScope::Deadline) {
            let placed = prepare(campaign, store, received, plan_of(r), None).placed;
            held.add(plan_of(r), &placed, r.file.clone());
        }
    }
    let prepared = prepare(
        campaign,
        store,
        received,
        plan,
        made_by.closes().then_some(&held),
    );
    drop(versions);
    if prepared.rows.is_empty() {
        return Ok(None);
    }
    write(
        campaign,
        ledger,
        render_options,
        prepared,
        made_by,
        now,
        None,
    )
    .map(Some)
}

/// What the ledger holds of the files: every version, and the office's
/// assignments of contents to units.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub versions: &'a [StoredVersion],
    pub assigned: &'a [Assignment],
}

/// A bundle worked out but not written: the campaign as it stood at the
/// cut-off, the files it holds and their manifest rows.
struct Prepared {
    plan: Plan,
    assessment: Assessment,
    /// Originals: (place in the zip, blob in the store).
    originals: Vec<(String, PathBuf)>,
    /// Each version in the zip: (version id, place).
    placed: Vec<(i64, String)>,
    /// Versions listed but held by a deadline's bundle: (place, blob).
    referenced: Vec<(String, PathBuf)>,
    rows: Vec<manifest::Row>,
    not_kept: usize,
    /// The hash of the rows with each file's store hash in its SHA-256
    /// cell: changes exactly when the bundle would.
    inputs: String,
}

fn prepare(
    campaign: &Campaign,
    store: &Store,
    received: Received,
    plan: Plan,
    held: Option<&Held>,
) -> Prepared {
    let tz = plan.cutoff.timezone();
    let versions: Vec<StoredVersion> = received
        .versions
        .iter()
        .filter(|v| v.arrived_at <= plan.cutoff)
        // What was received stays received, whatever the inbox holds now.
        .map(|v| StoredVersion {
            gone: false,
            arrived_at: v.arrived_at.with_timezone(&tz),
            ..v.clone()
        })
        .collect();
    let assessment = assess::assess(campaign, &versions, received.assigned, plan.cutoff);
    let Listed {
        originals,
        placed,
        referenced,
        mut rows,
        not_kept,
    } = originals(campaign, store, &assessment, &versions, plan, held);
    let inputs = blake3::hash(&manifest::csv(&rows)).to_hex().to_string();
    for row in &mut rows {
        row[manifest::SHA256].clear();
    }
    Prepared {
        plan,
        assessment,
        originals,
        placed,
        referenced,
        rows,
        not_kept,
        inputs,
    }
}

/// Renders the report at the cut-off (or takes the batch's own), writes
/// the zip and its checksum, and records the bundle.
fn write(
    campaign: &Campaign,
    ledger: &Ledger,
    render_options: &render::Options,
    prepared: Prepared,
    made_by: MadeBy,
    now: DateTime<FixedOffset>,
    own: Option<(DateTime<FixedOffset>, &render::Outputs)>,
) -> Result<Bundle> {
    let Prepared {
        plan,
        assessment,
        originals,
        referenced,
        mut rows,
        not_kept,
        inputs,
        ..
    } = prepared;
    // Versions held by a deadline's bundle: hashed here, not copied again.
    for (place, blob) in &referenced {
        let sha = zipfile::sha256_file(blob).map_err(|source| ArchiveError::Write {
            path: blob.clone(),
            source,
        })?;
        for row in rows.iter_mut().filter(|r| &r[manifest::PLACE] == place) {
            row[manifest::SHA256] = sha.clone();
        }
    }
    let mut entries: Vec<zipfile::Entry> = originals
        .into_iter()
        .map(|(name, blob)| zipfile::Entry {
            name,
            source: zipfile::Source::File(blob),
        })
        .collect();

    // The report as it stood at the cut-off: the batch's own when that is
    // its clock (on the hour, which is all a batch's report names), else
    // rendered aside for the zip (under state/tmp/: a kill leaves nothing
    // elsewhere).
    let scratch;
    let outputs = match own {
        Some((clock, outputs))
            if clock == plan.cutoff && clock.minute() == 0 && clock.second() == 0 =>
        {
            outputs.clone()
        }
        _ => {
            let store = Store::new(&campaign.state_dir());
            scratch = store.scratch().map_err(|source| ArchiveError::Write {
                path: campaign.state_dir().join("tmp"),
                source,
            })?;
            let seen = crate::report::build::Batch {
                cutoff: true,
                ..Default::default()
            };
            let report = crate::report::build::build(campaign, &assessment, &store, &seen);
            // Only the report's three files go into the bundle: its board
            // lists nothing.
            let board = render::html::Extras {
                generated: plan.cutoff,
                files: &[],
                messages: &[],
            };
            render::write_all(
                &report,
                &board,
                render_options,
                scratch.path(),
                &stamp(plan.cutoff),
                true,
            )?
        }
    };
    // The zip needs only its entries and the rows from here on.
    drop(assessment);
    for path in [&outputs.pdf, &outputs.docx, &outputs.xlsx] {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        entries.push(zipfile::Entry {
            name: format!("{}/{name}", manifest::REPORT_FOLDER),
            source: zipfile::Source::File(path.clone()),
        });
    }

    let folder = dir(campaign);
    let name = file_name(plan);
    let zip = folder.join(&name);
    let checksum = folder.join(format!("{name}.sha256"));
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ArchiveError::Write { path, source }
    };
    // The manifest goes last: its SHA-256 cells are those of the bytes
    // just written into the zip, each original read once.
    let mut manifest_sha256 = String::new();
    crate::atomic::write_atomic_with(&zip, true, |f| {
        zipfile::write(f, entries, plan.cutoff, |written| {
            for row in &mut rows {
                if let Some(sha) = written.get(&row[manifest::PLACE]) {
                    row[manifest::SHA256] = sha.clone();
                }
            }
            let csv = manifest::csv(&rows);
            manifest_sha256 = zipfile::sha256(&csv);
            zipfile::Entry {
                name: manifest::FILE_NAME.into(),
                source: zipfile::Source::Bytes(csv),
            }
        })
    })
    .map_err(write_error(&zip))?;
    crate::atomic::write_atomic(
        &checksum,
        format!("{manifest_sha256}  {}\n", manifest::FILE_NAME).as_bytes(),
        true,
    )
    .map_err(write_error(&checksum))?;
    ledger.record_archive(&ArchiveRow {
        cutoff: plan.cutoff,
        scope: plan.scope,
        file: name,
        manifest_sha256: manifest_sha256.clone(),
        inputs: Some(inputs),
        made_by,
        made_at: now,
    })?;
    Ok(Bundle {
        cutoff: plan.cutoff,
        scope: plan.scope,
        zip,
        checksum,
        manifest_sha256,
        versions: rows.len(),
        not_kept,
        remade: false,
    })
}
