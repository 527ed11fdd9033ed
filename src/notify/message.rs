//! The message model and its wire form.
//!
//! A [`Message`] is plain data (kind, recipients, subject, bodies,
//! attachments, event key). [`Sender::render`] turns it into RFC 5322 bytes
//! with lettre:
//!
//! - Subject and display names RFC 2047-encoded (lettre), UTF-8 text part,
//!   optional HTML alternative, `Date`, `Reply-To` the office,
//!   `Auto-Submitted: auto-generated` (RFC 3834, so auto-responders stay quiet).
//! - A stable `Message-ID` derived from the event key and the campaign:
//!   `<hash-of-event-key@baosong.CAMPAIGN>`, so a message delivered twice (crash
//!   between the server's acceptance and our commit) carries the same id.
//! - Attachment names in **both** encodings: lettre writes only RFC 2231
//!   (`filename*0*=utf-8''%E6…`), which Outlook CN, Foxmail and QQ Mail do not
//!   read; they read the RFC 2047 form inside the quoted parameter
//!   (`name="=?UTF-8?B?…?="`). We write the attachment headers ourselves:
//!   `Content-Type: …; name="<2047>"` and
//!   `Content-Disposition: attachment; filename="<2047>"; filename*=<2231>`.
//!   RFC 2231-aware readers prefer `filename*`; the others read `filename`.
//! - No header injection: every roster-derived string (display names,
//!   subjects, file names) is reduced to one line before it reaches a header,
//!   and the hand-written attachment headers contain only ASCII produced by
//!   our encoders.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::SystemTime;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, Utc};
use lettre::message::header::{ContentTransferEncoding, Header, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

use thiserror::Error;

pub use crate::model::MailKind as Kind;

/// One message to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub kind: Kind,
    /// The event that caused the message, unique in the outbox, e.g.
    /// `receipt:县民政局:20250520-2000`. See [`crate::notify::policy`].
    pub event_key: String,
    /// The unit the message is about (receipts, reminders); `None` for the
    /// report and the digest.
    pub unit: Option<String>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub attachments: Vec<Attachment>,
    /// A message still queued at this time is dropped instead of sent
    /// (reminders: the next batch re-decides with fresh data, so a unit that
    /// has since handed in is never chased).
    pub expires_at: Option<DateTime<FixedOffset>>,
    /// The e-mail this message answers (a receipt for files that came by
    /// e-mail), so it lands in the sender's thread.
    pub in_reply_to: Option<Thread>,
}

/// An e-mail a message replies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// With angle brackets, as in its header.
    pub message_id: String,
    pub subject: String,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The name the recipient sees, e.g. `2025年泸溪县政务公开主题日报送情况.pdf`.
    pub file_name: String,
    /// A MIME type such as `application/pdf`; anything malformed is sent as
    /// `application/octet-stream`.
    pub content_type: String,
    pub content: Content,
}

/// Where an attachment's bytes come from. A path is read when the message is
/// rendered (queued), so the outbox holds the bytes as they were then.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

/// A message that cannot be rendered.
#[derive(Debug, Error)]
pub enum MessageError {
    #[error("邮件 {event_key} 没有收件人")]
    NoRecipients { event_key: String },
    #[error("邮件 {event_key} 的附件 {path} 无法读取: {source}")]
    Attachment {
        event_key: String,
        path: String,
        source: std::io::Error,
    },
    #[error("邮件 {event_key} 无法生成: {source}")]
    Build {
        event_key: String,
        source: lettre::error::Error,
    },
}

/// Reduces `s` to one line: every control character (CR, LF, TAB, …) and
/// Unicode line/paragraph separator becomes a space, runs of spaces collapse.
pub fn one_line(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sending side of a campaign: who a message is from, where replies go,
/// and the campaign id that scopes Message-IDs.
#[derive(Debug, Clone)]
pub struct Sender {
    pub from: Mailbox,
    pub reply_to: Mailbox,
    /// The campaign's id (e.g. `luxi-2025`); becomes the Message-ID domain
    /// `baosong.luxi-2025`.
    pub campaign_id: String,
}

/// A rendered message, ready for the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// With angle brackets, as in the header.
    pub message_id: String,
    pub envelope_from: String,
    /// To and Cc addresses (the SMTP envelope).
    pub recipients: Vec<String>,
    pub bytes: Vec<u8>,
}

impl Sender {
    /// The stable Message-ID for an event: `<32 hex chars@baosong.CAMPAIGN>`.
    pub fn message_id(&self, event_key: &str) -> String {
        message_id_in(
            &format!("baosong.{}", domain_label(&self.campaign_id)),
            event_key,
        )
    }

    /// Renders `msg` as RFC 5322 bytes dated `date`.
    pub fn render(
        &self,
        msg: &Message,
        date: DateTime<FixedOffset>,
    ) -> Result<Rendered, MessageError> {
        if msg.to.is_empty() {
            return Err(MessageError::NoRecipients {
                event_key: msg.event_key.clone(),
            });
        }
        let message_id = self.message_id(&msg.event_key);
        let subject = match &msg.in_reply_to {
            Some(t) => format!("Re: {}", one_line(&t.subject)),
            None => one_line(&msg.subject),
        };
        let mut builder = lettre::Message::builder()
            .from(clean_mailbox(&self.from))
            .reply_to(clean_mailbox(&self.reply_to))
            .subject(subject)
            .date(SystemTime::from(date.with_timezone(&Utc)))
            .message_id(Some(message_id.clone()))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_string(),
            ));
        if let Some(t) = &msg.in_reply_to {
            let id = one_line(&t.message_id);
            builder = builder.in_reply_to(id.clone()).references(id);
        }
        for mb in &msg.to {
            builder = builder.to(clean_mailbox(mb));
        }
        for mb in &msg.cc {
            builder = builder.cc(clean_mailbox(mb));
        }

        let text = SinglePart::plain(crlf(&msg.text_body));
        let alternative = msg.html_body.as_ref().map(|html| {
            MultiPart::alternative()
                .singlepart(text.clone())
                .singlepart(SinglePart::html(crlf(html)))
        });
        let built = if msg.attachments.is_empty() {
            match alternative {
                Some(alt) => builder.multipart(alt),
                None => builder.singlepart(text),
            }
        } else {
            let mut mixed = match alternative {
                Some(alt) => MultiPart::mixed().multipart(alt),
                None => MultiPart::mixed().singlepart(text),
            };
            for att in &msg.attachments {
                mixed = mixed.singlepart(attachment_part(att, &msg.event_key)?);
            }
            builder.multipart(mixed)
        };
        let email = built.map_err(|source| MessageError::Build {
            event_key: msg.event_key.clone(),
            source,
        })?;
        let envelope = email.envelope();
        Ok(Rendered {
            message_id,
            envelope_from: envelope.from().map(ToString::to_string).unwrap_or_default(),
            recipients: envelope.to().iter().map(ToString::to_string).collect(),
            bytes: email.formatted(),
        })
    }
}

/// The Message-ID of `event_key` under `domain` (`baosong.luxi-2025`).
fn message_id_in(domain: &str, event_key: &str) -> String {
    let hash = blake3::hash(event_key.as_bytes()).to_hex();
    format!("<{}@{domain}>", &hash[..32])
}

/// A stored message made a new one for `event_key` (a resend): a new
/// Message-ID in the original's domain, dated `date`, with `References`
/// naming the original so mail programs show the two together. Everything
/// else (recipients, subject, body, attachments) stays byte for byte.
/// Returns the new Message-ID and bytes.
pub fn restamped(
    bytes: &[u8],
    original_id: &str,
    event_key: &str,
    date: DateTime<FixedOffset>,
) -> (String, Vec<u8>) {
    let domain = original_id
        .trim_end_matches('>')
        .rsplit_once('@')
        .map_or("baosong", |(_, d)| d);
    let message_id = message_id_in(domain, event_key);
    let head_end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let replaced = |line: &[u8]| {
        ["date:", "message-id:", "references:", "in-reply-to:"]
            .iter()
            .any(|name| {
                line.len() >= name.len() && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            })
    };
    let mut out = Vec::with_capacity(bytes.len() + 200);
    let mut skipping = false;
    for line in bytes[..head_end].split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // A line starting with white space continues the field above.
        if !line.starts_with(b" ") && !line.starts_with(b"\t") {
            skipping = replaced(line);
        }
        if !skipping {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(
        format!(
            "Date: {}\r\nMessage-ID: {message_id}\r\nReferences: {}\r\n",
            date.to_rfc2822(),
            one_line(original_id)
        )
        .as_bytes(),
    );
    // The blank line and the body, as they were.
    match bytes.get(head_end + 2..) {
        Some(rest) => out.extend_from_slice(rest),
        None => out.extend_from_slice(b"\r\n"),
    }
    (message_id, out)
}

/// `campaign_id` as a DNS-ish label: ASCII letters, digits, `-` and `.`
/// kept (lower-cased); anything else gives `c` + a short hash, so two Chinese
/// campaign ids never collapse into one domain.
fn domain_label(campaign_id: &str) -> String {
    let ok = !campaign_id.is_empty()
        && campaign_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if ok {
        campaign_id.to_ascii_lowercase()
    } else {
        format!("c{}", &blake3::hash(campaign_id.as_bytes()).to_hex()[..12])
    }
}

/// A mailbox with its display name reduced to one line.
fn clean_mailbox(mb: &Mailbox) -> Mailbox {
    Mailbox::new(
        mb.name.as_deref().map(one_line).filter(|n| !n.is_empty()),
        mb.email.clone(),
    )
}

/// Normalises line endings to CRLF (templates are edited on any OS).
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// A pre-encoded header that lettre writes verbatim. Only built from ASCII
/// that [`attachment_headers`] produced.
macro_rules! pre_encoded_header {
    ($ty:ident, $name:literal) => {
        #[derive(Debug, Clone)]
        struct $ty(HeaderValue);

        impl Header for $ty {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }
            fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Err(concat!($name, " is write-only here").into())
            }
            fn display(&self) -> HeaderValue {
                self.0.clone()
            }
        }
    };
}
pre_encoded_header!(AttachmentType, "Content-Type");
pre_encoded_header!(AttachmentDisposition, "Content-Disposition");

fn attachment_part(att: &Attachment, event_key: &str) -> Result<SinglePart, MessageError> {
    let bytes = match &att.content {
        Content::Bytes(b) => b.clone(),
        Content::Path(p) => std::fs::read(p).map_err(|source| MessageError::Attachment {
            event_key: event_key.to_string(),
            path: p.display().to_string(),
            source,
        })?,
    };
    let (content_type, disposition) = attachment_headers(&att.file_name, &att.content_type);
    Ok(SinglePart::builder()
        .header(AttachmentType(content_type))
        .header(AttachmentDisposition(disposition))
        .header(ContentTransferEncoding::Base64)
        .body(Body::new(bytes)))
}

/// The `Content-Type` and `Content-Disposition` values of an attachment,
/// folded, pure ASCII. See the module docs for why both name encodings.
fn attachment_headers(file_name: &str, content_type: &str) -> (HeaderValue, HeaderValue) {
    let name = safe_file_name(file_name);
    let mime = valid_mime(content_type);
    let words = rfc2047_quoted(&name);
    let ct = format!("{mime};\r\n name=\"{words}\"");
    let cd = match rfc2231("filename", &name) {
        Some(ext) => format!("attachment;\r\n filename=\"{words}\";\r\n{ext}"),
        None => format!("attachment;\r\n filename=\"{words}\""),
    };
    (
        HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Content-Type"),
            mime.clone(),
            ct,
        ),
        HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Content-Disposition"),
            format!("attachment; filename=\"{name}\""),
            cd,
        ),
    )
}

/// A file name fit for a header: one line, no path separators or quotes,
/// never empty.
fn safe_file_name(file_name: &str) -> String {
    let cleaned: String = one_line(file_name)
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '"') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if cleaned.trim().is_empty() {
        "附件".to_string()
    } else {
        cleaned
    }
}

/// `type/subtype` when `s` is one, lower-cased; otherwise octet-stream.
fn valid_mime(s: &str) -> String {
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match s.trim().split_once('/') {
        Some((a, b)) if token(a) && token(b) => s.trim().to_ascii_lowercase(),
        _ => "application/octet-stream".to_string(),
    }
}

/// The value as RFC 2047 encoded-words for use inside a quoted parameter:
/// each word holds whole characters (≤ 39 bytes → 64 columns, so even
/// ` filename="…";` stays within 78), words are
/// separated by folding white space.
fn rfc2047_quoted(value: &str) -> String {
    const MAX_BYTES: usize = 39;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            format!(
                "=?UTF-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w.as_bytes())
            )
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// The RFC 2231 form ` key*=UTF-8''…` (every non-attribute byte
/// percent-encoded) on one folded line, or `None` when that line would not
/// fit the 998-octet limit (the RFC 2047 form then carries the name alone).
///
/// Deliberately not split into `key*0*=…; key*1*=…` continuations: readers
/// such as mail-parser mis-join continuations when a plain `key=` is also
/// present, and some Chinese clients do the same.
fn rfc2231(key: &str, value: &str) -> Option<String> {
    const MAX_LINE: usize = 900;
    let mut line = format!(" {key}*=UTF-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            line.push(b as char);
        } else {
            let _ = write!(line, "%{b:02X}");
        }
    }
    (line.len() <= MAX_LINE).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::mail_config::parse_mailbox;
    use mail_parser::MimeHeaders;

    fn sender() -> Sender {
        Sender {
            from: parse_mailbox("泸溪县行政审批服务局 <office@luxi.example.gov.cn>").unwrap(),
            reply_to: parse_mailbox("政务公开办 <gongkai@luxi.example.gov.cn>").unwrap(),
            campaign_id: "luxi-2025".into(),
        }
    }

    fn date() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2025-05-20T20:00:00+08:00").unwrap()
    }

    const EVIL: &str = "县民政局\r\nBcc: x@evil.example";

    fn message(unit: &str, file_name: &str) -> Message {
        Message {
            kind: Kind::Receipt,
            event_key: format!("receipt:{unit}:b1"),
            unit: Some(unit.to_string()),
            to: vec![Mailbox::new(
                Some(unit.to_string()),
                "lianluo@minzheng.example.gov.cn".parse().unwrap(),
            )],
            cc: vec![],
            subject: format!("【回执】{unit}报送材料已收到"),
            text_body: "您好：\n材料已收到。\n".into(),
            html_body: None,
            attachments: vec![Attachment {
                file_name: file_name.to_string(),
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    .into(),
                content: Content::Bytes((0..=255u8).cycle().take(10_000).collect()),
            }],
            expires_at: None,
            in_reply_to: None,
        }
    }

    /// The header block of the whole message and of every part, unfolded.
    fn header_lines(raw: &[u8]) -> Vec<String> {
        let text = String::from_utf8(raw.to_vec()).unwrap();
        text.split("\r\n").map(str::to_string).collect()
    }

    #[test]
    fn chinese_subject_names_and_attachment_read_back() {
        let name = "第三季度进度表_交通运输局（终稿）附：2025年5月政务公开主题日活动安排表.xlsx";
        let msg = message("县民政局", name);
        let r = sender().render(&msg, date()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&r.bytes)
            .unwrap();
        assert_eq!(parsed.subject(), Some("【回执】县民政局报送材料已收到"));
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("泸溪县行政审批服务局"));
        assert_eq!(
            parsed.to().unwrap().first().unwrap().name(),
            Some("县民政局")
        );
        assert_eq!(
            parsed.reply_to().unwrap().first().unwrap().address(),
            Some("gongkai@luxi.example.gov.cn")
        );
        assert_eq!(
            parsed.message_id(),
            Some(
                sender()
                    .message_id("receipt:县民政局:b1")
                    .trim_matches(['<', '>'])
            )
        );
        assert!(parsed.date().is_some());
        assert_eq!(parsed.body_text(0).unwrap(), "您好：\r\n材料已收到。\r\n");
        let att = parsed.attachments().next().unwrap();
        assert_eq!(att.attachment_name(), Some(name));
        let Content::Bytes(bytes) = &msg.attachments[0].content else {
            unreachable!()
        };
        assert_eq!(att.contents(), bytes.as_slice());
        // Raw form: both encodings present, every line short and ASCII.
        let raw = String::from_utf8(r.bytes.clone()).unwrap();
        assert!(raw.contains("name=\"=?UTF-8?B?"), "{raw}");
        assert!(raw.contains("filename=\"=?UTF-8?B?"), "{raw}");
        assert!(raw.contains("filename*=UTF-8''%E7%AC%AC"), "{raw}");
        assert!(raw.is_ascii());
        // Our encoded-word lines stay within 78 columns; every line within 998.
        for line in header_lines(&r.bytes) {
            let limit = if line.contains("=?UTF-8?B?") { 78 } else { 998 };
            assert!(line.len() <= limit, "{line}");
        }
        assert_eq!(r.envelope_from, "office@luxi.example.gov.cn");
        assert_eq!(r.recipients, vec!["lianluo@minzheng.example.gov.cn"]);
    }

    #[test]
    fn each_attachment_name_form_reads_back_on_its_own() {
        let name = "活动照片（县民政局）.jpg";
        let (ct, cd) = attachment_headers(name, "image/jpeg");
        let part = SinglePart::builder()
            .header(AttachmentType(ct))
            .header(AttachmentDisposition(cd))
            .body(Body::new(b"x".to_vec()));
        let part = String::from_utf8(part.formatted()).unwrap();
        let (head, _) = part.split_once("\r\n\r\n").unwrap();
        let unfolded = head.replace("\r\n ", " ");
        let ct_line = unfolded
            .lines()
            .find(|l| l.starts_with("Content-Type"))
            .unwrap();
        let cd_line = unfolded
            .lines()
            .find(|l| l.starts_with("Content-Disposition"))
            .unwrap();
        let only_2047 = format!(
            "{ct_line}\r\n{}",
            cd_line.split("; filename*").next().unwrap()
        );
        let only_2231 = format!(
            "Content-Type: image/jpeg\r\nContent-Disposition: attachment;{}",
            cd_line.split_once("\";").unwrap().1
        );
        for header in [only_2047, only_2231] {
            let raw = format!(
                "From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XX\r\n{header}\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--XX--\r\n"
            );
            let parsed = mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .unwrap();
            let att = parsed.attachments().next().unwrap();
            assert_eq!(att.attachment_name(), Some(name), "{header}");
        }
    }

    #[test]
    fn no_header_injection_from_roster_fields_or_file_names() {
        let mut msg = message(EVIL, &format!("{EVIL}.docx"));
        msg.cc = vec![Mailbox::new(
            Some(EVIL.into()),
            "cc@luxi.example.gov.cn".parse().unwrap(),
        )];
        let r = sender().render(&msg, date()).unwrap();
        for line in header_lines(&r.bytes) {
            assert!(!line.to_ascii_lowercase().starts_with("bcc"), "{line}");
        }
        let parsed = mail_parser::MessageParser::default()
            .parse(&r.bytes)
            .unwrap();
        assert!(parsed.bcc().is_none());
        assert!(!r.recipients.iter().any(|a| a.contains("evil")));
        assert_eq!(
            parsed.subject(),
            Some("【回执】县民政局 Bcc: x@evil.example报送材料已收到")
        );
        assert_eq!(
            parsed.attachments().next().unwrap().attachment_name(),
            Some("县民政局 Bcc: x@evil.example.docx")
        );
        // Roster addresses with line breaks are refused at load.
        let err = parse_mailbox("a@b.example\r\nBcc: x@evil.example").unwrap_err();
        assert!(err.to_string().contains("换行"), "{err}");
        assert!(parse_mailbox("联络员 <lianluo@example.gov.cn>").is_ok());
        assert!(parse_mailbox("not-an-address").is_err());
    }

    #[test]
    fn message_id_is_stable_and_scoped() {
        let s = sender();
        assert_eq!(s.message_id("k"), s.message_id("k"));
        assert_ne!(s.message_id("k"), s.message_id("k2"));
        assert!(s.message_id("k").ends_with("@baosong.luxi-2025>"));
        let chinese = Sender {
            campaign_id: "泸溪2025".into(),
            ..s
        };
        assert!(chinese.message_id("k").is_ascii());
    }

    #[test]
    fn html_alternative_and_no_recipients() {
        let mut msg = message("县民政局", "a.pdf");
        msg.html_body = Some("<p>您好</p>".into());
        let r = sender().render(&msg, date()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&r.bytes)
            .unwrap();
        assert_eq!(parsed.body_html(0).unwrap().trim(), "<p>您好</p>");
        assert_eq!(parsed.attachment_count(), 1);
        msg.to.clear();
        assert!(matches!(
            sender().render(&msg, date()),
            Err(MessageError::NoRecipients { .. })
        ));
    }
}
