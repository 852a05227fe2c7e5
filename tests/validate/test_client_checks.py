"""Each client check on its own: a small file, its context built by the import's steps, one
check, the issues it reports."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from evaltool.imports.clients import (
    ClientImportOptions,
    decode_answers,
    locate_columns,
    map_file_columns,
    read_survey,
)
from evaltool.instruments import load_instrument
from evaltool.issues import IssueCode, ValidationReport
from evaltool.mapping.mapping_file import Mapping
from evaltool.validate import clients as checks
from evaltool.validate.clients import FileContext

ITEMS = [f"q{i}" for i in range(1, 27)]


def write_csv(path: Path, rows: list[list]) -> Path:
    path.write_text(
        "\n".join(";".join(str(c) for c in row) for row in rows) + "\n", encoding="utf-8"
    )
    return path


def answers(n: int) -> list[list[int]]:
    return [[1 + (i + k) % 5 for k in range(26)] for i in range(n)]


def context(path: Path, decode: bool = True, **options) -> FileContext:
    """The file's context after the import's steps (checks not run)."""
    options.setdefault("project", "P1")
    options.setdefault("wave", 1)
    opts = ClientImportOptions(**options)
    setup = ValidationReport()
    ctx = read_survey(path, load_instrument("whoqol-bref"), opts, Mapping(), setup)
    assert ctx is not None and locate_columns(ctx, opts, setup), setup.format()
    map_file_columns(ctx)
    if decode:
        decode_answers(ctx)
    return ctx


def run_one(check, ctx: FileContext) -> ValidationReport:
    report = ValidationReport()
    check(ctx, report)
    return report


def test_every_check_has_the_uniform_signature():
    assert checks.CLIENT_CHECKS == checks.COLUMN_CHECKS + checks.ITEM_CHECKS
    assert len(set(checks.CLIENT_CHECKS)) == len(checks.CLIENT_CHECKS)
    for check in checks.CLIENT_CHECKS:
        assert check.__name__.startswith("check_") and check.__doc__
        assert list(inspect.signature(check).parameters) == ["ctx", "report"]


def test_a_missing_id_points_at_its_cell(tmp_path):
    rows = [["Asiakasnumero", *ITEMS], ["K1", *answers(1)[0]], ["", *answers(1)[0]]]
    ctx = context(write_csv(tmp_path / "a.csv", rows))
    report = run_one(checks.check_ids_present, ctx)
    [issue] = report.errors
    assert (issue.code, issue.file, issue.row, issue.column) == (
        IssueCode.ID_MISSING,
        "a.csv",
        3,
        "A",
    )


def test_wave_cells_that_are_empty_or_not_whole_numbers(tmp_path):
    rows = [["Asiakasnumero", "Kerta", *ITEMS]]
    rows += [
        [f"K{i}", w, *a]
        for i, (w, a) in enumerate(zip(["1", "", "1,5", "2"], answers(4), strict=True))
    ]
    ctx = context(write_csv(tmp_path / "w.csv", rows), wave=None, wave_column="Kerta")
    report = run_one(checks.check_waves, ctx)
    assert [(i.code, i.row, i.value) for i in report.errors] == [
        ("wave-missing", 3, ""),
        ("wave-invalid", 4, "1,5"),
    ]


def test_waves_given_as_an_option_are_not_checked_per_row(tmp_path):
    rows = [["Asiakasnumero", *ITEMS], ["K1", *answers(1)[0]]]
    ctx = context(write_csv(tmp_path / "o.csv", rows), wave="2")
    assert run_one(checks.check_waves, ctx).issues == []
    assert ctx.wave.tolist() == [2]


def test_dates_that_cannot_be_parsed(tmp_path):
    rows = [["Asiakasnumero", "Päivämäärä", *ITEMS]]
    rows += [
        [f"K{i}", d, *a]
        for i, (d, a) in enumerate(zip(["16.3.2024", "eilen"], answers(2), strict=True))
    ]
    ctx = context(write_csv(tmp_path / "d.csv", rows))
    report = run_one(checks.check_dates, ctx)
    [issue] = report.errors
    assert (issue.code, issue.row, issue.column, issue.value) == ("date-invalid", 3, "B", "eilen")


def test_a_named_date_column_that_is_absent(tmp_path):
    rows = [["Asiakasnumero", *ITEMS], ["K1", *answers(1)[0]]]
    ctx = context(write_csv(tmp_path / "n.csv", rows), date_column="Pvm")
    [issue] = run_one(checks.check_date_column, ctx).errors
    assert issue.code == "date-invalid" and "'Pvm' is not in the file" in issue.message


def test_no_item_column(tmp_path):
    rows = [["Asiakasnumero", "Palaute"], ["K1", "hyvä"]]
    ctx = context(write_csv(tmp_path / "x.csv", rows), decode=False)
    [issue] = run_one(checks.check_items_found, ctx).errors
    assert issue.code == "no-items" and "whoqol-bref" in issue.message


def test_a_respondent_twice_in_one_project_and_wave(tmp_path):
    rows = [["Asiakasnumero", *ITEMS]] + [
        [k, *a] for k, a in zip(["K1", "K2", "K1"], answers(3), strict=True)
    ]
    ctx = context(write_csv(tmp_path / "dup.csv", rows))
    report = run_one(checks.check_duplicates, ctx)
    assert [(i.code, i.row, i.value) for i in report.errors] == [
        ("duplicate-respondent", 2, "K1"),
        ("duplicate-respondent", 4, "K1"),
    ]


def test_ids_written_as_numbers_are_normalised_and_the_warning_is_stored(tmp_path):
    rows = [["Asiakasnumero", *ITEMS], ["007", *answers(1)[0]], ["K2", *answers(1)[0]]]
    ctx = context(write_csv(tmp_path / "ids.csv", rows))
    [issue] = run_one(checks.check_normalised_ids, ctx).warnings
    assert issue.code == "id-normalised" and "'007' → '7'" in issue.message
    # the source ids are shown while importing, never stored with the import
    assert ctx.stored_warnings == [
        {
            "code": "id-normalised",
            "column": "A",
            "count": 1,
            "message": issue.message.removesuffix(" ('007' → '7')"),
            "value": None,
        }
    ]
    assert "007" not in str(ctx.stored_warnings)


def test_ids_in_scientific_notation(tmp_path):
    rows = [["Asiakasnumero", *ITEMS], ["1.23457E+11", *answers(1)[0]]]
    ctx = context(write_csv(tmp_path / "sci.csv", rows))
    [issue] = run_one(checks.check_rounded_ids, ctx).warnings
    assert issue.code == "id-rounded" and issue.column == "A"


def test_an_unused_column_is_a_stored_warning(tmp_path):
    rows = [["Asiakasnumero", *ITEMS, "Huomiot"], ["K1", *answers(1)[0], "kiitos"]]
    ctx = context(write_csv(tmp_path / "u.csv", rows))
    [issue] = run_one(checks.check_unused_columns, ctx).warnings
    assert (issue.code, issue.column, issue.header) == ("column-unused", "AB", "Huomiot")
    assert ctx.stored_warnings == [{"code": "column-unused", "column": "AB", "header": "Huomiot"}]


def test_a_discarded_response_is_counted_in_the_stored_warnings(tmp_path):
    sparse = ["", *[""] * 20, *answers(1)[0][:5]]
    rows = [["Asiakasnumero", *ITEMS], ["K1", *answers(1)[0]], ["K2", *sparse[1:]]]
    ctx = context(write_csv(tmp_path / "s.csv", rows))
    report = run_one(checks.check_discarded, ctx)
    assert [(i.code, i.row) for i in report.warnings] == [("response-discarded", 3)]
    assert ctx.stored_warnings == [{"code": "response-discarded", "count": 1}]


def test_a_row_with_an_unquoted_delimiter(tmp_path):
    rows = [["Asiakasnumero", *ITEMS, "Palaute"]]
    rows += [[f"K{i}", *a, "hyvä"] for i, a in enumerate(answers(3))]
    rows[2][-1] = "kiitos; 5"
    ctx = context(write_csv(tmp_path / "r.csv", rows))
    [issue] = run_one(checks.check_rows_aligned, ctx).errors
    assert (issue.code, issue.row) == ("row-misaligned", 3)


@pytest.mark.parametrize("check", checks.ITEM_CHECKS, ids=lambda c: c.__name__)
def test_a_clean_file_passes_every_item_check(tmp_path, check):
    rows = [["Asiakasnumero", *ITEMS]] + [[f"K{i}", *a] for i, a in enumerate(answers(3))]
    ctx = context(write_csv(tmp_path / "ok.csv", rows))
    assert run_one(check, ctx).issues == []
