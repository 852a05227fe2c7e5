"""The panel: scored responses as ``(wave, client)`` arrays, built once per call and shared by
every outcome table, with the selection of waves and projects. Plain data handling; the
statistics computed from it are checked against R in the table modules
(tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.outcomes.columns import KEYS
from evaltool.indicators.outcomes.frames import concat_stats, take
from evaltool.store.responses import is_anonymous


@dataclass
class Panel:
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
    client_keys: np.ndarray  # sorted respondent_code * P + project_code (first appearance)
    linked: np.ndarray  # (C,) client has a respondent id (not an anonymous response)
    selected: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_clients(self) -> int:
        return int(self.client_project.size)

    @property
    def n_projects(self) -> int:
        return len(self.projects)

    def wave_index(self, wave: int) -> int:
        return int(np.searchsorted(self.waves, wave))


def domain_names(domains: Mapping[str, Sequence[str]] | Sequence[str]) -> list[str]:
    """The domain names of ``domains`` (a mapping domain → items, a list or one name).

    Parameters
    ----------
    domains : mapping of str to sequence of str, sequence of str, or str
        The domains.

    Returns
    -------
    list of str
        The names, in order.

    Examples
    --------
    >>> from evaltool.indicators.outcomes.panel import domain_names
    >>> domain_names({"physical": ["Q3", "Q4"], "social": ["Q20"]})
    ['physical', 'social']
    """
    if isinstance(domains, str):
        return [domains]
    return list(domains.keys()) if isinstance(domains, Mapping) else list(domains)


def build_panel(
    scores: pd.DataFrame,
    domains: Sequence[str],
    *,
    extra: Sequence[str] = (),
    background: Sequence[str] = (),
    projects: Sequence[str] | None = None,
) -> Panel:
    """The panel of the non-discarded responses in ``scores``.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    domains : sequence of str
        Score columns that become ``(wave, client)`` float arrays.
    extra : sequence of str, default ()
        Other numeric columns made into arrays too (e.g. ``index_raw``).
    background : sequence of str, default ()
        Background columns (those present) made into integer codes with their levels.
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    Panel
        The waves present, the projects, each client's project, who is present at each
        wave, whether the client is ``linked``, and the arrays.

    Notes
    -----
    A client is a respondent pseudonym within a project; when a client has two responses in
    one wave the later row wins. A client is *linked* unless its pseudonym marks an
    anonymous response (:func:`evaltool.store.responses.is_anonymous`, a survey imported
    without respondent ids): such a client has one response and can never be followed up,
    so the tables of change between waves (linkage's follow-up and patterns, attrition,
    mixed models) count only linked clients, while the per-wave tables keep everyone.
    Raises :class:`~evaltool.errors.UserError` for missing
    columns, responses without a wave and unknown projects.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> from evaltool.indicators.outcomes.panel import build_panel
    >>> panel = build_panel(scores, ["qol"])
    >>> panel.waves, panel.n_clients, panel.score["qol"].shape
    (array([1, 2]), 6, (2, 6))
    >>> bool(panel.linked.all())
    True
    """
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
    # clients in the order they first appear in ``scores``, whatever their projects are
    # called: every sum (and the mixed models' optimiser) sees the clients in the same order
    # whether the command line (project labels) or a report (register codes) asks
    n_proj = max(len(proj_names), 1)
    ckey = resp_codes.astype(np.int64) * n_proj + proj_codes
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
    panel = Panel(
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
        linked=~is_anonymous(np.asarray(resp_names, dtype=object)[client_keys // n_proj]),
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


def resolve_waves(panel: Panel, from_wave: int | None, to_wave: int | None) -> tuple[int, int]:
    """The compared waves (default: the first and the last).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    from_wave, to_wave : int or None
        Requested waves; None takes the first / the last wave present.

    Returns
    -------
    tuple of (int, int)
        ``(from_wave, to_wave)``; ``(-1, -1)`` when the data hold fewer than two waves and
        none was asked for. Raises :class:`~evaltool.errors.UserError` for a wave without
        responses and for ``from_wave ≥ to_wave``.
    """
    if panel.waves.size == 0:
        return -1, -1
    first = int(panel.waves[0]) if from_wave is None else int(from_wave)
    last = int(panel.waves[-1]) if to_wave is None else int(to_wave)
    for w in (first, last):
        if w not in set(panel.waves.tolist()):
            raise UserError(f"wave {w} has no responses")
    if from_wave is None and to_wave is None and first == last:
        return -1, -1
    if first >= last:
        raise UserError(f"from_wave ({first}) must come before to_wave ({last})")
    return first, last


def project_labels(panel: Panel, with_programme: bool = True) -> list:
    """``project`` of the rows: None (the programme) and the selected projects' names.

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    with_programme : bool, default True
        Start with None, the programme row.

    Returns
    -------
    list
        None (when ``with_programme``) followed by the selected project names.
    """
    labels = [panel.projects[i] for i in panel.selected]
    return ([None] if with_programme else []) + labels


def programme_and_projects(
    panel: Panel,
    codes: np.ndarray,
    values: Sequence[np.ndarray],
    fn,
    min_n: int | None = None,
    keep_projects: np.ndarray | None = None,
) -> dict:
    """Run ``fn(group_codes, n_groups, *values)`` for the programme (one group) and the
    projects.

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    codes : numpy.ndarray
        The project code of each observation.
    values : sequence
        Further arguments of ``fn``; arrays as long as ``codes`` are per observation,
        anything else is passed as it is.
    fn : callable
        A grouped statistic returning a dict of arrays, one entry per group.
    min_n : int, optional
        The programme row rests only on the projects with at least ``min_n`` observations,
        i.e. whose own row is shown (see Notes).
    keep_projects : numpy.ndarray, optional
        One boolean per project: the projects the programme row rests on (instead of
        ``min_n``).

    Returns
    -------
    dict of str to numpy.ndarray
        The statistics of the programme row followed by those of the selected projects.

    Notes
    -----
    With ``min_n``, a project whose row is withheld is left out of the programme row, so
    that the programme minus the shown projects does not give the withheld project's
    figure (:mod:`evaltool.indicators.suppression`, "one release").
    """
    proj = fn(codes, panel.n_projects, *values)
    keep = np.ones(codes.size, dtype=bool)
    if keep_projects is not None:
        keep = np.asarray(keep_projects, dtype=bool)[codes]
    elif min_n is not None and codes.size:
        n_per = np.bincount(codes, minlength=panel.n_projects)
        keep = n_per[codes] >= min_n
    vals = [
        v[keep] if isinstance(v, np.ndarray) and v.shape[:1] == codes.shape else v for v in values
    ]
    prog = fn(np.zeros(int(keep.sum()), dtype=np.int64), 1, *vals)
    return concat_stats([prog, take(proj, panel.selected)])
