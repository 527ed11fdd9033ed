//! The portal 专栏 drafts: for each activity whose summary has been
//! accepted, a web article the office pastes into the government portal's
//! column — `out/<id>/portal/<序号>-<单位>/article.html` with its photos
//! beside it — and `out/<id>/portal/index.html` listing every draft with
//! its state (新 / 自昨晚以来有变化 / 未变).
//!
//! The article is the summary's own title (else "县X局开展Y活动"), its
//! paragraphs without the template's placeholder text or the unit's
//! letterhead, and 2–4 photos chosen by [`photos`]. A draft is written
//! again only when what it is made from changes: the hash of its inputs is
//! kept in the draft's folder (`.inputs`).

mod html;
mod photos;

use std::path::{Path, PathBuf};

use crate::assess::{Assessment, FileAssessment};
use crate::campaign::Campaign;
use crate::inspect::{Block, Content, Document, Limits, PLACEHOLDERS, Verdict};
use crate::model::ENTRY_SEP;
use crate::model::State;
use crate::names;
use crate::store::Store;

pub use photos::{MAX_PHOTOS, MIN_PHOTOS, WEB_WIDTH};

/// Bumped when the drafts' layout changes, so every draft is made again.
const FORMAT: &str = "portal-2";
/// The file in a draft's folder holding the hash of its inputs.
const INPUTS_FILE: &str = ".inputs";

/// A draft that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("无法写入网站稿件 {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

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
        let (title, paragraphs) =
            article_text(doc, unit, &act.theme, &campaign.file.campaign.office);
        // The activity's photos and those pasted into the summary.
        let inside = format!("{}{ENTRY_SEP}", summary_file.path);
        let mut photo_files: Vec<&FileAssessment> = files()
            .chain(a.files.iter().filter(|f| f.path.starts_with(&inside)))
            .filter(|f| usable_photo(f))
            .collect();
        // A photo pasted in the summary may also count as a photo sent.
        photo_files.sort_by(|x, y| x.hash.cmp(&y.hash));
        photo_files.dedup_by(|x, y| x.hash == y.hash);

        let folder = names::component(&format!("{}-{unit}", act.seq));
        let out = root.join(&folder);
        let inputs = inputs_hash(&title, &paragraphs, &photo_files);
        let before = std::fs::read_to_string(out.join(INPUTS_FILE)).ok();
        let (state, photos) = match before {
            Some(b) if b.trim() == inputs => (DraftState::Unchanged, count_photos(&out)),
            b => {
                let n = write_draft(
                    &out,
                    store,
                    limits,
                    &title,
                    &paragraphs,
                    &photo_files,
                    &inputs,
                )?;
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
    let listed: Vec<(String, &Draft)> = drafts
        .iter()
        .map(|d| (format!("{}/article.html", d.folder), d))
        .collect();
    let index = html::index(
        &campaign.file.campaign.title,
        &crate::report::format_time(a.clock),
        &listed
            .iter()
            .map(|(href, d)| html::Listed {
                href,
                seq: &d.seq,
                unit: &d.unit,
                title: &d.title,
                photos: d.photos,
                state: d.state.label(),
            })
            .collect::<Vec<_>>(),
    );
    write(&root.join("index.html"), index.as_bytes())?;
    Ok(drafts)
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
fn inputs_hash(title: &str, paragraphs: &[String], photos: &[&FileAssessment]) -> String {
    let mut h = blake3::Hasher::new();
    for part in [FORMAT, title]
        .into_iter()
        .chain(paragraphs.iter().map(String::as_str))
        .chain(photos.iter().map(|f| f.hash.as_str()))
    {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex().to_string()
}

fn write_draft(
    out: &Path,
    store: &Store,
    limits: &Limits,
    title: &str,
    paragraphs: &[String],
    photo_files: &[&FileAssessment],
    inputs: &str,
) -> Result<usize, PortalError> {
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
                print: std::fs::read(store.derived_path(&f.hash)).ok(),
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
    for (photo, name) in chosen.iter().zip(&names) {
        write(&out.join(name), &photo.jpeg)?;
    }
    for n in chosen.len() + 1..=MAX_PHOTOS {
        let _ = std::fs::remove_file(out.join(photo_name(n)));
    }
    let figures: Vec<html::Figure> = chosen
        .iter()
        .zip(&names)
        .zip(&captions)
        .map(|((p, file), caption)| html::Figure {
            file,
            width: p.width,
            height: p.height,
            caption,
        })
        .collect();
    write(
        &out.join("article.html"),
        html::article(title, paragraphs, &figures).as_bytes(),
    )?;
    // Last: a crash before it leaves the draft to be made again.
    write(&out.join(INPUTS_FILE), format!("{inputs}\n").as_bytes())?;
    Ok(chosen.len())
}

/// The title and the paragraphs of the article from the summary.
fn article_text(doc: &Document, unit: &str, theme: &str, office: &str) -> (String, Vec<String>) {
    let mut texts: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text } => {
                Some(text.trim().to_string())
            }
            Block::Table { .. } => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    // The summary's own title: the document's, else a short first line
    // without a full stop ("县X局“Y”活动总结"), said as news says it.
    let own = doc.title.clone().or_else(|| {
        texts
            .first()
            .filter(|t| t.chars().count() <= 40 && !t.contains('。'))
            .cloned()
    });
    if let Some(t) = &own {
        texts.retain(|p| p != t);
    }
    let title = match own {
        Some(t) => {
            let news = t
                .trim_end_matches("总结")
                .trim_end_matches("情况")
                .trim_end_matches("工作");
            if news.is_empty() {
                t.clone()
            } else {
                news.to_string()
            }
        }
        None if theme.ends_with("活动") => format!("{unit}开展{theme}"),
        None => format!("{unit}开展{theme}活动"),
    };
    let paragraphs = texts
        .into_iter()
        .filter(|p| !PLACEHOLDERS.iter().any(|ph| p.contains(ph)))
        .filter(|p| !letterhead(p, unit, office))
        .map(|p| without_report_phrase(&p))
        .filter(|p| !p.is_empty())
        .collect();
    (title, paragraphs)
}

/// A paragraph without the report's "现将…总结如下" ending, which a news
/// article does not say: "……代表参加，现将活动情况总结如下。" → "……代表参加。"
fn without_report_phrase(p: &str) -> String {
    match p.rfind("现将") {
        Some(i) if p[i..].trim_end_matches(['。', '：', ':']).ends_with("如下") => {
            let head = p[..i].trim_end_matches(['，', ',', '；', ' ']);
            if head.is_empty() {
                String::new()
            } else if head.ends_with('。') {
                head.to_string()
            } else {
                format!("{head}。")
            }
        }
        _ => p.to_string(),
    }
}

/// A line of the unit's letterhead or signature rather than of the story:
/// the unit's or office's name alone (also "…文件"), a document number
/// ("泸公发〔2025〕12号"), a date alone, 抄送/附件/联系人 lines.
fn letterhead(p: &str, unit: &str, office: &str) -> bool {
    let compact: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    let bare = compact
        .trim_end_matches("文件")
        .trim_end_matches("（盖章）");
    let is_date = {
        let t = compact.trim_end_matches(['。', '.']);
        t.ends_with('日')
            && t.contains('年')
            && t.contains('月')
            && t.chars()
                .all(|c| c.is_ascii_digit() || "年月日〇零一二三四五六七八九十".contains(c))
    };
    bare == unit
        || bare == office
        || (compact.contains('〔')
            && compact.contains('〕')
            && compact.ends_with('号')
            && compact.chars().count() < 30)
        || is_date
        || ["抄送", "附件：", "附件:", "联系人：", "联系人:", "联系电话"]
            .iter()
            .any(|s| compact.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn letterhead_and_template_text_are_left_out() {
        let d = doc(&[
            "县公安局“经济犯罪宣传日”活动总结",
            "泸公发〔2025〕12号",
            "为落实方案要求，县公安局组织开展了宣传活动，现将有关情况报告如下：",
            "（此处填写活动成效）",
            "县公安局",
            "2025年6月3日",
        ]);
        let (title, paras) = article_text(&d, "县公安局", "经济犯罪宣传日", "泸溪县行政审批服务局");
        assert_eq!(title, "县公安局“经济犯罪宣传日”活动");
        assert_eq!(paras, ["为落实方案要求，县公安局组织开展了宣传活动。"]);
    }

    #[test]
    fn without_a_title_the_news_form() {
        let d = doc(&["为落实方案要求，县林业局组织开展了宣传活动。"]);
        let (title, _) = article_text(&d, "县林业局", "珍爱生命远离毒菇", "");
        assert_eq!(title, "县林业局开展珍爱生命远离毒菇活动");
    }
}
