#!/usr/bin/env python3
"""Benchmark of the OFD beside the PDF (issue 27): `zongjie build --format pdf` and `--format ofd`
on the sample report (the latest period, 2024), N times each as a user runs them, with the size of each file and of the
fonts embedded in it.

    cargo build --release && python3 bench/ofd.py [--runs 30]

Prints one line per format: median and min wall time, file size, embedded font bytes.
"""
import argparse, os, statistics, sys, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build import ROOT, font_stream_bytes, sample_workspace, time_runs  # noqa: E402


def output(work: str, ext: str) -> str:
    # The latest period, which `build` with no period builds (2024, as bench/build.py).
    out = os.path.join(work, "output")
    folder = os.path.join(out, sorted(os.listdir(out))[-1])
    return os.path.join(folder, next(n for n in os.listdir(folder) if n.endswith("." + ext)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/zongjie"))
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run cargo build --release first")
    for fmt in ("pdf", "ofd"):
        work = sample_workspace()
        cmd = [args.bin, "build", "--format", fmt, "--root", work]
        # As bench/build.py: a build renders the report before it finds it unchanged.
        times = time_runs(cmd, args.runs)
        path = output(work, fmt)
        data = open(path, "rb").read()
        if fmt == "pdf":
            fonts = font_stream_bytes(data)
        else:
            with zipfile.ZipFile(path) as z:
                fonts = sum(i.compress_size for i in z.infolist() if i.filename.startswith("Doc_0/Res/"))
        times.sort()
        print(
            f"{fmt}  median {statistics.median(times):6.1f} ms  min {times[0]:6.1f} ms  "
            f"size {len(data):8,d} B  fonts {fonts:8,d} B  other {len(data) - fonts:7,d} B  ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
