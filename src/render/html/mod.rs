//! The status board: the fourth drawing of the [`Report`], a few static
//! pages the office opens in a browser — `index.html` (where things stand,
//! who must act, the table of every activity), one page per unit (its
//! activities, every file it sent with each version and how it came, its
//! photos and videos, the mail sent to it) and `office.html` (what the
//! office itself must look at).
//!
//! The pages are minijinja templates (`templates/board/`, [`Templates`])
//! the office may restyle; this module gives each page its values, every
//! text already written ([`super::text`]) and escaped by the templates as
//! it is put in. What only the board shows — when the batch ran, the files
//! units sent, the outbox — comes beside the report ([`Extras`]).
//!
//! No server, no CDN, no web font, no outside script: the pages open from
//! `file://`, a shared folder or any web server, and read on a phone (the
//! wide table scrolls inside its box, the unit column pinned). The files
//! they link to (the originals from the state store and the print JPEGs of
//! the photos) are put beside them under `files/`, hard-linked where the
//! file system allows it, so the folder can be moved or served as it is
//! and a nightly batch costs no disk for files it has already published.

mod office;
mod overview;
mod templates;
mod unit;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::RenderError;
use super::style::look;
use super::text;
use crate::fmt::display_time;
use crate::model::State;
use crate::report::{MessageLine, Report, SentFile};

pub use templates::Templates;

/// The overview page's file name.
pub const INDEX: &str = "index.html";
/// The office's page.
pub const OFFICE: &str = "office.html";
/// The folder beside the pages holding the files they link to.
pub const FILES: &str = "files";

/// What the board shows beside the report: when the batch ran, every
/// file units sent ([`crate::report::build::sent_files`]) and the outbox
/// as it stands.
#[derive(Debug, Clone, Copy)]
pub struct Extras<'a> {
    pub generated: DateTime<FixedOffset>,
    pub files: &'a [SentFile],
    pub messages: &'a [MessageLine],
}

/// The board of one report: its pages and the files they link to.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// File name and HTML of each page; the overview comes last, so it is
    /// written when every page it links to exists.
    pub pages: Vec<(String, String)>,
    /// Where each linked file goes (relative to the board) → where it is now.
    pub files: BTreeMap<String, PathBuf>,
}

/// Draws the board of `report` with `extras` beside it.
pub fn board(
    report: &Report,
    extras: &Extras,
    templates: &Templates,
) -> Result<Board, RenderError> {
    let env = templates.environment()?;
    let frame = |title: &str| Frame {
        page_title: title.to_string(),
        campaign: report.title.clone(),
        as_of: text::as_of(report),
        generated: display_time(extras.generated),
        states: State::ALL.into_iter().map(StateLook::of).collect(),
    };
    let mut links = Links::default();
    let units = Units::of(report, extras);
    let mut pages = Vec::new();
    for (i, name) in units.names.iter().enumerate() {
        let body = unit::page(report, extras, name, &mut links);
        let html = templates::render(&env, "unit.html", &Page::new(frame(name), body))?;
        pages.push((units.page(i), html));
    }
    let body = office::page(report, extras, &units);
    let html = templates::render(&env, OFFICE, &Page::new(frame("办公室待办"), body))?;
    pages.push((OFFICE.to_string(), html));
    let body = overview::page(report, extras, &units);
    let html = templates::render(&env, INDEX, &Page::new(frame("总览"), body))?;
    pages.push((INDEX.to_string(), html));
    Ok(Board {
        pages,
        files: links.files,
    })
}

/// Writes the board of `report` into `dir` (a report folder): the linked
/// files first, then each page atomically, the overview last. Writing it
/// again (after the batch queued its mail) replaces the pages and links
/// only the files not there yet.
pub fn publish(
    report: &Report,
    extras: &Extras,
    templates: &Templates,
    dir: &Path,
) -> Result<(), RenderError> {
    let board = board(report, extras, templates)?;
    // The previous report folder, whose files can be hard-linked when the
    // store is on another disk.
    let previous = dir.parent().map(|root| root.join(super::LATEST));
    for (rel, src) in &board.files {
        place(src, dir, rel, previous.as_deref())?;
    }
    for (name, html) in &board.pages {
        super::publish::write_atomic(dir, name, html.as_bytes())?;
    }
    Ok(())
}

/// Puts `src` at `dir/rel` unless it is there: a hard link to the store's
/// file, else to the same file of the previous board, else a copy.
fn place(src: &Path, dir: &Path, rel: &str, previous: Option<&Path>) -> Result<(), RenderError> {
    let dest = dir.join(rel);
    if dest.exists() {
        return Ok(());
    }
    let write_error = |source| RenderError::Write {
        path: dest.clone(),
        source,
    };
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(write_error)?;
    }
    let linked = std::fs::hard_link(src, &dest).is_ok()
        || previous.is_some_and(|p| std::fs::hard_link(p.join(rel), &dest).is_ok());
    if linked {
        return Ok(());
    }
    let mut from = std::fs::File::open(src).map_err(|source| RenderError::Read {
        path: src.to_owned(),
        source,
    })?;
    crate::atomic::write_atomic_with(&dest, false, |to| std::io::copy(&mut from, to).map(|_| ()))
        .map_err(write_error)
}

/// What every page has: its title, the campaign, the report's clock, when
/// the batch ran and the states' colours for the style sheet.
#[derive(Debug, Serialize)]
struct Frame {
    page_title: String,
    campaign: String,
    as_of: String,
    generated: String,
    states: Vec<StateLook>,
}

/// A page's values: the frame's and its own, side by side.
#[derive(Debug, Serialize)]
struct Page<T: Serialize> {
    #[serde(flatten)]
    frame: Frame,
    #[serde(flatten)]
    body: T,
}

impl<T: Serialize> Page<T> {
    fn new(frame: Frame, body: T) -> Self {
        Page { frame, body }
    }
}

/// A state's class name and colours, from the same table the PDF and XLSX
/// use.
#[derive(Debug, Serialize)]
struct StateLook {
    class: String,
    fill: &'static str,
    tint: &'static str,
    ink: &'static str,
}

impl StateLook {
    fn of(state: State) -> StateLook {
        let l = look(state);
        StateLook {
            class: class(state),
            fill: l.fill,
            tint: l.tint,
            ink: if l.light_ink { "#fff" } else { "#222" },
        }
    }
}

/// A state as a coloured label: its class and the words on it.
#[derive(Debug, Serialize)]
struct Badge {
    class: String,
    label: String,
}

impl Badge {
    /// The state's own label.
    fn of(state: State) -> Badge {
        Badge::with(state, state.label())
    }

    /// Other words on the state's colour.
    fn with(state: State, label: &str) -> Badge {
        Badge {
            class: class(state),
            label: label.to_string(),
        }
    }
}

/// A unit named on a page: its name and its page, when it has one.
#[derive(Debug, Serialize)]
struct UnitLink {
    name: String,
    href: Option<String>,
}

/// The files the pages link to, named by content so that two pages (or
/// two batches) linking the same file share one copy.
#[derive(Debug, Default)]
struct Links {
    files: BTreeMap<String, PathBuf>,
}

impl Links {
    /// The board's path of a store file, keeping `name`'s extension (so a
    /// browser opens it as what it is): `files/<hash>.docx`.
    fn original(&mut self, src: &Path, name: &str) -> String {
        let ext: String = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|e| format!(".{e}"))
            .unwrap_or_default();
        self.add(src, "", &ext)
    }

    /// The board's path of a photo's print JPEG: `files/print/<hash>.jpg`.
    fn print(&mut self, src: &Path) -> String {
        self.add(src, "print/", "")
    }

    fn add(&mut self, src: &Path, sub: &str, ext: &str) -> String {
        let stem = src
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let dest = format!("{FILES}/{sub}{stem}{ext}");
        self.files.insert(dest.clone(), src.to_owned());
        dest
    }
}

/// Every unit that has a page, in schedule order, then units that sent
/// files but have no activity.
struct Units {
    names: Vec<String>,
}

impl Units {
    fn of(report: &Report, extras: &Extras) -> Units {
        let mut names: Vec<String> = Vec::new();
        let all = report
            .rows
            .iter()
            .flat_map(|r| &r.units)
            .chain(extras.files.iter().map(|f| &f.unit));
        for name in all {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        Units { names }
    }

    fn page(&self, i: usize) -> String {
        format!("unit-{}.html", i + 1)
    }

    /// A unit named on a page, with a link to its page when it has one.
    fn link(&self, name: &str) -> UnitLink {
        UnitLink {
            name: name.to_string(),
            href: self
                .names
                .iter()
                .position(|n| n == name)
                .map(|i| self.page(i)),
        }
    }
}

/// The class name of a state ("overdue", "on_time"), as `status --json`
/// spells it.
fn class(state: State) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A message of the outbox as the pages list it, its times written.
#[derive(Debug, Serialize)]
struct Message<'a> {
    queued: String,
    kind: &'a str,
    status: &'a str,
    trouble: bool,
    subject: &'a str,
    recipients: &'a str,
    sent: Option<String>,
    error: Option<&'a str>,
}

impl<'a> Message<'a> {
    fn of(m: &'a MessageLine) -> Self {
        Message {
            queued: m.queued.map(text::short).unwrap_or_default(),
            kind: &m.kind,
            status: &m.status,
            trouble: m.trouble,
            subject: &m.subject,
            recipients: &m.recipients,
            sent: m.sent.map(text::long),
            error: m.error.as_deref(),
        }
    }
}
