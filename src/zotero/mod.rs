//! Zotero's Web API v3: reading a library's items incrementally (`since` the library version
//! last seen, `If-Modified-Since-Version` so a quiet day is one 304, `Link: rel="next"` paging,
//! `Backoff` and `Retry-After` honoured) and adding papers as `preprint` items with a
//! `Zotero-Write-Token` per batch ([`client`]); what an item says its arXiv id is, and the item a
//! paper becomes (here, pure).

pub mod client;

use serde_json::{Value, json};

use crate::model::{ArxivId, Paper};

/// The arXiv id an item names, from (in order) its `archiveID` (`arXiv:2405.14371`), its `url`
/// (`arxiv.org/abs/…`), its `DOI` (`10.48550/arXiv.2405.14371`) or its `extra` field (a line
/// `arXiv: 2405.14371`); `None` for an item that is not an arXiv paper (a book, a note, an
/// attachment).
pub fn arxiv_id(item: &Value) -> Option<ArxivId> {
    let data = item.get("data").unwrap_or(item);
    let field = |name: &str| data.get(name).and_then(Value::as_str).map(str::trim);
    let parse = |text: &str| ArxivId::parse_versioned(text).ok().map(|(id, _)| id);
    if let Some(id) = field("archiveID").and_then(parse) {
        return Some(id);
    }
    if let Some(url) = field("url")
        && url.contains("arxiv.org/")
        && let Some(id) = parse(url)
    {
        return Some(id);
    }
    if let Some(doi) = field("DOI") {
        let lower = doi.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("10.48550/arxiv.") {
            return parse(&doi[doi.len() - rest.len()..]);
        }
    }
    field("extra")?.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case("arxiv")
            .then(|| parse(value.trim()))
            .flatten()
    })
}

/// The `rel="next"` URL of a `Link` header, if any.
pub fn next_link(header: &str) -> Option<&str> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"))
            .then(|| url.trim().trim_start_matches('<').trim_end_matches('>'))
    })
}

/// The `archiveID` Zotero keeps for an arXiv paper: `arXiv:2405.14371`.
pub fn archive_id(id: &ArxivId) -> String {
    format!("arXiv:{id}")
}

/// The `preprint` item `paper` becomes: title, authors, abstract, date, links, `archiveID`,
/// `repository` "arXiv", the DOI when known, the code link in `extra`, in `collection` when set.
pub fn preprint(paper: &Paper, code: Option<&str>, collection: Option<&str>) -> Value {
    let creators: Vec<Value> = paper
        .authors
        .iter()
        .map(|name| match name.rsplit_once(' ') {
            Some((first, last)) => {
                json!({"creatorType": "author", "firstName": first, "lastName": last})
            }
            None => json!({"creatorType": "author", "name": name}),
        })
        .collect();
    let mut extra = vec![format!("arXiv: {}", paper.id)];
    if let Some(code) = code {
        extra.push(format!("Code: {code}"));
    }
    let mut item = json!({
        "itemType": "preprint",
        "title": paper.title,
        "creators": creators,
        "abstractNote": paper.summary,
        "date": paper.published.to_zoned(jiff::tz::TimeZone::UTC).date().to_string(),
        "url": format!("https://arxiv.org/abs/{}", paper.versioned_id()),
        "archiveID": archive_id(&paper.id),
        "repository": "arXiv",
        "extra": extra.join("\n"),
        "collections": collection.map_or_else(Vec::new, |c| vec![c]),
    });
    if let Some(doi) = &paper.doi {
        item["DOI"] = json!(doi);
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_items_arxiv_id_comes_from_any_field_zotero_fills() {
        let id = |v: Value| arxiv_id(&json!({"key": "K", "data": v})).map(|i| i.to_string());
        assert_eq!(
            id(json!({"archiveID": "arXiv:2405.14371"})).as_deref(),
            Some("2405.14371")
        );
        assert_eq!(
            id(json!({"url": "https://arxiv.org/abs/2405.14371v2"})).as_deref(),
            Some("2405.14371")
        );
        assert_eq!(
            id(json!({"DOI": "10.48550/arXiv.2405.14371"})).as_deref(),
            Some("2405.14371")
        );
        assert_eq!(
            id(json!({"extra": "Citation Key: x\narXiv: hep-th/9901001"})).as_deref(),
            Some("hep-th/9901001")
        );
        for not_arxiv in [
            json!({"itemType": "book", "title": "A book"}),
            json!({"url": "https://example.org/2405.14371"}),
            json!({"DOI": "10.1145/3600006"}),
            json!({"extra": "tex.arxiv_note: none"}),
        ] {
            assert_eq!(id(not_arxiv.clone()), None, "{not_arxiv}");
        }
    }

    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        let h = "<https://api.zotero.org/users/1/items?start=100>; rel=\"next\", <https://api.zotero.org/users/1/items?start=1100>; rel=\"last\"";
        assert_eq!(
            next_link(h),
            Some("https://api.zotero.org/users/1/items?start=100")
        );
        assert_eq!(next_link("<https://x/items?start=0>; rel=\"first\""), None);
    }
}
