#!/usr/bin/env python3
"""Side-by-side benchmark: `zongjie build` (Markdown and PDF) against typst setting the same report.

The sample report is built once with zongjie; its Markdown is turned into a .typ file that sets the
same text in the same layout with the same fonts (the bundled Fandol files: A4, type area 156 x 225 mm
with the binding margin alternating, 22 lines on a fixed pitch, 28 characters a line, 16 pt 仿宋 body
indented two characters and justified, 22 pt bold 宋体 title, 黑体 and 楷体 headings, run-in （一）
headings, the signature block, "— n —" page numbers). Then both are timed as whole processes, the way
a user runs them, alternating run by run so that both see the same load on the machine.

typst runs through its Python binding (`pip install typst`), one fresh interpreter per run, so its
time includes the interpreter's start-up; the time of a bare interpreter is measured in the same
loop and printed too, with the ratio against typst without it.

    cargo build --release && pip install typst && python3 bench/vs_typst.py [--runs 40]

Target (issue 17): zongjie's median at most 0.30 x typst's median, measured in one run.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, time

from build import ROOT, sample_workspace

FONTS = os.path.join(ROOT, "fonts", "fandol")

# The page and the grid of render/pdf/layout.rs (GB/T 9704): 22 lines in 225 mm, 28 characters in
# 156 mm; a line box of exactly 1 em (top and bottom edge) so that the leading fixes the pitch.
PREAMBLE = r"""
#let pitch = 225mm / 22
#let body = 16pt
#let grid = 156mm / 28
#set page(
  paper: "a4",
  binding: left,
  margin: (top: 37mm, bottom: 297mm - 37mm - 225mm, inside: 28mm, outside: 210mm - 28mm - 156mm),
  footer-descent: 7mm,
  footer: context {
    let n = counter(page).get().first()
    let label = text(font: "FandolSong", size: 14pt, tracking: 0pt)[— #n —]
    if calc.odd(n) { align(right, pad(right: 14pt, label)) } else { align(left, pad(left: 14pt, label)) }
  },
)
#set text(font: "FandolFang R", size: body, lang: "zh", region: "cn", tracking: grid - body, cjk-latin-spacing: none,
  top-edge: 0.88em, bottom-edge: -0.12em)
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: pitch - body,
  spacing: pitch - body)
#show heading: set block(above: pitch - body, below: pitch - body)
#show heading.where(level: 2): it => par(text(font: "FandolHei", weight: "regular", size: body, it.body))
#show heading.where(level: 3): it => par(text(font: "FandolKai", weight: "regular", size: body, it.body))
"""


def typst_source(markdown: str) -> str:
    """The .typ of the report: each construct the sample's Markdown uses, in the same layout."""
    out = [PREAMBLE]
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", markdown) if b.strip()]
    lead = None  # a （一） heading ending in 。 runs into the paragraph after it
    signature = False
    for block in blocks:
        if block.startswith("::: {custom-style=\"落款\"}"):
            signature = True
            block = block.split("\n", 1)[1] if "\n" in block else ""
            if not block:
                continue
        if signature:
            lines = [l for l in block.split("\n") if l and l != ":::"]
            out.extend(r"#align(right, pad(right: 2em)[" + escape(l) + "])" for l in lines)
            if block.rstrip().endswith(":::"):
                signature = False
            continue
        if block.startswith("# "):
            # a title wider than a line breaks after the issuing unit's name, as zongjie's does
            title = escape(block[2:])
            if len(title) > 20 and "局" in title:
                title = title.replace("局", "局#linebreak()", 1)
            out.append('#align(center, par(first-line-indent: 0em, text(font: "FandolSong", weight: "bold", '
                       'size: 22pt, tracking: 0pt)[' + title + "]))\n#v(pitch - body)")
        elif block.startswith("## "):
            out.append("== " + escape(block[3:]))
        elif block.startswith("### "):
            title = block[4:]
            if title.endswith("。"):
                lead = title
            else:
                out.append("=== " + escape(title))
        elif block[0] in "#|>-*`" or block[0].isdigit() and block[1:3] == ". ":
            sys.exit(f"bench/vs_typst.py: the sample uses a construct this bench cannot set yet: {block[:40]!r}")
        else:
            text = escape(block.replace("\n", ""))
            if lead is not None:
                text = '#text(font: "FandolKai")[' + escape(lead) + "]" + text
                lead = None
            out.append(text)
    return "\n\n".join(out) + "\n"


def escape(text: str) -> str:
    """Markdown's escapes undone, typst's markup characters escaped."""
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"([\\#*_`$<>@\[\]~])", r"\\\1", text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/zongjie"))
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run cargo build --release first")
    work = sample_workspace()
    zongjie = [args.bin, "build", "--format", "md,pdf", "--root", work]
    subprocess.run(zongjie, check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(work, "output")
    built = {}
    for dirpath, _, files in os.walk(out):
        for f in files:
            built[os.path.splitext(f)[1]] = os.path.join(dirpath, f)
    typ = os.path.join(work, "report.typ")
    with open(built[".md"], encoding="utf-8") as f:
        source = typst_source(f.read())
    with open(typ, "w", encoding="utf-8") as f:
        f.write(source)
    typst_pdf = os.path.join(work, "typst.pdf")
    typst = [sys.executable, "-c",
             "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], "
             "ignore_system_fonts=True)", typ, typst_pdf, FONTS]
    bare = [sys.executable, "-c", "pass"]
    subprocess.run(typst, check=True)  # warm the page cache, and fail early on a bad .typ

    def timed(cmd):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return (time.perf_counter() - start) * 1000

    load_before = os.getloadavg()
    times = {"zongjie": [], "typst": [], "python": []}
    for _ in range(args.runs):
        times["zongjie"].append(timed(zongjie))
        times["typst"].append(timed(typst))
        times["python"].append(timed(bare))
    load_after = os.getloadavg()

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"runs            {args.runs}, alternating; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after ({os.cpu_count()} CPUs)")
    for name, label in (("zongjie", "zongjie md+pdf"), ("typst", "typst pdf"), ("python", "bare python")):
        v = sorted(times[name])
        print(f"{label:15} median {med[name]:6.1f} ms   min {v[0]:6.1f}   p90 {v[int(len(v) * 0.9) - 1]:6.1f}")
    print(f"ratio           {med['zongjie'] / med['typst']:.3f} of typst's median "
          f"({med['zongjie'] / (med['typst'] - med['python']):.3f} of typst without the interpreter's start-up)")
    pages = lambda p: len(re.findall(rb"/Type\s*/Page\b", open(p, "rb").read()))
    print(f"PDF             zongjie {os.path.getsize(built['.pdf'])} bytes, {pages(built['.pdf'])} pages; "
          f"typst {os.path.getsize(typst_pdf)} bytes, {pages(typst_pdf)} pages")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
