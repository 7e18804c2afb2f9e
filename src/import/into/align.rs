//! `import --into`, stage 2: the edited text against the text zongjie built, paragraph by
//! paragraph and inside a paragraph, a figure's marked value being one token. Pure functions on
//! strings: no workspace, no files.

use crate::template::marks;

/// A token of a built paragraph: a character of the template's text, or a marked value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A character written by the template itself.
    Char(char),
    /// A value: the mark's index and its text.
    Mark(usize, String),
}

/// One step of the alignment of a built paragraph with its edited text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// The template's character, unchanged.
    Same(char),
    /// The mark, its text unchanged.
    Kept(usize),
    /// The template's character, deleted.
    DelChar,
    /// The mark, its text gone or changed.
    DelMark(usize),
    /// A character of the edited text that the built one does not have.
    Ins(char),
}

/// The tokens of a marked text.
pub fn tokens(marked: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = marked.chars();
    while let Some(c) = chars.next() {
        if c != marks::OPEN {
            if !marks::is_mark(c) {
                out.push(Tok::Char(c));
            }
            continue;
        }
        let index: String = chars.by_ref().take_while(|c| *c != marks::SEP).collect();
        let text: String = chars.by_ref().take_while(|c| *c != marks::CLOSE).collect();
        // A value inside a value (a `{% set %}` text) has been taken apart already.
        match index.parse() {
            Ok(i) if !text.is_empty() => out.push(Tok::Mark(i, text)),
            _ => out.extend(text.chars().map(Tok::Char)),
        }
    }
    out
}

/// The plain text of tokens.
pub fn plain(tokens: &[Tok]) -> String {
    let mut out = String::new();
    for t in tokens {
        match t {
            Tok::Char(c) => out.push(*c),
            Tok::Mark(_, text) => out.push_str(text),
        }
    }
    out
}

/// The alignment keeping the most of the built text: characters count one, a mark its length
/// and one more, so that a value is kept whole rather than matched digit by digit elsewhere.
pub fn align(old: &[Tok], new: &str) -> Vec<Op> {
    let new: Vec<char> = new.chars().collect();
    let (n, m) = (old.len(), new.len());
    let width = m + 1;
    let mut score = vec![0u32; (n + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    let mark_fits = |text: &str, j: usize| -> Option<usize> {
        let len = text.chars().count();
        (j + len <= m && text.chars().zip(&new[j..j + len]).all(|(a, b)| a == *b)).then_some(len)
    };
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            let mut best = score[at(i + 1, j)];
            if j < m {
                best = best.max(score[at(i, j + 1)]);
                match &old[i] {
                    Tok::Char(c) if *c == new[j] => best = best.max(score[at(i + 1, j + 1)] + 1),
                    Tok::Mark(_, text) => {
                        if let Some(len) = mark_fits(text, j) {
                            best = best.max(score[at(i + 1, j + len)] + len as u32 + 1);
                        }
                    }
                    _ => {}
                }
            }
            score[at(i, j)] = best;
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        let here = score[at(i, j)];
        if i < n && j < m {
            match &old[i] {
                Tok::Char(c) if *c == new[j] && here == score[at(i + 1, j + 1)] + 1 => {
                    ops.push(Op::Same(*c));
                    i += 1;
                    j += 1;
                    continue;
                }
                Tok::Mark(k, text) => {
                    if let Some(len) = mark_fits(text, j) {
                        if here == score[at(i + 1, j + len)] + len as u32 + 1 {
                            ops.push(Op::Kept(*k));
                            i += 1;
                            j += len;
                            continue;
                        }
                    }
                }
                _ => {}
            }
        }
        if i < n && here == score[at(i + 1, j)] {
            ops.push(match &old[i] {
                Tok::Char(_) => Op::DelChar,
                Tok::Mark(k, _) => Op::DelMark(*k),
            });
            i += 1;
        } else {
            ops.push(Op::Ins(new[j]));
            j += 1;
        }
    }
    ops
}

/// How alike two texts are: the share of character pairs (bigrams) they have in common.
pub fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| {
        let chars: Vec<char> = s.chars().collect();
        let mut g: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        g.sort_unstable();
        g
    };
    let (x, y) = (grams(a), grams(b));
    if x.is_empty() || y.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

/// For each edited paragraph, the built one it is (or None: a new paragraph): the same text
/// first, wherever it stands (a moved section), then the most alike one left, when at least
/// half alike. `same_kind(old, new)` says whether the two may be paired at all.
pub fn pair(old: &[String], new: &[String], same_kind: impl Fn(usize, usize) -> bool) -> Vec<Option<usize>> {
    let mut used = vec![false; old.len()];
    let mut out = vec![None; new.len()];
    for (j, text) in new.iter().enumerate() {
        // The nearest unused equal one after the last pairing keeps order among repeats.
        if let Some(i) = (0..old.len()).find(|&i| !used[i] && old[i] == *text && same_kind(i, j)) {
            used[i] = true;
            out[j] = Some(i);
        }
    }
    for (j, text) in new.iter().enumerate() {
        if out[j].is_some() {
            continue;
        }
        let best = (0..old.len())
            .filter(|&i| !used[i] && same_kind(i, j))
            .map(|i| (i, similarity(&old[i], text)))
            .filter(|(_, s)| *s >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((i, _)) = best {
            used[i] = true;
            out[j] = Some(i);
        }
    }
    // A paragraph rewritten in place, between two that were paired in order: the one left in
    // that place, when a fifth alike. A number changed there is then still seen as changed.
    for j in 0..new.len() {
        if out[j].is_some() {
            continue;
        }
        let before = if j == 0 { None } else { out[j - 1] };
        let Some(i) = before.map(|b| b + 1).filter(|&i| i < old.len() && !used[i]) else { continue };
        let after_fits = match new.get(j + 1) {
            None => i + 1 == old.len() || used[i + 1..].iter().all(|u| *u),
            Some(_) => out[j + 1].is_none_or(|a| a == i + 1),
        };
        if after_fits && same_kind(i, j) && similarity(&old[i], &new[j]) >= 0.2 {
            used[i] = true;
            out[j] = Some(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str) -> String {
        text.replace('[', "\u{E000}0\u{E001}").replace(']', "\u{E002}")
    }

    #[test]
    fn a_kept_value_is_one_token_and_a_changed_one_is_deleted_whole() {
        let old = tokens(&marked("低保[11900]户"));
        assert_eq!(old, vec![Tok::Char('低'), Tok::Char('保'), Tok::Mark(0, "11900".into()), Tok::Char('户')]);
        let ops = align(&old, "城乡低保11900户");
        assert_eq!(ops.iter().filter(|o| matches!(o, Op::Kept(0))).count(), 1);
        let ops = align(&old, "低保11950户");
        assert!(ops.contains(&Op::DelMark(0)));
        assert_eq!(ops.iter().filter(|o| matches!(o, Op::Ins(_))).count(), 5);
    }

    #[test]
    fn paragraphs_pair_by_text_then_by_likeness() {
        let old = vec!["一、甲".to_string(), "乙乙乙乙乙丙丙丙".to_string(), "丁".to_string()];
        let new = vec!["乙乙乙乙乙丙丙戊".to_string(), "一、甲".to_string(), "全新的".to_string()];
        assert_eq!(pair(&old, &new, |_, _| true), vec![Some(1), Some(0), None]);
        // Rewritten in place: paired by its place when a fifth alike.
        let old = vec!["一、甲".to_string(), "城乡低保11900户，累计发放低保金".to_string(), "二、乙".to_string()];
        let new = vec!["一、甲".to_string(), "今年全县共有城乡低保11950户".to_string(), "二、乙".to_string()];
        assert_eq!(pair(&old, &new, |_, _| true), vec![Some(0), Some(1), Some(2)]);
    }
}
