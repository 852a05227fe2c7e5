"""The benchmark section: a project's adjusted change against the programme's (ANCOVA).

A project report has one forest plot of its domains beside the programme; the programme
report has one forest plot per domain with every project. Used by the quality-of-life
chapter (project reports) and by the projects-side-by-side chapter (programme report).
"""

from __future__ import annotations

import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, project_label, project_rows
from evaltool.report.collect import InstrumentData
from evaltool.report.document import Paragraph, Section


def benchmark_section(
    b: Builder, inst: InstrumentData, bench: pd.DataFrame, key: str | None
) -> Section | None:
    """The project ``key`` (or, with None, every project) against the programme.

    Parameters
    ----------
    b : Builder
        The document being built.
    inst : InstrumentData
        The quality-of-life instrument.
    bench : pandas.DataFrame
        The instrument's benchmark table (``outcomes["benchmark"]``: project, domain, n,
        adjusted_change with adjusted_ci_low/high, effect with effect_ci_low/high, effect_p,
        suppressed); programme rows have project None.
    key : str or None
        The project; None for the programme report.

    Returns
    -------
    Section or None
        Forest plot(s) and the table; None without rows to show.

    Notes
    -----
    ``adjusted_change`` is the change a project would have had had its clients started at
    the programme's mean baseline (ANCOVA of follow-up on baseline + project, all projects);
    ``effect`` is the project's adjusted change minus the programme's change.
    """
    if key is not None:
        return _project_benchmark(b, inst, bench, key)
    return _programme_benchmark(b, inst, bench)


def _project_benchmark(
    b: Builder, inst: InstrumentData, bench: pd.DataFrame, key: str
) -> Section | None:
    """One project's domains beside the programme: forest plot and table."""
    title = inst.short_title(b.lang)
    prog = project_rows(bench, None)
    rows = project_rows(bench, key)
    if rows.empty:
        return None
    rows = b.domain_col(rows, inst)
    prog_by = prog.set_index("domain")
    sec = Section(f"{title}: {b.t('sec_benchmark')}", [Paragraph(b.t("s_benchmark"))])
    labels = rows["domain_label"].tolist()
    pr = prog_by.reindex(rows["domain"])
    ok = rows[~rows["suppressed"].astype(bool)]
    if len(ok):
        series = [
            {
                "name": b.t("this_project"),
                "est": rows["adjusted_change"],
                "low": rows["adjusted_ci_low"],
                "high": rows["adjusted_ci_high"],
                "color": charts.HIGHLIGHT,
                "symbol": "square",
            },
            {
                "name": b.t("programme"),
                "est": pr["adjusted_change"],
                "low": pr["adjusted_ci_low"],
                "high": pr["adjusted_ci_high"],
                "color": charts.PALETTE[0],
                "symbol": "diamond",
            },
        ]
        sec.blocks.append(
            b.figure(
                b.t("fig_forest", instrument=title),
                charts.forest(labels, series, b.t("axis_change"), b.lang),
            )
        )
    rows = b.with_ci(
        b.with_ci(rows, "adjusted_ci_low", "adjusted_ci_high"), "effect_ci_low", "effect_ci_high"
    )
    sec.blocks.append(
        b.table(
            sec.title,
            rows,
            [
                b.col("domain_label", "col_domain", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("adjusted_change", kind="signed1"),
                *b.ci_cols("adjusted_ci_low", "adjusted_ci_high"),
                b.col("effect", kind="signed1"),
                *b.ci_cols(
                    "effect_ci_low",
                    "effect_ci_high",
                    header=f"{b.t('col_effect')}: {b.t('col_ci')}",
                ),
                b.col("effect_p", "col_p", "p"),
            ],
        )
    )
    return sec


def _programme_benchmark(b: Builder, inst: InstrumentData, bench: pd.DataFrame) -> Section | None:
    """Every project: one forest plot per domain (programme change as reference) and a table."""
    title = inst.short_title(b.lang)
    prog = project_rows(bench, None)
    proj = bench[bench["project"].notna()].reset_index(drop=True)
    if proj.empty:
        return None
    sec = Section(f"{title}: {b.t('sec_benchmark_all')}", [Paragraph(b.t("s_benchmark"))])
    names = {k: project_label(p) for k, p in b.data.projects.items()}
    for dom in inst.domains:
        rows = proj[(proj["domain"] == dom) & ~proj["suppressed"].astype(bool)]
        if rows.empty:
            continue
        rows = rows.sort_values(["adjusted_change", "project"], ascending=[False, True])
        ref = prog.loc[prog["domain"] == dom, "adjusted_change"]
        series = [
            {
                "name": b.t("col_adjusted_change"),
                "est": rows["adjusted_change"],
                "low": rows["adjusted_ci_low"],
                "high": rows["adjusted_ci_high"],
                "color": charts.PALETTE[0],
                "size": 7,
            }
        ]
        sec.blocks.append(
            b.figure(
                b.t("fig_forest_domain", instrument=title, domain=inst.domain_label(dom, b.lang)),
                charts.forest(
                    [names.get(p, p) for p in rows["project"]],
                    series,
                    b.t("axis_change"),
                    b.lang,
                    reference=ref.iloc[0] if len(ref) else None,
                ),
                note=b.t("forest_reference"),
            )
        )
    table = b.domain_col(
        bench.assign(
            project_label=bench["project"].map(
                lambda p: b.t("programme") if p is None or pd.isna(p) else names.get(p, p)
            )
        ),
        inst,
    )
    table = b.with_ci(table, "adjusted_ci_low", "adjusted_ci_high")
    sec.blocks.append(
        b.table(
            sec.title,
            table,
            [
                b.col("project_label", "col_project", stat=False),
                b.col("domain_label", "col_domain", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("adjusted_change", kind="signed1"),
                *b.ci_cols("adjusted_ci_low", "adjusted_ci_high"),
                b.col("effect", kind="signed1"),
                b.col("effect_p", "col_p", "p"),
            ],
        )
    )
    return sec
