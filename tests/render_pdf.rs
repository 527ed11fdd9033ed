//! The PDF read back with poppler: text, bookmarks, fonts, images,
//! Chinese line breaking, and a long report laid out in parts.

mod common;
mod reading;

use std::path::Path;
use std::time::Instant;

use baosong::render::{self, Options, Template, pdf};
use baosong::report::Report;
use common::{MAX_PHOTO_BYTES, fixture, have_tool, run};

fn render(report: &Report, options: &Options) -> Vec<u8> {
    render::to_vec(pdf::pdf, report, options).unwrap()
}

/// Punctuation no line may start with (禁则).
const NO_LINE_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '”', '’', '】', '〕', '…',
];

/// The first line that starts with a forbidden punctuation mark, if any.
fn bad_line_start(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(NO_LINE_START))
}

/// The lines as printed: pdftotext's words grouped by page and baseline,
/// left to right. (Its plain text splits a line where compressed
/// punctuation overlaps the glyph before it, as in "）；".)
fn visual_lines(pdf: &str) -> Vec<String> {
    let xml = run("pdftotext", &["-bbox", pdf, "-"]);
    let attr = |word: &str, name: &str| -> f64 {
        let at = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        word[at..at + word[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut lines = Vec::new();
    for page in xml.split("<page ").skip(1) {
        let mut words: Vec<(i64, f64, &str)> = page
            .split("<word ")
            .skip(1)
            .map(|w| {
                let text = &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()];
                (attr(w, "yMax").round() as i64, attr(w, "xMin"), text)
            })
            .collect();
        words.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for group in words.chunk_by(|a, b| a.0 == b.0) {
            lines.push(group.iter().map(|w| w.2).collect());
        }
    }
    lines
}

#[test]
fn the_line_start_check_catches_a_bad_break() {
    assert_eq!(bad_line_start("第一行\n，第二行"), Some("，第二行"));
    assert_eq!(bad_line_start("第一行，\n第二行"), None);
}

#[test]
fn pdf_reads_back_with_poppler() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = fixture() else {
        return;
    };
    if !have_tool("pdftotext") {
        return;
    }
    let start = Instant::now();
    let bytes = render(&report, &Options::default());
    eprintln!("PDF：{} 字节，排版用时 {:?}", bytes.len(), start.elapsed());
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let path = path.to_str().unwrap();

    // Text: the situation first, unit names, a summary sentence, page numbers.
    let text = run("pdftotext", &[path, "-"]);
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let first_page: String = run("pdftotext", &["-f", "1", "-l", "1", path, "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(first_page.contains("一、总体情况"));
    for item in &report.situation.needs_action {
        assert!(first_page.contains(&item.unit), "{} on page 1", item.unit);
    }
    for unit in &report.units {
        assert!(flat.contains(&unit.unit), "unit {} missing", unit.unit);
    }
    assert!(flat.contains(common::SUMMARY_SENTENCE));
    assert!(flat.contains("其余七条已转交相关股室限期办理。"));
    // An excerpt is shown as one, the rest left to the DOCX.
    assert!(flat.contains(common::TRAFFIC_OPENING));
    assert!(flat.contains("（以上为节选；全文共123字，见DOCX版报告的附件。）"));
    assert!(!flat.contains(common::TRAFFIC_REST));
    assert!(flat.contains("报送情况一览表"));
    assert!(flat.contains("2张，需3张"));
    assert!(
        flat.contains("公路养护开放日"),
        "the activity still without material"
    );
    assert!(flat.contains("—1—") && flat.contains("—2—"), "page numbers");
    assert!(flat.contains("拍摄于5月10日09:30"), "photo captions");
    // The office's own tasks are not the leaders' business.
    for office in ["文件已损坏", "会议签到表", "待确认", "附录"] {
        assert!(!flat.contains(office), "{office} in the leaders' PDF");
    }

    // Chinese line breaking: the long summary wraps, never before ，。 etc.
    let lines = visual_lines(path);
    assert!(lines.len() > 60);
    assert_eq!(bad_line_start(&lines.join("\n")), None);
    // The fixture's comma falls exactly at a wrap point: it must stay on the
    // line (compressed) or take the character before it along.
    let line = lines.iter().find(|l| l.contains("研究部")).unwrap();
    assert!(
        line.ends_with("研究部署，") || line.ends_with("研究部"),
        "{line}"
    );

    // One bookmark per unit, nested under the unit chapter.
    let xml = run("pdftohtml", &["-xml", "-stdout", "-i", "-q", path]);
    let outline = &xml[xml.find("<outline>").expect("PDF has an outline")..];
    let chapter = outline.find(">三、各单位报送材料</item>").unwrap();
    for unit in &report.units {
        let at = outline
            .find(&format!("{}</item>", unit.unit))
            .unwrap_or_else(|| panic!("bookmark {}", unit.unit));
        assert!(at > chapter, "{} under the unit chapter", unit.unit);
    }

    // The faces are embedded as subsets, the body in a serif face.
    let fonts = run("pdffonts", &[path]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb/sub/uni: {row}"
        );
        assert!(cols[0].contains('+'), "subset tag: {row}");
    }
    assert!(
        rows.iter().any(|r| r.contains("Serif")),
        "a serif body face: {fonts}"
    );
    assert!(
        bytes.len() < 2_000_000,
        "the fonts must be subset, not whole"
    );
}

#[test]
fn photos_are_the_print_jpegs_passed_through() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = fixture() else {
        return;
    };
    if !have_tool("pdfimages") {
        return;
    }
    let bytes = render(&report, &Options::default());
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).unwrap();

    let list = run("pdfimages", &["-list", path.to_str().unwrap()]);
    let encodings: Vec<&str> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().nth(8).unwrap())
        .collect();
    assert_eq!(encodings, ["jpeg"; common::PICTURES], "{list}");

    // `pdfimages -j` writes DCT streams out as they are stored.
    let prefix = dir.path().join("img");
    run(
        "pdfimages",
        &["-j", path.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let mut embedded: Vec<Vec<u8>> = (0..common::PICTURES)
        .map(|i| std::fs::read(dir.path().join(format!("img-{i:03}.jpg"))).unwrap())
        .collect();
    let mut originals: Vec<Vec<u8>> = report
        .photos()
        .map(|p| std::fs::read(&p.jpeg).unwrap())
        .collect();
    embedded.sort();
    originals.sort();
    assert!(
        embedded == originals,
        "embedded JPEGs differ from the print JPEGs"
    );
    for jpeg in &embedded {
        assert!(jpeg.len() <= MAX_PHOTO_BYTES, "{} bytes", jpeg.len());
    }
}

#[test]
fn a_broken_template_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = fixture() else {
        return;
    };
    let path = dir.path().join("bad.typ");
    std::fs::write(&path, "#let x = (\n").unwrap();
    let options = Options {
        template: Template::from_file(&path).unwrap(),
        ..Options::default()
    };
    let err = render::to_vec(pdf::pdf, &report, &options).unwrap_err();
    assert!(err.to_string().starts_with("PDF 排版失败"), "{err}");
}

#[test]
fn a_long_status_table_repeats_its_header_on_every_page() {
    if !have_tool("pdftotext") {
        return;
    }
    let mut report = common::report(Vec::new());
    let rows = report.rows.clone();
    report.rows = (0..30).flat_map(|_| rows.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.pdf");
    std::fs::write(&path, render(&report, &Options::default())).unwrap();
    let text = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    // Pages (form feeds) before the unit chapter that hold table rows.
    let before_units = &text[..text.find("三、各单位报送材料").unwrap()];
    let table_pages: Vec<&str> = before_units
        .split('\u{c}')
        .filter(|p| p.contains("政务公开进林区"))
        .collect();
    assert!(
        table_pages.len() >= 3,
        "the table spans pages: {}",
        table_pages.len()
    );
    for page in table_pages {
        assert!(page.contains("序号"), "header repeated:\n{page}");
    }
}

/// pdftotext's text of each page.
fn pages(pdf: &Path) -> Vec<String> {
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    pages.pop(); // after the last form feed
    pages
}

/// The text of pages without page numbers, running unit names or white
/// space: what a reader reads, wherever the pages break.
fn reading(pages: &[String]) -> String {
    pages
        .iter()
        .flat_map(|p| p.lines())
        .map(str::trim)
        .filter(|l| {
            let running_head = l.ends_with("（续）");
            let page_number = l.starts_with('—') && l.ends_with('—');
            !running_head && !page_number
        })
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

#[test]
fn a_report_laid_out_in_parts_reads_as_one_document() {
    let Some(mut report) = fixture() else {
        return;
    };
    // Six times the status rows: at one unit per part the table is laid
    // out eight rows at a time, so it spans several parts and pages (parts
    // go on on the page where the part before ended).
    const COPIES: usize = 6;
    let original_rows = report.rows.clone();
    report.rows = (0..COPIES).flat_map(|_| original_rows.clone()).collect();
    if !have_tool("pdftotext") || !have_tool("qpdf") {
        return;
    }
    assert!(report.units.len() >= 3);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, units_per_part: usize| {
        let path = dir.path().join(name);
        let options = Options {
            units_per_part,
            ..Options::default()
        };
        std::fs::write(&path, render(&report, &options)).unwrap();
        path
    };
    // One unit per part: the front, the status table in three parts, three
    // units, the activities without material.
    let whole = write("whole.pdf", usize::MAX);
    let parted = write("parted.pdf", 1);
    for pdf in [&whole, &parted] {
        let check = std::process::Command::new("qpdf")
            .args(["--check", pdf.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "qpdf --check {}:\n{}",
            pdf.display(),
            String::from_utf8_lossy(&check.stdout)
        );
    }

    // Page numbers run on across parts.
    let (one, many) = (pages(&whole), pages(&parted));
    for (i, page) in many.iter().enumerate() {
        let flat: String = page.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            flat.ends_with(&format!("—{}—", i + 1)),
            "page {}: {flat}",
            i + 1
        );
    }
    // From the unit chapter on, the same words in the same order: each
    // part starts a page, nothing else differs.
    let units_chapter = |pages: &[String]| {
        let text = reading(pages);
        text[text.find("三、各单位报送材料").unwrap()..].to_owned()
    };
    assert_eq!(units_chapter(&one), units_chapter(&many));
    // The status table goes on over parts with its header repeated, its
    // title once at the start and its note at the end.
    let all = many.join("\u{c}");
    let before_units = &all[..all.find("三、各单位报送材料").unwrap()];
    let status: Vec<&str> = before_units
        .split('\u{c}')
        .filter(|p| p.contains("序号"))
        .collect();
    assert!(status.len() >= 2, "the status table is in parts");
    let table: String = status.concat();
    assert_eq!(table.matches("报送情况一览表").count(), 1);
    assert!(status.last().unwrap().contains("单元格底色表示状态"));
    for row in &original_rows {
        let times = original_rows
            .iter()
            .filter(|r| r.theme == row.theme)
            .count();
        assert_eq!(
            table.matches(&row.theme).count(),
            COPIES * times,
            "{}",
            row.theme
        );
    }

    // The same bookmarks, units nested under their chapter, on the right pages.
    let outline = |pdf: &Path| {
        let xml = run(
            "pdftohtml",
            &["-xml", "-stdout", "-i", "-q", pdf.to_str().unwrap()],
        );
        xml[xml.find("<outline>").expect("PDF has an outline")..].to_owned()
    };
    let bookmarks = outline(&parted);
    let titles = |xml: &str| -> Vec<String> {
        xml.split("<item page=\"")
            .map(|item| {
                item.split_once("\">")
                    .map_or(item, |(_, rest)| rest)
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(titles(&outline(&whole)), titles(&bookmarks));
    let chapter = bookmarks.find(">三、各单位报送材料</item>").unwrap();
    for unit in &report.units {
        let at = bookmarks.find(&format!("{}</item>", unit.unit)).unwrap();
        assert!(at > chapter, "{} under the unit chapter", unit.unit);
        let page = &many[bookmark_page(&bookmarks, at) - 1];
        assert!(
            page.contains(&unit.unit),
            "bookmark {} → its page",
            unit.unit
        );
    }
    assert!(bookmarks.contains(">四、尚未收到材料的活动</item>"));

    // Every photo in, passed through.
    let images = |pdf: &Path| {
        run("pdfimages", &["-list", pdf.to_str().unwrap()])
            .lines()
            .count()
    };
    assert_eq!(images(&whole), images(&parted));
    assert_eq!(images(&parted), 2 + common::PICTURES);
}

/// The page number of the bookmark `<item page="N">` whose title ends at `at`.
fn bookmark_page(xml: &str, at: usize) -> usize {
    let open = xml[..at].rfind("<item page=\"").unwrap() + "<item page=\"".len();
    let end = open + xml[open..].find('"').unwrap();
    xml[open..end].parse().unwrap()
}

/// However long the first page's lists are, no page ends with a heading
/// ("（二）近7日到期事项" alone at its foot): each is kept with what follows.
#[test]
fn a_heading_is_never_alone_at_the_foot_of_a_page() {
    let Some(mut report) = fixture() else {
        return;
    };
    if !have_tool("pdftotext") || !have_tool("pdftohtml") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    report.units.truncate(1);
    let items = report.situation.needs_action.clone();
    assert!(!items.is_empty());
    // One item more each time moves the headings after the list down the
    // page by a line or two, over every place on it.
    for n in 0..=16 {
        report.situation.needs_action = items.iter().cycle().take(n).cloned().collect();
        let path = dir.path().join(format!("front-{n}.pdf"));
        std::fs::write(&path, render(&report, &Options::default())).unwrap();
        assert_eq!(
            reading::page_ending_with_a_heading(&path),
            None,
            "{n} items needing action"
        );
    }
}
