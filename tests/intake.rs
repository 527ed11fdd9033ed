//! Intake through the real `baosong` binary, on real files: entries of
//! containers inside containers count like direct files, a resubmitted
//! container retires only what it no longer holds.

mod campaign;

use std::path::Path;

use baosong_generate::files;
use campaign::*;

/// An e-mail from 县司法局 received on 5 June, before the deadline.
fn justice_mail(attachments: &[(String, Vec<u8>)]) -> Vec<u8> {
    files::eml(
        ("县司法局", "sfj@example.gov.cn"),
        "lxxzspfwj@example.gov.cn",
        "县司法局报送政务公开日活动材料",
        "Thu, 05 Jun 2025 10:00:00 +0800",
        "请查收。",
        attachments,
    )
}

/// The demo at 6 June (before 县司法局's deadline) with `name` added to
/// its inbox; 县司法局's summary and photo states and counted files.
fn justice_state(name: &str, bytes: &[u8]) -> (String, String, Vec<String>) {
    let dir = demo_copy();
    let d = dir.path();
    put(d, name, bytes);
    run_ok(d, &["--now", "2025-06-06T20:00"]);
    let s = status(d);
    let files = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "县司法局")
        .unwrap()["activities"][0]["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["files"].as_array().unwrap().clone())
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    (
        state(&s, "县司法局", "3", "summary"),
        state(&s, "县司法局", "3", "photos"),
        files,
    )
}

#[test]
fn entries_of_nested_containers_count_like_direct_files() {
    let direct = justice_state("县司法局报送.eml", &justice_mail(&justice_materials(70)));
    assert_eq!(
        (direct.0.as_str(), direct.1.as_str()),
        ("on_time", "on_time")
    );
    assert_eq!(direct.2.len(), 4, "{:?}", direct.2);

    // E-mail → zip → files: the e-mail's Received time still counts.
    let zipped = files::zip(&justice_materials(70));
    let mail_zip = justice_state(
        "县司法局报送.eml",
        &justice_mail(&[("县司法局材料.zip".to_string(), zipped.clone())]),
    );
    assert_eq!(
        (mail_zip.0.as_str(), mail_zip.1.as_str()),
        ("on_time", "on_time")
    );
    assert_eq!(mail_zip.2.len(), 4, "{:?}", mail_zip.2);
    assert!(
        mail_zip.2.iter().all(|f| f.contains("县司法局材料.zip!/")),
        "{:?}",
        mail_zip.2
    );

    // Zip → zip → files.
    let zip_zip = justice_state(
        "县司法局材料.zip",
        &files::zip(&[("内层/县司法局材料.zip".to_string(), zipped)]),
    );
    assert_eq!(
        (zip_zip.0.as_str(), zip_zip.1.as_str()),
        ("on_time", "on_time")
    );
    assert_eq!(zip_zip.2.len(), 4, "{:?}", zip_zip.2);
}

/// Paths of the ledger's files that are not gone, and those that are.
fn live_and_gone(dir: &Path) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap();
    let paths = |gone: bool| -> Vec<String> {
        let sql = format!(
            "SELECT path FROM files WHERE path LIKE '县司法局材料.zip%' AND gone_batch IS {} NULL ORDER BY path",
            if gone { "NOT" } else { "" }
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    (paths(false), paths(true))
}

#[test]
fn a_resubmitted_container_retires_only_what_it_no_longer_holds() {
    let dir = demo_copy();
    let d = dir.path();
    let mut all = justice_materials(70);
    let inner = files::zip(&[(
        "照片9.jpg".to_string(),
        photo(79, "2025:05:05 11:00:00", 800, 600),
    )]);
    all.push(("内层.zip".to_string(), inner));
    put(d, "县司法局材料.zip", &files::zip(&all));
    run_ok(d, &["--now", "2025-06-06T20:00"]);
    let (live, gone) = live_and_gone(d);
    assert_eq!(live.len(), 7, "{live:?}"); // the zip, 4 files, the inner zip and its photo
    assert!(gone.is_empty(), "{gone:?}");

    // The second version drops one photo and the inner zip's photo.
    let mut fewer = justice_materials(70);
    fewer.remove(3);
    fewer.push(("内层.zip".to_string(), files::zip(&[])));
    put(d, "县司法局材料.zip", &files::zip(&fewer));
    run_ok(d, &["--now", "2025-06-07T20:00"]);
    let (live, gone) = live_and_gone(d);
    assert_eq!(
        gone,
        vec![
            "县司法局材料.zip!/内层.zip!/照片9.jpg".to_string(),
            "县司法局材料.zip!/活动照片2.jpg".to_string(),
        ]
    );
    assert_eq!(live.len(), 5, "{live:?}");
    assert_eq!(
        state(&status(d), "县司法局", "3", "photos"),
        "incomplete",
        "two photos left"
    );

    // Touched (same content, new times): nothing comes back, nothing goes.
    let path = d.join("inbox/县司法局材料.zip");
    filetime::set_file_mtime(&path, filetime::FileTime::now()).unwrap();
    run_ok(d, &["--now", "2025-06-08T20:00"]);
    assert_eq!(live_and_gone(d), (live, gone));
}

/// A 42.zip-style bomb, 15 KB on disk: four levels of 16, 69,904 entries,
/// 65,536 leaves of 64 KB of zeros (each under the per-entry ratio check's
/// threshold, every archive within its own limits); only the budget of the
/// submitted file stops it.
fn nested_bomb() -> Vec<u8> {
    let leaf = vec![0u8; 64 * 1024];
    let mut level: Vec<(String, Vec<u8>)> = (0..16)
        .map(|i| (format!("活动照片{i}.jpg"), leaf.clone()))
        .collect();
    for depth in 0..3 {
        let zip = files::zip(&level);
        level = (0..16)
            .map(|i| (format!("第{depth}层_{i}.zip"), zip.clone()))
            .collect();
    }
    files::zip(&level)
}

#[test]
fn a_nested_bomb_is_refused_once_as_a_whole() {
    let dir = demo_copy();
    let d = dir.path();
    let bomb = nested_bomb();
    assert!(bomb.len() < 64 << 10, "{} bytes on disk", bomb.len());
    put(d, "县司法局/县司法局活动照片.zip", &bomb);
    run_ok(d, &["--now", "2025-06-06T20:00"]);
    let s = status(d);
    let invalid: Vec<&serde_json::Value> = s["invalid"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["path"].as_str().unwrap().starts_with("县司法局/"))
        .collect();
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let reason = invalid[0]["reason"].as_str().unwrap();
    assert!(reason.contains("5000"), "{reason}");
    let conn = rusqlite::Connection::open(d.join("state/ledger.sqlite")).unwrap();
    let entries: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM files WHERE path LIKE '县司法局/%!/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(entries, 0, "none of its entries is kept");
    // The unit's receipt names the file once.
    let receipt = mail_body(d, "-receipt-", "县司法局");
    assert_eq!(
        receipt.matches("县司法局活动照片.zip").count(),
        1,
        "{receipt}"
    );
    assert!(receipt.len() < 4000, "{} bytes", receipt.len());
}

/// The text body of the one outbox message whose file name has `kind` and
/// whose body mentions `about`.
fn mail_body(dir: &Path, kind: &str, about: &str) -> String {
    let bodies: Vec<String> = std::fs::read_dir(dir.join("out/luxi-2025/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(kind))
        .filter_map(|p| {
            let raw = std::fs::read(p).unwrap();
            let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let body = msg.body_text(0).unwrap().into_owned();
            body.contains(about).then_some(body)
        })
        .collect();
    assert_eq!(bodies.len(), 1, "{kind} about {about}");
    bodies.into_iter().next().unwrap()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn leftovers_are_removed_and_the_state_is_private_whatever_the_umask() {
    let dir = demo_copy();
    let d = dir.path();
    run_ok(d, &[]);
    // A batch killed between writing and renaming left these.
    let leftovers = [
        d.join("state/blobs/ab/.baosong-Xy12Ab.tmp"),
        d.join("state/derived/.baosong-Qw34Er.tmp"),
        d.join("out/luxi-2025/.baosong-Zx56Cv.tmp"),
        d.join("out/luxi-2025/outbox/.baosong-Bn78Mm.tmp"),
    ];
    for tmp in &leftovers {
        std::fs::create_dir_all(tmp.parent().unwrap()).unwrap();
        std::fs::write(tmp, vec![0u8; 3 << 20]).unwrap();
    }
    // A permissive umask, and a state folder an older version left open.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("state"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        d.join("state/ledger.sqlite"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    put(
        d,
        "县司法局/县司法局活动总结.docx",
        &summary("县司法局活动总结"),
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_baosong"))
        .arg("-C")
        .arg(d)
        .args(["run", "--quiet", "--settle", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for tmp in &leftovers {
        assert!(!tmp.exists(), "{} left", tmp.display());
    }
    assert_eq!(mode(&d.join("state")), 0o700);
    for file in [
        "ledger.sqlite",
        "ledger.sqlite-wal",
        "ledger.sqlite-shm",
        "baosong.lock",
    ] {
        let path = d.join("state").join(file);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    // What this batch stored: folders 0700, files 0600.
    let conn = rusqlite::Connection::open(d.join("state/ledger.sqlite")).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT hash FROM versions v JOIN files f ON f.id = v.file_id WHERE f.path LIKE '县司法局/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let blob = d.join("state/blobs").join(&hash[..2]).join(&hash);
    assert_eq!(mode(&blob), 0o600);
    assert_eq!(mode(blob.parent().unwrap()), 0o700);
    for entry in walkdir::WalkDir::new(d.join("state/inspections")) {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().is_dir() && path.ends_with(&hash[..2]) {
            assert_eq!(mode(path), 0o700, "{}", path.display());
        }
    }
}

#[test]
fn odd_names_and_special_files_reach_no_mail_verbatim() {
    let dir = demo_copy();
    let d = dir.path();
    // A name with a forged line and a terminal escape, in a unit's folder,
    // and one no unit can be found for.
    let forged = "县林业局/现场\r\n抄送：全体领导\u{1b}[31m.jpg";
    put(d, forged, &photo(91, "2025:05:30 10:00:00", 800, 600));
    put(
        d,
        "无名\u{1b}]0;x\u{7}.jpg",
        &photo(92, "2025:05:30 10:00:00", 800, 600),
    );
    let fifo = d.join("inbox/县林业局/正在传输.jpg");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // A named pipe would block a reader forever: the batch must not open it.
    run_ok(d, &[]);

    let receipt = mail_body(d, "-receipt-", "县林业局");
    assert!(
        receipt.contains("现场\u{FFFD}\u{FFFD}抄送：全体领导\u{FFFD}[31m.jpg"),
        "{receipt}"
    );
    let digest = mail_body(d, "-digest-", "处理情况如下");
    for body in [&receipt, &digest] {
        // Line ends are CRLF in a mail; a lone CR is a forged line.
        let lines = body.replace("\r\n", "\n");
        assert!(!lines.contains(['\u{1b}', '\r', '\u{7}']), "{lines:?}");
    }
    assert!(digest.contains("无名\u{FFFD}]0;x\u{FFFD}.jpg"), "{digest}");
    assert!(
        digest.contains("县林业局/正在传输.jpg（命名管道）"),
        "{digest}"
    );
    let s = status(d);
    let text = s.to_string();
    assert!(!text.contains("\\u001b") && !text.contains("\\r"), "{text}");
    assert!(
        s["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("正在传输.jpg：命名管道")),
        "{:?}",
        s["warnings"]
    );
    // And the office's terminal table.
    let shown = baosong(d, &["status"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(!shown.contains('\u{1b}'), "{shown}");
}

/// Every unit × activity × deliverable state of a status.
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

/// The kinds of the messages queued after outbox id `after`.
fn queued_after(dir: &Path, after: i64) -> Vec<String> {
    let conn = rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT kind FROM notify_outbox WHERE id > ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([after], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn last_outbox_id(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap();
    conn.query_row("SELECT COALESCE(MAX(id), 0) FROM notify_outbox", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// Each content the inbox holds now (files not gone) with its arrival.
fn arrivals(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let conn = rusqlite::Connection::open(dir.join("state/ledger.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT v.hash, MIN(v.arrived_at) FROM versions v JOIN files f ON f.id = v.file_id
             WHERE f.gone_batch IS NULL GROUP BY v.hash",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn moving_renaming_and_re_copying_inside_the_inbox_is_no_resubmission() {
    let dir = demo_copy();
    let d = dir.path();
    run_ok(d, &[]);
    let before = states(&status(d));
    let arrived = arrivals(d);
    let mail = last_outbox_id(d);
    assert!(queued_after(d, 0).iter().any(|k| k == "receipt"));

    // The clerk tidies the inbox as clerks do.
    let inbox = d.join("inbox");
    std::fs::create_dir_all(inbox.join("已处理/县交通运输局")).unwrap();
    // A unit's folder and the saved e-mails moved whole.
    std::fs::rename(inbox.join("县民政局"), inbox.join("已处理/县民政局")).unwrap();
    std::fs::rename(inbox.join("邮件"), inbox.join("已处理/邮件")).unwrap();
    // A zip moved, a file renamed, a file moved into another folder.
    std::fs::rename(
        inbox.join("潭溪镇报送材料.zip"),
        inbox.join("已处理/潭溪镇报送材料.zip"),
    )
    .unwrap();
    std::fs::rename(
        inbox.join("县林业局/活动照片1.jpg"),
        inbox.join("县林业局/县林业局活动照片（第一张）.jpg"),
    )
    .unwrap();
    std::fs::rename(
        inbox.join("县交通运输局/路政宣传月活动总结.docx"),
        inbox.join("已处理/县交通运输局/路政宣传月活动总结.docx"),
    )
    .unwrap();
    // Re-copied: a fresh copy (new mtime and ctime), the original deleted.
    std::fs::copy(
        inbox.join("县卫健局/活动照片2.jpg"),
        inbox.join("县卫健局/活动照片2（复制）.jpg"),
    )
    .unwrap();
    std::fs::remove_file(inbox.join("县卫健局/活动照片2.jpg")).unwrap();

    // Right after the tidying, every moved file changed within the settle
    // window: none is taken for a file still arriving.
    let out = baosong(d, &["run", "--settle", "3600", "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = status(d);
    assert_eq!(
        s["receiving"].as_array().unwrap().len(),
        0,
        "{}",
        s["receiving"]
    );
    assert_eq!(states(&s), before, "a state changed after the tidying");
    // Later, the same: no message to a unit, no state changed, every
    // content with its first arrival.
    run_ok(d, &[]);
    assert_eq!(states(&status(d)), before);
    let queued = queued_after(d, mail);
    assert!(
        queued.iter().all(|k| k == "digest"),
        "messages after tidying the inbox: {queued:?}"
    );
    assert_eq!(arrivals(d), arrived);
    // The office's digest counts no new file.
    let digests: Vec<String> = std::fs::read_dir(d.join("out/luxi-2025/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("-digest-"))
        .map(|p| {
            let raw = std::fs::read(p).unwrap();
            let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
            msg.body_text(0).unwrap().into_owned()
        })
        .collect();
    assert_eq!(digests.len(), 3);
    assert_eq!(
        digests
            .iter()
            .filter(|b| b.contains("新收文件：0个"))
            .count(),
        2,
        "{digests:?}"
    );
}

#[test]
fn hidden_files_are_counted_and_named_in_the_digest() {
    let dir = demo_copy();
    let d = dir.path();
    put(
        d,
        "县司法局/.县司法局活动总结.docx",
        &summary("县司法局活动总结"),
    );
    put(
        d,
        ".同步/县司法局活动照片.jpg",
        &photo(5, "2025:05:05 10:00:00", 800, 600),
    );
    run_ok(d, &[]);
    let s = status(d);
    // The demo's lock file, the hidden file and the hidden folder.
    assert_eq!(s["ignored"], 3, "{}", s["ignored"]);
    let digest = mail_body(d, "-digest-", "处理情况如下");
    assert!(
        digest.contains("县司法局/.县司法局活动总结.docx（隐藏文件，未处理）"),
        "{digest}"
    );
    assert!(digest.contains(".同步（隐藏文件夹，未处理）"), "{digest}");
    assert!(digest.contains("（锁文件，未处理）"), "{digest}");
}

/// `bytes`, a JPEG, made a different file by a comment segment after SOI.
fn variant(jpeg: &[u8], n: u32) -> Vec<u8> {
    let comment = format!("baosong test {n}");
    let len = (comment.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn a_zip_of_many_photos_over_the_time_budget_is_refused_once_naming_the_limit() {
    use baosong::campaign::Campaign;
    use baosong::pipeline::{Options, run};
    let dir = demo_copy();
    let d = dir.path();
    let toml = d.join("campaign.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("[limits]\n", "[limits]\nmax_seconds_per_file = 1\n");
    std::fs::write(&toml, text).unwrap();
    // Decoding 200 photos of 1600×1200 takes seconds on any machine.
    let base = photo(7, "2025:05:05 10:00:00", 1600, 1200);
    let photos: Vec<(String, Vec<u8>)> = (0..200)
        .map(|i| (format!("活动照片{i:03}.jpg"), variant(&base, i)))
        .collect();
    put(d, "县司法局/县司法局活动照片.zip", &files::zip(&photos));
    let opts = Options {
        settle: Some(0),
        ..Options::default()
    };
    let batch = || run(&Campaign::load(&toml).unwrap(), &opts).unwrap();
    let first = batch();
    assert!(first.inspected < 200, "{} inspected", first.inspected);
    let s = status(d);
    let refused: Vec<&serde_json::Value> = s["invalid"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["path"] == "县司法局/县司法局活动照片.zip")
        .collect();
    assert_eq!(refused.len(), 1, "{}", s["invalid"]);
    let reason = refused[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("1秒") && reason.contains("max_seconds_per_file"),
        "{reason}"
    );
    assert!(!reason.contains('\n'), "one line: {reason}");
    // The batch went on: the other units are judged as ever.
    assert_eq!(state(&s, "县林业局", "9", "photos"), "on_time");
    // Refused once: the next batch does not read it again.
    assert_eq!(batch().inspected, 0);
}

/// A run's scratch work stays inside the campaign: nothing in the system's
/// temporary folder, nothing left in `state/tmp` after a run.
#[test]
fn a_run_and_a_dry_run_write_nothing_to_the_system_temporary_folder() {
    let dir = demo_copy();
    let d = dir.path();
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
            .arg("-C")
            .arg(d)
            .args(args)
            .env("TMPDIR", tmp.path())
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["run", "--settle", "0", "--quiet", "--dry-run"]);
    assert!(!d.join("state").exists());
    run(&["run", "--settle", "0", "--quiet"]);
    run(&["archive", "--at", "2025-06-13T20:00"]);
    put(
        d,
        "县司法局/县司法局活动总结.docx",
        &summary("县司法局活动总结"),
    );
    run(&["run", "--settle", "0", "--quiet", "--dry-run"]);
    let left: Vec<_> = walkdir::WalkDir::new(tmp.path())
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let scratch: Vec<_> = std::fs::read_dir(d.join("state/tmp"))
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(scratch.is_empty(), "{scratch:?}");
    assert!(d.join("out/luxi-2025/archive").exists());
}
