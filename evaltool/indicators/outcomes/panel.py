"""The panel: scored responses as ``(wave, client)`` arrays, built once per call and shared
by every outcome table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.outcomes.columns import KEYS
from evaltool.indicators.outcomes.frames import concat_stats, take


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


def domain_names(domains: Mapping[str, Sequence[str]] | Sequence[str]) -> list[str]:
    """The domain names of ``domains`` (a mapping domain → items, a list or one name)."""
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

    A client is a respondent pseudonym within a project; when a client has two responses in
    one wave the later row wins. ``domains`` and ``extra`` become ``(wave, client)`` float
    arrays, ``background`` columns (those present) integer codes with their levels.
    ``projects`` selects the project rows of the tables (default: all). Raises
    :class:`~evaltool.errors.UserError` for missing columns, responses without a wave and
    unknown projects.
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
    """The compared waves (default: the first and the last); ``(-1, -1)`` when the data hold
    fewer than two waves."""
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
    """``project`` of the rows: None (the programme) and the selected projects' names."""
    labels = [panel.projects[i] for i in panel.selected]
    return ([None] if with_programme else []) + labels


def programme_and_projects(
    panel: Panel, codes: np.ndarray, values: Sequence[np.ndarray], fn
) -> dict:
    """Run ``fn(group_codes, n_groups, *values)`` for the programme (one group) and the
    projects, and return the stats for the programme row followed by the selected projects."""
    prog = fn(np.zeros(codes.size, dtype=np.int64), 1, *values)
    proj = fn(codes, panel.n_projects, *values)
    return concat_stats([prog, take(proj, panel.selected)])
