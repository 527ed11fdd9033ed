//! The office's everyday requests, run through the real binary: a
//! campaign.toml mistake (`[mail.smtp]` included) stops every command at
//! load, before anything is written; `baosong outbox resend` makes one new
//! message for a unit that never got one, delivered through the plain
//! aiosmtpd server of `.ci/mail-servers.sh`.

mod campaign;
mod mail;

use std::path::Path;

use campaign::*;
use mail::{copies, servers, stored, unique_id, use_smtp};

/// A variable no machine sets, so `password_env` naming it is unset.
const UNSET: &str = "BAOSONG_TEST_NEVER_SET_SMTP_PASSWORD";

/// The demo campaign with `section` in place of its commented-out
/// `[mail.smtp]` example.
fn with_smtp(dir: &Path, section: &str) {
    let path = dir.join("campaign.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let marker = "\n[reminders]";
    assert!(text.contains(marker));
    std::fs::write(
        &path,
        text.replacen(marker, &format!("\n{section}\n{marker}"), 1),
    )
    .unwrap();
}

/// Runs `args` with `UNSET` unset; insists on exit 3 before anything was
/// written, and returns the error text.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove(UNSET)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
    assert!(err.contains("campaign.toml"), "{args:?}: {err}");
    for written in ["state", "out"] {
        assert!(!dir.join(written).exists(), "{args:?} wrote {written}/");
    }
    err
}

#[test]
fn a_bad_mail_smtp_stops_run_and_dry_run_before_anything_is_written() {
    let dir = demo_copy();
    let d = dir.path();
    with_smtp(
        d,
        &format!(
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nsecurity = \"tls\"\nuser = \"gongkai\"\npassword_env = \"{UNSET}\""
        ),
    );
    let line = std::fs::read_to_string(d.join("campaign.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("password_env"))
        .unwrap()
        + 1;
    for args in [
        &["run", "--settle", "0", "--quiet", "--dry-run"][..],
        &["run", "--settle", "0", "--quiet"],
        &["status"],
        &["outbox"],
    ] {
        let err = refused(d, args);
        assert!(err.contains(UNSET), "{err}");
        assert!(err.contains(&format!("第{line}行")), "{err}");
        assert!(err.contains("password_env"), "{err}");
    }
}

#[test]
fn every_kind_of_smtp_mistake_is_named_with_its_key() {
    let cases = [
        // Unencrypted to a remote server.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nsecurity = \"plain\"",
            vec!["security", "starttls"],
        ),
        // A password file that is not there.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nuser = \"u\"\npassword_file = \"/nonexistent/baosong/smtp.pass\"",
            vec!["password_file", "/nonexistent/baosong/smtp.pass"],
        ),
        // A user with no password source.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nuser = \"u\"",
            vec!["password_env", "password_file"],
        ),
        // A password written into campaign.toml.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\npassword = \"s3cret\"",
            vec!["不认识的键 password", "password_env"],
        ),
        // A typo in a key.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nsecrity = \"tls\"",
            vec!["不认识的键 secrity", "security"],
        ),
        // A value that is not one of the choices.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nsecurity = \"ssl\"",
            vec!["ssl", "tls"],
        ),
        // A port written as text.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nport = \"465\"",
            vec!["port = \"465\"", "整数"],
        ),
        // A certificate that is not there.
        (
            "[mail.smtp]\nhost = \"smtp.example.gov.cn\"\nca_cert = \"/nonexistent/ca.pem\"",
            vec!["ca_cert", "/nonexistent/ca.pem"],
        ),
    ];
    for (section, words) in cases {
        let dir = demo_copy();
        with_smtp(dir.path(), section);
        let err = refused(
            dir.path(),
            &["run", "--settle", "0", "--quiet", "--dry-run"],
        );
        assert!(err.contains("行"), "{section}: {err}");
        for w in words {
            assert!(err.contains(w), "{section}: “{w}” missing in {err}");
        }
    }
    // Addresses of [mail] and [office].
    for (from, to, word) in [
        (
            "leaders = [\"leader@example.gov.cn\"]",
            "leaders = [\"leader(at)example\"]",
            "leader(at)example",
        ),
        (
            "from = \"lxxzspfwj@example.gov.cn\"",
            "from = \"lxxzspfwj.example.gov.cn\"",
            "lxxzspfwj.example.gov.cn",
        ),
        (
            "email = \"lxxzspfwj@example.gov.cn\"",
            "email = \"彭新月\"",
            "[office] email",
        ),
    ] {
        let dir = demo_copy();
        let path = dir.path().join("campaign.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let err = refused(dir.path(), &["run", "--settle", "0", "--quiet"]);
        assert!(err.contains(word), "{to}: {err}");
    }
}

/// The outbox row `id` as text, every column.
fn row(conn: &rusqlite::Connection, id: i64) -> String {
    conn.query_row(
        "SELECT event_key, message_id, status, attempts, created_at, sent_at, delivered_via,
             hex(message), resend_of
         FROM notify_outbox WHERE id = ?1",
        [id],
        |r| {
            Ok((0..9)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        },
    )
    .unwrap()
}

/// The headers that differ between a message and its resend, removed.
fn without_stamps(bytes: &[u8]) -> String {
    // The server's Maildir stores lines ending in LF.
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap();
    let kept: Vec<&str> = head
        .split('\n')
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            !["date:", "message-id:", "references:", "x-"]
                .iter()
                .any(|h| l.starts_with(h))
        })
        .collect();
    format!("{}\n\n{body}", kept.join("\n"))
}

#[test]
fn resend_makes_one_new_message_and_leaves_the_original() {
    let Some(servers) = servers() else { return };
    let id = unique_id("resend");
    let dir = demo_copy();
    let d = dir.path();
    use_smtp(d, &id, servers.port("PLAIN"), 10, 5);
    let maildir = servers.maildir("PLAIN");
    run_ok(d, &[]);
    let conn = rusqlite::Connection::open(d.join("state/ledger.sqlite")).unwrap();
    let (original, original_id): (i64, String) = conn
        .query_row(
            "SELECT id, message_id FROM notify_outbox WHERE kind = 'receipt' AND status = 'sent'
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let before = row(&conn, original);
    assert_eq!(copies(&maildir, &id).get(&original_id), Some(&1));

    let out = baosong(d, &["outbox", "resend", &original.to_string()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("#{original}")), "{stdout}");
    let (resent, resent_id, status): (i64, String, String) = conn
        .query_row(
            "SELECT id, message_id, status FROM notify_outbox WHERE resend_of = ?1",
            [original],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_ne!(resent_id, original_id);
    assert_eq!(status, "queued");
    let list = baosong(d, &["outbox", "list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains(&format!("#{original} 的重发")), "{listed}");

    // Not sent yet: it cannot be resent itself; retry is the way.
    let out = baosong(d, &["outbox", "resend", &resent.to_string()]);
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retry"));
    // An id that does not exist.
    let out = baosong(d, &["outbox", "resend", "99999"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有编号为 99999 的邮件"));

    // The next batch delivers it like any other, once; the ones after
    // never again.
    run_ok(d, &[]);
    run_ok(d, &[]);
    let got = copies(&maildir, &id);
    assert_eq!(got.get(&resent_id), Some(&1), "{got:?}");
    assert_eq!(got.get(&original_id), Some(&1), "{got:?}");
    assert_eq!(
        before,
        row(&conn, original),
        "the original is left as it was"
    );
    let mails = stored(&maildir, &id);
    let find = |mid: &str| mails.iter().find(|m| m.message_id == mid).unwrap();
    let (first, second) = (find(&original_id), find(&resent_id));
    assert_eq!(first.rcpt_to, second.rcpt_to);
    assert_eq!(without_stamps(&first.bytes), without_stamps(&second.bytes));
    let parsed = mail_parser::MessageParser::default()
        .parse(&second.bytes)
        .unwrap();
    assert_eq!(
        parsed.references().as_text(),
        Some(original_id.trim_matches(['<', '>']))
    );
    let status: String = conn
        .query_row(
            "SELECT status FROM notify_outbox WHERE id = ?1",
            [resent],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "sent");
}

#[test]
fn resend_is_in_the_help() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .args(["outbox", "resend", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for w in ["Message-ID", "retry", "7"] {
        assert!(help.contains(w), "{w}: {help}");
    }
}
