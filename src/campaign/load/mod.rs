//! Loading a campaign: campaign.toml, the schedule, the roster, the
//! deliverables and the calendar, checked together into one [`Campaign`].
//!
//! Mistakes in campaign.toml stop here (exit 3), naming the file, the line
//! and the form expected. Mistakes in the office's schedule never do: they
//! become [`Campaign::schedule_problems`] and the batch goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use chrono_tz::Tz;

use super::CampaignError;
use super::calendar::Calendar;
use super::config::{CampaignFile, Per};
use super::deadline::{self, DeadlineRule};
use super::roster::{Roster, Unit};
use super::schedule::{self, Contact, RowProblem, Schedule, SheetKind};
use super::template::Template;
use super::timetext::{ActivityTime, Undetermined};
use crate::inspect::Category;

mod deliverables;
mod errors;
mod exemptions;
mod folders;
mod groups;
mod names;
mod queries;

use deliverables::resolve_deliverable;
use errors::{Errors, check_mail};
use exemptions::exemptions;
use groups::groups;
use names::Names;

/// The file name of a campaign.
pub const CAMPAIGN_FILE: &str = "campaign.toml";

/// A campaign ready for a batch.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The folder holding campaign.toml; relative paths start here.
    pub root: PathBuf,
    /// The campaign.toml it was loaded from.
    pub source: PathBuf,
    pub file: CampaignFile,
    pub tz: Tz,
    pub roster: Roster,
    /// Activities in schedule order; a joint entry is one activity per unit
    /// (each unit's view of it), linked by [`Activity::joint`].
    pub activities: Vec<Activity>,
    pub deliverables: Vec<Deliverable>,
    pub extensions: Vec<Extension>,
    pub exemptions: Vec<Exemption>,
    /// Groups of units: one per sheet that lists units, plus `[groups]`.
    pub groups: BTreeMap<String, Group>,
    pub calendar: Calendar,
    /// Schedule rows and cells that could not be (fully) understood.
    pub schedule_problems: Vec<RowProblem>,
    /// Names across sheets that may mean one unit: questions for the office.
    pub name_questions: Vec<String>,
    /// Names taken as one unit by the alias rules, for `init` to show.
    pub merged_names: Vec<String>,
}

/// One scheduled activity of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// Stable id: the unit's name and the activity's position among its
    /// activities ("县公安局#2").
    pub id: String,
    pub unit: usize,
    /// The same activity as the other units of a joint entry see it
    /// (indexes into `Campaign::activities`); empty for most.
    pub joint: Vec<usize>,
    pub seq: String,
    pub theme: String,
    /// The dates it takes; None when the schedule gives none, and then
    /// `undetermined` says why.
    pub time: Option<ActivityTime>,
    /// Why the activity has no dates (时间待定): no deadline counted from
    /// the activity exists, and the office is asked instead of the unit
    /// being chased.
    pub undetermined: Option<Undetermined>,
    /// The time as the schedule writes it.
    pub time_text: String,
    pub place: Option<String>,
    /// The sheet it comes from.
    pub sheet: String,
    pub row: u32,
}

impl Activity {
    /// The time the schedule gave before the office changed it, from the
    /// last batch's times (activity id → time as then written); None when
    /// it is unchanged or new.
    pub fn earlier_time<'a>(
        &self,
        before: &'a std::collections::BTreeMap<String, String>,
    ) -> Option<&'a str> {
        before
            .get(&self.id)
            .map(String::as_str)
            .filter(|old| *old != self.time_text)
    }
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
    /// Only activities from these sheets owe it (when the deliverable names
    /// groups that are sheets of the schedule); None: any activity.
    pub sheets: Option<Vec<String>>,
    pub per: Per,
    pub rule: DeadlineRule,
    /// The office's template of it (`template = …`), when given.
    pub template: Option<Template>,
}

impl Deliverable {
    /// Optional (`min_count = 0`): accepted and listed when it comes,
    /// never owed.
    pub fn optional(&self) -> bool {
        self.min_count == 0
    }

    /// Why a file of this deliverable is still the office's template
    /// (`template = …`), naming what was left unfilled; None when it is
    /// not, or when the deliverable has no template.
    pub fn unfilled_template(
        &self,
        inspection: &crate::inspect::Inspection,
    ) -> Option<super::template::Unfilled> {
        match (&self.template, &inspection.content) {
            (Some(t), crate::inspect::Content::Document(doc)) => t.left_in(doc),
            _ => None,
        }
    }

    /// Whether `activity` is in this deliverable's reach (its unit owes it,
    /// and it comes from one of the deliverable's sheets).
    pub fn reaches(&self, activity: &Activity) -> bool {
        self.units.contains(&activity.unit)
            && self
                .sheets
                .as_ref()
                .is_none_or(|s| s.contains(&activity.sheet))
    }
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

/// A unit that does not owe something (免报), or a cancelled activity (已取消).
#[derive(Debug, Clone, PartialEq)]
pub struct Exemption {
    pub unit: usize,
    /// The cancelled activity (index into `Campaign::activities`).
    pub activity: Option<usize>,
    /// Only this deliverable (its id).
    pub deliverable: Option<String>,
    pub reason: String,
}

/// A named group of units.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub units: Vec<usize>,
    /// The sheet it was read from (None for `[groups]` of campaign.toml).
    pub sheet: Option<String>,
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
        let text = std::fs::read_to_string(&file_path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                CampaignError::Missing {
                    path: file_path.clone(),
                }
            } else {
                CampaignError::Read {
                    path: file_path.clone(),
                    source,
                }
            }
        })?;
        let file = CampaignFile::parse(&text, &file_path)?;
        let err = Errors {
            path: &file_path,
            text: &text,
        };
        check_mail(&file, &root, &err)?;
        let tz: Tz = file.campaign.timezone.parse().map_err(|_| {
            err.at(
                "timezone",
                format!(
                    "未知的时区“{}”（应如 timezone = \"Asia/Shanghai\"）",
                    file.campaign.timezone
                ),
            )
        })?;
        if let Some((key, message)) = file.intake.imap.as_ref().and_then(|m| m.problem()) {
            return Err(err.at(key, message));
        }
        let calendar = match &file.paths.calendar {
            Some(p) => Calendar::with_override(&root.join(p))?,
            None => Calendar::builtin(),
        };
        let schedule_path = root.join(&file.paths.schedule);
        if !schedule_path.is_file() {
            return Err(err.key_in(
                "paths",
                "schedule",
                format!(
                    "[paths] schedule = \"{}\"：活动安排表 {} {}。请把办公室的活动安排表（xlsx、xls 或 ods）放到这里，\
                     或把 [paths] schedule 改为它的位置（相对于 campaign.toml 所在的文件夹）",
                    file.paths.schedule.display(),
                    schedule_path.display(),
                    if schedule_path.exists() { "不是文件" } else { "不存在" }
                ),
            ));
        }
        let sched = schedule::read(&schedule_path, Some(file.campaign.year), &file.limits)
            .map_err(|e| err.at("schedule", e.to_string()))?;
        Campaign::build(file, root, tz, calendar, &sched, &err)
    }

    fn build(
        file: CampaignFile,
        root: PathBuf,
        tz: Tz,
        calendar: Calendar,
        sched: &Schedule,
        err: &Errors,
    ) -> Result<Campaign, CampaignError> {
        let mut problems = sched.problems.clone();
        let names = Names::new(&file, sched, err)?;
        let mut units: Vec<Unit> = names
            .canonical
            .iter()
            .map(|n| Unit {
                name: n.clone(),
                aliases: names.aliases_of(n),
                contacts: Vec::new(),
            })
            .collect();

        // Activities: each row of an activity list (a joint row once per
        // unit), then each unit of a list of units with its duty.
        let mut activities: Vec<Activity> = Vec::new();
        let contributing: Vec<&str> = sched
            .sheets
            .iter()
            .filter(|s| s.entries > 0 && matches!(s.kind, SheetKind::Activities | SheetKind::Units))
            .map(|s| s.name.as_str())
            .collect();
        let seq_of = |sheet: &str, seq: &str| {
            if contributing.len() > 1 {
                format!("{sheet}-{seq}")
            } else {
                seq.to_string()
            }
        };
        for (row, row_names) in sched.rows.iter().zip(&names.rows) {
            let mut ids: Vec<usize> = Vec::new();
            for name in row_names {
                let u = names.unit(name);
                if !ids.contains(&u) {
                    ids.push(u);
                }
            }
            let first = activities.len();
            for &u in &ids {
                for c in &row.contacts {
                    add_contact(&mut units[u], c.clone());
                }
                let nth = activities.iter().filter(|a| a.unit == u).count() + 1;
                activities.push(Activity {
                    id: format!("{}#{nth}", units[u].name),
                    unit: u,
                    joint: Vec::new(),
                    seq: seq_of(&row.sheet, &row.seq),
                    theme: row.theme.clone(),
                    time: row.time.clone(),
                    undetermined: row.undetermined,
                    time_text: row.time_text.clone(),
                    place: row.place.clone(),
                    sheet: row.sheet.clone(),
                    row: row.row,
                });
            }
            let views: Vec<usize> = (first..activities.len()).collect();
            if views.len() > 1 {
                for &v in &views {
                    activities[v].joint = views.iter().copied().filter(|&o| o != v).collect();
                }
            }
        }
        for l in &sched.listed {
            let u = names.unit(&l.name);
            for c in &l.contacts {
                add_contact(&mut units[u], c.clone());
            }
            let nth = activities.iter().filter(|a| a.unit == u).count() + 1;
            activities.push(Activity {
                id: format!("{}#{nth}", units[u].name),
                unit: u,
                joint: Vec::new(),
                seq: seq_of(&l.sheet, &l.seq),
                theme: l.duty.clone().unwrap_or_else(|| l.sheet.clone()),
                time: None,
                undetermined: Some(Undetermined::NotScheduled),
                time_text: String::new(),
                place: None,
                sheet: l.sheet.clone(),
                row: l.row,
            });
        }

        // Contacts: contacts sheets, then [[units]] of campaign.toml.
        let lookup =
            Roster::with_places(units.clone(), &names.places).map_err(|e| err.roster(e))?;
        for c in &sched.contacts {
            match lookup.by_name(&c.unit) {
                Some(u) => {
                    for contact in &c.contacts {
                        add_contact(&mut units[u], contact.clone());
                    }
                }
                None => problems.push(RowProblem {
                    sheet: c.sheet.clone(),
                    row: c.row,
                    cell: None,
                    reason: format!(
                        "联系人表中的单位“{}”不在任何单位名单中；如是名单中某单位的其他写法，请在campaign.toml的[[units]]中加为别名",
                        c.unit
                    ),
                }),
            }
        }
        for entry in &file.units {
            let u = names.unit(&entry.name);
            let emails: Vec<Option<String>> = if entry.email.is_empty() {
                vec![None]
            } else {
                entry.email.iter().cloned().map(Some).collect()
            };
            for email in emails {
                if let Some(e) = &email
                    && !schedule::looks_like_email(e)
                {
                    return Err(err.at(
                        e,
                        format!(
                            "[[units]] “{}” 的邮箱“{}”格式不正确（应如 email = [\"bgs@example.gov.cn\"]）",
                            entry.name,
                            e.escape_debug()
                        ),
                    ));
                }
                if entry.contact.is_some() || entry.phone.is_some() || email.is_some() {
                    add_contact(
                        &mut units[u],
                        Contact {
                            name: entry.contact.clone(),
                            phone: entry.phone.clone(),
                            email,
                        },
                    );
                }
            }
        }
        let roster = Roster::with_places(units, &names.places).map_err(|e| err.roster(e))?;

        let groups = groups(&file, sched, &activities, &roster, err)?;
        let mut deliverables = Vec::new();
        for d in &file.deliverables {
            deliverables.push(resolve_deliverable(
                d,
                &roster,
                &groups,
                tz,
                &root.join(&file.paths.templates),
                &file.limits,
                err,
            )?);
        }
        if deliverables.is_empty() {
            return Err(err.at(
                "[campaign]",
                "至少需要一项 [[deliverables]]（见演示活动的 campaign.toml）".into(),
            ));
        }
        let mut extensions = Vec::new();
        for e in &file.extensions {
            let unit = roster
                .by_name(&e.unit)
                .ok_or_else(|| err.unknown_unit("[[extensions]] 中的单位", &e.unit, &roster))?;
            if let Some(d) = &e.deliverable
                && !deliverables.iter().any(|x: &Deliverable| &x.id == d)
            {
                return Err(err.at(d, format!("[[extensions]] 中的材料“{d}”不存在")));
            }
            let until = match &e.until {
                Some(t) => Some(deadline::parse_local(t, tz).ok_or_else(|| {
                    err.at(
                        t,
                        format!("延期时间“{t}”无法识别（应如 until = \"2025-06-20T17:00\"）"),
                    )
                })?),
                None => None,
            };
            if until.is_none() && e.extra_workdays.is_none() {
                return Err(err.at(
                    &e.unit,
                    format!(
                        "[[extensions]] “{}” 需要 until = \"2025-06-20T17:00\" 或 extra_workdays = 3",
                        e.unit
                    ),
                ));
            }
            extensions.push(Extension {
                unit,
                deliverable: e.deliverable.clone(),
                until,
                extra_workdays: e.extra_workdays,
                reason: e.reason.clone(),
            });
        }
        let exemptions = exemptions(&file, &roster, &activities, &deliverables, err)?;
        if let Some(clock) = &file.campaign.clock
            && deadline::parse_local(clock, tz).is_none()
        {
            return Err(err.at(
                "clock",
                format!("clock “{clock}” 无法识别（应如 clock = \"2025-06-13T20:00\"）"),
            ));
        }
        Ok(Campaign {
            root,
            source: err.path.to_path_buf(),
            file,
            tz,
            roster,
            activities,
            deliverables,
            extensions,
            exemptions,
            groups,
            calendar,
            schedule_problems: problems,
            name_questions: names.questions,
            merged_names: names.merged,
        })
    }
}

/// The first quoted name in a message, to find its line.
fn add_contact(unit: &mut Unit, contact: Contact) {
    if !unit.contacts.contains(&contact) {
        unit.contacts.push(contact);
    }
}
