//! The photo stage's JPEG codec: decode at a DCT scale, encode the print
//! JPEG.
//!
//! Two builds, one behaviour:
//! - default (pure Rust): rusty_jpeg, which is jpeg-decoder (1/2, 1/4, 1/8
//!   DCT scaling) and jpeg-encoder merged and sped up. It decodes on the
//!   calling thread: photos are already decoded two at a time on rayon's
//!   pool, and jpeg-decoder's per-decode worker thread cost ~12% of the
//!   photo stage in hand-offs. Built with `forbid(unsafe_code)` and no SIMD
//!   kernels (the `platform_independent` feature): the files are untrusted,
//!   and the SIMD build was only ~4 ms a photo faster (benches/README.md);
//! - feature `turbojpeg`: libjpeg-turbo (SIMD IDCT, colour conversion and
//!   encoder; scaling in eighths). Whatever libjpeg-turbo does not decode
//!   cleanly (CMYK, a warning on damaged data) goes to the pure-Rust
//!   decoder, so both builds accept and refuse the same files.
//!
//! Both encoders write baseline JPEG with 4:2:0 chroma at the same quality
//! (libjpeg's tables). A phone photo's chroma is 4:2:0 already, so at the
//! print size nothing is lost that the original had.

use super::Limits;
use image::RgbImage;
use std::io::Cursor;

/// A decoded picture.
pub struct Decoded {
    pub image: RgbImage,
    /// For damaged data: the share (percent, under 100) of the picture
    /// decoded from the file's own data; the rest is grey.
    pub damaged: Option<u8>,
}

/// Decodes a JPEG at the smallest DCT scale whose result is still at least
/// `target` in both dimensions, damaged data as libjpeg decodes it: data
/// that cannot be decoded, or that stops, leaves the rest of its restart
/// interval grey and decoding resumes at the next restart marker; without
/// restart markers (or at the end of a file cut short) the rest of the
/// picture is grey. `Err` if there is no picture to decode.
pub(crate) fn decode_scaled(
    bytes: &[u8],
    target: (u32, u32),
    limits: &Limits,
) -> Result<Decoded, ()> {
    #[cfg(feature = "turbojpeg")]
    if let Some(image) = turbo::decode_scaled(bytes, target) {
        return Ok(Decoded {
            image,
            damaged: None,
        });
    }
    let (image, damage) = decode_rust(bytes, target, limits)?;
    let damaged = damage.map(|(lost, total)| {
        let share = 100 * total.saturating_sub(lost) / total.max(1);
        share.min(99) as u8
    });
    Ok(Decoded { image, damaged })
}

/// Encodes `img` as a baseline JPEG at `quality` (1–100).
pub fn encode(img: &RgbImage, quality: u8) -> Vec<u8> {
    #[cfg(feature = "turbojpeg")]
    if let Some(jpeg) = turbo::encode(img, quality) {
        return jpeg;
    }
    encode_rust(img, quality)
}

/// The pure-Rust decode, tolerant of damaged data: how many MCUs of the
/// worst scan were lost, out of how many, comes with the picture.
fn decode_rust(
    bytes: &[u8],
    (tw, th): (u32, u32),
    limits: &Limits,
) -> Result<(RgbImage, Option<(usize, usize)>), ()> {
    let mut d = rusty_jpeg::Decoder::new(Cursor::new(bytes));
    d.set_single_threaded(true);
    d.set_tolerant(true);
    d.set_max_decoding_buffer_size(
        usize::try_from(limits.max_image_alloc_bytes).unwrap_or(usize::MAX),
    );
    let (sw, sh) = d.scale(dimension(tw), dimension(th)).map_err(|_| ())?;
    let pixels = d.decode().map_err(|_| ())?;
    let info = d.info().ok_or(())?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let n = sw as usize * sh as usize;
    use rusty_jpeg::PixelFormat::*;
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
    let image = RgbImage::from_raw(sw, sh, rgb).ok_or(())?;
    Ok((image, d.damaged_mcus()))
}

fn encode_rust(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = rusty_jpeg::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(rusty_jpeg::SamplingFactor::F_2_2);
    // Print images are at most PRINT_LONG_EDGE pixels a side; encoding an
    // in-memory RGB buffer of that size cannot fail.
    let _ = encoder.encode(
        img.as_raw(),
        dimension(img.width()),
        dimension(img.height()),
        rusty_jpeg::ColorType::Rgb,
    );
    out
}

/// A pixel dimension as the pure-Rust codec takes it (JPEG's 16-bit limit).
fn dimension(v: u32) -> u16 {
    u16::try_from(v).unwrap_or(u16::MAX)
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
pub(super) mod tests {
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
        let quarter = decode_scaled(&jpeg, (400, 300), &limits).unwrap().image;
        assert_eq!(quarter.dimensions(), (400, 300));
        assert!(mean_error(&quarter, &original) < 4.0);
        let half = decode_scaled(&jpeg, (500, 375), &limits).unwrap().image;
        assert!(half.width() >= 500 && half.height() >= 375 && half.width() <= 800);
    }

    /// The picture decoded by an independent decoder (image's zune-jpeg),
    /// at full size.
    fn reference_decode(jpeg: &[u8]) -> RgbImage {
        image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
            .expect("reference decoder")
            .into_rgb8()
    }

    #[test]
    fn encodes_a_baseline_420_jpeg_another_decoder_reads() {
        let (original, _) = sample();
        let jpeg = encode(&original, 80);
        assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF]);
        // SOF0 (baseline), three components, luma sampled 2×2 (4:2:0).
        let sof = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF0");
        assert_eq!(jpeg[sof + 9], 3);
        assert_eq!(jpeg[sof + 11], 0x22);
        let back = reference_decode(&jpeg);
        assert_eq!(back.dimensions(), (1600, 1200));
        assert!(mean_error(&back, &original) < 4.0);
    }

    /// Box-averages `img` down by `factor` in both directions.
    fn box_down(img: &RgbImage, factor: u32) -> RgbImage {
        RgbImage::from_fn(img.width() / factor, img.height() / factor, |x, y| {
            let mut sum = [0u32; 3];
            for dy in 0..factor {
                for dx in 0..factor {
                    let p = img.get_pixel(x * factor + dx, y * factor + dy);
                    (0..3).for_each(|i| sum[i] += u32::from(p[i]));
                }
            }
            image::Rgb(sum.map(|v| (v / (factor * factor)) as u8))
        })
    }

    /// The scaled decoder agrees with an independent full-size decoder,
    /// box-averaged to the same size, on every layout phones and office
    /// software write: baseline and progressive, 4:4:4, 4:2:2 and 4:2:0,
    /// greyscale, restart markers, and a photo from a real camera pipeline.
    #[test]
    fn scaled_decoding_agrees_with_an_independent_decoder() {
        use rusty_jpeg::SamplingFactor::{F_1_1, F_2_1, F_2_2};
        use rusty_jpeg::{ColorType, Encoder};
        let (original, _) = sample();
        let write = |sampling, progressive, restart: u16, grey: bool| {
            let mut out = Vec::new();
            let mut e = Encoder::new(&mut out, 90);
            e.set_sampling_factor(sampling);
            e.set_progressive(progressive);
            e.set_restart_interval(restart);
            let luma: Vec<u8>;
            let (data, color) = if grey {
                luma = original.pixels().map(|p| p[1]).collect();
                (&luma[..], ColorType::Luma)
            } else {
                (&original.as_raw()[..], ColorType::Rgb)
            };
            e.encode(data, 1600, 1200, color).unwrap();
            out
        };
        let fixture = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/inspect/活动现场_exif_orientation6.jpg"
        ))
        .unwrap();
        let cases = [
            ("baseline 4:4:4", write(F_1_1, false, 0, false)),
            ("baseline 4:2:2", write(F_2_1, false, 0, false)),
            ("baseline 4:2:0", write(F_2_2, false, 0, false)),
            ("progressive 4:2:0", write(F_2_2, true, 0, false)),
            ("restart markers", write(F_2_2, false, 4, false)),
            ("greyscale", write(F_1_1, false, 0, true)),
            ("Pillow/libjpeg photo", fixture),
        ];
        for (name, jpeg) in cases {
            let full = reference_decode(&jpeg);
            let (w, h) = (full.width() / 4, full.height() / 4);
            let ours = decode_scaled(&jpeg, (w, h), &Limits::default()).unwrap();
            assert!(ours.damaged.is_none(), "{name}");
            let ours = ours.image;
            assert_eq!(ours.dimensions(), (w, h), "{name}");
            let error = mean_error(&ours, &box_down(&full, 4));
            assert!(error < 3.0, "{name}: mean error {error:.2}");
        }
    }

    /// A source that hands the decoder a few bytes a read, so it never has
    /// enough buffered for its fast block path and decodes every block on
    /// the careful one.
    struct Trickle<'a>(&'a [u8]);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(61);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// What a tolerant decode gives: its pixels and lost MCUs, or its error.
    type Decoded = Result<(Vec<u8>, Option<(usize, usize)>), String>;

    /// A tolerant decode at `1/scale`.
    fn tolerant_decode<R: std::io::Read>(source: R, (w, h): (u16, u16), scale: u16) -> Decoded {
        let mut d = rusty_jpeg::Decoder::new(source);
        d.set_single_threaded(true);
        d.set_tolerant(true);
        d.scale(w / scale, h / scale).map_err(|e| e.to_string())?;
        let pixels = d.decode().map_err(|e| e.to_string())?;
        Ok((pixels, d.damaged_mcus()))
    }

    /// The fast block path (taken when enough data is buffered) gives the
    /// same pixels, the same damage and the same errors as the careful
    /// path, on clean, noisy (long codes, stuffed 0xFF bytes), cut,
    /// byte-flipped and marker-damaged data, with and without restart
    /// markers.
    #[test]
    fn the_fast_block_path_decodes_what_the_careful_path_does() {
        use rusty_jpeg::SamplingFactor::{F_1_1, F_2_2};
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 97) as u8
        };
        let noisy = RgbImage::from_fn(640, 480, |x, y| {
            let n = noise();
            image::Rgb([
                ((x / 3) as u8).wrapping_add(n),
                ((y / 2) as u8).wrapping_add(n / 2),
                n * 2,
            ])
        });
        let write = |sampling, restart: u16, quality: u8| {
            let mut out = Vec::new();
            let mut e = rusty_jpeg::Encoder::new(&mut out, quality);
            e.set_sampling_factor(sampling);
            e.set_restart_interval(restart);
            e.encode(noisy.as_raw(), 640, 480, rusty_jpeg::ColorType::Rgb)
                .unwrap();
            out
        };
        let mut cases = vec![
            ("noisy 4:4:4 q98", write(F_1_1, 0, 98)),
            ("noisy 4:2:0 q90, restart markers", write(F_2_2, 3, 90)),
            ("smooth", sample().1),
        ];
        for (name, jpeg) in cases.clone() {
            let scan = jpeg.len() / 3;
            let mut flipped = jpeg.clone();
            for at in [scan, scan + 977, scan * 2] {
                flipped[at] ^= 0x5A;
            }
            let mut marker = jpeg.clone();
            marker.splice(scan..scan, [0xFF, 0xD3]);
            cases.push((name, jpeg[..jpeg.len() * 6 / 10].to_vec()));
            cases.push((name, flipped));
            cases.push((name, marker));
        }
        for (i, (name, jpeg)) in cases.iter().enumerate() {
            let (w, h) = if name == &"smooth" {
                (1600, 1200)
            } else {
                (640, 480)
            };
            for scale in [1, 4] {
                let fast = tolerant_decode(Cursor::new(&jpeg[..]), (w, h), scale);
                let careful = tolerant_decode(Trickle(jpeg), (w, h), scale);
                assert!(fast == careful, "case {i} ({name}), 1/{scale}");
            }
        }
    }

    #[test]
    fn a_cut_photo_decodes_in_part_with_its_share() {
        let (_, jpeg) = sample();
        let limits = Limits::default();
        let cut = &jpeg[..jpeg.len() * 9 / 10];
        let partial = decode_scaled(cut, (400, 300), &limits).unwrap();
        assert_eq!(partial.image.dimensions(), (400, 300));
        let share = partial.damaged.unwrap();
        assert!((75..100).contains(&share), "{share}");
        let little = &jpeg[..jpeg.len() / 10];
        let share = decode_scaled(little, (400, 300), &limits).unwrap().damaged;
        assert!(share.unwrap() < 25);
    }

    /// Decodes with `djpeg` (libjpeg-turbo) at 1/8 scale, and whether it
    /// warned about the data; `None` if it could not be run.
    fn djpeg_eighth(jpeg: &[u8]) -> Option<(RgbImage, bool)> {
        let input = tempfile::NamedTempFile::new().ok()?;
        std::fs::write(input.path(), jpeg).ok()?;
        let out = std::process::Command::new("djpeg")
            .args(["-scale", "1/8", "-pnm"])
            .arg(input.path())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        // P6 <w> <h> 255, one whitespace, then the pixels.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while out.stdout.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !out.stdout.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            fields.push(
                std::str::from_utf8(&out.stdout[start..at])
                    .ok()?
                    .to_string(),
            );
        }
        let (w, h) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
        let image = RgbImage::from_raw(w, h, out.stdout[at + 1..].to_vec())?;
        // djpeg exits 2 when libjpeg warned (corrupt data), 1 on an error.
        Some((image, out.status.code() == Some(2)))
    }

    /// `jpegtran -restart 1`: the same picture, losslessly, with a restart
    /// marker after every row of MCUs, as many cameras write it.
    pub(in crate::inspect) fn with_restart_markers(jpeg: &[u8]) -> Option<Vec<u8>> {
        let input = tempfile::NamedTempFile::new().ok()?;
        std::fs::write(input.path(), jpeg).ok()?;
        let out = std::process::Command::new("jpegtran")
            .args(["-restart", "1", "-copy", "all"])
            .arg(input.path())
            .output()
            .ok()?;
        out.status.success().then_some(out.stdout)
    }

    /// Overwrites 8 bytes in the middle of the first scan's data (never
    /// with 0xFF, so no marker appears or goes), as a bad sector or a
    /// damaged transfer does.
    pub(in crate::inspect) fn damaged_mid_scan(jpeg: &[u8]) -> Vec<u8> {
        let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let header = usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]));
        let (start, end) = (sos + 2 + header, jpeg.len() - 2);
        let mut out = jpeg.to_vec();
        let mut at = start + (end - start) / 2;
        let mut changed = 0u8;
        while changed < 8 {
            if out[at] != 0xFF && out[at - 1] != 0xFF {
                out[at] = 0x5A ^ changed.wrapping_mul(37);
                changed += 1;
            }
            at += 1;
        }
        out
    }

    /// Rows of `damaged` that show `clean` (every channel within 8).
    fn rows_shown(clean: &RgbImage, damaged: &RgbImage) -> u32 {
        assert_eq!(clean.dimensions(), damaged.dimensions());
        let row = clean.width() as usize * 3;
        clean
            .as_raw()
            .chunks_exact(row)
            .zip(damaged.as_raw().chunks_exact(row))
            .filter(|(a, b)| a.iter().zip(*b).all(|(x, y)| x.abs_diff(*y) <= 8))
            .count() as u32
    }

    /// Real photos (a camera's and a phone-orientation example from the
    /// shared corpus) damaged in the middle of the scan, with restart
    /// markers and without: libjpeg (djpeg) resynchronises at the next
    /// marker and shows all but the damaged interval; without markers it
    /// shows the rows before the damage (and garbage after). The pure-Rust
    /// decoder sees the damage when libjpeg does (damage that decodes
    /// without a sign neither can see), shows as many rows of the picture,
    /// and its share says how many.
    #[test]
    fn damaged_mid_scan_decodes_as_libjpeg_does() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/images");
        let limits = Limits::default();
        for name in ["ianare_DSCN0010_gps.jpg", "recurser_Landscape_3.jpg"] {
            let Ok(plain) = std::fs::read(corpus.join(name)) else {
                assert!(!ci, "{name} missing from the corpus");
                println!("skipped: {name} not found");
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
            for (layout, clean) in [
                ("without restart markers", plain),
                ("restart markers", restart),
            ] {
                let damaged = damaged_mid_scan(&clean);
                let Some((theirs_clean, _)) = djpeg_eighth(&clean) else {
                    assert!(!ci, "djpeg missing (apt-get install libjpeg-turbo-progs)");
                    println!("skipped: no djpeg");
                    return;
                };
                let (theirs, warned) = djpeg_eighth(&damaged).unwrap();
                let (w, h) = theirs_clean.dimensions();
                let ours_clean = decode_scaled(&clean, (w, h), &limits).unwrap();
                assert!(ours_clean.damaged.is_none(), "{name}, {layout}");
                let ours = decode_scaled(&damaged, (w, h), &limits).unwrap();
                assert_eq!(ours.damaged.is_some(), warned, "{name}, {layout}");
                let share = ours.damaged.unwrap_or(100);
                let libjpeg = rows_shown(&theirs_clean, &theirs);
                let shown = rows_shown(&ours_clean.image, &ours.image);
                let said = u32::from(share) * h / 100;
                println!(
                    "{name}, {layout}: djpeg shows {libjpeg}/{h} rows, we show {shown} and say {share}%"
                );
                assert!(
                    shown + 2 >= libjpeg,
                    "{name}, {layout}: {shown} < {libjpeg}"
                );
                if warned {
                    assert!(said.abs_diff(shown) <= h / 10 + 2, "{name}, {layout}");
                }
            }
        }
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
