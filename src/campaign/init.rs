//! `baosong init`: writes a commented campaign.toml from an office schedule,
//! so a new campaign takes minutes, and says what it made of each sheet.
//! What the schedule states (year, title, the groups its sheets form) is
//! taken from it; what it cannot know (the deliverables' rules, the office's
//! mail) is filled with the usual values and marked for the office to check.

use std::fmt::Write;

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

/// The office, when the title is written the 公文 way ("建昌县人民政府办公室
/// 关于开展…的通知").
pub fn office(schedule: &Schedule) -> Option<String> {
    let t = schedule.title()?;
    let (office, _) = t.split_once("关于")?;
    let office = office.trim();
    (!office.is_empty()).then(|| office.to_string())
}

/// One line per sheet: what it was taken for, its header and title, or why
/// it was skipped.
pub fn describe_sheets(schedule: &Schedule) -> Vec<String> {
    schedule
        .sheets
        .iter()
        .map(|s| {
            let header = s
                .header_row
                .map(|r| format!("表头在第{r}行：{}", s.columns.join("、")))
                .unwrap_or_default();
            let title = s
                .title
                .as_ref()
                .map(|t| format!("，标题“{t}”"))
                .unwrap_or_default();
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
        Some(o) => (o, "取自安排表标题"),
        None => ("县人民政府办公室".to_string(), "请填写"),
    };
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
id = "campaign-{year}"                  # 简短英文标识，用于输出目录和邮件编号
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
    let _ = writeln!(
        t,
        r#"
# —— 邮件 ——（不写 [mail.smtp] 时，邮件保存为 out/<id>/outbox/ 下的 .eml 文件）
# [mail]
# from = "office@example.gov.cn"
# from_name = "{office}"
# office = ["office@example.gov.cn"]
# leaders = ["leader@example.gov.cn"]"#
    );
    t
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
    }

    #[test]
    fn title_and_office_from_a_notice_style_title() {
        let s = schedule("建昌县人民政府办公室关于开展第十七届“5·15政务公开日”活动的通知");
        assert_eq!(office(&s).as_deref(), Some("建昌县人民政府办公室"));
        assert_eq!(
            title(&s).as_deref(),
            Some("2023年第十七届“5·15政务公开日”活动")
        );
        let s = schedule("2023年某县政务公开日活动安排表");
        assert_eq!(title(&s).as_deref(), Some("2023年某县政务公开日活动"));
        assert_eq!(office(&s), None);
    }
}
