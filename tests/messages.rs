//! What the demo's units, leaders and office read: every message of the
//! demo's batch parsed back from the .eml files the folder transport wrote,
//! and the terminal summary. The wording rules checked here are the
//! office's: no past date given as a date to meet, each reason once, files
//! named as the unit knows them, signed, never copied to the sender,
//! attachments dated, written files not called sent. And what a unit of a
//! small campaign of our own reads: each item in the report's words, a
//! late unit never merely thanked, every file that did not count with why.

mod campaign;

use std::path::Path;

use campaign::*;
use mail_parser::{Message, MessageParser, MimeHeaders};

/// The demo's outbox, as (file name, raw bytes).
fn outbox(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir.join("out/luxi-2025/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).unwrap()
}

fn body(m: &Message<'_>) -> String {
    m.body_text(0).unwrap().into_owned()
}

fn find<'a>(mail: &'a [(String, Vec<u8>)], kind: &str, unit: &str) -> &'a [u8] {
    &mail
        .iter()
        .find(|(name, _)| name.contains(&format!("-{kind}-{unit}-")))
        .unwrap_or_else(|| panic!("no {kind} for {unit}"))
        .1
}

#[test]
fn what_the_demo_sends_reads_as_the_office_wrote_it() {
    let dir = demo_copy();
    let d = dir.path();
    let stdout = run_ok(d, &[]);
    let mail = outbox(d);

    // The terminal: written files are not "sent"; what needs attention first.
    assert!(stdout.contains("已写入 14 封 .eml"), "{stdout}");
    assert!(!stdout.contains("已发送"), "{stdout}");
    // Nor in the outbox's listing, nor on the board.
    let listed = baosong(d, &["outbox", "list", "--all"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains("#1 回执"), "{listed}");
    assert!(!listed.contains("已发送"), "{listed}");
    assert_eq!(listed.matches("已写入（未发送）").count(), 14, "{listed}");
    let office =
        std::fs::read_to_string(d.join("out/luxi-2025/20250613-2000/office.html")).unwrap();
    assert!(!office.contains("已发送"), "the office page says 已发送");
    assert_eq!(office.matches("已写入（未发送）").count(), 14);
    let attention = stdout.find("需要关注").unwrap();
    let done = stdout.find("已报齐或免报").unwrap();
    for unit in [
        "县司法局",
        "县交通运输局",
        "县信访局",
        "县卫生健康局",
        "县残疾人联合协会",
    ] {
        let at = stdout.find(unit).unwrap();
        assert!(
            attention < at && at < done,
            "{unit} not in 需要关注:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("截至2025年6月13日 20:00（北京时间）"),
        "{stdout}"
    );

    for (name, raw) in &mail {
        let m = parse(raw);
        let text = body(&m);
        // Signed by the office's contact, with its phone (the digest is
        // the office's own).
        if !name.contains("-digest-") {
            assert!(text.contains("联系人：彭新月"), "{name}:\n{text}");
        }
        // Never copied to the sender itself.
        let from = m
            .from()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_string();
        let cc: Vec<String> = m
            .cc()
            .into_iter()
            .flat_map(|a| a.iter())
            .filter_map(|a| a.address().map(String::from))
            .collect();
        assert!(!cc.contains(&from), "{name} copies its sender");
        // No internal part names, no ASCII colon after a Chinese word.
        assert!(!text.contains("rId"), "{name}:\n{text}");
        assert!(
            !text.contains(" › ") && !text.contains("!/"),
            "{name}:\n{text}"
        );
    }

    // A receipt: addressed by name, files as the unit knows them, a passed
    // deadline asked for at once rather than given as a date to meet.
    let m = parse(find(&mail, "receipt", "县信访局"));
    assert_eq!(m.to().unwrap().first().unwrap().name(), Some("县信访局"));
    let text = body(&m);
    assert!(
        text.contains("您6月6日16:40发来的邮件中的附件《县信访局活动总结.docx》"),
        "{text}"
    );
    assert!(text.contains("已逾期4个工作日，请尽快报送"), "{text}");
    assert!(!text.contains("请于2025年6月9日"), "{text}");
    // One still to come keeps its date.
    let text = body(&parse(find(&mail, "receipt", "县财政局")));
    assert!(
        text.contains("请于2025年7月7日 24:00（北京时间）前报送"),
        "{text}"
    );

    // A unit that sent files and is due a reminder the same night gets one
    // receipt that also chases; the refused file's reason is said once,
    // with the file, and pointed to where the receipt lists what is owed.
    assert!(
        !mail
            .iter()
            .any(|(n, _)| n.contains("-reminder-县交通运输局-"))
    );
    let m = parse(find(&mail, "receipt", "县交通运输局"));
    assert!(
        m.subject().unwrap().starts_with("【回执并催报】"),
        "{:?}",
        m.subject()
    );
    let text = body(&m).replace("\r\n", "\n");
    assert_eq!(text.matches("Word 97-2003").count(), 1, "{text}");
    assert!(!text.contains(".docx: "), "{text}");
    assert!(
        text.contains("活动总结（路政宣传月）：材料不合格\n"),
        "{text}"
    );
    assert!(text.contains("所报文件不合格，原因见上文第"), "{text}");

    // The leaders' mail: dated attachments, the workbook among them.
    let m = parse(find(&mail, "report", "办公室"));
    let names: Vec<String> = m
        .attachments()
        .map(|a| a.attachment_name().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "报送情况汇总（截至2025年6月13日20时）.pdf",
            "报送情况汇总（截至2025年6月13日20时）.docx",
            "报送情况统计表（截至2025年6月13日20时）.xlsx"
        ]
    );
}

/// The small test campaign, with mail and an address for both its units.
const WITH_MAIL: &str = concat!(
    campaign_toml!(),
    r#"
[mail]
from = "office@example.gov.cn"
office = ["office@example.gov.cn"]

[[units]]
name = "县卫生健康局"
aliases = ["县卫健局"]
email = ["wjj@example.gov.cn"]

[[units]]
name = "县林业局"
email = ["lyj@example.gov.cn"]
"#
);

/// A unit's summary and three photos of its activity of `day` ("04-25"),
/// into its folder of the inbox.
fn complete(d: &Path, unit: &str, theme: &str, day: &str) {
    put(
        d,
        &format!("{unit}/{theme}活动总结.docx"),
        &summary(&format!("{unit}{theme}活动总结")),
    );
    let taken = format!("2025:{}:{} 10:00:00", &day[..2], &day[3..]);
    for i in 1..=3u64 {
        put(
            d,
            &format!("{unit}/活动照片{i}.jpg"),
            &photo(i, &taken, 1600, 1200),
        );
    }
}

/// The one receipt written so far, its lines ending in \n.
fn receipt(d: &Path) -> String {
    let receipts = sent(d, "receipt");
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    receipts[0].replace("\r\n", "\n")
}

#[test]
fn a_late_but_complete_unit_is_told_how_late_not_merely_thanked() {
    let dir = campaign(WITH_MAIL, &SCHEDULE);
    let d = dir.path();
    // 县林业局's activity of 25 April was due on 6 May; sent on 8 May.
    complete(d, "县林业局", "珍爱生命远离毒菇", "04-25");
    run_ok(d, &["--now", "2025-05-08T20:00"]);
    let text = receipt(d);
    println!("{text}");
    assert!(
        text.contains("1. 活动总结（珍爱生命远离毒菇）：逾期2个工作日报送"),
        "{text}"
    );
    assert!(
        text.contains(
            "贵单位本次活动材料已报齐，其中活动总结（珍爱生命远离毒菇）逾期2个工作日报送，\
             活动照片（珍爱生命远离毒菇）逾期2个工作日报送。请今后按时报送。"
        ),
        "{text}"
    );
    assert!(!text.contains("全部报齐"), "{text}");
    assert!(!text.contains("感谢"), "{text}");
}

#[test]
fn a_duplicate_photo_is_named_with_why_it_did_not_count() {
    let dir = campaign(WITH_MAIL, &SCHEDULE);
    let d = dir.path();
    // 县卫生健康局's activity of 28 April is due on 8 May; sent on 6 May,
    // with a fourth photo the same as the first.
    complete(d, "县卫生健康局", "饮用水安全宣传", "04-28");
    put(
        d,
        "县卫生健康局/活动照片4.jpg",
        &photo(1, "2025:04:28 10:00:00", 1600, 1200),
    );
    run_ok(d, &["--now", "2025-05-06T20:00"]);
    let text = receipt(d);
    println!("{text}");
    assert!(
        text.contains("（共5个，合格5个，不合格0个；其中1个合格但不计入）"),
        "{text}"
    );
    assert!(
        text.contains("《县卫生健康局/活动照片4.jpg》\n   大小：",),
        "{text}"
    );
    assert!(
        text.contains("审核结果：合格，但不计入\n   原因：与活动照片1.jpg内容相同，只计一次"),
        "{text}"
    );
    assert!(
        text.contains("2. 活动照片（饮用水安全宣传）：按时报送"),
        "{text}"
    );
    assert!(
        text.contains("贵单位本次活动材料已全部报齐，感谢支持与配合。"),
        "{text}"
    );
}
