//! A cleaned summary retold as the government portal publishes it: in the
//! third person, about what was done. The unit's first person ("我局",
//! "我们", "本单位", "我镇") becomes its name (or the place's, for "我县");
//! what it plans ("下一步我们将…", a "下一步打算" section) and the problems
//! it reports to the office are left out; every paragraph ends with a full
//! stop. A paragraph whose first person cannot be said otherwise ("我
//! 作为…") is left out rather than published in the unit's voice.

use super::lines::starts_with_ordinal;
use crate::inspect::Block;

/// Who speaks in a summary.
#[derive(Debug, Clone, Copy)]
pub struct Speaker<'a> {
    /// The unit as the schedule names it: "县公安局", "潭溪镇人民政府".
    pub unit: &'a str,
    /// The campaign's place: "泸溪县", "某某市" (for "我县", "我市").
    pub place: Option<&'a str>,
}

/// The article's paragraphs from a cleaned summary's blocks (tables are
/// left out: a portal article is text and photos).
pub fn paragraphs(blocks: &[Block], speaker: &Speaker) -> Vec<String> {
    let mut out = Vec::new();
    // While inside a section about plans or problems: the rank of its
    // heading (see [`rank`]).
    let mut skipping: Option<u8> = None;
    for b in blocks {
        let (text, rank) = match b {
            Block::Heading { level, text } => (text.trim(), Some(*level)),
            Block::Paragraph { text } => {
                let t = text.trim();
                // A run-in heading ("三、下一步打算。我们将…") heads its paragraph.
                let first = sentences(t).first().copied().unwrap_or(t);
                (t, heading_like(first).then(|| rank(first)))
            }
            Block::Table { .. } => continue,
        };
        if let (Some(open), Some(rank)) = (skipping, rank)
            && rank <= open
        {
            skipping = None;
        }
        if skipping.is_some() {
            continue;
        }
        if let Some(rank) = rank
            && about_plans(sentences(text).first().copied().unwrap_or(text))
        {
            skipping = Some(rank);
            continue;
        }
        if rank.is_some() && heading_like(text) {
            out.push(text.to_owned());
            continue;
        }
        let Some(said) = third_person(&without_plans(text), speaker) else {
            continue;
        };
        let closed = closed(&said);
        if !closed.is_empty() {
            out.push(closed);
        }
    }
    // A heading with nothing after it says nothing.
    while out.last().is_some_and(|p| heading_like(p)) {
        out.pop();
    }
    out
}

/// Where a numbered heading written as a paragraph stands: below every
/// styled heading (levels 1–9), "一、" above "（一）" above "1." above "（1）".
fn rank(t: &str) -> u8 {
    let bracketed = t.starts_with(['（', '(']);
    let arabic = t
        .trim_start_matches(['（', '('])
        .starts_with(|c: char| c.is_ascii_digit());
    10 + u8::from(bracketed) + 2 * u8::from(arabic)
}

/// A news headline from the summary's title: "县卫生健康局“饮用水安全宣传”
/// 活动" from "…活动总结", "县公安局开展“X”活动" from "关于开展“X”活动的情况报告";
/// without a title, "县X局开展Y活动".
pub fn headline(title: Option<&str>, unit: &str, theme: &str) -> String {
    let Some(title) = title else {
        return if theme.ends_with("活动") {
            format!("{unit}开展{theme}")
        } else {
            format!("{unit}开展{theme}活动")
        };
    };
    let (who, about) = match title.split_once("关于") {
        Some((who, about)) => (who.trim(), about.trim()),
        None => ("", title.trim()),
    };
    let mut t = about.to_owned();
    loop {
        let before = t.len();
        for ending in [
            "的情况报告",
            "情况报告",
            "的总结报告",
            "的工作总结",
            "工作总结",
            "的总结",
            "总结",
            "的报告",
            "报告",
            "的汇报",
            "汇报",
            "开展情况",
            "情况",
            "工作",
            "的",
        ] {
            if let Some(rest) = t.strip_suffix(ending)
                && !rest.is_empty()
            {
                t = rest.to_owned();
                break;
            }
        }
        if t.len() == before {
            break;
        }
    }
    let who = if who.is_empty() && title.contains("关于") {
        unit
    } else {
        who
    };
    format!("{who}{t}")
}

/// Words of a heading about what is still to come or what went wrong.
const PLANS: &[&str] = &[
    "下一步",
    "下步",
    "下阶段",
    "今后",
    "打算",
    "工作计划",
    "工作思路",
    "存在的问题",
    "存在问题",
    "不足",
    "意见建议",
    "工作建议",
];

fn about_plans(heading: &str) -> bool {
    PLANS.iter().any(|w| heading.contains(w))
}

/// A numbered line without a full stop inside: "三、下一步打算", "（二）主要做法".
fn heading_like(t: &str) -> bool {
    let body = t.trim_end_matches(['。', '：', ':']);
    starts_with_ordinal(t) && body.chars().count() <= 25 && !body.contains(['。', '；', '，'])
}

/// How a clause about the future starts.
const FUTURE: &[&str] = &["下一步", "下步", "下阶段", "今后", "接下来", "未来"];

/// The paragraph without its sentences and clauses about the future:
/// "…明显提升，下一步我们将继续…。" → "…明显提升。"
fn without_plans(p: &str) -> String {
    let mut out = String::new();
    for sentence in sentences(p) {
        let mut kept = String::new();
        let mut cut = false;
        for clause in clauses(sentence) {
            let bare = clause.trim_start_matches(['，', '；', ',', ';', ' ']);
            let bare = strip_ordinal(bare);
            if FUTURE.iter().any(|f| bare.starts_with(f)) {
                cut = true;
                break;
            }
            kept.push_str(clause);
        }
        if cut {
            let head = kept.trim_end_matches(['，', '；', ',', ';', '：', ':']);
            if !head.is_empty() && !heading_like(head) {
                out.push_str(head);
                out.push('。');
            }
        } else {
            out.push_str(sentence);
        }
    }
    out
}

/// "一、", "（二）", "1." at the start, removed.
fn strip_ordinal(t: &str) -> &str {
    if !starts_with_ordinal(t) {
        return t;
    }
    let at = t
        .char_indices()
        .find(|&(_, c)| "、．.）)".contains(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &t[at..]
}

/// The sentences of a paragraph, each with its end mark and closing quotes.
fn sentences(p: &str) -> Vec<&str> {
    split_after(p, "。！？!?", true)
}

/// The clauses of a sentence, each starting with the mark before it.
fn clauses(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '“' | '《' | '「' | '（' | '(' => depth += 1,
            '”' | '》' | '」' | '）' | ')' => depth -= 1,
            '，' | '；' | ',' | ';' if depth <= 0 && i > start => {
                out.push(&s[start..i]);
                start = i;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `p` cut after every mark in `marks` outside quotes (with the closing
/// quotes and brackets right after it when `closing`).
fn split_after<'a>(p: &'a str, marks: &str, closing: bool) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        match c {
            '“' | '《' | '「' => depth += 1,
            '”' | '》' | '」' => depth -= 1,
            _ => {}
        }
        if marks.contains(c) && depth <= 0 {
            let mut j = i + 1;
            while closing && j < chars.len() && "”’」』）)".contains(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(p.len(), |&(at, _)| at);
            out.push(&p[start..end]);
            start = end;
            i = j;
            continue;
        }
        i += 1;
    }
    if start < p.len() {
        out.push(&p[start..]);
    }
    out
}

/// The unit's own words for itself, longest first, said with its name.
const UNIT_SELF: &[&str] = &[
    "我单位",
    "本单位",
    "我中心",
    "我大队",
    "我支队",
    "我分局",
    "我公司",
    "我们",
    "我局",
    "我委",
    "我办",
    "我院",
    "我队",
    "我所",
    "我站",
    "我会",
    "我部",
    "我处",
    "我科",
    "我馆",
    "我社",
    "本局",
    "本委",
    "本办",
];

/// First person that is not the unit's own voice and stays: the country,
/// the province and prefecture above the campaign, "自我".
const KEPT: &[&str] = &["我国", "我省", "我州", "自我"];

/// The paragraph in the third person, or None when some first person in it
/// cannot be said otherwise. Quoted words ("我为群众办实事") are left as
/// they are.
fn third_person(p: &str, speaker: &Speaker) -> Option<String> {
    let mut out = String::new();
    let mut depth = 0i32;
    let mut rest = p;
    while let Some(c) = rest.chars().next() {
        match c {
            '“' | '《' | '「' => depth += 1,
            '”' | '》' | '」' => depth -= 1,
            _ => {}
        }
        let speaks = c == '我'
            || UNIT_SELF
                .iter()
                .any(|w| w.starts_with('本') && rest.starts_with(w));
        if depth <= 0 && speaks {
            let (len, name) = match KEPT.iter().find(|k| rest.starts_with(*k)) {
                Some(kept) => (kept.len(), (*kept).to_owned()),
                None => self_name(rest, speaker)?,
            };
            out.push_str(&name);
            rest = &rest[len..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// The name for the first person at the start of `rest`, and the length
/// of the words it replaces; None when there is none.
fn self_name(rest: &str, speaker: &Speaker) -> Option<(usize, String)> {
    if let Some(w) = UNIT_SELF.iter().find(|w| rest.starts_with(*w)) {
        return Some((w.len(), speaker.unit.to_owned()));
    }
    // A town speaking of itself: "我镇" → "潭溪镇".
    for level in ["街道", "镇", "乡"] {
        let word = format!("我{level}");
        if rest.starts_with(&word) {
            let at = speaker.unit.find(level)?;
            return Some((word.len(), speaker.unit[..at + level.len()].to_owned()));
        }
    }
    // The campaign's place: "我县" → "泸溪县", else "全县".
    for level in ["县", "区", "市", "旗"] {
        let word = format!("我{level}");
        if rest.starts_with(&word) {
            let name = match speaker.place {
                Some(p) if p.ends_with(level) => p.to_owned(),
                _ => format!("全{level}"),
            };
            return Some((word.len(), name));
        }
    }
    None
}

/// The paragraph ending with a full stop: a trailing "，", "；", "：" or
/// "、" becomes "。", a missing one is added.
fn closed(p: &str) -> String {
    let t = p
        .trim()
        .trim_end_matches(['，', '；', '：', '、', ',', ';', ':', ' ']);
    if t.is_empty() {
        return String::new();
    }
    let last_mark = t
        .trim_end_matches(['”', '’', '」', '』', '）', ')'])
        .chars()
        .last();
    if last_mark.is_some_and(|c| "。！？!?…".contains(c)) {
        t.to_owned()
    } else {
        format!("{t}。")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Paragraph { text: t.into() }
    }

    const POLICE: Speaker = Speaker {
        unit: "县公安局",
        place: Some("泸溪县"),
    };

    #[test]
    fn first_person_becomes_the_units_name() {
        let out = paragraphs(
            &[
                para("我局高度重视，我们组织民警深入社区，本单位共发放资料八百余份"),
                para("活动得到我县群众好评，我国法治建设成效显著。"),
                para("民警以“我为群众办实事”为主题开展宣讲。"),
            ],
            &POLICE,
        );
        assert_eq!(
            out,
            [
                "县公安局高度重视，县公安局组织民警深入社区，县公安局共发放资料八百余份。",
                "活动得到泸溪县群众好评，我国法治建设成效显著。",
                "民警以“我为群众办实事”为主题开展宣讲。",
            ]
        );
    }

    #[test]
    fn a_town_and_a_place_without_a_name() {
        let town = Speaker {
            unit: "潭溪镇人民政府",
            place: None,
        };
        assert_eq!(
            paragraphs(&[para("我镇组织干部入村宣传，我市群众踊跃参与。")], &town),
            ["潭溪镇组织干部入村宣传，全市群众踊跃参与。"]
        );
        // "我镇" from a unit that is not a town cannot be named: left out.
        assert!(paragraphs(&[para("我镇群众积极参与。")], &POLICE).is_empty());
        assert!(paragraphs(&[para("我作为联络员全程参与。")], &POLICE).is_empty());
    }

    #[test]
    fn plans_are_left_out_and_sentences_closed() {
        let out = paragraphs(
            &[
                para(
                    "三、注重活动实效。通过活动，群众知晓度明显提升，下一步我们将继续做好政策解读工作。",
                ),
                para("下一步，我局将持续推进政务公开。"),
                para("活动现场解答咨询六十余人次，"),
                Block::Heading {
                    level: 1,
                    text: "四、下一步打算".into(),
                },
                para("一是加强宣传；二是健全机制。"),
                Block::Heading {
                    level: 1,
                    text: "五、活动照片".into(),
                },
                para("现场照片见附件"),
            ],
            &POLICE,
        );
        assert_eq!(
            out,
            [
                "三、注重活动实效。通过活动，群众知晓度明显提升。",
                "活动现场解答咨询六十余人次。",
                "五、活动照片",
                "现场照片见附件。",
            ]
        );
        assert!(paragraphs(&[para("三、下一步打算。我们将继续加强宣传。")], &POLICE).is_empty());
    }

    #[test]
    fn headlines_as_news_says_them() {
        assert_eq!(
            headline(
                Some("县卫生健康局“饮用水安全宣传”活动总结"),
                "县卫生健康局",
                ""
            ),
            "县卫生健康局“饮用水安全宣传”活动"
        );
        assert_eq!(
            headline(
                Some("关于开展“节水宣传周”活动的情况报告"),
                "县住房和城乡建设局",
                ""
            ),
            "县住房和城乡建设局开展“节水宣传周”活动"
        );
        assert_eq!(
            headline(
                Some("市教育局关于“校园开放日”活动开展情况的报告"),
                "市教育局",
                ""
            ),
            "市教育局“校园开放日”活动"
        );
        assert_eq!(
            headline(None, "县林业局", "珍爱生命，远离毒菇"),
            "县林业局开展珍爱生命，远离毒菇活动"
        );
    }
}
