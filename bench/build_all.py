#!/usr/bin/env python3
"""Benchmark of `zongjie build --all`: a bench workspace of N periods made by copying the sample's
2024H1 data, timed as a whole process, with peak memory, for several N to show that memory stays
flat as the period count grows.

    cargo build --release && python3 bench/build_all.py [--periods 20] [--runs 5]

Targets on the 2-core CI machine: 20 periods in at most 1.0 s wall (issue 6), then 300 ms (issue 17).
"""
import argparse, os, resource, shutil, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def workspace(count):
    work = tempfile.mkdtemp(prefix="zongjie-bench-all-")
    shutil.copy(os.path.join(ROOT, "zongjie.yaml"), work)
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(work, "templates"))
    for year in range(2025 - count, 2025):
        folder = os.path.join(work, "data", f"{year}H1")
        shutil.copytree(os.path.join(ROOT, "data", "2024H1"), folder)
        # each report is dated after its own half-year (the report-date rule)
        unit = os.path.join(folder, "单位.yaml")
        with open(unit, encoding="utf-8") as f:
            text = f.read().replace("2024-07-05", f"{year}-07-05")
        with open(unit, "w", encoding="utf-8") as f:
            f.write(text)
    return work


def measure(binary, count, runs):
    times, peaks, cpu = [], [], []
    for _ in range(runs):
        work = workspace(count)
        cmd = [binary, "build", "--all", "--root", work]
        start = time.perf_counter()
        # a fresh child each run, so ru_maxrss of RUSAGE_CHILDREN is the max over runs; measure via wait4
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append((time.perf_counter() - start) * 1000)
        peaks.append(usage.ru_maxrss / 1024)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        assert os.waitstatus_to_exitcode(status) == 0, "build --all failed"
        shutil.rmtree(work)
    return statistics.median(times), min(times), statistics.median(cpu), max(peaks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--periods", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/zongjie"))
    args = ap.parse_args()
    for count in sorted({5, 10, args.periods}):
        ms, fastest, cpu, peak = measure(args.bin, count, args.runs)
        # the CPU time (user + system, all threads) is less sensitive to other load than the wall time
        print(f"{count:3d} periods   median {ms:7.1f} ms   min {fastest:7.1f} ms   CPU {cpu:7.1f} ms   "
              f"peak RSS {peak:6.1f} MB")
    print(f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
