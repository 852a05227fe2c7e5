"""evaltool.indicators.outcomes against R.

The test data (tests/r/outcomes_*_scores.csv, *_items.csv) are written by
tests/r/make_outcomes_data.py; tests/r/outcomes.R computes every figure with R's own functions
(t.test, wilcox.test, p.adjust, psych::alpha, lme4::lmer, lm, prop.test, mcnemar.test) and
writes tests/r/outcomes_expected_<table>.csv. R is not needed to run these tests. Three data
sets: WHOQOL-BREF-like (three waves), EUROHIS-QOL 8-like (two waves) and "edge", the hard
cases of real evaluation data (make_outcomes_data.EDGE_PROJECTS).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from evaltool.errors import UserError
from evaltool.indicators import outcomes as oc

R_DIR = Path(__file__).resolve().parents[1] / "r"
sys.path.insert(0, str(R_DIR))
from make_outcomes_data import EDGE_DOMAINS, EUROHIS_ITEMS, WHOQOL_DOMAINS  # noqa: E402

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
def edge() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _read("outcomes_edge_scores.csv"), _read("outcomes_edge_items.csv")


@pytest.fixture(scope="module")
def tables(whoqol, eurohis, edge) -> dict[str, pd.DataFrame]:
    """All three data sets' tables, stacked with an ``instrument`` column (as the caller does),
    plus ``rci`` (:func:`reliable_change`, not part of :func:`outcome_tables`)."""
    sets = {
        "whoqol": (whoqol, WHOQOL_DOMAINS, None),
        "eurohis": (eurohis, EUROHIS_DOMAINS, ("index_raw", 4.0)),
        "edge": (edge, EDGE_DOMAINS, ("qol_raw", 4.0)),
    }
    per = {}
    for name, ((scores, items), domains, good) in sets.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no RuntimeWarning (division by zero …) anywhere
            t = oc.outcome_tables(scores, items, domains, good_threshold=good)
            t["rci"] = oc.reliable_change(scores, items, domains)
        per[name] = t
    out = {}
    for key in per["whoqol"]:
        parts = [t[key].assign(instrument=name) for name, t in per.items()]
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
        numeric = pd.api.types.is_numeric_dtype(r[c]) and not pd.api.types.is_bool_dtype(r[c])
        if not numeric and not r[c].isna().all():
            # text, and true/false with missing values: equal value by value
            assert [_plain(v) for v in py[c]] == [_plain(v) for v in r[c]], c
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


def _plain(v):
    """A cell as a plain Python value for comparing text and flag columns."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    return v


def test_paired_matches_r(tables):
    r = _read("outcomes_expected_paired.csv")
    _compare(tables["paired"], r, ["project", "domain"])
    assert len(r) == 40 and r["suppressed"].sum() == 11


def test_reliable_change_matches_r(tables):
    r = _read("outcomes_expected_rci.csv")
    _compare(tables["rci"], r, ["project", "domain"])
    # the baseline without variance: SD₁ = 0 and α undefined, so no categories
    flat = r.loc[(r["instrument"] == "edge") & (r["domain"] == "flat") & ~r["suppressed"]]
    assert len(flat) and (flat["sd_baseline"] == 0).all() and flat["alpha"].isna().all()
    assert flat["improved"].isna().all() and flat["s_diff"].isna().all()


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
    regular = ~r["suppressed"] & (r["instrument"] == "whoqol")
    assert r.loc[regular, "converged"].all() and not r.loc[regular, "singular"].any()
    py = tables["mixed"]
    assert py.loc[~py["suppressed"] & (py["instrument"] == "whoqol"), "converged"].all()
    # lme4 refuses the project in which no client answered twice; so does evaltool
    once = r.loc[(r["instrument"] == "edge") & (r["project"] == "Once")]
    assert len(once) == 6 and not once["converged"].astype(bool).any()


def test_reml_criterion_matches_lme4(whoqol):
    scores = whoqol[0].loc[~whoqol[0]["discarded"]]
    r = _read("outcomes_expected_mixed.csv")
    want = r.loc[r["project"].isna() & (r["domain"] == "social"), "reml_criterion"].iloc[0]
    cl = pd.factorize(scores["project"] + "/" + scores["respondent"])[0]
    ok = scores["social"].notna().to_numpy()
    w = scores["wave"].to_numpy()[ok]
    X = np.column_stack([np.ones(ok.sum()), w == 2, w == 3]).astype(float)
    from evaltool.indicators.stats import random_intercept_reml

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
    """The closed-form REML engine fits the same model as statsmodels MixedLM: on the test
    data (four domains, the programme and every project) both give the same fixed effects and
    variance components to relative 1e-4."""
    scores, _ = whoqol
    domains = list(WHOQOL_DOMAINS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' optimiser chatter
        slow = oc.mixed_models(scores, domains, engine="statsmodels")
    fast = oc.mixed_models(scores, domains)
    pd.testing.assert_frame_equal(
        fast[["project", "domain", "term", "n", "n_obs", "suppressed"]],
        slow[["project", "domain", "term", "n", "n_obs", "suppressed"]],
    )
    fitted = ~fast["suppressed"].to_numpy(bool)
    assert fitted.sum() == 48  # programme and projects A–C × 4 domains × 3 terms
    assert fast.loc[fitted, "converged"].all() and slow.loc[fitted, "converged"].all()
    for c in ("estimate", "var_client", "var_residual"):
        np.testing.assert_allclose(
            fast.loc[fitted, c].astype(float),
            slow.loc[fitted, c].astype(float),
            rtol=1e-4,
            err_msg=c,
        )
    # statsmodels takes SEs from the observed information of all parameters; lme4 and the
    # closed form condition on the variance components, so SEs differ slightly (up to 1.6 %
    # here, in the smallest project; the SEs themselves match lme4 to 1e-5)
    np.testing.assert_allclose(
        fast.loc[fitted, "se"].astype(float), slow.loc[fitted, "se"].astype(float), rtol=2.5e-2
    )


def test_statsmodels_engine_refuses_the_same_models(edge):
    scores, _ = edge
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slow = oc.mixed_models(scores, ["qol"], engine="statsmodels")
    once = slow.loc[slow["project"] == "Once"]
    assert not once["converged"].any() and once["estimate"].isna().all()
    assert once["note"].str.contains("no client observed more than once").all()
    fast = oc.mixed_models(scores, ["qol"])
    ok = fast["converged"].fillna(False).to_numpy(bool) & ~fast["singular"].fillna(True)
    np.testing.assert_allclose(
        fast.loc[ok, "estimate"].astype(float),
        slow.loc[ok, "estimate"].astype(float),
        rtol=1e-4,
    )


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


# ---------------------------------------------------------------------------- hard cases
# The "edge" data (make_outcomes_data.EDGE_PROJECTS) are also checked figure by figure
# against R above; these tests state the behaviour the evaluator sees.


@pytest.fixture(scope="module")
def edge_tables(edge) -> dict[str, pd.DataFrame]:
    scores, items = edge
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = oc.outcome_tables(scores, items, EDGE_DOMAINS, good_threshold=("qol_raw", 4.0))
        t["rci"] = oc.reliable_change(scores, items, EDGE_DOMAINS)
    return t


def _row(df: pd.DataFrame, **keys) -> pd.Series:
    sel = np.ones(len(df), dtype=bool)
    for k, v in keys.items():
        sel &= df[k].isna().to_numpy() if v is None else (df[k] == v).fillna(False).to_numpy(bool)
    assert sel.sum() == 1, keys
    return df.loc[sel].iloc[0]


def test_no_table_holds_an_infinite_value(edge_tables, tables):
    for source in (edge_tables, tables):
        for name, df in source.items():
            num = df.select_dtypes("number").astype(float).to_numpy()
            assert not np.isinf(num).any(), name


def test_all_changes_zero(edge_tables):
    row = _row(edge_tables["paired"], project="Zero", domain="qol")
    assert row["n"] == 6 and row["mean_diff"] == 0 and row["sd_diff"] == 0
    assert np.isnan(row["t"]) and np.isnan(row["p"]) and np.isnan(row["ci_low"])
    # everyone answered the same at both waves: no SD at either wave, so no d_av either
    assert np.isnan(row["dz"]) and np.isnan(row["d_av"])
    assert row["wilcoxon_v"] == 0 and np.isnan(row["wilcoxon_p"])  # R: V = 0, p = NA
    for note in (oc.NOTE_T_CONSTANT, oc.NOTE_NO_CHANGE, oc.NOTE_D_AV):
        assert note in row["note"]
    assert row["unchanged"] == 6 and row["unchanged_share"] == 1
    # an undefined p-value does not enter the Holm family of the project
    other = _row(edge_tables["paired"], project="Zero", domain="flat")
    assert other["p_holm"] == pytest.approx(other["p"])


def test_no_variance_at_baseline(edge_tables):
    rel = _row(edge_tables["reliability"], project=None, domain="flat", wave=1)
    assert np.isnan(rel["alpha"]) and np.isnan(rel["ci_low"]) and not rel["suppressed"]
    assert rel["note"] == oc.NOTE_ALPHA_UNDEFINED
    rci = _row(edge_tables["rci"], project=None, domain="flat")
    assert rci["sd_baseline"] == 0 and np.isnan(rci["alpha"]) and np.isnan(rci["s_diff"])
    assert "baseline scores do not vary" in rci["note"]
    for project in (None, "Base", "Skip"):
        row = _row(edge_tables["paired"], project=project, domain="flat")
        assert np.isnan(row["rci_critical"]) and pd.isna(row["improved"])
        assert np.isnan(row["improved_share"]) and "reliable change not defined" in row["note"]
        assert np.isfinite(row["t"])  # the other statistics stand
    bench = edge_tables["benchmark"]
    flat = bench.loc[(bench["domain"] == "flat") & ~bench["suppressed"]]
    assert flat["effect"].isna().all() and flat["df"].isna().all()
    assert (flat["baseline_ref"] == 50).all()
    assert flat["note"].str.contains("baseline scores do not vary").all()
    att = _row(edge_tables["attrition"], project=None, domain="flat")
    assert np.isnan(att["t"]) and att["note"] == oc.NOTE_ATTRITION_CONSTANT


def test_rci_is_undefined_outside_zero_to_one(whoqol):
    scores, items = whoqol
    base = oc.reliable_change(scores, items, WHOQOL_DOMAINS)
    prog = _row(base, project=None, domain="social")
    assert 0 < prog["alpha"] < 1 and prog["note"] is None
    # α = 1: every item of the domain the same → division by zero, so no RCI
    same = items.copy()
    same["Q21"] = same["Q20"]
    same["Q22"] = same["Q20"]
    row = _row(oc.reliable_change(scores, same, WHOQOL_DOMAINS), project=None, domain="social")
    assert row["alpha"] == pytest.approx(1) and np.isnan(row["s_diff"])
    assert row["note"] == "reliable change not defined: alpha is 1"
    # α ≤ 0: not a reliability (e.g. an item left unreversed)
    flipped = items.copy()
    flipped["Q21"] = 6 - flipped["Q21"]
    flipped["Q22"] = 6 - flipped["Q20"]
    row = _row(oc.reliable_change(scores, flipped, WHOQOL_DOMAINS), project=None, domain="social")
    assert row["alpha"] <= 0 and np.isnan(row["s_diff"]) and pd.isna(row["improved"])
    assert row["note"] == "reliable change not defined: alpha is 0 or below"
    rel = oc.reliability(scores, flipped, WHOQOL_DOMAINS)
    assert (rel.loc[rel["domain"] == "social", "note"] == oc.NOTE_ALPHA_NEGATIVE).any()


def test_rci_definition_by_hand(whoqol):
    """RCI = (b − a) / (√2 · SD₁ · √(1 − α)), SD₁ and α from wave a of the programme."""
    scores, items = whoqol
    s = scores.loc[~scores["discarded"]]
    it = items.merge(s[list(oc.KEYS)], on=list(oc.KEYS))
    for domain, cols in WHOQOL_DOMAINS.items():
        sd1 = s.loc[s["wave"] == 1, domain].dropna().std(ddof=1)
        x = it.loc[it["wave"] == 1, cols].dropna().to_numpy()
        k = len(cols)
        alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
        wide = s.pivot_table(index=["project", "respondent"], columns="wave", values=domain)
        both = wide[[1, 3]].dropna()
        rci = (both[3] - both[1]) / (np.sqrt(2) * sd1 * np.sqrt(1 - alpha))
        row = _row(oc.paired_change(scores, items, WHOQOL_DOMAINS), project=None, domain=domain)
        assert row["rci_critical"] == pytest.approx(1.96 * np.sqrt(2) * sd1 * np.sqrt(1 - alpha))
        assert row["improved"] == (rci > 1.96).sum()
        assert row["deteriorated"] == (rci < -1.96).sum()
        assert row["unchanged"] == len(rci) - row["improved"] - row["deteriorated"]


def test_min_n_boundary(edge, edge_tables):
    paired = edge_tables["paired"]
    assert not _row(paired, project="Exact", domain="qol")["suppressed"]  # n = min_n = 5
    short = _row(paired, project="Short", domain="qol")  # n = min_n − 1 = 4
    assert short["suppressed"] and short["n"] == 4 and np.isnan(short["mean_diff"])
    mixed = edge_tables["mixed"]
    assert not mixed.loc[mixed["project"] == "Exact", "suppressed"].any()
    assert mixed.loc[mixed["project"] == "Short", "suppressed"].all()
    # one more required: Exact is withheld, Zero (6 clients) still shown
    t6 = oc.outcome_tables(edge[0], edge[1], EDGE_DOMAINS, min_n=6)
    assert _row(t6["paired"], project="Exact", domain="qol")["suppressed"]
    assert not _row(t6["paired"], project="Zero", domain="qol")["suppressed"]


def test_projects_with_one_wave_or_no_wave_2(edge_tables):
    paired, link = edge_tables["paired"], edge_tables["linkage"]
    single = _row(paired, project="Single", domain="qol")
    assert single["n"] == 0 and single["suppressed"]
    patterns = link.loc[(link["project"] == "Single") & (link["kind"] == "pattern")]
    assert list(patterns.loc[patterns["n"] > 0, "pattern"]) == ["1 only"]
    # Skip has waves 1 and 3 only: paired change 1 → 3 stands, its mixed model is withheld
    assert not _row(paired, project="Skip", domain="qol")["suppressed"]
    patterns = link.loc[(link["project"] == "Skip") & (link["kind"] == "pattern")]
    assert list(patterns.loc[patterns["n"] > 0, "pattern"]) == ["1-3"]
    skip = link.loc[(link["project"] == "Skip") & (link["kind"] == "wave")]
    assert list(skip["n"]) == [8, 0, 8]
    mixed = edge_tables["mixed"]
    assert mixed.loc[mixed["project"] == "Skip", "suppressed"].all()


def test_programme_with_waves_1_and_3_only(edge):
    scores, items = edge
    keep = scores["wave"] != 2
    t = oc.outcome_tables(scores.loc[keep], items, EDGE_DOMAINS, good_threshold=("qol_raw", 4))
    assert t["mixed"].empty  # two waves: no mixed model
    row = _row(t["paired"], project=None, domain="qol")
    assert (row["from_wave"], row["to_wave"]) == (1, 3)
    full = _row(oc.paired_change(scores, items, EDGE_DOMAINS), project=None, domain="qol")
    assert row["n"] == full["n"] and row["mean_diff"] == pytest.approx(full["mean_diff"])
    with pytest.raises(UserError, match="wave 2"):
        oc.paired_change(scores.loc[keep], items, EDGE_DOMAINS, from_wave=1, to_wave=2)


def test_client_with_waves_1_and_3_in_a_three_wave_design(edge, edge_tables):
    scores, items = edge
    s = scores.loc[~scores["discarded"] & (scores["project"] == "Base")]
    waves = s.groupby("respondent")["wave"].apply(lambda w: tuple(sorted(w)))
    n13 = int((waves == (1, 3)).sum())
    assert n13 > 0
    assert _row(edge_tables["linkage"], project="Base", kind="pattern", pattern="1-3")["n"] == n13
    # they count in 1 → 3 and in the mixed model, not in 1 → 2
    p13 = _row(edge_tables["paired"], project="Base", domain="flat")["n"]
    p12 = _row(
        oc.paired_change(scores, items, EDGE_DOMAINS, from_wave=1, to_wave=2),
        project="Base",
        domain="flat",
    )["n"]
    assert p13 == int(waves.map(lambda w: 1 in w and 3 in w).sum())
    assert p12 == int(waves.map(lambda w: 1 in w and 2 in w).sum())
    mixed = _row(edge_tables["mixed"], project="Base", domain="flat", term="wave:3")
    assert mixed["n_obs"] == s["flat"].notna().sum() and mixed["converged"]


def test_everyone_good_at_both_waves(edge_tables):
    eh = edge_tables["eurohis"]
    row = _row(eh, project="Zero", kind="change")
    assert row["n_good_from"] == row["n_good_to"] == 6
    assert row["n_became_good"] == row["n_became_not_good"] == 0
    assert np.isnan(row["statistic"]) and np.isnan(row["p"]) and row["note"] == oc.NOTE_MCNEMAR
    wave = _row(eh, project="Zero", kind="wave", wave=1)
    assert wave["share"] == 1 and wave["ci_high"] == 1 and wave["ci_low"] < 1


def test_project_where_no_client_is_seen_twice(edge_tables):
    mixed = edge_tables["mixed"]
    once = mixed.loc[mixed["project"] == "Once"]
    assert len(once) == 6 and not once["suppressed"].any()
    assert not once["converged"].any() and once["singular"].isna().all()
    assert once["estimate"].isna().all() and once["var_client"].isna().all()
    assert once["note"].str.contains("no client observed more than once").all()
    assert _row(edge_tables["paired"], project="Once", domain="qol")["n"] == 0
