"""Chapter "respondents": the clients' background and their goals for the support period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, field_title, project_key, project_rows
from evaltool.report.collect import BACKGROUND_FIELDS, GOAL_FIELDS, ProjectInfo, ReportData
from evaltool.report.document import Chapter, Section
from evaltool.report.i18n import word_list
from evaltool.report.privacy import protect_binary
from evaltool.report.release import OTHER


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
    """One table per background field: each category's count and share; small categories
    merged into one row "muut / ei tietoa" (:func:`evaltool.indicators.suppression.
    merge_small`), so nothing else has to be withheld."""
    d = b.data
    sec = Section(b.t("sec_background"))
    for fname in fields:
        part = bg[bg["field"] == fname]
        if part.empty:
            continue
        table = _distribution_table(b, _order_values(d, part, fname), fname)
        sec.blocks.append(table)
    return sec


def _distribution_table(b: Builder, part: pd.DataFrame, fname: str):
    """The field's table: shown categories, then the merged row with a note naming what it
    holds; every cell with its linear form for the release check."""
    d = b.data
    title = field_title(b, fname)
    merged = part["merged"].fillna(False).astype(bool).to_numpy()
    sup = part["suppressed"].fillna(False).astype(bool).to_numpy()
    shown = part[~merged].assign(_atoms=[_atoms(r, fname) for r in part[~merged].itertuples()])
    rest = part[merged]
    rows = shown.assign(value_label=[d.value_label(fname, v, b.lang) for v in shown["value"]]).drop(
        columns=["suppressed"]
    )
    notes = []
    if len(rest):
        count = float(rest["count"].sum())
        n = float(part["n"].iloc[0])
        atoms: dict = {}
        for r in rest.itertuples():
            atoms.update(_atoms(r, fname))
        other = pd.DataFrame(
            {
                "value_label": [b.t("other_merged")],
                "count": [count],
                "share": [count / n if n else np.nan],
                "_atoms": [atoms],
            }
        )
        rows = pd.concat([rows, other], ignore_index=True)
        names = [d.value_label(fname, v, b.lang) for v in rest["value"] if v != OTHER]
        if (rest["value"] == OTHER).any():
            notes.append(b.t("other_programme_note"))
        if names:
            quoted = word_list([b.t("quoted", text=x) for x in names], b.lang)
            key = "other_merged_note" if len(names) > 1 else "other_merged_note_one"
            notes.append(b.t(key, values=quoted))
    hide = np.full(len(rows), bool(sup.any()))
    total: dict = {}
    for f in rows["_atoms"]:
        total.update(f)
    table = b.table(
        f"{title} (n = {int(part['n'].iloc[0])})",
        rows,
        [
            b.col("value_label", header=title, stat=False),
            b.col("count", kind="int"),
            b.col("share", kind="pct"),
        ],
        notes=notes,
        cells={"count": hide, "share": hide},
    )
    table.ledger = {"count": list(rows["_atoms"]), "share": list(rows["_atoms"])}
    table.ledger_facts = [total]
    return table


def _atoms(r, fname: str) -> dict:
    """The linear form of a category cell: its clients per project (the programme's cells
    sum the projects whose cell is shown, see :mod:`evaltool.report.release`)."""
    return {("bg", fname, p, v): 1.0 for p, v in r.atoms}


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
    hide = goals["hidden"].fillna(False).astype(bool).to_numpy() | protect_binary(
        goals["count"], goals["n"], d.min_n
    )
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
    same_n = goals["n"].nunique() == 1
    table = b.table(
        f"{gsec.title} (n = {int(goals['n'].iloc[0])})" if same_n else gsec.title,
        goals,
        [
            b.col("value_label", "bg_goals", stat=False),
            *([] if same_n else [b.col("n", kind="int", stat=False)]),
            b.col("count", kind="int"),
            b.col("share", kind="pct"),
        ],
        notes=[b.t("s_multi")] + ([] if same_n else [b.t("goals_programme_note")]),
        cells={"count": hide, "share": hide},
    )
    yes = [{("goal", gname, p, v): 1.0 for p, v in a} for a in goals["atoms"]]
    both = [{**f, **{("no",) + k: 1.0 for k in f}} for f in yes]
    table.ledger = {"count": yes, "share": yes, "n": both}
    table.ledger_facts = [] if not same_n else both
    gsec.blocks.append(table)
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
