"""How the cost grows with the data: import, outcomes and one report at 10 k, 100 k, 1 M rows
(run by hand, not in CI).

For each size a WHOQOL-BREF CSV is written (``Asiakasnumero``, ``Päivämäärä``, ``Aalto``,
q1–q26; half the rows wave 1 and half wave 2 of the same respondents, so outcomes have pairs)
and three steps run, each in a fresh process so its peak memory is its own:

1. ``evaltool import clients`` of the CSV into a fresh workspace;
2. outcomes: :func:`evaltool.indicators.workspace_tables.workspace_outcomes`;
3. one project report: ``evaltool report --project Bench``.

Each step prints its wall time and peak memory (the ``ru_maxrss`` that ``os.wait4`` reports for the
finished child), then its seconds and megabytes per 100 000 rows next
to the smallest size's, so a linear cost shows as a flat ratio. The issue's goal for the
1 M-row import: ≤ 15 s and ≤ 1 GB.

Usage::

    python benchmarks/bench_scaling.py [--sizes 10000 100000 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

OUTCOMES = (
    "import sys\n"
    "from evaltool.store.workspace import Workspace\n"
    "from evaltool.indicators.workspace_tables import workspace_outcomes\n"
    "with Workspace.open(sys.argv[1]) as ws:\n"
    "    tables = workspace_outcomes(ws)\n"
    "assert tables, 'no outcomes'\n"
)


def make_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """``rows`` WHOQOL-BREF responses: ``rows // 2`` respondents at wave 1 and again at
    wave 2 (answers 1–5, 1 % skipped)."""
    rng = np.random.default_rng(seed)
    half = rows // 2
    start = date(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Asiakasnumero", "Päivämäärä", "Aalto"] + [f"q{i}" for i in range(1, 27)])
        for begin in range(0, rows, 50_000):
            n = min(50_000, rows - begin)
            values = rng.integers(1, 6, size=(n, 26)).astype(str).astype(object)
            values[rng.random((n, 26)) < 0.01] = ""
            for k in range(n):
                i = begin + k
                person, wave = i % half, 1 + i // half
                day = start + timedelta(days=(person % 200) + 200 * (wave - 1))
                out.writerow([f"K{person:07d}", day.isoformat(), wave, *values[k]])
    return path


def run(args: list[str]) -> tuple[float, float] | None:
    """Wall seconds and peak resident megabytes of one child process (None if it failed)."""
    env = dict(os.environ, EVALTOOL_WORKSPACE="")
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: its peak is read alone by the parent's wait4
        try:
            os.chdir(tempfile.gettempdir())
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.execvpe(args[0], args, env)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(args)}", file=sys.stderr)
        return None
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def steps(csv_path: Path, ws: Path) -> dict[str, list[str]]:
    """The timed command lines."""
    py = [sys.executable]
    cli = py + ["-m", "evaltool.cli"]
    return {
        "import": cli
        + [
            "import",
            "clients",
            "-w",
            str(ws),
            "--project",
            "Bench",
            "--wave-column",
            "Aalto",
            str(csv_path),
        ],
        "outcomes": py + ["-c", OUTCOMES, str(ws)],
        "report": cli + ["report", "-w", str(ws), "--project", "Bench", "-o", str(ws / "out")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, default=None, help="keep the data in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="evaltool-scaling-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    try:
        for rows in args.sizes:
            csv_path = folder / f"whoqol-{rows}.csv"
            if not csv_path.exists():
                make_csv(csv_path, rows)
            ws = folder / f"ws-{rows}"
            shutil.rmtree(ws, ignore_errors=True)
            run([sys.executable, "-m", "evaltool.cli", "init", str(ws)])
            results[rows] = {}
            for name, cmd in steps(csv_path, ws).items():
                got = run(cmd)
                if got is None:
                    continue
                results[rows][name] = sec, mb = got
                print(f"{rows:>9} rows  {name:<9} {sec:8.2f} s  {mb:8.0f} MB peak", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    first = min(results)
    print(f"\ntime per row ÷ the same at {first} rows (1.0 = linear; start-up costs make it < 1):")
    for rows, row in results.items():
        parts = []
        for name, (sec, _mb) in row.items():
            if name not in results[first]:
                continue
            base_sec = results[first][name][0] / first
            parts.append(f"{name} {sec / rows / base_sec:5.2f} × time")
        print(f"  {rows:>9}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
