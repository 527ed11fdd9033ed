//! Atomic file writes, shared by every stage that writes: the store's blobs
//! and caches, the outbox's .eml files and the published reports. Content
//! goes to a hidden temporary file in the destination's folder and is
//! renamed over the destination, so a reader (or the next batch after a
//! crash or a full disk) sees the old file or the new one, never half of one.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `bytes` to `dest` atomically; see [`write_atomic_with`].
pub fn write_atomic(dest: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    write_atomic_with(dest, durable, |f| f.write_all(bytes))
}

/// Writes `dest` atomically with the content `write` produces (streamed, so
/// a large report is never whole in memory). `durable` also flushes the data
/// to disk before the rename: for the only copy of something (a submission,
/// a message, a report), not for caches a later batch can make again. The
/// destination's folder is created when missing; on failure the temporary
/// file is removed and `dest` is untouched. `write` may fail with an error
/// of its own.
pub fn write_atomic_with<E: From<io::Error>>(
    dest: &Path,
    durable: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::Builder::new()
        .prefix(".baosong-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let (file, tmp_path) = tmp.into_parts();
    let mut out = BufWriter::with_capacity(1 << 20, file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    if durable {
        file.sync_all()?;
    }
    tmp_path.persist(dest).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("报告.pdf");
        write_atomic(&dest, b"old", true).unwrap();
        let err = write_atomic_with(&dest, true, |f| -> io::Result<()> {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_folders_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b/c.json");
        write_atomic(&dest, b"{}", false).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"{}");
    }
}
