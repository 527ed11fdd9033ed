//! Building the [`Report`] from an assessment: the one place where states
//! become the words and numbers leadership reads. Renderers only draw it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Timelike};

use super::*;
use crate::assess::{ActivityStatus, Assessment, FileStatus, ItemStatus};
use crate::campaign::{Campaign, Deliverable};
use crate::inspect::{Category, Content, FileKind, Verdict};
use crate::model::ENTRY_SEP;
use crate::store::Store;
use crate::store::StoredVersion;

/// How far ahead the first page looks for deadlines.
pub const UPCOMING_DAYS: u32 = 7;

/// The zone label shown next to times: 北京时间 for China, else the offset.
pub fn zone_label(campaign: &Campaign) -> String {
    if campaign.file.campaign.timezone == "Asia/Shanghai" {
        "北京时间".to_string()
    } else {
        campaign.file.campaign.timezone.clone()
    }
}

/// The short text of a status cell, for the status and the messages: the
/// state, how late, what is missing; 免报 / 已取消 for an exempt item;
/// （联合报送） for a joint entry's.
pub fn cell_text(item: &ItemStatus) -> String {
    let text = state_text(item);
    if item.joint_with.is_empty() || item.state == State::Exempt {
        text
    } else {
        format!("{text}（联合报送）")
    }
}

fn state_text(item: &ItemStatus) -> String {
    if let Some((label, _)) = &item.exemption {
        return label.clone();
    }
    match (item.state, item.late_workdays) {
        (State::Late, Some(0)) => "逾期报送（当日）".to_string(),
        (State::Late, Some(n)) => format!("逾期{n}个工作日报送"),
        (State::Overdue, Some(n)) if n > 0 => format!("逾期未报（{n}个工作日）"),
        (State::Incomplete, _) | (State::Invalid, _) => {
            format!("{}：{}", item.state.label(), item.detail)
        }
        (state, _) => state.label().to_string(),
    }
}

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

/// The times of a batch in its zone.
struct Clock {
    tz: FixedOffset,
}

impl Clock {
    fn local(&self, t: DateTime<FixedOffset>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }
    fn long(&self, t: DateTime<FixedOffset>) -> String {
        format_time(t.with_timezone(&self.tz))
    }
    fn short(&self, t: DateTime<FixedOffset>) -> String {
        format_short(self.local(t))
    }
    /// A deadline in a table: its day, and its time unless it is the end
    /// of the day ("7月7日", "6月20日 17:00").
    fn deadline(&self, t: DateTime<FixedOffset>) -> String {
        let local = self.local(t);
        if local.time() == chrono::NaiveTime::MIN {
            format_day(local)
        } else {
            format_short(local)
        }
    }
    /// A day as tables show it: "6月4日".
    fn day(&self, t: DateTime<FixedOffset>) -> String {
        self.local(t).format("%-m月%-d日").to_string()
    }
}

/// What a batch knows beside the assessment that the status board shows:
/// every version recorded, the outbox (as `notify` lists it), what intake left for later and the
/// batch's warnings (the assessment's and intake's).
#[derive(Debug, Clone, Copy, Default)]
pub struct Batch<'a> {
    pub versions: &'a [StoredVersion],
    pub messages: &'a [MessageLine],
    pub receiving: &'a [String],
    pub ignored: usize,
    pub warnings: &'a [String],
}

/// Builds the report of a batch run at `generated` with the assessment's clock.
pub fn build(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    generated: DateTime<FixedOffset>,
    batch: &Batch,
) -> Report {
    let clock = Clock {
        tz: a.clock.timezone(),
    };
    let zone = zone_label(campaign);
    let deliverables: Vec<DeliverableHead> = campaign
        .deliverables
        .iter()
        .map(|d| DeliverableHead {
            id: d.id.clone(),
            name: d.name.clone(),
        })
        .collect();
    let overview = overview(campaign, a);
    let rows = a
        .activities
        .iter()
        .map(|st| status_row(campaign, a, st, &clock))
        .collect();

    let summaries = summary_deliverables(campaign);
    let mut units: Vec<UnitSection> = Vec::new();
    let mut awaiting = Vec::new();
    for st in &a.activities {
        let act = &campaign.activities[st.activity];
        let unit_name = &campaign.roster.units[act.unit].name;
        let files: Vec<&FileStatus> = a
            .files
            .iter()
            .filter(|f| f.activity == Some(st.activity))
            .collect();
        let section = activity_section(campaign, a, store, st, &files, &summaries, &clock);
        if !section.has_material() {
            awaiting.push(AwaitingRow {
                seq: act.seq.clone(),
                unit: unit_name.clone(),
                theme: act.theme.clone(),
                time: act.time_text.clone(),
                state: st.overall,
                due: st
                    .items
                    .iter()
                    .filter_map(|i| i.due)
                    .min()
                    .map(|d| clock.deadline(d)),
            });
            continue;
        }
        match units.iter_mut().find(|u| &u.unit == unit_name) {
            Some(u) => u.activities.push(section),
            None => units.push(UnitSection {
                unit: unit_name.clone(),
                activities: vec![section],
            }),
        }
    }

    let (unassigned, unclassified, invalid) = file_lines(campaign, a);
    let ambiguous = a
        .files
        .iter()
        .filter(|f| f.unassigned() && !f.candidates.is_empty())
        .map(|f| FileLine {
            path: super::printable(&f.path),
            unit: None,
            reason: format!(
                "可能是{}，请确认后改名或在campaign.toml的[[units]]中补充别名",
                f.candidates
                    .iter()
                    .map(|&u| campaign.roster.units[u].name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        })
        .collect();
    let local = clock.local(a.clock);
    let as_of = format!(
        "截至{}年{}月{}日{}时",
        local.year(),
        local.month(),
        local.day(),
        local.hour()
    );
    Report {
        title: campaign.file.campaign.title.clone(),
        office: campaign.file.campaign.office.clone(),
        generated_at: format!("{}（{zone}）", clock.long(generated)),
        situation: situation(campaign, a, &overview, &as_of, &clock),
        as_of,
        date: local.format("%Y年%-m月%-d日").to_string(),
        deliverables,
        overview,
        status_note: status_note(a),
        rows,
        units,
        awaiting,
        office_tasks: OfficeTasks {
            unassigned,
            ambiguous,
            unclassified,
            invalid,
            receiving: batch
                .receiving
                .iter()
                .map(|p| super::printable(p))
                .collect(),
            ignored: batch.ignored,
            questions: a.questions.iter().chain(batch.warnings).cloned().collect(),
        },
        files: sent_files(campaign, a, store, batch.versions, &clock),
        messages: batch.messages.to_vec(),
    }
}

/// Every file of a unit but the containers (their entries are listed,
/// saying how they came) and the pictures inside Word files, with every
/// version of it.
fn sent_files(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    versions: &[StoredVersion],
    clock: &Clock,
) -> Vec<SentFile> {
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
            let reason = f
                .inspection
                .reason
                .iter()
                .chain(&f.flags)
                .map(|r| super::printable(r))
                .collect::<Vec<_>>();
            let versions = by_path
                .get(f.path.as_str())
                .map(|vs| {
                    vs.iter()
                        .map(|v| FileVersion {
                            arrived: clock.short(v.arrived_at),
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
fn how_it_came(path: &str, versions: &BTreeMap<&str, Vec<&StoredVersion>>) -> String {
    let Some((outer, _)) = path.split_once(ENTRY_SEP) else {
        return match path.rsplit_once('/') {
            Some((folder, _)) => format!("收件箱文件夹“{}”", super::printable(folder)),
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
            super::printable(&format!(
                "邮件（发件人：{from}；主题：{}）",
                m.subject.as_deref().unwrap_or("（无主题）")
            ))
        }
        None => {
            let name = outer.rsplit('/').next().unwrap_or(outer);
            super::printable(&format!("压缩包《{name}》"))
        }
    }
}

/// A size as people read it: "820 KB", "35.2 MB".
fn size_text(bytes: u64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The note under the status table, naming the 免报 colour only when the
/// campaign has exempt items.
fn status_note(a: &Assessment) -> String {
    let exempt = a
        .activities
        .iter()
        .flat_map(|st| &st.items)
        .any(|i| i.state == State::Exempt);
    format!(
        "注：单元格底色表示状态，红色为逾期未报，橙色为逾期报送，黄色为材料不全或不合格，绿色为按时报送，白色为尚未到报送时限{}；黑白打印时以格内文字为准。“不适用”表示该单位无需报送此项材料。",
        if exempt {
            "，灰蓝色为按通知免报或活动已取消"
        } else {
            ""
        }
    )
}

fn overview(campaign: &Campaign, a: &Assessment) -> Overview {
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
    let mut months: BTreeMap<(i32, u32), Vec<State>> = BTreeMap::new();
    for st in &a.activities {
        if let Some(t) = &campaign.activities[st.activity].time {
            months
                .entry((t.end.year(), t.end.month()))
                .or_default()
                .push(st.overall);
        }
    }
    Overview {
        units: campaign.roster.units.len(),
        activities: a.activities.len(),
        by_state: count_states(&mut a.activities.iter().map(|s| s.overall)),
        by_month: months
            .into_iter()
            .map(|((_, m), states)| MonthCounts {
                month: format!("{m}月"),
                counts: count_states(&mut states.into_iter()),
            })
            .collect(),
    }
}

/// What one item lacks or did wrong, in a few words after the
/// deliverable's name ("2张，需3张", "为.doc格式"); None when it is in order
/// or not yet due.
fn item_reason(a: &Assessment, d: &Deliverable, item: &ItemStatus) -> Option<String> {
    match item.state {
        State::OnTime | State::Pending | State::Exempt => None,
        State::Late => Some(match item.late_workdays {
            Some(n) if n > 0 => format!("逾期{n}个工作日报送"),
            _ => "逾期报送".to_string(),
        }),
        State::Overdue => Some(match item.late_workdays {
            Some(n) if n > 0 => format!("未报送，已逾期{n}个工作日"),
            _ => "未报送，已过报送时限".to_string(),
        }),
        State::Incomplete => {
            let unit = measure(d);
            Some(format!("{}{unit}，需{}{unit}", item.counted, item.needed))
        }
        State::Invalid => Some(
            item.files
                .iter()
                .map(|&i| &a.files[i])
                .rfind(|f| f.inspection.verdict == Verdict::Reject)
                .map_or_else(|| "不符合要求".to_string(), rejected_reason),
        ),
    }
}

/// The measure word of a deliverable's files: 张 for photos, else 份.
fn measure(d: &Deliverable) -> &'static str {
    if d.accept.contains(&Category::Photo) {
        "张"
    } else {
        "份"
    }
}

/// Why a rejected file cannot be used, in a few words: its real format when
/// that is the problem, else the first clause of the inspection's reason.
fn rejected_reason(f: &FileStatus) -> String {
    match f.inspection.kind {
        FileKind::Doc => "为.doc格式（应为.docx）".to_string(),
        FileKind::Wps => "为.wps格式（应为.docx）".to_string(),
        FileKind::Xls | FileKind::Et => "为旧版表格格式（应为.xlsx）".to_string(),
        FileKind::EncryptedOffice => "文件已加密，无法打开".to_string(),
        FileKind::Empty => "为空文件".to_string(),
        _ => {
            let reason = f.inspection.reason.as_deref().unwrap_or("不符合要求");
            let first = reason.split(['；', '。']).next().unwrap_or(reason);
            format!("不合格（{first}）")
        }
    }
}

/// The items of an activity that are not in order, as one line:
/// "活动总结为.doc格式（应为.docx）；活动照片逾期4个工作日报送". Items with the
/// same reason share it: "活动总结、活动照片均未报送，已逾期4个工作日".
fn activity_reason(campaign: &Campaign, a: &Assessment, st: &ActivityStatus) -> Option<String> {
    let mut groups: Vec<(Vec<&str>, String)> = Vec::new();
    for item in &st.items {
        let d = &campaign.deliverables[item.deliverable];
        let Some(reason) = item_reason(a, d, item) else {
            continue;
        };
        match groups.iter_mut().find(|(_, r)| *r == reason) {
            Some((names, _)) => names.push(&d.name),
            None => groups.push((vec![&d.name], reason)),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(names, reason)| {
            let both = if names.len() > 1 { "均" } else { "" };
            format!("{}{both}{reason}", names.join("、"))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("；"))
}

/// The first page: the paragraph, who must act, what falls due soon.
fn situation(
    campaign: &Campaign,
    a: &Assessment,
    overview: &Overview,
    as_of: &str,
    clock: &Clock,
) -> Situation {
    let unit_of = |st: &ActivityStatus| campaign.roster.units[st.unit].name.clone();
    let mut needs_action: Vec<(u8, ActionItem)> = a
        .activities
        .iter()
        .filter_map(|st| {
            let rank = attention(st.overall)?;
            Some((
                rank,
                ActionItem {
                    unit: unit_of(st),
                    theme: campaign.activities[st.activity].theme.clone(),
                    state: st.overall,
                    reason: activity_reason(campaign, a, st).unwrap_or_default(),
                },
            ))
        })
        .collect();
    // Stable: within a state, schedule order.
    needs_action.sort_by_key(|(rank, _)| *rank);
    let needs_action: Vec<ActionItem> = needs_action.into_iter().map(|(_, i)| i).collect();

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
    let mut text = format!(
        "{as_of}，{}个单位共安排活动{}项。",
        overview.units, overview.activities
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
        text.push_str(&format!("尚未到报送时限{pending}项；"));
    }
    if text.ends_with('；') {
        text.pop();
        text.push('。');
    }
    if failing_total == 0 && late == 0 {
        text.push_str("目前没有需要督促的单位。");
    }

    let window_start = clock.local(a.clock);
    let window_end = window_start + chrono::Duration::days(i64::from(UPCOMING_DAYS));
    let mut upcoming: Vec<(NaiveDateTime, UpcomingItem)> = a
        .activities
        .iter()
        .filter_map(|st| {
            let open: Vec<&ItemStatus> = st
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
                    due: clock.short(due),
                    unit: unit_of(st),
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
    Situation {
        paragraph: text,
        needs_action,
        upcoming_days: UPCOMING_DAYS,
        upcoming_window: format!(
            "{}至{}",
            window_start.format("%-m月%-d日"),
            window_end.format("%-m月%-d日")
        ),
        upcoming: upcoming.into_iter().map(|(_, i)| i).collect(),
    }
}

/// Per deliverable, how many of the activities that are past due still lack
/// it: "活动总结4项".
fn owed_by_deliverable(campaign: &Campaign, a: &Assessment) -> Vec<String> {
    campaign
        .deliverables
        .iter()
        .enumerate()
        .filter_map(|(di, d)| {
            let n = a
                .activities
                .iter()
                .filter(|st| {
                    st.items.iter().any(|i| {
                        i.deliverable == di
                            && matches!(
                                i.state,
                                State::Overdue | State::Invalid | State::Incomplete
                            )
                    })
                })
                .count();
            (n > 0).then(|| format!("{}{n}项", d.name))
        })
        .collect()
}

fn status_row(
    campaign: &Campaign,
    a: &Assessment,
    st: &ActivityStatus,
    clock: &Clock,
) -> StatusRow {
    let act = &campaign.activities[st.activity];
    let cells = campaign
        .deliverables
        .iter()
        .enumerate()
        .map(
            |(di, d)| match st.items.iter().find(|i| i.deliverable == di) {
                None => StatusCell {
                    state: None,
                    text: "不适用".to_string(),
                    when: None,
                    due: None,
                    due_at: None,
                    arrived: None,
                    arrived_at: None,
                    late_workdays: None,
                    extension: None,
                },
                Some(item) => StatusCell {
                    extension: campaign.extension(d, act.unit).map(|e| {
                        let until = match (e.until, e.extra_workdays) {
                            (Some(t), _) => format!("延期至{}", format_short(t.naive_local())),
                            (None, Some(n)) => format!("延期{n}个工作日"),
                            (None, None) => "已延期".to_string(),
                        };
                        match &e.reason {
                            Some(r) => format!("{until}（{r}）"),
                            None => until,
                        }
                    }),
                    state: Some(item.state),
                    text: match &item.exemption {
                        Some((label, _)) => label.clone(),
                        None if !item.joint_with.is_empty() => {
                            format!("{}（联合报送）", item.state.label())
                        }
                        None => item.state.label().to_string(),
                    },
                    when: cell_line(a, d, item, clock),
                    due: item.due.map(|t| clock.long(t)),
                    due_at: item.due.map(|t| clock.local(t)),
                    arrived: item.completed.map(|t| clock.long(t)),
                    arrived_at: item.completed.map(|t| clock.local(t)),
                    late_workdays: item.late_workdays.filter(|_| item.state == State::Late),
                },
            },
        )
        .collect();
    StatusRow {
        seq: act.seq.clone(),
        unit: campaign.roster.units[act.unit].name.clone(),
        theme: act.theme.clone(),
        time: act.time_text.clone(),
        cells,
        overall: st.overall,
    }
}

/// The line under a cell's state: when it arrived, how late, what is wrong
/// or when it is due.
fn cell_line(a: &Assessment, d: &Deliverable, item: &ItemStatus, clock: &Clock) -> Option<String> {
    let arrived = item.completed.map(|t| format!("{}送达", clock.day(t)));
    match item.state {
        State::OnTime => arrived,
        State::Late => Some(match (arrived, item.late_workdays.filter(|n| *n > 0)) {
            (Some(arrived), Some(n)) => format!("{arrived}，逾期{n}个工作日"),
            (Some(arrived), None) => arrived,
            (None, _) => item_reason(a, d, item).unwrap_or_default(),
        }),
        State::Overdue => item
            .late_workdays
            .filter(|n| *n > 0)
            .map(|n| format!("已逾期{n}个工作日")),
        State::Incomplete | State::Invalid => item_reason(a, d, item),
        State::Pending => item.due.map(|t| format!("{}截止", clock.deadline(t))),
        State::Exempt => item.exemption.as_ref().map(|(_, reason)| reason.clone()),
    }
}

impl ActivitySection {
    /// Whether the unit sent anything the report can show.
    pub fn has_material(&self) -> bool {
        self.summary.is_some()
            || self.schedule.is_some()
            || !self.photos.is_empty()
            || !self.videos.is_empty()
    }
}

/// The deliverables whose documents the report prints as the activity's
/// summary: those named 总结 when the campaign asks for other documents
/// too (建昌's 访谈稿件 is not a summary), else every one.
fn summary_deliverables(campaign: &Campaign) -> Vec<usize> {
    let named: Vec<usize> = (0..campaign.deliverables.len())
        .filter(|&d| campaign.deliverables[d].name.contains("总结"))
        .collect();
    if named.is_empty() {
        (0..campaign.deliverables.len()).collect()
    } else {
        named
    }
}

fn activity_section(
    campaign: &Campaign,
    a: &Assessment,
    store: &Store,
    st: &ActivityStatus,
    files: &[&FileStatus],
    summaries: &[usize],
    clock: &Clock,
) -> ActivitySection {
    let act = &campaign.activities[st.activity];
    let latest = |cat: Category| {
        files
            .iter()
            .filter(|f| f.counted && f.inspection.kind.category() == cat)
            .filter(|f| {
                cat != Category::Document || f.deliverable.is_some_and(|d| summaries.contains(&d))
            })
            .max_by_key(|f| f.arrived)
    };
    let summary = latest(Category::Document).and_then(|f| match &f.inspection.content {
        Content::Document(d) => Some(Summary {
            file_name: f.name(),
            title: d.title.clone(),
            blocks: d.blocks.clone(),
        }),
        _ => None,
    });
    let schedule = latest(Category::Spreadsheet).and_then(|f| match &f.inspection.content {
        Content::Spreadsheet(w) => w.sheets.first().cloned(),
        _ => None,
    });
    let mut photos: Vec<&&FileStatus> = files
        .iter()
        .filter(|f| f.counted && matches!(f.inspection.content, Content::Photo(_)))
        .collect();
    photos.sort_by_key(|f| (f.embedded, f.path.clone()));
    let year = clock.local(a.clock).year();
    let photos = photos
        .into_iter()
        .filter_map(|f| {
            let Content::Photo(p) = &f.inspection.content else {
                return None;
            };
            let jpeg = store.derived_path(&f.hash);
            let original = store.blob_path(&f.hash);
            jpeg.exists().then(|| PhotoItem {
                original: original.is_file().then_some(original),
                jpeg,
                width: p.width,
                height: p.height,
                name: photo_name(a, f),
                taken: p.taken.map(|t| {
                    let date = if t.year() == year {
                        "%-m月%-d日 %H:%M"
                    } else {
                        "%Y年%-m月%-d日 %H:%M"
                    };
                    t.format(date).to_string()
                }),
            })
        })
        .collect();
    let videos = files
        .iter()
        .filter(|f| f.inspection.kind.category() == Category::Video)
        .map(|f| video_item(store, f))
        .collect();
    // What leadership should know about the files shown: why a photo was
    // not counted, a resubmission. A photo pasted into the summary is part
    // of the summary and gets no remarks of its own; a file that left the
    // inbox is the office's business.
    let shown = files.iter().filter(|f| !f.embedded && !f.gone);
    let mut notes: Vec<String> = shown
        .clone()
        .flat_map(|f| {
            f.flags
                .iter()
                .map(move |fl| format!("{}：{}", f.name(), super::printable(fl)))
        })
        .collect();
    notes.extend(item_notes(campaign, a, st));
    for f in shown.filter(|f| f.versions > 1) {
        notes.push(format!(
            "{}：已重新报送，以{}送达的版本为准",
            f.name(),
            clock.short(f.arrived)
        ));
    }
    ActivitySection {
        seq: act.seq.clone(),
        theme: act.theme.clone(),
        time: act.time_text.clone(),
        place: act.place.clone(),
        overall: st.overall,
        remark: activity_reason(campaign, a, st),
        summary,
        schedule,
        photos,
        videos,
        notes,
    }
}

/// A video by name, size and duration, with its poster when the inspect
/// stage made one.
fn video_item(store: &Store, f: &FileStatus) -> VideoItem {
    let video = match &f.inspection.content {
        Content::Video(v) => Some(v),
        _ => None,
    };
    let duration = video
        .and_then(|v| v.duration_secs)
        .map(|s| format!("，{}分{}秒", (s as u64) / 60, (s as u64) % 60))
        .unwrap_or_default();
    let label = format!(
        "{}（{:.1} MB{duration}）",
        f.name(),
        f.size as f64 / 1_048_576.0
    );
    let jpeg = store.derived_path(&f.hash);
    let original = store.blob_path(&f.hash);
    let poster = video.filter(|_| jpeg.exists()).map(|v| PhotoItem {
        jpeg,
        width: v.width,
        height: v.height,
        name: label.clone(),
        taken: None,
        original: original.is_file().then_some(original),
    });
    VideoItem {
        resolution: video
            .filter(|v| v.width > 0 && v.height > 0)
            .map(|v| format!("{}×{}", v.width, v.height)),
        codec: video
            .and_then(|v| v.codec.as_deref())
            .map(crate::inspect::codec_label),
        note: video.and_then(|v| v.note.clone()),
        poster,
        label,
    }
}

/// A photo as the unit knows it: its file name, or, pasted into a Word
/// summary, "《总结.docx》内插图2" (its place among the document's pictures).
fn photo_name(a: &Assessment, f: &FileStatus) -> String {
    let parent = f
        .path
        .rsplit_once(ENTRY_SEP)
        .and_then(|(container, entry)| {
            let doc = a.files.iter().find(|p| p.path == container)?;
            Some((doc, entry))
        })
        .filter(|_| f.embedded);
    let Some((doc, entry)) = parent else {
        return f.name();
    };
    let place = match &doc.inspection.content {
        Content::Document(d) => d.images.iter().position(|i| i.name == entry),
        _ => None,
    };
    match place {
        Some(n) => format!("《{}》内插图{}", doc.name(), n + 1),
        None => format!("《{}》内插图", doc.name()),
    }
}

/// What the report says of an activity's items beyond their state: who
/// filed a joint entry's files, and why an item is exempt.
fn item_notes(campaign: &Campaign, a: &Assessment, st: &ActivityStatus) -> Vec<String> {
    let mut notes = Vec::new();
    for item in &st.items {
        let d = &campaign.deliverables[item.deliverable];
        if let Some((label, reason)) = &item.exemption {
            notes.push(format!("{}：{label}（{reason}）", d.name));
            continue;
        }
        if item.joint_with.is_empty() {
            continue;
        }
        let partners: Vec<&str> = item
            .joint_with
            .iter()
            .map(|&u| campaign.roster.units[u].name.as_str())
            .collect();
        let by: Vec<String> = item
            .files
            .iter()
            .map(|&i| &a.files[i])
            .filter(|f| f.counted)
            .map(|f| {
                let unit = f
                    .unit
                    .map_or("", |u| campaign.roster.units[u].name.as_str());
                format!("{unit}报送的{}", f.name())
            })
            .collect();
        notes.push(if by.is_empty() {
            format!(
                "{}：与{}联合报送，任一单位报送即可",
                d.name,
                partners.join("、")
            )
        } else {
            format!(
                "{}：与{}联合报送（{}）",
                d.name,
                partners.join("、"),
                by.join("、")
            )
        });
    }
    notes
}

/// The files the office must look at, for its digest and the status: those
/// of no unit (and why), those of a unit that fit no deliverable, and
/// rejected ones with the reason.
pub fn file_lines(
    campaign: &Campaign,
    a: &Assessment,
) -> (Vec<FileLine>, Vec<FileLine>, Vec<FileLine>) {
    let line = |f: &FileStatus, reason: String| FileLine {
        path: super::printable(&f.path),
        unit: f.unit.map(|u| campaign.roster.units[u].name.clone()),
        reason: super::printable(&reason),
    };
    let unassigned = a
        .files
        .iter()
        .filter(|f| f.unassigned())
        .map(|f| line(f, f.unit_note.clone()))
        .collect();
    let unclassified = a
        .files
        .iter()
        .filter(|f| f.unit.is_some() && f.deliverable.is_none() && !f.embedded)
        .map(|f| line(f, f.flags.join("；")))
        .collect();
    let invalid = a
        .files
        .iter()
        .filter(|f| f.inspection.verdict == Verdict::Reject)
        .map(|f| line(f, f.inspection.reason.clone().unwrap_or_default()))
        .collect();
    (unassigned, unclassified, invalid)
}
