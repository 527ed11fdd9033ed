//! The 归档 bundle through the real binary: made once by the first batch
//! after each deadline, byte-identical when made again for the same
//! moment, a file that arrived after the cut-off left out, every version
//! in it with the SHA-256 its manifest row gives, the manifest's own hash
//! beside the zip.

mod campaign;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use campaign::*;
use sha2::Digest;

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every entry of a zip: name → bytes, in the zip's order.
fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// The manifest's rows as header → cell maps.
fn manifest(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 BOM for Excel/WPS");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn bundle(dir: &Path, name: &str) -> PathBuf {
    dir.join("out/t/archive").join(name)
}

fn archives_recorded(dir: &Path) -> i64 {
    rusqlite::Connection::open(dir.join("state/ledger.sqlite"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM archives", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn one_bundle_per_deadline_reproducible_and_without_late_files() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();

    // 6 May: 县卫健局's summary and three photos; nothing is due yet.
    put(d, "县卫健局/活动总结.docx", &summary("县卫健局活动总结"));
    for i in 0..3 {
        put(
            d,
            &format!("县卫健局/照片{i}.jpg"),
            &photo(i, "2025:04:28 10:00:00", 800, 600),
        );
    }
    run_ok(d, &["--now", "2025-05-06T20:00"]);
    assert_eq!(archives_recorded(d), 0, "no deadline has passed yet");

    // 7 May: a corrected summary (a second version), before its deadline.
    put(
        d,
        "县卫健局/活动总结.docx",
        &summary("县卫健局活动总结（修改稿）"),
    );
    run_ok(d, &["--now", "2025-05-07T20:00"]);
    // 县林业局's deadline (end of 6 May) has passed: its bundle is made.
    assert!(bundle(d, "归档-20250506-2400.zip").is_file());
    assert_eq!(archives_recorded(d), 1);

    // 9 May: a fourth photo, after 县卫健局's deadline (end of 8 May).
    put(
        d,
        "县卫健局/照片迟交.jpg",
        &photo(9, "2025:04:28 11:00:00", 800, 600),
    );
    run_ok(d, &["--now", "2025-05-09T20:00"]);
    let zip = bundle(d, "归档-20250508-2400.zip");
    assert!(zip.is_file());
    assert_eq!(archives_recorded(d), 2);
    let first = std::fs::read(&zip).unwrap();

    let all = entries(&zip);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries in name order");
    assert!(
        !names.iter().any(|n| n.contains("迟交")),
        "a photo received after the cut-off is not in the bundle: {names:?}"
    );
    for name in &names {
        assert!(
            !name.contains(['<', '>', ':', '"', '\\', '|', '?', '*']),
            "{name} is not a valid Windows path"
        );
    }
    assert!(
        names.contains(&"县卫生健康局/活动总结/活动总结.docx"),
        "{names:?}"
    );
    assert!(
        names.contains(&"县卫生健康局/活动总结/活动总结（第1版）.docx"),
        "{names:?}"
    );
    assert!(
        names.contains(&"县卫生健康局/活动照片/照片0.jpg"),
        "{names:?}"
    );
    for report in [
        "报送情况汇总.pdf",
        "报送情况汇总.docx",
        "报送情况统计表.xlsx",
    ] {
        assert!(
            names.contains(&format!("报告/{report}").as_str()),
            "{names:?}"
        );
    }

    // The manifest: every file's row, each hash that of the file in the zip.
    let bytes = &all.iter().find(|(n, _)| n == "manifest.csv").unwrap().1;
    let rows = manifest(bytes);
    assert_eq!(rows.len(), 5, "two versions of the summary, three photos");
    for row in &rows {
        let (_, content) = all
            .iter()
            .find(|(n, _)| *n == row["归档中的位置"])
            .unwrap_or_else(|| panic!("{row:?} names no entry"));
        assert_eq!(row["SHA-256"], sha256(content), "{row:?}");
        assert_eq!(row["单位"], "县卫生健康局");
    }
    let versions: Vec<&str> = rows
        .iter()
        .filter(|r| r["文件"] == "活动总结.docx")
        .map(|r| r["版本"].as_str())
        .collect();
    assert_eq!(versions, ["1/2", "2/2"]);
    assert!(
        rows.iter()
            .all(|r| r["到达时间"].as_str() <= "2025-05-08 24:00")
    );
    // The manifest's own hash, beside the zip, as sha256sum writes it.
    let sidecar = std::fs::read_to_string(bundle(d, "归档-20250508-2400.zip.sha256")).unwrap();
    assert_eq!(sidecar, format!("{}  manifest.csv\n", sha256(bytes)));

    // Later batches make neither bundle again.
    let made = std::fs::metadata(&zip).unwrap().modified().unwrap();
    run_ok(d, &["--now", "2025-05-12T20:00"]);
    assert_eq!(archives_recorded(d), 2);
    assert_eq!(std::fs::metadata(&zip).unwrap().modified().unwrap(), made);

    // `baosong archive` for the same moment: the same bytes, twice.
    for _ in 0..2 {
        let out = baosong(d, &["archive", "--at", "2025-05-09T00:00"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read(&zip).unwrap() == first, "not byte-identical");
    }
    // `--at deadline`: the latest deadline passed (this campaign has no
    // fixed clock, so every deadline of 2025 has passed).
    let out = baosong(d, &["archive", "--at", "deadline"]);
    assert!(out.status.success());
    assert!(std::fs::read(&zip).unwrap() == first);
    assert_eq!(archives_recorded(d), 2);
}

#[test]
fn a_moment_not_understood_or_nothing_received_exits_8() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    let out = baosong(d, &["archive"]);
    assert_eq!(out.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&out.stderr).contains("请先运行 baosong run"));
    put(d, "县卫健局/活动总结.docx", &summary("县卫健局活动总结"));
    run_ok(d, &["--now", "2025-05-06T20:00"]);
    let out = baosong(d, &["archive", "--at", "下周一"]);
    assert_eq!(out.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at “下周一” 无法识别"));
}
