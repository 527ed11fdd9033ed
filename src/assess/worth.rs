//! Step 3, what each file is worth: the photo checks that set a photo
//! aside before counting (too small, a screenshot, taken far from its
//! activity, the same picture as another of the unit) and the documents
//! whose title names another unit.

use std::collections::HashMap;

use super::classify::title_of;
use super::{FileAssessment, Flag};
use crate::campaign::Campaign;
use crate::campaign::roster::Found;
use crate::inspect::compare::{self, PHOTO_DATE_TOLERANCE_DAYS};
use crate::inspect::{Content, MIN_LONG_EDGE, Photo, Verdict};

/// Flags the photos that should not count toward a minimum, in path order:
/// the first of two identical or nearly identical photos of a unit counts,
/// the later one is set aside.
pub(super) fn flag_photos(campaign: &Campaign, files: &mut [FileAssessment]) {
    let mut seen = Seen::default();
    for (i, f) in files.iter_mut().enumerate() {
        let (Some(unit), Content::Photo(photo)) = (f.unit, &f.inspection.content) else {
            continue;
        };
        if f.inspection.verdict == Verdict::Reject {
            continue;
        }
        let mut flags = photo_flags(campaign, f.activity, photo);
        flags.extend(seen.duplicate(unit, &f.hash, photo.phash));
        if flags.is_empty() {
            seen.add(unit, &f.hash, photo.phash, i);
        } else {
            f.flags.extend(flags);
        }
    }
}

/// What is wrong with a photo on its own: too small for print, a
/// screenshot, taken more than a week from its activity's days.
fn photo_flags(campaign: &Campaign, activity: Option<usize>, photo: &Photo) -> Vec<Flag> {
    let mut flags = Vec::new();
    if photo.width.max(photo.height) < MIN_LONG_EDGE {
        flags.push(Flag::LowResolution {
            width: photo.width,
            height: photo.height,
        });
    }
    if photo.screenshot {
        flags.push(Flag::Screenshot);
    }
    if let (Some(taken), Some(a)) = (photo.taken, activity)
        && let Some(t) = &campaign.activities[a].time
        && compare::photo_date_outside(Some(taken), t.start, t.end, PHOTO_DATE_TOLERANCE_DAYS)
    {
        flags.push(Flag::TakenFarFromActivity {
            taken: taken.date(),
            activity: a,
        });
    }
    flags
}

/// The photos of each unit that count so far, by content and by picture.
#[derive(Default)]
struct Seen {
    /// (unit, content hash) → file.
    exact: HashMap<(usize, String), usize>,
    /// (unit, perceptual hash, file).
    near: Vec<(usize, u64, usize)>,
}

impl Seen {
    /// Whether a photo of `unit` repeats one that counts: the same bytes,
    /// or nearly the same picture.
    fn duplicate(&self, unit: usize, hash: &str, phash: Option<u64>) -> Option<Flag> {
        if let Some(&file) = self.exact.get(&(unit, hash.to_string())) {
            return Some(Flag::SameAs { file });
        }
        let ph = phash?;
        self.near
            .iter()
            .find(|(u, h, _)| *u == unit && compare::near_duplicate(*h, ph))
            .map(|&(_, _, file)| Flag::NearlySameAs { file })
    }

    fn add(&mut self, unit: usize, hash: &str, phash: Option<u64>, file: usize) {
        self.exact.insert((unit, hash.to_string()), file);
        if let Some(ph) = phash {
            self.near.push((unit, ph, file));
        }
    }
}

/// Flags documents whose title names another unit than the one filed under.
pub(super) fn flag_foreign_titles(campaign: &Campaign, files: &mut [FileAssessment]) {
    for f in files.iter_mut() {
        let (Some(unit), Some(title)) = (f.unit, title_of(&f.inspection)) else {
            continue;
        };
        if let Found::Unit { unit: named, .. } = campaign.roster.find_in(title)
            && named != unit
        {
            f.flags.push(Flag::ForeignTitle {
                named,
                filed_by: unit,
            });
        }
    }
}
