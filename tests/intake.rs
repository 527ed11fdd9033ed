//! Intake through the real `baosong` binary, on real files: entries of
//! containers inside containers count like direct files, a resubmitted
//! container retires only what it no longer holds.

mod campaign;

use std::path::Path;

use baosong::generate::files;
use campaign::*;

/// 县司法局's summary and three photos of its 5 May activity (seq 3 of the
/// demo, due 9 June).
fn justice_files() -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(
        "县司法局活动总结.docx".to_string(),
        summary("县司法局活动总结"),
    )];
    for i in 0..3 {
        out.push((
            format!("活动照片{i}.jpg"),
            photo(70 + i, "2025:05:05 10:00:00", 800, 600),
        ));
    }
    out
}

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

fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join("inbox").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
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
    let direct = justice_state("县司法局报送.eml", &justice_mail(&justice_files()));
    assert_eq!(
        (direct.0.as_str(), direct.1.as_str()),
        ("on_time", "on_time")
    );
    assert_eq!(direct.2.len(), 4, "{:?}", direct.2);

    // E-mail → zip → files: the e-mail's Received time still counts.
    let zipped = files::zip(&justice_files());
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
    let mut all = justice_files();
    let inner_photo = (
        "照片9.jpg".to_string(),
        photo(79, "2025:05:05 11:00:00", 800, 600),
    );
    let inner = files::zip(&[inner_photo.clone()]);
    all.push(("内层.zip".to_string(), inner));
    put(d, "县司法局材料.zip", &files::zip(&all));
    run_ok(d, &["--now", "2025-06-06T20:00"]);
    let (live, gone) = live_and_gone(d);
    assert_eq!(live.len(), 7, "{live:?}"); // the zip, 4 files, the inner zip and its photo
    assert!(gone.is_empty(), "{gone:?}");

    // The second version drops one photo and the inner zip's photo.
    let mut fewer = justice_files();
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
