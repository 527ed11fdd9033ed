//! PDF renderer: the report laid out by the typst engine, used as a library.
//!
//! # Why typst (decided with a prototype)
//! The PDF needs Chinese line breaking with 禁则 (no line may start with
//! ，。、；：？！）》」…), tables that break across pages with repeated headers,
//! photo grids, running headers, page numbers and a bookmark per unit. krilla
//! and printpdf only draw glyph runs; all of that layout would be ours to
//! write and test. typst 0.15 does it (UAX #14 line breaking plus CJK rules,
//! `table.header` repeats, headings become PDF bookmarks) and writes the PDF
//! through krilla, so fonts are subset and JPEGs are passed through: typst-pdf
//! (`image.rs`, `convert_raster`) hands a JPEG's original bytes to
//! `krilla::image::Image::from_jpeg_with_icc`, which stores them as a
//! DCTDecode stream without re-encoding. typst does decode every image it
//! lays out and keeps the pixels until export, so it lays out tiny stand-ins
//! and the photos are put in while the PDF is written ([`super::photos`]).
//!
//! Prototype figures (test fixture: 3 units, 4 activities, 4 photos of
//! 117–146 KB, 6 A4 pages; 2 shared cores):
//! - build: typst + typst-pdf cost 692 s of CPU in a clean debug build
//!   (5 m 49 s wall), against 181 s for krilla and its dependencies alone,
//!   so the engine adds about 8.5 CPU-minutes to a cold build and nothing
//!   to an incremental one;
//! - render (debug build, shared cores): 1.9–2.3 s for the fixture, most
//!   of it typst decoding the photos with unoptimised code; 0.26 s for the
//!   same report without photos. DOCX takes about 25 ms and XLSX 10–17 ms
//!   (`cargo test --test compile_output timings -- --nocapture`). A release
//!   measurement was not taken: a release build of the crate took longer
//!   than the 2 shared cores allowed;
//! - size: 635 KB, of which 525 KB are the four photos, passed through byte
//!   for byte (`pdfimages -list`: 4 × jpeg); without photos 102 KB (subset
//!   font, tagged text, outline).
//!
//! # Parts
//! A report of more than [`UNITS_PER_PART`] units is laid out in parts
//! (cover and overview; the status table, 32 rows at a time; the units, 8 at
//! a time; the appendix), each exported and dropped before the next, and
//! the parts are joined into one PDF ([`super::pdf_join`]): typst's memory
//! is then what one part needs, not what the whole report needs (heap peak
//! at 200 units 355 → ~40 MB). Every unit starts on a new page, so the
//! joins do not show; the status table continues on a new page with its
//! header repeated. Page numbers run on across parts; the footer gives no
//! page total, which no part knows.
//!
//! The layout lives in `templates/report.typ`, built in with `include_str!`; an office
//! may edit a copy and point [`Template::from_file`] at it without
//! recompiling. The template reads the report as JSON from `/report.json`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde_json::{Value, json};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, NativeElement, StyleChain};
use typst::model::HeadingElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::pdf_join::{Heading, JoinedPdf, Part};
use super::photos::Photos;
use super::{CompileError, Fonts, UNITS_PER_PART};

/// Status-table rows per part, per unit of [`UNITS_PER_PART`]: a row is
/// far lighter to lay out than a unit's section.
const ROWS_PER_UNIT: usize = 4;
use crate::model::State;
use crate::report::Report;

/// The built-in layout.
const BUILTIN_TEMPLATE: &str = include_str!("../../templates/report.typ");

/// A typst layout for the report.
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
}

impl Default for Template {
    fn default() -> Self {
        Self {
            source: BUILTIN_TEMPLATE.to_owned(),
        }
    }
}

impl Template {
    /// A layout the office edited, e.g. a copy of `templates/report.typ`.
    pub fn from_file(path: &Path) -> Result<Self, CompileError> {
        let source = std::fs::read_to_string(path).map_err(|source| CompileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self { source })
    }

    /// The template text (its characters also need glyphs in the font).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the template can lay out a part of the report (it reads
    /// `part.sections`); one that cannot gets the whole report at once.
    fn lays_out_in_parts(&self) -> bool {
        self.source.contains("part.sections")
    }
}

/// Renders the report with the built-in layout.
pub fn render(report: &Report, fonts: &Fonts) -> Result<Vec<u8>, CompileError> {
    render_with(report, fonts, &Template::default())
}

/// Renders the report with the given layout, in memory.
pub fn render_with(
    report: &Report,
    fonts: &Fonts,
    template: &Template,
) -> Result<Vec<u8>, CompileError> {
    render_in_parts(report, fonts, template, UNITS_PER_PART)
}

/// [`render_with`], laying out `units_per_part` units at a time.
pub fn render_in_parts(
    report: &Report,
    fonts: &Fonts,
    template: &Template,
    units_per_part: usize,
) -> Result<Vec<u8>, CompileError> {
    let photos = Photos::of(report)?;
    layout_in_parts(report, fonts, template, &photos, units_per_part)?
        .into_bytes(&photos)
        .map_err(|source| CompileError::Read {
            path: "照片".into(),
            source,
        })
}

/// Lays the report out with the photos' stand-ins; the photos go in when
/// the result is written ([`JoinedPdf::write_to`]).
pub fn layout(
    report: &Report,
    fonts: &Fonts,
    template: &Template,
    photos: &Photos,
) -> Result<JoinedPdf, CompileError> {
    layout_in_parts(report, fonts, template, photos, UNITS_PER_PART)
}

/// [`layout`], `units_per_part` units at a time.
pub fn layout_in_parts(
    report: &Report,
    fonts: &Fonts,
    template: &Template,
    photos: &Photos,
    units_per_part: usize,
) -> Result<JoinedPdf, CompileError> {
    let common = common_data(report, fonts)?;
    // Where each unit's photos start in report order, and the end.
    let first_photo: Vec<usize> = std::iter::once(0)
        .chain(report.units.iter().scan(0, |n, u| {
            *n += u.activities.iter().map(|a| a.photos.len()).sum::<usize>();
            Some(*n)
        }))
        .collect();
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some("baosong".into())),
        ..Default::default()
    };
    let mut joined = JoinedPdf::default();
    let mut first_page = 0;
    let plans = plan(
        report.units.len(),
        report.rows.len(),
        units_per_part,
        template.lays_out_in_parts(),
    );
    for plan in plans {
        let photo_range = first_photo[plan.units.start]..first_photo[plan.units.end];
        let world = ReportWorld::new(
            part_data(
                report,
                &common,
                &plan,
                first_photo[plan.units.start],
                first_page,
            )?,
            fonts,
            template,
            photos,
            photo_range,
        )?;
        let compiled = typst::compile(&world);
        for warning in &compiled.warnings {
            tracing::warn!("PDF 排版提示：{}", warning.message);
        }
        let document = compiled.output.map_err(|errors| diagnostics(&errors))?;
        drop(world);
        let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| diagnostics(&errors))?;
        let headings = headings(&document);
        first_page += document.pages().len();
        drop(document);
        // typst memoises every layout step in a process-wide cache that is
        // never emptied by itself; the next part shares nothing with this one.
        typst::comemo::evict(0);
        crate::allocator::release_freed_memory();
        joined.push(Part { pdf, headings })?;
    }
    Ok(joined)
}

/// What one part of the report holds.
#[derive(Debug, Clone, PartialEq)]
struct PartPlan {
    /// The template's section names (see `templates/report.typ`).
    sections: Vec<&'static str>,
    units: Range<usize>,
    /// Rows of the status table.
    rows: Range<usize>,
}

/// Cuts the report into parts: all of it in one when it has at most
/// `units_per_part` units (or the template cannot lay out parts), otherwise
/// cover and overview; the status table, [`ROWS_PER_UNIT`] × `units_per_part`
/// rows at a time; the units, `units_per_part` at a time; the appendix.
fn plan(units: usize, rows: usize, units_per_part: usize, parts_allowed: bool) -> Vec<PartPlan> {
    let step = units_per_part.max(1);
    if units <= step || !parts_allowed {
        return vec![PartPlan {
            sections: vec![
                "cover",
                "overview",
                "status-title",
                "status",
                "status-note",
                "units-title",
                "units",
                "appendix",
            ],
            units: 0..units,
            rows: 0..rows,
        }];
    }
    let part = |sections: Vec<&'static str>, units: Range<usize>, rows: Range<usize>| PartPlan {
        sections,
        units,
        rows,
    };
    let mut parts = vec![part(vec!["cover", "overview"], 0..0, 0..0)];
    let row_step = step * ROWS_PER_UNIT;
    let starts: Vec<usize> = (0..rows.max(1)).step_by(row_step).collect();
    for (i, &start) in starts.iter().enumerate() {
        let mut sections = vec!["status"];
        if i == 0 {
            sections.insert(0, "status-title");
        }
        if i + 1 == starts.len() {
            sections.push("status-note");
        }
        parts.push(part(sections, 0..0, start..(start + row_step).min(rows)));
    }
    parts.extend((0..units).step_by(step).map(|start| {
        let sections = match start {
            0 => vec!["units-title", "units"],
            _ => vec!["units"],
        };
        part(sections, start..(start + step).min(units), 0..0)
    }));
    parts.push(part(vec!["appendix"], units..units, 0..0));
    parts
}

/// The template's data for one part (see `templates/report.typ`): the
/// report with only the part's units and status rows, every photo with a
/// virtual `src` path (`/photos/N.jpg`, N in [`Report::photos`] order, the
/// part's first photo being `first_photo`), the font family, each state's
/// Chinese label and whether it is still open ([`common_data`]), the part's
/// sections and the number of its first page.
fn part_data(
    report: &Report,
    common: &Value,
    plan: &PartPlan,
    first_photo: usize,
    first_page: usize,
) -> Result<Value, CompileError> {
    let mut data = common.clone();
    let units = &report.units[plan.units.clone()];
    data["report"]["units"] = serde_json::to_value(units)?;
    data["report"]["rows"] = serde_json::to_value(&report.rows[plan.rows.clone()])?;
    let mut n = first_photo;
    for (unit, section) in units.iter().enumerate() {
        for (activity, item) in section.activities.iter().enumerate() {
            for photo in 0..item.photos.len() {
                data["report"]["units"][unit]["activities"][activity]["photos"][photo]["src"] =
                    json!(photo_src(n));
                n += 1;
            }
        }
    }
    data["part"] = json!({ "sections": plan.sections, "first_page": first_page });
    Ok(data)
}

/// The headings of a laid-out part, for the joined PDF's bookmarks; the
/// same entries typst-pdf would make (`typst-pdf/src/outline.rs`).
fn headings(document: &typst_layout::PagedDocument) -> Vec<Heading> {
    let introspector = document.introspector();
    introspector
        .elements()
        .query(&HeadingElem::ELEM.select())
        .iter()
        .filter_map(|elem| {
            let heading = elem.to_packed::<HeadingElem>()?;
            let bookmarked = heading
                .bookmarked
                .get(StyleChain::default())
                .unwrap_or_else(|| heading.outlined.get(StyleChain::default()));
            let position = introspector.position(elem.location()?)?;
            bookmarked.then(|| Heading {
                level: heading.resolve_level(StyleChain::default()).get(),
                title: heading.body.plain_text().to_string(),
                page: position.page.get() - 1,
                x: position.point.x.to_pt(),
                // typst-pdf scrolls to 10 pt above the heading.
                y: (position.point.y.to_pt() - 10.0).max(0.0),
            })
        })
        .collect()
}

fn diagnostics(errors: &[SourceDiagnostic]) -> CompileError {
    let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
    CompileError::Layout(messages.join("; "))
}

/// What every part's data shares: the report without units and status
/// rows, the font family and the states' labels.
fn common_data(report: &Report, fonts: &Fonts) -> Result<Value, CompileError> {
    let report = serde_json::to_value(Report {
        title: report.title.clone(),
        office: report.office.clone(),
        generated_at: report.generated_at.clone(),
        as_of: report.as_of.clone(),
        deliverables: report.deliverables.clone(),
        overview: report.overview.clone(),
        rows: Vec::new(),
        units: Vec::new(),
        appendix: report.appendix.clone(),
    })?;
    let states: serde_json::Map<String, Value> = State::ALL
        .iter()
        .map(|s| {
            Ok((
                state_key(*s)?,
                json!({ "label": s.label(), "open": s.is_open() }),
            ))
        })
        .collect::<Result<_, CompileError>>()?;
    Ok(json!({ "report": report, "font": fonts.family(), "states": states }))
}

fn photo_src(n: usize) -> String {
    format!("/photos/{n}.jpg")
}

/// The JSON name of a state, as the report's `overall`/`state` fields hold it.
fn state_key(state: State) -> Result<String, CompileError> {
    Ok(serde_json::to_value(state)?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

/// An in-memory typst world: the template, `/report.json`, the part's
/// photos, one font.
struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    font: Font,
    main: Source,
    files: HashMap<FileId, Bytes>,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("built-in virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl ReportWorld {
    fn new(
        data: Value,
        fonts: &Fonts,
        template: &Template,
        photos: &Photos,
        photo_range: Range<usize>,
    ) -> Result<Self, CompileError> {
        let font = Font::new(fonts.data().clone(), fonts.index())
            .ok_or(CompileError::Layout("字体文件无法用于排版".into()))?;
        let mut files = HashMap::new();
        files.insert(
            file_id("/report.json"),
            Bytes::new(serde_json::to_vec(&data)?),
        );
        for n in photo_range {
            if let Some(photo) = photos.get(n) {
                files.insert(file_id(&photo_src(n)), Bytes::new(photo.stand_in.clone()));
            }
        }
        Ok(Self {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts([&font])),
            font,
            main: Source::new(file_id("/report.typ"), template.source.clone()),
            files,
        })
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        (index == 0).then(|| self.font.clone())
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_report_is_one_part() {
        let parts = plan(16, 40, 16, true);
        assert_eq!(parts.len(), 1);
        assert_eq!(
            (parts[0].units.clone(), parts[0].rows.clone()),
            (0..16, 0..40)
        );
        assert_eq!(parts[0].sections.len(), 8);
        assert_eq!(plan(200, 200, 16, false).len(), 1, "template without parts");
    }

    #[test]
    fn a_long_report_is_cut_into_status_and_unit_parts() {
        let parts = plan(40, 150, 16, true);
        let summary: Vec<(Vec<&str>, Range<usize>, Range<usize>)> = parts
            .into_iter()
            .map(|p| (p.sections, p.units, p.rows))
            .collect();
        assert_eq!(
            summary,
            [
                (vec!["cover", "overview"], 0..0, 0..0),
                (vec!["status-title", "status"], 0..0, 0..64),
                (vec!["status"], 0..0, 64..128),
                (vec!["status", "status-note"], 0..0, 128..150),
                (vec!["units-title", "units"], 0..16, 0..0),
                (vec!["units"], 16..32, 0..0),
                (vec!["units"], 32..40, 0..0),
                (vec!["appendix"], 40..40, 0..0),
            ]
        );
        let no_rows = plan(40, 0, 16, true);
        assert_eq!(
            no_rows[1].sections,
            ["status-title", "status", "status-note"],
            "the table's title and note even without rows"
        );
    }
}
