//! Publishing beyond the README from the seed run: exports, feeds, the site's files, the README
//! size guard with its archive pages, and escaping of hostile text everywhere.

use std::collections::BTreeMap;

use crate::common::{MockArxiv, Seed, SeedRow, TestEnv, mock_config, seed_pinned_topics};

/// The seed run: six topics pinning exactly the seed's ids.
fn seed_run(extra_readme: &str) -> (TestEnv, Seed) {
    let seed = Seed::load();
    let mock = MockArxiv::seed();
    let env = TestEnv::new();
    let mut config = mock_config(&mock.url(), "", &seed_pinned_topics(&seed));
    if extra_readme.contains("max_bytes") {
        config = config.replace("max_bytes = 0\n", "");
    }
    config = config.replace("[readme]\n", &format!("[readme]\n{extra_readme}\n"));
    env.write("paperwatch.toml", &config);
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, seed)
}

#[test]
fn exports_of_the_seed_run() {
    let (env, seed) = seed_run("");
    // BibTeX: one entry per paper.
    let bib = env.run(&["export", "--format", "bibtex"]).stdout;
    assert_eq!(bib.matches("@misc{").count(), 458);
    assert_eq!(bib.matches("archivePrefix = {arXiv},").count(), 458);
    assert!(bib.contains(
        "@misc{arxiv:2407.05858,\n  title = {{Fast On-device LLM Inference with NPUs}},"
    ));
    assert!(bib.contains("  eprint = {2407.05858},\n  archivePrefix = {arXiv},\n  primaryClass = {cs.AI},\n  url = {https://arxiv.org/abs/2407.05858v2},"));
    // CSV: a header and one record per paper, readable by a CSV parser.
    let csv = env.run(&["export", "--format", "csv"]).stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("id"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 458);
    // cv-json: every seed row, in the seed's topic order, byte for byte (but the two rows the
    // seed dates inconsistently, see golden.rs).
    let cv = env.run(&["export", "--format", "cv-json"]).stdout;
    let db: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&cv).unwrap();
    let names: Vec<&String> = db.keys().collect();
    let seed_names: Vec<&String> = seed.sections.iter().map(|s| &s.0).collect();
    assert_eq!(names, seed_names);
    let rows: usize = db.values().map(|t| t.as_object().unwrap().len()).sum();
    assert_eq!(rows, 489);
    let mut differing = Vec::new();
    for (name, rows) in &seed.sections {
        for row in rows {
            let got = db[name][&row.id].as_str().unwrap();
            if got != row.line {
                differing.push(format!("{name}/{}", row.id));
            }
        }
    }
    assert_eq!(
        differing,
        ["npu_acceleration/2408.00462", "npu_acceleration/2407.05858"]
    );
    // --topic narrows every format.
    let one = env
        .run(&["export", "--format", "bibtex", "--topic", "specific_papers"])
        .stdout;
    assert_eq!(one.matches("@misc{").count(), 3);
    assert_eq!(
        env.run(&["export", "--format", "csv", "--topic", "nope"])
            .code,
        2
    );
}

#[test]
fn feeds_and_site_files_of_the_seed_run() {
    let (env, seed) = seed_run("");
    let atom = atom_syndication::Feed::read_from(env.read("site/feed.xml").as_bytes()).unwrap();
    assert_eq!(atom.entries().len(), 200, "the newest 200");
    let ids: std::collections::HashSet<&str> = atom.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 200, "entry ids are unique");
    assert!(
        atom.entries()
            .iter()
            .all(|e| e.id().starts_with("https://arxiv.org/abs/"))
    );
    let rss = rss::Channel::read_from(env.read("site/rss.xml").as_bytes()).unwrap();
    assert_eq!(rss.items().len(), 200);
    for (name, rows) in &seed.sections {
        let feed = atom_syndication::Feed::read_from(
            env.read(&format!("site/topics/{name}.xml")).as_bytes(),
        )
        .unwrap();
        assert_eq!(feed.entries().len(), rows.len().min(200), "{name}");
        assert!(env.path(&format!("site/topics/{name}.html")).exists());
    }
    // The data files hold every shown paper once, one file per year, newest first, each
    // newest first within; the page shell is small.
    let data = env.site_data();
    let papers = data["papers"].as_array().unwrap();
    assert_eq!(papers.len(), 458);
    let ids: std::collections::HashSet<&str> =
        papers.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 458);
    let dates: Vec<&str> = papers.iter().map(|p| p["date"].as_str().unwrap()).collect();
    assert!(dates.is_sorted_by(|a, b| a >= b));
    // "More like this": 5 other shown papers under each, all shown, never itself.
    let similar = env.read("site/data/similar.js");
    let similar: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        similar
            .strip_prefix("window.PAPERWATCH_SIMILAR = ")
            .and_then(|t| t.strip_suffix(";\n"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(similar.len(), 458, "every shown paper has neighbours");
    for (id, near) in &similar {
        let near: Vec<&str> = near
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(near.len(), 5, "{id}");
        assert!(
            near.iter().all(|n| ids.contains(n) && n != id),
            "{id}: {near:?}"
        );
    }
    let files: Vec<&str> = data["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 9, "{files:?}");
    assert_eq!(files[0], format!("{}-1.js", &dates[0][..4]));
    assert_eq!(data["topics"].as_array().unwrap().len(), 6);
    for (t, topic) in data["topics"].as_array().unwrap().iter().enumerate() {
        let summed: u64 = data["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["counts"][t].as_u64().unwrap())
            .sum();
        assert_eq!(topic["count"], summed);
    }
    let index = env.read("site/index.html");
    assert!(index.len() < 5000, "{} bytes", index.len());
    insta::assert_snapshot!("seed_site_index_html", index);
    assert!(!env.path("site/papers.json").exists());
    // What an earlier version or an earlier run wrote and this one does not goes away (the
    // single data files before per-year ones, a year with no papers left); other files stay.
    for stale in ["site/papers.json", "site/papers.js", "site/data/1999-1.js"] {
        env.write(stale, "old");
    }
    env.write("site/data/notes.txt", "mine");
    let render = env.run(&["render"]);
    assert_eq!(render.code, 0, "{}", render.stderr);
    for stale in ["site/papers.json", "site/papers.js", "site/data/1999-1.js"] {
        assert!(!env.path(stale).exists(), "{stale}");
    }
    assert_eq!(env.read("site/data/notes.txt"), "mine");
    assert_eq!(env.site_data()["papers"].as_array().unwrap().len(), 458);
    assert_eq!(env.read("site/trend.svg"), env.read("imgs/trend.svg"));
}

#[test]
fn a_readme_cap_moves_old_months_to_archive_pages_that_resolve() {
    let (env, _) = seed_run("max_bytes = 400000\narchive_dir = \"docs/archive\"");
    let readme = env.read("README.md");
    assert!(readme.len() <= 400_000, "{} bytes", readme.len());
    assert!(
        readme.len() > 300_000,
        "the cap is used, not wasted: {}",
        readme.len()
    );
    let archive = readme
        .split("## Archive\n\n")
        .nth(1)
        .expect("an archive section");
    let links: Vec<&str> = archive
        .split("](")
        .skip(1)
        .map(|s| s.split(')').next().unwrap())
        .filter(|l| l.starts_with("docs/archive/"))
        .collect();
    assert!(!links.is_empty());
    let mut rows = readme.matches("\n|**").count();
    for link in &links {
        let page = env.read(link);
        assert!(page.contains("[README](../../README.md)"), "{link}");
        rows += page.matches("\n|**").count();
    }
    assert_eq!(
        rows, 489,
        "every row is in the README or exactly one archive page"
    );
    // No cap brings everything back and removes the archive pages.
    let config = env
        .read("paperwatch.toml")
        .replace("max_bytes = 400000\n", "max_bytes = 0\n");
    env.write("paperwatch.toml", &config);
    assert_eq!(env.run(&["render"]).code, 0);
    assert!(!env.read("README.md").contains("## Archive"));
    assert_eq!(
        env.read("README.md").len(),
        763_872,
        "the whole seed README"
    );
    assert!(
        std::fs::read_dir(env.path("docs/archive"))
            .unwrap()
            .next()
            .is_none()
    );
}

/// A paper whose title and abstract try every kind of markup.
pub fn hostile_corpus() -> BTreeMap<String, SeedRow> {
    let row = SeedRow {
        id: "2501.00001".into(),
        version: 1,
        date: "2025-01-15".into(),
        title: r#"<script>alert("x")</script> R&D | "quoted" $O(n^2)$"#.into(),
        categories: vec!["cs.CL".into()],
        summary: r#"An <b>abstract</b> with <img src=x onerror=alert(1)> & "quotes" | pipes and $\alpha < \beta$."#.into(),
        line: String::new(),
    };
    let mut corpus = BTreeMap::new();
    corpus.insert(row.id.clone(), row);
    corpus
}

#[test]
fn hostile_text_renders_as_text_everywhere() {
    let mock = MockArxiv::start(hostile_corpus());
    let env = TestEnv::new();
    let topics = "[[topic]]\nname = \"t\"\nids = [\"2501.00001\"]\n";
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", topics));
    assert_eq!(env.run(&["update"]).code, 0);
    let title = r#"<script>alert("x")</script> R&D | "quoted" $O(n^2)$"#;
    // Markdown: pipes escaped, tags shown as text, math untouched.
    let readme = env.read("README.md");
    assert!(
        readme.contains(r#"|**&lt;script>alert("x")&lt;/script> R&D \| "quoted" $O(n^2)$**|"#),
        "{readme}"
    );
    assert!(readme.contains(r#"An &lt;b>abstract&lt;/b> with &lt;img src=x onerror=alert(1)> & "quotes" \| pipes and $\alpha < \beta$."#));
    // XML: the feeds parse and give the text back unchanged.
    let atom = atom_syndication::Feed::read_from(env.read("site/feed.xml").as_bytes()).unwrap();
    assert_eq!(atom.entries()[0].title().as_str(), title);
    let rss = rss::Channel::read_from(env.read("site/rss.xml").as_bytes()).unwrap();
    assert_eq!(rss.items()[0].title(), Some(title));
    // An RSS description is HTML to a reader: the abstract's `<` must arrive as `&lt;`, and the
    // item names its authors (dc:creator).
    let description = rss.items()[0].description().unwrap();
    assert!(
        description.contains(r"$\alpha &lt; \beta$"),
        "{description}"
    );
    assert!(!description.contains("<b>"), "{description}");
    assert_eq!(
        rss.items()[0].dublin_core_ext().unwrap().creators(),
        ["Seed Author"]
    );
    // HTML: the data cannot close its <script> (site_data checks); the JSON gives the text back
    // unchanged.
    let json = env.site_data();
    assert_eq!(json["papers"][0]["title"], title);
    // BibTeX: LaTeX specials escaped outside math.
    let bib = env.run(&["export", "--format", "bibtex"]).stdout;
    assert!(
        bib.contains(r#"title = {{<script>alert("x")</script> R\&D | "quoted" $O(n^2)$}},"#),
        "{bib}"
    );
    // CSV round-trips.
    let csv = env.run(&["export", "--format", "csv"]).stdout;
    let record = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(&record[2], title);
    insta::assert_snapshot!("hostile_atom", env.read("site/feed.xml"));
    insta::assert_snapshot!("hostile_rss", env.read("site/rss.xml"));
}
