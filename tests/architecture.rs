//! The shape of the house, read from `src/`: stages import only the stages
//! below them, the ledger is reached only from the batch points, and no
//! two modules need each other. A new import that breaks this fails here,
//! naming the file and the line.
//!
//! The layers, lowest first (a module may import its own layer and lower
//! ones):
//!
//! ```text
//! 0  model fmt datetext names atomic timings allocator whole_file notice
//!                shared vocabulary and plumbing; notice: the one channel
//!                for the office's questions and warnings
//! 1  inspect     bytes → what a file is and holds
//!    store       the content-addressed store; one recorded file version
//! 2  campaign    config, schedule (read with inspect), calendar, roster, identify
//!    doctext     a unit's document text without what is not content
//! 3  intake      scan, mailbox; calls inspect; writes the ledger
//! 4  assess      pure: versions + campaign + clock → typed states, flags, questions
//! 5  wording     every sentence about an assessment, and the batch's notices
//! 6  report      the one report value
//! 7  render      report → PDF / DOCX / XLSX
//! 8  notify      plan (pure), policies, outbox (ledger), transport
//!    portal      the 专栏 drafts
//! 9  status      what a batch leaves for the command line
//!    archive     the 归档 bundle after a deadline (ledger)
//! 10 pipeline    the batch as a script
//! 11 cli generate   the edge: printing, demo and test data
//! ```
//!
//! The ledger is storage beside the layers: it may import layer 0, the
//! inspection it stores and the store's file version it returns; only
//! intake, notify (its outbox), status (the delivery state it shows),
//! archive (what it bundled), pipeline and cli may import it.
//!
//! The data flows campaign → intake → inspect → assess → report → render →
//! notify; inspect sits below campaign and intake because both call it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn layer(top: &str) -> Option<usize> {
    Some(match top {
        "model" | "fmt" | "datetext" | "names" | "atomic" | "timings" | "allocator"
        | "whole_file" | "notice" => 0,
        "inspect" | "store" => 1,
        "campaign" | "doctext" => 2,
        "intake" => 3,
        "assess" => 4,
        "wording" => 5,
        "report" => 6,
        "render" => 7,
        "notify" | "portal" => 8,
        "status" | "archive" => 9,
        "pipeline" => 10,
        "cli" | "generate" => 11,
        _ => return None,
    })
}

/// Who may import the ledger.
const LEDGER_USERS: &[&str] = &["intake", "notify", "status", "pipeline", "cli", "archive"];

/// What the ledger may import besides layer 0.
const LEDGER_IMPORTS: &[&str] = &["inspect", "store"];

struct Source {
    /// Relative to src/, e.g. `notify/outbox/deliver.rs`.
    file: String,
    /// The module path, e.g. `["notify", "outbox", "deliver"]`.
    module: Vec<String>,
    /// The code before its unit tests, without comments.
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == "main.rs" || rel == "lib.rs" {
                return None;
            }
            let mut module: Vec<String> = rel
                .trim_end_matches(".rs")
                .split('/')
                .map(String::from)
                .collect();
            if module.last().map(String::as_str) == Some("mod") {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests may build their fixtures with anything.
            let text = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => &text[..i],
                None => &text,
            };
            // Comments name modules without needing them.
            let text: String = text
                .lines()
                .map(|l| l.find("//").map_or(l, |i| &l[..i]))
                .collect::<Vec<_>>()
                .join("\n");
            Some(Source {
                file: rel,
                module,
                text,
            })
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every module path a file names (`crate::a::b`, `crate::{a, b::c}`,
/// `super::x`), resolved to absolute paths, with the line it is on.
fn references(src: &Source) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    let bytes = src.text.as_bytes();
    let line_of = |i: usize| src.text[..i].matches('\n').count() + 1;
    for (start, prefix) in src
        .text
        .match_indices("crate::")
        .map(|(i, _)| (i, 0))
        .chain(src.text.match_indices("super::").map(|(i, _)| (i, 1)))
    {
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let base: Vec<String> = if prefix == 0 {
            Vec::new()
        } else {
            // `super` of a file module is its parent; of a mod.rs, the
            // parent's parent.
            let mut m = src.module.clone();
            m.pop();
            let mut rest = &src.text[start + "super::".len()..];
            while let Some(r) = rest.strip_prefix("super::") {
                m.pop();
                rest = r;
            }
            m
        };
        let rest = &src.text[start..];
        let rest = rest.trim_start_matches("crate::");
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
        }
        for path in expand(rest) {
            let mut full = base.clone();
            full.extend(path);
            if !full.is_empty() {
                out.push((full, line_of(start)));
            }
        }
    }
    out
}

/// `a::b::C` → [[a, b, C]]; `{a::x, b}` → [[a, x], [b]] (one level).
fn expand(rest: &str) -> Vec<Vec<String>> {
    // `a::b::c(); x::y` → [a, b, c]: the path ends where a segment does
    // not end at the next `::`.
    let ident = |s: &str| -> Vec<String> {
        let mut path = Vec::new();
        for part in s.split("::") {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let whole = name.len() == part.len();
            if !name.is_empty() {
                path.push(name);
            }
            if !whole || path.is_empty() {
                break;
            }
        }
        path
    };
    if let Some(inner) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = i;
                    break;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        let mut parts = Vec::new();
        let mut depth = 0;
        let mut last = 0;
        let inner = &inner[..end];
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(inner[last..i].trim());
                    last = i + 1;
                }
                _ => {}
            }
        }
        parts.push(inner[last..].trim());
        return parts
            .into_iter()
            .map(ident)
            .filter(|p| !p.is_empty())
            .collect();
    }
    vec![ident(rest)]
}

#[test]
fn stages_import_only_lower_layers_and_the_ledger_only_from_batch_points() {
    let sources = sources();
    assert!(sources.len() > 50, "src/ not found");
    let mut broken = Vec::new();
    for src in &sources {
        let from = src.module[0].as_str();
        for (path, line) in references(src) {
            let to = path[0].as_str();
            if to == from || to == "self" {
                continue;
            }
            let allowed = match (from, to) {
                ("ledger", to) => layer(to) == Some(0) || LEDGER_IMPORTS.contains(&to),
                (from, "ledger") => LEDGER_USERS.contains(&from),
                (from, to) => match (layer(from), layer(to)) {
                    (Some(a), Some(b)) => b <= a,
                    // Not a module of this crate (a `crate::` in a doc
                    // comment of another crate's example, …).
                    _ => true,
                },
            };
            if allowed {
                continue;
            }
            broken.push(format!(
                "src/{}:{line}: {from} imports {}",
                src.file,
                path.join("::")
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the layers (see tests/architecture.rs):\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_module_cycles() {
    let sources = sources();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    // The module a path lands in: its longest prefix that is a file.
    let owner = |path: &[String]| -> Option<Vec<String>> {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains(p))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for src in &sources {
        for (path, _) in references(src) {
            let Some(to) = owner(&path) else { continue };
            // A parent declares and re-exports its children, a child uses
            // its parent's items: that is nesting, not a cycle.
            if to.starts_with(&src.module) || src.module.starts_with(&to) {
                continue;
            }
            edges.entry(src.module.clone()).or_default().insert(to);
        }
    }
    let cycles = strongly_connected(&modules, &edges);
    let shown: Vec<String> = cycles
        .iter()
        .map(|c| {
            c.iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" ⇄ ")
        })
        .collect();
    assert!(shown.is_empty(), "module cycles:\n{}", shown.join("\n"));
}

/// Tarjan's algorithm; returns the components of more than one module.
fn strongly_connected(
    nodes: &BTreeSet<Vec<String>>,
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Vec<Vec<Vec<String>>> {
    struct State<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<Vec<String>, usize>,
        low: BTreeMap<Vec<String>, usize>,
        stack: Vec<Vec<String>>,
        on_stack: BTreeSet<Vec<String>>,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit(s: &mut State, v: &Vec<String>) {
        let i = s.index.len();
        s.index.insert(v.clone(), i);
        s.low.insert(v.clone(), i);
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        for w in s.edges.get(v).cloned().unwrap_or_default() {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let lw = s.low[&w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(&w) {
                let iw = s.index[&w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// The reader finds what the rules are about, in every form an import
/// takes, and not what a comment mentions.
#[test]
fn references_are_read_in_every_form() {
    let src = Source {
        file: "assess/x.rs".into(),
        module: vec!["assess".into(), "x".into()],
        text: "use crate::{model::State, notify::{Notifier, plan}};\n\
               fn f() { crate::ledger::Ledger::in_memory(); super::y::g(); }"
            .into(),
    };
    let found: Vec<String> = references(&src)
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "model::State",
            "notify",
            "ledger::Ledger::in_memory",
            "assess::y::g"
        ]
    );
}
