//! Video files: recognised by container and read by seeking, so a 4 GB
//! video costs a few reads of its index and of one key frame, never its
//! media data.
//!
//! MP4, MOV and 3GP (ISO base media files): the top-level boxes are walked
//! by their headers alone; `moov` (the index, a few MB even for an hour of
//! video) is read into memory under [`MAX_INDEX_BYTES`] and parsed with
//! checked slices: duration (`mvhd`), each track's handler, codec (the
//! sample entry's fourcc: avc1, hvc1, mp4v…), coded size, rotation (the
//! `tkhd` matrix) and its sample tables (`stco`/`co64`, `stsc`, `stsz`),
//! from which the end of the last sample is computed. A file whose boxes
//! or samples run past its end was cut off (an upload that did not finish)
//! and is refused. For an H.264 track, the first sync sample (`stss`) is
//! located through [`Track::samples`], read (under [`MAX_KEY_FRAME_BYTES`])
//! and handed with the sample entry's `avcC` to [`super::frame`] for the
//! video's poster; any other codec gets a note saying why there is none.
//!
//! AVI: `avih`, `strh` and `strf` near the front give size, frame count and
//! codec; a RIFF size larger than the file means it was cut off. Other
//! containers (MKV, FLV, WMV) are recognised by magic bytes only.
//!
//! A small walker of our own rather than a crate: mp4parse (Firefox's,
//! fuzzed) reads sequentially and would read through a 3 GB `mdat` to find
//! an index stored at the end, and the `mp4` crate reads every box it meets
//! into memory; this one seeks past media data, bounds every allocation,
//! and is fuzzed with the other readers (`fuzz_any`).

use std::io::{Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use super::frame::{self, AvcConfig, DAMAGED, NoPoster};
use super::{Content, Found, Limits, Outcome, Refused, Video};

/// Largest `moov` read into memory (64 MiB: an hour of 60 fps video with
/// audio needs ~5 MB).
const MAX_INDEX_BYTES: u64 = 64 << 20;
/// Most top-level boxes walked (real files have fewer than ten).
const MAX_TOP_BOXES: usize = 10_000;
/// Largest key frame read for a poster (16 MiB: a 4K phone video's key
/// frame is 1–3 MB even at high bit rates).
const MAX_KEY_FRAME_BYTES: u32 = 16 << 20;

/// The refusal for a video cut off before its end.
const INCOMPLETE: &str = "视频文件不完整，可能未上传完毕，请重新报送完整的视频文件";

/// Reads what a video's container says about it, from `reader` of `size`
/// bytes, and makes its poster from the first key frame when it can.
pub fn inspect<R: Read + Seek>(reader: &mut R, size: u64, limits: &Limits) -> Outcome {
    let started = Instant::now();
    let mut head = [0u8; 16];
    let n = read_up_to(reader, 0, &mut head);
    let container = container(&head[..n]);
    let facts = match container {
        "mp4" | "mov" | "3gp" => mp4_facts(reader, size)?,
        "avi" => avi_facts(reader, size)?,
        _ => Facts::default(),
    };
    let (width, height) = match facts.rotation {
        90 | 270 => (facts.height, facts.width),
        _ => (facts.width, facts.height),
    };
    let poster = poster(reader, container, &facts, limits, started);
    let mut found = Found::new(Content::Video(Video {
        container: container.to_string(),
        duration_secs: facts.duration,
        width,
        height,
        rotation: facts.rotation,
        codec: facts.codec.clone(),
        note: poster.as_ref().err().cloned(),
    }));
    let mut parts = Vec::new();
    if width > 0 && height > 0 {
        parts.push(format!("{width}×{height}"));
    }
    if let Some(codec) = &facts.codec {
        parts.push(codec_label(codec));
    }
    if let Some(d) = facts.duration {
        parts.push(format!("时长约{}秒", d.round()));
    }
    if !parts.is_empty() {
        found.notes.push(format!("视频{}", parts.join("，")));
    }
    match poster {
        Ok(jpeg) => found.derived_jpeg = Some(jpeg),
        Err(note) => found.notes.push(note),
    }
    Ok(found)
}

/// The poster JPEG from the first key frame of an H.264 track in an ISO
/// base media file, or why there is none. A decoder panic is caught here:
/// a poster that cannot be made never refuses the video.
fn poster<R: Read + Seek>(
    reader: &mut R,
    container: &str,
    facts: &Facts,
    limits: &Limits,
    started: Instant,
) -> Result<Vec<u8>, NoPoster> {
    let Some(key) = &facts.key_frame else {
        return Err(match facts.codec.as_deref() {
            _ if !matches!(container, "mp4" | "mov" | "3gp") => {
                format!("{}格式的视频，未生成预览画面", container.to_uppercase())
            }
            Some("hvc1" | "hev1") => {
                "H.265/HEVC编码，部分办公电脑可能无法播放，未生成预览画面".into()
            }
            Some("avc1" | "avc3") => DAMAGED.into(),
            Some(codec) => format!("{}编码，未生成预览画面", codec_label(codec)),
            None => "未能识别视频编码，未生成预览画面".into(),
        });
    };
    if key.size > MAX_KEY_FRAME_BYTES {
        return Err("视频首帧数据过大，未生成预览画面".into());
    }
    let mut sample = vec![0u8; key.size as usize];
    if read_up_to(reader, key.at, &mut sample) < sample.len() {
        return Err(DAMAGED.into());
    }
    if started.elapsed() > Duration::from_secs(limits.max_seconds_per_file) {
        return Err(format!(
            "视频检查超过{}秒，未生成预览画面",
            limits.max_seconds_per_file
        ));
    }
    super::contain::contained(|| frame::poster(&key.config, &sample, facts.rotation, limits))
        .unwrap_or_else(|| Err(DAMAGED.into()))
}

/// What a container's index says.
#[derive(Debug, Default)]
struct Facts {
    duration: Option<f64>,
    /// Coded size of the video track, before rotation.
    width: u32,
    height: u32,
    /// Clockwise degrees the player turns the picture: 0, 90, 180 or 270.
    rotation: u16,
    codec: Option<String>,
    /// Where the first key frame of an H.264 track is, with its decoder
    /// configuration.
    key_frame: Option<KeyFrame>,
}

#[derive(Debug)]
struct KeyFrame {
    at: u64,
    size: u32,
    config: AvcConfig,
}

/// A codec fourcc as an office clerk would know it.
pub fn codec_label(fourcc: &str) -> String {
    match fourcc {
        "avc1" | "avc3" | "H264" | "h264" | "X264" | "x264" => "H.264".into(),
        "hvc1" | "hev1" => "H.265/HEVC".into(),
        "mp4v" | "FMP4" | "XVID" | "DIVX" | "DX50" => "MPEG-4".into(),
        "s263" | "H263" => "H.263".into(),
        "av01" => "AV1".into(),
        "vp09" => "VP9".into(),
        other => other.to_string(),
    }
}

/// The container format by magic bytes and ftyp brand.
fn container(head: &[u8]) -> &'static str {
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"qt  " => "mov",
            b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" => "3gp",
            _ => "mp4",
        };
    }
    if head.len() >= 8 && matches!(&head[4..8], b"moov" | b"mdat" | b"wide" | b"free") {
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

/// Reads up to `buf.len()` bytes at `at`; returns how many were read.
fn read_up_to<R: Read + Seek>(reader: &mut R, at: u64, buf: &mut [u8]) -> usize {
    if reader.seek(SeekFrom::Start(at)).is_err() {
        return 0;
    }
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    filled
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Walks the top-level boxes by their headers, reads `moov`, and checks
/// that no box and no sample runs past the end of the file.
fn mp4_facts<R: Read + Seek>(reader: &mut R, size: u64) -> Result<Facts, Refused> {
    let mut pos = 0u64;
    let mut moov = None;
    for _ in 0..MAX_TOP_BOXES {
        if pos >= size {
            break;
        }
        let mut header = [0u8; 16];
        let n = read_up_to(reader, pos, &mut header);
        if n < 8 {
            // A few stray bytes after the last box: cut off inside a header.
            return Err(Refused::new(INCOMPLETE));
        }
        let size32 = u64::from(be32(&header, 0).unwrap_or(0));
        let (header_len, box_len) = match size32 {
            0 => (8, size - pos),
            1 if n == 16 => (16, be64(&header, 8).unwrap_or(0)),
            1 => return Err(Refused::new(INCOMPLETE)),
            s => (8, s),
        };
        if box_len < header_len {
            return Err(Refused::new("视频文件结构损坏，无法识别，请重新报送"));
        }
        let end = pos.saturating_add(box_len);
        if end > size {
            return Err(Refused::new(INCOMPLETE));
        }
        if &header[4..8] == b"moov" && moov.is_none() {
            let len = box_len - header_len;
            if len > MAX_INDEX_BYTES {
                return Err(Refused::new("视频索引信息过大，文件结构异常，请重新报送"));
            }
            let mut data = vec![0u8; len as usize];
            if read_up_to(reader, pos + header_len, &mut data) < data.len() {
                return Err(Refused::new(INCOMPLETE));
            }
            moov = Some(data);
        }
        pos = end;
    }
    let Some(moov) = moov else {
        // Phones write the index last: without it the upload stopped early.
        return Err(Refused::new(INCOMPLETE));
    };
    let tracks: Vec<Track> = boxes(&moov)
        .filter(|(kind, _)| kind == b"trak")
        .filter_map(|(_, trak)| Track::parse(trak))
        .collect();
    for track in &tracks {
        if track.data_end().is_some_and(|end| end > size) {
            return Err(Refused::new(INCOMPLETE));
        }
    }
    let duration = find(&moov, &[b"mvhd"]).and_then(mvhd_duration);
    let mut facts = Facts {
        duration,
        ..Facts::default()
    };
    if let Some(video) = tracks.iter().find(|t| &t.handler == b"vide") {
        facts.width = video.width;
        facts.height = video.height;
        facts.rotation = video.rotation;
        facts.codec = video.codec.clone();
        facts.key_frame = video.avc.clone().and_then(|config| {
            let index = video.first_sync.checked_sub(1)? as usize;
            let (at, size) = video.samples().nth(index)?;
            Some(KeyFrame { at, size, config })
        });
    }
    Ok(facts)
}

/// The boxes inside `data`, as (type, payload); stops at the first box
/// that does not fit.
fn boxes(data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let size32 = be32(rest, 0)? as usize;
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let (header, len) = match size32 {
            0 => (8, rest.len()),
            1 => (16, usize::try_from(be64(rest, 8)?).ok()?),
            s => (8, s),
        };
        if len < header || len > rest.len() {
            return None;
        }
        let payload = &rest[header..len];
        rest = &rest[len..];
        Some((kind, payload))
    })
}

/// The payload of the box at `path` below `data` (first match at each level).
fn find<'a>(data: &'a [u8], path: &[&[u8; 4]]) -> Option<&'a [u8]> {
    let (first, rest) = path.split_first()?;
    let (_, payload) = boxes(data).find(|(kind, _)| kind == *first)?;
    if rest.is_empty() {
        Some(payload)
    } else {
        find(payload, rest)
    }
}

/// Duration in seconds from `mvhd` (or `mdhd`, which has the same layout).
fn mvhd_duration(mvhd: &[u8]) -> Option<f64> {
    // version(1) flags(3), then v0: ctime(4) mtime(4) timescale(4) duration(4);
    // v1: ctime(8) mtime(8) timescale(4) duration(8).
    let (timescale, duration) = match *mvhd.first()? {
        0 => (be32(mvhd, 12)?, u64::from(be32(mvhd, 16)?)),
        1 => (be32(mvhd, 20)?, be64(mvhd, 24)?),
        _ => return None,
    };
    (timescale > 0).then(|| duration as f64 / f64::from(timescale))
}

/// One track of an ISO base media file: what it holds and where its
/// samples are.
#[derive(Debug)]
struct Track {
    /// `vide`, `soun`, …
    handler: [u8; 4],
    codec: Option<String>,
    width: u32,
    height: u32,
    rotation: u16,
    /// Byte offset of each chunk in the file (`stco`/`co64`).
    chunk_offsets: Vec<u64>,
    /// (first chunk, samples per chunk) runs (`stsc`), first chunk from 1.
    chunk_runs: Vec<(u32, u32)>,
    /// Every sample's size, or one size for all (`stsz`).
    sample_sizes: SampleSizes,
    /// The H.264 decoder configuration (`avcC` in an avc1/avc3 entry).
    avc: Option<AvcConfig>,
    /// The number (from 1) of the first sample a decoder can start at
    /// (`stss`; without it every sample is one).
    first_sync: u32,
}

#[derive(Debug)]
enum SampleSizes {
    Same { size: u32, count: u32 },
    Each(Vec<u32>),
}

impl SampleSizes {
    fn get(&self, sample: usize) -> Option<u32> {
        match self {
            SampleSizes::Same { size, count } => (sample < *count as usize).then_some(*size),
            SampleSizes::Each(sizes) => sizes.get(sample).copied(),
        }
    }
}

impl Track {
    fn parse(trak: &[u8]) -> Option<Track> {
        let tkhd = find(trak, &[b"tkhd"])?;
        let handler: [u8; 4] = find(trak, &[b"mdia", b"hdlr"])?
            .get(8..12)?
            .try_into()
            .ok()?;
        let stbl = find(trak, &[b"mdia", b"minf", b"stbl"])?;
        // The first sample entry: size(4) fourcc(4), then for video
        // reserved(6) data_ref(2) pre_defined/reserved(16) width(2) height(2).
        let entry = find(stbl, &[b"stsd"]).and_then(|stsd| stsd.get(8..));
        let codec = entry
            .and_then(|e| e.get(4..8))
            .filter(|f| f.iter().all(|c| c.is_ascii_graphic() || *c == b' '))
            .map(|f| String::from_utf8_lossy(f).trim().to_string());
        let coded = entry.and_then(|e| Some((be16(e, 32)?, be16(e, 34)?)));
        // A visual sample entry's boxes (avcC, pasp, …) follow its 78
        // bytes of fields.
        let avc = entry
            .filter(|e| matches!(e.get(4..8), Some(b"avc1" | b"avc3")))
            .and_then(|e| e.get(86..(be32(e, 0)? as usize).min(e.len())))
            .and_then(|children| find(children, &[b"avcC"]))
            .and_then(frame::avc_config);
        let first_sync = find(stbl, &[b"stss"])
            .map_or(Some(1), |stss| {
                table(stss, 4).next().and_then(|at| be32(stss, at))
            })
            .unwrap_or(0);
        // tkhd: version(1) flags(3), v0 20 / v1 32 bytes of times and ids,
        // reserved(8) layer(2) group(2) volume(2) reserved(2), matrix(36),
        // width(4) height(4) in 16.16.
        let base = if tkhd.first() == Some(&1) { 36 } else { 24 };
        let matrix = base + 16;
        let rotation = rotation(be32(tkhd, matrix)?, be32(tkhd, matrix + 4)?);
        let (width, height) = match coded {
            Some((w, h)) if w > 0 && h > 0 => (u32::from(w), u32::from(h)),
            _ => (
                be32(tkhd, matrix + 36).unwrap_or(0) >> 16,
                be32(tkhd, matrix + 40).unwrap_or(0) >> 16,
            ),
        };
        let chunk_offsets = if let Some(stco) = find(stbl, &[b"stco"]) {
            table(stco, 4)
                .map(|at| be32(stco, at).map(u64::from))
                .collect()
        } else if let Some(co64) = find(stbl, &[b"co64"]) {
            table(co64, 8).map(|at| be64(co64, at)).collect()
        } else {
            Some(Vec::new())
        }?;
        let chunk_runs = match find(stbl, &[b"stsc"]) {
            Some(stsc) => table(stsc, 12)
                .map(|at| Some((be32(stsc, at)?, be32(stsc, at + 4)?)))
                .collect::<Option<Vec<_>>>()?,
            None => Vec::new(),
        };
        let sample_sizes = match find(stbl, &[b"stsz"]) {
            Some(stsz) => match be32(stsz, 4)? {
                0 => SampleSizes::Each(
                    (0..be32(stsz, 8)? as usize)
                        .map(|i| be32(stsz, 12 + 4 * i))
                        .collect::<Option<Vec<_>>>()?,
                ),
                size => SampleSizes::Same {
                    size,
                    count: be32(stsz, 8)?,
                },
            },
            None => SampleSizes::Each(Vec::new()),
        };
        Some(Track {
            handler,
            codec,
            width,
            height,
            rotation,
            chunk_offsets,
            chunk_runs,
            sample_sizes,
            avc,
            first_sync,
        })
    }

    /// Where each sample lies: (offset, size), in sample order.
    fn samples(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        let mut sample = 0usize;
        self.chunk_offsets
            .iter()
            .enumerate()
            .flat_map(move |(i, &offset)| {
                let per_chunk = self.samples_in_chunk(i as u32 + 1);
                let mut at = offset;
                let mut out = Vec::new();
                for _ in 0..per_chunk {
                    let Some(size) = self.sample_sizes.get(sample) else {
                        break;
                    };
                    out.push((at, size));
                    at = at.saturating_add(u64::from(size));
                    sample += 1;
                }
                out
            })
    }

    /// Samples per chunk for chunk `chunk` (from 1), from the `stsc` runs.
    fn samples_in_chunk(&self, chunk: u32) -> u32 {
        self.chunk_runs
            .iter()
            .take_while(|(first, _)| *first <= chunk)
            .last()
            .map_or(0, |(_, n)| *n)
    }

    /// The end of the last byte of media data the track refers to.
    fn data_end(&self) -> Option<u64> {
        self.samples()
            .map(|(at, size)| at.saturating_add(u64::from(size)))
            .max()
    }
}

/// A table box's rows: version/flags(4) count(4), then `count` rows of
/// `row` bytes; yields each row's offset (only rows that fit).
fn table(data: &[u8], row: usize) -> impl Iterator<Item = usize> {
    let count = be32(data, 4).unwrap_or(0) as usize;
    let fit = data.len().saturating_sub(8) / row;
    (0..count.min(fit)).map(move |i| 8 + i * row)
}

/// Clockwise rotation from the first row of a `tkhd` matrix (a, b in 16.16).
fn rotation(a: u32, b: u32) -> u16 {
    let (a, b) = (a as i32, b as i32);
    match (a.signum(), b.signum()) {
        (0, 1) => 90,
        (-1, 0) => 180,
        (0, -1) => 270,
        _ => 0,
    }
}

/// AVI: RIFF header, `avih` and the first video stream's `strh`/`strf`.
fn avi_facts<R: Read + Seek>(reader: &mut R, size: u64) -> Result<Facts, Refused> {
    let mut head = vec![0u8; 64 * 1024];
    let n = read_up_to(reader, 0, &mut head);
    head.truncate(n);
    let riff = u64::from(le32(&head, 4).unwrap_or(0));
    if riff.saturating_add(8) > size {
        return Err(Refused::new(INCOMPLETE));
    }
    let mut facts = Facts::default();
    let at = |tag: &[u8]| memchr::memmem::find(&head, tag);
    if let Some(i) = at(b"avih") {
        let avih = &head[i + 8..];
        let micros = le32(avih, 0).unwrap_or(0);
        let frames = le32(avih, 16).unwrap_or(0);
        if micros > 0 && frames > 0 {
            facts.duration = Some(f64::from(frames) * f64::from(micros) / 1e6);
        }
        facts.width = le32(avih, 32).unwrap_or(0);
        facts.height = le32(avih, 36).unwrap_or(0);
    }
    // The first video stream header: "strh", its size, then "vids".
    let strh = (0..head.len().saturating_sub(12))
        .find(|&i| &head[i..i + 4] == b"strh" && &head[i + 8..i + 12] == b"vids");
    if let Some(i) = strh {
        // strf follows strh: BITMAPINFOHEADER, biCompression at 16.
        let strf = i + 8 + le32(&head, i + 4).unwrap_or(0) as usize;
        let fourcc = if head.get(strf..strf + 4) == Some(b"strf") {
            head.get(strf + 8 + 16..strf + 8 + 20)
        } else {
            head.get(i + 12..i + 16)
        };
        facts.codec = fourcc
            .filter(|f| f.iter().all(|c| c.is_ascii_graphic()))
            .map(|f| String::from_utf8_lossy(f).into_owned());
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn mvhd_duration_and_a_missing_index() {
        let mut mvhd = vec![0u8; 4 + 16];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&12_500u32.to_be_bytes());
        let mut file = boxed(b"ftyp", b"isom\0\0\0\0");
        file.extend(boxed(b"moov", &boxed(b"mvhd", &mvhd)));
        let size = file.len() as u64;
        let facts = mp4_facts(&mut Cursor::new(&file), size).unwrap();
        assert_eq!(facts.duration, Some(12.5));
        // An mdat and no index: the upload stopped before the index.
        let mut cut = boxed(b"ftyp", b"isom\0\0\0\0");
        cut.extend(boxed(b"mdat", &[0u8; 100]));
        let size = cut.len() as u64;
        let err = mp4_facts(&mut Cursor::new(&cut), size).unwrap_err();
        assert_eq!(err.reason, INCOMPLETE);
    }

    #[test]
    fn rotation_from_the_matrix() {
        let one = 0x0001_0000u32;
        assert_eq!(rotation(one, 0), 0);
        assert_eq!(rotation(0, one), 90);
        assert_eq!(rotation((-0x0001_0000i32) as u32, 0), 180);
        assert_eq!(rotation(0, (-0x0001_0000i32) as u32), 270);
    }

    #[test]
    fn samples_are_located_through_chunks() {
        let track = Track {
            handler: *b"vide",
            codec: None,
            width: 0,
            height: 0,
            rotation: 0,
            chunk_offsets: vec![100, 1000],
            chunk_runs: vec![(1, 2), (2, 1)],
            sample_sizes: SampleSizes::Each(vec![10, 20, 30]),
            avc: None,
            first_sync: 1,
        };
        let samples: Vec<_> = track.samples().collect();
        assert_eq!(samples, vec![(100, 10), (110, 20), (1000, 30)]);
        assert_eq!(track.data_end(), Some(1030));
    }
}
