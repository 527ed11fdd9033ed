//! Step 4, the item's state: per activity and deliverable it owes, the
//! files that count, the deadline, and the state at the clock.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use super::{ActivityAssessment, FileAssessment, ItemAssessment, Question};
use crate::campaign::Campaign;
use crate::campaign::calendar::{Calendar, Coverage};
use crate::campaign::config::Per;
use crate::campaign::deadline::last_day;
use crate::inspect::{Content, Verdict};
use crate::model::State;

/// The deliverables each activity owes, by index. Owed per activity: by
/// every activity the deliverable reaches. Owed per unit: by the unit's
/// first activity it reaches, which carries it in the tables.
pub(super) fn owed(campaign: &Campaign) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); campaign.activities.len()];
    for (di, d) in campaign.deliverables.iter().enumerate() {
        let mut carried: Vec<usize> = Vec::new();
        for (ai, a) in campaign.activities.iter().enumerate() {
            if !d.reaches(a) {
                continue;
            }
            match d.per {
                Per::Activity => out[ai].push(di),
                Per::Unit if !carried.contains(&a.unit) => {
                    carried.push(a.unit);
                    out[ai].push(di);
                }
                Per::Unit => {}
            }
        }
    }
    out
}

/// Every activity that owes something, with its items, and what the office
/// must be asked: deadlines that could not be computed, years the calendar
/// lacks. Marks the files that count.
pub(super) fn assess_activities(
    campaign: &Campaign,
    owed: &[Vec<usize>],
    files: &mut [FileAssessment],
    clock: DateTime<FixedOffset>,
) -> (Vec<ActivityAssessment>, Vec<Question>) {
    let mut activities = Vec::new();
    let mut questions = Vec::new();
    let mut guessed_years = BTreeSet::new();
    for (ai, activity) in campaign.activities.iter().enumerate() {
        let mut items = Vec::new();
        let mut undated = Vec::new();
        for &di in &owed[ai] {
            let (item, coverage) = assess_item(campaign, ai, di, files, clock);
            // An optional deliverable is owed by nobody: an item only once
            // something usable came for it.
            if campaign.deliverables[di].optional() && item.counted == 0 {
                continue;
            }
            if let (Some(due), Some(Coverage::Guessed)) = (item.due, coverage) {
                guessed_years.insert(due.year());
            }
            if item.exemption.is_none() && item.due.is_none() {
                undated.push(di);
            }
            items.push(item);
        }
        if !undated.is_empty() {
            questions.push(Question::NoDeadline {
                activity: ai,
                deliverables: undated,
            });
        }
        // A duty owed once per unit leaves the unit's other activities
        // owing nothing of their own.
        let Some(overall) = items.iter().map(|i| i.state).max() else {
            continue;
        };
        activities.push(ActivityAssessment {
            activity: ai,
            unit: activity.unit,
            items,
            overall,
        });
    }
    questions.extend(
        guessed_years
            .into_iter()
            .map(|year| Question::CalendarMissing { year }),
    );
    (activities, questions)
}

/// One deliverable `di` of activity `ai`: its files, deadline, state and
/// exemption; with whether the deadline rested on the official calendar.
fn assess_item(
    campaign: &Campaign,
    ai: usize,
    di: usize,
    files: &mut [FileAssessment],
    clock: DateTime<FixedOffset>,
) -> (ItemAssessment, Option<Coverage>) {
    let activity = &campaign.activities[ai];
    let deliverable = &campaign.deliverables[di];
    // A joint entry's files count for each of its units; a duty a unit
    // owes on its own, only its own files.
    let joint: Vec<usize> = match deliverable.per {
        Per::Activity => activity.joint.clone(),
        Per::Unit => Vec::new(),
    };
    let mine = item_files(files, ai, di, &joint);
    let due = campaign.due(deliverable, activity, activity_end(campaign, files, ai, di));
    let due_at = due.as_ref().map(|d| d.at.fixed_offset());
    let (counted, completed) = count(files, &mine, deliverable.min_count);
    let rejected = mine
        .iter()
        .any(|&i| files[i].inspection.verdict == Verdict::Reject);
    let exemption = campaign.exemption(deliverable, ai);
    let (state, late_workdays) = match exemption {
        Some(_) => (State::Exempt, None),
        // Whatever came for an optional deliverable is handed in, whenever.
        None if deliverable.optional() => (State::OnTime, None),
        None => decide(
            &campaign.calendar,
            completed,
            due_at,
            counted,
            rejected,
            clock,
        ),
    };
    let item = ItemAssessment {
        deliverable: di,
        state,
        due: due_at,
        completed,
        late_workdays,
        counted,
        needed: deliverable.min_count,
        files: mine,
        joint_with: joint.iter().map(|&a| campaign.activities[a].unit).collect(),
        exemption,
    };
    (item, due.map(|d| d.coverage))
}

/// The files sent for deliverable `di` of activity `ai` (or of the other
/// activities of its joint entry) that are still in the inbox.
fn item_files(files: &[FileAssessment], ai: usize, di: usize, joint: &[usize]) -> Vec<usize> {
    files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.deliverable == Some(di)
                && !f.gone
                && f.activity.is_some_and(|a| a == ai || joint.contains(&a))
        })
        .map(|(i, _)| i)
        .collect()
}

/// When activity `ai` ended, for deliverable `di`'s deadline: the unit's
/// own schedule, whatever deliverable it was sent for, says when the
/// activity really ended; a duty owed once per unit is due after the last
/// of the unit's activities it reaches. None: the schedule's own end.
fn activity_end(
    campaign: &Campaign,
    files: &[FileAssessment],
    ai: usize,
    di: usize,
) -> Option<NaiveDate> {
    let schedule_end = files
        .iter()
        .filter(|f| f.activity == Some(ai) && !f.gone && f.inspection.verdict != Verdict::Reject)
        .filter_map(|f| match &f.inspection.content {
            Content::Spreadsheet(w) => w.activity_dates.map(|(_, end)| end),
            _ => None,
        })
        .max();
    let deliverable = &campaign.deliverables[di];
    match deliverable.per {
        Per::Activity => schedule_end,
        Per::Unit => campaign
            .activities
            .iter()
            .filter(|a| a.unit == campaign.activities[ai].unit && deliverable.reaches(a))
            .filter_map(|a| a.time.as_ref().map(|t| t.end))
            .chain(schedule_end)
            .max(),
    }
}

/// Whether a file counts toward its deliverable.
fn usable(f: &FileAssessment) -> bool {
    f.inspection.verdict != Verdict::Reject && !f.gone && !f.set_aside()
}

/// Marks the usable files among `mine` as counted; returns how many count
/// and when the deliverable became complete: when the `needed`-th of them
/// arrived, so a later correction of an on-time file does not make it late.
fn count(
    files: &mut [FileAssessment],
    mine: &[usize],
    needed: usize,
) -> (usize, Option<DateTime<FixedOffset>>) {
    let mut usable_files: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|&i| usable(&files[i]))
        .collect();
    usable_files.sort_by_key(|&i| files[i].arrived);
    for &i in &usable_files {
        files[i].counted = true;
    }
    // An optional deliverable (min_count = 0) is complete with its first file.
    let completed = usable_files
        .get(needed.saturating_sub(1))
        .map(|&i| files[i].arrived);
    (usable_files.len(), completed)
}

/// The state of an item that is not exempt, and the working days it is
/// late or overdue: complete before the deadline → on time, after it →
/// late; some files but too few → incomplete; only rejected files →
/// invalid; nothing → pending before the deadline (or when it is unknown),
/// overdue after it.
fn decide(
    calendar: &Calendar,
    completed: Option<DateTime<FixedOffset>>,
    due: Option<DateTime<FixedOffset>>,
    counted: usize,
    rejected: bool,
    clock: DateTime<FixedOffset>,
) -> (State, Option<i64>) {
    let late_by = |due: DateTime<FixedOffset>, day: NaiveDate| {
        Some(calendar.workdays_between(last_day(&due), day).0)
    };
    match (completed, due) {
        (Some(done), Some(due)) if done >= due => (State::Late, late_by(due, done.date_naive())),
        (Some(_), _) => (State::OnTime, None),
        (None, _) if counted > 0 => (State::Incomplete, None),
        (None, _) if rejected => (State::Invalid, None),
        (None, Some(due)) if clock >= due => (State::Overdue, late_by(due, clock.date_naive())),
        (None, _) => (State::Pending, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::{Assessment, Flag, assess};
    use crate::campaign::Exemption;
    use crate::campaign::testing::{at, campaign, document, photo, rejected, version};
    use crate::inspect::{FileKind, Workbook};

    /// `decide` at 13 June 20:00 for an item due 22 May 24:00.
    fn decided(
        completed: Option<&str>,
        due: Option<&str>,
        counted: usize,
        rejected: bool,
    ) -> (State, Option<i64>) {
        decide(
            &Calendar::builtin(),
            completed.map(at),
            due.map(at),
            counted,
            rejected,
            at("2025-06-13T20:00"),
        )
    }

    #[test]
    fn every_state_and_the_working_days_late() {
        let due = Some("2025-05-23T00:00");
        assert_eq!(
            decided(Some("2025-05-22T23:59"), due, 1, false),
            (State::OnTime, None)
        );
        // Friday 23 and Monday 26 May: two working days late.
        assert_eq!(
            decided(Some("2025-05-26T10:00"), due, 1, false),
            (State::Late, Some(2))
        );
        // After a 16:00 deadline, the same day: late, 0 working days.
        assert_eq!(
            decided(Some("2025-05-23T16:30"), Some("2025-05-23T16:00"), 1, false),
            (State::Late, Some(0))
        );
        assert_eq!(decided(None, due, 2, true), (State::Incomplete, None));
        assert_eq!(decided(None, due, 0, true), (State::Invalid, None));
        // 端午 (2 June) is not a working day: 15 of them since 22 May.
        assert_eq!(decided(None, due, 0, false), (State::Overdue, Some(15)));
        assert_eq!(
            decided(None, Some("2025-06-18T00:00"), 0, false),
            (State::Pending, None)
        );
        assert_eq!(decided(None, None, 0, false), (State::Pending, None));
        assert_eq!(
            decided(Some("2025-05-26T10:00"), None, 1, false),
            (State::OnTime, None)
        );
    }

    #[test]
    fn the_needed_file_that_arrived_last_completes_the_item() {
        let c = campaign();
        let mut versions: Vec<_> = [
            ("a", "2025-05-19"),
            ("b", "2025-05-17"),
            ("c", "2025-05-21"),
        ]
        .iter()
        .zip(1..)
        .map(|((name, day), id)| {
            crate::campaign::testing::arrived(
                version(id, &format!("县林业局/{name}.jpg"), photo(1600, 1200)),
                &format!("{day}T10:00"),
            )
        })
        .collect();
        versions.push(version(
            4,
            "县林业局/d.jpg",
            rejected(FileKind::Jpeg, "无法解码"),
        ));
        let mut gone = version(5, "县林业局/e.jpg", photo(1600, 1200));
        gone.gone = true;
        versions.push(gone);
        let a = assess(&c, &versions, &[], at("2025-06-13T20:00"));
        let item = &a.activities.iter().find(|s| s.activity == 2).unwrap().items[1];
        assert_eq!((item.counted, item.needed), (3, 3));
        assert_eq!(item.completed, Some(at("2025-05-21T10:00")));
        assert_eq!(item.state, State::OnTime);
        // The gone file is not the item's; the rejected one is, uncounted.
        assert_eq!(item.files.len(), 4);
        let counted: Vec<bool> = a.files.iter().map(|f| f.counted).collect();
        assert_eq!(counted, [true, true, true, false, false]);
    }

    #[test]
    fn an_unreadable_time_asks_for_a_deadline_an_exempt_item_does_not() {
        let mut c = campaign();
        c.exemptions.push(Exemption {
            unit: 2,
            activity: None,
            deliverable: Some("photos".into()),
            reason: "无需照片".into(),
        });
        let a = assess(&c, &[], &[], at("2025-06-13T20:00"));
        let st = a.activities.iter().find(|s| s.activity == 3).unwrap();
        assert_eq!(
            st.items.iter().map(|i| i.state).collect::<Vec<_>>(),
            [State::Pending, State::Exempt]
        );
        assert_eq!(st.items[1].exemption, Some(0));
        assert_eq!(st.overall, State::Pending);
        assert_eq!(
            a.questions,
            [Question::NoDeadline {
                activity: 3,
                deliverables: vec![0]
            }]
        );
    }

    #[test]
    fn an_optional_deliverable_is_never_owed_and_handed_in_whenever_it_comes() {
        let mut c = campaign();
        c.deliverables[1].min_count = 0;
        let photos = |a: &Assessment, activity: usize| -> Vec<State> {
            a.activities
                .iter()
                .find(|s| s.activity == activity)
                .unwrap()
                .items
                .iter()
                .filter(|i| i.deliverable == 1)
                .map(|i| i.state)
                .collect()
        };
        // Nothing came, long after its deadline: no item, nothing overdue.
        let a = assess(&c, &[], &[], at("2025-06-13T20:00"));
        assert!(photos(&a, 2).is_empty());
        // One photo, weeks after the deadline: handed in, not late.
        let late = crate::campaign::testing::arrived(
            version(1, "县林业局/a.jpg", photo(1600, 1200)),
            "2025-06-12T10:00",
        );
        let a = assess(&c, &[late], &[], at("2025-06-13T20:00"));
        assert_eq!(photos(&a, 2), [State::OnTime]);
    }

    #[test]
    fn a_year_the_calendar_lacks_is_asked_for_once() {
        let mut c = campaign();
        for a in c.activities.iter_mut().filter(|a| a.time.is_some()) {
            let t = a.time.as_mut().unwrap();
            t.start = t.start.with_year(2031).unwrap();
            t.end = t.end.with_year(2031).unwrap();
        }
        let a = assess(&c, &[], &[], at("2031-06-13T20:00"));
        let calendar: Vec<&Question> = a
            .questions
            .iter()
            .filter(|q| matches!(q, Question::CalendarMissing { .. }))
            .collect();
        assert_eq!(calendar, [&Question::CalendarMissing { year: 2031 }]);
    }

    #[test]
    fn owed_once_per_unit_is_carried_by_its_first_activity_and_due_after_its_last() {
        let mut c = campaign();
        c.deliverables[2].per = Per::Unit;
        let owed = owed(&c);
        assert_eq!(owed[0], [0, 1, 2]);
        assert_eq!(owed[1], [0, 1]);
        let a = assess(&c, &[], &[], at("2025-06-13T20:00"));
        let interview = &a.activities[0].items[2];
        // Five working days after 10 June, the unit's last activity.
        assert_eq!(interview.due, Some(at("2025-06-18T00:00")));
    }

    #[test]
    fn the_units_own_schedule_moves_the_deadline_and_a_joint_entry_counts_its_partners_files() {
        let mut c = campaign();
        c.activities[2].joint = vec![4];
        c.activities[4].joint = vec![2];
        let mut schedule = version(1, "县林业局/日程.xlsx", document("日程"));
        schedule.inspection.kind = FileKind::Xlsx;
        schedule.inspection.content = Content::Spreadsheet(Workbook {
            activity_dates: Some((
                NaiveDate::from_ymd_opt(2025, 5, 20).unwrap(),
                NaiveDate::from_ymd_opt(2025, 5, 30).unwrap(),
            )),
            ..Workbook::default()
        });
        let versions = [schedule, version(2, "州民政局/总结.docx", document("总结"))];
        let a = assess(&c, &versions, &[], at("2025-06-13T20:00"));
        let forestry = a.activities.iter().find(|s| s.activity == 2).unwrap();
        // Five working days after 30 May (2 June is 端午).
        assert_eq!(forestry.items[0].due, Some(at("2025-06-10T00:00")));
        assert_eq!(forestry.items[0].joint_with, [3]);
        assert_eq!(forestry.items[0].state, State::OnTime);
        assert_eq!(
            a.files[0].flags,
            [Flag::FitsNoDeliverable {
                kind: FileKind::Xlsx
            }]
        );
    }
}
