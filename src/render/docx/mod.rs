//! DOCX renderer: the same content as the PDF, editable by the office,
//! written as WordprocessingML directly into the zip package.
//!
//! The document part is streamed into the package chapter by chapter and
//! unit by unit, and each photo is copied from the state store into its
//! own JPEG part, so a report of thousands of photos is never whole in
//! memory. Styles carry the 公文 faces by the names office PCs know
//! (`FontSet`'s office names: 方正小标宋简体, 仿宋, 黑体, 楷体) as the East
//! Asian and Latin font of each style, and the sizes of the typography;
//! headings are Word's built-in heading styles, so the navigation pane
//! lists chapters, units and activities. The overview chart is given as a
//! table (a DOCX chart part would need a spreadsheet inside the package).
//! Where the unit pages show an excerpt of a summary, the whole text
//! follows in an appendix (附件：各单位活动总结全文).

mod package;
mod xml;

use std::fs::File;
use std::io::{BufReader, Read, Write};

use chrono::Datelike;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use self::xml::{cell, para, picture, row, run, shade, table, text_para};
use super::style::{self, HEADER_FILL, Metrics};
use super::{Options, RenderError, Sink, text};
use crate::fmt::format_taken;
use crate::inspect::Block;
use crate::model::State;
use crate::report::{
    ActivitySection, FullText, PhotoItem, Report, StatusCell, Summary, UnitSection,
};

/// Twips per millimetre.
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
/// EMU (picture sizes) per twip.
const EMU_PER_TWIP: u64 = 635;
/// Cell margin left and right, in twips (see [`xml::table`]).
const CELL_MARGIN: u32 = 57;

/// Renders the report as a .docx package into `out`.
pub fn docx(report: &Report, options: &Options, out: &mut dyn Sink) -> Result<(), RenderError> {
    let m = style::metrics(options.typography);
    let mut zip = ZipWriter::new(out);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file(package::DOCUMENT, deflated)?;
    let mut doc = Document::new(m, report.as_of.year());
    zip.write_all(package::document_start().as_bytes())?;
    doc.front(report);
    doc.status(report);
    doc.flush(&mut zip)?;
    doc.units_title(report);
    for unit in &report.units {
        doc.unit(unit);
        doc.flush(&mut zip)?;
    }
    doc.awaiting(report);
    doc.appendix(report);
    doc.xml.push_str(&package::section_properties(&m));
    doc.xml.push_str(package::DOCUMENT_END);
    doc.flush(&mut zip)?;

    // JPEG does not deflate; each photo is stored as it is in the store.
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut photos = 0;
    for (n, photo) in report.photos().enumerate() {
        zip.start_file(package::media_part(n + 1), stored)?;
        copy_jpeg(photo, &mut zip)?;
        photos += 1;
    }
    package::write_parts(&mut zip, report, options, photos)?;
    zip.finish()?;
    Ok(())
}

/// Copies a photo's JPEG from the store into the package.
fn copy_jpeg(photo: &PhotoItem, out: &mut impl Write) -> Result<(), RenderError> {
    let read = |source| RenderError::Read {
        path: photo.jpeg.clone(),
        source,
    };
    let mut file = BufReader::new(File::open(&photo.jpeg).map_err(read)?);
    let mut magic = [0u8; 3];
    file.read_exact(&mut magic).map_err(read)?;
    if magic != [0xFF, 0xD8, 0xFF] {
        return Err(RenderError::Photo {
            path: photo.jpeg.clone(),
            reason: "不是有效的JPEG照片",
        });
    }
    out.write_all(&magic)?;
    std::io::copy(&mut file, out).map_err(read)?;
    Ok(())
}

/// The document part being written: XML waiting to go into the package,
/// and how many pictures it placed.
struct Document {
    m: Metrics,
    xml: String,
    /// Pictures placed so far (they are numbered from 1).
    photos: usize,
    /// Units written so far.
    units: usize,
    /// The report's year: a photo taken in another says its year.
    year: i32,
}

impl Document {
    fn new(m: Metrics, year: i32) -> Self {
        Document {
            m,
            xml: String::new(),
            photos: 0,
            units: 0,
            year,
        }
    }

    fn flush(&mut self, out: &mut impl Write) -> Result<(), RenderError> {
        out.write_all(self.xml.as_bytes())?;
        self.xml.clear();
        Ok(())
    }

    fn push(&mut self, xml: &str) {
        self.xml.push_str(xml);
    }

    /// The text block's width in twips.
    fn text_width(&self) -> u32 {
        let [_, _, left, right] = self.m.margins_mm;
        ((210.0 - left - right) * TWIPS_PER_MM) as u32
    }

    fn heading(&mut self, level: u8, text: &str) {
        self.push(&text_para(&format!("Heading{level}"), text));
    }

    fn body(&mut self, text: &str) {
        self.push(&text_para("Normal", text));
    }

    /// A paragraph kept on the page of what follows it (a table, photos).
    fn lead(&mut self, text: &str) {
        self.push(&para("Normal", "<w:keepNext/>", &run("", text)));
    }

    /// A paragraph that starts a new page.
    fn page_break(&mut self) {
        self.push("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    }

    /// A state as a shaded run with its name.
    fn tag(state: State) -> String {
        let look = style::look(state);
        run(&shade(look.tint), state.label())
    }

    /// A table with a shaded, repeating header row; `widths` in
    /// fractions of the text width.
    fn grid_table(
        &mut self,
        widths: &[f64],
        header: &[String],
        rows: &[Vec<(String, Option<&str>)>],
    ) {
        let total = f64::from(self.text_width());
        let sum: f64 = widths.iter().sum();
        let twips: Vec<u32> = widths.iter().map(|w| (total * w / sum) as u32).collect();
        let mut xml = String::new();
        let head: String = header
            .iter()
            .zip(&twips)
            .map(|(h, w)| cell(*w, Some(HEADER_FILL), &text_para("TableHeading", h)))
            .collect();
        xml.push_str(&row(true, &head));
        for r in rows {
            let cells: String = twips
                .iter()
                .enumerate()
                .map(|(i, w)| match r.get(i) {
                    Some((text, fill)) => cell(*w, *fill, &text_para("TableText", text)),
                    None => cell(*w, None, ""),
                })
                .collect();
            xml.push_str(&row(false, &cells));
        }
        self.push(&table(&twips, true, &xml));
    }

    /// Title, 一、总体情况 with its three parts.
    fn front(&mut self, report: &Report) {
        self.push(&text_para(
            "Title",
            &format!("{}\n报送情况汇总", report.title),
        ));
        self.push(&text_para(
            "Subtitle",
            &format!("（{}　{}）", report.office, text::as_of(report)),
        ));
        self.heading(1, "一、总体情况");
        let s = &report.situation;
        self.body(&s.paragraph);
        self.heading(2, "（一）需要关注的单位");
        if s.needs_action.is_empty() {
            self.body("目前没有逾期、材料不全或不合格的单位。");
        }
        for (i, item) in s.needs_action.iter().enumerate() {
            let runs = format!(
                "{}{}{}",
                run("", &format!("{}．{}“{}” ", i + 1, item.unit, item.theme)),
                Self::tag(item.state),
                run("", &format!(" {}。", item.reason))
            );
            self.push(&para("Normal", "", &runs));
        }
        self.heading(2, &format!("（二）近{}日到期事项", s.upcoming_days));
        if s.upcoming.is_empty() {
            self.body(&format!("{}，没有到期的报送事项。", text::window(s)));
        } else {
            self.body(&format!("{}，以下材料到期：", text::window(s)));
            for (i, u) in s.upcoming.iter().enumerate() {
                self.body(&format!(
                    "{}．{}前，{}“{}”：{}。",
                    i + 1,
                    text::short(u.due),
                    u.unit,
                    u.theme,
                    u.owed
                ));
            }
        }
        self.heading(2, "（三）报送情况统计");
        let o = &report.overview;
        self.lead(&format!(
            "全部{}项活动按其最差一项材料的状态计：",
            o.activities
        ));
        let tints: Vec<Option<&str>> = o
            .by_state
            .iter()
            .map(|c| Some(style::look(c.state).tint))
            .collect();
        let header: Vec<String> = o.by_state.iter().map(|c| c.label.clone()).collect();
        let counts: Vec<(String, Option<&str>)> = o
            .by_state
            .iter()
            .zip(&tints)
            .map(|(c, t)| (format!("{} 项", c.count), *t))
            .collect();
        self.grid_table(&vec![1.0; header.len()], &header, &[counts]);
        if !o.by_month.is_empty() {
            self.push(&para(
                "Caption",
                "<w:keepNext/>",
                &run("", "各月活动报送情况（按活动月份，项）"),
            ));
            let header: Vec<String> = std::iter::once("月份".to_owned())
                .chain(o.by_state.iter().map(|c| c.label.clone()))
                .chain(std::iter::once("合计".to_owned()))
                .collect();
            let rows: Vec<Vec<(String, Option<&str>)>> = o
                .by_month
                .iter()
                .map(|m| {
                    let total: usize = m.counts.iter().map(|c| c.count).sum();
                    std::iter::once((m.month.clone(), None))
                        .chain(m.counts.iter().map(|c| {
                            let fill = (c.count > 0).then(|| style::look(c.state).tint);
                            (c.count.to_string(), fill)
                        }))
                        .chain(std::iter::once((total.to_string(), None)))
                        .collect()
                })
                .collect();
            let mut widths = vec![1.0; header.len()];
            widths[0] = 0.8;
            self.grid_table(&widths, &header, &rows);
        }
    }

    /// 二、报送情况一览表, on a page of its own.
    fn status(&mut self, report: &Report) {
        self.page_break();
        self.heading(1, "二、报送情况一览表");
        let header: Vec<String> = ["序号", "单位", "活动主题", "开展时间"]
            .iter()
            .map(|h| (*h).to_owned())
            .chain(report.deliverables.iter().map(|d| d.name.clone()))
            .collect();
        let rows: Vec<Vec<(String, Option<&str>)>> = report
            .rows
            .iter()
            .map(|r| {
                [&r.seq, &r.unit, &r.theme, &r.time]
                    .into_iter()
                    .map(|t| (t.clone(), None))
                    .chain(
                        r.cells
                            .iter()
                            .map(|c| (cell_text(c), c.state.map(|s| style::look(s).tint))),
                    )
                    .collect()
            })
            .collect();
        let seq = seq_width(report.rows.iter().map(|r| r.seq.as_str()));
        let mut widths = vec![seq, 1.5, 3.0, 1.0];
        widths.extend(report.deliverables.iter().map(|_| 1.8));
        self.grid_table(&widths, &header, &rows);
        self.push(&text_para("Note", &report.status_note));
    }

    fn units_title(&mut self, report: &Report) {
        self.page_break();
        self.heading(1, "三、各单位报送材料");
        if report.units.is_empty() {
            self.body("尚未收到任何单位的材料。");
        }
    }

    fn unit(&mut self, unit: &UnitSection) {
        self.units += 1;
        let n = style::chinese_number(self.units);
        self.heading(2, &format!("（{n}）{}", unit.unit));
        for (i, a) in unit.activities.iter().enumerate() {
            self.activity(i, a);
        }
    }

    fn activity(&mut self, i: usize, a: &ActivitySection) {
        self.heading(3, &format!("{}．“{}”（{}）", i + 1, a.theme, a.time));
        let mut runs = run("", "报送情况：") + &Self::tag(a.overall);
        if let Some(remark) = &a.remark {
            runs.push_str(&run("", &format!(" {remark}")));
        }
        runs.push_str(&run("", "。"));
        if let Some(place) = a.place.as_deref().filter(|p| !p.is_empty()) {
            runs.push_str(&run("", &format!("活动地点：{place}。")));
        }
        self.push(&para("Normal", "", &runs));
        if let Some(summary) = &a.summary {
            self.lead(&format!("活动总结（《{}》）：", summary.file_name));
            if let Some(title) = &summary.title {
                self.push(&text_para("SummaryTitle", title));
            }
            self.blocks(&summary.blocks);
            if let Some(full) = &summary.full {
                self.push(&text_para(
                    "Note",
                    &format!("（以上为节选；全文共{}字，见本报告的附件。）", full.chars),
                ));
            }
        }
        if let Some(sheet) = a.schedule.as_ref().filter(|s| !s.rows.is_empty()) {
            self.lead(&format!("活动安排表（{}）：", sheet.name));
            let rows: Vec<Vec<String>> = std::iter::once(sheet.header.clone())
                .chain(sheet.rows.iter().cloned())
                .collect();
            self.plain_table(&rows);
        }
        if !a.photos.is_empty() {
            self.lead(&format!("活动照片（{}张）：", a.photos.len()));
            let captioned: Vec<_> = a
                .photos
                .iter()
                .map(|p| match p.taken {
                    Some(t) => (
                        p,
                        format!("{}\n拍摄于{}", p.name, format_taken(t, self.year)),
                    ),
                    None => (p, p.name.clone()),
                })
                .collect();
            self.photo_grid(&captioned);
        }
        if !a.videos.is_empty() {
            self.lead(&format!("视频资料（{}个）：", a.videos.len()));
            let posters: Vec<_> = a
                .videos
                .iter()
                .filter_map(|v| Some((v.poster.as_ref()?, v.poster_caption())))
                .collect();
            if !posters.is_empty() {
                self.photo_grid(&posters);
            }
            for v in a.videos.iter().filter(|v| v.poster.is_none()) {
                self.body(&v.line());
            }
        }
        if !a.notes.is_empty() {
            self.body("说明：");
            for n in &a.notes {
                self.body(&format!("{n}。"));
            }
        }
    }

    /// A unit's document: its headings in bold, kept with what follows.
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Heading { text, .. } => {
                    self.push(&para(
                        "Normal",
                        "<w:keepNext/>",
                        &run("<w:b/><w:bCs/>", text),
                    ));
                }
                Block::Paragraph { text } => self.body(text),
                Block::Table { rows } if !rows.is_empty() => self.plain_table(rows),
                Block::Table { .. } => {}
            }
        }
    }

    /// 附件: the whole text of every summary the unit pages show an
    /// excerpt of, in the order of the unit pages.
    fn appendix(&mut self, report: &Report) {
        let cut: Vec<(&UnitSection, &ActivitySection, &Summary, &FullText)> = report
            .units
            .iter()
            .flat_map(|u| u.activities.iter().map(move |a| (u, a)))
            .filter_map(|(u, a)| {
                let s = a.summary.as_ref()?;
                Some((u, a, s, s.full.as_ref()?))
            })
            .collect();
        if cut.is_empty() {
            return;
        }
        self.page_break();
        self.heading(1, "附件：各单位活动总结全文");
        for (i, (unit, activity, summary, full)) in cut.into_iter().enumerate() {
            self.heading(2, &format!("{}．{}“{}”", i + 1, unit.unit, activity.theme));
            self.lead(&format!("《{}》，共{}字：", summary.file_name, full.chars));
            if let Some(title) = &summary.title {
                self.push(&text_para("SummaryTitle", title));
            }
            self.blocks(&full.blocks);
        }
    }

    /// A table from a unit's document or sheet: first row as the header.
    fn plain_table(&mut self, rows: &[Vec<String>]) {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let header: Vec<String> = (0..columns)
            .map(|c| rows[0].get(c).cloned().unwrap_or_default())
            .collect();
        let body: Vec<Vec<(String, Option<&str>)>> = rows[1..]
            .iter()
            .map(|r| r.iter().map(|t| (t.clone(), None)).collect())
            .collect();
        self.grid_table(&vec![1.0; columns], &header, &body);
    }

    /// Pictures in a borderless grid, each with its caption.
    fn photo_grid(&mut self, photos: &[(&PhotoItem, String)]) {
        let columns = self.m.photo_columns.max(1);
        let width = self.text_width() / columns as u32;
        let max_w = u64::from(width - 2 * CELL_MARGIN) * EMU_PER_TWIP;
        let max_h = max_w * 3 / 4;
        let mut rows = String::new();
        for chunk in photos.chunks(columns) {
            let mut cells = String::new();
            for (p, caption) in chunk {
                self.photos += 1;
                let (cx, cy) = fit(p.width, p.height, max_w, max_h);
                let pic = para(
                    "Caption",
                    "",
                    &picture(
                        &package::media_rel(self.photos),
                        self.photos,
                        &p.name,
                        cx,
                        cy,
                    ),
                );
                cells.push_str(&cell(width, None, &(pic + &text_para("Caption", caption))));
            }
            for _ in chunk.len()..columns {
                cells.push_str(&cell(width, None, ""));
            }
            rows.push_str(&row(false, &cells));
        }
        self.push(&table(&vec![width; columns], false, &rows));
    }

    /// 四、尚未收到材料的活动.
    fn awaiting(&mut self, report: &Report) {
        self.page_break();
        self.heading(1, "四、尚未收到材料的活动");
        if report.awaiting.is_empty() {
            self.body("各项活动均已收到材料。");
            return;
        }
        self.lead(&format!(
            "以下{}项活动尚未收到可用的材料：",
            report.awaiting.len()
        ));
        let header: Vec<String> = ["序号", "单位", "活动主题", "开展时间", "状态", "报送时限"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        let rows: Vec<Vec<(String, Option<&str>)>> = report
            .awaiting
            .iter()
            .map(|w| {
                vec![
                    (w.seq.clone(), None),
                    (w.unit.clone(), None),
                    (w.theme.clone(), None),
                    (w.time.clone(), None),
                    (w.state.label().to_owned(), Some(style::look(w.state).tint)),
                    (w.due.map_or_else(|| "—".into(), text::deadline), None),
                ]
            })
            .collect();
        let seq = seq_width(report.awaiting.iter().map(|w| w.seq.as_str()));
        self.grid_table(&[seq, 1.6, 3.0, 1.0, 1.2, 1.5], &header, &rows);
    }
}

/// The width of a 序号 column (in the tables' width units, about 4.3 em of
/// table text each) that holds its longest number on one line: "12" and
/// 建昌's "附件1-10" alike.
fn seq_width<'a>(seqs: impl Iterator<Item = &'a str>) -> f64 {
    let ems = seqs
        .map(|s| {
            s.chars()
                .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
                .sum()
        })
        .fold(2.0_f64, f64::max);
    // Plus the cell margins and some air: Word and LibreOffice break after "-".
    (ems + 1.8) / 4.3
}

/// A status cell as text: the state, then its date line.
fn cell_text(c: &StatusCell) -> String {
    match &c.when {
        Some(when) => format!("{}\n{}", c.text, text::note(when)),
        None => c.text.clone(),
    }
}

/// The picture's size inside a `max_w` × `max_h` box, keeping its aspect.
fn fit(width: u32, height: u32, max_w: u64, max_h: u64) -> (u64, u64) {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    if max_w * h / w <= max_h {
        (max_w, max_w * h / w)
    } else {
        (max_h * w / h, max_h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_keep_their_aspect_inside_the_box() {
        assert_eq!(fit(1000, 750, 400, 300), (400, 300));
        assert_eq!(fit(750, 1000, 400, 300), (225, 300));
        assert_eq!(fit(1000, 500, 400, 300), (400, 200));
    }
}
