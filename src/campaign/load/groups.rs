//! Groups of units: one per sheet that lists units, plus `[groups]` of
//! campaign.toml.

use std::collections::BTreeMap;

use super::{Activity, Errors, Group};
use crate::campaign::CampaignError;
use crate::campaign::config::CampaignFile;
use crate::campaign::roster::Roster;
use crate::campaign::schedule::{Schedule, SheetKind};

/// One group per sheet that lists units (by the sheet's name, and by its
/// title when it has one), plus `[groups]` of campaign.toml.
pub(super) fn groups(
    file: &CampaignFile,
    sched: &Schedule,
    activities: &[Activity],
    roster: &Roster,
    err: &Errors,
) -> Result<BTreeMap<String, Group>, CampaignError> {
    let mut out: BTreeMap<String, Group> = BTreeMap::new();
    for sheet in sched
        .sheets
        .iter()
        .filter(|s| s.entries > 0 && matches!(s.kind, SheetKind::Activities | SheetKind::Units))
    {
        let mut units: Vec<usize> = Vec::new();
        for a in activities.iter().filter(|a| a.sheet == sheet.name) {
            if !units.contains(&a.unit) {
                units.push(a.unit);
            }
        }
        let group = Group {
            units,
            sheet: Some(sheet.name.clone()),
        };
        for name in [Some(sheet.group_name()), sheet.title.clone()]
            .into_iter()
            .flatten()
        {
            out.entry(name).or_insert_with(|| group.clone());
        }
    }
    for (name, members) in &file.groups {
        let units = members
            .iter()
            .map(|n| {
                roster.by_name(n).ok_or_else(|| {
                    err.unknown_unit(&format!("[groups] “{name}” 中的单位"), n, roster)
                })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        out.insert(name.clone(), Group { units, sheet: None });
    }
    Ok(out)
}
