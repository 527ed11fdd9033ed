//! Video files: recognised by container, never decoded. The duration is read
//! where it is cheap: the `mvhd` box of mp4/mov (ISO base media) files,
//! found by walking the top-level boxes into `moov`.

use super::{Content, Found, Outcome, Video};

pub fn inspect(bytes: &[u8]) -> Outcome {
    let container = container(bytes);
    let duration_secs = if matches!(container, "mp4" | "mov" | "3gp") {
        mp4_duration(bytes)
    } else {
        None
    };
    let mut found = Found::new(Content::Video(Video {
        container: container.to_string(),
        duration_secs,
    }));
    if let Some(d) = duration_secs {
        found.notes.push(format!("视频时长约{}秒", d.round()));
    }
    Ok(found)
}

/// The container format by magic bytes and ftyp brand.
fn container(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(16)];
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"qt  " => "mov",
            b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" => "3gp",
            _ => "mp4",
        };
    }
    if head.len() >= 8 && (&head[4..8] == b"moov" || &head[4..8] == b"mdat") {
        return "mov";
    }
    if head.starts_with(b"RIFF") {
        return "avi";
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return "mkv";
    }
    if head.starts_with(b"FLV") {
        return "flv";
    }
    if head.starts_with(&[0x30, 0x26, 0xB2, 0x75]) {
        return "wmv";
    }
    "unknown"
}

/// Duration in seconds from `moov/mvhd`.
fn mp4_duration(bytes: &[u8]) -> Option<f64> {
    let moov = find_box(bytes, b"moov")?;
    let mvhd = find_box(moov, b"mvhd")?;
    let be32 = |at: usize| -> Option<u64> {
        Some(u64::from(u32::from_be_bytes(
            mvhd.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    let be64 = |at: usize| -> Option<u64> {
        Some(u64::from_be_bytes(mvhd.get(at..at + 8)?.try_into().ok()?))
    };
    // version(1) flags(3), then v0: ctime(4) mtime(4) timescale(4) duration(4);
    // v1: ctime(8) mtime(8) timescale(4) duration(8).
    let (timescale, duration) = match *mvhd.first()? {
        0 => (be32(12)?, be32(16)?),
        1 => (be32(20)?, be64(24)?),
        _ => return None,
    };
    (timescale > 0).then(|| duration as f64 / timescale as f64)
}

/// The payload of the first box of `kind` at this level.
fn find_box<'a>(mut data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    while data.len() >= 8 {
        let size32 = u32::from_be_bytes(data[..4].try_into().ok()?) as u64;
        let (header, size) = match size32 {
            0 => (8, data.len() as u64),
            1 => (16, u64::from_be_bytes(data.get(8..16)?.try_into().ok()?)),
            s => (8, s),
        };
        if size < header as u64 || size > data.len() as u64 {
            // A box running past the end (truncated file): look inside what there is.
            return (&data[4..8] == kind).then(|| &data[header.min(data.len())..]);
        }
        if &data[4..8] == kind {
            return Some(&data[header..size as usize]);
        }
        data = &data[size as usize..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn mvhd_duration() {
        let mut mvhd = vec![0u8; 4 + 16];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&12_500u32.to_be_bytes());
        let mut file = boxed(b"ftyp", b"isom\0\0\0\0");
        file.extend(boxed(b"moov", &boxed(b"mvhd", &mvhd)));
        assert_eq!(container(&file), "mp4");
        assert_eq!(mp4_duration(&file), Some(12.5));
    }
}
