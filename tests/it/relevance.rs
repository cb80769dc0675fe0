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

/// Shown in any topic, per stored paper id (version-less).
fn shown_ids(env: &TestEnv) -> std::collections::HashMap<String, Vec<String>> {
    env.exported()
        .iter()
        .map(|p| {
            let topics = p["topics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["shown"] == true)
                .map(|t| t["name"].as_str().unwrap().to_string())
                .collect();
            (p["id"].as_str().unwrap().to_string(), topics)
        })
        .collect()
}

/// Of `half`'s stored papers: the share of grade-2 papers shown, and grade 0's share of those
/// shown.
fn figures(
    shown: &std::collections::HashMap<String, Vec<String>>,
    half: &[(String, u8)],
) -> (f64, f64) {
    let stored: Vec<&(String, u8)> = half
        .iter()
        .filter(|(id, _)| shown.contains_key(id))
        .collect();
    let is_shown = |id: &str| !shown[id].is_empty();
    let g2: Vec<_> = stored.iter().filter(|(_, g)| *g == 2).collect();
    let g2_shown = g2.iter().filter(|(id, _)| is_shown(id)).count();
    let on: Vec<_> = stored.iter().filter(|(id, _)| is_shown(id)).collect();
    let g0_on = on.iter().filter(|(_, g)| *g == 0).count();
    (
        g2_shown as f64 / g2.len().max(1) as f64,
        g0_on as f64 / on.len().max(1) as f64,
    )
}

/// Issue 31's "Measured": a first run, then a reader who gives 👎 to every shown grade-0 paper
/// and 👍 to 10 shown grade-2 papers of one half of the development labels (by fold: alternate
/// ids), and a second run. On the other half, which the reader did not tell it about, the model
/// must not get worse. `examples` is what the model learned from before: the shipped examples
/// cut to the told half (the untold half stays unseen), or none at all (the rules and what the
/// reader says). Returns the untold half's figures before and after.
fn simulate_feedback(examples: Option<&str>) -> ((f64, f64), (f64, f64)) {
    let text = std::fs::read_to_string(labels_path()).unwrap();
    let mut labels: Vec<(String, u8)> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            let id = f.next()?;
            let id = id.rsplit_once('v').map_or(id, |(base, _)| base).to_string();
            Some((id, f.next()?.parse().ok()?))
        })
        .collect();
    labels.sort();
    let (told, untold): (Vec<_>, Vec<_>) = labels.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let told: Vec<(String, u8)> = told.into_iter().map(|(_, l)| l.clone()).collect();
    let untold: Vec<(String, u8)> = untold.into_iter().map(|(_, l)| l.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("told.tsv");
    let body: String = told.iter().map(|(id, g)| format!("{id}\t{g}\n")).collect();
    std::fs::write(&path, format!("id\tgrade\n{body}")).unwrap();
    let examples = examples.unwrap_or(path.to_str().unwrap());
    let (env, _mock) = default_run(&[("PAPERWATCH_RELEVANCE_EXAMPLES", examples)]);
    let shown = shown_ids(&env);
    let before = figures(&shown, &untold);
    let told_before = figures(&shown, &told);

    // The reader, on the told half only.
    let mut marks = 0;
    let mut thumbs_up = 0;
    for (id, grade) in &told {
        let Some(topics) = shown.get(id) else {
            continue;
        };
        let verdicts: Vec<(&String, &str)> = match grade {
            0 => topics.iter().map(|t| (t, "--irrelevant")).collect(),
            2 if thumbs_up < 10 && !topics.is_empty() => {
                thumbs_up += 1;
                vec![(&topics[0], "--relevant")]
            }
            _ => vec![],
        };
        for (topic, flag) in verdicts {
            let run = env.run(&["mark", id, "--topic", topic, flag]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            marks += 1;
        }
    }
    assert_eq!(thumbs_up, 10, "ten shown grade-2 papers in the told half");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = shown_ids(&env);
    let after = figures(&shown, &untold);
    let told_after = figures(&shown, &told);
    eprintln!(
        "examples {examples:?}: {marks} marks. untold half: grade 2 shown {:.3} → {:.3}, grade 0 share {:.3} → {:.3}; \
         told half: grade 2 shown {:.3} → {:.3}, grade 0 share {:.3} → {:.3}",
        before.0,
        after.0,
        before.1,
        after.1,
        told_before.0,
        told_after.0,
        told_before.1,
        told_after.1
    );
    assert_eq!(told_after.1, 0.0, "every 👎 hides its paper");
    (before, after)
}

#[test]
fn feedback_on_half_the_papers_does_not_hurt_the_other_half() {
    for examples in [None, Some("")] {
        let (before, after) = simulate_feedback(examples);
        assert!(after.0 >= before.0, "grade 2 shown on the untold half fell");
        assert!(after.1 <= before.1, "noise on the untold half grew");
    }
}
