//! Words of a Chinese text, for names made of whole words: jieba's segmenter with its embedded
//! dictionary and part-of-speech tags (n noun, v verb, p preposition, d adverb…).

use jieba_rs::Jieba;
use std::sync::LazyLock;

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    // Words of reports the dictionary cuts in two (占/比).
    for word in ["占比", "同比", "环比"] {
        jieba.add_word(word, None, Some("n"));
    }
    jieba
});

/// One word of a text and its part of speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word as written.
    pub text: String,
    /// jieba's tag: n, v, vn, p, d, m…
    pub tag: String,
}

impl Word {
    /// Its length in characters.
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Whether it is empty (never, for a segmenter's word).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// A word that names no thing: a preposition, conjunction, particle, adverb, pronoun,
    /// numeral, measure word or one of [`FUNCTION`].
    pub fn is_function(&self) -> bool {
        is_function_word(&self.text)
            || matches!(
                self.tag.as_str(),
                "p" | "c"
                    | "u"
                    | "uj"
                    | "ul"
                    | "uv"
                    | "uz"
                    | "ug"
                    | "ud"
                    | "y"
                    | "e"
                    | "o"
                    | "d"
                    | "r"
                    | "zg"
                    | "m"
                    | "q"
                    | "x"
            )
    }

    /// A word that may go from the front of a subject: a function word, a preposition, a
    /// conjunction, a pronoun (其中) or an adverb (已, 共).
    pub fn leads(&self) -> bool {
        is_function_word(&self.text) || matches!(self.tag.as_str(), "p" | "c" | "r" | "d" | "f")
    }

    /// A word that may go from the end of a subject: a function word, a preposition, a
    /// conjunction, 的 or 了 (not 地 or 园, which dictionaries cut from 运动场地 and 公办园).
    pub fn trails(&self) -> bool {
        is_function_word(&self.text) || matches!(self.tag.as_str(), "p" | "c" | "uj" | "ul" | "y")
    }

    /// A word that can head what is counted: a noun, a verbal noun, a short name or an idiom.
    pub fn is_nominal(&self) -> bool {
        self.tag.starts_with('n')
            || matches!(self.tag.as_str(), "vn" | "an" | "j" | "l" | "i" | "eng" | "g" | "s" | "b")
    }
}

/// Words that never say what a number counts, whatever their tag: prepositions, conjunctions,
/// comparison and time words (按照, 由, 其中, 较, 同比…).
pub const FUNCTION: [&str; 44] = [
    "按照", "按", "根据", "依据", "由", "从", "自", "其中", "较", "比", "同比", "环比", "去", "和", "与", "及", "以及",
    "或", "并", "把", "被", "对", "向", "在", "于", "为", "是", "的", "了", "等", "共", "共计", "累计", "合计", "总计",
    "达", "达到", "约", "近", "超", "超过", "以上", "以下", "以内",
];

/// Whether a word is one of [`FUNCTION`].
pub fn is_function_word(word: &str) -> bool {
    FUNCTION.contains(&word)
}

/// The words of a text, in order; their texts joined give the text back.
pub fn words(text: &str) -> Vec<Word> {
    JIEBA.tag(text, true).into_iter().map(|t| Word { text: t.word.to_string(), tag: t.tag.to_string() }).collect()
}

/// The byte offsets at which a word of `text` starts or ends.
pub fn boundaries(text: &str) -> std::collections::BTreeSet<usize> {
    let mut at = 0;
    let mut out = std::collections::BTreeSet::from([0]);
    for w in words(text) {
        at += w.text.len();
        out.insert(at);
    }
    out
}

/// Whether `part` occurs in `text` starting and ending at word boundaries.
pub fn whole_in(part: &str, text: &str) -> bool {
    if part.is_empty() {
        return false;
    }
    let cuts = boundaries(text);
    text.match_indices(part).any(|(i, _)| cuts.contains(&i) && cuts.contains(&(i + part.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_their_kinds() {
        let w = words("按照比例");
        assert_eq!(w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["按照", "比例"]);
        assert!(w[0].is_function() && !w[1].is_function() && w[1].is_nominal());
        assert!(whole_in("资产总额", "深层次深化改革提升区属国企资产总额"));
        assert!(!whole_in("深化改革提", "深层次深化改革提升区属国企资产总额"));
    }
}
