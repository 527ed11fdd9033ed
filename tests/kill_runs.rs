//! kill -9 at random moments: twenty batches of the demo campaign (copied),
//! mailing through the plain aiosmtpd server of `.ci/mail-servers.sh`, are
//! each killed after a delay drawn from a seeded generator (the same seed
//! gives the same delays; `BAOSONG_KILL_SEED` picks another; which stage a
//! delay lands in depends on the machine's speed) somewhere in intake,
//! inspection, compiling, queueing or delivery, and each is followed by a
//! run that completes. Every night brings new files, a new clock and new mail, so
//! every kill has work to interrupt. After each kill and each completed run
//! the test checks what a crash must never break: the ledger, the inbox,
//! `latest`, and the mail.

mod campaign;
mod mail;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use campaign::*;
use mail::{copies, servers, unique_id, use_smtp};

const KILLS: usize = 20;

/// A small, seeded generator (splitmix64): the same seed kills at the same
/// moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The working days from Friday 13 June 2025 on, one a night.
fn nights() -> Vec<String> {
    let cal = baosong::campaign::calendar::Calendar::builtin();
    let mut day = chrono::NaiveDate::from_ymd_opt(2025, 6, 13).unwrap();
    let mut out = Vec::new();
    while out.len() < KILLS + 1 {
        if cal.is_workday(day).0 {
            out.push(format!("{day}T20:00"));
        }
        day = day.succ_opt().unwrap();
    }
    out
}

fn ledger(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap()
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The ledger is sound whatever moment the batch died at: SQLite's own
/// checks, assessments only for finished batches, at most the killed batch
/// still `running`.
fn ledger_sound(dir: &Path, what: &str) {
    let conn = ledger(dir);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "{what}");
    assert_eq!(
        count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0,
        "{what}"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM assessments a JOIN batches b ON b.id = a.batch_id
             WHERE b.status <> 'done'"
        ),
        0,
        "{what}: assessments of an unfinished batch"
    );
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM batches WHERE status = 'running'"
        ) <= 1,
        "{what}"
    );
}

/// `out/<id>/latest` names a folder with all three reports, whole.
fn latest_complete(dir: &Path, id: &str, what: &str) {
    let latest = dir.join("out").join(id).join("latest");
    if !latest.exists() {
        return; // no report published yet: killed during the first batch
    }
    for name in [
        "报送情况汇总.pdf",
        "报送情况汇总.docx",
        "报送情况统计表.xlsx",
    ] {
        let bytes = std::fs::read(latest.join(name))
            .unwrap_or_else(|e| panic!("{what}: latest/{name}: {e}"));
        if name.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF-"), "{what}: {name}");
            let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]);
            assert!(tail.trim_end().ends_with("%%EOF"), "{what}: {name}");
        } else {
            zip::ZipArchive::new(std::io::Cursor::new(bytes))
                .unwrap_or_else(|e| panic!("{what}: {name} is not a whole zip: {e}"));
        }
    }
}

/// Temporary files of interrupted writes under the campaign's state and
/// output folders.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    ["state", "out"]
        .iter()
        .flat_map(|sub| walkdir::WalkDir::new(dir.join(sub)))
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with(".baosong-") && name.ends_with(".tmp")
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// New files for night `i`: a summary or a photo for one unit, so every
/// batch has something to take in, inspect and acknowledge.
fn new_files(dir: &Path, i: usize) {
    const UNITS: [&str; 4] = ["县司法局", "县信访局", "县民政局", "县财政局"];
    let unit = UNITS[i % UNITS.len()];
    let folder = dir.join("inbox").join(format!("{unit}补报{i}"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(format!("{unit}活动总结（补报{i}）.docx")),
        summary(&format!("{unit}活动总结")),
    )
    .unwrap();
    for k in 0..3 {
        std::fs::write(
            folder.join(format!("{unit}活动照片{i}-{k}.jpg")),
            photo(
                1000 + (i * 10 + k) as u64,
                "2025:06:10 10:00:00",
                1600,
                1200,
            ),
        )
        .unwrap();
    }
}

#[test]
fn kill_nine_at_random_moments_loses_and_repeats_nothing() {
    let Some(servers) = servers() else { return };
    let seed = std::env::var("BAOSONG_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_250_613_u64);
    let mut rng = Rng(seed);
    let id = unique_id("kill");
    let dir = demo_copy();
    let d = dir.path();
    use_smtp(d, &id, servers.port("PLAIN"), 10, 5);
    // Pace delivery (100 ms a message) so that kills land in it too.
    let toml = std::fs::read_to_string(d.join("campaign.toml")).unwrap();
    std::fs::write(
        d.join("campaign.toml"),
        toml.replace("rate_per_minute = 60000", "rate_per_minute = 600"),
    )
    .unwrap();
    let maildir = servers.maildir("PLAIN");
    let started = Instant::now();

    // How long a batch takes, learnt from the completed runs; the first
    // night (the whole demo inbox) is a guess.
    let mut estimate = Duration::from_secs(4);
    let mut kills_in_delivery = 0;
    let mut stages: BTreeMap<&str, usize> = BTreeMap::new();
    let mut leftovers: Vec<String> = Vec::new();
    for (i, night) in nights().into_iter().take(KILLS).enumerate() {
        if i > 0 {
            new_files(d, i);
        }
        let inbox = fingerprint(&d.join("inbox"));
        let delay = estimate.mul_f64(0.9 * rng.unit());
        let batches_before = count(&ledger_or_empty(d), "SELECT count(*) FROM batches");

        let mut child = Command::new(env!("CARGO_BIN_EXE_baosong"))
            .arg("-C")
            .arg(d)
            .args(["run", "--settle", "0", "--quiet", "--now", &night])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let finished_first = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or(()); // SIGKILL
        child.wait().unwrap();
        let what = format!("kill {i} at {delay:?} on {night}");

        // Where it died: a batch marked done had reached delivery.
        let conn = ledger_or_empty(d);
        let last: Option<String> = conn
            .query_row(
                "SELECT status FROM batches WHERE id > ?1 ORDER BY id DESC LIMIT 1",
                [batches_before],
                |r| r.get(0),
            )
            .ok();
        let stage = match (finished_first, last.as_deref()) {
            (true, _) => "finished before the kill",
            (false, None) => "starting up",
            (false, Some("running")) => "intake, compile or queueing",
            (false, Some(_)) => "delivery",
        };
        *stages.entry(stage).or_default() += 1;
        if stage == "delivery" {
            kills_in_delivery += 1;
        }
        drop(conn);
        assert_eq!(
            fingerprint(&d.join("inbox")),
            inbox,
            "{what}: inbox changed"
        );
        if d.join("state/ledger.sqlite").exists() {
            ledger_sound(d, &what);
        }
        latest_complete(d, &id, &what);

        // The next run completes the night's work.
        let run_started = Instant::now();
        let out = baosong(d, &["run", "--settle", "0", "--quiet", "--now", &night]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: the next run: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        estimate = estimate
            .mul_f64(0.8)
            .max(run_started.elapsed().mul_f64(1.2));
        assert_eq!(
            fingerprint(&d.join("inbox")),
            inbox,
            "{what}: inbox changed"
        );
        ledger_sound(d, &what);
        let conn = ledger(d);
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM batches WHERE status = 'running'"
            ),
            0,
            "{what}: a batch left running"
        );
        latest_complete(d, &id, &what);
        // Checked at the end, so that a leftover does not hide the rest.
        leftovers.extend(
            temporaries(d)
                .into_iter()
                .map(|p| format!("{what}: {}", p.display())),
        );
        // Every message of the night went out.
        let unsent = count(
            &conn,
            "SELECT count(*) FROM notify_outbox WHERE status <> 'sent'",
        );
        assert_eq!(unsent, 0, "{what}: messages not sent");
    }

    // Each batch killed before it was done, and only those, is marked
    // aborted.
    let conn = ledger(d);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM batches WHERE status = 'aborted'"
        ) as usize,
        stages
            .get("intake, compile or queueing")
            .copied()
            .unwrap_or(0),
        "{stages:?}"
    );
    // Every message reached the server; a second copy only where a batch
    // was killed during delivery, one at most per such kill.
    let ids: Vec<String> = conn
        .prepare("SELECT message_id FROM notify_outbox")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let got = copies(&maildir, &id);
    for m in &ids {
        assert!(got.contains_key(m), "{m} never arrived");
    }
    assert_eq!(got.len(), ids.len(), "mail that the outbox does not know");
    let duplicates: usize = got.values().map(|n| n - 1).sum();
    let twice: Vec<String> = conn
        .prepare("SELECT message_id, kind FROM notify_outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|(m, _)| got.get(m).is_some_and(|&n| n > 1))
        .map(|(_, kind)| kind)
        .collect();
    assert!(
        duplicates <= kills_in_delivery,
        "{duplicates} duplicates, {kills_in_delivery} kills during delivery"
    );
    println!(
        "seed {seed}: {KILLS} kills {stages:?}; {} messages, {duplicates} duplicates {twice:?}; {:?}",
        ids.len(),
        started.elapsed()
    );
    // A batch removes the temporary files an interrupted one left.
    assert!(
        leftovers.is_empty(),
        "temporary files left after a completed run:\n{}",
        leftovers.join("\n")
    );
}

/// The ledger, or an empty database when no batch has created it yet.
fn ledger_or_empty(dir: &Path) -> rusqlite::Connection {
    let path = dir.join("state/ledger.sqlite");
    if path.exists() {
        let conn = ledger(dir);
        let has_batches = count(
            &conn,
            "SELECT count(*) FROM sqlite_master WHERE name = 'batches'",
        );
        if has_batches == 1 {
            return conn;
        }
    }
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE batches (id INTEGER, status TEXT)")
        .unwrap();
    conn
}
