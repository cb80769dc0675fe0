//! `paperwatch eval --labels FILE.tsv`: how well filtering and scores agree with graded papers.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;

use super::shared::outln;
use crate::cli::EvalArgs;
use crate::config::Settings;
use crate::model::ArxivId;
use crate::relevance::evaluate::{Figures, Report};
use crate::tracker;
use crate::tracker::open_store;

/// Reads `id<TAB>grade` lines (a header line starting with `id` is skipped).
pub(super) fn read_labels(text: &str) -> anyhow::Result<Vec<(ArxivId, u8)>> {
    Ok(crate::relevance::examples::parse(
        crate::relevance::examples::Format::Graded,
        text,
    )?)
}

/// Runs `eval`.
pub(super) fn run(settings: &Settings, args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.labels)
        .with_context(|| format!("cannot read {}", args.labels.display()))?;
    let labels = read_labels(&text).with_context(|| format!("in {}", args.labels.display()))?;
    let mut store = open_store(settings, false)?;
    let report = tracker::evaluate(settings, &mut store, &labels, args.cross_validate)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        super::shared::emit(&format_report(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The report as text.
pub(super) fn format_report(r: &Report) -> String {
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
}
