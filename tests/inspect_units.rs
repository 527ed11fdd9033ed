//! Focused tests per kind, on the fixtures in `tests/fixtures/inspect/`
//! and on files built here.

use baosong::inspect::{
    Block, Content, FileKind, Inspected, Limits, Verdict, inspect, inspect_nested,
};
use chrono::NaiveDate;
use std::io::{Cursor, Write};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inspect")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn inspect_fixture(name: &str) -> Inspected {
    inspect(name, &fixture(name), &Limits::default())
}

fn child_names(got: &Inspected) -> Vec<&str> {
    got.children.iter().map(|c| c.path.as_str()).collect()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn gbk_zip_names_decode() {
    let got = inspect_fixture("县教育局报送材料_GBK文件名.zip");
    assert_eq!(got.inspection.verdict, Verdict::Ok, "{:?}", got.inspection);
    assert!(
        child_names(&got).contains(&"县教育局活动总结.docx"),
        "{:?}",
        child_names(&got)
    );
    assert!(child_names(&got).contains(&"活动照片1.jpg"));
    assert!(got.children.iter().all(|c| c.depth == 1));
}

#[test]
fn raw_gbk_zip_names_decode() {
    // Written with an ASCII placeholder of the same byte length (no UTF-8
    // flag), then the placeholder replaced by the GBK bytes.
    let (gbk, _, _) = encoding_rs::GBK.encode("县教育局活动总结.docx");
    let placeholder = format!("{}.docx", "a".repeat(gbk.len() - 5));
    let mut zip = zip_of(&[(&placeholder, b"x")]);
    let at: Vec<usize> = zip
        .windows(placeholder.len())
        .enumerate()
        .filter(|(_, w)| *w == placeholder.as_bytes())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 2, "local and central header");
    for i in at {
        zip[i..i + gbk.len()].copy_from_slice(&gbk);
    }
    let got = inspect("x.zip", &zip, &Limits::default());
    assert_eq!(child_names(&got), vec!["县教育局活动总结.docx"]);
}

#[test]
fn traversal_entries_refused_and_named() {
    let got = inspect_fixture("zip_path_traversal.zip");
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    let reason = got.inspection.reason.unwrap();
    assert!(
        reason.contains("../../../../tmp/baosong_evil.txt"),
        "{reason}"
    );
    assert!(reason.contains("/etc/cron.d/baosong_evil"), "{reason}");
    // The normal entry is still there; nothing unsafe is.
    assert_eq!(got.children.len(), 1);
    assert!(!got.children[0].path.contains(".."));
    assert!(!got.children[0].path.starts_with('/'));
}

#[test]
fn orientation_6_photo_is_upright() {
    let got = inspect_fixture("活动现场_exif_orientation6.jpg");
    assert_eq!(
        got.inspection.verdict,
        Verdict::Ok,
        "{:?}",
        got.inspection.reason
    );
    let Content::Photo(p) = &got.inspection.content else {
        panic!()
    };
    assert_eq!((p.width, p.height), (1600, 1200));
    assert_eq!(p.orientation, 6);
    assert_eq!(
        p.taken,
        NaiveDate::from_ymd_opt(2025, 5, 15).and_then(|d| d.and_hms_opt(9, 30, 0))
    );
    assert_eq!(p.camera.as_deref(), Some("Canon EOS 80D"));
    assert!(p.phash.is_some_and(|h| h != 0) && !p.screenshot);
    let jpeg = got.derived_jpeg.expect("derived print jpeg");
    let print = image::load_from_memory(&jpeg).unwrap();
    let edge = baosong::inspect::PRINT_LONG_EDGE;
    assert_eq!((print.width(), print.height()), (edge, edge * 3 / 4));
    assert!(jpeg.len() < 150 * 1024, "{} bytes", jpeg.len());
}

#[test]
fn summary_docx_title_and_image() {
    let got = inspect_fixture("县行政审批服务局_政务公开日活动总结.docx");
    assert_eq!(
        got.inspection.verdict,
        Verdict::Ok,
        "{:?}",
        got.inspection.reason
    );
    let Content::Document(doc) = &got.inspection.content else {
        panic!()
    };
    assert_eq!(
        doc.title.as_deref(),
        Some("县行政审批服务局2025年“5·15政务公开日”活动总结")
    );
    assert_eq!(doc.images.len(), 1);
    let img = &doc.images[0];
    assert_eq!(img.kind, FileKind::Jpeg);
    assert_eq!((img.width, img.height), (800, 600));
    // The pasted photo comes back as a child, to be inspected as a photo.
    assert_eq!(got.children.len(), 1);
    let child = &got.children[0];
    assert_eq!(child.path, img.name);
    assert_eq!(child.depth, 1);
    assert_eq!(blake3::hash(&child.bytes).to_hex().to_string(), img.hash);
    assert!(matches!(doc.blocks[0], Block::Heading { level: 1, .. }));
    assert!(doc.char_count > 200, "{}", doc.char_count);
}

#[test]
fn template_docx_is_incomplete() {
    use docx_rs::{Docx, Paragraph, Run};
    let mut buf = Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("活动总结")))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("（此处填写活动开展情况）")))
        .build()
        .pack(&mut buf)
        .unwrap();
    let got = inspect("总结.docx", buf.get_ref(), &Limits::default());
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    assert!(got.inspection.reason.unwrap().contains("此处填写"));
}

#[test]
fn foxmail_gbk_eml_attachments() {
    let got = inspect_fixture("报送_政务公开日活动总结_GBK_Foxmail.eml");
    assert_eq!(
        got.inspection.verdict,
        Verdict::Ok,
        "{:?}",
        got.inspection.reason
    );
    let Content::Container(c) = &got.inspection.content else {
        panic!()
    };
    let mail = c.email.as_ref().unwrap();
    assert_eq!(
        mail.subject.as_deref(),
        Some("【报送】县行政审批服务局政务公开日活动总结及照片")
    );
    assert_eq!(mail.from_addr.as_deref(), Some("xzspj@example.gov.cn"));
    assert_eq!(mail.from_name.as_deref(), Some("县行政审批服务局"));
    assert!(mail.received.is_some());
    assert!(!mail.body_text.is_empty());
    assert_eq!(
        child_names(&got),
        vec!["县行政审批服务局政务公开日活动总结.docx", "现场照片1.jpg"]
    );
    for child in &got.children {
        let inner = inspect_nested(&child.path, &child.bytes, &Limits::default(), child.depth);
        assert_ne!(inner.inspection.verdict, Verdict::Reject, "{}", child.path);
    }
}

#[test]
fn zip_bomb_refused_before_unpacking() {
    let bytes = fixture("zipbomb_1GiB_zeros.zip");
    let got = inspect("zipbomb.zip", &bytes, &Limits::default());
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    assert!(got.inspection.reason.unwrap().contains("压缩炸弹"));
    assert!(got.children.is_empty());
}

#[test]
fn png_bomb_refused_before_decoding() {
    let bytes = fixture("png_bomb_30000x30000.png");
    let got = inspect("bomb.png", &bytes, &Limits::default());
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    assert!(got.inspection.reason.unwrap().contains("30000×30000"));
}

#[test]
fn xls_with_huge_sheet_area_refused_before_calamine() {
    // Fuzzer finding: calamine would allocate the dense grid (OOM abort,
    // which would end this test process).
    let bytes = fixture("fuzz_xls_sheet_area_oom.xls");
    let got = inspect("x.xls", &bytes, &Limits::default());
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    assert!(got.inspection.reason.unwrap().contains("超过"));
}

#[test]
fn xls_with_looping_sector_chain_refused_before_calamine() {
    // Fuzzer findings: calamine's CFB reader follows a sector chain that
    // loops and grows one buffer until memory runs out, or panics on a bad
    // sector number. Our bounded reader refuses both first.
    for name in ["fuzz_xls_cfb_chain_oom.xls", "fuzz_any_cfb_panic.xls"] {
        let got = inspect("x.xls", &fixture(name), &Limits::default());
        assert_eq!(got.inspection.verdict, Verdict::Reject, "{name}");
        assert!(
            got.inspection
                .reason
                .as_deref()
                .unwrap()
                .contains("复合文档结构损坏"),
            "{name}: {:?}",
            got.inspection.reason
        );
    }
}

#[test]
fn nested_zips_stop_at_depth_limit() {
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let inner = zip_of(&[("a.txt", b"x")]);
    let outer = zip_of(&[("inner.zip", &inner)]);
    let got = inspect("outer.zip", &outer, &limits);
    assert_eq!(got.inspection.verdict, Verdict::Ok);
    let child = &got.children[0];
    let second = inspect_nested(&child.path, &child.bytes, &limits, child.depth);
    assert_eq!(second.inspection.verdict, Verdict::Ok);
    let third = inspect_nested("deeper.zip", &outer, &limits, 2);
    assert_eq!(third.inspection.verdict, Verdict::Reject);
    assert!(third.inspection.reason.unwrap().contains("嵌套"));
}

#[test]
fn schedule_xlsx_typed() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("活动安排表").unwrap();
    ws.merge_range(0, 0, 0, 4, "2025年政务公开日活动安排表", &Format::new())
        .unwrap();
    for (c, h) in ["序号", "单位", "活动主题", "开展时间", "地点"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let rows = [
        ("县教育局", "教育惠民政策解读会"),
        ("县卫健委", "义诊\n进社区"),
    ];
    for (i, (unit, theme)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, *unit).unwrap();
        ws.write_string(r, 2, *theme).unwrap();
    }
    ws.write_datetime_with_format(2, 3, ExcelDateTime::from_ymd(2025, 5, 15).unwrap(), &date)
        .unwrap();
    ws.write_string(3, 3, "5月20日-21日").unwrap();
    ws.merge_range(2, 4, 3, 4, "县政务服务中心", &Format::new())
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let got = inspect("安排表.xlsx", &bytes, &Limits::default());
    assert_eq!(
        got.inspection.verdict,
        Verdict::Ok,
        "{:?}",
        got.inspection.reason
    );
    let Content::Spreadsheet(book) = &got.inspection.content else {
        panic!()
    };
    let sheet = &book.sheets[0];
    assert_eq!(
        sheet.header,
        vec!["序号", "单位", "活动主题", "开展时间", "地点"]
    );
    assert_eq!(sheet.rows[0][3], "2025-05-15");
    assert_eq!(sheet.rows[1][2], "义诊 进社区");
    assert_eq!(sheet.rows[1][4], "县政务服务中心", "merged cell filled");
    assert_eq!(sheet.date_columns, vec![3]);
    let d = |day| NaiveDate::from_ymd_opt(2025, 5, day).unwrap();
    assert_eq!(book.activity_dates, Some((d(15), d(21))));
}

#[test]
fn gigantic_sheet_refused() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_string(200_000, 0, "far away").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let got = inspect("big.xlsx", &bytes, &Limits::default());
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    assert!(got.inspection.reason.unwrap().contains("超过"));
}

#[test]
fn garbage_never_panics() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for name in [
        "a.docx", "a.xlsx", "a.zip", "a.eml", "a.jpg", "a.ods", "a.xls",
    ] {
        for len in [1usize, 7, 100, 4096] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            let got = inspect(name, &bytes, &Limits::default());
            assert!(got.inspection.reason.is_some() || got.inspection.verdict == Verdict::Ok);
        }
    }
}

#[test]
fn a_reader_panic_is_that_files_rejection() {
    // Fuzzer findings: calamine 0.38 panics (slice index) on a damaged
    // formula record of an .xls, and (December 2026) on a record cut short
    // in `parse_workbook` and in `parse_extern_sheet`. inspect catches
    // each; the batch goes on.
    for name in [
        "fuzz_xls_formula_panic.xls",
        "fuzz_xls_short_record_panic.xls",
        "fuzz_xls_extern_sheet_panic.xls",
    ] {
        let got = inspect("x.xls", &fixture(name), &Limits::default());
        assert_eq!(got.inspection.verdict, Verdict::Reject, "{name}");
        assert_eq!(
            got.inspection.reason.as_deref(),
            Some(baosong::inspect::PANIC_REASON),
            "{name}"
        );
    }
}

/// Real photos cut short, as interrupted uploads leave them:
/// the fixture (a copy of the corpus's phone-style photo) and, when the
/// shared corpus is there, a camera photo. Most of it decodes → accepted
/// with a warning, as libjpeg shows it; little of it → refused.
#[test]
fn a_photo_cut_short_is_accepted_only_when_most_of_it_decodes() {
    let mut photos = vec![(
        "活动现场_exif_orientation6.jpg".to_string(),
        fixture("活动现场_exif_orientation6.jpg"),
    )];
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/images/ianare_DSCN0010_gps.jpg");
    match std::fs::read(&corpus) {
        Ok(bytes) => photos.push(("DSCN0010.jpg".to_string(), bytes)),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{} missing", corpus.display())
        }
        Err(_) => println!("skipped: {} not found", corpus.display()),
    }
    let limits = Limits::default();
    for (name, bytes) in &photos {
        let cut = &bytes[..bytes.len() * 9 / 10];
        let got = inspect(name, cut, &limits);
        assert_eq!(
            got.inspection.verdict,
            Verdict::Warning,
            "{name}: {:?}",
            got.inspection
        );
        let reason = got.inspection.reason.clone().unwrap();
        assert!(reason.contains("照片数据不完整"), "{name}: {reason}");
        assert!(
            got.derived_jpeg.is_some(),
            "{name}: the report still gets a picture"
        );

        let got = inspect(name, &bytes[..bytes.len() / 10], &limits);
        assert_eq!(
            got.inspection.verdict,
            Verdict::Reject,
            "{name}: {:?}",
            got.inspection
        );
    }
}

/// The corpus's phone-style videos, read by seeking: size as played,
/// codec, rotation and duration, as ffprobe reports them; the one cut off
/// mid-upload is refused.
#[test]
fn videos_are_read_from_their_index() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/video");
    if !dir.is_dir() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "corpus missing");
        println!("skipped: {} not found", dir.display());
        return;
    }
    let limits = Limits::default();
    let cases = [
        ("宣传活动现场.mp4", "mp4", (1920, 1080), 0, "avc1", 6.0),
        // The manifest calls it portrait, but its tkhd matrix is the
        // identity and ffprobe shows no rotation either.
        (
            "VID_20250515_093000.mp4",
            "mp4",
            (1280, 720),
            0,
            "avc1",
            4.0,
        ),
        ("IMG_1234.MOV", "mov", (1920, 1080), 0, "hvc1", 3.0),
        ("座谈会.3gp", "3gp", (352, 288), 0, "avc1", 3.0),
        ("讲座录像.avi", "avi", (640, 480), 0, "FMP4", 3.0),
    ];
    for (name, container, size, rotation, codec, secs) in cases {
        let path = dir.join(name);
        let len = std::fs::metadata(&path).unwrap().len();
        let mut entries = Vec::new();
        let got = baosong::inspect::inspect_input(
            name,
            baosong::inspect::Input::File(&path, len),
            &limits,
            0,
            &mut entries,
        );
        assert_eq!(
            got.inspection.verdict,
            Verdict::Ok,
            "{name}: {:?}",
            got.inspection
        );
        let Content::Video(v) = &got.inspection.content else {
            panic!("{name}: {:?}", got.inspection.content)
        };
        assert_eq!(v.container, container, "{name}");
        assert_eq!((v.width, v.height), size, "{name}");
        assert_eq!(v.rotation, rotation, "{name}");
        assert_eq!(v.codec.as_deref(), Some(codec), "{name}");
        assert!(
            (v.duration_secs.unwrap() - secs).abs() < 0.1,
            "{name}: {v:?}"
        );
    }
    let cut = std::fs::read(dir.join("未传完的视频.mp4")).unwrap();
    let got = inspect("未传完的视频.mp4", &cut, &limits);
    assert_eq!(got.inspection.verdict, Verdict::Reject);
    assert!(
        got.inspection
            .reason
            .as_deref()
            .unwrap()
            .contains("视频文件不完整，可能未上传完毕"),
        "{:?}",
        got.inspection.reason
    );
}

/// Inspects a video file from disk, as the batch does.
fn inspect_video(path: &std::path::Path, limits: &Limits) -> Inspected {
    let len = std::fs::metadata(path).unwrap().len();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut entries = Vec::new();
    baosong::inspect::inspect_input(
        &name,
        baosong::inspect::Input::File(path, len),
        limits,
        0,
        &mut entries,
    )
}

fn poster_of(got: &Inspected) -> image::RgbImage {
    let jpeg = got
        .derived_jpeg
        .as_ref()
        .unwrap_or_else(|| panic!("no poster: {:?}", got.inspection));
    image::load_from_memory(jpeg).unwrap().into_rgb8()
}

fn video_note(got: &Inspected) -> Option<String> {
    match &got.inspection.content {
        Content::Video(v) => v.note.clone(),
        other => panic!("{other:?}"),
    }
}

/// H.264 videos get a poster from their first key frame, the size a photo
/// gets for print (long edge 1000, never enlarged), turned as a player
/// turns it; HEVC, MPEG-4 and AVI get none and a note that says why.
#[test]
fn video_posters_from_the_first_key_frame() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/video");
    if !dir.is_dir() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "corpus missing");
        println!("skipped: {} not found", dir.display());
        return;
    }
    let limits = Limits::default();
    // SMPTE bars: landscape, and the bars differ across the width.
    let got = inspect_video(&dir.join("宣传活动现场.mp4"), &limits);
    assert_eq!(got.inspection.verdict, Verdict::Ok);
    let poster = poster_of(&got);
    assert_eq!(poster.dimensions(), (1000, 563));
    let (left, middle) = (poster.get_pixel(60, 100), poster.get_pixel(500, 100));
    let diff: i32 = (0..3)
        .map(|c| (i32::from(left[c]) - i32::from(middle[c])).abs())
        .sum();
    assert!(diff > 100, "bars look alike: {left:?} {middle:?}");
    assert_eq!(video_note(&got), None);
    // The manifest calls it a portrait phone video, but its tkhd matrix is
    // the identity (ffprobe shows no rotation): landscape as it plays.
    let got = inspect_video(&dir.join("VID_20250515_093000.mp4"), &limits);
    assert_eq!(poster_of(&got).dimensions(), (1000, 563));
    // CIF in 3GP: smaller than print size, kept as it is.
    let got = inspect_video(&dir.join("座谈会.3gp"), &limits);
    assert_eq!(poster_of(&got).dimensions(), (352, 288));

    let got = inspect_video(&dir.join("IMG_1234.MOV"), &limits);
    assert_eq!(got.inspection.verdict, Verdict::Ok, "{:?}", got.inspection);
    assert!(got.derived_jpeg.is_none());
    let note = video_note(&got).unwrap();
    assert!(
        note.contains("HEVC") && note.contains("未生成预览画面"),
        "{note}"
    );
    assert!(got.inspection.notes.contains(&note));
    let got = inspect_video(&dir.join("讲座录像.avi"), &limits);
    assert_eq!(got.inspection.verdict, Verdict::Ok);
    assert!(got.derived_jpeg.is_none());
    assert!(video_note(&got).unwrap().contains("未生成预览画面"));

    // Over the pixel limit: accepted, no frame decoded, and said why.
    let small = Limits {
        max_video_frame_pixels: 1280 * 720,
        ..Limits::default()
    };
    let got = inspect_video(&dir.join("宣传活动现场.mp4"), &small);
    assert_eq!(got.inspection.verdict, Verdict::Ok);
    assert!(got.derived_jpeg.is_none());
    let note = video_note(&got).unwrap();
    assert!(
        note.contains("1920×1088") && note.contains("预览上限"),
        "{note}"
    );
}

/// A phone filming upright stores a landscape picture and a 90° matrix:
/// the poster is portrait and turned the way ffmpeg turns it (the red
/// corner, top left as coded, is top right as played). The fixture is a
/// 320×176 x264 video whose tkhd matrix was set to (0, 1, −1, 0).
#[test]
fn rotated_video_poster_is_upright() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect/竖拍视频.mp4");
    let got = inspect_video(&path, &Limits::default());
    let Content::Video(v) = &got.inspection.content else {
        panic!("{:?}", got.inspection)
    };
    assert_eq!((v.width, v.height, v.rotation), (176, 320, 90));
    let poster = poster_of(&got);
    assert_eq!(poster.dimensions(), (176, 320));
    let red = |p: &image::Rgb<u8>| p[0] > 180 && p[2] < 80;
    assert!(
        red(poster.get_pixel(170, 5)),
        "{:?}",
        poster.get_pixel(170, 5)
    );
    assert!(!red(poster.get_pixel(5, 5)));
    assert!(!red(poster.get_pixel(170, 314)));
}

/// Garbled key frames and decoder configurations (bytes flipped at random
/// in the media data, then in `avcC`) never panic, never refuse the video
/// (its index is intact) and give either a poster or the note.
#[test]
fn video_garbled_h264_gives_no_poster_not_a_crash() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/video");
    let Ok(clean) = std::fs::read(dir.join("座谈会.3gp")) else {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "corpus missing");
        println!("skipped: {} not found", dir.display());
        return;
    };
    let at = |tag: &[u8]| clean.windows(4).position(|w| w == tag).unwrap() + 4;
    let (mdat, avcc) = (at(b"mdat"), at(b"avcC"));
    let limits = Limits::default();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut posters, mut notes) = (0, 0);
    for round in 0..300 {
        let mut bytes = clean.clone();
        // Most rounds hit the key frame (the start of the media data),
        // every fifth the parameter sets.
        let (start, span) = if round % 5 == 4 {
            (avcc, 40)
        } else {
            (mdat, 4000)
        };
        for _ in 0..1 + next() % 8 {
            let i = start + (next() % span) as usize;
            bytes[i] = next() as u8;
        }
        let got = inspect("座谈会.3gp", &bytes, &limits);
        let i = &got.inspection;
        assert_ne!(i.reason.as_deref(), Some(baosong::inspect::PANIC_REASON));
        assert_ne!(i.verdict, Verdict::Reject, "round {round}: {i:?}");
        match (&got.derived_jpeg, video_note(&got)) {
            (Some(_), None) => posters += 1,
            (None, Some(note)) if note.contains("未生成预览画面") => notes += 1,
            other => panic!("round {round}: {other:?}"),
        }
    }
    // Both outcomes happen: the test reaches the decoder's error paths.
    assert!(posters > 0 && notes > 0, "{posters} posters, {notes} notes");
}
