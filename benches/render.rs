//! Rendering benchmarks: the trend chart and the README for synthetic corpora.
//!
//! `cargo bench --bench render`; figures go in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{Timestamp, ToSpan};
use paperwatch::model::{ArxivId, Bucket, Paper};
use paperwatch::render::chart::{ChartOptions, svg_to_png, trend_svg};
use paperwatch::render::{ReadmeOptions, Section, readme};

/// `n` papers spread over 20 years, with abstract and title lengths like arXiv's.
fn corpus(n: usize) -> Vec<Paper> {
    let start: Timestamp = "2006-01-01T00:00:00Z".parse().unwrap();
    let summary =
        "We study efficient inference of large language models on mobile NPUs. ".repeat(14);
    (0..n)
        .map(|i| {
            let published = start + ((i as i64 * 20 * 365 * 24 * 3600) / n as i64).seconds();
            let date = published.to_zoned(jiff::tz::TimeZone::UTC).date();
            let id = format!(
                "{:02}{:02}.{:05}",
                date.year() % 100,
                date.month(),
                i % 100_000
            );
            Paper {
                id: ArxivId::parse(&id).unwrap(),
                version: 1 + (i % 3) as u32,
                title: format!("Paper {i}: fast on-device LLM inference with heterogeneous NPUs"),
                authors: vec!["A. Author".into(), "B. Author".into()],
                summary: summary.clone(),
                categories: vec!["cs.LG".into(), "cs.AI".into()],
                primary_category: "cs.LG".into(),
                published,
                updated: published,
                comment: None,
                journal_ref: None,
                doi: None,
            }
        })
        .collect()
}

fn chart(c: &mut Criterion) {
    let papers = corpus(100_000);
    let sections = [
        Section {
            name: "a",
            papers: &papers[..60_000],
            by_id: true,
        },
        Section {
            name: "b",
            papers: &papers[40_000..],
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
        papers: &papers,
        by_id: true,
    }];
    let options = ReadmeOptions {
        badges: Some("owner/repo"),
        intro: None,
        trend_image: Some("imgs/trend.png"),
        date: jiff::civil::date(2026, 2, 7),
    };
    c.bench_function("readme_10k_papers", |b| {
        b.iter(|| readme(&options, black_box(&sections)))
    });
}

criterion_group!(benches, chart, readme_bench);
criterion_main!(benches);
