//! Stage 4: the report as a document: title, headings by level, paragraphs (with run-in
//! headings), tables and the signature block, parsed from the rendered Markdown.
//!
//! The Markdown is the single source of the report's content; every renderer (Markdown, PDF,
//! DOCX) turns this one model into bytes, so the outputs cannot drift apart. Heading levels:
//! `#` title, `##` 一、, `###` （一）, `####` 1., `#####` （1）. A heading of level （一） or deeper
//! that ends in 。 and is followed by a paragraph runs into it, as 公文 write it:
//! "（一）做好城乡最低生活保障工作。一是……".

use crate::error::{Problem, Source};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rust_i18n::t;

/// Level of a heading inside the report body (the title is separate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Level {
    /// 一、 in 黑体.
    Part,
    /// （一） in 楷体.
    Section,
    /// 1. in 仿宋.
    Item,
    /// （1） in 仿宋.
    SubItem,
}

impl Level {
    /// The Markdown heading marker for this level.
    pub fn markdown(self) -> &'static str {
        match self {
            Level::Part => "##",
            Level::Section => "###",
            Level::Item => "####",
            Level::SubItem => "#####",
        }
    }
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text, left.
    Left,
    /// Headers, centred.
    Center,
    /// Figures, right.
    Right,
}

/// One block of the report body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading on a line of its own.
    Heading {
        /// Its level.
        level: Level,
        /// Its text, with its number (一、继续夯实社会救助工作).
        text: String,
    },
    /// A paragraph, optionally led by a run-in heading.
    Paragraph {
        /// The run-in heading and its level, set in the heading's font.
        lead: Option<(Level, String)>,
        /// The body text.
        text: String,
    },
    /// A table with a header row.
    Table {
        /// Column headers.
        header: Vec<String>,
        /// Body rows.
        rows: Vec<Vec<String>>,
        /// Alignment of each column.
        align: Vec<Align>,
    },
    /// The issuing unit and date, right-aligned at the end.
    Signature {
        /// The lines: unit, then date.
        lines: Vec<String>,
    },
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The title (from the `#` heading).
    pub title: String,
    /// The body.
    pub blocks: Vec<Block>,
    /// The report date (成文日期), set from data by the pipeline; PDF and DOCX metadata use it
    /// instead of the clock.
    pub date: Option<chrono::NaiveDate>,
    /// Blocks after the signature for the statistician (`build --with-figures`: the figures and
    /// their sources); only the Markdown output carries them.
    pub appendix: Vec<Block>,
}

impl Document {
    /// The issuing unit (first signature line), used as the author in PDF and DOCX metadata.
    pub fn author(&self) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b {
            Block::Signature { lines } => lines.first().map(String::as_str),
            _ => None,
        })
    }

    /// The document's text in reading order, one block a line, without markup: what a reader sees.
    pub fn plain_text(&self) -> String {
        let mut out = vec![self.title.clone()];
        for block in &self.blocks {
            match block {
                Block::Heading { text, .. } => out.push(text.clone()),
                Block::Paragraph { lead, text } => {
                    out.push(format!("{}{text}", lead.as_ref().map(|(_, l)| l.as_str()).unwrap_or("")))
                }
                Block::Table { header, rows, .. } => {
                    out.push(header.join(" "));
                    out.extend(rows.iter().map(|r| r.join(" ")));
                }
                Block::Signature { lines } => out.extend(lines.iter().cloned()),
            }
        }
        out.join("\n")
    }
}

/// The fence that opens the signature block; pandoc maps it to the 落款 paragraph style.
pub const SIGNATURE_FENCE: &str = "::: {custom-style=\"落款\"}";

/// A table being read: column alignments, the rows so far, the row being read.
type TableInProgress = (Vec<Align>, Vec<Vec<String>>, Vec<String>);

/// Parses rendered Markdown into a document; `name` is the template, for messages.
pub fn parse(markdown: &str, name: &str) -> Result<Document, Problem> {
    let (body, signature) = split_signature(markdown, name)?;
    let mut blocks: Vec<Block> = Vec::new();
    let mut title: Option<String> = None;
    let mut text = String::new();
    let mut table: Option<TableInProgress> = None;
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        let line = || 1 + body[..range.start].matches('\n').count() as u64;
        match event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::TableCell) => text.clear(),
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => {}
            Event::End(TagEnd::Heading(level)) => {
                let level = match level {
                    HeadingLevel::H1 => {
                        if title.is_some() || !blocks.is_empty() {
                            return Err(Problem::at(Source::new(name, line()), t!("document.second_title")));
                        }
                        title = Some(text.trim().to_string());
                        continue;
                    }
                    HeadingLevel::H2 => Level::Part,
                    HeadingLevel::H3 => Level::Section,
                    HeadingLevel::H4 => Level::Item,
                    _ => Level::SubItem,
                };
                blocks.push(Block::Heading { level, text: text.trim().to_string() });
            }
            Event::End(TagEnd::Paragraph) => {
                let body_text = text.trim().to_string();
                // A （一）, 1. or （1） heading ending in 。 runs into the paragraph after it.
                let lead = match blocks.last() {
                    Some(Block::Heading { level, text }) if *level != Level::Part && text.ends_with('。') => {
                        Some((*level, text.clone()))
                    }
                    _ => None,
                };
                if lead.is_some() {
                    blocks.pop();
                }
                blocks.push(Block::Paragraph { lead, text: body_text });
            }
            Event::Start(Tag::Table(aligns)) => {
                let align = aligns
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::Right => Align::Right,
                        pulldown_cmark::Alignment::Center => Align::Center,
                        _ => Align::Left,
                    })
                    .collect();
                table = Some((align, Vec::new(), Vec::new()));
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((_, _, row)) = table.as_mut() {
                    row.push(text.trim().to_string());
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some((_, rows, row)) = table.as_mut() {
                    rows.push(std::mem::take(row));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((align, mut rows, _)) = table.take() {
                    let header = if rows.is_empty() { Vec::new() } else { rows.remove(0) };
                    blocks.push(Block::Table { header, rows, align });
                }
            }
            // A report has headings, paragraphs, tables and a signature; say which other block
            // the Markdown made, since an indented line (code) or `1. ` (a list) is seldom meant.
            Event::Start(Tag::List(_)) => return Err(Problem::at(Source::new(name, line()), t!("document.list"))),
            Event::Start(Tag::BlockQuote(_)) => {
                return Err(Problem::at(Source::new(name, line()), t!("document.quote")))
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                return Err(Problem::at(Source::new(name, line()), t!("document.code_indented")))
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                return Err(Problem::at(Source::new(name, line()), t!("document.code_fenced")))
            }
            Event::Start(Tag::HtmlBlock) => return Err(Problem::at(Source::new(name, line()), t!("document.html"))),
            _ => {}
        }
    }
    let title = title.ok_or_else(|| Problem::at(Source::file(name), t!("document.no_title")))?;
    if let Some(lines) = signature {
        blocks.push(Block::Signature { lines });
    }
    Ok(Document { title, blocks, date: None, appendix: Vec::new() })
}

/// Cuts the trailing `::: {custom-style="落款"}` … `:::` block off the Markdown.
fn split_signature<'a>(markdown: &'a str, name: &str) -> Result<(&'a str, Option<Vec<String>>), Problem> {
    let Some(start) = markdown.find(SIGNATURE_FENCE) else {
        return Ok((markdown, None));
    };
    let line = 1 + markdown[..start].matches('\n').count() as u64;
    let after = &markdown[start + SIGNATURE_FENCE.len()..];
    let end =
        after.find("\n:::").ok_or_else(|| Problem::at(Source::new(name, line), t!("document.signature_not_closed")))?;
    if !after[end + 4..].trim().is_empty() {
        return Err(Problem::at(Source::new(name, line), t!("document.signature_not_last")));
    }
    let lines = after[..end].lines().map(|l| l.trim().replace('\\', "")).filter(|l| !l.is_empty()).collect();
    Ok((&markdown[..start], Some(lines)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_in_headings_join_their_paragraph() {
        let md = "# 标题\n\n开头。\n\n## 一、第一部分\n\n### （一）做好低保工作。\n\n一是完善。\n\n### （二）新建养老综合体\n\n包括中心。\n\n#### 1.整体构想。\n\n拟新建。\n\n::: {custom-style=\"落款\"}\n某县民政局\n\n2024年7月5日\n:::\n";
        let doc = parse(md, "t").unwrap();
        assert_eq!(doc.title, "标题");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph { lead: None, text: "开头。".into() },
                Block::Heading { level: Level::Part, text: "一、第一部分".into() },
                Block::Paragraph {
                    lead: Some((Level::Section, "（一）做好低保工作。".into())),
                    text: "一是完善。".into()
                },
                Block::Heading { level: Level::Section, text: "（二）新建养老综合体".into() },
                Block::Paragraph { lead: None, text: "包括中心。".into() },
                Block::Paragraph { lead: Some((Level::Item, "1.整体构想。".into())), text: "拟新建。".into() },
                Block::Signature { lines: vec!["某县民政局".into(), "2024年7月5日".into()] },
            ]
        );
        assert_eq!(doc.author(), Some("某县民政局"));
    }

    #[test]
    fn tables_keep_alignment() {
        let doc = parse("# T\n\n| 乡镇 | 户数 |\n|:--|--:|\n| 甲镇 | 12 |\n| 合计 | 12 |\n", "t").unwrap();
        assert_eq!(
            doc.blocks,
            vec![Block::Table {
                header: vec!["乡镇".into(), "户数".into()],
                rows: vec![vec!["甲镇".into(), "12".into()], vec!["合计".into(), "12".into()]],
                align: vec![Align::Left, Align::Right],
            }]
        );
    }

    #[test]
    fn lists_are_refused_with_a_line() {
        let err = parse("# T\n\n段落。\n\n- 一项\n", "t.md.j2").unwrap_err();
        assert_eq!(err.source, Some(Source::new("t.md.j2", 5)));
    }

    #[test]
    fn each_block_a_report_cannot_hold_is_named() {
        let message = |md: &str| parse(md, "t").unwrap_err().message;
        assert!(message("# T\n\n1. 一项\n").starts_with("a list"));
        assert!(message("# T\n\n> 引文\n").starts_with("a quotation block"));
        assert!(message("# T\n\n    缩进的段落。\n").starts_with("a line indented by four spaces"));
        assert!(message("# T\n\n```\n代码\n```\n").starts_with("a block fenced"));
        assert!(message("# T\n\n<div>\n段落\n</div>\n").starts_with("HTML"));
        assert_eq!(message("段落。\n"), "the report has no title: start it with '# 标题'");
        assert_eq!(message("# T\n\n# U\n"), "only the first heading may be the title (#)");
    }
}
