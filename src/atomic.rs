//! Atomic file writes, shared by every stage that writes: the store's blobs
//! and caches, the outbox's .eml files and the published reports. Content
//! goes to a hidden temporary file in the destination's folder and is
//! renamed over the destination, so a reader (or the next batch after a
//! crash or a full disk) sees the old file or the new one, never half of one.
//! A large file that is the only copy of something and that nobody reads
//! again soon is written around the page cache ([`write_atomic_uncached`]).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use tempfile::TempPath;

mod direct;

/// The prefix and suffix of the temporary files written here.
const TMP_PREFIX: &str = ".baosong-";
const TMP_SUFFIX: &str = ".tmp";

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
    let (file, tmp_path) = temporary_beside(dest)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    Ok(put_in_place(file, tmp_path, dest, durable)?)
}

/// Writes `bytes` to `dest` atomically and durably, around the page cache
/// where the file system allows ([`direct`]): for a large file that is the
/// only copy of something and that nobody reads again soon (a photo the
/// store keeps, inspected from the memory it was read into). Fastest when
/// `bytes` start on a [`crate::whole_file::ALIGN`] boundary.
pub fn write_atomic_uncached(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let (file, tmp_path) = temporary_beside(dest)?;
    direct::write_new(&file, &tmp_path, bytes)?;
    put_in_place(file, tmp_path, dest, true)
}

/// A new temporary file in `dest`'s folder (created when missing), removed
/// when its path is dropped.
fn temporary_beside(dest: &Path) -> io::Result<(File, TempPath)> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)?;
    Ok(tmp.into_parts())
}

/// Renames the written temporary file over `dest`, flushed to disk first
/// when `durable`.
fn put_in_place(file: File, tmp_path: TempPath, dest: &Path, durable: bool) -> io::Result<()> {
    if durable {
        file.sync_all()?;
    }
    tmp_path.persist(dest).map_err(|e| e.error)
}

/// Creates `dir` (and missing parents) readable by the owner only, and
/// makes an existing one so: the state folder holds every unit's files and
/// addresses, whatever the umask.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Removes the temporary files a crash between writing and renaming left
/// under `dir`; returns how many. Only while this campaign's batch lock is
/// held, so no other writer's file is taken.
pub fn remove_leftovers(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("blobs/ab");
        std::fs::create_dir_all(&shard).unwrap();
        std::fs::write(shard.join(".baosong-x1y2.tmp"), b"half").unwrap();
        std::fs::write(shard.join("abcdef"), b"blob").unwrap();
        std::fs::write(dir.path().join("a.tmp"), b"not ours").unwrap();
        assert_eq!(remove_leftovers(dir.path()), 1);
        assert!(shard.join("abcdef").exists());
        assert!(dir.path().join("a.tmp").exists());
    }

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
    fn an_uncached_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("blobs/ab/abcdef");
        write_atomic_uncached(&dest, &[1; 10_000]).unwrap();
        write_atomic_uncached(&dest, b"shorter").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"shorter");
        assert_eq!(
            std::fs::read_dir(dest.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn missing_folders_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b/c.json");
        write_atomic(&dest, b"{}", false).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"{}");
    }
}
