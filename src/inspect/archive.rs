//! Zip archives: each entry becomes a submitted file of the same unit (a
//! child with its decoded path, folders kept as context). Limits are checked
//! on the central directory before anything is inflated (bombs are refused
//! whole, without children); entries with unsafe paths (`../`, absolute) or
//! a password are refused one by one, named in the reason, while the other
//! entries are still handed on.
//!
//! The archive is read from memory or from a file by seeking, and each
//! entry is inflated straight into the writer [`Entries`] gives for it: in
//! memory for [`super::inspect_nested`], into the store for intake, so an
//! archive is never whole in memory and neither are all its entries.

use std::io::{Read, Seek, Write};

use super::zipsafe::{SafeZip, ZipError};
use super::{Child, Container, Content, Found, Limits, Outcome, Refused};

/// Where the entries of an archive go.
pub trait Entries {
    type Writer: Write;
    /// A writer for the entry at `path`.
    fn begin(&mut self, path: &str) -> std::io::Result<Self::Writer>;
    /// The entry at `path` is complete in `writer`. Returns `false` to stop
    /// unpacking (a budget ran out).
    fn done(&mut self, path: String, depth: u32, writer: Self::Writer) -> bool;
}

/// Entries kept in memory, as [`Child`]ren.
impl Entries for Vec<Child> {
    type Writer = Vec<u8>;

    fn begin(&mut self, _path: &str) -> std::io::Result<Vec<u8>> {
        Ok(Vec::new())
    }

    fn done(&mut self, path: String, depth: u32, bytes: Vec<u8>) -> bool {
        self.push(Child { path, bytes, depth });
        true
    }
}

/// Reads a zip found `depth` containers deep and hands its entries to
/// `entries`.
pub fn unpack<R: Read + Seek, E: Entries>(
    reader: R,
    limits: &Limits,
    depth: u32,
    entries: &mut E,
) -> Outcome {
    let mut zip = SafeZip::open(reader, limits).map_err(|e| Refused::new(archive_reason(&e)))?;
    let mut handed = 0;
    let mut refused: Vec<String> = Vec::new();
    let files: Vec<_> = zip
        .entries()
        .iter()
        .filter(|e| !e.is_dir)
        .cloned()
        .collect();
    for entry in files {
        let Some(path) = entry.safe_path() else {
            refused.push(format!("“{}”(路径越出压缩包，已拒绝)", entry.name));
            continue;
        };
        let Ok(mut writer) = entries.begin(&path) else {
            refused.push(format!("“{}”(无法保存)", entry.name));
            continue;
        };
        match zip.inflate_into(entry.index, limits.max_entry_bytes, &mut writer) {
            Ok(_) => {
                handed += 1;
                if !entries.done(path, depth + 1, writer) {
                    break;
                }
            }
            Err(e @ (ZipError::EntryTooLarge { .. } | ZipError::TotalTooLarge { .. })) => {
                return Err(Refused::new(archive_reason(&e)));
            }
            Err(ZipError::Encrypted(name)) => refused.push(format!("“{name}”(设有密码)")),
            Err(_) => refused.push(format!("“{}”(数据损坏)", entry.name)),
        }
    }
    let content = Content::Container(Container {
        entries: handed,
        email: None,
    });
    if !refused.is_empty() {
        let reason = if handed == 0 && refused.iter().all(|r| r.ends_with("(设有密码)")) {
            "压缩包设有密码，无法解压，请取消密码后重新报送".to_string()
        } else {
            format!(
                "压缩包内有{}个文件无法使用：{}{}",
                refused.len(),
                refused
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("、"),
                if refused.len() > 3 { "等" } else { "" }
            )
        };
        return Err(Refused {
            reason,
            content: Box::new(content),
        });
    }
    if handed == 0 {
        return Err(Refused::new("压缩包内没有文件"));
    }
    let mut found = Found::new(content);
    found.notes.push(format!("压缩包内共{handed}个文件"));
    Ok(found)
}

fn archive_reason(e: &ZipError) -> String {
    match e {
        ZipError::Corrupt => "压缩包已损坏或不完整(可能未上传完)，请重新压缩后报送".to_string(),
        other => format!("{other}，已拒绝解压，请直接报送其中的文件"),
    }
}
