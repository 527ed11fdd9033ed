//! Pure helpers for photo rules that need a unit's context, called by the
//! assess stage: a photo taken far from the activity dates, near-duplicate
//! photos. (A summary naming another unit is judged by assess against the
//! roster, aliases included.)

use chrono::{NaiveDate, NaiveDateTime};

/// A photo taken more than this many days before or after its activity is
/// flagged: phone clocks are right, but units do send last year's photos.
pub const PHOTO_DATE_TOLERANCE_DAYS: u32 = 7;

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
}
