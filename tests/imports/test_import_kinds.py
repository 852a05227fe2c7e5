"""Partner, register and client imports on the one skeleton: one result type read through to
its file, warnings stored as issue records by every kind, the register's overwritten
projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.imports.partners import PartnerFileResult, import_partners
from evaltool.imports.register import RegisterFileResult, import_projects, project_register
from evaltool.imports.skeleton import ImportResult
from evaltool.issues import RECORD_FIELDS, ValidationReport

REGISTER_HEADER = "Hankekoodi;Nimi;Muistiinpanot"


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored_warnings(ws) -> list[list[dict]]:
    return [json.loads(text) for text in ws.imports()["warnings"]]


def test_a_partner_import_is_one_file_result_read_through(ws, tmp_path):
    path = write(
        tmp_path / "ties.csv",
        "respondent_org;partner_org",
        "Kaupunki;Yhdistys ry",
        "Yhdistys ry.;Kaupunki",
    )
    result = import_partners(ws, path, "R1")
    assert isinstance(result, ImportResult) and isinstance(result.file, PartnerFileResult)
    assert (result.round, result.shape, result.n_respondents, result.n_orgs) == (
        "R1",
        "tie_list",
        2,
        2,
    )
    assert result.summary() == (
        "ties.csv: imported as import 1 (round 'R1', tie_list, layout plain): 2 responding "
        "organisations, 2 organisations, 0 rated ties, 0 statement answers"
    )
    again = import_partners(ws, path, "R1")
    assert (again.status, again.round) == ("unchanged", "R1")
    assert again.summary() == again.message and "for round 'R1'" in again.message
    with pytest.raises(AttributeError):
        _ = result.overwritten


def test_every_kind_stores_its_warnings_as_issue_records(ws, tmp_path, whoqol_answers):
    write(
        tmp_path / "ties.csv",
        "respondent_org;partner_org",
        "Kaupunki;Yhdistys ry",
        "Yhdistys ry.;Kaupunki",
    )
    import_partners(ws, tmp_path / "ties.csv", "R1")
    import_projects(ws, write(tmp_path / "reg.csv", REGISTER_HEADER, "S1;Polku;huom"))
    answers = whoqol_answers(4)
    answers.iloc[0, 1:10] = None  # too many missing items: discarded
    answers.to_csv(tmp_path / "a.csv", index=False)
    import_clients(ws, [tmp_path / "a.csv"], ClientImportOptions(project="S1", wave=1))
    partner, register, client = stored_warnings(ws)
    for record in partner + register + client:
        assert list(record)[: len(RECORD_FIELDS)] == list(RECORD_FIELDS)
        assert set(record) <= {*RECORD_FIELDS, "count"} and record["severity"] == "warning"
    assert [(r["code"], r["file"]) for r in partner] == [("org-near-duplicate", "ties.csv")]
    assert [(r["code"], r["column"], r["header"]) for r in register] == [
        ("column-unused", "C", "Muistiinpanot")
    ]
    [discarded] = [r for r in client if r["code"] == "response-discarded"]
    assert (discarded["count"], discarded["file"], discarded["row"]) == (1, "a.csv", None)


def test_a_register_replacing_every_project_of_an_earlier_file(ws, tmp_path):
    first = import_projects(
        ws, write(tmp_path / "old.csv", REGISTER_HEADER, "S1;Polku;", "S2;Askel;")
    )
    newer = import_projects(
        ws, write(tmp_path / "new.csv", REGISTER_HEADER, "S1;Polku 2;", "S2;Askel 2;"), replace=True
    )
    assert isinstance(newer.file, RegisterFileResult)
    assert newer.overwritten == ["S1", "S2"] and newer.status == "imported"
    # the earlier import, left without a project, goes; the new one keeps its rows
    assert ws.imports()["id"].tolist() == [newer.import_id] != [first.import_id]
    assert project_register(ws)["name"].tolist() == ["Polku 2", "Askel 2"]
    assert (
        newer.message
        == newer.summary()
        == (
            "new.csv: imported as import 2: 2 projects read, 2 stored, 2 registered earlier "
            "overwritten"
        )
    )


def test_the_result_of_several_files_is_not_read_through():
    result = ImportResult([], ValidationReport())
    with pytest.raises(ValueError, match="0 files"):
        _ = result.round
    assert result.summary() == ""
