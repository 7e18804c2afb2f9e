//! Import stage 4: a readable, unique name for each figure, from the words before its number and
//! the section it is in: "全县城乡低保11900户20750人" gives 城乡低保.户数 and 城乡低保.人数.

/// Words that say nothing about what is counted, cut from the front of the words before a number.
const LEADING: [&str; 24] = [
    "截至目前",
    "全县",
    "我县",
    "全市",
    "全省",
    "全区",
    "我局",
    "其中",
    "共计",
    "累计",
    "合计",
    "总计",
    "共",
    "已经",
    "已",
    "目前",
    "今年",
    "全年",
    "当年",
    "年内",
    "上半年",
    "下半年",
    "并",
    "和",
];
/// Verbs and particles cut from the end: "服务人数达" → 服务人数.
const TRAILING: [&str; 37] = [
    "只有",
    "仅有",
    "预计",
    "计划",
    "力争",
    "自",
    "从",
    "年满",
    "始于",
    "提高到",
    "提升至",
    "提高至",
    "增加到",
    "增长到",
    "达到",
    "达",
    "为",
    "有",
    "共计",
    "累计",
    "共",
    "约",
    "近",
    "超过",
    "超",
    "逾",
    "计",
    "了",
    "至",
    "到",
    "于",
    "在",
    "每人每月",
    "每人每年",
    "每月",
    "每年",
    "每人",
];
/// Endings that already say what the number is (人数, 总数, 资金, 率…): such words are the key.
const MEASURE_ENDINGS: [&str; 20] = [
    "数", "率", "额", "金", "费", "款", "面积", "比例", "资金", "人次", "标准", "能力", "投资", "规模", "总量", "年龄",
    "时间", "床位", "经费", "补贴",
];

/// The characters a name may hold: Chinese characters, Latin letters and underscores, which
/// both the catalog and minijinja take in a name (① or Ⅲ is alphanumeric, but no identifier).
pub fn clean(text: &str) -> String {
    let han = |c: char| matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}');
    text.chars().filter(|c| han(*c) || c.is_ascii_alphabetic() || *c == '_').collect()
}

/// The subject of a number: the words before it, back to the last punctuation or number.
pub fn subject(before: &str) -> String {
    // 支付护理费 71.7万元: the space before the number is not a boundary.
    let before = before.trim_end_matches([' ', '\u{3000}']);
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '，' | ','
                        | '。'
                        | '；'
                        | ';'
                        | '：'
                        | ':'
                        | '、'
                        | '！'
                        | '？'
                        | '（'
                        | '('
                        | '）'
                        | ')'
                        | '“'
                        | '”'
                        | '"'
                        | '《'
                        | '》'
                        | ' '
                        | '\u{3000}'
                        | '%'
                        | '％'
                        | '—'
                        | '-'
                        | '是'
                )
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mut words = clean(&before[start..]);
    // After a number, its unit is not part of the next subject (1123名农民工 → 农民工).
    if before[..start].ends_with(|c: char| c.is_ascii_digit()) {
        if let Some(unit) = super::numbers::unit_at_start(&words) {
            words = words[unit.len()..].to_string();
        }
        // 1—6月份救助… : the month's own words.
        for unit in ["月份", "月底", "月末", "月", "年度", "年", "日"] {
            if let Some(rest) = words.strip_prefix(unit) {
                words = rest.to_string();
                break;
            }
        }
    }
    loop {
        let before = words.clone();
        for w in LEADING {
            if let Some(rest) = words.strip_prefix(w) {
                if !rest.is_empty() {
                    words = rest.to_string();
                }
            }
        }
        for w in TRAILING {
            if let Some(rest) = words.strip_suffix(w) {
                words = rest.to_string();
            }
        }
        if words == before {
            break;
        }
    }
    // Fillers inside (承保单位共计支付护理费), then, for long phrases, the last words, which
    // name the number.
    for w in ["共计", "累计", "合计"] {
        if words.chars().count() > 8 {
            words = words.replace(w, "");
        }
    }
    let chars: Vec<char> = words.chars().collect();
    // One character (年 of 2024年6月, 第 of 第3名) names nothing.
    if chars.len() < 2 {
        return String::new();
    }
    chars[chars.len().saturating_sub(14)..].iter().collect()
}

/// The words after a year, month or date that has none before it: "2020年11月签订施工合同" →
/// 签订施工合同 (past the rest of the date).
pub fn after(text: &str) -> String {
    let rest = text.trim_start_matches(['年', '月', '日', '份', '底', '末', '初', '中', '旬', '度']);
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '份' | '底'));
    let end = rest
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || "，,。；;：:、！？（）()“”\"《》 ".contains(*c))
        .map_or(rest.len(), |(i, _)| i);
    let words = clean(&rest[..end]);
    let words = words.trim_start_matches(['正', '式']).to_string();
    let chars: Vec<char> = words.chars().collect();
    if chars.len() < 2 {
        return String::new();
    }
    chars[..chars.len().min(8)].iter().collect()
}

/// The topic of a section from its heading: "（一）做好城乡最低生活保障工作。" → 城乡最低生活保障.
pub fn topic(heading: &str) -> String {
    let text = match super::structure::heading_marker(heading) {
        Some((_, _, len)) => &heading[len..],
        None => heading,
    };
    let first = text.split(['，', ',', '。', '；', '：']).next().unwrap_or(text);
    let mut words = clean(first);
    // 特困人员供养和运营维护 → 特困人员供养: the first of two things named.
    if let Some((head, _)) = words.split_once(['和', '与', '及']) {
        if head.chars().count() >= 2 {
            words = head.to_string();
        }
    }
    const VERBS: [&str; 40] = [
        "继续",
        "进一步",
        "全面",
        "持续",
        "着力",
        "扎实",
        "稳步",
        "切实",
        "大力",
        "深入",
        "做好",
        "加强",
        "推进",
        "推动",
        "开展",
        "强化",
        "深化",
        "完善",
        "落实",
        "提高",
        "提升",
        "规范",
        "发挥",
        "实施",
        "建立",
        "健全",
        "围绕",
        "立足",
        "关心关爱",
        "聚焦",
        "夯实",
        "兜牢",
        "加快",
        "巩固",
        "抓好",
        "优化",
        "构建",
        "打造",
        "做实",
        "坚持",
    ];
    loop {
        let before = words.clone();
        for v in VERBS {
            if let Some(rest) = words.strip_prefix(v) {
                if rest.chars().count() >= 2 {
                    words = rest.to_string();
                }
            }
        }
        if let Some(rest) = words.strip_suffix("工作") {
            if rest.chars().count() >= 2 {
                words = rest.to_string();
            }
        }
        if words == before {
            break;
        }
    }
    let chars: Vec<char> = words.chars().collect();
    let short: String = chars[..chars.len().min(8)].iter().collect();
    if short.is_empty() {
        "报告".into()
    } else {
        short
    }
}

/// The name proposed for a number: `subject.attribute` (城乡低保.户数), or `topic.subject` when the
/// subject already says what it measures (特困.服务人数).
pub fn propose(subject: &str, attr: &str, topic: &str) -> String {
    if subject.is_empty() {
        return format!("{topic}.{attr}");
    }
    if subject.ends_with(attr) || MEASURE_ENDINGS.iter().any(|e| subject.ends_with(e)) {
        if subject == topic {
            return format!("{topic}.{attr}");
        }
        return format!("{topic}.{subject}");
    }
    format!("{subject}.{attr}")
}

/// Words that state a change against an earlier period.
const CHANGES: [&str; 12] =
    ["同比", "环比", "较上年", "比上年", "较去年", "比去年", "增长", "下降", "提高", "减少", "增加", "降低"];

/// Whether a subject states a change (同比增长, 较上年提高).
pub fn is_change(subject: &str) -> bool {
    CHANGES.iter().any(|c| subject.starts_with(c))
}

/// The name of a change stated after what it is a change of: 发放低保金 … 同比增长 →
/// 发放低保金.同比增长; 人数同比下降 within 城乡低保's sentence → 城乡低保.人数同比下降.
pub fn change_of(subject: &str, sentence: &str) -> Option<String> {
    if sentence.is_empty() || subject.is_empty() {
        return None;
    }
    let changes = is_change(subject) || CHANGES.iter().any(|c| subject.contains(c) && subject.chars().count() <= 8);
    changes.then(|| format!("{sentence}.{subject}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_words_before() {
        assert_eq!(subject("截至6月，全县城乡低保"), "城乡低保");
        assert_eq!(propose(&subject("截至6月，全县城乡低保"), "户数", "城乡最低生活保障"), "城乡低保.户数");
        assert_eq!(subject("服务人数达"), "服务人数");
        assert_eq!(propose("服务人数", "人数", "居家养老"), "居家养老.服务人数");
        assert_eq!(topic("（一）做好城乡最低生活保障工作。"), "城乡最低生活保障");
        assert_eq!(topic("一、继续夯实社会救助工作，巩固拓展"), "社会救助");
        assert_eq!(clean("H1N1流感“疫苗”"), "HN流感疫苗");
        assert_eq!(clean("①Ⅲ类ＡＢ殡仪馆〇"), "类殡仪馆");
        assert_eq!(change_of("同比增长", "发放低保金"), Some("发放低保金.同比增长".into()));
        assert_eq!(change_of("人数同比下降", "城乡低保"), Some("城乡低保.人数同比下降".into()));
        assert_eq!(change_of("发放低保金", "城乡低保"), None);
    }
}
