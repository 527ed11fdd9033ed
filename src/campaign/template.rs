//! The office's own template of a deliverable (`template =
//! "活动总结模板.docx"` on a `[[deliverables]]`, the file in `templates/`):
//! a submission whose text is still mostly the template's is an unfilled
//! template, whatever its blanks look like (headings with nothing under
//! them, a unit name changed and nothing else).
//!
//! "Mostly" is measured on the text without spaces and punctuation: the
//! share of the submission's four-character runs that the template also
//! has. A filled-in report keeps the template's headings but adds its own
//! paragraphs, so its share stays far below [`MOSTLY`].

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use crate::inspect::{self, Block, Content, Document, Limits};

/// The share of a submission's text found in the template above which it
/// is still the template.
pub const MOSTLY: f64 = 0.8;

/// Length of the character runs compared.
const RUN: usize = 4;

/// A template's text, ready for comparing.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The file name, as reasons show it.
    pub file: String,
    /// Its paragraphs (and table cells), normalised, in order.
    paragraphs: Vec<String>,
    runs: HashSet<u64>,
}

/// What shows a submission is still the template, for
/// [`crate::wording`] to say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unfilled {
    /// The template's file name.
    pub template: String,
    /// The share of the submission's text found in the template, in percent.
    pub percent: u8,
    /// Up to three of the template's lines with nothing written under them.
    pub empty_headings: Vec<String>,
}

/// Why a template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("无法读取模板 {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("模板 {path} 不是可读取的Word文档（{reason}），请放入 .docx 格式的模板")]
    NotADocument { path: String, reason: String },
}

impl Template {
    /// Reads a template file (a .docx), with the same guards as any
    /// submitted file.
    pub fn load(path: &Path, limits: &Limits) -> Result<Template, TemplateError> {
        let shown = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let checked = crate::whole_file::with_contents(path, limits.max_file_bytes, |bytes| {
            inspect::inspect(&name, bytes, limits).inspection
        })
        .map_err(|source| TemplateError::Read {
            path: shown.clone(),
            source,
        })?;
        // A template holds blanks, so it is usually "refused": its text is
        // still there.
        match checked.content {
            Content::Document(doc) if !doc.blocks.is_empty() => Ok(Template::of(&name, &doc)),
            _ => Err(TemplateError::NotADocument {
                path: shown,
                reason: checked
                    .reason
                    .unwrap_or_else(|| format!("文件实际是{}", checked.kind.label())),
            }),
        }
    }

    /// The template of a document read already.
    pub fn of(file: &str, doc: &Document) -> Template {
        let paragraphs: Vec<String> = paragraphs(doc).into_iter().map(|p| p.0).collect();
        let runs = paragraphs.iter().flat_map(|p| runs(p)).collect();
        Template {
            file: file.to_string(),
            paragraphs,
            runs,
        }
    }

    /// Why `doc` is still this template, with what was left unfilled;
    /// None when it has been filled in.
    pub fn left_in(&self, doc: &Document) -> Option<Unfilled> {
        let own = paragraphs(doc);
        let all: Vec<u64> = own.iter().flat_map(|p| runs(&p.0)).collect();
        if all.is_empty() {
            return None;
        }
        let shared = all.iter().filter(|r| self.runs.contains(r)).count();
        let share = shared as f64 / all.len() as f64;
        if share < MOSTLY {
            return None;
        }
        // The template's lines with nothing written under them (its title
        // left aside).
        let from_template = |p: &(String, &str)| self.paragraphs.contains(&p.0);
        let empty: Vec<String> = own
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(i, p)| from_template(p) && own.get(i + 1).is_none_or(from_template))
            .map(|(_, p)| p.1.trim())
            .filter(|p| p.chars().count() <= 30)
            .take(3)
            .map(str::to_string)
            .collect();
        Some(Unfilled {
            template: self.file.clone(),
            percent: (share * 100.0).round() as u8,
            empty_headings: empty,
        })
    }
}

/// A document's paragraphs and table cells, normalised and as written,
/// empty ones left out.
fn paragraphs(doc: &Document) -> Vec<(String, &str)> {
    doc.blocks
        .iter()
        .flat_map(Block::texts)
        .map(|t| (super::unitname::normalize(t), t))
        .filter(|p| !p.0.is_empty())
        .collect()
}

/// The hashed runs of [`RUN`] characters of a paragraph (the paragraph
/// itself when shorter).
fn runs(p: &str) -> Vec<u64> {
    let chars: Vec<char> = p.chars().collect();
    let hash = |w: &[char]| {
        let mut h = DefaultHasher::new();
        w.hash(&mut h);
        h.finish()
    };
    if chars.len() <= RUN {
        return vec![hash(&chars)];
    }
    chars.windows(RUN).map(hash).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paragraphs: &[&str]) -> Document {
        Document {
            title: None,
            blocks: paragraphs
                .iter()
                .map(|p| Block::Paragraph {
                    text: p.to_string(),
                })
                .collect(),
            images: Vec::new(),
            char_count: 0,
        }
    }

    const TEMPLATE: [&str; 6] = [
        "关于开展2025年“政务公开主题日”活动的情况报告",
        "一、活动开展基本情况",
        "二、主要做法和成效",
        "三、存在的问题",
        "四、下一步工作打算",
        "报送单位：        报送日期：",
    ];

    #[test]
    fn the_template_with_a_unit_name_is_still_the_template() {
        let t = Template::of("情况报告模板.docx", &doc(&TEMPLATE));
        let mut sent = TEMPLATE.to_vec();
        sent[5] = "报送单位：县民政局        报送日期：";
        let left = t.left_in(&doc(&sent)).expect("still the template");
        assert_eq!(left.template, "情况报告模板.docx");
        assert!(left.percent >= 80, "{left:?}");
        assert_eq!(left.empty_headings[0], "一、活动开展基本情况");
    }

    #[test]
    fn a_filled_in_report_is_not() {
        let t = Template::of("情况报告模板.docx", &doc(&TEMPLATE));
        let filled = [
            TEMPLATE[0],
            TEMPLATE[1],
            "5月15日上午，县民政局在县政务服务中心门前开展婚姻登记政策宣传活动，发放宣传资料600余份，现场解答群众咨询85人次，邀请人大代表、政协委员和群众代表共30人参加座谈。",
            TEMPLATE[2],
            "一是提前谋划，制定活动方案；二是线上线下同步宣传，在政府网站和政务新媒体发布活动信息；三是现场设置咨询台，由业务骨干解答群众关心的婚姻登记、社会救助等问题。",
            TEMPLATE[3],
            "群众参与的渠道还不够多，宣传的形式有待丰富。",
            TEMPLATE[4],
            "我局将把政务公开主题日活动常态化，进一步拓展公开渠道。",
            "报送单位：县民政局  报送日期：2025年5月20日",
        ];
        assert_eq!(t.left_in(&doc(&filled)), None);
    }
}
