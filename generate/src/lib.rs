//! The campaigns and files baosong is shown and tested with, kept out of the
//! program: the shipped example campaigns ([`EXAMPLES`]: 泸溪 2025 at the
//! repository root, 建昌 2023 in `examples/jianchang-2023/`, 城东区 2024 in
//! `examples/chengdong-2024/`), benchmark
//! campaigns of any size ([`bench`]), and the realistic files all of them
//! are built from ([`files`]), which the tests use too.
//!
//! `baosong-generate` (src/main.rs) writes them from the command line.

use std::path::Path;

pub mod bench;
pub mod chengdong;
pub mod files;
pub mod jianchang;
mod jpeg_docx;
pub mod luxi;

/// A shipped example campaign: what is generated (the office's schedule
/// and the units' inbox) and where its committed copy lives. The campaign
/// itself (`campaign.toml`, `templates/`) is written by hand beside them.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// Its name: `baosong-generate example NAME DIR`, and its folder under
    /// `/usr/share/baosong/examples/` in the Debian package.
    pub name: &'static str,
    /// Its folder in the repository, relative to the repository root
    /// (`""`: the root itself).
    pub folder: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    /// Writes `活动安排表.xlsx` and `inbox/` into a folder.
    pub write: fn(&Path) -> std::io::Result<()>,
}

/// Every shipped example. A new one is a module with a `write_demo` and a
/// line here; tests/demos.rs then checks its committed files, and the
/// package test that Cargo.toml's `[package.metadata.deb]` ships it.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "luxi-2025",
        folder: "",
        about: "2025年泸溪县“政务公开主题日”（36项活动，演示每一种状态）",
        write: luxi::write_demo,
    },
    Example {
        name: "jianchang-2023",
        folder: "examples/jianchang-2023",
        about: "2023年建昌县“5·15政务公开日”（附件1、附件2两份名单，联合访谈，三个夜晚）",
        write: jianchang::write_demo,
    },
    Example {
        name: "chengdong-2024",
        folder: "examples/chengdong-2024",
        about: "2024年城东区政务公开主题日（全年各单位各办一场，活动前报方案、活动后报情况报告，六个夜晚）",
        write: chengdong::write_demo,
    },
];

/// The example of that name.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}
