//! docx-rs's packages with their JPEG pictures typed as JPEG, for the Word
//! summaries the generator pastes photos into.
//!
//! docx-rs 0.4 names every picture `word/media/<id>.png`, so a JPEG kept
//! byte for byte (`Pic::new_with_dimensions`) is typed `image/png`, which
//! Word refuses. Each JPEG part is renamed `.jpeg`, the relationships that
//! point at it follow, and `[Content_Types].xml` maps `jpeg` (and `jpg`) to
//! `image/jpeg`.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use zip::result::ZipResult;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const JPEG_DEFAULT: &str = r#"<Default Extension="jpeg" ContentType="image/jpeg"/>"#;
const MEDIA: &str = "word/media/";

/// Returns the package with JPEG media parts named and typed as JPEG.
pub fn relabel_jpeg_media(package: &[u8]) -> ZipResult<Vec<u8>> {
    let mut archive = ZipArchive::new(Cursor::new(package))?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        parts.push((name, bytes));
    }
    // Old and new targets of every JPEG part, relative to `word/`.
    let renamed: HashMap<String, String> = parts
        .iter_mut()
        .filter(|(name, bytes)| {
            name.starts_with(MEDIA) && name.ends_with(".png") && bytes.starts_with(JPEG_MAGIC)
        })
        .map(|(name, _)| {
            let old = name.trim_start_matches("word/").to_owned();
            *name = format!("{}.jpeg", name.trim_end_matches(".png"));
            (old, name.trim_start_matches("word/").to_owned())
        })
        .collect();
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, mut bytes) in parts {
        if name.ends_with(".rels") {
            bytes = retarget(&String::from_utf8_lossy(&bytes), &renamed).into_bytes();
        } else if name == "[Content_Types].xml" {
            bytes = content_types(&String::from_utf8_lossy(&bytes)).into_bytes();
        }
        // JPEG does not deflate; store it as is.
        let method = if bytes.starts_with(JPEG_MAGIC) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        out.start_file(
            name,
            SimpleFileOptions::default().compression_method(method),
        )?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}

/// Relationship targets renamed (`Target="media/x.png"` → `.jpeg`), in one pass.
fn retarget(xml: &str, renamed: &HashMap<String, String>) -> String {
    let mut pieces = xml.split("Target=\"");
    let mut out = String::with_capacity(xml.len() + renamed.len());
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        out.push_str("Target=\"");
        let end = piece.find('"').unwrap_or(piece.len());
        match renamed.get(&piece[..end]) {
            Some(new) => {
                out.push_str(new);
                out.push_str(&piece[end..]);
            }
            None => out.push_str(piece),
        }
    }
    out
}

/// Makes sure `jpeg` and `jpg` parts are typed `image/jpeg`.
fn content_types(xml: &str) -> String {
    let xml = xml.replace("ContentType=\"image/jpg\"", "ContentType=\"image/jpeg\"");
    if xml.contains("Extension=\"jpeg\"") {
        return xml;
    }
    match xml
        .find("<Types")
        .and_then(|start| xml[start..].find('>').map(|end| start + end + 1))
    {
        Some(at) => format!("{}{JPEG_DEFAULT}{}", &xml[..at], &xml[at..]),
        None => xml,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retargets_renamed_media_only() {
        let renamed = HashMap::from([("media/a.png".to_owned(), "media/a.jpeg".to_owned())]);
        assert_eq!(
            retarget(
                r#"<R Id="1" Target="media/a.png"/><R Target="media/b.png"/>"#,
                &renamed
            ),
            r#"<R Id="1" Target="media/a.jpeg"/><R Target="media/b.png"/>"#
        );
    }

    #[test]
    fn adds_the_jpeg_default_once() {
        let xml = r#"<Types xmlns="x"><Default Extension="jpg" ContentType="image/jpg"/></Types>"#;
        let fixed = content_types(xml);
        assert_eq!(
            fixed,
            r#"<Types xmlns="x"><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="jpg" ContentType="image/jpeg"/></Types>"#
        );
        assert_eq!(content_types(&fixed), fixed);
    }
}
