//! The status spreadsheet read back with calamine, and its sheet XML; and
//! filtered as a clerk filters it (到达时间 > 截止时间), on the fixture and on
//! both demos' workbooks as `baosong run` writes them.

mod campaign;
mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use baosong::render::{self, Options, XLSX_NAME, xlsx};
use calamine::{Data, Reader, Xlsx};

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn xlsx_has_numbers_dates_colours_filters_and_print_setup() {
    let report = common::report(Vec::new());
    let bytes = render::to_vec(xlsx::xlsx, &report, &Options::default()).unwrap();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["汇总", "活动总结", "活动照片", "活动安排表"]
    );

    let summary = book.worksheet_range("汇总").unwrap();
    let header: Vec<String> = summary
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..5],
        ["序号", "单位", "活动主题", "开展时间", "总体状态"]
    );
    assert!(header.contains(&"活动总结逾期工作日".to_owned()));
    assert_eq!(summary.height(), report.rows.len() + 1);
    let units: Vec<String> = summary.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(
        units,
        report
            .rows
            .iter()
            .map(|r| r.unit.clone())
            .collect::<Vec<_>>()
    );
    // 序号 are numbers, so they sort 1, 2, …, 10.
    assert_eq!(summary.rows().nth(1).unwrap()[0], Data::Float(1.0));

    let photos = book.worksheet_range("活动照片").unwrap();
    let row4: Vec<&Data> = photos.rows().nth(4).unwrap().iter().collect();
    assert_eq!(row4[4], &Data::String("材料不全".into()));
    assert_eq!(row4[5], &Data::String("2张，需3张".into()));
    let summaries = book.worksheet_range("活动总结").unwrap();
    let header: Vec<String> = summaries
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[4..],
        [
            "状态",
            "情况说明",
            "截止时间",
            "截止时间（按通知）",
            "到达时间",
            "逾期工作日"
        ]
    );
    let late = summaries.rows().nth(2).unwrap();
    assert_eq!(late[5], Data::String("6月12日送达，逾期2个工作日".into()));
    assert_eq!(late[9], Data::Float(2.0));
    // Deadlines and arrivals are date cells; the deadline "6月9日 24:00"
    // is the instant 6月10日 00:00, and says 24:00 in the column beside it.
    let ten_june = chrono::NaiveDate::from_ymd_opt(2025, 6, 10).unwrap()
        - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    assert_eq!(serial(&late[6]), Some(ten_june.num_days() as f64));
    assert_eq!(late[7], Data::String("2025年6月9日 24:00".into()));
    assert!(matches!(late[8], Data::DateTime(_)), "{:?}", late[8]);

    // Dates in a Chinese format; states carry colours.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("年"), "Chinese date format");
    assert!(
        !styles.contains("24:00"),
        "no format that shows another time"
    );
    assert!(styles.contains("F6D5D5"), "overdue colour");
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "header row repeats"
    );
    for i in 1..=4 {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(xml.contains("<autoFilter ref=\"A1:"), "sheet{i} autofilter");
        assert!(xml.contains("state=\"frozen\""), "sheet{i} frozen header");
        assert!(
            xml.contains("orientation=\"landscape\""),
            "sheet{i} landscape"
        );
        assert!(xml.contains("paperSize=\"9\""), "sheet{i} A4");
        assert!(xml.contains("fitToHeight=\"0\""), "sheet{i} one page wide");
    }
}

/// A date cell's value: days since 1899-12-30, the time of day as the
/// fraction (what Excel compares when it filters or sorts).
fn serial(cell: &Data) -> Option<f64> {
    match cell {
        Data::DateTime(t) => Some(t.as_f64()),
        _ => None,
    }
}

/// How a deliverable sheet's rows compare, filtered as a clerk would.
#[derive(Debug, Default, PartialEq)]
struct Filtered {
    /// Rows marked 逾期报送.
    late: usize,
    /// Of them, rows that came at the very second of the deadline: late
    /// (a deadline is the first instant that is late: "16:00前" is missed
    /// at 16:00:00), but not after it.
    at_the_deadline: usize,
    /// On-time rows that came on the day of a 24:00 deadline: a deadline
    /// stored as that day's 00:00 would show them late.
    on_the_day: usize,
}

/// Every deliverable sheet filtered as a clerk would: the rows whose
/// 到达时间 is after their 截止时间 are exactly the rows marked 逾期报送,
/// but for those that came at the deadline's very second.
fn filter_late(bytes: &[u8]) -> Filtered {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let mut counts = Filtered::default();
    for name in book.sheet_names().into_iter().skip(1) {
        let sheet = book.worksheet_range(&name).unwrap();
        let header: Vec<String> = sheet
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let col = |h: &str| header.iter().position(|c| c == h).unwrap();
        let (state, due, arrived) = (col("状态"), col("截止时间"), col("到达时间"));
        let (mut filtered, mut marked, mut at) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (i, row) in sheet.rows().enumerate().skip(1) {
            if row[state] == Data::String("逾期报送".into()) {
                marked.insert(i);
            }
            let (Some(d), Some(a)) = (serial(&row[due]), serial(&row[arrived])) else {
                continue;
            };
            if a > d {
                filtered.insert(i);
            } else if a == d {
                at.insert(i);
            } else if d.fract() == 0.0 && a.floor() + 1.0 == d {
                counts.on_the_day += 1;
            }
        }
        assert_eq!(
            &filtered | &at,
            marked,
            "{name}: 到达时间 > 截止时间 is not the late rows"
        );
        counts.late += marked.len();
        counts.at_the_deadline += at.len();
    }
    counts
}

#[test]
fn filtering_arrival_after_deadline_gives_the_late_rows() {
    let report = common::report(Vec::new());
    let bytes = render::to_vec(xlsx::xlsx, &report, &Options::default()).unwrap();
    let expected = Filtered {
        late: 1,
        at_the_deadline: 0,
        on_the_day: 1,
    };
    assert_eq!(filter_late(&bytes), expected);
}

/// The workbook `baosong run` writes for a demo at its clock, and how many
/// of its items `status --json` calls late.
fn demo_workbook(dir: &Path, id: &str) -> (Vec<u8>, usize) {
    campaign::run_ok(dir, &["--no-send"]);
    let status = campaign::status(dir);
    let late = status["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["activities"].as_array().unwrap())
        .flat_map(|a| a["deliverables"].as_array().unwrap())
        .filter(|d| d["state"] == "late")
        .count();
    let xlsx = dir.join("out").join(id).join("latest").join(XLSX_NAME);
    (std::fs::read(xlsx).unwrap(), late)
}

#[test]
fn the_demos_workbooks_filter_to_their_late_rows() {
    let luxi = campaign::demo_copy();
    let (bytes, late) = demo_workbook(luxi.path(), "luxi-2025");
    let filtered = filter_late(&bytes);
    assert_eq!(filtered.late, late, "泸溪");
    assert!(late > 0);
    assert_eq!(filtered.at_the_deadline, 0);
    assert!(
        filtered.on_the_day > 0,
        "泸溪: no on-time arrival on a deadline's day"
    );

    let jianchang = tempfile::tempdir().unwrap();
    campaign::copy_tree(
        &campaign::repo().join("examples/jianchang-2023"),
        jianchang.path(),
    );
    let (bytes, late) = demo_workbook(jianchang.path(), "jianchang-2023");
    let filtered = filter_late(&bytes);
    assert_eq!(filtered.late, late, "建昌");
    // 县营商局's 访谈稿件 came at 16:00:00 of a "16:00前" deadline.
    assert_eq!(filtered.at_the_deadline, 1, "建昌");
}
