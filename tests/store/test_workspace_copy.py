"""``evaltool workspace copy``: the demo workspace SQLite → PostgreSQL → SQLite keeps every
table row for row and the engine's id counters; a failed copy leaves no workspace."""

from __future__ import annotations

import pandas as pd
import pytest
from store_engines import pg_test_url

from evaltool.cli import main
from evaltool.store import engine
from evaltool.store.copy import stored_tables
from evaltool.store.postgres import scratch_schema
from evaltool.store.workspace import DB_LINK_NAME, Workspace, is_workspace_dir


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    from evaltool.demo import build_demo

    root = tmp_path_factory.mktemp("demo") / "demo"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1710547200")
    mp.delenv("EVALTOOL_DATABASE", raising=False)
    try:
        build_demo(root, progress=False)
    finally:
        mp.undo()
    return root


def _state(root):
    with Workspace.open(root) as ws:
        return stored_tables(ws), engine.next_ids(ws.conn), ws.engine_name


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert sorted(a) == sorted(b)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], check_dtype=True, obj=table)


def test_demo_round_trips_sqlite_postgresql_sqlite(demo_ws, tmp_path, runner, monkeypatch):
    monkeypatch.delenv("EVALTOOL_DATABASE", raising=False)
    original, original_ids, _ = _state(demo_ws)
    assert original["responses"].shape[0] > 1000 and original["answers_whoqol_bref"].shape[0]
    with scratch_schema(pg_test_url()) as url:
        res = runner.invoke(
            main, ["workspace", "copy", str(demo_ws), str(tmp_path / "pg"), "--database", url]
        )
        assert res.exit_code == 0, res.output
        assert (tmp_path / "pg" / DB_LINK_NAME).is_file()
        on_pg, pg_ids, name = _state(tmp_path / "pg")
        assert name == "postgresql"
        res = runner.invoke(
            main, ["workspace", "copy", str(tmp_path / "pg"), str(tmp_path / "back")]
        )
        assert res.exit_code == 0, res.output
        with Workspace.open(tmp_path / "pg") as ws:
            secret = ws._meta("secret")
    back, back_ids, name = _state(tmp_path / "back")
    assert name == "sqlite"
    _assert_same(original, back)
    assert back_ids == original_ids == pg_ids
    # the PostgreSQL copy holds the same values (same tables, rows, numbers and texts)
    assert sorted(on_pg) == sorted(original)
    for table, frame in original.items():
        pd.testing.assert_frame_equal(on_pg[table], frame, check_dtype=False, obj=table)
    assert secret == original["meta"].set_index("key").loc["secret", "value"]


def test_copy_into_an_existing_workspace_is_refused(demo_ws, ws_dir, runner):
    res = runner.invoke(main, ["workspace", "copy", str(demo_ws), str(ws_dir)])
    assert res.exit_code == 2 and "already a workspace" in res.output


def test_a_failed_copy_leaves_no_workspace(demo_ws, tmp_path, monkeypatch):
    from evaltool.store import copy as copy_module

    def boom(source, target):
        raise RuntimeError("disk full")

    monkeypatch.setattr(copy_module, "_copy_tables", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        copy_module.copy_workspace(demo_ws, tmp_path / "half")
    assert not is_workspace_dir(tmp_path / "half")
