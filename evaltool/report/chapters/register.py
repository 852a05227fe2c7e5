"""Chapter "ESF indicators": planned and realised figures from the ESF project register and,
where participant records exist, the ESF+ common indicators by gender against targets, the
success rates and the change in quality of life by labour-market status
(:mod:`evaltool.report.esf_data`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, project_key
from evaltool.report.collect import ProjectInfo, ReportData
from evaltool.report.document import Chapter, Column, Figure, Paragraph, Section, Table
from evaltool.report.esf_data import EsfData
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
    esf = getattr(b.data, "esf", None)
    if esf is not None:
        ch.sections.extend(esf_sections(b, esf, project))
    if frame is None:
        return ch
    frame = frame.assign(measure_label=frame["measure"].map(lambda m: b.t(f"esr_{m}")))
    title = b.t("sec_esr_table") if project is not None else b.t("sec_esr_totals")
    sec = Section(title)
    counts = frame[frame["measure"] != "funding"]
    if counts["pct"].notna().any():
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
    ch.sections.insert(0, sec)
    return ch


def _planned_realised_figure(b: Builder, counts: pd.DataFrame) -> Figure:
    """Realised as a percentage of plan, one bar per measure on one percent axis (the
    measures count different units: 720 participants and 2 enterprises cannot share a
    count axis); the numbers are in the table beside it."""
    pct = [None if pd.isna(v) else float(v) * 100 for v in counts["pct"]]
    series = [{"name": b.t("col_realised"), "values": pct, "color": charts.PALETTE[0]}]
    chart = charts.grouped_bars(
        counts["measure_label"].tolist(), series, b.t("axis_pct_of_plan"), b.lang
    )
    chart["layout"]["shapes"] = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": 100,
            "y1": 100,
            "line": {"color": _PLANNED_COLOR, "dash": "dash"},
        }
    ]
    return b.figure(b.t("fig_esr_pct"), chart)


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


# --------------------------------------------------------------------------- ESF+ participants

_COUNTS = [
    ("total", "col_esf_total"),
    ("women", "col_esf_women"),
    ("men", "col_esf_men"),
    ("non_binary", "col_esf_non_binary"),
    ("unknown_gender", "col_esf_unknown"),
]


def _rows(frame: pd.DataFrame, key: str | None) -> pd.DataFrame:
    if frame.empty:
        return frame
    sel = frame["project"].isna() if key is None else frame["project"] == key
    return frame[sel.to_numpy()].reset_index(drop=True)


def esf_sections(b: Builder, esf: EsfData, project: ProjectInfo | None) -> list[Section]:
    """The sections for a project (its key) or the programme (None); empty without the
    project's participant records."""
    key = project_key(project)
    table = _rows(esf.indicators, key)
    if table.empty:
        return []
    defs = esf.definitions
    table = table.assign(
        indicator=table["code"].map(lambda c: defs[c].label(b.lang)),
    )
    out = [_indicator_section(b, table)]
    rates = table[table["kind"] != "output"]
    if len(rates):
        out.append(_success_section(b, rates))
    join = _rows(esf.join, key)
    if len(join):
        out.append(_join_section(b, join, _rows(esf.join_linkage, key)))
    return out


def _indicator_section(b: Builder, table: pd.DataFrame) -> Section:
    sec = Section(b.t("sec_esf_indicators"), [Paragraph(b.t("esf_intro"))])
    if table["target_pct"].notna().any():
        t = table[table["target_pct"].notna()]
        chart = charts.hbars(
            [f"{c} {lab}" for c, lab in zip(t["code"], t["indicator"], strict=True)],
            t["target_pct"].tolist(),
            b.t("col_target_pct"),
            b.lang,
        )
        sec.blocks.append(b.figure(b.t("fig_esf_targets"), chart))
    cols = [
        b.col("code", "col_indicator_code", stat=False),
        b.col("indicator", "col_indicator", stat=False),
        *(b.col(c, h, "int") for c, h in _COUNTS),
        b.col("target", "col_esf_target", "int", stat=False),
        b.col("target_pct", "col_target_pct", "pct"),
    ]
    cells = {c: table[c].isna().to_numpy() & table["sensitive"].to_numpy(bool) for c, _ in _COUNTS}
    notes = [b.t("esf_sensitive_note", min_n=b.data.min_n)]
    frame = table.assign(suppressed=False)
    sec.blocks.append(b.table(b.t("sec_esf_indicators"), frame, cols, notes=notes, cells=cells))
    return sec


def _success_section(b: Builder, rates: pd.DataFrame) -> Section:
    cols = [
        b.col("code", "col_indicator_code", stat=False),
        b.col("indicator", "col_indicator", stat=False),
        b.col("total", "col_esf_total", "int", stat=False),
        b.col("base_codes", "col_esf_base", stat=False),
        b.col("base", "col_n", "int", stat=False),
        b.col("success_rate", "col_success_rate", "pct", stat=False),
        b.col("leaver_rate", "col_leaver_rate", "pct", stat=False),
    ]
    frame = rates.reset_index(drop=True).assign(suppressed=False)
    return Section(
        b.t("sec_esf_success"),
        [b.table(b.t("sec_esf_success"), frame, cols, notes=[b.t("esf_success_note")])],
    )


def _join_section(b: Builder, join: pd.DataFrame, linkage: pd.DataFrame) -> Section:
    sec = Section(b.t("sec_esf_join"))
    if len(linkage):
        r = linkage.iloc[0]
        sec.blocks.append(
            Paragraph(
                b.t(
                    "esf_linked",
                    participants=fmt_int(r["participants"], b.lang),
                    linked=fmt_int(r["linked"], b.lang),
                )
            )
        )
    frame = join.assign(
        variable_label=join["variable"].map(lambda v: b.t(f"esf_var_{v}")),
        level_label=join["level"].map(lambda v: b.t(f"esf_level_{v}")),
        domain_label=[
            _domain_label(b, i, d) for i, d in zip(join["instrument"], join["domain"], strict=True)
        ],
    )
    frame = b.with_ci(frame)
    frame["suppressed"] = frame["suppressed"].astype(object).fillna(False).astype(bool)
    cols = [
        b.col("domain_label", "col_domain", stat=False, repeat=False),
        b.col("variable_label", "col_status_variable", stat=False, repeat=False),
        b.col("level_label", "col_status_level", stat=False),
        b.col("n", kind="int", stat=False),
        b.col("mean_from", kind="num1"),
        b.col("mean_to", kind="num1"),
        b.col("mean_diff", "col_change", "signed1"),
        *b.ci_cols(),
        b.col("p", kind="p"),
        b.col("wilcoxon_p", kind="p"),
    ]
    sec.blocks.append(b.table(b.t("sec_esf_join"), frame, cols, notes=[b.t("esf_join_note")]))
    return sec


def _domain_label(b: Builder, instrument: str, domain: str) -> str:
    for inst in b.data.instruments:
        if inst.name == instrument:
            return f"{inst.short_title(b.lang)}: {inst.domain_label(domain, b.lang)}"
    return f"{instrument}: {domain}"
