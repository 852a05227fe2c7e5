"""Outcome indicators: change in client quality of life across survey waves.

One call handles one instrument (WHOQOL-BREF domains, the EUROHIS-QOL 8 index, …). The input is
a table of scored responses, one row per stored response:

``project`` (str), ``wave`` (int), ``respondent`` (pseudonym, str), ``discarded`` (bool), for
each domain ``d`` the 0–100 score ``d`` (NaN when not scored) and the instrument-scale score
``d_raw``, and optional background columns (``gender``, ``age_group``, ``service_type``…).
Item values (already reversed where the instrument reverses) come in a second table keyed by
``project``, ``wave`` and ``respondent``; ``domains`` maps each domain to its item columns.

Conventions (see DESIGN.md, "Statistics conventions"):

- Discarded responses are ignored. A *client* is a respondent pseudonym within a project (the
  same pseudonym in two projects is two clients). If a client has two stored responses in one
  wave, the later row of ``scores`` is used.
- Every table has one row for the whole programme (``project`` missing) — always computed on
  all projects in ``scores`` — and one row per project (only those in ``projects`` if given).
- Paired change compares wave *a* (``from_wave``, default the first wave present) with wave *b*
  (``to_wave``, default the last) on clients scored in both, on the 0–100 scale.
- Suppression: a statistic resting on fewer than ``min_n`` clients is withheld: the row has
  ``suppressed = True`` and keeps only its keys and counts of clients (``n`` …); every other
  statistic is missing.
- A statistic that is not defined for the data (all changes equal, no variance at baseline,
  nobody changed category, no client seen twice …) is missing — never infinite — and the
  row's ``note`` says why. Where R computes such a figure, the same rule holds there (R
  refuses it too, or returns NaN): see tests/r/outcomes.R.

All statistics are checked against R on a committed test data set (tests/r/outcomes.R).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as _st

from evaltool.errors import UserError
from evaltool.indicators.stats import (
    ancova_effects,
    cohens_d_av_from_summary,
    cohens_dz_from_summary,
    cronbach_alpha_from_variances,
    feldt_ci,
    grouped_wilcoxon_signed_rank,
    holm,
    mcnemar_test,
    proportion_ci,
    random_intercept_reml,
    t_test_from_summary,
    two_sample_t_from_summary,
)

__all__ = [
    "ATTRITION_COLUMNS",
    "BENCHMARK_COLUMNS",
    "EUROHIS_COLUMNS",
    "LINKAGE_COLUMNS",
    "MIXED_COLUMNS",
    "PAIRED_COLUMNS",
    "RCI_COLUMNS",
    "RELIABILITY_COLUMNS",
    "SUBGROUP_COLUMNS",
    "attrition",
    "good_qol",
    "linkage",
    "mixed_models",
    "outcome_tables",
    "paired_change",
    "project_benchmark",
    "reliability",
    "reliable_change",
    "subgroups",
]

KEYS = ("project", "wave", "respondent")
RCI_Z = 1.96

_CHANGE_STATS = [
    "mean_from",
    "mean_to",
    "sd_from",
    "sd_to",
    "mean_diff",
    "sd_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
]
_RCI_COUNTS = [
    "improved",
    "unchanged",
    "deteriorated",
    "improved_share",
    "unchanged_share",
    "deteriorated_share",
]

PAIRED_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    *_CHANGE_STATS,
    "p_holm",
    "dz",
    "d_av",
    "wilcoxon_v",
    "wilcoxon_p",
    "rci_critical",
    *_RCI_COUNTS,
    "note",
    "suppressed",
]
"""Columns of :func:`paired_change`: ``n`` clients scored at both waves; ``mean_from``,
``mean_to``, ``sd_from``, ``sd_to`` of their scores; ``mean_diff`` and ``sd_diff`` of
``to − from``; ``ci_low``/``ci_high`` the 95 % t interval of the mean difference; paired
t-test ``t``, ``df``, ``p``; ``p_holm`` Holm-adjusted across the domains of the same project
and comparison; Cohen's ``dz`` and ``d_av``; Wilcoxon signed-rank ``wilcoxon_v`` (sum of
positive ranks) and ``wilcoxon_p``; ``rci_critical`` the change in score points needed for
a reliable change; counts and shares of clients reliably improved / unchanged /
deteriorated (see :func:`reliable_change`); ``note`` says why a statistic that the row should
have is missing (e.g. "t-test not defined: all changes are equal", "reliable change not
defined: baseline scores do not vary"), else empty."""

RCI_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    "sd_baseline",
    "n_sd_baseline",
    "alpha",
    "n_alpha",
    "s_diff",
    "rci_critical",
    *_RCI_COUNTS,
    "note",
    "suppressed",
]
"""Columns of :func:`reliable_change`: ``sd_baseline`` (SD₁) and ``alpha`` with the numbers
of responses they rest on, ``s_diff = √2 · SD₁ · √(1 − α)``, ``rci_critical = 1.96 · s_diff``,
counts and shares; ``note`` says why the categories are missing when they are."""

LINKAGE_COLUMNS = [
    "project",
    "kind",
    "wave",
    "from_wave",
    "to_wave",
    "pattern",
    "n",
    "base",
    "share",
    "suppressed",
]
"""Columns of :func:`linkage`; ``kind`` is ``clients``, ``wave``, ``link``, ``pattern`` or
``follow_up``; ``share = n / base``."""

ATTRITION_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    "n_followed",
    "n_lost",
    "mean_followed",
    "mean_lost",
    "sd_followed",
    "sd_lost",
    "mean_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "note",
    "suppressed",
]
"""Columns of :func:`attrition`; ``mean_diff = mean_followed − mean_lost`` (Welch); ``note``
says why the test is missing when it is."""

RELIABILITY_COLUMNS = [
    "project",
    "domain",
    "wave",
    "n",
    "k",
    "alpha",
    "ci_low",
    "ci_high",
    "note",
    "suppressed",
]
"""Columns of :func:`reliability`: ``n`` complete cases, ``k`` items, Cronbach's ``alpha``
with its Feldt 95 % interval; ``note`` flags an undefined (item sum constant) or negative
alpha."""

MIXED_COLUMNS = [
    "project",
    "domain",
    "term",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "var_client",
    "var_residual",
    "converged",
    "singular",
    "n",
    "n_obs",
    "note",
    "suppressed",
]
"""Columns of :func:`mixed_models`: one row per fixed effect ``term`` (``intercept`` = mean
at the first wave, ``wave:K`` = wave K minus the first wave); ``var_client`` and
``var_residual`` the REML variance components; ``converged``; ``singular`` (client variance
at zero; missing when the model was not estimated); ``n`` clients and ``n_obs`` responses in
the model; ``note`` why a model is singular or was not estimated."""

SUBGROUP_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "variable",
    "level",
    "threshold",
    "n",
    *_CHANGE_STATS,
    "dz",
    "d_av",
    "wilcoxon_v",
    "wilcoxon_p",
    "note",
    "suppressed",
]
"""Columns of :func:`subgroups`: the paired-change statistics within each ``level`` of
``variable`` (``baseline`` or a background column); ``note`` as in :data:`PAIRED_COLUMNS`."""

BENCHMARK_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    "mean_from",
    "mean_to",
    "baseline_ref",
    "adjusted_change",
    "adjusted_se",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "effect",
    "effect_se",
    "effect_ci_low",
    "effect_ci_high",
    "effect_t",
    "effect_p",
    "df",
    "baseline_slope",
    "note",
    "suppressed",
]
"""Columns of :func:`project_benchmark`; ``note`` says why the ANCOVA figures are missing
when they are."""

EUROHIS_COLUMNS = [
    "project",
    "domain",
    "kind",
    "wave",
    "from_wave",
    "to_wave",
    "threshold",
    "n",
    "n_good",
    "share",
    "ci_low",
    "ci_high",
    "n_good_from",
    "n_good_to",
    "n_became_good",
    "n_became_not_good",
    "statistic",
    "p",
    "note",
    "suppressed",
]
"""Columns of :func:`good_qol`; ``kind`` is ``wave`` (share per wave, Wilson interval) or
``change`` (paired clients, McNemar test); ``note`` says why the test is missing when it
is (nobody changed category)."""

_COUNT_COLUMNS = {
    "n",
    "k",
    "n_followed",
    "n_lost",
    "n_good",
    "n_obs",
    "n_sd_baseline",
    "n_alpha",
    "n_good_from",
    "n_good_to",
    "n_became_good",
    "n_became_not_good",
    "improved",
    "unchanged",
    "deteriorated",
    "base",
    "from_wave",
    "to_wave",
    "wave",
}
_KEPT_COUNTS = {"n", "k", "n_followed", "n_lost", "n_obs", "base", "n_sd_baseline", "n_alpha"}
"""Counts of clients that a withheld row keeps; every other statistic is withheld."""
_KEY_COLUMNS = {
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
}


# --------------------------------------------------------------------------------------------
# The panel: responses as arrays (wave × client)
# --------------------------------------------------------------------------------------------


@dataclass
class _Panel:
    """Scored responses as ``(wave, client)`` arrays; built once per call."""

    waves: np.ndarray  # sorted wave numbers present (non-discarded responses)
    projects: pd.Index  # sorted project names
    client_project: np.ndarray  # (C,) project code of each client
    present: np.ndarray  # (W, C) client has a response at wave
    domains: list[str]
    score: dict[str, np.ndarray]  # domain -> (W, C) 0–100 score, NaN if missing
    extra: dict[str, np.ndarray]  # other numeric columns (e.g. index_raw) -> (W, C)
    background: dict[str, tuple[np.ndarray, pd.Index]]  # column -> ((W, C) codes, levels)
    respondents: pd.Index  # respondent pseudonyms (for joining items)
    client_keys: np.ndarray  # sorted project_code * R + respondent_code, position = client
    selected: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_clients(self) -> int:
        return int(self.client_project.size)

    @property
    def n_projects(self) -> int:
        return len(self.projects)

    def wave_index(self, wave: int) -> int:
        return int(np.searchsorted(self.waves, wave))


def _domain_names(domains: Mapping[str, Sequence[str]] | Sequence[str]) -> list[str]:
    if isinstance(domains, str):
        return [domains]
    return list(domains.keys()) if isinstance(domains, Mapping) else list(domains)


def _build_panel(
    scores: pd.DataFrame,
    domains: Sequence[str],
    *,
    extra: Sequence[str] = (),
    background: Sequence[str] = (),
    projects: Sequence[str] | None = None,
) -> _Panel:
    missing = [c for c in (*KEYS, *domains, *extra) if c not in scores.columns]
    if missing:
        raise UserError(f"scores table lacks column(s): {', '.join(missing)}")
    df = scores
    if "discarded" in df.columns:
        disc = df["discarded"].fillna(False).astype(bool).to_numpy()
        if disc.any():
            df = df.loc[~disc]
    proj_codes, proj_names = pd.factorize(df["project"].astype(str), sort=True)
    resp_codes, resp_names = pd.factorize(df["respondent"].astype(str))
    waves_col = pd.to_numeric(df["wave"]).to_numpy()
    if np.isnan(waves_col.astype(float)).any():
        raise UserError("scores table has responses without a wave")
    waves_col = waves_col.astype(np.int64)
    waves = np.unique(waves_col)
    W = waves.size
    ckey = proj_codes.astype(np.int64) * max(len(resp_names), 1) + resp_codes
    client_keys, client = np.unique(ckey, return_inverse=True)
    C = client_keys.size
    wi = np.searchsorted(waves, waves_col)
    # one response per client and wave: the last row wins
    cell = client * W + wi
    last = ~pd.Series(cell).duplicated(keep="last").to_numpy()
    wi, client = wi[last], client[last]
    client_project = np.zeros(C, dtype=np.int64)
    client_project[client] = proj_codes[last]
    present = np.zeros((W, C), dtype=bool)
    present[wi, client] = True

    def to_panel(col: str) -> np.ndarray:
        arr = np.full((W, C), np.nan)
        arr[wi, client] = pd.to_numeric(df[col], errors="coerce").to_numpy(float)[last]
        return arr

    bg: dict[str, tuple[np.ndarray, pd.Index]] = {}
    for col in background:
        if col in df.columns:
            codes, levels = pd.factorize(df[col].to_numpy()[last], sort=True)
            arr = np.full((W, C), -1, dtype=np.int64)
            arr[wi, client] = codes
            bg[col] = (arr, pd.Index(levels))
    panel = _Panel(
        waves=waves,
        projects=pd.Index(proj_names),
        client_project=client_project,
        present=present,
        domains=list(domains),
        score={d: to_panel(d) for d in domains},
        extra={c: to_panel(c) for c in extra},
        background=bg,
        respondents=pd.Index(resp_names),
        client_keys=client_keys,
    )
    if projects is None:
        panel.selected = np.arange(panel.n_projects)
    else:
        wanted = [str(p) for p in projects]
        unknown = [p for p in wanted if p not in panel.projects]
        if unknown:
            raise UserError(f"no responses for project(s): {', '.join(unknown)}")
        panel.selected = np.sort(panel.projects.get_indexer(wanted))
    return panel


def _resolve_waves(panel: _Panel, from_wave: int | None, to_wave: int | None) -> tuple[int, int]:
    """The compared waves; ``(-1, -1)`` when the data hold fewer than two waves."""
    if panel.waves.size == 0:
        return -1, -1
    a = int(panel.waves[0]) if from_wave is None else int(from_wave)
    b = int(panel.waves[-1]) if to_wave is None else int(to_wave)
    for w in (a, b):
        if w not in set(panel.waves.tolist()):
            raise UserError(f"wave {w} has no responses")
    if from_wave is None and to_wave is None and a == b:
        return -1, -1
    if a >= b:
        raise UserError(f"from_wave ({a}) must come before to_wave ({b})")
    return a, b


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _group_mean_sd(
    g: np.ndarray, x: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and SD (n − 1) of ``x`` per group code (two-pass)."""
    n = np.bincount(g, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(g, x, minlength=n_groups) / n
        dev = x - mean[g]
        var = np.bincount(g, dev * dev, minlength=n_groups) / (n - 1)
    mean = np.where(n > 0, mean, np.nan)
    sd = np.where(n > 1, np.sqrt(var), np.nan)
    return n, mean, sd


def _notes(n_rows: int, *parts: tuple[np.ndarray | bool, str]) -> np.ndarray:
    """Per-row notes: the texts whose mask is true, joined with "; "; ``None`` where none."""
    out = np.full(n_rows, None, dtype=object)
    for mask, text in parts:
        m = np.broadcast_to(np.asarray(mask, dtype=bool), (n_rows,))
        for i in np.flatnonzero(m):
            out[i] = text if out[i] is None else f"{out[i]}; {text}"
    return out


def _merge_notes(*notes: np.ndarray) -> np.ndarray:
    """Row-wise join of several note arrays (``None`` = no note)."""
    first = np.asarray(notes[0], dtype=object)
    out = np.full(first.size, None, dtype=object)
    for arr in notes:
        arr = np.broadcast_to(np.asarray(arr, dtype=object), out.shape)
        for i in np.flatnonzero(pd.notna(arr)):
            out[i] = arr[i] if out[i] is None else f"{out[i]}; {arr[i]}"
    return out


NOTE_TOO_FEW = "too few clients for a test"
NOTE_T_CONSTANT = "t-test and dz not defined: all changes are equal"
NOTE_NO_CHANGE = "Wilcoxon test not defined: no client's score changed"
NOTE_D_AV = "d_av not defined: scores do not vary at either wave"


def _change_stats(g: np.ndarray, n_groups: int, a: np.ndarray, b: np.ndarray) -> dict:
    """Paired-change statistics of ``b − a`` per group code (all groups in one pass)."""
    d = b - a
    n, mean_a, sd_a = _group_mean_sd(g, a, n_groups)
    _, mean_b, sd_b = _group_mean_sd(g, b, n_groups)
    _, mean_d, sd_d = _group_mean_sd(g, d, n_groups)
    tt = t_test_from_summary(mean_d, sd_d, n)
    wil = grouped_wilcoxon_signed_rank(d, g, n_groups)
    # equal changes (also equal up to rounding noise, as R's t.test judges "essentially
    # constant") leave the t-test and dz undefined; SDs that are rounding noise of equal
    # scores leave d_av undefined
    t_undefined = (n > 1) & ~np.isfinite(np.asarray(tt.t, dtype=float))
    level = np.fmax(np.fmax(np.abs(mean_a), np.abs(mean_b)), 1.0)
    with np.errstate(invalid="ignore"):
        flat = (n > 1) & (sd_a + sd_b <= 1e-12 * level)
    note = _notes(
        n_groups,
        (n == 1, NOTE_TOO_FEW),
        (t_undefined, NOTE_T_CONSTANT),
        ((n > 1) & (wil.n == 0), NOTE_NO_CHANGE),
        (flat, NOTE_D_AV),
    )
    return {
        "n": n,
        "mean_from": mean_a,
        "mean_to": mean_b,
        "sd_from": sd_a,
        "sd_to": sd_b,
        "mean_diff": mean_d,
        "sd_diff": sd_d,
        "ci_low": tt.ci_low,
        "ci_high": tt.ci_high,
        "t": tt.t,
        "df": tt.df,
        "p": tt.p,
        "dz": np.where(t_undefined, np.nan, cohens_dz_from_summary(mean_d, sd_d)),
        "d_av": np.where(flat, np.nan, cohens_d_av_from_summary(mean_d, sd_a, sd_b)),
        "wilcoxon_v": wil.v,
        "wilcoxon_p": wil.p,
        "note": note,
    }


def _take(stats: dict, idx: np.ndarray) -> dict:
    return {k: np.asarray(v)[idx] for k, v in stats.items()}


def _concat_stats(parts: list[dict]) -> dict:
    keys = parts[0].keys()
    return {k: np.concatenate([np.atleast_1d(p[k]) for p in parts]) for k in keys}


def _frame(columns: list[str], data: dict, n_rows: int | None = None) -> pd.DataFrame:
    """A table with exactly ``columns``; absent columns are missing."""
    if n_rows is None:
        n_rows = len(next(iter(data.values()))) if data else 0
    out = {}
    for c in columns:
        if c in data:
            v = data[c]
            out[c] = v if isinstance(v, (list, np.ndarray, pd.Series)) else [v] * n_rows
        else:
            out[c] = np.full(n_rows, np.nan)
    return pd.DataFrame(out, columns=columns)


def _finish(df: pd.DataFrame, columns: list[str], min_n_mask: np.ndarray | None) -> pd.DataFrame:
    """Apply suppression (``min_n_mask`` True = withhold) and tidy the column types."""
    df = df.loc[:, columns].reset_index(drop=True)
    if min_n_mask is None:
        min_n_mask = np.zeros(len(df), dtype=bool)
    mask = np.asarray(min_n_mask, dtype=bool)
    withhold = [c for c in columns if c not in _KEY_COLUMNS and c not in _KEPT_COUNTS]
    if mask.any():
        for c in withhold:
            if df[c].dtype == bool:
                df[c] = df[c].astype("boolean")
            if df[c].dtype == object or isinstance(df[c].dtype, pd.StringDtype):
                df[c] = df[c].astype(object)
                df.loc[mask, c] = None
            else:
                df.loc[mask, c] = np.nan
    df["suppressed"] = mask
    for c in columns:
        if c in _COUNT_COLUMNS and c in df.columns:
            df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64")
    for c in ("project", "note"):
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def _empty(columns: list[str]) -> pd.DataFrame:
    return _finish(pd.DataFrame({c: [] for c in columns}), columns, None)


def _project_labels(panel: _Panel, with_programme: bool = True) -> list:
    labels = [panel.projects[i] for i in panel.selected]
    return ([None] if with_programme else []) + labels


def _programme_and_projects(
    panel: _Panel, codes: np.ndarray, values: Sequence[np.ndarray], fn
) -> dict:
    """Run ``fn(group_codes, n_groups, *values)`` for the programme (one group) and the
    projects, and return the stats for the programme row followed by the selected projects."""
    prog = fn(np.zeros(codes.size, dtype=np.int64), 1, *values)
    proj = fn(codes, panel.n_projects, *values)
    return _concat_stats([prog, _take(proj, panel.selected)])


# --------------------------------------------------------------------------------------------
# Linkage and attrition
# --------------------------------------------------------------------------------------------


def _pattern_label(mask: int, waves: np.ndarray) -> str:
    ws = [str(int(w)) for j, w in enumerate(waves) if mask >> j & 1]
    return ws[0] + " only" if len(ws) == 1 else "-".join(ws)


def _linkage(panel: _Panel, a: int, b: int, min_n: int) -> pd.DataFrame:
    W, P = panel.waves.size, panel.n_projects
    if W == 0:
        return _empty(LINKAGE_COLUMNS)
    cp = panel.client_project
    sel = panel.selected

    def counts(mask: np.ndarray) -> np.ndarray:
        """Programme count followed by selected projects' counts."""
        per = np.bincount(cp[mask], minlength=P)
        return np.r_[mask.sum(), per[sel]]

    labels = _project_labels(panel)
    n_rows = len(labels)
    parts: list[dict] = []
    any_wave = panel.present.any(axis=0)
    clients = counts(any_wave)
    parts.append({"kind": "clients", "n": clients, "base": np.full(n_rows, np.nan)})
    for j, w in enumerate(panel.waves):
        parts.append({"kind": "wave", "wave": w, "n": counts(panel.present[j]), "base": clients})
    at = {j: counts(panel.present[j]) for j in range(W)}
    for i in range(W):
        for j in range(i + 1, W):
            both = panel.present[i] & panel.present[j]
            parts.append(
                {
                    "kind": "link",
                    "from_wave": panel.waves[i],
                    "to_wave": panel.waves[j],
                    "n": counts(both),
                    "base": at[i],
                }
            )
    bits = (panel.present.astype(np.int64) << np.arange(W)[:, None]).sum(axis=0)
    for mask in sorted(np.unique(bits[bits > 0]), key=lambda m: (-bin(m).count("1"), m)):
        parts.append(
            {
                "kind": "pattern",
                "pattern": _pattern_label(int(mask), panel.waves),
                "n": counts(bits == mask),
                "base": clients,
            }
        )
    if a >= 0:
        ia, ib = panel.wave_index(a), panel.wave_index(b)
        parts.append(
            {
                "kind": "follow_up",
                "from_wave": a,
                "to_wave": b,
                "n": counts(panel.present[ia] & panel.present[ib]),
                "base": at[ia],
            }
        )
    frames = []
    for part in parts:
        data = {"project": labels, **part}
        base = np.asarray(part["base"], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            data["share"] = np.asarray(part["n"], dtype=float) / base
        frames.append(_frame(LINKAGE_COLUMNS, data, n_rows))
    df = pd.concat(frames, ignore_index=True)
    # programme row first, then projects, each in the order of the parts
    order = np.lexsort((np.arange(len(df)), np.tile(np.arange(n_rows), len(parts))))
    df = df.iloc[order]
    base = df["base"].to_numpy(float)
    mask = np.isfinite(base) & (base < min_n)
    return _finish(df, LINKAGE_COLUMNS, mask)


def linkage(
    scores: pd.DataFrame,
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Clients per wave, links between waves, wave patterns and the follow-up rate.

    Counts clients with a stored, non-discarded response (whatever their scores). Rows by
    ``kind``: ``clients`` (clients with any response), ``wave`` (clients at ``wave``;
    ``share`` of all clients), ``link`` (clients at both ``from_wave`` and ``to_wave``, for
    every pair of waves; ``share`` = retained share of ``from_wave``), ``pattern`` (clients
    with exactly the waves in ``pattern``, e.g. ``1-2-3``, ``1-3``, ``1 only``), and
    ``follow_up`` (the compared waves: ``share`` is the follow-up rate). ``share = n / base``
    is withheld when ``base < min_n``. Columns: :data:`LINKAGE_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, [], projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    return _linkage(panel, a, b, min_n)


NOTE_ATTRITION_CONSTANT = "t-test not defined: baseline scores do not vary in either group"


def _attrition(panel: _Panel, a: int, b: int, min_n: int) -> pd.DataFrame:
    if a < 0 or not panel.domains:
        return _empty(ATTRITION_COLUMNS)
    ia, ib = panel.wave_index(a), panel.wave_index(b)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        base = np.isfinite(s[ia])
        followed = base & np.isfinite(s[ib])
        lost = base & ~np.isfinite(s[ib])

        def stats(g, n_groups, x, fmask, lmask):
            nf, mf, sf = _group_mean_sd(g[fmask], x[fmask], n_groups)
            nl, ml, sl = _group_mean_sd(g[lmask], x[lmask], n_groups)
            tt = two_sample_t_from_summary(mf, sf, nf, ml, sl, nl)
            note = _notes(
                n_groups,
                (((nf == 1) | (nl == 1)) & (nf > 0) & (nl > 0), NOTE_TOO_FEW),
                ((nf > 1) & (nl > 1) & ~np.isfinite(np.asarray(tt.t, dtype=float)),
                 NOTE_ATTRITION_CONSTANT),
            )
            return {
                "n_followed": nf,
                "n_lost": nl,
                "mean_followed": mf,
                "mean_lost": ml,
                "sd_followed": sf,
                "sd_lost": sl,
                "mean_diff": np.asarray(tt.estimate),
                "ci_low": np.asarray(tt.ci_low),
                "ci_high": np.asarray(tt.ci_high),
                "t": np.asarray(tt.t),
                "df": np.asarray(tt.df),
                "p": np.asarray(tt.p),
                "note": note,
            }

        data = _programme_and_projects(panel, panel.client_project, (s[ia], followed, lost), stats)
        data["n"] = data["n_followed"] + data["n_lost"]
        data.update(project=_project_labels(panel), domain=d, from_wave=a, to_wave=b)
        frames.append(_frame(ATTRITION_COLUMNS, data))
    df = _programme_first(pd.concat(frames, ignore_index=True))
    mask = (df["n_followed"].to_numpy() < min_n) | (df["n_lost"].to_numpy() < min_n)
    return _finish(df, ATTRITION_COLUMNS, mask)


def _programme_first(df: pd.DataFrame) -> pd.DataFrame:
    """Order rows: the programme first, then projects in name order; stable within."""
    proj = df["project"]
    rank = np.where(proj.isna(), -1, pd.factorize(proj.fillna(""), sort=True)[0])
    return df.iloc[np.lexsort((np.arange(len(df)), rank))]


def attrition(
    scores: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Baseline scores of clients with and without follow-up, per domain.

    Among clients scored in the domain at ``from_wave``, *followed* are those also scored at
    ``to_wave`` (the clients of :func:`paired_change`), *lost* the others. Reports both
    groups' baseline mean and SD, ``mean_diff = mean_followed − mean_lost`` with the Welch
    95 % interval and test (Welch 1947; R ``t.test(followed, lost)``). Withheld when either
    group has fewer than ``min_n`` clients. Columns: :data:`ATTRITION_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, _domain_names(domains), projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    return _attrition(panel, a, b, min_n)


# --------------------------------------------------------------------------------------------
# Reliability (Cronbach's alpha)
# --------------------------------------------------------------------------------------------


@dataclass
class _Alpha:
    """Cronbach's alpha per domain: programme (per wave) and project × wave arrays."""

    n_prog: dict[str, np.ndarray] = field(default_factory=dict)  # (W,)
    alpha_prog: dict[str, np.ndarray] = field(default_factory=dict)
    n_proj: dict[str, np.ndarray] = field(default_factory=dict)  # (P, W)
    alpha_proj: dict[str, np.ndarray] = field(default_factory=dict)
    k: dict[str, int] = field(default_factory=dict)


def _item_rows(items: pd.DataFrame, panel: _Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map item rows onto the panel: (row mask, wave index, client) of usable rows."""
    missing = [c for c in KEYS if c not in items.columns]
    if missing:
        raise UserError(f"items table lacks column(s): {', '.join(missing)}")
    pc = panel.projects.get_indexer(items["project"].astype(str))
    rc = panel.respondents.get_indexer(items["respondent"].astype(str))
    wv = pd.to_numeric(items["wave"], errors="coerce").to_numpy(float)
    wi = np.searchsorted(panel.waves, wv)
    wi_ok = (wi < panel.waves.size) & (panel.waves[np.minimum(wi, panel.waves.size - 1)] == wv)
    key = pc.astype(np.int64) * max(len(panel.respondents), 1) + rc
    ci = np.searchsorted(panel.client_keys, key)
    ci_ok = (ci < panel.client_keys.size) & (
        panel.client_keys[np.minimum(ci, panel.client_keys.size - 1)] == key
    )
    ok = (pc >= 0) & (rc >= 0) & wi_ok & ci_ok
    wi = np.where(ok, wi, 0)
    ci = np.where(ok, ci, 0)
    ok &= panel.present[wi, ci]  # drops discarded responses
    # one row per client and wave: the last one
    cell = ci * panel.waves.size + wi
    dup = pd.Series(np.where(ok, cell, -1 - np.arange(cell.size))).duplicated(keep="last")
    ok &= ~dup.to_numpy()
    return ok, wi, ci


def _alpha_arrays(
    items: pd.DataFrame | None, panel: _Panel, domains: Mapping[str, Sequence[str]]
) -> _Alpha:
    out = _Alpha()
    if items is None:
        return out
    ok, wi, ci = _item_rows(items, panel)
    W, P = panel.waves.size, panel.n_projects
    for d in panel.domains:
        cols = list(domains.get(d, [])) if isinstance(domains, Mapping) else []
        if not cols:
            continue
        lacking = [c for c in cols if c not in items.columns]
        if lacking:
            raise UserError(f"items table lacks item column(s) of {d}: {', '.join(lacking)}")
        x = items[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        rows = ok & np.isfinite(x).all(axis=1)
        x = x[rows]
        w = wi[rows]
        pw = panel.client_project[ci[rows]] * W + w
        k = len(cols)
        total = x.sum(axis=1)
        res = {}
        for name, g, G in (("prog", w, W), ("proj", pw, P * W)):
            n = np.bincount(g, minlength=G)
            item_var = np.zeros(G)
            for j in range(k):
                item_var += _group_mean_sd(g, x[:, j], G)[2] ** 2
            tot_var = _group_mean_sd(g, total, G)[2] ** 2
            res[name] = (n, np.asarray(cronbach_alpha_from_variances(k, item_var, tot_var)))
        out.n_prog[d], out.alpha_prog[d] = res["prog"]
        out.n_proj[d] = res["proj"][0].reshape(P, W)
        out.alpha_proj[d] = res["proj"][1].reshape(P, W)
        out.k[d] = k
    return out


NOTE_ALPHA_UNDEFINED = "alpha not defined: the item sum does not vary"
NOTE_ALPHA_NEGATIVE = "alpha below 0: items correlate negatively (check reversed items)"


def _reliability(panel: _Panel, alphas: _Alpha, min_n: int) -> pd.DataFrame:
    frames = []
    W = panel.waves.size
    labels = _project_labels(panel)
    for d in panel.domains:
        if d not in alphas.k:
            continue
        k = alphas.k[d]
        for j, w in enumerate(panel.waves):
            n = np.r_[alphas.n_prog[d][j], alphas.n_proj[d][panel.selected, j]]
            a = np.r_[alphas.alpha_prog[d][j], alphas.alpha_proj[d][panel.selected, j]]
            lo, hi = feldt_ci(a, n, np.full(n.size, k))
            note = _notes(
                n.size,
                ((n >= 2) & ~np.isfinite(a), NOTE_ALPHA_UNDEFINED),
                (np.isfinite(a) & (a < 0), NOTE_ALPHA_NEGATIVE),
            )
            frames.append(
                _frame(
                    RELIABILITY_COLUMNS,
                    {
                        "project": labels,
                        "domain": d,
                        "wave": w,
                        "n": n,
                        "k": k,
                        "alpha": a,
                        "ci_low": np.atleast_1d(lo),
                        "ci_high": np.atleast_1d(hi),
                        "note": note,
                    },
                )
            )
    if not frames or W == 0:
        return _empty(RELIABILITY_COLUMNS)
    df = _programme_first(pd.concat(frames, ignore_index=True))
    return _finish(df, RELIABILITY_COLUMNS, df["n"].to_numpy() < min_n)


def reliability(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    domains: Mapping[str, Sequence[str]],
    *,
    min_n: int = 5,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha per domain and wave (programme and projects) with the Feldt interval.

    Uses the item values of the non-discarded responses in ``scores``, complete cases per
    domain: ``α = k/(k − 1) · (1 − Σ s²_item / s²_sum)`` (Cronbach 1951), interval by Feldt
    (1965); as ``psych::alpha`` (``raw_alpha``, ``feldt``) except that an item without
    variance still counts in ``k`` (psych drops it from α with a warning, although it stays
    in the score). When the item sum does not vary α is undefined (missing, with a
    ``note``); a negative α is shown with a note. Withheld when fewer than ``min_n``
    complete cases. Columns: :data:`RELIABILITY_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, _domain_names(domains), projects=projects)
    return _reliability(panel, _alpha_arrays(items, panel, domains), min_n)


# --------------------------------------------------------------------------------------------
# Paired change and reliable change
# --------------------------------------------------------------------------------------------


@dataclass
class _RciReference:
    """SD₁ and α of one domain at the baseline wave, and ``S_diff`` (NaN with a ``note``
    when the reliable change index is not defined or not computed)."""

    sd1: float
    n_sd: int
    alpha: float
    n_alpha: int
    s_diff: float
    note: str | None


def _rci_reference(panel: _Panel, alphas: _Alpha, d: str, ia: int, min_n: int) -> _RciReference:
    """SD₁, α and ``S_diff = √2 · SD₁ · √(1 − α)`` of domain ``d`` at wave index ``ia``.

    ``S_diff`` is defined only for ``SD₁ > 0`` and ``0 < α < 1``: a zero SD or ``α = 1``
    would divide by zero, an undefined α (the item sum does not vary) gives no reliability,
    and ``α ≤ 0`` is no reliability coefficient (Jacobson & Truax need ``0 < r_xx < 1``).
    """
    base = panel.score[d][ia]
    base = base[np.isfinite(base)]
    n_sd = base.size
    sd1 = float(base.std(ddof=1)) if n_sd > 1 else np.nan
    n_alpha = int(alphas.n_prog[d][ia]) if d in alphas.k else 0
    alpha = float(alphas.alpha_prog[d][ia]) if d in alphas.k else np.nan
    if d not in alphas.k:
        note = "reliable change not computed: no item values for Cronbach's alpha"
    elif n_sd < max(min_n, 2) or n_alpha < max(min_n, 2):
        note = "reliable change not computed: too few baseline responses for SD and alpha"
    elif not sd1 > 1e-12 * max(1.0, abs(float(base.mean()))):  # 0 up to rounding noise
        note = "reliable change not defined: baseline scores do not vary (SD = 0)"
    elif not np.isfinite(alpha):
        note = "reliable change not defined: alpha undefined (baseline item sum does not vary)"
    elif alpha >= 1 - 1e-12:  # 1 up to rounding noise, e.g. identical items
        note = "reliable change not defined: alpha is 1"
    elif alpha <= 0:
        note = "reliable change not defined: alpha is 0 or below"
    else:
        note = None
    s_diff = float(np.sqrt(2) * sd1 * np.sqrt(1 - alpha)) if note is None else np.nan
    return _RciReference(sd1, n_sd, alpha, n_alpha, s_diff, note)


def _rci_counts(g: np.ndarray, n_groups: int, d: np.ndarray, s_diff: float) -> dict:
    n = np.bincount(g, minlength=n_groups)
    if not np.isfinite(s_diff):
        nan = np.full(n_groups, np.nan)
        return {"n": n, **{c: nan for c in _RCI_COUNTS}}
    rci = d / s_diff
    imp = np.bincount(g, rci > RCI_Z, minlength=n_groups)
    det = np.bincount(g, rci < -RCI_Z, minlength=n_groups)
    unc = n - imp - det
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "n": n,
            "improved": imp,
            "unchanged": unc,
            "deteriorated": det,
            "improved_share": imp / n,
            "unchanged_share": unc / n,
            "deteriorated_share": det / n,
        }


def _reliable_change(panel: _Panel, alphas: _Alpha, a: int, b: int, min_n: int) -> pd.DataFrame:
    if a < 0 or not panel.domains:
        return _empty(RCI_COLUMNS)
    ia, ib = panel.wave_index(a), panel.wave_index(b)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[ia]) & np.isfinite(s[ib])
        diff = (s[ib] - s[ia])[both]
        ref = _rci_reference(panel, alphas, d, ia, min_n)
        data = _programme_and_projects(
            panel,
            panel.client_project[both],
            (diff, ref.s_diff),
            _rci_counts,
        )
        labels = _project_labels(panel)
        data.update(
            project=labels,
            domain=d,
            from_wave=a,
            to_wave=b,
            sd_baseline=ref.sd1 if ref.n_sd >= min_n else np.nan,
            n_sd_baseline=ref.n_sd,
            alpha=ref.alpha if ref.n_alpha >= min_n else np.nan,
            n_alpha=ref.n_alpha,
            s_diff=ref.s_diff,
            rci_critical=RCI_Z * ref.s_diff,
            note=np.full(len(labels), ref.note, dtype=object),
        )
        frames.append(_frame(RCI_COLUMNS, data))
    df = _programme_first(pd.concat(frames, ignore_index=True))
    return _finish(df, RCI_COLUMNS, df["n"].to_numpy() < min_n)


def reliable_change(
    scores: pd.DataFrame,
    items: pd.DataFrame | None,
    domains: Mapping[str, Sequence[str]],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Reliable Change Index categories (Jacobson & Truax 1991) per domain.

    ``RCI = (b − a) / (√2 · SD₁ · √(1 − α))`` (Jacobson & Truax 1991, with the √2 of
    Christensen & Mendoza 1986), where ``b − a`` is the client's change on the 0–100 scale,
    ``SD₁`` is the SD (n − 1) of all scored ``from_wave`` responses in the programme (one per
    client, discarded responses excluded) and ``α`` Cronbach's alpha of the ``from_wave``
    item values (after reversal) in the programme, complete cases. Clients with
    ``RCI > 1.96`` are *improved*, ``RCI < −1.96`` *deteriorated*, the rest *unchanged*;
    ``rci_critical = 1.96 · S_diff`` is the change in score points needed. The categories are
    missing, with a ``note`` saying why, without ``items`` (no α), when ``SD₁`` or ``α`` rest
    on fewer than ``min_n`` responses, and when the index is not defined: ``SD₁ = 0``, ``α``
    undefined (the baseline item sum does not vary), ``α = 1`` or ``α ≤ 0``.
    Columns: :data:`RCI_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, _domain_names(domains), projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    return _reliable_change(panel, _alpha_arrays(items, panel, domains), a, b, min_n)


def _paired(panel: _Panel, alphas: _Alpha, a: int, b: int, min_n: int) -> pd.DataFrame:
    if a < 0 or not panel.domains:
        return _empty(PAIRED_COLUMNS)
    ia, ib = panel.wave_index(a), panel.wave_index(b)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[ia]) & np.isfinite(s[ib])
        xa, xb = s[ia][both], s[ib][both]
        g = panel.client_project[both]
        data = _programme_and_projects(panel, g, (xa, xb), _change_stats)
        ref = _rci_reference(panel, alphas, d, ia, min_n)
        rci = _programme_and_projects(panel, g, (xb - xa, ref.s_diff), _rci_counts)
        rci.pop("n")
        data.update(rci)
        data.update(
            project=_project_labels(panel),
            domain=d,
            from_wave=a,
            to_wave=b,
            rci_critical=RCI_Z * ref.s_diff,
            note=_merge_notes(data["note"], ref.note),
        )
        frames.append(_frame(PAIRED_COLUMNS, data))
    df = pd.concat(frames, ignore_index=True)
    mask = df["n"].to_numpy() < min_n
    p = np.where(mask, np.nan, df["p"].to_numpy(float))
    df["p_holm"] = holm(p, df["project"].fillna("\x00programme").to_numpy(object))
    df = _programme_first(df)
    return _finish(df, PAIRED_COLUMNS, df["n"].to_numpy() < min_n)


def paired_change(
    scores: pd.DataFrame,
    items: pd.DataFrame | None,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Paired change from ``from_wave`` to ``to_wave`` per domain, programme and projects.

    On the ``n`` clients scored in the domain at both waves, with ``d = to − from``:
    mean and SD at each wave; ``mean_diff``, ``sd_diff``; 95 % interval
    ``mean_diff ± t(0.975, n − 1) · sd_diff/√n`` and the paired t-test (R
    ``t.test(to, from, paired = TRUE)``); the Wilcoxon signed-rank test with normal
    approximation and continuity correction on differences rounded to 1e-9 (R
    ``wilcox.test(paired = TRUE, exact = FALSE, correct = TRUE)``; ``V`` = sum of ranks of
    positive changes); ``p_holm``: Holm (1979) adjustment across the domains of the same
    project and comparison (R ``p.adjust(p, "holm")``); ``dz = mean_diff/sd_diff`` and
    ``d_av = mean_diff/((sd_from + sd_to)/2)`` (Lakens 2013); reliable-change counts (see
    :func:`reliable_change`, needs ``items``). Rows with ``n < min_n`` are withheld and left
    out of the Holm family. A statistic that is not defined is missing, never infinite, and
    ``note`` says why: all changes equal (no t-test, ``dz``; R's ``t.test`` stops with "data
    are essentially constant"), no client changed (no Wilcoxon test; ``V = 0`` as in R),
    no reliable change (see :func:`reliable_change`). Columns: :data:`PAIRED_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, _domain_names(domains), projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    dmap = domains if isinstance(domains, Mapping) else {}
    return _paired(panel, _alpha_arrays(items, panel, dmap), a, b, min_n)


# --------------------------------------------------------------------------------------------
# Subgroups: whom it helped
# --------------------------------------------------------------------------------------------


def _subgroups(
    panel: _Panel,
    a: int,
    b: int,
    min_n: int,
    cutoffs: Mapping[str, float] | None,
) -> pd.DataFrame:
    if a < 0 or not panel.domains:
        return _empty(SUBGROUP_COLUMNS)
    ia, ib = panel.wave_index(a), panel.wave_index(b)
    P = panel.n_projects
    labels = _project_labels(panel)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[ia]) & np.isfinite(s[ib])
        if not both.any():
            continue
        xa, xb = s[ia][both], s[ib][both]
        cp = panel.client_project[both]
        variables: list[tuple[str, np.ndarray, list[str], float]] = []
        if cutoffs is not None and d in cutoffs:
            thr = float(cutoffs[d])
            lvl = np.where(xa < thr, 0, 1)
            variables.append(("baseline", lvl, ["below cut-off", "at or above cut-off"], thr))
        else:
            thr = float(np.quantile(xa, 1 / 3))
            lvl = np.where(xa <= thr, 0, 1)
            variables.append(("baseline", lvl, ["lowest third", "upper two thirds"], thr))
        for col, (codes, levels) in panel.background.items():
            c = codes[ia][both]
            c = np.where(c >= 0, c, codes[ib][both])
            variables.append((col, c, [str(x) for x in levels], np.nan))
        for var, lvl, names, thr in variables:
            L = len(names)
            if L == 0:
                continue
            ok = lvl >= 0
            stats = _change_stats(lvl[ok], L, xa[ok], xb[ok])
            proj = _change_stats(cp[ok] * L + lvl[ok], P * L, xa[ok], xb[ok])
            idx = (panel.selected[:, None] * L + np.arange(L)[None, :]).ravel()
            data = _concat_stats([stats, _take(proj, idx)])
            data.update(
                project=[labels[0]] * L + [p for p in labels[1:] for _ in range(L)],
                domain=d,
                from_wave=a,
                to_wave=b,
                variable=var,
                level=names * len(labels),
                threshold=thr,
            )
            frames.append(_frame(SUBGROUP_COLUMNS, data))
    if not frames:
        return _empty(SUBGROUP_COLUMNS)
    df = _programme_first(pd.concat(frames, ignore_index=True))
    return _finish(df, SUBGROUP_COLUMNS, df["n"].to_numpy() < min_n)


def subgroups(
    scores: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
    cutoffs: Mapping[str, float] | None = None,
    background: Sequence[str] = ("gender", "age_group", "service_type"),
) -> pd.DataFrame:
    """Paired change within subgroups: by baseline level and by background variables.

    Baseline level: with a cut-off for the domain in ``cutoffs`` (e.g. a clinical cut-off
    given with the instrument), ``below cut-off`` (``from < cut-off``) vs ``at or above
    cut-off``; otherwise ``lowest third`` (``from ≤`` the programme's 1/3 quantile of the
    baseline scores of the paired clients, R ``quantile(type = 7)``, given in ``threshold``)
    vs ``upper two thirds``. Project rows use the programme's cut point. Note that a low
    start is expected to rise partly by regression to the mean. Background variables
    (those of ``background`` present in ``scores``) are taken from the ``from_wave``
    response, or from the ``to_wave`` response when missing there; clients without a value
    are left out. Statistics as in :func:`paired_change` (without Holm and RCI), withheld
    below ``min_n``. Columns: :data:`SUBGROUP_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, _domain_names(domains), background=background, projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    return _subgroups(panel, a, b, min_n, cutoffs)


# --------------------------------------------------------------------------------------------
# Project vs programme (ANCOVA)
# --------------------------------------------------------------------------------------------


def _benchmark(panel: _Panel, a: int, b: int, min_n: int) -> pd.DataFrame:
    if a < 0 or not panel.domains:
        return _empty(BENCHMARK_COLUMNS)
    ia, ib = panel.wave_index(a), panel.wave_index(b)
    P = panel.n_projects
    labels = _project_labels(panel)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[ia]) & np.isfinite(s[ib])
        xa, xb = s[ia][both], s[ib][both]
        cp = panel.client_project[both]
        n_proj = np.bincount(cp, minlength=P)
        eligible = n_proj >= min_n
        use = eligible[cp]
        n_all, m_from, _ = _group_mean_sd(cp, xa, P)
        _, m_to, _ = _group_mean_sd(cp, xb, P)
        res = ancova_effects(xb[use], xa[use], cp[use], P)
        sel = panel.selected
        prog_n = int(use.sum())
        n_fitted = int(eligible.sum())
        if prog_n == 0:
            fit_note = None
        elif res.df <= 0:
            fit_note = "ANCOVA not defined: too few clients"
        elif not np.isfinite(res.slope):
            fit_note = "ANCOVA not defined: baseline scores do not vary within projects"
        else:
            fit_note = None
        row_note = np.full(len(sel) + 1, fit_note, dtype=object)
        if fit_note is None and n_fitted == 1:
            row_note[1:] = "no comparison: only one project has enough clients"
        data = {
            "project": labels,
            "domain": d,
            "from_wave": a,
            "to_wave": b,
            "n": np.r_[prog_n, n_all[sel]],
            "mean_from": np.r_[xa[use].mean() if prog_n else np.nan, m_from[sel]],
            "mean_to": np.r_[xb[use].mean() if prog_n else np.nan, m_to[sel]],
            "baseline_ref": res.x0,
            "adjusted_change": np.r_[res.reference, res.adjusted[sel]] - res.x0,
            "adjusted_se": np.r_[res.reference_se, res.adjusted_se[sel]],
            "adjusted_ci_low": np.r_[res.reference_ci_low, res.adjusted_ci_low[sel]] - res.x0,
            "adjusted_ci_high": np.r_[res.reference_ci_high, res.adjusted_ci_high[sel]] - res.x0,
            "effect": np.r_[np.nan, res.effect[sel]],
            "effect_se": np.r_[np.nan, res.effect_se[sel]],
            "effect_ci_low": np.r_[np.nan, res.effect_ci_low[sel]],
            "effect_ci_high": np.r_[np.nan, res.effect_ci_high[sel]],
            "effect_t": np.r_[np.nan, res.effect_t[sel]],
            "effect_p": np.r_[np.nan, res.effect_p[sel]],
            "df": res.df if fit_note is None else np.nan,
            "baseline_slope": res.slope,
            "note": row_note,
        }
        frame = _frame(BENCHMARK_COLUMNS, data)
        frame["_withhold"] = np.r_[prog_n < min_n, ~eligible[sel]]
        frames.append(frame)
    df = _programme_first(pd.concat(frames, ignore_index=True))
    return _finish(df, BENCHMARK_COLUMNS, df["_withhold"].to_numpy(bool))


def project_benchmark(
    scores: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each project's change adjusted for baseline, compared with the programme (ANCOVA).

    Fits ``to ~ from + project`` by least squares on the paired clients of all projects with
    at least ``min_n`` paired clients (others are withheld and left out of the fit). Reports,
    per project, the *adjusted change* — the expected ``to`` score of a client starting at the
    programme's mean baseline ``baseline_ref`` minus that baseline — with SE and 95 %
    interval, and the *effect* under sum-to-zero (deviation) coding: the project's adjusted
    change minus the unweighted mean of all fitted projects' adjusted changes (the programme
    row's ``adjusted_change``), with SE, interval, t and p (``df`` residual degrees of
    freedom). Effects near 0 mean "like the programme"; this is the forest-plot data.
    Formulas in :func:`evaltool.stats.ancova_effects`; as R's
    ``lm(to ~ from + project, contrasts = list(project = "contr.sum"))``.
    Columns: :data:`BENCHMARK_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, _domain_names(domains), projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    return _benchmark(panel, a, b, min_n)


# --------------------------------------------------------------------------------------------
# Three or more waves: linear mixed models
# --------------------------------------------------------------------------------------------


def _fit_statsmodels(
    y: np.ndarray, X: np.ndarray, cluster: np.ndarray, model: np.ndarray, M: int
) -> dict:
    """Fit each model with statsmodels MixedLM (REML); slow, for cross-checks and small data."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    p = X.shape[1]
    out = {
        "beta": np.full((M, p), np.nan),
        "se": np.full((M, p), np.nan),
        "var_cluster": np.full(M, np.nan),
        "var_residual": np.full(M, np.nan),
        "converged": np.zeros(M, dtype=bool),
        "singular": np.zeros(M, dtype=bool),
        "note": [""] * M,
    }
    for m in range(M):
        rows = model == m
        # the same identifiability checks as the closed-form engine: statsmodels would return
        # an arbitrary split of the variance when no client is seen twice
        Xm = X[rows]
        if rows.sum() <= p:
            out["note"][m] = "not estimable: too few observations"
            continue
        if np.linalg.matrix_rank(Xm) < p:
            out["note"][m] = "not estimable: design matrix is rank deficient"
            continue
        if np.bincount(np.unique(cluster[rows], return_inverse=True)[1]).max() < 2:
            out["note"][m] = "not estimable: no client observed more than once"
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = MixedLM(y[rows], X[rows], groups=cluster[rows]).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError) as exc:
            out["note"][m] = f"not estimable: {exc}"
            continue
        conv_warn = any("converge" in str(w.message).lower() for w in caught)
        if not res.converged or conv_warn:
            out["note"][m] = "did not converge"
            continue
        out["beta"][m] = np.asarray(res.fe_params)
        out["se"][m] = np.asarray(res.bse_fe)
        out["var_cluster"][m] = float(np.asarray(res.cov_re)[0, 0])
        out["var_residual"][m] = float(res.scale)
        out["converged"][m] = True
        if out["var_cluster"][m] < 1e-8 * out["var_residual"][m]:
            out["singular"][m] = True
            out["note"][m] = "singular fit: client variance estimated at zero"
    return out


def _mixed(
    panel: _Panel,
    min_n: int,
    *,
    per_project: bool = True,
    engine: Literal["closed_form", "statsmodels"] = "closed_form",
) -> pd.DataFrame:
    W = panel.waves.size
    if W < 3 or not panel.domains:
        return _empty(MIXED_COLUMNS)
    P = panel.n_projects
    z = _st.norm.ppf(0.975)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        scored = np.isfinite(s)
        waves_d = np.flatnonzero(scored.any(axis=1))
        if waves_d.size < 3:
            continue
        wi, ci = np.nonzero(scored[waves_d])
        wi = waves_d[wi]
        y = s[wi, ci]
        terms = ["intercept"] + [f"wave:{int(panel.waves[j])}" for j in waves_d[1:]]
        X = np.column_stack([np.ones(y.size)] + [(wi == j).astype(float) for j in waves_d[1:]])
        cp = panel.client_project[ci]
        # clients per wave, programme and per project: every wave needs min_n clients
        per_wave = np.stack([np.bincount(cp[wi == j], minlength=P) for j in waves_d], axis=1)
        n_cl_proj = np.bincount(panel.client_project[scored.any(axis=0)], minlength=P)
        n_obs_proj = np.bincount(cp, minlength=P)
        prog_ok = bool(min(int((wi == j).sum()) for j in waves_d) >= min_n)
        proj_ok = np.zeros(P, dtype=bool)
        if per_project:
            proj_ok[panel.selected] = per_wave[panel.selected].min(axis=1) >= min_n
        fit_proj = np.flatnonzero(proj_ok)
        # model 0 = programme, model 1 + i = i-th fitted project; clusters distinct per model
        rows_p = np.isin(cp, fit_proj)
        model_of_proj = np.full(P, -1, dtype=np.int64)
        model_of_proj[fit_proj] = np.arange(1, fit_proj.size + 1)
        yy = np.r_[y, y[rows_p]]
        XX = np.vstack([X, X[rows_p]])
        cc = np.r_[ci, ci[rows_p] + panel.n_clients]
        mm = np.r_[np.zeros(y.size, dtype=np.int64), model_of_proj[cp[rows_p]]]
        if not prog_ok:  # keep the programme model out of the fit
            keep = mm > 0
            yy, XX, cc, mm = yy[keep], XX[keep], cc[keep], mm[keep]
        M = fit_proj.size + 1
        if engine == "statsmodels":
            fit = _fit_statsmodels(yy, XX, cc, mm, M)
        elif engine == "closed_form":
            fit = random_intercept_reml(yy, XX, cc, mm)._asdict() if yy.size else None
        else:
            raise ValueError(f"unknown engine {engine!r}")
        rows = []
        row_models = [(None, 0, prog_ok, int(scored.any(axis=0).sum()), int(y.size))]
        for i in panel.selected:
            m = int(model_of_proj[i])
            row_models.append((panel.projects[i], m, m > 0, int(n_cl_proj[i]), int(n_obs_proj[i])))
        for label, m, fitted, n_cl, n_obs in row_models:
            for t, term in enumerate(terms):
                row = {"project": label, "domain": d, "term": term, "n": n_cl, "n_obs": n_obs}
                if fitted and fit is not None:
                    conv = bool(fit["converged"][m])
                    est = fit["beta"][m, t] if conv else np.nan
                    se = fit["se"][m, t] if conv else np.nan
                    row.update(
                        estimate=est,
                        se=se,
                        ci_low=est - z * se,
                        ci_high=est + z * se,
                        var_client=fit["var_cluster"][m] if conv else np.nan,
                        var_residual=fit["var_residual"][m] if conv else np.nan,
                        converged=conv,
                        singular=bool(fit["singular"][m]) if conv else None,
                        note=fit["note"][m],
                        _withhold=False,
                    )
                else:
                    row.update(_withhold=True)
                rows.append(row)
        frame = pd.DataFrame(rows)
        for col in ("converged", "singular"):
            if col not in frame.columns:
                frame[col] = pd.NA
            frame[col] = frame[col].astype("boolean")
        if "note" not in frame.columns:
            frame["note"] = None
        frames.append(frame)
    if not frames:
        return _empty(MIXED_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    for c in MIXED_COLUMNS:
        if c not in df.columns:
            df[c] = np.nan
    df = _programme_first(df)
    mask = df["_withhold"].to_numpy(bool)
    out = _finish(df, MIXED_COLUMNS, mask)
    out["note"] = out["note"].astype(object).where(out["note"].notna() & (out["note"] != ""), None)
    return out


def mixed_models(
    scores: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    projects: Sequence[str] | None = None,
    per_project: bool = True,
    engine: Literal["closed_form", "statsmodels"] = "closed_form",
) -> pd.DataFrame:
    """Linear mixed model ``score ~ C(wave) + (1 | client)`` by REML, per domain.

    The model, for client ``i`` at wave ``w``: ``score_iw = β₀ + β_w + u_i + ε_iw`` with
    treatment coding of the waves (``β`` of the first wave = 0), a random client intercept
    ``u_i ~ N(0, σ_u²)`` and residual ``ε_iw ~ N(0, σ²)``, independent; the variances are
    estimated by restricted maximum likelihood (REML). A *client* is a pseudonym within a
    project. Fitted on all scored responses of every wave when the domain has three or more
    waves (clients with a missing wave stay in with the waves they have): once for the
    programme and, with ``per_project``, for each project in which every wave has at least
    ``min_n`` scored clients (otherwise the project's rows are withheld). Rows per fixed
    effect: ``intercept`` (mean at the first wave) and ``wave:K`` (wave K − first wave), with
    SE, Wald 95 % interval ``estimate ± 1.96 · se``, the client (``var_client = σ_u²``) and
    residual (``var_residual = σ²``) variances.

    ``engine="closed_form"`` (default) fits all models in one batched pass by minimising the
    exact profiled REML criterion of this random-intercept model over the one parameter
    ``θ = σ_u/σ`` (:func:`evaltool.stats.random_intercept_reml`). It is the same model and
    the same criterion as statsmodels ``MixedLM(score, X, groups=client).fit(reml=True)``
    and lme4 ``lmer(score ~ factor(wave) + (1 | client), REML = TRUE)``; only the optimiser
    differs, and it is fast enough for every project of a large programme. Validated on the
    committed test data (three waves, four domains, programme and projects): against lme4
    (tests/r/outcomes.R) to relative 1e-5 in every estimate, SE, interval and variance and
    1e-9 in the REML criterion; against statsmodels MixedLM (``engine="statsmodels"``,
    tests/test_outcomes.py) to relative 1e-4 in every estimate and both variances.
    ``engine="statsmodels"`` fits each model with statsmodels MixedLM (slow; for
    cross-checks). Its SEs come from the observed information of fixed effects and variances
    jointly and differ from lme4's by up to about 2 % in small projects (1.6 % on the test
    data), and it reports a fit with the client variance at zero as not converged.

    A model that cannot be estimated (e.g. no client of the project answered twice, so
    client and residual variance cannot be told apart) or does not converge has
    ``converged = False``, a note and no estimates; a singular fit (client variance at zero,
    lme4's ``isSingular``) keeps its estimates with ``singular = True`` and a note.
    Columns: :data:`MIXED_COLUMNS`.

    Tested against R (tests/r/outcomes.R, lme4) and statsmodels MixedLM.
    """
    panel = _build_panel(scores, _domain_names(domains), projects=projects)
    return _mixed(panel, min_n, per_project=per_project, engine=engine)


# --------------------------------------------------------------------------------------------
# EUROHIS-QOL 8: share with good quality of life
# --------------------------------------------------------------------------------------------


NOTE_MCNEMAR = "McNemar test not defined: no client changed category"


def _good_qol(
    panel: _Panel, column: str, threshold: float, a: int, b: int, min_n: int
) -> pd.DataFrame:
    W = panel.waves.size
    if W == 0:
        return _empty(EUROHIS_COLUMNS)
    x = panel.extra[column]
    domain = column[: -len("_raw")] if column.endswith("_raw") else column
    scored = np.isfinite(x)
    good = scored & (x >= threshold - 1e-9)
    labels = _project_labels(panel)
    P = panel.n_projects
    sel = panel.selected
    cp = panel.client_project

    def count(mask: np.ndarray) -> np.ndarray:
        return np.r_[mask.sum(), np.bincount(cp[mask], minlength=P)[sel]]

    frames = []
    for j, w in enumerate(panel.waves):
        n, k = count(scored[j]), count(good[j])
        ci = proportion_ci(k, n)
        frames.append(
            _frame(
                EUROHIS_COLUMNS,
                {
                    "project": labels,
                    "domain": domain,
                    "kind": "wave",
                    "wave": w,
                    "threshold": threshold,
                    "n": n,
                    "n_good": k,
                    "share": np.atleast_1d(ci.estimate),
                    "ci_low": np.atleast_1d(ci.ci_low),
                    "ci_high": np.atleast_1d(ci.ci_high),
                },
            )
        )
    if a >= 0:
        ia, ib = panel.wave_index(a), panel.wave_index(b)
        both = scored[ia] & scored[ib]
        ga, gb = good[ia] & both, good[ib] & both
        became_not = count(ga & ~gb)
        became_good = count(~ga & gb & both)
        mc = mcnemar_test(became_not, became_good)
        n_both = count(both)
        note = _notes(
            n_both.size,
            ((n_both > 0) & (became_good + became_not == 0), NOTE_MCNEMAR),
        )
        frames.append(
            _frame(
                EUROHIS_COLUMNS,
                {
                    "project": labels,
                    "domain": domain,
                    "kind": "change",
                    "from_wave": a,
                    "to_wave": b,
                    "threshold": threshold,
                    "n": n_both,
                    "n_good_from": count(ga),
                    "n_good_to": count(gb),
                    "n_became_good": became_good,
                    "n_became_not_good": became_not,
                    "statistic": np.atleast_1d(mc.statistic),
                    "p": np.atleast_1d(mc.p),
                    "note": note,
                },
            )
        )
    df = _programme_first(pd.concat(frames, ignore_index=True))
    # counts of good responses are statistics too: withhold them with the share
    mask = df["n"].to_numpy() < min_n
    return _finish(df, EUROHIS_COLUMNS, mask)


def good_qol(
    scores: pd.DataFrame,
    column: str = "index_raw",
    threshold: float = 4.0,
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of clients with "good quality of life" (``column ≥ threshold``) and its change.

    For EUROHIS-QOL 8 the THL indicator counts a mean of the eight items of at least 4 as
    good quality of life (``column="index_raw"``, ``threshold=4``). Rows ``kind="wave"``: per
    wave the share among scored clients with the Wilson score 95 % interval without
    continuity correction (Wilson 1927; R ``prop.test(k, n, correct = FALSE)``). Rows
    ``kind="change"``: on clients scored at both compared waves, the counts good at each
    wave, the discordant counts and McNemar's test with continuity correction (McNemar 1947;
    R ``mcnemar.test``). Withheld (with the good counts) when ``n < min_n``.
    Columns: :data:`EUROHIS_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = _build_panel(scores, [], extra=[column], projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    return _good_qol(panel, column, threshold, a, b, min_n)


# --------------------------------------------------------------------------------------------
# All tables
# --------------------------------------------------------------------------------------------


def outcome_tables(
    scores: pd.DataFrame,
    items: pd.DataFrame | None,
    domains: Mapping[str, Sequence[str]],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
    cutoffs: Mapping[str, float] | None = None,
    good_threshold: tuple[str, float] | None = None,
    background: Sequence[str] = ("gender", "age_group", "service_type"),
    mixed_per_project: bool = True,
) -> dict[str, pd.DataFrame]:
    """All outcome tables of one instrument.

    Returns a dict with ``linkage`` (:func:`linkage`), ``attrition`` (:func:`attrition`),
    ``paired`` (:func:`paired_change`, with reliable-change counts), ``reliability``
    (:func:`reliability`; empty without ``items``), ``mixed`` (:func:`mixed_models`; empty
    with fewer than three waves), ``subgroups`` (:func:`subgroups`), ``benchmark``
    (:func:`project_benchmark`) and ``eurohis`` (:func:`good_qol` when ``good_threshold``,
    e.g. ``("index_raw", 4.0)``, is given; else empty). Every table has its documented
    columns even when empty. The scores are read into arrays once and shared.

    Per-project mixed models are fitted for every project (in ``projects``) whose waves all
    have ``min_n`` scored clients: the closed-form REML engine fits the programme and all
    projects in one batched pass (500 projects × 4 domains in about a second), so no project
    is left out for speed; ``mixed_per_project=False`` fits the programme models only.

    Tested against R (tests/r/outcomes.R).
    """
    dnames = _domain_names(domains)
    extra = [good_threshold[0]] if good_threshold is not None else []
    panel = _build_panel(scores, dnames, extra=extra, background=background, projects=projects)
    a, b = _resolve_waves(panel, from_wave, to_wave)
    alphas = _alpha_arrays(items, panel, domains)
    return {
        "linkage": _linkage(panel, a, b, min_n),
        "attrition": _attrition(panel, a, b, min_n),
        "paired": _paired(panel, alphas, a, b, min_n),
        "reliability": _reliability(panel, alphas, min_n),
        "mixed": _mixed(panel, min_n, per_project=mixed_per_project),
        "subgroups": _subgroups(panel, a, b, min_n, cutoffs),
        "benchmark": _benchmark(panel, a, b, min_n),
        "eurohis": (
            _good_qol(panel, good_threshold[0], float(good_threshold[1]), a, b, min_n)
            if good_threshold is not None
            else _empty(EUROHIS_COLUMNS)
        ),
    }


#: Tables of :func:`workspace_outcomes`, in output order.
TABLE_KEYS = ("linkage", "attrition", "paired", "reliability", "mixed", "subgroups",
              "benchmark", "eurohis")


def workspace_outcomes(
    ws,
    *,
    projects: Sequence[str] | None = None,
    from_wave: int | None = None,
    to_wave: int | None = None,
    instruments: Sequence[str] | None = None,
    min_n: int | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`outcome_tables` for every instrument stored in a workspace with two or more
    waves, each table with an ``instrument`` column in front.

    Scores are recomputed from the stored answers with each import's rule
    (:func:`evaltool.scores.score_table`); reversed item values feed Cronbach's α; background
    answers (gender, age group, service type) are joined per client; ``min_n`` defaults to the
    workspace setting; EUROHIS-QOL 8 adds the "good quality of life" (index mean ≥ 4) table.
    """
    from evaltool.scoring.stored import background_table, item_table, score_table

    min_n = ws.min_n if min_n is None else int(min_n)
    names = list(instruments) if instruments else ws.instrument_names()
    background = background_table(ws)
    out: dict[str, list[pd.DataFrame]] = {k: [] for k in TABLE_KEYS}
    known = set(ws.projects_seen())
    for p in projects or []:
        if p not in known:
            raise UserError(f"no client responses for project {p!r}; projects: "
                            + ", ".join(sorted(known)))
    for name in names:
        inst = ws.load_instrument(name)
        if not inst.domains:
            continue
        scores = score_table(ws, name)
        if scores["wave"].nunique() < 2:
            continue
        if not background.empty:
            scores = scores.merge(background, on=["project", "respondent"], how="left")
        items = item_table(ws, name)
        domains = {d.name: list(d.items) for d in inst.domains}
        good = (f"{inst.domains[0].name}_raw", float(inst.good_threshold)) \
            if inst.good_threshold is not None else None
        present = [p for p in (projects or []) if p in set(scores["project"])]
        if projects and not present:
            continue
        tables = outcome_tables(scores, items, domains, min_n=min_n, from_wave=from_wave,
                                to_wave=to_wave, projects=present or None,
                                good_threshold=good)
        for key in TABLE_KEYS:
            out[key].append(tables[key].assign(instrument=name)[
                ["instrument", *tables[key].columns]])
    return {k: (pd.concat(v, ignore_index=True) if v else pd.DataFrame(columns=["instrument"]))
            for k, v in out.items()}
