"""`make bench-gunicorn`: which workers × threads suits gunicorn.conf.py on this machine.

Runs bench/load.py's gunicorn-on-SQLite scenario (30 signed-in posters, each loading the
consultation page and posting) once per shape, in turns, for BENCH_SECONDS (30) each, and
writes bench/results/gunicorn.json. Every shape must also pass load.py's checks (no 5xx,
nothing lost or corrupted, index in step). The shapes are compared within one run, since the
machine's other load changes between runs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("BENCH_SECONDS", "30")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

SHAPES = os.environ.get("BENCH_SHAPES", "1x8,2x4,4x2,2x8").split(",")
RESULTS = load.ROOT / "bench" / "results" / "gunicorn.json"


def main() -> None:
    scenarios = {}
    for shape in SHAPES:
        workers, threads = (int(n) for n in shape.split("x"))
        scenarios[shape] = {**load.SCENARIOS["gunicorn-sqlite"], "workers": workers, "threads": threads}
    results = {"cpus": os.cpu_count(), "seconds_each": load.SECONDS, **load.run_each(scenarios)}
    load.write_and_judge(results, RESULTS)


if __name__ == "__main__":
    main()
