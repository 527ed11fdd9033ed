//! Small hand-built inputs for the unit tests of the pure stages (assess,
//! wording, report, notify's plan, status): a campaign of four units and
//! five activities, and recorded file versions with their inspections. One
//! place, so every test builds the same campaign the same way.
//!
//! The campaign (2025, 北京时间, the official calendar):
//!
//! | activity | unit | theme | time |
//! |---|---|---|---|
//! | 0 | 0 县公安局 | 法治宣传进社区 | 5月15日 |
//! | 1 | 0 县公安局 | 禁毒宣传 | 6月10日 |
//! | 2 | 1 县林业局 | 森林防火宣传 | 5月20日 |
//! | 3 | 2 县民政局 | 养老服务宣传 | 待定 (unreadable) |
//! | 4 | 3 州民政局 | 社会救助宣传 | 5月16日 |
//!
//! Deliverables, each due at the end of the fifth working day after the
//! activity (activity 0: 5月22日 24:00): 0 活动总结 (a document named
//! 总结), 1 活动照片 (at least 3 photos), 2 访谈稿件 (a document named 访谈,
//! 县公安局 only). 县公安局 and 县民政局 have an address, [mail] is set.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::calendar::Calendar;
use super::config::{CampaignFile, Per};
use super::deadline::{DeadlineRule, DueTime};
use super::roster::{Roster, Unit};
use super::schedule::Contact;
use super::timetext::ActivityTime;
use super::{Activity, Campaign, Deliverable};
use crate::inspect::{
    Category, Container, Content, Document, EmailMeta, FileKind, Inspection, Photo, Verdict,
};
use crate::store::StoredVersion;

/// The test campaign.
pub fn campaign() -> Campaign {
    let file: CampaignFile = toml::from_str(
        r#"
deliverables = []
[campaign]
id = "t"
title = "测试活动"
office = "县行政审批服务局"
year = 2025
[mail]
from = "office@example.cn"
office = ["office@example.cn"]
"#,
    )
    .expect("the test campaign.toml reads");
    let unit = |name: &str, email: Option<&str>| Unit {
        name: name.into(),
        aliases: Vec::new(),
        contacts: email
            .map(|e| Contact {
                email: Some(e.into()),
                ..Contact::default()
            })
            .into_iter()
            .collect(),
    };
    let roster = Roster::new(vec![
        unit("县公安局", Some("gaj@example.cn")),
        unit("县林业局", None),
        unit("县民政局", Some("mzj@example.cn")),
        unit("州民政局", None),
    ])
    .expect("the test roster is valid");
    Campaign {
        root: std::path::PathBuf::from("."),
        file,
        tz: chrono_tz::Asia::Shanghai,
        roster,
        activities: vec![
            activity(0, 0, "法治宣传进社区", Some((5, 15))),
            activity(1, 0, "禁毒宣传", Some((6, 10))),
            activity(2, 1, "森林防火宣传", Some((5, 20))),
            activity(3, 2, "养老服务宣传", None),
            activity(4, 3, "社会救助宣传", Some((5, 16))),
        ],
        deliverables: vec![
            deliverable(
                "summary",
                "活动总结",
                Category::Document,
                &["总结"],
                1,
                &[0, 1, 2, 3],
            ),
            deliverable("photos", "活动照片", Category::Photo, &[], 3, &[0, 1, 2, 3]),
            deliverable(
                "interview",
                "访谈稿件",
                Category::Document,
                &["访谈"],
                1,
                &[0],
            ),
        ],
        extensions: Vec::new(),
        exemptions: Vec::new(),
        groups: Default::default(),
        calendar: Calendar::builtin(),
        schedule_problems: Vec::new(),
        name_questions: Vec::new(),
        merged_names: Vec::new(),
    }
}

/// Activity `i` of `unit`, on one day of 2025 (month, day) or at a time
/// the schedule wrote as "待定".
fn activity(i: usize, unit: usize, theme: &str, day: Option<(u32, u32)>) -> Activity {
    let time = day.map(|(m, d)| {
        let date = NaiveDate::from_ymd_opt(2025, m, d).expect("a valid test date");
        ActivityTime {
            text: format!("{m}月{d}日"),
            start: date,
            end: date,
            month_only: false,
        }
    });
    Activity {
        id: format!("a{i}"),
        unit,
        joint: Vec::new(),
        seq: (i + 1).to_string(),
        theme: theme.into(),
        time_text: time.as_ref().map_or("待定".into(), |t| t.text.clone()),
        time,
        place: None,
        sheet: "活动安排".into(),
        row: i as u32 + 3,
    }
}

fn deliverable(
    id: &str,
    name: &str,
    accept: Category,
    keywords: &[&str],
    min_count: usize,
    units: &[usize],
) -> Deliverable {
    Deliverable {
        id: id.into(),
        name: name.into(),
        accept: vec![accept],
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        min_count,
        units: units.to_vec(),
        sheets: None,
        per: Per::Activity,
        rule: DeadlineRule::AfterActivity {
            workdays: 5,
            time: DueTime::EndOfDay,
        },
    }
}

/// A time in the campaign's zone: "2025-05-16T10:00".
pub fn at(local: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{local}:00+08:00")).expect("a valid test time")
}

/// Version `id` of `path` (its own content hash "h{id}"), arrived on 16
/// May 2025 at 10:00 in batch 1.
pub fn version(id: i64, path: &str, inspection: Inspection) -> StoredVersion {
    StoredVersion {
        version_id: id,
        file_id: id,
        path: path.into(),
        parent_path: None,
        batch_id: 1,
        hash: format!("h{id}"),
        size: 1000,
        arrived_at: at("2025-05-16T10:00"),
        arrival_basis: "test".into(),
        inspection,
        gone: false,
    }
}

/// The same version, arrived at `local` ("2025-05-16T10:00").
pub fn arrived(v: StoredVersion, local: &str) -> StoredVersion {
    StoredVersion {
        arrived_at: at(local),
        ..v
    }
}

fn inspection(kind: FileKind, content: Content) -> Inspection {
    Inspection {
        kind,
        verdict: Verdict::Ok,
        reason: None,
        notes: Vec::new(),
        content,
    }
}

/// A Word document with a title.
pub fn document(title: &str) -> Inspection {
    inspection(
        FileKind::Docx,
        Content::Document(Document {
            title: Some(title.into()),
            ..Document::default()
        }),
    )
}

/// A photo of `width`×`height`, no EXIF date, no perceptual hash.
pub fn photo(width: u32, height: u32) -> Inspection {
    inspection(
        FileKind::Jpeg,
        Content::Photo(Photo {
            width,
            height,
            ..Photo::default()
        }),
    )
}

/// A photo with the facts the checks look at changed by `edit`.
pub fn photo_with(edit: impl FnOnce(&mut Photo)) -> Inspection {
    let mut p = Photo {
        width: 1600,
        height: 1200,
        ..Photo::default()
    };
    edit(&mut p);
    inspection(FileKind::Jpeg, Content::Photo(p))
}

/// A file the inspect stage rejected, of `kind`, and why.
pub fn rejected(kind: FileKind, reason: &str) -> Inspection {
    Inspection {
        verdict: Verdict::Reject,
        reason: Some(reason.into()),
        ..inspection(kind, Content::None)
    }
}

/// A saved e-mail with its subject and sender.
pub fn mail(subject: &str, from: &str) -> Inspection {
    inspection(
        FileKind::Eml,
        Content::Container(Container {
            entries: 1,
            email: Some(EmailMeta {
                subject: Some(subject.into()),
                from_addr: Some(from.into()),
                ..EmailMeta::default()
            }),
        }),
    )
}
