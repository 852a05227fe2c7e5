"""The one reader of stored responses: packed and plain reads agree, columns and detail
projects, field answers and per-import provenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltool.instruments import load_instrument
from evaltool.store import responses
from evaltool.store.packed import packing
from evaltool.store.responses import RESPONSE_COLUMNS


def _store(ws, inst, project, wave, ids, values, fields=None, rule="manual"):
    n = len(ids)
    frame = pd.DataFrame(
        {
            "project": project,
            "wave": wave,
            "source_id": ids,
            "respondent": ws.pseudonyms([project] * n, ids),
            "date": f"2024-0{wave}-16",
            "source_row": np.arange(2, n + 2),
            "n_missing": np.isnan(values).sum(axis=1),
            "discarded": False,
            "incomplete": [i % 2 == 0 for i in range(n)],
            "missing": "." * values.shape[1],
        }
    )
    with ws.transaction():
        iid = ws.add_import(
            {
                "kind": "clients",
                "source_name": f"{project}-{wave}.csv",
                "sha256": f"{project}{wave}".ljust(64, "0"),
                "size": 1,
                "layout": "plain",
                "instrument": inst.name,
                "rule": rule,
                "scope": f"{project};{wave}",
                "rows_read": n,
                "rows_stored": n,
                "rows_rejected": 0,
            }
        )
        ws.store_responses(iid, inst, ws.ensure_instrument(inst), frame, values, fields)
    return iid


@pytest.fixture
def filled(ws):
    inst = load_instrument("whoqol-bref")
    rng = np.random.default_rng(3)
    for project, wave, n in (("P", 1, 30), ("P", 2, 20), ("Q", 1, 25)):
        values = rng.integers(1, 6, (n, 26)).astype(float)
        values[rng.random(values.shape) < 0.1] = np.nan
        fields = pd.DataFrame({"row": np.arange(n), "field": "gender", "value": "nainen"})
        _store(ws, inst, project, wave, [f"K{i}" for i in range(n)], values, fields)
    return ws, inst


def _plain(ws, monkeypatch, *args, **kwargs):
    with monkeypatch.context() as unpacked:
        unpacked.setattr(responses, "packing", lambda *scale: None)
        return ws.responses(*args, **kwargs)


def test_packed_and_plain_reads_give_the_same_frame_and_answers(filled, monkeypatch):
    ws, _ = filled
    for kwargs in (
        {},
        {"projects": ["Q"]},
        {"waves": [2]},
        {"columns": ["wave", "id", "missing"]},
        {"detail_projects": ["P"]},
        {"detail_projects": []},
    ):
        meta, values = ws.responses("whoqol-bref", **kwargs)
        want_meta, want = _plain(ws, monkeypatch, "whoqol-bref", **kwargs)
        pd.testing.assert_frame_equal(meta, want_meta)
        assert np.array_equal(values, want, equal_nan=True)
    meta, values = ws.responses("whoqol-bref")
    assert list(meta.columns) == list(RESPONSE_COLUMNS) and values.shape == (75, 26)
    assert meta[["project", "wave"]].drop_duplicates().values.tolist() == [
        ["P", 1],
        ["P", 2],
        ["Q", 1],
    ]
    assert meta["incomplete"].dtype == bool and meta["rule"].eq("manual").all()


def test_detail_columns_only_for_the_detail_projects(filled):
    ws, _ = filled
    meta, _ = ws.responses(
        "whoqol-bref", columns=["project", "date", "incomplete", "missing"], detail_projects=["Q"]
    )
    in_q = meta["project"] == "Q"
    assert meta.loc[in_q, "date"].notna().all() and meta.loc[~in_q, "date"].isna().all()
    assert meta.loc[~in_q, "missing"].isna().all()
    assert not meta.loc[~in_q, "incomplete"].any() and meta.loc[in_q, "incomplete"].any()
    with pytest.raises(ValueError, match="no response column 'nope'"):
        ws.responses("whoqol-bref", columns=["nope"])


def test_an_answer_the_packing_cannot_hold_is_read_the_plain_way(filled):
    ws, inst = filled
    values = np.full((3, 26), 2.0)
    values[0, 4], values[1, 5], values[2, 6] = 3.5, 9.0, -1.0
    _store(ws, inst, "R", 1, ["B1", "B2", "B3"], values)
    meta, got = ws.responses("whoqol-bref", projects=["R"])
    assert np.array_equal(got, values)


def test_packing_fits_small_whole_number_scales_only():
    whoqol = packing(1, 5, 26)
    assert whoqol.bits == 3 and [len(g) for g in whoqol.groups] == [17, 9]
    assert packing(0, 10, 3).bits == 4
    assert packing(1, 5.5, 3) is None and packing(0, 1000, 3) is None


def test_field_answers_and_respondents_by_project(filled):
    ws, _ = filled
    answers = ws.field_answers()
    assert list(answers.columns) == [
        "response_id",
        "project",
        "respondent",
        "wave",
        "field",
        "value",
    ]
    assert len(answers) == 75 and set(answers["value"]) == {"nainen"}
    assert set(ws.field_answers(projects=["Q"])["project"]) == {"Q"}
    assert ws.field_answers(projects=[]).empty
    assert ws.field_answers("eurohis-qol-8").empty
    people = ws.stored_respondents()
    assert len(people) == 30 + 25  # wave 2 of P answers the same 20 of its 30 clients
    assert ws.stored_respondents([]).empty


def test_response_provenance_counts_each_imports_responses_per_project(filled):
    ws, _ = filled
    files = ws.response_provenance("whoqol-bref")
    assert files[["project", "stored_here", "source_name"]].values.tolist() == [
        ["P", 30, "P-1.csv"],
        ["P", 20, "P-2.csv"],
        ["Q", 25, "Q-1.csv"],
    ]
    assert ws.response_provenance("whoqol-bref", ["Q"])["project"].tolist() == ["Q"]
    assert ws.response_provenance("whoqol-bref", []).empty
