//! Intake from the office mailbox over IMAP, against a real Dovecot on
//! loopback (`.ci/dovecot.sh`): the program identifies itself (ID), reads
//! without flagging anything, takes each message exactly once (also across
//! folders and a UIDVALIDITY reset), reads it as a saved e-mail file is
//! read, and a mailbox fault never stops the batch.

mod campaign;
mod imap;

use std::path::{Path, PathBuf};

use baosong::generate::files;
use campaign::*;
use imap::*;

/// 2025-06-05 10:00 +08:00, a day the demo's units were sending.
const JUNE_5: i64 = 1_749_088_800;
const HOUR: i64 = 3600;

/// 县司法局's materials as Foxmail sends them: GBK subject and file names.
fn justice_mail() -> Vec<u8> {
    files::eml_gbk(
        ("县司法局", "sfj@example.gov.cn"),
        "lxxzspfwj@example.gov.cn",
        "县司法局报送政务公开日活动材料",
        "Thu, 05 Jun 2025 10:00:00 +0800",
        "请查收。",
        &justice_materials(90),
    )
}

/// A clerk's forward of 县交通运输局's e-mail, attached as an .eml.
fn forwarded_mail() -> Vec<u8> {
    let inner = files::eml(
        ("县交通运输局", "jtj@example.gov.cn"),
        "clerk@example.gov.cn",
        "县交通运输局活动总结",
        "Wed, 04 Jun 2025 16:00:00 +0800",
        "总结见附件。",
        &[(
            "县交通运输局活动总结.docx".to_string(),
            summary("县交通运输局活动总结"),
        )],
    );
    files::eml(
        ("办公室", "clerk@example.gov.cn"),
        "lxxzspfwj@example.gov.cn",
        "转发：县交通运输局活动总结",
        "Thu, 05 Jun 2025 11:00:00 +0800",
        "转发给统一收信邮箱。",
        &[("县交通运输局活动总结.eml".to_string(), inner)],
    )
}

fn mail_from(unit: &str, addr: &str, date: &str, title: &str) -> Vec<u8> {
    files::eml(
        (unit, addr),
        "lxxzspfwj@example.gov.cn",
        &format!("{unit}{title}"),
        date,
        "请查收。",
        &[(
            format!("{unit}{title}.docx"),
            summary(&format!("{unit}{title}")),
        )],
    )
}

/// The files the status counts for a unit's deliverable.
fn counted(s: &serde_json::Value, unit: &str, deliverable: &str) -> Vec<String> {
    s["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["unit"] == unit)
        .flat_map(|u| u["activities"].as_array().unwrap().iter())
        .flat_map(|a| a["deliverables"].as_array().unwrap().iter())
        .filter(|d| d["id"] == deliverable)
        .flat_map(|d| d["files"].as_array().unwrap().iter())
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

/// Every message the batch wrote to the outbox folder (no SMTP configured).
fn outbox_mails(dir: &Path) -> Vec<mail_parser::Message<'static>> {
    walkdir::WalkDir::new(dir.join("out/luxi-2025/outbox"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            mail_parser::MessageParser::default()
                .parse(&bytes)
                .map(|m| m.into_owned())
        })
        .collect()
}

fn taken(dir: &Path) -> i64 {
    count(
        dir,
        "SELECT COUNT(*) FROM mail_messages WHERE outcome = 'taken'",
    )
}

fn warnings(dir: &Path) -> String {
    status(dir)["warnings"].to_string()
}

#[test]
fn each_message_is_taken_once_read_only_and_read_like_a_saved_e_mail() {
    let Some(d) = Dovecot::start() else { return };
    d.deliver("INBOX", &justice_mail(), JUNE_5);
    d.deliver("INBOX", &forwarded_mail(), JUNE_5 + HOUR);
    d.deliver(
        "已处理",
        &mail_from(
            "县财政局",
            "czj@example.gov.cn",
            "Thu, 05 Jun 2025 12:00:00 +0800",
            "活动总结",
        ),
        JUNE_5 + 2 * HOUR,
    );
    // The office filed a copy of 县司法局's mail into 已处理 too.
    d.deliver("已处理", &justice_mail(), JUNE_5 + 3 * HOUR);
    let before = d.messages();

    let dir = demo_copy();
    let c = dir.path();
    use_mailbox(c, &d, &["INBOX", "已处理"], "s3cret");
    run_ok(c, &[]);

    // The ID command was sent, with the program's name and version.
    let log = d.log();
    assert!(
        log.contains("ID sent: name=baosong") && log.contains(env!("CARGO_PKG_VERSION")),
        "{log}"
    );
    assert_eq!(taken(c), 3);
    assert_eq!(
        count(
            c,
            "SELECT COUNT(*) FROM mail_messages WHERE outcome = 'duplicate'"
        ),
        1
    );
    let s = status(c);
    // GBK names decoded; the unit found from the mail; arrival = INTERNALDATE.
    let justice = counted(&s, "县司法局", "summary");
    assert!(
        justice
            .iter()
            .any(|f| f.starts_with("邮箱/INBOX/") && f.ends_with("县司法局活动总结.docx")),
        "{justice:?}"
    );
    assert_eq!(state(&s, "县司法局", "3", "summary"), "on_time");
    assert_eq!(counted(&s, "县司法局", "photos").len(), 3);
    // The forwarded .eml's attachment counts for its own unit.
    assert!(
        counted(&s, "县交通运输局", "summary")
            .iter()
            .any(|f| f.contains("县交通运输局活动总结.eml") && f.ends_with(".docx")),
        "{s}"
    );
    // The second folder (a Chinese name, modified UTF-7 on the wire).
    assert!(
        counted(&s, "县财政局", "summary")
            .iter()
            .any(|f| f.starts_with("邮箱/已处理/")),
        "{s}"
    );
    let arrived: String = ledger(c)
        .query_row(
            "SELECT v.arrived_at FROM versions v JOIN files f ON f.id = v.file_id
             WHERE f.path LIKE '邮箱/INBOX/%' AND f.parent_id IS NULL ORDER BY f.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The server's INTERNALDATE (the Maildir file's time), as an instant.
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&arrived)
            .unwrap()
            .timestamp(),
        JUNE_5
    );

    // The receipt answers the e-mail the files came in.
    let receipt = outbox_mails(c)
        .into_iter()
        .find(|m| {
            m.to().and_then(|t| t.first()).and_then(|a| a.address()) == Some("sfj@example.gov.cn")
                && m.subject().is_some_and(|s| s.starts_with("Re: "))
        })
        .expect("a receipt to 县司法局 replying to its e-mail");
    assert_eq!(
        receipt.subject(),
        Some("Re: 县司法局报送政务公开日活动材料")
    );
    assert_eq!(
        receipt.in_reply_to().as_text(),
        Some("20250605100000@example.gov.cn")
    );
    assert_eq!(
        receipt.references().as_text(),
        Some("20250605100000@example.gov.cn")
    );
    let body = receipt.body_text(0).unwrap();
    assert!(body.contains("县司法局活动总结.docx"), "{body}");

    // Read-only: every message still there, none flagged \Seen (or anything).
    let after = d.messages();
    assert_eq!(
        before.iter().map(|m| &m.0).collect::<Vec<_>>(),
        after.iter().map(|m| &m.0).collect::<Vec<_>>()
    );
    assert!(after.iter().all(|(_, flags)| flags.is_empty()), "{after:?}");

    // Second batch: nothing new is fetched or counted.
    let versions = count(c, "SELECT COUNT(*) FROM versions");
    run_ok(c, &[]);
    assert_eq!(count(c, "SELECT COUNT(*) FROM mail_messages"), 4);
    assert_eq!(count(c, "SELECT COUNT(*) FROM versions"), versions);

    // A message between batches is the only one fetched by the next.
    d.deliver(
        "INBOX",
        &mail_from(
            "县林业局",
            "lyj@example.gov.cn",
            "Fri, 06 Jun 2025 09:00:00 +0800",
            "活动总结",
        ),
        JUNE_5 + 23 * HOUR,
    );
    run_ok(c, &[]);
    let new: Vec<(String, i64)> = {
        let l = ledger(c);
        let mut stmt = l
            .prepare("SELECT path, batch_id FROM mail_messages WHERE batch_id = (SELECT MAX(batch_id) FROM mail_messages)")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].1, 3);
    assert!(d.messages().iter().all(|(_, flags)| flags.is_empty()));
}

#[test]
fn a_mailbox_fault_never_stops_the_batch_and_the_next_batch_catches_up() {
    let Some(mut d) = Dovecot::start() else {
        return;
    };
    d.deliver("INBOX", &justice_mail(), JUNE_5);
    let dir = demo_copy();
    let c = dir.path();

    // Wrong password: the batch completes from the inbox folder, and says
    // which setting to look at.
    use_mailbox(c, &d, &["INBOX"], "wrong");
    run_ok(c, &[]);
    let w = warnings(c);
    assert!(
        w.contains("收信邮箱") && w.contains("登录被拒绝") && w.contains("password_file"),
        "{w}"
    );
    let s = status(c);
    assert!(!counted(&s, "县民政局", "summary").is_empty(), "{s}");
    assert_eq!(taken(c), 0);
    // The office digest says it too.
    let digest_says = outbox_mails(c).iter().any(|m| {
        m.body_text(0)
            .is_some_and(|t| t.contains("收信邮箱") && t.contains("登录被拒绝"))
    });
    assert!(digest_says, "no digest names the fault");

    // Server stopped: the batch completes, with the reason.
    std::fs::write(c.join("imap-password"), "s3cret\n").unwrap();
    d.stop();
    run_ok(c, &[]);
    let w = warnings(c);
    assert!(w.contains("收信邮箱") && w.contains("无法连接"), "{w}");
    assert_eq!(taken(c), 0);

    // Back up: the next batch takes what it missed.
    d.restart();
    run_ok(c, &[]);
    assert_eq!(taken(c), 1);
    assert!(!warnings(c).contains("收信邮箱"));
    assert_eq!(state(&status(c), "县司法局", "3", "summary"), "on_time");
}

#[test]
fn a_uidvalidity_reset_counts_nothing_twice() {
    let Some(mut d) = Dovecot::start() else {
        return;
    };
    d.deliver("INBOX", &justice_mail(), JUNE_5);
    // A message without a Message-ID: only its content can tell it again.
    let bare: Vec<u8> = String::from_utf8(mail_from(
        "县财政局",
        "czj@example.gov.cn",
        "Thu, 05 Jun 2025 12:00:00 +0800",
        "活动总结",
    ))
    .unwrap()
    .lines()
    .filter(|l| !l.to_ascii_lowercase().starts_with("message-id:"))
    .map(|l| format!("{l}\r\n"))
    .collect::<String>()
    .into_bytes();
    d.deliver("INBOX", &bare, JUNE_5 + HOUR);
    let dir = demo_copy();
    let c = dir.path();
    use_mailbox(c, &d, &["INBOX"], "s3cret");
    run_ok(c, &[]);
    assert_eq!(taken(c), 2);
    let versions = count(c, "SELECT COUNT(*) FROM versions");

    // The mailbox is recreated: same messages, new UIDVALIDITY and UIDs.
    d.stop();
    for entry in std::fs::read_dir(d.maildir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with("dovecot") {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d.restart();
    run_ok(c, &[]);
    assert_eq!(
        count(c, "SELECT COUNT(DISTINCT uidvalidity) FROM mail_messages"),
        2,
        "the mailbox was not renumbered"
    );
    assert_eq!(taken(c), 2);
    assert_eq!(
        count(
            c,
            "SELECT COUNT(*) FROM mail_messages WHERE outcome = 'duplicate'"
        ),
        2
    );
    assert_eq!(count(c, "SELECT COUNT(*) FROM versions"), versions);
}

#[test]
fn a_message_over_the_limit_is_refused_unread_and_a_large_one_arrives_whole() {
    let Some(d) = Dovecot::start() else { return };
    const MB: usize = 1 << 20;
    // Incompressible bytes, so the sizes are what they say.
    let noise = |n: usize, seed: u64| -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    };
    let big = files::eml(
        ("县林业局", "lyj@example.gov.cn"),
        "lxxzspfwj@example.gov.cn",
        "县林业局活动视频",
        "Thu, 05 Jun 2025 10:00:00 +0800",
        "请查收。",
        &[("县林业局活动资料.bin".to_string(), noise(2 * MB, 7))],
    );
    let huge = files::eml(
        ("县财政局", "czj@example.gov.cn"),
        "lxxzspfwj@example.gov.cn",
        "县财政局活动视频",
        "Thu, 05 Jun 2025 11:00:00 +0800",
        "请查收。",
        &[("县财政局活动资料.bin".to_string(), noise(5 * MB, 9))],
    );
    let big_file = d.deliver("INBOX", &big, JUNE_5);
    d.deliver("INBOX", &huge, JUNE_5 + HOUR);
    let dir = demo_copy();
    let c = dir.path();
    let toml = c.join("campaign.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("[limits]\n", "[limits]\nmax_file_bytes = 4194304\n");
    std::fs::write(&toml, text).unwrap();
    use_mailbox(c, &d, &["INBOX"], "s3cret");
    run_ok(c, &[]);

    // The large one came in pieces and arrived whole, byte for byte.
    let hash: String = ledger(c)
        .query_row(
            "SELECT hash FROM mail_messages WHERE outcome = 'taken'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let served = std::fs::read(&big_file)
        .or_else(|_| {
            // Dovecot renamed it into cur/ with flags.
            let name = big_file.file_name().unwrap().to_string_lossy().into_owned();
            let cur = d.maildir().join("cur");
            let found = std::fs::read_dir(&cur)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&name))
                .unwrap();
            std::fs::read(found)
        })
        .unwrap();
    assert!(served.len() > 2 * MB);
    assert_eq!(hash, blake3::hash(&served).to_hex().to_string());

    // The one over the limit: refused with its reason, never downloaded.
    assert_eq!(
        count(
            c,
            "SELECT COUNT(*) FROM mail_messages WHERE outcome = 'too_large'"
        ),
        1
    );
    let s = status(c);
    assert!(
        s["invalid"].to_string().contains("邮箱/INBOX/"),
        "{}",
        s["invalid"]
    );
    let stored: u64 = walkdir::WalkDir::new(c.join("state/blobs"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .filter(|&len| len > 4 * MB as u64)
        .count() as u64;
    assert_eq!(stored, 0, "a blob over the limit was stored");
}

#[test]
fn check_imap_lists_folders_and_fetches_nothing() {
    let Some(d) = Dovecot::start() else { return };
    d.deliver("INBOX", &justice_mail(), JUNE_5);
    d.deliver("INBOX", &forwarded_mail(), JUNE_5);
    d.deliver("已处理", &justice_mail(), JUNE_5);
    let dir = demo_copy();
    let c = dir.path();
    use_mailbox(c, &d, &["INBOX", "已处理"], "s3cret");
    let out = baosong(c, &["check", "--imap"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("INBOX  2封（读取）"), "{text}");
    assert!(text.contains("已处理  1封（读取）"), "{text}");
    assert!(!c.join("state/ledger.sqlite").exists());
    assert!(d.messages().iter().all(|(_, flags)| flags.is_empty()));

    // A wrong password: a clear error naming the setting, exit code 5.
    std::fs::write(c.join("imap-password"), "wrong\n").unwrap();
    let out = baosong(c, &["check", "--imap"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("登录被拒绝") && err.contains("password_file"),
        "{err}"
    );
}

/// Every unit × deliverable state of a status.
fn states(s: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for u in s["units"].as_array().unwrap() {
        for a in u["activities"].as_array().unwrap() {
            for d in a["deliverables"].as_array().unwrap() {
                out.push((
                    u["unit"].as_str().unwrap().to_string(),
                    a["seq"].as_str().unwrap().to_string(),
                    d["id"].as_str().unwrap().to_string(),
                    d["state"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn the_demo_read_from_a_mailbox_matches_the_demo_read_from_saved_files() {
    let Some(d) = Dovecot::start() else { return };
    let saved = demo_copy();
    run_ok(saved.path(), &[]);

    // The same demo, its saved e-mails delivered to the mailbox instead,
    // each received when its Received header says; read over IMAPS.
    let mailed = demo_copy();
    let c = mailed.path();
    let mail_dir = c.join("inbox/邮件");
    let mut n = 0;
    for entry in std::fs::read_dir(&mail_dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        let received = msg
            .received()
            .and_then(|r| r.date())
            .or_else(|| msg.date().cloned())
            .unwrap()
            .to_timestamp();
        d.deliver("INBOX", &bytes, received);
        n += 1;
    }
    assert!(n >= 5);
    std::fs::remove_dir_all(&mail_dir).unwrap();
    use_mailbox(c, &d, &["INBOX"], "s3cret");
    let toml = c.join("campaign.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("security = \"starttls\"", "security = \"tls\"")
        .replace(
            &format!("port = {}", d.port()),
            &format!("port = {}", d.imaps_port()),
        );
    std::fs::write(&toml, text).unwrap();
    run_ok(c, &[]);

    assert_eq!(taken(c), n);
    let (a, b) = (status(saved.path()), status(c));
    assert_eq!(states(&a), states(&b));
    // 县公安局's files came from the mailbox, and its receipt lists them.
    let police = counted(&b, "县公安局", "summary");
    assert!(
        police.iter().all(|f| f.starts_with("邮箱/INBOX/")),
        "{police:?}"
    );
    assert!(!police.is_empty());
    let receipt = outbox_mails(c).into_iter().find(|m| {
        m.to().and_then(|t| t.first()).and_then(|a| a.address()) == Some("gaj@example.gov.cn")
            // Named as the unit knows them: the e-mail it sent, not a path.
            && m.body_text(0)
                .is_some_and(|t| t.contains("发来的邮件中的附件《") && !t.contains("邮箱/INBOX/"))
    });
    assert!(
        receipt.is_some(),
        "no receipt to 县公安局 lists its mailed files"
    );
}

/// What a [`Relay`] does once, mid-fetch.
type Pause = Box<dyn FnOnce() + Send>;

/// A TCP relay between baosong and Dovecot's plain IMAP port that, on the
/// first connection, once the server has sent more than `after` bytes,
/// runs `pause` before passing on the client's next bytes, or with `cut`
/// closes the connection there. Either way, the server is real.
struct Relay {
    port: u16,
}

impl Relay {
    fn start(target: u16, after: usize, cut: bool, pause: impl FnOnce() + Send + 'static) -> Relay {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pause: Arc<Mutex<Option<Pause>>> = Arc::new(Mutex::new(Some(Box::new(pause))));
        std::thread::spawn(move || {
            for (n, client) in listener.incoming().enumerate() {
                let Ok(client) = client else { return };
                let server = TcpStream::connect(("127.0.0.1", target)).unwrap();
                let first = n == 0;
                let crossed = Arc::new(AtomicBool::new(false));
                let (mut c_read, mut c_write) = (client.try_clone().unwrap(), client);
                let (mut s_read, mut s_write) = (server.try_clone().unwrap(), server);
                let seen = crossed.clone();
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut total = 0;
                    while let Ok(n) = s_read.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        total += n;
                        if first && total > after {
                            seen.store(true, Ordering::SeqCst);
                            if cut {
                                let _ = c_write.shutdown(Shutdown::Both);
                                let _ = s_read.shutdown(Shutdown::Both);
                                return;
                            }
                        }
                        if c_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = c_write.shutdown(Shutdown::Both);
                });
                let pause = pause.clone();
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = c_read.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        if crossed.load(Ordering::SeqCst)
                            && let Some(f) = pause.lock().unwrap().take()
                        {
                            f();
                        }
                        if s_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = s_write.shutdown(Shutdown::Both);
                });
            }
        });
        Relay { port }
    }
}

/// `[intake.imap]` through a relay, unencrypted (loopback only).
fn use_relay(dir: &Path, relay: &Relay) {
    let toml = dir.join("campaign.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(&format!(
        "\n[intake.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\nuser = \"clerk\"\npassword_file = \"imap-password\"\nfolders = [\"INBOX\"]\n",
        relay.port
    ));
    std::fs::write(&toml, text).unwrap();
    std::fs::write(dir.join("imap-password"), "s3cret\n").unwrap();
}

/// 县林业局's photos, over 3 MiB of them: fetched in four pieces.
fn big_mail() -> Vec<u8> {
    let base = photo(300, "2025:06:03 10:00:00", 1600, 1200);
    let photos: Vec<(String, Vec<u8>)> = (0..24u8)
        .map(|i| {
            // A comment segment after SOI: another photo to the store.
            let mut jpeg = base[..2].to_vec();
            jpeg.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x03, i]);
            jpeg.extend_from_slice(&base[2..]);
            (format!("县林业局活动照片{i}.jpg"), jpeg)
        })
        .collect();
    files::eml(
        ("县林业局", "lyj@example.gov.cn"),
        "lxxzspfwj@example.gov.cn",
        "县林业局活动照片",
        "Thu, 05 Jun 2025 10:00:00 +0800",
        "请查收。",
        &photos,
    )
}

/// The message file Dovecot keeps for a delivered one (it may have moved
/// it from new/ to cur/).
fn stored_message(d: &Dovecot, delivered: &Path) -> PathBuf {
    let name = delivered
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    ["new", "cur"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(d.maildir().join(sub)).unwrap())
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&name))
        .unwrap_or_else(|| panic!("{name} not in the Maildir"))
}

#[test]
fn a_message_deleted_while_it_is_fetched_is_never_taken_in_part_and_the_office_is_told() {
    let Some(d) = Dovecot::start() else { return };
    let mail = big_mail();
    assert!(mail.len() > 3 * (1 << 20), "{} bytes", mail.len());
    let delivered = d.deliver("INBOX", &mail, JUNE_5);
    d.deliver("INBOX", &justice_mail(), JUNE_5 + HOUR);
    let maildir = d.maildir();
    // Another mail program deletes it once the first piece has come.
    let relay = Relay::start(d.port(), 1 << 20, false, move || {
        let name = delivered
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for sub in ["new", "cur"] {
            for e in std::fs::read_dir(maildir.join(sub)).unwrap() {
                let path = e.unwrap().path();
                if path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&name)
                {
                    std::fs::remove_file(path).unwrap();
                }
            }
        }
    });
    let dir = demo_copy();
    let c = dir.path();
    use_relay(c, &relay);
    run_ok(c, &[]);
    // The other message is taken; of the cut one nothing is recorded or
    // stored, and nothing blames 县林业局.
    assert_eq!(taken(c), 1);
    assert!(count(c, "SELECT COUNT(*) FROM files WHERE path LIKE '邮箱/%'") > 0);
    let s = status(c);
    assert!(
        counted(&s, "县林业局", "photos")
            .iter()
            .all(|f| !f.starts_with("邮箱/"))
    );
    assert!(
        !s["invalid"].to_string().contains("邮箱/"),
        "{}",
        s["invalid"]
    );
    // A cut one would be whole pieces of 1 MiB.
    let piece = walkdir::WalkDir::new(c.join("state/blobs"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .find(|&len| len > 0 && len % (1 << 20) == 0);
    assert_eq!(piece, None, "a part of the cut message was stored");
    assert_eq!(count(c, "SELECT failures FROM mail_failures"), 1);
    assert!(!warnings(c).contains("县林业局活动照片"), "told too early");
    // Tried again by the next batches; after the third the office is told,
    // with the sender and the subject, once.
    run_ok(c, &[]);
    run_ok(c, &[]);
    let w = warnings(c);
    assert!(
        w.contains("县林业局 <lyj@example.gov.cn>") && w.contains("《县林业局活动照片》"),
        "{w}"
    );
    let told = outbox_mails(c)
        .iter()
        .filter(|m| {
            m.body_text(0)
                .is_some_and(|t| t.contains("《县林业局活动照片》") && t.contains("3次"))
        })
        .count();
    assert_eq!(told, 1, "the digest tells it once");
    run_ok(c, &[]);
    assert!(!warnings(c).contains("县林业局活动照片"));
    assert_eq!(count(c, "SELECT given_up FROM mail_failures"), 1);
    assert_eq!(taken(c), 1);
}

#[test]
fn a_message_cut_off_by_a_lost_connection_is_taken_whole_by_the_next_batch() {
    let Some(d) = Dovecot::start() else { return };
    let mail = big_mail();
    let delivered = d.deliver("INBOX", &mail, JUNE_5);
    let relay = Relay::start(d.port(), (1 << 20) + 4096, true, || {});
    let dir = demo_copy();
    let c = dir.path();
    use_relay(c, &relay);
    run_ok(c, &[]);
    assert_eq!(taken(c), 0);
    assert_eq!(count(c, "SELECT failures FROM mail_failures"), 1);
    // The next batch (the relay passes everything now) takes it whole.
    run_ok(c, &[]);
    assert_eq!(taken(c), 1);
    assert_eq!(count(c, "SELECT COUNT(*) FROM mail_failures"), 0);
    let hash: String = ledger(c)
        .query_row(
            "SELECT hash FROM mail_messages WHERE outcome = 'taken'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let served = std::fs::read(stored_message(&d, &delivered)).unwrap();
    assert_eq!(hash, blake3::hash(&served).to_hex().to_string());
    let photos = count(
        c,
        "SELECT COUNT(*) FROM files WHERE path LIKE '邮箱/INBOX/%!/%.jpg' AND gone_batch IS NULL",
    );
    assert_eq!(photos, 24);
}
