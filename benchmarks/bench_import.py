"""Import and scoring speed (issue 2's bar; run by hand, not in CI).

1. End-to-end import of a 100 000-row × 28-column xlsx (respondent id, date, WHOQOL-BREF
   q1–q26): ``importing.import_clients`` into a fresh workspace — read, recognise the layout,
   place and decode the items, validate, score, store — timed next to the raw python-calamine
   parse of the same file (``CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()``)
   in the same run. Goal: import ≤ 1.3 × raw parse.
2. The floor under (1): the raw parse plus only the two steps no import into the workspace
   can skip — the keyed pseudonyms of the ids (``Workspace.pseudonyms``) and storing the
   responses and their per-item answers (``Workspace.store_responses``, in a transaction of a
   fresh workspace) — with the cells already decoded, nothing validated and nothing scored.
   No import of this file into this store can take less.
3. ``scoring.rules.score`` on 1 000 000 WHOQOL-BREF responses. Goal: ≤ 1 s.
4. With ``--split N``: the same number of rows in N workbooks (one per project), imported in
   one call, next to the raw parse of the N files one after another; the files are read in
   background threads, so parsing overlaps with parsing and with the checks.
5. With ``--processes``: whole processes, the way a user meets them: ``evaltool import
   clients`` of the workbook into a fresh workspace against a process that only parses the
   same sheet with python-calamine, and ``evaltool import clients`` of the same rows as CSV
   against a process that only parses that CSV with pandas' C parser; pairs run A B A B and
   each ratio is the median of the pairs' ratios. Goal: ≤ 2.0 × both.
6. With ``--large-workspace N``: a 1 000-row file of a new project imported into a workspace
   that already holds N projects (``bench_report.build``: about 1 300 responses each), to show
   that an import's cost does not grow with the workspace.

Usage::

    python benchmarks/bench_import.py [--rows 100000] [--file big.xlsx] [--repeat 3] [--profile]
                                      [--split 8] [--large-workspace 500] [--processes]

The generated workbook is cached (``--file``, default in the temp folder) because writing it
with openpyxl takes longer than everything measured. ``--profile`` prints where the import's
time goes, by pipeline stage and by function.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaltool.imports.clients import ClientImportOptions, import_clients  # noqa: E402
from evaltool.instruments import load_instrument  # noqa: E402
from evaltool.scoring.rules import score  # noqa: E402
from evaltool.store.workspace import Workspace  # noqa: E402


def make_workbook(path: Path, rows: int, seed: int = 1, prefix: str = "K") -> Path:
    """A WHOQOL-BREF sheet: ``Asiakasnumero``, ``Päivämäärä`` (date cells), q1–q26 (1–5)."""
    from openpyxl import Workbook

    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(rows, 26))
    skipped = rng.random((rows, 26)) < 0.01
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Vastaukset")
    ws.append(["Asiakasnumero", "Päivämäärä"] + [f"q{i}" for i in range(1, 27)])
    start = date(2024, 1, 1)
    for i in range(rows):
        row = values[i].tolist()
        for j in np.flatnonzero(skipped[i]):
            row[j] = None
        ws.append([f"{prefix}{i:06d}", start + timedelta(days=i % 300)] + row)
    wb.save(path)
    return path


def raw_parse(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - t


#: Pipeline stages timed inside every import (module, function): wall time per call is added
#: up, so the stages of one import can be compared with its total.
STAGES = (
    ("read", "read_raw"),
    ("store.workspace", "Workspace.pseudonyms"),
    ("store.workspace", "Workspace.store_responses"),
)


@contextmanager
def stage_timer(totals: dict[str, float]):
    """Wrap the :data:`STAGES` functions so each call adds its wall time to ``totals``."""
    import importlib

    saved = []
    for module_name, qualname in STAGES:
        module = importlib.import_module(f"evaltool.{module_name}")
        owner_name, _, func_name = qualname.rpartition(".")
        owner = getattr(module, owner_name) if owner_name else module
        original = getattr(owner, func_name)

        def timed(*args, _original=original, _name=qualname, **kwargs):
            t = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_name] = totals.get(_name, 0.0) + time.perf_counter() - t

        setattr(owner, func_name, timed)
        saved.append((owner, func_name, original))
    # importing.py holds its own reference to the readers module: patched above.
    try:
        yield totals
    finally:
        for owner, func_name, original in saved:
            setattr(owner, func_name, original)


def full_import(path: Path, profile: bool = False, stages: dict | None = None) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(prefix="evaltool-bench-"))
    try:
        ws = Workspace.init(folder / "ws")
        try:
            prof = cProfile.Profile() if profile else None
            with stage_timer(stages if stages is not None else {}):
                t = time.perf_counter()
                if prof:
                    prof.enable()
                result = import_clients(
                    ws,
                    [path],
                    ClientImportOptions(instrument="whoqol-bref", project="Bench", wave=1),
                )
                if prof:
                    prof.disable()
                elapsed = time.perf_counter() - t
        finally:
            ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if prof:
        stats = pstats.Stats(prof)
        stages = {
            "readers (read_raw)": "readers.py",
            "layouts (recognise, place)": "layouts.py",
            "decode (decode_items)": "instruments.py:",
            "store (workspace)": "workspace.py",
        }
        print("\nwhere the import's time goes (cumulative, profiled):")
        for (file, _, func), row in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):
            name = f"{Path(file).name}:{func}"
            if any(
                k in name
                for k in (
                    "read_raw",
                    "recognise",
                    "place",
                    "decode_items",
                    "decode_fields",
                    "store_responses",
                    "pseudonyms",
                    "score",
                    "existing_respondents",
                    "parse_dates",
                )
            ):
                print(f"  {row[3]:6.3f} s  {name}")
        del stages
        print()
        stats.sort_stats("cumulative").print_stats(25)
    return elapsed, result.files[0].rows_stored


def floor_parts(path: Path) -> tuple[float, float]:
    """Seconds for the pseudonyms and for storing the responses of ``path``, each on its own.

    The cells are decoded beforehand (not timed): column 0 is the id, column 1 the date and
    the rest the items. The workspace is fresh, as in :func:`full_import`.
    """
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    n = len(rows)
    cells = np.array(rows, dtype=object)
    values = np.where(cells[:, 2:] == "", np.nan, cells[:, 2:]).astype(float)
    inst = load_instrument("whoqol-bref")
    frame = {
        "project": np.full(n, "Bench", dtype=object),
        "wave": np.ones(n, dtype=np.int64),
        "source_id": cells[:, 0].astype(str).astype(object),
        "date": np.array([d.isoformat() for d in cells[:, 1]], dtype=object),
        "source_row": np.arange(2, n + 2),
        "n_missing": np.isnan(values).sum(axis=1),
        "discarded": np.zeros(n, dtype=bool),
        "incomplete": np.zeros(n, dtype=bool),
        "missing": np.full(n, "." * values.shape[1], dtype=object),
    }
    import pandas as pd

    frame = pd.DataFrame(frame)
    from evaltool.imports.clients import gc_paused

    folder = Path(tempfile.mkdtemp(prefix="evaltool-bench-"))
    try:
        ws = Workspace.init(folder / "ws")
        try:
            with gc_paused(), ws.transaction():
                table = ws.ensure_instrument(inst)
                import_id = ws.add_import(
                    {
                        "kind": "clients",
                        "source_name": path.name,
                        "sha256": "0",
                        "size": 0,
                        "scope": "bench",
                        "rows_read": n,
                        "rows_stored": n,
                        "rows_rejected": 0,
                    }
                )
                t = time.perf_counter()
                frame["respondent"] = ws.pseudonyms(
                    frame["project"].tolist(), frame["source_id"].tolist()
                )
                t_pseudonyms = time.perf_counter() - t
                t = time.perf_counter()
                ws.store_responses(import_id, inst, table, frame, values)
                t_store = time.perf_counter() - t
        finally:
            ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return t_pseudonyms, t_store


def bench_split(rows: int, parts: int, repeat: int) -> None:
    """Time one import call of ``parts`` workbooks holding ``rows`` rows together (item 4)."""
    per = rows // parts
    paths = []
    for k in range(parts):
        path = Path(tempfile.gettempdir()) / f"evaltool-bench-{per}-part{k}.xlsx"
        if not path.exists():
            make_workbook(path, per, seed=10 + k, prefix=f"K{k}-")
        paths.append(path)
    raws, imports = [], []
    for _ in range(repeat):
        raws.append(sum(raw_parse(p) for p in paths))
        folder = Path(tempfile.mkdtemp(prefix="evaltool-bench-"))
        try:
            with Workspace.init(folder / "ws") as ws:
                t = time.perf_counter()
                import_clients(
                    ws,
                    paths,
                    ClientImportOptions(
                        instrument="whoqol-bref", project_column=None, project="Bench", wave=1
                    ),
                )
                imports.append(time.perf_counter() - t)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{parts} files of {per} rows in one call: raw parse of each in turn "
        f"{min(raws):.3f} s, import_clients {min(imports):.3f} s = "
        f"{min(imports) / min(raws):.2f} × (runs: " + ", ".join(f"{x:.3f}" for x in imports) + ")"
    )


def bench_large_workspace(n_projects: int, repeat: int) -> None:
    """Time a 1 000-row import into a workspace of ``n_projects`` projects (item 4 above)."""
    from openpyxl import Workbook

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_report

    folder = Path(tempfile.mkdtemp(prefix="evaltool-bench-"))
    try:
        t = time.perf_counter()
        ws_dir = bench_report.build(folder / "ws", n_projects, 400)
        built = time.perf_counter() - t
        path = folder / "new-project.xlsx"
        wb = Workbook()
        sheet = wb.active
        sheet.append(["id"] + [f"q{i}" for i in range(1, 27)])
        rng = np.random.default_rng(3)
        for i in range(1000):
            sheet.append([f"N{i:04d}"] + rng.integers(1, 6, 26).tolist())
        wb.save(path)
        db = ws_dir / "evaltool.sqlite"
        pristine = folder / "pristine.sqlite"
        shutil.copy(db, pristine)
        times = []
        for _ in range(repeat):
            shutil.copy(pristine, db)
            with Workspace.open(ws_dir) as ws:
                n_resp = ws.row_counts(["responses"])["responses"]
                t = time.perf_counter()
                import_clients(
                    ws,
                    [path],
                    ClientImportOptions(instrument="whoqol-bref", project="New project", wave=1),
                )
                times.append(time.perf_counter() - t)
        print(
            f"1 000-row import into a workspace of {n_projects} projects and {n_resp:,} "
            f"responses (built in {built:.0f} s): {min(times):.3f} s (runs: "
            + ", ".join(f"{x:.3f}" for x in times)
            + ")"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench_score(n: int = 1_000_000, seed: int = 2) -> float:
    inst = load_instrument("whoqol-bref")
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(n, len(inst.items))).astype(float)
    values[rng.random(values.shape) < 0.02] = np.nan
    t = time.perf_counter()
    out = score(values, inst)
    elapsed = time.perf_counter() - t
    assert len(out) == n
    return elapsed


def write_csv(xlsx: Path, path: Path) -> Path:
    """The rows of the workbook ``xlsx`` as a UTF-8 CSV (dates as ISO text)."""
    import csv

    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(rows[0])
        for row in rows[1:]:
            items = (int(v) if v != "" else "" for v in row[2:])
            out.writerow([row[0], row[1].isoformat()[:10], *items])
    return path


PEER_XLSX = (
    "import sys; from python_calamine import CalamineWorkbook; "
    "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"
)
PEER_CSV = (
    "import sys, pandas; pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False, "
    "na_filter=False, engine='c')"
)


def _wall(args: list[str]) -> float:
    import subprocess

    t = time.perf_counter()
    subprocess.run(
        args,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
    )
    return time.perf_counter() - t


def bench_processes(xlsx: Path, repeat: int) -> None:
    """Whole-process import against whole-process parse, for the workbook and its CSV."""
    import statistics

    csv_path = xlsx.with_suffix(".csv")
    if not csv_path.exists():
        write_csv(xlsx, csv_path)
    py = sys.executable
    print("\nwhole processes (median of pairs, A B A B …):")
    for path, peer, label in (
        (xlsx, PEER_XLSX, "python-calamine parse"),
        (csv_path, PEER_CSV, "pandas C-engine read_csv"),
    ):
        ours, theirs, ratios = [], [], []
        for _ in range(repeat):
            folder = Path(tempfile.mkdtemp(prefix="evaltool-bench-"))
            try:
                _wall([py, "-m", "evaltool.cli", "init", str(folder / "ws")])
                a = _wall(
                    [
                        py,
                        "-m",
                        "evaltool.cli",
                        "import",
                        "clients",
                        "-w",
                        str(folder / "ws"),
                        "--project",
                        "Bench",
                        "--wave",
                        "1",
                        str(path),
                    ]
                )
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            b = _wall([py, "-c", peer, str(path)])
            ours.append(a)
            theirs.append(b)
            ratios.append(a / b)
        print(
            f"  {path.suffix[1:]:<5} evaltool import {statistics.median(ours):6.2f} s, "
            f"{label} {statistics.median(theirs):6.2f} s: "
            f"{statistics.median(ratios):.2f} ×  (goal ≤ 2.0)"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--file", type=Path, default=None, help="workbook to use / create")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timing (best kept)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument(
        "--split",
        type=int,
        metavar="FILES",
        default=0,
        help="also time the rows split into this many files, imported at once",
    )
    ap.add_argument(
        "--large-workspace",
        type=int,
        metavar="PROJECTS",
        default=0,
        help="also time a small import into a workspace of this many projects",
    )
    ap.add_argument(
        "--processes",
        action="store_true",
        help="also time whole processes: import against a parse-only process (xlsx and CSV)",
    )
    ap.add_argument("--processes-only", action="store_true", help="only the whole-process timings")
    args = ap.parse_args(argv)
    path = args.file or Path(tempfile.gettempdir()) / f"evaltool-bench-{args.rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        make_workbook(path, args.rows)
        print(f"wrote {path} ({args.rows} rows × 28 columns) in {time.perf_counter() - t:.1f} s")
    if args.processes_only:
        bench_processes(path, args.repeat)
        return 0
    raws, imports, stage_runs = [], [], []
    stored = 0
    for _ in range(args.repeat):
        raws.append(raw_parse(path))
        stages: dict[str, float] = {}
        elapsed, stored = full_import(path, stages=stages)
        imports.append(elapsed)
        stage_runs.append(stages)
    raw, imp = min(raws), min(imports)
    print(
        f"raw calamine parse       {raw:7.3f} s  (runs: "
        + ", ".join(f"{x:.3f}" for x in raws)
        + ")"
    )
    print(
        f"import_clients           {imp:7.3f} s  (runs: "
        + ", ".join(f"{x:.3f}" for x in imports)
        + f"; {stored} responses stored)"
    )
    print(f"import / raw parse       {imp / raw:7.2f} ×  (goal ≤ 1.30)")
    best = stage_runs[imports.index(imp)]
    rest = imp - sum(best.values())
    print(
        "  stages of the fastest import: "
        + ", ".join(f"{name.rpartition('.')[2]} {sec:.3f} s" for name, sec in best.items())
        + f", everything else {rest:.3f} s"
    )
    if "read_raw" in best:
        print(f"  read_raw beyond the raw parse: {best['read_raw'] - raw:.3f} s")
    parts = [floor_parts(path) for _ in range(args.repeat)]
    pseud, store = min(p[0] for p in parts), min(p[1] for p in parts)
    print(
        f"floor: raw parse + pseudonyms {pseud:.3f} s + store {store:.3f} s = "
        f"{raw + pseud + store:.3f} s = {(raw + pseud + store) / raw:.2f} × the raw parse "
        "(no import into this store can be faster)"
    )
    sc = min(bench_score() for _ in range(args.repeat))
    print(f"score 1 000 000 responses {sc:6.3f} s  (goal ≤ 1.00)")
    if args.split:
        bench_split(args.rows, args.split, args.repeat)
    if args.processes:
        bench_processes(path, args.repeat)
    if args.large_workspace:
        bench_large_workspace(args.large_workspace, args.repeat)
    if args.profile:
        full_import(path, profile=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
