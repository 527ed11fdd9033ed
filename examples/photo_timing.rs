//! Times the photo path on a 12 MP photo: `cargo run --release --example
//! photo_timing [runs]`. Makes a 4000x3000 high-entropy JPEG (gradients +
//! noise, quality 90) in memory, then inspects it `runs` times (default 10)
//! and prints the mean, the decode-to-print JPEG size and the dimensions.
//! With a second argument `PHOTO`, times that file instead and writes its
//! print JPEG to `PHOTO.print.jpg` for a visual check.

use baosong::inspect::{Content, Limits, inspect};
use std::time::Instant;

fn main() {
    let runs: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    if let Some(path) = std::env::args().nth(2) {
        let bytes = std::fs::read(&path).expect("read photo");
        time(runs, &path, &bytes);
        return;
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 37) as i32 - 18;
        let base = [(x / 16) as i32, (y / 12) as i32, ((x + y) / 28) as i32];
        image::Rgb(base.map(|v| (v + noise).clamp(0, 255) as u8))
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .expect("encode test photo");
    println!("test photo: 4000x3000, {} KB", jpeg.len() / 1024);
    time(runs, "photo.jpg", &jpeg);
}

/// Inspects `bytes` `runs` times and reports; for a real file, saves the print JPEG.
fn time(runs: u32, name: &str, jpeg: &[u8]) {
    let limits = Limits::default();
    let mut total = std::time::Duration::ZERO;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let got = inspect(name, jpeg, &limits);
        total += start.elapsed();
        last = Some(got);
    }
    let got = last.expect("at least one run");
    let Content::Photo(p) = &got.inspection.content else {
        panic!("not a photo: {:?}", got.inspection.reason);
    };
    let print = got.derived_jpeg.as_deref().unwrap_or_default();
    println!(
        "{runs} runs: {:.1} ms per photo; {}x{}, print JPEG {} KB, phash {:016x}",
        total.as_secs_f64() * 1000.0 / f64::from(runs),
        p.width,
        p.height,
        print.len() / 1024,
        p.phash.unwrap_or_default()
    );
    if name != "photo.jpg" {
        std::fs::write(format!("{name}.print.jpg"), print).expect("write print JPEG");
    }
}
