//! A realistic report for the compile-stage tests: four units (one with two
//! activities, one with nothing yet), long Chinese summaries that wrap with
//! punctuation at line ends, a table, print-size photos made from the shared
//! corpus, and appendix entries.

#![allow(dead_code)] // each test binary uses a different part of the helper

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use baosong::inspect::{Block, Sheet};
use baosong::model::State;
use baosong::report::*;
use image::ImageReader;
use image::codecs::jpeg::JpegEncoder;

/// The shared corpus, or None (with a message) when it is absent.
pub fn corpus_images() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/images");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("跳过：未找到共享语料 {}", dir.display());
        None
    }
}

/// Whether a poppler tool is installed; prints why a test is skipped if not.
pub fn have_tool(tool: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok();
    if !found {
        eprintln!("跳过：未安装 {tool}（poppler-utils）");
    }
    found
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
                caption: format!("{name} · 2025-05-1{i} 09:3{i}"),
            }
        })
        .collect()
}

fn cell(state: Option<State>, text: &str, arrived: Option<&str>, late: Option<i64>) -> StatusCell {
    StatusCell {
        state,
        text: text.into(),
        due: Some("6月9日 24:00".into()),
        arrived: arrived.map(Into::into),
        late_workdays: late,
    }
}

fn count(state: State, count: usize) -> StateCount {
    StateCount {
        state,
        label: state.label().into(),
        count,
    }
}

pub const KINSOKU_PARAGRAPH: &str = "为切实做好本次政务公开日活动的各项组织保障工作我局活动前专门召开党组会议进行研究部署，明确一名副局长牵头负责，办公室具体承办，各股室按照职责分工密切配合，确保活动有序开展、取得实效。";

pub const SUMMARY_SENTENCE: &str = "县林业局以“政务公开进林区”为主题";

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
        // 42 characters fill the indented first line exactly, so the comma
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

fn activity(theme: &str, time: &str, overall: State) -> ActivitySection {
    ActivitySection {
        theme: theme.into(),
        time: time.into(),
        place: None,
        overall,
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
        videos: vec!["林区宣讲.mp4, 35.2 MB, 1分12秒".into()],
        notes: vec!["照片“活动现场.jpg”与去年照片相似，请核实。".into()],
        ..activity("政务公开进林区", "5月15日", State::OnTime)
    };
    let traffic = ActivitySection {
        place: Some("县政务服务中心".into()),
        summary: Some(Summary {
            file_name: "交通运输局活动总结.docx".into(),
            title: None,
            blocks: vec![Block::Paragraph {
                text: "县交通运输局于6月3日在县政务服务中心开展“阳光交通”政务公开日活动，邀请群众代表、人大代表和政协委员走进办事大厅，体验道路运输证件办理流程，并就农村公路建设养护、客运班线调整等事项进行座谈交流。".into(),
            }],
        }),
        photos: rest.to_vec(),
        ..activity("阳光交通", "6月3日", State::Late)
    };
    let units = vec![
        UnitSection {
            unit: "县林业局".into(),
            activities: vec![forestry],
        },
        UnitSection {
            unit: "县交通运输局".into(),
            activities: vec![
                traffic,
                ActivitySection {
                    notes: vec!["尚缺活动照片。".into()],
                    ..activity("公路养护开放日", "6月20日至21日", State::Pending)
                },
            ],
        },
        UnitSection {
            unit: "县人力资源和社会保障局".into(),
            activities: vec![activity("就业政策进社区", "5月", State::Overdue)],
        },
    ];
    let delivs = ["活动总结", "活动照片", "活动安排表"];
    let row = |seq: &str, unit: &str, theme: &str, time: &str, cells: Vec<StatusCell>, overall| {
        StatusRow {
            seq: seq.into(),
            unit: unit.into(),
            theme: theme.into(),
            time: time.into(),
            cells,
            overall,
        }
    };
    let on_time = || cell(Some(State::OnTime), "按时报送", Some("5月16日 10:20"), None);
    Report {
        title: "2025年泸溪县“政务公开主题日”活动".into(),
        office: "泸溪县行政审批服务局".into(),
        generated_at: "2025年6月13日 20:00（北京时间）".into(),
        as_of: "截至2025年6月13日20时".into(),
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
        rows: vec![
            row(
                "1",
                "县林业局",
                "政务公开进林区",
                "5月15日",
                vec![on_time(), on_time(), on_time()],
                State::OnTime,
            ),
            row(
                "2",
                "县交通运输局",
                "阳光交通",
                "6月3日",
                vec![
                    cell(
                        Some(State::Late),
                        "逾期报送",
                        Some("6月12日 16:05"),
                        Some(2),
                    ),
                    cell(Some(State::OnTime), "按时报送", Some("6月5日 09:00"), None),
                    cell(None, "不适用", None, None),
                ],
                State::Late,
            ),
            row(
                "3",
                "县交通运输局",
                "公路养护开放日",
                "6月20日至21日",
                vec![
                    cell(Some(State::Pending), "待报送", None, None),
                    cell(Some(State::Pending), "待报送", None, None),
                    cell(None, "不适用", None, None),
                ],
                State::Pending,
            ),
            row(
                "4",
                "县人力资源和社会保障局",
                "就业政策进社区",
                "5月",
                vec![
                    cell(Some(State::Overdue), "逾期未报", None, None),
                    cell(
                        Some(State::Incomplete),
                        "照片2张，需至少3张",
                        Some("6月2日 11:00"),
                        None,
                    ),
                    cell(Some(State::Overdue), "逾期未报", None, None),
                ],
                State::Overdue,
            ),
        ],
        units,
        appendix: Appendix {
            unassigned: vec![FileLine {
                path: "收件箱/新建文件夹/照片(3).jpg".into(),
                unit: None,
                reason: "文件名和内容中均未找到单位名称".into(),
            }],
            unclassified: vec![FileLine {
                path: "县林业局/会议签到表.xlsx".into(),
                unit: Some("县林业局".into()),
                reason: "不属于任何一项报送材料".into(),
            }],
            invalid: vec![FileLine {
                path: "县人社局/活动总结.doc".into(),
                unit: Some("县人力资源和社会保障局".into()),
                reason: "文件已损坏，无法打开，请重新报送 docx 格式".into(),
            }],
            questions: vec!["“县人社局”可能指“县人力资源和社会保障局”，请确认。".into()],
        },
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
            Some(report(print_jpegs(&corpus, &dir)))
        })
        .clone()
}
