//! Whole-file reads into a buffer each thread keeps, for the photo stage's
//! hot path (intake and `baosong check`). Every file read whole is read
//! here, and never one larger than the limit its caller gives: memory
//! follows the configured limits, not what arrived.
//!
//! A fresh `Vec` per file means fresh pages: every 3–5 MB photo was faulted
//! in and zeroed by the kernel before its bytes were copied over, one page
//! at a time. Reading each file into the buffer its worker thread used for
//! the previous one skips that (benches/README.md: the kernel's share of the
//! photo stage). A buffer grown past [`KEEP_BYTES`] by an unusually large
//! file is let go afterwards rather than pinned for the rest of the batch,
//! and [`release_kept_buffers`] lets them all go when the reading is done.
//! Every [`FILES_BETWEEN_RELEASES`] files, what the photo stage freed is
//! handed back to the system, or resident memory grows with the number of
//! photos ([`crate::allocator`]).
//!
//! The bytes handed over start at a multiple of [`ALIGN`], so that a caller
//! can write them to disk directly from there (the store's copy of a
//! photo, `crate::store`), without another copy.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::allocator::{FILES_BETWEEN_RELEASES, ReleaseEvery};

/// Where the bytes of a file read whole start in memory: a multiple of
/// this, the largest block size direct I/O asks memory to be aligned to.
pub const ALIGN: usize = 4096;

/// The largest buffer a thread keeps between files: a phone photo or a
/// typical document fits; a 200 MB video does not stay resident.
const KEEP_BYTES: usize = 32 << 20;

/// Counts whole-file reads across threads, for the periodic hand-back.
static RELEASE: ReleaseEvery = ReleaseEvery::new(FILES_BETWEEN_RELEASES);

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads the whole of `path` and hands its bytes to `use_bytes`; a file
/// of more than `max` bytes is an error, found before anything is read
/// (and again while reading, should the file grow).
///
/// The buffer is taken out of the thread's slot while in use, so a nested
/// call on the same thread (rayon may run another file's task inside
/// `use_bytes`) simply gets a buffer of its own.
pub fn with_contents<T>(
    path: &Path,
    max: u64,
    use_bytes: impl FnOnce(&[u8]) -> T,
) -> io::Result<T> {
    let mut buffer = BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buffer.clear();
    let read = read_into(path, max, &mut buffer);
    let result = read.map(|start| use_bytes(&buffer[start..]));
    if buffer.capacity() <= KEEP_BYTES {
        BUFFER.with(|b| *b.borrow_mut() = buffer);
    }
    RELEASE.finished_one();
    result
}

/// Lets go of the buffers kept by rayon's worker threads and this thread,
/// so they do not count against the report stage's memory.
pub fn release_kept_buffers() {
    let release = || BUFFER.with(|b| *b.borrow_mut() = Vec::new());
    rayon::broadcast(|_| release());
    release();
}

/// Reads the file into `buffer` after a few bytes of padding that align
/// its start to [`ALIGN`] (unless the file grows while it is read and the
/// buffer moves); returns where the file's bytes start.
fn read_into(path: &Path, max: u64, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let too_large = || io::Error::new(io::ErrorKind::FileTooLarge, format!("超过{max}字节"));
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Err(too_large());
    }
    buffer.reserve(usize::try_from(size).unwrap_or(0).saturating_add(ALIGN));
    let start = buffer.as_ptr().align_offset(ALIGN).min(ALIGN);
    buffer.resize(start, 0);
    file.take(max.saturating_add(1)).read_to_end(buffer)?;
    if (buffer.len() - start) as u64 > max {
        return Err(too_large());
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_file_whole_with_nothing_left_from_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let long = dir.path().join("long");
        let short = dir.path().join("short");
        std::fs::write(&long, vec![7u8; 100_000]).unwrap();
        std::fs::write(&short, b"abc").unwrap();
        assert_eq!(
            with_contents(&long, 100_000, <[u8]>::to_vec).unwrap(),
            vec![7u8; 100_000]
        );
        assert_eq!(with_contents(&short, 3, <[u8]>::to_vec).unwrap(), b"abc");
        // Nested on the same thread: the inner read gets its own buffer.
        let both = with_contents(&long, u64::MAX, |outer| {
            let inner = with_contents(&short, 3, <[u8]>::to_vec).unwrap();
            (outer.len(), inner)
        })
        .unwrap();
        assert_eq!(both, (100_000, b"abc".to_vec()));
        assert!(with_contents(&dir.path().join("missing"), 10, |_| ()).is_err());
        // The bytes start on a block boundary, however the buffer lies.
        for file in [&long, &short, &long] {
            let start = with_contents(file, u64::MAX, |b| b.as_ptr() as usize).unwrap();
            assert_eq!(start % ALIGN, 0);
        }
        // Over the limit: refused, not read.
        let err = with_contents(&long, 99_999, |_| ()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(BUFFER.with(|b| b.borrow().capacity()) >= 100_000);
        release_kept_buffers();
        assert_eq!(BUFFER.with(|b| b.borrow().capacity()), 0);
    }
}
