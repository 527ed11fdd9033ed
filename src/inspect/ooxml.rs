//! OOXML (docx/xlsx) and ODF (ods) packages, verified before any parser sees
//! them: the zip passes [`SafeZip`]'s central-directory checks, then every
//! XML part is inflated once into a counter to learn its true size (a 600 MiB
//! document.xml in a small docx is refused here, before calamine or our own
//! docx reader allocate it), and each part's prolog is checked for a DTD.
//! Entities are never expanded anywhere: a DTD whose entities reference
//! other entities (billion laughs) refuses the file; any other DOCTYPE
//! (external entities, XXE) is a warning and is ignored.

use super::zipsafe::{SafeZip, ZipError};
use super::{Limits, sniff::find};
use std::borrow::Cow;
use std::io::Cursor;

/// Why a package is refused.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{0}")]
    Zip(#[from] ZipError),
    #[error("文件部件“{0}”含XML实体扩展(“十亿笑”炸弹)，已拒绝解析")]
    EntityBomb(String),
    #[error("文件缺少必需的部件“{0}”，文件已损坏")]
    Missing(String),
}

/// A verified package.
pub struct Package<'a> {
    pub zip: SafeZip<Cursor<&'a [u8]>>,
    /// Warnings found while verifying (DOCTYPE present, …).
    pub warnings: Vec<String>,
}

/// How much of each XML part's start is kept to look for a DTD.
const PROLOG_BYTES: usize = 64 * 1024;

/// Opens and verifies a package; `required` names a part that must exist.
pub fn open<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    required: &str,
) -> Result<Package<'a>, PackageError> {
    let mut zip = SafeZip::open(Cursor::new(bytes), limits)?;
    if zip.find(required).is_none() {
        return Err(PackageError::Missing(required.to_string()));
    }
    let mut warnings = Vec::new();
    let xml_parts: Vec<(usize, String)> = zip
        .entries()
        .iter()
        .filter(|e| !e.is_dir && is_xml_part(&e.name))
        .map(|e| (e.index, e.name.clone()))
        .collect();
    for (index, name) in xml_parts {
        let (_, head) = zip.measure(index, limits.max_xml_part_bytes, PROLOG_BYTES)?;
        match dtd_risk(&head) {
            DtdRisk::None => {}
            DtdRisk::Expansion => return Err(PackageError::EntityBomb(name)),
            DtdRisk::Declared if warnings.is_empty() => warnings.push(format!(
                "文件部件“{name}”含DOCTYPE/外部实体声明(XXE风险)，已忽略，未解析"
            )),
            DtdRisk::Declared => {}
        }
    }
    Ok(Package { zip, warnings })
}

impl Package<'_> {
    /// Reads a part (bounded by the XML part limit), or `None` if absent.
    pub fn read(&mut self, name: &str, limits: &Limits) -> Result<Option<Vec<u8>>, ZipError> {
        let Some(index) = self.zip.find(name).map(|e| e.index) else {
            return Ok(None);
        };
        let max = if is_xml_part(name) {
            limits.max_xml_part_bytes
        } else {
            limits.max_entry_bytes
        };
        self.zip.read(index, max).map(Some)
    }
}

fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels")
}

#[derive(Debug, PartialEq)]
enum DtdRisk {
    None,
    /// A DOCTYPE without entity expansion (possibly external entities).
    Declared,
    /// Entities defined in terms of other entities.
    Expansion,
}

fn dtd_risk(head: &[u8]) -> DtdRisk {
    let Some(start) = find(head, b"<!DOCTYPE") else {
        return DtdRisk::None;
    };
    let dtd = String::from_utf8_lossy(&head[start..]);
    let mut rest = dtd.as_ref();
    while let Some(at) = rest.find("<!ENTITY") {
        rest = &rest[at + 8..];
        let decl = &rest[..rest.find('>').unwrap_or(rest.len())];
        if decl.contains('&') || decl.contains('%') {
            return DtdRisk::Expansion;
        }
    }
    DtdRisk::Declared
}

/// An XML part as text: UTF-16 when it has a UTF-16 BOM, else UTF-8
/// (invalid sequences replaced), without a BOM.
pub fn xml_text(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom..]).0;
    }
    String::from_utf8_lossy(bytes)
}

/// The text of an entity reference (`amp`, `#20013`, `#x4E2D`); unknown
/// (DTD-declared) entities are never resolved and yield `None`.
pub fn resolve_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Unescapes an attribute value with the predefined and character entities.
pub fn unescape(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        match rest.find(';') {
            Some(end) => {
                if let Some(c) = resolve_entity(&rest[..end]) {
                    out.push(c);
                }
                rest = &rest[end + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtd_kinds() {
        assert_eq!(dtd_risk(b"<?xml version='1.0'?><root/>"), DtdRisk::None);
        assert_eq!(
            dtd_risk(b"<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>"),
            DtdRisk::Declared
        );
        assert_eq!(
            dtd_risk(b"<!DOCTYPE r [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]><r>&b;</r>"),
            DtdRisk::Expansion
        );
    }

    #[test]
    fn entities() {
        assert_eq!(unescape("a&amp;b&#x4E2D;&#25991;&xxe;"), "a&b中文");
        assert_eq!(resolve_entity("lt"), Some('<'));
        assert_eq!(resolve_entity("xxe"), None);
    }
}
