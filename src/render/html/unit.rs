//! A unit's page (`templates/board/unit.html`): what the clerk answering
//! its phone call needs — each activity and deliverable with its state,
//! deadline, lateness and extension; the photos and videos it sent; every
//! file it sent with the verdict and each version's arrival and way in;
//! the mail sent to it.

use chrono::Datelike;
use serde::Serialize;

use super::{Badge, Extras, Links, Message, text};
use crate::fmt::format_taken;
use crate::report::{ActivitySection, Report, SentFile, StatusRow, VideoItem};

/// A unit page's values.
#[derive(Debug, Serialize)]
pub(super) struct UnitPage<'a> {
    name: &'a str,
    activities: Vec<Activity<'a>>,
    files: Vec<File<'a>>,
    messages: Vec<Message<'a>>,
}

/// One activity of the unit, its deliverables and what it sent.
#[derive(Debug, Serialize)]
struct Activity<'a> {
    seq: &'a str,
    theme: &'a str,
    time: &'a str,
    overall: Badge,
    items: Vec<Item<'a>>,
    summary: Option<Summary<'a>>,
    photos: Vec<Photo<'a>>,
    videos: Vec<Video<'a>>,
    notes: &'a [String],
}

/// One deliverable of an activity.
#[derive(Debug, Serialize)]
struct Item<'a> {
    deliverable: &'a str,
    /// The cell's words on its state's colour; None when it does not apply.
    state: Option<Badge>,
    text: &'a str,
    note: Option<String>,
    extension: Option<String>,
    due: String,
    arrived: String,
}

#[derive(Debug, Serialize)]
struct Summary<'a> {
    file_name: &'a str,
    title: Option<&'a str>,
}

/// A picture: the print JPEG shown, linking to the original.
#[derive(Debug, Serialize)]
struct Picture {
    href: String,
    thumb: String,
    width: u32,
    height: u32,
}

#[derive(Debug, Serialize)]
struct Photo<'a> {
    #[serde(flatten)]
    picture: Picture,
    name: &'a str,
    taken: Option<String>,
}

#[derive(Debug, Serialize)]
struct Video<'a> {
    poster: Option<Picture>,
    label: &'a str,
    /// "1920×1080，H.264".
    facts: Option<String>,
    note: Option<&'a str>,
}

/// A file the unit sent, with its versions.
#[derive(Debug, Serialize)]
struct File<'a> {
    name: &'a str,
    href: Option<String>,
    verdict: &'a str,
    counted: bool,
    counts_for: Option<&'a str>,
    reason: Option<&'a str>,
    versions: Vec<Version<'a>>,
}

#[derive(Debug, Serialize)]
struct Version<'a> {
    arrived: String,
    how: &'a str,
    size: &'a str,
}

/// The page of the unit `name`.
pub(super) fn page<'a>(
    report: &'a Report,
    extras: &Extras<'a>,
    name: &'a str,
    links: &mut Links,
) -> UnitPage<'a> {
    let sections = report.units.iter().find(|u| u.unit == name);
    let activities = report
        .rows
        .iter()
        .filter(|r| r.units.iter().any(|u| u == name))
        .map(|row| {
            let section = sections.and_then(|u| u.activities.iter().find(|a| a.seq == row.seq));
            activity(report, row, section, links)
        })
        .collect();
    UnitPage {
        name,
        activities,
        files: extras
            .files
            .iter()
            .filter(|f| f.unit == name)
            .map(|f| file(f, links))
            .collect(),
        messages: extras
            .messages
            .iter()
            .filter(|m| m.unit.as_deref() == Some(name))
            .map(Message::of)
            .collect(),
    }
}

fn activity<'a>(
    report: &'a Report,
    row: &'a StatusRow,
    section: Option<&'a ActivitySection>,
    links: &mut Links,
) -> Activity<'a> {
    let items = report
        .deliverables
        .iter()
        .zip(&row.cells)
        .map(|(d, cell)| Item {
            deliverable: &d.name,
            state: cell.state.map(|s| Badge::with(s, &cell.text)),
            text: &cell.text,
            note: cell.when.as_ref().map(text::note),
            extension: cell.extension.as_ref().map(text::extension),
            due: cell.due.map(text::short).unwrap_or_default(),
            arrived: cell.arrived.map(text::short).unwrap_or_default(),
        })
        .collect();
    let year = report.as_of.year();
    Activity {
        seq: &row.seq,
        theme: &row.theme,
        time: &row.time,
        overall: Badge::of(row.overall),
        items,
        summary: section.and_then(|a| a.summary.as_ref()).map(|s| Summary {
            file_name: &s.file_name,
            title: s.title.as_deref(),
        }),
        photos: section
            .map(|a| &a.photos[..])
            .unwrap_or_default()
            .iter()
            .map(|p| Photo {
                picture: Picture {
                    href: match &p.original {
                        Some(o) => links.original(o, &p.name),
                        None => links.print(&p.jpeg),
                    },
                    thumb: links.print(&p.jpeg),
                    width: p.width,
                    height: p.height,
                },
                name: &p.name,
                taken: p.taken.map(|t| format_taken(t, year)),
            })
            .collect(),
        videos: section
            .map(|a| &a.videos[..])
            .unwrap_or_default()
            .iter()
            .map(|v| video(v, links))
            .collect(),
        notes: section.map(|a| &a.notes[..]).unwrap_or_default(),
    }
}

/// One video: its poster (the first key frame) linking to the video
/// itself when there is one, its name, size and duration, and why there is
/// no picture when there is none.
fn video<'a>(v: &'a VideoItem, links: &mut Links) -> Video<'a> {
    let facts: Vec<&str> = [v.resolution.as_deref(), v.codec.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    Video {
        poster: v.poster.as_ref().map(|p| Picture {
            href: match &p.original {
                // The label starts with the file name, whose extension the copy keeps.
                Some(o) => links.original(o, v.label.split('（').next().unwrap_or(&v.label)),
                None => links.print(&p.jpeg),
            },
            thumb: links.print(&p.jpeg),
            width: p.width,
            height: p.height,
        }),
        label: &v.label,
        facts: (!facts.is_empty()).then(|| facts.join("，")),
        note: v.note.as_deref(),
    }
}

fn file<'a>(f: &'a SentFile, links: &mut Links) -> File<'a> {
    File {
        name: &f.path,
        href: f.original.as_ref().map(|o| links.original(o, &f.path)),
        verdict: &f.verdict,
        counted: f.counted,
        counts_for: f.counts_for.as_deref(),
        reason: f.reason.as_deref(),
        versions: f
            .versions
            .iter()
            .map(|v| Version {
                arrived: text::short(v.arrived),
                how: &v.how,
                size: &v.size,
            })
            .collect(),
    }
}
