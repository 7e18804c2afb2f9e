//! Import stage 3: the numbers of a paragraph and what each one is: a year, a month, a date, a
//! count with its unit, money, a percentage, a quantity, a magnitude (31.36万人), an approximate
//! form (2500余人, 约3000人). Numbers inside 《…》 titles and in names and codes (12345热线,
//! H1N1, 〔2024〕3号) stay text.

use crate::model::Kind;
use chrono::NaiveDate;

/// How a number's figure is written in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range of the text the figure replaces.
    pub start: usize,
    /// End of that range.
    pub end: usize,
    /// The figure's kind.
    pub kind: Kind,
    /// The catalog unit (户, 万元, 万人…), none for years, months, dates, plain numbers.
    pub unit: Option<String>,
    /// Decimals the report shows.
    pub decimals: Option<u32>,
    /// The value as the data file gives it.
    pub value: String,
    /// The template filter, if any: `余("百")`, `日期`, `月日`.
    pub filter: Option<String>,
    /// What the figure means, for its name: 户数, 金额, 年份…
    pub attr: String,
    /// A number with a meaning of its own in any paragraph (截至6月, a period's months).
    pub role: Role,
    /// A reading the user should check ("2500余" read as 余(百) of 2500).
    pub note: Option<String>,
}

/// Numbers whose name does not come from the words before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An ordinary figure.
    Plain,
    /// 截至6月: the month the figures run to.
    AsOfMonth,
    /// 1—6月: the first month of a range.
    FirstMonth,
}

/// Units after which a number is a measure with decimals (a quantity).
const MEASURES: [&str; 23] = [
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "个百分点",
    "百分点",
    "公顷",
    "公里",
    "千米",
    "千克",
    "公斤",
    "千瓦",
    "小时",
    "分钟",
    "亩",
    "米",
    "吨",
    "倍",
    "度",
    "克",
    "升",
    "㎡",
    "km",
];
/// Units after which a number counts things (a count, whole).
const COUNTS: [&str; 70] = [
    "人次", "户次", "个月", "周岁", "批次", "课时", "人", "户", "个", "家", "所", "张", "对", "例", "名", "位", "次",
    "项", "件", "条", "座", "处", "块", "台", "辆", "套", "间", "栋", "批", "期", "场", "支", "本", "册", "份", "篇",
    "起", "宗", "只", "头", "棵", "株", "具", "床", "届", "年", "天", "日", "周", "节", "门", "校", "班", "类", "种",
    "轮", "组", "队", "段", "根", "盏", "岁", "片", "趟", "幅", "部", "首", "枚", "层", "级",
];
/// Words after a number that make it a name or a code, not a figure.
const CODE_AFTER: [&str; 8] = ["热线", "专线", "报警", "急救", "号", "路", "国道", "省道"];
/// Range signs between two numbers: 1—6月, 2019-2021年, 2019至2021年.
const RANGE: [char; 7] = ['—', '–', '-', '－', '~', '～', '至'];

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// ASCII digits for full-width ones.
fn fold(text: &str) -> String {
    crate::values::units::fold_width(text)
}

/// A number written in the text: its byte range and its digits as written.
#[derive(Debug, Clone, Copy)]
struct Num {
    start: usize,
    end: usize,
}

/// Reads the number starting at byte `i`: digits, one decimal point, thousands groups.
fn number_at(text: &str, i: usize) -> Num {
    let mut end = i;
    let mut chars = text[i..].char_indices().peekable();
    let mut seen_point = false;
    while let Some((off, c)) = chars.next() {
        if is_digit(c) {
            end = i + off + c.len_utf8();
            continue;
        }
        let next_is_digit = chars.peek().is_some_and(|(_, n)| is_digit(*n));
        if (c == '.' || c == '．') && !seen_point && next_is_digit {
            seen_point = true;
            continue;
        }
        // 1,234: a comma followed by exactly three digits.
        if c == ',' && !seen_point && next_is_digit {
            let rest = &text[i + off + 1..];
            let group = rest.chars().take_while(|c| is_digit(*c)).count();
            if group == 3 {
                continue;
            }
        }
        break;
    }
    Num { start: i, end }
}

/// The text's numbers and their figures, in order, not overlapping. `year` is the report's year,
/// for dates written without one (3月15日).
pub fn scan(text: &str, year: i32) -> Vec<Found> {
    let mut found = Vec::new();
    let mut title_depth = 0i32;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        match c {
            '《' => title_depth += 1,
            '》' => title_depth = (title_depth - 1).max(0),
            _ => {}
        }
        if !is_digit(c) {
            // 九成, 十余场, 六千余万元: Chinese numerals that state a quantity.
            if title_depth == 0 {
                if let Some(f) = chinese(text, i) {
                    i = f.end;
                    found.push(f);
                    continue;
                }
            }
            i += c.len_utf8();
            continue;
        }
        let num = number_at(text, i);
        if title_depth > 0 || is_code(text, num) {
            // Skip the whole run of letters and digits.
            let mut end = num.end;
            while let Some(n) = text[end..].chars().next().filter(|n| n.is_ascii_alphanumeric() || is_digit(*n)) {
                end += n.len_utf8();
            }
            i = end;
            continue;
        }
        if let Some(end) = misgrouped(text, num) {
            // 1,2345 or 12,34: digits grouped as no one writes them. Which number is meant
            // cannot be told, so the text stays as written rather than becoming two figures.
            i = end;
            continue;
        }
        let mut more = classify(text, num, year);
        i = more.last().map_or(num.end, |f| f.end).max(num.end);
        found.append(&mut more);
    }
    ranges(text, &mut found);
    found
}

/// Where a run of digits and commas ends when a comma inside it is not a thousands separator
/// (`1,2345`, `12,34`); `None` for a number read whole.
fn misgrouped(text: &str, num: Num) -> Option<usize> {
    let rest = &text[num.end..];
    let mut after = rest.strip_prefix(',')?.chars();
    if !after.next().is_some_and(is_digit) {
        return None;
    }
    let run = rest.chars().take_while(|c| *c == ',' || is_digit(*c)).map(char::len_utf8).sum::<usize>();
    Some(num.end + run)
}

/// 2-3个, 15%-20%, 2至3万元: the two ends of a range are two figures of the same kind and unit
/// (the first takes the unit written after the second), 下限 and 上限 of what the unit counts. A
/// range of months (1—11月) is the period's, read in [`classify`].
fn ranges(text: &str, found: &mut [Found]) {
    for i in 1..found.len() {
        let (a, b) = (&found[i - 1], &found[i]);
        let plain = |f: &Found| {
            f.role == Role::Plain
                && f.filter.is_none()
                && matches!(f.kind, Kind::Count | Kind::Money | Kind::Percent | Kind::Quantity)
        };
        if !plain(a) || !plain(b) {
            continue;
        }
        // Between them: a range sign, after the first one's own % or unit if it repeats it.
        let between = &text[a.end..b.start];
        let own = match a.kind {
            Kind::Percent => between.strip_prefix(['%', '％']),
            _ => a.unit.as_deref().and_then(|u| between.strip_prefix(u)),
        }
        .unwrap_or(between);
        if own.chars().count() != 1 || !own.starts_with(RANGE) {
            continue;
        }
        let mut first = found[i - 1].clone();
        if own.len() == between.len() && first.unit.is_none() && first.kind != Kind::Percent {
            // 2-3个: the first end as if written with the second one's unit.
            let end = text[b.start..].find(|c: char| !is_digit(c) && c != '.').map_or(text.len(), |e| b.start + e);
            let synthetic = format!("{}{}", &text[first.start..first.end], &text[end..]);
            let num = Num { start: 0, end: first.end - first.start };
            let Some(mut read) = quantity(&synthetic, num, &text[..first.start]).pop() else { continue };
            if read.filter.is_some() || read.kind != b.kind || read.unit != b.unit {
                continue;
            }
            read.start = first.start;
            read.end = first.end;
            first = read;
        } else if first.kind != b.kind || first.unit != b.unit {
            continue;
        }
        first.attr = format!("{}下限", b.attr);
        found[i - 1] = first;
        found[i].attr = format!("{}上限", found[i].attr);
    }
}

/// The value of Chinese numerals: 九 → 9, 二十 → 20, 六千 → 6000, 一百零五 → 105 (below 万).
fn chinese_value(numerals: &str) -> Option<u64> {
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u64);
    let mut total = 0;
    let mut current: Option<u64> = None;
    for c in numerals.chars() {
        let place = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '零' => {
                current = None;
                continue;
            }
            '两' => {
                current = Some(2);
                continue;
            }
            _ => {
                current = Some(digit(c)?);
                continue;
            }
        };
        total += current.take().unwrap_or(1) * place;
    }
    Some(total + current.unwrap_or(0))
}

/// A quantity in Chinese numerals at byte `at`: 九成 (a percentage, written back by the 成
/// filter), 十余场 and 六千余万元 (a count or money, written back by the 中文数字 filter, 余 or 多
/// kept in the text). Ordinals and names (一是, 第三, 三农, 一站式, 十四五) stay text: only a
/// numeral that starts a word and is followed by 成 or by 余/多 and a unit is read.
fn chinese(text: &str, at: usize) -> Option<Found> {
    const NUMERALS: &str = "〇零一二两三四五六七八九十百千";
    let before = text[..at].chars().next_back();
    if before.is_some_and(|c| NUMERALS.contains(c) || matches!(c, '第' | '初' | '万' | '亿') || c.is_ascii_digit())
    {
        return None;
    }
    let len: usize = text[at..].chars().take_while(|c| NUMERALS.contains(*c)).map(char::len_utf8).sum();
    if len == 0 {
        return None;
    }
    let numerals = &text[at..at + len];
    let n = chinese_value(numerals)?;
    // Written as the filter writes it (二十, not 廿 or 两十).
    if n == 0 || crate::values::words::chinese_number(n) != numerals {
        return None;
    }
    let rest = &text[at + len..];
    if !rest.starts_with(['成', '余', '多']) {
        return None;
    }
    // The words around: the numeral starts a word of the clause, and 九成 ends one (一成不变 is
    // no figure).
    const STOPS: [char; 7] = ['，', '。', '；', '：', '、', ',', ';'];
    let clause_start =
        text[..at].char_indices().rev().find(|(_, c)| STOPS.contains(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let clause_end = rest.find(STOPS).map_or(text.len(), |i| at + len + i);
    let cuts: Vec<usize> =
        super::words::boundaries(&text[clause_start..clause_end]).into_iter().map(|b| b + clause_start).collect();
    if !cuts.contains(&at) {
        return None;
    }
    if rest.starts_with('成') && (1..=10).contains(&n) {
        let end = at + len + '成'.len_utf8();
        if !cuts.contains(&end) {
            return None;
        }
        let mut f = plain(at, end, Kind::Percent, format!("{}%", n * 10), "比例");
        f.decimals = Some(0);
        f.filter = Some("成".into());
        return Some(f);
    }
    let approx = rest.strip_prefix('余').or_else(|| rest.strip_prefix('多'))?;
    let (kind, unit) = if let Some(u) = ["亿元", "万元", "千元", "元"].into_iter().find(|u| approx.starts_with(u))
    {
        (Kind::Money, u.to_string())
    } else if let Some(u) = longest(approx, &MEASURES) {
        (Kind::Quantity, u.to_string())
    } else if let Some(u) = longest(approx, &COUNTS) {
        (Kind::Count, u.to_string())
    } else {
        return None;
    };
    let mut f = plain(at, at + len, kind, n.to_string(), &attribute(kind, &unit));
    match kind {
        Kind::Money => {
            f.value = format!("{n}{unit}");
            f.decimals = Some(0);
        }
        Kind::Quantity => f.decimals = Some(0),
        _ => {}
    }
    f.unit = Some(unit);
    f.filter = Some("中文数字".into());
    Some(f)
}

/// A number that is part of a name or code: next to Latin letters (H1N1, 5G, COVID-19), in a
/// document number (〔2024〕3号), or before 热线 and the like (12345热线, 110报警).
fn is_code(text: &str, num: Num) -> bool {
    let before = &text[..num.start];
    let after = &text[num.end..];
    let prev = before.chars().next_back();
    let next = after.chars().next();
    let letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    let prev_letter = letter(prev) || (prev == Some('-') && letter(before[..before.len() - 1].chars().next_back()));
    prev_letter
        || letter(next)
        || matches!(prev, Some('〔' | '[' | '【'))
        || matches!(next, Some('〕' | ']' | '】'))
        || CODE_AFTER.iter().any(|w| after.starts_with(w) && !(*w == "号" && before.ends_with('月')))
        || before.ends_with("拨打")
}

fn digits(text: &str, n: Num) -> String {
    fold(&text[n.start..n.end])
}

fn decimals_of(number: &str) -> Option<u32> {
    number.split_once('.').map(|(_, d)| d.len() as u32)
}

/// A plain number read as a small whole number.
fn small(text: &str, n: Num) -> Option<u32> {
    let d = digits(text, n);
    if d.len() > 2 || d.contains(['.', ',']) {
        return None;
    }
    d.parse().ok()
}

/// A four-digit year (1900–2100).
fn year_of(text: &str, n: Num) -> Option<i32> {
    let d = digits(text, n);
    (d.len() == 4).then(|| d.parse().ok()).flatten().filter(|y| (1900..=2100).contains(y))
}

fn plain(start: usize, end: usize, kind: Kind, value: String, attr: &str) -> Found {
    Found {
        start,
        end,
        kind,
        unit: None,
        decimals: None,
        value,
        filter: None,
        attr: attr.to_string(),
        role: Role::Plain,
        note: None,
    }
}

/// The figure (or figures, for a range) a number starts.
fn classify(text: &str, num: Num, year: i32) -> Vec<Found> {
    let after = &text[num.end..];
    let before = &text[..num.start];
    // A number with a leading zero (07月) keeps its form: a text figure.
    let d = digits(text, num);
    // 2024年7月5日, 2024年7月 (a year, then a month), 2024年.
    if let Some(y) = year_of(text, num) {
        if after.starts_with('年') {
            let base = num.end + '年'.len_utf8();
            if let Some((m, day, end)) = month_day(text, base) {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, day) {
                    let mut f = plain(num.start, end, Kind::Date, date.to_string(), "日期");
                    f.filter = Some("日期".into());
                    return vec![f];
                }
            }
            // 2019年至2020年: the years a span starts and ends in.
            let next =
                after_range(text, base).filter(|n| year_of(text, *n).is_some() && text[n.end..].starts_with('年'));
            let attr = if next.is_some() {
                "起始年份"
            } else if before.strip_suffix(RANGE).is_some_and(|b| b.ends_with('年')) {
                "结束年份"
            } else {
                "年份"
            };
            return vec![plain(num.start, num.end, Kind::Year, d, attr)];
        }
        // 2019—2021年: the first year of a range.
        if let Some(next) = after_range(text, num.end) {
            if year_of(text, next).is_some() && text[next.end..].starts_with('年') {
                return vec![plain(num.start, num.end, Kind::Year, d, "起始年份")];
            }
        }
    }
    if d.starts_with('0') && d.len() > 1 && !d.starts_with("0.") {
        return vec![text_figure(text, num)];
    }
    // 3月15日 (a date in the report's year), 6月, 1—6月.
    if let Some(m) = small(text, num).filter(|m| (1..=12).contains(m)) {
        if let Some((mm, day, end)) = month_day(text, num.start) {
            if let Some(date) = NaiveDate::from_ymd_opt(year, mm, day) {
                let mut f = plain(num.start, end, Kind::Date, date.to_string(), "日期");
                f.filter = Some("月日".into());
                f.note = Some(format!("{}：{}", &text[num.start..end], date));
                return vec![f];
            }
        }
        if after.starts_with('月') {
            let mut f = plain(num.start, num.end, Kind::Month, m.to_string(), "月份");
            // 截至6月, 截至2024年6月.
            let lead = before.trim_end_matches('年').trim_end_matches(|c: char| c.is_ascii_digit());
            // 截至6月, and the end of a range (1—6月).
            let as_of = ["截至", "截止", "截止到", "截至到"].iter().any(|w| before.ends_with(w) || lead.ends_with(w));
            if as_of || before.ends_with(RANGE) {
                f.role = Role::AsOfMonth;
            }
            return vec![f];
        }
        if let Some(next) = after_range(text, num.end) {
            if small(text, next).is_some_and(|n| (1..=12).contains(&n)) && text[next.end..].starts_with('月') {
                let mut f = plain(num.start, num.end, Kind::Month, m.to_string(), "起始月份");
                f.role = Role::FirstMonth;
                return vec![f];
            }
        }
    }
    quantity(text, num, before)
}

/// `M月D日` starting at byte `at`: month, day and the end of 日.
fn month_day(text: &str, at: usize) -> Option<(u32, u32, usize)> {
    let m = number_at(text, at);
    if m.end == m.start || !text[m.end..].starts_with('月') {
        return None;
    }
    let day_at = m.end + '月'.len_utf8();
    let d = number_at(text, day_at);
    if d.end == d.start || !text[d.end..].starts_with('日') {
        return None;
    }
    let (month, day) = (small(text, m)?, small(text, d)?);
    // 07月05日 keeps its zeros only as text.
    if digits(text, m).starts_with('0') || digits(text, d).starts_with('0') {
        return None;
    }
    Some((month, day, d.end + '日'.len_utf8()))
}

/// The number after a range sign (1—6月), if there is one.
fn after_range(text: &str, at: usize) -> Option<Num> {
    let c = text[at..].chars().next()?;
    if !RANGE.contains(&c) {
        return None;
    }
    let start = at + c.len_utf8();
    let next = number_at(text, start);
    (next.end > next.start).then_some(next)
}

/// A number shown as it is written: a text figure (grouped 1,234, a leading zero).
fn text_figure(text: &str, num: Num) -> Found {
    let shown = text[num.start..num.end].to_string();
    let mut f = plain(num.start, num.end, Kind::Text, shown.clone(), "数");
    f.note = Some(shown);
    f
}

/// Counts, money, percentages and quantities: the unit after the number (after spaces, a
/// magnitude 万/亿 and an approximate 余/多), and 约/近/超 before it.
fn quantity(text: &str, num: Num, before: &str) -> Vec<Found> {
    // 1,132.92亿元: the figure's value without the separators, written back grouped.
    let written = digits(text, num);
    let grouped = written.contains(',');
    let number = written.replace(',', "");
    let spaces = text[num.end..].len() - text[num.end..].trim_start_matches(' ').len();
    let after_spaces = num.end + spaces;
    let rest = &text[after_spaces..];
    // Magnitude: 万/亿 (not 万元/亿元, which are units of money).
    let (magnitude, mag_len) = match rest.chars().next() {
        Some('万') if !rest.starts_with("万元") => ("万", '万'.len_utf8()),
        Some('亿') if !rest.starts_with("亿元") => ("亿", '亿'.len_utf8()),
        _ => ("", 0),
    };
    let after_mag = &rest[mag_len..];
    let approx_after = match after_mag.chars().next() {
        Some('余') => Some("余"),
        Some('多') => Some("多"),
        _ => None,
    };
    let approx_before = match before.chars().next_back() {
        Some('约') => Some("约"),
        Some('近') => Some("近"),
        Some('超') => Some("超"),
        _ => None,
    };
    let approx = approx_after.or(approx_before);
    let unit_at = after_spaces + mag_len + approx_after.map_or(0, str::len);
    let unit_text = &text[unit_at..];
    let unit_text = unit_text.trim_start_matches(' ');
    let (kind, unit) = if unit_text.starts_with(['%', '％']) && magnitude.is_empty() {
        (Kind::Percent, String::new())
    } else if let Some(u) = ["亿元", "万元", "千元", "元"].iter().find(|u| unit_text.starts_with(*u)) {
        (Kind::Money, u.to_string())
    } else if let Some(u) = longest(unit_text, &MEASURES) {
        (Kind::Quantity, u.to_string())
    } else if let Some(u) = longest(unit_text, &COUNTS) {
        (Kind::Count, u.to_string())
    } else {
        (Kind::Count, String::new())
    };
    if unit.is_empty() && kind == Kind::Count && magnitude.is_empty() && is_service_number(&number) {
        return Vec::new();
    }
    let decimals = decimals_of(&number);
    let attr = attribute(kind, &unit);
    // What the figure's expression covers: the number, and with an approximate filter the word
    // and magnitude it writes.
    let mut found = plain(num.start, num.end, kind, String::new(), &attr);
    found.decimals = decimals;
    // A magnitude with nothing after it (达3万) or before money stays in the text.
    let magnitude_unit = !magnitude.is_empty() && kind != Kind::Money && !unit.is_empty();
    match kind {
        Kind::Percent => found.value = format!("{number}%"),
        Kind::Money => {
            // 3.5万余元: the magnitude belongs to the money's unit.
            let unit = if unit == "元" && !magnitude.is_empty() { format!("{magnitude}元") } else { unit.clone() };
            found.unit = Some(unit.clone());
            found.value = format!("{number}{unit}");
            found.decimals = Some(decimals.unwrap_or(0));
        }
        _ => {
            let base_unit = if magnitude_unit { format!("{magnitude}{unit}") } else { unit.clone() };
            let whole_in_base = decimals.is_none()
                || (magnitude_unit && decimals.unwrap_or(0) <= if magnitude == "万" { 4 } else { 8 });
            if kind == Kind::Quantity || !whole_in_base {
                found.kind = Kind::Quantity;
                found.decimals = Some(decimals.unwrap_or(0));
            } else if magnitude_unit {
                found.decimals = Some(decimals.unwrap_or(0));
            } else {
                found.decimals = None;
            }
            found.unit = (!base_unit.is_empty()).then_some(base_unit.clone());
            found.value = if magnitude_unit { format!("{number}{base_unit}") } else { number.clone() };
        }
    }
    if grouped {
        found.filter = Some("千分位".into());
        return vec![found];
    }
    // 2500余人, 约3000人, 3万余人: the approximate filters, at the place the number is rounded to.
    if let (Some(word), None) = (approx, decimals) {
        if let Some(f) =
            approximate(text, num, &number, magnitude, magnitude_unit, word, approx_before.is_some(), &found)
        {
            return vec![f];
        }
    }
    // The figure covers the number; its unit (and 万 of 31.36万人) stays in the text.
    vec![found]
}

/// The approximate filter for `2500余`, `约3000`, `3万余`: the figure holds the number itself (in
/// the base unit for 万) and the filter writes it back rounded at its place.
#[allow(clippy::too_many_arguments)]
fn approximate(
    text: &str,
    num: Num,
    number: &str,
    magnitude: &str,
    magnitude_unit: bool,
    word: &str,
    before: bool,
    found: &Found,
) -> Option<Found> {
    let n: u64 = number.parse().ok()?;
    if n == 0 {
        return None;
    }
    let (place, value) = match magnitude {
        "万" => ("万", n.checked_mul(10_000)?),
        "亿" => ("亿", n.checked_mul(100_000_000)?),
        _ => {
            let place = [("千", 1000), ("百", 100), ("十", 10)].into_iter().find(|(_, p)| n % p == 0)?.0;
            (place, n)
        }
    };
    let mut f = found.clone();
    // The magnitude goes into the filter's output, so the unit is the base one (人, not 万人).
    if magnitude_unit || !magnitude.is_empty() {
        let base = f.unit.as_deref().map(|u| u.trim_start_matches(magnitude).to_string()).filter(|u| !u.is_empty());
        f.unit = base;
        f.decimals = None;
    }
    if f.kind == Kind::Money {
        f.value = format!("{value}{}", f.unit.clone().unwrap_or_default());
    } else {
        f.value = value.to_string();
    }
    let word_len = word.len();
    let mag_len = magnitude.len();
    if before {
        f.start = num.start - word_len;
        f.end = num.end + mag_len;
    } else {
        f.end = num.end + mag_len + word_len;
        // Spaces between the number and 余 would be lost: only when written together.
        if !text[num.end..].starts_with(&format!("{magnitude}{word}")) {
            return None;
        }
    }
    f.filter = Some(format!("{word}(\"{place}\")"));
    f.note = Some(format!("{}|{word}({place})|{value}", &text[f.start..f.end]));
    Some(f)
}

/// The unit a text starts with (户, 万元, 平方米…), if any.
pub fn unit_at_start(text: &str) -> Option<&'static str> {
    const MONEY: [&str; 4] = ["亿元", "万元", "千元", "元"];
    [&MONEY[..], &MEASURES[..], &COUNTS[..]]
        .into_iter()
        .filter_map(|units| longest(text, units))
        .max_by_key(|u| u.len())
}

/// Service numbers that are names, not figures: 110, 12345 and the like, when no unit follows.
fn is_service_number(number: &str) -> bool {
    matches!(number, "110" | "119" | "120" | "122" | "114" | "999")
        || (number.len() == 5 && number.starts_with("123"))
        || (number.len() == 5 && number.starts_with("96"))
}

fn longest<'a>(text: &str, units: &[&'a str]) -> Option<&'a str> {
    units.iter().filter(|u| text.starts_with(**u)).max_by_key(|u| u.len()).copied()
}

/// The word a name gives a figure of this kind and unit: 户 → 户数, 万元 → 金额.
pub fn attribute(kind: Kind, unit: &str) -> String {
    let base = crate::values::units::Unit::split(unit).base;
    match kind {
        Kind::Money => "金额".into(),
        Kind::Percent => "比例".into(),
        Kind::Year => "年份".into(),
        Kind::Month => "月份".into(),
        Kind::Date => "日期".into(),
        Kind::Text => "数".into(),
        _ => match base.as_str() {
            "" => "数".into(),
            "人" | "名" | "位" => "人数".into(),
            "人次" | "户次" | "批次" => base,
            "周岁" | "岁" => "年龄".into(),
            "个月" | "年" | "天" | "日" | "小时" => "时长".into(),
            "亩" | "平方米" | "平方公里" | "平方千米" | "公顷" | "㎡" => "面积".into(),
            "个百分点" | "百分点" => "百分点".into(),
            "倍" => "倍数".into(),
            "公里" | "千米" | "米" | "km" => "长度".into(),
            "吨" | "千克" | "公斤" | "克" => "重量".into(),
            b => format!("{b}数"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Shown = (String, Kind, Option<String>, Option<u32>, String, Option<String>);

    fn shown(text: &str) -> Vec<Shown> {
        scan(text, 2024)
            .into_iter()
            .map(|f| (text[f.start..f.end].to_string(), f.kind, f.unit, f.decimals, f.value, f.filter))
            .collect()
    }

    #[test]
    fn kinds_units_and_decimals() {
        let s = |t: &str, k: Kind, u: Option<&str>, d: Option<u32>, v: &str, f: Option<&str>| {
            (t.to_string(), k, u.map(String::from), d, v.to_string(), f.map(String::from))
        };
        assert_eq!(
            shown("截至6月，全县城乡低保11900户20750人，累计发放低保金6584.32万元，集中供养率达到64.35%。"),
            vec![
                s("6", Kind::Month, None, None, "6", None),
                s("11900", Kind::Count, Some("户"), None, "11900", None),
                s("20750", Kind::Count, Some("人"), None, "20750", None),
                s("6584.32", Kind::Money, Some("万元"), Some(2), "6584.32万元", None),
                s("64.35", Kind::Percent, None, Some(2), "64.35%", None),
            ]
        );
        assert_eq!(
            shown("2024年7月5日，156.0万元，31.36万人，用地60亩，服务2500余人，约3000人，3万余人，3月15日"),
            vec![
                s("2024年7月5日", Kind::Date, None, None, "2024-07-05", Some("日期")),
                s("156.0", Kind::Money, Some("万元"), Some(1), "156.0万元", None),
                s("31.36", Kind::Count, Some("万人"), Some(2), "31.36万人", None),
                s("60", Kind::Quantity, Some("亩"), Some(0), "60", None),
                s("2500余", Kind::Count, Some("人"), None, "2500", Some("余(\"百\")")),
                s("约3000", Kind::Count, Some("人"), None, "3000", Some("约(\"千\")")),
                s("3万余", Kind::Count, Some("人"), None, "30000", Some("余(\"万\")")),
                s("3月15日", Kind::Date, None, None, "2024-03-15", Some("月日")),
            ]
        );
    }

    /// Issue 25, item 7: grouped digits, ranges, rates, 由…降至…, Chinese numerals.
    #[test]
    fn forms_reports_write() {
        let s = |t: &str, k: Kind, u: Option<&str>, d: Option<u32>, v: &str, f: Option<&str>| {
            (t.to_string(), k, u.map(String::from), d, v.to_string(), f.map(String::from))
        };
        assert_eq!(
            shown("完成1,132.92亿元，设置2-3个岗位，占比15%-20%，补贴880元/月、8700元/年，由70%降至60%"),
            vec![
                s("1,132.92", Kind::Money, Some("亿元"), Some(2), "1132.92亿元", Some("千分位")),
                s("2", Kind::Count, Some("个"), None, "2", None),
                s("3", Kind::Count, Some("个"), None, "3", None),
                s("15", Kind::Percent, None, None, "15%", None),
                s("20", Kind::Percent, None, None, "20%", None),
                s("880", Kind::Money, Some("元"), Some(0), "880元", None),
                s("8700", Kind::Money, Some("元"), Some(0), "8700元", None),
                s("70", Kind::Percent, None, None, "70%", None),
                s("60", Kind::Percent, None, None, "60%", None),
            ]
        );
        let attrs: Vec<String> = scan("设置2-3个岗位，占比15%-20%", 2024).into_iter().map(|f| f.attr).collect();
        assert_eq!(attrs, ["个数下限", "个数上限", "比例下限", "比例上限"]);
        assert_eq!(
            shown("九成以上的项目，开展宣讲十余场，争取资金六千余万元，二十多个村"),
            vec![
                s("九成", Kind::Percent, None, Some(0), "90%", Some("成")),
                s("十", Kind::Count, Some("场"), None, "10", Some("中文数字")),
                s("六千", Kind::Money, Some("万元"), Some(0), "6000万元", Some("中文数字")),
                s("二十", Kind::Count, Some("个"), None, "20", Some("中文数字")),
            ]
        );
        // 1—11月 is the period's months, not a quantity.
        let months: Vec<(Kind, Role)> = scan("1—11月，1-11月", 2024).into_iter().map(|f| (f.kind, f.role)).collect();
        assert_eq!(months, [(Kind::Month, Role::FirstMonth), (Kind::Month, Role::AsOfMonth)].repeat(2));
    }

    #[test]
    fn names_codes_and_titles_stay_text() {
        assert!(shown("拨打12345热线，防控H1N1，出台《2024年工作方案》，〔2024〕3号，5G基站").is_empty());
        assert_eq!(shown("1—6月").iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["1", "6"]);
        assert_eq!(shown("2019年至2021年")[0].1, Kind::Year);
        assert_eq!(shown("共1,234人")[0].5.as_deref(), Some("千分位"));
        // Grouped as no one writes: left as text, not split into 1 and 2345.
        assert!(shown("低保对象1,2345人，另有12,34户").is_empty());
        // Ordinals and names in Chinese numerals stay text.
        assert!(shown("一是抓好“三农”工作，第三季度，“十四五”规划，“一站式”服务，一成不变").is_empty());
        // 6月30号 is a day, 15号文件 a name.
        assert_eq!(shown("6月30号，15号文件").iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["6", "30"]);
    }
}
