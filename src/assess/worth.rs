//! Step 3, what each file is worth: the photo checks that set a photo
//! aside before counting (too small, a screenshot, taken far from its
//! activity, the same picture as another of the unit) and the documents
//! whose title names another unit or that are still the office's template.

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
        // A file no longer in the inbox (moved elsewhere in it) never
        // makes its copy a duplicate.
        if f.inspection.verdict == Verdict::Reject || f.gone {
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

/// Sets aside documents that are still mostly their deliverable's template
/// (`template = …`): the template sent back is not the deliverable.
pub(super) fn flag_unfilled_templates(campaign: &Campaign, files: &mut [FileAssessment]) {
    for f in files.iter_mut() {
        let Some(d) = f.deliverable else { continue };
        if f.inspection.verdict == Verdict::Reject || f.gone {
            continue;
        }
        if let Some(left) = campaign.deliverables[d].unfilled_template(&f.inspection) {
            f.flags.push(Flag::UnfilledTemplate(left));
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::assess::{classify::place, files::identify_files, items::owed};
    use crate::campaign::testing::{campaign, document, photo_with, rejected, version};
    use crate::inspect::{FileKind, Photo};
    use crate::store::StoredVersion;

    /// The files of `versions`, placed and judged.
    fn judged(c: &Campaign, versions: &[StoredVersion]) -> Vec<FileAssessment> {
        let owed = owed(c);
        let mut files = identify_files(&c.roster, versions, &Default::default());
        for f in files.iter_mut() {
            place(c, &owed, f);
        }
        flag_photos(c, &mut files);
        flag_foreign_titles(c, &mut files);
        files
    }

    fn shot(id: i64, edit: fn(&mut Photo)) -> StoredVersion {
        version(id, &format!("县林业局/{id}.jpg"), photo_with(edit))
    }

    #[test]
    fn photos_too_small_screenshots_and_taken_elsewhere_are_set_aside() {
        let c = campaign();
        let files = judged(
            &c,
            &[
                shot(1, |p| (p.width, p.height) = (600, 400)),
                shot(2, |p| p.screenshot = true),
                shot(3, |p| {
                    p.taken =
                        NaiveDate::from_ymd_opt(2025, 5, 10).and_then(|d| d.and_hms_opt(9, 0, 0))
                }),
                shot(4, |p| {
                    p.taken =
                        NaiveDate::from_ymd_opt(2025, 5, 27).and_then(|d| d.and_hms_opt(9, 0, 0))
                }),
                shot(5, |p| (p.width, p.height) = (640, 480)),
            ],
        );
        assert_eq!(
            files[0].flags,
            [Flag::LowResolution {
                width: 600,
                height: 400
            }]
        );
        assert_eq!(files[1].flags, [Flag::Screenshot]);
        // Within a week of 20 May counts; ten days before does not.
        assert_eq!(
            files[2].flags,
            [Flag::TakenFarFromActivity {
                taken: NaiveDate::from_ymd_opt(2025, 5, 10).unwrap(),
                activity: 2
            }]
        );
        assert!(files[3].flags.is_empty() && files[4].flags.is_empty());
        assert!(files[..3].iter().all(FileAssessment::set_aside));
        assert!(!files[3].set_aside());
    }

    #[test]
    fn the_first_of_two_same_photos_counts_the_later_is_set_aside() {
        let c = campaign();
        let mut copy = shot(2, |p| p.phash = Some(0b1111));
        copy.hash = "h1".into();
        let mut elsewhere = shot(5, |p| p.phash = Some(0b1111));
        elsewhere.path = "县公安局/法治宣传/5.jpg".into();
        let files = judged(
            &c,
            &[
                shot(1, |p| p.phash = Some(0b1111)),
                copy,
                shot(3, |p| p.phash = Some(0b1110)),
                shot(4, |p| p.phash = Some(u64::MAX)),
                elsewhere,
                version(6, "县林业局/6.jpg", rejected(FileKind::Jpeg, "无法解码")),
            ],
        );
        let flags = |path: &str| files.iter().find(|f| f.path == path).unwrap().flags.clone();
        let first = files
            .iter()
            .position(|f| f.path == "县林业局/1.jpg")
            .unwrap();
        assert!(flags("县林业局/1.jpg").is_empty());
        assert_eq!(flags("县林业局/2.jpg"), [Flag::SameAs { file: first }]);
        assert_eq!(
            flags("县林业局/3.jpg"),
            [Flag::NearlySameAs { file: first }]
        );
        assert!(flags("县林业局/4.jpg").is_empty());
        // Another unit's photo is no duplicate; a rejected one is not judged.
        assert!(flags("县公安局/法治宣传/5.jpg").is_empty());
        assert!(flags("县林业局/6.jpg").is_empty());
    }

    #[test]
    fn a_title_naming_another_unit_is_flagged() {
        let c = campaign();
        let files = judged(
            &c,
            &[
                version(
                    1,
                    "州民政局/总结.docx",
                    document("县民政局社会救助宣传活动总结"),
                ),
                version(
                    2,
                    "县民政局/总结.docx",
                    document("县民政局养老服务宣传活动总结"),
                ),
            ],
        );
        let flags = |path: &str| files.iter().find(|f| f.path == path).unwrap().flags.clone();
        assert_eq!(
            flags("州民政局/总结.docx"),
            [Flag::ForeignTitle {
                named: 2,
                filed_by: 3
            }]
        );
        assert!(flags("县民政局/总结.docx").is_empty());
        assert!(!files.iter().any(FileAssessment::set_aside));
    }
}
