//! "More like this": the stored papers nearest a paper, by cosine over the TF-IDF vectors the
//! relevance model already builds (words and word pairs, stemmed; the title counted twice).
//! Pure.

use super::score::{Model, dot};
use crate::model::{ArxivId, Paper};

/// The `limit` papers of `papers` most like the one with id `target` (not itself), best first,
/// with their cosine; `None` when `target` is not among `papers`. Ties go to the newer id.
pub fn similar<'p>(
    target: &ArxivId,
    papers: &[&'p Paper],
    limit: usize,
) -> Option<Vec<(&'p Paper, f32)>> {
    let at = papers.iter().position(|p| &p.id == target)?;
    let (_, vectors) = Model::fit_with_vectors(papers);
    let mine = &vectors[at];
    let mut scored: Vec<(&Paper, f32)> = papers
        .iter()
        .zip(&vectors)
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, (p, v))| (*p, dot(mine, v)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.id.cmp(&a.0.id)));
    scored.truncate(limit);
    Some(scored)
}

/// Terms of a paper that look for its neighbours: its heaviest TF-IDF weights.
const SIGNATURE: usize = 16;
/// A term in more signatures than this tells papers apart too little to be looked up.
const MAX_POSTING: usize = 2_000;
/// Candidates scored exactly per paper.
const RERANK: usize = 32;

/// For every paper of `papers`, the indexes of the `k` others most like it, best first, with
/// their cosine (ties go to the newer id). Papers are found through the terms that weigh most in
/// each (its 16 heaviest, looked up in an index of everyone's), then ranked by exact cosine, so
/// the cost grows with the papers, not their square; a paper that shares none of its heaviest
/// terms with another has no neighbours.
pub fn neighbours(papers: &[&Paper], k: usize) -> Vec<Vec<(usize, f32)>> {
    let (_, vectors) = Model::fit_with_vectors(papers);
    let signatures: Vec<Vec<(u32, f32)>> = vectors
        .iter()
        .map(|v| {
            let mut s = v.clone();
            s.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            s.truncate(SIGNATURE);
            s
        })
        .collect();
    let mut postings: std::collections::HashMap<u32, Vec<(u32, f32)>, foldhash::fast::FixedState> =
        std::collections::HashMap::default();
    for (d, s) in signatures.iter().enumerate() {
        for &(t, w) in s {
            postings.entry(t).or_default().push((d as u32, w));
        }
    }
    let mut acc = vec![0.0f32; papers.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(papers.len());
    for (d, s) in signatures.iter().enumerate() {
        for &(t, w) in s {
            let list = &postings[&t];
            if list.len() > MAX_POSTING {
                continue;
            }
            for &(other, w2) in list {
                if other as usize != d {
                    if acc[other as usize] == 0.0 {
                        touched.push(other);
                    }
                    acc[other as usize] += w * w2;
                }
            }
        }
        touched.sort_unstable_by(|a, b| acc[*b as usize].total_cmp(&acc[*a as usize]));
        let mut best: Vec<(usize, f32)> = touched
            .iter()
            .take(RERANK)
            .map(|&o| (o as usize, dot(&vectors[d], &vectors[o as usize])))
            .collect();
        best.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(papers[b.0].id.cmp(&papers[a.0].id))
        });
        best.truncate(k);
        out.push(best);
        for o in touched.drain(..) {
            acc[o as usize] = 0.0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, title: &str, summary: &str) -> Paper {
        Paper {
            id: ArxivId::parse(id).unwrap(),
            version: 1,
            title: title.into(),
            authors: vec![],
            summary: summary.into(),
            categories: vec!["cs.LG".into()],
            primary_category: "cs.LG".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-01-01T00:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        }
    }

    #[test]
    fn a_near_duplicate_ranks_first_and_the_paper_itself_never_does() {
        let papers = [
            paper(
                "2501.00001",
                "Quantized LLM inference on mobile NPUs",
                "We run large language models on phone NPUs with 4-bit weights.",
            ),
            paper(
                "2501.00002",
                "Protein folding with diffusion",
                "A diffusion model predicts protein structure.",
            ),
            paper(
                "2501.00003",
                "Quantised LLM inference on mobile NPUs, revisited",
                "We run large language models on phone NPUs with 4-bit weights and fewer stalls.",
            ),
            paper(
                "2501.00004",
                "Edge inference scheduling",
                "Scheduling neural network inference on edge devices.",
            ),
        ];
        let refs: Vec<&Paper> = papers.iter().collect();
        let got = similar(&papers[0].id, &refs, 3).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0.id.as_str(), "2501.00003", "{got:?}");
        assert!(got[0].1 > got[1].1 && got[1].1 >= got[2].1);
        assert!(got.iter().all(|(p, _)| p.id != papers[0].id));
        assert!(similar(&ArxivId::parse("2501.09999").unwrap(), &refs, 3).is_none());
        // Every paper's neighbours, at once: the same near-duplicate first, never itself.
        let all = neighbours(&refs, 2);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0][0].0, 2, "{all:?}");
        assert_eq!(all[2][0].0, 0);
        assert!(
            all.iter()
                .enumerate()
                .all(|(i, n)| n.iter().all(|(j, _)| *j != i))
        );
        assert!(
            (all[0][0].1 - got[0].1).abs() < 1e-6,
            "the same cosine as `similar`"
        );
    }
}
