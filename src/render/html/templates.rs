//! The board's templates: `templates/board/` of the repository, built in,
//! each replaceable by a file of the same name in the campaign's
//! `templates/board/` folder, so an office restyles its board without
//! recompiling (as it edits its mail templates).
//!
//! Every value put into an `.html` template is escaped ([`esc`]): a file
//! name that is markup shows as text. Undefined variables are errors that
//! name the template and line, never a blank on the page.

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, escape_formatter};
use serde::Serialize;

use super::super::RenderError;
use super::super::escape::esc;

/// The built-in templates, by file name.
const BUILTIN: [(&str, &str); 7] = [
    (
        "base.html",
        include_str!("../../../templates/board/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../../templates/board/macros.html"),
    ),
    (
        "index.html",
        include_str!("../../../templates/board/index.html"),
    ),
    (
        "unit.html",
        include_str!("../../../templates/board/unit.html"),
    ),
    (
        "office.html",
        include_str!("../../../templates/board/office.html"),
    ),
    (
        "style.css",
        include_str!("../../../templates/board/style.css"),
    ),
    (
        "filter.js",
        include_str!("../../../templates/board/filter.js"),
    ),
];

/// The board's templates, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Templates {
    /// Each template's name and text, in [`BUILTIN`] order.
    sources: Vec<(&'static str, String)>,
    /// The templates the office replaced: where each was read from.
    pub replaced: Vec<PathBuf>,
}

impl Default for Templates {
    /// The built-in templates.
    fn default() -> Self {
        Templates {
            sources: BUILTIN.map(|(n, t)| (n, t.to_string())).to_vec(),
            replaced: Vec::new(),
        }
    }
}

impl Templates {
    /// The built-in templates, each replaced by the file of the same name
    /// in `dir` when there is one; a template that does not parse is an
    /// error naming it and its line.
    pub fn load(dir: &Path) -> Result<Templates, RenderError> {
        let mut templates = Templates::default();
        for (name, text) in &mut templates.sources {
            let path = dir.join(&**name);
            match std::fs::read_to_string(&path) {
                Ok(own) => {
                    *text = own;
                    templates.replaced.push(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(RenderError::Read { path, source }),
            }
        }
        templates.environment()?;
        Ok(templates)
    }

    /// The templates ready to render.
    pub(super) fn environment(&self) -> Result<Environment<'_>, RenderError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| match name.ends_with(".html") {
            true => AutoEscape::Html,
            false => AutoEscape::None,
        });
        // The one escaping the board, the DOCX and the portal share.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(s) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
                out.write_str(&esc(s)).map_err(minijinja::Error::from)
            }
            _ => escape_formatter(out, state, value),
        });
        for (name, text) in &self.sources {
            env.add_template(name, text)
                .map_err(|e| template_error(name, &e))?;
        }
        Ok(env)
    }

    /// Feeds the templates' text to a fingerprint.
    pub fn hash_into(&self, h: &mut blake3::Hasher) {
        for (name, text) in &self.sources {
            h.update(name.as_bytes());
            h.update(text.as_bytes());
        }
    }
}

/// Renders the page template `name` with `values`.
pub(super) fn render(
    env: &Environment,
    name: &str,
    values: &impl Serialize,
) -> Result<String, RenderError> {
    env.get_template(name)
        .and_then(|t| t.render(Serde(values)))
        .map_err(|e| template_error(name, &e))
}

fn template_error(name: &str, e: &minijinja::Error) -> RenderError {
    RenderError::Board {
        name: e.name().unwrap_or(name).to_string(),
        line: e.line().unwrap_or(0),
        detail: e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_office_template_replaces_the_builtin_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("style.css"), "body{color:#000}").unwrap();
        let t = Templates::load(dir.path()).unwrap();
        assert_eq!(t.replaced, [dir.path().join("style.css")]);
        assert_ne!(t, Templates::default());
    }

    #[test]
    fn a_broken_template_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("office.html"), "<p>\n{% if x %}</p>").unwrap();
        let e = Templates::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("office.html") && e.contains("第2行"), "{e}");
    }

    #[test]
    fn values_are_escaped_in_html_only() {
        let t = Templates::default();
        let env = t.environment().unwrap();
        let html = env
            .render_str("{{ x }}", minijinja::context! { x => "<b>&'\"" })
            .unwrap();
        // render_str has no .html name: not escaped …
        assert_eq!(html, "<b>&'\"");
        // … a page is.
        let page = env
            .template_from_named_str("t.html", "{{ x }}")
            .unwrap()
            .render(minijinja::context! { x => "<img src=x onerror=alert(1)>\u{7}" })
            .unwrap();
        assert_eq!(page, "&lt;img src=x onerror=alert(1)&gt;");
    }
}
