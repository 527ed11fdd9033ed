//! The photos of a web draft: from the activity's photos, none that looks
//! like a screenshot, none a near-duplicate of one already chosen (by the
//! perceptual hash the inspection keeps), sharpest first with landscape
//! preferred, 2 to 4 of them, upright and at most 1080 px wide: the store's
//! print JPEG (1000 px long edge) where there is one, so a draft decodes
//! no original; else the original re-encoded.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::inspect::{
    FileKind, Limits, SHARPNESS_EDGE, compare, decode_scaled, print_jpeg, sharpness,
};

/// The widest photo a draft carries, in pixels (portals show 1080).
pub const WEB_WIDTH: u32 = 1080;
// The print JPEG goes into a draft as it is.
const _: () = assert!(crate::inspect::PRINT_LONG_EDGE <= WEB_WIDTH);

/// How many photos a draft shows at most.
pub const MAX_PHOTOS: usize = 4;
/// Fewer photos than this and the index says the draft needs more.
pub const MIN_PHOTOS: usize = 2;

/// A photo that may go into a draft.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The file as the unit sent it, read only if there is no print JPEG.
    pub original: PathBuf,
    pub kind: FileKind,
    /// Upright size.
    pub width: u32,
    pub height: u32,
    pub phash: Option<u64>,
    /// The store's print JPEG of it, if there is one: shown, so the
    /// original is not decoded again.
    pub print: Option<Vec<u8>>,
    /// Its sharpness as the inspection measured it; else the print JPEG
    /// is measured here.
    pub sharpness: Option<f32>,
}

/// A photo chosen for the web.
#[derive(Debug, Clone)]
pub struct WebPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Chooses up to [`MAX_PHOTOS`] photos.
pub fn choose(candidates: Vec<Candidate>, limits: &Limits) -> Vec<WebPhoto> {
    let mut scored: Vec<(bool, f64, Candidate)> = candidates
        .into_par_iter()
        .map(|c| {
            let sharp = match (c.sharpness, c.print.as_deref()) {
                (Some(s), _) => f64::from(s),
                (None, Some(print)) => sharpness_of(print, limits),
                (None, None) => 0.0,
            };
            (c.width >= c.height, sharp, c)
        })
        .collect();
    // Landscape first, then the sharpest.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut hashes: Vec<u64> = Vec::new();
    let mut out = Vec::new();
    for (_, _, c) in scored {
        if out.len() == MAX_PHOTOS {
            break;
        }
        if let Some(h) = c.phash {
            if hashes.iter().any(|&k| compare::near_duplicate(h, k)) {
                continue;
            }
            hashes.push(h);
        }
        if let Some(jpeg) = web_jpeg(c, limits)
            && let Ok((width, height)) = dimensions(&jpeg)
        {
            out.push(WebPhoto {
                jpeg,
                width,
                height,
            });
        }
    }
    out
}

/// The print JPEG (never wider than [`WEB_WIDTH`]), else the original
/// re-encoded upright to at most [`WEB_WIDTH`] wide.
fn web_jpeg(c: Candidate, limits: &Limits) -> Option<Vec<u8>> {
    if let Some(print) = c.print {
        return Some(print);
    }
    // The long edge that makes the width at most WEB_WIDTH.
    let long_edge = if c.width >= c.height {
        WEB_WIDTH
    } else {
        (u64::from(WEB_WIDTH) * u64::from(c.height) / u64::from(c.width.max(1))) as u32
    };
    let bytes = std::fs::read(&c.original).ok()?;
    print_jpeg(c.kind, &bytes, long_edge, limits)
}

fn dimensions(jpeg: &[u8]) -> Result<(u32, u32), image::ImageError> {
    image::ImageReader::with_format(std::io::Cursor::new(jpeg), image::ImageFormat::Jpeg)
        .into_dimensions()
}

/// How sharp a print JPEG looks ([`sharpness`]), decoded at the DCT scale
/// nearest above the scoring size (half size for a print JPEG): for a photo
/// inspected before its sharpness was kept.
fn sharpness_of(jpeg: &[u8], limits: &Limits) -> f64 {
    let Ok((w, h)) = dimensions(jpeg) else {
        return 0.0;
    };
    let long = u64::from(w.max(h).max(1));
    let edge = |side: u32| (u64::from(side) * u64::from(SHARPNESS_EDGE)).div_ceil(long) as u32;
    decode_scaled(jpeg, (edge(w).max(1), edge(h).max(1)), limits)
        .map_or(0.0, |d| sharpness(&d.image))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, RgbImage};

    /// A scene with fine detail (a fine checker over a gradient), or that
    /// scene blurred.
    fn scene(w: u32, h: u32, blurred: bool) -> Vec<u8> {
        let img: RgbImage = ImageBuffer::from_fn(w, h, |x, y| {
            let checker = if (x / 3 + y / 3) % 2 == 0 { 60 } else { 0 };
            let v = (x * 150 / w) as u8 + checker;
            Rgb([v, v / 2 + 40, 200 - v / 2])
        });
        let img = if blurred {
            image::imageops::blur(&img, 4.0)
        } else {
            img
        };
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn a_sharp_photo_scores_above_its_blurred_copy_at_any_size() {
        let limits = Limits::default();
        for (w, h) in [(1000, 750), (750, 1000), (800, 600), (400, 300)] {
            let sharp = sharpness_of(&scene(w, h, false), &limits);
            let blurred = sharpness_of(&scene(w, h, true), &limits);
            assert!(sharp > 4.0 * blurred, "{w}×{h}: {sharp} vs {blurred}");
        }
        assert_eq!(sharpness_of(b"not a jpeg", &limits), 0.0);
    }
}
