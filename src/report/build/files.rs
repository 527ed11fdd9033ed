//! The status board's list of every file a unit sent, each with its
//! versions: when each arrived, how it came (inbox folder, e-mail, zip) and
//! its size. It is built beside the report, not into it: only the board
//! shows it.

use std::collections::BTreeMap;

use super::*;
use crate::inspect::{Content, Verdict};
use crate::model::ENTRY_SEP;
use crate::wording;

/// Every file of a unit but the containers (their entries are listed,
/// saying how they came) and the pictures inside Word files, with every
/// version of it (`versions`: every version the ledger recorded), in path
/// order.
pub fn sent_files(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    versions: &[StoredVersion],
) -> Vec<SentFile> {
    let clock = Clock::of(a);
    let mut by_path: BTreeMap<&str, Vec<&StoredVersion>> = BTreeMap::new();
    for v in versions {
        by_path.entry(v.path.as_str()).or_default().push(v);
    }
    a.files
        .iter()
        .filter(|f| !f.embedded && !matches!(f.inspection.content, Content::Container(_)))
        .filter_map(|f| {
            let unit = campaign.roster.units[f.unit?].name.clone();
            let counts_for = f.deliverable.map(|d| {
                let name = &campaign.deliverables[d].name;
                match f.activity.map(|i| &campaign.activities[i]) {
                    Some(act) => format!("{name}（{} {}）", act.time_text, act.theme),
                    None => name.clone(),
                }
            });
            let verdict = if f.inspection.verdict != Verdict::Reject && !f.counted {
                "未计入".to_string()
            } else {
                f.inspection.verdict.label().to_string()
            };
            let reason: Vec<String> = f
                .inspection
                .reason
                .iter()
                .map(|r| printable(r))
                .chain(wording::flags(campaign, a, f))
                .collect();
            let versions = by_path
                .get(f.path.as_str())
                .map(|vs| {
                    vs.iter()
                        .map(|v| FileVersion {
                            arrived: clock.at(v.arrived_at),
                            how: how_it_came(&v.path, &by_path),
                            size: size_text(v.size),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let original = store.blob_path(&f.hash);
            Some(SentFile {
                unit,
                path: f.display_path(),
                counts_for,
                verdict,
                counted: f.counted,
                reason: (!reason.is_empty()).then(|| reason.join("；")),
                versions,
                original: original.is_file().then_some(original),
            })
        })
        .collect()
}

/// How a file came, from its path: in an e-mail (with its sender and
/// subject), in a zip, or copied into the inbox (with its folder).
pub(super) fn how_it_came(path: &str, versions: &BTreeMap<&str, Vec<&StoredVersion>>) -> String {
    let Some((outer, _)) = path.split_once(ENTRY_SEP) else {
        return match path.rsplit_once('/') {
            Some((folder, _)) => format!("收件箱文件夹“{}”", printable(folder)),
            None => "收件箱".to_string(),
        };
    };
    let email =
        versions
            .get(outer)
            .and_then(|vs| vs.last())
            .and_then(|v| match &v.inspection.content {
                Content::Container(c) => c.email.as_ref(),
                _ => None,
            });
    match email {
        Some(m) => {
            let from = match (&m.from_name, &m.from_addr) {
                (Some(name), Some(addr)) => format!("{name} <{addr}>"),
                (Some(one), None) | (None, Some(one)) => one.clone(),
                (None, None) => "（未知）".to_string(),
            };
            printable(&format!(
                "邮件（发件人：{from}；主题：{}）",
                m.subject.as_deref().unwrap_or("（无主题）")
            ))
        }
        None => {
            let name = outer.rsplit('/').next().unwrap_or(outer);
            printable(&format!("压缩包《{name}》"))
        }
    }
}

/// A size as people read it: "820 KB", "35.2 MB".
pub(super) fn size_text(bytes: u64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
