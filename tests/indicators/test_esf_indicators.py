# ruff: noqa: E501 — the participant and register files below are data rows, one line each
"""ESF common indicators on a hand-computed data set: by gender, by period, leavers and
non-leavers, a participant counted in several indicators, targets and success rates."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltool.imports.participants import import_participants
from evaltool.imports.register import import_projects
from evaltool.indicators.esf.compute import indicator_table
from evaltool.indicators.esf.definitions import codes, indicators, normalise_period
from evaltool.indicators.esf.tables import workspace_indicators
from evaltool.store.workspace import Workspace

PARTICIPANTS = """\
Hanke;Osallistujatunnus;Aloituspäivä;Päättymispäivä;Sukupuoli;Ikä;Työmarkkina-asema;Koulutustaso;Tilanne päättyessä;Tutkinto;Vamma
P1;1;10.1.2023;30.6.2023;nainen;25;pitkäaikaistyötön;perusaste;työllinen;;kyllä
P1;2;1.3.2023;;mies;58;työtön;toinen aste;;;
P1;3;2.5.2023;1.2.2024;nainen;17;opiskelija;1;koulutuksessa;kyllä;ei
P1;4;15.1.2024;31.5.2024;muu;30;työllinen;ISCED 6;työllinen;;
P1;5;1.2.2024;30.9.2024;mies;45;työtön;4;työnhakija;;
P2;6;1.9.2023;31.3.2024;nainen;22;työvoiman ulkopuolella;lukio;työllinen;;
"""
REGISTER = """\
Hankekoodi;Hankkeen nimi;Ohjelmakausi;Tavoite EECO01;Tavoite EECR04
P1;Ensimmäinen;2021–2027;10;4
P2;Toinen;2021-2027;;
"""


@pytest.fixture()
def ws(tmp_path):
    w = Workspace.init(tmp_path / "ws")
    (tmp_path / "reg.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "p.csv").write_text(PARTICIPANTS, encoding="utf-8")
    import_projects(w, tmp_path / "reg.csv")
    import_participants(w, tmp_path / "p.csv")
    yield w
    w.close()


def _row(t: pd.DataFrame, code: str, project=None, period="all") -> pd.Series:
    sel = (t["code"] == code) & (t["reporting_period"] == period)
    sel &= t["project"].isna() if project is None else (t["project"] == project)
    [idx] = t.index[sel]
    return t.loc[idx]


def _counts(r: pd.Series) -> tuple:
    return tuple(int(r[c]) for c in ("total", "women", "men", "non_binary", "unknown_gender"))


def test_cumulative_indicators_by_gender_match_the_hand_count(ws):
    t = workspace_indicators(ws, min_n=5)["indicators"]
    expected = {
        "EECO01": (6, 3, 2, 1, 0),
        "EECO02": (3, 1, 2, 0, 0),  # the long-term unemployed woman counts here too
        "EECO03": (1, 1, 0, 0, 0),
        "EECO04": (2, 2, 0, 0, 0),
        "EECO05": (1, 0, 0, 1, 0),
        "EECO06": (1, 1, 0, 0, 0),
        "EECO07": (2, 2, 0, 0, 0),
        "EECO08": (1, 0, 1, 0, 0),
        "EECO09": (2, 2, 0, 0, 0),
        "EECO10": (3, 1, 2, 0, 0),
        "EECO11": (1, 0, 0, 1, 0),
        "EECR01": (1, 0, 1, 0, 0),
        "EECR02": (1, 1, 0, 0, 0),
        "EECR03": (1, 1, 0, 0, 0),
        "EECR04": (2, 2, 0, 0, 0),  # employed at entry (participant 4) not counted
    }
    for code, counts in expected.items():
        assert _counts(_row(t, code)) == counts, code
    # no follow-up data: no longer-term rows
    assert not t["code"].isin(["EECR05", "EECR06"]).any()


def test_sensitive_counts_below_min_n_are_withheld(ws):
    t = workspace_indicators(ws, min_n=5)["indicators"]
    r = _row(t, "EECO12")
    assert r["suppressed"] and pd.isna(r["total"]) and pd.isna(r["women"])
    shown = workspace_indicators(ws, min_n=1)["indicators"]
    assert _counts(_row(shown, "EECO12")) == (1, 1, 0, 0, 0)


def test_success_rates_and_targets(ws):
    t = workspace_indicators(ws, min_n=5)
    r = _row(t["indicators"], "EECR04")
    assert r["base_codes"] == "EECO02+EECO04" and r["base"] == 5
    assert r["success_rate"] == pytest.approx(2 / 5)
    assert r["base_leavers"] == 4 and r["leaver_rate"] == pytest.approx(2 / 4)
    p1 = _row(t["indicators"], "EECR04", "P1")
    assert p1["success_rate"] == pytest.approx(1 / 4)
    assert p1["target"] == 4 and p1["target_pct"] == pytest.approx(1 / 4)
    assert _row(t["indicators"], "EECO01", "P1")["target_pct"] == pytest.approx(5 / 10)
    assert _row(t["indicators"], "EECO01")["target_pct"] == pytest.approx(6 / 10)
    assert set(t["success_rates"]["kind"]) == {"result"}


def test_reporting_periods_by_year_and_date_range(ws):
    t = workspace_indicators(ws, min_n=5, by="year")["indicators"]
    assert _counts(_row(t, "EECO01", period="2023")) == (4, 3, 1, 0, 0)
    assert _counts(_row(t, "EECO01", period="2024")) == (2, 0, 1, 1, 0)
    # results fall in the year of leaving
    assert _row(t, "EECR04", period="2023")["total"] == 1
    assert _row(t, "EECR04", period="2024")["total"] == 1
    assert _row(t, "EECR02", period="2024")["total"] == 1
    assert pd.isna(_row(t, "EECO01", "P1", "2023")["target"])
    r = workspace_indicators(ws, start="2023-01-01", end="2023-06-30")["indicators"]
    assert _row(r, "EECO01", period="2023-01-01–2023-06-30")["total"] == 3


def test_a_2014_2020_project_gets_the_co_and_cr_indicators():
    p = pd.DataFrame(
        {
            "project": ["Old"] * 2,
            "programme_period": "2014-2020",
            "start_date": ["2016-01-04", "2016-02-01"],
            "end_date": ["2016-06-30", "2016-08-31"],
            "gender": ["woman", "man"],
            "age": [56, 30],
            "status_entry": ["inactive", "unemployed"],
            "long_term_unemployed": [False, True],
            "in_education": [False, False],
            "isced": [0, 2],
            "status_leaving": ["job_search", "employed"],
            "qualification": None,
            "status_6m": ["employed", "employed"],
            "improved_6m": None,
            "disability": None,
            "third_country": None,
            "foreign_background": None,
            "minority": None,
        }
    )
    t = indicator_table(p, min_n=1)
    prog = t[t["project"].isna()].set_index("code")
    assert set(prog.index) <= set(codes("2014-2020"))
    assert prog.loc["CO04", "total"] == 1 and prog.loc["CO08", "total"] == 1
    assert prog.loc["CO09", "total"] == 1  # ISCED 0 is not counted in CO09
    assert prog.loc["CR01", "total"] == 1 and prog.loc["CR01", "success_rate"] == 1.0
    assert prog.loc["CR06", "total"] == 2 and prog.loc["CR08", "total"] == 1


def test_indicator_definitions_are_complete():
    inds = indicators()
    assert [i.code for i in inds if i.period == "2021-2027"] == [
        *(f"EECO{k:02d}" for k in range(1, 16)),
        *(f"EECR{k:02d}" for k in range(1, 7)),
    ]
    assert {i.code for i in inds if i.sensitive} == {
        "EECO12",
        "EECO13",
        "EECO14",
        "EECO15",
        "CO15",
        "CO16",
    }
    assert all(i.labels["fi"] and i.labels["sv"] and i.labels["en"] for i in inds)
    assert normalise_period("ESR+ 2021–27") == "2021-2027"
    assert normalise_period("2014/2020") == "2014-2020" and normalise_period("1999") is None
