# ruff: noqa: E501 — the participant and register files below are data rows, one line each
"""Participant import: headers in three languages, pseudonyms shared with client ids, each
validation rule, re-import, and the failed import that changes nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltool.errors import ImportFailed
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.imports.participants import import_participants
from evaltool.issues import IssueCode
from evaltool.store.workspace import Workspace
from evaltool.validate.participants import (
    PARTICIPANT_DUPLICATE,
    STATUS_INCONSISTENT,
    STATUS_MISSING,
)

HEADER_FI = "Hanke;Osallistujatunnus;Aloituspäivä;Päättymispäivä;Sukupuoli;Syntymävuosi;Työmarkkina-asema;Pitkäaikaistyötön;Koulutustaso;Tilanne päättyessä"
GOOD_FI = "Polku;{id};16.1.2023;30.6.2023;nainen;1990;työtön;ei;perusaste;työllinen"


@pytest.fixture()
def ws(tmp_path):
    w = Workspace.init(tmp_path / "ws")
    yield w
    w.close()


def _write(tmp_path, lines, name="p.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _fails(ws, path, code):
    before = ws.row_counts(["participants", "imports"])
    with pytest.raises(ImportFailed) as exc:
        import_participants(ws, path)
    assert ws.row_counts(["participants", "imports"]) == before
    issues = [i for i in exc.value.report.errors if i.code == code]
    assert issues, exc.value.report.format()
    return issues[0]


def test_swedish_and_english_headers_and_labels(ws, tmp_path):
    sv = _write(
        tmp_path,
        [
            "Projekt;Deltagare;Startdatum;Slutdatum;Kön;Ålder;Arbetsmarknadsstatus;Utbildning;Status vid utträde;Funktionsnedsättning",
            "Polku;S1;2023-01-02;2023-05-31;kvinna;30;långtidsarbetslös;gymnasium;i arbete;nej",
        ],
        "sv.csv",
    )
    en = _write(
        tmp_path,
        [
            "Project,Participant ID,Start date,End date,Gender,Age,Labour market status,ISCED,Status on leaving",
            "Polku,E1,2023-02-01,,non-binary,40,inactive,7,",
        ],
        "en.csv",
    )
    import_participants(ws, sv)
    import_participants(ws, en)
    recs = ws.participant_records().set_index("gender")
    assert recs.loc["woman", "status_entry"] == "unemployed"
    assert bool(recs.loc["woman", "long_term_unemployed"]) and recs.loc["woman", "isced"] == 3
    assert recs.loc["woman", "status_leaving"] == "employed"
    assert recs.loc["non_binary", "isced"] == 7 and pd.isna(recs.loc["non_binary", "end_date"])
    sens = ws.participant_sensitive()
    assert len(sens) == 1 and not bool(sens["disability"].iloc[0])


def test_participant_ids_are_the_client_pseudonyms(ws, tmp_path, whoqol_answers):
    data = whoqol_answers(3)
    f = tmp_path / "w1.csv"
    data.to_csv(f, index=False)
    import_clients(ws, [f], ClientImportOptions(project="Polku", wave=1))
    clients = set(ws.stored_respondents()["respondent"])
    ids = data.iloc[:, 0].astype(str).tolist()
    p = _write(tmp_path, [HEADER_FI] + [GOOD_FI.format(id=i) for i in ids])
    import_participants(ws, p)
    assert set(ws.participant_records()["participant"]) == clients
    assert not any(i in set(ws.participant_records()["participant"]) for i in ids)


def test_reimport_is_a_no_op_and_replace_replaces(ws, tmp_path):
    p = _write(tmp_path, [HEADER_FI, GOOD_FI.format(id=1), GOOD_FI.format(id=2)])
    assert import_participants(ws, p).status == "imported"
    assert import_participants(ws, p).status == "unchanged"
    p.write_text(p.read_text("utf-8") + GOOD_FI.format(id=3) + "\n", encoding="utf-8")
    assert import_participants(ws, p, replace=True).status == "replaced"
    assert ws.participant_count() == 3


def test_end_before_start_is_an_error(ws, tmp_path):
    bad = GOOD_FI.format(id=1).replace("30.6.2023", "15.1.2023")
    issue = _fails(ws, _write(tmp_path, [HEADER_FI, bad]), IssueCode.DATE_INVALID)
    assert (issue.row, issue.column, issue.header) == (2, "D", "Päättymispäivä")


def test_an_impossible_age_is_an_error(ws, tmp_path):
    bad = GOOD_FI.format(id=1).replace("1990", "2031")
    issue = _fails(ws, _write(tmp_path, [HEADER_FI, bad]), IssueCode.VALUE_OUT_OF_RANGE)
    assert (issue.row, issue.column) == (2, "F")


def test_long_term_unemployed_but_not_unemployed_is_an_error(ws, tmp_path):
    bad = GOOD_FI.format(id=1).replace("työtön;ei", "työllinen;kyllä")
    issue = _fails(ws, _write(tmp_path, [HEADER_FI, bad]), STATUS_INCONSISTENT)
    assert (issue.row, issue.column) == (2, "H")


def test_a_leaver_without_status_on_leaving_is_an_error(ws, tmp_path):
    bad = GOOD_FI.format(id=1).removesuffix("työllinen")
    issue = _fails(ws, _write(tmp_path, [HEADER_FI, bad]), STATUS_MISSING)
    assert (issue.row, issue.column) == (2, "J")


def test_status_on_leaving_without_an_end_date_is_a_warning(ws, tmp_path):
    odd = GOOD_FI.format(id=1).replace("30.6.2023", "")
    result = import_participants(ws, _write(tmp_path, [HEADER_FI, odd]))
    [w] = [i for i in result.report.warnings if i.code == STATUS_INCONSISTENT]
    assert w.column == "J"


def test_a_participant_twice_is_an_error(ws, tmp_path):
    issue = _fails(
        ws,
        _write(tmp_path, [HEADER_FI, GOOD_FI.format(id=7), GOOD_FI.format(id="007")]),
        PARTICIPANT_DUPLICATE,
    )
    assert issue.row == 3
    import_participants(ws, _write(tmp_path, [HEADER_FI, GOOD_FI.format(id=8)], "a.csv"))
    again = [HEADER_FI, GOOD_FI.format(id=9), GOOD_FI.format(id=8)]
    assert _fails(ws, _write(tmp_path, again, "b.csv"), PARTICIPANT_DUPLICATE).row == 3


def test_unknown_labels_and_missing_columns_are_errors(ws, tmp_path):
    bad = GOOD_FI.format(id=1).replace("nainen", "ehkä")
    issue = _fails(ws, _write(tmp_path, [HEADER_FI, bad]), IssueCode.UNKNOWN_LABEL)
    assert issue.column == "E" and issue.value == "ehkä"
    no_status = HEADER_FI.replace("Työmarkkina-asema", "Huomautus")
    _fails(
        ws, _write(tmp_path, [no_status, GOOD_FI.format(id=1)], "c.csv"), IssueCode.COLUMN_MISSING
    )


def test_an_older_workspace_gains_the_participant_tables(tmp_path, monkeypatch):
    from evaltool.store import workspace as wsmod
    from evaltool.store.schema import BASE_SCHEMA, IMPORT_DELETIONS

    monkeypatch.setattr(wsmod, "SCHEMA", BASE_SCHEMA + IMPORT_DELETIONS)
    monkeypatch.setattr(wsmod, "SCHEMA_VERSION", 2)
    Workspace.init(tmp_path / "old").close()
    monkeypatch.undo()
    with Workspace.open(tmp_path / "old") as w:
        assert w.participant_count() == 0 and "period" in w.project_register().columns
        assert w.project_targets().empty
