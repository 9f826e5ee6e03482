//! The shape of the source tree, checked on every test run (issue 17): no file in `src/` over
//! 1,000 lines, no function over 120 lines, and no import cycle between the modules of
//! `src/typeset/`. The sources are parsed with `syn`, so strings, comments and macros do not
//! confuse the counts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

const MAX_FILE_LINES: usize = 1000;
const MAX_FN_LINES: usize = 120;

/// One source file of the library: its module path (`typeset::fonts::face`) and its syntax.
struct Source {
    file: PathBuf,
    module: Vec<String>,
    text: String,
    ast: syn::File,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            let ast = syn::parse_file(&text).unwrap_or_else(|e| {
                let at = e.span().start();
                panic!("{}:{}: {e}", file.display(), at.line)
            });
            let rel = file.strip_prefix(&root).unwrap_or(&file);
            let mut module: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            Source {
                file,
                module,
                text,
                ast,
            }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_source_file_is_over_1000_lines() {
    let long: Vec<String> = sources()
        .iter()
        .map(|s| (s, s.text.lines().count()))
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(s, n)| format!("{}: {n} lines", s.file.display()))
        .collect();
    assert!(
        long.is_empty(),
        "split these along a seam:\n{}",
        long.join("\n")
    );
}

/// Every function with a body (free, in an impl, a trait's default), tests included: its name
/// and the lines from `fn` to the closing brace.
#[derive(Default)]
struct Functions {
    found: Vec<(String, usize, usize)>,
}

impl Functions {
    fn add(&mut self, name: &syn::Ident, from: proc_macro2::Span, to: proc_macro2::Span) {
        self.found
            .push((name.to_string(), from.start().line, to.end().line));
    }
}

impl<'a> Visit<'a> for Functions {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        self.add(&f.sig.ident, f.sig.fn_token.span, f.block.span());
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        self.add(&f.sig.ident, f.sig.fn_token.span, f.block.span());
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'a syn::TraitItemFn) {
        if let Some(body) = &f.default {
            self.add(&f.sig.ident, f.sig.fn_token.span, body.span());
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

#[test]
fn no_function_is_over_120_lines() {
    let mut long = Vec::new();
    let mut counted = 0;
    for s in sources() {
        let mut fns = Functions::default();
        fns.visit_file(&s.ast);
        counted += fns.found.len();
        for (name, from, to) in fns.found {
            let lines = to + 1 - from;
            if lines > MAX_FN_LINES {
                long.push(format!(
                    "{}:{from}: `{name}` is {lines} lines",
                    s.file.display()
                ));
            }
        }
    }
    // The count itself: a parser that found nothing would pass every file.
    assert!(counted > 1000, "only {counted} functions found in src/");
    assert!(
        long.is_empty(),
        "split these into named steps:\n{}",
        long.join("\n")
    );
}

/// What one module's file says about names: its child modules, the items it defines, and what
/// its `use` items bring in (name → path as written; `*` for a glob).
#[derive(Default)]
struct Names {
    children: BTreeSet<String>,
    defined: BTreeSet<String>,
    imports: Vec<(String, Vec<String>)>,
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.push((last.clone(), prefix.clone()));
                }
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push((name, path));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push((r.rename.to_string(), path));
        }
        syn::UseTree::Glob(_) => out.push(("*".into(), prefix.clone())),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_paths(t, prefix, out)),
    }
}

fn names_of(ast: &syn::File) -> Names {
    let mut names = Names::default();
    for item in &ast.items {
        let ident = match item {
            syn::Item::Mod(m) => {
                if m.content.is_none() {
                    names.children.insert(m.ident.to_string());
                }
                Some(&m.ident)
            }
            syn::Item::Use(u) => {
                use_paths(&u.tree, &mut Vec::new(), &mut names.imports);
                None
            }
            syn::Item::Struct(i) => Some(&i.ident),
            syn::Item::Enum(i) => Some(&i.ident),
            syn::Item::Fn(i) => Some(&i.sig.ident),
            syn::Item::Const(i) => Some(&i.ident),
            syn::Item::Static(i) => Some(&i.ident),
            syn::Item::Type(i) => Some(&i.ident),
            syn::Item::Trait(i) => Some(&i.ident),
            syn::Item::Union(i) => Some(&i.ident),
            _ => None,
        };
        if let Some(i) = ident {
            names.defined.insert(i.to_string());
        }
    }
    names
}

/// The crate's modules, to resolve a path to the module that defines what it names.
struct Crate {
    modules: HashMap<Vec<String>, Names>,
}

impl Crate {
    /// The module a path used in `from` leads to: through child modules, `crate`, `super`,
    /// `self` and re-exports, to the module that defines the item; None for what lies outside
    /// the crate (std, other crates, local names).
    fn resolve(&self, from: &[String], path: &[String], depth: usize) -> Option<Vec<String>> {
        if depth > 16 || path.is_empty() {
            return None;
        }
        let names = self.modules.get(from)?;
        let mut at: Vec<String> = from.to_vec();
        let mut rest = path;
        match rest[0].as_str() {
            "crate" => {
                at.clear();
                rest = &rest[1..];
            }
            "self" => rest = &rest[1..],
            "super" => {
                while rest.first().is_some_and(|s| s == "super") {
                    at.pop()?;
                    rest = &rest[1..];
                }
            }
            first if names.children.contains(first) || names.defined.contains(first) => {}
            first => {
                let (_, target) = names.imports.iter().find(|(n, _)| n == first)?;
                let whole: Vec<String> = target.iter().chain(&rest[1..]).cloned().collect();
                return self.resolve(from, &whole, depth + 1);
            }
        }
        self.walk(at, rest, depth)
    }

    fn walk(&self, mut at: Vec<String>, mut rest: &[String], depth: usize) -> Option<Vec<String>> {
        while let Some(seg) = rest.first() {
            let names = self.modules.get(&at)?;
            if names.children.contains(seg) {
                at.push(seg.clone());
                rest = &rest[1..];
            } else if names.defined.contains(seg) {
                return Some(at);
            } else if let Some((_, target)) = names.imports.iter().find(|(n, _)| n == seg) {
                let whole: Vec<String> = target.iter().chain(&rest[1..]).cloned().collect();
                return self.resolve(&at, &whole, depth + 1).or(Some(at));
            } else {
                for (_, glob) in names.imports.iter().filter(|(n, _)| n == "*") {
                    let whole: Vec<String> = glob.iter().chain(rest).cloned().collect();
                    if let Some(m) = self.resolve(&at, &whole, depth + 1)
                        && m != at
                    {
                        return Some(m);
                    }
                }
                return Some(at);
            }
        }
        Some(at)
    }
}

/// Every path a file's code writes outside inline modules (`use` items, types, expressions,
/// patterns), with its line.
#[derive(Default)]
struct Paths {
    found: Vec<(Vec<String>, usize)>,
}

impl<'a> Visit<'a> for Paths {
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        let mut out = Vec::new();
        use_paths(&u.tree, &mut Vec::new(), &mut out);
        let line = u.span().start().line;
        self.found.extend(out.into_iter().map(|(_, p)| (p, line)));
    }
    fn visit_path(&mut self, p: &'a syn::Path) {
        let segs = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.found.push((segs, p.span().start().line));
        syn::visit::visit_path(self, p);
    }
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        // An inline module (the unit tests) has its own `super`; what it uses is not the
        // file's dependency.
        let _ = m;
    }
}

/// The modules below `typeset` that depend on each other, as edges between siblings (a module
/// using its own parent's or child's items is layering, not a cycle), with where each is seen.
fn typeset_edges() -> BTreeMap<(String, String), String> {
    let sources = sources();
    let krate = Crate {
        modules: sources
            .iter()
            .filter(|s| !s.file.ends_with("main.rs"))
            .map(|s| (s.module.clone(), names_of(&s.ast)))
            .collect(),
    };
    let mut edges = BTreeMap::new();
    for s in sources
        .iter()
        .filter(|s| s.module.first().is_some_and(|m| m == "typeset"))
    {
        let mut paths = Paths::default();
        paths.visit_file(&s.ast);
        for (path, line) in paths.found {
            let Some(to) = krate.resolve(&s.module, &path, 0) else {
                continue;
            };
            let common = s.module.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == 0 || common == s.module.len() || common == to.len() {
                continue;
            }
            let edge = (s.module[..=common].join("::"), to[..=common].join("::"));
            edges
                .entry(edge)
                .or_insert_with(|| format!("{}:{line} `{}`", s.file.display(), path.join("::")));
        }
    }
    edges
}

/// A cycle in the graph, if there is one, as its nodes in order.
fn find_cycle(edges: &BTreeMap<(String, String), String>) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    // Depth-first search keeping the current path: an edge back into it closes a cycle.
    fn visit<'a>(
        n: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == n) {
            return Some(path[i..].iter().map(|s| s.to_string()).collect());
        }
        if !done.insert(n) {
            return None;
        }
        path.push(n);
        for m in next.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    next.keys()
        .find_map(|n| visit(n, &next, &mut Vec::new(), &mut done))
}

#[test]
fn typeset_modules_import_one_way() {
    let edges = typeset_edges();
    // The resolver sees the dependencies that are there: the line stage uses the fonts, and
    // the page stage the line stage.
    for (a, b) in [
        ("typeset::inline", "typeset::fonts"),
        ("typeset::page", "typeset::inline"),
    ] {
        assert!(
            edges.contains_key(&(a.to_string(), b.to_string())),
            "{a} → {b} not seen; edges: {:?}",
            edges.keys().collect::<Vec<_>>()
        );
    }
    if let Some(cycle) = find_cycle(&edges) {
        let mut why = Vec::new();
        for (i, a) in cycle.iter().enumerate() {
            let b = &cycle[(i + 1) % cycle.len()];
            let at = &edges[&(a.clone(), b.clone())];
            why.push(format!("{a} → {b}: {at}"));
        }
        panic!("import cycle inside typeset/:\n{}", why.join("\n"));
    }
}

#[test]
fn a_cycle_is_found_and_a_chain_is_not() {
    let edges = |pairs: &[(&str, &str)]| -> BTreeMap<(String, String), String> {
        pairs
            .iter()
            .map(|(a, b)| ((a.to_string(), b.to_string()), String::new()))
            .collect()
    };
    assert_eq!(
        find_cycle(&edges(&[("a", "b"), ("b", "c"), ("a", "c")])),
        None
    );
    assert_eq!(
        find_cycle(&edges(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
}
