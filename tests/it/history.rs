//! A topic's history and what teaches the model, through the binary: a cap that cuts the
//! history is said on the topic line and in `stats`; `since` bounds the first run; followed
//! authors are fetched by `au:` and always shown; examples from BibTeX and from a graded TSV
//! train the tracker's model.

use crate::common::{MockArxiv, Seed, TestEnv, mock_config};

fn topic(name: &str, extra: &str) -> String {
    format!("[[topic]]\nname = \"{name}\"\nquery = \"seed:{name}\"\nfilter = false\n{extra}\n")
}

fn said(run: &crate::common::Run) -> String {
    format!("{}{}", run.stdout, run.stderr)
}

#[test]
fn a_capped_first_run_says_what_it_cut_and_stats_shows_it() {
    let mock = MockArxiv::seed_sections();
    let env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &mock_config(
            &mock.url(),
            "max_results = 40",
            &(topic("npu_acceleration", "") + &topic("edge_inference", "")),
        ),
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        said(&run).contains(
            "npu_acceleration: 40 new, 0 revised, 40 total, 40 shown (1 request); kept the newest 40 of 361 matches: raise `max_results` or set `since`"
        ),
        "{}",
        said(&run)
    );
    assert!(
        said(&run).contains("edge_inference: 40 new")
            && said(&run).contains("kept the newest 40 of 66 matches"),
        "66 matches: cut too: {}",
        said(&run)
    );
    let stats = env.run(&["stats"]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    assert!(
        stats.stdout.contains(
            "history cut: kept the newest 40 of 361 matches (raise `max_results` or set `since`)"
        ),
        "{}",
        stats.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["stats", "--json"]).stdout).unwrap();
    let npu = &json["topics"][0];
    assert_eq!(
        (&npu["history"], &npu["kept"], &npu["matches"]),
        (&"cut".into(), &40.into(), &361.into())
    );
    // A later run does not repeat it: the history is what it is until the cap changes.
    let run = env.run(&["update"]);
    assert!(!said(&run).contains("kept the newest"), "{}", said(&run));
}

#[test]
fn since_bounds_the_first_run_by_submission_date() {
    let mock = MockArxiv::seed_sections();
    let env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &mock_config(
            &mock.url(),
            "since = \"2025-10-01\"",
            &topic("npu_acceleration", ""),
        ),
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = &mock.requests()[0].params["search_query"];
    assert_eq!(
        asked,
        "(seed:npu_acceleration) AND submittedDate:[202510010000 TO 999912312359]"
    );
    let seed = Seed::load();
    let rows = &seed
        .sections
        .iter()
        .find(|s| s.0 == "npu_acceleration")
        .unwrap()
        .1;
    let expected = rows
        .iter()
        .filter(|r| r.date.as_str() >= "2025-10-01")
        .count();
    assert!(expected > 0 && expected < rows.len());
    let stored = env.exported();
    assert_eq!(stored.len(), expected);
    assert!(
        stored
            .iter()
            .all(|p| p["published"].as_str().unwrap() >= "2025-10-01")
    );
}

#[test]
fn followed_authors_are_fetched_by_au_and_always_shown() {
    let mock = MockArxiv::seed_sections();
    let seed = Seed::load();
    let theirs: Vec<String> = seed.sections[1]
        .1
        .iter()
        .take(4)
        .map(|r| r.id.clone())
        .collect();
    mock.add_search("(ti:zzzunlikely) OR au:\"Seed Author\"", theirs.clone());
    let env = TestEnv::new();
    let topics =
        "[[topic]]\nname = \"people\"\nquery = \"ti:zzzunlikely\"\nauthors = [\"Seed Author\"]\n\n"
            .to_string()
            + &topic("npu_acceleration", "");
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", &topics));
    let run = env.run(&["update", "--topic", "people"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.params["search_query"].clone())
        .collect();
    assert_eq!(
        asked,
        ["(ti:zzzunlikely) OR au:\"Seed Author\""],
        "only that topic, by au:"
    );
    // Their papers fail the topic's strict terms, but a followed author's paper is shown.
    let papers = env.exported();
    assert_eq!(papers.len(), 4);
    for p in &papers {
        let t = &p["topics"][0];
        assert_eq!(
            (&t["name"], &t["shown"]),
            (&"people".into(), &true.into()),
            "{p}"
        );
    }
    let run = env.run(&["explain", &theirs[0]]);
    assert!(
        run.stdout
            .contains("topic people: shown (by Seed Author, a followed author)"),
        "{}",
        run.stdout
    );
}

/// A tracker whose topic fetched the seed's `npu_acceleration` section, without filtering, and
/// learns from `examples`.
fn learning_env(mock: &MockArxiv, examples_file: &str, text: &str) -> TestEnv {
    let env = TestEnv::new();
    env.write(examples_file, text);
    env.write(
        "paperwatch.toml",
        &mock_config(
            &mock.url(),
            "",
            &format!(
                "[relevance]\nexamples = [\"{examples_file}\"]\n\n{}",
                topic("npu_acceleration", "")
            ),
        ),
    );
    env
}

/// Ids of the labelled papers in the `npu_acceleration` section: `(on topic, noise)`.
fn labelled_in_section() -> (Vec<String>, Vec<String>) {
    let labels = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eval/dev_labels.tsv"
    ))
    .unwrap();
    let seed = Seed::load();
    let section: Vec<&str> = seed
        .sections
        .iter()
        .find(|s| s.0 == "npu_acceleration")
        .unwrap()
        .1
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let id = cols[0].split('v').next().unwrap().to_string();
        if !section.contains(&id.as_str()) {
            continue;
        }
        match cols[1] {
            "2" => on.push(id),
            "0" => off.push(id),
            _ => {}
        }
    }
    (on, off)
}

#[test]
fn examples_from_a_bibtex_library_train_the_model() {
    let mock = MockArxiv::seed_sections();
    let (on, _) = labelled_in_section();
    assert!(on.len() >= 10, "{}", on.len());
    let bib: String = on
        .iter()
        .enumerate()
        .map(|(i, id)| {
            if i % 2 == 0 {
                format!("@article{{p{i},\n  title = {{A}},\n  eprint = {{{id}}},\n  archivePrefix = {{arXiv}}\n}}\n")
            } else {
                format!("@misc{{p{i}, url = {{https://arxiv.org/abs/{id}v1}}}}\n")
            }
        })
        .collect();
    let env = learning_env(&mock, "library.bib", &bib);
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "relevance model: {} examples",
            on.len() + 361 - on.len()
        )),
        "positives plus the unlabelled papers as negatives: {}",
        run.stderr
    );
    let run = env.run(&["explain", &on[0]]);
    assert!(run.stdout.contains("= learned model"), "{}", run.stdout);
    assert!(run.stdout.contains("model's top terms: "), "{}", run.stdout);
    // The library's papers rank above the rest.
    let papers = env.exported();
    let score = |p: &serde_json::Value| p["topics"][0]["score"].as_f64().unwrap();
    let (mut mine, mut rest) = (Vec::new(), Vec::new());
    for p in &papers {
        let id = p["id"].as_str().unwrap().to_string();
        if on.contains(&id) {
            mine.push(score(p))
        } else {
            rest.push(score(p))
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(
        mean(&mine) > mean(&rest),
        "{} vs {}",
        mean(&mine),
        mean(&rest)
    );
}

#[test]
fn graded_examples_in_a_tsv_train_the_model_and_hide_noise() {
    let mock = MockArxiv::seed_sections();
    let (on, off) = labelled_in_section();
    assert!(off.len() >= 3, "{}", off.len());
    let tsv: String = std::iter::once("id\tgrade\n".to_string())
        .chain(on.iter().map(|id| format!("{id}\t2\n")))
        .chain(off.iter().map(|id| format!("{id}\t0\n")))
        .collect();
    let env = learning_env(&mock, "labels.tsv", &tsv);
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "relevance model: {} examples",
            on.len() + off.len()
        )),
        "{}",
        run.stderr
    );
    let papers = env.exported();
    let shown = |id: &str| {
        papers
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["topics"][0]["shown"].as_bool().unwrap())
            .unwrap()
    };
    // Trained on them, the model keeps its own examples where they belong.
    assert!(off.iter().all(|id| !shown(id)), "noise hidden");
    assert!(on.iter().filter(|id| shown(id)).count() as f64 >= 0.9 * on.len() as f64);
    let run = env.run(&["explain", &off[0]]);
    assert!(
        run.stdout.contains("below the learned threshold"),
        "{}",
        run.stdout
    );
    // A broken examples file is an error that names it and the line.
    env.write("labels.tsv", "id\tgrade\n2401.00001\t7\n");
    let run = env.run(&["render"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("labels.tsv") && run.stderr.contains("line 2: grade must be 0, 1 or 2"),
        "{}",
        run.stderr
    );
}
