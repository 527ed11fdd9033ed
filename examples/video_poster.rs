//! Times a video's inspection with and without its poster: `cargo run
//! --release --example video_poster -- VIDEO [runs]`. Inspects the file
//! from disk `runs` times (default 20) as the batch does, once with the
//! default limits (index, key frame read, decoded, shrunk, encoded) and
//! once with `max_video_frame_pixels = 0` (index only: the frame is refused
//! before decoding); the difference is what the poster costs. Writes the
//! poster to the temp folder (`/tmp/NAME.poster.jpg`) for a visual check.

use baosong::inspect::{Child, Input, Limits, inspect_input};
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: video_poster VIDEO [runs]");
    let runs: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let size = std::fs::metadata(&path).expect("video").len();
    let with = Limits::default();
    let without = Limits {
        max_video_frame_pixels: 0,
        ..Limits::default()
    };
    let (full, poster) = time(&path, size, &with, runs);
    let (index, _) = time(&path, size, &without, runs);
    println!(
        "{path}: {:.1} ms with poster, {:.1} ms index only, poster {:.1} ms",
        ms(full),
        ms(index),
        ms(full.saturating_sub(index))
    );
    match poster {
        Some(jpeg) => {
            let name = std::path::Path::new(&path).file_name().expect("a file");
            let out = std::env::temp_dir().join(format!("{}.poster.jpg", name.to_string_lossy()));
            std::fs::write(&out, &jpeg).expect("write poster");
            println!("poster: {} KB, {}", jpeg.len() / 1024, out.display());
        }
        None => println!("no poster"),
    }
}

/// The mean time of one inspection, and the last poster made.
fn time(path: &str, size: u64, limits: &Limits, runs: u32) -> (Duration, Option<Vec<u8>>) {
    let mut poster = None;
    let start = Instant::now();
    for _ in 0..runs {
        let got = inspect_input(
            path,
            Input::File(path.as_ref(), size),
            limits,
            0,
            &mut Vec::<Child>::new(),
        );
        poster = got.derived_jpeg;
    }
    (start.elapsed() / runs.max(1), poster)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
