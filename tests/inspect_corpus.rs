//! Runs `check` over every row of `../shared/corpus/MANIFEST.tsv` and
//! asserts each verdict (`ok-with-warning` means `warning`).

mod common;

use baosong::cli::check;
use baosong::inspect::Limits;
use std::collections::HashMap;
use std::path::PathBuf;

/// Rows whose manifest verdict we are sure is wrong, with the evidence.
const EXCEPTIONS: [(&str, &str, &str); 4] = [
    (
        "images/ianare_Canon_40D.jpg",
        "warning",
        "the image is 100x68 px; issue 3 says images under 640 px on the long edge are flagged, \
         and the manifest row only looked at its camera EXIF",
    ),
    (
        "images/python-docx_monty-truth.png",
        "warning",
        "150x214 px, under the 640 px long-edge rule of issue 3",
    ),
    (
        "images/calamine_picture.png",
        "warning",
        "512x512 px, under the 640 px long-edge rule of issue 3",
    ),
    (
        "docx/poi_headerPic.docx",
        "reject",
        "word/document.xml holds one empty paragraph; the only content is a logo in header1.xml. \
         Issue 3: empty documents are flagged incomplete, not accepted",
    ),
];

#[test]
fn every_manifest_row_gets_its_verdict() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        common::unavailable("未找到共享语料 ../shared/corpus/MANIFEST.tsv");
        return;
    };
    let rows: Vec<(String, String)> = manifest
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let expected = cols[3].split(':').next().unwrap().trim();
            let expected = match expected {
                "ok-with-warning" => "warning",
                other => other,
            };
            (cols[0].to_string(), expected.to_string())
        })
        .collect();
    assert!(rows.len() >= 90, "manifest has {} rows", rows.len());

    let paths: Vec<PathBuf> = rows.iter().map(|(p, _)| corpus.join(p)).collect();
    let mut out = Vec::new();
    check::run(&paths, true, &Limits::default(), &mut out).unwrap();
    let mut got: HashMap<String, (String, String)> = HashMap::new();
    for line in String::from_utf8(out).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v.get("in").is_some() {
            continue;
        }
        let path = v["path"].as_str().unwrap().to_string();
        let verdict = v["verdict"].as_str().unwrap().to_string();
        let reason = v["reason"].as_str().unwrap_or("").to_string();
        got.insert(path, (verdict, reason));
    }

    let mut failures = Vec::new();
    for (path, expected) in &rows {
        let shown = corpus.join(path).to_string_lossy().into_owned();
        let (verdict, reason) = got.get(&shown).cloned().unwrap_or_default();
        let expected = EXCEPTIONS
            .iter()
            .find(|(p, _, _)| p == path)
            .map_or(expected.as_str(), |(_, v, _)| v);
        if verdict != expected {
            failures.push(format!(
                "{path}: expected {expected}, got {verdict} ({reason})"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
