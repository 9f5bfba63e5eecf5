"""The everyday build against the report a user would otherwise reach for, as ratios from one run.

    python benchmarks/everyday.py --peer-python /tmp/peer/bin/python     # or REPORTGEN_PEER_PYTHON=...
    python benchmarks/everyday.py --runs 1                                 # a quick look, not a measurement

The peer, ydata-profiling 4.18, lives in its own virtual environment (it pins older pandas, numpy and scipy):

    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install 'ydata-profiling==4.18.*'

On the 10,000-client bank table (../shared/data/bank_scrooge.csv when present, else the bundled
data/sample_customers.csv; the output says which), four whole processes, imports included, are timed in
turn, and the turns repeated (five by default) so that a busy machine slows all four alike:

    build   reportgen build --lang fr,ru,en --format pptx,pdf (decks, PDFs and, with the model, client lists)
    peer    ydata-profiling's minimal report of the same table (one English HTML page: benchmarks/peer_ydata.py)
    analyze reportgen analyze (the context.json, with the churn model)
    import  python -c "import pandas, scipy, sklearn" in reportgen's environment

For each: the median wall time, the median CPU time of the process and of the workers it waited for, and
the median peak resident memory (the largest single process of the tree). Targets (issue 13), ratios of the
medians of one run: build / peer < 1.0 and analyze / import < 1.5. The record is written to
benchmarks/everyday_last_run.json; the exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT.parent / "shared" / "data" / "bank_scrooge.csv"
SAMPLE = ROOT / "data" / "sample_customers.csv"
RECORD = ROOT / "benchmarks" / "everyday_last_run.json"
TARGETS = {"build / peer": ("build", "peer", 1.0), "analyze / import": ("analyze", "import", 1.5)}


def measure(command: list[str], cwd: Path) -> dict[str, float]:
    """Return the wall seconds, CPU seconds and peak MB of one process running `command`; exit if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    # rusage of a waited-for child covers its own waited-for children (the render workers) too
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def commands(data: Path, peer_python: str, work: Path) -> dict[str, list[str]]:
    """Return the four commands by name, each writing its output into `work`."""
    reportgen = [sys.executable, "-m", "reportgen"]
    return {
        "build": [*reportgen, "build", "--data", str(data), "--lang", "fr,ru,en", "--format", "pptx,pdf",
                  "--out", str(work / "out"), "-q"],
        "peer": [peer_python, str(ROOT / "benchmarks" / "peer_ydata.py"), str(data), str(work / "peer.html")],
        "analyze": [*reportgen, "analyze", "--data", str(data), "-o", str(work / "context.json"), "-q"],
        "import": [sys.executable, "-c", "import pandas, scipy, sklearn"],
    }


def main() -> int:
    """Run the alternated measurements, print medians and ratios, write the record; return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default=os.environ.get("REPORTGEN_PEER_PYTHON"),
                        help="the Python of the peer's virtual environment (default: $REPORTGEN_PEER_PYTHON)")
    parser.add_argument("--runs", type=int, default=5, help="alternated runs of each command (default 5)")
    parser.add_argument("--data", type=Path, help="the table (default: the bank table, else the bundled sample)")
    args = parser.parse_args()
    if not args.peer_python or not Path(args.peer_python).is_file():
        parser.error("give the peer's Python with --peer-python or REPORTGEN_PEER_PYTHON (see the docstring)")
    data = args.data or (BANK if BANK.is_file() else SAMPLE)
    runs: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        todo = commands(data.resolve(), args.peer_python, work)
        for _turn in range(args.runs):
            for name, command in todo.items():
                runs.setdefault(name, []).append(measure(command, work))
    medians = {name: {key: statistics.median(r[key] for r in results) for key in ("wall", "cpu", "peak_mb")}
               for name, results in runs.items()}
    print(f"table: {data} ({args.runs} alternated runs, medians; {os.cpu_count()} cores)")
    print(f"{'':<9}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}")
    for name, m in medians.items():
        print(f"{name:<9}{m['wall']:>9.2f}{m['cpu']:>9.2f}{m['peak_mb']:>9.0f}")
    ratios, missed = {}, False
    for label, (top, bottom, target) in TARGETS.items():
        ratio = medians[top]["wall"] / medians[bottom]["wall"]
        ok = ratio < target
        missed |= not ok
        ratios[label] = {"ratio": ratio, "target": target, "met": ok}
        print(f"{label:<17}{ratio:>6.2f}  target < {target:g}  {'ok' if ok else 'MISSED'}")
    record = {"table": str(data), "runs": args.runs, "cpu_count": os.cpu_count(), "medians": medians,
              "ratios": ratios, "all_runs": runs}
    RECORD.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
