//! The streaming walk shared by the Atom and OAI-PMH parsers ([`walk`]: one pass of quick-xml's
//! namespace-aware pull parser that keeps the text of the field being read and hands each
//! element to a [`Handler`]), and its helpers: an attribute's value and an entity or character
//! reference, both resolved as XML 1.0 says. Pure.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

/// What a parser does with a document's elements; [`walk`] keeps the text of the field being
/// read (text, CDATA and references, across markup inside the field).
pub(super) trait Handler<'a> {
    /// The fields whose text the parser keeps.
    type Field: Copy;

    /// An element opens at `depth` (1 for the root) in namespace `ns` (empty when unbound).
    /// `in_field`: it is inside a field whose text is being read, whose text it adds to (a
    /// field it names does not start). Returns the field whose text the element holds.
    fn start(
        &mut self,
        element: &BytesStart,
        ns: &[u8],
        depth: usize,
        in_field: bool,
    ) -> Result<Option<Self::Field>, Stop>;

    /// A field's whole text, when its element closes.
    fn text(&mut self, field: Self::Field, text: Cow<'a, str>);

    /// The element at `depth` closes (after its field's [`Handler::text`], if it had one).
    fn end(&mut self, depth: usize);
}

/// Why a handler stops the walk.
#[derive(Debug)]
pub(super) enum Stop {
    /// The document is not what it claims (a bad attribute, a second root): this message.
    Malformed(String),
    /// The root is not the parser's: its local name.
    Root(String),
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Malformed(message)
    }
}

/// Why a walk ended early.
#[derive(Debug)]
pub(super) enum WalkError {
    /// Not well-formed XML, or refused by the handler, at this byte offset.
    Malformed {
        /// Where the problem is.
        offset: u64,
        /// What it is.
        message: String,
    },
    /// The root is not the parser's: its local name.
    Root(String),
}

/// Reads `xml` to its end, handing each element to `handler`. An error at the end when
/// elements are left open (a truncated body).
pub(super) fn walk<'a, H: Handler<'a>>(xml: &'a str, handler: &mut H) -> Result<(), WalkError> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let fail = |reader: &NsReader<&[u8]>, stop: Stop| match stop {
        Stop::Malformed(message) => WalkError::Malformed {
            offset: reader.error_position(),
            message,
        },
        Stop::Root(name) => WalkError::Root(name),
    };
    let mut depth = 0usize;
    // The field whose text is being read, and the depth of its element.
    let mut reading: Option<(H::Field, usize)> = None;
    let mut text: Cow<str> = Cow::Borrowed("");
    loop {
        let event = reader
            .read_event()
            .map_err(|e| fail(&reader, Stop::Malformed(e.to_string())))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                let ns = match reader.resolver().resolve_element(e.name()).0 {
                    ResolveResult::Bound(ns) => ns.into_inner(),
                    _ => &[],
                };
                let field = handler
                    .start(&e, ns, depth, reading.is_some())
                    .map_err(|stop| fail(&reader, stop))?;
                if reading.is_none()
                    && let Some(field) = field
                {
                    reading = Some((field, depth));
                    text = Cow::Borrowed("");
                }
            }
            Event::End(_) => {
                if let Some((field, at)) = reading
                    && at == depth
                {
                    reading = None;
                    handler.text(field, std::mem::replace(&mut text, Cow::Borrowed("")));
                }
                handler.end(depth);
                depth -= 1;
            }
            Event::Text(t) if reading.is_some() => {
                let piece = t
                    .xml10_content()
                    .map_err(|e| fail(&reader, Stop::Malformed(e.to_string())))?;
                append(&mut text, piece);
            }
            Event::CData(t) if reading.is_some() => {
                let piece = t
                    .xml10_content()
                    .map_err(|e| fail(&reader, Stop::Malformed(e.to_string())))?;
                append(&mut text, piece);
            }
            Event::GeneralRef(r) => {
                let resolved = reference(&r).map_err(|m| fail(&reader, Stop::Malformed(m)))?;
                if reading.is_some() {
                    append(&mut text, resolved);
                }
            }
            Event::Eof if depth > 0 => {
                return Err(WalkError::Malformed {
                    offset: xml.len() as u64,
                    message: "unexpected end of the document: elements left open".into(),
                });
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Appends a piece of text, borrowing while there is only one piece.
fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

/// The value of the attribute `name` (no namespace), unescaped and normalised.
pub(super) fn attribute(element: &BytesStart, name: &[u8]) -> Result<Option<String>, String> {
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
pub(super) fn reference(r: &BytesRef) -> Result<Cow<'static, str>, String> {
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
