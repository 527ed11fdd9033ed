//! The content-addressed store under the state folder. Every version of
//! every submitted file is copied here once, named by its BLAKE3 hash, so
//! reports stay reproducible after a department deletes or changes its
//! file. Next to the blobs sit what is derived from them: the inspection
//! (JSON, per inspect engine) and the print-size photo, so a re-run never
//! re-decodes a photo it has seen.
//!
//! Writes go to a temporary file in the same folder and are renamed into
//! place, so a crash never leaves a half-written blob under a real name
//! (the temporary files a crash leaves are removed by the next batch:
//! [`crate::atomic::remove_leftovers`]). Folders are created 0700 and files
//! 0600, whatever the umask: the store holds every unit's submissions.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::atomic::{private_dir, write_atomic};
use crate::inspect::Inspection;

/// One version of one file as a batch recorded it: the ledger's ids, where
/// it came from and when it arrived, its blob in the store (hash and size)
/// and what inspection found. The ledger returns these; assess, the report
/// and the archive read them.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub version_id: i64,
    pub file_id: i64,
    pub path: String,
    pub parent_path: Option<String>,
    pub batch_id: i64,
    pub hash: String,
    pub size: u64,
    pub arrived_at: DateTime<FixedOffset>,
    pub arrival_basis: String,
    pub inspection: Inspection,
    /// The file is no longer in the inbox (since that batch).
    pub gone: bool,
}

/// The store's folders inside the state folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    /// A dry run (and `baosong check`) reads the store but writes nothing
    /// there; entries unpacked from archives go to this temporary folder
    /// instead, to be read back while they are inspected.
    scratch: Option<Arc<tempfile::TempDir>>,
}

/// The hash of some bytes, as the store names them.
pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// A blob being written: what it is given is hashed and, when kept, copied
/// into a temporary file of the store, in pieces, never whole in memory.
pub struct BlobWriter {
    hasher: blake3::Hasher,
    len: u64,
    file: Option<BufWriter<tempfile::NamedTempFile>>,
}

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(file) = &mut self.file {
            file.write_all(buf)?;
        }
        self.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

/// A blob written through a [`BlobWriter`].
#[derive(Debug, Clone)]
pub struct Blob {
    pub hash: String,
    pub size: u64,
    /// Where its bytes can be read back; `None` when it was only hashed
    /// (too large, or a dry run reading the inbox file itself).
    pub path: Option<PathBuf>,
}

impl Store {
    /// The store under `state_dir`.
    pub fn new(state_dir: &Path) -> Store {
        Store {
            root: state_dir.to_path_buf(),
            scratch: None,
        }
    }

    /// The same store, but writes are skipped (for `--dry-run`).
    pub fn read_only(mut self) -> io::Result<Store> {
        self.scratch = Some(Arc::new(tempfile::tempdir()?));
        Ok(self)
    }

    /// A store that keeps nothing (for `baosong check`).
    pub fn throwaway() -> io::Result<Store> {
        let scratch = tempfile::tempdir()?;
        Ok(Store {
            root: scratch.path().to_path_buf(),
            scratch: Some(Arc::new(scratch)),
        })
    }

    /// Whether blobs are kept in the state folder (not a dry run).
    pub fn writes(&self) -> bool {
        self.scratch.is_none()
    }

    fn sharded(&self, folder: &str, hash: &str, ext: &str) -> PathBuf {
        self.root
            .join(folder)
            .join(&hash[..2.min(hash.len())])
            .join(format!("{hash}{ext}"))
    }

    /// Where the blob with this hash lives.
    pub fn blob_path(&self, hash: &str) -> PathBuf {
        self.sharded("blobs", hash, "")
    }

    /// Where the print-size JPEG derived from this blob lives.
    pub fn derived_path(&self, hash: &str) -> PathBuf {
        self.sharded("derived", hash, ".jpg")
    }

    fn inspection_path(&self, hash: &str, engine: &str) -> PathBuf {
        self.sharded("inspections", hash, &format!(".{engine}.json"))
    }

    /// A writer for a new blob; `keep` copies it into the store (into the
    /// scratch folder in a dry run), otherwise it is only hashed.
    pub fn blob_writer(&self, keep: bool) -> io::Result<BlobWriter> {
        let file = if keep {
            let dir = match &self.scratch {
                Some(scratch) => scratch.path().to_path_buf(),
                None => self.root.join("blobs"),
            };
            private_dir(&dir)?;
            let tmp = tempfile::Builder::new()
                .prefix(".baosong-")
                .suffix(".tmp")
                .tempfile_in(dir)?;
            Some(BufWriter::with_capacity(1 << 20, tmp))
        } else {
            None
        };
        Ok(BlobWriter {
            hasher: blake3::Hasher::new(),
            len: 0,
            file,
        })
    }

    /// Finishes a blob: named by its hash, flushed to disk before it is
    /// renamed into place (it may be the only copy of a submission), and
    /// dropped when the store already holds the same bytes.
    pub fn finish_blob(&self, writer: BlobWriter) -> io::Result<Blob> {
        let hash = writer.hasher.finalize().to_hex().to_string();
        let size = writer.len;
        let Some(file) = writer.file else {
            return Ok(Blob {
                hash,
                size,
                path: None,
            });
        };
        let tmp = file.into_inner().map_err(|e| e.into_error())?;
        let dest = match &self.scratch {
            Some(scratch) => scratch.path().join(&hash),
            None => self.blob_path(&hash),
        };
        if !dest.exists() {
            if self.writes() {
                tmp.as_file().sync_all()?;
            }
            private_dir(dest.parent().unwrap_or(&self.root))?;
            tmp.persist(&dest).map_err(|e| e.error)?;
        }
        Ok(Blob {
            hash,
            size,
            path: Some(dest),
        })
    }

    /// Stores `bytes`, whose [`hash_bytes`] is `hash`, if not already there.
    pub fn put_blob(&self, hash: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = self.blob_path(hash);
        if self.writes() && !dest.exists() {
            self.prepare(&dest)?;
            write_atomic(&dest, bytes, true)?;
        }
        Ok(())
    }

    /// Creates the private folder `dest` goes in.
    fn prepare(&self, dest: &Path) -> io::Result<()> {
        private_dir(dest.parent().unwrap_or(&self.root))
    }

    /// Reads a stored blob.
    pub fn read(&self, hash: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.blob_path(hash))
    }

    /// Stores the print-size JPEG derived from a blob.
    pub fn put_derived(&self, hash: &str, jpeg: &[u8]) -> io::Result<()> {
        if !self.writes() {
            return Ok(());
        }
        let dest = self.derived_path(hash);
        self.prepare(&dest)?;
        write_atomic(&dest, jpeg, false)
    }

    /// The cached inspection of a blob by this inspect engine.
    pub fn cached_inspection(&self, hash: &str, engine: &str) -> Option<Inspection> {
        let text = std::fs::read(self.inspection_path(hash, engine)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Caches an inspection.
    pub fn put_inspection(
        &self,
        hash: &str,
        engine: &str,
        inspection: &Inspection,
    ) -> io::Result<()> {
        if !self.writes() {
            return Ok(());
        }
        let json = serde_json::to_vec(inspection).map_err(io::Error::other)?;
        let dest = self.inspection_path(hash, engine);
        self.prepare(&dest)?;
        write_atomic(&dest, &json, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_named_by_content_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let a = hash_bytes(b"hello");
        store.put_blob(&a, b"hello").unwrap();
        let path = store.blob_path(&a);
        assert_eq!(path.file_name().unwrap().to_str(), Some(a.as_str()));
        // A second put of the same content leaves the stored blob alone.
        let old = filetime::FileTime::from_unix_time(1_000_000_000, 0);
        filetime::set_file_mtime(&path, old).unwrap();
        store.put_blob(&a, b"hello").unwrap();
        let mtime = filetime::FileTime::from_last_modification_time(&path.metadata().unwrap());
        assert_eq!(mtime, old);
        assert_eq!(store.read(&a).unwrap(), b"hello");
        assert!(store.blob_path(&a).starts_with(dir.path().join("blobs")));
    }

    #[test]
    fn streamed_blobs_are_hashed_as_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut w = store.blob_writer(true).unwrap();
        for _ in 0..3 {
            w.write_all(&[5u8; 1000]).unwrap();
        }
        let blob = store.finish_blob(w).unwrap();
        assert_eq!(blob.hash, hash_bytes(&[5u8; 3000]));
        assert_eq!(blob.size, 3000);
        assert_eq!(
            blob.path.as_deref(),
            Some(store.blob_path(&blob.hash).as_path())
        );
        assert_eq!(store.read(&blob.hash).unwrap(), vec![5u8; 3000]);
        // Only hashed: nothing is written.
        let mut w = store.blob_writer(false).unwrap();
        w.write_all(b"big").unwrap();
        let blob = store.finish_blob(w).unwrap();
        assert!(blob.path.is_none());
        assert!(!store.blob_path(&blob.hash).exists());
        // A dry run keeps entries in its scratch folder, not the store.
        let dry = Store::new(dir.path()).read_only().unwrap();
        let mut w = dry.blob_writer(true).unwrap();
        w.write_all(b"entry").unwrap();
        let blob = dry.finish_blob(w).unwrap();
        assert_eq!(std::fs::read(blob.path.unwrap()).unwrap(), b"entry");
        assert!(!store.blob_path(&blob.hash).exists());
    }
}
