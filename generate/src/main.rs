//! `baosong-generate`: writes the example campaigns, benchmark campaigns
//! and synthetic videos (development and benchmarks only; not installed).

use std::path::PathBuf;
use std::process::ExitCode;

use baosong_generate::{EXAMPLES, bench, example, files};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "baosong-generate",
    about = "生成报送的示例活动、基准测试活动和测试视频（开发和性能测试用，不随程序安装）",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// 示例活动的活动安排表.xlsx 与 inbox/（campaign.toml 需另行提供）。
    Example {
        /// 示例名称。
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(EXAMPLES.iter().map(|e| {
            clap::builder::PossibleValue::new(e.name).help(e.about)
        })))]
        name: String,
        /// 写入的文件夹。
        dir: PathBuf,
    },
    /// 基准测试活动（性能测试用）：campaign.toml、活动安排表.xlsx 与 inbox/，
    /// 每单位一份约1500字的总结（含两张照片）、一份活动安排表和若干张 4000×3000 照片。
    Bench {
        /// 单位数。
        #[arg(long, default_value_t = 50)]
        units: usize,
        /// 每单位照片张数。
        #[arg(long, default_value_t = 10)]
        photos: usize,
        /// 随机种子：相同种子生成完全相同的文件。
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 写入的文件夹。
        dir: PathBuf,
    },
    /// 手机竖拍风格的视频（内存测试用）：完整的索引，媒体数据为文件空洞，不占磁盘。
    Video {
        /// 媒体数据大小（MB）。
        #[arg(long, default_value_t = 3000)]
        megabytes: u64,
        /// 视频文件。
        path: PathBuf,
    },
}

fn main() -> ExitCode {
    let (written, result) = match Cli::parse().what {
        What::Example { name, dir } => {
            let e = example(&name).expect("clap checked the name");
            (dir.clone(), (e.write)(&dir))
        }
        What::Bench {
            units,
            photos,
            seed,
            dir,
        } => {
            let spec = bench::BenchSpec {
                units,
                photos,
                seed,
            };
            (dir.clone(), bench::write_bench(&dir, &spec))
        }
        What::Video { megabytes, path } => {
            (path.clone(), files::write_video(&path, megabytes << 20))
        }
    };
    match result {
        Ok(()) => {
            println!("已生成 {}", written.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误: 无法写入 {}: {e}", written.display());
            ExitCode::FAILURE
        }
    }
}
