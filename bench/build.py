#!/usr/bin/env python3
"""Benchmark of `zongjie build` on the sample report (Markdown and PDF together).

Times the whole process, as a user runs it, N times in a fresh copy of the sample workspace and
prints the median and spread of the wall time, the peak memory (max RSS) and the PDF's size split
between the embedded subset fonts and everything else.

    cargo build --release && python3 bench/build.py [--runs 50] [--format md,pdf]

Targets (issue 3, on the 2-core CI machine): median <= 60 ms, peak RSS <= 60 MB, PDF size <= 1.1 x
its embedded font bytes.
"""
import argparse, os, re, resource, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def font_stream_bytes(pdf: bytes) -> int:
    """Sum of the stored lengths of the embedded font programs (FontFile, FontFile2, FontFile3)."""
    ids = set(re.findall(rb"/FontFile[23]? (\d+) 0 R", pdf))
    total = 0
    for obj in ids:
        m = re.search(rb"(?<![0-9])" + obj + rb" 0 obj\s*<<(.*?)>>\s*stream", pdf, re.S)
        if m:
            length = re.search(rb"/Length (\d+)", m.group(1))
            total += int(length.group(1)) if length else 0
    return total


def sample_workspace() -> str:
    """A fresh copy of the sample workspace (settings, data, templates) in a temporary folder."""
    work = tempfile.mkdtemp(prefix="zongjie-bench-")
    shutil.copy(os.path.join(ROOT, "zongjie.yaml"), work)
    for folder in ("data", "templates"):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder))
    return work


def time_runs(cmd: list, runs: int) -> list:
    """Wall times in ms of `runs` runs of `cmd`, after one run that warms the page cache."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--format", default="md,pdf")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/zongjie"))
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run cargo build --release first")
    work = sample_workspace()
    cmd = [args.bin, "build", "--format", args.format, "--root", work]
    times = time_runs(cmd, args.runs)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    times.sort()
    print(f"runs            {args.runs} ({args.format})")
    print(f"median          {statistics.median(times):.1f} ms")
    print(f"min / p90 / max {times[0]:.1f} / {times[int(len(times) * 0.9) - 1]:.1f} / {times[-1]:.1f} ms")
    print(f"peak RSS        {peak_mb:.1f} MB")
    out = os.path.join(work, "output")
    for dirpath, _, files in os.walk(out):
        for f in sorted(files):
            if f.endswith(".pdf"):
                data = open(os.path.join(dirpath, f), "rb").read()
                fonts = font_stream_bytes(data)
                print(f"PDF size        {len(data)} bytes: fonts {fonts}, everything else {len(data) - fonts}, ratio {len(data) / max(fonts, 1):.3f}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
