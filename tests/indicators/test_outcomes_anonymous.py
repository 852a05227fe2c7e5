"""Anonymous responses (``import clients --anonymous``) in the outcome tables: they count at
their wave, never as lost to follow-up, and stay out of linked change and the mixed models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.indicators import outcomes as oc
from evaltool.indicators.outcomes.columns import CHANGE_STATS
from evaltool.indicators.outcomes.panel import build_panel
from evaltool.indicators.workspace_tables import workspace_outcomes
from evaltool.store.responses import ANON_PREFIX
from evaltool.store.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ITEMS = [f"q{k}" for k in range(1, 27)]
#: Anonymous responses imported per wave; the example files hold 15 clients at wave 1 and 12
#: of them again at wave 2.
ANONYMOUS = {1: 4, 2: 6}
LINKED_AT = {1: 15, 2: 12}


def _anonymous_file(tmp_path: Path, wave: int) -> Path:
    rng = np.random.default_rng(wave)
    frame = pd.DataFrame(rng.integers(1, 6, size=(ANONYMOUS[wave], len(ITEMS))), columns=ITEMS)
    path = tmp_path / f"anonymous-wave{wave}.csv"
    frame.to_csv(path, index=False, sep=";")
    return path


def _import(ws: Workspace, path: Path, wave: int, **opts) -> None:
    result = import_clients(ws, [path], ClientImportOptions(project="Polku", wave=wave, **opts))
    assert result.files[0].rows_stored > 0


def _outcomes(folder: Path, tmp_path: Path, anonymous: bool) -> dict[str, pd.DataFrame]:
    """The outcome tables of the example waves 1 and 2, with or without the anonymous files."""
    ws = Workspace.init(folder)
    try:
        for wave in (1, 2):
            _import(ws, EXAMPLES / f"clients-wave{wave}.csv", wave)
            if anonymous:
                _import(ws, _anonymous_file(tmp_path, wave), wave, anonymous=True)
        meta, _ = ws.responses("whoqol-bref")
        stored = meta["respondent"].str.startswith(ANON_PREFIX).sum()
        assert stored == (sum(ANONYMOUS.values()) if anonymous else 0)
        return workspace_outcomes(ws, min_n=3)
    finally:
        ws.close()


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("anonymous")
    return (
        _outcomes(tmp / "with", tmp, anonymous=True),
        _outcomes(tmp / "without", tmp, anonymous=False),
    )


def _programme(table: pd.DataFrame, **keys) -> pd.DataFrame:
    rows = table[table["project"].isna()]
    for k, v in keys.items():
        rows = rows[rows[k] == v]
    return rows.reset_index(drop=True)


def test_follow_up_rate_rests_on_linked_clients_only(workspaces):
    link = workspaces[0]["linkage"]
    [fu] = _programme(link, kind="follow_up").itertuples()
    assert (fu.n, fu.base) == (12, 15)  # not 12 of 19: anonymous responses are no loss
    assert fu.share == pytest.approx(12 / 15)
    [pair] = _programme(link, kind="link").itertuples()
    assert (pair.n, pair.base) == (12, 15)


def test_wave_patterns_count_linked_clients_only(workspaces):
    patterns = _programme(workspaces[0]["linkage"], kind="pattern")
    assert dict(zip(patterns["pattern"], patterns["n"], strict=True)) == {"1-2": 12, "1 only": 3}
    assert (patterns["base"] == 15).all()


def test_per_wave_counts_keep_anonymous_responses(workspaces):
    link = workspaces[0]["linkage"]
    waves = _programme(link, kind="wave")
    assert waves["n"].tolist() == [LINKED_AT[w] + ANONYMOUS[w] for w in (1, 2)]
    anonymous = _programme(link, kind="anonymous")
    assert anonymous["wave"].tolist() == [1, 2]
    assert anonymous["n"].tolist() == [ANONYMOUS[1], ANONYMOUS[2]]
    assert anonymous["base"].tolist() == waves["n"].tolist()
    [everyone] = _programme(link, kind="clients")["n"]
    [linked] = _programme(link, kind="linked")["n"]
    assert (everyone, linked) == (15 + sum(ANONYMOUS.values()), 15)
    # the project's rows count the same (one project)
    polku = link[link["project"] == "Polku"]
    assert polku.loc[polku["kind"] == "anonymous", "n"].tolist() == anonymous["n"].tolist()


def test_attrition_compares_linked_clients_only(workspaces):
    with_anon, without = workspaces
    att = _programme(with_anon["attrition"])
    assert (att["n"] == 15).all() and (att["n_followed"] == 12).all()
    assert (att["n_lost"] == 3).all()  # not 3 + 4 anonymous baseline responses
    pd.testing.assert_frame_equal(with_anon["attrition"], without["attrition"])


def test_linked_tables_equal_those_without_the_anonymous_files(workspaces):
    with_anon, without = workspaces
    for key in ("subgroups", "benchmark"):
        pd.testing.assert_frame_equal(with_anon[key], without[key], obj=key)
    # paired change is the linked clients'; the reliable-change criterion rests on SD₁ and α
    # of every baseline response (a per-wave statistic), anonymous ones included
    change = ["n", *CHANGE_STATS, "p_holm", "dz", "d_av", "wilcoxon_v", "wilcoxon_p"]
    pd.testing.assert_frame_equal(with_anon["paired"][change], without["paired"][change])
    link, plain = with_anon["linkage"], without["linkage"]
    linked_kinds = ["link", "pattern", "follow_up"]
    pd.testing.assert_frame_equal(
        link[link["kind"].isin(linked_kinds)].reset_index(drop=True),
        plain[plain["kind"].isin(linked_kinds)].reset_index(drop=True),
    )
    # without anonymous responses the table has no linked or anonymous rows
    assert not plain["kind"].isin(["linked", "anonymous"]).any()


def test_reliability_per_wave_keeps_anonymous_responses(workspaces):
    with_anon, without = workspaces
    for wave in (1, 2):
        n = _programme(with_anon["reliability"], wave=wave).set_index("domain")["n"]
        n_plain = _programme(without["reliability"], wave=wave).set_index("domain")["n"]
        # the anonymous answers are complete (every item answered)
        assert (n - n_plain == ANONYMOUS[wave]).all(), wave


# ------------------------------------------------------------------ the tables' own inputs


def _three_waves(anonymous: bool) -> pd.DataFrame:
    """Eight linked clients at three waves, and (``anonymous``) three anonymous responses at
    each wave whose scores lie far from the linked clients'."""
    rng = np.random.default_rng(7)
    level = rng.normal(50, 10, 8)
    rows = [
        {"project": "A", "wave": w, "respondent": f"r{i}", "qol": level[i] + 4 * w + rng.normal()}
        for w in (1, 2, 3)
        for i in range(8)
    ]
    if anonymous:
        rows += [
            {"project": "A", "wave": w, "respondent": f"{ANON_PREFIX}{w}-{k}", "qol": 90.0 - k}
            for w in (1, 2, 3)
            for k in range(3)
        ]
    return pd.DataFrame(rows)


def test_panel_marks_anonymous_clients_unlinked():
    scores = _three_waves(anonymous=True)
    panel = build_panel(scores, ["qol"])
    names = panel.respondents[panel.client_keys // panel.n_projects]
    assert panel.linked.tolist() == [not n.startswith(ANON_PREFIX) for n in names]
    assert int(panel.linked.sum()) == 8 and int((~panel.linked).sum()) == 9


def test_mixed_models_leave_anonymous_responses_out():
    with_anon = oc.mixed_models(_three_waves(anonymous=True), ["qol"], min_n=3)
    without = oc.mixed_models(_three_waves(anonymous=False), ["qol"], min_n=3)
    pd.testing.assert_frame_equal(with_anon, without)
    assert (with_anon["n"] == 8).all() and (with_anon["n_obs"] == 24).all()


def test_linkage_with_three_waves_counts_anonymous_at_their_wave_only():
    scores = _three_waves(anonymous=True)
    # r7 skips wave 2: pattern 1-3
    scores = scores[~((scores["respondent"] == "r7") & (scores["wave"] == 2))]
    link = oc.linkage(scores, min_n=3)
    prog = link[link["project"].isna()]
    waves = prog[prog["kind"] == "wave"]
    assert waves["n"].tolist() == [8 + 3, 7 + 3, 8 + 3]
    patterns = prog[prog["kind"] == "pattern"]
    assert dict(zip(patterns["pattern"], patterns["n"], strict=True)) == {"1-2-3": 7, "1-3": 1}
    [fu] = prog[prog["kind"] == "follow_up"].itertuples()
    assert (fu.from_wave, fu.to_wave, fu.n, fu.base) == (1, 3, 8, 8)


def test_reliable_change_counts_linked_clients_on_the_whole_baseline():
    scores = _three_waves(anonymous=True)
    t = oc.reliable_change(scores, None, {"qol": []}, min_n=3)
    [row] = t[t["project"].isna()].itertuples()
    assert row.n == 8  # the categories: linked clients scored at both waves
    assert row.n_sd_baseline == 8 + 3  # SD₁: every baseline response
    baseline = scores.loc[scores["wave"] == 1, "qol"]
    assert row.sd_baseline == pytest.approx(baseline.std(ddof=1))


def test_good_qol_share_per_wave_keeps_anonymous_responses():
    scores = _three_waves(anonymous=True).assign(
        index_raw=lambda d: np.where(d["qol"] >= 60, 4.5, 3.0)
    )
    t = oc.good_qol(scores, "index_raw", 4.0, min_n=3)
    per_wave = t[t["project"].isna() & (t["kind"] == "wave")]
    assert per_wave["n"].tolist() == [11, 11, 11]
    want = scores.groupby("wave")["index_raw"].apply(lambda s: int((s >= 4.0).sum()))
    assert per_wave["n_good"].tolist() == want.tolist()
    change = t[t["project"].isna() & (t["kind"] == "change")]
    assert change["n"].tolist() == [8]
