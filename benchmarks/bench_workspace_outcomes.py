"""Time ``evaltool outcomes --format json`` on a large workspace, next to its peers.

The workspace is the one of ``bench_report.build``: by default 500 projects with about 371
clients each at entry and three WHOQOL-BREF waves (about 80 % and 70 % answer the later
waves) plus the KEVÄT client survey, about 594 000 stored responses. It is built once and
kept with ``--keep DIR`` (building takes minutes; pass the same DIR again to reuse it).

Printed, all measured in the same run:

1. the command ``evaltool outcomes --format json`` in a fresh process: wall time and peak
   memory (maximum resident set size of that process);
2. its parts in this process: reading the stored responses (``Workspace.responses``),
   scoring them (:func:`evaltool.scoring.stored.score_responses`), the background answers,
   and the statistics (:func:`evaltool.indicators.outcomes.outcome_tables`);
3. the peers on the same scores: the paired t-test of every project and domain with
   ``pingouin.ttest`` and the programme's mixed model with ``statsmodels`` MixedLM, next to
   evaltool's own paired-change table and mixed model.

    python benchmarks/bench_workspace_outcomes.py [--projects 500] [--clients 371]
                                                  [--keep DIR] [--repeat 1]

Goal: the command ≤ 8 s and ≤ 1 GB on the default workspace.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import build  # noqa: E402

from evaltool.indicators import outcomes as oc  # noqa: E402
from evaltool.indicators import workspace_tables as wt  # noqa: E402
from evaltool.scoring.stored import score_responses  # noqa: E402
from evaltool.store.workspace import Workspace  # noqa: E402


def command(ws_dir: Path) -> dict:
    """Run ``evaltool outcomes --format json`` in a fresh process; seconds and peak MB."""
    code = (
        "import resource, sys, time\n"
        "from click.testing import CliRunner\n"
        "t0 = time.perf_counter()\n"
        "from evaltool.cli import main\n"
        "r = CliRunner().invoke(main, ['outcomes', '--workspace', sys.argv[1], "
        "'--format', 'json', '--output', sys.argv[2]])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(time.perf_counter() - t0, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = ws_dir.parent / "outcomes.json"
    res = subprocess.run(
        [sys.executable, "-c", code, str(ws_dir), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak = (float(x) for x in res.stdout.split()[-2:])
    return {"seconds": seconds, "peak_mb": peak, "bytes": out.stat().st_size}


def _time(fn, repeat: int):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def parts(ws_dir: Path, repeat: int) -> None:
    """The command's steps in this process, and the peers on the same scores."""
    with Workspace.open(ws_dir) as ws:
        inst = ws.load_instrument("whoqol-bref")
        secs, (meta, values) = _time(
            lambda: ws.responses("whoqol-bref", columns=wt.OUTCOME_META), repeat
        )
        print(f"  read stored responses (Workspace.responses)   {secs:6.2f} s  {len(meta):,} rows")
        secs, _ = _time(lambda: score_responses(inst, meta, values), repeat)
        print(f"  score them (score_responses)                  {secs:6.2f} s")
        secs, background = _time(lambda: wt.client_background(ws), repeat)
        print(f"  background at entry (client_background)       {secs:6.2f} s")
        inputs = wt.outcome_inputs(inst, meta, values)
        secs, _ = _time(lambda: wt.instrument_outcomes(inputs, background, min_n=ws.min_n), repeat)
        print(f"  statistics (instrument_outcomes)              {secs:6.2f} s")
    domains = {d.name: list(d.items) for d in inst.domains}
    peers(inputs.scores, inputs.items, domains, repeat)


def peers(scores, items, domains: dict, repeat: int) -> None:
    """Paired t-tests per project and domain (pingouin) and the programme's mixed model
    (statsmodels), next to evaltool's own tables on the same scores."""
    try:
        import pingouin as pg
        import statsmodels.formula.api as smf
    except ImportError as missing:
        print(f"peers skipped ({missing.name} is not installed: pip install -e '.[bench]')")
        return

    kept = scores[~scores["discarded"]]
    wide = kept[kept["wave"].isin([1, 3])].pivot_table(
        index=["project", "respondent"], columns="wave", values=list(domains)
    )

    def pingouin_all() -> int:
        n = 0
        for _project, part in wide.groupby(level="project"):
            for d in domains:
                pair = part[d].dropna()
                if len(pair) >= 2:
                    pg.ttest(pair[3], pair[1], paired=True)
                    n += 1
        return n

    secs_ev, _ = _time(
        lambda: oc.paired_change(kept, items.loc[kept.index], domains, from_wave=1, to_wave=3),
        repeat,
    )
    secs_pg, n = _time(pingouin_all, 1)
    print(
        f"  paired change, every project × domain: evaltool {secs_ev:6.2f} s, "
        f"pingouin.ttest loop ({n} tests, t/CI/d only) {secs_pg:6.2f} s "
        f"({secs_pg / secs_ev:.1f} × evaltool)"
    )
    d = next(iter(domains))
    data = kept[["respondent", "project", "wave", d]].dropna()
    data = data.assign(client=data["project"] + "/" + data["respondent"])
    secs_ev, _ = _time(lambda: oc.mixed_models(kept, {d: domains[d]}, per_project=False), 1)
    secs_sm, _ = _time(
        lambda: smf.mixedlm(f"{d} ~ C(wave)", data, groups=data["client"]).fit(reml=True), 1
    )
    print(
        f"  programme mixed model ({d}): evaltool {secs_ev:6.2f} s, "
        f"statsmodels MixedLM {secs_sm:6.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=500)
    ap.add_argument("--clients", type=int, default=371)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None, help="Build (or reuse) the workspace here.")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-outcomes-"))
    ws_dir = root / "ws"
    try:
        if not (ws_dir / "evaltool.sqlite").exists():
            t0 = time.perf_counter()
            build(ws_dir, args.projects, args.clients)
            print(f"built the workspace in {time.perf_counter() - t0:.0f} s")
        with Workspace.open(ws_dir) as ws:
            n_resp = ws.row_counts(["responses"])["responses"]
        print(f"workspace: {args.projects} projects, {n_resp:,} stored responses")
        stats = command(ws_dir)
        print(
            f"evaltool outcomes --format json (fresh process): {stats['seconds']:.1f} s, "
            f"peak {stats['peak_mb']:.0f} MB, {stats['bytes'] / 1e6:.0f} MB of JSON"
        )
        usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        parts(ws_dir, args.repeat)
        print(json.dumps({"command": stats, "this_process_peak_mb_before_parts": usage}))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1710590400")
    main()
