//! YAML reading for data, catalog and config files, on serde-saphyr.
//!
//! serde-saphyr rather than the archived serde_yaml: it is maintained, fuzzed, rejects duplicate
//! keys, and its `Spanned<T>` gives the line and byte span of every value. The span lets us read a
//! number's literal text (`4567.890123`) straight from the file, so no figure ever passes through
//! an `f64`.

use crate::error::{Problem, Source};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Parses a whole YAML file into `T`, turning parser errors into a [`Problem`] at file:line.
pub fn parse<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> Result<T, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::at(Source::file(file), "the file is empty"));
    }
    let options = serde_saphyr::options! {
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(0);
        Problem::at(Source::new(file, line), describe(&e))
    })
}

/// The parser's message without its own "at line X column Y" suffix (we print file:line first).
fn describe(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    // Library advice ("set DuplicateKeyPolicy in Options") means nothing to a statistician.
    let text = text.split(", set ").next().unwrap_or("").trim();
    match text.strip_prefix("duplicate mapping key: ") {
        Some(key) => format!("{key} is given twice in the same mapping; keep one"),
        None if text.contains("unknown field") => text.replace('`', "'"),
        None => format!("not valid YAML: {text}"),
    }
}

/// A YAML node as written, each child with its line, scalars kept as their literal text.
#[derive(Debug, Clone)]
pub enum Node {
    /// A mapping, in file order.
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// A scalar; `literal` is true when the text must be re-read from the source span (numbers,
    /// booleans: serde hands those over already converted).
    Scalar {
        /// The scalar's text.
        text: String,
        /// Re-read from the source span.
        literal: bool,
    },
    /// An empty value (`key:` with nothing after it, `~`, `null`).
    Null,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: false })
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar { text: v, literal: false })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: true })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: true })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: true })
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: true })
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: true })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar { text: v.to_string(), literal: true })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// Replaces converted numbers and booleans by their literal text in `source`.
pub fn restore_literals(node: &mut Spanned<Node>, source: &str) {
    let span = node.referenced.span();
    match &mut node.value {
        Node::Scalar { text, literal: true } => {
            if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
                let (start, len) = (start as usize, len as usize);
                if let Some(raw) = source.get(start..start + len) {
                    *text = raw.trim().to_string();
                }
            }
        }
        Node::Map(entries) => {
            for (_, value) in entries {
                restore_literals(value, source);
            }
        }
        Node::Seq(items) => {
            for item in items {
                restore_literals(item, source);
            }
        }
        _ => {}
    }
}

/// Reads a data file as a tree of nodes with literal scalars.
pub fn parse_tree(text: &str, file: &str) -> Result<Spanned<Node>, Problem> {
    let mut root: Spanned<Node> = parse(text, file)?;
    restore_literals(&mut root, text);
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(node: &Spanned<Node>, path: &[&str]) -> (String, u64) {
        let mut cur = node;
        for key in path {
            let Node::Map(entries) = &cur.value else { panic!("not a map") };
            cur = &entries.iter().find(|(k, _)| k.value == *key).expect("key").1;
        }
        match &cur.value {
            Node::Scalar { text, .. } => (text.clone(), cur.referenced.line()),
            other => panic!("not a scalar: {other:?}"),
        }
    }

    #[test]
    fn numbers_keep_their_literal_text_and_line() {
        let src = "低保:\n  户数: 12345\n  金额: 4567.890123万元\n  比例: 0.10\n  大: 12345678901234567890.123456789\n";
        let tree = parse_tree(src, "a.yaml").unwrap();
        assert_eq!(leaf(&tree, &["低保", "户数"]), ("12345".into(), 2));
        assert_eq!(leaf(&tree, &["低保", "金额"]), ("4567.890123万元".into(), 3));
        assert_eq!(leaf(&tree, &["低保", "比例"]), ("0.10".into(), 4));
        assert_eq!(leaf(&tree, &["低保", "大"]).0, "12345678901234567890.123456789");
    }

    #[test]
    fn duplicate_keys_and_bad_yaml_name_the_line() {
        let err = parse_tree("a: 1\nb: 2\na: 3\n", "d.yaml").unwrap_err();
        assert_eq!(err.source, Some(Source::new("d.yaml", 3)), "{err}");
        let err = parse_tree("a: 1\n  b: [2\n", "m.yaml").unwrap_err();
        assert_eq!(err.source.as_ref().unwrap().file, "m.yaml");
        assert!(err.source.as_ref().unwrap().line >= 2, "{err}");
        let err = parse_tree("\n  \n", "e.yaml").unwrap_err();
        assert_eq!(err.to_string(), "e.yaml: the file is empty");
    }
}
