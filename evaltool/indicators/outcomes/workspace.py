"""The workspace glue: outcome tables of every instrument stored in a workspace."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.outcomes.tables import TABLE_KEYS, outcome_tables


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
    (:func:`evaltool.scoring.stored.score_table`); reversed item values feed Cronbach's α;
    background answers (gender, age group, service type) are joined per client; ``min_n``
    defaults to the workspace setting; EUROHIS-QOL 8 adds the "good quality of life" (index
    mean ≥ 4) table.
    """
    from evaltool.scoring.stored import background_table, item_table, score_table

    min_n = ws.min_n if min_n is None else int(min_n)
    names = list(instruments) if instruments else ws.instrument_names()
    background = background_table(ws)
    out: dict[str, list[pd.DataFrame]] = {k: [] for k in TABLE_KEYS}
    known = set(ws.projects_seen())
    for p in projects or []:
        if p not in known:
            raise UserError(
                f"no client responses for project {p!r}; projects: " + ", ".join(sorted(known))
            )
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
        good = (
            (f"{inst.domains[0].name}_raw", float(inst.good_threshold))
            if inst.good_threshold is not None
            else None
        )
        present = [p for p in (projects or []) if p in set(scores["project"])]
        if projects and not present:
            continue
        tables = outcome_tables(
            scores,
            items,
            domains,
            min_n=min_n,
            from_wave=from_wave,
            to_wave=to_wave,
            projects=present or None,
            good_threshold=good,
        )
        for key in TABLE_KEYS:
            out[key].append(
                tables[key].assign(instrument=name)[["instrument", *tables[key].columns]]
            )
    return {
        k: (pd.concat(v, ignore_index=True) if v else pd.DataFrame(columns=["instrument"]))
        for k, v in out.items()
    }
