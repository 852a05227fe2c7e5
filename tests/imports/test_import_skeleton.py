"""The import skeleton on a toy kind of import: re-import, replace, failure, provenance with
the warnings as issue records, files read ahead in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltool.errors import ImportFailed
from evaltool.imports.skeleton import (
    FileResult,
    ImportPlan,
    Prepared,
    Source,
    gc_paused,
    run_import,
)
from evaltool.issues import IssueCode, ValidationReport


class LineImport(ImportPlan):
    """Files of text lines; an empty line is a warning, a line ``bad`` an error."""

    kind = "lines"

    def __init__(self, replace: bool = False, read_threads: int = 0):
        self.replace = replace
        self.read_threads = read_threads
        self.prepared: list[str] = []
        self.stored: dict[int, list[str]] = {}
        self.began = 0

    def scope(self, path: Path) -> str:
        return "lines"

    def read(self, path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines()

    def prepare(self, source: Source, raw, report: ValidationReport) -> Prepared | None:
        self.prepared.append(source.path.name)
        lines = raw.result() if raw is not None else self.read(source.path)
        for row, line in enumerate(lines, start=1):
            if line == "bad":
                report.error(
                    IssueCode.VALUE_OUT_OF_RANGE,
                    "a bad line",
                    file=source.path.name,
                    row=row,
                    value=line,
                )
            elif not line:
                report.warning("rows-dropped", "an empty line", file=source.path.name, row=row)
        kept = [line for line in lines if line]
        return Prepared(
            source,
            {
                "rows_read": len(lines),
                "rows_stored": len(kept),
                "rows_rejected": len(lines) - len(kept),
            },
            kept,
        )

    def begin(self, ws) -> None:
        self.began += 1

    def store(self, ws, prepared: Prepared, import_id: int) -> None:
        self.stored[import_id] = prepared.content

    def result(self, prepared: Prepared, import_id: int, status: str) -> FileResult:
        return FileResult(
            prepared.source.path,
            import_id,
            status,
            rows_read=prepared.record["rows_read"],
            rows_stored=prepared.record["rows_stored"],
        )


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_records_provenance_with_its_warnings_as_issue_records(ws, tmp_path):
    path = write(tmp_path / "a.txt", "x", "", "y")
    plan = LineImport()
    result = run_import(ws, plan, [path])
    assert (result.status, result.rows_read, result.rows_stored) == ("imported", 3, 2)
    assert plan.stored == {result.import_id: ["x", "y"]} and plan.began == 1
    imp = ws.imports().iloc[0]
    assert (imp["kind"], imp["source_name"], imp["scope"]) == ("lines", "a.txt", "lines")
    assert json.loads(imp["warnings"]) == [
        {
            "code": "rows-dropped",
            "severity": "warning",
            "message": "an empty line",
            "file": "a.txt",
            "sheet": None,
            "row": 2,
            "column": None,
            "header": None,
            "value": None,
        }
    ]


def test_the_same_file_again_is_not_read_unless_replaced(ws, tmp_path):
    path = write(tmp_path / "a.txt", "x")
    first = run_import(ws, LineImport(), [path])
    again = LineImport()
    result = run_import(ws, again, [path])
    assert (result.status, result.import_id) == ("unchanged", first.import_id)
    assert "already imported as import" in result.message and again.prepared == []
    replaced = run_import(ws, LineImport(replace=True), [path])
    assert replaced.status == "replaced" and replaced.import_id != first.import_id
    assert ws.imports()["id"].tolist() == [replaced.import_id]


def test_an_error_stores_nothing(ws, tmp_path):
    good, bad = write(tmp_path / "good.txt", "x"), write(tmp_path / "bad.txt", "x", "bad")
    plan = LineImport()
    with pytest.raises(ImportFailed) as info:
        run_import(ws, plan, [good, bad])
    [issue] = info.value.report.errors
    assert (issue.code, issue.file, issue.row) == ("value-out-of-range", "bad.txt", 2)
    assert "1 error(s); nothing was stored" in str(info.value)
    assert plan.stored == {} and plan.began == 0 and ws.imports().empty


def test_a_file_that_cannot_be_read(ws, tmp_path):
    with pytest.raises(ImportFailed) as info:
        run_import(ws, LineImport(), [tmp_path / "missing.txt"])
    [issue] = info.value.report.errors
    assert (issue.code, issue.file) == ("file-unreadable", "missing.txt")


def test_files_read_ahead_are_prepared_and_stored_in_order(ws, tmp_path):
    paths = [write(tmp_path / f"f{k}.txt", f"line {k}") for k in range(5)]
    run_import(ws, LineImport(), paths[:1])
    plan = LineImport(read_threads=2)
    result = run_import(ws, plan, paths)
    assert plan.prepared == [p.name for p in paths[1:]]
    assert [f.status for f in result.files] == ["unchanged"] + ["imported"] * 4
    assert [f.path.name for f in result.files] == [p.name for p in paths]
    assert list(plan.stored.values()) == [[f"line {k}"] for k in range(1, 5)]
    with pytest.raises(ValueError, match="5 files"):
        _ = result.status


def test_the_collector_is_paused_and_restored():
    import gc

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
