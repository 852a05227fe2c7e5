"""Statement indices: per-organisation index scores (0–100), their means per round with
t intervals, and the answer distribution of every statement item. The index means and
intervals are checked against R's ``t.test(x)$conf.int`` on scores recomputed in R
(tests/r/cooperation.R); the distributions are plain counts (tests/indicators/test_cooperation.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.stats import grouped_mean_ci
from evaltool.indicators.suppression import withhold
from evaltool.instruments.partner_survey import PartnerSurvey


def by_list(by: str | Sequence[str] | None) -> list[str]:
    """The grouping columns ``by`` as a list (none, one or several)."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def statements_with_items(statements: pd.DataFrame, survey: PartnerSurvey) -> pd.DataFrame:
    """``statements`` checked against ``survey`` and joined with each item's ``index, min,
    max, reversed, min_answered``.

    Parameters
    ----------
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).

    Returns
    -------
    pandas.DataFrame
        The answers with the item columns; raises ``ValueError`` for missing columns,
        answers without an organisation, unknown items and values outside the scale.
    """
    missing = [c for c in ("round", "respondent_org", "item", "value") if c not in statements]
    if missing:
        raise ValueError(f"statements: columns missing: {missing}")
    s = statements.copy()
    if "sector" not in s.columns:
        s["sector"] = np.nan
    if s["respondent_org"].isna().any():
        raise ValueError("statements: every answer needs a respondent_org")
    items = survey.items_frame()
    unknown = sorted(set(pd.unique(s["item"].astype(str))) - set(items["item"]))
    if unknown:
        raise ValueError(f"statements: items not in survey {survey.code!r}: {unknown}")
    s["value"] = pd.to_numeric(s["value"], errors="raise").astype(float)
    s = s.merge(items, on="item", how="left")
    bad = s["value"].notna() & ((s["value"] < s["min"]) | (s["value"] > s["max"]))
    if bad.any():
        row = s[bad].iloc[0]
        raise ValueError(f"statements: value {row['value']:g} outside the scale of {row['item']}")
    return s


def _org_attributes(s: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """First non-missing value of ``columns`` per (round, respondent_org)."""
    keys = ["round", "respondent_org"]
    if not columns:
        return s[keys].drop_duplicates()
    return s.groupby(keys, sort=False)[columns].first().reset_index()


def index_scores(
    statements: pd.DataFrame, survey: PartnerSurvey, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Per-organisation index scores (0–100) per round.

    Parameters
    ----------
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    by : str or sequence of str, optional
        Further organisation columns of ``statements`` carried into the result.

    Returns
    -------
    pandas.DataFrame
        ``round, respondent_org, sector`` (plus any ``by`` columns), ``index, n_answered,
        score``, in round, block and organisation order.

    Notes
    -----
    For each responding organisation and block: answers of the organisation to each item are
    averaged (when it answered more than once), reversed items become ``min + max − x``, and

        score = (mean of answered items − min) / (max − min) × 100

    The index is computed only when at least the block's ``min_answered`` items are answered
    (default: half of the items, rounded up; "Don't know" = unanswered); otherwise ``score``
    is NaN. Scores are per organisation and are not withheld here; :func:`index_table`
    withholds their summaries.

    The scores behind :func:`index_table` are recomputed independently in R and tested
    against it (tests/r/cooperation.R).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.cooperation import load_partner_survey
    >>> survey = load_partner_survey()
    >>> statements = pd.DataFrame({
    ...     "round": 1,
    ...     "respondent_org": ["A", "A", "A", "B", "B", "B"],
    ...     "sector": ["public"] * 3 + ["ngo"] * 3,
    ...     "item": ["goals_1", "goals_2", "goals_3"] * 2,
    ...     "value": [4, 5, 4, 3, None, 2],
    ... })
    >>> from evaltool.indicators.cooperation import index_scores
    >>> # In R: (mean(v, na.rm = TRUE) - min) / (max - min) * 100
    >>> index_scores(statements, survey).round(4)
       round respondent_org  sector  index  n_answered    score
    0      1              A  public  goals           3  83.3333
    1      1              B     ngo  goals           2  37.5000
    """
    s = statements_with_items(statements, survey)
    extra = [c for c in ["sector", *by_list(by)] if c != "sector"]
    attributes = _org_attributes(s, ["sector", *extra])
    s["value"] = np.where(s["reversed"], s["min"] + s["max"] - s["value"], s["value"])
    keys = ["round", "respondent_org", "index"]
    per_item = s.groupby([*keys, "item"], sort=False)["value"].mean().reset_index()
    per_block = (
        per_item.groupby(keys, sort=False)["value"]
        .agg(n_answered="count", mean="mean")
        .reset_index()
    )
    blocks = s[["index", "min", "max", "min_answered"]].drop_duplicates("index")
    per_block = per_block.merge(blocks, on="index", how="left")
    ok = per_block["n_answered"] >= per_block["min_answered"]
    rescaled = (per_block["mean"] - per_block["min"]) / (per_block["max"] - per_block["min"])
    per_block["score"] = np.where(ok, rescaled * 100, np.nan)
    out = per_block.merge(attributes, on=["round", "respondent_org"], how="left")
    order = {b.code: i for i, b in enumerate(survey.blocks)}
    out = out.assign(_o=out["index"].map(order)).sort_values(["round", "_o", "respondent_org"])
    cols = ["round", "respondent_org", "sector", *extra, "index", "n_answered", "score"]
    return out[cols].reset_index(drop=True)


def index_table(
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    min_n: int = 5,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cooperation indices (0–100) per round, optionally by sector or another column.

    Parameters
    ----------
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    min_n : int, default 5
        Rows resting on fewer organisations are withheld.
    by : str or sequence of str, optional
        Grouping columns (e.g. ``"sector"``).

    Returns
    -------
    pandas.DataFrame
        ``round`` (``by`` columns), ``index, n, mean, sd, ci_low, ci_high, suppressed``.

    Notes
    -----
    Per-organisation scores as in :func:`index_scores`. For each round (and ``by`` group) and
    index: n organisations with a score, mean, sd (n − 1), and the t-based 95 % CI

        mean ± t(0.975, n − 1) · sd / √n

    (as R's ``t.test(x)$conf.int``). When n < ``min_n`` the statistics are not shown (NaN)
    and ``suppressed`` is True; the keys and n stay.

    Tested against R's t.test (tests/r/cooperation.R).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.cooperation import load_partner_survey
    >>> survey = load_partner_survey()
    >>> statements = pd.DataFrame({
    ...     "round": 1,
    ...     "respondent_org": ["A", "A", "A", "B", "B", "B"],
    ...     "sector": ["public"] * 3 + ["ngo"] * 3,
    ...     "item": ["goals_1", "goals_2", "goals_3"] * 2,
    ...     "value": [4, 5, 4, 3, None, 2],
    ... })
    >>> from evaltool.indicators.cooperation import index_table
    >>> # In R: t.test(score)$conf.int
    >>> index_table(statements, survey, min_n=2).round(4)
       round  index  n     mean       sd    ci_low   ci_high  suppressed
    0      1  goals  2  60.4167  32.4091 -230.7672  351.6005       False
    """
    by_cols = by_list(by)
    scores = index_scores(statements, survey, by=by_cols)
    keys = ["round", *by_cols, "index"]
    d = grouped_mean_ci(scores.groupby(keys, sort=False, dropna=False)["score"])
    order = {b.code: i for i, b in enumerate(survey.blocks)}
    d = d.assign(_o=d["index"].map(order)).sort_values(["round", *by_cols, "_o"])
    cols = [*keys, "n", "mean", "sd", "ci_low", "ci_high", "suppressed"]
    return withhold(d, d["n"].to_numpy() < min_n, [*keys, "n"], columns=cols)


def item_distribution(
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    min_n: int = 5,
    by: str | Sequence[str] | None = None,
    lang: str = "fi",
) -> pd.DataFrame:
    """Answer distribution of every statement item per round (optionally by group).

    Parameters
    ----------
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    min_n : int, default 5
        Items answered by fewer organisations are withheld.
    by : str or sequence of str, optional
        Grouping columns (e.g. ``"sector"``).
    lang : str, default "fi"
        Language of the value labels.

    Returns
    -------
    pandas.DataFrame
        ``round`` (``by`` columns), ``index, item, value, label, count, share, n, n_missing,
        suppressed``; one row per scale value; ``label`` is the value's label in ``lang``.

    Notes
    -----
    Counts answers as given (one row of ``statements`` per answer; reversed items are not
    flipped). For every scale value: ``count`` and ``share = count / n``, where n is the
    number of answers on the scale and ``n_missing`` the answers left blank or "Don't know".
    When n < ``min_n``, count and share are NaN and ``suppressed`` is True; the keys, value,
    label, n and n_missing stay.

    Plain counting, tested on hand-counted data (tests/indicators/test_cooperation.py).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.cooperation import load_partner_survey
    >>> survey = load_partner_survey()
    >>> statements = pd.DataFrame({
    ...     "round": 1,
    ...     "respondent_org": ["A", "A", "A", "B", "B", "B"],
    ...     "sector": ["public"] * 3 + ["ngo"] * 3,
    ...     "item": ["goals_1", "goals_2", "goals_3"] * 2,
    ...     "value": [4, 5, 4, 3, None, 2],
    ... })
    >>> from evaltool.indicators.cooperation import item_distribution
    >>> # In R: table(factor(value, levels = 1:5)) / sum(!is.na(value))
    >>> t = item_distribution(statements, survey, min_n=2)
    >>> t.loc[t["item"] == "goals_1", ["value", "count", "share", "n", "suppressed"]]
       value  count  share  n  suppressed
    0    1.0    0.0    0.0  2       False
    1    2.0    0.0    0.0  2       False
    2    3.0    1.0    0.5  2       False
    3    4.0    1.0    0.5  2       False
    4    5.0    0.0    0.0  2       False
    """
    by_cols = by_list(by)
    s = statements_with_items(statements, survey)
    keys = ["round", *by_cols, "index", "item"]
    totals = s.groupby(keys, sort=False, dropna=False)["value"].agg(n="count", rows="size")
    totals = totals.reset_index()
    totals["n_missing"] = totals["rows"] - totals["n"]
    scale_rows = [
        {"item": item.code, "value": float(v), "label": block.scale.label(v, lang), "_o": k}
        for k, (block, item) in enumerate((b, i) for b in survey.blocks for i in b.items)
        for v in block.scale.values
    ]
    grid = totals.merge(pd.DataFrame(scale_rows), on="item", how="left")
    counts = (
        s.dropna(subset=["value"])
        .groupby([*keys, "value"], sort=False, dropna=False)
        .size()
        .rename("count")
        .reset_index()
    )
    d = grid.merge(counts, on=[*keys, "value"], how="left")
    d["count"] = d["count"].fillna(0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d["share"] = d["count"] / d["n"]
    d = d.sort_values(["round", *by_cols, "_o", "value"])
    cols = [*keys, "value", "label", "count", "share", "n", "n_missing", "suppressed"]
    kept = [*keys, "value", "label", "n", "n_missing"]
    return withhold(d, d["n"].to_numpy() < min_n, kept, columns=cols)
