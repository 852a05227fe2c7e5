"""Survey-tool layouts: every synthetic export is recognised without ``--layout`` and
imported value by value as its known truth (``tests/layout_fixtures.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
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
    expected,
    stored,
    write_limesurvey_codes,
)

from evaltool import layouts
from evaltool import read as readers
from evaltool.errors import ImportFailed
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.layouts.headers import split_grid_headers
from evaltool.layouts.table import ColumnInfo
from evaltool.mapping.columns import map_columns
from evaltool.mapping.fields import decode_fields, option_lookup, split_multi
from evaltool.scoring.rules import score
from evaltool.store.workspace import Workspace

NAMES = sorted(FIXTURES)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for name, fx in FIXTURES.items():
        out[name] = folder / fx.filename
        fx.write(out[name])
    return out


@pytest.fixture(scope="module")
def imported(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each fixture imported without hints into its own workspace: (result, stored)."""
    out = {}
    for name, path in files.items():
        ws = Workspace.init(tmp_path_factory.mktemp(f"ws-{name}"))
        try:
            result = import_clients(
                ws, [path], ClientImportOptions(instrument=INSTRUMENT, project="Polku", wave=1)
            )
            out[name] = (result, stored(ws))
        finally:
            ws.close()
    return out


@pytest.mark.parametrize("name", NAMES)
def test_layout_recognised_without_hint(name: str, files: dict[str, Path]):
    fx: Fixture = FIXTURES[name]
    raw = readers.read_raw(files[name])
    tidy = layouts.recognise(raw)
    assert tidy.layout == fx.layout
    assert tidy.header_rows == fx.header_rows
    assert tidy.n_respondents == len(TRUTH)
    assert len(tidy.dropped) == fx.dropped
    if fx.encoding:
        assert raw.encoding == fx.encoding
    if fx.delimiter:
        assert raw.delimiter == fx.delimiter
    # The best layout wins clearly: no other layout comes within the ambiguity margin.
    scores = list(tidy.layout_scores.values())
    assert scores[1] < layouts.AMBIGUOUS_FLOOR or (
        scores[0] - scores[1] >= layouts.AMBIGUOUS_MARGIN
    )


@pytest.mark.parametrize("name", NAMES)
def test_import_matches_truth_value_by_value(name: str, imported: dict):
    fx = FIXTURES[name]
    result, got = imported[name]
    assert result.files[0].layout == fx.layout
    assert sorted(got) == IDS
    for r in TRUTH:
        want = expected(r, fx)
        have = got[r.id]
        for code in ITEMS:
            assert have["items"][code] == want["items"][code], (name, r.id, code)
        assert have["fields"] == want["fields"], (name, r.id)
        assert have["date"] == want["date"], (name, r.id)
        assert have["incomplete"] == want["incomplete"], (name, r.id)


@pytest.mark.parametrize("name", NAMES)
def test_import_finds_every_item_and_stores_no_identifier(name: str, imported: dict):
    result, _ = imported[name]
    details = result.files[0].details
    assert sorted(details["item_columns"]) == sorted(ITEMS)
    assert details["unplaced"] == []
    codes = {i.code for i in result.report.issues}
    assert "items-unplaced" not in codes and "unknown-label" not in codes


def test_dont_know_and_skipped_keep_their_reason(imported: dict):
    for name in NAMES:
        got = imported[name][1]
        reasons = got["A002"]["reasons"]
        assert reasons["p3"] == "d" and reasons["e5"] == "d", name
        assert got["A003"]["reasons"]["p7"] == "s", name
    # SPSS: 9 is a declared "no answer" code, kept apart from a skipped cell.
    assert imported["spss"][1]["A003"]["reasons"]["e8"] == "m"


def test_scores_are_block_means_on_0_100(imported: dict):
    _, got = imported["google_forms"]
    a001 = [v for c, v in got["A001"]["items"].items() if c.startswith("p")]
    values = np.array(
        [
            [got[i]["items"][c] if isinstance(got[i]["items"][c], int) else np.nan for c in ITEMS]
            for i in IDS
        ],
        dtype=float,
    )
    sc = score(values, KEVAT)
    assert sc.loc[0, "participation"] == pytest.approx((np.mean(a001) - 1) * 25)
    # A004 answered 4 participation statements (enough) and no effects statement.
    assert sc.loc[3, "participation"] == pytest.approx((np.mean([2, 2, 3, 1]) - 1) * 25)
    assert np.isnan(sc.loc[3, "effects"])


def test_direct_identifiers_are_never_stored(files: dict[str, Path], tmp_path: Path):
    ws = Workspace.init(tmp_path / "ws")
    try:
        for name in ("google_forms", "surveymonkey", "zef", "ms_forms", "qualtrics"):
            import_clients(
                ws, [files[name]], ClientImportOptions(instrument=INSTRUMENT, project=name, wave=1)
            )
        dump = "\n".join(ws.conn.iterdump())
    finally:
        ws.close()
    for secret in ("@example.org", "198.51.100.", "Maija-Testi", "Virtanen-Testi"):
        assert secret not in dump


def test_qualtrics_drops_preview_and_spam_and_flags_unfinished(files, imported):
    tidy = layouts.recognise(readers.read_raw(files["qualtrics"]))
    reasons = [r for _, r in tidy.dropped]
    assert any("survey preview" in r for r in reasons)
    assert any("spam" in r for r in reasons)
    assert [row for row, _ in tidy.dropped] == [4, 8]
    assert tidy.timezone == "Europe/Helsinki"
    result, _ = imported["qualtrics"]
    warned = [i for i in result.report.warnings if i.code == "response-incomplete"]
    assert [i.row for i in warned] == [9]


def test_complete_only_drops_unfinished(files: dict[str, Path], tmp_path: Path):
    ws = Workspace.init(tmp_path / "ws")
    try:
        import_clients(
            ws,
            [files["limesurvey"]],
            ClientImportOptions(instrument=INSTRUMENT, project="P", wave=1, complete_only=True),
        )
        got = stored(ws)
    finally:
        ws.close()
    assert sorted(got) == [i for i in IDS if i != "A004"]


def test_plain_sheet_title_group_headers_and_footers(files: dict[str, Path]):
    tidy = layouts.recognise(readers.read_raw(files["plain"]))
    assert tidy.header_row == 4  # the group row; the column headers are on row 5
    assert [reason for _, reason in tidy.dropped] == [
        "footer row (Keskiarvo)",
        "footer row (Yhteensä)",
    ]
    stems = {c.stem for c in tidy.columns.values() if c.stem}
    assert stems == {"Osallistuminen ja ohjaus", "Koetut vaikutukset"}
    assert list(tidy.rows) == [6, 7, 8, 9, 10, 11]


def test_open_answers_survive_exactly(imported: dict):
    for name in ("google_forms", "webropol_xlsx", "limesurvey", "spss", "surveymonkey"):
        got = imported[name][1]
        assert got["A001"]["fields"]["bad"] == "=) ei mitään huonoa", name
        assert got["A002"]["fields"]["good"] == '"Paja" oli paras.\nToinen rivi: 5/5', name
        assert got["A002"]["fields"]["bad"] == "- liian vähän ohjaajia", name
        assert got["A003"]["fields"]["good"] == "@ohjaaja oli tosi hyvä 👍", name
        assert "bad" not in got["A003"]["fields"], name  # whitespace-only is empty
        assert got["A005"]["fields"]["good"] == "+ plussaa: ryhmä", name


def test_ambiguous_layout_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "both.csv"
    # Google's first column and MS Forms' leading columns at once cannot both hold.
    path.write_text(
        "Timestamp,ID,Start time,Completion time,Email,Name,q1\n"
        "2024-01-01,1,2024-01-01,2024-01-01,a,b,3\n",
        encoding="utf-8",
    )
    with pytest.raises(layouts.LayoutError, match="--layout"):
        layouts.recognise(readers.read_raw(path))
    ws = Workspace.init(tmp_path / "ws")
    try:
        with pytest.raises(ImportFailed) as exc:
            import_clients(
                ws, [path], ClientImportOptions(instrument=INSTRUMENT, project="P", wave=1)
            )
        issue = exc.value.report.errors[0]
        assert issue.code == "layout-ambiguous" and issue.file == "both.csv"
        assert "--layout google_forms" in issue.message or "--layout ms_forms" in issue.message
        tidy = layouts.recognise(readers.read_raw(path), "ms_forms")
        assert tidy.layout == "ms_forms"
    finally:
        ws.close()


def test_unplaced_answer_columns_are_errors_naming_the_mapping_option(tmp_path: Path):
    path = tmp_path / "codes.csv"
    write_limesurvey_codes(path)
    # Only the E grid is named (by a mapping); the P grid of code headings could be either
    # 8-statement block: it is not guessed.
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[columns]\n"
        + "".join(f'"E[SQ{k:03d}]" = "e{k}"\n' for k in range(1, 9))
        + "".join(f'"G{k}" = "skip"\n' for k in range(1, 6)),
        encoding="utf-8",
    )
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame[
        [c for c in frame.columns if not c.startswith("P[")]
        + [c for c in frame.columns if c.startswith("P[")]
    ]
    frame.columns = [c.replace("P[", "X[") for c in frame.columns]
    frame.to_csv(path, sep=";", index=False)
    ws = Workspace.init(tmp_path / "ws")
    try:
        with pytest.raises(ImportFailed) as exc:
            import_clients(
                ws,
                [path],
                ClientImportOptions(instrument=INSTRUMENT, project="P", wave=1, mapping=mapping),
            )
        errors = {i.header: i for i in exc.value.report.errors if i.code == "items-unplaced"}
        assert sorted(errors) == [f"X[SQ{k:03d}]" for k in range(1, 9)]
        first = errors["X[SQ001]"]
        assert first.column == "T" and first.file == "codes.csv"
        assert "--mapping" in first.message and "p1, p2" in first.message
        # Nothing placed at all: one no-items error that lists the candidate columns.
        with pytest.raises(ImportFailed) as exc:
            import_clients(
                ws, [path], ClientImportOptions(instrument="whoqol-bref", project="P", wave=1)
            )
        assert [i.code for i in exc.value.report.errors] == ["no-items"]
        assert "--mapping" in exc.value.report.errors[0].message
    finally:
        ws.close()


def test_code_headings_place_by_grid_position_or_mapping(tmp_path: Path):
    path = tmp_path / "codes.csv"
    write_limesurvey_codes(path)
    tidy = layouts.recognise(readers.read_raw(path))
    assert tidy.layout == "limesurvey"
    placement = map_columns(tidy, KEVAT)
    assert [placement.items.get(p) for p in sorted(placement.items)] == ITEMS
    assert set(placement.how[p] for p in placement.items) == {"position"}
    # A mapping file overrides: here the two grids are named the other way round.
    mapping = {f"P[SQ{k:03d}]": f"e{k}" for k in range(1, 9)}
    mapping |= {f"E[SQ{k:03d}]": f"p{k}" for k in range(1, 9)}
    mapping |= {"G1": "gender", "G5": "service_type"}
    placement = map_columns(tidy, KEVAT, mapping)
    by_header = {tidy.headers[p]: c for p, c in placement.items.items()}
    assert by_header["P[SQ003]"] == "e3" and by_header["E[SQ008]"] == "p8"
    assert {tidy.headers[p]: f for p, f in placement.fields.items()} == {
        "G1": "gender",
        "G5": "service_type",
    }
    fields, problems = decode_fields(tidy, placement, KEVAT)
    assert problems == []
    genders = fields[fields["field"] == "gender"]["value"].tolist()
    assert genders == [r.background["gender"] for r in TRUTH]


def test_mapping_file_errors_are_reported(tmp_path: Path):
    path = tmp_path / "codes.csv"
    write_limesurvey_codes(path)
    tidy = layouts.recognise(readers.read_raw(path))
    placement = map_columns(tidy, KEVAT, {"P[SQ001]": "p99", "Nope": "p1", "G2": "goals:nothing"})
    assert any("'p99' is neither an item" in m for m in placement.problems)
    assert any("goals has no option" in m for m in placement.problems)
    assert any("'Nope'" in m for m in placement.warnings)


def test_grid_headers_split_on_shared_stems():
    heads = [
        "Q [A]",
        "Kysymys - Väite 1",
        "Kysymys - Väite 2",
        "Aihe:yksi",
        "Aihe:kaksi",
        "Kello 10:31",
        "Yksinäinen - otsikko",
        "Tavoitteet - Selected Choice - Työ",
        "Tavoitteet - Selected Choice - Koulu",
    ]
    cols = {k: ColumnInfo(k, h) for k, h in enumerate(heads)}
    split_grid_headers(cols)
    got = [(c.stem, c.sub) for c in cols.values()]
    assert got == [
        ("Q", "A"),
        ("Kysymys", "Väite 1"),
        ("Kysymys", "Väite 2"),
        ("Aihe", "yksi"),
        ("Aihe", "kaksi"),
        (None, None),
        (None, None),
        ("Tavoitteet", "Työ"),
        ("Tavoitteet", "Koulu"),
    ]


def test_multi_select_split_against_known_options():
    lookup = option_lookup(KEVAT.fields[5])
    assert split_multi("Työllistyminen, Ryhmätoiminta, vertaistuki", lookup) == (
        ["work", "peer_support"],
        [],
    )
    assert split_multi("Ryhmätoiminta, vertaistuki;Päivärytmi;", lookup) == (
        ["peer_support", "routine"],
        [],
    )
    assert split_multi("päivärytmi,  OPISKELU TAI KOULUTUS", lookup) == (["routine", "studies"], [])
    assert split_multi("Työllistyminen, jotain muuta", lookup) == (["work"], ["jotain muuta"])


def test_whoqol_grid_with_own_wording_is_placed_by_position(tmp_path: Path):
    """Statements that are not the instrument's labels: a single grid of 26 columns is placed
    item by item in order."""
    rows = [
        ["Aikaleima", "Asiakastunnus"]
        + [f"Elämänlaatu [Kysymys numero {k} omin sanoin]" for k in range(1, 27)]
    ]
    for i in range(3):
        rows.append(
            ["2024/03/13 06:40:04 PM GMT+2", f"K{i}"] + [str((k + i) % 5 + 1) for k in range(26)]
        )
    path = tmp_path / "google.csv"
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(path, index=False)
    tidy = layouts.recognise(readers.read_raw(path))
    from evaltool.instruments import load_instrument

    who = load_instrument("whoqol-bref")
    placement = map_columns(tidy, who)
    assert [placement.items[p] for p in sorted(placement.items)] == who.item_codes
    assert placement.how[2] == "position"


def test_tool_codes_and_labels_decode(files: dict[str, Path]):
    tidy = layouts.recognise(readers.read_raw(files["limesurvey"]))
    cells = tidy.data.to_numpy().ravel().tolist()
    assert "A5" in cells and "EOS" in cells and "Y" in cells
    assert DK == "dk"


def test_webropol_with_two_header_rows(tmp_path: Path):
    """A question row above statements (the question only over the first column of its
    block) and single-row columns such as ``Vastausaika``."""
    from layout_fixtures import _write_xlsx, block_label, item_label

    row1 = ["Vastausaika", "Asiakastunnus", "Sukupuoli", block_label("participation")]
    row1 += [""] * 7
    row2 = ["", "", ""] + [item_label(c) for c in ITEMS[:8]]
    rows = [row1, row2]
    for r in TRUTH:
        rows.append(
            [
                f"{r.when.day}.{r.when.month}.{r.when.year} {r.when.hour}:{r.when.minute:02d}",
                r.id,
                {
                    "female": "Nainen",
                    "male": "Mies",
                    "other": "Muu",
                    "undisclosed": "En halua sanoa",
                }[r.background["gender"]],
            ]
            + [
                ("" if r.items[c] is None else 6 if r.items[c] == DK else r.items[c])
                for c in ITEMS[:8]
            ]
        )
    path = tmp_path / "webropol2.xlsx"
    _write_xlsx(path, rows, "Vastaukset")
    tidy = layouts.recognise(readers.read_raw(path))
    assert tidy.layout == "webropol" and tidy.header_rows == 2
    assert tidy.metadata["respondent_id"] == 1 and tidy.metadata["timestamp"] == 0
    placement = map_columns(tidy, KEVAT)
    assert [placement.items[p] for p in sorted(placement.items)] == ITEMS[:8]
    assert placement.fields == {2: "gender"}
