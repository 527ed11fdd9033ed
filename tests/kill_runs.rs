//! kill -9 at random moments: twenty batches of the demo campaign (copied),
//! mailing through the plain aiosmtpd server of `.ci/mail-servers.sh`, are
//! each killed after a delay drawn from a seeded generator (the same seed
//! gives the same delays; `BAOSONG_KILL_SEED` picks another; which stage a
//! delay lands in depends on the machine's speed) somewhere in intake,
//! inspection, compiling, queueing or delivery, and each is followed by a
//! run that completes. Every night brings new files, a new clock and new mail, so
//! every kill has work to interrupt. After each kill and each completed run
//! the test checks what a crash must never break: the ledger, the inbox,
//! `latest`, the mail, and nothing left outside `state/` and `out/`.
//!
//! Then inspection itself, killed at random moments twenty times, and a
//! state folder that fills up in the middle of it (a tmpfs in a private
//! mount namespace): the ledger, the counts, the report and the 归档
//! bundle must come out as a clean run's of the same inbox.

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
    // The system's temporary folder of the killed runs: nothing may be
    // left there, whatever moment (归档 included) a kill lands in.
    let tmp = tempfile::tempdir().unwrap();

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
            .env("TMPDIR", tmp.path())
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
        assert_eq!(left_in(tmp.path()), Vec::<String>::new(), "{what}");

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

// ---------------------------------------------------------------------
// Inspection killed at random moments, and a state folder that fills up:
// what is cached is whole or absent, so the ledger, the counts, the report
// and the 归档 bundle come out as a clean run's.

/// Every batch of these tests judges at this clock; every file the tests
/// copy in arrives at it (the file system dates them later).
const CLOCK: &str = "2025-06-13T20:00";

/// `bytes`, a JPEG, made a different file by a comment segment after SOI
/// (cheap distinct photos that each must be decoded).
fn variant(jpeg: &[u8], tag: &str) -> Vec<u8> {
    let len = (tag.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Work for the inspection stage on top of the demo's inbox: a summary
/// with nine photos pasted in it and its renamed copy in another folder,
/// and a zip of photos to decode.
fn inspection_work() -> Vec<(String, Vec<u8>)> {
    let pasted: Vec<(Vec<u8>, u32, u32)> = (0..9)
        .map(|i| (photo(700 + i, "2025:05:05 10:00:00", 1200, 900), 1200, 900))
        .collect();
    let docx = baosong_generate::files::summary_docx(
        "县司法局活动总结",
        &["活动现场照片如下。".to_string()],
        &pasted,
    );
    let base = photo(800, "2025:05:05 11:00:00", 1600, 1200);
    let zip: Vec<(String, Vec<u8>)> = (0..24)
        .map(|i| {
            (
                format!("活动照片{i:02}.jpg"),
                variant(&base, &format!("zip {i}")),
            )
        })
        .collect();
    vec![
        ("县司法局/县司法局活动总结.docx".into(), docx.clone()),
        ("已处理/县司法局/县司法局活动总结（副本）.docx".into(), docx),
        (
            "县司法局/县司法局活动照片.zip".into(),
            baosong_generate::files::zip(&zip),
        ),
    ]
}

/// More work, night `i`'s: a zip of photos of 县信访局.
fn more_work(i: usize) -> (String, Vec<u8>) {
    let base = photo(900 + i as u64, "2025:05:20 10:00:00", 1600, 1200);
    let photos: Vec<(String, Vec<u8>)> = (0..12)
        .map(|k| (format!("照片{k}.jpg"), variant(&base, &format!("{i}-{k}"))))
        .collect();
    (
        format!("县信访局补报/县信访局活动照片{i}.zip"),
        baosong_generate::files::zip(&photos),
    )
}

/// What must come out the same as a clean run's.
#[derive(Debug, PartialEq)]
struct Outcome {
    /// Every version: path, gone, hash, size, arrival, kind, verdict,
    /// reason, inspection (not the batch that recorded it, nor why the
    /// arrival is what it is: content recorded by an earlier batch keeps
    /// its first arrival, "known", where one batch says "clock").
    versions: Vec<String>,
    units: serde_json::Value,
    counts: serde_json::Value,
    invalid: serde_json::Value,
    /// The report's text.
    report: String,
    bundles: Vec<Bundle>,
}

/// A 归档 bundle as compared: its name, its manifest and its entries
/// (name, CRC).
#[derive(Debug, PartialEq, PartialOrd, Eq, Ord)]
struct Bundle {
    name: String,
    manifest: Vec<u8>,
    entries: Vec<(String, u32)>,
}

fn outcome(dir: &Path) -> Outcome {
    let conn = ledger(dir);
    let versions = conn
        .prepare(
            "SELECT f.path, f.gone_batch IS NULL, v.hash, v.size, v.arrived_at, v.kind, v.verdict,
                 COALESCE(v.reason, ''), v.inspection
             FROM versions v JOIN files f ON f.id = v.file_id ORDER BY f.path, v.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(format!(
                "{} {} {} {} {} {} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let s = status(dir);
    let pdf = dir.join("out/luxi-2025/latest/报送情况汇总.pdf");
    let report = match Command::new("pdftotext").arg(&pdf).arg("-").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => {
            assert!(!mail::ci(), "CI: pdftotext missing");
            format!("{} bytes", std::fs::metadata(&pdf).unwrap().len())
        }
    };
    let mut bundles = Vec::new();
    // No bundle yet is a state too: the demo's deadlines count from its
    // activities, bundled only when the campaign closes.
    let archive = std::fs::read_dir(dir.join("out/luxi-2025/archive"));
    for entry in archive.into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "zip") {
            continue;
        }
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut manifest = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name("manifest.csv").unwrap(), &mut manifest)
            .unwrap();
        let entries = (0..zip.len())
            .map(|i| {
                let e = zip.by_index(i).unwrap();
                (e.name().unwrap().to_string(), e.crc32())
            })
            .collect();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        bundles.push(Bundle {
            name,
            manifest,
            entries,
        });
    }
    bundles.sort();
    Outcome {
        versions,
        units: s["units"].clone(),
        counts: s["counts"].clone(),
        invalid: s["invalid"].clone(),
        report,
        bundles,
    }
}

/// Runs a batch at [`CLOCK`], to the end.
fn run_at_clock(dir: &Path) {
    let out = baosong(dir, &["run", "--settle", "0", "--quiet", "--now", CLOCK]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The number of batches the ledger holds (0 before there is one).
fn batches(dir: &Path) -> i64 {
    count(&ledger_or_empty(dir), "SELECT count(*) FROM batches")
}

fn versions(dir: &Path) -> i64 {
    let conn = ledger_or_empty(dir);
    let has = count(
        &conn,
        "SELECT count(*) FROM sqlite_master WHERE name = 'versions'",
    );
    if has == 0 {
        return 0;
    }
    count(&conn, "SELECT count(*) FROM versions")
}

/// The pictures pasted in each copy of the summary, as the ledger holds them.
fn pasted_pictures(dir: &Path) -> Vec<(String, i64)> {
    [
        "县司法局/县司法局活动总结.docx",
        "已处理/县司法局/县司法局活动总结（副本）.docx",
    ]
    .iter()
    .map(|p| {
        let n: i64 = ledger(dir)
            .query_row(
                "SELECT count(*) FROM files WHERE path LIKE ?1 || '!/%' AND gone_batch IS NULL",
                [p],
                |r| r.get(0),
            )
            .unwrap();
        (p.to_string(), n)
    })
    .collect()
}

/// Files the runs left in the system's temporary folder (`TMPDIR`).
fn left_in(tmp: &Path) -> Vec<String> {
    walkdir::WalkDir::new(tmp)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect()
}

#[test]
fn inspection_killed_at_random_moments_leaves_nothing_half_cached() {
    let seed = std::env::var("BAOSONG_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_250_613_u64);
    let mut rng = Rng(seed);
    let work = inspection_work();
    let killed = demo_copy();
    let k = killed.path();
    let tmp = tempfile::tempdir().unwrap();
    for (rel, bytes) in &work {
        put(k, rel, bytes);
    }
    let mut before_record = 0;
    for i in 0..KILLS {
        let (rel, bytes) = more_work(i);
        put(k, &rel, &bytes);
        let batches_before = batches(k);
        let versions_before = versions(k);
        let mut child = Command::new(env!("CARGO_BIN_EXE_baosong"))
            .arg("-C")
            .arg(k)
            .args(["run", "--settle", "0", "--quiet", "--now", CLOCK])
            .env("TMPDIR", tmp.path())
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Once the batch has begun, a moment drawn from the seed later.
        let started = Instant::now();
        while batches(k) == batches_before
            && child.try_wait().unwrap().is_none()
            && started.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(1500).mul_f64(rng.unit()));
        child.kill().unwrap_or(()); // SIGKILL
        child.wait().unwrap();
        if versions(k) == versions_before {
            before_record += 1;
        }
        if k.join("state/ledger.sqlite").exists() {
            ledger_sound(k, &format!("kill {i}"));
        }
        assert_eq!(left_in(tmp.path()), Vec::<String>::new(), "kill {i}");
    }
    run_at_clock(k);

    // The same inbox, read once with nothing interrupted.
    let clean = demo_copy();
    let c = clean.path();
    for (rel, bytes) in work.iter().cloned().chain((0..KILLS).map(more_work)) {
        put(c, &rel, &bytes);
    }
    run_at_clock(c);
    println!("seed {seed}: {before_record} of {KILLS} kills before intake was recorded");
    assert!(before_record > 0, "no kill landed in intake");
    let nine = |d: &Path| pasted_pictures(d).iter().all(|(_, n)| *n == 9);
    assert!(nine(c), "{:?}", pasted_pictures(c));
    assert!(nine(k), "{:?}", pasted_pictures(k));
    assert_eq!(outcome(k), outcome(c));
    // What the kills left in state/tmp is gone after the completed run.
    let scratch = std::fs::read_dir(k.join("state/tmp")).map_or(0, |r| r.count());
    assert_eq!(scratch, 0);
}

/// Runs `script` (sh) in a private mount namespace, where it may mount a
/// tmpfs; None (skipped, failing under CI) where that is not allowed.
fn in_mount_namespace(script: &str, args: &[&Path]) -> Option<std::process::Output> {
    let root = is_root();
    let mut cmd = Command::new("unshare");
    if root {
        cmd.args(["--mount", "--propagation", "private"]);
    } else {
        cmd.args(["--user", "--map-root-user", "--mount"]);
    }
    cmd.args(["sh", "-c", script, "sh"]).args(args);
    match cmd.output() {
        Ok(out) if out.status.code() != Some(97) => Some(out),
        Ok(out) => {
            mail::skip(&format!(
                "no tmpfs can be mounted here (unshare): {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            None
        }
        Err(e) => {
            mail::skip(&format!("unshare: {e}"));
            None
        }
    }
}

/// Whether the tests run as root (`id -u`).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_state_folder_that_fills_up_mid_inspection_loses_nothing() {
    let work = inspection_work();
    let clean = demo_copy();
    let c = clean.path();
    for (rel, bytes) in &work {
        put(c, rel, bytes);
    }
    run_at_clock(c);
    let needed: u64 = walkdir::WalkDir::new(c.join("state"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum();

    // The same inbox with state/ on a tmpfs of a third of what it needs:
    // the first batch fills it in the middle of the inspection; then room
    // is made and the next batch completes.
    let full = demo_copy();
    let f = full.path();
    for (rel, bytes) in &work {
        put(f, rel, bytes);
    }
    let state = f.join("state");
    let saved = f.join("state-saved");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::create_dir_all(&saved).unwrap();
    let small = needed / 3 / 1024;
    let script = format!(
        "mount -t tmpfs -o size={small}k,mode=0700 tmpfs \"$1\" || exit 97
         \"$2\" -C \"$3\" run --settle 0 --quiet --now {CLOCK} >\"$3/full-1.txt\" 2>&1; echo $? >\"$3/full-1.rc\"
         df -k \"$1\" >\"$3/full-df.txt\"
         mount -o remount,size=2g \"$1\" || exit 98
         \"$2\" -C \"$3\" run --settle 0 --quiet --now {CLOCK} >\"$3/full-2.txt\" 2>&1; echo $? >\"$3/full-2.rc\"
         cp -a \"$1/.\" \"$4/\""
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_baosong"));
    let Some(out) = in_mount_namespace(&script, &[&state, bin, f, &saved]) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(f.join(name)).unwrap_or_default();
    // The first batch ran out of room (an error, or files left for the next
    // batch with the reason); the second completed.
    let first = read("full-1.txt");
    assert!(
        read("full-1.rc").trim() != "0" || first.contains("磁盘已满") || first.contains("空间"),
        "the state folder did not fill up: {first}\n{}",
        read("full-df.txt")
    );
    assert_eq!(read("full-2.rc").trim(), "0", "{}", read("full-2.txt"));
    println!(
        "state/ on a {small} KiB tmpfs ({needed} bytes needed): first batch exit {}, {}",
        read("full-1.rc").trim(),
        first
            .lines()
            .find(|l| l.contains("磁盘") || l.contains("错误"))
            .unwrap_or("")
    );
    std::fs::remove_dir_all(&state).unwrap();
    std::fs::rename(&saved, &state).unwrap();
    assert!(
        pasted_pictures(f).iter().all(|(_, n)| *n == 9),
        "{:?}",
        pasted_pictures(f)
    );
    assert_eq!(outcome(f), outcome(c));
    // And a batch after that changes nothing.
    run_at_clock(f);
    assert_eq!(outcome(f), outcome(c));
}
