//! Step 2, which deliverable and which activity a unit's file counts
//! toward.
//!
//! A deliverable is chosen among those that apply to the unit and accept
//! the file's family; when several do, keywords in the path or the
//! document's title decide (总结 vs 访谈). A unit with several activities
//! (县公安局 has three) gets the file attributed by words of the activity's
//! theme in the path or title, then by a month named in the path, then by
//! a date in the file (photo taken, schedule dates), and last by arrival:
//! the latest activity that had begun when the file arrived.

use chrono::{Datelike, NaiveDate};

use super::{FileAssessment, Flag};
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

/// How an activity was picked for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityBasis {
    Only,
    Theme,
    Month,
    Date,
    Arrival,
}

/// Places a file of a unit: its deliverable and its activity, among the
/// unit's activities that owe that deliverable (`owed`: per activity, the
/// deliverables it owes). Flags a file no deliverable takes (unless it is a
/// picture inside a document), one several could take, and one placed only
/// by its arrival.
pub(super) fn place(campaign: &Campaign, owed: &[Vec<usize>], f: &mut FileAssessment) {
    let Some(unit) = f.unit else { return };
    // The office's choice (`assign --deliverable`) stands.
    let choice = match f.deliverable {
        Some(d) => Choice::Deliverable(d),
        None => deliverable(campaign, unit, &f.path, &f.inspection),
    };
    match choice {
        Choice::Deliverable(d) => f.deliverable = Some(d),
        Choice::NoneAccepts if f.embedded => {}
        Choice::NoneAccepts => f.flags.push(Flag::FitsNoDeliverable {
            kind: f.inspection.kind,
        }),
        Choice::Undecided(deliverables) => f.flags.push(Flag::Undecided { deliverables }),
    }
    // Among the unit's activities that owe this file's deliverable (or owe
    // anything, for a file of no deliverable); all of them if none does.
    let owes = |ai: usize| match f.deliverable {
        Some(d) => owed[ai].contains(&d),
        None => !owed[ai].is_empty(),
    };
    let mine: Vec<usize> = (0..campaign.activities.len())
        .filter(|&ai| campaign.activities[ai].unit == unit)
        .collect();
    let owing: Vec<usize> = mine.iter().copied().filter(|&ai| owes(ai)).collect();
    let candidates = if owing.is_empty() { mine } else { owing };
    let dates = file_dates(&f.inspection);
    let arrived = f.arrived.date_naive();
    if let Some((a, basis)) = activity(campaign, &candidates, f, &dates, arrived) {
        f.activity = Some(a);
        if basis == ActivityBasis::Arrival {
            f.flags.push(Flag::PlacedByArrival { activity: a });
        }
    }
}

/// The document title, when the file has one.
pub fn title_of(inspection: &Inspection) -> Option<&str> {
    match &inspection.content {
        Content::Document(d) => d.title.as_deref(),
        _ => None,
    }
}

/// The path and the document's title: where the words that place a file
/// are looked for.
fn words_of(path: &str, inspection: &Inspection) -> String {
    format!("{path} {}", title_of(inspection).unwrap_or_default())
}

/// Dates a file states about the activity (photo taken, schedule dates).
fn file_dates(inspection: &Inspection) -> Vec<NaiveDate> {
    match &inspection.content {
        Content::Photo(p) => p.taken.map(|t| t.date()).into_iter().collect(),
        Content::Spreadsheet(w) => w
            .activity_dates
            .map(|(a, b)| vec![a, b])
            .unwrap_or_default(),
        _ => Vec::new(),
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
    if let [one] = candidates.as_slice() {
        return Choice::Deliverable(*one);
    }
    if candidates.is_empty() {
        return Choice::NoneAccepts;
    }
    let named_in = |text: &str| -> Vec<usize> {
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                campaign.deliverables[i]
                    .keywords
                    .iter()
                    .any(|k| text.contains(k.as_str()))
            })
            .collect()
    };
    // The file's own name and title first: an attachment named 访谈稿 is
    // the interview even when its e-mail's name or folder names both the
    // interview and the summary. Those decide only what it leaves open.
    // Entries are "container!/name": the last '/' ends the container too.
    let own_name = path.rsplit('/').next().unwrap_or(path);
    let mut hits = named_in(&words_of(own_name, inspection));
    if hits.is_empty() {
        hits = named_in(&words_of(path, inspection));
    }
    let plain = |i: &usize| campaign.deliverables[*i].keywords.is_empty();
    let plains: Vec<usize> = candidates.iter().copied().filter(plain).collect();
    match (hits.as_slice(), plains.as_slice()) {
        ([one], _) | ([], [one]) => Choice::Deliverable(*one),
        _ => Choice::Undecided(candidates),
    }
}

/// Picks the activity a file of a unit belongs to, among `candidates`
/// (indexes of the unit's activities that owe the file's deliverable):
/// the only one, else by theme, month, date and last arrival. `dates` are
/// dates the file states (photo taken, schedule dates); `arrived` its
/// arrival date.
fn activity(
    campaign: &Campaign,
    candidates: &[usize],
    f: &FileAssessment,
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
    let text = words_of(&f.path, &f.inspection);
    by_theme(&mine, &text)
        .map(|i| (i, ActivityBasis::Theme))
        .or_else(|| by_month(&mine, &text).map(|i| (i, ActivityBasis::Month)))
        .or_else(|| by_date(&mine, dates).map(|i| (i, ActivityBasis::Date)))
        .or_else(|| Some((by_arrival(&mine, arrived), ActivityBasis::Arrival)))
}

/// The one element of `hits`, if there is exactly one.
fn unique(hits: impl Iterator<Item = usize>) -> Option<usize> {
    let hits: Vec<usize> = hits.collect();
    match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The one activity with a word of its theme, shared by no other activity
/// of the unit, in `text`.
fn by_theme(mine: &[(usize, &Activity)], text: &str) -> Option<usize> {
    unique(
        mine.iter()
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
            .map(|(i, _)| *i),
    )
}

/// The one activity in the one month `text` names ("5月", not "15月").
fn by_month(mine: &[(usize, &Activity)], text: &str) -> Option<usize> {
    let months: Vec<u32> = (1..=12)
        .filter(|m| text.contains(&format!("{m}月")) && !text.contains(&format!("1{m}月")))
        .collect();
    let [m] = months.as_slice() else { return None };
    unique(
        mine.iter()
            .filter(|(_, a)| {
                a.time
                    .as_ref()
                    .is_some_and(|t| t.start.month() <= *m && *m <= t.end.month())
            })
            .map(|(i, _)| *i),
    )
}

/// The one activity whose days cover a date of the file (the first date
/// that picks one).
fn by_date(mine: &[(usize, &Activity)], dates: &[NaiveDate]) -> Option<usize> {
    let covers =
        |a: &Activity, d: NaiveDate| a.time.as_ref().is_some_and(|t| t.start <= d && d <= t.end);
    dates
        .iter()
        .find_map(|d| unique(mine.iter().filter(|(_, a)| covers(a, *d)).map(|(i, _)| *i)))
}

/// The latest activity that had begun when the file arrived, else the
/// first.
fn by_arrival(mine: &[(usize, &Activity)], arrived: NaiveDate) -> usize {
    mine.iter()
        .filter(|(_, a)| a.time.as_ref().is_some_and(|t| t.start <= arrived))
        .max_by_key(|(_, a)| a.time.as_ref().map(|t| t.start))
        .unwrap_or(&mine[0])
        .0
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::{files::identify_files, items::owed};
    use crate::campaign::testing::{arrived, campaign, document, photo, photo_with, version};
    use crate::inspect::FileKind;
    use crate::model::ENTRY_SEP;
    use crate::store::StoredVersion;

    /// The files of `versions`, each placed.
    fn placed(c: &Campaign, versions: &[StoredVersion]) -> Vec<FileAssessment> {
        let owed = owed(c);
        let mut files = identify_files(&c.roster, versions, &Default::default());
        for f in files.iter_mut() {
            place(c, &owed, f);
        }
        files
    }

    #[test]
    fn keywords_choose_between_deliverables_and_none_is_flagged_undecided() {
        let c = campaign();
        let files = placed(
            &c,
            &[
                version(1, "县公安局/访谈稿.docx", document("法治宣传访谈")),
                version(2, "县公安局/材料.docx", document("发言材料")),
                version(3, "县林业局/材料.docx", document("发言材料")),
            ],
        );
        let file = |path: &str| files.iter().find(|f| f.path == path).unwrap();
        assert_eq!(file("县公安局/访谈稿.docx").deliverable, Some(2));
        let undecided = file("县公安局/材料.docx");
        assert_eq!(undecided.deliverable, None);
        assert_eq!(
            undecided.flags[0],
            Flag::Undecided {
                deliverables: vec![0, 2]
            }
        );
        // 县林业局 owes one document: no keyword needed.
        let forestry = file("县林业局/材料.docx");
        assert_eq!(
            (forestry.deliverable, forestry.activity),
            (Some(0), Some(2))
        );
        assert!(forestry.flags.is_empty());
    }

    #[test]
    fn each_attachment_is_placed_by_its_own_name_before_its_e_mails() {
        let c = campaign();
        // The saved e-mail's name (its subject) names both deliverables.
        let mail = "邮件/县公安局访谈稿件和活动总结.eml";
        let files = placed(
            &c,
            &[
                version(1, &format!("{mail}{ENTRY_SEP}访谈稿.docx"), document("")),
                version(
                    2,
                    &format!("{mail}{ENTRY_SEP}县公安局活动总结.docx"),
                    document(""),
                ),
                version(3, &format!("{mail}{ENTRY_SEP}材料.docx"), document("")),
            ],
        );
        // (deliverable, the deliverables it was undecided between)
        let placed_as = |name: &str| {
            let f = files.iter().find(|f| f.path.ends_with(name)).unwrap();
            let undecided = f.flags.iter().find_map(|fl| match fl {
                Flag::Undecided { deliverables } => Some(deliverables.clone()),
                _ => None,
            });
            (f.deliverable, undecided)
        };
        assert_eq!(placed_as("访谈稿.docx"), (Some(2), None));
        assert_eq!(placed_as("县公安局活动总结.docx"), (Some(0), None));
        // Its own name says nothing: the e-mail's names both, still open.
        assert_eq!(placed_as("材料.docx"), (None, Some(vec![0, 2])));
    }

    #[test]
    fn a_file_no_deliverable_takes_is_flagged_unless_pasted_into_a_document() {
        let c = campaign();
        let mut pasted = version(2, "县林业局/总结.docx!/word/media/1.xlsx", photo(1, 1));
        pasted.inspection.kind = FileKind::Xlsx;
        let mut sheet = version(3, "县林业局/表.xlsx", photo(1, 1));
        sheet.inspection.kind = FileKind::Xlsx;
        let files = placed(
            &c,
            &[
                version(1, "县林业局/总结.docx", document("总结")),
                pasted,
                sheet,
            ],
        );
        let flags = |path: &str| &files.iter().find(|f| f.path == path).unwrap().flags;
        assert!(flags("县林业局/总结.docx!/word/media/1.xlsx").is_empty());
        assert_eq!(
            flags("县林业局/表.xlsx"),
            &[Flag::FitsNoDeliverable {
                kind: FileKind::Xlsx
            }]
        );
    }

    #[test]
    fn an_activity_by_theme_month_date_and_last_arrival() {
        let c = campaign();
        let taken = |m, d| {
            photo_with(move |p| {
                p.taken = NaiveDate::from_ymd_opt(2025, m, d).and_then(|d| d.and_hms_opt(9, 0, 0))
            })
        };
        let files = placed(
            &c,
            &[
                version(1, "县公安局/禁毒照片.jpg", photo(1600, 1200)),
                version(2, "县公安局/5月照片.jpg", photo(1600, 1200)),
                version(3, "县公安局/a.jpg", taken(6, 10)),
                arrived(
                    version(4, "县公安局/b.jpg", photo(1600, 1200)),
                    "2025-06-11T09:00",
                ),
                arrived(
                    version(5, "县公安局/c.jpg", photo(1600, 1200)),
                    "2025-05-01T09:00",
                ),
                version(6, "县林业局/d.jpg", photo(1600, 1200)),
            ],
        );
        let at = |path: &str| {
            let f = files.iter().find(|f| f.path == path).unwrap();
            (f.activity, f.flags.clone())
        };
        assert_eq!(at("县公安局/禁毒照片.jpg"), (Some(1), vec![]));
        assert_eq!(at("县公安局/5月照片.jpg"), (Some(0), vec![]));
        assert_eq!(at("县公安局/a.jpg"), (Some(1), vec![]));
        let by_arrival = |a| (Some(a), vec![Flag::PlacedByArrival { activity: a }]);
        assert_eq!(at("县公安局/b.jpg"), by_arrival(1));
        // Before any activity began: the first.
        assert_eq!(at("县公安局/c.jpg"), by_arrival(0));
        assert_eq!(at("县林业局/d.jpg"), (Some(2), vec![]));
    }

    #[test]
    fn a_file_of_no_unit_is_not_placed() {
        let c = campaign();
        let files = placed(&c, &[version(1, "总结.docx", document("总结"))]);
        assert_eq!((files[0].deliverable, files[0].activity), (None, None));
        assert!(files[0].flags.is_empty());
    }
}
