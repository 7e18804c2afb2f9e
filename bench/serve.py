#!/usr/bin/env python3
"""Benchmark of `zongjie serve` on the sample workspace: the period page and the PDF download.

Starts the release binary on a free port over a fresh copy of the sample workspace, builds the
latest half year once through the page's build action, then times N requests of each over one
keep-alive connection (as a browser tab does) and prints the median and spread, and the server's
peak memory.

    cargo build --release && python3 bench/serve.py [--runs 50] [--period 2024H1]

Targets (issue 16): the period page <= 100 ms and the PDF download <= 100 ms.
"""
import argparse, http.client, json, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(conn, method, path, headers, runs):
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"{method} {path}: {response.status} {body[:300]!r}")
        size = len(body)
    times.sort()
    return times, size


def report(name, times, size):
    print(f"{name:<14} median {statistics.median(times):6.1f} ms   min {times[0]:6.1f}   "
          f"p90 {times[int(len(times) * 0.9) - 1]:6.1f}   max {times[-1]:6.1f}   ({size} bytes)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--period", default="2024H1")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/zongjie"))
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run cargo build --release first")
    work = tempfile.mkdtemp(prefix="zongjie-bench-serve-")
    shutil.copy(os.path.join(ROOT, "zongjie.yaml"), work)
    for folder in ("data", "templates"):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder))
    server = subprocess.Popen([args.bin, "serve", "--port", "0", "--no-open", "--root", work],
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "ZONGJIE_LANG": "en"})
    try:
        line = server.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        host = f"127.0.0.1:{port}"
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Host": host}
        conn.request("POST", f"/p/{args.period}/build", headers={**headers, "Origin": f"http://{host}"})
        reply = json.loads(conn.getresponse().read())
        if not reply["ok"]:
            sys.exit(f"build failed: {reply}")
        pdf = next(m for m in reply["messages"] if m.endswith(".pdf")).rsplit("/", 1)[1]
        pdf_path = f"/p/{args.period}/files/" + urllib.parse.quote(pdf)
        for name, path in (("period page", f"/p/{args.period}"), ("PDF download", pdf_path),
                           ("workspace", "/"), ("stamp", "/stamp")):
            timed(conn, "GET", path, headers, 3)  # warm up
            report(name, *timed(conn, "GET", path, headers, args.runs))
        status = open(f"/proc/{server.pid}/status").read() if os.path.exists(f"/proc/{server.pid}/status") else ""
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        if peak:
            print(f"server peak RSS {int(peak.group(1)) / 1024:.1f} MB")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
