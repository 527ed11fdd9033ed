//! The second shipped demo: 建昌县第十七届“5·15政务公开日” (2023), from the
//! seed notice `002_*.txt` — the other common shape of campaign. Two unit
//! lists with different duties (附件1: departments giving a video
//! interview, one row naming two units; 附件2: departments at the on-site
//! publicity day), fixed deadlines (访谈稿件 5月11日16时前; 活动总结 and
//! 记录照片 5月23日16时前), and a contacts sheet typed as an office types one.
//!
//! The inbox plays over three nights ([`NIGHTS`]); each file belongs to the
//! first night that sees it ([`inbox`]). Files whose time matters came by
//! e-mail, and arrive when the mail server received them (their `Received`
//! header), whether the batch runs that night or weeks later; files dropped
//! into folders arrive when a batch first sees them, so every folder file
//! here belongs to the last night. One `baosong run` at the campaign's
//! clock (the last night) and a replay night by night (`--now`) therefore
//! end in the same states.
//!
//! `baosong-generate example jianchang-2023 DIR` writes the schedule and the inbox;
//! `examples/jianchang-2023/` holds its output and the campaign.toml.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

use crate::files::{self, PhotoSpec};

/// The three nights the demo is played over (北京时间): before the
/// interview deadline, a few days before the summary deadline, and the
/// evening of the summary deadline, four hours after it.
pub const NIGHTS: [&str; 3] = ["2023-05-10T20:00", "2023-05-19T20:00", "2023-05-23T20:00"];

/// 附件1 as the notice lists it: (day in May, 单位名称 as the cell holds
/// it, 访谈主题). Days are merged down the 时间 column.
pub const ANNEX1: [(u32, &str, &str); 15] = [
    (
        15,
        "县发改局",
        "以项目建设为中心,积极扩大有效需求,在推动经济增长上实现新突破(全县投资和项目有关情况)",
    ),
    (15, "县营商局", "全面振兴新突破,打造一流营商环境"),
    (
        15,
        "县工信局",
        "加快产业结构调整,在建设现代化体系上实现新突破",
    ),
    (
        16,
        "县农业农村局\n县乡村振兴局",
        "坚持农业农村优先发展,推进乡村振兴实现新突破",
    ),
    (
        16,
        "县文旅局",
        "大力发展文化旅游业,在推动旅游产业上实现新突破",
    ),
    (16, "县招商中心", "全力推动招商引资项目建设实现新突破"),
    (
        17,
        "县交通局",
        "强化公共卫生医疗服务体系,推进卫生健康事业高质量发展",
    ),
    (17, "县市场局", "推进高质量监管、助力高质量发展"),
    (17, "县住建局", "实现住房和城乡建设领域全面振兴"),
    (
        18,
        "生态环境局\n建昌分局",
        "深入推进污染防治,在绿色低碳发展上实现新突破",
    ),
    (
        18,
        "县自然资源局",
        "坚持因地制宜,生态优先,推动绿色低碳高质量发展",
    ),
    (18, "县水利局", "全面振兴新突破,扎实推进民生水利建设"),
    (19, "县人社局", "有效扩大就业,夯实社会保障,不断增进民生福祉"),
    (19, "县民政局", "着力保障和改善民生,推进高质量发展"),
    (
        19,
        "县卫健局",
        "强化公共卫生医疗服务体系,推进卫生健康事业高质量发展",
    ),
];

/// 附件2 as the notice lists it.
pub const ANNEX2: [&str; 21] = [
    "县发改局",
    "县教育局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县人社局",
    "县自然资源局",
    "葫芦岛市生态环境局建昌分局",
    "县住建局",
    "县综合执法局",
    "县交通局",
    "县水利局",
    "县农业农村局",
    "县乡村振兴局",
    "县文旅局",
    "县卫健局",
    "县应急局",
    "县市场局",
    "县营商局",
    "县医保局",
    "县税务局",
];

const ANNEX1_TITLE: &str = "“重要工作部门谈,行政决策大家看”活动参加部门";
const ANNEX2_TITLE: &str = "现场宣传活动参加部门";
const ANNEX2_NOTE: &str = "(此项活动由县政府办公室负责组织,请各参加单位务必于5月15日9时前将活动展板展台布置完毕、人员就位)";

/// A phone as typed: a number cell or text.
enum Phone {
    Number(f64),
    Text(&'static str),
    None,
}

/// The contacts sheet as an office types it: addresses separated by ；,
/// 、, commas or new lines, stray spaces, phones as numbers or text, a
/// unit written in full (县卫生健康局), one typo (`@@`), one unit with no
/// address at all. Every address is made up (example domains).
const CONTACTS: [(&str, &str, Phone, &str); 22] = [
    (
        "县发改局",
        "王建国",
        Phone::Number(7710021.0),
        "fgj@jc.example.gov.cn",
    ),
    (
        "县营商局",
        "李娜",
        Phone::Text("0429-7710022"),
        "ysj@jc.example.gov.cn；yingshang2023@mail.example.com",
    ),
    (
        "县工信局",
        "张伟",
        Phone::Number(13904291001.0),
        "  gxj@jc.example.gov.cn ",
    ),
    (
        "县农业农村局",
        "刘洋",
        Phone::Text("13904291002"),
        "nyj@jc.example.gov.cn, nyncj@mail.example.com",
    ),
    (
        "县乡村振兴局",
        "陈静",
        Phone::Number(7710025.0),
        "xczx@jc.example.gov.cn",
    ),
    (
        "县文旅局",
        "赵磊",
        Phone::Text("0429-7710026 13904291003"),
        "wlj@jc.example.gov.cn\nwlj.office@mail.example.com",
    ),
    (
        "县招商中心",
        "孙丽",
        Phone::Number(7710027.0),
        "zszx@jc.example.gov.cn、zszx@mail.example.com",
    ),
    (
        "县交通局",
        "周强",
        Phone::Text("7710028"),
        "jtj@jc.example.gov.cn",
    ),
    (
        "县市场局",
        "吴敏",
        Phone::Number(7710029.0),
        "scj@jc.example.gov.cn",
    ),
    (
        "县住建局",
        "郑军",
        Phone::Text("0429－7710030"),
        "zjj@jc.example.gov.cn",
    ),
    (
        "葫芦岛市生态环境局建昌分局",
        "冯燕",
        Phone::Number(7710031.0),
        "sthj@jc.example.gov.cn",
    ),
    (
        "县自然资源局",
        "韩超",
        Phone::Number(7710032.0),
        "zrzy@jc.example.gov.cn；",
    ),
    (
        "县水利局",
        "杨帆",
        Phone::Text("7710033"),
        "slj@jc.example.gov.cn",
    ),
    (
        "县人社局",
        "朱红",
        Phone::Number(7710034.0),
        "rsj@@jc.example.gov.cn",
    ),
    (
        "县民政局",
        "秦海",
        Phone::Number(7710035.0),
        "mzj@jc.example.gov.cn",
    ),
    (
        "县卫生健康局",
        "许婷",
        Phone::Text("7710036"),
        "wjj@jc.example.gov.cn ， wjj.bgs@mail.example.com",
    ),
    (
        "县教育局",
        "何平",
        Phone::Number(7710037.0),
        "jyj@jc.example.gov.cn",
    ),
    (
        "县公安局",
        "吕刚",
        Phone::Number(7710038.0),
        "gaj@jc.example.gov.cn",
    ),
    ("县司法局", "施文", Phone::Number(7710039.0), ""),
    (
        "县综合执法局",
        "张悦",
        Phone::None,
        "zhzf@jc.example.gov.cn",
    ),
    (
        "县应急局",
        "孔明",
        Phone::Number(7710041.0),
        "yjj@jc.example.gov.cn",
    ),
    (
        "县医保局",
        "曹雪",
        Phone::Text("7710042"),
        "ybj@jc.example.gov.cn",
    ),
];

/// The schedule workbook: 附件1, 附件2 and 联系人, as an office attaches it
/// (附件 label and merged title above each table, real date cells shown as
/// 5月15日 and merged down, line breaks inside unit cells, a note merged
/// under 附件2). 县税务局 has no contacts row.
pub fn schedule_xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let date = Format::new()
        .set_num_format("m\"月\"d\"日\"")
        .set_align(FormatAlign::VerticalCenter);

    let ws = book.add_worksheet();
    ws.set_name("附件1").expect("sheet name");
    ws.write_string(0, 0, "附件1").expect("write");
    ws.merge_range(1, 0, 1, 2, ANNEX1_TITLE, &title)
        .expect("merge");
    for (c, h) in ["时间", "单位名称", "访谈主题"].iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)
            .expect("write");
    }
    let mut r = 3u32;
    for day in 15..=19 {
        let rows: Vec<&(u32, &str, &str)> = ANNEX1.iter().filter(|(d, _, _)| *d == day).collect();
        let when = ExcelDateTime::from_ymd(2023, 5, day as u8).expect("date");
        ws.merge_range(r, 0, r + rows.len() as u32 - 1, 0, "", &date)
            .expect("merge");
        ws.write_datetime_with_format(r, 0, &when, &date)
            .expect("write");
        for (_, unit, theme) in rows {
            ws.write_string_with_format(r, 1, *unit, &wrap)
                .expect("write");
            ws.write_string_with_format(r, 2, *theme, &wrap)
                .expect("write");
            r += 1;
        }
    }
    ws.set_column_width(1, 16).expect("width");
    ws.set_column_width(2, 60).expect("width");

    let ws = book.add_worksheet();
    ws.set_name("附件2").expect("sheet name");
    ws.write_string(0, 0, "附件2").expect("write");
    ws.merge_range(1, 0, 1, 1, ANNEX2_TITLE, &title)
        .expect("merge");
    ws.write_string_with_format(2, 0, "序号", &bold)
        .expect("write");
    ws.write_string_with_format(2, 1, "单位名称", &bold)
        .expect("write");
    for (i, unit) in ANNEX2.iter().enumerate() {
        ws.write_number(3 + i as u32, 0, (i + 1) as f64)
            .expect("write");
        ws.write_string(3 + i as u32, 1, *unit).expect("write");
    }
    let note_row = 3 + ANNEX2.len() as u32;
    ws.merge_range(note_row, 0, note_row, 1, ANNEX2_NOTE, &wrap)
        .expect("merge");
    ws.set_column_width(1, 30).expect("width");

    let ws = book.add_worksheet();
    ws.set_name("联系人").expect("sheet name");
    for (c, h) in ["序号", "单位", "联系人", "联系电话", "电子邮箱"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .expect("write");
    }
    for (i, (unit, name, phone, email)) in CONTACTS.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).expect("write");
        ws.write_string(r, 1, *unit).expect("write");
        ws.write_string(r, 2, *name).expect("write");
        match phone {
            Phone::Number(n) => ws.write_number(r, 3, *n).map(|_| ()),
            Phone::Text(t) => ws.write_string(r, 3, *t).map(|_| ()),
            Phone::None => Ok(()),
        }
        .expect("write");
        if !email.is_empty() {
            ws.write_string_with_format(r, 4, *email, &wrap)
                .expect("write");
        }
    }
    ws.set_column_width(1, 28).expect("width");
    ws.set_column_width(4, 44).expect("width");
    files::save_workbook(&mut book)
}

/// The office's address, which units write to.
const OFFICE: &str = "jc7710089@jc.example.gov.cn";

/// A photo of the on-site publicity day (15 May 2023) or an activity.
fn photo(seed: u64, taken: &str, quality: u8) -> Vec<u8> {
    files::photo(
        seed,
        &PhotoSpec {
            width: 1280,
            height: 960,
            orientation: 1,
            taken: Some(taken.to_string()),
            quality,
            grain: 6,
        },
    )
}

fn photos(unit: &str, n: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    (1..=n)
        .map(|i| {
            (
                format!("{unit}记录照片{i}.jpg"),
                photo(seed + i as u64, "2023:05:15 09:40:00", 72),
            )
        })
        .collect()
}

/// A unit's interview script (访谈稿): the theme, three questions and answers.
fn interview(unit: &str, theme: &str) -> Vec<u8> {
    files::summary_docx(
        &format!("{unit}“重要工作部门谈”访谈稿"),
        &[
            format!("访谈主题：{theme}"),
            "访谈领导：主要负责同志".to_string(),
            "问：今年以来，贵单位在优化政策服务、打造一流营商环境方面做了哪些工作？".to_string(),
            "答：我们聚焦企业群众关心关注的重点政策和重大项目，梳理形成政策清单，通过政府网站、政务新媒体逐项解读，并在政务服务中心设立咨询窗口。".to_string(),
            "问：下一步有哪些打算？".to_string(),
            "答：我们将围绕全面振兴新突破三年行动，继续做好政策解读和信息公开，回应社会关切。".to_string(),
        ],
        &[],
    )
}

/// A unit's summary of its 5·15 activities.
fn summary(unit: &str, extra: &str) -> Vec<u8> {
    files::summary_docx(
        &format!("{unit}第十七届“5·15政务公开日”活动总结"),
        &[
            format!("根据《建昌县人民政府办公室关于开展第十七届“5·15政务公开日”活动的通知》要求，{unit}围绕“优化政策服务，打造一流营商环境，助力辽宁全面振兴新突破三年行动”主题，于2023年5月15日至19日开展了系列宣传活动，现将有关情况总结如下。"),
            "一、加强组织协调。单位主要负责同志专题部署，明确专人负责，5月15日9时前在政务服务中心门前完成展板展台布置。".to_string(),
            "二、丰富活动形式。通过发放宣传资料、现场展示、解答群众咨询等形式，宣传与社会公众密切相关的重点工作、政务事项和服务流程，共发放资料六百余份，解答咨询五十余人次。".to_string(),
            format!("三、注重活动实效。{extra}下一步，我们将认真总结经验，持续做好政务公开工作。"),
        ],
        &[],
    )
}

/// One submission: the night it is first in the inbox (0, 1, 2), its path
/// under `inbox/`, and its bytes.
pub type Entry = (usize, String, Vec<u8>);

/// A saved e-mail with its attachments, received at `received` (RFC 2822).
fn mail(
    night: usize,
    name: &str,
    unit: &str,
    from: &str,
    received: &str,
    subject: &str,
    attachments: Vec<(String, Vec<u8>)>,
) -> Entry {
    (
        night,
        format!("邮件/{name}.eml"),
        files::eml(
            (unit, from),
            OFFICE,
            subject,
            received,
            &format!("县政府办公室：\n\n{subject}，详见附件，请查收。\n\n{unit}"),
            &attachments,
        ),
    )
}

/// Every file of the demo inbox with the night it belongs to.
pub fn inbox() -> Vec<Entry> {
    let theme = |unit: &str| {
        ANNEX1
            .iter()
            .find(|(_, u, _)| u.contains(unit))
            .map_or("", |(_, _, t)| *t)
    };
    let script = |unit: &str| vec![(format!("{unit}访谈稿.docx"), interview(unit, theme(unit)))];
    let with_photos = |unit: &str, seed: u64, n: usize| {
        let mut att = vec![(
            format!("{unit}活动总结.docx"),
            summary(unit, "活动期间群众对相关政策的知晓度明显提升。"),
        )];
        att.extend(photos(unit, n, seed));
        att
    };
    let mut out: Vec<Entry> = vec![
        // Night 1 (10 May): interview scripts sent early.
        mail(
            0,
            "县发改局访谈稿件",
            "县发改局",
            "fgj@jc.example.gov.cn",
            "Tue, 9 May 2023 10:20:00 +0800",
            "县发改局“重要工作部门谈”访谈稿件及联系人",
            script("县发改局"),
        ),
        // The joint interview, filed by one of its two units.
        mail(
            0,
            "县乡村振兴局访谈稿件",
            "县乡村振兴局",
            "xczx@jc.example.gov.cn",
            "Wed, 10 May 2023 15:30:00 +0800",
            "县乡村振兴局“重要工作部门谈”访谈稿件（与农业农村局联合访谈）",
            vec![(
                "乡村振兴联合访谈稿.docx".to_string(),
                interview("县乡村振兴局", theme("县乡村振兴局")),
            )],
        ),
        // A Word 97-2003 file: not accepted; resubmitted on night 2.
        mail(
            0,
            "县招商中心访谈稿件",
            "县招商中心",
            "zszx@jc.example.gov.cn",
            "Wed, 10 May 2023 09:05:00 +0800",
            "县招商中心访谈稿件",
            vec![("县招商中心访谈稿.doc".to_string(), files::legacy_doc())],
        ),
        mail(
            0,
            "县市场局访谈稿件",
            "县市场局",
            "scj@jc.example.gov.cn",
            "Mon, 8 May 2023 16:45:00 +0800",
            "县市场局访谈稿件",
            script("县市场局"),
        ),
        // Under the 附件1 spelling; its summary comes under the 附件2 one.
        mail(
            0,
            "生态环境局建昌分局访谈稿件",
            "生态环境局建昌分局",
            "sthj@jc.example.gov.cn",
            "Wed, 10 May 2023 11:10:00 +0800",
            "生态环境局建昌分局访谈稿件",
            script("生态环境局建昌分局"),
        ),
        mail(
            0,
            "县水利局访谈稿件",
            "县水利局",
            "slj@jc.example.gov.cn",
            "Wed, 10 May 2023 08:55:00 +0800",
            "县水利局访谈稿件",
            script("县水利局"),
        ),
        mail(
            0,
            "县民政局访谈稿件",
            "县民政局",
            "mzj@jc.example.gov.cn",
            "Tue, 9 May 2023 17:30:00 +0800",
            "县民政局访谈稿件",
            script("县民政局"),
        ),
        mail(
            0,
            "县卫健局访谈稿件",
            "县卫健局",
            "wjj@jc.example.gov.cn",
            "Wed, 10 May 2023 14:00:00 +0800",
            "县卫健局访谈稿件",
            script("县卫健局"),
        ),
        // Night 2 (19 May): the interview deadline has passed.
        // A GBK-encoded mail from Foxmail: names and body in GBK.
        (
            1,
            "邮件/县文旅局访谈稿件.eml".to_string(),
            files::eml_gbk(
                ("县文旅局", "wlj@jc.example.gov.cn"),
                OFFICE,
                "县文旅局“重要工作部门谈”访谈稿件",
                "Thu, 11 May 2023 09:30:00 +0800",
                "县政府办公室：\r\n    现将我局访谈稿件报送给你们，请查收。\r\n县文旅局 赵磊",
                &script("县文旅局"),
            ),
        ),
        // One minute apart around "16时前": 15:59:30 is on time, 16:00:00 late.
        mail(
            1,
            "县交通局访谈稿件",
            "县交通局",
            "jtj@jc.example.gov.cn",
            "Thu, 11 May 2023 15:59:30 +0800",
            "县交通局访谈稿件",
            script("县交通局"),
        ),
        mail(
            1,
            "县营商局访谈稿件",
            "县营商局",
            "ysj@jc.example.gov.cn",
            "Thu, 11 May 2023 16:00:00 +0800",
            "县营商局访谈稿件",
            script("县营商局"),
        ),
        mail(
            1,
            "县自然资源局访谈稿件",
            "县自然资源局",
            "zrzy@jc.example.gov.cn",
            "Mon, 15 May 2023 08:40:00 +0800",
            "县自然资源局访谈稿件（补报）",
            script("县自然资源局"),
        ),
        mail(
            1,
            "县招商中心访谈稿件（重新报送）",
            "县招商中心",
            "zszx@jc.example.gov.cn",
            "Fri, 12 May 2023 09:00:00 +0800",
            "县招商中心访谈稿件（已另存为docx）",
            script("县招商中心"),
        ),
        mail(
            1,
            "县农业农村局活动总结及照片",
            "县农业农村局",
            "nyj@jc.example.gov.cn",
            "Thu, 18 May 2023 17:00:00 +0800",
            "县农业农村局活动总结及记录照片",
            with_photos("县农业农村局", 100, 3),
        ),
        mail(
            1,
            "葫芦岛市生态环境局建昌分局活动总结",
            "葫芦岛市生态环境局建昌分局",
            "sthj@jc.example.gov.cn",
            "Fri, 19 May 2023 10:00:00 +0800",
            "葫芦岛市生态环境局建昌分局活动总结及记录照片",
            with_photos("葫芦岛市生态环境局建昌分局", 110, 3),
        ),
        // Two photos of three.
        mail(
            1,
            "县工信局活动总结",
            "县工信局",
            "gxj@jc.example.gov.cn",
            "Thu, 18 May 2023 11:20:00 +0800",
            "县工信局活动总结及照片",
            with_photos("县工信局", 120, 2),
        ),
        mail(
            1,
            "县医保局活动总结",
            "县医保局",
            "ybj@jc.example.gov.cn",
            "Fri, 19 May 2023 15:00:00 +0800",
            "县医保局活动总结及记录照片",
            with_photos("县医保局", 130, 3),
        ),
        // Night 3 (23 May, 20:00): the summary deadline was 16:00.
        mail(
            2,
            "县发改局活动总结",
            "县发改局",
            "fgj@jc.example.gov.cn",
            "Mon, 22 May 2023 10:00:00 +0800",
            "县发改局活动总结及记录照片",
            with_photos("县发改局", 140, 3),
        ),
        mail(
            2,
            "县营商局活动总结",
            "县营商局",
            "ysj@jc.example.gov.cn",
            "Tue, 23 May 2023 10:30:00 +0800",
            "县营商局活动总结及记录照片",
            with_photos("县营商局", 150, 3),
        ),
        mail(
            2,
            "县文旅局活动总结",
            "县文旅局",
            "wlj@jc.example.gov.cn",
            "Mon, 22 May 2023 16:20:00 +0800",
            "县文旅局活动总结及记录照片",
            with_photos("县文旅局", 160, 3),
        ),
        mail(
            2,
            "县自然资源局活动总结",
            "县自然资源局",
            "zrzy@jc.example.gov.cn",
            "Mon, 22 May 2023 09:10:00 +0800",
            "县自然资源局活动总结及记录照片",
            with_photos("县自然资源局", 170, 3),
        ),
        mail(
            2,
            "县教育局活动总结",
            "县教育局",
            "jyj@jc.example.gov.cn",
            "Mon, 22 May 2023 11:45:00 +0800",
            "县教育局活动总结及记录照片",
            with_photos("县教育局", 180, 3),
        ),
        mail(
            2,
            "县税务局活动总结",
            "县税务局",
            "swj@jc.example.gov.cn",
            "Tue, 23 May 2023 15:59:00 +0800",
            "县税务局活动总结及记录照片",
            with_photos("县税务局", 190, 3),
        ),
    ];
    // A zip whose names are stored in GBK (as Windows zips them), copied
    // into the inbox after the deadline.
    let mut zipped = vec![(
        "县交通局活动总结.docx".to_string(),
        summary("县交通局", "现场发放交通运输政策宣传册三百余份。"),
    )];
    for (i, (_, bytes)) in photos("县交通局", 3, 200).into_iter().enumerate() {
        zipped.push((format!("记录照片/现场照片{}.jpg", i + 1), bytes));
    }
    out.push((
        2,
        "县交通局活动材料.zip".to_string(),
        files::zip_gbk(&zipped),
    ));
    // The third photo is the second taken again a moment later.
    let mut att = with_photos("县市场局", 210, 2);
    att.push((
        "县市场局记录照片3.jpg".to_string(),
        photo(210 + 2, "2023:05:15 09:40:00", 90),
    ));
    out.push(mail(
        2,
        "县市场局活动总结",
        "县市场局",
        "scj@jc.example.gov.cn",
        "Mon, 22 May 2023 15:00:00 +0800",
        "县市场局活动总结及记录照片",
        att,
    ));
    // The summary as a Word 97-2003 file: not accepted; photos fine.
    let mut att = vec![("县水利局活动总结.doc".to_string(), files::legacy_doc())];
    att.extend(photos("县水利局", 3, 220));
    out.push(mail(
        2,
        "县水利局活动总结",
        "县水利局",
        "slj@jc.example.gov.cn",
        "Mon, 22 May 2023 10:40:00 +0800",
        "县水利局活动总结及记录照片",
        att,
    ));
    // On time, then a corrected summary after the deadline: still on time.
    out.push(mail(
        2,
        "县民政局活动总结",
        "县民政局",
        "mzj@jc.example.gov.cn",
        "Mon, 22 May 2023 09:00:00 +0800",
        "县民政局活动总结及记录照片",
        with_photos("县民政局", 230, 3),
    ));
    out.push(mail(
        2,
        "县民政局活动总结（修改稿）",
        "县民政局",
        "mzj@jc.example.gov.cn",
        "Tue, 23 May 2023 17:10:00 +0800",
        "县民政局活动总结（修改稿，请以此为准）",
        vec![(
            "县民政局活动总结（修改稿）.docx".to_string(),
            summary(
                "县民政局",
                "修改稿补充了活动现场群众咨询的主要问题及答复情况。",
            ),
        )],
    ));
    out.push(mail(
        2,
        "县综合执法局活动总结",
        "县综合执法局",
        "zhzf@jc.example.gov.cn",
        "Tue, 23 May 2023 11:00:00 +0800",
        "县综合执法局活动总结",
        vec![(
            "县综合执法局活动总结.docx".to_string(),
            summary("县综合执法局", "现场解答城市管理类咨询二十余人次。"),
        )],
    ));
    // Files copied into folders after the deadline (seen first on night 3).
    for (unit, seed) in [("县卫健局", 240), ("县应急局", 250)] {
        for (name, bytes) in with_photos(unit, seed, 3) {
            out.push((2, format!("{unit}/{name}"), bytes));
        }
    }
    for (name, bytes) in photos("县综合执法局", 3, 260) {
        out.push((2, format!("县综合执法局/{name}"), bytes));
    }
    // A unit in neither list.
    for (name, bytes) in with_photos("县财政局", 270, 3) {
        out.push((2, format!("县财政局/{name}"), bytes));
    }
    out
}

/// Writes the schedule (`活动安排表.xlsx`) and the inbox (`inbox/`) into `dir`.
pub fn write_demo(dir: &Path) -> std::io::Result<()> {
    files::write(dir, "活动安排表.xlsx", &schedule_xlsx())?;
    for (_, path, bytes) in inbox() {
        files::write(&dir.join("inbox"), &path, &bytes)?;
    }
    Ok(())
}
