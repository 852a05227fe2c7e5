"""The workspace's outcome tables read each instrument's stored responses once, with only the
columns they use, and score them once; an instrument with one wave is not read at all."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.indicators import workspace_tables
from evaltool.instruments import load_instrument
from evaltool.scoring import stored


def _store(ws, inst, project: str, wave: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = len(inst.items)
    values = rng.integers(int(inst.scale_min), int(inst.scale_max) + 1, (n, k)).astype(float)
    ids = [f"K{i}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "project": project,
            "wave": wave,
            "source_id": ids,
            "respondent": ws.pseudonyms([project] * n, ids),
            "date": "2024-03-16",
            "source_row": np.arange(2, n + 2),
            "n_missing": 0,
            "discarded": False,
            "incomplete": False,
            "missing": "." * k,
        }
    )
    with ws.transaction():
        iid = ws.add_import(
            {
                "kind": "clients",
                "source_name": f"{inst.name}-{project}-{wave}.csv",
                "sha256": f"{inst.name}{project}{wave}".ljust(64, "0")[:64],
                "size": 1,
                "layout": "plain",
                "instrument": inst.name,
                "rule": inst.default_rule,
                "scope": f"{inst.name};{project};{wave}",
                "rows_read": n,
                "rows_stored": n,
                "rows_rejected": 0,
            }
        )
        ws.store_responses(iid, inst, ws.ensure_instrument(inst), frame, values)


def test_outcomes_read_and_score_each_instrument_once(ws, monkeypatch):
    whoqol, kevat = load_instrument("whoqol-bref"), load_instrument("kevat-client")
    for wave in (1, 2):
        _store(ws, whoqol, "P", wave, 12, wave)
    _store(ws, kevat, "P", 2, 12, 9)  # one wave only: nothing to compare
    assert ws.kept_waves("whoqol-bref") == [1, 2] and ws.kept_waves("kevat-client") == [2]
    reads, scorings = [], []
    read, score = type(ws).responses, stored.score_responses

    def counted_read(self, instrument, *args, **kwargs):
        reads.append((instrument, tuple(kwargs.get("columns", ()))))
        return read(self, instrument, *args, **kwargs)

    def counted_score(inst, meta, values):
        scorings.append(inst.name)
        return score(inst, meta, values)

    monkeypatch.setattr(type(ws), "responses", counted_read)
    monkeypatch.setattr(workspace_tables, "score_responses", counted_score)
    tables = workspace_tables.workspace_outcomes(ws)
    assert reads == [("whoqol-bref", workspace_tables.OUTCOME_META)]
    assert scorings == ["whoqol-bref"]
    assert set(tables["paired"]["instrument"]) == {"whoqol-bref"}
