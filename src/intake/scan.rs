//! Walking the inbox. Read-only: nothing here opens a file for writing.
//!
//! Hidden, temporary and lock files (`~$x.docx`, `.DS_Store`, `Thumbs.db`,
//! `*.tmp`, partial downloads) and hidden folders are skipped and named,
//! so the office can see a file hidden by mistake. Symlinks are followed
//! only when they lead to a file inside the inbox.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use walkdir::WalkDir;

/// A file found in the inbox, with what the file system says of it.
#[derive(Debug, Clone)]
pub struct ScannedFile {
    /// Path relative to the inbox, with '/' separators.
    pub rel: String,
    pub abs: PathBuf,
    pub size: u64,
    pub mtime: DateTime<Utc>,
    pub ctime: DateTime<Utc>,
    /// Creation time, where the file system records one.
    pub birth: Option<DateTime<Utc>>,
    /// The name was not valid UTF-8 (shown with replacement characters).
    pub lossy_name: bool,
}

/// What a scan found and what it passed over.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub files: Vec<ScannedFile>,
    /// Hidden, temporary and lock files and hidden folders skipped, by
    /// path, with what they are.
    pub ignored: Vec<(String, &'static str)>,
    /// Symlinks leading outside the inbox (or nowhere), by path.
    pub outside_links: Vec<String>,
    /// Entries that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// Entries that are neither files nor folders (named pipes, sockets,
    /// devices): never opened, which could block the batch, only named.
    pub special: Vec<(String, &'static str)>,
}

/// Names that are never submissions.
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || name.starts_with(".~lock.")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || [
            ".tmp",
            ".part",
            ".crdownload",
            ".filepart",
            ".partial",
            ".download",
            "~",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// What an ignored name is, in words.
fn ignored_kind(name: &str, dir: bool) -> &'static str {
    let lower = name.to_lowercase();
    if dir {
        "隐藏文件夹"
    } else if name.starts_with("~$") || name.starts_with(".~lock.") {
        "锁文件"
    } else if lower == "thumbs.db" || lower == "desktop.ini" || name == ".DS_Store" {
        "系统文件"
    } else if name.starts_with('.') {
        "隐藏文件"
    } else {
        "临时文件"
    }
}

/// Walks `inbox` and lists the files in it, sorted by path.
pub fn scan(inbox: &Path) -> std::io::Result<Scan> {
    let root = inbox.canonicalize()?;
    let mut scan = Scan::default();
    let mut walker = WalkDir::new(&root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| rel_of(&root, p).0).unwrap_or_default();
                scan.unreadable.push((path, e.to_string()));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let (rel, lossy_name) = rel_of(&root, entry.path());
        let is_dir = entry.file_type().is_dir();
        if is_dir && name.starts_with('.') {
            // Not opened: a hidden folder is a tool's (.git, .Trash).
            walker.skip_current_dir();
            scan.ignored.push((rel, ignored_kind(&name, true)));
            continue;
        }
        if is_ignored(&name) {
            if entry.file_type().is_file() || entry.file_type().is_symlink() {
                scan.ignored.push((rel, ignored_kind(&name, false)));
            }
            continue;
        }
        let meta = if entry.file_type().is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&root) && target.is_file() => {
                    std::fs::metadata(&target)
                }
                _ => {
                    scan.outside_links.push(rel);
                    continue;
                }
            }
        } else if entry.file_type().is_file() {
            entry.metadata().map_err(std::io::Error::other)
        } else {
            if let Some(kind) = special_kind(entry.file_type()) {
                scan.special.push((rel, kind));
            }
            continue;
        };
        let meta = match meta {
            Ok(m) => m,
            Err(e) => {
                scan.unreadable.push((rel, e.to_string()));
                continue;
            }
        };
        scan.files.push(ScannedFile {
            rel,
            abs: entry.path().to_path_buf(),
            size: meta.len(),
            mtime: from_unix(meta.mtime(), meta.mtime_nsec()),
            ctime: from_unix(meta.ctime(), meta.ctime_nsec()),
            birth: meta.created().ok().map(from_system),
            lossy_name,
        });
    }
    Ok(scan)
}

/// What a special file is, in words; `None` for folders.
fn special_kind(t: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    Some(if t.is_fifo() {
        "命名管道"
    } else if t.is_socket() {
        "套接字"
    } else if t.is_block_device() || t.is_char_device() {
        "设备文件"
    } else if t.is_dir() {
        return None;
    } else {
        "特殊文件"
    })
}

fn rel_of(root: &Path, path: &Path) -> (String, bool) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let lossy = rel.to_str().is_none();
    let text = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    (text, lossy)
}

fn from_unix(secs: i64, nsecs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nsecs.clamp(0, 999_999_999) as u32).unwrap_or_default()
}

fn from_system(t: SystemTime) -> DateTime<Utc> {
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_and_temp_files_are_not_submissions() {
        for name in [
            "~$活动总结.docx",
            ".DS_Store",
            "Thumbs.db",
            "a.tmp",
            "照片.jpg.part",
            ".~lock.x.docx#",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        for name in ["活动总结.docx", "照片1.jpg", "temp报告.docx"] {
            assert!(!is_ignored(name), "{name}");
        }
    }

    #[test]
    fn hidden_files_and_folders_are_named_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("县林业局/.git")).unwrap();
        std::fs::write(dir.path().join("县林业局/.git/config"), "x").unwrap();
        std::fs::write(dir.path().join("县林业局/.活动总结.docx"), "x").unwrap();
        std::fs::write(dir.path().join("县林业局/~$活动总结.docx"), "x").unwrap();
        std::fs::write(dir.path().join("县林业局/活动总结.docx"), "x").unwrap();
        let scan = scan(dir.path()).unwrap();
        assert_eq!(scan.files.len(), 1);
        assert_eq!(
            scan.ignored,
            vec![
                ("县林业局/.git".to_string(), "隐藏文件夹"),
                ("县林业局/.活动总结.docx".to_string(), "隐藏文件"),
                ("县林业局/~$活动总结.docx".to_string(), "锁文件"),
            ]
        );
    }

    #[test]
    fn links_outside_the_inbox_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        std::fs::create_dir_all(inbox.join("县林业局")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::fs::write(inbox.join("县林业局/总结.docx"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), inbox.join("link.docx")).unwrap();
        std::os::unix::fs::symlink(inbox.join("县林业局/总结.docx"), inbox.join("inside.docx"))
            .unwrap();
        let scan = scan(&inbox).unwrap();
        let rels: Vec<&str> = scan.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec!["inside.docx", "县林业局/总结.docx"]);
        assert_eq!(scan.outside_links, vec!["link.docx"]);
    }

    #[test]
    fn a_named_pipe_is_named_and_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("县林业局照片.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        std::fs::write(dir.path().join("总结.docx"), "x").unwrap();
        // Opening the pipe for reading would block this test forever.
        let scan = scan(dir.path()).unwrap();
        assert_eq!(scan.files.len(), 1);
        assert_eq!(
            scan.special,
            vec![("县林业局照片.jpg".to_string(), "命名管道")]
        );
    }
}
