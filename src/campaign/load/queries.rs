//! What the stages ask of a loaded campaign: its folders, its clock, which
//! deliverables a unit owes, exemptions, extensions and deadlines.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::{Activity, Campaign, Deliverable, Extension};
use crate::campaign::config::Per;
use crate::campaign::deadline::{self, ActivityDays, Due};
use crate::campaign::timetext::ActivityTime;

impl Campaign {
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

    /// The schedule's entries and how many of them are joint: a row
    /// naming several units is one entry (its first unit's view of it).
    pub fn entry_counts(&self) -> (usize, usize) {
        let first_views = self
            .activities
            .iter()
            .enumerate()
            .filter(|(i, a)| a.joint.iter().all(|o| o > i));
        first_views.fold((0, 0), |(all, joint), (_, a)| {
            (all + 1, joint + usize::from(!a.joint.is_empty()))
        })
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

    /// The exemption (its index in [`Campaign::exemptions`]), if any, of a
    /// deliverable for an activity. A
    /// cancelled activity cancels what is owed for it, not what the unit
    /// owes on its own (`per = "unit"`) and the activity only carries.
    pub fn exemption(&self, deliverable: &Deliverable, activity: usize) -> Option<usize> {
        let unit = self.activities[activity].unit;
        self.exemptions.iter().position(|e| {
            e.unit == unit
                && e.activity
                    .is_none_or(|a| a == activity && deliverable.per == Per::Activity)
                && e.deliverable.as_ref().is_none_or(|d| d == &deliverable.id)
        })
    }

    /// The extension the office granted `unit` for a deliverable (the last
    /// one written in campaign.toml wins).
    pub fn extension(&self, deliverable: &Deliverable, unit: usize) -> Option<&Extension> {
        self.extensions
            .iter()
            .rev()
            .find(|e| e.unit == unit && e.deliverable.as_ref().is_none_or(|d| d == &deliverable.id))
    }

    /// The deadline of a deliverable for an activity, extensions applied.
    ///
    /// A rule counted from the activity counts "before" from the activity's
    /// first day and "after" from its last; a vague time (a month, 第三季度)
    /// spans the whole of it. A deliverable owed once per unit
    /// (`per = "unit"`) counts from the first and the last of all the unit's
    /// activities that owe it. `activity_end`, when given, is the end the
    /// unit's own submitted schedule states (for `per = "unit"`, the last of
    /// them all): it replaces the schedule's end. None when the activity has
    /// no dates ([`Activity::undetermined`]).
    pub fn due(
        &self,
        deliverable: &Deliverable,
        activity: &Activity,
        activity_end: Option<NaiveDate>,
    ) -> Option<Due> {
        let days = self.activity_days(deliverable, activity, activity_end);
        let due = deliverable.rule.due(days, &self.calendar, self.tz)?;
        Some(match self.extension(deliverable, activity.unit) {
            Some(e) => deadline::extend(&due, e.until, e.extra_workdays, &self.calendar),
            None => due,
        })
    }

    /// The days a deadline of `deliverable` for `activity` counts from
    /// (see [`Campaign::due`]); None when the activity has no dates.
    pub fn activity_days(
        &self,
        deliverable: &Deliverable,
        activity: &Activity,
        activity_end: Option<NaiveDate>,
    ) -> Option<ActivityDays> {
        let spans: Vec<&ActivityTime> = match deliverable.per {
            Per::Activity => activity.time.iter().collect(),
            Per::Unit => self
                .activities
                .iter()
                .filter(|a| a.unit == activity.unit && deliverable.reaches(a))
                .filter_map(|a| a.time.as_ref())
                .collect(),
        };
        let last = activity_end.or(spans.iter().map(|t| t.end).max());
        let first = spans.iter().map(|t| t.start).min().or(last);
        first
            .zip(last)
            .map(|(first, last)| ActivityDays { first, last })
    }
}
