//! The content-addressed store under the state folder. Every version of
//! every submitted file is copied here once, named by its BLAKE3 hash, so
//! reports stay reproducible after a department deletes or changes its
//! file. Next to the blobs sit what is derived from them: the inspection
//! (JSON, per inspect engine) and the print-size photo, so a re-run never
//! re-decodes a photo it has seen.
//!
//! What is derived from a blob and reused by later batches is one record
//! per blob and inspect engine ([`Store::cached`]): the inspection with
//! everything found inside, written only after every part it refers to
//! (the entries' blobs, the print JPEG or poster) is in the store, and read
//! back as a whole or not at all.
//!
//! Writes go to a temporary file and are renamed into place, so a crash
//! never leaves a half-written blob or record under a real name. A blob
//! given whole in memory ([`Store::put_blob`]: a photo read whole, a
//! picture from a document) is written around the page cache, since it is
//! inspected from that memory and nobody reads the copy again soon. A blob
//! being written lives in `tmp/`, with every other temporary work of a run
//! ([`Store::scratch`]); `tmp/` is swept at the start of every batch, and
//! so are the temporary files of interrupted cache writes
//! ([`Store::sweep`]). Nothing is written to the
//! system's temporary folder. Folders are created 0700 and files 0600,
//! whatever the umask: the store holds every unit's submissions.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::atomic::{private_dir, write_atomic, write_atomic_uncached};
use crate::inspect::Inspection;

/// Why an arrival time is what it is (see `intake::arrival`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalBasis {
    /// The file system's creation time (first version of a path).
    Birth,
    /// The file's change time (a changed file's new version).
    Ctime,
    /// A saved e-mail: when the receiving server got it.
    Email,
    /// A message taken from the mailbox: the server's INTERNALDATE.
    Internaldate,
    /// The file system's time was later than the batch clock.
    Clock,
    /// The file system's time was before the previous batch, which did not see it.
    PreviousBatch,
    /// An entry of a container: the container's arrival.
    Container,
    /// Content received before under another path (moved, renamed or
    /// copied inside the inbox): its first arrival.
    Known,
}

impl ArrivalBasis {
    const ALL: [ArrivalBasis; 8] = [
        ArrivalBasis::Birth,
        ArrivalBasis::Ctime,
        ArrivalBasis::Email,
        ArrivalBasis::Internaldate,
        ArrivalBasis::Clock,
        ArrivalBasis::PreviousBatch,
        ArrivalBasis::Container,
        ArrivalBasis::Known,
    ];

    /// The name stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            ArrivalBasis::Birth => "birth",
            ArrivalBasis::Ctime => "ctime",
            ArrivalBasis::Email => "email",
            ArrivalBasis::Internaldate => "internaldate",
            ArrivalBasis::Clock => "clock",
            ArrivalBasis::PreviousBatch => "previous_batch",
            ArrivalBasis::Container => "container",
            ArrivalBasis::Known => "known",
        }
    }

    /// The basis a stored name gives.
    pub fn parse(text: &str) -> Option<ArrivalBasis> {
        Self::ALL.into_iter().find(|b| b.as_str() == text)
    }
}

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
    /// Why it arrived then (`None`: a name this build does not know).
    pub arrival_basis: Option<ArrivalBasis>,
    pub inspection: Inspection,
    /// The file is no longer in the inbox (since that batch).
    pub gone: bool,
}

/// The store's folders inside the state folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    /// A dry run (and `baosong check`) reads the store but writes nothing
    /// there; entries unpacked from archives go to this scratch folder
    /// instead, to be read back while they are inspected.
    scratch: Option<Arc<Scratch>>,
}

/// The folder of a run's temporary work inside the state folder.
const TMP: &str = "tmp";

/// The lock file inside a scratch folder: held while the folder is in use.
const SCRATCH_LOCK: &str = ".lock";

/// A private folder for one run's temporary work under `state/tmp/` (a
/// dry run's ledger and unpacked entries, the report rendered into a
/// 归档 bundle). Removed when dropped; one a kill leaves behind is removed
/// by the next batch ([`Store::sweep`]), never while its owner lives
/// (it holds a lock on the folder's `.lock`).
#[derive(Debug)]
pub struct Scratch {
    dir: PathBuf,
    /// Removed when empty after the scratch (a dry run on a campaign that
    /// has no state yet leaves none).
    parents: Vec<PathBuf>,
    _lock: File,
}

impl Scratch {
    fn new(state_dir: &Path) -> io::Result<Scratch> {
        let state_existed = state_dir.exists();
        let tmp = state_dir.join(TMP);
        // Another scratch dropped meanwhile removes `tmp` (and a state
        // folder it made) when empty, under our feet: made again, the folder
        // is taken at a later try. Once ours is in it, `tmp` stays.
        let mut tries = 0;
        let dir = loop {
            let made = private_dir(&tmp).and_then(|()| {
                tempfile::Builder::new()
                    .prefix(&format!("{}-", std::process::id()))
                    .tempdir_in(&tmp)
            });
            match made {
                Ok(dir) => break dir.keep(),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::AlreadyExists
                    ) && tries < 20 =>
                {
                    tries += 1
                }
                Err(e) => return Err(e),
            }
        };
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(SCRATCH_LOCK))?;
        lock.lock()?;
        let mut parents = vec![tmp];
        if !state_existed {
            parents.push(state_dir.to_path_buf());
        }
        Ok(Scratch {
            dir,
            parents,
            _lock: lock,
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        for parent in &self.parents {
            // Only when empty: another run's work stays.
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// The hash of some bytes, as the store names them.
pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Where blob writers report a failure to write (a full disk), for a
/// caller that hands them to code which would take any write error for a
/// damaged file.
pub type WriteFailure = Arc<std::sync::Mutex<Option<io::Error>>>;

/// The hash of a file's bytes, as the store would name it (read in
/// pieces, never whole).
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// A blob being written: what it is given is hashed and, when kept, copied
/// into a temporary file of the store, in pieces, never whole in memory.
pub struct BlobWriter {
    hasher: blake3::Hasher,
    len: u64,
    file: Option<BufWriter<tempfile::NamedTempFile>>,
    failure: Option<WriteFailure>,
}

impl BlobWriter {
    /// The same writer, reporting a failure to write to `failure` too.
    pub fn reporting(mut self, failure: &WriteFailure) -> BlobWriter {
        self.failure = Some(failure.clone());
        self
    }

    /// The bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(file) = &mut self.file
            && let Err(e) = file.write_all(buf)
        {
            if let Some(failure) = &self.failure
                && let Ok(mut slot) = failure.lock()
            {
                slot.get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
            }
            return Err(e);
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

    /// The same store, but writes are skipped (for `--dry-run`): what a
    /// dry run unpacks goes to a scratch folder under `state/tmp/`.
    pub fn read_only(mut self) -> io::Result<Store> {
        self.scratch = Some(Arc::new(self.scratch()?));
        Ok(self)
    }

    /// A store that keeps nothing, in a scratch folder of `dir` (for
    /// `baosong check`, which has no campaign).
    pub fn throwaway(dir: &Path) -> io::Result<Store> {
        let scratch = Scratch::new(dir)?;
        Ok(Store {
            root: scratch.path().to_path_buf(),
            scratch: Some(Arc::new(scratch)),
        })
    }

    /// Whether blobs are kept in the state folder (not a dry run).
    pub fn writes(&self) -> bool {
        self.scratch.is_none()
    }

    /// A new scratch folder for temporary work under `state/tmp/`, removed
    /// when dropped.
    pub fn scratch(&self) -> io::Result<Scratch> {
        Scratch::new(&self.root)
    }

    /// Removes what runs that died left in the state folder: in `tmp/`,
    /// blobs being written and scratch folders whose owner is gone; in
    /// the store's other folders, the temporary files of interrupted
    /// atomic writes. Returns how many. Called at the start of a batch,
    /// under its lock (a running dry run's scratch is spared).
    pub fn sweep(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_name() == TMP {
                removed += sweep_tmp(&path);
            } else if entry.file_type().is_ok_and(|t| t.is_dir()) {
                removed += crate::atomic::remove_leftovers(&path);
            }
        }
        removed
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

    fn record_path(&self, hash: &str, engine: &str) -> PathBuf {
        self.sharded("inspections", hash, &format!(".{engine}.json"))
    }

    /// A writer for a new blob; `keep` copies it into the store (into the
    /// scratch folder in a dry run), otherwise it is only hashed.
    pub fn blob_writer(&self, keep: bool) -> io::Result<BlobWriter> {
        let file = if keep {
            let dir = match &self.scratch {
                Some(scratch) => scratch.path().to_path_buf(),
                None => self.root.join(TMP),
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
            failure: None,
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

    /// Stores `bytes`, whose [`hash_bytes`] is `hash`, if not already
    /// there: around the page cache, as the caller has them in memory.
    pub fn put_blob(&self, hash: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = self.blob_path(hash);
        if self.writes() && !dest.exists() {
            self.prepare(&dest)?;
            write_atomic_uncached(&dest, bytes)?;
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

    /// Whether a blob with this hash is in the store.
    pub fn has_blob(&self, hash: &str) -> bool {
        self.blob_path(hash).is_file()
    }

    /// Stores the print-size JPEG (or a video's poster) derived from a blob.
    pub fn put_derived(&self, hash: &str, jpeg: &[u8]) -> io::Result<()> {
        if !self.writes() {
            return Ok(());
        }
        let dest = self.derived_path(hash);
        self.prepare(&dest)?;
        write_atomic(&dest, jpeg, false)
    }

    /// Whether the print JPEG or poster of a blob is in the store.
    pub fn has_derived(&self, hash: &str) -> bool {
        self.derived_path(hash).is_file()
    }

    /// The record kept for a blob by this inspect engine, if there is one
    /// that reads back whole; the caller checks that the parts it names
    /// are there.
    pub fn cached<T: DeserializeOwned>(&self, hash: &str, engine: &str) -> Option<T> {
        let text = std::fs::read(self.record_path(hash, engine)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Keeps the record of a blob (atomically: whole or not at all). Write
    /// it only once every part it names is stored.
    pub fn put_cached<T: Serialize>(&self, hash: &str, engine: &str, record: &T) -> io::Result<()> {
        if !self.writes() {
            return Ok(());
        }
        let json = serde_json::to_vec(record).map_err(io::Error::other)?;
        let dest = self.record_path(hash, engine);
        self.prepare(&dest)?;
        write_atomic(&dest, &json, false)
    }
}

/// Empties `tmp` of all but the scratch folders of live runs.
fn sweep_tmp(tmp: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let gone = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            scratch_abandoned(&path) && std::fs::remove_dir_all(&path).is_ok()
        } else {
            std::fs::remove_file(&path).is_ok()
        };
        removed += usize::from(gone);
    }
    removed
}

/// Whether a scratch folder's owner is gone (its lock is free), or it
/// never got a lock and is older than a minute.
fn scratch_abandoned(dir: &Path) -> bool {
    match File::options().write(true).open(dir.join(SCRATCH_LOCK)) {
        Ok(lock) => lock.try_lock().is_ok(),
        Err(_) => std::fs::metadata(dir)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 60)),
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

    #[test]
    fn throwaway_stores_made_and_dropped_at_once_never_fail() {
        // Each drop removes `tmp` when it is empty, under the others' feet.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("check");
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..200 {
                        Store::throwaway(&root).expect("a scratch store");
                    }
                });
            }
        });
    }

    #[test]
    fn scratch_folders_live_under_tmp_and_the_sweep_spares_live_ones() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let store = Store::new(&state);
        // A dry run on a campaign without state leaves none behind.
        let scratch = store.scratch().unwrap();
        assert!(scratch.path().starts_with(state.join("tmp")));
        std::fs::write(scratch.path().join("ledger.sqlite"), b"x").unwrap();
        drop(scratch);
        assert!(!state.exists());

        // What a killed run left goes; a live run's scratch stays.
        std::fs::create_dir_all(&state).unwrap();
        std::fs::write(state.join("ledger.sqlite"), b"").unwrap();
        let live = store.scratch().unwrap();
        let dead = state.join("tmp/4242-dead");
        std::fs::create_dir_all(&dead).unwrap();
        std::fs::write(dead.join(".lock"), b"").unwrap();
        std::fs::write(state.join("tmp/.baosong-blob.tmp"), b"half").unwrap();
        std::fs::create_dir_all(state.join("derived/ab")).unwrap();
        std::fs::write(state.join("derived/ab/.baosong-x.tmp"), b"half").unwrap();
        std::fs::write(live.path().join(".baosong-blob.tmp"), b"being written").unwrap();
        assert_eq!(store.sweep(), 3);
        assert!(live.path().join(".baosong-blob.tmp").exists());
        assert!(live.path().exists());
        assert!(!dead.exists());
        drop(live);
        assert!(!state.join("tmp").exists());
        assert!(state.join("ledger.sqlite").exists());
    }
}
