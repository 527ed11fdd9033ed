//! The photos of a web draft: from the activity's photos, none that looks
//! like a screenshot, none a near-duplicate of one already chosen (by the
//! perceptual hash the inspection keeps), sharpest first with landscape
//! preferred, 2 to 4 of them, upright and at most 1080 px wide: the store's
//! print JPEG (1000 px long edge) where there is one, so a draft decodes
//! no original; else the original re-encoded.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::inspect::{FileKind, Limits, compare, print_jpeg, print_sharpness};

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
    /// How sharp it looks, as its inspection found.
    pub sharpness: Option<u32>,
    /// Where the store keeps its print JPEG, if it has one: shown, and
    /// judged for sharpness when the inspection did not say, so the
    /// original is not decoded again.
    pub print: PathBuf,
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
    let mut scored: Vec<(bool, u32, Candidate)> = candidates
        .into_par_iter()
        .map(|c| {
            let sharp = c.sharpness.unwrap_or_else(|| {
                std::fs::read(&c.print).map_or(0, |p| print_sharpness(&p, limits))
            });
            (c.width >= c.height, sharp, c)
        })
        .collect();
    // Landscape first, then the sharpest.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
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
    if let Ok(print) = std::fs::read(&c.print) {
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
