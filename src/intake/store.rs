//! The content-addressed store under the state folder. Every version of
//! every submitted file is copied here once, named by its BLAKE3 hash, so
//! reports stay reproducible after a department deletes or changes its
//! file. Next to the blobs sit what is derived from them: the inspection
//! (JSON, per inspect engine) and the print-size photo, so a re-run never
//! re-decodes a photo it has seen.
//!
//! Writes go to a temporary file in the same folder and are renamed into
//! place, so a crash never leaves a half-written blob under a real name.

use std::io;
use std::path::{Path, PathBuf};

use crate::atomic::write_atomic;
use crate::inspect::Inspection;

/// The store's folders inside the state folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    /// A dry run reads the store but writes nothing.
    read_only: bool,
}

/// The hash of some bytes, as the store names them.
pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

impl Store {
    /// The store under `state_dir`.
    pub fn new(state_dir: &Path) -> Store {
        Store {
            root: state_dir.to_path_buf(),
            read_only: false,
        }
    }

    /// The same store, but writes are skipped (for `--dry-run`).
    pub fn read_only(mut self) -> Store {
        self.read_only = true;
        self
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

    /// Stores `bytes`, whose [`hash_bytes`] is `hash`, if not already there.
    pub fn put_blob(&self, hash: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = self.blob_path(hash);
        if !self.read_only && !dest.exists() {
            write_atomic(&dest, bytes, true)?;
        }
        Ok(())
    }

    /// Reads a stored blob.
    pub fn read(&self, hash: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.blob_path(hash))
    }

    /// Stores the print-size JPEG derived from a blob.
    pub fn put_derived(&self, hash: &str, jpeg: &[u8]) -> io::Result<()> {
        if self.read_only {
            return Ok(());
        }
        write_atomic(&self.derived_path(hash), jpeg, false)
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
        if self.read_only {
            return Ok(());
        }
        let json = serde_json::to_vec(inspection).map_err(io::Error::other)?;
        write_atomic(&self.inspection_path(hash, engine), &json, false)
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
}
