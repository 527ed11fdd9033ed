//! The DOCX read back: through docx-rs's reader (headings, tables) and as a
//! zip of XML parts (styles and their 公文 faces, JPEG parts, content
//! types, repeating header rows), and opened by LibreOffice.

mod common;

use std::io::Read;

use baosong::render::{self, Options, docx};
use baosong::report::Report;
use docx_rs::{DocumentChild, ReadDocxOptions, read_docx_with_options};
use zip::ZipArchive;

fn render(report: &Report) -> Vec<u8> {
    render::to_vec(docx::docx, report, &Options::default()).unwrap()
}

fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().to_string(), data)
        })
        .collect()
}

fn text_of<'a>(parts: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
    let (_, data) = parts.iter().find(|(n, _)| n == name).expect(name);
    std::str::from_utf8(data).unwrap()
}

/// The content type `[Content_Types].xml` gives an extension, in any attribute order.
fn default_type<'a>(types: &'a str, ext: &str) -> Option<&'a str> {
    types
        .split("<Default ")
        .skip(1)
        .map(|d| &d[..d.find("/>").unwrap_or(d.len())])
        .find(|d| d.contains(&format!("Extension=\"{ext}\"")))
        .and_then(|d| d.split("ContentType=\"").nth(1))
        .and_then(|t| t.split('"').next())
}

/// The text of every `<w:t>` of a part, joined.
fn words(xml: &str) -> String {
    xml.split("<w:t")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            Some(&t[start..start + t[start..].find("</w:t>")?])
        })
        .collect()
}

#[test]
fn docx_has_headings_tables_and_the_gongwen_faces() {
    let Some(report) = common::fixture() else {
        return;
    };
    let bytes = render(&report);

    let doc = read_docx_with_options(
        &bytes,
        ReadDocxOptions::default().with_image_previews(false),
    )
    .unwrap();
    let mut headings = Vec::new();
    let mut tables = 0;
    for child in &doc.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                if let Some(style) = &p.property.style {
                    headings.push((style.val.clone(), p.raw_text()));
                }
            }
            DocumentChild::Table(_) => tables += 1,
            _ => {}
        }
    }
    for unit in &report.units {
        assert!(
            headings
                .iter()
                .any(|(style, text)| style == "Heading2" && text.ends_with(&unit.unit)),
            "unit heading {} in {headings:?}",
            unit.unit
        );
    }
    assert!(headings.contains(&("Heading1".to_owned(), "二、报送情况一览表".to_owned())));
    // counts, months, status, the summary's table, the schedule, two photo
    // grids, one video poster grid, the activities without material
    assert_eq!(tables, 9, "{tables} tables");

    let parts = parts(&bytes);
    let styles = text_of(&parts, "word/styles.xml");
    for id in ["Normal", "Title", "Heading1", "Heading2", "Heading3"] {
        assert!(
            styles.contains(&format!("w:styleId=\"{id}\"")),
            "{id} style"
        );
    }
    assert!(
        styles.contains("<w:outlineLvl w:val=\"1\""),
        "Heading2 is in the navigation pane"
    );
    // The 公文 faces by the names office PCs know, and the 公文 sizes.
    let normal = &styles[styles.find("w:styleId=\"Normal\"").unwrap()..];
    let normal = &normal[..normal.find("</w:style>").unwrap()];
    assert!(normal.contains("w:eastAsia=\"仿宋\""), "{normal}");
    assert!(
        normal.contains("<w:sz w:val=\"32\"/>"),
        "3号 body: {normal}"
    );
    for face in ["方正小标宋简体", "黑体", "楷体"] {
        assert!(styles.contains(&format!("w:eastAsia=\"{face}\"")), "{face}");
    }
    assert!(!styles.contains("WenQuanYi"));
    let fonts = text_of(&parts, "word/fontTable.xml");
    assert!(fonts.contains("<w:font w:name=\"仿宋\"><w:altName w:val=\"FangSong\"/>"));

    let document = text_of(&parts, "word/document.xml");
    // A4 with the 公文 margins: 37/35/28/26 mm.
    assert!(document.contains(
        r#"<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#
    ));
    let text = words(document);
    assert!(text.contains(common::SUMMARY_SENTENCE));
    // An excerpt on the unit page says so; the whole text is in the appendix.
    assert!(text.contains("（以上为节选；全文共123字，见本报告的附件。）"));
    let appendix = &text[text.find("附件：各单位活动总结全文").expect("the appendix")..];
    assert!(appendix.contains(common::TRAFFIC_OPENING) && appendix.contains(common::TRAFFIC_REST));
    assert_eq!(text.matches(common::TRAFFIC_REST).count(), 1);
    assert!(text.contains("2张，需3张"));
    assert!(text.contains(&report.situation.paragraph));
    for office in ["文件已损坏", "会议签到表", "待确认", "附录"] {
        assert!(!text.contains(office), "{office} in the leaders' DOCX");
    }
    let footer = text_of(&parts, "word/footer1.xml");
    assert!(words(footer).starts_with("— ") && footer.contains(" PAGE "));
}

#[test]
fn docx_photos_are_jpeg_parts_with_the_original_bytes() {
    let Some(report) = common::fixture() else {
        return;
    };
    let bytes = render(&report);
    let parts = parts(&bytes);

    let types = text_of(&parts, "[Content_Types].xml");
    assert_eq!(default_type(types, "jpeg"), Some("image/jpeg"), "{types}");

    let media: Vec<&(String, Vec<u8>)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), common::PICTURES);
    let mut embedded: Vec<&Vec<u8>> = media.iter().map(|(_, d)| d).collect();
    let mut originals: Vec<Vec<u8>> = report
        .photos()
        .map(|p| std::fs::read(&p.jpeg).unwrap())
        .collect();
    embedded.sort();
    originals.sort();
    assert!(
        embedded.iter().zip(&originals).all(|(a, b)| *a == b),
        "bytes differ"
    );

    // Every picture the body embeds has a relationship to a JPEG part.
    let document = text_of(&parts, "word/document.xml");
    let rels = text_of(&parts, "word/_rels/document.xml.rels");
    let embeds: Vec<&str> = document
        .split("r:embed=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(embeds.len(), common::PICTURES);
    for id in embeds {
        let rel = rels
            .split("<Relationship ")
            .find(|r| r.contains(&format!("Id=\"{id}\"")))
            .unwrap_or_else(|| panic!("no relationship {id}"));
        let target = rel
            .split("Target=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let part = format!("word/{target}");
        let (_, bytes) = parts.iter().find(|(n, _)| *n == part).expect(&part);
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "{part} is a JPEG");
    }
    // Captions name photos as the unit knows them.
    assert!(words(document).contains("拍摄于5月10日 09:30"));
}

/// Every bordered table's header row, and only it, is marked to repeat at
/// the top of each page the table runs onto (`w:tblHeader`).
#[test]
fn header_rows_repeat_on_every_page() {
    let report = common::report(Vec::new());
    let bytes = render(&report);
    let parts = parts(&bytes);
    let document = text_of(&parts, "word/document.xml");
    let mut headed = Vec::new();
    for table in document.split("<w:tbl>").skip(1) {
        let table = &table[..table.find("</w:tbl>").expect("table end")];
        let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
        for row in &rows[1..] {
            assert!(!row.contains("tblHeader"), "only a first row is a header");
        }
        if rows[0].contains("<w:tblHeader/>") {
            headed.push(words(rows[0]));
        }
    }
    assert!(
        headed.iter().any(|h| h.starts_with("序号单位活动主题")),
        "the status table's header repeats: {headed:?}"
    );
    // counts, months, status, the summary's table, the schedule, the
    // activities without material
    assert_eq!(headed.len(), 6, "{headed:?}");
}

#[test]
fn libreoffice_opens_the_docx() {
    let Some(report) = common::fixture() else {
        return;
    };
    if !common::have_tool("soffice") || !common::have_tool("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx_path = dir.path().join("report.docx");
    std::fs::write(&docx_path, render(&report)).unwrap();
    let pdf = common::libreoffice_pdf(&docx_path, dir.path());
    let text: String = common::run("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for unit in &report.units {
        assert!(text.contains(&unit.unit), "{} missing", unit.unit);
    }
    assert!(text.contains(common::SUMMARY_SENTENCE));
    let images = common::run("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().skip(2).count(), common::PICTURES, "{images}");
}
