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

use chrono::{DateTime, FixedOffset};

use crate::campaign::Campaign;
use crate::store::StoredVersion;

pub use types::*;

/// Assesses the campaign at `clock` from the recorded versions.
pub fn assess(
    campaign: &Campaign,
    versions: &[StoredVersion],
    clock: DateTime<FixedOffset>,
) -> Assessment {
    let owed = items::owed(campaign);
    let mut files = files::identify_files(&campaign.roster, versions);
    for f in files.iter_mut() {
        classify::place(campaign, &owed, f);
    }
    worth::flag_photos(campaign, &mut files);
    worth::flag_foreign_titles(campaign, &mut files);
    let (activities, questions) = items::assess_activities(campaign, &owed, &mut files, clock);
    Assessment {
        clock,
        activities,
        files,
        questions,
    }
}
