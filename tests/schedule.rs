//! The office's schedule spreadsheet as offices really write it: title rows
//! above the header, merged cells, line breaks in cells, a unit named twice,
//! every way of writing a time, and rows that cannot be understood (each
//! reported with its sheet, row and reason).

mod common;

use baosong::campaign::schedule;
use baosong::inspect::Limits;
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

    let s = schedule::read(&path, Some(2025), &Limits::default()).unwrap();
    let by_seq = |seq: &str| s.rows.iter().find(|r| r.seq == seq).unwrap();
    let span = |seq: &str| {
        by_seq(seq)
            .time
            .as_ref()
            .map(|t| (t.start, t.end, t.month_only))
    };

    assert_eq!(span("1"), Some((d(5, 1), d(5, 31), true)));
    assert_eq!(by_seq("1").contacts[0].name.as_deref(), Some("王警官"));
    assert_eq!(by_seq("2").theme, "推动绩效管理提质增效");
    assert_eq!(span("2"), Some((d(6, 1), d(8, 31), true)));
    assert_eq!(span("3"), Some((d(6, 26), d(6, 26), false)));
    assert_eq!(span("4"), Some((d(5, 15), d(5, 19), false)));
    assert_eq!(by_seq("5").time, None);
    assert_eq!(
        by_seq("5").undetermined,
        Some(baosong::campaign::timetext::Undetermined::Pending)
    );
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
        problems.iter().any(|p| p.contains("第8行（D8单元格）")
            && p.contains("待定")
            && p.contains("请在安排表中写明日期")
            && p.contains("deadline = { at =")),
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
    let s = schedule::read(
        &corpus.join("xlsx/2025年政务公开日活动安排表.xlsx"),
        Some(2025),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(s.rows.len(), 10);
    assert!(s.rows.iter().all(|r| r.time.is_some()), "{:?}", s.problems);
    assert!(s.rows.iter().all(|r| !r.contacts.is_empty()));
    let s = schedule::read(
        &corpus.join("ods/活动安排表_WPS导出.ods"),
        Some(2025),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(s.rows.len(), 6);
    assert!(s.rows.iter().all(|r| r.time.is_some()), "{:?}", s.problems);
}

fn jianchang() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jianchang-2023/活动安排表.xlsx")
}

#[test]
fn every_sheet_of_the_jianchang_workbook_is_read() {
    use schedule::SheetKind;
    let s = schedule::read(&jianchang(), None, &Limits::default()).unwrap();
    // The year is the one the date cells state, not this year.
    assert_eq!(s.year, 2023);
    assert!(s.stated_year.unwrap().source.contains("附件1"));
    let kinds: Vec<(&str, &SheetKind, usize)> = s
        .sheets
        .iter()
        .map(|x| (x.name.as_str(), &x.kind, x.entries))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("附件1", &SheetKind::Activities, 15),
            ("附件2", &SheetKind::Units, 21),
            ("联系人", &SheetKind::Contacts, 22),
        ]
    );
    assert_eq!(
        s.sheets[0].title.as_deref(),
        Some("“重要工作部门谈,行政决策大家看”活动参加部门")
    );
    // Dates merged down the 时间 column, read as the office wrote them.
    assert!(s.rows.iter().all(|r| r.time.is_some()));
    assert_eq!(s.rows[2].time_text, "5月15日");
    assert_eq!(s.rows[3].time_text, "5月16日");
    assert_eq!(s.rows[3].units, vec!["县农业农村局", "县乡村振兴局"]);
    assert_eq!(s.rows[9].units, vec!["生态环境局建昌分局"]);
    // The duty of a unit list is its title.
    assert_eq!(s.listed[0].duty.as_deref(), Some("现场宣传活动"));
    assert_eq!(s.listed[7].name, "葫芦岛市生态环境局建昌分局");

    // Contact cells as offices type them.
    let emails = |unit: &str| -> Vec<String> {
        s.contacts
            .iter()
            .filter(|c| c.unit == unit)
            .flat_map(|c| &c.contacts)
            .filter_map(|c| c.email.clone())
            .collect()
    };
    let phone = |unit: &str| {
        s.contacts.iter().find(|c| c.unit == unit).unwrap().contacts[0]
            .phone
            .clone()
    };
    assert_eq!(emails("县营商局").len(), 2, "full-width ；");
    assert_eq!(emails("县农业农村局").len(), 2, "comma");
    assert_eq!(emails("县文旅局").len(), 2, "new line");
    assert_eq!(emails("县招商中心").len(), 2, "、");
    assert_eq!(emails("县卫生健康局").len(), 2, "spaced full-width ，");
    assert_eq!(
        emails("县工信局"),
        vec!["gxj@jc.example.gov.cn"],
        "stray spaces"
    );
    assert_eq!(emails("县自然资源局").len(), 1, "a trailing ；");
    assert!(
        emails("县人社局").is_empty(),
        "the only address is malformed"
    );
    assert_eq!(
        phone("县发改局").as_deref(),
        Some("7710021"),
        "a number cell"
    );
    assert_eq!(phone("县工信局").as_deref(), Some("13904291001"));
    assert_eq!(phone("县营商局").as_deref(), Some("0429-7710022"), "text");
    // 县人社局 stays a unit with its phone, without the address.
    assert_eq!(phone("县人社局").as_deref(), Some("7710034"));

    let problems: Vec<String> = s.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("工作表“附件2”第25行") && problems[0].contains("展板"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("工作表“联系人”第15行（E15单元格）")
            && problems[1].contains("rsj@@jc.example.gov.cn"),
        "{problems:?}"
    );
}

#[test]
fn the_year_comes_from_a_title_when_no_date_states_it() {
    let rows = [("县公安局", "禁毒宣传", "5月15日")];
    let bytes =
        baosong::generate::files::schedule_xlsx(Some("2023年某县政务公开日活动安排表"), &rows);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("安排表.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let s = schedule::read(&path, None, &Limits::default()).unwrap();
    assert_eq!(s.year, 2023);
    assert!(s.stated_year.unwrap().source.contains("2023年某县"));
    assert_eq!(
        s.rows[0].time.as_ref().unwrap().start,
        NaiveDate::from_ymd_opt(2023, 5, 15).unwrap()
    );
    // Without it, the campaign's year is used.
    let s = schedule::read(&path, Some(2025), &Limits::default()).unwrap();
    assert_eq!(s.rows[0].time.as_ref().unwrap().start, d(5, 15));
}

#[test]
fn a_workbook_that_breaks_the_reader_is_an_error_never_a_panic() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect");
    let dir = tempfile::tempdir().unwrap();
    // Files the fuzzers found: calamine panics or allocates gigabytes.
    for name in [
        "fuzz_xls_formula_panic.xls",
        "fuzz_any_cfb_panic.xls",
        "fuzz_xls_sheet_area_oom.xls",
        "fuzz_xls_cfb_chain_oom.xls",
    ] {
        let path = dir.path().join(name);
        std::fs::copy(fixtures.join(name), &path).unwrap();
        let err = schedule::read(&path, Some(2025), &Limits::default()).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
    }
    // A photo named like a workbook.
    let path = dir.path().join("安排表.xlsx");
    std::fs::copy(fixtures.join("活动现场_exif_orientation6.jpg"), &path).unwrap();
    let err = schedule::read(&path, Some(2025), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("JPEG"), "{err}");
}
