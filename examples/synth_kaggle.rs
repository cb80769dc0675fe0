//! Writes a deterministic synthetic corpus in the Kaggle "arxiv-metadata-oai-snapshot" JSON-lines
//! format (hard-wrapped abstracts, RFC 2822 version dates, `authors_parsed`), for bulk-import
//! benchmarks: `cargo run --release --example synth_kaggle -- 3000000 > corpus.jsonl`.

#[path = "../benches/support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    for i in 0..n {
        out.write_all(synthetic::kaggle_line(i, n).as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
