//! The shipped examples' reports as leadership gets them, read back from the files
//! `baosong run` writes: every unit needing action named on the first two
//! pages, no internal part names, about 20 pages, a serif CJK face, 仿宋
//! as the DOCX body, and LibreOffice rendering the DOCX in the shipped
//! fonts (`assets/fonts/fonts.conf`), not in a substitute.

mod campaign;
mod common;
mod reading;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use campaign::{copy_tree, demo_copy, repo, run_ok, status};
use reading::{check_unit_pages, docx_part, flat, page_lines, words};

/// The 泸溪 demo, run once for this test binary: its folder and report folder.
fn demo() -> &'static (tempfile::TempDir, PathBuf) {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = demo_copy();
        run_ok(dir.path(), &["--no-send"]);
        let report = dir.path().join("out/luxi-2025/latest");
        (dir, report)
    })
}

/// The 建昌 demo (`examples/jianchang-2023`), run once at its clock.
fn jianchang() -> &'static (tempfile::TempDir, PathBuf) {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&repo().join("examples/jianchang-2023"), dir.path());
        run_ok(dir.path(), &["--no-send"]);
        let report = dir.path().join("out/jianchang-2023/latest");
        (dir, report)
    })
}

/// The 城东区 example (`examples/chengdong-2024`), run once at its clock.
fn chengdong() -> &'static (tempfile::TempDir, PathBuf) {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&repo().join("examples/chengdong-2024"), dir.path());
        run_ok(dir.path(), &["--no-send"]);
        let report = dir.path().join("out/chengdong-2024/latest");
        (dir, report)
    })
}

fn pdf() -> PathBuf {
    demo().1.join("报送情况汇总.pdf")
}

/// The units whose activities are overdue, late, incomplete or invalid.
fn units_needing_action(dir: &Path) -> Vec<String> {
    let s = status(dir);
    let mut units = Vec::new();
    for unit in s["units"].as_array().unwrap() {
        let name = unit["unit"].as_str().unwrap();
        let acting = unit["activities"].as_array().unwrap().iter().any(|a| {
            matches!(
                a["state"].as_str(),
                Some("overdue" | "late" | "incomplete" | "invalid")
            )
        });
        if acting {
            units.push(name.to_owned());
        }
    }
    units
}

/// The text of a report's first two pages, and the units that must act.
fn front_and_units(demo: &(tempfile::TempDir, PathBuf)) -> (String, Vec<String>) {
    let pdf = demo.1.join("报送情况汇总.pdf");
    let front = flat(&common::run(
        "pdftotext",
        &["-f", "1", "-l", "2", pdf.to_str().unwrap(), "-"],
    ));
    let units = units_needing_action(demo.0.path());
    for unit in &units {
        assert!(front.contains(unit.as_str()), "{unit} not on pages 1–2");
    }
    (front, units)
}

#[test]
fn the_first_two_pages_name_every_unit_needing_action() {
    if !common::have_tool("pdftotext") {
        return;
    }
    let (front, units) = front_and_units(demo());
    assert!(units.len() >= 8, "{units:?}");
    // With what each owes, in words.
    assert!(front.contains("活动照片2张，需3张"), "{front}");
    assert!(front.contains("活动总结为.doc格式"), "{front}");
    assert!(
        front.starts_with("2025年泸溪县"),
        "the title first: {front}"
    );
}

/// The other notice's campaign: three deliverables, a joint entry, a
/// cancelled activity; its report is as compact and names who must act.
#[test]
fn the_jianchang_report_names_who_must_act_and_stays_compact() {
    if !common::have_tool("pdftotext") || !common::have_tool("pdfinfo") {
        return;
    }
    let demo = jianchang();
    let (front, units) = front_and_units(demo);
    assert!(!units.is_empty());
    assert!(front.contains("一、总体情况"), "{front}");
    assert!(front.contains("县工信局"), "overdue interview: {front}");
    let pdf = demo.1.join("报送情况汇总.pdf");
    let text = flat(&common::run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    // Compact: the front pages, then no more than a page and a half for
    // each activity with material; those without are rows of one table.
    let sections = text.matches("报送情况：").count();
    let pages = page_count(&pdf);
    assert!(sections >= 10, "{sections} activity sections");
    assert!(pages <= 4 + sections * 3 / 2, "{pages} pages");
    let docx = words(&docx_part(&demo.1, "word/document.xml"));
    for (name, text) in [("PDF", &text), ("DOCX", &docx)] {
        for internal in ["rId", "word/media", "附录", "需要办公室处理"] {
            assert!(!text.contains(internal), "{internal} in the {name}");
        }
    }
}

#[test]
fn the_chengdong_report_adds_up_and_names_who_must_act() {
    if !common::have_tool("pdftotext") {
        return;
    }
    let demo = chengdong();
    let (front, units) = front_and_units(demo);
    assert!(!units.is_empty());
    // Every one of the 13 activities is in one of page 1's sentences.
    for counted in [
        "14个单位共安排活动13项（其中联合开展1项）",
        "已报齐6项",
        "未按要求报送5项",
        "尚未到报送时限1项，其中1项开展时间未定",
        "另有1项免报或已取消",
    ] {
        assert!(front.contains(counted), "{counted}: {front}");
    }
    let pdf = demo.1.join("报送情况汇总.pdf");
    let text = flat(&common::run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    let docx = words(&docx_part(&demo.1, "word/document.xml"));
    // The optional video: listed when it came, never owed. (The PDF's
    // table cells come out of pdftotext interleaved; the DOCX's do not.)
    for said in [
        "“未报送（可选）”表示活动视频为可选材料，不报不催",
        "区卫健局活动视频.mp4",
    ] {
        assert!(text.contains(said), "{said} not in the PDF");
    }
    for said in [
        "已报送（可选）",
        "未报送（可选）",
        "活动视频为可选材料，不报不催",
    ] {
        assert!(docx.contains(said), "{said} not in the DOCX");
    }
    for (name, text) in [("PDF", &text), ("DOCX", &docx)] {
        assert!(!text.contains("活动视频未报送"), "the {name} owes a video");
    }
}

fn page_count(pdf: &Path) -> usize {
    let info = common::run("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn no_internal_names_or_office_tasks_reach_the_leaders() {
    if !common::have_tool("pdftotext") {
        return;
    }
    let text = flat(&common::run("pdftotext", &[pdf().to_str().unwrap(), "-"]));
    let docx = words(&docx_part(&demo().1, "word/document.xml"));
    for (name, text) in [("PDF", &text), ("DOCX", &docx)] {
        for internal in [
            "rId",
            "word/media",
            "已从收件箱删除",
            "附录",
            "需要办公室处理",
        ] {
            assert!(!text.contains(internal), "{internal} in the {name}");
        }
        // A photo pasted into a summary is named after the summary.
        assert!(
            text.contains("《饮用水安全宣传活动总结.docx》内插图1"),
            "{name}: the pasted photo's caption"
        );
    }
}

#[test]
fn about_twenty_pages_with_a_serif_body_face() {
    if !common::have_tool("pdfinfo") || !common::have_tool("pdffonts") {
        return;
    }
    let pdf = pdf();
    let pages = page_count(&pdf);
    assert!((15..=24).contains(&pages), "{pages} pages");
    let fonts = common::run("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.lines().skip(2).any(|l| {
            ["Serif", "Song", "FangSong", "Fangsong", "Kai", "仿宋", "楷"]
                .iter()
                .any(|f| l.contains(f))
        }),
        "a serif CJK face: {fonts}"
    );
}

#[test]
fn the_docx_body_is_fangsong() {
    let styles = docx_part(&demo().1, "word/styles.xml");
    let normal = &styles[styles.find("w:styleId=\"Normal\"").unwrap()..];
    let normal = &normal[..normal.find("</w:style>").unwrap()];
    assert!(normal.contains("w:eastAsia=\"仿宋"), "{normal}");
}

/// LibreOffice sets the DOCX in the faces it names (through
/// `assets/fonts/fonts.conf`, in the shipped fonts), never in a fallback.
#[test]
fn libreoffice_sets_the_docx_in_the_named_faces() {
    if !common::have_tool("soffice") || !common::have_tool("pdffonts") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("report.docx");
    std::fs::copy(demo().1.join("报送情况汇总.docx"), &docx).unwrap();
    let pdf = common::libreoffice_pdf(&docx, dir.path());
    let fonts = common::run("pdffonts", &[pdf.to_str().unwrap()]);
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(!names.is_empty(), "{fonts}");
    for name in &names {
        let face = name.split_once('+').map_or(*name, |(_, f)| f);
        assert!(
            ["NotoSerifCJK", "NotoSansCJK", "WenKaiGBSubset"]
                .iter()
                .any(|f| face.starts_with(f)),
            "LibreOffice substituted {face}:\n{fonts}"
        );
    }
    assert!(names.iter().any(|n| n.contains("NotoSerifCJK")), "{fonts}");
    assert!(
        names.iter().any(|n| n.contains("WenKaiGBSubset")),
        "{fonts}"
    );
    let text = flat(&common::run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("一、总体情况"));
}

#[test]
fn unit_pages_show_each_summarys_content_once_and_bounded() {
    if !common::have_tool("pdftotext") {
        return;
    }
    check_unit_pages(&demo().1);
    check_unit_pages(&jianchang().1);
    // What the demo's units typed around their text (a Heading-styled title
    // repeated as a paragraph, addressees, letterhead, document number,
    // closing formula, signatures, dates, a contact line) is not shown.
    let text: String = page_lines(&pdf()).concat().concat();
    for typed in [
        "县政务公开办：",
        "县行政审批服务局：",
        "泸溪县卫生健康局文件",
        "泸卫发〔2025〕18号",
        "特此报告",
        "二〇二五年五月二十六日",
        "2025年6月3日",
        "联系人：李明",
        "现将",
    ] {
        assert!(!text.contains(typed), "{typed} on the unit pages");
    }
    // The longer summaries are excerpts, and say where the whole text is:
    // the DOCX's appendix, which has it.
    assert!(text.contains("（以上为节选；全文共"), "an excerpt's note");
    let docx = words(&docx_part(&demo().1, "word/document.xml"));
    let appendix = &docx[docx.find("附件：各单位活动总结全文").expect("the appendix")..];
    assert!(
        appendix.contains("四、下一步打算。"),
        "the whole text in the appendix"
    );
    assert!(
        !text.contains("四、下一步打算"),
        "beyond the excerpt in the PDF"
    );
}

/// No page ends with a heading: a chapter, unit or activity heading, an
/// activity's state line or a label ("活动照片（3张）：") is always on the
/// page of what follows it.
#[test]
fn no_page_ends_with_a_heading() {
    if !common::have_tool("pdftotext") || !common::have_tool("pdftohtml") {
        return;
    }
    for demo in [demo(), jianchang()] {
        let pdf = demo.1.join("报送情况汇总.pdf");
        let ending = reading::page_ending_with_a_heading(&pdf);
        assert_eq!(ending, None, "{}", pdf.display());
    }
}
