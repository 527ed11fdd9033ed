//! The photo stage alone (decode, orient, downscale, encode the print JPEG)
//! over a list of JPEG files, on rayon's pool with both cores busy, at a
//! long edge of one's choice. `benches/run.sh` times it under
//! `/usr/bin/time` next to vipsthumbnail, djpeg and Pillow at the same
//! output size: at the report's own 1000 px and at the issue's anchor size,
//! 1600 px.
//!
//! ```sh
//! cargo run --release --example photo_stage -- 1600 list-of-jpegs.txt
//! ```

use baosong::inspect::{FileKind, Limits, print_jpeg};
use baosong::whole_file::with_contents;
use rayon::prelude::*;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    baosong::allocator::configure();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(edge), Some(list)) = (args.first().and_then(|e| e.parse().ok()), args.get(1)) else {
        eprintln!("用法：photo_stage 长边像素 照片列表文件（每行一个 JPEG 路径）");
        return ExitCode::from(2);
    };
    let list = match std::fs::read_to_string(list) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("无法读取照片列表 {list}：{e}");
            return ExitCode::from(2);
        }
    };
    let paths: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
    let limits = Limits::default();
    let failed: Vec<&str> = paths
        .par_iter()
        .copied()
        .filter(|p| {
            with_contents(Path::new(p), limits.max_file_bytes, |bytes| {
                print_jpeg(FileKind::Jpeg, bytes, edge, &limits).is_none()
            })
            .unwrap_or(true)
        })
        .collect();
    for p in &failed {
        eprintln!("无法处理：{p}");
    }
    println!(
        "{} 张照片 → 长边 {edge}px，失败 {} 张",
        paths.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
