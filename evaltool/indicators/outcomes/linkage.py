"""Linkage of waves (clients per wave, links between waves, wave patterns, the follow-up rate)
and attrition (baseline scores of the clients followed up and of those lost, compared by
Welch's t-test), for the programme and each project. Checked against counts made in R and
R's ``t.test(followed, lost)`` (tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes.columns import (
    ATTRITION_COLUMNS,
    LINKAGE_COLUMNS,
    NOTE_ATTRITION_CONSTANT,
    NOTE_TOO_FEW,
)
from evaltool.indicators.outcomes.frames import (
    documented_frame,
    empty_table,
    notes,
    programme_first,
    withhold_rows,
)
from evaltool.indicators.outcomes.panel import (
    Panel,
    build_panel,
    domain_names,
    programme_and_projects,
    project_labels,
    resolve_waves,
)
from evaltool.indicators.stats import grouped_mean_sd, two_sample_t_from_summary


def _pattern_label(mask: int, waves: np.ndarray) -> str:
    """``1-2-3``, ``1-3``, ``1 only``: the waves whose bit is set in ``mask``."""
    ws = [str(int(w)) for j, w in enumerate(waves) if mask >> j & 1]
    return ws[0] + " only" if len(ws) == 1 else "-".join(ws)


def _wave_parts(panel: Panel, counts, clients: np.ndarray) -> list[dict]:
    """The ``linked``, ``wave`` and ``anonymous`` parts of :func:`linkage_from_panel`: every
    response counts at its wave; the ``linked`` and ``anonymous`` parts only when some
    client is anonymous."""
    present, linked = panel.present, panel.linked
    anonymous = bool((~linked).any())
    parts: list[dict] = []
    if anonymous:
        linked_clients = counts(present.any(axis=0) & linked)
        parts.append({"kind": "linked", "n": linked_clients, "base": clients})
    at_wave = [counts(present[j]) for j in range(panel.waves.size)]
    for j, w in enumerate(panel.waves):
        parts.append({"kind": "wave", "wave": w, "n": at_wave[j], "base": clients})
    if anonymous:
        for j, w in enumerate(panel.waves):
            n = counts(present[j] & ~linked)
            parts.append({"kind": "anonymous", "wave": w, "n": n, "base": at_wave[j]})
    return parts


def _linked_parts(panel: Panel, counts, from_wave: int, to_wave: int) -> list[dict]:
    """The ``link``, ``pattern`` and ``follow_up`` parts of :func:`linkage_from_panel`, of the
    linked clients only (an anonymous response is never followed up, so it is no loss)."""
    W, linked = panel.waves.size, panel.linked
    present = panel.present & linked
    at = [counts(present[j]) for j in range(W)]
    parts: list[dict] = []
    for i in range(W):
        for j in range(i + 1, W):
            parts.append(
                {
                    "kind": "link",
                    "from_wave": panel.waves[i],
                    "to_wave": panel.waves[j],
                    "n": counts(present[i] & present[j]),
                    "base": at[i],
                }
            )
    bits = (present.astype(np.int64) << np.arange(W)[:, None]).sum(axis=0)
    linked_clients = counts(bits > 0)
    for mask in sorted(np.unique(bits[bits > 0]), key=lambda m: (-bin(m).count("1"), m)):
        parts.append(
            {
                "kind": "pattern",
                "pattern": _pattern_label(int(mask), panel.waves),
                "n": counts(bits == mask),
                "base": linked_clients,
            }
        )
    if from_wave >= 0:
        i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
        parts.append(
            {
                "kind": "follow_up",
                "from_wave": from_wave,
                "to_wave": to_wave,
                "n": counts(present[i_from] & present[i_to]),
                "base": at[i_from],
            }
        )
    return parts


def linkage_from_panel(panel: Panel, from_wave: int, to_wave: int, min_n: int) -> pd.DataFrame:
    """:func:`linkage` of a panel (``from_wave < 0``: fewer than two waves, no ``follow_up`` rows).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINKAGE_COLUMNS`; see :func:`linkage`.
    """
    W, P = panel.waves.size, panel.n_projects
    if W == 0:
        return empty_table(LINKAGE_COLUMNS)
    cp = panel.client_project
    sel = panel.selected

    def counts(mask: np.ndarray) -> np.ndarray:
        """Programme count followed by selected projects' counts."""
        per = np.bincount(cp[mask], minlength=P)
        return np.r_[mask.sum(), per[sel]]

    labels = project_labels(panel)
    n_rows = len(labels)
    clients = counts(panel.present.any(axis=0))
    parts: list[dict] = [{"kind": "clients", "n": clients, "base": np.full(n_rows, np.nan)}]
    parts += _wave_parts(panel, counts, clients)
    parts += _linked_parts(panel, counts, from_wave, to_wave)
    frames = []
    for part in parts:
        data = {"project": labels, **part}
        base = np.asarray(part["base"], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            data["share"] = np.asarray(part["n"], dtype=float) / base
        frames.append(documented_frame(LINKAGE_COLUMNS, data, n_rows))
    df = pd.concat(frames, ignore_index=True)
    # programme row first, then projects, each in the order of the parts
    order = np.lexsort((np.arange(len(df)), np.tile(np.arange(n_rows), len(parts))))
    df = df.iloc[order]
    base = df["base"].to_numpy(float)
    return withhold_rows(df, LINKAGE_COLUMNS, np.isfinite(base) & (base < min_n))


def linkage(
    scores: pd.DataFrame,
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Clients per wave, links between waves, wave patterns and the follow-up rate.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
        Only the keys are used.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
        Here: a ``share`` whose ``base`` is below ``min_n``.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
        They define the ``follow_up`` rows.
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINKAGE_COLUMNS`: ``project``, ``kind``, ``wave``, ``from_wave``,
        ``to_wave``, ``pattern``, ``n`` clients, ``base``, ``share = n / base`` and
        ``suppressed``; the programme rows first, each in the order below.

    Notes
    -----
    Counts clients with a stored, non-discarded response (whatever their scores). An
    anonymous response (a survey imported without respondent ids,
    :func:`evaltool.store.responses.is_anonymous`) is a client of its own that can never be
    followed up: it counts in ``clients`` and at its wave, but not in the rows of linked
    clients (``link``, ``pattern``, ``follow_up``), so it is not counted as lost to
    follow-up. Rows by ``kind``:

    - ``clients``: clients with any response (each anonymous response one client);
    - ``linked``: clients with a respondent id; ``share`` of all clients (only when some
      response is anonymous);
    - ``wave``: clients at ``wave`` (anonymous responses included); ``share`` of all
      clients;
    - ``anonymous``: anonymous responses at ``wave``; ``share`` of the wave's clients (only
      when some response is anonymous, then for every wave);
    - ``link``: linked clients at both ``from_wave`` and ``to_wave``, for every pair of
      waves; ``share`` = retained share of the linked clients at ``from_wave``;
    - ``pattern``: linked clients with exactly the waves in ``pattern``, e.g. ``1-2-3``,
      ``1-3``, ``1 only`` (most waves first); ``share`` of the linked clients;
    - ``follow_up``: the compared waves; ``share`` is the follow-up rate of the linked
      clients at ``from_wave``.

    Without anonymous responses every client is linked and the ``linked`` and
    ``anonymous`` rows are left out.

    ``share = n / base`` is withheld when ``base < min_n``: the row keeps ``n`` and ``base``
    (counts of clients are bases and are shown) and has ``suppressed = True``.

    Tested against R (tests/r/outcomes.R).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> from evaltool.indicators.outcomes import linkage
    >>> # In R: sum(present[, "1"] & present[, "2"]) / sum(present[, "1"])
    >>> t = linkage(scores)
    >>> t.loc[t["project"].isna(), ["kind", "wave", "pattern", "n", "base", "share"]]
            kind  wave pattern  n  base  share
    0    clients  <NA>     NaN  6  <NA>    NaN
    1       wave     1     NaN  6     6    1.0
    2       wave     2     NaN  6     6    1.0
    3       link  <NA>     NaN  6     6    1.0
    4    pattern  <NA>     1-2  6     6    1.0
    5  follow_up  <NA>     NaN  6     6    1.0
    """
    panel = build_panel(scores, [], projects=projects)
    return linkage_from_panel(panel, *resolve_waves(panel, from_wave, to_wave), min_n)


def _followed_and_lost(
    g: np.ndarray, n_groups: int, x: np.ndarray, followed: np.ndarray, lost: np.ndarray
) -> dict:
    """Baseline mean and SD of the followed and the lost clients per group, and their Welch
    test."""
    nf, mf, sf = grouped_mean_sd(x[followed], g[followed], n_groups)
    nl, ml, sl = grouped_mean_sd(x[lost], g[lost], n_groups)
    tt = two_sample_t_from_summary(mf, sf, nf, ml, sl, nl)
    note = notes(
        n_groups,
        (((nf == 1) | (nl == 1)) & (nf > 0) & (nl > 0), NOTE_TOO_FEW),
        (
            (nf > 1) & (nl > 1) & ~np.isfinite(np.asarray(tt.t, dtype=float)),
            NOTE_ATTRITION_CONSTANT,
        ),
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


def attrition_from_panel(
    panel: Panel, from_wave: int, to_wave: int, min_n: int, release: bool = False
) -> pd.DataFrame:
    """:func:`attrition` of a panel (``from_wave < 0``: fewer than two waves).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.
    release : bool, default False
        The programme row rests only on the projects whose own row is shown.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ATTRITION_COLUMNS`; see :func:`attrition`.
    """
    if from_wave < 0 or not panel.domains:
        return empty_table(ATTRITION_COLUMNS)
    i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        # an anonymous response is never followed up: neither followed nor lost
        base = np.isfinite(s[i_from]) & panel.linked
        followed = base & np.isfinite(s[i_to])
        lost = base & ~np.isfinite(s[i_to])
        # the programme row rests on the projects whose own row is shown
        cp, P = panel.client_project, panel.n_projects
        keep = np.ones(P, dtype=bool)
        if release:
            keep = (np.bincount(cp[followed], minlength=P) >= min_n) & (
                np.bincount(cp[lost], minlength=P) >= min_n
            )
        data = programme_and_projects(
            panel, cp, (s[i_from], followed, lost), _followed_and_lost, keep_projects=keep
        )
        data["n"] = data["n_followed"] + data["n_lost"]
        data.update(project=project_labels(panel), domain=d, from_wave=from_wave, to_wave=to_wave)
        frames.append(documented_frame(ATTRITION_COLUMNS, data))
    df = programme_first(pd.concat(frames, ignore_index=True))
    withheld = (df["n_followed"].to_numpy() < min_n) | (df["n_lost"].to_numpy() < min_n)
    return withhold_rows(df, ATTRITION_COLUMNS, withheld)


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

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    domains : mapping of str to sequence of str, or sequence of str
        The domains (score columns of ``scores``); a mapping also gives each domain's items.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
        Here: either group below ``min_n``.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ATTRITION_COLUMNS`: keys; ``n`` (linked baseline clients), ``n_followed``,
        ``n_lost``; ``mean_followed``, ``mean_lost``, ``sd_followed``, ``sd_lost``;
        ``mean_diff``, ``ci_low``, ``ci_high``, ``t``, ``df``, ``p`` of the Welch test;
        ``note``; ``suppressed``.

    Notes
    -----
    Among the linked clients scored in the domain at ``from_wave``, *followed* are those also
    scored at ``to_wave`` (the clients of :func:`paired_change`), *lost* the others; an
    anonymous response (:func:`evaltool.store.responses.is_anonymous`) is never followed up
    and is neither. Reports both
    groups' baseline mean and SD, ``mean_diff = mean_followed − mean_lost`` with the Welch
    95 % interval and test (Welch 1947; R ``t.test(followed, lost)``; formulas in
    :func:`evaltool.indicators.stats.two_sample_t_from_summary`). ``note`` says why the test
    is missing when it is: a group of one client (:data:`NOTE_TOO_FEW`) or baseline scores
    that vary in neither group (:data:`NOTE_ATTRITION_CONSTANT`). Withheld when either group
    has fewer than ``min_n`` clients: the row keeps its keys, ``n``, ``n_followed`` and
    ``n_lost`` and has ``suppressed = True``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34(1–2):28–35.

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.outcomes import attrition
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 14,
    ...     "wave": [1] * 7 + [2] * 7,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6", "r7",
    ...                    "r1", "r2", "r3", "r4", "r5", "r8", "r9"],
    ...     "qol": [40, 55, 60, 35, 50, 45, 52, 50, 60, 58, 50, 62, 55, 49.0],
    ... })
    >>> # In R: t.test(followed, lost)
    >>> t = attrition(scores, ["qol"], min_n=2)
    >>> t[["project", "n_followed", "n_lost", "mean_diff", "t", "p"]].round(4)
      project  n_followed  n_lost  mean_diff       t       p
    0    None           5       2       -0.5 -0.0861  0.9353
    1       A           5       2       -0.5 -0.0861  0.9353
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    return attrition_from_panel(panel, *resolve_waves(panel, from_wave, to_wave), min_n)
