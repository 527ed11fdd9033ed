//! A unit's document text as a reader should see it: what the unit wrote
//! about its activity, without what surrounds it on paper.
//!
//! A summary as units write it starts with a letterhead and a document
//! number, its title (often twice: Word's Title or Heading style, and the
//! same words again as a paragraph), an addressee ("市政务公开办："), and an
//! opening that ends "现将…报告如下："; it ends with "特此报告。", the
//! unit's name, a person's name, a date and contact lines. [`clean`] keeps
//! the title once and the content only, wherever in the document those
//! lines stand and however they are typed (full-width spaces, Chinese
//! numerals in dates, a signature and date on one line).
//!
//! One cleaner for every place that shows a summary: the report's unit
//! pages take a bounded [`excerpt`] of it, the portal drafts retell it as
//! news ([`publish`]: first person to the unit's name, plans and
//! problems left out, every sentence closed).

mod excerpt;
mod lines;
pub mod publish;

pub use excerpt::{Excerpt, excerpt};
pub use lines::compact;

use crate::inspect::{Block, Document, PLACEHOLDERS};

/// A document's content: its title once, then its headings, paragraphs and
/// tables without letterhead, addressee, announcements, signature, date
/// and contact lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    /// The document's own title: the Title- or Heading-styled one, else a
    /// short first line without a full stop; joined when written on two
    /// lines.
    pub title: Option<String>,
    pub blocks: Vec<Block>,
}

/// The content of `doc`. `names` are the names the document may carry as
/// letterhead or signature beyond those any organisation's name is
/// recognised by (the unit's as the schedule writes it, the office's).
pub fn clean(doc: &Document, names: &[&str]) -> Cleaned {
    let blocks: Vec<Block> = split_lines(&doc.blocks)
        .into_iter()
        .filter(|b| match text_of(b) {
            Some(t) => {
                let c = compact(t);
                !c.is_empty()
                    && !lines::is_date_line(&c)
                    && !lines::is_doc_number(&c)
                    && !lines::is_rule(&c)
                    && !PLACEHOLDERS.iter().any(|p| c.contains(p))
            }
            None => true,
        })
        .collect();
    let (title, start) = head(&blocks, doc.title.as_deref(), names);
    let end = start + tail(&blocks[start..], names);
    let title_key = title.as_deref().map(compact);
    let blocks = blocks[start..end]
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { text } => {
                let c = compact(text);
                if Some(&c) == title_key.as_ref() || names.iter().any(|n| compact(n) == c) {
                    return None;
                }
                let text = without_closing(&without_announcement(text));
                (!text.is_empty()).then_some(Block::Paragraph { text })
            }
            Block::Heading { text, .. } if Some(compact(text)) == title_key => None,
            other => Some(other.clone()),
        })
        .collect();
    Cleaned { title, blocks }
}

/// The text of a heading or paragraph; a table has none.
fn text_of(b: &Block) -> Option<&str> {
    match b {
        Block::Heading { text, .. } | Block::Paragraph { text } => Some(text),
        Block::Table { .. } => None,
    }
}

/// Paragraphs broken with manual line breaks (a signature and its date
/// in one paragraph) as one paragraph per line.
fn split_lines(blocks: &[Block]) -> Vec<Block> {
    blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { text } if text.contains('\n') => text
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Block::Paragraph { text: l.to_owned() })
                .collect(),
            other => vec![other.clone()],
        })
        .collect()
}

/// The title and where the content starts: letterhead, document numbers,
/// rules, addressees and the title (once or repeated) are passed over
/// until the first line of text.
fn head(blocks: &[Block], styled: Option<&str>, names: &[&str]) -> (Option<String>, usize) {
    // The reader's title when it is a real title (not the first numbered
    // heading "一、活动情况", which the reader takes when nothing else is).
    let styled = styled
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && !lines::starts_with_ordinal(t));
    let mut title: Option<String> = None;
    let mut i = 0;
    while let Some(text) = blocks.get(i).and_then(text_of) {
        let c = compact(text);
        let is_title_again = title.as_deref().is_some_and(|t| compact(t) == c);
        if is_title_again
            || lines::is_letterhead(&c, names)
            || lines::is_salutation(&c)
            || (c.starts_with("尊敬的") && c.ends_with(['：', ':']))
        {
            i += 1;
            continue;
        }
        if title.is_some() {
            break;
        }
        let styled_here = styled.as_deref().is_some_and(|s| compact(s) == c);
        if !styled_here && !title_like(&c) {
            break;
        }
        // A title on two lines: "县公安局“5.15经济犯罪宣传日”" / "活动总结",
        // or the unit / "关于…的报告".
        let next = blocks.get(i + 1).and_then(text_of).map(compact);
        match next.filter(|n| title_like(n) && continues_title(&c, n)) {
            Some(n) => {
                title = Some(format!("{}{n}", text.trim()));
                i += 2;
            }
            None => {
                title = Some(text.trim().to_owned());
                i += 1;
            }
        }
    }
    // A title only in the document's properties is taken when it reads as
    // a summary's title (not "文档1" or a template's name).
    let title = title.or(styled.filter(|s| ends_like_title(&compact(s))));
    (title, i)
}

/// How a summary's title ends.
const TITLE_ENDINGS: &[&str] = &[
    "总结", "报告", "情况", "汇报", "简报", "活动", "工作", "综述", "纪实", "小结",
];

fn ends_like_title(c: &str) -> bool {
    TITLE_ENDINGS.iter().any(|e| c.ends_with(e))
}

/// A short line without a full stop that is not a numbered heading or an
/// addressee: how a title looks when no style says it is one.
fn title_like(c: &str) -> bool {
    let n = c.chars().count();
    (2..=50).contains(&n)
        && !c.contains(['。', '；', '？', '！', ';'])
        && !c.ends_with(['：', ':', '，', ','])
        && !lines::starts_with_ordinal(c)
}

/// Whether `next` finishes the title begun by `first`.
fn continues_title(first: &str, next: &str) -> bool {
    !ends_like_title(first) && (next.starts_with("关于") || ends_like_title(next))
}

/// How many blocks of `blocks` come before its end matter: the closing
/// formula, signature, seal, person's name, date and contact lines are
/// left out from the end.
fn tail(blocks: &[Block], names: &[&str]) -> usize {
    let mut end = blocks.len();
    while end > 0 {
        let Some(text) = text_of(&blocks[end - 1]) else {
            break;
        };
        let c = compact(text);
        let signature = |s: &str| {
            s.is_empty()
                || lines::is_org_name(s, names)
                || lines::is_person_name(s)
                || lines::is_contact_line(s)
        };
        let signed = lines::without_trailing_date(&c).is_some_and(signature);
        if signed || signature(&c) || lines::is_closing(&c) {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

/// The paragraph without its announcement of the report ("现将活动开展情况
/// 总结如下。", "现就有关情况汇报如下：", "特将…报告如下"), a clause that says
/// nothing of the activity; the sentence it ended is closed with "。"
/// instead of the "，" before it. A clause merely introducing a list
/// ("主要做法如下：") stays.
fn without_announcement(p: &str) -> String {
    const ANNOUNCING: &[&str] = &[
        "现将", "现就", "现把", "现对", "特将", "报告", "汇报", "总结", "简要",
    ];
    let mut out = p.trim().to_owned();
    while let Some(at) = find_announcement(&out, ANNOUNCING) {
        let (start, end) = at;
        let head = out[..start].trim_end_matches([' ', '　']);
        let rest = out[end..].trim_start_matches(['。', '：', ':', '，', ',', '.', ' ']);
        let head = match head.strip_suffix(['，', ',', '；', ';', '：', ':']) {
            Some(h) if !h.is_empty() => format!("{h}。"),
            Some(_) => String::new(),
            None => head.to_owned(),
        };
        out = format!("{head}{rest}");
    }
    out
}

/// The byte range of the first clause ending in "如下" that announces
/// (holds one of `words`), from the clause's start to the end of "如下".
fn find_announcement(p: &str, words: &[&str]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = p[from..].find("如下").map(|i| i + from) {
        let end = i + "如下".len();
        let start = p[..i]
            .rfind(['，', '。', '；', '：', ',', ';', ':'])
            .map_or(0, |s| s + p[s..].chars().next().map_or(1, char::len_utf8));
        let clause = &p[start..end];
        if words.iter().any(|w| clause.contains(w)) {
            return Some((start, end));
        }
        from = end;
    }
    None
}

/// The paragraph without a closing formula at its end ("……效果。特此报告。").
fn without_closing(p: &str) -> String {
    let trimmed = p.trim_end_matches(['。', '.', '！']);
    let cut = trimmed
        .rfind('。')
        .map(|i| i + '。'.len_utf8())
        .filter(|&i| lines::is_closing(&compact(&trimmed[i..])));
    match cut {
        Some(i) => trimmed[..i].to_owned(),
        None if lines::is_closing(&compact(p)) => String::new(),
        None => p.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Paragraph { text: t.into() }
    }

    fn heading(level: u8, t: &str) -> Block {
        Block::Heading {
            level,
            text: t.into(),
        }
    }

    fn doc(title: Option<&str>, blocks: Vec<Block>) -> Document {
        Document {
            title: title.map(String::from),
            blocks,
            images: Vec::new(),
            char_count: 0,
        }
    }

    fn texts(c: &Cleaned) -> Vec<&str> {
        c.blocks.iter().filter_map(text_of).collect()
    }

    #[test]
    fn a_heading_styled_title_with_its_repeat_addressee_and_signature() {
        let d = doc(
            Some("市教育局“校园开放日”活动总结"),
            vec![
                heading(1, "市教育局“校园开放日”活动总结"),
                para("市教育局“校园开放日”活动总结"),
                para("市政务公开办："),
                para(
                    "为落实方案要求，市教育局于5月20日组织开展了校园开放日活动，现将有关情况报告如下：",
                ),
                heading(2, "一、精心组织"),
                para("局主要负责人专题部署，明确专人负责。"),
                para("特此报告。"),
                para("　　　　　　市教育局"),
                para("　　　　　2025年5月26日"),
                para("联系人：王芳，联系电话：0731-1234567"),
            ],
        );
        let c = clean(&d, &["市教育局", "某某市人民政府办公室"]);
        assert_eq!(c.title.as_deref(), Some("市教育局“校园开放日”活动总结"));
        assert_eq!(
            texts(&c),
            [
                "为落实方案要求，市教育局于5月20日组织开展了校园开放日活动。",
                "一、精心组织",
                "局主要负责人专题部署，明确专人负责。",
            ]
        );
    }

    #[test]
    fn letterhead_number_two_line_title_and_signature_with_date_on_one_line() {
        let d = doc(
            None,
            vec![
                para("某某区卫生健康局文件"),
                para("区卫健发〔2025〕18号"),
                para("——————————————"),
                para("区卫生健康局"),
                para("关于“饮用水安全宣传”活动开展情况的报告"),
                para("区政府办公室："),
                para("5月20日，我局在中心广场开展宣传活动，发放资料八百余份。特此报告。"),
                para("区卫生健康局\n二〇二五年五月二十六日"),
            ],
        );
        let c = clean(&d, &["区卫生健康局"]);
        assert_eq!(
            c.title.as_deref(),
            Some("关于“饮用水安全宣传”活动开展情况的报告")
        );
        assert_eq!(
            texts(&c),
            ["5月20日，我局在中心广场开展宣传活动，发放资料八百余份。"]
        );
    }

    #[test]
    fn a_title_on_two_lines_is_joined() {
        let d = doc(
            None,
            vec![
                para("潭溪镇人民政府“政策宣传走深走实”"),
                para("活动总结"),
                para("镇党委高度重视，组织干部深入村组宣传。"),
            ],
        );
        let c = clean(&d, &[]);
        assert_eq!(
            c.title.as_deref(),
            Some("潭溪镇人民政府“政策宣传走深走实”活动总结")
        );
        assert_eq!(texts(&c), ["镇党委高度重视，组织干部深入村组宣传。"]);
    }

    #[test]
    fn the_first_numbered_heading_is_not_a_title() {
        // The reader takes the first heading as the title when no Title
        // style is used; a numbered one is a section, and stays.
        let d = doc(
            Some("一、活动开展情况"),
            vec![
                para("县林业局政务公开日活动总结"),
                heading(1, "一、活动开展情况"),
                para("5月15日，县林业局开展活动。"),
            ],
        );
        let c = clean(&d, &[]);
        assert_eq!(c.title.as_deref(), Some("县林业局政务公开日活动总结"));
        assert_eq!(
            texts(&c),
            ["一、活动开展情况", "5月15日，县林业局开展活动。"]
        );
    }

    #[test]
    fn without_a_title_the_text_starts_at_once() {
        let d = doc(
            Some("文档1"),
            vec![para("5月15日，县林业局开展活动，发放资料。")],
        );
        let c = clean(&d, &[]);
        assert_eq!(c.title, None);
        assert_eq!(texts(&c), ["5月15日，县林业局开展活动，发放资料。"]);
    }

    #[test]
    fn announcements_are_cut_and_their_sentence_closed() {
        assert_eq!(
            without_announcement("……群众代表参加，现将活动开展情况总结如下。"),
            "……群众代表参加。"
        );
        assert_eq!(without_announcement("现将有关情况报告如下："), "");
        assert_eq!(
            without_announcement("县公安局开展宣传。现就有关情况汇报如下：一是组织有力。"),
            "县公安局开展宣传。一是组织有力。"
        );
        assert_eq!(
            without_announcement("主要做法如下：一是组织有力。"),
            "主要做法如下：一是组织有力。"
        );
        assert_eq!(
            without_closing("取得良好效果。特此报告。"),
            "取得良好效果。"
        );
        assert_eq!(without_closing("特此报告"), "");
        assert_eq!(without_closing("取得良好效果。"), "取得良好效果。");
    }

    #[test]
    fn tables_and_dates_inside_the_text_stay() {
        let table = Block::Table {
            rows: vec![vec!["项目".into(), "数量".into()]],
        };
        let d = doc(
            None,
            vec![
                para("2025年5月15日，县林业局开展活动。"),
                table.clone(),
                para("2025年5月16日"),
                para("活动取得实效。"),
            ],
        );
        let c = clean(&d, &[]);
        assert_eq!(c.blocks[1], table);
        assert_eq!(
            texts(&c),
            ["2025年5月15日，县林业局开展活动。", "活动取得实效。"]
        );
    }
}
