//! The Markdown renderer: canonical, pandoc-ready Markdown of the document.

use super::Renderer;
use crate::error::Result;
use crate::render::document::{Align, Block, Document, SIGNATURE_FENCE};
use crate::template::{escape_markdown, escape_markdown_paragraph};

/// Writes `#` title, `##`…`#####` headings, paragraphs, pipe tables and the 落款 div.
pub struct MarkdownRenderer;

impl Renderer for MarkdownRenderer {
    fn extension(&self) -> &'static str {
        "md"
    }
    fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        Ok(to_markdown(doc).into_bytes())
    }
}

/// The document as Markdown text; parsing it again gives the same document.
pub fn to_markdown(doc: &Document) -> String {
    let mut out = format!("# {}\n", escape_markdown(&doc.title));
    for block in doc.blocks.iter().chain(&doc.appendix) {
        out.push('\n');
        match block {
            Block::Heading { level, text } => {
                out.push_str(&format!("{} {}\n", level.markdown(), escape_markdown(text)))
            }
            Block::Paragraph { lead, text } => {
                if let Some((level, lead)) = lead {
                    out.push_str(&format!("{} {}\n\n", level.markdown(), escape_markdown(lead)));
                }
                out.push_str(&escape_markdown_paragraph(text));
                out.push('\n');
            }
            Block::Table { header, rows, align } => {
                let row = |cells: &[String]| {
                    format!("| {} |\n", cells.iter().map(|c| escape_markdown(c)).collect::<Vec<_>>().join(" | "))
                };
                out.push_str(&row(header));
                let rule: Vec<&str> = align
                    .iter()
                    .map(|a| match a {
                        Align::Left => ":---",
                        Align::Center => ":---:",
                        Align::Right => "---:",
                    })
                    .collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for r in rows {
                    out.push_str(&row(r));
                }
            }
            Block::Signature { lines } => {
                out.push_str(SIGNATURE_FENCE);
                out.push('\n');
                out.push_str(&lines.iter().map(|l| escape_markdown_paragraph(l)).collect::<Vec<_>>().join("\n\n"));
                out.push_str("\n:::\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::parse;

    #[test]
    fn markdown_round_trips_through_the_parser() {
        let md = "# 标题\n\n开头。\n\n## 一、部分\n\n### （一）工作。\n\n一是完善。\n\n| 乡镇 | 户数 |\n| :--- | ---: |\n| 甲镇 | 12 |\n\n::: {custom-style=\"落款\"}\n某县民政局\n\n2024年7月5日\n:::\n";
        let doc = parse(md, "t").unwrap();
        assert_eq!(to_markdown(&doc), md);
        assert_eq!(parse(&to_markdown(&doc), "t").unwrap(), doc);
    }

    #[test]
    fn a_paragraph_that_starts_like_a_list_or_holds_an_entity_stays_one_paragraph() {
        for text in
            ["1. 第一项工作。", "2024) 年度", "- 一项", "+ 一项", "--- 分隔", "~~~ 围栏", "= 等于", "A&amp;B 与 C&D"]
        {
            let doc = Document {
                title: "标题".into(),
                blocks: vec![Block::Paragraph { lead: None, text: text.into() }],
                date: None,
                appendix: Vec::new(),
            };
            let md = to_markdown(&doc);
            assert_eq!(parse(&md, "t").unwrap(), doc, "{md}");
        }
    }
}
