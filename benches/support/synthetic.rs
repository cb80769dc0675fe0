//! Shared by the benches and `examples/synth_kaggle.rs` (included with `#[path]`), not part of
//! the library.
//!
//! A deterministic synthetic corpus for benchmarks and load tests: papers with arXiv-like ids,
//! dates spread over the years, and titles (~10 words) and abstracts (~170 words) drawn from a
//! field vocabulary, so text search and scoring see realistic lengths. Same `n`, same papers.

use jiff::{Timestamp, ToSpan};

use paperwatch::model::{ArxivId, Paper};

const WORDS: &[&str] = &[
    "efficient",
    "inference",
    "large",
    "language",
    "model",
    "models",
    "mobile",
    "npu",
    "edge",
    "device",
    "devices",
    "quantization",
    "latency",
    "memory",
    "energy",
    "accelerator",
    "transformer",
    "attention",
    "decoding",
    "speculative",
    "cache",
    "throughput",
    "smartphone",
    "on-device",
    "graph",
    "protein",
    "galaxy",
    "traffic",
    "theorem",
    "learning",
    "training",
    "data",
    "network",
    "neural",
    "sparse",
    "pruning",
    "distillation",
    "benchmark",
    "hardware",
    "fpga",
    "kernel",
    "gpu",
    "cpu",
    "heterogeneous",
    "scheduling",
    "compiler",
    "runtime",
    "agent",
    "retrieval",
    "generation",
    "vision",
    "speech",
    "robot",
    "control",
    "optimization",
    "stochastic",
    "gradient",
    "convergence",
    "bound",
    "proof",
    "quantum",
    "circuit",
    "physics",
    "dataset",
    "evaluation",
    "privacy",
    "federated",
    "wireless",
    "channel",
    "signal",
    "image",
    "diffusion",
    "reasoning",
    "alignment",
    "policy",
    "reward",
    "simulation",
    "system",
    "design",
    "we",
    "propose",
    "show",
    "that",
    "the",
    "a",
    "of",
    "for",
    "and",
    "with",
    "on",
    "in",
    "to",
];

const CATEGORIES: &[&str] = &[
    "cs.LG",
    "cs.CL",
    "cs.AI",
    "cs.CV",
    "cs.AR",
    "cs.DC",
    "stat.ML",
    "math.OC",
    "quant-ph",
    "physics.comp-ph",
    "eess.SP",
    "cs.RO",
];

/// A pronounceable word for a vocabulary rank (`0` → "ba", larger ranks → longer words).
fn pseudo_word(rank: u64) -> String {
    const SYLLABLES: &[&str] = &[
        "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su",
        "ta", "ve", "wi", "xo", "yu", "za", "tion", "ment", "ly", "er", "al", "ic", "ous",
    ];
    let mut n = rank;
    let mut word = String::new();
    loop {
        word.push_str(SYLLABLES[(n % SYLLABLES.len() as u64) as usize]);
        n /= SYLLABLES.len() as u64;
        if n == 0 {
            break;
        }
    }
    word
}

/// The `i`-th of `n` papers (0-based), spread evenly over 2008-01 … 2026-03.
pub fn paper(i: usize, n: usize) -> Paper {
    let mut state = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Zipf-like: a few words are everywhere, most are rare (about 40,000 distinct words, as
    // in real abstracts); the field's words are mixed in at mid frequency.
    let mut words = |count: usize| {
        (0..count)
            .map(|_| {
                let r = next();
                if r % 5 == 0 {
                    WORDS[((r >> 8) % WORDS.len() as u64) as usize].to_string()
                } else {
                    let u = ((r >> 11) as f64) / ((1u64 << 53) as f64);
                    pseudo_word(40_000f64.powf(u) as u64)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let title = words(10);
    let summary = words(170);
    // Ids from 2008-01 to 2026-03 (219 months), in order; unique for n up to 21.9 million.
    const MONTHS: usize = 219;
    let per_month = n.div_ceil(MONTHS).max(1);
    let month = (i / per_month).min(MONTHS - 1);
    let (year, mon) = (2008 + (month / 12) as i32, 1 + (month % 12) as i32);
    let number = i % per_month;
    let id = format!("{:02}{:02}.{number:05}", year % 100, mon);
    let start: Timestamp = format!("{year}-{mon:02}-01T00:00:00Z")
        .parse()
        .expect("a date");
    let published = start + ((i % 27) as i64 * 86_400 + (i % 86_000) as i64).seconds();
    let c = i % CATEGORIES.len();
    Paper {
        id: ArxivId::parse(&id).expect("a synthetic id is valid"),
        version: 1 + (i % 3) as u32,
        title,
        authors: vec![
            format!("Author {}", i % 997),
            format!("Author {}", (i * 7) % 991),
        ],
        summary,
        categories: vec![
            CATEGORIES[c].to_string(),
            CATEGORIES[(c + 1) % CATEGORIES.len()].to_string(),
        ],
        primary_category: CATEGORIES[c].to_string(),
        published,
        updated: published,
        comment: i
            .is_multiple_of(4)
            .then(|| "12 pages, 5 figures".to_string()),
        journal_ref: None,
        doi: None,
    }
}

/// `n` papers with distinct ids, in id order.
pub fn corpus(n: usize) -> Vec<Paper> {
    (0..n).map(|i| paper(i, n)).collect()
}

/// Hard-wraps `text` at 80 columns the way Kaggle/OAI abstracts are (two leading spaces).
fn wrap(text: &str) -> String {
    let mut out = String::from("  ");
    let mut col = 2;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 && col + 1 + word.len() > 80 {
            out.push('\n');
            col = 0;
        } else if i > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.len();
    }
    out.push('\n');
    out
}

/// The `i`-th of `n` papers as one line of the Kaggle "arxiv-metadata-oai-snapshot" JSON-lines
/// file (hard-wrapped abstract, RFC 2822 version dates, `authors_parsed`), without the newline.
pub fn kaggle_line(i: usize, n: usize) -> String {
    let printer = jiff::fmt::rfc2822::DateTimePrinter::new();
    let p = paper(i, n);
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
    line.to_string()
}

// Run by the integration tests (`tests/it` includes this file); the benches have no test harness.
#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn deterministic_distinct_and_realistic() {
        let a = corpus(10_000);
        assert_eq!(a, corpus(10_000));
        assert_eq!(a.len(), 10_000);
        let ids: std::collections::HashSet<_> = a.iter().map(|p| p.id.clone()).collect();
        assert_eq!(ids.len(), 10_000, "distinct ids");
        assert!(a.windows(2).all(|w| w[0].id < w[1].id), "in id order");
        let words = a[0].summary.split(' ').count();
        assert!((170..=200).contains(&words), "{words}");
        let vocabulary: std::collections::HashSet<&str> =
            a.iter().flat_map(|p| p.summary.split(' ')).collect();
        assert!(vocabulary.len() > 10_000, "{}", vocabulary.len());
        assert!(a.iter().all(|p| p.published.to_string().as_str() >= "2008"));
    }

    #[test]
    fn kaggle_lines_read_back_as_their_papers() {
        for i in [0, 1, 7, 999] {
            let p = paper(i, 1000);
            let back = paperwatch::arxiv::kaggle::parse_line(&kaggle_line(i, 1000)).unwrap();
            assert_eq!(back.paper.id, p.id);
            assert_eq!(back.paper.title, p.title);
            assert_eq!(back.paper.summary, p.summary, "hard wraps undone");
            assert_eq!(back.paper.authors, p.authors);
            assert_eq!(back.paper.categories, p.categories);
            assert_eq!(back.paper.published, p.published);
            assert_eq!(back.versions.len(), p.version as usize);
        }
    }
}
