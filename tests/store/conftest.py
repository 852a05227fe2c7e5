"""The store's tests run on both engines: every test using ``ws``, ``ws_dir`` or
``new_workspace`` runs once on SQLite and once on PostgreSQL.

PostgreSQL needs a server: ``$EVALTOOL_TEST_DATABASE`` is the URL of a database the tests may
create schemas in (``postgresql://postgres@localhost:5433/evaltool_test``); each workspace of
a test gets its own schema, dropped afterwards. Without it the PostgreSQL runs are skipped —
but fail when ``$CI`` is set: CI runs the real thing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from store_engines import pg_test_url

from evaltool.store.copy import stored_tables
from evaltool.store.workspace import DB_NAME, Workspace


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The engine under this run of the test."""
    monkeypatch.delenv("EVALTOOL_DATABASE", raising=False)
    if request.param == "postgresql":
        pg_test_url()
    return request.param


@pytest.fixture
def new_workspace(engine_name: str) -> Iterator[Callable[[Path], Workspace]]:
    """``new_workspace(folder)``: :meth:`Workspace.init` on this run's engine (on
    PostgreSQL in a fresh schema of its own)."""
    with ExitStack() as stack:

        def make(folder: Path) -> Workspace:
            if engine_name == "sqlite":
                return Workspace.init(folder)
            from evaltool.store.postgres import scratch_schema

            url = stack.enter_context(scratch_schema(pg_test_url()))
            return Workspace.init(folder, database=url)

        yield make


@pytest.fixture
def ws_dir(tmp_path: Path, new_workspace) -> Path:
    """A freshly initialised, closed workspace folder on this run's engine."""
    path = tmp_path / "ws"
    new_workspace(path).close()
    return path


@pytest.fixture
def db_digest(engine_name: str) -> Callable[[Path], str]:
    """A digest of a workspace's stored state (pass the folder): SHA-256 of the SQLite file,
    or of every table's rows on PostgreSQL."""

    def digest(folder: Path) -> str:
        if engine_name == "sqlite":
            return hashlib.sha256((Path(folder) / DB_NAME).read_bytes()).hexdigest()
        h = hashlib.sha256()
        with Workspace.open(folder, migrate=False) as ws:
            for table, rows in sorted(stored_tables(ws).items()):
                h.update(f"{table}:{len(rows)}:{list(rows.columns)}\n".encode())
                h.update(rows.to_csv(index=False).encode())
        return h.hexdigest()

    return digest
