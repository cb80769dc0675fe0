//! Writes a deterministic synthetic corpus in the Kaggle "arxiv-metadata-oai-snapshot" JSON-lines
//! format (hard-wrapped abstracts, RFC 2822 version dates, `authors_parsed`), for bulk-import
//! benchmarks: `cargo run --release --example synth_kaggle -- 3000000 > corpus.jsonl`.

use std::io::{BufWriter, Write};

fn wrap(text: &str) -> String {
    let mut out = String::from("  ");
    let mut col = 2;
    for word in text.split(' ') {
        if col + word.len() > 80 {
            out.push('\n');
            col = 0;
        } else if col > 2 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.len();
    }
    out.push('\n');
    out
}

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let printer = jiff::fmt::rfc2822::DateTimePrinter::new();
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    for i in 0..n {
        let p = paperwatch::synthetic::paper(i, n);
        let versions: Vec<serde_json::Value> = (1..=p.version)
            .map(|v| {
                let at = p.published + jiff::SignedDuration::from_hours(24 * i64::from(v - 1));
                serde_json::json!({"version": format!("v{v}"), "created": printer.timestamp_to_rfc9110_string(&at).unwrap()})
            })
            .collect();
        let parsed: Vec<[String; 3]> = p
            .authors
            .iter()
            .map(|a| {
                let (first, last) = a.split_once(' ').unwrap_or(("", a));
                [last.to_string(), first.to_string(), String::new()]
            })
            .collect();
        let line = serde_json::json!({
            "id": p.id.as_str(),
            "submitter": p.authors[0],
            "authors": p.authors.join(", "),
            "title": p.title,
            "comments": p.comment,
            "journal-ref": null,
            "doi": null,
            "report-no": null,
            "categories": p.categories.join(" "),
            "license": null,
            "abstract": wrap(&p.summary),
            "versions": versions,
            "update_date": p.updated.to_string()[..10].to_string(),
            "authors_parsed": parsed,
        });
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
