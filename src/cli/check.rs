//! `baosong check FILE…`: inspect files (folders recursively) and print each
//! one's real type, verdict and reason — as text lines, or with `json` one
//! JSON object per line (`path`, `kind`, `label`, `verdict`, `reason`,
//! `notes`, and `in` for files found inside a zip or e-mail, whose `path` is
//! `container!/entry`).
//!
//! Files are inspected in parallel on rayon's pool, the way a batch reads
//! them ([`crate::intake::walk`]) but into a store that keeps nothing: a
//! file over its size limit is only hashed, a video or zip is read by
//! seeking, anything else whole into a buffer the worker thread reuses.

use crate::inspect::{FileKind, Inspection, Limits, Verdict};
use crate::intake::walk::{Counters, Node, Walker};
use crate::model::ENTRY_SEP;
use crate::store::Store;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One printed line.
#[derive(Debug, Serialize)]
pub struct CheckLine {
    pub path: String,
    pub kind: FileKind,
    pub label: &'static str,
    pub verdict: Verdict,
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The container this file was found in.
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// Checks `paths` and writes one line per file (and per file inside a
/// container). Returns how many of the given files (not counting files
/// inside containers) were rejected.
pub fn run(
    paths: &[PathBuf],
    json: bool,
    limits: &Limits,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let files = expand(paths);
    let results: Vec<Vec<CheckLine>> = files.par_iter().map(|p| check_file(p, limits)).collect();
    let mut rejected = 0;
    for lines in results {
        if lines.first().is_some_and(|l| l.verdict == Verdict::Reject) {
            rejected += 1;
        }
        for line in lines {
            if json {
                let text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
                writeln!(out, "{text}")?;
            } else {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    line.verdict.label(),
                    line.label,
                    line.path,
                    line.reason.as_deref().unwrap_or("")
                )?;
            }
        }
    }
    Ok(rejected)
}

/// Files named, and files under folders named, in a stable order.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path)
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    files
}

/// Inspects one file, then the files inside it.
pub fn check_file(path: &Path, limits: &Limits) -> Vec<CheckLine> {
    let shown = path.to_string_lossy().into_owned();
    let counters = Counters::default();
    let node = Store::throwaway(&std::env::temp_dir().join("baosong-check")).and_then(|store| {
        let walker = Walker {
            store: &store,
            engine: "check",
            limits,
            counters: &counters,
        };
        walker.file(&shown, path)
    });
    match node {
        Ok(node) => {
            let mut lines = Vec::new();
            flatten(&shown, node, None, &mut lines);
            lines
        }
        Err(e) => vec![refused_line(shown, format!("无法读取文件：{e}"))],
    }
}

fn flatten(path: &str, node: Node, parent: Option<&str>, lines: &mut Vec<CheckLine>) {
    lines.push(line(path.to_string(), node.inspection, parent));
    for (entry, child) in node.children {
        let child_path = format!("{path}{ENTRY_SEP}{entry}");
        flatten(&child_path, child, Some(path), lines);
    }
}

fn line(path: String, i: Inspection, parent: Option<&str>) -> CheckLine {
    CheckLine {
        path,
        kind: i.kind,
        label: i.kind.label(),
        verdict: i.verdict,
        reason: i.reason,
        notes: i.notes,
        parent: parent.map(str::to_string),
    }
}

fn refused_line(path: String, reason: String) -> CheckLine {
    CheckLine {
        path,
        kind: FileKind::Unknown,
        label: FileKind::Unknown.label(),
        verdict: Verdict::Reject,
        reason: Some(reason),
        notes: Vec::new(),
        parent: None,
    }
}
