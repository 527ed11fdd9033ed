//! The 归档 bundles through the real binary: one after each fixed deadline
//! holding only that deadline's files, one at the campaign's close holding
//! every version (those already in a deadline's bundle by reference), none
//! for deadlines counted from activities unless asked; made again when the
//! office registers a file to a unit later; byte-identical when made again
//! for the same moment; the name and the report inside stating the same
//! instant; names valid on Windows; and 50 nights of a campaign leave
//! bundles no larger than what was received plus the reports.

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

fn names(zip: &Path) -> Vec<String> {
    entries(zip).into_iter().map(|(n, _)| n).collect()
}

/// The manifest's rows as header → cell maps.
fn manifest(zip: &Path) -> Vec<BTreeMap<String, String>> {
    let all = entries(zip);
    let (name, bytes) = all.last().unwrap();
    assert_eq!(name, "manifest.csv", "the manifest is the last entry");
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

/// The text of the report's Word file inside a bundle.
fn report_text(zip: &Path) -> String {
    let docx = entries(zip)
        .into_iter()
        .find(|(n, _)| n == "报告/报送情况汇总.docx")
        .unwrap()
        .1;
    let mut inner = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    inner
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn bundle(dir: &Path, name: &str) -> PathBuf {
    dir.join("out/t/archive").join(name)
}

fn bundles(dir: &Path) -> Vec<PathBuf> {
    let Ok(list) = std::fs::read_dir(dir.join("out/t/archive")) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = list
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    out.sort();
    out
}

fn archives_recorded(dir: &Path) -> i64 {
    rusqlite::Connection::open(dir.join("state/ledger.sqlite"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM archives", [], |r| r.get(0))
        .unwrap()
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// The summary is due at a fixed time (9 May 16:00), the photos five
/// working days after each activity; the campaign closes three days after
/// its last deadline.
const FIXED: &str = r#"
[campaign]
id = "t"
title = "测试活动"
office = "县行政审批服务局"
year = 2025

[paths]
schedule = "活动安排表.xlsx"

[archive]
grace_days = 3

[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document"]
keywords = ["总结"]
deadline = { at = "2025-05-09T16:00" }

[[deliverables]]
id = "photos"
name = "活动照片"
accept = ["photo"]
min_count = 3
deadline = { workdays_after_activity = 5, time = "24:00" }

[[units]]
name = "县卫生健康局"
aliases = ["县卫健局"]
"#;

#[test]
fn a_fixed_deadline_bundles_its_files_and_the_close_bundles_the_rest() {
    let dir = campaign(FIXED, &SCHEDULE);
    let d = dir.path();

    // 6 May: 县卫健局's summary and three photos.
    put(d, "县卫健局/活动总结.docx", &summary("县卫健局活动总结"));
    for i in 0..3 {
        let taken = "2025:04:28 10:00:00";
        put(
            d,
            &format!("县卫健局/照片{i}.jpg"),
            &photo(i, taken, 800, 600),
        );
    }
    run_ok(d, &["--now", "2025-05-06T20:00"]);
    assert_eq!(archives_recorded(d), 0, "no deadline has passed yet");

    // 7 May: a corrected summary; a summary from a name no unit has yet.
    // 县林业局's photos were due at the end of 6 May, a deadline counted
    // from its activity: no bundle of its own.
    let corrected = summary("县卫健局活动总结（修改稿）");
    put(d, "县卫健局/活动总结.docx", &corrected);
    put(d, "县护林办/活动总结.docx", &summary("县林业局活动总结"));
    run_ok(d, &["--now", "2025-05-07T20:00"]);
    assert_eq!(archives_recorded(d), 0, "{:?}", bundles(d));

    // 9 May, after the summaries' deadline (16:00): a late photo.
    let late = photo(9, "2025:04:28 11:00:00", 800, 600);
    put(d, "县卫健局/照片迟交.jpg", &late);
    let out = run_ok(d, &["--now", "2025-05-09T20:00"]);
    let due = bundle(d, "归档-20250509-1600-到期材料.zip");
    assert!(out.contains("归档-20250509-1600-到期材料.zip"), "{out}");
    assert_eq!(bundles(d), std::slice::from_ref(&due));
    let listed = names(&due);
    assert_eq!(
        listed[..listed.len() - 1],
        {
            let mut sorted = listed[..listed.len() - 1].to_vec();
            sorted.sort();
            sorted
        },
        "entries in name order, the manifest last"
    );
    for name in [
        "县卫生健康局/活动总结/活动总结.docx",
        "县卫生健康局/活动总结/活动总结（第1版）.docx",
        "报告/报送情况汇总.pdf",
        "报告/报送情况汇总.docx",
        "报告/报送情况统计表.xlsx",
        "manifest.csv",
    ] {
        assert!(listed.iter().any(|n| n == name), "{name} not in {listed:?}");
    }
    assert!(
        !listed
            .iter()
            .any(|n| n.contains("照片") || n.contains("未识别")),
        "only what was due at 16:00: {listed:?}"
    );
    // The name and the report inside state the same instant.
    let text = report_text(&due);
    assert!(text.contains("截至2025年5月9日16时"), "{text}");
    // Every row's hash is that of the file in the zip; the manifest's own
    // hash is beside the zip.
    let all = entries(&due);
    let rows = manifest(&due);
    assert_eq!(rows.len(), 2);
    for row in &rows {
        let (_, content) = all.iter().find(|(n, _)| *n == row["归档中的位置"]).unwrap();
        assert_eq!(row["SHA-256"], sha256(content), "{row:?}");
    }
    let sidecar =
        std::fs::read_to_string(bundle(d, "归档-20250509-1600-到期材料.zip.sha256")).unwrap();
    assert_eq!(
        sidecar,
        format!("{}  manifest.csv\n", sha256(&all.last().unwrap().1))
    );

    // 12 May 20:00: the campaign closed at 16:00 (last deadline + 3 days).
    let out = run_ok(d, &["--now", "2025-05-12T20:00"]);
    let closing = bundle(d, "归档-20250512-1600-全部材料.zip");
    assert!(out.contains("归档-20250512-1600-全部材料.zip"), "{out}");
    let listed = names(&closing);
    for name in [
        "县卫生健康局/活动照片/照片0.jpg",
        "县卫生健康局/活动照片/照片迟交.jpg",
        "未识别单位/未归类/活动总结.docx",
    ] {
        assert!(listed.iter().any(|n| n == name), "{name} not in {listed:?}");
    }
    // The summaries are listed, not held again: their rows name the
    // deadline's bundle.
    assert!(
        !listed
            .iter()
            .any(|n| n.starts_with("县卫生健康局/活动总结")),
        "{listed:?}"
    );
    let rows = manifest(&closing);
    assert_eq!(
        rows.len(),
        7,
        "every version: 2 summaries, 4 photos, 1 unknown"
    );
    let summaries: Vec<_> = rows.iter().filter(|r| r["材料"] == "活动总结").collect();
    assert_eq!(summaries.len(), 2);
    for r in &summaries {
        assert!(
            r["归档中的位置"]
                .starts_with("归档-20250509-1600-到期材料.zip › 县卫生健康局/活动总结/"),
            "{r:?}"
        );
    }
    let latest = summaries.iter().find(|r| r["版本"] == "2/2").unwrap();
    assert_eq!(latest["SHA-256"], sha256(&corrected));
    assert!(report_text(&closing).contains("截至2025年5月12日16时"));

    // Later batches make neither again.
    let (made_due, made_closing) = (modified(&due), modified(&closing));
    run_ok(d, &["--now", "2025-05-13T20:00"]);
    assert_eq!(archives_recorded(d), 2);
    assert_eq!(
        (modified(&due), modified(&closing)),
        (made_due, made_closing)
    );

    // The office registers 县护林办 (a nickname no table of short names
    // knows) as 县林业局: its summary was due at 16:00 on 9 May, so both
    // bundles are made again.
    let toml = std::fs::read_to_string(d.join("campaign.toml")).unwrap();
    let toml = format!("{toml}\n[[units]]\nname = \"县林业局\"\naliases = [\"县护林办\"]\n");
    std::fs::write(d.join("campaign.toml"), toml).unwrap();
    let out = run_ok(d, &["--now", "2025-05-14T20:00"]);
    assert_eq!(out.matches("已重新生成").count(), 2, "{out}");
    assert!(
        names(&due)
            .iter()
            .any(|n| n == "县林业局/活动总结/活动总结.docx")
    );
    let listed = names(&closing);
    assert!(
        !listed.iter().any(|n| n.starts_with("未识别单位")),
        "{listed:?}"
    );
    assert_eq!(archives_recorded(d), 2);
    let remade = std::fs::read(&due).unwrap();

    // `baosong archive --at deadline` (the latest deadline passed) and
    // `--final` (the campaign has closed): the same bundles, same bytes.
    let closed = std::fs::read(&closing).unwrap();
    for _ in 0..2 {
        let out = baosong(d, &["archive", "--at", "deadline"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read(&due).unwrap() == remade, "not byte-identical");
        let out = baosong(d, &["archive", "--final"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::read(&closing).unwrap() == closed,
            "not byte-identical"
        );
    }
    assert_eq!(archives_recorded(d), 2);
}

#[test]
fn nothing_to_bundle_exits_8() {
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
    // Before the first deadline (县林业局's, the end of 6 May).
    let out = baosong(d, &["archive", "--at", "2025-05-06T12:00"]);
    assert_eq!(out.status.code(), Some(8));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("还没有已过的截止时间"), "{err}");
    assert!(err.contains("2025年5月6日 24:00"), "{err}");
    assert!(bundles(d).is_empty());
    // The latest deadline (县卫健局's, the end of 8 May) covered only
    // 县卫健局's summary… which is there; 县林业局's (6 May) nothing.
    let out = baosong(d, &["archive", "--at", "2025-05-07T08:00"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = bundle(d, "归档-20250507-0800-全部材料.zip");
    assert_eq!(manifest(&all).len(), 1);
    assert!(report_text(&all).contains("截至2025年5月7日8时"));
}

#[test]
fn names_in_a_bundle_are_valid_on_windows_nfc_and_unique() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    let nfc = "Caf\u{e9}活动照片.jpg";
    let nfd = "Cafe\u{301}活动照片.jpg";
    let taken = "2025:04:28 10:00:00";
    for (i, name) in ["LPT9.活动照片.jpg", "aux.活动照片z8.jpg", nfc, nfd]
        .into_iter()
        .enumerate()
    {
        put(
            d,
            &format!("县卫健局/{name}"),
            &photo(20 + i as u64, taken, 800, 600),
        );
    }
    run_ok(d, &["--now", "2025-05-06T20:00"]);
    let out = baosong(d, &["archive", "--final"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let zip = bundles(d).pop().unwrap();
    let listed = names(&zip);
    let folder = "县卫生健康局/活动照片/";
    let mut photos: Vec<&str> = listed
        .iter()
        .filter_map(|n| n.strip_prefix(folder))
        .collect();
    photos.sort();
    let mut want = vec![
        "_LPT9.活动照片.jpg".to_string(),
        "_aux.活动照片z8.jpg".to_string(),
        nfc.to_string(),
        format!("Caf\u{e9}活动照片（2）.jpg"),
    ];
    want.sort();
    assert_eq!(photos, want);
    let mut folded: Vec<String> = listed.iter().map(|n| n.to_lowercase()).collect();
    folded.sort();
    folded.dedup();
    assert_eq!(
        folded.len(),
        listed.len(),
        "two names Windows takes for one"
    );
}

/// A campaign of relative deadlines: eight units, each with its own day
/// in May; units send their summary and photos over the nights that
/// follow, some twice; the batch runs every night for 50 nights.
#[test]
fn fifty_nights_leave_bundles_no_larger_than_what_arrived_plus_the_reports() {
    const UNITS: [(&str, &str); 8] = [
        ("县公安局", "5月6日"),
        ("县林业局", "5月8日"),
        ("县财政局", "5月12日"),
        ("县民政局", "5月14日"),
        ("县司法局", "5月16日"),
        ("县审计局", "5月20日"),
        ("县统计局", "5月22日"),
        ("县教育局", "5月27日"),
    ];
    let schedule: Vec<(&str, &str, &str)> = UNITS
        .iter()
        .map(|&(unit, day)| (unit, "政务公开宣传", day))
        .collect();
    let toml = concat!(campaign_toml!(), "\n[archive]\ngrace_days = 5\n");
    let dir = campaign(toml, &schedule);
    let d = dir.path();
    let start = chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    let mut received = 0u64;
    for night in 0..50u64 {
        let day = start + chrono::Days::new(night);
        for (i, &(unit, when)) in UNITS.iter().enumerate() {
            let activity =
                chrono::NaiveDate::parse_from_str(&format!("2025年{when}"), "%Y年%m月%d日")
                    .unwrap();
            let i = i as u64;
            // Photos the day after the activity, the summary two days
            // after, and every other unit a corrected summary a week on.
            let mut send = |name: String, bytes: Vec<u8>| {
                received += bytes.len() as u64;
                put(d, &format!("{unit}/{name}"), &bytes);
            };
            if day == activity + chrono::Days::new(1) {
                let taken = format!("{}:10:00:00", activity.format("%Y:%m:%d"));
                for k in 0..4 {
                    send(
                        format!("照片{k}.jpg"),
                        photo(100 * i + k, &taken, 1200, 900),
                    );
                }
            }
            if day == activity + chrono::Days::new(2) {
                send("活动总结.docx".into(), summary(&format!("{unit}活动总结")));
            }
            if i.is_multiple_of(2) && day == activity + chrono::Days::new(9) {
                send(
                    "活动总结.docx".into(),
                    summary(&format!("{unit}活动总结（修改）")),
                );
            }
        }
        run_ok(d, &["--now", &format!("{}T21:00", day.format("%Y-%m-%d"))]);
    }
    // Deadlines counted from activities: only the closing bundle (the
    // last deadline is 4 June 24:00, after the 端午 holiday; the close 5
    // days later).
    let made = bundles(d);
    let closing = bundle(d, "归档-20250609-2400-全部材料.zip");
    assert_eq!(made, std::slice::from_ref(&closing));
    let within = |made: &[PathBuf]| {
        let (mut total, mut reports) = (0u64, 0u64);
        for zip in made {
            total += std::fs::metadata(zip).unwrap().len();
            let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
            for i in 0..archive.len() {
                let f = archive.by_index_raw(i).unwrap();
                if f.name().is_ok_and(|n| n.starts_with("报告/")) {
                    reports += f.compressed_size();
                }
            }
        }
        // Zip headers, the manifest: a few KB a bundle.
        let slack = 64 * 1024 * made.len() as u64;
        assert!(
            total <= received + reports + slack,
            "bundles {total} B > received {received} B + reports {reports} B"
        );
    };
    within(&made);
    let rows = manifest(&made[0]);
    assert_eq!(rows.len(), 8 * 5 + 4, "every version of every file");

    // The office asks for a bundle per deadline after all: each holds its
    // own files, and the closing bundle now lists those by reference.
    let toml = std::fs::read_to_string(d.join("campaign.toml")).unwrap();
    let toml = toml.replace("[archive]\n", "[archive]\nrelative_deadlines = true\n");
    std::fs::write(d.join("campaign.toml"), toml).unwrap();
    run_ok(d, &["--now", "2025-06-20T21:00"]);
    let made = bundles(d);
    assert_eq!(made.len(), 1 + 8, "{made:?}");
    within(&made);
    let rows = manifest(&closing);
    assert_eq!(rows.len(), 8 * 5 + 4);
    // The four corrections came after their deadlines: only they are
    // held by the closing bundle itself.
    let elsewhere = rows
        .iter()
        .filter(|r| r["归档中的位置"].contains("-到期材料.zip › "))
        .count();
    assert_eq!(elsewhere, 8 * 5);
}
