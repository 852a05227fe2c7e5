"""Workspace: creation, settings, pseudonyms, transactions, storage and provenance."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat

import numpy as np
import pandas as pd
import pytest
from store_engines import pg_test_url

from evaltool.errors import NotAWorkspace, UserError
from evaltool.instruments import load_instrument
from evaltool.store import DatabaseError, IntegrityError
from evaltool.store.schema import Migrations, answers_table_sql
from evaltool.store.workspace import (
    DB_LINK_NAME,
    DB_NAME,
    Workspace,
    answers_table_name,
    is_workspace_dir,
    resolve_workspace_dir,
)


def test_init_creates_database_with_secret_and_defaults(tmp_path, new_workspace, engine_name):
    ws = new_workspace(tmp_path / "new" / "ws")
    try:
        name = DB_NAME if engine_name == "sqlite" else DB_LINK_NAME
        assert (tmp_path / "new" / "ws" / name).is_file()
        assert stat.S_IMODE((tmp_path / "new" / "ws" / name).stat().st_mode) == 0o600
        assert is_workspace_dir(tmp_path / "new" / "ws")
        assert ws.engine_name == engine_name
        assert ws.is_server_database == (engine_name == "postgresql")
        secret = ws._meta("secret")
        assert len(bytes.fromhex(secret)) == 32
        assert ws.settings() == {"min_n": "5", "lang": "fi"}
        assert ws.min_n == 5
        assert ws.journal_mode == ("delete" if engine_name == "sqlite" else "wal")
    finally:
        ws.close()
    with pytest.raises(UserError, match="already a workspace"):
        new_workspace(tmp_path / "new" / "ws")


def test_each_workspace_has_its_own_secret(tmp_path, new_workspace):
    a, b = new_workspace(tmp_path / "a"), new_workspace(tmp_path / "b")
    try:
        assert a.pseudonyms(["P"], ["K001"]) != b.pseudonyms(["P"], ["K001"])
    finally:
        a.close()
        b.close()


def test_open_refuses_a_folder_that_is_not_a_workspace(tmp_path, engine_name):
    with pytest.raises(NotAWorkspace, match="is not an evaltool workspace"):
        Workspace.open(tmp_path)
    assert not is_workspace_dir(tmp_path)
    if engine_name == "sqlite":
        (tmp_path / DB_NAME).write_bytes(b"this is not sqlite at all" * 100)
        with pytest.raises(NotAWorkspace, match="not a valid evaltool database"):
            Workspace.open(tmp_path)
    else:
        from evaltool.store.postgres import scratch_schema

        with scratch_schema(pg_test_url()) as url:
            (tmp_path / DB_LINK_NAME).write_text(url + "\n")
            with pytest.raises(NotAWorkspace, match="holds no evaltool workspace"):
                Workspace.open(tmp_path)
    assert NotAWorkspace.exit_code == 2


def test_a_database_url_with_a_password_or_another_engine_is_refused(tmp_path):
    for url, msg in [
        ("postgresql://eva:secret@localhost/ws", "holds a password"),
        ("postgresql://localhost/ws?password=secret", "holds a password"),
        ("mysql://localhost/ws", "must be a PostgreSQL URL"),
    ]:
        with pytest.raises(UserError, match=msg):
            Workspace.init(tmp_path / "ws", database=url)
    assert not (tmp_path / "ws").exists()


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="cannot connect to the workspace database"):
        Workspace.init(tmp_path / "ws", database="postgresql://nobody@127.0.0.1:1/none")
    assert not (tmp_path / "ws").exists()


def test_open_refuses_a_newer_schema(ws_dir, monkeypatch):
    from evaltool.store import workspace as wsmod

    # a newer evaltool has taken the file to version 99
    with monkeypatch.context() as newer:
        newer.setattr(wsmod, "SCHEMA_VERSION", 99)
        newer.setattr(wsmod, "MIGRATIONS", Migrations({v: "" for v in range(1, 99)}))
        Workspace.open(ws_dir).close()
    with pytest.raises(UserError, match="schema version 99"):
        Workspace.open(ws_dir)


def test_resolve_workspace_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert str(resolve_workspace_dir(None)) == "."
    monkeypatch.setenv("EVALTOOL_WORKSPACE", str(tmp_path / "env"))
    assert resolve_workspace_dir(None) == tmp_path / "env"
    assert resolve_workspace_dir(tmp_path / "flag") == tmp_path / "flag"


def test_settings(ws, ws_dir):
    ws.set_setting("min_n", "7")
    ws.set_setting("lang", "sv")
    assert ws.min_n == 7
    with Workspace.open(ws_dir) as again:
        assert again.settings() == {"min_n": "7", "lang": "sv"}
    for key, value, msg in [
        ("min_n", "0", "min_n must be"),
        ("min_n", "seven", "min_n must"),
        ("lang", "de", "lang must be"),
        ("colour", "red", "unknown setting"),
    ]:
        with pytest.raises(UserError, match=msg):
            ws.set_setting(key, value)
    assert ws.min_n == 7


def test_pseudonyms_are_keyed_hmacs(ws):
    secret = bytes.fromhex(ws._meta("secret"))
    expected = hmac.new(secret, b"P1\x1fK001", hashlib.sha256).hexdigest()[:20]
    got = ws.pseudonyms(["P1", "P1", "P2"], ["K001", "K001", "K001"])
    assert got[0] == got[1] == expected
    assert got[2] != got[0]  # the same id in another project is another person
    assert all(len(p) == 20 and int(p, 16) >= 0 for p in got)
    assert "K001" not in "".join(got)


def test_transaction_rolls_back_byte_for_byte(ws, ws_dir, db_digest):
    inst = load_instrument("whoqol-bref")
    n = 20_000  # megabytes of pages
    before = db_digest(ws_dir)
    with pytest.raises(RuntimeError):
        with ws.transaction():
            table = ws.ensure_instrument(inst)
            iid = ws.add_import(
                {
                    "kind": "clients",
                    "source_name": "x",
                    "sha256": "0",
                    "size": 1,
                    "scope": "s",
                    "rows_read": n,
                    "rows_stored": n,
                    "rows_rejected": 0,
                }
            )
            ids = [f"K{i}" for i in range(n)]
            ws.store_responses(
                iid,
                inst,
                table,
                _frame("P", 1, ids, ws.pseudonyms(["P"] * n, ids)),
                np.full((n, 26), 3.0),
            )
            raise RuntimeError("boom")
    assert db_digest(ws_dir) == before
    assert not (ws_dir / f"{DB_NAME}-journal").exists()
    assert ws.instrument_names() == [] and ws.imports().empty
    assert ws.settings() == {"min_n": "5", "lang": "fi"}


def _frame(project, wave, ids, respondents, n_missing=0):
    n = len(ids)
    return pd.DataFrame(
        {
            "project": [project] * n,
            "wave": [wave] * n,
            "source_id": ids,
            "respondent": respondents,
            "date": ["2024-03-16"] * n,
            "source_row": list(range(2, n + 2)),
            "n_missing": [n_missing] * n,
            "discarded": [False] * n,
            "incomplete": [False] * n,
            "missing": ["." * 26] * n,
        }
    )


def test_store_and_read_back_responses(ws):
    inst = load_instrument("whoqol-bref")
    values = np.arange(1, 27, dtype=float).reshape(1, 26) % 5 + 1
    values = np.vstack([values, np.full(26, np.nan)])
    with ws.transaction():
        table = ws.ensure_instrument(inst)
        assert table == answers_table_name("whoqol-bref") == "answers_whoqol_bref"
        iid = ws.add_import(
            {
                "kind": "clients",
                "source_name": "a.xlsx",
                "sha256": "ab" * 32,
                "size": 10,
                "instrument": inst.name,
                "rule": "manual",
                "scope": "s",
                "rows_read": 2,
                "rows_stored": 2,
                "rows_rejected": 0,
                "warnings": [{"code": "column-unused"}],
            }
        )
        resp = ws.pseudonyms(["P", "P"], ["K1", "K2"])
        fields = pd.DataFrame({"row": [1], "field": ["gender"], "value": ["nainen"]})
        assert (
            ws.store_responses(iid, inst, table, _frame("P", 1, ["K1", "K2"], resp), values, fields)
            == 2
        )
    meta, got = ws.responses("whoqol-bref")
    assert meta["respondent"].tolist() == resp  # stored order, not pseudonym order
    order = [resp.index(r) for r in meta["respondent"]]
    np.testing.assert_array_equal(got, values[order])
    assert meta["rule"].tolist() == ["manual", "manual"]
    assert meta["date"].tolist() == ["2024-03-16"] * 2
    f = ws.fields()
    assert f["value"].tolist() == ["nainen"]
    assert f["response_id"].tolist() == meta.loc[meta["respondent"] == resp[1], "id"].tolist()
    imp = ws.imports().iloc[0]
    assert json.loads(imp["warnings"]) == [{"code": "column-unused"}]
    assert ws.source_ids().set_index("respondent")["source_id"].to_dict() == {
        resp[0]: "K1",
        resp[1]: "K2",
    }
    assert ws.responses("whoqol-bref", projects=["other"])[0].empty
    assert len(ws.responses("whoqol-bref", waves=[1])[0]) == 2


def test_delete_import_removes_everything_it_stored(ws):
    inst = load_instrument("whoqol-bref")
    with ws.transaction():
        table = ws.ensure_instrument(inst)
        ids = []
        for k in (1, 2):
            iid = ws.add_import(
                {
                    "kind": "clients",
                    "source_name": f"{k}.csv",
                    "sha256": str(k) * 64,
                    "size": 1,
                    "scope": "s",
                    "rows_read": 1,
                    "rows_stored": 1,
                    "rows_rejected": 0,
                }
            )
            resp = ws.pseudonyms(["P"], [f"K{k}"])
            fields = pd.DataFrame({"row": [0], "field": ["gender"], "value": ["mies"]})
            ws.store_responses(
                iid, inst, table, _frame("P", 1, [f"K{k}"], resp), np.full((1, 26), 3.0), fields
            )
            ids.append(iid)
    with ws.transaction():
        ws.delete_import(ids[0])
    assert ws.imports()["id"].tolist() == [ids[1]]
    assert ws.row_counts(["responses", table, "response_fields"]) == {
        "responses": 1,
        table: 1,
        "response_fields": 1,
    }
    assert ws.source_ids()["source_id"].tolist() == ["K2"]
    assert ws.find_import("clients", "2" * 64, "s") == ids[1]
    assert ws.find_import("clients", "1" * 64, "s") is None


def test_delete_import_keeps_source_ids_still_used_by_another_import(ws):
    inst, short = load_instrument("whoqol-bref"), load_instrument("eurohis-qol-8")
    with ws.transaction():
        ids = []
        for k, (instrument, wave, clients) in enumerate(
            [(inst, 1, ["K1", "K2"]), (inst, 2, ["K1"]), (short, 1, ["K2"])]
        ):
            table = ws.ensure_instrument(instrument)
            iid = ws.add_import(
                {
                    "kind": "clients",
                    "source_name": f"{k}.csv",
                    "sha256": str(k) * 64,
                    "size": 1,
                    "scope": str(k),
                    "rows_read": 1,
                    "rows_stored": 1,
                    "rows_rejected": 0,
                }
            )
            resp = ws.pseudonyms(["P"] * len(clients), clients)
            ws.store_responses(
                iid,
                instrument,
                table,
                _frame("P", wave, clients, resp),
                np.full((len(clients), len(instrument.items)), 3.0),
            )
            ids.append(iid)
        # Another project's K3 is not touched by deleting project P's imports.
        iid = ws.add_import(
            {
                "kind": "clients",
                "source_name": "q.csv",
                "sha256": "q" * 64,
                "size": 1,
                "scope": "q",
                "rows_read": 1,
                "rows_stored": 1,
                "rows_rejected": 0,
            }
        )
        ws.store_responses(
            iid,
            inst,
            ws.ensure_instrument(inst),
            _frame("Q", 1, ["K3"], ws.pseudonyms(["Q"], ["K3"])),
            np.full((1, 26), 3.0),
        )

    def sources():
        return sorted(ws.source_ids()["source_id"])

    with ws.transaction():
        ws.delete_import(ids[0])  # K1 still answers wave 2, K2 the other instrument
    assert sources() == ["K1", "K2", "K3"]
    with ws.transaction():
        ws.delete_import(ids[2])
    assert sources() == ["K1", "K3"]
    with ws.transaction():
        ws.delete_import(ids[1])
    assert sources() == ["K3"]


def test_unique_respondent_per_instrument_project_wave(ws):
    inst = load_instrument("whoqol-bref")
    resp = ws.pseudonyms(["P"], ["K1"])
    with pytest.raises(IntegrityError):
        with ws.transaction():
            table = ws.ensure_instrument(inst)
            iid = ws.add_import(
                {
                    "kind": "clients",
                    "source_name": "x",
                    "sha256": "0",
                    "size": 1,
                    "scope": "s",
                    "rows_read": 2,
                    "rows_stored": 2,
                    "rows_rejected": 0,
                }
            )
            ws.store_responses(
                iid, inst, table, _frame("P", 1, ["K1", "K1"], resp * 2), np.full((2, 26), 3.0)
            )
    assert ws.instrument_names() == []


def test_existing_respondents_match_instrument_project_and_wave(ws):
    inst = load_instrument("whoqol-bref")
    with ws.transaction():
        table = ws.ensure_instrument(inst)
        for k, (project, wave) in enumerate([("P", 1), ("Q", 1), ("P", 2)]):
            iid = ws.add_import(
                {
                    "kind": "clients",
                    "source_name": f"{k}.csv",
                    "sha256": str(k) * 64,
                    "size": 1,
                    "scope": str(k),
                    "rows_read": 2,
                    "rows_stored": 2,
                    "rows_rejected": 0,
                }
            )
            resp = ws.pseudonyms([project] * 2, ["K1", "K2"])
            ws.store_responses(
                iid, inst, table, _frame(project, wave, ["K1", "K2"], resp), np.full((2, 26), 3.0)
            )
    keys = pd.DataFrame(
        {
            "project": ["P", "P", "Q", "R"],
            "wave": [1, 3, 1, 1],
            "respondent": ws.pseudonyms(["P", "P", "Q", "R"], ["K2", "K2", "K9", "K1"]),
        }
    )
    # K2 of P wave 1 is stored; wave 3, another client of Q and project R are not.
    clash = ws.existing_respondents("whoqol-bref", keys)
    assert clash[["project", "wave"]].values.tolist() == [["P", 1]]
    assert ws.existing_respondents("eurohis-qol-8", keys).empty
    assert ws.existing_respondents("whoqol-bref", keys.iloc[:0]).empty
    # --replace: the import being replaced does not clash with itself.
    first = int(ws.imports()["id"].iloc[0])
    assert ws.existing_respondents("whoqol-bref", keys, exclude_import=first).empty


def test_write_transactions_grow_the_page_cache_only_while_they_last(ws, engine_name):
    if engine_name != "sqlite":
        pytest.skip("SQLite's page cache; PostgreSQL's buffers are the server's")
    default = ws.page_cache_kib
    with ws.transaction():
        assert ws.page_cache_kib > default
    assert ws.page_cache_kib == default
    with pytest.raises(RuntimeError):
        with ws.transaction():
            raise RuntimeError("boom")
    assert ws.page_cache_kib == default


def test_ensure_instrument_refuses_other_items_under_the_same_name(ws):
    inst = load_instrument("whoqol-bref")
    other = load_instrument("eurohis-qol-8")
    other.name = "whoqol-bref"
    with ws.transaction():
        ws.ensure_instrument(inst)
    with pytest.raises(UserError, match="already holds instrument 'whoqol-bref'"):
        with ws.transaction():
            ws.ensure_instrument(other)


def test_imported_at_follows_source_date_epoch(ws, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710547200")
    with ws.transaction():
        ws.add_import(
            {
                "kind": "clients",
                "source_name": "x",
                "sha256": "0",
                "size": 1,
                "scope": "s",
                "rows_read": 0,
                "rows_stored": 0,
                "rows_rejected": 0,
            }
        )
    assert ws.imports()["imported_at"].tolist() == ["2024-03-16T00:00:00+00:00"]


def test_migrations_are_atomic(ws_dir, db_digest, monkeypatch):
    from evaltool.store import workspace as wsmod

    current = wsmod.SCHEMA_VERSION
    step = answers_table_sql("answers_extra", ["a"]) + ";"
    monkeypatch.setattr(wsmod, "SCHEMA_VERSION", current + 1)
    before = db_digest(ws_dir)
    # the step's first statement succeeds, the second fails: nothing of it stays
    monkeypatch.setattr(wsmod, "MIGRATIONS", Migrations({current: step + "\n" + step}))
    with pytest.raises(DatabaseError, match='answers_extra" already exists'):
        Workspace.open(ws_dir)
    assert db_digest(ws_dir) == before
    monkeypatch.setattr(wsmod, "MIGRATIONS", Migrations({current: step}))
    with Workspace.open(ws_dir) as ws:
        assert ws._meta("schema_version") == str(current + 1)
        assert ws.row_counts(["answers_extra"]) == {"answers_extra": 0}
        assert not ws.conn.in_transaction


def test_a_version_1_workspace_is_upgraded_by_the_built_in_migrations(
    tmp_path, monkeypatch, new_workspace
):
    from evaltool.store import engine
    from evaltool.store import workspace as wsmod
    from evaltool.store.schema import BASE_SCHEMA

    monkeypatch.setattr(wsmod, "SCHEMA", BASE_SCHEMA)
    monkeypatch.setattr(wsmod, "SCHEMA_VERSION", 1)
    new_workspace(tmp_path / "old").close()
    monkeypatch.undo()
    with Workspace.open(tmp_path / "old") as ws:
        assert ws._meta("schema_version") == str(wsmod.SCHEMA_VERSION)
        upgraded = set(engine.table_names(ws.conn))
    new_workspace(tmp_path / "new").close()
    with Workspace.open(tmp_path / "new") as ws:
        fresh = set(engine.table_names(ws.conn))
    assert upgraded == fresh and "import_deletions" in fresh


def test_data_state_changes_with_every_import_deletion_and_setting(ws):
    def add(k: int) -> int:
        with ws.transaction():
            return ws.add_import(
                {
                    "kind": "clients",
                    "source_name": f"{k}.csv",
                    "sha256": str(k) * 64,
                    "size": 1,
                    "scope": "s",
                    "rows_read": 0,
                    "rows_stored": 0,
                    "rows_rejected": 0,
                }
            )

    seen = [ws.data_state()]
    assert ws.data_state() == seen[0]  # reading changes nothing
    first = add(1)
    seen.append(ws.data_state())
    second = add(2)
    seen.append(ws.data_state())
    with ws.transaction():
        ws.delete_import(second)
    seen.append(ws.data_state())  # the same data as after the first import
    with ws.transaction():
        ws.delete_import(first)
    seen.append(ws.data_state())  # no imports, as at the start
    add(3)
    seen.append(ws.data_state())
    ws.set_setting("min_n", "7")
    seen.append(ws.data_state())
    with ws.transaction():
        ws.ensure_instrument(load_instrument("whoqol-bref"))
    seen.append(ws.data_state())
    assert len(set(seen[2:])) == len(seen[2:]) and seen[1] != seen[0]
    # the state names the data, not the history: the same data, the same state (a later
    # import never has an earlier one's id, so it never brings an old state back)
    assert seen[3] == seen[1] and seen[4] == seen[0]
