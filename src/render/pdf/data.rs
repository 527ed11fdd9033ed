//! The template's data (`/report.json`, see `templates/report.typ`): the
//! report as JSON with its dates written as text ([`crate::render::text`]),
//! the part's units and rows only, and what the template needs beside it.

use chrono::Datelike;
use serde_json::{Value, json};

use super::{PartPlan, Seam};
use crate::fmt::format_taken;
use crate::model::State;
use crate::render::fonts::Role;
use crate::render::{Options, RenderError, style, text};
use crate::report::{PhotoItem, Report, StatusRow, UnitSection};

/// The template's data for one part: the report with only the part's
/// units and status rows, every photo and video poster with a virtual
/// `src` path (`/photos/N.jpg`, N in [`Report::photos`] order, the part's
/// first picture being `first_photo`) and every unit with its heading
/// number (一, 二, …), the part's sections, first unit, the number of
/// pages before it and where on its first page it starts ([`Seam`]), and
/// what all parts share ([`common_data`]).
pub(super) fn part_data(
    report: &Report,
    common: &Value,
    plan: &PartPlan,
    first_photo: usize,
    seam: Seam,
) -> Result<Value, RenderError> {
    let mut data = common.clone();
    let units = &report.units[plan.units.clone()];
    data["report"]["units"] = units_data(report, units, plan.units.start, first_photo)?;
    data["report"]["rows"] = rows_data(&report.rows[plan.rows.clone()])?;
    data["part"] = json!({
        "sections": plan.sections,
        "first_page": seam.first_page,
        "start": seam.start,
        "first_unit": plan.units.start,
    });
    Ok(data)
}

/// The units of a part, numbered from `first_unit`, their pictures from
/// `first_photo`, the photos' times as text, summaries as their excerpts.
fn units_data(
    report: &Report,
    units: &[UnitSection],
    first_unit: usize,
    first_photo: usize,
) -> Result<Value, RenderError> {
    let mut data = serde_json::to_value(units)?;
    let mut n = first_photo;
    let mut picture = |at: &mut Value, photo: &PhotoItem| {
        at["src"] = json!(photo_src(n));
        at["taken"] = json!(photo.taken.map(|t| format_taken(t, report.as_of.year())));
        n += 1;
    };
    for (unit, section) in units.iter().enumerate() {
        data[unit]["number"] = json!(style::chinese_number(first_unit + unit + 1));
        for (activity, item) in section.activities.iter().enumerate() {
            let at = &mut data[unit]["activities"][activity];
            // The PDF shows the excerpt; the whole text is the DOCX's.
            if item.summary.as_ref().is_some_and(|s| s.full.is_some()) {
                at["summary"]["full"]["blocks"] = json!([]);
            }
            for (i, photo) in item.photos.iter().enumerate() {
                picture(&mut at["photos"][i], photo);
            }
            for (i, v) in item.videos.iter().enumerate() {
                if let Some(poster) = &v.poster {
                    picture(&mut at["videos"][i]["poster"], poster);
                }
            }
        }
    }
    Ok(data)
}

/// Status rows with each cell's dates and note as text.
fn rows_data(rows: &[StatusRow]) -> Result<Value, RenderError> {
    let mut data = serde_json::to_value(rows)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            let at = &mut data[r]["cells"][c];
            at["when"] = json!(cell.when.as_ref().map(text::note));
            at["due"] = json!(cell.due.map(text::long));
            at["arrived"] = json!(cell.arrived.map(text::long));
            at["extension"] = json!(cell.extension.as_ref().map(text::extension));
        }
    }
    Ok(data)
}

/// What every part's data shares: the report without units and status
/// rows (they go to the parts that show them), its dates as text, the
/// sizes, the faces and the states' labels and looks.
pub(super) fn common_data(report: &Report, options: &Options) -> Result<Value, RenderError> {
    let head = Report {
        rows: Vec::new(),
        units: Vec::new(),
        title: report.title.clone(),
        office: report.office.clone(),
        as_of: report.as_of,
        cutoff: report.cutoff,
        deliverables: report.deliverables.clone(),
        situation: report.situation.clone(),
        overview: report.overview.clone(),
        status_note: report.status_note.clone(),
        awaiting: report.awaiting.clone(),
        office_tasks: report.office_tasks.clone(),
    };
    let mut data = serde_json::to_value(&head)?;
    data["as_of"] = json!(text::as_of(report));
    let s = &report.situation;
    data["situation"]["upcoming_window"] = json!(text::window(s));
    for (i, u) in s.upcoming.iter().enumerate() {
        data["situation"]["upcoming"][i]["due"] = json!(text::short(u.due));
    }
    for (i, w) in report.awaiting.iter().enumerate() {
        data["awaiting"][i]["due"] = json!(w.due.map(text::deadline));
    }
    let states: serde_json::Map<String, Value> = State::ALL
        .iter()
        .map(|s| {
            let look = style::look(*s);
            Ok((
                state_key(*s)?,
                json!({
                    "label": s.label(),
                    "fill": look.fill,
                    "tint": look.tint,
                    "light_ink": look.light_ink,
                    "pattern": look.pattern,
                }),
            ))
        })
        .collect::<Result<_, RenderError>>()?;
    let face = |role: Role| {
        let face = options.fonts.face(role);
        json!({ "family": face.family(), "heavy": face.is_heavy() })
    };
    Ok(json!({
        "report": data,
        "style": style::metrics(options.typography),
        "fonts": {
            "title": face(Role::Title),
            "body": face(Role::Body),
            "heading": face(Role::Heading),
            "subheading": face(Role::Subheading),
        },
        "states": states,
        "description": options.fonts.describe().join("；"),
    }))
}

/// The virtual path of the report's `n`th picture.
pub(super) fn photo_src(n: usize) -> String {
    format!("/photos/{n}.jpg")
}

/// The JSON name of a state, as the report's `overall`/`state` fields hold it.
fn state_key(state: State) -> Result<String, RenderError> {
    Ok(serde_json::to_value(state)?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}
