"""Fuzz the client import with damaged copies of every layout's export.

Every synthetic export of ``tests/layout_fixtures.py`` (all layouts) is damaged in many ways
(:mod:`evaltool.testing.mutate`: flipped bytes, truncation, inserted CR / quotes / NUL, zip
member damage, stray cells, document type declarations, huge and non-finite numbers,
duplicated headers, extra fields, long cells) and imported into a scratch workspace
(:class:`evaltool.testing.fuzzing.ScratchWorkspace`). The files run in worker processes, so
that a native crash is counted (and the worker restarted) rather than ending the run.

Printed: the counts stored / refused / tracebacks / crashes / changed workspaces after a
refusal / refusals without a message, per layout and in all, the tracebacks by stage (read,
layouts, mapping, imports …) with one example each, and the files per second against the
undamaged files imported in the same run.

Usage::

    python benchmarks/fuzz_imports.py [--files 5000] [--workers 2] [--seed 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _cases(n: int, seed: int) -> list[tuple[str, str, int]]:
    """(fixture, damage kind, seed) for ``n`` files, every fixture and kind in turn."""
    import random

    from layout_fixtures import FIXTURES

    from evaltool.testing.mutate import kinds_for

    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="fuzz-originals-"))
    kinds = {}
    for name, fx in FIXTURES.items():
        fx.write(folder / fx.filename)
        kinds[name] = kinds_for((folder / fx.filename).read_bytes())
    names = sorted(FIXTURES)
    out = []
    for i in range(n):
        name = names[i % len(names)]
        kind = kinds[name][(i // len(names)) % len(kinds[name])]
        out.append((name, kind, rng.randrange(2**32)))
    return out


def worker(cases_file: Path, start: int, keep: Path | None) -> None:
    """Import the cases from index ``start`` on, one JSON line each on stdout."""
    from layout_fixtures import FIXTURES

    from evaltool.testing.fuzzing import ScratchWorkspace
    from evaltool.testing.mutate import mutate

    cases = json.loads(cases_file.read_text())
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-worker-"))
    originals = {}
    for name, fx in FIXTURES.items():
        originals[name] = tmp / fx.filename
        fx.write(originals[name])
    scratch = ScratchWorkspace(tmp / "ws")
    for i in range(start, len(cases)):
        name, kind, seed = cases[i]
        original = originals[name]
        path = tmp / f"m-{original.name}"
        path.write_bytes(mutate(original.read_bytes(), kind, seed))
        print(json.dumps({"i": i, "start": True}), flush=True)
        t = time.perf_counter()
        outcome = scratch.import_file(path)
        if keep is not None and not outcome.ok:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{i}-{kind}-{original.name}").write_bytes(path.read_bytes())
        print(
            json.dumps(
                {
                    "i": i,
                    "status": outcome.status,
                    "stage": outcome.stage,
                    "message": outcome.message[:200],
                    "changed": outcome.changed,
                    "silent": outcome.silent,
                    "seconds": time.perf_counter() - t,
                }
            ),
            flush=True,
        )
    scratch.close()


def _run_slice(cases_file: Path, indices: list[int], keep: Path | None) -> list[dict]:
    """Run a worker over ``indices`` (consecutive), restarting it after a crash."""
    results: list[dict] = []
    start, stop = indices[0], indices[-1] + 1
    cases = json.loads(cases_file.read_text())
    sub = cases_file.with_name(f"{cases_file.stem}-{start}.json")
    sub.write_text(json.dumps(cases[:stop]))
    while start < stop:
        cmd = [sys.executable, __file__, "--worker", str(sub), "--start", str(start)]
        if keep is not None:
            cmd += ["--keep", str(keep)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        done = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        finished = [d for d in done if "status" in d]
        results += finished
        last = finished[-1]["i"] if finished else start - 1
        if proc.returncode != 0:
            results.append(
                {
                    "i": last + 1,
                    "status": "crash",
                    "stage": f"exit {proc.returncode}",
                    "message": proc.stderr[-300:],
                }
            )
            start = last + 2
        else:
            start = stop
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, default=None, help="save the files that fail here")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.start, args.keep)
        return
    from concurrent.futures import ThreadPoolExecutor

    cases = _cases(args.files, args.seed)
    cases_file = Path(tempfile.mkdtemp(prefix="fuzz-")) / "cases.json"
    cases_file.write_text(json.dumps(cases))
    # The undamaged files, imported the same way: the peer for the files-per-second ratio.
    peer = _peer_rate()
    t0 = time.perf_counter()
    size = -(-len(cases) // args.workers)
    chunks = [list(range(k, min(k + size, len(cases)))) for k in range(0, len(cases), size)]
    with ThreadPoolExecutor(args.workers) as pool:
        parts = list(pool.map(lambda c: _run_slice(cases_file, c, args.keep), chunks))
    elapsed = time.perf_counter() - t0
    results = [r for part in parts for r in part]
    _print_report(cases, results, elapsed, peer)


def _peer_rate() -> float:
    """Undamaged files per second through the same import (in this process)."""
    from layout_fixtures import FIXTURES

    from evaltool.testing.fuzzing import ScratchWorkspace

    tmp = Path(tempfile.mkdtemp(prefix="fuzz-peer-"))
    scratch = ScratchWorkspace(tmp / "ws")
    paths = []
    for fx in FIXTURES.values():
        paths.append(tmp / fx.filename)
        fx.write(paths[-1])
    t = time.perf_counter()
    for _ in range(3):
        for p in paths:
            scratch.import_file(p)
    rate = 3 * len(paths) / (time.perf_counter() - t)
    scratch.close()
    return rate


def _print_report(cases: list, results: list[dict], elapsed: float, peer: float) -> None:
    by_layout: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    examples: dict[str, str] = {}
    stages: collections.Counter = collections.Counter()
    for r in results:
        name, kind, seed = cases[r["i"]]
        c = by_layout[name]
        c[r["status"]] += 1
        c["changed"] += bool(r.get("changed"))
        c["silent"] += bool(r.get("silent")) and r["status"] == "refused"
        if r["status"] in ("traceback", "crash"):
            key = f"{r['status']} in {r['stage']}"
            stages[key] += 1
            examples.setdefault(key, f"{name} / {kind} / seed {seed}: {r['message']}")
    cols = ["stored", "refused", "traceback", "crash", "changed", "silent"]
    print(f"{'layout':<18}" + "".join(f"{c:>10}" for c in cols))
    total: collections.Counter = collections.Counter()
    for name in sorted(by_layout):
        total.update(by_layout[name])
        print(f"{name:<18}" + "".join(f"{by_layout[name][c]:>10}" for c in cols))
    print(f"{'all':<18}" + "".join(f"{total[c]:>10}" for c in cols))
    print(
        f"\n{len(results)} damaged files in {elapsed:.0f} s ({len(results) / elapsed:.1f}/s); "
        f"undamaged files in one process: {peer:.1f}/s (ratio {len(results) / elapsed / peer:.2f})"
    )
    print(
        "\nstored / refused / tracebacks / crashes / changed workspaces after refusal: "
        f"{total['stored']} / {total['refused']} / {total['traceback']} / {total['crash']} / "
        f"{total['changed']}"
    )
    for key, n in stages.most_common():
        print(f"  {key}: {n}  e.g. {examples[key]}")
    contained = sum("(it crashed)" in r.get("message", "") for r in results)
    print(f"native reader crashes contained in the SPSS child process (refused): {contained}")
    reasons = collections.Counter(
        re.sub(r"\d+", "N", r["message"].split(": ", 1)[-1])[:70]
        for r in results
        if r["status"] == "refused"
    )
    print("\nmost common refusals:")
    for text, n in reasons.most_common(12):
        print(f"  {n:>5}  {text}")


if __name__ == "__main__":
    main()
