//! The third shipped example: 临江市城东区 2024年政务公开主题日 — a
//! district's plan over a whole year, the shape most district and county
//! plans take: each unit holds its own 主题日 in its own month, "活动开展前
//! 提前5个工作日将活动方案报备；活动开展后5个工作日内报送情况报告（含相关图文、
//! 视频资料）". So every unit owes a plan *before* its activity and a report
//! with photos *after* it, and a video if it has one (optional).
//!
//! The schedule is typed as an office types one: a two-row header with the
//! contacts under a merged 联系方式, times written every way (a date cell,
//! 4月下旬, 5月16日-17日, 6月, 第三季度, 9月（待定）, 11月中旬, 12月上旬, and
//! one 待定), one row naming two units (a joint activity), a 街道 among the
//! 区 departments. The office re-dates one activity mid-year ([`REDATED`]:
//! the schedule of the first nights says 8月16日, later ones 9月20日) and
//! cancels another in campaign.toml. Deadlines on both sides straddle the
//! 劳动节, 中秋 and 国庆 holidays and the 调休 working Saturdays and Sundays
//! of 2024. Units write their names short (区市场监管局, 区人社局, 东湖街道).
//!
//! The inbox plays over six nights ([`NIGHTS`]); e-mails arrive when the
//! server received them, folder files when a batch first sees them (all on
//! the last night), so one run at the campaign's clock and a replay night by
//! night end in the same states.
//!
//! `baosong-generate example chengdong-2024 DIR` writes the schedule and the
//! inbox; `examples/chengdong-2024/` holds its output and the campaign.toml.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::files::{self, PhotoSpec};

/// The six nights the example is played over (北京时间, 20:00): after the
/// first activity; after the 劳动节; mid-August, before the re-dating;
/// after it, at the end of September; after the 国庆 holiday; mid-December.
pub const NIGHTS: [&str; 6] = [
    "2024-03-20T20:00",
    "2024-05-13T20:00",
    "2024-08-13T20:00",
    "2024-09-27T20:00",
    "2024-10-16T20:00",
    "2024-12-18T20:00",
];

/// The re-dated activity: the unit, its time before and after, and the
/// first night whose schedule has the new time.
pub const REDATED: (&str, &str, &str, usize) = ("区住房和城乡建设局", "8月16日", "9月20日", 3);

/// How the 开展时间 cell is typed.
#[derive(Debug, Clone, Copy)]
enum When {
    /// A real date cell shown as 3月15日.
    Date(u8, u8),
    /// Text as typed.
    Text(&'static str),
}

/// One schedule row: 责任单位 as the cell holds it, 活动主题, 开展时间,
/// 联系人, 联系电话, 电子邮箱.
struct Row {
    unit: &'static str,
    theme: &'static str,
    when: When,
    contact: &'static str,
    phone: &'static str,
    email: &'static str,
}

const ROWS: [Row; 13] = [
    Row {
        unit: "区发展和改革局",
        theme: "优化营商环境政策宣讲",
        when: When::Date(3, 15),
        contact: "王晓东",
        phone: "0731-8520101",
        email: "fgj@cd.example.gov.cn",
    },
    Row {
        unit: "区人力资源和社会保障局",
        theme: "春风行动·就业政策进园区",
        when: When::Text("4月下旬"),
        contact: "李敏",
        phone: "0731-8520102",
        email: "rsj@cd.example.gov.cn",
    },
    Row {
        unit: "区卫生健康局",
        theme: "家庭医生签约服务宣传",
        when: When::Text("5月16日-17日"),
        contact: "张静",
        phone: "13807310103",
        email: "wjj@cd.example.gov.cn",
    },
    Row {
        unit: "区市场监督管理局",
        theme: "食品安全宣传周",
        when: When::Text("6月"),
        contact: "刘洋",
        phone: "0731-8520104",
        email: "scjgj@cd.example.gov.cn",
    },
    Row {
        unit: "区医疗保障局、区财政局",
        theme: "医保基金监管集中宣传",
        when: When::Date(7, 10),
        contact: "陈晨",
        phone: "0731-8520105",
        email: "ybj@cd.example.gov.cn；czj@cd.example.gov.cn",
    },
    Row {
        unit: "区民政局",
        theme: "养老服务政策进社区",
        when: When::Text("第三季度"),
        contact: "杨帆",
        phone: "0731-8520106",
        email: "mzj@cd.example.gov.cn",
    },
    Row {
        unit: "区住房和城乡建设局",
        theme: "老旧小区改造政策解读",
        when: When::Text("8月16日"),
        contact: "赵磊",
        phone: "0731-8520107",
        email: "zjj@cd.example.gov.cn",
    },
    Row {
        unit: "区教育局",
        theme: "义务教育招生政策开放日",
        when: When::Text("9月（待定）"),
        contact: "孙丽",
        phone: "0731-8520108",
        email: "jyj@cd.example.gov.cn",
    },
    Row {
        unit: "区应急管理局",
        theme: "消防安全宣传进企业",
        when: When::Date(10, 9),
        contact: "周强",
        phone: "0731-8520109",
        email: "yjj@cd.example.gov.cn",
    },
    Row {
        unit: "区退役军人事务局",
        theme: "优抚政策宣传",
        when: When::Text("11月上旬"),
        contact: "吴刚",
        phone: "0731-8520110",
        email: "tyjrj@cd.example.gov.cn",
    },
    Row {
        unit: "区司法局",
        theme: "民法典宣传进万家",
        when: When::Text("11月中旬"),
        contact: "郑红",
        phone: "0731-8520111",
        email: "sfj@cd.example.gov.cn",
    },
    Row {
        unit: "东湖街道办事处",
        theme: "政务服务进网格",
        when: When::Text("12月上旬"),
        contact: "冯燕",
        phone: "0731-8520112",
        email: "dhjd@cd.example.gov.cn",
    },
    Row {
        unit: "国家税务总局临江市城东区税务局",
        theme: "税费优惠政策辅导",
        when: When::Text("待定"),
        contact: "何平",
        phone: "0731-8520113",
        email: "swj@cd.example.gov.cn",
    },
];

const TITLE: &str = "2024年城东区政务公开主题日活动安排表";

/// The schedule as the office has it on `night` (0-based): before
/// [`REDATED`]'s night the re-dated activity is at its first time.
pub fn schedule_xlsx(night: usize) -> Vec<u8> {
    let mut book = Workbook::new();
    let border = Format::new().set_border(FormatBorder::Thin);
    let head = border
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = border
        .clone()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let date = cell.clone().set_num_format("m\"月\"d\"日\"");
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);

    let ws = book.add_worksheet();
    ws.set_name("活动安排").expect("sheet name");
    ws.merge_range(0, 0, 0, 6, TITLE, &title).expect("merge");
    for (c, h) in ["序号", "责任单位", "活动主题", "开展时间"]
        .iter()
        .enumerate()
    {
        ws.merge_range(1, c as u16, 2, c as u16, h, &head)
            .expect("merge");
    }
    ws.merge_range(1, 4, 1, 6, "联系方式", &head)
        .expect("merge");
    for (c, h) in ["联系人", "联系电话", "电子邮箱"].iter().enumerate() {
        ws.write_string_with_format(2, 4 + c as u16, *h, &head)
            .expect("write");
    }
    for (i, row) in ROWS.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &cell)
            .expect("write");
        ws.write_string_with_format(r, 1, row.unit, &cell)
            .expect("write");
        ws.write_string_with_format(r, 2, row.theme, &cell)
            .expect("write");
        let when = if row.unit == REDATED.0 {
            When::Text(if night < REDATED.3 {
                REDATED.1
            } else {
                REDATED.2
            })
        } else {
            row.when
        };
        match when {
            When::Date(m, d) => {
                let day = ExcelDateTime::from_ymd(2024, m, d).expect("date");
                ws.write_datetime_with_format(r, 3, &day, &date).map(|_| ())
            }
            When::Text(t) => ws.write_string_with_format(r, 3, t, &cell).map(|_| ()),
        }
        .expect("write");
        for (c, v) in [row.contact, row.phone, row.email].iter().enumerate() {
            ws.write_string_with_format(r, 4 + c as u16, *v, &cell)
                .expect("write");
        }
    }
    for (c, w) in [6.0, 26.0, 30.0, 14.0, 10.0, 14.0, 30.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w).expect("width");
    }
    files::save_workbook(&mut book)
}

/// The office's 统一收信邮箱.
const OFFICE: &str = "zwgk@cd.example.gov.cn";

fn photos(unit: &str, n: usize, taken: &str, seed: u64) -> Vec<(String, Vec<u8>)> {
    (1..=n)
        .map(|i| {
            let spec = PhotoSpec {
                width: 1280,
                height: 960,
                orientation: 1,
                taken: Some(taken.to_string()),
                quality: 72,
                grain: 6,
            };
            (
                format!("{unit}活动照片{i}.jpg"),
                files::photo(seed + i as u64, &spec),
            )
        })
        .collect()
}

/// A unit's 活动方案, filed before its activity.
fn plan(unit: &str, theme: &str, when: &str) -> (String, Vec<u8>) {
    (
        format!("{unit}“{theme}”活动方案.docx"),
        files::summary_docx(
            &format!("{unit}2024年政务公开主题日“{theme}”活动方案"),
            &[
                format!("根据《2024年城东区政务公开主题日活动方案》安排，为做好“{theme}”主题日活动，制定本方案。"),
                format!("一、活动时间和地点。{when}，在单位办事大厅及所联系社区开展。"),
                "二、活动内容。围绕群众关心关注的政策，开展政策解读、现场咨询、“政府开放日”体验等活动，邀请人大代表、政协委员和群众代表参加。".to_string(),
                "三、工作要求。明确专人负责，统一使用“政务公开主题日”标识，活动结束后5个工作日内报送活动情况报告及图文、视频资料。".to_string(),
            ],
            &[],
        ),
    )
}

/// A unit's 情况报告 after its activity.
fn report(unit: &str, theme: &str, when: &str) -> (String, Vec<u8>) {
    (
        format!("{unit}“{theme}”活动情况报告.docx"),
        files::summary_docx(
            &format!("关于{unit}开展“{theme}”政务公开主题日活动的情况报告"),
            &[
                "区政府办公室：".to_string(),
                format!("按照《2024年城东区政务公开主题日活动方案》要求，我单位于{when}开展了“{theme}”主题日活动，现将有关情况报告如下。"),
                "一、精心组织。主要负责同志专题部署，制定活动方案并提前报备，在政府网站发布活动预告。".to_string(),
                "二、形式多样。设置政策咨询台和宣传展板，发放宣传资料五百余份，现场解答群众咨询四十余人次，收集意见建议十二条。".to_string(),
                "三、下一步打算。持续做好政策解读和回应关切，推动政务公开工作常态化。".to_string(),
            ],
            &[],
        ),
    )
}

/// One submission: the night it is first in the inbox (0-based), its
/// path under `inbox/`, and its bytes.
pub type Entry = (usize, String, Vec<u8>);

/// The night whose batch first sees an e-mail received at `received`.
fn night_of(received: &str) -> usize {
    let at = chrono::DateTime::parse_from_rfc2822(received).expect("valid demo date");
    NIGHTS
        .iter()
        .position(|n| {
            chrono::DateTime::parse_from_rfc3339(&format!("{n}:00+08:00")).expect("night") >= at
        })
        .expect("every demo mail comes before the last night")
}

/// A saved e-mail from a unit (`name` as the unit signs) to the office.
fn mail(
    name: &str,
    from: &str,
    received: &str,
    subject: &str,
    attachments: Vec<(String, Vec<u8>)>,
) -> Entry {
    (
        night_of(received),
        format!("邮件/{subject}.eml"),
        files::eml(
            (name, from),
            OFFICE,
            subject,
            received,
            &format!("区政府办公室：\n\n{subject}，详见附件，请查收。\n\n{name}"),
            &attachments,
        ),
    )
}

/// Every file of the example's inbox with the night it belongs to.
pub fn inbox() -> Vec<Entry> {
    let with_photos = |mut att: Vec<(String, Vec<u8>)>, unit: &str, taken: &str, seed: u64| {
        att.extend(photos(unit, 3, taken, seed));
        att
    };
    let mut out = vec![
        // 区发展和改革局, 15 March: everything on time.
        mail(
            "区发改局",
            "fgj@cd.example.gov.cn",
            "Wed, 6 Mar 2024 16:30:00 +0800",
            "区发改局优化营商环境政策宣讲活动方案",
            vec![plan("区发改局", "优化营商环境政策宣讲", "3月15日")],
        ),
        mail(
            "区发改局",
            "fgj@cd.example.gov.cn",
            "Tue, 19 Mar 2024 10:15:00 +0800",
            "区发改局政务公开主题日活动情况报告及照片",
            with_photos(
                vec![report("区发改局", "优化营商环境政策宣讲", "3月15日")],
                "区发改局",
                "2024:03:15 09:30:00",
                10,
            ),
        ),
        // 区人社局, 4月下旬: the plan two working days late (due 15 April);
        // the report on 13 May, late by two working days (due 10 May, after
        // the 劳动节; 11 May, a Saturday, was a working day); two photos.
        mail(
            "城东区人社局",
            "rsj@cd.example.gov.cn",
            "Wed, 17 Apr 2024 09:00:00 +0800",
            "城东区人社局春风行动活动方案（补报）",
            vec![plan("城东区人社局", "春风行动·就业政策进园区", "4月下旬")],
        ),
        mail(
            "城东区人社局",
            "rsj@cd.example.gov.cn",
            "Mon, 13 May 2024 09:20:00 +0800",
            "城东区人社局春风行动活动情况报告",
            {
                let mut att = vec![report("城东区人社局", "春风行动·就业政策进园区", "4月25日")];
                att.extend(photos("人社局", 2, "2024:04:25 10:00:00", 20));
                att
            },
        ),
        // 区卫健局, 16–17 May: no plan ever (due 10 May, the 调休 Saturday
        // counted); report, photos and a video on time.
        mail(
            "区卫健局",
            "wjj@cd.example.gov.cn",
            "Wed, 22 May 2024 15:00:00 +0800",
            "区卫健局家庭医生签约服务宣传活动情况报告、照片及视频",
            {
                let mut att = with_photos(
                    vec![report("区卫健局", "家庭医生签约服务宣传", "5月16日至17日")],
                    "区卫健局",
                    "2024:05:16 09:00:00",
                    30,
                );
                att.push(("区卫健局活动视频.mp4".to_string(), files::video(2 << 20)));
                att
            },
        ),
        // 区市场监管局, 6月 (1–30 June): the plan on time (due 27 May); the
        // report, photos and video a working day late (due 5 July).
        mail(
            "区市场监管局",
            "scjgj@cd.example.gov.cn",
            "Fri, 24 May 2024 11:00:00 +0800",
            "区市场监管局食品安全宣传周活动方案",
            vec![plan("区市场监管局", "食品安全宣传周", "6月")],
        ),
        mail(
            "区市场监管局",
            "scjgj@cd.example.gov.cn",
            "Mon, 8 Jul 2024 09:30:00 +0800",
            "区市场监管局食品安全宣传周活动情况报告及图片视频",
            {
                let mut att = with_photos(
                    vec![report("区市场监管局", "食品安全宣传周", "6月12日至18日")],
                    "区市场监管局",
                    "2024:06:12 10:00:00",
                    40,
                );
                att.push(("食品安全宣传周.mp4".to_string(), files::video(2 << 20)));
                att
            },
        ),
        // The joint activity, 10 July: the plan from 区财政局, the report
        // from 区医保局, one each for both.
        mail(
            "区财政局",
            "czj@cd.example.gov.cn",
            "Tue, 2 Jul 2024 17:00:00 +0800",
            "区财政局、区医保局医保基金监管集中宣传活动方案",
            vec![plan(
                "区财政局、区医保局",
                "医保基金监管集中宣传",
                "7月10日",
            )],
        ),
        mail(
            "区医保局",
            "ybj@cd.example.gov.cn",
            "Mon, 15 Jul 2024 10:00:00 +0800",
            "区医保局医保基金监管集中宣传活动情况报告",
            with_photos(
                vec![report("区医保局", "医保基金监管集中宣传", "7月10日")],
                "区医保局",
                "2024:07:10 09:30:00",
                50,
            ),
        ),
        // 区民政局, 第三季度: the plan before 1 July; the report due 12
        // October (the 国庆 holiday skipped, Saturday the 12th a working
        // day) comes on Monday the 14th, one working day late.
        mail(
            "区民政局",
            "mzj@cd.example.gov.cn",
            "Thu, 20 Jun 2024 10:00:00 +0800",
            "区民政局养老服务政策进社区活动方案",
            vec![plan("区民政局", "养老服务政策进社区", "第三季度")],
        ),
        mail(
            "区民政局",
            "mzj@cd.example.gov.cn",
            "Mon, 14 Oct 2024 09:00:00 +0800",
            "区民政局养老服务政策进社区活动情况报告",
            with_photos(
                vec![report("区民政局", "养老服务政策进社区", "9月24日")],
                "区民政局",
                "2024:09:24 15:00:00",
                60,
            ),
        ),
        // 区住建局: the plan on 12 August, late for 16 August (due 9 August);
        // the office then moves the activity to 20 September, and the plan
        // is on time for it (due 12 September); the report on time.
        mail(
            "区住建局",
            "zjj@cd.example.gov.cn",
            "Mon, 12 Aug 2024 16:00:00 +0800",
            "区住建局老旧小区改造政策解读活动方案",
            vec![plan("区住建局", "老旧小区改造政策解读", "8月16日")],
        ),
        mail(
            "区住建局",
            "zjj@cd.example.gov.cn",
            "Wed, 25 Sep 2024 10:00:00 +0800",
            "区住建局老旧小区改造政策解读活动情况报告",
            with_photos(
                vec![report("区住建局", "老旧小区改造政策解读", "9月20日")],
                "区住建局",
                "2024:09:20 09:00:00",
                70,
            ),
        ),
        // 区教育局, 9月（待定）: the plan on time; nothing after.
        mail(
            "区教育局",
            "jyj@cd.example.gov.cn",
            "Mon, 12 Aug 2024 11:00:00 +0800",
            "区教育局义务教育招生政策开放日活动方案",
            vec![plan("区教育局", "义务教育招生政策开放日", "9月")],
        ),
        // 区应急局, 9 October: the plan due 26 September (the holiday
        // skipped, Sunday the 29th a working day) on time; the report never;
        // the photos on 21 October, late.
        mail(
            "区应急局",
            "yjj@cd.example.gov.cn",
            "Wed, 25 Sep 2024 15:00:00 +0800",
            "区应急局消防安全宣传进企业活动方案",
            vec![plan("区应急局", "消防安全宣传进企业", "10月9日")],
        ),
        mail(
            "区应急局",
            "yjj@cd.example.gov.cn",
            "Mon, 21 Oct 2024 16:00:00 +0800",
            "区应急局消防安全宣传进企业活动照片",
            photos("区应急局", 3, "2024:10:09 14:00:00", 80),
        ),
        // 区司法局, 11月中旬: everything on time.
        mail(
            "区司法局",
            "sfj@cd.example.gov.cn",
            "Fri, 1 Nov 2024 10:00:00 +0800",
            "区司法局民法典宣传进万家活动方案",
            vec![plan("区司法局", "民法典宣传进万家", "11月中旬")],
        ),
        mail(
            "区司法局",
            "sfj@cd.example.gov.cn",
            "Fri, 22 Nov 2024 16:00:00 +0800",
            "区司法局民法典宣传进万家活动情况报告",
            with_photos(
                vec![report("区司法局", "民法典宣传进万家", "11月15日")],
                "区司法局",
                "2024:11:15 09:30:00",
                90,
            ),
        ),
    ];
    // 东湖街道, 12月上旬: no plan; the report and photos copied into a
    // folder after their deadline (17 December).
    let last = NIGHTS.len() - 1;
    let (name, bytes) = report("东湖街道", "政务服务进网格", "12月6日");
    out.push((last, format!("东湖街道/{name}"), bytes));
    for (name, bytes) in photos("东湖街道", 3, "2024:12:06 10:00:00", 100) {
        out.push((last, format!("东湖街道/{name}"), bytes));
    }
    out
}

/// Writes the schedule as it stands at the end (`活动安排表.xlsx`) and the
/// inbox (`inbox/`) into `dir`.
pub fn write_demo(dir: &Path) -> std::io::Result<()> {
    files::write(dir, "活动安排表.xlsx", &schedule_xlsx(NIGHTS.len() - 1))?;
    for (_, path, bytes) in inbox() {
        files::write(&dir.join("inbox"), &path, &bytes)?;
    }
    Ok(())
}
