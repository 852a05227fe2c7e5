"""The readers' stages: the face still patchable, column letters in the extent guard, the
shared cell → text conversion and the file checks before any parse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from evaltool import read as readers
from evaltool.read import ReadError, cells, sniff, spreadsheet


def test_patching_read_raw_on_the_package_reaches_callers_of_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "a.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    seen = []
    original = readers.read_raw

    def counting(p, *args, **kwargs):
        seen.append(Path(p).name)
        return original(p, *args, **kwargs)

    monkeypatch.setattr(readers, "read_raw", counting)
    from evaltool import read

    assert read.read_raw(path).cells.shape == (2, 2)
    assert seen == ["a.csv"]


@pytest.mark.parametrize(("stray", "letters"), [("AB30", "AB"), ("Z3", "Z"), ("BA2", "BA")])
def test_extent_guard_names_multi_letter_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stray: str, letters: str
):
    wb = Workbook()
    wb.active.append(["id", "q1"])
    wb.active.append(["A1", 3])
    wb.active[stray] = "x"
    wb.save(tmp_path / "stray.xlsx")
    monkeypatch.setattr(spreadsheet, "MAX_SHEET_CELLS", 4)
    with pytest.raises(ReadError, match=rf"column {letters} .*e\.g\. .*{stray}"):
        readers.read_raw(tmp_path / "stray.xlsx")


def test_text_frame_trims_margins_and_empties_blank_and_missing_cells():
    columns = [
        np.array(["a", " ", None, ""], dtype=object),
        np.array([1.0, np.nan, "  x ", ""], dtype=object),
        np.array(["", "", "", ""], dtype=object),
    ]
    frame, filled = cells.text_frame(columns, lambda v: "" if v is None else str(v))
    assert frame.to_numpy().tolist() == [["a", "1.0"], ["", ""], ["", "  x "]]
    assert filled.tolist() == [True, False, True]


def test_trim_cells_empties_whitespace_and_keeps_text_as_written():
    import pandas as pd

    frame = pd.DataFrame({0: [" a ", "\t", ""], 1: ["", "", ""]}, dtype=object)
    assert cells.trim_cells(frame).to_numpy().tolist() == [[" a "]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tyhjä.csv", b"", "the file is empty"),
        ("kuva.csv", b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        ("vastaukset.xlsx", b"id;q1\nA1;3\n", "the name says .xlsx"),
    ],
)
def test_sniff_file_refuses_before_parsing(tmp_path: Path, name: str, content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        sniff.sniff_file(path)


def test_sniff_file_names_the_readable_formats(tmp_path: Path):
    (tmp_path / "a.txt").write_text("a;b\n1;2\n", encoding="utf-8")
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.save(tmp_path / "b.xlsx")
    assert sniff.sniff_file(tmp_path / "a.txt") == "text"
    assert sniff.sniff_file(tmp_path / "b.xlsx") == "xlsx"
