//! A file in words: its [`Flag`]s, why it has no unit, and how the unit
//! that sent it knows it.

use chrono::FixedOffset;

use crate::assess::{Assessment, FileAssessment, Flag, UnitBasis};
use crate::campaign::Campaign;
use crate::campaign::identify::Hint;
use crate::campaign::template::Unfilled;
use crate::fmt::printable;
use crate::inspect::Verdict;
use crate::model::ENTRY_SEP;

/// A flag in one line: "疑似截图，不计入张数", "按报送时间归入“禁毒宣传”".
pub fn flag(campaign: &Campaign, a: &Assessment, flag: &Flag) -> String {
    let units = &campaign.roster.units;
    match flag {
        Flag::FitsNoDeliverable { kind } => format!("不属于任何报送材料（{}）", kind.label()),
        Flag::Undecided { deliverables } => {
            let names: Vec<&str> = deliverables
                .iter()
                .map(|&d| campaign.deliverables[d].name.as_str())
                .collect();
            format!(
                "无法判断属于{}中的哪一项，请在文件名中注明",
                names.join("或")
            )
        }
        Flag::PlacedByArrival { activity } => {
            format!("按报送时间归入“{}”", campaign.activities[*activity].theme)
        }
        Flag::LowResolution { width, height } => {
            format!("照片分辨率过低（{width}×{height}），不计入张数")
        }
        Flag::Screenshot => "疑似截图，不计入张数".to_string(),
        Flag::TakenFarFromActivity { taken, activity } => {
            let a = &campaign.activities[*activity];
            let time = a.time.as_ref().map_or(&a.time_text, |t| &t.text);
            format!("拍摄日期{taken}与活动时间（{time}）相差较远，不计入张数")
        }
        Flag::SameAs { file } => format!("与{}内容相同，只计一次", a.files[*file].name()),
        Flag::NearlySameAs { file } => {
            format!(
                "与{}几乎相同（连拍或重复），不计入张数",
                a.files[*file].name()
            )
        }
        Flag::ForeignTitle { named, filed_by } => format!(
            "文中标题写的是“{}”，与报送单位“{}”不一致，请核实",
            units[*named].name, units[*filed_by].name
        ),
        Flag::UnfilledTemplate(left) => unfilled(left),
    }
}

/// Why a submission is still the office's template: "文档基本仍是模板《…》的
/// 原文（92%的文字与模板相同），“一、…”“二、…”下仍未填写内容，请填写后重新报送".
fn unfilled(left: &Unfilled) -> String {
    let headings = if left.empty_headings.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = left
            .empty_headings
            .iter()
            .map(|h| format!("“{h}”"))
            .collect();
        format!("，{}下仍未填写内容", quoted.join("、"))
    };
    format!(
        "文档基本仍是模板《{}》的原文（{}%的文字与模板相同）{headings}，请填写后重新报送",
        left.template, left.percent
    )
}

/// Every flag of a file, each in one line, printable.
pub fn flags(campaign: &Campaign, a: &Assessment, f: &FileAssessment) -> Vec<String> {
    f.flags
        .iter()
        .map(|fl| printable(&flag(campaign, a, fl)))
        .collect()
}

/// A file's verdict as its unit's receipt gives it: the inspection's
/// 合格 / 不合格, and 合格，但不计入 for a usable file its flags set aside.
pub fn verdict(f: &FileAssessment) -> String {
    let label = f.inspection.verdict.label();
    if f.set_aside() && f.inspection.verdict != Verdict::Reject {
        format!("{label}，但不计入")
    } else {
        label.to_string()
    }
}

/// Why a file has no unit: a name that could mean several (and what to do),
/// or no name at all. None for a file whose unit was found.
pub fn why_no_unit(campaign: &Campaign, f: &FileAssessment) -> Option<String> {
    match &f.unit_basis {
        UnitBasis::Found(_) => None,
        UnitBasis::Ambiguous { text, units } => {
            let names: Vec<&str> = units
                .iter()
                .map(|&u| campaign.roster.units[u].name.as_str())
                .collect();
            Some(printable(&format!(
                "“{text}”可能指{}，无法确定单位（请确认后登记：{}；或在campaign.toml的[[units]]中为单位补充别名）",
                names.join("、"),
                assign_command(&f.path, "单位名称")
            )))
        }
        UnitBasis::Unknown { likely } if likely.is_empty() => Some(printable(&format!(
            "未能识别所属单位（确认后登记：{}）",
            assign_command(&f.path, "单位名称")
        ))),
        UnitBasis::Unknown { likely } => {
            let named: Vec<String> = likely
                .iter()
                .map(|(u, hint)| {
                    let why = match hint {
                        Hint::NearName(text) => format!("“{text}”与之相近"),
                        Hint::SameDomain(domain) => format!("发件人与该单位同用邮箱域名{domain}"),
                    };
                    format!("{}（{why}）", campaign.roster.units[*u].name)
                })
                .collect();
            let best = &campaign.roster.units[likely[0].0].name;
            Some(printable(&format!(
                "未能识别所属单位，可能是{}；确认后登记：{}（不必移动或改名文件），确认前不向这些单位催报",
                named.join("、"),
                assign_command(&f.path, best)
            )))
        }
    }
}

/// What the office page says over the files of no unit.
pub const ASSIGN_HINT: &str = "确认单位后在命令行登记：baosong assign 路径 单位（路径照下表的写法，也可以是文件夹、压缩包或邮件；\
     不必移动或改名文件，到达时间不变），也可在campaign.toml的[[units]]中为单位补充别名。";

/// The command that assigns the file at `path` to `unit`.
pub fn assign_command(path: &str, unit: &str) -> String {
    format!("baosong assign {} {unit}", shell_path(path))
}

/// A ledger path as the office types it on a command line: entries shown
/// after " › ", quoted so that a shell (and Windows' cmd) passes it whole.
pub fn shell_path(path: &str) -> String {
    let shown = path.replace(ENTRY_SEP, " › ");
    if shown.contains(['"', '$', '`', '\\']) {
        format!("'{shown}'")
    } else {
        format!("\"{shown}\"")
    }
}

/// The file as its unit knows it, for the unit's receipt: "您6月6日16:40
/// 发来的邮件中的附件《活动总结.docx》", "收件箱中的《潭溪镇/材料.zip》内的
/// 《照片1.jpg》". `tz` is the campaign's zone, in which the unit's own
/// clock reads.
pub fn as_the_unit_knows_it(f: &FileAssessment, tz: &FixedOffset) -> String {
    let mut parts = f.path.split(ENTRY_SEP);
    let outer = parts.next().unwrap_or_default();
    let is_mail = |p: &str| p.to_ascii_lowercase().ends_with(".eml");
    let mut text = String::new();
    let mut previous = outer;
    let mut inner = parts.peekable();
    if is_mail(outer) && inner.peek().is_some() {
        text.push_str(&format!(
            "您{}发来的邮件",
            f.arrived.with_timezone(tz).format("%-m月%-d日%H:%M")
        ));
    } else {
        text.push_str(&format!("收件箱中的《{outer}》"));
    }
    for part in inner {
        let name = part.rsplit('/').next().unwrap_or(part);
        text.push_str(if is_mail(previous) {
            "中的附件"
        } else {
            "内的"
        });
        text.push_str(&format!("《{name}》"));
        previous = part;
    }
    printable(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario;

    #[test]
    fn every_flag_in_words() {
        let (c, a) = scenario();
        let said = |path: &str| {
            let f = a.files.iter().find(|f| f.path == path).unwrap();
            flags(&c, &a, f)
        };
        let photos = "县公安局/法治宣传照片/";
        assert_eq!(said(&format!("{photos}1.jpg")), Vec::<String>::new());
        assert_eq!(
            said(&format!("{photos}4.jpg")),
            ["与1.jpg内容相同，只计一次"]
        );
        assert_eq!(
            said(&format!("{photos}5.jpg")),
            ["与2.jpg几乎相同（连拍或重复），不计入张数"]
        );
        assert_eq!(said(&format!("{photos}6.jpg")), ["疑似截图，不计入张数"]);
        assert_eq!(
            said(&format!("{photos}7.jpg")),
            ["照片分辨率过低（320×240），不计入张数"]
        );
        assert_eq!(
            said(&format!("{photos}8.jpg")),
            ["拍摄日期2025-04-01与活动时间（5月15日）相差较远，不计入张数"]
        );
        assert_eq!(
            said("县公安局/发言材料.docx"),
            [
                "无法判断属于活动总结或访谈稿件中的哪一项，请在文件名中注明",
                "按报送时间归入“禁毒宣传”"
            ]
        );
        assert_eq!(
            said("县公安局/宣传片.mp4"),
            [
                "不属于任何报送材料（视频）",
                "按报送时间归入“法治宣传进社区”"
            ]
        );
        assert_eq!(
            said("州民政局/总结.docx"),
            ["文中标题写的是“县民政局”，与报送单位“州民政局”不一致，请核实"]
        );
    }

    #[test]
    fn a_set_aside_file_is_usable_but_not_counted() {
        let (_, a) = scenario();
        let said = |path: &str| verdict(a.files.iter().find(|f| f.path == path).unwrap());
        assert_eq!(said("县公安局/法治宣传照片/1.jpg"), "合格");
        assert_eq!(said("县公安局/法治宣传照片/4.jpg"), "合格，但不计入");
        assert_eq!(said("县林业局/总结.doc"), "不合格");
    }

    #[test]
    fn why_a_file_has_no_unit() {
        let (c, a) = scenario();
        let why = |path: &str| why_no_unit(&c, a.files.iter().find(|f| f.path == path).unwrap());
        assert_eq!(
            why("照片.jpg").unwrap(),
            "未能识别所属单位（确认后登记：baosong assign \"照片.jpg\" 单位名称）"
        );
        assert_eq!(
            why("民政局/材料.docx").unwrap(),
            "“民政局”可能指县民政局、州民政局，无法确定单位（请确认后登记：baosong assign \"民政局/材料.docx\" 单位名称；或在campaign.toml的[[units]]中为单位补充别名）"
        );
        assert_eq!(
            assign_command("收件/报送.eml!/$1.jpg", "县民政局"),
            "baosong assign '收件/报送.eml › $1.jpg' 县民政局"
        );
        assert_eq!(why("州民政局/总结.docx"), None);
    }

    #[test]
    fn a_file_as_its_unit_knows_it() {
        let (_, a) = scenario();
        let tz = a.clock.timezone();
        let mut f = a.files[0].clone();
        f.arrived = crate::campaign::testing::at("2025-05-26T10:00");
        f.path = "收件/报送.eml!/材料.zip!/照片/1.jpg".into();
        assert_eq!(
            as_the_unit_knows_it(&f, &tz),
            "您5月26日10:00发来的邮件中的附件《材料.zip》内的《1.jpg》"
        );
        f.path = "潭溪镇/材料.zip!/1.jpg".into();
        assert_eq!(
            as_the_unit_knows_it(&f, &tz),
            "收件箱中的《潭溪镇/材料.zip》内的《1.jpg》"
        );
        f.path = "潭溪镇/总结.docx".into();
        assert_eq!(
            as_the_unit_knows_it(&f, &tz),
            "收件箱中的《潭溪镇/总结.docx》"
        );
    }
}
