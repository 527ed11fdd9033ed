//! Saved e-mails (.eml, mail-parser): sender, subject, received time, body
//! text, and the attachments as submitted files of their own (names decoded
//! from RFC 2047 — including the quoted `filename="=?GBK?B?…?="` that
//! Foxmail and Chinese Outlook write — and RFC 2231). Nested messages become
//! `.eml` children. A mail whose MIME structure is broken (missing closing
//! boundary, undecodable part) is read as far as possible, with a warning.

use super::{Child, Container, Content, EmailMeta, Found, Limits, Outcome, Refused};
use crate::fmt;
use chrono::{DateTime, FixedOffset};
use mail_parser::{MessageParser, MimeHeaders, PartType};

pub fn inspect(bytes: &[u8], limits: &Limits, depth: u32) -> Outcome {
    let Some(msg) = MessageParser::default().parse(bytes) else {
        return Err(Refused::new("邮件文件无法解析，请检查文件后重新报送"));
    };
    let from = msg.from().and_then(|a| a.first());
    let received = msg
        .received()
        .and_then(|r| r.date())
        .or_else(|| msg.date().copied())
        .and_then(to_chrono);
    let meta = EmailMeta {
        from_addr: from.and_then(|a| a.address()).map(str::to_string),
        from_name: from
            .and_then(|a| a.name())
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        subject: msg.subject().map(|s| s.trim().to_string()),
        received,
        body_text: msg
            .body_text(0)
            .map(|b| b.trim().to_string())
            .unwrap_or_default(),
    };

    let mut found = Found::new(Content::None);
    let mut children: Vec<Child> = Vec::new();
    for (i, part) in msg.attachments().enumerate() {
        let repaired;
        let (data, default_ext): (&[u8], &str) = match &part.body {
            PartType::Message(m) => (m.raw_message(), "eml"),
            _ if part.is_encoding_problem && is_base64(part) => {
                let start = part.raw_body_offset() as usize;
                let end = (part.raw_end_offset() as usize).min(bytes.len());
                repaired = lenient_base64(bytes.get(start..end).unwrap_or_default());
                (&repaired[..], extension_for(part))
            }
            _ => (part.contents(), extension_for(part)),
        };
        let name = part
            .attachment_name()
            .map(safe_file_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("附件{}.{default_ext}", i + 1));
        if children.len() >= limits.max_entries {
            found.warnings.push(format!(
                "邮件附件超过{}个，其余附件未读取",
                limits.max_entries
            ));
            break;
        }
        if data.len() as u64 > limits.max_entry_bytes {
            found.warnings.push(format!(
                "附件“{name}”过大({})，未读取",
                fmt::size(data.len() as u64)
            ));
            continue;
        }
        children.push(Child {
            path: name,
            bytes: data.to_vec(),
            depth: depth + 1,
        });
    }
    if let Some(problem) = structure_problem(bytes, &msg) {
        found.warnings.insert(0, problem);
    }
    if meta.from_addr.is_none()
        && meta.subject.is_none()
        && children.is_empty()
        && meta.body_text.is_empty()
    {
        return Err(Refused::new("邮件内容为空或无法识别，请检查文件后重新报送"));
    }
    found.notes.push(format!("邮件附件{}个", children.len()));
    found.content = Content::Container(Container {
        entries: children.len(),
        email: Some(meta),
    });
    found.children = children;
    Ok(found)
}

/// A part that failed to decode, or a declared multipart boundary (found
/// in the raw text, so a boundary the parser lost still counts) that is
/// never closed.
fn structure_problem(raw: &[u8], msg: &mail_parser::Message) -> Option<String> {
    if msg.parts.iter().any(|p| p.is_encoding_problem) {
        return Some("邮件部分内容编码损坏(可能未完整保存)，附件可能不完整".to_string());
    }
    let text = String::from_utf8_lossy(raw);
    let lower = text.to_ascii_lowercase();
    let unclosed = lower
        .match_indices("boundary=")
        .take(64)
        .filter_map(|(at, _)| {
            let value = &text[at + 9..];
            let value = match value.strip_prefix('"') {
                Some(quoted) => &quoted[..quoted.find('"')?],
                None => value
                    .split(|c: char| c == ';' || c.is_whitespace())
                    .next()?,
            };
            (!value.is_empty()).then_some(value)
        })
        .any(|b| !text.contains(&format!("--{b}--")));
    unclosed.then(|| "邮件MIME结构不完整(缺少结束分隔符)，已尽量读取，部分内容可能丢失".to_string())
}

/// Whether a part declares base64 transfer encoding.
fn is_base64(part: &mail_parser::MessagePart) -> bool {
    part.content_transfer_encoding()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("base64"))
}

/// Decodes as much base64 as there is, ignoring line breaks and stopping
/// at the first character outside the alphabet (a cut-off attachment).
fn lenient_base64(raw: &[u8]) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for &c in raw.iter().filter(|c| !c.is_ascii_whitespace()) {
        let Some(v) = value(c) else { break };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// A file name without folders (attachment names are untrusted).
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.trim()
        .trim_start_matches('.')
        .replace(['\0', ':'], "_")
}

/// An extension for an unnamed attachment, from its content type.
fn extension_for(part: &mail_parser::MessagePart) -> &'static str {
    let Some(ct) = part.content_type() else {
        return "bin";
    };
    match (ct.ctype(), ct.subtype().unwrap_or("")) {
        ("image", "jpeg" | "jpg" | "pjpeg") => "jpg",
        ("image", "png") => "png",
        ("image", "gif") => "gif",
        ("text", "html") => "html",
        ("text", _) => "txt",
        ("application", "pdf") => "pdf",
        ("application", "zip" | "x-zip-compressed") => "zip",
        _ => "bin",
    }
}

fn to_chrono(d: mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    if !d.is_valid() {
        return None;
    }
    let secs = (i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60)
        * if d.tz_before_gmt { -1 } else { 1 };
    let offset = FixedOffset::east_opt(secs)?;
    Some(DateTime::from_timestamp(d.to_timestamp(), 0)?.with_timezone(&offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_cut_attachment() {
        assert_eq!(lenient_base64(b"5Lit\r\n5paH"), "中文".as_bytes());
        assert_eq!(lenient_base64(b"5Lit5p"), [0xE4, 0xB8, 0xAD, 0xE6]);
        assert_eq!(lenient_base64(b"5Lit--boundary"), "中".as_bytes());
    }

    #[test]
    fn attachment_names_lose_folders() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\a\\活动.docx"), "活动.docx");
    }

    #[test]
    fn received_date_with_offset() {
        let raw = b"Received: from a by b; Mon, 12 May 2025 09:05:00 +0800\r\nDate: Mon, 12 May 2025 09:03:55 +0800\r\nFrom: x@example.gov.cn\r\nSubject: t\r\n\r\nbody\r\n";
        let got = inspect(raw, &Limits::default(), 0).unwrap();
        let Content::Container(c) = got.content else {
            panic!()
        };
        let meta = c.email.unwrap();
        assert_eq!(
            meta.received.unwrap().to_rfc3339(),
            "2025-05-12T09:05:00+08:00"
        );
        assert_eq!(meta.body_text, "body");
    }
}
