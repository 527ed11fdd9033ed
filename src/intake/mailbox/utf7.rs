//! Modified UTF-7 (RFC 3501 §5.1.3), how IMAP names folders: the office
//! writes `已发送` in campaign.toml, the server knows it as `&XfJT0ZAB-`.

use base64::Engine;
use base64::alphabet::IMAP_MUTF7;
use base64::engine::{GeneralPurpose, general_purpose::NO_PAD};

const B64: GeneralPurpose = GeneralPurpose::new(&IMAP_MUTF7, NO_PAD);

/// A folder name as the server knows it.
pub fn encode(name: &str) -> String {
    let mut out = String::new();
    let mut run: Vec<u16> = Vec::new();
    let flush = |run: &mut Vec<u16>, out: &mut String| {
        if !run.is_empty() {
            let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
            out.push('&');
            out.push_str(&B64.encode(bytes));
            out.push('-');
            run.clear();
        }
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            match c {
                '&' => out.push_str("&-"),
                _ => out.push(c),
            }
        } else {
            run.extend(c.encode_utf16(&mut [0; 2]).iter());
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A folder name as the mail program shows it (left as sent when it is not
/// valid modified UTF-7).
pub fn decode(name: &str) -> String {
    let mut out = String::new();
    let mut rest = name;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find('-') else {
            return name.to_string();
        };
        let chunk = &after[..end];
        if chunk.is_empty() {
            out.push('&');
        } else {
            let Ok(bytes) = B64.decode(chunk) else {
                return name.to_string();
            };
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            match String::from_utf16(&units) {
                Ok(s) => out.push_str(&s),
                Err(_) => return name.to_string(),
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_folder_names_round_trip() {
        // Folders of a 163 mailbox (已发送, 病毒文件夹), and RFC 3501's own.
        assert_eq!(decode("&XfJT0ZAB-"), "已发送");
        assert_eq!(encode("已发送"), "&XfJT0ZAB-");
        assert_eq!(decode("&dcVr0mWHTvZZOQ-"), "病毒文件夹");
        assert_eq!(
            decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            "~peter/mail/台北/日本語"
        );
        for name in ["INBOX", "已处理", "报送 & 归档", "2025年/民政局"] {
            assert_eq!(decode(&encode(name)), name);
        }
        assert_eq!(encode("A&B"), "A&-B");
        assert_eq!(decode("&broken"), "&broken");
    }
}
