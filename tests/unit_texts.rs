//! What units wrote, as leadership and the public read it: a 市 campaign
//! of its own whose units (市, 区, 县 and 镇 offices) type their summaries
//! as real offices do — a Word Heading-styled title repeated as a
//! paragraph, an addressee, letterhead and document number, "现将…如下",
//! "特此报告", signatures and dates (one in Chinese numerals, one on the
//! signature's line), a contact line, first person ("我局", "我们", "本单位",
//! "我镇"), plans and problems, one summary much longer than the report
//! shows — made as real .docx files, run through `baosong run`, and read
//! back from the PDF (pdftotext), the DOCX and the portal drafts.

mod campaign;
mod common;
mod reading;

use std::path::Path;
use std::sync::OnceLock;

use campaign::{campaign, put, run_ok};
use reading::{check_unit_pages, docx_part, flat, page_lines, word_docx, words};

const TOML: &str = r#"
[campaign]
id = "t"
title = "2025年某某市“政务公开日”活动"
office = "某某市人民政府办公室"
year = 2025

[paths]
schedule = "活动安排表.xlsx"

[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document"]
keywords = ["总结", "报告"]
deadline = { workdays_after_activity = 5, time = "24:00" }
"#;

const SCHEDULE: [(&str, &str, &str); 5] = [
    ("市教育局", "校园开放日", "5月20日"),
    ("某某区卫生健康局", "健康义诊进社区", "5月20日"),
    ("某某县文化旅游局", "文化惠民进乡村", "5月20日"),
    ("城关镇人民政府", "政策宣讲进村组", "5月20日"),
    ("市公安局", "平安宣传进万家", "5月20日"),
];

/// A paragraph of a .docx: its style, if any, and its text.
type Paragraph = (Option<&'static str>, &'static str);

/// What each unit typed: the file's path in the inbox and its paragraphs.
fn summaries() -> Vec<(&'static str, Vec<Paragraph>)> {
    vec![
        (
            "市教育局/市教育局校园开放日活动总结.docx",
            vec![
                (Some("Heading1"), "市教育局“校园开放日”活动总结"),
                (None, "市教育局“校园开放日”活动总结"),
                (None, "市政务公开办："),
                (
                    None,
                    "为落实全市政务公开日活动安排，我局于5月20日组织开展了“校园开放日”活动，邀请家长代表和社区群众走进校园，现将有关情况报告如下：",
                ),
                (Some("Heading2"), "一、精心组织"),
                (
                    None,
                    "我局主要负责同志专题部署，明确专人负责，提前在政府网站发布开放公告",
                ),
                (
                    None,
                    "二、活动成效。共接待家长和群众三百余人次，解答招生入学政策咨询五十余条，群众满意度明显提升。",
                ),
                (None, "特此报告。"),
                (None, "　　　　　　　　　　　　　　某某市教育局"),
                (None, "　　　　　　　　　　　　　2025年5月26日"),
            ],
        ),
        (
            "某某区卫生健康局/健康义诊进社区活动总结.docx",
            vec![
                (None, "某某区卫生健康局文件"),
                (None, "区卫健发〔2025〕9号"),
                (None, "某某区卫生健康局"),
                (None, "关于“健康义诊进社区”活动开展情况的报告"),
                (None, "市政府办公室："),
                (
                    None,
                    "5月20日，我们组织区人民医院专家在城东社区开展义诊，免费测量血压血糖二百余人次，发放健康资料六百余份。",
                ),
                (
                    None,
                    "活动得到社区群众广泛好评，下一步我们将把义诊活动常态化，每季度开展一次。",
                ),
                (None, "特此报告。"),
                (None, "某某区卫生健康局\n二〇二五年五月二十七日"),
            ],
        ),
        (
            "某某县文化旅游局/文化惠民进乡村活动总结.docx",
            vec![
                (Some("Title"), "某某县文化旅游局“文化惠民进乡村”活动总结"),
                (
                    None,
                    "本单位于5月20日在青山村文化广场开展“文化惠民进乡村”活动，组织文艺演出三场，现场观众八百余人。",
                ),
                (Some("Heading1"), "二、存在的问题"),
                (None, "部分村组宣传覆盖不够，群众参与渠道单一。"),
                (Some("Heading1"), "三、活动特色"),
                (
                    None,
                    "活动将政策宣讲融入文艺节目，群众在欣赏节目中了解惠民政策",
                ),
                (None, "联系人：王芳，联系电话：0731-1234567"),
            ],
        ),
        (
            "城关镇人民政府/城关镇政策宣讲进村组活动总结.docx",
            vec![
                (None, "城关镇人民政府“政策宣讲进村组”"),
                (None, "活动总结"),
                (
                    None,
                    "为落实我市政务公开日活动要求，我镇组织机关干部分片包村，深入十二个村组开展政策宣讲，现将活动开展情况总结如下。",
                ),
                (
                    None,
                    "宣讲覆盖群众一千二百余人，现场收集意见建议三十余条，均已交相关站所办理，",
                ),
                (None, "城关镇人民政府 2025年5月28日"),
            ],
        ),
        (
            "市公安局/市公安局平安宣传进万家活动总结.docx",
            vec![
                (None, "市公安局“平安宣传进万家”活动总结"),
                (
                    None,
                    "为深入推进平安建设，市公安局于5月20日在全市范围组织开展“平安宣传进万家”活动，各分局、派出所同步设立宣传点位四十二个，出动民警辅警六百余人次，发放防诈骗、防盗窃宣传资料三万余份。",
                ),
                (
                    None,
                    "一是突出重点人群。针对老年人、在校学生等易受骗群体，民警深入社区、学校开展专题讲座二十余场，现场演示常见诈骗手法，提醒群众守好“钱袋子”。",
                ),
                (
                    None,
                    "二是创新宣传方式。通过政务新媒体发布短视频十二条，累计播放量超过五十万次；在商圈、地铁站滚动播放公益广告，扩大宣传覆盖面。",
                ),
                (
                    None,
                    "三是回应群众关切。现场受理群众咨询一千余人次，收集治安方面意见建议八十余条，逐条建立台账，限期办理反馈。",
                ),
                (
                    None,
                    "四是注重建章立制。活动结束后，市公安局及时总结经验做法，形成长效机制，推动平安宣传常态化、制度化开展。",
                ),
            ],
        ),
    ]
}

/// The campaign, its units' summaries in the inbox, run once at 23 May.
fn run() -> &'static tempfile::TempDir {
    static RUN: OnceLock<tempfile::TempDir> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = campaign(TOML, &SCHEDULE);
        for (path, paragraphs) in summaries() {
            put(dir.path(), path, &word_docx(&paragraphs));
        }
        run_ok(dir.path(), &["--now", "2025-05-23T20:00"]);
        dir
    })
}

fn report(dir: &Path) -> std::path::PathBuf {
    dir.join("out/t/latest")
}

/// What the units typed around their text that no reader should see.
const NOT_CONTENT: [&str; 13] = [
    "市政务公开办：",
    "市政府办公室：",
    "某某区卫生健康局文件",
    "区卫健发〔2025〕9号",
    "现将",
    "如下",
    "特此报告",
    "2025年5月26日",
    "二〇二五年五月二十七日",
    "2025年5月28日",
    "联系人：王芳",
    "0731-1234567",
    "某某市教育局",
];

#[test]
fn the_report_shows_each_units_content_once_and_bounded() {
    if !common::have_tool("pdftotext") {
        return;
    }
    let dir = run();
    let report = report(dir.path());
    check_unit_pages(&report);
    let text: String = page_lines(&report.join("报送情况汇总.pdf"))
        .concat()
        .concat();
    for typed in NOT_CONTENT {
        assert!(!text.contains(typed), "{typed} in the PDF");
    }
    // Each title once: the Heading-styled one, the two-line one joined.
    for title in [
        "市教育局“校园开放日”活动总结",
        "关于“健康义诊进社区”活动开展情况的报告",
        "城关镇人民政府“政策宣讲进村组”活动总结",
    ] {
        assert_eq!(text.matches(title).count(), 1, "{title}");
    }
    // The cut announcement closes its sentence with 。, not with ，.
    assert!(text.contains("邀请家长代表和社区群众走进校园。"), "{text}");
    // The long summary is an excerpt; the whole text is in the DOCX.
    assert!(text.contains("（以上为节选；全文共"));
    assert!(!text.contains("四是注重建章立制"));
    let docx = words(&docx_part(&report, "word/document.xml"));
    let appendix = &docx[docx.find("附件：各单位活动总结全文").expect("the appendix")..];
    assert!(appendix.contains("四是注重建章立制"));
    for typed in NOT_CONTENT {
        assert!(!flat(&docx).contains(typed), "{typed} in the DOCX");
    }
}

/// The drafts' paragraphs (the `<p>` elements), each unescaped.
fn draft(dir: &Path, unit: &str) -> (String, Vec<String>) {
    let portal = dir.join("out/t/portal");
    let folder = std::fs::read_dir(&portal)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && p.to_string_lossy().ends_with(unit))
        .unwrap_or_else(|| panic!("{unit}'s draft"));
    let html = std::fs::read_to_string(folder.join("article.html")).unwrap();
    let between = |open: &str, close: &str| -> Vec<String> {
        html.split(open)
            .skip(1)
            .filter_map(|p| p.split_once(close).map(|(t, _)| t.to_owned()))
            .collect()
    };
    let title = between("<h1>", "</h1>").remove(0);
    (title, between("<p>", "</p>"))
}

#[test]
fn portal_drafts_are_ready_to_publish() {
    let dir = run();
    let d = dir.path();
    let all: Vec<(String, Vec<String>)> = SCHEDULE.iter().map(|(u, _, _)| draft(d, u)).collect();
    for (title, paragraphs) in &all {
        assert!(!paragraphs.is_empty(), "{title}: no text");
        for p in paragraphs {
            for typed in NOT_CONTENT {
                assert!(!p.contains(typed), "{title}: {typed} in “{p}”");
            }
            // Every sentence closed; headings ("一、精心组织") have none.
            let heading = p.chars().count() <= 12 && !p.contains('，');
            assert!(heading || p.ends_with('。'), "{title}: “{p}” is not closed");
            // No first person of the unit: "我局", "我们", "本单位", "我镇"…
            let bare = p.replace("我国", "");
            assert!(
                !bare.contains('我') && !p.contains("本单位"),
                "{title}: “{p}”"
            );
            // No plans or problems: a news article says what was done.
            assert!(
                !p.contains("下一步") && !p.contains("覆盖不够"),
                "{title}: “{p}”"
            );
        }
    }
    let (title, p) = &all[0];
    assert_eq!(title, "市教育局“校园开放日”活动");
    assert_eq!(
        p[0],
        "为落实全市政务公开日活动安排，市教育局于5月20日组织开展了“校园开放日”活动，邀请家长代表和社区群众走进校园。"
    );
    assert!(p.contains(
        &"市教育局主要负责同志专题部署，明确专人负责，提前在政府网站发布开放公告。".to_owned()
    ));
    let (title, p) = &all[1];
    assert_eq!(title, "某某区卫生健康局“健康义诊进社区”活动");
    assert!(
        p[0].starts_with("5月20日，某某区卫生健康局组织区人民医院专家"),
        "{p:?}"
    );
    assert_eq!(p[1], "活动得到社区群众广泛好评。");
    let (title, p) = &all[2];
    assert_eq!(title, "某某县文化旅游局“文化惠民进乡村”活动");
    assert!(p[0].starts_with("某某县文化旅游局于5月20日"), "{p:?}");
    let (title, p) = &all[3];
    assert_eq!(title, "城关镇人民政府“政策宣讲进村组”活动");
    assert_eq!(
        p[0],
        "为落实某某市政务公开日活动要求，城关镇组织机关干部分片包村，深入十二个村组开展政策宣讲。"
    );
    assert_eq!(
        p[1],
        "宣讲覆盖群众一千二百余人，现场收集意见建议三十余条，均已交相关站所办理。"
    );
}
