//! EXIF facts of a photo (kamadak-exif): orientation, date taken, camera,
//! GPS presence, and whether an EXIF block is present but broken.

use chrono::{NaiveDate, NaiveDateTime};
use exif::{In, Tag, Value};
use memchr::memmem::find;
use std::io::Cursor;

/// What the EXIF block says; defaults when there is none.
#[derive(Debug, Default, PartialEq)]
pub struct ExifInfo {
    /// EXIF orientation 1..=8 (1 when absent or invalid).
    pub orientation: u16,
    pub taken: Option<NaiveDateTime>,
    /// "Make Model", e.g. "Canon Canon EOS 80D" shortened to "Canon EOS 80D".
    pub camera: Option<String>,
    pub gps: bool,
    /// An EXIF block exists but could not be (fully) parsed.
    pub malformed: bool,
}

/// Reads the EXIF block of a JPEG, PNG, WebP or HEIF file.
pub fn read(bytes: &[u8]) -> ExifInfo {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let (exif, malformed) = match reader.read_from_container(&mut Cursor::new(bytes)) {
        Ok(e) => (e, false),
        Err(exif::Error::PartialResult(p)) => (p.into_inner().0, true),
        Err(exif::Error::NotFound(_)) => return none(),
        Err(_) => {
            // Broken only if there is an EXIF block to be broken (JPEG APP1
            // "Exif", PNG eXIf); other container errors are not EXIF's.
            let head = &bytes[..bytes.len().min(256 * 1024)];
            let marked = find(head, b"Exif\0\0").is_some() || find(head, b"eXIf").is_some();
            return ExifInfo {
                malformed: marked,
                ..none()
            };
        }
    };
    let text = |tag| {
        exif.get_field(tag, In::PRIMARY)
            .and_then(|f| match &f.value {
                Value::Ascii(v) => v.first().map(|s| {
                    String::from_utf8_lossy(s)
                        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                        .to_string()
                }),
                _ => None,
            })
    };
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1) as u16;
    let taken = [Tag::DateTimeOriginal, Tag::DateTimeDigitized, Tag::DateTime]
        .into_iter()
        .find_map(|t| text(t).and_then(|s| parse_exif_datetime(&s)));
    let make = text(Tag::Make).filter(|s| !s.is_empty());
    let model = text(Tag::Model).filter(|s| !s.is_empty());
    let camera = match (make, model) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    let gps = exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some()
        || exif.get_field(Tag::GPSLongitude, In::PRIMARY).is_some();
    ExifInfo {
        orientation,
        taken,
        camera,
        gps,
        malformed,
    }
}

fn none() -> ExifInfo {
    ExifInfo {
        orientation: 1,
        ..ExifInfo::default()
    }
}

/// "2025:05:15 09:30:00" → 2025-05-15T09:30:00; blank or invalid → None.
fn parse_exif_datetime(s: &str) -> Option<NaiveDateTime> {
    let dt = exif::DateTime::from_ascii(s.as_bytes()).ok()?;
    NaiveDate::from_ymd_opt(dt.year.into(), dt.month.into(), dt.day.into())?.and_hms_opt(
        dt.hour.into(),
        dt.minute.into(),
        dt.second.into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_datetimes() {
        assert_eq!(
            parse_exif_datetime("2025:05:15 09:30:00").map(|d| d.to_string()),
            Some("2025-05-15 09:30:00".to_string())
        );
        assert_eq!(parse_exif_datetime("    :  :     :  :  "), None);
        assert_eq!(parse_exif_datetime("2025:13:15 09:30:00"), None);
    }

    #[test]
    fn no_exif_is_not_malformed() {
        assert!(!read(b"\xFF\xD8\xFF\xD9").malformed);
        assert!(read(b"\xFF\xD8\xFF\xE1\x00\x10Exif\0\0MM\0*\xFF\xFF").malformed);
    }
}
