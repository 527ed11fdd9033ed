//! Real SMTP servers for the mail tests: the well-behaved ones that
//! `.ci/mail-servers.sh start` runs for the whole suite ([`servers`]), and a
//! misbehaving one each test starts for itself ([`FaultServer`],
//! `.ci/smtp_faults.py`). Both store what they accept in a Maildir, read
//! back here by Message-ID.
//!
//! A missing server or Python module makes a test print `skipped: …`, or
//! fail when `CI` is set.

#![allow(dead_code)] // each test binary uses a different part of the helper

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Whether this is CI, where a missing tool fails a test.
pub fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// Fails under CI, otherwise says why the test does nothing.
pub fn skip(why: &str) {
    assert!(!ci(), "CI: {why}");
    println!("skipped: {why}");
}

/// What `.ci/mail-servers.sh start` wrote.
pub struct Servers(HashMap<String, String>);

impl Servers {
    pub fn get(&self, key: &str) -> &str {
        self.0
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing in env file"))
    }
    pub fn port(&self, kind: &str) -> u16 {
        self.get(&format!("MAIL_{kind}_PORT")).parse().unwrap()
    }
    pub fn maildir(&self, kind: &str) -> PathBuf {
        PathBuf::from(self.get(&format!("MAIL_{kind}_MAILDIR")))
    }
}

/// The servers of `.ci/mail-servers.sh`, or None (skipped) when they were
/// not started.
pub fn servers() -> Option<Servers> {
    let path = std::env::var("BAOSONG_TEST_MAIL_ENV").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mail-servers.env"),
        PathBuf::from,
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(Servers(
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
                .collect(),
        )),
        Err(_) => {
            skip(&format!(
                "mail servers not started ({} absent); run .ci/mail-servers.sh start",
                path.display()
            ));
            None
        }
    }
}

/// One stored message.
pub struct Stored {
    pub message_id: String,
    /// The SMTP envelope's recipients.
    pub rcpt_to: Vec<String>,
    pub bytes: Vec<u8>,
}

/// Messages in `maildir/new` whose Message-ID ends in `@baosong.<campaign>>`
/// (the servers of `.ci/mail-servers.sh` keep every test's mail).
pub fn stored(maildir: &Path, campaign: &str) -> Vec<Stored> {
    let needle = format!("@baosong.{campaign}>");
    let Ok(dir) = std::fs::read_dir(maildir.join("new")) else {
        return vec![];
    };
    let mut paths: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            // Parse only this campaign's mail: the servers keep every test's.
            let head = &bytes[..bytes.len().min(8192)];
            if !String::from_utf8_lossy(head).contains(&needle) {
                return None;
            }
            let msg = mail_parser::MessageParser::default().parse(&bytes)?;
            let id = format!("<{}>", msg.message_id()?);
            if !id.ends_with(&needle) {
                return None;
            }
            let rcpt_to = msg
                .header_raw("X-RcptTo")
                .map(|h| h.split(',').map(|a| a.trim().to_lowercase()).collect())
                .unwrap_or_default();
            Some(Stored {
                message_id: id,
                rcpt_to,
                bytes,
            })
        })
        .collect()
}

/// How many copies of each Message-ID arrived.
pub fn copies(maildir: &Path, campaign: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for s in stored(maildir, campaign) {
        *out.entry(s.message_id).or_default() += 1;
    }
    out
}

/// A campaign id no other test or run shares, so each finds its own mail.
pub fn unique_id(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{test}-{}-{nanos}", std::process::id())
}

/// Points the campaign.toml in `dir` (the demo's) at a plain SMTP server on
/// 127.0.0.1:`port` with a `timeout` in seconds, under campaign id `id`,
/// sending without pacing, giving up after `max_attempts`.
pub fn use_smtp(dir: &Path, id: &str, port: u16, timeout: u64, max_attempts: u32) {
    let path = dir.join("campaign.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let smtp = format!(
        "[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\ntimeout_secs = {timeout}\n\n[reminders]"
    );
    let replaced = [
        ("id = \"luxi-2025\"", format!("id = \"{id}\"")),
        (
            "rate_per_minute = 30",
            "rate_per_minute = 60000".to_string(),
        ),
        ("max_attempts = 5", format!("max_attempts = {max_attempts}")),
        ("\n[reminders]", format!("\n{smtp}")),
    ]
    .iter()
    .fold(text, |t, (from, to)| {
        assert!(t.contains(from), "campaign.toml has no {from}");
        t.replacen(from, to, 1)
    });
    std::fs::write(&path, replaced).unwrap();
}

/// Changes the SMTP port in a campaign.toml written by [`use_smtp`].
pub fn set_smtp_port(dir: &Path, port: u16) {
    let path = dir.join("campaign.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, tail) = text.split_once("[mail.smtp]").unwrap();
    let tail: String = tail
        .lines()
        .map(|l| {
            if l.starts_with("port = ") {
                format!("port = {port}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, format!("{head}[mail.smtp]{tail}\n")).unwrap();
}

/// A loopback aiosmtpd server that misbehaves as its rules file says
/// (`.ci/smtp_faults.py`); killed when dropped.
pub struct FaultServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
    rules: PathBuf,
    _dir: tempfile::TempDir,
}

impl FaultServer {
    /// Starts the server with no rules (well-behaved), or None (skipped)
    /// without python3 and aiosmtpd.
    pub fn start() -> Option<FaultServer> {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let has_aiosmtpd = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_aiosmtpd {
            skip(&format!(
                "{python} with aiosmtpd not found (pip install aiosmtpd)"
            ));
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("Maildir");
        let rules = dir.path().join("rules");
        let mut child = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/smtp_faults.py"))
            .arg(&maildir)
            .arg(&rules)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("smtp_faults.py did not start: {line:?}"));
        Some(FaultServer {
            child,
            port,
            maildir,
            rules,
            _dir: dir,
        })
    }

    /// Replaces the server's rules (read again on every command).
    pub fn rules(&self, rules: &str) {
        std::fs::write(&self.rules, rules).unwrap();
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
