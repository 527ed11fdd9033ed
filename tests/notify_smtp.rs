//! The notify stage against real SMTP servers (aiosmtpd on 127.0.0.1,
//! started by `.ci/mail-servers.sh start`): messages go through lettre and
//! are read back from the server's Maildir with mail-parser.
//!
//! Without the servers' env file the tests print a skip notice, unless
//! `CI` is set, in which case they fail.

mod mail;

use std::path::{Path, PathBuf};

use baosong::campaign::calendar::Calendar;
use baosong::campaign::mail_config::{DeliveryLimits, NotifyConfig, Security, SmtpConfig};
use baosong::cli::outbox::OutboxAction;
use baosong::ledger::Ledger;
use baosong::model::State;
use baosong::notify::Notifier;
use baosong::notify::outbox::{self, DeliveryReport};
use baosong::notify::policy::{
    MissingItem, Obligation, ReceiptInput, ReceivedFile, ReminderInput, ReportFile, ReportInput,
};
use baosong::notify::templates::Templates;
use baosong::notify::transport::{EmlDir, SmtpMailer, Transport};
use chrono::{DateTime, FixedOffset};
use mail::{Servers, servers, unique_id};
use mail_parser::{MessageParser, MimeHeaders};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

const LIMITS: DeliveryLimits = DeliveryLimits {
    rate_per_minute: 6000,
    max_per_batch: 100,
    max_attempts: 3,
};

fn notifier(campaign_id: &str) -> Notifier {
    let cfg: NotifyConfig = toml::from_str(
        "from = \"gongkai@luxi.example.gov.cn\"
         from_name = \"泸溪县行政审批服务局\"
         reply_to = \"政务公开办 <gongkai@luxi.example.gov.cn>\"
         office = [\"office@luxi.example.gov.cn\"]
         leaders = [\"县领导 <leader@luxi.example.gov.cn>\"]",
    )
    .unwrap();
    Notifier::new(
        &cfg,
        campaign_id,
        "2025年泸溪县“政务公开主题日”活动",
        "泸溪县行政审批服务局",
        Templates::builtin().unwrap(),
        Calendar::builtin(),
    )
}

fn ledger() -> Ledger {
    Ledger::in_memory().unwrap()
}

/// The bytes of the messages of `campaign_id` the server stored.
fn received(maildir: &Path, campaign_id: &str) -> Vec<Vec<u8>> {
    mail::stored(maildir, campaign_id)
        .into_iter()
        .map(|m| m.bytes)
        .collect()
}

/// A transport to the server of `kind` (PLAIN, STARTTLS or TLS); the
/// password goes through a file in `dir`, as in production.
fn smtp(servers: &Servers, kind: &str, password: &str, dir: &Path) -> SmtpMailer {
    let (security, auth) = match kind {
        "PLAIN" => (Security::Plain, false),
        "STARTTLS" => (Security::Starttls, true),
        _ => (Security::Tls, true),
    };
    let pass = dir.join(format!("{kind}.pass"));
    if auth {
        std::fs::write(&pass, format!("{password}\n")).unwrap();
    }
    let cfg = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(servers.port(kind)),
        security,
        user: auth.then(|| servers.get("MAIL_USER").to_string()),
        password_env: None,
        password_file: auth.then_some(pass),
        ca_cert: auth.then(|| PathBuf::from(servers.get("MAIL_CA_CERT"))),
        timeout_secs: 10,
    };
    SmtpMailer::from_config(&cfg, None).unwrap()
}

fn receipt(unit: &str, batch: &str, contact: &str) -> ReceiptInput {
    ReceiptInput {
        unit: unit.into(),
        contacts: vec![contact.parse().unwrap()],
        batch_id: batch.into(),
        files: vec![ReceivedFile {
            name: format!("{unit}活动总结.docx"),
            size: 48_213,
            arrived: "2025年5月20日 09:14（北京时间）".into(),
            verdict_label: "合格".into(),
            accepted: true,
            set_aside: false,
            reason: None,
            instead: None,
            registered_late: false,
        }],
        items: vec![],
        still_missing: vec![MissingItem {
            deliverable: "活动照片".into(),
            detail: "照片0张，需至少3张".into(),
            due: "2025年5月23日16时前（北京时间）".into(),
            overdue: false,
            overdue_days: 0,
        }],
        thread: None,
    }
}

/// A unit's reminder input when it owes nothing.
fn owes_nothing(receipt: &ReceiptInput) -> ReminderInput {
    ReminderInput {
        unit: receipt.unit.clone(),
        contacts: receipt.contacts.clone(),
        obligations: vec![],
        maybe_sent: false,
    }
}

fn queue_receipts(conn: &Ledger, n: &Notifier, inputs: &[ReceiptInput], clock: &str) {
    let tx = conn.begin().unwrap();
    for input in inputs {
        n.queue_unit(conn, input, &owes_nothing(input), at(clock))
            .unwrap();
    }
    tx.commit().unwrap();
}

fn deliver(conn: &Ledger, t: &mut dyn Transport) -> DeliveryReport {
    outbox::deliver_pending(conn, t, &LIMITS, at("2025-05-20T20:05:00+08:00")).unwrap()
}

/// The report mail with a PDF and a DOCX (binary, Chinese names) over
/// STARTTLS with AUTH, checked against the test CA.
#[test]
fn starttls_auth_report_mail_arrives_intact() {
    let Some(s) = servers() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir
        .path()
        .join("2025年泸溪县政务公开主题日报送情况（截至5月12日）.pdf");
    let docx = dir.path().join("报送情况汇总表.docx");
    let pdf_bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let docx_bytes: Vec<u8> = (0..30_000u32).map(|i| (i * 13 % 256) as u8).collect();
    std::fs::write(&pdf, &pdf_bytes).unwrap();
    std::fs::write(&docx, &docx_bytes).unwrap();

    let id = unique_id("starttls");
    let mut n = notifier(&id);
    n.report_mail.attach_docx = true;
    let conn = ledger();
    let tx = conn.begin().unwrap();
    let input = ReportInput {
        counts: State::ALL
            .iter()
            .map(|s| (s.label().to_string(), 2))
            .collect(),
        units: 12,
        activities: 12,
        as_of: "截至2025年5月12日20时".into(),
        deadline_dates: vec![],
        all_complete: false,
        pdf: ReportFile {
            path: pdf.clone(),
            bytes: std::fs::metadata(&pdf).unwrap().len(),
        },
        docx: Some(ReportFile {
            path: docx.clone(),
            bytes: std::fs::metadata(&docx).unwrap().len(),
        }),
        xlsx: None,
    };
    // Monday 12 May 2025: the weekly report.
    assert!(
        n.queue_report_mail(&conn, &input, at("2025-05-12T20:00:00+08:00"))
            .unwrap()
            .is_some()
    );
    tx.commit().unwrap();

    let mut t = smtp(&s, "STARTTLS", s.get("MAIL_PASSWORD"), dir.path());
    let report = deliver(&conn, &mut t);
    assert_eq!(report.sent.len(), 1, "{report}");

    let got = received(&s.maildir("STARTTLS"), &id);
    assert_eq!(got.len(), 1);
    let msg = MessageParser::default().parse(&got[0]).unwrap();
    assert_eq!(
        msg.subject(),
        Some("【报送情况】2025年泸溪县“政务公开主题日”活动（截至2025年5月12日20时）")
    );
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (
            Some("泸溪县行政审批服务局"),
            Some("gongkai@luxi.example.gov.cn")
        )
    );
    assert_eq!(msg.to().unwrap().first().unwrap().name(), Some("县领导"));
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().name(),
        Some("政务公开办")
    );
    assert!(msg.body_text(0).unwrap().contains("逾期未报：2场"));
    let atts: Vec<_> = msg
        .attachments()
        .map(|a| {
            (
                a.attachment_name().unwrap().to_string(),
                a.contents().to_vec(),
            )
        })
        .collect();
    // Named with the moment they reflect; the bytes are the files'.
    let dated = |p: &std::path::Path| {
        format!(
            "{}（截至2025年5月12日20时）.{}",
            p.file_stem().unwrap().to_string_lossy(),
            p.extension().unwrap().to_string_lossy()
        )
    };
    assert_eq!(
        atts,
        vec![(dated(&pdf), pdf_bytes), (dated(&docx), docx_bytes)]
    );
    // The raw message carries the RFC 2047 names Chinese clients read.
    let raw = String::from_utf8_lossy(&got[0]);
    assert!(raw.contains(" name=\"=?UTF-8?B?"), "{raw:.2000}");
    assert!(raw.contains(" filename=\"=?UTF-8?B?"));
    assert!(raw.contains("X-RcptTo: leader@luxi.example.gov.cn"));
}

/// Implicit TLS (port 465 style) with AUTH and the test CA.
#[test]
fn implicit_tls_auth_delivers() {
    let Some(s) = servers() else { return };
    let dir = tempfile::tempdir().unwrap();
    let id = unique_id("implicit-tls");
    let n = notifier(&id);
    let conn = ledger();
    queue_receipts(
        &conn,
        &n,
        &[receipt(
            "县民政局",
            "b1",
            "联络员 <a@minzheng.example.gov.cn>",
        )],
        "2025-05-20T20:00:00+08:00",
    );
    let mut t = smtp(&s, "TLS", s.get("MAIL_PASSWORD"), dir.path());
    let report = deliver(&conn, &mut t);
    assert_eq!(report.sent.len(), 1, "{report}");
    let got = received(&s.maildir("TLS"), &id);
    assert_eq!(got.len(), 1);
    let msg = MessageParser::default().parse(&got[0]).unwrap();
    assert_eq!(
        msg.subject(),
        Some("【回执】县民政局报送材料接收情况（2025年泸溪县“政务公开主题日”活动）")
    );
    assert_eq!(msg.to().unwrap().first().unwrap().name(), Some("联络员"));
    let body = msg.body_text(0).unwrap();
    assert!(body.contains("县民政局活动总结.docx"), "{body}");
    assert!(body.contains("活动照片：照片0张，需至少3张"), "{body}");
}

/// One receipt per unit per batch, however often the batch is re-run.
#[test]
fn one_receipt_per_unit_per_batch_and_no_duplicate_after_rerun() {
    let Some(s) = servers() else { return };
    let id = unique_id("rerun");
    let n = notifier(&id);
    let conn = ledger();
    let batch1 = [
        receipt("县民政局", "20250520-2000", "a@minzheng.example.gov.cn"),
        receipt("县公安局", "20250520-2000", "b@gongan.example.gov.cn"),
    ];
    let mut t = smtp(&s, "PLAIN", "", Path::new("/nonexistent"));
    queue_receipts(&conn, &n, &batch1, "2025-05-20T20:00:00+08:00");
    // The batch crashes after queueing and is run again: queued again, then
    // delivered twice.
    queue_receipts(&conn, &n, &batch1, "2025-05-20T20:30:00+08:00");
    assert_eq!(deliver(&conn, &mut t).sent.len(), 2);
    queue_receipts(&conn, &n, &batch1, "2025-05-20T21:00:00+08:00");
    assert!(deliver(&conn, &mut t).sent.is_empty());
    assert_eq!(received(&s.maildir("PLAIN"), &id).len(), 2);
    // The next batch with new files of one unit: one more receipt.
    queue_receipts(
        &conn,
        &n,
        &[receipt(
            "县民政局",
            "20250521-2000",
            "a@minzheng.example.gov.cn",
        )],
        "2025-05-21T20:00:00+08:00",
    );
    assert_eq!(deliver(&conn, &mut t).sent.len(), 1);
    let got = received(&s.maildir("PLAIN"), &id);
    assert_eq!(got.len(), 3);
    let mut ids: Vec<String> = got
        .iter()
        .map(|b| {
            MessageParser::default()
                .parse(b)
                .unwrap()
                .message_id()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

/// A port nobody listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A server that is down keeps everything queued with the error and charges
/// no attempt; the next batch delivers.
#[test]
fn server_down_then_up() {
    let Some(s) = servers() else { return };
    let id = unique_id("down-up");
    let n = notifier(&id);
    let conn = ledger();
    queue_receipts(
        &conn,
        &n,
        &[
            receipt("县民政局", "b1", "a@minzheng.example.gov.cn"),
            receipt("县公安局", "b1", "b@gongan.example.gov.cn"),
        ],
        "2025-05-20T20:00:00+08:00",
    );
    let cfg = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(closed_port()),
        security: Security::Plain,
        user: None,
        password_env: None,
        password_file: None,
        ca_cert: None,
        timeout_secs: 5,
    };
    let mut down = SmtpMailer::from_config(&cfg, None).unwrap();
    let report = deliver(&conn, &mut down);
    assert!(report.sent.is_empty());
    assert_eq!(report.untried, 2);
    let why = report.unavailable.clone().unwrap();
    assert!(why.contains("服务器拒绝连接"), "{why}");
    // Not tried, so not charged: the reason is noted on each.
    for e in conn.outbox_list(false).unwrap() {
        assert_eq!((e.status.as_str(), e.attempts), ("queued", 0));
        assert!(e.last_error.unwrap().contains("服务器拒绝连接"));
    }
    assert!(received(&s.maildir("PLAIN"), &id).is_empty());

    let mut up = smtp(&s, "PLAIN", "", Path::new("/nonexistent"));
    assert_eq!(deliver(&conn, &mut up).sent.len(), 2);
    assert_eq!(received(&s.maildir("PLAIN"), &id).len(), 2);
    assert!(conn.outbox_list(false).unwrap().is_empty());
}

/// A wrong password (535) leaves everything queued; after the fix the next
/// batch delivers.
#[test]
fn wrong_password_then_right() {
    let Some(s) = servers() else { return };
    let dir = tempfile::tempdir().unwrap();
    let id = unique_id("password");
    let n = notifier(&id);
    let conn = ledger();
    queue_receipts(
        &conn,
        &n,
        &[receipt("县民政局", "b1", "a@minzheng.example.gov.cn")],
        "2025-05-20T20:00:00+08:00",
    );
    let mut wrong = smtp(&s, "STARTTLS", "wrong-password", dir.path());
    let report = deliver(&conn, &mut wrong);
    assert!(report.sent.is_empty());
    let why = report.unavailable.clone().unwrap();
    assert!(
        why.contains("登录失败（请检查 user 和密码）：服务器回复 535"),
        "{why}"
    );
    // The login was refused, not the message: no attempt is charged.
    assert_eq!(conn.outbox_list(false).unwrap()[0].attempts, 0);
    let mut out = Vec::new();
    baosong::cli::outbox::run(&conn, OutboxAction::List { all: false }, &mut out).unwrap();
    let listing = String::from_utf8(out).unwrap();
    assert!(listing.contains("待发送"), "{listing}");

    let mut right = smtp(&s, "STARTTLS", s.get("MAIL_PASSWORD"), dir.path());
    assert_eq!(deliver(&conn, &mut right).sent.len(), 1);
    assert_eq!(received(&s.maildir("STARTTLS"), &id).len(), 1);
}

/// Without SMTP the messages become .eml files that a mail client (here
/// mail-parser) opens; a reminder and a receipt of one night. Needs no
/// server.
#[test]
fn eml_outbox_without_smtp() {
    let dir = tempfile::tempdir().unwrap();
    let id = unique_id("eml");
    let n = notifier(&id);
    let conn = ledger();
    let clock = at("2025-05-07T20:00:00+08:00");
    let tx = conn.begin().unwrap();
    let reminder = ReminderInput {
        unit: "县民政局".into(),
        contacts: vec!["a@minzheng.example.gov.cn".parse().unwrap()],
        obligations: vec![Obligation {
            activity_id: "7".into(),
            activity: "政务公开进社区".into(),
            deliverable: "活动总结".into(),
            state: State::Overdue,
            due: at("2025-05-06T16:00:00+08:00"),
            due_display: "2025年5月6日16时前（北京时间）".into(),
            detail: "尚未报送".into(),
        }],
        maybe_sent: false,
    };
    let mut nothing_new = receipt("县民政局", "b1", "a@minzheng.example.gov.cn");
    nothing_new.files.clear();
    assert!(
        n.queue_unit(&conn, &nothing_new, &reminder, clock)
            .unwrap()
            .is_some()
    );
    let files = receipt("县公安局", "b1", "b@gongan.example.gov.cn");
    n.queue_unit(&conn, &files, &owes_nothing(&files), clock)
        .unwrap();
    tx.commit().unwrap();
    let mut t = EmlDir::new(dir.path().join("outbox"));
    let report = outbox::deliver_pending(&conn, &mut t, &LIMITS, clock).unwrap();
    assert_eq!(report.sent.len(), 2);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names[0].starts_with("20250507-2000-receipt-县公安局-"),
        "{names:?}"
    );
    assert!(
        names[1].starts_with("20250507-2000-reminder-县民政局-"),
        "{names:?}"
    );
    let bytes = std::fs::read(dir.path().join("outbox").join(&names[1])).unwrap();
    let msg = MessageParser::default().parse(&bytes).unwrap();
    assert!(msg.subject().unwrap().starts_with("【催报】"));
    assert!(msg.body_text(0).unwrap().contains("已逾期1个工作日"));
}

/// A server whose certificate is not trusted (no `ca_cert`): the batch
/// stops before any message, says why in Chinese, and charges nobody.
#[test]
fn untrusted_certificate_stops_delivery_without_charging() {
    let Some(s) = servers() else { return };
    let dir = tempfile::tempdir().unwrap();
    let id = unique_id("untrusted");
    let n = notifier(&id);
    let conn = ledger();
    queue_receipts(
        &conn,
        &n,
        &[receipt("县民政局", "b1", "a@minzheng.example.gov.cn")],
        "2025-05-20T20:00:00+08:00",
    );
    let pass = dir.path().join("smtp.pass");
    std::fs::write(&pass, s.get("MAIL_PASSWORD")).unwrap();
    let cfg = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(s.port("STARTTLS")),
        security: Security::Starttls,
        user: Some(s.get("MAIL_USER").into()),
        password_env: None,
        password_file: Some(pass),
        ca_cert: None,
        timeout_secs: 5,
    };
    let mut t = SmtpMailer::from_config(&cfg, None).unwrap();
    let report = deliver(&conn, &mut t);
    let why = report.unavailable.clone().unwrap();
    assert!(
        why.contains("无法建立 STARTTLS 加密连接：TLS 加密失败"),
        "{why}"
    );
    assert_eq!(report.untried, 1);
    assert_eq!(conn.outbox_list(false).unwrap()[0].attempts, 0);
    assert!(received(&s.maildir("STARTTLS"), &id).is_empty());
}
