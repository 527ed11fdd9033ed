//! Step 1, which unit: every current file of the inbox (the latest version
//! of each path, the entries of containers rather than the containers),
//! with the unit [`identify`] finds for it and how.

use std::collections::{BTreeMap, HashMap};

use super::{FileAssessment, UnitBasis};
use crate::campaign::identify::{self, Basis, Identity, MailContext};
use crate::campaign::roster::Roster;
use crate::inspect::{Content, EmailMeta, Verdict};
use crate::model::ENTRY_SEP;
use crate::store::StoredVersion;

/// What the office decided for a content (`baosong assign`): its unit and,
/// when named, its deliverable (indexes).
#[derive(Debug, Clone, Copy)]
pub(super) struct Decision {
    pub unit: usize,
    pub deliverable: Option<usize>,
}

/// The current files, in path order, each with its unit: the office's
/// decision for its content, else the one its names and mail give. A
/// container that opened is left out: its entries are the submissions.
pub(super) fn identify_files(
    roster: &Roster,
    versions: &[StoredVersion],
    decided: &HashMap<&str, Decision>,
) -> Vec<FileAssessment> {
    let current = current_versions(versions);
    let by_path: HashMap<&str, &StoredVersion> =
        current.iter().map(|(v, _)| (v.path.as_str(), *v)).collect();
    current
        .iter()
        .filter(|(v, _)| {
            !matches!(v.inspection.content, Content::Container(_))
                || v.inspection.verdict == Verdict::Reject
        })
        .map(|&(v, versions)| {
            let decision = decided.get(v.hash.as_str());
            let (unit, unit_basis) = match decision {
                Some(d) => (Some(d.unit), UnitBasis::Found(Basis::Office)),
                None => unit_of(roster, &v.path, mail_of(&v.path, &by_path)),
            };
            FileAssessment {
                path: v.path.clone(),
                version_id: v.version_id,
                batch_id: v.batch_id,
                versions,
                hash: v.hash.clone(),
                size: v.size,
                arrived: v.arrived_at,
                inspection: v.inspection.clone(),
                gone: v.gone,
                unit,
                unit_basis,
                deliverable: decision.and_then(|d| d.deliverable),
                activity: None,
                counted: false,
                flags: Vec::new(),
                embedded: in_document(&v.path, &by_path),
            }
        })
        .collect()
}

/// The latest version of every path, with its version count, in path order.
pub fn current_versions<'a>(
    versions: impl IntoIterator<Item = &'a StoredVersion>,
) -> Vec<(&'a StoredVersion, usize)> {
    let mut latest: BTreeMap<&str, (&StoredVersion, usize)> = BTreeMap::new();
    for v in versions {
        let entry = latest.entry(v.path.as_str()).or_insert((v, 0));
        entry.1 += 1;
        if v.version_id > entry.0.version_id {
            entry.0 = v;
        }
    }
    latest.into_values().collect()
}

/// The unit of the file at `path` and how it was found.
fn unit_of(roster: &Roster, path: &str, mail: Option<&EmailMeta>) -> (Option<usize>, UnitBasis) {
    let context = MailContext {
        subject: mail.and_then(|m| m.subject.as_deref()),
        sender: mail.and_then(|m| m.from_addr.as_deref()),
    };
    match identify::identify(roster, path, &context) {
        Identity::Unit { unit, basis } => (Some(unit), UnitBasis::Found(basis)),
        Identity::Ambiguous { text, units } => (None, UnitBasis::Ambiguous { text, units }),
        Identity::Unknown => (
            None,
            UnitBasis::Unknown {
                likely: identify::likely_units(roster, path, &context),
            },
        ),
    }
}

/// The path of the container an entry is in.
fn container_of(path: &str) -> Option<&str> {
    path.rfind(ENTRY_SEP).map(|i| &path[..i])
}

/// Whether the entry at `path` is a picture inside a Word document.
fn in_document(path: &str, by_path: &HashMap<&str, &StoredVersion>) -> bool {
    container_of(path)
        .and_then(|c| by_path.get(c))
        .is_some_and(|c| matches!(c.inspection.content, Content::Document(_)))
}

/// The e-mail a file came in, if it did (the innermost one).
fn mail_of<'a>(path: &str, by_path: &HashMap<&str, &'a StoredVersion>) -> Option<&'a EmailMeta> {
    let mut p = path;
    while let Some(c) = container_of(p) {
        if let Some(v) = by_path.get(c)
            && let Content::Container(meta) = &v.inspection.content
            && let Some(m) = &meta.email
        {
            return Some(m);
        }
        p = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::testing::{campaign, document, mail, photo, version};

    #[test]
    fn the_latest_version_of_each_path_counts_its_versions() {
        let mut first = version(1, "县林业局/总结.docx", document("总结"));
        first.hash = "old".into();
        let second = version(2, "县林业局/总结.docx", document("总结"));
        let files = identify_files(&campaign().roster, &[second, first], &HashMap::new());
        assert_eq!(files.len(), 1);
        assert_eq!((files[0].version_id, files[0].versions), (2, 2));
    }

    #[test]
    fn entries_count_not_their_container_and_the_mail_names_the_unit() {
        let c = campaign();
        let versions = [
            version(1, "收件/报送.eml", mail("县民政局活动材料", "x@example.cn")),
            version(2, "收件/报送.eml!/总结.docx", document("总结")),
            version(
                3,
                "收件/报送.eml!/总结.docx!/word/media/1.jpg",
                photo(1600, 1200),
            ),
        ];
        let files = identify_files(&c.roster, &versions, &HashMap::new());
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "收件/报送.eml!/总结.docx",
                "收件/报送.eml!/总结.docx!/word/media/1.jpg"
            ]
        );
        assert_eq!(files[0].unit, Some(2));
        assert_eq!(
            files[0].unit_basis,
            UnitBasis::Found(Basis::Subject("县民政局".into()))
        );
        assert!(!files[0].embedded && files[1].embedded);
    }

    #[test]
    fn a_name_of_several_units_and_no_name_are_not_guessed() {
        let c = campaign();
        let files = identify_files(
            &c.roster,
            &[
                version(1, "民政局/总结.docx", document("总结")),
                version(2, "照片.jpg", photo(1600, 1200)),
            ],
            &HashMap::new(),
        );
        assert_eq!(files[0].unit, None);
        assert_eq!(files[0].candidates(), [2, 3]);
        assert_eq!(files[1].unit_basis, UnitBasis::Unknown { likely: vec![] });
        assert!(files[1].candidates().is_empty());
    }

    #[test]
    fn the_office_decision_outweighs_every_name() {
        let c = campaign();
        let mut photo_of_none = version(2, "县林业局/照片.jpg", photo(1600, 1200));
        photo_of_none.hash = "photo".into();
        let decided = HashMap::from([(
            "photo",
            Decision {
                unit: 2,
                deliverable: Some(1),
            },
        )]);
        let files = identify_files(&c.roster, &[photo_of_none], &decided);
        assert_eq!(files[0].unit, Some(2));
        assert_eq!(files[0].unit_basis, UnitBasis::Found(Basis::Office));
        assert_eq!(files[0].deliverable, Some(1));
    }
}
