"""Time ``evaltool cooperation`` on large partner networks, next to networkx and igraph.

Two partner-survey rounds of ``--orgs`` organisations (default: 1 000 and 5 000, one
workspace each) in six sectors and twenty regional clusters: about 85 % of the organisations
answer each round and every respondent rates about 20 partners (mostly in its own cluster),
so the number of ties grows with the number of organisations, as in a real programme where
an organisation works with a few dozen others whatever the size of the region. Every
respondent also answers the partner survey's statements.

Printed per size, all measured in the same run:

1. ``evaltool cooperation --format json`` in a fresh process (reading the workspace, every
   round's network and organisations, the indices and the comparison of the two rounds):
   wall time and peak memory;
2. :func:`evaltool.indicators.workspace_tables.workspace_cooperation` in this process;
3. the graph figures of both rounds (density, reciprocity, degrees, directed betweenness)
   computed with networkx and with python-igraph directly, and the largest difference of
   their betweenness from evaltool's.

    python benchmarks/bench_cooperation.py [--orgs 1000 5000] [--partners 20] [--keep DIR]

Goals: 5 000 organisations ≤ 10 s, 1 000 ≤ 1.5 s for the command.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.indicators.cooperation import load_partner_survey
from evaltool.store.partners import STATEMENT_COLUMNS, TIE_COLUMNS
from evaltool.store.workspace import Workspace

ROUNDS = ("syksy 2023", "syksy 2024")
SECTORS = np.array(["state", "education", "health", "ngo", "housing", "business"], dtype=object)


def generate(n_orgs: int, partners: int = 20, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Ties, organisations and statements of two rounds (see the module docstring)."""
    rng = np.random.default_rng(seed)
    survey = load_partner_survey()
    items = [i.code for b in survey.blocks for i in b.items]
    names = np.array([f"Organisaatio {k:05d}" for k in range(n_orgs)], dtype=object)
    sector = SECTORS[rng.integers(0, len(SECTORS), n_orgs)]
    cluster = rng.integers(0, 20, n_orgs)
    members = [np.flatnonzero(cluster == c) for c in range(20)]
    ties, orgs, statements = [], [], []
    for r, rnd in enumerate(ROUNDS):
        responded = rng.random(n_orgs) < 0.85
        orgs.append(pd.DataFrame({"round": rnd, "org": names, "sector": sector,
                                  "responded": responded}))  # fmt: skip
        who = np.flatnonzero(responded)
        k = np.minimum(rng.poisson(partners + 2 * r, who.size), n_orgs - 1)
        src = np.repeat(who, k)
        local = rng.random(src.size) < 0.8
        own = np.array([members[c][rng.integers(0, members[c].size)] for c in cluster[src]])
        dst = np.where(local, own, rng.integers(0, n_orgs, src.size))
        pairs = pd.DataFrame({"s": src, "d": dst}).drop_duplicates()
        pairs = pairs[pairs["s"] != pairs["d"]]
        m = len(pairs)
        ties.append(
            pd.DataFrame(
                {
                    "round": rnd,
                    "respondent_org": names[pairs["s"].to_numpy()],
                    "partner_org": names[pairs["d"].to_numpy()],
                    "contact_frequency": rng.integers(0, 5, m).astype(float),
                    "collaboration_level": rng.integers(0, 6, m).astype(float),
                    "trust": rng.integers(1, 5, m).astype(float),
                    "value": rng.integers(1, 5, m).astype(float),
                }
            )
        )
        statements.append(
            pd.DataFrame(
                {
                    "round": rnd,
                    "respondent_org": np.repeat(names[who], len(items)),
                    "sector": np.repeat(sector[who], len(items)),
                    "item": np.tile(items, who.size),
                    "value": rng.integers(1 + r, 6, who.size * len(items)).astype(float),
                }
            )
        )
    return {
        "ties": pd.concat(ties, ignore_index=True),
        "orgs": pd.concat(orgs, ignore_index=True),
        "statements": pd.concat(statements, ignore_index=True),
    }


def build(root: Path, data: dict[str, pd.DataFrame]) -> Path:
    """A workspace holding the two rounds, stored as two imports."""
    text = (Path(__file__).resolve().parents[1] / "surveys" / "partner-survey.toml").read_text(
        encoding="utf-8"
    )
    ws = Workspace.init(root)
    with ws.transaction():
        for r, rnd in enumerate(ROUNDS):
            o = data["orgs"][data["orgs"]["round"] == rnd]
            iid = ws.add_import(
                {
                    "kind": "partners",
                    "source_name": f"kumppanit-{r}.csv",
                    "sha256": f"{r:064d}",
                    "size": 1,
                    "round": rnd,
                    "scope": f"partners;round={rnd}",
                    "rows_read": len(o),
                    "rows_stored": len(o),
                    "rows_rejected": 0,
                }
            )
            s = data["statements"][data["statements"]["round"] == rnd]
            t = data["ties"][data["ties"]["round"] == rnd]
            ws.store_partner_round(
                iid,
                rnd,
                text,
                o[["org", "sector", "responded"]],
                s[STATEMENT_COLUMNS[1:]],
                t[TIE_COLUMNS[1:]],
            )
    ws.close()
    return root


def command(ws_dir: Path) -> tuple[float, float]:
    """``evaltool cooperation --format json`` in a fresh process: (seconds, peak MB)."""
    code = (
        "import resource, sys, time\n"
        "from click.testing import CliRunner\n"
        "t0 = time.perf_counter()\n"
        "from evaltool.cli import main\n"
        "r = CliRunner().invoke(main, ['cooperation', '--workspace', sys.argv[1], "
        "'--format', 'json', '--output', sys.argv[2]])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(time.perf_counter() - t0, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(ws_dir), str(ws_dir.parent / "cooperation.json")],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak = (float(x) for x in res.stdout.split()[-2:])
    return seconds, peak


def _edges(ties: pd.DataFrame, rnd: str) -> tuple[list, list]:
    t = ties[(ties["round"] == rnd) & (ties["collaboration_level"] >= 1)]
    return list(t["respondent_org"]), list(t["partner_org"])


def with_networkx(data: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Density, reciprocity, degrees and directed betweenness of each round (networkx)."""
    import networkx as nx

    out = {}
    for rnd in ROUNDS:
        g = nx.DiGraph()
        g.add_nodes_from(data["orgs"].loc[data["orgs"]["round"] == rnd, "org"])
        g.add_edges_from(zip(*_edges(data["ties"], rnd), strict=True))
        out[rnd] = {
            "density": nx.density(g),
            "reciprocity": nx.overall_reciprocity(g),
            "degree": dict(g.degree()),
            "betweenness": nx.betweenness_centrality(g, normalized=False),
        }
    return out


def with_igraph(data: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """The same figures with python-igraph."""
    import igraph as ig

    out = {}
    for rnd in ROUNDS:
        names = list(data["orgs"].loc[data["orgs"]["round"] == rnd, "org"])
        index = {n: i for i, n in enumerate(names)}
        src, dst = _edges(data["ties"], rnd)
        g = ig.Graph(len(names), [(index[a], index[b]) for a, b in zip(src, dst, strict=True)],
                     directed=True)  # fmt: skip
        out[rnd] = {
            "density": g.density(),
            "reciprocity": g.reciprocity(),
            "degree": dict(zip(names, g.degree(), strict=True)),
            "betweenness": dict(zip(names, g.betweenness(directed=True), strict=True)),
        }
    return out


def _time(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench(n_orgs: int, partners: int, root: Path, peers: bool) -> None:
    from evaltool.indicators.workspace_tables import workspace_cooperation

    data = generate(n_orgs, partners)
    ws_dir = root / f"ws{n_orgs}"
    if not (ws_dir / "evaltool.sqlite").exists():
        build(ws_dir, data)
    n_ties = {r: int((data["ties"]["round"] == r).sum()) for r in ROUNDS}
    print(f"{n_orgs} organisations, two rounds, ratings per round: {n_ties}")
    secs, peak = command(ws_dir)
    print(f"  evaltool cooperation --format json (fresh process): {secs:6.2f} s, {peak:.0f} MB")
    with Workspace.open(ws_dir) as ws:
        secs, tables = _time(lambda: workspace_cooperation(ws))
    print(f"  workspace_cooperation (this process)              {secs:6.2f} s")
    if not peers:
        return
    secs_ig, ig_out = _time(lambda: with_igraph(data))
    print(f"  graph figures of both rounds, python-igraph       {secs_ig:6.2f} s")
    secs_nx, nx_out = _time(lambda: with_networkx(data))
    print(
        f"  graph figures of both rounds, networkx            {secs_nx:6.2f} s "
        f"({secs_nx / secs_ig:.0f} × igraph)"
    )
    orgs = tables["organisations"]
    worst = 0.0
    for rnd in ROUNDS:
        mine = orgs[orgs["round"] == rnd].set_index("org")["betweenness"]
        for peer in (nx_out, ig_out):
            theirs = pd.Series(peer[rnd]["betweenness"]).reindex(mine.index)
            worst = max(worst, float((mine - theirs).abs().max()))
    print(f"  largest difference of evaltool's betweenness from both peers: {worst:.2e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--partners", type=int, default=20)
    ap.add_argument("--no-peers", action="store_true", help="Skip the networkx/igraph timings.")
    ap.add_argument("--keep", type=Path, default=None, help="Build (or reuse) workspaces here.")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-cooperation-"))
    try:
        for n in args.orgs:
            bench(n, args.partners, root, not args.no_peers)
        usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process: {usage:.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
