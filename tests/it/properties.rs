//! Property tests: papers with arbitrary Unicode in every text field (control characters,
//! non-characters, markup, braces, pipes, backslashes), as a database written before text was
//! cleaned at the door may hold them, go through every writer, and every artifact stays
//! well-formed for the program that reads it. `PROPTEST_CASES` sets the number of cases
//! (`.ci/run` raises it).

use std::collections::HashMap;

use paperwatch::model::{ArxivId, Membership, Paper, StoredPaper};
use paperwatch::render::feed::{FeedItem, FeedMeta, atom, rss};
use paperwatch::render::site::{SiteInput, SitePaper, site};
use paperwatch::render::{ReadmeOptions, Section, export, readme};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Arbitrary chars, with the troublesome ones much more likely than chance would make them.
    let special = prop::sample::select(vec![
        "\u{0}",
        "\u{1}",
        "\u{7}",
        "\u{1b}[31m",
        "\u{85}",
        "\u{FFFE}",
        "\u{FDD0}",
        "\r",
        "\n",
        "\t",
        "|",
        "\\",
        "\\|",
        "{",
        "}",
        "$",
        "<",
        ">",
        "&",
        "\"",
        "'",
        "<b>",
        "</details>",
        "<!--",
        "]]>",
        "%",
        "#",
        "_",
        "~",
        "^",
        "`",
        "*",
        "[x](y)",
        " ",
    ]);
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>().prop_map(String::from),
            2 => special.prop_map(str::to_string),
            2 => "[a-zA-Z ]{1,6}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

prop_compose! {
    fn paper()(
        n in 1u32..99999,
        title in text(),
        summary in text(),
        authors in prop::collection::vec(text(), 0..4),
        category in text(),
        comment in prop::option::of(text()),
        journal in prop::option::of(text()),
        doi in prop::option::of(text()),
    ) -> Paper {
        Paper {
            id: ArxivId::parse(&format!("2401.{n:05}")).unwrap(),
            version: 2,
            title,
            authors,
            summary,
            categories: vec![category.clone(), "cs.CL".into()],
            primary_category: category,
            published: "2024-01-10T00:00:00Z".parse().unwrap(),
            updated: "2024-02-10T00:00:00Z".parse().unwrap(),
            comment,
            journal_ref: journal,
            doi,
        }
    }
}

/// A topic name as the config accepts one: not blank, no `/`, `\`, `|`, control character or
/// non-character.
fn topic_name() -> impl Strategy<Value = String> {
    text().prop_map(|t| {
        let name: String = t
            .chars()
            .filter(|&c| {
                !matches!(c, '/' | '\\' | '|')
                    && !c.is_control()
                    && !paperwatch::model::is_unwanted_char(c)
            })
            .collect();
        let name = name.trim().to_string();
        if name.is_empty() { "t".into() } else { name }
    })
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The cells of a GFM table row as cmark-gfm (GitHub's renderer) splits it: at every `|` not
/// right after a backslash (even an escaped one: `\\|` does not end a cell either).
fn cells(row: &str) -> usize {
    let mut count = 0;
    let mut previous = ' ';
    for c in row.chars() {
        if c == '|' && previous != '\\' {
            count += 1;
        }
        previous = c;
    }
    count - 1
}

fn stored(paper: &Paper, topic: &str) -> StoredPaper {
    StoredPaper {
        paper: paper.clone(),
        topics: vec![Membership {
            name: topic.to_string(),
            shown: true,
            score: Some(0.5),
            reason: None,
            first_seen: "2024-02-11T00:00:00Z".parse().unwrap(),
        }],
        first_seen: "2024-02-11T00:00:00Z".parse().unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn feeds_are_xml_that_parses(papers in prop::collection::vec(paper(), 1..4), topic in topic_name()) {
        let items: Vec<FeedItem> = papers
            .iter()
            .map(|p| FeedItem {
                paper: p,
                first_seen: "2024-02-11T00:00:00Z".parse().unwrap(),
                topics: vec![topic.as_str()],
                code: None,
            })
            .collect();
        let meta = FeedMeta {
            title: &topic,
            id: "urn:x",
            self_url: None,
            site_url: None,
            updated_if_empty: "2024-02-11T00:00:00Z".parse().unwrap(),
        };
        let feed = atom(&meta, &items);
        prop_assert!(feed.chars().all(xml_char));
        let parsed = atom_syndication::Feed::read_from(feed.as_bytes());
        prop_assert!(parsed.is_ok(), "{:?}\n{feed}", parsed.err());
        prop_assert_eq!(parsed.unwrap().entries().len(), papers.len());
        let channel = rss(&meta, &items);
        prop_assert!(channel.chars().all(xml_char));
        let parsed = rss::Channel::read_from(channel.as_bytes());
        prop_assert!(parsed.is_ok(), "{:?}\n{channel}", parsed.err());
        prop_assert_eq!(parsed.unwrap().items().len(), papers.len());
    }

    #[test]
    fn readme_rows_keep_six_cells(papers in prop::collection::vec(paper(), 1..4), topic in topic_name()) {
        let options = ReadmeOptions {
            badges: None,
            intro: None,
            trend_image: None,
            date: jiff::civil::date(2024, 2, 11),
            code_links: None,
        };
        let sections = [Section { name: &topic, papers: &papers.iter().collect::<Vec<_>>(), by_id: true }];
        let text = readme(&options, &sections);
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("|**")).collect();
        prop_assert_eq!(rows.len(), papers.len(), "{}", text);
        for row in rows {
            prop_assert_eq!(cells(row), 6, "{}", row);
        }
        prop_assert!(!text.chars().any(paperwatch::model::is_unwanted_char));
        // The heading is one line: the topic's table follows it.
        let heading = text.lines().position(|l| l.starts_with("## ") && !l.starts_with("## Updated")).unwrap();
        prop_assert_eq!(text.lines().nth(heading + 2), Some("|Date|Title|label|Abstract|PDF|Code|"));
    }

    #[test]
    fn bibtex_braces_balance_and_json_parses(papers in prop::collection::vec(paper(), 1..4), topic in topic_name()) {
        let stored: Vec<StoredPaper> = papers.iter().map(|p| stored(p, &topic)).collect();
        let bib = export::bibtex(&stored);
        // btparse counts every brace, escaped or not.
        let mut depth = 0i64;
        for c in bib.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            prop_assert!(depth >= 0, "{}", bib);
        }
        prop_assert_eq!(depth, 0, "{}", bib);
        prop_assert!(!bib.chars().any(paperwatch::model::is_unwanted_char));
        prop_assert_eq!(bib.matches("\n@misc{").count() + usize::from(bib.starts_with("@misc{")), papers.len());
        let code = HashMap::new();
        let json: serde_json::Value = serde_json::from_str(&export::json(&stored, &code)).unwrap();
        prop_assert_eq!(json.as_array().map(Vec::len), Some(papers.len()));
        let cv: serde_json::Value = serde_json::from_str(&export::cv_json(&stored, &[topic.as_str()], &code)).unwrap();
        prop_assert!(cv.is_object());
        let csv = export::csv(&stored, &code);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        prop_assert_eq!(reader.records().count(), papers.len());
    }

    #[test]
    fn html_shows_paper_text_as_text(papers in prop::collection::vec(paper(), 1..3), topic in topic_name()) {
        let site_papers: Vec<SitePaper> = papers
            .iter()
            .map(|p| SitePaper { paper: p, topics: vec![0], scores: vec![Some(0.5)], score: Some(0.5), code: None, tldr: None, similar: papers.iter().map(|q| q.id.as_str()).collect() })
            .collect();
        let input = SiteInput {
            title: &topic,
            generated: "2024-02-11T00:00:00Z".parse().unwrap(),
            topics: vec![topic.as_str()],
            papers: site_papers,
            trend_svg: None,
            shard_papers: 1,
                feedback: None,
                inbox: None,
        };
        let mut files = Vec::new();
        site(&input, |path, bytes| {
            files.push((path.to_string(), String::from_utf8(bytes.to_vec()).unwrap()));
            Ok::<(), ()>(())
        })
        .unwrap();
        // One data file per paper (shards of one), the index, the similar papers, two pages,
        // script and style.
        prop_assert_eq!(files.len(), papers.len() + 6);
        for (path, text) in files {
            prop_assert!(!text.chars().any(paperwatch::model::is_unwanted_char), "{}", path);
            if let Some(json) = text
                .strip_prefix("PAPERWATCH_SHARD(")
                .and_then(|t| t.strip_suffix(");\n"))
                .or_else(|| text.strip_prefix("window.PAPERWATCH_DATA = ").and_then(|t| t.strip_suffix(";\n")))
                .or_else(|| text.strip_prefix("window.PAPERWATCH_SIMILAR = ").and_then(|t| t.strip_suffix(";\n")))
            {
                prop_assert!(!json.contains("</"), "{}", path);
                let data: serde_json::Value = serde_json::from_str(json).unwrap();
                prop_assert!(data.is_object());
            } else {
                prop_assert!(!path.starts_with("data/"), "{}", path);
            }
            if path.ends_with(".html") {
                // Every tag in the page is one the page itself writes: no paper text opened one.
                for tag in text.split('<').skip(1) {
                    let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!').collect();
                    prop_assert!(
                        ["!doctype", "html", "ol", "/ol", "/html", "head", "/head", "meta", "title", "/title", "link", "style", "/style", "body", "/body", "script", "/script", "header", "/header", "h1", "/h1", "p", "/p", "a", "/a", "nav", "/nav", "main", "/main", "form", "/form", "label", "/label", "input", "select", "/select", "option", "/option", "section", "/section", "div", "/div", "span", "/span", "noscript", "/noscript", "footer", "/footer", "ul", "/ul", "li", "/li", "button", "/button", "output", "/output", "figure", "/figure", "img", "svg", "/svg", "details", "/details", "summary", "/summary", "h2", "/h2", "fieldset", "/fieldset", "legend", "/legend", "!--", "small", "/small", "time", "/time", "article", "/article"].contains(&name.to_ascii_lowercase().as_str()),
                        "{}: <{}", path, tag.chars().take(40).collect::<String>()
                    );
                }
            }
        }
    }
}
