//! Stage 3, inspect: open every submitted file for real, judge it, and turn it
//! into content the report can use.
//!
//! The entry points are [`inspect`] (a file as submitted) and
//! [`inspect_nested`] (a file found inside a zip or an e-mail): bytes in, an
//! [`Inspection`] (and, for containers, the files inside) out; and
//! [`inspect_input`], which also reads a file on disk: videos and zips by
//! seeking (a 4 GB video is never in memory), everything else whole and only
//! under its size limit. They never panic and never write; limits on sizes,
//! dimensions and depth come from [`Limits`].
//!
//! How a file is judged:
//! 1. [`sniff`] decides what the bytes really are (magic bytes, OLE stream
//!    names, zip part names); the name only breaks ties (.wps vs .doc).
//! 2. The reader for that kind runs [`contained`](contain::contained); a panic becomes a
//!    rejection of that one file.
//! 3. A readable file whose extension names another type gets a warning that
//!    says what it really is; a refused one gets the real type in its reason.
//!
//! Pure helpers the assess stage needs for cross-file rules (photo date far
//! from the activity, near-duplicate photos) are in [`compare`].

mod archive;
mod biff;
pub mod compare;
pub mod contain;
mod docx;
pub use docx::count_chars;
mod email;
mod exif;
mod frame;
pub mod grid;
mod jpeg;
mod legacy;
mod ole;
mod ooxml;
mod pdf;
mod photo;
mod sheet;
mod sniff;
pub mod template;
mod types;
mod video;
mod zipsafe;

pub use archive::Entries;
pub use photo::{MIN_LONG_EDGE, PRINT_LONG_EDGE, print_jpeg, print_sharpness};
pub use template::PLACEHOLDERS;
pub use types::*;
pub use video::codec_label;

use serde::{Deserialize, Serialize};
use std::io::{Cursor, Read, Seek};
use std::path::Path;

use contain::contained;

/// Bounds that keep hostile input from exhausting memory or time.
/// Configurable in campaign.toml under `[limits]`; every field is optional
/// there and defaults to the value shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest file accepted at all, in bytes, except videos (default 512
    /// MiB). A larger file is hashed but neither copied nor read.
    pub max_file_bytes: u64,
    /// Largest video accepted, in bytes (default 4 GiB). Videos are copied
    /// into the store with a fixed buffer and only their container's index
    /// is read, so this bounds disk, not memory.
    pub max_video_bytes: u64,
    /// Most pixels (width × height, from the image header, checked before
    /// any decoding) an image may have (default 64 million, e.g. 8000×8000).
    pub max_image_pixels: u64,
    /// Most bytes the image decoder may allocate (image's `Limits::max_alloc`
    /// and the JPEG decoder's buffer limit; default 512 MiB).
    pub max_image_alloc_bytes: u64,
    /// Most entries in one zip archive, OOXML package or e-mail (default 5000).
    pub max_entries: usize,
    /// Largest expanded size of one zip entry or e-mail attachment (default 256 MiB).
    pub max_entry_bytes: u64,
    /// Largest total expanded size of one archive (default 512 MiB).
    pub max_total_expanded_bytes: u64,
    /// Highest expanded:compressed ratio of one entry; checked for entries
    /// over `ratio_min_bytes` (default 200, i.e. 200:1).
    pub max_compression_ratio: u64,
    /// Entries smaller than this are exempt from the ratio check: small XML
    /// parts legitimately compress 100:1 (default 1 MiB).
    pub ratio_min_bytes: u64,
    /// How deep containers may nest: a zip or e-mail found at this depth or
    /// deeper is refused (the submitted file is depth 0; default 4).
    pub max_depth: u32,
    /// Most rows read from one sheet (default 100,000).
    pub max_sheet_rows: u32,
    /// Most columns read from one sheet (default 1,000).
    pub max_sheet_cols: u32,
    /// Most non-empty cells read from one workbook (default 2,000,000).
    pub max_sheet_cells: u64,
    /// Largest expanded XML part inside an OOXML/ODS package (document.xml,
    /// sheet1.xml, sharedStrings.xml, …; default 64 MiB).
    pub max_xml_part_bytes: u64,
    /// Most files found inside one submitted file, across all nesting
    /// levels (zips in e-mails in zips…; default 5000). Over it the
    /// submitted file is refused as a whole.
    pub max_entries_per_file: usize,
    /// Most bytes unpacked from one submitted file, across all nesting
    /// levels (default 1 GiB).
    pub max_expanded_bytes_per_file: u64,
    /// Most seconds spent unpacking and inspecting what one submitted file
    /// holds (default 600).
    pub max_seconds_per_file: u64,
    /// Most pixels of the video frame decoded for a video's poster (coded
    /// width × height, checked before decoding; default 8,912,896, i.e.
    /// 4096×2176, a 4K phone video). A larger video gets no poster.
    pub max_video_frame_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_file_bytes: 512 * MIB,
            max_video_bytes: 4096 * MIB,
            max_image_pixels: 64_000_000,
            max_image_alloc_bytes: 512 * MIB,
            max_entries: 5000,
            max_entry_bytes: 256 * MIB,
            max_total_expanded_bytes: 512 * MIB,
            max_compression_ratio: 200,
            ratio_min_bytes: MIB,
            max_depth: 4,
            max_sheet_rows: 100_000,
            max_sheet_cols: 1_000,
            max_sheet_cells: 2_000_000,
            max_xml_part_bytes: 64 * MIB,
            max_entries_per_file: 5000,
            max_expanded_bytes_per_file: 1024 * MIB,
            max_seconds_per_file: 600,
            max_video_frame_pixels: 4096 * 2176,
        }
    }
}

/// An inspection plus, for e-mails and documents, the files found inside
/// (a zip's entries go to the [`Entries`] given instead).
#[derive(Debug, Clone)]
pub struct Inspected {
    pub inspection: Inspection,
    pub children: Vec<Child>,
    /// For photos: an upright, print-size JPEG made from the same decode, so a
    /// photo is decoded once per version, ever (the store caches it). For
    /// H.264 videos: the poster, made the same way from the first key frame.
    pub derived_jpeg: Option<Vec<u8>>,
}

impl Inspection {
    /// Whether the files found inside count: not when the container was
    /// refused as a whole (a bomb, nested too deep), only then without
    /// container content.
    pub fn keeps_entries(&self) -> bool {
        self.verdict != Verdict::Reject || matches!(self.content, Content::Container(_))
    }
}

/// The reason given when a reader panicked on a file.
pub const PANIC_REASON: &str = "文件解析失败(内部错误)，请检查文件后重新报送";

/// How much of a file's start decides what it is.
pub const HEAD_BYTES: usize = 64 * 1024;

/// Where a file's bytes are.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Bytes(&'a [u8]),
    /// A file on disk of this size: videos and zips are read by seeking,
    /// every other kind whole, and only under [`Limits::max_file_bytes`].
    File(&'a Path, u64),
}

/// Inspects one file as submitted (depth 0), given its name (for the claimed
/// extension) and bytes.
pub fn inspect(name: &str, bytes: &[u8], limits: &Limits) -> Inspected {
    inspect_nested(name, bytes, limits, 0)
}

/// Inspects a file found `depth` containers deep (0 = submitted directly),
/// in memory; a zip's entries come back among the children. Children come
/// back with their own depth set; pass [`Child::depth`] here when
/// inspecting them.
pub fn inspect_nested(name: &str, bytes: &[u8], limits: &Limits, depth: u32) -> Inspected {
    let mut entries = Vec::new();
    let mut got = inspect_input(name, Input::Bytes(bytes), limits, depth, &mut entries);
    if got.inspection.keeps_entries() {
        got.children.extend(entries);
    }
    got
}

/// Inspects a file in memory or on disk, `depth` containers deep, handing
/// a zip's entries to `entries` as they are inflated.
pub fn inspect_input<E: Entries>(
    name: &str,
    input: Input,
    limits: &Limits,
    depth: u32,
    entries: &mut E,
) -> Inspected {
    let claimed = sniff::claimed_kind(name);
    let (path, size) = match input {
        Input::Bytes(bytes) => return inspect_bytes(name, bytes, limits, depth, entries),
        Input::File(path, size) => (path, size),
    };
    let head = match read_head(path) {
        Ok(head) => head,
        Err(e) => {
            let reason = format!("无法读取文件：{e}");
            return finish(FileKind::Unknown, claimed, name, Err(Refused::new(reason)));
        }
    };
    if head.is_empty() {
        return inspect_bytes(name, &[], limits, depth, entries);
    }
    let kind = contained(|| sniff::sniff_file(&head, path, claimed)).unwrap_or(FileKind::Unknown);
    if read_whole(kind) {
        if size > limits.max_file_bytes {
            let reason = too_large_reason(size, limits.max_file_bytes);
            return finish(kind, claimed, name, Err(Refused::new(reason)));
        }
        let read = crate::whole_file::with_contents(path, limits.max_file_bytes, |bytes| {
            inspect_bytes(name, bytes, limits, depth, entries)
        });
        return read.unwrap_or_else(|e| {
            let reason = format!("无法读取文件：{e}");
            finish(kind, claimed, name, Err(Refused::new(reason)))
        });
    }
    let run = || {
        check_size(kind, size, limits)?;
        let mut file =
            std::fs::File::open(path).map_err(|e| Refused::new(format!("无法读取文件：{e}")))?;
        match kind {
            FileKind::Video => video::inspect(&mut file, size, limits),
            _ => unpack(file, limits, depth, entries),
        }
    };
    let outcome = contained(run).unwrap_or_else(|| Err(Refused::new(PANIC_REASON)));
    finish(kind, claimed, name, outcome)
}

/// Whether a file of this kind is read whole into memory to be inspected
/// (under [`Limits::max_file_bytes`]); videos and zips are read by seeking.
pub fn read_whole(kind: FileKind) -> bool {
    !matches!(kind, FileKind::Video | FileKind::Zip)
}

/// The kind a file's first bytes show and the largest size accepted for
/// it: what decides, before a file is copied, whether it is refused from
/// its size alone.
pub fn size_limit(name: &str, head: &[u8], path: &Path, limits: &Limits) -> (FileKind, u64) {
    let kind = contained(|| sniff::sniff_file(head, path, sniff::claimed_kind(name)))
        .unwrap_or(FileKind::Unknown);
    let limit = match kind {
        FileKind::Video => limits.max_video_bytes,
        _ => limits.max_file_bytes,
    };
    (kind, limit)
}

/// The refusal of a file over its size limit, which is never read.
pub fn too_large(name: &str, kind: FileKind, size: u64, limit: u64) -> Inspection {
    let reason = too_large_reason(size, limit);
    finish(
        kind,
        sniff::claimed_kind(name),
        name,
        Err(Refused::new(reason)),
    )
    .inspection
}

fn too_large_reason(size: u64, limit: u64) -> String {
    format!(
        "文件过大({})，超过上限{}，请压缩后重新报送",
        crate::fmt::size(size),
        crate::fmt::size(limit)
    )
}

fn check_size(kind: FileKind, size: u64, limits: &Limits) -> Result<(), Refused> {
    let limit = match kind {
        FileKind::Video => limits.max_video_bytes,
        _ => limits.max_file_bytes,
    };
    if size > limit {
        return Err(Refused::new(too_large_reason(size, limit)));
    }
    Ok(())
}

/// The first [`HEAD_BYTES`] of a file.
fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Inspects bytes in memory.
fn inspect_bytes<E: Entries>(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    depth: u32,
    entries: &mut E,
) -> Inspected {
    let claimed = sniff::claimed_kind(name);
    if bytes.is_empty() {
        let empty = Err(Refused::new("文件为空(0字节)，请重新报送"));
        return finish(FileKind::Empty, claimed, name, empty);
    }
    // Sniffing only looks at magic bytes; it is caught on its own so that a
    // reader's panic still reports the file's real type.
    let kind = contained(|| sniff::sniff(bytes, claimed)).unwrap_or(FileKind::Unknown);
    let run = || {
        check_size(kind, bytes.len() as u64, limits)?;
        match kind {
            FileKind::Video => video::inspect(&mut Cursor::new(bytes), bytes.len() as u64, limits),
            FileKind::Zip => unpack(Cursor::new(bytes), limits, depth, entries),
            _ => read(kind, name, bytes, limits, depth),
        }
    };
    let outcome = contained(run).unwrap_or_else(|| Err(Refused::new(PANIC_REASON)));
    finish(kind, claimed, name, outcome)
}

/// A zip, unless nested too deep.
fn unpack<R: Read + Seek, E: Entries>(
    reader: R,
    limits: &Limits,
    depth: u32,
    entries: &mut E,
) -> Outcome {
    check_depth(depth, limits)?;
    archive::unpack(reader, limits, depth, entries)
}

fn check_depth(depth: u32, limits: &Limits) -> Result<(), Refused> {
    if depth >= limits.max_depth {
        return Err(Refused::new(format!(
            "压缩包/邮件嵌套超过{}层，请解压后直接报送其中的文件",
            limits.max_depth
        )));
    }
    Ok(())
}

/// What one kind's reader found in a readable file.
#[derive(Debug, Default)]
struct Found {
    content: Content,
    /// Problems the office should see; the first becomes the reason.
    warnings: Vec<String>,
    /// Facts worth showing that are not problems.
    notes: Vec<String>,
    children: Vec<Child>,
    derived_jpeg: Option<Vec<u8>>,
}

impl Found {
    fn new(content: Content) -> Self {
        Found {
            content,
            ..Found::default()
        }
    }
}

/// Why a file cannot be used, with whatever content was still learned.
#[derive(Debug)]
struct Refused {
    reason: String,
    /// Boxed: refusals are common and usually carry no content.
    content: Box<Content>,
}

impl Refused {
    fn new(reason: impl Into<String>) -> Self {
        Refused {
            reason: reason.into(),
            content: Box::new(Content::None),
        }
    }
}

type Outcome = Result<Found, Refused>;

/// Runs the reader for a kind read whole (not video or zip). May panic;
/// the caller catches it.
fn read(kind: FileKind, name: &str, bytes: &[u8], limits: &Limits, depth: u32) -> Outcome {
    use FileKind::*;
    if kind == Eml {
        check_depth(depth, limits)?;
    }
    match kind {
        Docx => docx::inspect(bytes, limits, depth),
        Xlsx | Xls | Ods => sheet::inspect(kind, bytes, limits),
        Jpeg | Png | Webp => photo::inspect(kind, name, bytes, limits),
        Heic => photo::inspect_heic(bytes),
        Eml => email::inspect(bytes, limits, depth),
        Pdf => pdf::inspect(bytes),
        Doc | Wps | Et | EncryptedOffice | SevenZip | Rar | Gif | Bmp | Tiff | Html | Text
        | Empty | Unknown => Err(legacy::refuse(kind, sniff::claimed_kind(name), bytes)),
        // Read by seeking, never here.
        Video | Zip => Err(Refused::new(PANIC_REASON)),
    }
}

/// Turns a reader's outcome into the inspection, adding the wrong-extension
/// warning or the real type to a refusal.
fn finish(kind: FileKind, claimed: Option<FileKind>, name: &str, outcome: Outcome) -> Inspected {
    let mismatch = claimed
        .filter(|&c| c != kind && kind != FileKind::Empty)
        .map(|_| {
            format!(
                "扩展名为.{}，但文件实际是{}",
                sniff::extension(name).unwrap_or_default(),
                kind.label()
            )
        });
    match outcome {
        Ok(mut found) => {
            if let Some(m) = mismatch {
                found.warnings.insert(0, m);
            }
            let mut warnings = found.warnings.into_iter();
            let reason = warnings.next();
            let verdict = if reason.is_some() {
                Verdict::Warning
            } else {
                Verdict::Ok
            };
            let mut notes: Vec<String> = warnings.collect();
            notes.extend(found.notes);
            Inspected {
                inspection: Inspection {
                    kind,
                    verdict,
                    reason,
                    notes,
                    content: found.content,
                },
                children: found.children,
                derived_jpeg: found.derived_jpeg,
            }
        }
        Err(refused) => {
            // A refusal that already names the real format says it once:
            // "扩展名为.docx，实际为Word 97-2003格式（.doc），请另存为…".
            let reason = match (mismatch, refused.reason.strip_prefix("文件为")) {
                (Some(_), Some(real)) => format!(
                    "扩展名为.{}，实际为{real}",
                    sniff::extension(name).unwrap_or_default()
                ),
                (Some(m), None) => format!("{m}；{}", refused.reason),
                (None, _) => refused.reason,
            };
            Inspected {
                inspection: Inspection {
                    kind,
                    verdict: Verdict::Reject,
                    reason: Some(reason),
                    notes: Vec::new(),
                    content: *refused.content,
                },
                children: Vec::new(),
                derived_jpeg: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_refused() {
        let got = inspect("空.xlsx", b"", &Limits::default());
        assert_eq!(got.inspection.kind, FileKind::Empty);
        assert_eq!(got.inspection.verdict, Verdict::Reject);
    }

    #[test]
    fn limits_read_from_toml_with_defaults() {
        let limits: Limits = toml::from_str("max_depth = 2").unwrap();
        assert_eq!(limits.max_depth, 2);
        assert_eq!(limits.max_entries, Limits::default().max_entries);
        assert!(toml::from_str::<Limits>("no_such_limit = 1").is_err());
    }
}
