"""Import 100 000 ESF+ participant records, next to the raw parse of the same file.

Run by hand: ``python benchmarks/import_participants.py [--rows 100000] [--format csv|xlsx]``.
Prints the time of the raw parse (``evaltool.read.read_raw``: the file's cells as text) and of
the whole import (parse, header mapping, decoding, the validation checks, pseudonyms, one
transaction), and their ratio; then the common indicators of the workspace.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def write_file(path: Path, n: int, fmt: str) -> None:
    rng = np.random.default_rng(1)
    start = np.datetime64("2022-01-03") + rng.integers(0, 900, n)
    left = rng.random(n) < 0.7
    end = start + rng.integers(20, 400, n)
    status = rng.choice(
        ["työtön", "pitkäaikaistyötön", "työllinen", "työvoiman ulkopuolella", "opiskelija"],
        n,
        p=[0.35, 0.25, 0.1, 0.2, 0.1],
    )
    leaving = rng.choice(["työllinen", "työnhakija", "koulutuksessa", "muu"], n)
    rows = [
        [
            "Hanke",
            "Osallistujatunnus",
            "Aloituspäivä",
            "Päättymispäivä",
            "Sukupuoli",
            "Syntymävuosi",
            "Työmarkkina-asema",
            "Koulutustaso",
            "Tilanne päättyessä",
            "Vamma",
            "Ulkomaalaistausta",
        ]
    ]
    gender = rng.choice(["nainen", "mies", "muu"], n, p=[0.48, 0.5, 0.02])
    isced = rng.choice(["perusaste", "toinen aste", "korkea-aste", "3", "6"], n)
    yes = rng.choice(["kyllä", "ei", ""], (n, 2), p=[0.1, 0.5, 0.4])
    for k in range(n):
        s = str(start[k])
        rows.append(
            [
                f"S30{k % 40:03d}",
                str(100000 + k),
                s,
                str(end[k]) if left[k] else "",
                gender[k],
                str(1950 + int(rng.integers(0, 55))),
                status[k],
                isced[k],
                leaving[k] if left[k] else "",
                yes[k, 0],
                yes[k, 1],
            ]
        )
    if fmt == "csv":
        path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        from evaltool.testing import write_xlsx

        write_xlsx(path, rows, sheet="Osallistujat")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = ap.parse_args()
    from evaltool import read as readers
    from evaltool.imports.participants import import_participants
    from evaltool.indicators.esf.tables import workspace_indicators
    from evaltool.store.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"osallistujat.{args.format}"
        write_file(path, args.rows, args.format)
        t0 = time.perf_counter()
        raw = readers.read_raw(path)
        parse = time.perf_counter() - t0
        ws = Workspace.init(Path(tmp) / "ws")
        t0 = time.perf_counter()
        result = import_participants(ws, path)
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        tables = workspace_indicators(ws)
        ind = time.perf_counter() - t0
        ws.close()
    print(f"{args.rows} participants, {args.format}")
    print(f"raw parse      {parse:7.2f} s  ({len(raw.cells)} rows)")
    print(
        f"whole import   {full:7.2f} s  ({result.rows_stored} stored)  = {full / parse:.1f} × parse"
    )
    print(f"indicators     {ind:7.2f} s  ({len(tables['indicators'])} rows)")


if __name__ == "__main__":
    main()
