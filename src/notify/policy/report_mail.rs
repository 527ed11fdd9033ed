//! The report mail (报送情况): the compiled report to leadership, at most
//! one a day on the configured days, and once when everything is in.

use std::path::PathBuf;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use lettre::message::Mailbox;
use serde::Serialize;

use super::{Letterhead, Planned};
use crate::campaign::mail_config::ReportMailPolicy;
use crate::model::State;
use crate::notify::message::{Attachment, Content, Kind};

/// The compiled report and its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    /// Overview numbers as label/count pairs in report order, e.g.
    /// ("按时报送", 12), ("逾期未报", 3).
    pub counts: Vec<(String, usize)>,
    pub units: usize,
    pub activities: usize,
    /// The clock line, e.g. 截至2025年6月13日20时.
    pub as_of: String,
    /// Dates on which some deliverable is due.
    pub deadline_dates: Vec<NaiveDate>,
    /// Every unit has completed everything.
    pub all_complete: bool,
    pub pdf: ReportFile,
    pub docx: Option<ReportFile>,
    /// The statistics workbook: attached when it fits under the limit
    /// with the rest.
    pub xlsx: Option<ReportFile>,
}

/// A compiled report file and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFile {
    pub path: PathBuf,
    pub bytes: u64,
}

/// The report template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub as_of: String,
    pub units: usize,
    pub activities: usize,
    pub counts: Vec<CountView>,
    /// 每周例行 / 截止日 / 全部报齐.
    pub occasion: String,
    pub all_complete: bool,
    pub attachments: Vec<String>,
    /// Set when the files were too large to attach: where to find them.
    pub not_attached: Option<NotAttached>,
}

/// The report files that were left out of the mail, and where they are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotAttached {
    /// Their size, in MB, one decimal.
    pub size_mb: String,
    /// The configured limit, in MB.
    pub limit_mb: u64,
    /// The folder holding them.
    pub folder: String,
}

/// A label and a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountView {
    pub label: String,
    pub count: usize,
}

/// Which report mails the outbox already holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportsQueued {
    /// `report:complete` (all units complete) was queued.
    pub complete: bool,
    /// A report mail was queued on the batch clock's day.
    pub today: bool,
}

/// The report mail due today, if any: at most one a day, so a day that
/// already had one (the weekly one, or the one when all became complete)
/// gets no other; a "complete" mail then goes out the next day.
pub fn plan_report_mail(
    policy: &ReportMailPolicy,
    now: DateTime<FixedOffset>,
    input: &ReportInput,
    leaders: &[Mailbox],
    queued: ReportsQueued,
    letterhead: &Letterhead,
) -> Option<Planned<ReportContext>> {
    if leaders.is_empty() || queued.today {
        return None;
    }
    let today = now.date_naive();
    let (event_key, occasion) =
        if policy.when_all_complete && input.all_complete && !queued.complete {
            ("report:complete".to_string(), "全部报齐")
        } else if policy.on_deadline_days && input.deadline_dates.contains(&today) {
            (format!("report:{today}"), "截止日")
        } else if policy.weekdays.iter().any(|w| w.0 == today.weekday()) {
            (format!("report:{today}"), "每周例行")
        } else {
            return None;
        };
    let mut files = vec![&input.pdf];
    if policy.attach_docx {
        files.extend(&input.docx);
    }
    // Mail servers refuse large messages (and base64 adds a third): a
    // province-sized report stays on the office's disk and the mail says where.
    let total: u64 = files.iter().map(|f| f.bytes).sum();
    let not_attached = (total > policy.attach_max_mb * 1024 * 1024).then(|| NotAttached {
        size_mb: format!("{:.1}", total as f64 / (1024.0 * 1024.0)),
        limit_mb: policy.attach_max_mb,
        folder: input
            .pdf
            .path
            .parent()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
    });
    if not_attached.is_some() {
        files.clear();
    } else if let Some(x) = &input.xlsx
        && total + x.bytes <= policy.attach_max_mb * 1024 * 1024
    {
        files.push(x);
    }
    let attachments: Vec<Attachment> = files
        .into_iter()
        .map(|f| &f.path)
        .map(|p| Attachment {
            file_name: dated_name(p, &input.as_of),
            content_type: match p.extension().and_then(|e| e.to_str()) {
                Some("pdf") => "application/pdf",
                Some("docx") => {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
                Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _ => "application/octet-stream",
            }
            .to_string(),
            content: Content::Path(p.clone()),
        })
        .collect();
    Some(Planned {
        kind: Kind::Report,
        event_key,
        unit: None,
        to: leaders.to_vec(),
        cc: vec![],
        context: ReportContext {
            letterhead: letterhead.clone(),
            as_of: input.as_of.clone(),
            units: input.units,
            activities: input.activities,
            counts: input
                .counts
                .iter()
                .map(|(label, count)| CountView {
                    label: label.clone(),
                    count: *count,
                })
                .collect(),
            occasion: occasion.to_string(),
            all_complete: input.all_complete,
            attachments: attachments.iter().map(|a| a.file_name.clone()).collect(),
            not_attached,
        },
        attachments,
        expires_at: None,
    })
}

/// A report file's name in the mail, with the time it reflects, so that a
/// leader's downloads folder tells the weeks apart:
/// "报送情况汇总（截至2025年6月13日20时）.pdf".
fn dated_name(path: &std::path::Path, as_of: &str) -> String {
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "报送情况".into());
    match path.extension() {
        Some(ext) => format!("{stem}（{as_of}）.{}", ext.to_string_lossy()),
        None => format!("{stem}（{as_of}）"),
    }
}

impl ReportContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> ReportContext {
        ReportContext {
            letterhead: Letterhead::sample(),
            as_of: "截至2025年6月13日20时".into(),
            units: 34,
            activities: 36,
            counts: State::ALL
                .iter()
                .map(|s| CountView {
                    label: s.label().into(),
                    count: 6,
                })
                .collect(),
            occasion: "每周例行".into(),
            all_complete: false,
            attachments: vec!["报送情况.pdf".into()],
            not_attached: Some(NotAttached {
                size_mb: "130.8".into(),
                limit_mb: 20,
                folder: "out/luxi-2025/20250613-2000".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::mail_config::WeekdayName;
    use crate::notify::test_support::{at, mb};
    use chrono::Weekday;

    fn report_input(all_complete: bool) -> ReportInput {
        ReportInput {
            counts: vec![("按时报送".into(), 3)],
            units: 3,
            activities: 3,
            as_of: "截至2025年5月12日20时".into(),
            deadline_dates: vec![NaiveDate::from_ymd_opt(2025, 5, 14).unwrap()],
            all_complete,
            pdf: ReportFile {
                path: "out/报送情况.pdf".into(),
                bytes: 3 << 20,
            },
            docx: Some(ReportFile {
                path: "out/报送情况.docx".into(),
                bytes: 3 << 20,
            }),
            xlsx: Some(ReportFile {
                path: "out/报送情况统计表.xlsx".into(),
                bytes: 40 << 10,
            }),
        }
    }

    #[test]
    fn a_report_too_large_to_mail_is_named_not_attached() {
        let policy = ReportMailPolicy {
            attach_docx: true,
            attach_max_mb: 5,
            ..ReportMailPolicy::default()
        };
        let plan = |input: &ReportInput| {
            plan_report_mail(
                &policy,
                at("2025-05-12T20:00:00+08:00"),
                input,
                &[mb("leader@luxi.example.gov.cn")],
                ReportsQueued::default(),
                &Letterhead::sample(),
            )
            .unwrap()
        };
        // 3 MB + 3 MB: over 5 MB together.
        let p = plan(&report_input(false));
        assert!(p.attachments.is_empty());
        let left = p.context.not_attached.unwrap();
        assert_eq!(
            (left.size_mb.as_str(), left.folder.as_str()),
            ("6.0", "out")
        );
        // The PDF alone fits, and the small workbook with it.
        let mut input = report_input(false);
        input.docx = None;
        let p = plan(&input);
        assert_eq!(p.attachments.len(), 2);
        assert!(p.context.not_attached.is_none());
        // A workbook that would cross the limit stays home; the PDF goes.
        input.xlsx.as_mut().unwrap().bytes = 3 << 20;
        let p = plan(&input);
        assert_eq!(p.attachments.len(), 1);
    }

    #[test]
    fn report_mail_schedule() {
        let policy = ReportMailPolicy {
            weekdays: vec![WeekdayName(Weekday::Mon)],
            attach_docx: true,
            ..ReportMailPolicy::default()
        };
        let leaders = [mb("leader@luxi.example.gov.cn")];
        let lh = Letterhead::sample();
        let key_after = |now: &str, complete: bool, queued: ReportsQueued| {
            plan_report_mail(
                &policy,
                at(now),
                &report_input(complete),
                &leaders,
                queued,
                &lh,
            )
            .map(|p| (p.event_key, p.context.occasion))
        };
        let key = |now: &str, complete: bool, complete_queued: bool| {
            let queued = ReportsQueued {
                complete: complete_queued,
                today: false,
            };
            key_after(now, complete, queued)
        };
        // Monday 12 May: weekly.
        let p = plan_report_mail(
            &policy,
            at("2025-05-12T20:00:00+08:00"),
            &report_input(false),
            &leaders,
            ReportsQueued::default(),
            &lh,
        )
        .unwrap();
        assert_eq!(p.event_key, "report:2025-05-12");
        assert_eq!(p.attachments.len(), 3);
        // Named with the moment they reflect, so weeks are told apart.
        assert_eq!(
            p.context.attachments,
            vec![
                "报送情况（截至2025年5月12日20时）.pdf",
                "报送情况（截至2025年5月12日20时）.docx",
                "报送情况统计表（截至2025年5月12日20时）.xlsx"
            ]
        );
        // Tuesday: nothing; Wednesday 14 May: a deadline day.
        assert_eq!(key("2025-05-13T20:00:00+08:00", false, false), None);
        assert_eq!(
            key("2025-05-14T20:00:00+08:00", false, false),
            Some(("report:2025-05-14".into(), "截止日".into()))
        );
        // All complete: once.
        assert_eq!(
            key("2025-05-15T20:00:00+08:00", true, false),
            Some(("report:complete".into(), "全部报齐".into()))
        );
        assert_eq!(key("2025-05-16T20:00:00+08:00", true, true), None);
        // One a day: a Monday re-run after "complete" went out that day sends
        // no weekly one, and a day whose weekly one went out gets no
        // "complete" mail until the next day.
        let today = ReportsQueued {
            complete: true,
            today: true,
        };
        assert_eq!(key_after("2025-05-19T21:00:00+08:00", true, today), None);
        let weekly_only = ReportsQueued {
            complete: false,
            today: true,
        };
        assert_eq!(
            key_after("2025-05-19T21:00:00+08:00", true, weekly_only),
            None
        );
        assert_eq!(
            key("2025-05-20T20:00:00+08:00", true, false),
            Some(("report:complete".into(), "全部报齐".into()))
        );
        assert_eq!(
            plan_report_mail(
                &policy,
                at("2025-05-12T20:00:00+08:00"),
                &report_input(false),
                &[],
                ReportsQueued::default(),
                &lh
            ),
            None
        );
    }
}
