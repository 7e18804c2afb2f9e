//! Import stage 1: a past report's file (.md, .docx, .txt) → its paragraphs, in order.
//!
//! Markdown is read with the report's own parser (it is what `build` writes); a .docx gives its
//! paragraphs with a hint from the paragraph style (title, 落款) and its tables; a .txt gives its
//! lines, UTF-8 or GBK.

use crate::error::{Problem, Source};
use crate::render::document::{self, Document};
use quick_xml::events::Event;
use rust_i18n::t;

/// What a paragraph's style says about it (a .docx only; text files say nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// No style worth knowing: the numbering decides.
    None,
    /// The title style (Heading 1, Title).
    Title,
    /// The signature style (落款).
    Signature,
}

/// One paragraph of the input, or a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Para {
    /// A paragraph's text with its style hint and its line (or paragraph number), for messages.
    Text {
        /// The text.
        text: String,
        /// The style hint.
        hint: Hint,
        /// 1-based line of a .txt, paragraph number of a .docx.
        line: usize,
    },
    /// A table's rows, the first being the header.
    Table(Vec<Vec<String>>),
}

/// A report as read: already structured (Markdown) or a list of paragraphs.
#[derive(Debug)]
pub enum Input {
    /// A Markdown report, parsed as `build` parses what it renders.
    Markdown(Document),
    /// Paragraphs of a .docx or .txt, to be structured.
    Paragraphs(Vec<Para>),
}

/// Reads a report file; `shown` names it in messages.
pub fn read(bytes: &[u8], extension: &str, shown: &str) -> Result<Input, Problem> {
    let problem = |message: std::borrow::Cow<str>| Problem::at(Source::file(shown), message);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(problem(t!("import.empty_file")));
    }
    // A file without an extension, or a .docx renamed: a zip is a .docx, anything else text.
    let extension = match extension {
        "" | "txt" | "text" | "md" | "markdown" if bytes.starts_with(b"PK\x03\x04") => "docx",
        "" => "txt",
        other => other,
    };
    match extension {
        "md" | "markdown" => {
            let text = clean(&crate::data::decode_utf8(bytes, shown)?);
            // A Markdown file that is not zongjie's (no `# title`) is read as plain lines.
            match document::parse(&text, shown) {
                Ok(doc) => Ok(Input::Markdown(doc)),
                Err(_) => Ok(Input::Paragraphs(
                    lines(&text)
                        .into_iter()
                        .map(|p| match p {
                            Para::Text { text, hint, line } => {
                                let text = text.trim_start_matches('#').trim_start().replace('\\', "");
                                Para::Text { text, hint, line }
                            }
                            table => table,
                        })
                        .filter(|p| !matches!(p, Para::Text { text, .. } if text.is_empty()))
                        .collect(),
                )),
            }
        }
        "txt" | "text" => Ok(Input::Paragraphs(lines(&clean(&decode_text(bytes, shown)?)))),
        "docx" => docx(bytes, shown).map(Input::Paragraphs),
        other => Err(problem(t!("import.unknown_extension", ext = other))),
    }
}

/// Text as a report holds it: old Mac (CR) and Unicode line breaks as line breaks, and the
/// characters no report shows (control characters, zero-width spaces, a stray BOM) left out, so
/// none of them reaches the template, the catalog's comments or the data.
fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| match c {
            '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => Some('\n'),
            '\n' | '\t' => Some(c),
            c if crate::archive::is_invisible(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Text as UTF-8 (a BOM is dropped), UTF-16 with a BOM or, from an older Windows editor, GBK;
/// anything else is refused rather than read as mojibake.
fn decode_text(bytes: &[u8], shown: &str) -> Result<String, Problem> {
    if let Ok(text) = crate::data::decode_utf8(bytes, shown) {
        return Ok(text);
    }
    // Notepad's "Unicode": UTF-16 with its byte order mark.
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        if !had_errors {
            return Ok(text.into_owned());
        }
    }
    crate::data::decode_gbk(bytes).ok_or_else(|| {
        // Big5 and Shift_JIS are valid GB18030 byte for byte: say what the text looks like.
        let encoding = crate::data::legacy_encoding(bytes);
        let (_, not_gb18030) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if not_gb18030 || encoding == encoding_rs::GBK {
            Problem::at(Source::file(shown), t!("import.txt_encoding"))
        } else {
            Problem::at(Source::file(shown), t!("import.txt_other_encoding", encoding = encoding.name()))
        }
    })
}

/// The non-empty lines of a text, each trimmed (ideographic indents too), with line numbers.
fn lines(text: &str) -> Vec<Para> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Para::Text { text: l.trim().to_string(), hint: Hint::None, line: i + 1 })
        .collect()
}

/// The paragraphs and tables of a .docx's main document part.
fn docx(bytes: &[u8], shown: &str) -> Result<Vec<Para>, Problem> {
    let problem = |message: std::borrow::Cow<str>| Problem::at(Source::file(shown), message);
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| problem(t!("import.docx_not_zip")))?;
    let mut xml = String::new();
    {
        use std::io::Read;
        let mut part = archive.by_name("word/document.xml").map_err(|_| problem(t!("import.docx_no_document")))?;
        // A document part is some megabytes at most; a bomb would not stop.
        part.by_ref().take(64 << 20).read_to_string(&mut xml).map_err(|_| problem(t!("import.docx_unreadable")))?;
    }
    docx_paragraphs(&xml).ok_or_else(|| problem(t!("import.docx_unreadable")))
}

/// Walks WordprocessingML: `w:p` paragraphs (style from `w:pStyle`, text from `w:t`), `w:tbl`
/// tables of `w:tr` rows and `w:tc` cells. None when the XML is broken.
fn docx_paragraphs(xml: &str) -> Option<Vec<Para>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let (mut text, mut style, mut in_text) = (String::new(), String::new(), false);
    let mut table_depth = 0usize;
    let (mut rows, mut row, mut cell): (Vec<Vec<String>>, Vec<String>, String) = Default::default();
    let mut number = 0usize;
    let mut framed: Vec<Para> = Vec::new();
    // A part cut short (a damaged file) would otherwise read as half a report.
    let mut body_closed = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "pStyle" => {
                if let Some(v) = e.attributes().flatten().find(|a| a.key.local_name().as_ref() == "val") {
                    style = v.value.to_string();
                }
            }
            Event::Start(e) => match e.local_name().as_ref() {
                "p" => {
                    text.clear();
                    style.clear();
                }
                "t" => in_text = true,
                "tbl" => table_depth += 1,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "tab" && in_paragraph(&text) => text.push('\t'),
            Event::Text(e) if in_text => text.push_str(&clean(&e.xml10_content())),
            Event::GeneralRef(e) if in_text => {
                if let Ok(Some(c)) = e.resolve_char_ref() {
                    text.push(c);
                } else {
                    text.push_str(match e.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" if table_depth > 0 => {
                    number += 1;
                    cell.push_str(text.trim());
                    // A one-column table may be the page's frame: its paragraphs are kept too.
                    if !text.trim().is_empty() {
                        framed.push(Para::Text { text: text.trim().to_string(), hint: hint(&style), line: number });
                    }
                }
                "p" => {
                    number += 1;
                    let trimmed = text.trim();
                    if !trimmed.is_empty() {
                        out.push(Para::Text { text: trimmed.to_string(), hint: hint(&style), line: number });
                    }
                }
                "body" => body_closed = true,
                "tc" => row.push(std::mem::take(&mut cell)),
                "tr" => rows.push(std::mem::take(&mut row)),
                "tbl" => {
                    table_depth = table_depth.saturating_sub(1);
                    if table_depth == 0 && rows.iter().all(|r| r.len() <= 1) {
                        // A frame around text, not a table of figures.
                        out.append(&mut framed);
                        rows.clear();
                    } else if table_depth == 0 && !rows.is_empty() {
                        out.push(Para::Table(std::mem::take(&mut rows)));
                        framed.clear();
                    }
                }
                _ => {}
            },
            Event::Eof if body_closed => break,
            Event::Eof => return None,
            _ => {}
        }
    }
    Some(out)
}

/// A tab is kept only inside text (a leading tab is indentation).
fn in_paragraph(text: &str) -> bool {
    !text.trim().is_empty()
}

/// What a style id says: `Heading1`/`Title`/`1` (Word's Chinese heading 1) is the title,
/// `Signature`/`落款` the signature.
fn hint(style: &str) -> Hint {
    let lower = style.to_ascii_lowercase();
    if lower == "heading1" || lower == "title" || style == "1" || style == "标题1" {
        Hint::Title
    } else if lower == "signature" || lower == "closing" || style.contains("落款") {
        Hint::Signature
    } else {
        Hint::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_column_table_is_a_frame_around_paragraphs() {
        let xml = r#"<w:document xmlns:w="x"><w:body><w:tbl><w:tr><w:tc>
<w:p><w:r><w:t>某局工作总结</w:t></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p>
</w:tc></w:tr></w:tbl></w:body></w:document>"#;
        assert_eq!(
            docx_paragraphs(xml).unwrap(),
            vec![
                Para::Text { text: "某局工作总结".into(), hint: Hint::None, line: 1 },
                Para::Text { text: "正文。".into(), hint: Hint::None, line: 2 },
            ]
        );
    }

    #[test]
    fn markdown_that_is_not_a_report_is_read_as_lines_and_no_extension_is_sniffed() {
        let Input::Paragraphs(paras) = read("## 标题\n\n- 列表\\*\n".as_bytes(), "md", "a.md").unwrap() else {
            panic!("paragraphs expected")
        };
        assert_eq!(
            paras,
            vec![
                Para::Text { text: "标题".into(), hint: Hint::None, line: 1 },
                Para::Text { text: "- 列表*".into(), hint: Hint::None, line: 3 },
            ]
        );
        assert!(matches!(read("标题\n正文。\n".as_bytes(), "", "a").unwrap(), Input::Paragraphs(_)));
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("标题\r\n正文。".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let Input::Paragraphs(paras) = read(&utf16, "txt", "a.txt").unwrap() else { panic!("paragraphs expected") };
        assert_eq!(paras[1], Para::Text { text: "正文。".into(), hint: Hint::None, line: 2 });
        assert_eq!(read(b"PK\x03\x04", "", "a").unwrap_err().message, t!("import.docx_not_zip"));
    }

    #[test]
    fn docx_paragraphs_styles_entities_and_tables() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>某县</w:t></w:r><w:r><w:br/></w:r><w:r><w:t>工作总结</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">A&amp;B 共</w:t></w:r><w:r><w:t>12户。</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>乡镇</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>户数</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:pPr><w:pStyle w:val="Signature"/></w:pPr><w:r><w:t>某县民政局</w:t></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            docx_paragraphs(xml).unwrap(),
            vec![
                Para::Text { text: "某县工作总结".into(), hint: Hint::Title, line: 1 },
                Para::Text { text: "A&B 共12户。".into(), hint: Hint::None, line: 2 },
                Para::Table(vec![vec!["乡镇".into(), "户数".into()], vec!["合计".into(), "12".into()]]),
                Para::Text { text: "某县民政局".into(), hint: Hint::Signature, line: 7 },
            ]
        );
    }
}
