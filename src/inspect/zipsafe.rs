//! Bounded access to zip archives, shared by plain zips and OOXML/ODS
//! packages: the central directory is checked against [`Limits`] (entry
//! count, declared sizes, compression ratio, total) before anything is
//! inflated, and every read is capped again in case the declared sizes lie.
//! Names are decoded as UTF-8 when they are valid UTF-8, else as GBK
//! (GB18030), the way Windows Explorer and WinRAR on Chinese Windows write them.

use super::{Limits, human_bytes};
use std::io::{Cursor, Read, Seek, Write};
use zip::ZipArchive;

/// Why an archive (or one entry) cannot be read safely; messages are the
/// Chinese reasons shown to the office.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("压缩结构损坏或文件不完整，无法读取")]
    Corrupt,
    #[error("压缩包内文件过多({count}个)，超过上限{limit}个")]
    TooManyEntries { count: usize, limit: usize },
    #[error("“{name}”解压后为{}，超过单个文件上限{}，疑似压缩炸弹", human_bytes(*.size), human_bytes(*.limit))]
    EntryTooLarge { name: String, size: u64, limit: u64 },
    #[error("解压后总大小超过上限{}，疑似压缩炸弹", human_bytes(*.limit))]
    TotalTooLarge { limit: u64 },
    #[error("“{name}”压缩比为{ratio}:1，超过上限{limit}:1，疑似压缩炸弹")]
    Ratio {
        name: String,
        ratio: u64,
        limit: u64,
    },
    #[error("“{0}”已加密(设有密码)，无法读取")]
    Encrypted(String),
    #[error("“{0}”解压失败(数据损坏或不完整)")]
    EntryCorrupt(String),
}

/// One entry of the central directory.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: usize,
    /// Decoded name as stored (may be unsafe; see [`Entry::safe_path`]).
    pub name: String,
    pub size: u64,
    pub compressed: u64,
    pub encrypted: bool,
    pub is_dir: bool,
}

impl Entry {
    /// The name as a relative path that stays inside the extraction folder,
    /// or `None` for absolute paths, drive letters and `..` components.
    pub fn safe_path(&self) -> Option<String> {
        let name = self.name.replace('\\', "/");
        if name.starts_with('/') || name.contains('\0') || name.as_bytes().get(1) == Some(&b':') {
            return None;
        }
        let parts: Vec<&str> = name
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.is_empty() || parts.contains(&"..") {
            return None;
        }
        Some(parts.join("/"))
    }
}

/// A zip archive whose central directory passed the limits, read from
/// memory or from a file by seeking (only the central directory and the
/// entries asked for are read).
pub struct SafeZip<R> {
    zip: ZipArchive<R>,
    entries: Vec<Entry>,
    limits: Limits,
    expanded: u64,
}

impl<R: Read + Seek> SafeZip<R> {
    /// Opens `reader` and checks every entry's declared size and ratio, and
    /// the declared total, before inflating anything.
    pub fn open(reader: R, limits: &Limits) -> Result<Self, ZipError> {
        let zip = ZipArchive::new(reader).map_err(|_| ZipError::Corrupt)?;
        if zip.len() > limits.max_entries {
            return Err(ZipError::TooManyEntries {
                count: zip.len(),
                limit: limits.max_entries,
            });
        }
        let mut entries = Vec::with_capacity(zip.len());
        let mut total = 0u64;
        for index in 0..zip.len() {
            let e = zip.by_index_data(index).map_err(|_| ZipError::Corrupt)?;
            let entry = Entry {
                index,
                name: decode_name(e.name_raw()),
                size: e.size(),
                compressed: e.compressed_size(),
                encrypted: e.encrypted(),
                is_dir: e.is_dir(),
            };
            check_declared(&entry, limits)?;
            total = total.saturating_add(entry.size);
            if total > limits.max_total_expanded_bytes {
                return Err(ZipError::TotalTooLarge {
                    limit: limits.max_total_expanded_bytes,
                });
            }
            entries.push(entry);
        }
        Ok(SafeZip {
            zip,
            entries,
            limits: limits.clone(),
            expanded: 0,
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with exactly this name.
    pub fn find(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Inflates one entry, reading at most `max` bytes (and never more than
    /// the per-entry and remaining total limits), whatever the header says.
    pub fn read(&mut self, index: usize, max: u64) -> Result<Vec<u8>, ZipError> {
        let size = self.entries.get(index).map_or(0, |e| e.size);
        let mut out = Vec::with_capacity(size.min(self.cap(max)) as usize);
        self.inflate_into(index, max, &mut out)?;
        Ok(out)
    }

    /// Inflates one entry into `out` under the same caps as [`Self::read`];
    /// returns its size. On an error, `out` holds part of the entry.
    pub fn inflate_into(
        &mut self,
        index: usize,
        max: u64,
        out: &mut impl Write,
    ) -> Result<u64, ZipError> {
        let entry = self.entries.get(index).ok_or(ZipError::Corrupt)?.clone();
        let cap = self.cap(max);
        let read = self.copy(&entry, cap, out)?;
        self.account(&entry, read, cap, max)?;
        Ok(read)
    }

    /// Inflates one entry without keeping it, to learn its true size (at
    /// most `max`) and its first `head` bytes; used to verify parts that
    /// another parser will read in full.
    pub fn measure(
        &mut self,
        index: usize,
        max: u64,
        head: usize,
    ) -> Result<(u64, Vec<u8>), ZipError> {
        let entry = self.entries.get(index).ok_or(ZipError::Corrupt)?.clone();
        let cap = self.cap(max);
        let mut sink = HeadSink {
            head: Vec::new(),
            keep: head,
        };
        let read = self.copy(&entry, cap, &mut sink)?;
        self.account(&entry, read, cap, max)?;
        Ok((read, sink.head))
    }

    fn cap(&self, max: u64) -> u64 {
        max.min(self.limits.max_entry_bytes).min(
            self.limits
                .max_total_expanded_bytes
                .saturating_sub(self.expanded),
        )
    }

    /// Copies up to `cap + 1` inflated bytes of `entry` into `out`.
    fn copy(&mut self, entry: &Entry, cap: u64, out: &mut impl Write) -> Result<u64, ZipError> {
        if entry.encrypted {
            return Err(ZipError::Encrypted(entry.name.clone()));
        }
        let file = self
            .zip
            .by_index(entry.index)
            .map_err(|_| ZipError::EntryCorrupt(entry.name.clone()))?;
        let read = std::io::copy(&mut file.take(cap.saturating_add(1)), out);
        read.map_err(|_| ZipError::EntryCorrupt(entry.name.clone()))
    }

    fn account(&mut self, entry: &Entry, read: u64, cap: u64, max: u64) -> Result<(), ZipError> {
        if read > cap {
            let limit = max.min(self.limits.max_entry_bytes);
            return Err(if read > limit {
                ZipError::EntryTooLarge {
                    name: entry.name.clone(),
                    size: read,
                    limit,
                }
            } else {
                ZipError::TotalTooLarge {
                    limit: self.limits.max_total_expanded_bytes,
                }
            });
        }
        self.expanded += read;
        Ok(())
    }
}

/// A writer that keeps the first `keep` bytes and drops the rest.
struct HeadSink {
    head: Vec<u8>,
    keep: usize,
}

impl Write for HeadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.keep.saturating_sub(self.head.len());
        self.head.extend_from_slice(&buf[..buf.len().min(room)]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Refuses an entry whose declared size or ratio is over the limits.
fn check_declared(entry: &Entry, limits: &Limits) -> Result<(), ZipError> {
    if entry.size > limits.max_entry_bytes {
        return Err(ZipError::EntryTooLarge {
            name: entry.name.clone(),
            size: entry.size,
            limit: limits.max_entry_bytes,
        });
    }
    if entry.size >= limits.ratio_min_bytes {
        let ratio = entry.size / entry.compressed.max(1);
        if ratio > limits.max_compression_ratio {
            return Err(ZipError::Ratio {
                name: entry.name.clone(),
                ratio,
                limit: limits.max_compression_ratio,
            });
        }
    }
    Ok(())
}

/// A stored name: UTF-8 when it is valid UTF-8 (flag or not), else GBK.
/// A UTF-8 name that is really GBK bytes shown as CP437 (what some tools
/// write when they re-save a Chinese Windows zip: "╧╪╜╠╙²") is repaired.
pub fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => undo_cp437_mojibake(s).unwrap_or_else(|| s.to_string()),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    }
}

/// CP437 bytes 0x80..=0xFF, in order.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// The GBK reading of a name that only holds ASCII and CP437 characters,
/// when that reading is valid GBK with Chinese in it.
fn undo_cp437_mojibake(s: &str) -> Option<String> {
    if s.is_ascii() {
        return None;
    }
    let bytes = s
        .chars()
        .map(|c| {
            if c.is_ascii() {
                Some(c as u8)
            } else {
                CP437_HIGH
                    .chars()
                    .position(|h| h == c)
                    .map(|i| 0x80 + i as u8)
            }
        })
        .collect::<Option<Vec<u8>>>()?;
    let decoded = encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&bytes)?;
    decoded
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        .then(|| decoded.into_owned())
}

/// The names in a zip's central directory, read from memory or by seeking.
pub fn central_names<R: Read + Seek>(reader: R) -> Option<Vec<String>> {
    let zip = ZipArchive::new(reader).ok()?;
    Some(zip.file_names_raw().take(10_000).map(decode_name).collect())
}

/// Entry names for sniffing: from the central directory, or, when it is
/// missing (a truncated file), from the local headers at the front.
pub fn entry_names(bytes: &[u8]) -> Vec<String> {
    central_names(Cursor::new(bytes)).unwrap_or_else(|| local_names(bytes))
}

/// Entry names from the local headers in `bytes` (the front of a zip).
pub fn local_names(bytes: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut pos = 0;
    while names.len() < 1000 {
        let Some(at) = super::sniff::find(&bytes[pos..], b"PK\x03\x04") else {
            break;
        };
        let start = pos + at;
        let header = &bytes[start..];
        if header.len() < 30 {
            break;
        }
        let name_len = u16::from_le_bytes([header[26], header[27]]) as usize;
        let Some(raw) = header.get(30..30 + name_len) else {
            break;
        };
        names.push(decode_name(raw));
        pos = start + 30 + name_len;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            index: 0,
            name: name.into(),
            size: 0,
            compressed: 0,
            encrypted: false,
            is_dir: false,
        }
    }

    #[test]
    fn unsafe_paths_refused() {
        assert_eq!(entry("../../tmp/x").safe_path(), None);
        assert_eq!(entry("/etc/cron.d/x").safe_path(), None);
        assert_eq!(entry("C:\\x.txt").safe_path(), None);
        assert_eq!(entry("a/../../x").safe_path(), None);
        assert_eq!(entry("a\\b.txt").safe_path().as_deref(), Some("a/b.txt"));
        assert_eq!(entry("./a//b.txt").safe_path().as_deref(), Some("a/b.txt"));
    }

    #[test]
    fn gbk_and_utf8_names() {
        let (gbk, _, _) = encoding_rs::GBK.encode("进度表.xlsx");
        assert_eq!(decode_name(&gbk), "进度表.xlsx");
        assert_eq!(decode_name("照片.jpg".as_bytes()), "照片.jpg");
        assert_eq!(decode_name("╗ε╢»╒╒╞¼1.jpg".as_bytes()), "活动照片1.jpg");
        assert_eq!(decode_name("Ñandú.txt".as_bytes()), "Ñandú.txt");
    }
}
