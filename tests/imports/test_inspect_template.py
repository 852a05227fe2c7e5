"""``evaltool inspect`` (what the importer sees, mapping files) and the hand-entry template."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from layout_fixtures import (
    DK,
    FIXTURES,
    IDS,
    INSTRUMENT,
    ITEMS,
    KEVAT,
    TRUTH,
    Fixture,
    answer_label,
    expected,
    option_label,
    stored,
    write_limesurvey_codes,
)

from evaltool.errors import UserError
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.imports.inspection import (
    format_inspection,
    inspect_file,
    inspection_json,
    write_mapping,
)
from evaltool.output.template import template_columns, write_template
from evaltool.store.workspace import Workspace


@pytest.fixture
def qualtrics(tmp_path: Path) -> Path:
    path = tmp_path / "qualtrics.csv"
    FIXTURES["qualtrics"].write(path)
    return path


def test_inspect_reports_what_the_importer_sees(qualtrics: Path):
    info = inspect_file(qualtrics)
    assert info["layout"] == "qualtrics" and info["encoding"] == "utf-8-sig"
    assert info["delimiter"] == "," and info["header_rows"] == 3
    assert info["n_respondents"] == 6 and info["first_data_row"] == 4
    assert [d["row"] for d in info["dropped_rows"]] == [4, 8]
    assert info["incomplete_rows"] == [9]
    assert info["instrument"] == INSTRUMENT and info["instrument_guessed"]
    assert sorted(info["items"]) == sorted(ITEMS) and info["missing_items"] == []
    assert info["items"]["p1"] == "V" and info["fields"]["goals"] == ["U"]
    assert info["metadata"]["respondent_id"] == "K" and info["unplaced"] == []
    cols = {c["column"]: c for c in info["columns"]}
    assert cols["V"]["maps_to"] == "p1" and cols["V"]["matched_by"] == "label"
    assert cols["V"]["values"] == {"3": 2, "5": 1, "4": 1, "2": 1, "1": 1}
    assert cols["J"]["metadata_role"] == "email" and not cols["J"]["stored"]
    assert cols["J"]["values"] is None  # identifiers are never shown
    assert cols["K"]["values"] is None and cols["K"]["stored"]
    # The JSON form is one object with the documented keys.
    obj = json.loads(inspection_json(info))
    assert {"layout", "encoding", "delimiter", "header_rows", "n_respondents", "columns"} <= set(
        obj
    )
    text = format_inspection(info)
    assert "Layout:      qualtrics" in text and "dropped row 8: Qualtrics status 8 (spam)" in text
    assert "V    Osallistuminen ja ohjaus - Sain tietoa palv… p1" in text


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_inspect_every_fixture(name: str, tmp_path: Path):
    fx: Fixture = FIXTURES[name]
    path = tmp_path / fx.filename
    fx.write(path)
    info = inspect_file(path, instrument=INSTRUMENT)
    assert info["layout"] == fx.layout and info["n_respondents"] == len(TRUTH)
    assert sorted(info["items"]) == sorted(ITEMS)
    assert info["unplaced"] == [] and info["problems"] == []


def test_inspect_forced_layout_and_unreadable_files(tmp_path: Path, qualtrics: Path):
    info = inspect_file(qualtrics, layout="plain", instrument=INSTRUMENT)
    assert info["layout"] == "plain" and "layout plain forced" in info["notes"]
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(UserError):
        inspect_file(bad)


def test_written_mapping_is_valid_toml_and_imports(tmp_path: Path):
    """Code headings (P[SQ001]) cannot be told apart from their grid alone: inspect writes a
    mapping with the unplaced columns commented out, the evaluator fills it in, and the
    import then stores the truth."""
    path = tmp_path / "codes.csv"
    write_limesurvey_codes(path)
    info = inspect_file(path, instrument=INSTRUMENT)
    mapping = write_mapping(info, tmp_path / "map.toml")
    text = mapping.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["options"]["layout"] == "limesurvey"
    assert data["options"]["id_column"] == "token"
    assert data["columns"]["P[SQ001]"] == "p1"  # placed by position, written out to check
    assert '# "G1" = ""' in text  # not placed: commented out to fill in
    edited = text.replace('# "G1" = ""', '"G1" = "gender"').replace(
        '# "G5" = ""', '"G5" = "service_type"'
    )
    mapping.write_text(edited, encoding="utf-8")
    assert tomllib.loads(edited)["columns"]["G1"] == "gender"
    info2 = inspect_file(path, instrument=INSTRUMENT, mapping=mapping)
    assert info2["fields"] == {"gender": ["G"], "service_type": ["K"]}
    ws = Workspace.init(tmp_path / "ws")
    try:
        import_clients(
            ws,
            [path],
            ClientImportOptions(instrument=INSTRUMENT, project="P", wave=1, mapping=mapping),
        )
        got = stored(ws)
    finally:
        ws.close()
    for r in TRUTH:
        assert got[r.id]["items"] == r.items
        assert got[r.id]["fields"].get("gender") == r.background["gender"]


def test_headers_with_quotes_and_newlines_survive_the_mapping_file(tmp_path: Path):
    path = tmp_path / "odd.csv"
    path.write_text('id;"Kysymys ""lainaus""\nrivi 2";q1\nA;x;3\n', encoding="utf-8")
    info = inspect_file(path, instrument="whoqol-bref")
    text = (write_mapping(info, tmp_path / "m.toml")).read_text(encoding="utf-8")
    data = tomllib.loads(text.replace('# "Kysymys', '"Kysymys'))
    assert data["columns"]['Kysymys "lainaus"\nrivi 2'] == ""


def test_template_columns_carry_codes_and_drop_downs():
    cols = template_columns(KEVAT, "sv")
    heads = [c["header"] for c in cols]
    assert heads[:4] == ["Klientkod (id)", "Projekt (project)", "Mätning (wave)", "Datum (date)"]
    assert "Kön (gender)" in heads
    assert "Mål för stödperioden: Gruppverksamhet, kamratstöd (goals:peer_support)" in heads
    p4 = next(c for c in cols if c["header"].endswith("(p4)"))
    assert p4["choices"] == KEVAT.response_sets["agreement"]["sv"] + ["Vet ej"]
    with pytest.raises(UserError):
        template_columns(KEVAT, "de")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_template_round_trip(tmp_path: Path, lang: str):
    """Fill the template as an evaluator would (drop-down labels, Yes for chosen options,
    open answers as typed) and the importer reads back exactly the truth."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    path = write_template(INSTRUMENT, tmp_path / "lomake.xlsx", lang)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "B2" and wb["_listat"].sheet_state == "hidden"
    validations: list[DataValidation] = ws.data_validations.dataValidation
    assert len(validations) >= len(ITEMS)
    heads = [c.value for c in ws[1]]
    yes = {"fi": "Kyllä", "sv": "Ja", "en": "Yes"}[lang]
    for i, r in enumerate(TRUTH, start=2):
        values: dict[str, object] = {
            "id": r.id,
            "project": "Polku",
            "wave": 1,
            "date": r.when.strftime("%d.%m.%Y"),
        }
        for f, code in r.background.items():
            values[f] = option_label(f, code, lang)
        for c in r.goals:
            values[f"goals:{c}"] = yes
        values["good"] = r.good or ""
        values["bad"] = r.bad_typed or r.bad or ""
        for c in ITEMS:
            values[c] = answer_label(r.items[c], lang)
        for j, head in enumerate(heads, start=1):
            code = head.rsplit("(", 1)[1].rstrip(")")
            value = values.get(code, "")
            if value != "":
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    wb.save(path)
    ws_dir = Workspace.init(tmp_path / "ws")
    try:
        result = import_clients(
            ws_dir,
            [path],
            ClientImportOptions(
                instrument=INSTRUMENT, project_column="project", wave_column="wave"
            ),
        )
        got = stored(ws_dir)
        meta, _ = ws_dir.responses(INSTRUMENT)
    finally:
        ws_dir.close()
    assert result.files[0].layout == "plain"
    assert not [i for i in result.report.warnings if i.code == "column-unused"]
    assert sorted(got) == IDS and set(meta["project"]) == {"Polku"}
    fx = Fixture("template", "lomake.xlsx", lambda p: None, "plain", 1)
    for r in TRUTH:
        want = expected(r, fx)
        assert got[r.id]["items"] == want["items"]
        assert got[r.id]["fields"] == want["fields"]
        assert got[r.id]["date"] == want["date"]
    assert got["A002"]["reasons"]["p3"] == "d" and got["A002"]["items"]["p3"] == DK


def test_template_for_an_instrument_without_fields(tmp_path: Path):
    path = write_template("whoqol-bref", tmp_path / "who.xlsx", "en")
    info = inspect_file(path, instrument="whoqol-bref")
    assert info["layout"] == "plain" and len(info["items"]) == 26
    assert info["metadata"]["respondent_id"] == "A"


def _whoqol_rows(n: int, extra: int = 0) -> list[list]:
    import numpy as np

    items = [f"q{i}" for i in range(1, 27)]
    answers = np.random.default_rng(0).integers(1, 6, size=(n, 26 + extra)).tolist()
    return [["Asiakasnumero", *items, *[f"lisä{k}" for k in range(extra)]]] + [
        [f"A{i}", *a] for i, a in enumerate(answers)
    ]


def test_inspect_a_wide_sheet_names_unplaced_columns_in_runs(tmp_path: Path):
    import openpyxl

    wb = openpyxl.Workbook()
    for row in _whoqol_rows(5, extra=400):
        wb.active.append(row)
    wb.save(tmp_path / "leveä.xlsx")
    info = inspect_file(tmp_path / "leveä.xlsx", instrument="whoqol-bref")
    assert len(info["items"]) == 26 and len(info["item_like"]) == 400
    text = format_inspection(info)
    assert "Columns with answers that could not be placed: AB–PK —" in text
    assert info["columns"][1]["n_values"] == 5 and info["columns"][1]["n_distinct"] <= 5


def test_inspect_value_counts_most_frequent_first_ties_in_order():
    import pandas as pd

    from evaltool.imports.inspection import _value_counts

    shown, distinct, filled = _value_counts(pd.Series(["b", "", "a", "a", "c", "b", "", "a"]))
    assert list(shown.items()) == [("a", 3), ("b", 2), ("c", 1)]
    assert (distinct, filled) == (3, 6)


def test_inspect_names_other_sheets_and_refuses_web_pages(tmp_path: Path, runner):
    import openpyxl

    from evaltool.cli import main

    wb = openpyxl.Workbook()
    wb.active.title = "Alku"
    for row in _whoqol_rows(3):
        wb.active.append(row)
    second = wb.create_sheet("Loppu")
    for row in _whoqol_rows(3):
        second.append(row)
    wb.save(tmp_path / "kaksi.xlsx")
    info = inspect_file(tmp_path / "kaksi.xlsx")
    assert info["sheet"] == "Alku" and info["other_sheets"] == ["Loppu"]
    assert (
        "Note: sheet 'Alku' was read; the workbook also has sheet(s) 'Loppu'"
        in format_inspection(info)
    )
    page = tmp_path / "vienti.xls"
    page.write_text("<html><body><table><tr><td>id</td></tr></table></body></html>")
    res = runner.invoke(main, ["inspect", str(page)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "this is a web page (HTML)" in res.output


def test_inspect_shows_rows_whose_values_moved(tmp_path: Path):
    rows = _whoqol_rows(5)
    rows[0].insert(1, "Vapaa sana")
    for k, row in enumerate(rows[1:]):
        row.insert(1, "kiitos; 5" if k == 2 else "ok")
    path = tmp_path / "a.csv"
    path.write_text("\n".join(";".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    info = inspect_file(path, instrument="whoqol-bref")
    assert [(p["row"], p["column"]) for p in info["row_problems"]] == [(4, "AC")]
    assert "Row 4: the row has 29 fields but the header 28" in format_inspection(info)
