//! Reminders (催报): at most one per unit per day, listing every open
//! obligation in a reminder stage, escalated to the office and leaders
//! after the configured number of reminders.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone};
use lettre::message::Mailbox;
use serde::Serialize;

use super::{Letterhead, Planned};
use crate::campaign::calendar::Calendar;
use crate::campaign::mail_config::ReminderPolicy;
use crate::model::State;
use crate::notify::message::Kind;

/// One unit's obligations at the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderInput {
    pub unit: String,
    pub contacts: Vec<Mailbox>,
    pub obligations: Vec<Obligation>,
    /// A file of no unit may be this unit's (a near name, its mail
    /// domain, an ambiguous name), or one of its files is still being
    /// copied in: it is not chased until the office decides or the file
    /// has arrived.
    pub maybe_sent: bool,
}

/// One deliverable of one activity of the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    /// Stable id of the activity (schedule row), e.g. `12`.
    pub activity_id: String,
    /// The activity as shown, e.g. 政务公开进社区.
    pub activity: String,
    pub deliverable: String,
    pub state: State,
    pub due: DateTime<FixedOffset>,
    /// The due time as shown, e.g. 2025年5月12日16时前（北京时间）.
    pub due_display: String,
    /// What is missing, e.g. "尚未报送" or "照片2张，需至少3张".
    pub detail: String,
}

/// Who is cc'd when a unit is overdue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Escalation {
    pub office: Vec<Mailbox>,
    pub leaders: Vec<Mailbox>,
}

impl Escalation {
    /// The escalation without `sender`, who needs no copy of its own mail.
    pub fn without(&self, sender: &Mailbox) -> Escalation {
        let others = |list: &[Mailbox]| {
            list.iter()
                .filter(|m| m.email != sender.email)
                .cloned()
                .collect()
        };
        Escalation {
            office: others(&self.office),
            leaders: others(&self.leaders),
        }
    }
}

/// The reminder stage an obligation is in at the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStage {
    Before,
    DueDay,
    /// The k-th reminder after the deadline (from 0).
    After(u32),
}

impl ReminderStage {
    fn key(self, due_date: NaiveDate) -> String {
        match self {
            ReminderStage::Before => format!("before@{due_date}"),
            ReminderStage::DueDay => format!("due@{due_date}"),
            ReminderStage::After(k) => format!("after{k}@{due_date}"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            ReminderStage::Before => "即将截止",
            ReminderStage::DueDay => "今日截止",
            ReminderStage::After(_) => "已逾期",
        }
    }
}

/// Why no reminder goes to a unit today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReminder {
    /// Every obligation is OnTime or Late.
    Complete,
    NotWorkday,
    OutsideOfficeHours,
    NoContacts,
    /// No open obligation is in a stage that has not been reminded yet (or
    /// all are at the cap).
    NothingDue,
    /// A file of no unit may be the unit's (the office decides first), or
    /// one of its files is still arriving.
    MaybeSent,
}

impl NoReminder {
    /// The reason in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            NoReminder::Complete => "已报齐",
            NoReminder::NotWorkday => "非工作日",
            NoReminder::OutsideOfficeHours => "非办公时间",
            NoReminder::NoContacts => "无联系邮箱",
            NoReminder::NothingDue => "今日无需催报",
            NoReminder::MaybeSent => "有可能属于该单位的文件待确认或仍在接收中",
        }
    }
}

/// A reminder decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderPlan {
    pub planned: Planned<ReminderContext>,
    /// `(activity_id, deliverable, stage key)` of the obligations that
    /// triggered it; recorded in the outbox with the message.
    pub triggers: Vec<(String, String, String)>,
}

/// The reminder template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub unit: String,
    pub items: Vec<ReminderItem>,
    /// Some item is past its deadline.
    pub any_overdue: bool,
    /// The office is cc'd.
    pub escalated: bool,
    /// Leadership is cc'd.
    pub escalated_to_leaders: bool,
}

/// One open obligation in a reminder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderItem {
    pub activity: String,
    pub deliverable: String,
    pub state_label: String,
    pub due: String,
    pub detail: String,
    /// 即将截止 / 今日截止 / 已逾期.
    pub stage_label: String,
    /// Working days past the deadline (0 when not overdue).
    pub overdue_days: i64,
}

/// The stage of an obligation due at `due`, at `now`, with the working days
/// overdue; `None` outside every window. (Years the official calendar does
/// not cover count Monday–Friday; the assessment already warns about them.)
fn stage_of(
    policy: &ReminderPolicy,
    cal: &Calendar,
    now: DateTime<FixedOffset>,
    due: DateTime<FixedOffset>,
) -> Option<(ReminderStage, i64)> {
    let today = now.date_naive();
    let due_date = crate::campaign::deadline::last_day(&due.with_timezone(now.offset()));
    let count = |from, to| cal.workdays_between(from, to).0;
    if now < due {
        if today == due_date {
            return policy.on_due_day.then_some((ReminderStage::DueDay, 0));
        }
        let left = count(today, due_date);
        return (policy.days_before > 0 && left <= i64::from(policy.days_before))
            .then_some((ReminderStage::Before, 0));
    }
    let overdue = count(due_date, today);
    if policy.every_after == 0 || overdue < 1 {
        return None;
    }
    let k = (overdue - 1) / i64::from(policy.every_after);
    Some((ReminderStage::After(k as u32), overdue))
}

/// Decides the unit's reminder for the day of `now`. `history` is what
/// [`crate::ledger::Ledger::reminder_items`] returns for the unit.
pub fn plan_reminders(
    policy: &ReminderPolicy,
    cal: &Calendar,
    now: DateTime<FixedOffset>,
    input: &ReminderInput,
    history: &[(String, String, String)],
    escalation: &Escalation,
    letterhead: &Letterhead,
) -> Result<ReminderPlan, NoReminder> {
    let open: Vec<&Obligation> = input
        .obligations
        .iter()
        .filter(|o| o.state.is_open())
        .collect();
    if open.is_empty() {
        return Err(NoReminder::Complete);
    }
    if input.maybe_sent {
        return Err(NoReminder::MaybeSent);
    }
    let today = now.date_naive();
    if !cal.is_workday(today).0 && !policy.allow_non_workdays {
        return Err(NoReminder::NotWorkday);
    }
    if let Some(hours) = policy.office_hours
        && !hours.contains(now.time())
    {
        return Err(NoReminder::OutsideOfficeHours);
    }
    if input.contacts.is_empty() {
        return Err(NoReminder::NoContacts);
    }
    let reminded: BTreeSet<(&str, &str, &str)> = history
        .iter()
        .map(|(a, d, s)| (a.as_str(), d.as_str(), s.as_str()))
        .collect();
    let count_for = |a: &str, d: &str| {
        history
            .iter()
            .filter(|(ha, hd, _)| ha == a && hd == d)
            .count()
    };

    let mut items = Vec::new();
    let mut triggers = Vec::new();
    let mut max_overdue = 0;
    for o in open {
        let Some((stage, overdue)) = stage_of(policy, cal, now, o.due) else {
            continue;
        };
        let count = count_for(&o.activity_id, &o.deliverable);
        if count >= policy.max_per_deliverable as usize {
            continue;
        }
        let key = stage.key(crate::campaign::deadline::last_day(
            &o.due.with_timezone(now.offset()),
        ));
        if !reminded.contains(&(o.activity_id.as_str(), o.deliverable.as_str(), key.as_str())) {
            triggers.push((o.activity_id.clone(), o.deliverable.clone(), key));
        }
        max_overdue = max_overdue.max(overdue);
        items.push(ReminderItem {
            activity: o.activity.clone(),
            deliverable: o.deliverable.clone(),
            state_label: o.state.label().to_string(),
            due: o.due_display.clone(),
            detail: o.detail.clone(),
            stage_label: stage.label().to_string(),
            overdue_days: overdue,
        });
    }
    if triggers.is_empty() {
        return Err(NoReminder::NothingDue);
    }
    let reached = |days: u32| days > 0 && max_overdue >= i64::from(days);
    let not_addressed = |c: &&Mailbox| !input.contacts.iter().any(|t| t.email == c.email);
    let mut cc: Vec<Mailbox> = Vec::new();
    if reached(policy.escalate_after) {
        cc.extend(escalation.office.iter().filter(not_addressed).cloned());
    }
    // The message says it was copied only to whom it was.
    let escalated = !cc.is_empty();
    let mut escalated_to_leaders = false;
    if reached(policy.escalate_leader_after) {
        let leaders: Vec<Mailbox> = escalation
            .leaders
            .iter()
            .filter(not_addressed)
            .cloned()
            .collect();
        escalated_to_leaders = !leaders.is_empty();
        cc.extend(leaders);
    }
    cc.dedup_by(|a, b| a.email == b.email);
    let midnight = today
        .checked_add_days(Days::new(1))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| now.offset().from_local_datetime(&d).single());
    Ok(ReminderPlan {
        planned: Planned {
            kind: Kind::Reminder,
            event_key: format!("reminder:{}:{today}", input.unit),
            unit: Some(input.unit.clone()),
            to: input.contacts.clone(),
            cc,
            context: ReminderContext {
                letterhead: letterhead.clone(),
                unit: input.unit.clone(),
                any_overdue: max_overdue > 0,
                items,
                escalated,
                escalated_to_leaders,
            },
            attachments: vec![],
            expires_at: midnight,
        },
        triggers,
    })
}

impl ReminderContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> ReminderContext {
        ReminderContext {
            letterhead: Letterhead::sample(),
            unit: "县民政局".into(),
            items: vec![ReminderItem {
                activity: "政务公开进社区".into(),
                deliverable: "活动总结".into(),
                state_label: State::Overdue.label().into(),
                due: "2025年5月12日16时前（北京时间）".into(),
                detail: "尚未报送".into(),
                stage_label: ReminderStage::After(0).label().into(),
                overdue_days: 3,
            }],
            any_overdue: true,
            escalated: true,
            escalated_to_leaders: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::mail_config::OfficeHours;
    use crate::notify::test_support::{at, mb};
    use chrono::Datelike;
    use chrono::Weekday;

    fn obligation(activity: &str, deliverable: &str, state: State, due: &str) -> Obligation {
        Obligation {
            activity_id: activity.into(),
            activity: format!("活动{activity}"),
            deliverable: deliverable.into(),
            state,
            due: at(due),
            due_display: due.into(),
            detail: "尚未报送".into(),
        }
    }

    fn unit(obligations: Vec<Obligation>) -> ReminderInput {
        ReminderInput {
            unit: "县民政局".into(),
            contacts: vec![mb("lianluo@minzheng.example.gov.cn")],
            obligations,
            maybe_sent: false,
        }
    }

    fn escalation() -> Escalation {
        Escalation {
            office: vec![mb("office@luxi.example.gov.cn")],
            leaders: vec![mb("leader@luxi.example.gov.cn")],
        }
    }

    fn plan(
        policy: &ReminderPolicy,
        now: &str,
        input: &ReminderInput,
        history: &[(String, String, String)],
    ) -> Result<ReminderPlan, NoReminder> {
        plan_reminders(
            policy,
            &Calendar::builtin(),
            at(now),
            input,
            history,
            &escalation(),
            &Letterhead::sample(),
        )
    }

    /// Activity on Friday 25 April 2025, due 5 working days later: Tuesday
    /// 6 May 16:00 (Sunday 27 April is a make-up workday, 1–5 May are the
    /// May Day holiday). The unit never hands in; the batch runs at 20:00
    /// every night.
    #[test]
    fn nightly_schedule_across_the_2025_may_day_holiday() {
        let policy = ReminderPolicy::default();
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Pending,
            "2025-05-06T16:00:00+08:00",
        )]);
        let mut history = Vec::new();
        let mut sent = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(2025, 4, 25).unwrap();
        while day <= NaiveDate::from_ymd_opt(2025, 5, 20).unwrap() {
            let now = format!("{day}T20:00:00+08:00");
            match plan(&policy, &now, &input, &history) {
                Ok(p) => {
                    assert_eq!(p.planned.event_key, format!("reminder:县民政局:{day}"));
                    assert_eq!(
                        p.planned.expires_at,
                        Some(at(&format!("{}T00:00:00+08:00", day.succ_opt().unwrap())))
                    );
                    let cc: Vec<String> =
                        p.planned.cc.iter().map(|m| m.email.to_string()).collect();
                    sent.push((day.format("%m-%d").to_string(), p.triggers[0].2.clone(), cc));
                    history.extend(p.triggers);
                }
                Err(why) => {
                    if matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
                        && day != NaiveDate::from_ymd_opt(2025, 4, 27).unwrap()
                        || (1..=5).contains(&day.day()) && day.month() == 5
                    {
                        assert_eq!(why, NoReminder::NotWorkday, "{day}");
                    } else {
                        assert_eq!(why, NoReminder::NothingDue, "{day}");
                    }
                }
            }
            day = day.succ_opt().unwrap();
        }
        let office = "office@luxi.example.gov.cn".to_string();
        let leader = "leader@luxi.example.gov.cn".to_string();
        assert_eq!(
            sent,
            vec![
                // 2 working days before 6 May: 30 April and 6 May remain.
                ("04-29".into(), "before@2025-05-06".into(), vec![]),
                // 6 May 20:00 is after the 16:00 deadline: no due-day mail.
                ("05-07".into(), "after0@2025-05-06".into(), vec![]),
                (
                    "05-09".into(),
                    "after1@2025-05-06".into(),
                    vec![office.clone()]
                ),
                (
                    "05-13".into(),
                    "after2@2025-05-06".into(),
                    vec![office, leader]
                ),
                // max_per_deliverable = 4: no after3 on 15 May.
            ]
        );
    }

    #[test]
    fn cap_stops_reminders_per_deliverable() {
        let policy = ReminderPolicy {
            max_per_deliverable: 2,
            ..ReminderPolicy::default()
        };
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Overdue,
            "2025-05-06T16:00:00+08:00",
        )]);
        let history = vec![
            ("7".into(), "活动总结".into(), "before@2025-05-06".into()),
            ("7".into(), "活动总结".into(), "after0@2025-05-06".into()),
        ];
        assert_eq!(
            plan(&policy, "2025-05-09T20:00:00+08:00", &input, &history).unwrap_err(),
            NoReminder::NothingDue
        );
    }

    #[test]
    fn office_hours_and_due_day_for_a_daytime_batch() {
        let policy = ReminderPolicy {
            office_hours: Some("08:30-17:30".parse::<OfficeHours>().unwrap()),
            ..ReminderPolicy::default()
        };
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Pending,
            "2025-05-06T16:00:00+08:00",
        )]);
        assert_eq!(
            plan(&policy, "2025-05-06T07:00:00+08:00", &input, &[]).unwrap_err(),
            NoReminder::OutsideOfficeHours
        );
        let p = plan(&policy, "2025-05-06T10:00:00+08:00", &input, &[]).unwrap();
        assert_eq!(p.triggers[0].2, "due@2025-05-06");
        assert_eq!(p.planned.context.items[0].stage_label, "今日截止");
        assert!(!p.planned.context.any_overdue);
    }

    #[test]
    fn holidays_only_when_allowed() {
        let input = unit(vec![obligation(
            "7",
            "活动总结",
            State::Pending,
            "2025-05-06T16:00:00+08:00",
        )]);
        let policy = ReminderPolicy::default();
        assert_eq!(
            plan(&policy, "2025-05-02T20:00:00+08:00", &input, &[]).unwrap_err(),
            NoReminder::NotWorkday
        );
        let policy = ReminderPolicy {
            allow_non_workdays: true,
            ..policy
        };
        let p = plan(&policy, "2025-05-02T20:00:00+08:00", &input, &[]).unwrap();
        assert_eq!(p.triggers[0].2, "before@2025-05-06");
    }

    #[test]
    fn completed_units_and_items_are_never_chased_and_open_items_share_one_mail() {
        let policy = ReminderPolicy::default();
        let done = unit(vec![
            obligation("7", "活动总结", State::OnTime, "2025-05-06T16:00:00+08:00"),
            obligation("7", "活动照片", State::Late, "2025-05-06T16:00:00+08:00"),
        ]);
        assert_eq!(
            plan(&policy, "2025-05-09T20:00:00+08:00", &done, &[]).unwrap_err(),
            NoReminder::Complete
        );
        let mixed = unit(vec![
            obligation("7", "活动总结", State::OnTime, "2025-05-06T16:00:00+08:00"),
            obligation(
                "7",
                "活动照片",
                State::Incomplete,
                "2025-05-06T16:00:00+08:00",
            ),
            obligation("9", "访谈稿件", State::Pending, "2025-05-12T16:00:00+08:00"),
            obligation(
                "11",
                "活动总结",
                State::Pending,
                "2025-06-30T16:00:00+08:00",
            ),
        ]);
        let p = plan(&policy, "2025-05-08T20:00:00+08:00", &mixed, &[]).unwrap();
        let items: Vec<_> = p
            .planned
            .context
            .items
            .iter()
            .map(|i| {
                (
                    i.deliverable.as_str(),
                    i.stage_label.as_str(),
                    i.overdue_days,
                )
            })
            .collect();
        // 活动总结 is done; the June deadline is outside every window.
        assert_eq!(
            items,
            vec![("活动照片", "已逾期", 2), ("访谈稿件", "即将截止", 0)]
        );
        assert_eq!(p.triggers.len(), 2);
        let mut no_contacts = mixed.clone();
        no_contacts.contacts.clear();
        assert_eq!(
            plan(&policy, "2025-05-08T20:00:00+08:00", &no_contacts, &[]).unwrap_err(),
            NoReminder::NoContacts
        );
    }
}
