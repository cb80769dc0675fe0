//! Bounded fuzzing of every parser of outside input: the Atom page, the OAI-PMH page, a Kaggle
//! line, cv-arxiv-daily's JSON database and config.yaml, and paperwatch.toml. cargo-fuzz needs
//! a nightly toolchain, so this is a mutational fuzzer on the stable one: each case is a real
//! input (the fixtures) with random byte flips, inserted tokens that parsers trip on, cut
//! ranges, duplicated ranges and truncation. A parser may reject a case; it must never panic.
//!
//! `PAPERWATCH_FUZZ_SECONDS` is the time per target (default 1; `.ci/run` gives each 10).
//! `PAPERWATCH_FUZZ_SEED` replays a run. A panicking case is written to
//! `target/fuzz-failures/` and named in the failure.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

const TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "&",
    "&amp;",
    "&#0;",
    "&#x1F;",
    "&#xFFFE;",
    "&bogus;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "\"",
    "'",
    "=",
    "\u{0}",
    "\u{1b}",
    "\u{FFFE}",
    "\u{10FFFF}",
    "\n",
    "\r\n",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\\",
    "\\u",
    "\\ud800",
    "|",
    "**",
    "99999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "<entry>",
    "</entry>",
    "<id>",
    "</id>",
    "<title>",
    "<record>",
    "<resumptionToken>",
    "v0",
    "v99999999999",
    "2401.",
    "hep-th/",
    "[[topic]]",
    "[arxiv]",
    "= \"",
    "\"\"\"",
    "- ",
    "  ",
    "\t",
    "&lt;",
    "<?xml",
    "<arXivRaw>",
    "<version version=\"v1\">",
    "<date>",
    "Mon, 32 Jan 2024",
    "T25:61:61Z",
];

fn budget() -> Duration {
    let seconds = std::env::var("PAPERWATCH_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(seconds)
}

fn mutate(rng: &mut fastrand::Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..rng.usize(1..6) {
        let len = data.len();
        match rng.u8(0..6) {
            0 if len > 0 => {
                let i = rng.usize(0..len);
                data[i] ^= 1 << rng.u8(0..8);
            }
            1 => {
                let token = TOKENS[rng.usize(0..TOKENS.len())].as_bytes();
                let at = rng.usize(0..=len);
                data.splice(at..at, token.iter().copied());
            }
            2 if len > 1 => {
                let a = rng.usize(0..len);
                let b = (a + rng.usize(1..64)).min(len);
                data.drain(a..b);
            }
            3 if len > 1 => {
                let a = rng.usize(0..len);
                let b = (a + rng.usize(1..256)).min(len);
                let piece: Vec<u8> = data[a..b].to_vec();
                let at = rng.usize(0..=data.len());
                data.splice(at..at, piece);
            }
            4 if len > 0 => data.truncate(rng.usize(0..len)),
            _ => {
                let at = rng.usize(0..=len);
                data.insert(at, rng.u8(..));
            }
        }
    }
    data
}

/// Runs `target` on mutations of `seeds` for the budget; returns the cases run.
fn fuzz(name: &str, seeds: &[Vec<u8>], target: impl Fn(&str)) -> u64 {
    let seed = std::env::var("PAPERWATCH_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    let mut rng = fastrand::Rng::with_seed(seed);
    // Each seed as it is first: the real inputs must parse without panicking too.
    for s in seeds {
        target(&String::from_utf8_lossy(s));
    }
    let started = Instant::now();
    let mut cases = 0u64;
    while started.elapsed() < budget() {
        let pick = rng.usize(0..seeds.len());
        let input = mutate(&mut rng, &seeds[pick]);
        let text = String::from_utf8_lossy(&input);
        if catch_unwind(AssertUnwindSafe(|| target(&text))).is_err() {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{name}-{seed}-{cases}.bin"));
            std::fs::write(&path, &input).unwrap();
            panic!(
                "{name} panicked on case {cases} (PAPERWATCH_FUZZ_SEED={seed}): {}",
                path.display()
            );
        }
        cases += 1;
    }
    eprintln!(
        "fuzz {name}: {cases} cases in {:.1} s (seed {seed})",
        started.elapsed().as_secs_f64()
    );
    assert!(cases > 0);
    cases
}

fn fixtures(dir: &str, max_bytes: usize) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "jsonl"))
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| b.len() <= max_bytes)
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}

#[test]
fn fuzz_the_atom_parser() {
    let mut seeds = fixtures("tests/fixtures/arxiv/api-current", 64 * 1024);
    seeds.extend(fixtures("tests/fixtures/arxiv/api-legacy", 64 * 1024));
    fuzz("atom", &seeds, |text| {
        let _ = paperwatch::arxiv::parse::parse_feed(text);
    });
}

#[test]
fn fuzz_the_oai_parser() {
    let seeds = fixtures("tests/fixtures/oai", 64 * 1024);
    fuzz("oai", &seeds, |text| {
        let _ = paperwatch::arxiv::oai::parse_page(text);
    });
}

#[test]
fn fuzz_the_kaggle_reader() {
    let file = fixtures("tests/fixtures/kaggle", usize::MAX).remove(0);
    let seeds: Vec<Vec<u8>> = String::from_utf8(file)
        .unwrap()
        .lines()
        .take(40)
        .map(|l| l.as_bytes().to_vec())
        .collect();
    fuzz("kaggle", &seeds, |line| {
        let _ = paperwatch::arxiv::kaggle::parse_line(line);
    });
}

#[test]
fn fuzz_the_cv_arxiv_daily_readers() {
    let json = br#"{"SLAM": {"2211.16882": "|**2022-11-30**|**T**|A et.al.|[2211.16882](http://arxiv.org/abs/2211.16882)|null|", "2407.05858": "|**2024-07-08**|**Title \| x**|cs.AI| <details><summary>Full Abstract</summary>a</details>|[2407.05858v2](http://arxiv.org/abs/2407.05858v2)| **[code](https://github.com/a/b)**|"}, "NeRF": {}}"#;
    fuzz("cv-json", &[json.to_vec()], |text| {
        let _ = paperwatch::cv::parse_database(text);
    });
    let yaml = b"base_url: \"https://arxiv.paperswithcode.com/api/v0/papers/\"\nuser_name: \"Me\"\nrepo_name: \"my-arxiv\"\nshow_badge: True\nmax_results: 10\npublish_gitpage: True\nkeywords:\n  \"SLAM\":\n    filters: [\"SLAM\", \"Visual Odometry\"]\n  \"NeRF\":\n    filters: [\"NeRF\"]\n";
    fuzz("cv-yaml", &[yaml.to_vec()], |text| {
        if let Ok(config) = paperwatch::cv::parse_config(text) {
            // What the migration writes from it must be a config paperwatch reads (or rejects
            // with an error), never a panic.
            let toml = paperwatch::cv::toml_from_config(&config);
            let _ =
                paperwatch::config::from_str(&toml, paperwatch::config::Source::Embedded, &|_| {
                    None
                });
        }
    });
}

#[test]
fn fuzz_the_config_reader() {
    let seeds = vec![
        paperwatch::config::DEFAULT_CONFIG.as_bytes().to_vec(),
        b"[arxiv]\napi_url = \"http://127.0.0.1:9/q\"\n[[topic]]\nname = \"t\"\nquery = 'abs:\"a b\" AND (ti:c OR cat:cs.CL) ANDNOT d'\nexclude = [\"x\"]\nmin_score = 0.2\n[[notify]]\nname = \"n\"\nkind = \"email\"\nurl_env = \"U\"\nfrom = \"a <a@b.c>\"\nto = [\"d@e.f\"]\n".to_vec(),
    ];
    fuzz("config", &seeds, |text| {
        let _ = paperwatch::config::from_str(text, paperwatch::config::Source::Embedded, &|_| None);
    });
}
