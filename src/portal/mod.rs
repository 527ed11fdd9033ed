//! The portal 专栏 drafts: for each activity whose summary has been
//! accepted, a web article the office pastes into the government portal's
//! column — `out/<id>/portal/<序号>-<单位>/article.html` with its photos
//! beside it — and `out/<id>/portal/index.html` listing every draft with
//! its state (新 / 自昨晚以来有变化 / 未变).
//!
//! The article is the summary retold as news, ready to publish: its title
//! as a headline (else "县X局开展Y活动"), its content as
//! [`crate::doctext`] cleans it for every reader (no letterhead, addressee,
//! "现将…如下", signature or date lines) in the third person (the unit's
//! "我局", "我们" said with its name, its plans left out, every sentence
//! closed), and 2–4 photos chosen by [`photos`]. The pages come from the
//! templates `portal-article.html.j2` and `portal-index.html.j2`
//! ([`html`]). A draft is written again only when what it is made from
//! changes: the hash of its inputs is kept in the draft's folder
//! (`.inputs`).
//!
//! Nothing half-made is ever shown: a draft is made whole in a folder
//! beside it and swapped in, the index is written after the drafts it
//! lists, and the portal has an index before its first draft is written.

mod html;
mod photos;

use std::path::{Path, PathBuf};

use crate::assess::{Assessment, FileAssessment};
use crate::campaign::Campaign;
use crate::doctext::{self, publish};
use crate::inspect::{Content, Document, Limits, Verdict};
use crate::model::ENTRY_SEP;
use crate::model::State;
use crate::names;
use crate::store::Store;

pub use photos::{MAX_PHOTOS, MIN_PHOTOS, WEB_WIDTH};

/// Bumped when the drafts' layout changes, so every draft is made again.
const FORMAT: &str = "portal-3";
/// The file in a draft's folder holding the hash of its inputs.
const INPUTS_FILE: &str = ".inputs";
/// The portal's index.
const INDEX_FILE: &str = "index.html";

/// A draft that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("无法写入网站稿件 {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("无法读取网站稿件模板 {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("网站稿件模板 {name} 第{line}行有误：{detail}")]
    Template {
        name: String,
        line: usize,
        detail: String,
    },
}

pub use html::Pages;

/// How a draft compares with the last batch's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    New,
    Changed,
    Unchanged,
}

impl DraftState {
    pub fn label(self) -> &'static str {
        match self {
            DraftState::New => "新",
            DraftState::Changed => "自昨晚以来有变化",
            DraftState::Unchanged => "未变",
        }
    }
}

/// One draft, as the index lists it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The folder under `portal/`.
    pub folder: String,
    pub seq: String,
    pub unit: String,
    pub title: String,
    pub photos: usize,
    pub state: DraftState,
}

/// The folder drafts are written to: `out/<id>/portal/`.
pub fn dir(campaign: &Campaign) -> PathBuf {
    campaign
        .output_dir()
        .join(&campaign.file.campaign.id)
        .join("portal")
}

/// Writes (or keeps) the draft of every activity with an accepted summary,
/// and the index.
pub fn write_drafts(
    campaign: &Campaign,
    store: &Store,
    a: &Assessment,
) -> Result<Vec<Draft>, PortalError> {
    let root = dir(campaign);
    let limits = &campaign.file.limits;
    let pages = Pages::load(&campaign.templates_dir())?;
    let office = &campaign.file.campaign.office;
    // The campaign's place, for a unit's "我县".
    let place = crate::campaign::place::place_in(office)
        .or_else(|| crate::campaign::place::place_in(&campaign.file.campaign.title));
    let as_of = crate::report::format_time(a.clock);
    recover(&root, &pages, &campaign.file.campaign.title, &as_of)?;
    let mut folders = names::Folder::with_reserved(&[INDEX_FILE]);
    let mut drafts = Vec::new();
    let named_summary = campaign
        .deliverables
        .iter()
        .any(|d| d.name.contains("总结"));
    for st in &a.activities {
        // The summary: an accepted document of a deliverable named 总结 (of
        // any document deliverable when the campaign names none so).
        let accepted = |i: &&crate::assess::ItemAssessment| {
            matches!(i.state, State::OnTime | State::Late)
                && (!named_summary || campaign.deliverables[i.deliverable].name.contains("总结"))
        };
        let files = || {
            st.items
                .iter()
                .flat_map(|i| i.files.iter().map(|&f| &a.files[f]))
        };
        let Some((summary_file, doc)) = st
            .items
            .iter()
            .filter(accepted)
            .flat_map(|i| i.files.iter().map(|&f| &a.files[f]))
            .filter(|f| f.counted)
            .filter_map(|f| match &f.inspection.content {
                Content::Document(d) => Some((f, d)),
                _ => None,
            })
            .max_by_key(|(f, _)| f.arrived)
        else {
            continue;
        };
        let act = &campaign.activities[st.activity];
        let unit = &campaign.roster.units[act.unit].name;
        let speaker = publish::Speaker {
            unit,
            place: place.as_ref().map(|p| p.name.as_str()),
        };
        let (title, paragraphs) = article_text(doc, &speaker, &act.theme, office);
        // The activity's photos and those pasted into the summary.
        let inside = format!("{}{ENTRY_SEP}", summary_file.path);
        let mut photo_files: Vec<&FileAssessment> = files()
            .chain(a.files.iter().filter(|f| f.path.starts_with(&inside)))
            .filter(|f| usable_photo(f))
            .collect();
        // A photo pasted in the summary may also count as a photo sent.
        photo_files.sort_by(|x, y| x.hash.cmp(&y.hash));
        photo_files.dedup_by(|x, y| x.hash == y.hash);

        let folder = folders.claim(&format!("{}-{unit}", act.seq));
        let out = root.join(&folder);
        let inputs = inputs_hash(pages.fingerprint(), &title, &paragraphs, &photo_files);
        let before = std::fs::read_to_string(out.join(INPUTS_FILE)).ok();
        let (state, photos) = match before {
            Some(b) if b.trim() == inputs => (DraftState::Unchanged, count_photos(&out)),
            b => {
                let draft = DraftText {
                    title: &title,
                    paragraphs: &paragraphs,
                    inputs: &inputs,
                };
                let n = write_draft(&out, store, limits, &pages, &draft, &photo_files)?;
                (
                    if b.is_some() {
                        DraftState::Changed
                    } else {
                        DraftState::New
                    },
                    n,
                )
            }
        };
        drafts.push(Draft {
            folder,
            seq: act.seq.clone(),
            unit: unit.clone(),
            title,
            photos,
            state,
        });
    }
    let listed: Vec<html::Listed> = drafts
        .iter()
        .map(|d| html::Listed {
            folder: &d.folder,
            seq: &d.seq,
            unit: &d.unit,
            title: &d.title,
            photos: d.photos,
            state: d.state.label(),
        })
        .collect();
    let index = pages.index(&html::Index {
        campaign: &campaign.file.campaign.title,
        as_of: &as_of,
        drafts: &listed,
    })?;
    write(&root.join(INDEX_FILE), index.as_bytes())?;
    Ok(drafts)
}

/// The draft being made of a folder, beside it.
fn staging(out: &Path) -> PathBuf {
    sibling(out, "new")
}

/// A draft being replaced, kept until its successor is in place.
fn replaced(out: &Path) -> PathBuf {
    sibling(out, "old")
}

fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    out.with_file_name(format!(".baosong-{name}.{what}"))
}

/// Puts right what a batch killed while it wrote drafts left: a draft
/// moved aside whose successor never took its place goes back; half-made
/// drafts and replaced ones go. Then, before any draft is written, the
/// portal has an index (the last batch's, or an empty one on the first
/// run), so it is never without one.
fn recover(root: &Path, pages: &Pages, title: &str, as_of: &str) -> Result<(), PortalError> {
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PortalError::Write { path, source }
    };
    std::fs::create_dir_all(root).map_err(error(root))?;
    let entries = std::fs::read_dir(root).map_err(error(root))?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(inner) = name.strip_prefix(".baosong-") else {
            continue;
        };
        let path = entry.path();
        if let Some(folder) = inner.strip_suffix(".old") {
            let draft = root.join(folder);
            if draft.exists() {
                std::fs::remove_dir_all(&path).map_err(error(&path))?;
            } else {
                std::fs::rename(&path, &draft).map_err(error(&draft))?;
            }
        } else if inner.ends_with(".new") {
            std::fs::remove_dir_all(&path).map_err(error(&path))?;
        }
    }
    let index = root.join(INDEX_FILE);
    if !index.exists() {
        let empty = pages.index(&html::Index {
            campaign: title,
            as_of,
            drafts: &[],
        })?;
        write(&index, empty.as_bytes())?;
    }
    Ok(())
}

/// Puts the draft made in `staging` at `out`: the old draft is moved aside,
/// the new one renamed into place, the old one removed. A batch killed
/// between the two renames leaves the old draft aside, and [`recover`]
/// puts it back; the index never links a half-written draft.
fn swap_in(staging: &Path, out: &Path) -> Result<(), PortalError> {
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PortalError::Write { path, source }
    };
    let old = replaced(out);
    let had = out.exists();
    if had {
        std::fs::rename(out, &old).map_err(error(out))?;
    }
    std::fs::rename(staging, out).map_err(error(out))?;
    if had {
        std::fs::remove_dir_all(&old).map_err(error(&old))?;
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), PortalError> {
    crate::atomic::write_atomic(path, bytes, false).map_err(|source| PortalError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// A photo fit for the web: accepted, counted (not too small, not a
/// duplicate, not taken elsewhere) and not a screen capture.
fn usable_photo(f: &FileAssessment) -> bool {
    matches!(&f.inspection.content, Content::Photo(p) if !p.screenshot)
        && f.inspection.verdict != Verdict::Reject
        && !f.set_aside()
}

fn photo_name(n: usize) -> String {
    format!("照片{n}.jpg")
}

fn count_photos(dir: &Path) -> usize {
    (1..=MAX_PHOTOS)
        .take_while(|&n| dir.join(photo_name(n)).is_file())
        .count()
}

/// What a draft is made from, hashed.
fn inputs_hash(
    templates: &str,
    title: &str,
    paragraphs: &[String],
    photos: &[&FileAssessment],
) -> String {
    let mut h = blake3::Hasher::new();
    for part in [FORMAT, templates, title]
        .into_iter()
        .chain(paragraphs.iter().map(String::as_str))
        .chain(photos.iter().map(|f| f.hash.as_str()))
    {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex().to_string()
}

/// What a draft says, and the hash of what it is made from.
struct DraftText<'a> {
    title: &'a str,
    paragraphs: &'a [String],
    inputs: &'a str,
}

fn write_draft(
    out: &Path,
    store: &Store,
    limits: &Limits,
    pages: &Pages,
    draft: &DraftText,
    photo_files: &[&FileAssessment],
) -> Result<usize, PortalError> {
    let title = draft.title;
    let candidates = photo_files
        .iter()
        .filter_map(|f| {
            let Content::Photo(p) = &f.inspection.content else {
                return None;
            };
            Some(photos::Candidate {
                original: store.blob_path(&f.hash),
                kind: f.inspection.kind,
                width: p.width,
                height: p.height,
                phash: p.phash,
                sharpness: p.sharpness,
                print: store.derived_path(&f.hash),
            })
        })
        .collect();
    let chosen = photos::choose(candidates, limits);
    let scene = if title.ends_with("活动") {
        format!("{title}现场")
    } else {
        title.to_string()
    };
    let captions: Vec<String> = (1..=chosen.len())
        .map(|n| format!("{scene}（图{n}）"))
        .collect();
    let names: Vec<String> = (1..=chosen.len()).map(photo_name).collect();
    // Made whole beside the draft it replaces, then swapped in.
    let folder = out;
    let out = &staging(folder);
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|source| PortalError::Write {
            path: out.to_path_buf(),
            source,
        })?;
    }
    for (photo, name) in chosen.iter().zip(&names) {
        write(&out.join(name), &photo.jpeg)?;
    }
    let figures: Vec<html::Figure> = chosen
        .iter()
        .zip(names)
        .zip(captions)
        .map(|((p, file), caption)| html::Figure {
            file,
            width: p.width,
            height: p.height,
            caption,
        })
        .collect();
    let article = pages.article(&html::Article {
        title,
        paragraphs: draft.paragraphs,
        figures: &figures,
    })?;
    write(&out.join("article.html"), article.as_bytes())?;
    write(
        &out.join(INPUTS_FILE),
        format!("{}\n", draft.inputs).as_bytes(),
    )?;
    swap_in(out, folder)?;
    Ok(chosen.len())
}

/// The headline and the paragraphs of the article from the summary: its
/// content as [`doctext::clean`] leaves it, retold by [`publish`].
fn article_text(
    doc: &Document,
    speaker: &publish::Speaker,
    theme: &str,
    office: &str,
) -> (String, Vec<String>) {
    let cleaned = doctext::clean(doc, &[speaker.unit, office]);
    let title = publish::headline(cleaned.title.as_deref(), speaker.unit, theme);
    (title, publish::paragraphs(&cleaned.blocks, speaker))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::Block;

    fn doc(lines: &[&str]) -> Document {
        Document {
            title: None,
            blocks: lines
                .iter()
                .map(|t| Block::Paragraph {
                    text: t.to_string(),
                })
                .collect(),
            images: Vec::new(),
            char_count: 0,
        }
    }

    const POLICE: publish::Speaker = publish::Speaker {
        unit: "县公安局",
        place: Some("泸溪县"),
    };

    #[test]
    fn letterhead_addressee_signature_and_first_person_are_left_out() {
        let d = doc(&[
            "县公安局“经济犯罪宣传日”活动总结",
            "泸公发〔2025〕12号",
            "县政务公开办：",
            "为落实方案要求，我局组织开展了宣传活动，现将有关情况报告如下：",
            "活动中，我们向群众发放资料八百余份，下一步我们将继续做好宣传。",
            "县公安局",
            "2025年6月3日",
        ]);
        let (title, paras) = article_text(&d, &POLICE, "经济犯罪宣传日", "泸溪县行政审批服务局");
        assert_eq!(title, "县公安局“经济犯罪宣传日”活动");
        assert_eq!(
            paras,
            [
                "为落实方案要求，县公安局组织开展了宣传活动。",
                "活动中，县公安局向群众发放资料八百余份。"
            ]
        );
    }

    #[test]
    fn without_a_title_the_news_form() {
        let d = doc(&["为落实方案要求，县林业局组织开展了宣传活动。"]);
        let speaker = publish::Speaker {
            unit: "县林业局",
            place: None,
        };
        let (title, _) = article_text(&d, &speaker, "珍爱生命远离毒菇", "");
        assert_eq!(title, "县林业局开展珍爱生命远离毒菇活动");
    }
}
