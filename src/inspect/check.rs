//! `baosong check FILE…`: inspect files (folders recursively) and print each
//! one's real type, verdict and reason — as text lines, or with `json` one
//! JSON object per line (`path`, `kind`, `label`, `verdict`, `reason`,
//! `notes`, and `in` for files found inside a zip or e-mail, whose `path` is
//! `container!/entry`).
//!
//! Files are inspected in parallel on rayon's pool; each is read inside its
//! task into a buffer the worker thread reuses ([`crate::whole_file`]), so
//! at most one file per worker thread is in memory. Files over
//! [`Limits::max_file_bytes`] are refused from their metadata without being
//! read.

use super::{FileKind, Inspection, Limits, Verdict, human_bytes, inspect_nested};
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
    let size = std::fs::metadata(path).map(|m| m.len());
    let lines = match size {
        Ok(n) if n > limits.max_file_bytes => {
            return vec![refused_line(
                shown,
                format!(
                    "文件过大({})，超过上限{}，请压缩后重新报送",
                    human_bytes(n),
                    human_bytes(limits.max_file_bytes)
                ),
            )];
        }
        Ok(_) => crate::whole_file::with_contents(path, |bytes| {
            let mut lines = Vec::new();
            check_bytes(&shown, bytes, 0, None, limits, &mut lines);
            lines
        }),
        Err(e) => Err(e),
    };
    lines.unwrap_or_else(|e| vec![refused_line(shown, format!("无法读取文件：{e}"))])
}

fn check_bytes(
    path: &str,
    bytes: &[u8],
    depth: u32,
    parent: Option<&str>,
    limits: &Limits,
    lines: &mut Vec<CheckLine>,
) {
    let got = inspect_nested(path, bytes, limits, depth);
    lines.push(line(path.to_string(), got.inspection, parent));
    for child in got.children {
        let child_path = format!("{path}!/{}", child.path);
        check_bytes(
            &child_path,
            &child.bytes,
            child.depth,
            Some(path),
            limits,
            lines,
        );
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
