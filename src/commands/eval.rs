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
use crate::relevance::learned::fold_of;
use crate::relevance::score::auc;
use crate::store::Store;
use crate::tracker::{Corpus, decide, learn};

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
    /// The stored verdicts. With examples that include the labels, these flatter the model:
    /// read [`Report::cross_validation`] instead.
    pub stored: Figures,
    /// The same figures with the learned model trained without each fold of the labels.
    pub cross_validation: Option<CrossValidation>,
}

/// Shares and AUCs over the labelled papers found in the database.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
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
}

/// Figures from K-fold cross-validation: for each fold, the tracker's model is trained on the
/// configured examples plus the labels, all without that fold, and every topic decided again.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CrossValidation {
    /// Number of folds.
    pub folds: usize,
    /// The figures over the held-out folds.
    pub figures: Figures,
    /// The threshold each fold's model chose.
    pub thresholds: Vec<f64>,
    /// The L2 strength each fold's model chose.
    pub lambdas: Vec<f32>,
}

/// Reads `id<TAB>grade` lines (a header line starting with `id` is skipped).
pub fn read_labels(text: &str) -> anyhow::Result<Vec<(ArxivId, u8)>> {
    Ok(crate::relevance::examples::parse(
        crate::relevance::examples::Format::Graded,
        text,
    )?)
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

/// A labelled paper's verdict: grade, shown in any topic, best score.
type Verdict = (u8, bool, f64);

/// Computes the report from the stored verdicts, and with `folds` by cross-validation.
pub fn evaluate(
    settings: &Settings,
    store: &Store,
    labels: &[(ArxivId, u8)],
    folds: Option<usize>,
) -> anyhow::Result<Report> {
    let corpus = Corpus::load(store)?;
    let configured: Vec<&str> = settings.topics.iter().map(|t| t.name.as_str()).collect();
    // Per paper: shown in any configured topic, and its best score.
    let stored: HashMap<&ArxivId, (bool, f64)> = corpus
        .papers
        .iter()
        .map(|p| {
            let mine = p
                .topics
                .iter()
                .filter(|m| configured.contains(&m.name.as_str()));
            let best = mine.fold((false, 0.0f64), |(s, best), m| {
                (s || m.shown, best.max(m.score.unwrap_or(0.0)))
            });
            (&p.paper.id, best)
        })
        .collect();
    let found: Vec<(&ArxivId, u8)> = labels
        .iter()
        .filter(|(id, _)| stored.contains_key(id))
        .map(|(id, g)| (id, *g))
        .collect();
    let mut grades = [0; 3];
    for (_, g) in &found {
        grades[*g as usize] += 1;
    }
    let mut missing_grades = [0; 3];
    for (id, grade) in labels {
        if !stored.contains_key(id) {
            missing_grades[*grade as usize] += 1;
        }
    }
    let verdicts: Vec<Verdict> = found
        .iter()
        .map(|(id, g)| (*g, stored[id].0, stored[id].1))
        .collect();
    let cross_validation = match folds {
        Some(k) if k >= 2 => Some(cross_validate(settings, store, &corpus, labels, &found, k)?),
        _ => None,
    };
    Ok(Report {
        labelled: found.len(),
        missing: labels.len() - found.len(),
        grades,
        missing_grades,
        stored: figures(&verdicts),
        cross_validation,
    })
}

fn figures(v: &[Verdict]) -> Figures {
    let count = |f: &dyn Fn(&Verdict) -> bool| v.iter().filter(|x| f(x)).count();
    let grades = [
        count(&|x| x.0 == 0),
        count(&|x| x.0 == 1),
        count(&|x| x.0 == 2),
    ];
    let shown = count(&|x| x.1);
    let scored2: Vec<(f64, bool)> = v.iter().map(|x| (x.2, x.0 == 2)).collect();
    let scored1: Vec<(f64, bool)> = v.iter().map(|x| (x.2, x.0 >= 1)).collect();
    Figures {
        shown,
        grade0_hidden: share(count(&|x| x.0 == 0 && !x.1), grades[0]),
        grade1plus_shown: share(count(&|x| x.0 >= 1 && x.1), grades[1] + grades[2]),
        grade2_shown: share(count(&|x| x.0 == 2 && x.1), grades[2]),
        grade0_share_of_shown: share(count(&|x| x.0 == 0 && x.1), shown),
        auc_2_vs_rest: auc(&scored2),
        auc_1plus_vs_0: auc(&scored1),
    }
}

/// For each fold of the labels: train the tracker's model on its examples plus the labels,
/// none of that fold, decide every topic again in memory, and keep the fold's verdicts.
fn cross_validate(
    settings: &Settings,
    store: &Store,
    corpus: &Corpus,
    labels: &[(ArxivId, u8)],
    found: &[(&ArxivId, u8)],
    k: usize,
) -> anyhow::Result<CrossValidation> {
    let mut examples = learn::load_examples(settings)?;
    let label_of: HashMap<&ArxivId, u8> = labels.iter().map(|(id, g)| (id, *g)).collect();
    examples.retain(|(id, _)| !label_of.contains_key(id));
    examples.extend(labels.iter().cloned());
    let configured: HashMap<&str, usize> = settings
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let rules = decide::all_rules(settings, store)?;
    let deciders = decide::Deciders::new(settings, corpus, &rules);
    let (rows, _) = deciders.verdicts(corpus, None);
    let rule = decide::rule_features(&rows);
    let mut out: Vec<Verdict> = Vec::with_capacity(found.len());
    let (mut thresholds, mut lambdas) = (Vec::new(), Vec::new());
    for fold in 0..k {
        let held_out = |id: &ArxivId| label_of.contains_key(id) && fold_of(id, k) == fold;
        let model = learn::train(
            store,
            corpus,
            &examples,
            &rule,
            &held_out,
            settings.relevance.threshold,
        )?;
        let scores = model.as_ref().map(|m| learn::scores(m, corpus, &rule));
        if let Some(m) = &model {
            thresholds.push(m.learned.threshold);
            lambdas.push(m.learned.lambda);
        }
        let (rows, _) = deciders.verdicts(corpus, scores.as_ref());
        let mut best: HashMap<&ArxivId, (bool, f64)> = HashMap::new();
        for (t, rows) in rows.iter().enumerate() {
            if !configured.values().any(|i| *i == t) {
                continue;
            }
            for (id, shown, score, _) in rows {
                let e = best.entry(id).or_insert((false, 0.0));
                *e = (e.0 || *shown, e.1.max(score.unwrap_or(0.0)));
            }
        }
        for (id, g) in found.iter().filter(|(id, _)| fold_of(id, k) == fold) {
            let (shown, score) = best.get(id).copied().unwrap_or((false, 0.0));
            out.push((*g, shown, score));
        }
    }
    Ok(CrossValidation {
        folds: k,
        figures: figures(&out),
        thresholds,
        lambdas,
    })
}

/// The report as text.
pub fn format_report(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "labelled papers in the database: {} (grade 2: {}, grade 1: {}, grade 0: {}); not in it: {} (grade 2: {}, grade 1: {}, grade 0: {})",
        r.labelled,
        r.grades[2],
        r.grades[1],
        r.grades[0],
        r.missing,
        r.missing_grades[2],
        r.missing_grades[1],
        r.missing_grades[0]
    );
    let _ = writeln!(s, "\nstored verdicts:");
    write_figures(&mut s, &r.stored);
    if let Some(cv) = &r.cross_validation {
        let list = |v: Vec<String>| v.join(", ");
        let _ = writeln!(
            s,
            "\n{}-fold cross-validation (the model trained without each fold; thresholds {}; L2 {}):",
            cv.folds,
            list(cv.thresholds.iter().map(|t| format!("{t:.3}")).collect()),
            list(cv.lambdas.iter().map(|l| format!("{l}")).collect()),
        );
        write_figures(&mut s, &cv.figures);
    }
    s
}

fn write_figures(s: &mut String, f: &Figures) {
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0));
    let num = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
    let _ = writeln!(s, "  shown (in any topic):      {}", f.shown);
    let _ = writeln!(s, "  grade 0 hidden:            {}", pct(f.grade0_hidden));
    let _ = writeln!(
        s,
        "  grade >= 1 shown:          {}",
        pct(f.grade1plus_shown)
    );
    let _ = writeln!(s, "  grade 2 shown:             {}", pct(f.grade2_shown));
    let _ = writeln!(
        s,
        "  grade 0 share of shown:    {}",
        pct(f.grade0_share_of_shown)
    );
    let _ = writeln!(s, "  AUC grade 2 vs rest:       {}", num(f.auc_2_vs_rest));
    let _ = writeln!(s, "  AUC grade >= 1 vs 0:       {}", num(f.auc_1plus_vs_0));
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
