//! The XML side of REFI-QDA: a small element tree read with quick-xml
//! (namespace prefixes dropped, entities resolved, nesting bounded).

use quick_xml::events::Event;

use super::grammar::RefiError;

/// A parsed XML element (namespace prefixes dropped).
#[derive(Debug, Default, Clone)]
pub(super) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub text: String,
}

impl Node {
    pub fn attr(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }
    pub fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn kid(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or_default().to_owned()
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, RefiError> {
    let mut n = Node {
        name: local(e.name().as_ref()),
        ..Node::default()
    };
    for a in e.attributes() {
        let a = a.map_err(|e| RefiError::Xml(e.to_string()))?;
        let v = a
            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
            .map_err(|e| RefiError::Xml(e.to_string()))?;
        n.attrs.push((local(a.key.as_ref()), v.into_owned()));
    }
    Ok(n)
}

pub(super) fn parse_xml(xml: &str) -> Result<Node, RefiError> {
    let max_depth = crate::io::limits::Limits::get().depth;
    let mut r = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match r
            .read_event()
            .map_err(|e| RefiError::Xml(format!("at byte {}: {e}", r.buffer_position())))?
        {
            Event::Start(e) => {
                if stack.len() > max_depth {
                    return Err(RefiError::Invalid(format!(
                        "elements are nested more than {max_depth} levels deep (at byte {}); refused",
                        r.buffer_position()
                    )));
                }
                stack.push(element(&e)?);
            }
            Event::Empty(e) => {
                let n = element(&e)?;
                if let Some(top) = stack.last_mut() {
                    top.children.push(n);
                }
            }
            Event::End(_) => {
                let n = stack
                    .pop()
                    .ok_or_else(|| RefiError::Xml("unbalanced end tag".into()))?;
                match stack.last_mut() {
                    Some(top) => top.children.push(n),
                    None => return Err(RefiError::Xml("unbalanced end tag".into())),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(g) => {
                let name = g.xml10_content();
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| RefiError::Xml(format!("entity &{name};: {e}")))?
                    .into_owned();
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let root = stack
        .pop()
        .ok_or_else(|| RefiError::Xml("empty document".into()))?;
    if !stack.is_empty() {
        return Err(RefiError::Xml("unclosed elements at the end".into()));
    }
    root.children
        .into_iter()
        .next()
        .ok_or_else(|| RefiError::Xml("no root element".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entities_and_namespaces() {
        let n = parse_xml("<?xml version=\"1.0\"?><a:X xmlns:a=\"u\" k=\"1 &amp; 2\"><Y>x &lt; y&#x41;</Y><Z/></a:X>").unwrap();
        assert_eq!(n.name, "X");
        assert_eq!(n.attr("k"), Some("1 & 2"));
        assert_eq!(n.kid("Y").unwrap().text, "x < yA");
        assert!(n.kid("Z").is_some());
        assert!(parse_xml("<a><b></a>").is_err());
    }
}
