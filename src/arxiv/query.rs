//! Building export-API request URLs: search queries from keyword lists, paged search requests
//! and `id_list` requests, with every parameter percent-encoded.

use crate::model::ArxivId;

/// Turns a keyword list into a query: each term searched in all fields, multi-word terms
/// quoted as phrases, joined with ` OR ` (spaces included, unlike cv-arxiv-daily's `"a"OR"b"`).
///
/// ```
/// use paperwatch::arxiv::keywords_query;
/// let q = keywords_query(&["NPU".into(), "large language model".into()]);
/// assert_eq!(q, r#"all:NPU OR all:"large language model""#);
/// ```
pub fn keywords_query(keywords: &[String]) -> String {
    keywords
        .iter()
        .map(|k| k.replace('"', " "))
        .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|k| !k.is_empty())
        .map(|k| {
            if k.contains(' ') {
                format!("all:\"{k}\"")
            } else {
                format!("all:{k}")
            }
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn join(base: &str, params: &[(&str, String)]) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{base}{sep}{}", query.join("&"))
}

/// Which date a search is ordered by, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `submittedDate`: the first version's date. Backfills page by it, with their cursor.
    Submitted,
    /// `lastUpdatedDate`: the newest version's date, so new papers and fresh revisions of old
    /// ones both come first. Head passes page by it.
    Updated,
}

/// A search request, newest submissions first.
pub fn search_url(base: &str, query: &str, start: usize, max_results: usize) -> String {
    search_url_by(base, query, start, max_results, Order::Submitted)
}

/// A search request ordered by `order`, newest first.
pub fn search_url_by(
    base: &str,
    query: &str,
    start: usize,
    max_results: usize,
    order: Order,
) -> String {
    let sort = match order {
        Order::Submitted => "submittedDate",
        Order::Updated => "lastUpdatedDate",
    };
    join(
        base,
        &[
            ("search_query", query.to_string()),
            ("sortBy", sort.into()),
            ("sortOrder", "descending".into()),
            ("start", start.to_string()),
            ("max_results", max_results.to_string()),
        ],
    )
}

/// A request for specific papers (latest versions).
pub fn id_list_url(base: &str, ids: &[ArxivId]) -> String {
    let list: Vec<&str> = ids.iter().map(ArxivId::as_str).collect();
    join(
        base,
        &[
            ("id_list", list.join(",")),
            ("start", "0".into()),
            ("max_results", ids.len().to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_quoted_and_spaced() {
        let kw = |v: &[&str]| keywords_query(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(kw(&["NPU"]), "all:NPU");
        assert_eq!(
            kw(&["on-device  LLM", "\"edge\"", "  "]),
            r#"all:"on-device LLM" OR all:edge"#
        );
    }

    #[test]
    fn urls_encode_everything() {
        let url = search_url("http://h/api/query", r#"abs:"NPU" AND (ti:a)"#, 100, 50);
        assert_eq!(
            url,
            "http://h/api/query?search_query=abs%3A%22NPU%22+AND+%28ti%3Aa%29&sortBy=submittedDate&sortOrder=descending&start=100&max_results=50"
        );
        assert!(
            search_url_by("http://h/q", "ti:a", 0, 1, Order::Updated)
                .contains("&sortBy=lastUpdatedDate&")
        );
        let ids = [
            ArxivId::parse("2407.05858").unwrap(),
            ArxivId::parse("hep-th/9901001").unwrap(),
        ];
        assert_eq!(
            id_list_url("http://h/q", &ids),
            "http://h/q?id_list=2407.05858%2Chep-th%2F9901001&start=0&max_results=2"
        );
    }
}
