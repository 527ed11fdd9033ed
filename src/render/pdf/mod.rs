//! PDF renderer: the report laid out by the typst engine, used as a library.
//!
//! # Why typst
//! The PDF needs Chinese line breaking with 禁则 (no line may start with
//! ，。、；：？！）》」…), tables that break across pages with repeated headers,
//! photo grids, page numbers and a bookmark per unit. krilla and printpdf
//! only draw glyph runs; all of that layout would be ours to write and test.
//! typst 0.15 does it (UAX #14 line breaking plus CJK rules, `table.header`
//! repeats, headings become PDF bookmarks) and writes the PDF through krilla,
//! so fonts are subset and JPEGs are passed through: typst-pdf (`image.rs`,
//! `convert_raster`) hands a JPEG's original bytes to
//! `krilla::image::Image::from_jpeg_with_icc`, which stores them as a
//! DCTDecode stream without re-encoding. typst does decode every image it
//! lays out and keeps the pixels until export, so it lays out tiny stand-ins
//! and the photos are put in while the PDF is written ([`photos`]). What it
//! costs to build and run is in `benches/README.md`.
//!
//! # Parts
//! typst holds a whole document's frames and memoised layout in memory until
//! it is exported, growing with every unit. A report of more than
//! [`Options::units_per_part`] units is therefore laid out in parts (title
//! and overview; the status table, a few dozen rows at a time; the units, a
//! few at a time; the activities still without material),
//! each exported and written into the output ([`join`]) before the next is
//! laid out, so memory is what one part needs. Each part starts on a new
//! page; the status table goes on with its header repeated, unit sections
//! flow within a part. Page numbers run on across parts.
//!
//! The layout lives in `templates/report.typ`, built in with `include_str!`;
//! an office may edit a copy and point [`Template::from_file`] at it without
//! recompiling. The template reads the report as JSON from `/report.json`.

mod data;
mod join;
mod objects;
mod photos;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde_json::Value;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Label, NativeElement, StyleChain};
use typst::model::HeadingElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::{LazyHash, PicoStr};
use typst::{Library, LibraryExt, World};

use self::data::{common_data, part_data, photo_src};
use self::join::{Heading, PdfWriter, Seams};
use self::photos::Photos;
use super::fonts::FontSet;
use super::{LayoutMessage, Options, RenderError, Sink, style};
use crate::report::Report;

/// How many status-table rows weigh as much as a unit's section when a
/// report is cut into parts: a row is far lighter to lay out than a
/// unit's section (its excerpt, photo grid and notes).
const ROWS_PER_UNIT: usize = 8;

/// The built-in layout.
const BUILTIN_TEMPLATE: &str = include_str!("../../../templates/report.typ");

/// Every section of the template, in order (see `templates/report.typ`).
const SECTIONS: [&str; 7] = [
    "front",
    "status-title",
    "status",
    "status-note",
    "units-title",
    "units",
    "awaiting",
];

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
    pub fn from_file(path: &Path) -> Result<Self, RenderError> {
        let source = std::fs::read_to_string(path).map_err(|source| RenderError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self { source })
    }

    /// The template text (its characters also need glyphs in the fonts).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the template can lay out a part of the report (it reads
    /// `part.sections`); one that cannot gets the whole report at once.
    fn lays_out_in_parts(&self) -> bool {
        self.source.contains("part.sections")
    }
}

/// Renders the report as a PDF into `out`: laid out part by part, each
/// part written before the next is laid out, the photos copied in from the
/// store one at a time.
pub fn pdf(report: &Report, options: &Options, out: &mut dyn Sink) -> Result<(), RenderError> {
    // Every photo's header is read first: a missing or damaged photo fails
    // the render before anything is laid out.
    let photos = Photos::of(report)?;
    let common = common_data(report, options)?;
    // Where each unit's photos start in report order, and the end.
    let first_photo: Vec<usize> = std::iter::once(0)
        .chain(report.units.iter().scan(0, |n, u| {
            *n += u
                .activities
                .iter()
                .map(|a| a.pictures().count())
                .sum::<usize>();
            Some(*n)
        }))
        .collect();
    let pdf_options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some("baosong".into())),
        ..Default::default()
    };
    let mut writer = PdfWriter::new(out, &photos);
    let mut first_page = 0;
    let plans = plan(
        report.units.len(),
        report.rows.len(),
        options.units_per_part,
        options.template.lays_out_in_parts(),
    );
    let metrics = style::metrics(options.typography);
    // Where the part before ended on its last page, when this part goes
    // on on that page: how far below the top margin it starts.
    let mut start: Option<f64> = None;
    let count = plans.len();
    for (n, plan) in plans.into_iter().enumerate() {
        let photo_range = first_photo[plan.units.start]..first_photo[plan.units.end];
        let continues = start.is_some();
        let data = part_data(
            report,
            &common,
            &plan,
            first_photo[plan.units.start],
            Seam {
                first_page: first_page - usize::from(continues),
                start,
            },
        )?;
        let world = ReportWorld::new(
            data,
            &options.fonts,
            &options.template,
            &photos,
            photo_range,
        )?;
        let compiled = typst::compile(&world);
        for warning in &compiled.warnings {
            tracing::warn!("PDF 排版提示：{}", warning.message);
        }
        let document = compiled
            .output
            .map_err(|errors| layout_error(&errors, Some(&world)))?;
        drop(world);
        let bytes = typst_pdf::pdf(&document, &pdf_options)
            .map_err(|errors| layout_error(&errors, None))?;
        let headings = headings(&document);
        let pages = document.pages().len();
        first_page += pages - usize::from(continues);
        start = part_end(&document)
            .filter(|&(page, _)| page + 1 == pages && n + 1 < count)
            .and_then(|(_, y)| room_below(&metrics, y));
        drop(document);
        // typst memoises every layout step in a process-wide cache that is
        // never emptied by itself; the next part shares nothing with this one.
        typst::comemo::evict(0);
        crate::allocator::release_freed_memory();
        let seams = Seams {
            continues,
            hold_last: start.is_some(),
        };
        writer.push(&bytes, &headings, seams)?;
    }
    writer.finish()
}

/// The A4 page's height in points.
const PAGE_HEIGHT_PT: f64 = 841.89;

/// Lines of body text that must fit below a part's end for the next part
/// to go on on the same page (less, and it starts a new page).
const MIN_LINES_LEFT: f64 = 5.0;

/// Where the next part starts on a page whose text ends at `y` (points
/// from the page's top): that far below the top margin, if enough room is
/// left below it.
fn room_below(m: &style::Metrics, y: f64) -> Option<f64> {
    let mm = 72.0 / 25.4;
    let top = m.margins_mm[0] * mm;
    let bottom = PAGE_HEIGHT_PT - m.margins_mm[1] * mm;
    (bottom - y >= MIN_LINES_LEFT * m.line_pitch_pt).then_some(y - top)
}

/// Where a part's text ends: the page (from 0) and the distance from the
/// page's top, in points, of its `<part-end>` marker.
fn part_end(document: &typst_layout::PagedDocument) -> Option<(usize, f64)> {
    let introspector = document.introspector();
    let label = Label::new(PicoStr::intern("part-end"))?;
    let elem = introspector.elements().query_label(label).ok()?;
    let position = introspector.position(elem.location()?)?;
    Some((position.page.get() - 1, position.point.y.to_pt()))
}

/// Where a part's pages go: the number of pages before it and, when it
/// goes on on the last of them, how far below the top margin it starts.
#[derive(Debug, Clone, Copy)]
struct Seam {
    first_page: usize,
    start: Option<f64>,
}

/// What one part of the report holds.
#[derive(Debug, Clone, PartialEq)]
struct PartPlan {
    /// The template's section names.
    sections: Vec<&'static str>,
    units: Range<usize>,
    /// Rows of the status table.
    rows: Range<usize>,
}

/// One piece of the report's flow, in reading order, for cutting it into
/// parts.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Front,
    StatusTitle,
    Rows(Range<usize>),
    StatusNote,
    UnitsTitle,
    Unit(usize),
    Awaiting,
}

impl Piece {
    /// What laying it out weighs, in status-table rows.
    fn weight(&self) -> usize {
        match self {
            Piece::Rows(r) => r.len(),
            Piece::Front | Piece::Unit(_) | Piece::Awaiting => ROWS_PER_UNIT,
            Piece::StatusTitle | Piece::StatusNote | Piece::UnitsTitle => 0,
        }
    }

    /// A chapter's title goes with what follows it.
    fn is_title(&self) -> bool {
        matches!(self, Piece::StatusTitle | Piece::UnitsTitle)
    }

    /// The template's sections that show it.
    fn sections(&self) -> &'static [&'static str] {
        match self {
            Piece::Front => &["front"],
            Piece::StatusTitle => &["status-title", "status"],
            Piece::Rows(_) => &["status"],
            Piece::StatusNote => &["status", "status-note"],
            Piece::UnitsTitle => &["units-title", "units"],
            Piece::Unit(_) => &["units"],
            Piece::Awaiting => &["awaiting"],
        }
    }
}

/// Cuts the report into parts: all of it in one when it has at most
/// `units_per_part` units (or the template cannot lay out parts);
/// otherwise its flow — the front, the status table, the units, the
/// activities still without material — filled into parts of at most
/// `units_per_part` units' weight each ([`ROWS_PER_UNIT`] rows weigh one
/// unit), the status table in one piece when it fits in a part. A part
/// starts a page, so the chapters follow one another inside a part
/// (no page left mostly empty before the units' chapter), a chapter's
/// title stays with what follows it, and a unit is never cut.
fn plan(units: usize, rows: usize, units_per_part: usize, parts_allowed: bool) -> Vec<PartPlan> {
    let step = units_per_part.max(1);
    if units <= step || !parts_allowed {
        return vec![PartPlan {
            sections: SECTIONS.to_vec(),
            units: 0..units,
            rows: 0..rows,
        }];
    }
    let capacity = step * ROWS_PER_UNIT;
    let mut flow = vec![Piece::Front, Piece::StatusTitle];
    flow.extend(
        (0..rows)
            .step_by(capacity)
            .map(|start| Piece::Rows(start..(start + capacity).min(rows))),
    );
    flow.extend([Piece::StatusNote, Piece::UnitsTitle]);
    flow.extend((0..units).map(Piece::Unit));
    flow.push(Piece::Awaiting);

    let mut parts: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut weight = 0;
    for piece in flow {
        let w = piece.weight();
        if w > 0 && weight + w > capacity && current.iter().any(|p| p.weight() > 0) {
            let titles = current
                .iter()
                .rposition(|p| !p.is_title())
                .map_or(0, |i| i + 1);
            let next = current.split_off(titles);
            parts.push(std::mem::replace(&mut current, next));
            weight = 0;
        }
        weight += w;
        current.push(piece);
    }
    parts.push(current);
    let mut next_unit = 0;
    parts
        .into_iter()
        .map(|pieces| {
            let part = part_plan(&pieces, next_unit);
            next_unit = part.units.end;
            part
        })
        .collect()
}

/// The sections, units and rows of a part's pieces; a part without units
/// has the empty range at `next_unit`, where the units before it ended.
fn part_plan(pieces: &[Piece], next_unit: usize) -> PartPlan {
    let sections = SECTIONS
        .iter()
        .copied()
        .filter(|s| pieces.iter().any(|p| p.sections().contains(s)))
        .collect();
    let units: Vec<usize> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Unit(u) => Some(*u),
            _ => None,
        })
        .collect();
    let rows: Vec<&Range<usize>> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Rows(r) => Some(r),
            _ => None,
        })
        .collect();
    PartPlan {
        sections,
        units: match (units.first(), units.last()) {
            (Some(&a), Some(&b)) => a..b + 1,
            _ => next_unit..next_unit,
        },
        rows: match (rows.first(), rows.last()) {
            (Some(a), Some(b)) => a.start..b.end,
            _ => 0..0,
        },
    }
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

/// The engine's errors, each with the template line it points at.
fn layout_error(errors: &[SourceDiagnostic], world: Option<&ReportWorld>) -> RenderError {
    RenderError::Layout(
        errors
            .iter()
            .map(|e| LayoutMessage {
                message: e.message.to_string(),
                hints: e.hints.iter().map(|h| h.v.to_string()).collect(),
                line: world.and_then(|w| {
                    let range = typst::WorldExt::range(w, e.span)?;
                    Some(w.main.lines().byte_to_line(range.start)? + 1)
                }),
            })
            .collect(),
    )
}

/// An in-memory typst world: the template, `/report.json`, the part's
/// photos' stand-ins, the report's faces.
struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
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
        fonts: &FontSet,
        template: &Template,
        photos: &Photos,
        photo_range: Range<usize>,
    ) -> Result<Self, RenderError> {
        let fonts = fonts
            .distinct()
            .into_iter()
            .map(|face| {
                let (data, index) = face.data();
                Font::new(data.clone(), index).ok_or_else(|| RenderError::BadFont {
                    path: face.family().into(),
                    index,
                })
            })
            .collect::<Result<Vec<Font>, _>>()?;
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
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
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
        self.fonts.get(index).cloned()
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
        assert_eq!(parts[0].sections.len(), SECTIONS.len());
        assert_eq!(plan(200, 200, 16, false).len(), 1, "template without parts");
    }

    #[test]
    fn a_long_report_is_cut_into_status_and_unit_parts() {
        // 16 units a part weigh 128 rows: the front alone (the table does
        // not fit beside it), the first 128 rows, the other 22 with the
        // note, the units' title and 13 units, then units by 16.
        let parts = plan(40, 150, 16, true);
        let summary: Vec<(Vec<&str>, Range<usize>, Range<usize>)> = parts
            .into_iter()
            .map(|p| (p.sections, p.units, p.rows))
            .collect();
        assert_eq!(
            summary,
            [
                (vec!["front"], 0..0, 0..0),
                (vec!["status-title", "status"], 0..0, 0..128),
                (
                    vec!["status", "status-note", "units-title", "units"],
                    0..13,
                    128..150
                ),
                (vec!["units"], 13..29, 0..0),
                (vec!["units", "awaiting"], 29..40, 0..0),
            ]
        );
        let no_rows = plan(40, 0, 16, true);
        assert_eq!(
            no_rows[0].sections,
            [
                "front",
                "status-title",
                "status",
                "status-note",
                "units-title",
                "units"
            ],
            "the table's title and note even without rows, the units after them"
        );
    }

    #[test]
    fn a_demo_sized_report_has_its_chapters_follow_one_another() {
        // 36 rows and 12 units at 8 a part: the front, the whole table and
        // the first units share a part; no part ends with a title.
        let parts = plan(12, 36, 8, true);
        assert_eq!(
            parts[0].sections,
            [
                "front",
                "status-title",
                "status",
                "status-note",
                "units-title",
                "units"
            ]
        );
        assert_eq!(
            (parts[0].rows.clone(), parts[0].units.clone()),
            (0..36, 0..2)
        );
        let units: Vec<Range<usize>> = parts.iter().map(|p| p.units.clone()).collect();
        assert_eq!(units, [0..2, 2..10, 10..12]);
        assert_eq!(parts.last().unwrap().sections, ["units", "awaiting"]);
    }
}
