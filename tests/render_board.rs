//! The status board as the office opens it, on both demos: every unit that
//! must act is named on the overview as Chromium renders it, every link and
//! image of every page resolves to a file inside the board's folder (so it
//! can be moved or served as it is), no page logs a console message or an
//! uncaught error, and a later batch hard-links the files the earlier one
//! published instead of copying them again. Laid out by Chromium on a
//! phone (390 px) and a desktop (1280 px), no page is wider than the
//! screen, unit names keep several characters a line, and 报送情况一览表
//! scrolls sideways with the unit column pinned and 总体 in full view;
//! screenshots of both widths are kept under the target's temp folder.

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

/// Headless Chromium with a profile of its own (kept until the command's
/// guard drops), nothing fetched from the network.
fn browser(chromium: &str) -> (Command, tempfile::TempDir) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    (cmd, profile)
}

/// The page as Chromium leaves it after its scripts ran, and every console
/// message it logged (Chromium writes them to stderr as `…:CONSOLE:…]`).
fn load(chromium: &str, page: &Path) -> (String, Vec<String>) {
    let (mut cmd, _profile) = browser(chromium);
    let out = cmd
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
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
    // The joint entry 附件1-4: its units stand differently (each owes its
    // own summary), so each has a row naming its partner.
    let index = std::fs::read_to_string(board.join("index.html")).unwrap();
    for partner in ["（与县乡村振兴局联合）", "（与县农业农村局联合）"] {
        assert_eq!(index.matches(partner).count(), 1, "{partner}");
    }
    assert!(index.contains("报送情况一览表（22场活动）"));
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

/// What a script run in a laid-out page measures: how wide the screen is,
/// how far the page runs past it, how many characters (em) the first line
/// of a unit's name that wraps holds at the fewest (`td.unit`), and
/// 报送情况一览表 scrolled to its end.
const MEASURE: &str = r#"(() => {
  const d = document.documentElement;
  // The widths of a cell's text lines, in em.
  const lines = el => {
    const r = document.createRange();
    r.selectNodeContents(el);
    const widths = new Map();
    for (const x of r.getClientRects()) {
      if (x.width > 0) widths.set(Math.round(x.top), (widths.get(Math.round(x.top)) || 0) + x.width);
    }
    const em = parseFloat(getComputedStyle(el).fontSize);
    return [...widths.values()].map(w => w / em);
  };
  const units = [...document.querySelectorAll('td.unit')].filter(c => c.textContent.trim());
  const wrapped = units.map(lines).filter(l => l.length > 1).map(l => l[0]);
  const out = {width: innerWidth, overflow: d.scrollWidth - d.clientWidth, units: units.length,
    chars_per_line: wrapped.length ? Math.min(...wrapped) : null, status: null};
  const table = document.querySelector('table.status');
  if (table && table.rows.length > 1) {
    const box = table.parentElement;
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    box.scrollLeft = box.scrollWidth;
    const b = box.getBoundingClientRect();
    const unit = table.rows[1].querySelector('.unit').getBoundingClientRect();
    const head = table.rows[0].cells[table.rows[0].cells.length - 1];
    const last = head.getBoundingClientRect();
    out.status = {scrolls, last: head.textContent,
      pinned: Math.abs(unit.left - b.left) <= 1.5,
      last_shown: last.left >= unit.right - 1 && last.right <= b.right + 1};
  }
  return out;
})()"#;

/// [`MEASURE`]'s findings.
#[derive(Debug, serde::Deserialize)]
struct Layout {
    width: f64,
    overflow: f64,
    units: usize,
    chars_per_line: Option<f64>,
    status: Option<StatusLayout>,
}

#[derive(Debug, serde::Deserialize)]
struct StatusLayout {
    /// The table is wider than its box.
    scrolls: bool,
    /// The last column's heading.
    last: String,
    /// Scrolled to its end, the unit column is still at the box's left.
    pinned: bool,
    /// Scrolled to its end, the last column is whole and beside the units.
    last_shown: bool,
}

/// A screen of `width` × `height` CSS px showing each of `pages` (copies
/// with `script` appended), one under the other, written into the pages'
/// folder; returns its path. Each page is an iframe of the screen's size:
/// Chromium's headless window is at least 500 px wide, and a page scrolled
/// at the top level screenshots blank.
fn screen(
    pages: &[&Path],
    (width, height): (u32, u32),
    script: &dyn Fn(usize) -> String,
) -> PathBuf {
    let dir = pages[0].parent().unwrap();
    let mut frames = String::new();
    for (i, page) in pages.iter().enumerate() {
        let html = std::fs::read_to_string(page).unwrap();
        let copy = html.replace("</body>", &format!("<script>{}</script></body>", script(i)));
        std::fs::write(dir.join(format!("_screen-{i}.html")), copy).unwrap();
        frames.push_str(&format!(
            "<iframe src=\"_screen-{i}.html\" style=\"width:{width}px;height:{height}px;border:0;display:block\"></iframe>"
        ));
    }
    let screen = dir.join("_screen.html");
    std::fs::write(
        &screen,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0;overflow:hidden\">{frames}</body></html>"
        ),
    )
    .unwrap();
    screen
}

/// Removes what [`screen`] wrote.
fn clear_screen(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("_screen")
        {
            std::fs::remove_file(p).unwrap();
        }
    }
}

/// Chromium showing `screen` in a window `size` large (scroll bars take no
/// room, as on a phone; file pages reach each other), with `args`.
fn show(chromium: &str, screen: &Path, (width, height): (u32, u32), args: &[String]) -> String {
    let (mut cmd, _profile) = browser(chromium);
    let out = cmd
        .args(["--allow-file-access-from-files", "--hide-scrollbars"])
        .arg(format!("--window-size={width},{height}"))
        .args(args)
        .arg(format!("file://{}", screen.display()))
        .output()
        .expect("chromium");
    clear_screen(screen.parent().unwrap());
    assert!(
        out.status.success(),
        "chromium failed on {}",
        screen.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Each of `pages` laid out on a screen `size` large, as [`MEASURE`] finds
/// it: each copy writes its findings into the framing page's `data-m<i>`.
fn lay_out(chromium: &str, pages: &[&Path], size: (u32, u32)) -> Vec<Layout> {
    let script = |i| format!("parent.document.body.dataset.m{i} = JSON.stringify({MEASURE});");
    let dom = show(
        chromium,
        &screen(pages, size, &script),
        size,
        &["--dump-dom".into()],
    );
    (0..pages.len())
        .map(|i| {
            let attr = dom
                .split(&format!("data-m{i}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| {
                    panic!("{}: the measuring script did not run", pages[i].display())
                });
            serde_json::from_str(&unescape(attr)).unwrap()
        })
        .collect()
}

/// A screenshot of `page` on a screen `size` large, `script` run in it first.
fn screenshot(chromium: &str, page: &Path, size: (u32, u32), script: &str, png: &Path) {
    let _ = std::fs::remove_file(png);
    let screen = screen(&[page], size, &|_| script.to_owned());
    show(
        chromium,
        &screen,
        size,
        &[format!("--screenshot={}", png.display())],
    );
    assert_eq!(png_width(png), size.0, "{}", png.display());
}

/// The width of a PNG, from its header.
fn png_width(png: &Path) -> u32 {
    let bytes = std::fs::read(png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{}", png.display());
    u32::from_be_bytes(bytes[16..20].try_into().unwrap())
}

/// A phone's screen and a desktop's.
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

/// Every page of `board` reads at a phone's width, the overview, the
/// office's and a unit's page at a desktop's (see the module's doc), and
/// screenshots of the overview, 一览表 and the office page at both are kept
/// as `<target tmp>/board-shots/<name>-<width>-….png`.
fn check_layout(chromium: &str, board: &Path, name: &str) {
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("board-shots");
    std::fs::create_dir_all(&shots).unwrap();
    for screen in [PHONE, DESKTOP] {
        let pages: Vec<PathBuf> = pages(board)
            .into_iter()
            .filter(|p| {
                screen == PHONE
                    || ["index.html", "office.html", "unit-1.html"]
                        .iter()
                        .any(|n| p.ends_with(n))
            })
            .collect();
        let refs: Vec<&Path> = pages.iter().map(PathBuf::as_path).collect();
        for (page, l) in pages.iter().zip(lay_out(chromium, &refs, screen)) {
            let file = page.file_name().unwrap().to_string_lossy().into_owned();
            let at = format!("{file} at {} px: {l:?}", screen.0);
            assert_eq!(l.width, f64::from(screen.0), "{at}");
            assert!(l.overflow <= 0.0, "wider than the screen: {at}");
            if let Some(chars) = l.chars_per_line {
                assert!(chars >= 4.0, "unit names wrap too often: {at}");
            }
            if file == "index.html" {
                assert!(l.units > 10, "{at}");
                let s = l.status.as_ref().expect("一览表");
                assert_eq!(s.last, "总体", "{at}");
                assert!(s.last_shown, "总体 cut off: {at}");
                assert!(!s.scrolls || s.pinned, "unit column not pinned: {at}");
                assert_eq!(s.scrolls, screen == PHONE, "{at}");
            }
        }
        for (page, script, what) in [
            ("index.html", "", "overview"),
            (
                "index.html",
                "document.getElementById('status').scrollIntoView()",
                "status",
            ),
            ("office.html", "", "office"),
        ] {
            let png = shots.join(format!("{name}-{}-{what}.png", screen.0));
            screenshot(chromium, &board.join(page), screen, script, &png);
        }
    }
}

#[test]
fn the_boards_read_on_a_phone_and_a_desktop() {
    let Some(chromium) = chromium() else { return };
    let (_luxi, board) = luxi();
    check_layout(chromium, &board, "luxi");
    let (_jianchang, board) = jianchang();
    check_layout(chromium, &board, "jianchang");
}

/// The layout check itself must be able to fail: a wide table with no box
/// to scroll in and a unit column two characters wide.
#[test]
fn a_board_too_wide_for_a_phone_is_caught() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("index.html");
    let cells: String = (0..12)
        .map(|i| format!("<td style=\"white-space:nowrap\">第{i}项材料按时报送</td>"))
        .collect();
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><body><table class=\"status\">\
             <tr><th>序号</th><th class=\"unit\">单位</th>{cells}<th>总体</th></tr>\
             <tr><td>1</td><td class=\"unit\" style=\"width:2em\">县人力资源和社会保障局</td>{cells}<td>逾期未报</td></tr>\
             </table></body></html>"
        ),
    )
    .unwrap();
    let l = lay_out(chromium, &[&page], PHONE).remove(0);
    assert!(l.overflow > 0.0, "{l:?}");
    assert!(l.chars_per_line.unwrap() < 4.0, "{l:?}");
    let s = l.status.unwrap();
    assert!(!s.pinned && !s.last_shown, "{s:?}");
}
