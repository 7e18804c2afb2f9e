#!/usr/bin/env python3
"""Benchmarks of issue 24: the sheet reader on a township sheet of many rows, and `import` on a
report of many figures. Both must grow linearly (or n log n), never with the square.

    cargo build --release && python3 bench/hardening.py [--rows 200000] [--figures 2500,10000]

Sheet: a copy of the sample workspace whose 低保分乡镇.csv has ROWS township rows (each
unique, summing to the total row); `zongjie check 2024H1` is timed (target: under 2 s for
200,000 rows). Import: a .txt report of N sentences, each with its own figure, imported with
--period (target: 10,000 figures take about 4 times what 2,500 take, not 16).
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("ZONGJIE_BIN") or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "zongjie")


def timed(args, cwd):
    start = time.perf_counter()
    out = subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, "ZONGJIE_LANG": "en"})
    return time.perf_counter() - start, out


def sheet(rows):
    with tempfile.TemporaryDirectory() as tmp:
        for part in ["zongjie.yaml", "templates", "data"]:
            src = os.path.join(ROOT, part)
            (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(tmp, part))
        path = os.path.join(tmp, "data", "2024H1", "低保分乡镇.csv")
        lines = open(path, encoding="utf-8-sig").read().splitlines()
        header = lines[0]
        # Plausible rows (1 household, 1 person, 1000 元), so that the time is the reading and
        # checking, not 200,000 printed problems.
        values = [1000 if "元" in h else 1 for h in header.split(",")[1:]]
        body = [f"乡镇{i}," + ",".join(map(str, values)) for i in range(rows)]
        total = "合计," + ",".join(str(v * rows) for v in values)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join([header, *body, total]) + "\n")
        seconds, out = timed(["check", "2024H1"], tmp)
        # The sums are far off the sample's other figures (and last year's): a few problems are
        # expected, the time is what is measured.
        print(f"sheet  {rows:>7} rows   check {seconds * 1000:8.1f} ms   exit {out.returncode}")
        return seconds


def report(figures):
    sentences = [f"第{i}项工作共完成{1000 + i}件。" for i in range(figures)]
    text = "梧桐县民政局2024年上半年工作总结\n\n一、主要工作\n\n" + "\n".join(sentences) + "\n\n梧桐县民政局\n2024年7月5日\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "报告.txt")
        open(path, "w", encoding="utf-8").write(text)
        seconds, out = timed(["import", path, "--root", os.path.join(tmp, "ws"), "--period", "2024H1"], tmp)
        if out.returncode != 0:
            print(out.stderr[:500], file=sys.stderr)
        print(f"import {figures:>7} figures  {seconds * 1000:8.1f} ms   exit {out.returncode}")
        return seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--figures", default="2500,10000")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN}: build it first (cargo build --release)")
    sheet(args.rows)
    times = [(n, report(n)) for n in map(int, args.figures.split(","))]
    if len(times) >= 2:
        (a, ta), (b, tb) = times[0], times[-1]
        print(f"import growth {b / a:.0f}x figures -> {tb / ta:.1f}x time")


if __name__ == "__main__":
    main()
