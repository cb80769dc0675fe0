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

/// A folder where `paperwatch update` ran the embedded default, unchanged, against the seed
/// mock.
pub fn default_run(extra_env: &[(&str, &str)]) -> (TestEnv, MockArxiv) {
    let mock = MockArxiv::seed_engine();
    let mut env = TestEnv::new();
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    for (k, v) in extra_env {
        env.set_env(k, v);
    }
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, mock)
}

/// The targets, on the development labels, by 5-fold cross-validation: the model
/// retrained without each fold (the default ships these labels as its examples, so the stored
/// verdicts would flatter it).
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
    // The first run fetched every labelled paper the default queries match, none cut: all 69
    // grade-2 papers and 202 labelled papers in all (the other 33 match no default query as
    // arXiv reads it: a quoted phrase's words adjacent and in order).
    assert_eq!(r["labelled"], 202);
    assert_eq!(r["missing_grades"][2], 0);
    let cv = &r["cross_validation"]["figures"];
    let f = |k: &str| cv[k].as_f64().unwrap();
    assert!(f("grade2_shown") >= 0.97, "grade 2 shown {cv}");
    assert!(f("grade0_share_of_shown") <= 0.02, "grade 0 share {cv}");
    assert!(f("auc_2_vs_rest") >= 0.97, "AUC 2 vs rest {cv}");
    // The stored verdicts come from the model trained on all of them: better still.
    let stored = &r["stored"];
    assert!(stored["auc_2_vs_rest"].as_f64().unwrap() >= f("auc_2_vs_rest"));
}

#[test]
fn eval_explain_and_mark_on_the_default_run() {
    let (env, _mock) = default_run(&[]);
    // eval as text, for people.
    let run = env.run(&["eval", "--labels", &labels_path()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("eval_text", run.stdout);

    // Every seed topic excludes "mobility": no mobility paper is shown anywhere.
    let papers: Vec<serde_json::Value> = env.exported();
    let mentions = |p: &serde_json::Value| {
        let text = format!("{} {}", p["title"], p["abstract"]).to_lowercase();
        text.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "mobility")
    };
    let mobility: Vec<&serde_json::Value> = papers.iter().filter(|p| mentions(p)).collect();
    assert!(
        mobility.len() >= 5,
        "the stemmed search brings mobility papers in"
    );
    for p in &mobility {
        for t in p["topics"].as_array().unwrap() {
            assert_eq!(t["shown"], false, "{} shown in {}", p["title"], t["name"]);
            assert!(t["reason"].as_str().unwrap().contains("mobility"), "{t}");
        }
    }

    // explain says why.
    let id = mobility[0]["id"].as_str().unwrap();
    let run = env.run(&["explain", id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("hidden: excluded: mobility"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("explain_mobility", run.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["explain", id, "--json"]).stdout).unwrap();
    assert_eq!(json[0]["shown"], false);

    // Three labels of each kind switch the feedback model on.
    let topic = "edge_inference";
    let members: Vec<(&str, bool)> = papers
        .iter()
        .filter_map(|p| {
            let t = p["topics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == topic)?;
            Some((p["id"].as_str().unwrap(), t["shown"].as_bool().unwrap()))
        })
        .collect();
    let relevant: Vec<&str> = members
        .iter()
        .filter(|m| m.1)
        .map(|m| m.0)
        .take(3)
        .collect();
    let irrelevant: Vec<&str> = members
        .iter()
        .filter(|m| !m.1)
        .map(|m| m.0)
        .take(3)
        .collect();
    assert_eq!((relevant.len(), irrelevant.len()), (3, 3));
    for id in &relevant {
        assert_eq!(
            env.run(&["mark", id, "--topic", topic, "--relevant"]).code,
            0
        );
    }
    for id in &irrelevant[..2] {
        assert_eq!(
            env.run(&["mark", id, "--topic", topic, "--irrelevant"])
                .code,
            0
        );
    }
    let run = env.run(&["mark", irrelevant[2], "--topic", topic, "--irrelevant"]);
    assert!(
        run.stderr
            .contains("3 relevant and 3 irrelevant labels (feedback model active)"),
        "{}",
        run.stderr
    );
    let run = env.run(&["explain", relevant[0], "--topic", topic]);
    assert!(
        run.stdout.contains("feedback model: active"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("label: relevant"), "{}", run.stdout);
    // A paper marked irrelevant is hidden with that reason.
    let run = env.run(&["explain", irrelevant[0], "--topic", topic]);
    assert!(
        run.stdout.contains("hidden: marked irrelevant"),
        "{}",
        run.stdout
    );
    // Bad input to mark: unknown topic (usage, 2), unknown paper (1).
    assert_eq!(
        env.run(&["mark", relevant[0], "--topic", "nope", "--relevant"])
            .code,
        2
    );
    assert_eq!(
        env.run(&["mark", "2101.00001", "--topic", topic, "--relevant"])
            .code,
        1
    );
    assert_eq!(
        env.run(&["mark", relevant[0], "--topic", topic]).code,
        2,
        "needs a label"
    );
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
    std::fs::copy(
        env.path("paperwatch.db"),
        format!("{}/default.db", env!("CARGO_TARGET_TMPDIR")),
    )
    .unwrap();
}
