//! Photos (JPEG, PNG, WebP; HEIC/HEIF recognised only): dimensions, EXIF
//! facts, a perceptual hash and the print-size JPEG, all from one decode.
//!
//! Pipeline, in the order that keeps it fast and bounded:
//! 1. Dimensions come from the header (JPEG SOF, PNG IHDR, WebP header);
//!    over [`Limits::max_image_pixels`] the file is refused before any
//!    pixel is decoded (decompression bombs).
//! 2. JPEGs decode with DCT scaling at the smallest size still ≥ the print
//!    size (rusty_jpeg, or libjpeg-turbo with the `turbojpeg` feature:
//!    [`super::jpeg`]); PNG/WebP decode with `image`
//!    under its `Limits`.
//! 3. fast_image_resize (Lanczos3) brings the long edge down to
//!    [`PRINT_LONG_EDGE`] (never up), then the EXIF orientation is applied to
//!    that small image, so rotating costs little.
//! 4. The upright image gives the 64-bit dHash and the sharpness the web
//!    drafts rank photos by (both from one grey image), and is encoded as
//!    JPEG at [`PRINT_QUALITY`].
//!
//! Print size: the report lays photos out two to a row, each about 8 cm
//! wide by 5.6 cm high on A4 (`templates/report.typ`); 1000 px on the long
//! edge is ~320 dpi at that width, above the 200–300 dpi a laser printer or
//! an office PDF viewer can show, and a photo opened full-screen still
//! looks sharp. Quality 80 with 4:2:0 chroma keeps a 1000×750 photo at
//! ~50 KB (the benchmark's noisy 12 MP photos: see benches/README.md), under
//! the report's 150 KB-per-photo budget with margin; above 85 the size grows
//! fast with no visible gain in print, below 75 blocking shows in flat skies.

use super::exif::{self, ExifInfo};
use super::jpeg;
use super::{Content, FileKind, Found, Limits, Outcome, Photo, Refused};
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};
use std::io::Cursor;

/// Long edge of the derived print JPEG, in pixels.
pub const PRINT_LONG_EDGE: u32 = 1000;
/// JPEG quality of the derived print JPEG.
pub const PRINT_QUALITY: u8 = 80;
/// Photos with a shorter long edge are flagged as too small.
pub const MIN_LONG_EDGE: u32 = 640;

/// Least share of a damaged JPEG (percent of its height) that must decode
/// for it to be accepted, with a warning.
const MIN_DECODED_SHARE: u8 = 75;

pub fn inspect(kind: FileKind, name: &str, bytes: &[u8], limits: &Limits) -> Outcome {
    let (w, h) = checked_dimensions(kind, bytes, limits)?;
    let meta = exif::read(bytes);
    let (upright, share) = print_image(
        kind,
        bytes,
        (w, h),
        meta.orientation,
        PRINT_LONG_EDGE,
        limits,
    )?;
    let grey = judged(&upright);
    let phash = dhash(&grey);
    let sharpness = sharpness(&grey);
    drop(grey);
    let jpeg = jpeg::encode(&upright, PRINT_QUALITY);

    let (width, height) = if meta.orientation >= 5 {
        (h, w)
    } else {
        (w, h)
    };
    let screenshot = looks_like_screenshot(name, kind, &meta, width, height);
    let mut found = Found::new(Content::Photo(Photo {
        width,
        height,
        orientation: meta.orientation,
        taken: meta.taken,
        camera: meta.camera.clone(),
        gps: meta.gps,
        phash: Some(phash),
        screenshot,
        sharpness: Some(sharpness),
    }));
    if width.max(height) < MIN_LONG_EDGE {
        found.warnings.push(format!(
            "图片尺寸过小({width}×{height})，长边不足{MIN_LONG_EDGE}像素，不宜作为活动照片"
        ));
    }
    if screenshot {
        found
            .warnings
            .push("疑似屏幕截图(无相机信息)，不宜作为活动现场照片".to_string());
    }
    if let Some(share) = share {
        found.warnings.push(format!(
            "照片数据不完整或部分损坏(约{share}%可正常显示，其余部分显示为色块)，建议重新发送原始照片"
        ));
    }
    if meta.malformed {
        found
            .warnings
            .push("照片EXIF信息损坏，拍摄时间等信息无法读取".to_string());
    }
    found.derived_jpeg = Some(jpeg);
    Ok(found)
}

/// The photo stage alone (decode, orient, downscale, encode) with the long
/// edge of one's choice: what `examples/photo_stage.rs` times against other
/// tools at the same output size. `None` if the file cannot be decoded.
pub fn print_jpeg(
    kind: FileKind,
    bytes: &[u8],
    long_edge: u32,
    limits: &Limits,
) -> Option<Vec<u8>> {
    let dimensions = checked_dimensions(kind, bytes, limits).ok()?;
    let orientation = exif::read(bytes).orientation;
    let (upright, _) = print_image(kind, bytes, dimensions, orientation, long_edge, limits).ok()?;
    Some(jpeg::encode(&upright, PRINT_QUALITY))
}

/// Width and height from the header, refused when unreadable or over
/// [`Limits::max_image_pixels`] (before any pixel is decoded).
fn checked_dimensions(
    kind: FileKind,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(u32, u32), Refused> {
    let Some((w, h)) = header_dimensions(kind, bytes) else {
        return Err(Refused::new("图片文件头损坏，无法读取，请重新发送原始照片"));
    };
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > limits.max_image_pixels {
        return Err(Refused::new(format!(
            "图片尺寸{w}×{h}超过上限({}万像素)，疑似图片炸弹，请发送正常照片",
            limits.max_image_pixels / 10_000
        )));
    }
    Ok((w, h))
}

/// Decodes at the DCT scale nearest above `long_edge`, shrinks to it and
/// turns the result upright. A JPEG whose data ends early or is damaged is
/// decoded as libjpeg decodes it; the share (percent) decoded from the
/// file's own data comes back with it, and under [`MIN_DECODED_SHARE`] it
/// is refused.
fn print_image(
    kind: FileKind,
    bytes: &[u8],
    (w, h): (u32, u32),
    orientation: u16,
    long_edge: u32,
    limits: &Limits,
) -> Result<(RgbImage, Option<u8>), Refused> {
    let damaged = || Refused::new("图片数据损坏或不完整，无法显示，请重新发送原始照片");
    let target = fit(w, h, long_edge);
    let (decoded, share) = match kind {
        FileKind::Jpeg => {
            let decoded = jpeg::decode_scaled(bytes, target, limits).map_err(|_| damaged())?;
            if decoded
                .damaged
                .is_some_and(|share| share < MIN_DECODED_SHARE)
            {
                return Err(damaged());
            }
            (decoded.image, decoded.damaged)
        }
        _ => (decode_other(bytes, limits).map_err(|_| damaged())?, None),
    };
    Ok((orient(shrink(decoded, long_edge), orientation), share))
}

/// HEIC/HEIF: recognised, dimensions and EXIF read, never decoded.
pub fn inspect_heic(bytes: &[u8]) -> Outcome {
    let meta = exif::read(bytes);
    let (w, h) = heif_dimensions(bytes).unwrap_or((0, 0));
    let (width, height) = if meta.orientation >= 5 {
        (h, w)
    } else {
        (w, h)
    };
    let mut found = Found::new(Content::Photo(Photo {
        width,
        height,
        orientation: meta.orientation,
        taken: meta.taken,
        camera: meta.camera,
        gps: meta.gps,
        phash: None,
        screenshot: false,
        sharpness: None,
    }));
    found.warnings.push(
        "照片为HEIC/HEIF格式，无法放入报告，请发送JPG格式照片(手机相机可设为“兼容性最佳”)".into(),
    );
    Ok(found)
}

/// Width and height from the file header, without decoding pixels.
pub fn header_dimensions(kind: FileKind, bytes: &[u8]) -> Option<(u32, u32)> {
    match kind {
        FileKind::Jpeg => {
            let mut d = rusty_jpeg::Decoder::new(Cursor::new(bytes));
            d.read_info().ok()?;
            d.info().map(|i| (u32::from(i.width), u32::from(i.height)))
        }
        FileKind::Png | FileKind::Webp => image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()?
            .into_dimensions()
            .ok(),
        FileKind::Heic => heif_dimensions(bytes),
        _ => None,
    }
}

/// The largest `ispe` (image spatial extents) box of a HEIF file.
fn heif_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"ispe")
        .filter_map(|(i, _)| Some((be(i + 8)?, be(i + 12)?)))
        .max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))
}

/// Decodes PNG/WebP with image's allocation limits.
fn decode_other(bytes: &[u8], limits: &Limits) -> Result<RgbImage, ()> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ())?;
    let mut l = image::Limits::default();
    l.max_alloc = Some(limits.max_image_alloc_bytes);
    reader.limits(l);
    Ok(reader.decode().map_err(|_| ())?.into_rgb8())
}

/// (w, h) scaled so the long edge is at most `long` (never up).
/// `w`×`h` scaled down, never up, so the long edge is at most `long`.
fn fit(w: u32, h: u32, long: u32) -> (u32, u32) {
    if w.max(h) <= long {
        return (w, h);
    }
    fit_exactly(w, h, long)
}

/// Lanczos3 downscale so the long edge is at most `long`.
pub(super) fn shrink(img: RgbImage, long: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let (tw, th) = fit(w, h, long);
    if (tw, th) == (w, h) {
        return img;
    }
    resize(
        img.as_raw(),
        w,
        h,
        tw,
        th,
        PixelType::U8x3,
        FilterType::Lanczos3,
    )
    .and_then(|v| RgbImage::from_raw(tw, th, v))
    .unwrap_or_else(|| RgbImage::new(tw, th))
}

fn resize(
    buf: &[u8],
    w: u32,
    h: u32,
    tw: u32,
    th: u32,
    pixel: PixelType,
    filter: FilterType,
) -> Option<Vec<u8>> {
    let src = ImageRef::new(w, h, buf, pixel).ok()?;
    let mut dst = Image::new(tw, th, pixel);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
    Resizer::new().resize(&src, &mut dst, &options).ok()?;
    Some(dst.into_vec())
}

/// Applies an EXIF orientation (1..=8).
fn orient(img: RgbImage, orientation: u16) -> RgbImage {
    match Orientation::from_exif(orientation as u8) {
        Some(o) if o != Orientation::NoTransforms => {
            let mut d = DynamicImage::ImageRgb8(img);
            d.apply_orientation(o);
            d.into_rgb8()
        }
        _ => img,
    }
}

/// The long edge photos are judged at, for their hash and their
/// sharpness: the same scale for all, or a small photo would look sharper
/// than a large one of the same scene. Half the print size: fine detail
/// survives, noise averages out, and a quarter of the pixels to go over.
const JUDGED_EDGE: u32 = PRINT_LONG_EDGE / 2;

/// A photo's grey image (BT.601 luma) at [`JUDGED_EDGE`], scaled up or
/// down: what its hash and its sharpness are taken from.
fn judged(img: &RgbImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let (tw, th) = fit_exactly(w, h, JUDGED_EDGE);
    let scaled;
    let rgb = if (tw, th) == (w, h) {
        img.as_raw()
    } else {
        scaled = resize(img.as_raw(), w, h, tw, th, PixelType::U8x3, FilterType::Box)
            .unwrap_or_else(|| vec![0; tw as usize * th as usize * 3]);
        &scaled
    };
    // BT.601 luma in 8-bit fixed point (the weights sum to 256): a shift,
    // not a division, so the loop vectorises (half the time of `/ 1000`).
    let luma: Vec<u8> = rgb
        .chunks_exact(3)
        .map(|p| {
            ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29 + 128) >> 8) as u8
        })
        .collect();
    GrayImage::from_raw(tw, th, luma).unwrap_or_else(|| GrayImage::new(tw, th))
}

/// 64-bit difference hash: 9×8 grey thumbnail, one bit per horizontal
/// neighbour pair (left brighter than right).
pub fn dhash(grey: &GrayImage) -> u64 {
    let (w, h) = grey.dimensions();
    let Some(tiny) = resize(grey.as_raw(), w, h, 9, 8, PixelType::U8, FilterType::Box) else {
        return 0;
    };
    let mut hash = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let bit = tiny[y * 9 + x] > tiny[y * 9 + x + 1];
            hash = (hash << 1) | u64::from(bit);
        }
    }
    hash
}

/// How sharp a photo looks, from its [`judged`] grey image: the variance
/// of its Laplacian (a blurred or shaken photo has little fine detail, so
/// little variance), rounded: a whole number reads back from the JSON the
/// inspection is kept in exactly as it was made. 0 for a photo too small
/// to tell.
fn sharpness(grey: &GrayImage) -> u32 {
    let (tw, th) = grey.dimensions();
    if tw < 3 || th < 3 {
        return 0;
    }
    let small = grey.as_raw();
    let (tw, th) = (tw as usize, th as usize);
    let (mut sum, mut squares) = (0i64, 0i64);
    for y in 1..th - 1 {
        let row = |dy: usize| &small[(y + dy - 1) * tw..(y + dy) * tw];
        let (above, here, below) = (row(0), row(1), row(2));
        for x in 1..tw - 1 {
            let l = i64::from(here[x - 1])
                + i64::from(here[x + 1])
                + i64::from(above[x])
                + i64::from(below[x])
                - 4 * i64::from(here[x]);
            sum += l;
            squares += l * l;
        }
    }
    let n = ((tw - 2) * (th - 2)) as f64;
    (squares as f64 / n - (sum as f64 / n).powi(2)).round() as u32
}

/// The sharpness of a print JPEG, for a photo inspected before its
/// inspection kept the figure: decoded at the DCT scale nearest above the
/// size sharpness is judged at.
pub fn print_sharpness(jpeg: &[u8], limits: &Limits) -> u32 {
    let Some((w, h)) = header_dimensions(FileKind::Jpeg, jpeg) else {
        return 0;
    };
    jpeg::decode_scaled(jpeg, fit_exactly(w, h, JUDGED_EDGE), limits)
        .map_or(0, |d| sharpness(&judged(&d.image)))
}

/// `w`×`h` scaled, up or down, so the long edge is `long`.
fn fit_exactly(w: u32, h: u32, long: u32) -> (u32, u32) {
    let edge = u64::from(w.max(h).max(1));
    let scale = |v: u32| ((u64::from(v) * u64::from(long)).div_ceil(edge).max(1)) as u32;
    (scale(w), scale(h))
}

/// A screen capture: no camera EXIF, and a telling name, a phone-screen
/// aspect (≥ 1.95:1), or a PNG of a common screen resolution.
fn looks_like_screenshot(name: &str, kind: FileKind, meta: &ExifInfo, w: u32, h: u32) -> bool {
    if meta.camera.is_some() {
        return false;
    }
    let lower = name.to_lowercase();
    let named = [
        "screenshot",
        "screen shot",
        "截图",
        "截屏",
        "屏幕快照",
        "snipaste",
    ]
    .iter()
    .any(|k| lower.contains(k));
    let (short, long) = (w.min(h), w.max(h));
    let phone = short >= 600 && f64::from(long) / f64::from(short) >= 1.95;
    const SCREENS: [(u32, u32); 14] = [
        (720, 1280),
        (750, 1334),
        (768, 1024),
        (768, 1366),
        (800, 1280),
        (864, 1536),
        (900, 1440),
        (900, 1600),
        (1050, 1680),
        (1080, 1920),
        (1200, 1920),
        (1440, 2560),
        (1600, 2560),
        (2160, 3840),
    ];
    let screen = kind == FileKind::Png && SCREENS.contains(&(short, long));
    named || phone || screen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::jpeg::tests::{damaged_mid_scan, with_restart_markers};

    /// A scene with fine detail (a fine checker over a gradient), or that
    /// scene blurred, as a JPEG.
    fn scene(w: u32, h: u32, blurred: bool) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            let checker = if (x / 3 + y / 3) % 2 == 0 { 60 } else { 0 };
            let v = (x * 150 / w) as u8 + checker;
            image::Rgb([v, v / 2 + 40, 200 - v / 2])
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

    /// As the inspection finds it, and from a print JPEG inspected before
    /// the figure was kept, at any size, landscape or portrait.
    #[test]
    fn a_sharp_photo_scores_above_its_blurred_copy_at_any_size() {
        let limits = Limits::default();
        let inspected = |jpeg: &[u8]| match inspect(FileKind::Jpeg, "a.jpg", jpeg, &limits) {
            Ok(Found {
                content: Content::Photo(p),
                ..
            }) => p.sharpness.unwrap(),
            _ => panic!("not inspected as a photo"),
        };
        for (w, h) in [
            (4000, 3000),
            (1000, 750),
            (750, 1000),
            (800, 600),
            (400, 300),
        ] {
            let [sharp, blurred] = [false, true].map(|b| scene(w, h, b));
            let (s, b) = (inspected(&sharp), inspected(&blurred));
            assert!(s > 4 * b, "{w}×{h} inspected: {s} vs {b}");
            let (s, b) = (
                print_sharpness(&sharp, &limits),
                print_sharpness(&blurred, &limits),
            );
            assert!(s > 4 * b, "{w}×{h} print: {s} vs {b}");
        }
        assert_eq!(print_sharpness(b"not a jpeg", &limits), 0);
        assert_eq!(sharpness(&judged(&RgbImage::new(2, 400))), 0);
    }

    /// A real camera photo (the shared corpus's) with corrupt data in the
    /// middle of its scan: with restart markers all but one interval
    /// decodes, so it is accepted with a warning naming the share and the
    /// report still gets its picture; without them only the rows before
    /// the damage decode, too few, so it is refused.
    #[test]
    fn a_photo_damaged_mid_scan_is_accepted_when_most_rows_decode() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/images/ianare_DSCN0010_gps.jpg");
        let Ok(plain) = std::fs::read(&path) else {
            assert!(!ci, "{} missing", path.display());
            println!("skipped: {} not found", path.display());
            return;
        };
        let Some(restart) = with_restart_markers(&plain) else {
            assert!(
                !ci,
                "jpegtran missing (apt-get install libjpeg-turbo-progs)"
            );
            println!("skipped: no jpegtran");
            return;
        };
        let limits = Limits::default();
        let found = inspect(
            FileKind::Jpeg,
            "活动照片.jpg",
            &damaged_mid_scan(&restart),
            &limits,
        )
        .expect("most rows decode: accepted");
        assert!(
            found.warnings.iter().any(|w| w.contains("部分损坏")),
            "{:?}",
            found.warnings
        );
        assert!(found.derived_jpeg.is_some());

        let refused = inspect(
            FileKind::Jpeg,
            "活动照片.jpg",
            &damaged_mid_scan(&plain),
            &limits,
        );
        assert!(refused.is_err(), "half the rows: refused");
    }

    #[test]
    fn fit_never_upscales() {
        assert_eq!(fit(800, 600, 1200), (800, 600));
        assert_eq!(fit(4000, 3000, 1200), (1200, 900));
        assert_eq!(fit(1200, 1600, 1200), (900, 1200));
    }

    #[test]
    fn dhash_of_mirror_differs_and_is_stable() {
        let img = RgbImage::from_fn(90, 80, |x, _| image::Rgb([(x * 2) as u8; 3]));
        let a = dhash(&judged(&img));
        assert_eq!(a, dhash(&judged(&img)));
        let mirrored = image::imageops::flip_horizontal(&img);
        assert_ne!(a, dhash(&judged(&mirrored)));
    }

    #[test]
    fn screenshot_heuristic() {
        let none = ExifInfo::default();
        assert!(looks_like_screenshot(
            "a.png",
            FileKind::Png,
            &none,
            1080,
            2340
        ));
        assert!(looks_like_screenshot(
            "微信截图_1.jpg",
            FileKind::Jpeg,
            &none,
            800,
            600
        ));
        assert!(looks_like_screenshot(
            "a.png",
            FileKind::Png,
            &none,
            1920,
            1080
        ));
        assert!(!looks_like_screenshot(
            "a.png",
            FileKind::Png,
            &none,
            512,
            512
        ));
        let camera = ExifInfo {
            camera: Some("Canon".into()),
            ..ExifInfo::default()
        };
        assert!(!looks_like_screenshot(
            "a.jpg",
            FileKind::Jpeg,
            &camera,
            1080,
            2340
        ));
    }
}
