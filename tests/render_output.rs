//! Publishing: the three files under `<out_root>/<stamp>/`, the `latest`
//! pointer, and what a failed run leaves behind (nothing).

mod common;

use std::path::Path;

use baosong::render::{
    DOCX_NAME, LATEST, Options, Outputs, PDF_NAME, RenderError, XLSX_NAME, write_all,
};
use baosong::report::Report;

/// `write_all` as the nightly batch calls it: the shipped fonts, and an
/// unchanged report kept rather than rendered again.
fn publish(report: &Report, out_root: &Path, stamp: &str) -> Result<Outputs, RenderError> {
    write_all(
        report,
        &common::board(),
        &Options::default(),
        out_root,
        stamp,
        false,
    )
}

fn latest_target(out_root: &Path) -> String {
    std::fs::read_link(out_root.join(LATEST))
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn write_all_publishes_three_files_and_the_board_and_moves_latest() {
    let Some(report) = common::fixture() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let out = out.path();

    let first = publish(&report, out, "20250613-2000").unwrap();
    assert_eq!(first.dir, out.join("20250613-2000"));
    assert_eq!(first.pdf, first.dir.join(PDF_NAME));
    assert_eq!(first.docx, first.dir.join(DOCX_NAME));
    assert_eq!(first.xlsx, first.dir.join(XLSX_NAME));
    assert!(first.missing_chars.is_empty(), "{:?}", first.missing_chars);
    assert!(
        first.fonts.iter().any(|f| f.starts_with("正文：")),
        "which faces were used: {:?}",
        first.fonts
    );
    let mut names: Vec<String> = std::fs::read_dir(&first.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The three files and the status board beside them, no temp files.
    let (board, files): (Vec<&String>, Vec<&String>) = names
        .iter()
        .partition(|n| n.ends_with(".html") || *n == "files");
    assert_eq!(
        files,
        [DOCX_NAME, PDF_NAME, XLSX_NAME],
        "no temp files left"
    );
    for page in ["index.html", "office.html", "unit-1.html", "files"] {
        assert!(board.iter().any(|n| *n == page), "{page}: {board:?}");
    }
    for name in &names {
        assert!(
            !name.contains([':', '?', '*', '"', '<', '>', '|', '\\']),
            "{name}"
        );
    }
    assert_eq!(latest_target(out), "20250613-2000");
    assert!(out.join(LATEST).join(PDF_NAME).is_file());

    // The same report the next time: its files are kept, not rendered again.
    let pdf_mtime = || std::fs::metadata(&first.pdf).unwrap().modified().unwrap();
    let before = pdf_mtime();
    let same = publish(&report, out, "20250613-2100").unwrap();
    assert!(same.reused);
    assert_eq!(same.pdf, first.pdf);
    assert_eq!(pdf_mtime(), before, "the kept PDF was not rewritten");
    assert!(!out.join("20250613-2100").exists());
    assert_eq!(latest_target(out), "20250613-2000");
    // Asked to, it renders anyway.
    let forced = write_all(
        &report,
        &common::board(),
        &Options::default(),
        out,
        "20250613-2130",
        true,
    )
    .unwrap();
    assert!(!forced.reused);
    assert_eq!(latest_target(out), "20250613-2130");

    // Another typography is another report.
    let compact = Options {
        typography: baosong::render::Typography::Compact,
        ..Options::default()
    };
    let other = write_all(
        &report,
        &common::board(),
        &compact,
        out,
        "20250613-2140",
        false,
    )
    .unwrap();
    assert!(!other.reused);

    // A report as of another hour is a new report.
    let mut next = report.clone();
    next.as_of += chrono::Duration::days(1);
    let second = publish(&next, out, "20250614-2000").unwrap();
    assert!(!second.reused);
    assert_eq!(latest_target(out), "20250614-2000");
    assert!(first.pdf.is_file(), "older reports stay");
    assert!(second.pdf.is_file());
    // The kept report's files must all be there to be reused.
    std::fs::remove_file(&second.xlsx).unwrap();
    let redone = publish(&next, out, "20250614-2000").unwrap();
    assert!(!redone.reused);
    assert!(redone.xlsx.is_file());
}

#[test]
fn a_failed_render_leaves_the_last_good_report_and_latest_alone() {
    let Some(mut report) = common::fixture() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let good = publish(&report, out.path(), "20250613-2000").unwrap();
    let good_pdf = std::fs::read(&good.pdf).unwrap();

    // A photo vanished from the state store: the PDF cannot be rendered.
    report.units[0].activities[0].photos[0].jpeg = out.path().join("gone.jpg");
    let err = publish(&report, out.path(), "20250614-2000").unwrap_err();
    assert!(err.to_string().contains("gone.jpg"), "{err}");
    assert!(
        !out.path().join("20250614-2000").exists(),
        "no half-written folder"
    );
    assert_eq!(latest_target(out.path()), "20250613-2000");
    assert_eq!(std::fs::read(&good.pdf).unwrap(), good_pdf);

    // A bad stamp is refused before anything is written.
    assert!(publish(&report, out.path(), "2025-06-14 20:00").is_err());
}

#[test]
fn characters_missing_from_the_font_are_reported() {
    let mut report = common::report(Vec::new());
    // U+2A6A5 (CJK Extension B) is in none of the shipped fonts.
    report.units[2].unit = "县𪚥务局".into();
    let out = tempfile::tempdir().unwrap();
    let outputs = publish(&report, out.path(), "20250613-2000").unwrap();
    assert_eq!(outputs.missing_chars, ['𪚥']);
}

#[test]
fn an_empty_campaign_still_renders() {
    let mut report = common::report(Vec::new());
    report.rows.clear();
    report.units.clear();
    report.awaiting.clear();
    report.overview = Default::default();
    report.situation = Default::default();
    report.office_tasks = Default::default();
    let out = tempfile::tempdir().unwrap();
    let outputs = publish(&report, out.path(), "20250613-2000").unwrap();
    assert!(outputs.pdf.is_file() && outputs.docx.is_file() && outputs.xlsx.is_file());
}

/// An office's own board template (the campaign's `templates/board/`) is
/// the one drawn; one that names a value no page has stops the render,
/// naming the template and line, and leaves the last report where it was.
#[test]
fn an_office_board_template_is_used_and_a_broken_one_is_named() {
    let report = common::report(Vec::new());
    let out = tempfile::tempdir().unwrap();
    let own = tempfile::tempdir().unwrap();
    std::fs::write(
        own.path().join("office.html"),
        "{% extends \"base.html\" %}{% block body %}<p>本办自定{{ ignored }}</p>{% endblock %}",
    )
    .unwrap();
    let options = Options {
        board: baosong::render::html::Templates::load(own.path()).unwrap(),
        ..Options::default()
    };
    let board = common::board();
    let good = write_all(
        &report,
        &board,
        &options,
        out.path(),
        "20250613-2000",
        false,
    )
    .unwrap();
    let office = std::fs::read_to_string(good.dir.join("office.html")).unwrap();
    assert!(office.contains("<p>本办自定0</p>"), "{office}");

    std::fs::write(
        own.path().join("office.html"),
        "{% extends \"base.html\" %}{% block body %}\n<p>{{ no_such_value }}</p>{% endblock %}",
    )
    .unwrap();
    let broken = Options {
        board: baosong::render::html::Templates::load(own.path()).unwrap(),
        ..Options::default()
    };
    let err = write_all(&report, &board, &broken, out.path(), "20250614-2000", false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("office.html") && err.contains("第2行"),
        "{err}"
    );
    assert_eq!(latest_target(out.path()), "20250613-2000");
    assert!(!out.path().join("20250614-2000").exists());
}
