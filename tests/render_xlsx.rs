//! The status spreadsheet read back with calamine, and its sheet XML.

mod common;

use std::io::Read;

use baosong::render::{self, Options, xlsx};
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
    let late = summaries.rows().nth(2).unwrap();
    assert_eq!(late[8], Data::Float(2.0));
    // Deadlines and arrivals are date cells.
    assert!(matches!(late[6], Data::DateTime(_)), "{:?}", late[6]);
    assert!(matches!(late[7], Data::DateTime(_)), "{:?}", late[7]);

    // A midnight deadline reads as its day's 24:00; states carry colours.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("24:00"), "end-of-day format");
    assert!(styles.contains("年"), "Chinese date format");
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
