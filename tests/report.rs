//! The sample report: built through the real binary and compared with the seed report it was
//! modelled on, sentence for sentence.

mod common;
use common::*;

/// Place names of the real county the seed came from. The sample county is fictional, so the
/// template takes these from data (县情.yaml) like any figure: they are slots here too.
const SEED_PLACE_NAMES: [&str; 7] = ["东北新城", "孚玉镇", "玉龙社区", "巴黎商都", "宿松", "五里乡", "牌楼村"];

/// The seed's paragraphs, with the scraped ASCII punctuation made full-width as the report
/// writes it, and each run of redacted x (a figure or a redacted word) as a wildcard.
fn seed_patterns() -> Vec<(String, String)> {
    let seed = std::fs::read_to_string(fixture("seed.txt")).unwrap();
    seed.lines()
        .skip(1) // the title: checked separately, the bureau's name comes before it
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut line_with_slots = line.to_string();
            for name in SEED_PLACE_NAMES {
                line_with_slots = line_with_slots.replace(name, "x");
            }
            // A redacted decimal (xxx.x) is one figure: the report writes it without the
            // trailing zeros nobody writes (156万元 where the original showed 156.0).
            while let Some(at) = line_with_slots.find("x.x") {
                line_with_slots.replace_range(at..at + 3, "x");
            }
            let normal: String = line_with_slots
                .replace("x-x", "x—x")
                .chars()
                .map(|c| match c {
                    ',' => '，',
                    '(' => '（',
                    ')' => '）',
                    ':' => '：',
                    ';' => '；',
                    c => c,
                })
                .filter(|c| *c != ' ')
                .collect();
            (line.to_string(), normal)
        })
        .collect()
}

/// The report line without the year-on-year clauses the template adds to the seed's sentences:
/// "（人数同比下降2.6%）", "，同比增长3.4%", "，同比提高1.5个百分点".
fn without_comparisons(line: &str) -> String {
    let mut out = line.to_string();
    for (start, end) in [("（人数同比", "）"), ("，同比", "个百分点"), ("，同比", "%"), ("，与去年同期", "持平")]
    {
        while let Some(i) = out.find(start) {
            let Some(j) = out[i..].find(end) else { break };
            let clause = &out[i..i + j + end.len()];
            // only a clause of figures and comparison words
            if clause.chars().any(|c| "；。，".contains(c) && !clause.starts_with(c)) {
                break;
            }
            out.replace_range(i..i + j + end.len(), "");
        }
    }
    out
}

/// Whether `text` is `pattern` with each run of x replaced by some non-empty text.
fn matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('x').filter(|p| !p.is_empty()).collect();
    let starts_with_x = pattern.starts_with('x');
    let ends_with_x = pattern.ends_with('x');
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        let found = if i == 0 && !starts_with_x {
            rest.starts_with(part).then_some(0)
        } else {
            // the filled-in figure must not be empty: skip at least one character
            let skip = rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0);
            rest.get(skip..).and_then(|r| r.find(part)).map(|i| i + skip)
        };
        let Some(at) = found else { return false };
        rest = &rest[at + part.len()..];
    }
    if ends_with_x {
        !rest.is_empty()
    } else {
        rest.is_empty()
    }
}

/// The seed's headings that issue 25 corrected (a typo, or a heading its sentence contradicts).
const HEADING_FIXES: [(&str, &str); 3] = [
    ("推进推进社区治理", "推进社区治理"),
    ("特困人员供养和运营维护工作", "做好特困人员救助供养工作"),
    ("建立老年人补贴制度", "落实高龄补贴制度"),
];

/// The seed's heading for a paragraph: the whole line when it has no 。, else the part up to it.
fn seed_heading(pattern: &str) -> Option<String> {
    let numbered = ["一、", "二、", "三、", "四、", "五、", "六、", "（", "1.", "2.", "3."];
    if !numbered.iter().any(|n| pattern.starts_with(n)) {
        return None;
    }
    let mut heading = match pattern.find('。') {
        Some(i) => pattern[..i + '。'.len_utf8()].to_string(),
        None => pattern.to_string(),
    };
    for (from, to) in HEADING_FIXES {
        heading = heading.replace(from, to);
    }
    Some(heading)
}

#[test]
fn sample_report_keeps_the_seed_structure_with_figures_filled_in() {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["build", "2024H1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = markdown(ws.path(), "2024H1");
    let doc = zongjie::render::document::parse(&md, "report.md").unwrap();
    assert_eq!(doc.title, "梧桐县民政局2024年上半年工作总结和下半年工作安排");
    assert!(doc.title.ends_with("上半年工作总结和下半年工作安排"));
    let text = doc.plain_text();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let patterns = seed_patterns();
    // Same paragraphs in the same order, each under the seed's heading (its typos corrected), then
    // the signature. The sentences themselves are the seed's with its typos and dated wording fixed.
    assert_eq!(lines.len(), patterns.len() + 2, "{text}");
    for (i, (original, pattern)) in patterns.iter().enumerate() {
        let Some(heading) = seed_heading(pattern) else { continue };
        let line = lines[i];
        assert!(
            line == heading || matches(&format!("{heading}x"), line),
            "seed paragraph {}:\n  seed:   {original}\n  report: {line}",
            i + 2
        );
    }
    assert_eq!(&lines[patterns.len()..], &["梧桐县民政局", "2024年7月5日"]);
    assert!(!md.contains('x'), "a placeholder x is left in the report");
    for ascii in [",", "(", ")", ";"] {
        assert!(!md.contains(ascii), "ASCII '{ascii}' in the report; the report writes full-width punctuation");
    }
}

/// Issue 25: what a reader checking the six sample reports looked for, for every period.
#[test]
fn sample_reports_have_no_seed_typos_and_agree_with_each_other() {
    let ws = sample_workspace_all();
    let out = zongjie(ws.path(), &["build", "--all", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let typos = [
        "推进推进",
        "进推进中",
        "命名不规范的问题。",
        "、等",
        "帐户",
        "村料",
        "一是未将",
        "周岁以上最低生活保障范围",
        "以奖补",
        "打造两个综合体建设",
        "实行应保尽保",
        "建立老年人补贴制度",
        "扶贫办",
        "新出台的未成年人保护法",
        "县城乡养老服务三级中心（站）运行意见",
        "流浪乞讨人员整治",
        // The second reading: sentences copied from the seed's year into every year.
        "逐步向其他乡镇推广",
        "等方面作用",
        "该项工作正在推进中",
    ];
    for period in ["2022H1", "2022", "2023H1", "2023", "2024H1", "2024"] {
        let md = markdown(ws.path(), period);
        for typo in typos {
            assert!(!md.contains(typo), "{period}: “{typo}” in the report");
        }
        // 同比 is not put in brackets: 20580人，人数同比下降2.7%.
        assert!(!md.contains("（人数同比") && !md.contains("（同比"), "{period}: a 同比 in brackets");
        let title = md.lines().next().unwrap();
        let year = &period[..4];
        assert!(title.contains(&format!("{year}年")), "{period}: the title carries the year: {title}");
        if period.ends_with("H1") {
            assert!(title.ends_with(&format!("{year}年上半年工作总结和下半年工作安排")), "{title}");
        } else {
            // Dated January of the next year: the reported year is 全年, its end 截至12月底.
            assert!(!md.contains("今年"), "{period}: an annual report says 今年");
            assert!(!md.contains("目前"), "{period}: an annual report says 目前");
        }
    }
    // A half year quotes last year's 护理费 from last year's annual data: the same value.
    let quoted = |md: &str, before: &str| {
        let at = md.find(before).unwrap_or_else(|| panic!("no “{before}” in\n{md}")) + before.len();
        md[at..].split("万元").next().unwrap().to_string()
    };
    let h1 = quoted(&markdown(ws.path(), "2024H1"), "2023年，承保单位共计支付护理费");
    let annual = quoted(&markdown(ws.path(), "2023"), "承保单位支付住院护理费");
    assert_eq!(h1, annual, "2024H1 and the 2023 annual report print the same 护理费");
    assert_eq!(h1, "41.8");
}

#[test]
fn sample_report_states_the_2024h1_figures() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build"]).status.success(), "the default period is the latest, 2024H1");
    let md = markdown(ws.path(), "2024H1");
    for expected in [
        "截至6月底，全县城乡低保11900户20750人，人数同比下降2.6%，累计发放低保金6584.32万元，同比增长3.4%。",
        "失能特困人员集中供养率达到64.35%，同比提高1.5个百分点。",
        "全县特困人员总数3724人，累计发放救助供养金2827.5万元。",
        "共拨付临时救助资金63.87万元，保障1389人次；拨付乡镇临时救助备用金156万元。",
        "2018年，我县推动深圳证券交易所设立“爱心救助专项基金”",
        "1—6月共发放困难残疾人生活补贴60910人次、重度残疾人护理补贴67721人次",
        "2023年，承保单位共计支付护理费41.8万元",
        "合计床位600张，建筑面积32000平方米。",
        "推动“自治、法治、德治”融合。",
        // Issue 25, second reading: the report says what happened since, with this period's data.
        "上半年清理整治不规范地名9处。二是推广地名文化。《梧桐地名故事》于2023年出版后，组织开展地名文化进校园、进社区活动，留住乡愁记忆。",
        "继续享受增加的5万元运营补贴，智慧养老服务已推广到8个乡镇。",
        "殡殓服务能力提升至6000具/年。",
        "2021年11月签订施工合同，2021年12月正式动工，工期2年。",
        "2022年委托三里乡人民政府实施征地拆迁，截至6月底，项目已完成立项和环评批复，初步设计已通过评审，正在编制施工图设计和项目概算。",
        "将着力推进项目开工前的各项准备工作，通过县发改委及时向上级发改部门申报项目建设资金，力争2025年开工建设。",
    ] {
        assert!(md.contains(expected), "missing: {expected}");
    }
}

/// The sentences issue 25's second reading changed in the other five sample reports.
#[test]
fn sample_reports_of_every_period_state_their_own_progress() {
    let ws = sample_workspace_all();
    let out = zongjie(ws.path(), &["build", "--all", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (period, expected) in [
        ("2022H1", "通过乡镇征集整理我县优秀地名故事，持续推进编纂工作，计划2023年完成定稿出版。"),
        ("2022H1", "登记志愿者48600余人，"),
        ("2022H1", "服务2300余人，补贴覆盖面达到86%。"),
        ("2024", "服务2500余人，补贴覆盖面达到91%；"),
        ("2022H1", "截至6月底，项目累计完成投资2900万元，占一期计划投资的43%；综合楼主体已完工，告别厅正在进行二层建设，火化间基础已完工、正在进行火化机烟道施工预埋，预计2023年12月全面完工。"),
        ("2022H1", "2022年委托三里乡人民政府实施征地拆迁，截至6月底，征地工作已基本完成。"),
        ("2023H1", "截至6月底，全县城乡低保12155户21304人，人数同比下降1.9%，累计发放低保金6367.81万元，同比增长5.2%。"),
        ("2023H1", "失能特困人员集中供养率达到62.84%，同比提高1.2个百分点。"),
        ("2023H1", "通过乡镇征集整理我县优秀地名故事，书稿已进入审校阶段，计划年内完成定稿出版。"),
        ("2023H1", "上半年清理整治不规范地名12处。"),
        ("2023H1", "截至6月底，征地拆迁已全面完成，项目已获立项批复，正在开展环境影响评价和方案设计。"),
        ("2022", "一是稳步提高保障标准。城市低保标准提高到每人每月680元，农村低保标准提高到每人每年7800元。"),
        ("2022", "截至12月底，征地拆迁工作已基本完成，正在推进立项、环评、设计等前期工作，并通过县发改委积极向上级申报项目建设资金。"),
        ("2023", "截至12月底，项目已完成立项和环评批复，初步设计正在编制，并通过县发改委积极向上级申报项目建设资金。"),
        ("2023", "智慧居家养老服务中心运行平稳，试点机构在原有日常运营补贴的基础上增加运营补贴5万元，智慧养老服务已推广到7个乡镇。"),
        ("2024", "建成后殡殓服务能力提升至6000具/年。"),
        ("2024", "截至12月底，初步设计和施工图设计已完成，项目概算已报县财政评审，并通过县发改委积极向上级申报项目建设资金。"),
        ("2024", "全力推进养老综合体项目开工前的各项准备工作，力争2025年开工建设；"),
    ] {
        assert!(markdown(ws.path(), period).contains(expected), "{period}: missing: {expected}");
    }
}

/// Each figure's exact value in a period, as `zongjie figures` prints it.
fn figure_values(root: &std::path::Path, period: &str) -> Vec<(String, String)> {
    let out = zongjie(root, &["figures", period, "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.split(',');
            Some((cells.next()?.to_string(), cells.next()?.to_string()))
        })
        .collect()
}

/// Runs of ASCII digits (with a decimal point inside) in a text, each with the text after it.
fn numbers_in(text: &str) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let tail = &rest[start..];
        let len = tail
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_digit() || (c == '.' && tail[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
            })
            .map_or(tail.len(), |(i, _)| i);
        found.push((tail[..len].to_string(), &tail[len..]));
        rest = &tail[len..];
    }
    found
}

/// Issue 25: the classes of mistake a reader checking the six sample reports looks for, so that a
/// new one of the same kind fails here: 余 or 超过 on an exact figure, trailing zeros, 同比 in brackets,
/// 月份, 截至6月 without 底, a doubled word, a plan dated before the report, and a sentence with
/// a 截至 or 同比 copied from a report of another year.
#[test]
fn no_sample_report_has_a_number_form_or_sentence_a_reader_would_mark() {
    let ws = sample_workspace_all();
    let out = zongjie(ws.path(), &["build", "--all", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let periods = ["2022H1", "2022", "2023H1", "2023", "2024H1", "2024"];
    for period in periods {
        let md = markdown(ws.path(), period);
        let values = figure_values(ws.path(), period);
        let year: u32 = period[..4].parse().unwrap();
        for (number, after) in numbers_in(&md) {
            // 余 and 超过 say “more than”: never with a figure's exact value.
            let before = &md[..md.len() - after.len() - number.len()];
            if after.starts_with('余') || before.ends_with("超过") {
                let exact: Vec<&String> = values.iter().filter(|(_, v)| *v == number).map(|(n, _)| n).collect();
                assert!(exact.is_empty(), "{period}: 超过/余 with {number}, the exact value of {exact:?}");
            }
            // No trailing zeros (156.0万元, 42.0%): the sample has no `fixed: true` figure.
            assert!(!(number.contains('.') && number.ends_with('0')), "{period}: {number} with a trailing zero");
            // A plan, a target or an expected date is not before the report's year.
            if after.starts_with('年')
                && number.len() == 4
                && ["计划", "力争", "预计"].iter().any(|w| before.ends_with(w))
            {
                assert!(number.parse::<u32>().unwrap() >= year, "{period}: a plan for {number}年");
            }
        }
        assert!(!md.contains("月份"), "{period}: 月份 (1—6月, 8月)");
        for (at, _) in md.match_indices("截至") {
            let rest = &md[at + "截至".len()..];
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                assert!(rest[digits..].starts_with("月底"), "{period}: 截至 a month without 底");
            }
        }
        for (at, _) in md.match_indices('（') {
            let inside = md[at..].split('）').next().unwrap();
            assert!(!inside.contains("同比"), "{period}: 同比 in brackets: {inside}）");
        }
        let chars: Vec<char> = md.chars().collect();
        for len in 2..=4 {
            for i in 0..chars.len().saturating_sub(2 * len) {
                let (a, b) = (&chars[i..i + len], &chars[i + len..i + 2 * len]);
                if a == b && a.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
                    panic!("{period}: a doubled word: {}", a.iter().chain(b).collect::<String>());
                }
            }
        }
        for typo in ["，，", "。。", "，。", "、等", "编撰"] {
            assert!(!md.contains(typo), "{period}: “{typo}”");
        }
    }
    // Reports of the same kind in different years share no sentence that says where things stand
    // (截至…) or how they changed (同比): such a sentence copied from last year dates the report.
    let sentences = |period: &str| -> Vec<String> {
        markdown(ws.path(), period)
            .split(['。', '；', '\n'])
            .filter(|s| s.contains("截至") || s.contains("同比"))
            .map(str::to_string)
            .collect()
    };
    // Nor the same changes: 2023H1 and 2024H1 once both said 人数同比下降2.6% … 同比增长3.4% …
    // 同比提高1.5个百分点, a year of data that looks copied.
    let changes = |period: &str| -> Vec<String> {
        markdown(ws.path(), period)
            .split(['，', '。', '；'])
            .filter(|s| s.contains("同比"))
            .map(str::to_string)
            .collect()
    };
    for kind in [["2022H1", "2023H1", "2024H1"], ["2022", "2023", "2024"]] {
        for (i, a) in kind.iter().enumerate() {
            for b in &kind[i + 1..] {
                let later = sentences(b);
                for s in sentences(a) {
                    assert!(!later.contains(&s), "{a} and {b} both say: {s}");
                }
                let (ca, cb) = (changes(a), changes(b));
                assert!(ca.is_empty() || ca != cb, "{a} and {b} give the same 同比: {ca:?}");
            }
        }
    }
}

/// The rules issue 25's second reading added: each catches data that would make a report
/// contradict itself or another report, at the data file's line.
#[test]
fn sample_rules_catch_contradicting_data() {
    for (file, from, to, period, message) in [
        (
            "data/2024/社会事务.yaml",
            "火化数: 4588",
            "火化数: 6100",
            "2024",
            "error: data/2024/社会事务.yaml:22: 殡葬.火化数 (本年火化遗体): 6100具 must not exceed 殡葬综合体.殡殓服务能力, 6000具",
        ),
        (
            "data/2024/社会救助.yaml",
            "新增户数: 1012",
            "新增户数: 1013",
            "2024",
            "rule '低保.户数 + 低保.退出户数 == 低保.户数@上年 + 低保.新增户数'",
        ),
        (
            "data/2024/社会救助.yaml",
            "城市保障标准: 760元",
            "城市保障标准: 700元",
            "2024",
            "700元 must be at least 低保.城市保障标准@上年, 720元 (data/2023/社会救助.yaml:5)",
        ),
        (
            "data/2024/基层治理.yaml",
            "总数: 455",
            "总数: 467",
            "2024",
            "rule '社会组织.总数 <= 社会组织.总数@上年 + 社会组织.今年登记'",
        ),
        (
            "data/2024H1/基层治理.yaml",
            "总数: 447",
            "总数: 460",
            "2024H1",
            "460家 must not exceed 社会组织.总数@上年全年, 431家 (data/2023/基层治理.yaml:8) + 社会组织.今年登记, 22家",
        ),
        (
            "data/2024/养老服务.yaml",
            "  覆盖乡镇数: 9\n",
            "  覆盖乡镇数: 7\n",
            "2024",
            "rule '智慧养老.覆盖乡镇数 >= 智慧养老.覆盖乡镇数@H1'",
        ),
        (
            "data/2024/基层治理.yaml",
            "整治不规范地名: 21",
            "整治不规范地名: 8",
            "2024",
            "rule '地名管理.整治不规范地名 >= 地名管理.整治不规范地名@H1'",
        ),
    ] {
        let ws = sample_workspace_all();
        let path = ws.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let out = zongjie(ws.path(), &["check", period]);
        assert_eq!(out.status.code(), Some(1), "{file}: {to}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{file}: {to}:\n{}", stderr(&out));
    }
}

/// A 低保 standard equal to last year's is 保持在, not 提高到.
#[test]
fn an_unchanged_standard_is_kept_not_raised() {
    let ws = sample_workspace_all();
    let path = ws.path().join("data/2024/社会救助.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let city = text.replace("城市保障标准: 760元", "城市保障标准: 720元");
    std::fs::write(&path, &city).unwrap();
    let out = zongjie(ws.path(), &["build", "2024", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(markdown(ws.path(), "2024")
        .contains("一是稳步提高保障标准。城市低保标准保持在每人每月720元，农村低保标准提高到每人每年8760元。"));
    std::fs::write(&path, city.replace("农村保障标准: 8760元", "农村保障标准: 8280元")).unwrap();
    let out = zongjie(ws.path(), &["build", "2024", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(markdown(ws.path(), "2024")
        .contains("一是保持保障标准稳定。城市低保标准保持在每人每月720元，农村低保标准保持在每人每年8280元。"));
}

#[test]
fn every_sample_period_builds() {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["build", "2022H1", "2023-H1", "2024年上半年"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = markdown(ws.path(), "2022H1");
    assert!(first.contains("2022年以来，县民政局"));
    assert!(!first.contains("同比"), "no 2021H1 data: the 同比 clauses are left out, not blank");
    assert!(markdown(ws.path(), "2023H1").contains("2023年以来，县民政局"));
}

#[test]
fn building_twice_gives_the_same_bytes() {
    let a = sample_workspace();
    let b = sample_workspace();
    assert!(zongjie(a.path(), &["build"]).status.success());
    assert!(zongjie(b.path(), &["build"]).status.success());
    let (sa, sb) = (snapshot(&a.path().join("output")), snapshot(&b.path().join("output")));
    assert!(!sa.is_empty());
    assert_eq!(sa, sb);
}

/// Splits a line into runs of digits and runs of other characters.
fn tokens(line: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in line.chars() {
        match out.last_mut() {
            Some(last) if last.chars().next().unwrap().is_ascii_digit() == c.is_ascii_digit() => last.push(c),
            _ => out.push(c.to_string()),
        }
    }
    out
}

#[test]
fn changing_a_count_changes_exactly_that_figure() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    let before = markdown(ws.path(), "2024H1");
    let catalog = zongjie::model::Catalog::parse(
        &std::fs::read_to_string(ws.path().join("templates/civil-affairs-h1/catalog.yaml")).unwrap(),
        "catalog.yaml",
    )
    .unwrap();
    let in_eq_rule: Vec<&String> = catalog
        .rules
        .iter()
        .filter(|r| r.op == zongjie::model::Op::Eq)
        .flat_map(|r| r.figures().map(|f| &f.name))
        .collect();
    let counts: Vec<&String> = catalog
        .figures
        .iter()
        .filter(|(n, d)| d.decl.kind == zongjie::model::Kind::Count && !in_eq_rule.contains(n))
        // Printed as an approximate number (2500余人): one more does not show.
        .filter(|(n, _)| !["居家养老.服务人数", "志愿者.登记人数"].contains(&n.as_str()))
        // At 县情.乡镇数 (all townships), which a rule bounds them by and the wording follows.
        .filter(|(n, _)| !["居家养老.覆盖乡镇数", "三级中心.乡镇指导中心"].contains(&n.as_str()))
        // Typed in a YAML file (not summed from a township sheet).
        .filter(|(_, d)| d.decl.is_typed())
        .map(|(n, _)| n)
        .collect();
    assert!(counts.len() > 25, "the sample has many counts");
    let data_dir = ws.path().join("data/2024H1");
    let mut tried = 0;
    for &name in &counts {
        let (group, key) = name.split_once('.').unwrap();
        // Find the file and line that give this figure.
        for entry in std::fs::read_dir(&data_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue; // sheets: see township_sheet_changes_change_exactly_that_figure
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let Some(g) = lines.iter().position(|l| *l == format!("{group}:")) else {
                continue;
            };
            let Some(k) = lines[g + 1..]
                .iter()
                .take_while(|l| l.starts_with(' '))
                .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            else {
                continue;
            };
            let at = g + 1 + k;
            let value: String =
                lines[at].split(':').nth(1).unwrap().trim().chars().take_while(|c| c.is_ascii_digit()).collect();
            let old: u64 = value.parse().unwrap();
            let new = old + 1;
            let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            changed[at] = format!("  {key}: {new}");
            std::fs::write(&path, changed.join("\n") + "\n").unwrap();
            let out = zongjie(ws.path(), &["build", "--format", "md"]);
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            let after = markdown(ws.path(), "2024H1");
            std::fs::write(&path, &text).unwrap();
            let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
            assert_eq!(b.len(), a.len(), "{name}");
            let mut figures_changed = 0;
            for (lb, la) in b.iter().zip(&a) {
                if lb == la {
                    continue;
                }
                let (tb, ta) = (tokens(lb), tokens(la));
                assert_eq!(tb.len(), ta.len(), "{name}: more than the figure changed:\n{lb}\n{la}");
                for (x, y) in tb.iter().zip(&ta) {
                    if x != y {
                        assert_eq!(
                            (x.as_str(), y.as_str()),
                            (old.to_string().as_str(), new.to_string().as_str()),
                            "{name}: another figure changed"
                        );
                        figures_changed += 1;
                    }
                }
            }
            assert!(figures_changed >= 1, "{name}: the report did not change");
            tried += 1;
        }
    }
    // Every such count is given in a YAML file of the sample, and every one was tried.
    assert_eq!(tried, counts.len());
}

#[test]
fn money_entered_in_yuan_or_wanyuan_gives_the_same_report() {
    let a = workspace("mini");
    let b = workspace("mini");
    let data = b.path().join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap().replace("45678901.23元", "4567.890123万元");
    std::fs::write(&data, text).unwrap();
    assert!(zongjie(a.path(), &["build"]).status.success());
    assert!(zongjie(b.path(), &["build"]).status.success());
    let md = markdown(a.path(), "2024H1");
    assert_eq!(md, markdown(b.path(), "2024H1"));
    assert!(md.contains("全县低保120户210人，发放4567.89万元，集中供养率61.3%。"), "{md}");
}

#[test]
fn a_period_folder_may_hold_its_own_template() {
    let ws = workspace("mini");
    std::fs::write(
        ws.path().join("data/2024H1/report.md.j2"),
        "# {{ 单位.名称 }}本期特别报告\n\n低保{{ 低保.户数 }}户。\n",
    )
    .unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ws.path().join("output/2024H1/测试县民政局本期特别报告.md")).unwrap(),
        "# 测试县民政局本期特别报告\n\n低保120户。\n"
    );
}

#[test]
fn comparison_clauses_are_recognised() {
    assert_eq!(
        without_comparisons(
            "全县城乡低保11900户20750人（人数同比下降2.6%），累计发放低保金6584.32万元，同比增长3.4%；二是"
        ),
        "全县城乡低保11900户20750人，累计发放低保金6584.32万元；二是"
    );
    assert_eq!(without_comparisons("集中供养率达到64.35%，同比提高1.5个百分点。"), "集中供养率达到64.35%。");
}

#[test]
fn township_sheet_changes_change_exactly_that_figure() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    let before = markdown(ws.path(), "2024H1");
    let csv = ws.path().join("data/2024H1/低保分乡镇.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    // One more household in 梧桐镇, and in the county total row.
    let changed = text.replace("梧桐镇,2127,", "梧桐镇,2128,").replace("合计,11900,", "合计,11901,");
    std::fs::write(&csv, changed).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = markdown(ws.path(), "2024H1");
    assert_eq!(after, before.replace("全县城乡低保11900户", "全县城乡低保11901户"));
    assert_ne!(after, before);
}

/// A value is printed as written wherever it stands: `&amp;` and `&lt;` in a unit's name are not
/// read as HTML entities in the title and left alone in the 落款.
#[test]
fn a_value_with_entity_like_text_prints_as_written() {
    let ws = sample_workspace();
    let file = ws.path().join("data/2024H1/单位.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("名称: 梧桐县民政局", "名称: \"梧桐县A&amp;B<C>民政局\"")).unwrap();
    let out = zongjie(ws.path(), &["build", "2024H1", "--format", "md,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = markdown(ws.path(), "2024H1");
    let doc = zongjie::render::document::parse(&md, "t").unwrap();
    assert!(doc.title.starts_with("梧桐县A&amp;B<C>民政局"), "{}", doc.title);
    let zongjie::render::document::Block::Signature { lines } = doc.blocks.last().unwrap() else { panic!("no 落款") };
    assert_eq!(lines[0], "梧桐县A&amp;B<C>民政局");
}
