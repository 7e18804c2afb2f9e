//! Import stage 2: paragraphs → the report's structure (title, headings 一、 （一） 1. （1）,
//! run-in headings, paragraphs, tables, 落款), and the period the report is about.
//!
//! The document model is the one `build` renders ([`crate::render::document`]), so what is recognised
//! here is exactly what the generated template will produce. Text pasted from a web page, with
//! every paragraph break lost, is cut again where a heading number begins: at the start, after a
//! sentence ends, or where the heading before it ends.

use super::read::{Hint, Para};
use crate::render::document::{Align, Block, Document, Level};
use crate::values::period::{Period, Span};
use chrono::{Datelike, NaiveDate};

/// Chinese numerals as headings count: 一 … 九十九.
const HAN_DIGITS: &str = "〇一二三四五六七八九十";

/// A heading number at the start of `text`: its level, its ordinal and its length in bytes.
pub fn heading_marker(text: &str) -> Option<(Level, u32, usize)> {
    let han_len = |s: &str| s.chars().take_while(|c| HAN_DIGITS.contains(*c)).map(char::len_utf8).sum::<usize>();
    let digit_len = |s: &str| s.chars().take_while(|c| c.is_ascii_digit()).count();
    // 一、
    let n = han_len(text);
    if n > 0 && n <= 9 && text[n..].starts_with('、') {
        return Some((Level::Part, han_value(&text[..n])?, n + '、'.len_utf8()));
    }
    // （一） (一) （1） (1)
    for open in ['（', '('] {
        if let Some(rest) = text.strip_prefix(open) {
            let o = open.len_utf8();
            let n = han_len(rest);
            for close in ['）', ')'] {
                if n > 0 && n <= 9 && rest[n..].starts_with(close) {
                    return Some((Level::Section, han_value(&rest[..n])?, o + n + close.len_utf8()));
                }
                let d = digit_len(rest);
                if d > 0 && d <= 2 && rest[d..].starts_with(close) {
                    return Some((Level::SubItem, rest[..d].parse().ok()?, o + d + close.len_utf8()));
                }
            }
        }
    }
    // 1. 1． 1、 (not 2.5, not 2024年)
    let d = digit_len(text);
    if d > 0 && d <= 2 {
        let rest = &text[d..];
        for dot in ['.', '．', '、'] {
            if let Some(after) = rest.strip_prefix(dot) {
                if !after.starts_with(|c: char| c.is_ascii_digit()) && !after.is_empty() {
                    return Some((Level::Item, text[..d].parse().ok()?, d + dot.len_utf8()));
                }
            }
        }
    }
    None
}

/// The value of a Chinese numeral up to 99: 三 → 3, 十二 → 12, 二十 → 20.
fn han_value(text: &str) -> Option<u32> {
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// The report's structure with, for each block, the input line it came from (0 for the title).
#[derive(Debug)]
pub struct Structured {
    /// The document, as `build` would parse the generated template's output.
    pub doc: Document,
    /// The input line (or paragraph) of each block of `doc.blocks`.
    pub lines: Vec<usize>,
}

/// Builds the structure of a report from its paragraphs.
pub fn structure(paras: Vec<Para>) -> Structured {
    let texts = paras.iter().filter(|p| matches!(p, Para::Text { .. })).count();
    // A web page's text with its breaks lost: one or two very long lines.
    let long = |p: &Para| matches!(p, Para::Text { text, .. } if text.chars().count() > 400);
    let paras = if (texts <= 3 && paras.iter().any(long)) || paras.iter().any(runs_together) {
        split_run_together(paras)
    } else {
        title_first(join_wrapped(paras))
    };
    let mut title = None;
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines = Vec::new();
    let signature_at = signature_start(&paras);
    let mut signature = Vec::new();
    let mut signature_line = 0;
    for (i, para) in paras.into_iter().enumerate() {
        match para {
            Para::Table(rows) => {
                let mut rows = rows;
                let header = if rows.is_empty() { Vec::new() } else { rows.remove(0) };
                let align = (0..header.len()).map(|c| if c == 0 { Align::Left } else { Align::Right }).collect();
                blocks.push(Block::Table { header, rows, align });
                lines.push(0);
            }
            Para::Text { text, line, .. } => {
                if signature_at.is_some_and(|s| i >= s) {
                    signature.extend(signature_lines(&text));
                    signature_line = line;
                    continue;
                }
                // The title was put first (title_first, split_run_together).
                if i == 0 && title.is_none() && blocks.is_empty() {
                    title = Some(text);
                    continue;
                }
                push_text(&mut blocks, &mut lines, text, line);
            }
        }
    }
    if !signature.is_empty() {
        blocks.push(Block::Signature { lines: signature });
        lines.push(signature_line);
    }
    Structured { doc: Document { title: title.unwrap_or_default(), blocks, date: None, appendix: Vec::new() }, lines }
}

/// Text copied from a PDF breaks every line at the same width: lines of that width that do not
/// end a sentence are joined to the next one.
fn join_wrapped(paras: Vec<Para>) -> Vec<Para> {
    let width = |p: &Para| match p {
        Para::Text { text, .. } => text.chars().count(),
        Para::Table(_) => 0,
    };
    let mut counts = std::collections::BTreeMap::new();
    for p in &paras {
        *counts.entry(width(p)).or_insert(0usize) += 1;
    }
    let Some((&full, &n)) = counts.iter().filter(|(w, _)| **w >= 20).max_by_key(|(w, n)| (**n, **w)) else {
        return paras;
    };
    // Wrapped text has many lines of exactly the full width; written paragraphs seldom do.
    if n < 4 || n * 3 < paras.len() {
        return paras;
    }
    let mut out: Vec<Para> = Vec::new();
    let mut open = false;
    for p in paras {
        let w = width(&p);
        match (out.last_mut(), p) {
            (Some(Para::Text { text, .. }), Para::Text { text: next, .. })
                if open && heading_marker(&next).is_none() =>
            {
                text.push_str(&next);
            }
            (_, p) => out.push(p),
        }
        let ends =
            matches!(out.last(), Some(Para::Text { text, .. }) if text.ends_with(['。', '！', '？', '；', '：']));
        open = w.abs_diff(full) <= 1 && !ends;
    }
    out
}

/// Long enough for a title: up to 60 characters, or a long 关于…的报告 of up to 160 that holds no
/// sentence's end (a paragraph of the body does).
fn title_length(text: &str) -> bool {
    let chars = text.chars().count();
    chars <= 60 || (chars <= 160 && !text.contains(['。', '；', '！', '？', ';', '!', '?']))
}

/// The title is the first of the first three paragraphs that reads like one (…工作总结); a line
/// above it (附件1, a document number) comes after it.
fn title_first(mut paras: Vec<Para>) -> Vec<Para> {
    let at = if title_hinted(&paras) {
        paras.iter().take(3).position(|p| matches!(p, Para::Text { hint: Hint::Title, .. }))
    } else {
        paras.iter().take(3).position(|p| {
            matches!(p, Para::Text { text, .. } if title_length(text) && TITLE_ENDS.iter().any(|w| text.contains(w)))
        })
    };
    let mut at = at;
    // A title set on two lines, the unit's name above (某县教育局 / 2024年上半年工作总结).
    if let Some(i) = at.filter(|i| *i > 0) {
        let unit_line = match &paras[i - 1] {
            Para::Text { text, .. } => {
                is_unit(text) && text.chars().count() <= 30 && UNIT_ENDS.iter().any(|e| text.ends_with(e))
            }
            Para::Table(_) => false,
        };
        if unit_line {
            let second = paras.remove(i);
            if let (Para::Text { text, .. }, Para::Text { text: rest, .. }) = (&mut paras[i - 1], second) {
                text.push_str(&rest);
            }
            at = Some(i - 1);
        }
    }
    if let Some(at) = at.filter(|at| *at > 0) {
        let title = paras.remove(at);
        paras.insert(0, title);
    }
    // A title styled as such on two paragraphs.
    while paras.len() > 2
        && matches!((&paras[0], &paras[1]), (Para::Text { hint: Hint::Title, .. }, Para::Text { hint: Hint::Title, text, .. }) if text.chars().count() <= 40)
    {
        let second = paras.remove(1);
        if let (Para::Text { text, .. }, Para::Text { text: rest, .. }) = (&mut paras[0], second) {
            text.push_str(&rest);
        }
    }
    paras
}

/// How the name of an issuing unit ends (局, 委员会, 人民政府…).
const UNIT_ENDS: [&str; 14] = ["局", "委", "办", "院", "会", "厅", "府", "中心", "公司", "站", "所", "队", "部", "处"];

/// A paragraph holding several paragraphs of a report: long, with two or more heading numbers
/// right after the end of a sentence ("…。二、…。（三）…").
fn runs_together(para: &Para) -> bool {
    let Para::Text { text, .. } = para else { return false };
    if text.chars().count() <= 300 {
        return false;
    }
    let starts =
        text.match_indices(['。', '！', '？']).filter(|(i, c)| heading_marker(&text[i + c.len()..]).is_some()).count();
    starts >= 2
}

/// Whether a paragraph styled as a title comes first (of the first three): a style used for
/// 一、 headings further down says nothing about the title.
fn title_hinted(paras: &[Para]) -> bool {
    paras.iter().take(3).any(|p| matches!(p, Para::Text { hint: Hint::Title, .. }))
}

/// Adds one paragraph of text: a heading, a run-in heading with its paragraph, or a paragraph.
fn push_text(blocks: &mut Vec<Block>, lines: &mut Vec<usize>, text: String, line: usize) {
    let block = match heading_marker(&text) {
        Some((level, _, _)) => {
            let end = text.find('。').map(|e| e + '。'.len_utf8());
            match end {
                // （一）做好低保工作。一是…: the heading runs into its paragraph.
                Some(end) if end < text.len() && level != Level::Part => Block::Paragraph {
                    lead: Some((level, text[..end].to_string())),
                    text: text[end..].trim().to_string(),
                },
                _ if text.chars().count() > 80 => Block::Paragraph { lead: None, text },
                _ => Block::Heading { level, text },
            }
        }
        None => Block::Paragraph { lead: None, text },
    };
    // As the report's parser does: a heading below 一、 ending in 。 runs into the paragraph after.
    if let Block::Paragraph { lead: None, text } = &block {
        if let Some(Block::Heading { level, text: heading }) = blocks.last() {
            if *level != Level::Part && heading.ends_with('。') {
                let lead = Some((*level, heading.clone()));
                let text = text.clone();
                blocks.pop();
                blocks.push(Block::Paragraph { lead, text });
                return;
            }
        }
    }
    blocks.push(block);
    lines.push(line);
}

/// Where the 落款 begins: the last paragraph is a date (with the unit on the line before, or
/// before it on the same line), or the paragraphs styled as the signature.
fn signature_start(paras: &[Para]) -> Option<usize> {
    let texts: Vec<(usize, &str, Hint)> = paras
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Para::Text { text, hint, .. } => Some((i, text.as_str(), *hint)),
            Para::Table(_) => None,
        })
        .collect();
    if let Some(first) = texts.iter().find(|(_, _, h)| *h == Hint::Signature) {
        return Some(first.0);
    }
    let &(last, text, _) = texts.last()?;
    let (unit, date) = split_date_at_end(text)?;
    if !unit.is_empty() || texts.len() < 2 || date.is_none() {
        return if unit.is_empty() || is_unit(unit) { Some(last) } else { None };
    }
    let (before, text, _) = texts[texts.len() - 2];
    Some(if is_unit(text) { before } else { last })
}

/// A 落款 line naming the unit: short, no sentence punctuation.
fn is_unit(text: &str) -> bool {
    let n = text.chars().count();
    (2..=40).contains(&n) && !text.contains(['。', '，', '；', '：', ',', ';'])
}

/// The lines of a 落款 paragraph: "某县民政局 2024年7月5日" is two.
fn signature_lines(text: &str) -> Vec<String> {
    match split_date_at_end(text) {
        Some((unit, Some(_))) if !unit.trim().is_empty() => {
            let date = text[unit.len()..].trim().to_string();
            vec![unit.trim().to_string(), date]
        }
        _ => vec![text.trim().to_string()],
    }
}

/// A date at the end of a text (2024年7月5日, 二〇二四年七月五日): the text before it, and the
/// date when it is one.
pub fn split_date_at_end(text: &str) -> Option<(&str, Option<NaiveDate>)> {
    let text = text.trim();
    let body = text.strip_suffix('日')?;
    let (rest, day) = trailing_number(body)?;
    let rest = rest.strip_suffix('月')?;
    let (rest, month) = trailing_number(rest)?;
    let rest = rest.strip_suffix('年')?;
    let year_chars: Vec<(usize, char)> = rest.char_indices().rev().take(4).collect();
    if year_chars.len() != 4 {
        return None;
    }
    let start = year_chars[3].0;
    let year: String = rest[start..]
        .chars()
        .map(|c| match "〇一二三四五六七八九".chars().position(|d| d == c) {
            Some(p) => char::from(b'0' + p as u8),
            None => match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                'O' | 'o' | '○' | '零' => '0',
                c => c,
            },
        })
        .collect();
    let year: i32 = year.parse().ok().filter(|y| (1900..=2999).contains(y))?;
    Some((&rest[..start], NaiveDate::from_ymd_opt(year, month, day)))
}

/// A number (Arabic or Chinese, up to 31) at the end of a text.
fn trailing_number(text: &str) -> Option<(&str, u32)> {
    let digits: usize = text.chars().rev().take_while(|c| c.is_ascii_digit()).map(char::len_utf8).sum::<usize>().min(6);
    if digits > 0 {
        let start = text.len() - digits;
        return text[start..].parse().ok().map(|n| (&text[..start], n));
    }
    let han: usize = text.chars().rev().take_while(|c| "〇一二三四五六七八九十".contains(*c)).map(char::len_utf8).sum();
    let start = text.len() - han;
    let value = han_value(&text[start..])?;
    Some((&text[..start], value))
}

/// Words that end a title (…工作总结, …工作安排, …的报告).
const TITLE_ENDS: [&str; 10] = ["总结", "安排", "计划", "报告", "要点", "情况", "汇报", "打算", "意见", "方案"];
/// Words that begin a paragraph, where a heading's text ends in a paste without breaks.
const PARAGRAPH_STARTS: [&str; 12] =
    ["我县", "我局", "全县", "今年以来", "今年", "截至", "目前", "根据", "按照", "包括", "一是", "近年来"];

/// Cuts text whose paragraph breaks were lost: at runs of spaces, after the title, before the
/// 落款, and where heading numbers begin.
fn split_run_together(paras: Vec<Para>) -> Vec<Para> {
    let mut out = Vec::new();
    let mut first = true;
    for para in paras {
        let Para::Text { text, hint, line } = para else {
            out.push(para);
            continue;
        };
        let pieces: Vec<&str> = text.split(['\u{3000}', '\t']).flat_map(|p| p.split("  ")).collect();
        for piece in pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
            let mut rest = piece;
            if first && hint != Hint::Title {
                if let Some(end) = title_end(rest) {
                    out.push(Para::Text { text: rest[..end].to_string(), hint: Hint::Title, line });
                    rest = &rest[end..];
                }
            }
            first = false;
            let mut tail = None;
            if let Some(cut) = rest.rfind(['。', '！', '？']).map(|i| i + '。'.len_utf8()) {
                if let Some((unit, Some(_))) = split_date_at_end(&rest[cut..]) {
                    if unit.trim().is_empty() || is_unit(unit.trim()) {
                        tail = Some(rest[cut..].trim().to_string());
                        rest = &rest[..cut];
                    }
                }
            }
            for part in cut_at_headings(rest) {
                out.push(Para::Text { text: part, hint: Hint::None, line });
            }
            if let Some(tail) = tail {
                out.push(Para::Text { text: tail, hint: Hint::Signature, line });
            }
        }
    }
    out
}

/// Where the title ends in text that runs on: the last title word before the first comma or
/// full stop.
fn title_end(text: &str) -> Option<usize> {
    let stop = text.find(['，', '。', ',', '：']).unwrap_or(text.len());
    let head = &text[..stop];
    TITLE_ENDS.iter().filter_map(|w| head.rfind(w).map(|i| i + w.len())).max().filter(|e| *e < text.len())
}

/// Cuts a run of text into paragraphs where heading numbers begin: at the start, after 。！？；
/// or where the heading before ends; each number must be the next at its level (（二） after
/// （一）, or a first one below).
fn cut_at_headings(text: &str) -> Vec<String> {
    let mut cuts = vec![0usize];
    // The last ordinal at each level.
    let mut last: [u32; 4] = [0; 4];
    let level_index = |l: Level| match l {
        Level::Part => 0,
        Level::Section => 1,
        Level::Item => 2,
        Level::SubItem => 3,
    };
    let mut heading_end: Option<usize> = None;
    let mut i = 0;
    while i < text.len() {
        let at_boundary = i == 0 || text[..i].ends_with(['。', '！', '？', '；']) || heading_end == Some(i);
        if at_boundary {
            if let Some((level, n, len)) = heading_marker(&text[i..]) {
                let li = level_index(level);
                if n == last[li] + 1 || (n == 1 && li > 0) {
                    last[li] = n;
                    for deeper in last.iter_mut().skip(li + 1) {
                        *deeper = 0;
                    }
                    if i > 0 && *cuts.last().unwrap_or(&0) != i {
                        cuts.push(i);
                    }
                    heading_end = Some(find_heading_end(text, i + len));
                    if let Some(end) = heading_end {
                        if end < text.len() && !text[..end].ends_with('。') {
                            cuts.push(end);
                        }
                    }
                    i += len;
                    continue;
                }
            }
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    let mut parts = Vec::new();
    cuts.push(text.len());
    cuts.dedup();
    for w in cuts.windows(2) {
        let part = text[w[0]..w[1]].trim();
        if !part.is_empty() {
            parts.push(part.to_string());
        }
    }
    parts
}

/// Where a heading's text ends in text that runs on: at its 。 (a run-in heading, which stays with
/// its paragraph), at the next heading number, or before a word that begins a paragraph.
fn find_heading_end(text: &str, from: usize) -> usize {
    let mut end = text.len();
    if let Some(stop) = text[from..].find(['。', '！', '？']) {
        end = end.min(from + stop + '。'.len_utf8());
    }
    let mut j = from;
    // Skip the first two characters: a heading is never shorter.
    for _ in 0..2 {
        j += text[j..].chars().next().map_or(0, char::len_utf8);
    }
    while j < end {
        let rest = &text[j..];
        let year_start = rest.len() >= 5
            && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && rest[4..].starts_with('年')
            && !text[..j].ends_with(|c: char| c.is_ascii_digit());
        if heading_marker(rest).is_some_and(|(l, n, _)| n == 1 || l != Level::Item)
            || PARAGRAPH_STARTS.iter().any(|w| rest.starts_with(w))
            || year_start
        {
            return j;
        }
        j += rest.chars().next().map_or(1, char::len_utf8);
    }
    end
}

/// The period a report is about, guessed from its title and date, with the reason shown to the
/// user: 上半年 (or a July date) is H1, 下半年 H2, 第三季度 Q3, 全年 (or a December or January
/// date) the year; otherwise the period a date closes (April: Q1, October: Q3). The year is the title's, else the date's (the year before for a report dated
/// early in the next year), else the first year of the text.
pub fn guess_period(title: &str, date: Option<NaiveDate>, first_year: Option<i32>) -> Option<Period> {
    let span = if title.contains("上半年") {
        Some(Span::Half(1))
    } else if title.contains("下半年") && !title.contains("上半年") {
        Some(Span::Half(2))
    } else if let Some(q) = ["一季度", "二季度", "三季度", "四季度"].iter().position(|q| title.contains(q))
    {
        Some(Span::Quarter(q as u8 + 1))
    } else if title.contains("全年") || title.contains("年度") || title.contains("年工作") {
        Some(Span::Year)
    } else {
        // The period the date closes: a report is written just after its period ends.
        date.map(|d| match d.month() {
            6..=8 => Span::Half(1),
            3..=5 => Span::Quarter(1),
            9..=11 => Span::Quarter(3),
            _ => Span::Year,
        })
    };
    // Neither title nor date: a report of a year, the first the text names.
    let span = span.or(first_year.map(|_| Span::Year))?;
    let title_year = first_year_in(title);
    let year = title_year.or_else(|| {
        date.map(|d| match span {
            Span::Year if d.month() <= 6 => d.year() - 1,
            Span::Half(2) | Span::Quarter(4) if d.month() <= 6 => d.year() - 1,
            _ => d.year(),
        })
    });
    let year = year.or(first_year)?;
    Some(Period { year, span })
}

/// The first four-digit year followed by 年 in a text.
pub fn first_year_in(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let four = bytes.get(i..i + 4)?;
        let before_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        if !before_digit && four.iter().all(u8::is_ascii_digit) && text.get(i + 4..)?.starts_with('年') {
            std::str::from_utf8(four).ok()?.parse().ok().filter(|y| (1900..=2999).contains(y))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Para {
        Para::Text { text: text.into(), hint: Hint::None, line: 0 }
    }

    #[test]
    fn heading_numbers_of_each_level() {
        assert_eq!(heading_marker("一、总体").map(|m| (m.0, m.1)), Some((Level::Part, 1)));
        assert_eq!(heading_marker("十二、总体").map(|m| (m.0, m.1)), Some((Level::Part, 12)));
        assert_eq!(heading_marker("（三）做好").map(|m| (m.0, m.1)), Some((Level::Section, 3)));
        assert_eq!(heading_marker("(三)做好").map(|m| (m.0, m.1)), Some((Level::Section, 3)));
        assert_eq!(heading_marker("2.工程").map(|m| (m.0, m.1)), Some((Level::Item, 2)));
        assert_eq!(heading_marker("（2）工程").map(|m| (m.0, m.1)), Some((Level::SubItem, 2)));
        assert_eq!(heading_marker("2.5万元"), None);
        assert_eq!(heading_marker("2024年"), None);
        assert_eq!(heading_marker("一是完善"), None);
    }

    #[test]
    fn the_period_from_title_and_date() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let p = |t: &str, date| guess_period(t, date, None).map(|p| p.to_string());
        assert_eq!(p("某局上半年工作总结", d(2024, 7, 5)), Some("2024H1".into()));
        assert_eq!(p("某局工作总结", d(2024, 7, 5)), Some("2024H1".into()));
        assert_eq!(p("某局2024年工作总结和2025年工作计划", d(2025, 1, 10)), Some("2024".into()));
        assert_eq!(p("某局全年工作总结", d(2025, 1, 10)), Some("2024".into()));
        assert_eq!(p("某局工作总结", d(2024, 12, 20)), Some("2024".into()));
        assert_eq!(p("某局工作总结", d(2025, 1, 8)), Some("2024".into()));
        assert_eq!(p("某局工作总结", d(2024, 4, 8)), Some("2024Q1".into()));
        assert_eq!(p("某局前三季度工作总结", d(2024, 10, 8)), Some("2024Q3".into()));
        assert_eq!(p("某局工作总结", None), None);
        assert_eq!(guess_period("某局工作总结", None, Some(2023)).map(|p| p.to_string()), Some("2023".into()));
    }

    #[test]
    fn a_title_on_two_lines_is_one_title() {
        let s = structure(vec![para("附件1"), para("东岭县教育局"), para("2024年上半年工作总结"), para("正文。")]);
        assert_eq!(s.doc.title, "东岭县教育局2024年上半年工作总结");
        assert_eq!(
            s.doc.blocks,
            vec![
                Block::Paragraph { lead: None, text: "附件1".into() },
                Block::Paragraph { lead: None, text: "正文。".into() }
            ]
        );
    }

    #[test]
    fn lines_wrapped_at_one_width_are_joined() {
        let line = "一二三四五六七八九十一二三四五六七八九十一二三四五";
        let paras = vec![
            para("某局工作总结"),
            para(line),
            para(line),
            para("完。"),
            para("一、标题"),
            para(line),
            para(line),
            para(line),
            para("完了。"),
        ];
        let texts: Vec<String> = join_wrapped(paras)
            .into_iter()
            .map(|p| match p {
                Para::Text { text, .. } => text,
                Para::Table(_) => String::new(),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "某局工作总结".to_string(),
                format!("{line}{line}完。"),
                "一、标题".into(),
                format!("{line}{line}{line}完了。")
            ]
        );
    }

    #[test]
    fn a_run_together_paste_is_cut_at_headings() {
        let text = "某县民政局上半年工作总结今年以来，我局做了工作，现总结如下。一、社会救助（一）低保工作。一是完善制度。二是加强管理。（二）改扩建殡葬综合体包括殡仪馆重建。1.整体设计。项目为原址重建。二、养老服务我县建成中心。某县民政局2024年7月5日";
        let s = structure(split_run_together(vec![para(text)]).into_iter().collect());
        assert_eq!(s.doc.title, "某县民政局上半年工作总结");
        let md = crate::render::markdown::to_markdown(&s.doc);
        assert_eq!(
            md,
            "# 某县民政局上半年工作总结\n\n今年以来，我局做了工作，现总结如下。\n\n## 一、社会救助\n\n### （一）低保工作。\n\n一是完善制度。二是加强管理。\n\n### （二）改扩建殡葬综合体\n\n包括殡仪馆重建。\n\n#### 1.整体设计。\n\n项目为原址重建。\n\n## 二、养老服务\n\n我县建成中心。\n\n::: {custom-style=\"落款\"}\n某县民政局\n\n2024年7月5日\n:::\n"
        );
    }
}
