//! A realistic report for the render-stage tests: three units (one with two
//! activities), an activity with nothing yet, long Chinese summaries that
//! wrap with punctuation at line ends, a table, print-size photos made from
//! the shared corpus, and the office's own tasks.

#![allow(dead_code)] // each test binary uses a different part of the helper

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use baosong::inspect::{Block, Sheet};
use baosong::model::State;
use baosong::report::*;
use image::ImageReader;
use image::codecs::jpeg::JpegEncoder;

/// Whether tests run in CI (`CI` set and not "false"), where a missing
/// tool or corpus fails a test instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// A test cannot run here: fails under CI, else says why it is skipped.
/// Returns false, for `if !…{ return }`.
pub fn unavailable(what: &str) -> bool {
    assert!(!in_ci(), "CI：{what}（.ci/run 应当安装或准备好它）");
    eprintln!("skipped: {what}");
    false
}

/// The shared corpus, or None (skipped, failing under CI) when it is absent.
pub fn corpus_images() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/images");
    if dir.is_dir() {
        Some(dir)
    } else {
        unavailable(&format!("未找到共享语料 {}", dir.display()));
        None
    }
}

/// Whether a tool is installed (skipped, failing under CI, if not).
pub fn have_tool(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok() || unavailable(&format!("未安装 {tool}"))
}

/// Runs a tool and returns its stdout as text; panics with stderr on failure.
pub fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().expect(tool);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The corpus photos the fixture uses, upright and shrunk to ≈1200 px.
pub const PHOTOS: [&str; 4] = [
    "recurser_Landscape_3.jpg",
    "recurser_Portrait_5.jpg",
    "ianare_DSCN0010_gps.jpg",
    "活动现场_exif_orientation6.jpg",
];

/// Pictures in the fixture's documents: the photos and one video poster.
pub const PICTURES: usize = PHOTOS.len() + 1;

/// The corpus video whose poster the fixture shows.
pub const POSTER_VIDEO: &str = "宣传活动现场.mp4";

/// The poster the inspect stage makes of [`POSTER_VIDEO`], written to
/// `dir`, named like the fixture's video.
pub fn video_poster(corpus: &Path, dir: &Path, name: &str) -> PhotoItem {
    let path = corpus.join("../video").join(POSTER_VIDEO);
    let size = std::fs::metadata(&path).unwrap().len();
    let got = baosong::inspect::inspect_input(
        POSTER_VIDEO,
        baosong::inspect::Input::File(&path, size),
        &baosong::inspect::Limits::default(),
        0,
        &mut Vec::new(),
    );
    let jpeg = dir.join("poster.jpg");
    std::fs::write(&jpeg, got.derived_jpeg.expect("an H.264 poster")).unwrap();
    PhotoItem {
        jpeg,
        width: 1920,
        height: 1080,
        name: name.into(),
        taken: None,
        original: None,
    }
}

/// The print JPEG budget of the inspect stage.
pub const MAX_PHOTO_BYTES: usize = 150 * 1024;

/// Makes print-size JPEGs the way the inspect stage does: orientation
/// applied, long edge at most 1200 px, quality lowered until ≤150 KB.
pub fn print_jpegs(corpus: &Path, dir: &Path) -> Vec<PhotoItem> {
    PHOTOS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut decoder = ImageReader::open(corpus.join(name))
                .unwrap()
                .into_decoder()
                .unwrap();
            let orientation = image::ImageDecoder::orientation(&mut decoder).unwrap();
            let mut img = image::DynamicImage::from_decoder(decoder).unwrap();
            img.apply_orientation(orientation);
            let img = img.resize(1200, 1200, image::imageops::FilterType::Triangle);
            let path = dir.join(format!("photo{i}.jpg"));
            let bytes = (0..)
                .map(|step| {
                    let mut out = Vec::new();
                    JpegEncoder::new_with_quality(&mut out, 85 - 10 * step)
                        .encode_image(&img.to_rgb8())
                        .unwrap();
                    out
                })
                .find(|out| out.len() <= MAX_PHOTO_BYTES)
                .unwrap();
            std::fs::write(&path, bytes).unwrap();
            PhotoItem {
                jpeg: path,
                width: img.width(),
                height: img.height(),
                name: (*name).to_owned(),
                taken: chrono::NaiveDate::from_ymd_opt(2025, 5, 10 + i as u32)
                    .and_then(|d| d.and_hms_opt(9, 30 + i as u32, 0)),
                original: None,
            }
        })
        .collect()
}

/// 2025-`month`-`day` `hour`:`minute`, 北京时间.
pub fn at(month: u32, day: u32, hour: u32, minute: u32) -> Time {
    use chrono::TimeZone;
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, month, day, hour, minute, 0)
        .unwrap()
}

/// The deadline of every item of the fixture: 6月9日 24:00.
pub fn fixture_due() -> Time {
    at(6, 10, 0, 0)
}

/// A cell due at [`fixture_due`] unless its note says otherwise, arrived
/// when its note says so.
fn cell(state: Option<State>, when: Option<CellNote>, late: Option<i64>) -> StatusCell {
    let (arrived, due) = match &when {
        Some(CellNote::Arrived { on, .. }) => (Some(*on), fixture_due()),
        Some(CellNote::Due(t)) => (None, *t),
        _ => (None, fixture_due()),
    };
    StatusCell {
        state,
        text: state.map_or("不适用", State::label).into(),
        when,
        due: state.map(|_| due),
        arrived,
        late_workdays: late,
        extension: None,
    }
}

fn arrived(on: Time, late_workdays: Option<i64>) -> Option<CellNote> {
    Some(CellNote::Arrived { on, late_workdays })
}

fn words(text: &str) -> Option<CellNote> {
    Some(CellNote::Words(text.into()))
}

fn count(state: State, count: usize) -> StateCount {
    StateCount {
        state,
        label: state.label().into(),
        count,
    }
}

pub const KINSOKU_PARAGRAPH: &str = "本次活动前我局专门召开党组会议对各项工作进行研究部署，明确一名副局长牵头负责，办公室具体承办，各股室按照职责分工密切配合，确保活动有序开展、取得实效。";

pub const SUMMARY_SENTENCE: &str = "县林业局以“政务公开进林区”为主题";

/// 县交通运输局's summary as its unit page shows it (an excerpt) …
pub const TRAFFIC_OPENING: &str = "县交通运输局于6月3日在县政务服务中心开展“阳光交通”政务公开日活动，邀请群众代表、人大代表和政协委员走进办事大厅，体验道路运输证件办理流程，并就农村公路建设养护、客运班线调整等事项进行座谈交流。";
/// … and the rest of it, in the DOCX's appendix only.
pub const TRAFFIC_REST: &str =
    "座谈中收集意见建议十二条，现场答复九条，其余三条已明确责任股室限期办理。";

fn summary_blocks() -> Vec<Block> {
    let para = |t: &str| Block::Paragraph { text: t.into() };
    vec![
        Block::Heading {
            level: 1,
            text: "一、活动基本情况".into(),
        },
        para(
            "2025年5月15日，县林业局以“政务公开进林区”为主题，在国有林场、集体林区和各乡镇林业站同步开展政务公开日活动。活动采取现场宣讲、政策问答、发放资料、入户走访等方式，重点解读林长制、生态公益林补偿、森林防火和林权流转等政策，共发放宣传资料一千二百余份，解答群众咨询八十余人次，收集意见建议十六条，现场办结九条，其余七条已转交相关股室限期办理。",
        ),
        para(
            "活动中，局领导班子成员带队深入林区，与护林员、林农面对面交流，认真听取群众对林业政策执行、补偿资金发放、林区道路建设等方面的意见；对群众反映较集中的补偿标准问题，现场逐条解释政策依据，并承诺在十个工作日内书面答复。",
        ),
        // 26 characters fill the indented first line (3号 on a 156 mm line,
        // 28 a line) exactly, so the comma
        // falls where a naive break would start the next line with it.
        para(KINSOKU_PARAGRAPH),
        Block::Heading {
            level: 2,
            text: "二、主要数据".into(),
        },
        Block::Table {
            rows: vec![
                vec!["项目".into(), "计划".into(), "完成".into()],
                vec!["发放资料（份）".into(), "1000".into(), "1200".into()],
                vec!["解答咨询（人次）".into(), "60".into(), "83".into()],
                vec!["收集建议（条）".into(), "10".into(), "16".into()],
            ],
        },
        Block::Heading {
            level: 1,
            text: "三、下一步打算".into(),
        },
        para(
            "下一步，我局将把政务公开日活动与日常工作相结合，健全政策解读、意见收集、办理反馈的闭环机制；进一步规范公开内容，做到应公开尽公开；加强对基层林业站的指导，确保各项惠民政策落到实处，让群众看得见、听得懂、能监督。",
        ),
    ]
}

fn activity(seq: &str, theme: &str, time: &str, overall: State) -> ActivitySection {
    ActivitySection {
        seq: seq.into(),
        theme: theme.into(),
        time: time.into(),
        place: None,
        overall,
        remark: None,
        summary: None,
        schedule: None,
        photos: vec![],
        videos: vec![],
        notes: vec![],
    }
}

/// The fixture report; `photos` come from [`print_jpegs`].
pub fn report(photos: Vec<PhotoItem>) -> Report {
    let (first, rest) = photos.split_at(3.min(photos.len()));
    let forestry = ActivitySection {
        place: Some("县国有林场及各乡镇林业站".into()),
        summary: Some(Summary {
            file_name: "县林业局政务公开日活动总结.docx".into(),
            title: Some("县林业局2025年政务公开日活动总结".into()),
            blocks: summary_blocks(),
            full: None,
        }),
        schedule: Some(Sheet {
            name: "活动安排".into(),
            header: vec!["日期".into(), "时间".into(), "内容".into(), "地点".into()],
            date_columns: vec![0],
            rows: vec![
                vec![
                    "5月15日".into(),
                    "09:00".into(),
                    "政策宣讲".into(),
                    "国有林场".into(),
                ],
                vec![
                    "5月15日".into(),
                    "14:30".into(),
                    "入户走访".into(),
                    "白沙镇".into(),
                ],
            ],
        }),
        photos: first.to_vec(),
        videos: vec![
            VideoItem {
                label: "林区宣讲.mp4（35.2 MB，1分12秒）".into(),
                resolution: Some("1920×1080".into()),
                codec: Some("H.264".into()),
                poster: None,
                note: None,
            },
            VideoItem {
                label: "IMG_1234.MOV（12.6 MB，0分48秒）".into(),
                resolution: Some("1920×1080".into()),
                codec: Some("H.265/HEVC".into()),
                poster: None,
                note: Some("H.265/HEVC编码，部分办公电脑可能无法播放，未生成预览画面".into()),
            },
        ],
        notes: vec!["活动现场.jpg：与去年的照片相似，未计入".into()],
        ..activity("1", "政务公开进林区", "5月15日", State::OnTime)
    };
    let traffic = ActivitySection {
        place: Some("县政务服务中心".into()),
        summary: Some(Summary {
            file_name: "交通运输局活动总结.docx".into(),
            title: None,
            blocks: vec![Block::Paragraph {
                text: TRAFFIC_OPENING.into(),
            }],
            // The unit pages show the opening; the DOCX's appendix all of it.
            full: Some(FullText {
                chars: 123,
                blocks: vec![
                    Block::Paragraph {
                        text: TRAFFIC_OPENING.into(),
                    },
                    Block::Paragraph {
                        text: TRAFFIC_REST.into(),
                    },
                ],
            }),
        }),
        photos: rest.to_vec(),
        remark: Some("活动总结逾期2个工作日报送".into()),
        ..activity("2", "阳光交通", "6月3日", State::Late)
    };
    let units = vec![
        UnitSection {
            unit: "县林业局".into(),
            activities: vec![forestry],
        },
        UnitSection {
            unit: "县交通运输局".into(),
            activities: vec![traffic],
        },
        UnitSection {
            unit: "县人力资源和社会保障局".into(),
            activities: vec![ActivitySection {
                summary: Some(Summary {
                    file_name: "人社局活动总结.docx".into(),
                    title: None,
                    blocks: vec![Block::Paragraph {
                        text: "县人社局在城东社区开展就业政策宣讲，现场解答群众咨询。".into(),
                    }],
                    full: None,
                }),
                remark: Some("活动总结未报送，已逾期4个工作日；活动照片2张，需3张".into()),
                ..activity("4", "就业政策进社区", "5月", State::Overdue)
            }],
        },
    ];
    let delivs = ["活动总结", "活动照片", "活动安排表"];
    let row = |seq: &str, unit: &str, theme: &str, time: &str, cells: Vec<StatusCell>, overall| {
        StatusRow {
            seq: seq.into(),
            unit: unit.into(),
            units: vec![unit.into()],
            theme: theme.into(),
            time: time.into(),
            cells,
            overall,
        }
    };
    let on_time = |on| cell(Some(State::OnTime), arrived(on, None), None);
    Report {
        title: "2025年泸溪县“政务公开主题日”活动".into(),
        office: "泸溪县行政审批服务局".into(),
        as_of: at(6, 13, 20, 0),
        cutoff: false,
        situation: Situation {
            paragraph: "截至2025年6月13日20时，3个单位共安排活动4项。已报齐2项，其中按时报送1项，逾期报送1项（县交通运输局）；未按要求报送1项，其中逾期未报1项（县人力资源和社会保障局）；尚未到报送时限1项。".into(),
            needs_action: vec![
                ActionItem {
                    unit: "县人力资源和社会保障局".into(),
                    theme: "就业政策进社区".into(),
                    state: State::Overdue,
                    reason: "活动总结未报送，已逾期4个工作日；活动照片2张，需3张".into(),
                },
                ActionItem {
                    unit: "县交通运输局".into(),
                    theme: "阳光交通".into(),
                    state: State::Late,
                    reason: "活动总结逾期2个工作日报送".into(),
                },
            ],
            upcoming_days: 7,
            upcoming_window: (at(6, 14, 0, 0).date_naive(), at(6, 20, 0, 0).date_naive()),
            upcoming: vec![UpcomingItem {
                due: at(6, 20, 17, 0),
                unit: "县交通运输局".into(),
                theme: "公路养护开放日".into(),
                owed: "活动总结、活动照片".into(),
            }],
        },
        deliverables: delivs
            .iter()
            .enumerate()
            .map(|(i, n)| DeliverableHead {
                id: format!("d{i}"),
                name: (*n).into(),
            })
            .collect(),
        overview: Overview {
            units: 3,
            activities: 4,
            joint: 0,
            by_state: vec![
                count(State::OnTime, 1),
                count(State::Late, 1),
                count(State::Pending, 1),
                count(State::Overdue, 1),
            ],
            by_month: vec![
                MonthCounts {
                    month: "5月".into(),
                    counts: vec![count(State::OnTime, 1), count(State::Overdue, 1)],
                },
                MonthCounts {
                    month: "6月".into(),
                    counts: vec![count(State::Late, 1), count(State::Pending, 1)],
                },
            ],
        },
        status_note: "注：单元格底色表示状态，红色为逾期未报，橙色为逾期报送，黄色为材料不全或不合格，绿色为按时报送，白色为尚未到报送时限；黑白打印时以格内文字为准。“不适用”表示该单位无需报送此项材料。".into(),
        rows: vec![
            row(
                "1",
                "县林业局",
                "政务公开进林区",
                "5月15日",
                // The photos came on the deadline's day, before its 24:00.
                vec![
                    on_time(at(5, 16, 10, 20)),
                    on_time(at(6, 9, 23, 30)),
                    on_time(at(5, 16, 10, 20)),
                ],
                State::OnTime,
            ),
            row(
                "2",
                "县交通运输局",
                "阳光交通",
                "6月3日",
                vec![
                    cell(Some(State::Late), arrived(at(6, 12, 16, 5), Some(2)), Some(2)),
                    on_time(at(6, 5, 9, 0)),
                    cell(None, None, None),
                ],
                State::Late,
            ),
            row(
                "3",
                "县交通运输局",
                "公路养护开放日",
                "6月20日至21日",
                vec![
                    cell(Some(State::Pending), Some(CellNote::Due(at(6, 28, 0, 0))), None),
                    cell(Some(State::Pending), Some(CellNote::Due(at(6, 28, 0, 0))), None),
                    cell(None, None, None),
                ],
                State::Pending,
            ),
            row(
                "4",
                "县人力资源和社会保障局",
                "就业政策进社区",
                "5月",
                vec![
                    cell(Some(State::Overdue), words("已逾期4个工作日"), None),
                    cell(Some(State::Incomplete), words("2张，需3张"), None),
                    cell(Some(State::Overdue), words("已逾期4个工作日"), None),
                ],
                State::Overdue,
            ),
        ],
        units,
        awaiting: vec![AwaitingRow {
            seq: "3".into(),
            unit: "县交通运输局".into(),
            theme: "公路养护开放日".into(),
            time: "6月20日至21日".into(),
            state: State::Pending,
            due: Some(at(6, 28, 0, 0)),
        }],
        office_tasks: OfficeTasks {
            unassigned: vec![FileLine {
                path: "收件箱/新建文件夹/照片(3).jpg".into(),
                unit: None,
                reason: "文件名和内容中均未找到单位名称".into(),
                maybe_from: vec![],
            }],
            unclassified: vec![FileLine {
                path: "县林业局/会议签到表.xlsx".into(),
                unit: Some("县林业局".into()),
                reason: "不属于任何一项报送材料".into(),
                maybe_from: vec![],
            }],
            invalid: vec![FileLine {
                path: "县人社局/活动总结.doc".into(),
                unit: Some("县人力资源和社会保障局".into()),
                reason: "文件已损坏，无法打开，请重新报送 docx 格式".into(),
                maybe_from: vec![],
            }],
            questions: vec!["“县人社局”可能指“县人力资源和社会保障局”，请确认。".into()],
            ..OfficeTasks::default()
        },
    }
}

/// What the status board shows beside the fixture: nothing sent yet, the
/// batch run at the report's clock.
pub fn board() -> baosong::render::html::Extras<'static> {
    baosong::render::html::Extras {
        generated: at(6, 13, 20, 0),
        files: &[],
        messages: &[],
    }
}

/// The fixture, made once per test binary with its photos in a fresh
/// folder under the target's temp dir; None when the corpus is absent.
pub fn fixture() -> Option<Report> {
    static FIXTURE: OnceLock<Option<Report>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let corpus = corpus_images()?;
            let exe = std::env::current_exe().unwrap();
            let name = exe.file_stem().unwrap().to_string_lossy();
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fixture-{name}"));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let mut report = report(print_jpegs(&corpus, &dir));
            let video = &mut report.units[0].activities[0].videos[0];
            video.poster = Some(video_poster(&corpus, &dir, &video.label));
            Some(report)
        })
        .clone()
}

/// The fontconfig file that maps the 公文 families the DOCX names to the
/// shipped open fonts (`assets/fonts/fonts.conf`).
pub fn fontconfig_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/fonts.conf")
}

/// Converts a DOCX to PDF with LibreOffice (a profile of its own in `dir`,
/// the 公文 families mapped by [`fontconfig_file`]); returns the PDF.
pub fn libreoffice_pdf(docx: &Path, dir: &Path) -> PathBuf {
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    let out = Command::new("soffice")
        .env("FONTCONFIG_FILE", fontconfig_file())
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dir.to_str().unwrap(),
            docx.to_str().unwrap(),
        ])
        .output()
        .expect("soffice");
    assert!(
        out.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.join(docx.with_extension("pdf").file_name().unwrap());
    assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&out.stdout));
    pdf
}
