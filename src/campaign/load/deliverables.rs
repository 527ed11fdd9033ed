//! One `[[deliverables]]` entry resolved: the units it applies to (by
//! name, group or all), its deadline rule and its template.

use std::collections::BTreeMap;
use std::path::Path;

use chrono_tz::Tz;

use super::{Deliverable, Errors, Group};
use crate::campaign::CampaignError;
use crate::campaign::config::{DeadlineEntry, DeliverableEntry, UnitsSpec};
use crate::campaign::deadline::{self, DeadlineRule};
use crate::campaign::roster::Roster;
use crate::campaign::template::Template;
use crate::inspect::Limits;

pub(super) fn resolve_deliverable(
    d: &DeliverableEntry,
    roster: &Roster,
    groups: &BTreeMap<String, Group>,
    tz: Tz,
    templates: &Path,
    limits: &Limits,
    err: &Errors,
) -> Result<Deliverable, CampaignError> {
    let by_names = |names: &[String]| -> Result<Vec<usize>, CampaignError> {
        names
            .iter()
            .map(|n| {
                roster.by_name(n).ok_or_else(|| {
                    err.unknown_unit(&format!("材料“{}”适用的单位", d.name), n, roster)
                })
            })
            .collect()
    };
    let all = || (0..roster.units.len()).collect::<Vec<usize>>();
    let (units, sheets) = match &d.units {
        UnitsSpec::All => (all(), None),
        UnitsSpec::Keyword(k) if k == "all" => (all(), None),
        UnitsSpec::Keyword(k) => {
            return Err(err.at(
                &format!("\"{k}\""),
                format!(
                    "材料“{}”的 units = \"{k}\" 无法识别：{}",
                    d.name,
                    crate::campaign::config::UNITS_FORMS
                ),
            ));
        }
        UnitsSpec::List(names) => (by_names(names)?, None),
        UnitsSpec::Groups(names) => {
            let mut units: Vec<usize> = Vec::new();
            let mut sheets: Vec<String> = Vec::new();
            let mut all_sheets = true;
            for g in names {
                let group = groups.get(g).ok_or_else(|| {
                    let known: Vec<&str> = groups.keys().map(String::as_str).collect();
                    err.at(
                        g,
                        format!(
                            "材料“{}”引用的分组“{g}”不存在；可用的分组：{}（活动安排表的各工作表，及 [groups] 中定义的）",
                            d.name,
                            known.join("、")
                        ),
                    )
                })?;
                for &u in &group.units {
                    if !units.contains(&u) {
                        units.push(u);
                    }
                }
                match &group.sheet {
                    Some(s) => sheets.push(s.clone()),
                    None => all_sheets = false,
                }
            }
            (units, all_sheets.then_some(sheets))
        }
    };
    let rule = match &d.deadline {
        DeadlineEntry::Fixed { at } => {
            DeadlineRule::Fixed(deadline::parse_local(at, tz).ok_or_else(|| {
                err.at(
                    at,
                    format!(
                        "材料“{}”的截止时间“{at}”无法识别：{}",
                        d.name,
                        crate::campaign::config::DEADLINE_FORMS
                    ),
                )
            })?)
        }
        DeadlineEntry::Activity { day, time } => DeadlineRule::Activity {
            day: *day,
            time: deadline::parse_due_time(time).ok_or_else(|| {
                err.at(
                    time,
                    format!("材料“{}”的时刻“{time}”应如 \"16:00\" 或 \"24:00\"", d.name),
                )
            })?,
        },
    };
    if d.accept.is_empty() {
        return Err(err.at(
            &d.id,
            format!(
                "材料“{}”的 accept 不能为空（应如 accept = [\"document\", \"pdf\"]）",
                d.name
            ),
        ));
    }
    let template = match &d.template {
        Some(file) => Some(Template::load(&templates.join(file), limits).map_err(|e| {
            err.at(
                &file.to_string_lossy(),
                format!(
                    "材料“{}”的模板：{e}（template 写 templates 文件夹中的文件名，如 template = \"活动总结模板.docx\"）",
                    d.name
                ),
            )
        })?),
        None => None,
    };
    Ok(Deliverable {
        id: d.id.clone(),
        name: d.name.clone(),
        accept: d.accept.clone(),
        keywords: d.keywords.clone(),
        min_count: d.min_count,
        units,
        sheets,
        per: d.per,
        rule,
        template,
    })
}
