//! Unfilled templates as offices write them, in real .docx files: each
//! placeholder form left in an otherwise real-looking 活动总结 is refused,
//! naming what was left; the same report filled in, and every real Word
//! document of the shared corpus, are not. And the office's own template
//! (`template = …`): a submission still mostly its text is unfilled.

mod campaign;
mod common;

use std::io::Cursor;
use std::path::Path;

use baosong::campaign::template::Template;
use baosong::inspect::{Content, Limits, Verdict, inspect};
use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};

/// A real-looking 活动总结 as a unit writes it, with `blank` put in as the
/// paragraph it belongs in (or a table cell, for `cell`).
const FILLED: [&str; 7] = [
    "县民政局关于开展2025年“政务公开主题日”活动的情况报告",
    "一、活动开展基本情况（时间、地点、参与人员、活动形式等）",
    "2025年5月20日上午，我局在县政务服务中心门前开展“婚姻5·20主题宣传”活动（见附件照片）。活动共发放宣传资料600余份，现场解答群众咨询85人次，展板尺寸为3×2米。",
    "二、主要做法和成效",
    "（一）提前谋划部署。制定活动方案，明确责任分工；（二）线上线下同步宣传，在政府网站发布活动信息。",
    "【活动亮点】邀请人大代表、政协委员和群众代表共30人参加座谈。",
    "泸溪县民政局（盖章）",
];

fn docx(paragraphs: &[&str], cells: &[[&str; 2]]) -> Vec<u8> {
    let mut doc = Docx::new();
    for p in paragraphs {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(*p)));
    }
    if !cells.is_empty() {
        let rows = cells
            .iter()
            .map(|[a, b]| {
                TableRow::new(vec![
                    TableCell::new()
                        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*a))),
                    TableCell::new()
                        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*b))),
                ])
            })
            .collect();
        doc = doc.add_table(Table::new(rows));
    }
    let mut buf = Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    buf.into_inner()
}

const CELLS: [[&str; 2]; 3] = [
    ["填报单位", "县民政局"],
    ["联系人", "张三"],
    ["联系电话", "0743-4260567"],
];

#[test]
fn the_filled_in_report_is_accepted() {
    let got = inspect("活动总结.docx", &docx(&FILLED, &CELLS), &Limits::default());
    assert_eq!(
        got.inspection.verdict,
        Verdict::Ok,
        "{:?}",
        got.inspection.reason
    );
}

#[test]
fn every_placeholder_form_is_refused_and_named() {
    // (where it is written, the blank, what the reason must show)
    let cases: [(usize, &str, &str); 16] = [
        (2, "（此处填写活动开展情况）", "此处填写活动开展情况"),
        (2, "点击或点击此处输入文字。", "此处输入文字"),
        (2, "202X年X月X日，我局开展了宣传活动。", "202X年X月X日"),
        (2, "20XX年XX月XX日", "20XX年XX月XX日"),
        (2, "活动共发放宣传资料××份，接受咨询××人次。", "××份"),
        (
            0,
            "XX县XX局关于开展政务公开主题日活动的情况报告",
            "XX县XX局",
        ),
        (2, "（请简要介绍活动开展情况，不少于300字）", "（请简要介绍"),
        (4, "[此处插入活动照片]", "[此处插入活动照片]"),
        (4, "〔选填〕", "〔选填〕"),
        (
            0,
            "（单位名称）关于开展政务公开主题日活动的情况报告",
            "（单位名称）",
        ),
        (2, "活动地点：【活动地点】", "【活动地点】"),
        (6, "填报人：______    填报日期：______", "______"),
        (6, "2025年  月  日", "年  月  日"),
        (
            2,
            "例：5月15日，我局在县政务服务中心门前开展了宣传活动……",
            "例：5月15日",
        ),
        (2, "示例：活动共发放资料500份", "示例：活动共发放"),
        (2, "____年__月__日", "____年"),
    ];
    for (at, blank, shown) in cases {
        let mut paragraphs = FILLED.to_vec();
        paragraphs[at] = blank;
        let got = inspect(
            "活动总结.docx",
            &docx(&paragraphs, &CELLS),
            &Limits::default(),
        );
        assert_eq!(got.inspection.verdict, Verdict::Reject, "{blank}");
        let reason = got.inspection.reason.unwrap();
        assert!(reason.contains("未填写完的模板"), "{blank}: {reason}");
        assert!(reason.contains(shown), "{blank}: {reason}");
        // The text is kept, so the office can see it.
        assert!(matches!(got.inspection.content, Content::Document(_)));
    }
    // A blank in a table cell, as in a 情况统计表.
    for cell in ["[联系电话]", "（请填写）", "XXXX-XXXXXXX", "＿＿＿＿＿＿"] {
        let cells = [CELLS[0], CELLS[1], ["联系电话", cell]];
        let got = inspect("活动总结.docx", &docx(&FILLED, &cells), &Limits::default());
        let reason = got.inspection.reason.unwrap_or_default();
        assert_eq!(got.inspection.verdict, Verdict::Reject, "{cell}");
        let shown: String = cell.chars().take(3).collect();
        assert!(reason.contains(&shown), "{cell}: {reason}");
    }
}

#[test]
fn the_corpus_real_documents_are_no_templates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/docx");
    if !dir.is_dir() {
        common::unavailable(&format!("未找到共享语料 {}", dir.display()));
        return;
    }
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let got = inspect(&name, &bytes, &Limits::default());
        let reason = got.inspection.reason.unwrap_or_default();
        assert!(!reason.contains("模板"), "{name}: {reason}");
        seen += 1;
    }
    assert!(seen >= 10, "{seen} documents");
}

#[test]
fn a_submission_still_mostly_the_offices_template_is_unfilled() {
    let dir = tempfile::tempdir().unwrap();
    let headings = [
        "关于开展2025年“政务公开主题日”活动的情况报告",
        "一、活动开展基本情况",
        "二、主要做法和成效",
        "三、存在的问题",
        "四、下一步工作打算",
    ];
    let path = dir.path().join("情况报告模板.docx");
    std::fs::write(
        &path,
        docx(&headings, &[["报送单位", ""], ["报送日期", ""]]),
    )
    .unwrap();
    let template = Template::load(&path, &Limits::default()).unwrap();

    // The template sent back with only the unit's name written in.
    let sent = docx(&headings, &[["报送单位", "县民政局"], ["报送日期", ""]]);
    let got = inspect("情况报告.docx", &sent, &Limits::default());
    let Content::Document(doc) = &got.inspection.content else {
        panic!("{:?}", got.inspection);
    };
    let left = template.left_in(doc).expect("still the template");
    assert_eq!(left.template, "情况报告模板.docx");
    assert!(left.percent >= 80, "{left:?}");
    assert!(
        left.empty_headings
            .contains(&"一、活动开展基本情况".to_string()),
        "{left:?}"
    );

    // The same template filled in.
    let filled = [
        headings[0],
        headings[1],
        FILLED[2],
        headings[2],
        FILLED[4],
        headings[3],
        "群众参与的渠道还不够多，宣传形式有待进一步丰富，部分群众对政务公开的了解仍然不足。",
        headings[4],
        "我局将把政务公开主题日活动常态化开展，进一步拓展公开渠道，提升群众的获得感。",
    ];
    let got = inspect(
        "情况报告.docx",
        &docx(
            &filled,
            &[["报送单位", "县民政局"], ["报送日期", "2025年5月26日"]],
        ),
        &Limits::default(),
    );
    let Content::Document(doc) = &got.inspection.content else {
        panic!("{:?}", got.inspection);
    };
    assert_eq!(template.left_in(doc), None);

    // A template that is not a Word document is the office's mistake.
    let bad = dir.path().join("模板.docx");
    std::fs::write(&bad, b"%PDF-1.4 not a docx").unwrap();
    let err = Template::load(&bad, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("不是可读取的Word文档"), "{err}");
}

#[test]
fn the_template_sent_back_does_not_count_and_the_unit_is_told_why() {
    let toml = campaign::TOML.replace(
        "keywords = [\"总结\"]\n",
        "keywords = [\"总结\"]\ntemplate = \"情况报告模板.docx\"\n",
    );
    let dir = campaign::campaign(&toml, &campaign::SCHEDULE);
    let d = dir.path();
    let headings = [
        "关于开展2025年“政务公开主题日”活动的情况报告",
        "一、活动开展基本情况",
        "二、主要做法和成效",
        "三、存在的问题",
    ];
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("templates/情况报告模板.docx"),
        docx(&headings, &[["报送单位", ""]]),
    )
    .unwrap();
    campaign::put(
        d,
        "县林业局/活动总结.docx",
        &docx(&headings, &[["报送单位", "县林业局"]]),
    );
    let out = campaign::run_ok(d, &["--now", "2025-05-20T20:00"]);
    let s = campaign::status(d);
    assert_eq!(
        campaign::state(&s, "县林业局", "2", "summary"),
        "overdue",
        "{out}"
    );
    // The unit's page of the board says why the file it sent does not count.
    let page = std::fs::read_to_string(d.join("out/t/20250520-2000/unit-2.html")).unwrap();
    assert!(page.contains("基本仍是模板《情况报告模板.docx》"), "{page}");

    // Filled in, it counts (late: the deadline was 6 May).
    let mut filled = headings.to_vec();
    filled.insert(2, FILLED[2]);
    filled.insert(4, FILLED[4]);
    filled
        .push("群众参与的渠道还不够多，宣传形式有待进一步丰富，部分群众对政务公开的了解仍然不足。");
    campaign::put(
        d,
        "县林业局/活动总结（修改）.docx",
        &docx(&filled, &[["报送单位", "县林业局"]]),
    );
    campaign::run_ok(d, &["--now", "2025-05-21T20:00"]);
    let s = campaign::status(d);
    assert_eq!(campaign::state(&s, "县林业局", "2", "summary"), "late");
}
