"""The shared survey-tool export writers: the neutral survey model, reproducible files, and
every writer's file recognised as its tool's layout."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pyreadstat
import pytest

from evaltool import layouts
from evaltool import read as readers
from evaltool.testing import (
    FIXED_STAMP,
    Question,
    Survey,
    exports,
    format_times,
    write_xlsx,
)

WHEN = np.array(
    ["2024-03-16T10:31:00", "2024-06-02T14:02:00", "2024-11-05T09:05:00"], dtype="datetime64[s]"
)
AGREE = (
    "Täysin eri mieltä",
    "Eri mieltä",
    "Ei samaa eikä eri mieltä",
    "Samaa mieltä",
    "Täysin samaa mieltä",
)


def small_survey() -> Survey:
    """Three respondents: client code, one choice, a multi-select, a 3-row matrix, a text."""
    return Survey(
        WHEN,
        [
            Question("id", "id", "Asiakastunnus", 1, texts=np.array(["A1", "A2", "A3"], object)),
            Question(
                "gender",
                "choice",
                "Sukupuoli",
                2,
                options=("Nainen", "Mies"),
                codes=np.array([0, 1, -1], np.int16),
            ),
            Question(
                "goals",
                "multi",
                "Tavoitteet",
                3,
                options=("Työ", "Opiskelu", "Arki"),
                chosen=np.array([[2, 0, 1], [0, 1, 0], [0, 0, 0]]),
            ),
            *[
                Question(
                    f"p{k}",
                    "scale",
                    f"Väittämä {k}",
                    4,
                    stem="Osallistuminen",
                    options=AGREE,
                    codes=np.array([k, 0, -1], np.int16),
                )
                for k in (1, 2, 3)
            ],
            Question(
                "good", "text", "Hyvää", 5, texts=np.array(["=) kiva", "Ryhmä, ohjaus", ""], object)
            ),
        ],
    )


def test_answers_as_labels_numbers_and_joined_options():
    s = small_survey()
    assert s.question("gender").labels().tolist() == ["Nainen", "Mies", ""]
    assert s.question("gender").numbers().tolist() == ["1", "2", ""]
    assert s.question("p2").labels().tolist() == ["Eri mieltä", "En osaa sanoa", ""]
    assert s.question("p2").numbers(6).tolist() == ["2", "6", ""]
    goals = s.question("goals")
    # Ranks give the order in which the options were chosen.
    assert goals.selected(", ").tolist() == ["Arki, Työ", "Opiskelu", ""]
    assert goals.selected(";", terminated=True).tolist() == ["Arki;Työ;", "Opiskelu;", ""]
    assert goals.selected(",", numbers=True).tolist() == ["3,1", "2", ""]
    with pytest.raises(ValueError):
        goals.labels()


def test_survey_rows_and_questions_reshaped():
    s = small_survey()
    taken = s.take([2, 0, 0])
    assert taken.question("id").texts.tolist() == ["A3", "A1", "A1"]
    assert taken.when.tolist() == [WHEN[2], WHEN[0], WHEN[0]]
    both = s.take([0]).concat(s)
    assert both.n == 4 and both.question("goals").chosen.shape == (4, 3)
    numbered = s.without("id").renumbered()
    assert [q.number for q in numbered.questions] == [1, 2, 3, 3, 3, 4]
    assert s.relabel({"good": "Hyvää palvelussa"}).question("good").text == "Hyvää palvelussa"
    assert s.question("good").text == "Hyvää"


def test_time_styles():
    assert format_times(WHEN[:1], "fi").tolist() == ["16.3.2024 10:31"]
    assert format_times(WHEN[:1], "fi-date").tolist() == ["16.3.2024"]
    assert format_times(WHEN[:1], "us").tolist() == ["03/16/2024 10:31:00 AM"]
    assert format_times(WHEN[:1], "iso").tolist() == ["2024-03-16 10:31:00"]
    # Helsinki: summer time from the last Sunday of March to the last Sunday of October.
    assert [t[-5:] for t in format_times(WHEN, "google")] == ["GMT+2", "GMT+3", "GMT+2"]
    with pytest.raises(ValueError, match="unknown time style"):
        format_times(WHEN, "excel")


def test_xlsx_is_reproducible_and_keeps_text_as_text(tmp_path: Path):
    rows = [["=1+1", "#N/A", "", None, np.int64(3)]]
    write_xlsx(tmp_path / "a.xlsx", rows, properties={"title": "x"})
    write_xlsx(tmp_path / "b.xlsx", rows, properties={"title": "x"})
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2014, 1, 31, 12, 0, 0)}
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and 't="e"' not in sheet
    assert sheet.count("<c ") == 3
    write_xlsx(tmp_path / "c.xlsx", rows, empty_cells=True)
    with zipfile.ZipFile(tmp_path / "c.xlsx") as zf:
        assert zf.read("xl/worksheets/sheet1.xml").decode().count("<c ") == 4


def _write_every_tool(survey: Survey, folder: Path) -> dict[str, tuple[Path, str, int]]:
    """Each writer's file of ``survey``: name → (path, expected layout, respondents)."""
    n = survey.n
    texts = np.full(n, "", dtype=object)
    iso = format_times(survey.when, "iso")
    out = {}
    path = folder / "webropol.xlsx"
    exports.write_webropol_xlsx(survey, path, exports.webropol_meta(survey), numbered=True)
    out["webropol"] = (path, "webropol", n)
    path = folder / "webropol.csv"
    exports.write_webropol_csv(
        survey,
        path,
        {
            "Vastaaja": np.arange(1, n + 1).astype(object),
            "Vastausaika": format_times(survey.when, "fi"),
        },
    )
    out["webropol_csv"] = (path, "webropol", n)
    path = folder / "google.csv"
    exports.write_google_forms(survey, path, {"Timestamp": format_times(survey.when, "google")})
    out["google"] = (path, "google_forms", n)
    path = folder / "msforms.xlsx"
    done = survey.when.astype(datetime)
    exports.write_ms_forms(
        survey,
        path,
        {
            "ID": list(range(1, n + 1)),
            "Start time": done,
            "Completion time": done,
            "Email": texts,
            "Name": texts,
        },
    )
    out["ms_forms"] = (path, "ms_forms", n)
    path = folder / "surveymonkey.csv"
    values = [
        [str(10**10 + k) for k in range(n)],
        ["1"] * n,
        format_times(survey.when, "us"),
        format_times(survey.when, "us"),
        *[texts] * 5,
    ]
    exports.write_surveymonkey(
        survey, path, dict(zip(exports.SURVEYMONKEY_META, values, strict=True))
    )
    out["surveymonkey"] = (path, "surveymonkey", n)
    path = folder / "qualtrics.csv"
    with_preview = exports.preview_response(survey, datetime(2024, 3, 1, 9, 0)).concat(survey)
    status = ["Survey Preview"] + ["IP Address"] * n
    exports.write_qualtrics(
        with_preview,
        path,
        {
            "StartDate": [iso[0], *iso],
            "EndDate": [iso[0], *iso],
            "Status": status,
            "Finished": ["True"] * (n + 1),
            "ResponseId": [f"R_{k:015d}" for k in range(n + 1)],
        },
    )
    out["qualtrics"] = (path, "qualtrics", n)
    path = folder / "limesurvey.csv"
    exports.write_limesurvey(
        survey,
        path,
        {
            "id": [str(k) for k in range(1, n + 1)],
            "submitdate": iso,
            "lastpage": ["4"] * n,
            "startlanguage": ["fi"] * n,
            "seed": ["1"] * n,
            "startdate": iso,
            "datestamp": iso,
        },
    )
    out["limesurvey"] = (path, "limesurvey", n)
    path = folder / "spss.sav"
    exports.write_spss(
        survey,
        path,
        {"vastausaika": ("Vastausaika", survey.when)},
        names={"id": "asiakastunnus", "goals": "tavoite"},
    )
    out["spss"] = (path, "spss", n)
    path = folder / "käsin.xlsx"
    exports.write_handtyped(
        survey.without("id"),
        path,
        {
            "Asiakasnumero": survey.question("id").texts,
            "Päivämäärä": format_times(survey.when, "fi-date"),
        },
        sheet="Kevät",
        above=[["Asiakaskysely (keksitty)"]],
        stem_row=True,
    )
    out["plain"] = (path, "plain", n)
    return out


def test_every_writer_is_recognised_as_its_tool(tmp_path: Path):
    for name, (path, layout, n) in _write_every_tool(small_survey(), tmp_path).items():
        tidy = layouts.recognise(readers.read_raw(path))
        assert (tidy.layout, tidy.n_respondents) == (layout, n), name


def test_every_writer_is_byte_reproducible(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _write_every_tool(small_survey(), tmp_path / "a")
    second = _write_every_tool(small_survey(), tmp_path / "b")
    for name in first:
        assert first[name][0].read_bytes() == second[name][0].read_bytes(), name


def test_spss_declares_dont_know_and_no_answer_missing(tmp_path: Path):
    path = tmp_path / "a.sav"
    exports.write_spss(
        small_survey(),
        path,
        {},
        declared_missing={9: "Ei vastausta"},
        skipped_codes={"p3": 9},
        file_label="keksitty",
    )
    df, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert df["p3"].tolist() == [3.0, 6.0, 9.0]
    assert np.isnan(df["p1"][2])
    assert meta.missing_ranges["p1"] == [{"lo": 6.0, "hi": 6.0}, {"lo": 9.0, "hi": 9.0}]
    assert meta.variable_value_labels["p1"][6] == "En osaa sanoa"
    assert df["goals_1"].tolist() == [1.0, 0.0, 0.0]
    assert meta.column_names_to_labels["p1"] == "Osallistuminen: Väittämä 1"
    assert str(meta.creation_time) == str(FIXED_STAMP)
    assert meta.file_label == "keksitty"


def test_handtyped_sheet_types_codes_and_averages(tmp_path: Path):
    import openpyxl

    path = tmp_path / "käsin.xlsx"
    survey = small_survey().without("id")
    exports.write_handtyped(
        survey,
        path,
        {"Asiakasnumero": ["A1", "A2", "A3"]},
        sheet="S",
        above=[["Otsikko"]],
        stem_row=True,
    )
    ws = openpyxl.load_workbook(path)["S"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "Otsikko" and rows[1] == [None] * len(rows[1])
    assert rows[2][3] == "Osallistuminen"
    assert [str(r) for r in ws.merged_cells.ranges] == ["D3:F3"]
    assert rows[3][:4] == ["Asiakasnumero", "Sukupuoli", "Tavoitteet", "Väittämä 1"]
    assert [r[3] for r in rows[4:7]] == [1, "eos", None]
    assert rows[4][2] == "arki, työ"
    assert rows[-1][0] == "Keskiarvo" and rows[-1][3:6] == [1.0, 2.0, 3.0]
