//! The office digest (工作摘要): what one batch found and queued, and the
//! mail problems the office has not been told of yet.

use lettre::message::Mailbox;
use serde::Serialize;

use super::{Letterhead, Planned};
use crate::model::State;
use crate::notify::message::Kind;

/// What the office should know after a batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DigestInput {
    pub batch_id: String,
    /// Files that arrived in this batch.
    pub new_files: usize,
    pub changes: Vec<StateChange>,
    pub unassigned: Vec<UnassignedFile>,
    pub ambiguous: Vec<AmbiguousName>,
    /// Anything else worth a human look (calendar coverage, units without
    /// contacts, …).
    pub notes: Vec<String>,
    /// Inbox entries that are not files (named pipes, sockets, devices),
    /// skipped, as "path（kind）".
    pub skipped: Vec<String>,
}

/// A deliverable whose state changed in this batch. Templates see each
/// state by its name (按时报送).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateChange {
    pub unit: String,
    pub deliverable: String,
    #[serde(serialize_with = "by_label")]
    pub from: State,
    #[serde(serialize_with = "by_label")]
    pub to: State,
}

/// A state as templates show it: its name.
fn by_label<S: serde::Serializer>(state: &State, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.label())
}

/// A file no unit could be assigned to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnassignedFile {
    pub path: String,
    pub reason: String,
}

/// A name that matched several units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmbiguousName {
    pub name: String,
    pub candidates: Vec<String>,
}

/// The digest template's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestContext {
    #[serde(flatten)]
    pub letterhead: Letterhead,
    pub batch_id: String,
    pub new_files: usize,
    pub changes: Vec<StateChange>,
    pub unassigned: Vec<UnassignedFile>,
    pub ambiguous: Vec<AmbiguousName>,
    pub notes: Vec<String>,
    pub skipped: Vec<String>,
    /// Messages queued by this batch, e.g. "回执 3 封".
    pub queued: Vec<String>,
    /// Messages that failed, expired or may have been delivered (held for
    /// the office) since the last digest.
    pub delivery_problems: Vec<String>,
    /// Messages still being retried, with why they have not gone out.
    pub retrying: Vec<String>,
}

/// The office digest of a batch; `None` without office addresses.
pub fn plan_digest(
    input: &DigestInput,
    office: &[Mailbox],
    queued: Vec<String>,
    delivery_problems: Vec<String>,
    retrying: Vec<String>,
    letterhead: &Letterhead,
) -> Option<Planned<DigestContext>> {
    if office.is_empty() {
        return None;
    }
    Some(Planned {
        kind: Kind::Digest,
        event_key: format!("digest:{}", input.batch_id),
        unit: None,
        to: office.to_vec(),
        cc: vec![],
        context: DigestContext {
            letterhead: letterhead.clone(),
            batch_id: input.batch_id.clone(),
            new_files: input.new_files,
            changes: input.changes.clone(),
            unassigned: input.unassigned.clone(),
            ambiguous: input.ambiguous.clone(),
            notes: input.notes.clone(),
            skipped: input.skipped.clone(),
            queued,
            delivery_problems,
            retrying,
        },
        attachments: vec![],
        expires_at: None,
    })
}

impl DigestContext {
    /// A context with every field and list filled, for template checks.
    pub fn sample() -> DigestContext {
        DigestContext {
            letterhead: Letterhead::sample(),
            batch_id: "20250520-2000".into(),
            new_files: 7,
            changes: vec![StateChange {
                unit: "县民政局".into(),
                deliverable: "活动总结".into(),
                from: State::Pending,
                to: State::OnTime,
            }],
            unassigned: vec![UnassignedFile {
                path: "inbox/未命名/照片1.jpg".into(),
                reason: "文件夹和文件名中没有单位名称".into(),
            }],
            ambiguous: vec![AmbiguousName {
                name: "民政".into(),
                candidates: vec!["县民政局".into(), "州民政局泸溪分局".into()],
            }],
            notes: vec!["县气象局无联系邮箱，回执未发送".into()],
            skipped: vec!["县林业局/管道（命名管道）".into()],
            queued: vec!["回执 3 封".into()],
            delivery_problems: vec!["#12 催报 县公安局：550 no such user".into()],
            retrying: vec!["#13 回执 县民政局 待发送 尝试1次 —— 451 try again later".into()],
        }
    }
}
