#!/usr/bin/env python3
"""Writing and reading a 300-figure 填报表 (issue 23).

Makes a scratch workspace whose catalog has 300 figures (counts, money, percentages) and one
YAML file giving them all, then times `zongjie form` (writing the workbook, moving the YAML
away) and `zongjie check` (reading the workbook back through the unit model) as whole
processes. Run after `cargo build --release`: python3 bench/form.py [runs]."""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.environ.get("ZONGJIE_EXE") or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "zongjie")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
N = 300

def workspace(dir):
    cat = ["figures:", "  单位.名称: {kind: text}", "  落款.日期: {kind: date}"]
    data = ["单位:", "  名称: 测试县民政局", "落款:", "  日期: 2024-07-05"]
    tpl = ["# {{ 单位.名称 }}测试报告", ""]
    groups = {}
    for i in range(N):
        kind = ("count", "money", "percent")[i % 3]
        name = f"项目{i // 10}.指标{i}"
        decl = {"count": "{kind: count, unit: 人}", "money": "{kind: money, unit: 万元, decimals: 2}",
                "percent": "{kind: percent, decimals: 1}"}[kind]
        cat.append(f"  {name}: {decl}")
        value = {"count": f"{1000 + i}", "money": f"{12.5 + i}万元", "percent": f"{50 + i % 40}.5%"}[kind]
        groups.setdefault(f"项目{i // 10}", []).append((f"指标{i}", value))
        tpl.append(f"第{i}项{{{{ {name} }}}}。")
    for g, items in groups.items():
        data.append(f"{g}:")
        data += [f"  {k}: {v}" for k, v in items]
    tpl += ["", "::: {custom-style=\"落款\"}", "{{ 单位.名称 }}", "", "{{ 落款.日期 | 日期 }}", ":::", ""]
    os.makedirs(os.path.join(dir, "tmpl"))
    os.makedirs(os.path.join(dir, "data", "2024H1"))
    open(os.path.join(dir, "tmpl", "catalog.yaml"), "w").write("\n".join(cat) + "\n")
    open(os.path.join(dir, "tmpl", "report.md.j2"), "w").write("\n".join(tpl) + "\n")
    open(os.path.join(dir, "zongjie.yaml"), "w").write("template: tmpl\n")
    open(os.path.join(dir, "data", "2024H1", "数据.yaml"), "w").write("\n".join(data) + "\n")

def timed(args, cwd):
    start = time.perf_counter()
    subprocess.run([EXE] + args, cwd=cwd, check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000

def main():
    write, read = [], []
    base = tempfile.mkdtemp()
    try:
        workspace(os.path.join(base, "ws"))
        for _ in range(RUNS):
            ws = os.path.join(base, "run")
            shutil.rmtree(ws, ignore_errors=True)
            shutil.copytree(os.path.join(base, "ws"), ws)
            write.append(timed(["form", "2024H1"], ws))
            read.append(timed(["check", "2024H1"], ws))
        size = os.path.getsize(os.path.join(base, "run", "data", "2024H1", "填报表.xlsx"))
    finally:
        shutil.rmtree(base)
    for what, times in (("write (zongjie form)", write), ("read (zongjie check)", read)):
        print(f"{what}: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms over {RUNS} runs")
    print(f"{N} figures, form {size} bytes")

if __name__ == "__main__":
    main()
