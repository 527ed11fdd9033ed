//! The HTML of the drafts: plain tags a portal's editor keeps when the
//! article is pasted into it (h1, p, figure, img, figcaption), no script,
//! no style sheet, written as XHTML-compatible markup so any XML parser
//! reads it.

use std::fmt::Write;

use crate::render::escape::esc as escape;

/// A figure of an article.
pub struct Figure<'a> {
    pub file: &'a str,
    pub width: u32,
    pub height: u32,
    pub caption: &'a str,
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>{}</title>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// `article.html`: the title, the paragraphs, one photo after each of the
/// first paragraphs and the rest at the end.
pub fn article(title: &str, paragraphs: &[String], figures: &[Figure]) -> String {
    let mut body = format!("<h1>{}</h1>\n", escape(title));
    let mut figures = figures.iter();
    let figure = |body: &mut String, f: &Figure| {
        let _ = write!(
            body,
            "<figure>\n<img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\" />\n<figcaption>{}</figcaption>\n</figure>\n",
            escape(f.file),
            f.width,
            f.height,
            escape(f.caption),
            escape(f.caption)
        );
    };
    for p in paragraphs {
        let _ = writeln!(body, "<p>{}</p>", escape(p));
        if let Some(f) = figures.next() {
            figure(&mut body, f);
        }
    }
    for f in figures {
        figure(&mut body, f);
    }
    page(title, &body)
}

/// One line of the index.
pub struct Listed<'a> {
    pub href: &'a str,
    pub seq: &'a str,
    pub unit: &'a str,
    pub title: &'a str,
    pub photos: usize,
    pub state: &'a str,
}

/// `index.html`: every draft with its state.
pub fn index(campaign_title: &str, as_of: &str, drafts: &[Listed]) -> String {
    let title = format!("{campaign_title} 网站专栏稿件");
    let mut body = format!(
        "<h1>{}</h1>\n<p>截至{}，共{}篇稿件。状态：新 = 本批新生成；自昨晚以来有变化 = 材料有更新，已重新生成；未变 = 与上一批相同。</p>\n<table>\n<tr><th>序号</th><th>单位</th><th>标题</th><th>照片</th><th>状态</th></tr>\n",
        escape(&title),
        escape(as_of),
        drafts.len()
    );
    for d in drafts {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}张</td><td>{}</td></tr>",
            escape(d.seq),
            escape(d.unit),
            escape(d.href),
            escape(d.title),
            d.photos,
            escape(d.state)
        );
    }
    body.push_str("</table>\n");
    page(&title, &body)
}
