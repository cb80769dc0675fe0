//! The Atom parser on every recorded arXiv response, current and legacy API.

use paperwatch::arxiv::parse_feed;
use paperwatch::model::ArxivId;

fn fixture(rel: &str) -> String {
    let path = format!("{}/tests/fixtures/arxiv/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_fixture_parses_to_its_snapshot() {
    insta::glob!("../fixtures/arxiv", "api-*/*.xml", |path| {
        let xml = std::fs::read_to_string(path).unwrap();
        let feed = parse_feed(&xml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_yaml_snapshot!(feed);
    });
}

#[test]
fn current_and_legacy_agree_on_the_same_paper() {
    let new = parse_feed(&fixture(
        "api-current/rsxiv-2025-11-11_idlist_2206.06921.xml",
    ))
    .unwrap();
    let old = parse_feed(&fixture("api-legacy/rsxiv-2025-08_idlist_2206.06921.xml")).unwrap();
    let (a, b) = (&new.entries[0], &old.entries[0]);
    assert_eq!(a.versioned_id(), b.versioned_id());
    assert_eq!(a.title, b.title, "legacy titles are unwrapped");
    assert_eq!(a.categories, b.categories);
    assert_eq!(a.published, b.published);
    assert_eq!(a.authors, b.authors);
}

#[test]
fn error_feed_is_recognised() {
    let feed = parse_feed(&fixture("api-current/error_idlist_abc_http400.xml")).unwrap();
    assert_eq!(feed.error.as_deref(), Some("incorrect id format for abc"));
    assert!(feed.entries.is_empty());
}

#[test]
fn old_style_ids_versions_and_odd_titles() {
    let feed = parse_feed(&fixture("api-current/idlist_astro-ph_0601001.xml")).unwrap();
    assert_eq!(
        feed.entries[0].id,
        ArxivId::parse("astro-ph/0601001").unwrap()
    );
    assert!(feed.entries[0].journal_ref.is_some());
    let feed = parse_feed(&fixture("api-current/idlist_2104.12255v1_title-0.xml")).unwrap();
    assert_eq!(feed.entries[0].title, "0");
    let feed = parse_feed(&fixture("api-current/idlist_1707.08567.xml")).unwrap();
    assert_eq!(feed.entries[0].authors.len(), 34);
    assert!(feed.entries[0].authors.iter().any(|a| a == "Dirk Wübben"));
}

#[test]
fn legacy_placeholders_for_missing_ids_are_skipped() {
    let feed = parse_feed(&fixture(
        "api-legacy/rsxiv-2025-08_idlist_4ids_3-missing_empty-entries.xml",
    ))
    .unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.skipped.len(), 3, "{:?}", feed.skipped);
}

#[test]
fn links_without_attributes_do_not_matter() {
    // The first day of the new backend sent <link>s without rel/type/title.
    let feed = parse_feed(&fixture(
        "api-current/rsxiv-2025-11-11_search_all-electron_AND_all-proton.xml",
    ))
    .unwrap();
    assert_eq!(feed.entries.len(), 10);
    assert_eq!(feed.total_results, Some(7432));
    assert_eq!(feed.entries.iter().filter(|p| p.doi.is_some()).count(), 7);
}
