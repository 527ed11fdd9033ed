//! Writing a new file around the page cache (`O_DIRECT`, Linux).
//!
//! The store keeps a copy of every photo a unit sends. Written the usual
//! way, each byte of it is first copied into freshly allocated page-cache
//! pages, for a copy nobody reads again soon: the photo is inspected from
//! the memory it was read into. On the bench campaigns that copy was the
//! largest cost of a first run outside the decoder (benches/README.md).
//! Written with `O_DIRECT`, the disk takes the bytes from that memory.
//!
//! Direct writes want the memory, the length and the file offset to be
//! multiples of the device's block; [`ALIGN`] covers the block sizes in
//! use. Bytes that do not start on such a boundary go through a staging
//! buffer that does; the last partial block is written padded with zeros
//! and the file cut back to its length. Where the file system refuses
//! direct I/O (tmpfs before Linux 6.6, some network file systems) the file
//! is written the usual way; either way the caller flushes it to disk.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::whole_file::ALIGN;

/// The most bytes the staging buffer holds.
const STAGE_BYTES: usize = 1 << 20;

/// Writes `bytes` into `file`, new and empty, open for writing at `path`:
/// directly to the disk where the file system allows, else the usual way.
pub fn write_new(file: &File, path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_through(file, open_direct(path).as_ref(), bytes)
}

/// Writes `bytes` into `file` through `direct`, the same file opened for
/// direct writes, when there is one and its writes work; else plainly.
fn write_through(file: &File, direct: Option<&File>, bytes: &[u8]) -> io::Result<()> {
    if let Some(direct) = direct {
        match write_blocks(direct, bytes) {
            Ok(()) => return file.set_len(bytes.len() as u64),
            // Alignment the device does not accept: written the usual way,
            // over whatever whole blocks went out already.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => {}
            Err(e) => return Err(e),
        }
    }
    file.write_all_at(bytes, 0)?;
    file.set_len(bytes.len() as u64)
}

/// The file at `path` opened again for direct writes, when the file
/// system takes them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn open_direct(path: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    File::options()
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)
        .ok()
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn open_direct(_path: &Path) -> Option<File> {
    None
}

/// Writes `bytes` from offset 0 in whole blocks: the aligned part straight
/// from `bytes` when they start on a block boundary, the rest through an
/// aligned staging buffer, the last block padded.
fn write_blocks(file: &File, bytes: &[u8]) -> io::Result<()> {
    let mut at = 0;
    if (bytes.as_ptr() as usize).is_multiple_of(ALIGN) {
        at = bytes.len() / ALIGN * ALIGN;
        file.write_all_at(&bytes[..at], 0)?;
    }
    if at == bytes.len() {
        return Ok(());
    }
    let mut stage = Stage::new((bytes.len() - at).min(STAGE_BYTES));
    for piece in bytes[at..].chunks(STAGE_BYTES) {
        file.write_all_at(stage.padded(piece), at as u64)?;
        at += piece.len();
    }
    Ok(())
}

/// A buffer whose usable part starts on a block boundary.
struct Stage {
    buffer: Vec<u8>,
    start: usize,
}

impl Stage {
    /// Room for `bytes` rounded up to whole blocks; its pages are touched
    /// only as far as they are used.
    fn new(bytes: usize) -> Stage {
        let buffer: Vec<u8> = Vec::with_capacity(bytes.div_ceil(ALIGN) * ALIGN + ALIGN);
        let start = buffer.as_ptr().align_offset(ALIGN).min(ALIGN);
        Stage { buffer, start }
    }

    /// `piece` (at most the size given to [`Stage::new`]) copied in and
    /// padded with zeros to whole blocks.
    fn padded(&mut self, piece: &[u8]) -> &[u8] {
        self.buffer.clear();
        self.buffer.resize(self.start, 0);
        self.buffer.extend_from_slice(piece);
        self.buffer
            .resize(self.start + piece.len().div_ceil(ALIGN) * ALIGN, 0);
        &self.buffer[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length around block and stage boundaries, from aligned and
    /// unaligned memory, reads back exactly: written directly (where the
    /// file system the tests run on takes direct writes) and plainly.
    #[test]
    fn what_is_written_reads_back_exactly_at_every_length() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let dir = tempfile::tempdir().unwrap();
        let source: Vec<u8> = (0..3 * STAGE_BYTES + 3 * ALIGN)
            .map(|i| (i * 7 + i / 4093) as u8)
            .collect();
        let aligned_start = source.as_ptr().align_offset(ALIGN);
        let lengths = [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            ALIGN + 1,
            STAGE_BYTES - 1,
            STAGE_BYTES + 1,
            2 * STAGE_BYTES + ALIGN + 17,
        ];
        let mut direct_tried = false;
        for offset in [aligned_start, aligned_start + 1] {
            for len in lengths {
                let bytes = &source[offset..offset + len];
                for directly in [true, false] {
                    let path = dir.path().join(format!("{offset}-{len}-{directly}"));
                    let file = File::create(&path).unwrap();
                    let direct = open_direct(&path).filter(|_| directly);
                    direct_tried |= direct.is_some();
                    write_through(&file, direct.as_ref(), bytes).unwrap();
                    assert_eq!(std::fs::read(&path).unwrap(), bytes, "{}", path.display());
                }
            }
        }
        let linux = cfg!(all(target_os = "linux", target_env = "gnu"));
        assert!(
            direct_tried || !(ci && linux),
            "no direct writes in {}",
            dir.path().display()
        );
    }
}
