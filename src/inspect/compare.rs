//! Pure helpers for rules that need a unit's context, called by the assess
//! stage: a photo taken far from the activity dates, near-duplicate photos,
//! a summary that names another unit.

use super::{Block, Document};
use chrono::{NaiveDate, NaiveDateTime};

/// Hamming distance at or under which two dHashes count as the same scene.
/// 64-bit dHash: re-encodes, resizes and small crops of one photo land at
/// 0–6; different shots of one event usually land well over 12. 10 keeps
/// burst shots of one moment together without merging distinct photos.
pub const NEAR_DUPLICATE_MAX_DISTANCE: u32 = 10;

/// Whether two perceptual hashes are near-duplicates (see
/// [`NEAR_DUPLICATE_MAX_DISTANCE`]). Identical files are better caught by
/// their content hash; this catches resized or re-compressed copies.
pub fn near_duplicate(a: u64, b: u64) -> bool {
    (a ^ b).count_ones() <= NEAR_DUPLICATE_MAX_DISTANCE
}

/// Whether a photo was taken more than `tolerance_days` before the activity
/// started or after it ended. `None` for unknown dates is never "outside".
pub fn photo_date_outside(
    taken: Option<NaiveDateTime>,
    activity_start: NaiveDate,
    activity_end: NaiveDate,
    tolerance_days: u32,
) -> bool {
    let Some(taken) = taken else { return false };
    let day = taken.date();
    let tol = chrono::Days::new(u64::from(tolerance_days));
    let from = activity_start
        .checked_sub_days(tol)
        .unwrap_or(NaiveDate::MIN);
    let to = activity_end.checked_add_days(tol).unwrap_or(NaiveDate::MAX);
    day < from || day > to
}

/// The first other unit a document names in its title or opening blocks
/// while not naming `filed_under`; `None` when it names its own unit or no
/// known unit at all.
pub fn names_other_unit<'a>(
    doc: &Document,
    filed_under: &str,
    units: &'a [String],
) -> Option<&'a str> {
    let mut head = doc.title.clone().unwrap_or_default();
    for b in doc.blocks.iter().take(3) {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text } => head.push_str(text),
            Block::Table { .. } => {}
        }
    }
    if head.contains(filed_under) {
        return None;
    }
    units
        .iter()
        .filter(|u| u.as_str() != filed_under && !filed_under.contains(u.as_str()))
        .find(|u| head.contains(u.as_str()))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamming_threshold() {
        assert!(near_duplicate(0, 0b11_1111_1111));
        assert!(!near_duplicate(0, 0b111_1111_1111));
    }

    #[test]
    fn date_window() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let at = |m, day| d(m, day).and_hms_opt(9, 0, 0);
        assert!(!photo_date_outside(at(5, 17), d(5, 15), d(5, 15), 3));
        assert!(photo_date_outside(at(5, 19), d(5, 15), d(5, 15), 3));
        assert!(photo_date_outside(at(5, 1), d(5, 15), d(5, 20), 7));
        assert!(!photo_date_outside(None, d(5, 15), d(5, 15), 0));
    }

    #[test]
    fn other_unit_named() {
        let doc = Document {
            title: Some("县教育局2025年政务公开日活动总结".into()),
            ..Document::default()
        };
        let units = vec!["县教育局".to_string(), "县卫健委".to_string()];
        assert_eq!(names_other_unit(&doc, "县卫健委", &units), Some("县教育局"));
        assert_eq!(names_other_unit(&doc, "县教育局", &units), None);
    }
}
