//! Building the [`Report`] from an assessment: the one place where states
//! become the words and numbers leadership reads. Renderers only draw it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

use super::*;
use crate::assess::{ActivityStatus, Assessment, FileStatus, ItemStatus};
use crate::campaign::Campaign;
use crate::inspect::{Category, Content, Verdict};
use crate::intake::store::Store;

/// The zone label shown next to times: 北京时间 for China, else the offset.
pub fn zone_label(campaign: &Campaign) -> String {
    if campaign.file.campaign.timezone == "Asia/Shanghai" {
        "北京时间".to_string()
    } else {
        campaign.file.campaign.timezone.clone()
    }
}

/// The short text of a status cell: the state, how late, what is missing;
/// 免报 / 已取消 for an exempt item; （联合报送） for a joint entry's.
pub fn cell_text(item: &ItemStatus) -> String {
    let text = state_text(item);
    if item.joint_with.is_empty() || item.state == State::Exempt {
        text
    } else {
        format!("{text}（联合报送）")
    }
}

fn state_text(item: &ItemStatus) -> String {
    if let Some((label, _)) = &item.exemption {
        return label.clone();
    }
    match (item.state, item.late_workdays) {
        (State::Late, Some(0)) => "逾期报送（当日）".to_string(),
        (State::Late, Some(n)) => format!("逾期{n}个工作日报送"),
        (State::Overdue, Some(n)) if n > 0 => format!("逾期未报（{n}个工作日）"),
        (State::Incomplete, _) | (State::Invalid, _) => {
            format!("{}：{}", item.state.label(), item.detail)
        }
        (state, _) => state.label().to_string(),
    }
}

/// Builds the report of a batch run at `generated` with the assessment's clock.
pub fn build(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    generated: DateTime<FixedOffset>,
) -> Report {
    let tz = a.clock.timezone();
    let zone = zone_label(campaign);
    let fmt = |t: DateTime<FixedOffset>| format_time(t.with_timezone(&tz));
    let clock = a.clock;
    let deliverables: Vec<DeliverableHead> = campaign
        .deliverables
        .iter()
        .map(|d| DeliverableHead {
            id: d.id.clone(),
            name: d.name.clone(),
        })
        .collect();

    let count_states = |states: &mut dyn Iterator<Item = State>| -> Vec<StateCount> {
        let mut counts: BTreeMap<State, usize> = BTreeMap::new();
        for s in states {
            *counts.entry(s).or_default() += 1;
        }
        State::ALL
            .iter()
            // 免报 is shown only in campaigns that have exemptions.
            .filter(|s| **s != State::Exempt || counts.contains_key(s))
            .map(|s| StateCount {
                state: *s,
                label: s.label().to_string(),
                count: counts.get(s).copied().unwrap_or(0),
            })
            .collect()
    };
    let mut months: BTreeMap<(i32, u32), Vec<State>> = BTreeMap::new();
    for st in &a.activities {
        if let Some(t) = &campaign.activities[st.activity].time {
            months
                .entry((t.end.year(), t.end.month()))
                .or_default()
                .push(st.overall);
        }
    }
    let overview = Overview {
        units: campaign.roster.units.len(),
        activities: a.activities.len(),
        by_state: count_states(&mut a.activities.iter().map(|s| s.overall)),
        by_month: months
            .into_iter()
            .map(|((_, m), states)| MonthCounts {
                month: format!("{m}月"),
                counts: count_states(&mut states.into_iter()),
            })
            .collect(),
    };

    let rows = a
        .activities
        .iter()
        .map(|st| {
            let act = &campaign.activities[st.activity];
            let cells = campaign
                .deliverables
                .iter()
                .enumerate()
                .map(
                    |(di, _)| match st.items.iter().find(|i| i.deliverable == di) {
                        None => StatusCell {
                            state: None,
                            text: "不适用".to_string(),
                            due: None,
                            arrived: None,
                            late_workdays: None,
                        },
                        Some(item) => StatusCell {
                            state: Some(item.state),
                            text: cell_text(item),
                            due: item.due.map(fmt),
                            arrived: item.completed.map(fmt),
                            late_workdays: item.late_workdays.filter(|_| item.state == State::Late),
                        },
                    },
                )
                .collect();
            StatusRow {
                seq: act.seq.clone(),
                unit: campaign.roster.units[act.unit].name.clone(),
                theme: act.theme.clone(),
                time: act.time_text.clone(),
                cells,
                overall: st.overall,
            }
        })
        .collect();

    let summaries = summary_deliverables(campaign);
    let mut units: Vec<UnitSection> = Vec::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let unit_name = &campaign.roster.units[act.unit].name;
        let files: Vec<&FileStatus> = a
            .files
            .iter()
            .filter(|f| f.activity == Some(st.activity))
            .collect();
        let mut section = activity_section(store, act, st.overall, &files, &summaries, &fmt);
        section.notes.extend(item_notes(campaign, a, st));
        match units.iter_mut().find(|u| &u.unit == unit_name) {
            Some(u) => u.activities.push(section),
            None => units.push(UnitSection {
                unit: unit_name.clone(),
                activities: vec![section],
            }),
        }
    }

    let (unassigned, unclassified, invalid) = file_lines(campaign, a);
    let appendix = Appendix {
        unassigned,
        unclassified,
        invalid,
        questions: a.questions.iter().chain(&a.warnings).cloned().collect(),
    };

    let local = clock.with_timezone(&tz);
    Report {
        title: campaign.file.campaign.title.clone(),
        office: campaign.file.campaign.office.clone(),
        generated_at: format!("{}（{zone}）", fmt(generated)),
        as_of: format!(
            "截至{}年{}月{}日{}时",
            local.year(),
            local.month(),
            local.day(),
            local.hour()
        ),
        deliverables,
        overview,
        rows,
        units,
        appendix,
    }
}

/// The deliverables whose documents the report prints as the activity's
/// summary: those named 总结 when the campaign asks for other documents
/// too (建昌's 访谈稿件 is not a summary), else every one.
fn summary_deliverables(campaign: &Campaign) -> Vec<usize> {
    let named: Vec<usize> = (0..campaign.deliverables.len())
        .filter(|&d| campaign.deliverables[d].name.contains("总结"))
        .collect();
    if named.is_empty() {
        (0..campaign.deliverables.len()).collect()
    } else {
        named
    }
}

fn activity_section(
    store: &Store,
    act: &crate::campaign::Activity,
    overall: State,
    files: &[&FileStatus],
    summaries: &[usize],
    fmt: &dyn Fn(DateTime<FixedOffset>) -> String,
) -> ActivitySection {
    let latest = |cat: Category| {
        files
            .iter()
            .filter(|f| f.counted && f.inspection.kind.category() == cat)
            .filter(|f| {
                cat != Category::Document || f.deliverable.is_some_and(|d| summaries.contains(&d))
            })
            .max_by_key(|f| f.arrived)
    };
    let summary = latest(Category::Document).and_then(|f| match &f.inspection.content {
        Content::Document(d) => Some(Summary {
            file_name: f.name(),
            title: d.title.clone(),
            blocks: d.blocks.clone(),
        }),
        _ => None,
    });
    let schedule = latest(Category::Spreadsheet).and_then(|f| match &f.inspection.content {
        Content::Spreadsheet(w) => w.sheets.first().cloned(),
        _ => None,
    });
    let mut photos: Vec<&&FileStatus> = files
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
            // A photo pasted into the summary is named as such.
            let name = if f.embedded {
                format!("总结内插图 {}", f.name())
            } else {
                f.name()
            };
            jpeg.exists().then(|| PhotoItem {
                jpeg,
                width: p.width,
                height: p.height,
                caption: match p.taken {
                    Some(t) => format!("{name} · {}", t.format("%Y-%m-%d %H:%M")),
                    None => name,
                },
            })
        })
        .collect();
    let videos = files
        .iter()
        .filter(|f| f.inspection.kind.category() == Category::Video)
        .map(|f| {
            let dur = match &f.inspection.content {
                Content::Video(v) => v
                    .duration_secs
                    .map(|s| format!("，{}分{}秒", (s as u64) / 60, (s as u64) % 60))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            format!("{}（{:.1} MB{dur}）", f.name(), f.size as f64 / 1_048_576.0)
        })
        .collect();
    let mut notes: Vec<String> = files
        .iter()
        .flat_map(|f| {
            f.flags
                .iter()
                .map(move |fl| format!("{}：{}", f.name(), super::printable(fl)))
        })
        .collect();
    for f in files.iter().filter(|f| f.versions > 1) {
        notes.push(format!(
            "{}：已重新报送（共{}版，以{}送达的最新版为准）",
            f.name(),
            f.versions,
            fmt(f.arrived)
        ));
    }
    for f in files.iter().filter(|f| f.gone) {
        notes.push(format!("{}：已从收件箱删除，不再计入", f.name()));
    }
    ActivitySection {
        theme: act.theme.clone(),
        time: act.time_text.clone(),
        place: act.place.clone(),
        overall,
        summary,
        schedule,
        photos,
        videos,
        notes,
    }
}

/// What the report says of an activity's items beyond their state: who
/// filed a joint entry's files, and why an item is exempt.
fn item_notes(campaign: &Campaign, a: &Assessment, st: &ActivityStatus) -> Vec<String> {
    let mut notes = Vec::new();
    for item in &st.items {
        let d = &campaign.deliverables[item.deliverable];
        if let Some((label, reason)) = &item.exemption {
            notes.push(format!("{}：{label}（{reason}）", d.name));
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

/// The files the office must look at, for the report's appendix and the
/// status: those of no unit (and why), those of a unit that fit no
/// deliverable, and rejected ones with the reason.
pub fn file_lines(
    campaign: &Campaign,
    a: &Assessment,
) -> (Vec<FileLine>, Vec<FileLine>, Vec<FileLine>) {
    let line = |f: &FileStatus, reason: String| FileLine {
        path: super::printable(&f.path),
        unit: f.unit.map(|u| campaign.roster.units[u].name.clone()),
        reason: super::printable(&reason),
    };
    let unassigned = a
        .files
        .iter()
        .filter(|f| f.unassigned())
        .map(|f| line(f, f.unit_note.clone()))
        .collect();
    let unclassified = a
        .files
        .iter()
        .filter(|f| f.unit.is_some() && f.deliverable.is_none() && !f.embedded)
        .map(|f| line(f, f.flags.join("；")))
        .collect();
    let invalid = a
        .files
        .iter()
        .filter(|f| f.inspection.verdict == Verdict::Reject)
        .map(|f| line(f, f.inspection.reason.clone().unwrap_or_default()))
        .collect();
    (unassigned, unclassified, invalid)
}
