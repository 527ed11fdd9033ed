//! Zip archives: each entry becomes a submitted file of the same unit (a
//! [`Child`] with its decoded path, folders kept as context). Nothing is
//! written to disk here. Limits are checked on the central directory before
//! anything is inflated (bombs are refused whole, without children); entries
//! with unsafe paths (`../`, absolute) or a password are refused one by one,
//! named in the reason, while the other entries are still returned.

use super::zipsafe::{SafeZip, ZipError};
use super::{Child, Container, Content, Found, Limits, Outcome, Refused};

pub fn inspect_zip(bytes: &[u8], limits: &Limits, depth: u32) -> Outcome {
    let mut zip = SafeZip::open(bytes, limits).map_err(|e| Refused::new(archive_reason(&e)))?;
    let mut children = Vec::new();
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
        match zip.read(entry.index, limits.max_entry_bytes) {
            Ok(bytes) => children.push(Child {
                path,
                bytes,
                depth: depth + 1,
            }),
            Err(e @ (ZipError::EntryTooLarge { .. } | ZipError::TotalTooLarge { .. })) => {
                return Err(Refused::new(archive_reason(&e)));
            }
            Err(ZipError::Encrypted(name)) => refused.push(format!("“{name}”(设有密码)")),
            Err(_) => refused.push(format!("“{}”(数据损坏)", entry.name)),
        }
    }
    let content = Content::Container(Container {
        entries: children.len(),
        email: None,
    });
    if !refused.is_empty() {
        let reason = if children.is_empty() && refused.iter().all(|r| r.ends_with("(设有密码)"))
        {
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
            children,
        });
    }
    if children.is_empty() {
        return Err(Refused::new("压缩包内没有文件"));
    }
    let mut found = Found::new(content);
    found
        .notes
        .push(format!("压缩包内共{}个文件", children.len()));
    found.children = children;
    Ok(found)
}

fn archive_reason(e: &ZipError) -> String {
    match e {
        ZipError::Corrupt => "压缩包已损坏或不完整(可能未上传完)，请重新压缩后报送".to_string(),
        other => format!("{other}，已拒绝解压，请直接报送其中的文件"),
    }
}
