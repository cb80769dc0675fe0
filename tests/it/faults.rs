//! The fetch loop against a mock arXiv that misbehaves: every fault shows the retry, the pause,
//! that no paper is lost, and the outcome. Time is a `ManualClock`, so pauses are checked
//! exactly without waiting for them.

use std::sync::Arc;
use std::time::Duration;

use paperwatch::arxiv::{Client, ManualClock, Timing};
use paperwatch::config::{self, Settings, Source};
use paperwatch::output::Ui;
use paperwatch::store::{Store, TopicOutcome};
use paperwatch::tracker::{self, FetchOptions};

use crate::common::{Fault, MockArxiv, mock_config};

const NOW: &str = "2026-02-07T12:00:00Z";

fn mock() -> MockArxiv {
    MockArxiv::seed_sections()
}

fn settings(mock: &MockArxiv, arxiv: &str, topics: &[&str]) -> Settings {
    let topics: String = topics
        .iter()
        .map(|t| format!("[[topic]]\nname = \"{t}\"\nquery = \"seed:{t}\"\nfilter = false\n\n"))
        .collect();
    config::from_str(
        &mock_config(&mock.url(), arxiv, &topics),
        Source::Embedded,
        &|_| None,
    )
    .unwrap()
}

struct Harness {
    settings: Settings,
    store: Store,
}

impl Harness {
    fn new(mock: &MockArxiv, arxiv: &str, topics: &[&str]) -> Harness {
        Harness {
            settings: settings(mock, arxiv, topics),
            store: Store::open_in_memory().unwrap(),
        }
    }

    /// One run of every topic with a fresh client on its own manual clock.
    fn fetch(&mut self) -> (Vec<TopicOutcome>, ManualClock) {
        let (outcomes, clock, _) = self.fetch_timed();
        (outcomes, clock)
    }

    /// [`Harness::fetch`], with where the client's time went.
    fn fetch_timed(&mut self) -> (Vec<TopicOutcome>, ManualClock, Timing) {
        let clock = ManualClock::new(NOW.parse().unwrap());
        let mut client = Client::with_clock(
            tracker::client_config(&self.settings),
            Arc::new(clock.clone()),
        );
        let options = FetchOptions {
            topics: &[],
            refresh: false,
        };
        let outcomes = tracker::fetch_with(
            &self.settings,
            &mut self.store,
            &mut client,
            options,
            NOW.parse().unwrap(),
            Ui::silent(),
        )
        .unwrap();
        (outcomes, clock, client.timing())
    }
}

fn secs(d: &[Duration]) -> Vec<f64> {
    d.iter().map(Duration::as_secs_f64).collect()
}

fn starts(mock: &MockArxiv) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| r.params["start"].clone())
        .collect()
}

#[test]
fn pauses_between_every_request_across_topics_and_stops_early_next_time() {
    let mock = mock();
    let mut h = Harness::new(
        &mock,
        "delay_seconds = 3",
        &["npu_acceleration", "edge_inference"],
    );
    let (outcomes, clock) = h.fetch();
    // npu_acceleration: 361 results → a first page of 100 (page_size), then the other 261 in
    // one page of up to 2000 (arXiv's maximum); edge_inference: 66 → one page.
    assert_eq!(starts(&mock), ["0", "100", "0"]);
    let sizes: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.params["max_results"].clone())
        .collect();
    assert_eq!(sizes, ["100", "2000", "100"]);
    assert_eq!(
        secs(&clock.sleeps()),
        [3.0, 3.0],
        "3 s before each request but the first"
    );
    assert_eq!(
        (outcomes[0].new, outcomes[0].requests, outcomes[0].total),
        (361, 2, 361),
        "the whole history, past the old cut at 200"
    );
    assert_eq!(outcomes[0].cut, None);
    assert_eq!((outcomes[1].new, outcomes[1].requests), (66, 1));
    assert_eq!(
        tracker::exit_code(&outcomes),
        std::process::ExitCode::SUCCESS
    );
    assert!(mock.requests()[0].user_agent.starts_with("paperwatch/"));

    // Nothing new: one request per search topic.
    mock.clear_log();
    let (outcomes, _) = h.fetch();
    assert_eq!(starts(&mock), ["0", "0"]);
    assert!(
        outcomes
            .iter()
            .all(|o| o.new == 0 && o.requests == 1 && o.error.is_none())
    );
}

#[test]
fn retry_after_in_seconds_is_honoured() {
    let mock = mock();
    mock.push(Fault::Status {
        code: 503,
        retry_after: Some("7".into()),
        body: "Service Unavailable".into(),
    });
    let mut h = Harness::new(&mock, "delay_seconds = 3", &["edge_inference"]);
    let (outcomes, clock) = h.fetch();
    assert_eq!(
        secs(&clock.sleeps()),
        [7.0],
        "Retry-After (7 s) beats the 3 s backoff"
    );
    assert_eq!(starts(&mock), ["0", "0"]);
    assert_eq!((outcomes[0].new, outcomes[0].requests), (66, 2));
    assert!(outcomes[0].error.is_none());
}

#[test]
fn the_client_accounts_for_its_pauses_and_waits() {
    let mock = mock();
    mock.push(Fault::Status {
        code: 503,
        retry_after: Some("7".into()),
        body: "Service Unavailable".into(),
    });
    let mut h = Harness::new(
        &mock,
        "delay_seconds = 3",
        &["edge_inference", "npu_acceleration"],
    );
    let (outcomes, clock, timing) = h.fetch_timed();
    let sleeps = secs(&clock.sleeps());
    assert_eq!(sleeps[0], 7.0, "Retry-After first");
    assert!(
        sleeps[1..].iter().all(|s| *s == 3.0),
        "then the 3 s pause: {sleeps:?}"
    );
    let requests: u64 = outcomes.iter().map(|o| o.requests).sum();
    assert_eq!(
        sleeps.len() as u64,
        requests - 1,
        "a pause before every request but the first"
    );
    let slept: Duration = clock.sleeps().iter().sum();
    assert_eq!(timing.paused, slept, "every sleep is counted as pausing");
    assert!(
        timing.waiting > Duration::ZERO,
        "the answers were waited for"
    );
    assert!(timing.parsing > Duration::ZERO, "the feeds were parsed");
    let total = timing.paused + timing.waiting + Duration::from_millis(500);
    let line = tracker::split(total, timing, Duration::ZERO);
    assert!(
        line.starts_with(&format!(
            "update took {:.1} s: {:.1} s pausing between arXiv requests",
            total.as_secs_f64(),
            slept.as_secs_f64()
        )),
        "{line}"
    );
    assert!(line.contains("0.50 s computing"), "{line}");
}

#[test]
fn retry_after_as_http_date_is_honoured() {
    let mock = mock();
    mock.push(Fault::Status {
        code: 429,
        retry_after: Some("Sat, 07 Feb 2026 12:00:20 GMT".into()),
        body: String::new(),
    });
    let mut h = Harness::new(&mock, "delay_seconds = 3", &["edge_inference"]);
    let (outcomes, clock) = h.fetch();
    assert_eq!(secs(&clock.sleeps()), [20.0]);
    assert_eq!(outcomes[0].new, 66);
}

#[test]
fn persistent_429_fails_only_that_topic_and_keeps_its_papers() {
    let mock = mock();
    // A first run stores the newest 50 of npu_acceleration.
    let mut h = Harness::new(
        &mock,
        "delay_seconds = 3\nretries = 2\nmax_results = 50\npage_size = 50",
        &["npu_acceleration", "edge_inference"],
    );
    let (first, _) = h.fetch();
    assert_eq!(first[0].total, 50);
    assert_eq!(
        first[0].cut,
        Some((50, 361)),
        "the cap that cut the history is reported"
    );
    assert!(
        tracker::topic_line(&first[0], None)
            .ends_with("; kept the newest 50 of 361 matches: raise `max_results` or set `since`"),
        "{}",
        tracker::topic_line(&first[0], None)
    );
    mock.clear_log();
    for _ in 0..3 {
        mock.push(Fault::Status {
            code: 429,
            retry_after: None,
            body: "Rate exceeded".into(),
        });
    }
    let (outcomes, clock) = h.fetch();
    let error = outcomes[0].error.as_deref().unwrap();
    assert_eq!(
        error,
        "HTTP 429 rate limited (Rate exceeded); gave up after 3 attempts"
    );
    assert_eq!(
        (outcomes[0].requests, outcomes[0].total),
        (3, 50),
        "stored papers kept"
    );
    assert!(outcomes[1].error.is_none(), "the next topic goes on");
    assert_eq!(
        tracker::exit_code(&outcomes),
        std::process::ExitCode::FAILURE
    );
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    assert!(
        (3.0..=3.75).contains(&sleeps[0].as_secs_f64()),
        "{sleeps:?}"
    );
    assert!((6.0..=7.5).contains(&sleeps[1].as_secs_f64()), "{sleeps:?}");
    assert_eq!(
        sleeps[2],
        Duration::from_secs(3),
        "the pause holds across topics"
    );
    assert_eq!(h.store.topic_size("npu_acceleration").unwrap(), 50);
}

#[test]
fn an_empty_page_while_more_exist_is_retried() {
    let mock = mock();
    mock.push(Fault::EmptyPage);
    let mut h = Harness::new(&mock, "", &["edge_inference"]);
    let (outcomes, _) = h.fetch();
    assert_eq!(starts(&mock), ["0", "0"]);
    assert_eq!(outcomes[0].new, 66);
}

#[test]
fn short_pages_advance_by_what_was_received() {
    let mock = mock();
    mock.set_page_cap(60);
    let mut h = Harness::new(&mock, "", &["edge_inference"]);
    let (outcomes, _) = h.fetch();
    assert_eq!(starts(&mock), ["0", "60"]);
    assert_eq!((outcomes[0].new, outcomes[0].total), (66, 66));
}

#[test]
fn truncated_xml_is_retried() {
    let mock = mock();
    mock.push(Fault::Truncate);
    let mut h = Harness::new(&mock, "", &["edge_inference"]);
    let (outcomes, _) = h.fetch();
    assert_eq!(starts(&mock), ["0", "0"]);
    assert_eq!(outcomes[0].new, 66);
}

#[test]
fn a_timeout_is_retried() {
    let mock = mock();
    mock.push(Fault::Delay(Duration::from_secs(3)));
    let mut h = Harness::new(&mock, "timeout_seconds = 0.3", &["edge_inference"]);
    let (outcomes, _) = h.fetch();
    assert_eq!(starts(&mock), ["0", "0"]);
    assert!(outcomes[0].error.is_none());
    assert_eq!(outcomes[0].new, 66);
}

#[test]
fn an_http_400_error_feed_is_not_retried_and_shows_arxivs_message() {
    let mock = mock();
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/arxiv/api-current/error_idlist_abc_http400.xml"
    ))
    .unwrap();
    mock.push(Fault::Status {
        code: 400,
        retry_after: None,
        body,
    });
    let mut h = Harness::new(&mock, "", &["edge_inference"]);
    let (outcomes, clock) = h.fetch();
    assert_eq!(mock.requests().len(), 1);
    assert!(clock.sleeps().is_empty());
    assert_eq!(
        outcomes[0].error.as_deref(),
        Some("arXiv rejected the request (HTTP 400): incorrect id format for abc")
    );
    assert_eq!(h.store.topic_size("edge_inference").unwrap(), 0);
}

#[test]
fn a_backfill_stopped_on_its_second_page_resumes_after_its_first_without_a_hole() {
    let mock = mock();
    let mut h = Harness::new(&mock, "retries = 0\npage_size = 60", &["npu_acceleration"]);
    mock.set_page_cap(60);
    mock.push(Fault::Delay(Duration::ZERO));
    mock.push(Fault::status(502));
    let (outcomes, _) = h.fetch();
    assert!(
        outcomes[0]
            .error
            .as_deref()
            .unwrap()
            .starts_with("HTTP 502 bad gateway")
    );
    // The first page is stored with the cursor it leads to.
    assert_eq!(h.store.topic_size("npu_acceleration").unwrap(), 60);
    let history = h.store.history("npu_acceleration").unwrap().unwrap();
    assert!(!history.complete);
    let cursor = history.cursor.clone().unwrap();
    assert_eq!(history.matches, Some(361));

    mock.clear_log();
    let (outcomes, _) = h.fetch();
    assert!(outcomes[0].error.is_none());
    let queries: Vec<(String, String)> = mock
        .requests()
        .iter()
        .map(|r| (r.params["search_query"].clone(), r.params["start"].clone()))
        .collect();
    // The head pass sees nothing new; the backfill asks only for what is older than the
    // cursor, from its start, page after page.
    assert_eq!(
        queries[0],
        ("seed:npu_acceleration".to_string(), "0".to_string())
    );
    let window = format!("(seed:npu_acceleration) AND submittedDate:[199101010000 TO {cursor}]");
    assert!(
        queries[1..].iter().all(|(q, _)| *q == window),
        "{queries:?}"
    );
    assert_eq!(queries[1].1, "0");
    assert_eq!(outcomes[0].total, 361, "no hole: every match is stored");
    let stored: std::collections::HashSet<String> = h
        .store
        .topic_members("npu_acceleration")
        .unwrap()
        .into_iter()
        .map(|p| p.id.as_str().to_string())
        .collect();
    let seed = crate::common::Seed::load();
    let section = &seed
        .sections
        .iter()
        .find(|s| s.0 == "npu_acceleration")
        .unwrap()
        .1;
    assert!(section.iter().all(|r| stored.contains(&r.id)));
    // Of the first page, only the papers of its oldest submission minute are asked again.
    let same_minute = section
        .iter()
        .take(60)
        .filter(|r| r.date.replace('-', "") == cursor[..8])
        .count();
    assert_eq!(queries.len() - 1, (361 - 60 + same_minute).div_ceil(60));
    assert!(
        h.store
            .history("npu_acceleration")
            .unwrap()
            .unwrap()
            .complete
    );

    // A third run is one request.
    mock.clear_log();
    let (outcomes, _) = h.fetch();
    assert_eq!((outcomes[0].requests, outcomes[0].new), (1, 0));
}

#[test]
fn past_arxivs_30000_results_the_query_is_narrowed_by_submission_date_and_nothing_is_cut() {
    // 30,500 papers, 50 a day, newest id newest.
    let rows: std::collections::BTreeMap<String, crate::common::SeedRow> = (1..=30_500u32)
        .map(|i| {
            let day = jiff::civil::date(2024, 1, 1) + jiff::Span::new().days(i64::from(i / 50));
            let id = format!("2501.{i:05}");
            let row = crate::common::SeedRow {
                id: id.clone(),
                version: 1,
                date: day.to_string(),
                title: format!("Paper {i}"),
                categories: vec!["cs.LG".into()],
                summary: "An abstract.".into(),
                line: String::new(),
            };
            (id, row)
        })
        .collect();
    let newest_first: Vec<String> = rows.keys().rev().cloned().collect();
    let mock = MockArxiv::start(rows);
    mock.add_search("seed:big", newest_first);
    let mut h = Harness::new(&mock, "", &["big"]);
    let (outcomes, _) = h.fetch();
    assert!(outcomes[0].error.is_none(), "{:?}", outcomes[0].error);
    assert_eq!(outcomes[0].total, 30_500, "the whole history");
    assert_eq!(outcomes[0].cut, None);
    let requests = mock.requests();
    for r in &requests {
        let start: usize = r.params["start"].parse().unwrap();
        let size: usize = r.params["max_results"].parse().unwrap();
        assert!(size <= 2000 && start + size <= 30_000, "{:?}", r.params);
    }
    let windowed: Vec<&String> = requests
        .iter()
        .map(|r| &r.params["search_query"])
        .filter(|q| q.contains("submittedDate"))
        .collect();
    assert!(!windowed.is_empty(), "the query was narrowed past 30,000");
    assert!(
        windowed[0].starts_with("(seed:big) AND submittedDate:[199101010000 TO "),
        "{}",
        windowed[0]
    );
    // 100 + 14 × 2000 + 1900 reach 30,000; then one narrowed page for the rest.
    assert_eq!(requests.len(), 17, "{}", requests.len());
}
