#!/usr/bin/env python3
"""Instruction counts of `zongjie build` under callgrind: repeatable on a machine that other work
loads, unlike wall time, so each performance change is measured with it (issue 17). Counts add up
the work of every thread; what running it on several cores gains shows in wall time only.

    cargo build --release && python3 bench/callgrind.py            # the sample report, md + pdf
    python3 bench/callgrind.py --periods 20                         # build --all over 20 periods

Prints the total and the inclusive count of the parts that have mattered so far.
"""
import argparse, os, shutil, subprocess, sys, tempfile

from build import ROOT, sample_workspace
from build_all import workspace

PARTS = [  # a part missing from the output ran no instructions (or was inlined)
    "zongjie::pipeline::prepare",
    "zongjie::template::precheck",
    "<zongjie::render::pdf::PdfRenderer as zongjie::render::Renderer>::render",
    "subsetter::subset_inner",
    "subsetter::cff::charstring::Decompiler::decompile",
    "subsetter::construct",
    "skrifa::outline::OutlineGlyph::draw",
    "zlib_rs::deflate::deflate",
    "zlib_rs::deflate::init",
    "zongjie::archive::sha256",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--periods", type=int, default=0, help="build --all over this many periods")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/zongjie"))
    args = ap.parse_args()
    if args.periods:
        work = workspace(args.periods)
        cmd = [args.bin, "build", "--all", "--root", work]
    else:
        work = sample_workspace()
        cmd = [args.bin, "build", "--format", "md,pdf", "--root", work]
    out = os.path.join(tempfile.mkdtemp(prefix="zongjie-callgrind-"), "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                            check=True, capture_output=True, text=True).stdout
    for line in report.splitlines():
        if "PROGRAM TOTALS" in line:
            print(f"total      {line.split()[0]:>15} instructions")
        for part in PARTS:
            if line.rstrip().endswith("]") and f":{part} [" in line:
                print(f"  {line.split()[0]:>15}  {part}")
    shutil.rmtree(os.path.dirname(out))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
