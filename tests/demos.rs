//! The shipped examples through the real `baosong` binary: 泸溪 2025 (the
//! repository root), 建昌 2023 (`examples/jianchang-2023`) and 城东区 2024
//! (`examples/chengdong-2024`, in `demos/chengdong.rs`), each replayed
//! night by night with every unit × deliverable state checked each night and
//! one `baosong run` at the campaign's clock ending in the same states; the
//! committed files of every example being exactly what `baosong-generate`
//! writes; and `baosong init` on each demo's schedule, plus the deliverables
//! as the notice states them, giving a campaign that runs.

mod campaign;
#[path = "demos/chengdong.rs"]
mod chengdong;

use std::path::{Path, PathBuf};

use baosong_generate::jianchang::{self, NIGHTS};
use campaign::*;
use serde_json::Value;

fn demo() -> PathBuf {
    repo().join("examples/jianchang-2023")
}

/// Every unit × deliverable, its state on each of the three nights
/// (10 May, 19 May, 23 May 2023, 20:00).
const EXPECTED: [(&str, &str, [&str; 3]); 62] = {
    const P: &str = "pending";
    const OK: &str = "on_time";
    const LATE: &str = "late";
    const OVER: &str = "overdue";
    const EX: &str = "exempt";
    [
        // 访谈稿件, 附件1: due 11 May 16:00.
        ("县发改局", "interview", [OK, OK, OK]),
        ("县营商局", "interview", [P, LATE, LATE]), // 16:00:00 is late
        ("县工信局", "interview", [P, OVER, OVER]),
        ("县农业农村局", "interview", [OK, OK, OK]), // joint, filed by its partner
        ("县乡村振兴局", "interview", [OK, OK, OK]),
        ("县文旅局", "interview", [P, OK, OK]), // a GBK e-mail
        ("县招商中心", "interview", ["invalid", LATE, LATE]), // .doc, then .docx
        ("县交通局", "interview", [P, OK, OK]), // 15:59:30
        ("县市场局", "interview", [OK, OK, OK]),
        ("县住建局", "interview", [EX, EX, EX]), // cancelled
        ("葫芦岛市生态环境局建昌分局", "interview", [OK, OK, OK]),
        ("县自然资源局", "interview", [P, LATE, LATE]),
        ("县水利局", "interview", [OK, OK, OK]),
        ("县人社局", "interview", [P, OVER, OVER]),
        ("县民政局", "interview", [OK, OK, OK]),
        ("县卫健局", "interview", [OK, OK, OK]),
        // 活动总结, 附件1 ∪ 附件2, one per unit: due 23 May 16:00.
        ("县发改局", "summary", [P, P, OK]),
        ("县营商局", "summary", [P, P, OK]),
        ("县工信局", "summary", [P, OK, OK]),
        ("县农业农村局", "summary", [P, OK, OK]),
        ("县乡村振兴局", "summary", [P, P, OVER]), // its own duty, not joint
        ("县文旅局", "summary", [P, P, OK]),
        ("县招商中心", "summary", [P, P, OVER]),
        ("县交通局", "summary", [P, P, LATE]), // GBK zip copied in after 16:00
        ("县市场局", "summary", [P, P, OK]),
        ("县住建局", "summary", [P, P, OVER]),
        ("葫芦岛市生态环境局建昌分局", "summary", [P, OK, OK]),
        ("县自然资源局", "summary", [P, P, OK]),
        ("县水利局", "summary", [P, P, "invalid"]), // .doc
        ("县人社局", "summary", [P, P, OVER]),
        ("县民政局", "summary", [P, P, OK]), // resubmitted after the deadline
        ("县卫健局", "summary", [P, P, LATE]),
        ("县教育局", "summary", [P, P, OK]),
        ("县公安局", "summary", [EX, EX, EX]),
        ("县司法局", "summary", [P, P, OVER]),
        ("县综合执法局", "summary", [P, P, OK]),
        ("县应急局", "summary", [P, P, LATE]),
        ("县医保局", "summary", [P, OK, OK]),
        ("县税务局", "summary", [P, P, OK]), // 15:59
        // 记录照片, at least 3.
        ("县发改局", "photos", [P, P, OK]),
        ("县营商局", "photos", [P, P, OK]),
        ("县工信局", "photos", [P, "incomplete", "incomplete"]), // 2 of 3
        ("县农业农村局", "photos", [P, OK, OK]),
        ("县乡村振兴局", "photos", [P, P, OVER]),
        ("县文旅局", "photos", [P, P, OK]),
        ("县招商中心", "photos", [P, P, OVER]),
        ("县交通局", "photos", [P, P, LATE]),
        ("县市场局", "photos", [P, P, "incomplete"]), // a near-duplicate
        ("县住建局", "photos", [P, P, OVER]),
        ("葫芦岛市生态环境局建昌分局", "photos", [P, OK, OK]),
        ("县自然资源局", "photos", [P, P, OK]),
        ("县水利局", "photos", [P, P, OK]),
        ("县人社局", "photos", [P, P, OVER]),
        ("县民政局", "photos", [P, P, OK]),
        ("县卫健局", "photos", [P, P, LATE]),
        ("县教育局", "photos", [P, P, OK]),
        ("县公安局", "photos", [EX, EX, EX]),
        ("县司法局", "photos", [P, P, OVER]),
        ("县综合执法局", "photos", [P, P, LATE]), // a folder after 16:00
        ("县应急局", "photos", [P, P, LATE]),
        ("县医保局", "photos", [P, OK, OK]),
        ("县税务局", "photos", [P, P, OK]),
    ]
};

/// The one item of `deliverable` a unit has (the 建昌 units owe each once).
fn item<'a>(s: &'a Value, unit: &str, deliverable: &str) -> &'a Value {
    let items: Vec<&Value> = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["unit"] == unit)
        .flat_map(|u| u["activities"].as_array().unwrap())
        .flat_map(|a| a["deliverables"].as_array().unwrap())
        .filter(|d| d["id"] == deliverable)
        .collect();
    assert_eq!(items.len(), 1, "{unit} {deliverable}: {items:?}");
    items[0]
}

/// The demo's campaign.toml and schedule with an empty inbox.
fn empty_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["campaign.toml", "活动安排表.xlsx"] {
        std::fs::copy(demo().join(f), dir.path().join(f)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
    dir
}

fn copy_in(from: &Path, to: &Path, rel: &str) {
    let dest = to.join("inbox").join(rel);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::copy(from.join("inbox").join(rel), dest).unwrap();
}

fn mails(dir: &Path, kind: &str, unit: &str) -> Vec<String> {
    let outbox = dir.join("out/jianchang-2023/outbox");
    let Ok(entries) = std::fs::read_dir(&outbox) else {
        return Vec::new();
    };
    // Named by batch clock first: sorted, the latest comes last.
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains(&format!("-{kind}-")) && name.contains(unit)
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| decoded_text(&std::fs::read(p).unwrap()))
        .collect()
}

/// A sent message's text parts, decoded.
fn decoded_text(raw: &[u8]) -> String {
    let msg = mail_parser::MessageParser::default().parse(raw).unwrap();
    let mut text = msg.subject().unwrap_or_default().to_string();
    for i in 0..msg.text_body_count() {
        text.push('\n');
        text.push_str(&msg.body_text(i).unwrap_or_default());
    }
    text
}

#[test]
fn the_jianchang_demo_replayed_night_by_night() {
    let dir = empty_copy();
    let d = dir.path();
    let entries = jianchang::inbox();
    let mut last = Value::Null;
    for (night, clock) in NIGHTS.iter().enumerate() {
        for (_, rel, _) in entries.iter().filter(|(n, _, _)| *n == night) {
            copy_in(&demo(), d, rel);
        }
        let stdout = run_ok(d, &["--now", clock]);
        let written = one_message_per_unit(&d.join("out/jianchang-2023/outbox"), clock);
        assert!(written > 0, "night {}: no unit was written to", night + 1);
        let s = status(d);
        for (unit, deliverable, states) in EXPECTED {
            assert_eq!(
                item(&s, unit, deliverable)["state"],
                states[night],
                "night {} ({clock}): {unit} {deliverable}\n{stdout}",
                night + 1
            );
        }
        // Every unit × deliverable is in the table, nothing else.
        let items: usize = s["units"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|u| u["activities"].as_array().unwrap())
            .map(|a| a["deliverables"].as_array().unwrap().len())
            .sum();
        assert_eq!(items, EXPECTED.len(), "night {}", night + 1);
        assert_eq!(s["units"].as_array().unwrap().len(), 23);

        // Units that owe something and cannot be written to: every night,
        // in the status, the run's summary and the office digest.
        let line = |text: &str| -> String {
            text.lines()
                .find(|l| l.contains("无法发送催报："))
                .unwrap_or_default()
                .to_string()
        };
        let warnings = s["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let digest = mails(d, "digest", "").pop().unwrap_or_default();
        for unit in ["县人社局", "县司法局", "县税务局"] {
            // 县税务局 has handed everything in by night 3.
            let expected = night < 2 || unit != "县税务局";
            for (what, text) in [
                ("status", &warnings),
                ("stdout", &stdout),
                ("digest", &digest),
            ] {
                assert_eq!(
                    line(text).contains(unit),
                    expected,
                    "night {}, {what}: {unit}: {}",
                    night + 1,
                    line(text)
                );
            }
        }
        // The exempt unit is never chased.
        assert!(mails(d, "reminder", "县公安局").is_empty());
        last = s;
    }

    // What the report and the status say beyond the states.
    let joint = item(&last, "县农业农村局", "interview");
    assert_eq!(joint["label"], "按时报送（联合报送）");
    assert_eq!(
        joint["files"][0],
        "邮件/县乡村振兴局访谈稿件.eml!/乡村振兴联合访谈稿.docx"
    );
    assert_eq!(item(&last, "县住建局", "interview")["label"], "已取消");
    assert!(
        item(&last, "县住建局", "interview")["detail"]
            .as_str()
            .unwrap()
            .contains("访谈改期")
    );
    assert_eq!(item(&last, "县公安局", "summary")["label"], "免报");
    assert_eq!(item(&last, "县营商局", "interview")["late_workdays"], 0);
    assert_eq!(item(&last, "县自然资源局", "interview")["late_workdays"], 2);
    // The resubmission counts too; the first, on-time file completed it.
    let mz = item(&last, "县民政局", "summary");
    assert_eq!(mz["files"].as_array().unwrap().len(), 2, "{mz}");
    assert_eq!(mz["completed"], "2023年5月22日 09:00");
    assert_eq!(last["unassigned"].as_array().unwrap().len(), 4, "县财政局/");
    assert!(
        last["unassigned"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["path"].as_str().unwrap().starts_with("县财政局/"))
    );
    let questions = last["questions"].to_string();
    assert!(
        questions.contains("联系人") && questions.contains("E15"),
        "{questions}"
    );

    // One run at the campaign's clock over the whole inbox ends the same.
    let whole = tempfile::tempdir().unwrap();
    copy_tree(&demo(), whole.path());
    let _ = std::fs::remove_dir_all(whole.path().join("out"));
    let _ = std::fs::remove_dir_all(whole.path().join("state"));
    run_ok(whole.path(), &[]);
    let once = status(whole.path());
    assert_eq!(once["units"], last["units"]);
    assert_eq!(once["clock"], last["clock"]);
}

/// 泸溪's May activities (due 9 June 24:00, after the 端午 holiday) and its
/// one June activity with files: (seq, unit, summary, photos) on the nights
/// of 4, 9 and 13 June 2025. Every other activity is pending all along.
const LUXI: [(&str, &str, [&str; 3], [&str; 3]); 14] = {
    const P: &str = "pending";
    const OK: &str = "on_time";
    const LATE: &str = "late";
    const OVER: &str = "overdue";
    const BAD: &str = "invalid";
    [
        ("1", "县公安局", [OK, OK, OK], [OK, OK, OK]),
        ("2", "县卫生健康局", [P, P, LATE], [P, P, LATE]),
        ("3", "县司法局", [P, P, OVER], [P, P, OVER]),
        (
            "4",
            "县信访局",
            [P, OK, OK],
            [P, "incomplete", "incomplete"],
        ),
        ("5", "县住房和城乡建设局", [P, OK, OK], [P, OK, OK]),
        ("6", "县残疾人联合协会", [P, P, OVER], [P, OK, OK]),
        ("7", "县交通运输局", [P, P, BAD], [P, P, LATE]),
        ("8", "县财政局", [BAD, OK, OK], [P, OK, OK]), // a blank template first
        ("9", "县林业局", [P, P, OK], [P, P, OK]),     // extended to 20 June
        ("10", "县民政局", [P, P, LATE], [P, P, LATE]),
        ("11", "潭溪镇人民政府", [P, P, LATE], [P, P, LATE]),
        ("12", "县医疗保障局", [P, P, OVER], [P, P, OVER]),
        ("13", "县城市管理和综合执法局", [P, P, OVER], [P, P, OVER]),
        ("18", "湘西州生态环境局泸溪分局", [P, P, OK], [P, P, OK]),
    ]
};

#[test]
fn the_luxi_demo_replayed_night_by_night() {
    const NIGHTS: [&str; 3] = ["2025-06-04T20:00", "2025-06-09T20:00", "2025-06-13T20:00"];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for f in ["campaign.toml", "活动安排表.xlsx"] {
        std::fs::copy(repo().join(f), d.join(f)).unwrap();
    }
    copy_tree(&repo().join("templates"), &d.join("templates"));
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    // An e-mail is in the inbox from the first night after the server got
    // it; a file copied into a folder, from the last night (the demo's
    // folder files all arrived after the 9 June deadline).
    let night_of = |rel: &Path| -> usize {
        let raw = std::fs::read(repo().join("inbox").join(rel)).unwrap();
        if rel.extension().is_some_and(|e| e == "eml") {
            let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let received = msg.received().and_then(|r| r.date()).unwrap().to_rfc3339();
            let received = chrono::DateTime::parse_from_rfc3339(&received).unwrap();
            NIGHTS
                .iter()
                .position(|n| {
                    chrono::DateTime::parse_from_rfc3339(&format!("{n}:00+08:00")).unwrap()
                        >= received
                })
                .unwrap()
        } else {
            NIGHTS.len() - 1
        }
    };
    let files: Vec<(usize, PathBuf)> = walkdir::WalkDir::new(repo().join("inbox"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(repo().join("inbox"))
                .unwrap()
                .to_path_buf()
        })
        .map(|rel| (night_of(&rel), rel))
        .collect();
    let mut last = Value::Null;
    for (night, clock) in NIGHTS.iter().enumerate() {
        for (_, rel) in files.iter().filter(|(n, _)| *n == night) {
            copy_in(&repo(), d, rel.to_str().unwrap());
        }
        run_ok(d, &["--now", clock]);
        let written = one_message_per_unit(&d.join("out/luxi-2025/outbox"), clock);
        assert!(written > 0, "night {}: no unit was written to", night + 1);
        let s = status(d);
        let mut checked = 0;
        for u in s["units"].as_array().unwrap() {
            for a in u["activities"].as_array().unwrap() {
                let seq = a["seq"].as_str().unwrap();
                let expected = LUXI.iter().find(|(q, _, _, _)| *q == seq);
                for (id, i) in [("summary", 0), ("photos", 1)] {
                    let want = match expected {
                        Some((_, unit, summary, photos)) => {
                            assert_eq!(u["unit"], *unit);
                            [summary, photos][i][night]
                        }
                        None => "pending",
                    };
                    assert_eq!(
                        state(&s, u["unit"].as_str().unwrap(), seq, id),
                        want,
                        "night {} ({clock}): {} {seq} {id}",
                        night + 1,
                        u["unit"]
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 72, "36 activities × 2 deliverables");
        last = s;
    }
    // One run at the demo's clock over the whole inbox ends the same.
    let whole = demo_copy();
    run_ok(whole.path(), &[]);
    assert_eq!(status(whole.path())["units"], last["units"]);
}

#[test]
fn the_committed_examples_are_what_generate_writes() {
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(root.join("inbox"))
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .chain([root.join("活动安排表.xlsx")])
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                (p.strip_prefix(root).unwrap().to_path_buf(), bytes)
            })
            .collect();
        v.sort();
        v
    };
    for example in baosong_generate::EXAMPLES {
        let dir = tempfile::tempdir().unwrap();
        (example.write)(dir.path()).unwrap();
        let (committed, fresh) = (files(&repo().join(example.folder)), files(dir.path()));
        assert_eq!(
            committed.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            fresh.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            "{}",
            example.name
        );
        for ((p, a), (_, b)) in committed.iter().zip(&fresh) {
            assert!(
                a == b,
                "{}: {} differs from what `baosong-generate example {}` writes",
                example.name,
                p.display(),
                example.name
            );
        }
    }
}

/// `baosong init --schedule` in a fresh folder; returns its stdout.
fn init(dir: &Path, schedule: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .args(["init", "--schedule"])
        .arg(dir.join(schedule))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("inbox").is_dir() && dir.join("templates").is_dir());
    stdout
}

/// Replaces the deliverables of the campaign.toml `init` wrote.
fn set_deliverables(dir: &Path, deliverables: &str, extra: &[(&str, toml::Value)]) {
    let path = dir.join("campaign.toml");
    let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let d: toml::Table = deliverables.parse().unwrap();
    table.insert("deliverables".into(), d["deliverables"].clone());
    for (key, value) in extra {
        table["campaign"]
            .as_table_mut()
            .unwrap()
            .insert(key.to_string(), value.clone());
    }
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
}

#[test]
fn init_on_the_jianchang_schedule_then_the_notice_gives_a_campaign_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(demo().join("活动安排表.xlsx"), d.join("活动安排表.xlsx")).unwrap();
    let stdout = init(d, "活动安排表.xlsx");
    for expected in [
        "工作表“附件1”：活动表，15项活动",
        "工作表“附件2”：单位名单，21个单位",
        "工作表“联系人”：联系人表，22行",
        "年份：2023",
        "共23个单位",
        "“生态环境局建昌分局”与工作表“附件2”第11行的“葫芦岛市生态环境局建昌分局”视为同一单位",
        "第15行（E15单元格）：邮箱“rsj@@jc.example.gov.cn”格式不正确",
        "下一步",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    let text = std::fs::read_to_string(d.join("campaign.toml")).unwrap();
    assert!(text.contains("schedule = \"活动安排表.xlsx\""), "{text}");
    assert!(text.contains("year = 2023"), "{text}");
    // The deliverables as the notice states them; nothing else edited.
    set_deliverables(
        d,
        r#"
[[deliverables]]
id = "interview"
name = "访谈稿件"
accept = ["document", "pdf"]
keywords = ["访谈"]
units = { group = "附件1" }
deadline = { at = "2023-05-11T16:00" }

[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document", "pdf"]
keywords = ["总结"]
units = { group = ["附件1", "附件2"] }
per = "unit"
deadline = { at = "2023-05-23T16:00" }

[[deliverables]]
id = "photos"
name = "记录照片"
accept = ["photo"]
min_count = 3
units = { group = ["附件1", "附件2"] }
per = "unit"
deadline = { at = "2023-05-23T16:00" }
"#,
        &[],
    );
    copy_tree(&demo().join("inbox"), &d.join("inbox"));
    run_ok(d, &["--now", NIGHTS[2]]);
    let s = status(d);
    // Without the demo's exemptions and alias, the states are the notice's own.
    assert_eq!(item(&s, "县住建局", "interview")["state"], "overdue");
    assert_eq!(item(&s, "县公安局", "summary")["state"], "overdue");
    for (unit, deliverable, states) in EXPECTED {
        if states[2] != "exempt" {
            assert_eq!(
                item(&s, unit, deliverable)["state"],
                states[2],
                "{unit} {deliverable}"
            );
        }
    }
}

#[test]
fn init_on_the_luxi_schedule_then_the_notice_gives_a_campaign_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(repo().join("活动安排表.xlsx"), d.join("活动安排表.xlsx")).unwrap();
    let stdout = init(d, "活动安排表.xlsx");
    assert!(stdout.contains("29个单位、36项活动"), "{stdout}");
    // The 泸溪 schedule states no year: the office is told to check it.
    assert!(stdout.contains("没有写明年份"), "{stdout}");
    let root: toml::Table = std::fs::read_to_string(repo().join("campaign.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut notice = toml::Table::new();
    notice.insert("deliverables".into(), root["deliverables"].clone());
    set_deliverables(
        d,
        &toml::to_string(&notice).unwrap(),
        &[("year", toml::Value::Integer(2025))],
    );
    copy_tree(&repo().join("inbox"), &d.join("inbox"));
    run_ok(d, &["--now", "2025-06-13T20:00"]);
    let s = status(d);
    assert_eq!(state(&s, "县公安局", "1", "summary"), "on_time");
    assert_eq!(state(&s, "县司法局", "3", "summary"), "overdue");
    assert_eq!(state(&s, "县信访局", "4", "photos"), "incomplete");
    assert_eq!(state(&s, "县交通运输局", "7", "summary"), "invalid");
}
