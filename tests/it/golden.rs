//! The anchor: `paperwatch update` against a mock arXiv serving the seed's papers writes the
//! seed README byte for byte.

use crate::common::{Seed, TestEnv, seed::seed_text};

/// The seed disagrees with itself on exactly two papers: under `npu_acceleration` it shows
/// 2407.05858v2 and 2408.00462v1 with a date one day off from their other sections (its
/// generator converted one timestamp in two time zones). A paper has one date; paperwatch shows
/// the date of its first appearance everywhere, so the expected README is the seed with those
/// two rows corrected.
pub fn expected_readme(seed: &Seed) -> String {
    let first = seed.papers();
    let mut conflicts = Vec::new();
    let mut text = seed_text();
    for row in seed.section("npu_acceleration") {
        let right = &first[&row.id];
        if right.date != row.date {
            conflicts.push(format!("{}v{}", row.id, row.version));
            let fixed = row.line.replacen(&row.date, &right.date, 1);
            text = text.replacen(&row.line, &fixed, 1);
        }
    }
    // No other section disagrees with a paper's first appearance.
    for (name, rows) in &seed.sections {
        if name != "npu_acceleration" {
            assert!(rows.iter().all(|r| first[&r.id].date == r.date), "{name}");
        }
    }
    assert_eq!(conflicts, ["2408.00462v1", "2407.05858v2"]);
    text
}

#[test]
fn seed_run_reproduces_the_seed_readme() {
    let seed = Seed::load();
    assert_eq!(seed.sections.len(), 6);
    assert_eq!(seed.sections.iter().map(|s| s.1.len()).sum::<usize>(), 489);
    assert_eq!(seed.papers().len(), 458);
    let (env, mock, run) = crate::common::seed_update_env();
    let readme = env.read("README.md");
    let expected = expected_readme(&seed);
    assert_eq!(readme.len(), expected.len());
    if readme != expected {
        let line = readme
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap();
        panic!(
            "README differs at line {}:\n got: {}\nwant: {}",
            line + 1,
            readme.lines().nth(line).unwrap(),
            expected.lines().nth(line).unwrap()
        );
    }
    // 458 papers, each asked for once: ids already stored by an earlier section join without a request.
    let asked: usize = mock
        .requests()
        .iter()
        .map(|r| r.params["id_list"].split(',').count())
        .sum();
    assert_eq!(asked, 458);
    assert!(
        run.stderr
            .contains("npu_acceleration: 361 new, 0 revised, 361 total, 361 shown"),
        "{}",
        run.stderr
    );

    check_chart(&env);

    // One line per topic, switched on from the environment.
    let mut per_topic = TestEnv::new();
    std::fs::copy(
        env.path("paperwatch.toml"),
        per_topic.path("paperwatch.toml"),
    )
    .unwrap();
    std::fs::copy(env.path("paperwatch.db"), per_topic.path("paperwatch.db")).unwrap();
    per_topic.set_env("PAPERWATCH_CHART_PER_TOPIC", "true");
    per_topic.set_env(
        "PAPERWATCH_CHART_TITLE",
        "Mobile & edge LLM papers per month",
    );
    let run = per_topic.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = per_topic.read("imgs/trend.svg");
    assert!(svg.contains("npu_acceleration") && svg.contains("Mobile &amp; edge"));
    insta::assert_snapshot!("seed_trend_per_topic_svg", svg);
    let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("seed-trend-per-topic.png");
    std::fs::copy(per_topic.path("imgs/trend.png"), kept).unwrap();

    // `render` alone rewrites the same bytes from the database, without the network.
    let png = std::fs::read(env.path("imgs/trend.png")).unwrap();
    let svg = env.read("imgs/trend.svg");
    std::fs::remove_file(env.path("README.md")).unwrap();
    mock.clear_log();
    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("README.md"), expected);
    assert_eq!(
        std::fs::read(env.path("imgs/trend.png")).unwrap(),
        png,
        "deterministic PNG"
    );
    assert_eq!(env.read("imgs/trend.svg"), svg, "deterministic SVG");
    assert!(mock.requests().is_empty());
}

/// The trend chart: an SVG (snapshot) and a 2700×1200 PNG that is not blank.
fn check_chart(env: &TestEnv) {
    let svg = env.read("imgs/trend.svg");
    insta::assert_snapshot!("seed_trend_svg", svg);
    let png = std::fs::read(env.path("imgs/trend.png")).unwrap();
    let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("seed-trend.png");
    std::fs::write(&kept, &png).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (2700, 1200));
    let colours: std::collections::HashSet<&[u8]> = pixels.chunks(4).collect();
    assert!(colours.len() > 50, "only {} colours: blank?", colours.len());
    let white = pixels
        .chunks(4)
        .filter(|p| p[..3] == [255, 255, 255])
        .count();
    let share = white as f64 / (pixels.len() / 4) as f64;
    assert!((0.5..0.98).contains(&share), "white share {share}");
}
