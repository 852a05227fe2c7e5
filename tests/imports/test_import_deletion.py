"""Deleting an import: what goes is described first, everything the import stored goes in one
transaction, other imports stay, and the deletion is logged."""

from __future__ import annotations

import json

import pytest

from evaltool.errors import UserError
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.imports.deletion import ImportDeletion, delete_import, describe_import


def _import(ws, tmp_path, frame, name, wave, project="Polku"):
    path = tmp_path / name
    frame.to_csv(path, index=False, sep=";")
    return import_clients(ws, [path], ClientImportOptions(project=project, wave=wave))


def test_describe_then_delete_removes_only_that_import_and_logs_it(ws, tmp_path, whoqol_answers):
    first = _import(ws, tmp_path, whoqol_answers(12, seed=1), "w1.csv", 1)
    second = _import(ws, tmp_path, whoqol_answers(9, seed=2), "w2.csv", 2)
    before = ws.row_counts(["responses", "respondents", "imports"])

    described = describe_import(ws, second.import_id)
    assert described == ImportDeletion(
        import_id=second.import_id,
        kind="clients",
        source_name="w2.csv",
        sha256=described.sha256,
        projects=("Polku",),
        waves=(2,),
        round=None,
        rows_stored=9,
        n_responses=9,
    )
    assert len(described.sha256) == 64
    assert described.summary() == (
        f"import {second.import_id} (clients, w2.csv): 9 responses of project Polku, wave 2"
    )
    assert ws.row_counts(["responses"]) == {"responses": before["responses"]}  # only described

    gone = delete_import(ws, second.import_id, deleted_by="tester")
    assert gone == described
    after = ws.row_counts(["responses", "respondents", "imports", "response_fields"])
    assert after["responses"] == 12 and after["imports"] == 1
    # the ids A001…A009 also answered wave 1: their source ids stay
    assert after["respondents"] == before["respondents"]
    assert ws.responses("whoqol-bref")[0]["import_id"].unique().tolist() == [first.import_id]

    log = ws.import_deletions()
    assert log[["import_id", "kind", "source_name", "rows_stored", "deleted_by"]].to_dict(
        "records"
    ) == [
        {
            "import_id": second.import_id,
            "kind": "clients",
            "source_name": "w2.csv",
            "rows_stored": 9,
            "deleted_by": "tester",
        }
    ]
    assert json.loads(log["detail"].iloc[0]) == {
        "projects": ["Polku"],
        "waves": [2],
        "round": None,
        "n_responses": 9,
    }
    assert log["sha256"].iloc[0] == described.sha256


def test_deleting_the_last_responses_of_respondents_drops_their_source_ids(
    ws, tmp_path, whoqol_answers
):
    only = _import(ws, tmp_path, whoqol_answers(7, prefix="B"), "b.csv", 1, project="Other")
    assert ws.row_counts(["respondents"]) == {"respondents": 7}
    delete_import(ws, only.import_id)
    assert ws.row_counts(["respondents", "responses", "imports"]) == {
        "respondents": 0,
        "responses": 0,
        "imports": 0,
    }
    # the same file can be imported again afterwards
    again = _import(ws, tmp_path, whoqol_answers(7, prefix="B"), "b.csv", 1, project="Other")
    assert again.status == "imported"


def test_unknown_import_is_a_user_error_and_changes_nothing(ws, db_digest, ws_dir):
    before = db_digest(ws_dir)
    with pytest.raises(UserError, match="no import 42"):
        describe_import(ws, 42)
    with pytest.raises(UserError, match="no import 42"):
        delete_import(ws, 42)
    assert db_digest(ws_dir) == before
    assert ws.import_deletions().empty


def test_summary_of_other_kinds():
    partners = ImportDeletion(5, "partners", "ties.csv", "0" * 64, (), (), "syksy 2012", 40, 6)
    assert partners.summary() == (
        "import 5 (partners, ties.csv): 6 responding organisations of round syksy 2012, 40 rows"
    )
    register = ImportDeletion(7, "projects", "reg.xlsx", "0" * 64, ("P1", "P2"), (), None, 2, 0)
    assert (
        register.summary() == "import 7 (projects, reg.xlsx): 2 projects of the register (P1, P2)"
    )
    two = ImportDeletion(3, "clients", "file.xlsx", "0" * 64, ("P",), (1, 2), None, 48, 48)
    assert two.summary() == "import 3 (clients, file.xlsx): 48 responses of project P, waves 1, 2"
