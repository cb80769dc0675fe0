//! The module map holds: each top-level module imports only the modules its row allows
//! (CONTRIBUTING.md draws the same table). A new `use crate::…` across the layers fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// `(module, what it may use)`. Anything not listed here may not exist at the top level.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("output", &[]),
    ("cli", &[]),
    ("query", &["model"]),
    ("config", &["model", "query"]),
    ("arxiv", &["model"]),
    ("store", &["model"]),
    ("render", &["model"]),
    ("relevance", &["model", "query"]),
    ("links", &["model"]),
    ("cv", &["model", "config"]),
    ("notify", &["model", "config"]),
    ("summarize", &["model", "config"]),
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
        ],
    ),
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

/// The crate modules a file names (`crate::x`), in code and docs alike.
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    found
}

#[test]
fn modules_import_only_what_the_module_map_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if matches!(name.as_str(), "lib" | "main") {
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
}
