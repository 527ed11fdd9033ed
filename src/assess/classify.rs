//! Which deliverable and which activity a unit's file counts toward.
//!
//! A deliverable is chosen among those that apply to the unit and accept
//! the file's family; when several do, keywords in the path or the
//! document's title decide (总结 vs 访谈). A unit with several activities
//! (县公安局 has three) gets the file attributed by words of the activity's
//! theme in the path or title, then by a month named in the path, then by
//! a date in the file (photo taken, schedule dates), and last by arrival:
//! the latest activity that had begun when the file arrived.

use chrono::{Datelike, NaiveDate};

use crate::campaign::{Activity, Campaign};
use crate::inspect::{Content, Inspection};

/// A deliverable choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Deliverable(usize),
    /// No deliverable of the unit takes this kind of file.
    NoneAccepts,
    /// Several could take it and no keyword decided.
    Undecided(Vec<usize>),
}

/// The document title, when the file has one.
pub fn title_of(inspection: &Inspection) -> Option<&str> {
    match &inspection.content {
        Content::Document(d) => d.title.as_deref(),
        _ => None,
    }
}

/// Chooses the deliverable for a file of `unit`, among those the unit owes
/// that take the file's family.
pub fn deliverable(
    campaign: &Campaign,
    unit: usize,
    path: &str,
    inspection: &Inspection,
) -> Choice {
    let category = inspection.kind.category();
    let candidates: Vec<usize> = campaign
        .deliverables
        .iter()
        .enumerate()
        .filter(|(_, d)| d.units.contains(&unit) && d.accept.contains(&category))
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [] => Choice::NoneAccepts,
        [one] => Choice::Deliverable(*one),
        _ => {
            let text = format!("{path} {}", title_of(inspection).unwrap_or_default());
            let hits: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| {
                    campaign.deliverables[i]
                        .keywords
                        .iter()
                        .any(|k| text.contains(k.as_str()))
                })
                .collect();
            let plain: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| campaign.deliverables[i].keywords.is_empty())
                .collect();
            match (hits.as_slice(), plain.as_slice()) {
                ([one], _) => Choice::Deliverable(*one),
                ([], [one]) => Choice::Deliverable(*one),
                _ => Choice::Undecided(candidates),
            }
        }
    }
}

/// How an activity was picked for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityBasis {
    Only,
    Theme,
    Month,
    Date,
    Arrival,
}

/// Picks the activity a file of a unit belongs to, among `candidates`
/// (indexes of the unit's activities that owe the file's deliverable).
/// `dates` are dates the file states (photo taken, schedule dates);
/// `arrived` its arrival date.
pub fn activity(
    campaign: &Campaign,
    candidates: &[usize],
    path: &str,
    inspection: &Inspection,
    dates: &[NaiveDate],
    arrived: NaiveDate,
) -> Option<(usize, ActivityBasis)> {
    let mine: Vec<(usize, &Activity)> = candidates
        .iter()
        .map(|&i| (i, &campaign.activities[i]))
        .collect();
    if mine.len() <= 1 {
        return mine.first().map(|(i, _)| (*i, ActivityBasis::Only));
    }
    let text = format!("{path} {}", title_of(inspection).unwrap_or_default());
    let unique = |hits: Vec<usize>| match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    // Words of the theme no other activity of the unit shares.
    let hits = mine
        .iter()
        .filter(|(i, a)| {
            let others: Vec<&str> = mine
                .iter()
                .filter(|(j, _)| j != i)
                .map(|(_, o)| o.theme.as_str())
                .collect();
            pairs(&a.theme)
                .into_iter()
                .filter(|p| !others.iter().any(|o| o.contains(p.as_str())))
                .any(|p| text.contains(p.as_str()))
        })
        .map(|(i, _)| *i)
        .collect();
    if let Some(i) = unique(hits) {
        return Some((i, ActivityBasis::Theme));
    }
    let covers =
        |a: &Activity, d: NaiveDate| a.time.as_ref().is_some_and(|t| t.start <= d && d <= t.end);
    let months: Vec<u32> = (1..=12)
        .filter(|m| text.contains(&format!("{m}月")) && !text.contains(&format!("1{m}月")))
        .collect();
    if let [m] = months.as_slice() {
        let hits = mine
            .iter()
            .filter(|(_, a)| {
                a.time
                    .as_ref()
                    .is_some_and(|t| t.start.month() <= *m && *m <= t.end.month())
            })
            .map(|(i, _)| *i)
            .collect();
        if let Some(i) = unique(hits) {
            return Some((i, ActivityBasis::Month));
        }
    }
    for d in dates {
        let hits = mine
            .iter()
            .filter(|(_, a)| covers(a, *d))
            .map(|(i, _)| *i)
            .collect();
        if let Some(i) = unique(hits) {
            return Some((i, ActivityBasis::Date));
        }
    }
    let begun = mine
        .iter()
        .filter(|(_, a)| a.time.as_ref().is_some_and(|t| t.start <= arrived))
        .max_by_key(|(_, a)| a.time.as_ref().map(|t| t.start));
    Some((begun.unwrap_or(&mine[0]).0, ActivityBasis::Arrival))
}

/// Words every activity's files carry, which tell no theme apart.
const GENERIC: [&str; 10] = [
    "活动", "宣传", "主题", "开展", "工作", "总结", "照片", "材料", "报送", "情况",
];

/// The two-character windows of a theme, generic words left out.
fn pairs(theme: &str) -> Vec<String> {
    let chars: Vec<char> = theme.chars().filter(|c| c.is_alphanumeric()).collect();
    chars
        .windows(2)
        .filter(|w| w.iter().all(|c| !c.is_ascii_digit()))
        .map(|w| w.iter().collect::<String>())
        .filter(|p| !GENERIC.contains(&p.as_str()))
        .collect()
}
