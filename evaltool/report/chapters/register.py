"""Chapter "ESF indicators": planned and realised figures from the ESF project register."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder
from evaltool.report.collect import ProjectInfo, ReportData
from evaltool.report.document import Chapter, Column, Figure, Paragraph, Section, Table
from evaltool.report.i18n import fmt_int

#: The register's measures, each with a ``planned_<m>`` and a ``realised_<m>`` column.
ESR_MEASURES = ["participants", "women", "jobs", "enterprises", "degrees", "funding"]
#: Bar colour of the planned figures (the realised ones use the palette's first colour).
_PLANNED_COLOR = "#9DB9D3"


def register_frame(d: ReportData, project: ProjectInfo | None) -> pd.DataFrame | None:
    """Planned and realised ESF indicators of one project, or the register's totals.

    Parameters
    ----------
    d : ReportData
        The collected data (its ``register`` table for the totals).
    project : ProjectInfo or None
        The project (its register entry); None for the totals over all projects.

    Returns
    -------
    pandas.DataFrame or None
        One row per :data:`ESR_MEASURES`: ``measure``, ``planned``, ``realised``, ``pct``
        (realised / planned, NaN where nothing was planned); None without register data.
    """
    if project is None:
        reg = d.register
        if reg.empty:
            return None
        row = {
            c: reg[c].sum(min_count=1)
            for c in reg.columns
            if c.startswith(("planned_", "realised_"))
        }
    else:
        if project.register is None:
            return None
        row = project.register
    out = pd.DataFrame(
        {
            "measure": ESR_MEASURES,
            "planned": [row.get(f"planned_{m}") for m in ESR_MEASURES],
            "realised": [row.get(f"realised_{m}") for m in ESR_MEASURES],
        }
    )
    out["planned"] = pd.to_numeric(out["planned"], errors="coerce").astype(float)
    out["realised"] = pd.to_numeric(out["realised"], errors="coerce").astype(float)
    if out[["planned", "realised"]].isna().all().all():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct"] = np.where(out["planned"] > 0, out["realised"] / out["planned"], np.nan)
    return out


def register_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The ESF indicators of a project report (``project``) or the programme's totals (None).

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.

    Returns
    -------
    Chapter
        Planned against realised as bars and a table; the programme report adds the number
        of projects and one row per project. Empty without register data.
    """
    ch = Chapter("esr", b.t("ch_esr"))
    frame = register_frame(b.data, project)
    if frame is None:
        return ch
    frame = frame.assign(measure_label=frame["measure"].map(lambda m: b.t(f"esr_{m}")))
    title = b.t("sec_esr_table") if project is not None else b.t("sec_esr_totals")
    sec = Section(title)
    counts = frame[frame["measure"] != "funding"]
    if counts[["planned", "realised"]].notna().any().any():
        sec.blocks.append(_planned_realised_figure(b, counts))
    sec.blocks.append(
        b.table(
            title,
            frame,
            [
                b.col("measure_label", "col_measure", stat=False),
                b.col("planned", kind="eur", stat=False),
                b.col("realised", kind="eur", stat=False),
                b.col("pct", "col_realised_pct", "pct", stat=False),
            ],
        )
    )
    if project is None:
        sec.blocks.insert(
            0, Paragraph(f"{b.t('esr_projects')}: {fmt_int(len(b.data.register), b.lang)}")
        )
        sec.blocks.append(_projects_table(b))
    ch.sections.append(sec)
    return ch


def _planned_realised_figure(b: Builder, counts: pd.DataFrame) -> Figure:
    """Planned and realised counts side by side (funding, in euros, left out)."""
    series = [
        {"name": b.t("col_planned"), "values": counts["planned"], "color": _PLANNED_COLOR},
        {"name": b.t("col_realised"), "values": counts["realised"], "color": charts.PALETTE[0]},
    ]
    chart = charts.grouped_bars(counts["measure_label"].tolist(), series, b.t("axis_count"), b.lang)
    return b.figure(b.t("fig_esr"), chart)


def _projects_table(b: Builder) -> Table:
    """Every registered project: "realised / planned" per measure in the report, both
    numbers in the workbook."""
    reg = b.data.register.copy()
    cols = [
        b.col("code", stat=False),
        b.col("name", stat=False),
        b.col("organisation", stat=False),
        Column("region", b.t("col_region"), "text", False, "excel"),
    ]
    for m in ESR_MEASURES:
        name = b.t(f"esr_{m}")
        reg[f"{m}__both"] = _realised_of_planned(b, reg, m) if f"planned_{m}" in reg else ""
        cols += [
            Column(f"{m}__both", f"{name}: {b.t('col_realised_planned')}", "text", False, "html"),
            Column(f"planned_{m}", f"{name}: {b.t('col_planned')}", "eur", False, "excel"),
            Column(f"realised_{m}", f"{name}: {b.t('col_realised')}", "eur", False, "excel"),
        ]
    return b.table(b.t("sec_esr_projects"), reg, cols)


def _realised_of_planned(b: Builder, reg: pd.DataFrame, m: str) -> list[str]:
    """``realised / planned`` of measure ``m`` per project (``–`` for a missing number)."""
    realised = pd.to_numeric(reg.get(f"realised_{m}"), errors="coerce")
    planned = pd.to_numeric(reg.get(f"planned_{m}"), errors="coerce")
    return [
        f"{fmt_int(r, b.lang) or '–'} / {fmt_int(p, b.lang) or '–'}"
        if pd.notna(r) or pd.notna(p)
        else ""
        for r, p in zip(realised, planned, strict=True)
    ]
