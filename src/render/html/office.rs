//! The office's page (`templates/board/office.html`): what no unit will
//! fix — files of no unit or of an ambiguous name, files that fit no
//! deliverable, rejected files, files still being copied, mail that failed
//! or could not be sent, questions about the schedule — and every message
//! of the outbox.

use serde::Serialize;

use super::{Extras, Message, UnitLink, Units};
use crate::report::{FileLine, Report};
use crate::wording;

/// The office page's values.
#[derive(Debug, Serialize)]
pub(super) struct OfficePage<'a> {
    file_groups: Vec<FileGroup<'a>>,
    receiving: &'a [String],
    ignored: usize,
    trouble: Vec<Message<'a>>,
    questions: &'a [String],
    messages: Vec<Message<'a>>,
}

/// A heading and the files under it.
#[derive(Debug, Serialize)]
struct FileGroup<'a> {
    title: &'static str,
    /// What the office does about them, when one thing does.
    hint: Option<&'static str>,
    files: Vec<File<'a>>,
}

#[derive(Debug, Serialize)]
struct File<'a> {
    path: &'a str,
    unit: Option<UnitLink>,
    reason: &'a str,
}

/// The office page.
pub(super) fn page<'a>(report: &'a Report, extras: &Extras<'a>, units: &Units) -> OfficePage<'a> {
    let t = &report.office_tasks;
    let ambiguous: Vec<&str> = t.ambiguous.iter().map(|f| f.path.as_str()).collect();
    let group = |title, files: &mut dyn Iterator<Item = &'a FileLine>| FileGroup {
        title,
        hint: None,
        files: files
            .map(|f| File {
                path: &f.path,
                unit: f.unit.as_deref().map(|u| units.link(u)),
                reason: &f.reason,
            })
            .collect(),
    };
    let of_no_unit = |g: FileGroup<'a>| FileGroup {
        hint: Some(wording::ASSIGN_HINT),
        ..g
    };
    OfficePage {
        file_groups: vec![
            of_no_unit(group(
                "未能识别所属单位的文件",
                &mut t
                    .unassigned
                    .iter()
                    .filter(|f| !ambiguous.contains(&f.path.as_str())),
            )),
            of_no_unit(group("名称可能指多个单位的文件", &mut t.ambiguous.iter())),
            group("未对应任何材料的文件", &mut t.unclassified.iter()),
            group("不合格的文件", &mut t.invalid.iter()),
        ],
        receiving: &t.receiving,
        ignored: t.ignored,
        trouble: extras
            .messages
            .iter()
            .filter(|m| m.trouble)
            .map(Message::of)
            .collect(),
        questions: &t.questions,
        messages: extras.messages.iter().map(Message::of).collect(),
    }
}
