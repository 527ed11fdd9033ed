//! Message texts from minijinja templates the office can edit without
//! recompiling.
//!
//! The campaign's `templates/` folder may hold `receipt.txt.j2`,
//! `reminder.txt.j2`, `report.txt.j2` and `digest.txt.j2`; a file that is
//! absent falls back to the default shipped in the repository's
//! `templates/` folder (compiled in). The **first line** of each template is
//! the subject, written `Subject: …`; the rest (after optional blank lines)
//! is the plain-text body. The variables available are the fields of
//! [`ReceiptContext`], [`ReminderContext`], [`ReportContext`] and
//! [`DigestContext`] (all also carry the fields of
//! [`Letterhead`](super::policy::Letterhead)).
//!
//! Block tags (`{% if %}`, `{% for %}`) on a line of their own leave no
//! blank line (`trim_blocks`, `lstrip_blocks`).
//!
//! Undefined variables are errors ([`UndefinedBehavior::Strict`]), and
//! [`Templates::load`] renders every template once against a complete
//! sample context, so a misspelt variable stops the batch at startup with
//! the template's name, line and expression, instead of leaving a blank in
//! a sent mail.

use std::path::{Path, PathBuf};

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use thiserror::Error;

use super::message::Kind;
use super::policy::{DigestContext, ReceiptContext, ReminderContext, ReportContext};

/// The defaults, compiled in from the repository's `templates/` folder.
const DEFAULTS: [(Kind, &str); 4] = [
    (
        Kind::Receipt,
        include_str!("../../templates/receipt.txt.j2"),
    ),
    (
        Kind::Reminder,
        include_str!("../../templates/reminder.txt.j2"),
    ),
    (Kind::Report, include_str!("../../templates/report.txt.j2")),
    (Kind::Digest, include_str!("../../templates/digest.txt.j2")),
];

/// A template problem, always naming the template.
#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("无法读取模板 {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The template's own line is quoted: the parser's explanation is
    /// English and says less to the office than the line does.
    #[error(
        "模板 {name} 第{line}行有语法错误：“{text}”（检查 {{{{ }}}} 与 {{% %}} 是否成对、变量名是否写对）"
    )]
    Syntax {
        name: String,
        line: usize,
        text: String,
    },
    #[error("模板 {name} 第{line}行使用了未定义的变量“{expr}”")]
    Undefined {
        name: String,
        line: usize,
        expr: String,
    },
    #[error("模板 {name} 无法生成（第{line}行）: {detail}")]
    Render {
        name: String,
        line: usize,
        detail: String,
    },
    #[error("模板 {name} 的第一行应为“Subject: 邮件主题”")]
    NoSubject { name: String },
}

/// The four message templates, checked.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    /// Where each template came from (a path, or "内置" for a default).
    pub sources: Vec<(String, String)>,
}

/// A rendered subject and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

fn file_name(kind: Kind) -> String {
    format!("{}.txt.j2", kind.as_str())
}

impl Templates {
    /// Loads the templates from `dir` (defaults for absent files) and renders
    /// each against a complete sample context.
    pub fn load(dir: &Path) -> Result<Templates, TemplateError> {
        let mut sources = Vec::new();
        for (kind, default) in DEFAULTS {
            let path: PathBuf = dir.join(file_name(kind));
            let (text, from) = match std::fs::read_to_string(&path) {
                Ok(text) => (text, path.display().to_string()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    (default.to_string(), "内置".to_string())
                }
                Err(source) => {
                    return Err(TemplateError::Read {
                        path: path.display().to_string(),
                        source,
                    });
                }
            };
            sources.push((file_name(kind), text, from));
        }
        Self::from_sources(sources)
    }

    /// Writes the built-in defaults into `dir` for the office to edit
    /// (`baosong init`), leaving files already there alone.
    pub fn write_defaults(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (kind, text) in DEFAULTS {
            let path = dir.join(file_name(kind));
            if !path.exists() {
                std::fs::write(path, text)?;
            }
        }
        Ok(())
    }

    /// The built-in defaults only.
    pub fn builtin() -> Result<Templates, TemplateError> {
        Self::from_sources(
            DEFAULTS
                .iter()
                .map(|(k, t)| (file_name(*k), t.to_string(), "内置".to_string()))
                .collect(),
        )
    }

    fn from_sources(sources: Vec<(String, String, String)>) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("default delimiters are valid"),
        );
        let mut origin = Vec::new();
        for (name, text, from) in sources {
            let line_text = |line: usize| {
                text.lines()
                    .nth(line.saturating_sub(1))
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            let syntax = |e: minijinja::Error| {
                let line = e.line().unwrap_or(0);
                TemplateError::Syntax {
                    name: name.clone(),
                    line,
                    text: line_text(line),
                }
            };
            env.add_template_owned(name.clone(), text.clone())
                .map_err(syntax)?;
            origin.push((name, from));
        }
        let templates = Templates {
            env,
            sources: origin,
        };
        templates.render(Kind::Receipt, &ReceiptContext::sample())?;
        templates.render(Kind::Reminder, &ReminderContext::sample())?;
        templates.render(Kind::Report, &ReportContext::sample())?;
        templates.render(Kind::Digest, &DigestContext::sample())?;
        Ok(templates)
    }

    /// Renders the template of `kind` with `ctx`.
    pub fn render(&self, kind: Kind, ctx: &impl Serialize) -> Result<Text, TemplateError> {
        let name = file_name(kind);
        let tmpl = self
            .env
            .get_template(&name)
            .expect("all four templates are added in from_sources");
        let out = tmpl.render(Serde(ctx)).map_err(|e| {
            let line = e.line().unwrap_or(0);
            let expr = e
                .range()
                .and_then(|r| tmpl.source().get(r))
                .map(str::to_string);
            match (e.kind(), expr) {
                (ErrorKind::UndefinedError, Some(expr)) => TemplateError::Undefined {
                    name: name.clone(),
                    line,
                    expr,
                },
                _ => TemplateError::Render {
                    name: name.clone(),
                    line,
                    detail: e
                        .detail()
                        .map(str::to_string)
                        .unwrap_or_else(|| e.to_string()),
                },
            }
        })?;
        let (first, rest) = out.split_once('\n').unwrap_or((&out, ""));
        let subject = first
            .trim()
            .strip_prefix("Subject:")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| TemplateError::NoSubject { name: name.clone() })?;
        Ok(Text {
            subject: subject.to_string(),
            body: rest.trim_start_matches(['\r', '\n']).to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_render_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let t = Templates::load(dir.path()).unwrap();
        assert!(t.sources.iter().all(|(_, from)| from == "内置"));
        let r = t.render(Kind::Receipt, &ReceiptContext::sample()).unwrap();
        assert!(r.subject.contains("回执"), "{}", r.subject);
        assert!(r.body.contains("县民政局"), "{}", r.body);
        let r = t
            .render(Kind::Reminder, &ReminderContext::sample())
            .unwrap();
        assert!(r.subject.contains("催报"), "{}", r.subject);
        let r = t.render(Kind::Report, &ReportContext::sample()).unwrap();
        assert!(r.subject.contains("报送情况"), "{}", r.subject);
        let r = t.render(Kind::Digest, &DigestContext::sample()).unwrap();
        assert!(r.subject.contains("工作摘要"), "{}", r.subject);
    }

    #[test]
    fn missing_variable_is_a_startup_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("reminder.txt.j2"),
            "Subject: 催报 {{ unit }}\n\n{% for item in items %}{{ item.deliverable }} {{ item.deadlin }}\n{% endfor %}",
        )
        .unwrap();
        let err = Templates::load(dir.path()).unwrap_err().to_string();
        assert_eq!(
            err,
            "模板 reminder.txt.j2 第3行使用了未定义的变量“item.deadlin”"
        );

        std::fs::write(dir.path().join("reminder.txt.j2"), "Subject: {{ uint }}\n").unwrap();
        let err = Templates::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("“uint”"), "{err}");

        std::fs::write(dir.path().join("reminder.txt.j2"), "催报\n").unwrap();
        let err = Templates::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("第一行应为"), "{err}");

        std::fs::write(dir.path().join("reminder.txt.j2"), "Subject: {% if %}\n").unwrap();
        let err = Templates::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("语法错误"), "{err}");
    }
}
