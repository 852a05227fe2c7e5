"""Partner rounds, the project register, row counts and migrations in the store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltool.store.partners import STATEMENT_COLUMNS, TIE_COLUMNS
from evaltool.store.schema import Migrations


def _partner_file(ws, round_label, orgs, ties, text="autumn survey"):
    with ws.transaction():
        iid = ws.add_import(
            {
                "kind": "partners",
                "source_name": f"{round_label}.csv",
                "sha256": str(len(ws.imports())) * 64,
                "size": 1,
                "round": round_label,
                "scope": f"partners;round={round_label}",
                "rows_read": len(orgs),
                "rows_stored": len(orgs),
                "rows_rejected": 0,
            }
        )
        statements = pd.DataFrame(
            [(o, s, "s1", 4.0) for o, s, _ in orgs], columns=STATEMENT_COLUMNS[1:]
        )
        ws.store_partner_round(
            iid,
            round_label,
            text,
            pd.DataFrame(orgs, columns=["org", "sector", "responded"]),
            statements,
            pd.DataFrame(ties, columns=TIE_COLUMNS[1:]),
        )
    return iid


def test_partner_rounds_in_import_order_with_merged_organisations(ws):
    _partner_file(
        ws,
        "spring",
        [("A", "public", True), ("B", None, False)],
        [("A", "B", 2.0, 3.0, np.nan, 1.0)],
        text="first",
    )
    _partner_file(ws, "autumn", [("A", "public", True)], [("A", "C", 1.0, 1.0, 1.0, 1.0)])
    _partner_file(ws, "spring", [("B", "third", True)], [], text="second")
    assert ws.partner_rounds() == ["spring", "autumn"]
    tables = ws.partner_tables(["spring"])
    assert tables.survey_text == "second"
    orgs = tables.orgs.sort_values("org")
    assert orgs[["org", "sector", "responded"]].values.tolist() == [
        ["A", "public", True],
        ["B", "third", True],
    ]
    assert orgs["responded"].dtype == bool
    assert list(tables.ties.columns) == TIE_COLUMNS
    assert tables.ties["trust"].isna().tolist() == [True]
    assert list(tables.statements.columns) == STATEMENT_COLUMNS and len(tables.statements) == 3
    both = ws.partner_tables(["spring", "autumn"])
    assert len(both.ties) == 2 and both.survey_text == "autumn survey"
    none = ws.partner_tables([])
    assert none.ties.empty and none.orgs.empty and none.survey_text is None


def _register_rows(codes, participants):
    return pd.DataFrame(
        {"code": codes, "name": [f"Hanke {c}" for c in codes], "planned_participants": participants}
    )


def _register_import(ws, name):
    return ws.add_import(
        {
            "kind": "projects",
            "source_name": name,
            "sha256": name * 64,
            "size": 1,
            "scope": "register",
            "rows_read": 1,
            "rows_stored": 1,
            "rows_rejected": 0,
        }
    )


def test_register_rows_their_imports_and_overwriting(ws):
    with ws.transaction():
        first = _register_import(ws, "a")
        ws.insert_register_rows(first, _register_rows(["S2", "S1"], [10.0, np.nan]))
        second = _register_import(ws, "b")
        ws.insert_register_rows(second, _register_rows(["S3"], [5]))
    register = ws.project_register()
    assert register["code"].tolist() == ["S1", "S2", "S3"]
    assert "import_id" not in register and list(register.columns[:3]) == [
        "code",
        "name",
        "organisation",
    ]
    assert register["planned_participants"].dtype == float
    assert register["realised_funding"].isna().all()
    codes = ws.register_codes().sort_values("code")
    assert codes.values.tolist() == [["S1", first, "a"], ["S2", first, "a"], ["S3", second, "b"]]
    with ws.transaction():
        ws.delete_register_codes(["S3"])  # import b has no project left: it goes too
    assert ws.imports()["id"].tolist() == [first]
    assert ws.project_register()["code"].tolist() == ["S1", "S2"]


def test_row_counts_of_named_or_all_tables(ws):
    counts = ws.row_counts()
    assert counts["meta"] == 3 and counts["settings"] == 2 and counts["responses"] == 0
    assert ws.row_counts(["imports"]) == {"imports": 0}
    with pytest.raises(ValueError, match="no table 'nope'"):
        ws.row_counts(["nope"])


def test_migrations_run_in_order_and_refuse_gaps_and_twins():
    steps = Migrations({2: "-- two", 1: "-- one"})
    scripts = [(v, s) for v, s in steps.steps(1, 3)]
    assert [v for v, _ in scripts] == [1, 2]
    assert "-- one" in scripts[0][1] and "value = '2'" in scripts[0][1]
    assert scripts[1][1].startswith("BEGIN IMMEDIATE;") and scripts[1][1].endswith("COMMIT;")
    assert list(steps.steps(3, 3)) == []
    with pytest.raises(ValueError, match="no migration from schema version 3"):
        list(steps.steps(1, 4))
    with pytest.raises(ValueError, match="exists already"):
        steps.add(1, "-- again")
