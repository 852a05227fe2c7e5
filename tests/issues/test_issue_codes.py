"""One vocabulary of issue codes: every code the package reports is a member of IssueCode,
and an unknown code cannot be reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import evaltool
from evaltool.issues import CODES, Issue, IssueCode, ValidationReport

PACKAGE = Path(evaltool.__file__).parent
#: A code written as a string where issues are made: report.error("…"), ReadError(…, "…").
_CODE_ARG = re.compile(
    r"""(?:\.(?:error|warning)\(|\.add\(|Error\([^()]*?,\s*)\s*["']([a-z]+(?:-[a-z]+)+)["']"""
)


def test_every_code_in_the_package_is_in_the_enum():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used.update(_CODE_ARG.findall(path.read_text(encoding="utf-8")))
    assert used and used <= set(CODES), sorted(used - set(CODES))


def test_members_are_their_code_text_with_a_meaning():
    assert IssueCode.ID_MISSING == "id-missing" and f"{IssueCode.ID_MISSING}" == "id-missing"
    assert IssueCode("no-items").meaning == CODES["no-items"]
    assert all(code.meaning for code in IssueCode)
    assert json.dumps([IssueCode.FILE_EMPTY]) == '["file-empty"]'


def test_codes_is_read_only():
    with pytest.raises(TypeError):
        CODES["made-up"] = "a new code"  # type: ignore[index]


def test_an_unknown_code_or_severity_is_refused():
    report = ValidationReport()
    with pytest.raises(ValueError, match="unknown issue code 'id-mising'"):
        report.error("id-mising", "a typo")
    with pytest.raises(ValueError, match="severity"):
        report.add("id-missing", "fatal", "no such severity")
    assert report.issues == []


def test_a_code_given_as_text_is_stored_as_the_member():
    issue = ValidationReport().warning("column-unused", "column not used", column="B")
    assert issue.code is IssueCode.COLUMN_UNUSED
    assert Issue("file-empty", "error", "empty").code is IssueCode.FILE_EMPTY


def test_the_record_is_the_one_shape_of_an_issue():
    report = ValidationReport()
    report.error(
        IssueCode.DATE_INVALID,
        "not a date",
        file="a.csv",
        sheet=None,
        row=3,
        column="B",
        header="Pvm",
        value="eilen",
    )
    record = report.issues[0].to_record()
    assert list(record) == [
        "code",
        "severity",
        "message",
        "file",
        "sheet",
        "row",
        "column",
        "header",
        "value",
    ]
    assert type(record["code"]) is str and record["code"] == "date-invalid"
    assert json.loads(report.to_json())["issues"] == [record]
    assert report.to_frame().iloc[0]["code"] == "date-invalid"
