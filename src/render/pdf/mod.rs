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
mod photos;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde_json::Value;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, NativeElement, StyleChain};
use typst::model::HeadingElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use self::data::{common_data, part_data, photo_src};
use self::join::{Heading, PdfWriter};
use self::photos::Photos;
use super::fonts::FontSet;
use super::{LayoutMessage, Options, RenderError, Sink};
use crate::report::Report;

/// Status-table rows per part, per unit of a part: a row is far lighter to
/// lay out than a unit's section.
const ROWS_PER_UNIT: usize = 4;

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
    for plan in plans {
        let photo_range = first_photo[plan.units.start]..first_photo[plan.units.end];
        let data = part_data(
            report,
            &common,
            &plan,
            first_photo[plan.units.start],
            first_page,
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
        first_page += document.pages().len();
        drop(document);
        // typst memoises every layout step in a process-wide cache that is
        // never emptied by itself; the next part shares nothing with this one.
        typst::comemo::evict(0);
        crate::allocator::release_freed_memory();
        writer.push(&bytes, &headings)?;
    }
    writer.finish()
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

/// Cuts the report into parts: all of it in one when it has at most
/// `units_per_part` units (or the template cannot lay out parts), otherwise
/// the front; the status table, [`ROWS_PER_UNIT`] × `units_per_part` rows
/// at a time; the units, `units_per_part` at a time; the rest.
fn plan(units: usize, rows: usize, units_per_part: usize, parts_allowed: bool) -> Vec<PartPlan> {
    let step = units_per_part.max(1);
    if units <= step || !parts_allowed {
        return vec![PartPlan {
            sections: SECTIONS.to_vec(),
            units: 0..units,
            rows: 0..rows,
        }];
    }
    let part = |sections: Vec<&'static str>, units: Range<usize>, rows: Range<usize>| PartPlan {
        sections,
        units,
        rows,
    };
    let mut parts = vec![part(vec!["front"], 0..0, 0..0)];
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
    parts.push(part(vec!["awaiting"], units..units, 0..0));
    parts
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
        let parts = plan(40, 150, 16, true);
        let summary: Vec<(Vec<&str>, Range<usize>, Range<usize>)> = parts
            .into_iter()
            .map(|p| (p.sections, p.units, p.rows))
            .collect();
        assert_eq!(
            summary,
            [
                (vec!["front"], 0..0, 0..0),
                (vec!["status-title", "status"], 0..0, 0..64),
                (vec!["status"], 0..0, 64..128),
                (vec!["status", "status-note"], 0..0, 128..150),
                (vec!["units-title", "units"], 0..16, 0..0),
                (vec!["units"], 16..32, 0..0),
                (vec!["units"], 32..40, 0..0),
                (vec!["awaiting"], 40..40, 0..0),
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
