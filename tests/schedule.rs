//! The office's schedule spreadsheet as offices really write it: title rows
//! above the header, merged cells, line breaks in cells, a unit named twice,
//! every way of writing a time, and rows that cannot be understood (each
//! reported with its sheet, row and reason).

mod common;

use baosong::campaign::schedule;
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, day).unwrap()
}

#[test]
fn a_messy_schedule_is_read_and_its_problems_reported() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("活动安排").unwrap();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.merge_range(0, 0, 0, 5, "泸溪县政务公开主题日活动安排表", &bold)
        .unwrap();
    let header = [
        "序号",
        "单位名称",
        "活动\n主题",
        "开展\n时间",
        "联系人",
        "联系电话",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &wrap).unwrap();
    }
    let rows: [[&str; 6]; 5] = [
        [
            "1",
            "县公安局",
            "5.15经济犯罪宣传日",
            "5月",
            "王警官",
            "0743-1",
        ],
        ["2", "县财政局", "推动绩效管理提质\n增效", "6-8月", "", ""],
        ["3", "县公安局", "6.26禁毒宣传", "", "", ""],
        ["4", "县民政局", "婚姻宣传", "5月15日至19日", "", ""],
        ["5", "县林业局", "毒菇宣传", "待定", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string_with_format(3 + r as u32, c as u16, *v, &wrap)
                    .unwrap();
            }
        }
    }
    // A real date cell for the 禁毒 row.
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    ws.write_datetime_with_format(5, 3, ExcelDateTime::from_ymd(2025, 6, 26).unwrap(), &date)
        .unwrap();
    // Two units sharing one merged time cell (建昌-style).
    ws.write_string(8, 0, "6").unwrap();
    ws.write_string(8, 1, "县发改局").unwrap();
    ws.write_string(8, 2, "重要工作部门谈").unwrap();
    ws.merge_range(8, 3, 9, 3, "5月15日", &Format::new())
        .unwrap();
    ws.write_string(9, 0, "7").unwrap();
    ws.write_string(9, 1, "县农业农村局 县乡村振兴局").unwrap();
    ws.write_string(9, 2, "推进乡村振兴").unwrap();
    // A footer merged across the table: not an activity.
    ws.merge_range(11, 0, 11, 5, "主办单位：泸溪县人民政府", &Format::new())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("安排表.xlsx");
    book.save(&path).unwrap();

    let s = schedule::read(&path, 2025).unwrap();
    let by_seq = |seq: &str| s.rows.iter().find(|r| r.seq == seq).unwrap();
    let span = |seq: &str| {
        by_seq(seq)
            .time
            .as_ref()
            .map(|t| (t.start, t.end, t.month_only))
    };

    assert_eq!(span("1"), Some((d(5, 1), d(5, 31), true)));
    assert_eq!(
        by_seq("1").contact.as_ref().unwrap().name.as_deref(),
        Some("王警官")
    );
    assert_eq!(by_seq("2").theme, "推动绩效管理提质增效");
    assert_eq!(span("2"), Some((d(6, 1), d(8, 31), true)));
    assert_eq!(span("3"), Some((d(6, 26), d(6, 26), false)));
    assert_eq!(span("4"), Some((d(5, 15), d(5, 19), false)));
    assert_eq!(by_seq("5").time, None);
    assert_eq!(span("6"), Some((d(5, 15), d(5, 15), false)));
    assert_eq!(
        span("7"),
        Some((d(5, 15), d(5, 15), false)),
        "merged time cell filled"
    );
    assert_eq!(by_seq("7").units, vec!["县农业农村局", "县乡村振兴局"]);
    // 县公安局 appears twice with two themes: two activities.
    assert_eq!(
        s.rows
            .iter()
            .filter(|r| r.units == vec!["县公安局"])
            .count(),
        2
    );

    let problems: Vec<String> = s.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("第8行") && p.contains("待定")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("第12行") && p.contains("主办单位")),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn schedules_from_the_corpus() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.exists() {
        common::unavailable("未找到共享语料 ../shared/corpus");
        return;
    }
    let s = schedule::read(&corpus.join("xlsx/2025年政务公开日活动安排表.xlsx"), 2025).unwrap();
    assert_eq!(s.rows.len(), 10);
    assert!(s.rows.iter().all(|r| r.time.is_some()), "{:?}", s.problems);
    assert!(s.rows.iter().all(|r| r.contact.is_some()));
    let s = schedule::read(&corpus.join("ods/活动安排表_WPS导出.ods"), 2025).unwrap();
    assert_eq!(s.rows.len(), 6);
    assert!(s.rows.iter().all(|r| r.time.is_some()), "{:?}", s.problems);
}
