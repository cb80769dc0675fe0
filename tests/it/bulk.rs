//! Bulk import of the Kaggle metadata snapshot: the real 200-line sample with every field,
//! resuming, malformed lines, gzip.

use std::io::Write;

use crate::common::{TestEnv, in_topic};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/kaggle/arxiv-metadata-oai-snapshot_first200.jsonl"
);

fn env_with_topics() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        "[arxiv]\napi_url = \"http://127.0.0.1:1/api\"\n\n[[topic]]\nname = \"hep\"\nquery = \"cat:hep-ph\"\n\n[[topic]]\nname = \"diphoton\"\nkeywords = [\"diphoton\"]\n",
    );
    env
}

#[test]
fn the_real_sample_imports_with_every_field() {
    let env = env_with_topics();
    let run = env.run(&["import", "--kaggle", SAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.says("imported 200 lines");
    run.says("200 new papers, 0 already stored, 0 malformed lines skipped");
    let papers: Vec<serde_json::Value> = env.exported();
    assert_eq!(papers.len(), 200);
    let first = &papers[0];
    assert_eq!(first["id"], "0704.0001");
    assert_eq!(
        first["title"],
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    );
    assert_eq!(first["authors"][0], "C. Balázs");
    assert_eq!(first["version"], 2);
    assert_eq!(first["published"], "2007-04-02T19:18:42Z");
    assert_eq!(first["updated"], "2007-07-24T20:10:27Z");
    assert_eq!(first["journal_ref"], "Phys.Rev.D76:013009,2007");
    assert_eq!(first["doi"], "10.1103/PhysRevD.76.013009");
    assert_eq!(first["comment"], "37 pages, 15 figures; published version");
    assert_eq!(first["categories"], serde_json::json!(["hep-ph"]));
    let summary = first["abstract"].as_str().unwrap();
    assert!(summary.starts_with(
        "A fully differential calculation in perturbative quantum chromodynamics is presented"
    ));
    assert!(!summary.contains('\n'), "hard wraps undone");
    // Topics got what their terms match, locally.
    let raw = std::fs::read_to_string(SAMPLE).unwrap();
    let hep = raw
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["categories"]
                .as_str()
                .unwrap()
                .split(' ')
                .any(|c| c == "hep-ph")
        })
        .count();
    let in_topic = |t: &str| papers.iter().filter(|p| in_topic(p, t)).count();
    assert_eq!(in_topic("hep"), hep);
    assert!(in_topic("diphoton") >= 1);
    // Search works on the imported papers.
    let search: serde_json::Value =
        serde_json::from_str(&env.run(&["search", "diphoton", "--json"]).stdout).unwrap();
    assert_eq!(search["results"][0]["id"], "0704.0001");

    // Resume: nothing twice.
    let run = env.run(&["import", "--kaggle", SAMPLE]);
    run.says("0 new papers, 200 already stored");
}

#[test]
fn malformed_lines_are_reported_with_their_number_and_skipped() {
    let env = env_with_topics();
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let mut lines: Vec<&str> = sample.lines().take(6).collect();
    lines[2] = "{\"id\": \"0704.0003\", \"title\": ";
    lines[4] = r#"{"id":"0704.0005","title":"No versions","versions":[]}"#;
    env.write("broken.jsonl", &(lines.join("\n") + "\n"));
    let run = env.run(&["import", "--kaggle", "broken.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.says("broken.jsonl:3: skipped: not a JSON record");
    run.says("broken.jsonl:5: skipped: 0704.0005: no readable version dates");
    run.says("4 new papers, 0 already stored, 2 malformed lines skipped");
}

#[test]
fn gzip_files_are_read_directly() {
    let env = env_with_topics();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&std::fs::read(SAMPLE).unwrap()).unwrap();
    std::fs::write(env.path("sample.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let run = env.run(&["import", "--kaggle", "sample.jsonl.gz"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.says("200 new papers");
}

#[test]
fn a_version_date_with_the_wrong_weekday_keeps_its_record() {
    let env = env_with_topics();
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let lines: Vec<String> = sample
        .lines()
        .take(4)
        .enumerate()
        .map(|(i, l)| {
            if i < 2 {
                // 2 Apr 2007 was a Monday: these say Tuesday.
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["versions"][0]["created"] = "Tue, 2 Apr 2007 19:18:42 GMT".into();
                v.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    env.write("weekdays.jsonl", &(lines.join("\n") + "\n"));
    let run = env.run(&["import", "--kaggle", "weekdays.jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.says("4 new papers, 0 already stored, 0 malformed lines skipped");
    assert_eq!(
        run.stderr.matches("weekday disagrees").count(),
        1,
        "{}",
        run.stderr
    );
    run.says("2 records have a version date whose weekday disagrees with its date");
    let first = env
        .exported()
        .into_iter()
        .find(|p| p["id"] == "0704.0001")
        .unwrap();
    assert!(
        first["published"]
            .as_str()
            .unwrap()
            .starts_with("2007-04-02T19:18:42"),
        "{first}"
    );
}
