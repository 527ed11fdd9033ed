//! An authenticated, identified IMAP session to the office's mailbox: TCP,
//! then TLS (from the first byte, or after STARTTLS) checked against the
//! public roots plus the office's own CA, LOGIN, and the ID command
//! (RFC 2971) whenever the server offers it: 163, 126 and yeah.net
//! (Coremail) refuse to open a folder for a client that has not sent it.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_imap::{Client, Session as ImapSession};
use rustls_pki_types::{CertificateDer, ServerName, pem::PemObject};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::campaign::config::{ImapSection, ImapSecurity};

/// How long one network step may take before the mailbox is given up for
/// this batch.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// The byte stream a session runs over (TLS or, to 127.0.0.1 only, plain).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}

pub type Session = ImapSession<Box<dyn Io>>;

/// Why the mailbox could not be read, in the office's words: each names the
/// setting to look at.
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error("未设置环境变量 {0}（[intake.imap] password_env），无法登录邮箱")]
    NoPasswordEnv(String),
    #[error("无法读取授权码文件 {path}（[intake.imap] password_file）: {source}")]
    PasswordFile {
        path: String,
        source: std::io::Error,
    },
    #[error("无法读取 CA 证书 {path}（[intake.imap] ca_file）: {message}")]
    CaFile { path: String, message: String },
    #[error("无法连接邮箱服务器 {host}:{port}（{source}）：请检查网络和 [intake.imap] host、port")]
    Connect {
        host: String,
        port: u16,
        source: std::io::Error,
    },
    #[error(
        "与邮箱服务器 {host}:{port} 建立加密连接失败（{message}）：请检查 [intake.imap] security（993端口用 \"tls\"，143端口用 \"starttls\"）；服务器使用自建证书时，在 ca_file 中给出签发它的 CA 证书"
    )]
    Tls {
        host: String,
        port: u16,
        message: String,
    },
    #[error(
        "邮箱 {user} 登录被拒绝（{message}）：请检查 [intake.imap] 的 user 和 {password}中的授权码（163、126、QQ邮箱须用“客户端授权码”，不是网页登录密码）"
    )]
    Login {
        user: String,
        password: String,
        message: String,
    },
    #[error("邮箱服务器 {host} 超过{}秒没有响应（{step}）", STEP_TIMEOUT.as_secs())]
    Timeout { host: String, step: &'static str },
    #[error("邮箱服务器 {host} 出错（{step}: {message}）")]
    Protocol {
        host: String,
        step: &'static str,
        message: String,
    },
}

/// Runs one network step under [`STEP_TIMEOUT`], naming it in the fault.
pub async fn step<T, E: fmt::Display>(
    host: &str,
    name: &'static str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, Fault> {
    match tokio::time::timeout(STEP_TIMEOUT, fut).await {
        Err(_) => Err(Fault::Timeout {
            host: host.to_string(),
            step: name,
        }),
        Ok(Err(e)) => Err(Fault::Protocol {
            host: host.to_string(),
            step: name,
            message: e.to_string(),
        }),
        Ok(Ok(v)) => Ok(v),
    }
}

/// The password (授权码) from where the section says it is.
fn password(cfg: &ImapSection, base: &Path) -> Result<(String, String), Fault> {
    if let Some(var) = &cfg.password_env {
        let value = std::env::var(var).map_err(|_| Fault::NoPasswordEnv(var.clone()))?;
        return Ok((value, format!("password_env 所指的环境变量 {var} ")));
    }
    let file = cfg.password_file.as_deref().unwrap_or(Path::new(""));
    let path = base.join(file);
    let text = std::fs::read_to_string(&path).map_err(|source| Fault::PasswordFile {
        path: path.display().to_string(),
        source,
    })?;
    Ok((
        text.trim_end_matches(['\r', '\n']).to_string(),
        format!("password_file 所指的文件 {} ", path.display()),
    ))
}

fn tls_config(cfg: &ImapSection, base: &Path) -> Result<ClientConfig, Fault> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(ca) = &cfg.ca_file {
        let path = base.join(ca);
        let ca_fault = |message: String| Fault::CaFile {
            path: path.display().to_string(),
            message,
        };
        let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(&path)
            .map_err(|e| ca_fault(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| ca_fault(e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_fault("文件中没有 PEM 格式的证书".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| ca_fault(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Fault::Tls {
            host: cfg.host.clone(),
            port: cfg.port(),
            message: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

async fn tls<S: Io + 'static>(
    cfg: &ImapSection,
    config: ClientConfig,
    stream: S,
) -> Result<Box<dyn Io>, Fault> {
    let fault = |message: String| Fault::Tls {
        host: cfg.host.clone(),
        port: cfg.port(),
        message,
    };
    let name = ServerName::try_from(cfg.host.clone()).map_err(|e| fault(e.to_string()))?;
    let connector = TlsConnector::from(Arc::new(config));
    match tokio::time::timeout(STEP_TIMEOUT, connector.connect(name, stream)).await {
        Err(_) => Err(Fault::Timeout {
            host: cfg.host.clone(),
            step: "TLS",
        }),
        Ok(Err(e)) => Err(fault(e.to_string())),
        Ok(Ok(s)) => Ok(Box::new(s)),
    }
}

/// Reads the server's greeting.
async fn greeting(host: &str, client: &mut Client<Box<dyn Io>>) -> Result<(), Fault> {
    let read = async {
        client.read_response().await.and_then(|r| {
            r.map(|_| ())
                .ok_or_else(|| std::io::Error::other("连接被关闭"))
        })
    };
    step(host, "问候", read).await
}

/// Connects, logs in and identifies the program.
pub async fn open(cfg: &ImapSection, base: &Path) -> Result<Session, Fault> {
    let (password, password_source) = password(cfg, base)?;
    let host = cfg.host.as_str();
    let port = cfg.port();
    let connect_fault = |source| Fault::Connect {
        host: host.to_string(),
        port,
        source,
    };
    let tcp = match tokio::time::timeout(STEP_TIMEOUT, TcpStream::connect((host, port))).await {
        Err(_) => {
            return Err(Fault::Timeout {
                host: host.to_string(),
                step: "连接",
            });
        }
        Ok(r) => r.map_err(connect_fault)?,
    };
    let client = match cfg.security {
        ImapSecurity::Tls => {
            let stream = tls(cfg, tls_config(cfg, base)?, tcp).await?;
            let mut client = Client::new(stream);
            greeting(host, &mut client).await?;
            client
        }
        ImapSecurity::Starttls => {
            let config = tls_config(cfg, base)?;
            let mut plain = Client::new(Box::new(tcp) as Box<dyn Io>);
            greeting(host, &mut plain).await?;
            step(
                host,
                "STARTTLS",
                plain.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            // No greeting after STARTTLS: the session goes on over TLS.
            Client::new(tls(cfg, config, plain.into_inner()).await?)
        }
        ImapSecurity::Plain => {
            let mut client = Client::new(Box::new(tcp) as Box<dyn Io>);
            greeting(host, &mut client).await?;
            client
        }
    };
    let login = tokio::time::timeout(STEP_TIMEOUT, client.login(&cfg.user, &password)).await;
    let mut session = match login {
        Err(_) => {
            return Err(Fault::Timeout {
                host: host.to_string(),
                step: "登录",
            });
        }
        Ok(Err((e, _))) => {
            return Err(Fault::Login {
                user: cfg.user.clone(),
                password: password_source,
                message: e.to_string(),
            });
        }
        Ok(Ok(s)) => s,
    };
    let caps = step(host, "CAPABILITY", session.capabilities()).await?;
    if caps.has_str("ID") {
        let id = [
            ("name", Some("baosong")),
            ("version", Some(env!("CARGO_PKG_VERSION"))),
            ("vendor", Some("baosong")),
        ];
        step(host, "ID", session.id(id)).await?;
    }
    Ok(session)
}
