//! Loading a campaign: campaign.toml, the schedule, the roster, the
//! deliverables and the calendar, checked together into one [`Campaign`].

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::CampaignError;
use super::calendar::Calendar;
use super::config::{CampaignFile, DeadlineEntry, DeliverableEntry, UnitsSpec};
use super::deadline::{self, DeadlineRule, Due};
use super::roster::{Roster, Unit};
use super::schedule::{self, Contact, RowProblem};
use super::timetext::ActivityTime;
use crate::inspect::Category;

/// The file name of a campaign.
pub const CAMPAIGN_FILE: &str = "campaign.toml";

/// A campaign ready for a batch.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The folder holding campaign.toml; relative paths start here.
    pub root: PathBuf,
    pub file: CampaignFile,
    pub tz: Tz,
    pub roster: Roster,
    /// Activities in schedule order.
    pub activities: Vec<Activity>,
    pub deliverables: Vec<Deliverable>,
    pub extensions: Vec<Extension>,
    pub calendar: Calendar,
    /// Schedule rows that could not be (fully) understood.
    pub schedule_problems: Vec<RowProblem>,
}

/// One scheduled activity of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// Stable id: the unit's name and the activity's position among its
    /// activities ("县公安局#2").
    pub id: String,
    pub unit: usize,
    pub seq: String,
    pub theme: String,
    pub time: Option<ActivityTime>,
    pub time_text: String,
    pub place: Option<String>,
}

/// One deliverable, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Deliverable {
    pub id: String,
    pub name: String,
    pub accept: Vec<Category>,
    pub keywords: Vec<String>,
    pub min_count: usize,
    /// Indexes of the units that owe it.
    pub units: Vec<usize>,
    pub rule: DeadlineRule,
}

/// More time for one unit (and maybe one deliverable).
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    pub unit: usize,
    pub deliverable: Option<String>,
    pub until: Option<DateTime<Tz>>,
    pub extra_workdays: Option<u32>,
    pub reason: Option<String>,
}

impl Campaign {
    /// Loads the campaign whose campaign.toml is `path` (or the folder holding it).
    pub fn load(path: &Path) -> Result<Campaign, CampaignError> {
        let file_path = if path.is_dir() {
            path.join(CAMPAIGN_FILE)
        } else {
            path.to_path_buf()
        };
        let root = file_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let text = std::fs::read_to_string(&file_path).map_err(|source| CampaignError::Read {
            path: file_path.clone(),
            source,
        })?;
        let file = CampaignFile::parse(&text, &file_path)?;
        Campaign::from_file(file, root, &file_path)
    }

    fn from_file(
        file: CampaignFile,
        root: PathBuf,
        file_path: &Path,
    ) -> Result<Campaign, CampaignError> {
        let invalid = |message: String| CampaignError::Invalid {
            path: file_path.to_path_buf(),
            message,
        };
        let tz: Tz = file
            .campaign
            .timezone
            .parse()
            .map_err(|_| invalid(format!("未知的时区“{}”", file.campaign.timezone)))?;
        let calendar = match &file.paths.calendar {
            Some(p) => Calendar::with_override(&root.join(p))?,
            None => Calendar::builtin(),
        };
        let schedule_path = root.join(&file.paths.schedule);
        let sched = schedule::read(&schedule_path, file.campaign.year)
            .map_err(|e| invalid(e.to_string()))?;

        // Units in order of first appearance in the schedule.
        let mut units: Vec<Unit> = Vec::new();
        let mut activities = Vec::new();
        for row in &sched.rows {
            for name in &row.units {
                let unit = match units.iter().position(|u| &u.name == name) {
                    Some(i) => i,
                    None => {
                        units.push(Unit {
                            name: name.clone(),
                            aliases: Vec::new(),
                            contacts: Vec::new(),
                        });
                        units.len() - 1
                    }
                };
                if let Some(c) = &row.contact {
                    add_contact(&mut units[unit], c.clone());
                }
                let nth = activities
                    .iter()
                    .filter(|a: &&Activity| a.unit == unit)
                    .count()
                    + 1;
                activities.push(Activity {
                    id: format!("{name}#{nth}"),
                    unit,
                    seq: row.seq.clone(),
                    theme: row.theme.clone(),
                    time: row.time.clone(),
                    time_text: row.time_text.clone(),
                    place: row.place.clone(),
                });
            }
        }
        let mut problems = sched.problems.clone();
        for (name, contact) in &sched.contacts {
            match units.iter().position(|u| &u.name == name) {
                Some(i) => add_contact(&mut units[i], contact.clone()),
                None => problems.push(RowProblem {
                    sheet: "联系人".into(),
                    row: 0,
                    reason: format!("联系人表中的单位“{name}”不在活动安排表中"),
                }),
            }
        }
        for entry in &file.units {
            let Some(i) = units.iter().position(|u| u.name == entry.name) else {
                return Err(invalid(format!(
                    "[[units]] 中的单位“{}”不在活动安排表中（请使用安排表中的全称）",
                    entry.name
                )));
            };
            units[i].aliases.extend(entry.aliases.iter().cloned());
            if entry.contact.is_some() || entry.phone.is_some() || !entry.email.is_empty() {
                let emails: Vec<Option<String>> = if entry.email.is_empty() {
                    vec![None]
                } else {
                    entry.email.iter().cloned().map(Some).collect()
                };
                for email in emails {
                    add_contact(
                        &mut units[i],
                        Contact {
                            name: entry.contact.clone(),
                            phone: entry.phone.clone(),
                            email,
                        },
                    );
                }
            }
        }
        for unit in &units {
            for email in unit.emails() {
                if !looks_like_email(email) {
                    return Err(invalid(format!(
                        "单位“{}”的邮箱“{}”格式不正确",
                        unit.name,
                        email.escape_debug()
                    )));
                }
            }
        }
        let roster = Roster::new(units).map_err(|e| invalid(e.0))?;

        let mut deliverables = Vec::new();
        for d in &file.deliverables {
            deliverables.push(resolve_deliverable(d, &file, &roster, tz).map_err(invalid)?);
        }
        if deliverables.is_empty() {
            return Err(invalid("至少需要一项 [[deliverables]]".into()));
        }
        let mut extensions = Vec::new();
        for e in &file.extensions {
            let unit = roster
                .by_name(&e.unit)
                .ok_or_else(|| invalid(format!("[[extensions]] 中的单位“{}”不在名单中", e.unit)))?;
            if let Some(d) = &e.deliverable
                && !deliverables.iter().any(|x: &Deliverable| &x.id == d)
            {
                return Err(invalid(format!("[[extensions]] 中的材料“{d}”不存在")));
            }
            let until = match &e.until {
                Some(t) => Some(
                    deadline::parse_local(t, tz)
                        .ok_or_else(|| invalid(format!("延期时间“{t}”无法识别")))?,
                ),
                None => None,
            };
            if until.is_none() && e.extra_workdays.is_none() {
                return Err(invalid(format!(
                    "[[extensions]] “{}” 需要 until 或 extra_workdays",
                    e.unit
                )));
            }
            extensions.push(Extension {
                unit,
                deliverable: e.deliverable.clone(),
                until,
                extra_workdays: e.extra_workdays,
                reason: e.reason.clone(),
            });
        }
        if let Some(clock) = &file.campaign.clock
            && deadline::parse_local(clock, tz).is_none()
        {
            return Err(invalid(format!(
                "clock “{clock}” 无法识别（应如 2025-06-13T20:00）"
            )));
        }
        Ok(Campaign {
            root,
            file,
            tz,
            roster,
            activities,
            deliverables,
            extensions,
            calendar,
            schedule_problems: problems,
        })
    }

    /// A path from campaign.toml, resolved against the campaign folder.
    pub fn path(&self, p: &Path) -> PathBuf {
        self.root.join(p)
    }

    pub fn inbox(&self) -> PathBuf {
        self.path(&self.file.paths.inbox)
    }

    pub fn state_dir(&self) -> PathBuf {
        self.path(&self.file.paths.state)
    }

    pub fn output_dir(&self) -> PathBuf {
        self.path(&self.file.paths.output)
    }

    pub fn templates_dir(&self) -> PathBuf {
        self.path(&self.file.paths.templates)
    }

    /// The fixed clock from campaign.toml, if any.
    pub fn fixed_clock(&self) -> Option<DateTime<Tz>> {
        self.file
            .campaign
            .clock
            .as_deref()
            .and_then(|c| deadline::parse_local(c, self.tz))
    }

    /// The deliverables that apply to a unit.
    pub fn deliverables_for(&self, unit: usize) -> impl Iterator<Item = &Deliverable> {
        self.deliverables
            .iter()
            .filter(move |d| d.units.contains(&unit))
    }

    /// The deadline of a deliverable for an activity, extensions applied.
    /// `activity_end` overrides the schedule's end (from the unit's own
    /// submitted schedule). None when it cannot be computed.
    pub fn due(
        &self,
        deliverable: &Deliverable,
        activity: &Activity,
        activity_end: Option<NaiveDate>,
    ) -> Option<Due> {
        let end = activity_end.or(activity.time.as_ref().map(|t| t.end));
        let due = deliverable.rule.due(end, &self.calendar, self.tz)?;
        let ext = self.extensions.iter().rev().find(|e| {
            e.unit == activity.unit && e.deliverable.as_ref().is_none_or(|d| d == &deliverable.id)
        });
        Some(match ext {
            Some(e) => deadline::extend(&due, e.until, e.extra_workdays, &self.calendar),
            None => due,
        })
    }
}

fn add_contact(unit: &mut Unit, contact: Contact) {
    if !unit.contacts.contains(&contact) {
        unit.contacts.push(contact);
    }
}

/// A plain check (something@domain.tld, no spaces or control characters);
/// the notify stage parses addresses fully before sending.
fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.chars()
            .all(|c| c.is_ascii_graphic() && !"<>(),;:\"[]\\".contains(c))
}

fn resolve_deliverable(
    d: &DeliverableEntry,
    file: &CampaignFile,
    roster: &Roster,
    tz: Tz,
) -> Result<Deliverable, String> {
    let by_names = |names: &[String]| -> Result<Vec<usize>, String> {
        names
            .iter()
            .map(|n| {
                roster
                    .by_name(n)
                    .ok_or_else(|| format!("材料“{}”适用的单位“{n}”不在名单中", d.name))
            })
            .collect()
    };
    let units = match &d.units {
        UnitsSpec::All => (0..roster.units.len()).collect(),
        UnitsSpec::Keyword(k) if k == "all" => (0..roster.units.len()).collect(),
        UnitsSpec::Keyword(k) => {
            return Err(format!(
                "材料“{}”的 units = “{k}” 应为 \"all\"、名单或 {{ group = \"…\" }}",
                d.name
            ));
        }
        UnitsSpec::List(names) => by_names(names)?,
        UnitsSpec::Group { group } => {
            let names = file.groups.get(group).ok_or_else(|| {
                format!("材料“{}”引用的分组“{group}”未在 [groups] 中定义", d.name)
            })?;
            by_names(names)?
        }
    };
    let rule = match &d.deadline {
        DeadlineEntry::Fixed { at } => DeadlineRule::Fixed(
            deadline::parse_local(at, tz)
                .ok_or_else(|| format!("材料“{}”的截止时间“{at}”无法识别", d.name))?,
        ),
        DeadlineEntry::AfterActivity {
            workdays_after_activity,
            time,
        } => DeadlineRule::AfterActivity {
            workdays: *workdays_after_activity,
            time: deadline::parse_due_time(time)
                .ok_or_else(|| format!("材料“{}”的时刻“{time}”应如 16:00 或 24:00", d.name))?,
        },
    };
    if d.accept.is_empty() {
        return Err(format!("材料“{}”的 accept 不能为空", d.name));
    }
    Ok(Deliverable {
        id: d.id.clone(),
        name: d.name.clone(),
        accept: d.accept.clone(),
        keywords: d.keywords.clone(),
        min_count: d.min_count.max(1),
        units,
        rule,
    })
}
