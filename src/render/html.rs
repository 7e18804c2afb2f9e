//! The HTML preview of `zongjie serve`: the one document model as an HTML fragment in the 公文
//! look (the page's stylesheet sets the fonts and the 156 mm type area). Each figure's value,
//! marked by the marked rendering (`template::marks`), becomes a focusable
//! `<span class="fig" data-mark="N" data-figure="name">`; the first of each figure also carries
//! an `id` (`fig-name`) for the problems list to link to. No other renderer sees the marks.

use crate::render::document::{Align, Block, Document, Level};
use crate::template::marks::{self, CLOSE, OPEN, SEP};
use std::collections::HashSet;
use std::fmt::Write;

/// The document as an `<article>`; `names[i]` is the figure of mark `i` (the first, when a
/// value was made from several). Text outside marks is escaped; a malformed mark (data cannot
/// make one: the marked rendering removes mark characters from values) is written as text.
pub fn to_html(doc: &Document, names: &[String]) -> String {
    let mut w = Writer { names, seen: HashSet::new(), out: String::new() };
    w.out.push_str("<article class=\"gongwen\" lang=\"zh-CN\">\n");
    w.element("h1", "title", &doc.title);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let (tag, class) = heading(*level);
                w.element(tag, class, text);
            }
            Block::Paragraph { lead, text } => {
                w.out.push_str("<p class=\"body\">");
                if let Some((level, lead)) = lead {
                    let _ = write!(w.out, "<span class=\"lead {}\">", heading(*level).1);
                    w.inline(lead);
                    w.out.push_str("</span>");
                }
                w.inline(text);
                w.out.push_str("</p>\n");
            }
            Block::Table { header, rows, align } => {
                w.out.push_str("<table class=\"sheet\">\n<thead><tr>");
                for cell in header {
                    w.out.push_str("<th>");
                    w.inline(cell);
                    w.out.push_str("</th>");
                }
                w.out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    w.out.push_str("<tr>");
                    for (i, cell) in row.iter().enumerate() {
                        let class = match align.get(i) {
                            Some(Align::Right) => " class=\"num\"",
                            Some(Align::Center) => " class=\"mid\"",
                            _ => "",
                        };
                        let _ = write!(w.out, "<td{class}>");
                        w.inline(cell);
                        w.out.push_str("</td>");
                    }
                    w.out.push_str("</tr>\n");
                }
                w.out.push_str("</tbody>\n</table>\n");
            }
            Block::Signature { lines } => {
                w.out.push_str("<div class=\"signature\">\n");
                for line in lines {
                    w.element("p", "sign", line);
                }
                w.out.push_str("</div>\n");
            }
        }
    }
    w.out.push_str("</article>\n");
    w.out
}

/// The tag and class of a heading level: 一、 h2 黑体, （一） h3 楷体, 1. h4, （1） h5 仿宋.
fn heading(level: Level) -> (&'static str, &'static str) {
    match level {
        Level::Part => ("h2", "part"),
        Level::Section => ("h3", "section"),
        Level::Item => ("h4", "item"),
        Level::SubItem => ("h5", "subitem"),
    }
}

struct Writer<'a> {
    names: &'a [String],
    /// Figures that already have their `id`.
    seen: HashSet<&'a str>,
    out: String,
}

impl<'a> Writer<'a> {
    fn element(&mut self, tag: &str, class: &str, text: &str) {
        let _ = write!(self.out, "<{tag} class=\"{class}\">");
        self.inline(text);
        let _ = writeln!(self.out, "</{tag}>");
    }

    /// Text with its marks turned into figure spans.
    fn inline(&mut self, text: &str) {
        let mut rest = text;
        while let Some(start) = rest.find(OPEN) {
            escape_into(&mut self.out, &rest[..start]);
            let after = &rest[start + OPEN.len_utf8()..];
            match parse_mark(after).and_then(|(i, value, end)| Some((self.names.get(i)?, i, value, end))) {
                Some((name, i, value, end)) => {
                    let _ = write!(self.out, "<span class=\"fig\" tabindex=\"0\" data-mark=\"{i}\" data-figure=\"");
                    escape_into(&mut self.out, name);
                    self.out.push('"');
                    if self.seen.insert(name.as_str()) {
                        self.out.push_str(" id=\"fig-");
                        escape_into(&mut self.out, name);
                        self.out.push('"');
                    }
                    self.out.push('>');
                    escape_into(&mut self.out, value);
                    self.out.push_str("</span>");
                    rest = &after[end..];
                }
                None => rest = after,
            }
        }
        escape_into(&mut self.out, rest);
    }
}

/// `index SEP value CLOSE` after an OPEN: the index, the value and where the mark ends.
fn parse_mark(text: &str) -> Option<(usize, &str, usize)> {
    let sep = text.find(SEP)?;
    let index = text[..sep].parse::<usize>().ok()?;
    let body = &text[sep + SEP.len_utf8()..];
    let close = body.find(CLOSE)?;
    let value = &body[..close];
    if value.contains(OPEN) || value.contains(SEP) {
        return None;
    }
    Some((index, value, sep + SEP.len_utf8() + close + CLOSE.len_utf8()))
}

/// HTML-escapes `text` into `out`, leaving out stray mark characters.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\'' => out.push_str("&#39;"),
            c if marks::is_mark(c) => {}
            c => super::escape_markup_char(out, c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::parse;

    fn mark(i: usize, text: &str) -> String {
        format!("{OPEN}{i}{SEP}{text}{CLOSE}")
    }

    #[test]
    fn marks_become_figure_spans_and_the_first_of_each_gets_an_id() {
        let md = format!(
            "# {}县民政局工作总结\n\n全县低保{}户、{}人，其中{}户\\<b\\>。\n",
            mark(0, "梧桐"),
            mark(1, "11900"),
            mark(2, "20750"),
            mark(3, "11900")
        );
        let doc = parse(&md, "t").unwrap();
        let names: Vec<String> = ["单位.县名", "低保.户数", "低保.人数", "低保.户数"].map(String::from).to_vec();
        let html = to_html(&doc, &names);
        assert!(html.contains("<h1 class=\"title\"><span class=\"fig\" tabindex=\"0\" data-mark=\"0\" data-figure=\"单位.县名\" id=\"fig-单位.县名\">梧桐</span>县民政局工作总结</h1>"), "{html}");
        assert!(html.contains("<span class=\"fig\" tabindex=\"0\" data-mark=\"1\" data-figure=\"低保.户数\" id=\"fig-低保.户数\">11900</span>"), "{html}");
        // The second 低保.户数 has no id of its own; the text's own markup is escaped.
        assert!(html.contains("其中<span class=\"fig\" tabindex=\"0\" data-mark=\"3\" data-figure=\"低保.户数\">11900</span>户&lt;b&gt;。</p>"), "{html}");
    }

    #[test]
    fn a_malformed_mark_is_text() {
        let doc = parse(&format!("# T\n\n甲{OPEN}x{SEP}1{CLOSE}乙{OPEN}9{SEP}2{CLOSE}丙{OPEN}0{SEP}3\n"), "t").unwrap();
        let html = to_html(&doc, &["a".to_string()]);
        // Its characters stay, without the mark characters.
        assert!(html.contains("<p class=\"body\">甲x1乙92丙03</p>"), "{html}");
    }

    #[test]
    fn run_in_headings_tables_and_signature() {
        let md = "# 标题\n\n### （一）做好低保工作。\n\n一是完善。\n\n| 乡镇 | 户数 |\n| :--- | ---: |\n| 甲镇 | 12 |\n\n::: {custom-style=\"落款\"}\n某县民政局\n\n2024年7月5日\n:::\n";
        let html = to_html(&parse(md, "t").unwrap(), &[]);
        assert!(
            html.contains("<p class=\"body\"><span class=\"lead section\">（一）做好低保工作。</span>一是完善。</p>")
        );
        assert!(html.contains("<tr><td>甲镇</td><td class=\"num\">12</td></tr>"));
        assert!(html.contains(
            "<div class=\"signature\">\n<p class=\"sign\">某县民政局</p>\n<p class=\"sign\">2024年7月5日</p>\n</div>"
        ));
    }
}
