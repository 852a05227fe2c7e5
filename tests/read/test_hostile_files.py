"""Damaged and hostile files are refused with a message naming the file (exit 2), and real
exports with unusual line ends or dates are read: one test per way a reader once crashed,
printed a traceback or imported something wrong."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from layout_fixtures import FIXTURES

from evaltool.read import ReadError, read_raw, spss, xlsx_parts

KEVAT = ["--instrument", "kevat-client", "--project", "Polku", "--wave", "1"]


def _fixture(tmp_path: Path, name: str) -> Path:
    fx = FIXTURES[name]
    path = tmp_path / fx.filename
    fx.write(path)
    return path


def _rewrite_member(src: Path, dst: Path, member: str, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == member else data)


def _stray(ref: str):
    row = "".join(ch for ch in ref if ch.isdigit())
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    return lambda data: data.replace(b"</sheetData>", cell.encode() + b"</sheetData>")


def _import_cli(tmp_path: Path, path: Path) -> subprocess.CompletedProcess:
    """The CLI in a child process, so that a native crash is an exit status, not the end of
    the test run."""
    ws = tmp_path / "ws"
    if not ws.exists():
        subprocess.run([sys.executable, "-m", "evaltool.cli", "init", str(ws)], check=True)
    cmd = [sys.executable, "-m", "evaltool.cli", "import", "clients", str(path), "-w", str(ws)]
    return subprocess.run(cmd + KEVAT, capture_output=True, text=True, timeout=300)


def test_a_sav_that_crashes_the_native_reader_is_an_exit_2_error(tmp_path: Path):
    path = _fixture(tmp_path, "spss")
    data = bytearray(path.read_bytes())
    data[2625] = 228  # one changed byte: ReadStat dies of a segmentation fault on it
    damaged = tmp_path / "damaged.sav"
    damaged.write_bytes(bytes(data))
    result = _import_cli(tmp_path, damaged)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "damaged.sav" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_crashing_sav_leaves_the_reader_usable(tmp_path: Path):
    path = _fixture(tmp_path, "spss")
    data = bytearray(path.read_bytes())
    data[2625] = 228
    damaged = tmp_path / "damaged.sav"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"damaged\.sav: the SPSS file is damaged"):
        read_raw(damaged)
    assert read_raw(path).cells.iloc[1, 0] == "A001"  # a new child reads the next file


def test_a_sav_read_in_the_child_matches_one_read_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _fixture(tmp_path, "spss")
    isolated = read_raw(path)
    monkeypatch.setattr(spss, "ISOLATE", False)
    here = read_raw(path)
    pd.testing.assert_frame_equal(isolated.cells, here.cells)
    assert isolated.value_labels == here.value_labels
    assert isolated.missing_codes == here.missing_codes


def _sav_with_dates(path: Path, values: list[float]) -> None:
    import pyreadstat

    frame = pd.DataFrame({"id": [f"A{k}" for k in range(len(values))], "pvm": values, "q1": 3.0})
    pyreadstat.write_sav(frame, str(path), variable_format={"pvm": "DATETIME20"})


def _spss_seconds(text: str) -> float:
    origin = np.datetime64("1582-10-14T00:00:00", "s")
    return float((np.datetime64(text, "s") - origin).astype(np.int64))


def test_far_future_and_impossible_sav_dates_are_read(tmp_path: Path):
    path = tmp_path / "dates.sav"
    values = [
        _spss_seconds("2024-03-16T10:31:00"),
        _spss_seconds("2999-12-31T00:00:00"),  # beyond pandas' nanosecond timestamps
        1e15,  # some 31 million years
    ]
    _sav_with_dates(path, values)
    cells = read_raw(path).cells
    assert cells[1].tolist() == [
        "pvm",
        "2024-03-16 10:31:00",
        "2999-12-31",
        "+31690320-01-01 (not a date)",
    ]


def test_a_sav_date_column_without_any_possible_date_is_read(tmp_path: Path):
    path = tmp_path / "dates.sav"
    _sav_with_dates(path, [1e15, -1e15])
    late, early = read_raw(path).cells[1].tolist()[1:]
    assert late == "+31690320-01-01 (not a date)"
    assert early.startswith("-3168715") and early.endswith(" (not a date)")


def test_an_impossible_sav_date_is_a_validation_issue_naming_variable_and_case(tmp_path: Path):
    from evaltool.errors import ImportFailed
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.store.workspace import Workspace

    path = tmp_path / "dates.sav"
    _sav_with_dates(path, [_spss_seconds("2024-03-16T10:31:00"), 1e15])
    ws = Workspace.init(tmp_path / "ws")
    try:
        with pytest.raises(ImportFailed) as info:
            import_clients(
                ws,
                [path],
                ClientImportOptions(
                    instrument="whoqol-bref", project="Polku", wave=1, date_column="pvm"
                ),
            )
    finally:
        ws.close()
    dates = [i for i in info.value.report.errors if i.code == "date-invalid"]
    assert dates and dates[0].row == 2 and dates[0].header == "pvm"


def test_a_stray_cell_at_xfd1048576_without_dimension_is_refused_in_process(tmp_path: Path):
    src = _fixture(tmp_path, "webropol_xlsx")
    path = tmp_path / "stray.xlsx"
    _rewrite_member(src, path, "xl/worksheets/sheet1.xml", _stray("XFD1048576"))
    result = _import_cli(tmp_path, path)
    assert result.returncode == 2, result.stderr[-2000:]
    out = result.stdout + result.stderr
    assert "XFD1048576" in out and "Vastaukset" in out


@pytest.mark.parametrize("ref", ["A1048576", "B5000"])
def test_a_stray_value_far_below_the_table_is_not_a_respondent(tmp_path: Path, ref: str):
    src = _fixture(tmp_path, "webropol_xlsx")
    path = tmp_path / "stray.xlsx"
    _rewrite_member(src, path, "xl/worksheets/sheet1.xml", _stray(ref))
    with pytest.raises(ReadError, match=rf"sheet 'Vastaukset' has a cell at {ref} far below") as e:
        read_raw(path)
    assert e.value.sheet == "Vastaukset" and e.value.code == "file-corrupt"


def test_a_stray_value_far_right_of_the_table_is_named(tmp_path: Path):
    src = _fixture(tmp_path, "webropol_xlsx")
    path = tmp_path / "stray.xlsx"
    _rewrite_member(src, path, "xl/worksheets/sheet1.xml", _stray_in_row_1("XFD1"))
    with pytest.raises(ReadError, match=r"cell at XFD1 far right of the data"):
        read_raw(path)


def _stray_in_row_1(ref: str):
    cell = f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    return lambda data: data.replace(b"</row>", cell.encode(), 1)


def test_formatting_only_cells_far_away_are_not_stray(tmp_path: Path):
    src = _fixture(tmp_path, "webropol_xlsx")
    path = tmp_path / "styled.xlsx"
    styled = b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    _rewrite_member(
        src, path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", styled)
    )
    assert read_raw(path).cells.shape == read_raw(src).cells.shape


def test_a_corrupt_deflate_stream_names_the_file_and_member(tmp_path: Path):
    path = _fixture(tmp_path, "webropol_xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(40, 60):
        data[start + k] ^= 0x55
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"damaged\.xlsx: .*part xl/worksheets/sheet1\.xml"):
        read_raw(damaged)


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/styles.xml"])
def test_a_document_type_declaration_is_refused(tmp_path: Path, member: str):
    src = _fixture(tmp_path, "webropol_xlsx")
    path = tmp_path / "laughs.xlsx"
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;">]>'
    _rewrite_member(src, path, member, lambda d: dtd + d)
    with pytest.raises(ReadError, match=rf"laughs\.xlsx: the workbook part {member} declares"):
        read_raw(path)


def test_the_sheet_scan_costs_a_fraction_of_the_engines_time(tmp_path: Path):
    """The scan's first pass stays on a normal sheet (no cell-by-cell pass)."""
    from evaltool.testing import write_xlsx

    rows = [[f"h{j}" for j in range(30)]] + [[i * j for j in range(30)] for i in range(3000)]
    path = tmp_path / "big.xlsx"
    write_xlsx(path, rows)
    first = xlsx_parts._FirstPass()
    with zipfile.ZipFile(path) as zf:
        for buf, end in xlsx_parts._pieces(zf, path, "xl/worksheets/sheet1.xml"):
            if not first.rows:
                first.prefix, first.quote = xlsx_parts._tag_prefix(buf[:65536])
            first.feed(buf, end)
    assert len(first.rows) == 3001 and first.max_col == 30
    assert not first.needs_cells(20_000_000)


def _csv_text(rows: list[list[str]], end: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=end).writerows(rows)
    return buf.getvalue()


def test_cr_cr_lf_line_ends_are_one_line_end(tmp_path: Path):
    src = _fixture(tmp_path, "qualtrics")
    path = tmp_path / "crcrlf.csv"
    path.write_bytes(src.read_bytes().replace(b"\r\n", b"\r\r\n"))
    a, b = read_raw(src), read_raw(path)
    assert b.cells.shape == a.cells.shape
    pd.testing.assert_frame_equal(a.cells, b.cells)


def test_a_lone_cr_in_a_row_with_an_extra_field_is_not_a_traceback(tmp_path: Path):
    path = tmp_path / "cr.csv"
    path.write_text("id,q1,q2\nA1,1,2\nA\r2,3,4,extra\nA3,5,6\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.cells[0].tolist() == ["id", "A1", "A", "2", "A3"]
    assert raw.field_counts.tolist() == [3, 3, 1, 4, 3]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_longer_than_the_limit_names_row_and_column(tmp_path: Path, quoted: bool):
    long = "x," * 600 if quoted else "x" * 1500
    cell = f'"{long}"' if quoted else long
    path = tmp_path / "long.csv"
    path.write_text(f"id;q1;open\nA1;3;ok\nA2;4;{cell}\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"long\.csv: row 3, column C: .*more than 1,000 char"):
        read_raw(path, max_cell_chars=1000)
    assert read_raw(path).cells.iloc[2, 2] == long  # the default limit is 1 MB


def test_the_default_cell_limit_is_one_million_characters():
    from evaltool.read import MAX_CELL_CHARS

    assert MAX_CELL_CHARS == 1_000_000


def test_values_beyond_the_header_are_an_error_naming_row_and_columns(tmp_path: Path):
    from evaltool.errors import ImportFailed
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.store.workspace import Workspace

    header = ["id"] + [f"q{k}" for k in range(1, 27)]
    row = ["A1"] + ["3"] * 26 + ["x1", "x2", "x3", "x4"]
    path = tmp_path / "extra.csv"
    path.write_text(_csv_text([header, row], "\r\n"), encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws")
    try:
        with pytest.raises(ImportFailed) as info:
            import_clients(ws, [path], ClientImportOptions(project="Polku", wave=1))
    finally:
        ws.close()
    errors = [i for i in info.value.report.errors if i.code == "row-misaligned"]
    assert errors and errors[0].row == 2 and errors[0].column == "AB"


def test_a_cell_outside_the_worksheet_grid_is_refused(tmp_path: Path):
    src = _fixture(tmp_path, "zef")
    path = tmp_path / "outside.xlsx"
    _rewrite_member(src, path, "xl/worksheets/sheet1.xml", _stray("K99999999999999999999"))
    with pytest.raises(ReadError, match=r"cell outside a worksheet's grid \(K9999"):
        read_raw(path)


@pytest.mark.parametrize("version", [b"\x14\x00", b"\xa3\x00"])
def test_a_zip_directory_of_an_unknown_version_is_a_damaged_container(tmp_path: Path, version):
    path = _fixture(tmp_path, "zef")
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 6 : central + 8] = version  # version needed to extract
    damaged = tmp_path / "version.xlsx"
    damaged.write_bytes(bytes(data))
    if version == b"\x14\x00":
        assert read_raw(damaged).cells.size  # 2.0 is what every writer puts
    else:
        with pytest.raises(ReadError, match=r"version\.xlsx: damaged zip container"):
            read_raw(damaged)


@pytest.mark.parametrize(
    "cell",
    [
        "<c r='XFD5' t=\"inlineStr\"><is><t>x</t></is></c>",  # quoted unlike the rest
        '<c r = "XFD5" t="inlineStr"><is><t>x</t></is></c>',  # spaced
        '<x:c r="XFD5" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>',  # prefixed
    ],
)
def test_a_stray_cell_written_unusually_is_still_found(tmp_path: Path, cell: str):
    src = _fixture(tmp_path, "webropol_xlsx")
    path = tmp_path / "odd.xlsx"
    _rewrite_member(
        src, path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</row>", cell.encode(), 1)
    )
    with pytest.raises(ReadError, match=r"cell at XFD5 far right"):
        read_raw(path)
