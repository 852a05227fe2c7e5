"""Time the reports on a large synthetic programme.

Default: 500 projects, about 60 clients each at entry, three WHOQOL-BREF waves (about 80 % and
70 % answer the later waves), the KEVÄT client survey with background, goals and open answers
at the last wave, an ESR register row per project and two partner-survey rounds of 60
organisations. The workspace is filled through the workspace's own storage functions (one
import record per project and wave, as if one file each had been imported), then:

1. ``write_project_report`` for one project, cold and warm (best of ``--repeat``), and
   ``write_programme_report`` (best of ``--repeat``), in this process;
2. ``write_all_reports`` (programme report, every project report, index, shared plotly.js)
   in a fresh process, with its wall time and peak memory of that process and its worker
   processes together (sampled PSS and RSS sums).

    python benchmarks/bench_report.py [--projects 500] [--clients 60] [--repeat 3] [--keep DIR]

With ``--keep DIR`` the workspace is built once and reused when DIR already holds it.

Targets: one project report ≤ 0.5 s warm; the programme report ≤ 5 s; ``--all`` for 500
projects ≤ 20 s and ≤ 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.imports.register import import_projects
from evaltool.instruments import load_instrument
from evaltool.store.partners import STATEMENT_COLUMNS, TIE_COLUMNS
from evaltool.store.workspace import Workspace

EPOCH = "1710590400"


def _store(
    ws: Workspace,
    inst,
    table: str,
    project: str,
    wave: int,
    ids: np.ndarray,
    values: np.ndarray,
    fields: pd.DataFrame | None,
    date: str,
) -> None:
    n = len(ids)
    iid = ws.add_import(
        {
            "kind": "clients",
            "source_name": f"{project}-{inst.name}-{wave}.xlsx",
            "sha256": f"{abs(hash((project, inst.name, wave))):064d}"[:64],
            "size": 1000 + n,
            "layout": "webropol",
            "instrument": inst.name,
            "rule": inst.default_rule,
            "scope": f"{inst.name};project={project};wave={wave}",
            "rows_read": n,
            "rows_stored": n,
            "rows_rejected": 0,
        }
    )
    source = [f"{project}-{i:04d}" for i in ids]
    answered = np.isfinite(values)
    frame = pd.DataFrame(
        {
            "project": project,
            "wave": wave,
            "source_id": source,
            "respondent": ws.pseudonyms([project] * n, source),
            "date": date,
            "source_row": np.arange(2, n + 2),
            "n_missing": (~answered).sum(axis=1),
            "discarded": answered.sum(axis=1) < 1,
            "incomplete": False,
            "missing": ["".join("." if a else "s" for a in row) for row in answered],
        }
    )
    ws.store_responses(iid, inst, table, frame, values, fields)


def build(root: Path, n_projects: int, n_clients: int, seed: int = 1) -> Path:
    """Fill a workspace at ``root`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ws = Workspace.init(root)
    whoqol, kevat = load_instrument("whoqol-bref"), load_instrument("kevat-client")
    genders = np.array(["female", "male", "other"], dtype=object)
    ages = np.array(["under_25", "25_34", "35_44", "45_54", "55_plus"], dtype=object)
    services = np.array(["rehabilitative", "wage_subsidy", "work_trial", "workshop"], dtype=object)
    goods = np.array(
        [
            "Sain rytmiä arkeen.",
            "Hyvä ryhmä.",
            "Ohjaajat kannustavat.",
            "<script>alert(1)</script>",
        ],
        dtype=object,
    )
    bads = np.array(["Matkat ovat pitkiä.", "Liian vähän tekemistä.", "Ei mitään."], dtype=object)
    codes = [f"S{20000 + p}" for p in range(n_projects)]
    with ws.transaction():
        t_who, t_kev = ws.ensure_instrument(whoqol), ws.ensure_instrument(kevat)
        for p, code in enumerate(codes):
            n = max(3, int(rng.normal(n_clients, n_clients / 4)))
            level = rng.normal(0, 1, n) + rng.normal(0, 0.3)
            gain = rng.normal(0.25, 0.15)
            for wave, share in ((1, 1.0), (2, 0.8), (3, 0.7)):
                ids = np.flatnonzero(rng.random(n) < share) if wave > 1 else np.arange(n)
                lat = level[ids] + gain * (wave - 1)
                vals = np.clip(
                    np.rint(3 + 0.8 * lat[:, None] + rng.normal(0, 0.8, (len(ids), 26))), 1, 5
                )
                vals[rng.random(vals.shape) < 0.02] = np.nan
                rows = np.arange(len(ids))
                fields = (
                    pd.concat(
                        [
                            pd.DataFrame(
                                {"row": rows, "field": "gender", "value": genders[ids % 3]}
                            ),
                            pd.DataFrame(
                                {"row": rows, "field": "age_group", "value": ages[ids % 5]}
                            ),
                            pd.DataFrame(
                                {"row": rows, "field": "service_type", "value": services[ids % 4]}
                            ),
                        ],
                        ignore_index=True,
                    )
                    if wave == 1
                    else None
                )
                _store(
                    ws, whoqol, t_who, code, wave, ids, vals, fields, f"2024-0{wave * 3}-1{p % 10}"
                )
            ids = np.flatnonzero(rng.random(n) < 0.7)
            rows = np.arange(len(ids))
            likert = np.clip(
                np.rint(3.5 + 0.6 * level[ids][:, None] + rng.normal(0, 0.9, (len(ids), 16))), 1, 5
            )
            fields = pd.concat(
                [
                    pd.DataFrame({"row": rows, "field": "goals", "value": "routine"}),
                    pd.DataFrame({"row": rows[::2], "field": "goals", "value": "work"}),
                    pd.DataFrame({"row": rows, "field": "good", "value": goods[ids % 4]}),
                    pd.DataFrame({"row": rows[::3], "field": "bad", "value": bads[ids[::3] % 3]}),
                ],
                ignore_index=True,
            )
            _store(ws, kevat, t_kev, code, 3, ids, likert, fields, "2024-09-20")
        _partners(ws, rng, codes)
    reg = pd.DataFrame(
        {
            "Hankekoodi": codes,
            "Nimi": [f"Hanke {c}" for c in codes],
            "Toteuttaja": [f"Organisaatio {p % 60}" for p in range(n_projects)],
            "Maakunta": "Keski-Suomi",
            "Rahoittaja": "ELY-keskus",
            "Toimintalinja": "5",
            "Alkupvm": "1.1.2024",
            "Loppupvm": "31.12.2026",
            "Suunnitellut osallistujat": rng.integers(40, 120, n_projects),
            "Toteutuneet osallistujat": rng.integers(20, 130, n_projects),
            "Suunnitellut naiset": rng.integers(10, 40, n_projects),
            "Toteutuneet naiset": rng.integers(5, 45, n_projects),
            "Suunnitellut työpaikat": rng.integers(1, 10, n_projects),
            "Toteutuneet työpaikat": rng.integers(0, 12, n_projects),
            "Suunniteltu julkinen rahoitus": rng.integers(100_000, 900_000, n_projects),
        }
    )
    reg_path = root / "rekisteri.csv"
    reg.to_csv(reg_path, index=False, sep=";")
    import_projects(ws, reg_path)
    ws.close()
    return root


def _partners(ws: Workspace, rng: np.random.Generator, codes: list[str]) -> None:
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    text = (Path(__file__).resolve().parents[1] / "surveys" / "partner-survey.toml").read_text(
        encoding="utf-8"
    )
    orgs = [f"Organisaatio {k}" for k in range(60)]
    items = [i.code for b in survey.blocks for i in b.items]
    for r, rnd in enumerate(["syksy 2023", "syksy 2024"]):
        iid = ws.add_import(
            {
                "kind": "partners",
                "source_name": f"kumppanit-{r}.csv",
                "sha256": f"{r:064d}",
                "size": 1,
                "round": rnd,
                "scope": f"partners;round={rnd}",
                "rows_read": len(orgs),
                "rows_stored": len(orgs),
                "rows_rejected": 0,
            }
        )
        statements = pd.DataFrame(
            [(o, "other", it, float(rng.integers(2 + r, 6))) for o in orgs for it in items],
            columns=STATEMENT_COLUMNS[1:],
        )
        ties = pd.DataFrame(
            [
                (
                    o,
                    o2,
                    float(rng.integers(0, 5)),
                    float(rng.integers(1, 6)),
                    float(rng.integers(1, 5)),
                    float(rng.integers(1, 5)),
                )
                for o in orgs
                for o2 in orgs
                if o2 != o and rng.random() < 0.08 + 0.02 * r
            ],
            columns=TIE_COLUMNS[1:],
        )
        ws.store_partner_round(
            iid,
            rnd,
            text,
            pd.DataFrame({"org": orgs, "sector": "other", "responded": True}),
            statements,
            ties,
        )


def _tree_memory_mb() -> tuple[float, float]:
    """(Σ PSS, Σ RSS) in MB of this process and its child processes (Linux /proc)."""
    pids, queue = [], [os.getpid()]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                queue += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return pss / 1024, rss / 1024


def measure_all(ws_dir: Path, out: Path) -> None:
    """Child process: write every report, print JSON with seconds and peak memory (the
    largest sum over this process and its workers, sampled every 0.1 s: PSS counts pages
    shared copy-on-write once, RSS counts them in every process)."""
    import threading

    from evaltool.report import write_all_reports

    peak = {"pss": 0.0, "rss": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            pss, rss = _tree_memory_mb()
            peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    with Workspace.open(ws_dir) as ws:
        index = write_all_reports(ws, out, progress=True)
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    n_html = len(list(index.parent.glob("*.html")))
    n_xlsx = len(list(index.parent.glob("*.xlsx")))
    size = sum(f.stat().st_size for f in index.parent.iterdir())
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_pss_mb": peak["pss"],
                "peak_rss_mb": peak["rss"],
                "main_maxrss_mb": usage,
                "worker_maxrss_mb": workers,
                "html": n_html,
                "xlsx": n_xlsx,
                "bytes": size,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=500)
    ap.add_argument("--clients", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="Build the workspace and reports here and keep them.",
    )
    ap.add_argument("--measure-all", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure_all:
        measure_all(*args.measure_all)
        return
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        t0 = time.perf_counter()
        ws_dir = root / "ws"
        if not (ws_dir / "evaltool.sqlite").exists():
            build(ws_dir, args.projects, args.clients)
        for old in ("one", "programme", "all"):
            shutil.rmtree(root / old, ignore_errors=True)
        with Workspace.open(ws_dir) as ws:
            n_resp = ws.row_counts(["responses"])["responses"]
        print(
            f"workspace: {args.projects} projects, {n_resp:,} stored responses, two partner "
            f"rounds of 60 organisations; built or found in {time.perf_counter() - t0:.1f} s"
        )

        from evaltool.report import write_programme_report, write_project_report

        times = []
        with Workspace.open(ws_dir) as ws:
            for _ in range(args.repeat + 1):
                t0 = time.perf_counter()
                write_project_report(ws, "S20007", root / "one")
                times.append(time.perf_counter() - t0)
            prog = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                write_programme_report(ws, root / "programme")
                prog.append(time.perf_counter() - t0)
        print(
            f"one project report (write_project_report): cold {times[0]:.2f} s, "
            f"warm best of {args.repeat} {min(times[1:]):.2f} s"
        )
        print(f"programme report (write_programme_report): best of {args.repeat} {min(prog):.2f} s")

        res = subprocess.run(
            [sys.executable, __file__, "--measure-all", str(ws_dir), str(root / "all")],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        )
        stats = json.loads(res.stdout.strip().splitlines()[-1])
        print(
            f"all reports (write_all_reports, fresh process): {stats['seconds']:.1f} s; "
            f"{stats['html']} HTML and {stats['xlsx']} xlsx files, "
            f"{stats['bytes'] / 1e6:.0f} MB on disk"
        )
        print(
            f"peak memory, main process and workers together: {stats['peak_pss_mb']:.0f} MB "
            f"PSS ({stats['peak_rss_mb']:.0f} MB RSS counting shared pages in every "
            f"process); max RSS main {stats['main_maxrss_mb']:.0f} MB, largest worker "
            f"{stats['worker_maxrss_mb']:.0f} MB"
        )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
