//! Helpers for the batch tests: a throw-away copy of the demo
//! campaign, running the real `baosong` binary, reading its status.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository root (where the demo campaign lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A fresh copy of the demo campaign (campaign.toml, schedule, templates,
/// inbox) in a temporary folder.
pub fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = repo();
    std::fs::copy(root.join("campaign.toml"), dir.path().join("campaign.toml")).unwrap();
    std::fs::copy(
        root.join("活动安排表.xlsx"),
        dir.path().join("活动安排表.xlsx"),
    )
    .unwrap();
    copy_tree(&root.join("templates"), &dir.path().join("templates"));
    copy_tree(&root.join("inbox"), &dir.path().join("inbox"));
    dir
}

/// A small campaign of our own: a schedule written with rust_xlsxwriter,
/// campaign.toml from `toml`, an empty inbox.
pub fn campaign(toml: &str, schedule: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = baosong_generate::files::schedule_xlsx(None, schedule);
    std::fs::write(dir.path().join("活动安排表.xlsx"), xlsx).unwrap();
    std::fs::write(dir.path().join("campaign.toml"), toml).unwrap();
    std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
    dir
}

/// The start of a small test campaign's campaign.toml (id "t", year 2025):
/// per activity a summary (a document named 总结) and at least three
/// photos, both due at the end of the fifth working day after it. A macro,
/// so a test file can `concat!` its own sections onto it.
#[macro_export]
macro_rules! campaign_toml {
    () => {
        r#"
[campaign]
id = "t"
title = "测试活动"
office = "县行政审批服务局"
year = 2025

[paths]
schedule = "活动安排表.xlsx"

# These campaigns are of 2025; some tests run them on the real clock.
[system_clock]
margin_days = 36500

[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document"]
keywords = ["总结"]
deadline = { workdays_after_activity = 5, time = "24:00" }

[[deliverables]]
id = "photos"
name = "活动照片"
accept = ["photo"]
min_count = 3
deadline = { workdays_after_activity = 5, time = "24:00" }
"#
    };
}

/// The test campaign of [`SCHEDULE`]: 县卫生健康局 also signs as 县卫健局.
pub const TOML: &str = concat!(
    campaign_toml!(),
    r#"
[[units]]
name = "县卫生健康局"
aliases = ["县卫健局"]
"#
);

/// 县卫生健康局 on Monday 28 April (due Thursday 8 May, after the 1–5 May
/// holiday); 县林业局 on Friday 25 April (due Tuesday 6 May: Sunday 27
/// April is a make-up workday).
pub const SCHEDULE: [(&str, &str, &str); 2] = [
    ("县卫生健康局", "饮用水安全宣传", "4月28日"),
    ("县林业局", "珍爱生命远离毒菇", "4月25日"),
];

/// Writes `bytes` to `rel` under the campaign's inbox, folders and all.
pub fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join("inbox").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Runs `baosong` with `args` in campaign `dir`.
pub fn baosong(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baosong"))
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// Runs a batch and insists it succeeded.
pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["run", "--settle", "0", "--quiet"];
    all.extend_from_slice(args);
    let out = baosong(dir, &all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "baosong run failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        stdout
    );
    stdout
}

/// `baosong status --json`.
pub fn status(dir: &Path) -> Value {
    let out = baosong(dir, &["status", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The state of a deliverable: (activity seq, deliverable id) of a unit.
pub fn state(status: &Value, unit: &str, seq: &str, deliverable: &str) -> String {
    let u = status["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == unit)
        .unwrap_or_else(|| panic!("unit {unit} not in status"));
    let a = u["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["seq"] == seq)
        .unwrap_or_else(|| panic!("activity {seq} of {unit} not in status"));
    let d = a["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == deliverable)
        .unwrap();
    d["state"].as_str().unwrap().to_string()
}

/// The texts (subject, then body) of the messages of a kind (receipt,
/// reminder, digest) a small test campaign ("t") has written so far.
pub fn sent(dir: &Path, kind: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("out/t/outbox")) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(&format!("-{kind}-")))
        .map(|p| {
            let raw = std::fs::read(p).unwrap();
            let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
            format!(
                "{}\n{}",
                msg.subject().unwrap_or_default(),
                msg.body_text(0).unwrap_or_default()
            )
        })
        .collect()
}

/// Asserts that the batch run at `clock` (e.g. `2025-06-09T20:00`) wrote
/// at most one message to each unit in `outbox` (receipts and reminders
/// alike; a unit due both gets one receipt that also chases). Returns how
/// many units got one.
pub fn one_message_per_unit(outbox: &Path, clock: &str) -> usize {
    // Files are named <YYYYMMDD-HHMM>-<kind>-<unit>-<id8>.eml.
    let batch = clock.replace('-', "").replace('T', "-").replace(':', "");
    let mut units: Vec<String> = std::fs::read_dir(outbox)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter_map(|name| {
                    let rest = name.strip_prefix(&format!("{batch}-"))?;
                    let (kind, unit) = rest.split_once('-')?;
                    let (unit, _id) = unit.rsplit_once('-')?;
                    ["receipt", "reminder"]
                        .contains(&kind)
                        .then(|| unit.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    units.sort();
    let all = units.len();
    units.dedup();
    assert_eq!(
        all,
        units.len(),
        "{clock}: a unit got two messages: {units:?}"
    );
    all
}

/// Every file under `dir` with its bytes and modification time, for
/// proving a tree was not touched.
pub fn fingerprint(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        let bytes = if meta.is_file() {
            std::fs::read(entry.path()).unwrap()
        } else {
            Vec::new()
        };
        out.push((entry.path().to_path_buf(), bytes, meta.modified().unwrap()));
    }
    out
}

/// A JPEG photo of `w`×`h` taken at `taken` ("2025:05:15 09:30:00").
pub fn photo(seed: u64, taken: &str, w: u32, h: u32) -> Vec<u8> {
    baosong_generate::files::photo(
        seed,
        &baosong_generate::files::PhotoSpec {
            width: w,
            height: h,
            orientation: 1,
            taken: Some(taken.into()),
            quality: 70,
            grain: 4,
        },
    )
}

/// A Word summary with a title and two paragraphs.
pub fn summary(title: &str) -> Vec<u8> {
    baosong_generate::files::summary_docx(
        title,
        &[
            "为落实活动实施方案要求，本单位组织开展了主题宣传活动，现将情况总结如下。".to_string(),
            "活动共发放宣传资料五百余份，现场解答群众咨询四十余人次，取得了良好效果。".to_string(),
        ],
        &[],
    )
}

/// 县司法局's summary and three photos of its 5 May activity (seq 3 of the
/// demo, due 9 June); `seed` tells the photos of one test from another's.
pub fn justice_materials(seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(
        "县司法局活动总结.docx".to_string(),
        summary("县司法局活动总结"),
    )];
    for i in 0..3 {
        out.push((
            format!("活动照片{i}.jpg"),
            photo(seed + i, "2025:05:05 10:00:00", 800, 600),
        ));
    }
    out
}
