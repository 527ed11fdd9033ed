//! The office's own tasks: the files it must look at itself (of no unit,
//! fitting no deliverable, rejected).

use super::*;
use crate::inspect::Verdict;

/// The files the office must look at, for its digest and the status: those
/// of no unit (and why), those of a unit that fit no deliverable, and
/// rejected ones with the reason.
pub fn file_lines(
    campaign: &Campaign,
    a: &Assessment,
) -> (Vec<FileLine>, Vec<FileLine>, Vec<FileLine>) {
    let line = |f: &FileAssessment, reason: String| FileLine {
        path: printable(&f.path),
        unit: f.unit.map(|u| campaign.roster.units[u].name.clone()),
        reason: printable(&reason),
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
