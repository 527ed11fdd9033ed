//! Reading what `baosong run` wrote as its readers do: the report's pages
//! as text (pdftotext), its bookmarks, the DOCX's paragraphs; the checks
//! every report's unit pages must pass; and Word documents typed the way
//! units type them, for the inputs.

#![allow(dead_code)] // each test binary uses a different part of the helper

use std::io::{Read, Write};
use std::path::Path;

use crate::common;

/// Text without white space.
pub fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A part of the report's DOCX package.
pub fn docx_part(report: &Path, name: &str) -> String {
    let file = std::fs::File::open(report.join("报送情况汇总.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

/// The text of every `<w:t>`.
pub fn words(xml: &str) -> String {
    xml.split("<w:t")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            Some(&t[start..start + t[start..].find("</w:t>")?])
        })
        .collect()
}

/// A report's text as a reader reads it: every page's lines (pdftotext
/// `-layout`, trimmed), without running heads ("县公安局（续）") and page
/// numbers, each page a list.
pub fn page_lines(pdf: &Path) -> Vec<Vec<String>> {
    let text = common::run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<Vec<String>> = text
        .split('\u{c}')
        .map(|p| {
            p.lines()
                .map(flat)
                .filter(|l| !l.is_empty() && !l.ends_with("（续）"))
                .filter(|l| !(l.starts_with('—') && l.ends_with('—')))
                .collect()
        })
        .collect();
    pages.pop(); // after the last form feed
    pages
}

/// The bookmarks' titles (the report's headings), flat.
pub fn headings(pdf: &Path) -> Vec<String> {
    let xml = common::run(
        "pdftohtml",
        &["-xml", "-stdout", "-i", "-q", pdf.to_str().unwrap()],
    );
    let outline = &xml[xml.find("<outline>").expect("the PDF has an outline")..];
    outline
        .split("<item page=\"")
        .skip(1)
        .filter_map(|i| {
            let (_, rest) = i.split_once("\">")?;
            Some(flat(&rest[..rest.find('<')?]))
        })
        .collect()
}

/// The texts of the DOCX's paragraphs in `style`.
pub fn docx_paragraphs(report: &Path, style: &str) -> Vec<String> {
    let xml = docx_part(report, "word/document.xml");
    xml.split("<w:p>")
        .flat_map(|p| p.split("<w:p "))
        .filter(|p| p.contains(&format!("<w:pStyle w:val=\"{style}\"/>")))
        .map(|p| flat(&words(p)))
        .collect()
}

/// What a unit page shows of each summary, flat: from after its label
/// "活动总结（《…》）：" to the excerpt's note or the next label.
pub fn summary_sections(pages: &[Vec<String>]) -> Vec<Vec<String>> {
    let lines: Vec<&String> = pages.iter().flatten().collect();
    let ends = [
        "（以上为节选",
        "活动照片（",
        "视频资料（",
        "活动安排表（",
        "说明：",
        "报送情况：",
    ];
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !(l.starts_with("活动总结（《") && l.ends_with("》）：")) {
            continue;
        }
        let section: Vec<String> = lines[i + 1..]
            .iter()
            .take_while(|l| !ends.iter().any(|e| l.starts_with(e)))
            .map(|l| l.to_string())
            .collect();
        out.push(section);
    }
    out
}

/// A line that is only a date ("2025年6月3日", "二〇二五年五月二十六日").
pub fn is_date_line(l: &str) -> bool {
    let digits = "0123456789〇○零一二三四五六七八九十";
    let l = l.trim_end_matches('。');
    l.ends_with('日')
        && l.contains('年')
        && l.contains('月')
        && l.chars()
            .all(|c| digits.contains(c) || "年月日".contains(c))
}

/// A line that is only an addressee ("县政务公开办：").
pub fn is_salutation(l: &str) -> bool {
    let body = l.trim_end_matches(['：', ':']);
    body.len() < l.len()
        && body.chars().count() <= 20
        && !body.contains(['，', '。', '、', '；'])
        && !body.starts_with(|c: char| "一二三四五六七八九十（(0123456789".contains(c))
}

/// Every summary on the unit pages: its title once, no addressee, date,
/// letterhead or signature line, at most the excerpt's length.
pub fn check_unit_pages(report: &Path) {
    let pdf = report.join("报送情况汇总.pdf");
    let pages = page_lines(&pdf);
    let text: String = pages.iter().flatten().map(String::as_str).collect();
    let titles = docx_paragraphs(report, "SummaryTitle");
    let sections = summary_sections(&pages);
    assert!(!sections.is_empty(), "summaries on the unit pages");
    for section in &sections {
        let body: String = section.concat();
        // Its title, if it has one, is the first thing shown, and only once.
        let title = titles.iter().find(|t| body.starts_with(t.as_str()));
        let shown = title.map_or(body.as_str(), |t| &body[t.len()..]);
        if let Some(t) = title {
            assert!(!shown.contains(t.as_str()), "title repeated: {t}");
        }
        let chars = baosong::inspect::count_chars(shown);
        assert!(
            chars <= baosong::report::SUMMARY_EXCERPT_CHARS,
            "{chars} characters shown: {shown}"
        );
        for line in section {
            assert!(!is_date_line(line), "a date line: {line}\n{section:?}");
            assert!(!is_salutation(line), "an addressee: {line}\n{section:?}");
        }
    }
    // A title appears once in the whole report (never as a heading of its own).
    for t in &titles {
        assert_eq!(text.matches(t.as_str()).count(), 1, "{t}");
    }
}

/// A page ends with a heading: a chapter, unit or activity heading, an
/// activity's state line or a label ("活动照片（3张）："). Returns the first
/// such page and line.
pub fn page_ending_with_a_heading(pdf: &Path) -> Option<(usize, String)> {
    let headings = headings(pdf);
    let pages = page_lines(pdf);
    for (n, page) in pages.iter().enumerate().take(pages.len().saturating_sub(1)) {
        let Some(last) = page.last() else { continue };
        let heading = headings.iter().any(|h| h.ends_with(last.as_str()));
        let label = last.starts_with("报送情况：")
            || (last.ends_with('：') && last.starts_with("活动"))
            || last.starts_with("视频资料（");
        if heading || label {
            return Some((n + 1, last.clone()));
        }
    }
    None
}

/// A Word document as units type them: each paragraph in Word's style of
/// that id ("Title", "Heading1", "Heading2") or Normal (`None`); a "\n"
/// in a paragraph is a manual line break. Written as WordprocessingML with
/// the style definitions Word writes (names "Title", "heading 1", …).
pub fn word_docx(paragraphs: &[(Option<&str>, &str)]) -> Vec<u8> {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = String::new();
    for (style, text) in paragraphs {
        body.push_str("<w:p>");
        if let Some(style) = style {
            body.push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
        }
        body.push_str("<w:r>");
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                body.push_str("<w:br/>");
            }
            body.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(line)));
        }
        body.push_str("</w:r></w:p>");
    }
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {w}><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let style = |id: &str, name: &str, level: Option<u8>| {
        let outline = level.map_or(String::new(), |l| {
            format!("<w:pPr><w:outlineLvl w:val=\"{l}\"/></w:pPr>")
        });
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{outline}</w:style>"
        )
    };
    let styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles {w}>{}{}{}{}</w:styles>",
        style("Normal", "Normal", None),
        style("Title", "Title", None),
        style("Heading1", "heading 1", Some(0)),
        style("Heading2", "heading 2", Some(1)),
    );
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/></Types>".to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>".to_string(),
        ),
        (
            "word/_rels/document.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>".to_string(),
        ),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
