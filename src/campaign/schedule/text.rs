//! What the words in schedule cells say: several units or addresses in one
//! cell, a note where a unit should be, what a list's title lists units for.

/// What a list's title lists units for: "现场宣传活动参加部门" → "现场宣传活动",
/// "泸溪县政务公开主题日活动安排表" → "泸溪县政务公开主题日活动".
pub fn list_subject(title: &str) -> String {
    let t = title.trim();
    for suffix in [
        "参加部门",
        "参加单位",
        "单位名单",
        "名单",
        "一览表",
        "计划表",
    ] {
        if let Some(rest) = t.strip_suffix(suffix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    if let Some(rest) = t.strip_suffix("安排表")
        && !rest.is_empty()
    {
        return if rest.ends_with("活动") {
            rest.to_string()
        } else {
            format!("{rest}活动")
        };
    }
    t.to_string()
}

pub(super) fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A sentence or a remark where a unit name should be.
pub(super) fn looks_like_note(text: &str) -> bool {
    text.chars().count() > 30
        || text.starts_with(['（', '('])
        || text.contains(['。', '；', ';', '！', '？', '：', ':'])
}

/// Splits a contact cell into addresses: separated by ；;，,、, spaces or
/// new lines; full-width letters and ＠ folded, stray brackets dropped.
pub fn split_addresses(cell: &str) -> Vec<String> {
    let folded: String = cell
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    folded
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '、' | '，' | '；'))
        .map(|a| {
            a.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | '"' | '\''))
                .trim_start_matches("mailto:")
                .to_string()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// A plain check (something@domain.tld, one @, no spaces or control
/// characters); the notify stage parses addresses fully before sending.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && s.chars()
            .all(|c| c.is_ascii_graphic() && !"<>(),;:\"[]\\".contains(c))
}

/// Words an organisation's name ends with; used to split a cell that names
/// several units ("县农业农村局 县乡村振兴局").
pub(super) const ORG_SUFFIXES: [&str; 24] = [
    "局", "府", "院", "会", "队", "中心", "办", "委", "所", "站", "部", "处", "室", "团", "社",
    "行", "司", "馆", "校", "台", "镇", "乡", "街道", "公司",
];

/// The parts of a 单位 cell, separated by spaces, new lines, 、 or commas.
pub fn unit_parts(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '；' | ';'))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits a 单位 cell into unit names when it clearly names several: every
/// part looks like an organisation's name and none continues the one
/// before ("生态环境局\n建昌分局" is one unit). The campaign decides
/// again once every unit of the workbook is known.
pub fn split_units(cell: &str) -> Vec<String> {
    let parts = unit_parts(cell);
    let branch = parts.iter().skip(1).any(|p| p.ends_with("分局"));
    let all_orgs = parts.len() > 1
        && !branch
        && parts
            .iter()
            .all(|p| p.chars().count() >= 3 && ORG_SUFFIXES.iter().any(|s| p.ends_with(s)));
    if all_orgs {
        parts
    } else {
        vec![parts.concat()]
    }
}

/// The units of a cell on a list of units: like [`split_units`], but a
/// cell listing many (县发改局、县教育局、…) lists each.
pub(super) fn list_units(cell: &str) -> Vec<String> {
    let by_sep: Vec<String> = cell
        .split(['、', '，', ',', '；', ';'])
        .map(|p| p.split_whitespace().collect::<String>())
        .map(|p| p.trim_end_matches(['。', '.']).to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if by_sep.len() > 1 {
        by_sep
    } else {
        split_units(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_naming_two_units_are_split_others_kept() {
        assert_eq!(
            split_units("县农业农村局 县乡村振兴局"),
            vec!["县农业农村局", "县乡村振兴局"]
        );
        assert_eq!(
            split_units("县农业农村局\n县乡村振兴局"),
            vec!["县农业农村局", "县乡村振兴局"]
        );
        assert_eq!(
            split_units("生态环境局\n建昌分局"),
            vec!["生态环境局建昌分局"]
        );
        assert_eq!(split_units("县公安局"), vec!["县公安局"]);
        assert_eq!(
            list_units("县发改局、县教育局、葫芦岛市生态环境局建昌分局。"),
            vec!["县发改局", "县教育局", "葫芦岛市生态环境局建昌分局"]
        );
    }

    #[test]
    fn contact_cells_hold_several_addresses_in_every_notation() {
        assert_eq!(
            split_addresses(" a@x.gov.cn；b@y.cn, c@z.cn、d@w.cn\ne@v.cn  f@u.cn ＧＨ＠ｔ.ｃｎ"),
            vec![
                "a@x.gov.cn",
                "b@y.cn",
                "c@z.cn",
                "d@w.cn",
                "e@v.cn",
                "f@u.cn",
                "GH@t.cn"
            ]
        );
        assert!(looks_like_email("jc7710089@163.com"));
        assert!(!looks_like_email("rsj@@jc.example.gov.cn"));
        assert!(!looks_like_email("rsj.example.gov.cn"));
        assert!(!looks_like_email("rsj@example"));
        assert!(!looks_like_email("rsj@example..cn"));
    }
}
