//! Where delivered messages go: an SMTP server through lettre
//! ([`SmtpMailer`]), or, when campaign.toml has no `[mail.smtp]`, one `.eml`
//! file per message in the campaign's outbox folder ([`EmlDir`]), ready to
//! read or to send by hand. Writing the file counts as delivered.
//!
//! [`Transport::check`] runs once per delivery batch: a server that is down
//! or refuses the login is [`SendError::Unavailable`] and nothing is tried;
//! a message the server refuses is [`SendError::Rejected`]; a connection
//! that fails during one message is [`SendError::Broken`]. Reasons are in
//! Chinese, with the server's own reply where it gave one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use lettre::address::Envelope;
use lettre::transport::smtp;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use thiserror::Error;

use super::message::Kind;
use crate::campaign::mail_config::{NotifyConfig, Security, SmtpConfig};
use crate::campaign::smtp::SmtpConfigError;

/// One queued message handed to a transport.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub kind: Kind,
    pub unit: Option<&'a str>,
    /// When it was queued (the batch clock); names the .eml file.
    pub created_at: DateTime<FixedOffset>,
    pub message_id: &'a str,
    pub envelope_from: &'a str,
    pub recipients: &'a [String],
    pub bytes: &'a [u8],
}

/// Why a message was not delivered.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SendError {
    /// The server cannot be reached or refuses us (connection, TLS, login,
    /// the sender address, an unwritable folder): nothing more is tried this
    /// batch, and no message is charged an attempt.
    #[error("{0}")]
    Unavailable(String),
    /// The server refused this message; `permanent` for a 5xx answer.
    #[error("{reason}")]
    Rejected { permanent: bool, reason: String },
    /// The connection failed while this message was being sent (a timeout,
    /// a reset). `maybe_delivered` when the whole message had gone out and
    /// only the server's confirmation was missing: the server may have kept
    /// it.
    #[error("{reason}")]
    Broken {
        maybe_delivered: bool,
        timed_out: bool,
        reason: String,
    },
}

/// Something that delivers rendered messages.
pub trait Transport {
    /// For logs and the outbox: "SMTP smtp.example.gov.cn:465" or the folder.
    fn describe(&self) -> String;
    /// Whether delivery can start at all (server up, login accepted).
    fn check(&mut self) -> Result<(), SendError>;
    /// Delivers one message; on success returns where it went (the
    /// server, or the file written).
    fn send(&mut self, mail: &Outgoing<'_>) -> Result<String, SendError>;
    /// Whether messages leave the machine: what it delivers is 已发送 and
    /// paced by the rate limit. Written .eml files are 已写入（未发送）, for
    /// the office to send, and need no pacing.
    fn leaves_machine(&self) -> bool {
        true
    }
}

/// The transport the configuration asks for: SMTP when `[mail.smtp]` is
/// set, otherwise .eml files in `outbox_dir` (e.g. `out/<campaign>/outbox`).
pub fn from_config(
    cfg: &NotifyConfig,
    outbox_dir: &Path,
    campaign_dir: Option<&Path>,
) -> Result<Box<dyn Transport>, SmtpConfigError> {
    Ok(match &cfg.smtp {
        Some(smtp) => Box::new(SmtpMailer::from_config(smtp, campaign_dir)?),
        None => Box::new(EmlDir::new(outbox_dir)),
    })
}

/// Writes each message as `<YYYYMMDD-HHMM>-<kind>-<unit>-<id8>.eml`.
#[derive(Debug, Clone)]
pub struct EmlDir {
    dir: PathBuf,
}

impl EmlDir {
    /// The folder is created on the first [`Transport::check`].
    pub fn new(dir: impl Into<PathBuf>) -> EmlDir {
        EmlDir { dir: dir.into() }
    }

    /// The file name a message gets. Deterministic, so a re-delivery after a
    /// crash overwrites the same file instead of adding a second one.
    pub fn file_name(mail: &Outgoing<'_>) -> String {
        let unit: String = mail
            .unit
            .unwrap_or("办公室")
            .chars()
            .map(|c| {
                if c.is_control() || c.is_whitespace() || "/\\:*?\"<>|".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .take(40)
            .collect();
        let id: String = mail
            .message_id
            .trim_start_matches('<')
            .chars()
            .take(8)
            .collect();
        format!(
            "{}-{}-{}-{}.eml",
            mail.created_at.format("%Y%m%d-%H%M"),
            mail.kind.as_str(),
            unit,
            id
        )
    }
}

impl Transport for EmlDir {
    fn leaves_machine(&self) -> bool {
        false
    }

    fn describe(&self) -> String {
        format!("文件夹 {}", self.dir.display())
    }

    fn check(&mut self) -> Result<(), SendError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            SendError::Unavailable(format!("无法创建发件箱文件夹 {}: {e}", self.dir.display()))
        })
    }

    fn send(&mut self, mail: &Outgoing<'_>) -> Result<String, SendError> {
        let path = self.dir.join(Self::file_name(mail));
        crate::atomic::write_atomic(&path, mail.bytes, true)
            .map_err(|e| SendError::Unavailable(format!("无法写入 {}: {e}", path.display())))?;
        Ok(path.display().to_string())
    }
}

/// An SMTP server reached through lettre's SMTP client, on a new connection
/// for each message.
///
/// lettre's `SmtpTransport::send` connects, logs in and sends in one call,
/// and its errors do not say which step failed; but what the batch does
/// depends on it: a server that cannot be reached or refuses the login stops
/// the batch without charging anyone ([`SendError::Unavailable`]), a refusal
/// of this message concerns this message only ([`SendError::Rejected`]), and
/// a connection lost after the whole message was sent may have delivered it
/// ([`SendError::Broken`] with `maybe_delivered`). So this drives lettre's
/// client ([`SmtpConnection`]) step by step.
pub struct SmtpMailer {
    host: String,
    port: u16,
    security: Security,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    /// For connecting and for each command's reply.
    timeout: Duration,
    hello: ClientId,
    label: String,
    /// The connection of the last delivered message, said goodbye to
    /// (QUIT) only at the next message or at the end: the batch records the
    /// message as sent the moment the server accepted it, not one round
    /// trip later.
    delivered: Option<SmtpConnection>,
}

/// How much longer than a command's reply the server may take to confirm a
/// whole message: it may scan a large attachment first (RFC 5321 allows it
/// minutes), and giving up early would leave the message "maybe delivered".
const DATA_TIMEOUT_FACTOR: u32 = 4;

impl SmtpMailer {
    /// Builds the transport from the checked settings (see
    /// [`SmtpConfig::settings`]: the password is read now; `campaign_dir`,
    /// when given, must not contain the password file).
    pub fn from_config(
        cfg: &SmtpConfig,
        campaign_dir: Option<&Path>,
    ) -> Result<SmtpMailer, SmtpConfigError> {
        let s = cfg.settings(campaign_dir)?;
        let mode = match s.security {
            Security::Tls => "TLS",
            Security::Starttls => "STARTTLS",
            Security::Plain => "明文",
        };
        Ok(SmtpMailer {
            label: format!("SMTP {}:{}（{mode}）", s.host, s.port),
            host: s.host,
            port: s.port,
            security: s.security,
            tls: s.tls,
            credentials: s.credentials,
            timeout: s.timeout,
            hello: ClientId::default(),
            delivered: None,
        })
    }

    /// Closes the last delivered message's connection politely.
    fn hang_up(&mut self) {
        if let Some(mut conn) = self.delivered.take() {
            let _ = conn.quit();
        }
    }

    /// Connects, encrypts and logs in. Any failure here is the server's, not
    /// a message's.
    fn open(&self) -> Result<SmtpConnection, SendError> {
        let unavailable = |what: &str, e: &smtp::Error| {
            SendError::Unavailable(format!(
                "{}{what}：{}",
                self.label,
                describe(e, self.timeout)
            ))
        };
        let wrapper = match self.security {
            Security::Tls => self.tls.as_ref(),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            wrapper,
            None,
        )
        .map_err(|e| unavailable(" 无法连接", &e))?;
        if let (Security::Starttls, Some(tls)) = (self.security, &self.tls) {
            conn.starttls(tls, &self.hello)
                .map_err(|e| unavailable(" 无法建立 STARTTLS 加密连接", &e))?;
        }
        if let Some(credentials) = &self.credentials
            && let Err(e) = conn.auth(DEFAULT_MECHANISMS, credentials)
        {
            return Err(unavailable(" 登录失败（请检查 user 和密码）", &e));
        }
        Ok(conn)
    }

    /// One SMTP transaction on an open connection: MAIL, RCPT for each
    /// recipient, DATA, the message.
    fn transact(
        &self,
        conn: &mut SmtpConnection,
        envelope: &Envelope,
        bytes: &[u8],
    ) -> Result<(), SendError> {
        let broken = |e: &smtp::Error| SendError::Broken {
            maybe_delivered: false,
            timed_out: timed_out(e),
            reason: format!("发送中{}，未送达", describe(e, self.timeout)),
        };
        let mut params = Vec::new();
        let info = conn.server_info();
        let non_ascii = envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
        if non_ascii {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(SendError::Rejected {
                    permanent: true,
                    reason: "收件地址含非ASCII字符，服务器不支持（SMTPUTF8）".into(),
                });
            }
            params.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() {
            if !info.supports_feature(Extension::EightBitMime) {
                return Err(SendError::Rejected {
                    permanent: true,
                    reason: "邮件含8位字符，服务器不支持（8BITMIME）".into(),
                });
            }
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let from = envelope.from().cloned();
        if let Err(e) = conn.command(Mail::new(from.clone(), params)) {
            return Err(match reply(&e) {
                // The sender is refused: every message would be.
                Some(text) if e.is_permanent() => SendError::Unavailable(format!(
                    "{} 拒绝了发件地址 {}（{text}），请检查 [mail] from 与登录账号",
                    self.label,
                    from.map(|a| a.to_string()).unwrap_or_default()
                )),
                Some(text) => refused(&e, format!("服务器暂时不接收邮件（{text}）")),
                None => broken(&e),
            });
        }
        for to in envelope.to() {
            if let Err(e) = conn.command(Rcpt::new(to.clone(), vec![])) {
                return Err(match reply(&e) {
                    Some(text) if e.is_permanent() => {
                        refused(&e, format!("收件地址 {to} 被服务器拒收（{text}）"))
                    }
                    Some(text) => refused(&e, format!("收件地址 {to} 暂时无法接收（{text}）")),
                    None => broken(&e),
                });
            }
        }
        if let Err(e) = conn.command(Data) {
            return Err(match reply(&e) {
                Some(text) => refused(&e, format!("服务器不接收邮件内容（{text}）")),
                None => broken(&e),
            });
        }
        let wait = self.timeout * DATA_TIMEOUT_FACTOR;
        if let Err(e) = conn.set_timeout(Some(wait)) {
            return Err(SendError::Broken {
                maybe_delivered: false,
                timed_out: false,
                reason: format!("网络错误（{e}），未送达"),
            });
        }
        match conn.message(bytes) {
            Ok(_) => Ok(()),
            Err(e) => Err(match reply(&e) {
                Some(text) if e.is_permanent() => {
                    refused(&e, format!("服务器拒收此邮件（{text}）"))
                }
                Some(text) => refused(&e, format!("服务器暂时无法接收此邮件（{text}）")),
                // The whole message went out; whether the server kept it
                // before the connection failed, nobody can tell.
                None => SendError::Broken {
                    maybe_delivered: true,
                    timed_out: timed_out(&e),
                    reason: format!("邮件内容已发出，但{}，服务器可能已收到", describe(&e, wait)),
                },
            }),
        }
    }
}

/// A refusal: permanent for a 5xx reply, except 421 (the server is closing
/// the connection, whatever the message).
fn refused(e: &smtp::Error, reason: String) -> SendError {
    if e.status().is_some_and(|c| c.to_string() == "421") {
        return SendError::Unavailable(reason);
    }
    SendError::Rejected {
        permanent: e.is_permanent(),
        reason,
    }
}

/// The server's reply, "550 5.1.1 <a@b>: user unknown", when the error is
/// one.
fn reply(e: &smtp::Error) -> Option<String> {
    let code = e.status()?;
    let text = std::error::Error::source(e).map_or_else(String::new, ToString::to_string);
    Some(format!("{code} {text}").trim_end().to_string())
}

/// The I/O error under an SMTP error, if any.
fn io_error(e: &smtp::Error) -> Option<&std::io::Error> {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = err.source();
    }
    None
}

/// Whether the server did not answer in time. A socket read timeout shows
/// as `WouldBlock` (EAGAIN) on Linux, which lettre's `is_timeout` misses.
fn timed_out(e: &smtp::Error) -> bool {
    io_error(e).is_some_and(|io| {
        matches!(
            io.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        )
    })
}

/// An SMTP error in Chinese, with the server's own words where there are
/// any. `wait` is the timeout that applied.
fn describe(e: &smtp::Error, wait: Duration) -> String {
    use std::io::ErrorKind;
    if let Some(text) = reply(e) {
        return format!("服务器回复 {text}");
    }
    if timed_out(e) {
        return format!("连接超时：服务器{}秒内没有响应", wait.as_secs());
    }
    if let Some(io) = io_error(e) {
        return match io.kind() {
            ErrorKind::ConnectionRefused => "服务器拒绝连接（端口未开放或服务未启动）".into(),
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof => "服务器断开了连接".into(),
            // rustls reports a failed handshake as invalid data.
            ErrorKind::InvalidData => tls_failure(&io.to_string()),
            _ => format!("网络错误（{io}）"),
        };
    }
    if e.is_response() {
        let text = std::error::Error::source(e).map_or_else(String::new, ToString::to_string);
        return if text.contains("incomplete response") {
            "服务器断开了连接".into()
        } else {
            format!("服务器的回复无法识别（{text}）")
        };
    }
    if e.is_tls() {
        let text = std::error::Error::source(e).map_or_else(|| e.to_string(), ToString::to_string);
        return tls_failure(&text);
    }
    e.to_string()
}

/// A failed TLS handshake, with what to do about the usual cause.
fn tls_failure(text: &str) -> String {
    let hint = if text.contains("UnknownIssuer") {
        "：服务器证书不是公认机构签发的，请用 [mail.smtp] 的 ca_cert 指定签发它的根证书"
    } else {
        ""
    };
    format!("TLS 加密失败（{text}）{hint}")
}

impl Transport for SmtpMailer {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn check(&mut self) -> Result<(), SendError> {
        let mut conn = self.open()?;
        let _ = conn.quit();
        Ok(())
    }

    fn send(&mut self, mail: &Outgoing<'_>) -> Result<String, SendError> {
        let bad_address = |e: lettre::address::AddressError| SendError::Rejected {
            permanent: true,
            reason: format!("信封地址无效: {e}"),
        };
        let from = mail.envelope_from.parse().map_err(bad_address)?;
        let to = mail
            .recipients
            .iter()
            .map(|r| r.parse())
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad_address)?;
        let envelope = Envelope::new(Some(from), to).map_err(|e| SendError::Rejected {
            permanent: true,
            reason: format!("信封无效: {e}"),
        })?;
        self.hang_up();
        let mut conn = self.open()?;
        let result = self.transact(&mut conn, &envelope, mail.bytes);
        match &result {
            Ok(()) => self.delivered = Some(conn),
            // The server answered: it will answer QUIT too.
            Err(SendError::Rejected { .. }) => {
                let _ = conn.quit();
            }
            // A server that stopped answering would keep QUIT waiting for
            // the whole timeout: just close the connection.
            Err(_) => drop(conn),
        }
        result.map(|()| self.label.clone())
    }
}

impl Drop for SmtpMailer {
    fn drop(&mut self) {
        self.hang_up();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing<'a>(bytes: &'a [u8], recipients: &'a [String]) -> Outgoing<'a> {
        Outgoing {
            kind: Kind::Reminder,
            unit: Some("湘西州生态环境局泸溪分局 / 测试"),
            created_at: DateTime::parse_from_rfc3339("2025-05-06T20:05:00+08:00").unwrap(),
            message_id: "<0123456789abcdef@baosong.luxi-2025>",
            envelope_from: "office@luxi.example.gov.cn",
            recipients,
            bytes,
        }
    }

    #[test]
    fn eml_files_are_named_and_rewritten_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = EmlDir::new(dir.path().join("outbox"));
        t.check().unwrap();
        let to = vec!["a@b.example".to_string()];
        let where_ = t.send(&outgoing(b"first", &to)).unwrap();
        let name = EmlDir::file_name(&outgoing(b"", &to));
        assert_eq!(
            name,
            "20250506-2005-reminder-湘西州生态环境局泸溪分局___测试-01234567.eml"
        );
        assert!(where_.ends_with(&name), "{where_}");
        t.send(&outgoing(b"second", &to)).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(
            std::fs::read(dir.path().join("outbox").join(&name)).unwrap(),
            b"second"
        );
    }
}
