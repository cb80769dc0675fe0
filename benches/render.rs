//! Rendering benchmarks: the trend chart and the README for synthetic corpora.
//!
//! `cargo bench --bench render`; figures go in BENCHMARKS.md.

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use paperwatch::model::Bucket;
use paperwatch::render::chart::{ChartOptions, svg_to_png, trend_svg};
use paperwatch::render::{ReadmeOptions, Section, readme};

fn corpus(n: usize) -> Vec<paperwatch::model::Paper> {
    synthetic::corpus(n)
}

fn chart(c: &mut Criterion) {
    let papers = corpus(100_000);
    let sections = [
        Section {
            name: "a",
            papers: &papers[..60_000].iter().collect::<Vec<_>>(),
            by_id: true,
        },
        Section {
            name: "b",
            papers: &papers[40_000..].iter().collect::<Vec<_>>(),
            by_id: true,
        },
    ];
    let options = ChartOptions {
        title: "arXiv papers per month",
        bucket: Bucket::Published,
        per_topic: true,
    };
    c.bench_function("chart_svg_and_png_100k_papers", |b| {
        b.iter(|| {
            let svg = trend_svg(&options, black_box(&sections));
            svg_to_png(&svg).unwrap()
        })
    });
    c.bench_function("chart_svg_only_100k_papers", |b| {
        b.iter(|| trend_svg(&options, black_box(&sections)))
    });
}

fn readme_bench(c: &mut Criterion) {
    let papers = corpus(10_000);
    let sections = [Section {
        name: "all",
        papers: &papers.iter().collect::<Vec<_>>(),
        by_id: true,
    }];
    let options = ReadmeOptions {
        badges: Some("owner/repo"),
        intro: None,
        trend_image: Some("imgs/trend.png"),
        date: jiff::civil::date(2026, 2, 7),
        code_links: None,
    };
    c.bench_function("readme_10k_papers", |b| {
        b.iter(|| readme(&options, black_box(&sections)))
    });
}

fn site_bench(c: &mut Criterion) {
    use paperwatch::render::feed::{FeedItem, FeedMeta, atom, rss};
    use paperwatch::render::site::{SiteInput, SitePaper, site};
    let papers = corpus(100_000);
    let now: Timestamp = "2026-02-07T12:00:00Z".parse().unwrap();
    c.bench_function("site_and_feeds_100k_papers", |b| {
        b.iter(|| {
            let input = SiteInput {
                title: "paperwatch",
                generated: now,
                topics: vec!["a", "b"],
                papers: papers
                    .iter()
                    .enumerate()
                    .map(|(i, p)| SitePaper {
                        paper: p,
                        topics: if i % 2 == 0 { vec![0] } else { vec![0, 1] },
                        scores: if i % 2 == 0 {
                            vec![Some(0.5)]
                        } else {
                            vec![Some(0.5), Some(0.4)]
                        },
                        score: Some(0.5),
                        code: None,
                        tldr: None,
                        similar: Vec::new(),
                    })
                    .collect(),
                trend_svg: Some("<svg/>"),
                shard_papers: paperwatch::render::site::SHARD_PAPERS,
                feedback: None,
                inbox: None,
            };
            // Written to nowhere: the bytes are counted, as a writer would see them.
            let mut bytes = 0;
            site(black_box(&input), |_, b| {
                bytes += b.len();
                Ok::<(), ()>(())
            })
            .unwrap();
            let items: Vec<FeedItem> = papers
                .iter()
                .map(|p| FeedItem {
                    paper: p,
                    first_seen: p.published,
                    topics: vec!["a"],
                    code: None,
                })
                .collect();
            let meta = FeedMeta {
                title: "paperwatch",
                id: "urn:x",
                self_url: None,
                site_url: None,
                updated_if_empty: now,
            };
            let feeds = [
                atom(&meta, &items),
                rss(&meta, &items),
                atom(&meta, &items[..50_000]),
            ];
            bytes + feeds.iter().map(String::len).sum::<usize>()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = chart, readme_bench, site_bench
}
criterion_main!(benches);
