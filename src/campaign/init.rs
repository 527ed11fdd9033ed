//! `baosong init`: writes a commented campaign.toml from an office schedule,
//! so a new campaign takes minutes. Everything it cannot know (the title,
//! the deliverables' rules, contacts) is filled with the usual values and
//! marked for the office to check.

use std::fmt::Write;

use super::schedule::Schedule;

/// The text of a new campaign.toml for `schedule` (at `schedule_path`,
/// relative to the campaign folder).
pub fn campaign_toml(schedule: &Schedule, schedule_path: &str, year: i32) -> String {
    let mut units: Vec<&str> = Vec::new();
    for row in &schedule.rows {
        for u in &row.units {
            if !units.contains(&u.as_str()) {
                units.push(u);
            }
        }
    }
    let mut t = String::new();
    let _ = writeln!(
        t,
        r#"# baosong 活动配置（由 baosong init 生成，请逐项检查后使用）

[campaign]
id = "campaign-{year}"              # 简短英文标识，用于输出目录和邮件编号
title = "{year}年“政务公开主题日”活动"  # 活动名称（报告封面标题）
office = "县行政审批服务局"            # 牵头单位
timezone = "Asia/Shanghai"          # 时区
year = {year}                         # 安排表中“5月15日”等不写年份的时间属于哪一年
# clock = "{year}-06-13T20:00"       # 固定评估时刻（仅用于补跑或演示；平时不写）

[office]
contact = ""                        # 联系人
phone = ""                          # 联系电话
email = ""                          # 统一收信邮箱

[paths]
inbox = "inbox"                     # 收件箱：各单位报送的文件（只读）
templates = "templates"             # 邮件模板
output = "out"                      # 报告与待发邮件
state = "state"                     # 台账与文件存档
schedule = "{schedule_path}"        # 活动安排表
# calendar = "calendar-2027.csv"    # 补充日历（内置日历未覆盖的年份）

[intake]
settle_seconds = 60                 # 文件修改后静置多少秒才读取（防止读到复制了一半的文件）

# 报送材料：每项材料的名称、接受的文件类型、区分关键词、最少份数、截止规则
[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document", "pdf"]        # document = Word；pdf = PDF
keywords = ["总结"]
min_count = 1
deadline = {{ workdays_after_activity = 5, time = "24:00" }}   # 活动结束后5个工作日内
# deadline = {{ at = "{year}-05-23T16:00" }}                    # 或：统一截止时间（16时前）

[[deliverables]]
id = "photos"
name = "活动照片"
accept = ["photo"]
min_count = 3
deadline = {{ workdays_after_activity = 5, time = "24:00" }}

# 单位别名与联系人（名称须与安排表一致）"#
    );
    for u in units {
        let contact = schedule
            .rows
            .iter()
            .find(|r| r.units.iter().any(|x| x == u))
            .and_then(|r| r.contact.clone())
            .unwrap_or_default();
        let _ = writeln!(t, "\n[[units]]\nname = \"{u}\"\naliases = []");
        if let Some(c) = contact.name {
            let _ = writeln!(t, "contact = \"{c}\"");
        }
        if let Some(p) = contact.phone {
            let _ = writeln!(t, "phone = \"{p}\"");
        }
        match contact.email {
            Some(e) => {
                let _ = writeln!(t, "email = [\"{e}\"]");
            }
            None => {
                let _ = writeln!(t, "# email = [\"\"]");
            }
        }
    }
    let _ = writeln!(
        t,
        r#"
# 发信设置（不写 [mail.smtp] 时，邮件保存为 out/<id>/outbox/ 下的 .eml 文件）
# [mail]
# from = "office@example.gov.cn"
# from_name = "县行政审批服务局"
# office = ["office@example.gov.cn"]
# leaders = ["leader@example.gov.cn"]
"#
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::config::CampaignFile;
    use crate::campaign::schedule::ScheduleRow;

    #[test]
    fn the_generated_file_parses() {
        let schedule = Schedule {
            rows: vec![ScheduleRow {
                seq: "1".into(),
                units: vec!["县公安局".into()],
                theme: "5.15经济犯罪宣传日".into(),
                time: None,
                time_text: "5月".into(),
                place: None,
                contact: None,
                sheet: "Sheet1".into(),
                row: 3,
            }],
            ..Schedule::default()
        };
        let text = campaign_toml(&schedule, "安排表.xlsx", 2025);
        let file = CampaignFile::parse(&text, std::path::Path::new("campaign.toml")).unwrap();
        assert_eq!(file.units[0].name, "县公安局");
        assert_eq!(file.deliverables.len(), 2);
    }
}
