//! The third shipped example, 城东区 2024 (`examples/chengdong-2024`): a
//! district's year, each unit's 活动方案 due five working days before its
//! own activity and its 情况报告 and photos five after, an optional video,
//! times written every way, a joint row, a re-dated and a cancelled
//! activity. Replayed over six nights with the schedule as the office had
//! it each night; every unit × deliverable state checked each night.

use std::path::{Path, PathBuf};

use baosong_generate::chengdong::{self, NIGHTS, REDATED};
use serde_json::Value;

use super::{copy_in, decoded_text};
use crate::campaign::*;

fn example() -> PathBuf {
    repo().join("examples/chengdong-2024")
}

const P: &str = "pending";
const OK: &str = "on_time";
const LATE: &str = "late";
const OVER: &str = "overdue";
const INC: &str = "incomplete";
const EX: &str = "exempt";
/// No item: an optional deliverable nothing has come for.
const NONE: &str = "-";

/// Every unit × deliverable on each night (20 March, 13 May, 13 August,
/// 27 September, 16 October, 18 December 2024).
const EXPECTED: [(&str, &str, [&str; 6]); 46] = [
    // 3月15日: plan due 8 March, the rest 22 March; all on time.
    ("区发展和改革局", "plan", [OK, OK, OK, OK, OK, OK]),
    ("区发展和改革局", "report", [OK, OK, OK, OK, OK, OK]),
    ("区发展和改革局", "photos", [OK, OK, OK, OK, OK, OK]),
    ("区发展和改革局", "video", [NONE; 6]),
    // 4月下旬 (21–30 April): plan due 15 April, sent the 17th; report due
    // 10 May (劳动节), sent Monday the 13th with two photos.
    (
        "区人力资源和社会保障局",
        "plan",
        [P, LATE, LATE, LATE, LATE, LATE],
    ),
    (
        "区人力资源和社会保障局",
        "report",
        [P, LATE, LATE, LATE, LATE, LATE],
    ),
    (
        "区人力资源和社会保障局",
        "photos",
        [P, INC, INC, INC, INC, INC],
    ),
    ("区人力资源和社会保障局", "video", [NONE; 6]),
    // 5月16日-17日: plan due 10 May (the 调休 Saturday counted), never
    // sent; report, photos and a video on 22 May.
    ("区卫生健康局", "plan", [P, OVER, OVER, OVER, OVER, OVER]),
    ("区卫生健康局", "report", [P, P, OK, OK, OK, OK]),
    ("区卫生健康局", "photos", [P, P, OK, OK, OK, OK]),
    ("区卫生健康局", "video", [NONE, NONE, OK, OK, OK, OK]),
    // 6月: plan due 27 May, on time; the rest due 5 July, came the 8th —
    // the video too, and an optional item is never late.
    ("区市场监督管理局", "plan", [P, P, OK, OK, OK, OK]),
    ("区市场监督管理局", "report", [P, P, LATE, LATE, LATE, LATE]),
    ("区市场监督管理局", "photos", [P, P, LATE, LATE, LATE, LATE]),
    ("区市场监督管理局", "video", [NONE, NONE, OK, OK, OK, OK]),
    // The joint row, 7月10日: the plan from one unit, the report from the other.
    ("区医疗保障局", "plan", [P, P, OK, OK, OK, OK]),
    ("区医疗保障局", "report", [P, P, OK, OK, OK, OK]),
    ("区医疗保障局", "photos", [P, P, OK, OK, OK, OK]),
    ("区财政局", "plan", [P, P, OK, OK, OK, OK]),
    ("区财政局", "report", [P, P, OK, OK, OK, OK]),
    ("区财政局", "photos", [P, P, OK, OK, OK, OK]),
    // 第三季度: plan due 24 June; report due 12 October (国庆, the 调休
    // Saturday), sent Monday the 14th.
    ("区民政局", "plan", [P, P, OK, OK, OK, OK]),
    ("区民政局", "report", [P, P, P, P, LATE, LATE]),
    ("区民政局", "photos", [P, P, P, P, LATE, LATE]),
    // 8月16日, then 9月20日: the plan sent 12 August is late for the first
    // date (due 9 August) and on time for the second (due 12 September).
    ("区住房和城乡建设局", "plan", [P, P, LATE, OK, OK, OK]),
    ("区住房和城乡建设局", "report", [P, P, P, OK, OK, OK]),
    ("区住房和城乡建设局", "photos", [P, P, P, OK, OK, OK]),
    // 9月（待定）: counted as September, and the office told so.
    ("区教育局", "plan", [P, P, OK, OK, OK, OK]),
    ("区教育局", "report", [P, P, P, P, OVER, OVER]),
    ("区教育局", "photos", [P, P, P, P, OVER, OVER]),
    // 10月9日: plan due 26 September (国庆, the 调休 Sunday), on time; no
    // report; photos late on 21 October.
    ("区应急管理局", "plan", [P, P, P, OK, OK, OK]),
    ("区应急管理局", "report", [P, P, P, P, OVER, OVER]),
    ("区应急管理局", "photos", [P, P, P, P, OVER, LATE]),
    // Cancelled in campaign.toml.
    ("区退役军人事务局", "plan", [EX; 6]),
    ("区退役军人事务局", "report", [EX; 6]),
    ("区退役军人事务局", "photos", [EX; 6]),
    // 11月中旬: all on time.
    ("区司法局", "plan", [P, P, P, P, P, OK]),
    ("区司法局", "report", [P, P, P, P, P, OK]),
    ("区司法局", "photos", [P, P, P, P, P, OK]),
    // 12月上旬: no plan (due 25 November); report and photos dropped into a
    // folder the night after their deadline.
    ("东湖街道办事处", "plan", [P, P, P, P, P, OVER]),
    ("东湖街道办事处", "report", [P, P, P, P, P, LATE]),
    ("东湖街道办事处", "photos", [P, P, P, P, P, LATE]),
    // 待定: no deadline, never chased, the office asked every night.
    ("国家税务总局临江市城东区税务局", "plan", [P; 6]),
    ("国家税务总局临江市城东区税务局", "report", [P; 6]),
    ("国家税务总局临江市城东区税务局", "photos", [P; 6]),
];

/// A unit's item of a deliverable (each unit here has one activity).
fn item<'a>(s: &'a Value, unit: &str, deliverable: &str) -> Option<&'a Value> {
    let unit = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == unit)
        .unwrap_or_else(|| panic!("{unit} not in the status"));
    let activities = unit["activities"].as_array().unwrap();
    assert_eq!(activities.len(), 1, "{unit}");
    activities[0]["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == deliverable)
}

fn state(s: &Value, unit: &str, deliverable: &str) -> String {
    item(s, unit, deliverable).map_or(NONE.to_string(), |i| {
        i["state"].as_str().unwrap().to_string()
    })
}

/// The decoded messages of a kind written so far, with their file names.
fn messages(dir: &Path, kind: &str) -> Vec<(String, String)> {
    let outbox = dir.join("out/chengdong-2024/outbox");
    let Ok(entries) = std::fs::read_dir(&outbox) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .contains(&format!("-{kind}-"))
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                decoded_text(&std::fs::read(&p).unwrap()),
            )
        })
        .collect()
}

fn warnings(s: &Value) -> Vec<String> {
    s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(s["questions"].as_array().unwrap())
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_chengdong_example_replayed_night_by_night() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(example().join("campaign.toml"), d.join("campaign.toml")).unwrap();
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    let entries = chengdong::inbox();
    let mut last = Value::Null;
    for (night, clock) in NIGHTS.iter().enumerate() {
        // The schedule as the office had it that night.
        std::fs::write(d.join("活动安排表.xlsx"), chengdong::schedule_xlsx(night)).unwrap();
        for (_, rel, _) in entries.iter().filter(|(n, _, _)| *n == night) {
            copy_in(&example(), d, rel);
        }
        let stdout = run_ok(d, &["--now", clock]);
        one_message_per_unit(&d.join("out/chengdong-2024/outbox"), clock);
        let s = status(d);
        for (unit, deliverable, states) in EXPECTED {
            assert_eq!(
                state(&s, unit, deliverable),
                states[night],
                "night {} ({clock}): {unit} {deliverable}\n{stdout}",
                night + 1
            );
        }
        // Every activity is counted once, in one state: the totals add up
        // to the schedule's 13 entries (the joint row once).
        let total: u64 = s["counts"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(total, 13, "night {}: {}", night + 1, s["counts"]);

        // The undated activity and the tentative one are asked of the
        // office every night; the re-dating is said once, the night after.
        let said = warnings(&s);
        let asked = |text: &str| said.iter().filter(|w| w.contains(text)).count();
        assert_eq!(asked("D16单元格）：开展时间“待定”"), 1, "{said:?}");
        assert_eq!(asked("D11单元格）：开展时间“9月（待定）”"), 1, "{said:?}");
        let redated = format!(
            "{}“老旧小区改造政策解读”的活动时间由{}调整为{}",
            REDATED.0, REDATED.1, REDATED.2
        );
        assert_eq!(
            asked(&redated),
            usize::from(night == REDATED.3),
            "night {}: {said:?}",
            night + 1
        );
        last = s;
    }

    // The leaders' totals add up to the 13 entries, the joint row once.
    let board = std::fs::read_to_string(d.join("out/chengdong-2024/latest/index.html")).unwrap();
    for expected in [
        "14个单位共安排活动13项（其中联合开展1项）",
        "已报齐6项",
        "未按要求报送5项",
        "尚未到报送时限1项，其中1项开展时间未定",
        "另有1项免报或已取消",
        "报送情况一览表（13场活动）",
        "已报送（可选）",
        "未报送（可选）",
    ] {
        assert!(board.contains(expected), "{expected}");
    }

    // Nobody is chased for an optional video, the cancelled activity or
    // the undated one.
    let reminders = messages(d, "reminder");
    assert!(!reminders.is_empty());
    for (name, text) in &reminders {
        assert!(!text.contains("活动视频"), "{name}\n{text}");
        for unit in ["区退役军人事务局", "国家税务总局临江市城东区税务局"] {
            assert!(!name.contains(unit), "{name}\n{text}");
        }
    }
    // Deadlines on both sides of the holidays and 调休 days, as stated.
    let due =
        |unit: &str, deliverable: &str| item(&last, unit, deliverable).unwrap()["due"].clone();
    assert_eq!(due("区卫生健康局", "plan"), "2024年5月10日 24:00");
    assert_eq!(
        due("区人力资源和社会保障局", "report"),
        "2024年5月10日 24:00"
    );
    assert_eq!(due("区民政局", "report"), "2024年10月12日 24:00");
    assert_eq!(due("区应急管理局", "plan"), "2024年9月26日 24:00");
    assert_eq!(due("区住房和城乡建设局", "plan"), "2024年9月12日 24:00");
    assert_eq!(due("东湖街道办事处", "plan"), "2024年11月25日 24:00");
    let late = |unit: &str, deliverable: &str| {
        item(&last, unit, deliverable).unwrap()["late_workdays"].clone()
    };
    // 11 May, a Saturday, was a working day: sent on the 13th, two days late.
    assert_eq!(late("区人力资源和社会保障局", "report"), 2);
    assert_eq!(late("区民政局", "report"), 1);
    assert_eq!(late("区应急管理局", "photos"), 4);
    assert_eq!(
        item(&last, "区市场监督管理局", "video").unwrap()["label"],
        "已报送（可选）"
    );
    assert_eq!(
        item(&last, "区财政局", "plan").unwrap()["label"],
        "按时报送（联合报送）"
    );
    assert_eq!(
        item(&last, "国家税务总局临江市城东区税务局", "plan").unwrap()["detail"],
        "待报送（截止时间未定）"
    );
    assert!(
        last["unassigned"].as_array().unwrap().is_empty(),
        "{}",
        last["unassigned"]
    );

    // One run at the campaign's clock over the whole inbox ends the same.
    let whole = tempfile::tempdir().unwrap();
    copy_tree(&example(), whole.path());
    let _ = std::fs::remove_dir_all(whole.path().join("out"));
    let _ = std::fs::remove_dir_all(whole.path().join("state"));
    run_ok(whole.path(), &[]);
    let once = status(whole.path());
    assert_eq!(once["units"], last["units"]);
    assert_eq!(once["counts"], last["counts"]);
}

#[test]
fn init_on_the_chengdong_schedule_then_the_notice_gives_a_campaign_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(example().join("活动安排表.xlsx"), d.join("活动安排表.xlsx")).unwrap();
    let stdout = super::init(d, "活动安排表.xlsx");
    for expected in [
        "工作表“活动安排”：活动表，13项活动（表头在第2–3行（两行表头）",
        "联系方式/电子邮箱 → 邮箱",
        "年份：2024",
        "共14个单位、13项活动（其中联合开展1项）",
        "D16单元格）：开展时间“待定”尚未确定",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    // The deliverables as the notice states them; nothing else edited.
    let shipped: toml::Table = std::fs::read_to_string(example().join("campaign.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut notice = toml::Table::new();
    notice.insert("deliverables".into(), shipped["deliverables"].clone());
    super::set_deliverables(d, &toml::to_string(&notice).unwrap(), &[]);
    copy_tree(&example().join("inbox"), &d.join("inbox"));
    run_ok(d, &["--now", NIGHTS[5]]);
    let s = status(d);
    // Without the example's cancellation, that activity is owed like any.
    assert_eq!(state(&s, "区退役军人事务局", "plan"), "overdue");
    for (unit, deliverable, states) in EXPECTED {
        if states[5] != EX {
            assert_eq!(
                state(&s, unit, deliverable),
                states[5],
                "{unit} {deliverable}"
            );
        }
    }
    // The units' addresses come from the schedule's two-row header.
    let outbox = d.join(format!("out/{}/outbox", s["campaign"].as_str().unwrap()));
    let to_justice = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("区司法局"))
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect::<Vec<_>>();
    assert!(!to_justice.is_empty());
    assert!(
        to_justice
            .iter()
            .all(|m| m.contains("<sfj@cd.example.gov.cn>")),
        "{to_justice:?}"
    );
}
