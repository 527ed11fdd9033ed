//! `[mail.smtp]` checked into what a connection needs: the port, the TLS
//! parameters (with the office's own CA when `ca_cert` names one) and the
//! login, the password read from `password_env` or `password_file`.
//!
//! Campaign loading runs this once so that a mistake stops a batch before
//! anything is written (see [`crate::campaign::Campaign::load`]); the notify
//! stage's SMTP transport is built from the same [`SmtpSettings`].

use std::path::Path;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use thiserror::Error;

use super::mail_config::{Security, SmtpConfig};

/// A `[mail.smtp]` that cannot even be set up: `key` is the key of
/// campaign.toml that is wrong, `message` says what to write instead.
#[derive(Debug, Error)]
#[error("[mail.smtp] {key}: {message}")]
pub struct SmtpConfigError {
    pub key: &'static str,
    pub message: String,
}

fn config_error(key: &'static str, message: String) -> SmtpConfigError {
    SmtpConfigError { key, message }
}

/// A checked `[mail.smtp]`.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// `None` for [`Security::Plain`].
    pub tls: Option<TlsParameters>,
    pub credentials: Option<Credentials>,
    /// For connecting and for each command's reply (at least a second).
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Checks the settings and reads the password now, from the environment
    /// variable or the file named in the config; `campaign_dir`, when given,
    /// must not contain the password file.
    pub fn settings(&self, campaign_dir: Option<&Path>) -> Result<SmtpSettings, SmtpConfigError> {
        let cfg = self;
        let port = cfg.port();
        if cfg.host.trim().is_empty() {
            return Err(config_error(
                "host",
                "不能为空，应写邮件服务器的地址，如 host = \"smtp.example.gov.cn\"".into(),
            ));
        }
        if port == 0 {
            return Err(config_error(
                "port",
                "不能为 0：tls 一般为 465，starttls 一般为 587（不写则按 security 取默认值）"
                    .into(),
            ));
        }
        let loopback = matches!(cfg.host.as_str(), "localhost" | "127.0.0.1" | "::1");
        if cfg.security == Security::Plain && !loopback {
            return Err(config_error(
                "security",
                format!(
                    "\"plain\"（不加密）只允许用于本机（127.0.0.1）；{} 请改为 security = \"tls\"（端口465）或 \"starttls\"（端口587）",
                    cfg.host
                ),
            ));
        }
        let tls = if cfg.security == Security::Plain {
            None
        } else {
            let mut tls = TlsParameters::builder(cfg.host.clone());
            if let Some(path) = &cfg.ca_cert {
                let pem = std::fs::read(path).map_err(|e| {
                    config_error(
                        "ca_cert",
                        format!(
                            "无法读取 CA 证书 {}（{e}）；请写证书文件的完整路径，或删去 ca_cert",
                            path.display()
                        ),
                    )
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    config_error(
                        "ca_cert",
                        format!(
                            "{} 不是 PEM 证书（{e}）；应为以 -----BEGIN CERTIFICATE----- 开头的文件",
                            path.display()
                        ),
                    )
                })?;
                tls = tls.add_root_certificate(cert);
            }
            Some(
                tls.build()
                    .map_err(|e| config_error("host", format!("TLS 参数无效（{e}）")))?,
            )
        };
        let credentials = match &cfg.user {
            Some(user) => Some(Credentials::new(user.clone(), password(cfg, campaign_dir)?)),
            None if cfg.password_env.is_some() || cfg.password_file.is_some() => {
                let key = if cfg.password_env.is_some() {
                    "password_env"
                } else {
                    "password_file"
                };
                return Err(config_error(
                    key,
                    "写了密码来源，但没有登录名：请加 user = \"登录名\"（一般是发件邮箱），或删去此行".into(),
                ));
            }
            None => None,
        };
        Ok(SmtpSettings {
            host: cfg.host.clone(),
            port,
            security: cfg.security,
            tls,
            credentials,
            timeout: Duration::from_secs(cfg.timeout_secs.max(1)),
        })
    }
}

/// The SMTP password from `password_env` or `password_file` (exactly one).
fn password(cfg: &SmtpConfig, campaign_dir: Option<&Path>) -> Result<String, SmtpConfigError> {
    match (&cfg.password_env, &cfg.password_file) {
        (Some(var), None) => match std::env::var(var) {
            Ok(p) if !p.is_empty() => Ok(p),
            Ok(_) => Err(config_error(
                "password_env",
                format!("环境变量 {var} 是空的（SMTP 密码）；请在运行 baosong 的环境中给它设置密码"),
            )),
            Err(_) => Err(config_error(
                "password_env",
                format!(
                    "环境变量 {var} 未设置（SMTP 密码）；请在运行 baosong 的环境中设置它\
                     （如 export {var}=…，或 systemd 服务的 EnvironmentFile=），或改用 password_file = \"/etc/baosong/smtp.pass\""
                ),
            )),
        },
        (None, Some(path)) => {
            if let Some(dir) = campaign_dir {
                let inside = match (path.canonicalize(), dir.canonicalize()) {
                    (Ok(p), Ok(d)) => p.starts_with(d),
                    _ => path.is_relative(),
                };
                if inside {
                    return Err(config_error(
                        "password_file",
                        format!(
                            "密码文件 {} 在活动文件夹内（会随文件夹被复制、备份）；请放到活动文件夹之外，如 /etc/baosong/smtp.pass",
                            path.display()
                        ),
                    ));
                }
            }
            let text = std::fs::read_to_string(path).map_err(|e| {
                config_error(
                    "password_file",
                    format!(
                        "无法读取密码文件 {}（{e}）；请检查路径和读取权限，或改用 password_env",
                        path.display()
                    ),
                )
            })?;
            Ok(text.lines().next().unwrap_or_default().to_string())
        }
        (None, None) => Err(config_error(
            "user",
            "设置了 user，但没有密码来源：请加 password_env = \"BAOSONG_SMTP_PASSWORD\"（环境变量名）\
             或 password_file = \"/etc/baosong/smtp.pass\"（密码文件）"
                .into(),
        )),
        (Some(_), Some(_)) => Err(config_error(
            "password_file",
            "password_env 与 password_file 只能写一个，请删去其中一个".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_mistakes_are_refused_before_sending() {
        let cfg = |extra: &str| -> SmtpConfig {
            toml::from_str(&format!("host = \"smtp.example.gov.cn\"\n{extra}")).unwrap()
        };
        let err = |c: &SmtpConfig, dir: Option<&Path>| c.settings(dir).err().unwrap().to_string();
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
        assert!(inside.settings(None).is_ok());
        assert!(err(&cfg("ca_cert = \"/nonexistent/ca.pem\""), None).contains("CA 证书"));
        assert!(err(&cfg("password_env = \"X\""), None).contains("user"));
        assert!(err(&cfg("port = 0"), None).contains("port"));
    }
}
