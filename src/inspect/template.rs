//! What an unfilled template looks like: the blanks offices leave in the
//! templates they send out, found in a document's paragraphs and table
//! cells.
//!
//! The forms, as offices' 报告模板 and 情况统计表 write them:
//! - fixed phrases: "此处填写…", "点击此处输入文字", "请在此填写";
//! - digits written as X or × in dates and counts: "202X年X月X日",
//!   "20XX年", "××人", "XX县XX局", "第X期", "XXXX-XXXXXXX" (never "3×4米",
//!   "X光", "1920×1080");
//! - bracketed instructions of any bracket kind: "（请填写活动开展情况）",
//!   "[此处插入照片]", "【不少于500字】", "〔选填〕";
//! - a bracketed field name standing where its value belongs: "（单位名称）关于…",
//!   "活动时间：【活动时间】", a table cell "[联系电话]" (a heading with its
//!   guidance in brackets, "一、基本情况（时间、地点、参与人员等）", is not one);
//! - long underscores: "______", "年＿＿月＿＿日";
//! - a date with its numbers left out: "年  月  日";
//! - sample sentences: "例：…", "示例：…", "（示例）…".
//!
//! A real document can hold brackets, underscores and × of its own; each
//! form is narrow enough to leave them alone (tested on the corpus's real
//! documents).

/// One blank left in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blank {
    pub kind: BlankKind,
    /// The text as it stands in the document ("202X年X月X日").
    pub text: String,
}

/// The kinds of blanks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankKind {
    /// A fixed phrase of a template ("此处填写").
    Phrase,
    /// Digits written as X or × ("202X年X月X日", "××人").
    Digits,
    /// A bracketed instruction ("（请填写…）").
    Instruction,
    /// A bracketed field name where its value belongs ("【单位名称】").
    Label,
    /// A long underscore ("______").
    Underline,
    /// A date with its numbers left out ("年  月  日").
    EmptyDate,
    /// A sample sentence ("例：…").
    Sample,
}

impl BlankKind {
    /// What the blank is, in a reason's words.
    pub fn label(self) -> &'static str {
        match self {
            BlankKind::Phrase => "模板提示语",
            BlankKind::Digits => "用X或×代替的数字",
            BlankKind::Instruction => "括号中的填写说明",
            BlankKind::Label => "待填写的栏目",
            BlankKind::Underline => "下划线空白",
            BlankKind::EmptyDate => "未填写的日期",
            BlankKind::Sample => "示例文字",
        }
    }
}

/// Phrases that only appear in an unfilled template.
pub const PLACEHOLDERS: [&str; 14] = [
    "此处填写",
    "在此处填写",
    "请在此填写",
    "此处输入",
    "此处插入",
    "点击此处输入",
    "单击此处输入",
    "单击或点击此处输入",
    "在此处键入",
    "在此输入",
    "请在此处输入",
    "请输入文字",
    "请填写",
    "填写说明",
];

/// Words of an instruction inside brackets.
const INSTRUCTIONS: [&str; 22] = [
    "请填",
    "请输入",
    "请在",
    "请根据",
    "请简要",
    "请简述",
    "请概述",
    "请列",
    "请注明",
    "请附",
    "请插入",
    "请上传",
    "请选择",
    "请删除",
    "填写",
    "此处",
    "示例",
    "字以内",
    "字左右",
    "选填",
    "必填",
    "删除",
];

/// Field names that stand in brackets where the value belongs.
const FIELDS: [&str; 28] = [
    "单位名称",
    "单位",
    "部门名称",
    "部门",
    "填报单位",
    "活动名称",
    "活动主题",
    "主题",
    "标题",
    "活动时间",
    "时间",
    "日期",
    "年月日",
    "填报日期",
    "活动地点",
    "地点",
    "姓名",
    "名称",
    "联系人",
    "联系电话",
    "电话",
    "职务",
    "填报人",
    "负责人",
    "人数",
    "参与人数",
    "照片",
    "图片",
];

/// Units that follow a number: a run of X before one stands for digits.
const AFTER_DIGITS: &str = "年月日号时分秒人名场次份个件条项余万元家户期篇张幅天批届轮所部台村%％";

/// Words that follow a name: "XX县", "XX局", "XX同志".
const AFTER_NAMES: [&str; 19] = [
    "县", "市", "区", "州", "省", "镇", "乡", "村", "局", "委", "办", "单位", "部门", "公司",
    "中心", "同志", "街道", "社区", "学校",
];

/// Opening and closing brackets of every kind.
const BRACKETS: [(char, char); 8] = [
    ('（', '）'),
    ('(', ')'),
    ('【', '】'),
    ('[', ']'),
    ('［', '］'),
    ('〔', '〕'),
    ('〖', '〗'),
    ('「', '」'),
];

/// Every blank in the paragraphs (and table cells) of a document, in order.
pub fn blanks<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<Blank> {
    let mut out = Vec::new();
    for p in paragraphs {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        let before = out.len();
        brackets(p, &mut out);
        digits(p, &mut out);
        underlines(p, &mut out);
        empty_dates(p, &mut out);
        samples(p, &mut out);
        // A phrase inside a bracketed instruction is shown once, as that.
        if out.len() == before {
            phrases(p, &mut out);
        }
    }
    out
}

/// The reason a document with blanks is refused: what was left unfilled,
/// the first three blanks shown, each kind named once before its blanks
/// ("括号中的填写说明“（此处填写…）”、“（此处填写…）”").
pub fn reason(blanks: &[Blank]) -> String {
    let mut shown: Vec<(BlankKind, Vec<String>)> = Vec::new();
    let mut count = 0;
    for b in blanks {
        let text: String = b.text.chars().take(24).collect();
        let ellipsis = if b.text.chars().count() > 24 {
            "…"
        } else {
            ""
        };
        let quoted = format!("“{text}{ellipsis}”");
        match shown.iter_mut().find(|(k, _)| *k == b.kind) {
            Some((_, texts)) if texts.contains(&quoted) => continue,
            Some((_, texts)) => texts.push(quoted),
            None => shown.push((b.kind, vec![quoted])),
        }
        count += 1;
        if count == 3 {
            break;
        }
    }
    let more = if blanks.len() > count {
        format!("等{}处", blanks.len())
    } else {
        String::new()
    };
    let named: Vec<String> = shown
        .iter()
        .map(|(kind, texts)| format!("{}{}", kind.label(), texts.join("、")))
        .collect();
    format!(
        "文档仍是未填写完的模板：{}{more}尚未填写，请填写后重新报送",
        named.join("，")
    )
}

fn push(out: &mut Vec<Blank>, kind: BlankKind, text: &str) {
    out.push(Blank {
        kind,
        text: text.to_string(),
    });
}

fn phrases(p: &str, out: &mut Vec<Blank>) {
    if let Some(ph) = PLACEHOLDERS.iter().find(|ph| p.contains(**ph)) {
        // The phrase with what follows it up to the end of its clause.
        let at = p.find(ph).unwrap_or(0);
        let clause: String = p[at..]
            .chars()
            .take_while(|c| !matches!(c, '。' | '；' | '）' | ')' | '】' | ']'))
            .collect();
        push(out, BlankKind::Phrase, &clause);
    }
}

/// A placeholder digit: X, x, × or ＊ (full-width X is folded first).
fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | '×' | 'Ｘ' | 'ｘ' | '＊')
}

fn digits(p: &str, out: &mut Vec<Blank>) {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    let mut found: Option<(usize, usize)> = None;
    while i < chars.len() {
        if !is_x(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_x(chars[i]) {
            i += 1;
        }
        let before = start.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i).copied();
        let rest: String = chars[i..].iter().take(4).collect();
        // "202X年", "20XX年": digits before, 年 after.
        let year = before.is_some_and(|c| c.is_ascii_digit()) && after == Some('年');
        let alone = !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric());
        let multiplication = chars[start..i].iter().all(|c| *c == '×')
            && (before.is_some_and(|c| c.is_ascii_digit() || c.is_whitespace())
                || after.is_some_and(|c| c.is_ascii_digit()));
        let placeholder = year
            || (alone
                && !multiplication
                && (after.is_some_and(|c| AFTER_DIGITS.contains(c))
                    || AFTER_NAMES.iter().any(|w| rest.starts_with(w))
                    || before == Some('第')
                    || i - start >= 3));
        if placeholder {
            let from = found.map_or(start, |(f, _)| f);
            // Blanks close together ("202X年X月X日") are shown as one.
            found = match found {
                Some((f, end)) if start <= end + 2 => Some((f, i + 1)),
                Some((f, end)) => {
                    show_digits(&chars, f, end, out);
                    Some((start, i + 1))
                }
                None => Some((from, i + 1)),
            };
        }
    }
    if let Some((f, end)) = found {
        show_digits(&chars, f, end, out);
    }
}

fn show_digits(chars: &[char], from: usize, end: usize, out: &mut Vec<Blank>) {
    // Take in the digits of a year written "202X".
    let mut from = from;
    while from > 0 && chars[from - 1].is_ascii_digit() {
        from -= 1;
    }
    let text: String = chars[from..end.min(chars.len())].iter().collect();
    push(out, BlankKind::Digits, &text);
}

fn brackets(p: &str, out: &mut Vec<Blank>) {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let Some(&(_, close)) = BRACKETS.iter().find(|(o, _)| *o == chars[i]) else {
            i += 1;
            continue;
        };
        let Some(len) = chars[i + 1..].iter().position(|c| *c == close) else {
            i += 1;
            continue;
        };
        let inner: String = chars[i + 1..i + 1 + len].iter().collect();
        let whole: String = chars[i..i + 2 + len].iter().collect();
        let end = i + 2 + len;
        let inner_plain: String = inner
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '：' | ':'))
            .collect();
        if INSTRUCTIONS.iter().any(|w| inner.contains(w)) {
            push(out, BlankKind::Instruction, &whole);
        } else if FIELDS.contains(&inner_plain.as_str()) {
            // Where the value belongs: alone, after a colon, or leading
            // the paragraph ("（单位名称）关于…").
            let before = chars[..i]
                .iter()
                .rev()
                .find(|c| !c.is_whitespace())
                .copied();
            let rest_empty = chars[end..].iter().all(|c| c.is_whitespace());
            if i == 0 || matches!(before, Some('：' | ':')) || rest_empty {
                push(out, BlankKind::Label, &whole);
            }
        } else if !inner_plain.is_empty() && inner_plain.chars().all(is_x) {
            push(out, BlankKind::Digits, &whole);
        }
        i = end;
    }
}

fn underlines(p: &str, out: &mut Vec<Blank>) {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !matches!(chars[i], '_' | '＿') {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && matches!(chars[i], '_' | '＿' | ' ') {
            i += 1;
        }
        let run = chars[start..i].iter().filter(|c| **c != ' ').count();
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let identifier = word(start.checked_sub(1).map(|b| &chars[b])) && word(chars.get(i));
        if run >= 3 && !identifier {
            let from = start.saturating_sub(6);
            let text: String = chars[from..(i + 2).min(chars.len())].iter().collect();
            push(out, BlankKind::Underline, text.trim());
            return; // one per paragraph is enough to show
        }
    }
}

fn empty_dates(p: &str, out: &mut Vec<Blank>) {
    let chars: Vec<char> = p.chars().collect();
    let space = |c: char| c == ' ' || c == '\u{3000}' || c == '\u{a0}';
    for (i, &c) in chars.iter().enumerate() {
        if c != '年' {
            continue;
        }
        let mut j = i + 1;
        let gap = |j: &mut usize| {
            let from = *j;
            while *j < chars.len() && space(chars[*j]) {
                *j += 1;
            }
            *j > from
        };
        if gap(&mut j) && chars.get(j) == Some(&'月') {
            j += 1;
            if gap(&mut j) && chars.get(j) == Some(&'日') {
                let text: String = chars[i..=j].iter().collect();
                push(out, BlankKind::EmptyDate, &text);
                return;
            }
        }
    }
}

fn samples(p: &str, out: &mut Vec<Blank>) {
    for start in [
        "例：",
        "例:",
        "示例：",
        "示例:",
        "范例：",
        "样例：",
        "（示例）",
        "(示例)",
        "【示例】",
        "[示例]",
        "参考示例",
    ] {
        if p.starts_with(start) {
            let text: String = p.chars().take(20).collect();
            push(out, BlankKind::Sample, &text);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(p: &str) -> Vec<BlankKind> {
        blanks([p]).into_iter().map(|b| b.kind).collect()
    }

    #[test]
    fn every_form_offices_use() {
        use BlankKind::*;
        for (p, kind) in [
            ("（此处填写活动开展情况）", Instruction),
            ("此处填写活动开展情况", Phrase),
            ("点击此处输入文字。", Phrase),
            ("活动时间：202X年X月X日", Digits),
            ("活动时间：20XX年XX月XX日", Digits),
            ("××××年××月××日", Digits),
            ("共有××人参加", Digits),
            ("XX县XX局关于开展政务公开日活动的总结", Digits),
            ("第X期", Digits),
            ("发放宣传资料X份，接受咨询XX人次", Digits),
            ("（请简要介绍活动开展情况，不少于300字）", Instruction),
            ("[此处插入活动照片]", Instruction),
            ("【选填】", Instruction),
            ("〔请附活动照片3张〕", Instruction),
            ("（单位名称）关于开展政务公开日活动的情况报告", Label),
            ("活动地点：【活动地点】", Label),
            ("[联系电话]", Label),
            ("（××）", Digits),
            ("联系电话：XXXX-XXXXXXX", Digits),
            ("联系人：______  电话：______", Underline),
            ("____年__月__日", Underline),
            ("填报单位：＿＿＿＿＿＿", Underline),
            ("2025年  月  日", EmptyDate),
            ("年\u{3000}月\u{3000}日", EmptyDate),
            ("例：5月15日，我局在县政务服务中心门前开展了……", Sample),
            ("示例：活动共发放资料500份", Sample),
        ] {
            assert!(kinds(p).contains(&kind), "{p}: {:?}", kinds(p));
        }
    }

    #[test]
    fn real_text_with_brackets_underscores_and_times_is_no_template() {
        for p in [
            "一、活动基本情况（时间、地点、参与人员、活动形式等）",
            "2025年5月15日上午，我局在县政务服务中心门前开展了“5·15政务公开日”宣传活动（见附件照片）。",
            "活动共发放宣传资料500余份，接受群众咨询120人次。",
            "（一）加强组织领导",
            "【活动亮点】我局创新采用“线上+线下”方式开展宣传。",
            "展板尺寸为3×4米，屏幕分辨率1920×1080。",
            "配备X光安检机2台，对XP系统进行升级。",
            "泸溪县林业局（盖章）",
            "湘政办发〔2025〕12号",
            "文件保存在 report___final_v2.docx 中",
            "联系人：张三，联系电话：0743-4260567",
            "开展了多种形式的宣传（如：发放宣传册、设置展板、现场解答）。",
            "“政务开放日”活动【现场图片】",
            "2025年5月20日",
        ] {
            assert_eq!(blanks([p]), vec![], "{p}");
        }
    }

    #[test]
    fn the_reason_names_what_was_left() {
        let b = blanks([
            "（单位名称）关于开展活动的报告",
            "活动时间：202X年X月X日",
            "（请填写活动开展情况）",
            "联系人：______",
        ]);
        let r = reason(&b);
        assert!(r.contains("待填写的栏目“（单位名称）”"), "{r}");
        assert!(r.contains("“202X年X月X日”"), "{r}");
        assert!(r.contains("等4处"), "{r}");
        // Two instructions: the kind named once.
        let b = blanks(["（此处填写活动开展情况）", "（此处填写活动成效）"]);
        let r = reason(&b);
        assert_eq!(
            r,
            "文档仍是未填写完的模板：括号中的填写说明“（此处填写活动开展情况）”、\
             “（此处填写活动成效）”尚未填写，请填写后重新报送"
        );
    }
}
