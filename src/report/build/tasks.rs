//! The office's own tasks: the files it must look at itself (of no unit,
//! of a name several units share, fitting no deliverable, rejected).

use super::*;
use crate::inspect::Verdict;
use crate::wording;

/// The files the office must look at, each with what to say of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileLists {
    /// Files no name in the roster matched.
    pub unassigned: Vec<FileLine>,
    /// Files whose name could mean several units.
    pub ambiguous: Vec<FileLine>,
    /// Files of a unit that fit no deliverable.
    pub unclassified: Vec<FileLine>,
    /// Rejected files, with the reason.
    pub invalid: Vec<FileLine>,
}

/// The files the office must look at, for the board, the status and the
/// terminal; each file in one list only.
pub fn file_lists(campaign: &Campaign, a: &Assessment) -> FileLists {
    let line = |f: &FileAssessment, reason: String| FileLine {
        path: printable(&f.path),
        unit: f.unit.map(|u| campaign.roster.units[u].name.clone()),
        reason: printable(&reason),
        maybe_from: f
            .maybe_from()
            .into_iter()
            .map(|u| campaign.roster.units[u].name.clone())
            .collect(),
    };
    let no_unit = |ambiguous: bool| -> Vec<FileLine> {
        a.files
            .iter()
            // A file no longer in the inbox (renamed, moved away) needs no
            // decision.
            .filter(|f| f.unassigned() && !f.gone && f.candidates().is_empty() != ambiguous)
            .filter_map(|f| Some(line(f, wording::why_no_unit(campaign, f)?)))
            .collect()
    };
    let unclassified = a
        .files
        .iter()
        .filter(|f| f.unit.is_some() && f.deliverable.is_none() && !f.embedded)
        .map(|f| line(f, wording::flags(campaign, a, f).join("；")))
        .collect();
    let invalid = a
        .files
        .iter()
        .filter(|f| f.inspection.verdict == Verdict::Reject)
        .map(|f| line(f, f.inspection.reason.clone().unwrap_or_default()))
        .collect();
    FileLists {
        unassigned: no_unit(false),
        ambiguous: no_unit(true),
        unclassified,
        invalid,
    }
}
