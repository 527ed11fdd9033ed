//! The DOCX read back: through docx-rs's reader (headings, tables, images)
//! and as a zip of XML parts (styles, fonts, JPEG parts and content types).

mod common;

use std::io::Read;

use baosong::compile::{Fonts, docx};
use docx_rs::{DocumentChild, ReadDocxOptions, read_docx_with_options};
use zip::ZipArchive;

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

#[test]
fn docx_has_headings_tables_and_fonts() {
    let Some(report) = common::fixture() else {
        return;
    };
    let bytes = docx::render(&report, &Fonts::default()).unwrap();

    let doc = read_docx_with_options(
        &bytes,
        ReadDocxOptions::default().with_image_previews(false),
    )
    .unwrap();
    let mut headings = Vec::new();
    let mut paragraphs = String::new();
    let mut tables = 0;
    for child in &doc.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                let text = p.raw_text();
                if let Some(style) = &p.property.style {
                    headings.push((style.val.clone(), text.clone()));
                }
                paragraphs.push_str(&text);
            }
            DocumentChild::Table(_) => tables += 1,
            _ => {}
        }
    }
    for unit in &report.units {
        assert!(
            headings.contains(&("Heading2".to_owned(), unit.unit.clone())),
            "unit heading {} in {headings:?}",
            unit.unit
        );
    }
    assert!(headings.contains(&("Heading1".to_owned(), "二、报送情况一览表".to_owned())));
    assert!(paragraphs.contains(common::SUMMARY_SENTENCE));
    assert!(
        paragraphs.contains("尚未报送材料"),
        "a unit with nothing yet gets one line"
    );
    // overview ×2, status, summary, schedule, photo grids ×2, appendix ×3
    assert!(tables >= 9, "{tables} tables");

    let parts = parts(&bytes);
    let styles = text_of(&parts, "word/styles.xml");
    for id in ["Heading1", "Heading2"] {
        assert!(
            styles.contains(&format!("w:styleId=\"{id}\"")),
            "{id} style"
        );
    }
    assert!(
        styles.contains("<w:outlineLvl w:val=\"1\""),
        "Heading2 is in the navigation pane"
    );
    assert!(
        styles.contains("w:eastAsia=\"WenQuanYi Micro Hei\""),
        "East Asian font"
    );
    let document = text_of(&parts, "word/document.xml");
    assert!(document.contains("<w:tbl>"));
    assert!(document.contains("照片2张，需至少3张"));
}

#[test]
fn docx_photos_are_jpeg_parts_with_the_original_bytes() {
    let Some(report) = common::fixture() else {
        return;
    };
    let bytes = docx::render(&report, &Fonts::default()).unwrap();
    let parts = parts(&bytes);

    let types = text_of(&parts, "[Content_Types].xml");
    assert_eq!(default_type(types, "jpeg"), Some("image/jpeg"), "{types}");
    assert_eq!(default_type(types, "jpg"), Some("image/jpeg"), "{types}");

    let media: Vec<&(String, Vec<u8>)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/media/") && !n.ends_with('/'))
        .collect();
    assert_eq!(media.len(), common::PHOTOS.len());
    let rels = text_of(&parts, "word/_rels/document.xml.rels");
    for (name, _) in &media {
        assert!(name.ends_with(".jpeg"), "{name} is not named .jpeg");
        let target = name.trim_start_matches("word/");
        assert!(
            rels.contains(&format!("Target=\"{target}\"")),
            "rels point at {target}"
        );
    }
    assert!(!rels.contains(".png\""), "{rels}");

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
    // Built one unit at a time, so LibreOffice also reads the joined package.
    std::fs::write(
        &docx_path,
        docx::render_in_parts(&report, &Fonts::default(), 1).unwrap(),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let profile = format!(
        "-env:UserInstallation=file://{}/lo-profile",
        dir.path().display()
    );
    common::run(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dir.path().to_str().unwrap(),
            docx_path.to_str().unwrap(),
        ],
    );
    eprintln!("LibreOffice 转换用时 {:?}", start.elapsed());
    let pdf = dir.path().join("report.pdf");
    let text: String = common::run("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for unit in &report.units {
        assert!(text.contains(&unit.unit), "{} missing", unit.unit);
    }
    assert!(text.contains(common::SUMMARY_SENTENCE));
    let images = common::run("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(
        images.lines().skip(2).count(),
        common::PHOTOS.len(),
        "{images}"
    );
}

/// The document's paragraphs' text and tables, in order.
fn outline_of(bytes: &[u8]) -> Vec<String> {
    let doc = read_docx_with_options(bytes, ReadDocxOptions::default().with_image_previews(false))
        .unwrap();
    doc.document
        .children
        .iter()
        .filter_map(|child| match child {
            DocumentChild::Paragraph(p) => Some(format!(
                "{}:{}",
                p.property.style.as_ref().map_or("", |s| s.val.as_str()),
                p.raw_text()
            )),
            DocumentChild::Table(t) => Some(format!("table of {} rows", t.rows.len())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_docx_built_in_parts_is_the_same_document() {
    let Some(report) = common::fixture() else {
        return;
    };
    assert!(report.units.len() >= 3);
    let whole = docx::render_in_parts(&report, &Fonts::default(), usize::MAX).unwrap();
    let parted = docx::render_in_parts(&report, &Fonts::default(), 1).unwrap();
    let content = outline_of(&parted);
    assert_eq!(outline_of(&whole), content);
    assert!(
        !content.iter().any(|p| p.contains("baosong-units")),
        "the mark is replaced"
    );
    for unit in &report.units {
        assert!(content.contains(&format!("Heading2:{}", unit.unit)));
    }

    // Every picture the body embeds has a relationship to a JPEG part.
    let parts = parts(&parted);
    let document = text_of(&parts, "word/document.xml");
    let rels = text_of(&parts, "word/_rels/document.xml.rels");
    let embeds: Vec<&str> = document
        .split("r:embed=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(embeds.len(), common::PHOTOS.len());
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
}

/// Every table's header row, and only it, is marked to repeat at the top of
/// each page the table runs onto (`w:tblHeader`, after `w:trHeight` as the
/// schema orders them), in the front package and in the units' bodies alike.
#[test]
fn header_rows_repeat_on_every_page() {
    let Some(report) = common::fixture() else {
        return;
    };
    let bytes = docx::render_in_parts(&report, &Fonts::default(), 1).unwrap();
    let parts = parts(&bytes);
    let document = text_of(&parts, "word/document.xml");
    let mut headed = Vec::new();
    for table in document.split("<w:tbl>").skip(1) {
        let table = &table[..table.find("</w:tbl>").expect("table end")];
        let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
        for row in &rows[1..] {
            assert!(!row.contains("tblHeader"), "only a first row is a header");
        }
        if rows[0].contains("<w:tblHeader />") {
            assert!(
                rows[0].contains(r#"w:hRule="atLeast" /><w:tblHeader /></w:trPr>"#),
                "tblHeader follows trHeight: {}",
                &rows[0][..rows[0].find("</w:trPr>").unwrap()]
            );
            let first_cell = rows[0]
                .split("<w:t ")
                .nth(1)
                .or(rows[0].split("<w:t>").nth(1));
            headed.push(first_cell.unwrap_or_default().to_owned());
        }
    }
    assert!(
        headed.iter().any(|h| h.contains("序号")),
        "the status table's header repeats"
    );
    // overview ×2, status, the schedule in a unit's body, appendix ×3
    assert!(headed.len() >= 7, "{} headed tables", headed.len());
}
