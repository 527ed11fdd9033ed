//! What a 归档 bundle holds: the originals of the files the assessment
//! attributes, under `<单位>/<材料>/`, and their manifest rows.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use super::{BundleScope, Held, Plan, manifest};
use crate::assess::{Assessment, FileAssessment};
use crate::campaign::Campaign;
use crate::names;
use crate::report::printable;
use crate::store::{Store, StoredVersion};

/// What a bundle lists: see [`originals`].
pub(super) struct Listed {
    pub originals: Vec<(String, PathBuf)>,
    pub placed: Vec<(i64, String)>,
    pub referenced: Vec<(String, PathBuf)>,
    pub rows: Vec<manifest::Row>,
    pub not_kept: usize,
}

/// The originals and manifest rows of a bundle: every version of every
/// file the assessment attributes (not the zips and e-mails they came in,
/// whose entries are listed, nor the photos inside Word files), under
/// `<单位>/<材料>/`; for a deadline's bundle only the files of what was due
/// then; a version `held` by a deadline's bundle is listed with its place
/// there instead of being copied. Every name is unique in its folder as
/// Windows compares names.
pub(super) fn originals(
    campaign: &Campaign,
    store: &Store,
    a: &Assessment,
    versions: &[StoredVersion],
    plan: Plan,
    held: Option<&Held>,
) -> Listed {
    let tz = a.clock.timezone();
    let due_then: Option<HashSet<usize>> = match plan.scope {
        BundleScope::All => None,
        BundleScope::Deadline => Some(
            a.activities
                .iter()
                .flat_map(|s| s.items.iter())
                .filter(|i| i.due == Some(plan.cutoff))
                .flat_map(|i| i.files.iter().copied())
                .collect(),
        ),
    };
    let by_path: HashMap<&str, &FileAssessment> = a
        .files
        .iter()
        .enumerate()
        .filter(|(i, f)| !f.embedded && due_then.as_ref().is_none_or(|d| d.contains(i)))
        .map(|(_, f)| (f.path.as_str(), f))
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

    // Folder names are claimed once each, in a fixed order: the root's
    // (its report folder and manifest reserved), then each unit's.
    let mut root = names::Folder::with_reserved(&[manifest::REPORT_FOLDER, manifest::FILE_NAME]);
    let mut unit_dirs: HashMap<Option<usize>, (String, names::Folder)> = HashMap::new();
    let mut item_dirs: HashMap<(Option<usize>, String), (String, names::Folder)> = HashMap::new();
    let mut originals = Vec::new();
    let mut placed = Vec::new();
    let mut referenced = Vec::new();
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
        let (unit_dir, unit_folder) = unit_dirs.entry(f.unit).or_insert_with(|| {
            (
                root.claim(unit.as_deref().unwrap_or("未识别单位")),
                Default::default(),
            )
        });
        let item = match (&deliverable, f.unit, f.activity) {
            (Some(d), Some(u), Some(_)) if activities_of.get(&u).copied().unwrap_or(0) > 1 => {
                format!("{seq}-{d}")
            }
            (Some(d), _, _) => d.clone(),
            (None, _, _) => "未归类".to_string(),
        };
        let unit_dir = unit_dir.clone();
        let (item_dir, folder) = item_dirs
            .entry((f.unit, item.clone()))
            .or_insert_with(|| (unit_folder.claim(&item), Default::default()));
        let folder_path = format!("{unit_dir}/{item_dir}");
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
            let elsewhere = held.and_then(|h| h.place(v.version_id, plan.cutoff));
            let place = if !blob.is_file() {
                not_kept += 1;
                "（原件未存档：超过大小上限）".to_string()
            } else if let Some(place) = elsewhere {
                referenced.push((place.to_string(), blob));
                place.to_string()
            } else {
                let place = format!("{folder_path}/{}", folder.claim(&name));
                originals.push((place.clone(), blob));
                placed.push((v.version_id, place.clone()));
                place
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
                // Until the zip is written: the store's hash, for `inputs`.
                v.hash.clone(),
                v.size.to_string(),
                place,
                f.display_path(),
            ]);
        }
    }
    rows.sort();
    Listed {
        originals,
        placed,
        referenced,
        rows,
        not_kept,
    }
}
