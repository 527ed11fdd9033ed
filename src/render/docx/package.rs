//! The parts of the DOCX package around the document: content types,
//! relationships, styles with the 公文 faces and sizes, the font table,
//! the page-number footers, settings and document properties.

use std::fmt::Write as _;
use std::io::{Seek, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::TWIPS_PER_MM;
use super::xml::size;
use crate::render::escape::esc;
use crate::render::fonts::Role;
use crate::render::style::{self, Metrics};
use crate::render::{Options, RenderError};
use crate::report::Report;

pub const DOCUMENT: &str = "word/document.xml";

const NAMESPACES: &str = concat!(
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
    r#"xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#
);

const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// The document part's opening, up to the first paragraph.
pub fn document_start() -> String {
    format!("{XML_DECL}<w:document {NAMESPACES}><w:body>")
}

/// The document part's end.
pub const DOCUMENT_END: &str = "</w:body></w:document>";

/// The package part of photo `n` (from 1).
pub fn media_part(n: usize) -> String {
    format!("word/media/image{n}.jpeg")
}

/// The relationship id of photo `n` (from 1).
pub fn media_rel(n: usize) -> String {
    format!("rIdImage{n}")
}

fn twips(mm: f64) -> u32 {
    (mm * TWIPS_PER_MM).round() as u32
}

/// A4 with the typography's margins and the page-number footers (odd pages
/// right, even pages left). No document grid: the body's exact line
/// spacing gives the 公文's 22 lines, and tables keep their own spacing.
pub fn section_properties(m: &Metrics) -> String {
    let [top, bottom, left, right] = m.margins_mm;
    // The footer's baseline sits page_number_gap_mm under the text block.
    let footer = twips(bottom - m.page_number_gap_mm) - (m.page_number_pt * 20.0 * 0.25) as u32;
    format!(
        r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="851" w:footer="{footer}" w:gutter="0"/></w:sectPr>"#,
        twips(top),
        twips(right),
        twips(bottom),
        twips(left),
    )
}

/// Writes every part but the document and the photos.
pub fn write_parts<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    report: &Report,
    options: &Options,
    photos: usize,
) -> Result<(), RenderError> {
    let m = style::metrics(options.typography);
    let names = |role: Role| options.fonts.face(role).office_name().to_owned();
    let parts = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_rels()),
        ("word/_rels/document.xml.rels", document_rels(photos)),
        ("word/styles.xml", styles(&m, &names)),
        ("word/fontTable.xml", font_table(&names)),
        ("word/settings.xml", settings()),
        ("word/footer1.xml", footer("right", &m)),
        ("word/footer2.xml", footer("left", &m)),
        ("docProps/core.xml", core_properties(report, options)),
        ("docProps/app.xml", app_properties()),
    ];
    for (name, xml) in parts {
        zip.start_file(name, SimpleFileOptions::default())?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(())
}

fn content_types() -> String {
    let override_ = |part: &str, kind: &str| {
        format!(
            r#"<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-{kind}"/>"#
        )
    };
    [
        XML_DECL.to_owned(),
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#.into(),
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#.into(),
        r#"<Default Extension="xml" ContentType="application/xml"/>"#.into(),
        r#"<Default Extension="jpeg" ContentType="image/jpeg"/>"#.into(),
        override_(DOCUMENT, "officedocument.wordprocessingml.document.main+xml"),
        override_("word/styles.xml", "officedocument.wordprocessingml.styles+xml"),
        override_("word/settings.xml", "officedocument.wordprocessingml.settings+xml"),
        override_("word/fontTable.xml", "officedocument.wordprocessingml.fontTable+xml"),
        override_("word/footer1.xml", "officedocument.wordprocessingml.footer+xml"),
        override_("word/footer2.xml", "officedocument.wordprocessingml.footer+xml"),
        override_("docProps/core.xml", "package.core-properties+xml"),
        override_("docProps/app.xml", "officedocument.extended-properties+xml"),
        "</Types>".into(),
    ]
    .concat()
}

fn relationships(rels: &[(String, &str, String)]) -> String {
    let mut out = format!(
        r#"{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    );
    for (id, kind, target) in rels {
        let _ = write!(
            out,
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/{kind}" Target="{target}"/>"#
        );
    }
    out.push_str("</Relationships>");
    out
}

fn package_rels() -> String {
    relationships(&[
        (
            "rIdDocument".into(),
            "officeDocument/2006/relationships/officeDocument",
            DOCUMENT.into(),
        ),
        (
            "rIdCore".into(),
            "package/2006/relationships/metadata/core-properties",
            "docProps/core.xml".into(),
        ),
        (
            "rIdApp".into(),
            "officeDocument/2006/relationships/extended-properties",
            "docProps/app.xml".into(),
        ),
    ])
}

fn document_rels(photos: usize) -> String {
    let mut rels = vec![
        (
            "rIdStyles".into(),
            "officeDocument/2006/relationships/styles",
            "styles.xml".into(),
        ),
        (
            "rIdSettings".into(),
            "officeDocument/2006/relationships/settings",
            "settings.xml".into(),
        ),
        (
            "rIdFontTable".into(),
            "officeDocument/2006/relationships/fontTable",
            "fontTable.xml".into(),
        ),
        (
            "rIdFooterOdd".into(),
            "officeDocument/2006/relationships/footer",
            "footer1.xml".into(),
        ),
        (
            "rIdFooterEven".into(),
            "officeDocument/2006/relationships/footer",
            "footer2.xml".into(),
        ),
    ];
    rels.extend((1..=photos).map(|n| {
        (
            media_rel(n),
            "officeDocument/2006/relationships/image",
            media_part(n).trim_start_matches("word/").to_owned(),
        )
    }));
    relationships(&rels)
}

/// Run fonts naming one family for every script.
fn fonts(family: &str) -> String {
    let f = esc(family);
    format!(r#"<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>"#)
}

/// The styles: Normal is the 公文 body (仿宋, 3号, fixed line pitch, first
/// line indented two characters); Title, headings, tables, captions.
fn styles(m: &Metrics, names: &dyn Fn(Role) -> String) -> String {
    let pitch = (m.line_pitch_pt * 20.0).round() as u32;
    let body = names(Role::Body);
    let indent = format!(
        r#"<w:ind w:firstLineChars="200" w:firstLine="{}"/>"#,
        (m.body_pt * 40.0).round() as u32
    );
    let no_indent = r#"<w:ind w:firstLineChars="0" w:firstLine="0"/>"#;
    let single = r#"<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>"#;
    let paragraph = |id: &str, name: &str, ppr: &str, rpr: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#
        )
    };
    let heading = |level: u8, role: Role, extra: &str| {
        paragraph(
            &format!("Heading{level}"),
            &format!("heading {level}"),
            &format!(
                r#"<w:keepNext/><w:keepLines/><w:outlineLvl w:val="{}"/>"#,
                level - 1
            ),
            &format!("{}{extra}{}", fonts(&names(role)), size(m.body_pt)),
        )
    };
    [
        XML_DECL.to_owned(),
        format!("<w:styles {NAMESPACES}>"),
        format!(
            r#"<w:docDefaults><w:rPrDefault><w:rPr>{}<w:kern w:val="2"/>{}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="{pitch}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
            fonts(&body),
            size(m.body_pt)
        ),
        format!(
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl/><w:spacing w:before="0" w:after="0" w:line="{pitch}" w:lineRule="exact"/>{indent}<w:jc w:val="both"/></w:pPr><w:rPr>{}{}</w:rPr></w:style>"#,
            fonts(&body),
            size(m.body_pt)
        ),
        paragraph(
            "Title",
            "Title",
            &format!(
                r#"<w:spacing w:before="0" w:after="{pitch}" w:line="{}" w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>"#,
                (m.title_pt * 1.4 * 20.0).round() as u32
            ),
            &format!("{}{}", fonts(&names(Role::Title)), size(m.title_pt)),
        ),
        paragraph(
            "Subtitle",
            "Subtitle",
            &format!(r#"{no_indent}<w:spacing w:before="0" w:after="{pitch}" w:line="{pitch}" w:lineRule="exact"/><w:jc w:val="center"/>"#),
            &format!("{}{}", fonts(&names(Role::Subheading)), size(m.body_pt)),
        ),
        heading(1, Role::Heading, ""),
        heading(2, Role::Subheading, ""),
        heading(3, Role::Body, "<w:b/><w:bCs/>"),
        paragraph(
            "SummaryTitle",
            "Summary Title",
            &format!(r#"<w:keepNext/>{no_indent}<w:jc w:val="center"/>"#),
            "<w:b/><w:bCs/>",
        ),
        paragraph(
            "TableText",
            "Table Text",
            &format!(r#"{single}{no_indent}<w:jc w:val="left"/>"#),
            &size(m.table_pt),
        ),
        paragraph(
            "TableHeading",
            "Table Heading",
            &format!(r#"<w:keepNext/>{single}{no_indent}<w:jc w:val="center"/>"#),
            &format!("{}{}", fonts(&names(Role::Heading)), size(m.table_pt)),
        ),
        paragraph(
            "Caption",
            "caption",
            &format!(r#"{single}{no_indent}<w:jc w:val="center"/>"#),
            &size(m.caption_pt),
        ),
        paragraph(
            "Note",
            "Note",
            &format!(r#"<w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>{no_indent}"#),
            &size(m.table_pt),
        ),
        paragraph(
            "Footer",
            "footer",
            &format!(r#"{single}{no_indent}"#),
            &format!("{}{}", fonts(&names(Role::Body)), size(m.page_number_pt)),
        ),
        "</w:styles>".into(),
    ]
    .concat()
}

/// The Western names Word falls back on when a PC has a 公文 family only
/// under its English name.
fn western_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "仿宋" => "FangSong",
        "仿宋_GB2312" => "FangSong_GB2312",
        "黑体" => "SimHei",
        "楷体" => "KaiTi",
        "楷体_GB2312" => "KaiTi_GB2312",
        "方正小标宋简体" => "FZXiaoBiaoSong-B05S",
        _ => return None,
    })
}

fn font_table(names: &dyn Fn(Role) -> String) -> String {
    let mut out = format!("{XML_DECL}<w:fonts {NAMESPACES}>");
    let mut seen: Vec<String> = Vec::new();
    for role in Role::ALL {
        let name = names(role);
        if seen.contains(&name) {
            continue;
        }
        let alt = western_name(&name)
            .map(|a| format!(r#"<w:altName w:val="{a}"/>"#))
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<w:font w:name="{}">{alt}<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
            esc(&name)
        );
        seen.push(name);
    }
    out.push_str("</w:fonts>");
    out
}

fn settings() -> String {
    format!(
        r#"{XML_DECL}<w:settings {NAMESPACES}><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#
    )
}

/// A footer with the page number as a 公文 has it: "— 1 —", one character
/// in from the text block's edge on the side `align`.
fn footer(align: &str, m: &Metrics) -> String {
    let inset = (m.page_number_pt * 20.0).round() as u32;
    let text = |t: &str| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let field = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    format!(
        r#"{XML_DECL}<w:ftr {NAMESPACES}><w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind w:{align}="{inset}"/><w:jc w:val="{align}"/></w:pPr>{}{}<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>{}{}{}{}</w:p></w:ftr>"#,
        text("— "),
        field("begin"),
        field("separate"),
        text("1"),
        field("end"),
        text(" —"),
    )
}

fn core_properties(report: &Report, options: &Options) -> String {
    format!(
        r#"{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:description>{}</dc:description></cp:coreProperties>"#,
        esc(&format!("{}报送情况汇总", report.title)),
        esc(&report.office),
        esc(&options.fonts.describe().join("；")),
    )
}

fn app_properties() -> String {
    format!(
        r#"{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>baosong</Application></Properties>"#
    )
}
