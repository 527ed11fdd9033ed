//! A real IMAP server for the mailbox tests: a Dovecot of its own per test
//! (`.ci/dovecot.sh`, loopback, STARTTLS and IMAPS, a test CA), with
//! messages delivered straight into its Maildir as a mail server would.
//!
//! Without dovecot a test prints `skipped: …`, or fails when `CI` is set.

#![allow(dead_code)] // each test binary uses a different part of the helper

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether this is CI, where a missing tool fails a test.
pub fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// One standalone Dovecot, stopped when dropped.
pub struct Dovecot {
    pub dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/dovecot.sh")
}

fn installed() -> bool {
    Path::new("/usr/sbin/dovecot").exists()
        || Command::new("sh")
            .args(["-c", "command -v dovecot"])
            .output()
            .is_ok_and(|o| o.status.success())
}

impl Dovecot {
    /// Starts one, or None (skipped) when dovecot is not installed.
    pub fn start() -> Option<Dovecot> {
        if !installed() {
            assert!(!ci(), "CI: dovecot missing (apt-get install dovecot-imapd)");
            println!("skipped: dovecot missing (apt-get install dovecot-imapd)");
            return None;
        }
        let mut d = Dovecot {
            dir: tempfile::tempdir().unwrap(),
            env: HashMap::new(),
        };
        d.restart();
        Some(d)
    }

    /// Starts it again (same ports, same mailbox) after [`Dovecot::stop`].
    pub fn restart(&mut self) {
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "dovecot did not start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(self.dir.path().join("dovecot.env")).unwrap();
        self.env = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    }

    pub fn stop(&self) {
        let ok = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "dovecot did not stop");
    }

    pub fn get(&self, key: &str) -> &str {
        &self.env[key]
    }

    pub fn port(&self) -> u16 {
        self.get("IMAP_PORT").parse().unwrap()
    }

    pub fn imaps_port(&self) -> u16 {
        self.get("IMAPS_PORT").parse().unwrap()
    }

    pub fn maildir(&self) -> PathBuf {
        PathBuf::from(self.get("IMAP_MAILDIR"))
    }

    /// Dovecot's log (ID commands show there: `imap_id_log = *`).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.get("IMAP_LOG")).unwrap_or_default()
    }

    fn owned(&self, path: &Path) {
        let uid: u32 = self.get("IMAP_UID").parse().unwrap();
        let gid: u32 = self.get("IMAP_GID").parse().unwrap();
        // Only root can give files away; otherwise they are ours already.
        let _ = std::os::unix::fs::chown(path, Some(uid), Some(gid));
    }

    /// The Maildir folder of `folder` ("INBOX" or a name as the office
    /// writes it), created when needed.
    pub fn folder_dir(&self, folder: &str) -> PathBuf {
        if folder == "INBOX" {
            return self.maildir();
        }
        let dir = self.maildir().join(format!(
            ".{}",
            baosong::intake::mailbox::utf7::encode(folder)
        ));
        if !dir.exists() {
            for sub in ["", "cur", "new", "tmp"] {
                std::fs::create_dir_all(dir.join(sub)).unwrap();
                self.owned(&dir.join(sub));
            }
        }
        dir
    }

    /// Delivers `bytes` into `folder` as received at `received` (Unix
    /// seconds: Dovecot's INTERNALDATE for Maildir is the file's mtime).
    pub fn deliver(&self, folder: &str, bytes: &[u8], received: i64) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = self.folder_dir(folder);
        let name = format!("{received}.M{n}P{}.baosong-test", std::process::id());
        let tmp = dir.join("tmp").join(&name);
        std::fs::write(&tmp, bytes).unwrap();
        self.owned(&tmp);
        filetime::set_file_mtime(&tmp, filetime::FileTime::from_unix_time(received, 0)).unwrap();
        let dest = dir.join("new").join(&name);
        std::fs::rename(&tmp, &dest).unwrap();
        dest
    }

    /// Every message file in the mailbox with its Maildir flags (after
    /// `:2,`), for proving nothing was flagged, moved or deleted.
    pub fn messages(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(self.maildir()) {
            let entry = entry.unwrap();
            let parent = entry.path().parent().and_then(|p| p.file_name());
            let in_mail_dir = parent.is_some_and(|p| p == "cur" || p == "new");
            if !entry.file_type().is_file() || !in_mail_dir {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let (base, flags) = name
                .split_once(":2,")
                .map_or((name.clone(), String::new()), |(b, f)| {
                    (b.to_string(), f.to_string())
                });
            out.push((base, flags));
        }
        out.sort();
        out
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `[intake.imap]` section for `d` (STARTTLS on its IMAP port, its CA,
/// the password in the campaign's file `imap-password`).
pub fn section(d: &Dovecot, folders: &[&str]) -> String {
    let folders: Vec<String> = folders.iter().map(|f| format!("\"{f}\"")).collect();
    format!(
        "\n[intake.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nuser = \"clerk\"\npassword_file = \"imap-password\"\nfolders = [{}]\nca_file = \"{}\"\n",
        d.port(),
        folders.join(", "),
        d.get("IMAP_CA_CERT")
    )
}

/// Adds `[intake.imap]` for `d` to the campaign in `dir`, with `password`.
pub fn use_mailbox(dir: &Path, d: &Dovecot, folders: &[&str], password: &str) {
    let toml = dir.join("campaign.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(&section(d, folders));
    std::fs::write(&toml, text).unwrap();
    std::fs::write(dir.join("imap-password"), format!("{password}\n")).unwrap();
}

/// The ledger of the campaign in `dir`.
pub fn ledger(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap()
}

/// A number the ledger gives for `sql`.
pub fn count(dir: &Path, sql: &str) -> i64 {
    ledger(dir).query_row(sql, [], |r| r.get(0)).unwrap()
}
