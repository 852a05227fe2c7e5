"""What the funder counts joined with what clients say: change in quality of life by
labour-market status at entry and on leaving.

A participant record and a client's questionnaires share the keyed pseudonym of the
participant's id within the project (:meth:`Workspace.pseudonyms`), so the statuses of the
participant records are background variables of the clients' paired change, computed by the
same function and with the same statistics and suppression as the other subgroups
(:func:`evaltool.indicators.outcomes.subgroups`). Checked against R
(tests/r/esf_join.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes import SUBGROUP_COLUMNS, subgroups

#: The join's variables: status at entry and status on leaving.
JOIN_VARIABLES = ("status_entry", "status_leaving")
#: Levels of the status at entry (the long-term unemployed apart from the other unemployed).
ENTRY_LEVELS = ("employed", "unemployed", "long_term_unemployed", "inactive")
#: Levels of the status on leaving (``participating``: not left yet).
LEAVING_LEVELS = (
    "employed",
    "job_search",
    "education",
    "qualification",
    "inactive",
    "other",
    "participating",
)
#: Columns of :func:`status_change`: those of the subgroups table without the baseline
#: threshold.
JOIN_COLUMNS = [c for c in SUBGROUP_COLUMNS if c != "threshold"]
#: Columns of :func:`join_linkage`.
LINKAGE_COLUMNS = ["project", "participants", "clients", "linked", "leavers_linked"]


def status_groups(participants: pd.DataFrame) -> pd.DataFrame:
    """Each participant's join levels: columns project, participant, status_entry,
    status_leaving (:data:`ENTRY_LEVELS`, :data:`LEAVING_LEVELS`).

    Parameters
    ----------
    participants : pandas.DataFrame
        Columns project, participant, status_entry, long_term_unemployed, end_date,
        status_leaving.
    """
    entry = participants["status_entry"].astype(object).to_numpy()
    ltu = participants["long_term_unemployed"].astype("boolean").fillna(False).to_numpy(bool)
    entry = np.where((entry == "unemployed") & ltu, "long_term_unemployed", entry)
    left = participants["end_date"].notna().to_numpy()
    leaving = participants["status_leaving"].astype(object).to_numpy()
    leaving = np.where(left, leaving, "participating")
    return pd.DataFrame(
        {
            "project": participants["project"].to_numpy(dtype=object),
            "participant": participants["participant"].to_numpy(dtype=object),
            "status_entry": entry,
            "status_leaving": np.where(pd.isna(leaving), None, leaving),
        }
    )


def status_change(
    scores: pd.DataFrame,
    participants: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Paired change in quality of life by status at entry and by status on leaving.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses of one instrument (``project``, ``wave``, ``respondent``, optional
        ``discarded`` and a 0–100 column per domain), as for
        :func:`evaltool.indicators.outcomes.subgroups`.
    participants : pandas.DataFrame
        :func:`status_groups` (columns project, participant, status_entry,
        status_leaving), with ``participant`` the same pseudonym as ``respondent``.
    domains : mapping or sequence of str
        The domains (score columns).
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last).
    projects : sequence of str, optional
        Projects that get rows (the programme row always uses every project).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`JOIN_COLUMNS`: ``variable`` (``status_entry`` or
        ``status_leaving``), ``level``, ``n`` and the paired-change statistics (means, mean
        difference with 95 % CI, paired t-test, Cohen's dz and d_av, Wilcoxon signed-rank),
        ``note``, ``suppressed``; one row per programme/project × domain × variable × level.

    Notes
    -----
    A client's statuses are those of the participant record with the same project and
    pseudonym; clients without a record are left out of these rows. The statistics are
    those of :func:`evaltool.indicators.outcomes.subgroups` (paired t-test, R
    ``t.test(paired = TRUE)``; Wilcoxon signed-rank as ``wilcox.test(exact = FALSE,
    correct = TRUE)``; dz = mean difference / SD of the differences; d_av = mean difference
    / mean of the two SDs). Rows resting on fewer than ``min_n`` clients keep their keys and
    ``n`` and are ``suppressed``. Change among those who found work is not an effect of
    work: the groups differ at entry, and employment may follow from a better quality of
    life as well as lead to it.

    References
    ----------
    Regulation (EU) 2021/1057, Annex I (status at entry and on leaving).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.esf.join import status_change
    >>> scores = pd.DataFrame({"project": "A", "wave": [1] * 6 + [2] * 6,
    ...     "respondent": [f"r{i}" for i in range(6)] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0]})
    >>> status = pd.DataFrame({"project": "A", "participant": [f"r{i}" for i in range(6)],
    ...     "status_entry": "unemployed", "status_leaving": ["employed"] * 3 + ["job_search"] * 3})
    >>> # In R: t.test(to[employed], from[employed], paired = TRUE)
    >>> t = status_change(scores, status, ["qol"], min_n=3)
    >>> t.loc[t["project"].isna(), ["variable", "level", "n", "mean_diff"]]
             variable       level  n  mean_diff
    0    status_entry  unemployed  6   8.333333
    1  status_leaving    employed  3   4.333333
    2  status_leaving  job_search  3  12.333333
    """
    status = participants[["project", "participant", *JOIN_VARIABLES]].rename(
        columns={"participant": "respondent"}
    )
    status = status.drop_duplicates(["project", "respondent"])
    merged = scores.merge(status, on=["project", "respondent"], how="left")
    table = subgroups(
        merged,
        domains,
        min_n=min_n,
        from_wave=from_wave,
        to_wave=to_wave,
        projects=projects,
        background=JOIN_VARIABLES,
    )
    table = table[table["variable"] != "baseline"]
    order = {v: k for k, v in enumerate((*ENTRY_LEVELS, *LEAVING_LEVELS))}
    table = table.assign(
        _v=table["variable"].map({v: k for k, v in enumerate(JOIN_VARIABLES)}),
        _l=table["level"].map(order),
        _p=table["project"].isna(),
    )
    table = table.sort_values(
        ["_p", "project", "domain", "_v", "_l"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return table[JOIN_COLUMNS].reset_index(drop=True)


def join_linkage(participants: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """How many participants link to a client's questionnaires, per project and for the
    programme.

    Parameters
    ----------
    participants : pandas.DataFrame
        Columns project, participant, status_leaving (:func:`status_groups`).
    clients : pandas.DataFrame
        Columns project, respondent: the clients with a stored response.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINKAGE_COLUMNS`: participant records, clients, participants who are
        clients (``linked``) and of them those who have left (``leavers_linked``); the
        programme first (project None). These are bases, shown as they are.
    """
    cl = clients[["project", "respondent"]].drop_duplicates()
    key = participants["project"].astype(str) + "\x1f" + participants["participant"].astype(str)
    linked = key.isin(set(cl["project"].astype(str) + "\x1f" + cl["respondent"].astype(str)))
    frame = pd.DataFrame(
        {
            "project": participants["project"].to_numpy(dtype=object),
            "linked": linked.to_numpy(),
            "left": (participants["status_leaving"] != "participating").to_numpy(),
        }
    )
    rows = []
    for project in [None, *sorted(frame["project"].unique())]:
        sel = frame if project is None else frame[frame["project"] == project]
        n_cl = len(cl) if project is None else int((cl["project"] == project).sum())
        rows.append(
            {
                "project": project,
                "participants": len(sel),
                "clients": n_cl,
                "linked": int(sel["linked"].sum()),
                "leavers_linked": int((sel["linked"] & sel["left"]).sum()),
            }
        )
    return pd.DataFrame(rows, columns=LINKAGE_COLUMNS)
