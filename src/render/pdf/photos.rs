//! Photos go into the PDF while it is written, not while it is laid out,
//! so a report of thousands of photos is rendered in bounded memory and
//! time.
//!
//! # Why
//! typst decodes every image it lays out and keeps the decoded pixels until
//! the document is exported (`RasterImage` holds a `DynamicImage`): a
//! 1000×750 photo costs 2.25 MB of RAM and ~8 ms of CPU, so 2,000 photos
//! (200 units × 10) would need 4.5 GB and 16 s before a byte is written.
//! (The DOCX needs no such trick: [`crate::render::docx`] streams each
//! photo from the store into its own part.)
//!
//! # How
//! Each photo of the report gets a *stand-in*: a tiny JPEG (at most 48 px
//! on the long edge, the photo's aspect ratio, the photo's colour type)
//! carrying a unique comment `baosong-photo:NNNNNNNN`. typst lays out the
//! stand-ins, and typst-pdf/krilla pass JPEGs through as DCTDecode streams,
//! so each stand-in sits byte for byte in an image XObject of a part's PDF.
//! When the part is copied into the report ([`super::join`]) that object is
//! written with the photo's data and its `/Length`, `/Width` and
//! `/Height`. The layout drew the stand-in into a box of the photo's aspect
//! ratio; for aspect ratios no 48-px stand-in matches exactly (common
//! camera ratios all do) the photo is stretched by under 2 %.
//!
//! Only the JPEG headers are read before writing ([`Photos::of`]), so a
//! missing or damaged photo fails the render before any file is touched.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use image::{GrayImage, ImageEncoder, RgbImage};

use crate::render::RenderError;
use crate::report::Report;

/// The comment that names a stand-in.
const MARK: &[u8] = b"baosong-photo:";
/// Digits of the photo number after [`MARK`].
const DIGITS: usize = 8;
/// Where the comment text starts in a stand-in: SOI (2), COM marker (2), length (2).
const MARK_AT: usize = 6;
/// Longest edge of a stand-in.
const STAND_IN_EDGE: u32 = 48;

/// One photo of the report.
#[derive(Debug, Clone)]
pub struct Photo {
    pub path: PathBuf,
    /// Pixel size of the JPEG file (not the original photo).
    pub width: u32,
    pub height: u32,
    /// The tiny JPEG laid out in its place.
    pub stand_in: Vec<u8>,
}

/// The photos of a report in report order (unit, activity, photo): the
/// order in which [`Report::photos`] lists them.
#[derive(Debug, Clone, Default)]
pub struct Photos(Vec<Photo>);

impl Photos {
    /// Reads every photo's JPEG header and makes its stand-in.
    pub fn of(report: &Report) -> Result<Photos, RenderError> {
        report
            .photos()
            .enumerate()
            .map(|(i, p)| {
                let bad = |reason| RenderError::Photo {
                    path: p.jpeg.clone(),
                    reason,
                };
                let file = File::open(&p.jpeg).map_err(|source| RenderError::Read {
                    path: p.jpeg.clone(),
                    source,
                })?;
                let mut d = rusty_jpeg::Decoder::new(BufReader::new(file));
                let info = d
                    .read_info()
                    .ok()
                    .and_then(|()| d.info())
                    .ok_or_else(|| bad("不是有效的JPEG照片"))?;
                let gray = match info.pixel_format {
                    rusty_jpeg::PixelFormat::L8 => true,
                    rusty_jpeg::PixelFormat::RGB24 => false,
                    _ => return Err(bad("颜色格式不是灰度或RGB")),
                };
                let (width, height) = (u32::from(info.width), u32::from(info.height));
                Ok(Photo {
                    path: p.jpeg.clone(),
                    width,
                    height,
                    stand_in: stand_in(i, width, height, gray),
                })
            })
            .collect::<Result<_, _>>()
            .map(Photos)
    }

    pub fn get(&self, i: usize) -> Option<&Photo> {
        self.0.get(i)
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
}
