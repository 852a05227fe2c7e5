"""Guards against silent wrong imports: a forgotten --instrument, items placed by an unrelated
number, the same file as another wave, a project name with a typo, a wave that links to
nothing, background fields on an instrument that has none, ages in years, waves that are no
small whole numbers, anonymous surveys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.errors import ImportFailed, UserError
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.store.responses import ANON_PREFIX

USER_SEX = Path(__file__).resolve().parents[1] / "mapping" / "user_sex_instrument.toml"


def write(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, sep=";")
    return path


def answers(n: int, items: list[str], seed: int = 0, prefix: str = "A") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.integers(1, 6, size=(n, len(items))), columns=items)
    frame.insert(0, "id", [f"{prefix}{k:03d}" for k in range(1, n + 1)])
    return frame


def run(ws, path, **opts):
    opts.setdefault("project", "Polku")
    opts.setdefault("wave", 1)
    return import_clients(ws, [path], ClientImportOptions(**opts))


def errors_of(ws, path, **opts) -> list:
    with pytest.raises(ImportFailed) as info:
        run(ws, path, **opts)
    return info.value.report.errors


# --------------------------------------------------------------------------- instruments


def test_a_eurohis_export_without_instrument_names_the_better_one(ws, ws_dir, tmp_path, db_digest):
    path = write(tmp_path / "eurohis.csv", answers(48, [f"q{k}" for k in range(1, 9)]))
    before = db_digest(ws_dir)
    [error] = errors_of(ws, path)  # the default instrument is whoqol-bref
    assert error.code == "instrument-mismatch"
    assert "--instrument eurohis-qol-8" in error.message and "8 of 26" in error.message
    assert db_digest(ws_dir) == before
    assert run(ws, path, instrument="eurohis-qol-8").rows_stored == 48


def test_most_responses_discarded_is_an_error_unless_forced(ws, tmp_path):
    frame = answers(10, [f"q{k}" for k in range(1, 27)]).astype(str)
    frame.loc[:6, [f"q{k}" for k in range(3, 27)]] = ""  # 7 of 10 answer two items only
    path = write(tmp_path / "sparse.csv", frame)
    [error] = errors_of(ws, path)
    assert error.code == "instrument-mismatch" and "7 of 10 responses would be discarded" in (
        error.message
    )
    forced = run(ws, path, force=True)
    assert forced.rows_stored == 10 and forced.file.discarded == 7
    assert "instrument-mismatch" in [w.code for w in forced.report.warnings]


def test_variables_ending_in_a_digit_are_not_items(ws, tmp_path):
    # a hotel survey's v1 … v5 must not become the client-experience survey's p1 … p5
    path = write(tmp_path / "hotel.csv", answers(12, [f"v{k}" for k in range(1, 6)]))
    codes = [e.code for e in errors_of(ws, path, instrument="kevat-client")]
    assert codes == ["no-items"]


# --------------------------------------------------------------------------- files and waves


def test_the_same_file_in_another_project_is_an_error_unless_forced(ws, tmp_path):
    path = write(tmp_path / "w1.csv", answers(8, [f"q{k}" for k in range(1, 27)]))
    run(ws, path)
    [error] = errors_of(ws, path, project="Toinen hanke")
    assert error.code == "file-repeated" and "project Polku, wave 1" in error.message
    assert "--force" in error.message
    assert run(ws, path, project="Toinen hanke", force=True).status == "imported"


def test_a_project_name_close_to_an_existing_one_is_an_error(ws, tmp_path):
    items = [f"q{k}" for k in range(1, 27)]
    run(ws, write(tmp_path / "a.csv", answers(6, items, seed=1)), project="Polku")
    for close in ("polku", " POLKU", "Plku", "Polkku"):
        [error] = errors_of(ws, write(tmp_path / "b.csv", answers(6, items, seed=2)), project=close)
        assert error.code == "project-near-duplicate" and "'Polku'" in error.message, close
    result = run(
        ws, write(tmp_path / "b.csv", answers(6, items, seed=2)), project="polku", new_project=True
    )
    assert result.status == "imported"
    assert "project-near-duplicate" in [w.code for w in result.report.warnings]
    # other projects are not close
    run(ws, write(tmp_path / "c.csv", answers(6, items, seed=3)), project="Polku 2")


def test_a_wave_sharing_no_respondent_is_warned_about(ws, tmp_path):
    items = [f"q{k}" for k in range(1, 27)]
    run(ws, write(tmp_path / "w1.csv", answers(6, items, seed=1, prefix="A")))
    linked = run(ws, write(tmp_path / "w2.csv", answers(6, items, seed=2, prefix="A")), wave=2)
    assert "wave-unlinked" not in [w.code for w in linked.report.warnings]
    other = run(ws, write(tmp_path / "w3.csv", answers(6, items, seed=3, prefix="R")), wave=3)
    [warning] = [w for w in other.report.warnings if w.code == "wave-unlinked"]
    assert "wave 3" in warning.message and "1, 2" in warning.message
    stored = ws.imports()["warnings"].iloc[-1]
    assert "wave-unlinked" in stored


@pytest.mark.parametrize("wave", ["inf", "1e20", "-inf", "nan", "0", "1.5", "1001"])
def test_waves_must_be_small_whole_numbers(ws, tmp_path, wave):
    path = write(tmp_path / "w.csv", answers(5, [f"q{k}" for k in range(1, 27)]))
    [error] = errors_of(ws, path, wave=wave)
    assert error.code == "wave-invalid" and "from 1 to 1000" in error.message


def test_a_wave_cell_inf_is_an_error_with_its_row(ws, tmp_path):
    frame = answers(5, [f"q{k}" for k in range(1, 27)])
    frame.insert(1, "aalto", ["1", "inf", "2", "1e20", "1"])
    path = write(tmp_path / "w.csv", frame)
    errors = errors_of(ws, path, wave=None, wave_column="aalto")
    assert [(e.code, e.row, e.value) for e in errors] == [
        ("wave-invalid", 3, "inf"),
        ("wave-invalid", 5, "1e20"),
    ]


# --------------------------------------------------------------------------- fields


def test_a_user_item_named_sex_is_an_item_and_no_builtin_fields_apply(ws, tmp_path):
    frame = pd.DataFrame(
        {
            "id": [f"U{k}" for k in range(6)],
            "sex": ["1", "2"] * 3,
            "mood": ["3", "4", "5"] * 2,
            "Ikä": ["23", "41", "67"] * 2,
            "Sukupuoli": ["Nainen", "Mies"] * 3,
        }
    )
    result = run(ws, write(tmp_path / "user.csv", frame), instrument=str(USER_SEX))
    assert result.rows_stored == 6
    meta, values = ws.responses("user-sex")
    assert values[:, 0].tolist() == [1.0, 2.0] * 3
    assert ws.fields().empty  # no age_group or gender from another questionnaire
    assert not [w for w in result.report.warnings if "age_group" in w.message]


def test_ages_in_years_become_the_age_groups(ws, tmp_path):
    frame = answers(6, [f"q{k}" for k in range(1, 27)])
    frame.insert(1, "Ikä", ["19", "25", "34", "44", "54", "70"])
    result = run(ws, write(tmp_path / "age.csv", frame))
    [warning] = [w for w in result.report.warnings if w.code == "age-grouped"]
    assert "under 25, 25–34" in warning.message
    fields = ws.fields()
    assert fields[fields["field"] == "age_group"]["value"].tolist() == [
        "under_25",
        "25_34",
        "25_34",
        "35_44",
        "45_54",
        "55_plus",
    ]


# --------------------------------------------------------------------------- files


def test_deep_or_wrong_toml_is_a_clear_error(ws, tmp_path):
    path = write(tmp_path / "w.csv", answers(5, [f"q{k}" for k in range(1, 27)]))
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="deep.toml: arrays or inline tables nested too deep"):
        run(ws, path, mapping=deep)
    dont_know = tmp_path / "dk.toml"
    dont_know.write_text("dont_know = 5\n", encoding="utf-8")
    with pytest.raises(UserError, match="dk.toml: dont_know must be a list of texts"):
        run(ws, path, mapping=dont_know)
    inst = tmp_path / "inst.toml"
    text = USER_SEX.read_text(encoding="utf-8").replace(
        "scale_max = 5", "scale_max = 5\nmissing_codes = 'nine'"
    )
    inst.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match="inst.toml: missing_codes must be a list of numbers"):
        run(ws, path, instrument=str(inst))
    deep_inst = tmp_path / "deep_inst.toml"
    deep_inst.write_text(text + "\ny = " + "{a = " * 500 + "1" + "}" * 500 + "\n")
    with pytest.raises(UserError, match="deep_inst.toml: arrays or inline tables nested"):
        run(ws, path, instrument=str(deep_inst))


# --------------------------------------------------------------------------- anonymous


def test_anonymous_responses_are_stored_unlinked(ws, tmp_path):
    items = [f"q{k}" for k in range(1, 27)]
    first = answers(7, items, seed=1).drop(columns="id")
    second = answers(5, items, seed=2).drop(columns="id")
    with pytest.raises(ImportFailed) as info:
        run(ws, write(tmp_path / "a1.csv", first))
    assert info.value.report.errors[0].code == "id-column-missing"
    r1 = run(ws, write(tmp_path / "a1.csv", first), anonymous=True)
    r2 = run(ws, write(tmp_path / "a2.csv", second), anonymous=True, wave=2)
    assert (r1.rows_stored, r2.rows_stored) == (7, 5)
    assert "anonymous" in r1.summary()
    meta, _ = ws.responses("whoqol-bref")
    assert meta["respondent"].str.startswith(ANON_PREFIX).all()
    assert meta["respondent"].nunique() == 12  # no two responses share a respondent
    assert ws.row_counts(["respondents"]) == {"respondents": 0}  # no source id kept
    options = ws.imports()["options"].tolist()
    assert all('"anonymous": true' in o for o in options)
    assert "wave-unlinked" not in [w.code for w in r2.report.warnings]
    # the same file again is unchanged, as any file
    assert run(ws, tmp_path / "a1.csv", anonymous=True).status == "unchanged"
