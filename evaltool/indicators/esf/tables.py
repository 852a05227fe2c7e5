"""From the workspace to the ESF tables: indicators, success rates and the quality-of-life
join, the one path the command line (``evaltool indicators``) and the reports share.

Projects are identified by *key*, as in the reports: the register code when the project's
label matches a register code or name, else the label.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.esf.compute import (
    ALL,
    PARTICIPANT_INPUT,
    indicator_table,
    success_rates,
)
from evaltool.indicators.esf.definitions import normalise_period
from evaltool.indicators.esf.join import (
    JOIN_COLUMNS,
    join_linkage,
    status_change,
    status_groups,
)
from evaltool.indicators.workspace_tables import outcome_inputs

#: The tables of :func:`workspace_indicators`, in output order.
TABLE_KEYS = ("indicators", "success_rates", "join", "join_linkage")


def project_keys(ws, labels: Sequence[str]) -> dict[str, str]:
    """Project label → key: the register code when the label is a registered code or name,
    else the label."""
    from evaltool.imports.register import project_register, register_lookup

    register = project_register(ws)
    lookup = register_lookup(register, list(labels)) if len(register) else {}
    return {lab: lookup.get(lab) or lab for lab in labels}


def participant_frame(ws) -> pd.DataFrame:
    """The stored participants with their sensitive characteristics, the programme period
    of their project and its key: columns ``participant``, ``key``, ``label`` (the project
    as stored) and :data:`PARTICIPANT_INPUT` (``project`` = the key)."""
    records = ws.participant_records()
    sens = ws.participant_sensitive()
    df = records.merge(sens, on="record", how="left")
    labels = sorted(df["project"].unique())
    keys = project_keys(ws, labels)
    register = ws.project_register()
    period = dict(
        zip(register["code"], register.get("period", pd.Series(dtype=object)), strict=False)
    )
    df["label"] = df["project"]
    df["key"] = df["project"].map(keys)
    df["programme_period"] = df["key"].map(lambda k: normalise_period(period.get(k) or ""))
    df["project"] = df["key"]
    return df[["participant", "key", "label", *PARTICIPANT_INPUT]]


def workspace_indicators(
    ws,
    *,
    projects: Sequence[str] | None = None,
    by: str = ALL,
    start: str | None = None,
    end: str | None = None,
    min_n: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The ESF tables of a workspace.

    Parameters
    ----------
    ws : Workspace
    projects : sequence of str, optional
        Only these projects' rows (codes, names or labels; the programme rows always rest on
        every project). An unknown project is a :class:`UserError`.
    by : {"all", "year"}
        Cumulative figures, or per calendar year.
    start, end : str, optional
        Only this date range (ISO dates, inclusive).
    min_n : int, optional
        Smallest group shown (default: the workspace setting).

    Returns
    -------
    dict of DataFrame
        ``indicators`` (:func:`~evaltool.indicators.esf.compute.indicator_table`),
        ``success_rates`` (:func:`~evaltool.indicators.esf.compute.success_rates`),
        ``join`` (:func:`~evaltool.indicators.esf.join.status_change` of every stored
        quality-of-life instrument with two waves, an ``instrument`` column in front) and
        ``join_linkage`` (:func:`~evaltool.indicators.esf.join.join_linkage`).

    Raises
    ------
    UserError
        When the workspace has no participant records, or a project is unknown.
    """
    min_n = ws.min_n if min_n is None else int(min_n)
    if ws.participant_count() == 0:
        raise UserError(
            "the workspace holds no participant records; import them with "
            "'evaltool import participants FILE'"
        )
    frame = participant_frame(ws)
    selected = _select(frame, projects)
    targets = ws.project_targets().rename(columns={"code": "project"})
    table = indicator_table(frame, min_n=min_n, targets=targets, by=by, start=start, end=end)
    if selected is not None:
        table = table[table["project"].isna() | table["project"].isin(selected)]
        table = table.reset_index(drop=True)
    join, linkage = _join(ws, frame, min_n, selected)
    return {
        "indicators": table,
        "success_rates": success_rates(table),
        "join": join,
        "join_linkage": linkage,
    }


def _select(frame: pd.DataFrame, projects: Sequence[str] | None) -> list[str] | None:
    if not projects:
        return None
    from evaltool.text import fold

    known = {fold(k): k for k in frame["key"].unique()}
    known.update({fold(lab): k for lab, k in zip(frame["label"], frame["key"], strict=True)})
    out = []
    for p in projects:
        if fold(p) not in known:
            raise UserError(
                f"no participant records for project {p!r}; projects: "
                + ", ".join(sorted(set(frame["key"])))
            )
        out.append(known[fold(p)])
    return out


def _join(ws, frame: pd.DataFrame, min_n: int, selected: list[str] | None):
    """The join of every quality-of-life instrument and the linkage of participants to
    clients (projects by key)."""
    groups = status_groups(frame.assign(project=frame["label"]))
    to_key = dict(zip(frame["label"], frame["key"], strict=True))
    parts = []
    for name in ws.instrument_names():
        inst = ws.load_instrument(name)
        if not inst.domains or any(it.block for it in inst.items):
            continue
        meta, values = ws.responses(name)
        inputs = outcome_inputs(inst, meta, values)
        if len(inputs.waves) < 2:
            continue
        present = set(
            pd.unique(inputs.scores.loc[~inputs.scores["discarded"].astype(bool), "project"])
        )
        labels = [
            lab
            for lab, key in to_key.items()
            if lab in present and (selected is None or key in selected)
        ]
        t = status_change(
            inputs.scores,
            groups,
            {d.name: list(d.items) for d in inst.domains},
            min_n=min_n,
            projects=labels,
        )
        t["project"] = t["project"].map(
            lambda p: None if p is None or pd.isna(p) else to_key.get(p, p)
        )
        parts.append(t.assign(instrument=name)[["instrument", *JOIN_COLUMNS]])
    join = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["instrument", *JOIN_COLUMNS])
    )
    clients = ws.stored_respondents(sorted(to_key))
    linkage = join_linkage(groups, clients)
    linkage["project"] = linkage["project"].map(lambda p: None if p is None else to_key.get(p, p))
    if selected is not None:
        linkage = linkage[linkage["project"].isna() | linkage["project"].isin(selected)]
    return join, linkage.reset_index(drop=True)
