"""Programme report chapter "projects side by side": one row per project and domain."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report.chapters.benchmark import benchmark_section
from evaltool.report.chapters.common import Builder, project_label, rci_cells, wave_span
from evaltool.report.collect import InstrumentData
from evaltool.report.document import Chapter, Column, Section


def comparison_chapter(b: Builder) -> Chapter:
    """Every project's change beside the others' (programme report).

    Parameters
    ----------
    b : Builder
        The programme document being built.

    Returns
    -------
    Chapter
        Per quality-of-life instrument with outcomes: a table of clients, follow-up rate,
        paired change, effect size, improved share and adjusted change per project and
        domain, then the adjusted change of every project (forest plots).
    """
    ch = Chapter("comparison", b.t("ch_comparison"))
    for inst in b.data.qol:
        if not inst.outcomes:
            continue
        ch.sections.append(_projects_section(b, inst))
        bsec = benchmark_section(b, inst, inst.outcomes["benchmark"], None)
        if bsec is not None:
            ch.sections.append(bsec)
    return ch


def _projects_frame(b: Builder, inst: InstrumentData) -> pd.DataFrame:
    """Paired change per project and domain with the benchmark's adjusted change and effect,
    the follow-up rate and the number of clients; ordered by project and domain."""
    d = b.data
    o = inst.outcomes
    base = pd.DataFrame({"project": list(d.projects)})
    base["name"] = base["project"].map({k: p.name for k, p in d.projects.items()})
    link = o["linkage"]
    fu = link[(link["kind"] == "follow_up") & link["project"].notna()]
    paired = o["paired"][o["paired"]["project"].notna()]
    bench = o["benchmark"][o["benchmark"]["project"].notna()]
    frame = paired.merge(
        bench[["project", "domain", "adjusted_change", "effect", "effect_p"]],
        on=["project", "domain"],
        how="left",
    )
    frame = frame.merge(
        fu[["project", "share"]].rename(columns={"share": "follow"}), on="project", how="left"
    )
    counts = inst.n_respondents
    frame = frame.merge(
        base.assign(clients=[float(counts.get(k, np.nan)) for k in base["project"]]),
        on="project",
        how="left",
    )
    domain_rank = {dn: i for i, dn in enumerate(inst.domains)}
    return b.domain_col(frame, inst).sort_values(
        ["project", "domain"], key=lambda s: s if s.name == "project" else s.map(domain_rank)
    )


def _projects_section(b: Builder, inst: InstrumentData) -> Section:
    """The instrument's table of projects side by side."""
    d = b.data
    frame = _projects_frame(b, inst)
    title = inst.short_title(b.lang)
    sec = Section(f"{title} {wave_span(b, frame)}")
    frame = b.with_ci(
        frame.assign(
            project_label=[
                project_label(d.projects[k]) if k in d.projects else k for k in frame["project"]
            ]
        )
    )
    hide = rci_cells(frame, d.min_n)["improved"]
    sec.blocks.append(
        b.table(
            f"{title}: {b.t('ch_comparison')}",
            frame,
            [
                Column("project_label", b.t("col_project"), "text", False, "html", False),
                Column("project", b.t("col_code"), "text", False, "excel"),
                Column("name", b.t("col_name"), "text", False, "excel"),
                b.col("clients", "col_respondents", kind="int", stat=False, repeat=False),
                b.col("follow", "col_follow_rate", "pct", stat=False, repeat=False),
                b.col("domain_label", "col_domain", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("mean_from", kind="num1"),
                b.col("mean_diff", "col_change", "signed1"),
                *b.ci_cols(),
                b.col("dz", kind="num2"),
                b.col("improved_share", kind="pct"),
                b.col("adjusted_change", kind="signed1"),
                b.col("effect", kind="signed1"),
                b.col("effect_p", "col_p", "p"),
            ],
            cells={"improved_share": hide},
        )
    )
    return sec
