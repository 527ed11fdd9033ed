//! The shape of the house, read from `src/` with a Rust parser: every
//! top-level module has a place in the layer table below, stages import
//! only the layers below them, the ledger is reached only from the batch
//! points, and no two modules need each other. A new import that breaks
//! this fails here, naming the file and the line.
//!
//! The reader ([`read`]) parses whole files with `syn`: `use` trees (groups,
//! renames, globs, `self`/`super`/`crate`), paths in expressions, types,
//! patterns and macro arguments, and names brought in by a `use` and then
//! used as a path prefix (`use crate::notify; notify::plan::plan()`).
//! Comments and strings are not code, so they can neither hide an import
//! nor invent one. Items under `#[cfg(test)]` are skipped: unit tests may
//! build their fixtures with anything.
//!
//! Each rule has a probe at the end of this file that feeds it a small
//! violating tree and sees it fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The layers, lowest first: (layer, top-level module, what it is for). A
/// module may import any module of a lower layer; one of its own layer only
/// when [`SAME_LAYER`] lists the pair with a reason. A new module goes here
/// with the lowest layer that holds everything it imports.
///
/// The data flows campaign → intake → inspect → assess → report → render →
/// notify; inspect sits below campaign and intake because both call it.
const LAYERS: &[(usize, &str, &str)] = &[
    (0, "model", "the vocabulary every stage shares"),
    (
        0,
        "fmt",
        "numbers, times and names as the office writes them",
    ),
    (0, "datetext", "Chinese date text"),
    (0, "names", "unit names: folding and abbreviations"),
    (0, "atomic", "files written whole or not at all"),
    (0, "timings", "each stage's wall time"),
    (0, "allocator", "the allocator's settings"),
    (0, "whole_file", "reading a file whole into reused memory"),
    (
        0,
        "notice",
        "the one channel for the office's questions and warnings",
    ),
    (1, "inspect", "bytes → what a file is and holds"),
    (
        1,
        "store",
        "the content-addressed store; one recorded file version",
    ),
    (
        2,
        "campaign",
        "config, schedule (read with inspect), calendar, roster, identify",
    ),
    (
        2,
        "doctext",
        "a unit's document text without what is not content",
    ),
    (
        3,
        "intake",
        "scan, mailbox; calls inspect; writes the ledger",
    ),
    (
        4,
        "assess",
        "pure: versions + campaign + clock → typed states, flags, questions",
    ),
    (
        5,
        "wording",
        "every sentence about an assessment, and the batch's notices",
    ),
    (6, "report", "the one report value"),
    (7, "render", "report → PDF / DOCX / XLSX / board"),
    (
        8,
        "notify",
        "plan (pure), policies, outbox (ledger), transport",
    ),
    (8, "portal", "the 专栏 drafts"),
    (9, "status", "what a batch leaves for the command line"),
    (9, "archive", "the 归档 bundle after a deadline (ledger)"),
    (10, "pipeline", "the batch as a script"),
    (
        11,
        "cli",
        "the edge: each command's body and what it prints",
    ),
];

/// Imports within one layer, each with the reason it runs downhill.
const SAME_LAYER: &[(&str, &str, &str)] = &[
    (
        "notice",
        "fmt",
        "a notice's text is made printable where it is made",
    ),
    (
        "datetext",
        "fmt",
        "dates are read after the one full-width folding",
    ),
    (
        "whole_file",
        "allocator",
        "counts the files between two releases of freed memory",
    ),
    (
        "atomic",
        "whole_file",
        "direct writes use the block alignment whole-file reads give their bytes",
    ),
    (
        "store",
        "atomic",
        "stored blobs are written whole or not at all",
    ),
    (
        "store",
        "inspect",
        "a recorded version carries its inspection",
    ),
];

/// Storage beside the layers: (module, what it may import besides layer 0,
/// who may import it).
const STORAGE: &[(&str, &[&str], &[&str])] = &[(
    "ledger",
    &["inspect", "store"],
    &["intake", "notify", "status", "archive", "pipeline", "cli"],
)];

#[test]
fn the_crate_keeps_its_shape() {
    let files = crate_files();
    assert!(files.len() > 50, "src/ not found");
    let problems = check(&Rules::crate_rules(), &files);
    assert!(
        problems.is_empty(),
        "the crate breaks its shape (see tests/architecture.rs):\n{}",
        problems.join("\n")
    );
}

// ---------------------------------------------------------------- the rules

/// The table a tree is checked against (the crate's, or a probe's own).
struct Rules<'a> {
    layers: &'a [(usize, &'a str, &'a str)],
    same_layer: &'a [(&'a str, &'a str, &'a str)],
    storage: &'a [(&'a str, &'a [&'a str], &'a [&'a str])],
}

impl Rules<'static> {
    fn crate_rules() -> Self {
        Rules {
            layers: LAYERS,
            same_layer: SAME_LAYER,
            storage: STORAGE,
        }
    }
}

impl Rules<'_> {
    fn layer(&self, module: &str) -> Option<usize> {
        self.layers
            .iter()
            .find(|(_, m, _)| *m == module)
            .map(|(l, _, _)| *l)
    }

    fn storage(&self, module: &str) -> Option<(&[&str], &[&str])> {
        self.storage
            .iter()
            .find(|(m, _, _)| *m == module)
            .map(|(_, imports, users)| (*imports, *users))
    }

    fn known(&self, module: &str) -> bool {
        self.layer(module).is_some() || self.storage(module).is_some()
    }

    /// Whether top-level module `from` may import `to`.
    fn allows(&self, from: &str, to: &str) -> bool {
        if let Some((imports, _)) = self.storage(from) {
            return self.layer(to) == Some(0) || imports.contains(&to);
        }
        if let Some((_, users)) = self.storage(to) {
            return users.contains(&from);
        }
        match (self.layer(from), self.layer(to)) {
            (Some(a), Some(b)) if b < a => true,
            (Some(a), Some(b)) if a == b => self
                .same_layer
                .iter()
                .any(|(f, t, _)| *f == from && *t == to),
            _ => false,
        }
    }
}

/// Everything wrong with `files` under `rules`, one line each.
fn check(rules: &Rules, files: &[SourceFile]) -> Vec<String> {
    let krate = read(files);
    let mut problems = Vec::new();
    for top in &krate.top_level {
        if !rules.known(top) {
            problems.push(format!(
                "src/{top}: top-level module `{top}` is not in the layer table (LAYERS)"
            ));
        }
    }
    let edges = krate.edges();
    for e in &edges {
        let (from, to) = (e.from[0].as_str(), e.to[0].as_str());
        if from != to && rules.known(from) && rules.known(to) && !rules.allows(from, to) {
            problems.push(format!(
                "src/{}:{}: {from} imports {} ({})",
                e.file,
                e.line,
                e.named.join("::"),
                why_not(rules, from, to)
            ));
        }
    }
    for cycle in cycles(&edges) {
        problems.push(format!("module cycle: {}", cycle.join(" ⇄ ")));
    }
    problems
}

fn why_not(rules: &Rules, from: &str, to: &str) -> &'static str {
    if rules.storage(to).is_some() {
        "not one of its users in STORAGE"
    } else if rules.storage(from).is_some() {
        "storage imports only layer 0 and what STORAGE lists"
    } else if rules.layer(from) == rules.layer(to) {
        "same layer, not listed in SAME_LAYER"
    } else {
        "a higher layer"
    }
}

/// Modules that need each other, directly or around a loop: between files
/// (a file module and the modules it reaches, nesting aside) and between
/// the subtrees under each parent (so a loop that runs through a parent's
/// `mod.rs` and its children counts; at the top, between top-level modules).
fn cycles(edges: &[Edge]) -> Vec<Vec<String>> {
    let mut files: Graph = BTreeMap::new();
    let mut siblings: Graph = BTreeMap::new();
    for e in edges {
        if e.to.starts_with(&e.from) || e.from.starts_with(&e.to) {
            continue; // a parent and its own children: nesting
        }
        files
            .entry(e.from.clone())
            .or_default()
            .insert(e.to.clone());
        let common = e.from.iter().zip(&e.to).take_while(|(a, b)| a == b).count();
        siblings
            .entry(e.from[..=common].to_vec())
            .or_default()
            .insert(e.to[..=common].to_vec());
    }
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for graph in [&siblings, &files] {
        for component in strongly_connected(graph) {
            let mut names: Vec<String> = component.iter().map(|m| m.join("::")).collect();
            names.sort();
            found.insert(names);
        }
    }
    found.into_iter().collect()
}

type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// Tarjan's algorithm; returns the components of more than one module.
fn strongly_connected(edges: &Graph) -> Vec<Vec<Vec<String>>> {
    struct State<'a> {
        edges: &'a Graph,
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
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

// --------------------------------------------------------------- the reader

/// One source file: its path under `src/` and its text.
struct SourceFile {
    path: String,
    text: String,
}

fn crate_files() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| SourceFile {
            path: e
                .path()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            text: std::fs::read_to_string(e.path()).unwrap(),
        })
        .collect()
}

/// An import of module `to` (resolved to the module that defines the item)
/// from module `from`, at `file:line`.
struct Edge {
    from: Vec<String>,
    to: Vec<String>,
    /// What the import names, from the crate root.
    named: Vec<String>,
    file: String,
    line: usize,
}

/// What one module holds and names.
#[derive(Default)]
struct Module {
    /// The items it defines (functions, types, child modules, …).
    items: BTreeSet<String>,
    /// The names its `use` declarations bring in, as written.
    bindings: BTreeMap<String, Vec<String>>,
    /// Its glob imports (`use x::*`), as written.
    globs: Vec<Vec<String>>,
}

/// A path as written in module `module`, at `file:line`.
struct Mention {
    module: Vec<String>,
    path: Vec<String>,
    file: String,
    line: usize,
}

/// The library crate as read: its modules and every path it mentions.
struct Crate {
    top_level: BTreeSet<String>,
    modules: BTreeMap<Vec<String>, Module>,
    mentions: Vec<Mention>,
}

fn read(files: &[SourceFile]) -> Crate {
    let mut krate = Crate {
        top_level: BTreeSet::new(),
        modules: BTreeMap::new(),
        mentions: Vec::new(),
    };
    krate.modules.insert(Vec::new(), Module::default());
    for f in files {
        // The binary is the edge over the library: it names `baosong::…`.
        if f.path == "main.rs" || f.path.starts_with("bin/") {
            continue;
        }
        let mut module: Vec<String> = f
            .path
            .trim_end_matches(".rs")
            .split('/')
            .map(String::from)
            .collect();
        if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
            module.pop();
        }
        if let Some(top) = module.first() {
            krate.top_level.insert(top.clone());
        }
        let ast = syn::parse_file(&f.text)
            .unwrap_or_else(|e| panic!("src/{}: cannot parse: {e}", f.path));
        let mut reader = Reader {
            krate: &mut krate,
            file: &f.path,
            module,
        };
        reader
            .krate
            .modules
            .entry(reader.module.clone())
            .or_default();
        for item in &ast.items {
            reader.visit_item(item);
        }
    }
    krate
}

struct Reader<'a> {
    krate: &'a mut Crate,
    file: &'a str,
    module: Vec<String>,
}

impl Reader<'_> {
    fn here(&mut self) -> &mut Module {
        self.krate.modules.get_mut(&self.module).unwrap()
    }

    fn mention(&mut self, path: Vec<String>, line: usize) {
        self.krate.mentions.push(Mention {
            module: self.module.clone(),
            path,
            file: self.file.to_string(),
            line,
        });
    }

    /// A `use` tree under `prefix`: each leaf is a mention and a binding.
    fn use_tree(&mut self, prefix: &[String], tree: &syn::UseTree, line: usize) {
        let with = |name: String| {
            let mut p = prefix.to_vec();
            p.push(name);
            p
        };
        match tree {
            syn::UseTree::Path(p) => self.use_tree(&with(p.ident.to_string()), &p.tree, line),
            syn::UseTree::Name(n) => {
                let (path, name) = leaf(prefix, &n.ident);
                self.here().bindings.insert(name, path.clone());
                self.mention(path, line);
            }
            syn::UseTree::Rename(r) => {
                let (path, _) = leaf(prefix, &r.ident);
                self.here()
                    .bindings
                    .insert(r.rename.to_string(), path.clone());
                self.mention(path, line);
            }
            syn::UseTree::Glob(_) => {
                self.here().globs.push(prefix.to_vec());
                self.mention(prefix.to_vec(), line);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line);
                }
            }
        }
    }

    /// `crate::a::b` (and `super::`, `self::`) paths inside a macro's
    /// arguments, which the parser leaves as tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id)
                    if ["crate", "super", "self"].contains(&id.to_string().as_str()) =>
                {
                    let line = id.span().start().line;
                    let mut path = vec![id.to_string()];
                    while let (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        let Some(TokenTree::Ident(next)) = tokens.get(i + 3) else {
                            break;
                        };
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        path.push(next.to_string());
                        i += 3;
                    }
                    if path.len() > 1 {
                        self.mention(path, line);
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// A `use` leaf: `self` names its prefix.
fn leaf(prefix: &[String], ident: &syn::Ident) -> (Vec<String>, String) {
    if ident == "self" {
        (prefix.to_vec(), prefix.last().cloned().unwrap_or_default())
    } else {
        let mut path = prefix.to_vec();
        path.push(ident.to_string());
        (path, ident.to_string())
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|id| id == "test")
    })
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Macro(i) => i.ident.as_ref()?,
            syn::Item::Mod(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            _ => return None,
        }
        .to_string(),
    )
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if is_test_only(attrs) {
            return;
        }
        if let Some(name) = item_name(item) {
            self.here().items.insert(name);
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // `mod x;` is a file of its own; `mod x { … }` is read here.
        if let Some((_, items)) = &m.content {
            self.module.push(m.ident.to_string());
            self.krate.modules.entry(self.module.clone()).or_default();
            for item in items {
                self.visit_item(item);
            }
            self.module.pop();
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let line = u.use_token.span.start().line;
        self.use_tree(&[], &u.tree, line);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() && p.segments.len() > 1 {
            let line = p.segments[0].ident.span().start().line;
            self.mention(
                p.segments.iter().map(|s| s.ident.to_string()).collect(),
                line,
            );
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(m.tokens.clone());
    }
}

impl Crate {
    /// Every mention that lands in a module of this crate, as an edge to
    /// the module that defines what it names.
    fn edges(&self) -> Vec<Edge> {
        self.mentions
            .iter()
            .filter_map(|m| {
                let named = self.absolute(&m.module, &m.path, 0)?;
                let to = self.owner(&named, 0)?;
                (to != m.module).then(|| Edge {
                    from: m.module.clone(),
                    to,
                    named,
                    file: m.file.clone(),
                    line: m.line,
                })
            })
            .collect()
    }

    /// `path` as written in `module`, from the crate root; `None` for
    /// another crate's path or a local name.
    fn absolute(&self, module: &[String], path: &[String], depth: usize) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => module.to_vec(),
            "super" => module[..module.len().checked_sub(1)?].to_vec(),
            name => {
                let child = [module, std::slice::from_ref(first)].concat();
                if self.modules.contains_key(&child) {
                    child
                } else {
                    let bound = self.modules.get(module)?.bindings.get(name)?;
                    if depth > 8 || bound.as_slice() == path {
                        return None;
                    }
                    let resolved = self.absolute(module, bound, depth + 1)?;
                    return Some([resolved.as_slice(), rest].concat());
                }
            }
        };
        let mut rest = rest;
        while rest.first().is_some_and(|s| s == "super") {
            base.pop();
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The module that defines what `path` (from the crate root) names,
    /// following the `use` declarations that re-export it.
    fn owner(&self, path: &[String], depth: usize) -> Option<Vec<String>> {
        let mut here: Vec<String> = Vec::new();
        for (i, name) in path.iter().enumerate() {
            let child = [here.as_slice(), std::slice::from_ref(name)].concat();
            if self.modules.contains_key(&child) {
                here = child;
                continue;
            }
            let module = self.modules.get(&here)?;
            if module.items.contains(name) || depth > 8 {
                return Some(here);
            }
            let through = module
                .bindings
                .get(name)
                .map(|b| vec![b.clone()])
                .unwrap_or_else(|| {
                    module
                        .globs
                        .iter()
                        .map(|g| [g.as_slice(), std::slice::from_ref(name)].concat())
                        .collect()
                });
            for written in through {
                let Some(target) = self.absolute(&here, &written, 0) else {
                    continue;
                };
                if let Some(owner) =
                    self.owner(&[target.as_slice(), &path[i + 1..]].concat(), depth + 1)
                    && self.names(&owner, &target)
                {
                    return Some(owner);
                }
            }
            return Some(here);
        }
        (!here.is_empty()).then_some(here)
    }

    /// Whether `target`'s last name is something `owner` defines or is.
    fn names(&self, owner: &[String], target: &[String]) -> bool {
        owner == target
            || target.last().is_some_and(|n| {
                self.modules
                    .get(owner)
                    .is_some_and(|m| m.items.contains(n) || m.bindings.contains_key(n))
            })
    }
}

// ---------------------------------------------------------------- the probes

/// The crate's own table with a small `files` tree in place of `src/`.
fn problems(files: &[(&str, &str)]) -> Vec<String> {
    problems_under(&Rules::crate_rules(), files)
}

fn problems_under(rules: &Rules, files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, text)| SourceFile {
            path: path.to_string(),
            text: text.to_string(),
        })
        .collect();
    check(rules, &files)
}

fn assert_fails(problems: &[String], expected: &str) {
    assert!(
        problems.iter().any(|p| p.contains(expected)),
        "expected a problem with “{expected}”, got {problems:?}"
    );
}

#[test]
fn probe_a_module_missing_from_the_table() {
    let found = problems(&[
        ("lib.rs", "pub mod model;\npub mod gossip;"),
        ("model.rs", "pub struct State;"),
        (
            "gossip.rs",
            "use crate::model::State;\npub fn say(_: State) {}",
        ),
    ]);
    assert_fails(&found, "`gossip` is not in the layer table");
}

#[test]
fn probe_two_modules_of_one_layer_importing_each_other() {
    let found = problems(&[
        ("notify/mod.rs", "pub mod plan;\npub struct Notifier;"),
        ("notify/plan.rs", "pub fn plan() { crate::portal::dir(); }"),
        (
            "portal/mod.rs",
            "use crate::notify::Notifier;\npub fn dir() {}",
        ),
    ]);
    assert_fails(
        &found,
        "src/notify/plan.rs:1: notify imports portal::dir (same layer",
    );
    assert_fails(
        &found,
        "src/portal/mod.rs:1: portal imports notify::Notifier (same layer",
    );
    assert_fails(&found, "module cycle: notify ⇄ portal");
}

#[test]
fn probe_a_cycle_between_top_level_modules_through_their_mod_rs() {
    // Even where the table lets both directions through, a loop fails: the
    // child of one reaches the other's mod.rs, which re-exports from its
    // own child.
    let rules = Rules {
        layers: &[(1, "alpha", "a"), (1, "beta", "b")],
        same_layer: &[("alpha", "beta", "probe"), ("beta", "alpha", "probe")],
        storage: &[],
    };
    let found = problems_under(
        &rules,
        &[
            ("alpha/mod.rs", "mod inner;\npub use inner::Thing;"),
            ("alpha/inner.rs", "pub struct Thing(crate::beta::Other);"),
            ("beta/mod.rs", "mod deep;\npub use self::deep::Other;"),
            (
                "beta/deep.rs",
                "pub struct Other;\nfn f() -> Option<crate::alpha::Thing> { None }",
            ),
        ],
    );
    assert_fails(&found, "module cycle: alpha ⇄ beta");
    // The same inside one module: siblings through their parent's mod.rs.
    let found = problems(&[
        ("assess/mod.rs", "mod a;\nmod c;\npub use c::X;"),
        ("assess/a.rs", "pub fn f(_: super::X) {}"),
        ("assess/c/mod.rs", "mod d;\npub use d::X;"),
        (
            "assess/c/d.rs",
            "pub struct X;\nfn g() { super::super::a::f(X) }",
        ),
    ]);
    assert_fails(&found, "module cycle: assess::a ⇄ assess::c");
}

#[test]
fn probe_an_import_after_a_test_module() {
    let found = problems(&[
        (
            "model.rs",
            "pub struct State;\n#[cfg(test)]\nmod tests {\n    use crate::render::Anything;\n}\n\
             use crate::render::Options;",
        ),
        ("render.rs", "pub struct Options;"),
    ]);
    assert_fails(
        &found,
        "src/model.rs:6: model imports render::Options (a higher layer)",
    );
    assert!(!found.iter().any(|p| p.contains("Anything")), "{found:?}");
}

#[test]
fn probe_an_import_on_a_line_after_a_string_holding_slashes() {
    let found = problems(&[
        (
            "inspect.rs",
            "const URL: &str = \"http://example.org\";\nuse crate::campaign::Campaign;",
        ),
        ("campaign.rs", "pub struct Campaign;"),
    ]);
    assert_fails(
        &found,
        "src/inspect.rs:2: inspect imports campaign::Campaign",
    );
}

#[test]
fn probe_a_plain_backward_import() {
    let found = problems(&[
        ("assess/mod.rs", "pub mod steps;"),
        (
            "assess/steps.rs",
            "pub fn f() -> String {\n    format!(\"{}\", crate::report::TITLE)\n}",
        ),
        ("report.rs", "pub const TITLE: &str = \"\";"),
        ("ledger/mod.rs", "pub fn open() {}"),
        ("render.rs", "fn g() { let _ = crate::ledger::open(); }"),
    ]);
    assert_fails(
        &found,
        "src/assess/steps.rs:2: assess imports report::TITLE (a higher layer)",
    );
    assert_fails(
        &found,
        "src/render.rs:1: render imports ledger::open (not one of its users",
    );
}

/// The reader finds imports in every form they take, and nothing in
/// comments or strings.
#[test]
fn the_reader_sees_every_form_of_import() {
    let found = problems(&[
        ("model.rs", "pub struct State;"),
        ("report/mod.rs", "pub mod build;\npub struct Report;"),
        ("report/build.rs", "pub fn build() {}"),
        (
            "campaign/mod.rs",
            "// crate::report::Report in a comment\n\
             /// and in a doc: [`crate::report::Report`]\n\
             use crate::{model::State, report::{self, build as b}};\n\
             fn f(_: State) -> report::Report { b::build(); todo!(\"crate::report\") }\n\
             fn g(x: &crate::report::Report) { let _ = matches!(x, crate::report::Report); }",
        ),
    ]);
    let lines: BTreeSet<usize> = found
        .iter()
        .filter(|p| p.starts_with("src/campaign/mod.rs:"))
        .map(|p| p.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(lines, BTreeSet::from([3, 4, 5]), "{found:?}");
    assert_fails(&found, "campaign imports report::build");
}
