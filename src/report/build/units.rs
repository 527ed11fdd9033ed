//! The units' material: per activity, the summary, schedule, photos and
//! videos the report prints, with the remarks leadership should read.

use super::*;
use crate::assess::ActivityAssessment;
use crate::doctext;
use crate::inspect::{Category, Content, Document};
use crate::model::ENTRY_SEP;
use crate::wording::{self, activity_reason};

impl ActivitySection {
    /// Whether the unit sent anything the report can show.
    pub fn has_material(&self) -> bool {
        self.summary.is_some()
            || self.schedule.is_some()
            || !self.photos.is_empty()
            || !self.videos.is_empty()
    }
}

/// The deliverables whose documents the report prints as the activity's
/// summary: those named 总结 when the campaign asks for other documents
/// too (建昌's 访谈稿件 is not a summary), else every one.
pub(super) fn summary_deliverables(campaign: &Campaign) -> Vec<usize> {
    let named: Vec<usize> = (0..campaign.deliverables.len())
        .filter(|&d| campaign.deliverables[d].name.contains("总结"))
        .collect();
    if named.is_empty() {
        (0..campaign.deliverables.len()).collect()
    } else {
        named
    }
}

pub(super) fn activity_section(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    st: &ActivityAssessment,
    files: &[&FileAssessment],
    summaries: &[usize],
    clock: &Clock,
) -> ActivitySection {
    let act = &campaign.activities[st.activity];
    let latest = |cat: Category| {
        files
            .iter()
            .filter(|f| f.counted && f.inspection.kind.category() == cat)
            .filter(|f| {
                cat != Category::Document || f.deliverable.is_some_and(|d| summaries.contains(&d))
            })
            .max_by_key(|f| f.arrived)
    };
    let unit = &campaign.roster.units[act.unit].name;
    let summary = latest(Category::Document).and_then(|f| match &f.inspection.content {
        Content::Document(d) => Some(summary(
            f.name(),
            d,
            &[unit.as_str(), &campaign.file.campaign.office],
        )),
        _ => None,
    });
    let schedule = latest(Category::Spreadsheet).and_then(|f| match &f.inspection.content {
        Content::Spreadsheet(w) => w.sheets.first().cloned(),
        _ => None,
    });
    let mut photos: Vec<&&FileAssessment> = files
        .iter()
        .filter(|f| f.counted && matches!(f.inspection.content, Content::Photo(_)))
        .collect();
    photos.sort_by_key(|f| (f.embedded, f.path.clone()));
    let photos = photos
        .into_iter()
        .filter_map(|f| {
            let Content::Photo(p) = &f.inspection.content else {
                return None;
            };
            let jpeg = store.derived_path(&f.hash);
            let original = store.blob_path(&f.hash);
            jpeg.exists().then(|| PhotoItem {
                original: original.is_file().then_some(original),
                jpeg,
                width: p.width,
                height: p.height,
                name: photo_name(a, f),
                taken: p.taken,
            })
        })
        .collect();
    let videos = files
        .iter()
        .filter(|f| f.inspection.kind.category() == Category::Video)
        .map(|f| video_item(store, f))
        .collect();
    // What leadership should know about the files shown: why a photo was
    // not counted, a resubmission. A photo pasted into the summary is part
    // of the summary and gets no remarks of its own; a file that left the
    // inbox is the office's business.
    let shown = files.iter().filter(|f| !f.embedded && !f.gone);
    let mut notes: Vec<String> = shown
        .clone()
        .flat_map(|f| {
            wording::flags(campaign, a, f)
                .into_iter()
                .map(move |fl| format!("{}：{fl}", f.name()))
        })
        .collect();
    notes.extend(item_notes(campaign, a, st));
    for f in shown.filter(|f| f.versions > 1) {
        notes.push(format!(
            "{}：已重新报送，以{}送达的版本为准",
            f.name(),
            clock.short(f.arrived)
        ));
    }
    ActivitySection {
        seq: act.seq.clone(),
        theme: act.theme.clone(),
        time: act.time_text.clone(),
        place: act.place.clone(),
        overall: st.overall,
        remark: activity_reason(campaign, a, st),
        summary,
        schedule,
        photos,
        videos,
        notes,
    }
}

/// A summary as the unit pages show it: its content without what is not
/// ([`doctext::clean`]; `names` are the unit's and the office's, which
/// stand alone in letterheads and signatures), cut to a faithful excerpt
/// of [`SUMMARY_EXCERPT_CHARS`] characters, the whole kept beside it.
fn summary(file_name: String, doc: &Document, names: &[&str]) -> Summary {
    let cleaned = doctext::clean(doc, names);
    let excerpt = doctext::excerpt(&cleaned.blocks, SUMMARY_EXCERPT_CHARS);
    Summary {
        file_name,
        title: cleaned.title,
        full: excerpt.cut.then_some(FullText {
            chars: excerpt.chars,
            blocks: cleaned.blocks,
        }),
        blocks: excerpt.blocks,
    }
}

/// A video by name, size and duration, with its poster when the inspect
/// stage made one.
pub(super) fn video_item(store: &Store, f: &FileAssessment) -> VideoItem {
    let video = match &f.inspection.content {
        Content::Video(v) => Some(v),
        _ => None,
    };
    let duration = video
        .and_then(|v| v.duration_secs)
        .map(|s| format!("，{}分{}秒", (s as u64) / 60, (s as u64) % 60))
        .unwrap_or_default();
    let label = format!(
        "{}（{:.1} MB{duration}）",
        f.name(),
        f.size as f64 / 1_048_576.0
    );
    let jpeg = store.derived_path(&f.hash);
    let original = store.blob_path(&f.hash);
    let poster = video.filter(|_| jpeg.exists()).map(|v| PhotoItem {
        jpeg,
        width: v.width,
        height: v.height,
        name: label.clone(),
        taken: None,
        original: original.is_file().then_some(original),
    });
    VideoItem {
        resolution: video
            .filter(|v| v.width > 0 && v.height > 0)
            .map(|v| format!("{}×{}", v.width, v.height)),
        codec: video
            .and_then(|v| v.codec.as_deref())
            .map(crate::inspect::codec_label),
        note: video.and_then(|v| v.note.clone()),
        poster,
        label,
    }
}

/// A photo as the unit knows it: its file name, or, pasted into a Word
/// summary, "《总结.docx》内插图2" (its place among the document's pictures).
pub(super) fn photo_name(a: &Assessment, f: &FileAssessment) -> String {
    let parent = f
        .path
        .rsplit_once(ENTRY_SEP)
        .and_then(|(container, entry)| {
            let doc = a.files.iter().find(|p| p.path == container)?;
            Some((doc, entry))
        })
        .filter(|_| f.embedded);
    let Some((doc, entry)) = parent else {
        return f.name();
    };
    let place = match &doc.inspection.content {
        Content::Document(d) => d.images.iter().position(|i| i.name == entry),
        _ => None,
    };
    match place {
        Some(n) => format!("《{}》内插图{}", doc.name(), n + 1),
        None => format!("《{}》内插图", doc.name()),
    }
}

/// What the report says of an activity's items beyond their state: who
/// filed a joint entry's files, and why an item is exempt.
pub(super) fn item_notes(
    campaign: &Campaign,
    a: &Assessment,
    st: &ActivityAssessment,
) -> Vec<String> {
    let mut notes = Vec::new();
    for item in &st.items {
        let d = &campaign.deliverables[item.deliverable];
        if let Some(e) = item.exemption.map(|e| &campaign.exemptions[e]) {
            let label = wording::exemption_label(e);
            notes.push(format!("{}：{label}（{}）", d.name, e.reason));
            continue;
        }
        if item.joint_with.is_empty() {
            continue;
        }
        let partners: Vec<&str> = item
            .joint_with
            .iter()
            .map(|&u| campaign.roster.units[u].name.as_str())
            .collect();
        let by: Vec<String> = item
            .files
            .iter()
            .map(|&i| &a.files[i])
            .filter(|f| f.counted)
            .map(|f| {
                let unit = f
                    .unit
                    .map_or("", |u| campaign.roster.units[u].name.as_str());
                format!("{unit}报送的{}", f.name())
            })
            .collect();
        notes.push(if by.is_empty() {
            format!(
                "{}：与{}联合报送，任一单位报送即可",
                d.name,
                partners.join("、")
            )
        } else {
            format!(
                "{}：与{}联合报送（{}）",
                d.name,
                partners.join("、"),
                by.join("、")
            )
        });
    }
    notes
}
