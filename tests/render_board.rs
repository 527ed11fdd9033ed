//! The status board as the office opens it, on both demos: every unit that
//! must act is named on the overview as Chromium renders it, every link and
//! image of every page resolves to a file inside the board's folder (so it
//! can be moved or served as it is), no page logs a console message or an
//! uncaught error, and a later batch hard-links the files the earlier one
//! published instead of copying them again.

mod campaign;
mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use campaign::{copy_tree, demo_copy, repo, run_ok, status};

/// The 泸溪 demo at its clock, with one more photo whose name is markup
/// (it must stay text on every page).
fn luxi() -> (tempfile::TempDir, PathBuf) {
    let dir = demo_copy();
    let forestry = dir.path().join("inbox/县林业局");
    let photo = std::fs::read_dir(&forestry)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .unwrap();
    std::fs::copy(&photo, forestry.join(HOSTILE)).unwrap();
    run_ok(dir.path(), &["--no-send"]);
    let board = dir.path().join("out/luxi-2025/latest");
    (dir, board)
}

/// A file name that would open a tag and run a script if not escaped.
const HOSTILE: &str = "活动照片\"><img src=x onerror=alert(1)>&amp;.jpg";

/// The 建昌 demo (`examples/jianchang-2023`) at its clock.
fn jianchang() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("examples/jianchang-2023"), dir.path());
    run_ok(dir.path(), &["--no-send"]);
    let board = dir.path().join("out/jianchang-2023/latest");
    (dir, board)
}

/// The units whose activities are overdue, late, incomplete or invalid.
fn units_needing_action(dir: &Path) -> Vec<String> {
    let s = status(dir);
    s["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            u["activities"].as_array().unwrap().iter().any(|a| {
                matches!(
                    a["state"].as_str(),
                    Some("overdue" | "late" | "incomplete" | "invalid")
                )
            })
        })
        .map(|u| u["unit"].as_str().unwrap().to_owned())
        .collect()
}

/// Chromium, or None (skipped; failing under CI) when it is not installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
        .or_else(|| {
            common::unavailable("未安装 chromium");
            None
        })
}

/// The page as Chromium leaves it after its scripts ran, and every console
/// message it logged (Chromium writes them to stderr as `…:CONSOLE:…]`).
fn load(chromium: &str, page: &Path) -> (String, Vec<String>) {
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium");
    assert!(
        out.status.success(),
        "chromium failed on {}",
        page.display()
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_owned)
        .collect();
    (String::from_utf8(out.stdout).unwrap(), console)
}

/// The values of every `href="…"` and `src="…"` of a page.
fn references(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for attr in [" href=\"", " src=\""] {
        for part in html.split(attr).skip(1) {
            refs.push(part[..part.find('"').unwrap()].to_owned());
        }
    }
    refs
}

/// What a reference inside the board names, decoded from HTML.
fn unescape(r: &str) -> String {
    r.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every page of a board, the overview first.
fn pages(board: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(board)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort_by_key(|p| !p.ends_with("index.html"));
    pages
}

/// Every link and image of every page is a relative path to a file inside
/// the board, and every page is for a phone too and in Chinese.
fn check_links(board: &Path) -> usize {
    let root = board.canonicalize().unwrap();
    let mut checked = 0;
    for page in pages(board) {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("<html lang=\"zh-CN\">"), "{}", page.display());
        assert!(html.contains("name=\"viewport\""), "{}", page.display());
        for r in references(&html) {
            let r = unescape(&r);
            assert!(
                !r.contains(':') && !r.starts_with('/') && !r.contains(".."),
                "{}: not a path inside the board: {r}",
                page.display()
            );
            let target = root.join(&r).canonicalize();
            assert!(
                target
                    .as_ref()
                    .is_ok_and(|t| t.starts_with(&root) && t.is_file()),
                "{}: {r} does not resolve to a file of the board",
                page.display()
            );
            checked += 1;
        }
    }
    checked
}

/// The overview names every unit that must act, its filter box came up
/// (its script ran), and no page logs anything to the console.
fn check_in_chromium(chromium: &str, board: &Path, acting: &[String]) {
    let (dom, console) = load(chromium, &board.join("index.html"));
    assert!(console.is_empty(), "index.html: {console:?}");
    for unit in acting {
        assert!(
            dom.contains(&format!(">{unit}</a>")),
            "{unit} is not named on the overview"
        );
    }
    assert!(
        dom.contains("<div id=\"filter\">"),
        "the filter box did not come up: its script did not run"
    );
    for page in ["office.html", "unit-1.html", "unit-2.html"] {
        let (dom, console) = load(chromium, &board.join(page));
        assert!(console.is_empty(), "{page}: {console:?}");
        assert!(dom.contains("<h2>"), "{page} is empty");
    }
}

#[test]
fn console_errors_are_caught() {
    // The check itself must be able to fail: a page with a failing script.
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(&page, "<!DOCTYPE html><p>x</p><script>nope();</script>").unwrap();
    let (_, console) = load(chromium, &page);
    assert!(
        console
            .iter()
            .any(|l| l.contains("Uncaught ReferenceError")),
        "{console:?}"
    );
}

#[test]
fn the_luxi_board_names_who_must_act_and_links_only_its_own_files() {
    let (dir, board) = luxi();
    let acting = units_needing_action(dir.path());
    assert!(acting.len() >= 8, "{acting:?}");
    assert!(check_links(&board) > 50, "too few links checked");
    // A unit page shows every file with its versions and the receipt sent.
    let unit = pages(&board)
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|html| html.contains("<h2>县林业局</h2>"))
        .expect("县林业局 has a page");
    assert!(unit.contains("第1版："), "versions listed");
    assert!(unit.contains("<img src=\"files/print/"), "photo thumbnails");
    assert!(unit.contains("回执"), "the receipt sent to it");
    let all: String = pages(&board)
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        all.contains("活动照片&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;.jpg"),
        "the markup in a file name is shown as text"
    );
    assert!(!all.contains("<img src=x"));
    let office = std::fs::read_to_string(board.join("office.html")).unwrap();
    assert!(
        office.contains("县气象局活动照片.jpg"),
        "the file of no unit"
    );
    if let Some(chromium) = chromium() {
        check_in_chromium(chromium, &board, &acting);
    }
}

#[test]
fn the_jianchang_board_names_who_must_act_and_links_only_its_own_files() {
    let (dir, board) = jianchang();
    let acting = units_needing_action(dir.path());
    assert!(acting.len() >= 10, "{acting:?}");
    assert!(check_links(&board) > 50, "too few links checked");
    // Files that came by e-mail say from whom and with what subject.
    let all: String = pages(&board)
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        all.contains("邮件（发件人："),
        "e-mail arrivals name the sender"
    );
    if let Some(chromium) = chromium() {
        check_in_chromium(chromium, &board, &acting);
    }
}

/// A later batch publishes a new folder; the files it links to are the
/// same files on disk as the earlier folder's, not new copies.
#[test]
fn a_later_batch_links_the_files_it_already_published() {
    let (dir, first) = luxi();
    let first = first.canonicalize().unwrap();
    run_ok(dir.path(), &["--no-send", "--now", "2025-06-14T20:00"]);
    let second = dir
        .path()
        .join("out/luxi-2025/latest")
        .canonicalize()
        .unwrap();
    assert_ne!(first, second, "a new report folder");
    let files: BTreeSet<PathBuf> = walk(&first.join("files"));
    assert!(files.len() > 20, "{}", files.len());
    for rel in &files {
        let (a, b) = (
            first.join("files").join(rel),
            second.join("files").join(rel),
        );
        let (a, b) = (a.metadata().unwrap(), b.metadata().unwrap());
        assert_eq!(
            (a.dev(), a.ino()),
            (b.dev(), b.ino()),
            "{} copied",
            rel.display()
        );
    }
}

/// The files under `dir`, relative to it.
fn walk(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out
}
