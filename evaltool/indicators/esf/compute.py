"""The ESF common indicators for participants, by gender, per reporting period, against
targets, with success rates.

The input is one row per participant and project (:data:`PARTICIPANT_INPUT`), the records
of :meth:`Workspace.participant_records` with the sensitive characteristics merged in and
the project's programme period. Each participant gets the flags of :data:`FLAGS`; each
indicator of :mod:`~evaltool.indicators.esf.definitions` counts the participants whose
flags satisfy its rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.esf.definitions import Indicator, indicators
from evaltool.indicators.suppression import protect, small

#: Columns of the participant table :func:`indicator_table` reads.
PARTICIPANT_INPUT = [
    "project",
    "programme_period",
    "start_date",
    "end_date",
    "gender",
    "age",
    "status_entry",
    "long_term_unemployed",
    "in_education",
    "isced",
    "status_leaving",
    "qualification",
    "status_6m",
    "improved_6m",
    "disability",
    "third_country",
    "foreign_background",
    "minority",
]
#: The flags an indicator rule may use (:func:`participant_flags`).
FLAGS = (
    "entered",
    "unemployed",
    "long_term_unemployed",
    "inactive",
    "in_education",
    "employed",
    "age_under_18",
    "age_18_29",
    "age_under_25",
    "age_55_plus",
    "isced_0_2",
    "isced_1_2",
    "isced_3_4",
    "isced_5_8",
    "disability",
    "third_country",
    "foreign_background",
    "minority",
    "leaver",
    "leave_job_search",
    "leave_education",
    "leave_qualification",
    "leave_employed",
    "employed_6m",
    "improved_6m",
)
#: Gender values of a participant record and the count column of each.
GENDERS = {"woman": "women", "man": "men", "non_binary": "non_binary", "unknown": "unknown_gender"}
GENDER_COLUMNS = list(GENDERS.values())
#: Columns of :func:`indicator_table`.
INDICATOR_COLUMNS = [
    "project",
    "programme_period",
    "reporting_period",
    "code",
    "kind",
    "sensitive",
    "total",
    *GENDER_COLUMNS,
    "target",
    "target_pct",
    "base_codes",
    "base",
    "success_rate",
    "base_leavers",
    "leaver_rate",
    "suppressed",
]
#: The reporting period of cumulative figures.
ALL = "all"
#: The project key of the programme rows while counting (never a project label).
_PROGRAMME = "\uffffprogramme"


def _flag(values: pd.Series) -> np.ndarray:
    return values.astype("boolean").fillna(False).to_numpy(dtype=bool)


def participant_flags(participants: pd.DataFrame) -> pd.DataFrame:
    """The :data:`FLAGS` of each participant (one boolean column each).

    Parameters
    ----------
    participants : pandas.DataFrame
        Columns :data:`PARTICIPANT_INPUT` (``programme_period`` and ``project`` unused).

    Returns
    -------
    pandas.DataFrame
        One row per participant, same index, one boolean column per flag.

    Notes
    -----
    At entry: ``unemployed`` (status ``unemployed``, the long-term unemployed included),
    ``long_term_unemployed``, ``inactive`` (status ``inactive``), ``in_education``,
    ``employed`` (employed or self-employed); age at entry ``< 18``, ``18–29``, ``< 25``,
    ``≥ 55``; highest education ISCED ``0–2``, ``1–2``, ``3–4``, ``5–8``; the sensitive
    characteristics as given (not given counts as no). A ``leaver`` has an end date; on
    leaving ``leave_job_search``, ``leave_education``, ``leave_employed`` (the status on
    leaving) and ``leave_qualification`` (the qualification column, or the status
    ``qualification``); six months after leaving ``employed_6m`` and ``improved_6m``.
    """
    p = participants
    status = p["status_entry"].astype(object)
    leaving = p["status_leaving"].astype(object)
    age = pd.to_numeric(p["age"], errors="coerce").to_numpy(dtype=float)
    isced = pd.to_numeric(p["isced"], errors="coerce").to_numpy(dtype=float)
    leaver = p["end_date"].notna().to_numpy()
    flags = {
        "entered": np.ones(len(p), dtype=bool),
        "unemployed": (status == "unemployed").to_numpy(),
        "long_term_unemployed": _flag(p["long_term_unemployed"]),
        "inactive": (status == "inactive").to_numpy(),
        "in_education": _flag(p["in_education"]),
        "employed": (status == "employed").to_numpy(),
        "age_under_18": age < 18,
        "age_18_29": (age >= 18) & (age <= 29),
        "age_under_25": age < 25,
        "age_55_plus": age >= 55,
        "isced_0_2": isced <= 2,
        "isced_1_2": (isced >= 1) & (isced <= 2),
        "isced_3_4": (isced >= 3) & (isced <= 4),
        "isced_5_8": isced >= 5,
        "leaver": leaver,
        "leave_job_search": leaver & (leaving == "job_search").to_numpy(),
        "leave_education": leaver & (leaving == "education").to_numpy(),
        "leave_qualification": leaver
        & (_flag(p["qualification"]) | (leaving == "qualification").to_numpy()),
        "leave_employed": leaver & (leaving == "employed").to_numpy(),
        "employed_6m": leaver & (p["status_6m"].astype(object) == "employed").to_numpy(),
        "improved_6m": leaver & _flag(p["improved_6m"]),
    }
    for c in ("disability", "third_country", "foreign_background", "minority"):
        flags[c] = _flag(p[c])
    return pd.DataFrame({f: flags[f] for f in FLAGS}, index=p.index)


def _labels(dates: pd.Series, by: str, start: str | None, end: str | None) -> np.ndarray:
    """The reporting period of each date (None: outside the range or no date)."""
    d = dates.astype(object)
    ok = d.notna().to_numpy().copy()
    text = d.where(d.notna(), "").astype(str).to_numpy()
    if start is not None:
        ok &= text >= start
    if end is not None:
        ok &= text <= end
    if by == "year":
        label = np.array([t[:4] for t in text], dtype=object)
    else:
        label = np.full(len(d), _range_label(start, end), dtype=object)
    return np.where(ok, label, None)


def _range_label(start: str | None, end: str | None) -> str:
    if start is None and end is None:
        return ALL
    return f"{start or ''}–{end or ''}"


def _counts(keys: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Participants per (project, reporting_period) and gender where ``mask``; a
    programme row (project None) per period."""
    sel = keys[mask & keys["reporting_period"].notna().to_numpy()]
    both = pd.concat([sel.assign(project=None), sel], ignore_index=True)
    both["project"] = both["project"].astype(object).where(both["project"].notna(), _PROGRAMME)
    table = both.groupby(["project", "reporting_period", "gender"]).size().unstack(fill_value=0)
    table = table.reindex(columns=list(GENDERS), fill_value=0)
    table.columns = GENDER_COLUMNS
    table["total"] = table.sum(axis=1)
    return table


def _rows(keys: pd.DataFrame, by_code: dict[str, pd.DataFrame], inds: list[Indicator]):
    """Every (project, reporting period) that has a count, × the indicators of the
    project's programme period (zeros included)."""
    present = pd.concat(
        [t.reset_index()[["project", "reporting_period"]] for t in by_code.values()]
    )
    present = present.drop_duplicates()
    period_of = keys.drop_duplicates("project").set_index("project")["programme_period"]
    frames = []
    for ind in inds:
        projects = set(period_of.index[period_of == ind.period])
        sub = present[present["project"].isin(projects | {_PROGRAMME})]
        if sub.empty or not projects:
            continue
        frames.append(sub.assign(code=ind.code))
    return pd.concat(frames, ignore_index=True) if frames else None


def indicator_table(
    participants: pd.DataFrame,
    *,
    min_n: int = 5,
    targets: pd.DataFrame | None = None,
    by: str = ALL,
    start: str | None = None,
    end: str | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The common indicators by gender per project and for the programme.

    Parameters
    ----------
    participants : pandas.DataFrame
        One row per participant and project, columns :data:`PARTICIPANT_INPUT`; dates as
        ISO text, ``programme_period`` ``2014-2020`` (the CO/CR indicators) or anything
        else (the EECO/EECR indicators of 2021–2027).
    min_n : int, default 5
        Sensitive indicators: a count of 1 … ``min_n`` − 1 is withheld.
    targets : pandas.DataFrame, optional
        Columns project, indicator (code), target; compared with the cumulative totals.
    by : {"all", "year"}
        Cumulative figures, or one reporting period per calendar year.
    start, end : str, optional
        Only this date range (ISO dates, inclusive).
    codes : sequence of str, optional
        Only these indicators.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDICATOR_COLUMNS`: one row per project (None: the programme, over
        the projects of the indicator's programme period) × reporting period × indicator;
        ``total`` and the gender counts (women, men, non-binary, unknown), ``target`` and
        ``target_pct`` = total / target, for results ``base`` (the sum of the output
        indicators ``base_codes``), ``success_rate`` = total / base, ``base_leavers`` (the
        base's participants who have left) and ``leaver_rate`` = total / base_leavers;
        ``suppressed`` where a sensitive count is withheld.

    Notes
    -----
    Output indicators count participants by their start date, results by their end date:
    a year's row counts those who entered that year and the results of those who left it.
    A participant counts in every indicator whose rule they satisfy (a long-term unemployed
    woman of 25 counts in EECO01, EECO02, EECO03 and EECO07). Sensitive indicators (special
    categories of personal data) withhold counts of 1 … ``min_n`` − 1 and, where the total
    is shown, further gender cells so that none can be recovered by subtraction
    (:func:`evaltool.indicators.suppression.protect`); other counts are the administrative
    figures reported to the funder and are shown as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.esf.compute import indicator_table
    >>> p = pd.DataFrame({"project": ["A", "A"], "programme_period": "2021-2027",
    ...     "start_date": ["2023-01-09", "2023-02-01"], "end_date": ["2023-06-30", None],
    ...     "gender": ["woman", "man"], "age": [25, 58], "status_entry": ["unemployed",
    ...     "inactive"], "long_term_unemployed": [True, False], "in_education": False,
    ...     "isced": [2, 3], "status_leaving": ["employed", None], "qualification": None,
    ...     "status_6m": None, "improved_6m": None, "disability": None,
    ...     "third_country": None, "foreign_background": None, "minority": None})
    >>> t = indicator_table(p, codes=["EECO01", "EECO03", "EECR04"])
    >>> t.loc[t["project"] == "A", ["code", "total", "women", "men", "success_rate"]]
         code  total  women  men  success_rate
    3  EECO01      2      1    1           NaN
    4  EECO03      1      1    0           NaN
    5  EECR04      1      1    0           0.5
    """
    wanted = None if codes is None else {str(c) for c in codes}
    chosen = [i for i in indicators() if wanted is None or i.code in wanted]
    needed = {b for i in chosen for b in i.base}
    inds = [i for i in indicators() if i in chosen or i.code in needed]
    p = participants.reset_index(drop=True)
    p_period = np.where(
        p["programme_period"].astype(object) == "2014-2020", "2014-2020", "2021-2027"
    )
    flags = participant_flags(p)
    gender = p["gender"].astype(object).where(p["gender"].isin(list(GENDERS)), "unknown")
    by_date = {
        "start": _labels(p["start_date"], by, start, end),
        "end": _labels(p["end_date"], by, start, end),
    }
    keys_base = pd.DataFrame({"project": p["project"].astype(object), "gender": gender})
    keys_base["programme_period"] = p_period
    counts: dict[str, pd.DataFrame] = {}
    leavers: dict[str, pd.DataFrame] = {}
    for ind in inds:
        which = "start" if ind.kind == "output" else "end"
        keys = keys_base.assign(reporting_period=by_date[which])
        mask = flags.eval(ind.rule).to_numpy(dtype=bool) & (p_period == ind.period)
        counts[ind.code] = _counts(keys, mask)
        if ind.kind == "output":
            left = keys_base.assign(reporting_period=by_date["end"])
            leavers[ind.code] = _counts(left, mask & flags["leaver"].to_numpy())
    rows = _rows(keys_base, counts, inds)
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in INDICATOR_COLUMNS})
    if wanted is not None:
        rows = rows[rows["code"].isin(wanted)]
    rows = _with_follow_up(rows, p, inds)
    return _assemble(rows, inds, counts, leavers, targets, min_n)


def _with_follow_up(rows: pd.DataFrame, p: pd.DataFrame, inds: list[Indicator]) -> pd.DataFrame:
    """Longer-term indicators only where follow-up data exist: of projects with a status
    six months after leaving (or an improved situation) for some participant."""
    follow = p["status_6m"].notna() | p["improved_6m"].notna()
    projects = set(pd.unique(p.loc[follow.to_numpy(), "project"]))
    if projects:
        projects.add(_PROGRAMME)
    longer = rows["code"].isin([i.code for i in inds if i.kind == "longer_term"])
    return rows[~longer | rows["project"].isin(projects)]


def _lookup(rows: pd.DataFrame, table: pd.DataFrame, column: str) -> np.ndarray:
    idx = pd.MultiIndex.from_frame(rows[["project", "reporting_period"]])
    return table[column].reindex(idx).fillna(0).to_numpy(dtype=float)


def _assemble(rows, inds, counts, leavers, targets, min_n) -> pd.DataFrame:
    by_code = {i.code: i for i in inds}
    parts = []
    for code, group in rows.groupby("code", sort=False):
        ind = by_code[code]
        g = group.reset_index(drop=True)
        out = {c: _lookup(g, counts[code], c) for c in ["total", *GENDER_COLUMNS]}
        base = np.full(len(g), np.nan)
        base_left = np.full(len(g), np.nan)
        known = [b for b in ind.base if b in counts]
        if ind.kind != "output" and len(known) == len(ind.base):
            base = sum(_lookup(g, counts[b], "total") for b in known)
            base_left = sum(_lookup(g, leavers[b], "total") for b in known)
        parts.append(
            pd.DataFrame(
                {
                    "project": g["project"].where(g["project"] != _PROGRAMME, None),
                    "programme_period": ind.period,
                    "reporting_period": g["reporting_period"],
                    "code": code,
                    "kind": ind.kind,
                    "sensitive": ind.sensitive,
                    **out,
                    "base_codes": "+".join(ind.base),
                    "base": base,
                    "base_leavers": base_left,
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    order = {i.code: k for k, i in enumerate(indicators())}
    df = df.assign(_o=df["code"].map(order), _p=df["project"].notna())
    df = df.sort_values(["_p", "project", "reporting_period", "_o"], kind="stable")
    df = df.drop(columns=["_o", "_p"]).reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["success_rate"] = np.where(df["base"] > 0, df["total"] / df["base"], np.nan)
        df["leaver_rate"] = np.where(
            df["base_leavers"] > 0, df["total"] / df["base_leavers"], np.nan
        )
    _add_targets(df, targets)
    return _withhold_sensitive(df, min_n)[INDICATOR_COLUMNS]


def _add_targets(df: pd.DataFrame, targets: pd.DataFrame | None) -> None:
    """``target`` and ``target_pct`` on the cumulative rows (a programme's target: the sum
    over its projects' targets)."""
    df["target"] = np.nan
    if targets is not None and len(targets):
        t = targets.rename(columns={"indicator": "code"})[["project", "code", "target"]]
        t = t[t["project"].isin(set(df["project"].dropna()))]
        prog = t.groupby("code", as_index=False)["target"].sum().assign(project=_PROGRAMME)
        both = pd.concat([t, prog], ignore_index=True).set_index(["project", "code"])["target"]
        keys = pd.MultiIndex.from_arrays([df["project"].fillna(_PROGRAMME), df["code"]])
        cumulative = (df["reporting_period"] == ALL).to_numpy()
        df["target"] = np.where(cumulative, both.reindex(keys).to_numpy(dtype=float), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["target_pct"] = np.where(df["target"] > 0, df["total"] / df["target"], np.nan)


def _withhold_sensitive(df: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Counts of sensitive indicators: 1 … min_n − 1 withheld, with complementary gender
    cells; everything computed from a withheld total too."""
    sens = df["sensitive"].to_numpy(dtype=bool)
    cells = df[GENDER_COLUMNS].to_numpy(dtype=float)
    rows = np.repeat(np.arange(len(df)), len(GENDER_COLUMNS))
    hidden = protect(cells.ravel(), min_n, groups=rows).reshape(cells.shape) & sens[:, None]
    total_hidden = small(df["total"], min_n) & sens
    hidden |= total_hidden[:, None] & (cells > 0)
    for j, c in enumerate(GENDER_COLUMNS):
        df[c] = pd.array(np.where(hidden[:, j], np.nan, cells[:, j]), dtype="Float64").astype(
            "Int64"
        )
    df["total"] = pd.array(
        np.where(total_hidden, np.nan, df["total"].to_numpy(dtype=float)), dtype="Float64"
    ).astype("Int64")
    for c in ("target_pct", "success_rate", "leaver_rate"):
        df.loc[total_hidden, c] = np.nan
    for c in ("base", "base_leavers"):
        df[c] = pd.array(df[c].to_numpy(dtype=float), dtype="Float64").astype("Int64")
    df["suppressed"] = hidden.any(axis=1) | total_hidden
    return df


def success_rates(table: pd.DataFrame) -> pd.DataFrame:
    """The result indicators of :func:`indicator_table` with their success rates: columns
    project, programme_period, reporting_period, code, kind, total, base_codes, base,
    success_rate, base_leavers, leaver_rate.

    Notes
    -----
    success rate = result indicator / its matching output indicator(s) (``base_codes``,
    e.g. EECR04 / (EECO02 + EECO04)); ``leaver_rate`` divides by those of the base who
    have left, the rate among the participants whose result is known.
    """
    cols = [
        "project",
        "programme_period",
        "reporting_period",
        "code",
        "kind",
        "total",
        "base_codes",
        "base",
        "success_rate",
        "base_leavers",
        "leaver_rate",
    ]
    return table.loc[table["kind"] != "output", cols].reset_index(drop=True)
