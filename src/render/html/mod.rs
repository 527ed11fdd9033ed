//! The status board: the fourth drawing of the [`Report`], a few static
//! pages the office opens in a browser — `index.html` (where things stand,
//! who must act, the table of every activity), one page per unit (its
//! activities, every file it sent with each version and how it came, its
//! photos and videos, the mail sent to it) and `office.html` (what the
//! office itself must look at).
//!
//! No server, no CDN, no web font, no outside script: the pages open from
//! `file://`, a shared folder or any web server. The files they link to (the
//! originals from the state store and the print JPEGs of the photos) are
//! put beside them under `files/`, hard-linked where the file system allows
//! it, so the folder can be moved or served as it is and a nightly batch
//! costs no disk for files it has already published.

mod office;
mod overview;
mod unit;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::escape::esc;

use super::RenderError;
use super::style::look;
use crate::model::State;
use crate::report::Report;

/// The overview page's file name.
pub const INDEX: &str = "index.html";
/// The office's page.
pub const OFFICE: &str = "office.html";
/// The folder beside the pages holding the files they link to.
pub const FILES: &str = "files";

/// The board of one report: its pages and the files they link to.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// File name and HTML of each page; the overview comes last, so it is
    /// written when every page it links to exists.
    pub pages: Vec<(String, String)>,
    /// Where each linked file goes (relative to the board) → where it is now.
    pub files: BTreeMap<String, PathBuf>,
}

/// Draws the board of `report`.
pub fn board(report: &Report) -> Board {
    let mut links = Links::default();
    let units = Units::of(report);
    let mut pages = Vec::new();
    for (i, name) in units.names.iter().enumerate() {
        pages.push((units.page(i), unit::render(report, name, &mut links)));
    }
    pages.push((OFFICE.to_string(), office::render(report, &units)));
    pages.push((INDEX.to_string(), overview::render(report, &units)));
    Board {
        pages,
        files: links.files,
    }
}

/// Writes the board of `report` into `dir` (a report folder): the linked
/// files first, then each page atomically, the overview last. Writing it
/// again (after the batch queued its mail) replaces the pages and links
/// only the files not there yet.
pub fn publish(report: &Report, dir: &Path) -> Result<(), RenderError> {
    let board = board(report);
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
    fn of(report: &Report) -> Units {
        let mut names: Vec<String> = Vec::new();
        let all = report
            .rows
            .iter()
            .map(|r| &r.unit)
            .chain(report.files.iter().map(|f| &f.unit));
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

    /// A link to a unit's page, or its name when it has none.
    fn link(&self, name: &str) -> String {
        match self.names.iter().position(|n| n == name) {
            Some(i) => format!("<a href=\"{}\">{}</a>", self.page(i), esc(name)),
            None => esc(name).into_owned(),
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

/// A state as a coloured label; the label says it without the colour.
fn badge(state: State, text: &str) -> String {
    format!(
        "<span class=\"badge b-{}\">{}</span>",
        class(state),
        esc(text)
    )
}

/// The style sheet: the layout, then each state's colours from the same
/// table the PDF and XLSX use.
fn css() -> String {
    let mut css = String::from(CSS);
    for state in State::ALL {
        let l = look(state);
        let ink = if l.light_ink { "#fff" } else { "#222" };
        let _ = write!(
            css,
            ".b-{c}{{background:#{f};color:{ink}}}.s-{c}{{background:#{t};border-left:4px solid #{f}}}",
            c = class(state),
            f = l.fill,
            t = l.tint,
        );
    }
    css
}

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:15px/1.6 system-ui,-apple-system,\"Segoe UI\",\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;color:#222;background:#f6f6f4}\
header{background:#8b1a1a;color:#fff;padding:.6em 1em}\
header a{color:#fff}header h1{font-size:1.15em;margin:0}header p{margin:.2em 0 0;font-size:.9em}\
nav{margin-top:.3em;font-size:.95em}nav a{margin-right:1em}\
main{max-width:1200px;margin:0 auto;padding:.5em 1em 2em}\
h2{font-size:1.1em;border-bottom:2px solid #8b1a1a;padding-bottom:.2em;margin-top:1.6em}\
h3{font-size:1em;margin:1.2em 0 .4em}\
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\
table{border-collapse:collapse;background:#fff;width:100%}\
th,td{border:1px solid #ccc;padding:.3em .45em;text-align:left;vertical-align:top}\
th{background:#e7e6e6;white-space:nowrap}\
.status td:first-child{white-space:nowrap}\
td small,li small{display:block;color:#555;font-size:.85em}\
.badge{display:inline-block;padding:0 .45em;border-radius:3px;font-size:.9em;white-space:nowrap}\
.counts{display:flex;flex-wrap:wrap;gap:.4em;padding:0;list-style:none}\
.counts li{background:#fff;border:1px solid #ccc;border-radius:4px;padding:.2em .6em}\
.card{background:#fff;border:1px solid #ccc;border-radius:4px;padding:.4em .8em;margin:.8em 0}\
.photos{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.5em;padding:0;list-style:none}\
.photos img{width:100%;height:120px;object-fit:cover;display:block;border:1px solid #ccc}\
.photos li{font-size:.85em}\
.trouble{color:#c62828;font-weight:bold}\
.files{list-style:none;padding:0}.files li{background:#fff;border:1px solid #ccc;border-radius:4px;padding:.3em .6em;margin:.4em 0;word-break:break-all}\
.verdict{margin-left:.5em;font-size:.9em}\
#filter{margin:.6em 0;display:flex;flex-wrap:wrap;gap:.5em}\
#filter input,#filter select{font:inherit;padding:.25em .4em}\
a{color:#0b57a4}\
@media (max-width:600px){body{font-size:14px}main{padding:.3em .5em 2em}}\
";

/// Hides the rows of the overview's table that do not match the filter
/// box; without it every row shows.
const FILTER_JS: &str = "\
const q=document.getElementById('q'),st=document.getElementById('st');\
function filter(){const t=q.value.trim(),s=st.value;\
for(const r of document.querySelectorAll('tr[data-unit]')){\
r.hidden=!((!t||r.dataset.unit.includes(t)||r.dataset.theme.includes(t))&&(!s||r.dataset.states.split(' ').includes(s)));}}\
q.addEventListener('input',filter);st.addEventListener('change',filter);\
document.getElementById('filter').hidden=false;\
";

/// A whole page: head, header with the campaign and the as-of time, the
/// navigation, `body`, and a script when given.
fn page(report: &Report, title: &str, body: &str, script: Option<&str>) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} - {campaign}</title>\n<style>{css}</style>\n</head>\n<body>\n\
         <header><h1>{campaign}</h1><p>{as_of}（本页生成于{generated}）</p>\
         <nav><a href=\"{INDEX}\">总览</a><a href=\"{OFFICE}\">办公室待办</a></nav></header>\n\
         <main>\n{body}</main>\n",
        title = esc(title),
        campaign = esc(&report.title),
        css = css(),
        as_of = esc(&report.as_of),
        generated = esc(&report.generated_at),
    );
    if let Some(js) = script {
        let _ = writeln!(html, "<script>{js}</script>");
    }
    html.push_str("</body>\n</html>\n");
    html
}
