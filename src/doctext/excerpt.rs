//! A faithful excerpt of bounded length: a document's blocks in their
//! order, whole while they fit, then the whole sentences of the next
//! paragraph that fit, its cut marked "……". Nothing is reworded or
//! reordered, so what leadership reads is what the unit wrote; a report
//! stays as long as its number of units, however much each one writes.

use super::lines::starts_with_ordinal;
use crate::inspect::{Block, count_chars};

/// What an excerpt holds and what it leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    pub blocks: Vec<Block>,
    /// Characters of the whole text ([`count_chars`]: CJK characters one
    /// each, a run of Latin letters or digits one).
    pub chars: usize,
    /// Whether the excerpt leaves part of the text out.
    pub cut: bool,
}

/// Whether `text` starts with a point of a list written "一是…二是…".
fn starts_with_shi_point(text: &str) -> bool {
    let numeral = text
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .count();
    numeral > 0 && text.chars().nth(numeral) == Some('是')
}

/// The mark where a paragraph is cut.
const CUT_MARK: &str = "……";

/// The first blocks of `blocks` with at most `max_chars` characters of
/// text. A heading is kept only with something after it; a table only
/// whole; a paragraph that does not fit is cut after its last whole
/// sentence that does (after a clause when the excerpt would otherwise be
/// empty).
pub fn excerpt(blocks: &[Block], max_chars: usize) -> Excerpt {
    let chars: usize = blocks.iter().map(block_chars).sum();
    let mut out: Vec<Block> = Vec::new();
    let mut used = 0;
    // A heading waits for what follows it.
    let mut pending: Vec<Block> = Vec::new();
    for b in blocks {
        let n = block_chars(b);
        if let Block::Heading { .. } = b {
            if used + pending.iter().map(block_chars).sum::<usize>() + n < max_chars {
                pending.push(b.clone());
                continue;
            }
            break;
        }
        let room = max_chars.saturating_sub(used + pending.iter().map(block_chars).sum::<usize>());
        if n <= room {
            used += n + pending.iter().map(block_chars).sum::<usize>();
            out.append(&mut pending);
            out.push(b.clone());
            continue;
        }
        if let Block::Paragraph { text } = b {
            let first = out.is_empty();
            // A run-in heading alone ("三、注重活动实效。", "二是创新方式。")
            // is no excerpt of its paragraph.
            let part = fitting_part(text, room, first)
                .filter(|p| first || !(starts_with_ordinal(p) || starts_with_shi_point(p)));
            if let Some(part) = part {
                out.append(&mut pending);
                out.push(Block::Paragraph {
                    text: format!("{part}{CUT_MARK}"),
                });
            }
        }
        break;
    }
    let kept: usize = out.iter().map(block_chars).sum();
    Excerpt {
        cut: kept < chars,
        blocks: out,
        chars,
    }
}

fn block_chars(b: &Block) -> usize {
    match b {
        Block::Heading { text, .. } | Block::Paragraph { text } => count_chars(text),
        Block::Table { rows } => rows.iter().flatten().map(|c| count_chars(c)).sum(),
    }
}

/// The longest start of `text` of whole sentences within `room`
/// characters; when `clauses` (nothing shown yet) and no sentence fits,
/// whole clauses, then as many characters as fit.
fn fitting_part(text: &str, room: usize, clauses: bool) -> Option<String> {
    let by_sentence = longest_prefix(text, room, is_sentence_end);
    if by_sentence.is_some() || !clauses {
        return by_sentence;
    }
    longest_prefix(text, room, |c| "，、：；,;:".contains(c)).or_else(|| {
        let mut part = String::new();
        for c in text.chars() {
            part.push(c);
            if count_chars(&part) > room {
                part.pop();
                break;
            }
        }
        (!part.is_empty()).then_some(part)
    })
}

fn is_sentence_end(c: char) -> bool {
    "。！？；!?;".contains(c)
}

/// The longest start of `text` that ends just after a character `ends`
/// accepts (and any closing quotes after it) and has at most `room`
/// characters.
fn longest_prefix(text: &str, room: usize, ends: impl Fn(char) -> bool) -> Option<String> {
    let mut best = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if ends(chars[i].1) {
            let mut j = i + 1;
            while j < chars.len() && "”’」』）)".contains(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(at, _)| at);
            if count_chars(&text[..end]) > room {
                break;
            }
            best = Some(text[..end].to_owned());
            i = j;
            continue;
        }
        i += 1;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Paragraph { text: t.into() }
    }

    fn heading(t: &str) -> Block {
        Block::Heading {
            level: 2,
            text: t.into(),
        }
    }

    #[test]
    fn short_texts_are_whole() {
        let blocks = vec![para("县林业局开展活动。"), para("效果良好。")];
        let e = excerpt(&blocks, 200);
        assert_eq!(e.blocks, blocks);
        assert!(!e.cut);
        assert_eq!(e.chars, 12);
    }

    #[test]
    fn a_long_text_is_cut_after_a_whole_sentence() {
        let blocks = vec![
            para("第一段共十个字的内容。"),
            heading("一、做法"),
            para("第一句话有八个字。第二句话也有九个字。第三句。"),
            heading("二、成效"),
            para("后面的内容。"),
        ];
        let e = excerpt(&blocks, 25);
        assert!(e.cut);
        assert_eq!(
            e.blocks,
            vec![
                para("第一段共十个字的内容。"),
                heading("一、做法"),
                para("第一句话有八个字。……"),
            ]
        );
        let shown: usize = e.blocks.iter().map(block_chars).sum();
        assert!(shown <= 25, "{shown}");
        // Only a run-in heading would fit: the excerpt ends before it.
        let e = excerpt(
            &[
                para("第一段共十个字的内容。"),
                para("三、注重实效。通过活动，群众知晓度明显提升。"),
            ],
            20,
        );
        assert_eq!(e.blocks, vec![para("第一段共十个字的内容。")]);
        let e = excerpt(
            &[
                para("第一段共十个字的内容。"),
                para("二是创新方式。通过活动，群众知晓度明显提升。"),
            ],
            20,
        );
        assert_eq!(e.blocks, vec![para("第一段共十个字的内容。")]);
    }

    #[test]
    fn a_heading_is_never_the_last_thing_shown() {
        let blocks = vec![
            para("十个字十个字十个字十。"),
            heading("一、做法"),
            para("这一段太长了放不下的内容，还有更多更多的字。"),
        ];
        let e = excerpt(&blocks, 16);
        assert_eq!(e.blocks, vec![para("十个字十个字十个字十。")]);
        assert!(e.cut);
    }

    #[test]
    fn one_long_first_sentence_is_cut_at_a_clause_or_a_character() {
        let e = excerpt(
            &[para(
                "这是一个很长的句子，中间有逗号，后面还有很多很多字才结束。",
            )],
            12,
        );
        assert_eq!(e.blocks, vec![para("这是一个很长的句子，……")]);
        let e = excerpt(&[para("没有任何标点的一个长句子写了很多字")], 5);
        assert_eq!(e.blocks, vec![para("没有任何标……")]);
    }

    #[test]
    fn a_table_is_shown_whole_or_not_at_all() {
        let table = Block::Table {
            rows: vec![
                vec!["项目".into(), "计划".into()],
                vec!["资料".into(), "1000".into()],
            ],
        };
        let e = excerpt(&[para("五个字内容。"), table.clone()], 8);
        assert_eq!(e.blocks, vec![para("五个字内容。")]);
        let e = excerpt(&[para("五个字内容。"), table.clone()], 20);
        assert_eq!(e.blocks[1], table);
        assert!(!e.cut);
    }
}
