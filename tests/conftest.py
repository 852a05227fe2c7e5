"""Shared fixtures: a fresh workspace, a CLI runner and small WHOQOL-BREF answer tables."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from evaltool.store.workspace import DB_NAME, Workspace

WHOQOL_ITEMS = [f"q{i}" for i in range(1, 27)]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's workspace or a fixed clock unless it sets one."""
    monkeypatch.delenv("EVALTOOL_WORKSPACE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("EVALTOOL_DATABASE", raising=False)
    from evaltool.report import cache

    cache.clear()  # no test is answered from another test's report data


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    """A freshly initialised, closed workspace folder."""
    path = tmp_path / "ws"
    Workspace.init(path).close()
    return path


@pytest.fixture
def ws(ws_dir: Path):
    """An open workspace (closed after the test)."""
    workspace = Workspace.open(ws_dir)
    yield workspace
    workspace.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db_digest() -> Callable[[Path], str]:
    """SHA-256 of a workspace's database file (pass the workspace folder)."""

    def digest(folder: Path) -> str:
        return hashlib.sha256((Path(folder) / DB_NAME).read_bytes()).hexdigest()

    return digest


@pytest.fixture
def whoqol_answers() -> Callable[..., pd.DataFrame]:
    """``whoqol_answers(n, seed=0, prefix="A")``: a frame with ``id`` and q1…q26 (ints 1–5)."""

    def make(n: int, seed: int = 0, prefix: str = "A") -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        frame = pd.DataFrame(rng.integers(1, 6, size=(n, 26)), columns=WHOQOL_ITEMS)
        frame.insert(0, "id", [f"{prefix}{k:03d}" for k in range(1, n + 1)])
        return frame

    return make
