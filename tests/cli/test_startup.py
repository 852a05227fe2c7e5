"""Start-up stays light: the command line imports the heavy libraries only in the commands
that use them (timings are in benchmarks/bench_startup.py, not here)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "openpyxl", "python_calamine", "pyreadstat", "psycopg", "starlette")


def _imported(code: str, *args: str) -> set[str]:
    """Top-level modules imported by ``code`` (run with ``args``) in a fresh interpreter
    (``-X importtime``)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_importing_the_command_line_imports_no_heavy_library():
    names = _imported("import evaltool.cli")
    assert "evaltool" in names  # the parse of -X importtime's output works
    assert not names & set(HEAVY), sorted(names & set(HEAVY))


def test_output_formats_and_store_errors_import_without_pandas():
    names = _imported(
        "from evaltool.output import FORMATS; from evaltool.errors import UserError; "
        "from evaltool.text import terminal_safe; assert 'xlsx' in FORMATS"
    )
    assert "pandas" not in names and "numpy" not in names


def test_help_prints_in_a_fresh_process():
    out = subprocess.run(
        [sys.executable, "-m", "evaltool.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("Usage:")
    for command in ("import", "init", "instruments", "report", "config"):
        assert f"  {command} " in out.stdout


def test_init_config_and_instruments_run_without_pandas(tmp_path):
    ws = tmp_path / "ws"
    run = (
        "import sys; from evaltool.cli import main; sys.argv = ['evaltool', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
    )
    for args in (["init", str(ws)], ["config", "show", "-w", str(ws)], ["instruments"]):
        names = _imported(run, *args)
        assert "evaltool" in names
        assert not names & {"pandas", "numpy"}, (args, sorted(names & {"pandas", "numpy"}))
