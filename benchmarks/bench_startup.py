"""Start-up time of the command line, whole processes (run by hand, not in CI).

Times ``evaltool --help``, ``init``, ``config show`` and ``instruments`` as fresh processes
(``python -m evaltool.cli …``), each next to ``python -c pass`` in the same run, A B A B …, and
prints the median wall time, the median of the pairwise differences (evaltool's own cost) and
the ratio. Goals: ``--help`` ≤ 0.15 s, the commands that need no pandas ≤ 0.25 s.

With ``--compare SRC`` the same commands also run against another source tree (e.g. an
unpacked earlier version: ``git archive HEAD | tar -x -C /tmp/old``), so before and after come
from one run.

Usage::

    python benchmarks/bench_startup.py [--repeat 15] [--compare /tmp/old]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], env: dict[str, str]) -> float:
    # run outside the repository: ``-m`` puts the working folder first on sys.path
    t = time.perf_counter()
    subprocess.run(
        args,
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - t


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    return env


def commands(workspace: Path) -> dict[str, list[str]]:
    """The timed command lines (after ``python -m evaltool.cli``)."""
    return {
        "--help": ["--help"],
        "init": ["init", str(workspace / "new")],
        "config show": ["config", "show", "-w", str(workspace / "ws")],
        "instruments": ["instruments"],
    }


def time_commands(src: Path, repeat: int, workspace: Path) -> dict[str, tuple[float, float]]:
    """``{name: (median seconds, median seconds over python -c pass)}`` for code in ``src``."""
    env = _env(src)
    py = [sys.executable]
    subprocess.run(
        py + ["-m", "evaltool.cli", "init", str(workspace / "ws")],
        env=env,
        cwd=tempfile.gettempdir(),
        check=True,
        capture_output=True,
    )
    out = {}
    for name, args in commands(workspace).items():
        own, extra = [], []
        for _ in range(repeat):
            if name == "init":
                # a fresh folder every run
                target = workspace / "new"
                if target.exists():
                    for p in sorted(target.rglob("*"), reverse=True):
                        p.unlink() if p.is_file() else p.rmdir()
                    target.rmdir()
            a = _run(py + ["-m", "evaltool.cli"] + args, env)
            b = _run(py + ["-c", "pass"], env)
            own.append(a)
            extra.append(a - b)
        out[name] = (statistics.median(own), statistics.median(extra))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--compare", type=Path, default=None, help="another source tree")
    args = parser.parse_args()
    env = dict(os.environ)
    base = statistics.median(_run([sys.executable, "-c", "pass"], env) for _ in range(args.repeat))
    print(f"python -c pass: {base:.3f} s (median of {args.repeat})")
    trees = {"this tree": ROOT}
    if args.compare is not None:
        trees = {"compared": args.compare.resolve(), **trees}
    results = {}
    for label, src in trees.items():
        with tempfile.TemporaryDirectory() as tmp:
            results[label] = time_commands(src, args.repeat, Path(tmp))
    for label, rows in results.items():
        print(f"\n{label} ({trees[label]}):")
        print(f"  {'command':<14} {'median s':>9} {'own s':>8} {'÷ python -c pass':>17}")
        for name, (med, own) in rows.items():
            print(f"  {name:<14} {med:9.3f} {own:8.3f} {med / base:17.1f}")
    if "compared" in results:
        print("\nthis tree ÷ compared (median wall):")
        for name in results["this tree"]:
            ratio = results["this tree"][name][0] / results["compared"][name][0]
            print(f"  {name:<14} {ratio:.2f}")


if __name__ == "__main__":
    main()
