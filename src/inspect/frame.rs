//! A video's poster: the first key frame of its H.264 track, decoded and
//! turned into an upright print-size JPEG, so the report and the board can
//! show what a video is about next to its name.
//!
//! The container reader ([`super::video`]) hands over the key frame's bytes
//! (ISO base media files store NAL units with a length prefix) and the
//! decoder configuration from the sample entry's `avcC` box. Here the
//! sequence and picture parameter sets are put in front, every NAL unit
//! gets an Annex B start code, and Cisco's OpenH264 (built from source by
//! the `openh264` crate) decodes that one access unit. Only one frame is
//! ever given to the decoder, so the time it takes is bounded by the frame
//! size, which is checked first: the coded size in every sequence parameter
//! set must be within [`Limits::max_video_frame_pixels`] before a byte is
//! decoded. The picture is shrunk, turned as the player would turn it and
//! encoded exactly like a photo's print JPEG ([`super::photo`]).
//!
//! Failing to make a poster never fails the video: every way it can fail
//! comes back as a note in words a clerk understands.

use image::RgbImage;
use openh264::OpenH264API;
use openh264::decoder::{DecodedYUV, Decoder, DecoderConfig};
use openh264::formats::YUVSource;

use super::Limits;
use super::jpeg;
use super::photo::{PRINT_LONG_EDGE, PRINT_QUALITY, shrink};

/// The decoder configuration of an H.264 track (`avcC`).
#[derive(Debug, Clone, PartialEq)]
pub struct AvcConfig {
    /// Bytes in each NAL unit's length prefix (1, 2 or 4).
    pub length_size: usize,
    /// Sequence and picture parameter sets, in that order.
    pub parameter_sets: Vec<Vec<u8>>,
}

/// Reads an `avcC` payload: version(1) profile(1) compatibility(1)
/// level(1) length size − 1 (low 2 bits), SPS count (low 5 bits) and each
/// SPS as length(2) bytes, then PPS count(1) and each PPS likewise.
pub fn avc_config(avcc: &[u8]) -> Option<AvcConfig> {
    if *avcc.first()? != 1 {
        return None;
    }
    let length_size = usize::from(avcc.get(4)? & 3) + 1;
    if length_size == 3 {
        return None;
    }
    let mut at = 5;
    let mut parameter_sets = Vec::new();
    for mask in [0x1F, 0xFF] {
        let count = avcc.get(at)? & mask;
        at += 1;
        for _ in 0..count {
            let len = usize::from(u16::from_be_bytes(avcc.get(at..at + 2)?.try_into().ok()?));
            parameter_sets.push(avcc.get(at + 2..at + 2 + len)?.to_vec());
            at += 2 + len;
        }
    }
    Some(AvcConfig {
        length_size,
        parameter_sets,
    })
}

/// Why no poster was made, in the clerk's words.
pub type NoPoster = String;

/// The note when the key frame cannot be found or decoded.
pub const DAMAGED: &str = "视频首帧无法解码（文件可能部分损坏），未生成预览画面，请播放检查";

/// The poster JPEG of a key frame `sample` (length-prefixed NAL units)
/// of a track with `config`, turned `rotation` degrees clockwise.
pub fn poster(
    config: &AvcConfig,
    sample: &[u8],
    rotation: u16,
    limits: &Limits,
) -> Result<Vec<u8>, NoPoster> {
    let damaged = || DAMAGED.to_string();
    let stream = annex_b(config, sample).ok_or_else(damaged)?;
    let sizes: Vec<(u64, u64)> = nal_units(&stream)
        .filter(|nal| nal.first().is_some_and(|h| h & 0x1F == 7))
        .map(|sps| sps_size(sps).ok_or_else(damaged))
        .collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        return Err(damaged());
    }
    let max = limits.max_video_frame_pixels;
    if let Some((w, h)) = sizes.iter().find(|(w, h)| w * h > max) {
        return Err(format!(
            "视频画面{w}×{h}超过预览上限（{}万像素），未生成预览画面",
            max / 10_000
        ));
    }
    let frame = decode(&stream, max).ok_or_else(damaged)?;
    let upright = turn(shrink(frame, PRINT_LONG_EDGE), rotation);
    Ok(jpeg::encode(&upright, PRINT_QUALITY))
}

/// The sample's NAL units as an Annex B stream (start code before each),
/// after the configuration's parameter sets; `None` if a length prefix
/// runs past the sample or no unit is left.
pub fn annex_b(config: &AvcConfig, sample: &[u8]) -> Option<Vec<u8>> {
    const START: [u8; 4] = [0, 0, 0, 1];
    let mut out = Vec::with_capacity(sample.len() + 64);
    for set in config.parameter_sets.iter().filter(|s| !s.is_empty()) {
        out.extend_from_slice(&START);
        out.extend_from_slice(set);
    }
    let n = config.length_size;
    let mut at = 0;
    let mut units = 0;
    while at < sample.len() {
        let prefix = sample.get(at..at + n)?;
        let len = prefix
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        let nal = sample.get(at + n..(at + n).checked_add(len)?)?;
        if !nal.is_empty() {
            out.extend_from_slice(&START);
            out.extend_from_slice(nal);
            units += 1;
        }
        at += n + len;
    }
    (units > 0).then_some(out)
}

/// The NAL units of an Annex B stream as a decoder finds them: whatever
/// follows each 00 00 01 up to the next (a hostile unit may hide a start
/// code of its own, and the decoder would see what follows it as a unit).
fn nal_units(stream: &[u8]) -> impl Iterator<Item = &[u8]> {
    let starts: Vec<usize> = memchr::memmem::find_iter(stream, &[0, 0, 1])
        .map(|i| i + 3)
        .collect();
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|s| s - 3)
        .chain(std::iter::once(stream.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |(s, e)| &stream[s..e.max(s)])
}

/// Coded width and height in pixels from a sequence parameter set
/// (H.264 7.3.2.1.1), read up to `frame_mbs_only_flag`.
fn sps_size(nal: &[u8]) -> Option<(u64, u64)> {
    let rbsp = unescape(nal.get(1..)?);
    let mut b = Bits::new(&rbsp);
    let profile = b.bits(8)?;
    b.bits(16)?; // constraint flags, level
    b.ue()?; // seq_parameter_set_id
    if matches!(
        profile,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    ) {
        let chroma = b.ue()?;
        if chroma == 3 {
            b.bits(1)?; // separate_colour_plane_flag
        }
        b.ue()?; // bit_depth_luma_minus8
        b.ue()?; // bit_depth_chroma_minus8
        b.bits(1)?; // qpprime_y_zero_transform_bypass_flag
        if b.bits(1)? == 1 {
            let lists = if chroma == 3 { 12 } else { 8 };
            for i in 0..lists {
                if b.bits(1)? == 1 {
                    skip_scaling_list(&mut b, if i < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    b.ue()?; // log2_max_frame_num_minus4
    match b.ue()? {
        0 => {
            b.ue()?; // log2_max_pic_order_cnt_lsb_minus4
        }
        1 => {
            b.bits(1)?;
            b.se()?;
            b.se()?;
            let cycle = b.ue()?;
            if cycle > 255 {
                return None;
            }
            for _ in 0..cycle {
                b.se()?;
            }
        }
        _ => {}
    }
    b.ue()?; // max_num_ref_frames
    b.bits(1)?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = u64::from(b.ue()?) + 1;
    let height_units = u64::from(b.ue()?) + 1;
    let frame_mbs_only = u64::from(b.bits(1)?);
    Some((width_mbs * 16, height_units * 16 * (2 - frame_mbs_only)))
}

fn skip_scaling_list(b: &mut Bits, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i64, 8i64);
    for _ in 0..size {
        if next != 0 {
            next = (last + i64::from(b.se()?)).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// A NAL unit's payload without its emulation prevention bytes
/// (00 00 03 → 00 00).
fn unescape(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut zeros = 0;
    for &byte in data {
        if zeros >= 2 && byte == 3 {
            zeros = 0;
            continue;
        }
        zeros = if byte == 0 { zeros + 1 } else { 0 };
        out.push(byte);
    }
    out
}

/// A big-endian bit reader with Exp-Golomb codes.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bits { data, pos: 0 }
    }

    fn bits(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.data.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }

    /// Unsigned Exp-Golomb; at most 31 leading zeros (a larger value does
    /// not fit any field read here).
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bits(1)? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        ((1u64 << zeros) - 1 + u64::from(self.bits(zeros)?))
            .try_into()
            .ok()
    }

    fn se(&mut self) -> Option<i32> {
        let k = i64::from(self.ue()?);
        let v = if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) };
        i32::try_from(v).ok()
    }
}

/// Decodes one access unit to RGB; `None` when OpenH264 gives no picture
/// or one larger than `max_pixels`.
fn decode(stream: &[u8], max_pixels: u64) -> Option<RgbImage> {
    let mut decoder =
        Decoder::with_api_config(OpenH264API::from_source(), DecoderConfig::new()).ok()?;
    if let Some(rgb) = decoder
        .decode(stream)
        .ok()
        .flatten()
        .and_then(|yuv| to_rgb(&yuv, max_pixels))
    {
        return Some(rgb);
    }
    let frames = decoder.flush_remaining().ok()?;
    to_rgb(frames.first()?, max_pixels)
}

fn to_rgb(yuv: &DecodedYUV, max_pixels: u64) -> Option<RgbImage> {
    let (w, h) = yuv.dimensions();
    let (w32, h32) = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
    if w == 0 || h == 0 || u64::from(w32) * u64::from(h32) > max_pixels {
        return None;
    }
    let mut rgb = vec![0u8; w * h * 3];
    yuv.write_rgb8(&mut rgb);
    RgbImage::from_raw(w32, h32, rgb)
}

/// Turns a picture clockwise as a player does for a `tkhd` rotation.
fn turn(img: RgbImage, rotation: u16) -> RgbImage {
    use image::imageops::{rotate90, rotate180, rotate270};
    match rotation {
        90 => rotate90(&img),
        180 => rotate180(&img),
        270 => rotate270(&img),
        _ => img,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_prefixed_units_become_annex_b() {
        let config = AvcConfig {
            length_size: 4,
            parameter_sets: vec![vec![0x67, 1], vec![0x68, 2]],
        };
        let sample = [0, 0, 0, 2, 0x65, 9, 0, 0, 0, 1, 0x06];
        let out = annex_b(&config, &sample).unwrap();
        assert_eq!(
            out,
            [
                0, 0, 0, 1, 0x67, 1, 0, 0, 0, 1, 0x68, 2, 0, 0, 0, 1, 0x65, 9, 0, 0, 0, 1, 0x06
            ]
        );
        let units: Vec<&[u8]> = nal_units(&out).collect();
        // Each unit keeps the zero of the next 4-byte start code.
        assert_eq!(
            units,
            [&[0x67, 1, 0][..], &[0x68, 2, 0], &[0x65, 9, 0], &[0x06]]
        );
        // A length running past the sample is no frame.
        assert_eq!(annex_b(&config, &[0, 0, 0, 9, 0x65]), None);
    }

    #[test]
    fn avcc_gives_length_size_and_parameter_sets() {
        let avcc = [1, 100, 0, 40, 0xFF, 0xE1, 0, 2, 0x67, 7, 1, 0, 1, 0x68];
        let config = avc_config(&avcc).unwrap();
        assert_eq!(config.length_size, 4);
        assert_eq!(config.parameter_sets, vec![vec![0x67, 7], vec![0x68]]);
        assert_eq!(avc_config(&avcc[..9]), None);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn coded_size_from_sequence_parameter_sets() {
        // x264's SPS of the corpus's 1080p and CIF videos (High profile):
        // 1080 lines are coded as 68 macroblock rows.
        let hd = hex("67640028acd940780227e5c044000003000400000300f03c60c658");
        assert_eq!(sps_size(&hd), Some((1920, 1088)));
        let cif = hex("6764000cacd9416096c044000003000400000300783c50a658");
        assert_eq!(sps_size(&cif), Some((352, 288)));
        // Cut short: no size, never a guess.
        assert_eq!(sps_size(&hd[..6]), None);
    }

    #[test]
    fn emulation_prevention_is_removed() {
        assert_eq!(unescape(&[0, 0, 3, 1, 0, 0, 3, 0]), [0, 0, 1, 0, 0, 0]);
    }
}
