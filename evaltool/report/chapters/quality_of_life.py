"""Chapter "quality of life": means by wave, change within clients, reliable change,
subgroups, the project against the programme, trajectories and good quality of life."""

from __future__ import annotations

import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.benchmark import benchmark_section
from evaltool.report.chapters.common import (
    Builder,
    field_title,
    project_key,
    project_rows,
    rci_cells,
    wave_span,
)
from evaltool.report.collect import InstrumentData, ProjectInfo, ReportData
from evaltool.report.document import Chapter, Paragraph, Section
from evaltool.report.i18n import fmt_num, has_string
from evaltool.report.privacy import protect, protect_binary

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
    sec.blocks.append(
        b.table(
            sec.title,
            paired,
            [
                b.col("domain_label", "col_domain", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("rci_critical", kind="num1"),
                b.col("improved", kind="int"),
                b.col("unchanged", kind="int"),
                b.col("deteriorated", kind="int"),
                b.col("improved_share", kind="pct"),
            ],
            cells=hide,
        )
    )
    return sec


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
    hide = protect(sub["n"], d.min_n, groups=sub["domain"] + "\x00" + sub["variable"])
    sub = b.with_ci(sub.assign(suppressed=sub["suppressed"].astype(bool) | hide))
    title = inst.short_title(b.lang)
    sec = Section(f"{title}: {b.t('sec_subgroups')}", [Paragraph(b.t("s_subgroups"))])
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
    return sec


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
    """The share of clients with good quality of life per wave (EUROHIS-QOL 8 threshold)."""
    good = project_rows(inst.outcomes["eurohis"], key)
    if not len(good):
        return None
    good = good[good["kind"] == "wave"].assign(wave_label=lambda f: f["wave"].map(b.wave))
    hide = protect_binary(good["n_good"], good["n"], b.data.min_n)
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
    sec.blocks.append(
        b.table(
            sec.title,
            good,
            [
                b.col("wave_label", "col_wave", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("n_good", kind="int"),
                b.col("share", kind="pct1"),
                *b.ci_cols(digits=1),
            ],
            cells={k: hide for k in ("n_good", "share", "ci_low", "ci_high", "ci_low__range")},
        )
    )
    return sec
