//! Relevance measured on labelled papers: the embedded default config, run against a mock arXiv
//! holding the seed's 458 papers and answering each query as arXiv's engine does (stemmed
//! words, so "mobile" also finds "mobility"), then `paperwatch eval` on the development labels.

use crate::common::{MockArxiv, TestEnv};

fn labels_path() -> String {
    format!(
        "{}/tests/fixtures/eval/dev_labels.tsv",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A folder where `paperwatch update` ran the embedded default against the seed mock.
pub fn default_run(extra_env: &[(&str, &str)]) -> (TestEnv, MockArxiv) {
    let mock = MockArxiv::seed_engine();
    let mut env = TestEnv::new();
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    env.set_env("PAPERWATCH_ARXIV_MAX_RESULTS", "400");
    for (k, v) in extra_env {
        env.set_env(k, v);
    }
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, mock)
}

#[test]
fn default_config_meets_the_relevance_targets() {
    let (env, _mock) = default_run(&[]);
    let run = env.run(&[
        "eval",
        "--labels",
        &labels_path(),
        "--cross-validate",
        "5",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&r).unwrap());
    let f = |k: &str| r[k].as_f64().unwrap();
    // Shares over every labelled paper: one never fetched is not shown.
    let grade2_all = r["grades"][2].as_f64().unwrap() + r["missing_grades"][2].as_f64().unwrap();
    assert_eq!(grade2_all, 69.0);
    let grade2_shown = f("grade2_shown") * r["grades"][2].as_f64().unwrap() / grade2_all;
    assert!(grade2_shown >= 0.90, "grade 2 shown {grade2_shown}");
    assert!(
        f("grade0_share_of_shown") <= 0.03,
        "grade 0 share {}",
        f("grade0_share_of_shown")
    );
    assert!(
        f("auc_2_vs_rest") >= 0.90,
        "AUC 2 vs rest {}",
        f("auc_2_vs_rest")
    );
    assert!(
        f("auc_1plus_vs_0") >= 0.90,
        "AUC >=1 vs 0 {}",
        f("auc_1plus_vs_0")
    );
    let cv = &r["cross_validation"];
    assert!(cv["auc_2_vs_rest"].as_f64().unwrap() >= 0.96, "{cv}");
    assert!(cv["auc_1plus_vs_0"].as_f64().unwrap() >= 0.96, "{cv}");
}

/// Diagnostics (run by hand): writes the export of the default run to target/tmp.
#[test]
#[ignore]
fn dump_default_run() {
    let (env, _mock) = default_run(&[]);
    let run = env.run(&["export", "--format", "json"]);
    std::fs::write(
        format!("{}/default-export.json", env!("CARGO_TARGET_TMPDIR")),
        run.stdout,
    )
    .unwrap();
}
