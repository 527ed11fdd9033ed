//! DOCX renderer (docx-rs): the same content as the PDF, editable by the
//! office before publishing.
//!
//! Word's navigation pane shows the units because they are real `Heading2`
//! paragraphs (styles added here with outline levels; a new docx-rs document
//! has none). The report font is set as the East Asian and Latin default and
//! on every style, so Word, WPS and LibreOffice use it when installed and
//! their own CJK default otherwise. The overview chart is given as a table
//! (a DOCX chart part would need a spreadsheet inside the package). Photos go
//! in as JPEG parts, see [`super::docx_jpeg`].

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, HeightRule, NumPages, PageNum, Paragraph, Pic,
    Run, RunFonts, Shading, Style, StyleType, Table, TableCell, TableRow, WidthType,
};

use super::photos::{Photo, Photos};
use super::spill::Spill;
use super::{CompileError, Fonts, UNITS_PER_PART, docx_jpeg};
use crate::inspect::{Block, Sheet};
use crate::report::{ActivitySection, FileLine, PhotoItem, Report, StatusCell, UnitSection};

/// Text width of an A4 page with 2.5 cm margins, in twips.
const TEXT_WIDTH_TWIPS: usize = 9020;
/// Photo box in the two-column grid: 7.5 cm wide, at most 6 cm high (EMU).
const PHOTO_WIDTH_EMU: u32 = 2_700_000;
const PHOTO_MAX_HEIGHT_EMU: u32 = 2_160_000;
/// Header-row shading of every table.
const HEADER_FILL: &str = "E6E6E6";
/// docx-rs cannot mark a header row (`w:tblHeader`: repeated at the top of
/// each page a table runs onto). Header rows get this minimum height in
/// twips instead, which no other row has, and [`docx_jpeg`] adds
/// `w:tblHeader` beside it when the package is written.
pub(super) const HEADER_ROW_HEIGHT: f32 = 1.0;

/// Renders the report as a .docx package, in memory.
pub fn render(report: &Report, fonts: &Fonts) -> Result<Vec<u8>, CompileError> {
    render_in_parts(report, fonts, UNITS_PER_PART)
}

/// [`render`], building `units_per_part` units at a time.
pub fn render_in_parts(
    report: &Report,
    fonts: &Fonts,
    units_per_part: usize,
) -> Result<Vec<u8>, CompileError> {
    let photos = Photos::of(report)?;
    let parts = layout_in_parts(report, fonts, &photos, units_per_part)?;
    Ok(docx_jpeg::relabel_into(&parts, &photos, Cursor::new(Vec::new()))?.into_inner())
}

/// The paragraph of the front package that the units' sections replace.
pub(super) const UNITS_MARK: &str = "baosong-units:here";

/// A report's DOCX as docx-rs packages, with the photos' stand-ins:
/// [`docx_jpeg::relabel_into`] joins them and puts the photos in.
///
/// docx-rs keeps a document's every paragraph as a large struct until it is
/// packed (~100 MB for 200 units), so the units are built and packed
/// [`UNITS_PER_PART`] at a time and only their XML is kept.
#[derive(Debug, Default)]
pub struct DocxParts {
    /// The whole document (styles, header and footer, cover, overview,
    /// status table, appendix) with a [`UNITS_MARK`] paragraph where the
    /// units go.
    pub front: Vec<u8>,
    /// Packages of a few units each, waiting in a temporary file; their
    /// body, pictures and the pictures' relationships are used.
    pub units: Spill,
}

/// Builds the packages with the photos' stand-ins.
pub fn layout(report: &Report, fonts: &Fonts, photos: &Photos) -> Result<DocxParts, CompileError> {
    layout_in_parts(report, fonts, photos, UNITS_PER_PART)
}

/// [`layout`], `units_per_part` units at a time.
pub fn layout_in_parts(
    report: &Report,
    fonts: &Fonts,
    photos: &Photos,
    units_per_part: usize,
) -> Result<DocxParts, CompileError> {
    let mut photos = photos.iter();
    let mut doc = styled(Docx::new(), fonts.family());
    doc = cover(doc, report);
    doc = overview(doc, report);
    doc = status_table(doc, report);
    doc = doc
        .add_paragraph(heading(1, "三、各单位报送情况"))
        .add_paragraph(body(UNITS_MARK));
    doc = appendix(doc, report);
    let front = pack(doc)?;
    let mut units = Spill::default();
    for chunk in report.units.chunks(units_per_part.max(1)) {
        let doc = chunk.iter().fold(Docx::new(), |doc, unit| {
            unit_section(doc, unit, &mut photos)
        });
        units.push(&pack(doc)?)?;
        crate::allocator::release_freed_memory();
    }
    Ok(DocxParts { front, units })
}

fn pack(doc: Docx) -> Result<Vec<u8>, CompileError> {
    let mut out = Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| CompileError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// One unit: its heading and its activities.
fn unit_section<'p>(
    mut doc: Docx,
    unit: &UnitSection,
    photos: &mut impl Iterator<Item = &'p Photo>,
) -> Docx {
    doc = doc.add_paragraph(heading(2, &unit.unit));
    if unit.activities.is_empty() {
        doc = doc.add_paragraph(body("暂无该单位的活动安排。"));
    }
    for activity in &unit.activities {
        if unit.activities.len() > 1 {
            doc = doc.add_paragraph(heading(3, &activity.theme));
        }
        doc = activity_section(doc, activity, photos);
    }
    doc
}

/// Default fonts, page setup, header and footer, and the paragraph styles.
fn styled(doc: Docx, family: &str) -> Docx {
    let fonts = || {
        RunFonts::new()
            .east_asia(family)
            .ascii(family)
            .hi_ansi(family)
    };
    let style = |id: &str, name: &str, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(size)
            .fonts(fonts())
    };
    let page_line = |p: Paragraph| p.align(AlignmentType::Center).size(18);
    doc.default_fonts(fonts())
        .default_size(21)
        .add_style(
            Style::new("Normal", StyleType::Paragraph)
                .name("Normal")
                .fonts(fonts()),
        )
        .add_style(style("Title", "Title", 44).bold())
        .add_style(style("Heading1", "heading 1", 32).bold().outline_lvl(0))
        .add_style(style("Heading2", "heading 2", 28).bold().outline_lvl(1))
        .add_style(style("Heading3", "heading 3", 24).bold().outline_lvl(2))
        .header(Header::new().add_paragraph(
            page_line(Paragraph::new()).add_run(Run::new().add_text("报送情况汇总")),
        ))
        .footer(
            Footer::new().add_paragraph(
                page_line(Paragraph::new())
                    .add_run(Run::new().add_text("第 "))
                    .add_page_num(PageNum::new())
                    .add_run(Run::new().add_text(" 页 / 共 "))
                    .add_num_pages(NumPages::new())
                    .add_run(Run::new().add_text(" 页")),
            ),
        )
}

fn heading(level: u8, text: &str) -> Paragraph {
    Paragraph::new()
        .style(&format!("Heading{level}"))
        .keep_next(true)
        .add_run(Run::new().add_text(text))
}

fn body(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

/// A paragraph of the summary: first line indented by two characters.
fn indented(text: &str) -> Paragraph {
    body(text).first_line_chars(200)
}

fn centered(text: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(Run::new().add_text(text).size(size))
}

fn cover(doc: Docx, report: &Report) -> Docx {
    let gap = || Paragraph::new().add_run(Run::new().add_break(BreakType::TextWrapping));
    (0..6)
        .fold(doc, |d, _| d.add_paragraph(gap()))
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(&report.title)),
        )
        .add_paragraph(centered("报送情况汇总", 40))
        .add_paragraph(gap())
        .add_paragraph(centered(&report.office, 28))
        .add_paragraph(centered(&report.as_of, 24))
        .add_paragraph(
            centered(&format!("生成时间：{}", report.generated_at), 20)
                .add_run(Run::new().add_break(BreakType::Page)),
        )
}

/// A full-width table whose first row is a shaded header, repeated on every
/// page the table runs onto; short rows are padded so every row has as many
/// cells as the widest one.
fn table<S: AsRef<str>>(rows: &[Vec<S>]) -> Table {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let width = TEXT_WIDTH_TWIPS / columns;
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cells = (0..columns)
                .map(|c| {
                    let text = row.get(c).map_or("", AsRef::as_ref);
                    let cell = text
                        .split('\n')
                        .fold(TableCell::new(), |cell, line| {
                            cell.add_paragraph(body(line).size(18))
                        })
                        .width(width, WidthType::Dxa);
                    if i == 0 {
                        cell.shading(Shading::new().fill(HEADER_FILL))
                    } else {
                        cell
                    }
                })
                .collect();
            match i {
                0 => TableRow::new(cells)
                    .row_height(HEADER_ROW_HEIGHT)
                    .height_rule(HeightRule::AtLeast),
                _ => TableRow::new(cells),
            }
        })
        .collect();
    Table::new(rows).set_grid(vec![width; columns])
}

fn overview(doc: Docx, report: &Report) -> Docx {
    let o = &report.overview;
    let counts = vec![
        o.by_state.iter().map(|s| s.label.clone()).collect(),
        o.by_state
            .iter()
            .map(|s| format!("{} 项", s.count))
            .collect(),
    ];
    let mut by_month = vec![
        std::iter::once("月份".to_owned())
            .chain(o.by_state.iter().map(|s| s.label.clone()))
            .collect::<Vec<_>>(),
    ];
    for m in &o.by_month {
        let count = |state| {
            m.counts
                .iter()
                .find(|c| c.state == state)
                .map_or(0, |c| c.count)
        };
        by_month.push(
            std::iter::once(m.month.clone())
                .chain(o.by_state.iter().map(|s| count(s.state).to_string()))
                .collect(),
        );
    }
    doc.add_paragraph(heading(1, "一、总体情况"))
        .add_paragraph(body(&format!(
            "共 {} 个单位、{} 项活动。各项活动按其最差一项材料的状态计：",
            o.units, o.activities
        )))
        .add_table(table(&counts))
        .add_paragraph(body("各月活动报送情况（按活动月份）："))
        .add_table(table(&by_month))
}

/// The text of one status cell: state, arrival, lateness on separate lines.
fn status_text(cell: &StatusCell) -> String {
    let mut lines = vec![cell.text.clone()];
    if cell.state.is_some() {
        lines.extend(cell.arrived.as_ref().map(|a| format!("{a} 到")));
        lines.extend(
            cell.late_workdays
                .filter(|d| *d > 0)
                .map(|d| format!("逾期 {d} 个工作日")),
        );
    }
    lines.join("\n")
}

fn status_table(doc: Docx, report: &Report) -> Docx {
    let mut rows = vec![
        ["序号", "单位", "活动主题", "开展时间"]
            .iter()
            .map(|h| (*h).to_owned())
            .chain(report.deliverables.iter().map(|d| d.name.clone()))
            .collect::<Vec<_>>(),
    ];
    rows.extend(report.rows.iter().map(|r| {
        [&r.seq, &r.unit, &r.theme, &r.time]
            .into_iter()
            .cloned()
            .chain(r.cells.iter().map(status_text))
            .collect()
    }));
    doc.add_paragraph(heading(1, "二、报送情况一览表"))
        .add_table(table(&rows))
}

fn sub_title(text: &str) -> Paragraph {
    Paragraph::new()
        .keep_next(true)
        .add_run(Run::new().add_text(text).bold())
}

/// One activity; `photos` yields the stand-ins of the report's photos in
/// order, this activity's next.
fn activity_section<'p>(
    mut doc: Docx,
    a: &ActivitySection,
    photos: &mut impl Iterator<Item = &'p Photo>,
) -> Docx {
    let state = a.overall.label();
    let has_content =
        a.summary.is_some() || a.schedule.is_some() || !a.photos.is_empty() || !a.videos.is_empty();
    if !has_content {
        doc = doc.add_paragraph(body(&format!(
            "{}（{}）：尚未报送材料，当前状态为“{state}”。",
            a.theme, a.time
        )));
    } else {
        let place = a.place.as_deref().unwrap_or("未填写");
        for (k, v) in [
            ("活动主题", a.theme.as_str()),
            ("开展时间", &a.time),
            ("活动地点", place),
            ("报送状态", state),
        ] {
            doc = doc.add_paragraph(body(&format!("{k}：{v}")));
        }
        if let Some(summary) = &a.summary {
            doc = doc.add_paragraph(sub_title(&format!("活动总结（{}）", summary.file_name)));
            if let Some(title) = &summary.title {
                doc = doc.add_paragraph(centered(title, 24));
            }
            for block in &summary.blocks {
                doc = match block {
                    Block::Heading { text, .. } => doc.add_paragraph(sub_title(text)),
                    Block::Paragraph { text } => doc.add_paragraph(indented(text)),
                    Block::Table { rows } if !rows.is_empty() => doc.add_table(table(rows)),
                    Block::Table { .. } => doc,
                };
            }
        }
        if let Some(sheet) = a.schedule.as_ref().filter(|s| !s.rows.is_empty()) {
            doc = doc
                .add_paragraph(sub_title(&format!("活动安排表（{}）", sheet.name)))
                .add_table(table(&sheet_rows(sheet)));
        }
        if !a.photos.is_empty() {
            doc = doc
                .add_paragraph(sub_title(&format!("活动照片（{} 张）", a.photos.len())))
                .add_table(photo_grid(&a.photos, photos));
        }
        doc = bullet_list(doc, "视频资料", &a.videos);
    }
    bullet_list(doc, "备注", &a.notes)
}

fn sheet_rows(sheet: &Sheet) -> Vec<Vec<String>> {
    std::iter::once(sheet.header.clone())
        .chain(sheet.rows.iter().cloned())
        .collect()
}

/// A titled list of remarks, left out when there are none.
fn bullet_list(doc: Docx, title: &str, items: &[String]) -> Docx {
    if items.is_empty() {
        return doc;
    }
    bullets(doc.add_paragraph(sub_title(title)), items)
}

fn bullets(doc: Docx, items: &[String]) -> Docx {
    items
        .iter()
        .fold(doc, |d, item| d.add_paragraph(body(&format!("· {item}"))))
}

/// Two photos per row in a borderless table, each with its caption.
fn photo_grid<'p>(items: &[PhotoItem], photos: &mut impl Iterator<Item = &'p Photo>) -> Table {
    let width = TEXT_WIDTH_TWIPS / 2;
    let mut cells: Vec<TableCell> = items
        .iter()
        .zip(photos)
        .map(|(p, photo)| {
            let (w, h) = fit(p.width, p.height);
            let pic = Pic::new_with_dimensions(photo.stand_in.clone(), photo.width, photo.height)
                .size(w, h);
            TableCell::new()
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_image(pic)),
                )
                .add_paragraph(centered(&p.caption, 17))
                .width(width, WidthType::Dxa)
        })
        .collect();
    if cells.len() % 2 == 1 {
        cells.push(
            TableCell::new()
                .add_paragraph(Paragraph::new())
                .width(width, WidthType::Dxa),
        );
    }
    let mut rows = Vec::new();
    while !cells.is_empty() {
        rows.push(TableRow::new(cells.drain(..2).collect()).cant_split());
    }
    Table::without_borders(rows).set_grid(vec![width; 2])
}

/// The photo's size in EMU inside the grid box, keeping its aspect ratio.
fn fit(width: u32, height: u32) -> (u32, u32) {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let by_width = (
        u64::from(PHOTO_WIDTH_EMU),
        u64::from(PHOTO_WIDTH_EMU) * h / w,
    );
    let (w, h) = if by_width.1 <= u64::from(PHOTO_MAX_HEIGHT_EMU) {
        by_width
    } else {
        (
            u64::from(PHOTO_MAX_HEIGHT_EMU) * w / h,
            u64::from(PHOTO_MAX_HEIGHT_EMU),
        )
    };
    (w as u32, h as u32)
}

fn file_lines(doc: Docx, title: &str, lines: &[FileLine]) -> Docx {
    let doc = doc.add_paragraph(heading(2, title));
    if lines.is_empty() {
        return doc.add_paragraph(body("无。"));
    }
    let mut rows = vec![vec!["文件".to_owned(), "单位".into(), "说明".into()]];
    rows.extend(lines.iter().map(|l| {
        vec![
            l.path.clone(),
            l.unit.clone().unwrap_or_else(|| "未识别".into()),
            l.reason.clone(),
        ]
    }));
    doc.add_table(table(&rows))
}

fn appendix(doc: Docx, report: &Report) -> Docx {
    let a = &report.appendix;
    let mut doc = doc.add_paragraph(heading(1, "四、附录：需要办公室处理的事项"));
    doc = file_lines(doc, "未能识别单位的文件", &a.unassigned);
    doc = file_lines(doc, "未能归类的文件", &a.unclassified);
    doc = file_lines(doc, "不合格的文件", &a.invalid);
    doc = doc.add_paragraph(heading(2, "待确认事项"));
    if a.questions.is_empty() {
        return doc.add_paragraph(body("无。"));
    }
    bullets(doc, &a.questions)
}
