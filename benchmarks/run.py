"""Time and peak memory of whole `reportgen` processes on generated tables (run on demand: make benchmark).

    python benchmarks/run.py                 # 10,000 and 1,000,000 rows: analyze; 10,000 rows: full build
    python benchmarks/run.py --rows 10000    # one size only
    python benchmarks/run.py --rows 10000000 # the scale target: 10 million clients (about 2 min 15 s with the table's writing)

Each command runs in its own process and is measured from the outside (wall clock, and the peak resident
memory the kernel reports for that process), imports included, as an analyst would experience it.
Targets on a 2-core machine: analyze < 3 s for 10,000 rows; < 20 s and < 2 GB for 1,000,000 rows;
build of three languages and both formats < 6 s for 10,000 rows; analyze < 60 s and < 4 GB for 10,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTGEN = [sys.executable, "-m", "reportgen"]
TARGETS = {("analyze", 10_000): (3.0, None), ("analyze", 1_000_000): (20.0, 2048), ("build", 10_000): (6.0, None),
           ("analyze", 10_000_000): (60.0, 4096)}


def measure(args: list[str], cwd: Path) -> tuple[float, float]:
    """Return (seconds, peak MB) of one process running `reportgen ARGS`; raise if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen([*REPORTGEN, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"reportgen {' '.join(args)} failed:\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def best_of(runs: int, args: list[str], cwd: Path) -> tuple[float, float]:
    """Return the fastest of `runs` runs (the others measure the machine's noise, not reportgen)."""
    results = [measure(args, cwd) for _ in range(runs)]
    return min(results)


def main() -> int:
    """Run the benchmarks, print a table and write benchmarks/last_run.json; return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="table sizes (default: 10000 and 1000000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    sizes = args.rows or [10_000, 1_000_000]
    rows_out, missed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for rows in sizes:
            data = work / f"customers_{rows}.csv"
            seconds, _mb = measure(["sample", "--rows", str(rows), "--seed", "1", "-o", str(data), "-q"], work)
            rows_out.append(("sample", rows, seconds, _mb))
            runs = args.runs if rows <= 100_000 else 1
            seconds, mb = best_of(runs, ["analyze", "--data", str(data), "-o", str(work / "ctx.json"), "-q"], work)
            rows_out.append(("analyze", rows, seconds, mb))
            if rows <= 100_000:
                seconds, mb = best_of(runs, ["build", "--data", str(data), "--lang", "fr,ru,en", "--format",
                                             "pptx,pdf", "--out", str(work / "out"), "-q"], work)
                rows_out.append(("build", rows, seconds, mb))
    print(f"{'command':<10}{'rows':>12}{'seconds':>10}{'peak MB':>10}  target")
    for command, rows, seconds, mb in rows_out:
        target = TARGETS.get((command, rows))
        verdict = ""
        if target:
            ok = seconds <= target[0] and (target[1] is None or mb <= target[1])
            missed |= not ok
            verdict = f"< {target[0]:g} s" + (f", < {target[1]} MB" if target[1] else "") + (" ok" if ok else " MISSED")
        print(f"{command:<10}{rows:>12,}{seconds:>10.2f}{mb:>10.0f}  {verdict}")
    record = {"cpu_count": os.cpu_count(), "results": [dict(zip(("command", "rows", "seconds", "peak_mb"), r))
                                                       for r in rows_out]}
    (ROOT / "benchmarks" / "last_run.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
