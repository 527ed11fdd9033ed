//! Repairs docx-rs's image parts so photos stay JPEG.
//!
//! docx-rs 0.4 writes every picture as `word/media/<id>.png`: `Pic::new`
//! re-encodes a JPEG as PNG (about 10× larger) and `Pic::new_with_dimensions`
//! keeps the JPEG bytes but names the part `.png`, so its content type says
//! `image/png` (Word refuses such a picture). We keep the bytes and rewrite
//! the package: each JPEG part is renamed to `.jpeg`, the relationships that
//! point at it follow, and `[Content_Types].xml` maps `jpeg` (and `jpg`) to
//! `image/jpeg`.
//!
//! The same pass joins the report's packages ([`DocxParts`]): the units'
//! bodies replace the front package's [`UNITS_MARK`] paragraph and their
//! pictures and picture relationships are added (docx-rs numbers pictures
//! process-wide, so they never clash). And it puts the photos in: a media
//! part holding a photo's stand-in is written from the photo's file
//! ([`super::photos`]), straight into the output, one photo at a time.
//! Tables' header rows, which docx-rs cannot mark, are marked here
//! ([`HEADER_ROW_HEIGHT`]).

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, Write};
use std::ops::Range;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::CompileError;
use super::docx::{DocxParts, HEADER_ROW_HEIGHT, UNITS_MARK};
use super::photos::{self, Photos};
use super::spill::Spill;

const CONTENT_TYPES: &str = "[Content_Types].xml";
const JPEG_DEFAULT: &str = r#"<Default Extension="jpeg" ContentType="image/jpeg"/>"#;
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const DOCUMENT: &str = "word/document.xml";
const DOCUMENT_RELS: &str = "word/_rels/document.xml.rels";
const MEDIA: &str = "word/media/";

/// Returns the package with JPEG media parts named and typed as JPEG.
pub fn relabel_jpeg_media(package: &[u8]) -> Result<Vec<u8>, CompileError> {
    let parts = DocxParts {
        front: package.to_vec(),
        ..DocxParts::default()
    };
    let out = relabel_into(&parts, &Photos::default(), Cursor::new(Vec::new()))?;
    Ok(out.into_inner())
}

/// Writes the joined package to `out` with JPEG media parts named and typed
/// as JPEG and each photo's stand-in replaced by the photo.
pub fn relabel_into<W: Write + Seek>(
    package: &DocxParts,
    photos: &Photos,
    out: W,
) -> Result<W, CompileError> {
    let mut parts = read_parts(&package.front, |_| true)?;
    for (name, bytes) in &mut parts {
        if name == DOCUMENT {
            *bytes = repeat_header_rows(bytes);
        }
    }
    let mark = add_unit_media(&mut parts, &package.units)?;

    // Old and new targets of every JPEG part, relative to `word/`.
    let renamed: HashMap<String, String> = parts
        .iter_mut()
        .filter(|(name, bytes)| {
            name.starts_with(MEDIA) && name.ends_with(".png") && bytes.starts_with(JPEG_MAGIC)
        })
        .map(|(name, _)| {
            let old = name.clone();
            *name = format!("{}.jpeg", old.trim_end_matches(".png"));
            (relative(&old), relative(name))
        })
        .collect();

    for (name, bytes) in &mut parts {
        if name.ends_with(".rels") {
            *bytes = retarget(&String::from_utf8_lossy(bytes), &renamed).into_bytes();
        } else if name == CONTENT_TYPES {
            *bytes = content_types(&String::from_utf8_lossy(bytes)).into_bytes();
        }
    }

    let mut out = ZipWriter::new(out);
    for (name, bytes) in parts {
        // JPEG does not deflate; store it as is.
        let method = if bytes.starts_with(JPEG_MAGIC) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let is_document = name == DOCUMENT;
        out.start_file(
            name,
            SimpleFileOptions::default().compression_method(method),
        )?;
        let io = zip::result::ZipError::Io;
        match (&mark, photos.standing_in(&bytes)) {
            // The units' bodies go where the mark paragraph was, one at a time.
            (Some(mark), _) if is_document => {
                out.write_all(&bytes[..mark.start]).map_err(io)?;
                for unit in package.units.iter() {
                    let body = unit_body(&unit.map_err(io)?)?;
                    out.write_all(&repeat_header_rows(&body)).map_err(io)?;
                }
                out.write_all(&bytes[mark.end..]).map_err(io)?;
            }
            (_, Some(photo)) => {
                photos::copy_photo(photo, &mut out).map_err(io)?;
            }
            _ => out.write_all(&bytes).map_err(io)?,
        }
    }
    Ok(out.finish()?)
}

/// The parts of a package whose names `wanted` accepts, in order; the
/// others are not even decompressed.
fn read_parts(
    package: &[u8],
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, CompileError> {
    let mut archive = ZipArchive::new(Cursor::new(package))?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name()?.to_string();
        // OPC packages need no directory entries.
        if entry.is_dir() || !wanted(&name) {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(zip::result::ZipError::Io)?;
        parts.push((name, bytes));
    }
    Ok(parts)
}

fn broken(what: &str) -> CompileError {
    CompileError::Docx(format!("分段无法合并：{what}"))
}

/// Adds the units' pictures and picture relationships to the front's parts
/// and returns where the front's [`UNITS_MARK`] paragraph is in its body
/// (`None` for a package that is not a report's front and has no units).
fn add_unit_media(
    front: &mut Vec<(String, Vec<u8>)>,
    units: &Spill,
) -> Result<Option<Range<usize>>, CompileError> {
    let mut relationships = Vec::new();
    for unit in units.iter() {
        let unit = unit.map_err(zip::result::ZipError::Io)?;
        let wanted = |name: &str| name == DOCUMENT_RELS || name.starts_with(MEDIA);
        for (name, bytes) in read_parts(&unit, wanted)? {
            if name == DOCUMENT_RELS {
                let xml = String::from_utf8_lossy(&bytes);
                relationships.extend(
                    xml.split("<Relationship ")
                        .skip(1)
                        .filter(|r| r.contains("Target=\"media/"))
                        .filter_map(|r| {
                            r.find("/>")
                                .map(|end| format!("<Relationship {}/>", &r[..end]))
                        }),
                );
            } else if name.starts_with(MEDIA) {
                front.push((name, bytes));
            }
        }
    }
    let part = |front: &[(String, Vec<u8>)], name: &str| {
        front
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| broken(&format!("缺少 {name}")))
    };
    let xml = &front[part(front, DOCUMENT)?].1;
    let Some(mark) = find(xml, UNITS_MARK.as_bytes()) else {
        return match units.is_empty() {
            true => Ok(None),
            false => Err(broken("缺少单位位置标记")),
        };
    };
    let start = rfind(&xml[..mark], b"<w:p ").ok_or_else(|| broken("标记不在段落中"))?;
    let end = find(&xml[mark..], b"</w:p>").ok_or_else(|| broken("标记段落未结束"))? + mark + 6;
    let rels = part(front, DOCUMENT_RELS)?;
    let xml = &front[rels].1;
    let at = rfind(xml, b"</Relationships>").ok_or_else(|| broken("关系表无法识别"))?;
    front[rels].1 = [&xml[..at], relationships.concat().as_bytes(), &xml[at..]].concat();
    Ok(Some(start..end))
}

/// Marks every row docx-rs wrote with [`HEADER_ROW_HEIGHT`] as a header
/// row: `w:tblHeader` follows `w:trHeight` in `w:trPr`, as the schema
/// orders them. Word, WPS and LibreOffice then repeat it on each page.
fn repeat_header_rows(xml: &[u8]) -> Vec<u8> {
    let height = format!(r#"<w:trHeight w:val="{HEADER_ROW_HEIGHT}" w:hRule="atLeast" />"#);
    let mut out = Vec::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = find(rest, height.as_bytes()) {
        let end = at + height.len();
        out.extend_from_slice(&rest[..end]);
        out.extend_from_slice(b"<w:tblHeader />");
        rest = &rest[end..];
    }
    out.extend_from_slice(rest);
    out
}

/// The body of a unit package's document, without its section properties.
fn unit_body(package: &[u8]) -> Result<Vec<u8>, CompileError> {
    let mut archive = ZipArchive::new(Cursor::new(package))?;
    let mut xml = Vec::new();
    archive
        .by_name(DOCUMENT)?
        .read_to_end(&mut xml)
        .map_err(zip::result::ZipError::Io)?;
    let start = find(&xml, b"<w:body>").ok_or_else(|| broken("正文缺少 w:body"))? + 8;
    let end = rfind(&xml, b"<w:sectPr").ok_or_else(|| broken("正文缺少 w:sectPr"))?;
    xml.truncate(end);
    xml.drain(..start);
    Ok(xml)
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// `word/media/x.png` → `media/x.png`, as `word/_rels/document.xml.rels` says it.
fn relative(part: &str) -> String {
    part.trim_start_matches("word/").to_owned()
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
