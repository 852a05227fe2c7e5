"""Several processes using one workspace at once: imports wait for each other's write lock,
the same file imported twice at once is stored once, an import during a long read waits for
it or says "workspace busy" (exit 2) and changes nothing (on PostgreSQL it goes ahead while
the read keeps seeing its snapshot); nothing is lost. Every test runs on both engines."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.errors import WorkspaceBusy
from evaltool.store.workspace import Workspace

ITEMS = [f"q{i}" for i in range(1, 27)]


def _file(path: Path, n: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.integers(1, 6, size=(n, 26)), columns=ITEMS)
    frame.insert(0, "id", [f"C{seed}-{k}" for k in range(n)])
    frame.to_csv(path, index=False, sep=";")
    return path


def _start(ws_dir: Path, path: Path, project: str, timeout: float) -> subprocess.Popen:
    env = {**os.environ, "EVALTOOL_BUSY_TIMEOUT": str(timeout)}
    return subprocess.Popen(
        [sys.executable, "-m", "evaltool.cli", "import", "clients", str(path)]
        + ["-w", str(ws_dir), "--project", project, "--wave", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=120), p.communicate()[1]) for p in procs]


def test_four_processes_importing_at_once_all_land(ws_dir, tmp_path):
    files = [_file(tmp_path / f"p{k}.csv", 300, k) for k in range(4)]
    procs = [_start(ws_dir, f, f"Hanke {k}", timeout=60) for k, f in enumerate(files)]
    results = _finish(procs)
    for code, err in results:
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert "workspace" in err and "busy" in err
    landed = [k for k, (code, _) in enumerate(results) if code == 0]
    assert len(landed) == 4  # a minute is plenty for four small imports
    with Workspace.open(ws_dir) as ws:
        imports = ws.imports()
        assert sorted(imports["source_name"]) == [f"p{k}.csv" for k in range(4)]
        assert ws.row_counts(["responses"]) == {"responses": 1200}


def test_the_same_file_imported_twice_at_once_is_stored_once(ws_dir, tmp_path):
    path = _file(tmp_path / "same.csv", 300, 7)
    results = _finish([_start(ws_dir, path, "Polku", timeout=60) for _ in range(3)])
    assert [code for code, _ in results] == [0, 0, 0], [err for _, err in results]
    assert not any("Traceback" in err or "IntegrityError" in err for _, err in results)
    with Workspace.open(ws_dir) as ws:
        assert len(ws.imports()) == 1
        assert ws.row_counts(["responses"]) == {"responses": 300}


@pytest.mark.parametrize(("hold", "timeout", "lands"), [(1.5, 30, True), (4.0, 0.5, False)])
def test_an_import_during_a_long_read_waits_or_says_busy(
    ws_dir, tmp_path, db_digest, hold, timeout, lands, engine_name
):
    # PostgreSQL's readers hold up no writer (the read keeps its snapshot): the import lands
    lands = lands or engine_name == "postgresql"
    path = _file(tmp_path / "late.csv", 50, 3)
    before = db_digest(ws_dir)
    with Workspace.open(ws_dir) as ws, ws.reading():
        proc = _start(ws_dir, path, "Polku", timeout=timeout)
        time.sleep(hold)
        assert ws.row_counts(["responses"]) == {"responses": 0}  # the read sees one state
    code, err = _finish([proc])[0]
    assert "Traceback" not in err
    with Workspace.open(ws_dir) as ws:
        n = ws.row_counts(["responses"])["responses"]
    if lands:
        assert code == 0 and n == 50
    else:
        assert code == 2 and "busy" in err and "try again" in err
        assert n == 0 and db_digest(ws_dir) == before


def test_a_writer_waiting_past_the_timeout_raises_workspace_busy(ws_dir, monkeypatch):
    monkeypatch.setenv("EVALTOOL_BUSY_TIMEOUT", "0.2")
    with Workspace.open(ws_dir) as holder, Workspace.open(ws_dir) as other:
        with holder.transaction():
            with pytest.raises(WorkspaceBusy, match="busy"):
                with other.transaction():
                    pass
        with other.transaction():  # free again
            pass
