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
    }
}
