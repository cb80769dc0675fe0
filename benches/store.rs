//! Writing papers: the daily path (`save_topic`, an upsert per paper with the search index kept
//! by triggers), the bulk path (`import_batch`), reading Kaggle lines, and a whole
//! `paperwatch import --kaggle` of a synthetic file. `cargo bench --bench store`; papers/s.

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;
use std::io::Write;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use paperwatch::store::Store;

const N: usize = 10_000;

fn now() -> Timestamp {
    "2026-02-07T12:00:00Z".parse().unwrap()
}

fn writes(c: &mut Criterion) {
    let papers = synthetic::corpus(N);
    let records: Vec<_> = papers
        .iter()
        .map(|p| paperwatch::store::BulkRow::new(p.clone(), &[(p.version, p.updated)]))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let fresh = || {
        let path = dir.path().join(format!("{}.db", fastrand::u64(..)));
        Store::open(&path).unwrap()
    };
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(10);
    group.bench_function("save_topic_10k_new", |b| {
        b.iter_batched(
            fresh,
            |mut store| {
                store
                    .save_topic("t", black_box(&papers), &[], now())
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    let mut stored = fresh();
    stored.save_topic("t", &papers, &[], now()).unwrap();
    group.bench_function("save_topic_10k_unchanged", |b| {
        b.iter(|| {
            stored
                .save_topic("t", black_box(&papers), &[], now())
                .unwrap()
        })
    });
    group.bench_function("import_batch_10k", |b| {
        b.iter_batched(
            || {
                let store = fresh();
                store.begin_bulk().unwrap();
                store
            },
            |mut store| store.import_batch(black_box(&records), &[], now()).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn kaggle(c: &mut Criterion) {
    let lines: Vec<String> = (0..N).map(|i| synthetic::kaggle_line(i, N)).collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut group = c.benchmark_group("kaggle");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("parse_10k_lines", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| {
                    paperwatch::arxiv::kaggle::parse_line(black_box(l))
                        .unwrap()
                        .versions
                        .len()
                })
                .sum::<usize>()
        })
    });
    // The whole command: read, parse, match one topic, write with the search index, decide.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    for l in &lines {
        writeln!(out, "{l}").unwrap();
    }
    out.flush().unwrap();
    drop(out);
    eprintln!("kaggle file: {N} lines, {bytes} bytes");
    group.sample_size(10);
    group.bench_function("import_command_10k", |b| {
        b.iter_batched(
            || {
                let run = dir.path().join(format!("run-{}", fastrand::u64(..)));
                std::fs::create_dir(&run).unwrap();
                let config = run.join("paperwatch.toml");
                std::fs::write(&config, CONFIG).unwrap();
                paperwatch::config::from_str(
                    CONFIG,
                    paperwatch::config::Source::File(config),
                    &|_| None,
                )
                .unwrap()
            },
            |settings| {
                let args = paperwatch::import::bulk::Options {
                    kaggle: Some(file.clone()),
                    set: None,
                    from: None,
                    until: None,
                    batch: 10_000,
                };
                let ui = paperwatch::output::Ui {
                    quiet: true,
                    progress: false,
                };
                paperwatch::import::bulk::run(&settings, &args, now(), ui).unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

const CONFIG: &str = r#"
[links]
huggingface = false
[snapshot]
enabled = false
[[topic]]
name = "speculative"
query = 'all:"speculative decoding" AND all:npu'
"#;

criterion_group!(benches, writes, kaggle);
criterion_main!(benches);
