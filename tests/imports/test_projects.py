"""ESR project register import: headers in three languages, xlsx / csv / TOML, validation with
positions, one transaction, provenance, re-import and replace, unregistered client projects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.errors import ImportFailed
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.imports.register import (
    REGISTER_COLUMNS,
    check_registered,
    header_field,
    import_projects,
    parse_numbers,
    project_register,
    unregistered_projects,
)
from evaltool.issues import ValidationReport

FI_HEADER = (
    "Hankekoodi;Nimi;Toteuttaja;Maakunta;Rahoittaja;Toimintalinja;Alkupvm;Loppupvm;"
    "Suunnitellut osallistujat;Toteutuneet osallistujat;Suunniteltu: joista naisia;"
    "Toteutunut: naiset;Suunnitellut työpaikat;Toteutuneet työpaikat;"
    "Suunnitellut yritykset;Toteutuneet yritykset;Suunnitellut tutkinnot;"
    "Toteutuneet tutkinnot;Suunniteltu julkinen rahoitus (EUR);"
    "Toteutunut julkinen rahoitus;Muistiinpanot"
)
FI_ROWS = [
    "S10246;Polku töihin;Jyväskylän kaupunki;Keski-Suomi;Keski-Suomen ELY-keskus;5;"
    '1.3.2024;28.2.2026;120;98;60;51;10;7;2;1;5;3;"1 234 567,50 €";"987 000";huom',
    "S11612;KEVÄT;JAMK;Keski-Suomi;Keski-Suomen ELY-keskus;2;16.3.2024;2025-12-31;80;;40;;;;;"
    ";;;500000;;",
]


def write_fi_csv(path: Path, rows: list[str] | None = None, title: bool = True) -> Path:
    lines = (["ESR-hankkeet 2024;;"] if title else []) + [FI_HEADER] + (rows or FI_ROWS)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "header, field",
    [
        ("Hankekoodi", "code"),
        ("Koodi", "code"),
        ("code", "code"),
        ("Projektkod", "code"),
        ("Nimi", "name"),
        ("Hankkeen nimi", "name"),
        ("Project name", "name"),
        ("Toteuttaja", "organisation"),
        ("Genomförare", "organisation"),
        ("Alue", "region"),
        ("Maakunta", "region"),
        ("Rahoittaja", "funder"),
        ("Vastuuviranomainen", "funder"),
        ("Toimintalinja", "priority_axis"),
        ("Alkupvm", "start_date"),
        ("Loppupvm", "end_date"),
        ("Slutdatum", "end_date"),
        ("Suunnitellut osallistujat", "planned_participants"),
        ("Osallistujat, toteutunut", "realised_participants"),
        ("Toteutuneet osallistujat, joista naisia", "realised_women"),
        ("planned_participants", "planned_participants"),
        ("realised_funding", "realised_funding"),
        ("Planned new jobs", "planned_jobs"),
        ("Realised new enterprises", "realised_enterprises"),
        ("Suunnitellut tutkinnot", "planned_degrees"),
        ("Toteutunut julkinen rahoitus (EUR)", "realised_funding"),
        ("Planerade deltagare", "planned_participants"),
        ("Muistiinpanot", None),
        ("Osallistujat", None),
    ],
)
def test_header_field(header, field):
    assert header_field(header) == field


def test_parse_numbers_finnish_and_english_forms():
    num, bad = parse_numbers(
        pd.Series(["1 234,5", "1.234,50 €", "12000 EUR", "3.5", "", "1,234.5", "abc", "\u2212 2"])
    )
    assert num.iloc[:4].tolist() == [1234.5, 1234.5, 12000.0, 3.5]
    assert np.isnan(num.iloc[4]) and num.iloc[5] == 1234.5 and num.iloc[7] == -2
    assert bad.tolist() == [False] * 6 + [True, False]


def test_finnish_csv_with_title_row(ws, tmp_path):
    path = write_fi_csv(tmp_path / "rekisteri.csv")
    result = import_projects(ws, path)
    assert result.status == "imported" and result.rows_stored == 2
    reg = project_register(ws)
    assert list(reg.columns) == REGISTER_COLUMNS
    s = reg.set_index("code").loc["S10246"]
    assert s["name"] == "Polku töihin" and s["organisation"] == "Jyväskylän kaupunki"
    assert s["start_date"] == "2024-03-01" and s["end_date"] == "2026-02-28"
    assert s["planned_funding"] == 1234567.5 and s["realised_funding"] == 987000
    assert s["planned_women"] == 60 and s["realised_degrees"] == 3
    k = reg.set_index("code").loc["S11612"]
    assert k["end_date"] == "2025-12-31" and np.isnan(k["realised_participants"])
    # unknown column: warning with its letter, stored with the import
    unused = [i for i in result.report.warnings if i.code == "column-unused"]
    assert unused and unused[0].column == "U" and unused[0].header == "Muistiinpanot"
    imp = ws.imports().iloc[-1]
    assert imp["kind"] == "projects" and imp["source_name"] == "rekisteri.csv"
    assert imp["header_rows"] == 2 and len(imp["sha256"]) == 64
    assert "column-unused" in imp["warnings"]


def test_xlsx_english_headers_and_date_cells(ws, tmp_path):
    from datetime import date

    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.append(
        [
            "Code",
            "Name",
            "Implementing organisation",
            "Region",
            "Funder",
            "Priority axis",
            "Start date",
            "End date",
            "Planned participants",
            "Realised participants",
            "Planned women",
            "Realised women",
        ]
    )
    sh.append(
        [
            "S20001",
            "Ahjo",
            "Ahjo ry",
            "Uusimaa",
            "ELY",
            "4",
            date(2023, 1, 2),
            date(2024, 12, 31),
            40,
            45.0,
            20,
            19,
        ]
    )
    path = tmp_path / "register.xlsx"
    wb.save(path)
    import_projects(ws, path)
    r = project_register(ws).iloc[0]
    assert (r["code"], r["start_date"], r["end_date"]) == ("S20001", "2023-01-02", "2024-12-31")
    assert r["realised_participants"] == 45 and r["priority_axis"] == "4"


def test_toml_nested_and_flat(ws, tmp_path):
    path = tmp_path / "projects.toml"
    path.write_text(
        """
[[projects]]
code = "S30001"
name = "Työpaja <Ahjo>"
organisation = "Ahjo ry"
start_date = 2024-01-15
end_date = "31.12.2025"
planned = { participants = 50, women = 25, funding = 250000.5 }
realised = { participants = 12 }

[[projects]]
Hankekoodi = "S30002"
Nimi = "Polku"
planned_jobs = 3
""",
        encoding="utf-8",
    )
    result = import_projects(ws, path)
    reg = project_register(ws).set_index("code")
    assert result.rows_stored == 2
    a = reg.loc["S30001"]
    assert a["name"] == "Työpaja <Ahjo>" and a["start_date"] == "2024-01-15"
    assert a["end_date"] == "2025-12-31" and a["planned_funding"] == 250000.5
    assert a["realised_participants"] == 12 and reg.loc["S30002", "planned_jobs"] == 3
    assert ws.imports().iloc[-1]["layout"] == "toml"


def _errors(exc: ImportFailed, code: str):
    return [i for i in exc.report.errors if i.code == code]


def test_errors_name_row_and_column_and_store_nothing(ws, ws_dir, tmp_path, db_digest):
    rows = [
        "S1;Yksi;Org;Alue;ELY;5;1.1.2024;31.12.2024;ten;5;;;;;;;;;;;",
        "S1;Kaksi;Org;Alue;ELY;5;32.1.2024;31.12.2023;10;-5;;;;;;;;;;;",
        ";Kolme;Org;Alue;ELY;5;1.6.2024;1.1.2024;;;;;;;;;;;;;",
        "S4;;Org;Alue;ELY;5;;;;;;;;;;;;;;;",
    ]
    path = write_fi_csv(tmp_path / "bad.csv", rows)
    before = db_digest(ws_dir)
    with pytest.raises(ImportFailed) as info:
        import_projects(ws, path)
    exc = info.value
    num = _errors(exc, "number-invalid")
    assert [(i.row, i.column, i.value) for i in num] == [(3, "I", "ten")]
    assert [(i.row, i.column) for i in _errors(exc, "value-out-of-range")] == [(4, "J")]
    assert {i.row for i in _errors(exc, "project-duplicate")} == {3, 4}
    dates = _errors(exc, "date-invalid")
    assert (4, "G") in {(i.row, i.column) for i in dates}
    assert [(i.row, i.column) for i in dates if "before the start" in i.message] == [(5, "H")]
    missing = _errors(exc, "value-missing")
    assert {(i.row, i.column) for i in missing} == {(5, "A"), (6, "B")}
    assert db_digest(ws_dir) == before
    assert project_register(ws).empty


def test_missing_code_column_is_a_file_error(ws, tmp_path):
    path = tmp_path / "nocode.csv"
    path.write_text("Nimi;Toteuttaja\nPolku;Org\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_projects(ws, path)
    assert _errors(info.value, "column-missing")


def test_reimport_is_noop_and_replace_overwrites(ws, tmp_path):
    path = write_fi_csv(tmp_path / "rekisteri.csv")
    first = import_projects(ws, path)
    again = import_projects(ws, path)
    assert again.status == "unchanged" and again.import_id == first.import_id
    assert len(ws.imports()) == 1
    # a corrected register with the same code is an error without replace ...
    rows = [FI_ROWS[0].replace(";98;", ";100;")]
    newer = write_fi_csv(tmp_path / "rekisteri-2.csv", rows)
    with pytest.raises(ImportFailed) as info:
        import_projects(ws, newer)
    dup = _errors(info.value, "project-duplicate")
    assert dup and "rekisteri.csv" in dup[0].message and dup[0].row == 3
    # ... and overwrites it with replace; the other project stays
    res = import_projects(ws, newer, replace=True)
    assert res.overwritten == ["S10246"]
    reg = project_register(ws).set_index("code")
    assert reg.loc["S10246", "realised_participants"] == 100 and "S11612" in reg.index
    # replacing the same file again keeps one import of it
    res = import_projects(ws, newer, replace=True)
    assert res.status == "replaced"
    assert (ws.imports()["source_name"] == "rekisteri-2.csv").sum() == 1


def test_unregistered_client_projects_are_warnings(ws, tmp_path, whoqol_answers):
    data = whoqol_answers(6)
    for project in ("S10246", "Polku töihin", "Tuntematon"):
        f = tmp_path / f"{project}.csv"
        data.to_csv(f, index=False)
        import_clients(ws, [f], ClientImportOptions(project=project, wave=1, force=True))
    assert unregistered_projects(ws) == []  # no register yet: nothing to warn about
    result = import_projects(ws, write_fi_csv(tmp_path / "rekisteri.csv"))
    # matched by code ("S10246") or by name ("Polku töihin"); only the third is missing
    assert result.unregistered == ["Tuntematon"]
    warn = [i for i in result.report.warnings if i.code == "project-unregistered"]
    assert [i.value for i in warn] == ["Tuntematon"]
    report = ValidationReport()
    assert check_registered(ws, ["KEVÄT", "Uusi"], report, file="x.csv") == ["Uusi"]
    assert report.ok and report.warnings[0].file == "x.csv"


def test_client_import_warns_about_a_project_missing_from_the_register(
    ws, tmp_path, whoqol_answers
):
    import_projects(ws, write_fi_csv(tmp_path / "rekisteri.csv"))
    f = tmp_path / "uusi.csv"
    whoqol_answers(6).to_csv(f, index=False)
    result = import_clients(ws, [f], ClientImportOptions(project="Uusi hanke", wave=1))
    warn = [i for i in result.report.warnings if i.code == "project-unregistered"]
    assert [(i.value, i.file) for i in warn] == [("Uusi hanke", "uusi.csv")]
    assert result.files[0].rows_stored == 6  # a warning, not an error
