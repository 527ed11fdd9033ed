//! Delivery against mail servers that misbehave, night after night: the demo
//! campaign (copied) run by the real `baosong` binary (`run --now`) against a
//! real aiosmtpd server (`.ci/smtp_faults.py`, started by each test) that
//! refuses one address (550), defers every message (451), drops the
//! connection after storing a message, or stalls past the timeout; and
//! against a port that accepts connections and never answers. What arrived
//! is counted in the server's Maildir by Message-ID; what the office learns
//! is read from the run's summary, its exit code, `status --json`, `outbox`
//! and the next night's digest.

mod campaign;
mod mail;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use campaign::*;
use mail::{FaultServer, copies, stored, unique_id, use_smtp};
use serde_json::Value;

/// `run` exits with this when not all mail went out (README, `--help`).
const EXIT_MAIL: i32 = 5;

/// Friday 13, Monday 16 and Tuesday 17 June 2025: three nights of the demo,
/// each with its own reminders and digest (Mondays and Fridays a report).
const NIGHTS: [&str; 3] = ["2025-06-13T20:00", "2025-06-16T20:00", "2025-06-17T20:00"];

/// The demo campaign copied, mailing through `server` as campaign `id`.
fn demo_mailing(server: &FaultServer, id: &str, max_attempts: u32) -> tempfile::TempDir {
    let dir = demo_copy();
    use_smtp(dir.path(), id, server.port, 2, max_attempts);
    dir
}

/// One night; returns its output (the exit code is the caller's to check).
fn night(dir: &Path, now: &str) -> Output {
    baosong(dir, &["run", "--settle", "0", "--quiet", "--now", now])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every outbox row: (Message-ID, status, recipients, attempts, last error).
struct Row {
    id: i64,
    message_id: String,
    kind: String,
    status: String,
    recipients: String,
    attempts: i64,
    last_error: Option<String>,
}

fn outbox_rows(dir: &Path) -> Vec<Row> {
    let conn = rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, message_id, kind, status, recipients, attempts, last_error
             FROM notify_outbox ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(Row {
            id: r.get(0)?,
            message_id: r.get(1)?,
            kind: r.get(2)?,
            status: r.get(3)?,
            recipients: r.get(4)?,
            attempts: r.get(5)?,
            last_error: r.get(6)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn delivery(dir: &Path) -> Value {
    status(dir)["delivery"].clone()
}

/// The body of the digest queued on `night` (its subject names the batch).
fn digest_body(server: &FaultServer, id: &str, batch: i64) -> String {
    let wanted = format!("批次 {batch}");
    stored(&server.maildir, id)
        .iter()
        .filter_map(|m| {
            let msg = mail_parser::MessageParser::default().parse(&m.bytes)?;
            let subject = msg.subject()?.to_string();
            (subject.starts_with("【工作摘要】") && subject.ends_with(&wanted))
                .then(|| msg.body_text(0).unwrap().into_owned())
        })
        .next()
        .unwrap_or_else(|| panic!("no digest of batch {batch}"))
}

/// Every sent row arrived exactly once, and nothing else arrived.
fn each_sent_once(dir: &Path, got: &BTreeMap<String, usize>) {
    for r in outbox_rows(dir).iter().filter(|r| r.status == "sent") {
        assert_eq!(got.get(&r.message_id), Some(&1), "#{} {}", r.id, r.kind);
    }
}

#[test]
fn one_refused_address_fails_its_own_mail_only() {
    let Some(server) = FaultServer::start() else {
        return;
    };
    server.rules("reject sfj@example.gov.cn\n");
    let id = unique_id("refused");
    let dir = demo_mailing(&server, &id, 5);
    let d = dir.path();

    let out = night(d, NIGHTS[0]);
    assert_eq!(out.status.code(), Some(EXIT_MAIL), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("注意：邮件未能全部发出（发送失败 1 封）"),
        "{text}"
    );
    // 县司法局's reminder (it sent nothing, so no receipt) fails at once,
    // with the server's words.
    let rows = outbox_rows(d);
    let failed: Vec<&Row> = rows.iter().filter(|r| r.status == "failed").collect();
    assert_eq!(failed.len(), 1, "{text}");
    for r in &failed {
        assert!(r.recipients.contains("sfj@example.gov.cn"));
        assert_eq!(r.attempts, 1);
        let why = r.last_error.as_deref().unwrap();
        assert!(
            why.starts_with("收件地址 sfj@example.gov.cn 被服务器拒收（550 5.1.1"),
            "{why}"
        );
        assert!(why.contains("User unknown"), "{why}");
    }
    // Every other unit's mail went out, once.
    assert!(
        rows.iter()
            .all(|r| r.status == "sent" || r.status == "failed")
    );
    let got = copies(&server.maildir, &id);
    each_sent_once(d, &got);
    assert_eq!(got.len(), rows.len() - 1);
    let json = delivery(d);
    assert_eq!(json["failed"].as_array().unwrap().len(), 1, "{json}");
    assert!(
        json["failed"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("550")
    );

    // Next night: not tried again; the digest names them; the run still
    // says mail is stuck until the office decides.
    let out = night(d, NIGHTS[1]);
    assert_eq!(out.status.code(), Some(EXIT_MAIL));
    let again = copies(&server.maildir, &id);
    for r in &failed {
        assert!(!again.contains_key(&r.message_id));
    }
    let digest = digest_body(&server, &id, 2);
    assert!(
        digest.contains("六、发送失败、过期或待确认的邮件："),
        "{digest}"
    );
    assert!(digest.contains("被服务器拒收（550 5.1.1"), "{digest}");
    for r in outbox_rows(d).iter().filter(|r| r.status == "failed") {
        let out = baosong(d, &["outbox", "drop", &r.id.to_string()]);
        assert!(out.status.success());
    }
    assert!(delivery(d)["failed"].as_array().unwrap().is_empty());
}

#[test]
fn a_server_deferring_everything_is_tried_again_the_next_night() {
    let Some(server) = FaultServer::start() else {
        return;
    };
    server.rules("defer *\n");
    let id = unique_id("deferred");
    let dir = demo_mailing(&server, &id, 5);
    let d = dir.path();

    let out = night(d, NIGHTS[0]);
    assert_eq!(out.status.code(), Some(EXIT_MAIL));
    let rows = outbox_rows(d);
    assert!(rows.len() > 10);
    for r in &rows {
        assert_eq!((r.status.as_str(), r.attempts), ("queued", 1), "#{}", r.id);
        let why = r.last_error.as_deref().unwrap();
        assert!(
            why.starts_with("服务器暂时无法接收此邮件（451 4.3.0"),
            "{why}"
        );
    }
    assert!(stdout(&out).contains(&format!("待重试 {} 封", rows.len())));
    assert_eq!(
        delivery(d)["retrying"].as_array().unwrap().len(),
        rows.len()
    );
    assert!(copies(&server.maildir, &id).is_empty());

    // The server recovers: everything goes out once, and the digest (queued
    // before delivery) listed what was still being retried.
    server.rules("");
    let out = night(d, NIGHTS[1]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let got = copies(&server.maildir, &id);
    // Night 1's reminders were for that day: expired, decided again.
    assert!(
        outbox_rows(d)
            .iter()
            .all(|r| r.status == "sent" || (r.status == "dropped" && r.kind == "reminder"))
    );
    each_sent_once(d, &got);
    let digest = digest_body(&server, &id, 2);
    assert!(
        digest.contains("七、仍在重试的邮件：（下一批自动重发）"),
        "{digest}"
    );
    assert!(digest.contains("451 4.3.0"), "{digest}");
    let json = delivery(d);
    assert!(json["retrying"].as_array().unwrap().is_empty(), "{json}");
}

#[test]
fn a_connection_dropped_after_data_sends_a_message_at_most_twice() {
    let Some(server) = FaultServer::start() else {
        return;
    };
    // The servers of 县信访局 and 县民政局 store the message and hang up
    // before answering.
    server.rules("drop xfj@example.gov.cn\ndrop mzj@example.gov.cn\n");
    let id = unique_id("dropped");
    let dir = demo_mailing(&server, &id, 5);
    let d = dir.path();
    let out = night(d, NIGHTS[0]);
    assert_eq!(out.status.code(), Some(EXIT_MAIL));
    let dropping = |r: &Row| r.recipients.contains("xfj@") || r.recipients.contains("mzj@");
    let first: Vec<Row> = outbox_rows(d).into_iter().filter(dropping).collect();
    // 县信访局 is also due a reminder: its receipt chases too.
    assert_eq!(first.len(), 2, "two receipts, one message per unit");
    assert!(first.iter().all(|r| r.kind == "receipt"));
    for now in &NIGHTS[1..] {
        assert_eq!(night(d, now).status.code(), Some(EXIT_MAIL));
    }
    let rows = outbox_rows(d);
    let got = copies(&server.maildir, &id);
    for m in &first {
        let r = rows.iter().find(|r| r.id == m.id).unwrap();
        // Tried on night 1, once more on night 2, then held: never a third
        // time.
        assert_eq!(r.status, "uncertain", "#{} {}", r.id, r.kind);
        assert_eq!(got.get(&r.message_id), Some(&2), "#{}", r.id);
        let why = r.last_error.as_deref().unwrap();
        assert!(
            why.contains("邮件内容已发出，但服务器断开了连接，服务器可能已收到"),
            "{why}"
        );
    }
    assert!(
        rows.iter()
            .all(|r| got.get(&r.message_id).is_none_or(|&n| n <= 2))
    );
    // Everyone else's mail: once.
    for r in rows.iter().filter(|r| !dropping(r)) {
        assert_eq!(r.status, "sent", "#{}", r.id);
        assert_eq!(got.get(&r.message_id), Some(&1));
    }
    let held: Vec<&Row> = rows.iter().filter(|r| r.status == "uncertain").collect();
    assert_eq!(held.len(), 2, "the two receipts of night 1");
    assert_eq!(
        delivery(d)["uncertain"].as_array().unwrap().len(),
        held.len()
    );
    // The office sees them and decides: one is sent again, one is closed.
    let list = stdout(&baosong(d, &["outbox", "list"]));
    assert!(list.contains("待确认（可能已送达）"), "{list}");
    assert!(
        baosong(d, &["outbox", "drop", &held[0].id.to_string()])
            .status
            .success()
    );
    assert!(
        baosong(d, &["outbox", "retry", &held[1].id.to_string()])
            .status
            .success()
    );
    server.rules("");
    night(d, "2025-06-18T20:00");
    let got = copies(&server.maildir, &id);
    assert_eq!(got.get(&held[0].message_id), Some(&2));
    assert_eq!(got.get(&held[1].message_id), Some(&3));
}

#[test]
fn a_stalled_recipient_times_out_without_holding_up_the_others() {
    let Some(server) = FaultServer::start() else {
        return;
    };
    server.rules("stall xfj@example.gov.cn 6\n");
    let id = unique_id("stalled");
    let dir = demo_mailing(&server, &id, 5);
    let d = dir.path();

    let out = night(d, NIGHTS[0]);
    assert_eq!(out.status.code(), Some(EXIT_MAIL));
    let rows = outbox_rows(d);
    let stalled: Vec<&Row> = rows
        .iter()
        .filter(|r| r.recipients.contains("xfj@example.gov.cn"))
        .collect();
    assert!(!stalled.is_empty());
    for r in &stalled {
        assert_eq!((r.status.as_str(), r.attempts), ("queued", 1));
        assert_eq!(
            r.last_error.as_deref(),
            Some("发送中连接超时：服务器2秒内没有响应，未送达")
        );
    }
    let got = copies(&server.maildir, &id);
    assert_eq!(got.len(), rows.len() - stalled.len());
    each_sent_once(d, &got);

    server.rules("");
    let out = night(d, NIGHTS[1]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let got = copies(&server.maildir, &id);
    each_sent_once(d, &got);
    let rows = outbox_rows(d);
    for r in &stalled {
        let now = rows.iter().find(|n| n.id == r.id).unwrap();
        match now.status.as_str() {
            "sent" => assert_eq!(got.get(&r.message_id), Some(&1)),
            // Night 1's reminder was for that day: decided again.
            _ => assert_eq!(
                (now.kind.as_str(), now.status.as_str()),
                ("reminder", "dropped")
            ),
        }
    }
}

#[test]
fn a_server_that_never_answers_costs_no_attempt() {
    let Some(server) = FaultServer::start() else {
        return;
    };
    // Connections are accepted by the kernel and never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let id = unique_id("silent");
    let dir = demo_copy();
    let d = dir.path();
    use_smtp(d, &id, silent.local_addr().unwrap().port(), 2, 5);

    for now in &NIGHTS[..2] {
        let out = night(d, now);
        assert_eq!(out.status.code(), Some(EXIT_MAIL));
        let text = stdout(&out);
        assert!(
            text.contains("无法连接：连接超时：服务器2秒内没有响应"),
            "{text}"
        );
        assert!(!text.contains("os error"), "{text}");
    }
    let rows = outbox_rows(d);
    let queued: Vec<&Row> = rows.iter().filter(|r| r.status == "queued").collect();
    for r in &rows {
        // Night 1's reminders expired on night 2, never tried.
        assert_eq!(r.attempts, 0, "#{}", r.id);
        assert!(r.status == "queued" || r.kind == "reminder", "#{}", r.id);
    }
    for r in &queued {
        assert!(r.last_error.as_deref().unwrap().contains("连接超时"));
    }
    let json = delivery(d);
    assert_eq!(json["retrying"].as_array().unwrap().len(), queued.len());

    // The office fixes the address: everything goes out once.
    mail::set_smtp_port(d, server.port);
    let out = night(d, NIGHTS[2]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let got = copies(&server.maildir, &id);
    each_sent_once(d, &got);
    assert_eq!(
        got.len(),
        outbox_rows(d).iter().filter(|r| r.status == "sent").count()
    );
}
