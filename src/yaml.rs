//! YAML reading for data, catalog and config files, on serde-saphyr.
//!
//! serde-saphyr rather than the archived serde_yaml: it is maintained, fuzzed, rejects duplicate
//! keys, and its `Spanned<T>` gives the line and byte span of every value. The span lets us read a
//! number's literal text (`4567.890123`) straight from the file, so no figure ever passes through
//! an `f64`.

use crate::error::{Problem, Source};
use rust_i18n::t;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{Error as YamlError, ExternalMessageSource, Location, Spanned};
use std::fmt;

/// Parses a whole YAML file into `T`, turning parser errors into a [`Problem`] at file:line
/// that says, in the user's language, what is wrong with the file and how to write it.
pub fn parse<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> Result<T, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::at(Source::file(file), t!("yaml.empty_file")));
    }
    // A tab in the indentation is the commonest way a hand-edited file goes wrong, and the
    // parser sees it late (as part of a name or a value): name the line first.
    if let Some(line) = tab_indented_line(text) {
        return Err(Problem::at(Source::new(file, line), t!("yaml.tab_indent")));
    }
    let options = serde_saphyr::options! {
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, message) = describe(&e, text);
        Problem::at(if line == 0 { Source::file(file) } else { Source::new(file, line) }, message)
    })
}

/// The first line whose indentation holds a tab (blank lines and comments aside).
fn tab_indented_line(text: &str) -> Option<u64> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - rest.len()];
        (indent.contains('\t') && !rest.is_empty() && !rest.starts_with('#')).then_some(i as u64 + 1)
    })
}

/// The line and the message for a parser error: what it means for the person who wrote the
/// file, never the library's wording.
fn describe(e: &YamlError, text: &str) -> (u64, String) {
    let line = e.location().map(|l| l.line()).unwrap_or(0);
    // Errors met while replaying an alias (*name) come wrapped with the alias's place.
    let mut inner = e;
    let mut alias_line = None;
    loop {
        match inner {
            YamlError::AliasError { error, locations, .. } => {
                alias_line = alias_line.or(Some(locations.reference_location.line()));
                inner = error;
            }
            YamlError::WithSnippet { error, .. } => inner = error,
            _ => break,
        }
    }
    let at = inner.location().unwrap_or(Location::UNKNOWN);
    // What the value belongs to, as the subject of a message: `decimals`, or "the value".
    let key = || match key_of(text, &at) {
        Some(key) => t!("yaml.subject_named", key = key).to_string(),
        None => t!("yaml.subject_unnamed").to_string(),
    };
    let value = || value_at(text, &at);
    match inner {
        YamlError::MultipleDocuments { .. } | YamlError::Budget { breach: BudgetBreach::Documents { .. }, .. } => {
            second_document(text, line)
        }
        YamlError::Budget { breach: BudgetBreach::Depth { .. }, .. } => (line, t!("yaml.too_deep").to_string()),
        YamlError::Budget { .. } if alias_line.is_some() || text.contains('*') => {
            (alias_line.unwrap_or(line), t!("yaml.too_many_values_aliases").to_string())
        }
        YamlError::Budget { .. } => (line, t!("yaml.too_many_values").to_string()),
        YamlError::AliasReplayCounterOverflow { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. } => {
            (alias_line.unwrap_or(line), t!("yaml.too_many_values_aliases").to_string())
        }
        YamlError::UnknownAnchor { .. } => (at.line(), t!("yaml.unknown_alias", alias = value()).to_string()),
        YamlError::DuplicateMappingKey { key: Some(k), .. } => (line, t!("yaml.duplicate_key", key = k).to_string()),
        YamlError::DuplicateMappingKey { key: None, .. } => (line, t!("yaml.duplicate_key_unnamed").to_string()),
        YamlError::SerdeUnknownField { field, expected, .. } => {
            let place = match parent_of(text, &at) {
                Some(parent) => t!("yaml.in_parent", parent = parent),
                None => t!("yaml.at_top"),
            };
            let allowed = join(expected, "yaml.list_and_last");
            let message = match nearest(field, expected) {
                Some(near) => {
                    t!("yaml.unknown_field_near", field = field, place = place, near = near, allowed = allowed)
                }
                None => t!("yaml.unknown_field", field = field, place = place, allowed = allowed),
            };
            (line, message.to_string())
        }
        YamlError::SerdeUnknownVariant { variant, expected, .. } => {
            let allowed = join(expected, "yaml.list_or_last");
            let message = match nearest(variant, expected) {
                Some(near) => {
                    t!("yaml.unknown_value_near", subject = key(), value = variant, near = near, allowed = allowed)
                }
                None => t!("yaml.unknown_value", subject = key(), value = variant, allowed = allowed),
            };
            (line, message.to_string())
        }
        YamlError::SerdeMissingField { field, .. } => {
            let place = match parent_of(text, &at) {
                Some(parent) => t!("yaml.in_parent", parent = parent),
                None => t!("yaml.at_top"),
            };
            (line, t!("yaml.missing_field", field = field, place = place).to_string())
        }
        YamlError::SerdeInvalidType { expected, .. }
        | YamlError::SerdeInvalidValue { expected, .. }
        | YamlError::SerdeInvalidLength { expected, .. } => (line, wrong_type(&key(), &value(), expected)),
        YamlError::InvalidScalar { ty, .. } | YamlError::Unexpected { expected: ty, .. } => {
            (line, wrong_type(&key(), &value(), ty))
        }
        YamlError::InvalidBooleanStrict { .. } => (line, wrong_type(&key(), &value(), "bool")),
        YamlError::NullIntoString { .. } => (line, wrong_type(&key(), "", "string")),
        YamlError::InvalidCharNull { .. } | YamlError::InvalidCharNotSingleScalar { .. } => {
            (line, wrong_type(&key(), &value(), "char"))
        }
        YamlError::NonFiniteFloat { value, .. } => (line, t!("yaml.not_a_number", value = value).to_string()),
        YamlError::ExternalMessage { source, .. } => match source.as_ref() {
            ExternalMessageSource::Parser(scan) => syntax(scan.kind(), text, &at, line),
            _ => (line, t!("yaml.unreadable_line").to_string()),
        },
        YamlError::Message { .. } | YamlError::SerdeVariantId { .. } => {
            (line, t!("yaml.unreadable_value", subject = key(), value = value()).to_string())
        }
        _ => (line, t!("yaml.unreadable_line").to_string()),
    }
}

/// A scanner error: a line that is not written as YAML.
fn syntax(kind: &ErrorKind, text: &str, at: &Location, line: u64) -> (u64, String) {
    let message = match kind {
        ErrorKind::TabNotAllowed
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabInIndentation
        | ErrorKind::TabAtBlockScalarStart
        | ErrorKind::TabInPlainScalar => t!("yaml.tab"),
        ErrorKind::UnclosedFlowCollection { open } => {
            return (line, t!("yaml.unclosed_bracket", open = open, close = closing(*open)).to_string())
        }
        ErrorKind::MismatchedFlowCollectionEnd { open, close } => {
            t!("yaml.mismatched_bracket", open = open, close = close, expected = closing(*open))
        }
        ErrorKind::MisplacedFlowCollectionEnd => {
            let close = value_at(text, at).chars().next().filter(|c| matches!(c, ']' | '}')).unwrap_or(']');
            t!("yaml.stray_bracket", close = close)
        }
        ErrorKind::UnclosedQuotedScalar => {
            let quote = value_at(text, at).chars().next().filter(|c| matches!(c, '"' | '\'')).unwrap_or('"');
            t!("yaml.unclosed_quote", quote = quote)
        }
        ErrorKind::InvalidTrailingSingleQuotedScalar | ErrorKind::InvalidTrailingDoubleQuotedScalar => {
            t!("yaml.text_after_quote")
        }
        ErrorKind::UnknownQuotedScalarEscape
        | ErrorKind::InvalidQuotedScalarHexEscape
        | ErrorKind::InvalidLowSurrogateHexEscape
        | ErrorKind::InvalidLowSurrogate
        | ErrorKind::MissingLowSurrogate
        | ErrorKind::UnpairedLowSurrogate
        | ErrorKind::InvalidUnicodeEscape => t!("yaml.bad_escape"),
        ErrorKind::UnexpectedCharacter { character } => t!("yaml.reserved_character", character = character),
        ErrorKind::UnknownAnchor => t!("yaml.unknown_alias", alias = value_at(text, at)),
        ErrorKind::RecursionLimitExceeded => t!("yaml.too_deep"),
        _ => {
            // A bracket opened on an earlier line and never closed makes every later line look
            // wrong; name the bracket rather than where the parser gave up.
            if let Some((open_line, open)) = unclosed_bracket(text, line) {
                return (open_line, t!("yaml.unclosed_bracket", open = open, close = closing(open)).to_string());
            }
            // 户数：120 with a full-width colon is one piece of text to YAML, not a name and a value.
            if let Some(colon_line) = full_width_colon(text, line) {
                return (colon_line, t!("yaml.full_width_colon").to_string());
            }
            match kind {
                ErrorKind::MappingValueNotAllowed
                | ErrorKind::InvalidColonPlacement
                | ErrorKind::InvalidMappingValueWhitespace
                | ErrorKind::MappingKeyNotAllowed => t!("yaml.stray_colon"),
                ErrorKind::ExpectedBlockSequenceEntry
                | ErrorKind::ExpectedBlockMappingKey
                | ErrorKind::InvalidIndentation
                | ErrorKind::BlockSequenceEntryNotAllowed
                | ErrorKind::InvalidBlockScalarIndent
                | ErrorKind::InvalidFlowScalarIndent
                | ErrorKind::InvalidQuotedScalarIndent => t!("yaml.bad_indent"),
                ErrorKind::SimpleKeyExpected | ErrorKind::InvalidSimpleKey => t!("yaml.missing_colon"),
                _ => t!("yaml.unreadable_line"),
            }
        }
    };
    (line, message.to_string())
}

/// The bracket that closes `open`.
fn closing(open: char) -> char {
    match open {
        '[' => ']',
        '{' => '}',
        other => other,
    }
}

/// "`subject` is `value`; it must be …" in words the reader knows, from serde's name of the type.
fn wrong_type(subject: &str, value: &str, expected: &str) -> String {
    let word = match expected.trim_start_matches("a ").trim_start_matches("an ") {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize"
        | "integer" => "yaml.expect_whole_number",
        "f32" | "f64" | "float" | "number" => "yaml.expect_number",
        "bool" | "boolean" => "yaml.expect_true_false",
        "string" | "string scalar" | "str" | "char" | "character" | "scalar" => "yaml.expect_text",
        "sequence" | "sequence start" | "seq" | "list" => "yaml.expect_list",
        e if e == "map" || e == "mapping start" || e.starts_with("struct ") || e.starts_with("map") => {
            "yaml.expect_group"
        }
        _ => return t!("yaml.unreadable_value", subject = subject, value = value).to_string(),
    };
    let expected = crate::i18n::text(word, &[]);
    if value.is_empty() {
        t!("yaml.wrong_type_empty", subject = subject, expected = expected).to_string()
    } else {
        t!("yaml.wrong_type", subject = subject, value = value, expected = expected).to_string()
    }
}

/// Words joined as a list: `a, b and c` / `a、b、c`; `last` is the key of the final joiner.
fn join(items: &[&str], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., end] => {
            format!("{}{}{end}", init.join(&t!("yaml.list_comma")), crate::i18n::text(last, &[]))
        }
    }
}

/// The allowed word closest to a misspelt one, if it is close enough to be a slip.
fn nearest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    allowed
        .iter()
        .map(|a| (edit_distance(word, a), *a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The text of line `line` (1-based) from column `column` (1-based, in characters).
fn line_from(text: &str, line: u64, column: u64) -> Option<(String, String)> {
    let whole = text.lines().nth(line.checked_sub(1)? as usize)?;
    let split = whole.char_indices().nth(column.saturating_sub(1) as usize).map(|(i, _)| i).unwrap_or(whole.len());
    Some((whole[..split].to_string(), whole[split..].to_string()))
}

/// The value written at a place, as it appears in the file (`two`, `[户]`, `*n`).
fn value_at(text: &str, at: &Location) -> String {
    let span = at.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        if let Some(raw) = text.get(start as usize..(start + len) as usize) {
            // A list or group is reported by its opening bracket alone: read it whole below.
            if !raw.trim().is_empty() && !matches!(raw.trim(), "[" | "{") {
                return raw.trim().to_string();
            }
        }
    }
    let Some((before, rest)) = line_from(text, at.line(), at.column()) else { return String::new() };
    let rest = rest.split(" #").next().unwrap_or("").trim_end();
    let in_flow = before.matches(['[', '{']).count() > before.matches([']', '}']).count();
    let mut depth = 0usize;
    let mut out = String::new();
    for c in rest.chars() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(c);
                    break;
                }
            }
            ',' | ']' | '}' if depth == 0 && in_flow => break,
            _ => {}
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// The name a value at this place belongs to: the `key:` just before it on its line.
fn key_of(text: &str, at: &Location) -> Option<String> {
    let (before, _) = line_from(text, at.line(), at.column())?;
    let before = before.trim_end().strip_suffix(':')?;
    let start = before.rfind(['{', ',']).map(|i| i + 1).unwrap_or(0);
    let key = before[start..].trim().trim_start_matches("- ").trim().trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| key.to_string())
}

/// The name of the mapping a field at this place sits in: the key before an unclosed `{` on
/// its line, or the nearest line above that is indented less.
fn parent_of(text: &str, at: &Location) -> Option<String> {
    let (before, _) = line_from(text, at.line(), at.column())?;
    if let Some(brace) = before.rfind('{').filter(|&i| !before[i..].contains('}')) {
        let key_part = before[..brace].trim_end().strip_suffix(':')?;
        let start = key_part.rfind(['{', ',']).map(|i| i + 1).unwrap_or(0);
        let key = key_part[start..].trim().trim_start_matches("- ").trim();
        return (!key.is_empty()).then(|| key.to_string());
    }
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let lines: Vec<&str> = text.lines().collect();
    let own = lines.get(at.line().checked_sub(1)? as usize)?;
    let own_indent = indent(own.trim_start_matches("- ")).max(indent(own));
    lines[..at.line() as usize - 1]
        .iter()
        .rev()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .find(|l| indent(l) < own_indent)
        .and_then(|l| l.trim().trim_start_matches("- ").split(':').next())
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .filter(|k| !k.is_empty())
}

/// A `[` or `{` opened on a line before `line` and not closed by then: (its line, the bracket).
fn unclosed_bracket(text: &str, line: u64) -> Option<(u64, char)> {
    let mut open: Vec<(u64, char)> = Vec::new();
    for (i, l) in text.lines().enumerate().take(line as usize) {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for c in l.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '#' && previous.is_whitespace() => break,
                None if matches!(c, '"' | '\'') && matches!(previous, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
                None if matches!(c, '[' | '{') => open.push((i as u64 + 1, c)),
                None if matches!(c, ']' | '}') => {
                    open.pop();
                }
                None => {}
            }
            previous = c;
        }
    }
    open.first().copied().filter(|(l, _)| *l < line)
}

/// The first line up to `line` whose name is followed by a full-width colon (and no `:`).
fn full_width_colon(text: &str, line: u64) -> Option<u64> {
    text.lines().take(line as usize).enumerate().find_map(|(i, l)| {
        let content = l.split(" #").next().unwrap_or("").trim();
        (content.contains('：') && !content.contains(':') && !content.starts_with('#')).then_some(i as u64 + 1)
    })
}

/// Where a second document starts: the `---` after some content, or content after `...`.
fn second_document(text: &str, fallback: u64) -> (u64, String) {
    let mut content = false;
    let mut ended: Option<u64> = None;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_end();
        let number = i as u64 + 1;
        if t == "---" || t.starts_with("--- ") {
            if content || ended.is_some() {
                return (number, t!("yaml.second_document").to_string());
            }
            continue;
        }
        if t == "..." || t.starts_with("... ") {
            ended = ended.or(Some(number));
            continue;
        }
        let body = t.trim_start();
        if !body.is_empty() && !body.starts_with('#') && !body.starts_with('%') {
            if let Some(end) = ended {
                return (end, t!("yaml.document_end").to_string());
            }
            content = true;
        }
    }
    (fallback, t!("yaml.second_document").to_string())
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
    if let Some(alias) = first_alias(&root, text, file) {
        return Err(alias);
    }
    restore_literals(&mut root, text);
    Ok(root)
}

/// Data files write every value out: an alias (`*name`, repeating the value anchored `&name`)
/// would make a figure's line point at another figure's value. The first alias, as a problem.
fn first_alias(node: &Spanned<Node>, text: &str, file: &str) -> Option<Problem> {
    let alias = |referenced: &Location, defined: &Location| {
        let same = referenced.line() == defined.line() && referenced.column() == defined.column();
        (!same).then(|| {
            Problem::at(
                Source::new(file, referenced.line()),
                t!("yaml.alias", alias = value_at(text, referenced), line = defined.line()),
            )
        })
    };
    alias(&node.referenced, &node.defined).or_else(|| match &node.value {
        Node::Map(entries) => entries
            .iter()
            .find_map(|(key, value)| alias(&key.referenced, &key.defined).or_else(|| first_alias(value, text, file))),
        Node::Seq(items) => items.iter().find_map(|item| first_alias(item, text, file)),
        _ => None,
    })
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

    fn problem(src: &str) -> String {
        parse_tree(src, "d.yaml").unwrap_err().to_string()
    }

    #[test]
    fn the_commonest_slips_are_named_at_their_line() {
        assert!(problem("低保:\n  户数: 1\n\t人数: 2\n").starts_with("d.yaml:3: this line is indented with a tab"));
        assert!(problem("低保:\n  户数: 1\n  \t人数: 2\n").starts_with("d.yaml:3: this line is indented with a tab"));
        assert!(problem("---\na: 1\n---\nb: 2\n").starts_with("d.yaml:3: '---' starts a second document"));
        assert!(problem("a: 1\n...\nb: 2\n").starts_with("d.yaml:2: '...' ends the document"));
        assert!(problem("a: &n 5\nb:\n  c: *n\n").starts_with("d.yaml:3: '*n' repeats the value of line 1"));
        assert!(problem("a: *n\n").starts_with("d.yaml:1: '*n' is an alias with no anchor"));
        assert!(problem("a: [1\nb: 2\n").starts_with("d.yaml:1: '[' is opened here but never closed"));
        assert!(problem("低保:\n  户数：120\n  人数: 2\n")
            .starts_with("d.yaml:2: the name on this line is followed by a full-width colon"));
        let bomb: String = std::iter::once("a: &a [x, x, x, x, x, x, x, x, x]\n".to_string())
            .chain((b'b'..=b'i').map(|c| {
                let (name, prev) = (c as char, (c - 1) as char);
                format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(", "))
            }))
            .collect();
        assert!(problem(&bomb).contains("expands into too many values"), "{}", problem(&bomb));
        // An anchor nobody repeats is harmless.
        assert!(parse_tree("a: &n 5\nb: 6\n", "d.yaml").is_ok());
    }

    #[test]
    fn serde_errors_are_said_in_words_with_a_suggestion() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Settings {
            #[serde(default)]
            decimals: u32,
            #[serde(default)]
            accept: Vec<String>,
            #[serde(default)]
            kind: Option<crate::model::Kind>,
        }
        let err =
            |src: &str| parse::<std::collections::BTreeMap<String, Settings>>(src, "c.yaml").unwrap_err().to_string();
        assert_eq!(
            err("a.b: {decimal: 1}\n"),
            "c.yaml:1: unknown field 'decimal' in a.b: did you mean 'decimals'? The fields allowed there are decimals, accept and kind"
        );
        assert_eq!(
            err("a.b:\n  zzz: 1\n"),
            "c.yaml:2: unknown field 'zzz' in a.b; the fields allowed there are decimals, accept and kind"
        );
        assert_eq!(err("a.b: {decimals: two}\n"), "c.yaml:1: decimals is 'two'; it must be a whole number, such as 2");
        assert_eq!(
            err("a.b: {accept: 户}\n"),
            "c.yaml:1: accept is '户'; it must be a list, such as [元, 万元], or lines starting with '- '"
        );
        let e = err("a.b: {kind: monye}\n");
        assert!(e.starts_with("c.yaml:1: kind cannot be 'monye': did you mean 'money'?"), "{e}");
    }

    #[test]
    fn no_message_speaks_the_parsers_language() {
        let broken = [
            "a: [1, 2}\n",
            "a: 1]\nb: [\n",
            "a: 'x'y\n",
            "a: \"\\q\"\n",
            "a: @x\n",
            "a: 1\n\nb\n",
            "a:\n  - 1\n  b: 2\n",
            "a: b: c\n",
            "a: \"x\nb: 2\n",
            "[1, 2]: 3\n",
            "a: .nan\n",
            "a: 1\n  b: 2\n",
            "%YAML 1.2\n%YAML 1.2\n---\na: 1\n",
            "a: !!binary x\n",
            "? a\n",
            "a: |0\n  x\n",
            "<<: 1\n",
        ];
        for src in broken {
            let Err(problem) = parse_tree(src, "d.yaml") else { continue };
            let text = problem.to_string();
            for jargon in [
                "scalar",
                "indicator",
                "budget",
                "from_str",
                "Policy",
                "expected one of",
                "invalid type",
                "variant",
                "EOF",
                "eof",
                "`",
                "token",
            ] {
                assert!(!text.contains(jargon), "{src:?}: {text}");
            }
        }
    }
}
