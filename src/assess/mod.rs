//! Stage 4, assess: per unit, per activity and per deliverable, is it
//! complete, and on time, at the clock?
//!
//! Input is the campaign and every recorded version (from the ledger);
//! output is a plain [`Assessment`]. Nothing here reads the inbox or writes
//! anything, so an assessment can be recomputed for any clock.
//!
//! The rules:
//! - a file counts when its latest version is not rejected and it is still
//!   in the inbox; photos also must not be flagged (too small, a screenshot,
//!   taken far from the activity, a near-duplicate of another photo of the
//!   unit); byte-identical files count once;
//! - a deliverable is complete when `min_count` files count; it was
//!   completed when the last of the first `min_count` of them arrived, so a
//!   later correction of an on-time file does not make it late;
//! - states: complete before the deadline → 按时报送, after → 逾期报送;
//!   some files but too few → 材料不全; only rejected files → 材料不合格;
//!   nothing → 待报送 before the deadline, 逾期未报 after it.

mod classify;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::campaign::calendar::Coverage;
use crate::campaign::config::Per;
use crate::campaign::{Campaign, roster::Roster};
use crate::fmt::printable;
use crate::inspect::MIN_LONG_EDGE;
use crate::inspect::compare::{self, PHOTO_DATE_TOLERANCE_DAYS};
use crate::inspect::{Category, Content, Inspection, Verdict};
use crate::campaign::identify::{self, Identity, MailContext};
use crate::model::ENTRY_SEP;
use crate::model::State;
use crate::store::StoredVersion;

pub use classify::ActivityBasis;

/// The assessment of a whole campaign at a clock.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub clock: DateTime<FixedOffset>,
    /// One per scheduled activity, in schedule order.
    pub activities: Vec<ActivityAssessment>,
    /// Every current file (latest version of each path), in path order.
    pub files: Vec<FileAssessment>,
    /// Questions for the office: ambiguous names, rows not understood, …
    pub questions: Vec<String>,
    /// Warnings about the assessment itself (calendar coverage, …).
    pub warnings: Vec<String>,
}

/// One activity of one unit.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityAssessment {
    /// Index into `campaign.activities`.
    pub activity: usize,
    pub unit: usize,
    pub items: Vec<ItemAssessment>,
    /// The worst state among the items.
    pub overall: State,
}

/// One deliverable of one activity.
#[derive(Debug, Clone, Serialize)]
pub struct ItemAssessment {
    /// Index into `campaign.deliverables`.
    pub deliverable: usize,
    pub state: State,
    pub due: Option<DateTime<FixedOffset>>,
    /// When the deliverable became complete.
    pub completed: Option<DateTime<FixedOffset>>,
    pub late_workdays: Option<i64>,
    /// Usable files counted (distinct contents).
    pub counted: usize,
    pub needed: usize,
    /// One line in Chinese: what the state means here.
    pub detail: String,
    /// Indexes into `Assessment::files` of the files attributed here.
    pub files: Vec<usize>,
    /// The other units of a joint entry, whose files count here too
    /// (联合报送); empty otherwise.
    pub joint_with: Vec<usize>,
    /// 免报 or 已取消 with the office's reason, for an exempt item.
    pub exemption: Option<(String, String)>,
}

/// A file and what the assessment made of it.
#[derive(Debug, Clone, Serialize)]
pub struct FileAssessment {
    pub path: String,
    pub version_id: i64,
    pub batch_id: i64,
    /// How many versions this path has had.
    pub versions: usize,
    pub hash: String,
    pub size: u64,
    pub arrived: DateTime<FixedOffset>,
    pub inspection: Inspection,
    pub gone: bool,
    pub unit: Option<usize>,
    /// How the unit was found, or why none was.
    pub unit_note: String,
    /// The units an ambiguous name could mean (empty otherwise).
    pub candidates: Vec<usize>,
    pub deliverable: Option<usize>,
    pub activity: Option<usize>,
    /// Counts toward its deliverable.
    pub counted: bool,
    /// Why it does not count, or what the office should know.
    pub flags: Vec<String>,
    /// Set aside by the photo checks before counting (too small, a
    /// screenshot, taken far from the activity, a duplicate), so it can
    /// never be `counted`; `flags` says why.
    pub set_aside: bool,
    /// A photo found inside a Word document.
    pub embedded: bool,
}

impl FileAssessment {
    /// File name without folders, as people read it ([`printable`]).
    pub fn name(&self) -> String {
        printable(self.path.rsplit(['/', '!']).next().unwrap_or(&self.path))
    }

    /// The path as people read it: an entry inside a zip or an e-mail is
    /// shown as "报送.zip › 照片/1.jpg".
    pub fn display_path(&self) -> String {
        printable(&self.path.replace(ENTRY_SEP, " › "))
    }

    /// The file as its unit knows it, for the unit's receipt: "您6月6日16:40
    /// 发来的邮件中的附件《活动总结.docx》", "收件箱中的《潭溪镇/材料.zip》内的
    /// 《照片1.jpg》". `tz` is the campaign's zone, in which the unit's own
    /// clock reads.
    pub fn as_the_unit_knows_it(&self, tz: &FixedOffset) -> String {
        let mut parts = self.path.split(ENTRY_SEP);
        let outer = parts.next().unwrap_or_default();
        let is_mail = |p: &str| p.to_ascii_lowercase().ends_with(".eml");
        let mut text = String::new();
        let mut previous = outer;
        let mut inner = parts.peekable();
        if is_mail(outer) && inner.peek().is_some() {
            text.push_str(&format!(
                "您{}发来的邮件",
                self.arrived.with_timezone(tz).format("%-m月%-d日%H:%M")
            ));
        } else {
            text.push_str(&format!("收件箱中的《{outer}》"));
        }
        for part in inner {
            let name = part.rsplit('/').next().unwrap_or(part);
            text.push_str(if is_mail(previous) {
                "中的附件"
            } else {
                "内的"
            });
            text.push_str(&format!("《{name}》"));
            previous = part;
        }
        printable(&text)
    }

    /// Assigned to no unit.
    pub fn unassigned(&self) -> bool {
        self.unit.is_none()
    }
}

/// The latest version of every path, with its version count.
fn current_versions(versions: &[StoredVersion]) -> Vec<(&StoredVersion, usize)> {
    let mut latest: BTreeMap<&str, (&StoredVersion, usize)> = BTreeMap::new();
    for v in versions {
        let entry = latest.entry(v.path.as_str()).or_insert((v, 0));
        entry.1 += 1;
        if v.version_id > entry.0.version_id {
            entry.0 = v;
        }
    }
    latest.into_values().collect()
}

/// The path of the container an entry is in.
fn container_of(path: &str) -> Option<&str> {
    path.rfind(ENTRY_SEP).map(|i| &path[..i])
}

/// Assesses the campaign at `clock` from the recorded versions.
pub fn assess(
    campaign: &Campaign,
    versions: &[StoredVersion],
    clock: DateTime<FixedOffset>,
) -> Assessment {
    let roster: &Roster = &campaign.roster;
    let current = current_versions(versions);
    let by_path: HashMap<&str, &StoredVersion> =
        current.iter().map(|(v, _)| (v.path.as_str(), *v)).collect();
    let mut questions: Vec<String> = campaign
        .schedule_problems
        .iter()
        .map(|p| p.to_string())
        .chain(campaign.name_questions.iter().cloned())
        .collect();
    let owed = owed(campaign);
    let mut warnings = Vec::new();

    // 1. Every file: unit, deliverable, activity.
    let mut files: Vec<FileAssessment> = Vec::new();
    for (v, count) in &current {
        let is_container = matches!(v.inspection.content, Content::Container(_));
        if is_container && v.inspection.verdict != Verdict::Reject {
            continue; // its entries are the submissions
        }
        let mail = mail_context(&v.path, &by_path);
        let identity = identify::identify(
            roster,
            &v.path,
            &MailContext {
                subject: mail.and_then(|m| m.subject.as_deref()),
                sender: mail.and_then(|m| m.from_addr.as_deref()),
            },
        );
        let embedded = container_of(&v.path)
            .and_then(|c| by_path.get(c))
            .is_some_and(|c| matches!(c.inspection.content, Content::Document(_)));
        let candidates = match &identity {
            Identity::Ambiguous { units, .. } => units.clone(),
            _ => Vec::new(),
        };
        let (unit, unit_note) = match &identity {
            Identity::Unit { unit, basis } => (Some(*unit), basis.describe()),
            Identity::Ambiguous { text, units } => {
                let names: Vec<&str> = units
                    .iter()
                    .map(|&u| roster.units[u].name.as_str())
                    .collect();
                let note = format!("“{text}”可能指{}，无法确定单位", names.join("、"));
                questions.push(format!(
                    "{}: {note}，请在campaign.toml中为单位补充别名或更正文件名",
                    printable(&v.path)
                ));
                (None, note)
            }
            Identity::Unknown => (None, "未能识别所属单位".to_string()),
        };
        files.push(FileAssessment {
            path: v.path.clone(),
            version_id: v.version_id,
            batch_id: v.batch_id,
            versions: *count,
            hash: v.hash.clone(),
            size: v.size,
            arrived: v.arrived_at,
            inspection: v.inspection.clone(),
            gone: v.gone,
            unit,
            unit_note,
            candidates,
            deliverable: None,
            activity: None,
            counted: false,
            flags: Vec::new(),
            set_aside: false,
            embedded,
        });
    }
    for f in files.iter_mut() {
        let Some(unit) = f.unit else { continue };
        let choice = classify::deliverable(campaign, unit, &f.path, &f.inspection);
        f.deliverable = match choice {
            classify::Choice::Deliverable(d) => Some(d),
            classify::Choice::NoneAccepts => {
                if !f.embedded {
                    f.flags.push(format!(
                        "不属于任何报送材料（{}）",
                        f.inspection.kind.label()
                    ));
                }
                None
            }
            classify::Choice::Undecided(ds) => {
                let names: Vec<&str> = ds
                    .iter()
                    .map(|&d| campaign.deliverables[d].name.as_str())
                    .collect();
                f.flags.push(format!(
                    "无法判断属于{}中的哪一项，请在文件名中注明",
                    names.join("或")
                ));
                None
            }
        };
        let dates = file_dates(&f.inspection);
        let arrived = f.arrived.date_naive();
        // Among the unit's activities that owe this file's deliverable
        // (or owe anything, for a file of no deliverable).
        let owes = |ai: usize| match f.deliverable {
            Some(d) => owed[ai].contains(&d),
            None => !owed[ai].is_empty(),
        };
        let mine: Vec<usize> = (0..campaign.activities.len())
            .filter(|&ai| campaign.activities[ai].unit == unit)
            .collect();
        let owing: Vec<usize> = mine.iter().copied().filter(|&ai| owes(ai)).collect();
        let candidates = if owing.is_empty() { mine } else { owing };
        if let Some((a, basis)) = classify::activity(
            campaign,
            &candidates,
            &f.path,
            &f.inspection,
            &dates,
            arrived,
        ) {
            f.activity = Some(a);
            if basis == ActivityBasis::Arrival {
                f.flags
                    .push(format!("按报送时间归入“{}”", campaign.activities[a].theme));
            }
        }
    }
    flag_photos(campaign, &mut files);
    flag_foreign_summaries(campaign, &mut files);

    // 2. Every activity and deliverable.
    let mut activities = Vec::new();
    let mut guessed_years = std::collections::BTreeSet::new();
    for (ai, activity) in campaign.activities.iter().enumerate() {
        let mut items = Vec::new();
        for &di in &owed[ai] {
            let deliverable = &campaign.deliverables[di];
            // A joint entry's files count for each of its units; a duty a
            // unit owes on its own, only its own files.
            let joint: Vec<usize> = match deliverable.per {
                Per::Activity => activity.joint.clone(),
                Per::Unit => Vec::new(),
            };
            let mine: Vec<usize> = files
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.deliverable == Some(di)
                        && !f.gone
                        && f.activity.is_some_and(|a| a == ai || joint.contains(&a))
                })
                .map(|(i, _)| i)
                .collect();
            // The unit's own schedule, whatever deliverable it was sent for,
            // says when the activity really ended.
            let schedule_end = files
                .iter()
                .filter(|f| {
                    f.activity == Some(ai) && !f.gone && f.inspection.verdict != Verdict::Reject
                })
                .filter_map(|f| match &f.inspection.content {
                    Content::Spreadsheet(w) => w.activity_dates.map(|(_, end)| end),
                    _ => None,
                })
                .max();
            // Owed once by the unit: due after the last of its activities.
            let end = match deliverable.per {
                Per::Activity => schedule_end,
                Per::Unit => campaign
                    .activities
                    .iter()
                    .filter(|a| a.unit == activity.unit && deliverable.reaches(a))
                    .filter_map(|a| a.time.as_ref().map(|t| t.end))
                    .chain(schedule_end)
                    .max(),
            };
            let due = campaign.due(deliverable, activity, end);
            if let Some(d) = &due
                && d.coverage == Coverage::Guessed
            {
                guessed_years.insert(d.at.date_naive().format("%Y").to_string());
            }
            let due_at = due.as_ref().map(|d| d.at.fixed_offset());
            let mut item = item_status(campaign, &mut files, &mine, di, due_at, clock);
            item.joint_with = joint.iter().map(|&a| campaign.activities[a].unit).collect();
            if let Some(e) = campaign.exemption(deliverable, ai) {
                item.state = State::Exempt;
                item.late_workdays = None;
                item.detail = format!("{}：{}", e.label(), e.reason);
                item.exemption = Some((e.label().to_string(), e.reason.clone()));
            } else if due.is_none() {
                questions.push(format!(
                    "{}“{}”的开展时间“{}”无法识别，{}的截止时间无法计算",
                    campaign.roster.units[activity.unit].name,
                    activity.theme,
                    activity.time_text,
                    deliverable.name
                ));
            }
            items.push(item);
        }
        if items.is_empty() {
            continue; // a duty that owes nothing of its own (see `owed`)
        }
        let overall = items.iter().map(|i| i.state).max().unwrap_or(State::OnTime);
        activities.push(ActivityAssessment {
            activity: ai,
            unit: activity.unit,
            items,
            overall,
        });
    }
    for year in guessed_years {
        warnings.push(format!(
            "{year}年的官方节假日安排不在日历数据中，该年的截止时间暂按周一至周五推算；请在campaign.toml的 paths.calendar 中补充该年日历"
        ));
    }
    Assessment {
        clock,
        activities,
        files,
        questions,
        warnings,
    }
}

/// The e-mail a file came in, if it did.
fn mail_context<'a>(
    path: &str,
    by_path: &HashMap<&str, &'a StoredVersion>,
) -> Option<&'a crate::inspect::EmailMeta> {
    let mut p = path;
    while let Some(c) = container_of(p) {
        if let Some(v) = by_path.get(c)
            && let Content::Container(meta) = &v.inspection.content
            && let Some(m) = &meta.email
        {
            return Some(m);
        }
        p = c;
    }
    None
}

/// Dates a file states about the activity (photo taken, schedule dates).
fn file_dates(inspection: &Inspection) -> Vec<NaiveDate> {
    match &inspection.content {
        Content::Photo(p) => p.taken.map(|t| t.date()).into_iter().collect(),
        Content::Spreadsheet(w) => w
            .activity_dates
            .map(|(a, b)| vec![a, b])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Flags photos that should not count toward a minimum.
fn flag_photos(campaign: &Campaign, files: &mut [FileAssessment]) {
    let mut seen_hash: HashMap<(usize, String), usize> = HashMap::new();
    let mut hashes: Vec<(usize, u64, usize)> = Vec::new(); // (unit, phash, file)
    for i in 0..files.len() {
        let f = &files[i];
        let (Some(unit), Content::Photo(photo)) = (f.unit, &f.inspection.content) else {
            continue;
        };
        if f.inspection.verdict == Verdict::Reject {
            continue;
        }
        let mut flags = Vec::new();
        if photo.width.max(photo.height) < MIN_LONG_EDGE {
            flags.push(format!(
                "照片分辨率过低（{}×{}），不计入张数",
                photo.width, photo.height
            ));
        }
        if photo.screenshot {
            flags.push("疑似截图，不计入张数".to_string());
        }
        if let (Some(taken), Some(a)) = (photo.taken, f.activity.map(|a| &campaign.activities[a]))
            && let Some(t) = &a.time
            && compare::photo_date_outside(Some(taken), t.start, t.end, PHOTO_DATE_TOLERANCE_DAYS)
        {
            flags.push(format!(
                "拍摄日期{}与活动时间（{}）相差较远，不计入张数",
                taken.date(),
                t.text
            ));
        }
        if let Some(&first) = seen_hash.get(&(unit, f.hash.clone())) {
            flags.push(format!("与{}内容相同，只计一次", files[first].name()));
        } else if let Some(ph) = photo.phash {
            if let Some(&(_, _, j)) = hashes
                .iter()
                .find(|(u, h, _)| *u == unit && compare::near_duplicate(*h, ph))
            {
                flags.push(format!(
                    "与{}几乎相同（连拍或重复），不计入张数",
                    files[j].name()
                ));
            }
            if flags.is_empty() {
                hashes.push((unit, ph, i));
            }
        }
        if flags.is_empty() {
            seen_hash.insert((unit, f.hash.clone()), i);
        } else {
            files[i].flags.extend(flags);
            files[i].set_aside = true;
        }
    }
}

/// Flags summaries whose title names another unit than the one filed under.
fn flag_foreign_summaries(campaign: &Campaign, files: &mut [FileAssessment]) {
    for f in files.iter_mut() {
        let (Some(unit), Some(title)) = (f.unit, classify::title_of(&f.inspection)) else {
            continue;
        };
        if let crate::campaign::roster::Found::Unit { unit: named, .. } =
            campaign.roster.find_in(title)
            && named != unit
        {
            f.flags.push(format!(
                "文中标题写的是“{}”，与报送单位“{}”不一致，请核实",
                campaign.roster.units[named].name, campaign.roster.units[unit].name
            ));
        }
    }
}

/// Whether a file counts toward its deliverable.
fn usable(f: &FileAssessment) -> bool {
    f.inspection.verdict != Verdict::Reject && !f.gone && !f.set_aside
}

fn item_status(
    campaign: &Campaign,
    files: &mut [FileAssessment],
    mine: &[usize],
    deliverable: usize,
    due: Option<DateTime<FixedOffset>>,
    clock: DateTime<FixedOffset>,
) -> ItemAssessment {
    let d = &campaign.deliverables[deliverable];
    let mut usable_files: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|&i| usable(&files[i]))
        .collect();
    usable_files.sort_by_key(|&i| files[i].arrived);
    for &i in &usable_files {
        files[i].counted = true;
    }
    let counted = usable_files.len();
    let rejected: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|&i| files[i].inspection.verdict == Verdict::Reject)
        .collect();
    let completed = (counted >= d.min_count).then(|| files[usable_files[d.min_count - 1]].arrived);
    let cal = &campaign.calendar;
    let tz = clock.timezone();
    let fmt = |t: DateTime<FixedOffset>| crate::fmt::format_time(t.with_timezone(&tz));
    // The last day on which a file was still on time.
    let last_day =
        |due: DateTime<FixedOffset>| (due - chrono::Duration::nanoseconds(1)).date_naive();
    let (state, late, detail) = match (completed, due) {
        (Some(done), Some(due)) if done >= due => {
            let n = cal.workdays_between(last_day(due), done.date_naive()).0;
            let text = if n == 0 {
                format!("逾期报送（截止{}，{}送达）", fmt(due), fmt(done))
            } else {
                format!("逾期{n}个工作日报送（截止{}）", fmt(due))
            };
            (State::Late, Some(n), text)
        }
        (Some(done), _) => (
            State::OnTime,
            None,
            format!("已按时报送（{}送达）", fmt(done)),
        ),
        (None, _) if counted > 0 => {
            let unit = if d.accept.contains(&Category::Photo) {
                "张"
            } else {
                "份"
            };
            (
                State::Incomplete,
                None,
                format!("{}{counted}{unit}，需至少{}{unit}", d.name, d.min_count),
            )
        }
        (None, _) if !rejected.is_empty() => {
            let f = &files[rejected[rejected.len() - 1]];
            let reason = f
                .inspection
                .reason
                .clone()
                .unwrap_or_else(|| "文件无法使用".into());
            let reason = printable(&reason);
            (State::Invalid, None, format!("{}：{reason}", f.name()))
        }
        (None, Some(due)) if clock >= due => {
            let n = cal.workdays_between(last_day(due), clock.date_naive()).0;
            (
                State::Overdue,
                Some(n),
                format!("逾期未报（截止{}）", fmt(due)),
            )
        }
        (None, Some(due)) => (State::Pending, None, format!("待报送，截止{}", fmt(due))),
        (None, None) => (
            State::Pending,
            None,
            "待报送（截止时间无法计算）".to_string(),
        ),
    };
    ItemAssessment {
        deliverable,
        state,
        due,
        completed,
        late_workdays: late,
        counted,
        needed: d.min_count,
        detail,
        files: mine.to_vec(),
        joint_with: Vec::new(),
        exemption: None,
    }
}

/// The deliverables each activity owes, by index. Owed per activity: by
/// every activity the deliverable reaches. Owed per unit: by the unit's
/// first activity it reaches, which carries it in the tables.
fn owed(campaign: &Campaign) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); campaign.activities.len()];
    for (di, d) in campaign.deliverables.iter().enumerate() {
        let mut carried: Vec<usize> = Vec::new();
        for (ai, a) in campaign.activities.iter().enumerate() {
            if !d.reaches(a) {
                continue;
            }
            match d.per {
                Per::Activity => out[ai].push(di),
                Per::Unit if !carried.contains(&a.unit) => {
                    carried.push(a.unit);
                    out[ai].push(di);
                }
                Per::Unit => {}
            }
        }
    }
    out
}
