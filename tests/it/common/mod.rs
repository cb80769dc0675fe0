//! Shared test harness: the mock arXiv ([`mock_arxiv`], reading queries as [`arxiv_query`]
//! says arXiv does), the seed ([`seed`]), and a sandbox that runs the real binary.

#![allow(dead_code)]

pub mod arxiv_query;
mod mock_arxiv;
mod mock_zotero;
pub mod seed;

use std::path::{Path, PathBuf};
use std::process::Command;

pub use mock_arxiv::{Fault, Logged, MockArxiv, search_engine};
pub use mock_zotero::MockZotero;
pub use seed::{Seed, SeedRow};

/// `SOURCE_DATE_EPOCH` of the seed: 2026-02-07 12:00 UTC.
pub const SEED_EPOCH: &str = "1770465600";

/// The outcome of running the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A temporary folder to run the binary in, with a clean environment.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().unwrap(),
            env: vec![
                ("SOURCE_DATE_EPOCH".into(), SEED_EPOCH.into()),
                // No test touches the network: tests that want Hugging Face point it at a mock.
                ("PAPERWATCH_LINKS_HUGGINGFACE".into(), "false".into()),
                // Nor arXiv's announcement listing: tests that want it serve it from the mock.
                ("PAPERWATCH_ARXIV_LISTING".into(), "false".into()),
            ],
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// The site's data as one value: the index (`data/index.js`) with `papers` added, every
    /// paper of its data files in the index's order (newest first). Checks that each data file
    /// is a script that cannot close its `<script>` and holds what the index says.
    pub fn site_data(&self) -> serde_json::Value {
        let unwrap = |text: &str, head: &str, tail: &str| -> serde_json::Value {
            assert!(!text.contains("</"), "a data script holds `</`");
            let body = text.strip_prefix(head).and_then(|t| t.strip_suffix(tail));
            serde_json::from_str(body.unwrap_or_else(|| panic!("not {head}…{tail}")))
                .expect("data scripts hold JSON")
        };
        let mut index = unwrap(
            &self.read("site/data/index.js"),
            "window.PAPERWATCH_DATA = ",
            ";\n",
        );
        let mut papers = Vec::new();
        for shard in index["shards"].as_array().unwrap() {
            let file = shard["file"].as_str().unwrap();
            let data = unwrap(
                &self.read(&format!("site/data/{file}")),
                "PAPERWATCH_SHARD(",
                ");\n",
            );
            assert_eq!(data["file"], file);
            let list = data["papers"].as_array().unwrap();
            assert_eq!(shard["count"], list.len(), "{file}");
            papers.extend(list.iter().cloned());
        }
        index["papers"] = serde_json::Value::Array(papers);
        index
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.push((key.into(), value.into()));
    }

    /// Takes back what [`TestEnv::set_env`] set.
    pub fn remove_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
    }

    /// Runs `paperwatch ARGS` in the folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args, &self.env)
    }

    /// The binary with `args`, in the folder, with the test's environment only.
    pub fn command(&self, args: &[&str]) -> Command {
        self.program(env!("CARGO_BIN_EXE_paperwatch"), args)
    }

    /// `program` with `args`, in the folder, with the test's environment only.
    pub fn program(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(self.dir.path()).env_clear();
        if let Ok(path) = std::env::var("PATH") {
            cmd.env("PATH", path);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// Starts the binary and returns at once (to stop it halfway).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts")
    }

    /// Every stored paper with its topics: `export --format json`, parsed.
    pub fn exported(&self) -> Vec<serde_json::Value> {
        let run = self.run(&["export", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    }
}

/// Whether an exported paper belongs to `topic`.
pub fn in_topic(paper: &serde_json::Value, topic: &str) -> bool {
    paper["topics"]
        .as_array()
        .is_some_and(|ts| ts.iter().any(|m| m["name"] == topic))
}

impl Run {
    /// Fails the test, showing stderr, unless stderr contains `text`.
    #[track_caller]
    pub fn says(&self, text: &str) {
        assert!(
            self.stderr.contains(text),
            "expected {text:?} in:\n{}",
            self.stderr
        );
    }
}

pub fn run_in(dir: &Path, args: &[&str], env: &[(String, String)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paperwatch"));
    cmd.args(args).current_dir(dir).env_clear();
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A config for the mock: fast pauses (unless `extra_arxiv` sets them), the seed's README
/// options, and `topics` appended.
pub fn mock_config(api_url: &str, extra_arxiv: &str, topics: &str) -> String {
    let mut arxiv = extra_arxiv.to_string();
    if !arxiv.contains("delay_seconds") {
        arxiv.push_str("\ndelay_seconds = 0.01");
    }
    if !arxiv.contains("timeout_seconds") {
        arxiv.push_str("\ntimeout_seconds = 5");
    }
    format!(
        r#"[arxiv]
api_url = "{api_url}"
{arxiv}

[readme]
intro = "For more carefully curated articles, you can refer to this [repository](https://github.com/bansky-cl/Mobile_NPU_LLM_Papers)."
badges = "bansky-cl/mobile-npu-llm-paper-arxiv"
trend_image = "imgs/trend.png"
# The seed's README is 763,872 bytes: uncapped, as its generator wrote it.
max_bytes = 0

[links]
# The seed's format: every Code cell is ` null`.
from_text = false
huggingface = false

{topics}"#
    )
}

/// `[[topic]]` blocks pinning exactly the seed's ids, section by section.
pub fn seed_pinned_topics(seed: &Seed) -> String {
    let mut out = String::new();
    for (name, rows) in &seed.sections {
        let ids: Vec<String> = rows.iter().map(|r| format!("\"{}\"", r.id)).collect();
        out.push_str(&format!(
            "[[topic]]\nname = \"{name}\"\nids = [{}]\n\n",
            ids.join(", ")
        ));
    }
    out
}

/// A folder where `paperwatch update` ran six topics pinning the seed's ids against the seed
/// mock, with that run.
pub fn seed_update_env() -> (TestEnv, MockArxiv, Run) {
    let seed = Seed::load();
    let mock = MockArxiv::seed();
    let env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &mock_config(&mock.url(), "", &seed_pinned_topics(&seed)),
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, mock, run)
}

/// Every file under `dir` but the database, with its bytes.
pub fn committed_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if !rel.starts_with("paperwatch.db") {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}
