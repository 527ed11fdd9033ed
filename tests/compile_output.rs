//! Publishing: the three files under `<out_root>/<stamp>/`, the `latest`
//! pointer, and what a failed run leaves behind (nothing).

mod common;

use std::path::{Path, PathBuf};

use baosong::compile::{
    CompileError, DOCX_NAME, Fonts, LATEST, Outputs, PDF_NAME, XLSX_NAME, write_all,
};
use baosong::report::Report;

/// `write_all` as the nightly batch calls it: the bundled font, and an
/// unchanged report kept rather than rendered again.
fn publish(report: &Report, out_root: &Path, stamp: &str) -> Result<Outputs, CompileError> {
    write_all(report, out_root, stamp, &Fonts::default(), false)
}

fn latest_target(out_root: &Path) -> String {
    std::fs::read_link(out_root.join(LATEST))
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Left in the target's temp dir so `docs/README.md` can render the fixture.
fn fixture_out_root() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-report");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    root
}

#[test]
fn write_all_publishes_three_files_and_moves_latest() {
    let Some(report) = common::fixture() else {
        return;
    };
    let out = fixture_out_root();
    let out = out.as_path();
    let fonts = Fonts::default();

    let first = publish(&report, out, "20250613-2000").unwrap();
    assert_eq!(first.dir, out.join("20250613-2000"));
    assert_eq!(first.pdf, first.dir.join(PDF_NAME));
    assert_eq!(first.docx, first.dir.join(DOCX_NAME));
    assert_eq!(first.xlsx, first.dir.join(XLSX_NAME));
    assert!(first.missing_chars.is_empty(), "{:?}", first.missing_chars);
    let mut names: Vec<String> = std::fs::read_dir(&first.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [DOCX_NAME, PDF_NAME, XLSX_NAME],
        "no temp files left"
    );
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
    let forced = write_all(&report, out, "20250613-2130", &fonts, true).unwrap();
    assert!(!forced.reused);
    assert_eq!(latest_target(out), "20250613-2130");

    // A report as of another hour is a new report.
    let mut next = report.clone();
    next.as_of.push_str("（次日）");
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
    // U+2A6A5 (CJK Extension B) is outside GBK and outside WenQuanYi Micro Hei.
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
    report.overview = Default::default();
    report.appendix = Default::default();
    let out = tempfile::tempdir().unwrap();
    let outputs = publish(&report, out.path(), "20250613-2000").unwrap();
    assert!(outputs.pdf.is_file() && outputs.docx.is_file() && outputs.xlsx.is_file());
}

/// Prints size and time of each renderer (`cargo test --release --test
/// compile_output timings -- --nocapture` for figures worth quoting).
#[test]
fn timings() {
    let Some(report) = common::fixture() else {
        return;
    };
    let fonts = Fonts::default();
    let time = |name: &str, render: &dyn Fn() -> Vec<u8>| {
        let start = std::time::Instant::now();
        let bytes = render();
        eprintln!("{name}：{} 字节，{:?}", bytes.len(), start.elapsed());
        assert!(!bytes.is_empty());
    };
    time("PDF", &|| {
        baosong::compile::pdf::render(&report, &fonts).unwrap()
    });
    let text_only = common::report(Vec::new());
    time("PDF（无照片）", &|| {
        baosong::compile::pdf::render(&text_only, &fonts).unwrap()
    });
    time("DOCX", &|| {
        baosong::compile::docx::render(&report, &fonts).unwrap()
    });
    time("XLSX", &|| baosong::compile::xlsx::render(&report).unwrap());
}
