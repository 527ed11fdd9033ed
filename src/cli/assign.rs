//! `baosong assign PATH UNIT [--deliverable ID]` and `assign --undo PATH`:
//! the office's decision that the files at a path are a unit's, recorded in
//! the ledger by content, so no file needs to be moved or renamed and each
//! keeps its first arrival time. The next batch counts them ([`crate::assess`]).

use std::io::Write;
use std::path::Path;

use crate::assess::current_versions;
use crate::campaign::Campaign;
use crate::campaign::suggest::{did_you_mean, nearest};
use crate::fmt::{format_time, printable};
use crate::ledger::{Ledger, LedgerError};
use crate::model::{Assignment, ENTRY_SEP};
use crate::store::StoredVersion;
use crate::wording::shell_path;

/// What `assign` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignAction {
    /// Assign the files at `path` to `unit` (and `deliverable`).
    Assign {
        path: String,
        unit: String,
        deliverable: Option<String>,
    },
    /// Withdraw the assignments of the files at `path`.
    Undo { path: String },
}

/// Why `assign` recorded nothing (exit 9).
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    #[error(
        "台账中没有“{0}”这个文件：路径请照 baosong status 或工作摘要中的写法（相对收件箱，如“未识别/照片.jpg”），\
         或写收件箱中的文件路径；新放入的文件要等下一次 baosong run 登记后才能指定单位"
    )]
    NoFile(String),
    #[error("campaign.toml 和活动安排表中没有单位“{0}”{1}")]
    NoUnit(String, String),
    #[error("campaign.toml 中没有 id 为“{0}”的材料，可用：{1}")]
    NoDeliverable(String, String),
    #[error("{unit}不需要报送“{deliverable}”，不能把文件登记为这项材料")]
    NotOwed { unit: String, deliverable: String },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("{0}")]
    Run(#[from] crate::pipeline::RunError),
    #[error("无法写出结果: {0}")]
    Io(#[from] std::io::Error),
}

impl AssignError {
    /// Whether it is about what the office named (exit 9), not a failure.
    pub fn is_what_was_named(&self) -> bool {
        matches!(
            self,
            AssignError::NoFile(_)
                | AssignError::NoUnit(..)
                | AssignError::NoDeliverable(..)
                | AssignError::NotOwed { .. }
        )
    }
}

/// Runs `assign` under the campaign's lock (a batch may be reading the
/// ledger) and prints what it recorded.
pub fn run(
    campaign: &Campaign,
    action: AssignAction,
    out: &mut dyn Write,
) -> Result<(), AssignError> {
    let state_dir = campaign.state_dir();
    let _lock = crate::pipeline::BatchLock::acquire(&state_dir)?;
    let ledger = Ledger::open(&state_dir)?;
    let versions = ledger.all_versions()?.versions;
    let now = campaign
        .fixed_clock()
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&campaign.tz))
        .fixed_offset();
    match action {
        AssignAction::Assign {
            path,
            unit,
            deliverable,
        } => {
            let path = ledger_path(&campaign.inbox(), &path);
            let files = files_at(&versions, &path);
            if files.is_empty() {
                return Err(AssignError::NoFile(path));
            }
            let unit_index = unit_named(campaign, &unit)?;
            let unit = campaign.roster.units[unit_index].name.clone();
            let deliverable = deliverable
                .map(|id| deliverable_named(campaign, unit_index, &id))
                .transpose()?;
            let rows: Vec<Assignment> = files
                .iter()
                .map(|v| Assignment {
                    hash: v.hash.clone(),
                    unit: unit.clone(),
                    deliverable: deliverable.as_ref().map(|(id, _)| id.clone()),
                    path: path.clone(),
                })
                .collect();
            ledger.assign(&rows, &now.to_rfc3339())?;
            let what = deliverable.map_or(String::new(), |(_, name)| format!("的“{name}”"));
            writeln!(out, "已登记：以下{}个文件是{unit}{what}：", files.len())?;
            list(out, &files)?;
            writeln!(
                out,
                "下一次批处理（baosong run）起计入{unit}，到达时间仍为上面的收到时间；\
                 {unit}将收到一封回执（此前已收到，现已登记）。文件不必移动或改名，\
                 之后移动、改名也仍然算{unit}的。撤销：baosong assign --undo {}",
                shell_path(&printable(&path))
            )?;
        }
        AssignAction::Undo { path } => {
            let path = ledger_path(&campaign.inbox(), &path);
            let files = files_at(&versions, &path);
            let hashes: Vec<&str> = files.iter().map(|v| v.hash.as_str()).collect();
            let removed = ledger.unassign(&hashes)?;
            if removed == 0 {
                writeln!(
                    out,
                    "“{}”下的文件没有登记过所属单位，无需撤销。",
                    printable(&path)
                )?;
            } else {
                writeln!(
                    out,
                    "已撤销{removed}个文件的登记；下一次批处理起按文件夹、文件名和邮件识别它们的单位。"
                )?;
            }
        }
    }
    Ok(())
}

/// The path as the ledger records it: relative to the inbox, entries after
/// "!/". Takes what the office copies from `status` or the digest ("报送.zip
/// › 照片/1.jpg"), a Windows-style path, or a path of a file in the inbox.
fn ledger_path(inbox: &Path, given: &str) -> String {
    let on_disk = Path::new(given.trim());
    if let (Ok(file), Ok(inbox)) = (on_disk.canonicalize(), inbox.canonicalize())
        && let Ok(inside) = file.strip_prefix(&inbox)
    {
        return inside.to_string_lossy().into_owned();
    }
    given
        .trim()
        .trim_matches(['“', '”', '"', '\''])
        .replace(" › ", ENTRY_SEP)
        .replace('\\', "/")
        .trim_matches('/')
        .to_string()
}

/// The latest version of every file at `path`: the file itself, the
/// entries of a container, the files of a folder.
fn files_at<'a>(versions: &'a [StoredVersion], path: &str) -> Vec<&'a StoredVersion> {
    if path.is_empty() {
        return Vec::new();
    }
    let under = |p: &str| {
        p == path
            || p.strip_prefix(path)
                .is_some_and(|rest| rest.starts_with(ENTRY_SEP) || rest.starts_with('/'))
    };
    current_versions(versions.iter().filter(|v| under(&v.path)))
        .into_iter()
        .map(|(v, _)| v)
        .collect()
}

/// The roster's unit a name means: its full name, 简称 or alias.
fn unit_named(campaign: &Campaign, name: &str) -> Result<usize, AssignError> {
    campaign.roster.by_name(name.trim()).ok_or_else(|| {
        let names = campaign.roster.units.iter().map(|u| u.name.as_str());
        AssignError::NoUnit(name.to_string(), did_you_mean(&nearest(name, names)))
    })
}

/// The deliverable with this id (its id and name), owed by the unit.
fn deliverable_named(
    campaign: &Campaign,
    unit: usize,
    id: &str,
) -> Result<(String, String), AssignError> {
    let Some(d) = campaign.deliverables.iter().find(|d| d.id == id.trim()) else {
        let known: Vec<String> = campaign
            .deliverables
            .iter()
            .map(|d| format!("{}（{}）", d.id, d.name))
            .collect();
        return Err(AssignError::NoDeliverable(id.to_string(), known.join("、")));
    };
    if !d.units.contains(&unit) {
        return Err(AssignError::NotOwed {
            unit: campaign.roster.units[unit].name.clone(),
            deliverable: d.name.clone(),
        });
    }
    Ok((d.id.clone(), d.name.clone()))
}

/// One line per file: where it is and when it first arrived.
fn list(out: &mut dyn Write, files: &[&StoredVersion]) -> std::io::Result<()> {
    for v in files {
        writeln!(
            out,
            "  {}（{}收到）",
            printable(&v.path.replace(ENTRY_SEP, " › ")),
            format_time(v.arrived_at)
        )?;
    }
    Ok(())
}
