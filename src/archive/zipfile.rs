//! A zip written the same way every time: entries in name order, each
//! dated with the bundle's cut-off, the same permissions, the same
//! compression (stored for formats that are compressed already, deflate
//! level 6 for the rest), so two bundles of the same moment are the same
//! bytes. Files are streamed into it, never read whole, and hashed
//! (SHA-256) as they go, so each is read once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::PathBuf;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use sha2::Digest;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// What one entry holds.
#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
}

/// One entry of the zip.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path inside the zip, `/`-separated, valid on Windows.
    pub name: String,
    pub source: Source,
}

/// Extensions of formats that deflate would not shrink.
const COMPRESSED: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "mp4", "mov", "3gp", "m4v", "avi", "mkv", "zip",
    "rar", "7z", "gz", "docx", "xlsx", "pptx", "wps", "et", "ods", "odt",
];

/// Writes `entries` (sorted here by name) into `out`, then the entry
/// `last` makes from the SHA-256 of every file entry just written (by
/// entry name): each file is read once, hashed as it goes into the zip.
pub fn write<W: Write + Seek>(
    out: W,
    mut entries: Vec<Entry>,
    stamp: DateTime<FixedOffset>,
    last: impl FnOnce(&HashMap<String, String>) -> Entry,
) -> io::Result<()> {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let date = zip::DateTime::from_date_and_time(
        stamp.year().clamp(1980, 2107) as u16,
        stamp.month() as u8,
        stamp.day() as u8,
        stamp.hour() as u8,
        stamp.minute() as u8,
        stamp.second() as u8,
    )
    .unwrap_or_default();
    let mut zip = ZipWriter::new(out);
    let mut written = HashMap::new();
    let mut buf = vec![0u8; 1 << 16];
    for entry in &entries {
        if let Some(sha) = put(&mut zip, entry, date, &mut buf)? {
            written.insert(entry.name.clone(), sha);
        }
    }
    put(&mut zip, &last(&written), date, &mut buf)?;
    zip.finish().map_err(io::Error::other)?;
    Ok(())
}

/// Writes one entry; a file's SHA-256, computed on the way.
fn put<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    entry: &Entry,
    date: zip::DateTime,
    buf: &mut [u8],
) -> io::Result<Option<String>> {
    start(zip, entry, date)?;
    match &entry.source {
        Source::Bytes(b) => {
            zip.write_all(b)?;
            Ok(None)
        }
        Source::File(p) => {
            let mut f = File::open(p)?;
            let mut hasher = sha2::Sha256::new();
            loop {
                let n = f.read(buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                zip.write_all(&buf[..n])?;
            }
            Ok(Some(hex(&hasher.finalize())))
        }
    }
}

/// Starts an entry: stored or deflated by its extension, dated `date`.
fn start<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    entry: &Entry,
    date: zip::DateTime,
) -> io::Result<()> {
    let ext = entry
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let size = match &entry.source {
        Source::File(p) => std::fs::metadata(p)?.len(),
        Source::Bytes(b) => b.len() as u64,
    };
    let method = if COMPRESSED.contains(&ext.as_str()) {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .compression_level((method == CompressionMethod::Deflated).then_some(6))
        .last_modified_time(date)
        .unix_permissions(0o644)
        .large_file(size >= u32::MAX as u64);
    zip.start_file(entry.name.as_str(), options)
        .map_err(io::Error::other)
}

/// The SHA-256 of a file, read in pieces; lowercase hex.
pub fn sha256_file(path: &std::path::Path) -> io::Result<String> {
    let mut hasher = sha2::Sha256::new();
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(hex(&hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

/// The SHA-256 of some bytes; lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
