//! What one line of a unit's document is when it is not content: a
//! letterhead or signature (an organisation's name alone), a document
//! number, an addressee ("市政务公开办："), a date, a contact line, a
//! closing formula ("特此报告。"), a rule line. Each test takes the line
//! without whitespace ([`compact`]).

/// The line without any whitespace (full-width spaces included): how a
/// signature padded to the right margin compares with a name.
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Marks inside a sentence or a title; an organisation's name written
/// alone has none of them.
const SENTENCE_MARKS: &[char] = &[
    '，', '。', '；', '：', '、', '？', '！', '“', '”', '《', '》', '"', ',', ';', ':', '?', '!',
];

/// How the name of an office, a department or a place ends, for telling a
/// letterhead, an addressee or a signature from a line of text. Longer
/// endings first; the schedule's cell splitting has its own, narrower list.
const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "办公室",
    "办事处",
    "领导小组",
    "委员会",
    "联合会",
    "中心",
    "公司",
    "街道",
    "分局",
    "大队",
    "支队",
    "公开办",
    "局",
    "办",
    "委",
    "府",
    "院",
    "会",
    "队",
    "所",
    "站",
    "部",
    "处",
    "科",
    "股",
    "室",
    "组",
    "馆",
    "社",
    "镇",
    "乡",
    "县",
    "市",
    "区",
    "州",
];

/// Seals and stamps written beside a name: "（盖章）", "(印章)".
const SEALS: &[&str] = &["（盖章）", "(盖章)", "（印章）", "(印章)", "（章）", "(章)"];

fn without_seal(c: &str) -> &str {
    SEALS
        .iter()
        .find_map(|s| c.strip_suffix(s))
        .unwrap_or(c)
        .trim_end_matches(['。', '.'])
}

/// An organisation's name and nothing else ("泸溪县公安局", "县政府办公室
/// （盖章）"), or one of the `names` the document may be signed with.
pub fn is_org_name(c: &str, names: &[&str]) -> bool {
    let c = without_seal(c);
    if names.iter().any(|n| !n.is_empty() && compact(n) == c) {
        return true;
    }
    let n = c.chars().count();
    (2..=30).contains(&n)
        && !c.contains(SENTENCE_MARKS)
        && !c.chars().any(|ch| ch.is_ascii_digit())
        && ORG_ENDINGS.iter().any(|e| c.ends_with(e) && c != *e)
}

/// A letterhead line: "泸溪县公安局文件", or the unit's name alone.
pub fn is_letterhead(c: &str, names: &[&str]) -> bool {
    let bare = c.strip_suffix("文件").unwrap_or(c);
    is_org_name(bare, names)
}

/// A document number: "泸公发〔2025〕12号", "县卫健函[2025]3号", and the
/// 签发人 line beside it.
pub fn is_doc_number(c: &str) -> bool {
    if c.starts_with("签发人") {
        return true;
    }
    let n = c.chars().count();
    let bracketed_year = ["〔", "[", "［", "（", "(", "﹝", "【"].iter().any(|open| {
        c.split(open).skip(1).any(|rest| {
            let year: String = rest
                .chars()
                .take_while(|ch| !"〕]］）)﹞】".contains(*ch))
                .collect();
            let len = year.chars().count();
            len == 4
                && year
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || CN_DIGITS.contains(ch))
        })
    });
    n <= 30 && bracketed_year && c.ends_with('号')
}

/// A line of rules or stars: "————————", "★".
pub fn is_rule(c: &str) -> bool {
    !c.is_empty() && c.chars().all(|ch| "—－-_=━─*＊·•★☆".contains(ch))
}

/// Chinese numerals as dates are written in 公文 ("二〇二五年五月二十日").
const CN_DIGITS: &str = "〇○零一二三四五六七八九十";

/// What may stand before a date on a date line.
const DATE_LABELS: &[&str] = &[
    "填报日期",
    "报送日期",
    "报送时间",
    "填报时间",
    "成文日期",
    "落款日期",
    "日期",
    "时间",
];

/// A date alone on its line, as documents are dated: "2025年6月3日",
/// "二〇二五年六月三日", "2025.6.3", "6月3日", "日期：2025-06-03", with a
/// seal or a full stop after it.
pub fn is_date_line(c: &str) -> bool {
    let mut c = without_seal(c);
    for label in DATE_LABELS {
        if let Some(rest) = c
            .strip_prefix(label)
            .and_then(|r| r.strip_prefix(['：', ':']))
        {
            c = rest;
            break;
        }
    }
    date_len(c) == Some(c.len())
}

/// The length in bytes of a date at the start of `s`, if one is there.
fn date_len(s: &str) -> Option<usize> {
    let digit =
        |ch: char| ch.is_ascii_digit() || ('０'..='９').contains(&ch) || CN_DIGITS.contains(ch);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    // Runs of digits separated by 年/月/日 or by . - /.
    let mut parts = Vec::new();
    let mut seps = Vec::new();
    loop {
        let start = i;
        while i < chars.len() && digit(chars[i].1) {
            i += 1;
        }
        if i == start {
            break;
        }
        parts.push(i - start);
        match chars.get(i).map(|&(_, ch)| ch) {
            Some(sep @ ('年' | '月' | '日' | '号' | '.' | '-' | '/' | '．')) => {
                seps.push(sep);
                i += 1;
            }
            _ => break,
        }
        if matches!(seps.last(), Some('日' | '号')) {
            break;
        }
    }
    let end = chars.get(i).map_or(s.len(), |&(at, _)| at);
    let words = seps.iter().collect::<String>();
    let ok = match words.as_str() {
        "年月日" | "年月号" => parts.len() == 3,
        "月日" | "月号" => parts.len() == 2,
        // 2025.6.3, 2025-06-03, 2025/6/3: a four-digit year first.
        ".." | "--" | "//" | "．．" => parts.len() == 3 && parts[0] == 4,
        _ => false,
    };
    ok.then_some(end)
}

/// A date at the end of a line ("县公安局 2025年6月3日" as one line): the
/// line without it, when it ends in one.
pub fn without_trailing_date(c: &str) -> Option<&str> {
    c.char_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
        .find(|&i| date_len(&c[i..]) == Some(c.len() - i))
        .map(|i| &c[..i])
}

/// An addressee: "市政务公开办：", "县政府办公室：", "各位领导：",
/// "尊敬的王主任：" — a short line ending in a colon naming an office or a
/// person, never a section heading ("一、活动情况：").
pub fn is_salutation(c: &str) -> bool {
    let Some(body) = c.strip_suffix(['：', ':']) else {
        return false;
    };
    let n = body.chars().count();
    if n == 0 || n > 30 || starts_with_ordinal(body) || body.contains(SENTENCE_MARKS) {
        return false;
    }
    const PEOPLE: &[&str] = &[
        "领导",
        "同志",
        "老师",
        "主任",
        "局长",
        "县长",
        "市长",
        "区长",
        "镇长",
        "书记",
        "科长",
        "处长",
        "股长",
        "同事们",
    ];
    body.starts_with("尊敬的")
        || PEOPLE.iter().any(|p| body.ends_with(p))
        || ORG_ENDINGS.iter().any(|e| body.ends_with(e))
}

/// "一、", "（一）", "1.", "1、", "（1）", "第一" at the start: a numbered
/// heading or item.
pub fn starts_with_ordinal(c: &str) -> bool {
    let c = c.trim_start_matches(['（', '(']);
    let numeral = c
        .chars()
        .take_while(|ch| ch.is_ascii_digit() || CN_DIGITS.contains(*ch))
        .count();
    // "第一，" / "第二、" number a point; "第一次", "第一时间" are words.
    if let Some(rest) = c.strip_prefix('第') {
        let digits = rest
            .chars()
            .take_while(|ch| CN_DIGITS.contains(*ch))
            .count();
        return digits > 0
            && rest
                .chars()
                .nth(digits)
                .is_some_and(|ch| "，,、：:．.".contains(ch));
    }
    numeral > 0
        && c.chars()
            .nth(numeral)
            .is_some_and(|ch| "、．.）)".contains(ch))
}

/// A contact, attachment or distribution line of a 公文's end: "联系人：张三",
/// "联系电话：…", "附件：活动照片", "抄送：…", "…办公室 2025年6月3日印发".
pub fn is_contact_line(c: &str) -> bool {
    const LABELS: &[&str] = &[
        "联系人",
        "联系电话",
        "电话",
        "手机",
        "邮箱",
        "电子邮箱",
        "填报人",
        "审核人",
        "报送人",
        "签发",
        "撰稿",
        "供稿",
        "审稿",
        "审核",
        "附件",
        "抄送",
        "抄报",
        "报送",
        "主送",
    ];
    let labelled = LABELS.iter().any(|l| {
        c.strip_prefix(l).is_some_and(|rest| {
            rest.starts_with(['：', ':'])
                || l.starts_with("附件") && rest.starts_with(|ch: char| ch.is_ascii_digit())
        })
    });
    labelled || (c.ends_with("印发") && c.chars().count() <= 40)
}

/// A closing formula on its own: "特此报告。", "特此汇报", "以上报告，请审阅。",
/// "妥否，请批示。".
pub fn is_closing(c: &str) -> bool {
    let c = c.trim_end_matches(['。', '.', '！']);
    (c.starts_with("特此") || c.starts_with("专此")) && c.chars().count() <= 8
        || c.starts_with("以上报告")
        || c.starts_with("妥否")
        || c == "请审阅"
        || c == "请批示"
}

/// A person's name alone (2–4 Chinese characters), as a signature line
/// ends a document.
pub fn is_person_name(c: &str) -> bool {
    let n = c.chars().count();
    (2..=4).contains(&n) && c.chars().all(|ch| ('\u{4E00}'..='\u{9FFF}').contains(&ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations_alone_are_names_not_text() {
        assert!(is_org_name("泸溪县公安局", &[]));
        assert!(is_org_name("县政府办公室（盖章）", &[]));
        assert!(is_org_name("潭溪镇人民政府", &[]));
        assert!(is_org_name("湘西州生态环境局泸溪分局", &[]));
        assert!(is_letterhead("泸溪县卫生健康局文件", &[]));
        assert!(is_org_name("某某单位", &["某某单位"]));
        assert!(!is_org_name("县公安局“5.15经济犯罪宣传日”活动总结", &[]));
        assert!(!is_org_name("活动取得良好效果", &[]));
        assert!(!is_org_name("局", &[]));
    }

    #[test]
    fn document_numbers_and_rules() {
        assert!(is_doc_number("泸公发〔2025〕12号"));
        assert!(is_doc_number("县卫健函[2025]3号"));
        assert!(is_doc_number("某政办发（二〇二五）7号"));
        assert!(is_doc_number("签发人：张三"));
        assert!(!is_doc_number("共发放资料800份，接待群众12号"));
        assert!(is_rule("——————————"));
        assert!(is_rule("★"));
        assert!(!is_rule("一"));
    }

    #[test]
    fn dates_alone_in_every_notation() {
        for line in [
            "2025年6月3日",
            "2025年6月3日。",
            "二〇二五年六月三日",
            "二○二五年五月二十六日",
            "２０２５年６月３日",
            "6月3日",
            "2025.6.3",
            "2025-06-03",
            "日期：2025年6月3日",
            "2025年6月3日（盖章）",
        ] {
            assert!(is_date_line(line), "{line}");
        }
        for line in ["2025年6月3日，县公安局开展宣传", "6月", "2025年", "第3日"] {
            assert!(!is_date_line(line), "{line}");
        }
        assert_eq!(
            without_trailing_date("县公安局2025年6月3日"),
            Some("县公安局")
        );
        assert_eq!(without_trailing_date("县公安局"), None);
    }

    #[test]
    fn addressees_but_not_headings() {
        for line in [
            "市政务公开办：",
            "县政府办公室：",
            "区政务服务管理局:",
            "各位领导：",
            "尊敬的王主任：",
            "县政务公开领导小组：",
        ] {
            assert!(is_salutation(line), "{line}");
        }
        for line in [
            "一、活动开展情况：",
            "（二）主要做法：",
            "活动内容：",
            "具体情况如下：",
            "县公安局组织开展了宣传活动，主要做法：",
        ] {
            assert!(!is_salutation(line), "{line}");
        }
    }

    #[test]
    fn ordinals_contacts_closings_and_names() {
        for c in [
            "一、精心组织",
            "（一）加强领导",
            "1.活动",
            "2、宣传",
            "（3）现场",
            "第一，",
        ] {
            assert!(starts_with_ordinal(c), "{c}");
        }
        assert!(!starts_with_ordinal("一是加强组织"));
        assert!(!starts_with_ordinal("第一时间发布活动信息。"));
        assert!(is_contact_line("联系人：张三，联系电话：0743-1234567"));
        assert!(is_contact_line("附件：活动照片3张"));
        assert!(is_contact_line("附件1：活动方案"));
        assert!(is_contact_line("泸溪县公安局办公室2025年6月3日印发"));
        assert!(!is_contact_line("附件中的照片反映了活动现场"));
        assert!(is_closing("特此报告。"));
        assert!(is_closing("妥否，请批示。"));
        assert!(!is_closing("特此向群众发放了宣传资料八百余份。"));
        assert!(is_person_name("张三"));
        assert!(is_person_name("欧阳明华"));
        assert!(!is_person_name("活动取得良好效果"));
    }
}
