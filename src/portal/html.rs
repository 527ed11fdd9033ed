//! The pages of the drafts, from minijinja templates the office can
//! restyle without recompiling: `portal-article.html.j2` (one article) and
//! `portal-index.html.j2` (the list), in the campaign's `templates/`
//! folder, else the defaults shipped in the repository's `templates/`
//! (compiled in). Every value is HTML-escaped (autoescape), undefined
//! variables are errors, and a template is rendered once against a sample
//! when loaded, so a mistake names the template and its line before any
//! draft is written. The shipped article uses only the tags a portal's
//! editor keeps when it is pasted (h1, p, figure, img, figcaption), as
//! XHTML-compatible markup any XML parser reads.

use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::PortalError;

/// The templates, by file name, with their compiled-in defaults.
const DEFAULTS: [(&str, &str); 2] = [
    (
        ARTICLE,
        include_str!("../../templates/portal-article.html.j2"),
    ),
    (INDEX, include_str!("../../templates/portal-index.html.j2")),
];
const ARTICLE: &str = "portal-article.html.j2";
const INDEX: &str = "portal-index.html.j2";

/// A figure of an article.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub caption: String,
}

/// What `portal-article.html.j2` is given: the title, the paragraphs and
/// the figures (the shipped template puts one after each of the first
/// paragraphs and the rest at the end).
#[derive(Debug, Clone, Serialize)]
pub struct Article<'a> {
    pub title: &'a str,
    pub paragraphs: &'a [String],
    pub figures: &'a [Figure],
}

/// One line of the index.
#[derive(Debug, Clone, Serialize)]
pub struct Listed<'a> {
    /// The draft's folder under `portal/` (its article is `folder/article.html`).
    pub folder: &'a str,
    pub seq: &'a str,
    pub unit: &'a str,
    pub title: &'a str,
    pub photos: usize,
    pub state: &'a str,
}

/// What `portal-index.html.j2` is given.
#[derive(Debug, Clone, Serialize)]
pub struct Index<'a> {
    /// The campaign's title.
    pub campaign: &'a str,
    /// "2025年6月13日 20:00（北京时间）".
    pub as_of: &'a str,
    pub drafts: &'a [Listed<'a>],
}

/// The two page templates, checked.
pub struct Pages {
    env: Environment<'static>,
    /// A hash of the templates' text: a restyled template makes every
    /// draft again.
    fingerprint: String,
}

impl Pages {
    /// The templates in `dir`, the defaults for those absent, each
    /// rendered once against a sample.
    pub fn load(dir: &Path) -> Result<Pages, PortalError> {
        Self::from(Some(dir))
    }

    /// The built-in templates only.
    pub fn builtin() -> Pages {
        Self::from(None).expect("the shipped templates render")
    }

    fn from(dir: Option<&Path>) -> Result<Pages, PortalError> {
        let mut env = Environment::new();
        let mut hash = blake3::Hasher::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("default delimiters are valid"),
        );
        for (name, default) in DEFAULTS {
            let text = match dir.map(|d| d.join(name)) {
                None => default.to_owned(),
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(text) => text,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => default.to_owned(),
                    Err(source) => return Err(PortalError::Read { path, source }),
                },
            };
            hash.update(text.as_bytes());
            env.add_template_owned(name, text)
                .map_err(|e| template_error(name, &e))?;
        }
        let pages = Pages {
            env,
            fingerprint: hash.finalize().to_hex().to_string(),
        };
        let figures = [Figure {
            file: "照片1.jpg".into(),
            width: 1080,
            height: 810,
            caption: "示例（图1）".into(),
        }];
        pages.article(&Article {
            title: "示例",
            paragraphs: &["示例段落。".to_owned()],
            figures: &figures,
        })?;
        pages.index(&Index {
            campaign: "示例",
            as_of: "示例",
            drafts: &[Listed {
                folder: "1-示例",
                seq: "1",
                unit: "示例",
                title: "示例",
                photos: 1,
                state: "新",
            }],
        })?;
        Ok(pages)
    }

    /// Writes the defaults into `dir` for the office to edit (`baosong
    /// init`), leaving files already there alone.
    pub fn write_defaults(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, text) in DEFAULTS {
            let path = dir.join(name);
            if !path.exists() {
                std::fs::write(path, text)?;
            }
        }
        Ok(())
    }

    /// What the templates are, hashed.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// `article.html`.
    pub fn article(&self, article: &Article) -> Result<String, PortalError> {
        self.render(ARTICLE, article)
    }

    /// `index.html`.
    pub fn index(&self, index: &Index) -> Result<String, PortalError> {
        self.render(INDEX, index)
    }

    fn render(&self, name: &str, ctx: &impl Serialize) -> Result<String, PortalError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(Serde(ctx)))
            .map_err(|e| template_error(name, &e))
    }
}

fn template_error(name: &str, e: &minijinja::Error) -> PortalError {
    PortalError::Template {
        name: name.to_owned(),
        line: e.line().unwrap_or(0),
        detail: e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_figures_follow_paragraphs() {
        let pages = Pages::builtin();
        let figures: Vec<Figure> = (1..=3)
            .map(|n| Figure {
                file: format!("照片{n}.jpg"),
                width: 1080,
                height: 720,
                caption: format!("现场（图{n}）"),
            })
            .collect();
        let html = pages
            .article(&Article {
                title: "县公安局<script>活动",
                paragraphs: &["第一段 & 说明。".to_owned(), "第二段。".to_owned()],
                figures: &figures,
            })
            .unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
            "{html}"
        );
        assert!(html.contains("<h1>县公安局&lt;script&gt;活动</h1>"));
        assert!(!html.contains("<script"));
        assert!(html.contains("<p>第一段 &amp; 说明。</p>"));
        let order: Vec<usize> = ["第一段", "照片1.jpg", "第二段", "照片2.jpg", "照片3.jpg"]
            .iter()
            .map(|s| html.find(s).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{html}");
    }

    #[test]
    fn a_mistake_in_an_office_template_names_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(INDEX), "{{ drafts_count }}").unwrap();
        let err = Pages::load(dir.path()).err().unwrap().to_string();
        assert!(err.contains(INDEX), "{err}");
    }
}
