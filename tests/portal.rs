//! The portal 专栏 drafts on the demo campaign, through the real binary:
//! well-formed HTML with plain tags and no script, 2–4 photos at most
//! 1080 px wide, none of the template's placeholder text, and a draft
//! whose inputs did not change is not written again.

mod campaign;

use std::path::{Path, PathBuf};

use campaign::*;
use quick_xml::Reader;
use quick_xml::events::Event;

fn portal(dir: &Path) -> PathBuf {
    dir.join("out/luxi-2025/portal")
}

fn articles(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(portal(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.join("article.html"))
        .collect();
    out.sort();
    out
}

/// Parses `html` as XML (it must be well-formed); returns the element
/// names and the `src` of every image.
fn parse(html: &str) -> (Vec<String>, Vec<String>) {
    let mut reader = Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let (mut tags, mut images) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.name().as_ref().to_string();
                if name == "img" {
                    let src = e.try_get_attribute("src").unwrap().unwrap();
                    images.push(src.value.into_owned());
                }
                tags.push(name);
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    (tags, images)
}

fn index_state(dir: &Path, unit: &str) -> String {
    let index = std::fs::read_to_string(portal(dir).join("index.html")).unwrap();
    let row = index
        .lines()
        .find(|l| l.starts_with("<tr><td>") && l.contains(unit))
        .unwrap_or_else(|| panic!("{unit} not in the index"));
    row.rsplit("<td>")
        .next()
        .unwrap()
        .trim_end_matches("</td></tr>")
        .to_string()
}

#[test]
fn drafts_of_the_demo_are_plain_html_with_web_photos() {
    let dir = demo_copy();
    let d = dir.path();
    run_ok(d, &[]);
    let list = articles(d);
    // 5 activities complete on time, 3 late: each has an accepted summary.
    assert!(list.len() >= 5, "{list:?}");
    let (tags, _) = parse(&std::fs::read_to_string(portal(d).join("index.html")).unwrap());
    assert!(tags.contains(&"table".to_string()));
    for article in &list {
        let html = std::fs::read_to_string(article).unwrap();
        assert!(html.contains("<html lang=\"zh-CN\">"));
        let (tags, images) = parse(&html);
        for tag in &tags {
            assert!(
                [
                    "html",
                    "head",
                    "meta",
                    "title",
                    "body",
                    "h1",
                    "p",
                    "figure",
                    "img",
                    "figcaption"
                ]
                .contains(&tag.as_str()),
                "{}: <{tag}> is not a plain tag",
                article.display()
            );
        }
        assert_eq!(tags.iter().filter(|t| *t == "h1").count(), 1);
        assert!(
            (2..=4).contains(&images.len()),
            "{}: {} photos",
            article.display(),
            images.len()
        );
        for src in &images {
            let photo = article.parent().unwrap().join(src);
            let (w, _) = image::image_dimensions(&photo).unwrap();
            assert!(w <= 1080, "{} is {w} px wide", photo.display());
        }
        for placeholder in baosong::inspect::PLACEHOLDERS {
            assert!(!html.contains(placeholder), "{}", article.display());
        }
        assert!(!html.contains("<script"));
    }
    // 县财政局 first sent an unfilled template: only its filled-in
    // resubmission is in the draft.
    let finance = list
        .iter()
        .find(|p| p.to_string_lossy().contains("县财政局"))
        .expect("县财政局's draft");
    assert!(!std::fs::read_to_string(finance).unwrap().contains("此处"));

    // Nothing changed: nothing written again, every draft 未变.
    let before: Vec<_> = list
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    run_ok(d, &[]);
    let after: Vec<_> = list
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    assert_eq!(before, after, "unchanged drafts were rewritten");
    assert_eq!(index_state(d, "县公安局"), "未变");

    // A corrected summary from 县卫健局: only its draft is made again.
    std::fs::write(
        d.join("inbox/县卫健局/饮用水安全宣传活动总结.docx"),
        summary("县卫生健康局“饮用水安全宣传”活动总结"),
    )
    .unwrap();
    run_ok(d, &[]);
    assert_eq!(index_state(d, "县卫生健康局"), "自昨晚以来有变化");
    assert_eq!(index_state(d, "县公安局"), "未变");
}
