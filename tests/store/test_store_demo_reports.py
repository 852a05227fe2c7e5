"""The demo on PostgreSQL writes the same report bytes as on SQLite (``SOURCE_DATE_EPOCH``
fixed): every HTML page and Excel workbook."""

from __future__ import annotations

import pytest
from store_engines import pg_test_url

from evaltool.store.postgres import scratch_schema
from evaltool.store.workspace import Workspace


def _demo(root, database=None):
    from evaltool.demo import build_demo

    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1710547200")
    try:
        build_demo(root, progress=False, database=database)
    finally:
        mp.undo()
    return {
        p.relative_to(root / "reports").as_posix(): p.read_bytes()
        for p in sorted((root / "reports").rglob("*"))
        if p.suffix in (".html", ".xlsx")
    }


def test_the_demo_on_postgresql_writes_the_same_html_and_xlsx(tmp_path):
    url = pg_test_url()
    on_sqlite = _demo(tmp_path / "sqlite")
    with scratch_schema(url) as schema_url:
        on_pg = _demo(tmp_path / "pg", schema_url)
        with Workspace.open(tmp_path / "pg") as ws:
            assert ws.engine_name == "postgresql"
    assert sorted(on_pg) == sorted(on_sqlite)
    assert any(n.endswith(".xlsx") for n in on_pg) and len(on_pg) > 3
    differ = [name for name in on_sqlite if on_sqlite[name] != on_pg[name]]
    assert differ == [], differ
