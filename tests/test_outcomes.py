"""evaltool.outcomes against R.

The test data (tests/r/outcomes_*_scores.csv, *_items.csv) are written by
tests/r/make_outcomes_data.py; tests/r/outcomes.R computes every figure with R's own functions
(t.test, wilcox.test, p.adjust, psych::alpha, lme4::lmer, lm, prop.test, mcnemar.test) and
writes tests/r/outcomes_expected_<table>.csv. R is not needed to run these tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from evaltool import outcomes as oc
from evaltool.errors import UserError

R_DIR = Path(__file__).parent / "r"
sys.path.insert(0, str(R_DIR))
from make_outcomes_data import EUROHIS_ITEMS, WHOQOL_DOMAINS  # noqa: E402

sys.path.pop(0)

EUROHIS_DOMAINS = {"index": EUROHIS_ITEMS}
ARITH = {"rtol": 1e-10, "atol": 1e-8}
PVAL = {"rtol": 1e-6, "atol": 1e-14}
MIXED = {"rtol": 1e-5, "atol": 1e-4}
P_COLUMNS = {"p", "p_holm", "wilcoxon_p", "effect_p"}
COUNT_COLUMNS = {
    "n",
    "k",
    "base",
    "n_followed",
    "n_lost",
    "n_obs",
    "n_good",
    "n_good_from",
    "n_good_to",
    "n_became_good",
    "n_became_not_good",
    "improved",
    "unchanged",
    "deteriorated",
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(R_DIR / name)


@pytest.fixture(scope="module")
def whoqol() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _read("outcomes_whoqol_scores.csv"), _read("outcomes_whoqol_items.csv")


@pytest.fixture(scope="module")
def eurohis() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _read("outcomes_eurohis_scores.csv"), _read("outcomes_eurohis_items.csv")


@pytest.fixture(scope="module")
def tables(whoqol, eurohis) -> dict[str, pd.DataFrame]:
    """Both instruments' tables, stacked with an ``instrument`` column (as the caller does)."""
    w = oc.outcome_tables(whoqol[0], whoqol[1], WHOQOL_DOMAINS)
    e = oc.outcome_tables(
        eurohis[0], eurohis[1], EUROHIS_DOMAINS, good_threshold=("index_raw", 4.0)
    )
    out = {}
    for key in w:
        parts = [t.assign(instrument=name) for name, t in (("whoqol", w[key]), ("eurohis", e[key]))]
        out[key] = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return out


def _key_frame(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    k = pd.DataFrame(index=df.index)
    for c in keys:
        v = df[c]
        if c in ("wave", "from_wave", "to_wave"):
            k[c] = pd.to_numeric(v).astype(float).fillna(-1).astype(int)
        else:
            k[c] = v.astype(object).where(v.notna(), "").astype(str)
    return k


def _compare(py: pd.DataFrame, r: pd.DataFrame, keys: list[str], tol: dict | None = None) -> None:
    keys = ["instrument", *keys]
    kp, kr = _key_frame(py, keys), _key_frame(r, keys)
    assert not kp.duplicated().any()
    mp = pd.MultiIndex.from_frame(kp)
    mr = pd.MultiIndex.from_frame(kr)
    assert set(mp) == set(mr), set(mp) ^ set(mr)
    pos = mp.get_indexer(mr)
    py = py.iloc[pos].reset_index(drop=True)
    r = r.reset_index(drop=True)
    np.testing.assert_array_equal(py["suppressed"].to_numpy(bool), r["suppressed"].to_numpy(bool))
    checked = 0
    for c in r.columns:
        if c in keys or c in ("suppressed", "reml_criterion"):
            continue
        assert c in py.columns, c
        if not (pd.api.types.is_numeric_dtype(r[c]) or r[c].isna().all()):
            continue
        if pd.api.types.is_bool_dtype(r[c]):
            np.testing.assert_array_equal(py[c].astype(object), r[c].astype(object), err_msg=c)
            checked += 1
            continue
        got = pd.to_numeric(py[c]).astype(float).to_numpy()
        want = pd.to_numeric(r[c]).astype(float).to_numpy()
        if c in COUNT_COLUMNS:
            np.testing.assert_array_equal(got, want, err_msg=c)
        else:
            t = tol or (PVAL if c in P_COLUMNS else ARITH)
            np.testing.assert_allclose(got, want, err_msg=c, equal_nan=True, **t)
        checked += 1
    assert checked >= 2


def test_paired_matches_r(tables):
    r = _read("outcomes_expected_paired.csv")
    _compare(tables["paired"], r, ["project", "domain"])
    assert len(r) == 24 and r["suppressed"].sum() == 5


def test_attrition_matches_r(tables):
    _compare(tables["attrition"], _read("outcomes_expected_attrition.csv"), ["project", "domain"])


def test_reliability_matches_r(tables):
    _compare(
        tables["reliability"],
        _read("outcomes_expected_reliability.csv"),
        ["project", "domain", "wave"],
    )


def test_linkage_matches_r(tables):
    _compare(
        tables["linkage"],
        _read("outcomes_expected_linkage.csv"),
        ["project", "kind", "wave", "from_wave", "to_wave", "pattern"],
    )


def test_subgroups_match_r(tables):
    _compare(
        tables["subgroups"],
        _read("outcomes_expected_subgroups.csv"),
        ["project", "domain", "variable", "level"],
    )


def test_benchmark_matches_r(tables):
    _compare(tables["benchmark"], _read("outcomes_expected_benchmark.csv"), ["project", "domain"])


def test_good_qol_matches_r(tables):
    _compare(
        tables["eurohis"],
        _read("outcomes_expected_eurohis.csv"),
        ["project", "kind", "wave"],
    )


def test_mixed_models_match_lme4(tables):
    r = _read("outcomes_expected_mixed.csv")
    _compare(tables["mixed"], r, ["project", "domain", "term"], tol=MIXED)
    fitted = ~r["suppressed"]
    assert r.loc[fitted, "converged"].all() and not r.loc[fitted, "singular"].any()
    py = tables["mixed"]
    assert py.loc[~py["suppressed"], "converged"].all()


def test_reml_criterion_matches_lme4(whoqol):
    scores = whoqol[0].loc[~whoqol[0]["discarded"]]
    r = _read("outcomes_expected_mixed.csv")
    want = r.loc[r["project"].isna() & (r["domain"] == "social"), "reml_criterion"].iloc[0]
    cl = pd.factorize(scores["project"] + "/" + scores["respondent"])[0]
    ok = scores["social"].notna().to_numpy()
    w = scores["wave"].to_numpy()[ok]
    X = np.column_stack([np.ones(ok.sum()), w == 2, w == 3]).astype(float)
    from evaltool.stats import random_intercept_reml

    fit = random_intercept_reml(scores["social"].to_numpy()[ok], X, cl[ok])
    assert fit.reml_criterion[0] == pytest.approx(want, rel=1e-9)


# ---------------------------------------------------------------------------- suppression

_KEEP = {
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "wave",
    "kind",
    "pattern",
    "variable",
    "level",
    "term",
    "threshold",
    "suppressed",
    "instrument",
    "n",
    "k",
    "base",
    "n_followed",
    "n_lost",
    "n_obs",
    "n_sd_baseline",
    "n_alpha",
}


def _figures(df: pd.DataFrame) -> pd.DataFrame:
    return df[[c for c in df.columns if c not in _KEEP]]


def test_suppressed_rows_carry_counts_only(tables):
    for name, df in tables.items():
        sup = df["suppressed"].to_numpy(bool)
        figures = _figures(df.loc[sup])
        assert figures.isna().all().all(), name


def test_no_figure_rests_on_fewer_than_min_n_clients(whoqol):
    scores, items = whoqol
    for min_n in (5, 20, 45):
        t = oc.outcome_tables(scores, items, WHOQOL_DOMAINS, min_n=min_n)
        shown = {k: v.loc[~v["suppressed"].to_numpy(bool)] for k, v in t.items()}
        assert (shown["paired"]["n"] >= min_n).all()
        assert (shown["subgroups"]["n"] >= min_n).all()
        assert (shown["benchmark"]["n"] >= min_n).all()
        assert (shown["reliability"]["n"] >= min_n).all()
        a = shown["attrition"]
        assert ((a["n_followed"] >= min_n) & (a["n_lost"] >= min_n)).all()
        link = shown["linkage"]
        assert (link["share"].isna() | (link["base"] >= min_n)).all()
        # mixed models need min_n clients at every wave of the project
        for (project, domain), rows in t["mixed"].groupby(["project", "domain"], dropna=False):
            sub = scores.loc[~scores["discarded"] & scores[domain].notna()]
            if isinstance(project, str):
                sub = sub.loc[sub["project"] == project]
            if sub.groupby("wave")["respondent"].nunique().min() < min_n:
                assert rows["suppressed"].all()
                assert _figures(rows).isna().all().all()
        # RCI counts and shares are withheld together with the paired row
        sup = t["paired"].loc[t["paired"]["suppressed"]]
        assert sup[["improved", "rci_critical", "wilcoxon_v"]].isna().all().all()


def test_everything_withheld_when_min_n_exceeds_the_programme(whoqol, eurohis):
    for (scores, items), domains, good in (
        (whoqol, WHOQOL_DOMAINS, None),
        (eurohis, EUROHIS_DOMAINS, ("index_raw", 4.0)),
    ):
        t = oc.outcome_tables(scores, items, domains, min_n=10_000, good_threshold=good)
        for name, df in t.items():
            if name == "linkage":
                assert df["share"].isna().all()
                continue
            if len(df):
                assert df["suppressed"].all(), name
                assert _figures(df).isna().all().all(), name


# ---------------------------------------------------------------------------- behaviour


def test_separate_functions_equal_outcome_tables(whoqol, eurohis):
    scores, items = whoqol
    t = oc.outcome_tables(scores, items, WHOQOL_DOMAINS)
    pd.testing.assert_frame_equal(oc.paired_change(scores, items, WHOQOL_DOMAINS), t["paired"])
    pd.testing.assert_frame_equal(oc.linkage(scores), t["linkage"])
    pd.testing.assert_frame_equal(oc.attrition(scores, WHOQOL_DOMAINS), t["attrition"])
    pd.testing.assert_frame_equal(oc.reliability(scores, items, WHOQOL_DOMAINS), t["reliability"])
    pd.testing.assert_frame_equal(oc.mixed_models(scores, WHOQOL_DOMAINS), t["mixed"])
    pd.testing.assert_frame_equal(oc.subgroups(scores, WHOQOL_DOMAINS), t["subgroups"])
    pd.testing.assert_frame_equal(oc.project_benchmark(scores, WHOQOL_DOMAINS), t["benchmark"])
    e = oc.outcome_tables(
        eurohis[0], eurohis[1], EUROHIS_DOMAINS, good_threshold=("index_raw", 4.0)
    )
    pd.testing.assert_frame_equal(oc.good_qol(eurohis[0]), e["eurohis"])
    rci = oc.reliable_change(scores, items, WHOQOL_DOMAINS)
    merged = rci.merge(t["paired"], on=["project", "domain"], suffixes=("", "_p"))
    for c in ("improved", "unchanged", "deteriorated", "rci_critical"):
        pd.testing.assert_series_equal(merged[c], merged[c + "_p"], check_names=False)


def test_tables_have_documented_columns_even_when_empty(eurohis, whoqol):
    e = oc.outcome_tables(eurohis[0], None, EUROHIS_DOMAINS)
    assert list(e["mixed"].columns) == oc.MIXED_COLUMNS and e["mixed"].empty  # two waves
    assert list(e["reliability"].columns) == oc.RELIABILITY_COLUMNS and e["reliability"].empty
    assert list(e["eurohis"].columns) == oc.EUROHIS_COLUMNS and e["eurohis"].empty
    # without items there is no alpha, so no reliable-change categories
    assert e["paired"]["improved"].isna().all() and e["paired"]["rci_critical"].isna().all()
    assert e["paired"]["t"].notna().any()
    one_wave = whoqol[0].loc[whoqol[0]["wave"] == 1]
    t = oc.outcome_tables(one_wave, whoqol[1], WHOQOL_DOMAINS)
    assert t["paired"].empty and list(t["paired"].columns) == oc.PAIRED_COLUMNS
    assert t["benchmark"].empty and t["subgroups"].empty and t["attrition"].empty
    assert not t["reliability"].empty and not t["linkage"].empty
    for name, cols in (
        ("linkage", oc.LINKAGE_COLUMNS),
        ("attrition", oc.ATTRITION_COLUMNS),
        ("paired", oc.PAIRED_COLUMNS),
        ("subgroups", oc.SUBGROUP_COLUMNS),
        ("benchmark", oc.BENCHMARK_COLUMNS),
    ):
        assert list(t[name].columns) == cols


def test_chosen_waves_and_projects(whoqol):
    scores, items = whoqol
    full = oc.outcome_tables(scores, items, WHOQOL_DOMAINS)
    only_b = oc.outcome_tables(scores, items, WHOQOL_DOMAINS, projects=["B"])
    for name in ("paired", "benchmark", "reliability", "mixed"):
        df = only_b[name]
        assert set(df["project"].dropna()) == {"B"}, name
        want = full[name].loc[
            full[name]["project"].isin([None, "B"]) | full[name]["project"].isna()
        ]
        pd.testing.assert_frame_equal(df, want.reset_index(drop=True), check_dtype=False)
    # paired change 1 → 2 against scipy
    res = oc.paired_change(scores, items, WHOQOL_DOMAINS, from_wave=1, to_wave=2)
    s = scores.loc[~scores["discarded"]]
    wide = s.pivot_table(index=["project", "respondent"], columns="wave", values="physical")
    both = wide[[1, 2]].dropna()
    row = res.loc[res["project"].isna() & (res["domain"] == "physical")].iloc[0]
    assert row["n"] == len(both) and (row["from_wave"], row["to_wave"]) == (1, 2)
    tt = st.ttest_rel(both[2], both[1])
    assert row["t"] == pytest.approx(tt.statistic, rel=1e-10)
    assert row["p"] == pytest.approx(tt.pvalue, rel=1e-8)
    with pytest.raises(UserError):
        oc.paired_change(scores, items, WHOQOL_DOMAINS, from_wave=3, to_wave=1)
    with pytest.raises(UserError):
        oc.paired_change(scores, items, WHOQOL_DOMAINS, from_wave=1, to_wave=7)
    with pytest.raises(UserError):
        oc.outcome_tables(scores, items, WHOQOL_DOMAINS, projects=["nope"])


def test_discarded_duplicates_and_pseudonyms(whoqol):
    scores, items = whoqol
    base = oc.paired_change(scores, items, WHOQOL_DOMAINS)
    # discarded responses are ignored whatever they hold
    junk = scores.copy()
    junk.loc[junk["discarded"], list(WHOQOL_DOMAINS)] = 1000.0
    pd.testing.assert_frame_equal(oc.paired_change(junk, items, WHOQOL_DOMAINS), base)
    # a repeated response in the same wave: the later row is used
    first = scores.loc[~scores["discarded"] & (scores["wave"] == 3)].iloc[[0]].copy()
    first[list(WHOQOL_DOMAINS)] = 0.0
    doubled = pd.concat([first, scores], ignore_index=True)
    pd.testing.assert_frame_equal(oc.paired_change(doubled, items, WHOQOL_DOMAINS), base)
    # the same pseudonym in two projects is two clients
    link = oc.linkage(scores)
    clients = link.loc[link["kind"] == "clients"].set_index(
        link.loc[link["kind"] == "clients", "project"].fillna("all")
    )["n"]
    assert clients["all"] == clients.drop("all").sum()
    assert scores.groupby("respondent")["project"].nunique().max() > 1


def test_baseline_cutoff_subgroups(whoqol):
    scores, items = whoqol
    sg = oc.subgroups(scores, WHOQOL_DOMAINS, cutoffs={"physical": 50.0})
    phys = sg.loc[
        sg["project"].isna() & (sg["domain"] == "physical") & (sg["variable"] == "baseline")
    ]
    assert list(phys["level"]) == ["below cut-off", "at or above cut-off"]
    s = scores.loc[~scores["discarded"]]
    wide = s.pivot_table(index=["project", "respondent"], columns="wave", values="physical")
    both = wide[[1, 3]].dropna()
    low = both.loc[both[1] < 50]
    row = phys.iloc[0]
    assert row["n"] == len(low) and row["threshold"] == 50.0
    assert row["mean_diff"] == pytest.approx((low[3] - low[1]).mean(), rel=1e-12)
    # other domains keep the lowest-third split
    psych = sg.loc[
        sg["project"].isna() & (sg["domain"] == "psychological") & (sg["variable"] == "baseline")
    ]
    assert list(psych["level"]) == ["lowest third", "upper two thirds"]


def test_statsmodels_engine_agrees(whoqol):
    scores, _ = whoqol
    fast = oc.mixed_models(scores, ["physical", "social"], per_project=False)
    slow = oc.mixed_models(scores, ["physical", "social"], per_project=False, engine="statsmodels")
    prog = fast["project"].isna()
    for c in ("estimate", "var_client", "var_residual"):
        np.testing.assert_allclose(fast.loc[prog, c], slow.loc[prog, c], rtol=1e-4)
    # statsmodels takes SEs from the observed information of all parameters; lme4 and the
    # closed form condition on the variance components, so SEs differ slightly
    np.testing.assert_allclose(fast.loc[prog, "se"], slow.loc[prog, "se"], rtol=1e-2)
    assert fast.loc[~prog, "suppressed"].all()


def test_mixed_model_that_cannot_be_estimated_says_so(whoqol):
    scores = whoqol[0].copy()
    # every response under its own pseudonym: no client is seen twice
    scores["respondent"] = scores["respondent"] + "-" + scores["wave"].astype(str)
    mx = oc.mixed_models(scores, ["social"])
    fitted = mx.loc[~mx["suppressed"]]
    assert len(fitted) and not fitted["converged"].any()
    assert fitted["estimate"].isna().all() and fitted["se"].isna().all()
    assert fitted["note"].str.contains("more than once").all()


def test_paired_holm_within_project(tables):
    p = tables["paired"]
    prog = p.loc[p["project"].isna() & (p["instrument"] == "whoqol")]
    pv = np.sort(prog["p"].to_numpy())
    assert prog["p_holm"].min() == pytest.approx(min(1, 4 * pv[0]), rel=1e-12)
