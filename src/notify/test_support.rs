//! Shorthands the notify tests share: times, mailboxes, the office as
//! sender and a plain message to queue.

use chrono::{DateTime, FixedOffset};
use lettre::message::Mailbox;

use crate::notify::message::{Kind, Message, Sender};

/// A moment written as RFC 3339 ("2025-05-06T20:00:00+08:00").
pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// A mailbox written as "名称 <address>" or a bare address.
pub fn mb(s: &str) -> Mailbox {
    s.parse().unwrap()
}

/// The office sending for campaign "t".
pub fn sender() -> Sender {
    Sender {
        from: mb("办公室 <office@luxi.example.gov.cn>"),
        reply_to: mb("office@luxi.example.gov.cn"),
        campaign_id: "t".into(),
    }
}

/// A one-line message of `kind` to 县民政局 for event `key`.
pub fn msg(kind: Kind, key: &str) -> Message {
    Message {
        kind,
        event_key: key.into(),
        unit: Some("县民政局".into()),
        to: vec![mb("a@minzheng.example.gov.cn")],
        cc: vec![],
        subject: format!("主题 {key}"),
        text_body: "正文".into(),
        html_body: None,
        attachments: vec![],
        expires_at: None,
        in_reply_to: None,
    }
}
