"""Chapter "quality of life": means by wave, change within clients, reliable change,
subgroups, the project against the programme, trajectories and good quality of life."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.benchmark import benchmark_section
from evaltool.report.chapters.common import (
    RCI_CLASSES,
    Builder,
    field_title,
    project_key,
    project_rows,
    rci_cells,
    wave_span,
)
from evaltool.report.chapters.population import population_blocks
from evaltool.report.collect import InstrumentData, ProjectInfo, ReportData
from evaltool.report.document import Chapter, Paragraph, Section
from evaltool.report.i18n import fmt_num, fmt_p_text, has_string
from evaltool.report.privacy import protect_binary, small

#: Sort rank of the baseline-level groups (their names as the outcome tables write them).
_BASELINE_LEVELS = {
    "lowest third": 0,
    "upper two thirds": 1,
    "below cut-off": 0,
    "at or above cut-off": 1,
}


def quality_of_life_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The quality-of-life results of a project report (``project``) or of the programme
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
        Per instrument with data: means by wave (figure, table); with outcomes also the
        paired change, reliable change, change by subgroup, the project against the
        programme (project reports), trajectories (three waves or more) and the share with
        good quality of life (EUROHIS-QOL 8).
    """
    key = project_key(project)
    ch = Chapter("qol", b.t("ch_qol"))
    for inst in b.data.qol:
        means = project_rows(inst.means, key)
        if means.empty:
            continue
        ch.sections.append(_means_section(b, inst, means))
        if not inst.outcomes:
            continue
        o = inst.outcomes
        paired = project_rows(o["paired"], key)
        if len(paired):
            paired = b.with_ci(b.domain_col(paired, inst))
            ch.sections.append(_paired_section(b, inst, paired))
            ch.sections.append(_reliable_change_section(b, inst, paired))
        sections = [_subgroup_section(b, inst, key)]
        bench = o["benchmark"]
        if len(bench) and key is not None:  # the programme report has it in chapter 3
            sections.append(benchmark_section(b, inst, bench, key))
        if len(project_rows(o["mixed"], key)) and len(inst.waves) >= 3:
            sections.append(_trajectory_section(b, inst, o["mixed"], key))
        sections.append(_good_qol_section(b, inst, key))
        ch.sections += [s for s in sections if s is not None]
    return ch


def _means_section(b: Builder, inst: InstrumentData, means: pd.DataFrame) -> Section:
    """Domain means by wave with their 95 % CI: a line chart and a table."""
    title = inst.short_title(b.lang)
    sec = Section(f"{title}: {b.t('sec_means')}")
    series = []
    for dom in inst.domains:
        m = means[means["domain"] == dom]
        if m.empty:
            continue
        series.append(
            {
                "name": inst.domain_label(dom, b.lang),
                "x": [b.wave(w) for w in m["wave"]],
                "y": m["mean"].tolist(),
                "low": m["ci_low"].tolist(),
                "high": m["ci_high"].tolist(),
            }
        )
    if any(pd.notna(v) for s in series for v in s["y"]):
        chart = charts.lines_with_ci(series, b.t("col_wave"), b.t("axis_score"), b.lang)
        sec.blocks.append(b.figure(b.t("fig_means", instrument=title), chart))
    means = b.with_ci(b.domain_col(means, inst).assign(wave_label=lambda f: f["wave"].map(b.wave)))
    sec.blocks.append(
        b.table(
            f"{title}: {b.t('sec_means')}",
            means,
            [
                b.col("domain_label", "col_domain", stat=False, repeat=False),
                b.col("wave_label", "col_wave", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("mean", kind="num1"),
                b.col("sd", kind="num1"),
                *b.ci_cols(),
            ],
        )
    )
    return sec


def _paired_section(b: Builder, inst: InstrumentData, paired: pd.DataFrame) -> Section:
    """Change within the same clients: means, difference, CI, t-test, Holm, Wilcoxon, dz."""
    title = inst.short_title(b.lang)
    sec = Section(f"{title}: {b.t('sec_paired')} {wave_span(b, paired)}")
    sec.blocks.append(
        b.table(
            sec.title,
            paired,
            [
                b.col("domain_label", "col_domain", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("mean_from", kind="num1"),
                b.col("mean_to", kind="num1"),
                b.col("mean_diff", "col_change", "signed1"),
                *b.ci_cols(),
                b.col("p", kind="p"),
                b.col("p_holm", kind="p"),
                b.col("wilcoxon_p", kind="p"),
                b.col("dz", kind="num2"),
                b.col("d_av", kind="num2"),
            ],
        )
    )
    return sec


def _reliable_change_section(b: Builder, inst: InstrumentData, paired: pd.DataFrame) -> Section:
    """Clients improved, unchanged and deteriorated by the Reliable Change Index: a stacked
    bar per domain (only where all three parts can be shown) and a table."""
    d = b.data
    title = inst.short_title(b.lang)
    sec = Section(f"{title}: {b.t('sec_rci')}")
    hide = rci_cells(paired, d.min_n)
    # a bar is drawn only when all three of its parts can be shown
    shown = ~paired["suppressed"].astype(bool).to_numpy()
    ok = shown & ~(hide["improved"] | hide["unchanged"] | hide["deteriorated"])
    if ok.any():
        parts = [
            {"name": b.t(f"col_{k}"), "color": color, "values": paired.loc[ok, f"{k}_share"]}
            for k, color in (
                ("deteriorated", charts.BAD),
                ("unchanged", charts.NEUTRAL),
                ("improved", charts.GOOD),
            )
        ]
        note = b.t("s_rci")
        if (shown & ~ok).any():
            note += " " + b.t("rci_chart_left_out", min_n=d.min_n)
        chart = charts.stacked_shares(
            paired.loc[ok, "domain_label"].tolist(), parts, b.t("axis_clients"), b.lang
        )
        sec.blocks.append(b.figure(b.t("fig_rci", instrument=title), chart, note=note))
    elif shown.any():
        sec.blocks.append(Paragraph(b.t("s_rci")))
    if shown.any():  # the shares' basis: the clients paired across the compared waves
        r = paired.iloc[0]
        sec.blocks.append(Paragraph(b.t("s_rci_basis", a=int(r["from_wave"]), b=int(r["to_wave"]))))
    pooled = "rci_pooled" in paired and (paired["rci_pooled"].fillna(0) > 0).any()
    table = b.table(
        sec.title,
        paired,
        [
            b.col("domain_label", "col_domain", stat=False),
            b.col("n", kind="int", stat=False),
            b.col("rci_critical", kind="num1"),
            b.col("improved", kind="int"),
            b.col("unchanged", kind="int"),
            b.col("deteriorated", kind="int"),
            *([b.col("rci_pooled", "col_not_by_project", "int")] if pooled else []),
            b.col("improved_share", kind="pct"),
        ],
        notes=[b.t("rci_programme_note")] if pooled else [],
        cells=hide,
    )
    table.ledger, table.ledger_facts = rci_ledger(b, inst, paired)
    sec.blocks.append(table)
    return sec


def rci_ledger(b: Builder, inst: InstrumentData, paired: pd.DataFrame) -> tuple[dict, list]:
    """The linear forms of the reliable-change counts over the atoms (project, domain,
    class); a programme row sums the project cells shown."""
    memo = ("rci_ledger", b.data.min_n)
    if memo not in inst.shared:  # the same for every report of a batch
        full = inst.outcomes["paired"]
        shown = full["project"].notna() & ~full["suppressed"].astype(bool)
        proj = full[shown].reset_index(drop=True)
        inst.shared[memo] = proj, rci_cells(proj, b.data.min_n)
    proj, shown_cells = inst.shared[memo]
    forms: dict[str, list] = {k: [] for k in RCI_CLASSES}
    facts = []
    for r in paired.itertuples(index=False):
        if r.project is not None and not pd.isna(r.project):
            sources = {k: [r.project] for k in RCI_CLASSES}
            every = [r.project]
        else:
            mine = (proj["domain"] == r.domain).to_numpy()
            sources = {k: list(proj.loc[mine & ~shown_cells[k], "project"]) for k in RCI_CLASSES}
            every = list(proj.loc[mine, "project"])
        for k in RCI_CLASSES:
            forms[k].append({("rci", inst.name, r.domain, p, k): 1.0 for p in sources[k]})
        facts.append({("rci", inst.name, r.domain, p, k): 1.0 for p in every for k in RCI_CLASSES})
    forms.update({f"{k}_share": forms[k] for k in RCI_CLASSES})
    return forms, facts


def _subgroup_section(b: Builder, inst: InstrumentData, key: str | None) -> Section | None:
    """Change by baseline level and by background group."""
    d = b.data
    sub = project_rows(inst.outcomes["subgroups"], key)
    sub = sub[sub["n"] > 0] if len(sub) else sub
    if not len(sub):
        return None
    sub = _order_subgroups(d, b.domain_col(sub, inst), inst)
    sub["variable_label"] = sub["variable"].map(lambda v: field_title(b, v))
    sub["level_label"] = [
        b.t(f"lvl_{lv}")
        if v == "baseline" and has_string(f"lvl_{lv}")
        else d.value_label(v, lv, b.lang)
        for v, lv in zip(sub["variable"], sub["level"], strict=True)
    ]
    # a withheld group size (and any size that would give it away) hides its row
    # a withheld group size (and any size that would give it away) hides its row: the
    # outcome table withholds the small groups and their complements (release=True), and
    # the programme's groups sum the project groups shown
    hide = sub["suppressed"].astype(bool).to_numpy() | small(sub["n"], d.min_n)
    sub = b.with_ci(sub.assign(suppressed=sub["suppressed"].astype(bool) | hide))
    title = inst.short_title(b.lang)
    sec = Section(
        f"{title}: {b.t('sec_subgroups')}",
        [Paragraph(b.t("s_subgroups")), Paragraph(b.t("s_in_workbook"))],
    )
    sec.blocks.append(
        b.table(
            sec.title,
            sub,
            [
                b.col("domain_label", "col_domain", stat=False, repeat=False),
                b.col("variable_label", "col_variable", stat=False, repeat=False),
                b.col("level_label", "col_level", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("mean_from", kind="num1"),
                b.col("mean_to", kind="num1"),
                b.col("mean_diff", "col_change", "signed1"),
                *b.ci_cols(),
                b.col("dz", kind="num2"),
            ],
            cells={"n": hide},
        )
    )
    table = sec.blocks[-1]
    table.excel_only = True
    table.ledger, table.ledger_facts = subgroup_ledger(b, inst, sub, key)
    return sec


def subgroup_ledger(
    b: Builder, inst: InstrumentData, sub: pd.DataFrame, key: str | None
) -> tuple[dict, list]:
    """The linear forms of the subgroup sizes and score sums over the atoms (project,
    domain, variable, level, wave), and the facts tying them to the paired table (its n
    and means are the sums over the levels and the clients without a level)."""
    if "subgroup_ledger" not in inst.shared:  # the same for every report of a batch
        full = inst.outcomes["subgroups"]
        proj = full[full["project"].notna()]
        shown = proj[~proj["suppressed"].astype(bool)]
        paired = inst.outcomes["paired"]
        pp = paired[paired["project"].notna()].set_index(["project", "domain"])["n"]
        src = shown.groupby(["domain", "variable", "level"])["project"].agg(list)
        inst.shared["subgroup_ledger"] = proj, pp, src
    proj, pp, src = inst.shared["subgroup_ledger"]
    forms: dict[str, list] = {"n": [], "mean_from": [], "mean_to": []}
    for r in sub.itertuples(index=False):
        own = r.project is not None and not pd.isna(r.project)
        projects = [r.project] if own else src.get((r.domain, r.variable, r.level), [])
        for col, what in (("n", "n"), ("mean_from", "from"), ("mean_to", "to")):
            forms[col].append(
                {("sub", what, inst.name, r.domain, r.variable, p, r.level): 1.0 for p in projects}
            )
    facts = []
    mine = proj if key is None else proj[proj["project"] == key]
    min_n = b.data.min_n
    n_of = dict(zip(pp.index, pp.to_numpy(dtype=float), strict=True))
    # one pass over the groups: their levels in row order and the sum of their sizes
    groups = mine.groupby(["project", "domain", "variable"])
    levels_of, n_sum = groups["level"].agg(list), groups["n"].sum()
    for (p, dom, var), levels, n_levels in zip(
        levels_of.index, levels_of.to_numpy(), n_sum.to_numpy(dtype=float), strict=True
    ):
        n_paired = n_of.get((p, dom), np.nan)
        if not np.isfinite(n_paired):
            continue
        if n_paired - n_levels > 0:
            levels = [*levels, "\x00unknown"]
        for what in ("n", "from", "to"):
            if what != "n" and n_paired < min_n:
                continue
            facts.append({("sub", what, inst.name, dom, var, p, lv): 1.0 for lv in levels})
    return forms, facts


def _order_subgroups(d: ReportData, sub: pd.DataFrame, inst: InstrumentData) -> pd.DataFrame:
    """Subgroup rows by domain, grouping (baseline first) and the options' own order."""
    dom = {dn: k for k, dn in enumerate(inst.domains)}
    var_order = {v: k for k, v in enumerate(pd.unique(sub["variable"]))}
    ranks: dict[str, dict[str, int]] = {}
    for (f, norm), _labels in d.value_labels.items():
        ranks.setdefault(f, {}).setdefault(norm, len(ranks[f]))
    rank = [
        _BASELINE_LEVELS.get(str(lv), 0)
        if v == "baseline"
        else ranks.get(v, {}).get(str(lv).strip().casefold(), 10_000)
        for v, lv in zip(sub["variable"], sub["level"], strict=True)
    ]
    return (
        sub.assign(
            _d=sub["domain"].map(dom),
            _v=sub["variable"].map(var_order),
            _r=rank,
            _l=sub["level"].astype(str),
        )
        .sort_values(["_d", "_v", "_r", "_l"])
        .drop(columns=["_d", "_v", "_r", "_l"])
        .reset_index(drop=True)
    )


def _trajectory_section(
    b: Builder, inst: InstrumentData, mixed: pd.DataFrame, key: str | None
) -> Section:
    """Three waves or more: the mixed model's wave effects as lines (the project and the
    programme) and a table of the estimates."""
    title = inst.short_title(b.lang)
    sec = Section(f"{title}: {b.t('sec_trajectories')}")
    series = _trajectory_series(b, inst, mixed, key)
    if series:
        chart = charts.lines_with_ci(series, b.t("col_wave"), b.t("axis_score"), b.lang)
        sec.blocks.append(b.figure(b.t("fig_trajectories", instrument=title), chart))
    rows = b.domain_col(project_rows(mixed, key), inst)
    rows["term_label"] = rows["term"].map(
        lambda tm: (
            b.t("baseline")
            if tm == "intercept"
            else f"{b.wave(int(str(tm).split(':')[1]))} − {b.wave(inst.waves[0])}"
        )
    )
    rows = b.with_ci(rows)
    sec.blocks.append(
        b.table(
            sec.title,
            rows,
            [
                b.col("domain_label", "col_domain", stat=False, repeat=False),
                b.col("term_label", "col_term", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("estimate", kind="num1"),
                b.col("se", kind="num2"),
                *b.ci_cols(),
                b.col("var_client", kind="num1"),
                b.col("var_residual", kind="num1"),
            ],
            notes=[b.t("s_mixed")],
        )
    )
    return sec


def _trajectory_series(
    b: Builder, inst: InstrumentData, mixed: pd.DataFrame, key: str | None
) -> list[dict]:
    """Lines of the modelled means per wave: intercept + wave effects, per domain for the
    project (solid) and the programme (dotted), only from converged, shown models."""
    series = []
    groups = [(key, b.t("this_project") if key is not None else b.t("programme"), "solid")]
    if key is not None:
        groups.append((None, b.t("programme"), "dot"))
    for k, dom in enumerate(inst.domains):
        color = charts.PALETTE[k % len(charts.PALETTE)]
        for proj, name, dash in groups:
            m = project_rows(mixed, proj)
            m = m[(m["domain"] == dom) & ~m["suppressed"].astype(bool)]
            if m.empty or not m["converged"].fillna(False).astype(bool).all():
                continue
            icpt = m.loc[m["term"] == "intercept", "estimate"]
            if icpt.empty or pd.isna(icpt.iloc[0]):
                continue
            base = float(icpt.iloc[0])
            effects = [
                (int(str(tm).split(":")[1]), float(v))
                for tm, v in zip(m["term"], m["estimate"], strict=True)
                if str(tm).startswith("wave:")
            ]
            series.append(
                {
                    "name": f"{inst.domain_label(dom, b.lang)} – {name}",
                    "x": [b.wave(w) for w in [inst.waves[0], *(w for w, _ in effects)]],
                    "y": [base, *(base + v for _, v in effects)],
                    "color": color,
                    "dash": dash,
                }
            )
    return series


def _good_qol_section(b: Builder, inst: InstrumentData, key: str | None) -> Section | None:
    """The share of clients with good quality of life per wave (EUROHIS-QOL 8 threshold),
    its change in the same clients (McNemar's test) and the population reference
    (:mod:`.population`)."""
    allrows = project_rows(inst.outcomes["eurohis"], key)
    if not len(allrows):
        return None
    good = allrows[allrows["kind"] == "wave"].assign(wave_label=lambda f: f["wave"].map(b.wave))
    hide = (
        protect_binary(good["n_good"], good["n"], b.data.min_n)
        | good["suppressed"].astype(bool).to_numpy()
    )
    good = b.with_ci(good, pct=True)
    title = inst.short_title(b.lang)
    intro = []
    if "threshold" in good and pd.notna(good["threshold"].iloc[0]):
        text = b.t(
            "s_good_qol",
            threshold=fmt_num(good["threshold"].iloc[0], b.lang, 0),
            lo=fmt_num(inst.instrument.scale_min, b.lang, 0),
            hi=fmt_num(inst.instrument.scale_max, b.lang, 0),
        )
        intro.append(Paragraph(text))
    sec = Section(f"{title}: {b.t('sec_good_qol')}", intro)
    table = b.table(
        sec.title,
        good,
        [
            b.col("wave_label", "col_wave", stat=False),
            b.col("n", kind="int", stat=False),
            b.col("n_good", kind="int"),
            b.col("share", kind="pct1"),
            *b.ci_cols(digits=1),
        ],
        notes=[b.t("good_programme_note")] if key is None else [],
        cells={k: hide for k in ("n_good", "share", "ci_low", "ci_high", "ci_low__range")},
    )
    table.ledger, table.ledger_facts = _good_ledger(b, inst, good, key)
    sec.blocks.append(table)
    change = allrows[allrows["kind"] == "change"]
    if len(change):
        sec.blocks.append(_mcnemar_paragraph(b, change.iloc[0]))
    sec.blocks += population_blocks(b, inst, key, good, hide)
    return sec


def _mcnemar_paragraph(b: Builder, r) -> Paragraph:
    """McNemar's test of the change in the share with good quality of life."""
    if bool(r["suppressed"]) or pd.isna(r["p"]):
        return Paragraph(
            b.t(
                "s_mcnemar_withheld", a=int(r["from_wave"]), b=int(r["to_wave"]), min_n=b.data.min_n
            )
        )
    return Paragraph(
        b.t(
            "s_mcnemar",
            a=int(r["from_wave"]),
            b=int(r["to_wave"]),
            n=fmt_num(r["n"], b.lang, 0),
            p=fmt_p_text(r["p"], b.lang),
        )
    )


def _good_ledger(b: Builder, inst: InstrumentData, good: pd.DataFrame, key) -> tuple[dict, list]:
    """Linear forms of the good-quality-of-life counts over the atoms (project, wave, yes /
    no); a programme row sums the projects whose counts are shown."""
    full = inst.outcomes["eurohis"]
    proj = full[(full["kind"] == "wave") & full["project"].notna()]
    ok = ~(
        protect_binary(proj["n_good"], proj["n"], b.data.min_n) | proj["suppressed"].astype(bool)
    )
    src = proj[ok.to_numpy()].groupby("wave")["project"].agg(list)
    yes, facts = [], []
    for r in good.itertuples(index=False):
        projects = [key] if key is not None else src.get(r.wave, [])
        yes.append({("good", inst.name, r.wave, p, "yes"): 1.0 for p in projects})
        facts.append(
            {("good", inst.name, r.wave, p, w): 1.0 for p in projects for w in ("yes", "no")}
        )
    return {"n_good": yes, "share": yes}, facts
