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
//!
//! [`scenario`] adds an exemption and an inbox that, assessed at
//! [`SCENARIO_CLOCK`], has every state and every flag.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::calendar::Calendar;
use super::config::{CampaignFile, Per};
use super::deadline::{ActivityDay, DeadlineRule, DueTime};
use super::roster::{Roster, Unit};
use super::schedule::Contact;
use super::timetext::{ActivityTime, Undetermined};
use super::{Activity, Campaign, Deliverable, Exemption};
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
        source: std::path::PathBuf::from("campaign.toml"),
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
            tentative: false,
        }
    });
    Activity {
        id: format!("a{i}"),
        unit,
        joint: Vec::new(),
        seq: (i + 1).to_string(),
        theme: theme.into(),
        time_text: time.as_ref().map_or("待定".into(), |t| t.text.clone()),
        undetermined: time.is_none().then_some(Undetermined::Pending),
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
        rule: DeadlineRule::Activity {
            day: ActivityDay::WorkdaysAfter(5),
            time: DueTime::EndOfDay,
        },
        template: None,
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
        arrival_basis: Some(crate::store::ArrivalBasis::Birth),
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

/// The clock of [`scenario`]: 13 June 2025, 20:00.
pub const SCENARIO_CLOCK: &str = "2025-06-13T20:00";

/// The test campaign with 活动照片 exempted for 县林业局, and an inbox
/// that has, at [`SCENARIO_CLOCK`], every state and every flag:
///
/// | activity | 活动总结 | 活动照片 | 访谈稿件 |
/// |---|---|---|---|
/// | 0 县公安局 5月15日 | on time | late (2 working days) | overdue |
/// | 1 县公安局 6月10日 | pending | incomplete (1 of 3) | pending |
/// | 2 县林业局 5月20日 | invalid (.doc) | exempt | – |
/// | 3 县民政局 待定 | pending, no deadline | pending, no deadline | – |
/// | 4 州民政局 5月16日 | on time, titled for 县民政局 | overdue | – |
///
/// 县公安局's eight photos of activity 0: three count, one repeats the
/// first's bytes, one nearly repeats the second, one is a screenshot, one
/// is too small, one was taken in April. Its 发言材料.docx could be a
/// summary or an interview and was placed by arrival; its video fits no
/// deliverable; a photo with no date and no theme in its name was placed
/// by arrival. 照片.jpg names no unit; 民政局/材料.docx two.
pub fn scenario() -> (Campaign, Vec<StoredVersion>) {
    let mut c = campaign();
    c.exemptions.push(Exemption {
        unit: 1,
        activity: None,
        deliverable: Some("photos".into()),
        reason: "以航拍视频代替".into(),
    });
    let photos = "县公安局/法治宣传照片/";
    let shot = |id: i64, name: &str, edit: fn(&mut Photo)| {
        arrived(
            version(id, &format!("{photos}{name}"), photo_with(edit)),
            "2025-05-26T10:00",
        )
    };
    let mut same = shot(4, "4.jpg", |p| p.phash = Some(0));
    same.hash = "h1".into();
    let video = version(
        10,
        "县公安局/宣传片.mp4",
        inspection(FileKind::Video, Content::Video(Default::default())),
    );
    let versions = vec![
        arrived(
            version(
                1,
                &format!("{photos}1.jpg"),
                photo_with(|p| p.phash = Some(0)),
            ),
            "2025-05-26T10:00",
        ),
        shot(2, "2.jpg", |p| p.phash = Some(u64::MAX)),
        shot(3, "3.jpg", |p| p.phash = Some(0x00FF_00FF_00FF_00FF)),
        same,
        shot(5, "5.jpg", |p| p.phash = Some(u64::MAX ^ 1)),
        shot(6, "6.jpg", |p| p.screenshot = true),
        shot(7, "7.jpg", |p| (p.width, p.height) = (320, 240)),
        shot(8, "8.jpg", |p| {
            p.taken = NaiveDate::from_ymd_opt(2025, 4, 1).and_then(|d| d.and_hms_opt(9, 0, 0))
        }),
        arrived(
            version(
                9,
                "县公安局/法治宣传活动总结.docx",
                document("法治宣传活动总结"),
            ),
            "2025-05-20T10:00",
        ),
        video,
        arrived(
            version(11, "县公安局/发言材料.docx", document("发言材料")),
            "2025-06-12T09:00",
        ),
        arrived(
            version(12, "县公安局/现场.jpg", photo(1600, 1200)),
            "2025-06-12T09:00",
        ),
        version(
            13,
            "县林业局/总结.doc",
            rejected(
                FileKind::Doc,
                "文件为Word 97-2003格式（.doc），请另存为.docx后重新报送",
            ),
        ),
        arrived(
            version(
                14,
                "州民政局/总结.docx",
                document("县民政局社会救助宣传活动总结"),
            ),
            "2025-05-20T10:00",
        ),
        version(15, "照片.jpg", photo(1600, 1200)),
        version(16, "民政局/材料.docx", document("材料")),
    ];
    (c, versions)
}
