//! The 归档 bundle: everything received up to a moment, in one zip the
//! office hands to its 档案 — the original files from the store, in a
//! folder per unit and deliverable; the report as of that moment (PDF,
//! DOCX, XLSX) under `报告/`; and `manifest.csv` listing every version with
//! its arrival time, verdict, reason and SHA-256. Beside the zip, a
//! `.sha256` file holds the manifest's own SHA-256 in `sha256sum` form.
//!
//! Written to `out/<id>/archive/归档-<截止时间>.zip` by `baosong archive`
//! and, once per deadline, by the first batch after it. The same moment
//! gives the same bytes (see [`zipfile`]); a version that arrived after the
//! cut-off is not in it.

mod manifest;
mod zipfile;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset, Timelike};

use crate::assess::{self, Assessment, FileAssessment};
use crate::campaign::Campaign;
use crate::ledger::{ArchiveRow, Ledger, LedgerError};
use crate::names;
use crate::render;
use crate::report::printable;
use crate::store::Store;
use crate::store::StoredVersion;

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
    #[error("无法读取存档中的文件 {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// Who asked for a bundle (recorded in the ledger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MadeBy {
    /// A batch, after a deadline passed.
    Deadline,
    /// `baosong archive`.
    Command,
}

/// A bundle written.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub cutoff: DateTime<FixedOffset>,
    pub zip: PathBuf,
    /// `<zip>.sha256`: the manifest's SHA-256, as `sha256sum` writes it.
    pub checksum: PathBuf,
    pub manifest_sha256: String,
    /// Versions listed in the manifest.
    pub versions: usize,
    /// Versions whose original is not in the store (too large to keep).
    pub not_kept: usize,
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

/// The zip's file name for a cut-off.
pub fn file_name(cutoff: DateTime<FixedOffset>) -> String {
    format!("归档-{}.zip", stamp(cutoff))
}

/// The deadlines of an assessment that have passed at its clock, earliest
/// first.
pub fn passed_deadlines(a: &Assessment) -> Vec<DateTime<FixedOffset>> {
    let dues: BTreeSet<DateTime<FixedOffset>> = a
        .activities
        .iter()
        .flat_map(|s| s.items.iter().filter_map(|i| i.due))
        .filter(|&due| due <= a.clock)
        .collect();
    dues.into_iter().collect()
}

/// Makes the bundle of each deadline passed at the assessment's clock that
/// has none yet: called by every batch, so each is made once, by the
/// first batch after its deadline.
pub fn after_deadlines(
    campaign: &Campaign,
    ledger: &Ledger,
    store: &Store,
    render_options: &render::Options,
    a: &Assessment,
) -> Result<Vec<Bundle>> {
    let mut made = Vec::new();
    for due in passed_deadlines(a) {
        if ledger.archive_at(due)?.is_none() {
            made.push(make(
                campaign,
                ledger,
                store,
                render_options,
                due,
                MadeBy::Deadline,
                a.clock,
            )?);
        }
    }
    Ok(made)
}

/// Writes the bundle of everything received up to `cutoff` and records it;
/// `now` is when (for the record).
pub fn make(
    campaign: &Campaign,
    ledger: &Ledger,
    store: &Store,
    render_options: &render::Options,
    cutoff: DateTime<FixedOffset>,
    made_by: MadeBy,
    now: DateTime<FixedOffset>,
) -> Result<Bundle> {
    let cutoff = cutoff.with_timezone(&now.timezone());
    let versions: Vec<StoredVersion> = ledger
        .all_versions()?
        .versions
        .into_iter()
        .filter(|v| v.arrived_at <= cutoff)
        // What was received stays received, whatever the inbox holds now.
        .map(|v| StoredVersion { gone: false, ..v })
        .collect();
    let a = assess::assess(campaign, &versions, cutoff);
    let (mut entries, rows, not_kept) = originals(campaign, store, &a, &versions)?;

    // The report as it stood at the cut-off, rendered aside for the zip
    // (under state/tmp/: a kill leaves nothing elsewhere).
    let scratch = store.scratch().map_err(|source| ArchiveError::Write {
        path: campaign.state_dir().join("tmp"),
        source,
    })?;
    let report = crate::report::build::build(campaign, &a, store, &Default::default());
    // Only the report's three files go into the bundle: its board lists nothing.
    let board = render::html::Extras {
        generated: cutoff,
        files: &[],
        messages: &[],
    };
    let outputs = render::write_all(
        &report,
        &board,
        render_options,
        scratch.path(),
        &stamp(cutoff),
        true,
    )?;
    // The zip needs only the entries and the manifest: the second
    // assessment and report go before it is written.
    drop((report, a, versions));
    for path in [&outputs.pdf, &outputs.docx, &outputs.xlsx] {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        entries.push(zipfile::Entry {
            name: format!("报告/{name}"),
            source: zipfile::Source::File(path.clone()),
        });
    }

    let csv = manifest::csv(&rows);
    let manifest_sha256 = zipfile::sha256(&csv);
    entries.push(zipfile::Entry {
        name: "manifest.csv".into(),
        source: zipfile::Source::Bytes(csv),
    });

    let folder = dir(campaign);
    let zip = folder.join(file_name(cutoff));
    let checksum = folder.join(format!("{}.sha256", file_name(cutoff)));
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ArchiveError::Write { path, source }
    };
    crate::atomic::write_atomic_with(&zip, true, |f| zipfile::write(f, entries, cutoff))
        .map_err(write_error(&zip))?;
    crate::atomic::write_atomic(
        &checksum,
        format!("{manifest_sha256}  manifest.csv\n").as_bytes(),
        true,
    )
    .map_err(write_error(&checksum))?;
    ledger.record_archive(&ArchiveRow {
        cutoff,
        file: file_name(cutoff),
        manifest_sha256: manifest_sha256.clone(),
        made_by: match made_by {
            MadeBy::Deadline => "deadline",
            MadeBy::Command => "command",
        }
        .into(),
        made_at: now,
    })?;
    Ok(Bundle {
        cutoff,
        zip,
        checksum,
        manifest_sha256,
        versions: rows.len(),
        not_kept,
    })
}

/// The zip entries and manifest rows of the files themselves: every
/// version of every file the assessment attributes (not the zips and
/// e-mails they came in, whose entries are listed, nor the photos inside
/// Word files), under `<单位>/<材料>/`.
fn originals(
    campaign: &Campaign,
    store: &Store,
    a: &Assessment,
    versions: &[StoredVersion],
) -> Result<(Vec<zipfile::Entry>, Vec<manifest::Row>, usize)> {
    let tz = a.clock.timezone();
    let by_path: HashMap<&str, &FileAssessment> = a
        .files
        .iter()
        .filter(|f| !f.embedded)
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut history: BTreeMap<&str, Vec<&StoredVersion>> = BTreeMap::new();
    for v in versions {
        if by_path.contains_key(v.path.as_str()) {
            history.entry(v.path.as_str()).or_default().push(v);
        }
    }
    // Units with more than one activity get one folder per activity.
    let mut activities_of: HashMap<usize, usize> = HashMap::new();
    for act in &campaign.activities {
        *activities_of.entry(act.unit).or_default() += 1;
    }

    let mut folders: BTreeMap<String, names::Folder> = BTreeMap::new();
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    let mut not_kept = 0;
    for (path, mut list) in history {
        list.sort_by_key(|v| v.version_id);
        let f = by_path[path];
        let unit = f.unit.map(|u| campaign.roster.units[u].name.clone());
        let deliverable = f.deliverable.map(|d| campaign.deliverables[d].name.clone());
        let seq = f
            .activity
            .map(|i| campaign.activities[i].seq.clone())
            .unwrap_or_default();
        let unit_dir = names::component(unit.as_deref().unwrap_or("未识别单位"));
        let item_dir = match (&deliverable, f.unit, f.activity) {
            (Some(d), Some(u), Some(_)) if activities_of.get(&u).copied().unwrap_or(0) > 1 => {
                names::component(&format!("{seq}-{d}"))
            }
            (Some(d), _, _) => names::component(d),
            (None, _, _) => "未归类".to_string(),
        };
        let folder_path = format!("{unit_dir}/{item_dir}");
        let folder = folders.entry(folder_path.clone()).or_default();
        let total = list.len();
        for (n, v) in list.iter().enumerate() {
            let latest = n + 1 == total;
            let base = names::component(&f.name());
            let name = if latest {
                base
            } else {
                names::with_suffix(&base, &format!("（第{}版）", n + 1))
            };
            let blob = store.blob_path(&v.hash);
            let (sha, place) = if blob.is_file() {
                let sha = zipfile::sha256_file(&blob).map_err(|source| ArchiveError::Read {
                    path: blob.clone(),
                    source,
                })?;
                let name = format!("{folder_path}/{}", folder.claim(&name));
                entries.push(zipfile::Entry {
                    name: name.clone(),
                    source: zipfile::Source::File(blob),
                });
                (sha, name)
            } else {
                not_kept += 1;
                (String::new(), "（原件未存档：超过大小上限）".to_string())
            };
            let reason = if latest {
                f.inspection
                    .reason
                    .iter()
                    .cloned()
                    .chain(crate::wording::flags(campaign, a, f))
                    .collect::<Vec<_>>()
                    .join("；")
            } else {
                let own = v.inspection.reason.clone().unwrap_or_default();
                let note = format!("已被第{total}版取代");
                if own.is_empty() {
                    note
                } else {
                    format!("{own}；{note}")
                }
            };
            rows.push([
                unit.clone().unwrap_or_else(|| "（未识别）".into()),
                seq.clone(),
                deliverable.clone().unwrap_or_default(),
                f.name(),
                format!("{}/{total}", n + 1),
                v.arrived_at
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                v.inspection.verdict.label().to_string(),
                printable(&reason),
                sha,
                v.size.to_string(),
                place,
                f.display_path(),
            ]);
        }
    }
    rows.sort();
    Ok((entries, rows, not_kept))
}
