//! Where delivered messages go: an SMTP server through lettre
//! ([`SmtpMailer`]), or, when campaign.toml has no `[mail.smtp]`, one `.eml`
//! file per message in the campaign's outbox folder ([`EmlDir`]), ready to
//! read or to send by hand. Writing the file counts as delivered.
//!
//! [`Transport::check`] runs once per delivery batch: a server that is down
//! or refuses the login is [`SendError::Unavailable`] and nothing is tried;
//! a message the server refuses is [`SendError::Rejected`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport as _};
use thiserror::Error;

use super::config::{NotifyConfig, Security, SmtpConfig};
use super::message::Kind;

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
    /// timeout, unwritable folder): nothing more is tried this batch.
    #[error("{0}")]
    Unavailable(String),
    /// The server refused this message; `permanent` for a 5xx answer.
    #[error("{reason}")]
    Rejected { permanent: bool, reason: String },
}

/// A transport that cannot even be set up from the configuration.
#[derive(Debug, Error)]
pub enum TransportError {
    #[error("[mail.smtp] 配置有误: {0}")]
    Config(String),
    #[error("无法读取 {what} {path}: {source}")]
    Read {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
}

/// Something that delivers rendered messages.
pub trait Transport {
    /// For logs and the outbox: "SMTP smtp.example.gov.cn:465" or the folder.
    fn describe(&self) -> String;
    /// Whether delivery can start at all (server up, login accepted).
    fn check(&mut self) -> Result<(), SendError>;
    /// Delivers one message; on success returns where it went.
    fn send(&mut self, mail: &Outgoing<'_>) -> Result<String, SendError>;
    /// Whether messages leave the machine, so the rate limit applies
    /// (writing .eml files needs no pacing).
    fn paced(&self) -> bool {
        true
    }
}

/// The transport the configuration asks for: SMTP when `[mail.smtp]` is
/// set, otherwise .eml files in `outbox_dir` (e.g. `out/<campaign>/outbox`).
pub fn from_config(
    cfg: &NotifyConfig,
    outbox_dir: &Path,
    campaign_dir: Option<&Path>,
) -> Result<Box<dyn Transport>, TransportError> {
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
    fn paced(&self) -> bool {
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

/// An SMTP server reached through lettre.
pub struct SmtpMailer {
    inner: SmtpTransport,
    label: String,
}

impl SmtpMailer {
    /// Builds the transport. The password is read now, from the environment
    /// variable or the file named in the config; `campaign_dir`, when given,
    /// must not contain the password file.
    pub fn from_config(
        cfg: &SmtpConfig,
        campaign_dir: Option<&Path>,
    ) -> Result<SmtpMailer, TransportError> {
        let port = cfg.port();
        let loopback = matches!(cfg.host.as_str(), "localhost" | "127.0.0.1" | "::1");
        if cfg.security == Security::Plain && !loopback {
            return Err(TransportError::Config(format!(
                "security = \"plain\" 只允许用于本机（127.0.0.1），{} 请用 tls 或 starttls",
                cfg.host
            )));
        }
        let mut builder = SmtpTransport::builder_dangerous(cfg.host.clone())
            .port(port)
            .timeout(Some(Duration::from_secs(cfg.timeout_secs.max(1))));
        if cfg.security != Security::Plain {
            let mut tls = TlsParameters::builder(cfg.host.clone());
            if let Some(path) = &cfg.ca_cert {
                let pem = std::fs::read(path).map_err(|source| TransportError::Read {
                    what: "CA 证书",
                    path: path.display().to_string(),
                    source,
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    TransportError::Config(format!("ca_cert {} 不是 PEM 证书: {e}", path.display()))
                })?;
                tls = tls.add_root_certificate(cert);
            }
            let tls = tls
                .build()
                .map_err(|e| TransportError::Config(format!("TLS 参数无效: {e}")))?;
            builder = builder.tls(match cfg.security {
                Security::Tls => Tls::Wrapper(tls),
                _ => Tls::Required(tls),
            });
        }
        if let Some(user) = &cfg.user {
            let password = password(cfg, campaign_dir)?;
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let mode = match cfg.security {
            Security::Tls => "TLS",
            Security::Starttls => "STARTTLS",
            Security::Plain => "明文",
        };
        Ok(SmtpMailer {
            inner: builder.build(),
            label: format!("SMTP {}:{port}（{mode}）", cfg.host),
        })
    }
}

/// The SMTP password from `password_env` or `password_file` (exactly one).
fn password(cfg: &SmtpConfig, campaign_dir: Option<&Path>) -> Result<String, TransportError> {
    match (&cfg.password_env, &cfg.password_file) {
        (Some(var), None) => std::env::var(var)
            .map_err(|_| TransportError::Config(format!("环境变量 {var} 未设置（SMTP 密码）"))),
        (None, Some(path)) => {
            if let Some(dir) = campaign_dir {
                let inside = match (path.canonicalize(), dir.canonicalize()) {
                    (Ok(p), Ok(d)) => p.starts_with(d),
                    _ => path.is_relative(),
                };
                if inside {
                    return Err(TransportError::Config(format!(
                        "密码文件 {} 在活动文件夹内；请放到活动文件夹之外",
                        path.display()
                    )));
                }
            }
            let text = std::fs::read_to_string(path).map_err(|source| TransportError::Read {
                what: "密码文件",
                path: path.display().to_string(),
                source,
            })?;
            Ok(text.lines().next().unwrap_or_default().to_string())
        }
        (None, None) => Err(TransportError::Config(
            "设置了 user，但没有 password_env 或 password_file".into(),
        )),
        (Some(_), Some(_)) => Err(TransportError::Config(
            "password_env 与 password_file 只能设置一个".into(),
        )),
    }
}

impl Transport for SmtpMailer {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn check(&mut self) -> Result<(), SendError> {
        match self.inner.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(SendError::Unavailable(format!(
                "{} 连接后无响应",
                self.label
            ))),
            Err(e) => Err(SendError::Unavailable(format!("{}: {e}", self.label))),
        }
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
        match self.inner.send_raw(&envelope, mail.bytes) {
            Ok(_) => Ok(self.label.clone()),
            Err(e) if e.is_response() => Err(SendError::Rejected {
                permanent: e.is_permanent(),
                reason: format!("{}: {e}", self.label),
            }),
            Err(e) => Err(SendError::Unavailable(format!("{}: {e}", self.label))),
        }
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

    #[test]
    fn config_mistakes_are_refused_before_sending() {
        let cfg = |extra: &str| -> SmtpConfig {
            toml::from_str(&format!("host = \"smtp.example.gov.cn\"\n{extra}")).unwrap()
        };
        let err = |c: &SmtpConfig, dir: Option<&Path>| {
            SmtpMailer::from_config(c, dir).err().unwrap().to_string()
        };
        assert!(err(&cfg("security = \"plain\""), None).contains("只允许用于本机"));
        assert!(err(&cfg("user = \"u\""), None).contains("password_env"));
        assert!(
            err(
                &cfg("user = \"u\"\npassword_env = \"BAOSONG_TEST_UNSET_VAR\""),
                None
            )
            .contains("BAOSONG_TEST_UNSET_VAR")
        );
        let dir = tempfile::tempdir().unwrap();
        let pass = dir.path().join("smtp.pass");
        std::fs::write(&pass, "s3cret\n").unwrap();
        let inside = cfg(&format!("user = \"u\"\npassword_file = {:?}", pass));
        assert!(err(&inside, Some(dir.path())).contains("活动文件夹之外"));
        assert!(SmtpMailer::from_config(&inside, None).is_ok());
        assert!(err(&cfg("ca_cert = \"/nonexistent/ca.pem\""), None).contains("CA 证书"));
    }
}
