//! The status spreadsheet read back with calamine.

mod common;

use baosong::compile::xlsx;
use calamine::{Data, Reader, Xlsx};

#[test]
fn xlsx_has_the_status_rows_with_filters_and_frozen_header() {
    let report = common::report(Vec::new());
    let bytes = xlsx::render(&report).unwrap();
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

    let photos = book.worksheet_range("活动照片").unwrap();
    let row4: Vec<&Data> = photos.rows().nth(4).unwrap().iter().collect();
    assert_eq!(row4[4], &Data::String("材料不全".into()));
    assert_eq!(row4[5], &Data::String("照片2张，需至少3张".into()));
    let late = book.worksheet_range("活动总结").unwrap();
    assert_eq!(late.rows().nth(2).unwrap()[8], Data::Float(2.0));

    // Filters and frozen panes live in the sheet XML.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 1..=4 {
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(xml.contains("<autoFilter ref=\"A1:"), "sheet{i} autofilter");
        assert!(xml.contains("state=\"frozen\""), "sheet{i} frozen header");
    }
}
