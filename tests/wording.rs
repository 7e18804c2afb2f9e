//! Numbers as county reports write them (issue 12): approximate numbers, the office's own
//! comparison wording, derived figures, dates and ratios. Each row of the README's tables is
//! rendered through the real binary on the mini workspace.

mod common;
use common::*;

/// Replaces the first `from` in a workspace file with `to` (which must be there).
fn edit_file(root: &std::path::Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Last year's data for the mini workspace (for 同比).
const LAST_YEAR: &str = "单位:\n  名称: 测试县民政局\n落款:\n  日期: 2023-07-05\n低保:\n  户数: 95\n  人数: 2000\n  金额: 45000000元\n特困:\n  集中供养率: 35.10%\n";

/// Builds the mini workspace with `extra_catalog` declared, `extra_data` and `people` persons,
/// renders `snippet` as the report's body line, and returns that line.
fn render_with(snippet: &str, people: &str, extra_catalog: &str, extra_data: &str) -> Result<String, String> {
    let ws = workspace("mini");
    let root = ws.path();
    let edit = |file: &str, from: &str, to: &str| edit_file(root, file, from, to);
    edit("data/2024H1/救助.yaml", "人数: 210", &format!("人数: {people}"));
    edit("data/2024H1/救助.yaml", "集中供养率: 61.25%", "集中供养率: 34.35%");
    edit("tmpl/catalog.yaml", "rules:", &format!("{extra_catalog}rules:"));
    std::fs::write(root.join("data/2024H1/更多.yaml"), extra_data).unwrap();
    std::fs::create_dir_all(root.join("data/2023H1")).unwrap();
    std::fs::write(root.join("data/2023H1/救助.yaml"), LAST_YEAR).unwrap();
    let template = std::fs::read_to_string(root.join("tmpl/report.md.j2")).unwrap();
    let body = template.lines().find(|l| l.starts_with("全县低保")).unwrap().to_string();
    std::fs::write(root.join("tmpl/report.md.j2"), template.replace(&body, snippet)).unwrap();
    let out = zongjie(root, &["build", "--format", "md"]);
    if !out.status.success() {
        return Err(stderr(&out));
    }
    let md = markdown(root, "2024H1");
    Ok(md.lines().find(|l| l.starts_with('【')).unwrap_or("").to_string())
}

fn render(snippet: &str, people: &str) -> String {
    render_with(&format!("【{snippet}】"), people, "", "{}\n").unwrap_or_else(|e| panic!("{snippet}: {e}"))
}

#[test]
fn approximate_numbers() {
    assert_eq!(render("{{ 低保.人数 | 余(\"百\") }}人", "2542"), "【2500余人】");
    assert_eq!(render("{{ 低保.人数 | 约(\"千\") }}人", "2542"), "【约3000人】");
    assert_eq!(render("{{ 低保.人数 | 近(\"百\") }}人", "2542"), "【近2600人】");
    assert_eq!(render("{{ 低保.人数 | 超(\"百\") }}人", "2542"), "【超2500人】");
    assert_eq!(render("{{ 低保.人数 | 多(\"百\") }}名", "2042"), "【2000多名】");
    assert_eq!(render("{{ 低保.人数 | 万(1) }}万人左右", "89236"), "【8.9万人左右】");
    assert_eq!(render("{{ 低保.人数 | 余(\"万\") }}人", "31362"), "【3万余人】");
    assert_eq!(render("{{ 低保.人数 | 余(\"十\") }}人", "2542"), "【2540余人】");
}

#[test]
fn a_value_below_the_place_is_an_error() {
    let err = render_with("【{{ 低保.人数 | 余(\"千\") }}】", "542", "", "{}\n").unwrap_err();
    assert_eq!(
        err,
        "error: tmpl/report.md.j2:7: 542 is below one 千, so 余(\"千\") cannot write it; use a smaller place, or write the figure itself\n"
    );
}

#[test]
fn comparisons_in_the_offices_own_words() {
    assert_eq!(
        render("{{ 特困.集中供养率 | 同比(前缀=\"比去年同期\", 减=\"降低\", 位数=2) }}", "2542"),
        "【比去年同期降低0.75个百分点】"
    );
    assert_eq!(render("{{ 低保.户数 | 同比增减(前缀=\"较上年同期\") }}", "2542"), "【较上年同期增加25户】");
    assert_eq!(render("{{ 低保.人数 | 同比 }}", "2542"), "【同比增长27.1%】");
    assert_eq!(render("{{ 低保.人数 | 同比(增=\"上升\", 位数=2) }}", "2542"), "【同比上升27.10%】");
    assert_eq!(render("{{ 低保.人数 | 同比(平=\"与上年持平\") }}", "2000"), "【与上年持平】");
    let err = render_with("【{{ 低保.人数 | 同比(前缀词=\"比\") }}】", "2542", "", "{}\n").unwrap_err();
    assert!(err.contains("a comparison takes 前缀, 增, 减, 平 and 位数, but it was given 前缀词"), "{err}");
}

#[test]
fn a_signed_figure_is_written_without_its_sign() {
    let catalog = "  变化.人数: {kind: count, unit: 人, signed: true}\n";
    let line = render_with(
        "【{% if 变化.人数 < 0 %}减少{{ 变化.人数 | 绝对值 }}人{% else %}增加{{ 变化.人数 }}人{% endif %}】",
        "2542",
        catalog,
        "变化:\n  人数: -30\n",
    )
    .unwrap();
    assert_eq!(line, "【减少30人】");
}

#[test]
fn derived_figures_are_computed_exactly_and_rounded_once() {
    let catalog = "  低保.城市人数: {kind: count, unit: 人}\n  低保.城市占比: {kind: percent, decimals: 1, formula: 低保.城市人数 / 低保.人数 * 100}\n  批次.上次: {kind: count}\n  批次.本次: {kind: count, formula: 批次.上次 + 1}\n  低保.户均人数: {kind: quantity, unit: 人, decimals: 2, formula: 低保.人数 / 低保.户数}\n";
    let data = "低保:\n  城市人数: 7200\n批次:\n  上次: 3\n";
    let line = render_with(
        "【{{ 低保.城市占比 }}%，第{{ 批次.本次 | 序号 }}批，户均{{ 低保.户均人数 }}人】",
        "20750",
        catalog,
        data,
    )
    .unwrap();
    assert_eq!(line, "【34.7%，第四批，户均172.92人】");
}

#[test]
fn a_formula_dividing_by_zero_or_coming_back_to_itself_names_the_catalog_line() {
    let catalog = "  低保.零: {kind: count, unit: 户}\n  低保.比: {kind: quantity, formula: 低保.人数 / 低保.零}\n  甲.乙: {kind: count, formula: 甲.丙 + 1}\n  甲.丙: {kind: count, formula: 甲.乙 * 2}\n";
    let err = render_with("【{{ 低保.比 }}{{ 甲.乙 }}】", "2542", catalog, "低保:\n  零: 0\n").unwrap_err();
    assert_eq!(
        err,
        "error: tmpl/catalog.yaml:10: 低保.比: formula '低保.人数 / 低保.零' cannot be computed: divides by 低保.零, which is 0\n\
         error: tmpl/catalog.yaml:11: 甲.乙: the formula comes back to this figure (甲.乙 → 甲.丙 → 甲.乙); a figure cannot be computed from itself\n\
         error: tmpl/catalog.yaml:12: 甲.丙: the formula comes back to this figure (甲.丙 → 甲.乙 → 甲.丙); a figure cannot be computed from itself\n"
    );
}

#[test]
fn dates_and_ratios() {
    let catalog =
        "  活动.日期: {kind: date}\n  城市.人数: {kind: count, unit: 人}\n  农村.人数: {kind: count, unit: 人}\n";
    let data = "活动:\n  日期: 2024-03-15\n城市:\n  人数: 1000\n农村:\n  人数: 3000\n";
    let line = render_with(
        "【{{ 活动.日期 | 月日 }}，{{ 活动.日期 | 年 }}年{{ 活动.日期 | 月 }}月，{{ 城市.人数 | 比(农村.人数) }}，{{ 农村.人数 | 比(城市.人数) }}，{{ 特困.集中供养率 | 成 }}】",
        "2542",
        catalog,
        data,
    )
    .unwrap();
    assert_eq!(line, "【3月15日，2024年3月，1:3，3:1，三成】");
}

/// The township sheet of [`render_sheet`]: three 乡镇 and a 合计 row, with a rate column.
const RATE_SHEET: &str = "乡镇,低保户数,低保人数,低保金（元）,完成进度（%）\n城关镇,60,73,250000,80\n甲镇,40,73,150000,45.5\n乙镇,20,64,100000,30\n合计,120,210,500000,60\n";

/// The mini workspace with its 低保 figures from a township sheet with a rate column.
fn render_sheet(snippet: &str, extra_catalog: &str) -> Result<String, String> {
    render_sheet_from(snippet, extra_catalog, RATE_SHEET)
}

/// [`render_sheet`] with a sheet of its own.
fn render_sheet_from(snippet: &str, extra_catalog: &str, sheet: &str) -> Result<String, String> {
    let ws = workspace("mini");
    let root = ws.path();
    let edit = |file: &str, from: &str, to: &str| edit_file(root, file, from, to);
    edit("data/2024H1/救助.yaml", "低保:\n  户数: 120\n  人数: 210\n  金额: 45678901.23元\n", "");
    edit(
        "tmpl/catalog.yaml",
        "      金额: {header: 低保金, kind: money, decimals: 2}\n",
        "      金额: {header: 低保金, kind: money, decimals: 2}\n      进度: {header: 完成进度, kind: percent, total: none}\n",
    );
    edit("tmpl/catalog.yaml", "rules:", &format!("{extra_catalog}rules:"));
    std::fs::write(root.join("data/2024H1/低保分乡镇.csv"), sheet).unwrap();
    let template = std::fs::read_to_string(root.join("tmpl/report.md.j2")).unwrap();
    let body = template.lines().find(|l| l.starts_with("全县低保")).unwrap().to_string();
    std::fs::write(root.join("tmpl/report.md.j2"), template.replace(&body, &format!("【{snippet}】"))).unwrap();
    let out = zongjie(root, &["build", "--format", "md"]);
    if !out.status.success() {
        return Err(stderr(&out));
    }
    Ok(markdown(root, "2024H1").lines().find(|l| l.starts_with('【')).unwrap_or("").to_string())
}

#[test]
fn a_rate_column_may_leave_its_total_cell_empty_but_a_summed_one_may_not() {
    // 完成进度 is declared total: none: many sheets leave its 合计 cell empty.
    let sheet = RATE_SHEET.replace("合计,120,210,500000,60\n", "合计,120,210,500000,\n");
    let line = render_sheet_from("乙镇{{ 表格.低保分乡镇.行[\"乙镇\"].进度 }}%", "", &sheet).unwrap();
    assert_eq!(line, "【乙镇30.0%】");
    // 低保金 is summed: its 合计 cell must be there, and equal to the sum of the rows.
    let sheet = RATE_SHEET.replace("合计,120,210,500000,60\n", "合计,120,210,,60\n");
    let err = render_sheet_from("乙镇", "", &sheet).unwrap_err();
    assert!(err.contains("data/2024H1/低保分乡镇.csv:5: 低保分乡镇.金额"), "{err}");
}

#[test]
fn a_townships_row_share_and_rank() {
    let line = render_sheet(
        "城关镇{{ 表格.低保分乡镇.行[\"城关镇\"].户数 }}户，占全县的{{ 表格.低保分乡镇.行[\"城关镇\"].户数 | 占比(表格.低保分乡镇.合计.户数) }}，居第{{ 表格.低保分乡镇.名次(\"户数\", \"城关镇\") | 序号 }}位；人数甲镇与城关镇并列第{{ 表格.低保分乡镇.名次(\"人数\", \"甲镇\") }}，乙镇第{{ 表格.低保分乡镇.名次(\"人数\", \"乙镇\") }}；金额{{ 表格.低保分乡镇.行[\"甲镇\"].金额 }}万元",
        "",
    )
    .unwrap();
    assert_eq!(line, "【城关镇60户，占全县的50%，居第一位；人数甲镇与城关镇并列第1，乙镇第3；金额15.00万元】");
}

#[test]
fn count_rows_where_on_any_column_and_comparison() {
    let catalog = "  低保.过半乡镇数: {kind: count, unit: 个, count_rows: 低保分乡镇, where: 进度 >= 50%}\n  低保.未过半乡镇数: {kind: count, unit: 个, count_rows: 低保分乡镇, where: 进度 < 50%}\n  低保.非73人乡镇数: {kind: count, unit: 个, count_rows: 低保分乡镇, where: 人数 != 73}\n";
    let line =
        render_sheet("{{ 低保.过半乡镇数 }}，{{ 低保.未过半乡镇数 }}，{{ 低保.非73人乡镇数 }}", catalog).unwrap();
    assert_eq!(line, "【1，2，1】");
}
