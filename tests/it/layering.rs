//! The module map holds: each top-level module imports only the modules its row allows
//! (CONTRIBUTING.md draws the same table). A new `use crate::…` across the layers fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// `(module, what it may use)`. Anything not listed here may not exist at the top level.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("text", &["model"]),
    ("output", &[]),
    ("cli", &[]),
    ("query", &["model", "text"]),
    ("config", &["model", "query"]),
    ("arxiv", &["model"]),
    ("store", &["model"]),
    ("render", &["model", "text"]),
    ("relevance", &["model", "query", "text"]),
    ("links", &["model"]),
    ("cv", &["model", "config"]),
    ("feedback", &["model", "text"]),
    ("zotero", &["model", "text"]),
    ("notify", &["model", "config", "text", "feedback"]),
    ("summarize", &["model", "config", "text"]),
    (
        "tracker",
        &[
            "model",
            "output",
            "config",
            "query",
            "arxiv",
            "store",
            "render",
            "relevance",
            "links",
            "notify",
            "summarize",
            "text",
            "feedback",
            "zotero",
        ],
    ),
    (
        "serve",
        &[
            "model",
            "config",
            "output",
            "store",
            "tracker",
            "relevance",
            "text",
            "feedback",
        ],
    ),
    (
        "import",
        &[
            "model", "output", "config", "query", "arxiv", "store", "cv", "tracker",
        ],
    ),
    (
        "commands",
        &[
            "model",
            "output",
            "config",
            "query",
            "arxiv",
            "store",
            "render",
            "relevance",
            "links",
            "cv",
            "tracker",
            "import",
            "cli",
            "notify",
            "summarize",
            "text",
            "feedback",
            "serve",
        ],
    ),
    ("main", &["cli", "commands"]),
];

fn sources(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The crate modules a file names (`crate::x`, `paperwatch::x`, and each member of a group
/// such as `use crate::{a, b::c}`), in code and docs alike.
fn uses(text: &str) -> BTreeSet<String> {
    paths(text)
        .into_iter()
        .filter(|p| p[0] == "crate" || p[0] == "paperwatch")
        .map(|p| p[1].clone())
        .collect()
}

#[test]
fn modules_import_only_what_the_module_map_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" {
            continue;
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == name) else {
            violations.push(format!("{name}: a top-level module missing from the map"));
            continue;
        };
        let mut files = Vec::new();
        sources(&path, &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for used in uses(&text) {
                if used != name && !allowed.contains(&used.as_str()) {
                    let file = file.strip_prefix(&src).unwrap().display().to_string();
                    violations.push(format!("{file} uses crate::{used}"));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering broken:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_check_sees_a_use_across_the_layers() {
    let found = uses("use crate::store::Store;\n/// see [`crate::render`]\nfn f() {}\n");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["render", "store"]);
    let grouped = uses("use crate::{model::Paper, tracker};\nuse paperwatch::cli::Cli;\n");
    assert_eq!(
        grouped.into_iter().collect::<Vec<_>>(),
        ["cli", "model", "tracker"]
    );
}

/// Commands and imports reach the daily pipeline through its facade only: `tracker::item`,
/// never `tracker::stage::item` (the stages are private; this keeps it so if one is opened).
#[test]
fn commands_and_imports_use_only_the_tracker_facade() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let facade = std::fs::read_to_string(src.join("tracker/mod.rs")).unwrap();
    let stages: Vec<String> = facade
        .lines()
        .filter_map(|l| {
            l.strip_prefix("mod ")
                .or_else(|| l.strip_prefix("pub mod "))
        })
        .map(|l| l.trim_end_matches(';').to_string())
        .collect();
    assert!(stages.len() >= 8, "{stages:?}");
    assert!(
        !facade.lines().any(|l| l.starts_with("pub mod ")),
        "a stage of tracker/ is public"
    );
    let mut reached = Vec::new();
    for dir in ["commands", "import", "serve"] {
        let mut files = Vec::new();
        sources(&src.join(dir), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for p in paths(&text) {
                let at = p.iter().position(|s| s == "tracker");
                if let Some(i) = at
                    && p.get(i + 1).is_some_and(|next| stages.contains(next))
                    && p.len() > i + 2
                {
                    reached.push(format!("{}: {}", file.display(), p.join("::")));
                }
            }
        }
    }
    assert!(
        reached.is_empty(),
        "past the facade:\n{}",
        reached.join("\n")
    );
}

// ---- files ------------------------------------------------------------------------------------

/// Every source file of `src/` by its module path (`src/tracker/fetch.rs` → `tracker::fetch`,
/// `src/tracker/mod.rs` → `tracker`, `src/lib.rs` → ``), with its text.
fn modules() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut out: Vec<(String, String)> = files
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| {
            let rel = f.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            (parts.join("::"), std::fs::read_to_string(&f).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The code of a file that counts as its imports: no comments, no test module, no `mod x;`
/// declarations and no re-exports (`pub use`: a door, not a use).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut out = String::new();
    let mut in_reexport = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("pub use ") || trimmed.starts_with("pub(crate) use ") {
            in_reexport = !trimmed.ends_with(';');
            continue;
        }
        if in_reexport {
            in_reexport = !trimmed.ends_with(';');
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" // ").next().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The paths a piece of code names: every `a::b::c`, with `use` groups expanded
/// (`use super::{x, y::z}` names `super::x` and `super::y::z`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let s: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let starts = is_ident(s[i]) && (i == 0 || !(is_ident(s[i - 1]) || s[i - 1] == ':'));
        i = if starts {
            read_path(&s, i, &[], &mut found).max(i + 1)
        } else {
            i + 1
        };
    }
    found
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads `a::b::c` or `a::b::{…}` at `i` after `prefix`, adding each whole path to `found`.
/// Returns where it ends.
fn read_path(s: &[char], mut i: usize, prefix: &[String], found: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        let start = i;
        while i < s.len() && is_ident(s[i]) {
            i += 1;
        }
        if i == start {
            break;
        }
        path.push(s[start..i].iter().collect());
        if s.get(i) == Some(&':') && s.get(i + 1) == Some(&':') {
            i += 2;
            if s.get(i) == Some(&'{') {
                return read_group(s, i + 1, &path, found);
            }
        } else {
            break;
        }
    }
    if path.len() > prefix.len() && (!prefix.is_empty() || path.len() > 1) {
        found.push(path);
    }
    i
}

/// Reads the members of a `{a, b::c, d::{e}}` group after `prefix`, past its closing brace.
fn read_group(s: &[char], mut i: usize, prefix: &[String], found: &mut Vec<Vec<String>>) -> usize {
    while i < s.len() {
        if s[i] == '}' {
            return i + 1;
        }
        i = if is_ident(s[i]) {
            read_path(s, i, prefix, found)
        } else {
            i + 1
        };
    }
    i
}

/// The file a path names from module `from`: the longest prefix of the path that is a file,
/// with `crate`, `super` and `self` resolved and a bare first name read as a child module.
fn resolve(from: &str, path: &[String], known: &BTreeSet<String>) -> Option<String> {
    let mut base: Vec<String> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").map(str::to_string).collect()
    };
    let rest: &[String] = match path[0].as_str() {
        "crate" => {
            base.clear();
            &path[1..]
        }
        "super" => {
            let mut rest = path;
            while rest.first().is_some_and(|p| p == "super") {
                base.pop();
                rest = &rest[1..];
            }
            rest
        }
        "self" => &path[1..],
        _ => {
            let child = base.iter().chain([&path[0]]).cloned().collect::<Vec<_>>();
            if !known.contains(&child.join("::")) {
                return None;
            }
            path
        }
    };
    let mut best = None;
    let mut here = base.clone();
    if path[0] == "super" || path[0] == "crate" {
        best = Some(here.join("::"));
    }
    for part in rest {
        here.push(part.clone());
        if known.contains(&here.join("::")) {
            best = Some(here.join("::"));
        }
    }
    best
}

/// Which files each file uses.
fn file_graph() -> Vec<(String, BTreeSet<String>)> {
    let modules = modules();
    let known: BTreeSet<String> = modules.iter().map(|(m, _)| m.clone()).collect();
    modules
        .iter()
        .map(|(m, text)| {
            let used: BTreeSet<String> = paths(&code(text))
                .iter()
                .filter_map(|p| resolve(m, p, &known))
                .filter(|u| u != m)
                .collect();
            (m.clone(), used)
        })
        .collect()
}

/// The cycles of a graph, each as the files around it (one per strongly connected group).
fn cycles(graph: &[(String, BTreeSet<String>)]) -> Vec<Vec<String>> {
    let index = |name: &str| graph.iter().position(|(m, _)| m == name);
    let reach = |from: usize| {
        let mut seen = vec![false; graph.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            for u in &graph[n].1 {
                if let Some(j) = index(u)
                    && !seen[j]
                {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        seen
    };
    let reachable: Vec<Vec<bool>> = (0..graph.len()).map(reach).collect();
    let mut done = vec![false; graph.len()];
    let mut out = Vec::new();
    for a in 0..graph.len() {
        if done[a] || !reachable[a][a] {
            continue;
        }
        let members: Vec<usize> = (0..graph.len())
            .filter(|&b| reachable[a][b] && reachable[b][a])
            .collect();
        for &b in &members {
            done[b] = true;
        }
        out.push(members.iter().map(|&b| graph[b].0.clone()).collect());
    }
    out
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let found = cycles(&file_graph());
    let text: Vec<String> = found.iter().map(|c| c.join(" ↔ ")).collect();
    assert!(found.is_empty(), "files in a cycle:\n{}", text.join("\n"));
}

#[test]
fn the_file_check_reads_groups_and_relative_paths() {
    let found = paths("use crate::{a, b::{c, d}};\nuse super::x;\nfn f() { y::z(); }\n");
    let found: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        ["crate::a", "crate::b::c", "crate::b::d", "super::x", "y::z"]
    );
    let known: BTreeSet<String> = ["t", "t::a", "t::b", "u"].map(String::from).into();
    let p = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    assert_eq!(
        resolve("t::a", &p("super::b::X"), &known).as_deref(),
        Some("t::b")
    );
    assert_eq!(resolve("t", &p("a::f"), &known).as_deref(), Some("t::a"));
    assert_eq!(
        resolve("t::a", &p("crate::u::Y"), &known).as_deref(),
        Some("u")
    );
    assert_eq!(resolve("t::a", &p("std::io"), &known), None);
    let graph = vec![
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ];
    assert_eq!(cycles(&graph), [["a", "b"]]);
}
