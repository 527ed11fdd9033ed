//! The photos of a web draft: from the activity's photos, none that looks
//! like a screenshot, none a near-duplicate of one already chosen (by the
//! perceptual hash the inspection keeps), sharpest first with landscape
//! preferred, 2 to 4 of them, upright and at most 1080 px wide: the store's
//! print JPEG (1000 px long edge) where there is one, so a draft decodes
//! no original; else the original re-encoded.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::inspect::{FileKind, Limits, compare, decode_scaled, print_jpeg};

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
    /// The store's print JPEG of it, if there is one: judged for sharpness
    /// and shown, so the original is not decoded again.
    pub print: Option<Vec<u8>>,
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
            let sharp = c.print.as_deref().map_or(0.0, |p| sharpness(p, limits));
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

/// The long edge photos are compared for sharpness at: the same scale for
/// all, or a small photo would look sharper than a large one of the same
/// scene. Half the print JPEG's, which its decoder gives without resizing.
const SHARPNESS_EDGE: u32 = crate::inspect::PRINT_LONG_EDGE / 2;

/// How sharp a JPEG looks: the variance of the Laplacian of its grey
/// image at [`SHARPNESS_EDGE`] (a blurred or shaken photo has little fine
/// detail, so little variance). Decoded at the JPEG's own DCT scale (a
/// 1000 px print JPEG at half size), so a candidate costs a fraction of a
/// full decode and no more than a few hundred kilobytes.
fn sharpness(jpeg: &[u8], limits: &Limits) -> f64 {
    let Ok((w, h)) = dimensions(jpeg) else {
        return 0.0;
    };
    let long = w.max(h).max(1);
    let at_edge = |side: u32| {
        (u64::from(side) * u64::from(SHARPNESS_EDGE))
            .div_ceil(u64::from(long))
            .max(1) as u32
    };
    let (tw, th) = (at_edge(w), at_edge(h));
    if tw < 3 || th < 3 {
        return 0.0;
    }
    let Ok(rgb) = decode_scaled(jpeg, (tw, th), limits).map(|d| d.image) else {
        return 0.0;
    };
    let mut grey = image::imageops::grayscale(&rgb);
    drop(rgb);
    if grey.dimensions() != (tw, th) {
        grey = image::imageops::resize(&grey, tw, th, image::imageops::FilterType::Triangle);
    }
    let px = |x: u32, y: u32| f64::from(grey.get_pixel(x, y)[0]);
    let (mut sum, mut sq, mut n) = (0.0, 0.0, 0.0);
    for y in 1..th - 1 {
        for x in 1..tw - 1 {
            let l = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4.0 * px(x, y);
            sum += l;
            sq += l * l;
            n += 1.0;
        }
    }
    sq / n - (sum / n).powi(2)
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
            let sharp = sharpness(&scene(w, h, false), &limits);
            let blurred = sharpness(&scene(w, h, true), &limits);
            assert!(sharp > 4.0 * blurred, "{w}×{h}: {sharp} vs {blurred}");
        }
        assert_eq!(sharpness(b"not a jpeg", &limits), 0.0);
    }
}
