//! What offices change and get wrong mid-campaign, through the real
//! `baosong` binary: exemptions (免报) and cancelled activities (已取消)
//! never chased; a unit with no usable address reported every night it
//! owes something; a unit added to the schedule joining from the next
//! batch; an activity the office re-dates, said once and judged by its new
//! deadlines; a file of no unit naming one nearly, which holds that unit's
//! reminders until the office decides, or that the office assigns (and
//! un-assigns) with `baosong assign`; and campaign.toml mistakes stopping with the file, the line and
//! the right form while schedule mistakes never stop anything.

mod campaign;

use std::path::Path;

use campaign::*;
use rust_xlsxwriter::Workbook;

const TOML: &str = concat!(
    campaign_toml!(),
    r#"
[mail]
from = "office@example.gov.cn"
office = ["office@example.gov.cn"]

[reminders]
days_before = 0
every_after = 1
"#
);

/// A schedule with an 邮箱 column: (unit, theme, time, e-mail cell).
fn schedule(dir: &Path, rows: &[(&str, &str, &str, &str)]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["序号", "单位", "活动主题", "开展时间", "邮箱"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (unit, theme, time, email)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_number(r, 0, f64::from(r)).unwrap();
        for (c, v) in [unit, theme, time, email].iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16 + 1, **v).unwrap();
            }
        }
    }
    std::fs::write(
        dir.join("活动安排表.xlsx"),
        baosong_generate::files::save_workbook(&mut book),
    )
    .unwrap();
}

fn new_campaign(toml: &str, rows: &[(&str, &str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("campaign.toml"), toml).unwrap();
    std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
    schedule(dir.path(), rows);
    dir
}

fn item<'a>(s: &'a serde_json::Value, unit: &str, seq: &str, d: &str) -> &'a serde_json::Value {
    s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == unit)
        .and_then(|u| {
            u["activities"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["seq"] == seq)
        })
        .and_then(|a| {
            a["deliverables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == d)
        })
        .unwrap_or_else(|| panic!("{unit} {seq} {d}"))
}

#[test]
fn an_exempt_unit_and_a_cancelled_activity_are_never_chased() {
    let toml = format!(
        r#"{TOML}
[[exemptions]]
unit = "县林业局"
deliverable = "photos"
reason = "山区无法拍摄，经批准免报照片"

[[exemptions]]
unit = "县公安局"
activity = "反诈宣传"
reason = "活动并入禁毒宣传"
"#
    );
    let dir = new_campaign(
        &toml,
        &[
            ("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn"),
            ("县公安局", "反诈宣传", "5月8日", "gaj@example.gov.cn"),
            ("县林业局", "毒菇宣传", "4月25日", "lyj@example.gov.cn"),
        ],
    );
    let d = dir.path();
    // Tuesday 20 May: every deadline has passed.
    run_ok(d, &["--now", "2025-05-20T20:00"]);
    let s = status(d);
    let photos = item(&s, "县林业局", "3", "photos");
    assert_eq!(photos["state"], "exempt");
    assert_eq!(photos["label"], "免报");
    assert!(photos["detail"].as_str().unwrap().contains("山区无法拍摄"));
    assert_eq!(item(&s, "县林业局", "3", "summary")["state"], "overdue");
    for d_id in ["summary", "photos"] {
        let cancelled = item(&s, "县公安局", "2", d_id);
        assert_eq!(cancelled["state"], "exempt");
        assert_eq!(cancelled["label"], "已取消");
        assert!(
            cancelled["detail"]
                .as_str()
                .unwrap()
                .contains("并入禁毒宣传")
        );
        assert_eq!(item(&s, "县公安局", "1", d_id)["state"], "overdue");
    }
    let activity = s["units"][0]["activities"][1].clone();
    assert_eq!(activity["state"], "exempt", "{activity}");
    // Reminders name what is owed, never what is exempt.
    let reminders = sent(d, "reminder").join("\n====\n");
    assert!(reminders.contains("禁毒宣传"), "{reminders}");
    assert!(reminders.contains("毒菇宣传——活动总结"), "{reminders}");
    assert!(!reminders.contains("毒菇宣传——活动照片"), "{reminders}");
    assert!(!reminders.contains("反诈宣传"), "{reminders}");
}

#[test]
fn a_unit_without_a_usable_address_is_reported_every_night_it_owes() {
    let dir = new_campaign(
        TOML,
        &[
            ("县林业局", "毒菇宣传", "5月6日", "lyj@@example.gov.cn；"),
            ("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn"),
        ],
    );
    let d = dir.path();
    let text = "无法发送催报：县林业局没有有效邮箱";
    // Two nights while it owes: status, the run's summary, the digest.
    for (night, now) in ["2025-05-08T20:00", "2025-05-14T20:00"].iter().enumerate() {
        let out = baosong(d, &["run", "--settle", "0", "--quiet", "--now", now]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "bad contact data never stops a batch"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(text), "night {night}: {stdout}");
        let s = status(d);
        assert!(s["warnings"].to_string().contains(text));
        assert!(
            s["questions"].to_string().contains("第2行（E2单元格）"),
            "the bad address, by sheet, row and cell: {}",
            s["questions"]
        );
        let digests = sent(d, "digest");
        assert_eq!(digests.len(), night + 1);
        assert!(digests.iter().all(|m| m.contains(text)), "{digests:?}");
    }
    // Once it has handed everything in, it owes nothing: no more warning.
    put(d, "县林业局/活动总结.docx", &summary("县林业局活动总结"));
    for i in 0..3 {
        put(
            d,
            &format!("县林业局/照片{i}.jpg"),
            &photo(30 + i, "2025:05:06 10:00:00", 800, 600),
        );
    }
    let stdout = run_ok(d, &["--now", "2025-05-15T20:00"]);
    assert!(!stdout.contains(text), "{stdout}");
    assert!(!status(d)["warnings"].to_string().contains(text));
}

#[test]
fn a_unit_added_to_the_schedule_joins_from_the_next_batch() {
    let dir = new_campaign(
        TOML,
        &[("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn")],
    );
    let d = dir.path();
    run_ok(d, &["--now", "2025-05-09T20:00"]);
    assert_eq!(status(d)["units"].as_array().unwrap().len(), 1);
    // The office adds a row for 县民政局, whose activity is on 12 May.
    schedule(
        d,
        &[
            ("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn"),
            ("县民政局", "婚姻登记宣传", "5月12日", "mzj@example.gov.cn"),
        ],
    );
    run_ok(d, &["--now", "2025-05-13T20:00"]);
    let s = status(d);
    let added = item(&s, "县民政局", "2", "summary");
    assert_eq!(added["state"], "pending");
    // Five working days after its own activity: 13–16 and 19 May.
    assert_eq!(added["due"], "2025年5月19日 24:00");
    run_ok(d, &["--now", "2025-05-20T20:00"]);
    assert_eq!(
        item(&status(d), "县民政局", "2", "summary")["state"],
        "overdue"
    );
}

#[test]
fn a_re_dated_activity_is_said_once_and_judged_by_its_new_deadline() {
    let row = |time| [("县公安局", "禁毒宣传", time, "gaj@example.gov.cn")];
    let dir = new_campaign(TOML, &row("5月6日"));
    let d = dir.path();
    run_ok(d, &["--now", "2025-05-09T20:00"]);
    assert_eq!(
        item(&status(d), "县公安局", "1", "summary")["due"],
        "2025年5月13日 24:00"
    );
    // The office moves the activity to 12 May: five working days after it
    // is 19 May. On 14 May it would have been overdue under the old date.
    schedule(d, &row("5月12日"));
    let said = |d: &Path| -> Vec<String> {
        status(d)["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .filter(|w| w.contains("活动时间由"))
            .collect()
    };
    let stdout = run_ok(d, &["--now", "2025-05-14T20:00"]);
    let s = status(d);
    let moved = item(&s, "县公安局", "1", "summary");
    assert_eq!(moved["state"], "pending", "{moved}");
    assert_eq!(moved["due"], "2025年5月19日 24:00");
    let notice = said(d);
    assert_eq!(notice.len(), 1, "{notice:?}");
    assert!(
        notice[0].contains("县公安局“禁毒宣传”的活动时间由5月6日调整为5月12日")
            && notice[0].contains("截止时间相应调整为：活动总结、活动照片2025年5月19日 24:00"),
        "{notice:?}"
    );
    assert_eq!(
        stdout.matches("活动时间由5月6日调整为5月12日").count(),
        1,
        "{stdout}"
    );
    // Said once: the next batch knows the new time already.
    run_ok(d, &["--now", "2025-05-15T20:00"]);
    assert!(said(d).is_empty());
    // A file sent after the new deadline is late by the new one.
    put(
        d,
        "县公安局/禁毒宣传活动总结.docx",
        &summary("县公安局禁毒宣传活动总结"),
    );
    run_ok(d, &["--now", "2025-05-21T20:00"]);
    let late = item(&status(d), "县公安局", "1", "summary").clone();
    assert_eq!(
        (late["state"].as_str(), late["late_workdays"].as_i64()),
        (Some("late"), Some(2))
    );
}

#[test]
fn a_file_that_nearly_names_a_unit_holds_its_reminder_until_the_office_decides() {
    let rows = [
        ("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn"),
        ("县民政局", "婚姻登记宣传", "5月6日", "mzj@example.gov.cn"),
    ];
    let dir = new_campaign(TOML, &rows);
    let d = dir.path();
    // Both are overdue on 14 May; a summary whose name has 县公按局 (a
    // typo) lies at the inbox's top.
    put(
        d,
        "关于县公按局禁毒宣传活动总结.docx",
        &summary("县公安局禁毒宣传活动总结"),
    );
    run_ok(d, &["--now", "2025-05-14T20:00"]);
    let s = status(d);
    let unassigned = s["unassigned"].as_array().unwrap();
    assert_eq!(unassigned.len(), 1, "{unassigned:?}");
    assert_eq!(unassigned[0]["maybe_from"], serde_json::json!(["县公安局"]));
    let reason = unassigned[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("可能是县公安局（“县公按局”与之相近）"),
        "{reason}"
    );
    let reminders = sent(d, "reminder");
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert!(reminders[0].contains("县民政局"), "{reminders:?}");
    // The office renames the file: it counts (late: it came on 14 May),
    // and the unit is told it was received before and registered now.
    std::fs::rename(
        d.join("inbox/关于县公按局禁毒宣传活动总结.docx"),
        d.join("inbox/县公安局禁毒宣传活动总结.docx"),
    )
    .unwrap();
    run_ok(d, &["--now", "2025-05-15T20:00"]);
    let s = status(d);
    assert!(
        s["unassigned"].as_array().unwrap().is_empty(),
        "{}",
        s["unassigned"]
    );
    assert_eq!(item(&s, "县公安局", "1", "summary")["state"], "late");
    let receipts = sent(d, "receipt");
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert!(
        receipts[0].contains("收到时间：2025年5月14日 20:00（北京时间）（此前已收到，现已登记）"),
        "{}",
        receipts[0]
    );
    // Registered once: the next batch sends nothing more for it.
    run_ok(d, &["--now", "2025-05-16T20:00"]);
    assert_eq!(sent(d, "receipt").len(), 1);
}

#[test]
fn the_office_assigns_a_file_of_no_unit_and_can_undo_it() {
    let dir = new_campaign(
        TOML,
        &[
            ("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn"),
            ("县民政局", "婚姻登记宣传", "5月6日", "mzj@example.gov.cn"),
        ],
    );
    let d = dir.path();
    // A summary no name ties to a unit, at the inbox's top, on 14 May.
    put(d, "活动材料.docx", &summary("禁毒宣传活动总结"));
    run_ok(d, &["--now", "2025-05-14T20:00"]);
    assert_eq!(status(d)["unassigned"].as_array().unwrap().len(), 1);
    let assign = |args: &[&str]| {
        let mut all = vec!["assign"];
        all.extend_from_slice(args);
        let out = baosong(d, &all);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // What the office names wrong is said, with exit 9, and records nothing.
    let (code, _, err) = assign(&["活动材料.docx", "县公按局"]);
    assert_eq!(code, Some(9), "{err}");
    assert!(
        err.contains("没有单位“县公按局”；是不是“县公安局”？"),
        "{err}"
    );
    let (code, _, err) = assign(&["没有这个.docx", "县公安局"]);
    assert_eq!(code, Some(9), "{err}");
    assert!(err.contains("台账中没有“没有这个.docx”这个文件"), "{err}");
    let (code, _, err) = assign(&["活动材料.docx", "县公安局", "--deliverable", "plan"]);
    assert_eq!(code, Some(9), "{err}");
    assert!(
        err.contains("没有 id 为“plan”的材料，可用：summary（活动总结）"),
        "{err}"
    );
    // The path as a file of the inbox; the unit by its full name.
    let file = d.join("inbox/活动材料.docx");
    let (code, out, err) = assign(&[
        file.to_str().unwrap(),
        "县公安局",
        "--deliverable",
        "summary",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("已登记：以下1个文件是县公安局的“活动总结”：\n  活动材料.docx（2025年5月14日 20:00收到）"),
        "{out}"
    );
    // Counted from the next batch with its first arrival (late: due 13
    // May), and the unit told it was received before.
    run_ok(d, &["--now", "2025-05-15T20:00"]);
    let s = status(d);
    assert!(s["unassigned"].as_array().unwrap().is_empty());
    let summary_item = item(&s, "县公安局", "1", "summary").clone();
    assert_eq!(
        (
            summary_item["state"].as_str(),
            summary_item["late_workdays"].as_i64()
        ),
        (Some("late"), Some(1))
    );
    let receipts = sent(d, "receipt");
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert!(
        receipts[0].contains("收到时间：2025年5月14日 20:00（北京时间）（此前已收到，现已登记）"),
        "{}",
        receipts[0]
    );
    // The clerk tidies the inbox: the assignment holds, nothing is sent.
    std::fs::create_dir_all(d.join("inbox/已处理")).unwrap();
    std::fs::rename(file, d.join("inbox/已处理/活动材料.docx")).unwrap();
    run_ok(d, &["--now", "2025-05-16T20:00"]);
    assert_eq!(
        item(&status(d), "县公安局", "1", "summary")["state"],
        "late"
    );
    assert_eq!(sent(d, "receipt").len(), 1);
    // Undone: the file is of no unit again from the next batch.
    let (code, out, err) = assign(&["--undo", "已处理"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("已撤销1个文件的登记"), "{out}");
    let (_, out, _) = assign(&["--undo", "已处理"]);
    assert!(out.contains("没有登记过所属单位"), "{out}");
    run_ok(d, &["--now", "2025-05-19T20:00"]);
    let s = status(d);
    assert_eq!(s["unassigned"].as_array().unwrap().len(), 1);
    assert_eq!(item(&s, "县公安局", "1", "summary")["state"], "overdue");
}

#[test]
fn a_joint_entry_is_one_activity_in_every_count_and_table() {
    // Three schedule rows, one of them held by two units together.
    let dir = new_campaign(
        TOML,
        &[
            ("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn"),
            (
                "县医疗保障局、县财政局",
                "医保政策宣讲",
                "5月7日",
                "ybj@example.gov.cn",
            ),
            ("县民政局", "婚姻登记宣传", "5月8日", "mzj@example.gov.cn"),
        ],
    );
    let d = dir.path();
    put(
        d,
        "县医疗保障局/医保政策宣讲活动总结.docx",
        &summary("医保政策宣讲活动总结"),
    );
    let stdout = run_ok(d, &["--now", "2025-05-20T20:00"]);
    assert!(stdout.contains("需要关注（3场活动）"), "{stdout}");
    assert_eq!(
        stdout.matches("县医疗保障局、县财政局（联合）").count(),
        1,
        "{stdout}"
    );
    // The partner's summary counts for both units (late: due 14 May).
    let s = status(d);
    assert_eq!(item(&s, "县财政局", "2", "summary")["state"], "late");
    assert_eq!(s["counts"]["逾期未报"], 3, "{}", s["counts"]);
    let board = std::fs::read_to_string(d.join("out/t/latest/index.html")).unwrap();
    assert!(
        board.contains("4个单位共安排活动3项（其中联合开展1项）"),
        "{board}"
    );
    // What the joint entry owes is owed once.
    assert!(board.contains("共缺活动总结2项、活动照片3项"), "{board}");
    assert!(board.contains("报送情况一览表（3场活动）"), "{board}");
    assert_eq!(board.matches("（联合）").count(), 1, "{board}");
    // Each unit's name links to its own page.
    for unit in ["县医疗保障局", "县财政局"] {
        assert!(board.contains(&format!(">{unit}</a>")), "{unit}: {board}");
    }
}

#[test]
fn a_unit_whose_file_is_still_being_copied_in_is_not_chased() {
    let dir = new_campaign(
        TOML,
        &[("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn")],
    );
    let d = dir.path();
    // Overdue since 13 May; its summary is being copied in as the batch
    // runs (written just now: inside the 60 s settle window).
    put(
        d,
        "县公安局/禁毒宣传活动总结.docx",
        &summary("县公安局禁毒宣传活动总结"),
    );
    let out = baosong(d, &["run", "--quiet", "--now", "2025-05-14T20:00"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = status(d);
    assert_eq!(
        s["receiving"].as_array().unwrap().len(),
        1,
        "{}",
        s["receiving"]
    );
    assert!(sent(d, "reminder").is_empty(), "{:?}", sent(d, "reminder"));
    // Once it has arrived it counts; nothing is owed, nobody is chased.
    run_ok(d, &["--now", "2025-05-14T21:00"]);
    assert_eq!(
        item(&status(d), "县公安局", "1", "summary")["state"],
        "late"
    );
    assert!(sent(d, "reminder").is_empty());
}

#[test]
fn campaign_toml_mistakes_stop_with_the_file_the_line_and_the_right_form() {
    let rows = [("县公安局", "禁毒宣传", "5月6日", "gaj@example.gov.cn")];
    let stop = |toml: &str| -> String {
        let dir = new_campaign(toml, &rows);
        let out = baosong(dir.path(), &["run", "--quiet"]);
        assert_eq!(out.status.code(), Some(3), "{toml}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let line_of =
        |toml: &str, needle: &str| toml.lines().position(|l| l.contains(needle)).unwrap() + 1;
    // A bare date where a deadline rule belongs: both forms are shown.
    let toml = TOML.replacen(
        "deadline = { workdays_after_activity = 5, time = \"24:00\" }",
        "deadline = \"2025-06-20\"",
        1,
    );
    let err = stop(&toml);
    assert!(err.contains("campaign.toml"), "{err}");
    assert!(
        err.contains(&format!("第{}行", line_of(&toml, "2025-06-20"))),
        "{err}"
    );
    assert!(err.contains("{ at = \"2025-06-20T16:00\" }"), "{err}");
    assert!(err.contains("workdays_after_activity = 5"), "{err}");
    // A group the schedule does not have: the groups it has.
    let toml = TOML.replacen(
        "keywords = [\"总结\"]",
        "keywords = [\"总结\"]\nunits = { group = \"附件3\" }",
        1,
    );
    let err = stop(&toml);
    assert!(
        err.contains(&format!("campaign.toml 第{}行", line_of(&toml, "附件3"))),
        "{err}"
    );
    assert!(
        err.contains("“附件3”不存在") && err.contains("可用的分组"),
        "{err}"
    );
    // An exemption of an activity the unit does not have: the ones it has.
    let toml = format!(
        "{TOML}\n[[exemptions]]\nunit = \"县公安局\"\nactivity = \"反诈宣传\"\nreason = \"取消\"\n"
    );
    let err = stop(&toml);
    assert!(
        err.contains(&format!("第{}行", line_of(&toml, "反诈宣传"))),
        "{err}"
    );
    assert!(err.contains("禁毒宣传（序号1）"), "{err}");
    // A malformed address in campaign.toml is the office's own mistake.
    let err = stop(&format!(
        "{TOML}\n[[units]]\nname = \"县公安局\"\nemail = [\"gaj@@example.gov.cn\"]\n"
    ));
    assert!(
        err.contains("gaj@@example.gov.cn") && err.contains("email = ["),
        "{err}"
    );
}

/// A district's year-long plan: 方案 five working days before each
/// activity, 情况报告 five after it, an optional video; times written as
/// offices write them, on the 2024 calendar (国庆 1–7 October with Sunday
/// 29 September and Saturday 12 October at work; 春节 with Sundays 4 and
/// 18 February at work; 端午 Monday 10 June).
#[test]
fn a_district_plan_counts_deadlines_before_and_after_each_activity() {
    const PLAN: &str = r#"
[campaign]
id = "t"
title = "2024年长沙市岳麓区政务公开工作"
office = "岳麓区人民政府办公室"
year = 2024

[paths]
schedule = "活动安排表.xlsx"

[[deliverables]]
id = "plan"
name = "活动方案"
accept = ["document"]
keywords = ["方案"]
deadline = { workdays_before_activity = 5, time = "24:00" }

[[deliverables]]
id = "report"
name = "情况报告"
accept = ["document"]
keywords = ["报告", "总结"]
deadline = { workdays_after_activity = 5 }

[[deliverables]]
id = "video"
name = "视频资料"
accept = ["video"]
min_count = 0
deadline = { days_after_activity = 7, time = "17:00" }
"#;
    let dir = campaign(
        PLAN,
        &[
            ("区民政局", "婚姻登记宣传", "2024年10月14日"),
            ("区卫生健康局", "健康知识宣传", "第三季度"),
            ("区财政局", "绩效管理宣传", "待定"),
            ("区审计局", "审计法宣传", "9月（待定）"),
            ("区统计局", "统计开放日", ""),
            ("区商务局", "消费政策宣传", "5月下旬至6月上旬"),
            ("区应急管理局", "安全知识宣传", "2024年2月8日"),
            ("区人社局", "就业政策宣讲", "另行通知"),
        ],
    );
    let c = baosong::campaign::Campaign::load(dir.path()).unwrap();
    let activity = |unit: &str| {
        c.activities
            .iter()
            .find(|a| c.roster.units[a.unit].name == unit)
            .unwrap()
    };
    let due = |unit: &str, id: &str| {
        let d = c.deliverables.iter().find(|d| d.id == id).unwrap();
        c.due(d, activity(unit), None)
            .map(|due| due.at.format("%Y-%m-%d %H:%M").to_string())
    };
    let at = |s: &str| Some(s.to_string());
    // Monday 14 October: back over Saturday 12 (at work) to Tuesday 8;
    // forward 15–18 and Monday 21.
    assert_eq!(due("区民政局", "plan"), at("2024-10-09 00:00"));
    assert_eq!(due("区民政局", "report"), at("2024-10-22 00:00"));
    assert_eq!(due("区民政局", "video"), at("2024-10-21 17:00"));
    // 第三季度: before 1 July, after 30 September (国庆 off, 12 October at work).
    assert_eq!(due("区卫生健康局", "plan"), at("2024-06-25 00:00"));
    assert_eq!(due("区卫生健康局", "report"), at("2024-10-13 00:00"));
    // A tentative month counts as written.
    assert_eq!(due("区审计局", "plan"), at("2024-08-27 00:00"));
    assert_eq!(due("区审计局", "report"), at("2024-10-13 00:00"));
    // 5月下旬至6月上旬: before Tuesday 21 May; after Monday 10 June (端午).
    assert_eq!(due("区商务局", "plan"), at("2024-05-15 00:00"));
    assert_eq!(due("区商务局", "report"), at("2024-06-18 00:00"));
    // 春节: Sunday 4 February before, Sunday 18 February after, both at work.
    assert_eq!(due("区应急管理局", "plan"), at("2024-02-03 00:00"));
    assert_eq!(due("区应急管理局", "report"), at("2024-02-22 00:00"));
    // No date: no deadline counted from the activity, and the reason typed.
    use baosong::campaign::timetext::Undetermined;
    for (unit, why) in [
        ("区财政局", Undetermined::Pending),
        ("区统计局", Undetermined::Blank),
        ("区人社局", Undetermined::Pending),
    ] {
        assert_eq!(activity(unit).time, None, "{unit}");
        assert_eq!(activity(unit).undetermined, Some(why), "{unit}");
        assert_eq!(due(unit, "report"), None, "{unit}");
        assert_eq!(due(unit, "plan"), None, "{unit}");
    }
    assert_eq!(activity("区民政局").undetermined, None);
    // The optional video reaches the assessment as written.
    let video = c.deliverables.iter().find(|d| d.id == "video").unwrap();
    assert_eq!(video.min_count, 0);
    assert!(video.optional());
    // One warning per such cell, naming it and the fix.
    let problems: Vec<String> = c.schedule_problems.iter().map(|p| p.to_string()).collect();
    for (cell, text) in [
        ("D4", "待定"),
        ("D5", "9月（待定）"),
        ("D6", "为空"),
        ("D9", "另行通知"),
    ] {
        let about: Vec<&String> = problems
            .iter()
            .filter(|p| p.contains(&format!("（{cell}单元格）")))
            .collect();
        assert_eq!(about.len(), 1, "{cell}: {problems:?}");
        assert!(about[0].contains(text), "{}", about[0]);
    }
    assert!(
        problems
            .iter()
            .filter(|p| p.contains("deadline = { at ="))
            .count()
            == 3,
        "{problems:?}"
    );
    assert_eq!(problems.len(), 4, "{problems:?}");

    // A unit whose activity is undated sends its plan anyway: its receipt
    // says the report's deadline will follow, not "请于…前报送" with no date.
    let d = dir.path();
    let mut toml = std::fs::read_to_string(d.join("campaign.toml")).unwrap();
    toml.push_str(
        "\n[mail]\nfrom = \"office@example.gov.cn\"\n\n[[units]]\nname = \"区财政局\"\nemail = [\"czj@example.gov.cn\"]\n",
    );
    std::fs::write(d.join("campaign.toml"), toml).unwrap();
    put(
        d,
        "区财政局/绩效管理宣传活动方案.docx",
        &summary("区财政局绩效管理宣传活动方案"),
    );
    run_ok(d, &["--now", "2024-06-03T20:00"]);
    let receipts = sent(d, "receipt");
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert!(
        receipts[0]
            .contains("情况报告（绩效管理宣传）：尚未报送。活动时间确定后再行告知报送时限。"),
        "{}",
        receipts[0]
    );
    assert!(!receipts[0].contains("请于前报送"), "{}", receipts[0]);
}
