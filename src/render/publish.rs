//! Atomic publishing: every file goes to a temporary name in its final
//! directory and is renamed into place, and `latest` moves only after the
//! whole set exists, so a crash or a full disk never leaves a half-written
//! report where the last good one was.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::RenderError;

/// The name of the pointer to the newest report folder.
pub const LATEST: &str = "latest";
/// The fallback pointer when symlinks are not allowed (e.g. Windows shares).
pub const LATEST_TXT: &str = "latest.txt";

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> RenderError + '_ {
    move |source| RenderError::Write {
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` to `dir/name` atomically and durably ([`crate::atomic`]).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, RenderError> {
    write_atomic_with(dir, name, |file| Ok(file.write_all(bytes)?))
}

/// Like [`write_atomic`], with the content written by `write` (streamed:
/// a report with thousands of photos is never whole in memory).
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> Result<(), RenderError>,
) -> Result<PathBuf, RenderError> {
    let path = dir.join(name);
    crate::atomic::write_atomic_with(&path, true, write).map_err(|e| match e {
        RenderError::Output(source) => write_error(&path)(source),
        other => other,
    })?;
    Ok(path)
}

/// Runs `write` to fill the folder `dir`; if `dir` did not exist and
/// `write` fails, the folder goes again, so a failed render leaves nothing
/// where the next good report will go.
pub fn in_new_folder(
    dir: &Path,
    write: impl FnOnce() -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    let existed = dir.exists();
    let result = write();
    if result.is_err() && !existed {
        let _ = fs::remove_dir_all(dir);
    }
    result
}

/// Points `out_root/latest` at the folder `stamp`: a relative symlink made
/// under a temporary name and renamed over the old one; where symlinks
/// cannot be made, `latest.txt` holds the folder name instead.
pub fn point_latest(out_root: &Path, stamp: &str) -> Result<(), RenderError> {
    let link = out_root.join(LATEST);
    let tmp = out_root.join(format!(".{LATEST}.tmp"));
    let _ = fs::remove_file(&tmp);
    match symlink_dir(Path::new(stamp), &tmp) {
        Ok(()) => fs::rename(&tmp, &link).map_err(write_error(&link)),
        Err(_) => write_atomic(out_root, LATEST_TXT, format!("{stamp}\n").as_bytes()).map(|_| ()),
    }
}

/// The folder `out_root/latest` points at, by name.
fn latest_stamp(out_root: &Path) -> Option<String> {
    match fs::read_link(out_root.join(LATEST)) {
        Ok(target) => Some(target.to_str()?.to_owned()),
        Err(_) => Some(
            fs::read_to_string(out_root.join(LATEST_TXT))
                .ok()?
                .trim()
                .to_owned(),
        ),
    }
}

/// Beside `latest`: the folder name and fingerprint of the report it holds.
const FINGERPRINT: &str = "latest.fingerprint";

/// Records that the report in folder `stamp` has `fingerprint`. Written
/// after `latest` moved: a crash in between leaves an older folder's
/// record, which no longer matches `latest`, so nothing is wrongly reused.
pub fn record_fingerprint(
    out_root: &Path,
    stamp: &str,
    fingerprint: &str,
) -> Result<(), RenderError> {
    write_atomic(
        out_root,
        FINGERPRINT,
        format!("{stamp} {fingerprint}\n").as_bytes(),
    )
    .map(|_| ())
}

/// The folder of the latest report if its fingerprint is `fingerprint` and
/// all of `files` are still there.
pub fn unchanged(out_root: &Path, fingerprint: &str, files: &[&str]) -> Option<PathBuf> {
    let record = fs::read_to_string(out_root.join(FINGERPRINT)).ok()?;
    let (stamp, recorded) = record.trim().split_once(' ')?;
    if recorded != fingerprint || latest_stamp(out_root)? != stamp || check_stamp(stamp).is_err() {
        return None;
    }
    let dir = out_root.join(stamp);
    files.iter().all(|f| dir.join(f).is_file()).then_some(dir)
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}

/// A batch stamp is a folder name: `YYYYMMDD-HHMM`, digits only, so it is
/// valid on Windows shares and sorts by time.
pub fn check_stamp(stamp: &str) -> Result<(), RenderError> {
    let b = stamp.as_bytes();
    let ok = b.len() == 13
        && b.iter().enumerate().all(|(i, c)| {
            if i == 8 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if ok {
        Ok(())
    } else {
        Err(RenderError::BadStamp(stamp.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::check_stamp;

    #[test]
    fn stamps_are_plain_folder_names() {
        assert!(check_stamp("20250613-2000").is_ok());
        for bad in [
            "2025-06-13",
            "20250613 2000",
            "20250613-20:0",
            "../20250613-2000",
            "",
        ] {
            assert!(check_stamp(bad).is_err(), "{bad}");
        }
    }
}
