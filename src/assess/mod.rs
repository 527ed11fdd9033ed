//! Stage 4, assess: per unit, per activity and per deliverable, is it
//! complete, and on time, at the clock?
//!
//! Input is the campaign and every recorded version (from the ledger);
//! output is a plain [`Assessment`] of typed values: states, deadlines,
//! [`Flag`]s on files, [`Question`]s for the office. Nothing here reads the
//! inbox, writes anything or words anything ([`crate::wording`] does), so
//! an assessment can be recomputed for any clock.
//!
//! In four named steps, each in its own module:
//! 1. [`files`], which unit: the current files and the unit each is from;
//! 2. [`classify`], which deliverable and which activity each file is for;
//! 3. [`worth`], what each file is worth: the photos set aside, the
//!    documents titled for another unit;
//! 4. [`items`], the item's state, from the files that count and the
//!    deadline.
//!
//! The rules:
//! - a file counts when its latest version is not rejected and it is still
//!   in the inbox; photos also must not be flagged (too small, a screenshot,
//!   taken far from the activity, a near-duplicate of another photo of the
//!   unit); byte-identical files count once;
//! - a deliverable is complete when `min_count` files count; it was
//!   completed when the last of the first `min_count` of them arrived, so a
//!   later correction of an on-time file does not make it late;
//! - states: complete before the deadline → 按时报送, after → 逾期报送;
//!   some files but too few → 材料不全; only rejected files → 材料不合格;
//!   nothing → 待报送 before the deadline, 逾期未报 after it; 免报 or
//!   已取消 when the office exempted it.

mod classify;
mod files;
mod items;
mod types;
mod worth;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use crate::campaign::Campaign;
use crate::model::Assignment;
use crate::store::StoredVersion;

pub use files::current_versions;
pub use types::*;

/// Assesses the campaign at `clock` from the recorded versions and the
/// office's assignments of files to units.
pub fn assess(
    campaign: &Campaign,
    versions: &[StoredVersion],
    assigned: &[Assignment],
    clock: DateTime<FixedOffset>,
) -> Assessment {
    let owed = items::owed(campaign);
    let mut files =
        files::identify_files(&campaign.roster, versions, &decisions(campaign, assigned));
    for f in files.iter_mut() {
        classify::place(campaign, &owed, f);
    }
    worth::flag_photos(campaign, &mut files);
    worth::flag_foreign_titles(campaign, &mut files);
    worth::flag_unfilled_templates(campaign, &mut files);
    let (activities, questions) = items::assess_activities(campaign, &owed, &mut files, clock);
    Assessment {
        clock,
        activities,
        files,
        questions,
    }
}

/// The office's assignments by content hash: the unit and the deliverable
/// (when named), as indexes. One whose unit or deliverable the campaign no
/// longer has is left out: the file is then identified as any other.
fn decisions<'a>(
    campaign: &Campaign,
    assigned: &'a [Assignment],
) -> HashMap<&'a str, files::Decision> {
    assigned
        .iter()
        .filter_map(|a| {
            let unit = campaign.roster.by_name(&a.unit)?;
            let deliverable = match &a.deliverable {
                Some(id) => Some(campaign.deliverables.iter().position(|d| &d.id == id)?),
                None => None,
            };
            Some((a.hash.as_str(), files::Decision { unit, deliverable }))
        })
        .collect()
}

/// The test scenario ([`crate::campaign::testing::scenario`]) assessed at
/// its clock, for the unit tests of the stages that read an assessment.
#[cfg(test)]
pub fn scenario() -> (Campaign, Assessment) {
    use crate::campaign::testing::{self, SCENARIO_CLOCK, at};
    let (c, versions) = testing::scenario();
    let a = assess(&c, &versions, &[], at(SCENARIO_CLOCK));
    (c, a)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::State;

    #[test]
    fn the_scenario_has_every_state_and_every_flag() {
        let (_, a) = scenario();
        let states = |ai: usize| -> Vec<State> {
            let st = a.activities.iter().find(|s| s.activity == ai).unwrap();
            st.items.iter().map(|i| i.state).collect()
        };
        use State::*;
        assert_eq!(states(0), [OnTime, Late, Overdue]);
        assert_eq!(states(1), [Pending, Incomplete, Pending]);
        assert_eq!(states(2), [Invalid, Exempt]);
        assert_eq!(states(3), [Pending, Pending]);
        assert_eq!(states(4), [OnTime, Overdue]);
        let all: BTreeSet<State> = a
            .activities
            .iter()
            .flat_map(|s| s.items.iter().map(|i| i.state))
            .collect();
        assert_eq!(all.len(), State::ALL.len());

        let flags: BTreeSet<String> = a
            .files
            .iter()
            .flat_map(|f| &f.flags)
            .map(|f| {
                format!("{f:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            flags.into_iter().collect::<Vec<_>>(),
            [
                "FitsNoDeliverable",
                "ForeignTitle",
                "LowResolution",
                "NearlySameAs",
                "PlacedByArrival",
                "SameAs",
                "Screenshot",
                "TakenFarFromActivity",
                "Undecided"
            ]
        );
        // Three of 县公安局's eight photos count; 2 working days late.
        let photos = &a.activities[0].items[1];
        assert_eq!((photos.counted, photos.late_workdays), (3, Some(2)));
        assert_eq!(
            a.questions,
            [Question::NoDeadline {
                activity: 3,
                deliverables: vec![0, 1]
            }]
        );
        let no_unit: Vec<(&str, &UnitBasis)> = a
            .files
            .iter()
            .filter(|f| f.unassigned())
            .map(|f| (f.path.as_str(), &f.unit_basis))
            .collect();
        assert_eq!(no_unit.len(), 2);
        assert!(no_unit.contains(&("照片.jpg", &UnitBasis::Unknown { likely: vec![] })));
        assert!(no_unit.iter().any(|(p, b)| *p == "民政局/材料.docx"
            && matches!(b, UnitBasis::Ambiguous { units, .. } if units == &[2, 3])));
    }
}
