//! `paperwatch eval --labels FILE.tsv`: how well filtering and scores agree with graded papers.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::open_store;
use super::outln;
use crate::cli::EvalArgs;
use crate::config::Settings;
use crate::model::ArxivId;
use crate::relevance::blend;
use crate::relevance::score::{Logistic, Sparse, auc};

/// The figures `eval` prints.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// Labelled papers found in the database.
    pub labelled: usize,
    /// Labelled papers not in the database.
    pub missing: usize,
    /// Papers per grade 0, 1, 2 (of those found).
    pub grades: [usize; 3],
    /// Labelled papers not in the database, per grade 0, 1, 2 (never fetched, so not shown).
    pub missing_grades: [usize; 3],
    /// Shown papers (in any topic) among the labelled ones.
    pub shown: usize,
    /// Share of grade-0 papers hidden.
    pub grade0_hidden: Option<f64>,
    /// Share of grade ≥ 1 papers shown.
    pub grade1plus_shown: Option<f64>,
    /// Share of grade-2 papers shown.
    pub grade2_shown: Option<f64>,
    /// Share of grade-0 papers among the shown labelled papers.
    pub grade0_share_of_shown: Option<f64>,
    /// ROC AUC of the score (highest over the paper's topics), grade 2 against the rest.
    pub auc_2_vs_rest: Option<f64>,
    /// ROC AUC of the score, grade ≥ 1 against grade 0.
    pub auc_1plus_vs_0: Option<f64>,
    /// The same AUCs with the feedback model trained on K−1 folds of the labels.
    pub cross_validation: Option<CrossValidation>,
}

/// Cross-validated AUCs of the blended score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CrossValidation {
    /// Number of folds.
    pub folds: usize,
    /// AUC, grade 2 against the rest.
    pub auc_2_vs_rest: Option<f64>,
    /// AUC, grade ≥ 1 against grade 0.
    pub auc_1plus_vs_0: Option<f64>,
}

/// Reads `id<TAB>grade` lines (a header line starting with `id` is skipped).
pub fn read_labels(text: &str) -> anyhow::Result<Vec<(ArxivId, u8)>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut cols = line.split('\t');
        let (Some(id), Some(grade)) = (cols.next(), cols.next()) else {
            if line.trim().is_empty() {
                continue;
            }
            anyhow::bail!("line {}: expected `id<TAB>grade`", n + 1);
        };
        if n == 0 && id.trim() == "id" {
            continue;
        }
        let (id, _) = ArxivId::parse_versioned(id).with_context(|| format!("line {}", n + 1))?;
        let grade: u8 = grade
            .trim()
            .parse()
            .ok()
            .filter(|g| *g <= 2)
            .with_context(|| format!("line {}: grade must be 0, 1 or 2, got {grade:?}", n + 1))?;
        out.push((id, grade));
    }
    Ok(out)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Runs `eval`.
pub fn run(settings: &Settings, args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.labels)
        .with_context(|| format!("cannot read {}", args.labels.display()))?;
    let labels = read_labels(&text).with_context(|| format!("in {}", args.labels.display()))?;
    let mut store = open_store(settings, false)?;
    crate::tracker::redecide(settings, &mut store)?;
    let report = evaluate(settings, &store, &labels, args.cross_validate)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        super::emit(&format_report(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// Computes the report from the stored verdicts.
pub fn evaluate(
    settings: &Settings,
    store: &crate::store::Store,
    labels: &[(ArxivId, u8)],
    folds: Option<usize>,
) -> anyhow::Result<Report> {
    let configured: Vec<&str> = settings.topics.iter().map(|t| t.name.as_str()).collect();
    let all = store.all_papers()?;
    // Per paper: shown in any configured topic, and its best score.
    let verdicts: HashMap<&ArxivId, (bool, f64)> = all
        .iter()
        .map(|p| {
            let mine = p
                .topics
                .iter()
                .filter(|m| configured.contains(&m.name.as_str()));
            let (shown, score) = mine.fold((false, 0.0f64), |(s, best), m| {
                (s || m.shown, best.max(m.score.unwrap_or(0.0)))
            });
            (&p.paper.id, (shown, score))
        })
        .collect();
    let found: Vec<Found> = labels
        .iter()
        .filter_map(|(id, g)| verdicts.get(id).map(|(s, sc)| (id, *g, *s, *sc)))
        .collect();
    let count = |f: &dyn Fn(&Found) -> bool| found.iter().filter(|x| f(x)).count();
    let grades = [
        count(&|x| x.1 == 0),
        count(&|x| x.1 == 1),
        count(&|x| x.1 == 2),
    ];
    let shown = count(&|x| x.2);
    let scored2: Vec<(f64, bool)> = found.iter().map(|x| (x.3, x.1 == 2)).collect();
    let scored1: Vec<(f64, bool)> = found.iter().map(|x| (x.3, x.1 >= 1)).collect();
    let cross_validation = match folds {
        Some(k) if k >= 2 => Some(cross_validate(store, &found, k)?),
        _ => None,
    };
    let mut missing_grades = [0; 3];
    for (id, grade) in labels {
        if !verdicts.contains_key(id) {
            missing_grades[*grade as usize] += 1;
        }
    }
    Ok(Report {
        missing_grades,
        labelled: found.len(),
        missing: labels.len() - found.len(),
        grades,
        shown,
        grade0_hidden: share(count(&|x| x.1 == 0 && !x.2), grades[0]),
        grade1plus_shown: share(count(&|x| x.1 >= 1 && x.2), grades[1] + grades[2]),
        grade2_shown: share(count(&|x| x.1 == 2 && x.2), grades[2]),
        grade0_share_of_shown: share(count(&|x| x.1 == 0 && x.2), shown),
        auc_2_vs_rest: auc(&scored2),
        auc_1plus_vs_0: auc(&scored1),
        cross_validation,
    })
}

/// A labelled paper found in the database: id, grade, shown anywhere, best score.
type Found<'a> = (&'a ArxivId, u8, bool, f64);

/// Folds by a stable hash of the id, so the split does not depend on file order.
fn fold_of(id: &ArxivId, k: usize) -> usize {
    let hash = id.as_str().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % k as u64) as usize
}

fn cross_validate(
    store: &crate::store::Store,
    found: &[Found],
    k: usize,
) -> anyhow::Result<CrossValidation> {
    let corpus = crate::tracker::decide::fit(&crate::tracker::Corpus::load(store)?);
    let empty = Sparse::new();
    let vector = |id: &ArxivId| corpus.vectors.get(id).unwrap_or(&empty);
    let mut out2 = Vec::new();
    let mut out1 = Vec::new();
    for fold in 0..k {
        let train: Vec<_> = found.iter().filter(|x| fold_of(x.0, k) != fold).collect();
        let test: Vec<_> = found.iter().filter(|x| fold_of(x.0, k) == fold).collect();
        let model2 = Logistic::train(
            &train
                .iter()
                .map(|x| (vector(x.0), x.1 == 2))
                .collect::<Vec<_>>(),
        );
        let model1 = Logistic::train(
            &train
                .iter()
                .map(|x| (vector(x.0), x.1 >= 1))
                .collect::<Vec<_>>(),
        );
        for x in test {
            let v = vector(x.0);
            // The stored score is already the calibrated profile score (no topic labels here).
            let profile = x.3;
            out2.push((
                blend(profile, Some(f64::from(model2.probability(v)))),
                x.1 == 2,
            ));
            out1.push((
                blend(profile, Some(f64::from(model1.probability(v)))),
                x.1 >= 1,
            ));
        }
    }
    Ok(CrossValidation {
        folds: k,
        auc_2_vs_rest: auc(&out2),
        auc_1plus_vs_0: auc(&out1),
    })
}

/// The report as text.
pub fn format_report(r: &Report) -> String {
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0));
    let num = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "labelled papers in the database: {} (grade 2: {}, grade 1: {}, grade 0: {}); not in it: {}",
        r.labelled, r.grades[2], r.grades[1], r.grades[0], r.missing
    );
    let _ = writeln!(s, "shown (in any topic):      {}", r.shown);
    let _ = writeln!(s, "grade 0 hidden:            {}", pct(r.grade0_hidden));
    let _ = writeln!(s, "grade >= 1 shown:          {}", pct(r.grade1plus_shown));
    let _ = writeln!(s, "grade 2 shown:             {}", pct(r.grade2_shown));
    let _ = writeln!(
        s,
        "grade 0 share of shown:    {}",
        pct(r.grade0_share_of_shown)
    );
    let _ = writeln!(s, "AUC grade 2 vs rest:       {}", num(r.auc_2_vs_rest));
    let _ = writeln!(s, "AUC grade >= 1 vs 0:       {}", num(r.auc_1plus_vs_0));
    if let Some(cv) = &r.cross_validation {
        let _ = writeln!(
            s,
            "with feedback ({}-fold):   AUC 2 vs rest {}, AUC >= 1 vs 0 {}",
            cv.folds,
            num(cv.auc_2_vs_rest),
            num(cv.auc_1plus_vs_0)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_file_is_read_with_line_numbers_in_errors() {
        let labels =
            read_labels("id\tgrade\treason\n2407.05858v2\t2\tx\n\nhep-th/9901001\t0\n").unwrap();
        assert_eq!(labels.len(), 2);
        assert_eq!(labels[0], (ArxivId::parse("2407.05858").unwrap(), 2));
        let err = read_labels("id\tgrade\n2407.05858\t3\n").unwrap_err();
        assert!(
            format!("{err:#}").starts_with("line 2: grade must be 0, 1 or 2"),
            "{err:#}"
        );
        let err = read_labels("2407.05858\n").unwrap_err();
        assert_eq!(format!("{err:#}"), "line 1: expected `id<TAB>grade`");
    }

    #[test]
    fn folds_are_stable_and_spread() {
        let ids: Vec<ArxivId> = (1..=100)
            .map(|i| ArxivId::parse(&format!("2501.{i:05}")).unwrap())
            .collect();
        let mut sizes = [0; 5];
        for id in &ids {
            sizes[fold_of(id, 5)] += 1;
        }
        assert!(sizes.iter().all(|&n| n >= 10), "{sizes:?}");
        assert_eq!(fold_of(&ids[0], 5), fold_of(&ids[0].clone(), 5));
    }
}
