//! `[[exemptions]]`: units exempted (免报) and activities cancelled
//! (已取消), checked against the roster, the activities and the
//! deliverables.

use super::{Activity, Deliverable, Errors, Exemption};
use crate::campaign::CampaignError;
use crate::campaign::config::CampaignFile;
use crate::campaign::roster::Roster;
use crate::campaign::unitname::normalize;

pub(super) fn exemptions(
    file: &CampaignFile,
    roster: &Roster,
    activities: &[Activity],
    deliverables: &[Deliverable],
    err: &Errors,
) -> Result<Vec<Exemption>, CampaignError> {
    let mut out = Vec::new();
    for e in &file.exemptions {
        let unit = roster
            .by_name(&e.unit)
            .ok_or_else(|| err.unknown_unit("[[exemptions]] 中的单位", &e.unit, roster))?;
        let activity = match &e.activity {
            None => None,
            Some(a) => {
                let mine: Vec<usize> = activities
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.unit == unit)
                    .filter(|(_, x)| {
                        x.seq == *a
                            || x.seq.rsplit('-').next() == Some(a.as_str())
                            || normalize(&x.theme) == normalize(a)
                    })
                    .map(|(i, _)| i)
                    .collect();
                match mine.as_slice() {
                    [one] => Some(*one),
                    _ => {
                        let themes: Vec<String> = activities
                            .iter()
                            .filter(|x| x.unit == unit)
                            .map(|x| format!("{}（序号{}）", x.theme, x.seq))
                            .collect();
                        return Err(err.at(
                            a,
                            format!(
                                "[[exemptions]] 中“{}”的活动“{a}”{}；请写序号或主题，该单位的活动有：{}",
                                e.unit,
                                if mine.is_empty() { "找不到" } else { "不止一项" },
                                themes.join("、")
                            ),
                        ));
                    }
                }
            }
        };
        if let Some(d) = &e.deliverable
            && !deliverables.iter().any(|x| &x.id == d)
        {
            let ids: Vec<&str> = deliverables.iter().map(|x| x.id.as_str()).collect();
            return Err(err.at(
                d,
                format!(
                    "[[exemptions]] 中的材料“{d}”不存在（应为 deliverables 的 id 之一：{}）",
                    ids.join("、")
                ),
            ));
        }
        out.push(Exemption {
            unit,
            activity,
            deliverable: e.deliverable.clone(),
            reason: e.reason.clone(),
        });
    }
    Ok(out)
}
