//! The shipped demo campaign: the 2025 泸溪县“政务公开主题日” schedule from
//! the seed notice (36 rows, as the office attached it) and an inbox with
//! files for a dozen units made to show every state at the demo clock
//! (2025-06-13 20:00): on time, late, pending, overdue, incomplete, an
//! invalid file, a resubmission, an extension, a zip, saved e-mails, a file
//! of an unknown unit and abbreviated unit names.
//!
//! `baosong-generate example luxi-2025 DIR` writes it; the repository root holds its
//! output (with the hand-written, commented campaign.toml).

use std::path::Path;

use crate::files::{self, PhotoSpec};

/// The seed notice's schedule: 序号, 单位, 活动主题, 开展时间.
pub const SCHEDULE: [(&str, &str, &str); 36] = [
    ("县公安局", "5.15经济犯罪宣传日", "5月"),
    ("县卫生健康局", "饮用水安全宣传", "5月"),
    ("县司法局", "农村法治宣传月", "5月"),
    ("县信访局", "推进信访工作法治化，依法有序文明信访", "5月"),
    ("县住房和城乡建设局", "节水宣传周", "5月"),
    ("县残疾人联合协会", "全国助残日", "5月"),
    ("县交通运输局", "路政宣传月", "5月"),
    ("县财政局", "深化零基预算改革，优化财政资源配置", "5月"),
    ("县林业局", "珍爱生命，远离毒菇", "5月"),
    ("县民政局", "婚姻5.20主题宣传", "5月"),
    ("潭溪镇人民政府", "政策宣传走深走实", "5月"),
    ("县医疗保障局", "医保基金使用监管宣传活动", "5月"),
    ("县城市管理和综合执法局", "垃圾分类知识集中宣传活动", "5月"),
    ("县公安局", "6.26禁毒宣传", "6月"),
    ("县商务局", "商贸流通领域安全生产宣传活动", "6月"),
    ("县自然资源局", "土地日宣传活动", "6月"),
    (
        "县交通运输局",
        "人人讲安全、个个会应急——查找身边安全隐患(安全生产月主题)",
        "6月",
    ),
    ("湘西州生态环境局泸溪分局", "六五环境日", "6月"),
    ("县应急管理局", "6·13安全生产月", "6月"),
    (
        "县财政局",
        "扎实开展绩效评价工作，推动绩效管理提质\n增效",
        "6月",
    ),
    ("县民政局", "一老一小关爱宣传", "6月"),
    ("县医疗保障局", "居民及职工医保待遇新政策宣传", "6月"),
    ("县住房和城乡建设局", "安全生产月活动", "6月"),
    (
        "县教育和体育局",
        "宣传《泸溪县2025年义务教育招生工作方案》",
        "6-8月",
    ),
    ("县商务局", "外贸业务培训", "7月"),
    ("县农业农村局", "三湘护农暨农业法律宣传活动", "7月"),
    ("县退役军人事务局", "开展优抚政策宣传", "7月"),
    ("县消防救援大队", "消防安全知识宣传", "9月"),
    ("县发展和改革局", "聚焦重点项目·共绘发展蓝图", "9月"),
    ("县统计局", "中国统计开放日", "9月"),
    ("县文旅广电局", "文化下乡百村行", "9月"),
    ("县科技和工业信息化局", "网络安全主题宣传", "9月"),
    ("县审计局", "宣传审计相关法律法规", "10月"),
    ("县人社局", "“温暖社保•社保服务进万家”活动", "11月"),
    (
        "县市场监督管理局",
        "守护特种设备安全，助力高质量发展",
        "12月",
    ),
    ("县公安局交警大队", "全国交通安全日", "12月"),
];

/// The office's schedule as an .xlsx, in the shape offices attach it: a
/// merged title row above the header, a line break inside a cell.
pub fn schedule_xlsx() -> Vec<u8> {
    files::schedule_xlsx(Some("泸溪县政务公开主题日活动安排表"), &SCHEDULE)
}

fn paragraphs(unit: &str, theme: &str, date: &str) -> Vec<String> {
    vec![
        format!(
            "为深入贯彻落实《2025年泸溪县“政务公开主题日”活动实施方案》要求，{unit}于{date}组织开展了“{theme}”主题活动，邀请人大代表、政协委员和群众代表参加，现将活动开展情况总结如下。"
        ),
        "一、精心组织部署。单位主要负责人专题研究活动方案，明确责任分工，统一使用“政务公开主题日”标识，确保活动有序开展。".to_string(),
        "二、丰富活动形式。活动采取现场宣讲、发放资料、答疑解惑等方式进行，共发放宣传资料八百余份，现场解答群众咨询六十余人次。".to_string(),
        "三、注重活动实效。通过活动，群众对相关政策的知晓度和满意度明显提升，下一步我们将继续做好政策解读和信息公开工作。".to_string(),
    ]
}

/// How a unit types its summary: the habits of real offices, so that the
/// report and the portal drafts show what they make of each.
#[derive(Debug, Clone, Copy)]
enum Habit {
    /// A title line, then the text.
    Plain,
    /// The title in Word's Heading 1 style and again as a paragraph, the
    /// office as addressee, the unit's name and the date under the text.
    Addressed,
    /// The letterhead and document number, the unit and "关于…的报告" as a
    /// two-line title, "特此报告。", the signature and a date in Chinese
    /// numerals pushed right with full-width spaces.
    Letterhead,
    /// A "关于…的情况报告" in Word's Title style, addressed, longer than the
    /// report shows, with its plans and a contact line.
    Report,
    /// A town writing "我镇", signed and dated.
    Town,
}

/// A summary with one photo pasted in, typed with `habit`.
fn summary(unit: &str, theme: &str, date: &str, seed: u64, habit: Habit) -> Vec<u8> {
    let pasted = vec![(photo(seed ^ 0x5555, None, 800, 600), 800, 600)];
    let title = format!("{unit}“{theme}”活动总结");
    let text = paragraphs(unit, theme, date);
    let plain = |t: &str| -> (Option<&'static str>, String) { (None, t.to_string()) };
    let mut lines: Vec<(Option<&'static str>, String)> = Vec::new();
    match habit {
        Habit::Plain => return files::summary_docx(&title, &text, &pasted),
        Habit::Addressed => {
            lines.push((Some("Heading1"), title.clone()));
            lines.push(plain(&title));
            lines.push(plain("县政务公开办："));
            lines.extend(text.iter().map(|p| plain(p)));
            lines.push(plain(&format!("　　　　　　　　　　　　{unit}")));
            lines.push(plain("　　　　　　　　　　　2025年6月3日"));
        }
        Habit::Letterhead => {
            lines.push(plain(&format!("泸溪{unit}文件")));
            lines.push(plain("泸卫发〔2025〕18号"));
            lines.push(plain(&format!("泸溪{unit}")));
            lines.push(plain(&format!("关于“{theme}”活动开展情况的报告")));
            lines.push(plain("县行政审批服务局："));
            lines.extend(text.iter().map(|p| plain(p)));
            lines.push(plain("特此报告。"));
            lines.push(plain(&format!("　　　　　　　　　　　　泸溪{unit}")));
            lines.push(plain("　　　　　　　　　　　二〇二五年五月二十六日"));
        }
        Habit::Report => {
            lines.push((Some("Title"), format!("关于开展“{theme}”活动的情况报告")));
            lines.push(plain("县行政审批服务局："));
            lines.extend([
                plain(&format!("为深入贯彻落实《2025年泸溪县“政务公开主题日”活动实施方案》要求，我局于{date}在县城中心广场组织开展了“{theme}”主题活动，现将有关情况报告如下：")),
                plain("一、高度重视，周密部署。我局成立了由主要负责人任组长的活动领导小组，制定活动方案，明确时间节点和责任分工，提前在政府网站和政务新媒体发布活动预告。"),
                plain("二、形式多样，内容丰富。活动现场设置政策咨询台、宣传展板和互动问答区，共发放节水宣传资料一千二百余份，解答群众咨询八十余人次，收集意见建议十五条。"),
                plain("三、效果明显，反响良好。通过活动，群众对节水政策的知晓度明显提高，现场群众纷纷表示“政策讲得清楚、办事更加方便”。"),
                plain("四、下一步打算。我局将以此次活动为契机，持续做好政务公开工作，推动节水理念深入人心。"),
                plain("特此报告。"),
                plain("联系人：李明，联系电话：0743-4521234"),
            ]);
        }
        Habit::Town => {
            lines.push(plain(&title));
            lines.push(plain(&format!("为深入贯彻落实《2025年泸溪县“政务公开主题日”活动实施方案》要求，我镇于{date}组织开展了“{theme}”主题活动，邀请人大代表、政协委员和群众代表参加，现将活动开展情况总结如下。")));
            lines.extend(text[1..3].iter().map(|p| plain(p)));
            lines.push(plain("三、注重活动实效。通过活动，我镇群众对相关政策的知晓度和满意度明显提升，下一步我们将继续做好政策解读和信息公开工作。"));
            lines.push(plain(unit));
            lines.push(plain("2025年5月28日"));
        }
    }
    files::word_docx(&lines, &pasted)
}

fn photo(seed: u64, taken: Option<&str>, width: u32, height: u32) -> Vec<u8> {
    files::photo(
        seed,
        &PhotoSpec {
            width,
            height,
            orientation: 1,
            taken: taken.map(String::from),
            quality: 72,
            grain: 6,
        },
    )
}

fn photos(prefix: &str, n: usize, taken: &str, seed: u64) -> Vec<(String, Vec<u8>)> {
    (1..=n)
        .map(|i| {
            (
                format!("{prefix}活动照片{i}.jpg"),
                photo(seed + i as u64, Some(taken), 1280, 960),
            )
        })
        .collect()
}

/// Writes the schedule (`活动安排表.xlsx`) and the inbox (`inbox/`) into `dir`.
pub fn write_demo(dir: &Path) -> std::io::Result<()> {
    files::write(dir, "活动安排表.xlsx", &schedule_xlsx())?;
    let inbox = dir.join("inbox");
    let to = "lxxzspfwj@example.gov.cn";

    // 县公安局: e-mailed on 4 June, on time.
    let mut att = vec![(
        "县公安局经济犯罪宣传日活动总结.docx".to_string(),
        summary(
            "县公安局",
            "5.15经济犯罪宣传日",
            "2025年5月15日",
            1,
            Habit::Addressed,
        ),
    )];
    att.extend(photos("", 3, "2025:05:15 09:30:00", 10));
    files::write(
        &inbox,
        "邮件/【报送】县公安局5.15经济犯罪宣传日活动材料.eml",
        &files::eml(
            ("县公安局办公室", "gaj@example.gov.cn"),
            to,
            "【报送】县公安局5.15经济犯罪宣传日活动总结及照片",
            "Wed, 4 Jun 2025 10:12:00 +0800",
            "彭老师：您好！附件为我局活动总结及照片，请查收。",
            &att,
        ),
    )?;

    // 县卫健局 (abbreviated folder name): dropped after the deadline, late.
    files::write(
        &inbox,
        "县卫健局/饮用水安全宣传活动总结.docx",
        &summary(
            "县卫生健康局",
            "饮用水安全宣传",
            "2025年5月20日",
            2,
            Habit::Letterhead,
        ),
    )?;
    for (name, bytes) in photos("", 3, "2025:05:20 10:00:00", 20) {
        files::write(&inbox, &format!("县卫健局/{name}"), &bytes)?;
    }

    // 县信访局: one photo and the one pasted in its summary, incomplete.
    let mut att = vec![(
        "县信访局活动总结.docx".to_string(),
        summary(
            "县信访局",
            "推进信访工作法治化，依法有序文明信访",
            "2025年5月22日",
            3,
            Habit::Plain,
        ),
    )];
    att.extend(photos("县信访局", 1, "2025:05:22 15:00:00", 30));
    files::write(
        &inbox,
        "邮件/县信访局报送材料.eml",
        &files::eml(
            ("县信访局", "xfj@example.gov.cn"),
            to,
            "县信访局政务公开主题日活动材料",
            "Fri, 6 Jun 2025 16:40:00 +0800",
            "附件请查收。",
            &att,
        ),
    )?;

    // 县住建局 (abbreviation in the subject only): on time.
    let mut att = vec![(
        "节水宣传周活动总结.docx".to_string(),
        summary(
            "县住房和城乡建设局",
            "节水宣传周",
            "2025年5月14日",
            4,
            Habit::Report,
        ),
    )];
    att.extend(photos("节水宣传周", 3, "2025:05:14 09:00:00", 40));
    files::write(
        &inbox,
        "邮件/报送材料0609.eml",
        &files::eml(
            ("办公室", "office-zjj@example.net"),
            to,
            "县住建局节水宣传周活动材料",
            "Mon, 9 Jun 2025 15:05:00 +0800",
            "请查收。",
            &att,
        ),
    )?;

    // 县交通运输局: the summary is an old .doc renamed .docx, invalid.
    files::write(
        &inbox,
        "县交通运输局/路政宣传月活动总结.docx",
        &files::legacy_doc(),
    )?;
    for (name, bytes) in photos("", 3, "2025:05:28 09:00:00", 50) {
        files::write(&inbox, &format!("县交通运输局/{name}"), &bytes)?;
    }

    // 县财政局: a template-only summary on 3 June, the real one on 6 June.
    let blank = files::summary_docx(
        "县财政局活动总结",
        &[
            "（此处填写活动开展情况）".to_string(),
            "（此处填写活动成效）".to_string(),
        ],
        &[],
    );
    files::write(
        &inbox,
        "邮件/县财政局活动总结.eml",
        &files::eml(
            ("县财政局", "czj@example.gov.cn"),
            to,
            "县财政局活动总结",
            "Tue, 3 Jun 2025 09:20:00 +0800",
            "总结见附件。",
            &[("县财政局活动总结.docx".to_string(), blank)],
        ),
    )?;
    let mut att = vec![(
        "县财政局活动总结（修改稿）.docx".to_string(),
        summary(
            "县财政局",
            "深化零基预算改革，优化财政资源配置",
            "2025年5月27日",
            5,
            Habit::Plain,
        ),
    )];
    att.extend(photos("零基预算", 3, "2025:05:27 14:00:00", 60));
    files::write(
        &inbox,
        "邮件/县财政局活动总结（重新报送）.eml",
        &files::eml(
            ("县财政局", "czj@example.gov.cn"),
            to,
            "县财政局活动总结（重新报送）",
            "Fri, 6 Jun 2025 11:02:00 +0800",
            "此前报送的总结为空白模板，现重新报送，请以此为准。",
            &att,
        ),
    )?;

    // 县林业局: dropped late, but granted an extension to 20 June.
    files::write(
        &inbox,
        "县林业局/珍爱生命远离毒菇活动总结.docx",
        &summary(
            "县林业局",
            "珍爱生命，远离毒菇",
            "2025年5月30日",
            6,
            Habit::Plain,
        ),
    )?;
    for (name, bytes) in photos("", 4, "2025:05:30 10:00:00", 70) {
        files::write(&inbox, &format!("县林业局/{name}"), &bytes)?;
    }

    // 县民政局: two activities; the folder's files name the 5月 one. Late.
    files::write(
        &inbox,
        "县民政局/婚姻5.20主题宣传活动总结.docx",
        &summary(
            "县民政局",
            "婚姻5.20主题宣传",
            "2025年5月20日",
            7,
            Habit::Plain,
        ),
    )?;
    for (name, bytes) in photos("婚姻宣传", 3, "2025:05:20 09:00:00", 80) {
        files::write(&inbox, &format!("县民政局/{name}"), &bytes)?;
    }

    // 潭溪镇 (town name only) sends a zip: late.
    let mut entries = vec![(
        "潭溪镇/政策宣传走深走实活动总结.docx".to_string(),
        summary(
            "潭溪镇人民政府",
            "政策宣传走深走实",
            "2025年5月23日",
            8,
            Habit::Town,
        ),
    )];
    for (name, bytes) in photos("", 3, "2025:05:23 09:00:00", 90) {
        entries.push((format!("潭溪镇/照片/{name}"), bytes));
    }
    files::write(&inbox, "潭溪镇报送材料.zip", &files::zip(&entries))?;

    // 生态环境局泸溪分局 (alias): June activity, sent early, on time.
    let mut att = vec![(
        "六五环境日活动总结.docx".to_string(),
        summary(
            "湘西州生态环境局泸溪分局",
            "六五环境日",
            "2025年6月5日",
            9,
            Habit::Plain,
        ),
    )];
    att.extend(photos("六五环境日", 3, "2025:06:05 09:00:00", 100));
    files::write(
        &inbox,
        "邮件/生态环境局泸溪分局六五环境日.eml",
        &files::eml(
            ("生态环境局泸溪分局", "sthjj@example.gov.cn"),
            to,
            "生态环境局泸溪分局六五环境日活动材料",
            "Tue, 10 Jun 2025 17:30:00 +0800",
            "请查收。",
            &att,
        ),
    )?;

    // 县残疾人联合协会: photos only, the summary never came.
    files::write(
        &inbox,
        "邮件/全国助残日照片.eml",
        &files::eml(
            ("县残联", "cl@example.gov.cn"),
            to,
            "县残疾人联合协会全国助残日活动照片",
            "Thu, 5 Jun 2025 08:45:00 +0800",
            "照片请查收，总结随后报送。",
            &photos("助残日", 3, "2025:05:18 09:00:00", 110),
        ),
    )?;

    // A unit that is not in the schedule.
    files::write(
        &inbox,
        "县气象局活动照片.jpg",
        &photo(120, Some("2025:05:23 10:00:00"), 1280, 960),
    )?;
    // Lock file of an open document: never a submission.
    files::write(&inbox, "县卫健局/~$安全宣传活动总结.docx", b"lock")?;
    Ok(())
}
