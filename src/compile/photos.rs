//! Photos go into the PDF and DOCX while the files are written, not while
//! they are laid out, so a report of thousands of photos is rendered in
//! bounded memory and time.
//!
//! # Why
//! typst decodes every image it lays out and keeps the decoded pixels until
//! the document is exported (`RasterImage` holds a `DynamicImage`): a
//! 1000×750 photo costs 2.25 MB of RAM and ~8 ms of CPU, so 2,000 photos
//! (200 units × 10) would need 4.5 GB and 16 s before a byte is written.
//! docx-rs likewise holds every picture's bytes, and the zip is built in
//! memory (twice, with [`super::docx_jpeg`]).
//!
//! # How
//! Each photo of the report gets a *stand-in*: a tiny JPEG (at most 48 px
//! on the long edge, the photo's aspect ratio, the photo's colour type)
//! carrying a unique comment `baosong-photo:NNNNNNNN`. The renderers lay out
//! the stand-ins. While the output is written, each stand-in's bytes are
//! replaced by the photo's derived JPEG, streamed from the store:
//! - PDF: typst-pdf/krilla pass JPEGs through as DCTDecode streams, so the
//!   stand-in sits byte for byte in an image XObject. Its `/Length`,
//!   `/Width` and `/Height` are rewritten, and so are the cross-reference
//!   offsets (fixed-width entries, so the table keeps its length) and
//!   `startxref`. The layout drew the stand-in into a box of the photo's
//!   aspect ratio; for aspect ratios no 48-px stand-in matches exactly
//!   (common camera ratios all do) the photo is stretched by under 2 %.
//! - DOCX: the package is rewritten anyway ([`super::docx_jpeg`]); media
//!   parts holding a stand-in are written from the photo's file.
//!
//! Only the JPEG headers are read before writing ([`Photos::of`]), so a
//! missing or damaged photo fails the render before any file is touched.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::ops::Range;
use std::path::PathBuf;

use aho_corasick::AhoCorasick;
use image::{GrayImage, ImageEncoder, RgbImage};

use super::CompileError;
use crate::report::Report;

/// The comment that names a stand-in.
const MARK: &[u8] = b"baosong-photo:";
/// Digits of the photo number after [`MARK`].
const DIGITS: usize = 8;
/// Where the comment text starts in a stand-in: SOI (2), COM marker (2), length (2).
const MARK_AT: usize = 6;
/// What pdf-writer puts between a stream's dictionary and its data.
const STREAM: &[u8] = b"\nstream\n";
/// Longest edge of a stand-in.
const STAND_IN_EDGE: u32 = 48;

/// One photo of the report.
#[derive(Debug, Clone)]
pub struct Photo {
    pub path: PathBuf,
    /// Pixel size of the JPEG file (not the original photo).
    pub width: u32,
    pub height: u32,
    /// File size in bytes.
    pub len: u64,
    /// The tiny JPEG laid out in its place.
    pub stand_in: Vec<u8>,
}

/// The photos of a report in report order (unit, activity, photo): the
/// order in which [`Report::photos`] lists them.
#[derive(Debug, Clone, Default)]
pub struct Photos(Vec<Photo>);

impl Photos {
    /// Reads every photo's JPEG header and makes its stand-in.
    pub fn of(report: &Report) -> Result<Photos, CompileError> {
        report
            .photos()
            .enumerate()
            .map(|(i, p)| {
                let read_error = |source| CompileError::Read {
                    path: p.jpeg.clone(),
                    source,
                };
                let file = File::open(&p.jpeg).map_err(read_error)?;
                let len = file.metadata().map_err(read_error)?.len();
                let mut d = jpeg_decoder::Decoder::new(BufReader::new(file));
                let info = d
                    .read_info()
                    .ok()
                    .and_then(|()| d.info())
                    .ok_or_else(|| read_error(io::Error::other("不是有效的JPEG照片")))?;
                let gray = match info.pixel_format {
                    jpeg_decoder::PixelFormat::L8 => true,
                    jpeg_decoder::PixelFormat::RGB24 => false,
                    _ => return Err(read_error(io::Error::other("照片颜色格式无法放入报告"))),
                };
                let (width, height) = (u32::from(info.width), u32::from(info.height));
                Ok(Photo {
                    path: p.jpeg.clone(),
                    width,
                    height,
                    len,
                    stand_in: stand_in(i, width, height, gray),
                })
            })
            .collect::<Result<_, _>>()
            .map(Photos)
    }

    pub fn get(&self, i: usize) -> Option<&Photo> {
        self.0.get(i)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Photo> {
        self.0.iter()
    }

    /// The photo whose stand-in `bytes` are, if they are one.
    pub fn standing_in(&self, bytes: &[u8]) -> Option<&Photo> {
        let mark = bytes.get(MARK_AT..MARK_AT + MARK.len() + DIGITS)?;
        let photo = self.0.get(index(mark.strip_prefix(MARK)?)?)?;
        (photo.stand_in == bytes).then_some(photo)
    }
}

fn index(digits: &[u8]) -> Option<usize> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The stand-in size closest to the photo's aspect ratio, long edge ≤ 48.
fn stand_in_size(width: u32, height: u32) -> (u32, u32) {
    let (long, short) = (width.max(height).max(1), width.min(height).max(1));
    let ratio = f64::from(short) / f64::from(long);
    let best = (1..=STAND_IN_EDGE)
        .map(|l| (l, ((f64::from(l) * ratio).round() as u32).max(1)))
        .min_by(|a, b| {
            let err = |(l, s): (u32, u32)| (f64::from(s) / f64::from(l) - ratio).abs();
            err(*a).total_cmp(&err(*b)).then(b.0.cmp(&a.0))
        })
        .unwrap_or((1, 1));
    if width >= height {
        best
    } else {
        (best.1, best.0)
    }
}

/// A tiny grey JPEG with the comment `baosong-photo:<i>` right after SOI.
fn stand_in(i: usize, width: u32, height: u32, gray: bool) -> Vec<u8> {
    let (w, h) = stand_in_size(width, height);
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 50);
    // Encoding a small in-memory image cannot fail.
    let _ = if gray {
        let img = GrayImage::from_pixel(w, h, image::Luma([200]));
        encoder.write_image(img.as_raw(), w, h, image::ExtendedColorType::L8)
    } else {
        let img = RgbImage::from_pixel(w, h, image::Rgb([200, 200, 200]));
        encoder.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
    };
    let text = format!("{}{i:0DIGITS$}", String::from_utf8_lossy(MARK));
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((text.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// What replaces a byte range of the laid-out file.
#[derive(Debug)]
enum With {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// A PDF laid out with stand-ins, and the edits that put the photos in.
#[derive(Debug)]
pub struct SplicedPdf {
    laid_out: Vec<u8>,
    /// Sorted, non-overlapping.
    edits: Vec<(Range<usize>, With)>,
}

impl SplicedPdf {
    /// Finds every stand-in in a typst-pdf file and plans its replacement.
    pub fn new(laid_out: Vec<u8>, photos: &Photos) -> Result<SplicedPdf, CompileError> {
        let broken = |what: &str| CompileError::Layout(format!("照片无法放入PDF：{what}"));
        let finder = AhoCorasick::new([MARK]).map_err(|e| broken(&e.to_string()))?;
        let mut edits = Vec::new();
        for m in finder.find_iter(&laid_out) {
            let Some(start) = m.start().checked_sub(MARK_AT) else {
                continue;
            };
            let Some(photo) = (|| {
                let digits = laid_out.get(m.end()..m.end() + DIGITS)?;
                let photo = photos.get(index(digits)?)?;
                let data = start..start + photo.stand_in.len();
                let framed = laid_out.get(start.checked_sub(STREAM.len())?..start)? == STREAM
                    && laid_out.get(data.end..data.end + 10)? == b"\nendstream";
                (framed && laid_out.get(data)? == photo.stand_in.as_slice()).then_some(photo)
            })() else {
                continue; // the same text elsewhere, e.g. in a summary
            };
            // The stream dictionary: from the object header to `>>\nstream\n`.
            let dict_end = start - STREAM.len();
            let window = &laid_out[dict_end.saturating_sub(2048)..dict_end];
            let dict_start = window
                .windows(4)
                .rposition(|w| w == b"obj\n")
                .map(|p| dict_end - window.len() + p + 4)
                .ok_or_else(|| broken("找不到图片对象"))?;
            let dict = std::str::from_utf8(&laid_out[dict_start..dict_end])
                .map_err(|_| broken("图片对象不是文本"))?;
            let dict = set_number(dict, "/Length", photo.len)
                .and_then(|d| set_number(&d, "/Width", u64::from(photo.width)))
                .and_then(|d| set_number(&d, "/Height", u64::from(photo.height)))
                .ok_or_else(|| broken("图片对象缺少尺寸"))?;
            edits.push((dict_start..dict_end, With::Bytes(dict.into_bytes())));
            let data = start..start + photo.stand_in.len();
            edits.push((data, With::File(photo.path.clone())));
        }
        let spliced = SplicedPdf { laid_out, edits };
        spliced.xref().ok_or_else(|| broken("交叉引用表无法识别"))?;
        Ok(spliced)
    }

    /// The cross-reference table.
    fn xref(&self) -> Option<Xref> {
        let pdf = &self.laid_out;
        let key = pdf.windows(9).rposition(|w| w == b"startxref")?;
        let num_start = key + 10;
        let num_end = num_start + pdf[num_start..].iter().position(|b| !b.is_ascii_digit())?;
        let at: usize = std::str::from_utf8(&pdf[num_start..num_end])
            .ok()?
            .parse()
            .ok()?;
        let head = pdf.get(at..)?.strip_prefix(b"xref\n0 ")?;
        let line = head.iter().position(|&b| b == b'\n')?;
        let count: usize = std::str::from_utf8(&head[..line]).ok()?.parse().ok()?;
        let first = at + 7 + line + 1;
        (pdf.len() >= first + 20 * count).then_some(Xref {
            at,
            first,
            count,
            startxref: num_start..num_end,
        })
    }

    /// How far an offset in the laid-out file moves in the written one.
    fn shifted(&self, offset: usize, sizes: &[u64]) -> u64 {
        let mut out = offset as u64;
        for ((range, _), size) in self.edits.iter().zip(sizes) {
            if range.end <= offset {
                out = out + size - range.len() as u64;
            }
        }
        out
    }

    /// Writes the PDF with the photos in, reading one photo at a time.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let sizes: Vec<u64> = self
            .edits
            .iter()
            .map(|(_, with)| match with {
                With::Bytes(b) => Ok(b.len() as u64),
                With::File(p) => Ok(std::fs::metadata(p)?.len()),
            })
            .collect::<io::Result<_>>()?;
        let Xref {
            at: xref_at,
            first,
            count,
            startxref,
        } = self
            .xref()
            .ok_or_else(|| io::Error::other("交叉引用表无法识别"))?;
        let mut at = 0;
        for (range, with) in &self.edits {
            out.write_all(&self.laid_out[at..range.start])?;
            match with {
                With::Bytes(b) => out.write_all(b)?,
                With::File(p) => {
                    io::copy(&mut File::open(p)?, out)?;
                }
            }
            at = range.end;
        }
        out.write_all(&self.laid_out[at..first])?;
        for entry in self.laid_out[first..first + 20 * count].chunks(20) {
            let offset: usize = std::str::from_utf8(&entry[..10])
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| io::Error::other("交叉引用表无法识别"))?;
            if entry[17] == b'n' {
                write!(out, "{:010}", self.shifted(offset, &sizes))?;
            } else {
                out.write_all(&entry[..10])?;
            }
            out.write_all(&entry[10..])?;
        }
        out.write_all(&self.laid_out[first + 20 * count..startxref.start])?;
        write!(out, "{}", self.shifted(xref_at, &sizes))?;
        out.write_all(&self.laid_out[startxref.end..])
    }

    /// The finished PDF in memory (tests, small reports).
    pub fn into_bytes(self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_to(&mut out)?;
        Ok(out)
    }
}

/// Where pdf-writer's cross-reference table is.
struct Xref {
    /// Offset of the `xref` keyword.
    at: usize,
    /// Offset of the first 20-byte entry.
    first: usize,
    count: usize,
    /// The number after `startxref`.
    startxref: Range<usize>,
}

/// `key N` → `key value` in a PDF dictionary (the key must occur once).
fn set_number(dict: &str, key: &str, value: u64) -> Option<String> {
    let pattern = format!("{key} ");
    let at = dict.find(&pattern)? + pattern.len();
    if dict[at..].contains(&pattern) {
        return None;
    }
    let digits = dict[at..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(dict.len() - at);
    Some(format!("{}{value}{}", &dict[..at], &dict[at + digits..]))
}

/// Copies a photo's file into `out` (the DOCX writer's splice).
pub fn copy_photo(photo: &Photo, out: &mut impl Write) -> io::Result<u64> {
    io::copy(&mut File::open(&photo.path)?, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_keep_common_aspect_ratios_exactly() {
        assert_eq!(stand_in_size(1000, 750), (48, 36));
        assert_eq!(stand_in_size(750, 1000), (36, 48));
        assert_eq!(stand_in_size(1000, 563), (48, 27));
        assert_eq!(stand_in_size(900, 600), (48, 32));
    }

    #[test]
    fn a_stand_in_names_its_photo() {
        let bytes = stand_in(12, 1000, 750, false);
        let photos = Photos(vec![Photo {
            path: PathBuf::new(),
            width: 1000,
            height: 750,
            len: 0,
            stand_in: bytes.clone(),
        }]);
        assert!(
            photos.standing_in(&bytes).is_none(),
            "index 12 is not photo 0"
        );
        let first = Photos(vec![Photo {
            stand_in: stand_in(0, 1000, 750, false),
            ..photos.0[0].clone()
        }]);
        assert!(first.standing_in(&first.0[0].stand_in).is_some());
    }

    #[test]
    fn set_number_replaces_one_value() {
        assert_eq!(
            set_number("<</Length 12/Width 48/Height 36>>", "/Width", 1000).as_deref(),
            Some("<</Length 12/Width 1000/Height 36>>")
        );
        assert_eq!(set_number("/Width 1/Width 2", "/Width", 3), None);
    }
}
