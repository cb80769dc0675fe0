//! Small helpers over quick-xml shared by the Atom and OAI-PMH parsers: an attribute's value and
//! an entity or character reference, both resolved as XML 1.0 says. Pure.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart};

/// The value of the attribute `name` (no namespace), unescaped and normalised.
pub fn attribute(element: &BytesStart, name: &[u8]) -> Result<Option<String>, String> {
    for attr in element.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.as_ref() == name {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// The text a reference stands for: `&#233;`, `&#xe9;` or one of XML's five named entities
/// (a document without a DTD has no others).
pub fn reference(r: &BytesRef) -> Result<Cow<'static, str>, String> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(Cow::Owned(c.to_string()));
    }
    let name = r.decode().map_err(|e| e.to_string())?;
    resolve_predefined_entity(&name)
        .map(Cow::Borrowed)
        .ok_or_else(|| format!("unknown entity &{name};"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_and_unknown_ones_are_errors() {
        assert_eq!(reference(&BytesRef::new("amp")).unwrap(), "&");
        assert_eq!(reference(&BytesRef::new("#xf6")).unwrap(), "ö");
        assert_eq!(reference(&BytesRef::new("#246")).unwrap(), "ö");
        assert_eq!(
            reference(&BytesRef::new("nbsp")).unwrap_err(),
            "unknown entity &nbsp;"
        );
    }
}
