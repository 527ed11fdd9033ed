//! The board's first page (`templates/board/index.html`): as of when, the
//! situation in the report's own words, who must act, what falls due next,
//! the counts, and the table of every activity with a filter box.

use serde::Serialize;

use super::{Badge, Extras, UnitLink, Units, class, text};
use crate::model::State;
use crate::report::{Report, StatusCell, StatusRow};

/// The overview's values.
#[derive(Debug, Serialize)]
pub(super) struct Overview<'a> {
    paragraph: &'a str,
    counts: Vec<Count>,
    office_count: usize,
    needs_action: Vec<Action<'a>>,
    upcoming_window: String,
    upcoming_days: u32,
    upcoming: Vec<Upcoming<'a>>,
    deliverables: Vec<&'a str>,
    state_options: Vec<Badge>,
    /// How many activities the table holds (a joint entry once, whatever
    /// its rows).
    activities: usize,
    rows: Vec<Row<'a>>,
    status_note: &'a str,
}

#[derive(Debug, Serialize)]
struct Count {
    state: Badge,
    count: usize,
}

#[derive(Debug, Serialize)]
struct Action<'a> {
    unit: UnitLink,
    theme: &'a str,
    state: Badge,
    reason: &'a str,
}

#[derive(Debug, Serialize)]
struct Upcoming<'a> {
    due: String,
    unit: UnitLink,
    theme: &'a str,
    owed: &'a str,
}

/// A row of 报送情况一览表.
#[derive(Debug, Serialize)]
struct Row<'a> {
    seq: &'a str,
    /// The row's units, each linked to its page (two or more: joint).
    units: Vec<UnitLink>,
    /// Every unit's name, for the filter.
    names: String,
    /// What the table says after the names: "（联合）", "（与县农业农村局联合）".
    suffix: &'a str,
    theme: &'a str,
    time: &'a str,
    /// The overall state's class and every cell's, for the filter.
    states: String,
    cells: Vec<Cell<'a>>,
    overall: Badge,
}

#[derive(Debug, Serialize)]
struct Cell<'a> {
    /// The state's class; None when the deliverable does not apply.
    class: Option<String>,
    text: &'a str,
    note: Option<String>,
}

/// The overview page's values.
pub(super) fn page<'a>(report: &'a Report, extras: &Extras, units: &Units) -> Overview<'a> {
    let s = &report.situation;
    Overview {
        paragraph: &s.paragraph,
        counts: report
            .overview
            .by_state
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| Count {
                state: Badge::with(c.state, &c.label),
                count: c.count,
            })
            .collect(),
        office_count: office_count(report, extras),
        needs_action: s
            .needs_action
            .iter()
            .map(|i| Action {
                unit: units.link(&i.unit),
                theme: &i.theme,
                state: Badge::of(i.state),
                reason: &i.reason,
            })
            .collect(),
        upcoming_window: text::window(s),
        upcoming_days: s.upcoming_days,
        upcoming: s
            .upcoming
            .iter()
            .map(|u| Upcoming {
                due: text::short(u.due),
                unit: units.link(&u.unit),
                theme: &u.theme,
                owed: &u.owed,
            })
            .collect(),
        deliverables: report
            .deliverables
            .iter()
            .map(|d| d.name.as_str())
            .collect(),
        state_options: State::ALL.into_iter().map(Badge::of).collect(),
        activities: report.overview.activities,
        rows: report.rows.iter().map(|r| row(r, units)).collect(),
        status_note: &report.status_note,
    }
}

/// How many things wait for the office.
fn office_count(report: &Report, extras: &Extras) -> usize {
    let t = &report.office_tasks;
    t.unassigned.len()
        + t.unclassified.len()
        + t.receiving.len()
        + t.questions.len()
        + extras.messages.iter().filter(|m| m.trouble).count()
}

fn row<'a>(row: &'a StatusRow, units: &Units) -> Row<'a> {
    // Filterable by the overall state and by any cell's.
    let mut states = vec![class(row.overall)];
    states.extend(row.cells.iter().filter_map(|c| c.state).map(class));
    states.dedup();
    Row {
        seq: &row.seq,
        units: row.units.iter().map(|u| units.link(u)).collect(),
        names: row.units.join("、"),
        suffix: row
            .unit
            .strip_prefix(row.units.join("、").as_str())
            .unwrap_or_default(),
        theme: &row.theme,
        time: &row.time,
        states: states.join(" "),
        cells: row.cells.iter().map(cell).collect(),
        overall: Badge::of(row.overall),
    }
}

fn cell(c: &StatusCell) -> Cell<'_> {
    Cell {
        class: c.state.map(class),
        text: &c.text,
        note: c.state.and(c.when.as_ref()).map(text::note),
    }
}
