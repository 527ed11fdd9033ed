//! What a file really is, from its bytes: magic numbers, OLE stream names,
//! zip part names. The claimed extension only settles ties the bytes cannot
//! (a Kingsoft .wps and a Word .doc share one layout; so do .et and .xls).

use super::{FileKind, legacy, zipsafe};

/// The kind a file name claims by its extension, if the extension is known.
pub fn claimed_kind(name: &str) -> Option<FileKind> {
    use FileKind::*;
    let ext = extension(name)?;
    Some(match ext.as_str() {
        "docx" | "docm" => Docx,
        "doc" => Doc,
        "wps" => Wps,
        "xlsx" | "xlsm" => Xlsx,
        "xls" => Xls,
        "et" => Et,
        "ods" => Ods,
        "pdf" => Pdf,
        "jpg" | "jpeg" | "jpe" | "jfif" => Jpeg,
        "png" => Png,
        "webp" => Webp,
        "gif" => Gif,
        "bmp" => Bmp,
        "tif" | "tiff" => Tiff,
        "heic" | "heif" | "hif" => Heic,
        "mp4" | "m4v" | "mov" | "avi" | "mkv" | "webm" | "flv" | "wmv" | "3gp" => Video,
        "zip" => Zip,
        "7z" => SevenZip,
        "rar" => Rar,
        "eml" => Eml,
        "htm" | "html" => Html,
        "txt" | "csv" => Text,
        _ => return None,
    })
}

/// The lowercase extension of a file name or path, without the dot.
pub fn extension(name: &str) -> Option<String> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = file.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// Decides the real kind of non-empty `bytes`.
pub fn sniff(bytes: &[u8], claimed: Option<FileKind>) -> FileKind {
    use FileKind::*;
    let head = &bytes[..bytes.len().min(64)];
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Jpeg;
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Png;
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" {
        return match &head[8..12] {
            b"WEBP" => Webp,
            b"AVI " => Video,
            _ => Unknown,
        };
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Gif;
    }
    if head.starts_with(b"BM") && head.len() >= 14 {
        return Bmp;
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Tiff;
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return ftyp_kind(&head[8..12]);
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
        || head.starts_with(b"FLV\x01")
        || head.starts_with(&[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11])
    {
        return Video;
    }
    if head.len() >= 8 && (&head[4..8] == b"moov" || &head[4..8] == b"mdat") {
        return Video;
    }
    if head.starts_with(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
        return SevenZip;
    }
    if head.starts_with(b"Rar!\x1a\x07") {
        return Rar;
    }
    if head.starts_with(legacy::OLE_MAGIC) {
        return legacy::ole_kind(bytes, claimed);
    }
    if is_zip(head) {
        return zip_kind(&zipsafe::entry_names(bytes), bytes);
    }
    if find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        return Pdf;
    }
    text_kind(bytes, claimed)
}

/// Decides the kind of a file on disk from its first bytes, `head`,
/// reading a zip's central directory by seeking. Kinds read whole are
/// sniffed again from all their bytes, so only video and zip must be
/// right here.
pub fn sniff_file(head: &[u8], path: &std::path::Path, claimed: Option<FileKind>) -> FileKind {
    if is_zip(head) {
        let names = std::fs::File::open(path)
            .ok()
            .and_then(zipsafe::central_names)
            .unwrap_or_else(|| zipsafe::local_names(head));
        return zip_kind(&names, head);
    }
    sniff(head, claimed)
}

fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// ISO base media files: HEIF images or mp4/mov video, by major brand.
fn ftyp_kind(brand: &[u8]) -> FileKind {
    match brand {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs" | b"mif1"
        | b"msf1" | b"avif" | b"avis" => FileKind::Heic,
        _ => FileKind::Video,
    }
}

/// Zip-based formats by their part names: OOXML by `[Content_Types].xml`
/// and the main part's folder, ODF by its `mimetype` entry (and the
/// media type at the front of `bytes`).
fn zip_kind(names: &[String], bytes: &[u8]) -> FileKind {
    let names: Vec<String> = names.iter().map(|n| n.replace('\\', "/")).collect();
    let has = |n: &str| names.iter().any(|e| e == n);
    let has_prefix = |p: &str| names.iter().any(|e| e.starts_with(p));
    if has("[Content_Types].xml") {
        if has_prefix("word/") {
            return FileKind::Docx;
        }
        if has_prefix("xl/") {
            return FileKind::Xlsx;
        }
    }
    if has("mimetype") && has("content.xml") {
        let ods = b"application/vnd.oasis.opendocument.spreadsheet";
        if find(&bytes[..bytes.len().min(200)], ods).is_some() {
            return FileKind::Ods;
        }
    }
    FileKind::Zip
}

/// Text formats: e-mail (header block), HTML (including Excel/Word "save as
/// web page" exports), other text; anything else is unknown.
fn text_kind(bytes: &[u8], claimed: Option<FileKind>) -> FileKind {
    let head = &bytes[..bytes.len().min(4096)];
    if head.contains(&0) {
        return FileKind::Unknown;
    }
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let lower: String = trimmed
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    if looks_like_mail(trimmed) {
        return FileKind::Eml;
    }
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.starts_with("<table")
        || lower.contains("<html")
    {
        return FileKind::Html;
    }
    if claimed == Some(FileKind::Eml) {
        return FileKind::Eml;
    }
    FileKind::Text
}

/// A header block: the first line is `Name: value` and a core mail header
/// appears among the first lines.
fn looks_like_mail(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let Some((field, _)) = first.split_once(':') else {
        return false;
    };
    let field_ok = !field.is_empty()
        && field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    const CORE: [&str; 6] = [
        "from:",
        "subject:",
        "received:",
        "mime-version:",
        "content-type:",
        "message-id:",
    ];
    field_ok
        && text.lines().take(60).any(|l| {
            let l = l.to_ascii_lowercase();
            CORE.iter().any(|c| l.starts_with(c))
        })
}

/// Position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_of_paths() {
        assert_eq!(extension("a/b/照片.JPG").as_deref(), Some("jpg"));
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("noext"), None);
        assert_eq!(claimed_kind("x.heif"), Some(FileKind::Heic));
    }

    #[test]
    fn magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.4\n", None), FileKind::Pdf);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0", None), FileKind::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0", None), FileKind::Video);
        assert_eq!(sniff(b"Rar!\x1a\x07\x00", None), FileKind::Rar);
        assert_eq!(
            sniff(b"<html><table><tr><td>1</td></tr></table>", None),
            FileKind::Html
        );
        assert_eq!(
            sniff(b"From: a@b.c\r\nSubject: x\r\n\r\nbody", None),
            FileKind::Eml
        );
        assert_eq!(sniff(b"just text", None), FileKind::Text);
    }
}
