"""Chapter "respondents": the clients' background and their goals for the support period."""

from __future__ import annotations

import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, field_title, project_key, project_rows
from evaltool.report.collect import BACKGROUND_FIELDS, GOAL_FIELDS, ProjectInfo, ReportData
from evaltool.report.document import Chapter, Section
from evaltool.report.privacy import protect, protect_binary


def background_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The respondents' background of a project report (``project``) or of the programme
    report (None).

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.

    Returns
    -------
    Chapter
        One table per background field (counts and shares, small counts withheld), then one
        section per goal field (a bar chart and a table; several answers allowed).
    """
    d = b.data
    key = project_key(project)
    ch = Chapter("respondents", b.t("ch_respondents"))
    bg = project_rows(d.background, key)
    if bg.empty:
        return ch
    sets = d.fields
    sec = _background_section(b, bg, sets.background if sets else BACKGROUND_FIELDS)
    if sec.blocks:
        ch.sections.append(sec)
    for gname in sets.goals if sets else GOAL_FIELDS:
        gsec = _goal_section(b, bg[bg["field"] == gname], gname)
        if gsec is not None:
            ch.sections.append(gsec)
    return ch


def _background_section(b: Builder, bg: pd.DataFrame, fields) -> Section:
    """One table per background field: each category's count and share."""
    d = b.data
    sec = Section(b.t("sec_background"))
    for fname in fields:
        part = bg[bg["field"] == fname]
        if part.empty:
            continue
        part = _order_values(d, part, fname)
        part = part.assign(value_label=[d.value_label(fname, v, b.lang) for v in part["value"]])
        title = field_title(b, fname)
        hide = protect(part["count"], d.min_n)
        sec.blocks.append(
            b.table(
                f"{title} (n = {int(part['n'].iloc[0])})",
                part,
                [
                    b.col("value_label", header=title, stat=False),
                    b.col("count", kind="int"),
                    b.col("share", kind="pct"),
                ],
                cells={"count": hide, "share": hide},
            )
        )
    return sec


def _goal_section(b: Builder, goals: pd.DataFrame, gname: str) -> Section | None:
    """The goals chosen (several per client): a bar chart of the shares and a table."""
    d = b.data
    if not len(goals):
        return None
    gsec = Section(field_title(b, gname) if gname != "goals" else b.t("sec_goals"))
    goals = goals.sort_values(["count", "value"], ascending=[False, True])
    goals = goals.assign(
        value_label=[
            d.value_label(f, v, b.lang) for f, v in zip(goals["field"], goals["value"], strict=True)
        ]
    )
    hide = protect_binary(goals["count"], goals["n"], d.min_n)
    if not goals["suppressed"].any() and not hide.all():
        shares = goals["share"].where(~hide)
        gsec.blocks.append(
            b.figure(
                gsec.title,
                charts.hbars(
                    goals["value_label"].tolist(), shares.tolist(), b.t("axis_share"), b.lang
                ),
                note=b.t("min_n_chart", min_n=d.min_n) if hide.any() else "",
            )
        )
    gsec.blocks.append(
        b.table(
            f"{gsec.title} (n = {int(goals['n'].iloc[0])})",
            goals,
            [
                b.col("value_label", "bg_goals", stat=False),
                b.col("count", kind="int"),
                b.col("share", kind="pct"),
            ],
            notes=[b.t("s_multi")],
            cells={"count": hide, "share": hide},
        )
    )
    return gsec


def _order_values(d: ReportData, part: pd.DataFrame, fname: str) -> pd.DataFrame:
    """Categories in the instrument's option order when declared, else by count."""
    order: dict[str, int] = {}
    for (f, norm), _labels in d.value_labels.items():
        if f == fname:
            order.setdefault(norm, len(order))
    if order:
        rank = part["value"].map(lambda v: order.get(str(v).strip().casefold(), 10_000))
        return part.assign(_r=rank).sort_values(["_r", "value"]).drop(columns="_r")
    return part.sort_values(["count", "value"], ascending=[False, True])
