"""What the churn model costs a build: the three-language build (decks, PDFs and, with the model, the client
lists) of a generated table, with analysis.predict on and off, each in its own process, best of N runs.

    python benchmarks/prediction.py                # 10,000 clients, 3 runs each
    python benchmarks/prediction.py --rows 50000 --runs 1

Target on a 2-core machine: the model, its key factors and the client lists add at most 4 s to the build of
10,000 clients. Runs alternate (on, off, on, off...) so that a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, measure  # noqa: E402

TARGET_SECONDS = 4.0


def main() -> int:
    """Measure both builds, print them and the difference, write benchmarks/last_prediction.json; return 1 if
    the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "customers.csv"
        measure(["sample", "--rows", str(args.rows), "--seed", "1", "-o", str(data), "-q"], work)
        configs = {}
        for name, predict in (("with model", "true"), ("without", "false")):
            configs[name] = work / f"{name.replace(' ', '_')}.toml"
            configs[name].write_text(f"[analysis]\npredict = {predict}\n", encoding="utf-8")
        times: dict[str, list[float]] = {name: [] for name in configs}
        for _run in range(args.runs):
            for name, config in configs.items():
                seconds, _mb = measure(["build", "--data", str(data), "--config", str(config), "--lang", "fr,ru,en",
                                        "--format", "pptx,pdf", "--out", str(work / "out"), "-q"], work)
                times[name].append(seconds)
    best = {name: min(values) for name, values in times.items()}
    added = best["with model"] - best["without"]
    for name, values in times.items():
        print(f"build {args.rows:,} clients, fr+ru+en, {name:<11} best {best[name]:6.2f} s   runs: "
              + ", ".join(f"{v:.2f}" for v in values))
    verdict = "ok" if added <= TARGET_SECONDS else "MISSED"
    print(f"added by the model, key factors and client lists: {added:.2f} s (target <= {TARGET_SECONDS:g} s) {verdict}")
    record = {"rows": args.rows, "runs": times, "best": best, "added_seconds": added}
    (ROOT / "benchmarks" / "last_prediction.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0 if added <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
