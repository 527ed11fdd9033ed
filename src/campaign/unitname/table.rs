//! The shipped table of standard names and 简称 of government departments
//! and bodies (`data/unit-short-names.txt`, compiled in): one line per body,
//! its full names and short names, without place or level, so that one line
//! serves every level (县卫健局, 市卫健委, 区卫生健康局 all find
//! 卫生健康委员会's line by 卫健局 / 卫健委 / 卫生健康局).
//!
//! A name marked `=` only finds its line (县政协 → 政协), it is never looked
//! for alone in a file name; a name marked `+` is only looked for (教体局 is
//! also 体育局), it never finds the line.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../data/unit-short-names.txt");

/// One body of the table.
#[derive(Debug, Default)]
struct Line {
    /// Every name the body goes by in file names.
    forms: Vec<String>,
}

/// The table, indexed.
#[derive(Debug)]
pub struct Table {
    lines: Vec<Line>,
    /// A name that finds lines → those lines.
    finds: HashMap<String, Vec<usize>>,
    /// Every name of the table (for telling a level prefix from a word:
    /// 市 + 民政局, not 市民 + 政局).
    names: Vec<String>,
}

/// The shipped table.
pub fn table() -> &'static Table {
    static TABLE_INDEX: OnceLock<Table> = OnceLock::new();
    TABLE_INDEX.get_or_init(|| Table::parse(TABLE))
}

/// A name and its spelling without 和 (住房和城乡建设局 → 住房城乡建设局).
fn spellings(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if name.contains('和') {
        out.push(name.replace('和', ""));
    }
    out
}

impl Table {
    fn parse(text: &str) -> Table {
        let mut table = Table {
            lines: Vec::new(),
            finds: HashMap::new(),
            names: Vec::new(),
        };
        for raw in text.lines() {
            let raw = raw.trim();
            if raw.is_empty() || raw.starts_with('#') {
                continue;
            }
            let index = table.lines.len();
            let mut line = Line::default();
            for word in raw.split_whitespace() {
                let (finds, searched, name) = match word.chars().next() {
                    Some('=') => (true, false, &word['='.len_utf8()..]),
                    Some('+') => (false, true, &word['+'.len_utf8()..]),
                    _ => (true, true, word),
                };
                for spelling in spellings(name) {
                    if finds {
                        let lines = table.finds.entry(spelling.clone()).or_default();
                        if !lines.contains(&index) {
                            lines.push(index);
                        }
                    }
                    if searched && !line.forms.contains(&spelling) {
                        line.forms.push(spelling.clone());
                    }
                    if !table.names.contains(&spelling) {
                        table.names.push(spelling);
                    }
                }
            }
            table.lines.push(line);
        }
        table
    }

    /// Whether the table knows `name` (a unit's name without its place).
    pub fn knows(&self, name: &str) -> bool {
        self.finds.contains_key(name)
    }

    /// Whether `name` is looked for in file names (not marked `=`).
    pub fn searched(&self, name: &str) -> bool {
        self.lines.iter().any(|l| l.forms.iter().any(|f| f == name))
    }

    /// The names a body called `name` goes by in file names, `name` itself
    /// left out; empty when the table does not know it.
    pub fn forms_of(&self, name: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &l in self.finds.get(name).into_iter().flatten() {
            for f in &self.lines[l].forms {
                if f != name && !out.contains(&f.as_str()) {
                    out.push(f);
                }
            }
        }
        out
    }

    /// Whether two names are of one body (县卫健局 and 县卫生健康局).
    pub fn same_body(&self, a: &str, b: &str) -> bool {
        match (self.finds.get(a), self.finds.get(b)) {
            (Some(x), Some(y)) => x.iter().any(|l| y.contains(l)),
            _ => false,
        }
    }

    /// Whether `text` starts with a name of the table.
    pub fn starts_with_name(&self, text: &str) -> bool {
        self.names.iter().any(|n| text.starts_with(n.as_str()))
    }

    /// The longest name of the table `text` starts with, leaving at least
    /// two characters: the head of a branch (生态环境局 of
    /// 生态环境局泸溪分局).
    pub fn head_of<'a>(&'a self, text: &str) -> Option<&'a str> {
        self.finds
            .keys()
            .filter(|n| text.starts_with(n.as_str()) && text.len() > n.len())
            .filter(|n| text[n.len()..].chars().count() >= 2)
            .max_by_key(|n| n.len())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_reads_and_every_line_has_forms() {
        let t = table();
        assert!(t.lines.len() > 150, "{} lines", t.lines.len());
        assert!(t.lines.iter().all(|l| !l.forms.is_empty()));
        // Names are written without places or spaces.
        for name in &t.names {
            assert!(
                !name.starts_with(['县', '省', '州', '旗', '盟']),
                "{name} starts with a level"
            );
            assert!(name.chars().all(|c| !c.is_whitespace()), "{name}");
        }
    }

    #[test]
    fn forms_across_levels_and_reforms() {
        let t = table();
        let forms = t.forms_of("卫生健康局");
        for f in ["卫健委", "卫健局", "卫生健康委员会", "卫计局"] {
            assert!(forms.contains(&f), "{f} in {forms:?}");
        }
        assert!(t.forms_of("住房和城乡建设局").contains(&"住建局"));
        assert!(t.knows("住房城乡建设局"));
        assert!(t.same_body("市场监管局", "市场监督管理局"));
        assert!(!t.same_body("民政局", "财政局"));
        // A merged body is also its parts; the parts are not the merged body.
        assert!(t.forms_of("教育和体育局").contains(&"体育局"));
        assert!(!t.forms_of("体育局").contains(&"教体局"));
        // Recognised only: never looked for alone.
        assert!(t.knows("政协"));
        assert!(!t.forms_of("政协委员会").contains(&"政协"));
        assert_eq!(t.head_of("生态环境局泸溪分局"), Some("生态环境局"));
        assert_eq!(t.head_of("生态环境局"), None);
    }
}
