//! Example papers that teach the relevance model, read from the files researchers already have:
//! graded ids (`id<TAB>grade`, 0/1/2, the format of `paperwatch eval --labels`), BibTeX
//! (`eprint`, `arxiv`, `url`, `doi` 10.48550), Zotero CSL JSON, RIS, or plain id lists. A
//! reference manager's export holds papers the reader wants: they count as grade 2. Pure text
//! in, ids out; reading the files is the caller's business.

use std::collections::HashMap;

use crate::model::ArxivId;

/// A graded example: how well the paper fits the tracker, 0 (noise), 1 (borderline) or 2.
pub type Example = (ArxivId, u8);

/// The formats an examples file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `id<TAB>grade[<TAB>anything]`, a header line starting with `id` allowed.
    Graded,
    /// BibTeX or BibLaTeX.
    Bibtex,
    /// CSL JSON (Zotero, Better BibTeX).
    CslJson,
    /// RIS.
    Ris,
    /// One id (or arXiv URL) per line.
    Ids,
}

impl Format {
    /// The format of a file, from its name, else from its first characters.
    pub fn guess(name: &str, text: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "bib" | "bibtex" => return Format::Bibtex,
            "json" => return Format::CslJson,
            "ris" => return Format::Ris,
            _ => {}
        }
        let start = text.trim_start();
        if start.starts_with('@') {
            Format::Bibtex
        } else if start.starts_with('[') || start.starts_with('{') {
            Format::CslJson
        } else if start.starts_with("TY  -") {
            Format::Ris
        } else if text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .any(|l| l.contains('\t'))
        {
            Format::Graded
        } else {
            Format::Ids
        }
    }
}

/// Why an examples file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ExamplesError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

/// Reads the examples of a text in `format`: each paper once (its last grade wins).
pub fn parse(format: Format, text: &str) -> Result<Vec<Example>, ExamplesError> {
    let found = match format {
        Format::Graded => graded(text)?,
        Format::Ids => ids(text)?,
        Format::Bibtex => bibtex(text),
        Format::CslJson | Format::Ris => referenced(text).into_iter().map(|id| (id, 2)).collect(),
    };
    Ok(merge(found))
}

/// Each paper once, where it first appears, with the last grade given to it.
pub fn merge(examples: Vec<Example>) -> Vec<Example> {
    let mut order: Vec<ArxivId> = Vec::new();
    let mut grade: HashMap<ArxivId, u8> = HashMap::new();
    for (id, g) in examples {
        if grade.insert(id.clone(), g).is_none() {
            order.push(id);
        }
    }
    order
        .into_iter()
        .map(|id| {
            let g = grade[&id];
            (id, g)
        })
        .collect()
}

fn graded(text: &str) -> Result<Vec<Example>, ExamplesError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let error = |message: String| ExamplesError {
            line: n + 1,
            message,
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let id = cols.next().unwrap_or("").trim();
        if n == 0 && id == "id" {
            continue;
        }
        let Some(grade) = cols.next() else {
            return Err(error("expected `id<TAB>grade`".into()));
        };
        let (id, _) = ArxivId::parse_versioned(id).map_err(|e| error(e.to_string()))?;
        let grade: u8 = grade
            .trim()
            .parse()
            .ok()
            .filter(|g| *g <= 2)
            .ok_or_else(|| error(format!("grade must be 0, 1 or 2, got {grade:?}")))?;
        out.push((id, grade));
    }
    Ok(out)
}

fn ids(text: &str) -> Result<Vec<Example>, ExamplesError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, _) = ArxivId::parse_versioned(line).map_err(|e| ExamplesError {
            line: n + 1,
            message: e.to_string(),
        })?;
        out.push((id, 2));
    }
    Ok(out)
}

/// BibTeX: per entry, an `eprint` (or `arxiv`, `arxivid`) field, else any arXiv reference in
/// the entry (`url`, `doi = {10.48550/arXiv.…}`, `journal = {arXiv:…}`).
fn bibtex(text: &str) -> Vec<Example> {
    let mut out = Vec::new();
    for entry in text.split('@').skip(1) {
        let eprint = ["eprint", "arxivid", "arxiv"]
            .iter()
            .find_map(|f| field(entry, f))
            .and_then(|v| ArxivId::parse_versioned(&v).ok())
            .map(|(id, _)| id);
        match eprint {
            Some(id) => out.push((id, 2)),
            None => out.extend(referenced(entry).into_iter().take(1).map(|id| (id, 2))),
        }
    }
    out
}

/// The value of BibTeX field `name` in one entry (`name = {v}`, `name = "v"` or `name = v`).
fn field(entry: &str, name: &str) -> Option<String> {
    let lower = entry.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c == ',' || c.is_whitespace() || c == '{');
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = entry.len() - rest.len() + 1;
        let value = entry[value_start..].trim_start();
        let inner = match value.chars().next()? {
            '{' => value[1..].split('}').next()?,
            '"' => value[1..].split('"').next()?,
            _ => value.split([',', '}', '\n']).next()?,
        };
        return Some(inner.trim().to_string());
    }
    None
}

/// Every arXiv paper a text refers to, in order: `arxiv.org/abs/…`, `arxiv.org/pdf/…`,
/// `arXiv:…` and DOIs `10.48550/arXiv.…`.
pub fn referenced(text: &str) -> Vec<ArxivId> {
    const MARKERS: &[&str] = &[
        "arxiv.org/abs/",
        "arxiv.org/pdf/",
        "10.48550/arxiv.",
        "arxiv:",
    ];
    let lower = text.to_ascii_lowercase();
    let mut out: Vec<ArxivId> = Vec::new();
    let mut at = 0;
    while at < lower.len() {
        let next = MARKERS
            .iter()
            .filter_map(|m| lower[at..].find(m).map(|p| (at + p, m.len())))
            .min();
        let Some((pos, len)) = next else { break };
        let start = pos + len;
        let token: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-'))
            .collect();
        let token = token.trim_end_matches(['.', '/', '-']);
        if let Ok((id, _)) = ArxivId::parse_versioned(token.trim_end_matches(".pdf"))
            && !out.contains(&id)
        {
            out.push(id);
        }
        at = start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_of(examples: &[Example]) -> Vec<(&str, u8)> {
        examples.iter().map(|(id, g)| (id.as_str(), *g)).collect()
    }

    #[test]
    fn graded_tsv_with_header_comments_and_errors() {
        let text = "id\tgrade\treason\n# a comment\n2407.05858v2\t2\tx\n\nhep-th/9901001\t0\n";
        assert_eq!(Format::guess("labels.tsv", text), Format::Graded);
        let e = parse(Format::Graded, text).unwrap();
        assert_eq!(ids_of(&e), [("2407.05858", 2), ("hep-th/9901001", 0)]);
        let err = parse(Format::Graded, "2407.05858\t3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: grade must be 0, 1 or 2, got \"3\""
        );
    }

    #[test]
    fn bibtex_eprint_url_and_doi() {
        let bib = r#"
@article{a, title = {On {NPUs}}, eprint = {2401.00001v3}, archivePrefix = {arXiv}}
@misc{b,
  title = "B",
  url = "https://arxiv.org/abs/2402.00002",
}
@inproceedings{c, doi = {10.48550/arXiv.2403.00003}, year = 2024}
@book{d, title = {No arXiv here}, doi = {10.1145/1234567}}
@article{e, journal = {arXiv preprint arXiv:2404.00004}}
"#;
        assert_eq!(Format::guess("library.bib", bib), Format::Bibtex);
        let e = parse(Format::Bibtex, bib).unwrap();
        assert_eq!(
            ids_of(&e),
            [
                ("2401.00001", 2),
                ("2402.00002", 2),
                ("2403.00003", 2),
                ("2404.00004", 2)
            ]
        );
    }

    #[test]
    fn csl_json_ris_and_id_lists() {
        let json = r#"[{"id":"x","URL":"http://arxiv.org/abs/2405.00005v1"},
                       {"id":"y","number":"arXiv:2406.00006"},
                       {"id":"z","DOI":"10.1000/xyz"}]"#;
        assert_eq!(Format::guess("zotero.json", json), Format::CslJson);
        assert_eq!(
            ids_of(&parse(Format::CslJson, json).unwrap()),
            [("2405.00005", 2), ("2406.00006", 2)]
        );
        let ris = "TY  - JOUR\nUR  - https://arxiv.org/pdf/2407.00007.pdf\nER  - \n";
        assert_eq!(Format::guess("export.ris", ris), Format::Ris);
        assert_eq!(
            ids_of(&parse(Format::Ris, ris).unwrap()),
            [("2407.00007", 2)]
        );
        let list = "# mine\n2408.00008\nhttps://arxiv.org/abs/2409.00009v2\n2408.00008\n";
        assert_eq!(Format::guess("ids.txt", list), Format::Ids);
        assert_eq!(
            ids_of(&parse(Format::Ids, list).unwrap()),
            [("2408.00008", 2), ("2409.00009", 2)]
        );
        let err = parse(Format::Ids, "2408.00008\nnot an id\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
