//! `baosong init`: writes a commented campaign.toml from an office schedule,
//! so a new campaign takes minutes, and says what it made of each sheet.
//! What the schedule states (year, title, the groups its sheets form) is
//! taken from it; what it cannot know (the deliverables' rules, the office's
//! mail) is filled with the usual values and marked for the office to check.

use std::fmt::Write;

use super::mail_config::{NotifyConfig, ReminderPolicy, ReportMailPolicy};
use super::place::place_in;
use super::schedule::{Schedule, SheetKind};

/// The campaign's title from a schedule title ("泸溪县政务公开主题日活动安排表"
/// → "泸溪县政务公开主题日活动"), with the year in front when missing.
pub fn title(schedule: &Schedule) -> Option<String> {
    let raw = schedule.title()?;
    // "X办公室关于开展Y的通知" is about Y.
    let raw = match raw.split_once("关于") {
        Some((_, about)) => {
            let about = ["开展", "举办", "印发"]
                .iter()
                .find_map(|v| about.strip_prefix(v))
                .unwrap_or(about);
            about.strip_suffix("的通知").unwrap_or(about)
        }
        None => raw,
    };
    let t = super::schedule::list_subject(raw);
    let year = format!("{}年", schedule.year);
    Some(if t.contains(&year) { t } else { year + &t })
}

/// The office: the one a title written the 公文 way names ("建昌县人民政府
/// 办公室关于开展…的通知"), else the government office of the place the
/// title names ("2025年某某市…" → 某某市人民政府办公室, a town's 人民政府).
pub fn office(schedule: &Schedule) -> Option<String> {
    let t = schedule.title()?;
    if let Some((office, _)) = t.split_once("关于")
        && !office.trim().is_empty()
    {
        return Some(office.trim().to_string());
    }
    place_in(t).map(|p| p.office())
}

/// The campaign's id and how it was made. Folder names and Message-IDs
/// need ASCII, and the place's name cannot be spelt in pinyin offline, so
/// the rule is: the year, the level of the place in the title ("shi",
/// "xian", "qu", "zhen", …) and the first four hex digits of the BLAKE3
/// hash of the place's name ("2025-shi-3f1a"); "campaign-2025" when the
/// title names no place.
pub fn id(schedule: &Schedule) -> (String, String) {
    let year = schedule.year;
    match schedule.title().and_then(place_in) {
        Some(place) => {
            let hash = blake3::hash(place.name.as_bytes()).to_hex();
            (
                format!("{year}-{}-{}", place.level_word(), &hash[..4]),
                format!(
                    "按“年份-行政级别-地名短编码”生成（地名“{}”，离线无法转写拼音；可改为拼音缩写，如 {year}-{}-xxx，输出目录随之改变）",
                    place.name,
                    place.level_word()
                ),
            )
        }
        None => (
            format!("campaign-{year}"),
            "安排表标题中没有地名，按“campaign-年份”生成（可改为拼音缩写）".to_string(),
        ),
    }
}

/// What `init` chose that the clerk should check, one line each: the id
/// and its rule, the office and where it came from.
pub fn choices(schedule: &Schedule) -> Vec<String> {
    let (id, rule) = id(schedule);
    let mut out = vec![format!("活动标识 id = \"{id}\"：{rule}")];
    let stated = schedule.title().is_some_and(|t| t.contains("关于"));
    out.push(match office(schedule) {
        Some(o) if stated => format!("牵头单位：{o}（取自安排表标题）"),
        Some(o) => format!("牵头单位：{o}（按标题中的地名推定，请核对）"),
        None => "牵头单位：安排表标题中没有地名，请在 campaign.toml 中填写 office".to_string(),
    });
    out
}

/// One line per sheet: what it was taken for, its header and title, or why
/// it was skipped.
pub fn describe_sheets(schedule: &Schedule) -> Vec<String> {
    schedule
        .sheets
        .iter()
        .map(|s| {
            let header = match (s.header_row, s.header_last_row) {
                (Some(r), Some(last)) => {
                    format!("表头在第{r}–{last}行（两行表头）：{}", s.columns.join("、"))
                }
                (Some(r), None) => format!("表头在第{r}行：{}", s.columns.join("、")),
                _ => String::new(),
            };
            let mut title = s
                .title
                .as_ref()
                .map(|t| format!("，标题“{t}”"))
                .unwrap_or_default();
            for sub in &s.subtitles {
                title.push_str(&format!("，“{sub}”不作标题"));
            }
            match &s.kind {
                SheetKind::Activities => format!(
                    "工作表“{}”：活动表，{}项活动（{header}{title}），可作分组“{}”",
                    s.name,
                    s.entries,
                    s.group_name()
                ),
                SheetKind::Units => format!(
                    "工作表“{}”：单位名单，{}个单位（{header}{title}），可作分组“{}”",
                    s.name,
                    s.entries,
                    s.group_name()
                ),
                SheetKind::Contacts => {
                    format!("工作表“{}”：联系人表，{}行（{header}）", s.name, s.entries)
                }
                SheetKind::Skipped(why) => format!("工作表“{}”：已跳过，{why}", s.name),
            }
        })
        .collect()
}

/// A TOML string, quoted and escaped.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The text of a new campaign.toml for `schedule` (at `schedule_path`,
/// relative to the campaign folder).
pub fn campaign_toml(schedule: &Schedule, schedule_path: &str) -> String {
    let year = schedule.year;
    let year_note = match &schedule.stated_year {
        Some(s) => format!("取自{}", s.source),
        None => "安排表中没有写明年份，暂按今年，请核对".to_string(),
    };
    let title = title(schedule).unwrap_or_else(|| format!("{year}年“政务公开日”活动"));
    let title_note = if schedule.title().is_some() {
        "取自安排表标题，请核对"
    } else {
        "请填写"
    };
    let (office, office_note) = match office(schedule) {
        Some(o) => (o, "按安排表标题推定，请核对"),
        None => ("（请填写牵头单位）".to_string(), "请填写"),
    };
    let (id, _) = id(schedule);
    let groups: String = schedule
        .sheets
        .iter()
        .filter(|s| s.entries > 0 && matches!(s.kind, SheetKind::Activities | SheetKind::Units))
        .map(|s| format!("\"{}\"（{}）", s.group_name(), s.name))
        .collect::<Vec<_>>()
        .join("、");
    let example_group = schedule
        .sheets
        .iter()
        .find(|s| s.entries > 0 && s.kind == SheetKind::Units)
        .or_else(|| schedule.sheets.iter().find(|s| s.entries > 0))
        .map(|s| s.group_name())
        .unwrap_or_else(|| "附件1".to_string());
    let (title, office_q, schedule_path) = (quoted(&title), quoted(&office), quoted(schedule_path));
    let mut t = String::new();
    let _ = write!(
        t,
        r#"# baosong 活动配置（由 baosong init 生成，请逐项检查后使用）
# 路径都相对于本文件所在目录。未知的键会报错，拼写错误不会被悄悄忽略。

[campaign]
id = "{id}"                  # 简短英文标识，用于输出目录和邮件编号；可改为拼音缩写
title = {title}   # 活动名称（报告封面标题）：{title_note}
office = {office_q}                     # 牵头单位：{office_note}
timezone = "Asia/Shanghai"              # 时区
year = {year}                             # 安排表中“5月15日”等不写年份的时间属于哪一年（{year_note}）
# clock = "{year}-05-23T20:00"           # 固定评估时刻（仅用于补跑或演示；平时不写）

[office]
# contact = ""                          # 联系人（写入邮件落款）
# phone = ""                            # 联系电话
# email = ""                            # 统一收信邮箱

[paths]
inbox = "inbox"                         # 收件箱：各单位报送的文件（只读）
templates = "templates"                 # 邮件模板（可直接修改）
output = "out"                          # 报告与待发邮件
state = "state"                         # 台账与文件存档
schedule = {schedule_path}              # 活动安排表（每次运行都重新读取：改表即生效）
# calendar = "calendar-2027.csv"        # 补充日历（内置日历未覆盖的年份）

[intake]
settle_seconds = 60                     # 文件修改后静置多少秒才读取（防止读到复制了一半的文件）

# —— 报送材料 ——
# 每项材料：名称、接受的文件类型、区分关键词、最少份数、适用单位、截止规则。
# accept：document（Word）/ pdf / photo / spreadsheet / video
# units：适用单位，"all"（默认）、单位名列表，或分组 {{ group = "{example_group}" }}、{{ group = ["附件1", "附件2"] }}（并集）
#        本安排表的分组：{groups}
# per：每项活动报送一份（默认 "activity"；联合报送的活动只需报送一份），或每个单位一份（"unit"）
# deadline：{{ workdays_after_activity = 5, time = "24:00" }} 活动结束后第5个工作日24时前；
#           {{ at = "{year}-05-23T16:00" }} 统一截止（16时前：16:00:00送达即为逾期）
[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document", "pdf"]
keywords = ["总结"]
min_count = 1
units = "all"
deadline = {{ workdays_after_activity = 5, time = "24:00" }}

[[deliverables]]
id = "photos"
name = "活动照片"
accept = ["photo"]
keywords = ["照片"]
min_count = 3
units = "all"
deadline = {{ workdays_after_activity = 5, time = "24:00" }}

# —— 免报与取消 ——（活动取消写 activity = 序号或主题；免报某项材料写 deliverable = 材料id）
# [[exemptions]]
# unit = "县公安局"
# deliverable = "photos"
# reason = "负责现场安保，免报照片"

# —— 延期 ——（until 新截止时间，或 extra_workdays 增加的工作日数）
# [[extensions]]
# unit = "县林业局"
# until = "{year}-06-20T17:00"
# reason = "经批准延期报送"

# —— 单位别名与联系人 ——
# 安排表中的联系人、电话、邮箱（含联系人表）每次运行自动读取，无需抄到这里。
# 同一单位在不同工作表写法不同、或文件中常用简称时，在此写别名：
# [[units]]
# name = "县卫生健康局"                 # 安排表中的写法之一
# aliases = ["县卫健局", "卫健局"]
# email = ["wjj@example.gov.cn"]        # 安排表中没有邮箱时在此补充
"#
    );
    t.push_str(&mail_sections(&office));
    t
}

/// `[mail]`, `[reminders]` and `[report_mail]` as `baosong run` would apply
/// them, every value written out (from the types' own defaults) with what
/// it decides, so the clerk sees and chooses who gets mail.
fn mail_sections(office: &str) -> String {
    let from = "office@example.invalid";
    let mail: NotifyConfig =
        toml::from_str(&format!("from = \"{from}\"")).expect("a sender alone is a whole [mail]");
    let r = ReminderPolicy::default();
    let m = ReportMailPolicy::default();
    const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let weekdays: Vec<String> = m
        .weekdays
        .iter()
        .map(|w| quoted(DAYS[w.0.num_days_from_monday() as usize]))
        .collect();
    let lines: Vec<(String, &str)> = vec![
        ("[mail]".into(), "发件人和抄送对象"),
        (
            format!("from = {}", quoted(from)),
            "发件地址：改为办公室的统一邮箱，再配置 [mail.smtp]",
        ),
        (format!("from_name = {}", quoted(office)), "发件人名称"),
        (
            "office = []".into(),
            "办公室邮箱：收每晚的工作摘要，逾期升级时被抄送（空：不发、不抄送）",
        ),
        (
            "leaders = []".into(),
            "领导邮箱：收报送情况报告，二次升级时被抄送（空：不发、不抄送）",
        ),
        (
            format!("rate_per_minute = {}", mail.rate_per_minute),
            "每分钟最多发送几封",
        ),
        (
            format!("max_per_batch = {}", mail.max_per_batch),
            "每批最多发送几封，其余留待下批",
        ),
        (
            format!("max_attempts = {}", mail.max_attempts),
            "每封最多尝试几次",
        ),
        (
            "# [mail.smtp]".into(),
            "填写后才真正发信，见 README 的 campaign.toml 一节",
        ),
        ("# host = \"smtp.163.com\"".into(), ""),
        ("# security = \"tls\"".into(), ""),
        ("# user = \"office@163.com\"".into(), ""),
        ("# password_env = \"BAOSONG_SMTP_PASSWORD\"".into(), ""),
        (String::new(), ""),
        (
            "[reminders]".into(),
            "催报：何时给未报齐的单位发催报（按工作日计）",
        ),
        (
            format!("days_before = {}", r.days_before),
            "截止前第几个工作日提醒（0 = 不提醒）",
        ),
        (
            format!("on_due_day = {}", r.on_due_day),
            "截止当日（截止时刻前）是否提醒",
        ),
        (
            format!("every_after = {}", r.every_after),
            "逾期后每几个工作日催报一次（0 = 逾期后不催）",
        ),
        (
            format!("escalate_after = {}", r.escalate_after),
            "逾期满几个工作日时抄送 [mail] 的 office（0 = 不抄送）",
        ),
        (
            format!("escalate_leader_after = {}", r.escalate_leader_after),
            "逾期满几个工作日时再抄送 [mail] 的 leaders（0 = 不抄送）",
        ),
        (
            format!("max_per_deliverable = {}", r.max_per_deliverable),
            "每个单位每项材料最多催报几次",
        ),
        (
            format!("allow_non_workdays = {}", r.allow_non_workdays),
            "周末、节假日是否催报",
        ),
        (
            "# office_hours = \"08:30-17:30\"".into(),
            "白天运行时只在办公时间催报；夜间批处理不写",
        ),
        (String::new(), ""),
        (
            "[report_mail]".into(),
            "报送情况报告：何时发给 [mail] 的 leaders（leaders 为空则不发）",
        ),
        (format!("weekdays = [{}]", weekdays.join(", ")), "每周几发"),
        (
            format!("on_deadline_days = {}", m.on_deadline_days),
            "每个截止日是否发",
        ),
        (
            format!("when_all_complete = {}", m.when_all_complete),
            "全部单位报齐时是否发一次",
        ),
        (
            format!("attach_docx = {}", m.attach_docx),
            "除 PDF 外是否附 DOCX",
        ),
        (
            format!("attach_max_mb = {}", m.attach_max_mb),
            "附件合计超过多少 MB 时不附，邮件中写明报告所在文件夹",
        ),
    ];
    let mut out = String::from(
        "\n# —— 邮件：谁收到什么 ——\n\
         # 不写 [mail.smtp] 时，邮件只写成 out/<id>/outbox/ 下的 .eml 文件，不会发出；\n\
         # 各单位的邮箱取自安排表（联系人、邮箱列或联系人表），也可在 [[units]] 中补充。\n",
    );
    for (line, comment) in &lines {
        out.push_str(&commented(line, comment));
        out.push('\n');
    }
    out
}

/// `line` with `comment` after it at column 41 (a Chinese character is two
/// columns wide), so a file's comments line up in an editor.
fn commented(line: &str, comment: &str) -> String {
    if comment.is_empty() {
        return line.to_string();
    }
    let width: usize = line
        .chars()
        .map(|c| if c >= '\u{2E80}' { 2 } else { 1 })
        .sum();
    format!(
        "{line}{:pad$} # {comment}",
        "",
        pad = 40usize.saturating_sub(width)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::config::CampaignFile;
    use crate::campaign::schedule::SheetReport;

    fn schedule(title: &str) -> Schedule {
        Schedule {
            sheets: vec![SheetReport {
                name: "Sheet1".into(),
                title: Some(title.into()),
                kind: SheetKind::Activities,
                header_row: Some(3),
                header_last_row: None,
                subtitles: vec![],
                columns: vec!["单位 → 单位".into()],
                entries: 1,
            }],
            year: 2023,
            ..Schedule::default()
        }
    }

    #[test]
    fn the_generated_file_parses() {
        let text = campaign_toml(&schedule("泸溪县政务公开主题日活动安排表"), "安排表.xlsx");
        let file = CampaignFile::parse(&text, std::path::Path::new("campaign.toml")).unwrap();
        assert_eq!(file.campaign.title, "2023年泸溪县政务公开主题日活动");
        assert_eq!(file.campaign.year, 2023);
        assert_eq!(file.paths.schedule, std::path::Path::new("安排表.xlsx"));
        assert_eq!(file.deliverables.len(), 2);
        // Who gets mail is written out, as run applies it.
        assert_eq!(file.reminders, ReminderPolicy::default());
        assert_eq!(file.report_mail, ReportMailPolicy::default());
        let mail = file.mail.expect("[mail]");
        assert!(mail.office.is_empty() && mail.leaders.is_empty());
        assert_eq!(file.campaign.office, "泸溪县人民政府办公室");
        assert!(
            file.campaign.id.starts_with("2023-xian-"),
            "{}",
            file.campaign.id
        );
        for section in ["[mail]", "[reminders]", "[report_mail]"] {
            let line = text.lines().find(|l| l.starts_with(section)).unwrap();
            assert!(line.contains('#'), "{section} is explained");
        }
        let unexplained: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("[mail]"))
            .filter(|l| !l.starts_with('#') && l.contains(" = ") && !l.contains('#'))
            .collect();
        assert!(unexplained.is_empty(), "{unexplained:?}");
    }

    #[test]
    fn office_and_id_follow_the_level_of_the_place() {
        let s = schedule("2025年某某市“政务公开日”活动安排表");
        assert_eq!(office(&s).as_deref(), Some("某某市人民政府办公室"));
        let (made, rule) = id(&s);
        assert!(
            made.starts_with("2023-shi-") && made.len() == "2023-shi-".len() + 4,
            "{made}"
        );
        assert!(rule.contains("某某市"));
        assert_eq!(made, id(&s).0, "the same title gives the same id");
        let s = schedule("城关镇2025年政策宣讲活动安排表");
        assert_eq!(office(&s).as_deref(), Some("城关镇人民政府"));
        assert!(id(&s).0.contains("-zhen-"));
        let s = schedule("政务公开日活动安排表");
        assert_eq!(office(&s), None);
        assert_eq!(id(&s).0, "campaign-2023");
    }

    #[test]
    fn title_and_office_from_a_notice_style_title() {
        let s = schedule("建昌县人民政府办公室关于开展第十七届“5·15政务公开日”活动的通知");
        assert_eq!(office(&s).as_deref(), Some("建昌县人民政府办公室"));
        assert_eq!(
            title(&s).as_deref(),
            Some("2023年第十七届“5·15政务公开日”活动")
        );
        let s = schedule("2023年某某县政务公开日活动安排表");
        assert_eq!(title(&s).as_deref(), Some("2023年某某县政务公开日活动"));
        assert_eq!(office(&s).as_deref(), Some("某某县人民政府办公室"));
    }
}
