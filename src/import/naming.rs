//! Import stage 4: a readable, unique name for each figure, from the words before its number and
//! the section it is in: "全县城乡低保11900户20750人" gives 城乡低保.户数 and 城乡低保.人数. Names
//! are made of whole words ([`words`]): a word is never cut, and a word that names nothing
//! (按照, 由, 其中) is never a subject.

use super::words::{self, Word};

/// Words that say nothing about what is counted, cut from the front of the words before a number.
const LEADING: [&str; 31] = [
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
    "预计",
    "明年",
    "力争",
    "确保",
    "年底",
    "每个",
    "共有",
];
/// Verbs and particles cut from the end: "服务人数达" → 服务人数.
const TRAILING: [&str; 47] = [
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
    "完成",
    "实现",
    "共有",
    "保持",
    "控制",
    "稳定",
    "不少于",
    "不低于",
    "不超过",
    "不高于",
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
    // 同比增长, 较上年提高: a change keeps its words (named after what it is a change of).
    if is_change(&words) {
        let ws = trim_end(words::words(&words));
        if ws.len() == 1 && ws[0].is_function() {
            return String::new();
        }
        return ws.iter().map(|w| w.text.as_str()).collect();
    }
    phrase(&words, 14)
}

/// 参保率达: a dictionary's word that glues a measure's last character to the verb after it
/// (率达, 数为) is the two words it is.
fn split_verb(ws: &mut Vec<Word>) {
    let Some(last) = ws.last() else { return };
    let chars: Vec<char> = last.text.chars().collect();
    if let [measure, verb] = chars[..] {
        if "率数额量费金款价值".contains(measure) && TRAILING.contains(&verb.to_string().as_str()) {
            let tag = last.tag.clone();
            ws.pop();
            ws.push(Word { text: measure.to_string(), tag: "n".into() });
            ws.push(Word { text: verb.to_string(), tag });
        }
    }
}

/// [`trim`] at the end only.
fn trim_end(mut ws: Vec<Word>) -> Vec<Word> {
    while let Some(last) = ws.last() {
        let two = (ws.len() >= 2).then(|| format!("{}{}", ws[ws.len() - 2].text, last.text));
        if two.as_deref().is_some_and(|t| TRAILING.contains(&t)) {
            ws.truncate(ws.len() - 2);
        } else if ws.len() > 1 && (TRAILING.contains(&last.text.as_str()) || last.trails()) {
            ws.pop();
        } else {
            break;
        }
    }
    ws
}

/// Words that head a subject without saying what is counted (全县, 其中…), as [`LEADING`] and
/// [`TRAILING`] say, or a word that names nothing (a preposition, an adverb).
fn trim(mut ws: Vec<Word>) -> Vec<Word> {
    split_verb(&mut ws);
    loop {
        let n = ws.len();
        // From the front: 全县, 其中, 截至目前 (two words), a preposition.
        while let Some(first) = ws.first() {
            let two = ws.get(..2).map(|w| format!("{}{}", w[0].text, w[1].text));
            if two.as_deref().is_some_and(|t| LEADING.contains(&t)) && ws.len() > 2 {
                ws.drain(..2);
            } else if ws.len() > 1
                // 因病救助: one character before another is one word the dictionary cut (因/病).
                && (LEADING.contains(&first.text.as_str()) || (first.leads() && (first.len() > 1 || ws[1].len() > 1)))
            {
                ws.remove(0);
            } else {
                break;
            }
        }
        // From the end: 达, 提高到 (two words), 每人每月, a preposition or particle.
        while let Some(last) = ws.last() {
            let two = (ws.len() >= 2).then(|| format!("{}{}", ws[ws.len() - 2].text, last.text));
            if two.as_deref().is_some_and(|t| TRAILING.contains(&t)) {
                ws.truncate(ws.len() - 2);
            } else if TRAILING.contains(&last.text.as_str()) || last.trails() {
                ws.pop();
            } else {
                break;
            }
        }
        if ws.len() == n {
            return ws;
        }
    }
}

/// The name words of a phrase: whole words, at most `max` characters from its end (the words
/// nearest the number), without words that name nothing; empty when what is left is a single
/// word that names no thing (按照, 去存, 由).
pub fn phrase(text: &str, max: usize) -> String {
    let mut ws = trim(words::words(text));
    // Fillers inside (承保单位共计支付护理费), when the phrase is long.
    if ws.iter().map(Word::len).sum::<usize>() > 8 {
        ws.retain(|w| !matches!(w.text.as_str(), "共计" | "累计" | "合计"));
    }
    // The words nearest the number, never a word cut.
    let mut total = 0;
    let mut from = ws.len();
    while from > 0 && (total + ws[from - 1].len() <= max || from == ws.len()) {
        total += ws[from - 1].len();
        from -= 1;
    }
    // A long phrase starts at a noun (提升区属国企资产总额 → 区属国企资产总额).
    if from > 0 {
        while from + 1 < ws.len() && !ws[from].is_nominal() {
            from += 1;
        }
    }
    let mut ws = trim(ws[from..].to_vec());
    // A long phrase ending in a noun phrase is that noun phrase (深化改革提升区属国企资产总额 →
    // 区属国企资产总额); a short one keeps its verb (新增学位, 发放低保金).
    let nouns = ws.iter().rev().take_while(|w| w.is_nominal()).count();
    let tail = ws.len() - nouns;
    if ws.iter().map(Word::len).sum::<usize>() > 12 && tail > 0 && ws[tail..].iter().map(Word::len).sum::<usize>() >= 8
    {
        ws.drain(..tail);
    }
    if names_something(&ws) {
        ws.iter().map(|w| w.text.as_str()).collect()
    } else {
        String::new()
    }
}

/// Whether words can be a subject: two characters at least, and not one word that names nothing
/// (a preposition, a bare verb such as 去存, a time word).
fn names_something(ws: &[Word]) -> bool {
    let chars: usize = ws.iter().map(Word::len).sum();
    if chars < 2 || ws.iter().all(Word::is_function) {
        return false;
    }
    match ws {
        [one] => one.is_nominal() || !(one.tag.starts_with('v') || one.tag.starts_with('t') || one.tag == "f"),
        _ => true,
    }
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
    let text = clean(&rest[..end]);
    let text = text.strip_prefix("正式").unwrap_or(&text);
    let ws = trim(words::words(text));
    let ws = leading(&ws, 8);
    if names_something(ws) {
        ws.iter().map(|w| w.text.as_str()).collect()
    } else {
        String::new()
    }
}

/// The first words of a phrase, at most `max` characters (the first word whole in any case).
fn leading(ws: &[Word], max: usize) -> &[Word] {
    let mut total = 0;
    let mut to = 0;
    while to < ws.len() && (to == 0 || total + ws[to].len() <= max) {
        total += ws[to].len();
        to += 1;
    }
    &ws[..to]
}

/// The topic of a section from its heading: "（一）做好城乡最低生活保障工作。" → 城乡最低生活保障.
pub fn topic(heading: &str) -> String {
    let text = match super::structure::heading_marker(heading) {
        Some((_, _, len)) => &heading[len..],
        None => heading,
    };
    let first = text.split(['，', ',', '。', '；', '：']).next().unwrap_or(text);
    let mut ws = words::words(&clean(first));
    // 特困人员供养和运营维护 → 特困人员供养: the first of two things named.
    if let Some(at) = ws.iter().position(|w| matches!(w.text.as_str(), "和" | "与" | "及")) {
        if ws[..at].iter().map(Word::len).sum::<usize>() >= 2 {
            ws.truncate(at);
        }
    }
    const VERBS: [&str; 44] = [
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
        "全力",
        "努力",
        "积极",
        "不断",
    ];
    let chars = |ws: &[Word]| ws.iter().map(Word::len).sum::<usize>();
    loop {
        let n = ws.len();
        // 继续夯实社会救助工作: the verbs before what the section is about.
        while ws.len() > 1 && (VERBS.contains(&ws[0].text.as_str()) || ws[0].leads()) && chars(&ws[1..]) >= 2 {
            ws.remove(0);
        }
        if ws.len() > 1 && ws.last().is_some_and(|w| w.text == "工作") {
            ws.pop();
        }
        if ws.len() == n {
            break;
        }
    }
    // 城镇新增就业稳步增长 → 城镇新增就业: what the heading says of its subject goes (an adverb,
    // an idiom, an adjective last).
    // The tail from the first adverb, idiom or adjective on, when no noun follows it.
    let predicate = |w: &Word| matches!(w.tag.as_str(), "d" | "ad" | "vd" | "i" | "z" | "a");
    // After an adverb (不断完善), a verbal noun is still what is said of the subject.
    let said = |i: usize, w: &Word| {
        !w.is_nominal() || predicate(w) || (w.tag == "vn" && matches!(ws[i].tag.as_str(), "d" | "ad" | "vd"))
    };
    // 持续发力, 稳步推进: an adverb and one word last are a predicate, whatever the word's tag.
    let adverb_last = |i: usize| matches!(ws[i].tag.as_str(), "d" | "ad" | "vd") && i + 2 == ws.len();
    if let Some(at) =
        (1..ws.len()).find(|&i| predicate(&ws[i]) && (adverb_last(i) || ws[i..].iter().all(|w| said(i, w))))
    {
        if chars(&ws[..at]) >= 2 && ws[..at].iter().any(Word::is_nominal) {
            ws.truncate(at);
        }
    }
    while ws.len() > 1
        && ws.last().is_some_and(|w| matches!(w.tag.as_str(), "a" | "ad"))
        && chars(&ws[..ws.len() - 1]) >= 2
    {
        ws.pop();
    }
    // A long heading: its longest run of nouns (多维度突出核心功能 → 核心功能), the last of equals.
    if chars(&ws) > 8 {
        let mut best: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < ws.len() {
            let j = (i..ws.len()).find(|&j| !ws[j].is_nominal()).unwrap_or(ws.len());
            let size = chars(&ws[i..j]);
            if (2..=8).contains(&size) && best.is_none_or(|(a, b)| size >= chars(&ws[a..b])) {
                best = Some((i, j));
            }
            i = j.max(i + 1);
        }
        if let Some((a, b)) = best {
            ws = ws[a..b].to_vec();
        }
    }
    let short: String = leading(&ws, 8).iter().map(|w| w.text.as_str()).collect();
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

/// Verbs that take a measure from one value to another: 由70%降至60%.
const CHANGES_TO: [&str; 26] = [
    "降至",
    "降到",
    "降低至",
    "降低到",
    "下降至",
    "下降到",
    "减少至",
    "减少到",
    "减至",
    "升至",
    "上升至",
    "上升到",
    "提高至",
    "提高到",
    "提升至",
    "提升到",
    "增加至",
    "增加到",
    "增长至",
    "增长到",
    "增至",
    "扩大至",
    "扩大到",
    "缩短至",
    "缩短到",
    "变为",
];

/// The verb between two numbers that says the second is the first one's measure changed
/// (70%降至60% → 降至), after the first one's unit.
pub fn change_to(between: &str) -> Option<&'static str> {
    let rest = between.trim_start_matches(['%', '％', ' ']);
    let rest = super::numbers::unit_at_start(rest).map_or(rest, |u| &rest[u.len()..]);
    let rest = rest.strip_prefix(['余', '多']).unwrap_or(rest);
    CHANGES_TO.iter().find(|v| clean(rest) == **v).copied()
}

/// Other names for a figure whose proposed name another figure has, from its own words: what
/// the words after the number name (党员35名，其中新发展 → …), the clause's words before it
/// without its numbers, the part (一、) it is in.
pub fn alternatives(proposed: &str, clause: &str, after: &str, part: &str) -> Vec<String> {
    let (group, key) = proposed.split_once('.').unwrap_or(("报告", proposed));
    let mut out = Vec::new();
    // After the number and its unit: the words up to the next number or stop.
    let rest = after.trim_start_matches(['%', '％', ' ', '万', '亿']);
    let rest = super::numbers::unit_at_start(rest).map_or(rest, |u| &rest[u.len()..]);
    let rest = rest.trim_start_matches(['余', '多']);
    let end = rest
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || "，,。；;：:、！？（）()“”\"《》 ".contains(*c))
        .map_or(rest.len(), |(i, _)| i);
    let ws = trim(words::words(&clean(&rest[..end])));
    let nominal = ws.iter().take_while(|w| w.is_nominal()).count();
    let named = leading(&ws[..nominal], 8);
    if names_something(named) {
        let words: String = named.iter().map(|w| w.text.as_str()).collect();
        out.push(format!("{group}.{words}{key}"));
    }
    // The clause's words before the number, its other numbers and their units left out.
    let mut plain = String::new();
    let mut chars = clause.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            let next = &clause[i + c.len_utf8()..];
            if !next.starts_with(|n: char| n.is_ascii_digit() || n == '.') {
                if let Some(u) = super::numbers::unit_at_start(next) {
                    for _ in 0..u.chars().count() {
                        chars.next();
                    }
                }
            }
            continue;
        }
        plain.push(c);
    }
    let words = phrase(&plain, 14);
    if !words.is_empty() && words != group && !key.starts_with(&words) {
        out.push(format!("{group}.{words}{key}"));
    }
    if !part.is_empty() && part != "报告" && part != group {
        out.push(format!("{part}.{group}{key}"));
    }
    out
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
    // 人数同比下降: a measure's change; 固定资产投资增长 names its own subject.
    let changes = is_change(subject)
        || CHANGES.iter().any(|c| subject.find(c).is_some_and(|at| subject[..at].chars().count() <= 3));
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

    /// Issue 25: no word cut, no function word for a subject.
    #[test]
    fn names_are_whole_words() {
        assert_eq!(subject("深层次深化改革提升区属国企资产总额"), "区属国企资产总额");
        assert_eq!(topic("（二）多维度突出核心功能"), "核心功能");
        assert_eq!(topic("（一）城镇新增就业稳步增长。"), "城镇新增就业");
        assert_eq!(topic("（三）教师队伍建设不断加强。"), "教师队伍建设");
        assert_eq!(topic("（二）创业担保贷款持续发力。"), "创业担保贷款");
        assert_eq!(topic("五、立足重点工程建设，谋划民政长远发展"), "重点工程建设");
        for nothing in ["按照", "去存", "其中", "由", "较", "比", "同比"] {
            assert_eq!(subject(nothing), "", "{nothing}");
        }
        assert_eq!(subject("完成率由"), "完成率");
        assert_eq!(subject("其中公办园"), "公办园");
        assert_eq!(subject("新建运动场地"), "新建运动场地");
        assert_eq!(subject("参保率达"), "参保率");
        assert_eq!(subject("义务教育巩固率保持在"), "义务教育巩固率");
        assert_eq!(subject("全县共有幼儿园"), "幼儿园");
        assert_eq!(subject("其中因病救助"), "因病救助");
        assert_eq!(after("年6月底前完成医共体总医院挂牌运行"), "完成医共体总医院");
        assert_eq!(change_to("%降至"), Some("降至"));
        assert_eq!(change_to("个，"), None);
        assert_eq!(
            alternatives("党的领导.个数", "新建", "个党支部，", "加强党的建设"),
            ["党的领导.党支部个数", "党的领导.新建个数", "加强党的建设.党的领导个数"]
        );
    }
}
