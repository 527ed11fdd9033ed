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
        baosong_generate::files::schedule_xlsx(Some("2023年某县政务公开日活动安排表"), &rows);
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

/// A sheet as another office lays it out: `above` rows (a title, a
/// 填报单位 line; a row's one text merged across the table, or its
/// cells side by side), then a header written on two rows, `headings`
/// merged down both unless they are a group: ("联系方式", [联系人, …])
/// merged across over its sub-headings, then `rows`.
fn two_row_header_workbook(
    path: &std::path::Path,
    above: &[&[&str]],
    headings: &[(&str, &[&str])],
    rows: &[&[&str]],
) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let plain = Format::new();
    let width: u16 = headings
        .iter()
        .map(|(_, sub)| sub.len().max(1) as u16)
        .sum();
    let mut r = 0u32;
    for line in above {
        match line {
            [one] => {
                ws.merge_range(r, 0, r, width - 1, one, &plain).unwrap();
            }
            cells => {
                for (c, text) in cells.iter().enumerate() {
                    if !text.is_empty() {
                        ws.write_string(r, c as u16 * 3, *text).unwrap();
                    }
                }
            }
        }
        r += 1;
    }
    let mut c = 0u16;
    for (heading, sub) in headings {
        if sub.is_empty() {
            ws.merge_range(r, c, r + 1, c, heading, &plain).unwrap();
            c += 1;
        } else {
            let last = c + sub.len() as u16 - 1;
            ws.merge_range(r, c, r, last, heading, &plain).unwrap();
            for s in *sub {
                ws.write_string(r + 1, c, *s).unwrap();
                c += 1;
            }
        }
    }
    r += 2;
    for row in rows {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(r, c as u16, *text).unwrap();
            }
        }
        r += 1;
    }
    book.save(path).unwrap();
}

/// `baosong init` on `schedule` in `dir`: its stdout and the campaign
/// it wrote, loaded as `run` loads it.
fn init(dir: &std::path::Path, schedule: &str) -> (String, String, baosong::campaign::Campaign) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .args(["init", "--schedule"])
        .arg(dir.join(schedule))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("campaign.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let campaign =
        baosong::campaign::Campaign::load(&path).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (stdout, text, campaign)
}

/// Every unit of the campaign with its addresses.
fn addresses(c: &baosong::campaign::Campaign) -> Vec<(String, Vec<String>)> {
    c.roster
        .units
        .iter()
        .map(|u| (u.name.clone(), u.emails().map(String::from).collect()))
        .collect()
}

/// The sections that decide who gets mail are written out, each line
/// explained.
fn mail_sections_are_written_out(text: &str) {
    for section in ["[mail]", "[reminders]", "[report_mail]"] {
        let line = text
            .lines()
            .find(|l| l.starts_with(section))
            .unwrap_or_else(|| panic!("{section} missing\n{text}"));
        assert!(line.contains('#'), "{section} is explained");
    }
}

/// A 市's schedule: a title merged across, a 填报单位 line under it, a
/// two-row header with 联系方式 merged over 联系人 / 联系电话 / 邮箱, and
/// the header printed again where the sheet's second page starts.
#[test]
fn init_reads_a_city_schedule_with_a_two_row_header() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let contact: &[&str] = &["联系人", "联系电话", "邮箱"];
    two_row_header_workbook(
        &d.join("安排表.xlsx"),
        &[
            &["2025年岳阳市“5·15政务公开日”活动安排表"],
            &["填报单位：岳阳市人民政府办公室（政务公开办）　　填报日期：2025年4月28日"],
        ],
        &[
            ("序号", &[]),
            ("责任单位", &[]),
            ("活动主题", &[]),
            ("开展时间", &[]),
            ("联系方式", contact),
        ],
        &[
            &[
                "1",
                "市教育局",
                "校园开放日",
                "5月15日",
                "王芳",
                "0730-8881234",
                "jyj@yy.example.gov.cn",
            ],
            &[
                "2",
                "市公安局",
                "平安宣传进社区",
                "5月16日",
                "李明",
                "13907301234",
                "gaj@yy.example.gov.cn",
            ],
            &[
                "3",
                "市卫生健康委",
                "健康义诊",
                "5月20日至22日",
                "张华",
                "0730-8885678",
                "wjw@yy.example.gov.cn；zhanghua@163.com",
            ],
            &[
                "序号",
                "责任单位",
                "活动主题",
                "开展时间",
                "联系人",
                "联系电话",
                "邮箱",
            ],
            &[
                "4",
                "市生态环境局",
                "环保设施向公众开放",
                "5月23日",
                "刘洋",
                "0730-8889999",
                "sthjj@yy.example.gov.cn",
            ],
        ],
    );
    let (stdout, text, c) = init(d, "安排表.xlsx");

    assert_eq!(
        c.file.campaign.title, "2025年岳阳市“5·15政务公开日”活动",
        "{text}"
    );
    assert_eq!(c.file.campaign.office, "岳阳市人民政府办公室");
    assert!(
        c.file.campaign.id.starts_with("2025-shi-"),
        "{}",
        c.file.campaign.id
    );
    assert_eq!(c.file.campaign.year, 2025);
    assert_eq!(
        addresses(&c),
        [
            ("市教育局", vec!["jyj@yy.example.gov.cn"]),
            ("市公安局", vec!["gaj@yy.example.gov.cn"]),
            (
                "市卫生健康委",
                vec!["wjw@yy.example.gov.cn", "zhanghua@163.com"]
            ),
            ("市生态环境局", vec!["sthjj@yy.example.gov.cn"]),
        ]
        .map(|(u, a)| (u.to_string(), a.into_iter().map(String::from).collect()))
    );
    // The 填报单位 line is neither the title nor a group.
    assert!(
        c.groups.keys().all(|g| !g.contains("填报")),
        "{:?}",
        c.groups.keys()
    );
    for expected in [
        "表头在第3–4行（两行表头）",
        "联系方式/邮箱 → 邮箱",
        "联系方式/联系电话 → 电话",
        "“填报单位：岳阳市人民政府办公室（政务公开办）　　填报日期：2025年4月28日”不作标题",
        "牵头单位：岳阳市人民政府办公室（按标题中的地名推定，请核对）",
        "共4个单位、4项活动",
        "第8行：重复的表头行（责任单位），不是单位，已跳过",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    assert!(!stdout.contains("没有有效邮箱"), "{stdout}");
    mail_sections_are_written_out(&text);
}

/// A 区's schedule, typed another way: an 附件 label, the title merged
/// across, 填报单位 and 日期 in two cells side by side, 单位名称 / 活动名称
/// / 活动时间 / 活动地点 and 联系方式 over 联系人 / 手机 / 电子邮箱; one unit
/// gave no address.
#[test]
fn init_reads_a_district_schedule_and_names_the_unit_without_an_address() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let contact: &[&str] = &["联系人", "手机", "电子邮箱"];
    two_row_header_workbook(
        &d.join("岳麓区活动安排.xlsx"),
        &[
            &["附件1", ""],
            &["长沙市岳麓区2025年政务公开日活动安排表"],
            &["填报单位：岳麓区政务服务中心", "日期：2025年5月6日"],
        ],
        &[
            ("序号", &[]),
            ("单位名称", &[]),
            ("活动名称", &[]),
            ("活动时间", &[]),
            ("活动地点", &[]),
            ("联系方式", contact),
        ],
        &[
            &[
                "1",
                "区教育局",
                "“开学第一课”政务公开进校园",
                "2025年5月15日",
                "岳麓区第一中学",
                "陈静",
                "13812345678",
                "jyj@yl.example.gov.cn",
            ],
            &[
                "2",
                "区人力资源和社会保障局",
                "就业政策宣讲",
                "5月16日",
                "区政务服务中心",
                "周强",
                "13912345678",
                "rsj@yl.example.gov.cn",
            ],
            &[
                "3",
                "区市场监督管理局",
                "食品安全开放日",
                "5月18日",
                "",
                "吴敏",
                "13712345678",
                "scjgj@yl.example.gov.cn",
            ],
            &[
                "4",
                "区城市管理和综合执法局",
                "城管开放日",
                "6月5日",
                "",
                "郑伟",
                "13612345678",
                "",
            ],
        ],
    );
    let (stdout, text, c) = init(d, "岳麓区活动安排.xlsx");

    assert_eq!(
        c.file.campaign.title, "长沙市岳麓区2025年政务公开日活动",
        "{text}"
    );
    assert_eq!(c.file.campaign.office, "岳麓区人民政府办公室");
    assert!(
        c.file.campaign.id.starts_with("2025-qu-"),
        "{}",
        c.file.campaign.id
    );
    let units = addresses(&c);
    assert_eq!(units.len(), 4, "{units:?}");
    assert_eq!(units[0].1, ["jyj@yl.example.gov.cn"]);
    assert!(units[3].1.is_empty());
    assert!(
        c.groups
            .keys()
            .all(|g| !g.contains("填报") && !g.contains("日期"))
    );
    for expected in [
        "表头在第4–5行（两行表头）",
        "联系方式/电子邮箱 → 邮箱",
        "联系方式/手机 → 电话",
        "“日期：2025年5月6日”不作标题",
        "共4个单位、4项活动",
        "以下1个单位在安排表中没有有效邮箱，无法收到回执和催报：区城市管理和综合执法局",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    mail_sections_are_written_out(&text);
}
