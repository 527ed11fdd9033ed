//! The first page: the counts by state and month, the paragraph in words,
//! who must act and what falls due in the next days.

use std::collections::BTreeMap;

use super::*;
use crate::assess::ItemAssessment;
use crate::fmt::format_as_of;
use crate::wording::{activity_reason, of_them_joint};

/// Where an activity's state puts it on the first page's list of units that
/// must act: worst first; None for activities in order or not yet due.
pub fn attention(state: State) -> Option<u8> {
    match state {
        State::Overdue => Some(0),
        State::Invalid => Some(1),
        State::Incomplete => Some(2),
        State::Late => Some(3),
        State::OnTime | State::Pending | State::Exempt => None,
    }
}

/// The column of the activities without dates in the month chart.
const UNDATED: &str = "时间未定";

pub(super) fn overview(campaign: &Campaign, a: &Assessment) -> Overview {
    // 免报 is shown only in campaigns that have exempt activities, and then
    // in every count (each month's row has the same columns).
    let exempt = a.activities.iter().any(|st| st.overall == State::Exempt);
    let shown: Vec<State> = State::ALL
        .into_iter()
        .filter(|s| *s != State::Exempt || exempt)
        .collect();
    let count_states = |states: &mut dyn Iterator<Item = State>| -> Vec<StateCount> {
        let mut counts: BTreeMap<State, usize> = BTreeMap::new();
        for s in states {
            *counts.entry(s).or_default() += 1;
        }
        shown
            .iter()
            .map(|s| StateCount {
                state: *s,
                label: s.label().to_string(),
                count: counts.get(s).copied().unwrap_or(0),
            })
            .collect()
    };
    // Activities without dates (时间待定) are a column of their own, last:
    // every chart and table adds up to all activities.
    // A joint entry counts once, in its worst unit's state.
    let entries: Vec<(usize, State)> = a
        .entries(campaign)
        .iter()
        .map(|views| {
            let worst = views.iter().map(|st| st.overall).max();
            (views[0].activity, worst.unwrap_or(State::Pending))
        })
        .collect();
    let mut months: BTreeMap<Option<(i32, u32)>, Vec<State>> = BTreeMap::new();
    for &(ai, overall) in &entries {
        let month = campaign.activities[ai]
            .time
            .as_ref()
            .map(|t| (t.end.year(), t.end.month()));
        months.entry(month).or_default().push(overall);
    }
    let undated = months.remove(&None);
    let by_month = months
        .into_iter()
        .filter_map(|(m, states)| Some((format!("{}月", m?.1), states)))
        .chain(undated.map(|states| (UNDATED.to_string(), states)))
        .map(|(month, states)| MonthCounts {
            month,
            counts: count_states(&mut states.into_iter()),
        })
        .collect();
    Overview {
        units: campaign.roster.units.len(),
        activities: entries.len(),
        joint: entries
            .iter()
            .filter(|(ai, _)| !campaign.activities[*ai].joint.is_empty())
            .count(),
        by_state: count_states(&mut entries.iter().map(|(_, s)| *s)),
        by_month,
    }
}

/// The first page: the paragraph, who must act, what falls due soon.
pub(super) fn situation(
    campaign: &Campaign,
    a: &Assessment,
    overview: &Overview,
    clock: &Clock,
    cutoff: bool,
) -> Situation {
    let needs_action = needs_action(campaign, a);
    let (upcoming_window, upcoming) = upcoming(campaign, a, clock);
    Situation {
        paragraph: paragraph(campaign, a, overview, clock, cutoff, &needs_action),
        needs_action,
        upcoming_days: UPCOMING_DAYS,
        upcoming_window,
        upcoming,
    }
}

/// The activities some unit must act on, worst first and, within a state,
/// in schedule order, each with what is wrong in a few words.
fn needs_action(campaign: &Campaign, a: &Assessment) -> Vec<ActionItem> {
    let mut needs_action: Vec<(u8, ActionItem)> = a
        .activities
        .iter()
        .filter_map(|st| {
            let rank = attention(st.overall)?;
            Some((
                rank,
                ActionItem {
                    unit: campaign.roster.units[st.unit].name.clone(),
                    theme: campaign.activities[st.activity].theme.clone(),
                    state: st.overall,
                    reason: activity_reason(campaign, a, st).unwrap_or_default(),
                },
            ))
        })
        .collect();
    // Stable: within a state, schedule order.
    needs_action.sort_by_key(|(rank, _)| *rank);
    needs_action.into_iter().map(|(_, i)| i).collect()
}

/// The first page's paragraph: how many activities, how many complete,
/// which units are late or failing and what they still owe, how many are
/// not yet due.
fn paragraph(
    campaign: &Campaign,
    a: &Assessment,
    overview: &Overview,
    clock: &Clock,
    cutoff: bool,
    needs_action: &[ActionItem],
) -> String {
    let count = |state: State| {
        overview
            .by_state
            .iter()
            .find(|c| c.state == state)
            .map_or(0, |c| c.count)
    };
    // The units of the activities in a state, each once, in schedule order.
    let named = |state: State| {
        let mut names: Vec<&str> = Vec::new();
        for item in needs_action.iter().filter(|i| i.state == state) {
            if !names.contains(&item.unit.as_str()) {
                names.push(&item.unit);
            }
        }
        names.join("、")
    };
    let with_units = |state: State| {
        let n = count(state);
        format!("{}{n}项（{}）", state.label(), named(state))
    };
    let joint = of_them_joint(overview.joint);
    let mut text = format!(
        "{}，{}个单位共安排活动{}项{joint}。",
        format_as_of(clock.local(a.clock), cutoff),
        overview.units,
        overview.activities
    );
    let (on_time, late) = (count(State::OnTime), count(State::Late));
    let complete = on_time + late;
    if complete > 0 {
        text.push_str(&format!("已报齐{complete}项，其中按时报送{on_time}项"));
        if late > 0 {
            text.push_str(&format!("，{}", with_units(State::Late)));
        }
        text.push('；');
    }
    let failing: Vec<State> = [State::Overdue, State::Invalid, State::Incomplete]
        .into_iter()
        .filter(|s| count(*s) > 0)
        .collect();
    let failing_total: usize = failing.iter().map(|s| count(*s)).sum();
    if failing_total > 0 {
        let parts: Vec<String> = failing.iter().map(|s| with_units(*s)).collect();
        text.push_str(&format!(
            "未按要求报送{failing_total}项，其中{}",
            parts.join("，")
        ));
        let owed = owed_by_deliverable(campaign, a);
        if !owed.is_empty() {
            text.push_str(&format!("，共缺{}", owed.join("、")));
        }
        text.push('；');
    }
    let pending = count(State::Pending);
    if pending > 0 {
        let undated = a
            .entries(campaign)
            .iter()
            .filter(|views| views.iter().map(|st| st.overall).max() == Some(State::Pending))
            .filter(|views| campaign.activities[views[0].activity].time.is_none())
            .count();
        text.push_str(&format!("尚未到报送时限{pending}项"));
        if undated > 0 {
            text.push_str(&format!("，其中{undated}项开展时间未定、截止时间待明确"));
        }
        text.push('；');
    }
    // Every activity is in one of the sentences: the totals add up.
    let exempt = count(State::Exempt);
    if exempt > 0 {
        text.push_str(&format!("另有{exempt}项免报或已取消；"));
    }
    if text.ends_with('；') {
        text.pop();
        text.push('。');
    }
    if failing_total == 0 && late == 0 {
        text.push_str("目前没有需要督促的单位。");
    }
    text
}

/// What falls due in the next [`UPCOMING_DAYS`] days and is not in yet,
/// soonest first, one line per activity; and that window's first and last
/// day.
fn upcoming(
    campaign: &Campaign,
    a: &Assessment,
    clock: &Clock,
) -> ((NaiveDate, NaiveDate), Vec<UpcomingItem>) {
    let window_start = clock.local(a.clock);
    let window_end = window_start + chrono::Duration::days(i64::from(UPCOMING_DAYS));
    let mut upcoming: Vec<(NaiveDateTime, UpcomingItem)> = a
        .activities
        .iter()
        .filter_map(|st| {
            let open: Vec<&ItemAssessment> = st
                .items
                .iter()
                .filter(|i| i.state == State::Pending)
                .filter(|i| {
                    i.due.is_some_and(|d| {
                        clock.local(d) > window_start && clock.local(d) <= window_end
                    })
                })
                .collect();
            let due = open.iter().filter_map(|i| i.due).min()?;
            Some((
                clock.local(due),
                UpcomingItem {
                    due: clock.at(due),
                    unit: campaign.roster.units[st.unit].name.clone(),
                    theme: campaign.activities[st.activity].theme.clone(),
                    owed: open
                        .iter()
                        .map(|i| campaign.deliverables[i.deliverable].name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                },
            ))
        })
        .collect();
    upcoming.sort_by_key(|(due, _)| *due);
    (
        (window_start.date(), window_end.date()),
        upcoming.into_iter().map(|(_, i)| i).collect(),
    )
}

/// Per deliverable, how many of the activities that are past due still lack
/// it: "活动总结4项".
pub(super) fn owed_by_deliverable(campaign: &Campaign, a: &Assessment) -> Vec<String> {
    campaign
        .deliverables
        .iter()
        .enumerate()
        .filter_map(|(di, d)| {
            // A joint entry owes a deliverable of the activity once.
            let n: usize = a
                .entries(campaign)
                .iter()
                .map(|views| {
                    let failing: Vec<&ItemAssessment> = views
                        .iter()
                        .filter_map(|st| {
                            st.items.iter().find(|i| {
                                i.deliverable == di
                                    && matches!(
                                        i.state,
                                        State::Overdue | State::Invalid | State::Incomplete
                                    )
                            })
                        })
                        .collect();
                    match failing.first() {
                        Some(item) if !item.joint_with.is_empty() => 1,
                        _ => failing.len(),
                    }
                })
                .sum();
            (n > 0).then(|| format!("{}{n}项", d.name))
        })
        .collect()
}
