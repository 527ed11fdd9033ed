//! The ledger on disk: a state folder written by an earlier build opens and
//! is brought up to date with nothing lost, and a damaged row is reported
//! and skipped instead of stopping the batch.

use baosong::ledger::{LEDGER_FILE, Ledger, SCHEMA_VERSION};
use chrono::DateTime;
use rusqlite::Connection;

/// The ledger as builds before the outbox was a migration left it: schema
/// version 2, the outbox created on first use in its first shape (no
/// `uncertain`, no `resend_of`), with a sent message and a reminder it
/// covered.
fn old_ledger(dir: &std::path::Path) {
    drop(Ledger::open(dir).unwrap());
    let conn = Connection::open(dir.join(LEDGER_FILE)).unwrap();
    conn.execute_batch(
        "DROP TABLE notify_reminder_item;
        DROP TABLE notify_outbox;
        DROP TABLE archives;
        DROP TABLE mail_failures;
        PRAGMA user_version = 2;
        CREATE TABLE notify_outbox (
            id INTEGER PRIMARY KEY, event_key TEXT NOT NULL UNIQUE, message_id TEXT NOT NULL,
            kind TEXT NOT NULL, unit TEXT, subject TEXT NOT NULL, envelope_from TEXT NOT NULL,
            recipients TEXT NOT NULL, message BLOB NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'sent', 'failed', 'dropped')),
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at TEXT NOT NULL,
            expires_at INTEGER, sent_at TEXT, delivered_via TEXT,
            reported INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE notify_reminder_item (
            event_key TEXT NOT NULL REFERENCES notify_outbox (event_key),
            unit TEXT NOT NULL, activity_id TEXT NOT NULL, deliverable TEXT NOT NULL,
            stage TEXT NOT NULL, PRIMARY KEY (event_key, activity_id, deliverable));
        INSERT INTO notify_outbox (event_key, message_id, kind, unit, subject, envelope_from,
            recipients, message, status, attempts, created_at, sent_at)
            VALUES ('reminder:县民政局:2025-05-06', '<a@baosong.t>', 'reminder', '县民政局',
            '催报', 'office@luxi.example.gov.cn', '[\"a@minzheng.example.gov.cn\"]', X'41',
            'sent', 1, '2025-05-06T20:00:00+08:00', '2025-05-06T20:01:00+08:00');
        INSERT INTO notify_reminder_item VALUES
            ('reminder:县民政局:2025-05-06', '县民政局', '7', '活动总结', 'after1@2025-05-06');
        INSERT INTO notify_outbox (event_key, message_id, kind, unit, subject, envelope_from,
            recipients, message, status, attempts, created_at, sent_at, delivered_via)
            VALUES ('receipt:县民政局:1', '<r@baosong.t>', 'receipt', '县民政局',
            '回执', 'office@luxi.example.gov.cn', '[\"a@minzheng.example.gov.cn\"]', X'41',
            'sent', 1, '2025-05-06T20:00:00+08:00', '2025-05-06T20:01:00+08:00',
            '/srv/luxi/out/luxi-2025/outbox/20250506-2000-receipt-县民政局-0a1b2c3d.eml');",
    )
    .unwrap();
}

#[test]
fn an_old_schema_ledger_upgrades_in_place_keeping_its_mail() {
    let dir = tempfile::tempdir().unwrap();
    old_ledger(dir.path());
    let ledger = Ledger::open(dir.path()).unwrap();
    let all = ledger.outbox_list(true).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].status.as_str(), all[0].resend_of), ("sent", None));
    // A message that build only wrote to an .eml file was never sent.
    assert_eq!(all[1].status.label(), "已写入（未发送）");
    assert_eq!(ledger.reminder_items("县民政局").unwrap().len(), 1);
    // The new shape works: a resend links to the original.
    let now = DateTime::parse_from_rfc3339("2025-05-07T09:00:00+08:00").unwrap();
    let new = ledger
        .outbox_resend(1, now, |bytes, _, _| {
            ("<b@baosong.t>".into(), bytes.to_vec())
        })
        .unwrap();
    assert_eq!(ledger.outbox_list(true).unwrap()[2].resend_of, Some(1));
    assert_eq!(new, 3);
    drop(ledger);
    let conn = Connection::open(dir.path().join(LEDGER_FILE)).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
    // Opening again changes nothing.
    drop(conn);
    assert_eq!(
        Ledger::open(dir.path())
            .unwrap()
            .outbox_list(true)
            .unwrap()
            .len(),
        3
    );
}

/// The ledger of the release before messages written to .eml files had
/// their own status: schema version 6, where they were `sent` with
/// `delivered_via` marked 写入文件. They become 已写入（未发送）; a message a
/// server took stays 已发送; the table accepts the new status.
#[test]
fn written_mail_of_the_previous_release_is_not_called_sent() {
    let dir = tempfile::tempdir().unwrap();
    drop(Ledger::open(dir.path()).unwrap());
    let conn = Connection::open(dir.path().join(LEDGER_FILE)).unwrap();
    let table: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'notify_outbox'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let previous = table.replace(", 'written'", "");
    assert_ne!(previous, table);
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;
        DROP TABLE notify_outbox;
        {previous};
        PRAGMA user_version = 6;"
    ))
    .unwrap();
    let insert = |id: i64, via: &str| {
        conn.execute(
            "INSERT INTO notify_outbox (id, event_key, message_id, kind, unit, subject,
                 envelope_from, recipients, message, status, attempts, created_at, sent_at,
                 delivered_via)
             VALUES (?1, ?2, ?3, 'receipt', '县民政局', '回执', 'office@luxi.example.gov.cn',
                 '[\"a@minzheng.example.gov.cn\"]', X'41', 'sent', 1,
                 '2025-05-06T20:00:00+08:00', '2025-05-06T20:01:00+08:00', ?4)",
            rusqlite::params![
                id,
                format!("receipt:{id}"),
                format!("<{id}@baosong.t>"),
                via
            ],
        )
        .unwrap();
    };
    insert(1, "写入文件 /srv/luxi/out/luxi-2025/outbox/a.eml");
    insert(2, "SMTP smtp.example.gov.cn:465");
    drop(conn);
    let ledger = Ledger::open(dir.path()).unwrap();
    let labels: Vec<&str> = ledger
        .outbox_list(true)
        .unwrap()
        .iter()
        .map(|e| e.status.label())
        .collect();
    assert_eq!(labels, ["已写入（未发送）", "已发送"]);
    drop(ledger);
    let conn = Connection::open(dir.path().join(LEDGER_FILE)).unwrap();
    let via: String = conn
        .query_row(
            "SELECT delivered_via FROM notify_outbox WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(via, "/srv/luxi/out/luxi-2025/outbox/a.eml");
    // The new status is accepted by the rebuilt table.
    conn.execute(
        "UPDATE notify_outbox SET status = 'written' WHERE id = 2",
        [],
    )
    .unwrap();
}

#[test]
fn unreadable_rows_are_named_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let t = DateTime::parse_from_rfc3339("2025-05-06T20:00:00+08:00").unwrap();
    let batch = ledger.begin_batch(t, t).unwrap();
    drop(ledger);
    let conn = Connection::open(dir.path().join(LEDGER_FILE)).unwrap();
    let good = r#"{"kind":"text","verdict":"ok","reason":null,"content":{"type":"none"}}"#;
    conn.execute_batch(&format!(
        "INSERT INTO files (id, path, first_batch) VALUES (1, '县民政局/总结.txt', {batch}),
            (2, '县财政局/总结.txt', {batch});
        INSERT INTO versions (file_id, batch_id, hash, size, mtime, ctime, arrived_at,
            arrival_basis, kind, verdict, inspection) VALUES
            (1, {batch}, 'h1', 1, '', '', '2025-05-06T19:00:00+08:00', 'mtime', 'txt', 'ok', '{good}'),
            (2, {batch}, 'h2', 1, '', '', 'gestern', 'mtime', 'txt', 'ok', '{good}');
        UPDATE batches SET status = 'done' WHERE id = {batch};
        INSERT INTO assessments (batch_id, activity, unit, deliverable, state, detail) VALUES
            ({batch}, '1', '县民政局', 'summary', 'on_time', ''),
            ({batch}, '2', '县财政局', 'summary', 'finished', '');
        INSERT INTO notify_outbox (event_key, message_id, kind, subject, envelope_from,
            recipients, message, created_at) VALUES
            ('a', '<a@t>', 'receipt', 's', 'f', '[\"x@y.cn\"]', X'41', '{t}'),
            ('b', '<b@t>', 'fax', 's', 'f', '[\"x@y.cn\"]', X'41', '{t}'),
            ('c', '<c@t>', 'receipt', 's', 'f', 'x@y.cn', X'41', '{t}');",
        t = t.to_rfc3339()
    ))
    .unwrap();
    drop(conn);
    let ledger = Ledger::open(dir.path()).unwrap();
    let baosong::ledger::Versions {
        versions,
        unreadable,
    } = ledger.all_versions().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].path, "县民政局/总结.txt");
    assert_eq!(unreadable.len(), 1);
    assert!(
        unreadable[0].starts_with("县财政局/总结.txt: ") && unreadable[0].contains("gestern"),
        "{unreadable:?}"
    );
    let previous = ledger.previous_states(batch + 1).unwrap();
    assert_eq!(previous.states.len(), 1, "{previous:?}");
    // The outbox: listings leave the damaged rows out.
    let listed: Vec<i64> = ledger
        .outbox_list(true)
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(listed, vec![1]);
    // Delivery fails them, naming what is wrong, instead of guessing.
    assert!(ledger.outgoing(1).unwrap().is_ok());
    let why = ledger.outgoing(2).unwrap().unwrap_err();
    assert!(why.contains("#2") && why.contains("fax"), "{why}");
    let why = ledger.outgoing(3).unwrap().unwrap_err();
    assert!(why.contains("#3") && why.contains("收件人"), "{why}");
}
