//! The nightly batch end to end, through the real `baosong` binary, on
//! real files: the demo campaign's states, night-by-night arrival and
//! deadlines across the 2025 May Day holiday, arrival from ctime not mtime,
//! settling, resubmission, a read-only inbox, the lock, crashes between
//! stages, dry runs.

mod campaign;

use std::path::Path;

use campaign::*;

fn put_unit(dir: &Path, folder: &str, seed: u64, photos: usize) {
    put(
        dir,
        &format!("{folder}/活动总结.docx"),
        &summary(&format!("{folder}活动总结")),
    );
    for i in 0..photos {
        put(
            dir,
            &format!("{folder}/照片{i}.jpg"),
            &photo(seed + i as u64, "2025:04:28 10:00:00", 800, 600),
        );
    }
}

fn ledger(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap()
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_campaign_played_night_by_night_across_may_day() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();

    // Night 1, 30 April: nothing yet, both pending.
    run_ok(d, &["--now", "2025-04-30T20:00"]);
    let s = status(d);
    assert_eq!(state(&s, "县卫生健康局", "1", "summary"), "pending");
    assert_eq!(state(&s, "县林业局", "2", "summary"), "pending");

    // Night 2, 6 May: 县卫健局 (abbreviated folder) hands everything in.
    put_unit(d, "县卫健局", 1, 3);
    run_ok(d, &["--now", "2025-05-06T20:00"]);
    let s = status(d);
    assert_eq!(state(&s, "县卫生健康局", "1", "summary"), "on_time");
    assert_eq!(state(&s, "县卫生健康局", "1", "photos"), "on_time");
    // 县林业局 was due at the end of Tuesday 6 May: not yet overdue.
    assert_eq!(state(&s, "县林业局", "2", "summary"), "pending");

    // Night 3, 7 May: 县林业局 now overdue by one working day.
    run_ok(d, &["--now", "2025-05-07T20:00"]);
    let s = status(d);
    assert_eq!(state(&s, "县林业局", "2", "summary"), "overdue");

    // Night 4, Monday 12 May: its files arrive, with an old mtime copied
    // from the sender's disk. Arrival is when the batch first saw them.
    put_unit(d, "县林业局", 10, 3);
    let old = filetime::FileTime::from_unix_time(1_745_539_200, 0); // 2025-04-25
    for entry in std::fs::read_dir(d.join("inbox/县林业局")).unwrap() {
        filetime::set_file_mtime(entry.unwrap().path(), old).unwrap();
    }
    run_ok(d, &["--now", "2025-05-12T20:00"]);
    let s = status(d);
    assert_eq!(state(&s, "县林业局", "2", "summary"), "late");
    let item = &s["units"][1]["activities"][0]["deliverables"][0];
    // 7, 8, 9 and 12 May are the working days after the deadline.
    assert_eq!(item["late_workdays"], 4, "{item}");
    // 县卫健局's arrival was fixed on night 2, not re-derived.
    assert_eq!(state(&s, "县卫生健康局", "1", "summary"), "on_time");
    let conn = ledger(d);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM batches WHERE status = 'done'"),
        4
    );
    let basis: String = conn
        .query_row(
            "SELECT arrival_basis FROM versions v JOIN files f ON f.id = v.file_id WHERE f.path = '县林业局/照片0.jpg'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        basis, "clock",
        "a back-filled night dates new files at its clock, never by mtime"
    );
}

#[test]
fn arrival_comes_from_ctime_not_a_copied_mtime() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    put(d, "县林业局/活动总结.docx", &summary("县林业局活动总结"));
    let path = d.join("inbox/县林业局/活动总结.docx");
    filetime::set_file_mtime(&path, filetime::FileTime::from_unix_time(1_577_836_800, 0)).unwrap(); // 2020
    let before = chrono::Utc::now();
    run_ok(d, &[]);
    let conn = ledger(d);
    let (arrived, basis): (String, String) = conn
        .query_row("SELECT arrived_at, arrival_basis FROM versions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let arrived = chrono::DateTime::parse_from_rfc3339(&arrived).unwrap();
    assert!(matches!(basis.as_str(), "birth" | "ctime"), "{basis}");
    assert!(
        (arrived.with_timezone(&chrono::Utc) - before)
            .num_seconds()
            .abs()
            < 120,
        "arrival {arrived} should be about now, not the 2020 mtime"
    );
}

#[test]
fn a_file_still_being_copied_waits_for_the_next_batch() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    put(d, "县林业局/活动总结.docx", &summary("县林业局活动总结"));
    // Default settle window: 60 s; the file was written just now.
    let out = baosong(d, &["run", "--quiet"]);
    assert!(out.status.success());
    let s = status(d);
    assert_eq!(s["receiving"][0], "县林业局/活动总结.docx");
    assert_eq!(count(&ledger(d), "SELECT COUNT(*) FROM versions"), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("接收中"));
    // The next batch, once it has settled, takes it.
    run_ok(d, &[]);
    let s = status(d);
    assert!(s["receiving"].as_array().unwrap().is_empty());
    assert_eq!(count(&ledger(d), "SELECT COUNT(*) FROM versions"), 1);
}

#[test]
fn a_resubmission_is_a_new_version_and_the_latest_counts() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    let blank = baosong_generate::files::summary_docx(
        "县林业局活动总结",
        &["（此处填写活动情况）".into()],
        &[],
    );
    put(d, "县林业局/活动总结.docx", &blank);
    run_ok(d, &["--now", "2025-04-29T20:00"]);
    assert_eq!(state(&status(d), "县林业局", "2", "summary"), "invalid");

    put(d, "县林业局/活动总结.docx", &summary("县林业局活动总结"));
    run_ok(d, &["--now", "2025-04-30T20:00"]);
    assert_eq!(state(&status(d), "县林业局", "2", "summary"), "on_time");
    let conn = ledger(d);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM versions"),
        2,
        "history is kept"
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM files"), 1);
}

#[test]
fn the_demo_campaign_shows_every_state() {
    let dir = demo_copy();
    let d = dir.path();
    let before = fingerprint(&d.join("inbox"));
    let stdout = run_ok(d, &[]);
    assert!(stdout.contains("报送情况汇总.pdf"), "{stdout}");
    let s = status(d);
    assert_eq!(state(&s, "县公安局", "1", "summary"), "on_time"); // e-mailed 4 June
    assert_eq!(state(&s, "县公安局", "14", "summary"), "pending"); // June activity
    assert_eq!(state(&s, "县卫生健康局", "2", "photos"), "late"); // abbreviated folder, late
    assert_eq!(state(&s, "县司法局", "3", "summary"), "overdue");
    assert_eq!(state(&s, "县信访局", "4", "photos"), "incomplete");
    assert_eq!(state(&s, "县住房和城乡建设局", "5", "summary"), "on_time"); // 县住建局 in a subject
    assert_eq!(state(&s, "县交通运输局", "7", "summary"), "invalid"); // .doc renamed .docx
    assert_eq!(state(&s, "县财政局", "8", "summary"), "on_time"); // resubmitted in time
    assert_eq!(state(&s, "县林业局", "9", "summary"), "on_time"); // extension to 20 June
    assert_eq!(state(&s, "县民政局", "10", "summary"), "late");
    assert_eq!(state(&s, "县民政局", "21", "summary"), "pending"); // theme told the activities apart
    assert_eq!(state(&s, "潭溪镇人民政府", "11", "photos"), "late"); // zip, town name only
    assert_eq!(
        state(&s, "湘西州生态环境局泸溪分局", "18", "summary"),
        "on_time"
    );
    assert_eq!(state(&s, "县残疾人联合协会", "6", "photos"), "on_time");
    assert_eq!(state(&s, "县残疾人联合协会", "6", "summary"), "overdue");
    assert_eq!(s["unassigned"][0]["path"], "县气象局活动照片.jpg");
    assert_eq!(s["ignored"], 1, "the ~$ lock file");
    assert_eq!(s["units"].as_array().unwrap().len(), 29);
    // The inbox is read-only to baosong.
    assert_eq!(before, fingerprint(&d.join("inbox")), "the inbox changed");
    // A second batch with nothing new changes nothing and sends no receipt
    // or reminder twice (only the office gets its digest of the batch).
    let mails = |kind: &str| {
        std::fs::read_dir(d.join("out/luxi-2025/outbox"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(kind)
            })
            .count()
    };
    let (receipts, reminders) = (mails("-receipt-"), mails("-reminder-"));
    // Units that sent files and are also chased get one receipt that
    // chases; only 县司法局, which sent nothing, gets a reminder alone.
    assert!(
        receipts >= 10 && reminders >= 1,
        "{receipts} receipts, {reminders} reminders"
    );
    run_ok(d, &[]);
    assert_eq!(
        (mails("-receipt-"), mails("-reminder-")),
        (receipts, reminders)
    );
    let s2 = status(d);
    assert_eq!(s2["units"], s["units"]);
}

#[test]
fn a_second_batch_waits_for_the_lock() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    let _held = baosong::pipeline::BatchLock::acquire(&d.join("state")).unwrap();
    let out = baosong(d, &["run", "--quiet"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("另一个批处理正在运行"));
}

#[test]
fn a_crash_between_stages_leaves_a_consistent_ledger() {
    // A clean run for comparison.
    let clean = demo_copy();
    run_ok(clean.path(), &[]);
    let clean_status = status(clean.path());
    let clean_outbox = std::fs::read_dir(clean.path().join("out/luxi-2025/outbox"))
        .unwrap()
        .count();

    for stage in ["intake", "render", "queue"] {
        let dir = demo_copy();
        let d = dir.path();
        let out = baosong(
            d,
            &["run", "--settle", "0", "--quiet", "--fail-after", stage],
        );
        assert!(!out.status.success(), "{stage}: the crash hook must abort");
        {
            let conn = ledger(d);
            let ok: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(ok, "ok");
            assert_eq!(
                count(
                    &conn,
                    "SELECT COUNT(*) FROM batches WHERE status = 'running'"
                ),
                1,
                "{stage}"
            );
            assert_eq!(
                count(&conn, "SELECT COUNT(*) FROM assessments"),
                0,
                "{stage}: nothing half-written"
            );
            assert!(
                count(&conn, "SELECT COUNT(*) FROM versions") > 0,
                "{stage}: intake was committed"
            );
        }
        // The next batch finishes the job: same states, no version twice,
        // every message once.
        run_ok(d, &[]);
        let s = status(d);
        assert_eq!(s["units"], clean_status["units"], "{stage}");
        let conn = ledger(d);
        assert_eq!(
            count(
                &conn,
                "SELECT COUNT(*) FROM batches WHERE status = 'aborted'"
            ),
            1
        );
        assert_eq!(
            count(&conn, "SELECT COUNT(*) FROM versions"),
            count(&ledger(clean.path()), "SELECT COUNT(*) FROM versions"),
            "{stage}"
        );
        let outbox = std::fs::read_dir(d.join("out/luxi-2025/outbox"))
            .unwrap()
            .count();
        assert_eq!(
            outbox, clean_outbox,
            "{stage}: receipts and reminders once each"
        );
    }
}

#[test]
fn a_dry_run_writes_nothing() {
    let dir = demo_copy();
    let d = dir.path();
    let out = baosong(d, &["run", "--settle", "0", "--quiet", "--dry-run"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("演练模式"), "{stdout}");
    assert!(stdout.contains("县司法局"), "{stdout}");
    assert!(!d.join("out").exists(), "no report or mail in a dry run");
    assert!(
        !d.join("state").exists(),
        "no ledger, store or lock in a dry run"
    );
    // After a real batch, a dry run leaves its ledger as it was.
    run_ok(d, &[]);
    let versions = count(&ledger(d), "SELECT COUNT(*) FROM versions");
    put(d, "县司法局/活动总结.docx", &summary("县司法局活动总结"));
    let out = baosong(d, &["run", "--settle", "0", "--quiet", "--dry-run"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("县司法局"));
    assert_eq!(count(&ledger(d), "SELECT COUNT(*) FROM versions"), versions);
    assert_eq!(count(&ledger(d), "SELECT COUNT(*) FROM batches"), 1);
}

#[test]
fn a_broken_campaign_is_a_clear_error_with_its_own_exit_code() {
    let dir = campaign(
        &TOML.replace("min_count = 3", "min_count = \"three\""),
        &SCHEDULE,
    );
    let out = baosong(dir.path(), &["run"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("campaign.toml"), "{err}");

    let dir = campaign(
        &TOML.replace("县卫生健康局\"\naliases", "县卫生局\"\naliases"),
        &SCHEDULE,
    );
    let out = baosong(dir.path(), &["run"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("县卫生局"));
}

#[test]
fn init_writes_a_campaign_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("活动安排表.xlsx"),
        dir.path().join("安排表.xlsx"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .args(["init", "--schedule"])
        .arg(dir.path().join("安排表.xlsx"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("29个单位、36项活动"));
    std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
    // The demo's schedule is of 2025: judged at its own clock.
    let out = baosong(
        dir.path(),
        &["run", "--dry-run", "--quiet", "--now", "2025-06-13T20:00"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_rerun_decodes_nothing_and_a_new_photo_only_itself() {
    use baosong::campaign::Campaign;
    use baosong::pipeline::{Options, run};
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    put_unit(d, "县卫健局", 10, 3);
    put_unit(d, "县林业局", 20, 3);
    let batch_at = |now: &str| {
        let opts = Options {
            now: Some(now.parse().unwrap()),
            settle: Some(0),
            ..Options::default()
        };
        run(&Campaign::load(&d.join("campaign.toml")).unwrap(), &opts).unwrap()
    };
    let first = batch_at("2025-04-30T20:00:00+08:00");
    assert_eq!(first.timings.photos, 6, "every photo decoded once");
    assert_eq!(first.inspected, 8);

    // Later in the same hour: the report says the same, so it is kept.
    let again = batch_at("2025-04-30T20:37:12+08:00");
    assert_eq!((again.inspected, again.timings.photos), (0, 0));
    let kept = again.outputs.expect("the report is still published");
    assert!(kept.reused, "an unchanged report is not rendered again");
    assert_eq!(kept.pdf, first.outputs.as_ref().unwrap().pdf);
    // The next hour's report says another hour: made anew.
    let next_hour = batch_at("2025-04-30T21:05:00+08:00");
    assert!(
        !next_hour.outputs.unwrap().reused,
        "a new hour, a new report"
    );

    put(
        d,
        "县林业局/照片9.jpg",
        &photo(99, "2025:04:25 10:00:00", 800, 600),
    );
    let third = batch_at("2025-04-30T21:30:00+08:00");
    assert_eq!((third.inspected, third.timings.photos), (1, 1));
    assert!(
        !third.outputs.unwrap().reused,
        "a new photo renders the report"
    );
}

#[test]
fn photos_pasted_into_a_summary_count_toward_the_photos() {
    let dir = campaign(TOML, &SCHEDULE);
    let d = dir.path();
    let pasted: Vec<_> = (0..2)
        .map(|i| (photo(40 + i, "2025:04:25 10:00:00", 800, 600), 800, 600))
        .collect();
    let paragraphs = ["活动现场照片如下。".to_string()];
    let docx = baosong_generate::files::summary_docx("县林业局活动总结", &paragraphs, &pasted);
    put(d, "县林业局/活动总结.docx", &docx);
    put(
        d,
        "县林业局/现场.jpg",
        &photo(50, "2025:04:25 11:00:00", 800, 600),
    );
    // The same photo sent again as a file counts once.
    put(d, "县林业局/现场(1).jpg", &pasted[0].0);
    run_ok(d, &["--now", "2025-04-29T20:00"]);
    let s = status(d);
    assert_eq!(state(&s, "县林业局", "2", "summary"), "on_time");
    assert_eq!(state(&s, "县林业局", "2", "photos"), "on_time", "{s:#}");
}
