"""The workspace on PostgreSQL next to SQLite, measured in the same run.

1. Four processes importing different files (``evaltool import clients``) into one workspace
   at once: on PostgreSQL every import must land with exact counts; on SQLite each must
   succeed or say "workspace busy, try again" (exit 2), and nothing stored may be lost.
2. Importing the 100 000-row WHOQOL-BREF workbook (``bench_import.make_workbook``) into a
   new workspace on each engine (best of ``--repeat``), and the ratio.
3. With ``--projects N``: the outcome tables
   (:func:`evaltool.indicators.workspace_tables.workspace_outcomes`) of the N-project
   workspace of ``bench_report.build``, built on SQLite and copied to PostgreSQL with
   ``evaltool workspace copy``, timed on each.

    EVALTOOL_BENCH_DATABASE=postgresql://postgres@localhost:5433/evaltool_test \\
        python benchmarks/bench_postgres.py [--rows 100000] [--repeat 2] [--projects 500]

Every workspace on PostgreSQL lives in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import make_workbook  # noqa: E402

from evaltool.imports.clients import ClientImportOptions, import_clients  # noqa: E402
from evaltool.store.copy import copy_workspace  # noqa: E402
from evaltool.store.postgres import scratch_schema  # noqa: E402
from evaltool.store.workspace import Workspace  # noqa: E402


def concurrent_imports(ws_dir: Path, files: list[Path], timeout: float) -> dict:
    """Start one ``evaltool import clients`` per file at once; exit codes, wall time, and
    the responses stored per project afterwards."""
    env = {**os.environ, "EVALTOOL_BUSY_TIMEOUT": str(timeout)}
    t = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "evaltool.cli", "import", "clients", str(f), "-w", str(ws_dir)]
            + ["--project", f"P{k}", "--wave", "1", "--instrument", "whoqol-bref"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for k, f in enumerate(files)
    ]
    results = [(p.wait(), p.communicate()[1]) for p in procs]
    wall = time.perf_counter() - t
    with Workspace.open(ws_dir) as ws:
        meta, _ = ws.responses("whoqol-bref", columns=["project"])
    counts = meta["project"].value_counts().to_dict() if len(meta) else {}
    busy = sum(1 for code, err in results if code == 2 and "busy" in err and "try again" in err)
    other = [
        err.strip().splitlines()[-1]
        for code, err in results
        if code not in (0,) and not (code == 2 and "busy" in err)
    ]
    return {
        "ok": sum(1 for code, _ in results if code == 0),
        "busy": busy,
        "other_errors": other,
        "counts": {f"P{k}": counts.get(f"P{k}", 0) for k in range(len(files))},
        "wall_s": wall,
    }


def bench_concurrency(url: str, tmp: Path, rows: int) -> None:
    files = [
        make_workbook(tmp / f"c{k}.xlsx", rows, seed=10 + k, prefix=f"C{k}-") for k in range(4)
    ]
    with scratch_schema(url) as schema_url:
        Workspace.init(tmp / "pg-conc", database=schema_url).close()
        pg = concurrent_imports(tmp / "pg-conc", files, timeout=60)
    Workspace.init(tmp / "sq-conc").close()
    sq = concurrent_imports(tmp / "sq-conc", files, timeout=60)
    Workspace.init(tmp / "sq-conc-short").close()
    sq_short = concurrent_imports(tmp / "sq-conc-short", files, timeout=0.2)
    print(f"\n1. four processes importing {rows}-row files at once")
    for name, r in (
        ("PostgreSQL (busy timeout 60 s)", pg),
        ("SQLite     (busy timeout 60 s)", sq),
        ("SQLite     (busy timeout 0.2 s)", sq_short),
    ):
        exact = all(v in (0, rows) for v in r["counts"].values())
        landed = sum(1 for v in r["counts"].values() if v == rows)
        print(
            f"   {name}: {r['ok']} ok, {r['busy']} 'workspace busy, try again', "
            f"other errors {r['other_errors'] or 'none'}; {landed}/4 files stored with exactly "
            f"{rows} rows, partial none: {exact}; wall {r['wall_s']:.1f} s"
        )
        assert exact and landed == r["ok"] and r["ok"] + r["busy"] == 4, r


def _import_once(path: Path, ws_dir: Path, database: str | None) -> float:
    ws = Workspace.init(ws_dir, database=database)
    try:
        t = time.perf_counter()
        res = import_clients(
            ws, [path], ClientImportOptions(instrument="whoqol-bref", project="Bench", wave=1)
        )
        elapsed = time.perf_counter() - t
        n = ws.row_counts(["responses"])["responses"]
    finally:
        ws.close()
    assert n == res.rows_stored if hasattr(res, "rows_stored") else n > 0
    return elapsed


def bench_big_import(url: str, tmp: Path, rows: int, repeat: int) -> None:
    path = make_workbook(tmp / "big.xlsx", rows)
    best = {"sqlite": float("inf"), "postgresql": float("inf")}
    for k in range(repeat):
        best["sqlite"] = min(best["sqlite"], _import_once(path, tmp / f"sq-big{k}", None))
        with scratch_schema(url) as schema_url:
            best["postgresql"] = min(
                best["postgresql"], _import_once(path, tmp / f"pg-big{k}", schema_url)
            )
    print(f"\n2. importing the {rows}-row workbook (best of {repeat})")
    print(f"   SQLite     {best['sqlite']:.2f} s")
    print(
        f"   PostgreSQL {best['postgresql']:.2f} s  "
        f"(x{best['postgresql'] / best['sqlite']:.2f} SQLite's time)"
    )


def bench_outcomes(url: str, tmp: Path, n_projects: int, n_clients: int) -> None:
    from bench_report import build

    from evaltool.indicators.workspace_tables import workspace_outcomes

    t = time.perf_counter()
    build(tmp / "out-sq", n_projects, n_clients)
    print(f"\n3. outcome tables, {n_projects} projects (built in {time.perf_counter() - t:.0f} s)")
    times = {}
    with scratch_schema(url) as schema_url:
        t = time.perf_counter()
        copy_workspace(tmp / "out-sq", tmp / "out-pg", database=schema_url)
        print(f"   workspace copy SQLite → PostgreSQL: {time.perf_counter() - t:.1f} s")
        for name, folder in (("SQLite", tmp / "out-sq"), ("PostgreSQL", tmp / "out-pg")):
            with Workspace.open(folder) as ws:
                t = time.perf_counter()
                workspace_outcomes(ws)
                times[name] = time.perf_counter() - t
    print(f"   SQLite     {times['SQLite']:.2f} s")
    print(
        f"   PostgreSQL {times['PostgreSQL']:.2f} s  "
        f"(x{times['PostgreSQL'] / times['SQLite']:.2f} SQLite's time)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--concurrent-rows", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--projects", type=int, default=0, help="outcome tables of N projects")
    ap.add_argument("--clients", type=int, default=371)
    args = ap.parse_args()
    url = os.environ.get("EVALTOOL_BENCH_DATABASE") or os.environ.get("EVALTOOL_TEST_DATABASE")
    if not url:
        sys.exit("set EVALTOOL_BENCH_DATABASE to a PostgreSQL URL")
    os.environ.pop("EVALTOOL_DATABASE", None)
    tmp = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
    try:
        bench_concurrency(url, tmp, args.concurrent_rows)
        bench_big_import(url, tmp, args.rows, args.repeat)
        if args.projects:
            bench_outcomes(url, tmp, args.projects, args.clients)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
