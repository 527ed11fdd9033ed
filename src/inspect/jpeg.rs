//! The photo stage's JPEG codec: decode at a DCT scale, encode the print
//! JPEG.
//!
//! Two builds, one behaviour:
//! - default (pure Rust): jpeg-decoder with its 1/2, 1/4, 1/8 DCT scaling,
//!   image's baseline encoder;
//! - feature `turbojpeg`: libjpeg-turbo (SIMD IDCT, colour conversion and
//!   encoder; scaling in eighths). Whatever libjpeg-turbo does not decode
//!   cleanly (CMYK, a warning on damaged data) goes to the pure-Rust
//!   decoder, so both builds accept and refuse the same files.
//!
//! Both encoders write baseline JPEG with 4:2:0 chroma at the same quality.

use super::Limits;
use image::RgbImage;
use std::io::Cursor;

/// Decodes a JPEG at the smallest DCT scale whose result is still at least
/// `target` in both dimensions. `Err` if the data cannot be decoded.
pub fn decode_scaled(bytes: &[u8], target: (u32, u32), limits: &Limits) -> Result<RgbImage, ()> {
    #[cfg(feature = "turbojpeg")]
    if let Some(img) = turbo::decode_scaled(bytes, target) {
        return Ok(img);
    }
    decode_scaled_rust(bytes, target, limits)
}

/// Encodes `img` as a baseline JPEG at `quality` (1–100).
pub fn encode(img: &RgbImage, quality: u8) -> Vec<u8> {
    #[cfg(feature = "turbojpeg")]
    if let Some(jpeg) = turbo::encode(img, quality) {
        return jpeg;
    }
    encode_rust(img, quality)
}

fn decode_scaled_rust(bytes: &[u8], (tw, th): (u32, u32), limits: &Limits) -> Result<RgbImage, ()> {
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    d.set_max_decoding_buffer_size(
        usize::try_from(limits.max_image_alloc_bytes).unwrap_or(usize::MAX),
    );
    let clamp = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    let (sw, sh) = d.scale(clamp(tw), clamp(th)).map_err(|_| ())?;
    let pixels = d.decode().map_err(|_| ())?;
    let info = d.info().ok_or(())?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let n = sw as usize * sh as usize;
    use jpeg_decoder::PixelFormat::*;
    let rgb: Vec<u8> = match info.pixel_format {
        RGB24 => pixels,
        L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        L16 => pixels
            .chunks_exact(2)
            .flat_map(|c| [c[0], c[0], c[0]])
            .collect(),
        CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u16::from(p[3]);
                [0, 1, 2].map(|i| (u16::from(p[i]) * k / 255) as u8)
            })
            .collect(),
    };
    if rgb.len() < n * 3 {
        return Err(());
    }
    RgbImage::from_raw(sw, sh, rgb).ok_or(())
}

fn encode_rust(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    // Encoding an in-memory RGB buffer of valid size cannot fail.
    let _ = img.write_with_encoder(encoder);
    out
}

/// libjpeg-turbo through the turbojpeg crate. `None` means "use the
/// pure-Rust codec instead", never a verdict on the file.
#[cfg(feature = "turbojpeg")]
mod turbo {
    use image::RgbImage;
    use turbojpeg::{Compressor, Decompressor, Image, PixelFormat, ScalingFactor, Subsamp};

    pub fn decode_scaled(bytes: &[u8], (tw, th): (u32, u32)) -> Option<RgbImage> {
        let mut d = Decompressor::new().ok()?;
        let header = d.read_header(bytes).ok()?;
        let (w, h, tw, th) = (header.width, header.height, tw as usize, th as usize);
        // Smallest reduction still covering the target (factors ≤ 1 only).
        let factor = Decompressor::supported_scaling_factors()
            .into_iter()
            .filter(|f| f.num() <= f.denom())
            .filter(|f| f.scale(w) >= tw && f.scale(h) >= th)
            .min_by(|a, b| (a.num() * b.denom()).cmp(&(b.num() * a.denom())))
            .unwrap_or(ScalingFactor::ONE);
        let header = header.scaled(factor);
        d.set_scaling_factor(factor).ok()?;
        // Chroma is replicated, not interpolated: the print JPEG is encoded
        // at 4:2:0 again, which averages it back, so smooth upsampling would
        // be work thrown away.
        d.set_fast_upsample(true).ok()?;
        let mut image = Image {
            pixels: vec![0; 3 * header.width * header.height],
            width: header.width,
            pitch: 3 * header.width,
            height: header.height,
            format: PixelFormat::RGB,
        };
        // Any error, warnings included (truncated or damaged data), sends
        // the file to the pure-Rust decoder, which gives the verdict.
        d.decompress(bytes, image.as_deref_mut()).ok()?;
        RgbImage::from_raw(header.width as u32, header.height as u32, image.pixels)
    }

    pub fn encode(img: &RgbImage, quality: u8) -> Option<Vec<u8>> {
        let mut c = Compressor::new().ok()?;
        c.set_quality(i32::from(quality)).ok()?;
        c.set_subsamp(Subsamp::Sub2x2).ok()?;
        let (width, height) = (img.width() as usize, img.height() as usize);
        c.compress_to_vec(Image {
            pixels: img.as_raw().as_slice(),
            width,
            pitch: 3 * width,
            height,
            format: PixelFormat::RGB,
        })
        .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth 1600×1200 test picture, JPEG-encoded.
    fn sample() -> (RgbImage, Vec<u8>) {
        let img = RgbImage::from_fn(1600, 1200, |x, y| {
            image::Rgb([(x / 7) as u8, (y / 5) as u8, ((x + y) / 11) as u8])
        });
        let jpeg = encode_rust(&img, 90);
        (img, jpeg)
    }

    /// Mean absolute difference between a decoded picture and the original
    /// sampled at the same scale.
    fn mean_error(decoded: &RgbImage, original: &RgbImage) -> f64 {
        let step = original.width() / decoded.width();
        let sum: u64 = decoded
            .enumerate_pixels()
            .flat_map(|(x, y, p)| {
                let o = original.get_pixel(x * step + step / 2, y * step + step / 2);
                (0..3).map(move |i| u64::from(p[i].abs_diff(o[i])))
            })
            .sum();
        sum as f64 / (decoded.width() * decoded.height() * 3) as f64
    }

    #[test]
    fn decodes_at_the_smallest_scale_covering_the_target() {
        let (original, jpeg) = sample();
        let limits = Limits::default();
        let quarter = decode_scaled(&jpeg, (400, 300), &limits).unwrap();
        assert_eq!(quarter.dimensions(), (400, 300));
        assert!(mean_error(&quarter, &original) < 4.0);
        let half = decode_scaled(&jpeg, (500, 375), &limits).unwrap();
        assert!(half.width() >= 500 && half.height() >= 375 && half.width() <= 800);
    }

    #[test]
    fn encodes_a_baseline_jpeg_that_decodes_back() {
        let (original, _) = sample();
        let jpeg = encode(&original, 80);
        assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF]);
        let back = decode_scaled(&jpeg, (1600, 1200), &Limits::default()).unwrap();
        assert_eq!(back.dimensions(), (1600, 1200));
        assert!(mean_error(&back, &original) < 4.0);
    }

    #[test]
    fn damaged_data_is_an_error_not_a_picture() {
        let (_, jpeg) = sample();
        assert!(decode_scaled(&jpeg[..200], (400, 300), &Limits::default()).is_err());
        assert!(decode_scaled(b"\xFF\xD8\xFFnot a jpeg", (400, 300), &Limits::default()).is_err());
    }

    /// With the feature on, ordinary photos really take the libjpeg-turbo
    /// path, and damaged ones fall back to the pure-Rust decoder.
    #[cfg(feature = "turbojpeg")]
    #[test]
    fn turbojpeg_decodes_ordinary_photos_and_declines_damaged_ones() {
        let (original, jpeg) = sample();
        let img = turbo::decode_scaled(&jpeg, (400, 300)).expect("libjpeg-turbo path");
        assert_eq!(img.dimensions(), (400, 300));
        assert!(mean_error(&img, &original) < 4.0);
        assert!(turbo::encode(&original, 80).is_some());
        let truncated = &jpeg[..jpeg.len() / 2];
        assert!(turbo::decode_scaled(truncated, (400, 300)).is_none());
    }
}
