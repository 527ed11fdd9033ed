//! Working out which unit a file belongs to.
//!
//! In order: a folder name on the file's path (a folder per unit), a unit
//! name or alias in a file name (including an archive's or e-mail's own
//! name), the subject of the e-mail it came in, and last the e-mail's
//! sender address in the roster. The first component that names exactly
//! one unit decides. When none does but one named several, the file is
//! ambiguous; the office resolves that in campaign.toml.

use serde::{Deserialize, Serialize};

use super::roster::{Found, Roster};
use crate::model::ENTRY_SEP;

/// How a file's unit was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "text", rename_all = "snake_case")]
pub enum Basis {
    Folder(String),
    FileName(String),
    Subject(String),
    Sender(String),
    /// The office assigned it (`baosong assign`).
    Office,
}

impl Basis {
    /// Chinese explanation for reports.
    pub fn describe(&self) -> String {
        match self {
            Basis::Folder(t) => format!("按文件夹“{t}”"),
            Basis::FileName(t) => format!("按文件名中的“{t}”"),
            Basis::Subject(t) => format!("按邮件主题中的“{t}”"),
            Basis::Sender(t) => format!("按发件人{t}"),
            Basis::Office => "按办公室登记（baosong assign）".to_string(),
        }
    }
}

/// Which unit a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Unit { unit: usize, basis: Basis },
    Ambiguous { text: String, units: Vec<usize> },
    Unknown,
}

/// What makes a unit likely for a file no unit's name decided: a hint for
/// the office, never a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", content = "text", rename_all = "snake_case")]
pub enum Hint {
    /// A name on the path or in the subject near the unit's
    /// ("县公按局" for 县公安局).
    NearName(String),
    /// The sender writes from the mail domain of one of the unit's
    /// addresses (a department's own domain, not a public mailbox's).
    SameDomain(String),
}

/// At most this many likely units per file.
const MAX_LIKELY: usize = 3;

/// Public mailbox domains: two senders there need not be of one unit.
const PUBLIC_MAIL: [&str; 18] = [
    "163.com",
    "126.com",
    "yeah.net",
    "qq.com",
    "foxmail.com",
    "vip.qq.com",
    "vip.163.com",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "139.com",
    "189.cn",
    "wo.cn",
    "21cn.com",
    "aliyun.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
];

/// The units a file that no name decided may be from, with why, best
/// first: names near a unit's on its path or in its subject, then a
/// sender of a unit's own mail domain.
pub fn likely_units(roster: &Roster, path: &str, mail: &MailContext) -> Vec<(usize, Hint)> {
    let names = || roster.units.iter().map(|u| u.name.as_str());
    let mut found: Vec<(usize, Hint)> = Vec::new();
    let texts = path
        .split(ENTRY_SEP)
        .flat_map(|p| p.split('/'))
        .map(stem)
        .chain(mail.subject);
    for text in texts {
        for token in super::suggest::unit_like(text) {
            for near in super::suggest::nearest(token, names()) {
                if names_another_body(token, near) {
                    continue;
                }
                if let Some(u) = roster.units.iter().position(|x| x.name == near) {
                    found.push((u, Hint::NearName(token.to_string())));
                }
            }
        }
    }
    if let Some(domain) = mail
        .sender
        .and_then(|s| s.rsplit_once('@'))
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| !PUBLIC_MAIL.contains(&d.as_str()))
    {
        for (u, unit) in roster.units.iter().enumerate() {
            let same = |e: &str| {
                e.rsplit_once('@')
                    .is_some_and(|(_, d)| d.eq_ignore_ascii_case(&domain))
            };
            if unit.emails().any(same) {
                found.push((u, Hint::SameDomain(domain.clone())));
            }
        }
    }
    let mut seen = Vec::new();
    found.retain(|(u, _)| {
        let new = !seen.contains(u);
        seen.push(*u);
        new
    });
    found.truncate(MAX_LIKELY);
    found
}

/// Whether `token` is itself the name of a kind of body other than
/// `unit`'s: "县财政局" is no misspelling of 县民政局, but a unit the
/// roster does not have.
fn names_another_body(token: &str, unit: &str) -> bool {
    let bare = |s: &str| {
        s.trim_start_matches(['省', '市', '州', '县', '区', '旗', '盟'])
            .to_string()
    };
    let table = super::unitname::table();
    let (token, unit) = (bare(token), bare(unit));
    table.knows(&token) && !table.same_body(&token, &unit)
}

/// What is known of the e-mail a file came in, if it did.
#[derive(Debug, Clone, Default)]
pub struct MailContext<'a> {
    pub subject: Option<&'a str>,
    pub sender: Option<&'a str>,
}

/// Identifies the unit of the file at `path` (relative to the inbox, with
/// [`ENTRY_SEP`] between a container and its entries).
pub fn identify(roster: &Roster, path: &str, mail: &MailContext) -> Identity {
    let mut ambiguous: Option<Identity> = None;
    let mut consider = |found: Found, basis: fn(String) -> Basis| -> Option<Identity> {
        match found {
            Found::Unit { unit, matched, .. } => Some(Identity::Unit {
                unit,
                basis: basis(matched),
            }),
            Found::Ambiguous { matched, units } => {
                ambiguous.get_or_insert(Identity::Ambiguous {
                    text: matched,
                    units,
                });
                None
            }
            Found::None => None,
        }
    };
    let parts: Vec<&str> = path
        .split(ENTRY_SEP)
        .flat_map(|p| p.split('/'))
        .filter(|p| !p.is_empty())
        .collect();
    let (file_name, folders) = parts.split_last().map_or((path, &[][..]), |(l, f)| (*l, f));
    // Folders first (a container's own name is a file name, handled below).
    let container_names: Vec<&str> = path
        .split(ENTRY_SEP)
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .collect();
    for folder in folders.iter().filter(|f| !container_names.contains(f)) {
        if let Some(id) = consider(roster.find_in(folder), Basis::Folder) {
            return id;
        }
    }
    for name in container_names.iter().chain(std::iter::once(&file_name)) {
        if let Some(id) = consider(roster.find_in(stem(name)), Basis::FileName) {
            return id;
        }
    }
    if let Some(subject) = mail.subject
        && let Some(id) = consider(roster.find_in(subject), Basis::Subject)
    {
        return id;
    }
    if let Some(sender) = mail.sender
        && let Some(unit) = roster.by_email(sender)
    {
        return Identity::Unit {
            unit,
            basis: Basis::Sender(sender.to_string()),
        };
    }
    ambiguous.unwrap_or(Identity::Unknown)
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::roster::Unit;
    use crate::campaign::schedule::Contact;

    fn roster() -> Roster {
        let unit = |name: &str, aliases: &[&str], email: Option<&str>| Unit {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            contacts: email
                .map(|e| Contact {
                    email: Some(e.into()),
                    ..Contact::default()
                })
                .into_iter()
                .collect(),
        };
        Roster::new(vec![
            unit("县卫生健康局", &["县卫健局"], None),
            unit("县林业局", &[], Some("lyj@example.gov.cn")),
            unit("县民政局", &[], None),
            unit("州民政局", &[], None),
        ])
        .unwrap()
    }

    #[test]
    fn folder_then_file_name_then_subject_then_sender() {
        let r = roster();
        let none = MailContext::default();
        let unit_of = |id: Identity| match id {
            Identity::Unit { unit, basis } => Some((unit, basis)),
            _ => None,
        };
        assert_eq!(
            unit_of(identify(&r, "县卫健局/照片/1.jpg", &none)),
            Some((0, Basis::Folder("县卫健局".into())))
        );
        assert_eq!(
            unit_of(identify(&r, "县林业局活动总结.docx", &none)),
            Some((1, Basis::FileName("县林业局".into())))
        );
        assert_eq!(
            unit_of(identify(&r, "县林业局材料.zip!/照片/2.jpg", &none)),
            Some((1, Basis::FileName("县林业局".into())))
        );
        let mail = MailContext {
            subject: Some("关于报送活动材料"),
            sender: Some("LYJ@example.gov.cn"),
        };
        assert_eq!(
            unit_of(identify(&r, "报送.eml!/总结.docx", &mail)).map(|u| u.0),
            Some(1)
        );
    }

    #[test]
    fn ambiguous_and_unknown_names_are_not_guessed() {
        let r = roster();
        let none = MailContext::default();
        assert!(matches!(
            identify(&r, "民政局/总结.docx", &none),
            Identity::Ambiguous { .. }
        ));
        assert_eq!(identify(&r, "县气象局照片.jpg", &none), Identity::Unknown);
    }

    #[test]
    fn a_file_no_name_decides_gets_likely_units_with_why() {
        let r = roster();
        let none = MailContext::default();
        // A typo in a name on the path: near 县林业局.
        assert_eq!(
            likely_units(&r, "收件箱/关于县林草局活动总结.docx", &none),
            [(1, Hint::NearName("县林草局".into()))]
        );
        // A sender from a unit's own mail domain; a public mailbox says
        // nothing.
        let own = MailContext {
            subject: Some("活动照片"),
            sender: Some("zhangsan@example.gov.cn"),
        };
        assert_eq!(
            likely_units(&r, "邮件/a.eml!/照片.jpg", &own),
            [(1, Hint::SameDomain("example.gov.cn".into()))]
        );
        let public = MailContext {
            subject: Some("活动照片"),
            sender: Some("zhangsan@163.com"),
        };
        assert!(likely_units(&r, "邮件/a.eml!/照片.jpg", &public).is_empty());
        // Nothing near: no guess.
        assert!(likely_units(&r, "县气象局照片.jpg", &none).is_empty());
        // Another body's own name is no misspelling of a roster unit's:
        // 县财政局 is not near 县民政局, though one character apart.
        assert!(likely_units(&r, "县财政局/县财政局活动总结.docx", &none).is_empty());
        assert_eq!(
            likely_units(&r, "县民证局/活动总结.docx", &none),
            [
                (2, Hint::NearName("县民证局".into())),
                (3, Hint::NearName("县民证局".into()))
            ]
        );
    }
}
