//! The WordprocessingML the report is written in: paragraphs, runs, tables
//! and inline pictures as strings, escaped once here.

use std::fmt::Write as _;

use crate::render::escape::esc;

/// A run of text with optional run properties (`<w:b/>`, `<w:sz …/>`, …).
pub fn run(props: &str, text: &str) -> String {
    let mut out = String::from("<w:r>");
    if !props.is_empty() {
        let _ = write!(out, "<w:rPr>{props}</w:rPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", esc(line));
    }
    out.push_str("</w:r>");
    out
}

/// A paragraph of style `style` with extra paragraph properties and runs.
pub fn para(style: &str, props: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{props}</w:pPr>{runs}</w:p>")
}

/// A paragraph of plain text in a style.
pub fn text_para(style: &str, text: &str) -> String {
    para(style, "", &run("", text))
}

/// Run properties for a font size in points (half-points in the XML).
pub fn size(pt: f64) -> String {
    let half = (pt * 2.0).round() as u32;
    format!("<w:sz w:val=\"{half}\"/><w:szCs w:val=\"{half}\"/>")
}

/// Run properties shading the run's background.
pub fn shade(fill: &str) -> String {
    format!("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/>")
}

/// One table cell: its width in twips, an optional fill, its paragraphs.
pub fn cell(width: u32, fill: Option<&str>, paragraphs: &str) -> String {
    let fill = fill.map(shade).unwrap_or_default();
    let paragraphs = if paragraphs.is_empty() {
        "<w:p/>"
    } else {
        paragraphs
    };
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{fill}<w:vAlign w:val=\"center\"/></w:tcPr>{paragraphs}</w:tc>"
    )
}

/// A table row; a header row repeats at the top of every page the table
/// runs onto, and no row is split across pages.
pub fn row(header: bool, cells: &str) -> String {
    let repeat = if header { "<w:tblHeader/>" } else { "" };
    format!("<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{cells}</w:tr>")
}

/// A full table: column widths in twips, bordered or not, its rows.
pub fn table(widths: &[u32], borders: bool, rows: &str) -> String {
    let total: u32 = widths.iter().sum();
    let grid: String = widths
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    let borders = if borders {
        let line = |side: &str| {
            format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
        };
        format!(
            "<w:tblBorders>{}{}{}{}{}{}</w:tblBorders>",
            line("top"),
            line("left"),
            line("bottom"),
            line("right"),
            line("insideH"),
            line("insideV")
        )
    } else {
        String::new()
    };
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>{borders}<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )
}

/// An inline picture: relationship `rel`, drawing id `id`, size in EMU.
pub fn picture(rel: &str, id: usize, name: &str, cx: u64, cy: u64) -> String {
    format!(
        "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"{name}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"{name}\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{rel}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>",
        name = esc(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_lines_break() {
        assert_eq!(
            run("", "A&B <c>\n第二行"),
            "<w:r><w:t xml:space=\"preserve\">A&amp;B &lt;c&gt;</w:t><w:br/><w:t xml:space=\"preserve\">第二行</w:t></w:r>"
        );
        assert_eq!(esc("a\u{1}b\""), "ab&quot;");
    }
}
